// SPDX-License-Identifier: GPL-2.0
/*
 * How the tool talks to flexvpn: the library's sockets and messages, with
 * every refusal and warning printed the tool's way and turned into its exit
 * status.
 */
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#include "netlink.h"
#include "print.h"

/* A socket ready to talk to flexvpn, or NULL after printing why not */
struct fvnl *nl_open(void)
{
	struct fvnl *s = fvnl_open(NETLINK_GENERIC);

	if (!s) {
		errorf(EXIT_REFUSED, "generic netlink socket: %s",
		       strerror(errno));
		return NULL;
	}
	if (fvnl_resolve(s)) {
		errorf(EXIT_REFUSED, "%s", s->error);
		fvnl_close(s);
		return NULL;
	}
	return s;
}

/*
 * A flexvpn request; @cb gets each reply. Returns 0 or -errno after printing
 * the refusal: the kernel's words, or else errno's. A success may still
 * carry a message: the kernel's warning, shown the way `ip` shows it.
 */
int nl_talk(struct fvnl *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int err = fvnl_talk(s, nlh, cb, data);

	if (s->interrupted)
		fputs("Warning: devices changed during the dump, which may be inconsistent\n",
		      stderr);
	if (err) {
		/* the family's checks of privilege come with no message */
		if (err == -EPERM && !*s->extack)
			errorf(EXIT_REFUSED, "%s (flexvpn needs CAP_NET_ADMIN in "
			       "this network namespace)", strerror(EPERM));
		else
			errorf(EXIT_REFUSED, "%s", s->error);
		return err;
	}
	if (*s->extack)
		fprintf(stderr, "Warning: %s\n", s->extack);
	return 0;
}

/* Sends @r, hands each reply to @cb; returns the tool's exit status */
int nl_run(const struct fv_request *r, mnl_cb_t cb, void *data)
{
	struct fvnl *s = nl_open();
	int err;

	if (!s)
		return EXIT_REFUSED;
	err = nl_talk(s, fvnl_request(s->buf, s->family, r), cb, data);
	fvnl_close(s);
	return err ? EXIT_REFUSED : 0;
}

/* nl_run() for a request whose replies @cb prints as one list into @o */
int nl_show(const struct fv_request *r, struct out *o, mnl_cb_t cb,
	    void *data)
{
	int ret;

	out_list_begin(o);
	ret = nl_run(r, cb, data);
	out_list_end(o, !ret);
	return ret;
}
