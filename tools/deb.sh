#!/bin/bash
# `make deb`: the Debian packages flexvpn-dkms, flexvpn and
# strongswan-flexvpn in build/deb/, checked with lintian.
#
# The package build runs in a copy of the tree (build/deb/flexvpn-VERSION/),
# so that it never cleans the developer's build/ and the .deb files land in
# build/deb/. The copy gets what debian/rules cannot fetch itself: the
# strongSwan headers (tools/strongswan-headers.sh, from Debian's source
# package), and a changelog entry for the project's version when it is not
# the one debian/changelog names (a clone between releases: 0.1.0+git...).
#
# usage: tools/deb.sh        (FLEXVPN_VERSION=V: that version instead)
# Environment: LINTIAN=no skips lintian.
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
me=tools/deb.sh
out=$top/build/deb
die() { echo "$me: $*" >&2; exit 1; }

for cmd in dpkg-buildpackage dh dh_dkms; do
	command -v "$cmd" >/dev/null || die "$cmd is missing (tools/deps.sh installs it)"
done
"$top/tools/strongswan-headers.sh"
version=$("$top/tools/version.sh" "${FLEXVPN_VERSION:-}")

rm -rf "$out"
src=$out/flexvpn-$version
mkdir -p "$src/build"

# The sources: what git tracks and what it would (not what it ignores), or,
# outside a clone, everything but build/.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[[ $(git -C "$top" rev-parse --show-toplevel) == "$top" ]]; then
	# (a file deleted but not yet committed is listed: left out)
	(
		cd "$top"
		git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				[[ -e $f || -L $f ]] && printf '%s\0' "$f"
			done | xargs -0 -r cp --parents -P -t "$src"
	)
else
	(cd "$top" && find . -mindepth 1 -maxdepth 1 ! -name build ! -name .git \
		-exec cp -a -t "$src" {} +)
fi
cp -a "$top/build/strongswan" "$src/build/"

changelog=$src/debian/changelog
named=$(dpkg-parsechangelog -l "$changelog" -S Version)
if [[ $named != "$version" ]]; then
	{
		echo "flexvpn ($version) unstable; urgency=medium"
		echo
		echo "  * Built from a clone at $version (debian/changelog: $named)."
		echo
		echo " -- $(dpkg-parsechangelog -l "$changelog" -S Maintainer)  $(date -R)"
		echo
		cat "$changelog"
	} >"$changelog.new"
	mv "$changelog.new" "$changelog"
fi

echo "$me: building flexvpn $version in ${src#"$top"/}"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	die "dpkg-buildpackage failed (the whole log: ${out#"$top"/}/build.log)"
}
changes=$out/flexvpn_${version}_$(dpkg --print-architecture).changes
[[ -f $changes ]] || die "no $changes"
ls -1 "$out"/*.deb | sed "s|^$top/||"

if [[ ${LINTIAN:-yes} != no ]]; then
	# the overrides, each with its reason, are in debian/
	status=0
	lintian --fail-on error,warning --info "$changes" >"$out/lintian.log" 2>&1 || status=$?
	grep -v 'running with root privileges' "$out/lintian.log" || true
	((status == 0)) || die "lintian found problems (${out#"$top"/}/lintian.log)"
	echo "$me: lintian: no error, no warning"
fi
