#!/bin/bash
# Writes tools/debug/modules: every kernel module that Debian's stock 6.12
# kernel loads while the selftests run (at any point, not only those still
# loaded at the end: a test that loads a module and unloads it counts), plus
# those the guest itself needs. tools/debug/build-kernel.sh hands this list to
# `make localmodconfig`, so the debug kernel builds only these modules.
#
# It boots the stock kernel once with the module_load tracepoint enabled and
# runs selftests/run.sh (about as long as the 6.12 half of `make check`).
# Run it again when a selftest starts using a module the list lacks (the
# debug run then fails that test with "module ... not found").
#
# usage: tools/debug/collect-modules.sh [PROGRAM...]   (default: every selftest)
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
me=tools/debug/collect-modules.sh
out=$top/tools/debug/modules

if [[ ${1:-} == --guest ]]; then
	# Inside the guest: trace every module load while the selftests run.
	shift
	result=${1:?}
	shift
	t=/sys/kernel/tracing
	[[ -d $t/events ]] || mount -t tracefs tracefs "$t"
	echo 4096 >"$t/buffer_size_kb"
	echo 1 >"$t/events/module/module_load/enable"
	rc=0
	"$top/selftests/run.sh" "$@" || rc=$?
	echo 0 >"$t/events/module/module_load/enable"
	{
		cut -d' ' -f1 /proc/modules
		grep -oE 'module_load: [^ ]+' "$t/trace" | cut -d' ' -f2
	} | sort -u >"$result"
	# The selftests' own failures do not make the list wrong; report them.
	echo "# $me: selftests exit status $rc"
	exit 0
fi

kver=$("$top/tools/deps.sh" --kernels | grep -m 1 '^6\.12\.') ||
	{ echo "$me: no 6.12 kernel installed (tools/deps.sh)" >&2; exit 1; }
make -C "$top" --no-print-directory KVERS="$kver" all
tmp=$top/build/debug/modules.stock
mkdir -p "$(dirname "$tmp")"
rm -f "$tmp"
# The results must not overwrite those of `make check`.
FLEXVPN_RESULTS=$top/build/debug/results-stock \
	"$top/tools/vm/run" --kernel "$kver" --timeout 7200 -- \
	"$me" --guest "$tmp" "$@"
[[ -s $tmp ]] || { echo "$me: the guest wrote no module list" >&2; exit 1; }
{
	echo "# Modules Debian's $kver loads while the selftests run"
	echo "# (written by $me on $(date -u +%Y-%m-%d); one name a line)."
	grep -vxF flexvpn "$tmp"
} >"$out"
echo "$me: $(grep -vc '^#' "$out") modules in ${out#"$top"/}"
