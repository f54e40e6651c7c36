// SPDX-License-Identifier: GPL-2.0
/*
 * The flexvpn family on the generic-netlink bus: what the controller says
 * of it (id, version, the "events" group), asked once per socket, and
 * joining that group.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "fvnl.h"

/* One entry of CTRL_ATTR_MCAST_GROUPS: its id if it is named @name */
static uint32_t fvnl_group_id(const struct nlattr *grp, const char *name)
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

static int fvnl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *grp;
	struct fvnl *s = data;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!mnl_attr_validate(attr, MNL_TYPE_U16))
				s->family = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_VERSION:
			if (!mnl_attr_validate(attr, MNL_TYPE_U32))
				s->version = mnl_attr_get_u32(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(grp, attr)
				s->events = s->events ?:
					fvnl_group_id(grp, FLEXVPN_MCGRP_EVENTS);
			break;
		}
	}
	return MNL_CB_OK;
}

/*
 * Asks the controller about the flexvpn family, into s->family, s->version
 * and s->events. A missing family means the module is not loaded: -ENOENT,
 * and s->error says so in those words. Asking again (the plugin does, the
 * module may have been reloaded since) replaces what the last answer said.
 */
int fvnl_resolve(struct fvnl *s)
{
	struct nlmsghdr *nlh;
	int err;

	s->family = 0;
	s->version = 0;
	s->events = 0;
	nlh = fvnl_msg(s->buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLEXVPN_GENL_NAME);
	err = fvnl_talk(s, nlh, fvnl_family_cb, s);
	if (err == -ENOENT || (!err && !s->family)) {
		snprintf(s->error, sizeof(s->error),
			 "the flexvpn module is not loaded (generic netlink family \"%s\" not found)",
			 FLEXVPN_GENL_NAME);
		return -ENOENT;
	}
	if (err)
		snprintf(s->error, sizeof(s->error),
			 "cannot resolve generic netlink family \"%s\": %s",
			 FLEXVPN_GENL_NAME,
			 *s->extack ? s->extack : strerror(-err));
	return err;
}

/* Join the "events" group: access devices coming and going, redirects */
int fvnl_subscribe(struct fvnl *s)
{
	if (!s->events) {
		snprintf(s->error, sizeof(s->error),
			 "the flexvpn module has no \"%s\" multicast group",
			 FLEXVPN_MCGRP_EVENTS);
		return -ENOENT;
	}
	if (mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &s->events,
				  sizeof(s->events)) < 0) {
		int err = -errno;

		snprintf(s->error, sizeof(s->error),
			 "cannot join the \"%s\" group: %s",
			 FLEXVPN_MCGRP_EVENTS, strerror(-err));
		return err;
	}
	return 0;
}
