/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the tool talks to flexvpn: the library's sockets and messages
 * (../lib/fvnl.h), with every refusal and warning printed the tool's way
 * ("Error: <the kernel's words>") and turned into its exit status.
 */
#ifndef FLEXVPN_NETLINK_H
#define FLEXVPN_NETLINK_H

#include <errno.h>
#include <stdbool.h>
#include <libmnl/libmnl.h>

#include "fvnl.h"
#include "model.h"

struct fvnl *nl_open(void);
int nl_talk(struct fvnl *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
int nl_run(const struct fv_request *r, mnl_cb_t cb, void *data);
struct out;
int nl_show(const struct fv_request *r, struct out *o, mnl_cb_t cb,
	    void *data);

/* The library's codec, by the names the subcommands have always used */
static inline struct nlmsghdr *nl_request(void *buf, uint16_t family,
					  const struct fv_request *r)
{
	return fvnl_request(buf, family, r);
}

static inline int nl_cmd(const struct nlmsghdr *nlh)
{
	return fvnl_cmd(nlh);
}

static inline int nl_get_template(const struct nlmsghdr *nlh,
				  struct fv_template *t)
{
	return fvnl_get_template(nlh, t);
}

static inline int nl_get_access(const struct nlmsghdr *nlh,
				struct fv_access *a)
{
	return fvnl_get_access(nlh, a);
}

static inline int nl_get_redirect(const struct nlmsghdr *nlh,
				  struct fv_redirect *r)
{
	return fvnl_get_redirect(nlh, r);
}

static inline int nl_cb_fail(int err)
{
	return fvnl_cb_fail(err);
}

#endif
