#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmtu.sh: an oversized packet with DF set gets the real path MTU back.
#
#  ┌──────────┐   ┌──────────────────┐   ┌────────────────────┐   ┌─────────────┐
#  │ lan1     │   │ spoke1           │   │ inet               │   │ hub         │
#  │   eth0 ──┼───┼── lan            │   │                    │   │             │
#  │          │   │  va  (v4 outer) ┄┼┄┄┄┼┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┼┄┄┄┼┄ va          │
#  │          │   │  va6 (v6 outer) ┄┼┄┄┄┼┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┼┄┄┄┼┄ va6         │
#  │          │   │  wan  mtu 1400 ──┼───┼─ s1 mtu 1400   s0 ─┼───┼─ wan        │
#  └──────────┘   └──────────────────┘   └────────────────────┘   └─────────────┘
#
# The access devices keep their automatic MTU (1418 over IPv4, 1398 over
# IPv6: computed for a 1500-byte underlay), but spoke1's link is 1400 bytes,
# so the ESP bundle towards the hub has room for less. A DF ping from lan1
# just under the device MTU must come back as ICMP "fragmentation needed"
# (IPv4) / "packet too big" (IPv6) from spoke1 with the MTU that really fits:
# the bundle's MTU (xfrm_state_mtu() of the AES-GCM SA) less the outer IP
# and GRE headers.
#
# Asserts, for IPv4 and IPv6 inner over IPv4 and over IPv6 outer: the reported MTU is below the device MTU and equals the
# computed one; a ping of exactly that size passes and one byte more fails;
# the device's tx_too_big grows.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq

LINK_MTU=1400

topo_site hub 0
topo_site spoke1 1
topo_lan spoke1 1 lan1
ipn spoke1 link set wan mtu "$LINK_MTU"
ipn inet link set s1 mtu "$LINK_MTU"

template_new hub vt1
template_new spoke1 vt1
va=$(access_new spoke1 vt1 remote "$(outer4 0)" local "$(outer4 1)")
va_h=$(access_new hub vt1 remote "$(outer4 1)" local "$(outer4 0)")
va6=$(access_new spoke1 vt1 remote "$(outer6 0)" local "$(outer6 1)")
va6_h=$(access_new hub vt1 remote "$(outer6 1)" local "$(outer6 0)")
xfrm_gre_transport hub "$(outer4 0)" spoke1 "$(outer4 1)"
xfrm_gre_transport hub "$(outer6 0)" spoke1 "$(outer6 1)"
tunnel_addrs hub "$va_h" 1 1
tunnel_addrs spoke1 "$va" 1 2
tunnel_addrs hub "$va6_h" 3 1
tunnel_addrs spoke1 "$va6" 3 2
ipn hub route add "$(lan4_net 1)" via "$(tun4 1 2)"
ipn hub -6 route add "$(lan6_net 1)" via "$(tun6 1 2)"

# What fits: xfrm_state_mtu() of an rfc4106 transport SA (8-byte ESP header
# and IV, 16-byte ICV, 4-byte alignment, 2-byte trailer) less outer IP + GRE.
esp_room() # OUTER_IP_HLEN
{
	local h=$1
	echo $(( ((LINK_MTU - 16 - 16 - h) & ~3) + h - 2 - h - 4 ))
}

# reported_mtu NS DST SIZE [PING ARGS]: the MTU a DF ping of SIZE bytes of
# payload reports back (from an ICMP error or, once learnt, locally).
reported_mtu()
{
	n "$1" ping -c 1 -W 2 -M do -s "$3" "${@:4}" "$2" 2>&1 |
		grep -oE 'mtu ?[=:] ?[0-9]+' | grep -oE '[0-9]+' | head -n1
}

has_mtu() { [ -n "$(reported_mtu "$@")" ]; }

# pmtu_case LABEL DST IPHLEN DEV OUTER_HLEN: lan1 -> DST through DEV.
pmtu_case()
{
	local l=$1 dst=$2 iph=$3 dev=$4 outer=$5 devmtu want got tb0

	devmtu=$(ipn spoke1 -j link show dev "$dev" | jq .[0].mtu)
	want=$(esp_room "$outer")
	check "$l: path works" ping_ok lan1 "$dst"
	tb0=$(access_stat spoke1 "$dev" tx_too_big)
	busywait 15000 has_mtu lan1 "$dst" $(( devmtu - iph - 8 )) || true
	got=$(reported_mtu lan1 "$dst" $(( devmtu - iph - 8 )))
	diag "$l: device mtu $devmtu, link $LINK_MTU, reported ${got:-nothing}, expected $want"
	if [ -z "$got" ]; then
		tap_fail "$l: ICMP error with an MTU for a DF packet of $devmtu bytes"
		return 0
	fi
	check "$l: reported MTU below the device MTU" gt "$devmtu" "$got"
	check "$l: reported MTU is the ESP path's" eq "$got" "$want"
	check "$l: tx_too_big grew" gt "$(access_stat spoke1 "$dev" tx_too_big)" "$tb0"
	check "$l: a DF packet of exactly $got bytes passes" \
		ping_ok lan1 "$dst" -M do -s $(( got - iph - 8 ))
	check "$l: a DF packet of $(( got + 1 )) bytes does not" \
		not n lan1 ping -c 2 -W 2 -M do -s $(( got - iph - 7 )) "$dst"
}

pmtu_case "IPv4 inner, IPv4 outer (frag needed)" "$(tun4 1 1)" 20 "$va" 20
pmtu_case "IPv6 inner, IPv4 outer (packet too big)" "$(tun6 1 1)" 40 "$va" 20
pmtu_case "IPv4 inner, IPv6 outer (frag needed)" "$(tun4 3 1)" 20 "$va6" 40
pmtu_case "IPv6 inner, IPv6 outer (packet too big)" "$(tun6 3 1)" 40 "$va6" 40
