#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unload.sh: `rmmod flexvpn` while traffic flows, and a template taking its
# access devices with it.
#
#  ┌──────────────────┐                            ┌──────────────────────┐
#  │ spoke1           │      ┌──────────────┐      │ spoke2               │
#  │ vt1 va ┄┄┄┄┄┄┄┄┄┄┼┄┄┐   │              │   ┌┄┄┼┄┄ gre1 (ip_gre)    │
#  │ wan ─────────────┼──┼───┤s1  inet   s2├───┼──┼── wan                │
#  └──────────────────┘  ┆   └──────┬───────┘   ┆  └──────────────────────┘
#                        ┆ GRE/ESP  │  GRE/ESP  ┆
#                      ┌─┴──────────┴───────────┴─┐   ┌────────────────────┐
#                      │ hub  va(s1)  wan  va(s2) │   │ tm                 │
#                      │      vt1                 │   │ vt1 va va va va va │
#                      └──────────────────────────┘   │ flexvpn monitor    │
#                                                     └────────────────────┘
#
# spoke2 is a plain Linux GRE-over-IPsec peer (ip_gre + ESP transport): it
# keeps flooding the hub's receive path while the module goes, whatever
# flexvpn does to its own devices.
#
# Asserts: an ip_gre peer interoperates with an access device; with ping
# floods running through both tunnels in both directions, rmmod succeeds,
# every template and access device is gone, no splat reaches the kernel
# log; the module loads again and works. Deleting a template deletes its
# access devices, and `flexvpn monitor` prints a "del" event for each.
# An access device stopped, started and deleted while its peer floods it
# (its receive queue and NAPI context must not outlive it) leaves no splat.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq rmmod modinfo
unload_at_exit ip_gre gre
defer module_load	# the module is loaded when this program ends, whatever happens

topo_site hub 0
topo_site spoke1 1
topo_site spoke2 2
hub4=$(outer4 0)

# hub_spoke1: the flexvpn pair; run again after the module came back.
hub_spoke1()
{
	template_new hub vt1
	template_new spoke1 vt1
	va1=$(access_new hub vt1 remote "$(outer4 1)" local "$hub4")
	va_s1=$(access_new spoke1 vt1 remote "$hub4" local "$(outer4 1)")
	tunnel_addrs hub "$va1" 1 1
	tunnel_addrs spoke1 "$va_s1" 1 2
}
hub_spoke1
xfrm_gre_transport hub "$hub4" spoke1 "$(outer4 1)"
va2=$(access_new hub vt1 remote "$(outer4 2)" local "$hub4")
tunnel_addrs hub "$va2" 2 1
xfrm_gre_transport hub "$hub4" spoke2 "$(outer4 2)"
ipn spoke2 link add gre1 type gre local "$(outer4 2)" remote "$hub4" ttl 64
ipn spoke2 link set gre1 up
tunnel_addrs spoke2 gre1 2 2

check "flexvpn spoke reaches the hub" ping_ok spoke1 "$(tun4 1 1)"
check "ip_gre spoke reaches the hub's access device (IPv4)" \
	ping_ok spoke2 "$(tun4 2 1)"
check "ip_gre spoke reaches the hub's access device (IPv6)" \
	ping_ok spoke2 "$(tun6 2 1)"

flood=()
for f in "spoke1 $(tun4 1 1)" "spoke2 $(tun4 2 1)" "hub $(tun4 1 2)" "hub $(tun6 2 2)"; do
	set -- $f
	bg "$1" ping -q -f -w 60 "$2" > /dev/null 2>&1
	flood+=("$BG_PID")
done
flowing() { [ "$(access_stat hub "$va1" rx_packets)" -gt 300 ] &&
	    [ "$(access_stat hub "$va2" rx_packets)" -gt 300 ]; }
check "traffic flows through both tunnels" busywait 30000 flowing

mark=$(kmsg_mark)
t0=$(now_ms)
check "rmmod flexvpn under traffic" rmmod flexvpn
diag "rmmod took $(( $(now_ms) - t0 )) ms"
for p in "${flood[@]}"; do pid_stop "$p" INT; done

module_gone() { [ ! -d /sys/module/flexvpn ]; }
check "module is gone" module_gone
for ns in hub spoke1; do
	check "$ns: no template or access device left" \
		eq "$(( $(link_count "$ns" vaccess) + $(link_count "$ns" vtemplate) ))" 0
done
check "the ip_gre peer's tunnel is untouched" \
	eq "$(ipn spoke2 -o link show dev gre1 | grep -c UP)" 1
kmsg_since "$mark" > "$FV_TMP/kmsg"
check "no kernel splat during the unload" \
	not grep -E "$KMSG_SPLAT" "$FV_TMP/kmsg"
grep -E "$KMSG_SPLAT" "$FV_TMP/kmsg" | head -n 20 | sed 's/^/#   /' || true

check "insmod \$FLEXVPN_KO again" module_load
hub_spoke1
check "the reloaded module passes traffic" ping_ok spoke1 "$(tun4 1 1)"

# ------------------------------------------- device lifetime under traffic

mark=$(kmsg_mark)
bg spoke1 ping -q -f -w 60 "$(tun4 1 1)" > /dev/null 2>&1
flood=$BG_PID
rx_over() { [ "$(access_stat hub "$va1" rx_packets)" -gt "$1" ]; }
check "flood reaches the hub's access device" busywait 30000 rx_over 300
bounce()
{
	local i
	for i in 1 2 3 4 5; do
		ipn hub link set "$va1" down || return 1
		ipn hub link set "$va1" up || return 1
	done
}
check "stop and start the access device 5 times under the flood" bounce
rx=$(access_stat hub "$va1" rx_packets)
check "packets arrive again after the restarts" busywait 30000 rx_over "$((rx + 100))"
check "delete the access device under the flood" ipn hub link del "$va1"
pid_stop "$flood" INT
kmsg_since "$mark" > "$FV_TMP/kmsg"
check "no kernel splat from the device's lifetime under traffic" \
	not grep -E "$KMSG_SPLAT" "$FV_TMP/kmsg"

# ------------------------------------------------------------ template delete

ns_new tm
ipn tm addr add "$hub4/32" dev lo
template_new tm vt1
bg tm flexvpn monitor > "$FV_TMP/monitor" 2>&1
monitor=$BG_PID

saw() { grep -qE "^$1 $2( |\$)" "$FV_TMP/monitor"; }

# The monitor subscribes some time after it starts: probe until it prints
# the creation of a device made after it started.
subscribed()
{
	local probe
	probe=$(access_new tm vt1 remote 198.19.0.100 local "$hub4") || return 1
	busywait 3000 saw new "$probe" && return 0
	n tm flexvpn access del "$probe"
	return 1
}
check "flexvpn monitor reports a new access device" busywait 30000 subscribed

names=()
for i in 1 2 3 4 5; do
	names+=("$(access_new tm vt1 remote "198.19.1.$i" local "$hub4")")
done
before=$(n tm flexvpn access list | awk '{ print $1 }' | sort)
ipn tm link del vt1
check "deleting the template deletes its access devices" \
	eq "$(link_count tm vaccess)" 0
all_del_of() { local d; for d in $before; do saw del "$d" || return 1; done; }
all_new_of() { local d; for d in "${names[@]}"; do saw new "$d" || return 1; done; }
check "monitor printed new for each access device" busywait 10000 all_new_of
check "monitor printed del for each of them ($(echo $before | wc -w))" \
	busywait 10000 all_del_of
pid_stop "$monitor"
diag_file "$FV_TMP/monitor" 10
