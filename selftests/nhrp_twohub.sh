#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NHRP shortcuts across two hubs of one network-id, one charon with the
# plugin per namespace:
#
#   lan1 ── spoke1 ── hub1 ══ hub2 ── spoke2 ── lan2
#   (every namespace's outer side hangs off "inet")
#
# hub1 (template in the inside VRF vrf-in) serves spoke1, hub2 (no VRF)
# serves spoke2; hub2 connects to hub1, each announcing its spokes' LANs.
# Checked: lan1 -> lan2 crosses both hubs; hub1's redirect makes spoke1
# resolve; hub1 forwards the request to hub2 (the device its VRF routes lan2
# through), hub2 to spoke2, each adding its Forward Transit record; spoke2
# brings up the shortcut straight to spoke1; the hubs stop carrying the
# traffic; the other direction; a Traffic Indication reaching a hub (hub2's
# redirect toward hub1) builds nothing; tshark decodes every NHRP packet,
# the forwarded request with both hubs' transit records.
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq dumpcap tshark
require_plugin

topo_site hub1 0
topo_site spoke1 1
topo_site spoke2 2
topo_site hub2 3
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2

ipn hub1 link add vrf-in type vrf table 10
ipn hub1 link set vrf-in up
template_new hub1 vt1 nhrp-network-id 1 nhrp-redirect on
ipn hub1 link set vt1 master vrf-in
template_new hub2 vt1 nhrp-network-id 1 nhrp-redirect on
template_new spoke1 vt1 nhrp-network-id 1
template_new spoke2 vt1 nhrp-network-id 1

hub1=$(outer4 0) hub2=$(outer4 3)
# hubprofiles LAN PEERLAN CONN: a hub's profiles: the other hub (by
# connection CONN or identity), announced our spokes' LAN, accepting its
# spokes'; then our spokes
hub_profiles()
{
	echo "profiles {
	peerhub { template = vt1
		$3
		routes = $1
		accept = $2 le 32
		nhrp = yes }
	spokes { template = vt1
		connections = spokes
		routes = 203.0.113.0/24
		accept = $1 le 28
		nhrp = yes } }"
}
charon_conf hub1 "$(hub_profiles "$(lan4_net 1)" "$(lan4_net 2)" "identities = hub2.example")"
charon_conf hub2 "$(hub_profiles "$(lan4_net 2)" "$(lan4_net 1)" "connections = hub1")"
for s in 1 2; do
	charon_conf "spoke$s" "$(nhrp_spoke_profiles "$s" 7200)"
done

psk=flexvpn-test-psk
# hub2: its spokes as hub2.example, and the connection to hub1
hub2_conf()
{
	swanctl_hub "$psk" | sed 's/id = hub.example/id = hub2.example/'
	echo "connections { hub1 {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 2s
	remote_addrs = $hub1
	local { auth = psk
		id = hub2.example }
	remote { auth = psk
		id = hub.example }
	children { $(gre_child) }
} }"
}

for ns in hub1 hub2 spoke1 spoke2; do
	charon_start "$ns"
done
swanctl_load hub1 "$(swanctl_hub "$psk")"
swanctl_load hub2 "$(hub2_conf)"
swanctl_load spoke1 "$(swanctl_spoke 1 "$hub1" "$psk"; swanctl_shortcut 1)"
swanctl_load spoke2 "$(swanctl_spoke 2 "$hub2" "$psk" | sed 's/id = hub.example/id = hub2.example/'
	swanctl_shortcut 2)"

initiate() { swanctl_ns "$1" --initiate --child gre --ike "$2" --timeout 30 > "$FV_TMP/$1.initiate" 2>&1; }
check "hub2 connects to hub1" initiate hub2 hub1
check "spoke1 connects to hub1" initiate spoke1 hub
check "spoke2 connects to hub2" initiate spoke2 hub
[ "$TAP_FAILED" -eq 0 ] || exit 1

h1s1=$(access_to hub1 spoke1.example) h1h2=$(access_to hub1 hub2.example)
h2h1=$(access_to hub2 hub.example) h2s2=$(access_to hub2 spoke2.example)
s1h=$(access_to spoke1 hub.example) s2h=$(access_to spoke2 hub2.example)
diag "hub1: $h1s1 (spoke1) $h1h2 (hub2); hub2: $h2h1 (hub1) $h2s2 (spoke2)"
l1=$(lan4 1 2) l2=$(lan4 2 2)
check "hub1 routes lan2 through hub2 (learned, in vrf-in)" \
	eq "$(ipn hub1 -j route get "$l2" vrf vrf-in | jq -r '.[0].dev')" "$h1h2"
# the first packet sets it all off: capture from before it
capture_start inet s0 "$FV_TMP/hubs.pcapng"
CAPH=$CAPTURE_PID
for ns in hub1 hub2; do esp_record "$ns"; done
check "lan1 -> lan2 across both hubs" ping_ok lan1 "$l2" -c 2


bg lan1 ping -q -i 0.1 -c 3000 "$l2"
PING1=$BG_PID
shortcut1() { local d; d=$(access_to spoke1 spoke2.example); [ -n "$d" ] && [ "$(route_dev spoke1 "$l2")" = "$d" ]; }
check "spoke1 routes lan2 through a shortcut to spoke2" busywait 40000 shortcut1
sc1=$(access_to spoke1 spoke2.example) sc2=$(access_to spoke2 spoke1.example)
diag "shortcut devices: $sc1 (spoke1) $sc2 (spoke2)"
check "the shortcut runs between the spokes' outer addresses" \
	eq "$(access_field spoke1 "$sc1" remote)" "$(outer4 2)"
check "hub1 forwarded the request to hub2" \
	grep -q "Resolution Request (id [0-9]*) for $l2 forwarded from $h1s1 to $h1h2" "$FV_TMP/hub1/charon.log"
check "hub2 forwarded it to spoke2" \
	grep -q "Resolution Request (id [0-9]*) for $l2 forwarded from $h2h1 to $h2s2" "$FV_TMP/hub2/charon.log"
check "hub1 got hub2's Traffic Indication and built nothing" \
	not grep -q "initiating shortcut" "$FV_TMP/hub1/charon.log"
shortcut2() { [ "$(route_dev spoke2 "$l1")" = "$sc2" ]; }
check "lan2 -> lan1: spoke2 routes lan1 through its shortcut" busywait 20000 shortcut2
hubs_rx() { echo $(( $(link_stat hub1 "$h1s1" rx packets) + $(link_stat hub2 "$h2s2" rx packets) )); }
sleep 1
a=$(hubs_rx)
sleep 3
b=$(hubs_rx)
check "the hubs no longer carry the traffic (rx grew < 5 in 3 s)" test $((b - a)) -lt 5
check "spoke1's cache: lan2 through $sc1" \
	eq "$(n spoke1 flexvpn -j nhrp show | jq -r --arg p "$(lan4_net 2)" '.[] | select(.type == "dynamic" and .prefix == $p) | .device')" "$sc1"
pid_stop "$PING1"

# ------------------------------------------------------------ wire

pid_stop "$CAPH" INT
for ns in spoke1 spoke2; do esp_record "$ns"; done
hub_nhrp()
{
	local uat
	mapfile -t uat < <(esp_uat_opts)
	tshark -n -r "$FV_TMP/hubs.pcapng" "${uat[@]}" -Y "nhrp.hdr.op.type == 1" \
		-T fields -E separator=/t -E occurrence=a -e ip.src -e ip.dst \
		-e nhrp.client.nbma.addr -e _ws.expert.severity -e _ws.malformed \
		> "$FV_TMP/hubs.nhrp" 2> "$FV_TMP/tshark.err"
}
check "tshark decodes the hubs' capture" hub_nhrp
diag "requests between the hubs: $(head -n 2 "$FV_TMP/hubs.nhrp" | tr '\t\n' ' |')"
mapfile -t uat < <(esp_uat_opts)
diag "hubs capture: $(tshark -n -r "$FV_TMP/hubs.pcapng" 2> /dev/null | wc -l) frames, $(tshark -n -r "$FV_TMP/hubs.pcapng" "${uat[@]}" -Y nhrp 2> /dev/null | tee "$FV_TMP/hubs.sum" | wc -l) NHRP"
diag_file "$FV_TMP/hubs.sum" 6
# hub1 -> hub2: the Forward Transit record holds hub1
check "the request hub1 forwarded to hub2 carries hub1's transit record" \
	test "$(awk -F'\t' -v h1="$hub1" -v h2="$hub2" '$1 == h1 && $2 == h2 && $3 ~ h1' "$FV_TMP/hubs.nhrp" | wc -l)" -ge 1
check "no NHRP warnings between the hubs" \
	eq "$(awk -F'\t' '$4 != "" || $5 != ""' "$FV_TMP/hubs.nhrp" | wc -l)" 0

for ns in hub1 hub2 spoke1 spoke2; do
	check "$ns: charon did not crash" charon_no_crash "$ns"
done
