// SPDX-License-Identifier: GPL-2.0
/* `flexvpn template show|set`: the virtual-templates. */
#include <stddef.h>
#include <string.h>

#include "dev.h"
#include "netlink.h"
#include "print.h"
#include "shaper.h"
#include "subcommands.h"
#include "template.h"

static int parse_mtu(const char *arg, void *model)
{
	struct fv_template *t = model;
	int err = 0;

	if (!strcmp(arg, "auto"))
		t->mtu = 0;
	else
		err = parse_u32(arg, FLEXVPN_MTU_MIN, FLEXVPN_MTU_MAX, &t->mtu);
	return mark_present(err, &t->present, FLEXVPN_TMPL_A_MTU);
}

static int parse_underlay(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(dev_parse(arg, true, &t->underlay), &t->present,
			    FLEXVPN_TMPL_A_UNDERLAY_IFINDEX);
}

static int parse_source(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(dev_parse(arg, true, &t->source), &t->present,
			    FLEXVPN_TMPL_A_SOURCE_IFINDEX);
}

/* "none" clears both families: the all-zero address is the uapi's "unset" */
static int parse_local(const char *arg, void *model)
{
	struct fv_template *t = model;

	if (strcmp(arg, "none"))
		return parse_ips(arg, &t->local, &t->present,
				 FLEXVPN_TMPL_A_LOCAL_IPV4,
				 FLEXVPN_TMPL_A_LOCAL_IPV6);
	memset(&t->local, 0, sizeof(t->local));
	t->present |= BIT(FLEXVPN_TMPL_A_LOCAL_IPV4) |
		      BIT(FLEXVPN_TMPL_A_LOCAL_IPV6);
	return 0;
}

/* A key alone switches the template to FLEXVPN_KEY_FIXED (see the uapi) */
static int parse_key(const char *arg, void *model)
{
	struct fv_template *t = model;

	if (strcmp(arg, "none"))
		return mark_present(parse_u32(arg, 0, UINT32_MAX, &t->key),
				    &t->present, FLEXVPN_TMPL_A_GRE_KEY);
	t->key_mode = FLEXVPN_KEY_NONE;
	t->present |= BIT(FLEXVPN_TMPL_A_GRE_KEY_MODE);
	return 0;
}

static int parse_nhrp_network_id(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_u32(arg, 0, UINT32_MAX, &t->nhrp_network_id),
			    &t->present, FLEXVPN_TMPL_A_NHRP_NETWORK_ID);
}

/* A u8 flag spelt with the words of @choices */
static int parse_flag(const char *arg, const struct choice *choices,
		      uint8_t *flag)
{
	unsigned int v;

	if (parse_choice(arg, choices, &v))
		return -EINVAL;
	*flag = v;
	return 0;
}

static int parse_nhrp_redirect(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_flag(arg, onoff_choices, &t->nhrp_redirect),
			    &t->present, FLEXVPN_TMPL_A_NHRP_REDIRECT);
}

static int parse_nhrp_redirect_interval(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_msecs(arg, FLEXVPN_REDIRECT_INTERVAL_MIN,
					FLEXVPN_REDIRECT_INTERVAL_MAX,
					&t->nhrp_redirect_interval),
			    &t->present, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL);
}

static int parse_unprotected(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_flag(arg, unprotected_choices,
				       &t->allow_unprotected),
			    &t->present, FLEXVPN_TMPL_A_ALLOW_UNPROTECTED);
}

static int parse_prefix(const char *arg, void *model)
{
	struct fv_template *t = model;

	if (!valid_prefix(arg))
		return -EINVAL;
	strcpy(t->prefix, arg);
	t->present |= BIT(FLEXVPN_TMPL_A_NAME_PREFIX);
	return 0;
}

static int parse_parent_rate(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_rate_or_none(arg, &t->shaper_rate),
			    &t->present, FLEXVPN_TMPL_A_SHAPER_RATE);
}

static int parse_esp_overhead(const char *arg, void *model)
{
	struct fv_template *t = model;

	return mark_present(parse_u32(arg, 0, FLEXVPN_SHAPER_OVERHEAD_MAX,
				      &t->shaper_overhead),
			    &t->present, FLEXVPN_TMPL_A_SHAPER_OVERHEAD);
}

static const struct keyword kw_mtu = {
	"mtu", "a number between " XSTR(FLEXVPN_MTU_MIN) " and " XSTR(FLEXVPN_MTU_MAX)
	" or \"auto\"", parse_mtu, 0
};
static const struct keyword kw_underlay = {
	"underlay", "a VRF device or \"none\"", parse_underlay, 0
};
static const struct keyword kw_source = {
	"source", "a device or \"none\"", parse_source, 0
};
static const struct keyword kw_local = {
	"local", "an IPv4 or IPv6 address or \"none\"", parse_local, 0
};
static const struct keyword kw_key = {
	"key", "a number between 0 and 4294967295 or \"none\"", parse_key, 0
};
static const struct keyword kw_nhrp_network_id = {
	"nhrp-network-id", "a number between 0 and 4294967295",
	parse_nhrp_network_id, 0
};
static const struct keyword kw_nhrp_redirect = {
	"nhrp-redirect", "\"on\" or \"off\"", parse_nhrp_redirect, 0
};
static const struct keyword kw_nhrp_redirect_interval = {
	"nhrp-redirect-interval", "a time between "
	XSTR(FLEXVPN_REDIRECT_INTERVAL_MIN) "ms and 3600s (\"500ms\", \"2s\")",
	parse_nhrp_redirect_interval, 0
};
static const struct keyword kw_unprotected = {
	"unprotected", "\"accept\" or \"drop\"", parse_unprotected, 0
};
static const struct keyword kw_prefix = {
	"prefix", "1 to " XSTR(FLEXVPN_PREFIX_MAXLEN)
	" characters out of A-Z a-z 0-9 _ . -", parse_prefix, 0
};

static const struct keyword kw_parent_rate = {
	"parent-rate", RATE_OR_NONE, parse_parent_rate, 0
};
static const struct keyword kw_esp_overhead = {
	"esp-overhead", "a number of bytes between 0 and "
	XSTR(FLEXVPN_SHAPER_OVERHEAD_MAX), parse_esp_overhead, 0
};

/* The shaper new access devices get: struct fv_shaper's parsers */
#define DEFAULT_SHAPER offsetof(struct fv_template, shaper)

static const struct keyword kw_access_rate = {
	"access-rate", RATE_OR_NONE, shaper_parse_rate, DEFAULT_SHAPER
};
static const struct keyword kw_access_ceil = {
	"access-ceil", RATE_OR_NONE, shaper_parse_ceil, DEFAULT_SHAPER
};
static const struct keyword kw_access_burst = {
	"access-burst", BURST_EXPECTS, shaper_parse_burst, DEFAULT_SHAPER
};
static const struct keyword kw_access_qlen = {
	"access-qlen", QLEN_EXPECTS, shaper_parse_qlen, DEFAULT_SHAPER
};
static const struct keyword kw_access_group = {
	"access-group", GROUP_EXPECTS " or \"none\"", shaper_parse_group,
	DEFAULT_SHAPER
};

const struct keyword *const template_keywords[] = {
	&kw_mtu, &kw_underlay, &kw_source, &kw_local, &kw_key,
	&kw_nhrp_network_id, &kw_nhrp_redirect, &kw_nhrp_redirect_interval,
	&kw_unprotected, &kw_prefix,
	&kw_parent_rate, &kw_esp_overhead, &kw_access_rate, &kw_access_ceil,
	&kw_access_burst, &kw_access_qlen, &kw_access_group,
	NULL
};

/*
 * `template set DEV KEYWORD VALUE...`, parsed apart from being sent so the
 * unit tests can check what a command line turns into.
 */
int template_set_parse(int argc, char *argv[], struct fv_template *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = check_ifname(argv[0]) ?:
	      parse_keywords(argc - 1, argv + 1, template_keywords, t);
	mark_nest(&t->present, FLEXVPN_TMPL_A_SHAPER, t->shaper.present);
	return ret;
}

static int parse_group_rate(const char *arg, void *model)
{
	struct fv_group *g = model;

	return mark_present(parse_rate(arg, &g->rate), &g->present,
			    FLEXVPN_GROUP_A_RATE);
}

static int parse_group_ceil(const char *arg, void *model)
{
	struct fv_group *g = model;

	return mark_present(parse_rate_or_none(arg, &g->ceil), &g->present,
			    FLEXVPN_GROUP_A_CEIL);
}

static const struct keyword kw_group_rate = {
	"rate", RATE_EXPECTS, parse_group_rate, 0
};
static const struct keyword kw_group_ceil = {
	"ceil", RATE_OR_NONE, parse_group_ceil, 0
};
const struct keyword *const group_keywords[] = {
	&kw_group_rate, &kw_group_ceil, NULL
};

/*
 * `template group add|set DEV NAME [rate RATE] [ceil RATE]` and `template
 * group del DEV NAME`: one group in a TEMPLATE_SET. The uapi creates a group
 * that does not exist and changes one that does; `add` insists on the rate
 * a new group needs, `set` on something to change.
 */
int template_group_parse(int argc, char *argv[], struct fv_template *t)
{
	struct fv_group *g = &t->groups.v[0];
	const char *verb = argv[0];
	int ret;

	memset(t, 0, sizeof(*t));
	t->groups.count = 1;
	t->present = BIT(FLEXVPN_TMPL_A_SHAPER_GROUP);
	if (strcmp(verb, "add") && strcmp(verb, "set") && strcmp(verb, "del"))
		return errorf(EXIT_USAGE, "unknown command \"template group %s\"",
			      verb);
	if (argc < 3)
		return errorf(EXIT_USAGE, "missing arguments after "
			      "\"template group %s\"", verb);
	ret = check_ifname(argv[1]);
	if (ret)
		return ret;
	if (parse_group_name(argv[2], g->name))
		return errorf(EXIT_USAGE, "\"%s\" is not %s", argv[2],
			      GROUP_EXPECTS);
	g->present = BIT(FLEXVPN_GROUP_A_NAME);
	if (!strcmp(verb, "del")) {
		g->present |= BIT(FLEXVPN_GROUP_A_DELETE);
		return argc > 3 ? errorf(EXIT_USAGE, "unexpected \"%s\"",
					 argv[3]) : 0;
	}
	ret = parse_keywords(argc - 3, argv + 3, group_keywords, g);
	if (ret)
		return ret;
	if (!strcmp(verb, "add") && !has(g->present, FLEXVPN_GROUP_A_RATE))
		return errorf(EXIT_USAGE, "\"rate\" is required");
	if (g->present == BIT(FLEXVPN_GROUP_A_NAME))
		return errorf(EXIT_USAGE, "nothing to change");
	return 0;
}

int template_group(int argc, char *argv[])
{
	struct fv_template t;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET, .dev = argv[1], .tmpl = &t
	};

	return template_group_parse(argc, argv, &t) ?: nl_run(&r, NULL, NULL);
}

int template_set(int argc, char *argv[])
{
	struct fv_template t;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET, .dev = argv[0], .tmpl = &t
	};

	return template_set_parse(argc, argv, &t) ?: nl_run(&r, NULL, NULL);
}

static int template_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fv_template t;
	int err = nl_get_template(nlh, &t);

	if (err)
		return nl_cb_fail(err);
	print_template(data, &t);
	return MNL_CB_OK;
}

/* One template by name, or a dump of all */
static int template_print(const char *dev)
{
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_GET, .dev = dev, .dump = !dev
	};
	struct out o;

	out_init(&o, stdout);
	return nl_show(&r, &o, template_cb, &o);
}

/* `template show [DEV]` */
int template_show(int argc, char *argv[])
{
	if (argc > 1)
		return errorf(EXIT_USAGE, "unexpected \"%s\"", argv[1]);
	if (!argc)
		return template_print(NULL);
	return check_ifname(argv[0]) ?: template_print(argv[0]);
}
