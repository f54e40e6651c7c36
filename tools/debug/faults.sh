#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# faults.sh: flexvpn's create operations (a template device, a shaper
# group, an access device over IPv4 and IPv6), each run again and again
# with one allocation failing each time: the 1st allocation flexvpn.ko makes
# (itself or through the kernel functions it calls, up to 32 frames deep:
# FLEXVPN_FAULT_DEPTH),
# then the 2nd, ... until the operation runs through without reaching the
# next one. After each failure the namespace must be as it was before
# (no half-created device, no half-applied setting), or, when the operation
# still succeeded, as a normal success leaves it; meanwhile KASAN, lockdep
# and the runner's kmemleak scan judge the error paths.
# Needs a kernel with fault injection (the debug kernel of `make
# check-debug`, which runs it after the selftests); skips elsewhere.
#
#  ┌───────────────────────────────────────────────────────┐
#  │ f   vt1 (shaper: parent 100 Mbit/s, access 10 Mbit/s, │
#  │          groups g0 (empty) and g1)                    │
#  │     va: remote 198.18.1.1     vb: remote 198.18.1.2   │
#  │         rate 2 Mbit/s             group g1            │
#  └───────────────────────────────────────────────────────┘
#
# One TAP line per operation: the number of allocations it has, and that
# each one's failure was handled. Each round costs a handful of execs,
# seconds on the debug kernel: the operations are the create paths only
# (they allocate; set, show and delete mostly do not), and the state is
# compared as text, without jq.
# flexvpn: timeout=1800

set -e
source "$FLEXVPN_TOP/selftests/lib.sh"

require_module
require_cmd objdump
failnth=$FLEXVPN_TOP/build/debug/failnth
[ -x "$failnth" ] || skip_all "$failnth not built (tools/debug/check.sh builds it)"
dbg=/sys/kernel/debug
[ -e /proc/self/fail-nth ] && [ -d $dbg/failslab ] && [ -d $dbg/fail_page_alloc ] ||
	skip_all "no fault injection in this kernel (CONFIG_FAULT_INJECTION_DEBUG_FS, CONFIG_FAILSLAB)"
[ -e $dbg/failslab/require-start ] ||
	skip_all "no fault-injection stack filter (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"

# The filter: only allocations with a return address inside flexvpn.ko's
# .text among the innermost FLEXVPN_FAULT_DEPTH (32) frames count.
# Everything else (exec, `ip netns exec`, the runner) never fails. At 32
# that includes everything the core allocates for the module
# (register_netdevice()'s kobjects and sysfs files: many rounds per
# device, each several seconds on the debug kernel); 8 keeps the module's
# own allocations and those of the helpers it calls directly.
depth=${FLEXVPN_FAULT_DEPTH:-32}
ko_text=$(cat /sys/module/flexvpn/sections/.text)
ko_size=$(objdump -h -j .text "$FLEXVPN_KO" | awk '$2 == ".text" { print $3 }')
[ -n "$ko_size" ] || skip_all "no .text in $FLEXVPN_KO"
ko_end=$(printf '0x%x' $(( ko_text + 0x$ko_size )))

# knob ATTR FILE VALUE: set a fault-injection knob, restored at exit.
knob()
{
	local f=$dbg/$1/$2
	defer eval "echo $(cat "$f") > $f"
	echo "$3" > "$f"
}
for attr in failslab fail_page_alloc; do
	# Failures go to the kmsg only as the error they cause: the injection
	# report has a call trace, which the runner would count as a splat.
	knob $attr verbose 0
	# GFP_KERNEL allocations are the ones the control path makes.
	knob $attr ignore-gfp-wait N
	knob $attr stacktrace-depth "$depth"
	knob $attr require-start "$ko_text"
	knob $attr require-end "$ko_end"
done
knob fail_page_alloc min-order 0
knob fail_page_alloc ignore-gfp-highmem N

ns_new f
NS=$(nsname f)

# The state an operation may change: the namespace's devices, the template
# with its shaper and groups, the access devices (the tool prints them in
# a stable order).
state()
{
	ip -n "$NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
	ip netns exec "$NS" flexvpn -j template show
	ip netns exec "$NS" flexvpn -j access show
}

# baseline: the namespace as every operation finds it.
baseline()
{
	local d
	for d in $(ipn f -o link show type vtemplate | awk -F': ' '{ print $2 }'); do
		ipn f link del "$d"
	done
	template_new f vt1 parent-rate 100mbit access-rate 10mbit
	n f flexvpn template group add vt1 g0 rate 1mbit
	n f flexvpn template group add vt1 g1 rate 20mbit ceil 50mbit
	access_new f vt1 remote 198.18.1.1 local 198.18.0.1 peer-id a.example rate 2mbit > /dev/null
	access_new f vt1 remote 198.18.1.2 local 198.18.0.1 peer-id b.example group g1 > /dev/null
}
baseline
BASE=$(state)

# ns_reset: back to the baseline after an operation that succeeded.
ns_reset()
{
	baseline
	[ "$(state)" = "$BASE" ] || {
		diag "cannot restore the baseline"
		exit 1
	}
}

# kmsg LINE: LINE in the kernel log at level info (the console, at
# loglevel 5, does not show it): a splat after it belongs to that round.
kmsg() { echo "<6>faults.sh: $*" > /dev/kmsg; }

POINTS=0
# inject NAME CMD...: runs CMD (in namespace f) with its 1st, 2nd, ...
# allocation under flexvpn.ko failing, until it passes no more of them.
# Without a failure it must change the state, the same way every time.
inject()
{
	local name=$1 nth=0 rc remain now points='' tolerated=0 bad='' mark line
	local out=$FV_TMP/op.out done_state
	shift
	mark=$(kmsg_mark)
	# What a success leaves, once without a fault: a success despite a
	# failed allocation must leave exactly that.
	if ! ip netns exec "$NS" "$@" > "$out" 2>&1; then
		tap_fail "$name: fails without an injected fault: $(head -n 3 "$out")"
		return 0
	fi
	done_state=$(state)
	ns_reset
	if [ "$done_state" = "$BASE" ]; then
		tap_fail "$name: succeeds but changes nothing"
		return 0
	fi
	while [ $nth -lt 500 ]; do
		nth=$((nth + 1))
		kmsg "$name: allocation $nth fails"
		rc=0
		"$failnth" "$FV_TMP/remain" "$nth" ip netns exec "$NS" "$@" > "$out" 2>&1 || rc=$?
		remain=none
		read -r remain < "$FV_TMP/remain" || true
		now=$(state)
		if [ "$remain" != 0 ]; then
			# ran through: fewer than $nth allocations
			if [ $rc -ne 0 ]; then
				bad="failed without an injected fault ($rc): $(head -n 3 "$out")"
			elif [ "$now" != "$done_state" ]; then
				bad="succeeded without an injected fault, but not as the first time"
			fi
			points=$((nth - 1))
			POINTS=$((POINTS + points))
			break
		fi
		if [ $rc -ne 0 ]; then
			if [ $rc -ge 125 ]; then
				bad="allocation $nth failing: exit status $rc: $(head -n 3 "$out")"
				break
			fi
			if [ "$now" != "$BASE" ]; then
				bad="allocation $nth failing: refused ($(head -n 1 "$out")) but the state changed: $(diff <(echo "$BASE") <(echo "$now") | grep '^[<>]' | head -n 6 | tr '\n' ' ')"
				break
			fi
			continue
		fi
		# It succeeded although an allocation failed (a notification
		# nobody listens to, a reference tracker): fine, as long as the
		# result is what a success without a fault leaves.
		if [ "$now" != "$done_state" ]; then
			bad="allocation $nth failing: succeeded, but not as without a fault: $(diff <(echo "$done_state") <(echo "$now") | grep '^[<>]' | head -n 6 | tr '\n' ' ')"
			break
		fi
		tolerated=$((tolerated + 1))
		ns_reset
	done
	[ "$now" = "$BASE" ] || ns_reset
	# A splat names its round: the last of our lines before it.
	line=$(kmsg_since "$mark" | awk -v re="$KMSG_SPLAT|KASAN|UBSAN|lockdep|ODEBUG|suspicious RCU" '
		/faults\.sh: .* fails$/ { round = $0; sub(/.*faults\.sh: /, "", round) }
		$0 ~ re { print round ": " $0; exit }')
	[ -z "$line" ] || bad="kernel log: $line"
	if [ -n "$bad" ]; then
		tap_fail "$name: $bad"
		diag_file "$out" 5
		return 0
	fi
	if [ -z "$points" ]; then
		tap_fail "$name: still reaching new allocations after $nth rounds"
		return 0
	fi
	tap_ok "$name: each of its $points allocations failing is handled ($tolerated tolerated, depth $depth)"
}

inject "vtemplate newlink" ip link add vt2 type vtemplate
inject "template group add" flexvpn template group add vt1 g2 rate 5mbit ceil 10mbit
inject "access add" flexvpn access add vt1 remote 198.18.1.9 local 198.18.0.1 key 9 \
	peer-id fault.example owner 7 rate 1mbit ceil 4mbit group g1
inject "access add (IPv6)" flexvpn access add vt1 remote 2001:db8:1::9 local 2001:db8::1
# Were the filter's range wrong, every operation would pass with nothing
# failed.
check "the stack filter reaches flexvpn.ko's allocations ($POINTS)" test $POINTS -gt 0
