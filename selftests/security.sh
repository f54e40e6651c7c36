#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# security.sh: GRE that did not come through IPsec, and who may configure.
#
#  ┌───────────────────┐                         ┌───────────────────────┐
#  │ spoke1            │                         │ attacker              │
#  │ vt1 va ┄┄┄┄┄┄┄┄┄┄┄┼┄┄┄┐ GRE/ESP             │ lo 198.18.1.1 (spoofed│
#  │ wan 198.18.1.1 ───┼─┐ ┆       plain GRE ┄┄┄┄┼┄┄ gre1  spoke1's addr)│
#  └───────────────────┘ │ ┆      ┆   ┄┄┄┄┄┄┄┄┄┄┄┼┄┄ gre9 (198.18.9.1)   │
#                      ┌─┴─┴──────┴─┴─┐     ┌────┼── wan 198.18.9.1      │
#                      │s1   inet   s9├─────┘    └───────────────────────┘
#                      │      s0      │
#                      └──────┬───────┘
#                    ┌────────┴─────────┐
#                    │ hub  wan         │
#                    │ vt1 va (spoke1)  │
#                    │ gre9 (ip_gre)    │
#                    └──────────────────┘
#
# The attacker owns spoke1's outer address on its loopback and pings the
# hub's tunnel address through an ip_gre tunnel from that address: the hub
# sees GRE from the right address pair that did not come through ESP. Its
# answers (if any) would be routed to the real spoke1, never to the attacker.
#
# Sending: without an outbound policy (no SA bundle on the route to the
# spoke) the hub's device drops and counts (tx_unprotected) what it would
# have sent in the clear; `unprotected accept` lets it out.
#
# Asserts: the spoofed GRE is dropped and counted in rx_unprotected, the
# access device's rx counters do not move and the hub's stack sees no echo
# request; with `unprotected accept` (and no inbound policy requiring ESP)
# the same GRE is delivered, and `unprotected drop` drops it again at once;
# GRE from an address pair no access device has goes to ip_gre; a user
# without CAP_NET_ADMIN gets EPERM for every flexvpn operation and changes
# nothing; inside `unshare -Urn` (CAP_NET_ADMIN over its own namespace) a
# template and an access device can be made.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq setpriv unshare
unload_at_exit ip_gre gre

topo_site hub 0
topo_site spoke1 1
topo_site attacker 9
hub4=$(outer4 0)
sp4=$(outer4 1)

template_new hub vt1
template_new spoke1 vt1
va=$(access_new hub vt1 remote "$sp4" local "$hub4" peer-id spoke1)
va_s=$(access_new spoke1 vt1 remote "$hub4" local "$sp4")
xfrm_gre_transport hub "$hub4" spoke1 "$sp4"
# IPv4 only: nothing (MLD, say) may reach the hub's device unasked while
# its rx counter is watched
ipn hub addr add "$(tun4 1 1)/30" dev "$va"
ipn spoke1 addr add "$(tun4 1 2)/30" dev "$va_s"
n spoke1 sysctl -qw "net.ipv6.conf.$va_s.disable_ipv6=1"

ipn attacker addr add "$sp4/32" dev lo
ipn attacker link add gre1 type gre local "$sp4" remote "$hub4" ttl 64
ipn attacker link set gre1 up
ipn attacker addr add "$(tun4 1 2)/30" dev gre1

check "legitimate spoke reaches the hub" ping_ok spoke1 "$(tun4 1 1)"

# attack N: N spoofed echo requests into the hub's tunnel address.
attack() { n attacker ping -q -c "$1" -i 0.1 -W 1 "$(tun4 1 1)" > /dev/null 2>&1 || true; }
stat_reached() { [ "$(access_stat hub "$va" "$1")" -ge "$2" ]; }

rx0=$(access_stat hub "$va" rx_packets)
unp0=$(access_stat hub "$va" rx_unprotected)
lrx0=$(link_stat hub "$va" rx packets)
echo0=$(snmp hub Icmp:InEchos)
attack 10
check "spoofed plain GRE counted in rx_unprotected" \
	busywait 10000 stat_reached rx_unprotected $(( unp0 + 10 ))
check "spoofed GRE not delivered: rx_packets unchanged" \
	eq "$(access_stat hub "$va" rx_packets)" "$rx0"
check "spoofed GRE not delivered: ip -s link rx unchanged" \
	eq "$(link_stat hub "$va" rx packets)" "$lrx0"
check "the hub's stack saw no echo request" \
	eq "$(snmp hub Icmp:InEchos)" "$echo0"
check "spoofed GRE not counted as policy or invalid" \
	eq "$(n hub flexvpn -j access show "$va" | jq '.[0].stats.rx_policy + .[0].stats.rx_invalid')" 0

# Unknown outer pair: the attacker's own address, an ip_gre tunnel on both
# ends. flexvpn must leave it alone.
ipn hub link add gre9 type gre local "$hub4" remote "$(outer4 9)" ttl 64
ipn attacker link add gre9 type gre local "$(outer4 9)" remote "$hub4" ttl 64
for ns in hub attacker; do ipn "$ns" link set gre9 up; done
ipn hub addr add 192.0.2.241/30 dev gre9
ipn attacker addr add 192.0.2.242/30 dev gre9
unp1=$(access_stat hub "$va" rx_unprotected)
check "GRE from an unknown pair reaches ip_gre" ping_ok attacker 192.0.2.241
check "GRE from an unknown pair is not flexvpn's" \
	eq "$(access_stat hub "$va" rx_unprotected)" "$unp1"

# unprotected accept: no inbound policy demands ESP for the pair any more.
n hub flexvpn template set vt1 unprotected accept
n hub ip xfrm policy del src "$sp4" dst "$hub4" proto gre dir in
check "template shows unprotected accept" \
	eq "$(n hub flexvpn -j template show vt1 | jq -r '.[0].unprotected')" accept
rx1=$(access_stat hub "$va" rx_packets)
unp1=$(access_stat hub "$va" rx_unprotected)
echo1=$(snmp hub Icmp:InEchos)
attack 10
check "unprotected accept: plain GRE delivered (rx_packets)" \
	busywait 10000 stat_reached rx_packets $(( rx1 + 10 ))
check "unprotected accept: the hub's stack got the echo requests" \
	ge "$(snmp hub Icmp:InEchos)" $(( echo1 + 10 ))
check "unprotected accept: rx_unprotected unchanged" \
	eq "$(access_stat hub "$va" rx_unprotected)" "$unp1"

n hub flexvpn template set vt1 unprotected drop
rx2=$(access_stat hub "$va" rx_packets)
attack 5
check "unprotected drop again: counted at once (live setting)" \
	busywait 10000 stat_reached rx_unprotected $(( unp1 + 5 ))
check "unprotected drop again: not delivered" \
	eq "$(access_stat hub "$va" rx_packets)" "$rx2"

# ------------------------------------------------------------ sending
# Without an outbound policy for the pair (an IKE daemon moving the peer,
# say) the route to the spoke has no SA bundle: the access device must not
# send the inner traffic in the clear.
ipn hub xfrm policy del src "$hub4" dst "$sp4" proto gre dir out
# only the pings below may leave through the device
n hub sysctl -qw "net.ipv6.conf.$va.disable_ipv6=1"
tun_ping() { n hub ping -q -c "$1" -i 0.1 -W 1 "$(tun4 1 2)" > /dev/null 2>&1 || true; }
capture_start hub wan "$FV_TMP/tx.pcap"
utx0=$(access_stat hub "$va" tx_unprotected)
tx0=$(access_stat hub "$va" tx_packets)
tun_ping 5
check "no SA bundle: the packets are counted in tx_unprotected" \
	eq "$(access_stat hub "$va" tx_unprotected)" $(( utx0 + 5 ))
check "no SA bundle: tx_packets unchanged" \
	eq "$(access_stat hub "$va" tx_packets)" "$tx0"
check "no SA bundle: ip -s link counts them as tx dropped" \
	ge "$(link_stat hub "$va" tx dropped)" 5
n hub flexvpn template set vt1 unprotected accept
tun_ping 3
capture_stop
capture_decode "$FV_TMP/tx.pcap"
check "no SA bundle: nothing left in the clear before unprotected accept" \
	eq "$(frames "$FV_TMP/tx.pcap" 'p ~ /:gre:/')" 3
check "unprotected accept: the template lets plain GRE out" \
	eq "$(access_stat hub "$va" tx_unprotected)" $(( utx0 + 5 ))
n hub flexvpn template set vt1 unprotected drop

# ------------------------------------------------------------ privileges

nobody() {
	n hub setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# eperm CMD...: CMD fails and says "Operation not permitted".
eperm()
{
	local err=$FV_TMP/eperm.err
	if "$@" > /dev/null 2> "$err"; then
		echo "succeeded without CAP_NET_ADMIN"
		return 1
	fi
	grep -qiE 'not permitted|EPERM' "$err" || { cat "$err"; return 1; }
}

devs0=$(ipn hub -o link | wc -l)
tmpl0=$(n hub flexvpn -j template show vt1)
check "unprivileged access add: EPERM" \
	eperm nobody flexvpn access add vt1 remote 198.18.7.1 local "$hub4"
check "unprivileged access del: EPERM" eperm nobody flexvpn access del "$va"
check "unprivileged access del template: EPERM" \
	eperm nobody flexvpn access del template vt1
check "unprivileged access set: EPERM" \
	eperm nobody flexvpn access set "$va" peer-id mallory
check "unprivileged access show: EPERM" eperm nobody flexvpn access show
check "unprivileged access list: EPERM" eperm nobody flexvpn access list
check "unprivileged template set: EPERM" \
	eperm nobody flexvpn template set vt1 unprotected accept mtu 1300
check "unprivileged template show: EPERM" eperm nobody flexvpn template show
check "unprivileged: nothing created or deleted" \
	eq "$(ipn hub -o link | wc -l)" "$devs0"
check "unprivileged: template unchanged" \
	eq "$(n hub flexvpn -j template show vt1)" "$tmpl0"
check "unprivileged: access device unchanged" \
	eq "$(access_field hub "$va" peer_id)" spoke1

userns_script='
set -e
ip link set lo up
ip addr add 198.18.5.1/32 dev lo
ip link add vt1 type vtemplate
flexvpn template set vt1 mtu 1400
va=$(flexvpn access add vt1 remote 198.18.5.2 local 198.18.5.1)
flexvpn -j access show "$va" | jq -e ".[0].template == \"vt1\"" > /dev/null
ip -o link show type vaccess | grep -c .
flexvpn access del "$va"
'
check "unshare -Urn: template and access device in an own namespace" \
	eq "$(unshare -Urn sh -c "$userns_script" 2>&1)" 1
