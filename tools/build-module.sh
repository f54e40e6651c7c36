#!/bin/bash
# Builds the kernel module against one kernel's headers:
# build/KVER/flexvpn.ko. Kbuild writes objects next to their sources; to keep
# one object tree per kernel (incremental builds for every kernel, parallel
# builds, a clean source tree) the sources are mirrored as symlinks into
# build/KVER/obj and kbuild runs there. Compiler messages are rewritten to
# name the real files. A warning fails the build.
#
# usage: [FLEXVPN_VERSION=V] tools/build-module.sh KVER [KDIR]
#   KDIR: the kernel's build tree when it is not /lib/modules/KVER/build
#   (the debug kernel's object tree, tools/debug/build-kernel.sh)
set -euo pipefail

kver=${1:?usage: build-module.sh KVER [KDIR]}
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
kdir=${2:-/lib/modules/$kver/build}
out=$top/build/$kver
obj=$out/obj
log=$out/build.log

die() { echo "build-module.sh: $*" >&2; exit 1; }

[[ -f $kdir/Makefile ]] || die "no headers for $kver in $kdir (run tools/deps.sh)"

mkdir -p "$obj"
# Mirror the kbuild inputs; drop links to sources that no longer exist.
(
	cd "$top"
	find Kbuild VERSION kmod uapi -type f \( -name Kbuild -o -name Makefile \
		-o -name VERSION -o -name '*.[chS]' \) -print0
) | while IFS= read -r -d '' f; do
	mkdir -p "$obj/$(dirname "$f")"
	ln -sfn "$top/$f" "$obj/$f"
done
find "$obj" -xtype l -delete

# the version modinfo shows: make's, else what VERSION and git say
version=$("$top/tools/version.sh" "${FLEXVPN_VERSION:-}") || exit 1

status=0
make -C "$kdir" M="$obj" FLEXVPN_VERSION="$version" modules 2>&1 |
	sed "s|^$obj/|$top/|; s|from $obj/|from $top/|g" | tee "$log" || status=$?
# Compiler and modpost warnings; make's own (jobserver...) are not the code's.
warnings=$(grep -i 'warning:' "$log" | grep -vE '^make(\[[0-9]+\])?: ' || true)
if ((status == 0)) && [[ -n $warnings ]]; then
	echo "build-module.sh: $kver: warnings are errors (see above)" >&2
	status=1
fi
if ((status != 0)); then
	# Kbuild would not recompile what warned: start afresh next time.
	find "$obj" -name '*.o' -delete
	exit "$status"
fi
if ! cmp -s "$obj/kmod/flexvpn.ko" "$out/flexvpn.ko"; then
	cp "$obj/kmod/flexvpn.ko" "$out/flexvpn.ko.tmp"
	mv "$out/flexvpn.ko.tmp" "$out/flexvpn.ko"
fi
