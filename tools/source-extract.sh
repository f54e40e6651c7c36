#!/bin/bash
# Extracts FILEs, paths below PREFIX in one of Debian's linux-source
# tarballs, into OUT (which it replaces), unless OUT already holds them all,
# newer than the tarball. What the build takes from the kernel's sources
# (the kselftest harness, the YNL tools) comes this way: extracted at build
# time, never committed.
#
# usage: tools/source-extract.sh TARBALL PREFIX OUT FILE...
set -euo pipefail

tarball=$1 prefix=$2 out=$3
shift 3

[[ -f $tarball ]] || {
	pkg=${tarball##*/}
	echo "source-extract.sh: $tarball missing (apt-get install ${pkg%.tar.*}, or tools/deps.sh)" >&2
	exit 1
}

uptodate=1
for f in "$@"; do
	[[ $out/$f -nt $tarball ]] || uptodate=
done
[[ -z $uptodate ]] || exit 0

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# --occurrence stops reading the (130 MB) archive once all are found.
tar -xJf "$tarball" -C "$tmp" --touch --occurrence=1 "${@/#/$prefix/}"
rm -rf "$out"
mv "$tmp/$prefix" "$out"
