/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The access devices' lifecycle, driven by charon's bus: one device per
 * IKE_SA that has a GRE transport-mode CHILD_SA between its outer addresses,
 * kept across rekeys and make-before-break reauthentication, gone with the
 * IKE_SA; the routes the peer announced in its configuration payload and
 * the virtual IPs, installed through the device; and, with virtual IPs, the
 * GRE child's traffic selectors narrowed to the outer addresses.
 */

#include "flexvpn_listener.h"
#include "flexvpn_kernel.h"
#include "flexvpn_hubroutes.h"
#include "flexvpn_nhrp.h"

#include <daemon.h>
#include <netinet/in.h>
#include <threading/mutex.h>
#include <processing/jobs/callback_job.h>
#include <threading/thread_value.h>
#include <encoding/payloads/cp_payload.h>
#include <encoding/payloads/ts_payload.h>

typedef struct private_flexvpn_listener_t private_flexvpn_listener_t;

/**
 * One access device the plugin made.
 */
typedef struct {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	/** unique id of the owning IKE_SA */
	uint32_t ike_id;
	/** we initiated the owning IKE_SA */
	bool initiator;
	host_t *local;
	host_t *remote;
	/** the routing table of the device's VRF */
	uint32_t table;
	flexvpn_profile_t *profile;
	/** routes installed through it (flexvpn_prefix_t*) */
	linked_list_t *routes;
} device_t;

/**
 * Prefixes a peer announced in IKE_AUTH, until its device exists.
 */
typedef struct {
	uint32_t ike_id;
	linked_list_t *prefixes;
} announced_t;

/**
 * The traffic selectors of the message a worker is processing, kept for the
 * narrow hook, which only sees what charon already narrowed.
 */
typedef struct {
	uint32_t ike_id;
	/** TSi and TSr payloads (traffic_selector_t*) */
	linked_list_t *tsi;
	linked_list_t *tsr;
} received_ts_t;

struct private_flexvpn_listener_t {

	/**
	 * Public interface
	 */
	flexvpn_listener_t public;

	/**
	 * The plugin's profiles
	 */
	flexvpn_profiles_t *profiles;

	/**
	 * NHRP on the devices of profiles that want it
	 */
	flexvpn_nhrp_t *nhrp;

	/**
	 * Devices (device_t*)
	 */
	linked_list_t *devices;

	/**
	 * Announcements (announced_t*)
	 */
	linked_list_t *announced;

	/**
	 * The routes through the devices of hubs
	 */
	flexvpn_hubroutes_t *hubroutes;

	/**
	 * Protects devices and announced; held across netlink requests so that
	 * two workers never race on one device
	 */
	mutex_t *mutex;

	/**
	 * received_ts_t of the message this thread is processing
	 */
	thread_value_t *received;
};

static void device_destroy(device_t *dev)
{
	dev->local->destroy(dev->local);
	dev->remote->destroy(dev->remote);
	dev->routes->destroy_function(dev->routes, free);
	free(dev);
}

/**
 * Tell NHRP what the device is now. Mutex held.
 */
static void nhrp_up(private_flexvpn_listener_t *this, device_t *dev,
					ike_sa_t *ike_sa)
{
	this->nhrp->device_up(this->nhrp, dev->ifindex, dev->ifname, dev->ike_id,
						  ike_sa->get_name(ike_sa), dev->local, dev->remote,
						  dev->table, dev->profile);
}

static void announced_destroy(announced_t *ann)
{
	ann->prefixes->destroy_function(ann->prefixes, free);
	free(ann);
}

static void received_ts_destroy(received_ts_t *received)
{
	if (received)
	{
		received->tsi->destroy_offset(received->tsi,
									  offsetof(traffic_selector_t, destroy));
		received->tsr->destroy_offset(received->tsr,
									  offsetof(traffic_selector_t, destroy));
		free(received);
	}
}

static device_t *device_by_ike(private_flexvpn_listener_t *this, uint32_t id)
{
	enumerator_t *enumerator;
	device_t *dev, *found = NULL;

	enumerator = this->devices->create_enumerator(this->devices);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		if (dev->ike_id == id)
		{
			found = dev;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/* the device between these outer addresses: the kernel allows only one */
static device_t *device_by_hosts(private_flexvpn_listener_t *this,
								 host_t *local, host_t *remote)
{
	enumerator_t *enumerator;
	device_t *dev, *found = NULL;

	enumerator = this->devices->create_enumerator(this->devices);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		if (dev->local->ip_equals(dev->local, local) &&
			dev->remote->ip_equals(dev->remote, remote))
		{
			found = dev;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

static announced_t *announced_by_ike(private_flexvpn_listener_t *this,
									 uint32_t id, bool remove)
{
	enumerator_t *enumerator;
	announced_t *ann, *found = NULL;

	enumerator = this->announced->create_enumerator(this->announced);
	while (!found && enumerator->enumerate(enumerator, &ann))
	{
		if (ann->ike_id == id)
		{
			found = ann;
			if (remove)
			{
				this->announced->remove_at(this->announced, enumerator);
			}
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Whether a GRE transport-mode ESP CHILD_SA between the IKE_SA's addresses.
 */
static bool is_gre_child(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	enumerator_t *enumerator;
	traffic_selector_t *ts;
	bool ok = TRUE;
	host_t *host;
	int local;

	if (child_sa->get_mode(child_sa) != MODE_TRANSPORT ||
		child_sa->get_protocol(child_sa) != PROTO_ESP)
	{
		return FALSE;
	}
	for (local = 0; ok && local <= 1; local++)
	{
		host = local ? ike_sa->get_my_host(ike_sa)
					 : ike_sa->get_other_host(ike_sa);
		enumerator = child_sa->create_ts_enumerator(child_sa, local);
		while (ok && enumerator->enumerate(enumerator, &ts))
		{
			/* behind a NAT the selector has the untranslated address */
			ok = ts->get_protocol(ts) == IPPROTO_GRE &&
				 (ts->is_host(ts, host) || ts->is_host(ts, NULL));
		}
		enumerator->destroy(enumerator);
	}
	return ok;
}

/**
 * Whether another GRE CHILD_SA than child_sa is installed on the IKE_SA.
 */
static bool has_other_gre_child(ike_sa_t *ike_sa, child_sa_t *child_sa)
{
	enumerator_t *enumerator;
	child_sa_t *current;
	bool found = FALSE;

	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (!found && enumerator->enumerate(enumerator, &current))
	{
		found = current != child_sa &&
				current->get_state(current) == CHILD_INSTALLED &&
				is_gre_child(ike_sa, current);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Whether list has exactly prefix.
 */
static bool prefix_in(linked_list_t *list, flexvpn_prefix_t *prefix)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *current;
	bool found = FALSE;

	enumerator = list->create_enumerator(list);
	while (!found && enumerator->enumerate(enumerator, &current))
	{
		found = current->family == prefix->family &&
				current->len == prefix->len &&
				memeq(current->addr, prefix->addr, 16);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Why a prefix a peer announced must not be installed through dev, or NULL.
 * A peer gets no more than its profile's accept filters allow, none of the
 * prefixes we announce ourselves, and nothing another peer already has,
 * unless both are hubs: then each hub's route goes through its own device
 * with its profile's metric, and the kernel uses the best one there is.
 */
static char *refusal(private_flexvpn_listener_t *this, device_t *dev,
					 flexvpn_prefix_t *prefix)
{
	enumerator_t *enumerator;
	device_t *other;
	char *why = NULL;

	if (!flexvpn_prefix_accepted(dev->profile->accept, prefix))
	{
		return "outside the profile's accept filter";
	}
	/* exactly ours only: a hub announces summaries of its spokes'
	 * prefixes, a spoke gets a summary covering its own LAN, and the
	 * longest prefix wins anyway */
	if (prefix_in(dev->profile->routes, prefix))
	{
		return "a prefix we announce ourselves";
	}
	enumerator = this->devices->create_enumerator(this->devices);
	while (!why && enumerator->enumerate(enumerator, &other))
	{
		if (other != dev && other->table == dev->table &&
			!(dev->profile->hub && other->profile->hub) &&
			prefix_in(other->routes, prefix))
		{
			why = "already learned from another peer";
		}
	}
	enumerator->destroy(enumerator);
	return why;
}

static void log_prefix(char *what, device_t *dev, flexvpn_prefix_t *prefix,
					   char *why)
{
	host_t *host;

	host = host_create_from_chunk(prefix->family,
				chunk_create(prefix->addr, prefix->family == AF_INET ? 4 : 16),
				0);
	DBG1(DBG_CFG, "flexvpn: %s route %H/%u through %s%s%s", what, host,
		 prefix->len, dev->ifname, why ? ": " : "", why ?: "");
	DESTROY_IF(host);
}

/**
 * Add or delete the route to prefix through dev: a plain route, or for a
 * hub's device its place among the hubs' routes.
 */
static bool learned_route(private_flexvpn_listener_t *this, device_t *dev,
						  bool add, flexvpn_prefix_t *prefix)
{
	if (!dev->profile->hub)
	{
		return flexvpn_kernel_route(add, prefix, dev->ifindex, dev->table,
									dev->profile->metric);
	}
	if (add)
	{
		return this->hubroutes->add(this->hubroutes, prefix, dev->ifindex,
									dev->table, dev->profile->metric);
	}
	this->hubroutes->del(this->hubroutes, prefix, dev->ifindex, dev->table,
						 dev->profile->metric);
	return TRUE;
}

/**
 * Make the routes through dev what its peer announced: install the new
 * acceptable prefixes, delete those it no longer announces.
 */
static void apply_routes(private_flexvpn_listener_t *this, device_t *dev,
						 linked_list_t *prefixes)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *prefix, *copy;
	char *why;

	enumerator = dev->routes->create_enumerator(dev->routes);
	while (enumerator->enumerate(enumerator, &prefix))
	{
		if (!prefix_in(prefixes, prefix))
		{
			learned_route(this, dev, FALSE, prefix);
			dev->routes->remove_at(dev->routes, enumerator);
			log_prefix("withdrew", dev, prefix, NULL);
			free(prefix);
		}
	}
	enumerator->destroy(enumerator);

	enumerator = prefixes->create_enumerator(prefixes);
	while (enumerator->enumerate(enumerator, &prefix))
	{
		if (prefix_in(dev->routes, prefix))
		{
			continue;
		}
		why = refusal(this, dev, prefix);
		if (why)
		{
			log_prefix("refused", dev, prefix, why);
			continue;
		}
		if (learned_route(this, dev, TRUE, prefix))
		{
			copy = malloc_thing(flexvpn_prefix_t);
			*copy = *prefix;
			dev->routes->insert_last(dev->routes, copy);
			log_prefix("installed", dev, prefix, NULL);
		}
	}
	enumerator->destroy(enumerator);
}

CALLBACK(terminate_job, job_requeue_t,
	uint32_t *id)
{
	charon->controller->terminate_ike(charon->controller, *id, FALSE, NULL,
									  NULL, 0);
	return JOB_REQUEUE_NONE;
}

/*
 * Described in header
 */
void flexvpn_ike_terminate(uint32_t id)
{
	uint32_t *data = malloc_thing(uint32_t);

	*data = id;
	lib->processor->queue_job(lib->processor,
				(job_t*)callback_job_create(terminate_job, data, free, NULL));
}

/**
 * Two spokes that resolve each other at once may each build a shortcut:
 * both ends keep the IKE_SA that the end with the lower outer address
 * initiated, and terminate the other. FALSE if ike_sa is the one to go.
 * Mutex held.
 */
static bool shortcut_duplicate(private_flexvpn_listener_t *this,
							   device_t *dev, ike_sa_t *ike_sa)
{
	bool lower, keep_new, keep_old;

	if (!this->profiles->is_shortcut(this->profiles,
									 ike_sa->get_name(ike_sa)) ||
		dev->ike_id == ike_sa->get_unique_id(ike_sa))
	{
		return TRUE;
	}
	lower = chunk_compare(dev->local->get_address(dev->local),
						  dev->remote->get_address(dev->remote)) < 0;
	keep_new = ike_sa->has_condition(ike_sa, COND_ORIGINAL_INITIATOR) ==
			   lower;
	keep_old = dev->initiator == lower;
	if (keep_new == keep_old)
	{	/* reauthentication, or a peer connecting again */
		return TRUE;
	}
	DBG1(DBG_CFG, "flexvpn: two shortcut IKE_SAs to %H: keeping [%u], the "
		 "one %H initiated, terminating [%u]", dev->remote,
		 keep_new ? ike_sa->get_unique_id(ike_sa) : dev->ike_id,
		 lower ? dev->local : dev->remote,
		 keep_new ? dev->ike_id : ike_sa->get_unique_id(ike_sa));
	flexvpn_ike_terminate(keep_new ? dev->ike_id : ike_sa->get_unique_id(ike_sa));
	return keep_new;
}

/**
 * Create the IKE_SA's device, or take over the one between the same outer
 * addresses (reauthentication, a peer connecting again before its old
 * IKE_SA is gone). Called with the mutex held.
 */
static device_t *device_up(private_flexvpn_listener_t *this, ike_sa_t *ike_sa,
						   flexvpn_profile_t *profile)
{
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	host_t *local = ike_sa->get_my_host(ike_sa);
	host_t *remote = ike_sa->get_other_host(ike_sa);
	identification_t *peer = ike_sa->get_other_eap_id(ike_sa);
	uint64_t owner = fv_owner_ike(id);
	flexvpn_access_t access;
	char peer_id[256], what[256];
	device_t *dev;

	snprintf(peer_id, sizeof(peer_id), "%Y", peer);
	dev = device_by_hosts(this, local, remote);
	if (dev && !shortcut_duplicate(this, dev, ike_sa))
	{
		return NULL;
	}
	if (dev)
	{
		if (!flexvpn_kernel_access_set(dev->ifindex, NULL, NULL, peer_id,
									   &owner))
		{
			return NULL;
		}
		DBG1(DBG_CFG, "flexvpn: IKE_SA %s[%u] takes %s over from IKE_SA "
			 "[%u]", ike_sa->get_name(ike_sa), id, dev->ifname, dev->ike_id);
		dev->ike_id = id;
		dev->initiator = ike_sa->has_condition(ike_sa,
											   COND_ORIGINAL_INITIATOR);
		dev->profile = profile;
		return dev;
	}
	snprintf(what, sizeof(what), "%s.plugins.flexvpn.profiles.%s.template = "
			 "%s%s: cannot create an access device", lib->ns, profile->name,
			 profile->template, profile->shaping.rate ?
			 " (with its rate, ceil, burst, qlen, group)" : "");
	if (!flexvpn_kernel_access_new(profile->template, what, local, remote,
								   peer_id, owner, &profile->shaping, &access))
	{
		return NULL;
	}
	INIT(dev,
		.ifindex = access.ifindex,
		.ike_id = id,
		.initiator = ike_sa->has_condition(ike_sa, COND_ORIGINAL_INITIATOR),
		.local = local->clone(local),
		.remote = remote->clone(remote),
		.table = flexvpn_kernel_vrf_table(access.ifindex),
		.profile = profile,
		.routes = linked_list_create(),
	);
	memcpy(dev->ifname, access.ifname, sizeof(dev->ifname));
	this->devices->insert_last(this->devices, dev);
	/* the ABI check (selftests/plugin_abi.sh) compares this line with
	 * swanctl --list-sas: every value comes from an ike_sa_t method */
	DBG1(DBG_CFG, "flexvpn: IKE_SA %s[%u] peer '%Y' %H - %H: created %s "
		 "(owner 0x%llx, table %u)", ike_sa->get_name(ike_sa), id, peer,
		 local, remote, dev->ifname, (unsigned long long)owner, dev->table);
	return dev;
}

/**
 * The IKE_SA's virtual IPs: ours (from the peer's pool) go on the device,
 * the peer's (from our pool) get a host route through it, like a learned
 * route. Mutex held.
 */
static void apply_vips(device_t *dev, ike_sa_t *ike_sa)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *prefix;
	host_t *vip;
	chunk_t raw;

	enumerator = ike_sa->create_virtual_ip_enumerator(ike_sa, TRUE);
	while (enumerator->enumerate(enumerator, &vip))
	{
		if (flexvpn_kernel_addr_add(vip, dev->ifindex))
		{
			DBG1(DBG_CFG, "flexvpn: virtual IP %H on %s", vip, dev->ifname);
		}
	}
	enumerator->destroy(enumerator);

	enumerator = ike_sa->create_virtual_ip_enumerator(ike_sa, FALSE);
	while (enumerator->enumerate(enumerator, &vip))
	{
		raw = vip->get_address(vip);
		INIT(prefix,
			.family = vip->get_family(vip),
			.len = raw.len * 8,
			.le = raw.len * 8,
		);
		memcpy(prefix->addr, raw.ptr, raw.len);
		if (prefix_in(dev->routes, prefix) ||
			!flexvpn_kernel_route(TRUE, prefix, dev->ifindex, dev->table,
								  dev->profile->metric))
		{
			free(prefix);
			continue;
		}
		dev->routes->insert_last(dev->routes, prefix);
		DBG1(DBG_CFG, "flexvpn: the peer's virtual IP %H routed through %s",
			 vip, dev->ifname);
	}
	enumerator->destroy(enumerator);
}

/**
 * Delete the IKE_SA's device, if it still owns one. Mutex held.
 */
static void device_down(private_flexvpn_listener_t *this, uint32_t id)
{
	device_t *dev;

	dev = device_by_ike(this, id);
	if (!dev)
	{
		return;
	}
	this->devices->remove(this->devices, dev, NULL);
	this->nhrp->device_down(this->nhrp, dev->ifindex);
	/* the kernel deletes the routes through it along with it */
	flexvpn_kernel_access_del(dev->ifindex);
	this->hubroutes->device_gone(this->hubroutes, dev->ifindex);
	DBG1(DBG_CFG, "flexvpn: IKE_SA [%u] gone: deleted %s and %d routes", id,
		 dev->ifname, dev->routes->get_count(dev->routes));
	device_destroy(dev);
}

static void ike_gone(private_flexvpn_listener_t *this, ike_sa_t *ike_sa)
{
	uint32_t id = ike_sa->get_unique_id(ike_sa);
	announced_t *ann;

	this->mutex->lock(this->mutex);
	device_down(this, id);
	ann = announced_by_ike(this, id, TRUE);
	if (ann)
	{
		announced_destroy(ann);
	}
	this->mutex->unlock(this->mutex);
}

METHOD(listener_t, child_updown, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	flexvpn_profile_t *profile;
	announced_t *ann;
	device_t *dev;

	if (!is_gre_child(ike_sa, child_sa))
	{
		return TRUE;
	}
	if (!up)
	{
		if (!has_other_gre_child(ike_sa, child_sa))
		{
			this->mutex->lock(this->mutex);
			device_down(this, ike_sa->get_unique_id(ike_sa));
			this->mutex->unlock(this->mutex);
		}
		return TRUE;
	}
	profile = this->profiles->find(this->profiles, ike_sa);
	if (!profile)
	{
		DBG2(DBG_CFG, "flexvpn: no profile for IKE_SA %s[%u]",
			 ike_sa->get_name(ike_sa), ike_sa->get_unique_id(ike_sa));
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	dev = device_by_ike(this, ike_sa->get_unique_id(ike_sa));
	if (!dev)
	{
		dev = device_up(this, ike_sa, profile);
		ann = announced_by_ike(this, ike_sa->get_unique_id(ike_sa), FALSE);
		if (dev && ann)
		{
			apply_routes(this, dev, ann->prefixes);
		}
		if (dev)
		{
			apply_vips(dev, ike_sa);
			nhrp_up(this, dev, ike_sa);
		}
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/**
 * The INTERNAL_IP4/6_SUBNET attributes of a configuration payload.
 */
static void read_subnets(cp_payload_t *cp, linked_list_t *prefixes)
{
	enumerator_t *enumerator;
	configuration_attribute_t *ca;
	flexvpn_prefix_t *prefix;
	chunk_t data;
	int bits;

	enumerator = cp->create_attribute_enumerator(cp);
	while (enumerator->enumerate(enumerator, &ca))
	{
		data = ca->get_chunk(ca);
		INIT(prefix);
		switch (ca->get_type(ca))
		{
			case INTERNAL_IP4_SUBNET:
				/* address and netmask, RFC 7296 3.15.1 */
				if (data.len != 8)
				{
					break;
				}
				prefix->family = AF_INET;
				memcpy(prefix->addr, data.ptr, 4);
				for (bits = 0; bits < 32 &&
					 (data.ptr[4 + bits / 8] & (0x80 >> (bits % 8))); bits++)
				{
				}
				prefix->len = prefix->le = bits;
				break;
			case INTERNAL_IP6_SUBNET:
				/* address and prefix length */
				if (data.len != 17 || data.ptr[16] > 128)
				{
					break;
				}
				prefix->family = AF_INET6;
				memcpy(prefix->addr, data.ptr, 16);
				prefix->len = prefix->le = data.ptr[16];
				break;
			default:
				break;
		}
		if (prefix->family)
		{
			prefixes->insert_last(prefixes, prefix);
		}
		else
		{
			free(prefix);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Keep the TSi and TSr of an incoming message for the narrow hook, which
 * runs in the same thread while the message is processed; forget those of
 * the previous message.
 */
static void keep_received_ts(private_flexvpn_listener_t *this,
							 ike_sa_t *ike_sa, message_t *message)
{
	received_ts_t *received = NULL;
	enumerator_t *enumerator;
	payload_t *payload;
	ts_payload_t *ts;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (payload->get_type(payload) != PLV2_TS_INITIATOR &&
			payload->get_type(payload) != PLV2_TS_RESPONDER)
		{
			continue;
		}
		if (!received)
		{
			INIT(received,
				.ike_id = ike_sa->get_unique_id(ike_sa),
				.tsi = linked_list_create(),
				.tsr = linked_list_create(),
			);
		}
		ts = (ts_payload_t*)payload;
		if (ts->get_initiator(ts))
		{
			received->tsi->destroy_offset(received->tsi,
									offsetof(traffic_selector_t, destroy));
			received->tsi = ts->get_traffic_selectors(ts);
		}
		else
		{
			received->tsr->destroy_offset(received->tsr,
									offsetof(traffic_selector_t, destroy));
			received->tsr = ts->get_traffic_selectors(ts);
		}
	}
	enumerator->destroy(enumerator);
	received_ts_destroy(this->received->get(this->received));
	this->received->set(this->received, received);
}

METHOD(listener_t, message, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	enumerator_t *enumerator;
	payload_t *payload;
	linked_list_t *prefixes;
	cp_payload_t *cp;
	announced_t *ann;

	if (!incoming || !plain)
	{
		return TRUE;
	}
	keep_received_ts(this, ike_sa, message);
	if (message->get_exchange_type(message) != IKE_AUTH)
	{
		return TRUE;
	}
	/* the responder reads the initiator's CFG_REQUEST, the initiator the
	 * CFG_REPLY; charon itself ignores subnets in a request, and the peer
	 * is not authenticated yet: the prefixes wait for the device */
	prefixes = linked_list_create();
	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (payload->get_type(payload) != PLV2_CONFIGURATION)
		{
			continue;
		}
		cp = (cp_payload_t*)payload;
		if (cp->get_type(cp) == CFG_REQUEST || cp->get_type(cp) == CFG_REPLY)
		{
			read_subnets(cp, prefixes);
		}
	}
	enumerator->destroy(enumerator);
	if (!prefixes->get_count(prefixes))
	{
		prefixes->destroy(prefixes);
		return TRUE;
	}
	this->mutex->lock(this->mutex);
	ann = announced_by_ike(this, ike_sa->get_unique_id(ike_sa), FALSE);
	if (!ann)
	{
		INIT(ann,
			.ike_id = ike_sa->get_unique_id(ike_sa),
			.prefixes = linked_list_create(),
		);
		this->announced->insert_last(this->announced, ann);
	}
	while (prefixes->remove_first(prefixes, (void**)&payload) == SUCCESS)
	{
		ann->prefixes->insert_last(ann->prefixes, payload);
	}
	this->mutex->unlock(this->mutex);
	prefixes->destroy(prefixes);
	return TRUE;
}

/**
 * Whether the IKE_SA has a virtual IP on one side.
 */
static bool has_vips(ike_sa_t *ike_sa, bool local)
{
	enumerator_t *enumerator;
	host_t *vip;
	bool found;

	enumerator = ike_sa->create_virtual_ip_enumerator(ike_sa, local);
	found = enumerator->enumerate(enumerator, &vip);
	enumerator->destroy(enumerator);
	return found;
}

/**
 * In our proposal, a selector naming one of a side's virtual IPs names its
 * outer address instead: charon derives "dynamic" from the virtual IP when
 * it rekeys a CHILD_SA. Selectors of a virtual IP of the other address
 * family are left out.
 */
static void vips_to_outer(ike_sa_t *ike_sa, bool local, linked_list_t *list)
{
	enumerator_t *enumerator, *vips;
	traffic_selector_t *ts;
	host_t *vip, *outer;

	outer = local ? ike_sa->get_my_host(ike_sa)
				  : ike_sa->get_other_host(ike_sa);
	enumerator = list->create_enumerator(list);
	while (enumerator->enumerate(enumerator, &ts))
	{
		vips = ike_sa->create_virtual_ip_enumerator(ike_sa, local);
		while (vips->enumerate(vips, &vip))
		{
			if (!ts->is_host(ts, vip))
			{
				continue;
			}
			if (vip->get_family(vip) == outer->get_family(outer))
			{
				ts->set_address(ts, outer);
			}
			else
			{
				list->remove_at(list, enumerator);
				ts->destroy(ts);
			}
			break;
		}
		vips->destroy(vips);
	}
	enumerator->destroy(enumerator);
}

/**
 * Narrow one side's selectors as charon does for a transport-mode CHILD_SA
 * without a virtual IP: the configured selectors, "dynamic" being the outer
 * address, against those the peer sent. charon would take the virtual IP
 * (and refuse the outer address the peer proposes), but GRE runs between
 * the outer addresses. What charon narrowed is kept if nothing matches.
 */
static void narrow_to_outer(ike_sa_t *ike_sa, child_cfg_t *cfg, bool local,
							linked_list_t *list, linked_list_t *received)
{
	enumerator_t *e1, *e2;
	traffic_selector_t *ts, *sent, *subset;
	linked_list_t *hosts, *derived, *result;
	host_t *outer;
	bool nat;

	outer = local ? ike_sa->get_my_host(ike_sa)
				  : ike_sa->get_other_host(ike_sa);
	nat = ike_sa->has_condition(ike_sa, local ? COND_NAT_HERE
											  : COND_NAT_THERE);
	hosts = linked_list_create_with_items(outer, NULL);
	derived = cfg->get_traffic_selectors(cfg, local, NULL, hosts, FALSE);
	hosts->destroy(hosts);
	result = linked_list_create();

	e1 = derived->create_enumerator(derived);
	while (e1->enumerate(e1, &ts))
	{
		e2 = received->create_enumerator(received);
		while (e2->enumerate(e2, &sent))
		{
			sent = sent->clone(sent);
			if (nat && sent->is_host(sent, NULL))
			{	/* behind a NAT it names the untranslated address */
				sent->set_address(sent, outer);
			}
			subset = ts->get_subset(ts, sent);
			if (subset)
			{
				result->insert_last(result, subset);
			}
			sent->destroy(sent);
		}
		e2->destroy(e2);
	}
	e1->destroy(e1);
	derived->destroy_offset(derived, offsetof(traffic_selector_t, destroy));

	if (result->get_count(result))
	{
		DBG1(DBG_CFG, "flexvpn: %s traffic selectors %#R: the outer address, "
			 "not the virtual IP", local ? "our" : "the peer's", result);
		while (list->remove_first(list, (void**)&ts) == SUCCESS)
		{
			ts->destroy(ts);
		}
		while (result->remove_first(result, (void**)&ts) == SUCCESS)
		{
			list->insert_last(list, ts);
		}
	}
	result->destroy(result);
}

METHOD(listener_t, narrow, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	narrow_hook_t type, linked_list_t *local, linked_list_t *remote)
{
	child_cfg_t *cfg = child_sa->get_config(child_sa);
	received_ts_t *received;
	bool initiator;

	/* in transport mode the selectors are the addresses of the packets the
	 * SA carries, and a virtual IP is never one of them */
	if (cfg->get_mode(cfg) != MODE_TRANSPORT ||
		cfg->has_option(cfg, OPT_PROXY_MODE) ||
		(!has_vips(ike_sa, TRUE) && !has_vips(ike_sa, FALSE)) ||
		!this->profiles->find(this->profiles, ike_sa))
	{
		return TRUE;
	}
	switch (type)
	{
		case NARROW_INITIATOR_PRE_NOAUTH:
		case NARROW_INITIATOR_PRE_AUTH:
			vips_to_outer(ike_sa, TRUE, local);
			vips_to_outer(ike_sa, FALSE, remote);
			break;
		case NARROW_RESPONDER:
		case NARROW_INITIATOR_POST_NOAUTH:
		case NARROW_INITIATOR_POST_AUTH:
			received = this->received->get(this->received);
			if (!received ||
				received->ike_id != ike_sa->get_unique_id(ike_sa))
			{
				break;
			}
			initiator = type != NARROW_RESPONDER;
			if (has_vips(ike_sa, TRUE))
			{
				narrow_to_outer(ike_sa, cfg, TRUE, local,
								initiator ? received->tsi : received->tsr);
			}
			if (has_vips(ike_sa, FALSE))
			{
				narrow_to_outer(ike_sa, cfg, FALSE, remote,
								initiator ? received->tsr : received->tsi);
			}
			break;
		default:
			break;
	}
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool,
	private_flexvpn_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	uint32_t id = new->get_unique_id(new);
	uint64_t owner = fv_owner_ike(id);
	device_t *dev;

	this->mutex->lock(this->mutex);
	dev = device_by_ike(this, old->get_unique_id(old));
	if (dev && flexvpn_kernel_access_set(dev->ifindex, NULL, NULL, NULL,
										 &owner))
	{
		DBG1(DBG_CFG, "flexvpn: IKE_SA %s[%u] rekeyed to [%u], keeping %s",
			 old->get_name(old), dev->ike_id, id, dev->ifname);
		dev->ike_id = id;
		nhrp_up(this, dev, new);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_update, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, host_t *local,
	host_t *remote)
{
	device_t *dev;

	this->mutex->lock(this->mutex);
	dev = device_by_ike(this, ike_sa->get_unique_id(ike_sa));
	if (dev && (!dev->local->ip_equals(dev->local, local) ||
				!dev->remote->ip_equals(dev->remote, remote)) &&
		flexvpn_kernel_access_set(dev->ifindex, local, remote, NULL, NULL))
	{
		DBG1(DBG_CFG, "flexvpn: %s now %H - %H", dev->ifname, local, remote);
		dev->local->destroy(dev->local);
		dev->remote->destroy(dev->remote);
		dev->local = local->clone(local);
		dev->remote = remote->clone(remote);
		nhrp_up(this, dev, ike_sa);
	}
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, bool up)
{
	if (!up)
	{
		ike_gone(this, ike_sa);
	}
	return TRUE;
}

METHOD(listener_t, ike_state_change, bool,
	private_flexvpn_listener_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	if (state == IKE_DESTROYING)
	{
		ike_gone(this, ike_sa);
	}
	return TRUE;
}

METHOD(flexvpn_listener_t, cleanup, void,
	private_flexvpn_listener_t *this)
{
	flexvpn_access_t *access;
	linked_list_t *list;
	uint32_t ike_id;
	int count = 0;

	list = flexvpn_kernel_access_dump();
	if (!list)
	{
		return;
	}
	this->mutex->lock(this->mutex);
	while (list->remove_first(list, (void**)&access) == SUCCESS)
	{
		if (fv_owner_ike_sa(access->owner, &ike_id) &&
			!device_by_ike(this, ike_id) &&
			flexvpn_kernel_access_del(access->ifindex))
		{
			DBG1(DBG_CFG, "flexvpn: deleted %s left behind by IKE_SA [%u]",
				 access->ifname, ike_id);
			count++;
		}
		free(access);
	}
	this->mutex->unlock(this->mutex);
	list->destroy(list);
	DBG1(DBG_CFG, "flexvpn: %d stale access devices deleted", count);
}

METHOD(flexvpn_listener_t, destroy, void,
	private_flexvpn_listener_t *this)
{
	device_t *dev;

	while (this->devices->remove_first(this->devices,
									   (void**)&dev) == SUCCESS)
	{
		this->nhrp->device_down(this->nhrp, dev->ifindex);
		flexvpn_kernel_access_del(dev->ifindex);
		device_destroy(dev);
	}
	this->devices->destroy(this->devices);
	this->announced->destroy_function(this->announced,
									  (void*)announced_destroy);
	this->hubroutes->destroy(this->hubroutes);
	this->mutex->destroy(this->mutex);
	/* only the calling thread's value: other workers are gone by now */
	received_ts_destroy(this->received->get(this->received));
	this->received->destroy(this->received);
	free(this);
}

/*
 * Described in header
 */
flexvpn_listener_t *flexvpn_listener_create(flexvpn_profiles_t *profiles,
											 flexvpn_nhrp_t *nhrp)
{
	private_flexvpn_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.message = _message,
				.narrow = _narrow,
				.child_updown = _child_updown,
				.ike_rekey = _ike_rekey,
				.ike_update = _ike_update,
				.ike_updown = _ike_updown,
				.ike_state_change = _ike_state_change,
			},
			.cleanup = _cleanup,
			.destroy = _destroy,
		},
		.profiles = profiles,
		.nhrp = nhrp,
		.devices = linked_list_create(),
		.announced = linked_list_create(),
		.hubroutes = flexvpn_hubroutes_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.received = thread_value_create((void*)received_ts_destroy),
	);
	return &this->public;
}
