/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/**
 * @defgroup flexvpn_profiles flexvpn_profiles
 * @{ @ingroup flexvpn
 */

#ifndef FLEXVPN_PROFILES_H_
#define FLEXVPN_PROFILES_H_

#include <sa/ike_sa.h>
#include <collections/linked_list.h>


/**
 * A device's shaper (FLEXVPN_ACCESS_A_SHAPER); rate 0: the template's
 * default applies.
 */
typedef struct {
	/** assured rate, bit/s */
	uint64_t rate;
	/** ceil, bit/s, 0: the rate */
	uint64_t ceil;
	/** burst, bytes, 0: automatic */
	uint32_t burst;
	/** queue length, packets, 0: default */
	uint32_t qlen;
	/** shaper group of the template, NULL: none */
	char *group;
} flexvpn_shaping_t;

typedef struct flexvpn_prefix_t flexvpn_prefix_t;
typedef struct flexvpn_profile_t flexvpn_profile_t;
typedef struct flexvpn_profiles_t flexvpn_profiles_t;

/**
 * An IPv4 or IPv6 prefix, and for accept filters the longest prefix length
 * the filter lets through ("le N"; the prefix's own length without it).
 */
struct flexvpn_prefix_t {
	int family;
	uint8_t addr[16];
	uint8_t len;
	uint8_t le;
};

/**
 * Parse "ADDR/LEN", or with filter "ADDR/LEN [le N]"; host bits must be 0.
 */
bool flexvpn_prefix_parse(char *str, bool filter, flexvpn_prefix_t *prefix);

/**
 * Whether inner lies within outer (same family, inner at least as long).
 */
bool flexvpn_prefix_within(flexvpn_prefix_t *outer, flexvpn_prefix_t *inner);

/**
 * Whether the accept filter lets prefix through (within it, length <= le).
 */
bool flexvpn_prefix_accepts(flexvpn_prefix_t *filter, flexvpn_prefix_t *prefix);

/**
 * Whether one of a list of accept filters lets prefix through.
 */
bool flexvpn_prefix_accepted(linked_list_t *filters, flexvpn_prefix_t *prefix);

/**
 * One charon.plugins.flexvpn.profiles.<name> section, parsed.
 */
struct flexvpn_profile_t {
	/** section name */
	char *name;
	/** virtual-template to clone */
	char *template;
	/** names of swanctl connections (char*), empty: any */
	linked_list_t *connections;
	/** peer identity patterns (identification_t*), empty: any */
	linked_list_t *identities;
	/** prefixes announced to peers (flexvpn_prefix_t*) */
	linked_list_t *routes;
	/** what peers may announce (flexvpn_prefix_t* with le) */
	linked_list_t *accept;
	/** metric of learned routes */
	uint32_t metric;
	/** its peers are hubs: they may announce what other hubs announce */
	bool hub;
	/** the shaper of its access devices (rate 0: the template's default) */
	flexvpn_shaping_t shaping;
	/** NHRP runs on its access devices */
	bool nhrp;
	/** swanctl connection that builds shortcuts (a spoke), NULL: none */
	char *shortcut;
	/** hold time of what we answer and of shortcut routes, seconds */
	uint32_t holdtime;
};

/** Default hold time of NHRP entries: Cisco's and FRR's */
#define FLEXVPN_NHRP_HOLDTIME 7200
/** The least: a refresh goes out a third of it before expiry */
#define FLEXVPN_NHRP_HOLDTIME_MIN 6

/**
 * Parse a rate: a number of bit/s with an optional unit bit, kbit, mbit,
 * gbit (x1000; k, m, g alike, any case).
 */
bool flexvpn_rate_parse(char *str, uint64_t *rate);

/**
 * The profiles of the configuration, read once when the plugin starts.
 */
struct flexvpn_profiles_t {

	/**
	 * The profile an IKE_SA falls under: its connection is named in the
	 * profile (if the profile names connections) and its peer identity
	 * matches (if the profile names identities). The first one wins.
	 *
	 * @param ike_sa	IKE_SA with a peer config
	 * @return			profile, NULL if none
	 */
	flexvpn_profile_t *(*find)(flexvpn_profiles_t *this, ike_sa_t *ike_sa);

	/**
	 * Whether a connection is some profile's shortcut connection.
	 */
	bool (*is_shortcut)(flexvpn_profiles_t *this, char *conn);

	/**
	 * Whether some profile runs NHRP.
	 */
	bool (*has_nhrp)(flexvpn_profiles_t *this);

	/**
	 * Destroy the profiles.
	 */
	void (*destroy)(flexvpn_profiles_t *this);
};

/**
 * Read the profiles from charon.plugins.flexvpn.profiles; a profile with a
 * bad setting is left out, with one log line naming the setting.
 */
flexvpn_profiles_t *flexvpn_profiles_create();

#endif /** FLEXVPN_PROFILES_H_ @}*/
