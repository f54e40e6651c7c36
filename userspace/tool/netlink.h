/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flexvpn's messages: the model structs to and from their netlink
 * attributes, and running one request against the kernel.
 */
#ifndef FLEXVPN_NETLINK_H
#define FLEXVPN_NETLINK_H

#include <errno.h>
#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "model.h"

/* One request; what is NULL (or has nothing present) is not sent */
struct fv_request {
	uint8_t cmd;			/* FLEXVPN_CMD_* */
	bool dump;			/* every object, filtered */
	const char *dev;		/* FLEXVPN_A_IFNAME */
	const struct fv_template *tmpl;	/* FLEXVPN_A_TEMPLATE */
	const struct fv_access *access;	/* FLEXVPN_A_ACCESS */
};

struct nlmsghdr *nl_request(void *buf, uint16_t family,
			    const struct fv_request *r);
int nl_run(const struct fv_request *r, mnl_cb_t cb, void *data);
struct out;
int nl_show(const struct fv_request *r, struct out *o, mnl_cb_t cb,
	    void *data);
int nl_cmd(const struct nlmsghdr *nlh);
int nl_parse_template(const struct nlattr *nest, struct fv_template *t);
int nl_parse_access(const struct nlattr *nest, struct fv_access *a);
int nl_get_template(const struct nlmsghdr *nlh, struct fv_template *t);
int nl_get_access(const struct nlmsghdr *nlh, struct fv_access *a);
int nl_get_redirect(const struct nlmsghdr *nlh, struct fv_redirect *r);

/* For a reply callback that failed with -errno */
static inline int nl_cb_fail(int err)
{
	errno = -err;
	return MNL_CB_ERROR;
}

#endif
