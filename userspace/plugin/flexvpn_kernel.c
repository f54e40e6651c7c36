/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The plugin's netlink: flexvpn's generic-netlink family for access
 * devices, rtnetlink for finding their VRF's table and the routes learned
 * through them. Both go through the project's library (libfvnl: the
 * socket, the family lookup, the flexvpn messages); what is here is the
 * plugin's side: one socket per bus, kept open and used by one request at
 * a time, and failures logged.
 */

#include "flexvpn_kernel.h"

#include <errno.h>
#include <fvnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/nexthop.h>

#include <daemon.h>
#include <threading/mutex.h>

/**
 * A netlink socket of one bus, opened on first use and opened anew when a
 * request left it out of step with the kernel.
 */
typedef struct {
	int bus;
	/** serializes requests (charon's threads, kernel-netlink's events) */
	mutex_t *mutex;
	struct fvnl *s;
} bus_socket_t;

enum {
	SOCKET_ROUTE,
	SOCKET_GENERIC,
};

static bus_socket_t sockets[] = {
	[SOCKET_ROUTE] = { .bus = NETLINK_ROUTE },
	[SOCKET_GENERIC] = { .bus = NETLINK_GENERIC },
};

/**
 * The usable socket of sk, opening it if need be; NULL (errno set) on
 * failure. Called with sk->mutex held.
 */
static struct fvnl *socket_get(bus_socket_t *sk)
{
	if (sk->s && sk->s->lost_sync)
	{
		fvnl_close(sk->s);
		sk->s = NULL;
	}
	if (!sk->s)
	{
		sk->s = fvnl_open(sk->bus);
	}
	return sk->s;
}

/**
 * Send nlh, or else the flexvpn request r, on the socket of sk and hand cb
 * the replies up to the ack or the end of the dump. For r, the family is
 * looked up first, every time: the module may be reloaded while charon
 * runs, and its id then changes. On failure, logs what failed with the
 * kernel's message (not if what is NULL: a question whose answer may be
 * "no"), and leaves errno set.
 */
static bool request(bus_socket_t *sk, struct nlmsghdr *nlh,
					struct fv_request *r, mnl_cb_t cb, void *data, char *what)
{
	struct fvnl *s;
	int err;

	sk->mutex->lock(sk->mutex);
	s = socket_get(sk);
	err = s ? 0 : -errno;
	if (!err && r)
	{
		err = fvnl_resolve(s);
		if (!err)
		{	/* built where the replies go: not needed once sent */
			nlh = fvnl_request(s->buf, s->family, r);
		}
	}
	if (!err)
	{
		err = fvnl_talk(s, nlh, cb, data);
	}
	if (err && what)
	{
		DBG1(DBG_KNL, "flexvpn: %s: %s", what,
			 s ? s->error : strerror(-err));
	}
	sk->mutex->unlock(sk->mutex);
	errno = -err;
	return !err;
}

/**
 * An rtnetlink request, see request()
 */
static bool talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, char *what)
{
	return request(&sockets[SOCKET_ROUTE], nlh, NULL, cb, data, what);
}

/**
 * A flexvpn request, see request()
 */
static bool flexvpn_talk(struct fv_request *r, mnl_cb_t cb, void *data,
						 char *what)
{
	return request(&sockets[SOCKET_GENERIC], NULL, r, cb, data, what);
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
		fvnl_close(sockets[i].s);
		sockets[i].s = NULL;
		sockets[i].mutex->destroy(sockets[i].mutex);
	}
}

/* ------------------------------------------------------------ genl */

/**
 * An address into the model: the attribute of its family
 */
static void set_host(uint32_t *present, struct fv_ips *ips, int v4, int v6,
					 host_t *host)
{
	chunk_t addr = host->get_address(host);

	if (host->get_family(host) == AF_INET)
	{
		memcpy(&ips->v4, addr.ptr, min(addr.len, sizeof(ips->v4)));
		*present |= 1 << v4;
	}
	else
	{
		memcpy(&ips->v6, addr.ptr, min(addr.len, sizeof(ips->v6)));
		*present |= 1 << v6;
	}
}

/**
 * An access device's settings: what is NULL is not sent
 */
static void set_access(struct fv_access *a, host_t *local, host_t *remote,
					   char *peer_id, uint64_t *owner)
{
	memset(a, 0, sizeof(*a));
	if (local)
	{
		set_host(&a->present, &a->local, FLEXVPN_ACCESS_A_LOCAL_IPV4,
				 FLEXVPN_ACCESS_A_LOCAL_IPV6, local);
	}
	if (remote)
	{
		set_host(&a->present, &a->remote, FLEXVPN_ACCESS_A_REMOTE_IPV4,
				 FLEXVPN_ACCESS_A_REMOTE_IPV6, remote);
	}
	if (peer_id)
	{
		snprintf(a->peer_id, sizeof(a->peer_id), "%s", peer_id);
		a->present |= 1 << FLEXVPN_ACCESS_A_PEER_ID;
	}
	if (owner)
	{
		a->owner = *owner;
		a->present |= 1 << FLEXVPN_ACCESS_A_OWNER;
	}
}

/**
 * A profile's shaper: its rate, and of the rest what is not 0 (NULL),
 * which the kernel then takes from the template's default
 */
static void set_shaping(struct fv_access *a, flexvpn_shaping_t *shaping)
{
	struct fv_shaper *sh = &a->shaper;

	sh->rate = shaping->rate;
	sh->ceil = shaping->ceil;
	sh->burst = shaping->burst;
	sh->qlen = shaping->qlen;
	sh->present = (1 << FLEXVPN_SHAPER_A_RATE) |
				  (sh->ceil ? 1 << FLEXVPN_SHAPER_A_CEIL : 0) |
				  (sh->burst ? 1 << FLEXVPN_SHAPER_A_BURST : 0) |
				  (sh->qlen ? 1 << FLEXVPN_SHAPER_A_QLEN : 0);
	if (shaping->group)
	{
		snprintf(sh->group, sizeof(sh->group), "%s", shaping->group);
		sh->present |= 1 << FLEXVPN_SHAPER_A_GROUP;
	}
	a->present |= 1 << FLEXVPN_ACCESS_A_SHAPER;
}

/* one access device of a reply into a new flexvpn_access_t in the list */
static int access_cb(const struct nlmsghdr *nlh, void *data)
{
	linked_list_t *list = data;
	flexvpn_access_t *access;
	struct fv_access a;
	int err;

	err = fvnl_get_access(nlh, &a);
	if (err)
	{
		return fvnl_cb_fail(err);
	}
	INIT(access,
		.ifindex = a.ifindex,
		.owner = a.owner,
	);
	snprintf(access->ifname, sizeof(access->ifname), "%s", a.ifname);
	list->insert_last(list, access);
	return MNL_CB_OK;
}

/*
 * Described in header
 */
linked_list_t *flexvpn_kernel_access_dump()
{
	struct fv_request r = { .cmd = FLEXVPN_CMD_ACCESS_GET, .dump = TRUE };
	linked_list_t *list;

	list = linked_list_create();
	if (!flexvpn_talk(&r, access_cb, list, "dumping access devices"))
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
	return talk(nlh, link_cb, info, what);
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

/**
 * Add (exclusively) or delete a route to prefix by via (RTA_OIF: a device,
 * RTA_NH_ID: a nexthop object), with protocol FLEXVPN_RTPROT, in table with
 * metric.
 */
static bool route(bool add, flexvpn_prefix_t *prefix, int via, uint32_t id,
				  uint32_t table, uint32_t metric, char *what)
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
	mnl_attr_put_u32(nlh, via, id);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (metric)
	{
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	}
	return talk(nlh, NULL, NULL, what);
}

/*
 * Described in header
 */
bool flexvpn_kernel_route(bool add, flexvpn_prefix_t *prefix, uint32_t ifindex,
						  uint32_t table, uint32_t metric)
{
	return route(add, prefix, RTA_OIF, ifindex, table, metric,
				 add ? "adding a learned route" : "deleting a learned route");
}

/*
 * Described in header
 */
bool flexvpn_kernel_route_nh(bool add, flexvpn_prefix_t *prefix, uint32_t nhid,
							 uint32_t table, uint32_t metric)
{
	return route(add, prefix, RTA_NH_ID, nhid, table, metric,
				 add ? "adding a route to hubs" : "deleting a route to hubs");
}

/**
 * The NHA_ID of the RTM_NEWNEXTHOP the kernel echoes.
 */
static int nexthop_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;
	uint32_t *id = data;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP)
	{
		return MNL_CB_OK;
	}
	mnl_attr_for_each(attr, nlh, sizeof(struct nhmsg))
	{
		if (mnl_attr_get_type(attr) == NHA_ID &&
			mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		{
			*id = mnl_attr_get_u32(attr);
		}
	}
	return MNL_CB_OK;
}

/**
 * RTM_NEWNEXTHOP: with id 0 a new one, whose id the kernel picks and
 * echoes (no clash with the ids of FRR or an administrator); with an id,
 * a replacement.
 */
static uint32_t nexthop_new(struct nlmsghdr *nlh, uint32_t id, char *what)
{
	uint32_t got = 0;

	if (id)
	{
		nlh->nlmsg_flags = NLM_F_REPLACE;
		mnl_attr_put_u32(nlh, NHA_ID, id);
		return talk(nlh, NULL, NULL, what) ? id : 0;
	}
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO;
	if (!talk(nlh, nexthop_cb, &got, what))
	{
		return 0;
	}
	return got;
}

/*
 * Described in header
 */
uint32_t flexvpn_kernel_nexthop_add(int family, uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEXTHOP;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = family;
	mnl_attr_put_u32(nlh, NHA_OIF, ifindex);
	return nexthop_new(nlh, 0, "adding a nexthop");
}

/*
 * Described in header
 */
uint32_t flexvpn_kernel_nexthop_group(uint32_t id, uint32_t *members,
									  int count)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nexthop_grp grp[count];
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;
	int i;

	memset(grp, 0, sizeof(grp));
	for (i = 0; i < count; i++)
	{
		grp[i].id = members[i];
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEXTHOP;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	/* a group has no family of its own */
	nhm->nh_family = AF_UNSPEC;
	mnl_attr_put(nlh, NHA_GROUP, sizeof(grp), grp);
	return nexthop_new(nlh, id, id ? "changing a nexthop group"
								   : "adding a nexthop group");
}

/*
 * Described in header
 */
bool flexvpn_kernel_nexthop_del(uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELNEXTHOP;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NHA_ID, id);
	return talk(nlh, NULL, NULL, "deleting a nexthop");
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
	return talk(nlh, NULL, NULL, "adding a virtual IP");
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
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_NEW,
		.dev = template,
		.access = &a,
	};
	flexvpn_access_t *created;
	linked_list_t *list;
	bool ok;

	set_access(&a, local, remote, peer_id, &owner);
	if (shaping && shaping->rate)
	{
		set_shaping(&a, shaping);
	}
	list = linked_list_create();
	ok = flexvpn_talk(&r, access_cb, list, what) &&
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
	struct fv_access a;
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_SET,
		.ifindex = ifindex,
		.access = &a,
	};

	set_access(&a, local, remote, peer_id, owner);
	return flexvpn_talk(&r, NULL, NULL, "changing an access device");
}

/*
 * Described in header
 */
bool flexvpn_kernel_access_del(uint32_t ifindex)
{
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_DEL,
		.ifindex = ifindex,
	};

	return flexvpn_talk(&r, NULL, NULL, "deleting an access device");
}

/* ------------------------------------------------------------ NHRP */

/*
 * Described in header
 */
struct fvnl *flexvpn_kernel_events_open()
{
	struct fvnl *s;
	int size = 1 << 20;

	s = fvnl_open(NETLINK_GENERIC);
	if (!s)
	{
		DBG1(DBG_KNL, "flexvpn: opening the events socket: %s",
			 strerror(errno));
		return NULL;
	}
	/* a burst of redirects must not overrun it; losing some is harmless,
	 * the kernel repeats them while traffic goes through the hub */
	setsockopt(fvnl_fd(s), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (fvnl_resolve(s) || fvnl_subscribe(s))
	{
		DBG1(DBG_KNL, "flexvpn: the events of the flexvpn module: %s",
			 s->error);
		fvnl_close(s);
		return NULL;
	}
	return s;
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
	return talk(getlink_msg(buf, ifindex), stats_cb, packets,
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
	if (!talk(nlh, route_cb, &oif, NULL))
	{
		return 0;
	}
	return oif;
}
