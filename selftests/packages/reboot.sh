#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A later boot of the package tests (tools/pkgtest.sh; the picture is in
# common.sh), on the same root as install.sh's, maybe on the other kernel:
# with no step by hand, systemd made vt1 again from /etc/flexvpn
# (flexvpn.service) before it started charon (strongswan.service), which
# the order systemd recorded shows; the module is DKMS's for this kernel;
# the spokes connect again. With --bad-file: a wrong /etc/flexvpn file fails
# flexvpn.service visibly, with the file and line in the journal, and
# changes nothing.
#
# usage: reboot.sh [--bad-file]
# flexvpn: timeout=900

set -e
source "$(dirname "$0")/common.sh"

bad_file=
[ "${1:-}" != --bad-file ] || bad_file=1

[ -f "$STATE/config" ] || skip_all "no first boot (install.sh) to come back from"

diag "boot $(journalctl --list-boots --no-pager 2>/dev/null | tail -n +2 | wc -l) on this root, kernel $KVER"

# ------------------------------------------------------------ what systemd did

# usec MONOTONIC-PROPERTY UNIT: the property's value, 0 when unset.
usec() { systemctl show -P "$1" "$2"; }
check "flexvpn.service active" unit_active flexvpn.service
check "strongswan.service active" unit_active strongswan.service
check "network-online.target reached" unit_active network-online.target
applied=$(usec ActiveEnterTimestampMonotonic flexvpn.service)
started=$(usec ExecMainStartTimestampMonotonic strongswan.service)
online=$(usec ActiveEnterTimestampMonotonic network-online.target)
diag "monotonic usec: network-online.target $online, flexvpn.service done $applied, charon started $started"
check "flexvpn.service was done before charon started (systemd's timestamps)" \
	test "$applied" -gt 0 -a "$started" -gt "$applied"
check "flexvpn.service ran after network-online.target" \
	test "$online" -gt 0 -a "$applied" -ge "$online"
check "flexvpn.service applied /etc/flexvpn/hub.conf (its journal)" \
	grep -q 'vt1: created' <(journalctl -b -u flexvpn.service --no-pager)
systemctl --failed --no-legend --plain | sed 's/^/# failed unit: /'

module_checks
check "the templates are back: flexvpn config show as before the reboot" \
	diff -u "$STATE/config" <(flexvpn config show)
link_checks

# ------------------------------------------------------------ the spokes

spokes_start
hub_checks "after the reboot"
link_checks

[ -n "$bad_file" ] || exit 0

# ------------------------------------------------------------ a bad file

# what must not change: the templates, and the spokes' devices
state()
{
	flexvpn config show
	ip -o link show type vtemplate | cut -d: -f1-2
	ip -o link show type vaccess | cut -d: -f1-2
}
state > "$FV_TMP/before"
bad=/etc/flexvpn/zz-bad.conf
printf 'template vt2\n    mtuu 1400\n' > "$bad"
defer rm -f "$bad"
since=$(date '+%Y-%m-%d %H:%M:%S')
check "systemctl restart flexvpn fails with a bad file" not systemctl restart flexvpn.service
check "systemctl is-failed flexvpn" systemctl -q is-failed flexvpn.service
check "the journal names the file and line: $bad:2" \
	grep -qF "$bad:2: " <(journalctl -u flexvpn.service --since "$since" --no-pager)
journalctl -u flexvpn.service --since "$since" --no-pager | grep -F "$bad" | sed 's/^/#   /'
check "nothing changed: templates, access devices" diff -u "$FV_TMP/before" <(state)
check "no vt2" not ip link show vt2
rm -f "$bad"
check "without it, flexvpn.service is active again" systemctl restart flexvpn.service
