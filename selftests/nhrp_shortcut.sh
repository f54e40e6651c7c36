#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NHRP shortcut switching end to end, one charon with the plugin per
# namespace (the reference topology of lib.sh):
#
#   lan1 ── spoke1 ──┐                 ┌── spoke2 ── lan2
#                    └── inet ── hub ──┘
#
# The hub's template has NHRP network-id 1 with redirects on (in the inside
# VRF vrf-in), its profile nhrp = yes; each spoke has a hub profile with
# shortcut = shortcut and a profile for that connection. Checked: lan1 ->
# lan2 starts through the hub, the hub's redirect makes spoke1 resolve,
# spoke2 brings up the shortcut IKE_SA and answers through it, spoke1 routes
# lan2's prefix through the new device, and the hub's counters stop growing
# for that traffic; the same for lan2 -> lan1 (over the same shortcut); the
# NHRP cache in `flexvpn nhrp show`; every NHRP packet on the wire is inside
# ESP and tshark decodes it without warnings; refresh while used; idle
# shortcuts removed (devices, IKE_SAs, routes) after the hold time; `flexvpn
# nhrp flush`; a shortcut that cannot be built (IKE between the spokes
# dropped) leaves the traffic with the hub, is logged, and retried with a
# back-off.
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq dumpcap tshark nft
require_plugin

HOLD=${NHRP_HOLD:-15}
nhrp_topo "$HOLD"
hub4=$(outer4 0)

# spoke_conf I: the hub connection, and the shortcut connection
spoke_conf()
{
	swanctl_spoke "$1" "$hub4" flexvpn-test-psk
	swanctl_shortcut "$1"
}

for ns in hub spoke1 spoke2; do
	charon_start "$ns"
done
swanctl_load hub "$(swanctl_hub flexvpn-test-psk)"
swanctl_load spoke1 "$(spoke_conf 1)"
swanctl_load spoke2 "$(spoke_conf 2)"

initiate() { swanctl_ns "$1" --initiate --child gre --ike hub --timeout 30 > "$FV_TMP/$1.initiate" 2>&1; }
check "spoke1 connects to the hub" initiate spoke1
check "spoke2 connects to the hub" initiate spoke2
[ "$TAP_FAILED" -eq 0 ] || exit 1

hub_dev() { access_to hub "spoke$1.example"; }
# spoke_dev I PEER: spoke I's access device to PEER (an identity)
spoke_dev() { access_to "spoke$1" "$2"; }
hva1=$(hub_dev 1) hva2=$(hub_dev 2)
sva1=$(spoke_dev 1 hub.example) sva2=$(spoke_dev 2 hub.example)
diag "hub: $hva1 (spoke1) $hva2 (spoke2); spokes: $sva1 $sva2"

check "NHRP runs: the plugin's control socket answers (nothing cached)" \
	eq "$(n spoke1 flexvpn -j nhrp show | jq length)" 0

# ------------------------------------------------------------ the shortcut

# one capture per spoke link: a frame seen twice in one capture would be
# an ESP replay to tshark
capture_start inet s1 "$FV_TMP/s1.pcapng"
CAP1=$CAPTURE_PID
capture_start inet s2 "$FV_TMP/s2.pcapng"
CAP2=$CAPTURE_PID
esp_record hub

l1=$(lan4 1 2) l2=$(lan4 2 2)
check "before: spoke1 routes lan2 through the hub" eq "$(route_dev spoke1 "$l2")" "$sva1"

t0=$(now_ms)
bg lan1 ping -q -i 0.1 -c 3000 "$l2"
PING1=$BG_PID
shortcut1() { [ -n "$(spoke_dev 1 spoke2.example)" ] && [ "$(route_dev spoke1 "$l2")" = "$(spoke_dev 1 spoke2.example)" ]; }
check "lan1 -> lan2: spoke1 routes lan2 through a shortcut device" busywait 30000 shortcut1
t1=$(now_ms)
diag "first packet -> route through the shortcut: $((t1 - t0)) ms (TCG)"
sc1=$(spoke_dev 1 spoke2.example) sc2=$(spoke_dev 2 spoke1.example)
diag "shortcut devices: $sc1 (spoke1), $sc2 (spoke2)"
esp_record spoke1
check "spoke2 has the shortcut device too" test -n "$sc2"
check "spoke1's shortcut device has spoke2's outer address" \
	eq "$(access_field spoke1 "$sc1" remote)" "$(outer4 2)"
nhrp_route() { ipn "$1" route show proto 249 | grep -q "^$2 dev $3 " || { ipn "$1" route show proto 249; return 1; }; }
check "the route is spoke2's LAN prefix (its length from the reply), proto 249" \
	nhrp_route spoke1 "$(lan4_net 2)" "$sc1"
# spoke2 answers spoke1's request by initiating, unless both resolved at
# once: then the one with the lower outer address (spoke1) builds it
initiated() { grep -q "initiating shortcut connection 'shortcut' to $(outer4 1)" "$FV_TMP/spoke2/charon.log" || grep -q "initiating shortcut connection 'shortcut' to $(outer4 2)" "$FV_TMP/spoke1/charon.log"; }
check "a spoke initiated the shortcut IKE_SA on an NHRP request" initiated
check "the hub forwarded spoke1's Resolution Request to spoke2" \
	grep -q "Resolution Request (id [0-9]*) for $l2 forwarded from $hva1 to $hva2" "$FV_TMP/hub/charon.log"

# the hub's counters of spoke1's device, while traffic goes on
hub_rx() { link_stat hub "$hva1" rx packets; }
sleep 1
a=$(hub_rx)
sleep 3
b=$(hub_rx)
diag "hub rx on $hva1 over 3 s of 10 pings/s after the switch: $((b - a))"
check "after the switch the hub no longer carries lan1 -> lan2 (rx grew < 5 in 3 s)" \
	test $((b - a)) -lt 5
check "lan1 -> lan2 goes through spoke1's shortcut device" \
	test "$(link_stat spoke1 "$sc1" tx packets)" -gt 20

# the other direction: the replies hairpinned through the hub until spoke2
# resolved lan1 (over the same shortcut: no second IKE_SA)
shortcut2() { [ "$(route_dev spoke2 "$l1")" = "$sc2" ]; }
check "lan2 -> lan1: spoke2 routes lan1 through its shortcut device" busywait 20000 shortcut2
# (if both spokes built one at once, the one spoke1 initiated stays)
one_sa() { [ "$(swanctl_ns spoke1 --list-sas --ike shortcut | grep -c ESTABLISHED)" -eq 1 ]; }
check "one shortcut IKE_SA between the spokes" busywait 10000 one_sa
hub_tx() { link_stat hub "$hva1" tx packets; }
a=$(hub_tx)
sleep 3
b=$(hub_tx)
check "after both switches the hub sends spoke1 nothing of it (tx grew < 5 in 3 s)" \
	test $((b - a)) -lt 5

# IPv6 inside, over the same shortcut (IPv4 outside): spoke2 answers
# through the device it has
l62=$(lan6 2 2)
check "IPv6 before: spoke1 routes lan2 through the hub" eq "$(route_dev spoke1 "$l62")" "$sva1"
bg lan1 ping -q -i 0.1 -c 3000 "$l62"
PING6=$BG_PID
shortcut6() { [ "$(route_dev spoke1 "$l62")" = "$sc1" ]; }
check "IPv6 lan1 -> lan2: spoke1 routes lan2 through the shortcut" busywait 20000 shortcut6
check "the IPv6 route is spoke2's /64, proto 249" \
	eq "$(ipn spoke1 -6 -j route show proto 249 | jq -r --arg p "$(lan6_net 2)" '.[] | select(.dst == $p) | .dev')" "$sc1"
check "still one shortcut IKE_SA" one_sa
pid_stop "$PING6"

# the cache
show1=$(n spoke1 flexvpn -j nhrp show)
diag "spoke1: $(n spoke1 flexvpn nhrp show | tr '\n' '|')"
check "spoke1's cache: dynamic $(lan4_net 2) through $sc1, NBMA $(outer4 2)" \
	eq "$(echo "$show1" | jq -r --arg p "$(lan4_net 2)" '.[] | select(.type == "dynamic" and .prefix == $p) | "\(.device) \(.nbma) \(.protocol)"')" \
	"$sc1 $(outer4 2) $(lan4 2 1)"
check "spoke1's cache: local $(lan4_net 1) answered to spoke2" \
	eq "$(echo "$show1" | jq -r --arg p "$(lan4_net 1)" '.[] | select(.type == "local" and .prefix == $p) | "\(.device) \(.nbma)"')" \
	"$sc1 $(outer4 2)"
check "spoke1's cache: dynamic $(lan6_net 2), protocol address spoke2's in it" \
	eq "$(echo "$show1" | jq -r --arg p "$(lan6_net 2)" '.[] | select(.type == "dynamic" and .prefix == $p) | "\(.device) \(.protocol)"')" \
	"$sc1 $(lan6 2 1)"
check "the hold time counts down from $HOLD s" \
	test "$(echo "$show1" | jq '[.[] | select(.type == "dynamic") | .expires] | max')" -le "$HOLD"

# refresh while used: the traffic runs past the hold time
sleep "$HOLD"
check "refreshed while used: the shortcut outlives its hold time" \
	eq "$(route_dev spoke1 "$l2")" "$sc1"
check "spoke1 logged the refresh" grep -q "NHRP route $(lan4_net 2) through $sc1 refreshed" "$FV_TMP/spoke1/charon.log"
pid_stop "$PING1"

# ------------------------------------------------------------ expiry

gone() { [ -z "$(spoke_dev 1 spoke2.example)" ] && [ -z "$(spoke_dev 2 spoke1.example)" ]; }
t0=$(now_ms)
check "idle: the shortcut is removed on both spokes within 2 hold times" \
	busywait $((2 * HOLD * 1000 + 5000)) gone
diag "idle teardown after $(( ($(now_ms) - t0) / 1000 )) s (hold $HOLD s)"
check "spoke1 routes lan2 through the hub again" eq "$(route_dev spoke1 "$l2")" "$sva1"
check "no NHRP routes left on spoke1" not grep -q "$(lan4_net 2)" <(ipn spoke1 route show proto 249)
check "no shortcut IKE_SA left" not grep -q ESTABLISHED <(swanctl_ns spoke1 --list-sas --ike shortcut)
check "the hub still has both spokes" eq "$(link_count hub vaccess)" 2

# ------------------------------------------------------------ wire

pid_stop "$CAP1" INT
pid_stop "$CAP2" INT
esp_record spoke2
pcap=$FV_TMP/s1.pcapng
pcap_nhrp()
{
	local uat f
	mapfile -t uat < <(esp_uat_opts)
	for f in s1 s2; do
		tshark -n -r "$FV_TMP/$f.pcapng" "${uat[@]}" -Y nhrp -T fields \
			-E separator=/t -E occurrence=a -e frame.protocols \
			-e nhrp.hdr.op.type -e _ws.expert.severity -e _ws.malformed \
			2> "$FV_TMP/tshark.err" || return 1
	done > "$pcap.nhrp"
}
check "tshark decodes the capture" pcap_nhrp
nhrp_type() { awk -F'\t' -v t="$1" '$2 == t' "$pcap.nhrp" | wc -l; }
diag "NHRP frames: $(wc -l < "$pcap.nhrp") (TI $(nhrp_type 8), request $(nhrp_type 1), reply $(nhrp_type 2))"
check "Traffic Indications on the wire" test "$(nhrp_type 8)" -gt 0
check "Resolution Requests on the wire (sent and forwarded)" test "$(nhrp_type 1)" -ge 2
check "Resolution Replies on the wire" test "$(nhrp_type 2)" -ge 1
check "every NHRP packet inside ESP" \
	eq "$(awk -F'\t' '$1 !~ /:esp:gre:nhrp/' "$pcap.nhrp" | wc -l)" 0
nhrp_warned()
{
	local uat n
	n=$(awk -F'\t' '$3 != "" || $4 != ""' "$pcap.nhrp" | wc -l)
	[ "$n" -eq 0 ] && return 0
	mapfile -t uat < <(esp_uat_opts)
	tshark -n -r "$pcap" "${uat[@]}" -Y "nhrp && (_ws.expert || _ws.malformed)" \
		-c 1 -V 2> /dev/null | awk '/^Next Hop/,0' | head -80 | sed 's/^/#   /'
	echo "$n NHRP frames with expert items"
	return 1
}
check "tshark decodes every NHRP packet without warnings" nhrp_warned

# ------------------------------------------------------------ flush

bg lan1 ping -q -i 0.2 -c 1000 "$l2"
PING1=$BG_PID
check "the shortcut forms again" busywait 30000 shortcut1
# traffic going on would build it again right away
pid_stop "$PING1"
check "flexvpn nhrp flush empties spoke1's cache" \
	grep -q "^flushed [1-9]" <(n spoke1 flexvpn nhrp flush)
check "flush removed the route" not grep -q "$(lan4_net 2)" <(ipn spoke1 route show proto 249)
check "flush tore the shortcut down" busywait 15000 gone
check "flush needs CAP_NET_ADMIN" \
	not n spoke1 setpriv --bounding-set -net_admin flexvpn nhrp flush 2> /dev/null

# ------------------------------------------------------------ a lying requester

# spoke1 asks for lan2 naming someone else's outer address as its own: the
# hub vouches for the address spoke1's IKE_SA comes from (Cisco's NAT
# Address extension) and spoke2 builds the shortcut to that one only.
liar=198.51.100.99
mark2=$(wc -l < "$FV_TMP/spoke2/charon.log")
n spoke1 python3 "$(dirname "$0")/nhrp_request.py" "$sva1" "$liar" "$(lan4 1 1)" "$l2"
vouched() { grep -q "Resolution Request on $hva1 names NBMA address $liar, its tunnel comes from $(outer4 1): vouching for $(outer4 1)" "$FV_TMP/hub/charon.log"; }
check "the hub vouches for spoke1's real outer address" busywait 10000 vouched
built() { tail -n +"$mark2" "$FV_TMP/spoke2/charon.log" | grep -q "initiating shortcut connection 'shortcut' to $(outer4 1)"; }
check "spoke2 builds the shortcut to spoke1's real address" busywait 10000 built
check "and never to the address spoke1 claimed" \
	not grep -q "shortcut connection 'shortcut' to $liar" "$FV_TMP/spoke2/charon.log"
check "spoke1 ignores the reply to a request it did not make" \
	busywait 10000 grep -q "Resolution Reply (id $((0x7ffffff0))) on .* matches no request of ours" "$FV_TMP/spoke1/charon.log"
n spoke2 flexvpn nhrp flush > /dev/null
check "flushing spoke2 tears that shortcut down" busywait 15000 gone

# ------------------------------------------------------------ failure

# IKE between the spokes dropped: the traffic stays with the hub
n inet nft -f - <<-EOF
	table inet block {
		chain forward {
			type filter hook forward priority 0;
			ip saddr $(outer4 1) ip daddr $(outer4 2) udp dport { 500, 4500 } drop
			ip saddr $(outer4 2) ip daddr $(outer4 1) udp dport { 500, 4500 } drop
		}
	}
EOF
bg lan1 ping -q -i 0.2 -c 1000 "$l2"
PING1=$BG_PID
sleep 30
check "no shortcut: traffic still through the hub" eq "$(route_dev spoke1 "$l2")" "$sva1"
check "lan1 -> lan2 still works" ping_ok lan1 "$l2" -c 2
check "spoke1 logged the failed resolution and backs off" \
	grep -q "no NHRP Resolution Reply for $l2 within 5 s: its traffic stays with the hub, next try in 5 s" "$FV_TMP/spoke1/charon.log"
check "the back-off grows (next try in 10 s)" \
	grep -q "no NHRP Resolution Reply for $l2 .* next try in 10 s" "$FV_TMP/spoke1/charon.log"
check "spoke2 logged the failed shortcut and backs off" \
	grep -q "no shortcut to $(outer4 1) within 20 s" "$FV_TMP/spoke2/charon.log"
n inet nft delete table inet block
# the longest wait: spoke1's next try (20 s back-off) meeting spoke2's
check "once IKE passes again, the shortcut forms" busywait 100000 shortcut1
pid_stop "$PING1"

for ns in hub spoke1 spoke2; do
	check "$ns: charon did not crash" charon_no_crash "$ns"
done
for ns in hub spoke1 spoke2; do
	charon_stop "$ns"
done
check "charon gone: no access devices left on the spokes" \
	eq "$(( $(link_count spoke1 vaccess) + $(link_count spoke2 vaccess) ))" 0
check "charon gone: no proto-249 routes left" \
	eq "$(( $(proto_routes spoke1) + $(proto_routes spoke2) ))" 0
