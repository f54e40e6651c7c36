/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * flexvpn: the generic-netlink API of flexvpn.ko, the one definition shared by
 * the kernel module, the flexvpn tool and the strongSwan plugin.
 *
 * Two kinds of netdevice exist:
 *
 *  - a virtual-template ("vtemplate", created with
 *    `ip link add vt1 type vtemplate`) carries no traffic; it holds the
 *    settings its virtual-access devices are cloned from;
 *  - a virtual-access device ("vaccess") is one point-to-point GRE tunnel to
 *    one IKEv2 peer, created from a template with FLEXVPN_CMD_ACCESS_NEW.
 *    The kernel's XFRM layer protects its GRE with ESP (transport mode SAs
 *    that the IKE daemon installs between the two outer addresses).
 *
 * Addressing a device: the top-level FLEXVPN_A_IFINDEX or FLEXVPN_A_IFNAME
 * names the device a command is about: the template for TEMPLATE_* and for
 * ACCESS_NEW (the template to clone), the access device for ACCESS_GET,
 * ACCESS_SET and ACCESS_DEL. Devices are looked up in the requester's network
 * namespace. Every operation needs CAP_NET_ADMIN over that namespace.
 *
 * Rejections carry an extended-ack message saying what is wrong: the attribute
 * policies generated from this specification answer for types, lengths, ranges
 * and attributes an operation does not take ("Unsupported attribute", "Unknown
 * attribute type", with the offending attribute pointed at), the module for
 * everything else.
 *
 * Attribute numbers and command numbers are append-only.
 *
 * The link kinds' own view (`ip -d link show`): RTM_GETLINK answers and
 * RTM_NEWLINK notifications of both kinds carry IFLA_LINKINFO with
 * IFLA_INFO_DATA, whose attributes are those of enum flexvpn_template_attr (a
 * vtemplate) or enum flexvpn_access_attr (a vaccess), encoded as in the
 * family's replies, with these differences:
 *
 *  - the device's own ifindex and name (FLEXVPN_TMPL_A_IFINDEX/IFNAME,
 *    FLEXVPN_ACCESS_A_IFINDEX/IFNAME) are left out: the link message has
 *    them;
 *  - the peer's identity (FLEXVPN_ACCESS_A_PEER_ID) is left out: any
 *    process of the namespace may read link info and listen to its
 *    notifications, while the family, like its events, answers
 *    administrators only, and an IKE identity names a site or a person.
 *    The outer addresses and the GRE key are there, as ip_gre shows its
 *    own;
 *  - counters are left out (FLEXVPN_ACCESS_A_STATS, the *_SHAPER_STATS and
 *    FLEXVPN_GROUP_A_STATS): link info is built for every dump of every
 *    device and for every notification, where summing a template's
 *    devices would cost what nobody asked for; the packet counters are in
 *    IFLA_STATS64 (`ip -s link`), the rest in the family's replies;
 *  - a template's FLEXVPN_TMPL_A_SHAPER_GROUP attributes are followed by
 *    FLEXVPN_TMPL_A_NAME_PREFIX and FLEXVPN_TMPL_A_ACCESS_COUNT. iproute2
 *    hands a link plugin only the first attribute of each type; the run of
 *    groups lies between those it has.
 *
 * Settings are changed through the family only: RTM_NEWLINK with IFLA_INFO_DATA
 * is refused (EOPNOTSUPP).
 *
 * Generated from uapi/flexvpn.yaml by tools/ynl/uapi_header.py (`make regen`):
 * edit the spec, not this file.
 */
#ifndef _UAPI_LINUX_FLEXVPN_H
#define _UAPI_LINUX_FLEXVPN_H

#define FLEXVPN_GENL_NAME	"flexvpn"
#define FLEXVPN_GENL_VERSION	1
#define FLEXVPN_MCGRP_EVENTS	"events"

#define FLEXVPN_TEMPLATE_KIND			"vtemplate"	/* link kind of templates */
#define FLEXVPN_ACCESS_KIND			"vaccess"	/* link kind of access devices */
#define FLEXVPN_PEER_ID_MAXLEN			255	/* bytes, without the NUL */
#define FLEXVPN_PREFIX_MAXLEN			8	/* name prefix, without the NUL */
#define FLEXVPN_DEFAULT_PREFIX			"va"
#define FLEXVPN_MTU_MIN				68	/* IPv4's minimum */
#define FLEXVPN_MTU_MAX				65455	/* 65535 less the outer headers */
#define FLEXVPN_GROUP_MAXLEN			15	/* shaper group name, without the NUL */
/*
 * Shaper groups per template: a template with every group's counters must fit
 * one message of a dump (32 KiB), and IFLA_INFO_DATA one attribute.
 */
#define FLEXVPN_SHAPER_GROUPS_MAX		128
#define FLEXVPN_SHAPER_RATE_MIN			8	/* bit/s: one byte a second */
#define FLEXVPN_SHAPER_RATE_MAX			10000000000000ULL	/* bit/s: 10 Tbit/s */
#define FLEXVPN_SHAPER_QLEN_DEFAULT		128	/* packets */
#define FLEXVPN_SHAPER_QLEN_MAX			65536
#define FLEXVPN_SHAPER_ESP_OVERHEAD		36	/* bytes: ESP with AES-GCM-128 */
#define FLEXVPN_SHAPER_OVERHEAD_MAX		1024
#define FLEXVPN_REDIRECT_INTERVAL_DEFAULT	2000	/* ms: Cisco's `ip nhrp redirect timeout` */
#define FLEXVPN_REDIRECT_INTERVAL_MIN		10	/* ms */
#define FLEXVPN_REDIRECT_INTERVAL_MAX		3600000	/* ms: an hour */
/*
 * Bytes of the original packet a redirect event carries: what FRR's documented
 * NFLOG rule hands nhrpd (--nflog-range 128), enough for the inner IP header
 * (IPv6's 40 bytes, IPv4's with options up to 60) and the transport header
 * behind it, which is what a Traffic Indication quotes.
 */
#define FLEXVPN_REDIRECT_PACKET_MAX		128
/*
 * The GRE protocol type (and AF_PACKET protocol) of NHRP, as Cisco and FRR's
 * nhrpd send it: an AF_PACKET socket bound to an access device with this
 * protocol sends and receives NHRP through the device's tunnel.
 */
#define FLEXVPN_ETH_P_NHRP			0x2001
/*
 * The rtnetlink protocol number (rtm_protocol) of the routes the strongSwan
 * plugin installs through access devices, learned from peers over IKEv2:
 * `ip route show proto 249`. The kernel does not interpret it.
 */
#define FLEXVPN_RTPROT				249

/**
 * enum flexvpn_key_mode - whether access devices of a template use a GRE key
 * @FLEXVPN_KEY_NONE: no key, unless one is given when the device is created
 * @FLEXVPN_KEY_FIXED: FLEXVPN_TMPL_A_GRE_KEY, unless one is given when the
 *	device is created
 */
enum flexvpn_key_mode {
	FLEXVPN_KEY_NONE,
	FLEXVPN_KEY_FIXED,

	__FLEXVPN_KEY_MAX,
	FLEXVPN_KEY_MAX = __FLEXVPN_KEY_MAX - 1
};

/**
 * enum flexvpn_cmd - commands
 * @FLEXVPN_CMD_TEMPLATE_GET: doit: one template (FLEXVPN_A_IFINDEX/IFNAME);
 *	dumpit: every template of the namespace. Reply: FLEXVPN_A_TEMPLATE.
 * @FLEXVPN_CMD_TEMPLATE_SET: change a template's settings (nested
 *	FLEXVPN_A_TEMPLATE). Settings not present are left as they are.
 * @FLEXVPN_CMD_ACCESS_NEW: create a virtual-access device from the template
 *	named at the top level, with the settings in FLEXVPN_A_ACCESS. The reply
 *	(a FLEXVPN_CMD_ACCESS_NEW message) describes the new device. Also sent
 *	to FLEXVPN_MCGRP_EVENTS when any access device appears.
 * @FLEXVPN_CMD_ACCESS_DEL: delete access devices: the one named at the top
 *	level, or, when none is named, every device matching the filters
 *	FLEXVPN_ACCESS_A_OWNER and/or FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX in
 *	FLEXVPN_A_ACCESS (deleted in one batch). Also sent to
 *	FLEXVPN_MCGRP_EVENTS for every access device that disappears, however it
 *	was removed.
 * @FLEXVPN_CMD_ACCESS_GET: doit: one access device; dumpit: every access device
 *	of the namespace, filtered by FLEXVPN_ACCESS_A_OWNER and/or
 *	FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX when present in FLEXVPN_A_ACCESS. Both
 *	take the same attributes (one policy per operation).
 * @FLEXVPN_CMD_ACCESS_SET: change a live access device: its outer addresses
 *	(after a MOBIKE or NAT mapping change), its peer identity, owner or
 *	shaper.
 * @FLEXVPN_CMD_REDIRECT: event only, on FLEXVPN_MCGRP_EVENTS: a packet that
 *	came in on one access device left on another of a template with the same
 *	NHRP network-id, both with redirects on (FLEXVPN_A_REDIRECT). At most
 *	one per FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL for the same ingress
 *	device and destination. The packet itself is forwarded.
 */
enum flexvpn_cmd {
	FLEXVPN_CMD_UNSPEC,
	FLEXVPN_CMD_TEMPLATE_GET,
	FLEXVPN_CMD_TEMPLATE_SET,
	FLEXVPN_CMD_ACCESS_NEW,
	FLEXVPN_CMD_ACCESS_DEL,
	FLEXVPN_CMD_ACCESS_GET,
	FLEXVPN_CMD_ACCESS_SET,
	FLEXVPN_CMD_REDIRECT,

	__FLEXVPN_CMD_MAX,
	FLEXVPN_CMD_MAX = __FLEXVPN_CMD_MAX - 1
};

/**
 * enum flexvpn_attr - top-level attributes
 * @FLEXVPN_A_IFINDEX: u32: the device the command is about
 * @FLEXVPN_A_IFNAME: string: the same by name (when IFINDEX is absent)
 * @FLEXVPN_A_TEMPLATE: nest, enum flexvpn_template_attr
 * @FLEXVPN_A_ACCESS: nest, enum flexvpn_access_attr
 * @FLEXVPN_A_REDIRECT: nest, enum flexvpn_redirect_attr, read only: events only
 */
enum flexvpn_attr {
	FLEXVPN_A_UNSPEC,
	FLEXVPN_A_IFINDEX,
	FLEXVPN_A_IFNAME,
	FLEXVPN_A_TEMPLATE,
	FLEXVPN_A_ACCESS,
	FLEXVPN_A_REDIRECT,

	__FLEXVPN_A_MAX,
	FLEXVPN_A_MAX = __FLEXVPN_A_MAX - 1
};

/**
 * enum flexvpn_template_attr - settings of a virtual-template
 * @FLEXVPN_TMPL_A_IFINDEX: u32, read only
 * @FLEXVPN_TMPL_A_IFNAME: string, read only
 * @FLEXVPN_TMPL_A_MTU: u32: MTU of access devices (live): 0 = automatic, or
 *	FLEXVPN_MTU_MIN..FLEXVPN_MTU_MAX. Automatic is the underlay MTU (the
 *	tunnel source interface's, else 1500) less the outer IP header, GRE and
 *	the worst-case ESP overhead. The template's own MTU (`ip link set vt1
 *	mtu N`) is the same setting.
 * @FLEXVPN_TMPL_A_MTU_EFFECTIVE: u32, read only: the MTU new devices get
 * @FLEXVPN_TMPL_A_UNDERLAY_IFINDEX: u32: front-door VRF (new): ifindex of an
 *	l3mdev (VRF) device whose table routes the outer, encrypted packets; 0 =
 *	the namespace's main routing. The inside VRF is the template's master
 *	(`ip link set vt1 master vrf-in`): access devices are enslaved to the
 *	template's master (live).
 * @FLEXVPN_TMPL_A_SOURCE_IFINDEX: u32: tunnel source interface (new): its MTU
 *	feeds the automatic MTU, and outer packets leave through it; 0 = none
 * @FLEXVPN_TMPL_A_LOCAL_IPV4: binary (4 bytes): tunnel source address (new,
 *	network order) used when ACCESS_NEW gives no local address; 0.0.0.0
 *	clears it
 * @FLEXVPN_TMPL_A_LOCAL_IPV6: binary (16 bytes): the same for IPv6; :: clears
 *	it
 * @FLEXVPN_TMPL_A_GRE_KEY_MODE: u8, enum flexvpn_key_mode: (new)
 * @FLEXVPN_TMPL_A_GRE_KEY: u32: the key for FLEXVPN_KEY_FIXED (new); setting it
 *	alone also sets the mode to FLEXVPN_KEY_FIXED
 * @FLEXVPN_TMPL_A_NHRP_NETWORK_ID: u32: NHRP network-id, 0 = none (live)
 * @FLEXVPN_TMPL_A_NHRP_REDIRECT: u8: 0/1, send NHRP redirects (live)
 * @FLEXVPN_TMPL_A_ALLOW_UNPROTECTED: u8: 0/1 (live). 0 (the default): GRE from
 *	a peer's outer addresses that did not arrive through an IPsec SA between
 *	those addresses is dropped and counted, and GRE that would leave without
 *	an IPsec SA bundle (no XFRM policy for it, say while the IKE daemon
 *	moves the SAs to new addresses) is dropped and counted instead of sent
 *	in the clear. 1: both are let through.
 * @FLEXVPN_TMPL_A_NAME_PREFIX: string: 1..FLEXVPN_PREFIX_MAXLEN characters
 *	[A-Za-z0-9_.-] (new); access devices are named prefix + a number unique
 *	in the namespace. Default FLEXVPN_DEFAULT_PREFIX.
 * @FLEXVPN_TMPL_A_ACCESS_COUNT: u32, read only: live access devices
 * @FLEXVPN_TMPL_A_SHAPER_RATE: u64: bit/s (live): the parent rate all shaped
 *	access devices of the template share (the hub's WAN, or a tier); 0 = no
 *	parent limit, else FLEXVPN_SHAPER_RATE_MIN..FLEXVPN_SHAPER_RATE_MAX. See
 *	"The shaper" at enum flexvpn_shaper_attr.
 * @FLEXVPN_TMPL_A_SHAPER_OVERHEAD: u32: bytes (live): ESP overhead the shaper
 *	counts per packet on top of the inner packet, outer IP header and GRE
 *	(0..FLEXVPN_SHAPER_OVERHEAD_MAX; default FLEXVPN_SHAPER_ESP_OVERHEAD)
 * @FLEXVPN_TMPL_A_SHAPER: nest, enum flexvpn_shaper_attr: (new): the shaper new
 *	access devices get when ACCESS_NEW does not say
 * @FLEXVPN_TMPL_A_SHAPER_GROUP: nest, enum flexvpn_group_attr: in TEMPLATE_SET:
 *	create, change or delete (FLEXVPN_GROUP_A_DELETE) one shaper group,
 *	alone in the request, at most FLEXVPN_SHAPER_GROUPS_MAX per template; in
 *	replies: one per group
 * @FLEXVPN_TMPL_A_SHAPER_STATS: nest, enum flexvpn_shaper_stats_attr, read
 *	only: the parent level (sums over the template's shaped devices)
 * @FLEXVPN_TMPL_A_PAD: padding for 64-bit attributes
 * @FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL: u32: ms (live): the least time
 *	between two redirect events for the same ingress access device and inner
 *	destination,
 *	FLEXVPN_REDIRECT_INTERVAL_MIN..FLEXVPN_REDIRECT_INTERVAL_MAX; default
 *	FLEXVPN_REDIRECT_INTERVAL_DEFAULT. The ingress device's template's
 *	interval applies. Destinations share a small fixed table per device
 *	(indexed by a hash): two that collide share one interval.
 *
 * "new" marks settings that apply to access devices created afterwards, "live"
 * those that also change existing access devices at once.
 */
enum flexvpn_template_attr {
	FLEXVPN_TMPL_A_UNSPEC,
	FLEXVPN_TMPL_A_IFINDEX,
	FLEXVPN_TMPL_A_IFNAME,
	FLEXVPN_TMPL_A_MTU,
	FLEXVPN_TMPL_A_MTU_EFFECTIVE,
	FLEXVPN_TMPL_A_UNDERLAY_IFINDEX,
	FLEXVPN_TMPL_A_SOURCE_IFINDEX,
	FLEXVPN_TMPL_A_LOCAL_IPV4,
	FLEXVPN_TMPL_A_LOCAL_IPV6,
	FLEXVPN_TMPL_A_GRE_KEY_MODE,
	FLEXVPN_TMPL_A_GRE_KEY,
	FLEXVPN_TMPL_A_NHRP_NETWORK_ID,
	FLEXVPN_TMPL_A_NHRP_REDIRECT,
	FLEXVPN_TMPL_A_ALLOW_UNPROTECTED,
	FLEXVPN_TMPL_A_NAME_PREFIX,
	FLEXVPN_TMPL_A_ACCESS_COUNT,
	FLEXVPN_TMPL_A_SHAPER_RATE,
	FLEXVPN_TMPL_A_SHAPER_OVERHEAD,
	FLEXVPN_TMPL_A_SHAPER,
	FLEXVPN_TMPL_A_SHAPER_GROUP,
	FLEXVPN_TMPL_A_SHAPER_STATS,
	FLEXVPN_TMPL_A_PAD,
	FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL,

	__FLEXVPN_TMPL_A_MAX,
	FLEXVPN_TMPL_A_MAX = __FLEXVPN_TMPL_A_MAX - 1
};

/**
 * enum flexvpn_access_attr - a virtual-access device
 * @FLEXVPN_ACCESS_A_IFINDEX: u32, read only
 * @FLEXVPN_ACCESS_A_IFNAME: string, read only
 * @FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX: u32: the template's ifindex: read only in
 *	ACCESS_NEW and ACCESS_SET, a filter in ACCESS_GET dumps and ACCESS_DEL
 * @FLEXVPN_ACCESS_A_LOCAL_IPV4: binary (4 bytes): outer local address (network
 *	order)
 * @FLEXVPN_ACCESS_A_LOCAL_IPV6: binary (16 bytes)
 * @FLEXVPN_ACCESS_A_REMOTE_IPV4: binary (4 bytes): outer remote address
 *	(network order)
 * @FLEXVPN_ACCESS_A_REMOTE_IPV6: binary (16 bytes): Exactly one remote address
 *	is required on ACCESS_NEW; the local address must be of the same family
 *	(or come from the template).
 * @FLEXVPN_ACCESS_A_GRE_KEY: u32: GRE key (overrides the template's)
 * @FLEXVPN_ACCESS_A_PEER_ID: string: up to FLEXVPN_PEER_ID_MAXLEN bytes: the
 *	peer's IKE identity, recorded for people and daemons
 * @FLEXVPN_ACCESS_A_OWNER: u64: opaque owner handle (an IKE daemon puts the
 *	IKE_SA's unique id here); a filter in ACCESS_GET dumps and ACCESS_DEL
 * @FLEXVPN_ACCESS_A_STATS: nest, enum flexvpn_stats_attr, read only
 * @FLEXVPN_ACCESS_A_PAD: padding for 64-bit attributes
 * @FLEXVPN_ACCESS_A_TEMPLATE_IFNAME: string, read only: the template's name
 *	(events carry it because a deleted template can no longer be looked up)
 * @FLEXVPN_ACCESS_A_SHAPER: nest, enum flexvpn_shaper_attr: the device's shaper
 *	(ACCESS_NEW, ACCESS_SET: attributes not given keep their value, or on
 *	ACCESS_NEW the template's default)
 * @FLEXVPN_ACCESS_A_SHAPER_STATS: nest, enum flexvpn_shaper_stats_attr, read
 *	only: present when the device is shaped
 */
enum flexvpn_access_attr {
	FLEXVPN_ACCESS_A_UNSPEC,
	FLEXVPN_ACCESS_A_IFINDEX,
	FLEXVPN_ACCESS_A_IFNAME,
	FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX,
	FLEXVPN_ACCESS_A_LOCAL_IPV4,
	FLEXVPN_ACCESS_A_LOCAL_IPV6,
	FLEXVPN_ACCESS_A_REMOTE_IPV4,
	FLEXVPN_ACCESS_A_REMOTE_IPV6,
	FLEXVPN_ACCESS_A_GRE_KEY,
	FLEXVPN_ACCESS_A_PEER_ID,
	FLEXVPN_ACCESS_A_OWNER,
	FLEXVPN_ACCESS_A_STATS,
	FLEXVPN_ACCESS_A_PAD,
	FLEXVPN_ACCESS_A_TEMPLATE_IFNAME,
	FLEXVPN_ACCESS_A_SHAPER,
	FLEXVPN_ACCESS_A_SHAPER_STATS,

	__FLEXVPN_ACCESS_A_MAX,
	FLEXVPN_ACCESS_A_MAX = __FLEXVPN_ACCESS_A_MAX - 1
};

/**
 * enum flexvpn_stats_attr - counters of an access device
 * @FLEXVPN_STATS_A_RX_PACKETS: u64: inner packets delivered
 * @FLEXVPN_STATS_A_RX_BYTES: u64: inner bytes delivered
 * @FLEXVPN_STATS_A_TX_PACKETS: u64: packets sent
 * @FLEXVPN_STATS_A_TX_BYTES: u64: bytes sent
 * @FLEXVPN_STATS_A_RX_UNPROTECTED: u64: GRE that matched this device's outer
 *	addresses but did not arrive through IPsec: dropped
 * @FLEXVPN_STATS_A_RX_POLICY: u64: GRE refused by the inbound XFRM policy check
 * @FLEXVPN_STATS_A_RX_INVALID: u64: malformed GRE or an unsupported payload
 *	type
 * @FLEXVPN_STATS_A_TX_NO_ROUTE: u64: no underlay route (or no SA bundle) to the
 *	peer
 * @FLEXVPN_STATS_A_TX_TOO_BIG: u64: packets over the path MTU, answered with
 *	ICMP "fragmentation needed" / ICMPv6 "packet too big"
 * @FLEXVPN_STATS_A_TX_INVALID: u64: not an IP packet, or a routing loop
 * @FLEXVPN_STATS_A_PAD: padding
 * @FLEXVPN_STATS_A_TX_UNPROTECTED: u64: packets that would have left without
 *	IPsec (the route to the peer has no SA bundle): dropped, unless the
 *	template allows unprotected GRE
 *
 * The packet and byte counters are also what `ip -s link` shows; the drop
 * reasons add up into its rx/tx dropped and error counters.
 */
enum flexvpn_stats_attr {
	FLEXVPN_STATS_A_UNSPEC,
	FLEXVPN_STATS_A_RX_PACKETS,
	FLEXVPN_STATS_A_RX_BYTES,
	FLEXVPN_STATS_A_TX_PACKETS,
	FLEXVPN_STATS_A_TX_BYTES,
	FLEXVPN_STATS_A_RX_UNPROTECTED,
	FLEXVPN_STATS_A_RX_POLICY,
	FLEXVPN_STATS_A_RX_INVALID,
	FLEXVPN_STATS_A_TX_NO_ROUTE,
	FLEXVPN_STATS_A_TX_TOO_BIG,
	FLEXVPN_STATS_A_TX_INVALID,
	FLEXVPN_STATS_A_PAD,
	FLEXVPN_STATS_A_TX_UNPROTECTED,

	__FLEXVPN_STATS_A_MAX,
	FLEXVPN_STATS_A_MAX = __FLEXVPN_STATS_A_MAX - 1
};

/**
 * enum flexvpn_shaper_attr - a device's shaper (or a template's default)
 * @FLEXVPN_SHAPER_A_RATE: u64: bit/s, assured rate: 0 = not shaped, else
 *	FLEXVPN_SHAPER_RATE_MIN..FLEXVPN_SHAPER_RATE_MAX
 * @FLEXVPN_SHAPER_A_CEIL: u64: bit/s, the most it may reach by borrowing; 0 =
 *	the rate; else at least the rate, at most FLEXVPN_SHAPER_RATE_MAX
 * @FLEXVPN_SHAPER_A_BURST: u32: bytes it may send at once after an idle time; 0
 *	= automatic (2 ms at the ceil, at least twice the MTU); else at least
 *	one MTU plus the encapsulation
 * @FLEXVPN_SHAPER_A_QLEN: u32: packets that may wait; 0 = default
 *	(FLEXVPN_SHAPER_QLEN_DEFAULT), at most FLEXVPN_SHAPER_QLEN_MAX
 * @FLEXVPN_SHAPER_A_GROUP: string: the shaper group of the template the device
 *	belongs to; "" = directly under the template
 * @FLEXVPN_SHAPER_A_PAD: padding
 *
 * The shaper: every virtual-access device may shape what it sends toward its
 * peer, HTB style. A device's rate is assured; it may borrow unused bandwidth
 * of its parent up to its ceil, shared among busy devices in proportion to
 * their rates; the parent (the template's FLEXVPN_TMPL_A_SHAPER_RATE, or a
 * group under the template) never sends more than its own rate. Hierarchy:
 * template -> group (optional) -> device. Rates count what goes on the wire per
 * packet (per GSO segment): the inner packet, the outer IP header, GRE and
 * FLEXVPN_TMPL_A_SHAPER_OVERHEAD bytes for ESP. Packets over the rate wait in a
 * per-device queue of QLEN packets (drops counted); control packets (not
 * IPv4/IPv6, e.g. NHRP, or priority TC_PRIO_CONTROL) have a band of their own
 * that is served first.
 */
enum flexvpn_shaper_attr {
	FLEXVPN_SHAPER_A_UNSPEC,
	FLEXVPN_SHAPER_A_RATE,
	FLEXVPN_SHAPER_A_CEIL,
	FLEXVPN_SHAPER_A_BURST,
	FLEXVPN_SHAPER_A_QLEN,
	FLEXVPN_SHAPER_A_GROUP,
	FLEXVPN_SHAPER_A_PAD,

	__FLEXVPN_SHAPER_A_MAX,
	FLEXVPN_SHAPER_A_MAX = __FLEXVPN_SHAPER_A_MAX - 1
};

/**
 * enum flexvpn_group_attr - a shaper group under a template ("gold spokes: 10
 *	Mbit/s each, 200 Mbit/s together")
 * @FLEXVPN_GROUP_A_NAME: string: 1..FLEXVPN_GROUP_MAXLEN characters
 *	[A-Za-z0-9_.-]
 * @FLEXVPN_GROUP_A_RATE: u64: bit/s, the group's assured share of the
 *	template's parent rate (required when creating; 0 keeps it), at most
 *	FLEXVPN_SHAPER_RATE_MAX
 * @FLEXVPN_GROUP_A_CEIL: u64: bit/s, 0 = the rate, at most
 *	FLEXVPN_SHAPER_RATE_MAX
 * @FLEXVPN_GROUP_A_DELETE: flag: delete the group (refused while devices are in
 *	it)
 * @FLEXVPN_GROUP_A_MEMBERS: u32, read only: devices in the group
 * @FLEXVPN_GROUP_A_STATS: nest, enum flexvpn_shaper_stats_attr, read only
 * @FLEXVPN_GROUP_A_PAD: padding
 */
enum flexvpn_group_attr {
	FLEXVPN_GROUP_A_UNSPEC,
	FLEXVPN_GROUP_A_NAME,
	FLEXVPN_GROUP_A_RATE,
	FLEXVPN_GROUP_A_CEIL,
	FLEXVPN_GROUP_A_DELETE,
	FLEXVPN_GROUP_A_MEMBERS,
	FLEXVPN_GROUP_A_STATS,
	FLEXVPN_GROUP_A_PAD,

	__FLEXVPN_GROUP_A_MAX,
	FLEXVPN_GROUP_A_MAX = __FLEXVPN_GROUP_A_MAX - 1
};

/**
 * enum flexvpn_shaper_stats_attr - shaper counters
 * @FLEXVPN_SHAPER_STATS_A_PACKETS: u64: packets sent (GSO packets count once)
 * @FLEXVPN_SHAPER_STATS_A_BYTES: u64: bytes sent, as the shaper counts them
 *	(wire)
 * @FLEXVPN_SHAPER_STATS_A_DROPPED: u64: packets dropped because the queue was
 *	full
 * @FLEXVPN_SHAPER_STATS_A_OVERLIMITS: u64: packets that had to wait
 * @FLEXVPN_SHAPER_STATS_A_BACKLOG_PACKETS: u64: packets waiting now
 * @FLEXVPN_SHAPER_STATS_A_BACKLOG_BYTES: u64: their bytes
 * @FLEXVPN_SHAPER_STATS_A_BORROWED: u64: bytes sent above the assured rate
 * @FLEXVPN_SHAPER_STATS_A_RATE_NOW: u64: bit/s the device (or group) may send
 *	at now: its rate plus what it borrows
 * @FLEXVPN_SHAPER_STATS_A_PAD: padding
 * @FLEXVPN_SHAPER_STATS_A_STALLED_NS: u64: time lost because the CPU did not
 *	run the shaper's timer for longer than it can catch up on (20 ms):
 *	packets were waiting and due, and nothing sent them; nonzero means the
 *	machine is short of CPU, and the device sent less than its rate
 */
enum flexvpn_shaper_stats_attr {
	FLEXVPN_SHAPER_STATS_A_UNSPEC,
	FLEXVPN_SHAPER_STATS_A_PACKETS,
	FLEXVPN_SHAPER_STATS_A_BYTES,
	FLEXVPN_SHAPER_STATS_A_DROPPED,
	FLEXVPN_SHAPER_STATS_A_OVERLIMITS,
	FLEXVPN_SHAPER_STATS_A_BACKLOG_PACKETS,
	FLEXVPN_SHAPER_STATS_A_BACKLOG_BYTES,
	FLEXVPN_SHAPER_STATS_A_BORROWED,
	FLEXVPN_SHAPER_STATS_A_RATE_NOW,
	FLEXVPN_SHAPER_STATS_A_PAD,
	FLEXVPN_SHAPER_STATS_A_STALLED_NS,

	__FLEXVPN_SHAPER_STATS_A_MAX,
	FLEXVPN_SHAPER_STATS_A_MAX = __FLEXVPN_SHAPER_STATS_A_MAX - 1
};

/**
 * enum flexvpn_redirect_attr - a redirect trigger (FLEXVPN_CMD_REDIRECT): what
 *	an NHRP hub needs to send the source spoke a Traffic Indication
 * @FLEXVPN_REDIRECT_A_IFINDEX_IN: u32: the access device the packet came in on
 * @FLEXVPN_REDIRECT_A_IFINDEX_OUT: u32: the access device it leaves by
 * @FLEXVPN_REDIRECT_A_NETWORK_ID: u32: the NHRP network-id both share
 * @FLEXVPN_REDIRECT_A_SRC_IPV4: binary (4 bytes): the inner source address
 * @FLEXVPN_REDIRECT_A_DST_IPV4: binary (4 bytes): the inner destination
 * @FLEXVPN_REDIRECT_A_SRC_IPV6: binary (16 bytes): the same for IPv6
 * @FLEXVPN_REDIRECT_A_DST_IPV6: binary (16 bytes)
 * @FLEXVPN_REDIRECT_A_PACKET: binary: the head of the packet from its IP header
 *	on, at most FLEXVPN_REDIRECT_PACKET_MAX bytes
 * @FLEXVPN_REDIRECT_A_PACKET_LEN: u32: the packet's whole length
 */
enum flexvpn_redirect_attr {
	FLEXVPN_REDIRECT_A_UNSPEC,
	FLEXVPN_REDIRECT_A_IFINDEX_IN,
	FLEXVPN_REDIRECT_A_IFINDEX_OUT,
	FLEXVPN_REDIRECT_A_NETWORK_ID,
	FLEXVPN_REDIRECT_A_SRC_IPV4,
	FLEXVPN_REDIRECT_A_DST_IPV4,
	FLEXVPN_REDIRECT_A_SRC_IPV6,
	FLEXVPN_REDIRECT_A_DST_IPV6,
	FLEXVPN_REDIRECT_A_PACKET,
	FLEXVPN_REDIRECT_A_PACKET_LEN,

	__FLEXVPN_REDIRECT_A_MAX,
	FLEXVPN_REDIRECT_A_MAX = __FLEXVPN_REDIRECT_A_MAX - 1
};

#endif /* _UAPI_LINUX_FLEXVPN_H */
