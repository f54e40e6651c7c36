// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the transmit path of a virtual-access device. An inner IPv4 or
 * IPv6 packet gets a GRE header and an outer IP header and leaves through
 * the normal output path, where the XFRM policies of the IKE daemon (ESP in
 * transport mode between the two outer addresses) encrypt it. NHRP that an
 * AF_PACKET socket sends on the device (protocol FLEXVPN_ETH_P_NHRP) goes
 * the same way as GRE protocol type 0x2001.
 *
 * No lock is taken: the endpoint is read under the RCU-bh section the core
 * holds around ndo_start_xmit, and the outer route (usually an XFRM bundle)
 * comes from a per-CPU cache that is checked for staleness on every use.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dst_cache.h>
#include <net/dst_metadata.h>
#include <net/gre.h>
#include <net/icmp.h>
#include <net/ip6_route.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/route.h>

#include "compat.h"
#include "flexvpn.h"

static void flexvpn_xmit_drop(struct flexvpn_access *va, struct sk_buff *skb,
			      enum flexvpn_drop why)
{
	flexvpn_access_drop(va, why);
	kfree_skb(skb);
}

/* The inner packet's protocol, if it is one we carry and it looks like it. */
static __be16 flexvpn_inner_proto(struct sk_buff *skb)
{
	/* no link-layer header on this device: the packet starts at IP */
	skb_reset_network_header(skb);

	switch (skb->protocol) {
	case htons(FLEXVPN_ETH_P_NHRP):
		/* the daemon's business what is inside */
		return skb->len ? skb->protocol : 0;
	case htons(ETH_P_IP):
		if (pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		    ip_hdr(skb)->version == 4)
			return skb->protocol;
		break;
	case htons(ETH_P_IPV6):
		if (pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		    ipv6_hdr(skb)->version == 6)
			return skb->protocol;
		break;
	}
	return 0;
}

/**
 * flexvpn_xmit_too_big - path MTU discovery for the inner packet
 * @skb: the inner packet
 * @proto: its protocol
 * @mtu: room left for it on the path, after the outer IP and GRE headers
 *	(and, when the route is an XFRM bundle, after ESP)
 * @df: the outer header will forbid fragmentation
 *
 * Answers the sender with ICMP "fragmentation needed" or ICMPv6 "packet too
 * big" when the packet cannot go as it is.
 *
 * Return: true when the packet must be dropped.
 */
static bool flexvpn_xmit_too_big(struct sk_buff *skb, __be16 proto, int mtu,
				 __be16 df)
{
	bool fits;

	if (skb_is_gso(skb))
		fits = skb_gso_validate_network_len(skb, mtu);
	else
		fits = skb->len <= mtu;
	if (fits || !df)
		return false;

	if (skb_valid_dst(skb) && mtu < dst_mtu(skb_dst(skb)))
		skb_dst_update_pmtu_no_confirm(skb, mtu);

	if (proto == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	return true;
}

/*
 * IPv4 inner packets keep their DF bit outside, so PMTU discovery works end
 * to end and the others may be fragmented on the way. IPv6 forbids
 * fragmentation on the path, unless the path is below the IPv6 minimum MTU,
 * where only outer fragmentation can carry the packet.
 */
static __be16 flexvpn_xmit_df(struct sk_buff *skb, __be16 proto, int mtu)
{
	if (proto == htons(ETH_P_IP))
		return ip_hdr(skb)->frag_off & htons(IP_DF);
	return mtu >= IPV6_MIN_MTU ? htons(IP_DF) : 0;
}

/* The outer header copies the inner DSCP (as Cisco's GRE does) and ECN. */
static u8 flexvpn_xmit_tos(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	return ip_tunnel_ecn_encap(ip_tunnel_get_dsfield(iph, skb), iph, skb);
}

static unsigned int flexvpn_gre_hlen(const struct flexvpn_endpoint *ep)
{
	return ep->key.has_key ? FLEXVPN_GRE_KEY_HLEN : FLEXVPN_GRE_HLEN;
}

/* Make room, tell GSO what it carries, and put the GRE header on. */
static int flexvpn_xmit_push_gre(struct sk_buff *skb,
				 const struct flexvpn_endpoint *ep,
				 __be16 proto, unsigned int headroom)
{
	unsigned int hlen = flexvpn_gre_hlen(ep);
	struct gre_base_hdr *greh;

	if (skb_cow_head(skb, headroom + hlen))
		return -ENOMEM;
	if (iptunnel_handle_offloads(skb, SKB_GSO_GRE))
		return -ENOMEM;

	skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	skb_set_inner_protocol(skb, proto);
	greh = (struct gre_base_hdr *)skb->data;
	greh->flags = ep->key.has_key ? GRE_KEY : 0;
	greh->protocol = proto;
	if (ep->key.has_key)
		*(__be32 *)(greh + 1) = ep->key.key;
	return 0;
}

/*
 * What IPv4 and IPv6 outer headers share once the route is known: the loop
 * check, path MTU discovery and the GRE header.
 * Return: FLEXVPN_DROP_MAX when the packet can go, else why it cannot.
 */
static enum flexvpn_drop flexvpn_xmit_encap(struct sk_buff *skb,
					    const struct flexvpn_access *va,
					    const struct flexvpn_endpoint *ep,
					    __be16 proto,
					    const struct dst_entry *dst,
					    unsigned int iphlen,
					    __be16 *df, u8 *tos)
{
	int mtu;

	/* the way to the peer leads into this tunnel */
	if (unlikely(dst->dev == va->dev))
		return FLEXVPN_DROP_TX_INVALID;

	if (proto == htons(FLEXVPN_ETH_P_NHRP)) {
		/* not IP: nobody to send ICMP to, no DS field to copy; the
		 * outer packet may be fragmented rather than lost
		 */
		*df = 0;
		*tos = 0;
	} else {
		mtu = dst_mtu(dst) - iphlen - flexvpn_gre_hlen(ep);
		*df = flexvpn_xmit_df(skb, proto, mtu);
		if (flexvpn_xmit_too_big(skb, proto, mtu, *df))
			return FLEXVPN_DROP_TX_TOO_BIG;
		*tos = flexvpn_xmit_tos(skb);
	}
	if (flexvpn_xmit_push_gre(skb, ep, proto, LL_RESERVED_SPACE(dst->dev) +
				  dst->header_len + iphlen))
		return FLEXVPN_DROP_TX_INVALID;
	return FLEXVPN_DROP_MAX;
}

static struct rtable *flexvpn_route4(struct net *net,
				     struct flexvpn_endpoint *ep,
				     __be32 *saddr)
{
	struct flowi4 fl4;
	struct rtable *rt;

	rt = dst_cache_get_ip4(&ep->dst_cache, saddr);
	if (rt)
		return rt;

	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = ep->key.remote.s6_addr32[0];
	fl4.saddr = ep->key.local.s6_addr32[0];
	fl4.flowi4_oif = ep->underlay_ifindex;
	fl4.flowi4_proto = IPPROTO_GRE;
	fl4.fl4_gre_key = ep->key.key;
	/* with a protocol set, this also resolves the XFRM bundle */
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return rt;
	*saddr = fl4.saddr;
	dst_cache_set_ip4(&ep->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

/*
 * GRE leaves through an IPsec SA bundle, or (if the template allows
 * unprotected GRE) not at all. Without an XFRM policy for it, the route
 * lookup hands back a plain route: that happens for a moment when the IKE
 * daemon moves a peer to new addresses (the device's endpoint changes
 * before the new policy is in) or after the policy went and the device
 * stayed, and the inner traffic would go out in the clear.
 */
static bool flexvpn_xmit_protected(const struct flexvpn_access *va,
				   const struct dst_entry *dst)
{
	return dst->xfrm || READ_ONCE(va->tmpl->allow_unprotected);
}

static void flexvpn_xmit4(struct sk_buff *skb, struct flexvpn_access *va,
			  struct flexvpn_endpoint *ep, __be16 proto)
{
	enum flexvpn_drop why;
	struct rtable *rt;
	__be32 saddr;
	__be16 df;
	u8 tos;

	rt = flexvpn_route4(dev_net(va->dev), ep, &saddr);
	if (IS_ERR(rt)) {
		flexvpn_xmit_drop(va, skb, FLEXVPN_DROP_TX_NO_ROUTE);
		return;
	}
	if (!flexvpn_xmit_protected(va, &rt->dst)) {
		ip_rt_put(rt);
		flexvpn_xmit_drop(va, skb, FLEXVPN_DROP_TX_UNPROTECTED);
		return;
	}
	why = flexvpn_xmit_encap(skb, va, ep, proto, &rt->dst,
				 sizeof(struct iphdr), &df, &tos);
	if (why != FLEXVPN_DROP_MAX) {
		ip_rt_put(rt);
		flexvpn_xmit_drop(va, skb, why);
		return;
	}
	iptunnel_xmit(NULL, rt, skb, saddr, ep->key.remote.s6_addr32[0],
		      IPPROTO_GRE, tos, ip4_dst_hoplimit(&rt->dst), df, false);
}

static struct dst_entry *flexvpn_route6(struct net *net,
					struct flexvpn_endpoint *ep,
					struct in6_addr *saddr)
{
	struct dst_entry *dst;
	struct flowi6 fl6;

	dst = dst_cache_get_ip6(&ep->dst_cache, saddr);
	if (dst)
		return dst;

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = ep->key.remote;
	fl6.saddr = ep->key.local;
	fl6.flowi6_oif = ep->underlay_ifindex;
	fl6.flowi6_proto = IPPROTO_GRE;
	fl6.fl6_gre_key = ep->key.key;
	dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	*saddr = fl6.saddr;
	dst_cache_set_ip6(&ep->dst_cache, dst, &fl6.saddr);
	return dst;
}

static void flexvpn_xmit6(struct sk_buff *skb, struct flexvpn_access *va,
			  struct flexvpn_endpoint *ep, __be16 proto)
{
	/* the inner flow picks the outer flow label, for ECMP on the way */
	__be32 label = htonl(skb_get_hash(skb)) & IPV6_FLOWLABEL_MASK;
	struct net_device *dev = va->dev;
	enum flexvpn_drop why;
	struct in6_addr saddr;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	__be16 df;
	u8 tclass;

	dst = flexvpn_route6(dev_net(dev), ep, &saddr);
	if (IS_ERR(dst)) {
		flexvpn_xmit_drop(va, skb, FLEXVPN_DROP_TX_NO_ROUTE);
		return;
	}
	if (!flexvpn_xmit_protected(va, dst)) {
		dst_release(dst);
		flexvpn_xmit_drop(va, skb, FLEXVPN_DROP_TX_UNPROTECTED);
		return;
	}
	why = flexvpn_xmit_encap(skb, va, ep, proto, dst,
				 sizeof(struct ipv6hdr), &df, &tclass);
	if (why != FLEXVPN_DROP_MAX) {
		dst_release(dst);
		flexvpn_xmit_drop(va, skb, why);
		return;
	}
	/* IPv6 fragments at the source only: let it, when it must */
	skb->ignore_df = !df;

	skb_scrub_packet(skb, false);
	skb_clear_hash_if_not_l4(skb);
	skb_dst_set(skb, dst);
	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, tclass, label);
	ip6h->nexthdr = IPPROTO_GRE;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = saddr;
	ip6h->daddr = ep->key.remote;
	skb->protocol = htons(ETH_P_IPV6);
	ip6tunnel_xmit(NULL, skb, dev);
}

/**
 * flexvpn_xmit - ndo_start_xmit of a virtual-access device
 * @skb: the inner packet
 * @dev: the device
 *
 * Return: always NETDEV_TX_OK; a packet that cannot go is dropped and
 * counted by reason.
 */
/**
 * flexvpn_xmit_one - encapsulate and send one packet, now
 * @va: the device
 * @skb: the inner packet; consumed
 *
 * The shaper calls this for packets whose time has come. BHs off, under
 * RCU.
 */
void flexvpn_xmit_one(struct flexvpn_access *va, struct sk_buff *skb)
{
	struct flexvpn_endpoint *ep;
	__be16 proto;

	proto = flexvpn_inner_proto(skb);
	ep = rcu_dereference_bh(va->ep);
	if (unlikely(!proto || !ep)) {
		flexvpn_xmit_drop(va, skb, FLEXVPN_DROP_TX_INVALID);
		return;
	}

	if (ep->key.family == AF_INET)
		flexvpn_xmit4(skb, va, ep, proto);
	else
		flexvpn_xmit6(skb, va, ep, proto);
}

netdev_tx_t flexvpn_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct flexvpn_access *va = netdev_priv(dev);

	if (READ_ONCE(va->shaper.on))
		return flexvpn_shaper_xmit(va, skb);
	flexvpn_xmit_one(va, skb);
	return NETDEV_TX_OK;
}
