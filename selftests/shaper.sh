#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# shaper.sh: the per-spoke shaper in the access devices' transmit path.
# flexvpn: timeout=1200
#
#                          ┌──────────────┐
#   ┌───────────────────┐  │              │  ┌───────────┐
#   │ hub  vt1          │  │ inet      s1 ├──┤ spoke1    │ iperf3 -s -1
#   │ va1 va2 va3  wan ─┼──┤ s0        s2 ├──┤ spoke2    │ iperf3 -s -1
#   │ iperf3 -c x3      │  │           s3 ├──┤ spoke3    │ iperf3 -s -1
#   └───────────────────┘  └──────────────┘  └───────────┘
#
# The hub floods each spoke with UDP (iperf3, 1400-byte datagrams) through
# its access device, GRE over ESP transport. The ESP SAs use the null
# cipher: encryption in the emulated guest would eat the CPU the senders
# need at 20 Mbit/s, and the shaper counts ESP by a fixed allowance anyway
# (here 12 bytes: SPI, sequence number, 2 bytes of padding, trailer). Rates are measured
# where they matter: the IP bytes each spoke's wan interface receives (the
# veth counts 14 bytes of Ethernet header per frame, taken off), over 10 s.
#
# Asserts: one spoke shaped to 1, 5 and 20 Mbit/s gets its rate +- 2%; three
# spokes of rate 5, ceil 15 under a 15 Mbit/s parent get 5 +- 2% each, and
# the parent stays within 15 + 2%; one of them busy alone gets 15 +- 2%; a
# rate change under traffic takes effect and keeps the queue; a ping through
# a loaded spoke waits no longer than its queue allows; a control packet
# passes a full bulk queue; TCP (GSO) holds the rate on the wire; two groups
# under a 10 Mbit/s parent (gold 7.5, silver 2.5, each spoke rate 2.5 ceil
# 10) hold their shares; bad settings are refused with a message and change
# nothing; a device deleted with a full queue and the module removed under
# shaped traffic leave nothing behind.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq iperf3 rmmod
defer module_load	# the module is loaded when this program ends

MEASURE_S=10
TOLERANCE_PCT=2
FV_ESP_NULL=1

topo_site hub 0
hub4=$(outer4 0)
template_new hub vt1 esp-overhead 12
va=()
for i in 1 2 3; do
	topo_site "spoke$i" "$i"
	template_new "spoke$i" vt1
	va[i]=$(access_new hub vt1 remote "$(outer4 "$i")" local "$hub4")
	sva=$(access_new "spoke$i" vt1 remote "$hub4" local "$(outer4 "$i")")
	tunnel_addrs hub "${va[i]}" "$i" 1
	tunnel_addrs "spoke$i" "$sva" "$i" 2
	xfrm_gre_transport hub "$hub4" "spoke$i" "$(outer4 "$i")"
done
for i in 1 2 3; do
	check "spoke$i: tunnel up" ping_ok hub "$(tun4 "$i" 2)"
done

# ------------------------------------------------------------- helpers

# shaper NS DEV KEY: one field of the device's shaper counters
shaper_stat() { n "$1" flexvpn -j access show "$2" | jq -er ".[0].shaper_stats.$3"; }

declare -A FLOOD
PORT=5300
listening() { n "spoke$1" ss -ltn | grep -q ":$2 "; }
# flood_start I RATE: UDP from the hub to spoke I at RATE through its
# tunnel, to an iperf3 server of its own (one test per server: a new flood
# never finds the last one's server still busy)
flood_start()
{
	PORT=$(( PORT + 1 ))
	bg "spoke$1" iperf3 -s -1 -p "$PORT" > /dev/null 2>&1
	busywait 10000 listening "$1" "$PORT" || return 1
	bg hub iperf3 -c "$(tun4 "$1" 2)" -p "$PORT" -u -b "$2" -l 1400 -t 600 > /dev/null 2>&1
	FLOOD[$1]=$BG_PID
}
# flood_stop I: stop spoke I's flood. iperf3 sends its results over its TCP
# control connection when interrupted: through a deleted device that waits
# for ever, so a client still there after 5 s is killed.
running() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
flood_stop()
{
	local pid=${FLOOD[$1]}
	kill -INT "$pid" 2>/dev/null || true
	busywait 5000 not running "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "FLOOD[$1]"
}
queued() { gt "$(shaper_stat hub "${va[$1]}" overlimits)" 100; }

# measure I...: bit/s of IP traffic each spoke I received over MEASURE_S
# seconds, in RATE[I], their sum in RATE[sum]; packets the shaper sent in
# SENT[I], how many of them found the queue empty (did not wait) in
# FRESH[I], and the milliseconds the shaper lost because the guest's CPU did
# not run its timer in time in STALLED[I]. One bash per spoke, inside
# its namespace, reads the clock and the counters with builtins only, so
# no process start falls between a timestamp and its counters.
declare -A RATE SENT FRESH STALLED
shaper_counts() { n hub flexvpn -j access show "${va[$1]}" | jq -er '.[0].shaper_stats | "\(.packets) \(.overlimits) \(.stalled_ns)"'; }
measure()
{
	local i pids=() out=$FV_TMP/measure line p0 o0 s0 p1 o1 s1
	declare -A c0
	: > "$out"
	for i in "$@"; do c0[$i]=$(shaper_counts "$i"); done
	for i in "$@"; do
		n "spoke$i" bash -c '
			d=/sys/class/net/wan/statistics
			read -r b0 < $d/rx_bytes; read -r p0 < $d/rx_packets
			t0=${EPOCHREALTIME/./}
			sleep "$1"	# the measurement window
			read -r b1 < $d/rx_bytes; read -r p1 < $d/rx_packets
			t1=${EPOCHREALTIME/./}
			echo "$2 $(( (b1 - b0 - 14 * (p1 - p0)) * 8 * 1000000 / (t1 - t0) ))"
		' measure "$MEASURE_S" "$i" >> "$out" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in "$@"; do
		read -r p0 o0 s0 <<< "${c0[$i]}"
		read -r p1 o1 s1 <<< "$(shaper_counts "$i")"
		SENT[$i]=$(( p1 - p0 ))
		FRESH[$i]=$(( SENT[$i] - (o1 - o0) ))
		STALLED[$i]=$(( (s1 - s0) / 1000000 ))
	done
	RATE[sum]=0
	while read -r i line; do
		RATE[$i]=$line
		RATE[sum]=$(( RATE[sum] + line ))
	done < "$out"
}

# near GOT WANT_BITS: GOT within TOLERANCE_PCT of WANT
near()
{
	local got=$1 want=$2 d
	d=$(( got > want ? got - want : want - got ))
	[ $(( d * 100 )) -le $(( want * TOLERANCE_PCT )) ] ||
		{ echo "got $got bit/s, want $want +- $TOLERANCE_PCT%"; return 1; }
}
# starved GOT WANT I: why spoke I's shaper had no fair chance, if it had
# none: a rate below target is excused, with the reason, when more than 2%
# of the packets found the queue empty (the emulated sender could not offer
# the rate; a local UDP sender blocks on its socket buffer while its packets
# wait, so it never overflows the queue), or when the shaper reports more
# than 1% of the window lost to its timer not running (the emulated CPU was
# taken away: other guests on the host)
starved()
{
	[ "$1" -lt "$2" ] || return 1
	if [ $(( FRESH[$3] * 50 )) -gt "${SENT[$3]}" ]; then
		echo "the guest's sender did not keep the queue busy (${FRESH[$3]} of ${SENT[$3]} packets did not wait)"
	elif [ $(( STALLED[$3] * 100 )) -gt $(( MEASURE_S * 1000 )) ]; then
		echo "the shaper's timer was held off for ${STALLED[$3]} ms of the ${MEASURE_S} s window"
	else
		return 1
	fi
}
# judge NAME GOT WANT I: near GOT WANT, unless starved
judge()
{
	local why
	if ! near "$2" "$3" > /dev/null && why=$(starved "$2" "$3" "$4"); then
		tap_skip "$1" "$why: the guest is short of CPU"
	else
		check "$1" near "$2" "$3"
	fi
}
# at_least GOT WANT I: GOT no more than TOLERANCE_PCT below WANT, less what
# spoke I's sender did not offer: a packet that found the queue empty was a
# chance to send that the sender, not the shaper, let pass
at_least()
{
	local got=$1 want=$2 i=$3 short
	short=$(( want * TOLERANCE_PCT / 100 + want * FRESH[$i] / (SENT[$i] > 0 ? SENT[$i] : 1) ))
	[ "$got" -ge $(( want - short )) ] ||
		{ echo "got $got bit/s, want at least $(( want - short ))"; return 1; }
}
# judge_min NAME GOT WANT I: at_least GOT WANT, unless starved
judge_min()
{
	local why
	if ! at_least "$2" "$3" "$4" > /dev/null && why=$(starved "$2" "$3" "$4"); then
		tap_skip "$1" "$why: the guest is short of CPU"
	else
		check "$1" at_least "$2" "$3" "$4"
	fi
}

at_most() { [ $(( $1 * 100 )) -le $(( $2 * (100 + TOLERANCE_PCT) )) ] ||
		{ echo "got $1 bit/s, want at most $2 + $TOLERANCE_PCT%"; return 1; }; }
report() { diag "$1: $(( $2 / 1000 )) kbit/s (target $(( $3 / 1000 )) kbit/s)"; }

# ---------------------------------------------------------- bad input

# refused WHAT CMD...: CMD fails with an "Error:" line
refused()
{
	local out
	if out=$("$@" 2>&1); then echo "accepted: $*"; return 1; fi
	grep -q '^Error: ' <<< "$out" || { echo "no error message: $out"; return 1; }
	diag "$(head -n 1 <<< "$out")"
}
unshaped() { eq "$(access_field hub "${va[1]}" shaper)" null; }

check "ceil below rate refused" refused n hub flexvpn access set "${va[1]}" rate 10mbit ceil 5mbit
check "burst below one packet refused" refused n hub flexvpn access set "${va[1]}" rate 10mbit burst 100
check "rate above 10 Tbit/s refused" refused n hub flexvpn access set "${va[1]}" rate 20tbit
check "unknown group refused" refused n hub flexvpn access set "${va[1]}" rate 10mbit group nosuch
check "a refused setting leaves the device unshaped" unshaped
check "a group without a rate refused" refused n hub flexvpn template group add vt1 gold
check "a group with ceil below rate refused" refused n hub flexvpn template group add vt1 gold rate 10mbit ceil 1mbit

# ------------------------------------------------------- one spoke alone

for r in 1 5 20; do
	n hub flexvpn access set "${va[1]}" rate "${r}mbit"
	flood_start 1 "$(( r * 1300 ))K"
	check "spoke1 at ${r} Mbit/s: queue in use" busywait 20000 queued 1
	measure 1
	flood_stop 1
	report "spoke1 shaped to $r Mbit/s" "${RATE[1]}" "$(( r * 1000000 ))"
	judge "spoke1 shaped to $r Mbit/s: rate within $TOLERANCE_PCT%" \
		"${RATE[1]}" "$(( r * 1000000 ))" 1
done

# ----------------------------------------------- three under one parent

n hub flexvpn template set vt1 parent-rate 15mbit
for i in 1 2 3; do n hub flexvpn access set "${va[i]}" rate 5mbit ceil 15mbit; done
# offered: a little above what each may get, so every one stays backlogged
# without the senders eating the guest's CPU
flood_start 1 18M
flood_start 2 8M
flood_start 3 8M
for i in 1 2 3; do check "spoke$i busy" busywait 20000 queued "$i"; done
measure 1 2 3
# what HTB promises here: each busy spoke at least its rate; what one
# leaves unused (its sender fell behind) another may borrow, up to the
# parent's 15 Mbit/s, so the upper bound is the parent's, checked below
for i in 1 2 3; do
	report "spoke$i of three busy" "${RATE[$i]}" 5000000
	judge_min "three busy, rate 5 ceil 15 under 15: spoke$i gets at least 5 Mbit/s" \
		"${RATE[$i]}" 5000000 "$i"
done
report "the parent, three busy" "${RATE[sum]}" 15000000
check "three busy: the parent stays within 15 Mbit/s" at_most "${RATE[sum]}" 15000000
flood_stop 2
flood_stop 3
measure 1
report "spoke1 busy alone" "${RATE[1]}" 15000000
judge "one busy alone borrows up to its ceil: 15 Mbit/s" "${RATE[1]}" 15000000 1
borrowed() { gt "$(shaper_stat hub "${va[1]}" borrowed)" 0; }
check "borrowed bytes counted" borrowed

# rate change under traffic: the new rate holds
n hub flexvpn template set vt1 parent-rate none
n hub flexvpn access set "${va[1]}" rate 5mbit ceil 5mbit
check "queue in use at 5 Mbit/s" busywait 20000 queued 1
n hub flexvpn access set "${va[1]}" rate 10mbit ceil 10mbit
measure 1
report "spoke1 changed to 10 Mbit/s under traffic" "${RATE[1]}" 10000000
check "the changed rate holds" near "${RATE[1]}" 10000000

# latency through a loaded spoke: the queue's length at the rate bounds it.
# The flood's socket buffer holds about 70 of its packets in the queue, so
# with 128 places the pings find room (a full queue would drop them).
n hub flexvpn access set "${va[1]}" rate 5mbit ceil 5mbit qlen 128
check "queue in use before the ping" busywait 20000 queued 1
out=$(n hub ping -c 10 -i 0.3 -s 56 "$(tun4 1 2)" | tail -n 2) || true
diag "ping through spoke1 at 5 Mbit/s, queue 128 packets: ${out//$'\n'/, }"
max_ms=$(sed -n 's|.*= [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' <<< "$out")
got=$(sed -n 's|.* \([0-9]*\) received.*|\1|p' <<< "$out")
# 128 packets of 1400 + 98 bytes at 5 Mbit/s: 306 ms; twice that for TCG
bound_ms=$(( 128 * 1498 * 8 * 1000 / 5000000 * 2 ))
check "pings through the loaded queue are answered" ge "${got:-0}" 5
check "ping latency within twice the queue's drain time ($bound_ms ms)" \
	awk -v m="${max_ms:-99999}" -v b="$bound_ms" 'BEGIN { exit !(m > 0 && m <= b) }'
flood_stop 1

# a rate change keeps what waits: fill a slow queue, stop the sender, change
# the rate (down, so that it drains slowly while we look); the packets are
# still there, and they drain
n hub flexvpn access set "${va[1]}" rate 100kbit ceil 100kbit qlen 32
flood_start 1 1M
full() { ge "$(shaper_stat hub "${va[1]}" backlog_packets)" 30; }
check "a 100 kbit/s queue fills" busywait 20000 full
flood_stop 1
n hub flexvpn access set "${va[1]}" rate 50kbit ceil 50kbit
backlog=$(shaper_stat hub "${va[1]}" backlog_packets)
diag "backlog right after the change: $backlog packets"
check "a rate change keeps the queue" ge "$backlog" 20
empty() { eq "$(shaper_stat hub "${va[1]}" backlog_packets)" 0; }
n hub flexvpn access set "${va[1]}" rate 100mbit ceil 100mbit
check "and the queue drains" busywait 20000 empty

# control packets (priority TC_PRIO_CONTROL, as NHRP daemons set) have a
# band of their own: with 32 bulk packets queued at 100 kbit/s (about 4 s of
# queue), a control packet arrives at once, a bulk one after the queue
n hub flexvpn access set "${va[1]}" rate 100kbit ceil 100kbit qlen 32
flood_start 1 1M
check "a 100 kbit/s queue fills again" busywait 20000 full
flood_stop 1
probes0=$(snmp spoke1 Udp:NoPorts)
probes_over() { gt "$(snmp spoke1 Udp:NoPorts)" "$(( probes0 + $1 - 1 ))"; }
echo bulk | n hub socat -u - "UDP4-SENDTO:$(tun4 1 2):9"
echo control | n hub socat -u - "UDP4-SENDTO:$(tun4 1 2):9,so-priority=7"
t0=$(now_ms)
check "a control packet passes 4 s of bulk queue within 1 s" busywait 1000 probes_over 1
check "the bulk packet sent before it is still queued" not probes_over 2
check "the bulk packet arrives once the queue drained" busywait 20000 probes_over 2
diag "control packet through the full queue, then the bulk one after $(( $(now_ms) - t0 )) ms"

# GSO: TCP hands the device packets of many segments; each segment counts
# with its own headers, so the wire rate holds for TCP as for UDP
n hub flexvpn access set "${va[1]}" rate 10mbit ceil 10mbit qlen 128
PORT=$(( PORT + 1 ))
bg spoke1 iperf3 -s -1 -p "$PORT" > /dev/null 2>&1
check "TCP: iperf3 server listening" busywait 10000 listening 1 "$PORT"
bg hub iperf3 -c "$(tun4 1 2)" -p "$PORT" -t 600 > /dev/null 2>&1
tcp=$BG_PID
ol=$(shaper_stat hub "${va[1]}" overlimits)
tcp_queues() { gt "$(shaper_stat hub "${va[1]}" overlimits)" "$(( ol + 100 ))"; }
check "TCP through the shaped spoke queues" busywait 20000 tcp_queues
wire0=$(ipn spoke1 -j -s link show dev wan | jq -er '.[0].stats64.rx.packets')
sent0=$(shaper_stat hub "${va[1]}" packets)
measure 1
wire=$(( $(ipn spoke1 -j -s link show dev wan | jq -er '.[0].stats64.rx.packets') - wire0 ))
sent=$(( $(shaper_stat hub "${va[1]}" packets) - sent0 ))
pid_stop "$tcp" INT
report "TCP through spoke1 shaped to 10 Mbit/s" "${RATE[1]}" 10000000
diag "the shaper sent $sent packets, the spoke's wire got $wire frames"
check "TCP: the device was handed GSO packets (fewer than the frames)" gt "$wire" "$sent"
check "TCP with GSO: rate within $TOLERANCE_PCT%" near "${RATE[1]}" 10000000

# ------------------------------------------------------------- groups

n hub flexvpn template set vt1 parent-rate 10mbit
n hub flexvpn template group add vt1 gold rate 7500kbit ceil 10mbit
n hub flexvpn template group add vt1 silver rate 2500kbit ceil 10mbit
n hub flexvpn access set "${va[1]}" rate 2500kbit ceil 10mbit group gold
n hub flexvpn access set "${va[2]}" rate 2500kbit ceil 10mbit group silver
n hub flexvpn access set "${va[3]}" rate none
members() { n hub flexvpn -j template show vt1 | jq -e ".[0].groups[] | select(.name == \"$1\") | .members == $2" > /dev/null; }
check "gold has one member" members gold 1
check "a group with members cannot be deleted" refused n hub flexvpn template group del vt1 gold
flood_start 1 9M
flood_start 2 4M
check "gold busy" busywait 20000 queued 1
check "silver busy" busywait 20000 queued 2
measure 1 2
report "gold spoke" "${RATE[1]}" 7500000
report "silver spoke" "${RATE[2]}" 2500000
# each group at least its rate; silver borrows toward its ceil only what
# gold leaves (its sender falling behind), which the parent's bound caps
judge_min "two groups under 10 Mbit/s: gold (7.5) gets at least 7.5" "${RATE[1]}" 7500000 1
judge_min "two groups under 10 Mbit/s: silver (2.5) gets at least 2.5" "${RATE[2]}" 2500000 2
check "two groups: the parent stays within 10 Mbit/s (silver takes only what gold leaves)" \
	at_most "${RATE[sum]}" 10000000
flood_stop 2

# ------------------------------------------- teardown under shaped traffic

mark=$(kmsg_mark)
n hub flexvpn access set "${va[2]}" rate 1mbit ceil 1mbit qlen 32 group none
flood_start 2 20M
q_full() { ge "$(shaper_stat hub "${va[$1]}" backlog_packets)" 30; }
check "spoke2's queue full" busywait 20000 q_full 2 ||
	n hub flexvpn access show "${va[2]}" | sed 's/^/# /'
check "delete an access device with a full queue" ipn hub link del "${va[2]}"
flood_stop 2
check "rmmod with shaped traffic flowing" rmmod flexvpn
flood_stop 1
kmsg_since "$mark" > "$FV_TMP/kmsg"
check "no kernel splat" not grep -E "$KMSG_SPLAT" "$FV_TMP/kmsg"
check "insmod again" module_load
