#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# B2 (docs/benchmarks.md, shared BENCHMARKS.md): IKE setup with device
# creation. Runs inside the guest (tools/bench/run.sh boots it).
#
#   hub ─── wan ══ veth ══ wan ─── spokes
#   10.0.0.1/8                     10.64.0.1 .. 10.64.x.y/8 (N addresses)
#
# Two namespaces, one charon each (own mount namespace, private /run, own
# STRONGSWAN_CONF). The "spokes" charon holds N connections spoke-1..spoke-N,
# each from its own local address to the hub, identities spoke-I, one PSK,
# start_action = start: loading them initiates all N at once. The hub has
# one connection "spokes" (remote_addrs = %any) with the GRE transport child
# of the selftests. Candidates, run one after the other in every repetition
# (plugin, none, plugin, none ...), each with fresh namespaces and charons:
#
#   plugin  the hub's charon loads libstrongswan-flexvpn.so with a profile
#           naming template vt1 and the connection "spokes": one access
#           device per IKE_SA
#   none    the same charon, the same swanctl.conf, the plugin not loaded
#
# The spokes' charon never loads the plugin. Timed: from `swanctl
# --load-conns` on the spokes to the moment the hub has 2N ESP states (a
# CHILD_SA is installed only once IKE_AUTH completed) and, with the plugin,
# N vaccess devices. Afterwards, counted once: the hub's established
# IKE_SAs and installed CHILD_SAs (swanctl --list-sas), and devices.
#
# Environment:
#   B2_SIZES      sizes N (default "100 1000")
#   B2_REPS       repetitions (default 5)
#   B2_REPS_LARGE repetitions for N >= 1000 (default 1)
#   B2_CANDIDATES default "plugin none"
#   B2_PROPOSAL   IKE proposal (default aes128-sha256-modp1024: the charon
#                 in Debian has no openssl, gcm or curve25519 plugin, so no
#                 ECP/x25519 and no AEAD in IKE; gmp's modp1024 is the
#                 cheapest DH group it has)
#   B2_TIMEOUT    seconds a run may take before the missing SAs count as
#                 failures (default: 60 + N/2)
#   B2_THREADS    charon.threads of both charons (default 16)
#   B2_ROAM_EVENTS  charon.plugins.kernel-netlink.roam_events of both
#                 charons (default yes, charon's default)
#   B2_HUB_IPV6   "off": IPv6 disabled on the hub's new devices (an A/B of
#                 the addrconf work and events each access device brings)
#   B2_PERF       seconds: `perf record -g` of the hub's charon over the
#                 first B2_PERF seconds of each timed interval; the top
#                 symbols per candidate go to stderr (where the time goes)
#
# Besides the wall time, every run records CPU time over the timed interval
# (ms): the hub's charon (hub_cpu_ms, of which in the kernel hub_sys_ms), the spokes' charon (spokes_cpu_ms) and
# the whole guest (busy_ms, /proc/stat without idle and iowait). Under a
# shared host wall time is noisy; CPU time per IKE_SA is not.
#
# Output: RAW lines (tools/bench/stats.py b2 turns them into the table).
set -e
. "$(dirname "$0")/lib.sh"

SIZES=${B2_SIZES:-100 1000}
REPS=${B2_REPS:-5}
REPS_LARGE=${B2_REPS_LARGE:-1}
CANDIDATES=${B2_CANDIDATES:-plugin none}
PROPOSAL=${B2_PROPOSAL:-aes128-sha256-modp1024}
THREADS=${B2_THREADS:-16}
CHARON=/usr/lib/ipsec/charon
PLUGINS="random nonce aes sha1 sha2 hmac gmp kdf pem pkcs1 x509 pubkey"
PLUGINS+=" kernel-netlink socket-default vici"
HUB=10.0.0.1
declare -A CHARON_PID

command -v swanctl > /dev/null || die "swanctl missing"
[ -x "$CHARON" ] || die "$CHARON missing"
bench_module_load
[ -f /usr/lib/ipsec/plugins/libstrongswan-flexvpn.so ] ||
	make -s -C "$BENCH_TOP/userspace/plugin" install > /dev/null ||
	die "cannot install the plugin (make plugin in the project first)"

# spoke_addr I: the I-th spoke's address (I from 1): 10.64.0.1 ...
spoke_addr() { echo "10.$(( 64 + ($1 >> 16) )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }

# conf NS CAND: NS's strongswan.conf
conf()
{
	local ns=$1 cand=$2 dir=$BENCH_TMP/$1 load=$PLUGINS profile=
	mkdir -p "$dir"
	if [ "$cand" = plugin ]; then
		load+=" flexvpn"
		profile="profiles { hub { template = vt1
			connections = spokes } }"
	fi
	cat > "$dir/strongswan.conf" <<-EOF
		charon {
			load = $load
			threads = $THREADS
			ikesa_table_size = 1024
			dos_protection = no
			retransmit_tries = 5
			filelog {
				log {
					path = $dir/charon.log
					time_format = %T
					flush_line = yes
					default = 1
				}
			}
			plugins {
				flexvpn {
					$profile
				}
				kernel-netlink {
					roam_events = ${B2_ROAM_EVENTS:-yes}
				}
			}
		}
		swanctl {
			load = pem pkcs1 x509 pubkey
		}
	EOF
}

# charon_start NS: NS's charon in its own mount namespace; waits for vici
charon_start()
{
	local ns=$1 dir=$BENCH_TMP/$1 i
	# shellcheck disable=SC2016 # expanded by the inner shell
	# ip netns exec execs the command: $! is charon's own PID at the end
	ip netns exec "$BENCH_NS_PREFIX-$ns" unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=$1 exec "$2"' \
		sh "$dir/strongswan.conf" "$CHARON" > "$dir/charon.out" 2>&1 &
	CHARON_PID[$ns]=$!
	BENCH_PIDS+=("$!")
	for (( i = 0; i < 300; i++ )); do
		swanctl_ns "$ns" --stats > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	tail -n 20 "$dir/charon.out" "$dir/charon.log" >&2
	die "charon in $ns did not start"
}

charon_stop()
{
	kill "${CHARON_PID[$1]}" 2>/dev/null || true
	wait "${CHARON_PID[$1]}" 2>/dev/null || true
}

swanctl_ns()
{
	local ns=$1
	shift
	STRONGSWAN_CONF=$BENCH_TMP/$ns/strongswan.conf \
		nsenter -t "${CHARON_PID[$ns]}" -m -n swanctl "$@"
}

# a value runs to the end of its line: closing braces on lines of their own
child="children { gre { mode = transport
		local_ts = dynamic[gre]
		remote_ts = dynamic[gre]
		esp_proposals = aes128gcm16
	}
}"
secret='secrets { ike { secret = flexvpn-bench-psk } }'

hub_conf()
{
	echo "connections { spokes { version = 2
		proposals = $PROPOSAL
		remote_addrs = %any
		local { auth = psk
			id = hub }
		remote { auth = psk }
		$child
	} }
	$secret"
}

# spokes_conf N: N connections, one per local address
spokes_conf()
{
	local count=$1 i
	echo "connections {"
	for (( i = 1; i <= count; i++ )); do
		echo "spoke-$i { version = 2
			proposals = $PROPOSAL
			local_addrs = $(spoke_addr "$i")
			remote_addrs = $HUB
			local { auth = psk
				id = spoke-$i }
			remote { auth = psk
				id = hub }
			children { gre { mode = transport
				local_ts = dynamic[gre]
				remote_ts = dynamic[gre]
				esp_proposals = aes128gcm16
				start_action = start
			}
			}
		}"
	done
	echo "}"
	echo "$secret"
}

# topo N: the two namespaces, N addresses on the spokes' side
topo()
{
	local count=$1 i
	ns_add hub
	ns_add spokes
	ipn hub link add wan type veth peer name wan netns "$BENCH_NS_PREFIX-spokes"
	ipn hub -batch - <<-EOF
		link set wan up
		addr add $HUB/8 dev wan
		link add vt1 type vtemplate
	EOF
	[ "${B2_HUB_IPV6:-}" = off ] &&
		n hub sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	{
		echo "link set wan up"
		for (( i = 1; i <= count; i++ )); do
			echo "addr add $(spoke_addr "$i")/8 dev wan"
		done
	} | ipn spokes -batch -
}

xfrm_states() { ipn hub xfrm state count | awk '{ print $NF }'; }
devices() { ipn hub -o link show type vaccess | wc -l; }

# established: "IKE_SAs CHILD_SAs" that the hub's charon has up
established()
{
	swanctl_ns hub --list-sas --ike spokes 2>/dev/null | awk '
		/^spokes: #[0-9]+, ESTABLISHED/ { ike++ }
		/^  gre: #[0-9]+, .*INSTALLED/ { child++ }
		END { print ike + 0, child + 0 }'
}

# cpu_ms PID [sys]: user + system (or only system) CPU time of a process
# so far (ms)
cpu_ms()
{
	local f
	read -ra f < "/proc/$1/stat"
	# fields 14 and 15 (utime, stime) counted from 1, after "pid (comm)"
	if [ "${2:-}" = sys ]; then
		echo $(( f[14] * 1000 / $(getconf CLK_TCK) ))
	else
		echo $(( (f[13] + f[14]) * 1000 / $(getconf CLK_TCK) ))
	fi
}

# busy_ms: CPU time the whole guest spent not idle so far (ms)
busy_ms()
{
	local cpu user nice sys idle iowait irq softirq steal
	read -r cpu user nice sys idle iowait irq softirq steal _ < /proc/stat
	echo $(( (user + nice + sys + irq + softirq + steal) * 1000 / $(getconf CLK_TCK) ))
}

# proc_cpu: "PID COMM TICKS" of every process (user + system ticks)
proc_cpu()
{
	local f
	for f in /proc/[0-9]*/stat; do
		cat "$f" 2>/dev/null
	done | awk '{ sub(/^[0-9]+ \(/, ""); i = index($0, ") ");
		comm = substr($0, 1, i - 1); $0 = substr($0, i + 2);
		print comm, $12 + $13 }' | sort
}

# one CAND N REP: one measurement
one()
{
	local cand=$1 count=$2 rep=$3 timeout=${B2_TIMEOUT:-$(( 60 + $2 / 2 ))}
	local t0 t1 states devs want_devs ike nchild dir load_ms perf_pid
	local hub_cpu0 spokes_cpu0 busy0 hub_cpu spokes_cpu busy hub_sys0 hub_sys

	topo "$count"
	conf hub "$cand"
	conf spokes none
	printf '%s\n' "$(hub_conf)" > "$BENCH_TMP/hub/swanctl.conf"
	spokes_conf "$count" > "$BENCH_TMP/spokes/swanctl.conf"
	charon_start hub
	charon_start spokes
	swanctl_ns hub --load-all --noprompt --file "$BENCH_TMP/hub/swanctl.conf" > /dev/null 2>&1
	swanctl_ns spokes --load-creds --noprompt --file "$BENCH_TMP/spokes/swanctl.conf" > /dev/null 2>&1
	if [ "$cand" = plugin ]; then
		swanctl_ns hub --stats | grep -qw flexvpn || die "plugin not loaded"
		want_devs=$count
	else
		want_devs=0
	fi

	if [ "${B2_PERF:-}" ]; then
		perf record -g -F 999 -p "${CHARON_PID[hub]}" -o "$BENCH_TMP/perf-$cand.data" \
			-- sleep "$B2_PERF" > "$BENCH_TMP/perf.out" 2>&1 &
		perf_pid=$!
	fi
	[ "${B2_PERF:-}" ] && proc_cpu > "$BENCH_TMP/cpu0"
	head -n 1 /proc/stat > "$BENCH_TMP/stat0"
	hub_cpu0=$(cpu_ms "${CHARON_PID[hub]}")
	hub_sys0=$(cpu_ms "${CHARON_PID[hub]}" sys)
	spokes_cpu0=$(cpu_ms "${CHARON_PID[spokes]}")
	busy0=$(busy_ms)
	t0=$(now_us)
	swanctl_ns spokes --load-conns --file "$BENCH_TMP/spokes/swanctl.conf" > /dev/null
	load_ms=$(( ($(now_us) - t0) / 1000 ))
	while :; do
		states=$(xfrm_states)
		devs=$(devices)
		t1=$(now_us)
		[ "$states" -ge $(( 2 * count )) ] && [ "$devs" -ge "$want_devs" ] && break
		[ $(( t1 - t0 )) -ge $(( timeout * 1000000 )) ] && break
		sleep 0.2
	done
	hub_cpu=$(( $(cpu_ms "${CHARON_PID[hub]}") - hub_cpu0 ))
	hub_sys=$(( $(cpu_ms "${CHARON_PID[hub]}" sys) - hub_sys0 ))
	spokes_cpu=$(( $(cpu_ms "${CHARON_PID[spokes]}") - spokes_cpu0 ))
	busy=$(( $(busy_ms) - busy0 ))
	if [ "${B2_PERF:-}" ]; then
		wait "$perf_pid" || true
		proc_cpu > "$BENCH_TMP/cpu1"
		diag "CPU ticks by command over the interval, $cand N=$count rep $rep:"
		join -a 2 -e 0 -o 0,1.2,2.2 <(awk '{ t[$1] += $2 } END { for (c in t) print c, t[c] }' "$BENCH_TMP/cpu0" | sort) \
			<(awk '{ t[$1] += $2 } END { for (c in t) print c, t[c] }' "$BENCH_TMP/cpu1" | sort) |
			awk '$3 - $2 > 0 { print $3 - $2, $1 }' | sort -rn | head -n 12 | sed 's/^/#   /' >&2
		diag "/proc/stat cpu (user nice system idle iowait irq softirq) delta:"
		paste <(head -n 1 /proc/stat) "$BENCH_TMP/stat0" | awk '{ n = NF / 2;
			printf "#   "; for (i = 2; i <= 8; i++) printf "%d ", $i - $(i + n); print "" }' >&2
		diag "perf, $cand N=$count rep $rep: top symbols (self)"
		perf report --stdio -i "$BENCH_TMP/perf-$cand.data" --no-children \
			--sort dso,sym --percent-limit 0.7 -g none 2>/dev/null |
			grep -v "^#\|^$" | head -n 40 | sed 's/^/#   /' >&2
	fi
	read -r ike nchild <<< "$(established)"
	devs=$(devices)
	record b2 cand=$cand n=$count rep=$rep setup_us=$(( t1 - t0 )) \
		load_ms=$load_ms hub_cpu_ms=$hub_cpu hub_sys_ms=$hub_sys spokes_cpu_ms=$spokes_cpu \
		busy_ms=$busy ike=$ike child=$nchild states=$states devs=$devs \
		failed=$(( count - (ike < nchild ? ike : nchild) )) \
		rate=$(awk -v n="$ike" -v t=$(( t1 - t0 )) 'BEGIN { printf "%.2f", n * 1e6 / t }')
	if [ "${B2_DEBUG:-}" ]; then swanctl_ns hub --list-conns >&2; cat $BENCH_TMP/hub/swanctl.conf >&2; ls -l $BENCH_TMP/hub >&2; grep -v 'loaded\|plugin' $BENCH_TMP/hub/charon.log | tail -n 40 >&2; fi
	diag "hub: $(grep -c 'sending address list update' "$BENCH_TMP/hub/charon.log") MOBIKE address list updates sent, $(grep -c 'received retransmit' "$BENCH_TMP/hub/charon.log") retransmits received"
	for dir in hub spokes; do
		# what went wrong, for the reader of the raw file
		grep -iE 'retransmit|fail|error|unable|no .* found|not supported|CHILD_SA' "$BENCH_TMP/$dir/charon.log" |
			sort -k2 | uniq -c -f1 | sort -rn | head -n 5 | sed "s/^/# $dir: /" >&2 || true
	done
	charon_stop spokes
	charon_stop hub
	ns_del hub
	ns_del spokes
}

diag "B2 on $(uname -r): proposal $PROPOSAL, sizes $SIZES, $REPS repetitions ($REPS_LARGE at N >= 1000), charon.threads $THREADS, $(nproc) CPUs"
# The first SAs of a boot load the ESP, AEAD and cipher modules (over 9p,
# under TCG: seconds); a warm-up round that is not recorded keeps that out
# of whichever candidate would run first.
for cand in $CANDIDATES; do
	one "$cand" 10 0 > /dev/null 2>&1
done
diag "warm-up done"
for count in $SIZES; do
	reps=$REPS
	[ "$count" -ge 1000 ] && reps=$REPS_LARGE
	for (( rep = 1; rep <= reps; rep++ )); do
		for cand in $CANDIDATES; do
			t=$(now_us)
			one "$cand" "$count" "$rep"
			diag "N=$count rep $rep $cand done in $(( ($(now_us) - t) / 1000 )) ms"
		done
	done
done
