# SPDX-License-Identifier: GPL-2.0
#
# TAP for the host tests written in shell (test_cli.sh, test_completion.sh),
# sourced: `result STATUS NAME` prints one test case, `tap_done` the plan,
# returning non-zero when any case failed. $n counts the cases.

n=0
failed=0

result() { # STATUS NAME: passes when STATUS is 0
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

tap_done() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
