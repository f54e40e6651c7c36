// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the NHRP control socket's answer (nhrp_ctl.h) into entries.
 * Strict where a mistake would mislead (an entry's fields, the version, the
 * closing "end"), lenient where a newer server may add something (a line of
 * a kind this tool does not know is skipped, an unknown TYPE shown as is).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhrp_cache.h"
#include "nhrp_ctl.h"
#include "parse.h"

/* TYPE PREFIX DEV NBMA PROTO EXPIRES USED after "entry" */
#define ENTRY_FIELDS 8

/* Fills a->why; returns @err for chaining */
static __attribute__((format(printf, 3, 4)))
int answer_bad(struct nhrp_answer *a, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Splits @line on tabs in place: the number of fields, of which the first
 * @max are stored in @f.
 */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *tab;

	for (;;) {
		if (n < max)
			f[n] = line;
		n++;
		tab = strchr(line, '\t');
		if (!tab)
			return n;
		*tab = '\0';
		line = tab + 1;
	}
}

/* A field's value; NULL for "-" */
static const char *field_value(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

static int parse_used(const char *s, int *used)
{
	static const struct choice words[] = {
		{ "idle", 0 },
		{ "used", 1 },
		{ NULL, 0 }
	};
	unsigned int v;

	if (!strcmp(s, "-")) {
		*used = -1;
		return 0;
	}
	if (parse_choice(s, words, &v))
		return -EINVAL;
	*used = v;
	return 0;
}

static int add_entry(struct nhrp_answer *a, char **f, unsigned int n)
{
	struct nhrp_entry e = { 0 }, *v;
	size_t cap, i;

	for (i = 1; i < ENTRY_FIELDS; i++)
		if (!*f[i])
			return answer_bad(a, -EBADMSG,
					  "line %u: field %zu of \"entry\" is empty",
					  n, i + 1);
	e.has_expires = strcmp(f[6], "-");
	if (e.has_expires && parse_u64(f[6], &e.expires))
		return answer_bad(a, -EBADMSG,
				  "line %u: EXPIRES \"%s\" is no number of seconds",
				  n, f[6]);
	if (parse_used(f[7], &e.used))
		return answer_bad(a, -EBADMSG,
				  "line %u: USED \"%s\" is not \"used\", \"idle\" or \"-\"",
				  n, f[7]);
	e.type = field_value(f[1]);
	e.prefix = field_value(f[2]);
	e.dev = field_value(f[3]);
	e.nbma = field_value(f[4]);
	e.proto = field_value(f[5]);
	if (a->count == a->cap) {
		cap = a->cap ? a->cap * 2 : 16;
		v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return answer_bad(a, -ENOMEM, "out of memory");
		a->v = v;
		a->cap = cap;
	}
	a->v[a->count++] = e;
	return 0;
}

/* Tabs separate fields; any other control character is refused */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return true;
	return false;
}

/* Line @n (1 is the version, already checked) into @a; @ended: "end" came */
static int parse_line(struct nhrp_answer *a, char *line, unsigned int n,
		      bool *ended)
{
	char *f[ENTRY_FIELDS];
	size_t nf;

	if (*ended)
		return answer_bad(a, -EBADMSG, "line %u: more after \"end\"", n);
	if (strlen(line) >= NHRP_CTL_LINE_MAX)
		return answer_bad(a, -EBADMSG, "line %u is longer than %d bytes",
				  n, NHRP_CTL_LINE_MAX - 1);
	if (has_control(line))
		return answer_bad(a, -EBADMSG, "line %u: a control character",
				  n);
	/* The message is the rest of the line, tabs and all */
	if (!strncmp(line, "error\t", 6)) {
		a->error = line + 6;
		return 0;
	}
	nf = split_fields(line, f, ARRAY_SIZE(f));
	if (!strcmp(f[0], "entry")) {
		if (nf != ENTRY_FIELDS)
			return answer_bad(a, -EBADMSG,
					  "line %u: \"entry\" has %zu fields, not %d",
					  n, nf, ENTRY_FIELDS);
		return add_entry(a, f, n);
	}
	if (!strcmp(f[0], "flushed")) {
		if (nf != 2 || parse_u64(f[1], &a->flushed_count))
			return answer_bad(a, -EBADMSG,
					  "line %u: \"flushed\" without a count",
					  n);
		a->flushed = true;
		return 0;
	}
	if (!strcmp(f[0], "end")) {
		if (nf != 1)
			return answer_bad(a, -EBADMSG,
					  "line %u: \"end\" with fields", n);
		*ended = true;
	}
	return 0;
}

/*
 * @text holds the @len bytes received and a NUL after them; it is cut up
 * in place. Returns 0 (a->error may still hold the server's refusal),
 * -EPROTONOSUPPORT for another protocol version, -EBADMSG for a malformed
 * answer or -ENOMEM, with a->why saying what was wrong. Free @a after any
 * return.
 */
int nhrp_answer_parse(char *text, size_t len, struct nhrp_answer *a)
{
	char *line, *next, *nl, *end = text + len;
	bool ended = false;
	unsigned int n;
	int err;

	memset(a, 0, sizeof(*a));
	if (!len)
		return answer_bad(a, -EBADMSG, "the answer is empty");
	if (memchr(text, '\0', len))
		return answer_bad(a, -EBADMSG, "a NUL byte in the answer");
	for (line = text, n = 1; line < end; line = next, n++) {
		nl = memchr(line, '\n', end - line);
		next = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		if (n == 1 && strcmp(line, NHRP_CTL_VERSION))
			return answer_bad(a, -EPROTONOSUPPORT,
					  "\"%.64s\", not \"%s\"",
					  has_control(line) ? "?" : line,
					  NHRP_CTL_VERSION);
		err = n == 1 ? 0 : parse_line(a, line, n, &ended);
		if (err)
			return err;
	}
	if (!ended)
		return answer_bad(a, -EBADMSG,
				  "it ends without \"end\" (cut short?)");
	return 0;
}

void nhrp_answer_free(struct nhrp_answer *a)
{
	free(a->v);
	a->v = NULL;
	a->count = a->cap = 0;
}
