/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tool knows about a virtual-template and a virtual-access device:
 * the library's model (../lib/fv_model.h), which the command-line parsers
 * fill and the kernel's replies are decoded into, and the tool's shorthands
 * for it.
 */
#ifndef FLEXVPN_MODEL_H
#define FLEXVPN_MODEL_H

#include "fv_model.h"
#include "parse.h"
#include "routes.h"

/* Whether the attribute @attr is in a @present mask */
static inline bool has(uint32_t present, int attr)
{
	return fv_has(present, attr);
}

#endif
