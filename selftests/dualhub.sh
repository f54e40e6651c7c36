#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two hubs at once (IKEv2 routing): a spoke with an IKE_SA to each hub, both
# hubs announcing the same prefixes. One charon with the plugin per
# namespace:
#
#                     ┌── hub1 (svc 198.51.100.1, 2001:db8:300::1)
#   lan1 ── spoke1 ───┤
#                     └── hub2 (svc 198.51.100.1, 2001:db8:300::1)
#   (the outer sides hang off "inet")
#
# Both hubs announce 198.51.100.0/24 and 2001:db8:300::/48, where each has
# the same service address (anycast: whichever hub the spoke routes to
# answers, through the device it came by). The spoke's profiles mark both
# peers as hubs (hub = yes), hub1 with metric 10 (active), hub2 with 20
# (standby); DPD every second, dpd_action = restart, keyingtries = 0
# (lib.sh's retransmit_tries 3, timeout 1: a dead hub is given up after
# about 12 s).
# Checked: each hub's prefixes are routed through its own device with its
# metric (not refused as "already learned"), lan1 reaches the service
# through hub1; then hub1 fails three ways in turn (its charon killed with
# SIGKILL and restarted, its link down, nft dropping its IKE and ESP): the
# spoke's device to hub1 and its routes go, no route points at a missing device, lan1 keeps
# reaching the service through hub2 (the pings lost meanwhile are counted,
# at 10 per second); hub1 back: the spoke connects again by itself and the
# traffic returns to hub1.
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq nft
require_plugin

topo_site hub1 0
topo_site spoke1 1
topo_site hub2 2
topo_lan spoke1 1 lan1

svc4=198.51.100.1 svc6=2001:db8:300::1
for h in hub1 hub2; do
	ipn "$h" -batch - <<-EOF
		link add svc type dummy
		link set svc up
		addr add $svc4/32 dev svc
		addr add $svc6/128 dev svc nodad
	EOF
	template_new "$h" vt1
done
template_new spoke1 vt1

for h in hub1 hub2; do
	charon_conf "$h" "profiles { spokes { template = vt1
		connections = spokes
		routes = 198.51.100.0/24, 2001:db8:300::/48
		accept = $(lan4_net 1) le 28, $(lan6_net 1) le 64 } }"
done
# spoke_profile HUB METRIC
spoke_profile()
{
	echo "$1 { template = vt1
		connections = $1
		hub = yes
		metric = $2
		routes = $(lan4_net 1), $(lan6_net 1)
		accept = 0.0.0.0/0 le 32, ::/0 le 128 }"
}
charon_conf spoke1 "profiles { $(spoke_profile hub1 10) $(spoke_profile hub2 20) }"

psk=flexvpn-dualhub-psk
# spoke_conn HUB ADDRESS: spoke1's connection to HUB
spoke_conn()
{
	echo "connections { $1 {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 1s
	keyingtries = 0
	remote_addrs = $2
	local { auth = psk
		id = spoke1.example }
	remote { auth = psk
		id = $1.example }
	children { $(gre_child gre 'dpd_action = restart') }
} }"
}
hub_conf() { swanctl_hub "$psk" | sed "s/id = hub.example/id = $1.example/"; }

for ns in hub1 hub2 spoke1; do
	charon_start "$ns"
done
swanctl_load hub1 "$(hub_conf hub1)"
swanctl_load hub2 "$(hub_conf hub2)"
swanctl_load spoke1 "$(spoke_conn hub1 "$(outer4 0)"; spoke_conn hub2 "$(outer4 2)"
	echo "secrets { ike { secret = $psk } }")"

initiate() { swanctl_ns spoke1 --initiate --child gre --ike "$1" --timeout 30 > "$FV_TMP/$1.initiate" 2>&1; }
check "spoke1 connects to hub1" initiate hub1
check "spoke1 connects to hub2" initiate hub2
[ "$TAP_FAILED" -eq 0 ] || exit 1

to_hub() { access_to spoke1 "$1.example"; }
# routes FAMILY PREFIX: spoke1's routes to PREFIX, "DEV:METRIC" sorted
routes()
{
	ipn spoke1 -j "$1" route show "$2" proto 249 |
		jq -r '.[] | "\(.dev):\(.metric // 0)"' | sort | tr '\n' ' '
}
# dangling: spoke1's proto 249 routes through a device that does not exist
dangling()
{
	local dev
	for dev in $(ipn spoke1 -j route show table all proto 249 | jq -r '.[].dev') \
		$(ipn spoke1 -j -6 route show table all proto 249 | jq -r '.[].dev'); do
		ipn spoke1 link show "$dev" > /dev/null 2>&1 || echo "$dev"
	done
}

va1=$(to_hub hub1) va2=$(to_hub hub2)
check "hub1's prefix through its device with metric 10, hub2's with 20 (IPv4)" \
	eq "$(routes -4 198.51.100.0/24)" "$va1:10 $va2:20 "
check "hub1's prefix through its device with metric 10, hub2's with 20 (IPv6)" \
	eq "$(routes -6 2001:db8:300::/48)" "$va1:10 $va2:20 "
check "spoke1 refused none of the hubs' prefixes" \
	not grep -q "refused route" "$FV_TMP/spoke1/charon.log"
check "lan1 reaches the service (IPv4)" ping_ok lan1 "$svc4"
check "lan1 reaches the service (IPv6)" ping_ok lan1 "$svc6"
check "spoke1 routes the service through hub1 (metric 10)" \
	eq "$(route_dev spoke1 "$svc4")" "$va1"

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

# gone: the device spoke1 had to hub1 is no more (a new one may have
# another ifindex, or its name)
gone() { ! ipn spoke1 -j link show | jq -e --argjson i "$idx1" 'any(.ifindex == $i)' > /dev/null; }
back() { va1=$(to_hub hub1); [ -n "$va1" ] && [ "$(route_dev spoke1 "$svc4")" = "$va1" ]; }
for how in kill link nft; do
	bg lan1 ping -n -i 0.1 -W 1 "$svc4" > "$FV_TMP/ping.$how" 2>&1
	pinger=$BG_PID
	idx1=$(ipn spoke1 -j link show "$va1" | jq '.[0].ifindex')
	fail "$how"
	check "hub1 fails ($how): spoke1's device to it goes (DPD)" busywait 60000 gone
	check "hub1 fails ($how): the service's routes only through hub2" \
		eq "$(routes -4 198.51.100.0/24)$(routes -6 2001:db8:300::/48)" "$va2:20 $va2:20 "
	check "hub1 fails ($how): no route through a missing device" eq "$(dangling)" ""
	check "hub1 fails ($how): lan1 reaches the service through hub2 (IPv4)" \
		ping_ok lan1 "$svc4"
	check "hub1 fails ($how): lan1 reaches the service through hub2 (IPv6)" \
		ping_ok lan1 "$svc6"
	pid_stop "$pinger" INT
	diag "hub1 failed ($how): $(lost "$FV_TMP/ping.$how") pings lost at 10/s"

	bg lan1 ping -n -i 0.1 -W 1 "$svc4" > "$FV_TMP/ping.$how.back" 2>&1
	pinger=$BG_PID
	recover "$how"
	check "hub1 back ($how): spoke1 connects again and routes the service through it" \
		busywait 60000 back
	check "hub1 back ($how): hub2's routes stay as the standby" \
		eq "$(routes -4 198.51.100.0/24)" "$va1:10 $va2:20 "
	check "hub1 back ($how): lan1 reaches the service (IPv4)" ping_ok lan1 "$svc4"
	pid_stop "$pinger" INT
	diag "hub1 back ($how): $(lost "$FV_TMP/ping.$how.back") pings lost at 10/s"
done

for ns in hub1 hub2 spoke1; do
	check "charon in $ns did not crash" charon_no_crash "$ns"
done
