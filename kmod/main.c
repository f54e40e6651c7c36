// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: module init and exit, and the per-namespace state. Nothing else.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "flexvpn.h"

static unsigned int flexvpn_net_id __read_mostly;

/**
 * flexvpn_net - the module's state of a network namespace
 * @net: the namespace
 *
 * Return: its struct flexvpn_net, which lives as long as @net.
 */
struct flexvpn_net *flexvpn_net(const struct net *net)
{
	return net_generic(net, flexvpn_net_id);
}

static int __net_init flexvpn_net_init(struct net *net)
{
	struct flexvpn_net *fn = flexvpn_net(net);
	int ret;

	fn->net = net;
	INIT_LIST_HEAD(&fn->templates);
	ida_init(&fn->ids);
	ret = rhashtable_init(&fn->endpoints, &flexvpn_ep_params);
	if (ret)
		ida_destroy(&fn->ids);
	return ret;
}

/*
 * Devices of a dying namespace go here, before the core's own
 * default_device_exit_batch(): that one would call every template's dellink,
 * which queues the template's access devices too, and then visit those
 * access devices again. Queueing each device exactly once, all in one batch,
 * avoids that and keeps a namespace with thousands of devices quick to die.
 */
static void __net_exit flexvpn_net_exit_batch(struct list_head *net_list)
{
	struct net_device *dev, *tmp;
	LIST_HEAD(kill);
	struct net *net;

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		for_each_netdev_safe(net, dev, tmp) {
			if (flexvpn_is_template(dev) || flexvpn_is_access(dev))
				unregister_netdevice_queue(dev, &kill);
		}
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list) {
		struct flexvpn_net *fn = flexvpn_net(net);

		/* no device is left, so no endpoint and no number either */
		rhashtable_destroy(&fn->endpoints);
		ida_destroy(&fn->ids);
	}
}

static struct pernet_operations flexvpn_net_ops = {
	.init = flexvpn_net_init,
	.exit_batch = flexvpn_net_exit_batch,
	.id = &flexvpn_net_id,
	.size = sizeof(struct flexvpn_net),
};

static int __init flexvpn_init(void)
{
	int ret;

	ret = register_pernet_device(&flexvpn_net_ops);
	if (ret)
		return ret;

	/*
	 * The family goes before the link kinds: devices announce their
	 * creation and removal on it, and the link kinds' unregistration at
	 * exit removes devices.
	 */
	ret = flexvpn_nl_init();
	if (ret)
		goto err_pernet;

	ret = rtnl_link_register(&flexvpn_access_link_ops);
	if (ret)
		goto err_nl;

	ret = flexvpn_template_init();
	if (ret)
		goto err_access;

	return 0;

err_access:
	rtnl_link_unregister(&flexvpn_access_link_ops);
err_nl:
	flexvpn_nl_uninit();
err_pernet:
	unregister_pernet_device(&flexvpn_net_ops);
	return ret;
}

static void __exit flexvpn_exit(void)
{
	/* removes every template, each with its access devices */
	flexvpn_template_uninit();
	rtnl_link_unregister(&flexvpn_access_link_ops);
	flexvpn_nl_uninit();
	unregister_pernet_device(&flexvpn_net_ops);
	/* endpoints are freed by RCU callbacks that live in this module */
	rcu_barrier();
}

module_init(flexvpn_init);
module_exit(flexvpn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FlexVPN virtual-template and virtual-access devices (GRE over IPsec)");
MODULE_AUTHOR("The flexvpn developers");
MODULE_VERSION(FLEXVPN_VERSION);
MODULE_ALIAS_RTNL_LINK(FLEXVPN_TEMPLATE_KIND);
MODULE_ALIAS_RTNL_LINK(FLEXVPN_ACCESS_KIND);
MODULE_ALIAS_GENL_FAMILY(FLEXVPN_GENL_NAME);
