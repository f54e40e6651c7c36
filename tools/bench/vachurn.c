// SPDX-License-Identifier: GPL-2.0
/*
 * vachurn: the "ours" candidate of benchmark B1 (tools/bench/b1_churn.sh).
 * It drives the flexvpn generic-netlink family directly, the way an IKE
 * daemon would: one socket, one request at a time, each acknowledged before
 * the next goes out (what `ip -batch` does for the other candidates).
 *
 *   vachurn add TEMPLATE COUNT LOCAL REMOTE_BASE
 *	COUNT FLEXVPN_CMD_ACCESS_NEW requests, remote REMOTE_BASE + i
 *	(IPv4, distinct for every device), local LOCAL
 *   vachurn del-template TEMPLATE
 *	one FLEXVPN_CMD_ACCESS_DEL filtered by FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX
 *	(the kernel deletes every matching device in one batch)
 *   vachurn del-each TEMPLATE
 *	dump the template's devices (not timed), then one ACCESS_DEL per device
 *   vachurn shape TEMPLATE COUNT PARENT RATE CEIL
 *	(benchmark B4) one TEMPLATE_SET: parent rate PARENT bit/s, ESP
 *	overhead 0; then COUNT ACCESS_SET requests, to the devices named
 *	PREFIX1..PREFIXCOUNT (PREFIX = "va"), each with a shaper nest: rate
 *	RATE, ceil CEIL (bit/s), burst and qlen automatic. RATE 0 and
 *	PARENT 0 take the shaper off.
 *   vachurn stats TEMPLATE
 *	(benchmark B4) one ACCESS_GET dump of the template's devices; prints
 *	"time_us T" (CLOCK_REALTIME) before and after it and a line per device:
 *	"dev NAME REMOTE bytes packets dropped tx_packets" (shaper counters,
 *	0 when the device is not shaped; tx_packets from the device counters)
 *
 * Prints "elapsed_ns N" for the timed part on stdout; errors as
 * "Error: <extack>" on stderr, exit 1. The requests are the project's
 * library's (userspace/lib, linked in), as the tool and the plugin send
 * them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>

#include "fvnl.h"

/* one socket for every request; requests are built in its buffer */
static struct fvnl *nl;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Send @r and read until its ack; @cb sees the replies. */
static int talk(const struct fv_request *r, mnl_cb_t cb, void *data)
{
	int err = fvnl_talk(nl, fvnl_request(nl->buf, nl->family, r), cb,
			    data);

	if (err)
		fprintf(stderr, "Error: %s\n", nl->error);
	return err;
}

static void open_family(void)
{
	nl = fvnl_open(NETLINK_GENERIC);
	if (!nl) {
		fprintf(stderr, "Error: netlink socket: %s\n", strerror(errno));
		exit(1);
	}
	if (fvnl_resolve(nl)) {
		fprintf(stderr, "Error: %s\n", nl->error);
		exit(1);
	}
}

static unsigned int ifindex_of(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "Error: no device %s\n", name);
		exit(1);
	}
	return i;
}

/* The access devices of template @t, a dump's filter */
static struct fv_access of_template(unsigned int t)
{
	return (struct fv_access){
		.present = 1U << FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX,
		.template_ifindex = t,
	};
}

static int cmd_add(const char *tmpl, unsigned long count, const char *local,
		   const char *base)
{
	struct fv_access a = {
		.present = 1U << FLEXVPN_ACCESS_A_LOCAL_IPV4 |
			   1U << FLEXVPN_ACCESS_A_REMOTE_IPV4,
	};
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_NEW,
		.ifindex = ifindex_of(tmpl),
		.access = &a,
	};
	uint32_t rbase;
	unsigned long i;
	uint64_t t0;

	if (inet_pton(AF_INET, local, &a.local.v4) != 1 ||
	    inet_pton(AF_INET, base, &a.remote.v4) != 1) {
		fprintf(stderr, "Error: LOCAL and REMOTE_BASE are IPv4 addresses\n");
		return 2;
	}
	rbase = ntohl(a.remote.v4.s_addr);
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		a.remote.v4.s_addr = htonl(rbase + i);
		if (talk(&r, NULL, NULL)) {
			fprintf(stderr, "Error: device %lu of %lu not created\n",
				i + 1, count);
			return 1;
		}
	}
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

static int cmd_del_template(const char *tmpl)
{
	struct fv_access filter = of_template(ifindex_of(tmpl));
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_DEL, .access = &filter
	};
	uint64_t t0;

	t0 = now_ns();
	if (talk(&r, NULL, NULL))
		return 1;
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

struct ifindexes {
	uint32_t *v;
	size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifindexes *ix = data;
	struct fv_access a;
	int err = fvnl_get_access(nlh, &a);

	if (err)
		return fvnl_cb_fail(err);
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? 2 * ix->cap : 1024;
		ix->v = realloc(ix->v, ix->cap * sizeof(*ix->v));
		if (!ix->v)
			return fvnl_cb_fail(-ENOMEM);
	}
	ix->v[ix->n++] = a.ifindex;
	return MNL_CB_OK;
}

static int cmd_del_each(const char *tmpl)
{
	struct fv_access filter = of_template(ifindex_of(tmpl));
	struct fv_request dump = {
		.cmd = FLEXVPN_CMD_ACCESS_GET, .dump = true, .access = &filter
	};
	struct fv_request del = { .cmd = FLEXVPN_CMD_ACCESS_DEL };
	struct ifindexes ix = { 0 };
	uint64_t t0;
	size_t i;

	if (talk(&dump, dump_cb, &ix))
		return 1;

	t0 = now_ns();
	for (i = 0; i < ix.n; i++) {
		del.ifindex = ix.v[i];
		if (talk(&del, NULL, NULL))
			return 1;
	}
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	printf("deleted %zu\n", ix.n);
	free(ix.v);
	return 0;
}

static int cmd_shape(const char *tmpl, unsigned long count, uint64_t parent,
		     uint64_t rate, uint64_t ceil)
{
	struct fv_template t = {
		.present = 1U << FLEXVPN_TMPL_A_SHAPER_RATE |
			   1U << FLEXVPN_TMPL_A_SHAPER_OVERHEAD,
		.shaper_rate = parent,
	};
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_TEMPLATE_SET,
		.ifindex = ifindex_of(tmpl),
		.tmpl = &t,
	};
	/* burst and qlen 0: automatic, the default */
	struct fv_access a = {
		.present = 1U << FLEXVPN_ACCESS_A_SHAPER,
		.shaper = {
			.present = 1U << FLEXVPN_SHAPER_A_RATE |
				   (rate ? 1U << FLEXVPN_SHAPER_A_CEIL |
					   1U << FLEXVPN_SHAPER_A_BURST |
					   1U << FLEXVPN_SHAPER_A_QLEN : 0),
			.rate = rate,
			.ceil = ceil,
		},
	};
	struct fv_request set = { .cmd = FLEXVPN_CMD_ACCESS_SET, .access = &a };
	char name[IFNAMSIZ];
	unsigned long i;
	uint64_t t0;

	t0 = now_ns();
	if (talk(&r, NULL, NULL))
		return 1;
	for (i = 1; i <= count; i++) {
		snprintf(name, sizeof(name), "va%lu", i);
		set.dev = name;
		if (talk(&set, NULL, NULL)) {
			fprintf(stderr, "Error: %s not shaped\n", name);
			return 1;
		}
	}
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	char remote[INET_ADDRSTRLEN] = "?";
	struct fv_access a;
	int err = fvnl_get_access(nlh, &a);

	(void)data;
	if (err)
		return fvnl_cb_fail(err);
	if (fv_has(a.present, FLEXVPN_ACCESS_A_REMOTE_IPV4))
		inet_ntop(AF_INET, &a.remote.v4, remote, sizeof(remote));
	printf("dev %s %s %llu %llu %llu %llu\n",
	       fv_has(a.present, FLEXVPN_ACCESS_A_IFNAME) ? a.ifname : "?",
	       remote,
	       (unsigned long long)a.shaper_stats[FLEXVPN_SHAPER_STATS_A_BYTES],
	       (unsigned long long)a.shaper_stats[FLEXVPN_SHAPER_STATS_A_PACKETS],
	       (unsigned long long)a.shaper_stats[FLEXVPN_SHAPER_STATS_A_DROPPED],
	       (unsigned long long)a.stats[FLEXVPN_STATS_A_TX_PACKETS]);
	return MNL_CB_OK;
}

static uint64_t realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

static int cmd_stats(const char *tmpl)
{
	struct fv_access filter = of_template(ifindex_of(tmpl));
	struct fv_request r = {
		.cmd = FLEXVPN_CMD_ACCESS_GET, .dump = true, .access = &filter
	};
	int ret;

	printf("time_us %llu\n", (unsigned long long)realtime_us());
	ret = talk(&r, stats_cb, NULL);
	printf("time_us %llu\n", (unsigned long long)realtime_us());
	return ret < 0;
}

static int usage(void)
{
	fprintf(stderr,
		"Usage: vachurn add TEMPLATE COUNT LOCAL REMOTE_BASE\n"
		"       vachurn del-template TEMPLATE\n"
		"       vachurn del-each TEMPLATE\n"
		"       vachurn shape TEMPLATE COUNT PARENT RATE CEIL\n"
		"       vachurn stats TEMPLATE\n");
	return 2;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc == 6 && !strcmp(argv[1], "add")) {
		open_family();
		ret = cmd_add(argv[2], strtoul(argv[3], NULL, 0), argv[4],
			      argv[5]);
	} else if (argc == 3 && !strcmp(argv[1], "del-template")) {
		open_family();
		ret = cmd_del_template(argv[2]);
	} else if (argc == 3 && !strcmp(argv[1], "del-each")) {
		open_family();
		ret = cmd_del_each(argv[2]);
	} else if (argc == 7 && !strcmp(argv[1], "shape")) {
		open_family();
		ret = cmd_shape(argv[2], strtoul(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0),
				strtoull(argv[5], NULL, 0),
				strtoull(argv[6], NULL, 0));
	} else if (argc == 3 && !strcmp(argv[1], "stats")) {
		open_family();
		ret = cmd_stats(argv[2]);
	} else {
		return usage();
	}
	fvnl_close(nl);
	return ret;
}
