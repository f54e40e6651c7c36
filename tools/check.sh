#!/bin/bash
# `make check`: installs what is missing (tools/deps.sh), builds everything,
# runs the host unit tests (`make -C userspace test`), then boots a guest per
# kernel running selftests/run.sh, and adds it all up. The last line printed
# is "N passed, N failed" (", N skipped" when tests were skipped, with the
# reasons listed above it); the exit status is non-zero when anything failed.
#
# Meanwhile, beside the selftests' guests, it builds the Debian packages
# (make deb, lintian included) and runs the package tests (tools/pkgtest.sh:
# install, reboot, purge in a guest).
#
# Environment: KVERS (kernels, default build/kernels), TESTS (selftests to
# run, default all; the word "packages" among them runs the package tests,
# which a TESTS without it leaves out), FLEXVPN_VM_TIMEOUT (seconds per
# guest, default 3600), FLEXVPN_* (passed into the guest).
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$top" || exit 1
. tools/tap.sh

passed=0 failed=0 skipped=0
skips=() fails=()

fail() {
	failed=$((failed + 1))
	fails+=("$*")
}

# Adds RESULTS/counts, RESULTS/skips and RESULTS/failures (selftests/run.sh's
# format) under the label LABEL. Fails when the run did not complete, and then
# sets "running" to what was running when the guest died.
add_results() {
	local dir=$1 label=$2 line k v
	local passed_=0 failed_=0 skipped_=0 complete_=0
	running=
	while IFS='=' read -r k v; do
		case $k in
		passed) passed_=$v ;; failed) failed_=$v ;;
		skipped) skipped_=$v ;; complete) complete_=$v ;;
		running) running=$v ;;
		esac
	done <"$dir/counts"
	passed=$((passed + passed_))
	failed=$((failed + failed_))
	skipped=$((skipped + skipped_))
	while IFS= read -r line; do skips+=("[$label] $line"); done <"$dir/skips"
	while IFS= read -r line; do fails+=("[$label] $line"); done <"$dir/failures"
	((complete_))
}

finish() {
	local line
	echo
	for line in "${skips[@]}"; do echo "# skipped: $line"; done
	for line in "${fails[@]}"; do echo "# failed: $line"; done
	if ((skipped)); then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	((failed == 0))
	exit
}

section() { printf '\n### %s\n' "$*"; }

section "dependencies"
if ! tools/deps.sh; then
	fail "tools/deps.sh failed"
	finish
fi
kvers=${KVERS:-$(<build/kernels)}

section "build (kernels: ${kvers//$'\n'/ })"
if ! make -C "$top" --no-print-directory KVERS="$kvers" all; then
	fail "the build failed"
	finish
fi

# Host unit tests: TAP on stdout, counted like the selftests.
if [[ -f userspace/Makefile ]] && grep -q '^test:' userspace/Makefile; then
	section "host unit tests"
	host=build/results/host
	rm -rf "$host"
	mkdir -p "$host"
	make -C userspace --no-print-directory test 2>&1 | tee "$host/log"
	rc=${PIPESTATUS[0]}
	{
		read -r p f s
		while IFS= read -r line; do
			case $line in
			"skip "*) skips+=("[host] ${line#skip }") ;;
			"fail "*) fails+=("[host] ${line#fail }") ;;
			esac
		done
	} < <(tap_count "$host/log" "make -C userspace test")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if ((rc != 0 && f == 0)); then
		fail "[host] make -C userspace test: exit status $rc"
	fi
fi

# "packages" in TESTS is the package tests, not a guest selftest
packages=yes selftests=
if [[ -n ${TESTS:-} ]]; then
	packages=no
	for t in $TESTS; do
		if [[ $t == packages ]]; then packages=yes; else selftests+=" $t"; fi
	done
	[[ -n $selftests ]] || kvers=
fi

# Two lanes of guests at once: a guest's vCPUs run on one host thread
# (tools/vm/run), so on a machine of two cores one guest alone leaves a core
# idle. One lane runs the selftests, one guest per kernel in turn, shown as
# they come; the other builds the Debian packages and runs their tests
# (three boots of one root: DKMS compiling the module twice under TCG is
# most of it), shown when both lanes are done. Two guests may boot the same
# kernel at once: each boot's images are written aside and renamed.
#
# The package tests take less time than the selftests of two kernels: the
# packages lane then runs the longest selftests of the last kernel ($late,
# their results in build/results/KVER.late), so that both lanes end about
# together. Only when all selftests run (no TESTS).
late=
if [[ $packages == yes && -z $selftests && -n $kvers ]]; then
	late='shaper nhrp_shortcut plugin_scale dualhub'
	late_kver=${kvers##*[[:space:]]}
fi
packages_lane() {
	local t0=$SECONDS rc=0
	section "Debian packages"
	if make -C "$top" --no-print-directory deb; then
		tools/pkgtest.sh || rc=$?
		echo "# package tests: $((SECONDS - t0)) s"
		echo "deb=ok pkgtest=$rc" >build/vm/packages.rc
	else
		echo "deb=failed" >build/vm/packages.rc
	fi
	[[ -n $late ]] || return 0
	section "selftests on $late_kver (after the package tests): $late"
	rm -rf "build/results/$late_kver.late"
	# shellcheck disable=SC2086 # a list
	FLEXVPN_RESULTS=$top/build/results/$late_kver.late \
		tools/vm/run --kernel "$late_kver" --timeout "${FLEXVPN_VM_TIMEOUT:-3600}" \
		--log "build/vm/$late_kver/console.late.log" -- selftests/run.sh $late
	echo "late_rc=$?" >>build/vm/packages.rc
}
if [[ $packages == yes ]]; then
	mkdir -p build/vm
	rm -f build/vm/packages.rc build/vm/packages.out
	packages_lane >build/vm/packages.out 2>&1 &
	packages_pid=$!
fi

for kver in $kvers; do
	section "selftests on $kver"
	results=build/results/$kver
	rm -rf "$results"
	rc=0
	programs=$selftests
	if [[ -n $late && $kver == "$late_kver" ]]; then
		# shellcheck disable=SC2086 # a list
		programs="all $(printf -- ' -%s' $late)"
		echo "# $late: in the packages lane"
	fi
	# shellcheck disable=SC2086 # a list
	tools/vm/run --kernel "$kver" --timeout "${FLEXVPN_VM_TIMEOUT:-3600}" \
		--log "build/vm/$kver/console.log" -- selftests/run.sh $programs || rc=$?
	if [[ -f $results/counts ]]; then
		add_results "$results" "$kver" ||
			fail "[$kver] the guest died${running:+ in $running} (tools/vm/run: $rc; see build/vm/$kver/console.log)"
	else
		fail "[$kver] no selftest results (tools/vm/run: $rc; build/vm/$kver/console.log)"
	fi
done

if [[ $packages == yes ]]; then
	wait "$packages_pid"
	cat build/vm/packages.out
	deb='' pkgtest='' late_rc=''
	# shellcheck disable=SC1091 # written by packages_lane
	[[ -f build/vm/packages.rc ]] && . build/vm/packages.rc
	if [[ $deb != ok ]]; then
		fail "make deb failed (build/deb/build.log, build/deb/lintian.log)"
	else
		passed=$((passed + 1))
		if [[ -f build/results/packages/counts ]]; then
			add_results build/results/packages packages ||
				fail "[packages] the guest died${running:+ in $running} (tools/pkgtest.sh: $pkgtest; see build/vm/packages/)"
		else
			fail "[packages] no results (tools/pkgtest.sh: $pkgtest)"
		fi
	fi
	if [[ -n $late ]]; then
		if [[ -f build/results/$late_kver.late/counts ]]; then
			add_results "build/results/$late_kver.late" "$late_kver" ||
				fail "[$late_kver] the guest died${running:+ in $running} (tools/vm/run: $late_rc; see build/vm/$late_kver/console.late.log)"
		else
			fail "[$late_kver] no results of $late (tools/vm/run: $late_rc)"
		fi
	fi
fi

finish
