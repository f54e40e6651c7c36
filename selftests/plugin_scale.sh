#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The charon plugin at scale: 50 spokes connect to one hub at once. The
# spokes are split over a few charons (10 per namespace), each spoke with its
# own outer address, identity, VRF, template and profile, as if each were a
# box of its own; the hub is the README's minimal hub (one connection with
# remote_addrs = %any, one profile), without a front-door VRF, its template
# in the inside VRF vrf-in:
#
#   ┌───────────────────────────┐
#   │ sp1: spokes 1..10         │
#   │  vrf-sI (table 100+I):    │    ┌──────┐    ┌─────────────────────┐
#   │   vtI, the access device, │────┤ inet ├────┤ hub 198.18.0.1      │
#   │   198.19.I.1 (its "LAN")  │    └──┬───┘    │  vrf-in (table 10): │
#   │  wan 198.18.1.(100+I)     │       │        │   vt1, 50 devices   │
#   └───────────────────────────┘   sp2..sp5     └─────────────────────┘
#
# Spoke I announces 198.19.I.0/24 and 2001:db8:300:I::/64 (the address on
# its VRF device stands for its LAN); the hub announces the summaries
# 198.19.0.0/16 and 2001:db8:300::/48. IKE uses gmp's cheapest group
# (modp1024, as benchmark B2) and every spoke initiates at once
# (start_action = start, loaded in parallel into the spokes' charons).
# Checked: 50 access devices on the hub, each owned by a distinct IKE_SA of
# swanctl --list-sas and named after its spoke; each spoke's two prefixes
# routed through exactly its own device in table 10 and nothing else; every
# spoke has the hub's summaries through its own device; a sample of
# spoke-to-spoke pings through the hub; the hub terminating all 50 leaves
# no device, proto-249 route, XFRM state or policy behind, on the hub or
# the spokes; a second round of 50 and then the hub's charon stopped
# (SIGTERM) with all 50 up: the same. The time to bring 50 up is printed.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin

SPOKES=${FLEXVPN_SCALE_SPOKES:-50}
PER=${FLEXVPN_SCALE_PER_CHARON:-10}
GROUPS_=$(( (SPOKES + PER - 1) / PER ))
PROPOSAL=aes128-sha256-modp1024
PSK='secrets { ike { secret = flexvpn-scale-psk } }'
hub4=$(outer4 0)

# spoke I's namespace number, outer address and prefixes
group() { echo $(( ($1 - 1) / PER + 1 )); }
spoke_out() { echo "198.18.$(group "$1").$(( 100 + $1 ))"; }
spoke_net4() { echo "198.19.$1.0/24"; }
spoke_net6() { echo "2001:db8:300:$1::/64"; }
spokes_of() { seq $(( ($1 - 1) * PER + 1 )) $(( $1 * PER < SPOKES ? $1 * PER : SPOKES )); }

# ------------------------------------------------------------ topology

topo_site hub 0
ipn hub -batch - <<-EOF
	link add vrf-in type vrf table 10
	link set vrf-in up
	link add vt1 type vtemplate
	link set vt1 master vrf-in
EOF
for g in $(seq "$GROUPS_"); do
	topo_site "sp$g" "$g"
	for i in $(spokes_of "$g"); do
		cat <<-EOF
			addr add $(spoke_out "$i")/24 dev wan
			link add vrf-s$i type vrf table $(( 100 + i ))
			link set vrf-s$i up
			addr add 198.19.$i.1/32 dev vrf-s$i
			addr add 2001:db8:300:$i::1/128 dev vrf-s$i nodad
			link add vt$i type vtemplate
			link set vt$i master vrf-s$i
		EOF
	done | ipn "sp$g" -batch -
done

# ------------------------------------------------------------ charons

# 50 IKE_SA_INITs at once on one emulated CPU: answers take seconds, and
# lib.sh's 1 s retransmits would only add work
more="retransmit_timeout = 4
retransmit_tries = 5"
charon_conf hub "profiles {
	hub {
		template = vt1
		connections = spokes
		routes = 198.19.0.0/16, 2001:db8:300::/48
		accept = 198.19.0.0/16 le 24, 2001:db8:300::/48 le 64
	}
}"
# and no cookies: charon 5.9.8 can still retransmit the request the
# cookie replaced, the hub answers both with different keys, and IKE_AUTH
# fails; a hub expecting 50 spokes at once lets 50 be half-open
charon_conf_more hub "$more
cookie_threshold = $(( 2 * SPOKES ))"
# the README's minimal hub, with the spokes' cheap proposal
printf '%s\n' "connections { spokes {
	proposals = $PROPOSAL
	remote_addrs = %any
	local { auth = psk
		id = hub.example }
	remote { auth = psk }
	children { $(gre_child) }
} }
$PSK" > "$FV_TMP/hub/swanctl.conf"

# spoke_profiles G / spoke_conns G: the profiles and connections of the
# spokes in namespace spG, one each per spoke
spoke_profiles()
{
	local i
	echo "profiles {"
	for i in $(spokes_of "$1"); do
		echo "s$i {
			template = vt$i
			connections = spoke-$i
			routes = $(spoke_net4 "$i"), $(spoke_net6 "$i")
			accept = 0.0.0.0/0 le 32, ::/0 le 128
		}"
	done
	echo "}"
}
spoke_conns()
{
	local i
	echo "connections {"
	for i in $(spokes_of "$1"); do
		echo "spoke-$i {
			proposals = $PROPOSAL
			local_addrs = $(spoke_out "$i")
			remote_addrs = $hub4
			local { auth = psk
				id = spoke-$i.example }
			remote { auth = psk
				id = hub.example }
			children { $(gre_child gre "start_action = start") }
		}"
	done
	echo "}"
}

for g in $(seq "$GROUPS_"); do
	charon_conf "sp$g" "$(spoke_profiles "$g")"
	charon_conf_more "sp$g" "$more"
	{ spoke_conns "$g"; echo "$PSK"; } > "$FV_TMP/sp$g/swanctl.conf"
	echo "connections { }" > "$FV_TMP/sp$g/none.conf"
done

charon_start hub
for g in $(seq "$GROUPS_"); do
	charon_start "sp$g"
done
swanctl_ns hub --load-all --noprompt --file "$FV_TMP/hub/swanctl.conf" > /dev/null 2>&1
for g in $(seq "$GROUPS_"); do
	swanctl_ns "sp$g" --load-creds --noprompt --file "$FV_TMP/sp$g/swanctl.conf" > /dev/null 2>&1
done
check "the hub's charon loaded the plugin" grep -qw flexvpn <(swanctl_ns hub --stats)
check "no proto-249 route, XFRM state or policy before" \
	eq "$(proto_routes hub) $(xfrm_count hub state) $(xfrm_count hub policy)" "0 0 0"

# ------------------------------------------------------------ bring-up

# load_spokes FILE: every spokes' charon loads its FILE at once (unloading
# the connections not in it); the spokes with start_action = start initiate
load_spokes()
{
	local g pids=() rc=0
	for g in $(seq "$GROUPS_"); do
		swanctl_ns "sp$g" --load-conns --file "$FV_TMP/sp$g/$1" \
			> "$FV_TMP/sp$g/load.out" 2>&1 &
		pids+=($!)
	done
	for g in "${pids[@]}"; do wait "$g" || rc=1; done
	return $rc
}

hub_up() { [ "$(link_count hub vaccess)" = "$SPOKES" ] && [ "$(proto_routes hub)" = $(( 2 * SPOKES )) ]; }
spokes_up()
{
	local g
	for g in $(seq "$GROUPS_"); do
		[ "$(proto_routes "sp$g")" = $(( 2 * $(spokes_of "$g" | wc -l) )) ] || return 1
	done
}
secs() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }
established() { swanctl_ns hub --list-sas --ike spokes | grep -c '^spokes: #.*ESTABLISHED' || true; }

# bring_up ROUND: all spokes initiate; the time until the hub has every
# device and route, and until every spoke has its routes
bring_up()
{
	local t0 t1 t2
	t0=$(now_ms)
	check "round $1: the spokes' charons load $SPOKES connections" load_spokes swanctl.conf
	if ! busywait $(( 60000 + 2000 * SPOKES )) hub_up; then
		tap_fail "round $1: $SPOKES spokes up on the hub" \
			"devices $(link_count hub vaccess), routes $(proto_routes hub), IKE_SAs $(established)"
		return 1
	fi
	t1=$(now_ms)
	tap_ok "round $1: $SPOKES spokes up on the hub"
	check "round $1: every spoke has the hub's routes" busywait 60000 spokes_up
	t2=$(now_ms)
	diag "round $1: $SPOKES spokes up on the hub in $(secs $(( t1 - t0 ))) s," \
		"with their routes on every spoke in $(secs $(( t2 - t0 ))) s"
}

bring_up 1 || exit 1

# ------------------------------------------------------------ devices

access_json=$FV_TMP/access.json
n hub flexvpn -j access show > "$access_json"
check "hub: $SPOKES access devices" eq "$(link_count hub vaccess)" "$SPOKES"
check "hub: $SPOKES IKE_SAs established" eq "$(established)" "$SPOKES"
check "hub: every device has an IKE_SA owner, all distinct" \
	eq "$(jq '[.[].ike_sa | select(. != null)] | unique | length' "$access_json")" "$SPOKES"
owners_are_sas()
{
	local sas
	sas=$(swanctl_ns hub --list-sas --ike spokes | sed -n 's/^spokes: #\([0-9]*\),.*/\1/p' | sort -n)
	eq "$(jq -r '.[].ike_sa' "$access_json" | sort -n)" "$sas"
}
check "hub: the owners are the hub's IKE_SAs (swanctl --list-sas)" owners_are_sas
check "hub: one device per spoke identity" \
	eq "$(jq -r '.[].peer_id' "$access_json" | sort -u)" "$(seq -f 'spoke-%g.example' "$SPOKES" | sort)"

# Each spoke's two prefixes through exactly its own device, and nothing else
# in table 10: the routes as "PREFIX DEV" against what the identities say.
route_sets()
{
	local want got id dev i
	want=$(jq -r '.[] | .peer_id + " " + .ifname' "$access_json" |
		while read -r id dev; do
			i=${id#spoke-}
			i=${i%.example}
			echo "$(spoke_net4 "$i") $dev"
			echo "$(spoke_net6 "$i") $dev"
		done | sort)
	got=$({
		ipn hub route show table 10 proto 249
		ipn hub -6 route show table 10 proto 249
	} | awk '{ for (f = 2; f < NF; f++) if ($f == "dev") print $1, $(f + 1) }' | sort)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
}
check "hub: each spoke's prefixes through its own device, nothing else (table 10)" route_sets
check "hub: no proto-249 route outside table 10" \
	eq "$(proto_routes hub)" $(( 2 * SPOKES ))
check "hub: the device lists the routes learned through it" \
	eq "$(jq '[.[].routes | length] | add' "$access_json")" $(( 2 * SPOKES ))

# Every spoke has the hub's two summaries in its VRF's table, through the
# access device in that VRF.
spoke_routes()
{
	local g i devs dev got
	for g in $(seq "$GROUPS_"); do
		devs=$(ipn "sp$g" -j link show type vaccess | jq -r '.[] | .master + " " + .ifname')
		got=$(ipn "sp$g" route show table all proto 249 | awk '{ for (f = 2; f < NF; f++) { if ($f == "dev") d = $(f + 1); if ($f == "table") t = $(f + 1) } print t, $1, d }' | sort)
		for i in $(spokes_of "$g"); do
			dev=$(echo "$devs" | awk -v v="vrf-s$i" '$1 == v { print $2 }')
			[ -n "$dev" ] || { echo "sp$g: no access device in vrf-s$i"; return 1; }
			echo "$(( 100 + i )) 198.19.0.0/16 $dev"
			echo "$(( 100 + i )) 2001:db8:300::/48 $dev"
		done | sort > "$FV_TMP/want"
		[ "$got" = "$(cat "$FV_TMP/want")" ] || { echo "sp$g:"; diff "$FV_TMP/want" <(echo "$got"); return 1; }
	done
}
check "every spoke: the hub's summaries through its own device, in its VRF" spoke_routes

# ------------------------------------------------------------ traffic

# spoke_ping FROM TO [-6]: spoke FROM's address pings spoke TO's through
# the hub (the VRF device is the source's interface)
spoke_ping()
{
	local dst=198.19.$2.1
	[ "${3:-}" != -6 ] || dst=2001:db8:300:$2::1
	ping_ok "sp$(group "$1")" "$dst" -I "vrf-s$1"
}
check "spoke 1 -> spoke $SPOKES through the hub" spoke_ping 1 "$SPOKES"
check "spoke $SPOKES -> spoke 1 through the hub (IPv6)" spoke_ping "$SPOKES" 1 -6
mid=$(( SPOKES / 2 + 1 ))
check "spoke 2 -> spoke $mid through the hub" spoke_ping 2 "$mid"
check "spokes 1 and 2 in one charon talk through the hub" spoke_ping 2 1
check "the hub forwarded the pings" \
	ge "$(jq '[.[].stats.rx_packets] | add' < <(n hub flexvpn -j access show))" 12

# ------------------------------------------------------------ terminate

# nothing_left NS...: no access device, proto-249 route, XFRM state or
# policy in any NS
nothing_left()
{
	local ns
	for ns; do
		eq "$ns: $(link_count "$ns" vaccess) $(proto_routes "$ns") $(xfrm_count "$ns" state) $(xfrm_count "$ns" policy)" \
			"$ns: 0 0 0 0" || return 1
	done
}
all_spokes() { seq -f 'sp%g' "$GROUPS_"; }

t0=$(now_ms)
check "the hub terminates all $SPOKES IKE_SAs" \
	swanctl_ns hub --terminate --ike spokes --timeout 120
diag "terminate took $(( ($(now_ms) - t0) / 1000 )) s"
check "terminated: no device, route, XFRM state or policy left on the hub" \
	busywait 20000 nothing_left hub
# shellcheck disable=SC2046 # one namespace name per word
check "terminated: nor on the spokes" busywait 20000 nothing_left $(all_spokes)

# ------------------------------------------------------------ charon stops

# the spokes' connections out and in again: start_action starts them again
check "the spokes' charons unload their connections" load_spokes none.conf
bring_up 2 || exit 1
check "round 2: $SPOKES distinct owners" \
	eq "$(n hub flexvpn -j access show | jq '[.[].ike_sa] | unique | length')" "$SPOKES"
check "round 2: spoke 1 -> spoke $SPOKES through the hub" spoke_ping 1 "$SPOKES"

t0=$(now_ms)
charon_stop hub
diag "the hub's charon stopped in $(( ($(now_ms) - t0) / 1000 )) s"
check "hub charon stopped: no device, route, XFRM state or policy left" nothing_left hub
check "hub log: every device created was deleted" \
	eq "$(grep -c 'flexvpn: IKE_SA .* gone: deleted' "$FV_TMP/hub/charon.log")" \
	"$(grep -c 'flexvpn: IKE_SA .*: created' "$FV_TMP/hub/charon.log")"
# charon's roam events are on (its default): access devices coming and
# going must not count as address changes of the hub, or it would send
# every MOBIKE peer an address list update for each (N * N exchanges)
check "the hub sent no MOBIKE address list update for its access devices" \
	eq "$(grep -c 'sending address list update' "$FV_TMP/hub/charon.log" || true)" 0
for ns in hub $(all_spokes); do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
for g in $(seq "$GROUPS_"); do
	charon_stop "sp$g"
done
# shellcheck disable=SC2046
check "spokes' charons stopped: nothing left on the spokes" nothing_left $(all_spokes)
