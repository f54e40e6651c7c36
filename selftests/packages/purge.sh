#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The last step of the package tests (tools/pkgtest.sh): the administrator
# takes back what they configured (/etc/flexvpn/hub.conf, the swanctl
# connection), then `dpkg --purge` of the three packages, charon and the
# module still running. Left behind must be nothing: no module file, no
# DKMS tree, no unit or drop-in, no file; the root's upper layer compared
# with install.sh's baseline, taken before the packages came, differs only
# where every boot and dpkg run writes (common.sh: CHURN).
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/common.sh"

[ -f "$STATE/baseline" ] || skip_all "no baseline (install.sh)"

rm -f /etc/flexvpn/hub.conf /etc/swanctl/conf.d/hub.conf
t0=$SECONDS
if timed dpkg --purge strongswan-flexvpn flexvpn flexvpn-dkms > "$FV_TMP/dpkg.log"; then
	tap_ok "dpkg --purge ${PACKAGES[*]} ($((SECONDS - t0)) s)"
else
	tap_fail "dpkg --purge ${PACKAGES[*]}"
fi
grep -E '^ *[0-9]+ (Removing|Purging|Deleting|depmod|Processing|dpkg)' "$FV_TMP/dpkg.log" |
	sed 's/^/# dpkg: /' || true
# installed or config-files left: "ii", "rc"...; purged: "pn" or unknown
check "dpkg knows none of them any more" \
	eq "$(dpkg-query -W -f '${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2> /dev/null |
		awk '$1 !~ /^pn/ { n++ } END { print n + 0 }')" 0
check "no flexvpn module under /lib/modules" \
	eq "$(find /lib/modules -name 'flexvpn.ko*' | tr '\n' ' ')" ""
check "DKMS knows no flexvpn" eq "$(dkms status -m flexvpn)" ""
check "no DKMS tree, no source tree" not ls -d /var/lib/dkms/flexvpn /usr/src/flexvpn-*
check "systemd knows no flexvpn.service" \
	eq "$(systemctl show -P LoadState flexvpn.service)" not-found
check "strongswan.service has no flexvpn drop-in" \
	not grep -q flexvpn <(systemctl show -P DropInPaths strongswan.service)
check "modprobe finds no flexvpn" not modprobe -n flexvpn

t0=$SECONDS
fs_snapshot "$FV_TMP/after"
diag "the root's upper layer read in $((SECONDS - t0)) s"
fs_changes "$STATE/baseline" "$FV_TMP/after" > "$FV_TMP/changes"
if [ -s "$FV_TMP/changes" ]; then
	tap_fail "the root is as before the installation (outside dpkg's and systemd's state)"
	sed 's/^/#   /' "$FV_TMP/changes" | head -n 40
else
	tap_ok "the root is as before the installation (outside dpkg's and systemd's state)"
fi
