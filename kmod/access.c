// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the virtual-access device: one point-to-point GRE tunnel to one
 * IKE peer, cloned from a virtual-template. This file owns its lifetime:
 * creation from a template, the outer endpoint it is found by, and removal.
 * The packets themselves are xmit.c's and rcv.c's.
 */
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "flexvpn.h"

static const struct net_device_ops flexvpn_access_netdev_ops;

/**
 * flexvpn_is_access - is @dev a virtual-access device?
 * @dev: any netdevice
 *
 * Return: true when @dev's private data is a struct flexvpn_access.
 */
bool flexvpn_is_access(const struct net_device *dev)
{
	return dev->netdev_ops == &flexvpn_access_netdev_ops;
}

/**
 * flexvpn_access_drop - count a dropped packet
 * @va: the device it was for
 * @why: the reason, as reported in FLEXVPN_ACCESS_A_STATS
 *
 * Safe in any context.
 */
void flexvpn_access_drop(struct flexvpn_access *va, enum flexvpn_drop why)
{
	atomic_long_inc(&va->drops[why]);
}

static struct flexvpn_endpoint *
flexvpn_endpoint_new(const struct flexvpn_template *tmpl,
		     const struct flexvpn_ep_key *key, struct flexvpn_access *va)
{
	struct flexvpn_endpoint *ep;

	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return NULL;
	if (dst_cache_init(&ep->dst_cache, GFP_KERNEL)) {
		kfree(ep);
		return NULL;
	}
	ep->key = *key;
	ep->va = va;
	/* the tunnel source interface pins the route more tightly than the
	 * VRF it may be enslaved to
	 */
	ep->underlay_ifindex = tmpl->source_ifindex ?: tmpl->underlay_ifindex;
	return ep;
}

static void flexvpn_endpoint_free_rcu(struct rcu_head *head)
{
	struct flexvpn_endpoint *ep = container_of(head, typeof(*ep), rcu);

	dst_cache_destroy(&ep->dst_cache);
	kfree(ep);
}

/* Readers (xmit, rcv) may still hold @ep until a grace period passes. */
static void flexvpn_endpoint_release(struct flexvpn_endpoint *ep)
{
	call_rcu(&ep->rcu, flexvpn_endpoint_free_rcu);
}

static bool flexvpn_endpoint_in_use(struct flexvpn_net *fn,
				    const struct flexvpn_ep_key *key)
{
	return rhashtable_lookup_fast(&fn->endpoints, key, flexvpn_ep_params);
}

/**
 * flexvpn_access_set_endpoint - move a live device to new outer addresses
 * @va: the device
 * @key: the new outer addresses and key
 * @extack: where to say what is wrong
 *
 * The new endpoint is published before the old one leaves the receive table,
 * so packets from either address pair keep arriving during the switch.
 *
 * Return: 0 or a negative errno. Called under RTNL.
 */
int flexvpn_access_set_endpoint(struct flexvpn_access *va,
				const struct flexvpn_ep_key *key,
				struct netlink_ext_ack *extack)
{
	struct flexvpn_net *fn = va->tmpl->fn;
	struct flexvpn_endpoint *old = rtnl_dereference(va->ep);
	struct flexvpn_endpoint *ep;
	int ret;

	if (!memcmp(&old->key, key, sizeof(*key)))
		return 0;

	ep = flexvpn_endpoint_new(va->tmpl, key, va);
	if (!ep)
		return -ENOMEM;
	ep->underlay_ifindex = old->underlay_ifindex;

	ret = rhashtable_lookup_insert_fast(&fn->endpoints, &ep->node,
					    flexvpn_ep_params);
	if (ret) {
		if (ret == -EEXIST)
			NL_SET_ERR_MSG_MOD(extack, "another access device already uses these outer addresses and GRE key");
		dst_cache_destroy(&ep->dst_cache);
		kfree(ep);
		return ret;
	}
	rcu_assign_pointer(va->ep, ep);
	rhashtable_remove_fast(&fn->endpoints, &old->node, flexvpn_ep_params);
	flexvpn_endpoint_release(old);
	return 0;
}

static int flexvpn_access_ndo_init(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);
	struct flexvpn_endpoint *ep = rtnl_dereference(va->ep);
	int ret;

	ret = rhashtable_lookup_insert_fast(&va->tmpl->fn->endpoints,
					    &ep->node, flexvpn_ep_params);
	if (ret)
		return ret;
	list_add_tail(&va->node, &va->tmpl->access_list);
	va->tmpl->nr_access++;
	netif_napi_add(dev, &va->napi, flexvpn_rcv_poll);
	return 0;
}

/*
 * Runs for every removal (ip link del, flexvpn access del, the template's
 * removal, namespace exit, module unload) and when registration fails after
 * ndo_init. unregister_netdevice_many() waits for an RCU grace period after
 * this, before the device's memory can go, so readers that found the
 * endpoint in the receive table just before it left are done by then.
 */
static void flexvpn_access_ndo_uninit(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);
	struct flexvpn_endpoint *ep = rtnl_dereference(va->ep);
	struct flexvpn_template *tmpl = va->tmpl;

	if (va->announced)
		flexvpn_nl_notify_access(va, FLEXVPN_CMD_ACCESS_DEL);

	flexvpn_shaper_detach(va);
	/* frees what GRO holds; the grace period that follows ndo_uninit
	 * covers the NAPI hash entry and netpoll's walk of the NAPI list
	 */
	__netif_napi_del(&va->napi);
	list_del(&va->node);
	tmpl->nr_access--;
	rhashtable_remove_fast(&tmpl->fn->endpoints, &ep->node,
			       flexvpn_ep_params);
	RCU_INIT_POINTER(va->ep, NULL);
	flexvpn_endpoint_release(ep);
	ida_free(&tmpl->fn->ids, va->id);
	kfree(va->peer_id);
	va->peer_id = NULL;
}

static int flexvpn_access_open(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);

	napi_enable(&va->napi);
	flexvpn_shaper_open(va);
	return 0;
}

static int flexvpn_access_stop(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);

	/* waits for a running poll; GRO's held packets go out with it */
	napi_disable(&va->napi);
	skb_queue_purge(&va->rxq);
	flexvpn_shaper_stop(va);
	return 0;
}

/*
 * After the last reference is gone: the receive hook may have queued a packet
 * between the device stopping and its endpoint leaving the receive table, and
 * that packet does not hold the device.
 */
static void flexvpn_access_destructor(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);

	skb_queue_purge(&va->rxq);
}

static void flexvpn_access_get_stats64(struct net_device *dev,
				       struct rtnl_link_stats64 *s)
{
	struct flexvpn_access *va = netdev_priv(dev);
	long *d, drops[FLEXVPN_DROP_MAX];
	int i;

	dev_get_tstats64(dev, s);
	for (i = 0; i < FLEXVPN_DROP_MAX; i++)
		drops[i] = atomic_long_read(&va->drops[i]);
	d = drops;
	s->rx_dropped += d[FLEXVPN_DROP_RX_UNPROTECTED] +
			 d[FLEXVPN_DROP_RX_POLICY];
	s->rx_errors += d[FLEXVPN_DROP_RX_INVALID];
	s->rx_frame_errors += d[FLEXVPN_DROP_RX_INVALID];
	s->tx_dropped += d[FLEXVPN_DROP_TX_TOO_BIG] +
			 d[FLEXVPN_DROP_TX_INVALID] +
			 d[FLEXVPN_DROP_TX_UNPROTECTED];
	s->tx_errors += d[FLEXVPN_DROP_TX_NO_ROUTE];
	s->tx_carrier_errors += d[FLEXVPN_DROP_TX_NO_ROUTE];
}

static const struct net_device_ops flexvpn_access_netdev_ops = {
	.ndo_init = flexvpn_access_ndo_init,
	.ndo_uninit = flexvpn_access_ndo_uninit,
	.ndo_open = flexvpn_access_open,
	.ndo_stop = flexvpn_access_stop,
	.ndo_start_xmit = flexvpn_xmit,
	.ndo_get_stats64 = flexvpn_access_get_stats64,
};

#define FLEXVPN_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			  NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE)

static void flexvpn_access_setup(struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);

	flexvpn_setup_p2p(dev);
	dev->netdev_ops = &flexvpn_access_netdev_ops;
	dev->priv_destructor = flexvpn_access_destructor;
	skb_queue_head_init(&va->rxq);
	flexvpn_shaper_init(va);
	dev->needed_headroom = FLEXVPN_HEADROOM;
	dev->features |= FLEXVPN_FEATURES;
	dev->hw_features |= FLEXVPN_FEATURES;
	dev->hw_enc_features |= FLEXVPN_FEATURES;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	flexvpn_compat_set_lltx(dev);
	netif_keep_dst(dev);
}

static int flexvpn_access_enslave(struct flexvpn_template *tmpl,
				  struct net_device *dev,
				  struct netlink_ext_ack *extack)
{
	struct net_device *master = netdev_master_upper_dev_get(tmpl->dev);

	if (!master)
		return 0;
	return master->netdev_ops->ndo_add_slave(master, dev, extack);
}

/**
 * flexvpn_access_create - create, register and bring up an access device
 * @tmpl: the template to clone
 * @cfg: checked settings
 * @extack: where to say what is wrong
 *
 * All or nothing: on failure no device, number or endpoint is left behind.
 *
 * Return: the new device or an ERR_PTR. Called under RTNL.
 */
struct net_device *flexvpn_access_create(struct flexvpn_template *tmpl,
					 const struct flexvpn_access_cfg *cfg,
					 struct netlink_ext_ack *extack)
{
	struct flexvpn_net *fn = tmpl->fn;
	struct flexvpn_endpoint *ep;
	struct flexvpn_access *va;
	char name[IFNAMSIZ];
	struct net_device *dev;
	int id, ret;

	if (flexvpn_endpoint_in_use(fn, &cfg->key)) {
		NL_SET_ERR_MSG_MOD(extack, "another access device already uses these outer addresses and GRE key");
		return ERR_PTR(-EEXIST);
	}

	/* numbers come from an IDA: O(log n), no scan of existing names */
	id = ida_alloc_range(&fn->ids, 1, INT_MAX, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	snprintf(name, sizeof(name), "%s%d", tmpl->prefix, id);
	if (__dev_get_by_name(fn->net, name)) {
		NL_SET_ERR_MSG_MOD(extack, "the next access device name of this template's prefix is taken by another device");
		ret = -EEXIST;
		goto err_id;
	}

	ret = -ENOMEM;
	dev = alloc_netdev(sizeof(*va), name, NET_NAME_ENUM,
			   flexvpn_access_setup);
	if (!dev)
		goto err_id;
	va = netdev_priv(dev);
	va->dev = dev;
	va->tmpl = tmpl;
	va->id = id;
	va->owner = cfg->owner;
	va->shaper.root = &tmpl->shaper;
	if (cfg->peer_id) {
		va->peer_id = kstrdup(cfg->peer_id, GFP_KERNEL);
		if (!va->peer_id)
			goto err_free_dev;
	}
	ep = flexvpn_endpoint_new(tmpl, &cfg->key, va);
	if (!ep)
		goto err_free_dev;
	RCU_INIT_POINTER(va->ep, ep);

	dev_net_set(dev, fn->net);
	dev->rtnl_link_ops = &flexvpn_access_link_ops;
	dev->mtu = flexvpn_template_mtu(tmpl, cfg->key.family,
					cfg->key.has_key);

	ret = register_netdevice(dev);
	if (ret) {
		/* ndo_uninit released these if ndo_init had taken them */
		if (rtnl_dereference(va->ep)) {
			dst_cache_destroy(&ep->dst_cache);
			kfree(ep);
			kfree(va->peer_id);
			ida_free(&fn->ids, id);
		}
		free_netdev(dev);
		return ERR_PTR(ret);
	}

	ret = flexvpn_access_enslave(tmpl, dev, extack);
	if (!ret)
		ret = flexvpn_shaper_set(va, &cfg->shaper);
	if (!ret)
		ret = dev_open(dev, extack);
	if (ret) {
		unregister_netdevice(dev);
		return ERR_PTR(ret);
	}
	netif_carrier_on(dev);
	flexvpn_nl_notify_access(va, FLEXVPN_CMD_ACCESS_NEW);
	va->announced = true;
	return dev;

err_free_dev:
	kfree(va->peer_id);
	free_netdev(dev);
err_id:
	ida_free(&fn->ids, id);
	return ERR_PTR(ret);
}

/**
 * flexvpn_access_queue_delete - add @va to a batch of devices to delete
 * @va: the device
 * @kill: the batch, handed to unregister_netdevice_many() by the caller
 *
 * Called under RTNL.
 */
void flexvpn_access_queue_delete(struct flexvpn_access *va,
				 struct list_head *kill)
{
	unregister_netdevice_queue(va->dev, kill);
}

static int flexvpn_access_validate(struct nlattr *tb[], struct nlattr *data[],
				   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_MOD(extack, "virtual-access devices are created from a virtual-template: use 'flexvpn access add TEMPLATE remote ADDR'");
	return -EOPNOTSUPP;
}

static void flexvpn_access_dellink(struct net_device *dev,
				   struct list_head *kill)
{
	flexvpn_access_queue_delete(netdev_priv(dev), kill);
}

/* IFLA_INFO_DATA of RTM_GETLINK and RTM_NEWLINK notifications */
static size_t flexvpn_access_get_size(const struct net_device *dev)
{
	return flexvpn_nlmsg_access_size(netdev_priv(dev),
					 FLEXVPN_NLMSG_LINKINFO);
}

static int flexvpn_access_fill_info(struct sk_buff *skb,
				    const struct net_device *dev)
{
	return flexvpn_nlmsg_put_access(skb, netdev_priv(dev),
					FLEXVPN_NLMSG_LINKINFO);
}

struct rtnl_link_ops flexvpn_access_link_ops __read_mostly = {
	.kind = FLEXVPN_ACCESS_KIND,
	.priv_size = sizeof(struct flexvpn_access),
	.setup = flexvpn_access_setup,
	.validate = flexvpn_access_validate,
	.dellink = flexvpn_access_dellink,
	.get_size = flexvpn_access_get_size,
	.fill_info = flexvpn_access_fill_info,
};
