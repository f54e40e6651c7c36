#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The first boot of the package tests (tools/pkgtest.sh; the picture is in
# common.sh): the gateway's own network (systemd-networkd: the WAN and the
# inside VRF), a baseline of the root, then `dpkg -i` of the three packages,
# whose DKMS builds the module here, in the guest, for every kernel that has
# headers. Checked: the module loads with the packages' version; the tool,
# its man page and completion are installed; dpkg refuses a strongSwan other
# than the one strongswan-flexvpn was built for; flexvpn.service made the
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
systemctl restart systemd-sysctl.service systemd-networkd.service
net_up() { ip link show wan type veth && ip link show vrf-in type vrf; } > /dev/null 2>&1
check "systemd-networkd made wan and vrf-in" busywait 30000 net_up
fs_snapshot "$STATE/baseline"

# ------------------------------------------------------------ dpkg -i

debs=()
for p in "${PACKAGES[@]}"; do debs+=("$(deb "$p")"); done
t0=$SECONDS
if dpkg -i "${debs[@]}" > "$FV_TMP/dpkg.log" 2>&1; then
	tap_ok "dpkg -i ${PACKAGES[*]} ($VERSION, $((SECONDS - t0)) s with DKMS)"
else
	tap_fail "dpkg -i ${PACKAGES[*]} ($VERSION)"
	diag_file "$FV_TMP/dpkg.log" 40
	exit 1
fi
grep -E '^(Building|Module build|flexvpn-dkms)' "$FV_TMP/dpkg.log" | sed 's/^/# dpkg: /' || true

# every kernel with headers, not only the running and the newest one
for build in /lib/modules/*/build; do
	[ -e "$build/include" ] || continue
	k=${build%/build}
	k=${k#/lib/modules/}
	check "DKMS installed the module for $k" \
		grep -q ': installed' <(dkms status -m flexvpn -v "$VERSION" -k "$k")
done
module_checks
check "man flexvpn" grep -q 'config apply' <(MANPAGER=cat man flexvpn 2> /dev/null)
check "bash completion for flexvpn" \
	bash -c '. /usr/share/bash-completion/bash_completion &&
		. /usr/share/bash-completion/completions/flexvpn && complete -p flexvpn'
check "flexvpn.service enabled and active (nothing in /etc/flexvpn yet)" \
	eq "$(systemctl is-enabled flexvpn.service) $(systemctl is-active flexvpn.service)" "enabled active"
check "strongswan.service waits for flexvpn.service (the plugin package's drop-in)" \
	grep -qw flexvpn.service <(systemctl show -p After -p Wants strongswan.service)

# ------------------------------------------------------------ the charon ABI pin

# A strongSwan upgrade under the plugin: dpkg refuses to install another
# strongswan-libcharon while strongswan-flexvpn, built for this one, stays.
charon_version=$(dpkg-query -W -f '${Version}' strongswan-libcharon)
fake=$FV_TMP/fake-libcharon
mkdir -p "$fake/DEBIAN"
cat > "$fake/DEBIAN/control" <<-EOF
	Package: strongswan-libcharon
	Version: $charon_version+flexvpntest1
	Architecture: $(dpkg --print-architecture)
	Maintainer: flexvpn tests <root@localhost>
	Description: a strongSwan upgrade as far as dpkg can tell
EOF
dpkg-deb -b "$fake" "$fake.deb" > /dev/null
check "strongswan-flexvpn depends on exactly strongswan-libcharon $charon_version" \
	grep -qF "strongswan-libcharon (= $charon_version)" <(dpkg-query -W -f '${Depends}' strongswan-flexvpn)
if dpkg --dry-run -i "$fake.deb" > "$FV_TMP/fake.log" 2>&1; then
	tap_fail "dpkg refuses strongswan-libcharon $charon_version+flexvpntest1 under the plugin"
else
	check "dpkg refuses strongswan-libcharon $charon_version+flexvpntest1 under the plugin" \
		grep -q "strongswan-flexvpn depends on strongswan-libcharon (= $charon_version)" "$FV_TMP/fake.log"
fi
diag_file "$FV_TMP/fake.log" 4

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
	grep -qw flexvpn <(swanctl --stats)
check "charon-systemd logged: flexvpn plugin $VERSION" \
	grep -qF "flexvpn plugin $VERSION" <(journalctl -b -u strongswan.service --no-pager)
spokes_start
hub_checks "after the installation"
