// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the NHRP redirect trigger. A packet forwarded from one access
 * device to another of the same NHRP network-id is spoke-to-spoke traffic
 * through the hub: the hub's NHRP daemon should tell the source spoke
 * (Traffic Indication) so it can build a shortcut. This file notices such
 * packets and rate-limits the events; netlink.c sends them.
 *
 * Where: a FORWARD netfilter hook, registered with the receive hooks (only
 * in namespaces that have a template). The access device's ndo_start_xmit
 * would see the packet too, but not where it came from: skb->skb_iif names
 * the inside VRF once vrf_ip_rcv() has run, and the IP control block that
 * still holds the real ingress device is overwritten by the core's
 * qdisc_pkt_len_init() before ndo_start_xmit. In the FORWARD hook the
 * control block's iif is intact, with or without a VRF.
 *
 * Cost: a forwarded packet whose output device is not an access device pays
 * one compare; one that leaves by an access device without redirects pays
 * two more loads. Only hairpin candidates look the ingress device up.
 *
 * The limiter: per ingress access device, a fixed table of
 * FLEXVPN_REDIRECT_SLOTS timestamps indexed by a hash of the inner
 * destination. A slot is claimed with one cmpxchg; no lock, no allocation,
 * bounded memory (256 bytes a device). Two destinations that share a slot
 * share one interval: a redirect may be late, never in excess.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "flexvpn.h"

static u32 flexvpn_redirect_seed __read_mostly;

/* The slot of @dst in @va's table: a keyed hash, so a spoke cannot aim. */
static u32 *flexvpn_redirect_slot(struct flexvpn_access *va,
				  const struct in6_addr *dst)
{
	u32 h;

	net_get_random_once(&flexvpn_redirect_seed,
			    sizeof(flexvpn_redirect_seed));
	h = jhash2(dst->s6_addr32, 4, flexvpn_redirect_seed);
	return &va->redirect_last[h & (FLEXVPN_REDIRECT_SLOTS - 1)];
}

/*
 * Whether an event may go now; claims the slot when it may. 0 means never
 * used, so a stamp is never 0. A slot untouched for 2^32 jiffies may hold
 * back one event for one interval: harmless.
 */
static bool flexvpn_redirect_allow(u32 *slot, unsigned long interval)
{
	u32 now = (u32)jiffies ?: 1;
	u32 last = READ_ONCE(*slot);

	if (last && now - last < interval)
		return false;
	/* of CPUs racing for the same slot, one sends */
	return cmpxchg(slot, last, now) == last;
}

/* The ingress ifindex and the inner addresses, from an IPv4/IPv6 packet. */
static void flexvpn_redirect_addrs(struct sk_buff *skb, u8 pf,
				   struct flexvpn_redirect_event *ev)
{
	memset(&ev->src, 0, sizeof(ev->src));
	memset(&ev->dst, 0, sizeof(ev->dst));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		ev->family = AF_INET;
		ev->src.s6_addr32[0] = iph->saddr;
		ev->dst.s6_addr32[0] = iph->daddr;
		ev->iif = IPCB(skb)->iif;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ev->family = AF_INET6;
		ev->src = ip6h->saddr;
		ev->dst = ip6h->daddr;
		ev->iif = IP6CB(skb)->iif;
	}
}

static void flexvpn_redirect_check(struct net *net, struct sk_buff *skb,
				   u8 pf, struct flexvpn_access *out)
{
	struct flexvpn_template *otmpl = out->tmpl, *itmpl;
	struct flexvpn_redirect_event ev;
	struct flexvpn_access *in;
	struct net_device *idev;

	ev.network_id = READ_ONCE(otmpl->nhrp_network_id);
	if (!ev.network_id || !READ_ONCE(otmpl->nhrp_redirect))
		return;
	flexvpn_redirect_addrs(skb, pf, &ev);
	if (ev.iif == out->dev->ifindex)
		return;
	/* hooks run under rcu_read_lock(); ifindexes are per namespace */
	idev = dev_get_by_index_rcu(net, ev.iif);
	if (!idev || !flexvpn_is_access(idev))
		return;
	in = netdev_priv(idev);
	itmpl = in->tmpl;
	if (READ_ONCE(itmpl->nhrp_network_id) != ev.network_id ||
	    !READ_ONCE(itmpl->nhrp_redirect))
		return;
	/* nobody to tell: keep the slot for when somebody listens */
	if (!flexvpn_nl_redirect_wanted(net))
		return;
	if (!flexvpn_redirect_allow(flexvpn_redirect_slot(in, &ev.dst),
		msecs_to_jiffies(READ_ONCE(itmpl->nhrp_redirect_interval))))
		return;
	ev.oif = out->dev->ifindex;
	flexvpn_nl_notify_redirect(net, &ev, skb);
}

/**
 * flexvpn_redirect_hook - FORWARD hook: trigger NHRP redirects
 * @priv: unused
 * @skb: the forwarded packet, data at its IP header
 * @state: the hook's state; @state->out is the output device
 *
 * Never changes the packet's fate.
 *
 * Return: NF_ACCEPT.
 */
unsigned int flexvpn_redirect_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct net_device *out = state->out;

	if (out && flexvpn_is_access(out))
		flexvpn_redirect_check(state->net, skb, state->pf,
				       netdev_priv(out));
	return NF_ACCEPT;
}
