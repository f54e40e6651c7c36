/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_kernel flexvpn_kernel
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_KERNEL_H_
#define FLEXVPN_KERNEL_H_

#include <net/if.h>
#include <library.h>
#include <networking/host.h>
#include <fv_model.h>

#include "flexvpn_profiles.h"

/**
 * What the plugin keeps of an access device the kernel told it about.
 */
typedef struct {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	/** fv_owner_ike() of its IKE_SA for the devices the plugin creates */
	uint64_t owner;
} flexvpn_access_t;

/**
 * Set up the netlink sockets (once, before any other function here).
 */
void flexvpn_kernel_init();

/**
 * Close the netlink sockets.
 */
void flexvpn_kernel_deinit();

/**
 * FLEXVPN_CMD_ACCESS_NEW from template; the kernel creates it up.
 * Failures are logged with the kernel's message, what names the setting.
 * shaping: the device's shaper, NULL for the template's default.
 */
bool flexvpn_kernel_access_new(char *template, char *what, host_t *local,
							   host_t *remote, char *peer_id, uint64_t owner,
							   flexvpn_shaping_t *shaping,
							   flexvpn_access_t *access);

/**
 * FLEXVPN_CMD_ACCESS_SET: what is NULL is not changed.
 */
bool flexvpn_kernel_access_set(uint32_t ifindex, host_t *local,
							   host_t *remote, char *peer_id, uint64_t *owner);

/**
 * FLEXVPN_CMD_ACCESS_DEL of one device.
 */
bool flexvpn_kernel_access_del(uint32_t ifindex);

/**
 * Every access device of the namespace, into a list of flexvpn_access_t*
 * (to be freed by the caller); NULL on failure.
 */
linked_list_t *flexvpn_kernel_access_dump();

/**
 * What a device name is now.
 */
typedef enum {
	/** some other device, or the kernel could not be asked */
	FLEXVPN_LINK_OTHER,
	/** an access device */
	FLEXVPN_LINK_ACCESS,
	/** no device has that name (any more) */
	FLEXVPN_LINK_GONE,
} flexvpn_link_t;

/**
 * Ask the kernel, quietly, what the device of that name is.
 */
flexvpn_link_t flexvpn_kernel_link(const char *ifname);

/**
 * The routing table of the VRF a device is enslaved to; RT_TABLE_MAIN if
 * it is enslaved to none.
 */
uint32_t flexvpn_kernel_vrf_table(uint32_t ifindex);

/**
 * Add or delete a route to prefix through a device, with protocol
 * FLEXVPN_RTPROT, in table with metric.
 */
bool flexvpn_kernel_route(bool add, flexvpn_prefix_t *prefix, uint32_t ifindex,
						  uint32_t table, uint32_t metric);

/**
 * Add or delete a route to prefix by a nexthop object (a group), with
 * protocol FLEXVPN_RTPROT, in table with metric.
 */
bool flexvpn_kernel_route_nh(bool add, flexvpn_prefix_t *prefix, uint32_t nhid,
							 uint32_t table, uint32_t metric);

/**
 * Create a nexthop object through a device, of an address family (the
 * family of the routes that may use it); the kernel picks its id.
 *
 * @return			the nexthop's id, 0 on failure (logged)
 */
uint32_t flexvpn_kernel_nexthop_add(int family, uint32_t ifindex);

/**
 * Create a nexthop group of count nexthops (equal weights), or with id,
 * make the existing group id that. The kernel removes a member whose device
 * goes, and the group with its routes when the last one goes.
 *
 * @return			the group's id, 0 on failure (logged)
 */
uint32_t flexvpn_kernel_nexthop_group(uint32_t id, uint32_t *members,
									  int count);

/**
 * Delete a nexthop object.
 */
bool flexvpn_kernel_nexthop_del(uint32_t id);

/**
 * Add an address (a virtual IP from the peer's pool) to a device, as a host
 * address (/32, /128; IPv6 without duplicate address detection).
 */
bool flexvpn_kernel_addr_add(host_t *addr, uint32_t ifindex);

/* ------------------------------------------------------------ NHRP */

struct fvnl;

/**
 * A generic netlink socket joined to the module's events group (redirect
 * triggers, devices coming and going), read with fvnl_recv(); NULL
 * (logged) when the module is not loaded.
 */
struct fvnl *flexvpn_kernel_events_open();

/**
 * The master (a VRF) a device is enslaved to, 0 for none.
 */
uint32_t flexvpn_kernel_master(uint32_t ifindex);

/**
 * Packets received and sent by a device so far (its IFLA_STATS64).
 */
bool flexvpn_kernel_link_packets(uint32_t ifindex, uint64_t *packets);

/**
 * The device the kernel routes addr (4 or 16 bytes, by family) through, in
 * the table of the VRF device vrf (0: the main table); 0 if unreachable.
 */
uint32_t flexvpn_kernel_route_get(int family, const uint8_t *addr,
								  uint32_t vrf);

#endif /** FLEXVPN_KERNEL_H_ @}*/
