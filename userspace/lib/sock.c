// SPDX-License-Identifier: GPL-2.0
/*
 * A netlink socket of any bus: sending a request and reading its replies up
 * to the ack or the end of the dump, the kernel's extended-ack message, and
 * reading the events of a group. The flexvpn family lives on top of it
 * (family.c), and so do the tool's and the plugin's rtnetlink requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "fvnl.h"

/* One request's replies, or one datagram of events */
struct fvnl_req {
	uint32_t seq;		/* of the request; 0: events, any */
	uint16_t type;		/* the replies' nlmsg_type; 0: any */
	mnl_cb_t cb;		/* for each reply, or NULL */
	void *data;
	int cb_err;		/* the first -errno @cb returned */
	bool done;		/* the ack or the end of the dump was read */
	int status;		/* what it said: 0 or -errno */
};

/*
 * Where the extended-ack attributes start: after the error code of an
 * NLMSG_DONE; after the error code and the echoed request of an NLMSG_ERROR,
 * of which NETLINK_CAP_ACK leaves only the header. 0 when malformed.
 */
static size_t fvnl_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == NLMSG_DONE)
		return sizeof(int);
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return 0;
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		return sizeof(*err);
	return sizeof(int) + err->msg.nlmsg_len;
}

/*
 * The status an NLMSG_ERROR (0 for an ack) or NLMSG_DONE carries, and the
 * kernel's message about it, copied into @msg ("" when there is none).
 */
int fvnl_status(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	const struct nlattr *attr;
	size_t offset;
	int status;

	*msg = '\0';
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	offset = fvnl_tlv_offset(nlh);
	if (!offset || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return status;
	mnl_attr_for_each(attr, nlh, offset)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			snprintf(msg, size, "%s", mnl_attr_get_str(attr));
	return status;
}

/*
 * One message. A reply @cb refuses (MNL_CB_ERROR, errno set) does not end
 * the request: the rest is read to the ack without @cb, so the socket stays
 * usable and the ack's status is not lost. MNL_CB_STOP is MNL_CB_OK here.
 */
static void fvnl_one(struct fvnl *s, struct fvnl_req *req,
		     const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		s->interrupted = true;
	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
		req->done = true;
		req->status = fvnl_status(nlh, s->extack, sizeof(s->extack));
		return;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !req->cb || req->cb_err ||
	    (req->type && nlh->nlmsg_type != req->type))
		return;
	errno = 0;
	if (req->cb(nlh, req->data) < MNL_CB_STOP)
		req->cb_err = errno ? -errno : -EIO;
}

/*
 * The messages of one datagram. libmnl's mnl_cb_run() is not used: it
 * gives up on the first message of an interrupted dump (NLM_F_DUMP_INTR),
 * which the kernel goes on sending to its end. A reply to another request
 * means the socket lost its way: -EPROTO.
 */
static int fvnl_dispatch(struct fvnl *s, struct fvnl_req *req, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->buf;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* a notification (sequence 0) is no reply of ours */
		if (req->seq && !nlh->nlmsg_seq)
			continue;
		if (req->seq && (nlh->nlmsg_seq != req->seq ||
				 nlh->nlmsg_pid != s->portid))
			return -EPROTO;
		fvnl_one(s, req, nlh);
		if (req->done)
			return 0;
	}
	return 0;
}

static int fvnl_fail(struct fvnl *s, int err)
{
	snprintf(s->error, sizeof(s->error), "%s",
		 *s->extack ? s->extack : strerror(-err));
	return err;
}

/*
 * Sends @nlh and hands each reply of the request's own type to @cb; a doit
 * is made to ask for the ack that ends the wait. Returns 0 or -errno: the
 * kernel's refusal (its message in s->extack and s->error), @cb's failure,
 * or the socket's. Replies are read into s->buf, where the request may
 * have been built: it is not needed once sent.
 */
int fvnl_talk(struct fvnl *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct fvnl_req req = { .seq = ++s->seq, .cb = cb, .data = data };
	ssize_t n;
	int err;

	/* on the generic bus, every reply carries the request's family */
	if (s->bus == NETLINK_GENERIC)
		req.type = nlh->nlmsg_type;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = req.seq;
	s->extack[0] = '\0';
	s->error[0] = '\0';
	s->interrupted = false;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0) {
		s->lost_sync = true;
		return fvnl_fail(s, -errno);
	}
	do {
		n = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		err = n < 0 ? -errno : fvnl_dispatch(s, &req, n);
	} while (!err && !req.done);
	if (err) {
		s->lost_sync = true;
		return fvnl_fail(s, err);
	}
	if (req.status)
		return fvnl_fail(s, req.status);
	if (req.cb_err) {
		/* the kernel's warning, if any, is not about what failed */
		s->extack[0] = '\0';
		return fvnl_fail(s, req.cb_err);
	}
	return 0;
}

/*
 * One datagram of events, if one is waiting (-EAGAIN when not); -ENOBUFS
 * when the receive buffer overran and events were lost, the ones after
 * them still to come. On the generic bus, only the resolved family's
 * messages reach @cb.
 */
int fvnl_recv(struct fvnl *s, mnl_cb_t cb, void *data)
{
	struct fvnl_req req = {
		.type = s->bus == NETLINK_GENERIC ? s->family : 0,
		.cb = cb,
		.data = data,
	};
	ssize_t n;

	s->error[0] = '\0';
	n = recv(mnl_socket_get_fd(s->nl), s->buf, sizeof(s->buf),
		 MSG_DONTWAIT);
	if (n < 0)
		return fvnl_fail(s, -errno);
	fvnl_dispatch(s, &req, n);
	return req.cb_err ? fvnl_fail(s, req.cb_err) : 0;
}

/*
 * Extended acks carry the kernel's reason for a refusal; capped acks spare
 * us a copy of each request. A kernel without them still works, only less
 * eloquently, so their failure is not fatal. NULL (errno set) on failure.
 */
struct fvnl *fvnl_open(int bus)
{
	struct fvnl *s = calloc(1, sizeof(*s));
	int one = 1, err;

	if (!s)
		return NULL;
	s->bus = bus;
	s->nl = mnl_socket_open(bus);
	if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		fvnl_close(s);
		errno = err;
		return NULL;
	}
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->nl);
	return s;
}

void fvnl_close(struct fvnl *s)
{
	if (!s)
		return;
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s);
}

int fvnl_fd(const struct fvnl *s)
{
	return mnl_socket_get_fd(s->nl);
}
