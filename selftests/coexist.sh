#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# coexist.sh: flexvpn's access devices, an ip_gre tunnel and an xfrm
# interface between the same two namespaces, all passing traffic at once,
# with flexvpn loaded before ip_gre and then ip_gre loaded before flexvpn.
#
#  ┌──────────────────────────────┐               ┌──────────────────────────────┐
#  │ hub                          │  ┌─────────┐  │ spoke                        │
#  │ vt1 va ┄┄ GRE/ESP transport ┄┼┄┄┼┄┄┄┄┄┄┄┄┄┼┄┄┼┄ va vt1     198.18.I.1      │
#  │ gre1 ┄┄┄┄ plain GRE ┄┄┄┄┄┄┄┄┄┼┄┄┼┄ inet ┄┄┄┼┄┄┼┄ gre1        198.18.I.2      │
#  │ xfrm42 ┄┄ ESP tunnel, if_id ┄┼┄┄┼┄┄┄┄┄┄┄┄┄┼┄┄┼┄ xfrm42      198.18.I.1      │
#  │                         wan ─┼──┤s0     sI├──┼─ wan                         │
#  └──────────────────────────────┘  └─────────┘  └──────────────────────────────┘
#
# The access device and the xfrm interface use the sites' outer addresses
# (198.18.I.1); ip_gre uses second addresses (198.18.I.2), a pair unknown to
# flexvpn. ip_gre's catch-all gre0 is up in the hub, so it would take any
# GRE that flexvpn left to the stack.
#
# Asserts, for each load order: the three tunnels carry concurrent pings;
# each device's counters show its own traffic; flexvpn counted no drop (the
# ip_gre packets were not its business); the module loads and unloads
# cleanly around ip_gre.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq modprobe rmmod
unload_at_exit ip_gre gre
defer module_load	# the module is loaded when this program ends, whatever happens

gre_in4() { echo "192.0.2.$(( 200 + $1 ))"; }	# 1 = hub, 2 = spoke
xfrm_in4() { echo "192.0.2.$(( 204 + $1 ))"; }

# scenario LABEL HUBINDEX SPOKEINDEX
scenario()
{
	local l=$1 h=$2 s=$3 hub=hub$2 spoke=spoke$3 va_h va_s
	local hubo spokeo hubg spokeg pids=() pid ok

	topo_site "$hub" "$h"
	topo_site "$spoke" "$s"
	hubo=$(outer4 "$h")
	spokeo=$(outer4 "$s")
	hubg=198.18.$h.2
	spokeg=198.18.$s.2
	ipn "$hub" addr add "$hubg/24" dev wan
	ipn "$spoke" addr add "$spokeg/24" dev wan

	# flexvpn
	template_new "$hub" vt1
	template_new "$spoke" vt1
	va_h=$(access_new "$hub" vt1 remote "$spokeo" local "$hubo")
	va_s=$(access_new "$spoke" vt1 remote "$hubo" local "$spokeo")
	xfrm_gre_transport "$hub" "$hubo" "$spoke" "$spokeo"
	tunnel_addrs "$hub" "$va_h" "$s" 1
	tunnel_addrs "$spoke" "$va_s" "$s" 2

	# ip_gre, and its catch-all device up
	ipn "$hub" link add gre1 type gre local "$hubg" remote "$spokeg" ttl 64
	ipn "$spoke" link add gre1 type gre local "$spokeg" remote "$hubg" ttl 64
	ipn "$hub" link set gre0 up
	for ns in "$hub" "$spoke"; do ipn "$ns" link set gre1 up; done
	ipn "$hub" addr add "$(gre_in4 1)/30" dev gre1
	ipn "$spoke" addr add "$(gre_in4 2)/30" dev gre1

	# xfrm interface, tunnel mode SAs bound to if_id 42
	for ns in "$hub" "$spoke"; do
		ipn "$ns" link add xfrm42 type xfrm dev wan if_id 42
		ipn "$ns" link set xfrm42 up
	done
	ipn "$hub" addr add "$(xfrm_in4 1)/30" dev xfrm42
	ipn "$spoke" addr add "$(xfrm_in4 2)/30" dev xfrm42
	xfrm_sa "$hub" "$spoke" "$hubo" "$spokeo" tunnel if_id 42
	xfrm_sa "$hub" "$spoke" "$spokeo" "$hubo" tunnel if_id 42
	n "$hub" ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out if_id 42 \
		tmpl src "$hubo" dst "$spokeo" proto esp mode tunnel
	n "$hub" ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir in if_id 42 \
		tmpl src "$spokeo" dst "$hubo" proto esp mode tunnel
	n "$spoke" ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out if_id 42 \
		tmpl src "$spokeo" dst "$hubo" proto esp mode tunnel
	n "$spoke" ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir in if_id 42 \
		tmpl src "$hubo" dst "$spokeo" proto esp mode tunnel

	check "$l: access device answers" ping_ok "$spoke" "$(tun4 "$s" 1)"
	check "$l: ip_gre answers" ping_ok "$spoke" "$(gre_in4 1)"
	check "$l: xfrm interface answers" ping_ok "$spoke" "$(xfrm_in4 1)"

	# the three at the same time
	for dst in "$(tun4 "$s" 1)" "$(gre_in4 1)" "$(xfrm_in4 1)" "$(tun6 "$s" 1)"; do
		bg "$spoke" ping -q -c 40 -i 0.02 -W 2 "$dst" > "$FV_TMP/ping-$dst" 2>&1
		pids+=("$BG_PID")
	done
	ok=0
	for pid in "${pids[@]}"; do
		wait "$pid" || ok=$?
	done
	check "$l: concurrent pings through all three tunnels" eq "$ok" 0
	[ "$ok" = 0 ] || for f in "$FV_TMP"/ping-*; do diag_file "$f" 3; done
	rm -f "$FV_TMP"/ping-*

	check "$l: access device rx_packets >= 40" \
		ge "$(access_stat "$hub" "$va_h" rx_packets)" 40
	check "$l: ip_gre gre1 rx packets >= 40" \
		ge "$(link_stat "$hub" gre1 rx packets)" 40
	check "$l: xfrm42 rx packets >= 40" \
		ge "$(link_stat "$hub" xfrm42 rx packets)" 40
	check "$l: flexvpn counted no drop" \
		eq "$(n "$hub" flexvpn -j access show "$va_h" | jq '.[0].stats |
			.rx_unprotected + .rx_policy + .rx_invalid + .tx_no_route')" 0
	check "$l: gre0 took nothing of flexvpn's" \
		eq "$(link_stat "$hub" gre0 rx packets)" 0

	ns_del "$hub" "$spoke"
}

module_gone() { [ ! -d /sys/module/flexvpn ]; }

# Order A: flexvpn first, ip_gre after it.
if [ -d /sys/module/ip_gre ] && ! rmmod ip_gre 2>/dev/null; then
	tap_skip "flexvpn loaded before ip_gre" "ip_gre is loaded and busy"
else
	check "ip_gre loads after flexvpn" modprobe ip_gre
	scenario "flexvpn then ip_gre" 0 1
fi

# Order B: ip_gre first, then flexvpn (rmmod with the namespaces of order A
# possibly still being torn down).
modprobe ip_gre
check "rmmod flexvpn" rmmod flexvpn
check "flexvpn is gone" busywait 10000 module_gone
check "flexvpn loads after ip_gre" module_load
scenario "ip_gre then flexvpn" 3 4
