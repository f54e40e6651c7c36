// SPDX-License-Identifier: GPL-2.0
/*
 * Network devices over rtnetlink, as `ip link` sees them: one RTM_GETLINK
 * dump for every device's kind and master, and the three changes `config
 * apply` makes, each one request that the kernel applies whole or not at
 * all: `ip link add NAME type KIND`, `ip link del NAME`,
 * `ip link set NAME master DEV|nomaster`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "link.h"
#include "netlink.h"
#include "parse.h"
#include "rtnl.h"

/* The kind inside IFLA_LINKINFO, if there is one */
static int link_get_kind(const struct nlattr *info, struct fv_link *l)
{
	const struct nlattr *attr;

	if (mnl_attr_validate(info, MNL_TYPE_NESTED))
		return -EBADMSG;
	mnl_attr_for_each_nested(attr, info) {
		if (mnl_attr_get_type(attr) != IFLA_INFO_KIND)
			continue;
		/* a longer kind is none of those the tool asks about */
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			return -EBADMSG;
		snprintf(l->kind, sizeof(l->kind), "%s",
			 mnl_attr_get_str(attr));
	}
	return 0;
}

/* An RTM_NEWLINK into @l; -EBADMSG when it is malformed */
int link_get(const struct nlmsghdr *nlh, struct fv_link *l)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	int err = 0;

	memset(l, 0, sizeof(*l));
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	l->ifindex = ifi->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) ||
			    mnl_attr_get_payload_len(attr) > sizeof(l->name))
				return -EBADMSG;
			strcpy(l->name, mnl_attr_get_str(attr));
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(attr, MNL_TYPE_U32))
				return -EBADMSG;
			l->master = mnl_attr_get_u32(attr);
			break;
		case IFLA_LINKINFO:
			err = link_get_kind(attr, l);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fv_links *ls = data;
	struct fv_link *v;
	int err;

	if (ls->count == ls->room) {
		v = reallocarray(ls->v, ls->room * 2 + 16, sizeof(*v));
		if (!v)
			return nl_cb_fail(-ENOMEM);
		ls->v = v;
		ls->room = ls->room * 2 + 16;
	}
	err = link_get(nlh, &ls->v[ls->count]);
	if (err)
		return nl_cb_fail(err);
	ls->count++;
	return MNL_CB_OK;
}

/*
 * An RTM_*LINK request into @buf (LINK_REQ_SIZE bytes, zeroed: the kernel
 * gets no stray bytes in an attribute's padding) about the device @name,
 * which requests name rather than number: a template this run created has
 * no number the caller knows. NULL: about every device (a dump).
 */
#define LINK_REQ_SIZE 256

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags,
				 const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, LINK_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* Every device of the namespace into @ls (empty it with link_free()) */
int link_dump(struct fv_links *ls)
{
	char buf[LINK_REQ_SIZE];
	int err;

	memset(ls, 0, sizeof(*ls));
	err = rtnl_talk(link_msg(buf, RTM_GETLINK, NLM_F_DUMP, NULL), link_cb,
			ls, NULL);
	if (err)
		errorf(EXIT_REFUSED, "cannot list the network devices: %s",
		       strerror(-err));
	return err;
}

void link_free(struct fv_links *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

const struct fv_link *link_by_name(const struct fv_links *ls,
				   const char *name)
{
	size_t i;

	for (i = 0; i < ls->count; i++)
		if (!strcmp(ls->v[i].name, name))
			return &ls->v[i];
	return NULL;
}

const struct fv_link *link_by_index(const struct fv_links *ls,
				    uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < ls->count; i++)
		if (ls->v[i].ifindex == ifindex)
			return &ls->v[i];
	return NULL;
}

/* Runs a change; returns 0 or -errno after printing the kernel's refusal */
static int link_change(struct nlmsghdr *nlh)
{
	char extack[RTNL_EXTACK_LEN];
	int err = rtnl_talk(nlh, NULL, NULL, extack);

	if (err)
		errorf(EXIT_REFUSED, "%s", *extack ? extack : strerror(-err));
	return err;
}

/* `ip link add @name type @kind` */
int link_add(const char *name, const char *kind)
{
	char buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_ACK |
					NLM_F_CREATE | NLM_F_EXCL, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, info);
	return link_change(nlh);
}

/* `ip link del @name` */
int link_del(const char *name)
{
	char buf[LINK_REQ_SIZE];

	return link_change(link_msg(buf, RTM_DELLINK, NLM_F_ACK, name));
}

/* `ip link set @name master DEV`, or `nomaster` for 0 */
int link_set_master(const char *name, uint32_t master)
{
	char buf[LINK_REQ_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_ACK, name);

	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	return link_change(nlh);
}
