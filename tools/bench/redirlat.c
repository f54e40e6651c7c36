// SPDX-License-Identifier: GPL-2.0
/*
 * redirlat: the listeners of benchmark B6 (tools/bench/b6_redirect.sh), for
 * both candidates of the NHRP redirect trigger:
 *
 *   genl   the flexvpn family's "events" group, FLEXVPN_CMD_REDIRECT
 *          messages (the in-kernel trigger, kmod/redirect.c)
 *   nflog  an NFLOG group (NETLINK_NETFILTER, NFULNL_CFG_CMD_BIND, packet
 *          copy of 128 bytes): FRR nhrpd's way, behind its documented
 *          iptables rule
 *
 *   redirlat listen MODE [GROUP]
 *	subscribe in the current namespace and read until SIGTERM/SIGINT;
 *	prints "events N" (messages of the candidate's kind) when stopped
 *   redirlat latency MODE HUB_NS SPOKES_NS WAN FIRST_DST STRIDE COUNT [GROUP]
 *	the listener socket and a packet socket on WAN (incoming IPv4, with
 *	kernel receive timestamps) in the hub's namespace
 *	(/run/netns/HUB_NS), a UDP socket in the spokes' one; then for each
 *	pair i = 0..COUNT-1 in turn: one UDP datagram to FIRST_DST +
 *	i * STRIDE (port 9), and wait (at most 1 s) for the listener thread,
 *	blocked in poll() like a daemon, to read the trigger naming that
 *	destination. One line per pair:
 *	  "pair I send_us S arrive_us A" (S: CLOCK_MONOTONIC from just before
 *	  sendto() to the listener's wake-up with the message read; A:
 *	  CLOCK_REALTIME from the packet's arrival on the hub's WAN, its
 *	  SO_TIMESTAMPNS, to the same wake-up; -1 when the packet socket saw
 *	  nothing), or "pair I missing".
 *
 * The packet socket sees the GRE packet from the spoke: outer IPv4 (20
 * bytes, no options), GRE without key (4 bytes), then the inner IPv4 whose
 * destination names the pair.
 *
 * Both listeners read through the project's library (userspace/lib, linked
 * in), the plugin's way: the same socket code for both candidates.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>

#include "fvnl.h"

#define NFLOG_COPY 128

static struct fvnl *nl;
static int nflog;		/* mode: 0 genl, 1 nflog */

static void die(const char *what)
{
	fprintf(stderr, "Error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ------------------------------------------------------------ setup */

static void open_bus(int bus)
{
	nl = fvnl_open(bus);
	if (!nl)
		die("netlink socket");
}

/* Send @nlh and read the answer up to the ack. */
static void talk(struct nlmsghdr *nlh)
{
	if (fvnl_talk(nl, nlh, NULL, NULL)) {
		fprintf(stderr, "Error: %s\n", nl->error);
		exit(1);
	}
}

static void open_genl(void)
{
	open_bus(NETLINK_GENERIC);
	if (fvnl_resolve(nl) || fvnl_subscribe(nl)) {
		fprintf(stderr, "Error: %s\n", nl->error);
		exit(1);
	}
}

static struct nlmsghdr *nflog_cfg(char *req, uint16_t group)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(group);
	return nlh;
}

/* What nhrpd does: bind the group, copy the packet (128 bytes here). */
static void open_nflog(uint16_t group)
{
	struct nfulnl_msg_config_cmd cmd = { .command = NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = {
		.copy_range = htonl(NFLOG_COPY),
		.copy_mode = NFULNL_COPY_PACKET,
	};
	char req[256];
	struct nlmsghdr *nlh;

	open_bus(NETLINK_NETFILTER);
	nlh = nflog_cfg(req, group);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(cmd), &cmd);
	talk(nlh);
	nlh = nflog_cfg(req, group);
	mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
	talk(nlh);
}

static void open_listener(const char *mode, const char *group)
{
	if (!strcmp(mode, "genl")) {
		open_genl();
	} else if (!strcmp(mode, "nflog")) {
		nflog = 1;
		open_nflog(group ? atoi(group) : 1);
	} else {
		fprintf(stderr, "Error: MODE is genl or nflog\n");
		exit(2);
	}
}

/* ------------------------------------------------------------ reading */

/* What a datagram's messages name: a callback per destination, a count */
struct events {
	void (*fn)(uint32_t dst);
	int count;
};

static void event(struct events *ev, uint32_t dst)
{
	if (!dst)
		return;
	ev->count++;
	if (ev->fn)
		ev->fn(dst);
}

/* The inner IPv4 destination of each message (0 when none). */
static int dst_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fv_redirect r;
	struct nlattr *attr;
	uint32_t dst = 0;

	if (!nflog) {
		if (fvnl_cmd(nlh) == FLEXVPN_CMD_REDIRECT &&
		    !fvnl_get_redirect(nlh, &r) &&
		    fv_has(r.present, FLEXVPN_REDIRECT_A_DST_IPV4))
			memcpy(&dst, &r.dst.v4, 4);
		event(data, dst);
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(struct nfgenmsg)) {
		const uint8_t *p = mnl_attr_get_payload(attr);

		if (mnl_attr_get_type(attr) == NFULA_PAYLOAD &&
		    mnl_attr_get_payload_len(attr) >= 20 && (p[0] >> 4) == 4)
			memcpy(&dst, p + 16, 4);
	}
	event(data, dst);
	return MNL_CB_OK;
}

/*
 * Read what is there; @fn(dst) for every message naming a destination.
 * Returns the number of such messages.
 */
static int read_events(void (*fn)(uint32_t dst))
{
	struct events ev = { .fn = fn };
	int err = fvnl_recv(nl, dst_cb, &ev);

	if (err == -EAGAIN || err == -EINTR || err == -ENOBUFS)
		return 0;
	return err ? -1 : ev.count;
}

/* ------------------------------------------------------------ listen */

static volatile sig_atomic_t stop;
static void on_signal(int sig) { stop = 1; }

static int cmd_listen(const char *mode, const char *group)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd;
	unsigned long events = 0;
	int n;

	open_listener(mode, group);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pfd.fd = fvnl_fd(nl);
	pfd.events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (poll(&pfd, 1, -1) <= 0)
			continue;
		n = read_events(NULL);
		if (n < 0)
			die("read events");
		events += n;
	}
	printf("events %lu\n", events);
	return 0;
}

/* ------------------------------------------------------------ latency */

static uint32_t first_dst, stride;
static unsigned long count;
static uint64_t *got_mono, *got_real;	/* per pair, 0 = not yet */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static long pair_of(uint32_t dst_be)
{
	uint32_t d = ntohl(dst_be);

	if (d < first_dst || (d - first_dst) % stride ||
	    (d - first_dst) / stride >= count)
		return -1;
	return (d - first_dst) / stride;
}

static void on_event(uint32_t dst)
{
	uint64_t mono = clock_ns(CLOCK_MONOTONIC), real = clock_ns(CLOCK_REALTIME);
	long i = pair_of(dst);

	if (i < 0)
		return;
	pthread_mutex_lock(&lock);
	if (!got_mono[i]) {
		got_mono[i] = mono;
		got_real[i] = real;
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&lock);
}

static void *listener(void *arg)
{
	struct pollfd pfd = { .fd = fvnl_fd(nl), .events = POLLIN };

	for (;;)
		if (poll(&pfd, 1, -1) > 0 && read_events(on_event) < 0)
			die("read events");
	return NULL;
}

static void enter_ns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		die(path);
	close(fd);
}

static int open_tap(const char *wan)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
	};
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0)
		die("packet socket");
	sll.sll_ifindex = if_nametoindex(wan);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind the packet socket");
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		die("SO_TIMESTAMPNS");
	return fd;
}

/* The arrival time (ns, CLOCK_REALTIME) of pair @i's packet at the hub, 0 if
 * not seen; reads what the packet socket holds. */
static uint64_t arrival(int tap, long i)
{
	uint64_t found = 0;
	uint8_t pkt[256];
	char cbuf[256];

	for (;;) {
		struct iovec iov = { pkt, sizeof(pkt) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		uint64_t ts = 0;
		uint32_t dst;
		ssize_t n = recvmsg(tap, &msg, MSG_DONTWAIT);

		if (n < 0)
			return found;
		/* outer IPv4 20, GRE 4, inner IPv4: destination at 16 */
		if (n < 20 + 4 + 20 || pkt[9] != IPPROTO_GRE)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec t;

				memcpy(&t, CMSG_DATA(c), sizeof(t));
				ts = (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
			}
		memcpy(&dst, pkt + 20 + 4 + 16, 4);
		if (pair_of(dst) == i && !found)
			found = ts;
	}
}

static int cmd_latency(char **argv, int argc)
{
	const char *mode = argv[0], *hub = argv[1], *spokes = argv[2], *wan = argv[3];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	char payload[32] = "b6 redirect probe";
	struct in_addr a;
	pthread_t th;
	int tap, udp;
	long i;

	if (inet_pton(AF_INET, argv[4], &a) != 1)
		return 2;
	first_dst = ntohl(a.s_addr);
	stride = strtoul(argv[5], NULL, 0);
	count = strtoul(argv[6], NULL, 0);
	if (!stride || !count)
		return 2;
	got_mono = calloc(count, sizeof(*got_mono));
	got_real = calloc(count, sizeof(*got_real));

	enter_ns(hub);
	open_listener(mode, argc > 7 ? argv[7] : NULL);
	tap = open_tap(wan);
	enter_ns(spokes);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp < 0)
		die("udp socket");
	if (pthread_create(&th, NULL, listener, NULL))
		die("listener thread");
	usleep(100000);	/* the thread is in poll() */

	for (i = 0; i < (long)count; i++) {
		struct timespec until;
		uint64_t t0, arr;
		int rc = 0;

		to.sin_addr.s_addr = htonl(first_dst + i * stride);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		t0 = clock_ns(CLOCK_MONOTONIC);
		if (sendto(udp, payload, sizeof(payload), 0,
			   (struct sockaddr *)&to, sizeof(to)) < 0)
			die("sendto");
		pthread_mutex_lock(&lock);
		while (!got_mono[i] && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&cond, &lock, &until);
		pthread_mutex_unlock(&lock);
		arr = arrival(tap, i);
		if (!got_mono[i]) {
			printf("pair %ld missing\n", i);
			continue;
		}
		printf("pair %ld send_us %.1f arrive_us %.1f\n", i,
		       (got_mono[i] - t0) / 1e3,
		       arr ? ((int64_t)(got_real[i] - arr)) / 1e3 : -1.0);
		fflush(stdout);
		usleep(5000);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: redirlat listen genl|nflog [GROUP]\n"
		"       redirlat latency genl|nflog HUB_NS SPOKES_NS WAN FIRST_DST STRIDE COUNT [GROUP]\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "listen"))
		return cmd_listen(argv[2], argc == 4 ? argv[3] : NULL);
	if ((argc == 9 || argc == 10) && !strcmp(argv[1], "latency"))
		return cmd_latency(argv + 2, argc - 2);
	return usage();
}
