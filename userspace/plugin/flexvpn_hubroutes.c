/*
 * Copyright (C) 2026 flexvpn authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The routes learned from hubs: per table, prefix and metric one kernel
 * route by a nexthop group whose members are the hubs' access devices (one
 * nexthop object per device and address family). Nexthop objects rather
 * than multipath routes: IPv6 makes an ECMP route of device-only nexthops
 * only through a nexthop group, and the kernel prunes a group by itself
 * when a member's device is deleted, at once and in the same RTNL section.
 */

#include "flexvpn_hubroutes.h"
#include "flexvpn_kernel.h"

#include <daemon.h>

typedef struct private_flexvpn_hubroutes_t private_flexvpn_hubroutes_t;

/**
 * A hub's access device and its nexthop objects.
 */
typedef struct {
	uint32_t ifindex;
	/** nexthop ids for IPv4 and IPv6 routes, 0: none yet */
	uint32_t nh4;
	uint32_t nh6;
} hub_dev_t;

/**
 * One kernel route to hubs.
 */
typedef struct {
	uint32_t table;
	flexvpn_prefix_t prefix;
	uint32_t metric;
	/** id of its nexthop group */
	uint32_t group;
	/** the members (hub_dev_t*) */
	linked_list_t *devs;
} route_t;

struct private_flexvpn_hubroutes_t {

	/**
	 * Public interface
	 */
	flexvpn_hubroutes_t public;

	/**
	 * Devices with nexthop objects (hub_dev_t*)
	 */
	linked_list_t *devs;

	/**
	 * Routes (route_t*)
	 */
	linked_list_t *routes;
};

static void route_destroy(route_t *route)
{
	route->devs->destroy(route->devs);
	free(route);
}

static hub_dev_t *dev_find(private_flexvpn_hubroutes_t *this,
						   uint32_t ifindex)
{
	enumerator_t *enumerator;
	hub_dev_t *dev, *found = NULL;

	enumerator = this->devs->create_enumerator(this->devs);
	while (!found && enumerator->enumerate(enumerator, &dev))
	{
		if (dev->ifindex == ifindex)
		{
			found = dev;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * The device's nexthop for routes of a family, created on first use; 0 on
 * failure.
 */
static uint32_t dev_nexthop(private_flexvpn_hubroutes_t *this,
							uint32_t ifindex, int family, hub_dev_t **out)
{
	hub_dev_t *dev;
	uint32_t *nh;

	dev = dev_find(this, ifindex);
	if (!dev)
	{
		INIT(dev,
			.ifindex = ifindex,
		);
		this->devs->insert_last(this->devs, dev);
	}
	nh = family == AF_INET ? &dev->nh4 : &dev->nh6;
	if (!*nh)
	{
		*nh = flexvpn_kernel_nexthop_add(family, ifindex);
	}
	*out = dev;
	return *nh;
}

static route_t *route_find(private_flexvpn_hubroutes_t *this, uint32_t table,
						   flexvpn_prefix_t *prefix, uint32_t metric)
{
	enumerator_t *enumerator;
	route_t *route, *found = NULL;

	enumerator = this->routes->create_enumerator(this->routes);
	while (!found && enumerator->enumerate(enumerator, &route))
	{
		if (route->table == table && route->metric == metric &&
			route->prefix.family == prefix->family &&
			route->prefix.len == prefix->len &&
			memeq(route->prefix.addr, prefix->addr, 16))
		{
			found = route;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Make the route's group its members, plus extra (if not NULL).
 */
static bool regroup(route_t *route, hub_dev_t *extra)
{
	int count = route->devs->get_count(route->devs) + (extra ? 1 : 0);
	enumerator_t *enumerator;
	uint32_t members[count];
	hub_dev_t *dev;
	int i = 0;

	enumerator = route->devs->create_enumerator(route->devs);
	while (enumerator->enumerate(enumerator, &dev))
	{
		members[i++] = route->prefix.family == AF_INET ? dev->nh4 : dev->nh6;
	}
	enumerator->destroy(enumerator);
	if (extra)
	{
		members[i++] = route->prefix.family == AF_INET ? extra->nh4
													   : extra->nh6;
	}
	return flexvpn_kernel_nexthop_group(route->group, members, count) != 0;
}

METHOD(flexvpn_hubroutes_t, add, bool,
	private_flexvpn_hubroutes_t *this, flexvpn_prefix_t *prefix,
	uint32_t ifindex, uint32_t table, uint32_t metric)
{
	hub_dev_t *dev;
	route_t *route;
	uint32_t nh, group;

	nh = dev_nexthop(this, ifindex, prefix->family, &dev);
	if (!nh)
	{
		return FALSE;
	}
	route = route_find(this, table, prefix, metric);
	if (route)
	{
		if (route->devs->find_first(route->devs, NULL, (void**)&dev))
		{
			return TRUE;
		}
		if (!regroup(route, dev))
		{
			return FALSE;
		}
		route->devs->insert_last(route->devs, dev);
		return TRUE;
	}
	group = flexvpn_kernel_nexthop_group(0, &nh, 1);
	if (!group)
	{
		return FALSE;
	}
	if (!flexvpn_kernel_route_nh(TRUE, prefix, group, table, metric))
	{
		flexvpn_kernel_nexthop_del(group);
		return FALSE;
	}
	INIT(route,
		.table = table,
		.prefix = *prefix,
		.metric = metric,
		.group = group,
		.devs = linked_list_create_with_items(dev, NULL),
	);
	this->routes->insert_last(this->routes, route);
	return TRUE;
}

METHOD(flexvpn_hubroutes_t, del, void,
	private_flexvpn_hubroutes_t *this, flexvpn_prefix_t *prefix,
	uint32_t ifindex, uint32_t table, uint32_t metric)
{
	hub_dev_t *dev;
	route_t *route;

	dev = dev_find(this, ifindex);
	route = route_find(this, table, prefix, metric);
	if (!dev || !route || !route->devs->find_first(route->devs, NULL,
												   (void**)&dev))
	{
		return;
	}
	route->devs->remove(route->devs, dev, NULL);
	if (route->devs->get_count(route->devs))
	{
		regroup(route, NULL);
		return;
	}
	flexvpn_kernel_route_nh(FALSE, prefix, route->group, table, metric);
	flexvpn_kernel_nexthop_del(route->group);
	this->routes->remove(this->routes, route, NULL);
	route_destroy(route);
}

METHOD(flexvpn_hubroutes_t, device_gone, void,
	private_flexvpn_hubroutes_t *this, uint32_t ifindex)
{
	enumerator_t *enumerator;
	hub_dev_t *dev;
	route_t *route;

	dev = dev_find(this, ifindex);
	if (!dev)
	{
		return;
	}
	enumerator = this->routes->create_enumerator(this->routes);
	while (enumerator->enumerate(enumerator, &route))
	{
		/* the kernel did the same to the group, or removed it and the
		 * route with the last member */
		if (route->devs->remove(route->devs, dev, NULL) &&
			!route->devs->get_count(route->devs))
		{
			this->routes->remove_at(this->routes, enumerator);
			route_destroy(route);
		}
	}
	enumerator->destroy(enumerator);
	this->devs->remove(this->devs, dev, NULL);
	free(dev);
}

METHOD(flexvpn_hubroutes_t, destroy, void,
	private_flexvpn_hubroutes_t *this)
{
	this->routes->destroy_function(this->routes, (void*)route_destroy);
	this->devs->destroy_function(this->devs, free);
	free(this);
}

/*
 * Described in header
 */
flexvpn_hubroutes_t *flexvpn_hubroutes_create()
{
	private_flexvpn_hubroutes_t *this;

	INIT(this,
		.public = {
			.add = _add,
			.del = _del,
			.device_gone = _device_gone,
			.destroy = _destroy,
		},
		.devs = linked_list_create(),
		.routes = linked_list_create(),
	);
	return &this->public;
}
