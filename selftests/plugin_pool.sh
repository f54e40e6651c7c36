#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel addresses from a pool: gw1 (a hub as in the README, plus
# `pools`) hands gw2 (a spoke with `vips = 0.0.0.0`) a virtual IP; the
# plugin puts it on gw2's access device and routes it through the access
# device on gw1, so that gw2 talks from it to gw1's LAN through the tunnel.
#
#   lan1 ── gw1 ── inet ── gw2      pool 10.99.0.0/24 on gw1
#
# charon.install_virtual_ip = no: charon would otherwise put the address
# on the interface toward the peer (the wan), next to the access device.
# Both children say dynamic[gre]: charon resolves "dynamic" to the virtual
# IP once there is one, which a transport-mode SA cannot carry; the plugin
# narrows the GRE child back to the outer addresses (its narrow hook), in
# IKE_AUTH and in CHILD_SA rekeys started by either side.
# Checked: the SA is transport mode between the outer addresses, the
# address and the route, traffic from the virtual IP through both devices,
# rekeys keep all of it, and terminating takes the route on gw1, the device
# and with it the address on gw2, away.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin

topo_site gw1 1
topo_site gw2 2
topo_lan gw1 1 lan1
template_new gw1 vt1
template_new gw2 vt1

psk='secrets { ike { secret = flexvpn-pool-psk } }'
# conf I REMOTE_ADDRS REMOTE_ID EXTRA: gateway I's connection "site"
conf()
{
	echo "connections { site {
		version = 2
		proposals = aes128-sha256-modp2048
		remote_addrs = $2
		$4
		local { auth = psk
			id = gw$1.example }
		remote { auth = psk
			$3 }
		children { $(gre_child) }
	} }
	$psk"
}
profile()
{
	echo "profiles { site { template = vt1
		connections = site
		routes = $1
		accept = $2 } }"
}
CHARON_EXTRA='install_virtual_ip = no'
# gw1 accepts no routes: the route to the virtual IP does not need it
charon_conf gw1 "$(profile "$(lan4_net 1)" "")"
charon_conf gw2 "$(profile "" "$(lan4_net 1)")"
charon_start gw1
charon_start gw2
swanctl_load gw1 "$(conf 1 %any '' 'pools = p')
	pools { p { addrs = 10.99.0.0/24 } }"
swanctl_load gw2 "$(conf 2 "$(outer4 1)" 'id = gw1.example' 'vips = 0.0.0.0')"

check "gw2 connects to gw1 asking for a virtual IP" \
	swanctl_ns gw2 --initiate --child gre --timeout 30
vip=$(swanctl_ns gw2 --list-sas --raw | grep -o 'local-vips=\[[0-9.]*' | grep -o '[0-9.]*$' || true)
diag "gw2 got virtual IP '${vip}'"
check "gw2 got a virtual IP from the pool" eq "${vip%.*}" 10.99.0
# child_sa_ts NS: "mode local-ts remote-ts" of NS's CHILD_SA gre
child_sa_ts()
{
	swanctl_ns "$1" --list-sas --raw |
		sed -n 's/.*gre-[0-9]* {.*mode=\([A-Z]*\) .*local-ts=\[\([^ ]*\)\] remote-ts=\[\([^ ]*\)\].*/\1 \2 \3/p'
}
gre_ts="$(outer4 2)/32[gre] $(outer4 1)/32[gre]"
check "gw2: transport mode between the outer addresses" \
	eq "$(child_sa_ts gw2)" "TRANSPORT $gre_ts"
check "gw1: the same, seen from gw1" \
	eq "$(child_sa_ts gw1)" "TRANSPORT $(outer4 1)/32[gre] $(outer4 2)/32[gre]"
va2=$(ipn gw2 -o link show type vaccess | awk -F': ' '{ print $2; exit }')
va1=$(ipn gw1 -o link show type vaccess | awk -F': ' '{ print $2; exit }')
# addr_on NS DEV: NS's IPv4 addresses on DEV
addr_on() { ipn "$1" -o -4 addr show dev "$2" | awk '{ print $4 }'; }
check "gw2: the virtual IP is on the access device" eq "$(addr_on gw2 "$va2")" "$vip/32"
check "gw2: and not on its wan" not eval "addr_on gw2 wan | grep -qx '$vip/.*'"
vip_route() { ipn gw1 route show "$vip" proto 249 | grep -c "dev $va1" || true; }
check "gw1: a route to the virtual IP through the access device (proto 249)" \
	eq "$(vip_route)" 1
check "gw1: access show lists it among the device's routes" \
	eq "$(n gw1 flexvpn -j access show "$va1" | jq -r ".[0].routes | index(\"$vip/32\") != null")" true
from_vip() { n gw2 ping -c 2 -W 5 -I "$vip" "$(lan4 1 2)" > /dev/null; }
check "gw2, from its virtual IP, reaches lan1 through the tunnel" from_vip
check "and the ping came through gw1's access device" \
	gt "$(access_stat gw1 "$va1" rx_packets)" 0

# CHILD_SA rekeys: charon proposes the virtual IP for "dynamic" now
rekeyed() { [ "$(swanctl_ns "$1" --list-sas --raw | grep -c 'gre-[0-9]* {')" = 1 ] &&
	not eval "swanctl_ns $1 --list-sas --raw | grep -q 'gre-$2 {'"; }
for gw in gw2 gw1; do
	old=$(swanctl_ns "$gw" --list-sas --raw | grep -o 'gre-[0-9]*' | head -1)
	swanctl_ns "$gw" --rekey --child gre > /dev/null 2>&1 || true
	check "$gw rekeys the CHILD_SA" busywait 20000 rekeyed "$gw" "${old#gre-}"
	check "after $gw's rekey: still transport between the outer addresses" \
		eq "$(child_sa_ts gw2)" "TRANSPORT $gre_ts"
	check "after $gw's rekey: gw2 still reaches lan1 from its virtual IP" from_vip
done

check "gw2 terminates" swanctl_ns gw2 --terminate --ike site --timeout 30
check "gw1: the route to the virtual IP is gone" eq "$(ipn gw1 route show table all proto 249 | grep -c "^$vip " || true)" 0
check "gw1: no access device left" eq "$(link_count gw1 vaccess)" 0
check "gw2: no access device left" eq "$(link_count gw2 vaccess)" 0
check "gw2: the virtual IP is nowhere" not eval "ipn gw2 -o addr show | grep -q ' $vip/'"
check "charon in gw1 did not crash" charon_no_crash gw1
check "charon in gw2 did not crash" charon_no_crash gw2
