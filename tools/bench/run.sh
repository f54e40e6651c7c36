#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench/run.sh: the host side of the benchmarks (`make bench`). Builds
# what the guest needs (tools/bench/vachurn, udpblast, redirlat; flexvpn.ko when the project's
# build/<kver>/flexvpn.ko is missing), boots each kernel with tools/vm/run,
# runs B1, B2, B3, B4 and/or B6 inside (B6's first packet -> direct device
# as its own name, b6s), keeps the raw output and prints the tables.
# Never fails because numbers are bad; exits non-zero only when a benchmark
# could not run.
#
# usage: tools/bench/run.sh [--kernel KVER]... [b1] [b2] [b3] [b4] [b6] [b6s]
#   --kernel KVER  a full version or a prefix (6.1, 6.12); repeatable;
#                  default: every kernel of build/kernels (tools/deps.sh)
#   b1 .. b6s      which benchmarks (default: all of them)
# The B1_*, B2_*, B3_*, B4_*, B6_* and B6S_* variables of b1_churn.sh,
# b2_ike.sh, b3_dataplane.sh, b4_shaper.sh, b6_redirect.sh and
# b6_shortcut.sh are passed on.
# Results: build/bench/results/<kver>-<bench>.{raw,md}
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
out=$top/build/bench
kernels=() benches=()

while (($#)); do
	case $1 in
	--kernel) kernels+=("${2:?}"); shift 2 ;;
	b1 | b2 | b3 | b4 | b6 | b6s) benches+=("$1"); shift ;;
	-h | --help) sed -n '/^# usage/,/^# Results/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
((${#benches[@]})) || benches=(b1 b2 b3 b4 b6 b6s)

known_kernels() { cat "$top/build/kernels" 2>/dev/null || "$top/tools/deps.sh" --kernels; }

resolve_kernel()
{
	local want=$1 k
	if [[ -e /boot/vmlinuz-$want ]]; then echo "$want"; return; fi
	for k in $(known_kernels); do
		[[ $k == "$want".* ]] && { echo "$k"; return; }
	done
	echo "run.sh: no kernel $want" >&2
	exit 2
}

if ((${#kernels[@]})); then
	for i in "${!kernels[@]}"; do kernels[i]=$(resolve_kernel "${kernels[i]}"); done
else
	mapfile -t kernels < <(known_kernels)
fi

mkdir -p "$out/results"
# built aside and renamed: a guest of another run may be executing it;
# vachurn and redirlat speak through the project's library (userspace/lib)
make -s -C "$top" lib
fvnl=(-I"$top/userspace/lib" -I"$top/uapi" "$top/build/userspace/lib/libfvnl.a" -lmnl)
cc ${CFLAGS:--O2 -Wall} -o "$out/vachurn.$$" "$top/tools/bench/vachurn.c" "${fvnl[@]}"
mv -f "$out/vachurn.$$" "$out/vachurn"
cc ${CFLAGS:--O2 -Wall} -o "$out/udpblast.$$" "$top/tools/bench/udpblast.c"
mv -f "$out/udpblast.$$" "$out/udpblast"
cc ${CFLAGS:--O2 -Wall} -o "$out/redirlat.$$" "$top/tools/bench/redirlat.c" "${fvnl[@]}" -lpthread
mv -f "$out/redirlat.$$" "$out/redirlat"

# module_for KVER: path of a flexvpn.ko for KVER: the project's build when it
# is the real module (it declares the vtemplate link kind), else one built
# from a private copy of kmod/, so this never touches kmod/ itself
module_for()
{
	local kver=$1 src=$out/src-$1
	if modinfo -F alias "$top/build/$kver/flexvpn.ko" 2>/dev/null |
			grep -qx rtnl-link-vtemplate; then
		echo "$top/build/$kver/flexvpn.ko"
		return
	fi
	rm -rf "$src"
	mkdir -p "$src" "$out/$kver"
	cp -r "$top/kmod" "$top/uapi" "$src/"
	# kbuild's version, where the tree has one
	[ ! -f "$top/VERSION" ] || cp "$top/VERSION" "$src/"
	rm -f "$src"/kmod/*.o "$src"/kmod/*.ko "$src"/kmod/*.mod* "$src"/kmod/.*.cmd
	make -s -C "/lib/modules/$kver/build" M="$src/kmod" modules >&2
	cp "$src/kmod/flexvpn.ko" "$out/$kver/flexvpn.ko"
	rm -rf "$src"
	echo "$out/$kver/flexvpn.ko"
}

bench_env()
{
	local v
	for v in $(compgen -e); do
		case $v in B1_* | B2_* | B3_* | B4_* | B6_* | B6S_*) printf '%s=%s\n' "$v" "${!v}" ;; esac
	done
}

rc=0
for kver in "${kernels[@]}"; do
	ko=$(module_for "$kver")
	for b in "${benches[@]}"; do
		case $b in
		b1) script=tools/bench/b1_churn.sh mem=4G timeout=5400 ;;
		b2) script=tools/bench/b2_ike.sh mem=2G timeout=3600 ;;
		b3) script=tools/bench/b3_dataplane.sh mem=2G timeout=2400 ;;
		b4) script=tools/bench/b4_shaper.sh mem=2G timeout=5400 ;;
		b6) script=tools/bench/b6_redirect.sh mem=2G timeout=3600 ;;
		b6s) script=tools/bench/b6_shortcut.sh mem=2G timeout=3600 ;;
		esac
		raw=$out/results/$kver-$b.raw
		echo "== $b on $kver ($(date -u '+%Y-%m-%d %H:%M UTC')): $script, module $ko" >&2
		mapfile -t envs < <(bench_env)
		if ! FLEXVPN_BENCH_KO=$ko "$top/tools/vm/run" --kernel "$kver" \
			--mem "$mem" --timeout "$timeout" \
			--log "$out/results/$kver-$b.console.log" -- \
			env "${envs[@]}" "$script" > "$raw" 2>&1; then
			echo "run.sh: $b on $kver did not finish; last lines:" >&2
			tail -n 20 "$raw" >&2
			rc=1
		fi
		"$top/tools/bench/stats.py" "$b" "$raw" | tee "$out/results/$kver-$b.md"
	done
done
exit $rc
