/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer for the host unit tests: one `ok N - name` or
 * `not ok N - name` per check, the plan at the end, and tap_done()'s
 * non-zero status when anything failed. Failed comparisons print what was
 * got and wanted as `#` diagnostics. Also: catching stdout or stderr, and
 * splitting a command line into words.
 */
#ifndef FLEXVPN_TAP_H
#define FLEXVPN_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

static inline __attribute__((format(printf, 2, 3)))
bool ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_failed += !pass;
	return pass;
}

static inline void tap_diag(const char *label, const char *s)
{
	printf("# %s: \"", label);
	for (; *s; s++)
		printf(*s == '\n' ? "\\n" : "%c", *s);
	printf("\"\n");
}

static inline bool is_str(const char *got, const char *want, const char *name)
{
	if (ok(got && !strcmp(got, want), "%s", name))
		return true;
	tap_diag("got ", got ? got : "(null)");
	tap_diag("want", want);
	return false;
}

static inline bool is_int(long long got, long long want, const char *name)
{
	if (ok(got == want, "%s", name))
		return true;
	printf("# got %lld, want %lld\n", got, want);
	return false;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * What a piece of code writes to stdout or stderr, caught in memory:
 * capture_begin(&c, &stderr); ...; capture_end(&c) returns the text (free
 * it). glibc lets the standard streams be reassigned.
 */
struct capture {
	FILE **stream;
	FILE *saved;
	char *buf;
	size_t len;
};

static inline void capture_begin(struct capture *c, FILE **stream)
{
	c->stream = stream;
	c->saved = *stream;
	*stream = open_memstream(&c->buf, &c->len);
}

static inline char *capture_end(struct capture *c)
{
	fclose(*c->stream);
	*c->stream = c->saved;
	return c->buf;
}

/* A command line split on blanks, NULL-terminated like main()'s argv */
struct words {
	int argc;
	char *argv[32];
	char buf[1024];
};

static inline struct words *words(const char *line)
{
	static struct words w;
	char *tok;

	snprintf(w.buf, sizeof(w.buf), "%s", line);
	w.argc = 0;
	for (tok = strtok(w.buf, " "); tok; tok = strtok(NULL, " "))
		w.argv[w.argc++] = tok;
	w.argv[w.argc] = NULL;
	return &w;
}

#endif
