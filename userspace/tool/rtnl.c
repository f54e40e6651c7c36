// SPDX-License-Identifier: GPL-2.0
/*
 * The routing table over rtnetlink: one RTM_GETROUTE dump of every table,
 * IPv4 and IPv6, of which the learned routes (routes.c) are kept.
 */
#include <errno.h>
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
	struct fvnl *s = fvnl_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	if (!s)
		return -errno;
	nlh = mnl_nlmsg_put_header(s->buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;	/* both families, every table */
	err = fvnl_talk(s, nlh, route_cb, rs);
	fvnl_close(s);
	return err;
}
