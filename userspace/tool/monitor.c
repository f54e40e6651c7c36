// SPDX-License-Identifier: GPL-2.0
/*
 * `flexvpn monitor`: one line per access device appearing ("new") or
 * disappearing ("del"), and per NHRP redirect trigger ("redirect"), until
 * SIGINT or SIGTERM.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "netlink.h"
#include "print.h"
#include "subcommands.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static const char *event_name(int cmd)
{
	switch (cmd) {
	case FLEXVPN_CMD_ACCESS_NEW:
		return "new";
	case FLEXVPN_CMD_ACCESS_DEL:
		return "del";
	}
	return NULL;
}

/*
 * Each line is flushed at once: monitor is read through pipes. Events of a
 * newer module are skipped.
 */
static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const char *event = event_name(nl_cmd(nlh));
	struct fv_redirect r;
	struct fv_access a;
	int err;

	if (nl_cmd(nlh) == FLEXVPN_CMD_REDIRECT) {
		err = nl_get_redirect(nlh, &r);
		if (err)
			return nl_cb_fail(err);
		print_redirect(data, &r);
		fflush(stdout);
		return MNL_CB_OK;
	}
	if (!event)
		return MNL_CB_OK;
	err = nl_get_access(nlh, &a);
	if (err)
		return nl_cb_fail(err);
	print_access(data, &a, event, false);
	fflush(stdout);
	return MNL_CB_OK;
}

/*
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so one arriving
 * while a line is printed is seen at the next wait instead of being lost
 * between the check of @stopping and a blocking read.
 */
static int catch_signals(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &block, waitmask))
		return errorf(EXIT_REFUSED, "signals: %s", strerror(errno));
	return 0;
}

/*
 * A receive-buffer overrun loses events, but not the ones after it. A
 * wake-up with nothing to read (-EAGAIN) is no error.
 */
static int monitor_loop(struct fvnl *s, struct out *o, const sigset_t *mask)
{
	struct pollfd pfd = { .fd = fvnl_fd(s), .events = POLLIN };
	int err;

	while (!stopping) {
		if (ppoll(&pfd, 1, NULL, mask) < 0) {
			if (errno == EINTR)
				continue;
			return errorf(EXIT_REFUSED, "poll: %s", strerror(errno));
		}
		err = fvnl_recv(s, monitor_cb, o);
		if (err == -ENOBUFS)
			fprintf(stderr, "Warning: events were lost\n");
		else if (err && err != -EAGAIN)
			return errorf(EXIT_REFUSED, "%s", s->error);
	}
	return 0;
}

/* JSON stays compact even with -p: the contract is one event per line */
int monitor_main(int argc, char *argv[])
{
	struct fvnl *s;
	sigset_t mask;
	struct out o;
	int ret;

	if (argc)
		return errorf(EXIT_USAGE, "unexpected \"%s\"", argv[0]);
	out_init(&o, stdout);
	o.j.pretty = false;
	s = nl_open();
	if (!s)
		return EXIT_REFUSED;
	ret = fvnl_subscribe(s) ? errorf(EXIT_REFUSED, "%s", s->error) :
	      catch_signals(&mask) ?: monitor_loop(s, &o, &mask);
	fvnl_close(s);
	return ret;
}
