// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the library's socket (lib/sock.c) and family lookup:
 * replies as the kernel could send them, built by hand (an interrupted
 * dump, a callback that fails halfway, a stray reply), and the host's own
 * kernel where it can answer (a dump of its links, a refusal with its
 * message, a flexvpn family that is not there).
 *
 * sock.c is compiled in here, so its dispatcher can be fed datagrams
 * without a socket.
 */
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "../lib/sock.c"
#include "tap.h"

#define FAMILY 0x1d
#define PORTID 4242

static struct fvnl fake = { .bus = NETLINK_GENERIC, .portid = PORTID };

/* Appends a message to the datagram being built in fake.buf */
static struct nlmsghdr *put(size_t *len, uint16_t type, uint16_t flags,
			    uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(fake.buf + *len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void end(size_t *len, struct nlmsghdr *nlh)
{
	*len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_reply(size_t *len, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = put(len, FAMILY, NLM_F_MULTI | flags, seq);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	end(len, nlh);
}

/* NLMSG_DONE with @error and, if @text, the kernel's message */
static void put_done(size_t *len, int error, const char *text, uint32_t seq)
{
	struct nlmsghdr *nlh = put(len, NLMSG_DONE, NLM_F_MULTI, seq);
	int *err = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*err = error;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	end(len, nlh);
}

struct count {
	int calls;
	int fail_at;	/* the call that fails, 0: none */
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct count *c = data;

	(void)nlh;
	return ++c->calls == c->fail_at ? fvnl_cb_fail(-EBADMSG) : MNL_CB_OK;
}

static void test_interrupted(void)
{
	struct count c = { 0 };
	struct fvnl_req req = { .seq = 7, .type = FAMILY, .cb = count_cb,
				.data = &c };
	size_t len = 0;

	fake.interrupted = false;
	put_reply(&len, 0, 7);
	put_reply(&len, NLM_F_DUMP_INTR, 7);
	put_reply(&len, NLM_F_DUMP_INTR, 7);
	put_done(&len, 0, NULL, 7);
	ok(!fvnl_dispatch(&fake, &req, len) && req.done && !req.status,
	   "interrupted dump: read to its end");
	ok(c.calls == 3 && fake.interrupted,
	   "interrupted dump: every reply handed on, and flagged");
}

static void test_cb_fails(void)
{
	struct count c = { .fail_at = 1 };
	struct fvnl_req req = { .seq = 8, .type = FAMILY, .cb = count_cb,
				.data = &c };
	size_t len = 0;

	put_reply(&len, 0, 8);
	put_reply(&len, 0, 8);
	put_done(&len, 0, NULL, 8);
	ok(!fvnl_dispatch(&fake, &req, len) && req.done,
	   "callback fails: the request is still read to its end");
	ok(c.calls == 1 && req.cb_err == -EBADMSG,
	   "callback fails: no more replies for it, its error kept");
}

static void test_done_error(void)
{
	struct fvnl_req req = { .seq = 9, .type = FAMILY };
	size_t len = 0;

	put_done(&len, -EMSGSIZE, "dump too large", 9);
	ok(!fvnl_dispatch(&fake, &req, len) && req.status == -EMSGSIZE &&
	   !strcmp(fake.extack, "dump too large"),
	   "a failed dump: its status and the kernel's message");
}

/* Another family's message, and a notification, are not handed on */
static void test_filtered(void)
{
	struct count c = { 0 };
	struct fvnl_req req = { .seq = 10, .type = FAMILY, .cb = count_cb,
				.data = &c };
	struct nlmsghdr *nlh;
	size_t len = 0;

	nlh = put(&len, FAMILY + 1, NLM_F_MULTI, 10);
	end(&len, nlh);
	nlh = put(&len, FAMILY, 0, 0);
	end(&len, nlh);
	put_reply(&len, 0, 10);
	put_done(&len, 0, NULL, 10);
	ok(!fvnl_dispatch(&fake, &req, len) && req.done && c.calls == 1,
	   "only the request's own replies reach the callback");
}

static void test_stray(void)
{
	struct fvnl_req req = { .seq = 11, .type = FAMILY };
	size_t len = 0;

	put_reply(&len, 0, 10);
	ok(fvnl_dispatch(&fake, &req, len) == -EPROTO && !req.done,
	   "a reply to an earlier request: -EPROTO, the socket lost its way");
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK && ifi->ifi_index == 1)
		++*(int *)data;
	return MNL_CB_OK;
}

static int fail_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return fvnl_cb_fail(-EBADMSG);
}

static struct nlmsghdr *getlink(struct fvnl *s, int ifindex, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	return nlh;
}

/* The host's kernel: every namespace has lo, ifindex 1 */
static void test_host_rtnl(void)
{
	struct fvnl *s = fvnl_open(NETLINK_ROUTE);
	int lo = 0;

	if (!ok(s != NULL, "rtnetlink socket"))
		return;
	ok(!fvnl_talk(s, getlink(s, 0, NLM_F_DUMP), link_cb, &lo) && lo == 1,
	   "host: a dump of the links, lo among them");
	ok(fvnl_talk(s, getlink(s, 0, NLM_F_DUMP), fail_cb, NULL) == -EBADMSG &&
	   !s->lost_sync && !strcmp(s->error, strerror(EBADMSG)),
	   "host: a dump whose callback fails: its error, the socket in step");
	lo = 0;
	ok(!fvnl_talk(s, getlink(s, 1, 0), link_cb, &lo) && lo == 1,
	   "host: the same socket answers the next request");
	ok(fvnl_talk(s, getlink(s, 0x7fffffff, 0), NULL, NULL) == -ENODEV &&
	   !strcmp(s->error, strerror(ENODEV)) && !s->lost_sync,
	   "host: a refusal without a message: errno's words");
	fvnl_close(s);
}

/* An unknown link kind is refused with the kernel's words, creating nothing */
static void test_host_extack(void)
{
	struct fvnl *s = fvnl_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct nlattr *info;
	int err;

	if (!s)
		return;
	nlh = getlink(s, 0, NLM_F_CREATE | NLM_F_EXCL);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "fvnl-test0");
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "fvnl-no-such-kind");
	mnl_attr_nest_end(nlh, info);
	err = fvnl_talk(s, nlh, NULL, NULL);
	if (err == -EPERM)
		ok(true, "host: the kernel's message # SKIP no CAP_NET_ADMIN");
	else
		ok(err == -EOPNOTSUPP && *s->extack &&
		   !strcmp(s->error, s->extack),
		   "host: a refusal's message is the kernel's (\"%s\")",
		   s->extack);
	fvnl_close(s);
}

static void test_host_no_family(void)
{
	struct fvnl *s = fvnl_open(NETLINK_GENERIC);
	int err;

	if (!ok(s != NULL, "generic netlink socket"))
		return;
	err = fvnl_resolve(s);
	if (!err)
		ok(true, "no family # SKIP flexvpn.ko is loaded here");
	else
		is_str(s->error, "the flexvpn module is not loaded (generic "
		       "netlink family \"flexvpn\" not found)",
		       "no family: the module is not loaded, in those words");
	ok(err || s->family, "no family: -ENOENT, or else an id");
	fvnl_close(s);
}

int main(void)
{
	test_interrupted();
	test_cb_fails();
	test_done_error();
	test_filtered();
	test_stray();
	test_host_rtnl();
	test_host_extack();
	test_host_no_family();
	return tap_done();
}
