// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink: running one request, and the routing table: one RTM_GETROUTE
 * dump of every table, IPv4 and IPv6, of which the learned routes
 * (routes.c) are kept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "fvnl.h"
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
	return err ? fvnl_cb_fail(err) : MNL_CB_OK;
}

/* Every table's learned routes into @rs; -errno on failure */
int rtnl_learned_routes(struct fv_routes *rs)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;	/* both families, every table */
	return rtnl_talk(nlh, route_cb, rs, NULL);
}

/*
 * One rtnetlink request @nlh (its type and flags set; a doit is acked, a
 * dump ends with NLMSG_DONE) on a socket of its own: @cb, if any, gets each
 * reply. Returns 0 or -errno; the kernel's message about a refusal goes
 * into @extack (RTNL_EXTACK_LEN bytes, "" when it said none) if not NULL.
 */
int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *extack)
{
	struct fvnl *s = fvnl_open(NETLINK_ROUTE);
	int err;

	if (extack)
		*extack = '\0';
	if (!s)
		return -errno;
	err = fvnl_talk(s, nlh, cb, data);
	if (extack)
		snprintf(extack, RTNL_EXTACK_LEN, "%s", s->extack);
	fvnl_close(s);
	return err;
}
