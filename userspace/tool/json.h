/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer: the caller says what comes next, the
 * writer puts the commas, quotes, escapes and (when pretty) the indentation.
 */
#ifndef FLEXVPN_JSON_H
#define FLEXVPN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool comma;		/* the current container already has an element */
	bool after_key;		/* a value is due right after "key": */
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_begin(struct json *j, char open);
void json_end(struct json *j, char close);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_quote(FILE *f, const char *s);

#endif
