// SPDX-License-Identifier: GPL-2.0
/*
 * udpblast: the traffic of benchmark B4 (tools/bench/b4_shaper.sh). UDP
 * datagrams of a fixed payload, round-robin over COUNT consecutive IPv4
 * destinations, sent with sendmmsg() from one socket, at a total rate in
 * packets per second (paced in small batches) or flat out, for a time.
 *
 *   udpblast SRC FIRST_DST COUNT PAYLOAD PPS SECONDS [STRIDE]
 *	SRC        local address to bind (port chosen by the kernel); 0.0.0.0
 *	           lets each route choose the source
 *	FIRST_DST  destination i (0..COUNT-1) is FIRST_DST + i * STRIDE, port 9
 *	PPS        total packets per second; 0 = as fast as it can
 *	STRIDE     1 by default; B6 uses 256, a /24 per destination
 *
 * The socket's send buffer is made large (SO_SNDBUFFORCE, 256 MiB) and sends
 * do not wait (MSG_DONTWAIT): packets waiting in a shaper's queue hold the
 * socket's memory, and a sender that blocked on them would offer only what
 * the shaper lets through. Sends that fail (EAGAIN, ENOBUFS) are counted
 * and not retried: the offered rate stays what was asked.
 * Prints "sent N failed N elapsed_us N" on stdout when done.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000ull, ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct sockaddr_in src = { .sin_family = AF_INET }, *dst;
	unsigned long count, payload, pps, secs, stride = 1, i, next = 0;
	uint64_t t0, end, sent = 0, failed = 0;
	uint32_t first;
	struct in_addr a;
	char *data;
	int fd, sndbuf = 256 << 20;

	if ((argc != 7 && argc != 8) ||
	    inet_pton(AF_INET, argv[1], &src.sin_addr) != 1) {
		fprintf(stderr, "Usage: udpblast SRC FIRST_DST COUNT PAYLOAD PPS SECONDS [STRIDE]\n");
		return 2;
	}

	if (inet_pton(AF_INET, argv[2], &a) != 1) {
		fprintf(stderr, "Error: FIRST_DST is an IPv4 address\n");
		return 2;
	}
	first = ntohl(a.s_addr);
	count = strtoul(argv[3], NULL, 0);
	payload = strtoul(argv[4], NULL, 0);
	pps = strtoul(argv[5], NULL, 0);
	secs = strtoul(argv[6], NULL, 0);
	if (argc == 8)
		stride = strtoul(argv[7], NULL, 0);
	if (!count || !stride || payload > 65000) {
		fprintf(stderr, "Error: COUNT >= 1, STRIDE >= 1, PAYLOAD <= 65000\n");
		return 2;
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		perror("Error: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	dst = calloc(count, sizeof(*dst));
	data = calloc(1, payload ? payload : 1);
	if (!dst || !data) {
		perror("Error: calloc");
		return 1;
	}
	for (i = 0; i < count; i++) {
		dst[i].sin_family = AF_INET;
		dst[i].sin_port = htons(9);
		dst[i].sin_addr.s_addr = htonl(first + i * stride);
	}
	iov.iov_base = data;
	iov.iov_len = payload;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_namelen = sizeof(*dst);
	}

	t0 = now_ns();
	end = t0 + secs * 1000000000ull;
	for (;;) {
		uint64_t now = now_ns(), due;
		unsigned int n, k;
		int r;

		if (now >= end)
			break;
		if (pps) {
			due = (now - t0) * pps / 1000000000ull;
			if (due <= sent) {
				/* the next packet's time, at least 200 µs away */
				uint64_t at = t0 + (sent + 1) * 1000000000ull / pps;

				sleep_ns(at > now + 200000 ? at - now : 200000);
				continue;
			}
			n = due - sent > BATCH ? BATCH : due - sent;
		} else {
			n = BATCH;
		}
		for (k = 0; k < n; k++) {
			msgs[k].msg_hdr.msg_name = &dst[next];
			if (++next == count)
				next = 0;
		}
		r = sendmmsg(fd, msgs, n, MSG_DONTWAIT);
		if (r < 0)
			r = 0;
		sent += r;
		if ((unsigned int)r < n) {
			/* message r failed (counted, not retried); the ones
			 * after it were not tried: they go out next time
			 */
			failed++;
			sent++;
			next = (next + count - (n - r - 1) % count) % count;
		}
	}
	printf("sent %llu failed %llu elapsed_us %llu\n",
	       (unsigned long long)sent, (unsigned long long)failed,
	       (unsigned long long)((now_ns() - t0) / 1000));
	return 0;
}
