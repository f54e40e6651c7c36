// SPDX-License-Identifier: GPL-2.0
/*
 * The keywords of a shaper, shared by templates (the default new devices
 * get) and access devices. Each word that stands for the uapi's 0 ("none",
 * "auto", "default") sends 0, so the kernel applies its own default.
 */
#include <errno.h>
#include <string.h>

#include "shaper.h"

int shaper_parse_rate(const char *arg, void *model)
{
	struct fv_shaper *s = model;

	return mark_present(parse_rate_or_none(arg, &s->rate), &s->present,
			    FLEXVPN_SHAPER_A_RATE);
}

int shaper_parse_ceil(const char *arg, void *model)
{
	struct fv_shaper *s = model;

	return mark_present(parse_rate_or_none(arg, &s->ceil), &s->present,
			    FLEXVPN_SHAPER_A_CEIL);
}

/* The kernel knows the MTU and checks the lower bound */
int shaper_parse_burst(const char *arg, void *model)
{
	struct fv_shaper *s = model;
	int err = 0;

	if (!strcmp(arg, "auto"))
		s->burst = 0;
	else
		err = parse_size(arg, 1, UINT32_MAX, &s->burst);
	return mark_present(err, &s->present, FLEXVPN_SHAPER_A_BURST);
}

int shaper_parse_qlen(const char *arg, void *model)
{
	struct fv_shaper *s = model;
	int err = 0;

	if (!strcmp(arg, "default"))
		s->qlen = 0;
	else
		err = parse_u32(arg, 1, FLEXVPN_SHAPER_QLEN_MAX, &s->qlen);
	return mark_present(err, &s->present, FLEXVPN_SHAPER_A_QLEN);
}

int parse_group_name(const char *arg, char name[FLEXVPN_GROUP_MAXLEN + 1])
{
	if (!valid_name(arg, FLEXVPN_GROUP_MAXLEN))
		return -EINVAL;
	strcpy(name, arg);
	return 0;
}

/* "none": directly under the template, the uapi's "" */
int shaper_parse_group(const char *arg, void *model)
{
	struct fv_shaper *s = model;
	int err = 0;

	if (!strcmp(arg, "none"))
		*s->group = '\0';
	else
		err = parse_group_name(arg, s->group);
	return mark_present(err, &s->present, FLEXVPN_SHAPER_A_GROUP);
}
