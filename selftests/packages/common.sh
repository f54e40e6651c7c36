# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # sourced: the variables are the tests'
#
# selftests/packages/common.sh: what the package tests share. They run in a
# guest that boots systemd as init on a root overlay kept between boots
# (tools/pkgtest.sh drives them: install.sh, then reboot.sh on the other
# kernel and on this one, then purge.sh). The guest is the gateway: the
# README's hub, from the installed packages only, in the initial network
# namespace, with systemd's strongswan.service (charon-systemd) as its
# charon; the spokes are other machines, charons in namespaces as in the
# other tests (selftests/lib.sh), with the README's spoke configuration:
#
#   lan1 ── spoke1 ──┐                           ┌── spoke2 ── lan2
#                    └── inet ─ s0 ═══ wan ─ hub ┘
#                       namespaces     the gateway: this guest's own
#                                      network (systemd-networkd makes wan,
#                                      its veth peer s0 and the VRF vrf-in)
#
# Nothing of the build tree is on PATH: flexvpn is /usr/sbin/flexvpn, the
# plugin /usr/lib/ipsec/plugins/libstrongswan-flexvpn.so, the module DKMS's.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Kept between the boots (the project folder): the baseline of the root's
# upper layer, the running configuration the first boot saved.
STATE=${FLEXVPN_PKG_STATE:-$FLEXVPN_TOP/build/results/packages/state}
DEBS=${FLEXVPN_PKG_DEBS:-$FLEXVPN_TOP/build/deb}
PACKAGES=(flexvpn-dkms flexvpn strongswan-flexvpn)
KVER=$(uname -r)
# the overlay's layers (tools/vm/run --disk)
UPPER=/run/flexvpn-upper
LOWER=/run/flexvpn-lower

# deb PACKAGE: the built .deb of PACKAGE.
deb()
{
	local f
	for f in "$DEBS/$1"_*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	echo "no $1 package in $DEBS (make deb)" >&2
	return 1
}

# the version the packages carry, and so modinfo and flexvpn --version
VERSION=$(dpkg-deb -f "$(deb flexvpn)" Version) || skip_all "no packages (make deb)"

# ---------------------------------------------------------------- the gateway

# timed CMD...: CMD's output, each line after the seconds since it started
# (where a package's installation spends its time under TCG).
timed()
{
	local t0=$SECONDS line
	"$@" 2>&1 | while IFS= read -r line; do
		printf '%4d %s\n' "$((SECONDS - t0))" "$line"
	done
	return "${PIPESTATUS[0]}"
}

# journal UNIT [N]: the last N (30) lines UNIT logged this boot, as
# diagnostics.
journal() { journalctl -b -u "$1" -n "${2:-30}" --no-pager 2>&1 | sed 's/^/#   /'; }

# unit_active UNIT: systemd says UNIT is active.
unit_active() { [ "$(systemctl is-active "$1")" = active ]; }

# hub_devices: the hub's access devices, one "IFNAME PEER-ID" a line.
hub_devices() { flexvpn -j access list | jq -r '.[] | "\(.ifname) \(.peer_id)"' | sort -k2; }

# routes249 [-6]: the routes the plugin installed in vrf-in's table.
routes249() { ip "$@" route show table 10 proto 249; }

# hub_up: a device per spoke, and both spokes' LANs (IPv4 and IPv6) in the
# inside VRF.
hub_up()
{
	[ "$(flexvpn -j access list | jq length)" = 2 ] &&
		[ "$(routes249 | wc -l)" = 2 ] && [ "$(routes249 -6 | wc -l)" = 2 ]
}

# spokes_start: the Internet (namespace inet, holding the hub's s0) and the
# two spokes with their LANs, each spoke's charon with the README's spoke
# configuration (its own name and LAN); start_action = start connects them.
spokes_start()
{
	local s
	ns_new inet
	ip link set s0 netns "$(nsname inet)"
	ipn inet -batch - <<-EOF
		link set s0 up
		addr add 198.18.0.254/24 dev s0
		addr add 2001:db8:0::fe/64 dev s0 nodad
	EOF
	for s in 1 2; do
		topo_site "spoke$s" "$s"
		topo_lan "spoke$s" "$s" "lan$s"
		ipn "spoke$s" link add vt1 type vtemplate
		charon_conf "spoke$s" "$(spoke_flexvpn "$s" | sed '1d;$d')"
		charon_start "spoke$s"
		swanctl_load "spoke$s" "$(spoke_swanctl "$s")"
	done
	# the hub's s0 goes back to it when inet goes (the namespace's devices
	# move to the initial one): networkd takes it over again
	defer ip link set s0 netns 1
}

# hub_checks WHEN: the spokes reach the hub's charon, which the installed
# plugin gives an access device each, with the routes both ways; LAN1
# reaches LAN2 through the hub.
hub_checks()
{
	local when=$1
	if busywait 90000 hub_up; then
		tap_ok "$when: both spokes connected, each with its access device and LAN routes in vrf-in"
	else
		tap_fail "$when: both spokes connected, each with its access device and LAN routes in vrf-in"
		hub_devices | sed 's/^/#   /'
		routes249 | sed 's/^/#   /'
		journal strongswan.service
		for s in spoke1 spoke2; do
			diag "$s's charon:"
			diag_file "$FV_TMP/$s/charon.log" 10
		done
		return 0
	fi
	check "$when: the access devices are the spokes' ($(hub_devices | tr '\n' ' '))" \
		eq "$(hub_devices | awk '{ print $2 }' | tr '\n' ' ')" "spoke1.example spoke2.example "
	check "$when: the access devices are in vrf-in" \
		eq "$(ip -j link show master vrf-in type vaccess | jq length)" 2
	check "$when: lan1 reaches lan2 through the hub (IPv4)" ping_ok lan1 "$(lan4 2 2)"
	check "$when: lan1 reaches lan2 through the hub (IPv6)" ping_ok lan1 "$(lan6 2 2)"
}

# module_checks: the loaded module is the one DKMS built for this kernel,
# with the packages' version.
module_checks()
{
	check "modprobe flexvpn ($KVER)" modprobe flexvpn
	check "modinfo: DKMS's module for $KVER" \
		eq "$(modinfo -n flexvpn | sed 's/\.ko.*$/.ko/')" "/lib/modules/$KVER/updates/dkms/flexvpn.ko"
	check "modinfo: version $VERSION" eq "$(modinfo -F version flexvpn)" "$VERSION"
	check "the loaded module's version is $VERSION" eq "$(cat /sys/module/flexvpn/version)" "$VERSION"
	check "flexvpn is /usr/sbin/flexvpn" eq "$(command -v flexvpn)" /usr/sbin/flexvpn
	check "flexvpn --version says $VERSION" grep -qF "$VERSION" <(flexvpn --version)
}

# link_checks: ip -d -j link show (the installed iproute2 plugin) has, for
# the template and each access device, what flexvpn -j shows, field for
# field: less the name (ip's own field) and what link info leaves out (the
# peer-id, counters, routes).
link_details()
{
	local dev
	for dev in vt1 $(hub_devices | awk '{ print $1 }'); do
		ip -d -j link show dev "$dev" |
			jq -c --arg d "$dev" '.[0].linkinfo.info_data // "no details" |
				walk(if type == "object" then to_entries | sort_by(.key) | from_entries else . end) |
				"\($d) \(tojson)"' -r
	done
}
tool_details()
{
	{ flexvpn -j template show vt1; flexvpn -j access show; } | jq -r -s '.[][] |
		"\(.ifname) \(del(.ifname, .peer_id, .stats, .routes, .shaper_stats) |
			if .groups then .groups |= map(del(.stats)) else . end |
			walk(if type == "object" then to_entries | sort_by(.key) | from_entries else . end) |
			tojson)"' | sort
}
link_checks()
{
	check "ip -d -j link show: vt1$(hub_devices | awk '{ printf ", %s", $1 }') as flexvpn -j shows them, field for field" \
		diff -u <(tool_details) <(link_details | sort)
}

# ---------------------------------------------------------------- the root file system

# Paths every boot, every dpkg run and every unit touches whatever it
# installs: dpkg's database and logs, caches, systemd's state. They are left
# out of the comparison unless their name says flexvpn.
# DKMS's own signing key (made by its first build, for Secure Boot) is the
# machine's, not the module's.
CHURN='^(var/lib/dpkg|var/log|var/cache/man|var/cache/debconf|var/cache/ldconfig|var/lib/systemd|var/lib/apt|var/cache/apt|var/tmp|tmp)(/|$)|^etc/ld\.so\.cache$|^var/lib/dkms/mok\.(key|pub)$'

# fs_snapshot FILE: what the root's upper layer holds (what differs from
# the host's root): path, type, mode, owner, and the content (a file's
# SHA-256, a link's target, a whiteout's device numbers).
fs_snapshot()
{
	(
		cd "$UPPER" || exit 1
		find . -mindepth 1 -printf '%P\t%y\t%m\t%U:%G\t%l\n' | LC_ALL=C sort |
			while IFS=$'\t' read -r path type mode owner target; do
				# never empty: read splits at tabs, and runs of
				# them count as one
				content=${target:--}
				if [[ ! $path =~ $CHURN ]]; then
					case $type in
					f) content=$(sha256sum < "$path" | cut -d' ' -f1) ;;
					c) content=$(stat -c '%t:%T' "$path") ;;
					esac
				fi
				printf '%s\t%s\t%s\t%s\t%s\n' "$path" "$type" "$mode" "$owner" "$content"
			done
	) > "$1"
}

# same_as_lower PATH TYPE MODE OWNER CONTENT: the entry is a copy of the
# host's (copied up unchanged, as a folder is when something in it changes).
same_as_lower()
{
	local path=$1 type=$2 mode=$3 owner=$4 content=$5 l=$LOWER/$1
	[ -e "$l" ] || [ -L "$l" ] || return 1
	[ "$(stat -c '%a %u:%g' "$l")" = "$mode $owner" ] || return 1
	case $type in
	d) [ -d "$l" ] && [ ! -L "$l" ] ;;
	l) [ -L "$l" ] && [ "$(readlink "$l")" = "$content" ] ;;
	f) [ -f "$l" ] && [ ! -L "$l" ] && [ "$(sha256sum < "$l" | cut -d' ' -f1)" = "$content" ] ;;
	*) return 1 ;;
	esac
}

# fs_changes BEFORE AFTER: what changed in the root between two snapshots,
# one "+ PATH" (appeared), "- PATH" (gone) or "~ PATH" (changed) a line;
# the churn is left out, unless its name says flexvpn.
fs_changes()
{
	local path type mode owner content
	LC_ALL=C join -t $'\t' -v 2 <(cut -f1 "$1") "$2" |
		while IFS=$'\t' read -r path type mode owner content; do
			[[ $path =~ $CHURN && ! $path =~ flexvpn ]] && continue
			same_as_lower "$path" "$type" "$mode" "$owner" "$content" && continue
			echo "+ $path"
		done
	LC_ALL=C join -t $'\t' -v 1 "$1" <(cut -f1 "$2") | cut -f1 |
		while read -r path; do
			[[ $path =~ $CHURN && ! $path =~ flexvpn ]] || echo "- $path"
		done
	LC_ALL=C join -t $'\t' "$1" "$2" |
		while IFS=$'\t' read -r path type mode owner content type2 mode2 owner2 content2; do
			[[ $path =~ $CHURN && ! $path =~ flexvpn ]] && continue
			[ "$type $mode $owner $content" = "$type2 $mode2 $owner2 $content2" ] ||
				echo "~ $path"
		done
}
