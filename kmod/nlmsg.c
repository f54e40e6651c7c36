// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: what a virtual-template and a virtual-access device look like as
 * netlink attributes (enum flexvpn_template_attr, enum flexvpn_access_attr),
 * and how much room that takes. Two views share this code: the generic
 * netlink family's replies and events (netlink.c) carry everything; the
 * link kinds' IFLA_INFO_DATA (`ip -d link show`, template.c and access.c)
 * carries the settings and the state, but not the device's own ifindex and
 * name, which the link message has, nor the peer's identity and counters
 * (uapi/linux/flexvpn.h says why).
 *
 * Filling runs under RTNL; the size functions may also run under RCU alone
 * (rtnetlink sizes its dump buffers so, in rtnl_calcit()), so they read
 * nothing a concurrent change could free and only upper bounds.
 */
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/netlink.h>

#include "flexvpn.h"

static size_t flexvpn_nlmsg_stats_size(void)
{
	/* every attribute but the padding */
	return nla_total_size(0) +
	       (FLEXVPN_STATS_A_MAX - 1) * nla_total_size_64bit(sizeof(u64));
}

static size_t flexvpn_nlmsg_shaper_stats_size(void)
{
	return nla_total_size(0) +
	       (FLEXVPN_SHAPER_STATS_A_MAX - 1) *
	       nla_total_size_64bit(sizeof(u64));
}

static size_t flexvpn_nlmsg_shaper_cfg_size(void)
{
	return nla_total_size(0) +
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* rate, ceil */
	       2 * nla_total_size(sizeof(u32)) +	/* burst, qlen */
	       nla_total_size(FLEXVPN_GROUP_MAXLEN + 1);
}

static int flexvpn_nlmsg_put_stats(struct sk_buff *skb,
				   struct flexvpn_access *va)
{
	struct rtnl_link_stats64 s = {};
	struct nlattr *nest;
	static const struct {
		int attr;
		enum flexvpn_drop why;
	} drops[] = {
		{ FLEXVPN_STATS_A_RX_UNPROTECTED, FLEXVPN_DROP_RX_UNPROTECTED },
		{ FLEXVPN_STATS_A_RX_POLICY, FLEXVPN_DROP_RX_POLICY },
		{ FLEXVPN_STATS_A_RX_INVALID, FLEXVPN_DROP_RX_INVALID },
		{ FLEXVPN_STATS_A_TX_NO_ROUTE, FLEXVPN_DROP_TX_NO_ROUTE },
		{ FLEXVPN_STATS_A_TX_TOO_BIG, FLEXVPN_DROP_TX_TOO_BIG },
		{ FLEXVPN_STATS_A_TX_INVALID, FLEXVPN_DROP_TX_INVALID },
		{ FLEXVPN_STATS_A_TX_UNPROTECTED, FLEXVPN_DROP_TX_UNPROTECTED },
	};
	int i;

	dev_fetch_sw_netstats(&s, va->dev->tstats);
	nest = nla_nest_start(skb, FLEXVPN_ACCESS_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, FLEXVPN_STATS_A_RX_PACKETS, s.rx_packets,
			      FLEXVPN_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, FLEXVPN_STATS_A_RX_BYTES, s.rx_bytes,
			      FLEXVPN_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, FLEXVPN_STATS_A_TX_PACKETS, s.tx_packets,
			      FLEXVPN_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, FLEXVPN_STATS_A_TX_BYTES, s.tx_bytes,
			      FLEXVPN_STATS_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(drops); i++) {
		if (nla_put_u64_64bit(skb, drops[i].attr,
				      atomic_long_read(&va->drops[drops[i].why]),
				      FLEXVPN_STATS_A_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int flexvpn_nlmsg_put_shaper_stats(struct sk_buff *skb, int attr,
					  const struct flexvpn_shaper_counters *c,
					  u64 backlog_pkts, u64 backlog_bytes,
					  u64 rate_now)
{
	const struct {
		int attr;
		u64 val;
	} v[] = {
		{ FLEXVPN_SHAPER_STATS_A_PACKETS, c->packets },
		{ FLEXVPN_SHAPER_STATS_A_BYTES, c->bytes },
		{ FLEXVPN_SHAPER_STATS_A_DROPPED, c->dropped },
		{ FLEXVPN_SHAPER_STATS_A_OVERLIMITS, c->overlimits },
		{ FLEXVPN_SHAPER_STATS_A_BACKLOG_PACKETS, backlog_pkts },
		{ FLEXVPN_SHAPER_STATS_A_BACKLOG_BYTES, backlog_bytes },
		{ FLEXVPN_SHAPER_STATS_A_BORROWED, c->borrowed },
		{ FLEXVPN_SHAPER_STATS_A_RATE_NOW, rate_now },
		{ FLEXVPN_SHAPER_STATS_A_STALLED_NS, c->stalled_ns },
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (nla_put_u64_64bit(skb, v[i].attr, v[i].val,
				      FLEXVPN_SHAPER_STATS_A_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static void flexvpn_nlmsg_add_counters(struct flexvpn_shaper_counters *sum,
				       const struct flexvpn_shaper_counters *c)
{
	sum->packets += c->packets;
	sum->bytes += c->bytes;
	sum->dropped += c->dropped;
	sum->overlimits += c->overlimits;
	sum->borrowed += c->borrowed;
	sum->stalled_ns += c->stalled_ns;
}

static int flexvpn_nlmsg_put_shaper_cfg(struct sk_buff *skb, int attr,
					const struct flexvpn_shaper_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest ||
	    nla_put_u64_64bit(skb, FLEXVPN_SHAPER_A_RATE, cfg->rate,
			      FLEXVPN_SHAPER_A_PAD) ||
	    nla_put_u64_64bit(skb, FLEXVPN_SHAPER_A_CEIL, cfg->ceil,
			      FLEXVPN_SHAPER_A_PAD) ||
	    nla_put_u32(skb, FLEXVPN_SHAPER_A_BURST, cfg->burst) ||
	    nla_put_u32(skb, FLEXVPN_SHAPER_A_QLEN, cfg->qlen) ||
	    nla_put_string(skb, FLEXVPN_SHAPER_A_GROUP, cfg->group))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A shaped device's settings as they apply (automatic values resolved),
 * and in a reply its counters.
 */
static int flexvpn_nlmsg_put_access_shaper(struct sk_buff *skb,
					   struct flexvpn_access *va,
					   enum flexvpn_nlmsg_view view)
{
	struct flexvpn_shaper *s = &va->shaper;
	struct flexvpn_shaper_counters c;
	struct flexvpn_shaper_cfg cfg;
	u64 bp, bb;

	if (!s->on) {
		/* "not shaped" is said, not left out */
		memset(&cfg, 0, sizeof(cfg));
		return flexvpn_nlmsg_put_shaper_cfg(skb, FLEXVPN_ACCESS_A_SHAPER,
						    &cfg);
	}
	cfg = s->cfg;
	cfg.rate = s->rate * 8;
	cfg.ceil = s->ceil * 8;
	cfg.burst = s->burst;
	cfg.qlen = s->qlen;
	if (flexvpn_nlmsg_put_shaper_cfg(skb, FLEXVPN_ACCESS_A_SHAPER, &cfg))
		return -EMSGSIZE;
	if (view != FLEXVPN_NLMSG_REPLY)
		return 0;
	flexvpn_shaper_read(s, &c, &bp, &bb);
	return flexvpn_nlmsg_put_shaper_stats(skb, FLEXVPN_ACCESS_A_SHAPER_STATS,
					      &c, bp, bb,
					      READ_ONCE(s->allowed) * 8);
}

/* What a parent level's counters say: sums over its shaped devices. */
struct flexvpn_nlmsg_shaper_sum {
	struct flexvpn_shaper_counters c;
	u64 backlog_pkts;
	u64 backlog_bytes;
	u64 rate_now;		/* bytes/s */
};

/* Adds up @tmpl's shaped devices, those of group @g only unless @all. */
static void flexvpn_nlmsg_sum_shapers(struct flexvpn_template *tmpl,
				      const struct flexvpn_group *g, bool all,
				      struct flexvpn_nlmsg_shaper_sum *sum)
{
	struct flexvpn_shaper_counters c;
	struct flexvpn_access *va;
	u64 p, b;

	list_for_each_entry(va, &tmpl->access_list, node) {
		if (!va->shaper.on || (!all && va->shaper.group != g))
			continue;
		flexvpn_shaper_read(&va->shaper, &c, &p, &b);
		flexvpn_nlmsg_add_counters(&sum->c, &c);
		sum->backlog_pkts += p;
		sum->backlog_bytes += b;
		sum->rate_now += READ_ONCE(va->shaper.allowed);
	}
}

static size_t flexvpn_nlmsg_group_size(enum flexvpn_nlmsg_view view)
{
	return nla_total_size(0) +
	       nla_total_size(FLEXVPN_GROUP_MAXLEN + 1) +
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* rate, ceil */
	       nla_total_size(sizeof(u32)) +		/* members */
	       (view == FLEXVPN_NLMSG_REPLY ?
		flexvpn_nlmsg_shaper_stats_size() : 0);
}

static int flexvpn_nlmsg_put_group(struct sk_buff *skb,
				   struct flexvpn_template *tmpl,
				   struct flexvpn_group *g,
				   enum flexvpn_nlmsg_view view)
{
	struct flexvpn_nlmsg_shaper_sum sum = { .c = g->gone };
	struct nlattr *nest;

	nest = nla_nest_start(skb, FLEXVPN_TMPL_A_SHAPER_GROUP);
	if (!nest ||
	    nla_put_string(skb, FLEXVPN_GROUP_A_NAME, g->name) ||
	    nla_put_u64_64bit(skb, FLEXVPN_GROUP_A_RATE, g->rate * 8,
			      FLEXVPN_GROUP_A_PAD) ||
	    nla_put_u64_64bit(skb, FLEXVPN_GROUP_A_CEIL, g->ceil * 8,
			      FLEXVPN_GROUP_A_PAD) ||
	    nla_put_u32(skb, FLEXVPN_GROUP_A_MEMBERS, g->members))
		return -EMSGSIZE;
	if (view == FLEXVPN_NLMSG_REPLY) {
		flexvpn_nlmsg_sum_shapers(tmpl, g, false, &sum);
		if (flexvpn_nlmsg_put_shaper_stats(skb, FLEXVPN_GROUP_A_STATS,
						   &sum.c, sum.backlog_pkts,
						   sum.backlog_bytes,
						   min(sum.rate_now, g->ceil) * 8))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The parent level's and each group's settings, and in a reply their
 * counters.
 */
static int flexvpn_nlmsg_put_template_shaper(struct sk_buff *skb,
					     struct flexvpn_template *tmpl,
					     enum flexvpn_nlmsg_view view)
{
	struct flexvpn_shaper_root *root = &tmpl->shaper;
	struct flexvpn_nlmsg_shaper_sum sum = { .c = root->gone };
	struct flexvpn_group *g;

	if (nla_put_u64_64bit(skb, FLEXVPN_TMPL_A_SHAPER_RATE, root->rate * 8,
			      FLEXVPN_TMPL_A_PAD) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_SHAPER_OVERHEAD, root->overhead) ||
	    flexvpn_nlmsg_put_shaper_cfg(skb, FLEXVPN_TMPL_A_SHAPER,
					 &root->dflt))
		return -EMSGSIZE;
	if (view == FLEXVPN_NLMSG_REPLY) {
		flexvpn_nlmsg_sum_shapers(tmpl, NULL, true, &sum);
		if (root->rate)
			sum.rate_now = min(sum.rate_now, root->rate);
		if (flexvpn_nlmsg_put_shaper_stats(skb,
						   FLEXVPN_TMPL_A_SHAPER_STATS,
						   &sum.c, sum.backlog_pkts,
						   sum.backlog_bytes,
						   sum.rate_now * 8))
			return -EMSGSIZE;
	}
	list_for_each_entry(g, &root->groups, node) {
		if (flexvpn_nlmsg_put_group(skb, tmpl, g, view))
			return -EMSGSIZE;
	}
	return 0;
}

/**
 * flexvpn_nlmsg_put_addr_pair - two addresses of one family (IPv4 in the
 *	first 4 bytes), as the attributes of that family
 * @skb: the message
 * @family: AF_INET or AF_INET6
 * @a: the first address, as @attr4[0] or @attr6[0]
 * @b: the second, as @attr4[1] or @attr6[1]
 * @attr4: the IPv4 attribute types
 * @attr6: the IPv6 attribute types
 *
 * Return: 0 or -EMSGSIZE.
 */
int flexvpn_nlmsg_put_addr_pair(struct sk_buff *skb, u16 family,
				const struct in6_addr *a,
				const struct in6_addr *b,
				const int attr4[2], const int attr6[2])
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, attr4[0], a->s6_addr32[0]) ||
		       nla_put_in_addr(skb, attr4[1], b->s6_addr32[0]);
	return nla_put_in6_addr(skb, attr6[0], a) ||
	       nla_put_in6_addr(skb, attr6[1], b);
}

static int flexvpn_nlmsg_put_addrs(struct sk_buff *skb,
				   const struct flexvpn_ep_key *key)
{
	static const int a4[2] = { FLEXVPN_ACCESS_A_LOCAL_IPV4,
				   FLEXVPN_ACCESS_A_REMOTE_IPV4 };
	static const int a6[2] = { FLEXVPN_ACCESS_A_LOCAL_IPV6,
				   FLEXVPN_ACCESS_A_REMOTE_IPV6 };

	return flexvpn_nlmsg_put_addr_pair(skb, key->family, &key->local,
					   &key->remote, a4, a6);
}

/**
 * flexvpn_nlmsg_access_size - room flexvpn_nlmsg_put_access() needs
 * @va: the device
 * @view: which attributes
 *
 * Return: an upper bound, whatever the device's peer identity and
 * endpoint; safe under RCU alone.
 */
size_t flexvpn_nlmsg_access_size(const struct flexvpn_access *va,
				 enum flexvpn_nlmsg_view view)
{
	size_t size;

	size = nla_total_size(sizeof(u32)) +		/* template ifindex */
	       nla_total_size(IFNAMSIZ) +		/* template name */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       nla_total_size(sizeof(u32)) +		/* key */
	       nla_total_size_64bit(sizeof(u64)) +	/* owner */
	       flexvpn_nlmsg_shaper_cfg_size();
	if (view == FLEXVPN_NLMSG_REPLY)
		size += nla_total_size(sizeof(u32)) +	/* ifindex */
			nla_total_size(IFNAMSIZ) +
			nla_total_size(FLEXVPN_PEER_ID_MAXLEN + 1) +
			flexvpn_nlmsg_stats_size() +
			flexvpn_nlmsg_shaper_stats_size();
	return size;
}

/**
 * flexvpn_nlmsg_put_access - an access device's attributes
 * @skb: the message, positioned inside the nest that holds them
 * @va: the device, between its ndo_init and ndo_uninit (the core builds
 *	RTM_DELLINK before ndo_uninit)
 * @view: a reply (everything) or IFLA_INFO_DATA
 *
 * Return: 0 or -EMSGSIZE. Called under RTNL.
 */
int flexvpn_nlmsg_put_access(struct sk_buff *skb, struct flexvpn_access *va,
			     enum flexvpn_nlmsg_view view)
{
	const struct flexvpn_endpoint *ep = rtnl_dereference(va->ep);
	bool reply = view == FLEXVPN_NLMSG_REPLY;

	if ((reply &&
	     (nla_put_u32(skb, FLEXVPN_ACCESS_A_IFINDEX, va->dev->ifindex) ||
	      nla_put_string(skb, FLEXVPN_ACCESS_A_IFNAME, va->dev->name))) ||
	    nla_put_u32(skb, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX,
			va->tmpl->dev->ifindex) ||
	    nla_put_string(skb, FLEXVPN_ACCESS_A_TEMPLATE_IFNAME,
			   va->tmpl->dev->name) ||
	    flexvpn_nlmsg_put_addrs(skb, &ep->key) ||
	    (ep->key.has_key &&
	     nla_put_u32(skb, FLEXVPN_ACCESS_A_GRE_KEY, ntohl(ep->key.key))) ||
	    /* see the uapi: link info goes to every reader and listener */
	    (reply && va->peer_id &&
	     nla_put_string(skb, FLEXVPN_ACCESS_A_PEER_ID, va->peer_id)) ||
	    nla_put_u64_64bit(skb, FLEXVPN_ACCESS_A_OWNER, va->owner,
			      FLEXVPN_ACCESS_A_PAD) ||
	    (reply && flexvpn_nlmsg_put_stats(skb, va)) ||
	    flexvpn_nlmsg_put_access_shaper(skb, va, view))
		return -EMSGSIZE;
	return 0;
}

/**
 * flexvpn_nlmsg_template_size - room flexvpn_nlmsg_put_template() needs
 * @tmpl: the template
 * @view: which attributes
 *
 * Return: the size for the template's groups now, which is exact under
 * RTNL; under RCU alone a group added meanwhile is not counted.
 */
size_t flexvpn_nlmsg_template_size(const struct flexvpn_template *tmpl,
				   enum flexvpn_nlmsg_view view)
{
	size_t size;

	/* mtu, its effective value, underlay, source, key, network-id,
	 * redirect interval, access count, ESP overhead
	 */
	size = 9 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(struct in_addr)) +
	       nla_total_size(sizeof(struct in6_addr)) +
	       3 * nla_total_size(sizeof(u8)) +	/* key mode, redirect,
						 * unprotected
						 */
	       nla_total_size(FLEXVPN_PREFIX_MAXLEN + 1) +
	       nla_total_size_64bit(sizeof(u64)) +	/* parent rate */
	       flexvpn_nlmsg_shaper_cfg_size() +
	       READ_ONCE(tmpl->shaper.nr_groups) *
	       flexvpn_nlmsg_group_size(view);
	if (view == FLEXVPN_NLMSG_REPLY)
		size += nla_total_size(sizeof(u32)) +	/* ifindex */
			nla_total_size(IFNAMSIZ) +
			flexvpn_nlmsg_shaper_stats_size();
	return size;
}

/**
 * flexvpn_nlmsg_put_template - a template's attributes
 * @skb: the message, positioned inside the nest that holds them
 * @tmpl: the template
 * @view: a reply (everything) or IFLA_INFO_DATA
 *
 * The shaper groups are followed by FLEXVPN_TMPL_A_NAME_PREFIX and
 * FLEXVPN_TMPL_A_ACCESS_COUNT, as the uapi promises for IFLA_INFO_DATA.
 *
 * Return: 0 or -EMSGSIZE. Called under RTNL.
 */
int flexvpn_nlmsg_put_template(struct sk_buff *skb,
			       struct flexvpn_template *tmpl,
			       enum flexvpn_nlmsg_view view)
{
	struct net_device *dev = tmpl->dev;

	if ((view == FLEXVPN_NLMSG_REPLY &&
	     (nla_put_u32(skb, FLEXVPN_TMPL_A_IFINDEX, dev->ifindex) ||
	      nla_put_string(skb, FLEXVPN_TMPL_A_IFNAME, dev->name))) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_MTU, tmpl->mtu) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_MTU_EFFECTIVE, dev->mtu) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX,
			tmpl->underlay_ifindex) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_SOURCE_IFINDEX,
			tmpl->source_ifindex) ||
	    (tmpl->local4 &&
	     nla_put_in_addr(skb, FLEXVPN_TMPL_A_LOCAL_IPV4, tmpl->local4)) ||
	    (!ipv6_addr_any(&tmpl->local6) &&
	     nla_put_in6_addr(skb, FLEXVPN_TMPL_A_LOCAL_IPV6, &tmpl->local6)) ||
	    nla_put_u8(skb, FLEXVPN_TMPL_A_GRE_KEY_MODE, tmpl->key_mode) ||
	    (tmpl->key_mode == FLEXVPN_KEY_FIXED &&
	     nla_put_u32(skb, FLEXVPN_TMPL_A_GRE_KEY, ntohl(tmpl->key))) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_NHRP_NETWORK_ID,
			READ_ONCE(tmpl->nhrp_network_id)) ||
	    nla_put_u8(skb, FLEXVPN_TMPL_A_NHRP_REDIRECT,
		       READ_ONCE(tmpl->nhrp_redirect)) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,
			READ_ONCE(tmpl->nhrp_redirect_interval)) ||
	    nla_put_u8(skb, FLEXVPN_TMPL_A_ALLOW_UNPROTECTED,
		       READ_ONCE(tmpl->allow_unprotected)) ||
	    flexvpn_nlmsg_put_template_shaper(skb, tmpl, view) ||
	    nla_put_string(skb, FLEXVPN_TMPL_A_NAME_PREFIX, tmpl->prefix) ||
	    nla_put_u32(skb, FLEXVPN_TMPL_A_ACCESS_COUNT, tmpl->nr_access))
		return -EMSGSIZE;
	return 0;
}
