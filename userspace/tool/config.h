/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-time configuration: templates, their settings, master and shaper
 * groups declared in files (the NAME.conf files of /etc/flexvpn) with the
 * keywords of `template set` and `template group add`; `config apply`
 * makes the running templates what the files say, `config show` prints
 * them in the same syntax.
 *
 *   config_parse.c     the files into a struct config
 *   config_settings.c  each setting: its word, default, value, request
 *   config_plan.c      what the files want against what runs: the changes
 *   config_apply.c     running the changes, undoing them all on a refusal
 *   config_print.c     a running template in the files' syntax
 *   config.c           the commands
 */
#ifndef FLEXVPN_CONFIG_H
#define FLEXVPN_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "link.h"
#include "model.h"

/* Where the files live unless the command line names others */
#define CONFIG_DIR "/etc/flexvpn"

/* Where a statement (or a word of it) came from, for "FILE:LINE: ..." */
struct cfg_where {
	const char *file;
	unsigned int line;
};

/*
 * Keyword slots of a template statement: `master`, then the keywords of
 * `template set` in their table's order (template.h)
 */
#define CFG_KW_MASTER 0
#define CFG_KW_MAX 32

/*
 * A template as the files declare it, complete: what a statement leaves out
 * holds its default (cfg_template_defaults()).
 */
struct cfg_template {
	struct fv_template t;	/* first: template set's keywords write here */
	uint32_t master;	/* the inside VRF's ifindex, 0: none */
	struct cfg_where at;	/* the `template` statement */
	/* the line of each keyword given, by slot; 0: not given */
	unsigned int kw_line[CFG_KW_MAX];
	/* the `group` statement of each of t.groups */
	struct cfg_where group_at[FV_GROUPS_MAX];
};

/* A `group` statement, kept until its template's is known */
struct cfg_group {
	char tmpl[IF_NAMESIZE];
	struct fv_group g;
	struct cfg_where at;
};

struct config {
	size_t count;
	struct cfg_template **v;	/* in the order declared */
	size_t groups;
	struct cfg_group *g;
	size_t files;
	char **file;			/* the names cfg_where points to */
};

int config_read(struct config *c, const char *path, bool must_exist);
int config_read_file(struct config *c, FILE *f, const char *name);
int config_finish(struct config *c);
void config_free(struct config *c);
const struct cfg_template *config_find(const struct config *c,
				       const char *name);

/* Room for a setting's value as a word: an IPv6 address, a rate */
#define CFG_VALUE_LEN 48

/* How a setting's value is spelt */
enum cfg_kind {
	CFG_NUMBER,		/* decimal; 0 is @zero if there is one */
	CFG_DEVICE,		/* an ifindex, spelt as the device's name */
	CFG_ADDRESS,		/* IPv4 or IPv6 by its size; all-zero: none */
	CFG_KEY,		/* the GRE key, or none by the key mode */
	CFG_CHOICE,		/* a u8 flag spelt with @choices */
	CFG_MSECS,		/* milliseconds: "2s", "500ms" */
	CFG_NAME,		/* a string; "" is @zero */
	CFG_RATE,		/* bit/s: "10Mbit"; 0 is "none" */
};

/*
 * One setting of a template as files and `config show` spell it: a field
 * of struct fv_template and the attribute that carries it. Two values are
 * equal when their words are: the words are exact.
 */
struct cfg_setting {
	const char *word;
	enum cfg_kind kind;
	int attr;		/* FLEXVPN_TMPL_A_*; @shaper: FLEXVPN_SHAPER_A_* */
	bool shaper;		/* in the default shaper of new devices */
	size_t offset;		/* of the field in struct fv_template */
	size_t size;
	const char *zero;	/* the word for 0; NULL: the number */
	const struct choice *choices;	/* CFG_CHOICE */
	bool bytes;		/* CFG_RATE: the kernel keeps bytes/s */
	int line;		/* `config show` puts it on this line (1..) */
};

extern const struct cfg_setting cfg_settings[];
extern const size_t cfg_settings_count;
void cfg_value(const struct cfg_setting *s, const struct fv_template *t,
	       char buf[CFG_VALUE_LEN]);
void cfg_request(const struct cfg_setting *s, struct fv_template *req,
		 const struct fv_template *from);
void cfg_template_defaults(struct fv_template *t);
uint64_t cfg_kept_rate(uint64_t bps);
uint64_t cfg_group_ceil(const struct fv_group *g);
const struct fv_group *cfg_find_group(const struct fv_groups *gs,
				      const char *name);

/* The running templates and every device, read once */
struct cfg_live {
	struct fv_links links;
	size_t count;
	struct fv_template *t;
};

const struct fv_template *live_template(const struct cfg_live *live,
					const char *name);
uint32_t live_master(const struct cfg_live *live, const char *name);

enum cfg_op_kind {
	CFG_CREATE,		/* ip link add NAME type vtemplate */
	CFG_MASTER,		/* ip link set NAME master VRF|nomaster */
	CFG_SET,		/* TEMPLATE_SET: settings, or one group */
};

/* One change, which the kernel makes whole or not at all, and its undoing */
struct cfg_op {
	enum cfg_op_kind kind;
	const char *tmpl;		/* the template's name */
	const struct cfg_where *at;	/* the statement asking for it */
	uint32_t master, old_master;	/* CFG_MASTER */
	struct fv_template *req, *undo;	/* CFG_SET */
	char *report;			/* "vt1: mtu 1400 -> auto\n"... */
};

struct cfg_plan {
	size_t count;
	struct cfg_op *v;
};

int config_plan(const struct config *c, const struct cfg_live *live,
		struct cfg_plan *p);
void config_plan_print(const struct cfg_plan *p, FILE *f);
void config_plan_free(struct cfg_plan *p);
int config_run(const struct cfg_plan *p);

void config_print(FILE *f, const struct fv_template *t, const char *master);

#endif
