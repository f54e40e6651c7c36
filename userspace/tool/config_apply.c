// SPDX-License-Identifier: GPL-2.0
/*
 * Running a plan (config_plan.c): each change is one request the kernel
 * makes whole or refuses, so when one is refused, undoing those made
 * before it, in reverse order, leaves the templates as they were. What
 * changed is reported once it stands: all of it, or (should an undoing be
 * refused too) what could not be undone.
 */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "netlink.h"

/* @op, or its undoing: 0, or non-zero after printing the kernel's refusal */
static int run_op(const struct cfg_op *op, bool undo)
{
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET, .dev = op->tmpl,
		.tmpl = undo ? op->undo : op->req
	};

	/* the kernel's message, after the statement that asked for it */
	errorf_where("%s:%u: %s", op->at->file, op->at->line, op->tmpl);
	switch (op->kind) {
	case CFG_CREATE:
		if (undo)
			return link_del(op->tmpl);
		return link_add(op->tmpl, FLEXVPN_TEMPLATE_KIND);
	case CFG_MASTER:
		return link_set_master(op->tmpl,
				       undo ? op->old_master : op->master);
	case CFG_SET:
		return nl_run(&r, NULL, NULL);
	}
	return -EINVAL;
}

/*
 * Undoes the first @done changes of @p, the last first. Returns how many
 * could not be, whose reports go to stdout: they stand.
 */
static size_t undo(const struct cfg_plan *p, size_t done)
{
	size_t i, left = 0;
	bool *stands = calloc(done ?: 1, sizeof(*stands));

	for (i = done; i-- > 0;) {
		if (!run_op(&p->v[i], true))
			continue;
		left++;
		if (stands)
			stands[i] = true;
	}
	for (i = 0; i < done; i++)
		if (!stands || stands[i])
			fputs(p->v[i].report, stdout);
	free(stands);
	return left;
}

/* Applies @p; returns the exit status */
int config_run(const struct cfg_plan *p)
{
	size_t done, left;

	for (done = 0; done < p->count; done++)
		if (run_op(&p->v[done], false))
			break;
	if (done == p->count) {
		errorf_where(NULL);
		config_plan_print(p, stdout);
		return 0;
	}
	left = undo(p, done);
	errorf_where(NULL);
	if (left)
		return errorf(EXIT_REFUSED, "%zu of the %zu changes made "
			      "before it could not be undone: they stand, as "
			      "printed", left, done);
	if (done == 1)
		return errorf(EXIT_REFUSED, "the change made before it was "
			      "undone: nothing changed");
	if (done)
		return errorf(EXIT_REFUSED, "the %zu changes made before it "
			      "were undone: nothing changed", done);
	return EXIT_REFUSED;
}
