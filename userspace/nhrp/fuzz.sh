#!/bin/bash
# Runs the NHRP codec's libFuzzer target and reports one TAP line, for
# `make -C userspace test` (a fixed number of runs) and `make fuzz` (long).
#
# usage: fuzz.sh FUZZER CORPUS RUNS SECONDS SEEDS [FLAG...]
#   RUNS     executions (-runs; 0 for no limit)
#   SECONDS  the time limit (-max_total_time)
#   SEEDS    a folder whose files are copied into CORPUS first (the
#            vectors' NHRP packets; it may be empty)
#   FLAG     more libFuzzer flags, e.g. -seed=1
set -uo pipefail

fuzzer=$1 corpus=$2 runs=$3 seconds=$4 seeds=$5
shift 5
name="fuzz_nhrp: $runs runs"
if ((runs == 0)); then
	name="fuzz_nhrp: ${seconds}s"
	runs=-1		# libFuzzer's "no limit"; 0 would run nothing
fi

if [[ ! -x $fuzzer ]]; then
	echo "ok 1 - $name # SKIP no fuzzer built (clang with libFuzzer missing)"
	exit 0
fi
mkdir -p "$corpus"
find "$seeds" -maxdepth 1 -type f -exec cp -t "$corpus" {} +
log=$corpus.log
start=$SECONDS
"$fuzzer" -runs="$runs" -max_total_time="$seconds" -max_len=4096 \
	-artifact_prefix="$(dirname "$corpus")/" -print_final_stats=1 \
	"$@" "$corpus" >"$log" 2>&1
rc=$?
execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
if ((rc == 0)); then
	echo "ok 1 - $name (${execs:-?} executions in $((SECONDS - start))s, corpus $(find "$corpus" -type f | wc -l) inputs)"
else
	echo "not ok 1 - $name: the fuzzer failed (status $rc), see $log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | sed 's/^/# /'
fi
exit $rc
