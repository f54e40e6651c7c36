// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the netlink messages, with no kernel: requests built
 * from command lines are read back attribute by attribute; replies are
 * built by hand, with what a newer module might add, and decoded; acks
 * carrying the kernel's message are taken apart.
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fvnl.h"
#include "netlink.h"
#include "print.h"
#include "subcommands.h"
#include "tap.h"

#define FAMILY 0x1d	/* any id: the controller is not asked */

static char buf[FVNL_BUF_SIZE];

/* The attributes of a message or a nest, by type, and how many there are */
struct attrs {
	const struct nlattr *tb[64];
	int count;
};

static void add_attr(struct attrs *a, const struct nlattr *attr)
{
	a->tb[mnl_attr_get_type(attr) % 64] = attr;
	a->count++;
}

static struct attrs msg_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	struct attrs a = { 0 };

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		add_attr(&a, attr);
	return a;
}

static struct attrs nest_attrs(const struct nlattr *nest)
{
	const struct nlattr *attr;
	struct attrs a = { 0 };

	if (nest)
		mnl_attr_for_each_nested(attr, nest)
			add_attr(&a, attr);
	return a;
}

static bool is_u32(const struct nlattr *attr, uint32_t v)
{
	return attr && mnl_attr_get_payload_len(attr) == 4 &&
	       mnl_attr_get_u32(attr) == v;
}

static bool is_u8(const struct nlattr *attr, uint8_t v)
{
	return attr && mnl_attr_get_payload_len(attr) == 1 &&
	       mnl_attr_get_u8(attr) == v;
}

static bool is_u64(const struct nlattr *attr, uint64_t v)
{
	return attr && mnl_attr_get_payload_len(attr) == 8 &&
	       mnl_attr_get_u64(attr) == v;
}

/* A string attribute holds the string and its NUL, nothing more */
static bool is_strz(const struct nlattr *attr, const char *s)
{
	return attr && mnl_attr_get_payload_len(attr) == strlen(s) + 1 &&
	       !strcmp(mnl_attr_get_str(attr), s);
}

/* An address attribute holds exactly the address's bytes */
static bool is_ip(const struct nlattr *attr, int family, const char *s)
{
	uint8_t ip[16];
	size_t len = family == AF_INET ? 4 : 16;

	if (!s)
		memset(ip, 0, sizeof(ip));
	else
		inet_pton(family, s, ip);
	return attr && mnl_attr_get_payload_len(attr) == len &&
	       !memcmp(mnl_attr_get_payload(attr), ip, len);
}

/* Nests must say so: the kernel's strict validation wants NLA_F_NESTED */
static const struct nlattr *nest_of(const struct attrs *a, int type)
{
	const struct nlattr *nest = a->tb[type];

	return nest && (nest->nla_type & NLA_F_NESTED) ? nest : NULL;
}

static bool is_request(const struct nlmsghdr *nlh, uint8_t cmd,
		       uint16_t flags)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_type == FAMILY &&
	       nlh->nlmsg_flags == (NLM_F_REQUEST | flags) &&
	       genl->cmd == cmd && genl->version == FLEXVPN_GENL_VERSION;
}

static struct nlmsghdr *access_new(const char *line)
{
	struct words *w = words(line);
	static struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_NEW, .dev = w->argv[0], .access = &a
	};

	ok(!access_add_parse(w->argc, w->argv, &a), "access add %s", line);
	return fvnl_request(buf, FAMILY, &r);
}

static void test_access_new(void)
{
	struct nlmsghdr *nlh = access_new("vt1 remote 192.0.2.2 local 192.0.2.1"
					  " key 7 peer-id spoke1 owner 0x1f");
	struct attrs top = msg_attrs(nlh), n;

	ok(is_request(nlh, FLEXVPN_CMD_ACCESS_NEW, NLM_F_ACK),
	   "ACCESS_NEW: header, acked");
	ok(top.count == 2 && is_strz(top.tb[FLEXVPN_A_IFNAME], "vt1"),
	   "ACCESS_NEW: the template by name at the top level");
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(n.count == 5, "ACCESS_NEW: five attributes in the nest");
	ok(is_ip(n.tb[FLEXVPN_ACCESS_A_REMOTE_IPV4], AF_INET, "192.0.2.2"),
	   "ACCESS_NEW: REMOTE_IPV4, 4 bytes");
	ok(is_ip(n.tb[FLEXVPN_ACCESS_A_LOCAL_IPV4], AF_INET, "192.0.2.1"),
	   "ACCESS_NEW: LOCAL_IPV4, 4 bytes");
	ok(is_u32(n.tb[FLEXVPN_ACCESS_A_GRE_KEY], 7), "ACCESS_NEW: GRE_KEY u32");
	ok(is_strz(n.tb[FLEXVPN_ACCESS_A_PEER_ID], "spoke1"),
	   "ACCESS_NEW: PEER_ID string");
	ok(is_u64(n.tb[FLEXVPN_ACCESS_A_OWNER], 0x1f), "ACCESS_NEW: OWNER u64");

	nlh = access_new("vt1 remote 2001:db8::2");
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(n.count == 1 &&
	   is_ip(n.tb[FLEXVPN_ACCESS_A_REMOTE_IPV6], AF_INET6, "2001:db8::2"),
	   "ACCESS_NEW: REMOTE_IPV6 alone, 16 bytes");
}

static struct attrs template_set_nest(const char *line)
{
	struct words *w = words(line);
	struct fv_template t;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET, .dev = w->argv[0], .tmpl = &t
	};
	struct nlmsghdr *nlh;
	struct attrs top;

	ok(!template_set_parse(w->argc, w->argv, &t), "template set %s", line);
	nlh = fvnl_request(buf, FAMILY, &r);
	top = msg_attrs(nlh);
	ok(is_request(nlh, FLEXVPN_CMD_TEMPLATE_SET, NLM_F_ACK) &&
	   top.count == 2 && is_strz(top.tb[FLEXVPN_A_IFNAME], "vt1"),
	   "TEMPLATE_SET: header, the template by name");
	return nest_attrs(nest_of(&top, FLEXVPN_A_TEMPLATE));
}

static void test_template_set(void)
{
	struct attrs n;

	n = template_set_nest("vt1 mtu auto underlay none source none local none "
			 "key none nhrp-network-id 9 nhrp-redirect on "
			 "unprotected accept prefix sp");
	ok(n.count == 10, "TEMPLATE_SET: ten attributes");
	ok(is_u32(n.tb[FLEXVPN_TMPL_A_MTU], 0), "mtu auto: MTU 0");
	ok(is_u32(n.tb[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX], 0),
	   "underlay none: 0");
	ok(is_u32(n.tb[FLEXVPN_TMPL_A_SOURCE_IFINDEX], 0), "source none: 0");
	ok(is_ip(n.tb[FLEXVPN_TMPL_A_LOCAL_IPV4], AF_INET, NULL) &&
	   is_ip(n.tb[FLEXVPN_TMPL_A_LOCAL_IPV6], AF_INET6, NULL),
	   "local none: 0.0.0.0 and ::");
	ok(is_u8(n.tb[FLEXVPN_TMPL_A_GRE_KEY_MODE], FLEXVPN_KEY_NONE) &&
	   !n.tb[FLEXVPN_TMPL_A_GRE_KEY], "key none: KEY_MODE u8, no KEY");
	ok(is_u32(n.tb[FLEXVPN_TMPL_A_NHRP_NETWORK_ID], 9) &&
	   is_u8(n.tb[FLEXVPN_TMPL_A_NHRP_REDIRECT], 1) &&
	   is_u8(n.tb[FLEXVPN_TMPL_A_ALLOW_UNPROTECTED], 1),
	   "nhrp-network-id u32, nhrp-redirect and unprotected u8");
	ok(is_strz(n.tb[FLEXVPN_TMPL_A_NAME_PREFIX], "sp"), "prefix: string");

	n = template_set_nest("vt1 key 42 local 2001:db8::1 mtu 1400 underlay vrf-out");
	ok(n.count == 4 && is_u32(n.tb[FLEXVPN_TMPL_A_GRE_KEY], 42) &&
	   !n.tb[FLEXVPN_TMPL_A_GRE_KEY_MODE], "key N: KEY alone");
	ok(is_ip(n.tb[FLEXVPN_TMPL_A_LOCAL_IPV6], AF_INET6, "2001:db8::1") &&
	   !n.tb[FLEXVPN_TMPL_A_LOCAL_IPV4], "local IPv6: LOCAL_IPV6 alone");
	ok(is_u32(n.tb[FLEXVPN_TMPL_A_MTU], 1400) &&
	   is_u32(n.tb[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX], 7),
	   "mtu N, underlay by ifindex");

	n = template_set_nest("vt1 nhrp-redirect-interval 2s");
	ok(n.count == 1 &&
	   is_u32(n.tb[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL], 2000),
	   "nhrp-redirect-interval: u32 ms");
}

static void test_template_set_shaper(void)
{
	struct attrs n, sh;

	n = template_set_nest("vt1 parent-rate 100mbit esp-overhead 36 "
			      "access-rate 10mbit access-ceil 20mbit "
			      "access-burst 4k access-qlen 64 access-group gold");
	ok(n.count == 3 &&
	   is_u64(n.tb[FLEXVPN_TMPL_A_SHAPER_RATE], 100000000) &&
	   is_u32(n.tb[FLEXVPN_TMPL_A_SHAPER_OVERHEAD], 36),
	   "TEMPLATE_SET: SHAPER_RATE u64, SHAPER_OVERHEAD u32");
	sh = nest_attrs(nest_of(&n, FLEXVPN_TMPL_A_SHAPER));
	ok(sh.count == 5 && is_u64(sh.tb[FLEXVPN_SHAPER_A_RATE], 10000000) &&
	   is_u64(sh.tb[FLEXVPN_SHAPER_A_CEIL], 20000000) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_BURST], 4096) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_QLEN], 64) &&
	   is_strz(sh.tb[FLEXVPN_SHAPER_A_GROUP], "gold"),
	   "TEMPLATE_SET: the access-* words in one SHAPER nest");

	n = template_set_nest("vt1 parent-rate none access-rate none "
			      "access-ceil none access-burst auto "
			      "access-qlen default access-group none");
	sh = nest_attrs(nest_of(&n, FLEXVPN_TMPL_A_SHAPER));
	ok(n.count == 2 && is_u64(n.tb[FLEXVPN_TMPL_A_SHAPER_RATE], 0) &&
	   sh.count == 5 && is_u64(sh.tb[FLEXVPN_SHAPER_A_RATE], 0) &&
	   is_u64(sh.tb[FLEXVPN_SHAPER_A_CEIL], 0) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_BURST], 0) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_QLEN], 0) &&
	   is_strz(sh.tb[FLEXVPN_SHAPER_A_GROUP], ""),
	   "TEMPLATE_SET: none, auto, default send 0 and \"\"");

	n = template_set_nest("vt1 access-qlen 9");
	sh = nest_attrs(nest_of(&n, FLEXVPN_TMPL_A_SHAPER));
	ok(n.count == 1 && sh.count == 1 &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_QLEN], 9),
	   "TEMPLATE_SET: only the shaper attributes given");
}

static struct attrs template_group_nest(const char *line)
{
	struct words *w = words(line);
	static struct fv_template t;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET, .dev = w->argv[1], .tmpl = &t
	};
	struct nlmsghdr *nlh;
	struct attrs top, n;

	ok(!template_group_parse(w->argc, w->argv, &t), "template group %s",
	   line);
	nlh = fvnl_request(buf, FAMILY, &r);
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_TEMPLATE));
	ok(is_request(nlh, FLEXVPN_CMD_TEMPLATE_SET, NLM_F_ACK) &&
	   top.count == 2 && is_strz(top.tb[FLEXVPN_A_IFNAME], "vt1") &&
	   n.count == 1, "group: a TEMPLATE_SET with one attribute");
	return nest_attrs(nest_of(&n, FLEXVPN_TMPL_A_SHAPER_GROUP));
}

static void test_template_group(void)
{
	struct attrs g;

	g = template_group_nest("add vt1 gold rate 50mbit ceil 100mbit");
	ok(g.count == 3 && is_strz(g.tb[FLEXVPN_GROUP_A_NAME], "gold") &&
	   is_u64(g.tb[FLEXVPN_GROUP_A_RATE], 50000000) &&
	   is_u64(g.tb[FLEXVPN_GROUP_A_CEIL], 100000000),
	   "group add: NAME, RATE and CEIL u64 in a SHAPER_GROUP nest");
	g = template_group_nest("set vt1 gold ceil none");
	ok(g.count == 2 && is_u64(g.tb[FLEXVPN_GROUP_A_CEIL], 0),
	   "group set: NAME and what changes");
	g = template_group_nest("del vt1 gold");
	ok(g.count == 2 && is_strz(g.tb[FLEXVPN_GROUP_A_NAME], "gold") &&
	   g.tb[FLEXVPN_GROUP_A_DELETE] &&
	   mnl_attr_get_payload_len(g.tb[FLEXVPN_GROUP_A_DELETE]) == 0,
	   "group del: NAME and the DELETE flag, no payload");
}

static void test_access_shaper(void)
{
	struct nlmsghdr *nlh = access_new("vt1 remote 192.0.2.2 rate 10mbit "
					  "ceil 20mbit burst 3000 qlen 128 "
					  "group gold");
	struct attrs top = msg_attrs(nlh), n, sh;
	struct words *w;
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_SET, .dev = "va1", .access = &a
	};

	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	sh = nest_attrs(nest_of(&n, FLEXVPN_ACCESS_A_SHAPER));
	ok(n.count == 2 && sh.count == 5 &&
	   is_u64(sh.tb[FLEXVPN_SHAPER_A_RATE], 10000000) &&
	   is_u64(sh.tb[FLEXVPN_SHAPER_A_CEIL], 20000000) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_BURST], 3000) &&
	   is_u32(sh.tb[FLEXVPN_SHAPER_A_QLEN], 128) &&
	   is_strz(sh.tb[FLEXVPN_SHAPER_A_GROUP], "gold"),
	   "ACCESS_NEW: the shaper nested");

	w = words("va1 rate 1gbit group none");
	ok(!access_set_parse(w->argc, w->argv, &a), "access set va1 rate ...");
	top = msg_attrs(fvnl_request(buf, FAMILY, &r));
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	sh = nest_attrs(nest_of(&n, FLEXVPN_ACCESS_A_SHAPER));
	ok(n.count == 1 && sh.count == 2 &&
	   is_u64(sh.tb[FLEXVPN_SHAPER_A_RATE], 1000000000) &&
	   is_strz(sh.tb[FLEXVPN_SHAPER_A_GROUP], ""),
	   "ACCESS_SET: only the shaper attributes given");

	nlh = access_new("vt1 remote 192.0.2.2 key 1");
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(!n.tb[FLEXVPN_ACCESS_A_SHAPER], "ACCESS_NEW: no shaper words, no "
	   "SHAPER nest (the template's default applies)");
}

/* A template reply with the parent's counters and two groups, padded */
static struct nlmsghdr *template_reply(void)
{
	struct nlmsghdr *nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_TEMPLATE_GET, 0);
	struct nlattr *nest, *sub, *st;
	int i;

	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_TEMPLATE);
	mnl_attr_put_strz(nlh, FLEXVPN_TMPL_A_IFNAME, "vt1");
	mnl_attr_put(nlh, FLEXVPN_TMPL_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, FLEXVPN_TMPL_A_SHAPER_RATE, 100000000);
	mnl_attr_put_u32(nlh, FLEXVPN_TMPL_A_SHAPER_OVERHEAD, 36);
	sub = mnl_attr_nest_start(nlh, FLEXVPN_TMPL_A_SHAPER);
	mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_A_RATE, 10000000);
	mnl_attr_put_u32(nlh, FLEXVPN_SHAPER_A_QLEN, 128);
	mnl_attr_put_u32(nlh, 40, 1);			/* newer */
	mnl_attr_nest_end(nlh, sub);
	st = mnl_attr_nest_start(nlh, FLEXVPN_TMPL_A_SHAPER_STATS);
	mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_STATS_A_RATE_NOW, 99);
	mnl_attr_nest_end(nlh, st);
	for (i = 0; i < 2; i++) {
		sub = mnl_attr_nest_start(nlh, FLEXVPN_TMPL_A_SHAPER_GROUP);
		mnl_attr_put_strz(nlh, FLEXVPN_GROUP_A_NAME, i ? "silver" : "gold");
		mnl_attr_put_u64(nlh, FLEXVPN_GROUP_A_RATE, 50000000 >> i);
		mnl_attr_put_u32(nlh, FLEXVPN_GROUP_A_MEMBERS, 3 + i);
		st = mnl_attr_nest_start(nlh, FLEXVPN_GROUP_A_STATS);
		mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_STATS_A_DROPPED, 7 + i);
		mnl_attr_nest_end(nlh, st);
		mnl_attr_nest_end(nlh, sub);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

static void test_template_reply(void)
{
	struct fv_template t;

	ok(!fvnl_get_template(template_reply(), &t), "template reply: decodes");
	ok(t.shaper_rate == 100000000 && t.shaper_overhead == 36 &&
	   t.shaper.present == (BIT(FLEXVPN_SHAPER_A_RATE) |
				BIT(FLEXVPN_SHAPER_A_QLEN)) &&
	   t.shaper.rate == 10000000 && t.shaper.qlen == 128 &&
	   t.shaper_stats[FLEXVPN_SHAPER_STATS_A_RATE_NOW] == 99,
	   "template reply: parent rate, overhead, default shaper, counters");
	ok(t.groups.count == 2 && !strcmp(t.groups.v[0].name, "gold") &&
	   !strcmp(t.groups.v[1].name, "silver") &&
	   t.groups.v[1].rate == 25000000 && t.groups.v[1].members == 4 &&
	   t.groups.v[1].stats[FLEXVPN_SHAPER_STATS_A_DROPPED] == 8 &&
	   !has(t.groups.v[0].present, FLEXVPN_GROUP_A_CEIL),
	   "template reply: each SHAPER_GROUP one group, in order");
}

/* More groups than the model holds: refused, not cut short */
static void test_too_many_groups(void)
{
	struct nlmsghdr *nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_TEMPLATE_GET, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, FLEXVPN_A_TEMPLATE);
	struct nlattr *g;
	static struct fv_template t;
	int i;

	for (i = 0; i <= FV_GROUPS_MAX; i++) {
		g = mnl_attr_nest_start(nlh, FLEXVPN_TMPL_A_SHAPER_GROUP);
		mnl_attr_put_strz(nlh, FLEXVPN_GROUP_A_NAME, "g");
		mnl_attr_nest_end(nlh, g);
	}
	mnl_attr_nest_end(nlh, nest);
	ok(fvnl_get_template(nlh, &t) == -EMSGSIZE,
	   "template reply: more than FV_GROUPS_MAX groups is refused");
}

static struct nlmsghdr *access_target(uint8_t cmd, bool dump,
				      const char *line)
{
	struct words *w = words(line);
	static struct fv_access filter;
	struct fv_request r = { .cmd = cmd, .access = &filter };

	ok(!access_target_parse(w->argc, w->argv, &r.dev, &filter),
	   "target \"%s\"", line);
	r.dump = dump;
	return fvnl_request(buf, FAMILY, &r);
}

static void test_access_del_get(void)
{
	struct nlmsghdr *nlh;
	struct attrs top, n;

	nlh = access_target(FLEXVPN_CMD_ACCESS_DEL, false, "va1");
	top = msg_attrs(nlh);
	ok(is_request(nlh, FLEXVPN_CMD_ACCESS_DEL, NLM_F_ACK) &&
	   top.count == 1 && is_strz(top.tb[FLEXVPN_A_IFNAME], "va1"),
	   "ACCESS_DEL DEV: the device by name, no nest");

	nlh = access_target(FLEXVPN_CMD_ACCESS_DEL, false,
			    "owner 5 template vt1");
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(top.count == 1 && n.count == 2 &&
	   is_u64(n.tb[FLEXVPN_ACCESS_A_OWNER], 5) &&
	   is_u32(n.tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX], 5),
	   "ACCESS_DEL filters: OWNER and TEMPLATE_IFINDEX nested, no name");

	nlh = access_target(FLEXVPN_CMD_ACCESS_GET, true, "");
	ok(is_request(nlh, FLEXVPN_CMD_ACCESS_GET, NLM_F_DUMP) &&
	   msg_attrs(nlh).count == 0,
	   "ACCESS_GET dump: NLM_F_DUMP, no ack, no attributes");

	nlh = access_target(FLEXVPN_CMD_ACCESS_GET, true, "template vt1");
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(n.count == 1 && is_u32(n.tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX], 5),
	   "ACCESS_GET dump: a filter nested");
}

static void test_access_set(void)
{
	struct words *w = words("va1 remote 2001:db8::9 owner 3");
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_SET, .dev = "va1", .access = &a
	};
	struct nlmsghdr *nlh;
	struct attrs top, n;

	ok(!access_set_parse(w->argc, w->argv, &a), "access set parses");
	nlh = fvnl_request(buf, FAMILY, &r);
	top = msg_attrs(nlh);
	n = nest_attrs(nest_of(&top, FLEXVPN_A_ACCESS));
	ok(is_request(nlh, FLEXVPN_CMD_ACCESS_SET, NLM_F_ACK) &&
	   is_strz(top.tb[FLEXVPN_A_IFNAME], "va1") && n.count == 2 &&
	   is_ip(n.tb[FLEXVPN_ACCESS_A_REMOTE_IPV6], AF_INET6, "2001:db8::9") &&
	   is_u64(n.tb[FLEXVPN_ACCESS_A_OWNER], 3),
	   "ACCESS_SET: name, REMOTE_IPV6 and OWNER");
}

/* The plugin and the benchmarks name devices by ifindex */
static void test_by_ifindex(void)
{
	struct fv_request r = { .cmd = FLEXVPN_CMD_ACCESS_DEL, .ifindex = 42 };
	struct nlmsghdr *nlh = fvnl_request(buf, FAMILY, &r);
	struct attrs top = msg_attrs(nlh);

	ok(is_request(nlh, FLEXVPN_CMD_ACCESS_DEL, NLM_F_ACK) &&
	   top.count == 1 && is_u32(top.tb[FLEXVPN_A_IFINDEX], 42),
	   "ACCESS_DEL by ifindex: IFINDEX u32 alone at the top level");
}

/* A reply as a module could send it, padding and newer attributes too */
static struct nlmsghdr *access_reply(void)
{
	struct nlmsghdr *nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_ACCESS_NEW, 0);
	struct nlattr *nest, *stats;
	uint8_t ip[16];

	mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, 10);
	mnl_attr_put_u32(nlh, FLEXVPN_A_MAX + 1, 0);	/* newer, top level */
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_IFINDEX, 10);
	mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_IFNAME, "va7");
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX, 55);
	mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_TEMPLATE_IFNAME, "vt-gone");
	inet_pton(AF_INET6, "2001:db8::2", ip);
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_REMOTE_IPV6, 16, ip);
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_GRE_KEY, 3);
	mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_PEER_ID, "p");
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, FLEXVPN_ACCESS_A_OWNER, 0x123456789aULL);
	mnl_attr_put_u32(nlh, 30, 0xdead);		/* newer, nested */
	stats = mnl_attr_nest_start(nlh, FLEXVPN_ACCESS_A_STATS);
	mnl_attr_put(nlh, FLEXVPN_STATS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, FLEXVPN_STATS_A_RX_PACKETS, 11);
	mnl_attr_put_u64(nlh, FLEXVPN_STATS_A_TX_TOO_BIG, 9);
	mnl_attr_put_u64(nlh, 40, 1);			/* newer counter */
	mnl_attr_nest_end(nlh, stats);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* What `monitor` prints of it: the template by the name the kernel sent,
 * although its ifindex names nothing here */
static void test_reply_printed(const struct fv_access *a)
{
	struct capture c;
	struct out o;
	char *line;

	capture_begin(&c, &stdout);
	out_mode = OUT_TEXT;
	out_init(&o, stdout);
	print_access(&o, a, "del", false);
	line = capture_end(&c);
	is_str(line, "del va7 template vt-gone remote 2001:db8::2 local none "
		     "key 3 peer-id p owner 0x123456789a\n",
	       "reply: printed as a monitor line");
	free(line);
}

static void test_access_reply(void)
{
	struct fv_access a;

	ok(!fvnl_get_access(access_reply(), &a), "reply: decodes, newer "
	   "attributes skipped");
	is_int(a.present, BIT(FLEXVPN_ACCESS_A_IFINDEX) |
			  BIT(FLEXVPN_ACCESS_A_IFNAME) |
			  BIT(FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX) |
			  BIT(FLEXVPN_ACCESS_A_TEMPLATE_IFNAME) |
			  BIT(FLEXVPN_ACCESS_A_REMOTE_IPV6) |
			  BIT(FLEXVPN_ACCESS_A_GRE_KEY) |
			  BIT(FLEXVPN_ACCESS_A_PEER_ID) |
			  BIT(FLEXVPN_ACCESS_A_OWNER) |
			  BIT(FLEXVPN_ACCESS_A_STATS),
	       "reply: exactly the known attributes are present");
	ok(a.ifindex == 10 && !strcmp(a.ifname, "va7") &&
	   a.template_ifindex == 55 && !strcmp(a.template_ifname, "vt-gone") &&
	   a.key == 3 && !strcmp(a.peer_id, "p") &&
	   a.owner == 0x123456789aULL, "reply: values");
	ok(a.stats[FLEXVPN_STATS_A_RX_PACKETS] == 11 &&
	   a.stats[FLEXVPN_STATS_A_TX_TOO_BIG] == 9 &&
	   !a.stats[FLEXVPN_STATS_A_TX_PACKETS], "reply: counters");
	ok(fvnl_cmd(access_reply()) == FLEXVPN_CMD_ACCESS_NEW, "reply: command");
	test_reply_printed(&a);
}

/* A redirect event as the module sends it, IPv6, with a newer attribute */
static void test_redirect_event(void)
{
	struct nlmsghdr *nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_REDIRECT, 0);
	static const uint8_t head[40] = { 0x60 };
	struct fv_redirect r;
	struct nlattr *nest;
	uint8_t src[16], dst[16];

	inet_pton(AF_INET6, "2001:db8:1::2", src);
	inet_pton(AF_INET6, "2001:db8:2::2", dst);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_REDIRECT);
	mnl_attr_put_u32(nlh, FLEXVPN_REDIRECT_A_IFINDEX_IN, 10);
	mnl_attr_put_u32(nlh, FLEXVPN_REDIRECT_A_IFINDEX_OUT, 11);
	mnl_attr_put_u32(nlh, FLEXVPN_REDIRECT_A_NETWORK_ID, 5);
	mnl_attr_put(nlh, FLEXVPN_REDIRECT_A_SRC_IPV6, 16, src);
	mnl_attr_put(nlh, FLEXVPN_REDIRECT_A_DST_IPV6, 16, dst);
	mnl_attr_put_u32(nlh, FLEXVPN_REDIRECT_A_PACKET_LEN, 1280);
	mnl_attr_put(nlh, FLEXVPN_REDIRECT_A_PACKET, sizeof(head), head);
	mnl_attr_put_u32(nlh, FLEXVPN_REDIRECT_A_MAX + 1, 0);	/* newer */
	mnl_attr_nest_end(nlh, nest);

	ok(fvnl_cmd(nlh) == FLEXVPN_CMD_REDIRECT, "redirect: command");
	ok(!fvnl_get_redirect(nlh, &r), "redirect: decodes");
	ok(r.ifindex_in == 10 && r.ifindex_out == 11 && r.network_id == 5 &&
	   !memcmp(&r.src.v6, src, 16) && !memcmp(&r.dst.v6, dst, 16) &&
	   r.packet_len == 1280 && r.packet.len == sizeof(head) &&
	   r.packet.data[0] == 0x60 &&
	   !has(r.present, FLEXVPN_REDIRECT_A_SRC_IPV4),
	   "redirect: values, the packet's head and its length");

	/* a head longer than the uapi's bound is refused, not overrun */
	nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_REDIRECT, 0);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_REDIRECT);
	mnl_attr_put(nlh, FLEXVPN_REDIRECT_A_PACKET,
		     FLEXVPN_REDIRECT_PACKET_MAX + 1, buf + 1024);
	mnl_attr_nest_end(nlh, nest);
	ok(fvnl_get_redirect(nlh, &r) == -EBADMSG, "redirect: head too long");
}

/* Replies that break the uapi's types are refused, not half-read */
static void test_malformed(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct fv_access a;

	nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_ACCESS_GET, 0);
	ok(fvnl_get_access(nlh, &a) == -EBADMSG, "malformed: no nest");
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 3, "abc");
	mnl_attr_nest_end(nlh, nest);
	ok(fvnl_get_access(nlh, &a) == -EBADMSG, "malformed: 3-byte address");

	nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_ACCESS_GET, 0);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_IFNAME, "abcdefghijklmnop");
	mnl_attr_nest_end(nlh, nest);
	ok(fvnl_get_access(nlh, &a) == -EBADMSG, "malformed: name too long");

	nlh = fvnl_msg(buf, FAMILY, FLEXVPN_CMD_ACCESS_GET, 0);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_IFNAME, 4, "va12");
	mnl_attr_nest_end(nlh, nest);
	ok(fvnl_get_access(nlh, &a) == -EBADMSG, "malformed: name without NUL");

	nlh = mnl_nlmsg_put_header(buf);
	ok(fvnl_cmd(nlh) == 0, "malformed: no genl header, no command");
}

/*
 * Encoding every field and decoding it again gives the same template: the
 * one field table serves both ways.
 */
static void test_template_roundtrip(void)
{
	static struct fv_template t = {
		/* not the read-only counters, nor padding */
		.present = (BIT(FLEXVPN_TMPL_A_MAX + 1) - 1) & ~1U &
			   ~BIT(FLEXVPN_TMPL_A_SHAPER_STATS) &
			   ~BIT(FLEXVPN_TMPL_A_PAD),
		.ifindex = 5, .ifname = "vt1", .mtu = 1400,
		.mtu_effective = 1400, .underlay = 7, .source = 8,
		.key_mode = FLEXVPN_KEY_FIXED, .key = 42,
		.nhrp_network_id = 9, .nhrp_redirect = 1,
		.allow_unprotected = 1, .prefix = "abcdefgh",
		.access_count = 12,
		.shaper_rate = 100000000, .shaper_overhead = 36,
		.shaper = {
			.present = BIT(FLEXVPN_SHAPER_A_RATE) |
				   BIT(FLEXVPN_SHAPER_A_CEIL) |
				   BIT(FLEXVPN_SHAPER_A_BURST) |
				   BIT(FLEXVPN_SHAPER_A_QLEN) |
				   BIT(FLEXVPN_SHAPER_A_GROUP),
			.rate = 1, .ceil = 2, .burst = 3, .qlen = 4,
			.group = "abcdefghijklmno",
		},
		.groups = { 2, {
			{ .present = BIT(FLEXVPN_GROUP_A_NAME) |
				     BIT(FLEXVPN_GROUP_A_RATE) |
				     BIT(FLEXVPN_GROUP_A_CEIL) |
				     BIT(FLEXVPN_GROUP_A_DELETE) |
				     BIT(FLEXVPN_GROUP_A_MEMBERS),
			  .name = "gold", .rate = 5, .ceil = 6, .members = 7 },
			{ .present = BIT(FLEXVPN_GROUP_A_NAME),
			  .name = "silver" },
		} },
	};
	struct fv_request r = { .cmd = FLEXVPN_CMD_TEMPLATE_GET, .tmpl = &t };
	static struct fv_template back;

	inet_pton(AF_INET, "192.0.2.1", &t.local.v4);
	inet_pton(AF_INET6, "2001:db8::1", &t.local.v6);
	ok(!fvnl_get_template(fvnl_request(buf, FAMILY, &r), &back) &&
	   !memcmp(&t, &back, sizeof(t)), "template: encode, decode, same");
}

/* An NLMSG_ERROR about @req as the kernel sends it with extended acks */
static struct nlmsghdr *error_msg(void *b, int error, uint16_t flags,
				  const struct nlmsghdr *req, const char *text)
{
	size_t echo = flags & NLM_F_CAPPED ? sizeof(*req) : req->nlmsg_len;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + echo);
	err->error = error;
	memcpy(&err->msg, req, echo);
	if (text)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	return nlh;
}

static void test_status(void)
{
	static char ack[4096];
	struct nlmsghdr *req = access_new("vt1 remote 192.0.2.2 peer-id x");
	char msg[256];
	int status;

	status = fvnl_status(error_msg(ack, -EINVAL, NLM_F_CAPPED |
				       NLM_F_ACK_TLVS, req, "MTU too small"),
			     msg, sizeof(msg));
	ok(status == -EINVAL && !strcmp(msg, "MTU too small"),
	   "status: capped error, the kernel's message verbatim");
	status = fvnl_status(error_msg(ack, -EEXIST, NLM_F_ACK_TLVS, req,
				       "peer exists"), msg, sizeof(msg));
	ok(status == -EEXIST && !strcmp(msg, "peer exists"),
	   "status: uncapped error, message after the echoed request");
	status = fvnl_status(error_msg(ack, -EPERM, 0, req, NULL), msg,
			     sizeof(msg));
	ok(status == -EPERM && !*msg, "status: no message, no ACK_TLVS");
	status = fvnl_status(error_msg(ack, -EPERM, NLM_F_CAPPED, req, "x"),
			     msg, sizeof(msg));
	ok(status == -EPERM && !*msg,
	   "status: attributes not flagged as ACK_TLVS are not read");
	status = fvnl_status(error_msg(ack, 0, NLM_F_CAPPED, req, NULL), msg,
			     sizeof(msg));
	ok(status == 0 && !*msg, "status: a plain ack");
}

static void test_status_done(void)
{
	static char done[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(done);
	int *err, status;
	char msg[256];

	nlh->nlmsg_type = NLMSG_DONE;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	status = fvnl_status(nlh, msg, sizeof(msg));
	ok(status == 0 && !*msg, "status: the end of a dump");
	*err = -ENOBUFS;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump failed");
	status = fvnl_status(nlh, msg, sizeof(msg));
	ok(status == -ENOBUFS && !strcmp(msg, "dump failed"),
	   "status: a dump that failed, with its message");
	nlh = mnl_nlmsg_put_header(done);
	nlh->nlmsg_type = NLMSG_ERROR;
	ok(fvnl_status(nlh, msg, sizeof(msg)) == -EBADMSG,
	   "status: a truncated NLMSG_ERROR");
}

int main(void)
{
	test_access_new();
	test_template_set();
	test_template_set_shaper();
	test_template_group();
	test_access_shaper();
	test_template_reply();
	test_too_many_groups();
	test_access_del_get();
	test_access_set();
	test_by_ifindex();
	test_access_reply();
	test_redirect_event();
	test_malformed();
	test_template_roundtrip();
	test_status();
	test_status_done();
	return tap_done();
}
