/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The prefixes a profile announces, encoded as IKEv2 configuration
 * attributes (RFC 7296 3.15.1: INTERNAL_IP4_SUBNET is an address and a
 * netmask, INTERNAL_IP6_SUBNET an address and a prefix length).
 */

#include "flexvpn_attributes.h"

#include <daemon.h>

typedef struct private_flexvpn_attributes_t private_flexvpn_attributes_t;

struct private_flexvpn_attributes_t {

	/**
	 * Public interface
	 */
	flexvpn_attributes_t public;

	/**
	 * The plugin's profiles
	 */
	flexvpn_profiles_t *profiles;
};

/**
 * Enumerates a profile's routes as (type, value); value lives in buf.
 */
typedef struct {
	enumerator_t public;
	enumerator_t *inner;
	uint8_t buf[17];
} route_enumerator_t;

METHOD(enumerator_t, enumerate_routes, bool,
	route_enumerator_t *this, va_list args)
{
	configuration_attribute_type_t *type;
	flexvpn_prefix_t *prefix;
	chunk_t *value;
	int i;

	VA_ARGS_VGET(args, type, value);
	if (!this->inner->enumerate(this->inner, &prefix))
	{
		return FALSE;
	}
	memset(this->buf, 0, sizeof(this->buf));
	if (prefix->family == AF_INET)
	{
		memcpy(this->buf, prefix->addr, 4);
		for (i = 0; i < prefix->len; i++)
		{
			this->buf[4 + i / 8] |= 0x80 >> (i % 8);
		}
		*type = INTERNAL_IP4_SUBNET;
		*value = chunk_create(this->buf, 8);
	}
	else
	{
		memcpy(this->buf, prefix->addr, 16);
		this->buf[16] = prefix->len;
		*type = INTERNAL_IP6_SUBNET;
		*value = chunk_create(this->buf, 17);
	}
	return TRUE;
}

METHOD(enumerator_t, destroy_routes, void,
	route_enumerator_t *this)
{
	this->inner->destroy(this->inner);
	free(this);
}

static enumerator_t *create_routes(private_flexvpn_attributes_t *this,
								   ike_sa_t *ike_sa)
{
	flexvpn_profile_t *profile;
	route_enumerator_t *enumerator;

	profile = this->profiles->find(this->profiles, ike_sa);
	if (!profile || !profile->routes->get_count(profile->routes))
	{
		return enumerator_create_empty();
	}
	INIT(enumerator,
		.public = {
			.enumerate = enumerator_enumerate_default,
			.venumerate = _enumerate_routes,
			.destroy = _destroy_routes,
		},
		.inner = profile->routes->create_enumerator(profile->routes),
	);
	return &enumerator->public;
}

METHOD(attribute_handler_t, handle, bool,
	private_flexvpn_attributes_t *this, ike_sa_t *ike_sa,
	configuration_attribute_type_t type, chunk_t data)
{
	/* the responder's subnets in our request's reply: the listener read
	 * them from the message already, claim them so charon does not
	 * complain about an unhandled attribute */
	return (type == INTERNAL_IP4_SUBNET || type == INTERNAL_IP6_SUBNET) &&
		   this->profiles->find(this->profiles, ike_sa);
}

METHOD(attribute_handler_t, release, void,
	private_flexvpn_attributes_t *this, ike_sa_t *ike_sa,
	configuration_attribute_type_t type, chunk_t data)
{
	/* the routes go with the access device */
}

METHOD(attribute_handler_t, create_handler_enumerator, enumerator_t*,
	private_flexvpn_attributes_t *this, ike_sa_t *ike_sa, linked_list_t *vips)
{
	return create_routes(this, ike_sa);
}

/**
 * The provider is not the first member: its methods find the object from it.
 */
static private_flexvpn_attributes_t *of_provider(attribute_provider_t *provider)
{
	return (private_flexvpn_attributes_t*)((char*)provider -
		offsetof(private_flexvpn_attributes_t, public.provider));
}

METHOD(attribute_provider_t, acquire_address, host_t*,
	attribute_provider_t *provider, linked_list_t *pools, ike_sa_t *ike_sa,
	host_t *requested)
{
	return NULL;
}

METHOD(attribute_provider_t, release_address, bool,
	attribute_provider_t *provider, linked_list_t *pools, host_t *address,
	ike_sa_t *ike_sa)
{
	return FALSE;
}

METHOD(attribute_provider_t, create_provider_enumerator, enumerator_t*,
	attribute_provider_t *provider, linked_list_t *pools, ike_sa_t *ike_sa,
	linked_list_t *vips)
{
	return create_routes(of_provider(provider), ike_sa);
}

METHOD(flexvpn_attributes_t, destroy, void,
	private_flexvpn_attributes_t *this)
{
	free(this);
}

/*
 * Described in header
 */
flexvpn_attributes_t *flexvpn_attributes_create(flexvpn_profiles_t *profiles)
{
	private_flexvpn_attributes_t *this;

	INIT(this,
		.public = {
			.handler = {
				.handle = _handle,
				.release = _release,
				.create_attribute_enumerator = _create_handler_enumerator,
			},
			.provider = {
				.acquire_address = _acquire_address,
				.release_address = _release_address,
				.create_attribute_enumerator = _create_provider_enumerator,
			},
			.destroy = _destroy,
		},
		.profiles = profiles,
	);
	return &this->public;
}
