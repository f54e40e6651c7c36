/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flexvpn: objects shared by the module's files: the per-namespace state,
 * virtual-template and virtual-access private data, and the outer endpoint
 * that the receive table and the transmit path look at.
 *
 * Locking, in one place:
 *  - every configuration change runs under RTNL (netlink ops take it, link
 *    ops are called with it); lists, counters and settings marked "RTNL"
 *    are only touched there;
 *  - the data path never takes a lock: it reads the endpoint through RCU
 *    and the live template settings with READ_ONCE.
 */
#ifndef _FLEXVPN_H
#define _FLEXVPN_H

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <net/dst_cache.h>
#include <linux/flexvpn.h>

/*
 * Room kept for ESP when the MTU is derived automatically: the worst case of
 * the common suites (AES-CBC with a 16-byte IV, up to 15 bytes of padding,
 * HMAC-SHA-256-128: 8 + 16 + 15 + 2 + 16 = 57), which also covers AES-GCM.
 */
#define FLEXVPN_ESP_RESERVE	58
#define FLEXVPN_GRE_HLEN	4
#define FLEXVPN_GRE_KEY_HLEN	8
#define FLEXVPN_DEFAULT_UNDERLAY_MTU	ETH_DATA_LEN
/* headroom for the outer headers: IPv6 + keyed GRE + ESP header and IV */
#define FLEXVPN_HEADROOM	(sizeof(struct ipv6hdr) + FLEXVPN_GRE_KEY_HLEN + 32)
static_assert(IP_MAX_MTU - FLEXVPN_HEADROOM == FLEXVPN_MTU_MAX);

/**
 * struct flexvpn_ep_key - what identifies a tunnel on the wire
 * @local: outer local address (IPv4 in the first 4 bytes, rest zero)
 * @remote: outer remote address (same layout)
 * @key: GRE key, network order, 0 when @has_key is false
 * @family: AF_INET or AF_INET6
 * @has_key: GRE packets carry @key
 *
 * Compared as raw memory by the receive table: keep it free of holes and
 * zero it before filling it in.
 */
struct flexvpn_ep_key {
	struct in6_addr local;
	struct in6_addr remote;
	__be32 key;
	u16 family;
	u8 has_key;
	u8 pad;
};

/**
 * struct flexvpn_endpoint - the outer side of one virtual-access device
 * @node: in flexvpn_net.endpoints, keyed by @key
 * @key: outer addresses and GRE key
 * @va: the device this endpoint belongs to
 * @underlay_ifindex: front-door VRF (l3mdev) or tunnel source interface
 *	used as output interface of the outer route lookup, 0 for none
 * @dst_cache: cached outer route (an XFRM bundle when IPsec applies)
 * @rcu: deferred free
 *
 * Never changed once published: a new address (MOBIKE) gets a new
 * endpoint, swapped in with RCU, so readers never see half an update.
 */
struct flexvpn_endpoint {
	struct rhash_head node;
	struct flexvpn_ep_key key;
	struct flexvpn_access *va;
	int underlay_ifindex;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/**
 * struct flexvpn_net - per network namespace state
 * @net: the namespace
 * @endpoints: endpoints of every access device of the namespace; written
 *	under RTNL, read under RCU by the receive hook
 * @ids: access device numbers, unique in the namespace (RTNL)
 * @templates: list of struct flexvpn_template (RTNL)
 * @nr_templates: receive hooks are registered while it is not 0 (RTNL)
 */
struct flexvpn_net {
	struct net *net;
	struct rhashtable endpoints;
	struct ida ids;
	struct list_head templates;
	unsigned int nr_templates;
};

/**
 * struct flexvpn_template - private data of a virtual-template device
 * @dev: the template's own netdevice
 * @fn: the namespace state
 * @node: in flexvpn_net.templates (RTNL)
 * @access_list: its access devices (RTNL)
 * @nr_access: length of @access_list (RTNL)
 * @mtu: configured MTU of access devices, 0 = automatic (RTNL)
 * @underlay_ifindex: front-door VRF device, 0 = none (RTNL)
 * @source_ifindex: tunnel source interface, 0 = none (RTNL)
 * @local4: tunnel source address, 0 = none (RTNL)
 * @local6: the same for IPv6, :: = none (RTNL)
 * @key_mode: enum flexvpn_key_mode (RTNL)
 * @key: GRE key for FLEXVPN_KEY_FIXED (RTNL)
 * @nhrp_network_id: NHRP network-id, 0 = none (READ_ONCE in the data path)
 * @nhrp_redirect: send NHRP redirects (READ_ONCE in the data path)
 * @allow_unprotected: accept GRE that did not come through IPsec
 *	(READ_ONCE in the data path)
 * @prefix: name prefix of access devices (RTNL)
 */
struct flexvpn_template {
	struct net_device *dev;
	struct flexvpn_net *fn;
	struct list_head node;
	struct list_head access_list;
	unsigned int nr_access;
	u32 mtu;
	int underlay_ifindex;
	int source_ifindex;
	__be32 local4;
	struct in6_addr local6;
	u8 key_mode;
	__be32 key;
	u32 nhrp_network_id;
	bool nhrp_redirect;
	bool allow_unprotected;
	char prefix[FLEXVPN_PREFIX_MAXLEN + 1];
};

/**
 * enum flexvpn_drop - drop and error reasons counted per access device
 */
enum flexvpn_drop {
	FLEXVPN_DROP_RX_UNPROTECTED,
	FLEXVPN_DROP_RX_POLICY,
	FLEXVPN_DROP_RX_INVALID,
	FLEXVPN_DROP_TX_NO_ROUTE,
	FLEXVPN_DROP_TX_TOO_BIG,
	FLEXVPN_DROP_TX_INVALID,
	FLEXVPN_DROP_MAX
};

/**
 * struct flexvpn_access - private data of a virtual-access device
 * @dev: the access device
 * @tmpl: its template; a template takes its access devices with it when it
 *	goes, so this pointer stays valid for the device's whole life
 * @node: in the template's access_list (RTNL)
 * @ep: the outer endpoint (RCU; replaced under RTNL)
 * @id: number in the device name, from flexvpn_net.ids
 * @owner: opaque owner handle (RTNL)
 * @peer_id: the peer's identity, NULL when not given (RTNL)
 * @announced: its creation went out as an event, so its removal will (RTNL)
 * @drops: drop counters; drops are rare, so shared atomics are cheaper in
 *	memory than per-CPU counters and cost nothing on the fast path
 * @rxq: decapsulated packets waiting for @napi (its own lock); filled by the
 *	receive hook on any CPU, emptied by @napi, purged when the device stops
 *	and when it is freed
 * @napi: hands @rxq to the stack through GRO; enabled while the device is up
 */
struct flexvpn_access {
	struct net_device *dev;
	struct flexvpn_template *tmpl;
	struct list_head node;
	struct flexvpn_endpoint __rcu *ep;
	u32 id;
	u64 owner;
	char *peer_id;
	bool announced;
	atomic_long_t drops[FLEXVPN_DROP_MAX];
	struct sk_buff_head rxq;
	struct napi_struct napi;
};

/**
 * struct flexvpn_access_cfg - what ACCESS_NEW asks for, checked and complete
 * @key: outer addresses and GRE key
 * @peer_id: peer identity or NULL
 * @owner: owner handle
 */
struct flexvpn_access_cfg {
	struct flexvpn_ep_key key;
	const char *peer_id;
	u64 owner;
};

extern struct rtnl_link_ops flexvpn_template_link_ops;
extern struct rtnl_link_ops flexvpn_access_link_ops;

/* main.c */
struct flexvpn_net *flexvpn_net(const struct net *net);

/* template.c */
void flexvpn_setup_p2p(struct net_device *dev);
bool flexvpn_is_template(const struct net_device *dev);
u32 flexvpn_template_mtu(const struct flexvpn_template *tmpl, u16 family,
			 bool has_key);
int flexvpn_template_set_mtu(struct flexvpn_template *tmpl, u32 mtu,
			     struct netlink_ext_ack *extack);
int flexvpn_template_sync_master(struct flexvpn_template *tmpl,
				 struct netlink_ext_ack *extack);
int flexvpn_template_init(void);
void flexvpn_template_uninit(void);

/* access.c */
bool flexvpn_is_access(const struct net_device *dev);
struct net_device *flexvpn_access_create(struct flexvpn_template *tmpl,
					 const struct flexvpn_access_cfg *cfg,
					 struct netlink_ext_ack *extack);
int flexvpn_access_set_endpoint(struct flexvpn_access *va,
				const struct flexvpn_ep_key *key,
				struct netlink_ext_ack *extack);
void flexvpn_access_drop(struct flexvpn_access *va, enum flexvpn_drop why);
void flexvpn_access_queue_delete(struct flexvpn_access *va,
				 struct list_head *kill);

/* xmit.c */
netdev_tx_t flexvpn_xmit(struct sk_buff *skb, struct net_device *dev);

/* rcv.c */
extern const struct rhashtable_params flexvpn_ep_params;
int flexvpn_rcv_hooks_get(struct flexvpn_net *fn);
int flexvpn_rcv_poll(struct napi_struct *napi, int budget);
void flexvpn_rcv_hooks_put(struct flexvpn_net *fn);

/* netlink.c */
void flexvpn_nl_notify_access(struct flexvpn_access *va, u8 cmd);
int flexvpn_nl_init(void);
void flexvpn_nl_uninit(void);

#endif /* _FLEXVPN_H */
