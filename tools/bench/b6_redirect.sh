#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B6 (docs/benchmarks.md, shared BENCHMARKS.md): the NHRP redirect trigger on
# a hub forwarding hairpin traffic between N spoke pairs: the in-kernel
# trigger (kmod/redirect.c) against FRR nhrpd's documented iptables NFLOG +
# hashlimit rule. Runs inside the guest (tools/bench/run.sh boots it).
#
#  ┌───────────────────────────────────────┐        ┌──────────────────────────────┐
#  │ spokes                                │        │ hub (one template vt1)       │
#  │ udpblast / redirlat -> D_i            │        │ vaA_i: remote A_i  ─┐ D_i/32 │
#  │ gs_i: GRE local A_i remote 198.18.0.1 │        │ vaB_i: remote B_i <─┘        │
#  │   addr S_i, route D_i/32 dev gs_i     │        │                              │
#  │ lo: A_0 .. A_{N-1}                    │        │                              │
#  │ 172.16.0.0/12 blackhole (the B_i)     │        │                              │
#  │                 eth0 ─────────────────┼────────┼─ wan                         │
#  │              198.18.0.2               │        │ 198.18.0.1                   │
#  └───────────────────────────────────────┘        └──────────────────────────────┘
#
# Pair i (0-based): spoke A_i = 172.16.0.1 + 2i sends GRE (plain, no key)
# from its LAN S_i = 10.64.0.1 + 256 i to spoke B_i's LAN D_i = 10.128.0.1 +
# 256 i (a /24 per pair on both sides: the rule's hashlimit keys on
# source/destination /24 pairs). The hub takes it in on its access device to
# A_i, routes D_i out of its access device to B_i = 172.16.0.2 + 2i: a
# hairpin. B_i's GRE lands back in the spokes' namespace and is blackholed.
#
# No IPsec: the template accepts and sends plain GRE (`unprotected accept`).
# Both candidates act in the hub's FORWARD path on the decapsulated inner
# packet, where ESP is gone: an SA pair per device would add the same
# decryption and encryption to every candidate, shrinking the difference
# this bench is after, and cost 4N hand-made SAs at setup.
#
# Candidates (the same devices, the same traffic):
#   ours   vt1 nhrp-network-id 1 nhrp-redirect on, interval default (2 s);
#          `redirlat listen genl` subscribed to the flexvpn events group
#          (the trigger does nothing while nobody listens)
#   nflog  vt1 nhrp-redirect off; in the hub, FRR's documented rule
#          (iptables, Debian 12's iptables-nft):
#            iptables -A FORWARD -i va+ -o va+ -m hashlimit
#              --hashlimit-upto 4/minute --hashlimit-burst 1
#              --hashlimit-mode srcip,dstip --hashlimit-srcmask 24
#              --hashlimit-dstmask 24 --hashlimit-name NAME
#              -j NFLOG --nflog-group 1 --nflog-size 128
#              --nflog-threshold 1
#          (FRR writes --nflog-range 128, which iptables 1.8.9 ignores with
#          a warning: --nflog-size is what does it; the listener asks for
#          128 bytes too. --nflog-threshold 1 is iptables-legacy's default,
#          which iptables-nft does not pass on: without it the kernel holds
#          a message for its 1 s flush timer, nhrpd setting no threshold of
#          its own; docs/benchmarks.md, B6); `redirlat listen nflog 1` bound
#          to the group, as nhrpd binds it.
#          NAME is new for every run: a fresh hashlimit table. The table
#          (ip filter) is deleted after the run, so no hook stays behind.
#   ours15 (only when named in B6_CANDIDATES) ours with
#          nhrp-redirect-interval 15 s: the spacing of the rule's
#          4/minute, so both send as many triggers per pair
#   none   vt1 nhrp-redirect off, no rule, no listener (the module's FORWARD
#          hook still runs and returns at the redirect flag: the baseline
#          is "trigger off", what a hub without NHRP runs)
#
# 1. Latency (ours, nflog): `redirlat latency`: for each pair in turn, the
#    first packet ever (hashlimit table new; ours: more than the interval
#    since the pair's last event) and the wait for the event naming it, on a
#    thread blocked in poll(); from sendto() and from the packet's arrival
#    on the hub's wan (packet socket timestamp). Idle hub otherwise.
# 2. CPU per hairpin packet (ours, nflog, none): udpblast from the spokes,
#    round-robin over the N pairs, B6_PAYLOAD bytes, B6_PPS packets/s in
#    all, B6_TIME seconds measured after B6_WARM: busy and softirq jiffies
#    of /proc/stat over the window (the forwarding runs in NET_RX softirq;
#    the sender's system time is not in the softirq column), hairpin packets
#    = the hub's wan tx packets over the window.
# Interleaved per repetition: odd ones in B6_CANDIDATES order, even ones
# reversed.
#
# Environment (defaults): B6_SIZES ("2 20 200"), B6_REPS (5), B6_TIME (10),
# B6_WARM (2), B6_PAYLOAD (64), B6_PPS (4000), B6_CANDIDATES
# ("ours nflog none"), B6_PHASES ("latency cpu").
# Output: RAW lines (tools/bench/stats.py b6 turns them into tables).
set -e
. "$(dirname "$0")/lib.sh"

SIZES=${B6_SIZES:-2 20 200}
REPS=${B6_REPS:-5}
TIME=${B6_TIME:-10}
WARM=${B6_WARM:-2}
PAYLOAD=${B6_PAYLOAD:-64}
PPS=${B6_PPS:-4000}
CANDIDATES=${B6_CANDIDATES:-ours nflog none}
PHASES=${B6_PHASES:-latency cpu}
VACHURN=${VACHURN:-$BENCH_BUILD/vachurn}
UDPBLAST=${UDPBLAST:-$BENCH_BUILD/udpblast}
REDIRLAT=${REDIRLAT:-$BENCH_BUILD/redirlat}
FLEXVPN=$BENCH_TOP/build/bin/flexvpn
HUB=198.18.0.1
SPOKES=198.18.0.2
A_BASE=172.16.0.1	# hub device 2i: remote A_BASE + 2i, 2i+1: + 2i+1
S_BASE=10.64.0.1	# pair i's source LAN: S_BASE + 256 i
D_BASE=10.128.0.1	# pair i's destination LAN: D_BASE + 256 i
GROUP=1
RUN=0

command -v iptables > /dev/null || die "iptables not found (tools/deps.sh)"
for x in "$VACHURN" "$UDPBLAST" "$REDIRLAT"; do
	[ -x "$x" ] || die "$x missing (tools/bench/run.sh builds it)"
done
bench_module_load
modprobe -a nf_tables nft_compat xt_hashlimit xt_NFLOG nfnetlink_log ||
	die "modprobe of the netfilter modules"

# setup N: spokes and hub for N pairs
setup()
{
	local n=$1 i
	ns_add hub; ns_add spokes
	n hub sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
		net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	n spokes sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	hub_wan hub spokes $HUB $SPOKES

	ipn hub link add vt1 type vtemplate
	n hub "$FLEXVPN" template set vt1 unprotected accept nhrp-network-id 1 \
		nhrp-redirect off || die "template set vt1"
	n hub "$VACHURN" add vt1 $(( 2 * n )) $HUB $A_BASE > /dev/null ||
		die "vachurn add $(( 2 * n ))"
	# hub: D_i/32 out of the device whose remote is B_i = A_BASE + 2i + 1
	n hub "$VACHURN" stats vt1 | awk -v db="$D_BASE" -v ab="$A_BASE" '
		function v(s,  p) { split(s, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		function s(x) { return sprintf("%d.%d.%d.%d", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256) }
		$1 == "dev" { j = v($3) - v(ab); print "link set " $2 " up" }
		$1 == "dev" && j % 2 { print "route add " s(v(db) + 256 * int(j / 2)) "/32 dev " $2 }' \
		> "$BENCH_TMP/hub"
	[ "$(grep -c '^route' "$BENCH_TMP/hub")" -eq "$n" ] || die "expected $n egress devices"
	ipn hub -batch "$BENCH_TMP/hub" || die "hub routes"
	# spokes: A_i on lo, GRE device gs_i, its LAN address S_i, D_i through it
	for (( i = 0; i < n; i++ )); do
		echo "addr add $(ip4 $A_BASE $(( 2 * i )))/32 dev lo"
		echo "link add gs$i type gre local $(ip4 $A_BASE $(( 2 * i ))) remote $HUB ttl 64"
		echo "addr add $(ip4 $S_BASE $(( 256 * i )))/32 dev gs$i"
		echo "link set gs$i up"
		echo "route add $(ip4 $D_BASE $(( 256 * i )))/32 dev gs$i"
	done > "$BENCH_TMP/spokes"
	ipn spokes -batch "$BENCH_TMP/spokes" || die "spokes' GRE devices"
	# the spokes' neighbour entry for the hub: no ARP in a first packet
	n spokes ping -c 1 -W 2 $HUB > /dev/null || die "spokes cannot reach the hub"
}

teardown() { ns_del hub; ns_del spokes; }

busy_softirq() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $8; exit }' /proc/stat; }
wan_tx() { n hub cat /sys/class/net/wan/statistics/tx_packets; }

# on CAND: switch the candidate on (no listener)
on()
{
	case $1 in
	ours) n hub "$FLEXVPN" template set vt1 nhrp-redirect on || die "redirect on" ;;
	ours15)
		n hub "$FLEXVPN" template set vt1 nhrp-redirect on \
			nhrp-redirect-interval 15000 || die "redirect on, 15 s" ;;
	nflog)
		RUN=$(( RUN + 1 ))
		n hub iptables -A FORWARD -i va+ -o va+ -m hashlimit \
			--hashlimit-upto 4/minute --hashlimit-burst 1 \
			--hashlimit-mode srcip,dstip --hashlimit-srcmask 24 \
			--hashlimit-dstmask 24 --hashlimit-name "b6run$RUN" \
			-j NFLOG --nflog-group $GROUP --nflog-size 128 \
			--nflog-threshold 1 ||
			die "iptables NFLOG rule" ;;
	esac
}

off()
{
	case $1 in
	ours | ours15)
		n hub "$FLEXVPN" template set vt1 nhrp-redirect off \
			nhrp-redirect-interval 2000 || die "redirect off" ;;
	nflog) n hub nft delete table ip filter || die "nft delete table ip filter" ;;
	esac
}

mode_of() { case $1 in ours*) echo genl ;; nflog) echo nflog ;; esac; }

# LAST_OURS: when ours last ran (µs): its limiter slots must be older than
# the interval (2 s) for a packet to be a first one
LAST_OURS=0

# latency CAND N REP: one RAW line per pair
latency()
{
	local cand=$1 n=$2 rep=$3 wait_us
	[ "$cand" = none ] && return 0
	if [ "${cand#ours}" != "$cand" ]; then
		wait_us=$(( LAST_OURS + ${cand#ours}000000 + 2200000 - $(now_us) ))
		[ "$wait_us" -le 0 ] || sleep "$(awk -v u="$wait_us" 'BEGIN { print u / 1e6 }')"
	fi
	on "$cand"
	"$REDIRLAT" latency "$(mode_of "$cand")" "$BENCH_NS_PREFIX-hub" \
		"$BENCH_NS_PREFIX-spokes" wan $D_BASE 256 "$n" $GROUP \
		> "$BENCH_TMP/lat" || die "redirlat latency $cand"
	off "$cand"
	[ "${cand#ours}" != "$cand" ] && LAST_OURS=$(now_us)
	awk -v n="$n" -v rep="$rep" -v cand="$cand" '
		$3 == "missing" { print "RAW b6lat n=" n, "rep=" rep, "cand=" cand, "pair=" $2, "missing=1" }
		$3 == "send_us" { print "RAW b6lat n=" n, "rep=" rep, "cand=" cand, "pair=" $2, "missing=0", "send_us=" $4, "arrive_us=" $6 }' \
		"$BENCH_TMP/lat"
}

# cpu CAND N REP: sustained hairpin traffic, one RAW line
cpu()
{
	local cand=$1 n=$2 rep=$3 lpid= bpid c0 c1 s0 s1 p0 p1 t0 t1 events=0
	on "$cand"
	if [ "$cand" != none ]; then
		# not through n(): $! must be the listener itself (ip netns
		# exec execs it), for the TERM that makes it print its count
		ip netns exec "$BENCH_NS_PREFIX-hub" "$REDIRLAT" listen \
			"$(mode_of "$cand")" $GROUP > "$BENCH_TMP/listen" &
		lpid=$!
		for _ in $(seq 50); do grep -q ready "$BENCH_TMP/listen" && break; sleep 0.1; done
		grep -q ready "$BENCH_TMP/listen" || die "redirlat listen $cand"
	fi
	n spokes "$UDPBLAST" 0.0.0.0 $D_BASE "$n" "$PAYLOAD" "$PPS" \
		$(( WARM + TIME + 1 )) 256 > "$BENCH_TMP/blast" &
	bpid=$!
	sleep "$WARM"
	read -r c0 s0 < <(busy_softirq)
	p0=$(wan_tx)
	t0=$(now_us)
	sleep "$TIME"
	read -r c1 s1 < <(busy_softirq)
	p1=$(wan_tx)
	t1=$(now_us)
	wait "$bpid" || die "udpblast"
	if [ -n "$lpid" ]; then
		kill -TERM "$lpid"
		wait "$lpid" || true
		events=$(awk '$1 == "events" { print $2 }' "$BENCH_TMP/listen")
	fi
	off "$cand"
	[ "${cand#ours}" != "$cand" ] && LAST_OURS=$(now_us)
	record b6cpu n="$n" rep="$rep" cand="$cand" window_s="$TIME" \
		window_us=$(( t1 - t0 )) \
		busy_jiffies=$(( c1 - c0 )) softirq_jiffies=$(( s1 - s0 )) \
		pkts=$(( p1 - p0 )) events="${events:-0}" \
		$(awk '{ print "blast_sent=" $2, "blast_failed=" $4 }' "$BENCH_TMP/blast")
}

diag "B6: sizes $SIZES, $REPS repetitions, phases $PHASES; cpu: $PPS pkt/s of $PAYLOAD B for ${TIME} s after ${WARM} s"
record b6params payload="$PAYLOAD" pps="$PPS" time="$TIME" warm="$WARM" \
	kernel="$(uname -r)" iptables="$(iptables -V | tr ' ' _)"

for n in $SIZES; do
	setup "$n"
	diag "N=$n: $(( 2 * n )) access devices, $n GRE spokes up"
	for (( rep = 1; rep <= REPS; rep++ )); do
		order=$CANDIDATES
		(( rep % 2 )) || order=$(echo "$CANDIDATES" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
		for phase in $PHASES; do
			for cand in $order; do
				"$phase" "$cand" "$n" "$rep"
			done
		done
	done
	teardown
done
