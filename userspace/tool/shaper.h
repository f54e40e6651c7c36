/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keywords of a shaper (struct fv_shaper), which `template set` (as
 * access-rate ...), `access add` and `access set` (as rate ...) share:
 * their parsers and what each expects.
 */
#ifndef FLEXVPN_SHAPER_H
#define FLEXVPN_SHAPER_H

#include "model.h"

#define RATE_EXPECTS \
	"a rate from 8bit to 10Tbit, such as 10mbit or 1500kbps"
#define RATE_OR_NONE RATE_EXPECTS ", or \"none\""
#define BURST_EXPECTS "a size in bytes, such as 3000 or 4k, or \"auto\""
#define QLEN_EXPECTS "a number between 1 and " \
	XSTR(FLEXVPN_SHAPER_QLEN_MAX) " or \"default\""
#define GROUP_EXPECTS "a group name of 1 to " XSTR(FLEXVPN_GROUP_MAXLEN) \
	" characters out of A-Z a-z 0-9 _ . -"

/* Each takes a struct fv_shaper as its model */
int shaper_parse_rate(const char *arg, void *model);
int shaper_parse_ceil(const char *arg, void *model);
int shaper_parse_burst(const char *arg, void *model);
int shaper_parse_qlen(const char *arg, void *model);
int shaper_parse_group(const char *arg, void *model);
int parse_group_name(const char *arg, char name[FLEXVPN_GROUP_MAXLEN + 1]);

/* The nest's own attribute is present when any of its parts is */
static inline void mark_nest(uint32_t *present, int attr, uint32_t parts)
{
	if (parts)
		*present |= BIT(attr);
}

#endif
