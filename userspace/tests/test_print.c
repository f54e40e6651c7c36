// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the output: the text lines of docs/cli.md, their JSON
 * twins, escaping, absent fields, lists and pretty printing; the NHRP
 * cache's table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "nhrp_cache.h"
#include "print.h"
#include "tap.h"

static struct fv_template example_template(void)
{
	struct fv_template t = {
		.present = BIT(FLEXVPN_TMPL_A_IFINDEX) |
			   BIT(FLEXVPN_TMPL_A_IFNAME) |
			   BIT(FLEXVPN_TMPL_A_MTU) |
			   BIT(FLEXVPN_TMPL_A_MTU_EFFECTIVE) |
			   BIT(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX) |
			   BIT(FLEXVPN_TMPL_A_SOURCE_IFINDEX) |
			   BIT(FLEXVPN_TMPL_A_LOCAL_IPV4) |
			   BIT(FLEXVPN_TMPL_A_LOCAL_IPV6) |
			   BIT(FLEXVPN_TMPL_A_GRE_KEY_MODE) |
			   BIT(FLEXVPN_TMPL_A_GRE_KEY) |
			   BIT(FLEXVPN_TMPL_A_NHRP_NETWORK_ID) |
			   BIT(FLEXVPN_TMPL_A_NHRP_REDIRECT) |
			   BIT(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL) |
			   BIT(FLEXVPN_TMPL_A_ALLOW_UNPROTECTED) |
			   BIT(FLEXVPN_TMPL_A_NAME_PREFIX) |
			   BIT(FLEXVPN_TMPL_A_ACCESS_COUNT),
		.ifindex = 5,
		.nhrp_redirect_interval = FLEXVPN_REDIRECT_INTERVAL_DEFAULT,
		.ifname = "vt1",
		.mtu_effective = 1418,
		.key_mode = FLEXVPN_KEY_NONE,
		.prefix = "va",
		.access_count = 2,
	};

	inet_pton(AF_INET, "192.0.2.1", &t.local.v4);
	return t;
}

static struct fv_access example_access(void)
{
	struct fv_access a = {
		.present = BIT(FLEXVPN_ACCESS_A_IFINDEX) |
			   BIT(FLEXVPN_ACCESS_A_IFNAME) |
			   BIT(FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX) |
			   BIT(FLEXVPN_ACCESS_A_REMOTE_IPV4) |
			   BIT(FLEXVPN_ACCESS_A_LOCAL_IPV4) |
			   BIT(FLEXVPN_ACCESS_A_PEER_ID) |
			   BIT(FLEXVPN_ACCESS_A_OWNER) |
			   BIT(FLEXVPN_ACCESS_A_STATS),
		.ifindex = 10,
		.ifname = "va1",
		.template_ifindex = 5,
		.peer_id = "spoke1.example",
		.owner = 1,
	};

	inet_pton(AF_INET, "192.0.2.2", &a.remote.v4);
	inet_pton(AF_INET, "192.0.2.1", &a.local.v4);
	a.stats[FLEXVPN_STATS_A_RX_PACKETS] = 10;
	a.stats[FLEXVPN_STATS_A_RX_BYTES] = 840;
	a.stats[FLEXVPN_STATS_A_TX_PACKETS] = 10;
	a.stats[FLEXVPN_STATS_A_TX_BYTES] = 840;
	return a;
}

/* Output in memory: begin, print, end */
struct render {
	struct out out;
	FILE *f;
	char *buf;
	size_t len;
};

static struct out *render_begin(struct render *r, enum out_mode mode)
{
	r->f = open_memstream(&r->buf, &r->len);
	out_mode = mode;
	out_init(&r->out, r->f);
	return &r->out;
}

static char *render_end(struct render *r)
{
	fclose(r->f);
	return r->buf;
}

static void check(struct render *r, const char *want, const char *name)
{
	char *got = render_end(r);

	is_str(got, want, name);
	free(got);
}

static void test_template(void)
{
	struct fv_template t = example_template();
	struct render r;

	print_template(render_begin(&r, OUT_TEXT), &t);
	check(&r, "vt1: mtu 1418 (auto) underlay none source none "
		  "local 192.0.2.1 key none nhrp-network-id 0 "
		  "nhrp-redirect off nhrp-redirect-interval 2s "
		  "unprotected drop prefix va access 2\n",
	      "template: the text line of cli.md");
	print_template(render_begin(&r, OUT_JSON), &t);
	check(&r, "{\"ifname\":\"vt1\",\"mtu\":1418,\"mtu_auto\":true,"
		  "\"underlay\":null,\"source\":null,\"local\":\"192.0.2.1\","
		  "\"key\":null,\"nhrp_network_id\":0,"
		  "\"nhrp_redirect\":false,\"nhrp_redirect_interval_ms\":2000,"
		  "\"unprotected\":\"drop\","
		  "\"prefix\":\"va\",\"access\":2}\n",
	      "template: its JSON twin");
}

/* Everything set the other way: names, numbers, two local addresses */
static struct fv_template other_template(void)
{
	struct fv_template t = example_template();

	t.mtu = t.mtu_effective = 1400;
	t.underlay = 7;
	t.source = 99;
	inet_pton(AF_INET6, "2001:db8::1", &t.local.v6);
	t.key_mode = FLEXVPN_KEY_FIXED;
	t.key = 42;
	t.nhrp_network_id = 9;
	t.nhrp_redirect = 1;
	t.nhrp_redirect_interval = 1500;
	t.allow_unprotected = 1;
	return t;
}

static void test_template_other(void)
{
	struct fv_template t = other_template();
	struct render r;

	print_template(render_begin(&r, OUT_TEXT), &t);
	check(&r, "vt1: mtu 1400 underlay vrf-out source 99 "
		  "local 192.0.2.1 local 2001:db8::1 key 42 "
		  "nhrp-network-id 9 nhrp-redirect on "
		  "nhrp-redirect-interval 1500ms unprotected accept "
		  "prefix va access 2\n",
	      "template: fixed MTU, unknown ifindex, both families, a key");
	print_template(render_begin(&r, OUT_JSON), &t);
	check(&r, "{\"ifname\":\"vt1\",\"mtu\":1400,\"mtu_auto\":false,"
		  "\"underlay\":\"vrf-out\",\"source\":\"99\","
		  "\"local\":\"192.0.2.1\",\"local6\":\"2001:db8::1\","
		  "\"key\":42,\"nhrp_network_id\":9,"
		  "\"nhrp_redirect\":true,\"nhrp_redirect_interval_ms\":1500,"
		  "\"unprotected\":\"accept\","
		  "\"prefix\":\"va\",\"access\":2}\n",
	      "template: the same in JSON");
}

static void test_template_sparse(void)
{
	struct fv_template t = {
		.present = BIT(FLEXVPN_TMPL_A_IFINDEX), .ifindex = 5
	};
	struct render r;

	print_template(render_begin(&r, OUT_TEXT), &t);
	check(&r, "vt1:\n",
	      "template: what an old module didn't send is left out");
	print_template(render_begin(&r, OUT_JSON), &t);
	check(&r, "{\"ifname\":\"vt1\"}\n", "template: the same in JSON");
}

static void shaper_stats(uint64_t *st, uint64_t base)
{
	int i;

	for (i = FLEXVPN_SHAPER_STATS_A_PACKETS;
	     i <= FLEXVPN_SHAPER_STATS_A_BORROWED; i++)
		st[i] = base + i;
	st[FLEXVPN_SHAPER_STATS_A_RATE_NOW] = 15000000;
}

static struct fv_template shaped_template(void)
{
	struct fv_template t = {
		.present = BIT(FLEXVPN_TMPL_A_IFNAME) |
			   BIT(FLEXVPN_TMPL_A_SHAPER_RATE) |
			   BIT(FLEXVPN_TMPL_A_SHAPER_OVERHEAD) |
			   BIT(FLEXVPN_TMPL_A_SHAPER) |
			   BIT(FLEXVPN_TMPL_A_SHAPER_STATS) |
			   BIT(FLEXVPN_TMPL_A_SHAPER_GROUP),
		.ifname = "vt1",
		.shaper_rate = 100000000,
		.shaper_overhead = 36,
		.shaper = {
			.present = BIT(FLEXVPN_SHAPER_A_RATE) |
				   BIT(FLEXVPN_SHAPER_A_CEIL) |
				   BIT(FLEXVPN_SHAPER_A_BURST) |
				   BIT(FLEXVPN_SHAPER_A_QLEN) |
				   BIT(FLEXVPN_SHAPER_A_GROUP),
			.rate = 10000000, .ceil = 20000000, .qlen = 128,
		},
		.groups = { 1, { {
			.present = BIT(FLEXVPN_GROUP_A_NAME) |
				   BIT(FLEXVPN_GROUP_A_RATE) |
				   BIT(FLEXVPN_GROUP_A_CEIL) |
				   BIT(FLEXVPN_GROUP_A_MEMBERS) |
				   BIT(FLEXVPN_GROUP_A_STATS),
			.name = "gold", .rate = 50000000, .ceil = 100000000,
			.members = 3,
		} } },
	};

	shaper_stats(t.shaper_stats, 0);
	shaper_stats(t.groups.v[0].stats, 10);
	return t;
}

static void test_template_shaper(void)
{
	struct fv_template t = shaped_template();
	struct render r;

	print_template(render_begin(&r, OUT_TEXT), &t);
	check(&r, "vt1:\n"
		  "    shaper parent-rate 100Mbit esp-overhead 36 "
		  "access-rate 10Mbit access-ceil 20Mbit access-burst auto "
		  "access-qlen 128 access-group none\n"
		  "    shaper sent bytes 2 packets 1 dropped 3 overlimits 4 "
		  "backlog 5p 6b borrowed 7 rate-now 15Mbit stalled-ns 0\n"
		  "    group gold rate 50Mbit ceil 100Mbit members 3\n"
		  "    group gold sent bytes 12 packets 11 dropped 13 "
		  "overlimits 14 backlog 15p 16b borrowed 17 rate-now 15Mbit stalled-ns 0\n",
	      "template: the shaper, its counters, a group");
	print_template(render_begin(&r, OUT_JSON), &t);
	check(&r, "{\"ifname\":\"vt1\",\"parent_rate\":100000000,"
		  "\"esp_overhead\":36,\"access_shaper\":{\"rate\":10000000,"
		  "\"ceil\":20000000,\"burst\":null,\"qlen\":128,"
		  "\"group\":null},\"shaper_stats\":{\"bytes\":2,"
		  "\"packets\":1,\"dropped\":3,\"overlimits\":4,"
		  "\"backlog_packets\":5,\"backlog_bytes\":6,\"borrowed\":7,"
		  "\"rate_now\":15000000,\"stalled_ns\":0},\"groups\":[{\"name\":\"gold\","
		  "\"rate\":50000000,\"ceil\":100000000,\"members\":3,"
		  "\"stats\":{\"bytes\":12,\"packets\":11,\"dropped\":13,"
		  "\"overlimits\":14,\"backlog_packets\":15,"
		  "\"backlog_bytes\":16,\"borrowed\":17,"
		  "\"rate_now\":15000000,\"stalled_ns\":0}}]}\n",
	      "template: the shaper in JSON");

	t.shaper_rate = 0;
	t.present &= ~(BIT(FLEXVPN_TMPL_A_SHAPER_STATS) |
		       BIT(FLEXVPN_TMPL_A_SHAPER));
	t.groups.count = 0;
	print_template(render_begin(&r, OUT_TEXT), &t);
	check(&r, "vt1:\n    shaper parent-rate none esp-overhead 36\n",
	      "template: no parent limit, no groups");
	print_template(render_begin(&r, OUT_JSON), &t);
	check(&r, "{\"ifname\":\"vt1\",\"parent_rate\":null,"
		  "\"esp_overhead\":36,\"groups\":[]}\n",
	      "template: null parent rate, an empty group list in JSON");
}

static void test_access_shaper(void)
{
	struct fv_access a = example_access();
	struct render r;

	a.present = (a.present & ~BIT(FLEXVPN_ACCESS_A_STATS)) |
		    BIT(FLEXVPN_ACCESS_A_SHAPER) |
		    BIT(FLEXVPN_ACCESS_A_SHAPER_STATS);
	a.shaper = (struct fv_shaper){
		.present = BIT(FLEXVPN_SHAPER_A_RATE) |
			   BIT(FLEXVPN_SHAPER_A_CEIL) |
			   BIT(FLEXVPN_SHAPER_A_BURST) |
			   BIT(FLEXVPN_SHAPER_A_QLEN) |
			   BIT(FLEXVPN_SHAPER_A_GROUP),
		.rate = 10000000, .ceil = 20000000, .burst = 3000,
		.qlen = 128, .group = "gold",
	};
	shaper_stats(a.shaper_stats, 0);
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n"
		  "    shaper rate 10Mbit ceil 20Mbit burst 3000 qlen 128 "
		  "group gold\n"
		  "    shaper sent bytes 2 packets 1 dropped 3 overlimits 4 "
		  "backlog 5p 6b borrowed 7 rate-now 15Mbit stalled-ns 0\n",
	      "access show: the shaper lines");
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n",
	      "access list: no shaper lines");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null,"
		  "\"shaper\":{\"rate\":10000000,\"ceil\":20000000,"
		  "\"burst\":3000,\"qlen\":128,\"group\":\"gold\"},"
		  "\"shaper_stats\":{\"bytes\":2,\"packets\":1,\"dropped\":3,"
		  "\"overlimits\":4,\"backlog_packets\":5,"
		  "\"backlog_bytes\":6,\"borrowed\":7,"
		  "\"rate_now\":15000000,\"stalled_ns\":0}}\n",
	      "access show: the shaper in JSON");
	a.shaper.rate = 0;
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n",
	      "access show: not shaped, no shaper lines");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null,"
		  "\"shaper\":null}\n",
	      "access show: not shaped is \"shaper\": null");
}

static void test_access_text(void)
{
	struct fv_access a = example_access();
	struct render r;

	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n",
	      "access list: the line of cli.md");
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n"
		  "    rx packets 10 bytes 840 unprotected 0 policy 0 invalid 0\n"
		  "    tx packets 10 bytes 840 no-route 0 too-big 0 invalid 0 unprotected 0\n",
	      "access show: the lines of cli.md");
	print_access(render_begin(&r, OUT_TEXT), &a, "new", false);
	check(&r, "new va1 template vt1 remote 192.0.2.2 local 192.0.2.1 "
		  "key none peer-id spoke1.example owner 0x1\n",
	      "monitor: an event line");
	print_new_access(render_begin(&r, OUT_TEXT), &a);
	check(&r, "va1\n", "access add: the name alone");
	a.present |= BIT(FLEXVPN_ACCESS_A_TEMPLATE_IFNAME);
	strcpy(a.template_ifname, "vt-old");
	a.template_ifindex = 99;
	print_access(render_begin(&r, OUT_JSON), &a, "del", false);
	check(&r, "{\"event\":\"del\",\"ifname\":\"va1\","
		  "\"template\":\"vt-old\",\"remote\":\"192.0.2.2\","
		  "\"local\":\"192.0.2.1\",\"key\":null,"
		  "\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null}\n",
	      "access: the template's name as the kernel sent it");
}

static void test_access_json(void)
{
	struct fv_access a = example_access();
	struct render r;
	int i;

	for (i = 1; i <= FLEXVPN_STATS_A_TX_INVALID; i++)
		a.stats[i] = i;
	a.stats[FLEXVPN_STATS_A_TX_UNPROTECTED] = 12;
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null,"
		  "\"stats\":{\"rx_packets\":1,\"rx_bytes\":2,"
		  "\"rx_unprotected\":5,\"rx_policy\":6,\"rx_invalid\":7,"
		  "\"tx_packets\":3,\"tx_bytes\":4,\"tx_no_route\":8,"
		  "\"tx_too_big\":9,\"tx_invalid\":10,\"tx_unprotected\":12}}\n",
	      "access show: JSON, each counter under its key");
	print_access(render_begin(&r, OUT_JSON), &a, "del", false);
	check(&r, "{\"event\":\"del\",\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null}\n",
	      "monitor: a JSON event on one line");
	print_new_access(render_begin(&r, OUT_JSON), &a);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null}\n",
	      "access add: the whole device in JSON");
}

static void test_access_sparse(void)
{
	struct fv_access a = {
		.present = BIT(FLEXVPN_ACCESS_A_IFINDEX) |
			   BIT(FLEXVPN_ACCESS_A_REMOTE_IPV6) |
			   BIT(FLEXVPN_ACCESS_A_GRE_KEY) |
			   BIT(FLEXVPN_ACCESS_A_OWNER),
		.ifindex = 77,
		.key = 4294967295U,
		.owner = UINT64_MAX,
	};
	struct render r;

	inet_pton(AF_INET6, "2001:db8::2", &a.remote.v6);
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "77 remote 2001:db8::2 local none key 4294967295 "
		  "peer-id none owner 0xffffffffffffffff\n",
	      "access: no name, IPv6, no local, the largest key and owner");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"77\",\"remote\":\"2001:db8::2\","
		  "\"local\":null,\"key\":4294967295,\"peer_id\":null,"
		  "\"owner\":18446744073709551615,\"ike_sa\":null}\n",
	      "access: the same in JSON");
}

/* A learned route: @oif, the plugin's protocol unless @proto */
static struct fv_route route(const char *prefix, uint32_t oif, uint8_t proto)
{
	struct fv_route r = {
		.protocol = proto ? proto : FLEXVPN_RTPROT,
		.type = RTN_UNICAST, .table = 254, .oif = oif,
	};
	char ip[INET6_ADDRSTRLEN];
	unsigned int plen;

	sscanf(prefix, "%45[^/]/%u", ip, &plen);
	r.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	r.plen = plen;
	inet_pton(r.family, ip, &r.dst);
	return r;
}

static void test_access_routes(void)
{
	struct fv_access a = example_access();
	struct fv_route v[] = {
		route("203.0.113.16/28", 10, 0),
		route("198.51.100.0/24", 11, 0),	/* another device */
		route("192.0.2.128/25", 10, 4),		/* static, not learned */
		route("2001:db8:201::/64", 10, 0),
	};
	struct fv_routes rs = { ARRAY_SIZE(v), ARRAY_SIZE(v), v };
	struct render r;

	a.present &= ~BIT(FLEXVPN_ACCESS_A_STATS);
	a.routes = &rs;
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n"
		  "    routes 203.0.113.16/28 2001:db8:201::/64\n",
	      "access show: the routes learned through the device");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,"
		  "\"ike_sa\":null,"
		  "\"routes\":[\"203.0.113.16/28\",\"2001:db8:201::/64\"]}\n",
	      "access show: the routes in JSON");
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n",
	      "access list: no routes line");
	a.ifindex = 12;
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, true);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x1\n    routes none\n",
	      "access show: no learned routes is \"routes none\"");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, true);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,"
		  "\"ike_sa\":null,\"routes\":[]}\n",
	      "access show: no learned routes is an empty array");
}

static void test_access_ike_sa(void)
{
	struct fv_access a = example_access();
	struct render r;

	a.present &= ~BIT(FLEXVPN_ACCESS_A_STATS);
	a.owner = 0x5357414e00000003ULL;
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x5357414e00000003 ike-sa 3\n",
	      "access: the plugin's owner shows its IKE_SA");
	print_access(render_begin(&r, OUT_JSON), &a, "new", false);
	check(&r, "{\"event\":\"new\",\"ifname\":\"va1\","
		  "\"template\":\"vt1\",\"remote\":\"192.0.2.2\","
		  "\"local\":\"192.0.2.1\",\"key\":null,"
		  "\"peer_id\":\"spoke1.example\","
		  "\"owner\":6005340431385100291,\"ike_sa\":3}\n",
	      "access: JSON \"ike_sa\" of the plugin's owner");
	a.owner = 0x5357414f00000003ULL;
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id spoke1.example owner 0x5357414f00000003\n",
	      "access: another tag is no IKE_SA");
}

/* A peer chooses its identity: nothing in it may drive the terminal */
static void test_escaping(void)
{
	struct fv_access a = example_access();
	struct render r;

	strcpy(a.peer_id, "C=CH, CN=\"x\\y\"\n\x01\x7f");
	print_access(render_begin(&r, OUT_TEXT), &a, NULL, false);
	check(&r, "va1 template vt1 remote 192.0.2.2 local 192.0.2.1 key none "
		  "peer-id C=CH, CN=\"x\\y\"\\x0a\\x01\\x7f owner 0x1\n",
	      "text: control characters as \\xNN");
	print_access(render_begin(&r, OUT_JSON), &a, NULL, false);
	check(&r, "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,"
		  "\"peer_id\":\"C=CH, CN=\\\"x\\\\y\\\"\\n\\u0001\\u007f\","
		  "\"owner\":1,\"ike_sa\":null}\n",
	      "JSON: quotes, backslashes and control characters escaped");
}

static void test_lists(void)
{
	struct fv_access a = example_access();
	struct render r;
	struct out *o;

	o = render_begin(&r, OUT_JSON);
	out_list_begin(o);
	out_list_end(o, true);
	check(&r, "[]\n", "list: nothing found is an empty array");
	o = render_begin(&r, OUT_JSON);
	out_list_begin(o);
	out_list_end(o, false);
	check(&r, "", "list: a refused request prints no array");
	o = render_begin(&r, OUT_TEXT);
	out_list_begin(o);
	out_list_end(o, true);
	check(&r, "", "list: text prints nothing for nothing");
	a.present &= ~BIT(FLEXVPN_ACCESS_A_STATS);
	o = render_begin(&r, OUT_JSON);
	out_list_begin(o);
	print_access(o, &a, NULL, true);
	a.present &= ~BIT(FLEXVPN_ACCESS_A_OWNER);
	print_access(o, &a, NULL, true);
	out_list_end(o, true);
	check(&r, "[{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\",\"owner\":1,\"ike_sa\":null},"
		  "{\"ifname\":\"va1\",\"template\":\"vt1\","
		  "\"remote\":\"192.0.2.2\",\"local\":\"192.0.2.1\","
		  "\"key\":null,\"peer_id\":\"spoke1.example\"}]\n",
	      "list: two objects, one array");
}

static void test_pretty(void)
{
	struct fv_access a = example_access();
	struct render r;
	struct out *o;

	o = render_begin(&r, OUT_JSON_PRETTY);
	out_list_begin(o);
	print_access(o, &a, NULL, true);
	out_list_end(o, true);
	check(&r, "[\n"
		  "  {\n"
		  "    \"ifname\": \"va1\",\n"
		  "    \"template\": \"vt1\",\n"
		  "    \"remote\": \"192.0.2.2\",\n"
		  "    \"local\": \"192.0.2.1\",\n"
		  "    \"key\": null,\n"
		  "    \"peer_id\": \"spoke1.example\",\n"
		  "    \"owner\": 1,\n"
		  "    \"ike_sa\": null,\n"
		  "    \"stats\": {\n"
		  "      \"rx_packets\": 10,\n"
		  "      \"rx_bytes\": 840,\n"
		  "      \"rx_unprotected\": 0,\n"
		  "      \"rx_policy\": 0,\n"
		  "      \"rx_invalid\": 0,\n"
		  "      \"tx_packets\": 10,\n"
		  "      \"tx_bytes\": 840,\n"
		  "      \"tx_no_route\": 0,\n"
		  "      \"tx_too_big\": 0,\n"
		  "      \"tx_invalid\": 0,\n"
		  "      \"tx_unprotected\": 0\n"
		  "    }\n"
		  "  }\n"
		  "]\n",
	      "pretty JSON: two-space indentation, one member a line");
	o = render_begin(&r, OUT_JSON_PRETTY);
	out_list_begin(o);
	out_list_end(o, true);
	check(&r, "[]\n", "pretty JSON: an empty array stays on one line");
}

/* A redirect trigger as `monitor` prints it; ifindex 99 names nothing */
static void test_redirect(void)
{
	struct fv_redirect rd = {
		.present = BIT(FLEXVPN_REDIRECT_A_IFINDEX_IN) |
			   BIT(FLEXVPN_REDIRECT_A_IFINDEX_OUT) |
			   BIT(FLEXVPN_REDIRECT_A_NETWORK_ID) |
			   BIT(FLEXVPN_REDIRECT_A_SRC_IPV4) |
			   BIT(FLEXVPN_REDIRECT_A_DST_IPV4) |
			   BIT(FLEXVPN_REDIRECT_A_PACKET) |
			   BIT(FLEXVPN_REDIRECT_A_PACKET_LEN),
		.ifindex_in = 7,
		.ifindex_out = 99,
		.network_id = 5,
		.packet = { 3, { 0x45, 0x00, 0x0a } },
		.packet_len = 1400,
	};
	struct render r;

	inet_pton(AF_INET, "10.1.0.2", &rd.src.v4);
	inet_pton(AF_INET, "10.2.0.2", &rd.dst.v4);
	print_redirect(render_begin(&r, OUT_TEXT), &rd);
	check(&r, "redirect vrf-out -> 99 network-id 5 src 10.1.0.2 "
		  "dst 10.2.0.2 len 1400 packet 45000a\n",
	      "redirect: the text line of cli.md");
	print_redirect(render_begin(&r, OUT_JSON), &rd);
	check(&r, "{\"event\":\"redirect\",\"in\":\"vrf-out\","
		  "\"out\":\"99\",\"ifindex_in\":7,\"ifindex_out\":99,"
		  "\"network_id\":5,\"src\":\"10.1.0.2\","
		  "\"dst\":\"10.2.0.2\",\"packet_len\":1400,"
		  "\"packet\":\"45000a\"}\n",
	      "redirect: its JSON twin");
}

static const struct nhrp_entry nhrp_example[] = {
	{ "dynamic", "203.0.113.32/28", "va3", "198.18.2.1", "203.0.113.33",
	  true, 117, 1 },
	{ "incomplete", "2001:db8:301::/64", "va12", NULL, NULL, true, 3, -1 },
	{ "local", "203.0.113.16/28", "va1", "198.18.1.1", "203.0.113.17",
	  true, 7200, 0 },
	{ "failed", "203.0.113.48/28", "va3", NULL, NULL, false, 0, -1 },
};

static void test_nhrp_text(void)
{
	struct render r;

	print_nhrp(render_begin(&r, OUT_TEXT), nhrp_example,
		   ARRAY_SIZE(nhrp_example));
	check(&r, "TYPE        PREFIX             DEVICE  NBMA        PROTOCOL      EXPIRES  USED\n"
		  "dynamic     203.0.113.32/28    va3     198.18.2.1  203.0.113.33  1m57s    used\n"
		  "incomplete  2001:db8:301::/64  va12    -           -             3s       -\n"
		  "local       203.0.113.16/28    va1     198.18.1.1  203.0.113.17  2h0m0s   idle\n"
		  "failed      203.0.113.48/28    va3     -           -             -        -\n",
	      "nhrp show: columns as wide as their widest value");
	print_nhrp(render_begin(&r, OUT_TEXT), NULL, 0);
	check(&r, "TYPE  PREFIX  DEVICE  NBMA  PROTOCOL  EXPIRES  USED\n",
	      "nhrp show: an empty cache is the header alone");
}

static void test_nhrp_expires(void)
{
	static const struct {
		uint64_t secs;
		const char *text;
	} cases[] = {
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m0s" }, { 3599, "59m59s" },
		{ 3600, "1h0m0s" }, { 90061, "25h1m1s" },
		{ UINT64_MAX, "5124095576030431h0m15s" },
	};
	struct nhrp_entry e = { .has_expires = true, .used = -1 };
	char want[64], *got;
	struct render r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		e.expires = cases[i].secs;
		print_nhrp(render_begin(&r, OUT_TEXT), &e, 1);
		got = render_end(&r);
		snprintf(want, sizeof(want), "\n-     -       -       -     -         %s  ",
			 cases[i].text);
		if (!ok(strstr(got, want), "nhrp show: %" PRIu64 "s as %s",
			cases[i].secs, cases[i].text))
			tap_diag("got ", got);
		free(got);
	}
}

static void test_nhrp_json(void)
{
	struct render r;

	print_nhrp(render_begin(&r, OUT_JSON), nhrp_example, 2);
	check(&r, "[{\"type\":\"dynamic\",\"prefix\":\"203.0.113.32/28\","
		  "\"device\":\"va3\",\"nbma\":\"198.18.2.1\","
		  "\"protocol\":\"203.0.113.33\",\"expires\":117,"
		  "\"used\":true},"
		  "{\"type\":\"incomplete\",\"prefix\":\"2001:db8:301::/64\","
		  "\"device\":\"va12\",\"nbma\":null,\"protocol\":null,"
		  "\"expires\":3,\"used\":null}]\n",
	      "nhrp show -j: an array, null for \"-\"");
	print_nhrp(render_begin(&r, OUT_JSON), nhrp_example + 2, 2);
	check(&r, "[{\"type\":\"local\",\"prefix\":\"203.0.113.16/28\","
		  "\"device\":\"va1\",\"nbma\":\"198.18.1.1\","
		  "\"protocol\":\"203.0.113.17\",\"expires\":7200,"
		  "\"used\":false},"
		  "{\"type\":\"failed\",\"prefix\":\"203.0.113.48/28\","
		  "\"device\":\"va3\",\"nbma\":null,\"protocol\":null,"
		  "\"expires\":null,\"used\":null}]\n",
	      "nhrp show -j: idle is false, no expiry null");
	print_nhrp(render_begin(&r, OUT_JSON), NULL, 0);
	check(&r, "[]\n", "nhrp show -j: an empty cache is []");
}

static void test_nhrp_flushed(void)
{
	struct render r;

	print_nhrp_flushed(render_begin(&r, OUT_TEXT), 3);
	check(&r, "flushed 3 entries\n", "nhrp flush: the count");
	print_nhrp_flushed(render_begin(&r, OUT_TEXT), 1);
	check(&r, "flushed 1 entry\n", "nhrp flush: one entry");
	print_nhrp_flushed(render_begin(&r, OUT_TEXT), 0);
	check(&r, "flushed 0 entries\n", "nhrp flush: none");
	print_nhrp_flushed(render_begin(&r, OUT_JSON), 3);
	check(&r, "{\"flushed\":3}\n", "nhrp flush -j");
}

int main(void)
{
	test_redirect();
	test_template();
	test_template_other();
	test_template_sparse();
	test_template_shaper();
	test_access_shaper();
	test_access_text();
	test_access_json();
	test_access_sparse();
	test_access_routes();
	test_access_ike_sa();
	test_escaping();
	test_lists();
	test_pretty();
	test_nhrp_text();
	test_nhrp_expires();
	test_nhrp_json();
	test_nhrp_flushed();
	return tap_done();
}
