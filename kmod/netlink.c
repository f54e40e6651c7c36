// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the generic-netlink family. It checks every request completely
 * before changing anything, says what is wrong in the extended ack, and
 * announces access devices coming and going, and NHRP redirect triggers
 * (redirect.c), on the "events" group. uapi/flexvpn.yaml defines each
 * command and attribute (uapi/linux/flexvpn.h is its C view); the policies
 * and op table it generates are netlink-gen.c's.
 */
#include <linux/ctype.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "compat.h"
#include "flexvpn.h"
#include "netlink-gen.h"

static struct genl_family flexvpn_nl_family;

/*
 * The policies and the op table are netlink-gen.c's, generated from
 * uapi/flexvpn.yaml: one policy per operation, so an attribute an operation
 * does not take (a read-only one, say) is refused, and every range the spec
 * states is checked, before a handler runs. What a policy cannot say (an
 * MTU of 0 or at least FLEXVPN_MTU_MIN, a name's characters, two attributes
 * that exclude each other) is checked by the prechecks below.
 */

/* A nest the genetlink core already validated against @policy, the one the
 * operation's policy gives it: only attributes @policy knows are there.
 * @tb must have room for them and be zeroed above them.
 */
#define flexvpn_nl_parse_nest(tb, nest, policy, extack) \
	nla_parse_nested(tb, ARRAY_SIZE(policy) - 1, nest, policy, extack)

/* ---- resolving the device a request is about ---- */

static struct net_device *flexvpn_nl_dev(struct net *net, struct nlattr **attrs,
					 struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;

	if (attrs[FLEXVPN_A_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(attrs[FLEXVPN_A_IFINDEX]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[FLEXVPN_A_IFINDEX],
					    "no device with this ifindex");
			return ERR_PTR(-ENODEV);
		}
	} else if (attrs[FLEXVPN_A_IFNAME]) {
		dev = __dev_get_by_name(net, nla_data(attrs[FLEXVPN_A_IFNAME]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[FLEXVPN_A_IFNAME],
					    "no device with this name");
			return ERR_PTR(-ENODEV);
		}
	} else {
		NL_SET_ERR_MSG_MOD(extack, "name the device: FLEXVPN_A_IFINDEX or FLEXVPN_A_IFNAME is missing");
		return ERR_PTR(-EINVAL);
	}
	return dev;
}

static struct flexvpn_template *
flexvpn_nl_template(struct genl_info *info)
{
	struct net_device *dev;

	dev = flexvpn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (!flexvpn_is_template(dev)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device named is not a virtual-template");
		return ERR_PTR(-EINVAL);
	}
	return netdev_priv(dev);
}

static struct flexvpn_access *flexvpn_nl_access(struct genl_info *info)
{
	struct net_device *dev;

	dev = flexvpn_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (!flexvpn_is_access(dev)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device named is not a virtual-access device");
		return ERR_PTR(-EINVAL);
	}
	return netdev_priv(dev);
}

/* ---- messages ---- */

/*
 * A reply or event: the genl header and the object's nest (@attr,
 * FLEXVPN_A_TEMPLATE or FLEXVPN_A_ACCESS), whose attributes nlmsg.c writes;
 * the same code fills the link kinds' IFLA_INFO_DATA.
 */
static int flexvpn_nl_fill(struct sk_buff *skb, int attr, void *obj,
			   u32 portid, u32 seq, int flags, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, portid, seq, &flexvpn_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, attr);
	if (!nest)
		ret = -EMSGSIZE;
	else if (attr == FLEXVPN_A_TEMPLATE)
		ret = flexvpn_nlmsg_put_template(skb, obj, FLEXVPN_NLMSG_REPLY);
	else
		ret = flexvpn_nlmsg_put_access(skb, obj, FLEXVPN_NLMSG_REPLY);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int flexvpn_nl_fill_access(struct sk_buff *skb, struct flexvpn_access *va,
				  u32 portid, u32 seq, int flags, u8 cmd)
{
	return flexvpn_nl_fill(skb, FLEXVPN_A_ACCESS, va, portid, seq, flags,
			       cmd);
}

static size_t flexvpn_nl_access_size(const struct flexvpn_access *va)
{
	return nla_total_size(flexvpn_nlmsg_access_size(va, FLEXVPN_NLMSG_REPLY));
}

static int flexvpn_nl_fill_template(struct sk_buff *skb,
				    struct flexvpn_template *tmpl,
				    u32 portid, u32 seq, int flags, u8 cmd)
{
	return flexvpn_nl_fill(skb, FLEXVPN_A_TEMPLATE, tmpl, portid, seq,
			       flags, cmd);
}

/**
 * flexvpn_nl_notify_access - announce an access device on the events group
 * @va: the device
 * @cmd: FLEXVPN_CMD_ACCESS_NEW or FLEXVPN_CMD_ACCESS_DEL
 *
 * Called under RTNL, in process context.
 */
void flexvpn_nl_notify_access(struct flexvpn_access *va, u8 cmd)
{
	struct net *net = dev_net(va->dev);
	struct sk_buff *skb;

	/* deleting ten thousand devices nobody listens for costs nothing */
	if (!genl_has_listeners(&flexvpn_nl_family, net, FLEXVPN_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(flexvpn_nl_access_size(va), GFP_KERNEL);
	if (!skb)
		return;
	if (flexvpn_nl_fill_access(skb, va, 0, 0, 0, cmd)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&flexvpn_nl_family, net, skb, 0,
				FLEXVPN_NLGRP_EVENTS, GFP_KERNEL);
}

/**
 * flexvpn_nl_redirect_wanted - does anybody listen for redirect events?
 * @net: the namespace
 *
 * Return: true when the events group has a member in @net. Any context.
 */
bool flexvpn_nl_redirect_wanted(struct net *net)
{
	return genl_has_listeners(&flexvpn_nl_family, net, FLEXVPN_NLGRP_EVENTS);
}

static int flexvpn_nl_put_redirect_addrs(struct sk_buff *skb,
					 const struct flexvpn_redirect_event *ev)
{
	static const int a4[2] = { FLEXVPN_REDIRECT_A_SRC_IPV4,
				   FLEXVPN_REDIRECT_A_DST_IPV4 };
	static const int a6[2] = { FLEXVPN_REDIRECT_A_SRC_IPV6,
				   FLEXVPN_REDIRECT_A_DST_IPV6 };

	return flexvpn_nlmsg_put_addr_pair(skb, ev->family, &ev->src, &ev->dst,
					   a4, a6);
}

/**
 * flexvpn_nl_notify_redirect - send a redirect trigger on the events group
 * @net: the namespace
 * @ev: the devices, network-id and inner addresses
 * @pkt: the packet, network header set; its head is copied, not changed
 *
 * Called from the forwarding path (softirq, under RCU): allocates with
 * GFP_ATOMIC, and an event that cannot be sent is lost, not retried.
 */
void flexvpn_nl_notify_redirect(struct net *net,
				const struct flexvpn_redirect_event *ev,
				const struct sk_buff *pkt)
{
	int off = skb_network_offset(pkt);
	u32 len = min_t(u32, pkt->len - off, FLEXVPN_REDIRECT_PACKET_MAX);
	struct nlattr *nest, *head;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(nla_total_size(0) +
			  4 * nla_total_size(sizeof(u32)) +
			  2 * nla_total_size(sizeof(struct in6_addr)) +
			  nla_total_size(FLEXVPN_REDIRECT_PACKET_MAX),
			  GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &flexvpn_nl_family, 0,
			  FLEXVPN_CMD_REDIRECT);
	if (!hdr)
		goto free;
	nest = nla_nest_start(skb, FLEXVPN_A_REDIRECT);
	if (!nest ||
	    nla_put_u32(skb, FLEXVPN_REDIRECT_A_IFINDEX_IN, ev->iif) ||
	    nla_put_u32(skb, FLEXVPN_REDIRECT_A_IFINDEX_OUT, ev->oif) ||
	    nla_put_u32(skb, FLEXVPN_REDIRECT_A_NETWORK_ID, ev->network_id) ||
	    flexvpn_nl_put_redirect_addrs(skb, ev) ||
	    nla_put_u32(skb, FLEXVPN_REDIRECT_A_PACKET_LEN, pkt->len - off))
		goto free;
	head = nla_reserve(skb, FLEXVPN_REDIRECT_A_PACKET, len);
	/* paged or GSO packets too: copy, do not assume a linear head */
	if (!head || skb_copy_bits(pkt, off, nla_data(head), len))
		goto free;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&flexvpn_nl_family, net, skb, 0,
				FLEXVPN_NLGRP_EVENTS, GFP_ATOMIC);
	return;
free:
	nlmsg_free(skb);
}

/* ---- templates ---- */

int flexvpn_nl_template_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct flexvpn_template *tmpl;
	struct sk_buff *msg = NULL;
	int ret;

	rtnl_lock();
	tmpl = flexvpn_nl_template(info);
	ret = PTR_ERR_OR_ZERO(tmpl);
	/* sized under RTNL: many shaper groups outgrow NLMSG_GOODSIZE */
	if (!ret) {
		msg = genlmsg_new(nla_total_size(flexvpn_nlmsg_template_size(tmpl,
						 FLEXVPN_NLMSG_REPLY)),
				  GFP_KERNEL);
		ret = msg ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = flexvpn_nl_fill_template(msg, tmpl, info->snd_portid,
					       info->snd_seq, 0,
					       FLEXVPN_CMD_TEMPLATE_GET);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: how many entries earlier parts of the dump sent */
int flexvpn_nl_template_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct flexvpn_net *fn = flexvpn_net(sock_net(skb->sk));
	struct flexvpn_template *tmpl;
	long idx = 0;

	rtnl_lock();
	list_for_each_entry(tmpl, &fn->templates, node) {
		if (idx++ < cb->args[0])
			continue;
		if (flexvpn_nl_fill_template(skb, tmpl,
					     NETLINK_CB(cb->skb).portid,
					     cb->nlh->nlmsg_seq, NLM_F_MULTI,
					     FLEXVPN_CMD_TEMPLATE_GET)) {
			idx--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/**
 * struct flexvpn_tmpl_change - a TEMPLATE_SET request, checked
 * @tb: its attributes
 * @group: those of its FLEXVPN_TMPL_A_SHAPER_GROUP nest
 * @underlay: new front-door VRF ifindex
 * @source: new tunnel source ifindex
 * @dflt: new shaper defaults for access devices
 */
struct flexvpn_tmpl_change {
	struct nlattr *tb[FLEXVPN_TMPL_A_MAX + 1];
	struct nlattr *group[FLEXVPN_GROUP_A_MAX + 1];
	int underlay;
	int source;
	struct flexvpn_shaper_cfg dflt;
};

static bool flexvpn_prefix_valid(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++) {
		if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	}
	return true;
}

/* Settings given in a FLEXVPN_*_A_SHAPER nest replace those in @cfg. */
static int flexvpn_nl_parse_shaper(const struct nlattr *nest,
				   struct flexvpn_shaper_cfg *cfg,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[FLEXVPN_SHAPER_A_MAX + 1] = {};
	int ret;

	ret = flexvpn_nl_parse_nest(tb, nest, flexvpn_shaper_nl_policy, extack);
	if (ret)
		return ret;
	if (tb[FLEXVPN_SHAPER_A_RATE])
		cfg->rate = nla_get_u64(tb[FLEXVPN_SHAPER_A_RATE]);
	if (tb[FLEXVPN_SHAPER_A_CEIL])
		cfg->ceil = nla_get_u64(tb[FLEXVPN_SHAPER_A_CEIL]);
	if (tb[FLEXVPN_SHAPER_A_BURST])
		cfg->burst = nla_get_u32(tb[FLEXVPN_SHAPER_A_BURST]);
	if (tb[FLEXVPN_SHAPER_A_QLEN])
		cfg->qlen = nla_get_u32(tb[FLEXVPN_SHAPER_A_QLEN]);
	if (tb[FLEXVPN_SHAPER_A_GROUP])
		nla_strscpy(cfg->group, tb[FLEXVPN_SHAPER_A_GROUP],
			    sizeof(cfg->group));
	return 0;
}

/**
 * flexvpn_nl_template_precheck - the rules of TEMPLATE_SET its policy cannot say
 * @c: the request; c->tb parsed, c->group filled here
 * @extack: where to say what is wrong
 *
 * Those that need no device: a shaper group change comes alone and names
 * its group, names are made of [A-Za-z0-9_.-], and an MTU or parent rate is
 * 0 or at least its minimum (the policy has their maximum).
 *
 * Return: 0 or a negative errno.
 */
static int flexvpn_nl_template_precheck(struct flexvpn_tmpl_change *c,
					struct netlink_ext_ack *extack)
{
	struct nlattr **tb = c->tb;
	int i, ret;

	if (tb[FLEXVPN_TMPL_A_SHAPER_GROUP]) {
		for (i = 1; i <= FLEXVPN_TMPL_A_MAX; i++) {
			if (tb[i] && i != FLEXVPN_TMPL_A_SHAPER_GROUP) {
				NL_SET_ERR_MSG_ATTR(extack, tb[i], "a shaper group change comes in a request of its own");
				return -EINVAL;
			}
		}
		ret = flexvpn_nl_parse_nest(c->group,
					    tb[FLEXVPN_TMPL_A_SHAPER_GROUP],
					    flexvpn_group_settings_nl_policy,
					    extack);
		if (ret)
			return ret;
		if (!c->group[FLEXVPN_GROUP_A_NAME] ||
		    !flexvpn_prefix_valid(nla_data(c->group[FLEXVPN_GROUP_A_NAME]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_SHAPER_GROUP],
					    "a shaper group needs a name of 1 to 15 characters of A-Z a-z 0-9 _ . -");
			return -EINVAL;
		}
	}
	if (tb[FLEXVPN_TMPL_A_MTU]) {
		u32 mtu = nla_get_u32(tb[FLEXVPN_TMPL_A_MTU]);

		if (mtu && mtu < FLEXVPN_MTU_MIN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_MTU],
					    "MTU out of range: 0 (automatic) or " __stringify(FLEXVPN_MTU_MIN) " to " __stringify(FLEXVPN_MTU_MAX));
			return -ERANGE;
		}
	}
	if (tb[FLEXVPN_TMPL_A_SHAPER_RATE]) {
		u64 rate = nla_get_u64(tb[FLEXVPN_TMPL_A_SHAPER_RATE]);

		if (rate && rate < FLEXVPN_SHAPER_RATE_MIN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_SHAPER_RATE],
					    "parent rate out of range: 8 bit/s to 10 Tbit/s, or 0 for none");
			return -ERANGE;
		}
	}
	if (tb[FLEXVPN_TMPL_A_NAME_PREFIX] &&
	    !flexvpn_prefix_valid(nla_data(tb[FLEXVPN_TMPL_A_NAME_PREFIX]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_NAME_PREFIX],
				    "the name prefix must be 1 to 8 characters of A-Z a-z 0-9 _ . -");
		return -EINVAL;
	}
	return 0;
}

/* TEMPLATE_SET with FLEXVPN_TMPL_A_SHAPER_GROUP: one group, nothing else. */
static int flexvpn_nl_template_group(struct flexvpn_template *tmpl,
				     struct nlattr **tb,
				     struct netlink_ext_ack *extack)
{
	return flexvpn_group_set(tmpl, nla_data(tb[FLEXVPN_GROUP_A_NAME]),
				 tb[FLEXVPN_GROUP_A_RATE] ?
				 nla_get_u64(tb[FLEXVPN_GROUP_A_RATE]) : 0,
				 tb[FLEXVPN_GROUP_A_CEIL] ?
				 nla_get_u64(tb[FLEXVPN_GROUP_A_CEIL]) : 0,
				 nla_get_flag(tb[FLEXVPN_GROUP_A_DELETE]),
				 extack);
}

/* The rules that depend on the template and the namespace. */
static int flexvpn_nl_template_check(struct flexvpn_template *tmpl,
				     struct flexvpn_tmpl_change *c,
				     struct netlink_ext_ack *extack)
{
	struct net *net = dev_net(tmpl->dev);
	struct nlattr **tb = c->tb;
	struct net_device *dev;

	c->underlay = tmpl->underlay_ifindex;
	c->source = tmpl->source_ifindex;
	c->dflt = tmpl->shaper.dflt;

	if (tb[FLEXVPN_TMPL_A_SHAPER]) {
		int ret = flexvpn_nl_parse_shaper(tb[FLEXVPN_TMPL_A_SHAPER],
						  &c->dflt, extack);

		if (!ret)
			ret = flexvpn_shaper_check(tmpl, &c->dflt,
						   tmpl->dev->mtu, extack);
		if (ret)
			return ret;
	}
	if (tb[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX]) {
		c->underlay = nla_get_u32(tb[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX]);
		dev = c->underlay ? __dev_get_by_index(net, c->underlay) : NULL;
		if (c->underlay && (!dev || !netif_is_l3_master(dev))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX],
					    "the underlay must be a VRF device of this namespace");
			return -EINVAL;
		}
	}
	if (tb[FLEXVPN_TMPL_A_SOURCE_IFINDEX]) {
		c->source = nla_get_u32(tb[FLEXVPN_TMPL_A_SOURCE_IFINDEX]);
		dev = c->source ? __dev_get_by_index(net, c->source) : NULL;
		if (c->source && (!dev || flexvpn_is_template(dev) ||
				  flexvpn_is_access(dev))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_TMPL_A_SOURCE_IFINDEX],
					    "the tunnel source must be an existing interface that is not a flexvpn device");
			return -EINVAL;
		}
	}
	return 0;
}

/* Settings that change the automatic MTU go first, with the MTU itself:
 * that is the only step that can fail, and it is undone whole.
 */
static int flexvpn_nl_template_apply_mtu(struct flexvpn_template *tmpl,
					 struct flexvpn_tmpl_change *c,
					 struct netlink_ext_ack *extack)
{
	struct nlattr **tb = c->tb;
	int old_source = tmpl->source_ifindex;
	u8 old_mode = tmpl->key_mode;
	__be32 old_key = tmpl->key;
	int ret;

	tmpl->source_ifindex = c->source;
	if (tb[FLEXVPN_TMPL_A_GRE_KEY]) {
		tmpl->key = htonl(nla_get_u32(tb[FLEXVPN_TMPL_A_GRE_KEY]));
		tmpl->key_mode = FLEXVPN_KEY_FIXED;
	}
	if (tb[FLEXVPN_TMPL_A_GRE_KEY_MODE])
		tmpl->key_mode = nla_get_u8(tb[FLEXVPN_TMPL_A_GRE_KEY_MODE]);

	ret = flexvpn_template_set_mtu(tmpl, tb[FLEXVPN_TMPL_A_MTU] ?
				       nla_get_u32(tb[FLEXVPN_TMPL_A_MTU]) :
				       tmpl->mtu, extack);
	if (ret) {
		tmpl->source_ifindex = old_source;
		tmpl->key_mode = old_mode;
		tmpl->key = old_key;
	}
	return ret;
}

int flexvpn_nl_template_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct flexvpn_tmpl_change c = {};
	struct flexvpn_template *tmpl;
	struct nlattr **tb = c.tb;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, FLEXVPN_A_TEMPLATE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "give the settings to change in FLEXVPN_A_TEMPLATE");
		return -EINVAL;
	}
	ret = flexvpn_nl_parse_nest(tb, info->attrs[FLEXVPN_A_TEMPLATE],
				    flexvpn_template_settings_nl_policy,
				    info->extack);
	if (!ret)
		ret = flexvpn_nl_template_precheck(&c, info->extack);
	if (ret)
		return ret;

	rtnl_lock();
	tmpl = flexvpn_nl_template(info);
	ret = PTR_ERR_OR_ZERO(tmpl);
	if (!ret && tb[FLEXVPN_TMPL_A_SHAPER_GROUP]) {
		ret = flexvpn_nl_template_group(tmpl, c.group, info->extack);
		goto out;
	}
	if (!ret)
		ret = flexvpn_nl_template_check(tmpl, &c, info->extack);
	if (!ret)
		ret = flexvpn_nl_template_apply_mtu(tmpl, &c, info->extack);
	if (ret)
		goto out;

	/* nothing below can fail */
	tmpl->underlay_ifindex = c.underlay;
	if (tb[FLEXVPN_TMPL_A_LOCAL_IPV4])
		tmpl->local4 = nla_get_in_addr(tb[FLEXVPN_TMPL_A_LOCAL_IPV4]);
	if (tb[FLEXVPN_TMPL_A_LOCAL_IPV6])
		tmpl->local6 = nla_get_in6_addr(tb[FLEXVPN_TMPL_A_LOCAL_IPV6]);
	if (tb[FLEXVPN_TMPL_A_NHRP_NETWORK_ID])
		WRITE_ONCE(tmpl->nhrp_network_id,
			   nla_get_u32(tb[FLEXVPN_TMPL_A_NHRP_NETWORK_ID]));
	if (tb[FLEXVPN_TMPL_A_NHRP_REDIRECT])
		WRITE_ONCE(tmpl->nhrp_redirect,
			   nla_get_u8(tb[FLEXVPN_TMPL_A_NHRP_REDIRECT]));
	if (tb[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL])
		WRITE_ONCE(tmpl->nhrp_redirect_interval,
			   nla_get_u32(tb[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL]));
	if (tb[FLEXVPN_TMPL_A_ALLOW_UNPROTECTED])
		WRITE_ONCE(tmpl->allow_unprotected,
			   nla_get_u8(tb[FLEXVPN_TMPL_A_ALLOW_UNPROTECTED]));
	if (tb[FLEXVPN_TMPL_A_NAME_PREFIX])
		nla_strscpy(tmpl->prefix, tb[FLEXVPN_TMPL_A_NAME_PREFIX],
			    sizeof(tmpl->prefix));
	tmpl->shaper.dflt = c.dflt;
	if (tb[FLEXVPN_TMPL_A_SHAPER_RATE] || tb[FLEXVPN_TMPL_A_SHAPER_OVERHEAD])
		flexvpn_shaper_set_parent(tmpl,
			tb[FLEXVPN_TMPL_A_SHAPER_RATE] ?
			nla_get_u64(tb[FLEXVPN_TMPL_A_SHAPER_RATE]) :
			tmpl->shaper.rate * 8,
			tb[FLEXVPN_TMPL_A_SHAPER_OVERHEAD] ?
			nla_get_u32(tb[FLEXVPN_TMPL_A_SHAPER_OVERHEAD]) :
			tmpl->shaper.overhead);
out:
	rtnl_unlock();
	return ret;
}

/* ---- access devices ---- */

static bool flexvpn_addr_usable(const struct flexvpn_ep_key *key, bool remote)
{
	const struct in6_addr *a = remote ? &key->remote : &key->local;

	if (key->family == AF_INET)
		return !ipv4_is_zeronet(a->s6_addr32[0]) &&
		       !ipv4_is_multicast(a->s6_addr32[0]) &&
		       !ipv4_is_lbcast(a->s6_addr32[0]);
	return !ipv6_addr_any(a) && !ipv6_addr_is_multicast(a);
}

/**
 * flexvpn_nl_endpoint - the outer endpoint a request describes
 * @tmpl: template for defaults
 * @tb: the request's FLEXVPN_A_ACCESS attributes, prechecked
 * @cur: the device's current endpoint (ACCESS_SET), NULL for a new device
 * @key: result
 * @extack: where to say what is wrong
 *
 * Return: 0 or a negative errno.
 */
static int flexvpn_nl_endpoint(const struct flexvpn_template *tmpl,
			       struct nlattr **tb,
			       const struct flexvpn_ep_key *cur,
			       struct flexvpn_ep_key *key,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *r4 = tb[FLEXVPN_ACCESS_A_REMOTE_IPV4];
	struct nlattr *r6 = tb[FLEXVPN_ACCESS_A_REMOTE_IPV6];
	struct nlattr *l4 = tb[FLEXVPN_ACCESS_A_LOCAL_IPV4];
	struct nlattr *l6 = tb[FLEXVPN_ACCESS_A_LOCAL_IPV6];

	if (cur)
		*key = *cur;
	else
		memset(key, 0, sizeof(*key));

	if (r4 || r6) {
		u16 family = r4 ? AF_INET : AF_INET6;

		/* a new family needs a new local address too */
		if (key->family != family)
			memset(&key->local, 0, sizeof(key->local));
		key->family = family;
		memset(&key->remote, 0, sizeof(key->remote));
		nla_memcpy(&key->remote, r4 ?: r6, sizeof(key->remote));
		if (!flexvpn_addr_usable(key, true)) {
			NL_SET_ERR_MSG_ATTR(extack, r4 ?: r6, "the remote address must be a unicast address");
			return -EINVAL;
		}
	}
	if ((l4 && key->family != AF_INET) || (l6 && key->family != AF_INET6)) {
		NL_SET_ERR_MSG_ATTR(extack, l4 ?: l6, "the local and remote addresses must be of the same family");
		return -EINVAL;
	}
	if (l4 || l6) {
		memset(&key->local, 0, sizeof(key->local));
		nla_memcpy(&key->local, l4 ?: l6, sizeof(key->local));
	} else if (ipv6_addr_any(&key->local)) {
		if (key->family == AF_INET)
			key->local.s6_addr32[0] = tmpl->local4;
		else
			key->local = tmpl->local6;
	}
	if (ipv6_addr_any(&key->local)) {
		if (cur && cur->family != key->family)
			NL_SET_ERR_MSG_MOD(extack, "the remote address changes family: give a local address of the same family");
		else
			NL_SET_ERR_MSG_MOD(extack, "no local address: give LOCAL_IPV4/LOCAL_IPV6 or set the template's tunnel source address");
		return -EINVAL;
	}
	if (!flexvpn_addr_usable(key, false)) {
		NL_SET_ERR_MSG_ATTR(extack, l4 ?: l6, "the local address must be a unicast address");
		return -EINVAL;
	}

	if (tb[FLEXVPN_ACCESS_A_GRE_KEY]) {
		key->has_key = 1;
		key->key = htonl(nla_get_u32(tb[FLEXVPN_ACCESS_A_GRE_KEY]));
	} else if (!cur && tmpl->key_mode == FLEXVPN_KEY_FIXED) {
		key->has_key = 1;
		key->key = tmpl->key;
	}
	return 0;
}

/* FLEXVPN_A_ACCESS into @tb (zeroed): settings, or filters for @filter */
static int flexvpn_nl_parse_access(struct genl_info *info, struct nlattr **tb,
				   bool filter, bool required)
{
	struct nlattr *nest = info->attrs[FLEXVPN_A_ACCESS];

	if (!nest) {
		if (!required)
			return 0;
		NL_SET_ERR_MSG_MOD(info->extack, "give the access device's settings in FLEXVPN_A_ACCESS");
		return -EINVAL;
	}
	if (filter)
		return flexvpn_nl_parse_nest(tb, nest,
					     flexvpn_access_filter_nl_policy,
					     info->extack);
	return flexvpn_nl_parse_nest(tb, nest, flexvpn_access_settings_nl_policy,
				     info->extack);
}

/**
 * flexvpn_nl_access_precheck - the rules of ACCESS_NEW and ACCESS_SET their
 *	policy cannot say
 * @tb: the FLEXVPN_A_ACCESS attributes
 * @new: ACCESS_NEW: the peer's address is required
 * @extack: where to say what is wrong
 *
 * Those that need no device: one remote and one local address at most.
 * Whether the families agree, and what the addresses may be, depends on the
 * device and its template: flexvpn_nl_endpoint().
 *
 * Return: 0 or a negative errno.
 */
static int flexvpn_nl_access_precheck(struct nlattr **tb, bool new,
				      struct netlink_ext_ack *extack)
{
	if (tb[FLEXVPN_ACCESS_A_REMOTE_IPV4] && tb[FLEXVPN_ACCESS_A_REMOTE_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_ACCESS_A_REMOTE_IPV6],
				    "give one remote address, IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (tb[FLEXVPN_ACCESS_A_LOCAL_IPV4] && tb[FLEXVPN_ACCESS_A_LOCAL_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[FLEXVPN_ACCESS_A_LOCAL_IPV6],
				    "give one local address, IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (new && !tb[FLEXVPN_ACCESS_A_REMOTE_IPV4] &&
	    !tb[FLEXVPN_ACCESS_A_REMOTE_IPV6]) {
		NL_SET_ERR_MSG_MOD(extack, "the peer's outer address is missing: give REMOTE_IPV4 or REMOTE_IPV6");
		return -EINVAL;
	}
	return 0;
}

int flexvpn_nl_access_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLEXVPN_ACCESS_A_MAX + 1] = {};
	struct flexvpn_access_cfg cfg = {};
	struct flexvpn_template *tmpl;
	struct net_device *dev;
	struct sk_buff *msg;
	int ret;

	ret = flexvpn_nl_parse_access(info, tb, false, true);
	if (!ret)
		ret = flexvpn_nl_access_precheck(tb, true, info->extack);
	if (ret)
		return ret;
	if (tb[FLEXVPN_ACCESS_A_PEER_ID])
		cfg.peer_id = nla_data(tb[FLEXVPN_ACCESS_A_PEER_ID]);
	if (tb[FLEXVPN_ACCESS_A_OWNER])
		cfg.owner = nla_get_u64(tb[FLEXVPN_ACCESS_A_OWNER]);

	/* allocated first, so a created device is always reported */
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	tmpl = flexvpn_nl_template(info);
	ret = PTR_ERR_OR_ZERO(tmpl);
	if (!ret)
		ret = flexvpn_nl_endpoint(tmpl, tb, NULL, &cfg.key, info->extack);
	if (ret)
		goto err_unlock;
	cfg.shaper = tmpl->shaper.dflt;
	if (tb[FLEXVPN_ACCESS_A_SHAPER])
		ret = flexvpn_nl_parse_shaper(tb[FLEXVPN_ACCESS_A_SHAPER],
					      &cfg.shaper, info->extack);
	if (!ret)
		ret = flexvpn_shaper_check(tmpl, &cfg.shaper,
					   flexvpn_template_mtu(tmpl, cfg.key.family,
								cfg.key.has_key),
					   info->extack);
	if (ret)
		goto err_unlock;

	dev = flexvpn_access_create(tmpl, &cfg, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_unlock;
	}
	ret = flexvpn_nl_fill_access(msg, netdev_priv(dev), info->snd_portid,
				     info->snd_seq, 0, FLEXVPN_CMD_ACCESS_NEW);
	rtnl_unlock();
	if (ret) {
		/* cannot happen with NLMSG_GOODSIZE; the device stays */
		nlmsg_free(msg);
		return 0;
	}
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return ret;
}

static bool flexvpn_nl_filter_match(struct flexvpn_access *va,
				    struct nlattr **tb)
{
	if (tb[FLEXVPN_ACCESS_A_OWNER] &&
	    va->owner != nla_get_u64(tb[FLEXVPN_ACCESS_A_OWNER]))
		return false;
	if (tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX] &&
	    va->tmpl->dev->ifindex !=
	    nla_get_u32(tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX]))
		return false;
	return true;
}

static int flexvpn_nl_access_del_many(struct genl_info *info,
				      struct nlattr **tb)
{
	struct flexvpn_net *fn = flexvpn_net(genl_info_net(info));
	struct flexvpn_template *tmpl;
	struct flexvpn_access *va;
	LIST_HEAD(kill);

	if (!tb[FLEXVPN_ACCESS_A_OWNER] &&
	    !tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(info->extack, "name an access device, or give OWNER and/or TEMPLATE_IFINDEX to delete many");
		return -EINVAL;
	}
	if (tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX]) {
		struct net_device *dev = __dev_get_by_index(fn->net,
			nla_get_u32(tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX]));

		if (!dev || !flexvpn_is_template(dev)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX],
					    "no virtual-template with this ifindex");
			return -ENODEV;
		}
	}

	list_for_each_entry(tmpl, &fn->templates, node) {
		list_for_each_entry(va, &tmpl->access_list, node) {
			if (flexvpn_nl_filter_match(va, tb))
				flexvpn_access_queue_delete(va, &kill);
		}
	}
	/* one batch: one RCU grace period for all of them */
	unregister_netdevice_many(&kill);
	return 0;
}

int flexvpn_nl_access_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLEXVPN_ACCESS_A_MAX + 1] = {};
	struct flexvpn_access *va;
	int ret;

	ret = flexvpn_nl_parse_access(info, tb, true, false);
	if (ret)
		return ret;

	rtnl_lock();
	if (!info->attrs[FLEXVPN_A_IFINDEX] && !info->attrs[FLEXVPN_A_IFNAME]) {
		ret = flexvpn_nl_access_del_many(info, tb);
	} else {
		va = flexvpn_nl_access(info);
		ret = PTR_ERR_OR_ZERO(va);
		if (!ret)
			unregister_netdevice(va->dev);
	}
	rtnl_unlock();
	return ret;
}

int flexvpn_nl_access_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct flexvpn_access *va;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	va = flexvpn_nl_access(info);
	ret = PTR_ERR_OR_ZERO(va);
	if (!ret)
		ret = flexvpn_nl_fill_access(msg, va, info->snd_portid,
					     info->snd_seq, 0,
					     FLEXVPN_CMD_ACCESS_GET);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: how many matching devices earlier parts of the dump sent */
int flexvpn_nl_access_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct nlattr **attrs = flexvpn_compat_dump_attrs(cb);
	struct nlattr *tb[FLEXVPN_ACCESS_A_MAX + 1] = {};
	struct net *net = sock_net(skb->sk);
	struct net_device *dev;
	long idx = 0;
	int ret;

	if (attrs[FLEXVPN_A_ACCESS]) {
		ret = flexvpn_nl_parse_nest(tb, attrs[FLEXVPN_A_ACCESS],
					    flexvpn_access_filter_nl_policy,
					    cb->extack);
		if (ret)
			return ret;
	}

	rtnl_lock();
	for_each_netdev(net, dev) {
		if (!flexvpn_is_access(dev) ||
		    !flexvpn_nl_filter_match(netdev_priv(dev), tb))
			continue;
		if (idx++ < cb->args[0])
			continue;
		if (flexvpn_nl_fill_access(skb, netdev_priv(dev),
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   FLEXVPN_CMD_ACCESS_GET)) {
			idx--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = idx;
	return skb->len;
}

int flexvpn_nl_access_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[FLEXVPN_ACCESS_A_MAX + 1] = {};
	struct flexvpn_shaper_cfg shaper, old_shaper;
	const struct flexvpn_endpoint *ep;
	struct flexvpn_access *va;
	struct flexvpn_ep_key key;
	char *peer_id = NULL;
	int ret;

	ret = flexvpn_nl_parse_access(info, tb, false, true);
	if (!ret)
		ret = flexvpn_nl_access_precheck(tb, false, info->extack);
	if (ret)
		return ret;
	if (tb[FLEXVPN_ACCESS_A_PEER_ID]) {
		peer_id = nla_strdup(tb[FLEXVPN_ACCESS_A_PEER_ID], GFP_KERNEL);
		if (!peer_id)
			return -ENOMEM;
	}

	rtnl_lock();
	va = flexvpn_nl_access(info);
	ret = PTR_ERR_OR_ZERO(va);
	if (ret)
		goto out;
	ep = rtnl_dereference(va->ep);
	ret = flexvpn_nl_endpoint(va->tmpl, tb, &ep->key, &key, info->extack);
	if (ret)
		goto out;
	if (tb[FLEXVPN_ACCESS_A_SHAPER]) {
		old_shaper = va->shaper.cfg;
		if (!va->shaper.on)
			old_shaper.rate = 0;
		shaper = old_shaper;
		ret = flexvpn_nl_parse_shaper(tb[FLEXVPN_ACCESS_A_SHAPER],
					      &shaper, info->extack);
		if (!ret)
			ret = flexvpn_shaper_check(va->tmpl, &shaper,
						   va->dev->mtu, info->extack);
		if (!ret)
			ret = flexvpn_shaper_set(va, &shaper);
		if (ret)
			goto out;
	}
	ret = flexvpn_access_set_endpoint(va, &key, info->extack);
	if (ret) {
		/* back to what it was: cannot fail, the room is there */
		if (tb[FLEXVPN_ACCESS_A_SHAPER])
			flexvpn_shaper_set(va, &old_shaper);
		goto out;
	}

	/* nothing below can fail */
	if (peer_id) {
		kfree(va->peer_id);
		va->peer_id = peer_id;
		peer_id = NULL;
	}
	if (tb[FLEXVPN_ACCESS_A_OWNER])
		va->owner = nla_get_u64(tb[FLEXVPN_ACCESS_A_OWNER]);
out:
	rtnl_unlock();
	kfree(peer_id);
	return ret;
}

/* The generated table (netlink-gen.c) has no flags: 6.12's generator does
 * not render a group's, and events name peers.
 */
static const struct genl_multicast_group flexvpn_nl_family_mcgrps[] = {
	[FLEXVPN_NLGRP_EVENTS] = {
		.name = FLEXVPN_MCGRP_EVENTS,
		/* events name peers: for administrators of the namespace only */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family flexvpn_nl_family __ro_after_init = {
	.name = FLEXVPN_GENL_NAME,
	.version = FLEXVPN_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = flexvpn_nl_ops,
	.n_ops = ARRAY_SIZE(flexvpn_nl_ops),
	/* resv_start_op 0: every operation is checked strictly; unknown
	 * attributes and stray header bits are errors
	 */
	.mcgrps = flexvpn_nl_family_mcgrps,
	.n_mcgrps = ARRAY_SIZE(flexvpn_nl_family_mcgrps),
};

/**
 * flexvpn_nl_init - register the generic-netlink family
 *
 * Return: 0 or a negative errno.
 */
int flexvpn_nl_init(void)
{
	return genl_register_family(&flexvpn_nl_family);
}

/**
 * flexvpn_nl_uninit - unregister the generic-netlink family
 */
void flexvpn_nl_uninit(void)
{
	genl_unregister_family(&flexvpn_nl_family);
}
