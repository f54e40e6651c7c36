#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: a FlexVPN hub with two spokes, driven by charon and the flexvpn
# plugin, inside the guest (`make demo` runs it there). Every charon runs
# the configuration of the README's "A hub and its spokes", read from
# README.md itself, so what the demo shows is what a person copying the
# README gets. It prints what a network engineer would look at: the IKE_SAs,
# the access devices the plugin created, the routes learned over IKEv2,
# traffic from LAN1 to LAN2 through the hub, the wire, a shaped spoke, a
# spoke leaving; then the spoke back, NHRP turned on (the README's "NHRP
# shortcuts") and LAN1 -> LAN2 moving from the hub to a shortcut between
# the spokes, and `flexvpn nhrp flush` taking it down again.
#
#   lan1 ── spoke1 ──┐                         ┌── spoke2 ── lan2
#                    └── inet ── hub (charon) ─┘
#        the spokes know only the hub's address; the hub's access devices
#        (GRE in ESP transport mode) sit in its inside VRF vrf-in
#
#   lan1 ── spoke1 ═══════ inet ═══════ spoke2 ── lan2
#        the shortcut: an IKE_SA and access devices of the spokes' own,
#        found with NHRP through the hub
#
# The topology and charon helpers are the selftests' (selftests/lib.sh), so
# the demo shows what selftests/plugin_hub.sh checks.

set -e
source "$(dirname "$0")/../selftests/lib.sh"

require_module
require_cmd jq dumpcap tshark
require_plugin

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# on NS CMD...: run CMD in NS, showing it the way a person would type it
on() { local ns=$1; shift; printf '[%s] $ %s\n' "$ns" "$*"; n "$ns" "$@"; }
# sw NS ARGS...: swanctl against NS's charon, shown the same way
sw() { local ns=$1; shift; printf '[%s] $ swanctl %s\n' "$ns" "$*"; swanctl_ns "$ns" "$@"; }
# load NS TEXT: swanctl --load-all of TEXT in NS (swanctl's complaints about
# the credential folders it did not find left out)
load()
{
	printf '[%s] $ swanctl --load-all\n' "$1"
	swanctl_load "$1" "$2"
	grep -v '^opening directory' "$FV_TMP/$1/swanctl.out"
}
# show_file NS PATH TEXT: show TEXT as the content of file PATH on NS
show_file() { printf '[%s] %s:\n%s\n' "$1" "$2" "$(sed 's/^/  | /' <<< "$3")"; }

# run NS BLOCK: the command lines of README block BLOCK, one by one, on NS
run()
{
	local line text
	text=$(readme "$2")
	while read -r line; do
		# shellcheck disable=SC2086 # the README's command line, word by word
		on "$1" $line
	done <<< "$text"
}

# fail WHAT: the demo cannot go on; the charon logs say why.
fail()
{
	echo "demo: $*" >&2
	for ns in hub spoke1 spoke2; do
		echo "--- $ns charon.log (tail)" >&2
		tail -n 15 "$FV_TMP/$ns/charon.log" >&2 2>/dev/null || true
	done
	exit 1
}

# routes NS [TABLE [-6]]: the routes the plugin installed (proto 249)
routes() { ipn "$1" ${3:+"$3"} route show table "${2:-main}" proto 249; }
nroutes() { routes "$@" | wc -l; }
hub_dev() { n hub flexvpn -j access list | jq -r --arg p "spoke$1.example" '.[] | select(.peer_id == $p) | .ifname'; }

say "kernel $(uname -r), flexvpn.ko loaded, $($CHARON --version 2>&1 | head -n 1 || echo charon)"

topo_site hub 0
topo_site spoke1 1
topo_site spoke2 2
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2

# ------------------------------------------------------------ the hub

say "the hub $(outer4 0) (README \"A hub and its spokes\"): inside VRF vrf-in, template vt1"
run hub "hub setup"
# README "Shaping spokes": a 100 Mbit/s WAN, spokes at 10 that may borrow up to 20
on hub flexvpn template set vt1 parent-rate 100mbit access-rate 10mbit access-ceil 20mbit

say "the hub's charon: the README's flexvpn.conf with the small-spoke profile of \"Shaping spokes\" first, and its swanctl.conf"
hub_flexvpn=$(readme "hub flexvpn.conf")
small=$(readme "hub shaping profile")
hub_flexvpn=${hub_flexvpn/"    profiles {"/"    profiles {"$'\n'"$small"}
[[ $hub_flexvpn == *"$small"* ]] || fail "no '    profiles {' line in the README's hub flexvpn.conf"
hub_swanctl=$(readme "hub swanctl.conf")
show_file hub /etc/strongswan.d/charon/flexvpn.conf "$hub_flexvpn"
show_file hub /etc/swanctl/conf.d/hub.conf "$hub_swanctl"
# charon_conf wants what goes inside charon.plugins.flexvpn { }
charon_conf hub "$(sed '1d;$d' <<< "$hub_flexvpn")"
charon_start hub
load hub "$hub_swanctl"

# ------------------------------------------------------------ the spokes

say "the spokes: the README's spoke configuration; each knows only the hub's address"
show_file spoke1 /etc/strongswan.d/charon/flexvpn.conf "$(spoke_flexvpn 1)"
show_file spoke1 /etc/swanctl/conf.d/hub.conf "$(spoke_conf 1 swanctl.conf)"
show_file spoke1 /etc/swanctl/conf.d/shortcut.conf "$(spoke_conf 1 shortcut.conf)"
echo "spoke2: the same, with its own name and LAN:"
diff -U0 <(spoke_flexvpn 1; spoke_swanctl 1) <(spoke_flexvpn 2; spoke_swanctl 2) |
	grep '^[-+] ' || true
spoke_up() { [ -n "$(hub_dev "$1")" ]; }
for s in 1 2; do
	on "spoke$s" ip link add vt1 type vtemplate
	charon_conf "spoke$s" "$(spoke_flexvpn "$s" | sed '1d;$d')"
	charon_start "spoke$s"
	# start_action = start: loading the connection brings it up; one
	# after the other, so that spoke1 gets va1
	load "spoke$s" "$(spoke_swanctl "$s")"
	busywait 60000 spoke_up "$s" || fail "spoke$s did not come up"
done

# up when the hub has a device per spoke and both spokes' LANs (IPv4, IPv6)
# in vrf-in, and each spoke the hub's two summaries
all_up()
{
	[ "$(link_count hub vaccess)" = 2 ] &&
	[ "$(nroutes hub 10)" = 2 ] && [ "$(nroutes hub 10 -6)" = 2 ] &&
	[ "$(nroutes spoke1)" = 1 ] && [ "$(nroutes spoke1 main -6)" = 1 ] &&
	[ "$(nroutes spoke2)" = 1 ] && [ "$(nroutes spoke2 main -6)" = 1 ]
}
busywait 60000 all_up || fail "the spokes did not come up with their routes"
va1=$(hub_dev 1) va2=$(hub_dev 2)

# ------------------------------------------------------------ control plane

say "IKEv2 on the hub: one IKE_SA per spoke, each with a GRE child in transport mode"
sw hub --list-sas

say "the access devices the plugin created: peer identity, IKE_SA, learned routes, shaper"
on hub flexvpn access list
on hub flexvpn access show
on hub ip -br link show master vrf-in

say "routes learned over IKEv2 (proto 249): the hub's inside VRF, and spoke1"
on hub ip route show vrf vrf-in proto 249
on hub ip -6 route show vrf vrf-in proto 249
on spoke1 ip route show proto 249
on spoke1 ip -6 route show proto 249

# ------------------------------------------------------------ data plane

say "LAN1 reaches LAN2 through the hub (IPv4 and IPv6)"
pcap=$FV_TMP/hub-wan.pcapng
capture_start hub wan "$pcap"
ping_ok lan1 "$(lan4 2 2)" > /dev/null || fail "lan1 does not reach lan2 (IPv4)"
ping_ok lan1 "$(lan6 2 2)" > /dev/null || fail "lan1 does not reach lan2 (IPv6)"
on lan1 ping -c 3 -i 0.2 "$(lan4 2 2)"
on lan1 ping -c 3 -i 0.2 "$(lan6 2 2)"
capture_stop

say "the wire at the hub: ESP only; decrypted with charon's keys (ip xfrm state) into GRE"
# C.UTF-8: tshark's arrows
LC_ALL=C.UTF-8 on hub tshark -n -r "$pcap" -c 6 2> /dev/null || true
esp_record hub
mapfile -t esp_opts < <(esp_uat_opts)
printf '[hub] $ tshark -n -r %s -o esp.enable_encryption_decode:TRUE -o uat:esp_sa:<keys of ip xfrm state> -Y gre -c 4\n' "${pcap##*/}"
LC_ALL=C.UTF-8 tshark -n -r "$pcap" "${esp_opts[@]}" -Y gre -c 4 2> /dev/null || true
capture_decode "$pcap"
echo "the layers of frame 1: $(awk -F'\t' '{ print $1; exit }' "$pcap.txt")"
echo "frames on the hub's wan: $(frames "$pcap" 'p ~ /:esp/') ESP," \
	"$(frames "$pcap" 'p ~ /:gre/ && p !~ /:esp/ || (p !~ /:esp/ && addr ~ /203\.0\.113\.|2001:db8:20[0-9]:/)') in the clear," \
	"$(frames "$pcap" 'p ~ /:esp:gre:/') decrypted into GRE"

say "shaping: spoke2 fell under the small profile (2 Mbit/s, ceil 4), spoke1 has the template's 10/20"
echo "40 pings of 1300 bytes sent at once to lan2: they queue on the hub and leave at spoke2's ceil"
on lan1 ping -q -c 40 -l 40 -s 1300 -W 5 "$(lan4 2 2)" || true
on hub flexvpn access show "$va2"
on hub flexvpn template show vt1

# ------------------------------------------------------------ a spoke leaves

say "spoke2 disconnects: the hub deletes its device and the routes through it"
sw spoke2 --terminate --ike hub
spoke2_gone()
{
	[ -z "$(hub_dev 2)" ] && [ "$(nroutes hub 10)" = 1 ] && [ "$(nroutes hub 10 -6)" = 1 ] &&
	[ "$(link_count spoke2 vaccess)" = 0 ]
}
busywait 20000 spoke2_gone || fail "spoke2's device or routes stayed on the hub"
on hub flexvpn access list
on hub ip route show vrf vrf-in proto 249
on hub ip -6 route show vrf vrf-in proto 249
on spoke2 flexvpn access list
echo "[hub] what the plugin logged:"
grep -h 'flexvpn:' "$FV_TMP/hub/charon.log" | sed 's/^/  /'

say "$va1 still carries spoke1"

# ------------------------------------------------------------ NHRP shortcuts

say "NHRP shortcuts (README \"NHRP shortcuts\"): spoke2 connects again, the templates get their NHRP settings"
printf '[spoke2] $ swanctl --initiate --child gre --ike hub\n'
swanctl_ns spoke2 --initiate --child gre --ike hub --timeout 30 | tail -n 1
busywait 60000 all_up || fail "spoke2 did not come back"
va1=$(hub_dev 1) va2=$(hub_dev 2)
run hub "hub nhrp setup"
run spoke1 "spoke nhrp setup"
run spoke2 "spoke nhrp setup"
on hub flexvpn access list

# spoke_dev I PEER: spoke I's access device to PEER (an identity)
spoke_dev() { n "spoke$1" flexvpn -j access list | jq -r --arg p "$2" '.[] | select(.peer_id == $p) | .ifname'; }
# dev_of NS DST: the device NS routes DST through
dev_of() { ipn "$1" -j route get "$2" | jq -r '.[0].dev'; }
l1=$(lan4 1 2) l2=$(lan4 2 2) l1v6=$(lan6 1 2) l2v6=$(lan6 2 2)
sva1=$(spoke_dev 1 hub.example)
# both spokes route each other's LAN (IPv4, IPv6) through a shortcut device
shortcut_up()
{
	local sc1 sc2
	sc1=$(spoke_dev 1 spoke2.example) sc2=$(spoke_dev 2 spoke1.example)
	[ -n "$sc1" ] && [ -n "$sc2" ] &&
	[ "$(dev_of spoke1 "$l2")" = "$sc1" ] && [ "$(dev_of spoke1 "$l2v6")" = "$sc1" ] &&
	[ "$(dev_of spoke2 "$l1")" = "$sc2" ] && [ "$(dev_of spoke2 "$l1v6")" = "$sc2" ]
}
hub_rx() { link_stat hub "$va1" rx packets; }

say "LAN1 -> LAN2 starts through the hub; the hub's redirect makes the spokes resolve each other"
on spoke1 ip route get "$l2"
bg hub flexvpn monitor > "$FV_TMP/monitor"
MONITOR=$BG_PID
sleep 0.5
rx0=$(hub_rx) t0=$(now_ms)
printf '[lan1] $ ping -i 0.1 %s & ping -i 0.1 %s &   (10 a second each, left running)\n' "$l2" "$l2v6"
bg lan1 ping -q -i 0.1 "$l2" > /dev/null
PING4=$BG_PID
bg lan1 ping -q -i 0.1 "$l2v6" > /dev/null
PING6=$BG_PID
busywait 60000 shortcut_up || fail "no shortcut between the spokes"
t1=$(now_ms) rx1=$(hub_rx)
sc1=$(spoke_dev 1 spoke2.example) sc2=$(spoke_dev 2 spoke1.example)
echo "the shortcut carries both directions $(( (t1 - t0 + 500) / 1000 )) s after the first ping (TCG); until then the hub's $va1 took $((rx1 - rx0)) packets"
pid_stop "$MONITOR" INT
# the hex of the packet left out
printf '[hub] $ flexvpn monitor\n'
grep '^redirect' "$FV_TMP/monitor" | sed 's/ packet [0-9a-f]*$/ packet .../' | head -n 4
echo "[hub] what the plugin logged:"
grep -h 'flexvpn: NHRP' "$FV_TMP/hub/charon.log" | head -n 8 | sed 's/^/  /'

say "the NHRP caches: spoke2's LAN through spoke1's new device ($sc1), and spoke1's LAN answered to spoke2"
on spoke1 flexvpn nhrp show
on spoke2 flexvpn nhrp show

say "the shortcut: a second IKE_SA on each spoke, spoke to spoke, with its own access device"
sw spoke1 --list-sas
on spoke1 flexvpn access list
on spoke2 flexvpn access list

say "spoke1 routes LAN2 through the shortcut now ($sva1 goes to the hub, $sc1 to spoke2)"
on spoke1 ip route show proto 249
on spoke1 ip -6 route show proto 249
on spoke1 ip route get "$l2"
on spoke1 ip -6 route get "$l2v6"

say "the hub is out of the path: its $va1 no longer counts lan1's pings, spoke1's $sc1 does"
sc_tx() { link_stat spoke1 "$sc1" tx packets; }
a=$(hub_rx) b=$(sc_tx)
on hub ip -s link show dev "$va1"
sleep 3
on hub ip -s link show dev "$va1"
echo "in 3 s of 20 pings a second: the hub's $va1 rx +$(( $(hub_rx) - a )), spoke1's $sc1 tx +$(( $(sc_tx) - b ))"
pid_stop "$PING4"
pid_stop "$PING6"
echo "[spoke1] what the plugin logged:"
grep -h 'flexvpn: .*\(NHRP\|shortcut\)' "$FV_TMP/spoke1/charon.log" | sed 's/^/  /'
echo "[spoke2] what the plugin logged:"
grep -h 'flexvpn: .*\(NHRP\|shortcut\)' "$FV_TMP/spoke2/charon.log" | sed 's/^/  /'

say "flexvpn nhrp flush on spoke1: route, devices and IKE_SA go; LAN2 is through the hub again"
on spoke1 flexvpn nhrp flush
gone() { [ -z "$(spoke_dev 1 spoke2.example)" ] && [ -z "$(spoke_dev 2 spoke1.example)" ]; }
busywait 20000 gone || fail "the shortcut stayed after flexvpn nhrp flush"
on spoke1 ip route get "$l2"
on spoke1 flexvpn access list
on spoke2 flexvpn access list
sw spoke1 --list-sas

say "the spokes talk through the hub again; their next traffic to each other builds a new shortcut"
