// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink: running one request (for link.c too), and the routing table:
 * one RTM_GETROUTE dump of every table, IPv4 and IPv6, of which the learned
 * routes (routes.c) are kept.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "genl.h"
#include "parse.h"
#include "rtnl.h"

/* An RTM_NEWROUTE into @r; -EBADMSG when it is malformed */
int rtnl_get_route(const struct nlmsghdr *nlh, struct fv_route *r)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t alen;

	memset(r, 0, sizeof(*r));
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EBADMSG;
	r->family = rtm->rtm_family;
	r->plen = rtm->rtm_dst_len;
	r->protocol = rtm->rtm_protocol;
	r->type = rtm->rtm_type;
	r->table = rtm->rtm_table;
	alen = r->family == AF_INET ? sizeof(r->dst.v4) : sizeof(r->dst.v6);
	if (r->plen > alen * 8)
		return -EBADMSG;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32))
				return -EBADMSG;
			r->table = mnl_attr_get_u32(attr);
			break;
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32))
				return -EBADMSG;
			r->oif = mnl_attr_get_u32(attr);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(attr) != alen)
				return -EBADMSG;
			memcpy(&r->dst, mnl_attr_get_payload(attr), alen);
			break;
		}
	}
	return 0;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fv_route r;
	int err = rtnl_get_route(nlh, &r);

	if (!err)
		err = routes_keep(data, &r);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* Every table's learned routes into @rs; -errno on failure */
int rtnl_learned_routes(struct fv_routes *rs)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;	/* both families, every table */
	return rtnl_talk(nlh, route_cb, rs, NULL);
}

/* What a request hands to the callbacks of mnl_cb_run2() */
struct rtnl_req {
	mnl_cb_t cb;
	void *data;
	char *extack;
};

static int rtnl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_req *req = data;

	return req->cb ? req->cb(nlh, req->data) : MNL_CB_OK;
}

/* NLMSG_ERROR (an ack or a refusal) and NLMSG_DONE end a request */
static int rtnl_status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_req *req = data;
	char msg[RTNL_EXTACK_LEN];
	int status = genl_status(nlh, msg, sizeof(msg));

	if (req->extack)
		strcpy(req->extack, msg);
	if (status < 0) {
		errno = -status;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* Not const only because mnl_cb_run2()'s prototype says so */
static mnl_cb_t rtnl_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = rtnl_status_cb,
	[NLMSG_DONE] = rtnl_status_cb,
};

/*
 * One rtnetlink request @nlh (its type and flags set; NLM_F_ACK for one
 * that changes something, NLM_F_DUMP for a dump): @cb, if any, gets each
 * reply. Returns 0 or -errno; the kernel's message about a refusal goes
 * into @extack (RTNL_EXTACK_LEN bytes, "" when it said none) if not NULL.
 */
int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *extack)
{
	struct rtnl_req req = { .cb = cb, .data = data, .extack = extack };
	char buf[32768];	/* a dump datagram is at most 32 KiB */
	uint32_t seq = time(NULL), portid;
	struct mnl_socket *nl;
	int one = 1, ret;
	ssize_t len;

	if (extack)
		*extack = '\0';
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	/* as genl.c: the kernel's reasons, and no copy of each request */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh->nlmsg_seq = seq;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto fail;
	portid = mnl_socket_get_portid(nl);
	do {
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			goto fail;
		ret = mnl_cb_run2(buf, len, seq, portid, rtnl_data_cb, &req,
				  rtnl_ctl_cb, ARRAY_SIZE(rtnl_ctl_cb));
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		goto fail;
	mnl_socket_close(nl);
	return 0;
fail:
	ret = -errno;
	mnl_socket_close(nl);
	return ret ?: -EIO;
}
