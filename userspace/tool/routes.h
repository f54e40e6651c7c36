/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The routes learned over IKEv2 through access devices: what the tool keeps
 * of a route (apart from how it is read over rtnetlink, rtnl.c), which
 * routes it keeps, and how a prefix is written.
 */
#ifndef FLEXVPN_ROUTES_H
#define FLEXVPN_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* "2001:db8::/128" at most */
#define ROUTE_STRLEN (INET6_ADDRSTRLEN + 4)

struct fv_route {
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t plen;
	uint8_t protocol;	/* RTPROT_*, FLEXVPN_RTPROT for learned */
	uint8_t type;		/* RTN_* */
	uint32_t table;
	uint32_t oif;		/* 0: none (multipath, blackhole) */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} dst;
};

/* The learned routes of all devices, in the order the kernel dumped them */
struct fv_routes {
	size_t count;
	size_t cap;
	struct fv_route *v;
};

bool route_learned(const struct fv_route *r);
bool route_via(const struct fv_route *r, uint32_t ifindex);
int routes_keep(struct fv_routes *rs, const struct fv_route *r);
void routes_free(struct fv_routes *rs);
const char *route_str(const struct fv_route *r, char buf[ROUTE_STRLEN]);

#endif
