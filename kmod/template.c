// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the virtual-template device. It carries no traffic; it owns the
 * settings its virtual-access devices are cloned from, keeps the list of
 * those devices, and takes them with it when it goes.
 */
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "flexvpn.h"

static const struct net_device_ops flexvpn_template_netdev_ops;

/**
 * flexvpn_is_template - is @dev a virtual-template?
 * @dev: any netdevice
 *
 * Return: true when @dev's private data is a struct flexvpn_template.
 */
bool flexvpn_is_template(const struct net_device *dev)
{
	return dev->netdev_ops == &flexvpn_template_netdev_ops;
}

/**
 * flexvpn_template_mtu - MTU an access device of @tmpl gets
 * @tmpl: the template
 * @family: outer address family of the device
 * @has_key: whether its GRE header carries a key
 *
 * Return: the configured MTU, or the underlay's MTU less the outer headers
 * and the worst-case ESP overhead. Called under RTNL.
 */
u32 flexvpn_template_mtu(const struct flexvpn_template *tmpl, u16 family,
			 bool has_key)
{
	u32 underlay = FLEXVPN_DEFAULT_UNDERLAY_MTU;
	struct net_device *src;

	if (tmpl->mtu)
		return tmpl->mtu;

	if (tmpl->source_ifindex) {
		src = __dev_get_by_index(dev_net(tmpl->dev),
					 tmpl->source_ifindex);
		if (src)
			underlay = src->mtu;
	}
	underlay -= family == AF_INET6 ? sizeof(struct ipv6hdr) :
					 sizeof(struct iphdr);
	underlay -= has_key ? FLEXVPN_GRE_KEY_HLEN : FLEXVPN_GRE_HLEN;
	underlay -= FLEXVPN_ESP_RESERVE;
	return max_t(u32, underlay, IPV4_MIN_MTU);
}

/* the MTU the template itself shows: that of an IPv4 device */
static u32 flexvpn_template_own_mtu(const struct flexvpn_template *tmpl)
{
	return flexvpn_template_mtu(tmpl, AF_INET,
				    tmpl->key_mode == FLEXVPN_KEY_FIXED);
}

/* Give live access devices the template's MTU. Called under RTNL. */
static void flexvpn_template_propagate_mtu(struct flexvpn_template *tmpl)
{
	struct flexvpn_access *va;

	list_for_each_entry(va, &tmpl->access_list, node) {
		const struct flexvpn_endpoint *ep = rtnl_dereference(va->ep);
		u32 mtu = flexvpn_template_mtu(tmpl, ep->key.family,
					       ep->key.has_key);

		/* within the same bounds the template was checked against */
		if (dev_set_mtu(va->dev, mtu))
			netdev_warn(va->dev, "cannot follow %s's MTU %u\n",
				    tmpl->dev->name, mtu);
	}
}

/**
 * flexvpn_template_set_mtu - set or clear (0: automatic) the MTU setting
 * @tmpl: the template
 * @mtu: the new MTU, 0 for automatic
 * @extack: where to say what is wrong
 *
 * Return: 0 or a negative errno. Called under RTNL.
 */
int flexvpn_template_set_mtu(struct flexvpn_template *tmpl, u32 mtu,
			     struct netlink_ext_ack *extack)
{
	struct net_device *dev = tmpl->dev;
	u32 old = tmpl->mtu;
	int ret;

	tmpl->mtu = mtu;
	ret = dev_set_mtu(dev, flexvpn_template_own_mtu(tmpl));
	if (ret) {
		tmpl->mtu = old;
		return ret;
	}
	/* dev_set_mtu() skips the ndo when the number did not change */
	flexvpn_template_propagate_mtu(tmpl);
	return 0;
}

/* `ip link set vt1 mtu N` and flexvpn_template_set_mtu() both land here */
static int flexvpn_template_change_mtu(struct net_device *dev, int new_mtu)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);

	/* a number from outside makes the setting explicit */
	if (tmpl->mtu || (u32)new_mtu != flexvpn_template_own_mtu(tmpl))
		tmpl->mtu = new_mtu;
	WRITE_ONCE(dev->mtu, new_mtu);
	flexvpn_template_propagate_mtu(tmpl);
	return 0;
}

/**
 * flexvpn_template_sync_master - put access devices under the template's
 *	master (the inside VRF), or under none
 * @tmpl: the template
 * @extack: where to say what went wrong
 *
 * Return: 0 or the first error. Called under RTNL.
 */
int flexvpn_template_sync_master(struct flexvpn_template *tmpl,
				 struct netlink_ext_ack *extack)
{
	struct net_device *master = netdev_master_upper_dev_get(tmpl->dev);
	struct flexvpn_access *va;
	int ret = 0;

	list_for_each_entry(va, &tmpl->access_list, node) {
		struct net_device *cur = netdev_master_upper_dev_get(va->dev);
		int err = 0;

		if (cur == master)
			continue;
		if (cur)
			err = cur->netdev_ops->ndo_del_slave(cur, va->dev);
		if (!err && master)
			err = master->netdev_ops->ndo_add_slave(master, va->dev,
								 extack);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

static netdev_tx_t flexvpn_template_xmit(struct sk_buff *skb,
					 struct net_device *dev)
{
	/* a template carries nothing; routes through it are a mistake */
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int flexvpn_template_ndo_init(struct net_device *dev)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);
	int ret;

	ret = flexvpn_rcv_hooks_get(tmpl->fn);
	if (ret)
		return ret;
	list_add_tail(&tmpl->node, &tmpl->fn->templates);
	return 0;
}

/* Access devices are gone by now: dellink and the namespace exit queue them
 * in the same batch, and ndo_uninit runs after all of them are unlisted.
 */
static void flexvpn_template_ndo_uninit(struct net_device *dev)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);

	list_del(&tmpl->node);
	flexvpn_rcv_hooks_put(tmpl->fn);
	flexvpn_shaper_root_uninit(&tmpl->shaper);
}

static void flexvpn_template_destructor(struct net_device *dev)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);

	flexvpn_shaper_root_free(&tmpl->shaper);
}

static const struct net_device_ops flexvpn_template_netdev_ops = {
	.ndo_init = flexvpn_template_ndo_init,
	.ndo_uninit = flexvpn_template_ndo_uninit,
	.ndo_start_xmit = flexvpn_template_xmit,
	.ndo_change_mtu = flexvpn_template_change_mtu,
};

/**
 * flexvpn_setup_p2p - what templates and access devices have in common
 * @dev: a device being allocated
 *
 * Point-to-point, no link-layer header or address, no qdisc, freed by the
 * core, and fixed to its namespace: its template, endpoint, number and the
 * receive table all belong to that namespace.
 */
void flexvpn_setup_p2p(struct net_device *dev)
{
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->min_mtu = FLEXVPN_MTU_MIN;
	dev->max_mtu = FLEXVPN_MTU_MAX;
	dev->needs_free_netdev = true;
	flexvpn_compat_set_netns_local(dev);
}

static void flexvpn_template_setup(struct net_device *dev)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);

	flexvpn_setup_p2p(dev);
	dev->netdev_ops = &flexvpn_template_netdev_ops;
	dev->priv_destructor = flexvpn_template_destructor;

	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->dev = dev;
	INIT_LIST_HEAD(&tmpl->access_list);
	flexvpn_shaper_root_init(&tmpl->shaper);
	strscpy(tmpl->prefix, FLEXVPN_DEFAULT_PREFIX, sizeof(tmpl->prefix));
	tmpl->nhrp_redirect_interval = FLEXVPN_REDIRECT_INTERVAL_DEFAULT;
	dev->mtu = flexvpn_template_own_mtu(tmpl);
}

static int flexvpn_template_newlink(struct net *src_net,
				    struct net_device *dev,
				    struct nlattr *tb[], struct nlattr *data[],
				    struct netlink_ext_ack *extack)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);
	int ret;

	tmpl->fn = flexvpn_net(dev_net(dev));
	/* MTU given with `ip link add ... mtu N` is an explicit setting */
	if (tb[IFLA_MTU])
		tmpl->mtu = dev->mtu;

	ret = register_netdevice(dev);
	if (ret)
		return ret;
	/* passes no traffic: never looks usable to routing daemons */
	netif_carrier_off(dev);
	return 0;
}

static void flexvpn_template_dellink(struct net_device *dev,
				     struct list_head *kill)
{
	struct flexvpn_template *tmpl = netdev_priv(dev);
	struct flexvpn_access *va;

	/* the access devices go in the same batch as their template */
	list_for_each_entry(va, &tmpl->access_list, node)
		flexvpn_access_queue_delete(va, kill);
	unregister_netdevice_queue(dev, kill);
}

static int flexvpn_template_validate(struct nlattr *tb[], struct nlattr *data[],
				     struct netlink_ext_ack *extack)
{
	int i;

	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_MOD(extack, "a virtual-template has no link-layer address");
		return -EINVAL;
	}
	/* IFLA_INFO_DATA is what RTM_GETLINK shows; settings change through
	 * the family alone, so a copy sent back must not pass for applied
	 */
	for (i = 1; data && i <= FLEXVPN_TMPL_A_MAX; i++) {
		if (data[i]) {
			NL_SET_BAD_ATTR(extack, data[i]);
			NL_SET_ERR_MSG_MOD(extack, "virtual-template settings are changed with 'flexvpn template set', not in IFLA_INFO_DATA");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* IFLA_INFO_DATA of RTM_GETLINK and RTM_NEWLINK notifications */
static size_t flexvpn_template_get_size(const struct net_device *dev)
{
	return flexvpn_nlmsg_template_size(netdev_priv(dev),
					   FLEXVPN_NLMSG_LINKINFO);
}

static int flexvpn_template_fill_info(struct sk_buff *skb,
				      const struct net_device *dev)
{
	return flexvpn_nlmsg_put_template(skb, netdev_priv(dev),
					  FLEXVPN_NLMSG_LINKINFO);
}

struct rtnl_link_ops flexvpn_template_link_ops __read_mostly = {
	.kind = FLEXVPN_TEMPLATE_KIND,
	.maxtype = FLEXVPN_TMPL_A_MAX,
	.priv_size = sizeof(struct flexvpn_template),
	.setup = flexvpn_template_setup,
	.validate = flexvpn_template_validate,
	.newlink = flexvpn_template_newlink,
	.dellink = flexvpn_template_dellink,
	.get_size = flexvpn_template_get_size,
	.fill_info = flexvpn_template_fill_info,
};

/* Follow what happens to the devices a template refers to. */
static int flexvpn_template_netdev_event(struct notifier_block *nb,
					 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct flexvpn_template *tmpl;
	struct flexvpn_net *fn;

	switch (event) {
	case NETDEV_CHANGEUPPER:
		/* the template moved to another inside VRF: so do its devices */
		if (!flexvpn_is_template(dev))
			break;
		tmpl = netdev_priv(dev);
		if (flexvpn_template_sync_master(tmpl, NULL))
			netdev_warn(dev, "could not move every access device to the template's master\n");
		break;
	case NETDEV_UNREGISTER:
		/* a front-door VRF or tunnel source went away: forget it */
		fn = flexvpn_net(dev_net(dev));
		list_for_each_entry(tmpl, &fn->templates, node) {
			if (tmpl->underlay_ifindex == dev->ifindex)
				tmpl->underlay_ifindex = 0;
			if (tmpl->source_ifindex == dev->ifindex)
				tmpl->source_ifindex = 0;
		}
		break;
	case NETDEV_CHANGEMTU:
		/* automatic MTU follows the tunnel source interface */
		fn = flexvpn_net(dev_net(dev));
		list_for_each_entry(tmpl, &fn->templates, node) {
			if (tmpl->mtu || tmpl->source_ifindex != dev->ifindex)
				continue;
			flexvpn_template_set_mtu(tmpl, 0, NULL);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block flexvpn_template_notifier = {
	.notifier_call = flexvpn_template_netdev_event,
};

/**
 * flexvpn_template_init - register the vtemplate link kind and the
 *	notifier that follows the devices templates refer to
 *
 * Return: 0 or a negative errno.
 */
int flexvpn_template_init(void)
{
	int ret;

	ret = register_netdevice_notifier(&flexvpn_template_notifier);
	if (ret)
		return ret;
	ret = rtnl_link_register(&flexvpn_template_link_ops);
	if (ret)
		unregister_netdevice_notifier(&flexvpn_template_notifier);
	return ret;
}

/**
 * flexvpn_template_uninit - remove every template, with its access
 *	devices, and unregister the link kind
 */
void flexvpn_template_uninit(void)
{
	rtnl_link_unregister(&flexvpn_template_link_ops);
	unregister_netdevice_notifier(&flexvpn_template_notifier);
}
