#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The charon plugin on a hub with two spokes, one charon per namespace,
# kernel ESP through kernel-netlink (the reference topology of lib.sh, the
# hub without a front-door VRF, its template in the inside VRF vrf-in):
#
#   lan1 ── spoke1 ──┐                 ┌── spoke2 ── lan2
#                    └── inet ── hub ──┘
#
# The spokes know only the hub's address. Checked: the plugin loads and
# logs its version (the tool's); one access device per peer, named after the peer and owned by its IKE_SA,
# and the plugin read the same IKE_SA values through ike_sa_t as swanctl
# shows (the ABI check: a config.h without ME gets these wrong); routes
# announced in IKEv2 configuration payloads installed both ways (IPv4 and
# IPv6) and a spoke's forbidden announcements refused; lan1 reaches lan2
# through the hub with only ESP on the wire; CHILD_SA rekey, IKE_SA rekey
# and make-before-break reauthentication keep the devices; terminate
# removes the device and its routes; a hub charon killed with SIGKILL and
# restarted removes the stale devices and ends with one device per spoke.
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq dumpcap tshark
require_plugin

topo_site hub 0
topo_site spoke1 1
topo_site spoke2 2
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2

ipn hub link add vrf-in type vrf table 10
ipn hub link set vrf-in up
template_new hub vt1
ipn hub link set vt1 master vrf-in
template_new spoke1 vt1
template_new spoke2 vt1

hub4=$(outer4 0)
spoke_accept="accept = 0.0.0.0/0 le 32, ::/0 le 128"
charon_conf hub "profiles { hub { template = vt1
	connections = spokes
	routes = 203.0.113.0/24, 2001:db8:200::/40
	accept = 203.0.113.0/24 le 28, 2001:db8:200::/40 le 64
	metric = 50 } }"
charon_conf spoke1 "profiles { spoke { template = vt1
	connections = hub
	routes = $(lan4_net 1), $(lan6_net 1)
	$spoke_accept } }"
# spoke2 also claims spoke1's LAN and a prefix outside the hub's filter:
# both must be refused. (Claiming the hub's own summary would also make
# spoke2 refuse that summary from the hub, as one of its own prefixes.)
charon_conf spoke2 "profiles { spoke { template = vt1
	connections = hub
	routes = $(lan4_net 2), $(lan6_net 2), $(lan4_net 1), 198.51.100.0/24
	$spoke_accept } }"

psk='secrets { ike { secret = flexvpn-test-psk } }'
ike_common="version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 2s"
hub_conf=$(swanctl_hub flexvpn-test-psk)
spoke_conf()
{
	echo "connections { hub {
		$ike_common
		remote_addrs = $hub4
		local { auth = psk
			id = spoke$1.example }
		remote { auth = psk
			id = hub.example }
		children { $(gre_child) }
	} }
	$psk"
}

for ns in hub spoke1 spoke2; do
	charon_start "$ns"
done
check "the plugin is loaded" \
	grep -qw flexvpn <(swanctl_ns hub --stats)
check "the plugin logged its version, the tool's" \
	grep -qF "flexvpn plugin $(flexvpn -V | sed -n 's/^flexvpn //p')" \
	"$FV_TMP/hub/charon.log"
swanctl_load hub "$hub_conf"
swanctl_load spoke1 "$(spoke_conf 1)"
swanctl_load spoke2 "$(spoke_conf 2)"

initiate() { swanctl_ns "$1" --initiate --child gre --timeout 30 > "$FV_TMP/$1.initiate" 2>&1; }
check "spoke1 connects" initiate spoke1
check "spoke2 connects" initiate spoke2
# without the IKE_SAs nothing below can pass
[ "$TAP_FAILED" -eq 0 ] || exit 1

# ------------------------------------------------------------ devices

# hub_dev SPOKE: the hub's access device of spokeN.example
hub_dev() { n hub flexvpn -j access list | jq -r --arg p "spoke$1.example" '.[] | select(.peer_id == $p) | .ifname'; }
spoke_dev() { n "spoke$1" flexvpn -j access list | jq -r '.[0].ifname'; }

check "hub: two access devices" eq "$(link_count hub vaccess)" 2
check "spoke1: one access device" eq "$(link_count spoke1 vaccess)" 1
check "spoke2: one access device" eq "$(link_count spoke2 vaccess)" 1
hva1=$(hub_dev 1) hva2=$(hub_dev 2) sva1=$(spoke_dev 1) sva2=$(spoke_dev 2)
diag "hub devices: $hva1 (spoke1) $hva2 (spoke2); spokes: $sva1 $sva2"
check "hub device of spoke1 is in vrf-in and up" \
	eq "$(ipn hub -j link show dev "$hva1" | jq -r '.[0].master + " " + .[0].operstate')" "vrf-in UNKNOWN"

# owner NS DEV: the owner handle, from the text output (JSON numbers lose
# the low bits of a 64-bit handle in jq)
owner() { n "$1" flexvpn access list | awk -v d="$2" '$1 == d { for (i = 2; i < NF; i++) if ($i == "owner") print $(i + 1) }'; }

# The ABI check: what the plugin read through ike_sa_t (unique id, name,
# peer identity, addresses) against what swanctl says of the same IKE_SA.
abi_check()
{
	local sas uid line
	sas=$(swanctl_ns hub --list-sas --ike spokes)
	uid=$(echo "$sas" | awk '/spoke1.example/ { print id } /^spokes: #/ { sub(/^spokes: #/, ""); sub(/,.*/, ""); id = $0 }')
	[ -n "$uid" ] || { echo "no IKE_SA of spoke1 in: $sas"; return 1; }
	eq "$(( $(owner hub "$hva1") & 0xffffffff ))" "$uid" || return 1
	eq "$(access_field hub "$hva1" remote)" "$(outer4 1)" || return 1
	eq "$(access_field hub "$hva1" local)" "$hub4" || return 1
	line="flexvpn: IKE_SA spokes[$uid] peer 'spoke1.example' $hub4 - $(outer4 1): created $hva1"
	grep -qF "$line" "$FV_TMP/hub/charon.log" || { echo "not logged: $line"; return 1; }
}
check "ABI: plugin's ike_sa_t values match swanctl --list-sas" abi_check
check "ABI: owner carries the plugin's tag" \
	eq "$(( $(owner hub "$hva1") >> 32 ))" $((0x5357414e))

# ------------------------------------------------------------ routes

routes() { ipn "$1" "${@:3}" route show table "$2" proto 249; }
has_route() { routes "$1" "$2" "${@:5}" | grep -q "^$3 dev $4 " || { routes "$1" "$2" "${@:5}"; return 1; }; }
check "hub learned spoke1's IPv4 LAN through $hva1 (table 10)" has_route hub 10 "$(lan4_net 1)" "$hva1"
check "hub learned spoke1's IPv6 LAN" has_route hub 10 "$(lan6_net 1)" "$hva1" -6
check "hub learned spoke2's IPv4 LAN through $hva2" has_route hub 10 "$(lan4_net 2)" "$hva2"
check "hub learned spoke2's IPv6 LAN" has_route hub 10 "$(lan6_net 2)" "$hva2" -6
check "learned routes carry the profile's metric" \
	grep -q 'metric 50' <(routes hub 10)
check "spoke1 learned the hub's IPv4 summary" has_route spoke1 main 203.0.113.0/24 "$sva1"
check "spoke1 learned the hub's IPv6 summary" has_route spoke1 main 2001:db8:200::/40 "$sva1" -6
check "refused: spoke2 announcing spoke1's LAN" \
	eq "$(routes hub 10 | grep -c "^$(lan4_net 1) " || true)" 1
check "refused: spoke2 announcing a prefix outside the filter" \
	not grep -q '^198.51.100.0/24' <(ipn hub route show table all)
check "refusals are logged" \
	eq "$(grep -c 'flexvpn: refused route' "$FV_TMP/hub/charon.log" || true)" 2

# ------------------------------------------------------------ traffic

capture_start hub wan "$FV_TMP/wan.pcapng"
check "lan1 -> lan2 IPv4 through the hub" ping_ok lan1 "$(lan4 2 2)"
check "lan1 -> lan2 IPv6 through the hub" ping_ok lan1 "$(lan6 2 2)"
check "lan2 -> lan1 IPv4 through the hub" ping_ok lan2 "$(lan4 1 2)"
capture_stop
pcap=$FV_TMP/wan.pcapng
capture_decode "$pcap"
check "ESP crossed the hub's underlay" gt "$(frames "$pcap" 'p ~ /:esp/')" 10
check "no cleartext GRE or inner address on the hub's underlay" \
	eq "$(frames "$pcap" 'p ~ /:gre/ || (p !~ /:esp/ && addr ~ /203\.0\.113\.|2001:db8:20[0-9]:/)')" 0

# ------------------------------------------------------------ rekeying

idx_h=$(ifindex hub "$hva1") idx_s=$(ifindex spoke1 "$sva1")
same_devices()
{
	eq "$(ifindex hub "$hva1")" "$idx_h" && eq "$(ifindex spoke1 "$sva1")" "$idx_s" &&
	eq "$(link_count hub vaccess)" 2 && eq "$(link_count spoke1 vaccess)" 1
}
# a background job of a non-interactive shell ignores SIGINT, so ping runs
# for a fixed time that covers the three rekeys, and is waited for
n lan1 ping -q -i 0.1 -W 1 -w 45 "$(lan4 2 2)" > "$FV_TMP/ping.out" 2>&1 &
ping_pid=$!
pid_record "$ping_pid"
check "CHILD_SA rekey" swanctl_ns spoke1 --rekey --child gre
busywait 5000 n spoke1 ip xfrm state count >/dev/null 2>&1 || true
check "CHILD_SA rekey keeps the devices (same ifindex)" same_devices
owner_before=$(owner spoke1 "$sva1")
check "IKE_SA rekey" swanctl_ns spoke1 --rekey --ike hub
owner_moved() { [ "$(owner spoke1 "$sva1")" != "$owner_before" ]; }
check "IKE_SA rekey moves the owner to the new IKE_SA" busywait 10000 owner_moved
check "IKE_SA rekey keeps the devices" same_devices
check "reauthentication (make-before-break)" swanctl_ns spoke1 --rekey --ike hub --reauth
reauth_done() { grep -q 'takes .* over' "$FV_TMP/hub/charon.log"; }
check "hub: the reauthenticated IKE_SA takes the device over" busywait 20000 reauth_done
check "reauthentication keeps the devices" busywait 10000 same_devices
check "hub keeps spoke1's routes after reauthentication" has_route hub 10 "$(lan4_net 1)" "$hva1"
wait "$ping_pid" || true
diag "ping during rekeys: $(tail -n 2 "$FV_TMP/ping.out" | head -n 1)"
check "ping survived the rekeys (< 10% loss)" \
	awk '/packet loss/ { sub(/%/, "", $6); exit !($6 < 10) }' "$FV_TMP/ping.out"

# ------------------------------------------------------------ teardown

check "spoke2 terminates" swanctl_ns spoke2 --terminate --ike hub
hub_gone2() { [ -z "$(hub_dev 2)" ]; }
check "terminate: the hub's device of spoke2 is gone" busywait 10000 hub_gone2
spoke_gone2() { [ "$(link_count spoke2 vaccess)" = 0 ]; }
check "terminate: spoke2's device is gone" busywait 10000 spoke_gone2
check "terminate: spoke2's routes are gone from the hub" \
	not grep -q "^$(lan4_net 2) " <(routes hub 10)

charon_stop hub KILL
check "hub charon killed: its devices stay behind" eq "$(link_count hub vaccess)" 1
charon_start hub
check "restarted hub charon deletes the stale device" eq "$(link_count hub vaccess)" 0
swanctl_load hub "$hub_conf"
# spoke1 still has its IKE_SA with the killed hub: an initiate would queue
# on it and fail once DPD gives up; drop it the way DPD would
swanctl_ns spoke1 --terminate --ike hub --force > /dev/null 2>&1 || true
check "spoke1 reconnects" initiate spoke1
check "spoke2 reconnects" initiate spoke2
check "after the restart: one hub device per spoke" eq "$(link_count hub vaccess)" 2
check "after the restart: spoke1 has one device" eq "$(link_count spoke1 vaccess)" 1
check "after the restart: lan1 -> lan2" ping_ok lan1 "$(lan4 2 2)"

for ns in hub spoke1 spoke2; do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
for ns in spoke1 spoke2 hub; do
	charon_stop "$ns"
done
check "charon stopped: no access device left on the hub" eq "$(link_count hub vaccess)" 0
check "charon stopped: no learned route left" eq "$(ipn hub route show table all proto 249 | wc -l)" 0
