// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c: the flexvpn generic-netlink API refuses every malformed or
 * contradictory request, says why in an extended-ack message, and leaves
 * the namespace as it was: no device appears, none disappears, a template
 * keeps its settings, an access device keeps its own.
 *
 * Each test runs in its own child (the harness forks) inside a fresh
 * network namespace that holds:
 *
 *   vt1   a virtual-template          dummy0  a dummy device
 *   vrf0  a VRF (table 10)            va      one access device of vt1
 *                                             (remote 198.18.1.1,
 *                                              local 198.18.0.1)
 *
 * The family is found by userspace/lib, as the tool finds it; requests are
 * sent by this file's own helpers on libmnl, which keep each reply whole
 * (errno, extended ack, the replies) for the checks: request/ack with
 * NETLINK_EXT_ACK, link creation.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../uapi/linux/flexvpn.h"
#include "fvnl.h"
#include "kselftest_harness.h"

#define BUFSZ 16384

/* ------------------------------------------------------------------ netlink */

/**
 * struct nl_reply - what the kernel answered to one request
 * @error: 0, or the positive errno of the ack
 * @msg: NLMSGERR_ATTR_MSG of the ack, "" when none
 * @has_offs: the ack pointed at an attribute (NLMSGERR_ATTR_OFFS)
 * @replies: data messages before the ack
 * @first: copy of the first data message
 */
struct nl_reply {
	int error;
	char msg[512];
	bool has_offs;
	int replies;
	char first[BUFSZ];
};

struct nl {
	struct mnl_socket *sk;
	uint32_t seq;
};

static int nl_open(struct nl *nl, int bus)
{
	int one = 1;

	nl->sk = mnl_socket_open(bus);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	/* errors carry their message but not a copy of the request */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = 1000;
	return 0;
}

static void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

static void parse_ack(const struct nlmsghdr *h, struct nl_reply *r)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
	unsigned int off = sizeof(*e);
	const struct nlattr *a;

	r->error = -e->error;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(a, h, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(r->msg, sizeof(r->msg), "%s", mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
			r->has_offs = true;
	}
}

/*
 * nl_talk - send one request (NLM_F_ACK added), collect replies up to the
 * ack or the end of a dump. Returns 0 when an answer came, -errno when the
 * socket failed.
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, struct nl_reply *r)
{
	static char rx[BUFSZ * 4];
	uint32_t seq = ++nl->seq;

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, rx, sizeof(rx));
		const struct nlmsghdr *h = (const struct nlmsghdr *)rx;
		int len = n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				parse_ack(h, r);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				/* end of a dump: its payload is the error */
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					r->error = -*(int *)mnl_nlmsg_get_payload(h);
				return 0;
			}
			if (!r->replies++ && h->nlmsg_len <= sizeof(r->first))
				memcpy(r->first, h, h->nlmsg_len);
		}
	}
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = FLEXVPN_GENL_VERSION;
	return nlh;
}

/*
 * The family's id, found by the library the tool and the plugin use
 * (userspace/lib); 0 when the module is not loaded.
 */
static uint16_t genl_family(void)
{
	struct fvnl *s = fvnl_open(NETLINK_GENERIC);
	uint16_t id = 0;

	if (!s)
		return 0;
	if (!fvnl_resolve(s))
		id = s->family;
	fvnl_close(s);
	return id;
}

/* rtnl_newlink - `ip link add NAME type KIND [table TABLE]` */
static int rtnl_newlink(struct nl *rt, const char *name, const char *kind,
			uint32_t vrf_table, struct nl_reply *r)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *li, *data;
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (vrf_table) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_VRF_TABLE, vrf_table);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, li);
	return nl_talk(rt, nlh, r);
}

/* devices of the namespace */
static int dev_count(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int n = 0;

	if (!ifs)
		return -1;
	for (i = ifs; i->if_index; i++)
		n++;
	if_freenameindex(ifs);
	return n;
}

/* ------------------------------------------------------------------ fixture */

FIXTURE(fv) {
	struct nl gnl;
	struct nl rt;
	uint16_t family;
	unsigned int vt1, dummy0, vrf0, va;
	char va_name[IF_NAMESIZE];
	char buf[BUFSZ];
	struct nl_reply r;
};

struct access_info {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	char peer_id[FLEXVPN_PEER_ID_MAXLEN + 2];
};

static int access_attr_cb(const struct nlattr *a, void *data)
{
	struct access_info *ai = data;

	switch (mnl_attr_get_type(a)) {
	case FLEXVPN_ACCESS_A_IFNAME:
		snprintf(ai->name, sizeof(ai->name), "%s", mnl_attr_get_str(a));
		break;
	case FLEXVPN_ACCESS_A_IFINDEX:
		ai->ifindex = mnl_attr_get_u32(a);
		break;
	case FLEXVPN_ACCESS_A_PEER_ID:
		snprintf(ai->peer_id, sizeof(ai->peer_id), "%s", mnl_attr_get_str(a));
		break;
	}
	return MNL_CB_OK;
}

static int top_access_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == FLEXVPN_A_ACCESS)
		mnl_attr_parse_nested(a, access_attr_cb, data);
	return MNL_CB_OK;
}

static void parse_access(const struct nl_reply *r, struct access_info *ai)
{
	memset(ai, 0, sizeof(*ai));
	if (r->replies)
		mnl_attr_parse((const struct nlmsghdr *)r->first,
			       sizeof(struct genlmsghdr), top_access_cb, ai);
}

/* access_new - ACCESS_NEW from vt1, IPv4 remote/local in host notation */
static int access_new(struct nl *nl, uint16_t family, const char *remote,
		      const char *local, struct access_info *ai)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = genl_msg(buf, family, FLEXVPN_CMD_ACCESS_NEW);
	struct in_addr rem, loc;
	struct nlattr *nest;
	struct nl_reply r;

	inet_pton(AF_INET, remote, &rem);
	inet_pton(AF_INET, local, &loc);
	mnl_attr_put_strz(nlh, FLEXVPN_A_IFNAME, "vt1");
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 4, &rem);
	mnl_attr_put(nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, 4, &loc);
	mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_PEER_ID, "peer.example");
	mnl_attr_nest_end(nlh, nest);
	if (nl_talk(nl, nlh, &r))
		return -EIO;
	if (r.error)
		return -r.error;
	parse_access(&r, ai);
	return 0;
}

/* The namespace every test starts from (see the top of the file). */
static void ns_setup(struct __test_metadata *_metadata, FIXTURE_DATA(fv) *self)
{
	struct access_info ai;
	int ret;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&self->gnl, NETLINK_GENERIC));
	ASSERT_EQ(0, nl_open(&self->rt, NETLINK_ROUTE));
	self->family = genl_family();
	if (!self->family)
		return;	/* each test skips */

	ASSERT_EQ(0, rtnl_newlink(&self->rt, "vt1", FLEXVPN_TEMPLATE_KIND, 0, &self->r));
	ASSERT_EQ(0, self->r.error) TH_LOG("vtemplate: %s", self->r.msg);
	ASSERT_EQ(0, rtnl_newlink(&self->rt, "dummy0", "dummy", 0, &self->r));
	ASSERT_EQ(0, self->r.error) TH_LOG("dummy: %s", self->r.msg);
	ASSERT_EQ(0, rtnl_newlink(&self->rt, "vrf0", "vrf", 10, &self->r));
	ASSERT_EQ(0, self->r.error) TH_LOG("vrf: %s", self->r.msg);
	self->vt1 = if_nametoindex("vt1");
	self->dummy0 = if_nametoindex("dummy0");
	self->vrf0 = if_nametoindex("vrf0");

	ret = access_new(&self->gnl, self->family, "198.18.1.1", "198.18.0.1", &ai);
	ASSERT_EQ(0, ret) TH_LOG("ACCESS_NEW: %s", strerror(-ret));
	ASSERT_NE(0U, ai.ifindex) TH_LOG("ACCESS_NEW reply names no device");
	self->va = ai.ifindex;
	snprintf(self->va_name, sizeof(self->va_name), "%s", ai.name);
	ASSERT_EQ(self->va, if_nametoindex(self->va_name));
}

static void ns_teardown(FIXTURE_DATA(fv) *self)
{
	nl_close(&self->gnl);
	nl_close(&self->rt);
	/* the namespace dies with this child */
}

FIXTURE_SETUP(fv)
{
	ns_setup(_metadata, self);
}

FIXTURE_TEARDOWN(fv)
{
	ns_teardown(self);
}

#define NEED_FAMILY(fv) do { \
	if (!(fv)->family) \
		SKIP(return, "generic netlink family \"" FLEXVPN_GENL_NAME "\" not registered"); \
} while (0)

/*
 * get_one - one TEMPLATE_GET or ACCESS_GET of a device named by ifindex (or,
 * when 0, by ifname); the reply, to be freed by the caller
 */
static struct nl_reply *get_one(struct __test_metadata *_metadata,
				FIXTURE_DATA(fv) *self, uint8_t cmd,
				uint32_t ifindex, const char *ifname)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = genl_msg(buf, self->family, cmd);
	struct nl_reply *r = malloc(sizeof(*r));

	if (!r)
		return NULL;
	if (ifindex)
		mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, ifindex);
	else
		mnl_attr_put_strz(nlh, FLEXVPN_A_IFNAME, ifname);
	if (nl_talk(&self->gnl, nlh, r) || r->error || r->replies != 1) {
		TH_LOG("GET %u: error %d, %d replies: %s", cmd, r->error,
		       r->replies, r->msg);
		free(r);
		return NULL;
	}
	return r;
}

/* the template's settings as the kernel reports them (TEMPLATE_GET payload) */
static void template_snapshot(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fv) *self, char *out, size_t *len)
{
	struct nl_reply *r = get_one(_metadata, self, FLEXVPN_CMD_TEMPLATE_GET,
				     0, "vt1");
	const struct nlmsghdr *h;

	ASSERT_NE(NULL, r);
	h = (const struct nlmsghdr *)r->first;
	*len = h->nlmsg_len - NLMSG_HDRLEN;
	memcpy(out, mnl_nlmsg_get_payload(h), *len);
	free(r);
}

/* the access device's settings as the kernel reports them: the attributes
 * of its ACCESS_GET nest, without the counters (IPv6 on the device may send
 * a router solicitation at any time)
 */
static void access_snapshot(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fv) *self, char *out, size_t *len)
{
	struct nl_reply *r = get_one(_metadata, self, FLEXVPN_CMD_ACCESS_GET,
				     self->va, NULL);
	const struct nlmsghdr *h;
	const struct nlattr *top, *a;

	ASSERT_NE(NULL, r);
	h = (const struct nlmsghdr *)r->first;
	*len = 0;
	mnl_attr_for_each(top, h, GENL_HDRLEN) {
		if (mnl_attr_get_type(top) != FLEXVPN_A_ACCESS)
			continue;
		mnl_attr_for_each_nested(a, top) {
			uint16_t t = mnl_attr_get_type(a);

			if (t == FLEXVPN_ACCESS_A_STATS ||
			    t == FLEXVPN_ACCESS_A_SHAPER_STATS)
				continue;
			memcpy(out + *len, a, a->nla_len);
			*len += a->nla_len;
		}
	}
	ASSERT_NE(0U, *len);
	free(r);
}

/* ------------------------------------------------------------------ requests as data */

/*
 * A request is a command and a list of attributes, written as data so that
 * a table can hold many: NEST() opens a nest, END closes it; R_NONE (the
 * zeroed rest of the array) ends the list.
 */
enum req_kind {
	R_NONE, R_NEST, R_END, R_U8, R_U16, R_U32, R_U64, R_STR, R_BIN,
	R_IP, R_FLAG, R_DEV, R_FILL, R_UNNESTED,
};

struct req_attr {
	enum req_kind kind;
	uint16_t type;
	uint64_t u;
	const char *s;
	size_t len;
};

#define REQ_ATTRS 12

#define NEST(t)		{ R_NEST, t }
#define END		{ R_END }
#define U8(t, v)	{ R_U8, t, v }
#define U16(t, v)	{ R_U16, t, v }
#define U32(t, v)	{ R_U32, t, v }
#define U64(t, v)	{ R_U64, t, v }
#define STR(t, str)	{ R_STR, t, 0, str }
#define BIN(t, b, n)	{ R_BIN, t, 0, b, n }
/* an address in the size of its family */
#define IP(t, addr)	{ R_IP, t, 0, addr }
#define FLAG(t)		{ R_FLAG, t }
/* u32: the ifindex of one of the fixture's devices */
#define DEV(t, d)	{ R_DEV, t, d }
/* a string of N times the character C */
#define FILL(t, c, n)	{ R_FILL, t, c, NULL, n }
/* nest T holding IPv4 attribute A, without NLA_F_NESTED */
#define UNNESTED(t, a, addr) { R_UNNESTED, t, a, addr }

#define VT1		STR(FLEXVPN_A_IFNAME, "vt1")
#define VA		DEV(FLEXVPN_A_IFINDEX, D_VA)
#define NO_SUCH_IFINDEX	0x7ffffff0

enum { D_VT1 = 1, D_VA, D_DUMMY, D_VRF };

static uint32_t dev_ifindex(const FIXTURE_DATA(fv) *self, uint64_t d)
{
	switch (d) {
	case D_VT1: return self->vt1;
	case D_VA: return self->va;
	case D_DUMMY: return self->dummy0;
	case D_VRF: return self->vrf0;
	}
	return 0;
}

static void put_ip(struct nlmsghdr *nlh, uint16_t type, const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		mnl_attr_put(nlh, type, 4, &a4);
	else if (inet_pton(AF_INET6, addr, &a6) == 1)
		mnl_attr_put(nlh, type, 16, &a6);
}

/* the request in self->buf */
static struct nlmsghdr *request(FIXTURE_DATA(fv) *self, uint8_t cmd,
				const struct req_attr *a)
{
	struct nlmsghdr *nlh = genl_msg(self->buf, self->family, cmd);
	struct nlattr *open[4];
	char fill[512], raw[NLA_HDRLEN + 4];
	struct nlattr *inner = (struct nlattr *)raw;
	const struct req_attr *last = a + REQ_ATTRS;
	int depth = 0;

	for (; a < last && a->kind != R_NONE; a++) {
		switch (a->kind) {
		case R_NEST:
			open[depth++] = mnl_attr_nest_start(nlh, a->type);
			break;
		case R_END:
			mnl_attr_nest_end(nlh, open[--depth]);
			break;
		case R_U8:
			mnl_attr_put_u8(nlh, a->type, a->u);
			break;
		case R_U16:
			mnl_attr_put_u16(nlh, a->type, a->u);
			break;
		case R_U32:
			mnl_attr_put_u32(nlh, a->type, a->u);
			break;
		case R_U64:
			mnl_attr_put_u64(nlh, a->type, a->u);
			break;
		case R_STR:
			mnl_attr_put_strz(nlh, a->type, a->s);
			break;
		case R_BIN:
			mnl_attr_put(nlh, a->type, a->len, a->s);
			break;
		case R_IP:
			put_ip(nlh, a->type, a->s);
			break;
		case R_FLAG:
			mnl_attr_put(nlh, a->type, 0, NULL);
			break;
		case R_DEV:
			mnl_attr_put_u32(nlh, a->type, dev_ifindex(self, a->u));
			break;
		case R_FILL:
			memset(fill, a->u, a->len);
			fill[a->len] = 0;
			mnl_attr_put_strz(nlh, a->type, fill);
			break;
		case R_UNNESTED:
			/* a well-formed nest, but without NLA_F_NESTED */
			inner->nla_type = a->u;
			inner->nla_len = NLA_HDRLEN + 4;
			inet_pton(AF_INET, a->s, raw + NLA_HDRLEN);
			mnl_attr_put(nlh, a->type, sizeof(raw), raw);
			break;
		case R_NONE:
			break;
		}
	}
	return nlh;
}

/* ------------------------------------------------------------------ refusals */

/*
 * One row per refused request: the request, the errno and the extended-ack
 * message the kernel must answer with. Each row runs in the fixture's
 * namespace and checks that nothing changed: the devices, the template's
 * settings and the access device's. A row that sends a value just outside
 * a range of uapi/flexvpn.yaml names it in .range ("SET.ATTR BOUND", BOUND
 * being min, max, max-len, exact-len short or exact-len long);
 * tools/ynl/check.sh fails when a range of the spec has no row.
 */
FIXTURE(refuse) {
	FIXTURE_DATA(fv) fv;
};

FIXTURE_VARIANT(refuse) {
	const char *range;
	uint8_t cmd;
	bool other;	/* a second access device, 198.18.2.1, exists */
	struct req_attr attrs[REQ_ATTRS];
	int err;
	const char *msg;
};

FIXTURE_SETUP(refuse)
{
	struct access_info ai;

	ns_setup(_metadata, &self->fv);
	if (self->fv.family && variant->other)
		ASSERT_EQ(0, access_new(&self->fv.gnl, self->fv.family,
					"198.18.2.1", "198.18.0.1", &ai));
}

FIXTURE_TEARDOWN(refuse)
{
	ns_teardown(&self->fv);
}

TEST_F(refuse, refused)
{
	static char tmpl_before[BUFSZ], tmpl_after[BUFSZ];
	static char va_before[BUFSZ], va_after[BUFSZ];
	FIXTURE_DATA(fv) *fv = &self->fv;
	size_t tb, ta, vb, va;
	int devs;

	NEED_FAMILY(fv);
	if (variant->range)
		TH_LOG("the spec's range %s", variant->range);
	template_snapshot(_metadata, fv, tmpl_before, &tb);
	access_snapshot(_metadata, fv, va_before, &vb);
	devs = dev_count();

	ASSERT_EQ(0, nl_talk(&fv->gnl, request(fv, variant->cmd, variant->attrs),
			     &fv->r));
	TH_LOG("refused with %s (%d): \"%s\"",
	       strerrorname_np(fv->r.error) ?: "0", fv->r.error, fv->r.msg);
	ASSERT_NE(0, fv->r.error) TH_LOG("the kernel accepted it");
	EXPECT_EQ(variant->err, fv->r.error)
		TH_LOG("expected %s", strerrorname_np(variant->err));
	EXPECT_STREQ(variant->msg, fv->r.msg);

	EXPECT_EQ(devs, dev_count()) TH_LOG("the device count changed");
	EXPECT_EQ(fv->va, if_nametoindex(fv->va_name));
	EXPECT_EQ(fv->vt1, if_nametoindex("vt1"));
	template_snapshot(_metadata, fv, tmpl_after, &ta);
	access_snapshot(_metadata, fv, va_after, &va);
	EXPECT_TRUE(tb == ta && !memcmp(tmpl_before, tmpl_after, ta))
		TH_LOG("the refused request changed the template");
	EXPECT_TRUE(vb == va && !memcmp(va_before, va_after, va))
		TH_LOG("the refused request changed the access device");
}

/* what nla_parse() answers: the policies generated from the spec */
#define BAD_LEN		.err = EINVAL, .msg = "invalid attribute length"
#define BAD_BIN_LEN	.err = ERANGE, .msg = "binary attribute size out of range"
#define OUT_OF_RANGE	.err = ERANGE, .msg = "integer out of range"
#define BAD_STRING	.err = EINVAL, .msg = "Attribute failed policy validation"
#define UNSUPPORTED	.err = EINVAL, .msg = "Unsupported attribute"
#define UNKNOWN		.err = EINVAL, .msg = "Unknown attribute type"
/* what the module answers */
#define NOT_TEMPLATE	.err = EINVAL, .msg = "flexvpn: the device named is not a virtual-template"
#define NOT_ACCESS	.err = EINVAL, .msg = "flexvpn: the device named is not a virtual-access device"
#define NO_DEVICE	.err = EINVAL, .msg = "flexvpn: name the device: FLEXVPN_A_IFINDEX or FLEXVPN_A_IFNAME is missing"
#define BAD_PREFIX	.err = EINVAL, .msg = "the name prefix must be 1 to 8 characters of A-Z a-z 0-9 _ . -"
#define BAD_GROUP_NAME	.err = EINVAL, .msg = "a shaper group needs a name of 1 to 15 characters of A-Z a-z 0-9 _ . -"
#define CEIL_BELOW_RATE	.err = EINVAL, .msg = "flexvpn: shaper ceil below the rate"
#define ENDPOINT_TAKEN	.err = EEXIST, .msg = "flexvpn: another access device already uses these outer addresses and GRE key"
#define NO_GROUP	.err = ENOENT, .msg = "flexvpn: no shaper group of this name in the template"

#define ACCESS_NEW(...) .cmd = FLEXVPN_CMD_ACCESS_NEW, .attrs = { __VA_ARGS__ }
#define ACCESS_SET(...) .cmd = FLEXVPN_CMD_ACCESS_SET, .attrs = { __VA_ARGS__ }
#define ACCESS_DEL(...) .cmd = FLEXVPN_CMD_ACCESS_DEL, .attrs = { __VA_ARGS__ }
#define ACCESS_GET(...) .cmd = FLEXVPN_CMD_ACCESS_GET, .attrs = { __VA_ARGS__ }
#define TEMPLATE_SET(...) .cmd = FLEXVPN_CMD_TEMPLATE_SET, .attrs = { __VA_ARGS__ }
#define TEMPLATE_GET(...) .cmd = FLEXVPN_CMD_TEMPLATE_GET, .attrs = { __VA_ARGS__ }

/* ACCESS_NEW from vt1 with a fresh remote, and ATTRS in the access nest */
#define NEW_FROM_VT1(...) ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS), \
	IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), __VA_ARGS__, END)
/* TEMPLATE_SET of vt1 with ATTRS in the template nest */
#define SET_VT1(...) TEMPLATE_SET(VT1, NEST(FLEXVPN_A_TEMPLATE), __VA_ARGS__, END)
/* ACCESS_SET of the fixture's device with ATTRS in the access nest */
#define SET_VA(...) ACCESS_SET(VA, NEST(FLEXVPN_A_ACCESS), __VA_ARGS__, END)
/* the fixture's device's shaper */
#define SHAPE_VA(...) SET_VA(NEST(FLEXVPN_ACCESS_A_SHAPER), __VA_ARGS__, END)
/* TEMPLATE_SET of vt1 with one shaper group */
#define GROUP_VT1(...) SET_VT1(NEST(FLEXVPN_TMPL_A_SHAPER_GROUP), __VA_ARGS__, END)

#define MBIT 1000000ULL
#define RATE_10M U64(FLEXVPN_SHAPER_A_RATE, 10 * MBIT)
#define GOLD STR(FLEXVPN_GROUP_A_NAME, "gold")

/* ---- ACCESS_NEW */

FIXTURE_VARIANT_ADD(refuse, access_new_without_remote) {
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	.err = EINVAL,
	.msg = "flexvpn: the peer's outer address is missing: give REMOTE_IPV4 or REMOTE_IPV6",
};

FIXTURE_VARIANT_ADD(refuse, access_new_without_access_nest) {
	ACCESS_NEW(VT1),
	.err = EINVAL,
	.msg = "flexvpn: give the access device's settings in FLEXVPN_A_ACCESS",
};

FIXTURE_VARIANT_ADD(refuse, access_new_two_remotes) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1")),
	.err = EINVAL, .msg = "give one remote address, IPv4 or IPv6, not both",
};

FIXTURE_VARIANT_ADD(refuse, access_new_two_locals) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     IP(FLEXVPN_ACCESS_A_LOCAL_IPV6, "2001:db8::1")),
	.err = EINVAL, .msg = "give one local address, IPv4 or IPv6, not both",
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv4_local_ipv6) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV6, "2001:db8::1")),
	.err = EINVAL, .msg = "the local and remote addresses must be of the same family",
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv6_local_ipv4) {
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	.err = EINVAL, .msg = "the local and remote addresses must be of the same family",
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv4_3_bytes) {
	.range = "access.remote-ipv4 exact-len short",
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   BIN(FLEXVPN_ACCESS_A_REMOTE_IPV4, "\xc6\x12\x02", 3),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv4_16_bytes) {
	.range = "access.remote-ipv4 exact-len long",
	/* an IPv6 address in the IPv4 attribute */
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "2001:db8:2::1"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv6_4_bytes) {
	.range = "access.remote-ipv6 exact-len short",
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV6, "198.18.2.1"), END),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_ipv6_17_bytes) {
	.range = "access.remote-ipv6 exact-len long",
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   BIN(FLEXVPN_ACCESS_A_REMOTE_IPV6,
		       "\x20\x01\x0d\xb8\0\x02\0\0\0\0\0\0\0\0\0\x01\0", 17), END),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_local_ipv4_3_bytes) {
	.range = "access.local-ipv4 exact-len short",
	NEW_FROM_VT1(BIN(FLEXVPN_ACCESS_A_LOCAL_IPV4, "\xc6\x12\x00", 3)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_local_ipv4_5_bytes) {
	.range = "access.local-ipv4 exact-len long",
	NEW_FROM_VT1(BIN(FLEXVPN_ACCESS_A_LOCAL_IPV4, "\xc6\x12\x00\x01\x00", 5)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_local_ipv6_15_bytes) {
	.range = "access.local-ipv6 exact-len short",
	NEW_FROM_VT1(BIN(FLEXVPN_ACCESS_A_LOCAL_IPV6,
			 "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0", 15)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_local_ipv6_17_bytes) {
	.range = "access.local-ipv6 exact-len long",
	NEW_FROM_VT1(BIN(FLEXVPN_ACCESS_A_LOCAL_IPV6,
			 "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01\0", 17)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_remote_unspecified) {
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "0.0.0.0"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	.err = EINVAL, .msg = "the remote address must be a unicast address",
};

FIXTURE_VARIANT_ADD(refuse, access_new_peer_id_too_long) {
	.range = "access.peer-id max-len",
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     FILL(FLEXVPN_ACCESS_A_PEER_ID, 'p', FLEXVPN_PEER_ID_MAXLEN + 1)),
	BAD_STRING,
};

FIXTURE_VARIANT_ADD(refuse, access_new_owner_u32) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     U32(FLEXVPN_ACCESS_A_OWNER, 7)),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_gre_key_u16) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     U16(FLEXVPN_ACCESS_A_GRE_KEY, 7)),
	BAD_LEN,
};

/* read only: not in ACCESS_NEW's policy */
FIXTURE_VARIANT_ADD(refuse, access_new_read_only_ifindex) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     U32(FLEXVPN_ACCESS_A_IFINDEX, 7)),
	UNSUPPORTED,
};

FIXTURE_VARIANT_ADD(refuse, access_new_unknown_attribute) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     U32(FLEXVPN_ACCESS_A_MAX + 1, 7)),
	UNKNOWN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_access_not_nested) {
	ACCESS_NEW(VT1, UNNESTED(FLEXVPN_A_ACCESS, FLEXVPN_ACCESS_A_REMOTE_IPV4,
				 "198.18.2.1")),
	.err = EINVAL, .msg = "NLA_F_NESTED is missing",
};

FIXTURE_VARIANT_ADD(refuse, access_new_template_is_dummy) {
	ACCESS_NEW(STR(FLEXVPN_A_IFNAME, "dummy0"), NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	NOT_TEMPLATE,
};

FIXTURE_VARIANT_ADD(refuse, access_new_template_is_access_device) {
	ACCESS_NEW(VA, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	NOT_TEMPLATE,
};

FIXTURE_VARIANT_ADD(refuse, access_new_no_such_ifindex) {
	ACCESS_NEW(U32(FLEXVPN_A_IFINDEX, NO_SUCH_IFINDEX), NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), END),
	.err = ENODEV, .msg = "no device with this ifindex",
};

FIXTURE_VARIANT_ADD(refuse, access_new_no_such_ifname) {
	ACCESS_NEW(STR(FLEXVPN_A_IFNAME, "nosuchdev"), NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), END),
	.err = ENODEV, .msg = "no device with this name",
};

FIXTURE_VARIANT_ADD(refuse, access_new_no_template_named) {
	ACCESS_NEW(NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), END),
	NO_DEVICE,
};

FIXTURE_VARIANT_ADD(refuse, access_new_ifindex_u16) {
	ACCESS_NEW(U16(FLEXVPN_A_IFINDEX, 2), NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), END),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_ifname_too_long) {
	.range = "flexvpn.ifname max-len",
	ACCESS_NEW(FILL(FLEXVPN_A_IFNAME, 'v', IF_NAMESIZE), NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"), END),
	BAD_STRING,
};

/* the fixture's device already has this remote/local pair, no key */
FIXTURE_VARIANT_ADD(refuse, access_new_duplicate_endpoint) {
	ACCESS_NEW(VT1, NEST(FLEXVPN_A_ACCESS),
		   IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.1.1"),
		   IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"), END),
	ENDPOINT_TAKEN,
};

FIXTURE_VARIANT_ADD(refuse, access_new_shaper_ceil_below_rate) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     NEST(FLEXVPN_ACCESS_A_SHAPER), RATE_10M,
		     U64(FLEXVPN_SHAPER_A_CEIL, MBIT), END),
	CEIL_BELOW_RATE,
};

/* ---- TEMPLATE_SET, TEMPLATE_GET */

FIXTURE_VARIANT_ADD(refuse, template_set_mtu_below_min) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, FLEXVPN_MTU_MIN - 1)),
	.err = ERANGE, .msg = "MTU out of range: 0 (automatic) or 68 to 65455",
};

FIXTURE_VARIANT_ADD(refuse, template_set_mtu_above_max) {
	.range = "template.mtu max",
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, FLEXVPN_MTU_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_mtu_u16) {
	SET_VT1(U16(FLEXVPN_TMPL_A_MTU, 1400)),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_prefix_slash) {
	SET_VT1(STR(FLEXVPN_TMPL_A_NAME_PREFIX, "va/")),
	BAD_PREFIX,
};

/* ':' would make names that look like IPv4 aliases */
FIXTURE_VARIANT_ADD(refuse, template_set_prefix_colon) {
	SET_VT1(STR(FLEXVPN_TMPL_A_NAME_PREFIX, "va:")),
	BAD_PREFIX,
};

FIXTURE_VARIANT_ADD(refuse, template_set_prefix_empty) {
	SET_VT1(STR(FLEXVPN_TMPL_A_NAME_PREFIX, "")),
	BAD_PREFIX,
};

FIXTURE_VARIANT_ADD(refuse, template_set_prefix_too_long) {
	.range = "template.name-prefix max-len",
	SET_VT1(FILL(FLEXVPN_TMPL_A_NAME_PREFIX, 'a', FLEXVPN_PREFIX_MAXLEN + 1)),
	BAD_STRING,
};

FIXTURE_VARIANT_ADD(refuse, template_set_key_mode_above_max) {
	.range = "template.gre-key-mode max",
	SET_VT1(U8(FLEXVPN_TMPL_A_GRE_KEY_MODE, FLEXVPN_KEY_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_gre_key_u8) {
	SET_VT1(U8(FLEXVPN_TMPL_A_GRE_KEY, 7)),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_nhrp_redirect_2) {
	.range = "template.nhrp-redirect max",
	SET_VT1(U8(FLEXVPN_TMPL_A_NHRP_REDIRECT, 2)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_allow_unprotected_2) {
	.range = "template.allow-unprotected max",
	SET_VT1(U8(FLEXVPN_TMPL_A_ALLOW_UNPROTECTED, 2)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_redirect_interval_0) {
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, 0)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_redirect_interval_below_min) {
	.range = "template.nhrp-redirect-interval min",
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
		    FLEXVPN_REDIRECT_INTERVAL_MIN - 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_redirect_interval_above_max) {
	.range = "template.nhrp-redirect-interval max",
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
		    FLEXVPN_REDIRECT_INTERVAL_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_redirect_interval_u8) {
	SET_VT1(U8(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, 100)),
	BAD_LEN,
};

/* a good setting beside a bad interval is not applied either */
FIXTURE_VARIANT_ADD(refuse, template_set_redirect_interval_bad_with_good) {
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_NETWORK_ID, 77),
		U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
		    FLEXVPN_REDIRECT_INTERVAL_MAX + 1)),
	OUT_OF_RANGE,
};

/* redirect triggers are the kernel's to send, not a request */
FIXTURE_VARIANT_ADD(refuse, template_set_redirect_nest) {
	TEMPLATE_SET(VT1, NEST(FLEXVPN_A_REDIRECT),
		     U32(FLEXVPN_REDIRECT_A_IFINDEX_IN, 1), END),
	UNKNOWN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_nhrp_network_id_u64) {
	SET_VT1(U64(FLEXVPN_TMPL_A_NHRP_NETWORK_ID, 1)),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_local_ipv4_3_bytes) {
	.range = "template.local-ipv4 exact-len short",
	SET_VT1(BIN(FLEXVPN_TMPL_A_LOCAL_IPV4, "\xc6\x12\x00", 3)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_local_ipv4_16_bytes) {
	.range = "template.local-ipv4 exact-len long",
	SET_VT1(IP(FLEXVPN_TMPL_A_LOCAL_IPV4, "2001:db8::1")),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_local_ipv6_4_bytes) {
	.range = "template.local-ipv6 exact-len short",
	SET_VT1(IP(FLEXVPN_TMPL_A_LOCAL_IPV6, "198.18.0.1")),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_local_ipv6_17_bytes) {
	.range = "template.local-ipv6 exact-len long",
	SET_VT1(BIN(FLEXVPN_TMPL_A_LOCAL_IPV6,
		    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01\0", 17)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_underlay_not_vrf) {
	SET_VT1(DEV(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, D_DUMMY)),
	.err = EINVAL, .msg = "the underlay must be a VRF device of this namespace",
};

FIXTURE_VARIANT_ADD(refuse, template_set_underlay_no_such_device) {
	SET_VT1(U32(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, NO_SUCH_IFINDEX)),
	.err = EINVAL, .msg = "the underlay must be a VRF device of this namespace",
};

FIXTURE_VARIANT_ADD(refuse, template_set_source_no_such_device) {
	SET_VT1(U32(FLEXVPN_TMPL_A_SOURCE_IFINDEX, NO_SUCH_IFINDEX)),
	.err = EINVAL,
	.msg = "the tunnel source must be an existing interface that is not a flexvpn device",
};

FIXTURE_VARIANT_ADD(refuse, template_set_source_is_template) {
	SET_VT1(DEV(FLEXVPN_TMPL_A_SOURCE_IFINDEX, D_VT1)),
	.err = EINVAL,
	.msg = "the tunnel source must be an existing interface that is not a flexvpn device",
};

/* read only: not in TEMPLATE_SET's policy */
FIXTURE_VARIANT_ADD(refuse, template_set_read_only_mtu_effective) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU_EFFECTIVE, 1300)),
	UNSUPPORTED,
};

FIXTURE_VARIANT_ADD(refuse, template_set_read_only_shaper_stats) {
	SET_VT1(NEST(FLEXVPN_TMPL_A_SHAPER_STATS),
		U64(FLEXVPN_SHAPER_STATS_A_BYTES, 1), END),
	UNSUPPORTED,
};

FIXTURE_VARIANT_ADD(refuse, template_set_unknown_attribute) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MAX + 1, 1)),
	UNKNOWN,
};

/* a valid MTU next to an invalid prefix: neither may be applied */
FIXTURE_VARIANT_ADD(refuse, template_set_is_all_or_nothing) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, 1300),
		STR(FLEXVPN_TMPL_A_NAME_PREFIX, "a/b")),
	BAD_PREFIX,
};

/* all pass the policy; the last fails the check against the namespace */
FIXTURE_VARIANT_ADD(refuse, template_set_underlay_and_bad_source_is_all_or_nothing) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, 1300),
		DEV(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, D_VRF),
		U32(FLEXVPN_TMPL_A_SOURCE_IFINDEX, NO_SUCH_IFINDEX)),
	.err = EINVAL,
	.msg = "the tunnel source must be an existing interface that is not a flexvpn device",
};

FIXTURE_VARIANT_ADD(refuse, template_set_on_access_device) {
	TEMPLATE_SET(VA, NEST(FLEXVPN_A_TEMPLATE),
		     U32(FLEXVPN_TMPL_A_MTU, 1300), END),
	NOT_TEMPLATE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_on_dummy) {
	TEMPLATE_SET(STR(FLEXVPN_A_IFNAME, "dummy0"), NEST(FLEXVPN_A_TEMPLATE),
		     U32(FLEXVPN_TMPL_A_MTU, 1300), END),
	NOT_TEMPLATE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_no_device) {
	TEMPLATE_SET(NEST(FLEXVPN_A_TEMPLATE), U32(FLEXVPN_TMPL_A_MTU, 1300), END),
	NO_DEVICE,
};

FIXTURE_VARIANT_ADD(refuse, template_get_on_access_device) {
	TEMPLATE_GET(VA),
	NOT_TEMPLATE,
};

/* ---- ACCESS_SET, ACCESS_DEL, ACCESS_GET */

FIXTURE_VARIANT_ADD(refuse, access_set_on_template) {
	ACCESS_SET(VT1, NEST(FLEXVPN_A_ACCESS),
		   STR(FLEXVPN_ACCESS_A_PEER_ID, "x"), END),
	NOT_ACCESS,
};

FIXTURE_VARIANT_ADD(refuse, access_set_on_dummy) {
	ACCESS_SET(STR(FLEXVPN_A_IFNAME, "dummy0"), NEST(FLEXVPN_A_ACCESS),
		   STR(FLEXVPN_ACCESS_A_PEER_ID, "x"), END),
	NOT_ACCESS,
};

/* the device's local address is IPv4; its peer-id stays too */
FIXTURE_VARIANT_ADD(refuse, access_set_family_mismatch_changes_nothing) {
	SET_VA(STR(FLEXVPN_ACCESS_A_PEER_ID, "changed"),
	       IP(FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1")),
	.err = EINVAL,
	.msg = "flexvpn: the remote address changes family: give a local address of the same family",
};

FIXTURE_VARIANT_ADD(refuse, access_set_remote_ipv4_3_bytes) {
	SET_VA(BIN(FLEXVPN_ACCESS_A_REMOTE_IPV4, "\xc6\x12\x02", 3)),
	BAD_BIN_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_set_peer_id_too_long) {
	SET_VA(FILL(FLEXVPN_ACCESS_A_PEER_ID, 'q', FLEXVPN_PEER_ID_MAXLEN + 1)),
	BAD_STRING,
};

FIXTURE_VARIANT_ADD(refuse, access_set_no_device) {
	ACCESS_SET(NEST(FLEXVPN_A_ACCESS), STR(FLEXVPN_ACCESS_A_PEER_ID, "x"), END),
	NO_DEVICE,
};

/* neither a device nor a filter: must not mean "delete everything" */
FIXTURE_VARIANT_ADD(refuse, access_del_without_selector) {
	ACCESS_DEL(),
	.err = EINVAL,
	.msg = "flexvpn: name an access device, or give OWNER and/or TEMPLATE_IFINDEX to delete many",
};

FIXTURE_VARIANT_ADD(refuse, access_del_empty_filter) {
	ACCESS_DEL(NEST(FLEXVPN_A_ACCESS), END),
	.err = EINVAL,
	.msg = "flexvpn: name an access device, or give OWNER and/or TEMPLATE_IFINDEX to delete many",
};

FIXTURE_VARIANT_ADD(refuse, access_del_no_such_template) {
	ACCESS_DEL(NEST(FLEXVPN_A_ACCESS),
		   U32(FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX, NO_SUCH_IFINDEX), END),
	.err = ENODEV, .msg = "no virtual-template with this ifindex",
};

/* filters only: a setting is not in ACCESS_DEL's policy */
FIXTURE_VARIANT_ADD(refuse, access_del_filter_peer_id) {
	ACCESS_DEL(NEST(FLEXVPN_A_ACCESS),
		   STR(FLEXVPN_ACCESS_A_PEER_ID, "peer.example"), END),
	UNSUPPORTED,
};

FIXTURE_VARIANT_ADD(refuse, access_del_on_template) {
	ACCESS_DEL(VT1),
	NOT_ACCESS,
};

FIXTURE_VARIANT_ADD(refuse, access_del_on_dummy) {
	ACCESS_DEL(STR(FLEXVPN_A_IFNAME, "dummy0")),
	NOT_ACCESS,
};

FIXTURE_VARIANT_ADD(refuse, access_del_owner_u32) {
	ACCESS_DEL(NEST(FLEXVPN_A_ACCESS), U32(FLEXVPN_ACCESS_A_OWNER, 0), END),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_get_on_template) {
	ACCESS_GET(VT1),
	NOT_ACCESS,
};

/* ---- the shaper: a device's, a template's default, a template's groups */

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_ceil_below_rate) {
	SHAPE_VA(RATE_10M, U64(FLEXVPN_SHAPER_A_CEIL, 5 * MBIT)),
	CEIL_BELOW_RATE,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_rate_above_max) {
	.range = "shaper.rate max",
	SHAPE_VA(U64(FLEXVPN_SHAPER_A_RATE, FLEXVPN_SHAPER_RATE_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_rate_below_min) {
	SHAPE_VA(U64(FLEXVPN_SHAPER_A_RATE, FLEXVPN_SHAPER_RATE_MIN - 1)),
	.err = ERANGE,
	.msg = "flexvpn: shaper rate out of range: 8 bit/s to 10 Tbit/s (0 turns shaping off)",
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_ceil_above_max) {
	.range = "shaper.ceil max",
	SHAPE_VA(RATE_10M, U64(FLEXVPN_SHAPER_A_CEIL, FLEXVPN_SHAPER_RATE_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_rate_u32) {
	SHAPE_VA(U32(FLEXVPN_SHAPER_A_RATE, 1000000)),
	BAD_LEN,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_burst_below_one_packet) {
	SHAPE_VA(RATE_10M, U32(FLEXVPN_SHAPER_A_BURST, 1000)),
	.err = EINVAL,
	.msg = "flexvpn: shaper burst below one packet: the MTU plus the encapsulation",
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_qlen_above_max) {
	.range = "shaper.qlen max",
	SHAPE_VA(RATE_10M, U32(FLEXVPN_SHAPER_A_QLEN, FLEXVPN_SHAPER_QLEN_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_no_such_group) {
	SHAPE_VA(RATE_10M, STR(FLEXVPN_SHAPER_A_GROUP, "gold")),
	NO_GROUP,
};

FIXTURE_VARIANT_ADD(refuse, access_set_shaper_group_name_too_long) {
	.range = "shaper.group max-len",
	SHAPE_VA(RATE_10M, FILL(FLEXVPN_SHAPER_A_GROUP, 'g', FLEXVPN_GROUP_MAXLEN + 1)),
	BAD_STRING,
};

/* above the access nest's highest settable attribute */
FIXTURE_VARIANT_ADD(refuse, access_set_read_only_shaper_stats) {
	SET_VA(NEST(FLEXVPN_ACCESS_A_SHAPER_STATS),
	       U64(FLEXVPN_SHAPER_STATS_A_BYTES, 1), END),
	UNKNOWN,
};

/* a valid shaper next to outer addresses another device has: the shaper
 * is put back as it was
 */
FIXTURE_VARIANT_ADD(refuse, access_set_shaper_and_taken_endpoint_is_all_or_nothing) {
	.other = true,
	SET_VA(NEST(FLEXVPN_ACCESS_A_SHAPER), RATE_10M, END,
	       IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1")),
	ENDPOINT_TAKEN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_without_rate) {
	GROUP_VT1(GOLD),
	.err = EINVAL, .msg = "flexvpn: a new shaper group needs a rate",
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_without_name) {
	GROUP_VT1(U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT)),
	BAD_GROUP_NAME,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_name_slash) {
	GROUP_VT1(STR(FLEXVPN_GROUP_A_NAME, "a/b"), U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT)),
	BAD_GROUP_NAME,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_name_too_long) {
	.range = "group.name max-len",
	GROUP_VT1(FILL(FLEXVPN_GROUP_A_NAME, 'g', FLEXVPN_GROUP_MAXLEN + 1),
		  U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT)),
	BAD_STRING,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_rate_above_max) {
	.range = "group.rate max",
	GROUP_VT1(GOLD, U64(FLEXVPN_GROUP_A_RATE, FLEXVPN_SHAPER_RATE_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_ceil_above_max) {
	.range = "group.ceil max",
	GROUP_VT1(GOLD, U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT),
		  U64(FLEXVPN_GROUP_A_CEIL, FLEXVPN_SHAPER_RATE_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_ceil_below_rate) {
	GROUP_VT1(GOLD, U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT),
		  U64(FLEXVPN_GROUP_A_CEIL, MBIT)),
	CEIL_BELOW_RATE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_delete_missing) {
	GROUP_VT1(GOLD, FLAG(FLEXVPN_GROUP_A_DELETE)),
	NO_GROUP,
};

/* read only, and above the group nest's highest settable attribute */
FIXTURE_VARIANT_ADD(refuse, template_set_group_read_only_members) {
	GROUP_VT1(GOLD, U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT),
		  U32(FLEXVPN_GROUP_A_MEMBERS, 3)),
	UNKNOWN,
};

FIXTURE_VARIANT_ADD(refuse, template_set_group_with_other_settings) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, 1300), NEST(FLEXVPN_TMPL_A_SHAPER_GROUP),
		GOLD, U64(FLEXVPN_GROUP_A_RATE, 10 * MBIT), END),
	.err = EINVAL, .msg = "a shaper group change comes in a request of its own",
};

FIXTURE_VARIANT_ADD(refuse, template_set_parent_rate_below_min) {
	SET_VT1(U64(FLEXVPN_TMPL_A_SHAPER_RATE, FLEXVPN_SHAPER_RATE_MIN - 1)),
	.err = ERANGE, .msg = "parent rate out of range: 8 bit/s to 10 Tbit/s, or 0 for none",
};

FIXTURE_VARIANT_ADD(refuse, template_set_parent_rate_above_max) {
	.range = "template.shaper-rate max",
	SET_VT1(U64(FLEXVPN_TMPL_A_SHAPER_RATE, FLEXVPN_SHAPER_RATE_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_overhead_above_max) {
	.range = "template.shaper-overhead max",
	SET_VT1(U32(FLEXVPN_TMPL_A_SHAPER_OVERHEAD, FLEXVPN_SHAPER_OVERHEAD_MAX + 1)),
	OUT_OF_RANGE,
};

FIXTURE_VARIANT_ADD(refuse, template_set_default_shaper_ceil_below_rate) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, 1300), NEST(FLEXVPN_TMPL_A_SHAPER),
		RATE_10M, U64(FLEXVPN_SHAPER_A_CEIL, MBIT), END),
	CEIL_BELOW_RATE,
};

/* ------------------------------------------------------------------ the limits themselves */

/*
 * The values at the edge of each range are taken: the refusals above are
 * not blanket, and a range is not off by one.
 */
FIXTURE(accept) {
	FIXTURE_DATA(fv) fv;
};

FIXTURE_VARIANT(accept) {
	uint8_t cmd;
	struct req_attr attrs[REQ_ATTRS];
};

FIXTURE_SETUP(accept)
{
	ns_setup(_metadata, &self->fv);
}

FIXTURE_TEARDOWN(accept)
{
	ns_teardown(&self->fv);
}

TEST_F(accept, accepted)
{
	FIXTURE_DATA(fv) *fv = &self->fv;

	NEED_FAMILY(fv);
	ASSERT_EQ(0, nl_talk(&fv->gnl, request(fv, variant->cmd, variant->attrs),
			     &fv->r));
	EXPECT_EQ(0, fv->r.error) TH_LOG("refused: %s", fv->r.msg);
}

FIXTURE_VARIANT_ADD(accept, template_set_mtu_min) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, FLEXVPN_MTU_MIN)),
};

FIXTURE_VARIANT_ADD(accept, template_set_mtu_max) {
	SET_VT1(U32(FLEXVPN_TMPL_A_MTU, FLEXVPN_MTU_MAX)),
};

FIXTURE_VARIANT_ADD(accept, template_set_redirect_interval_min) {
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, FLEXVPN_REDIRECT_INTERVAL_MIN),
		U8(FLEXVPN_TMPL_A_NHRP_REDIRECT, 1),
		U8(FLEXVPN_TMPL_A_ALLOW_UNPROTECTED, 1),
		U8(FLEXVPN_TMPL_A_GRE_KEY_MODE, FLEXVPN_KEY_MAX)),
};

FIXTURE_VARIANT_ADD(accept, template_set_redirect_interval_max) {
	SET_VT1(U32(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, FLEXVPN_REDIRECT_INTERVAL_MAX),
		FILL(FLEXVPN_TMPL_A_NAME_PREFIX, 'p', FLEXVPN_PREFIX_MAXLEN)),
};

FIXTURE_VARIANT_ADD(accept, template_set_parent_rate_and_overhead_max) {
	SET_VT1(U64(FLEXVPN_TMPL_A_SHAPER_RATE, FLEXVPN_SHAPER_RATE_MAX),
		U32(FLEXVPN_TMPL_A_SHAPER_OVERHEAD, FLEXVPN_SHAPER_OVERHEAD_MAX)),
};

FIXTURE_VARIANT_ADD(accept, template_set_group_max) {
	GROUP_VT1(FILL(FLEXVPN_GROUP_A_NAME, 'g', FLEXVPN_GROUP_MAXLEN),
		  U64(FLEXVPN_GROUP_A_RATE, FLEXVPN_SHAPER_RATE_MAX),
		  U64(FLEXVPN_GROUP_A_CEIL, FLEXVPN_SHAPER_RATE_MAX)),
};

FIXTURE_VARIANT_ADD(accept, access_set_shaper_max) {
	SHAPE_VA(U64(FLEXVPN_SHAPER_A_RATE, FLEXVPN_SHAPER_RATE_MAX),
		 U64(FLEXVPN_SHAPER_A_CEIL, FLEXVPN_SHAPER_RATE_MAX),
		 U32(FLEXVPN_SHAPER_A_QLEN, FLEXVPN_SHAPER_QLEN_MAX)),
};

FIXTURE_VARIANT_ADD(accept, access_set_shaper_rate_min) {
	SHAPE_VA(U64(FLEXVPN_SHAPER_A_RATE, FLEXVPN_SHAPER_RATE_MIN)),
};

FIXTURE_VARIANT_ADD(accept, access_new_peer_id_max) {
	NEW_FROM_VT1(IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		     FILL(FLEXVPN_ACCESS_A_PEER_ID, 'p', FLEXVPN_PEER_ID_MAXLEN)),
};

/* ------------------------------------------------------------------ what is taken */

TEST_F(fv, access_new_peer_id_max_is_kept)
{
	char id[FLEXVPN_PEER_ID_MAXLEN + 1];
	struct access_info ai;
	int before = dev_count();
	static const struct req_attr attrs[REQ_ATTRS] = {
		VT1, NEST(FLEXVPN_A_ACCESS),
		IP(FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1"),
		IP(FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1"),
		FILL(FLEXVPN_ACCESS_A_PEER_ID, 'p', FLEXVPN_PEER_ID_MAXLEN), END,
	};

	NEED_FAMILY(self);
	memset(id, 'p', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	ASSERT_EQ(0, nl_talk(&self->gnl, request(self, FLEXVPN_CMD_ACCESS_NEW, attrs),
			     &self->r));
	ASSERT_EQ(0, self->r.error) TH_LOG("%s", self->r.msg);
	parse_access(&self->r, &ai);
	EXPECT_STREQ(id, ai.peer_id);
	EXPECT_EQ(before + 1, dev_count());
}

TEST_F(fv, template_set_underlay_vrf_is_fine)
{
	static const struct req_attr attrs[REQ_ATTRS] = {
		VT1, NEST(FLEXVPN_A_TEMPLATE),
		DEV(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, D_VRF), END,
	};

	NEED_FAMILY(self);
	/* the same request with a VRF goes through: the refusal is not blanket */
	ASSERT_EQ(0, nl_talk(&self->gnl, request(self, FLEXVPN_CMD_TEMPLATE_SET, attrs),
			     &self->r));
	EXPECT_EQ(0, self->r.error) TH_LOG("%s", self->r.msg);
}

/* ------------------------------------------------------------------ rtnetlink */

TEST_F(fv, rtnl_newlink_vaccess_refused)
{
	int before = dev_count();

	NEED_FAMILY(self);
	ASSERT_EQ(0, rtnl_newlink(&self->rt, "x", FLEXVPN_ACCESS_KIND, 0, &self->r));
	TH_LOG("refused with %d: \"%s\"", self->r.error, self->r.msg);
	ASSERT_NE(0, self->r.error);
	EXPECT_NE(NULL, strcasestr(self->r.msg, "template"));
	EXPECT_EQ(before, dev_count());
	EXPECT_EQ(0U, if_nametoindex("x"));
}

TEST_F(fv, ip_link_add_vaccess_says_template)
{
	char out[1024] = "";
	size_t len;
	FILE *p;
	int st;

	NEED_FAMILY(self);
	p = popen("ip link add x type " FLEXVPN_ACCESS_KIND " 2>&1", "r");
	ASSERT_NE(NULL, p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = 0;
	st = pclose(p);
	TH_LOG("ip said: %s", out);
	EXPECT_NE(0, st);
	EXPECT_NE(NULL, strcasestr(out, "template"));
	EXPECT_EQ(0U, if_nametoindex("x"));
}

TEST_HARNESS_MAIN
