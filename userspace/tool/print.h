/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of templates, access devices and the NHRP cache, as text or as
 * JSON. One printer per object emits each field once, with its text word
 * and its JSON key side by side, so the two formats can't disagree.
 */
#ifndef FLEXVPN_PRINT_H
#define FLEXVPN_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "model.h"

enum out_mode {
	OUT_TEXT,
	OUT_JSON,
	OUT_JSON_PRETTY,
};

/* Chosen once by the global options -j and -p */
extern enum out_mode out_mode;

struct out {
	FILE *f;
	bool json;
	bool space;		/* text: a blank is due before the next word */
	bool list;		/* JSON: objects go into an array ... */
	bool list_open;		/* ... whose '[' is printed already */
	const char *newline;	/* text: what ends a line ("\\" for `ip -o`) */
	struct json j;
};

void out_init(struct out *o, FILE *f);
void out_list_begin(struct out *o);
void out_list_end(struct out *o, bool ok);
void print_template(struct out *o, const struct fv_template *t);
void print_template_settings(struct out *o, const struct fv_template *t);
void print_access_settings(struct out *o, const struct fv_access *a);
void print_access(struct out *o, const struct fv_access *a,
		  const char *event, bool stats);
void print_new_access(struct out *o, const struct fv_access *a);
void print_redirect(struct out *o, const struct fv_redirect *r);
struct nhrp_entry;
void print_nhrp(struct out *o, const struct nhrp_entry *v, size_t n);
void print_nhrp_flushed(struct out *o, uint64_t n);

#endif
