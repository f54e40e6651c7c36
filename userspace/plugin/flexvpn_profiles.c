/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The plugin's configuration: profiles mapping charon connections and peer
 * identities to a virtual-template, the prefixes announced to such peers and
 * the filter for what they may announce.
 */

#include "flexvpn_profiles.h"

#include <daemon.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#define SETTING "%s.plugins.flexvpn.profiles.%s.%s"

typedef struct private_flexvpn_profiles_t private_flexvpn_profiles_t;

struct private_flexvpn_profiles_t {

	/**
	 * Public interface
	 */
	flexvpn_profiles_t public;

	/**
	 * Valid profiles (flexvpn_profile_t*), in the order they were read
	 */
	linked_list_t *profiles;
};

/* whether the first len bits of a and b agree */
static bool bits_equal(const uint8_t *a, const uint8_t *b, int len)
{
	int bytes = len / 8, rest = len % 8;

	if (memcmp(a, b, bytes))
	{
		return FALSE;
	}
	if (rest)
	{
		uint8_t mask = 0xff << (8 - rest);

		return (a[bytes] & mask) == (b[bytes] & mask);
	}
	return TRUE;
}

bool flexvpn_prefix_parse(char *str, bool filter, flexvpn_prefix_t *prefix)
{
	char buf[128], *slash, *end, *le;
	int max, bits;

	if (snprintf(buf, sizeof(buf), "%s", str) >= sizeof(buf))
	{
		return FALSE;
	}
	*prefix = (flexvpn_prefix_t){};
	le = strstr(buf, " le ");
	if (le)
	{
		if (!filter)
		{
			return FALSE;
		}
		*le = '\0';
		le += strlen(" le ");
	}
	slash = strchr(buf, '/');
	if (!slash)
	{
		return FALSE;
	}
	*slash++ = '\0';
	if (inet_pton(AF_INET, buf, prefix->addr) == 1)
	{
		prefix->family = AF_INET;
		max = 32;
	}
	else if (inet_pton(AF_INET6, buf, prefix->addr) == 1)
	{
		prefix->family = AF_INET6;
		max = 128;
	}
	else
	{
		return FALSE;
	}
	bits = strtol(slash, &end, 10);
	if (end == slash || *end || bits < 0 || bits > max)
	{
		return FALSE;
	}
	prefix->len = prefix->le = bits;
	if (le)
	{
		bits = strtol(le, &end, 10);
		if (end == le || *end || bits < prefix->len || bits > max)
		{
			return FALSE;
		}
		prefix->le = bits;
	}
	/* host bits set: a typo more likely than an intent */
	for (bits = prefix->len; bits < max; bits++)
	{
		if (prefix->addr[bits / 8] & (0x80 >> (bits % 8)))
		{
			return FALSE;
		}
	}
	return TRUE;
}

bool flexvpn_prefix_within(flexvpn_prefix_t *outer, flexvpn_prefix_t *inner)
{
	return outer->family == inner->family && inner->len >= outer->len &&
		   bits_equal(outer->addr, inner->addr, outer->len);
}

bool flexvpn_prefix_accepts(flexvpn_prefix_t *filter, flexvpn_prefix_t *prefix)
{
	return flexvpn_prefix_within(filter, prefix) && prefix->len <= filter->le;
}

/*
 * Described in header
 */
bool flexvpn_prefix_accepted(linked_list_t *filters, flexvpn_prefix_t *prefix)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *filter;
	bool found = FALSE;

	enumerator = filters->create_enumerator(filters);
	while (!found && enumerator->enumerate(enumerator, &filter))
	{
		found = flexvpn_prefix_accepts(filter, prefix);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * A comma separated list of prefixes into list; FALSE (and one log line) if
 * one is malformed.
 */
static bool parse_prefixes(char *name, char *key, bool filter,
						   linked_list_t *list)
{
	enumerator_t *enumerator;
	flexvpn_prefix_t *prefix;
	char *value, *token;
	bool ok = TRUE;

	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, key);
	if (!value)
	{
		return TRUE;
	}
	enumerator = enumerator_create_token(value, ",", " ");
	while (enumerator->enumerate(enumerator, &token))
	{
		INIT(prefix);
		if (!flexvpn_prefix_parse(token, filter, prefix))
		{
			DBG0(DBG_CFG, "flexvpn: " SETTING ": '%s' is not a %s, profile "
				 "disabled", lib->ns, name, key, token,
				 filter ? "prefix [le N]" : "prefix");
			free(prefix);
			ok = FALSE;
			break;
		}
		list->insert_last(list, prefix);
	}
	enumerator->destroy(enumerator);
	return ok;
}

CALLBACK(destroy_id, void,
	identification_t *id)
{
	id->destroy(id);
}

static void profile_destroy(flexvpn_profile_t *profile)
{
	profile->connections->destroy_function(profile->connections, free);
	profile->identities->destroy_function(profile->identities, destroy_id);
	profile->routes->destroy_function(profile->routes, free);
	profile->accept->destroy_function(profile->accept, free);
	free(profile->shaping.group);
	free(profile->shortcut);
	free(profile->template);
	free(profile->name);
	free(profile);
}

/*
 * Described in header
 */
bool flexvpn_rate_parse(char *str, uint64_t *rate)
{
	static const struct {
		char *unit;
		uint64_t mult;
	} units[] = {
		{ "", 1 }, { "bit", 1 },
		{ "k", 1000 }, { "kbit", 1000 },
		{ "m", 1000000 }, { "mbit", 1000000 },
		{ "g", 1000000000 }, { "gbit", 1000000000 },
	};
	unsigned long long value;
	char *end;
	int i;

	if (!str || *str < '0' || *str > '9')
	{
		return FALSE;
	}
	errno = 0;
	value = strtoull(str, &end, 10);
	if (errno)
	{
		return FALSE;
	}
	for (i = 0; i < countof(units); i++)
	{
		if (strcaseeq(end, units[i].unit))
		{
			if (value > UINT64_MAX / units[i].mult)
			{
				return FALSE;
			}
			*rate = value * units[i].mult;
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Read the profile's shaper settings; FALSE (with one log line naming the
 * setting) if one is malformed. The kernel checks the values.
 */
static bool parse_shaping(char *name, flexvpn_shaping_t *shaping)
{
	static char *keys[] = { "rate", "ceil" };
	uint64_t *dst[] = { &shaping->rate, &shaping->ceil };
	char *value;
	int i;

	for (i = 0; i < countof(keys); i++)
	{
		value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
									   name, keys[i]);
		if (value && !flexvpn_rate_parse(value, dst[i]))
		{
			DBG0(DBG_CFG, "flexvpn: " SETTING ": '%s' is not a rate "
				 "(e.g. 10mbit), profile disabled", lib->ns, name, keys[i],
				 value);
			return FALSE;
		}
	}
	shaping->burst = lib->settings->get_int(lib->settings, SETTING, 0,
											lib->ns, name, "burst");
	shaping->qlen = lib->settings->get_int(lib->settings, SETTING, 0,
										   lib->ns, name, "qlen");
	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, "group");
	if (value && *value)
	{
		shaping->group = strdup(value);
	}
	return TRUE;
}

/**
 * The profile's NHRP settings: nhrp, shortcut, holdtime.
 */
static bool parse_nhrp(char *name, flexvpn_profile_t *profile)
{
	char *value;
	int holdtime;

	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, "shortcut");
	if (value && *value)
	{
		profile->shortcut = strdup(value);
	}
	profile->nhrp = lib->settings->get_bool(lib->settings, SETTING,
								profile->shortcut != NULL, lib->ns, name,
								"nhrp");
	if (profile->shortcut && !profile->nhrp)
	{
		DBG0(DBG_CFG, "flexvpn: " SETTING " = %s needs NHRP, but nhrp = no, "
			 "profile disabled", lib->ns, name, "shortcut", profile->shortcut);
		return FALSE;
	}
	holdtime = lib->settings->get_int(lib->settings, SETTING,
							FLEXVPN_NHRP_HOLDTIME, lib->ns, name, "holdtime");
	if (holdtime < FLEXVPN_NHRP_HOLDTIME_MIN || holdtime > 65535)
	{
		DBG0(DBG_CFG, "flexvpn: " SETTING " = %d is outside %d..65535 "
			 "seconds, profile disabled", lib->ns, name, "holdtime", holdtime,
			 FLEXVPN_NHRP_HOLDTIME_MIN);
		return FALSE;
	}
	profile->holdtime = holdtime;
	return TRUE;
}

/**
 * Read one profile; NULL (with one log line) if it is not usable.
 */
static flexvpn_profile_t *profile_create(char *name)
{
	flexvpn_profile_t *profile;
	enumerator_t *enumerator;
	char *value, *token;
	bool ok;

	INIT(profile,
		.name = strdup(name),
		.connections = linked_list_create(),
		.identities = linked_list_create(),
		.routes = linked_list_create(),
		.accept = linked_list_create(),
		.metric = lib->settings->get_int(lib->settings, SETTING, 0, lib->ns,
										 name, "metric"),
		.hub = lib->settings->get_bool(lib->settings, SETTING, FALSE,
									   lib->ns, name, "hub"),
	);
	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, "template");
	if (!value || !*value)
	{
		DBG0(DBG_CFG, "flexvpn: " SETTING " is missing, profile disabled",
			 lib->ns, name, "template");
		profile_destroy(profile);
		return NULL;
	}
	profile->template = strdup(value);

	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, "connections");
	if (value)
	{
		enumerator = enumerator_create_token(value, ",", " ");
		while (enumerator->enumerate(enumerator, &token))
		{
			profile->connections->insert_last(profile->connections,
											  strdup(token));
		}
		enumerator->destroy(enumerator);
	}
	value = lib->settings->get_str(lib->settings, SETTING, NULL, lib->ns,
								   name, "identities");
	if (value)
	{
		enumerator = enumerator_create_token(value, ",", " ");
		while (enumerator->enumerate(enumerator, &token))
		{
			profile->identities->insert_last(profile->identities,
									identification_create_from_string(token));
		}
		enumerator->destroy(enumerator);
	}
	if (!profile->connections->get_count(profile->connections) &&
		!profile->identities->get_count(profile->identities))
	{
		DBG0(DBG_CFG, "flexvpn: profile %s names no connections and no "
			 "identities (" SETTING "), profile disabled", name, lib->ns,
			 name, "connections");
		profile_destroy(profile);
		return NULL;
	}
	ok = parse_prefixes(name, "routes", FALSE, profile->routes) &&
		 parse_prefixes(name, "accept", TRUE, profile->accept) &&
		 parse_shaping(name, &profile->shaping);
	if (!ok)
	{
		profile_destroy(profile);
		return NULL;
	}
	if (!parse_nhrp(name, profile))
	{
		profile_destroy(profile);
		return NULL;
	}
	return profile;
}


static bool id_in(linked_list_t *patterns, identification_t *id)
{
	enumerator_t *enumerator;
	identification_t *pattern;
	bool found = FALSE;

	enumerator = patterns->create_enumerator(patterns);
	while (!found && enumerator->enumerate(enumerator, &pattern))
	{
		found = id->matches(id, pattern) > ID_MATCH_NONE;
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(flexvpn_profiles_t, find, flexvpn_profile_t*,
	private_flexvpn_profiles_t *this, ike_sa_t *ike_sa)
{
	enumerator_t *enumerator;
	flexvpn_profile_t *profile, *found = NULL;
	identification_t *id;
	char *name;

	name = ike_sa->get_name(ike_sa);
	id = ike_sa->get_other_eap_id(ike_sa);
	enumerator = this->profiles->create_enumerator(this->profiles);
	while (!found && enumerator->enumerate(enumerator, &profile))
	{
		if (profile->connections->get_count(profile->connections) &&
			(!name || !profile->connections->find_first(profile->connections,
									linked_list_match_str, NULL, name)))
		{
			continue;
		}
		if (profile->identities->get_count(profile->identities) &&
			(!id || !id_in(profile->identities, id)))
		{
			continue;
		}
		found = profile;
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(flexvpn_profiles_t, is_shortcut, bool,
	private_flexvpn_profiles_t *this, char *conn)
{
	enumerator_t *enumerator;
	flexvpn_profile_t *profile;
	bool found = FALSE;

	enumerator = this->profiles->create_enumerator(this->profiles);
	while (!found && enumerator->enumerate(enumerator, &profile))
	{
		found = conn && profile->shortcut && streq(profile->shortcut, conn);
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(flexvpn_profiles_t, has_nhrp, bool,
	private_flexvpn_profiles_t *this)
{
	enumerator_t *enumerator;
	flexvpn_profile_t *profile;
	bool found = FALSE;

	enumerator = this->profiles->create_enumerator(this->profiles);
	while (!found && enumerator->enumerate(enumerator, &profile))
	{
		found = profile->nhrp;
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(flexvpn_profiles_t, destroy, void,
	private_flexvpn_profiles_t *this)
{
	this->profiles->destroy_function(this->profiles, (void*)profile_destroy);
	free(this);
}

/*
 * Described in header
 */
flexvpn_profiles_t *flexvpn_profiles_create()
{
	private_flexvpn_profiles_t *this;
	enumerator_t *enumerator;
	flexvpn_profile_t *profile;
	char *name;

	INIT(this,
		.public = {
			.find = _find,
			.is_shortcut = _is_shortcut,
			.has_nhrp = _has_nhrp,
			.destroy = _destroy,
		},
		.profiles = linked_list_create(),
	);

	enumerator = lib->settings->create_section_enumerator(lib->settings,
								"%s.plugins.flexvpn.profiles", lib->ns);
	while (enumerator->enumerate(enumerator, &name))
	{
		profile = profile_create(name);
		if (profile)
		{
			DBG1(DBG_CFG, "flexvpn: profile %s: template %s, %d routes to "
				 "announce, %d accept filters", name, profile->template,
				 profile->routes->get_count(profile->routes),
				 profile->accept->get_count(profile->accept));
			this->profiles->insert_last(this->profiles, profile);
		}
	}
	enumerator->destroy(enumerator);
	return &this->public;
}
