#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B6, third part (docs/benchmarks.md, shared BENCHMARKS.md): first packet ->
# first packet on the direct spoke-to-spoke device, end to end with real
# charons and the plugin's NHRP shortcut switching. Runs inside the guest
# (tools/bench/run.sh b6s boots it). The topology is the one of
# selftests/nhrp_shortcut.sh, whose helpers (selftests/lib.sh) it uses:
#
#   lan1 ── spoke1 ──┐                 ┌── spoke2 ── lan2
#          198.18.1.1└── inet ── hub ──┘198.18.2.1
#                         s1   198.18.0.1
#
# Set up once (hub with redirects on, interval 2 s; both spokes connected
# to the hub), then B6S_REPS times per traffic kind, interleaved (odd
# repetitions in B6S_TRAFFIC order, even ones reversed), after one warm-up
# repetition of each (TCG translates code on its first run):
#   - no shortcut: `flexvpn nhrp flush` on both spokes, wait until the
#     shortcut devices are gone, then B6S_GAP s more (longer than the hub's
#     redirect interval, so the kernel's limiter lets the next trigger out);
#   - start traffic lan1 -> lan2 at B6S_PPS packets/s: "udp" = udpblast,
#     one-way (lan2 drops it silently: no ICMP back), "ping" = ping -i, the
#     replies hairpin through the hub too, so both spokes resolve at once;
#   - wait (at most B6S_TIMEOUT s) until spoke1 routes lan2 through another
#     device than its hub device, let B6S_PPS/2 more packets go, stop.
# What is timed is read afterwards from one capture in "inet" on spoke1's
# link (s1), one clock, ESP decrypted with the keys read back from the
# spokes' kernels (esp_record): t0 = the first ESP packet spoke1 -> hub
# carrying lan1 -> lan2 traffic, t1 = the first ESP packet spoke1 -> spoke2
# carrying it. Between them, on the wire: the hub's Traffic Indication to
# spoke1, spoke1's Resolution Request, the first IKE_SA_INIT and the
# IKE_AUTH response between the spokes, spoke2's Resolution Reply; from the
# charon logs (time_add_ms: millisecond stamps, same clock): the hub's
# forwarding of the request, the shortcut IKE_SA established on spoke1 and
# spoke1's NHRP route. Per repetition also: the shortcut device's tx packet
# counter (cross-check of t1), who initiated the shortcut IKE_SA, and the
# counts of the plugin's failure and back-off messages.
#
# Environment (defaults): B6S_REPS (10), B6S_TRAFFIC ("udp ping"),
# B6S_PPS (50), B6S_GAP (2.5), B6S_TIMEOUT (60), B6S_WARMUP (1).
# Output: RAW b6s lines (tools/bench/stats.py b6s turns them into tables;
# tools/bench/stats.py b6sreps makes them from the capture and the logs).
set -e
export FLEXVPN_KO=${FLEXVPN_BENCH_KO:-$FLEXVPN_KO}
source "$(dirname "$0")/../../selftests/lib.sh"

REPS=${B6S_REPS:-10}
TRAFFIC=${B6S_TRAFFIC:-udp ping}
PPS=${B6S_PPS:-50}
GAP=${B6S_GAP:-2.5}
TIMEOUT=${B6S_TIMEOUT:-60}
WARMUP=${B6S_WARMUP:-1}
UDPBLAST=${UDPBLAST:-$FLEXVPN_TOP/build/bench/udpblast}
STATS=$FLEXVPN_TOP/tools/bench/stats.py

require_module
require_cmd jq dumpcap tshark nft python3
require_plugin
[ -x "$UDPBLAST" ] || skip_all "$UDPBLAST missing (tools/bench/run.sh builds it)"

# hold time long enough that no refresh or expiry falls into a repetition
nhrp_topo 300
for ns in hub spoke1 spoke2; do
	# millisecond stamps (strongSwan 5.9.8's filelog option)
	charon_conf_more "$ns" "filelog { log { time_add_ms = yes } }"
	charon_start "$ns"
done
swanctl_load hub "$(swanctl_hub flexvpn-test-psk)"
for s in 1 2; do
	swanctl_load "spoke$s" "$(swanctl_spoke "$s" "$(outer4 0)" flexvpn-test-psk)
$(swanctl_shortcut "$s")"
	swanctl_ns "spoke$s" --initiate --child gre --ike hub --timeout 30 \
		> "$FV_TMP/spoke$s.initiate" 2>&1 || {
		diag_file "$FV_TMP/spoke$s.initiate"
		exit 1
	}
done

l1=$(lan4 1 2) l2=$(lan4 2 2)
sva1=$(access_to spoke1 hub.example)
[ -n "$sva1" ] || { diag "spoke1 has no access device to the hub"; exit 1; }
# lan2 drops the UDP sink port without an ICMP error: one-way traffic
n lan2 nft -f - <<-EOF
	table inet sink {
		chain input {
			type filter hook input priority 0;
			udp dport 9 drop
		}
	}
EOF

capture_start inet s1 "$FV_TMP/s1.pcapng"
CAP=$CAPTURE_PID
esp_record spoke1

# log_lines: line counts of the three charon logs ("hub spoke1 spoke2")
log_lines() { local ns; for ns in hub spoke1 spoke2; do wc -l < "$FV_TMP/$ns/charon.log"; done | xargs; }
# via_dev: the device spoke1 routes lan2 through (one process per poll:
# every poll costs the guest's CPU, which charon needs meanwhile)
via_dev() { ipn spoke1 -o route get "$l2" | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }'; }
switched() { local d; d=$(via_dev); [ -n "$d" ] && [ "$d" != "$sva1" ]; }
# xfrm_drops: ESP packets spoke1's kernel dropped for want of a usable SA:
# none (XfrmInNoStates), one whose SPI is only allocated, before IKE_AUTH
# completes (XfrmAcquireError), one not valid (XfrmInStateInvalid): a reply
# sent through a shortcut before spoke1 installed its side
xfrm_drops()
{
	n spoke1 cat /proc/net/xfrm_stat 2> /dev/null | awk '
		$1 ~ /^Xfrm(InNoStates|AcquireError|InStateInvalid)$/ { v += $2 }
		END { print v + 0 }'
}
gone() { [ "$(link_count spoke1 vaccess)" -eq 1 ] && [ "$(link_count spoke2 vaccess)" -eq 1 ]; }

# rep N WARM TRAFFIC: one repetition; appends its line to $FV_TMP/reps
rep()
{
	local r=$1 warm=$2 kind=$3 marks0 marks1 start end ok=1 poll dev tx=0 pid ns0 ns1
	marks0=$(log_lines)
	ns0=$(xfrm_drops)
	start=$(now_ms)
	case $kind in
	udp) bg lan1 "$UDPBLAST" 0.0.0.0 "$l2" 1 64 "$PPS" $(( TIMEOUT + 10 )) ;;
	ping) bg lan1 ping -q -i "$(awk -v p="$PPS" 'BEGIN { print 1 / p }')" \
		-c $(( PPS * (TIMEOUT + 10) )) "$l2" ;;
	esac
	pid=$BG_PID
	busywait $(( TIMEOUT * 1000 )) switched || ok=0
	poll=$(( $(now_ms) - start ))
	sleep "$(awk -v p="$PPS" 'BEGIN { print 25 / p }')"
	pid_stop "$pid" > /dev/null 2>&1
	end=$(now_ms)
	ns1=$(xfrm_drops)
	dev=$(via_dev)
	if [ "$ok" = 1 ]; then
		tx=$(link_stat spoke1 "$dev" tx packets)
		esp_record spoke1
	fi
	n spoke1 flexvpn nhrp flush > /dev/null
	n spoke2 flexvpn nhrp flush > /dev/null
	busywait 30000 gone || diag "rep $r: shortcut devices still there 30 s after the flush"
	marks1=$(log_lines)
	echo "rep=$r warm=$warm traffic=$kind ok=$ok start_ms=$start end_ms=$end" \
		"poll_ms=$poll dev=$dev dev_tx=$tx xfrm_drops=$(( ns1 - ns0 ))" \
		"marks0=${marks0// /,}" \
		"marks1=${marks1// /,}" >> "$FV_TMP/reps"
	diag "rep $r $kind: switched=$ok after ${poll} ms (poll), $dev tx $tx"
	sleep "$GAP"
}

sleep "$GAP"
diag "B6 shortcut: $REPS repetitions of $TRAFFIC at $PPS packets/s, gap $GAP s"
if [ "$WARMUP" = 1 ]; then
	for kind in $TRAFFIC; do rep 0 1 "$kind"; done
fi
for (( r = 1; r <= REPS; r++ )); do
	order=$TRAFFIC
	(( r % 2 )) || order=$(echo "$TRAFFIC" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
	for kind in $order; do rep "$r" 0 "$kind"; done
done

pid_stop "$CAP" INT
sort -u -o "$FV_ESP_SAS" "$FV_ESP_SAS"
mapfile -t uat < <(esp_uat_opts)
tshark -n -r "$FV_TMP/s1.pcapng" "${uat[@]}" -Y "esp || isakmp" -T fields \
	-E separator=/t -E occurrence=a -E aggregator=, \
	-e frame.time_epoch -e ip.src -e ip.dst -e frame.protocols \
	-e nhrp.hdr.op.type -e isakmp.exchangetype -e isakmp.flag_r \
	> "$FV_TMP/s1.frames" 2> "$FV_TMP/tshark.err" || {
	diag_file "$FV_TMP/tshark.err"
	exit 1
}
diag "capture: $(wc -l < "$FV_TMP/s1.frames") ESP/IKE frames on s1, $(grep -c ':esp:gre:' "$FV_TMP/s1.frames" || true) decrypted"
echo "RAW b6sparams kernel=$(uname -r) pps=$PPS gap=$GAP reps=$REPS"
"$STATS" b6sreps "$FV_TMP/reps" "$FV_TMP/s1.frames" "$(outer4 0)" "$(outer4 1)" \
	"$(outer4 2)" "$l1" "$l2" "$(lan4_net 2)" \
	"$FV_TMP/hub/charon.log" "$FV_TMP/spoke1/charon.log" "$FV_TMP/spoke2/charon.log"
for ns in hub spoke1 spoke2; do
	charon_no_crash "$ns" || diag "$ns: charon crashed"
done
