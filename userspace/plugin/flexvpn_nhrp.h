/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_nhrp flexvpn_nhrp
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_NHRP_H_
#define FLEXVPN_NHRP_H_

#include <library.h>
#include <networking/host.h>

#include "flexvpn_profiles.h"

typedef struct flexvpn_nhrp_t flexvpn_nhrp_t;

/**
 * NHRP shortcut switching over the access devices of profiles with
 * nhrp = yes: a hub sends Traffic Indications on the kernel's redirect
 * triggers and forwards Resolution Requests; a spoke with a shortcut
 * connection resolves on Traffic Indications, answers requests for its
 * prefixes by bringing up a shortcut IKE_SA to the requester, installs the
 * routes it learns from replies, refreshes them while they are used and
 * tears idle shortcuts down. Keeps the NHRP cache and serves it on the
 * control socket (userspace/nhrp/nhrp_ctl.h).
 */
struct flexvpn_nhrp_t {

	/**
	 * An access device of a profile came up, or its addresses or owner
	 * changed. Called by the listener with its lock held.
	 *
	 * @param ifindex	the device
	 * @param ifname	its name
	 * @param ike_id	unique id of the owning IKE_SA
	 * @param conn		its connection's name
	 * @param local		our outer (NBMA) address
	 * @param remote	the peer's outer (NBMA) address
	 * @param table		the routing table of the device's VRF
	 * @param profile	the device's profile
	 */
	void (*device_up)(flexvpn_nhrp_t *this, uint32_t ifindex, char *ifname,
					  uint32_t ike_id, char *conn, host_t *local,
					  host_t *remote, uint32_t table,
					  flexvpn_profile_t *profile);

	/**
	 * An access device is being deleted (its routes go with it).
	 */
	void (*device_down)(flexvpn_nhrp_t *this, uint32_t ifindex);

	/**
	 * Start: open the sockets (the module must be loaded). FALSE if NHRP
	 * cannot run; it is logged.
	 */
	bool (*start)(flexvpn_nhrp_t *this);

	/**
	 * Destroy, deleting the routes it installed.
	 */
	void (*destroy)(flexvpn_nhrp_t *this);
};

/**
 * Create the NHRP control plane (idle until start()).
 */
flexvpn_nhrp_t *flexvpn_nhrp_create(flexvpn_profiles_t *profiles);

#endif /** FLEXVPN_NHRP_H_ @}*/
