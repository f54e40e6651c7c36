/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * NHRP shortcut switching (RFC 2332 as Cisco DMVPN/FlexVPN and FRR speak
 * it), on the access devices of profiles with nhrp = yes:
 *
 * hub    the kernel's redirect trigger (a packet in by one access device,
 *        out by another of the same network-id) -> a Traffic Indication to
 *        the source spoke through its device. A Resolution Request is
 *        forwarded through the device the kernel routes its destination
 *        through (a spoke, or another hub), with our Forward Transit record.
 * spoke  (shortcut = CONN) a Traffic Indication -> a Resolution Request for
 *        the packet's destination through the device it came by. A request
 *        for one of the profile's routes -> CONN initiated to the
 *        requester's NBMA address; once the shortcut device is up, the
 *        Resolution Reply (prefix length of our route) through it. A reply
 *        -> a route for the prefix through the device it came by, with the
 *        hold time; refreshed while the device carries traffic, removed
 *        when it is idle at expiry, and the shortcut IKE_SA with its last
 *        entry.
 *
 * NHRP travels only inside the access devices (GRE protocol 0x2001,
 * protected by the IKE_SA's ESP like everything else), through one AF_PACKET
 * socket; packets of other devices are ignored.
 */

#include "flexvpn_nhrp.h"
#include "flexvpn_kernel.h"
#include "flexvpn_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <fvnl.h>
#include <linux/flexvpn.h>

#include <daemon.h>
#include <threading/mutex.h>
#include <processing/jobs/callback_job.h>

#include "../nhrp/nhrp.h"
#include "../nhrp/nhrp_ctl.h"

/** hop count of what we originate, as FRR */
#define HOP_COUNT 64
/** a Resolution Request without reply is given up after, seconds */
#define REQUEST_TIMEOUT 5
/** a shortcut IKE_SA we initiate must bring its device up within, s */
#define SHORTCUT_TIMEOUT 20
/** back-off after a failed resolution: from, doubling up to, seconds */
#define BACKOFF_MIN 5
#define BACKOFF_MAX 300
/** a shortcut device that never carried an entry is removed after, s */
#define UNUSED_DEVICE 30
/**
 * Two spokes resolving each other at once would each bring up a shortcut:
 * the one with the higher NBMA address waits that long for the other's, s
 */
#define DEFER 3
/** bounds on what peers can make us keep */
#define MAX_ENTRIES 4096
#define MAX_PENDING 256
/** failed entries are forgotten that long after their back-off, s */
#define FAILED_FORGET 600

typedef struct private_flexvpn_nhrp_t private_flexvpn_nhrp_t;

/**
 * An access device NHRP runs on.
 */
typedef struct {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t ike_id;
	host_t *local;
	host_t *remote;
	uint32_t table;
	/** the VRF device, for route lookups; 0: none */
	uint32_t vrf;
	flexvpn_profile_t *profile;
	/** its IKE_SA is of some profile's shortcut connection */
	bool shortcut;
	/** an entry has used it */
	bool had_entry;
	/** its teardown is on its way */
	bool reaped;
	/** NHRP packets it carried: not traffic that keeps a shortcut */
	uint64_t nhrp_packets;
	time_t created;
} nhrp_dev_t;

typedef enum {
	ENTRY_DYNAMIC,
	ENTRY_LOCAL,
	ENTRY_INCOMPLETE,
	ENTRY_FAILED,
} entry_type_t;

static char *entry_names[] = {
	NHRP_CTL_DYNAMIC, NHRP_CTL_LOCAL, NHRP_CTL_INCOMPLETE, NHRP_CTL_FAILED,
};

/**
 * One entry of the NHRP cache.
 */
typedef struct {
	entry_type_t type;
	/** dynamic: the route; local: ours, answered; else: the host resolved */
	flexvpn_prefix_t prefix;
	/** dynamic, local: the shortcut device; else 0 */
	uint32_t ifindex;
	/** the device requests go through (the hub's) */
	uint32_t via;
	/** the peer's NBMA and protocol address, NULL if not known */
	host_t *nbma;
	host_t *proto;
	time_t expires;
	/** the request in flight (incomplete, or a dynamic one's refresh) */
	uint32_t request_id;
	/** the one it repeated: its reply may still come */
	uint32_t prev_request_id;
	bool refreshing;
	/** the device's packet count at the last look, and whether it grew */
	uint64_t packets;
	bool used;
	/** used since the last refresh */
	bool used_since_refresh;
	uint32_t hold;
	/** failed: the current back-off, s */
	uint32_t backoff;
} entry_t;

/**
 * A Resolution Request we answer once the shortcut device is up.
 */
typedef struct {
	chunk_t packet;
	host_t *nbma;
	flexvpn_prefix_t prefix;
	uint32_t hold;
	time_t since;
	/** when to initiate the shortcut ourselves, 0: done or not ours */
	time_t initiate_at;
	/** the shortcut connection */
	char *conn;
} pending_t;

/**
 * A shortcut IKE_SA to initiate.
 */
typedef struct {
	char *conn;
	host_t *nbma;
} initiate_t;

/**
 * A requester we could not build a shortcut to, until when.
 */
typedef struct {
	host_t *nbma;
	time_t until;
	uint32_t backoff;
} backoff_t;

struct private_flexvpn_nhrp_t {

	flexvpn_nhrp_t public;

	flexvpn_profiles_t *profiles;

	/** nhrp_dev_t* */
	linked_list_t *devs;
	/** entry_t* */
	linked_list_t *entries;
	/** pending_t* */
	linked_list_t *pending;
	/** backoff_t* */
	linked_list_t *backoffs;

	mutex_t *mutex;

	/** AF_PACKET socket for 0x2001 on every device */
	int pkt;
	/** joined to the module's events group */
	struct fvnl *events;
	/** the control socket */
	int ctl;

	uint32_t request_id;
};

/* ------------------------------------------------------------ helpers */

static void entry_destroy(entry_t *entry)
{
	DESTROY_IF(entry->nbma);
	DESTROY_IF(entry->proto);
	free(entry);
}

static void pending_destroy(pending_t *pending)
{
	chunk_free(&pending->packet);
	pending->nbma->destroy(pending->nbma);
	free(pending->conn);
	free(pending);
}

static void initiate_destroy(initiate_t *initiate)
{
	free(initiate->conn);
	initiate->nbma->destroy(initiate->nbma);
	free(initiate);
}

static void backoff_destroy(backoff_t *backoff)
{
	backoff->nbma->destroy(backoff->nbma);
	free(backoff);
}

static void dev_destroy(nhrp_dev_t *dev)
{
	dev->local->destroy(dev->local);
	dev->remote->destroy(dev->remote);
	free(dev);
}

static nhrp_dev_t *dev_by_index(private_flexvpn_nhrp_t *this, uint32_t ifindex)
{
	enumerator_t *enumerator;
	nhrp_dev_t *dev, *found = NULL;

	enumerator = this->devs->create_enumerator(this->devs);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		if (dev->ifindex == ifindex)
		{
			found = dev;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static nhrp_dev_t *dev_by_remote(private_flexvpn_nhrp_t *this, host_t *remote)
{
	enumerator_t *enumerator;
	nhrp_dev_t *dev, *found = NULL;

	enumerator = this->devs->create_enumerator(this->devs);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		if (dev->remote->ip_equals(dev->remote, remote))
		{
			found = dev;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static int addr_family(const struct nhrp_addr *addr)
{
	return addr->len == 4 ? AF_INET : addr->len == 16 ? AF_INET6 : AF_UNSPEC;
}

static host_t *addr_host(const struct nhrp_addr *addr)
{
	if (!addr_family(addr))
	{
		return NULL;
	}
	return host_create_from_chunk(addr_family(addr),
						chunk_create((u_char*)addr->bytes, addr->len), 0);
}

static void host_addr(host_t *host, struct nhrp_addr *addr)
{
	chunk_t raw = host->get_address(host);

	addr->len = raw.len;
	memcpy(addr->bytes, raw.ptr, raw.len);
}

static uint16_t host_afn(host_t *host)
{
	return host->get_family(host) == AF_INET ? NHRP_AFN_IPV4 : NHRP_AFN_IPV6;
}

/**
 * A host prefix of an address.
 */
static void addr_prefix(const struct nhrp_addr *addr, flexvpn_prefix_t *prefix)
{
	memset(prefix, 0, sizeof(*prefix));
	prefix->family = addr_family(addr);
	memcpy(prefix->addr, addr->bytes, addr->len);
	prefix->len = prefix->le = addr->len * 8;
}

/**
 * The address of a prefix.
 */
static void prefix_addr(flexvpn_prefix_t *prefix, struct nhrp_addr *addr)
{
	addr->len = prefix->family == AF_INET ? 4 : 16;
	memcpy(addr->bytes, prefix->addr, addr->len);
}

/**
 * The prefix of length len around an address.
 */
static void prefix_mask(flexvpn_prefix_t *prefix, uint8_t len)
{
	int i;

	prefix->len = prefix->le = len;
	for (i = 0; i < 16; i++)
	{
		if (i * 8 >= len)
		{
			prefix->addr[i] = 0;
		}
		else if (i * 8 + 8 > len)
		{
			prefix->addr[i] &= 0xff << (8 - len % 8);
		}
	}
}

static host_t *prefix_host(flexvpn_prefix_t *prefix)
{
	return host_create_from_chunk(prefix->family,
				chunk_create(prefix->addr, prefix->family == AF_INET ? 4 : 16),
				0);
}

static bool prefix_equals(flexvpn_prefix_t *a, flexvpn_prefix_t *b)
{
	return a->family == b->family && a->len == b->len &&
		   memeq(a->addr, b->addr, 16);
}

/**
 * The first of list that contains prefix, or NULL.
 */
static flexvpn_prefix_t *prefix_within_any(linked_list_t *list,
										   flexvpn_prefix_t *prefix)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *current, *found = NULL;

	enumerator = list->create_enumerator(list);
	while (!found && enumerator->enumerate(enumerator, &current))
	{
		if (flexvpn_prefix_within(current, prefix))
		{
			found = current;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Whether a prefix lies within one of the routes we announce (through any
 * NHRP device).
 */
static bool ours(private_flexvpn_nhrp_t *this, flexvpn_prefix_t *prefix)
{
	enumerator_t *enumerator;
	nhrp_dev_t *dev;
	bool found = FALSE;

	enumerator = this->devs->create_enumerator(this->devs);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		found = prefix_within_any(dev->profile->routes, prefix) != NULL;
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Our NHRP protocol address of a family on a device: an address of this
 * host within one of the routes we announce (our LAN's), else the outer
 * address if it is of that family, else any global address of the family.
 */
static bool proto_addr(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
					   int family, struct nhrp_addr *addr)
{
	struct ifaddrs *ifas, *ifa;
	flexvpn_prefix_t prefix;
	host_t *host;
	bool inside, found = FALSE, any = FALSE;
	struct nhrp_addr fallback = {};

	if (dev->local->get_family(dev->local) == family)
	{
		host_addr(dev->local, &fallback);
		any = TRUE;
	}
	if (getifaddrs(&ifas) != 0)
	{
		*addr = fallback;
		return any;
	}
	for (ifa = ifas; ifa && !found; ifa = ifa->ifa_next)
	{
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family ||
			(ifa->ifa_flags & IFF_LOOPBACK))
		{
			continue;
		}
		host = host_create_from_sockaddr(ifa->ifa_addr);
		if (!host)
		{
			continue;
		}
		host_addr(host, addr);
		addr_prefix(addr, &prefix);
		inside = ours(this, &prefix);
		if (inside)
		{
			found = TRUE;
		}
		else if (!any && !(family == AF_INET6 &&
						   IN6_IS_ADDR_LINKLOCAL((struct in6_addr*)
												 addr->bytes)))
		{
			fallback = *addr;
			any = TRUE;
		}
		host->destroy(host);
	}
	freeifaddrs(ifas);
	if (!found)
	{
		*addr = fallback;
	}
	return found || any;
}

/**
 * Send an NHRP message through a device.
 */
static bool send_msg(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
					 struct nhrp_msg *m)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(FLEXVPN_ETH_P_NHRP),
		.sll_ifindex = dev->ifindex,
	};
	struct nhrp_error err;
	uint8_t buf[2048];
	ssize_t len;

	len = nhrp_encode(m, buf, sizeof(buf), &err);
	if (len < 0)
	{
		DBG1(DBG_NET, "flexvpn: cannot encode an NHRP %s: %s",
			 nhrp_type_name(m->type), err.msg);
		return FALSE;
	}
	if (sendto(this->pkt, buf, len, 0, (struct sockaddr*)&sll,
			   sizeof(sll)) != len)
	{
		DBG1(DBG_NET, "flexvpn: sending an NHRP %s through %s: %s",
			 nhrp_type_name(m->type), dev->ifname, strerror(errno));
		return FALSE;
	}
	dev->nhrp_packets++;
	DBG2(DBG_NET, "flexvpn: sent NHRP %s (%zd bytes) through %s",
		 nhrp_type_name(m->type), len, dev->ifname);
	return TRUE;
}

/**
 * A CIE for ourselves on a device: NBMA, protocol address, hold time.
 */
static bool put_self(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
					 int family, struct nhrp_cie *cie,
					 uint16_t hold)
{
	if (!cie)
	{
		return FALSE;
	}
	cie->code = NHRP_CODE_SUCCESS;
	cie->holding_time = hold;
	host_addr(dev->local, &cie->nbma);
	return proto_addr(this, dev, family, &cie->proto);
}

/**
 * Append the CIEs of list in in to list of out.
 */
static bool copy_cies(const struct nhrp_msg *in, const struct nhrp_cie_list *from,
					  struct nhrp_msg *out, struct nhrp_cie_list *to)
{
	struct nhrp_cie *cie;
	unsigned int i;

	for (i = 0; i < from->count; i++)
	{
		cie = nhrp_cie_add(out, to);
		if (!cie)
		{
			return FALSE;
		}
		*cie = *nhrp_cie_get(in, from, i);
	}
	return TRUE;
}

/**
 * Copy the extensions of in to out; with self, our CIE is added to the
 * extension of type self_type (Forward Transit: a hop; Responder: filled).
 */
static bool copy_exts(private_flexvpn_nhrp_t *this,
					  const struct nhrp_msg *in, struct nhrp_msg *out,
					  uint16_t self_type, nhrp_dev_t *self, uint16_t hold,
					  uint16_t skip)
{
	const struct nhrp_ext *ext;
	struct nhrp_ext *copy;
	unsigned int i;

	out->end_compulsory = in->end_compulsory;
	for (i = 0; i < in->n_ext; i++)
	{
		ext = &in->ext[i];
		if (skip && ext->type == skip)
		{
			continue;
		}
		copy = nhrp_ext_add(out, ext->type, ext->compulsory);
		if (!copy)
		{
			return FALSE;
		}
		copy->auth_reserved = ext->auth_reserved;
		copy->auth_spi = ext->auth_spi;
		copy->data = ext->data;
		if (!nhrp_ext_has_cies(ext->type))
		{
			continue;
		}
		if (ext->type == NHRP_EXT_RESPONDER && self &&
			self_type == NHRP_EXT_RESPONDER)
		{	/* the responder is us, whatever was there */
			if (!put_self(this, self, addr_family(&in->dst_proto),
						  nhrp_cie_add(out, &copy->cies), hold))
			{
				return FALSE;
			}
			continue;
		}
		if (!copy_cies(in, &ext->cies, out, &copy->cies))
		{
			return FALSE;
		}
		if (ext->type == self_type && self && self_type != NHRP_EXT_RESPONDER &&
			!put_self(this, self, addr_family(&in->dst_proto),
					  nhrp_cie_add(out, &copy->cies), hold))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * The mandatory part of in into out (a new message of type).
 */
static void copy_mandatory(const struct nhrp_msg *in, struct nhrp_msg *out,
						   uint8_t type)
{
	nhrp_msg_init(out, type, in->afn, in->proto_type);
	memcpy(out->snap, in->snap, sizeof(out->snap));
	out->u.req = in->u.req;
	out->src_nbma = in->src_nbma;
	out->src_proto = in->src_proto;
	out->dst_proto = in->dst_proto;
}

/* ------------------------------------------------------------ entries */

static entry_t *entry_find(private_flexvpn_nhrp_t *this, entry_type_t type,
						   flexvpn_prefix_t *prefix, uint32_t ifindex)
{
	enumerator_t *enumerator;
	entry_t *entry, *found = NULL;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &entry))
	{
		if (entry->type == type && prefix_equals(&entry->prefix, prefix) &&
			(!ifindex || entry->ifindex == ifindex))
		{
			found = entry;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * The entry that covers a destination: a dynamic one whose prefix has it,
 * or an incomplete or failed one for exactly it.
 */
static entry_t *entry_covering(private_flexvpn_nhrp_t *this,
							   flexvpn_prefix_t *dst)
{
	enumerator_t *enumerator;
	entry_t *entry, *found = NULL;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &entry))
	{
		switch (entry->type)
		{
			case ENTRY_DYNAMIC:
				if (flexvpn_prefix_within(&entry->prefix, dst))
				{
					found = entry;
				}
				break;
			case ENTRY_INCOMPLETE:
			case ENTRY_FAILED:
				if (prefix_equals(&entry->prefix, dst))
				{
					found = entry;
				}
				break;
			default:
				break;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static entry_t *entry_by_request(private_flexvpn_nhrp_t *this, uint32_t id)
{
	enumerator_t *enumerator;
	entry_t *entry, *found = NULL;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &entry))
	{
		if ((entry->request_id == id || entry->prev_request_id == id) &&
			(entry->type == ENTRY_INCOMPLETE ||
			 (entry->type == ENTRY_DYNAMIC && entry->refreshing)))
		{
			found = entry;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static bool dev_has_entries(private_flexvpn_nhrp_t *this, uint32_t ifindex)
{
	enumerator_t *enumerator;
	entry_t *entry;
	bool found = FALSE;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &entry))
	{
		found = (entry->type == ENTRY_DYNAMIC || entry->type == ENTRY_LOCAL) &&
				entry->ifindex == ifindex;
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Tear a shortcut device's IKE_SA down (the device goes with it).
 */
static void shortcut_down(nhrp_dev_t *dev, char *why)
{
	DBG1(DBG_CFG, "flexvpn: shortcut %s to %H %s: terminating IKE_SA [%u]",
		 dev->ifname, dev->remote, why, dev->ike_id);
	flexvpn_ike_terminate(dev->ike_id);
}

/**
 * Remove an entry (its route, if dynamic); with teardown, the shortcut
 * device's IKE_SA too when this was its last entry.
 */
static void entry_remove(private_flexvpn_nhrp_t *this, entry_t *entry,
						 enumerator_t *at, bool teardown, char *why)
{
	nhrp_dev_t *dev = NULL;
	host_t *host;

	if (entry->ifindex)
	{
		dev = dev_by_index(this, entry->ifindex);
	}
	if (entry->type == ENTRY_DYNAMIC && dev)
	{
		flexvpn_kernel_route(FALSE, &entry->prefix, dev->ifindex, dev->table,
							 dev->profile->metric);
		host = prefix_host(&entry->prefix);
		DBG1(DBG_CFG, "flexvpn: NHRP route %H/%u through %s removed: %s",
			 host, entry->prefix.len, dev->ifname, why);
		DESTROY_IF(host);
	}
	if (at)
	{
		this->entries->remove_at(this->entries, at);
	}
	else
	{
		this->entries->remove(this->entries, entry, NULL);
	}
	entry_destroy(entry);
	if (teardown && dev && dev->shortcut &&
		!dev_has_entries(this, dev->ifindex))
	{
		shortcut_down(dev, why);
	}
}

/* ------------------------------------------------------------ sending */

/**
 * A Resolution Request for dst through dev (the hub's); its id.
 */
static uint32_t send_request(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
							 const struct nhrp_addr *dst)
{
	struct nhrp_msg m;
	struct nhrp_cie *cie;
	int family = addr_family(dst);

	nhrp_msg_init(&m, NHRP_RESOLUTION_REQUEST, host_afn(dev->local),
				  family == AF_INET ? NHRP_PROTO_IPV4 : NHRP_PROTO_IPV6);
	m.hop_count = HOP_COUNT;
	m.u.req.flags = NHRP_FLAG_RES_ROUTER | NHRP_FLAG_RES_AUTHORITATIVE |
					NHRP_FLAG_RES_SRC_STABLE;
	m.u.req.request_id = ++this->request_id;
	host_addr(dev->local, &m.src_nbma);
	if (!proto_addr(this, dev, family, &m.src_proto))
	{
		DBG1(DBG_CFG, "flexvpn: no address of this host to resolve from");
		return 0;
	}
	m.dst_proto = *dst;
	cie = nhrp_cie_add(&m, &m.cies);
	cie->code = NHRP_CODE_SUCCESS;
	cie->holding_time = dev->profile->holdtime;
	nhrp_ext_add(&m, NHRP_EXT_FORWARD_TRANSIT, TRUE);
	nhrp_ext_add(&m, NHRP_EXT_REVERSE_TRANSIT, TRUE);
	nhrp_ext_add(&m, NHRP_EXT_RESPONDER, TRUE);
	m.end_compulsory = TRUE;
	if (!send_msg(this, dev, &m))
	{
		return 0;
	}
	return m.u.req.request_id;
}

/**
 * Answer a Resolution Request for our prefix through the shortcut device.
 */
static void send_reply(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
					   const struct nhrp_msg *req, flexvpn_prefix_t *prefix,
					   uint32_t hold)
{
	struct nhrp_msg m;
	struct nhrp_cie *cie;
	entry_t *entry;
	host_t *host;

	copy_mandatory(req, &m, NHRP_RESOLUTION_REPLY);
	m.hop_count = HOP_COUNT;
	m.u.req.flags |= NHRP_FLAG_RES_AUTHORITATIVE | NHRP_FLAG_RES_DST_STABLE;
	cie = nhrp_cie_add(&m, &m.cies);
	if (!put_self(this, dev, addr_family(&req->dst_proto), cie, hold))
	{
		return;
	}
	cie->prefix_len = prefix->len;
	if (!copy_exts(this, req, &m, NHRP_EXT_RESPONDER, dev, hold, 0) ||
		!send_msg(this, dev, &m))
	{
		return;
	}
	host = prefix_host(prefix);
	DBG1(DBG_CFG, "flexvpn: NHRP Resolution Reply (id %u) for %H/%u through "
		 "%s to %H", req->u.req.request_id, host, prefix->len, dev->ifname,
		 dev->remote);
	host->destroy(host);

	entry = entry_find(this, ENTRY_LOCAL, prefix, dev->ifindex);
	if (!entry)
	{
		INIT(entry,
			.type = ENTRY_LOCAL,
			.prefix = *prefix,
			.ifindex = dev->ifindex,
			.nbma = dev->remote->clone(dev->remote),
			.proto = addr_host(&req->src_proto),
		);
		this->entries->insert_last(this->entries, entry);
	}
	entry->hold = hold;
	entry->expires = time_monotonic(NULL) + hold;
	dev->had_entry = TRUE;
}

/* ------------------------------------------------------------ receiving */

/**
 * Hub: the kernel's redirect trigger -> a Traffic Indication to the spoke
 * the packet came from.
 */
static void redirect(private_flexvpn_nhrp_t *this, uint32_t in,
					 const struct nhrp_addr *src, const uint8_t *packet,
					 size_t len)
{
	struct nhrp_msg m;
	nhrp_dev_t *dev;

	dev = dev_by_index(this, in);
	if (!dev || !src->len)
	{
		return;
	}
	nhrp_msg_init(&m, NHRP_TRAFFIC_INDICATION, host_afn(dev->local),
				  src->len == 4 ? NHRP_PROTO_IPV4 : NHRP_PROTO_IPV6);
	m.hop_count = 1;
	host_addr(dev->local, &m.src_nbma);
	if (!proto_addr(this, dev, addr_family(src), &m.src_proto))
	{
		return;
	}
	m.dst_proto = *src;
	m.payload.data = packet;
	m.payload.len = len;
	if (send_msg(this, dev, &m))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Traffic Indication to %H through %s",
			 dev->remote, dev->ifname);
	}
}

/**
 * Spoke: a Traffic Indication -> resolve the destination of the packet.
 */
static void traffic_indication(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
							   struct nhrp_msg *m)
{
	const uint8_t *ip = m->payload.data;
	struct nhrp_addr dst = {};
	flexvpn_prefix_t prefix;
	entry_t *entry;
	time_t now = time_monotonic(NULL);
	host_t *host;

	if (!dev->profile->shortcut)
	{
		DBG2(DBG_CFG, "flexvpn: NHRP Traffic Indication on %s ignored: "
			 "profile %s has no shortcut connection", dev->ifname,
			 dev->profile->name);
		return;
	}
	if (m->payload.len >= 20 && ip[0] >> 4 == 4)
	{
		dst.len = 4;
		memcpy(dst.bytes, ip + 16, 4);
	}
	else if (m->payload.len >= 40 && ip[0] >> 4 == 6)
	{
		dst.len = 16;
		memcpy(dst.bytes, ip + 24, 16);
	}
	else
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Traffic Indication on %s without an IP "
			 "packet ignored", dev->ifname);
		return;
	}
	addr_prefix(&dst, &prefix);
	entry = entry_covering(this, &prefix);
	if (entry && (entry->type != ENTRY_FAILED || now < entry->expires))
	{
		DBG2(DBG_CFG, "flexvpn: NHRP Traffic Indication on %s: %s entry "
			 "exists", dev->ifname, entry_names[entry->type]);
		return;
	}
	if (!entry)
	{
		if (this->entries->get_count(this->entries) >= MAX_ENTRIES)
		{
			DBG1(DBG_CFG, "flexvpn: NHRP cache full (%d entries): Traffic "
				 "Indication on %s ignored", MAX_ENTRIES, dev->ifname);
			return;
		}
		INIT(entry,
			.prefix = prefix,
		);
		this->entries->insert_last(this->entries, entry);
	}
	entry->type = ENTRY_INCOMPLETE;
	entry->via = dev->ifindex;
	entry->expires = now + REQUEST_TIMEOUT;
	entry->request_id = send_request(this, dev, &dst);
	host = addr_host(&dst);
	DBG1(DBG_CFG, "flexvpn: NHRP Traffic Indication from %H: Resolution "
		 "Request (id %u) for %H through %s", dev->remote, entry->request_id,
		 host, dev->ifname);
	host->destroy(host);
}

CALLBACK(initiate_job, job_requeue_t,
	initiate_t *data)
{
	peer_cfg_t *peer_cfg;
	child_cfg_t *child_cfg = NULL;
	enumerator_t *enumerator;
	ike_sa_t *ike_sa;
	host_t *other;
	char *conn = data->conn;

	peer_cfg = charon->backends->get_peer_cfg_by_name(charon->backends, conn);
	if (!peer_cfg)
	{
		DBG1(DBG_CFG, "flexvpn: shortcut connection '%s' (%s.plugins.flexvpn."
			 "profiles.<name>.shortcut) is not loaded", conn, lib->ns);
		return JOB_REQUEUE_NONE;
	}
	enumerator = peer_cfg->create_child_cfg_enumerator(peer_cfg);
	if (enumerator->enumerate(enumerator, &child_cfg))
	{
		child_cfg->get_ref(child_cfg);
	}
	enumerator->destroy(enumerator);
	if (!child_cfg)
	{
		DBG1(DBG_CFG, "flexvpn: shortcut connection '%s' has no children",
			 conn);
		peer_cfg->destroy(peer_cfg);
		return JOB_REQUEUE_NONE;
	}
	ike_sa = charon->ike_sa_manager->create_new(charon->ike_sa_manager,
									peer_cfg->get_ike_version(peer_cfg), TRUE);
	if (!ike_sa)
	{
		child_cfg->destroy(child_cfg);
		peer_cfg->destroy(peer_cfg);
		return JOB_REQUEUE_NONE;
	}
	ike_sa->set_peer_cfg(ike_sa, peer_cfg);
	other = data->nbma->clone(data->nbma);
	other->set_port(other, IKEV2_UDP_PORT);
	ike_sa->set_other_host(ike_sa, other);
	charon->ike_sa_manager->checkout_new(charon->ike_sa_manager, ike_sa);
	charon->bus->set_sa(charon->bus, ike_sa);
	DBG1(DBG_CFG, "flexvpn: initiating shortcut connection '%s' to %H", conn,
		 data->nbma);
	if (ike_sa->initiate(ike_sa, child_cfg, NULL) == SUCCESS)
	{
		charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	}
	else
	{
		DBG1(DBG_CFG, "flexvpn: initiating shortcut connection '%s' to %H "
			 "failed", conn, data->nbma);
		charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
													ike_sa);
	}
	peer_cfg->destroy(peer_cfg);
	return JOB_REQUEUE_NONE;
}

/**
 * Queue the shortcut IKE_SA of a pending request.
 */
static void shortcut_up(pending_t *pending)
{
	initiate_t *job;

	INIT(job,
		.conn = strdup(pending->conn),
		.nbma = pending->nbma->clone(pending->nbma),
	);
	lib->processor->queue_job(lib->processor,
			(job_t*)callback_job_create(initiate_job, job,
							(callback_job_cleanup_t)initiate_destroy, NULL));
}

/**
 * Whether a Resolution Request of ours is outstanding.
 */
static bool resolving(private_flexvpn_nhrp_t *this)
{
	enumerator_t *enumerator;
	entry_t *entry;
	bool found = FALSE;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &entry))
	{
		found = entry->type == ENTRY_INCOMPLETE;
	}
	enumerator->destroy(enumerator);
	return found;
}

static bool in_backoff(private_flexvpn_nhrp_t *this, host_t *nbma)
{
	enumerator_t *enumerator;
	backoff_t *backoff;
	bool found = FALSE;

	enumerator = this->backoffs->create_enumerator(this->backoffs);
	while (!found && enumerator->enumerate(enumerator, &backoff))
	{
		found = backoff->nbma->ip_equals(backoff->nbma, nbma) &&
				time_monotonic(NULL) < backoff->until;
	}
	enumerator->destroy(enumerator);
	return found;
}

static bool pending_to(private_flexvpn_nhrp_t *this, host_t *nbma)
{
	enumerator_t *enumerator;
	pending_t *pending;
	bool found = FALSE;

	enumerator = this->pending->create_enumerator(this->pending);
	while (!found && enumerator->enumerate(enumerator, &pending))
	{
		found = pending->nbma->ip_equals(pending->nbma, nbma);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * The requester's NBMA address: what the first hub vouched for, else what
 * it says itself.
 */
static host_t *requester_nbma(const struct nhrp_msg *m)
{
	const struct nhrp_ext *ext;

	ext = nhrp_ext_find(m, NHRP_EXT_NAT_ADDRESS);
	if (ext && ext->cies.count)
	{
		return addr_host(&nhrp_cie_get(m, &ext->cies, 0)->nbma);
	}
	return addr_host(&m->src_nbma);
}

/**
 * Spoke: a Resolution Request for one of our prefixes: answer through the
 * shortcut device, bringing it up first if need be.
 */
static void answer(private_flexvpn_nhrp_t *this, nhrp_dev_t *in,
				   struct nhrp_msg *m, chunk_t raw, flexvpn_prefix_t *ours)
{
	pending_t *pending;
	host_t *nbma, *dst;
	nhrp_dev_t *out;
	bool busy;

	nbma = requester_nbma(m);
	dst = addr_host(&m->dst_proto);
	if (!nbma || !dst || nbma->ip_equals(nbma, in->local))
	{
		DESTROY_IF(nbma);
		DESTROY_IF(dst);
		return;
	}
	out = dev_by_remote(this, nbma);
	if (out)
	{
		send_reply(this, out, m, ours, in->profile->holdtime);
	}
	else if (in_backoff(this, nbma))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request (id %u) for %H from "
			 "%H ignored: backing off after a failed shortcut",
			 m->u.req.request_id, dst, nbma);
	}
	else if (this->pending->get_count(this->pending) >= MAX_PENDING)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request (id %u) for %H from "
			 "%H ignored: %d requests already wait for shortcuts",
			 m->u.req.request_id, dst, nbma, MAX_PENDING);
	}
	else
	{
		busy = pending_to(this, nbma);
		INIT(pending,
			.packet = chunk_clone(raw),
			.nbma = nbma->clone(nbma),
			.prefix = *ours,
			.hold = in->profile->holdtime,
			.since = time_monotonic(NULL),
			.conn = strdup(in->profile->shortcut),
		);
		if (!busy && resolving(this) &&
			chunk_compare(in->local->get_address(in->local),
						  nbma->get_address(nbma)) > 0)
		{	/* it may be answering a request of ours: let it build it */
			pending->initiate_at = pending->since + DEFER;
			busy = TRUE;
		}
		this->pending->insert_last(this->pending, pending);
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request (id %u) for %H from "
			 "%H: %s", m->u.req.request_id, dst, nbma,
			 pending->initiate_at ? "waiting for its shortcut first" :
			 busy ? "shortcut on its way" : "building a shortcut");
		if (!busy)
		{
			shortcut_up(pending);
		}
	}
	nbma->destroy(nbma);
	dst->destroy(dst);
}

/**
 * Whether a request's path is believable: at the first hub (no Forward
 * Transit record yet, first set) it comes straight from its originator; at
 * a later one, the last transit record must be the peer it came from.
 */
static bool origin_ok(const struct nhrp_msg *m, nhrp_dev_t *in, bool *first)
{
	const struct nhrp_ext *ext;
	const struct nhrp_cie *last;
	struct nhrp_addr peer;

	ext = nhrp_ext_find(m, NHRP_EXT_FORWARD_TRANSIT);
	*first = !ext || !ext->cies.count;
	if (*first)
	{
		return TRUE;
	}
	last = nhrp_cie_get(m, &ext->cies, ext->cies.count - 1);
	host_addr(in->remote, &peer);
	return last->nbma.len == peer.len &&
		   memeq(last->nbma.bytes, peer.bytes, peer.len);
}

/**
 * At the first hub: the requester's NBMA address as IKE authenticated it
 * (the device's peer) in Cisco's NAT Address extension, when the request
 * claims another (it is behind a NAT, or lies). The owner of the
 * destination builds its shortcut to that one, never to an address only
 * the requester vouches for. Any such extension of the requester's own is
 * not copied.
 */
static bool vouch(const struct nhrp_msg *m, nhrp_dev_t *in,
				  struct nhrp_msg *fwd)
{
	struct nhrp_addr peer;
	struct nhrp_ext *ext;
	struct nhrp_cie *cie;
	host_t *claimed;

	host_addr(in->remote, &peer);
	if (m->src_nbma.len == peer.len &&
		memeq(m->src_nbma.bytes, peer.bytes, peer.len))
	{
		return TRUE;
	}
	ext = nhrp_ext_add(fwd, NHRP_EXT_NAT_ADDRESS, FALSE);
	cie = ext ? nhrp_cie_add(fwd, &ext->cies) : NULL;
	if (!cie)
	{
		return FALSE;
	}
	cie->code = NHRP_CODE_SUCCESS;
	cie->nbma = peer;
	cie->proto = m->src_proto;
	claimed = addr_host(&m->src_nbma);
	DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request on %s names NBMA address "
		 "%H, its tunnel comes from %H: vouching for %H", in->ifname,
		 claimed, in->remote, in->remote);
	DESTROY_IF(claimed);
	return TRUE;
}

/**
 * A Resolution Request: ours to answer (a spoke), or to forward toward its
 * destination (a hub).
 */
static void resolution_request(private_flexvpn_nhrp_t *this, nhrp_dev_t *in,
							   struct nhrp_msg *m, chunk_t raw)
{
	flexvpn_prefix_t dst, *ours;
	struct nhrp_addr self;
	struct nhrp_msg fwd;
	nhrp_dev_t *out;
	host_t *host;
	bool first = FALSE;

	addr_prefix(&m->dst_proto, &dst);
	if (!dst.family)
	{
		return;
	}
	ours = prefix_within_any(in->profile->routes, &dst);
	if (ours && in->profile->shortcut)
	{
		answer(this, in, m, raw, ours);
		return;
	}
	host = prefix_host(&dst);
	host_addr(in->local, &self);
	if (m->hop_count <= 1)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request for %H on %s dropped: "
			 "hop count exhausted", host, in->ifname);
	}
	else if (nhrp_transit_loop(m, &self))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request for %H on %s dropped: "
			 "it has been here before (loop)", host, in->ifname);
	}
	else if (!origin_ok(m, in, &first))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request for %H on %s dropped: "
			 "its last transit hub is not %H, the peer it came from", host,
			 in->ifname, in->remote);
	}
	else if (!(out = dev_by_index(this, flexvpn_kernel_route_get(dst.family,
												dst.addr, in->vrf))) ||
			 out == in)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request for %H on %s dropped: "
			 "not routed through another NHRP access device", host,
			 in->ifname);
	}
	else
	{
		copy_mandatory(m, &fwd, NHRP_RESOLUTION_REQUEST);
		fwd.hop_count = m->hop_count - 1;
		if (copy_cies(m, &m->cies, &fwd, &fwd.cies) &&
			copy_exts(this, m, &fwd, NHRP_EXT_FORWARD_TRANSIT, out,
					  out->profile->holdtime,
					  first ? NHRP_EXT_NAT_ADDRESS : 0) &&
			(!first || vouch(m, in, &fwd)) &&
			send_msg(this, out, &fwd))
		{
			DBG1(DBG_CFG, "flexvpn: NHRP Resolution Request (id %u) for %H "
				 "forwarded from %s to %s", m->u.req.request_id, host,
				 in->ifname, out->ifname);
		}
	}
	host->destroy(host);
}

/**
 * A Resolution Reply to one of our requests: the shortcut route.
 */
static void resolution_reply(private_flexvpn_nhrp_t *this, nhrp_dev_t *dev,
							 struct nhrp_msg *m)
{
	const struct nhrp_cie *cie;
	flexvpn_prefix_t prefix;
	entry_t *entry, *old;
	nhrp_dev_t *via;
	host_t *host;
	uint32_t hold;
	char *why = NULL;

	entry = entry_by_request(this, m->u.req.request_id);
	addr_prefix(&m->dst_proto, &prefix);
	if (!entry || !flexvpn_prefix_within(&entry->prefix, &prefix))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Reply (id %u) on %s matches "
			 "no request of ours", m->u.req.request_id, dev->ifname);
		return;
	}
	if (!m->cies.count)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Reply on %s without a CIE",
			 dev->ifname);
		return;
	}
	cie = nhrp_cie_get(m, &m->cies, 0);
	via = dev_by_index(this, entry->via);
	if (cie->prefix_len && cie->prefix_len <= prefix.len)
	{
		prefix_mask(&prefix, cie->prefix_len);
	}
	hold = cie->holding_time ?: dev->profile->holdtime;
	if (cie->code != NHRP_CODE_SUCCESS)
	{
		why = "the responder refused";
	}
	else if (dev->ifindex == entry->via)
	{
		why = "it came through the hub, not through a shortcut";
	}
	else if (!flexvpn_prefix_accepted(dev->profile->accept, &prefix))
	{
		why = "outside the accept filter of the shortcut's profile";
	}
	else if (via && prefix_within_any(via->profile->routes, &prefix))
	{
		why = "it overlaps a prefix we announce ourselves";
	}
	host = prefix_host(&prefix);
	if (why)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP Resolution Reply for %H/%u on %s "
			 "refused: %s", host, prefix.len, dev->ifname, why);
		host->destroy(host);
		return;
	}
	if (entry->type == ENTRY_DYNAMIC && entry->ifindex == dev->ifindex &&
		prefix_equals(&entry->prefix, &prefix))
	{	/* a refresh */
		entry->refreshing = FALSE;
		entry->hold = hold;
		entry->expires = time_monotonic(NULL) + hold;
		DBG1(DBG_CFG, "flexvpn: NHRP route %H/%u through %s refreshed, hold "
			 "%u s", host, prefix.len, dev->ifname, hold);
		host->destroy(host);
		return;
	}
	old = entry_find(this, ENTRY_DYNAMIC, &prefix, 0);
	if (old && old != entry)
	{
		entry_remove(this, old, NULL, FALSE, "replaced");
	}
	if (entry->type == ENTRY_DYNAMIC)
	{
		entry_remove(this, entry, NULL, FALSE, "replaced");
		INIT(entry,
			.via = via ? via->ifindex : 0,
		);
		this->entries->insert_last(this->entries, entry);
	}
	if (!flexvpn_kernel_route(TRUE, &prefix, dev->ifindex, dev->table,
							  dev->profile->metric))
	{
		host->destroy(host);
		return;
	}
	entry->type = ENTRY_DYNAMIC;
	entry->prefix = prefix;
	entry->ifindex = dev->ifindex;
	DESTROY_IF(entry->nbma);
	DESTROY_IF(entry->proto);
	entry->nbma = dev->remote->clone(dev->remote);
	entry->proto = addr_host(&cie->proto);
	entry->hold = hold;
	entry->expires = time_monotonic(NULL) + hold;
	entry->refreshing = FALSE;
	entry->backoff = 0;
	flexvpn_kernel_link_packets(dev->ifindex, &entry->packets);
	entry->packets -= dev->nhrp_packets;
	dev->had_entry = TRUE;
	DBG1(DBG_CFG, "flexvpn: NHRP route %H/%u through %s (%H), hold %u s",
		 host, prefix.len, dev->ifname, dev->remote, hold);
	host->destroy(host);
}

CALLBACK(packet_cb, bool,
	private_flexvpn_nhrp_t *this, int fd, watcher_event_t event)
{
	struct sockaddr_ll sll;
	socklen_t sll_len;
	struct nhrp_error err;
	struct nhrp_msg m;
	const struct nhrp_ext *ext;
	uint8_t buf[NHRP_MAX_LEN];
	nhrp_dev_t *dev;
	ssize_t len;

	while (TRUE)
	{
		sll_len = sizeof(sll);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
					   (struct sockaddr*)&sll, &sll_len);
		if (len < 0)
		{
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			{
				DBG1(DBG_NET, "flexvpn: receiving NHRP: %s", strerror(errno));
			}
			return TRUE;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING)
		{
			continue;
		}
		this->mutex->lock(this->mutex);
		dev = dev_by_index(this, sll.sll_ifindex);
		if (!dev)
		{
			this->mutex->unlock(this->mutex);
			continue;
		}
		dev->nhrp_packets++;
		if (nhrp_decode(&m, buf, len, &err) != 0)
		{
			DBG1(DBG_NET, "flexvpn: NHRP packet on %s refused: %s (offset %u)",
				 dev->ifname, err.msg, err.offset);
		}
		else if ((ext = nhrp_unknown_compulsory(&m)))
		{
			DBG1(DBG_NET, "flexvpn: NHRP %s on %s refused: unknown compulsory "
				 "extension %u", nhrp_type_name(m.type), dev->ifname,
				 ext->type);
		}
		else
		{
			DBG2(DBG_NET, "flexvpn: received NHRP %s on %s",
				 nhrp_type_name(m.type), dev->ifname);
			switch (m.type)
			{
				case NHRP_TRAFFIC_INDICATION:
					traffic_indication(this, dev, &m);
					break;
				case NHRP_RESOLUTION_REQUEST:
					resolution_request(this, dev, &m, chunk_create(buf, len));
					break;
				case NHRP_RESOLUTION_REPLY:
					resolution_reply(this, dev, &m);
					break;
				case NHRP_ERROR_INDICATION:
					DBG1(DBG_NET, "flexvpn: NHRP Error Indication %u on %s",
						 m.u.err.code, dev->ifname);
					break;
				default:
					DBG1(DBG_NET, "flexvpn: NHRP %s on %s ignored",
						 nhrp_type_name(m.type), dev->ifname);
					break;
			}
		}
		this->mutex->unlock(this->mutex);
	}
}

/* ------------------------------------------------------------ events */

/* a malformed trigger, or one the NHRP side cannot use, is skipped */
static int redirect_cb(const struct nlmsghdr *nlh, void *data)
{
	private_flexvpn_nhrp_t *this = data;
	struct nhrp_addr src = {};
	struct fv_redirect r;

	if (fvnl_cmd(nlh) != FLEXVPN_CMD_REDIRECT ||
		fvnl_get_redirect(nlh, &r) != 0 || !r.ifindex_in ||
		!fv_has(r.present, FLEXVPN_REDIRECT_A_PACKET))
	{
		return MNL_CB_OK;
	}
	if (fv_has(r.present, FLEXVPN_REDIRECT_A_SRC_IPV4))
	{
		src.len = sizeof(r.src.v4);
		memcpy(src.bytes, &r.src.v4, src.len);
	}
	else if (fv_has(r.present, FLEXVPN_REDIRECT_A_SRC_IPV6))
	{
		src.len = sizeof(r.src.v6);
		memcpy(src.bytes, &r.src.v6, src.len);
	}
	this->mutex->lock(this->mutex);
	redirect(this, r.ifindex_in, &src, r.packet.data, r.packet.len);
	this->mutex->unlock(this->mutex);
	return MNL_CB_OK;
}

CALLBACK(events_cb, bool,
	private_flexvpn_nhrp_t *this, int fd, watcher_event_t event)
{
	int err;

	while ((err = fvnl_recv(this->events, redirect_cb, this)) != -EAGAIN)
	{
		if (err == -ENOBUFS)
		{	/* the kernel repeats what we lost while traffic flows */
			DBG1(DBG_NET, "flexvpn: redirect events lost (ENOBUFS)");
		}
		else if (err)
		{
			break;
		}
	}
	return TRUE;
}

/* ------------------------------------------------------------ the clock */

static void backoff_start(private_flexvpn_nhrp_t *this, host_t *nbma)
{
	enumerator_t *enumerator;
	backoff_t *backoff, *found = NULL;

	enumerator = this->backoffs->create_enumerator(this->backoffs);
	while (!found && enumerator->enumerate(enumerator, &backoff))
	{
		if (backoff->nbma->ip_equals(backoff->nbma, nbma))
		{
			found = backoff;
		}
	}
	enumerator->destroy(enumerator);
	if (!found)
	{
		INIT(found,
			.nbma = nbma->clone(nbma),
		);
		this->backoffs->insert_last(this->backoffs, found);
	}
	found->backoff = found->backoff ? min(found->backoff * 2, BACKOFF_MAX)
									: BACKOFF_MIN;
	found->until = time_monotonic(NULL) + found->backoff;
	DBG1(DBG_CFG, "flexvpn: no shortcut to %H within %d s (see the IKE log): "
		 "its requests wait %u s", nbma, SHORTCUT_TIMEOUT, found->backoff);
}

/**
 * A dynamic entry at its refresh point or expiry.
 */
static void dynamic_tick(private_flexvpn_nhrp_t *this, entry_t *entry,
						 enumerator_t *at, time_t now)
{
	struct nhrp_addr dst = {};
	uint64_t packets;
	nhrp_dev_t *dev, *via;

	dev = dev_by_index(this, entry->ifindex);
	if (dev && flexvpn_kernel_link_packets(dev->ifindex, &packets))
	{
		packets -= dev->nhrp_packets;
		entry->used = packets != entry->packets;
		entry->used_since_refresh |= entry->used;
		entry->packets = packets;
	}
	if (now >= entry->expires)
	{
		entry_remove(this, entry, at, TRUE, entry->used_since_refresh ?
					 "its hold time ran out without a refresh" :
					 "idle for its hold time");
		return;
	}
	if (entry->refreshing || entry->expires - now > entry->hold / 3 ||
		!entry->used_since_refresh)
	{
		return;
	}
	via = dev_by_index(this, entry->via);
	if (!via)
	{
		return;
	}
	prefix_addr(&entry->prefix, &dst);
	entry->request_id = send_request(this, via, &dst);
	entry->refreshing = entry->request_id != 0;
	entry->used_since_refresh = FALSE;
}

CALLBACK(tick, job_requeue_t,
	private_flexvpn_nhrp_t *this)
{
	enumerator_t *enumerator;
	pending_t *pending;
	backoff_t *backoff;
	entry_t *entry;
	nhrp_dev_t *dev;
	host_t *host;
	time_t now = time_monotonic(NULL);

	this->mutex->lock(this->mutex);
	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &entry))
	{
		switch (entry->type)
		{
			case ENTRY_DYNAMIC:
				dynamic_tick(this, entry, enumerator, now);
				break;
			case ENTRY_LOCAL:
				if (now >= entry->expires)
				{
					entry_remove(this, entry, enumerator, TRUE,
								 "its hold time ran out");
				}
				break;
			case ENTRY_INCOMPLETE:
				if (now < entry->expires)
				{
					break;
				}
				entry->type = ENTRY_FAILED;
				entry->backoff = entry->backoff ?
						min(entry->backoff * 2, BACKOFF_MAX) : BACKOFF_MIN;
				entry->expires = now + entry->backoff;
				host = prefix_host(&entry->prefix);
				DBG1(DBG_CFG, "flexvpn: no NHRP Resolution Reply for %H "
					 "within %d s: its traffic stays with the hub, next try "
					 "in %u s", host, REQUEST_TIMEOUT, entry->backoff);
				DESTROY_IF(host);
				break;
			case ENTRY_FAILED:
				if (now >= entry->expires + FAILED_FORGET)
				{
					entry_remove(this, entry, enumerator, FALSE, "forgotten");
				}
				break;
		}
	}
	enumerator->destroy(enumerator);

	enumerator = this->pending->create_enumerator(this->pending);
	while (enumerator->enumerate(enumerator, &pending))
	{
		if (pending->initiate_at && now >= pending->initiate_at)
		{
			pending->initiate_at = 0;
			DBG1(DBG_CFG, "flexvpn: no shortcut from %H within %d s: "
				 "building it", pending->nbma, DEFER);
			shortcut_up(pending);
		}
		if (now - pending->since >= SHORTCUT_TIMEOUT)
		{
			this->pending->remove_at(this->pending, enumerator);
			if (!in_backoff(this, pending->nbma))
			{
				backoff_start(this, pending->nbma);
			}
			pending_destroy(pending);
		}
	}
	enumerator->destroy(enumerator);

	enumerator = this->backoffs->create_enumerator(this->backoffs);
	while (enumerator->enumerate(enumerator, &backoff))
	{
		if (now >= backoff->until + FAILED_FORGET)
		{
			this->backoffs->remove_at(this->backoffs, enumerator);
			backoff_destroy(backoff);
		}
	}
	enumerator->destroy(enumerator);

	enumerator = this->devs->create_enumerator(this->devs);
	while (enumerator->enumerate(enumerator, &dev))
	{
		if (dev->shortcut && !dev->had_entry && !dev->reaped &&
			now - dev->created >= UNUSED_DEVICE)
		{
			dev->reaped = TRUE;
			shortcut_down(dev, "carried no NHRP entry");
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return JOB_RESCHEDULE(1);
}

/* ------------------------------------------------------------ control */

/**
 * Whether the process at the other end of a unix socket has CAP_NET_ADMIN.
 */
static bool peer_net_admin(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char path[64], line[256];
	unsigned long long caps;
	bool ok = FALSE;
	FILE *file;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
	{
		return FALSE;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", cred.pid);
	file = fopen(path, "r");
	if (!file)
	{
		return FALSE;
	}
	while (fgets(line, sizeof(line), file))
	{
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
		{
			ok = caps & (1ULL << 12);	/* CAP_NET_ADMIN */
			break;
		}
	}
	fclose(file);
	return ok;
}

static void print_host(FILE *out, host_t *host)
{
	if (host)
	{
		fprintf(out, "\t%H", host);
	}
	else
	{
		fprintf(out, "\t-");
	}
}

static void show(private_flexvpn_nhrp_t *this, FILE *out)
{
	enumerator_t *enumerator;
	entry_t *entry;
	nhrp_dev_t *dev;
	host_t *host;
	time_t now = time_monotonic(NULL);

	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &entry))
	{
		host = prefix_host(&entry->prefix);
		dev = entry->ifindex ? dev_by_index(this, entry->ifindex)
							 : dev_by_index(this, entry->via);
		fprintf(out, "entry\t%s\t%H/%u\t%s", entry_names[entry->type], host,
				entry->prefix.len, dev ? dev->ifname : "-");
		print_host(out, entry->nbma);
		print_host(out, entry->proto);
		fprintf(out, "\t%ld\t%s\n",
				(long)(entry->expires > now ? entry->expires - now : 0),
				entry->type == ENTRY_DYNAMIC ?
					(entry->used ? "used" : "idle") : "-");
		DESTROY_IF(host);
	}
	enumerator->destroy(enumerator);
}

static int flush(private_flexvpn_nhrp_t *this)
{
	enumerator_t *enumerator;
	entry_t *entry;
	int count = 0;

	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &entry))
	{
		entry_remove(this, entry, enumerator, TRUE, "flushed");
		count++;
	}
	enumerator->destroy(enumerator);
	return count;
}

CALLBACK(ctl_cb, bool,
	private_flexvpn_nhrp_t *this, int fd, watcher_event_t event)
{
	struct timeval tv = { .tv_sec = 1 };
	char cmd[64];
	FILE *out;
	ssize_t len;
	int client;

	client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (client < 0)
	{
		return TRUE;
	}
	/* a client that says nothing costs one second of one worker */
	fcntl(client, F_SETFL, 0);
	setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	len = recv(client, cmd, sizeof(cmd) - 1, 0);
	out = fdopen(client, "w");
	if (!out)
	{
		close(client);
		return TRUE;
	}
	fprintf(out, "%s\n", NHRP_CTL_VERSION);
	if (len <= 0)
	{
		fprintf(out, "error\tno command\n");
	}
	else
	{
		cmd[len] = '\0';
		cmd[strcspn(cmd, "\r\n")] = '\0';
		this->mutex->lock(this->mutex);
		if (streq(cmd, "show"))
		{
			show(this, out);
		}
		else if (streq(cmd, "flush"))
		{
			if (peer_net_admin(client))
			{
				fprintf(out, "flushed\t%d\n", flush(this));
			}
			else
			{
				fprintf(out, "error\tflushing the NHRP cache needs "
						"CAP_NET_ADMIN\n");
			}
		}
		else
		{
			fprintf(out, "error\tunknown command '%.32s' (show, flush)\n",
					cmd);
		}
		this->mutex->unlock(this->mutex);
	}
	fprintf(out, "end\n");
	fclose(out);
	return TRUE;
}

/* ------------------------------------------------------------ devices */

/**
 * Send our outstanding Resolution Requests again.
 */
static void resend_requests(private_flexvpn_nhrp_t *this)
{
	enumerator_t *enumerator;
	struct nhrp_addr dst = {};
	nhrp_dev_t *via;
	entry_t *entry;

	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &entry))
	{
		via = dev_by_index(this, entry->via);
		if (entry->type != ENTRY_INCOMPLETE || !via)
		{
			continue;
		}
		prefix_addr(&entry->prefix, &dst);
		entry->prev_request_id = entry->request_id;
		entry->request_id = send_request(this, via, &dst);
		entry->expires = time_monotonic(NULL) + REQUEST_TIMEOUT;
	}
	enumerator->destroy(enumerator);
}

METHOD(flexvpn_nhrp_t, device_up, void,
	private_flexvpn_nhrp_t *this, uint32_t ifindex, char *ifname,
	uint32_t ike_id, char *conn, host_t *local, host_t *remote,
	uint32_t table, flexvpn_profile_t *profile)
{
	enumerator_t *enumerator;
	struct nhrp_msg m;
	pending_t *pending;
	nhrp_dev_t *dev;

	if (!profile->nhrp)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	dev = dev_by_index(this, ifindex);
	if (!dev)
	{
		INIT(dev,
			.ifindex = ifindex,
			.vrf = flexvpn_kernel_master(ifindex),
			.created = time_monotonic(NULL),
			.local = local->clone(local),
			.remote = remote->clone(remote),
		);
		this->devs->insert_last(this->devs, dev);
	}
	else
	{
		dev->local->destroy(dev->local);
		dev->remote->destroy(dev->remote);
		dev->local = local->clone(local);
		dev->remote = remote->clone(remote);
	}
	strncpy(dev->ifname, ifname, sizeof(dev->ifname) - 1);
	dev->ike_id = ike_id;
	dev->table = table;
	dev->profile = profile;
	dev->shortcut = this->profiles->is_shortcut(this->profiles, conn);

	/* a reply through a shortcut that came up just now may have been sent
	 * before this end had its SAs: ask again, the answer comes through it */
	if (dev->shortcut && !dev->had_entry)
	{
		resend_requests(this);
	}

	/* requests waiting for this shortcut */
	enumerator = this->pending->create_enumerator(this->pending);
	while (enumerator->enumerate(enumerator, &pending))
	{
		if (!pending->nbma->ip_equals(pending->nbma, remote))
		{
			continue;
		}
		this->pending->remove_at(this->pending, enumerator);
		if (nhrp_decode(&m, pending->packet.ptr, pending->packet.len,
						NULL) == 0)
		{
			send_reply(this, dev, &m, &pending->prefix, pending->hold);
		}
		pending_destroy(pending);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(flexvpn_nhrp_t, device_down, void,
	private_flexvpn_nhrp_t *this, uint32_t ifindex)
{
	enumerator_t *enumerator;
	entry_t *entry;
	nhrp_dev_t *dev;

	this->mutex->lock(this->mutex);
	dev = dev_by_index(this, ifindex);
	if (dev)
	{
		this->devs->remove(this->devs, dev, NULL);
		dev_destroy(dev);
	}
	/* the kernel removes the routes through it; a shortcut whose requests
	 * went through it stays until its hold time ends, without refreshes */
	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &entry))
	{
		if (entry->ifindex == ifindex ||
			(entry->via == ifindex && entry->type != ENTRY_DYNAMIC &&
			 entry->type != ENTRY_LOCAL))
		{
			this->entries->remove_at(this->entries, enumerator);
			entry_destroy(entry);
		}
		else if (entry->via == ifindex)
		{
			entry->via = 0;
			entry->refreshing = FALSE;
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(flexvpn_nhrp_t, start, bool,
	private_flexvpn_nhrp_t *this)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;

	this->pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
					   htons(FLEXVPN_ETH_P_NHRP));
	if (this->pkt < 0)
	{
		DBG1(DBG_NET, "flexvpn: NHRP needs an AF_PACKET socket: %s",
			 strerror(errno));
		return FALSE;
	}
	this->events = flexvpn_kernel_events_open();
	if (!this->events)
	{
		close(this->pkt);
		this->pkt = -1;
		return FALSE;
	}
	lib->watcher->add(lib->watcher, this->pkt, WATCHER_READ, packet_cb, this);
	lib->watcher->add(lib->watcher, fvnl_fd(this->events), WATCHER_READ,
					  events_cb, this);

	/* abstract: the network namespace's own */
	this->ctl = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sun.sun_path + 1, NHRP_CTL_NAME, strlen(NHRP_CTL_NAME));
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(NHRP_CTL_NAME);
	if (this->ctl < 0 || bind(this->ctl, (struct sockaddr*)&sun, len) != 0 ||
		listen(this->ctl, 8) != 0)
	{
		DBG1(DBG_CFG, "flexvpn: NHRP control socket @%s: %s (flexvpn nhrp "
			 "will not reach this charon)", NHRP_CTL_NAME, strerror(errno));
		if (this->ctl >= 0)
		{
			close(this->ctl);
		}
		this->ctl = -1;
	}
	else
	{
		lib->watcher->add(lib->watcher, this->ctl, WATCHER_READ, ctl_cb, this);
	}
	lib->scheduler->schedule_job(lib->scheduler,
				(job_t*)callback_job_create(tick, this, NULL, NULL), 1);
	return TRUE;
}

METHOD(flexvpn_nhrp_t, destroy, void,
	private_flexvpn_nhrp_t *this)
{
	entry_t *entry;
	nhrp_dev_t *dev;

	if (this->ctl >= 0)
	{
		lib->watcher->remove(lib->watcher, this->ctl);
		close(this->ctl);
	}
	if (this->events)
	{
		lib->watcher->remove(lib->watcher, fvnl_fd(this->events));
		fvnl_close(this->events);
	}
	if (this->pkt >= 0)
	{
		lib->watcher->remove(lib->watcher, this->pkt);
		close(this->pkt);
	}
	while (this->entries->remove_first(this->entries,
									   (void**)&entry) == SUCCESS)
	{
		dev = entry->ifindex ? dev_by_index(this, entry->ifindex) : NULL;
		if (entry->type == ENTRY_DYNAMIC && dev)
		{
			flexvpn_kernel_route(FALSE, &entry->prefix, dev->ifindex,
								 dev->table, dev->profile->metric);
		}
		entry_destroy(entry);
	}
	this->entries->destroy(this->entries);
	this->devs->destroy_function(this->devs, (void*)dev_destroy);
	this->pending->destroy_function(this->pending, (void*)pending_destroy);
	this->backoffs->destroy_function(this->backoffs, (void*)backoff_destroy);
	this->mutex->destroy(this->mutex);
	free(this);
}

/*
 * Described in header
 */
flexvpn_nhrp_t *flexvpn_nhrp_create(flexvpn_profiles_t *profiles)
{
	private_flexvpn_nhrp_t *this;

	INIT(this,
		.public = {
			.device_up = _device_up,
			.device_down = _device_down,
			.start = _start,
			.destroy = _destroy,
		},
		.profiles = profiles,
		.devs = linked_list_create(),
		.entries = linked_list_create(),
		.pending = linked_list_create(),
		.backoffs = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_RECURSIVE),
		.pkt = -1,
		.ctl = -1,
	);
	return &this->public;
}
