#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The flexvpn binary where no kernel module is needed: help, usage errors
# (exit 2, one "Error:" line naming the bad word), the missing module
# (exit 1), output errors, and `nhrp` against a stand-in for the charon
# plugin's control socket. Prints TAP. Usage: test_cli.sh PATH-TO-FLEXVPN
set -u

FLEXVPN=${1:?usage: test_cli.sh PATH-TO-FLEXVPN}

# The NHRP control socket's abstract name belongs to the network namespace:
# in one of our own, the stand-in can take it and no real charon answers.
if [ -z "${FLEXVPN_TEST_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
	export FLEXVPN_TEST_NETNS=1
	exec unshare -rn /bin/sh "$0" "$@"
fi

tmp=$(mktemp -d)
server=
trap 'rm -rf "$tmp"; [ -z "$server" ] || kill "$server" 2>/dev/null' EXIT
. "$(dirname "$0")/../../tools/tap.sh"

result() { tap_result "$@"; } # PASS NAME

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

stdout_is() { # TEXT NAME: the whole of stdout
	[ "$(cat "$tmp/out")" = "$1" ]
	pass=$?
	result $pass "$2"
	[ $pass = 0 ] || sed 's/^/# stdout: /' "$tmp/out"
}

# help goes to stdout and succeeds
expect 0 "" help
stdout_has "flexvpn template set DEV" "help: every command"
stdout_has "-p  print pretty JSON" "help: the options"
expect 0 "" -h
stdout_has "flexvpn access add TEMPLATE" "-h: the same help"
# the version make stamped in (the Makefile passes it)
expect 0 "" --version
[ "$(head -n 1 "$tmp/out")" = "flexvpn ${FLEXVPN_VERSION:-?}" ]
result $? "--version: the tool's version, ${FLEXVPN_VERSION:-unknown to this run}"
sed -n 2p "$tmp/out" | grep -qE '^flexvpn\.ko (not loaded|loaded, without a version|[0-9][^ ]*)$'
result $? "--version: the module's version or state"
cp "$tmp/out" "$tmp/version"
expect 0 "" -V
cmp -s "$tmp/out" "$tmp/version"
result $? "-V is --version"
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
	tap_skip "the missing module" "the flexvpn module is loaded"
else
	missing='Error: the flexvpn module is not loaded (generic netlink family "flexvpn" not found)'
	expect 1 "$missing" template show
	expect 1 "$missing" -j access list
	stdout_empty "no JSON array when the request never ran"
	expect 1 "$missing" access add vt1 remote 192.0.2.2
	expect 1 "$missing" monitor
fi

# config: the files are read and checked before the kernel is asked
printf 'template vt1 mtu 1400\n    mtuu 1300\n' >"$tmp/bad.conf"
expect 2 "Error: $tmp/bad.conf:2: unknown keyword \"mtuu\"" \
	config apply --check "$tmp/bad.conf"
stdout_empty "a bad file prints nothing on stdout"
expect 1 "Error: cannot read $tmp/none.conf: No such file or directory" \
	config apply "$tmp/none.conf"
mkdir "$tmp/conf.d"
touch "$tmp/conf.d/notes.txt" "$tmp/conf.d/.hidden.conf"
expect 0 "" config apply "$tmp/conf.d"
stdout_empty "nothing declared: nothing done, no module needed"
expect 2 'Error: unknown option "-x" (a file whose name starts with "-": ./-x)' \
	config apply -x
expect 2 'Error: "config show" prints no JSON' -j config show
expect 0 "" help config
stdout_has "flexvpn config apply [--check] [PATH...]" "help config"

# nhrp: usage errors, and the help without the units it takes none of
expect 2 'Error: missing command after "nhrp"' nhrp
expect 2 'Error: unknown command "nhrp list"' nhrp list
expect 2 'Error: unexpected "va1"' nhrp show va1
expect 2 'Error: unexpected "all"' nhrp flush all
expect 0 "" help nhrp
stdout_has "flexvpn nhrp flush" "help nhrp: the nhrp commands"
stdout_lacks "RATE is in bit/s" "help nhrp: no units"

# A stand-in for the plugin's control socket: takes one connection, keeps
# the command line it got in $tmp/got, answers $tmp/answer and is gone.
# It gives up by itself should the tool never come.
server_py='
import os, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0flexvpn-nhrp")
s.listen(1)
s.settimeout(10)
open(os.path.join(d, "ready"), "w").close()
c, _ = s.accept()
s.close()
c.settimeout(10)
got = c.makefile("rb").readline()
open(os.path.join(d, "got"), "w").write(repr(got))
c.sendall(open(os.path.join(d, "answer"), "rb").read())
c.close()
'

serve() { # ANSWER (a printf format): starts the stand-in, waits for it
	printf "$1" >"$tmp/answer"
	rm -f "$tmp/ready" "$tmp/got"
	python3 -c "$server_py" "$tmp" &
	server=$!
	i=0
	while [ ! -e "$tmp/ready" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

served() { # COMMAND NAME: the stand-in got the line COMMAND and is gone
	wait "$server"
	server=
	[ "$(cat "$tmp/got" 2>/dev/null)" = "b'$1\\n'" ]
	result $? "$2"
}

if [ -z "${FLEXVPN_TEST_NETNS:-}" ] || ! command -v python3 >/dev/null; then
	tap_skip "nhrp against a stand-in" "needs unshare -rn and python3"
else
	V='flexvpn-nhrp 1\n'
	E1='entry\tdynamic\t203.0.113.32/28\tva3\t198.18.2.1\t203.0.113.33\t117\tused\n'
	E2='entry\tincomplete\t2001:db8:301::/64\tva12\t-\t-\t3\t-\n'

	serve "$V$E1$E2"'end\n'
	expect 0 "" nhrp show
	served show 'nhrp show: sends "show"'
	stdout_is "TYPE        PREFIX             DEVICE  NBMA        PROTOCOL      EXPIRES  USED
dynamic     203.0.113.32/28    va3     198.18.2.1  203.0.113.33  1m57s    used
incomplete  2001:db8:301::/64  va12    -           -             3s       -" \
		"nhrp show: the cache in columns"

	serve "$V$E1$E2"'end\n'
	expect 0 "" -j nhrp show
	served show "nhrp show -j: sends \"show\""
	stdout_is '[{"type":"dynamic","prefix":"203.0.113.32/28","device":"va3","nbma":"198.18.2.1","protocol":"203.0.113.33","expires":117,"used":true},{"type":"incomplete","prefix":"2001:db8:301::/64","device":"va12","nbma":null,"protocol":null,"expires":3,"used":null}]' \
		"nhrp show -j: a JSON array"

	serve "$V"'end\n'
	expect 0 "" nhrp show
	served show "nhrp show: an empty cache"
	stdout_is "TYPE  PREFIX  DEVICE  NBMA  PROTOCOL  EXPIRES  USED" \
		"nhrp show: an empty cache is the header alone"

	serve "$V"'flushed\t3\nend\n'
	expect 0 "" nhrp flush
	served flush 'nhrp flush: sends "flush"'
	stdout_is "flushed 3 entries" "nhrp flush: the count"

	serve "$V"'error\tflush needs CAP_NET_ADMIN\nend\n'
	expect 1 "Error: flush needs CAP_NET_ADMIN" nhrp flush
	served flush "nhrp flush: refused"
	stdout_empty "nhrp flush: nothing printed when refused"

	serve 'flexvpn-nhrp 2\nend\n'
	expect 1 'Error: unsupported protocol on @flexvpn-nhrp: "flexvpn-nhrp 2", not "flexvpn-nhrp 1"' \
		nhrp show
	served show "nhrp show: another protocol version"

	serve "$V"'entry\tdynamic\t10.0.0.0/8\nend\n'
	expect 1 'Error: malformed answer from @flexvpn-nhrp: line 2: "entry" has 3 fields, not 8' \
		-j nhrp show
	served show "nhrp show: an entry short of fields"
	stdout_empty "nhrp show -j: no JSON from a malformed answer"

	serve "$V$E1"
	expect 1 'Error: malformed answer from @flexvpn-nhrp: it ends without "end" (cut short?)' \
		nhrp show
	served show 'nhrp show: an answer without "end"'

	serve "$V"'end\n'
	expect 1 'Error: malformed answer from @flexvpn-nhrp: no "flushed" line' \
		nhrp flush
	served flush 'nhrp flush: an answer without "flushed"'

	expect 1 "Error: no charon with the flexvpn plugin's NHRP cache answers in this network namespace (@flexvpn-nhrp: Connection refused)" \
		nhrp show
	expect 1 "Error: no charon with the flexvpn plugin's NHRP cache answers in this network namespace (@flexvpn-nhrp: Connection refused)" \
		-j nhrp flush
	stdout_empty "nhrp: nothing on stdout without charon"
fi

# output that can't be written is a failure
"$FLEXVPN" help >/dev/full 2>"$tmp/err"
[ $? = 1 ] && grep -q "^Error: cannot write the output" "$tmp/err"
result $? "a full disk is an error"

tap_done
