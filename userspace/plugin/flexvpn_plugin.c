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
};

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
		/* kernel-netlink takes each access device coming and going for a
		 * roam event and sends every MOBIKE peer an address list update:
		 * N spokes coming up cost a hub N * N exchanges */
		if (lib->settings->get_bool(lib->settings,
						"%s.plugins.kernel-netlink.roam_events", TRUE, lib->ns))
		{
			DBG1(DBG_CFG, "flexvpn: with many peers (a hub) set "
				 "%s.plugins.kernel-netlink.roam_events = no: each access "
				 "device created or deleted makes charon send all MOBIKE "
				 "peers an address update", lib->ns);
		}
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
	this->attributes->destroy(this->attributes);
	this->profiles->destroy(this->profiles);
	free(this);
}

/**
 * Plugin constructor
 */
plugin_t *flexvpn_plugin_create()
{
	private_flexvpn_plugin_t *this;

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
	this->listener = flexvpn_listener_create(this->profiles);
	this->attributes = flexvpn_attributes_create(this->profiles);

	return &this->public.plugin;
}
