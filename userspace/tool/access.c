// SPDX-License-Identifier: GPL-2.0
/* `flexvpn access add|del|set|show|list`: the virtual-access devices. */
#include <stddef.h>
#include <string.h>

#include "dev.h"
#include "netlink.h"
#include "print.h"
#include "rtnl.h"
#include "shaper.h"
#include "subcommands.h"

static int parse_remote(const char *arg, void *model)
{
	struct fv_access *a = model;

	return parse_ips(arg, &a->remote, &a->present,
			 FLEXVPN_ACCESS_A_REMOTE_IPV4,
			 FLEXVPN_ACCESS_A_REMOTE_IPV6);
}

static int parse_local(const char *arg, void *model)
{
	struct fv_access *a = model;

	return parse_ips(arg, &a->local, &a->present,
			 FLEXVPN_ACCESS_A_LOCAL_IPV4,
			 FLEXVPN_ACCESS_A_LOCAL_IPV6);
}

static int parse_key(const char *arg, void *model)
{
	struct fv_access *a = model;

	return mark_present(parse_u32(arg, 0, UINT32_MAX, &a->key),
			    &a->present, FLEXVPN_ACCESS_A_GRE_KEY);
}

static int parse_peer_id(const char *arg, void *model)
{
	struct fv_access *a = model;
	size_t len = strlen(arg);

	if (!len || len > FLEXVPN_PEER_ID_MAXLEN)
		return -EINVAL;
	memcpy(a->peer_id, arg, len + 1);
	a->present |= BIT(FLEXVPN_ACCESS_A_PEER_ID);
	return 0;
}

static int parse_owner(const char *arg, void *model)
{
	struct fv_access *a = model;

	return mark_present(parse_u64(arg, &a->owner), &a->present,
			    FLEXVPN_ACCESS_A_OWNER);
}

static int parse_template(const char *arg, void *model)
{
	struct fv_access *a = model;

	return mark_present(dev_parse(arg, false, &a->template_ifindex),
			    &a->present, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX);
}

#define ADDRESS "an IPv4 or IPv6 address"

static const struct keyword kw_remote = { "remote", ADDRESS, parse_remote, 0 };
static const struct keyword kw_local = { "local", ADDRESS, parse_local, 0 };
static const struct keyword kw_key = {
	"key", "a number between 0 and 4294967295", parse_key, 0
};
static const struct keyword kw_peer_id = {
	"peer-id", "an identity of 1 to " XSTR(FLEXVPN_PEER_ID_MAXLEN) " bytes",
	parse_peer_id, 0
};
static const struct keyword kw_owner = {
	"owner", "a 64-bit number, decimal or 0x-prefixed", parse_owner, 0
};
static const struct keyword kw_template = {
	"template", "a template device", parse_template, 0
};

/*
 * The device's shaper. Also on `add`, "none" and the like are meaningful:
 * they override the template's default.
 */
#define SHAPER offsetof(struct fv_access, shaper)

static const struct keyword kw_rate = {
	"rate", RATE_OR_NONE, shaper_parse_rate, SHAPER
};
static const struct keyword kw_ceil = {
	"ceil", RATE_OR_NONE, shaper_parse_ceil, SHAPER
};
static const struct keyword kw_burst = {
	"burst", BURST_EXPECTS, shaper_parse_burst, SHAPER
};
static const struct keyword kw_qlen = {
	"qlen", QLEN_EXPECTS, shaper_parse_qlen, SHAPER
};
static const struct keyword kw_group = {
	"group", GROUP_EXPECTS " or \"none\"", shaper_parse_group, SHAPER
};

static const struct keyword *const add_keywords[] = {
	&kw_remote, &kw_local, &kw_key, &kw_peer_id, &kw_owner,
	&kw_rate, &kw_ceil, &kw_burst, &kw_qlen, &kw_group, NULL
};
static const struct keyword *const set_keywords[] = {
	&kw_remote, &kw_local, &kw_peer_id, &kw_owner,
	&kw_rate, &kw_ceil, &kw_burst, &kw_qlen, &kw_group, NULL
};
static const struct keyword *const filter_keywords[] = {
	&kw_owner, &kw_template, NULL
};

/* The kernel would refuse these too; here the error names the words */
static int check_families(const struct fv_access *a, bool need_remote)
{
	bool r4 = has(a->present, FLEXVPN_ACCESS_A_REMOTE_IPV4);
	bool r6 = has(a->present, FLEXVPN_ACCESS_A_REMOTE_IPV6);
	bool l4 = has(a->present, FLEXVPN_ACCESS_A_LOCAL_IPV4);
	bool l6 = has(a->present, FLEXVPN_ACCESS_A_LOCAL_IPV6);

	if (need_remote && !r4 && !r6)
		return errorf(EXIT_USAGE, "\"remote\" is required");
	if ((l4 && r6) || (l6 && r4))
		return errorf(EXIT_USAGE,
			      "\"local\" must be of the same family as \"remote\"");
	return 0;
}

/* `access add|set DEV KEYWORD VALUE...` into @a */
static int access_parse(int argc, char *argv[], struct fv_access *a,
			const struct keyword *const *keywords, bool add)
{
	int ret;

	memset(a, 0, sizeof(*a));
	ret = check_ifname(argv[0]) ?:
	      parse_keywords(argc - 1, argv + 1, keywords, a) ?:
	      check_families(a, add);
	mark_nest(&a->present, FLEXVPN_ACCESS_A_SHAPER, a->shaper.present);
	return ret;
}

/* `access add TEMPLATE remote ADDR ...` into @a */
int access_add_parse(int argc, char *argv[], struct fv_access *a)
{
	return access_parse(argc, argv, a, add_keywords, true);
}

/* `access set DEV ...` into @a */
int access_set_parse(int argc, char *argv[], struct fv_access *a)
{
	return access_parse(argc, argv, a, set_keywords, false);
}

/*
 * `[DEV] [owner N] [template DEV]` into @dev and @filter. A first word that
 * is no filter keyword is the device.
 */
int access_target_parse(int argc, char *argv[], const char **dev,
			struct fv_access *filter)
{
	int ret;

	memset(filter, 0, sizeof(*filter));
	*dev = NULL;
	if (argc && keyword_index(filter_keywords, argv[0]) < 0) {
		ret = check_ifname(argv[0]);
		if (ret)
			return ret;
		*dev = *argv++;
		argc--;
	}
	return parse_keywords(argc, argv, filter_keywords, filter);
}

static int access_added_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fv_access a;
	int err = nl_get_access(nlh, &a);

	if (err)
		return nl_cb_fail(err);
	print_new_access(data, &a);
	return MNL_CB_OK;
}

int access_add(int argc, char *argv[])
{
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_NEW, .dev = argv[0], .access = &a
	};
	struct out o;

	out_init(&o, stdout);
	return access_add_parse(argc, argv, &a) ?:
	       nl_run(&r, access_added_cb, &o);
}

int access_set(int argc, char *argv[])
{
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_SET, .dev = argv[0], .access = &a
	};

	return access_set_parse(argc, argv, &a) ?: nl_run(&r, NULL, NULL);
}

/* `access del DEV`, or `access del FILTERS` for a batch: not both */
int access_del(int argc, char *argv[])
{
	struct fv_access filter;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_DEL, .access = &filter
	};
	int ret;

	ret = access_target_parse(argc, argv, &r.dev, &filter);
	if (ret)
		return ret;
	if (r.dev && argc > 1)
		return errorf(EXIT_USAGE, "unexpected \"%s\" after the device",
			      argv[1]);
	return nl_run(&r, NULL, NULL);
}

struct show {
	struct out out;
	struct fv_access filter;
	bool stats;
	struct fv_routes routes;	/* show: learned routes, if read */
	bool have_routes;
};

/* The kernel filters a dump; a device asked for by name is checked here */
static bool access_matches(const struct fv_access *a,
			   const struct fv_access *filter)
{
	if (has(filter->present, FLEXVPN_ACCESS_A_OWNER) &&
	    a->owner != filter->owner)
		return false;
	return !has(filter->present, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX) ||
	       a->template_ifindex == filter->template_ifindex;
}

static int access_show_cb(const struct nlmsghdr *nlh, void *data)
{
	struct show *show = data;
	struct fv_access a;
	int err = nl_get_access(nlh, &a);

	if (err)
		return nl_cb_fail(err);
	if (show->have_routes)
		a.routes = &show->routes;
	if (access_matches(&a, &show->filter))
		print_access(&show->out, &a, NULL, show->stats);
	return MNL_CB_OK;
}

/* One device by name (filters checked here), or a filtered dump */
static int access_print(const char *dev, struct show *show)
{
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_GET,
		.dev = dev,
		.dump = !dev,
		.access = dev ? NULL : &show->filter,
	};

	int ret, err;

	/*
	 * The routes are read first: a device shown is then never newer than
	 * the table it is matched against. Without them, the rest is shown.
	 */
	if (show->stats) {
		err = rtnl_learned_routes(&show->routes);
		show->have_routes = !err;
		if (err)
			fprintf(stderr, "flexvpn: reading routes: %s\n",
				strerror(-err));
	}
	out_init(&show->out, stdout);
	ret = nl_show(&r, &show->out, access_show_cb, show);
	routes_free(&show->routes);
	return ret;
}

int access_show(int argc, char *argv[])
{
	struct show show = { .stats = true };
	const char *dev;

	return access_target_parse(argc, argv, &dev, &show.filter) ?:
	       access_print(dev, &show);
}

int access_list(int argc, char *argv[])
{
	struct show show = { .stats = false };

	return parse_keywords(argc, argv, filter_keywords, &show.filter) ?:
	       access_print(NULL, &show);
}
