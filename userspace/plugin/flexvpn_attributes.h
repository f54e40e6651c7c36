/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_attributes flexvpn_attributes
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_ATTRIBUTES_H_
#define FLEXVPN_ATTRIBUTES_H_

#include <attributes/attribute_handler.h>
#include <attributes/attribute_provider.h>

#include "flexvpn_profiles.h"

typedef struct flexvpn_attributes_t flexvpn_attributes_t;

/**
 * IKEv2 routing, sending side: the profile's routes as INTERNAL_IP4_SUBNET /
 * INTERNAL_IP6_SUBNET attributes, in the initiator's CFG_REQUEST (handler)
 * and the responder's CFG_REPLY (provider), the way Cisco's "route set"
 * does. What arrives is read by the listener.
 */
struct flexvpn_attributes_t {

	/**
	 * Implements attribute_handler_t (initiator).
	 */
	attribute_handler_t handler;

	/**
	 * Implements attribute_provider_t (responder).
	 */
	attribute_provider_t provider;

	/**
	 * Destroy.
	 */
	void (*destroy)(flexvpn_attributes_t *this);
};

/**
 * Create the attribute handler and provider.
 */
flexvpn_attributes_t *flexvpn_attributes_create(flexvpn_profiles_t *profiles);

#endif /** FLEXVPN_ATTRIBUTES_H_ @}*/
