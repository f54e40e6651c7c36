/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The plugin: reads the profiles, registers the listener and the attribute
 * handler/provider, and cleans up what a previous charon left behind.
 */

#include "flexvpn_plugin.h"
#include "flexvpn_listener.h"
#include "flexvpn_attributes.h"
#include "flexvpn_kernel.h"
#include "flexvpn_nhrp.h"

#include <daemon.h>

typedef struct private_flexvpn_plugin_t private_flexvpn_plugin_t;

struct private_flexvpn_plugin_t {

	/**
	 * Implements plugin interface
	 */
	flexvpn_plugin_t public;

	/**
	 * Profiles from strongswan.conf
	 */
	flexvpn_profiles_t *profiles;

	/**
	 * Device lifecycle and learned routes
	 */
	flexvpn_listener_t *listener;

	/**
	 * Routes we announce
	 */
	flexvpn_attributes_t *attributes;

	/**
	 * NHRP shortcut switching
	 */
	flexvpn_nhrp_t *nhrp;
};

/**
 * charon's own kernel_interface_t.is_interface_usable(), while ours stands
 * in for it
 */
static bool (*charon_is_interface_usable)(kernel_interface_t *kernel,
										  const char *iface);

/**
 * Access devices are the inside of the VPN, so they are no path for IKE,
 * and their addresses are none of charon's to announce. Without this, every
 * access device that comes up is an address change to charon's
 * kernel-netlink plugin, and charon answers each (at most every 100 ms) by
 * checking the path of every IKE_SA and sending every MOBIKE peer an
 * address list update: with N spokes, an INFORMATIONAL exchange to each of
 * them for each new spoke. kernel-netlink asks this once per link message
 * and keeps the answer; routes and addresses on devices it deems unusable
 * set off no roam event either.
 * A device that is gone by the time kernel-netlink reads its message (the
 * "down" message of a deleted access device, usually) is no path either:
 * a device still there sends a message of its own for each change.
 */
static bool is_interface_usable(kernel_interface_t *kernel, const char *iface)
{
	switch (flexvpn_kernel_link(iface))
	{
		case FLEXVPN_LINK_ACCESS:
		case FLEXVPN_LINK_GONE:
			return FALSE;
		default:
			return charon_is_interface_usable(kernel, iface);
	}
}

METHOD(plugin_t, get_name, char*,
	private_flexvpn_plugin_t *this)
{
	return "flexvpn";
}

static bool plugin_cb(private_flexvpn_plugin_t *this,
					  plugin_feature_t *feature, bool reg, void *cb_data)
{
	if (reg)
	{
		/* no IKE_SA exists yet: every device of ours is a leftover */
		this->listener->cleanup(this->listener);
		if (this->profiles->has_nhrp(this->profiles) &&
			!this->nhrp->start(this->nhrp))
		{
			DBG1(DBG_CFG, "flexvpn: NHRP does not run: profiles with "
				 "nhrp = yes build no shortcuts");
		}
		charon_is_interface_usable = charon->kernel->is_interface_usable;
		charon->kernel->is_interface_usable = is_interface_usable;
		charon->bus->add_listener(charon->bus, &this->listener->listener);
		charon->attributes->add_handler(charon->attributes,
										&this->attributes->handler);
		charon->attributes->add_provider(charon->attributes,
										 &this->attributes->provider);
	}
	else
	{
		charon->attributes->remove_provider(charon->attributes,
											&this->attributes->provider);
		charon->attributes->remove_handler(charon->attributes,
										   &this->attributes->handler);
		charon->bus->remove_listener(charon->bus, &this->listener->listener);
		if (charon->kernel->is_interface_usable == is_interface_usable)
		{
			charon->kernel->is_interface_usable = charon_is_interface_usable;
		}
	}
	return TRUE;
}

METHOD(plugin_t, get_features, int,
	private_flexvpn_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK((plugin_feature_callback_t)plugin_cb, NULL),
			PLUGIN_PROVIDE(CUSTOM, "flexvpn"),
	};
	*features = f;
	return countof(f);
}

METHOD(plugin_t, destroy, void,
	private_flexvpn_plugin_t *this)
{
	this->listener->destroy(this->listener);
	this->nhrp->destroy(this->nhrp);
	this->attributes->destroy(this->attributes);
	this->profiles->destroy(this->profiles);
	flexvpn_kernel_deinit();
	free(this);
}

/* stamped in at build time (tools/version.mk) */
extern const char flexvpn_version[];

/**
 * Plugin constructor
 */
plugin_t *flexvpn_plugin_create()
{
	private_flexvpn_plugin_t *this;

	DBG1(DBG_CFG, "flexvpn plugin %s", flexvpn_version);
	if (!lib->caps->keep(lib->caps, CAP_NET_ADMIN))
	{
		DBG1(DBG_CFG, "flexvpn plugin requires CAP_NET_ADMIN capability");
		return NULL;
	}

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.destroy = _destroy,
			},
		},
		.profiles = flexvpn_profiles_create(),
	);
	/* NHRP's AF_PACKET socket */
	if (this->profiles->has_nhrp(this->profiles) &&
		!lib->caps->keep(lib->caps, CAP_NET_RAW))
	{
		DBG1(DBG_CFG, "flexvpn: NHRP requires the CAP_NET_RAW capability");
	}
	flexvpn_kernel_init();
	this->nhrp = flexvpn_nhrp_create(this->profiles);
	this->listener = flexvpn_listener_create(this->profiles, this->nhrp);
	this->attributes = flexvpn_attributes_create(this->profiles);

	return &this->public.plugin;
}
