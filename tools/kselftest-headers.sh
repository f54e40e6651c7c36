#!/bin/bash
# Extracts the kselftest harness (and net/forwarding/lib.sh) from Debian's
# linux-source-6.1 tarball into build/kselftest/, for the C selftests.
# Third-party files: extracted at build time, never committed.
#
# usage: tools/kselftest-headers.sh [TARBALL]
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
tarball=${1:-/usr/src/linux-source-6.1.tar.xz}
out=$top/build/kselftest
files=(kselftest_harness.h kselftest.h net/forwarding/lib.sh)
prefix=linux-source-6.1/tools/testing/selftests

[[ -f $tarball ]] || {
	echo "kselftest-headers.sh: $tarball missing (apt-get install linux-source-6.1, or tools/deps.sh)" >&2
	exit 1
}

uptodate=1
for f in "${files[@]}"; do
	[[ $out/$f -nt $tarball ]] || uptodate=
done
[[ -z $uptodate ]] || exit 0

mkdir -p "$top/build"
tmp=$(mktemp -d "$top/build/.kselftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# --occurrence stops reading the (130 MB) archive once all are found.
tar -xJf "$tarball" -C "$tmp" --touch --occurrence=1 "${files[@]/#/$prefix/}"
rm -rf "$out"
mv "$tmp/$prefix" "$out"
