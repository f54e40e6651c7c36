/* SPDX-License-Identifier: GPL-2.0 */
/* Device names and ifindexes, in the network namespace the tool runs in. */
#ifndef FLEXVPN_DEV_H
#define FLEXVPN_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

int dev_parse(const char *s, bool none_ok, uint32_t *ifindex);
const char *dev_name(uint32_t ifindex, char buf[IF_NAMESIZE]);

#endif
