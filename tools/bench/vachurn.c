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
 * "Error: <extack>" on stderr, exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../uapi/linux/flexvpn.h"

static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t seq, portid;
/* requests are small; replies and dump parts fit in 32 KiB */
#define VACHURN_BUFSIZE 32768
static char buf[VACHURN_BUFSIZE];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "Error: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Print the kernel's extack message verbatim when there is one. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const char *msg = NULL;

	if (err->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*err);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&err->msg);
		mnl_attr_for_each(attr, nlh, off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
				msg = mnl_attr_get_str(attr);
		}
	}
	fprintf(stderr, "Error: %s\n", msg ? msg : strerror(-err->error));
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/* Send @nlh and read until its ack; @cb sees the data messages. */
static int talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char rbuf[VACHURN_BUFSIZE];
	ssize_t n;
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send");
	do {
		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0)
			die("receive");
		ret = mnl_cb_run2(rbuf, n, seq, portid, cb, data, ctl_cb,
				  NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret;
}

static struct nlmsghdr *genl_start(uint16_t type, uint8_t cmd, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : FLEXVPN_GENL_VERSION;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			family_id = mnl_attr_get_u16(attr);
	}
	return MNL_CB_OK;
}

static void open_family(void)
{
	struct nlmsghdr *nlh;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(nl);

	nlh = genl_start(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FLEXVPN_GENL_NAME);
	if (talk(nlh, family_cb, NULL) < 0 || !family_id) {
		fprintf(stderr, "Error: genl family %s not found (module not loaded?)\n",
			FLEXVPN_GENL_NAME);
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

static int cmd_add(const char *tmpl, unsigned long count, const char *local,
		   const char *base)
{
	struct in_addr l, r;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int t = ifindex_of(tmpl);
	uint32_t rbase;
	unsigned long i;
	uint64_t t0;

	if (inet_pton(AF_INET, local, &l) != 1 ||
	    inet_pton(AF_INET, base, &r) != 1) {
		fprintf(stderr, "Error: LOCAL and REMOTE_BASE are IPv4 addresses\n");
		return 2;
	}
	rbase = ntohl(r.s_addr);
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_NEW, 0);
		mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, t);
		nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
		r.s_addr = htonl(rbase + i);
		mnl_attr_put(nlh, FLEXVPN_ACCESS_A_LOCAL_IPV4, 4, &l);
		mnl_attr_put(nlh, FLEXVPN_ACCESS_A_REMOTE_IPV4, 4, &r);
		mnl_attr_nest_end(nlh, nest);
		if (talk(nlh, NULL, NULL) < 0) {
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
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int t = ifindex_of(tmpl);
	uint64_t t0;

	nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_DEL, 0);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX, t);
	mnl_attr_nest_end(nlh, nest);
	t0 = now_ns();
	if (talk(nlh, NULL, NULL) < 0)
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
	struct nlattr *attr, *a;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != FLEXVPN_A_ACCESS)
			continue;
		mnl_attr_for_each_nested(a, attr) {
			if (mnl_attr_get_type(a) != FLEXVPN_ACCESS_A_IFINDEX)
				continue;
			if (ix->n == ix->cap) {
				ix->cap = ix->cap ? 2 * ix->cap : 1024;
				ix->v = realloc(ix->v, ix->cap * sizeof(*ix->v));
				if (!ix->v)
					die("realloc");
			}
			ix->v[ix->n++] = mnl_attr_get_u32(a);
		}
	}
	return MNL_CB_OK;
}

static int cmd_del_each(const char *tmpl)
{
	struct ifindexes ix = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int t = ifindex_of(tmpl);
	uint64_t t0;
	size_t i;

	nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_GET, NLM_F_DUMP);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX, t);
	mnl_attr_nest_end(nlh, nest);
	if (talk(nlh, dump_cb, &ix) < 0)
		return 1;

	t0 = now_ns();
	for (i = 0; i < ix.n; i++) {
		nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_DEL, 0);
		mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, ix.v[i]);
		if (talk(nlh, NULL, NULL) < 0)
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
	struct nlmsghdr *nlh;
	struct nlattr *nest, *sh;
	unsigned int t = ifindex_of(tmpl);
	char name[IFNAMSIZ];
	unsigned long i;
	uint64_t t0;

	t0 = now_ns();
	nlh = genl_start(family_id, FLEXVPN_CMD_TEMPLATE_SET, 0);
	mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, t);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_TEMPLATE);
	mnl_attr_put_u64(nlh, FLEXVPN_TMPL_A_SHAPER_RATE, parent);
	mnl_attr_put_u32(nlh, FLEXVPN_TMPL_A_SHAPER_OVERHEAD, 0);
	mnl_attr_nest_end(nlh, nest);
	if (talk(nlh, NULL, NULL) < 0)
		return 1;
	for (i = 1; i <= count; i++) {
		snprintf(name, sizeof(name), "va%lu", i);
		nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_SET, 0);
		mnl_attr_put_strz(nlh, FLEXVPN_A_IFNAME, name);
		nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
		sh = mnl_attr_nest_start(nlh, FLEXVPN_ACCESS_A_SHAPER);
		mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_A_RATE, rate);
		if (rate) {
			mnl_attr_put_u64(nlh, FLEXVPN_SHAPER_A_CEIL, ceil);
			mnl_attr_put_u32(nlh, FLEXVPN_SHAPER_A_BURST, 0);
			mnl_attr_put_u32(nlh, FLEXVPN_SHAPER_A_QLEN, 0);
		}
		mnl_attr_nest_end(nlh, sh);
		mnl_attr_nest_end(nlh, nest);
		if (talk(nlh, NULL, NULL) < 0) {
			fprintf(stderr, "Error: %s not shaped\n", name);
			return 1;
		}
	}
	printf("elapsed_ns %llu\n", (unsigned long long)(now_ns() - t0));
	return 0;
}

static uint64_t nested_u64(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == type)
			return mnl_attr_get_u64(a);
	}
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr, *a;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		const char *name = "?";
		char remote[INET_ADDRSTRLEN] = "?";
		uint64_t bytes = 0, packets = 0, dropped = 0, tx = 0;

		if (mnl_attr_get_type(attr) != FLEXVPN_A_ACCESS)
			continue;
		mnl_attr_for_each_nested(a, attr) {
			switch (mnl_attr_get_type(a)) {
			case FLEXVPN_ACCESS_A_IFNAME:
				name = mnl_attr_get_str(a);
				break;
			case FLEXVPN_ACCESS_A_REMOTE_IPV4:
				inet_ntop(AF_INET, mnl_attr_get_payload(a),
					  remote, sizeof(remote));
				break;
			case FLEXVPN_ACCESS_A_STATS:
				tx = nested_u64(a, FLEXVPN_STATS_A_TX_PACKETS);
				break;
			case FLEXVPN_ACCESS_A_SHAPER_STATS:
				bytes = nested_u64(a, FLEXVPN_SHAPER_STATS_A_BYTES);
				packets = nested_u64(a, FLEXVPN_SHAPER_STATS_A_PACKETS);
				dropped = nested_u64(a, FLEXVPN_SHAPER_STATS_A_DROPPED);
				break;
			}
		}
		printf("dev %s %s %llu %llu %llu %llu\n", name, remote,
		       (unsigned long long)bytes, (unsigned long long)packets,
		       (unsigned long long)dropped, (unsigned long long)tx);
	}
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
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int t = ifindex_of(tmpl);
	int ret;

	nlh = genl_start(family_id, FLEXVPN_CMD_ACCESS_GET, NLM_F_DUMP);
	nest = mnl_attr_nest_start(nlh, FLEXVPN_A_ACCESS);
	mnl_attr_put_u32(nlh, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX, t);
	mnl_attr_nest_end(nlh, nest);
	printf("time_us %llu\n", (unsigned long long)realtime_us());
	ret = talk(nlh, stats_cb, NULL);
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
	mnl_socket_close(nl);
	return ret;
}
