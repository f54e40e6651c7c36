#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The first boot of the package tests (tools/pkgtest.sh; the picture is in
# common.sh): the gateway's own network (systemd-networkd: the WAN and the
# inside VRF), a baseline of the root, then `dpkg -i` of the three packages,
# whose DKMS builds the module here, in the guest, for every kernel that has
# headers. Checked: the module loads with the packages' version; the tool,
# its man page and completion are installed; dpkg refuses strongswan-flexvpn
# next to another strongSwan than its own; flexvpn.service made the
# template of /etc/flexvpn (the shipped example); charon-systemd, restarted
# with the README's hub configuration, loads the installed plugin and both
# spokes come up. What the next boots compare with is saved in $STATE.
# flexvpn: timeout=2400

set -e
source "$(dirname "$0")/common.sh"

mkdir -p "$STATE"
rm -f "$STATE"/*

# ------------------------------------------------------------ the machine

# The WAN (a veth whose other end, s0, is the Internet's: spokes_start
# moves it there) and the inside VRF, made at every boot by
# systemd-networkd; flexvpn.service waits for network-online.target, which
# systemd-networkd-wait-online reaches once vrf-in is up and wan configured.
net=/etc/systemd/network
cat > "$net/50-wan.netdev" <<-EOF
	[NetDev]
	Name=wan
	Kind=veth
	[Peer]
	Name=s0
EOF
cat > "$net/50-wan.network" <<-EOF
	[Match]
	Name=wan
	[Network]
	Address=$(outer4 0)/24
	Address=$(outer6 0)/64
	Gateway=198.18.0.254
	Gateway=2001:db8:0::fe
	IPv6AcceptRA=no
EOF
cat > "$net/50-s0.network" <<-EOF
	[Match]
	Name=s0
	[Network]
	LinkLocalAddressing=no
	IPv6AcceptRA=no
	[Link]
	RequiredForOnline=no
EOF
cat > "$net/50-vrf-in.netdev" <<-EOF
	[NetDev]
	Name=vrf-in
	Kind=vrf
	[VRF]
	Table=10
EOF
cat > "$net/50-vrf-in.network" <<-EOF
	[Match]
	Name=vrf-in
	[Link]
	RequiredForOnline=carrier
EOF
# a router: forwarding, and no reverse-path filter against the VRF's routes
cat > /etc/sysctl.d/50-gateway.conf <<-EOF
	net.ipv4.ip_forward = 1
	net.ipv6.conf.all.forwarding = 1
	net.ipv4.conf.all.rp_filter = 0
	net.ipv4.conf.default.rp_filter = 0
EOF
systemctl -q enable systemd-networkd.service systemd-networkd-wait-online.service
# The host may be a container image whose policy-rc.d keeps packages from
# starting services (Docker's says 101); a gateway has none.
rm -f /usr/sbin/policy-rc.d
systemctl restart systemd-sysctl.service systemd-networkd.service
net_up() { ip link show wan type veth && ip link show vrf-in type vrf; } > /dev/null 2>&1
check "systemd-networkd made wan and vrf-in" busywait 30000 net_up
fs_snapshot "$STATE/baseline"

# ------------------------------------------------------------ dpkg -i

debs=()
for p in "${PACKAGES[@]}"; do debs+=("$(deb "$p")"); done
t0=$SECONDS
if timed dpkg -i "${debs[@]}" > "$FV_TMP/dpkg.log"; then
	tap_ok "dpkg -i ${PACKAGES[*]} ($VERSION, $((SECONDS - t0)) s with DKMS)"
else
	tap_fail "dpkg -i ${PACKAGES[*]} ($VERSION)"
	diag_file "$FV_TMP/dpkg.log" 40
	exit 1
fi
grep -E '^ *[0-9]+ (Setting up|Building|Processing|flexvpn-dkms|depmod|Module build)' \
	"$FV_TMP/dpkg.log" | sed 's/^/# dpkg: /' || true

# every kernel with headers, not only the running and the newest one
for build in /lib/modules/*/build; do
	[ -e "$build/include" ] || continue
	k=${build%/build}
	k=${k#/lib/modules/}
	check "DKMS installed the module for $k" \
		grep ': installed' <(dkms status -m flexvpn -v "$VERSION" -k "$k" 2> /dev/null)
done
module_checks
# (man -l: a page man finds by name it would also keep formatted in
# /var/cache/man, which is no package's)
check "man flexvpn" eq "$(man -w flexvpn)" /usr/share/man/man8/flexvpn.8.gz
check "man flexvpn: the page formats" \
	grep -q 'config apply' <(MANPAGER=cat man -l /usr/share/man/man8/flexvpn.8.gz 2> /dev/null)
check "bash completion for flexvpn" \
	bash -c '. /usr/share/bash-completion/bash_completion &&
		. /usr/share/bash-completion/completions/flexvpn && complete -p flexvpn'
check "flexvpn.service enabled and active (nothing in /etc/flexvpn yet)" \
	eq "$(systemctl is-enabled flexvpn.service) $(systemctl is-active flexvpn.service)" "enabled active"
check "strongswan.service waits for flexvpn.service (the plugin package's drop-in)" \
	grep -qw flexvpn.service <(systemctl show -p After -p Wants strongswan.service)

# ------------------------------------------------------------ the charon ABI pin

# dpkg refuses strongswan-flexvpn next to any other strongswan-libcharon
# than the one it was built against. Tried in a scratch root (dpkg --root)
# whose database is this one, less strongswan-flexvpn, with
# strongswan-libcharon at VERSION: dpkg unpacks the package there and
# configures it only if the dependencies hold (--dry-run checks none).
charon_version=$(dpkg-query -W -f '${Version}' strongswan-libcharon)
# pin_try VERSION: dpkg -i of strongswan-flexvpn in such a scratch root
pin_try()
{
	local root=$FV_TMP/scratch-$1
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
	awk -v RS= -v ORS='\n\n' -v v="$1" '
		/^Package: strongswan-flexvpn\n/ { next }
		/^Package: strongswan-libcharon\n/ { sub(/\nVersion: [^\n]*/, "\nVersion: " v) }
		{ print }' /var/lib/dpkg/status > "$root/var/lib/dpkg/status"
	dpkg --root="$root" -i "$(deb strongswan-flexvpn)" 2>&1 | grep -v 'files list file for package'
	return "${PIPESTATUS[0]}"
}
check "strongswan-flexvpn depends on exactly strongswan-libcharon $charon_version" \
	grep -F "strongswan-libcharon (= $charon_version)" <(dpkg-query -W -f '${Depends}' strongswan-flexvpn)
if pin_try "$charon_version+other1" > "$FV_TMP/pin.log"; then
	tap_fail "dpkg refuses strongswan-flexvpn next to strongswan-libcharon $charon_version+other1"
	diag_file "$FV_TMP/pin.log"
else
	check "dpkg refuses strongswan-flexvpn next to strongswan-libcharon $charon_version+other1" \
		grep -F "Version of strongswan-libcharon on system is $charon_version+other1" "$FV_TMP/pin.log"
fi
grep -A1 'depends on strongswan-libcharon' "$FV_TMP/pin.log" | sed 's/^/#   /'
pin_try "$charon_version" > "$FV_TMP/pin-same.log" || true
check "... and takes it next to strongswan-libcharon $charon_version" \
	not grep -F 'dependency problems' "$FV_TMP/pin-same.log"

# ------------------------------------------------------------ the hub

# The shipped example is the hub's template (vt1 in vrf-in, NHRP redirects,
# the shaper); the README's hub blocks are the plugin's and swanctl's
# configuration.
cp /usr/share/doc/flexvpn/examples/hub.conf /etc/flexvpn/hub.conf
check "systemctl restart flexvpn: vt1 from /etc/flexvpn/hub.conf, in vrf-in" \
	bash -c 'systemctl restart flexvpn.service &&
		[ "$(ip -j link show vt1 | jq -r ".[0].master")" = vrf-in ]'
flexvpn config show > "$STATE/config"
link_checks
readme "hub flexvpn.conf" > /etc/strongswan.d/charon/flexvpn.conf
readme "hub swanctl.conf" > /etc/swanctl/conf.d/hub.conf
check "systemctl restart strongswan" systemctl restart strongswan.service
check "charon-systemd loaded the installed plugin" \
	grep -qw flexvpn <(swanctl --stats 2> /dev/null)
check "charon-systemd logged: flexvpn plugin $VERSION" \
	grep -qF "flexvpn plugin $VERSION" <(journalctl -b -u strongswan.service --no-pager)
spokes_start
hub_checks "after the installation"
link_checks
