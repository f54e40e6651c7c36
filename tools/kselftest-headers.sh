#!/bin/bash
# Extracts the kselftest harness (and net/forwarding/lib.sh) from Debian's
# linux-source-6.1 tarball into build/kselftest/, for the C selftests.
# Third-party files: extracted at build time, never committed.
#
# usage: tools/kselftest-headers.sh [TARBALL]
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
exec "$top/tools/source-extract.sh" "${1:-/usr/src/linux-source-6.1.tar.xz}" \
	linux-source-6.1/tools/testing/selftests "$top/build/kselftest" \
	kselftest_harness.h kselftest.h net/forwarding/lib.sh
