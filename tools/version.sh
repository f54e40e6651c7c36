#!/bin/bash
# Prints the project's version. With an argument (FLEXVPN_VERSION from make's
# command line or the environment: the packaging passes the Debian package
# version), that version, checked. Without, the VERSION file; in a git work
# tree that is not at the tag vVERSION, with "+git<commit date>.<hash>" and
# ".dirty" for uncommitted changes appended, so a build says what it is.
# A version is what a Debian version may hold: it goes into C strings and
# file names as it is.
#
# usage: tools/version.sh [VERSION]
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
die() { echo "version.sh: $*" >&2; exit 1; }

check() {
	[[ $1 =~ ^[0-9][A-Za-z0-9.+~:-]*$ ]] ||
		die "bad version \"$1\": a digit, then letters, digits and . + ~ : - only"
	printf '%s\n' "$1"
}

if (($# > 0)) && [[ -n $1 ]]; then
	check "$1"
	exit
fi

base=$(<"$top/VERSION") || die "no $top/VERSION"
git=(git -C "$top")
if ! "${git[@]}" rev-parse --is-inside-work-tree > /dev/null 2>&1 ||
   [[ $("${git[@]}" rev-parse --show-toplevel) != "$top" ]]; then
	check "$base"
	exit
fi
v=$base
if ! "${git[@]}" describe --tags --exact-match --match "v$base" > /dev/null 2>&1; then
	v+="+git$("${git[@]}" log -1 --format=%cd --date=format:%Y%m%d)"
	v+=".$("${git[@]}" rev-parse --short=7 HEAD)"
fi
"${git[@]}" diff --quiet HEAD -- 2>/dev/null || v+=".dirty"
check "$v"
