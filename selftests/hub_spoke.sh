#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hub_spoke.sh: a FlexVPN hub with two spokes, GRE over ESP transport mode.
#
#  ┌──────────┐   ┌───────────────┐                     ┌───────────────┐   ┌──────────┐
#  │ lan1     │   │ spoke1        │                     │ spoke2        │   │ lan2     │
#  │   eth0 ──┼───┼── lan   va ┄┄┄┼┄┄┄┄┄┄┐       ┌┄┄┄┄┄┄┼┄┄ va    lan ──┼───┼── eth0   │
#  └──────────┘   │  vt1   wan ───┼──┐   ┆       ┆   ┌──┼─── wan   vt1  │   └──────────┘
#                 └───────────────┘  │ ┌─┴───────┴─┐ │  └───────────────┘
#                                    └─┤s1  inet s2├─┘
#                                      └─────┬─────┘
#                 ┌──────────────────────────┼─────────────────────────┐
#                 │ hub  ┌ vrf-in ────────┐  │  ┌ vrf-out ─┐           │
#                 │      │ vt1 va(s1)     │  └──┼─ wan     │           │
#                 │      │     va(s2)     │     └──────────┘           │
#                 │      │     va(s1, v6) │  (template underlay)       │
#                 │      └────────────────┘                            │
#                 └────────────────────────────────────────────────────┘
#
# The hub's access devices are created from template vt1 with the flexvpn
# tool; vt1's master vrf-in is the inside VRF, its underlay vrf-out the
# front-door VRF holding wan. The spokes route in their main table. ESP
# transport SAs and policies protect GRE between the hub and each spoke.
# Addresses: see the table in lib.sh.
#
# Asserts: LAN1 <-> LAN2 through the hub, IPv4 and IPv6 inner, both ways;
# only ESP crosses the hub's underlay (no cleartext GRE or inner packet),
# and tshark, given the keys, decodes every ESP frame to GRE carrying the
# inner packet, with no malformed frame; access devices' own counters and
# `ip -s link` grow; the access device's properties (name, kind, master,
# flags, MTU 1418 / 1398); one IPv6-outer device carrying IPv4 and IPv6.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq dumpcap tshark

topo_site hub 0 vrf-out 20
topo_site spoke1 1
topo_site spoke2 2
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2

ipn hub link add vrf-in type vrf table 10
ipn hub link set vrf-in up
template_new hub vt1 underlay vrf-out
ipn hub link set vt1 master vrf-in

hub4=$(outer4 0)
hub6=$(outer6 0)
declare -A hubva spokeva

for s in 1 2; do
	template_new "spoke$s" vt1
	hubva[$s]=$(access_new hub vt1 remote "$(outer4 "$s")" local "$hub4" \
		peer-id "spoke$s.example")
	spokeva[$s]=$(access_new "spoke$s" vt1 remote "$hub4" \
		local "$(outer4 "$s")" peer-id hub.example)
	xfrm_gre_transport hub "$hub4" "spoke$s" "$(outer4 "$s")"
	tunnel_addrs hub "${hubva[$s]}" "$s" 1
	tunnel_addrs "spoke$s" "${spokeva[$s]}" "$s" 2
	ipn hub route add "$(lan4_net "$s")" via "$(tun4 "$s" 2)" vrf vrf-in
	ipn hub -6 route add "$(lan6_net "$s")" via "$(tun6 "$s" 2)" vrf vrf-in
done
# each spoke reaches the other LAN through the hub
ipn spoke1 route add "$(lan4_net 2)" via "$(tun4 1 1)"
ipn spoke1 -6 route add "$(lan6_net 2)" via "$(tun6 1 1)"
ipn spoke2 route add "$(lan4_net 1)" via "$(tun4 2 1)"
ipn spoke2 -6 route add "$(lan6_net 1)" via "$(tun6 2 1)"
diag "hub access devices: ${hubva[1]} (spoke1) ${hubva[2]} (spoke2)"

# ------------------------------------------------------------ the devices

device_is_access()
{
	local j
	j=$(ipn "$1" -d -j link show dev "$2") || return 1
	echo "$j" | jq -e --arg m "$3" '.[0] |
		.linkinfo.info_kind == "vaccess" and .master == $m and
		(.flags | index("POINTOPOINT") and index("NOARP") and
		 index("UP") and index("LOWER_UP")) and
		.operstate != "DOWN" and .qdisc == "noqueue"' || {
		echo "$j"
		return 1
	}
}

names_ok() { local d; for d; do [[ $d =~ ^va[0-9]+$ ]] || { echo "bad name '$d'"; return 1; }; done; }
check "access devices named <prefix><number>" \
	names_ok "${hubva[@]}" "${spokeva[@]}"
check "hub access devices are unique" \
	not eq "${hubva[1]}" "${hubva[2]}"
check "access device: vaccess, in vrf-in, UP, POINTOPOINT|NOARP, no qdisc" \
	device_is_access hub "${hubva[1]}" vrf-in
check "access device MTU 1418 (IPv4 outer, no key)" \
	eq "$(ipn hub -j link show dev "${hubva[1]}" | jq .[0].mtu)" 1418
check "flexvpn access show names the template" \
	eq "$(access_field hub "${hubva[1]}" template)" vt1
check "template counts its access devices" \
	eq "$(n hub flexvpn -j template show vt1 | jq '.[0].access')" 2

# ------------------------------------------------------------ traffic

capture_start hub wan "$FV_TMP/wan.pcapng"

check "lan1 -> lan2 IPv4 through the hub" ping_ok lan1 "$(lan4 2 2)"
check "lan1 -> lan2 IPv6 through the hub" ping_ok lan1 "$(lan6 2 2)"
check "lan2 -> lan1 IPv4 through the hub" ping_ok lan2 "$(lan4 1 2)"
check "lan2 -> lan1 IPv6 through the hub" ping_ok lan2 "$(lan6 1 2)"
check "lan1 -> lan2 large IPv4 packets (1390 bytes)" \
	ping_ok lan1 "$(lan4 2 2)" -s 1362

# IPv6 outer: a second device between the hub and spoke1, ESP over IPv6.
hubva6=$(access_new hub vt1 remote "$(outer6 1)" local "$hub6" peer-id spoke1-v6)
spokeva6=$(access_new spoke1 vt1 remote "$hub6" local "$(outer6 1)")
xfrm_gre_transport hub "$hub6" spoke1 "$(outer6 1)"
tunnel_addrs hub "$hubva6" 3 1
tunnel_addrs spoke1 "$spokeva6" 3 2
check "IPv6-outer access device MTU 1398" \
	eq "$(ipn hub -j link show dev "$hubva6" | jq .[0].mtu)" 1398
check "IPv6 outer: IPv4 inner spoke1 -> hub" ping_ok spoke1 "$(tun4 3 1)"
check "IPv6 outer: IPv6 inner spoke1 -> hub" ping_ok spoke1 "$(tun6 3 1)"
check "IPv6 outer: IPv4 inner hub -> spoke1" \
	ping_ok hub "$(tun4 3 2)" -I vrf-in
check "IPv6 outer: IPv6 inner hub -> spoke1" \
	ping_ok hub "$(tun6 3 2)" -I vrf-in

capture_stop

# ------------------------------------------------------------ the wire

pcap=$FV_TMP/wan.pcapng
capture_decode "$pcap"
esp4=$(frames "$pcap" 'p ~ /^eth:ethertype:ip:esp/')
esp6=$(frames "$pcap" 'p ~ /^eth:ethertype:ipv6:esp/')
diag "hub wan: $esp4 ESP/IPv4 frames, $esp6 ESP/IPv6 frames, $(wc -l < "$pcap.txt") in all"
check "ESP over IPv4 crossed the hub's underlay" gt "$esp4" 20
check "ESP over IPv6 crossed the hub's underlay" gt "$esp6" 8
check "no cleartext GRE on the hub's underlay" \
	eq "$(frames "$pcap" 'p ~ /^eth:ethertype:ip(v6)?:gre/')" 0
check "no cleartext inner address on the hub's underlay" \
	eq "$(frames "$pcap" 'p !~ /:esp/ && addr ~ /203\.0\.113\.|192\.0\.2\.|2001:db8:20[0-9]:|2001:db8:100:/')" 0
check "every ESP frame decrypts to GRE carrying IP" \
	eq "$(frames "$pcap" 'p ~ /:esp/ && p !~ /:esp:gre:ip(v6)?:/')" 0
check "decrypted ESP carries the pings (ICMP echo in GRE)" \
	gt "$(frames "$pcap" 'p ~ /:esp:gre:/ && (icmp ~ /,8,/ || icmp6 ~ /,128,/)')" 10
bad='p ~ /_ws\.malformed/ || sev ~ /8388608/ || icvbad ~ /1/'
check "no malformed frame, no expert error, no bad ICV" \
	eq "$(frames "$pcap" "$bad")" 0
frames_show "$pcap" "$bad"
check "no GRE key, checksum or sequence number on the wire" \
	eq "$(frames "$pcap" 'gflags ~ /1/')" 0

# ------------------------------------------------------------ counters

for s in 1 2; do
	dev=${hubva[$s]}
	check "hub $dev (spoke$s): rx_packets grew" gt "$(access_stat hub "$dev" rx_packets)" 5
	check "hub $dev (spoke$s): tx_packets grew" gt "$(access_stat hub "$dev" tx_packets)" 5
	check "hub $dev (spoke$s): rx_bytes grew" gt "$(access_stat hub "$dev" rx_bytes)" 500
	check "hub $dev (spoke$s): ip -s link rx packets" gt "$(link_stat hub "$dev" rx packets)" 5
	check "hub $dev (spoke$s): ip -s link tx packets" gt "$(link_stat hub "$dev" tx packets)" 5
	check "hub $dev (spoke$s): no unprotected, policy or invalid drop" \
		eq "$(n hub flexvpn -j access show "$dev" | jq '.[0].stats |
			.rx_unprotected + .rx_policy + .rx_invalid + .tx_no_route + .tx_invalid')" 0
done
check "hub $hubva6 (IPv6 outer): rx_packets grew" \
	gt "$(access_stat hub "$hubva6" rx_packets)" 3
check "hub $hubva6 (IPv6 outer): tx_packets grew" \
	gt "$(access_stat hub "$hubva6" tx_packets)" 3
check "ip -s link and flexvpn agree on rx packets" \
	eq "$(link_stat spoke2 "${spokeva[2]}" rx packets)" "$(access_stat spoke2 "${spokeva[2]}" rx_packets)"
