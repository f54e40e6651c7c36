#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel pivoting: a spoke with two uplinks, wired first, cellular as the
# backup, keeps its tunnel to the hub when the wired one fails and moves
# back when it returns. One charon with the plugin per namespace:
#
#   lan1 ── spoke1 ── wan  (198.18.1.1, default route metric 0) ──┐
#                 └── wwan (198.18.101.1, default route metric 200) ┴ inet ── hub ── hlan
#
# The order of the uplinks is the order of the spoke's default routes; the
# tracking is the kernel's (a link that goes down takes its routes with
# it). charon follows the best route with MOBIKE (prefer_best_path = yes):
# the IKE_SA, its SAs and the plugin's access devices (both ends) move to
# the other uplink's address. Checked: wan down -> the tunnel's local
# address on spoke1 (and the remote on the hub) is wwan's; same IKE_SA
# (owner), same devices (ifindex), same learned routes; lan1 keeps
# reaching hlan; wan back -> it returns to wan the same way. The pings lost
# in each move are counted (10 per second).
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin

topo_site hub 0
topo_site spoke1 1
topo_lan hub 0 hlan
topo_lan spoke1 1 lan1
# the cellular uplink: a second link to inet, its default route behind wan's
wwan=198.18.101.1
ipn inet link add c1 type veth peer name wwan netns "$NS_PREFIX-spoke1"
ipn inet -batch - <<-EOF
	link set c1 up
	addr add 198.18.101.254/24 dev c1
EOF
ipn spoke1 -batch - <<-EOF
	link set wwan up
	addr add $wwan/24 dev wwan
	route add 0.0.0.0/0 via 198.18.101.254 dev wwan metric 200
EOF
wan=$(outer4 1) hub4=$(outer4 0)
template_new hub vt1
template_new spoke1 vt1

charon_conf hub "profiles { spokes { template = vt1
	connections = spokes
	routes = $(lan4_net 0), $(lan6_net 0)
	accept = $(lan4_net 1) le 28, $(lan6_net 1) le 64 } }"
CHARON_EXTRA='prefer_best_path = yes'
charon_conf spoke1 "profiles { hub { template = vt1
	connections = hub
	routes = $(lan4_net 1), $(lan6_net 1)
	accept = 0.0.0.0/0 le 32, ::/0 le 128 } }"
charon_start hub
charon_start spoke1
swanctl_load hub "$(swanctl_hub flexvpn-pivot-psk)"
swanctl_load spoke1 "$(swanctl_spoke 1 "$hub4" flexvpn-pivot-psk)"

check "spoke1 connects over wan" \
	swanctl_ns spoke1 --initiate --child gre --ike hub --timeout 30
[ "$TAP_FAILED" -eq 0 ] || exit 1

sva=$(access_to spoke1 hub.example) hva=$(access_to hub spoke1.example)
idx_s=$(ifindex spoke1 "$sva") idx_h=$(ifindex hub "$hva")
owner=$(access_field spoke1 "$sva" owner)
# learned: the proto 249 routes of both ends
learned()
{
	{ ipn spoke1 route show proto 249; ipn spoke1 -6 route show proto 249
	  ipn hub route show proto 249; ipn hub -6 route show proto 249; } | sort
}
routes_before=$(learned)
check "the tunnel runs over wan" eq "$(access_field spoke1 "$sva" local)" "$wan"
check "lan1 reaches hlan" ping_ok lan1 "$(lan4 0 2)"
check "lan1 reaches hlan (IPv6)" ping_ok lan1 "$(lan6 0 2)"

# over UPLINK: both devices' tunnel endpoints are UPLINK's address
over() { [ "$(access_field spoke1 "$sva" local)" = "$1" ] && [ "$(access_field hub "$hva" remote)" = "$1" ]; }
# lost FILE: "LOST of SENT" from ping's summary
lost() { awk '/packets transmitted/ { print $1 - $4 " of " $1 }' "$1"; }

for move in "wan down:$wwan:wwan" "wan back:$wan:wan"; do
	what=${move%%:*} to=${move#*:} to=${to%%:*} name=${move##*:}
	bg lan1 ping -n -i 0.1 -W 1 "$(lan4 0 2)" > "$FV_TMP/ping.$name" 2>&1
	pinger=$BG_PID
	if [ "$name" = wwan ]; then
		ipn spoke1 link set wan down
	else
		ipn spoke1 link set wan up
		# what DHCP or networkd would put back
		ipn spoke1 route add 0.0.0.0/0 via 198.18.1.254 dev wan
	fi
	check "$what: the tunnel moves to $name (MOBIKE), both ends" busywait 60000 over "$to"
	check "$what: the same IKE_SA" eq "$(access_field spoke1 "$sva" owner)" "$owner"
	check "$what: the same devices (ifindex), one at each end" \
		eq "$(ifindex spoke1 "$sva") $(ifindex hub "$hva") $(link_count spoke1 vaccess) $(link_count hub vaccess)" \
		"$idx_s $idx_h 1 1"
	check "$what: the same learned routes at both ends" eq "$(learned)" "$routes_before"
	check "$what: lan1 reaches hlan" ping_ok lan1 "$(lan4 0 2)"
	check "$what: lan1 reaches hlan (IPv6)" ping_ok lan1 "$(lan6 0 2)"
	check "$what: hlan reaches lan1" ping_ok hlan "$(lan4 1 2)"
	pid_stop "$pinger" INT
	diag "$what: $(lost "$FV_TMP/ping.$name") pings lost at 10/s"
done

check "charon moved the IKE_SA with MOBIKE (UPDATE_SA_ADDRESSES)" \
	grep -q 'generating INFORMATIONAL request .*N(UPD_SA_ADDR)' "$FV_TMP/spoke1/charon.log"
for ns in hub spoke1; do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
