#!/bin/bash
# Generates what uapi/flexvpn.yaml defines, into OUT (default: the
# repository itself, which is what `make regen` does):
#   OUT/kmod/netlink-gen.[ch]   the kernel's attribute policies and op table,
#                               by the kernel's own ynl-gen-c.py (6.12,
#                               through tools/ynl/ynl_gen.py)
#   OUT/uapi/linux/flexvpn.h    the documented uapi header
#                               (tools/ynl/uapi_header.py)
# The generated files are committed, so that the module builds (DKMS
# too) without python or linux-source; tools/ynl/check.sh fails when
# they differ from what the spec makes.
#
# usage: tools/ynl/regen.sh [OUT]
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
out=${1:-$top}
ynl=$("$top/tools/ynl/extract.sh")

# ynl-gen-c.py names the spec by its path below the folder holding a
# MAINTAINERS file (a kernel tree) and finds the schema two folders above
# the spec: a small tree of links gives it both.
tree=$ynl/tree
mkdir -p "$tree/uapi" "$out/kmod" "$out/uapi/linux"
: >"$tree/MAINTAINERS"
ln -sfn ../Documentation/netlink/genetlink-legacy.yaml "$tree/genetlink-legacy.yaml"
ln -sfn "$top/uapi/flexvpn.yaml" "$tree/uapi/flexvpn.yaml"
spec=$tree/uapi/flexvpn.yaml

gen() {
	python3 "$top/tools/ynl/ynl_gen.py" "$ynl/tools/net/ynl" --spec "$spec" "$@"
}
gen --mode kernel --header -o "$out/kmod/netlink-gen.h"
gen --mode kernel --source -o "$out/kmod/netlink-gen.c"
python3 "$top/tools/ynl/uapi_header.py" "$spec" "$out/uapi/linux/flexvpn.h"
