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
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <net/dst_cache.h>
#include <linux/flexvpn.h>

#include "shaper_math.h"

/*
 * Room kept for ESP when the MTU is derived automatically: the worst case of
 * the common suites (AES-CBC with a 16-byte IV, up to 15 bytes of padding,
 * HMAC-SHA-256-128: 8 + 16 + 15 + 2 + 16 = 57), which also covers AES-GCM.
 */
#define FLEXVPN_ESP_RESERVE	58
#define FLEXVPN_GRE_HLEN	4
#define FLEXVPN_GRE_KEY_HLEN	8
#define FLEXVPN_DEFAULT_UNDERLAY_MTU	ETH_DATA_LEN
/* redirect limiter slots per access device (a power of two) */
#define FLEXVPN_REDIRECT_SLOTS	64
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
 * struct flexvpn_shaper_cfg - shaper settings as the API gives them
 * @rate: bit/s, 0 = not shaped
 * @ceil: bit/s, 0 = @rate
 * @burst: bytes, 0 = automatic
 * @qlen: packets, 0 = FLEXVPN_SHAPER_QLEN_DEFAULT
 * @group: name of the template's shaper group, "" = none
 */
struct flexvpn_shaper_cfg {
	u64 rate;
	u64 ceil;
	u32 burst;
	u32 qlen;
	char group[FLEXVPN_GROUP_MAXLEN + 1];
};

/**
 * struct flexvpn_shaper_counters - what the shaper reports
 * @packets: packets sent
 * @bytes: bytes sent, counted as on the wire
 * @dropped: packets dropped at a full queue
 * @overlimits: packets that had to wait
 * @borrowed: bytes sent above the assured rate
 * @stalled_ns: time lost to a timer that ran too late to catch up
 */
struct flexvpn_shaper_counters {
	u64 packets;
	u64 bytes;
	u64 dropped;
	u64 overlimits;
	u64 borrowed;
	u64 stalled_ns;
};

struct flexvpn_shaper_root;

/**
 * struct flexvpn_group - a shaper group under a template
 * @node: in the root's group list (RTNL and the root's lock)
 * @name: its name
 * @rate: assured rate, bytes/s (RTNL and the root's lock)
 * @ceil: the most it may get, bytes/s (RTNL and the root's lock)
 * @members: shaped devices in it (RTNL)
 * @gone: counters of devices that left it (RTNL)
 * @share: its part of the parent's rate (the root's lock)
 * @light: what its devices that are not backlogged use, bytes/s (the
 *	root's lock, rebuilt every period)
 * @busy_ceil: the ceils of its backlogged devices, added (likewise)
 * @nr_busy: its backlogged devices (likewise)
 * @sum_rate: the rates of its devices the allocator looks after (likewise)
 * @vec_off: where its devices start in the allocator's scratch (likewise)
 */
struct flexvpn_group {
	struct list_head node;
	char name[FLEXVPN_GROUP_MAXLEN + 1];
	u64 rate;
	u64 ceil;
	unsigned int members;
	struct flexvpn_shaper_counters gone;
	struct flexvpn_share share;
	u64 light;
	u64 busy_ceil;
	unsigned int nr_busy;
	u64 sum_rate;
	unsigned int vec_off;
};

/**
 * struct flexvpn_shaper_root - a template's parent level
 * @lock: protects @active, @dead, @timer_on, @vec and the allocator fields
 *	of the groups and of the devices on @active
 * @rate: parent rate, bytes/s, 0 = none (written under @lock)
 * @overhead: ESP bytes counted per packet (READ_ONCE in the data path)
 * @dflt: settings new access devices get (RTNL)
 * @groups: struct flexvpn_group (RTNL and @lock)
 * @nr_groups: length of @groups, at most FLEXVPN_SHAPER_GROUPS_MAX (RTNL;
 *	WRITE_ONCE, for the link message size estimated under RCU)
 * @active: devices whose rate the allocator sets (struct flexvpn_shaper)
 * @nr_tracked: how many are on @active
 * @timer: the allocator, every FLEXVPN_SHAPER_PERIOD_NS while @active is not
 *	empty
 * @timer_on: @timer is armed or running
 * @dead: the template is going; nothing may start @timer any more
 * @last_run: when the allocator last ran (ns)
 * @vec: scratch for flexvpn_share(), room for @vec_size entries
 * @vec_size: at least the number of shaped devices plus groups (RTNL)
 * @gone: counters of devices that left (RTNL)
 */
struct flexvpn_shaper_root {
	spinlock_t lock;
	u64 rate;
	u32 overhead;
	struct flexvpn_shaper_cfg dflt;
	struct list_head groups;
	unsigned int nr_groups;
	struct list_head active;
	unsigned int nr_tracked;
	struct hrtimer timer;
	bool timer_on;
	bool dead;
	u64 last_run;
	struct flexvpn_share **vec;
	unsigned int vec_size;
	struct flexvpn_shaper_counters gone;
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
 * @nhrp_redirect_interval: ms between two redirect events for one ingress
 *	device and destination (READ_ONCE in the data path)
 * @allow_unprotected: accept GRE that did not come through IPsec
 *	(READ_ONCE in the data path)
 * @prefix: name prefix of access devices (RTNL)
 * @shaper: the parent level of its access devices' shapers
 * @nr_shaped: its shaped access devices (RTNL)
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
	u32 nhrp_redirect_interval;
	bool allow_unprotected;
	char prefix[FLEXVPN_PREFIX_MAXLEN + 1];
	struct flexvpn_shaper_root shaper;
	unsigned int nr_shaped;
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
	FLEXVPN_DROP_TX_UNPROTECTED,
	FLEXVPN_DROP_MAX
};

/**
 * struct flexvpn_shaper - a device's shaper
 * @on: the device is shaped (READ_ONCE in the data path; RTNL and @lock)
 * @lock: protects the queues, @tb, @stopped, @cnt and the settings
 * @stopped: the device is down: nothing is queued and @timer stays off
 * @prio: control packets, served first
 * @bulk: everything else
 * @backlog: bytes waiting in both queues
 * @tb: the bucket, at the rate the device may send at now
 * @timer: sends what waits when its time comes
 * @cfg: the settings as given (RTNL and @lock)
 * @rate: assured rate, bytes/s (@lock)
 * @ceil: the most it may reach, bytes/s (@lock)
 * @burst: effective burst, bytes (@lock)
 * @qlen: effective queue length (@lock)
 * @allowed: bytes/s it may send at now; written by the allocator or when the
 *	settings change, applied to @tb by the next packet (READ_ONCE)
 * @overlimit: a packet had to wait since the allocator last looked
 * @cnt: counters (@lock; @cnt.borrowed too)
 * @group: its group or NULL (RTNL and the root's lock)
 * @root: the template's parent level
 * @tracked: on the root's active list (the root's lock; read locklessly as a
 *	hint)
 * @active: in the root's active list
 * @last_bytes: @cnt.bytes when the allocator last looked (the root's lock)
 * @idle: allocator periods without traffic (the root's lock)
 * @busy: counted as backlogged in the allocator's last period (the root's
 *	lock)
 * @busy_until: it counts as backlogged until then, ns (the root's lock)
 * @used: what it sent, bytes/s, smoothed over the allocator's periods (the
 *	root's lock)
 * @share: its part of its parent (the root's lock)
 */
struct flexvpn_shaper {
	bool on;
	spinlock_t lock;
	bool stopped;
	struct sk_buff_head prio;
	struct sk_buff_head bulk;
	u64 backlog;
	struct flexvpn_tb tb;
	struct hrtimer timer;
	struct flexvpn_shaper_cfg cfg;
	u64 rate;
	u64 ceil;
	u32 burst;
	u32 qlen;
	u64 allowed;
	bool overlimit;
	struct flexvpn_shaper_counters cnt;
	struct flexvpn_group *group;
	struct flexvpn_shaper_root *root;
	bool tracked;
	struct list_head active;
	u64 last_bytes;
	unsigned int idle;
	bool busy;
	u64 busy_until;
	u64 used;
	struct flexvpn_share share;
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
 * @shaper: its shaper (used when @shaper.on)
 * @redirect_last: when a redirect event last went for a packet that came in
 *	here, in jiffies (low 32 bits, 0 = never), per slot of destinations;
 *	claimed with cmpxchg, no lock (redirect.c)
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
	struct flexvpn_shaper shaper;
	u32 redirect_last[FLEXVPN_REDIRECT_SLOTS];
};

/**
 * struct flexvpn_redirect_event - what a redirect trigger reports
 * @iif: the access device the packet came in on
 * @oif: the access device it leaves by
 * @network_id: the NHRP network-id both share
 * @family: AF_INET or AF_INET6
 * @src: inner source (IPv4 in the first 4 bytes)
 * @dst: inner destination (likewise)
 */
struct flexvpn_redirect_event {
	int iif;
	int oif;
	u32 network_id;
	u16 family;
	struct in6_addr src;
	struct in6_addr dst;
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
	struct flexvpn_shaper_cfg shaper;
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
void flexvpn_xmit_one(struct flexvpn_access *va, struct sk_buff *skb);

/* shaper.c */
void flexvpn_shaper_root_init(struct flexvpn_shaper_root *root);
void flexvpn_shaper_root_uninit(struct flexvpn_shaper_root *root);
void flexvpn_shaper_init(struct flexvpn_access *va);
void flexvpn_shaper_root_free(struct flexvpn_shaper_root *root);
void flexvpn_shaper_detach(struct flexvpn_access *va);
int flexvpn_shaper_check(struct flexvpn_template *tmpl,
			 const struct flexvpn_shaper_cfg *cfg, u32 mtu,
			 struct netlink_ext_ack *extack);
int flexvpn_shaper_set(struct flexvpn_access *va,
		       const struct flexvpn_shaper_cfg *cfg);
void flexvpn_shaper_open(struct flexvpn_access *va);
void flexvpn_shaper_stop(struct flexvpn_access *va);
netdev_tx_t flexvpn_shaper_xmit(struct flexvpn_access *va, struct sk_buff *skb);
void flexvpn_shaper_read(struct flexvpn_shaper *s,
			 struct flexvpn_shaper_counters *c, u64 *backlog_pkts,
			 u64 *backlog_bytes);
struct flexvpn_group *flexvpn_group_find(struct flexvpn_shaper_root *root,
					 const char *name);
int flexvpn_group_set(struct flexvpn_template *tmpl, const char *name,
		      u64 rate, u64 ceil, bool del,
		      struct netlink_ext_ack *extack);
void flexvpn_shaper_set_parent(struct flexvpn_template *tmpl, u64 rate,
			       u32 overhead);

/* rcv.c */
extern const struct rhashtable_params flexvpn_ep_params;
int flexvpn_rcv_hooks_get(struct flexvpn_net *fn);
int flexvpn_rcv_poll(struct napi_struct *napi, int budget);
void flexvpn_rcv_hooks_put(struct flexvpn_net *fn);

/* redirect.c */
struct nf_hook_state;
unsigned int flexvpn_redirect_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state);

/**
 * enum flexvpn_nlmsg_view - which attributes describe a device (nlmsg.c)
 * @FLEXVPN_NLMSG_REPLY: the family's replies and events: everything
 * @FLEXVPN_NLMSG_LINKINFO: IFLA_INFO_DATA: settings and state; not the
 *	device's own ifindex and name, the peer's identity or counters
 */
enum flexvpn_nlmsg_view {
	FLEXVPN_NLMSG_REPLY,
	FLEXVPN_NLMSG_LINKINFO,
};

/* nlmsg.c */
int flexvpn_nlmsg_put_addr_pair(struct sk_buff *skb, u16 family,
				const struct in6_addr *a,
				const struct in6_addr *b,
				const int attr4[2], const int attr6[2]);
size_t flexvpn_nlmsg_access_size(const struct flexvpn_access *va,
				 enum flexvpn_nlmsg_view view);
int flexvpn_nlmsg_put_access(struct sk_buff *skb, struct flexvpn_access *va,
			     enum flexvpn_nlmsg_view view);
size_t flexvpn_nlmsg_template_size(const struct flexvpn_template *tmpl,
				   enum flexvpn_nlmsg_view view);
int flexvpn_nlmsg_put_template(struct sk_buff *skb,
			       struct flexvpn_template *tmpl,
			       enum flexvpn_nlmsg_view view);

/* netlink.c */
void flexvpn_nl_notify_access(struct flexvpn_access *va, u8 cmd);
bool flexvpn_nl_redirect_wanted(struct net *net);
void flexvpn_nl_notify_redirect(struct net *net,
				const struct flexvpn_redirect_event *ev,
				const struct sk_buff *pkt);
int flexvpn_nl_init(void);
void flexvpn_nl_uninit(void);

#endif /* _FLEXVPN_H */
