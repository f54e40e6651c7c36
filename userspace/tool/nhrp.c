// SPDX-License-Identifier: GPL-2.0
/*
 * `flexvpn nhrp show|flush`: the NHRP cache, which the charon plugin keeps,
 * asked over its control socket (nhrp_ctl.h). The socket's abstract name
 * belongs to the network namespace, so the tool reaches the charon of its
 * own namespace, as it reaches the module of its own.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "nhrp_cache.h"
#include "nhrp_ctl.h"
#include "print.h"
#include "subcommands.h"

/* How long one connect, send or read may take: a stuck charon can't hang us */
#define CTL_TIMEOUT_S 5
/* The name as ss(8) shows an abstract one */
#define CTL_ADDR "@" NHRP_CTL_NAME
#define CTL_CHUNK 4096

/* Why talking to the plugin failed, as the exit status */
static int ctl_fail(int err)
{
	if (err == ECONNREFUSED || err == ENOENT)
		return errorf(EXIT_REFUSED,
			      "no charon with the flexvpn plugin's NHRP cache answers in this network namespace (%s: %s)",
			      CTL_ADDR, strerror(err));
	if (err == EAGAIN || err == EWOULDBLOCK)
		return errorf(EXIT_REFUSED, "%s did not answer within %d s",
			      CTL_ADDR, CTL_TIMEOUT_S);
	return errorf(EXIT_REFUSED, "%s: %s", CTL_ADDR, strerror(err));
}

/* The socket connected to the plugin in *@fd, or the exit status */
static int ctl_connect(int *fd)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 +
			strlen(NHRP_CTL_NAME);
	int err;

	/* sun_path[0] stays '\0': the name is abstract, len ends it */
	memcpy(sun.sun_path + 1, NHRP_CTL_NAME, strlen(NHRP_CTL_NAME));
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return ctl_fail(errno);
	if (!setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) &&
	    !setsockopt(*fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) &&
	    !connect(*fd, (struct sockaddr *)&sun, len))
		return 0;
	err = errno;
	close(*fd);
	return ctl_fail(err);
}

/* The last line received is "end": the answer is whole */
static bool ctl_ended(const char *buf, size_t len)
{
	return len >= 5 && !memcmp(buf + len - 5, "\nend\n", 5);
}

/*
 * Everything the server sends, until "end" or until it closes, into *@text
 * (NUL-terminated, free it) and *@len; returns the exit status.
 */
static int ctl_read(int fd, char **text, size_t *len)
{
	size_t cap = 0;
	ssize_t n;
	char *p;

	*text = NULL;
	*len = 0;
	for (;;) {
		if (cap - *len < CTL_CHUNK + 1) {
			cap = cap ? 2 * cap : 2 * CTL_CHUNK;
			p = realloc(*text, cap);
			if (!p)
				return ctl_fail(ENOMEM);
			*text = p;
		}
		n = recv(fd, *text + *len, CTL_CHUNK, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ctl_fail(errno);
		*len += n;
		if (!n || ctl_ended(*text, *len))
			break;
	}
	(*text)[*len] = '\0';
	return 0;
}

/*
 * Sends the command line @cmd and reads the answer into @a, whose strings
 * point into *@text (free both, whatever this returns). Returns the exit
 * status, after printing what went wrong, the server's "error" included.
 */
static int ctl_ask(const char *cmd, char **text, struct nhrp_answer *a)
{
	size_t len = strlen(cmd);
	int fd, ret, err;
	ssize_t n;

	memset(a, 0, sizeof(*a));
	*text = NULL;
	ret = ctl_connect(&fd);
	if (ret)
		return ret;
	n = send(fd, cmd, len, MSG_NOSIGNAL);
	if (n < 0)
		ret = ctl_fail(errno);
	else if ((size_t)n != len)
		ret = ctl_fail(EIO);
	else
		ret = ctl_read(fd, text, &len);
	close(fd);
	if (ret)
		return ret;
	err = nhrp_answer_parse(*text, len, a);
	if (err == -EPROTONOSUPPORT)
		return errorf(EXIT_REFUSED, "unsupported protocol on %s: %s",
			      CTL_ADDR, a->why);
	if (err == -ENOMEM)
		return ctl_fail(ENOMEM);
	if (err)
		return errorf(EXIT_REFUSED, "malformed answer from %s: %s",
			      CTL_ADDR, a->why);
	if (a->error)
		return errorf(EXIT_REFUSED, "%s", a->error);
	return 0;
}

/* `nhrp show` and `nhrp flush`: their one line, then the answer printed */
static int nhrp_run(int argc, char *argv[], const char *cmd, bool flush)
{
	struct nhrp_answer a;
	struct out o;
	char *text;
	int ret;

	if (argc)
		return errorf(EXIT_USAGE, "unexpected \"%s\"", argv[0]);
	ret = ctl_ask(cmd, &text, &a);
	if (!ret && flush && !a.flushed)
		ret = errorf(EXIT_REFUSED,
			     "malformed answer from %s: no \"flushed\" line",
			     CTL_ADDR);
	if (!ret) {
		out_init(&o, stdout);
		if (flush)
			print_nhrp_flushed(&o, a.flushed_count);
		else
			print_nhrp(&o, a.v, a.count);
	}
	nhrp_answer_free(&a);
	free(text);
	return ret;
}

int nhrp_show(int argc, char *argv[])
{
	return nhrp_run(argc, argv, "show\n", false);
}

int nhrp_flush(int argc, char *argv[])
{
	return nhrp_run(argc, argv, "flush\n", true);
}
