/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flexvpn: the one place that knows how the supported kernels differ
 * (Debian's 6.1 LTS and 6.12 LTS). Everything else is written against the
 * newer interface and calls the helpers below.
 */
#ifndef _FLEXVPN_COMPAT_H
#define _FLEXVPN_COMPAT_H

#include <linux/netdevice.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <net/gso.h>	/* skb_gso_validate_network_len() moved here */

/* 6.12 moved the lockless-TX and namespace-locked features to bits. */
static inline void flexvpn_compat_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}

static inline void flexvpn_compat_set_netns_local(struct net_device *dev)
{
	dev->netns_immutable = true;
}


/* 6.2 moved a dump's parsed attributes into a struct genl_info */
static inline struct nlattr **flexvpn_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#else
static inline void flexvpn_compat_set_lltx(struct net_device *dev)
{
	dev->features |= NETIF_F_LLTX;
}

static inline void flexvpn_compat_set_netns_local(struct net_device *dev)
{
	dev->features |= NETIF_F_NETNS_LOCAL;
}


static inline struct nlattr **flexvpn_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * 6.2 made a policy's range pointers const. The generated policies
 * (netlink-gen.c, compiled with this file included first) keep their
 * ranges const, as newer kernels take them; the validation only reads them.
 */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

#endif /* _FLEXVPN_COMPAT_H */
