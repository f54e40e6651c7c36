// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	uapi/flexvpn.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/flexvpn.h>

/* Integer value ranges */
static const struct netlink_range_validation flexvpn_tmpl_a_mtu_range = {
	.max	= FLEXVPN_MTU_MAX,
};

static const struct netlink_range_validation flexvpn_tmpl_a_shaper_rate_range = {
	.max	= FLEXVPN_SHAPER_RATE_MAX,
};

static const struct netlink_range_validation flexvpn_tmpl_a_nhrp_redirect_interval_range = {
	.min	= FLEXVPN_REDIRECT_INTERVAL_MIN,
	.max	= FLEXVPN_REDIRECT_INTERVAL_MAX,
};

static const struct netlink_range_validation flexvpn_shaper_a_rate_range = {
	.max	= FLEXVPN_SHAPER_RATE_MAX,
};

static const struct netlink_range_validation flexvpn_shaper_a_ceil_range = {
	.max	= FLEXVPN_SHAPER_RATE_MAX,
};

static const struct netlink_range_validation flexvpn_shaper_a_qlen_range = {
	.max	= FLEXVPN_SHAPER_QLEN_MAX,
};

static const struct netlink_range_validation flexvpn_group_a_rate_range = {
	.max	= FLEXVPN_SHAPER_RATE_MAX,
};

static const struct netlink_range_validation flexvpn_group_a_ceil_range = {
	.max	= FLEXVPN_SHAPER_RATE_MAX,
};

/* Common nested types */
const struct nla_policy flexvpn_access_filter_nl_policy[FLEXVPN_ACCESS_A_OWNER + 1] = {
	[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_ACCESS_A_OWNER] = { .type = NLA_U64, },
};

const struct nla_policy flexvpn_access_settings_nl_policy[FLEXVPN_ACCESS_A_SHAPER + 1] = {
	[FLEXVPN_ACCESS_A_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[FLEXVPN_ACCESS_A_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[FLEXVPN_ACCESS_A_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[FLEXVPN_ACCESS_A_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[FLEXVPN_ACCESS_A_GRE_KEY] = { .type = NLA_U32, },
	[FLEXVPN_ACCESS_A_PEER_ID] = { .type = NLA_NUL_STRING, .len = FLEXVPN_PEER_ID_MAXLEN, },
	[FLEXVPN_ACCESS_A_OWNER] = { .type = NLA_U64, },
	[FLEXVPN_ACCESS_A_SHAPER] = NLA_POLICY_NESTED(flexvpn_shaper_nl_policy),
};

const struct nla_policy flexvpn_group_settings_nl_policy[FLEXVPN_GROUP_A_DELETE + 1] = {
	[FLEXVPN_GROUP_A_NAME] = { .type = NLA_NUL_STRING, .len = FLEXVPN_GROUP_MAXLEN, },
	[FLEXVPN_GROUP_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &flexvpn_group_a_rate_range),
	[FLEXVPN_GROUP_A_CEIL] = NLA_POLICY_FULL_RANGE(NLA_U64, &flexvpn_group_a_ceil_range),
	[FLEXVPN_GROUP_A_DELETE] = { .type = NLA_FLAG, },
};

const struct nla_policy flexvpn_shaper_nl_policy[FLEXVPN_SHAPER_A_PAD + 1] = {
	[FLEXVPN_SHAPER_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &flexvpn_shaper_a_rate_range),
	[FLEXVPN_SHAPER_A_CEIL] = NLA_POLICY_FULL_RANGE(NLA_U64, &flexvpn_shaper_a_ceil_range),
	[FLEXVPN_SHAPER_A_BURST] = { .type = NLA_U32, },
	[FLEXVPN_SHAPER_A_QLEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &flexvpn_shaper_a_qlen_range),
	[FLEXVPN_SHAPER_A_GROUP] = { .type = NLA_NUL_STRING, .len = FLEXVPN_GROUP_MAXLEN, },
};

const struct nla_policy flexvpn_template_settings_nl_policy[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL + 1] = {
	[FLEXVPN_TMPL_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &flexvpn_tmpl_a_mtu_range),
	[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_TMPL_A_SOURCE_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_TMPL_A_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[FLEXVPN_TMPL_A_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[FLEXVPN_TMPL_A_GRE_KEY_MODE] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLEXVPN_TMPL_A_GRE_KEY] = { .type = NLA_U32, },
	[FLEXVPN_TMPL_A_NHRP_NETWORK_ID] = { .type = NLA_U32, },
	[FLEXVPN_TMPL_A_NHRP_REDIRECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLEXVPN_TMPL_A_ALLOW_UNPROTECTED] = NLA_POLICY_MAX(NLA_U8, 1),
	[FLEXVPN_TMPL_A_NAME_PREFIX] = { .type = NLA_NUL_STRING, .len = FLEXVPN_PREFIX_MAXLEN, },
	[FLEXVPN_TMPL_A_SHAPER_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &flexvpn_tmpl_a_shaper_rate_range),
	[FLEXVPN_TMPL_A_SHAPER_OVERHEAD] = NLA_POLICY_MAX(NLA_U32, FLEXVPN_SHAPER_OVERHEAD_MAX),
	[FLEXVPN_TMPL_A_SHAPER] = NLA_POLICY_NESTED(flexvpn_shaper_nl_policy),
	[FLEXVPN_TMPL_A_SHAPER_GROUP] = NLA_POLICY_NESTED(flexvpn_group_settings_nl_policy),
	[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32, &flexvpn_tmpl_a_nhrp_redirect_interval_range),
};

/* FLEXVPN_CMD_TEMPLATE_GET - do */
const struct nla_policy flexvpn_template_get_nl_policy[FLEXVPN_A_IFNAME + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* FLEXVPN_CMD_TEMPLATE_SET - do */
const struct nla_policy flexvpn_template_set_nl_policy[FLEXVPN_A_TEMPLATE + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[FLEXVPN_A_TEMPLATE] = NLA_POLICY_NESTED(flexvpn_template_settings_nl_policy),
};

/* FLEXVPN_CMD_ACCESS_NEW - do */
const struct nla_policy flexvpn_access_new_nl_policy[FLEXVPN_A_ACCESS + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[FLEXVPN_A_ACCESS] = NLA_POLICY_NESTED(flexvpn_access_settings_nl_policy),
};

/* FLEXVPN_CMD_ACCESS_DEL - do */
const struct nla_policy flexvpn_access_del_nl_policy[FLEXVPN_A_ACCESS + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[FLEXVPN_A_ACCESS] = NLA_POLICY_NESTED(flexvpn_access_filter_nl_policy),
};

/* FLEXVPN_CMD_ACCESS_GET - do */
const struct nla_policy flexvpn_access_get_nl_policy[FLEXVPN_A_ACCESS + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[FLEXVPN_A_ACCESS] = NLA_POLICY_NESTED(flexvpn_access_filter_nl_policy),
};

/* FLEXVPN_CMD_ACCESS_SET - do */
const struct nla_policy flexvpn_access_set_nl_policy[FLEXVPN_A_ACCESS + 1] = {
	[FLEXVPN_A_IFINDEX] = { .type = NLA_U32, },
	[FLEXVPN_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[FLEXVPN_A_ACCESS] = NLA_POLICY_NESTED(flexvpn_access_settings_nl_policy),
};

/* Ops table for flexvpn */
const struct genl_ops flexvpn_nl_ops[6] = {
	{
		.cmd		= FLEXVPN_CMD_TEMPLATE_GET,
		.doit		= flexvpn_nl_template_get_doit,
		.dumpit		= flexvpn_nl_template_get_dumpit,
		.policy		= flexvpn_template_get_nl_policy,
		.maxattr	= FLEXVPN_A_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= FLEXVPN_CMD_TEMPLATE_SET,
		.doit		= flexvpn_nl_template_set_doit,
		.policy		= flexvpn_template_set_nl_policy,
		.maxattr	= FLEXVPN_A_TEMPLATE,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= FLEXVPN_CMD_ACCESS_NEW,
		.doit		= flexvpn_nl_access_new_doit,
		.policy		= flexvpn_access_new_nl_policy,
		.maxattr	= FLEXVPN_A_ACCESS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= FLEXVPN_CMD_ACCESS_DEL,
		.doit		= flexvpn_nl_access_del_doit,
		.policy		= flexvpn_access_del_nl_policy,
		.maxattr	= FLEXVPN_A_ACCESS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= FLEXVPN_CMD_ACCESS_GET,
		.doit		= flexvpn_nl_access_get_doit,
		.dumpit		= flexvpn_nl_access_get_dumpit,
		.policy		= flexvpn_access_get_nl_policy,
		.maxattr	= FLEXVPN_A_ACCESS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= FLEXVPN_CMD_ACCESS_SET,
		.doit		= flexvpn_nl_access_set_doit,
		.policy		= flexvpn_access_set_nl_policy,
		.maxattr	= FLEXVPN_A_ACCESS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group flexvpn_nl_mcgrps[] = {
	[FLEXVPN_NLGRP_EVENTS] = { "events", },
};
