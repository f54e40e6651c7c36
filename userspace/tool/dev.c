// SPDX-License-Identifier: GPL-2.0
/* Device names and ifindexes, in the network namespace the tool runs in. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "parse.h"

/*
 * A device name, or "none" (ifindex 0) where @none_ok. Returns -EINVAL for
 * something that can't be a name, -ENODEV for a name no device has.
 */
int dev_parse(const char *s, bool none_ok, uint32_t *ifindex)
{
	if (none_ok && !strcmp(s, "none")) {
		*ifindex = 0;
		return 0;
	}
	if (!valid_ifname(s))
		return -EINVAL;
	*ifindex = if_nametoindex(s);
	return *ifindex ? 0 : -ENODEV;
}

/*
 * The name of a device the kernel told us about: "none" for 0, the number
 * itself when no device has it here (it may have gone since, or live in
 * another namespace).
 */
const char *dev_name(uint32_t ifindex, char buf[IF_NAMESIZE])
{
	if (!ifindex)
		return "none";
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "%u", ifindex);
	return buf;
}
