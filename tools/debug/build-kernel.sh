#!/bin/bash
# Builds flexvpn's debug kernel from Debian's linux-source-6.12: Debian's own
# config for that kernel, cut down by `make localmodconfig` to the modules
# the selftests load (tools/debug/modules), plus tools/debug/debug.config
# (KASAN, kmemleak, lockdep...). Everything lives under build/debug/:
#   linux-source-6.12/   the extracted source (read-only to the build)
#   obj/                 the object tree (O=); flexvpn.ko builds against it
#   kernel/vmlinux       the kernel tools/vm/run boots (ELF, PVH entry)
#   kernel/lib/modules/KVER/   modules_install's staging tree
#   kernel/kver          KVER, for the callers
#   build-kernel.log, timings
# The build is cached: it runs again only when an input changes (the source
# package, Debian's config, the module list, the fragment, this script, the
# compiler), and then incrementally in the same object tree. The first build
# takes hours on two shared cores; it runs under `nice -n 19`.
#
# usage: tools/debug/build-kernel.sh     prints KVER as its last line
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
me=tools/debug/build-kernel.sh
here=$top/tools/debug
work=$top/build/debug
tarball=/usr/src/linux-source-6.12.tar.xz
src=$work/linux-source-6.12
obj=$work/obj
out=$work/kernel
log=$work/build-kernel.log
fragment=$here/debug.config
modlist=$here/modules
# What the guest's initramfs loads (tools/vm/mkinitramfs), whatever the
# module list says.
guest_modules=(9pnet_virtio 9p overlay)

die() { echo "$me: $*" >&2; exit 1; }

[[ -r $tarball ]] || die "$tarball missing (apt-get install linux-source-6.12)"
[[ -r $modlist ]] || die "$modlist missing (tools/debug/collect-modules.sh writes it)"
# Debian's config for the same kernel version the source package carries.
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.12) ||
	die "linux-source-6.12 is not installed"
debconfig=
for f in /boot/config-6.12.*-amd64; do
	case $f in *-rt-amd64 | *-cloud-amd64) continue ;; esac
	[[ -f $f ]] && debconfig=$f
done
[[ -n $debconfig ]] || die "no /boot/config-6.12.*-amd64 (install linux-image-6.12)"

mkdir -p "$work"
exec 9>"$work/.lock"
flock 9

src_key=$(stat -c '%n %s %Y' "$tarball" | sha256sum | cut -d' ' -f1)
key=$( {
	echo "$src_key $srcver"
	sha256sum "$debconfig" "$modlist" "$fragment" "${BASH_SOURCE[0]}" | cut -d' ' -f1
	gcc --version | head -n 1
} | sha256sum | cut -d' ' -f1)
if [[ -f $out/key && $(<"$out/key") == "$key" && -s $out/kver ]]; then
	cat "$out/kver"
	exit 0
fi

: >"$log"
: >"$work/timings"
# step NAME CMD...: runs CMD with its output in the log, and its duration
# in build/debug/timings.
step() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	echo "$me: $name" >&2
	echo "=== $name: $*" >>"$log"
	"$@" >>"$log" 2>&1 || rc=$?
	printf '%s %ds\n' "$name" $(($(date +%s) - t0)) >>"$work/timings"
	((rc == 0)) || { tail -n 40 "$log" >&2; die "$name failed (see ${log#"$top"/})"; }
}

# A new source tree has older file times than the objects built from the
# previous one: kbuild would keep them, so the object tree starts afresh.
extract() {
	rm -rf "$src" "$obj"
	tar -C "$work" -xJf "$tarball"
	echo "$src_key" >"$src.key"
}
if [[ ! -f $src.key || $(<"$src.key") != "$src_key" ]]; then
	step extract extract
fi

kmake() { nice -n 19 make -C "$src" O="$obj" "$@"; }

configure() {
	local lsmod=$work/lsmod
	mkdir -p "$obj"
	cp "$debconfig" "$obj/.config"
	{
		echo Module
		grep -v '^#' "$modlist"
		printf '%s\n' "${guest_modules[@]}"
	} >"$lsmod"
	# Debian's config answers every question of its own source: nothing
	# waits for input, but oldconfig must not hang if something did.
	yes '' | kmake LSMOD="$lsmod" localmodconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment"
	kmake olddefconfig
}
step configure configure

# Each line of the fragment must hold in the final config: a dependency that
# silently dropped an option would make the run check less than it claims.
missing=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) grep -qxF "$line" "$obj/.config" || missing+=("$line") ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -qE "^$opt=" "$obj/.config" || missing+=("$line")
		;;
	esac
done <"$fragment"
((${#missing[@]} == 0)) || die "the config lacks: ${missing[*]}"

step compile kmake -j"$(nproc)" all

kver=$(kmake -s kernelrelease)
rm -rf "$out"
mkdir -p "$out"
step modules_install kmake INSTALL_MOD_PATH="$out" modules_install
# QEMU boots the ELF through its PVH entry note, skipping the bzImage's
# decompression (slow under TCG). A copy: the next build rewrites obj/.
step vmlinux cp "$obj/vmlinux" "$out/vmlinux"
echo "$kver" >"$out/kver"
echo "$key" >"$out/key"
echo "$me: built $kver ($(paste -sd' ' "$work/timings"))" >&2
echo "$kver"
