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
# IKE_SA that swanctl shows; lan1 reaches lan2. Both charons also load the
# test-only ikekeys plugin, so that tshark decrypts the captured IKE_AUTH
# exchange: gw1's CFG_REQUEST and gw2's CFG_REPLY carry exactly the
# profiles' routes as INTERNAL_IP4/6_SUBNET, with no expert info. Then bad
# configuration:
# gw1's charon restarted with a profile naming an unknown template and one
# with a malformed prefix: each is logged once naming the setting, the
# IKE_SA still comes up (without a device) and charon does not crash.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin
require_ikekeys

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
charon_ikekeys gw1
charon_ikekeys gw2
charon_start gw1
charon_start gw2
swanctl_load gw1 "$(site_conf 1 2)"
swanctl_load gw2 "$(site_conf 2 1)"

capture_start inet s1 "$FV_TMP/ike.pcap"
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

# ------------------------------------------------------------ IKE on the wire

# The IKE_AUTH exchange decrypted with the keys ikekeys saved: the initiator
# gw1 sends CFG_REQUEST (1), the responder gw2 answers CFG_REPLY (2). The
# capture ran until now: dumpcap, stopped right after the exchange, can lose
# the last packets it had not read yet under TCG.
capture_stop
ike_keys_agree()
{
	eq "$(wc -l < "$FV_TMP/gw1/ikev2_decryption_table")" 1 &&
		cmp "$FV_TMP/gw1/ikev2_decryption_table" "$FV_TMP/gw2/ikev2_decryption_table"
}
check "ikekeys: gw1 and gw2 saved the same keys for their IKE_SA" ike_keys_agree
ike_decode "$FV_TMP/ike.pcap" "$FV_TMP/gw1/ikev2_decryption_table"
# ike_auth FROM COLUMN: COLUMN (2 = exchange, 3 = pad length, 4 = CFG type,
# 5 = IPv4 subnets, 6 = IPv6 subnets) of FROM's IKE_AUTH messages, one line
# per distinct value (retransmits are the same message)
ike_auth()
{
	awk -F'\t' -v src="$1" -v c="$2" '$1 == src && $2 == 35 { print $c }' \
		"$FV_TMP/ike.pcap.ike" | sort -u | paste -sd '|'
}
ike_auth_decrypted()
{
	local pads
	pads=$(awk -F'\t' -v src="$1" '$1 == src && $2 == 35 { print ($3 == "" ? "encrypted" : "decrypted") }' \
		"$FV_TMP/ike.pcap.ike" | sort -u)
	eq "$pads" decrypted
}
check "tshark decrypts gw1's IKE_AUTH request" ike_auth_decrypted "$(outer4 1)"
check "tshark decrypts gw2's IKE_AUTH response" ike_auth_decrypted "$(outer4 2)"
check "IKE_AUTH request: a CFG_REQUEST" eq "$(ike_auth "$(outer4 1)" 4)" 1
check "IKE_AUTH response: a CFG_REPLY" eq "$(ike_auth "$(outer4 2)" 4)" 2
check "CFG_REQUEST: INTERNAL_IP4_SUBNET is gw1's IPv4 route" \
	eq "$(ike_auth "$(outer4 1)" 5)" "$(lan4_net 1)"
check "CFG_REQUEST: INTERNAL_IP6_SUBNET is gw1's IPv6 route" \
	eq "$(ike_auth "$(outer4 1)" 6)" "$(lan6_net 1)"
check "CFG_REPLY: INTERNAL_IP4_SUBNET is gw2's IPv4 route" \
	eq "$(ike_auth "$(outer4 2)" 5)" "$(lan4_net 2)"
check "CFG_REPLY: INTERNAL_IP6_SUBNET is gw2's IPv6 route" \
	eq "$(ike_auth "$(outer4 2)" 6)" "$(lan6_net 2)"
check "IKE: no malformed packet, no expert info" \
	eq "$(awk -F'\t' '$7 != ""' "$FV_TMP/ike.pcap.ike")" ""
ikekeys_loaded() { grep -q 'ikekeys: TEST ONLY' "$FV_TMP/$1/charon.log"; }
check "ikekeys was loaded in gw1's charon" ikekeys_loaded gw1
check "ikekeys was loaded in gw2's charon" ikekeys_loaded gw2
# an IKE rekey: the new keys are saved under the new IKE_SA's SPIs, which
# charon derives while it still names the old IKE_SA as the current one
ike_spis() { swanctl_ns "$1" --list-sas --ike site |
	sed -n 's/^site: #[0-9]*, ESTABLISHED, IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\1,\2/p'; }
rekeyed() { [ "$(wc -l < "$FV_TMP/$1/ikev2_decryption_table")" -eq 2 ] &&
	[ "$(ike_spis "$1" | wc -l)" -eq 1 ]; }
swanctl_ns gw1 --rekey --ike site > /dev/null
check "IKE rekey: both charons saved a second row" busywait 20000 eval 'rekeyed gw1 && rekeyed gw2'
check "IKE rekey: the new row carries the new IKE_SA's SPIs" \
	eq "$(sed -n 2p "$FV_TMP/gw2/ikev2_decryption_table" | cut -d, -f1,2)" "$(ike_spis gw1)"

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
swanctl_load gw1 "$(site_conf 1 2)"
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
