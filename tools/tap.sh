# TAP counting shared by selftests/run.sh (in the guest) and tools/check.sh
# (host tests), and TAP writing for host tests in sh or bash; sourced, not
# run. The rules are docs/testing.md's: one line per test case at the start
# of a line, "ok N - name", "not ok N - name", "ok N - name # SKIP reason";
# "1..0 # SKIP reason" skips a whole program.

TAP_N=0
TAP_FAILED=0

# tap_result STATUS NAME: one test case, passed when STATUS is 0.
tap_result() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# tap_done: the plan line, last; returns non-zero when any case failed.
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}

# tap_skip NAME REASON: one test case that could not run.
tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

# tap_count FILE NAME
# Prints "PASSED FAILED SKIPPED" on the first line, then "skip NAME: LINE"
# for every skipped test and "fail NAME: LINE" for every failed one.
tap_count() {
	awk -v name="$2" '
	function directive(line, word) {
		return tolower(line) ~ ("#[ \t]*" word)
	}
	/^ok([ \t]|$)/ {
		if (directive($0, "skip")) { skip++; detail[++n] = "skip " name ": " $0 }
		else pass++
		next
	}
	/^not ok([ \t]|$)/ {
		if (directive($0, "skip")) { skip++; detail[++n] = "skip " name ": " $0 }
		else { fail++; detail[++n] = "fail " name ": " $0 }
		next
	}
	/^1\.\.0([ \t]|$)/ && directive($0, "skip") {
		skip++; detail[++n] = "skip " name ": " $0
		next
	}
	/^Bail out!/ {
		fail++; detail[++n] = "fail " name ": " $0
	}
	END {
		print pass + 0, fail + 0, skip + 0
		for (i = 1; i <= n; i++) print detail[i]
	}' "$1"
}

# tap_collect FILE NAME DIR
# tap_count FILE NAME, with each skipped and failed test appended to
# DIR/skips and DIR/failures (selftests/run.sh's results); prints
# "PASSED FAILED SKIPPED".
tap_collect() {
	tap_count "$1" "$2" | {
		IFS= read -r counts
		while IFS= read -r line; do
			case $line in
			"skip "*) echo "${line#skip }" >>"$3/skips" ;;
			"fail "*) echo "${line#fail }" >>"$3/failures" ;;
			esac
		done
		echo "$counts"
	}
}
