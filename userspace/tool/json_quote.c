// SPDX-License-Identifier: GPL-2.0
/*
 * A JSON string, quoted and escaped: shared by the tool's JSON writer
 * (json.c) and the iproute2 link plugins' (userspace/iplink/ipjson.c),
 * as ip's own writer would pass control characters through.
 */
#include "json.h"

/* The two-character escape of @c ('n' for a newline), or 0 */
static char json_short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return '"';
	case '\\':
		return '\\';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	}
	return 0;
}

/*
 * Escapes what RFC 8259 requires, and DEL, so no string a peer chose (its
 * IKE identity) can carry terminal control sequences through.
 */
void json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;
		char e = json_short_escape(c);

		if (e)
			fprintf(f, "\\%c", e);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
