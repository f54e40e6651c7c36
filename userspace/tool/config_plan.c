// SPDX-License-Identifier: GPL-2.0
/*
 * What the files want against what runs: the checks that need the running
 * system (the devices named are of the right kind, no group with access
 * devices goes away), then the changes, each with its undoing and the
 * lines that report it. Nothing here changes anything, so `--check` and
 * the host unit tests run it as `apply` does.
 *
 * Per template, in an order the kernel accepts: created; its master set;
 * groups added and changed (a default may name a new group); the settings,
 * in one TEMPLATE_SET; groups removed (the old default may have named one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "template.h"

const struct fv_template *live_template(const struct cfg_live *live,
					const char *name)
{
	size_t i;

	for (i = 0; i < live->count; i++)
		if (!strcmp(live->t[i].ifname, name))
			return &live->t[i];
	return NULL;
}

/* The master of the device @name, 0 when it has none or does not exist */
uint32_t live_master(const struct cfg_live *live, const char *name)
{
	const struct fv_link *l = link_by_name(&live->links, name);

	return l ? l->master : 0;
}

/* The name of device @ifindex, "none" for 0 */
static const char *link_name(const struct cfg_live *live, uint32_t ifindex)
{
	const struct fv_link *l = link_by_index(&live->links, ifindex);

	if (!ifindex)
		return "none";
	return l ? l->name : "?";
}

/* Errors from here on name the line of slot @slot, or the statement's */
static void at_slot(const struct cfg_template *ct, int slot)
{
	errorf_where("%s:%u", ct->at.file, ct->kw_line[slot] ?: ct->at.line);
}

static int slot_of(const char *word)
{
	return keyword_index(template_keywords, word) + 1;
}

/* The device @ifindex given to @word (slot @slot) is of kind @kind, or not */
static int check_kind(const struct cfg_live *live,
		      const struct cfg_template *ct, int slot, const char *word,
		      uint32_t ifindex, const char *kind, bool want)
{
	const struct fv_link *l = link_by_index(&live->links, ifindex);

	if (!ifindex || !l || !strcmp(l->kind, kind) == want)
		return 0;
	at_slot(ct, slot);
	if (want)
		return errorf(EXIT_REFUSED, "%s \"%s\" is not a VRF device",
			      word, l->name);
	return errorf(EXIT_REFUSED, "%s \"%s\" is a flexvpn device", word,
		      l->name);
}

/* What the running system must allow before anything of @ct changes */
static int check_live(const struct cfg_live *live,
		      const struct cfg_template *ct)
{
	const struct fv_link *l = link_by_name(&live->links, ct->t.ifname);
	const struct fv_template *t = live_template(live, ct->t.ifname);
	uint32_t i;

	errorf_where("%s:%u", ct->at.file, ct->at.line);
	if (l && strcmp(l->kind, FLEXVPN_TEMPLATE_KIND))
		return errorf(EXIT_REFUSED, "\"%s\" is a device that is not a "
			      "virtual-template", ct->t.ifname);
	for (i = 0; t && i < t->groups.count; i++) {
		const struct fv_group *g = &t->groups.v[i];

		if (g->members && !cfg_find_group(&ct->t.groups, g->name))
			return errorf(EXIT_REFUSED, "group \"%s\" of \"%s\" "
				      "has %u access devices: declare it, or "
				      "move them out of it first", g->name,
				      ct->t.ifname, g->members);
	}
	return check_kind(live, ct, CFG_KW_MASTER, "master", ct->master,
			  "vrf", true) ?:
	       check_kind(live, ct, slot_of("underlay"), "underlay",
			  ct->t.underlay, "vrf", true) ?:
	       check_kind(live, ct, slot_of("source"), "source", ct->t.source,
			  FLEXVPN_TEMPLATE_KIND, false) ?:
	       check_kind(live, ct, slot_of("source"), "source", ct->t.source,
			  FLEXVPN_ACCESS_KIND, false);
}

/* A plan being built; an allocation failure is remembered, said once */
struct builder {
	struct cfg_plan *p;
	size_t room;
	bool failed;
};

static struct cfg_op *add_op(struct builder *b, enum cfg_op_kind kind,
			     const struct cfg_template *ct,
			     const struct cfg_where *at)
{
	struct cfg_plan *p = b->p;
	struct cfg_op *v, *op;

	if (b->failed)
		return NULL;
	if (p->count == b->room) {
		v = reallocarray(p->v, b->room * 2 + 8, sizeof(*v));
		if (!v) {
			b->failed = true;
			return NULL;
		}
		p->v = v;
		b->room = b->room * 2 + 8;
	}
	op = memset(&p->v[p->count++], 0, sizeof(*op));
	op->kind = kind;
	op->tmpl = ct->t.ifname;
	op->at = at;
	if (kind == CFG_SET) {
		op->req = calloc(1, sizeof(*op->req));
		op->undo = calloc(1, sizeof(*op->undo));
		b->failed = !op->req || !op->undo;
	}
	return b->failed ? NULL : op;
}

/* One more line of @op's report: "TEMPLATE: ..." */
static __attribute__((format(printf, 3, 4)))
void report(struct builder *b, struct cfg_op *op, const char *fmt, ...)
{
	char *line, *all;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (asprintf(&all, "%s%s: %s\n", op->report ?: "", op->tmpl, line) < 0)
		b->failed = true;
	else {
		free(op->report);
		op->report = all;
	}
	free(line);
}

/* A group request: one FLEXVPN_TMPL_A_SHAPER_GROUP of @name */
static struct fv_group *group_req(struct fv_template *req, const char *name)
{
	struct fv_group *g = &req->groups.v[0];

	req->present = BIT(FLEXVPN_TMPL_A_SHAPER_GROUP);
	req->groups.count = 1;
	strcpy(g->name, name);
	g->present = BIT(FLEXVPN_GROUP_A_NAME);
	return g;
}

/* @req makes a group of @rate and @ceil (the kernel creates or changes) */
static void group_set(struct fv_template *req, const char *name,
		      uint64_t rate, uint64_t ceil)
{
	struct fv_group *g = group_req(req, name);

	g->rate = rate;
	g->ceil = ceil;
	g->present |= BIT(FLEXVPN_GROUP_A_RATE) | BIT(FLEXVPN_GROUP_A_CEIL);
}

static void group_del(struct fv_template *req, const char *name)
{
	group_req(req, name)->present |= BIT(FLEXVPN_GROUP_A_DELETE);
}

/* The declared groups that are new or differ, before the settings */
static void plan_groups(struct builder *b, const struct cfg_template *ct,
			const struct fv_template *live)
{
	char r0[RATE_STRLEN], r1[RATE_STRLEN];
	const struct fv_group *g, *old;
	struct cfg_op *op;
	uint32_t i;

	for (i = 0; i < ct->t.groups.count; i++) {
		g = &ct->t.groups.v[i];
		old = cfg_find_group(&live->groups, g->name);
		if (old && cfg_kept_rate(g->rate) == old->rate &&
		    cfg_group_ceil(g) == old->ceil)
			continue;
		op = add_op(b, CFG_SET, ct, &ct->group_at[i]);
		if (!op)
			return;
		group_set(op->req, g->name, g->rate, g->ceil ?: g->rate);
		if (!old) {
			group_del(op->undo, g->name);
			report(b, op, "group %s added", g->name);
			continue;
		}
		group_set(op->undo, g->name, old->rate, old->ceil);
		if (cfg_kept_rate(g->rate) != old->rate)
			report(b, op, "group %s rate %s -> %s", g->name,
			       rate_str(old->rate, r0),
			       rate_str(cfg_kept_rate(g->rate), r1));
		if (cfg_group_ceil(g) != old->ceil)
			report(b, op, "group %s ceil %s -> %s", g->name,
			       rate_str(old->ceil, r0),
			       rate_str(cfg_group_ceil(g), r1));
	}
}

/* The running groups the files do not declare, after the settings */
static void plan_group_removals(struct builder *b,
				const struct cfg_template *ct,
				const struct fv_template *live)
{
	struct cfg_op *op;
	uint32_t i;

	for (i = 0; i < live->groups.count; i++) {
		const struct fv_group *old = &live->groups.v[i];

		if (cfg_find_group(&ct->t.groups, old->name))
			continue;
		op = add_op(b, CFG_SET, ct, &ct->at);
		if (!op)
			return;
		group_del(op->req, old->name);
		group_set(op->undo, old->name, old->rate, old->ceil);
		report(b, op, "group %s removed", old->name);
	}
}

/* Every setting that differs, in one request */
static void plan_settings(struct builder *b, const struct cfg_template *ct,
			  const struct fv_template *live)
{
	char want[CFG_VALUE_LEN], have[CFG_VALUE_LEN];
	const struct cfg_setting *s;
	struct cfg_op *op = NULL;

	for (s = cfg_settings; s < cfg_settings + cfg_settings_count; s++) {
		cfg_value(s, &ct->t, want);
		cfg_value(s, live, have);
		if (!strcmp(want, have))
			continue;
		if (!op)
			op = add_op(b, CFG_SET, ct, &ct->at);
		if (!op)
			return;
		cfg_request(s, op->req, &ct->t);
		cfg_request(s, op->undo, live);
		report(b, op, "%s %s -> %s", s->word, have, want);
	}
}

static void plan_template(struct builder *b, const struct cfg_live *live,
			  const struct cfg_template *ct)
{
	const struct fv_template *t = live_template(live, ct->t.ifname);
	uint32_t master = live_master(live, ct->t.ifname);
	struct fv_template *dflt = NULL;
	struct cfg_op *op;

	if (!t) {
		/* what it runs with once created */
		dflt = malloc(sizeof(*dflt));
		op = add_op(b, CFG_CREATE, ct, &ct->at);
		if (!dflt || !op) {
			b->failed = true;
			free(dflt);
			return;
		}
		cfg_template_defaults(dflt);
		report(b, op, "created");
		t = dflt;
		master = 0;
	}
	if (master != ct->master) {
		op = add_op(b, CFG_MASTER, ct, &ct->at);
		if (op) {
			op->master = ct->master;
			op->old_master = master;
			report(b, op, "master %s -> %s",
			       link_name(live, master),
			       link_name(live, ct->master));
		}
	}
	plan_groups(b, ct, t);
	plan_settings(b, ct, t);
	plan_group_removals(b, ct, t);
	free(dflt);
}

/*
 * The changes that make the running templates what @c declares, into @p
 * (empty when nothing differs). Returns 0, or the exit status after
 * printing why the files cannot be applied to this system.
 */
int config_plan(const struct config *c, const struct cfg_live *live,
		struct cfg_plan *p)
{
	struct builder b = { .p = p };
	size_t i;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; !ret && i < c->count; i++)
		ret = check_live(live, c->v[i]);
	errorf_where(NULL);
	for (i = 0; !ret && i < c->count; i++)
		plan_template(&b, live, c->v[i]);
	if (!ret && b.failed)
		ret = errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
	if (ret)
		config_plan_free(p);
	return ret;
}

/* What the plan changes (or would), one line a change */
void config_plan_print(const struct cfg_plan *p, FILE *f)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		fputs(p->v[i].report ?: "", f);
}

void config_plan_free(struct cfg_plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		free(p->v[i].req);
		free(p->v[i].undo);
		free(p->v[i].report);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}
