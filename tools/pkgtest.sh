#!/bin/bash
# The package tests (selftests/packages/), run by tools/check.sh after
# `make deb`: three boots of a guest whose root overlay is kept on one disk
# image and whose init is the host's systemd, so that the packages' units
# run as on a gateway:
#
#   1. kernel A (6.1): install.sh   dpkg -i, DKMS builds the module for
#                                   every kernel, the README's hub comes up
#   2. kernel B (6.12): reboot.sh --bad-file
#                                   the templates come back before charon,
#                                   the spokes reconnect; a bad file fails
#                                   the unit and changes nothing
#   3. kernel A: reboot.sh, purge.sh
#                                   the same on the first kernel; dpkg
#                                   --purge leaves nothing behind
#
# The host's own services that a gateway does not run (whatever this
# machine has enabled besides systemd's units and strongswan.service) are
# masked in each boot; the second charon service, strongswan-starter, too.
#
# Results: build/results/packages/ in selftests/run.sh's format (counts,
# skips, failures, log/STEP.log); consoles in build/vm/packages/.
#
# usage: tools/pkgtest.sh    (KVERS: the kernels, default build/kernels:
#                             the first is A, the last B)
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$top" || exit 1
. tools/tap.sh

results=build/results/packages
vmdir=build/vm/packages
disk=$vmdir/root.img
rm -rf "$results" "$vmdir"
mkdir -p "$results/log" "$vmdir"
: >"$results/skips"
: >"$results/failures"

read -r -d "" -a kvers <<<"${KVERS:-$(<build/kernels)}"
ka=${kvers[0]} kb=${kvers[${#kvers[@]} - 1]}

passed=0 failed=0 skipped=0 complete=0 running=
save_counts() {
	printf 'passed=%d\nfailed=%d\nskipped=%d\ncomplete=%d\nrunning=%s\n' \
		"$passed" "$failed" "$skipped" "$complete" "$running" >"$results/counts"
}

masks=()
while read -r unit _; do
	case $unit in
	systemd-* | getty@* | strongswan.service | *.target) ;;
	*) masks+=(--mask "$unit") ;;
	esac
done < <(systemctl list-unit-files --state=enabled --no-legend 2>/dev/null)
masks+=(--mask strongswan-starter.service)

# boot NAME KVER TIMEOUT COMMAND...: one boot running the commands ("PROGRAM
# ARGS") in turn; their TAP adds up; a boot that ends badly without a failed
# test is one more failure.
boot() {
	local name=$1 kver=$2 timeout=$3 log=$results/log/$1.log rc=0 p f s t0=$SECONDS
	shift 3
	printf '\n# === %s: %s on %s\n' "$name" "$*" "$kver"
	running=$name
	save_counts
	tools/vm/run --kernel "$kver" --systemd --disk "$disk" "${masks[@]}" \
		--timeout "$timeout" --log "$vmdir/$name.console.log" -- \
		bash -c 'rc=0; for c; do eval "$c" || rc=1; done; exit $rc' pkgtest "$@" |
		tee "$log" || rc=$?
	read -r p f s < <(tap_collect "$log" "packages/$name" "$results")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if ((rc != 0 && f == 0)); then
		failed=$((failed + 1))
		echo "packages/$name: the boot ended with status $rc ($vmdir/$name.console.log)" >>"$results/failures"
	fi
	echo "# $name: $((SECONDS - t0)) s"
	running=
	save_counts
}

boot install "$ka" 3000 selftests/packages/install.sh
boot reboot-"${kb%%-*}" "$kb" 1200 "selftests/packages/reboot.sh --bad-file"
boot reboot-"${ka%%-*}" "$ka" 1200 selftests/packages/reboot.sh selftests/packages/purge.sh
complete=1
save_counts
echo "# packages: $passed passed, $failed failed, $skipped skipped (${SECONDS} s)"
((failed == 0))
