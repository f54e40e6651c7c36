#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B1 (docs/benchmarks.md, shared BENCHMARKS.md): virtual-access device churn.
# Runs inside the guest (tools/bench/run.sh boots it). For every size N and
# repetition, the three candidates run one after the other (A B C A B C ...),
# each in a fresh namespace:
#
#   ours   N x FLEXVPN_CMD_ACCESS_NEW from one genl socket (tools/bench/vachurn),
#          each acknowledged before the next; names va1..vaN come from the
#          module's IDA. Batched delete: one ACCESS_DEL filtered by template.
#   xfrmi  `ip -batch` of N `link add name xfrmI group 7 up type xfrm if_id I`
#   gre    `ip -batch` of N `link add name greI group 7 up type gre
#          local L remote R_I` (distinct remote addresses)
#          Batched delete for both: `ip link del group 7` (one RTM_DELLINK,
#          one unregister_netdevice_many() batch, like ours).
#
# Explicit names for xfrmi and gre (no "%d" scan), devices created up (ours
# are always up), one request per device acknowledged before the next: the
# same work for every candidate.
#
# Measured: create time per device, batched delete time per device, memory
# per device (Slab + Percpu from /proc/meminfo, and MemAvailable, before and
# after creation, caches dropped before each reading), and at one size
# (B1_EACH_N) deletion one device at a time (vachurn del-each; `ip -batch`
# of `link del` lines) for the record.
#
# Environment:
#   B1_SIZES       sizes N (default "1000 5000 10000")
#   B1_REPS        repetitions (default 5)
#   B1_REPS_LARGE  repetitions for N >= 10000 (default 3: about 8 minutes
#                  each under TCG)
#   B1_EACH_N      size for the one-by-one deletion (default: the smallest
#                  of B1_SIZES; 0 = skip)
#   B1_EACH_REPS   repetitions of the one-by-one deletion (default 2)
#   B1_CANDIDATES  default "ours xfrmi gre"
#   B1_IPV6        "nolinklocal" (default: net.ipv6.conf.default.
#                  addr_gen_mode=1 in the namespace, no IPv6 link-local
#                  address on the new devices), "on" (what a fresh namespace
#                  does: every device gets a link-local address and its
#                  fe80::/64 route) or "off" (disable_ipv6=1). With "on" the
#                  kernel's IPv6 routing table makes every candidate's
#                  per-device cost grow with N (each device's fe80::/64 route
#                  joins one list that insertion and removal walk), which
#                  hides the devices' own cost and makes N=10000 take hours
#                  under TCG; docs/benchmarks.md shows both.
#
# Output: RAW lines (tools/bench/stats.py b1 turns them into the table).
set -e
. "$(dirname "$0")/lib.sh"

SIZES=${B1_SIZES:-1000 5000 10000}
REPS=${B1_REPS:-5}
REPS_LARGE=${B1_REPS_LARGE:-3}
EACH_N=${B1_EACH_N:-$(printf '%s\n' $SIZES | sort -n | head -1)}
EACH_REPS=${B1_EACH_REPS:-2}
CANDIDATES=${B1_CANDIDATES:-ours xfrmi gre}
IPV6=${B1_IPV6:-nolinklocal}
VACHURN=${VACHURN:-$BENCH_BUILD/vachurn}
LOCAL=198.18.0.1
REMOTE_BASE=198.19.0.1	# + i: 198.19.0.0/16 holds 65534 peers

[ -x "$VACHURN" ] || die "$VACHURN missing (tools/bench/run.sh builds it)"
bench_module_load

# remote I: the I-th remote address (I from 0), as vachurn numbers them.
remote() { echo "198.19.$(( ($1 + 1) >> 8 )).$(( ($1 + 1) & 255 ))"; }

# batch_file CAND N: the `ip -batch` file that creates N devices.
batch_file()
{
	local cand=$1 count=$2 f=$BENCH_TMP/$1-$2.batch i
	[ -f "$f" ] && { echo "$f"; return; }
	for (( i = 0; i < count; i++ )); do
		case $cand in
		xfrmi) echo "link add name xfrm$(( i + 1 )) group 7 up type xfrm if_id $(( i + 1 ))" ;;
		gre) echo "link add name gre$(( i + 1 )) group 7 up type gre local $LOCAL remote $(remote "$i")" ;;
		esac
	done > "$f"
	echo "$f"
}

# del_file CAND N: `ip -batch` deleting them one request each
del_file()
{
	local cand=$1 count=$2 f=$BENCH_TMP/$1-$2.del i
	[ -f "$f" ] && { echo "$f"; return; }
	for (( i = 1; i <= count; i++ )); do
		echo "link del $cand$i"
	done > "$f"
	echo "$f"
}

# create NS CAND N: create N devices in namespace NS
create()
{
	local ns=$1 cand=$2 count=$3
	case $cand in
	ours) n "$ns" "$VACHURN" add vt1 "$count" "$LOCAL" "$REMOTE_BASE" > /dev/null ;;
	*) ipn "$ns" -batch "$(batch_file "$cand" "$count")" ;;
	esac
}

delete_batched()
{
	local ns=$1 cand=$2
	case $cand in
	ours) n "$ns" "$VACHURN" del-template vt1 > /dev/null ;;
	*) ipn "$ns" link del group 7 ;;
	esac
}

delete_each()
{
	local ns=$1 cand=$2 count=$3
	case $cand in
	ours) n "$ns" "$VACHURN" del-each vt1 > /dev/null ;;
	xfrmi) ipn "$ns" -batch "$(del_file xfrm "$count")" ;;
	gre) ipn "$ns" -batch "$(del_file gre "$count")" ;;
	esac
}

# count_devs NS CAND: how many of the candidate's devices exist
count_devs()
{
	local pat
	# gre0 is ip_gre's fallback device, not one of ours
	case $2 in ours) pat='^va[1-9]';; xfrmi) pat='^xfrm[1-9]';; gre) pat='^gre[1-9]';; esac
	ipn "$1" -o link show | awk -F'[:@] ' '{ print $2 }' | grep -c "$pat" || true
}

# one CAND N REP: one measurement of one candidate
one()
{
	local cand=$1 count=$2 rep=$3 ns=b1 t0 t1 t2 t3 made left
	local slab0 pcpu0 avail0 slab1 pcpu1 avail1

	ns_add "$ns"
	case $IPV6 in
	nolinklocal) n "$ns" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 ;;
	off) n "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ;;
	esac
	[ "$cand" = ours ] && ipn "$ns" link add vt1 type vtemplate
	# the candidate's own once-per-namespace setup (xfrmi's and gre's
	# fallback devices come with the namespace) is not counted
	settle
	read -r slab0 pcpu0 avail0 <<< "$(meminfo Slab Percpu MemAvailable)"
	t0=$(now_us)
	create "$ns" "$cand" "$count"
	t1=$(now_us)
	settle
	read -r slab1 pcpu1 avail1 <<< "$(meminfo Slab Percpu MemAvailable)"
	made=$(count_devs "$ns" "$cand")
	[ "$made" -eq "$count" ] || die "$cand: $made of $count devices created"
	t2=$(now_us)
	delete_batched "$ns" "$cand"
	t3=$(now_us)
	left=$(count_devs "$ns" "$cand")
	[ "$left" -eq 0 ] || die "$cand: $left devices left after the batched delete"

	record b1 cand=$cand n=$count rep=$rep ipv6=$IPV6 \
		create_us=$(( t1 - t0 )) del_us=$(( t3 - t2 )) \
		slab_kb=$(( slab1 - slab0 )) percpu_kb=$(( pcpu1 - pcpu0 )) \
		avail_kb=$(( avail0 - avail1 ))

	if [ "$count" -eq "$EACH_N" ] && [ "$rep" -le "$EACH_REPS" ]; then
		create "$ns" "$cand" "$count"
		t0=$(now_us)
		delete_each "$ns" "$cand" "$count"
		t1=$(now_us)
		left=$(count_devs "$ns" "$cand")
		[ "$left" -eq 0 ] || die "$cand: $left devices left after one-by-one delete"
		record b1each cand=$cand n=$count rep=$rep del_each_us=$(( t1 - t0 ))
	fi
	ns_del "$ns"
}

diag "B1 on $(uname -r): IPv6 $IPV6, sizes $SIZES, $REPS repetitions ($REPS_LARGE at N >= 10000), one-by-one deletion at N=$EACH_N x $EACH_REPS"
for count in $SIZES; do
	reps=$REPS
	[ "$count" -ge 10000 ] && reps=$REPS_LARGE
	for (( rep = 1; rep <= reps; rep++ )); do
		for cand in $CANDIDATES; do
			t=$(now_us)
			one "$cand" "$count" "$rep"
			diag "N=$count rep $rep $cand done in $(( ($(now_us) - t) / 1000 )) ms"
		done
	done
done
