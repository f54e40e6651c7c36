#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The flexvpn binary where no kernel module is needed: help, usage errors
# (exit 2, one "Error:" line naming the bad word), the missing module
# (exit 1), output errors. Prints TAP. Usage: test_cli.sh PATH-TO-FLEXVPN
set -u

FLEXVPN=${1:?usage: test_cli.sh PATH-TO-FLEXVPN}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

result() { # PASS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# expect STATUS STDERR ARGS...: runs flexvpn ARGS, checks the exit status
# and the whole of stderr; stdout stays in $tmp/out for the next checks.
expect() {
	want_status=$1 want_err=$2
	shift 2
	"$FLEXVPN" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" = "$want_status" ] && [ "$(cat "$tmp/err")" = "$want_err" ]
	pass=$?
	result $pass "flexvpn $* -> $want_status"
	if [ $pass != 0 ]; then
		echo "# status $status"
		sed 's/^/# stderr: /' "$tmp/err"
	fi
}

stdout_has() { # TEXT NAME
	grep -qF -- "$1" "$tmp/out"
	result $? "$2"
}

stdout_lacks() { # TEXT NAME
	! grep -qF -- "$1" "$tmp/out"
	result $? "$2"
}

stdout_empty() { # NAME
	[ ! -s "$tmp/out" ]
	result $? "$1"
}

# help goes to stdout and succeeds
expect 0 "" help
stdout_has "flexvpn template set DEV" "help: every command"
stdout_has "-p  print pretty JSON" "help: the options"
expect 0 "" -h
stdout_has "flexvpn access add TEMPLATE" "-h: the same help"
expect 0 "" help template
stdout_has "flexvpn template show [DEV]" "help template: template commands"
stdout_lacks "access add" "help template: no access commands"
expect 0 "" access help
stdout_has "flexvpn access list" "access help: as ip has it"

# too little to act on: the usage on stdout, one error line, status 2
expect 2 "Error: missing object"
stdout_has "Usage: flexvpn" "no arguments: the usage"
expect 2 'Error: missing command after "template"' template
stdout_has "flexvpn template set" "template: its usage"
expect 2 'Error: missing arguments after "access add"' access add
expect 2 'Error: missing arguments after "template set"' template set vt1

# usage errors name the word
expect 2 'Error: unknown option "-x"' -x template show
expect 2 'Error: unknown object "tunnel"' tunnel show
expect 2 'Error: unknown object "tunnel"' help tunnel
expect 2 'Error: unknown command "template add"' template add
expect 2 'Error: "mtu" expects a number between 68 and 65455 or "auto", not "abc"' \
	template set vt1 mtu abc
expect 2 'Error: "unprotected" expects "accept" or "drop", not "yes"' \
	template set vt1 unprotected yes
expect 2 'Error: "remote" is required' access add vt1 key 1
expect 2 'Error: "owner" expects a 64-bit number, decimal or 0x-prefixed, not "-1"' \
	access list owner -1
expect 2 'Error: unexpected "owner" after the device' access del va1 owner 5
expect 2 'Error: unexpected "x"' monitor x
expect 2 'Error: unexpected "va2"' template show vt1 va2
# shaper words: a bad value is a usage error, refused before anything is sent
expect 2 'Error: "rate" expects a rate from 8bit to 10Tbit, such as 10mbit or 1500kbps, or "none", not "fast"' \
	access set va1 rate fast
stdout_empty "a refused rate prints nothing"
expect 2 'Error: "access-burst" expects a size in bytes, such as 3000 or 4k, or "auto", not "-1"' \
	template set vt1 access-burst -1
expect 2 'Error: "rate" is required' template group add vt1 gold
expect 2 'Error: missing arguments after "template group"' template group del vt1
expect 0 "" help template
stdout_has "flexvpn template group add|set DEV NAME" "help template: the groups"
stdout_has "RATE is in bit/s" "help template: the units"
expect 1 'Error: cannot find device "no-such-dev"' \
	template set vt1 underlay no-such-dev

# without the module: a clear refusal, nothing on stdout
if [ -d /sys/module/flexvpn ]; then
	n=$((n + 1))
	echo "ok $n - the missing module # SKIP the flexvpn module is loaded"
else
	missing='Error: the flexvpn module is not loaded (generic netlink family "flexvpn" not found)'
	expect 1 "$missing" template show
	expect 1 "$missing" -j access list
	stdout_empty "no JSON array when the request never ran"
	expect 1 "$missing" access add vt1 remote 192.0.2.2
	expect 1 "$missing" monitor
fi

# output that can't be written is a failure
"$FLEXVPN" help >/dev/full 2>"$tmp/err"
[ $? = 1 ] && grep -q "^Error: cannot write the output" "$tmp/err"
result $? "a full disk is an error"

echo "1..$n"
[ $failed = 0 ]
