#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl.sh: the kernel's own YNL CLI (tools/net/ynl/cli.py of Debian's
# linux-source-6.12, extracted into build/ynl by tools/ynl/extract.sh)
# drives the flexvpn family from uapi/flexvpn.yaml alone, and what it reads
# and writes is what the flexvpn tool reads: the spec describes the module
# that runs.
#
#  ┌──────────────────────────────────────────┐
#  │ a                                        │
#  │ vt1 vt2 (templates)                      │
#  │ va: made and deleted through YNL         │
#  │     (remote 198.18.1.1, local 198.18.0.1)│
#  │ other: of vt2, made by the tool          │
#  └──────────────────────────────────────────┘
#
# Asserts: TEMPLATE_SET through YNL is what `flexvpn -j template show`
# reads, and TEMPLATE_GET (doit and dumpit) through YNL reads what the tool
# reads, field for field; ACCESS_NEW through YNL makes the device the
# tool then shows (addresses, peer id, owner, template), ACCESS_GET's dump
# filtered by owner finds it and not the other device, ACCESS_DEL through
# YNL removes it and only it; a
# request out of a range of the spec comes back with the kernel's message,
# the policy's range and the attribute named by the spec, and changes
# nothing. (The refusals in detail: selftests/netlink.c.)

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd python3 jq
ynl_dir=$FLEXVPN_TOP/build/ynl
cli=$ynl_dir/tools/net/ynl/cli.py
spec=$FLEXVPN_TOP/uapi/flexvpn.yaml
[ -f "$cli" ] || skip_all "no YNL in $ynl_dir (tools/ynl/extract.sh)"
python3 -c 'import yaml' 2> /dev/null || skip_all "python3-yaml needed"

# ynl ARGS...: the CLI in namespace a, JSON out. The host test
# (tools/ynl/check.sh) validates the spec against the schema; here that
# would cost 15 s a run under TCG.
ynl() { n a python3 "$cli" --spec "$spec" --no-schema --output-json "$@"; }

ns_new a
template_new a vt1
template_new a vt2 prefix sp
# a device of another owner, for the filter to leave out
other=$(access_new a vt2 remote 198.18.2.1 local 198.18.0.1 owner 1)

# ---------------------------------------------------------------- templates

# same_template YNL_TEMPLATE_JSON TOOL_TEMPLATE_JSON: one template as YNL
# decoded it (the FLEXVPN_A_TEMPLATE nest) and as `flexvpn -j` shows it.
same_template()
{
	jq -en --argjson y "$1" --argjson t "$2" '
		($y.ifname == $t.ifname) and
		($y["mtu-effective"] == $t.mtu) and
		(($y.mtu == 0) == $t.mtu_auto) and
		($y["nhrp-network-id"] == $t.nhrp_network_id) and
		(($y["nhrp-redirect"] == 1) == $t.nhrp_redirect) and
		($y["nhrp-redirect-interval"] == $t.nhrp_redirect_interval_ms) and
		($y["name-prefix"] == $t.prefix) and
		($y["access-count"] == $t.access) and
		($y["shaper-overhead"] == $t.esp_overhead) and
		(($y["allow-unprotected"] == 1) == ($t.unprotected == "accept"))' \
		> /dev/null || { echo "ynl: $1"; echo "flexvpn: $2"; return 1; }
}

# One CLI run (it parses the spec each time: seconds under TCG) sets and
# then reads vt1.
template_doit()
{
	local y t
	ynl --multi template-set '{"ifname": "vt1", "template":
		{"mtu": 1400, "nhrp-network-id": 7, "nhrp-redirect": 1,
		 "nhrp-redirect-interval": 500, "name-prefix": "yn",
		 "shaper-overhead": 40}}' \
	    --multi template-get '{"ifname": "vt1"}' > "$FV_TMP/multi.json" ||
		return 1
	y=$(jq -c '.[1].template' "$FV_TMP/multi.json")
	t=$(n a flexvpn -j template show vt1 | jq -c '.[0]')
	jq -en --argjson y "$y" '$y.mtu == 1400 and $y["name-prefix"] == "yn" and
		$y["nhrp-redirect-interval"] == 500' > /dev/null ||
		{ echo "template-set not applied: $y"; return 1; }
	same_template "$y" "$t"
}
check "template-set, template-get doit through ynl: what flexvpn -j shows" \
	template_doit

template_dumpit()
{
	local names name
	ynl --dump template-get > "$FV_TMP/dump.json"
	names=$(jq -r '[.[].template.ifname] | sort | join(" ")' "$FV_TMP/dump.json")
	eq "$names" "vt1 vt2" || return 1
	for name in vt1 vt2; do
		same_template \
			"$(jq -c --arg n "$name" '.[].template | select(.ifname == $n)' "$FV_TMP/dump.json")" \
			"$(n a flexvpn -j template show "$name" | jq -c '.[0]')" || return 1
	done
}
check "template-get dumpit: every template, as flexvpn -j shows it" template_dumpit

# ---------------------------------------------------------------- access devices

# binary attributes go in as hex: 198.18.1.1 and 198.18.0.1
va_json='{"ifname": "vt1", "access": {"remote-ipv4": "c6120101",
	  "local-ipv4": "c6120001", "peer-id": "ynl.example", "owner": 4242}}'
check "access-new through ynl" eval 'ynl --do access-new --json "$va_json" > "$FV_TMP/new.json"'
va=$(jq -r '.access.ifname // empty' "$FV_TMP/new.json")

access_matches()
{
	local y t
	y=$(jq -c .access "$FV_TMP/new.json")
	t=$(n a flexvpn -j access show "$va" | jq -c '.[0]')
	jq -en --argjson y "$y" --argjson t "$t" '
		($y.ifname == $t.ifname) and ($y.ifname | startswith("yn")) and
		($y["template-ifname"] == "vt1") and ($t.template == "vt1") and
		($y["remote-ipv4"] == "198.18.1.1") and ($t.remote == "198.18.1.1") and
		($y["local-ipv4"] == "198.18.0.1") and ($t.local == "198.18.0.1") and
		($y["peer-id"] == "ynl.example") and ($t.peer_id == "ynl.example") and
		($y.owner == 4242) and ($t.owner == 4242)' > /dev/null ||
		{ echo "ynl: $y"; echo "flexvpn: $t"; return 1; }
}
check "access-new reply is the device flexvpn -j shows" access_matches

owner_dump()
{
	eq "$(ynl --dump access-get --json '{"access": {"owner": 4242}}' |
	      jq -r '[.[].access.ifname] | join(" ")')" "$va"
}
check "access-get dumpit filtered by owner finds the one device" owner_dump

access_gone()
{
	ynl --do access-del --json "{\"ifname\": \"$va\"}" || return 1
	not ipn a link show dev "$va" || return 1
	eq "$(n a flexvpn -j access show | jq -r '[.[].ifname] | join(" ")')" "$other"
}
check "access-del through ynl removes it" access_gone

# ---------------------------------------------------------------- refusals

# The CLI prints the error and the extended ack it decoded with the spec:
# the kernel's message, the policy's range and the attribute's path.
refused()
{
	local want=$1 json=$2 err
	if err=$(ynl --do template-set --json "$json" 2>&1); then
		echo "accepted: $json"
		return 1
	fi
	echo "$err"
	grep -qF -- "$want" <<< "$err"
}
check "a range from the spec: the policy refuses and names the attribute" \
	refused "'msg': 'integer out of range', 'policy': {'min-value': 10, 'max-value': 3600000, 'type': 'u32'}, 'bad-attr': '.template.nhrp-redirect-interval'" \
	'{"ifname": "vt1", "template": {"nhrp-redirect-interval": 9}}'
unchanged()
{
	n a flexvpn -j template show vt1 | jq -e '.[0] |
		.nhrp_redirect_interval_ms == 500 and .access == 0' > /dev/null
}
check "the refused request changed nothing" unchanged
