// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink socket: resolving the flexvpn family and its "events"
 * group, sending a request and reading replies up to the ack, and turning a
 * refusal into the kernel's own words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/flexvpn.h>

#include "genl.h"
#include "parse.h"

/*
 * What a request hands to the callbacks of mnl_cb_run2(), which pass the
 * same pointer to the data and to the control-message callbacks.
 */
struct genl_req {
	struct genl *g;
	uint16_t type;		/* the family replies come from */
	mnl_cb_t cb;		/* for each reply, or NULL */
	void *data;
	bool interrupted;	/* a dump changed under our feet */
};

/* The flexvpn version goes into every header; the controller ignores it. */
struct nlmsghdr *genl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FLEXVPN_GENL_VERSION;
	return nlh;
}

/*
 * Where the extended-ack attributes start: after the error code of an
 * NLMSG_DONE; after the error code and the echoed request of an NLMSG_ERROR,
 * of which NETLINK_CAP_ACK leaves only the header. 0 when malformed.
 */
static size_t genl_tlv_offset(const struct nlmsghdr *nlh)
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
int genl_status(const struct nlmsghdr *nlh, char *msg, size_t size)
{
	const struct nlattr *attr;
	size_t offset;
	int status;

	*msg = '\0';
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return nlh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	offset = genl_tlv_offset(nlh);
	if (!offset || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return status;
	mnl_attr_for_each(attr, nlh, offset)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			snprintf(msg, size, "%s", mnl_attr_get_str(attr));
	return status;
}

/* Replies from another family (none are expected) are not ours to read */
static int genl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl_req *req = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		req->interrupted = true;
	if (nlh->nlmsg_type != req->type || !req->cb)
		return MNL_CB_OK;
	return req->cb(nlh, req->data);
}

/*
 * NLMSG_ERROR and NLMSG_DONE end a request. A success may still carry a
 * message: the kernel's warning, shown the way `ip` shows it.
 */
static int genl_status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl *g = ((struct genl_req *)data)->g;
	int status = genl_status(nlh, g->extack, sizeof(g->extack));

	if (status < 0) {
		errno = -status;
		return MNL_CB_ERROR;
	}
	if (*g->extack)
		fprintf(stderr, "Warning: %s\n", g->extack);
	return MNL_CB_STOP;
}

/* Not const only because mnl_cb_run2()'s prototype says so */
static mnl_cb_t genl_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = genl_status_cb,
	[NLMSG_DONE] = genl_status_cb,
};

/* Reads what arrived, up to the ack or the end of a dump when @seq is set */
static int genl_read(struct genl_req *req, uint32_t seq, uint32_t portid)
{
	struct genl *g = req->g;
	ssize_t n;
	int ret;

	do {
		n = mnl_socket_recvfrom(g->nl, g->buf, sizeof(g->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(g->buf, n, seq, portid, genl_data_cb, req,
				  genl_ctl_cb, ARRAY_SIZE(genl_ctl_cb));
	} while (ret > 0 && seq);
	return ret < 0 ? -errno : 0;
}

/*
 * Sends @nlh and hands each reply to @cb. Returns 0 or -errno, leaving the
 * kernel's message in g->extack. The replies are read into the buffer the
 * request may have been built in: it is not needed once sent.
 */
static int genl_request(struct genl *g, uint16_t type, struct nlmsghdr *nlh,
			mnl_cb_t cb, void *data)
{
	struct genl_req req = { .g = g, .type = type, .cb = cb, .data = data };
	uint32_t seq = ++g->seq;
	int err;

	nlh->nlmsg_seq = seq;
	g->extack[0] = '\0';
	if (mnl_socket_sendto(g->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	err = genl_read(&req, seq, g->portid);
	if (req.interrupted)
		fputs("Warning: devices changed during the dump, which may be inconsistent\n",
		      stderr);
	return err;
}

/*
 * A flexvpn request; @cb gets each reply. Returns 0 or -errno after printing
 * the refusal: the kernel's words, or else errno's.
 */
int genl_talk(struct genl *g, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int err = genl_request(g, g->family, nlh, cb, data);

	/* the family's checks of privilege come with no message */
	if (err == -EPERM && !*g->extack)
		errorf(EXIT_REFUSED, "%s (flexvpn needs CAP_NET_ADMIN in this "
		       "network namespace)", strerror(EPERM));
	else if (err)
		errorf(EXIT_REFUSED, "%s", *g->extack ? g->extack :
			strerror(-err));
	return err;
}

/* What CTRL_CMD_GETFAMILY tells about the flexvpn family */
struct genl_family {
	uint16_t id;
	uint32_t events;
};

/* One entry of CTRL_ATTR_MCAST_GROUPS: its id if it is named @name */
static uint32_t genl_group_id(const struct nlattr *grp, const char *name)
{
	const struct nlattr *attr;
	bool match = false;
	uint32_t id = 0;

	mnl_attr_for_each_nested(attr, grp) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			match = !strcmp(mnl_attr_get_str(attr), name);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
		    !mnl_attr_validate(attr, MNL_TYPE_U32))
			id = mnl_attr_get_u32(attr);
	}
	return match ? id : 0;
}

static int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl_family *fam = data;
	const struct nlattr *attr, *grp;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    !mnl_attr_validate(attr, MNL_TYPE_U16))
			fam->id = mnl_attr_get_u16(attr);
		if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(grp, attr)
			fam->events = fam->events ?:
				genl_group_id(grp, FLEXVPN_MCGRP_EVENTS);
	}
	return MNL_CB_OK;
}

/* A missing family means the module is not loaded: say so in those words */
static int genl_resolve(struct genl *g)
{
	struct genl_family fam = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = genl_msg(g->buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLEXVPN_GENL_NAME);
	err = genl_request(g, GENL_ID_CTRL, nlh, genl_family_cb, &fam);
	if (err == -ENOENT || (!err && !fam.id))
		return errorf(EXIT_REFUSED,
			      "the flexvpn module is not loaded (generic netlink family \"%s\" not found)",
			      FLEXVPN_GENL_NAME);
	if (err)
		return errorf(EXIT_REFUSED,
			      "cannot resolve generic netlink family \"%s\": %s",
			      FLEXVPN_GENL_NAME,
			      *g->extack ? g->extack : strerror(-err));
	g->family = fam.id;
	g->events = fam.events;
	return 0;
}

/*
 * Extended acks carry the kernel's reason for a refusal; capped acks spare
 * us a copy of each request. A kernel without them still works, only less
 * eloquently, so their failure is not fatal.
 */
static int genl_connect(struct genl *g)
{
	int one = 1;

	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl || mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return errorf(EXIT_REFUSED, "generic netlink socket: %s",
			      strerror(errno));
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	g->portid = mnl_socket_get_portid(g->nl);
	return 0;
}

/* A socket ready to talk to flexvpn, or NULL after printing why not */
struct genl *genl_open(void)
{
	struct genl *g = calloc(1, sizeof(*g));

	if (!g) {
		errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (genl_connect(g) || genl_resolve(g)) {
		genl_close(g);
		return NULL;
	}
	return g;
}

void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	free(g);
}

/* Join the "events" group: every access device appearing or going */
int genl_subscribe(struct genl *g)
{
	if (!g->events)
		return errorf(EXIT_REFUSED,
			      "the flexvpn module has no \"%s\" multicast group",
			      FLEXVPN_MCGRP_EVENTS);
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &g->events,
				  sizeof(g->events)) < 0)
		return errorf(EXIT_REFUSED, "cannot join the \"%s\" group: %s",
			      FLEXVPN_MCGRP_EVENTS, strerror(errno));
	return 0;
}

int genl_fd(const struct genl *g)
{
	return mnl_socket_get_fd(g->nl);
}

/* One datagram of events; returns 0 or -errno (-ENOBUFS: events lost) */
int genl_recv(struct genl *g, mnl_cb_t cb, void *data)
{
	struct genl_req req = {
		.g = g, .type = g->family, .cb = cb, .data = data
	};

	return genl_read(&req, 0, 0);
}
