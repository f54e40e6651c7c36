/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_hubroutes flexvpn_hubroutes
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_HUBROUTES_H_
#define FLEXVPN_HUBROUTES_H_

#include "flexvpn_profiles.h"

typedef struct flexvpn_hubroutes_t flexvpn_hubroutes_t;

/**
 * The routes learned from hubs (profiles with hub = yes), which several
 * hubs may announce at once. One kernel route per table, prefix and
 * metric, by a nexthop group of the hubs' access devices that announced
 * it with that metric: one member is active/standby by metric, several
 * share the traffic (ECMP). The kernel drops a member whose device is
 * deleted, and the group and its route with the last one: a route never
 * points at a device that is gone.
 *
 * Not thread-safe: the listener calls it with its mutex held.
 */
struct flexvpn_hubroutes_t {

	/**
	 * Route prefix through a hub's device, beside the other hubs' routes to
	 * it with the same metric.
	 *
	 * @return			TRUE if routed (failures are logged)
	 */
	bool (*add)(flexvpn_hubroutes_t *this, flexvpn_prefix_t *prefix,
				uint32_t ifindex, uint32_t table, uint32_t metric);

	/**
	 * Route prefix no longer through the device (the hub withdrew it).
	 */
	void (*del)(flexvpn_hubroutes_t *this, flexvpn_prefix_t *prefix,
				uint32_t ifindex, uint32_t table, uint32_t metric);

	/**
	 * The device was deleted, and the kernel with it its nexthops, its
	 * places in the groups, and the groups and routes it was the last of.
	 */
	void (*device_gone)(flexvpn_hubroutes_t *this, uint32_t ifindex);

	/**
	 * Destroy the object; the routes stay (the devices take them along).
	 */
	void (*destroy)(flexvpn_hubroutes_t *this);
};

/**
 * Create the hub routes, none yet.
 */
flexvpn_hubroutes_t *flexvpn_hubroutes_create();

#endif /** FLEXVPN_HUBROUTES_H_ @}*/
