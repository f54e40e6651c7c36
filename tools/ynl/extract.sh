#!/bin/bash
# Extracts the kernel's own YNL tooling from Debian's linux-source-6.12
# tarball into build/ynl/: the code generator (tools/net/ynl/ynl-gen-c.py),
# the CLI (cli.py), their library, and the schema of genetlink specs
# (Documentation/netlink/genetlink-legacy.yaml). Third-party files:
# extracted at build time, never committed. Prints the folder.
#
# usage: tools/ynl/extract.sh [TARBALL]
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
"$top/tools/source-extract.sh" "${1:-/usr/src/linux-source-6.12.tar.xz}" \
	linux-source-6.12 "$top/build/ynl" \
	Documentation/netlink/genetlink-legacy.yaml \
	tools/net/ynl/ynl-gen-c.py tools/net/ynl/cli.py \
	tools/net/ynl/lib/__init__.py tools/net/ynl/lib/nlspec.py \
	tools/net/ynl/lib/ynl.py
echo "$top/build/ynl"
