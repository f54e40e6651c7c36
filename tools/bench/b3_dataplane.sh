#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B3 (docs/benchmarks.md, shared BENCHMARKS.md): data plane. Runs inside the
# guest (tools/bench/run.sh boots it).
#
#  ┌────────┐        ┌──────────────────┐          ┌──────────────────┐        ┌────────┐
#  │ snd    │        │ ra               │  outer   │ rb               │        │ rcv    │
#  │  eth0 ─┼────────┼─ s        ab ───┼──────────┼─── ba        r ──┼────────┼─ eth0  │
#  │ .10.2  │        │ .10.1            │ MTU 9000 │            .20.1 │        │ .20.2  │
#  └────────┘        │ va1 gre1 xfrm1   │          │ va1 gre1 xfrm1   │        └────────┘
#                    └──────────────────┘          └──────────────────┘
#
# Inner: sender 198.18.10.2 -> receiver 198.18.20.2 (MTU 1500 everywhere
# inside, tunnel devices MTU 1500). Outer, on the ra-rb link (MTU 9000, so
# no candidate fragments): one address pair per candidate, all present at
# once; a candidate is chosen by replacing the two routes on ra and rb.
#
#   ours   access device va1 of template vt1; ESP transport SAs + policies
#          protecting proto gre 198.19.1.1 <-> 198.19.1.2
#   gre    ip_gre gre1, the same kind of ESP transport SAs, 198.19.2.x
#   xfrmi  xfrm1 (if_id 42), ESP tunnel-mode SAs 198.19.3.x, policies with
#          if_id 42 (0.0.0.0/0 out, in, fwd)
#   plain  routing over the ra-rb veth, no IPsec (baseline)
#
# Ciphers: null (`enc ecb(cipher_null) ""`, no authentication: encapsulation
# and XFRM cost only) and AEAD rfc4106(gcm(aes)) with a 128-bit ICV; every
# candidate uses the same one.
#
# Metrics (iperf3, B3_TIME seconds each after a 1 s warm-up that is not
# counted): TCP 1 stream and 4 streams (receiver throughput), UDP -b 0 with
# 64 B and 1400 B payload (packets the receiver got per second).
# Interleaved: for each repetition and metric, ours gre xfrmi plain.
#
# Environment: B3_REPS (default 5), B3_TIME (default 4), B3_CIPHERS
# (default "null aead"), B3_METRICS (default "tcp1 tcp4 udp64 udp1400").
# Output: RAW lines (tools/bench/stats.py b3 turns them into the table).
set -e
. "$(dirname "$0")/lib.sh"

REPS=${B3_REPS:-5}
TIME=${B3_TIME:-4}
CIPHERS=${B3_CIPHERS:-null aead}
METRICS=${B3_METRICS:-tcp1 tcp4 udp64 udp1400}
CANDIDATES="ours gre xfrmi plain"
VACHURN=${VACHURN:-$BENCH_BUILD/vachurn}
SND=198.18.10.2
RCV=198.18.20.2

command -v iperf3 > /dev/null || die "iperf3 not found"
[ -x "$VACHURN" ] || die "$VACHURN missing (tools/bench/run.sh builds it)"
bench_module_load

# outer ra|rb CAND: a candidate's outer address on ra or rb
outer()
{
	local i
	case $2 in ours) i=1;; gre) i=2;; xfrmi) i=3;; plain) i=0;; esac
	case $1 in ra) echo "198.19.$i.1";; rb) echo "198.19.$i.2";; esac
}

topology()
{
	local r c
	ns_add snd; ns_add ra; ns_add rb; ns_add rcv
	ip -n "$BENCH_NS_PREFIX-snd" link add eth0 type veth peer name s netns "$BENCH_NS_PREFIX-ra"
	ip -n "$BENCH_NS_PREFIX-ra" link add ab type veth peer name ba netns "$BENCH_NS_PREFIX-rb"
	ip -n "$BENCH_NS_PREFIX-rb" link add r type veth peer name eth0 netns "$BENCH_NS_PREFIX-rcv"
	ipn ra link set ab mtu 9000; ipn rb link set ba mtu 9000
	ipn snd addr add $SND/24 dev eth0
	ipn ra addr add 198.18.10.1/24 dev s
	ipn rb addr add 198.18.20.1/24 dev r
	ipn rcv addr add $RCV/24 dev eth0
	for c in plain ours gre xfrmi; do
		ipn ra addr add "$(outer ra $c)/24" dev ab
		ipn rb addr add "$(outer rb $c)/24" dev ba
	done
	for r in snd:eth0 ra:s ra:ab rb:ba rb:r rcv:eth0; do
		ipn "${r%:*}" link set "${r#*:}" up
	done
	ipn snd route add default via 198.18.10.1
	ipn rcv route add default via 198.18.20.1

	for r in ra rb; do
		local peer=rb
		[ $r = rb ] && peer=ra
		# ours: one access device to the other router
		ipn $r link add vt1 type vtemplate
		ipn $r link set vt1 mtu 1500
		n $r "$VACHURN" add vt1 1 "$(outer $r ours)" "$(outer $peer ours)" > /dev/null
		ipn $r link set va1 mtu 1500
		# ip_gre
		ipn $r link add gre1 type gre local "$(outer $r gre)" remote "$(outer $peer gre)"
		ipn $r link set gre1 mtu 1500 up
		# xfrmi
		ipn $r link add xfrm1 type xfrm if_id 42
		ipn $r link set xfrm1 mtu 1500 up
	done
}

# sa NS SRC DST MODE SPI [ARGS]: one ESP SA with the current cipher
sa()
{
	local ns=$1 src=$2 dst=$3 mode=$4 spi=$5
	shift 5
	case $CIPHER in
	null) n "$ns" ip xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		mode "$mode" "$@" enc 'ecb(cipher_null)' '' ;;
	aead) n "$ns" ip xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		mode "$mode" "$@" aead 'rfc4106(gcm(aes))' \
		0x0123456789abcdef0123456789abcdef01234567 128 ;;
	esac
}

# ipsec: (re)install every SA and policy with $CIPHER
ipsec()
{
	local r a b cand spi
	for r in ra rb; do
		n $r ip xfrm state flush
		n $r ip xfrm policy flush
	done
	# transport mode for GRE: ours and gre
	spi=$(( 0x100 ))
	for cand in ours gre; do
		a=$(outer ra $cand); b=$(outer rb $cand)
		for r in ra rb; do
			sa $r "$a" "$b" transport $spi
			sa $r "$b" "$a" transport $(( spi + 1 ))
		done
		n ra ip xfrm policy add src "$a" dst "$b" proto gre dir out tmpl src "$a" dst "$b" proto esp mode transport
		n ra ip xfrm policy add src "$b" dst "$a" proto gre dir in tmpl src "$b" dst "$a" proto esp mode transport
		n rb ip xfrm policy add src "$b" dst "$a" proto gre dir out tmpl src "$b" dst "$a" proto esp mode transport
		n rb ip xfrm policy add src "$a" dst "$b" proto gre dir in tmpl src "$a" dst "$b" proto esp mode transport
		spi=$(( spi + 2 ))
	done
	# tunnel mode with if_id: xfrmi
	a=$(outer ra xfrmi); b=$(outer rb xfrmi)
	for r in ra rb; do
		sa $r "$a" "$b" tunnel $spi if_id 42
		sa $r "$b" "$a" tunnel $(( spi + 1 )) if_id 42
	done
	for r in ra rb; do
		local me=$a peer=$b
		[ $r = rb ] && { me=$b; peer=$a; }
		n $r ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out if_id 42 \
			tmpl src "$me" dst "$peer" proto esp mode tunnel
		n $r ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir in if_id 42 \
			tmpl src "$peer" dst "$me" proto esp mode tunnel
		n $r ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir fwd if_id 42 \
			tmpl src "$peer" dst "$me" proto esp mode tunnel
	done
}

# use CAND: route the sender's and receiver's subnets through CAND
use()
{
	case $1 in
	ours) ipn ra route replace 198.18.20.0/24 dev va1
	      ipn rb route replace 198.18.10.0/24 dev va1 ;;
	gre) ipn ra route replace 198.18.20.0/24 dev gre1
	     ipn rb route replace 198.18.10.0/24 dev gre1 ;;
	xfrmi) ipn ra route replace 198.18.20.0/24 dev xfrm1
	       ipn rb route replace 198.18.10.0/24 dev xfrm1 ;;
	plain) ipn ra route replace 198.18.20.0/24 via "$(outer rb plain)"
	       ipn rb route replace 198.18.10.0/24 via "$(outer ra plain)" ;;
	esac
}

# reachable: the receiver answers through the current candidate (the first
# packets may be lost to neighbour resolution)
reachable()
{
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		n snd ping -q -c 1 -W 1 $RCV > /dev/null 2>&1 && return 0
	done
	return 1
}

# measure METRIC: one iperf3 run, prints bits/s (TCP) or received packets/s
measure()
{
	local out=$BENCH_TMP/iperf.json args what=udp
	case $1 in
	tcp1) args=(-P 1); what=tcp ;;
	tcp4) args=(-P 4); what=tcp ;;
	udp64) args=(-u -b 0 -l 64) ;;
	udp1400) args=(-u -b 0 -l 1400) ;;
	esac
	n snd iperf3 -J -c $RCV -t "$TIME" -O 1 "${args[@]}" > "$out" 2>&1 || true
	python3 "$BENCH_DIR/stats.py" iperf "$out" "$what" 2>/dev/null || echo 0
}

# counters CAND: packets the candidate's device sent on ra, for the record
tx_packets() { ipn ra -s -j link show "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])' 2>/dev/null || echo 0; }

topology
n rcv iperf3 -s -D -I "$BENCH_TMP/iperf3.pid" > /dev/null
for i in $(seq 50); do [ -s "$BENCH_TMP/iperf3.pid" ] && break; sleep 0.1; done
BENCH_PIDS+=("$(cat "$BENCH_TMP/iperf3.pid")")

diag "B3 on $(uname -r): $REPS repetitions of ${TIME}s, ciphers: $CIPHERS, metrics: $METRICS"
for CIPHER in $CIPHERS; do
	ipsec
	for cand in $CANDIDATES; do
		use "$cand"
		reachable || die "$cand ($CIPHER): the receiver does not answer"
	done
	for (( rep = 1; rep <= REPS; rep++ )); do
		for metric in $METRICS; do
			for cand in $CANDIDATES; do
				use "$cand"
				v=$(measure "$metric")
				record b3 cipher=$CIPHER cand=$cand metric=$metric rep=$rep value=$v
			done
		done
		diag "$CIPHER rep $rep done"
	done
	# the tunnels really carried the traffic (and through IPsec)
	diag "$CIPHER: ra tx packets va1 $(tx_packets va1) gre1 $(tx_packets gre1) xfrm1 $(tx_packets xfrm1); SAs used:"
	n ra ip -s xfrm state | awk '/^src/ { sa = $0 } /bytes\), / { print "#   " sa " : " $0 }' | head -6 >&2
done
