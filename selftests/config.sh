#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# config.sh: `flexvpn config apply` and `config show` against the module,
# and flexvpn.service with its strongSwan drop-in.
#
#   ┌ gw ──────────────────────────────────────────────┐  ┌ ex ───────────┐
#   │ vrf-in ── vt1 (10-hub.conf)    vt2 (20-spoke.conf)│  │ vrf-in ── vt1 │
#   │ vrf-out ── wan (dummy)         vt9 (no file)      │  │ (the example) │
#   └───────────────────────────────────────────────────┘  └───────────────┘
#
# Asserts: applying the files creates the templates, sets master, settings
# and a group, and prints one line per change and nothing about vt9, which
# no file declares; a second run changes and prints nothing; one changed line
# changes and prints only that; `config show` saved and applied changes
# nothing, and applied again after changes by hand undoes them; `--check`
# prints a change and makes none; a bad file, a group with members left out,
# a kernel refusal midway and a run without CAP_NET_ADMIN each leave every
# template as it was (`config show` before and after), with one message
# naming the file and line (the refusal also says the changes before it were
# undone); nothing declared is nothing done; the example file applies; the
# unit and its drop-in pass `systemd-analyze verify`.

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd capsh diff

etc=$FV_TMP/etc
mkdir "$etc"

ns_new gw
ipn gw link add vrf-in type vrf table 10
ipn gw link add vrf-out type vrf table 20
ipn gw link add wan type dummy
ipn gw link set wan master vrf-out
ipn gw link set vrf-in up
ipn gw link set vrf-out up
ipn gw link set wan up
template_new gw vt9 mtu 1300

# run NAME CMD...: CMD in gw; its stdout, stderr and status into
# $FV_TMP/NAME.{out,err} and $rc
run() {
	local name=$1
	shift
	rc=0
	n gw "$@" > "$FV_TMP/$name.out" 2> "$FV_TMP/$name.err" || rc=$?
}

# is FILE TEXT: FILE holds TEXT (and a newline), else says how it differs
is() {
	diff -u <(printf '%s' "${2:+$2$'\n'}") "$1"
}

# ran NAME STATUS STDOUT STDERR: the last `run NAME` exited with STATUS
# and printed exactly STDOUT and STDERR
ran() {
	[ "$rc" = "$2" ] || { echo "exit status $rc, not $2"; cat "$FV_TMP/$1.err"; return 1; }
	is "$FV_TMP/$1.out" "$3" && is "$FV_TMP/$1.err" "$4"
}

shown() { n gw flexvpn config show; }

cat > "$etc/10-hub.conf" <<EOF
# the hub's template
template vt1 master vrf-in
    underlay vrf-out source wan local 198.18.0.1
    nhrp-network-id 1 nhrp-redirect on
    parent-rate 100mbit access-rate 10mbit access-ceil 20mbit access-group gold
group vt1 gold rate 60mbit ceil 100mbit
EOF
echo "template vt2 key 42 prefix sp" > "$etc/20-spoke.conf"
vt9=$(n gw flexvpn config show vt9)

run apply flexvpn config apply "$etc"
check "apply: creates and sets, one line per change, vt9 not mentioned" \
	ran apply 0 "vt1: created
vt1: master none -> vrf-in
vt1: group gold added
vt1: underlay none -> vrf-out
vt1: source none -> wan
vt1: local none -> 198.18.0.1
vt1: nhrp-network-id 0 -> 1
vt1: nhrp-redirect off -> on
vt1: parent-rate none -> 100Mbit
vt1: access-rate none -> 10Mbit
vt1: access-ceil none -> 20Mbit
vt1: access-group none -> gold
vt2: created
vt2: key none -> 42
vt2: prefix va -> sp" ""
check "apply: vt1 runs as declared" is <(n gw flexvpn config show vt1) \
"template vt1 master vrf-in
    mtu auto underlay vrf-out source wan local 198.18.0.1 key none
    nhrp-network-id 1 nhrp-redirect on nhrp-redirect-interval 2s unprotected drop prefix va
    parent-rate 100Mbit esp-overhead 36
    access-rate 10Mbit access-ceil 20Mbit access-burst auto access-qlen default access-group gold
group vt1 gold rate 60Mbit ceil 100Mbit"
check "apply: ip link sees vt1 under vrf-in" \
	eq "$(ipn gw -j link show vt1 | jq -r '.[0].master')" vrf-in
check "apply: flexvpn -j sees vt2's key" \
	eq "$(n gw flexvpn -j template show vt2 | jq -r '.[0].key')" 42

run again flexvpn config apply "$etc"
check "apply again: changes and prints nothing" ran again 0 "" ""

before=$(shown)
sed -i 's/nhrp-network-id 1/nhrp-network-id 2/' "$etc/10-hub.conf"
run one flexvpn config apply "$etc"
check "one line changed: only it, printed" \
	ran one 0 "vt1: nhrp-network-id 1 -> 2" ""
check "one line changed: one line of config show differs" \
	eq "$(diff <(echo "$before") <(shown) | grep -c '^[<>]')" 2

# save and restore, as an administrator would
mkdir "$FV_TMP/saved"
shown > "$FV_TMP/saved/saved.conf"
run saved flexvpn config apply "$FV_TMP/saved"
check "config show, applied: changes nothing" ran saved 0 "" ""
n gw flexvpn template set vt2 mtu 1300 unprotected accept
n gw flexvpn template group add vt2 bronze rate 1mbit
run restore flexvpn config apply "$FV_TMP/saved/saved.conf"
check "config show, applied after changes by hand: undoes them" \
	ran restore 0 "vt2: mtu 1300 -> auto
vt2: unprotected accept -> drop
vt2: group bronze removed" ""
check "config show, applied: every template as saved" \
	is <(shown) "$(cat "$FV_TMP/saved/saved.conf")"

# what follows must leave every template as it is
before=$(shown)
unchanged() { is <(shown) "$before"; }

echo "template vt2 key 42 prefix sp mtu 1400" > "$FV_TMP/vt2.conf"
run dry flexvpn config apply --check "$FV_TMP/vt2.conf"
check "--check: prints what would change" ran dry 0 "vt2: mtu auto -> 1400" ""
check "--check: changes nothing" unchanged

printf '%s\n' 'template vt3' '    mtu 1400' '    mtuu 1300' > "$etc/30-bad.conf"
run bad flexvpn config apply "$etc"
check "a bad file: one message with its file and line, exit 2" \
	ran bad 2 "" "Error: $etc/30-bad.conf:3: unknown keyword \"mtuu\""
check "a bad file: nothing changed" unchanged
printf '%s\n' 'template vt3 underlay wan' > "$etc/30-bad.conf"
run notvrf flexvpn config apply "$etc"
check "a device of the wrong kind: refused up front, exit 1" \
	ran notvrf 1 "" "Error: $etc/30-bad.conf:1: underlay \"wan\" is not a VRF device"
check "a device of the wrong kind: nothing changed (no vt3)" unchanged
rm "$etc/30-bad.conf"

# a group that still has an access device, left out
va=$(access_new gw vt1 remote 198.18.7.1 rate 1mbit group gold)
sed -i -e 's/ access-group gold//' -e '/^group vt1 gold/d' "$etc/10-hub.conf"
before=$(shown)
run members flexvpn config apply "$etc"
check "a group with members left out: refused up front" \
	ran members 1 "" "Error: $etc/10-hub.conf:2: group \"gold\" of \"vt1\" has 1 access devices: declare it, or move them out of it first"
check "a group with members left out: nothing changed" unchanged
n gw flexvpn access del "$va"
before=$(shown)

# the kernel refuses vt3's default burst, below one packet: the 5 changes
# before it (vt1's default group, the group gold removed, vt2's MTU, vt3
# created, its master) must be undone
echo "template vt2 key 42 prefix sp mtu 1400" > "$etc/20-spoke.conf"
printf '%s\n' 'template vt3 master vrf-in' \
	'    access-rate 10mbit access-burst 100' > "$etc/40-vt3.conf"
run refused flexvpn config apply "$etc"
check "a refusal midway: its message after the file, line and template" \
	grep -qx "Error: $etc/40-vt3.conf:1: vt3: \(flexvpn: \)\?shaper burst below one packet: the MTU plus the encapsulation" \
	"$FV_TMP/refused.err"
check "a refusal midway: the changes before it undone, nothing printed" \
	ran refused 1 "" "$(head -n 1 "$FV_TMP/refused.err")
Error: the 5 changes made before it were undone: nothing changed"
check "a refusal midway: every template as it was" unchanged
check "a refusal midway: vt3 is gone again" not ipn gw link show vt3
rm "$etc/40-vt3.conf"

run nocap capsh --drop=cap_net_admin -- -c "flexvpn config apply '$etc'"
check "without CAP_NET_ADMIN: refused" ran nocap 1 "" \
	"Error: Operation not permitted (flexvpn needs CAP_NET_ADMIN in this network namespace)"
check "without CAP_NET_ADMIN: nothing changed" unchanged
check "vt9, which no file declares, as it was" \
	eq "$(n gw flexvpn config show vt9)" "$vt9"

mkdir "$FV_TMP/empty"
run empty capsh --drop=cap_net_admin -- -c "flexvpn config apply '$FV_TMP/empty'"
check "nothing declared: nothing done, nothing asked" ran empty 0 "" ""

ns_new ex
ipn ex link add vrf-in type vrf table 10
example=$FLEXVPN_TOP/userspace/examples/hub.conf
check "the example file applies" n ex flexvpn config apply "$example"
check "the example file, again: nothing to change" \
	eq "$(n ex flexvpn config apply "$example")" ""

# the unit as `make install` writes it, naming this tool; the drop-in
# beside every strongSwan unit this system has
units=$FV_TMP/units
mkdir "$units"
sed "s|@SBINDIR@|$FLEXVPN_TOP/build/bin|" \
	"$FLEXVPN_TOP/userspace/systemd/flexvpn.service.in" > "$units/flexvpn.service"
verify() { # UNIT...: systemd-analyze verify passes and says nothing
	local out
	if out=$(SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify --man=no "$@" 2>&1) &&
		[ -z "$out" ]; then
		return 0
	fi
	echo "$out"
	return 1
}
if command -v systemd-analyze > /dev/null; then
	# one run for all: systemd-analyze reads every unit of the system
	dropped=()
	for s in strongswan strongswan-starter; do
		[ -f "/lib/systemd/system/$s.service" ] || continue
		mkdir "$units/$s.service.d"
		cp "$FLEXVPN_TOP/userspace/systemd/strongswan-dropin.conf" \
			"$units/$s.service.d/flexvpn.conf"
		dropped+=("$s.service")
	done
	check "systemd-analyze verify: flexvpn.service, ${dropped[*]:-no strongSwan unit} with the drop-in" \
		verify "$units/flexvpn.service" "${dropped[@]}"
else
	tap_skip "systemd-analyze verify: flexvpn.service" "no systemd-analyze"
fi
