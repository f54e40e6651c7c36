// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal streaming JSON writer: the caller says what comes next, the
 * writer puts the commas, quotes, escapes and (when pretty) the indentation.
 * Top-level values are separate documents (one per line for `monitor`).
 */
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	*j = (struct json){ .f = f, .pretty = pretty };
}

static void json_newline(struct json *j)
{
	if (j->pretty)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
}

/* What goes before any key, and before a value that has no key */
static void json_element(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	if (j->comma)
		fputc(',', j->f);
	json_newline(j);
}

/* @open is '{' or '[' */
void json_begin(struct json *j, char open)
{
	json_element(j);
	fputc(open, j->f);
	j->depth++;
	j->comma = false;
}

/* An empty container stays on one line: {} or [] */
void json_end(struct json *j, char close)
{
	j->depth--;
	if (j->comma)
		json_newline(j);
	fputc(close, j->f);
	j->comma = true;
}

void json_key(struct json *j, const char *key)
{
	json_element(j);
	json_quote(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	json_element(j);
	json_quote(j->f, s);
	j->comma = true;
}

void json_u64(struct json *j, uint64_t v)
{
	json_element(j);
	fprintf(j->f, "%" PRIu64, v);
	j->comma = true;
}

void json_bool(struct json *j, bool v)
{
	json_element(j);
	fputs(v ? "true" : "false", j->f);
	j->comma = true;
}

void json_null(struct json *j)
{
	json_element(j);
	fputs("null", j->f);
	j->comma = true;
}
