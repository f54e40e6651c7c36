#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: a FlexVPN hub with two spokes, built by hand with the flexvpn
# tool and `ip xfrm`, inside the guest (`make demo` runs it there). It prints
# what a network engineer would look at: the template, the access devices,
# the routes, traffic from LAN1 to LAN2 through the hub, and the wire.
#
#   lan1 ── spoke1 ═══╗                 ╔═══ spoke2 ── lan2
#                     ╚═ va1  hub  va2 ═╝
#           (GRE in ESP transport mode over "inet"; the hub's access
#            devices sit in VRF vrf-in, its outer side in VRF vrf-out)
#
# The topology helpers are the selftests' (selftests/lib.sh), so the demo
# shows exactly what the tests check.

set -e
source "$(dirname "$0")/../selftests/lib.sh"

require_module
require_cmd jq

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '%s$ %s\n' "${PS_NS:+[$PS_NS] }" "$*"; "$@"; }
on() { local PS_NS=$1; shift; show ip netns exec "$(nsname "$PS_NS")" "$@"; }

say "kernel $(uname -r), flexvpn.ko loaded"

topo_site hub 0 vrf-out 20
topo_site spoke1 1
topo_site spoke2 2
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2
ipn hub link add vrf-in type vrf table 10
ipn hub link set vrf-in up

say "the hub: one virtual-template, inside VRF vrf-in, front-door VRF vrf-out"
template_new hub vt1 underlay vrf-out local "$(outer4 0)"
ipn hub link set vt1 master vrf-in
on hub flexvpn template show

declare -A hubva spokeva
for s in 1 2; do
	hubva[$s]=$(access_new hub vt1 remote "$(outer4 "$s")" peer-id "spoke$s.example" owner "$s")
	template_new "spoke$s" vt1
	spokeva[$s]=$(access_new "spoke$s" vt1 remote "$(outer4 0)" local "$(outer4 "$s")" peer-id hub.example)
	xfrm_gre_transport hub "$(outer4 0)" "spoke$s" "$(outer4 "$s")"
	tunnel_addrs hub "${hubva[$s]}" "$s" 1
	tunnel_addrs "spoke$s" "${spokeva[$s]}" "$s" 2
	# the hub reaches each LAN through that spoke's access device
	ipn hub route add "$(lan4_net "$s")" dev "${hubva[$s]}" vrf vrf-in
	ipn hub -6 route add "$(lan6_net "$s")" dev "${hubva[$s]}" vrf vrf-in
	# spokes send everything for the other LANs to the hub
	ipn "spoke$s" route add 203.0.113.0/24 dev "${spokeva[$s]}"
	ipn "spoke$s" -6 route add 2001:db8:200::/44 dev "${spokeva[$s]}"
done

say "access devices on the hub: one per spoke, cloned from vt1"
on hub flexvpn access list
on hub ip -br link show master vrf-in

say "routes: the hub's inside VRF, and spoke1's way to the other LAN"
on hub ip route show vrf vrf-in
on spoke1 ip route show 203.0.113.0/24

say "LAN1 reaches LAN2 through the hub (IPv4 and IPv6)"
capture_start hub wan "$FV_TMP/hub-wan.pcap"
ping_ok lan1 "$(lan4 2 2)" > /dev/null
ping_ok lan1 "$(lan6 2 2)" > /dev/null
on lan1 ping -c 3 -i 0.2 "$(lan4 2 2)"
on lan1 ping -c 3 -i 0.2 "$(lan6 2 2)"
capture_stop

say "counters: what came in from spoke1 left towards spoke2"
on hub flexvpn access show

say "the wire at the hub: ESP only, decrypted by tshark into GRE"
on hub tshark -n -r "$FV_TMP/hub-wan.pcap" -c 6 2> /dev/null || true
mapfile -t esp_opts < <(esp_uat_opts)
tshark -n -r "$FV_TMP/hub-wan.pcap" "${esp_opts[@]}" -Y gre -c 4 2> /dev/null || true

say "shaping: the hub's WAN is 100 Mbit/s, spoke2 gets 2 Mbit/s and may borrow up to 4"
on hub flexvpn template set vt1 parent-rate 100mbit access-rate 10mbit access-ceil 20mbit
on hub flexvpn access set "${hubva[2]}" rate 2mbit ceil 4mbit
ping_ok lan1 "$(lan4 2 2)" > /dev/null
on lan1 ping -q -c 20 -i 0.01 -s 1200 "$(lan4 2 2)" || true
on hub flexvpn access show "${hubva[2]}"
on hub flexvpn template show vt1

say "spoke-to-spoke shortcuts arrive with NHRP (issue 5); the IKEv2-driven hub with the charon plugin (issue 3)"
