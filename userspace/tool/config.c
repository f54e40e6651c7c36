// SPDX-License-Identifier: GPL-2.0
/*
 * `flexvpn config apply [--check] [PATH...]` and `flexvpn config show
 * [TEMPLATE...]`: reading the files and the running system, then planning
 * and applying the changes, or printing the running templates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "netlink.h"
#include "print.h"
#include "subcommands.h"

/* The files named, or the folder's; then the rules between statements */
static int read_files(int argc, char *argv[], struct config *c)
{
	int i, ret = 0;

	if (!argc)
		ret = config_read(c, CONFIG_DIR, false);
	for (i = 0; !ret && i < argc; i++)
		ret = config_read(c, argv[i], true);
	return ret ?: config_finish(c);
}

static int live_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cfg_live *live = data;
	struct fv_template *t;
	int err;

	t = reallocarray(live->t, live->count + 1, sizeof(*t));
	if (!t)
		return nl_cb_fail(-ENOMEM);
	live->t = t;
	err = nl_get_template(nlh, &t[live->count]);
	if (err)
		return nl_cb_fail(err);
	live->count++;
	return MNL_CB_OK;
}

/* Every device and every template, as they are now */
static int read_live(struct cfg_live *live)
{
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_GET, .dump = true
	};

	memset(live, 0, sizeof(*live));
	if (link_dump(&live->links))
		return EXIT_REFUSED;
	return nl_run(&r, live_cb, live);
}

static void live_free(struct cfg_live *live)
{
	link_free(&live->links);
	free(live->t);
	memset(live, 0, sizeof(*live));
}

/* These print the files' syntax, which has no JSON form */
static int text_only(const char *cmd)
{
	if (out_mode == OUT_TEXT)
		return 0;
	return errorf(EXIT_USAGE, "\"config %s\" prints no JSON", cmd);
}

/*
 * `config apply [--check] [PATH...]`: every PATH (a file, or a folder's
 * NAME.conf files; default /etc/flexvpn) is read and checked before
 * anything changes; --check then prints what would change.
 */
int config_apply(int argc, char *argv[])
{
	bool check = argc && !strcmp(argv[0], "--check");
	struct cfg_plan plan = { 0 };
	struct cfg_live live = { 0 };
	struct config c = { 0 };
	int i, ret;

	argc -= check;
	argv += check;
	for (i = 0; i < argc; i++)
		if (argv[i][0] == '-')
			return errorf(EXIT_USAGE, "unknown option \"%s\" (a "
				      "file whose name starts with \"-\": "
				      "./%s)", argv[i], argv[i]);
	ret = text_only("apply") ?: read_files(argc, argv, &c);
	/* with nothing declared, there is nothing to read either */
	if (!ret && c.count)
		ret = read_live(&live) ?: config_plan(&c, &live, &plan);
	if (!ret && check)
		config_plan_print(&plan, stdout);
	else if (!ret)
		ret = config_run(&plan);
	config_plan_free(&plan);
	live_free(&live);
	config_free(&c);
	return ret;
}

static int by_name(const void *a, const void *b)
{
	const struct fv_template *const *x = a, *const *y = b;

	return strcmp((*x)->ifname, (*y)->ifname);
}

static void show_one(const struct cfg_live *live, const struct fv_template *t)
{
	const struct fv_link *master;

	master = link_by_index(&live->links, live_master(live, t->ifname));
	config_print(stdout, t, master ? master->name : "none");
}

/*
 * `config show [TEMPLATE...]`: the templates named, or all of them by
 * name, a blank line between two
 */
int config_show(int argc, char *argv[])
{
	const struct fv_template **v = NULL;
	struct cfg_live live = { 0 };
	size_t i, n = argc;
	int ret;

	for (i = 0; i < n; i++)
		if (check_ifname(argv[i]))
			return EXIT_USAGE;
	ret = text_only("show") ?: read_live(&live);
	if (!ret && !argc)
		n = live.count;
	if (!ret) {
		v = calloc(n ?: 1, sizeof(*v));
		if (!v)
			ret = errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
	}
	for (i = 0; !ret && i < n; i++) {
		v[i] = argc ? live_template(&live, argv[i]) : &live.t[i];
		if (!v[i])
			ret = errorf(EXIT_REFUSED, "\"%s\" is not a "
				     "virtual-template", argv[i]);
	}
	if (!ret && !argc)
		qsort(v, n, sizeof(*v), by_name);
	for (i = 0; !ret && i < n; i++) {
		if (i)
			putchar('\n');
		show_one(&live, v[i]);
	}
	free(v);
	live_free(&live);
	return ret;
}
