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
 * The netlink helpers below are this file's own, on libmnl: family
 * resolution, request/ack with NETLINK_EXT_ACK, link creation.
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

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static uint16_t genl_family(struct nl *nl, const char *name)
{
	char buf[BUFSZ];
	struct nlmsghdr *nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	struct nl_reply r;
	uint16_t id = 0;

	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (nl_talk(nl, nlh, &r) || r.error || !r.replies)
		return 0;
	mnl_attr_parse((struct nlmsghdr *)r.first, sizeof(struct genlmsghdr),
		       family_cb, &id);
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
	struct nlmsghdr *nlh;
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

FIXTURE_SETUP(fv)
{
	struct access_info ai;
	int ret;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&self->gnl, NETLINK_GENERIC));
	ASSERT_EQ(0, nl_open(&self->rt, NETLINK_ROUTE));
	self->family = genl_family(&self->gnl, FLEXVPN_GENL_NAME);
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

FIXTURE_TEARDOWN(fv)
{
	nl_close(&self->gnl);
	nl_close(&self->rt);
	/* the namespace dies with this child */
}

#define NEED_FAMILY() do { \
	if (!self->family) \
		SKIP(return, "generic netlink family \"" FLEXVPN_GENL_NAME "\" not registered"); \
} while (0)

/* begin a request in self->buf */
#define MSG(cmd) (self->nlh = genl_msg(self->buf, self->family, FLEXVPN_CMD_##cmd))

static bool errno_in(int err, const int *allowed)
{
	for (; *allowed; allowed++)
		if (err == *allowed)
			return true;
	return false;
}

static void errnos_str(const int *allowed, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	for (; *allowed && used < len; allowed++)
		used += snprintf(out + used, len - used, "%s%s",
				 used ? "|" : "", strerrorname_np(*allowed) ?: "?");
}

/*
 * refused - send self->nlh; the kernel must refuse it with one of the
 * allowed errnos and a message, and the namespace must keep its devices.
 */
static void __refused(struct __test_metadata *_metadata, FIXTURE_DATA(fv) *self,
		      const int *allowed)
{
	char want[128];
	int before = dev_count();

	ASSERT_EQ(0, nl_talk(&self->gnl, self->nlh, &self->r));
	errnos_str(allowed, want, sizeof(want));
	TH_LOG("refused with %s (%d): \"%s\"",
	       strerrorname_np(self->r.error) ?: "0", self->r.error, self->r.msg);
	ASSERT_NE(0, self->r.error) TH_LOG("the kernel accepted it");
	EXPECT_TRUE(errno_in(self->r.error, allowed))
		TH_LOG("errno %d, expected %s", self->r.error, want);
	EXPECT_NE(0U, strlen(self->r.msg)) TH_LOG("no extack message");
	EXPECT_EQ(before, dev_count()) TH_LOG("the device count changed");
	EXPECT_EQ(self->va, if_nametoindex(self->va_name));
	EXPECT_EQ(self->vt1, if_nametoindex("vt1"));
}

#define REFUSED(...) __refused(_metadata, self, (const int[]){ __VA_ARGS__, 0 })
/* what nla_parse() answers for a wrong length, type or range */
#define POLICY EINVAL, ERANGE

static void put_ip(struct nlmsghdr *nlh, uint16_t type, const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		mnl_attr_put(nlh, type, 4, &a4);
	else if (inet_pton(AF_INET6, addr, &a6) == 1)
		mnl_attr_put(nlh, type, 16, &a6);
}

static void put_vt1(FIXTURE_DATA(fv) *self)
{
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "vt1");
}

#define NEST(attr) for (struct nlattr *_n = mnl_attr_nest_start(self->nlh, attr); _n; \
			mnl_attr_nest_end(self->nlh, _n), _n = NULL)

/* ------------------------------------------------------------------ ACCESS_NEW */

TEST_F(fv, access_new_without_remote)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	REFUSED(EINVAL);
}

TEST_F(fv, access_new_without_access_nest)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	REFUSED(EINVAL);
}

TEST_F(fv, access_new_two_remotes)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1");
	}
	REFUSED(EINVAL);
}

TEST_F(fv, access_new_remote_ipv4_local_ipv6)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV6, "2001:db8::1");
	}
	REFUSED(EINVAL);
}

TEST_F(fv, access_new_remote_ipv6_local_ipv4)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(EINVAL);
}

TEST_F(fv, access_new_remote_ipv4_3_bytes)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		mnl_attr_put(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 3, "\xc6\x12\x02");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_remote_ipv4_16_bytes)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		/* an IPv6 address in the IPv4 attribute */
		mnl_attr_put(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 16,
			     "\x20\x01\x0d\xb8\x00\x02\0\0\0\0\0\0\0\0\0\x01");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_remote_ipv6_4_bytes)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV6, 4, "\xc6\x12\x02\x01");
	REFUSED(POLICY);
}

TEST_F(fv, access_new_local_ipv4_5_bytes)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		mnl_attr_put(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, 5, "\xc6\x12\x00\x01\x00");
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_remote_unspecified)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "0.0.0.0");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(EINVAL, EADDRNOTAVAIL);
}

TEST_F(fv, access_new_peer_id_too_long)
{
	char id[FLEXVPN_PEER_ID_MAXLEN + 2];

	NEED_FAMILY();
	memset(id, 'p', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;	/* MAXLEN + 1 characters */
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, id);
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_peer_id_max_is_fine)
{
	char id[FLEXVPN_PEER_ID_MAXLEN + 1];
	struct access_info ai;
	int before = dev_count();

	NEED_FAMILY();
	/* the limit itself is accepted: the refusals above are not blanket */
	memset(id, 'p', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, id);
	}
	ASSERT_EQ(0, nl_talk(&self->gnl, self->nlh, &self->r));
	ASSERT_EQ(0, self->r.error) TH_LOG("%s", self->r.msg);
	parse_access(&self->r, &ai);
	EXPECT_STREQ(id, ai.peer_id);
	EXPECT_EQ(before + 1, dev_count());
}

TEST_F(fv, access_new_owner_u32)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		mnl_attr_put_u32(self->nlh, FLEXVPN_ACCESS_A_OWNER, 7);
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_gre_key_u16)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		mnl_attr_put_u16(self->nlh, FLEXVPN_ACCESS_A_GRE_KEY, 7);
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_unknown_attribute)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		mnl_attr_put_u32(self->nlh, FLEXVPN_ACCESS_A_MAX + 1, 7);
	}
	REFUSED(POLICY);
}

TEST_F(fv, access_new_access_not_nested)
{
	char inner[64];
	struct nlattr *a = (struct nlattr *)inner;

	NEED_FAMILY();
	/* a well-formed nest, but without NLA_F_NESTED */
	a->nla_type = FLEXVPN_ACCESS_A_REMOTE_IPV4;
	a->nla_len = NLA_HDRLEN + 4;
	memcpy(inner + NLA_HDRLEN, "\xc6\x12\x02\x01", 4);
	MSG(ACCESS_NEW);
	put_vt1(self);
	mnl_attr_put(self->nlh, FLEXVPN_A_ACCESS, NLA_HDRLEN + 4, inner);
	REFUSED(POLICY);
}

TEST_F(fv, access_new_template_is_dummy)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "dummy0");
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_new_template_is_access_device)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_new_no_such_ifindex)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, 0x7ffffff0);
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	REFUSED(ENODEV);
}

TEST_F(fv, access_new_no_such_ifname)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "nosuchdev");
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	REFUSED(ENODEV);
}

TEST_F(fv, access_new_no_template_named)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	REFUSED(EINVAL, ENODEV);
}

TEST_F(fv, access_new_ifindex_u16)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_u16(self->nlh, FLEXVPN_A_IFINDEX, self->vt1);
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	REFUSED(POLICY);
}

TEST_F(fv, access_new_ifname_too_long)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "vt1-but-far-too-long-a-name");
	NEST(FLEXVPN_A_ACCESS)
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	REFUSED(POLICY, ENODEV);
}

TEST_F(fv, access_new_duplicate_endpoint)
{
	NEED_FAMILY();
	/* the fixture's device already has this remote/local pair, no key */
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.1.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
	}
	REFUSED(EEXIST, EBUSY, EADDRINUSE);
}

/* ------------------------------------------------------------------ TEMPLATE_SET */

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

/*
 * SNAPSHOT_REFUSED - REFUSED, and what @snapshot reads did not move: the
 * request is refused as a whole
 */
#define SNAPSHOT_REFUSED(snapshot, what, ...) do { \
	static char _before[BUFSZ], _after[BUFSZ]; \
	size_t _lb, _la; \
	struct nlmsghdr *_req = self->nlh; \
	snapshot(_metadata, self, _before, &_lb); \
	self->nlh = _req; \
	REFUSED(__VA_ARGS__); \
	snapshot(_metadata, self, _after, &_la); \
	EXPECT_EQ(_lb, _la); \
	EXPECT_EQ(0, memcmp(_before, _after, _lb < _la ? _lb : _la)) \
		TH_LOG("the refused request changed " what); \
} while (0)

#define TEMPLATE_REFUSED(...) \
	SNAPSHOT_REFUSED(template_snapshot, "the template", __VA_ARGS__)

static void template_set_u32(FIXTURE_DATA(fv) *self, uint16_t type, uint32_t v)
{
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u32(self->nlh, type, v);
}

static void template_set_u8(FIXTURE_DATA(fv) *self, uint16_t type, uint8_t v)
{
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u8(self->nlh, type, v);
}

static void template_set_str(FIXTURE_DATA(fv) *self, uint16_t type, const char *s)
{
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_strz(self->nlh, type, s);
}

TEST_F(fv, template_set_mtu_10)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_MTU, 10);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_mtu_huge)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_MTU, 0x7fffffff);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_mtu_u16)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u16(self->nlh, FLEXVPN_TMPL_A_MTU, 1400);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_prefix_slash)
{
	NEED_FAMILY();
	template_set_str(self, FLEXVPN_TMPL_A_NAME_PREFIX, "va/");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_prefix_colon)
{
	NEED_FAMILY();
	/* ':' would make names that look like IPv4 aliases */
	template_set_str(self, FLEXVPN_TMPL_A_NAME_PREFIX, "va:");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_prefix_9_chars)
{
	NEED_FAMILY();
	template_set_str(self, FLEXVPN_TMPL_A_NAME_PREFIX, "abcdefghi");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_prefix_empty)
{
	NEED_FAMILY();
	template_set_str(self, FLEXVPN_TMPL_A_NAME_PREFIX, "");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_key_mode_7)
{
	NEED_FAMILY();
	template_set_u8(self, FLEXVPN_TMPL_A_GRE_KEY_MODE, 7);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_gre_key_u8)
{
	NEED_FAMILY();
	template_set_u8(self, FLEXVPN_TMPL_A_GRE_KEY, 7);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_nhrp_redirect_2)
{
	NEED_FAMILY();
	template_set_u8(self, FLEXVPN_TMPL_A_NHRP_REDIRECT, 2);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_redirect_interval_0)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, 0);
	TEMPLATE_REFUSED(ERANGE);
}

TEST_F(fv, template_set_redirect_interval_below_min)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
			 FLEXVPN_REDIRECT_INTERVAL_MIN - 1);
	TEMPLATE_REFUSED(ERANGE);
}

TEST_F(fv, template_set_redirect_interval_above_max)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
			 FLEXVPN_REDIRECT_INTERVAL_MAX + 1);
	TEMPLATE_REFUSED(ERANGE);
}

TEST_F(fv, template_set_redirect_interval_u8)
{
	NEED_FAMILY();
	template_set_u8(self, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL, 100);
	TEMPLATE_REFUSED(POLICY);
}

/* a good setting beside a bad interval is not applied either */
TEST_F(fv, template_set_redirect_interval_bad_with_good)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) {
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_NHRP_NETWORK_ID, 77);
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
				 FLEXVPN_REDIRECT_INTERVAL_MAX + 1);
	}
	TEMPLATE_REFUSED(ERANGE);
}

/* redirect triggers are the kernel's to send, not a request */
TEST_F(fv, template_set_redirect_nest_refused)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_REDIRECT)
		mnl_attr_put_u32(self->nlh, FLEXVPN_REDIRECT_A_IFINDEX_IN, 1);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_allow_unprotected_2)
{
	NEED_FAMILY();
	template_set_u8(self, FLEXVPN_TMPL_A_ALLOW_UNPROTECTED, 2);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_nhrp_network_id_u64)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u64(self->nlh, FLEXVPN_TMPL_A_NHRP_NETWORK_ID, 1);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_local_ipv4_16_bytes)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		put_ip(self->nlh, FLEXVPN_TMPL_A_LOCAL_IPV4, "2001:db8::1");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_local_ipv6_4_bytes)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		put_ip(self->nlh, FLEXVPN_TMPL_A_LOCAL_IPV6, "198.18.0.1");
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_underlay_not_vrf)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, self->dummy0);
	TEMPLATE_REFUSED(EINVAL, EOPNOTSUPP);
}

TEST_F(fv, template_set_underlay_no_such_device)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, 0x7ffffff0);
	TEMPLATE_REFUSED(ENODEV, EINVAL);
}

TEST_F(fv, template_set_underlay_vrf_is_fine)
{
	NEED_FAMILY();
	/* the same request with a VRF goes through: the refusal is not blanket */
	template_set_u32(self, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, self->vrf0);
	ASSERT_EQ(0, nl_talk(&self->gnl, self->nlh, &self->r));
	EXPECT_EQ(0, self->r.error) TH_LOG("%s", self->r.msg);
}

TEST_F(fv, template_set_source_no_such_device)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_SOURCE_IFINDEX, 0x7ffffff0);
	TEMPLATE_REFUSED(ENODEV, EINVAL);
}

TEST_F(fv, template_set_read_only_mtu_effective)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_MTU_EFFECTIVE, 1300);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_unknown_attribute)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_MAX + 1, 1);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_is_all_or_nothing)
{
	NEED_FAMILY();
	/* a valid MTU next to an invalid prefix: neither may be applied */
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) {
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
		mnl_attr_put_strz(self->nlh, FLEXVPN_TMPL_A_NAME_PREFIX, "a/b");
	}
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_underlay_and_bad_source_is_all_or_nothing)
{
	NEED_FAMILY();
	/* both pass the policy; the second fails the semantic check */
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) {
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX, self->vrf0);
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_SOURCE_IFINDEX, 0x7ffffff0);
	}
	TEMPLATE_REFUSED(ENODEV, EINVAL);
}

TEST_F(fv, template_set_on_access_device)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, template_set_on_dummy)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "dummy0");
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, template_set_no_device)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
	REFUSED(EINVAL, ENODEV);
}

TEST_F(fv, template_get_on_access_device)
{
	NEED_FAMILY();
	MSG(TEMPLATE_GET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

/* ------------------------------------------------------------------ ACCESS_SET/DEL/GET */

static void access_peer_id(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fv) *self, char *out, size_t len)
{
	struct nl_reply *r = get_one(_metadata, self, FLEXVPN_CMD_ACCESS_GET,
				     self->va, NULL);
	struct access_info ai;

	ASSERT_NE(NULL, r);
	parse_access(r, &ai);
	snprintf(out, len, "%s", ai.peer_id);
	free(r);
}

TEST_F(fv, access_set_on_template)
{
	NEED_FAMILY();
	MSG(ACCESS_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, "x");
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_set_on_dummy)
{
	NEED_FAMILY();
	MSG(ACCESS_SET);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "dummy0");
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, "x");
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_set_family_mismatch_changes_nothing)
{
	char before[300], after[300];

	NEED_FAMILY();
	access_peer_id(_metadata, self, before, sizeof(before));
	MSG(ACCESS_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS) {
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, "changed");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV6, "2001:db8:2::1");
	}
	/* the device's local address is IPv4 */
	REFUSED(EINVAL);
	access_peer_id(_metadata, self, after, sizeof(after));
	EXPECT_STREQ(before, after) TH_LOG("the refused ACCESS_SET changed peer-id");
}

TEST_F(fv, access_set_remote_ipv4_3_bytes)
{
	NEED_FAMILY();
	MSG(ACCESS_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 3, "\xc6\x12\x02");
	REFUSED(POLICY);
}

TEST_F(fv, access_set_peer_id_too_long)
{
	char id[FLEXVPN_PEER_ID_MAXLEN + 2];

	NEED_FAMILY();
	memset(id, 'q', sizeof(id) - 1);
	id[sizeof(id) - 1] = 0;
	MSG(ACCESS_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, id);
	REFUSED(POLICY);
}

TEST_F(fv, access_set_no_device)
{
	NEED_FAMILY();
	MSG(ACCESS_SET);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put_strz(self->nlh, FLEXVPN_ACCESS_A_PEER_ID, "x");
	REFUSED(EINVAL, ENODEV);
}

TEST_F(fv, access_del_without_selector)
{
	NEED_FAMILY();
	/* neither a device nor a filter: must not mean "delete everything" */
	MSG(ACCESS_DEL);
	REFUSED(EINVAL);
}

TEST_F(fv, access_del_empty_filter)
{
	NEED_FAMILY();
	MSG(ACCESS_DEL);
	NEST(FLEXVPN_A_ACCESS)
		;
	REFUSED(EINVAL);
}

TEST_F(fv, access_del_on_template)
{
	NEED_FAMILY();
	MSG(ACCESS_DEL);
	put_vt1(self);
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_del_on_dummy)
{
	NEED_FAMILY();
	MSG(ACCESS_DEL);
	mnl_attr_put_strz(self->nlh, FLEXVPN_A_IFNAME, "dummy0");
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

TEST_F(fv, access_del_owner_u32)
{
	NEED_FAMILY();
	MSG(ACCESS_DEL);
	NEST(FLEXVPN_A_ACCESS)
		mnl_attr_put_u32(self->nlh, FLEXVPN_ACCESS_A_OWNER, 0);
	REFUSED(POLICY);
}

TEST_F(fv, access_get_on_template)
{
	NEED_FAMILY();
	MSG(ACCESS_GET);
	put_vt1(self);
	REFUSED(EINVAL, EOPNOTSUPP, ENODEV);
}

/* ------------------------------------------------------------------ rtnetlink */

TEST_F(fv, rtnl_newlink_vaccess_refused)
{
	int before = dev_count();

	NEED_FAMILY();
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

	NEED_FAMILY();
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

/* ------------------------------------------------------------------ the shaper */

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

#define ACCESS_REFUSED(...) \
	SNAPSHOT_REFUSED(access_snapshot, "the access device", __VA_ARGS__)

#define MBIT 1000000ULL

/* ACCESS_SET on the fixture's device with a shaper nest filled by the
 * arguments
 */
#define SHAPER_SET(...) do { \
	MSG(ACCESS_SET); \
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va); \
	NEST(FLEXVPN_A_ACCESS) NEST(FLEXVPN_ACCESS_A_SHAPER) { __VA_ARGS__; } \
} while (0)

TEST_F(fv, access_set_shaper_ceil_below_rate)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		   mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_CEIL, 5 * MBIT));
	ACCESS_REFUSED(EINVAL);
	EXPECT_NE(NULL, strstr(self->r.msg, "ceil"));
}

TEST_F(fv, access_set_shaper_rate_above_max)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE,
				    FLEXVPN_SHAPER_RATE_MAX + 1));
	ACCESS_REFUSED(ERANGE);
}

TEST_F(fv, access_set_shaper_rate_below_min)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 7));
	ACCESS_REFUSED(ERANGE);
}

TEST_F(fv, access_set_shaper_rate_u32)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u32(self->nlh, FLEXVPN_SHAPER_A_RATE, 1000000));
	ACCESS_REFUSED(POLICY);
}

TEST_F(fv, access_set_shaper_burst_below_one_packet)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		   mnl_attr_put_u32(self->nlh, FLEXVPN_SHAPER_A_BURST, 1000));
	ACCESS_REFUSED(EINVAL);
	EXPECT_NE(NULL, strstr(self->r.msg, "burst"));
}

TEST_F(fv, access_set_shaper_qlen_above_max)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		   mnl_attr_put_u32(self->nlh, FLEXVPN_SHAPER_A_QLEN,
				    FLEXVPN_SHAPER_QLEN_MAX + 1));
	ACCESS_REFUSED(ERANGE);
}

TEST_F(fv, access_set_shaper_no_such_group)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		   mnl_attr_put_strz(self->nlh, FLEXVPN_SHAPER_A_GROUP, "gold"));
	ACCESS_REFUSED(ENOENT);
}

TEST_F(fv, access_set_shaper_group_name_too_long)
{
	NEED_FAMILY();
	SHAPER_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		   mnl_attr_put_strz(self->nlh, FLEXVPN_SHAPER_A_GROUP,
				     "sixteen-chars-xx"));
	ACCESS_REFUSED(POLICY);
}

TEST_F(fv, access_set_read_only_shaper_stats)
{
	NEED_FAMILY();
	MSG(ACCESS_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS) NEST(FLEXVPN_ACCESS_A_SHAPER_STATS)
		mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_STATS_A_BYTES, 1);
	ACCESS_REFUSED(POLICY);
}

/* a valid shaper next to outer addresses another device has: the shaper
 * is put back as it was
 */
TEST_F(fv, access_set_shaper_and_taken_endpoint_is_all_or_nothing)
{
	struct access_info other;

	NEED_FAMILY();
	ASSERT_EQ(0, access_new(&self->gnl, self->family, "198.18.2.1",
				"198.18.0.1", &other));
	MSG(ACCESS_SET);
	mnl_attr_put_u32(self->nlh, FLEXVPN_A_IFINDEX, self->va);
	NEST(FLEXVPN_A_ACCESS) {
		NEST(FLEXVPN_ACCESS_A_SHAPER)
			mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.2.1");
	}
	ACCESS_REFUSED(EEXIST);
}

TEST_F(fv, access_new_shaper_ceil_below_rate_creates_nothing)
{
	NEED_FAMILY();
	MSG(ACCESS_NEW);
	put_vt1(self);
	NEST(FLEXVPN_A_ACCESS) {
		put_ip(self->nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, "198.18.3.1");
		put_ip(self->nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, "198.18.0.1");
		NEST(FLEXVPN_ACCESS_A_SHAPER) {
			mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
			mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_CEIL, MBIT);
		}
	}
	REFUSED(EINVAL);
}

/* TEMPLATE_SET with one group nest, filled by the arguments */
#define GROUP_SET(...) do { \
	MSG(TEMPLATE_SET); \
	put_vt1(self); \
	NEST(FLEXVPN_A_TEMPLATE) NEST(FLEXVPN_TMPL_A_SHAPER_GROUP) { __VA_ARGS__; } \
} while (0)

TEST_F(fv, template_set_group_without_rate)
{
	NEED_FAMILY();
	GROUP_SET(mnl_attr_put_strz(self->nlh, FLEXVPN_GROUP_A_NAME, "gold"));
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_group_without_name)
{
	NEED_FAMILY();
	GROUP_SET(mnl_attr_put_u64(self->nlh, FLEXVPN_GROUP_A_RATE, 10 * MBIT));
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_group_name_slash)
{
	NEED_FAMILY();
	GROUP_SET(mnl_attr_put_strz(self->nlh, FLEXVPN_GROUP_A_NAME, "a/b");
		  mnl_attr_put_u64(self->nlh, FLEXVPN_GROUP_A_RATE, 10 * MBIT));
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_group_ceil_below_rate)
{
	NEED_FAMILY();
	GROUP_SET(mnl_attr_put_strz(self->nlh, FLEXVPN_GROUP_A_NAME, "gold");
		  mnl_attr_put_u64(self->nlh, FLEXVPN_GROUP_A_RATE, 10 * MBIT);
		  mnl_attr_put_u64(self->nlh, FLEXVPN_GROUP_A_CEIL, MBIT));
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_group_delete_missing)
{
	NEED_FAMILY();
	GROUP_SET(mnl_attr_put_strz(self->nlh, FLEXVPN_GROUP_A_NAME, "gold");
		  mnl_attr_put(self->nlh, FLEXVPN_GROUP_A_DELETE, 0, NULL));
	TEMPLATE_REFUSED(ENOENT);
}

TEST_F(fv, template_set_group_with_other_settings)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) {
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
		NEST(FLEXVPN_TMPL_A_SHAPER_GROUP) {
			mnl_attr_put_strz(self->nlh, FLEXVPN_GROUP_A_NAME, "gold");
			mnl_attr_put_u64(self->nlh, FLEXVPN_GROUP_A_RATE, 10 * MBIT);
		}
	}
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_parent_rate_above_max)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE)
		mnl_attr_put_u64(self->nlh, FLEXVPN_TMPL_A_SHAPER_RATE,
				 FLEXVPN_SHAPER_RATE_MAX + 1);
	TEMPLATE_REFUSED(ERANGE);
}

TEST_F(fv, template_set_overhead_above_max)
{
	NEED_FAMILY();
	template_set_u32(self, FLEXVPN_TMPL_A_SHAPER_OVERHEAD,
			 FLEXVPN_SHAPER_OVERHEAD_MAX + 1);
	TEMPLATE_REFUSED(POLICY);
}

TEST_F(fv, template_set_default_shaper_ceil_below_rate)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) {
		mnl_attr_put_u32(self->nlh, FLEXVPN_TMPL_A_MTU, 1300);
		NEST(FLEXVPN_TMPL_A_SHAPER) {
			mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_RATE, 10 * MBIT);
			mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_A_CEIL, MBIT);
		}
	}
	TEMPLATE_REFUSED(EINVAL);
}

TEST_F(fv, template_set_read_only_shaper_stats)
{
	NEED_FAMILY();
	MSG(TEMPLATE_SET);
	put_vt1(self);
	NEST(FLEXVPN_A_TEMPLATE) NEST(FLEXVPN_TMPL_A_SHAPER_STATS)
		mnl_attr_put_u64(self->nlh, FLEXVPN_SHAPER_STATS_A_BYTES, 1);
	TEMPLATE_REFUSED(POLICY);
}

TEST_HARNESS_MAIN
