# SPDX-License-Identifier: GPL-2.0
#
# tools/bench/lib.sh: what the in-guest benchmarks (b1_churn.sh,
# b3_dataplane.sh) share: loading the module, namespaces that are deleted on
# every exit path, a wall clock, /proc/meminfo readings, and the raw-record
# format that tools/bench/stats.py turns into tables.
#
# A benchmark never fails because a machine is slow: it exits non-zero only
# when it could not run at all (no module, a command that must work did not).

BENCH_TOP=${FLEXVPN_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BENCH_DIR=$BENCH_TOP/tools/bench
BENCH_BUILD=$BENCH_TOP/build/bench
BENCH_NS_PREFIX="bench-$$"
BENCH_NAMESPACES=()
BENCH_PIDS=()
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
export LC_ALL=C

bench_cleanup()
{
	local pid ns
	set +e
	for pid in "${BENCH_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for ns in "${BENCH_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM HUP

diag() { printf '# %s\n' "$*" >&2; }
die() { printf 'Error: %s\n' "$*" >&2; exit 1; }

# now_us: wall clock in microseconds (bash 5's EPOCHREALTIME, no fork).
now_us() { local t=${EPOCHREALTIME/./}; echo $(( 10#$t )); }

# The module for the running kernel: the lead's build, or the one
# tools/bench/run.sh built when that is missing.
bench_module_load()
{
	local ko=${FLEXVPN_BENCH_KO:-${FLEXVPN_KO:-$BENCH_TOP/build/$(uname -r)/flexvpn.ko}}

	[ -d /sys/module/flexvpn ] && return 0
	[ -f "$ko" ] || die "no flexvpn.ko for $(uname -r) (looked at $ko)"
	modprobe -a ip_tunnel ip6_tunnel gre esp4 esp6 xfrm_user vrf ip_gre \
		xfrm_interface || die "modprobe of the tunnel modules failed"
	insmod "$ko" || die "insmod $ko failed"
}

# ns_add NAME: a fresh namespace "$BENCH_NS_PREFIX-NAME" with lo up, IPv4
# forwarding on and rp_filter off; deleted at exit. Prints nothing.
ns_add()
{
	local ns=$BENCH_NS_PREFIX-$1
	ip netns add "$ns" || die "ip netns add $ns"
	BENCH_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# ns_del NAME: delete it before the end.
ns_del()
{
	local ns=$BENCH_NS_PREFIX-$1 i
	ip netns del "$ns"
	for i in "${!BENCH_NAMESPACES[@]}"; do
		[ "${BENCH_NAMESPACES[i]}" != "$ns" ] || unset 'BENCH_NAMESPACES[i]'
	done
}

# n NAME CMD...: CMD in namespace NAME.
n() { local ns=$BENCH_NS_PREFIX-$1; shift; ip netns exec "$ns" "$@"; }

# ipn NAME ARGS...: ip in namespace NAME.
ipn() { local ns=$BENCH_NS_PREFIX-$1; shift; ip -n "$ns" "$@"; }

# meminfo FIELD...: the values (kB) of /proc/meminfo fields, in order.
meminfo()
{
	local f out=()
	for f in "$@"; do
		out+=("$(awk -v f="$f:" '$1 == f { print $2 }' /proc/meminfo)")
	done
	echo "${out[@]}"
}

# settle: let deferred frees (RCU, workqueues) finish and drop clean caches,
# so two meminfo readings differ by what was created in between.
settle()
{
	sync
	echo 3 > /proc/sys/vm/drop_caches
	# wait until Slab stops moving (deferred frees after a deletion)
	local prev cur i
	prev=$(meminfo Slab)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.2
		cur=$(meminfo Slab)
		[ $(( cur - prev )) -lt 64 ] && [ $(( prev - cur )) -lt 64 ] && break
		prev=$cur
	done
}

# ip4 BASE I: the IPv4 address BASE + I
ip4()
{
	local a b c d v
	IFS=. read -r a b c d <<< "$1"
	v=$(( (a << 24 | b << 16 | c << 8 | d) + $2 ))
	echo "$(( v >> 24 & 255 )).$(( v >> 16 & 255 )).$(( v >> 8 & 255 )).$(( v & 255 ))"
}

# hub_wan HUB_NS PEER_NS HUB_ADDR PEER_ADDR: the veth between a hub ("wan")
# and the namespace beyond it ("eth0"), /24 addresses; the hub routes
# 172.16.0.0/12 (the spokes' outer addresses) there, where what is not
# local is blackholed. Checked with a ping.
hub_wan()
{
	ipn "$1" link add wan type veth peer name eth0 netns "$BENCH_NS_PREFIX-$2"
	ipn "$1" addr add "$3/24" dev wan
	ipn "$2" addr add "$4/24" dev eth0
	ipn "$1" link set wan up
	ipn "$2" link set eth0 up
	ipn "$1" route add 172.16.0.0/12 via "$4" dev wan
	ipn "$2" route add blackhole 172.16.0.0/12
	n "$1" ping -c 1 -W 2 "$4" > /dev/null || die "$1 cannot reach $2"
}

# record BENCH key=value...: one raw measurement, for stats.py.
record() { echo "RAW $*"; }
