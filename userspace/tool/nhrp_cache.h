/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tool keeps of the charon plugin's NHRP cache, and the reading of
 * its control socket's answer (userspace/nhrp/nhrp_ctl.h) into it. Nothing
 * here does I/O, so all of it runs in host unit tests; the asking is
 * nhrp.c's.
 */
#ifndef FLEXVPN_NHRP_CACHE_H
#define FLEXVPN_NHRP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One "entry" line; a string is NULL where the server sent "-" */
struct nhrp_entry {
	const char *type;	/* "dynamic", ..., or a newer server's as is */
	const char *prefix;	/* "203.0.113.32/28" */
	const char *dev;
	const char *nbma;
	const char *proto;
	bool has_expires;
	uint64_t expires;	/* seconds left */
	int used;		/* 1: "used", 0: "idle", -1: "-" */
};

/*
 * A whole answer. Its strings point into the text it was parsed from,
 * which must outlive it.
 */
struct nhrp_answer {
	struct nhrp_entry *v;
	size_t count;
	size_t cap;
	bool flushed;		/* a "flushed" line came ... */
	uint64_t flushed_count;	/* ... with this many entries removed */
	const char *error;	/* the server's "error" message, or NULL */
	char why[128];		/* when parsing failed: what was wrong */
};

int nhrp_answer_parse(char *text, size_t len, struct nhrp_answer *a);
void nhrp_answer_free(struct nhrp_answer *a);

#endif
