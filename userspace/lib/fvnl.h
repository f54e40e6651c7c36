/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fvnl: how userspace speaks to flexvpn.ko, for the tool, the charon plugin,
 * the benchmarks and the tests (as wireguard-tools' embeddable library is
 * for WireGuard). Three parts:
 *
 *  - a netlink socket of any bus (sock.c): a request, its replies up to the
 *    ack, the kernel's extended-ack message; events of a group;
 *  - the flexvpn family on the generic bus (family.c): its id, version and
 *    "events" group, resolved once per socket;
 *  - the messages (codec.c): requests built from the model (fv_model.h),
 *    replies and events decoded into it.
 *
 * Nothing here prints: every failure returns -errno and leaves its words in
 * s->error, which the caller shows its own way ("Error: %s" in the tool, a
 * log line in the plugin). The library links libmnl and nothing else.
 */
#ifndef FLEXVPN_FVNL_H
#define FLEXVPN_FVNL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "fv_model.h"

/*
 * Large enough for any datagram of a dump (the kernel sizes them after the
 * receive buffer it sees, up to 32 KiB) and for any request the codec
 * builds, so no attribute needs a space check.
 */
#define FVNL_BUF_SIZE 32768

/* "cannot resolve generic netlink family "flexvpn": " and the kernel's */
#define FVNL_ERROR_SIZE 320

/*
 * One netlink socket. Not thread-safe: one request at a time, which the
 * caller serializes (the plugin holds a mutex around each).
 */
struct fvnl {
	struct mnl_socket *nl;
	int bus;			/* NETLINK_GENERIC, NETLINK_ROUTE, ... */
	uint32_t portid;
	uint32_t seq;
	/* the flexvpn family, once fvnl_resolve() has found it */
	uint16_t family;		/* its id, the nlmsg_type of its messages */
	uint32_t version;		/* the module's FLEXVPN_GENL_VERSION */
	uint32_t events;		/* the "events" group's id, 0: none */
	/* how the last request ended */
	char extack[256];		/* the kernel's message, "" if none; on
					 * success it is a warning */
	bool interrupted;		/* a dump changed while it was read */
	bool lost_sync;			/* replies may be left unread: the socket
					 * is good for nothing more */
	char error[FVNL_ERROR_SIZE];	/* the last failure, in words */
	/* replies are read here; requests may be built here too */
	char buf[FVNL_BUF_SIZE];
};

/* sock.c */
struct fvnl *fvnl_open(int bus);
void fvnl_close(struct fvnl *s);
int fvnl_fd(const struct fvnl *s);
int fvnl_talk(struct fvnl *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
int fvnl_recv(struct fvnl *s, mnl_cb_t cb, void *data);
int fvnl_status(const struct nlmsghdr *nlh, char *msg, size_t size);

/* For a reply callback that failed with -errno */
static inline int fvnl_cb_fail(int err)
{
	errno = -err;
	return MNL_CB_ERROR;
}

/* family.c */
int fvnl_resolve(struct fvnl *s);
int fvnl_subscribe(struct fvnl *s);

/* One request; what is NULL or 0 (or has nothing present) is not sent */
struct fv_request {
	uint8_t cmd;			/* FLEXVPN_CMD_* */
	bool dump;			/* every object, filtered */
	const char *dev;		/* FLEXVPN_A_IFNAME */
	uint32_t ifindex;		/* FLEXVPN_A_IFINDEX */
	const struct fv_template *tmpl;	/* FLEXVPN_A_TEMPLATE */
	const struct fv_access *access;	/* FLEXVPN_A_ACCESS */
};

/* codec.c */
struct nlmsghdr *fvnl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags);
struct nlmsghdr *fvnl_request(void *buf, uint16_t family,
			      const struct fv_request *r);
int fvnl_cmd(const struct nlmsghdr *nlh);
int fvnl_template_parse(const struct nlattr *nest, struct fv_template *t);
int fvnl_access_parse(const struct nlattr *nest, struct fv_access *a);
int fvnl_get_template(const struct nlmsghdr *nlh, struct fv_template *t);
int fvnl_get_access(const struct nlmsghdr *nlh, struct fv_access *a);
int fvnl_get_redirect(const struct nlmsghdr *nlh, struct fv_redirect *r);

#endif
