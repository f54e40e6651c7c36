// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed set of devices standing in for the host's: the tests define
 * if_nametoindex() and if_indextoname() themselves, and the executable's
 * definitions take the place of libc's for dev.c.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>

static const struct {
	unsigned int index;
	const char *name;
} devices[] = {
	{ 1, "lo" },
	{ 5, "vt1" },
	{ 6, "vrf-in" },
	{ 7, "vrf-out" },
	{ 8, "eth0" },
	{ 10, "va1" },
};

unsigned int if_nametoindex(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (!strcmp(devices[i].name, name))
			return devices[i].index;
	errno = ENODEV;
	return 0;
}

char *if_indextoname(unsigned int index, char name[IF_NAMESIZE])
{
	size_t i;

	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i].index == index)
			return strcpy(name, devices[i].name);
	errno = ENXIO;
	return NULL;
}
