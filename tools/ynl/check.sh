#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host test of uapi/flexvpn.yaml (run by `make -C userspace test`),
# TAP: the spec validates against the genetlink-legacy schema of Linux
# 6.12; what it generates (kmod/netlink-gen.[ch], uapi/linux/flexvpn.h) is
# what is committed; the documented header defines the very names and
# values the kernel's own generator makes of the spec (uapi mode); and every
# range of the spec has its refusal row in selftests/netlink.c.
#
# usage: tools/ynl/check.sh
set -uo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
export PYTHONDONTWRITEBYTECODE=1
out=$top/build/ynl/check
. "$top/tools/tap.sh"

# result STATUS NAME FILE: a test case; FILE (its output) as diagnostics
# when it failed
result() {
	tap_result "$1" "$2"
	[ "$1" = 0 ] || sed 's/^/# /' "$3" | head -n 40
}

checks=(schema "netlink-gen.c" "netlink-gen.h" "flexvpn.h" names ranges)
why=
mkdir -p "$top/build"
python3 -c 'import yaml, jsonschema' 2> /dev/null ||
	why="python3-yaml and python3-jsonschema needed (tools/deps.sh)"
[ -n "$why" ] || ynl=$("$top/tools/ynl/extract.sh" 2> "$top/build/.ynl-extract.err") ||
	why=$(head -n 1 "$top/build/.ynl-extract.err")
if [ -n "$why" ]; then
	for c in "${checks[@]}"; do tap_skip "spec: $c" "$why"; done
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
log=$out/log

# The kernel's own loader, with the schema the kernel's specs are held to.
python3 - "$ynl/tools/net/ynl" "$top/uapi/flexvpn.yaml" \
	"$ynl/Documentation/netlink/genetlink-legacy.yaml" > "$log" 2>&1 <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from lib import SpecFamily
SpecFamily(sys.argv[2], schema_path=sys.argv[3])
EOF
result $? "spec: uapi/flexvpn.yaml validates against 6.12's genetlink-legacy.yaml" "$log"

"$top/tools/ynl/regen.sh" "$out/gen" > "$log" 2>&1
rc=$?
for f in kmod/netlink-gen.c kmod/netlink-gen.h uapi/linux/flexvpn.h; do
	if [ $rc != 0 ]; then
		result 1 "spec: $f is what the spec makes (make regen)" "$log"
	else
		diff -u "$top/$f" "$out/gen/$f" > "$out/diff" 2>&1
		result $? "spec: $f is what the spec makes (make regen)" "$out/diff"
	fi
done

# names_values HEADER NAMES OUT: NAME=VALUE of every name, as C sees it
names_values()
{
	local c=$out/nv.c
	{
		echo '#include <stdio.h>'
		echo "#include \"$1\""
		echo 'int main(void) {'
		while read -r name str; do
			if [ "$str" = 1 ]; then
				echo "printf(\"$name=%s\\n\", $name);"
			else
				echo "printf(\"$name=%lld\\n\", (long long)($name));"
			fi
		done < "$2"
		echo 'return 0; }'
	} > "$c"
	cc -Wall -Werror -o "$out/nv" "$c" && "$out/nv" > "$3"
}

# Every #define and enum constant of a header, and whether it is a string.
header_names()
{
	sed -n -e 's/^#define \([A-Z0-9_]*\)[[:space:]]*".*/\1 1/p' \
	       -e 's/^#define \([A-Z0-9_]*\)[[:space:]].*/\1 0/p' \
	       -e 's/^\t\([A-Z_][A-Z0-9_]*\)\( = [^,]*\)\{0,1\},\{0,1\}$/\1 0/p' "$1" |
		grep -v '^_UAPI_' | sort
}

names_same()
{
	python3 "$top/tools/ynl/ynl_gen.py" "$ynl/tools/net/ynl" --mode uapi \
		--header --spec "$ynl/tree/uapi/flexvpn.yaml" -o "$out/ynl.h" &&
	header_names "$out/ynl.h" > "$out/ynl.names" &&
	header_names "$top/uapi/linux/flexvpn.h" > "$out/ours.names" &&
	diff -u "$out/ynl.names" "$out/ours.names" &&
	names_values "$out/ynl.h" "$out/ynl.names" "$out/ynl.values" &&
	names_values "$top/uapi/linux/flexvpn.h" "$out/ynl.names" "$out/ours.values" &&
	diff -u "$out/ynl.values" "$out/ours.values" &&
	[ "$(wc -l < "$out/ynl.values")" -gt 100 ]
}
names_same > "$log" 2>&1
result $? "spec: uapi/linux/flexvpn.h has ynl-gen-c's names and values, no other" "$log"

python3 "$top/tools/ynl/ranges.py" "$top/uapi/flexvpn.yaml" \
	"$top/selftests/netlink.c" > "$log" 2>&1
result $? "spec: every range has a refusal row in selftests/netlink.c" "$log"

[ $TAP_FAILED = 0 ]
