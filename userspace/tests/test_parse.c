// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the command-line parsing: numbers, addresses, names,
 * keyword tables, and what whole command lines turn into (the model structs
 * and the exact usage errors).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include "model.h"
#include "parse.h"
#include "subcommands.h"
#include "tap.h"

/* The command-line parsers, each filling a model the checks look at */
static struct fv_template tmpl;
static struct fv_access acc;
static const char *dev;

typedef int parse_fn(int argc, char *argv[]);

static int tmpl_set(int argc, char *argv[])
{
	return template_set_parse(argc, argv, &tmpl);
}

static int acc_add(int argc, char *argv[])
{
	return access_add_parse(argc, argv, &acc);
}

static int acc_set(int argc, char *argv[])
{
	return access_set_parse(argc, argv, &acc);
}

static int acc_target(int argc, char *argv[])
{
	return access_target_parse(argc, argv, &dev, &acc);
}

/* Runs @fn on the words of @line; what it printed on stderr goes to *err */
static int run(parse_fn *fn, const char *line, char **err)
{
	struct words *w = words(line);
	struct capture c;
	int ret;

	capture_begin(&c, &stderr);
	ret = fn(w->argc, w->argv);
	*err = capture_end(&c);
	return ret;
}

static bool parses(parse_fn *fn, const char *line)
{
	char *err;
	int ret = run(fn, line, &err);
	bool pass = ok(!ret && !*err, "parses: %s", line);

	if (!pass)
		tap_diag("stderr", err);
	free(err);
	return pass;
}

static void fails(parse_fn *fn, const char *line, int status, const char *msg)
{
	char name[256], *err;
	int ret = run(fn, line, &err);

	snprintf(name, sizeof(name), "rejects with status %d: %s", status,
		 line);
	is_int(ret, status, name);
	snprintf(name, sizeof(name), "message for: %s", line);
	is_str(err, msg, name);
	free(err);
}

static void test_u32(void)
{
	uint32_t v = 0;

	ok(!parse_u32("1400", 68, 65535, &v) && v == 1400, "u32: decimal");
	ok(!parse_u32("68", 68, 65535, &v) && v == 68, "u32: minimum");
	ok(parse_u32("67", 68, 65535, &v) == -EINVAL, "u32: below minimum");
	ok(!parse_u32("65535", 68, 65535, &v) && v == 65535, "u32: maximum");
	ok(parse_u32("65536", 68, 65535, &v) == -EINVAL, "u32: above maximum");
	ok(!parse_u32("0x10", 0, UINT32_MAX, &v) && v == 16, "u32: hex");
	ok(!parse_u32("0XfF", 0, UINT32_MAX, &v) && v == 255, "u32: HEX");
	ok(!parse_u32("010", 0, UINT32_MAX, &v) && v == 10,
	   "u32: leading zero is decimal, not octal");
	ok(!parse_u32("4294967295", 0, UINT32_MAX, &v) && v == UINT32_MAX,
	   "u32: 2^32-1");
	ok(parse_u32("4294967296", 0, UINT32_MAX, &v) == -EINVAL,
	   "u32: 2^32 overflows");
}

static void test_number_syntax(void)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x", "0x0x5", "1.5", "abc",
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(parse_u32(bad[i], 0, UINT32_MAX, &v) == -EINVAL,
		   "number: rejects \"%s\"", bad[i]);
}

static void test_u64(void)
{
	uint64_t v = 0;

	ok(!parse_u64("18446744073709551615", &v) && v == UINT64_MAX,
	   "u64: 2^64-1");
	ok(parse_u64("18446744073709551616", &v) == -EINVAL,
	   "u64: 2^64 overflows");
	ok(!parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX,
	   "u64: hex 2^64-1");
	ok(parse_u64("0x10000000000000000", &v) == -EINVAL,
	   "u64: hex 2^64 overflows");
	ok(parse_u64("-1", &v) == -EINVAL, "u64: no wrap-around of -1");
}

static void test_msecs(void)
{
	static const struct {
		const char *s;
		uint32_t ms;
	} good[] = {
		{ "10", 10 }, { "500ms", 500 }, { "2s", 2000 }, { "2S", 2000 },
		{ "3600s", 3600000 }, { "1500MS", 1500 },
	};
	static const char *const bad[] = {
		"", "s", "9", "9ms", "0s", "3601s", "1.5s", "2 s", "2m", "-2s",
		"2sec", "99999999999999999999s",
	};
	char buf[MSECS_STRLEN];
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		ok(!parse_msecs(good[i].s, FLEXVPN_REDIRECT_INTERVAL_MIN,
				FLEXVPN_REDIRECT_INTERVAL_MAX, &v) &&
		   v == good[i].ms, "interval: \"%s\" is %u ms", good[i].s,
		   good[i].ms);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(parse_msecs(bad[i], FLEXVPN_REDIRECT_INTERVAL_MIN,
			       FLEXVPN_REDIRECT_INTERVAL_MAX, &v) == -EINVAL,
		   "interval: rejects \"%s\"", bad[i]);
	is_str(msecs_str(2000, buf), "2s", "interval printed: 2s");
	is_str(msecs_str(1500, buf), "1500ms", "interval printed: 1500ms");
	is_str(msecs_str(10, buf), "10ms", "interval printed: 10ms");
	is_str(msecs_str(3600000, buf), "3600s", "interval printed: 3600s");
}

static void test_rate(void)
{
	static const struct {
		const char *s;
		uint64_t bps;
	} good[] = {
		{ "64", 64 }, { "64bit", 64 }, { "8", FLEXVPN_SHAPER_RATE_MIN },
		{ "10kbit", 10000 }, { "10Mbit", 10000000 },
		{ "10MBIT", 10000000 }, { "2gbit", 2000000000 },
		{ "10tbit", FLEXVPN_SHAPER_RATE_MAX }, { "1bps", 8 },
		{ "1500kbps", 12000000 }, { "3mbps", 24000000 },
		{ "1gbps", 8000000000ULL }, { "0010mbit", 10000000 },
	};
	static const char *const bad[] = {
		"", "mbit", "-1mbit", "+1mbit", "1.5mbit", "10 mbit", "10mbits",
		"10m", "0x10", "0", "7", "7bit", "0bps", "10001gbit", "11tbit",
		"18446744073709551616", "99999999999999999999999999999999bit",
		"18446744073709551615bps", "2305843009213693952bps",
	};
	char buf[RATE_STRLEN];
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		ok(!parse_rate(good[i].s, &v) && v == good[i].bps,
		   "rate: \"%s\" is %" PRIu64 " bit/s", good[i].s, good[i].bps);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok(parse_rate(bad[i], &v) == -EINVAL, "rate: rejects \"%s\"",
		   bad[i]);

	is_str(rate_str(10000000, buf), "10Mbit", "rate printed: 10Mbit");
	is_str(rate_str(1500000, buf), "1500Kbit", "rate printed: 1500Kbit");
	is_str(rate_str(64, buf), "64bit", "rate printed: 64bit");
	is_str(rate_str(1234567, buf), "1234567bit",
	       "rate printed: exact rather than rounded");
	is_str(rate_str(FLEXVPN_SHAPER_RATE_MAX, buf), "10Tbit",
	       "rate printed: the largest");
	is_str(rate_str(0, buf), "0bit", "rate printed: 0");
	is_str(rate_str(UINT64_MAX, buf), "18446744073709551615bit",
	       "rate printed: 2^64-1 fits the buffer");
	ok(!parse_rate(rate_str(123456000000ULL, buf), &v) &&
	   v == 123456000000ULL, "rate: what is printed reads back");
}

static void test_size(void)
{
	uint32_t v = 0;

	ok(!parse_size("3000", 1, UINT32_MAX, &v) && v == 3000,
	   "size: bytes");
	ok(!parse_size("3000b", 1, UINT32_MAX, &v) && v == 3000,
	   "size: b");
	ok(!parse_size("4k", 1, UINT32_MAX, &v) && v == 4096, "size: k");
	ok(!parse_size("4KB", 1, UINT32_MAX, &v) && v == 4096,
	   "size: KB, any case");
	ok(!parse_size("2m", 1, UINT32_MAX, &v) && v == 2097152, "size: m");
	ok(!parse_size("2mb", 1, UINT32_MAX, &v) && v == 2097152,
	   "size: mb");
	ok(!parse_size("4095m", 1, UINT32_MAX, &v) && v == 4095U << 20,
	   "size: 4095m fits 32 bits");
	ok(parse_size("4096m", 1, UINT32_MAX, &v) == -EINVAL,
	   "size: 4096m does not");
	ok(parse_size("0", 1, UINT32_MAX, &v) == -EINVAL,
	   "size: below the minimum");
	ok(parse_size("1.5k", 1, UINT32_MAX, &v) == -EINVAL &&
	   parse_size("-1", 1, UINT32_MAX, &v) == -EINVAL &&
	   parse_size("k", 1, UINT32_MAX, &v) == -EINVAL &&
	   parse_size("1g", 1, UINT32_MAX, &v) == -EINVAL &&
	   parse_size("1kbit", 1, UINT32_MAX, &v) == -EINVAL,
	   "size: fraction, sign, no number, unknown units");
}

static void test_ip(void)
{
	union fv_ip ip;
	struct fv_ips ips = { 0 };
	uint32_t present = 0;

	ok(parse_ip("192.0.2.1", &ip) == AF_INET &&
	   ip.v4.s_addr == htonl(0xc0000201), "ip: IPv4");
	ok(parse_ip("2001:db8::1", &ip) == AF_INET6 &&
	   ip.v6.s6_addr[0] == 0x20 && ip.v6.s6_addr[15] == 1, "ip: IPv6");
	ok(parse_ip("192.0.2", &ip) == -EINVAL, "ip: short IPv4");
	ok(parse_ip("2001:db8::g", &ip) == -EINVAL, "ip: bad IPv6");
	ok(parse_ip("", &ip) == -EINVAL, "ip: empty");
	ok(!parse_ips("2001:db8::2", &ips, &present, 3, 4) &&
	   present == BIT(4), "ips: IPv6 marks the IPv6 attribute only");
	ok(!parse_ips("192.0.2.2", &ips, &present, 3, 4) &&
	   present == (BIT(3) | BIT(4)), "ips: IPv4 marks the IPv4 attribute");
}

static void test_names(void)
{
	ok(valid_prefix("va"), "prefix: \"va\"");
	ok(valid_prefix("a"), "prefix: one character");
	ok(valid_prefix("abcdefgh"), "prefix: FLEXVPN_PREFIX_MAXLEN characters");
	ok(!valid_prefix("abcdefghi"), "prefix: one too many");
	ok(!valid_prefix(""), "prefix: empty");
	ok(valid_prefix("Sp_.-9"), "prefix: every allowed kind of character");
	ok(!valid_prefix("v a") && !valid_prefix("v/a") && !valid_prefix("v:a"),
	   "prefix: blank, slash, colon");
	ok(valid_name("abcdefghijklmno", FLEXVPN_GROUP_MAXLEN) &&
	   !valid_name("abcdefghijklmnop", FLEXVPN_GROUP_MAXLEN),
	   "group name: FLEXVPN_GROUP_MAXLEN characters, not one more");
	ok(!valid_ifname(""), "ifname: empty");
	ok(valid_ifname("abcdefghijklmno"), "ifname: 15 characters");
	ok(!valid_ifname("abcdefghijklmnop"), "ifname: 16 characters");
}

static void test_choices(void)
{
	unsigned int v = 9;

	ok(!parse_choice("on", onoff_choices, &v) && v == 1, "choice: on");
	ok(!parse_choice("off", onoff_choices, &v) && v == 0, "choice: off");
	ok(parse_choice("ON", onoff_choices, &v) == -EINVAL &&
	   parse_choice("o", onoff_choices, &v) == -EINVAL,
	   "choice: no other case, no abbreviation");
	is_str(choice_word(unprotected_choices, 1), "accept",
	       "choice: the parsing table also names values");
	ok(!choice_word(onoff_choices, 7), "choice: unknown value");
}

static void test_template_set(void)
{
	if (parses(tmpl_set, "vt1 mtu auto"))
		ok(tmpl.present == BIT(FLEXVPN_TMPL_A_MTU) && !tmpl.mtu,
		   "mtu auto is MTU 0");
	if (parses(tmpl_set, "vt1 underlay none source eth0"))
		ok(tmpl.present == (BIT(FLEXVPN_TMPL_A_UNDERLAY_IFINDEX) |
				    BIT(FLEXVPN_TMPL_A_SOURCE_IFINDEX)) &&
		   !tmpl.underlay && tmpl.source == 8,
		   "underlay none is 0, source is resolved to its ifindex");
	if (parses(tmpl_set, "vt1 underlay vrf-out"))
		ok(tmpl.underlay == 7, "underlay is resolved to its ifindex");
	if (parses(tmpl_set, "vt1 local none"))
		ok(tmpl.present == (BIT(FLEXVPN_TMPL_A_LOCAL_IPV4) |
				    BIT(FLEXVPN_TMPL_A_LOCAL_IPV6)),
		   "local none clears both families");
	if (parses(tmpl_set, "vt1 local 2001:db8::1"))
		ok(tmpl.present == BIT(FLEXVPN_TMPL_A_LOCAL_IPV6),
		   "local IPv6 sets the IPv6 attribute only");
	if (parses(tmpl_set, "vt1 key none"))
		ok(tmpl.present == BIT(FLEXVPN_TMPL_A_GRE_KEY_MODE) &&
		   tmpl.key_mode == FLEXVPN_KEY_NONE, "key none is the mode");
	if (parses(tmpl_set, "vt1 key 0x2a"))
		ok(tmpl.present == BIT(FLEXVPN_TMPL_A_GRE_KEY) &&
		   tmpl.key == 42, "key N is the key alone");
	if (parses(tmpl_set, "vt1 nhrp-redirect on unprotected accept "
			     "nhrp-network-id 9 prefix spoke"))
		ok(tmpl.nhrp_redirect == 1 && tmpl.allow_unprotected == 1 &&
		   tmpl.nhrp_network_id == 9 && !strcmp(tmpl.prefix, "spoke"),
		   "nhrp and policy settings");
	if (parses(tmpl_set, "vt1 nhrp-redirect-interval 250ms"))
		ok(tmpl.present == BIT(FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL) &&
		   tmpl.nhrp_redirect_interval == 250,
		   "nhrp-redirect-interval alone, in ms");
}

static void test_template_set_errors(void)
{
	fails(tmpl_set, "vt1 mtu abc", EXIT_USAGE,
	      "Error: \"mtu\" expects a number between 68 and 65455 or "
	      "\"auto\", not \"abc\"\n");
	fails(tmpl_set, "vt1 mtu 65536", EXIT_USAGE,
	      "Error: \"mtu\" expects a number between 68 and 65455 or "
	      "\"auto\", not \"65536\"\n");
	fails(tmpl_set, "vt1 mtu", EXIT_USAGE,
	      "Error: \"mtu\" expects a number between 68 and 65455 or "
	      "\"auto\"\n");
	fails(tmpl_set, "vt1 mtu 1400 mtu 1300", EXIT_USAGE,
	      "Error: \"mtu\" given twice\n");
	fails(tmpl_set, "vt1 colour blue", EXIT_USAGE,
	      "Error: unknown keyword \"colour\"\n");
	fails(tmpl_set, "vt1 underlay nosuch", EXIT_REFUSED,
	      "Error: cannot find device \"nosuch\"\n");
	fails(tmpl_set, "vt1 nhrp-redirect yes", EXIT_USAGE,
	      "Error: \"nhrp-redirect\" expects \"on\" or \"off\", "
	      "not \"yes\"\n");
	fails(tmpl_set, "vt1 nhrp-redirect-interval 5ms", EXIT_USAGE,
	      "Error: \"nhrp-redirect-interval\" expects a time between "
	      "10ms and 3600s (\"500ms\", \"2s\"), not \"5ms\"\n");
	fails(tmpl_set, "vt1 prefix toolongprefix", EXIT_USAGE,
	      "Error: \"prefix\" expects 1 to 8 characters out of "
	      "A-Z a-z 0-9 _ . -, not \"toolongprefix\"\n");
	fails(tmpl_set, "vt1 key -1", EXIT_USAGE,
	      "Error: \"key\" expects a number between 0 and 4294967295 or "
	      "\"none\", not \"-1\"\n");
	fails(tmpl_set, "abcdefghijklmnopq mtu 1400", EXIT_USAGE,
	      "Error: \"abcdefghijklmnopq\" is not a device name "
	      "(1 to 15 characters)\n");
}

static void test_access(void)
{
	if (parses(acc_add, "vt1 remote 2001:db8::2 local 2001:db8::1 key 7 "
			    "peer-id spoke1 owner 0x1f"))
		ok(acc.present == (BIT(FLEXVPN_ACCESS_A_REMOTE_IPV6) |
				   BIT(FLEXVPN_ACCESS_A_LOCAL_IPV6) |
				   BIT(FLEXVPN_ACCESS_A_GRE_KEY) |
				   BIT(FLEXVPN_ACCESS_A_PEER_ID) |
				   BIT(FLEXVPN_ACCESS_A_OWNER)) &&
		   acc.key == 7 && acc.owner == 0x1f &&
		   !strcmp(acc.peer_id, "spoke1"), "access add: every keyword");
	fails(acc_add, "vt1 key 7", EXIT_USAGE,
	      "Error: \"remote\" is required\n");
	fails(acc_add, "vt1 remote 192.0.2.2 local 2001:db8::1", EXIT_USAGE,
	      "Error: \"local\" must be of the same family as \"remote\"\n");
	fails(acc_add, "vt1 remote 192.0.2.300", EXIT_USAGE,
	      "Error: \"remote\" expects an IPv4 or IPv6 address, "
	      "not \"192.0.2.300\"\n");
	fails(acc_set, "va1 key 7", EXIT_USAGE,
	      "Error: unknown keyword \"key\"\n");
	parses(acc_set, "va1 local 192.0.2.9");
	if (parses(acc_target, "va1"))
		ok(dev && !strcmp(dev, "va1") && !acc.present,
		   "target: a device");
	if (parses(acc_target, "owner 5 template vt1"))
		ok(!dev && acc.owner == 5 && acc.template_ifindex == 5,
		   "target: filters, the template resolved");
	if (parses(acc_target, "va1 owner 5"))
		ok(dev && has(acc.present, FLEXVPN_ACCESS_A_OWNER),
		   "target: a device and a filter");
	fails(acc_target, "template nosuch", EXIT_REFUSED,
	      "Error: cannot find device \"nosuch\"\n");
}

static int tmpl_group(int argc, char *argv[])
{
	return template_group_parse(argc, argv, &tmpl);
}

static void test_shaper_words(void)
{
	if (parses(tmpl_set, "vt1 parent-rate 1gbps access-burst 2k"))
		ok(tmpl.present == (BIT(FLEXVPN_TMPL_A_SHAPER_RATE) |
				    BIT(FLEXVPN_TMPL_A_SHAPER)) &&
		   tmpl.shaper_rate == 8000000000ULL &&
		   tmpl.shaper.present == BIT(FLEXVPN_SHAPER_A_BURST) &&
		   tmpl.shaper.burst == 2048,
		   "template set: parent-rate, and SHAPER for an access-* word");
	if (parses(acc_add, "vt1 remote 192.0.2.2 rate none"))
		ok(has(acc.present, FLEXVPN_ACCESS_A_SHAPER) &&
		   acc.shaper.present == BIT(FLEXVPN_SHAPER_A_RATE) &&
		   !acc.shaper.rate,
		   "access add: rate none overrides the template's default");
	if (parses(tmpl_group, "add vt1 gold rate 50mbit"))
		ok(tmpl.groups.count == 1 &&
		   !strcmp(tmpl.groups.v[0].name, "gold") &&
		   tmpl.groups.v[0].rate == 50000000,
		   "group add: one group");
}

static void test_shaper_errors(void)
{
	fails(tmpl_set, "vt1 parent-rate 10mbits", EXIT_USAGE,
	      "Error: \"parent-rate\" expects a rate from 8bit to 10Tbit, "
	      "such as 10mbit or 1500kbps, or \"none\", not \"10mbits\"\n");
	fails(tmpl_set, "vt1 access-rate 11tbit", EXIT_USAGE,
	      "Error: \"access-rate\" expects a rate from 8bit to 10Tbit, "
	      "such as 10mbit or 1500kbps, or \"none\", not \"11tbit\"\n");
	fails(tmpl_set, "vt1 esp-overhead 1025", EXIT_USAGE,
	      "Error: \"esp-overhead\" expects a number of bytes between 0 "
	      "and 1024, not \"1025\"\n");
	fails(acc_set, "va1 rate 0", EXIT_USAGE,
	      "Error: \"rate\" expects a rate from 8bit to 10Tbit, such as "
	      "10mbit or 1500kbps, or \"none\", not \"0\"\n");
	fails(acc_set, "va1 ceil -5mbit", EXIT_USAGE,
	      "Error: \"ceil\" expects a rate from 8bit to 10Tbit, such as "
	      "10mbit or 1500kbps, or \"none\", not \"-5mbit\"\n");
	fails(acc_add, "vt1 remote 192.0.2.2 burst 5g", EXIT_USAGE,
	      "Error: \"burst\" expects a size in bytes, such as 3000 or 4k, "
	      "or \"auto\", not \"5g\"\n");
	fails(acc_add, "vt1 remote 192.0.2.2 qlen 65537", EXIT_USAGE,
	      "Error: \"qlen\" expects a number between 1 and 65536 or "
	      "\"default\", not \"65537\"\n");
	fails(acc_set, "va1 group gold/1", EXIT_USAGE,
	      "Error: \"group\" expects a group name of 1 to 15 characters "
	      "out of A-Z a-z 0-9 _ . - or \"none\", not \"gold/1\"\n");
	fails(tmpl_group, "add vt1 gold", EXIT_USAGE,
	      "Error: \"rate\" is required\n");
	fails(tmpl_group, "set vt1 gold", EXIT_USAGE,
	      "Error: nothing to change\n");
	fails(tmpl_group, "del vt1 gold rate 1mbit", EXIT_USAGE,
	      "Error: unexpected \"rate\"\n");
	fails(tmpl_group, "move vt1 gold", EXIT_USAGE,
	      "Error: unknown command \"template group move\"\n");
	fails(tmpl_group, "add vt1", EXIT_USAGE,
	      "Error: missing arguments after \"template group add\"\n");
	fails(tmpl_group, "add vt1 a-very-long-group rate 1mbit", EXIT_USAGE,
	      "Error: \"a-very-long-group\" is not a group name of 1 to 15 "
	      "characters out of A-Z a-z 0-9 _ . -\n");
	fails(tmpl_group, "add vt1 gold rate none", EXIT_USAGE,
	      "Error: \"rate\" expects a rate from 8bit to 10Tbit, such as "
	      "10mbit or 1500kbps, not \"none\"\n");
}

static void test_peer_id_length(void)
{
	char line[512], *err;

	snprintf(line, sizeof(line), "vt1 remote 192.0.2.2 peer-id %0255d", 0);
	ok(!run(acc_add, line, &err) && strlen(acc.peer_id) == 255,
	   "peer-id: FLEXVPN_PEER_ID_MAXLEN bytes");
	free(err);
	snprintf(line, sizeof(line), "vt1 remote 192.0.2.2 peer-id %0256d", 0);
	ok(run(acc_add, line, &err) == EXIT_USAGE,
	   "peer-id: 256 bytes is one too many");
	free(err);
}

int main(void)
{
	test_msecs();
	test_u32();
	test_number_syntax();
	test_u64();
	test_rate();
	test_size();
	test_ip();
	test_names();
	test_choices();
	test_template_set();
	test_template_set_errors();
	test_access();
	test_peer_id_length();
	test_shaper_words();
	test_shaper_errors();
	return tap_done();
}
