#!/bin/bash
# `make check-debug`: every selftest on a debug kernel. Builds the kernel
# (tools/debug/build-kernel.sh, cached), builds flexvpn.ko against it and the
# userspace parts, boots it in the guest (tools/vm/run --image --moddir) and
# runs selftests/run.sh over every test program plus the fault-injection
# test (tools/debug/faults.sh), with kmemleak scans after each program and
# after rmmod. Then prints a summary: counts, failures, every distinct splat
# of the kernel log, kmemleak's reports, and how long each step took. Not
# part of `make check` (CI): the first kernel build takes hours, and the run
# itself several times `make check`'s 6.12 half.
#
# Environment: FLEXVPN_VM_TIMEOUT (seconds for the whole guest run, default
# 36000), FLEXVPN_TIMEOUT_FACTOR (multiplies each program's timeout, default
# 6), TESTS (test programs to run, default
# tools/debug/faults.sh all), FLEXVPN_* (passed to the guest).
# Output: build/debug/summary (also printed), build/results/KVER/,
# build/vm/KVER/console.log.
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$top" || exit 1
me=tools/debug/check.sh
work=build/debug
summary=$work/summary

die() { echo "$me: $*" >&2; exit 1; }

declare -A took
# timed NAME CMD...: runs CMD, keeps its duration under NAME.
timed() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	"$@" || rc=$?
	took[$name]=$(($(date +%s) - t0))
	return "$rc"
}

echo "### debug kernel"
t0=$(date +%s)
kver=$(tools/debug/build-kernel.sh | tail -n 1) || kver=
[[ -n $kver ]] || die "the debug kernel did not build (build/debug/build-kernel.log)"
took[kernel]=$(($(date +%s) - t0))
moddir=$work/kernel/lib/modules/$kver

echo "### build (flexvpn.ko for $kver, userspace, selftests)"
timed build make --no-print-directory KVERS= userspace plugin selftests ||
	die "the build failed"
# The kernel has no debug information (tools/debug/debug.config); the
# module has, so that its frames in a splat resolve to lines.
timed module env KCFLAGS=-g tools/build-module.sh "$kver" "$top/$work/obj" ||
	die "flexvpn.ko did not build against $kver"
timed failnth make --no-print-directory "$top/$work/failnth" ||
	die "build/debug/failnth did not build"

echo "### selftests on $kver"
results=build/results/$kver
rm -rf "$results"
rc=0
# The debug kernel is slow under TCG: a task may wait minutes for the RTNL
# while another tears down thousands of devices, which the stock kernel does
# in seconds. The lockup detectors stay on with wider limits. KASAN reports
# every bug, not only the first (lockdep cannot: it stops at its first).
# tsc=reliable: the clocksource watchdog, starved on a loaded host, marked
# the TSC unstable 40 minutes into the first run and moved the kernel to
# the HPET, whose every read is an emulated MMIO access.
export FLEXVPN_TIMEOUT_FACTOR=${FLEXVPN_TIMEOUT_FACTOR:-6}
# The fault-injection pass goes first: the selftests also run on the stock
# kernels (make check), it runs only here, and a run cut short should
# still have it.
# The guest yields the CPU to everything else on the machine (nice 19), and
# its output is kept with the host's clock (build/debug/guest.log): the
# summary's program durations come from there.
guest() {
	# shellcheck disable=SC2086 # TESTS is a list
	nice -n 19 tools/vm/run --image "$work/kernel/vmlinux" --moddir "$moddir" \
		--mem 4G --timeout "${FLEXVPN_VM_TIMEOUT:-36000}" \
		--append "kasan_multi_shot watchdog_thresh=30 sysctl.kernel.hung_task_timeout_secs=900 tsc=reliable" \
		-- selftests/run.sh ${TESTS:-tools/debug/faults.sh all} 2>&1 |
		while IFS= read -r line; do printf '%(%s)T %s\n' -1 "$line"; done |
		tee "$work/guest.log" | sed -u 's/^[0-9]* //'
	return "${PIPESTATUS[0]}"
}
timed guest guest || rc=$?

# The summary: what a person reads first after a night's run.
passed=0 failed=0 skipped=0 complete=0 running=
if [[ -f $results/counts ]]; then
	# shellcheck source=/dev/null # selftests/run.sh's counts
	. <(grep -E '^(passed|failed|skipped|complete|running)=' "$results/counts")
fi
{
	echo "# make check-debug, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $kver"
	for step in kernel build module failnth guest; do
		printf '# %-8s %6ss\n' "$step" "${took[$step]:-?}"
	done
	if [[ -f $results/counts ]]; then
		((complete)) || echo "# the guest died while running ${running:-?} (tools/vm/run: $rc)"
		echo "# selftests: $passed passed, $failed failed, $skipped skipped"
		sed 's/^/# failed: /' "$results/failures"
		sed 's/^/# skipped: /' "$results/skips"
	else
		echo "# no selftest results (tools/vm/run: $rc; see build/vm/$kver/console.log)"
	fi
	echo "# the slowest programs (seconds):"
	awk '$2 == "#" && $3 == "===" { if (p != "") print $1 - t0, p; p = $4; t0 = $1 }
		END { if (p != "") print "?", p }' "$work/guest.log" |
		sort -rn | head -n 8 | sed 's/^/#   /'
	# The run's kernel log, program by program, has every message; the
	# console only the warnings and worse, but also what came after the
	# last program (a guest that died).
	log=$results/dmesg
	((complete)) || log=build/vm/$kver/console.log
	echo "# distinct splats in $log (count, first line):"
	grep -E 'BUG:|WARNING:|KASAN:|UBSAN:|lockdep|possible (recursive|circular) locking|'\
'suspicious RCU usage|sleeping function called|ODEBUG:|unregister_netdevice: waiting|'\
'refcount_t:|list_(add|del) corruption|INFO: task .* blocked|rcu: INFO:' \
		"$log" 2>/dev/null |
		sed -E 's/^\[ *[0-9.]+\] //; s/(pid|PID|CPU)[: ]+[0-9]+/\1 N/g; s/0x[0-9a-f]+/0x.../g' |
		sort | uniq -c | sort -rn | sed 's/^/#   /'
	if [[ -s $results/kmemleak ]]; then
		echo "# kmemleak: $(grep -c '^unreferenced object' "$results/kmemleak") object(s) in $results/kmemleak"
	else
		echo "# kmemleak: nothing reported"
	fi
} | tee "$summary"
[[ $failed == 0 && $complete == 1 && -f $results/counts ]]
