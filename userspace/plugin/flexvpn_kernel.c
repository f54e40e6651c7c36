/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The plugin's netlink: flexvpn's generic-netlink family for access
 * devices, rtnetlink for bringing them up, finding their VRF's table and the
 * routes learned through them. One socket per bus, kept open and used by
 * one request at a time.
 */

#include "flexvpn_kernel.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/flexvpn.h>

#include <daemon.h>
#include <threading/mutex.h>

/* the kernel sizes dump datagrams after the receive buffer, up to 32 KiB */
#define BUF_SIZE 32768

/**
 * One request and what came back.
 */
typedef struct {
	/** called for each reply that is not an ack */
	mnl_cb_t cb;
	void *data;
	/** the kernel's extended ack message */
	char extack[256];
	/** the ack or the end of the dump was read: nothing is left unread */
	bool done;
} request_t;

/**
 * A netlink socket of one bus, opened on first use and closed when a
 * request leaves something unread on it or the socket fails.
 */
typedef struct {
	int bus;
	/** serializes requests (charon's threads, kernel-netlink's events) */
	mutex_t *mutex;
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
} bus_socket_t;

static bus_socket_t sockets[] = {
	{ .bus = NETLINK_ROUTE },
	{ .bus = NETLINK_GENERIC },
};

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	request_t *req = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t offset;

	req->done = TRUE;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
	{
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
	{
		offset = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		{
			offset += err->msg.nlmsg_len - sizeof(err->msg);
		}
		mnl_attr_for_each(attr, nlh, offset)
		{
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
				mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			{
				snprintf(req->extack, sizeof(req->extack), "%s",
						 mnl_attr_get_str(attr));
			}
		}
	}
	if (err->error)
	{
		errno = -err->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	request_t *req = data;

	return req->cb ? req->cb(nlh, req->data) : MNL_CB_OK;
}

/* the end of a dump; libmnl leaves it to us once we pass our own table */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	request_t *req = data;
	int err = 0;

	req->done = TRUE;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
	{
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	}
	if (err < 0)
	{
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/**
 * The open socket of sk, opening it if need be; NULL (errno set) on failure.
 */
static struct mnl_socket *socket_get(bus_socket_t *sk)
{
	int one = 1;

	if (sk->nl)
	{
		return sk->nl;
	}
	sk->nl = mnl_socket_open(sk->bus);
	if (!sk->nl)
	{
		return NULL;
	}
	mnl_socket_setsockopt(sk->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(sk->nl, 0, MNL_SOCKET_AUTOPID) < 0)
	{
		mnl_socket_close(sk->nl);
		sk->nl = NULL;
		return NULL;
	}
	sk->portid = mnl_socket_get_portid(sk->nl);
	return sk->nl;
}

/**
 * Send nlh on the socket of bus and read replies up to the ack or the end
 * of the dump. On failure, logs what failed with the kernel's message (not
 * if what is NULL: a question whose answer may be "no").
 */
static bool talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
				 char *what)
{
	request_t req = { .cb = cb, .data = data };
	bus_socket_t *sk = &sockets[bus == NETLINK_GENERIC];
	struct mnl_socket *nl;
	char buf[BUF_SIZE];
	int ret = -1;
	ssize_t len;

	sk->mutex->lock(sk->mutex);
	nl = socket_get(sk);
	if (!nl)
	{
		goto out;
	}
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++sk->seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
	{
		goto out;
	}
	do
	{
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
		{
			ret = -1;
			break;
		}
		ret = mnl_cb_run2(buf, len, nlh->nlmsg_seq, sk->portid, data_cb,
						  &req, ctl_cb, countof(ctl_cb));
	}
	while (ret > 0);
out:
	if (ret < 0 && what)
	{
		DBG1(DBG_KNL, "flexvpn: %s: %s", what,
			 req.extack[0] ? req.extack : strerror(errno));
	}
	if (ret < 0 && !req.done && sk->nl)
	{	/* replies may be left on it, or the socket failed: a new one next */
		mnl_socket_close(sk->nl);
		sk->nl = NULL;
	}
	sk->mutex->unlock(sk->mutex);
	return ret >= 0;
}

/*
 * Described in header
 */
void flexvpn_kernel_init()
{
	int i;

	for (i = 0; i < countof(sockets); i++)
	{
		sockets[i].mutex = mutex_create(MUTEX_TYPE_DEFAULT);
	}
}

/*
 * Described in header
 */
void flexvpn_kernel_deinit()
{
	int i;

	for (i = 0; i < countof(sockets); i++)
	{
		if (sockets[i].nl)
		{
			mnl_socket_close(sockets[i].nl);
			sockets[i].nl = NULL;
		}
		sockets[i].mutex->destroy(sockets[i].mutex);
	}
}

/* ------------------------------------------------------------ genl */

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
	{
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
			mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		{
			*(uint16_t*)data = mnl_attr_get_u16(attr);
		}
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *genl_header(char *buf, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FLEXVPN_GENL_VERSION;
	return nlh;
}

/**
 * The flexvpn family's id; 0 (logged) when the module is not loaded. Not
 * cached: the module may be reloaded while charon runs.
 */
static uint16_t family_id()
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint16_t id = 0;

	nlh = genl_header(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLEXVPN_GENL_NAME);
	if (!talk(NETLINK_GENERIC, nlh, family_cb, &id,
			  "generic netlink family " FLEXVPN_GENL_NAME
			  " (is flexvpn.ko loaded?)"))
	{
		return 0;
	}
	return id;
}

static void put_host(struct nlmsghdr *nlh, int v4, int v6, host_t *host)
{
	chunk_t addr = host->get_address(host);

	mnl_attr_put(nlh, host->get_family(host) == AF_INET ? v4 : v6,
				 addr.len, addr.ptr);
}

/**
 * An access request: the header, the device at the top level, and the
 * FLEXVPN_A_ACCESS nest with what is not NULL.
 */
static struct nlmsghdr *access_msg(char *buf, uint16_t family, uint8_t cmd,
							uint32_t ifindex, char *ifname, host_t *local,
							host_t *remote, char *peer_id, uint64_t *owner)
{
	struct nlmsghdr *nlh = genl_header(buf, family, cmd);
	struct nlattr *nest;

	if (ifindex)
	{
		mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, ifindex);
	}
	if (ifname)
	{
		mnl_attr_put_strz(nlh, FLEXVPN_A_IFNAME, ifname);
	}
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	if (local)
	{
		put_host(nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, FLEXVPN_ACCESS_A_LOCAL_IPV6,
				 local);
	}
	if (remote)
	{
		put_host(nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4,
				 FLEXVPN_ACCESS_A_REMOTE_IPV6, remote);
	}
	if (peer_id)
	{
		mnl_attr_put_strz(nlh, FLEXVPN_ACCESS_A_PEER_ID, peer_id);
	}
	if (owner)
	{
		mnl_attr_put_u64(nlh, FLEXVPN_ACCESS_A_OWNER, *owner);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* a FLEXVPN_ACCESS_A_SHAPER nest into the FLEXVPN_A_ACCESS nest access_msg()
 * closed: reopened by moving its end */
static void put_shaping(struct nlmsghdr *nlh, flexvpn_shaping_t *shaping)
{
	struct nlattr *access = NULL, *attr, *nest;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
	{
		if (mnl_attr_get_type(attr) == FLEXVPN_A_ACCESS)
		{
			access = attr;
		}
	}
	nest = mnl_attr_nest_start(nlh, FLEXVPN_ACCESS_A_SHAPER);
	mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_A_RATE, shaping->rate);
	if (shaping->ceil)
	{
		mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_A_CEIL, shaping->ceil);
	}
	if (shaping->burst)
	{
		mnl_attr_put_u32(nlh, FLEXVPN_SHAPER_A_BURST, shaping->burst);
	}
	if (shaping->qlen)
	{
		mnl_attr_put_u32(nlh, FLEXVPN_SHAPER_A_QLEN, shaping->qlen);
	}
	if (shaping->group)
	{
		mnl_attr_put_strz(nlh, FLEXVPN_SHAPER_A_GROUP, shaping->group);
	}
	mnl_attr_nest_end(nlh, nest);
	if (access)
	{	/* the shaper nest sits right after the access nest: make it part
		 * of it */
		access->nla_len = (char*)mnl_nlmsg_get_payload_tail(nlh) -
						  (char*)access;
	}
}

/* one access device of a reply into a new flexvpn_access_t in the list */
static int access_cb(const struct nlmsghdr *nlh, void *data)
{
	linked_list_t *list = data;
	const struct nlattr *attr, *inner;
	flexvpn_access_t *access;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
	{
		if (mnl_attr_get_type(attr) != FLEXVPN_A_ACCESS)
		{
			continue;
		}
		INIT(access);
		mnl_attr_for_each_nested(inner, attr)
		{
			switch (mnl_attr_get_type(inner))
			{
				case FLEXVPN_ACCESS_A_IFINDEX:
					access->ifindex = mnl_attr_get_u32(inner);
					break;
				case FLEXVPN_ACCESS_A_IFNAME:
					snprintf(access->ifname, sizeof(access->ifname), "%s",
							 mnl_attr_get_str(inner));
					break;
				case FLEXVPN_ACCESS_A_OWNER:
					access->owner = mnl_attr_get_u64(inner);
					break;
			}
		}
		list->insert_last(list, access);
	}
	return MNL_CB_OK;
}

/*
 * Described in header
 */
linked_list_t *flexvpn_kernel_access_dump()
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	linked_list_t *list;
	uint16_t family;

	family = family_id();
	if (!family)
	{
		return NULL;
	}
	nlh = genl_header(buf, family, FLEXVPN_CMD_ACCESS_GET);
	nlh->nlmsg_flags = NLM_F_DUMP;
	list = linked_list_create();
	if (!talk(NETLINK_GENERIC, nlh, access_cb, list, "dumping access devices"))
	{
		list->destroy_function(list, free);
		return NULL;
	}
	return list;
}

/* ------------------------------------------------------------ rtnetlink */

/**
 * What RTM_GETLINK says of a device: its master, its VRF table if it is a
 * VRF, and whether it is an access device.
 */
typedef struct {
	uint32_t master;
	uint32_t vrf_table;
	bool access;
} link_info_t;

static void link_kind_data(const struct nlattr *linkinfo, link_info_t *info)
{
	const struct nlattr *attr, *data = NULL;
	bool vrf = FALSE;

	mnl_attr_for_each_nested(attr, linkinfo)
	{
		switch (mnl_attr_get_type(attr))
		{
			case IFLA_INFO_KIND:
				vrf = streq(mnl_attr_get_str(attr), "vrf");
				info->access = streq(mnl_attr_get_str(attr), "vaccess");
				break;
			case IFLA_INFO_DATA:
				data = attr;
				break;
		}
	}
	if (!vrf || !data)
	{
		return;
	}
	mnl_attr_for_each_nested(attr, data)
	{
		if (mnl_attr_get_type(attr) == IFLA_VRF_TABLE)
		{
			info->vrf_table = mnl_attr_get_u32(attr);
		}
	}
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		switch (mnl_attr_get_type(attr))
		{
			case IFLA_MASTER:
				((link_info_t*)data)->master = mnl_attr_get_u32(attr);
				break;
			case IFLA_LINKINFO:
				link_kind_data(attr, data);
				break;
		}
	}
	return MNL_CB_OK;
}

/**
 * An RTM_GETLINK request for a device index (0: to be named).
 */
static struct nlmsghdr *getlink_msg(char *buf, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/**
 * RTM_GETLINK of a device, by index or (if ifindex is 0) by name; quiet if
 * what is NULL.
 */
static bool link_get(uint32_t ifindex, const char *ifname, link_info_t *info,
					 char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = getlink_msg(buf, ifindex);
	if (!ifindex)
	{
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	}
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return talk(NETLINK_ROUTE, nlh, link_cb, info, what);
}

/*
 * Described in header
 */
flexvpn_link_t flexvpn_kernel_link(const char *ifname)
{
	link_info_t dev = {};

	if (strlen(ifname) >= IFNAMSIZ)
	{
		return FLEXVPN_LINK_OTHER;
	}
	if (!link_get(0, ifname, &dev, NULL))
	{
		return errno == ENODEV ? FLEXVPN_LINK_GONE : FLEXVPN_LINK_OTHER;
	}
	return dev.access ? FLEXVPN_LINK_ACCESS : FLEXVPN_LINK_OTHER;
}

/*
 * Described in header
 */
uint32_t flexvpn_kernel_vrf_table(uint32_t ifindex)
{
	link_info_t dev = {}, master = {};

	if (!link_get(ifindex, NULL, &dev, "reading a device") || !dev.master ||
		!link_get(dev.master, NULL, &master, "reading a device") ||
		!master.vrf_table)
	{
		return RT_TABLE_MAIN;
	}
	return master.vrf_table;
}

/*
 * Described in header
 */
bool flexvpn_kernel_route(bool add, flexvpn_prefix_t *prefix, uint32_t ifindex,
						  uint32_t table, uint32_t metric)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	if (add)
	{
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	}
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = prefix->family;
	rtm->rtm_dst_len = prefix->len;
	rtm->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = FLEXVPN_RTPROT;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, prefix->family == AF_INET ? 4 : 16,
				 prefix->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (metric)
	{
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	}
	return talk(NETLINK_ROUTE, nlh, NULL, NULL,
				add ? "adding a learned route" : "deleting a learned route");
}

/*
 * Described in header
 */
bool flexvpn_kernel_addr_add(host_t *addr, uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	chunk_t raw = addr->get_address(addr);
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	int family = addr->get_family(addr);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = family == AF_INET ? 32 : 128;
	ifa->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, raw.len, raw.ptr);
	mnl_attr_put(nlh, IFA_ADDRESS, raw.len, raw.ptr);
	return talk(NETLINK_ROUTE, nlh, NULL, NULL, "adding a virtual IP");
}

/* ------------------------------------------------------------ access */

/*
 * Described in header
 */
bool flexvpn_kernel_access_new(char *template, char *what, host_t *local,
							   host_t *remote, char *peer_id, uint64_t owner,
							   flexvpn_shaping_t *shaping,
							   flexvpn_access_t *access)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	flexvpn_access_t *created;
	struct nlmsghdr *nlh;
	linked_list_t *list;
	uint16_t family;
	bool ok;

	family = family_id();
	if (!family)
	{
		return FALSE;
	}
	nlh = access_msg(buf, family, FLEXVPN_CMD_ACCESS_NEW, 0, template, local,
					 remote, peer_id, &owner);
	if (shaping && shaping->rate)
	{
		put_shaping(nlh, shaping);
	}
	list = linked_list_create();
	ok = talk(NETLINK_GENERIC, nlh, access_cb, list, what) &&
		 list->get_first(list, (void**)&created) == SUCCESS;
	if (ok)
	{	/* the kernel brings it up: nothing more to ask */
		*access = *created;
	}
	list->destroy_function(list, free);
	return ok;
}

/*
 * Described in header
 */
bool flexvpn_kernel_access_set(uint32_t ifindex, host_t *local,
							   host_t *remote, char *peer_id, uint64_t *owner)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint16_t family;

	family = family_id();
	return family &&
		   talk(NETLINK_GENERIC, access_msg(buf, family, FLEXVPN_CMD_ACCESS_SET,
								ifindex, NULL, local, remote, peer_id, owner),
				NULL, NULL, "changing an access device");
}

/*
 * Described in header
 */
bool flexvpn_kernel_access_del(uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint16_t family;

	family = family_id();
	if (!family)
	{
		return FALSE;
	}
	nlh = genl_header(buf, family, FLEXVPN_CMD_ACCESS_DEL);
	mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, ifindex);
	return talk(NETLINK_GENERIC, nlh, NULL, NULL, "deleting an access device");
}

/* ------------------------------------------------------------ NHRP */

/**
 * The family's id and the id of its events group.
 */
typedef struct {
	uint16_t family;
	uint32_t group;
} family_group_t;

static int group_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *grp, *field;
	family_group_t *ids = data;
	uint32_t id;
	bool events;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
	{
		switch (mnl_attr_get_type(attr))
		{
			case CTRL_ATTR_FAMILY_ID:
				ids->family = mnl_attr_get_u16(attr);
				break;
			case CTRL_ATTR_MCAST_GROUPS:
				mnl_attr_for_each_nested(grp, attr)
				{
					events = FALSE;
					id = 0;
					mnl_attr_for_each_nested(field, grp)
					{
						if (mnl_attr_get_type(field) ==
								CTRL_ATTR_MCAST_GRP_NAME)
						{
							events = streq(mnl_attr_get_str(field),
										   FLEXVPN_MCGRP_EVENTS);
						}
						else if (mnl_attr_get_type(field) ==
								CTRL_ATTR_MCAST_GRP_ID)
						{
							id = mnl_attr_get_u32(field);
						}
					}
					if (events)
					{
						ids->group = id;
					}
				}
				break;
		}
	}
	return MNL_CB_OK;
}

/*
 * Described in header
 */
struct mnl_socket *flexvpn_kernel_events_open(uint16_t *family)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	family_group_t ids = {};
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int size = 1 << 20;

	nlh = genl_header(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLEXVPN_GENL_NAME);
	if (!talk(NETLINK_GENERIC, nlh, group_cb, &ids,
			  "generic netlink family " FLEXVPN_GENL_NAME
			  " (is flexvpn.ko loaded?)"))
	{
		return NULL;
	}
	if (!ids.group)
	{
		DBG1(DBG_KNL, "flexvpn: the module has no \"%s\" group",
			 FLEXVPN_MCGRP_EVENTS);
		return NULL;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
	{
		DBG1(DBG_KNL, "flexvpn: opening the events socket: %s",
			 strerror(errno));
		return NULL;
	}
	/* a burst of redirects must not overrun it; losing some is harmless,
	 * the kernel repeats them while traffic goes through the hub */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
		mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &ids.group,
							  sizeof(ids.group)) < 0)
	{
		DBG1(DBG_KNL, "flexvpn: joining the \"%s\" group: %s",
			 FLEXVPN_MCGRP_EVENTS, strerror(errno));
		mnl_socket_close(nl);
		return NULL;
	}
	*family = ids.family;
	return nl;
}

/*
 * Described in header
 */
uint32_t flexvpn_kernel_master(uint32_t ifindex)
{
	link_info_t dev = {};

	if (!link_get(ifindex, NULL, &dev, "reading a device"))
	{
		return 0;
	}
	return dev.master;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;
	struct rtnl_link_stats64 stats;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) == IFLA_STATS64 &&
			mnl_attr_get_payload_len(attr) >= sizeof(stats))
		{
			memcpy(&stats, mnl_attr_get_payload(attr), sizeof(stats));
			*(uint64_t*)data = stats.rx_packets + stats.tx_packets;
		}
	}
	return MNL_CB_OK;
}

/*
 * Described in header
 */
bool flexvpn_kernel_link_packets(uint32_t ifindex, uint64_t *packets)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	*packets = 0;
	return talk(NETLINK_ROUTE, getlink_msg(buf, ifindex), stats_cb, packets,
				NULL);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct rtmsg))
	{
		if (mnl_attr_get_type(attr) == RTA_OIF)
		{
			*(uint32_t*)data = mnl_attr_get_u32(attr);
		}
	}
	return MNL_CB_OK;
}

/*
 * Described in header
 */
uint32_t flexvpn_kernel_route_get(int family, const uint8_t *addr,
								  uint32_t vrf)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	uint32_t oif = 0;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, addr);
	if (vrf)
	{	/* as `ip route get ADDR vrf NAME`: the VRF's table */
		mnl_attr_put_u32(nlh, RTA_OIF, vrf);
	}
	if (!talk(NETLINK_ROUTE, nlh, route_cb, &oif, NULL))
	{
		return 0;
	}
	return oif;
}
