#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion (userspace/completion/flexvpn) with bash-completion's
# own helpers: what completing the end of a command line offers, objects,
# commands, keywords and values, with stand-ins for `ip` and `flexvpn
# template show` giving it devices and groups; and that its keyword lists
# are those `flexvpn help` prints, so neither drifts from the other.
# Prints TAP. Usage: test_completion.sh PATH-TO-FLEXVPN PATH-TO-COMPLETION
set -u

FLEXVPN=${1:?usage: test_completion.sh PATH-TO-FLEXVPN PATH-TO-COMPLETION}
COMPLETION=${2:?usage: test_completion.sh PATH-TO-FLEXVPN PATH-TO-COMPLETION}
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}

if [ ! -r "$BASH_COMPLETION" ]; then
	echo "1..0 # SKIP bash-completion is not installed ($BASH_COMPLETION)"
	exit 0
fi
# shellcheck source=/dev/null
. "$BASH_COMPLETION"
# shellcheck source=../completion/flexvpn disable=SC1091
. "$COMPLETION"

. "$(dirname "$0")/../../tools/tap.sh"

result() { tap_result "$@"; } # STATUS NAME

# The devices and groups of a system made up here: `ip -o link show [type
# KIND]` and `flexvpn template show TEMPLATE` as the completion asks them
ip() {
	local vt='5: vt1: <POINTOPOINT,NOARP> mtu 1418 qdisc noop state DOWN
6: vt2: <POINTOPOINT,NOARP> mtu 1418 qdisc noop state DOWN'
	local vrf='7: vrf-in: <NOARP,MASTER,UP,LOWER_UP> mtu 65575 qdisc noqueue
8: vrf-out: <NOARP,MASTER,UP,LOWER_UP> mtu 65575 qdisc noqueue'
	local va='10: va1@NONE: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1418'
	case "$*" in
	"-o link show type vtemplate") echo "$vt" ;;
	"-o link show type vrf") echo "$vrf" ;;
	"-o link show type vaccess") echo "$va" ;;
	"-o link show") printf '1: lo: <LOOPBACK>\n2: eth0: <UP>\n%s\n%s\n%s\n' \
		"$vt" "$vrf" "$va" ;;
	*) return 1 ;;
	esac
}
flexvpn() {
	[ "$*" = "template show vt1" ] || return 1
	printf '%s\n' 'vt1: mtu 1418 (auto) underlay none source none' \
		'    shaper parent-rate none esp-overhead 36 access-rate none' \
		'    group gold rate 50Mbit ceil 100Mbit members 0' \
		'    group gold sent bytes 0 packets 0 dropped 0 overlimits 0' \
		'    group silver rate 1Mbit ceil 1Mbit members 2'
}

# offered LINE: what completing the end of LINE offers, sorted, one line
offered() {
	local line=$1
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line != *" " ]] || COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_flexvpn flexvpn "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' '
}

# completes LINE WORD...: completing the end of LINE offers WORDs, no more
completes() {
	local line=$1 got want
	shift
	got=$(offered "$line")
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$got" = "$want" ]
	result $? "\"$line\" -> ${want:-nothing}"
	[ "$got" = "$want" ] || echo "# offered: ${got:-nothing}"
}

# The keywords of a command's synopsis in `flexvpn help OBJECT`: the first
# word in brackets ("[mtu N|auto]", "[nhrp-redirect on|off]"), or one
# followed by a placeholder in capitals ("remote ADDR")
help_keywords() { # OBJECT COMMAND
	"$FLEXVPN" help "$1" |
		awk -v cmd="  flexvpn $1 $2 " '
			index($0, cmd) == 1 { on = 1; sub(cmd "[A-Z]* ?", "") }
			on && /^        [a-z]/ { exit }
			on { print }' |
		grep -oE '\[[a-z][a-z-]* |[a-z][a-z-]* [A-Z]' | tr -d '[' |
		cut -d' ' -f1
}

completes "flexvpn " template access monitor nhrp config help
completes "flexvpn -j " template access monitor nhrp config help
completes "flexvpn -" -j -p -h --help
completes "flexvpn t" template
completes "flexvpn template " show set group
completes "flexvpn access " add del set show list
completes "flexvpn nhrp " show flush
completes "flexvpn config " apply show
completes "flexvpn help " template access monitor nhrp config help
completes "flexvpn monitor " ""
completes "flexvpn template set " vt1 vt2
completes "flexvpn template set vt1 mtu " auto
completes "flexvpn template set vt1 underlay " none vrf-in vrf-out
completes "flexvpn template set vt1 source " none lo eth0 vt1 vt2 vrf-in \
	vrf-out va1
completes "flexvpn template set vt1 nhrp-redirect " on off
completes "flexvpn template set vt1 unprotected " accept drop
completes "flexvpn template set vt1 key " none
completes "flexvpn template set vt1 access-group " none gold silver
completes "flexvpn template set vt1 access-q" access-qlen
completes "flexvpn template set vt1 access-qlen " default
completes "flexvpn template set vt1 mtu 1400 nhrp-redirect on nhrp-" \
	nhrp-network-id nhrp-redirect-interval
completes "flexvpn template group " add set del
completes "flexvpn template group set " vt1 vt2
completes "flexvpn template group set vt1 " gold silver
completes "flexvpn template group add vt1 " ""
completes "flexvpn template group add vt1 gold " rate ceil
completes "flexvpn template group add vt1 gold rate 1mbit " ceil
completes "flexvpn template group add vt1 gold rate " ""
completes "flexvpn access add " vt1 vt2
completes "flexvpn access add vt1 group " none gold silver
completes "flexvpn access add vt1 rate " none
completes "flexvpn access add vt1 local " ""
completes "flexvpn access set " va1
completes "flexvpn access del " va1 owner template
completes "flexvpn access del template " vt1 vt2
completes "flexvpn access del va1 " ""
completes "flexvpn access show va1 " owner template
completes "flexvpn access list owner 5 " template
completes "flexvpn config apply -" --check
completes "flexvpn config show " vt1 vt2

# the keyword lists against the tool's own synopses
for cmd in "template set" "access add" "access set"; do
	want=$(help_keywords "${cmd% *}" "${cmd#* }" | sort | tr '\n' ' ')
	dev=vt1
	[ "$cmd" != "access set" ] || dev=va1
	got=$(offered "flexvpn $cmd $dev ")
	[ -n "$want" ] && [ "$got" = "$want" ]
	result $? "\"$cmd\": the keywords of \`flexvpn help\`"
	[ "$got" = "$want" ] || printf '# help: %s\n# offered: %s\n' "$want" "$got"
done

# files: a folder and its NAME.conf files
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/etc"
touch "$tmp/etc/hub.conf" "$tmp/etc/notes.txt"
completes "flexvpn config apply $tmp/etc/" "$tmp/etc/hub.conf"

tap_done
