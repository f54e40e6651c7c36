#!/bin/bash
# Extracts the C headers of libstrongswan and libcharon from Debian's
# strongSwan source package into build/strongswan/, for building the charon
# plugin out of tree (Debian ships no strongSwan development headers).
# Third-party files: fetched and extracted at build time, never committed.
#
# The source package is the one matching the installed charon. When that
# exact revision's .dsc is gone from the mirror (it happens after security
# updates), another revision of the same upstream version is taken: the
# headers come from the upstream tarball and Debian's patches do not change
# them.
#
# usage: tools/strongswan-headers.sh     (idempotent; quick when up to date)
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
me=tools/strongswan-headers.sh
out=$top/build/strongswan
die() { echo "$me: $*" >&2; exit 1; }

installed=$(dpkg-query -W -f '${Version}' strongswan-libcharon 2>/dev/null) ||
	die "strongswan-libcharon is not installed (tools/deps.sh)"
upstream=${installed%%-*}
upstream=${upstream#*:}

if [[ -f $out/.version && $(<"$out/.version") == "$upstream" ]]; then
	exit 0
fi

command -v dpkg-source >/dev/null || die "dpkg-dev is missing (tools/deps.sh)"
mkdir -p "$top/build"
tmp=$(mktemp -d "$top/build/.strongswan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The installed revision first, then the others of the same upstream
# version, newest first.
mapfile -t revisions < <(
	echo "$installed"
	apt-cache showsrc strongswan 2>/dev/null |
		awk '/^Version:/ { print $2 }' | grep -F "$upstream-" | sort -rV
)
got=
for rev in "${revisions[@]}"; do
	if (cd "$tmp" && apt-get source -qq --download-only "strongswan=$rev") \
		>"$tmp/apt.log" 2>&1; then
		got=$rev
		break
	fi
	rm -f "$tmp"/strongswan_*
done
[[ -n $got ]] || die "no strongswan $upstream source package downloads" \
	"(needs a deb-src line: tools/deps.sh); last error: $(tail -n 1 "$tmp/apt.log")"
[[ $got == "$installed" ]] ||
	echo "$me: source $installed unavailable, using $got (same upstream $upstream)"

tarball=
for f in "$tmp"/strongswan_"$upstream".orig.tar.{xz,bz2,gz}; do
	[[ ! -f $f ]] || tarball=$f
done
[[ -n $tarball ]] || die "no upstream tarball in the source package"
tar -xaf "$tarball" -C "$tmp" --wildcards \
	"strongswan-$upstream/src/libstrongswan/*.h" \
	"strongswan-$upstream/src/libcharon/*.h"
rm -rf "$out"
mkdir -p "$out"
mv "$tmp/strongswan-$upstream/src/libstrongswan" "$tmp/strongswan-$upstream/src/libcharon" "$out/"
echo "$got" >"$out/.source"
echo "$upstream" >"$out/.version"
