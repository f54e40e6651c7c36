#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The charon plugin: a profile matched by peer identity, and a spoke that
# vanishes without deleting its IKE_SA (dead peer detection). One charon per
# namespace:
#
#   spoke1 ──┐
#            └── inet ── hub
#   spoke2 ──┘
#
# The hub's only profile names identities (*.good.example), no
# connections. Checked: spoke1 (spoke1.good.example) gets an access device
# on the hub with its routes; spoke2 (spoke2.bad.example) connects but gets
# none. Then spoke1's charon is killed with SIGKILL (no delete reaches the
# hub): after the hub's DPD timeout its device of spoke1 and the routes
# learned through it are gone, spoke2's IKE_SA is untouched, and the hub's
# charon did not crash.
# flexvpn: timeout=600

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
require_plugin

topo_site hub 0
topo_site spoke1 1
topo_site spoke2 2
template_new hub vt1
template_new spoke1 vt1
template_new spoke2 vt1

charon_conf hub "profiles { good { template = vt1
	identities = *.good.example
	routes = 203.0.113.0/24
	accept = 203.0.113.0/24 le 28, 2001:db8:200::/40 le 64 } }"
spoke_profile()
{
	echo "profiles { spoke { template = vt1
		connections = hub
		routes = $(lan4_net "$1"), $(lan6_net "$1")
		accept = 0.0.0.0/0 le 32 } }"
}
charon_conf spoke1 "$(spoke_profile 1)"
charon_conf spoke2 "$(spoke_profile 2)"

psk='secrets { ike { secret = flexvpn-dpd-psk } }'
# the hub probes its peers every 2 s; retransmit_tries = 3 and
# retransmit_timeout = 1 (lib.sh) give up on a dead one after about 12 s
hub_conf=$(swanctl_hub flexvpn-dpd-psk)
# spoke_conf N DOMAIN: spokeN.DOMAIN's connection to the hub
spoke_conf()
{
	echo "connections { hub {
		version = 2
		proposals = aes128-sha256-modp2048
		remote_addrs = $(outer4 0)
		local { auth = psk
			id = spoke$1.$2 }
		remote { auth = psk
			id = hub.example }
		children { $(gre_child) }
	} }
	$psk"
}

for ns in hub spoke1 spoke2; do
	charon_start "$ns"
done
swanctl_load hub "$hub_conf"
swanctl_load spoke1 "$(spoke_conf 1 good.example)"
swanctl_load spoke2 "$(spoke_conf 2 bad.example)"

initiate() { swanctl_ns "$1" --initiate --child gre --timeout 30; }
check "spoke1 (spoke1.good.example) connects" initiate spoke1
check "spoke2 (spoke2.bad.example) connects" initiate spoke2
[ "$TAP_FAILED" -eq 0 ] || exit 1

# ------------------------------------------------------------ identities

# peers: the peer identities of the hub's access devices
peers() { n hub flexvpn -j access list | jq -r '[.[].peer_id] | sort | join(" ")'; }
# learned NS: the routes of the plugin's protocol in every table of NS
learned() { { ipn "$1" -4 route show table all proto 249; ipn "$1" -6 route show table all proto 249; } | sort; }
hub_sas() { swanctl_ns hub --list-sas --ike spokes | grep -c '^spokes: #.*ESTABLISHED' || true; }

check "hub: two IKE_SAs" eq "$(hub_sas)" 2
check "hub: one access device, the profile's identity's" \
	eq "$(peers)" "spoke1.good.example"
check "hub: spoke1's routes learned" \
	eq "$(learned hub | awk '{ print $1 }' | paste -sd ' ')" \
	"$(printf '%s\n' "$(lan4_net 1)" "$(lan6_net 1)" | sort | paste -sd ' ')"
check "spoke2: its own device, from its own profile" eq "$(link_count spoke2 vaccess)" 1

# ------------------------------------------------------------ dead peer

charon_stop spoke1 KILL
hub_clean() { [ "$(link_count hub vaccess)" -eq 0 ] && [ -z "$(learned hub)" ]; }
start=$(now_ms)
check "DPD: the hub's device of spoke1 and its routes go away" \
	busywait 60000 hub_clean
diag "gone after $(( $(now_ms) - start )) ms"
check "DPD: the hub gave up on spoke1 (not a delete)" \
	grep -q 'giving up after 3 retransmits' "$FV_TMP/hub/charon.log"
check "DPD: spoke1's IKE_SA is gone from the hub" \
	eq "$(swanctl_ns hub --list-sas --ike spokes | grep -c good.example || true)" 0
check "DPD: spoke2's IKE_SA is untouched" eq "$(hub_sas)" 1
check "charon in the hub did not crash" charon_no_crash hub
check "charon in spoke2 did not crash" charon_no_crash spoke2
charon_stop hub
charon_stop spoke2
