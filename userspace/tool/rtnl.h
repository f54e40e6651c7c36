/* SPDX-License-Identifier: GPL-2.0 */
/* The routing table over rtnetlink: the routes learned through devices. */
#ifndef FLEXVPN_RTNL_H
#define FLEXVPN_RTNL_H

#include <libmnl/libmnl.h>

#include "routes.h"

int rtnl_get_route(const struct nlmsghdr *nlh, struct fv_route *r);
int rtnl_learned_routes(struct fv_routes *rs);

#endif
