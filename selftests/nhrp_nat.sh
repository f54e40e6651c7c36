#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NHRP shortcuts with a spoke behind a NAT (nft masquerade, lib.sh's
# topo_nat), one charon with the plugin per namespace:
#
#   lan1 ── spoke1 ── nat1 ──┐                 ┌── spoke2 ── lan2
#                            └── inet ── hub ──┘
#
# spoke1's requests name its private address; the hub vouches for the NAT's
# public one (Cisco's NAT Address extension). Checked:
#  - one-way traffic lan1 -> lan2 (UDP, no replies): spoke2 owns lan2 and
#    must initiate to the NAT's public address, which drops unsolicited
#    IKE. No shortcut: the traffic keeps flowing through the hub, spoke1
#    logs the unanswered requests and backs off, spoke2 logs the failed
#    shortcut and backs off;
#  - lan2 -> lan1: now spoke1 owns the destination and initiates, out
#    through the NAT: the shortcut forms (ESP in UDP 4500 between the
#    spokes), spoke2's device has the NAT's public address as remote, and
#    lan1 -> lan2 takes the same shortcut.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq nft
require_plugin

topo_site hub 0
topo_nat nat1 1 spoke1
topo_site spoke2 2
topo_lan spoke1 1 lan1
topo_lan spoke2 2 lan2


hub4=$(outer4 0) public=$(outer4 1) private=$(nat_inside4 1 2)
nhrp_hub hub
for s in 1 2; do
	nhrp_spoke "$s" 7200
done
for ns in hub spoke1 spoke2; do
	charon_start "$ns"
done
swanctl_load hub "$(swanctl_hub flexvpn-test-psk)"
for s in 1 2; do
	swanctl_load "spoke$s" "$(swanctl_spoke "$s" "$hub4" flexvpn-test-psk
		swanctl_shortcut "$s")"
done
initiate() { swanctl_ns "$1" --initiate --child gre --ike hub --timeout 30 > "$FV_TMP/$1.initiate" 2>&1; }
check "spoke1 connects through the NAT" initiate spoke1
check "spoke2 connects" initiate spoke2
[ "$TAP_FAILED" -eq 0 ] || exit 1
hva1=$(access_to hub spoke1.example)
sva1=$(access_to spoke1 hub.example) sva2=$(access_to spoke2 hub.example)
l1=$(lan4 1 2) l2=$(lan4 2 2)

# ------------------------------------------------------------ one way

# UDP lan1 -> lan2, nothing comes back: only spoke1 resolves
n lan2 nft -f - <<-EOF
	table inet sink {
		chain input {
			type filter hook input priority 0;
			udp dport 9 drop
		}
	}
EOF
bg lan1 bash -c "while :; do echo x > /dev/udp/$l2/9; sleep 0.1; done"
UDP=$BG_PID
vouched() { grep -q "names NBMA address $private, its tunnel comes from $public: vouching for $public" "$FV_TMP/hub/charon.log"; }
check "the hub vouches for the NAT's public address" busywait 20000 vouched
check "spoke2 tries the shortcut to the NAT's public address" \
	busywait 20000 grep -q "initiating shortcut connection 'shortcut' to $public" "$FV_TMP/spoke2/charon.log"
failed2() { grep -q "no shortcut to $public within 20 s" "$FV_TMP/spoke2/charon.log"; }
check "spoke2 logs the failed shortcut and backs off" busywait 40000 failed2
check "spoke1 logs the unanswered request and backs off" \
	grep -q "no NHRP Resolution Reply for $l2 within 5 s: its traffic stays with the hub" "$FV_TMP/spoke1/charon.log"
check "no shortcut on spoke1" eq "$(link_count spoke1 vaccess)" 1
check "lan1 -> lan2 still goes through the hub" eq "$(route_dev spoke1 "$l2")" "$sva1"
a=$(link_stat hub "$hva1" rx packets)
sleep 2
check "the hub still carries the traffic" test "$(link_stat hub "$hva1" rx packets)" -gt "$((a + 5))"
pid_stop "$UDP"

# ------------------------------------------------------------ the other way

bg lan2 ping -q -i 0.1 -c 3000 "$l1"
PING=$BG_PID
shortcut2() { local d; d=$(access_to spoke2 spoke1.example); [ -n "$d" ] && [ "$(route_dev spoke2 "$l1")" = "$d" ]; }
check "lan2 -> lan1: spoke1 builds the shortcut out through the NAT" busywait 40000 shortcut2
sc1=$(access_to spoke1 spoke2.example) sc2=$(access_to spoke2 spoke1.example)
check "spoke2's shortcut device has the NAT's public address as remote" \
	eq "$(access_field spoke2 "$sc2" remote)" "$public"
check "spoke1's has its private address as local" \
	eq "$(access_field spoke1 "$sc1" local)" "$private"
check "the shortcut's ESP runs in UDP 4500" \
	grep -q "encap type espinudp sport 4500 dport 4500" <(ipn spoke2 xfrm state list src "$public")
shortcut1() { [ "$(route_dev spoke1 "$l2")" = "$sc1" ]; }
check "lan1 -> lan2 takes the same shortcut" busywait 20000 shortcut1
check "lan1 -> lan2 works over it" ping_ok lan1 "$l2" -c 3
pid_stop "$PING"

for ns in hub spoke1 spoke2; do
	check "$ns: charon did not crash" charon_no_crash "$ns"
done
