/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink: one request and its replies, and the routing table: the routes
 * learned through devices.
 */
#ifndef FLEXVPN_RTNL_H
#define FLEXVPN_RTNL_H

#include <libmnl/libmnl.h>

#include "routes.h"

/* Room for the kernel's message about a refused request */
#define RTNL_EXTACK_LEN 256

int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *extack);
int rtnl_get_route(const struct nlmsghdr *nlh, struct fv_route *r);
int rtnl_learned_routes(struct fv_routes *rs);

#endif
