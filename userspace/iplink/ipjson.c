// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's JSON writer interface (userspace/tool/json.h) on top of the
 * writer `ip -j` is printing with, so that the tool's printers
 * (userspace/tool/print.c) put a device's details into ip's document, with
 * the same keys and values as `flexvpn -j`. Linked into the iproute2
 * plugins instead of the tool's json.c. ip keeps the commas and the
 * indentation; this file only says what comes next.
 */
#include <stdlib.h>

#include "iproute2.h"
#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	*j = (struct json){ .f = f, .pretty = pretty };
}

void json_begin(struct json *j, char open)
{
	json_writer_t *jw = ip_api.get_json_writer();

	if (open == '{')
		ip_api.jsonw_start_object(jw);
	else
		ip_api.jsonw_start_array(jw);
	j->depth++;
}

void json_end(struct json *j, char close)
{
	json_writer_t *jw = ip_api.get_json_writer();

	if (close == '}')
		ip_api.jsonw_end_object(jw);
	else
		ip_api.jsonw_end_array(jw);
	j->depth--;
}

/* The tool's keys are plain words: ip's quoting is enough for them */
void json_key(struct json *j, const char *key)
{
	ip_api.jsonw_name(ip_api.get_json_writer(), key);
}

/*
 * ip's own string writer passes control characters through, which a
 * device name may hold: the tool's quoting, written as a raw value instead
 */
void json_string(struct json *j, const char *s)
{
	json_writer_t *jw = ip_api.get_json_writer();
	char *buf = NULL;
	size_t len;
	FILE *m;

	m = open_memstream(&buf, &len);
	if (m) {
		json_quote(m, s);
		if (fclose(m))
			m = NULL;
	}
	if (m)
		ip_api.jsonw_printf(jw, "%s", buf);
	else
		ip_api.jsonw_null(jw);	/* out of memory: still a document */
	free(buf);
}

void json_u64(struct json *j, uint64_t v)
{
	ip_api.jsonw_u64(ip_api.get_json_writer(), v);
}

void json_bool(struct json *j, bool v)
{
	ip_api.jsonw_bool(ip_api.get_json_writer(), v);
}

void json_null(struct json *j)
{
	ip_api.jsonw_null(ip_api.get_json_writer());
}
