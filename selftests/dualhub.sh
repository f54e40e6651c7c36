#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two hubs at once (IKEv2 routing): spokes with an IKE_SA to each hub, both
# hubs announcing the same prefixes. One charon with the plugin per
# namespace:
#
#   lan1 ── spoke1 ──┬── hub1 (svc 198.51.100.1-24, 2001:db8:300::1)
#   lan2 ── spoke2 ──┴── hub2 (svc 198.51.100.1-24, 2001:db8:300::1)
#   (each spoke to each hub; the outer sides hang off "inet")
#
# Both hubs announce 198.51.100.0/24 and 2001:db8:300::/48, where each has
# the same service addresses (anycast: whichever hub a spoke routes to
# answers, through the device it came by). The spokes' profiles mark both
# peers as hubs (hub = yes): spoke1's with metric 10 for hub1 (active) and
# 20 for hub2 (standby), spoke2's with 10 for both (ECMP); DPD every
# second, dpd_action = restart, keyingtries = 0 (lib.sh's retransmit_tries
# 3, timeout 1: a dead hub is given up after about 12 s).
# Checked: spoke1 routes each hub's prefixes through the hub's own device
# with its metric (not refused as "already learned"), spoke2 by one route
# through both; lan1 reaches the service through hub1, lan2's flows to 24
# addresses take both hubs. Then hub1 fails three ways in turn (its charon
# killed with SIGKILL and restarted, its link down, nft dropping its IKE
# and ESP): the spokes' devices to hub1 and their routes go, no route
# points at a missing device, both LANs keep reaching the service through
# hub2 (the pings lost meanwhile are counted, at 10 per second); hub1
# back: the spokes connect again by themselves and the traffic returns.
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq nft
require_plugin

topo_site hub1 0
topo_site spoke1 1
topo_site hub2 2
topo_site spoke2 3
topo_lan spoke1 1 lan1
topo_lan spoke2 3 lan2

svc4=198.51.100.1 svc6=2001:db8:300::1
for h in hub1 hub2; do
	{
		echo "link add svc type dummy"
		echo "link set svc up"
		for i in $(seq 1 24); do echo "addr add 198.51.100.$i/32 dev svc"; done
		echo "addr add $svc6/128 dev svc nodad"
	} | ipn "$h" -batch -
	template_new "$h" vt1
done
template_new spoke1 vt1
template_new spoke2 vt1

for h in hub1 hub2; do
	charon_conf "$h" "profiles { spokes { template = vt1
		connections = spokes
		routes = 198.51.100.0/24, 2001:db8:300::/48
		accept = $(lan4_net 1) le 28, $(lan6_net 1) le 64, $(lan4_net 3) le 28, $(lan6_net 3) le 64 } }"
done
# spoke_profile I HUB METRIC: spokeI's profile for HUB
spoke_profile()
{
	echo "$2 { template = vt1
		connections = $2
		hub = yes
		metric = $3
		routes = $(lan4_net "$1"), $(lan6_net "$1")
		accept = 0.0.0.0/0 le 32, ::/0 le 128 }"
}
charon_conf spoke1 "profiles { $(spoke_profile 1 hub1 10) $(spoke_profile 1 hub2 20) }"
charon_conf spoke2 "profiles { $(spoke_profile 3 hub1 10) $(spoke_profile 3 hub2 10) }"

psk=flexvpn-dualhub-psk
# spoke_conn SPOKE HUB ADDRESS: SPOKE's connection to HUB
spoke_conn()
{
	echo "connections { $2 {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 1s
	keyingtries = 0
	remote_addrs = $3
	local { auth = psk
		id = $1.example }
	remote { auth = psk
		id = $2.example }
	children { $(gre_child gre 'dpd_action = restart') }
} }"
}
hub_conf() { swanctl_hub "$psk" | sed "s/id = hub.example/id = $1.example/"; }

for ns in hub1 hub2 spoke1 spoke2; do
	charon_start "$ns"
done
swanctl_load hub1 "$(hub_conf hub1)"
swanctl_load hub2 "$(hub_conf hub2)"
for s in spoke1 spoke2; do
	swanctl_load "$s" "$(spoke_conn "$s" hub1 "$(outer4 0)"; spoke_conn "$s" hub2 "$(outer4 2)"
		echo "secrets { ike { secret = $psk } }")"
done

initiate() { swanctl_ns "$1" --initiate --child gre --ike "$2" --timeout 30 > "$FV_TMP/$1.$2.initiate" 2>&1; }
for s in spoke1 spoke2; do
	check "$s connects to hub1" initiate "$s" hub1
	check "$s connects to hub2" initiate "$s" hub2
done
[ "$TAP_FAILED" -eq 0 ] || exit 1

to_hub() { access_to "$1" "$2.example"; }
# routes NS FAMILY PREFIX: NS's routes to PREFIX, "DEV[,DEV]:METRIC",
# sorted (a route by a nexthop group lists its members' devices)
routes()
{
	ipn "$1" -j "$2" route show "$3" proto 249 |
		jq -r '.[] | "\(.dev // ([.nexthops[].dev] | sort | join(","))):\(.metric // 0)"' |
		sort | tr '\n' ' '
}
# dangling NS: NS's proto 249 routes through a device that does not exist
dangling()
{
	local dev
	for dev in $({ ipn "$1" -j route show table all proto 249
		       ipn "$1" -j -6 route show table all proto 249; } |
		     jq -r '.[] | .dev // .nexthops[].dev'); do
		ipn "$1" link show "$dev" > /dev/null 2>&1 || echo "$dev"
	done
}
# both: spoke2's devices to the two hubs, as routes() lists a group's
both() { tr '\n' ',' <<< "$(printf '%s\n' "$s2va1" "$s2va2" | sort)" | sed 's/,$//'; }
# reach24: lan2 reaches each of the 24 service addresses
reach24()
{
	local i
	for i in $(seq 1 24); do
		n lan2 ping -n -q -c 1 -W 2 "198.51.100.$i" > /dev/null ||
			{ echo "no answer from 198.51.100.$i"; return 1; }
	done
}
# spread: reach24; each of spoke2's devices must have carried some (flows
# hash onto the paths: all 24 on one of two has a chance of 2^-23)
spread()
{
	local tx1 tx2
	tx1=$(link_stat spoke2 "$s2va1" tx packets) tx2=$(link_stat spoke2 "$s2va2" tx packets)
	reach24 || return 1
	gt "$(link_stat spoke2 "$s2va1" tx packets)" "$tx1" &&
		gt "$(link_stat spoke2 "$s2va2" tx packets)" "$tx2"
}

va1=$(to_hub spoke1 hub1) va2=$(to_hub spoke1 hub2)
s2va1=$(to_hub spoke2 hub1) s2va2=$(to_hub spoke2 hub2)
check "spoke1: hub1's prefix through its device with metric 10, hub2's with 20 (IPv4)" \
	eq "$(routes spoke1 -4 198.51.100.0/24)" "$va1:10 $va2:20 "
check "spoke1: hub1's prefix through its device with metric 10, hub2's with 20 (IPv6)" \
	eq "$(routes spoke1 -6 2001:db8:300::/48)" "$va1:10 $va2:20 "
check "spoke2: one route through both hubs' devices, metric 10 (IPv4)" \
	eq "$(routes spoke2 -4 198.51.100.0/24)" "$(both):10 "
check "spoke2: one route through both hubs' devices, metric 10 (IPv6)" \
	eq "$(routes spoke2 -6 2001:db8:300::/48)" "$(both):10 "
diag "spoke2: $(ipn spoke2 route show 198.51.100.0/24 proto 249 | tr -s '\n\t ' ' ')"
for s in spoke1 spoke2; do
	check "$s refused none of the hubs' prefixes" \
		not grep -q "refused route" "$FV_TMP/$s/charon.log"
done
check "lan1 reaches the service (IPv4)" ping_ok lan1 "$svc4"
check "lan1 reaches the service (IPv6)" ping_ok lan1 "$svc6"
check "spoke1 routes the service through hub1 (metric 10)" \
	eq "$(route_dev spoke1 "$svc4")" "$va1"
check "lan2 reaches the service (IPv6)" ping_ok lan2 "$svc6"
check "lan2's flows to 24 addresses take both hubs (ECMP)" spread

# nft_drop NS on|off: NS drops (or no longer drops) incoming IKE and ESP
nft_drop()
{
	if [ "$2" = on ]; then
		n "$1" nft -f - <<-EOF
			table inet fvdrop {
				chain input {
					type filter hook input priority -10;
					udp dport { 500, 4500 } drop
					meta l4proto esp drop
				}
			}
		EOF
	else
		n "$1" nft delete table inet fvdrop
	fi
}

# fail HOW / recover HOW: hub1 goes and comes back. A killed charon leaves
# the kernel's SAs and the access device behind: hub1 still forwards, and
# the spoke sees ESP from it, so DPD stays quiet (checked). Restarted (by
# systemd, on a gateway), the charon deletes the stale device; until the
# spoke's DPD gives up, hub1 must not answer it, or the spoke would connect
# again before its old IKE_SA is seen to be dead: the restart happens behind
# the nft drop, which recover lifts.
fail()
{
	case $1 in
	kill)
		charon_stop hub1 KILL
		check "hub1's charon killed: its kernel still carries the traffic" \
			ping_ok lan1 "$svc4"
		check "hub1's charon killed: spoke1 still routes through hub1" \
			eq "$(route_dev spoke1 "$svc4")" "$va1"
		nft_drop hub1 on
		charon_start hub1
		swanctl_load hub1 "$(hub_conf hub1)"
		check "hub1's charon restarted: it deleted its stale device" \
			eq "$(link_count hub1 vaccess)" 0
		;;
	link) ipn inet link set s0 down ;;
	nft) nft_drop hub1 on ;;
	esac
}
recover()
{
	case $1 in
	kill | nft) nft_drop hub1 off ;;
	link) ipn inet link set s0 up ;;
	esac
}
# lost FILE: "LOST of SENT" from ping's summary
lost()
{
	awk '/packets transmitted/ { print $1 - $4 " of " $1 }' "$1"
}

# gone: the devices spoke1 and spoke2 had to hub1 are no more (new ones
# may have another ifindex, or their names)
gone()
{
	! ipn spoke1 -j link show | jq -e --argjson i "$idx1" 'any(.ifindex == $i)' > /dev/null &&
	! ipn spoke2 -j link show | jq -e --argjson i "$idx2" 'any(.ifindex == $i)' > /dev/null
}
back()
{
	va1=$(to_hub spoke1 hub1) s2va1=$(to_hub spoke2 hub1)
	[ -n "$va1" ] && [ "$(route_dev spoke1 "$svc4")" = "$va1" ] && [ -n "$s2va1" ] &&
		[ "$(routes spoke2 -4 198.51.100.0/24)" = "$(both):10 " ]
}
for how in kill link nft; do
	bg lan1 ping -n -i 0.1 -W 1 "$svc4" > "$FV_TMP/ping.$how" 2>&1
	pinger=$BG_PID
	idx1=$(ifindex spoke1 "$va1") idx2=$(ifindex spoke2 "$s2va1")
	fail "$how"
	check "hub1 fails ($how): the spokes' devices to it go (DPD)" busywait 60000 gone
	check "hub1 fails ($how): spoke1's routes to the service only through hub2" \
		eq "$(routes spoke1 -4 198.51.100.0/24)$(routes spoke1 -6 2001:db8:300::/48)" "$va2:20 $va2:20 "
	check "hub1 fails ($how): spoke2's routes to the service only through hub2" \
		eq "$(routes spoke2 -4 198.51.100.0/24)$(routes spoke2 -6 2001:db8:300::/48)" "$s2va2:10 $s2va2:10 "
	check "hub1 fails ($how): no route through a missing device" \
		eq "$(dangling spoke1)$(dangling spoke2)" ""
	check "hub1 fails ($how): lan1 reaches the service through hub2 (IPv4)" \
		ping_ok lan1 "$svc4"
	check "hub1 fails ($how): lan1 reaches the service through hub2 (IPv6)" \
		ping_ok lan1 "$svc6"
	check "hub1 fails ($how): lan2 reaches all 24 service addresses through hub2" \
		reach24
	pid_stop "$pinger" INT
	diag "hub1 failed ($how): $(lost "$FV_TMP/ping.$how") pings lost at 10/s"

	bg lan1 ping -n -i 0.1 -W 1 "$svc4" > "$FV_TMP/ping.$how.back" 2>&1
	pinger=$BG_PID
	recover "$how"
	check "hub1 back ($how): the spokes connect again, the routes through hub1 return" \
		busywait 60000 back
	check "hub1 back ($how): spoke1 keeps hub2's routes as the standby" \
		eq "$(routes spoke1 -4 198.51.100.0/24)" "$va1:10 $va2:20 "
	check "hub1 back ($how): lan1 reaches the service (IPv4)" ping_ok lan1 "$svc4"
	pid_stop "$pinger" INT
	diag "hub1 back ($how): $(lost "$FV_TMP/ping.$how.back") pings lost at 10/s"
done

check "lan2's flows take both hubs again (ECMP)" spread
for ns in hub1 hub2 spoke1 spoke2; do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
