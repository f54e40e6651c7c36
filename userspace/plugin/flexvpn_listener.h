/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_listener flexvpn_listener
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_LISTENER_H_
#define FLEXVPN_LISTENER_H_

#include <bus/listeners/listener.h>

#include "flexvpn_profiles.h"
#include "flexvpn_nhrp.h"

typedef struct flexvpn_listener_t flexvpn_listener_t;

/**
 * Brings an access device up and down with each IKE_SA of a profile, and
 * installs the routes its peer announced through it.
 */
struct flexvpn_listener_t {

	/**
	 * Implements listener_t interface.
	 */
	listener_t listener;

	/**
	 * Delete the access devices a previous charon left behind (owner tag
	 * FV_OWNER_IKE_TAG and no IKE_SA of ours).
	 */
	void (*cleanup)(flexvpn_listener_t *this);

	/**
	 * Destroy the listener, deleting the devices it still owns.
	 */
	void (*destroy)(flexvpn_listener_t *this);
};

/**
 * Terminate an IKE_SA by its unique id, from a job (the caller may hold
 * locks the IKE_SA's teardown needs).
 */
void flexvpn_ike_terminate(uint32_t id);

/**
 * Create the listener.
 *
 * @param profiles		the plugin's profiles
 * @param nhrp			told of the devices coming and going
 */
flexvpn_listener_t *flexvpn_listener_create(flexvpn_profiles_t *profiles,
											 flexvpn_nhrp_t *nhrp);

#endif /** FLEXVPN_LISTENER_H_ @}*/
