#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The charon plugin between two gateways (site-to-site), one charon per
# namespace:
#
#   lan1 ── gw1 ── inet ── gw2 ── lan2
#
# Checked: each gateway gets one access device and the other's LAN as a
# learned route (IPv4 and IPv6), which `flexvpn access show` lists with the
# IKE_SA that swanctl shows; lan1 reaches lan2. Then bad configuration:
# gw1's charon restarted with a profile naming an unknown template and one
# with a malformed prefix: each is logged once naming the setting, the
# IKE_SA still comes up (without a device) and charon does not crash.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin

topo_site gw1 1
topo_site gw2 2
topo_lan gw1 1 lan1
topo_lan gw2 2 lan2
template_new gw1 vt1
template_new gw2 vt1

psk='secrets { ike { secret = flexvpn-site-psk } }'
# site_conf I J: gateway I's connection to gateway J
site_conf()
{
	echo "connections { site {
		version = 2
		proposals = aes128-sha256-modp2048
		remote_addrs = $(outer4 "$2")
		local { auth = psk
			id = gw$1.example }
		remote { auth = psk
			id = gw$2.example }
		children { $(gre_child) }
	} }
	$psk"
}
profile()
{
	echo "profiles { site { template = ${2:-vt1}
		connections = site
		routes = $(lan4_net "$1"), $(lan6_net "$1")
		accept = 203.0.113.0/24 le 28, 2001:db8:200::/40 le 64
		$3 } }"
}
charon_conf gw1 "$(profile 1)"
# gw2 shapes what it sends to gw1: per-profile rates
charon_conf gw2 "$(profile 2 vt1 'rate = 2mbit
		ceil = 4Mbit')"
charon_start gw1
charon_start gw2
swanctl_load gw1 "$(site_conf 1 2)" > /dev/null 2>&1
swanctl_load gw2 "$(site_conf 2 1)" > /dev/null 2>&1

check "gw1 connects to gw2" swanctl_ns gw1 --initiate --child gre --timeout 30
check "gw1: one access device" eq "$(link_count gw1 vaccess)" 1
check "gw2: one access device" eq "$(link_count gw2 vaccess)" 1
learned() { ipn "$1" "${@:3}" route show proto 249 | grep -q "^$2 dev va"; }
check "gw1 learned lan2 (IPv4)" learned gw1 "$(lan4_net 2)"
check "gw1 learned lan2 (IPv6)" learned gw1 "$(lan6_net 2)" -6
check "gw2 learned lan1 (IPv4)" learned gw2 "$(lan4_net 1)"
check "lan1 -> lan2 IPv4" ping_ok lan1 "$(lan4 2 2)"
check "lan1 -> lan2 IPv6" ping_ok lan1 "$(lan6 2 2)"
shaper_of() { n "$1" flexvpn -j access show | jq -r ".[0].shaper | \"\(.rate) \(.ceil)\""; }
check "gw2's device is shaped as its profile says (2 Mbit/s, ceil 4)" \
	eq "$(shaper_of gw2)" "2000000 4000000"
check "gw1's device is not shaped" eq "$(shaper_of gw1)" "null null"
# flexvpn access show: the routes learned through each device and the IKE_SA
# that owns it, as swanctl numbers it
routes_of() { n "$1" flexvpn -j access show | jq -r '.[0].routes | sort | join(" ")'; }
ike_sa_of() { n "$1" flexvpn -j access show | jq -r '.[0].ike_sa'; }
swanctl_ike_sa() { swanctl_ns "$1" --list-sas --ike site | sed -n 's/^site: #\([0-9]*\),.*/\1/p'; }
check "gw1: access show lists lan2's prefixes as learned routes" \
	eq "$(routes_of gw1)" "$(printf '%s\n' "$(lan4_net 2)" "$(lan6_net 2)" | sort | paste -sd ' ')"
check "gw2: access show lists lan1's prefixes as learned routes" \
	eq "$(routes_of gw2)" "$(printf '%s\n' "$(lan4_net 1)" "$(lan6_net 1)" | sort | paste -sd ' ')"
check "gw1: access show's IKE_SA is swanctl's" eq "$(ike_sa_of gw1)" "$(swanctl_ike_sa gw1)"
check "gw2: access show's IKE_SA is swanctl's" eq "$(ike_sa_of gw2)" "$(swanctl_ike_sa gw2)"
check "gw1: access show's text has the routes line" \
	eval "n gw1 flexvpn access show | grep -qx '    routes .*$(lan4_net 2).*'"

# ------------------------------------------------------------ bad configuration

charon_stop gw1
charon_conf gw1 "profiles {
	bad-template { template = vt9
		connections = site }
	bad-prefix { template = vt1
		connections = other
		routes = 10.0.0.0/33 }
	bad-rate { template = vt1
		connections = other
		rate = fast } }"
charon_start gw1
swanctl_load gw1 "$(site_conf 1 2)" > /dev/null 2>&1
check "malformed prefix: one log line naming the setting" \
	eq "$(grep -c 'plugins.flexvpn.profiles.bad-prefix.routes' "$FV_TMP/gw1/charon.log" || true)" 1
check "malformed rate: one log line naming the setting" \
	eq "$(grep -c 'plugins.flexvpn.profiles.bad-rate.rate' "$FV_TMP/gw1/charon.log" || true)" 1
check "gw1 connects with the unknown template" \
	swanctl_ns gw1 --initiate --child gre --timeout 30
check "unknown template: one log line naming the setting" \
	eq "$(grep -c 'plugins.flexvpn.profiles.bad-template.template = vt9' "$FV_TMP/gw1/charon.log" || true)" 1
check "unknown template: no access device on gw1" eq "$(link_count gw1 vaccess)" 0
check "charon in gw1 did not crash" charon_no_crash gw1
check "charon in gw2 did not crash" charon_no_crash gw2
charon_stop gw1
charon_stop gw2
check "charons stopped: no access device left" \
	eq "$(( $(link_count gw1 vaccess) + $(link_count gw2 vaccess) ))" 0
