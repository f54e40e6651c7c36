#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B4 (docs/benchmarks.md, shared BENCHMARKS.md): K spokes under one parent,
# the access devices' own shaper against an HTB tree on the hub's WAN.
# Runs inside the guest (tools/bench/run.sh boots it).
#
#  ┌──────────────────────────────────┐          ┌──────────────────┐
#  │ hub                              │          │ sink             │
#  │ udpblast -> 10.0.0.1 .. 10.0.x.y │          │                  │
#  │   va1 .. vaK (template vt1)      │          │ 172.16.0.0/12    │
#  │   GRE to 172.16.0.1 .. + K-1     │          │   blackhole      │
#  │                    wan ──────────┼──────────┼─ eth0            │
#  │              198.18.0.1          │          │ 198.18.0.2       │
#  └──────────────────────────────────┘          └──────────────────┘
#
# No IPsec: the access devices send plain GRE, which the template must allow
# (`unprotected accept`; nothing comes back) and the shaper counts
# ESP as 0 bytes (esp-overhead 0): both candidates count the outer IP packet
# (inner UDP + IP + GRE 4 + outer IP 20). HTB sits on an Ethernet veth and
# would count 14 more bytes per frame: its qdisc gets `stab overhead -14`.
#
# Candidates (the same K devices, the same traffic):
#   ours  the devices' shaper: parent-rate on vt1, rate/ceil on each device
#         (`vachurn shape`: one TEMPLATE_SET + K ACCESS_SET on one socket)
#   htb   devices unshaped; on wan: root 1: (stab overhead -14), class 1:1 at
#         the parent rate, leaves 1:(i+10) with rate/ceil and quantum 1514,
#         burst and cburst 20 ms at the rate / ceil (at least 1600 bytes;
#         tc's default, rate/HZ + 1600 bytes, loses the parent's tokens
#         whenever the watchdog fires late under TCG: S2 got 62% of P),
#         u32 filters hashed on the last byte of the outer destination
#         (256 buckets), installed with one `tc -batch`
#
# Traffic: udpblast from the hub, round-robin over the K inner addresses,
# B4_PAYLOAD bytes of UDP payload, a total of B4_OFFER x the parent rate.
# Parent rate: B4_PPS packets per second of the wire size (payload + 52).
# Scenarios per K:
#   s1  rate = ceil = P/K on each device: each should get P/K
#   s2  rate P/(2K), ceil P: each should get P/K by borrowing
# Measured over B4_TIME seconds (B4_TIME_LARGE for K >= 1000) after
# B4_WARM seconds (B4_WARM_LARGE for K >= 1000): per-child rates (bytes
# counted by the shaper / the HTB class), rate error |got - want| / want (median and max over the children),
# Jain's fairness index, the children's sum against P, CPU per shaped packet
# (busy jiffies of /proc/stat over the window / packets shaped), and the
# time to install the K classes (s1 settings on unshaped devices, measured
# around the command in this shell: process start included for both).
# Interleaved: odd repetitions ours then htb, even ones htb then ours.
#
# B4_INSTALL_SIZES: sizes at which only the install time is measured.
#
# Environment (defaults): B4_SIZES ("10 100 1000"), B4_INSTALL_SIZES (""),
# B4_REPS (5), B4_REPS_LARGE (B4_REPS: for K >= 1000), B4_TIME (10),
# B4_TIME_LARGE (B4_TIME), B4_WARM (3), B4_WARM_LARGE (15, for K >= 1000),
# B4_PAYLOAD (100), B4_PPS (3000), B4_OFFER (1.5), B4_SCENARIOS ("s1 s2"),
# B4_CANDIDATES ("ours htb").
# Output: RAW lines (tools/bench/stats.py b4 turns them into tables).
set -e
. "$(dirname "$0")/lib.sh"

SIZES=${B4_SIZES:-10 100 1000}
INSTALL_SIZES=${B4_INSTALL_SIZES:-}
REPS=${B4_REPS:-5}
REPS_LARGE=${B4_REPS_LARGE:-$REPS}
TIME=${B4_TIME:-10}
TIME_LARGE=${B4_TIME_LARGE:-$TIME}
WARM=${B4_WARM:-3}
# at K >= 1000 a child's automatic burst is seconds of its rate: measure
# after it is spent (docs/benchmarks.md, B4 run 2)
WARM_LARGE=${B4_WARM_LARGE:-15}
PAYLOAD=${B4_PAYLOAD:-100}
PPS=${B4_PPS:-3000}
OFFER=${B4_OFFER:-1.5}
SCENARIOS=${B4_SCENARIOS:-s1 s2}
CANDIDATES=${B4_CANDIDATES:-ours htb}
VACHURN=${VACHURN:-$BENCH_BUILD/vachurn}
UDPBLAST=${UDPBLAST:-$BENCH_BUILD/udpblast}
STATS=$BENCH_DIR/stats.py
HUB=198.18.0.1
SINK=198.18.0.2
OUTER_BASE=172.16.0.1	# device i (0-based): OUTER_BASE + i
INNER_BASE=10.0.0.1	# its inner peer address: INNER_BASE + i
WIRE=$(( PAYLOAD + 8 + 20 + 4 + 20 ))	# UDP, inner IP, GRE, outer IP
PARENT_BYTES=$(( PPS * WIRE ))		# bytes/s
PARENT=$(( PARENT_BYTES * 8 ))		# bit/s

command -v tc > /dev/null || die "tc not found"
[ -x "$VACHURN" ] || die "$VACHURN missing (tools/bench/run.sh builds it)"
[ -x "$UDPBLAST" ] || die "$UDPBLAST missing (tools/bench/run.sh builds it)"
bench_module_load
modprobe -a sch_htb cls_u32 || die "modprobe sch_htb cls_u32"

# setup K: a fresh hub with K access devices and their inner routes, a sink
setup()
{
	local k=$1 i
	ns_add hub; ns_add sink
	n hub sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
	hub_wan hub sink $HUB $SINK
	ipn hub link add vt1 type vtemplate
	n hub "$BENCH_TOP/build/bin/flexvpn" template set vt1 unprotected accept ||
		die "template set vt1 unprotected accept"
	n hub "$VACHURN" add vt1 "$k" $HUB $OUTER_BASE > /dev/null ||
		die "vachurn add $k"
	# the inner routes, by the remote address each device really has
	n hub "$VACHURN" stats vt1 | awk -v ib="$INNER_BASE" -v ob="$OUTER_BASE" '
		function v(s,  p) { split(s, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		function s(x) { return sprintf("%d.%d.%d.%d", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256) }
		$1 == "dev" { print "route add " s(v(ib) + v($3) - v(ob)) "/32 dev " $2 }' \
		> "$BENCH_TMP/routes"
	[ "$(wc -l < "$BENCH_TMP/routes")" -eq "$k" ] || die "expected $k devices"
	ipn hub -batch "$BENCH_TMP/routes" || die "inner routes"
}

teardown() { ns_del hub; ns_del sink; }

# htb_batch FILE RATE CEIL K: the tc batch for HTB (bit/s)
htb_batch()
{
	awk -v rate="$2" -v ceil="$3" -v k="$4" -v parent="$PARENT" -v ob="$OUTER_BASE" '
	function s(x) { return sprintf("%d.%d.%d.%d", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256) }
	# burst: 20 ms at the rate (what our shaper lets a late timer catch up),
	# at least tc'"'"'s 1600 bytes
	function b(bits,  x) { x = int(bits / 8 / 50); return x > 1600 ? x : 1600 }
	BEGIN {
		split(ob, p, "."); base = ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4]
		print "qdisc add dev wan root handle 1: stab overhead -14 htb"
		printf "class add dev wan parent 1: classid 1:1 htb rate %dbit ceil %dbit burst %db cburst %db\n", parent, parent, b(parent), b(parent)
		for (i = 0; i < k; i++)
			printf "class add dev wan parent 1:1 classid 1:%x htb rate %dbit ceil %dbit burst %db cburst %db quantum 1514\n", i + 10, rate, ceil, b(rate), b(ceil)
		print "filter add dev wan parent 1: prio 5 protocol ip u32"
		print "filter add dev wan parent 1: prio 5 handle 2: protocol ip u32 divisor 256"
		print "filter add dev wan parent 1: prio 5 protocol ip u32 ht 800:: match ip dst 172.16.0.0/12 hashkey mask 0x000000ff at 16 link 2:"
		for (i = 0; i < k; i++)
			printf "filter add dev wan parent 1: prio 5 protocol ip u32 ht 2:%x: match ip dst %s/32 flowid 1:%x\n", (base + i) % 256, s(base + i), i + 10
	}' > "$1"
}

# install CAND K RATE CEIL: shape the K devices; prints microseconds
install()
{
	local cand=$1 k=$2 rate=$3 ceil=$4 t0 t1
	case $cand in
	ours)
		t0=$(now_us)
		n hub "$VACHURN" shape vt1 "$k" "$PARENT" "$rate" "$ceil" > /dev/null ||
			die "vachurn shape"
		t1=$(now_us) ;;
	htb)
		htb_batch "$BENCH_TMP/htb" "$rate" "$ceil" "$k"
		t0=$(now_us)
		n hub tc -batch "$BENCH_TMP/htb" || die "tc -batch"
		t1=$(now_us) ;;
	esac
	echo $(( t1 - t0 ))
}

uninstall()
{
	case $1 in
	ours) n hub "$VACHURN" shape vt1 "$2" 0 0 0 > /dev/null || die "unshape" ;;
	htb) n hub tc qdisc del dev wan root || die "tc qdisc del" ;;
	esac
}

# snapshot CAND FILE: the counters of every child, between two clock readings
snapshot()
{
	case $1 in
	ours) n hub "$VACHURN" stats vt1 > "$2" ;;
	htb)
		{
			echo "time_us $(now_us)"
			n hub tc -s class show dev wan
			echo "time_us $(now_us)"
		} > "$2" ;;
	esac
}

busy_jiffies() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# measure CAND K SCEN REP: traffic, then one RAW line
measure()
{
	local cand=$1 k=$2 scen=$3 rep=$4 t=$TIME warm=$WARM pid c0 c1 want out offered
	[ "$k" -ge 1000 ] && t=$TIME_LARGE warm=$WARM_LARGE
	want=$(( PARENT_BYTES / k * 8 ))
	offered=$(awk -v p="$PPS" -v o="$OFFER" 'BEGIN { printf "%d", p * o }')
	n hub "$UDPBLAST" $HUB $INNER_BASE "$k" "$PAYLOAD" "$offered" \
		$(( warm + t + 2 )) > "$BENCH_TMP/blast" &
	pid=$!
	sleep "$warm"
	c0=$(busy_jiffies)
	snapshot "$cand" "$BENCH_TMP/s0"
	sleep "$t"
	snapshot "$cand" "$BENCH_TMP/s1"
	c1=$(busy_jiffies)
	wait "$pid" || die "udpblast"
	out=$("$STATS" b4window "$cand" "$want" "$PARENT" "$BENCH_TMP/s0" "$BENCH_TMP/s1") ||
		die "b4window $cand"
	record b4 k="$k" scen="$scen" rep="$rep" cand="$cand" want_bps="$want" \
		parent_bps="$PARENT" busy_jiffies=$(( c1 - c0 )) window_s="$t" $out \
		$(awk '{ print "blast_sent=" $2, "blast_failed=" $4, "blast_us=" $6 }' "$BENCH_TMP/blast")
}

# run CAND K REP: install (timed), s1, s2, uninstall
run()
{
	local cand=$1 k=$2 rep=$3 us scen
	for scen in $SCENARIOS; do
		case $scen in
		s1) us=$(install "$cand" "$k" $(( PARENT_BYTES / k * 8 )) $(( PARENT_BYTES / k * 8 )))
		    record b4install k="$k" rep="$rep" cand="$cand" us="$us" ;;
		s2) # from unshaped, for both: see "S1 -> S2" in docs/benchmarks.md
		    uninstall "$cand" "$k"
		    install "$cand" "$k" $(( PARENT_BYTES / k / 2 * 8 )) "$PARENT" > /dev/null ;;
		esac
		measure "$cand" "$k" "$scen" "$rep"
	done
	uninstall "$cand" "$k"
}

diag "B4: payload $PAYLOAD B, wire $WIRE B, parent $PARENT bit/s ($PPS pkt/s), offered x$OFFER"
diag "sizes $SIZES (install only: ${INSTALL_SIZES:-none}), $REPS repetitions ($REPS_LARGE at K >= 1000), ${TIME} s (${TIME_LARGE} s at K >= 1000) after ${WARM} s (${WARM_LARGE} s)"
record b4params payload="$PAYLOAD" wire="$WIRE" parent_bps="$PARENT" pps="$PPS" \
	offer="$OFFER" time="$TIME" time_large="$TIME_LARGE" warm="$WARM" warm_large="$WARM_LARGE" \
	kernel="$(uname -r)"
# each_rep K FN: FN CAND K REP for every repetition at size K, the
# candidates in turn (reversed in even repetitions)
each_rep()
{
	local k=$1 fn=$2 reps=$REPS rep order cand
	[ "$k" -ge 1000 ] && reps=$REPS_LARGE
	for (( rep = 1; rep <= reps; rep++ )); do
		order=$CANDIDATES
		(( rep % 2 )) || order=$(echo "$CANDIDATES" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
		for cand in $order; do
			"$fn" "$cand" "$k" "$rep"
		done
	done
}

# install_only CAND K REP: the install time alone
install_only()
{
	local us
	us=$(install "$1" "$2" $(( PARENT_BYTES / $2 * 8 )) $(( PARENT_BYTES / $2 * 8 )))
	record b4install k="$2" rep="$3" cand="$1" us="$us"
	uninstall "$1" "$2"
}

for k in $SIZES; do
	setup "$k"
	diag "K=$k: $k devices up"
	each_rep "$k" run
	teardown
done
for k in $INSTALL_SIZES; do
	setup "$k"
	diag "K=$k: $k devices up (install time only)"
	each_rep "$k" install_only
	teardown
done
