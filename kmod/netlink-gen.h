/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	uapi/flexvpn.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_FLEXVPN_GEN_H
#define _LINUX_FLEXVPN_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/flexvpn.h>

/* Common nested types */
extern const struct nla_policy flexvpn_access_filter_nl_policy[FLEXVPN_ACCESS_A_OWNER + 1];
extern const struct nla_policy flexvpn_access_settings_nl_policy[FLEXVPN_ACCESS_A_SHAPER + 1];
extern const struct nla_policy flexvpn_group_settings_nl_policy[FLEXVPN_GROUP_A_DELETE + 1];
extern const struct nla_policy flexvpn_shaper_nl_policy[FLEXVPN_SHAPER_A_PAD + 1];
extern const struct nla_policy flexvpn_template_settings_nl_policy[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL + 1];

extern const struct nla_policy flexvpn_template_get_nl_policy[FLEXVPN_A_IFNAME + 1];

extern const struct nla_policy flexvpn_template_set_nl_policy[FLEXVPN_A_TEMPLATE + 1];

extern const struct nla_policy flexvpn_access_new_nl_policy[FLEXVPN_A_ACCESS + 1];

extern const struct nla_policy flexvpn_access_del_nl_policy[FLEXVPN_A_ACCESS + 1];

extern const struct nla_policy flexvpn_access_get_nl_policy[FLEXVPN_A_ACCESS + 1];

extern const struct nla_policy flexvpn_access_set_nl_policy[FLEXVPN_A_ACCESS + 1];

/* Ops table for flexvpn */
extern const struct genl_ops flexvpn_nl_ops[6];

int flexvpn_nl_template_get_doit(struct sk_buff *skb, struct genl_info *info);
int flexvpn_nl_template_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int flexvpn_nl_template_set_doit(struct sk_buff *skb, struct genl_info *info);
int flexvpn_nl_access_new_doit(struct sk_buff *skb, struct genl_info *info);
int flexvpn_nl_access_del_doit(struct sk_buff *skb, struct genl_info *info);
int flexvpn_nl_access_get_doit(struct sk_buff *skb, struct genl_info *info);
int flexvpn_nl_access_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int flexvpn_nl_access_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	FLEXVPN_NLGRP_EVENTS,
};

#endif /* _LINUX_FLEXVPN_GEN_H */
