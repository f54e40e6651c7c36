# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib.sh: what the flexvpn shell tests share: TAP output, network
# namespaces and their cleanup, polling, ESP transport SAs protecting GRE,
# the reference topology, and reading the access devices' counters.
# Sourced by each selftests/*.sh after `set -e`; see docs/testing.md for the
# contract (environment, TAP, exit codes 0 / 1 / 4).
#
# The reference topology that topo_site/topo_lan build: every site hangs off
# one router namespace "inet" (the Internet), so that each site has its own
# outer subnet, an attacker can spoof a site's address without ARP fights,
# and a link MTU can be lowered between the hub and one spoke only.
#
#  ┌──────────┐   ┌─────────────┐                         ┌─────────────┐   ┌──────────┐
#  │ lan1     │   │ spoke1      │                         │ spoke2      │   │ lan2     │
#  │    eth0 ─┼───┼─ lan        │   ┌─────────────────┐   │        lan ─┼───┼─ eth0    │
#  │ .16.2    │   │ .16.1  wan ─┼───┼─ s1   inet   s2 ─┼───┼─ wan  .32.1 │   │ .32.2    │
#  └──────────┘   └─────────────┘   │        s0       │   └─────────────┘   └──────────┘
#                                   └────────┼────────┘
#                                   ┌────────┼────────┐
#                                   │ hub    wan      │
#                                   └─────────────────┘
#
# Addresses of site number I (hub 0, spokeN N, attacker 9):
#   outer         198.18.I.1/24        2001:db8:I::1/64    (inet: .254, ::fe)
#   LAN           203.0.113.(16*I)/28  2001:db8:20I::/64   (router .1, host .2)
#   tunnel hub-I  192.0.2.(4*I)/30     2001:db8:100:I::/64 (hub .1, spoke .2)
# Documentation and benchmarking ranges only: nothing here can leave the
# namespaces this program creates.

readonly KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

PROG=${0##*/}
PROG=${PROG%.sh}
NS_PREFIX="fv-$$"
TAP_N=0
TAP_FAILED=0
FV_NAMESPACES=()
FV_PIDS=()
FV_DEFER=()
FV_UNLOAD=()
FV_SKIPPED_ALL=
FV_SPI=$(( 0x1000 + (RANDOM & 0xff) * 0x100 ))
FV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fv-$PROG.XXXXXX")
FV_ESP_SAS="$FV_TMP/esp_sa"
FV_ESP_NULL=
: > "$FV_ESP_SAS"
export LC_ALL=C
# FLEXVPN_TIMEOUT_FACTOR (selftests/run.sh; 6 on the debug kernel, which is
# that much slower): stretches every wait and charon's IKE retransmissions
FV_FACTOR=${FLEXVPN_TIMEOUT_FACTOR:-1}

# ---------------------------------------------------------------- TAP

diag() { printf '# %s\n' "$*"; }

# diag_file FILE [N]: the last N (20) lines of FILE as diagnostics.
diag_file() { tail -n "${2:-20}" "$1" 2>/dev/null | sed 's/^/#   /'; }

tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }

tap_fail()
{
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}

tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# check NAME CMD...: one test case that passes when CMD succeeds; on failure
# the tail of CMD's output goes out as diagnostics.
check()
{
	local name=$1 out=$FV_TMP/check.out
	shift
	if "$@" > "$out" 2>&1; then
		tap_ok "$name"
	else
		tap_fail "$name" "failed ($?): $*"
		diag_file "$out"
	fi
}

# not CMD...: succeeds when CMD fails (usable in check and busywait).
not() { if "$@"; then return 1; fi; return 0; }

# skip_all REASON: the program cannot run at all.
skip_all()
{
	FV_SKIPPED_ALL=1
	tap_skip "$PROG" "$1"
	exit $KSFT_SKIP
}

require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null || skip_all "$c not found"
	done
}

# ---------------------------------------------------------------- module

module_loaded() { [ -d /sys/module/flexvpn ]; }

# Load $FLEXVPN_KO, modprobing what it depends on first (insmod resolves
# nothing by itself).
module_load()
{
	local deps d
	module_loaded && return 0
	[ -n "$FLEXVPN_KO" ] && [ -f "$FLEXVPN_KO" ] || return 1
	deps=$(modinfo -F depends "$FLEXVPN_KO" 2>/dev/null | tr ',' ' ')
	for d in $deps; do modprobe "$d" || return 1; done
	insmod "$FLEXVPN_KO"
}

require_module()
{
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	module_load || skip_all "flexvpn.ko not loaded and \$FLEXVPN_KO (${FLEXVPN_KO:-unset}) not loadable"
	require_cmd ip flexvpn
}

# Kernel log lines that mean a splat (the runner checks too; tests that
# provoke one on purpose, like an unload under traffic, look themselves).
KMSG_SPLAT='WARNING:|BUG:|Oops|general protection|unreferenced object|rcu_sched self-detected|rcu: INFO|stall on CPU|kernel BUG|refcount_t:|unregister_netdevice: waiting'
kmsg_mark() { dmesg | wc -l; }
kmsg_since() { dmesg | tail -n +"$(( $1 + 1 ))"; }

# ---------------------------------------------------------------- cleanup

# defer CMD...: run CMD at exit (last deferred first), before namespaces go.
defer() { FV_DEFER+=("$(printf '%q ' "$@")"); }

# unload_at_exit MOD...: modules this program may cause to be loaded and
# that are not loaded now are unloaded at exit, after the namespaces went
# (ip_gre, for one, leaves gre0, gretap0 and erspan0 in the initial
# namespace, which the runner counts as left behind).
unload_at_exit()
{
	local m
	for m; do
		[ -d "/sys/module/$m" ] || FV_UNLOAD+=("$m")
	done
}

# pid_record PID: kill PID at exit (if still running).
pid_record() { FV_PIDS+=("$1"); }

# pid_stop PID [SIG]: stop one recorded process and reap it.
pid_stop()
{
	kill "-${2:-TERM}" "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

fv_cleanup()
{
	local rc=$? i ns
	set +e
	trap - EXIT ERR
	for i in "${FV_PIDS[@]}"; do
		kill "$i" 2>/dev/null && wait "$i" 2>/dev/null
	done
	for (( i = ${#FV_DEFER[@]} - 1; i >= 0; i-- )); do
		eval "${FV_DEFER[i]}" > /dev/null 2>&1
	done
	for ns in "${FV_NAMESPACES[@]}"; do
		ip netns del "$ns" 2> /dev/null
	done
	for i in "${FV_UNLOAD[@]}"; do
		[ ! -d "/sys/module/$i" ] ||
			busywait 10000 rmmod "$i" 2> /dev/null ||
			diag "cannot unload $i"
	done
	rm -rf "$FV_TMP"
	if [ -n "$FV_SKIPPED_ALL" ]; then
		exit $KSFT_SKIP
	fi
	if [ "$rc" -ne 0 ] && [ "$TAP_FAILED" -eq 0 ]; then
		tap_fail "$PROG: aborted (exit $rc)"
	fi
	# a program without test cases (tools/demo.sh) has nothing to sum up
	[ "$TAP_N" -eq 0 ] || diag "$PROG: $TAP_N tests, $TAP_FAILED failed, ${SECONDS}s"
	[ "$TAP_FAILED" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

fv_on_err()
{
	local i where=
	for (( i = 1; i < ${#FUNCNAME[@]}; i++ )); do
		where+=" <- ${FUNCNAME[i]}@${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
	done
	diag "error: $2 (exit $3)$where"
}

trap fv_cleanup EXIT
trap 'exit 1' INT TERM HUP
set -E
trap 'fv_on_err "$LINENO" "$BASH_COMMAND" "$?"' ERR

# ---------------------------------------------------------------- namespaces

nsname() { echo "$NS_PREFIX-$1"; }

# n NAME CMD...: run CMD in namespace NAME.
n() { local ns=$1; shift; ip netns exec "$NS_PREFIX-$ns" "$@"; }

# ipn NAME ARGS...: `ip` in namespace NAME.
ipn() { local ns=$1; shift; ip -n "$NS_PREFIX-$ns" "$@"; }

# ns_new NAME...: fresh namespaces with lo up, forwarding on, no rp_filter,
# no DAD (tests add their addresses with nodad anyway); deleted at exit.
ns_new()
{
	local name ns
	for name in "$@"; do
		ns="$NS_PREFIX-$name"
		ip netns add "$ns"
		FV_NAMESPACES+=("$ns")
		ip netns exec "$ns" sysctl -qw \
			net.ipv4.ip_forward=1 \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv6.conf.all.forwarding=1 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0
		ip -n "$ns" link set lo up
	done
}

# ns_del NAME...: delete namespaces before the end (processes in them are
# the caller's business: stop them first).
ns_del()
{
	local name ns i
	for name in "$@"; do
		ns="$NS_PREFIX-$name"
		ip netns del "$ns"
		for i in "${!FV_NAMESPACES[@]}"; do
			[ "${FV_NAMESPACES[i]}" != "$ns" ] || unset 'FV_NAMESPACES[i]'
		done
	done
}

# bg NAME CMD...: start CMD in namespace NAME in the background; its PID is
# recorded (killed at exit) and left in BG_PID. `ip netns exec` execs CMD,
# so the PID is CMD's own.
bg()
{
	local ns=$1
	shift
	ip netns exec "$NS_PREFIX-$ns" "$@" &
	BG_PID=$!
	pid_record "$BG_PID"
}

# ---------------------------------------------------------------- polling

now_ms() { local t=${EPOCHREALTIME/./}; echo $(( ${t:0:-3} )); }

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds or TIMEOUT_MS
# (times FV_FACTOR) passed.
busywait()
{
	local deadline=$(( $(now_ms) + $1 * FV_FACTOR ))
	shift
	while true; do
		"$@" && return 0
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# ping_ok NS DST [PING ARGS...]: DST answers within 15 s (the first packets
# of a fresh path may be lost to neighbour resolution); then three more
# pings must all come back.
ping_ok()
{
	local ns=$1 dst=$2
	shift 2
	busywait 15000 n "$ns" ping -q -c 1 -W 1 "$@" "$dst" > /dev/null 2>&1 || {
		echo "no answer from $dst in $ns"
		return 1
	}
	n "$ns" ping -q -c 3 -i 0.2 -W 2 "$@" "$dst"
}

# ---------------------------------------------------------------- addressing

outer4() { echo "198.18.$1.1"; }
outer6() { echo "2001:db8:$1::1"; }
lan4_net() { echo "203.0.113.$(( 16 * $1 ))/28"; }
lan4() { echo "203.0.113.$(( 16 * $1 + $2 ))"; }
lan6_net() { echo "2001:db8:20$1::/64"; }
lan6() { echo "2001:db8:20$1::$2"; }
tun4() { echo "192.0.2.$(( 4 * $1 + $2 ))"; }
tun6() { echo "2001:db8:100:$1::$2"; }

# ---------------------------------------------------------------- topology

# topo_site NAME INDEX [VRF TABLE]: namespace NAME attached to "inet" through
# its interface "wan" with the outer addresses of site INDEX and default
# routes via inet. With VRF, wan is enslaved to a new VRF device of that name
# and table (a front-door VRF), and the default routes go into that table.
topo_site()
{
	local name=$1 i=$2 vrf=$3 table=$4 vrfarg=

	if [ ! -e "/run/netns/$NS_PREFIX-inet" ]; then
		ns_new inet
	fi
	ns_new "$name"
	# one `ip -batch` per namespace: every process start costs ~0.1 s
	# under TCG
	ipn inet link add "s$i" type veth peer name wan netns "$NS_PREFIX-$name"
	ipn inet -batch - <<-EOF
		link set s$i up
		addr add 198.18.$i.254/24 dev s$i
		addr add 2001:db8:$i::fe/64 dev s$i nodad
	EOF
	[ -z "$vrf" ] || vrfarg="vrf $vrf"
	ipn "$name" -batch - <<-EOF
		${vrf:+link add $vrf type vrf table $table}
		${vrf:+link set $vrf up}
		${vrf:+link set wan master $vrf}
		link set wan up
		addr add $(outer4 "$i")/24 dev wan
		addr add $(outer6 "$i")/64 dev wan nodad
		route add 0.0.0.0/0 via 198.18.$i.254 $vrfarg
		route add ::/0 via 2001:db8:$i::fe $vrfarg
	EOF
}

# topo_lan SITE INDEX LANNAME: namespace LANNAME, one host behind SITE on
# LAN INDEX, default routes via SITE.
topo_lan()
{
	local site=$1 i=$2 lan=$3

	ns_new "$lan"
	ipn "$site" link add lan type veth peer name eth0 netns "$NS_PREFIX-$lan"
	ipn "$site" -batch - <<-EOF
		link set lan up
		addr add $(lan4 "$i" 1)/28 dev lan
		addr add $(lan6 "$i" 1)/64 dev lan nodad
	EOF
	ipn "$lan" -batch - <<-EOF
		link set eth0 up
		addr add $(lan4 "$i" 2)/28 dev eth0
		addr add $(lan6 "$i" 2)/64 dev eth0 nodad
		route add 0.0.0.0/0 via $(lan4 "$i" 1)
		route add ::/0 via $(lan6 "$i" 1)
	EOF
}

# ---------------------------------------------------------------- IPsec

rand_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

is_ipv6() { case $1 in *:*) return 0;; esac; return 1; }

# xfrm_sa NSA NSB SRC DST [MODE [STATE ARGS...]]: one ESP SA SRC -> DST
# (AES-GCM; with FV_ESP_NULL set, the null cipher: real ESP that costs the
# guest's CPU nothing, for tests that measure rates)
# (transport mode unless MODE says otherwise), the same fresh key and SPI in
# both namespaces, recorded in $FV_ESP_SAS for tshark. No reqid: the
# policies' templates ask for reqid 0 and the kernel matches it exactly.
xfrm_sa()
{
	local nsa=$1 nsb=$2 src=$3 dst=$4 mode=${5:-transport} key spi ns
	shift $(( $# < 5 ? $# : 5 ))
	key=0x$(rand_hex 20)	# AES-128 key + 4-byte salt
	FV_SPI=$(( FV_SPI + 1 ))
	spi=$(printf '0x%08x' "$FV_SPI")
	for ns in "$nsa" "$nsb"; do
		if [ -n "$FV_ESP_NULL" ]; then
			n "$ns" ip xfrm state add src "$src" dst "$dst" \
				proto esp spi "$spi" mode "$mode" \
				enc 'ecb(cipher_null)' '' "$@" || return 1
		else
			n "$ns" ip xfrm state add src "$src" dst "$dst" \
				proto esp spi "$spi" mode "$mode" \
				aead 'rfc4106(gcm(aes))' "$key" 128 "$@" || return 1
		fi
	done
	echo "$src $dst $spi $key" >> "$FV_ESP_SAS"
}

# xfrm_gre_policy NS SRC DST DIR [PROTO]: require ESP transport for GRE (or
# PROTO) from SRC to DST in direction DIR (out|in) of namespace NS.
xfrm_gre_policy()
{
	n "$1" ip xfrm policy add src "$2" dst "$3" proto "${5:-gre}" dir "$4" \
		tmpl src "$2" dst "$3" proto esp mode transport
}

# xfrm_gre_transport NSA ADDRA NSB ADDRB [PROTO]: ESP transport mode
# (rfc4106(gcm(aes)), random keys, distinct SPIs) protecting GRE between
# ADDRA in NSA and ADDRB in NSB, both directions, SAs and policies on both
# sides: what an IKE daemon installs for a GRE-over-IPsec peer.
xfrm_gre_transport()
{
	local nsa=$1 a=$2 nsb=$3 b=$4 proto=${5:-gre}

	xfrm_sa "$nsa" "$nsb" "$a" "$b" &&
	xfrm_sa "$nsa" "$nsb" "$b" "$a" &&
	xfrm_gre_policy "$nsa" "$a" "$b" out "$proto" &&
	xfrm_gre_policy "$nsa" "$b" "$a" in "$proto" &&
	xfrm_gre_policy "$nsb" "$b" "$a" out "$proto" &&
	xfrm_gre_policy "$nsb" "$a" "$b" in "$proto"
}

# esp_uat_opts: tshark options that decrypt every SA this program installed.
esp_uat_opts()
{
	local s d spi key fam
	echo "-o"
	echo "esp.enable_encryption_decode:TRUE"
	while read -r s d spi key; do
		fam=IPv4
		is_ipv6 "$s" && fam=IPv6
		echo "-o"
		echo "uat:esp_sa:\"$fam\",\"$s\",\"$d\",\"$spi\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"$key\",\"NULL\",\"\""
	done < "$FV_ESP_SAS"
}

# ---------------------------------------------------------------- capture

# capture_start NS IFACE FILE: dumpcap on IFACE in NS writing FILE; returns
# once the capture runs (its file has a header). PID in CAPTURE_PID.
capture_start()
{
	rm -f "$3"
	bg "$1" dumpcap -q -i "$2" -w "$3" > "$FV_TMP/dumpcap.log" 2>&1
	CAPTURE_PID=$BG_PID
	busywait 30000 test -s "$3" || {
		diag "dumpcap did not start" && diag_file "$FV_TMP/dumpcap.log"
		return 1
	}
	# dumpcap writes the header once the interface is open
}

capture_stop() { pid_stop "$CAPTURE_PID" INT; }

# capture_decode PCAP: PCAP.txt, one line per frame, ESP decrypted with the
# keys of every SA this program installed. One tshark run: it takes seconds
# to start in the guest.
capture_decode()
{
	local uat
	mapfile -t uat < <(esp_uat_opts)
	tshark -n -r "$1" "${uat[@]}" -T fields -E separator=/t -E occurrence=a \
		-e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
		-e _ws.expert.severity -e esp.icv_bad -e gre.flags.key \
		-e gre.flags.checksum -e gre.flags.sequence_number -e gre.proto \
		-e icmp.type -e icmpv6.type > "$1.txt" 2> "$FV_TMP/tshark.err" || {
		diag "tshark failed:"
		diag_file "$FV_TMP/tshark.err" 5
		return 1
	}
}

# frames PCAP CONDITION: how many frames of PCAP.txt (capture_decode) meet
# the awk CONDITION over p (frame.protocols, e.g. eth:ethertype:ip:esp:gre:
# ip:icmp), addr (all IPv4 and IPv6 addresses), sev (expert severities),
# icvbad, gflags (GRE key, checksum, sequence flags), icmp, icmp6 (types).
frames()
{
	awk -F'\t' '{
		p = $1; addr = $2 " " $3 " " $4 " " $5; sev = $6; icvbad = $7
		gflags = $8 $9 $10; icmp = "," $12 ","; icmp6 = "," $13 ","
	} '"($2)"' { n++ } END { print n + 0 }' "$1.txt"
}

# frames_show PCAP CONDITION: the first frames meeting CONDITION, as
# diagnostics (frame number and tshark's summary).
frames_show()
{
	local nums
	nums=$(awk -F'\t' '{
		p = $1; addr = $2 " " $3 " " $4 " " $5; sev = $6; icvbad = $7
		gflags = $8 $9 $10; icmp = "," $12 ","; icmp6 = "," $13 ","
	} '"($2)"' { printf "%s%d", n++ ? "||frame.number==" : "frame.number==", NR }
	n == 5 { exit }' "$1.txt")
	[ -n "$nums" ] || return 0
	tshark -n -r "$1" -Y "$nums" 2>/dev/null | sed 's/^/#   /'
}

# ---------------------------------------------------------------- flexvpn

# template_new NS NAME [flexvpn template set ARGS...]
template_new()
{
	local ns=$1 t=$2
	shift 2
	ipn "$ns" link add "$t" type vtemplate
	[ $# -eq 0 ] || n "$ns" flexvpn template set "$t" "$@"
}

# access_new NS TEMPLATE ARGS...: `flexvpn access add`, prints the new name.
access_new()
{
	local ns=$1
	shift
	n "$ns" flexvpn access add "$@"
}

# access_stat NS DEV KEY: one counter of `flexvpn -j access show DEV`
# (rx_packets, rx_unprotected, tx_too_big, ...).
access_stat() { n "$1" flexvpn -j access show "$2" | jq -er ".[0].stats.$3"; }

# access_field NS DEV KEY: one top-level field of `flexvpn -j access show`.
access_field() { n "$1" flexvpn -j access show "$2" | jq -r ".[0].$3"; }

# ifindex NS DEV: DEV's ifindex.
ifindex() { ipn "$1" -j link show dev "$2" | jq -r '.[0].ifindex'; }

# link_stat NS DEV rx|tx packets|bytes|dropped: what `ip -s link` shows.
link_stat() { ipn "$1" -j -s link show dev "$2" | jq -er ".[0].stats64.$3.$4"; }

# link_count NS KIND: devices of link kind KIND in NS.
link_count() { ipn "$1" -o link show type "$2" | wc -l; }

# gt A B / ge / eq: numeric comparisons that say why they fail.
gt() { [ "$1" -gt "$2" ] || { echo "expected $1 > $2"; return 1; }; }
ge() { [ "$1" -ge "$2" ] || { echo "expected $1 >= $2"; return 1; }; }
eq() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }

# tunnel_addrs NS DEV I SIDE: inner addresses of tunnel I (SIDE 1 = hub,
# 2 = spoke) on DEV.
tunnel_addrs()
{
	ipn "$1" addr add "$(tun4 "$3" "$4")/30" dev "$2"
	ipn "$1" addr add "$(tun6 "$3" "$4")/64" dev "$2" nodad
}

# snmp NS COUNTER: a counter of /proc/net/snmp ("Icmp:InEchos") or
# /proc/net/snmp6 ("Icmp6InEchos") of namespace NS.
snmp()
{
	case $2 in
	*:*)
		n "$1" awk -v p="${2%%:*}:" -v f="${2#*:}" '
			$1 == p && !h { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1; next }
			$1 == p && h { print $c; exit }' /proc/net/snmp ;;
	*)
		n "$1" awk -v f="$2" '$1 == f { print $2; exit }' /proc/net/snmp6 ;;
	esac
}

# ---------------------------------------------------------------- charon

# One charon per namespace: its own network namespace (NS) and its own mount
# namespace with a private tmpfs on /run (vici socket, pid file), its own
# strongswan.conf ($FV_TMP/NS/strongswan.conf) and log ($FV_TMP/NS/charon.log).
# swanctl reaches it through nsenter into both namespaces.
declare -A CHARON_PID
CHARON=/usr/lib/ipsec/charon
CHARON_PLUGINS="random nonce aes sha1 sha2 hmac gmp kdf pem pkcs1 x509 pubkey"
CHARON_PLUGINS+=" kernel-netlink socket-default vici flexvpn"

# require_plugin: charon, swanctl and the plugin installed (make install in
# the guest's throw-away overlay when the plugin is not there yet).
require_plugin()
{
	require_cmd swanctl nsenter unshare
	[ -x "$CHARON" ] || skip_all "$CHARON not found"
	[ -f /usr/lib/ipsec/plugins/libstrongswan-flexvpn.so ] ||
		make -s -C "$FLEXVPN_TOP/userspace/plugin" install > /dev/null ||
		skip_all "cannot install the plugin (make in the project first)"
}

# charon_conf NS [FLEXVPN SETTINGS...]: writes NS's strongswan.conf; the
# arguments go into charon.plugins.flexvpn verbatim (profiles { ... });
# CHARON_EXTRA, when set, goes into the charon section.
charon_conf()
{
	local ns=$1 dir=$FV_TMP/$1
	shift
	mkdir -p "$dir"
	cat > "$dir/strongswan.conf" <<-EOF
		charon {
			load = $CHARON_PLUGINS
			make_before_break = yes
			${CHARON_EXTRA:-}
			retransmit_tries = 3
			retransmit_timeout = $FV_FACTOR
			filelog {
				log {
					path = $dir/charon.log
					time_format = %T
					flush_line = yes
					default = 1
					cfg = 2
				}
			}
			plugins {
				flexvpn {
					$*
				}
			}
		}
		swanctl {
			load = pem pkcs1 x509 pubkey
		}
	EOF
}

# charon_start NS: starts charon in NS (charon_conf first) and waits until
# vici answers. Its PID is CHARON_PID[NS] (killed at exit).
charon_start()
{
	local ns=$1 dir=$FV_TMP/$1 run=()
	# FLEXVPN_CHARON_GDB=NS: NS's charon runs under gdb, which prints the
	# backtraces of a crash into the kept charon.out
	[ "${FLEXVPN_CHARON_GDB:-}" != "$ns" ] ||
		run=(gdb -q -batch -ex run -ex 'thread apply all bt' --args)
	# the charon gets a /run of its own; the marker says it is in place
	# shellcheck disable=SC2016 # expanded by the inner shell
	bg "$ns" unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /run && : > /run/fv-charon && conf=$1; shift; STRONGSWAN_CONF=$conf exec "$@"' \
		sh "$dir/strongswan.conf" "${run[@]}" "$CHARON" >> "$dir/charon.out" 2>&1
	CHARON_PID[$ns]=$BG_PID
	# the log outlives the test, for a person reading a failure
	defer charon_keep_log "$ns"
	busywait 30000 charon_ready "$ns" > /dev/null 2>&1 || {
		diag "charon in $ns did not start"
		diag_file "$dir/charon.log"
		diag_file "$dir/charon.out"
		return 1
	}
}

# charon_ready NS: NS's charon answers on its own /run. Until the marker is
# there, the process may still be in the mount namespace it started in,
# where a system charon's socket (charon-systemd in the package tests)
# would answer in its place.
charon_ready()
{
	nsenter -t "${CHARON_PID[$1]}" -m test -e /run/fv-charon &&
		swanctl_ns "$1" --stats
}

# charon_keep_log NS: NS's charon log into build/results/charon/KVER/ (the
# guests of both kernels run at once).
charon_keep_log()
{
	local dir=${FLEXVPN_TOP:-.}/build/results/charon/$(uname -r)
	mkdir -p "$dir" && cp "$FV_TMP/$1/charon.log" "$dir/$PROG-$1.log" &&
		cp "$FV_TMP/$1/charon.out" "$dir/$PROG-$1.out"
}

# charon_stop NS [SIGNAL]: stop NS's charon (TERM by default) and reap it.
charon_stop() { pid_stop "${CHARON_PID[$1]}" "${2:-TERM}"; }

# swanctl_ns NS ARGS...: swanctl talking to NS's charon.
swanctl_ns()
{
	local ns=$1 arg prev='' args=()
	shift
	# --timeout SECS (as --initiate takes it) stretched by FV_FACTOR
	for arg; do
		[ "$prev" != --timeout ] || arg=$((arg * FV_FACTOR))
		args+=("$arg")
		prev=$arg
	done
	STRONGSWAN_CONF=$FV_TMP/$ns/strongswan.conf \
		nsenter -t "${CHARON_PID[$ns]}" -m -n swanctl "${args[@]}"
}

# swanctl_load NS SWANCTL.CONF-TEXT: connections and secrets of NS.
# swanctl's output goes to $FV_TMP/NS/swanctl.out, shown when it fails.
swanctl_load()
{
	local rc=0
	printf '%s\n' "$2" > "$FV_TMP/$1/swanctl.conf"
	swanctl_ns "$1" --load-all --noprompt --file "$FV_TMP/$1/swanctl.conf" \
		> "$FV_TMP/$1/swanctl.out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		diag "swanctl --load-all in $1 failed (exit $rc):"
		diag_file "$FV_TMP/$1/swanctl.out"
	fi
	return "$rc"
}

# charon_log NS: NS's charon log.
charon_log() { cat "$FV_TMP/$1/charon.log"; }

# charon_no_crash NS: NS's charon logged no fatal signal.
charon_no_crash()
{
	not grep -E 'received (SIGSEGV|SIGILL|SIGBUS|SIGABRT|SIGFPE)|killing ourself|thread .* received' \
		"$FV_TMP/$1/charon.log"
}

# gre_child [NAME [SETTINGS]]: the swanctl child that GRE between the outer
# addresses needs: transport mode, GRE only, ESP AES-GCM (and SETTINGS).
# swanctl_hub PSK: the hub's side of the plugin tests: one connection
# "spokes" from any address, PSK authentication as hub.example, DPD every
# 2 s, the GRE transport child, and the PSK's secret.
swanctl_hub()
{
	echo "connections { spokes {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 2s
	remote_addrs = %any
	local { auth = psk
		id = hub.example }
	remote { auth = psk }
	children { $(gre_child) }
} }
secrets { ike { secret = $1 } }"
}

gre_child()
{
	cat <<-EOF
		${1:-gre} {
			mode = transport
			local_ts = dynamic[gre]
			remote_ts = dynamic[gre]
			esp_proposals = aes128gcm16
			${2:-}
		}
	EOF
}

# ---------------------------------------------------------------- NAT

# nat_inside4 INDEX HOST: an address behind the NAT router of site INDEX:
# 198.19.INDEX.HOST/24 (the benchmarking range too; router .1, site .2).
nat_inside4() { echo "198.19.$1.$2"; }

# topo_nat NAT INDEX SITE: SITE behind the NAT router NAT. NAT is attached
# to inet as site INDEX (topo_site: its wan has outer4 INDEX, the public
# address) and masquerades (nft) whatever leaves through wan; SITE's "wan"
# has nat_inside4 INDEX 2, NAT's "inside" .1, SITE's default route via NAT.
# IPv4 only: nothing is translated for IPv6.
topo_nat()
{
	local nat=$1 i=$2 site=$3

	topo_site "$nat" "$i"
	ns_new "$site"
	ipn "$nat" link add inside type veth peer name wan netns "$NS_PREFIX-$site"
	ipn "$nat" -batch - <<-EOF
		link set inside up
		addr add $(nat_inside4 "$i" 1)/24 dev inside
	EOF
	ipn "$site" -batch - <<-EOF
		link set wan up
		addr add $(nat_inside4 "$i" 2)/24 dev wan
		route add 0.0.0.0/0 via $(nat_inside4 "$i" 1)
	EOF
	n "$nat" nft -f - <<-EOF
		table ip nat {
			chain postrouting {
				type nat hook postrouting priority srcnat;
				oifname "wan" masquerade
			}
		}
	EOF
}

# capture_udp PCAP: PCAP.udp, one line per IPv4 frame of PCAP: protocols,
# source, destination, UDP source and destination port (empty if not UDP).
capture_udp()
{
	tshark -n -r "$1" -Y ip -T fields -E separator=/t -E occurrence=f \
		-e frame.protocols -e ip.src -e ip.dst -e udp.srcport \
		-e udp.dstport > "$1.udp" 2> "$FV_TMP/tshark.err" || {
		diag "tshark failed:"
		diag_file "$FV_TMP/tshark.err" 5
		return 1
	}
}

# frames_udp PCAP CONDITION: how many lines of PCAP.udp (capture_udp) meet
# the awk CONDITION over p (frame.protocols), src, dst, sport, dport.
frames_udp()
{
	awk -F'\t' '{ p = $1; src = $2; dst = $3; sport = $4; dport = $5 }
		'"($2)"' { n++ } END { print n + 0 }' "$1.udp"
}

# swanctl_spoke I HUB PSK: spoke I's connection "hub" to the hub at HUB:
# PSK authentication as spokeI.example, the hub as hub.example, DPD every
# 2 s, the GRE transport child (the counterpart of swanctl_hub).
swanctl_spoke()
{
	echo "connections { hub {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 2s
	remote_addrs = $2
	local { auth = psk
		id = spoke$1.example }
	remote { auth = psk
		id = hub.example }
	children { $(gre_child) }
} }
secrets { ike { secret = $3 } }"
}

# ---------------------------------------------------------------- IKE on the wire

# require_ikekeys: tshark and the test-only charon plugin ikekeys
# (selftests/ikekeys/: saves the IKE keys for tshark), installed into the
# guest's throw-away overlay; `make install` never installs it.
require_ikekeys()
{
	require_cmd tshark dumpcap
	[ -f /usr/lib/ipsec/plugins/libstrongswan-ikekeys.so ] ||
		make -s -C "$FLEXVPN_TOP/userspace/plugin" install-ikekeys > /dev/null ||
		skip_all "cannot install the ikekeys test plugin (make in the project first)"
}

# charon_ikekeys NS: NS's charon (after charon_conf) also loads ikekeys,
# which appends the keys of every IKEv2 SA to $FV_TMP/NS/ikev2_decryption_table
# (Wireshark's format). strongswan.conf merges a repeated section; the later
# load list wins.
charon_ikekeys()
{
	cat >> "$FV_TMP/$1/strongswan.conf" <<-EOF
		charon {
			load = $CHARON_PLUGINS ikekeys
			plugins {
				ikekeys {
					file = $FV_TMP/$1/ikev2_decryption_table
				}
			}
		}
	EOF
}

# ike_decode PCAP TABLE: PCAP.ike, one line per IKE frame of PCAP decrypted
# with the keys in TABLE (charon_ikekeys), tab-separated: source address,
# exchange type, pad length (only a decrypted Encrypted payload has one),
# configuration payload type, its INTERNAL_IP4_SUBNET and
# INTERNAL_IP6_SUBNET attributes as sorted PREFIX/LEN words, and the expert
# infos (a malformed packet is one).
ike_decode()
{
	local row uat=()
	while read -r row; do
		uat+=(-o "uat:ikev2_decryption_table:$row")
	done < "$2"
	tshark -n -r "$1" "${uat[@]}" -Y isakmp -T fields -E separator=/t \
		-E occurrence=a -E aggregator=' ' \
		-e ip.src -e isakmp.exchangetype -e isakmp.enc.pad_length \
		-e isakmp.cfg.type \
		-e isakmp.cfg.attr.internal_ip4_subnet_ip \
		-e isakmp.cfg.attr.internal_ip4_subnet_netmask \
		-e isakmp.cfg.attr.internal_ip6_subnet_ip \
		-e isakmp.cfg.attr.internal_ip6_subnet_prefix \
		-e _ws.expert.message 2> "$FV_TMP/tshark.err" |
	awk -F'\t' -v OFS='\t' '
		function masklen(m,   o, i, n, b) {
			split(m, o, ".")
			for (i = 1; i <= 4; i++)
				for (b = 128; b >= 1; b /= 2)
					if (o[i] >= b) { o[i] -= b; n++ }
			return n + 0
		}
		# "IP IP ...", "LEN LEN ..." -> "IP/LEN IP/LEN ...", sorted
		function prefixes(ips, lens, ismask,   a, l, i, j, n, t, out) {
			n = split(ips, a, " ")
			split(lens, l, " ")
			for (i = 1; i <= n; i++)
				a[i] = a[i] "/" (ismask ? masklen(l[i]) : l[i])
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
			for (i = 1; i <= n; i++)
				out = out (i > 1 ? " " : "") a[i]
			return out
		}
		{ print $1, $2, $3, $4, prefixes($5, $6, 1), prefixes($7, $8, 0), $9 }' \
		> "$1.ike"
	[ "${PIPESTATUS[0]}" -eq 0 ] || {
		diag "tshark failed:"
		diag_file "$FV_TMP/tshark.err" 5
		return 1
	}
}
# ---------------------------------------------------------------- many peers

# charon_conf_more NS SETTINGS: more charon settings for NS, after
# charon_conf (strongswan.conf extends a section defined twice; a setting
# given again overrides the first).
charon_conf_more() { printf 'charon {\n%s\n}\n' "$2" >> "$FV_TMP/$1/strongswan.conf"; }

# xfrm_count NS state|policy: SAs or policies in NS's kernel; not the
# per-socket policies charon's IKE sockets carry.
xfrm_count()
{
	local first='^src '
	[ "$2" = state ] || first='^[[:space:]]+dir '	# not "socket in"
	ipn "$1" xfrm "$2" list | grep -cE "$first" || true
}

# proto_routes NS: the routes the plugin installed in NS (proto 249), in
# every table ("table all" lists IPv4 and IPv6).
proto_routes() { ipn "$1" route show table all proto 249 | wc -l; }

# esp_record NS: records the ESP SAs of NS as they are now (an IKE daemon's,
# their keys read back from `ip xfrm state`) for esp_uat_opts and
# capture_decode, so tshark decrypts what charon keyed. AES-GCM only.
esp_record()
{
	ipn "$1" xfrm state | awk '
		/^src / { s = $2; d = $4 }
		$1 == "proto" && $2 == "esp" { spi = $4 }
		$1 == "aead" && $2 ~ /^rfc4106/ { print s, d, spi, $3 }' >> "$FV_ESP_SAS"
}

# ---------------------------------------------------------------- NHRP

# swanctl_shortcut I: spoke I's connection "shortcut", to and from any
# spoke (PSK as spokeI.example, the peer any identity), the GRE child: what
# the plugin initiates to a requester's outer address.
swanctl_shortcut()
{
	echo "connections { shortcut {
	version = 2
	proposals = aes128-sha256-modp2048
	dpd_delay = 2s
	local { auth = psk
		id = spoke$1.example }
	remote { auth = psk }
	children { $(gre_child) }
} }"
}

# nhrp_spoke_profiles I HOLD: spoke I's flexvpn profiles: "hub" (its LANs,
# IPv4 and IPv6, shortcuts through connection "shortcut", hold time HOLD)
# and "shortcut" (accepting the LANs of 203.0.113.0/24 and
# 2001:db8:200::/40 from Resolution Replies).
nhrp_spoke_profiles()
{
	echo "profiles {
	hub { template = vt1
		connections = hub
		routes = $(lan4_net "$1"), $(lan6_net "$1")
		accept = 0.0.0.0/0 le 32, ::/0 le 128
		shortcut = shortcut
		holdtime = $2 }
	shortcut { template = vt1
		connections = shortcut
		nhrp = yes
		accept = 203.0.113.0/24 le 32, 2001:db8:200::/40 le 128 } }"
}

# nhrp_topo HOLD: the NHRP shortcut topology (nhrp_shortcut.sh, B6's
# tools/bench/b6_shortcut.sh): hub, spoke1 with lan1, spoke2 with lan2; the
# hub's template vt1 (network-id 1, redirects on) in the inside VRF vrf-in,
# the spokes' vt1 (network-id 1); the three charons configured (the hub's
# profile "hub" with nhrp = yes, the spokes' nhrp_spoke_profiles with hold
# time HOLD), not started.
nhrp_topo()
{
	local s
	topo_site hub 0
	topo_site spoke1 1
	topo_site spoke2 2
	topo_lan spoke1 1 lan1
	topo_lan spoke2 2 lan2
	nhrp_hub hub
	for s in 1 2; do
		nhrp_spoke "$s" "$1"
	done
}

# route_dev NS DST: the device NS routes DST through.
route_dev() { ipn "$1" -j route get "$2" | jq -r '.[0].dev'; }

# access_to NS PEER-ID: NS's access device to the peer of that identity.
access_to() { n "$1" flexvpn -j access list | jq -r --arg p "$2" '.[] | select(.peer_id == $p) | .ifname'; }

# nhrp_hub NS: NS as the NHRP hub of the plugin tests: template vt1 in the
# inside VRF vrf-in (table 10), network-id 1 with redirects, and the
# profile "hub" for connection "spokes" announcing the company's LANs and
# accepting each spoke's (charon_conf).
nhrp_hub()
{
	ipn "$1" link add vrf-in type vrf table 10
	ipn "$1" link set vrf-in up
	template_new "$1" vt1 nhrp-network-id 1 nhrp-redirect on
	ipn "$1" link set vt1 master vrf-in
	charon_conf "$1" "profiles { hub { template = vt1
		connections = spokes
		routes = 203.0.113.0/24, 2001:db8:200::/40
		accept = 203.0.113.0/24 le 28, 2001:db8:200::/40 le 64
		nhrp = yes } }"
}

# nhrp_spoke I HOLD: spokeI's template vt1 (network-id 1) and its profiles
# (nhrp_spoke_profiles).
nhrp_spoke()
{
	template_new "spoke$1" vt1 nhrp-network-id 1
	charon_conf "spoke$1" "$(nhrp_spoke_profiles "$1" "$2")"
}

# ---------------------------------------------------------------- README blocks

# The README's configuration blocks, as tools/demo.sh and the package tests
# (selftests/packages/) run them: what a person copying the README gets.
README=${README:-$(dirname "${BASH_SOURCE[0]}")/../README.md}

# readme BLOCK: the code block of README.md that follows the line
# "<!-- tools/demo.sh: BLOCK -->".
readme()
{
	local text
	text=$(awk -v m="<!-- tools/demo.sh: $1 -->" '
		$0 == m { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		found && inside' "$README")
	[ -n "$text" ] || { echo "README.md has no block marked '$1'" >&2; return 1; }
	printf '%s\n' "$text"
}

# spoke_conf N BLOCK: the README's spoke1 BLOCK for spoke N: its own name and LAN
spoke_conf()
{
	readme "spoke1 $2" | sed -e "s/spoke1/spoke$1/g" \
		-e "s|$(lan4_net 1)|$(lan4_net "$1")|g" -e "s|$(lan6_net 1)|$(lan6_net "$1")|g"
}

# spoke_flexvpn N: spoke N's flexvpn.conf, with the shortcut profile of
# "NHRP shortcuts" after its own
spoke_flexvpn()
{
	local conf end=$'\n    }\n}'
	conf=$(spoke_conf "$1" flexvpn.conf)
	[[ $conf == *"$end" ]] || {
		echo "the README's spoke flexvpn.conf does not end its profiles with '    }' and '}'" >&2
		return 1
	}
	printf '%s\n%s%s\n' "${conf%"$end"}" "$(spoke_conf "$1" "shortcut profile")" "$end"
}

# spoke_swanctl N: spoke N's hub.conf and shortcut.conf, as swanctl reads them
spoke_swanctl() { spoke_conf "$1" swanctl.conf; spoke_conf "$1" shortcut.conf; }
