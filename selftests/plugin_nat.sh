#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The charon plugin with a spoke behind a NAT, one charon per namespace,
# kernel ESP through kernel-netlink:
#
#   lan1 ── spoke1 ── nat1 ── inet ── hub ── hlan
#         198.19.1.2   │               │
#                  198.18.1.1      198.18.0.1
#                 (masquerade)
#
# nat1 masquerades (nft) what spoke1 sends, so charon detects the NAT and
# ESP runs in UDP 4500 (NAT-T), the GRE child still in transport mode (the
# hub substitutes the spoke's translated address into its selectors).
# Checked: the hub's access device has the NAT's public address as remote,
# the spoke's has its private address as local; routes learned over IKEv2
# both ways; lan1 <-> hlan works; on the hub's wire only IKE and ESP in UDP
# 4500, no plain ESP or GRE. Then the addresses move, and the plugin's
# ike_update path follows them with the same devices:
#  - the NAT gets a new public address (its old one deleted, which flushes
#    the masqueraded connections): the spoke's next ESP packet arrives from
#    the new address, the hub's kernel reports the new mapping
#    (XFRM_MSG_MAPPING), charon's update_sa_job moves the IKE_SA, or the
#    spoke's MOBIKE DPD sees the NAT-D hashes change and sends
#    UPDATE_SA_ADDRESSES, whichever comes first; the hub's device gets the
#    new remote;
#  - the spoke's own address changes (MOBIKE roaming): the spoke's device
#    gets the new local.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq dumpcap tshark nft
require_plugin

topo_site hub 0
topo_lan hub 0 hlan
topo_nat nat1 1 spoke1
topo_lan spoke1 1 lan1
template_new hub vt1
template_new spoke1 vt1

hub4=$(outer4 0) public=$(outer4 1) public2=198.18.1.2
private=$(nat_inside4 1 2) private2=$(nat_inside4 1 3)
charon_conf hub "profiles { hub { template = vt1
	connections = spokes
	routes = $(lan4_net 0)
	accept = 203.0.113.0/24 le 28 } }"
charon_conf spoke1 "profiles { spoke { template = vt1
	connections = hub
	routes = $(lan4_net 1)
	accept = 0.0.0.0/0 le 32 } }"
charon_start hub
charon_start spoke1
swanctl_load hub "$(swanctl_hub flexvpn-nat-psk)"
swanctl_load spoke1 "$(swanctl_spoke 1 "$hub4" flexvpn-nat-psk)"

pcap=$FV_TMP/wan.pcapng
capture_start hub wan "$pcap"
check "spoke1 connects through the NAT" \
	swanctl_ns spoke1 --initiate --child gre --timeout 30
[ "$TAP_FAILED" -eq 0 ] || exit 1

# ------------------------------------------------------------ NAT-T

check "hub: charon saw the spoke behind a NAT" \
	grep -q 'remote host is behind NAT' "$FV_TMP/hub/charon.log"
check "hub: the ESP SAs are UDP-encapsulated (port 4500)" \
	eq "$(n hub ip xfrm state | grep -c 'encap type espinudp sport 4500 dport 4500')" 2
check "hub: one access device" eq "$(link_count hub vaccess)" 1
check "spoke1: one access device" eq "$(link_count spoke1 vaccess)" 1
hva=$(n hub flexvpn -j access list | jq -r '.[0].ifname')
sva=$(n spoke1 flexvpn -j access list | jq -r '.[0].ifname')
idx_h=$(ifindex hub "$hva") idx_s=$(ifindex spoke1 "$sva")
check "hub: the device's remote is the NAT's public address" \
	eq "$(access_field hub "$hva" remote)" "$public"
check "hub: the device's local is the hub's address" \
	eq "$(access_field hub "$hva" local)" "$hub4"
check "spoke1: the device's local is its private address" \
	eq "$(access_field spoke1 "$sva" local)" "$private"
check "spoke1: the device's remote is the hub" \
	eq "$(access_field spoke1 "$sva" remote)" "$hub4"

routes() { ipn "$1" route show proto 249; }
has_route() { routes "$1" | grep -q "^$2 dev $3 " || { routes "$1"; return 1; }; }
check "hub learned lan1 through $hva" has_route hub "$(lan4_net 1)" "$hva"
check "spoke1 learned hlan through $sva" has_route spoke1 "$(lan4_net 0)" "$sva"

check "lan1 -> hlan" ping_ok lan1 "$(lan4 0 2)"
check "hlan -> lan1" ping_ok hlan "$(lan4 1 2)"
check "hub: lan1's packets came in through $hva" \
	gt "$(access_stat hub "$hva" rx_packets)" 0
# the receive hook takes GRE only out of an SA between exactly the device's
# outer addresses: decapsulated in place, ESP in UDP leaves the translated
# outer header to GRE, and charon installed the SAs with those addresses
check "hub: no packet refused as unprotected" \
	eq "$(access_stat hub "$hva" rx_unprotected)" 0
check "spoke1: no packet refused as unprotected" \
	eq "$(access_stat spoke1 "$sva" rx_unprotected)" 0
capture_stop
capture_udp "$pcap"
check "ESP in UDP 4500 crossed the hub's wire" \
	gt "$(frames_udp "$pcap" 'p ~ /:udp:(udpencap:)?esp/ && sport == 4500 && dport == 4500')" 10
check "the hub's wire has nothing but IKE (UDP 500/4500) and ESP in UDP 4500" \
	eq "$(frames_udp "$pcap" 'p !~ /:udp:/ || (sport != 4500 && sport != 500) || (dport != 4500 && dport != 500)')" 0
check "no plain ESP, no GRE on the hub's wire" \
	eq "$(frames_udp "$pcap" 'p ~ /:gre/ || (p ~ /:esp/ && p !~ /:udp:/)')" 0
check "the spoke's private address never reaches the hub's wire" \
	eq "$(frames_udp "$pcap" "src == \"$private\" || dst == \"$private\"")" 0

# ------------------------------------------------------------ NAT address change

same_devices()
{
	eq "$(ifindex hub "$hva")" "$idx_h" && eq "$(ifindex spoke1 "$sva")" "$idx_s" &&
	eq "$(link_count hub vaccess)" 1 && eq "$(link_count spoke1 vaccess)" 1
}
hub_remote_is() { eq "$(access_field hub "$hva" remote)" "$1"; }

# hlan sends towards lan1 all through both moves: whatever the hub sends
# while its device and the SAs move must not leave in the clear
pcap2=$FV_TMP/move.pcapng
capture_start hub wan "$pcap2"
n hlan ping -q -i 0.02 -W 1 -w 25 "$(lan4 1 2)" > "$FV_TMP/ping.out" 2>&1 &
ping_pid=$!
pid_record "$ping_pid"

# the NAT's address moves, as after a new DHCP lease: deleting the old one
# drops the connections masqueraded with it, so the spoke's next packet
# leaves from the new address
ipn nat1 -batch - <<-EOF
	addr del $public/24 dev wan
	addr add $public2/24 dev wan
	route add 0.0.0.0/0 via 198.18.1.254
EOF
check "after the NAT's address change: lan1 -> hlan again" ping_ok lan1 "$(lan4 0 2)"
check "hub: the device's remote follows the NAT to $public2" \
	busywait 20000 hub_remote_is "$public2"
check "hub: the plugin logged the update" \
	grep -qF "flexvpn: $hva now $hub4 - $public2" "$FV_TMP/hub/charon.log"
how="the spoke's MOBIKE update"
if grep -q 'NAT mappings of CHILD_SA .* changed to' "$FV_TMP/hub/charon.log"; then
	how="the kernel's new mapping (XFRM_MSG_MAPPING)"
fi
diag "the hub learned the new address from: $how"
check "the NAT's address change keeps the devices (same ifindex)" same_devices
check "hub: the SAs were moved to $public2" \
	eq "$(n hub ip xfrm state | grep -c "^src \($public2 dst $hub4\|$hub4 dst $public2\)$")" 2
check "hub still has lan1's route through $hva" has_route hub "$(lan4_net 1)" "$hva"
check "after the NAT's address change: hlan -> lan1" ping_ok hlan "$(lan4 1 2)"

# ------------------------------------------------------------ MOBIKE roaming

spoke_local_is() { eq "$(access_field spoke1 "$sva" local)" "$1"; }
# a new address first, then the old one goes (promoted, so the subnet and
# the default route stay): charon's roam event starts MOBIKE
n spoke1 sysctl -qw net.ipv4.conf.wan.promote_secondaries=1
ipn spoke1 addr add "$private2/24" dev wan
ipn spoke1 addr del "$private/24" dev wan
ipn spoke1 route replace 0.0.0.0/0 via "$(nat_inside4 1 1)"
check "spoke1: the device's local follows the spoke to $private2 (MOBIKE)" \
	busywait 30000 spoke_local_is "$private2"
check "spoke1: the plugin logged the update" \
	grep -qF "flexvpn: $sva now $private2 - $hub4" "$FV_TMP/spoke1/charon.log"
check "spoke1: charon moved the IKE_SA with MOBIKE" \
	grep -q 'generating INFORMATIONAL request .*N(UPD_SA_ADDR)' "$FV_TMP/spoke1/charon.log"
check "roaming keeps the devices (same ifindex)" same_devices
check "hub: the device's remote is still the NAT's address" hub_remote_is "$public2"
check "after roaming: lan1 -> hlan" ping_ok lan1 "$(lan4 0 2)"
check "after roaming: hlan -> lan1" ping_ok hlan "$(lan4 1 2)"

wait "$ping_pid" || true
capture_stop
diag "ping during the moves: $(tail -n 2 "$FV_TMP/ping.out" | head -n 1)"
capture_udp "$pcap2"
check "while the addresses moved: no plain ESP, no GRE on the hub's wire" \
	eq "$(frames_udp "$pcap2" 'p ~ /:gre/ || (p ~ /:esp/ && p !~ /:udp:/)')" 0

for ns in hub spoke1; do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
charon_stop spoke1
charon_stop hub
check "charon stopped: no access device left" \
	eq "$(( $(link_count hub vaccess) + $(link_count spoke1 vaccess) ))" 0
