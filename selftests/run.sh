#!/bin/bash
# The selftest runner inside the guest (see docs/testing.md); started by
# tools/check.sh as `tools/vm/run --kernel KVER -- selftests/run.sh`.
# Loads $FLEXVPN_KO, runs every test program (or the ones named), counts
# their TAP lines, and after each program checks the kernel log for splats
# and what the program left behind (the module unloaded, processes, network
# namespaces, links in the initial namespace): each is one more failure.
# On a kernel with kmemleak (the debug kernel, tools/debug/check.sh) it also
# scans for leaks after each program and after rmmod: each scan that finds
# unreferenced objects is one more failure.
#
# usage: selftests/run.sh [PROGRAM...]
#   PROGRAM: a path, or a name looked up as selftests/NAME, selftests/NAME.sh
#   and build/selftests/NAME; "all" stands for every test program; -NAME
#   drops NAME from those listed before it ("all -shaper").
# Environment: FLEXVPN_TOP, FLEXVPN_KO (set by tools/vm/run);
#   FLEXVPN_TEST_TIMEOUT: seconds per program (default 600); a program's
#   source can ask for more with a line containing "flexvpn: timeout=SECS".
#   FLEXVPN_TIMEOUT_FACTOR: multiplies every program's timeout, and in
#   lib.sh every wait and charon's IKE retransmit timeout (default 1;
#   the debug kernel is many times slower).
#   FLEXVPN_RESULTS: where the results go (default build/results/KVER).
# Results: RESULTS/counts (passed= failed= skipped= complete= running=),
#   RESULTS/skips and RESULTS/failures (one line each), RESULTS/dmesg (the
#   kernel log, program by program), RESULTS/log/*.log (each program's output),
#   RESULTS/kmemleak (every leak report, scan by scan).
# Exit status: 0 when nothing failed.
set -uo pipefail

top=${FLEXVPN_TOP:?run me through tools/vm/run}
kver=$(uname -r)
ko=${FLEXVPN_KO:-$top/build/$kver/flexvpn.ko}
module=$(basename "$ko" .ko)
results=${FLEXVPN_RESULTS:-$top/build/results/$kver}
default_timeout=${FLEXVPN_TEST_TIMEOUT:-600}
timeout_factor=${FLEXVPN_TIMEOUT_FACTOR:-1}
kmemleak=/sys/kernel/debug/kmemleak

. "$top/tools/tap.sh"

# Kernel log lines that mean a kernel bug, whatever the test printed.
splats='WARNING:|BUG:|Oops|general protection fault|kernel BUG|Kernel panic|'\
'unreferenced object|possible recursive locking|possible circular locking|lockdep|'\
'rcu_sched self-detected stall|rcu_preempt self-detected stall|RCU stall|rcu: INFO:|'\
'INFO: task .* blocked for more than|Call Trace:|UBSAN:|KFENCE:|KASAN:|'\
'list_add corruption|list_del corruption|refcount_t:|'\
'sleeping function called from invalid context|scheduling while atomic|'\
'stack-protector'

passed=0 failed=0 skipped=0

rm -rf "$results"
mkdir -p "$results/log"
: >"$results/skips"
: >"$results/failures"
: >"$results/dmesg"

# counts, rewritten after each program: a guest that dies leaves what ran
# so far, and "running=" names the program it died in.
save_counts() {
	printf 'passed=%d\nfailed=%d\nskipped=%d\ncomplete=%d\nrunning=%s\n' \
		"$passed" "$failed" "$skipped" "${complete:-0}" "${running:-}" >"$results/counts"
}

fail() {
	local prog=$1
	shift
	failed=$((failed + 1))
	echo "$prog: $*" >>"$results/failures"
	echo "# FAIL $prog: $*"
}

# Reads and clears the kernel log; a splat in it fails PROG.
check_kernel_log() {
	local prog=$1 new line n=0
	new=$(dmesg -c 2>&1)
	[[ -n $new ]] || return 0
	printf '=== after %s\n%s\n' "$prog" "$new" >>"$results/dmesg"
	[[ $new =~ $splats ]] || return 0
	while IFS= read -r line; do
		if [[ $line =~ $splats ]]; then
			fail "$prog" "kernel log: $line"
			break
		fi
	done <<<"$new"
	while IFS= read -r line && ((n++ < 60)); do
		echo "#   $line"
	done <<<"$new"
}

load_module() {
	local deps out names
	if [[ ! -f $ko ]]; then
		fail "$module.ko" "$ko does not exist (make)"
		return 1
	fi
	# modprobe what modpost recorded as the module's dependencies.
	deps=$(modinfo -F depends "$ko" 2>/dev/null)
	IFS=, read -ra names <<<"$deps"
	if ((${#names[@]})) && ! out=$(modprobe -a "${names[@]}" 2>&1); then
		fail "$module.ko" "modprobe of its dependencies ($deps) failed: $out"
		return 1
	fi
	if ! out=$(insmod "$ko" 2>&1); then
		fail "$module.ko" "insmod failed: $out"
		return 1
	fi
}

module_loaded() { [[ -d /sys/module/$module ]]; }

# What a program may leave behind, as names in a folder: network namespaces
# (ip netns), links of the initial namespace, processes. Runs in this shell,
# not a subshell, so that it never sees a process of its own.
declare -A before
snapshot() {
	local f
	before=()
	for f in /run/netns/* /sys/class/net/* /proc/[0-9]*; do
		[[ -e $f ]] && before[$f]=1
	done
}

# Sets "new" to what appeared in FOLDER since the snapshot.
appeared() {
	local f
	new=()
	for f in "$1"/*; do
		[[ -e $f && -z ${before[$f]:-} ]] && new+=("${f##*/}")
	done
}

# Sets "new" to "PID (NAME)" for each process started since the snapshot
# and still running; kernel threads and zombies have no command line.
new_processes() {
	local f cmd name
	new=()
	for f in /proc/[0-9]*; do
		[[ -z ${before[$f]:-} && ${f#/proc/} != "$$" ]] || continue
		# a process may go between the glob and the read
		cmd='' name=''
		{ read -r -d '' cmd <"$f/cmdline"; } 2>/dev/null
		[[ -n $cmd ]] || continue
		{ read -r name <"$f/comm"; } 2>/dev/null
		new+=("${f#/proc/} (${name:-?})")
	done
}

# PATH or NAME -> path of the program, relative to $top when inside it.
find_program() {
	local arg=$1 p
	for p in "$arg" "selftests/$arg" "selftests/$arg.sh" "build/selftests/$arg"; do
		if [[ -f $p ]]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

all_programs() {
	local p
	for p in build/selftests/*; do
		[[ -f $p && -x $p ]] && echo "$p"
	done
	for p in selftests/*.sh; do
		case ${p##*/} in lib.sh | run.sh) continue ;; esac
		[[ -f $p ]] && echo "$p"
	done
}

# The source of PROG may ask for a longer timeout: "flexvpn: timeout=SECS".
program_timeout() {
	local prog=$1 src t
	src=$prog
	[[ $prog != build/selftests/* ]] || src=selftests/${prog#build/selftests/}.c
	t=$(grep -m 1 -oE 'flexvpn: timeout=[0-9]+' "$src" 2>/dev/null)
	t=${t##*=}
	echo $((${t:-$default_timeout} * timeout_factor))
}

# kmemleak reports an object that two scans found unreferenced and
# unchanged, and only once it is 5 s old (MSECS_MIN_AGE): the second scan
# starts at least 5 s after the first.
kmemleak_scan() {
	local t0 now
	read -r t0 _ </proc/uptime
	echo scan 2>/dev/null >"$kmemleak" || return 1
	while read -r now _ </proc/uptime; ((${now%.*} < ${t0%.*} + 6)); do
		sleep 0.5
	done
	echo scan 2>/dev/null >"$kmemleak"
}

# Fails LABEL when kmemleak reports objects (kept in RESULTS/kmemleak), then
# clears the report so that the next scan shows only new ones. The message
# names the first object's allocation site: its first frame past the
# allocator.
kmemleak_check() {
	local label=$1 report n site
	[[ -e $kmemleak ]] || return 0
	if ! kmemleak_scan; then
		# kmemleak turns itself off for good (out of metadata memory...)
		fail "$label" "kmemleak refuses to scan: $(dmesg | grep -m 1 -i kmemleak)"
		kmemleak=/nonexistent
		return 0
	fi
	report=$(<"$kmemleak")
	echo clear >"$kmemleak"
	[[ -n $report ]] || return 0
	printf '=== %s\n%s\n' "$label" "$report" >>"$results/kmemleak"
	n=$(grep -c '^unreferenced object' <<<"$report")
	site=$(awk '/^ +\[</ && !/kmemleak|kmalloc|kmem_cache|slab|__alloc|alloc_pages|kvmalloc|krealloc|kmemdup|kstrdup/ {
		print $2; exit }' <<<"$report")
	fail "$label" "kmemleak: $n unreferenced object(s), the first allocated in ${site:-?}"
	awk '/^unreferenced object/ { n++ } n == 1' <<<"$report" | head -n 30 | sed 's/^/#   /'
}

run_program() {
	local prog=$1 out pid rc t p f s line new leaked
	out=$results/log/${prog//\//_}.log
	t=$(program_timeout "$prog")
	snapshot

	echo "# === $prog"
	running=$prog
	save_counts
	local cmd=("$prog")
	[[ -x $prog ]] || cmd=(bash "$prog")
	: >"$out"
	timeout --kill-after=10 "$t" "${cmd[@]}" </dev/null >>"$out" 2>&1 &
	pid=$!
	# Stream the output while it is written: the program's own processes may
	# keep a pipe open after it exits, a file they cannot hold up.
	tail -n +1 -s 0.2 --pid="$pid" -f "$out"
	wait "$pid"
	rc=$?

	# a command substitution, not a process substitution: bash waits for
	# it, so its subshells are gone before the leftovers are listed (on the
	# debug kernel they were still exiting and counted as the program's)
	read -r p f s <<<"$(tap_collect "$out" "$prog" "$results")"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))

	if ((rc == 124 || rc == 137)); then
		fail "$prog" "timed out after ${t}s"
	elif ((rc == 4 && p + f + s == 0)); then
		# kselftest's KSFT_SKIP without a TAP line.
		skipped=$((skipped + 1))
		echo "$prog: exit status 4 (KSFT_SKIP): $(grep -m 1 -i skip "$out")" >>"$results/skips"
	elif ((rc != 0 && rc != 4 && f == 0)); then
		fail "$prog" "exited with status $rc"
	elif ((p + f + s == 0)); then
		fail "$prog" "printed no TAP result line"
	fi

	if ! module_loaded; then
		fail "$prog" "left $module unloaded"
		load_module
	fi
	new_processes
	if ((${#new[@]})); then
		fail "$prog" "left processes running: ${new[*]}"
		kill -KILL "${new[@]%% *}" 2>/dev/null
	fi
	appeared /run/netns
	if ((${#new[@]})); then
		fail "$prog" "left network namespaces behind: ${new[*]}"
		for line in "${new[@]}"; do ip netns del "$line"; done
	fi
	# A tunnel module loaded on demand adds its fallback devices (gre0,
	# ip6tnl0...): those the kernel keeps when asked to delete them are not
	# the program's.
	appeared /sys/class/net
	leaked=()
	for line in "${new[@]}"; do
		ip link del "$line" 2>/dev/null
		[[ -e /sys/class/net/$line ]] || leaked+=("$line")
	done
	if ((${#leaked[@]})); then
		fail "$prog" "left links in the initial namespace: ${leaked[*]}"
	fi
	kmemleak_check "$prog"
	# Last, so that a splat while undoing the leftovers counts too.
	check_kernel_log "$prog"
	running=
	save_counts
}

cd "$top" || exit 1
if (($# > 0)); then
	programs=()
	for arg; do
		if [[ $arg == all ]]; then
			mapfile -t -O "${#programs[@]}" programs < <(all_programs)
		elif [[ $arg == -?* ]] && prog=$(find_program "${arg#-}"); then
			# -NAME: not NAME (of those listed so far)
			for i in "${!programs[@]}"; do
				[[ ${programs[i]} != "$prog" ]] || unset 'programs[i]'
			done
			programs=("${programs[@]}")
		elif prog=$(find_program "$arg"); then
			programs+=("$prog")
		else
			fail "$arg" "no such test program"
		fi
	done
else
	mapfile -t programs < <(all_programs)
fi

echo "# $kver: ${#programs[@]} test program(s)"
if [[ -e $kmemleak ]]; then
	# What the kernel leaked while booting is not the tests' doing.
	kmemleak_scan && cat "$kmemleak" >"$results/kmemleak.boot"
	echo clear 2>/dev/null >"$kmemleak"
fi
dmesg -c >"$results/dmesg" 2>&1
running="insmod $module"
save_counts
if module_loaded; then
	rmmod "$module" || fail "$module.ko" "cannot unload the already loaded module"
fi
if load_module; then
	check_kernel_log "insmod $module"
	for prog in "${programs[@]}"; do
		run_program "$prog"
	done
	running="rmmod $module"
	save_counts
	if module_loaded && ! out=$(rmmod "$module" 2>&1); then
		fail "rmmod $module" "$out"
	fi
	# Objects only the module's own data still pointed to count now.
	kmemleak_check "rmmod $module"
	check_kernel_log "rmmod $module"
fi

if [[ -s $results/skips ]]; then
	sed 's/^/# skipped: /' "$results/skips"
fi
running=
complete=1
save_counts
echo "# $kver: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
