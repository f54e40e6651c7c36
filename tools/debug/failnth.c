// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: runs a command with its N-th fault-injection point armed
 * (/proc/PID/fail-nth, Documentation/fault-injection/fault-injection.rst)
 * and says whether that point was reached. tools/debug/faults.sh drives it.
 *
 *   failnth FILE N CMD [ARG...]
 *
 * The child writes N to its own fail-nth and execs CMD: the counter
 * survives exec, and the stack filter faults.sh sets up keeps the exec's
 * own allocations from counting. When the child has exited, and before it
 * is reaped (its /proc entry lives until then), the counter's remainder
 * goes to FILE: 0 means the N-th point was reached and failed, anything
 * else that CMD passed fewer than N points. Exit status: CMD's (128 + the
 * signal when it was killed), 125 when failnth itself failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(int argc, char **argv)
{
	char path[64], remain[32] = "";
	siginfo_t si;
	FILE *out;
	pid_t pid;
	int fd, n;

	if (argc < 4) {
		fprintf(stderr, "usage: failnth FILE N CMD [ARG...]\n");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("failnth: fork");
		return 125;
	}
	if (pid == 0) {
		if (write_file("/proc/thread-self/fail-nth", argv[2])) {
			fprintf(stderr, "failnth: cannot arm fail-nth: %s\n", strerror(errno));
			_exit(125);
		}
		execvp(argv[3], argv + 3);
		fprintf(stderr, "failnth: %s: %s\n", argv[3], strerror(errno));
		_exit(125);
	}

	/* wait, but leave the zombie: its fail-nth is still readable */
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0) {
		if (errno != EINTR) {
			perror("failnth: waitid");
			return 125;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/fail-nth", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, remain, sizeof(remain) - 1);
		remain[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	waitpid(pid, NULL, 0);

	out = fopen(argv[1], "w");
	if (!out || !remain[0] || fputs(remain, out) == EOF || fclose(out)) {
		fprintf(stderr, "failnth: cannot pass on %s\n", path);
		return 125;
	}
	if (si.si_code == CLD_EXITED)
		return si.si_status;
	return 128 + si.si_status;
}
