#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# views.sh: what the system's own tools show of flexvpn. `ip -d link show`
# prints a template's and an access device's details through the iproute2
# link plugins (userspace/iplink/, installed into the guest's throw-away
# root as `make install` would) from the kernel's IFLA_INFO_DATA; modinfo,
# /sys/module and `flexvpn --version` show one version.
#
#  ┌─ one namespace, no traffic ───────────────────────────────────────┐
#  │ vrf-out (front-door VRF)        dummy0 (tunnel source)            │
#  │ vt1: settings off their defaults, shaper groups gold and silver   │
#  │  ├─ va: IPv4 outer, shaped in silver, peer-id spoke1, IKE owner   │
#  │  └─ va: IPv6 outer, not shaped, a peer-id with an ESC byte in it  │
#  └───────────────────────────────────────────────────────────────────┘
#
# Asserts: `ip -d -j link show` has, for each device, the fields and values
# of `flexvpn -j template show` / `access show` (less the name, which is
# ip's own field, and the peer-id, counters and routes, which link info
# leaves out: any process may read it), by ifname and in the dump alike;
# no peer-id in text or JSON, while the family still has it; the text is
# the tool's words, one line per device under `ip -o`; without the
# plugins ip still prints the kind; IFLA_INFO_DATA in RTM_NEWLINK is
# refused with the reason and creates nothing; a template at its 128
# groups still fits the link message, the family's reply and dump, and the
# 129th is refused; the versions agree.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq python3 modinfo make

# ---------------------------------------------------------------- plugins

# ip's plugin folder, as the Makefile installs into it
IPLIBDIR=/usr/lib/$(gcc -print-multiarch)/ip
if [ ! -e "$IPLIBDIR/link_vtemplate.so" ]; then
	defer make -s -C "$FLEXVPN_TOP/userspace" uninstall-iplink
fi
make -s -C "$FLEXVPN_TOP/userspace" install-iplink > /dev/null ||
	skip_all "cannot install the iproute2 plugins (make in the project first)"

# ---------------------------------------------------------------- setup

ns_new h
ipn h link add dummy0 type dummy
ipn h link add vrf-out type vrf table 10
ipn h link set dummy0 up
template_new h vt1
n h flexvpn template group add vt1 gold rate 50Mbit ceil 100Mbit
n h flexvpn template group add vt1 silver rate 20Mbit
n h flexvpn template set vt1 mtu 1400 underlay vrf-out source dummy0 \
	local 198.18.0.1 key 42 nhrp-network-id 7 nhrp-redirect on \
	nhrp-redirect-interval 500ms unprotected accept prefix tv \
	parent-rate 100Mbit esp-overhead 40 access-rate 5Mbit \
	access-ceil 10Mbit access-burst 16k access-qlen 64 access-group gold
n h flexvpn template set vt1 local 2001:db8::1
evil=$'ev\x1bil'
va4=$(access_new h vt1 remote 198.51.100.2 peer-id spoke1 \
	owner 0x5357414e00000007 rate 1Mbit group silver)
va6=$(access_new h vt1 remote 2001:db8:1::2 local 2001:db8::1 \
	peer-id "$evil" rate none)

# ---------------------------------------------------------------- JSON

# read_views DEV...: each device's details three ways, into VIEW[DEV.get]
# (ip -d -j link show dev DEV), VIEW[DEV.dump] (ip's dump of every device)
# and VIEW[DEV.tool] (flexvpn -j, less the name, which is ip's own field,
# and the peer-id, counters and routes, which link info leaves out), keys
# sorted:
# equal details are equal strings. One jq for all: it is slow to start.
declare -A VIEW
read_views()
{
	local dev view json
	for dev; do ipn h -d -j link show dev "$dev"; done > "$FV_TMP/get.json"
	ipn h -d -j link show > "$FV_TMP/dump.json"
	{ n h flexvpn -j template show; n h flexvpn -j access show; } > "$FV_TMP/tool.json"
	jq -nr --slurpfile get "$FV_TMP/get.json" \
		--slurpfile dump "$FV_TMP/dump.json" \
		--slurpfile tool "$FV_TMP/tool.json" '
		def sorted: walk(if type == "object"
			then to_entries | sort_by(.key) | from_entries else . end);
		def info($v): .[] | select(.linkinfo.info_data) |
			"\(.ifname) \($v) \(.linkinfo.info_data | sorted | tojson)";
		($get | map(.[0]) | info("get")), ($dump[0] | info("dump")),
		($tool[][] | "\(.ifname) tool \(del(.ifname, .peer_id, .stats,
			.routes, .shaper_stats) | if .groups then .groups |= map(del(.stats))
			else . end | sorted | tojson)")' > "$FV_TMP/views"
	VIEW=()
	while read -r dev view json; do
		VIEW[$dev.$view]=$json
	done < "$FV_TMP/views"
}

# same_json A B: two documents are equal; both shown otherwise
same_json()
{
	[ -n "$1" ] && [ "$1" = "$2" ] && return 0
	echo "$1"; echo "$2"
	return 1
}

read_views vt1 "$va4" "$va6"
for dev in vt1 "$va4" "$va6"; do
	check "$dev: ip -d -j link show has what flexvpn -j shows" \
		same_json "${VIEW[$dev.get]}" "${VIEW[$dev.tool]}"
	check "$dev: ip's dump of every device has the same" \
		same_json "${VIEW[$dev.dump]}" "${VIEW[$dev.get]}"
done
check "vt1: both groups, every setting" \
	eq "$(jq -c '[(.groups | map(.name)), .local6, .nhrp_redirect_interval_ms,
		.access_shaper.qlen, (keys | length)]' <<< "${VIEW[vt1.get]}")" \
	'[["gold","silver"],"2001:db8::1",500,64,17]'
check "$va4: IPv4 outer, shaped, the owner's IKE_SA" \
	eq "$(jq -c '[.remote, .shaper.group, .ike_sa]' <<< "${VIEW[$va4.get]}")" \
	'["198.51.100.2","silver",7]'
check "$va6: IPv6 outer, no peer-id, not shaped" \
	eq "$(jq -c '[.remote, has("peer_id"), .shaper]' <<< "${VIEW[$va6.get]}")" \
	'["2001:db8:1::2",false,null]'
check "$va6: the family still has the peer-id, byte for byte" \
	eq "$(access_field h "$va6" peer_id)" "$evil"

# ---------------------------------------------------------------- text

ipn h -d link show vt1 > "$FV_TMP/vt1.txt"
ipn h -d link show "$va6" > "$FV_TMP/va6.txt"
count() { grep -c "$@" || true; }
check "vt1 text: the tool's words after the kind" \
	grep -q '^    vtemplate mtu 1400 underlay vrf-out source dummy0 local 198.18.0.1 ' \
	"$FV_TMP/vt1.txt"
check "vt1 text: its shaper and groups on lines of their own" \
	eq "$(count -E '^    (shaper parent-rate 100Mbit esp-overhead 40 access-rate 5Mbit|group gold rate 50Mbit ceil 100Mbit members 0$|group silver rate 20Mbit ceil 20Mbit members 1$)' \
		"$FV_TMP/vt1.txt")" 3
check "vt1 text: ip's own details follow on a line of their own" \
	grep -qE '^    addrgenmode ' "$FV_TMP/vt1.txt"
check "$va6 text: no peer-id, not even its ESC byte" \
	eq "$(count 'peer-id' "$FV_TMP/va6.txt"):$(count $'\x1b' "$FV_TMP/va6.txt")" 0:0
check "ip -o -d: one line per device" \
	eq "$(ipn h -o -d link show | wc -l)" "$(ipn h -o link show | wc -l)"

# ---------------------------------------------------------------- no plugin

check "without the plugins ip -d -j still shows the kind, no details" \
	grep -qF '"linkinfo":{"info_kind":"vtemplate"},' \
	<(IP_LIB_DIR=$FV_TMP/none ipn h -d -j link show dev vt1)
check "without the plugins ip -d succeeds" \
	env IP_LIB_DIR="$FV_TMP/none" ip -n "$(nsname h)" -d link show dev "$va4"

# ---------------------------------------------------------------- refusal

nl() { n h python3 "$FLEXVPN_TOP/selftests/views_nl.py" "$@"; }
check "IFLA_INFO_DATA in RTM_NEWLINK: refused, with the reason" \
	eq "$(nl newlink-info-data vt9)" \
	"95 flexvpn: virtual-template settings are changed with 'flexvpn template set', not in IFLA_INFO_DATA"
check "IFLA_INFO_DATA in RTM_NEWLINK: no device made" \
	not ipn h link show dev vt9

# ---------------------------------------------------------------- 128 groups

mark=$(kmsg_mark)
check "groups 3 to 128 added" eq "$(nl groups vt1 3 128)" 126
check "group 129: refused with the limit" \
	eq "$(n h flexvpn template group add vt1 g129 rate 1Mbit 2>&1 || true)" \
	"Error: flexvpn: a template has at most 128 shaper groups"
# a notification: RTM_NEWLINK built with the template's get_size
ipn h link set vt1 mtu 1300
check "128 groups: the link message fits (no warning)" \
	not grep -E "$KMSG_SPLAT" <(kmsg_since "$mark")
check "128 groups: the family's reply (doit) has them all" \
	eq "$(n h flexvpn -j template show vt1 | jq '.[0].groups | length')" 128
read_views vt1
check "128 groups: ip -d -j link show has what flexvpn -j (dump) shows" \
	same_json "${VIEW[vt1.get]}" "${VIEW[vt1.tool]}"
check "128 groups: ip's dump has the same, the new MTU too" \
	eq "$(jq -c '[.mtu, (.groups | length)]' <<< "${VIEW[vt1.dump]}"):${VIEW[vt1.dump]}" \
	"[1300,128]:${VIEW[vt1.get]}"

# ---------------------------------------------------------------- versions

tool=$(flexvpn --version)
check "modinfo, /sys/module and flexvpn --version agree" \
	eq "$(modinfo -F version "$FLEXVPN_KO") $(cat /sys/module/flexvpn/version)" \
	"$(sed -n 's/^flexvpn //p' <<< "$tool") $(sed -n 's/^flexvpn\.ko //p' <<< "$tool")"
