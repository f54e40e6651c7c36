#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nhrp_trigger.sh: the hub's NHRP redirect trigger, and NHRP (GRE 0x2001)
# through access devices.
#
#  ┌──────────┐   ┌───────────────┐                     ┌───────────────┐   ┌──────────┐
#  │ lan1     │   │ spoke1        │                     │ spoke2        │   │ lan2     │
#  │   eth0 ──┼───┼── lan   va ┄┄┄┼┄┄┄┄┄┄┐       ┌┄┄┄┄┄┄┼┄┄ va    lan ──┼───┼── eth0   │
#  └──────────┘   │  vt1   wan ───┼──┐   ┆       ┆   ┌──┼─── wan   vt1  │   └──────────┘
#                 └───────────────┘  │ ┌─┴───────┴─┐ │  └───────────────┘
#                                    └─┤s1  inet s2├─┘   ┌────────────────┐
#                                      │     s9 ───┼─────┼ wan  attacker  │
#                                      └─────┬─────┘     │ lo: spoke1's   │
#                 ┌──────────────────────────┼────────┐  │ outer address  │
#                 │ hub  ┌ vrf-in ────────┐  │        │  └────────────────┘
#                 │      │ vt1 va(s1)     │  wan      │
#                 │      │ vt2 va(s2)     │           │
#                 │      └────────────────┘           │
#                 └───────────────────────────────────┘
#
# The hub's access devices sit in an inside VRF (what a real hub has, and
# what hides the ingress device from skb_iif). LAN1 -> LAN2 goes through the
# hub: in on spoke1's access device, out on spoke2's. `flexvpn -j monitor`
# on the hub records the events; a device created and deleted after the
# traffic is the marker that every event of that traffic has been read
# (events of one socket arrive in order, and the redirect is sent while
# the packet is forwarded, before the answer comes back).
#
# Asserts: a hairpin packet triggers one event with the two ifindexes, the
# inner addresses and the packet's head (IPv4 and IPv6), and is forwarded;
# under sustained traffic the events for one (ingress, destination) are at
# most one per interval over the window, and more than one; redirect off,
# or different network-ids, trigger nothing, and making the network-ids
# equal again (live) triggers again; NHRP payloads cross an access device
# between AF_PACKET sockets both ways, only ESP on the wire, tshark
# decrypting them to GRE 0x2001; plain GRE 0x2001 spoofed from the spoke's
# address is dropped (rx_unprotected) and never reaches the socket.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq python3 dumpcap tshark

topo_site hub 0
topo_site spoke1 1
topo_site spoke2 2
topo_site attacker 9
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2

ipn hub link add vrf-in type vrf table 10
ipn hub link set vrf-in up
template_new hub vt1 nhrp-network-id 1 nhrp-redirect on
template_new hub vt2 nhrp-network-id 2 nhrp-redirect on
ipn hub link set vt1 master vrf-in
ipn hub link set vt2 master vrf-in

hub4=$(outer4 0)
declare -A hubva spokeva

# hub_side S TEMPLATE: spoke S's access device on the hub, from TEMPLATE
hub_side()
{
	local s=$1
	hubva[$s]=$(access_new hub "$2" remote "$(outer4 "$s")" local "$hub4" \
		peer-id "spoke$s.example")
	tunnel_addrs hub "${hubva[$s]}" "$s" 1
	ipn hub route add "$(lan4_net "$s")" via "$(tun4 "$s" 2)" vrf vrf-in
	ipn hub -6 route add "$(lan6_net "$s")" via "$(tun6 "$s" 2)" vrf vrf-in
}

for s in 1 2; do
	template_new "spoke$s" vt1
	spokeva[$s]=$(access_new "spoke$s" vt1 remote "$hub4" \
		local "$(outer4 "$s")" peer-id hub.example)
	xfrm_gre_transport hub "$hub4" "spoke$s" "$(outer4 "$s")"
	tunnel_addrs "spoke$s" "${spokeva[$s]}" "$s" 2
	hub_side "$s" vt1
done
ipn spoke1 route add "$(lan4_net 2)" via "$(tun4 1 1)"
ipn spoke1 -6 route add "$(lan6_net 2)" via "$(tun6 1 1)"
ipn spoke2 route add "$(lan4_net 1)" via "$(tun4 2 1)"
ipn spoke2 -6 route add "$(lan6_net 1)" via "$(tun6 2 1)"

check "template show: default redirect interval 2s" \
	eq "$(n hub flexvpn -j template show vt1 | jq '.[0].nhrp_redirect_interval_ms')" 2000

# ------------------------------------------------------------ the events

events=$FV_TMP/events
bg hub flexvpn -j monitor > "$events"
MARKS=0

# sync: every event of what happened before is in $events
sync_events()
{
	local va
	MARKS=$((MARKS + 1))
	va=$(access_new hub vt1 remote 198.51.100.$MARKS local "$hub4")
	n hub flexvpn access del "$va"
	busywait 15000 grep -q "\"event\":\"del\",\"ifname\":\"$va\"" "$events"
}
check "monitor listens" sync_events

# redirects IN DST: events so far from ingress device IN toward DST
redirects()
{
	jq -c --arg in "$1" --arg dst "$2" \
		'select(.event == "redirect" and .in == $in and .dst == $dst)' \
		"$events" | wc -l
}
ifindex() { ipn hub -j link show dev "$1" | jq .[0].ifindex; }
# hex of an IPv4 address, as in the packet head
hex4() { printf '%02x' ${1//./ }; }

l1=$(lan4 1 2) l2=$(lan4 2 2)
check "lan1 -> lan2 IPv4 through the hub (forwarded)" ping_ok lan1 "$l2" -c 1
sync_events
ev=$(jq -c --arg d "$l2" 'select(.event == "redirect" and .dst == $d)' "$events" | head -n 1)
diag "event: $ev"
check "hairpin IPv4 triggers a redirect" gt "$(redirects "${hubva[1]}" "$l2")" 0
check "redirect: ingress and egress devices by ifindex" \
	eq "$(echo "$ev" | jq -r '"\(.ifindex_in) \(.ifindex_out) \(.out)"')" \
	"$(ifindex "${hubva[1]}") $(ifindex "${hubva[2]}") ${hubva[2]}"
check "redirect: network-id and inner addresses" \
	eq "$(echo "$ev" | jq -r '"\(.network_id) \(.src) \(.dst)"')" "1 $l1 $l2"
# an 84-byte echo request: IPv4 header, ICMP echo (type 8) at byte 20
check "redirect: the packet's head (IPv4 header, addresses, ICMP echo)" \
	eq "$(echo "$ev" | jq -r '"\(.packet_len) \(.packet[0:2]) \(.packet[24:40]) \(.packet[40:42])"')" \
	"84 45 $(hex4 "$l1")$(hex4 "$l2") 08"
check "redirect: the whole 84-byte packet carried (below the 128-byte bound)" \
	eq "$(echo "$ev" | jq -r '.packet | length')" 168

l62=$(lan6 2 2)
check "lan1 -> lan2 IPv6 through the hub" ping_ok lan1 "$l62" -c 1
sync_events
ev6=$(jq -c --arg d "$l62" 'select(.event == "redirect" and .dst == $d)' "$events" | head -n 1)
check "hairpin IPv6 triggers a redirect, addresses and head" \
	eq "$(echo "$ev6" | jq -r '"\(.in) \(.src) \(.packet[0:1])"')" \
	"${hubva[1]} $(lan6 1 2) 6"

# ------------------------------------------------------------ the limiter

check "redirect interval set live: 200ms" \
	n hub flexvpn template set vt1 nhrp-redirect-interval 200ms
check "template show: nhrp-redirect-interval 200ms" \
	eq "$(n hub flexvpn template show vt1 | grep -o 'nhrp-redirect-interval [^ ]*')" \
	"nhrp-redirect-interval 200ms"
before=$(redirects "${hubva[1]}" "$l2")
t0=$(now_ms)
n lan1 ping -q -c 300 -i 0.01 -W 1 "$l2" > "$FV_TMP/flood" 2>&1 || true
t1=$(now_ms)
sync_events
got=$(( $(redirects "${hubva[1]}" "$l2") - before ))
sent=$(awk '/transmitted/ { print $1 }' "$FV_TMP/flood")
# the first may go at once, then one per full 200 ms of the window (the
# limiter counts jiffies: a stamp may be up to one tick late, 10 ms covers
# HZ 100 and up)
most=$(( (t1 - t0 + 10) / 200 + 1 ))
diag "$sent packets in $((t1 - t0)) ms: $got redirects (at most $most)"
check "sustained hairpin traffic: at most one redirect per interval" \
	ge "$most" "$got"
check "sustained hairpin traffic: redirects keep coming" ge "$got" 3
check "sustained hairpin traffic: far fewer redirects than packets" \
	gt "$sent" $(( got * 5 ))

# ------------------------------------------------------------ nothing

count_all() { grep -c '"event":"redirect"' "$events" || true; }

n hub flexvpn template set vt1 nhrp-redirect off
c0=$(count_all)
check "redirect off: still forwarded" ping_ok lan1 "$l2" -c 1
sync_events
check "redirect off: no event" eq "$(count_all)" "$c0"
n hub flexvpn template set vt1 nhrp-redirect on

# spoke2's hub device from vt2: another network-id
n hub flexvpn access del "${hubva[2]}"
hub_side 2 vt2
c0=$(count_all)
check "different network-ids: still forwarded" ping_ok lan1 "$l2" -c 1
check "different network-ids: still forwarded (IPv6)" ping_ok lan1 "$l62" -c 1
sync_events
check "different network-ids: no event" eq "$(count_all)" "$c0"

n hub flexvpn template set vt2 nhrp-network-id 1
check "same network-id again (live): traffic" ping_ok lan1 "$l2" -c 1
sync_events
check "same network-id again (live): events again" gt "$(count_all)" "$c0"

# ------------------------------------------------------------ NHRP over the device

nhrp_py=$FV_TMP/nhrp.py
cat > "$nhrp_py" <<'EOF'
import socket, sys
ETH_P_NHRP = 0x2001
mode, dev = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_NHRP))
if mode == "send":
    s.sendto(bytes.fromhex(sys.argv[3]), (dev, ETH_P_NHRP))
    sys.exit(0)
s.bind((dev, ETH_P_NHRP))
s.settimeout(float(sys.argv[3]))
print("ready", flush=True)
try:
    data, addr = s.recvfrom(2048)
    print("got %04x %s" % (addr[1], data.hex()), flush=True)
except socket.timeout:
    print("timeout", flush=True)
EOF

# nhrp_listen NS DEV SECONDS: an AF_PACKET socket for 0x2001 on DEV, output
# in $FV_TMP/rx.NS; returns once it is bound
nhrp_listen()
{
	bg "$1" python3 "$nhrp_py" recv "$2" "$3" > "$FV_TMP/rx.$1"
	NHRP_PID=$BG_PID
	busywait 15000 grep -q ready "$FV_TMP/rx.$1"
}
nhrp_got() { grep -q "^got 2001 $2\$" "$FV_TMP/rx.$1"; }

# an NHRP Resolution Request's fixed header (afn 1, proto 0x0800, type 1)
payload=0001080000000000001c0000010400000000000000000000
capture_start hub wan "$FV_TMP/wan.pcapng"
check "hub: AF_PACKET socket bound to ${hubva[1]} for 0x2001" \
	nhrp_listen hub "${hubva[1]}" 15
n spoke1 python3 "$nhrp_py" send "${spokeva[1]}" "$payload"
check "spoke -> hub: the NHRP payload arrives on the hub's access device" \
	busywait 15000 nhrp_got hub "$payload"
pid_stop "$NHRP_PID"
check "spoke: AF_PACKET socket bound to ${spokeva[1]} for 0x2001" \
	nhrp_listen spoke1 "${spokeva[1]}" 15
n hub python3 "$nhrp_py" send "${hubva[1]}" "${payload}ff"
check "hub -> spoke: the NHRP payload arrives on the spoke's access device" \
	busywait 15000 nhrp_got spoke1 "${payload}ff"
pid_stop "$NHRP_PID"

# The capture hands packets over in blocks (a second or so late): stopping
# it right away loses the last ones, so wait until both are in the file.
pcap=$FV_TMP/wan.pcapng
nhrp_frames() { frames "$pcap" 'p ~ /:esp:gre/ && $11 ~ /2001/'; }
nhrp_on_wire() { capture_decode "$pcap" && [ "$(nhrp_frames)" -ge "$1" ]; }
busywait 30000 nhrp_on_wire 2 || true
capture_stop
capture_decode "$pcap"
check "NHRP on the wire: ESP, decrypted to GRE 0x2001, both ways" \
	eq "$(nhrp_frames)" 2
check "NHRP on the wire: no cleartext GRE" \
	eq "$(frames "$pcap" 'p ~ /^eth:ethertype:ip(v6)?:gre/')" 0
check "NHRP on the wire: no bad ICV" \
	eq "$(frames "$pcap" 'icvbad ~ /1/')" 0

# ------------------------------------------------------------ spoofed NHRP

spoof_py=$FV_TMP/spoof.py
cat > "$spoof_py" <<'EOF'
import socket, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
s.bind((src, 0))
for _ in range(n):
    s.sendto(bytes.fromhex("00002001") + b"spoofed nhrp", (dst, 0))
EOF
ipn attacker addr add "$(outer4 1)/32" dev lo
unp0=$(access_stat hub "${hubva[1]}" rx_unprotected)
rx0=$(access_stat hub "${hubva[1]}" rx_packets)
nhrp_listen hub "${hubva[1]}" 3
n attacker python3 "$spoof_py" "$(outer4 1)" "$hub4" 5
stat_reached() { [ "$(access_stat hub "${hubva[1]}" rx_unprotected)" -ge "$1" ]; }
check "spoofed plain GRE 0x2001 counted in rx_unprotected" \
	busywait 10000 stat_reached $(( unp0 + 5 ))
wait "$NHRP_PID" || true
check "spoofed NHRP never reaches the socket" grep -q '^timeout$' "$FV_TMP/rx.hub"
check "spoofed NHRP not delivered: rx_packets unchanged" \
	eq "$(access_stat hub "${hubva[1]}" rx_packets)" "$rx0"
