// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the receive path. GRE from a known outer address pair (and key)
 * is taken off the stack and handed to that pair's virtual-access device,
 * after checking that it came through IPsec.
 *
 * Why a netfilter hook and not a GRE protocol handler: the kernel's GRE
 * demultiplexer has one owner of GRE version 0, and that is ip_gre. Taking
 * it would break every ip_gre tunnel on the box. A LOCAL_IN hook sees the GRE
 * packet after ESP decapsulation (transport mode re-injects it into the
 * input path), after the INPUT filter rules, and before ip_gre; what it does
 * not claim continues untouched. It is registered only in namespaces that
 * have a virtual-template, and costs other traffic one compare. The NHRP
 * redirect trigger's FORWARD hooks (redirect.c) come and go with it.
 *
 * Besides IPv4 and IPv6, GRE carries NHRP (FLEXVPN_ETH_P_NHRP): it is
 * delivered with that skb->protocol, so an NHRP daemon's AF_PACKET socket
 * bound to the device receives it, under the same IPsec rule as the rest.
 *
 * Decapsulated packets wait in the device's own queue for the device's own
 * NAPI context, which passes them to the stack through GRO (what a TCP
 * receiver through the tunnel needs to keep up). One NAPI per device, as
 * WireGuard has one per peer: per-CPU GRO cells per device (ip_gre) would cost
 * a NAPI context per CPU per device, too much for ten thousand spokes, and one
 * module-wide set of cells (xfrm_input()) keeps packets that point at their
 * device with nothing to flush them when the device goes. Here the device's
 * NAPI is disabled when it stops and deleted when it is unregistered, which
 * frees what GRO still holds, and its queue is purged when it is freed.
 */
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/gre.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/xfrm.h>

#include "compat.h"
#include "flexvpn.h"

/* after the filter, security and SELinux hooks; before conntrack helpers */
#define FLEXVPN_NF_PRIORITY	(NF_IP_PRI_SELINUX_LAST + 1)

/* packets a device's receive queue holds, as netdev_max_backlog's default */
#define FLEXVPN_RXQ_LEN		1000

/*
 * No automatic shrinking: deleting ten thousand spokes in one batch would
 * have the table's worker rehash it again and again during the batch; a hub
 * that had that many spokes will have them again, and the bucket array is
 * a few pages.
 */
const struct rhashtable_params flexvpn_ep_params = {
	.key_len = sizeof(struct flexvpn_ep_key),
	.key_offset = offsetof(struct flexvpn_endpoint, key),
	.head_offset = offsetof(struct flexvpn_endpoint, node),
};

/*
 * Did the packet come out of an SA between exactly its outer addresses?
 * The last SA removed is the one whose endpoints carried it; an SA with
 * another peer (which could put any address inside a tunnel-mode packet)
 * does not count.
 */
static bool flexvpn_rcv_protected(struct sk_buff *skb,
				  const struct flexvpn_ep_key *key)
{
	struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;

	if (!sp || !sp->len)
		return false;
	x = sp->xvec[sp->len - 1];
	if (x->props.family != key->family)
		return false;
	if (key->family == AF_INET)
		return x->props.saddr.a4 == key->remote.s6_addr32[0] &&
		       x->id.daddr.a4 == key->local.s6_addr32[0];
	return ipv6_addr_equal(&x->props.saddr.in6, &key->remote) &&
	       ipv6_addr_equal(&x->id.daddr.in6, &key->local);
}

/* Bytes of the GRE header, or 0 for GRE that is not plain version 0. */
static unsigned int flexvpn_rcv_gre_hlen(__be16 flags)
{
	unsigned int hlen = FLEXVPN_GRE_HLEN;

	if (flags & (GRE_VERSION | GRE_ROUTING))
		return 0;
	if (flags & GRE_CSUM)
		hlen += 4;
	if (flags & GRE_KEY)
		hlen += 4;
	if (flags & GRE_SEQ)
		hlen += 4;
	return hlen;
}

static int flexvpn_rcv_ecn(struct sk_buff *skb, u8 outer_tos)
{
	u8 inner;

	/* NHRP has no ECN field to carry a congestion mark into */
	if (skb->protocol == htons(FLEXVPN_ETH_P_NHRP))
		return 0;
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
			return -EINVAL;
		inner = ipv4_get_dsfield(ip_hdr(skb));
	} else {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			return -EINVAL;
		inner = ipv6_get_dsfield(ipv6_hdr(skb));
	}
	/* 2: CE outside, not-ECT inside: RFC 6040 says drop */
	return INET_ECN_decapsulate(skb, outer_tos, inner) > 1 ? -EINVAL : 0;
}

/**
 * flexvpn_rcv_poll - pass a device's queued packets to the stack
 * @napi: the device's NAPI context
 * @budget: how many packets it may pass
 *
 * Return: the number of packets passed.
 */
int flexvpn_rcv_poll(struct napi_struct *napi, int budget)
{
	struct flexvpn_access *va = container_of(napi, typeof(*va), napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&va->rxq))) {
		napi_gro_receive(napi, skb);
		done++;
	}
	/* a packet queued after the last dequeue finds the context still
	 * scheduled; napi_complete_done() sees that and polls again
	 */
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/* Queue @skb for @va's NAPI context; it is @va's packet from now on. */
static void flexvpn_rcv_queue(struct flexvpn_access *va, struct sk_buff *skb)
{
	struct net_device *dev = va->dev;

	/* a stopped device's context is disabled and would never run; a packet
	 * that slips in while it stops is purged when the device is freed
	 */
	if (unlikely(!netif_running(dev) ||
		     skb_queue_len_lockless(&va->rxq) >= FLEXVPN_RXQ_LEN)) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
		return;
	}
	dev_sw_netstats_rx_add(dev, skb->len);
	skb_queue_tail(&va->rxq, skb);
	napi_schedule(&va->napi);
}

/*
 * Hand the packet to @va: strip the outer headers, and queue it for the stack.
 * Return: the netfilter verdict.
 */
static unsigned int flexvpn_rcv_deliver(struct sk_buff *skb,
					struct flexvpn_access *va,
					unsigned int hlen, __be16 proto,
					u8 outer_tos)
{
	if (proto != htons(ETH_P_IP) && proto != htons(ETH_P_IPV6) &&
	    proto != htons(FLEXVPN_ETH_P_NHRP))
		goto invalid;
	if (iptunnel_pull_header(skb, hlen, proto, false))
		goto invalid;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb->dev = va->dev;
	if (flexvpn_rcv_ecn(skb, outer_tos))
		goto invalid;

	flexvpn_rcv_queue(va, skb);
	return NF_STOLEN;

invalid:
	flexvpn_access_drop(va, FLEXVPN_DROP_RX_INVALID);
	return NF_DROP;
}

/**
 * flexvpn_rcv - claim GRE for an access device, or leave it to the stack
 * @net: the namespace
 * @skb: the packet, data at the outer IP header
 * @key: the outer addresses, filled in; the GRE key is added here
 * @nhoff: offset of the GRE header from skb->data
 * @outer_tos: DS field of the outer header
 *
 * Return: the netfilter verdict: NF_ACCEPT for GRE that is not ours,
 * NF_STOLEN when delivered, NF_DROP when refused (and counted).
 */
static unsigned int flexvpn_rcv(struct net *net, struct sk_buff *skb,
				struct flexvpn_ep_key *key,
				unsigned int nhoff, u8 outer_tos)
{
	struct flexvpn_endpoint *ep;
	struct flexvpn_access *va;
	struct gre_base_hdr *greh;
	unsigned int hlen;

	if (!pskb_may_pull(skb, nhoff + FLEXVPN_GRE_HLEN))
		return NF_ACCEPT;
	greh = (struct gre_base_hdr *)(skb->data + nhoff);
	hlen = flexvpn_rcv_gre_hlen(greh->flags);
	if (!hlen || !pskb_may_pull(skb, nhoff + hlen))
		return NF_ACCEPT;
	greh = (struct gre_base_hdr *)(skb->data + nhoff);
	if (greh->flags & GRE_KEY) {
		key->has_key = 1;
		key->key = *(__be32 *)((u8 *)(greh + 1) +
				       (greh->flags & GRE_CSUM ? 4 : 0));
	}

	/* netfilter hooks run under rcu_read_lock() */
	ep = rhashtable_lookup(&flexvpn_net(net)->endpoints, key,
			       flexvpn_ep_params);
	if (!ep)
		return NF_ACCEPT;
	va = ep->va;

	if (!flexvpn_rcv_protected(skb, key) &&
	    !READ_ONCE(va->tmpl->allow_unprotected)) {
		flexvpn_access_drop(va, FLEXVPN_DROP_RX_UNPROTECTED);
		return NF_DROP;
	}
	/* what ip_local_deliver() would check before handing it to ip_gre */
	if (!xfrm_policy_check(NULL, XFRM_POLICY_IN, skb, key->family)) {
		flexvpn_access_drop(va, FLEXVPN_DROP_RX_POLICY);
		return NF_DROP;
	}
	if ((greh->flags & GRE_CSUM) &&
	    csum_fold(skb_checksum(skb, nhoff, skb->len - nhoff, 0))) {
		flexvpn_access_drop(va, FLEXVPN_DROP_RX_INVALID);
		return NF_DROP;
	}
	return flexvpn_rcv_deliver(skb, va, nhoff + hlen, greh->protocol,
				   outer_tos);
}

static unsigned int flexvpn_rcv_hook4(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flexvpn_ep_key key;

	if (iph->protocol != IPPROTO_GRE)
		return NF_ACCEPT;

	memset(&key, 0, sizeof(key));
	key.family = AF_INET;
	key.local.s6_addr32[0] = iph->daddr;
	key.remote.s6_addr32[0] = iph->saddr;
	return flexvpn_rcv(state->net, skb, &key,
			   skb_network_offset(skb) + ip_hdrlen(skb),
			   ipv4_get_dsfield(iph));
}

/* GRE behind IPv6 extension headers is left to ip6_gre */
static unsigned int flexvpn_rcv_hook6(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct flexvpn_ep_key key;

	if (ip6h->nexthdr != IPPROTO_GRE)
		return NF_ACCEPT;

	memset(&key, 0, sizeof(key));
	key.family = AF_INET6;
	key.local = ip6h->daddr;
	key.remote = ip6h->saddr;
	return flexvpn_rcv(state->net, skb, &key,
			   skb_network_offset(skb) + sizeof(*ip6h),
			   ipv6_get_dsfield(ip6h));
}

static const struct nf_hook_ops flexvpn_nf_ops[] = {
	{
		.hook = flexvpn_rcv_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = FLEXVPN_NF_PRIORITY,
	},
	{
		.hook = flexvpn_rcv_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = FLEXVPN_NF_PRIORITY,
	},
	{
		.hook = flexvpn_redirect_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		/* after the filter: a packet it drops triggers nothing */
		.priority = FLEXVPN_NF_PRIORITY,
	},
	{
		.hook = flexvpn_redirect_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = FLEXVPN_NF_PRIORITY,
	},
};

/**
 * flexvpn_rcv_hooks_get - a template appeared in @fn's namespace
 * @fn: the namespace state
 *
 * Return: 0 or a negative errno. Called under RTNL.
 */
int flexvpn_rcv_hooks_get(struct flexvpn_net *fn)
{
	int ret;

	if (fn->nr_templates++)
		return 0;
	ret = nf_register_net_hooks(fn->net, flexvpn_nf_ops,
				    ARRAY_SIZE(flexvpn_nf_ops));
	if (ret)
		fn->nr_templates--;
	return ret;
}

/**
 * flexvpn_rcv_hooks_put - a template of @fn's namespace went away
 * @fn: the namespace state
 *
 * Called under RTNL.
 */
void flexvpn_rcv_hooks_put(struct flexvpn_net *fn)
{
	if (!--fn->nr_templates)
		nf_unregister_net_hooks(fn->net, flexvpn_nf_ops,
					ARRAY_SIZE(flexvpn_nf_ops));
}
