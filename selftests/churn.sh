#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# churn.sh: thousands of access devices made and batch-deleted, three
# times, and nothing may stay behind.
#
#  ┌───────────────────────────────────────────────┐
#  │ churn                                         │
#  │  lo 198.18.0.1                                │
#  │  vt1 ── va1 va2 ... va$N  (remote 198.19.x.y) │
#  └───────────────────────────────────────────────┘
#
# Each round creates $N devices from one generic-netlink socket (the
# benchmark's helper build/bench/vachurn, one ACCESS_NEW after the other, as
# an IKE daemon would: `flexvpn access add` in a loop costs a process start
# per device, about 0.15 s each under TCG, minutes per round), checks they
# are all there, removes them all with one `flexvpn access del template
# vt1`, and checks that none is left.
#
# Asserts, per round: N devices exist, then none; the template counts them;
# /sys/module/flexvpn/refcnt is back where it started; after round 3: the
# module's own slab caches (if any) hold no more objects than after round 1
# and `Slab:` of /proc/meminfo grew by less than $SLAB_TOLERANCE_KB (the
# numbers are printed as diagnostics).

set -e
source "$(dirname "$0")/lib.sh"

require_module
require_cmd jq
VACHURN=${FLEXVPN_VACHURN:-$FLEXVPN_TOP/build/bench/vachurn}
if [ ! -x "$VACHURN" ]; then
	# not built by `make`: build it here (a few seconds)
	VACHURN=$FV_TMP/vachurn
	cc -O2 -I"$FLEXVPN_TOP/uapi" -I"$FLEXVPN_TOP/userspace/lib" -o "$VACHURN" \
		"$FLEXVPN_TOP/tools/bench/vachurn.c" "$FLEXVPN_TOP"/userspace/lib/*.c \
		-lmnl 2> "$FV_TMP/cc.err" ||
		skip_all "no build/bench/vachurn and cannot build it: $(head -n1 "$FV_TMP/cc.err")"
fi

N=${FLEXVPN_CHURN_N:-2000}
ROUNDS=3
SLAB_TOLERANCE_KB=4096

ns_new churn
ipn churn addr add "$(outer4 0)/32" dev lo
template_new churn vt1

refcnt() { cat /sys/module/flexvpn/refcnt; }
module_slab_objs() { awk '/flexvpn/ { s += $2 } END { print s + 0 }' /proc/slabinfo; }
meminfo_slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

# Slab after freeing what can be freed (dentries, inodes) and once RCU
# callbacks had time to run: read until two readings agree within 256 kB.
slab_settled()
{
	local prev cur i
	sync
	echo 2 > /proc/sys/vm/drop_caches
	prev=$(meminfo_slab)
	for i in $(seq 20); do
		sleep 0.25
		cur=$(meminfo_slab)
		[ $(( prev - cur )) -lt 256 ] && [ $(( cur - prev )) -lt 256 ] && break
		prev=$cur
	done
	echo "$cur"
}

# create: $N access devices of vt1, remote 198.19.0.1 and up
create() { n churn "$VACHURN" add vt1 "$N" "$(outer4 0)" 198.19.0.1 > /dev/null; }

vaccess_count() { link_count churn vaccess; }
no_vaccess() { [ "$(vaccess_count)" = 0 ]; }

refcnt0=$(refcnt)
objs=()
slab=()
for r in $(seq "$ROUNDS"); do
	t0=$(now_ms)
	check "round $r: $N ACCESS_NEW succeeded" create
	t1=$(now_ms)
	check "round $r: $N access devices exist" eq "$(vaccess_count)" "$N"
	check "round $r: the template counts $N" \
		eq "$(n churn flexvpn -j template show vt1 | jq '.[0].access')" "$N"
	n churn flexvpn access del template vt1
	t2=$(now_ms)
	check "round $r: none left after access del template" \
		busywait 10000 no_vaccess
	check "round $r: template counts 0" \
		eq "$(n churn flexvpn -j template show vt1 | jq '.[0].access')" 0
	check "round $r: module refcnt unchanged" eq "$(refcnt)" "$refcnt0"
	objs[r]=$(module_slab_objs)
	slab[r]=$(slab_settled)
	diag "round $r: create $(( t1 - t0 )) ms, delete $(( t2 - t1 )) ms," \
		"Slab ${slab[r]} kB, module slab objects ${objs[r]}"
done

diag "Slab: round 1 ${slab[1]} kB, round $ROUNDS ${slab[ROUNDS]} kB," \
	"difference $(( slab[ROUNDS] - slab[1] )) kB (tolerance $SLAB_TOLERANCE_KB kB)"
grep -i flexvpn /proc/slabinfo | sed 's/^/# slabinfo: /' || diag "no flexvpn slab cache"
check "module slab objects not growing" ge "${objs[1]}" "${objs[ROUNDS]}"
check "Slab: within $SLAB_TOLERANCE_KB kB of round 1" \
	gt "$SLAB_TOLERANCE_KB" $(( slab[ROUNDS] - slab[1] ))
