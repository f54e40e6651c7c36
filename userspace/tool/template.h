/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keywords of `template set` (into a struct fv_template) and of
 * `template group add|set` (into a struct fv_group), which configuration
 * files (config_parse.c) share, so that a file says what the command line
 * says.
 */
#ifndef FLEXVPN_TEMPLATE_H
#define FLEXVPN_TEMPLATE_H

#include "parse.h"

extern const struct keyword *const template_keywords[];
extern const struct keyword *const group_keywords[];

#endif
