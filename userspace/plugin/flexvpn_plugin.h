/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn flexvpn
 * @ingroup cplugins
 *
 * @defgroup flexvpn_plugin flexvpn_plugin
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_PLUGIN_H_
#define FLEXVPN_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct flexvpn_plugin_t flexvpn_plugin_t;

/**
 * Brings flexvpn virtual-access devices up and down with IKEv2 peers and
 * exchanges routes with them in configuration payloads.
 */
struct flexvpn_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** FLEXVPN_PLUGIN_H_ @}*/
