// SPDX-License-Identifier: GPL-2.0
/* The routes learned over IKEv2: which are kept, and how they print. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <linux/flexvpn.h>

#include "routes.h"

/*
 * Learned: installed by the plugin (its protocol number), a unicast route
 * with one output device. Local, broadcast and the like can't carry it.
 */
bool route_learned(const struct fv_route *r)
{
	return r->protocol == FLEXVPN_RTPROT && r->type == RTN_UNICAST &&
	       r->oif && (r->family == AF_INET || r->family == AF_INET6);
}

/* Learned through the device @ifindex */
bool route_via(const struct fv_route *r, uint32_t ifindex)
{
	return route_learned(r) && r->oif == ifindex;
}

/* Keeps @r in @rs when it is learned; -ENOMEM when it can't */
int routes_keep(struct fv_routes *rs, const struct fv_route *r)
{
	struct fv_route *v;
	size_t cap;

	if (!route_learned(r))
		return 0;
	if (rs->count == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 16;
		v = realloc(rs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->count++] = *r;
	return 0;
}

void routes_free(struct fv_routes *rs)
{
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

/* "203.0.113.16/28", "2001:db8:201::/64" */
const char *route_str(const struct fv_route *r, char buf[ROUTE_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(r->family, &r->dst, ip, sizeof(ip)))
		return NULL;
	snprintf(buf, ROUTE_STRLEN, "%s/%u", ip, r->plen);
	return buf;
}
