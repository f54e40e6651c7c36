// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the learned routes: decoding an RTM_NEWROUTE, which
 * routes are kept and through which device, how a prefix is written, and
 * the plugin's owner handles.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "model.h"
#include "rtnl.h"
#include "tap.h"

/* An RTM_NEWROUTE as the kernel dumps it */
static struct nlmsghdr *newroute(char *buf, int family, const char *dst,
				 int plen, int proto, int type, uint32_t table,
				 uint32_t oif)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct in6_addr a;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm->rtm_family = family;
	rtm->rtm_dst_len = plen;
	rtm->rtm_protocol = proto;
	rtm->rtm_type = type;
	rtm->rtm_table = table < 256 ? table : RT_TABLE_COMPAT;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (dst) {
		inet_pton(family, dst, &a);
		mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, &a);
	}
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, oif);
	return nlh;
}

static void test_decode(void)
{
	char buf[512], s[ROUTE_STRLEN];
	struct fv_route r;

	is_int(rtnl_get_route(newroute(buf, AF_INET, "203.0.113.16", 28,
				       FLEXVPN_RTPROT, RTN_UNICAST, 254, 10),
			      &r), 0, "decode: an IPv4 route");
	is_str(route_str(&r, s), "203.0.113.16/28", "decode: its prefix");
	is_int(r.oif, 10, "decode: its device");
	is_int(r.table, 254, "decode: its table");
	is_int(route_learned(&r), 1, "decode: learned");
	is_int(rtnl_get_route(newroute(buf, AF_INET6, "2001:db8:201::", 64,
				       FLEXVPN_RTPROT, RTN_UNICAST, 1000, 10),
			      &r), 0, "decode: an IPv6 route");
	is_str(route_str(&r, s), "2001:db8:201::/64", "decode: its prefix");
	is_int(r.table, 1000, "decode: a table above 255 from RTA_TABLE");
	is_int(rtnl_get_route(newroute(buf, AF_INET, NULL, 0, FLEXVPN_RTPROT,
				       RTN_UNICAST, 254, 10), &r),
	       0, "decode: a default route");
	is_str(route_str(&r, s), "0.0.0.0/0", "decode: written 0.0.0.0/0");
	is_int(rtnl_get_route(newroute(buf, AF_INET, "10.0.0.0", 33,
				       FLEXVPN_RTPROT, RTN_UNICAST, 254, 10),
			      &r), -EBADMSG, "decode: a prefix too long");
	newroute(buf, AF_INET, "10.0.0.0", 8, 4, RTN_UNICAST, 254, 10);
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_DELROUTE;
	is_int(rtnl_get_route((struct nlmsghdr *)buf, &r), -EBADMSG,
	       "decode: not an RTM_NEWROUTE");
}

static void test_filter(void)
{
	char buf[512];
	struct fv_routes rs = { 0 };
	struct fv_route r;
	size_t i, via10 = 0;
	static const struct {
		int family;
		const char *dst;
		int plen, proto, type;
		uint32_t oif;
	} dump[] = {
		{ AF_INET, "203.0.113.16", 28, FLEXVPN_RTPROT, RTN_UNICAST, 10 },
		{ AF_INET, "203.0.113.32", 28, FLEXVPN_RTPROT, RTN_UNICAST, 11 },
		{ AF_INET, "192.0.2.0", 24, RTPROT_KERNEL, RTN_UNICAST, 10 },
		{ AF_INET, "192.0.2.1", 32, RTPROT_KERNEL, RTN_LOCAL, 10 },
		{ AF_INET, "198.51.100.0", 24, FLEXVPN_RTPROT, RTN_BLACKHOLE, 0 },
		{ AF_INET6, "2001:db8:201::", 64, FLEXVPN_RTPROT, RTN_UNICAST, 10 },
		{ AF_INET6, "fe80::", 64, RTPROT_KERNEL, RTN_UNICAST, 10 },
	};

	for (i = 0; i < ARRAY_SIZE(dump); i++) {
		rtnl_get_route(newroute(buf, dump[i].family, dump[i].dst,
					dump[i].plen, dump[i].proto,
					dump[i].type, 254, dump[i].oif), &r);
		routes_keep(&rs, &r);
	}
	is_int(rs.count, 3, "filter: only the plugin's unicast routes kept");
	for (i = 0; i < rs.count; i++)
		via10 += route_via(&rs.v[i], 10);
	is_int(via10, 2, "filter: two through device 10");
	is_int(route_via(&rs.v[1], 10), 0, "filter: not another device's");
	for (i = 0; i < 40; i++)
		routes_keep(&rs, &rs.v[0]);
	is_int(rs.count, 43, "filter: the list grows");
	routes_free(&rs);
	is_int(rs.count, 0, "filter: freed");
}

static void test_owner(void)
{
	uint32_t ike_sa = 0;

	is_int(fv_owner_ike_sa(0x5357414e00000007ULL, &ike_sa), 1,
	       "owner: the plugin's tag");
	is_int(ike_sa, 7, "owner: its IKE_SA");
	is_int(fv_owner_ike_sa(0x5357414effffffffULL, &ike_sa), 1,
	       "owner: the largest IKE_SA");
	is_int(ike_sa, 4294967295LL, "owner: all 32 low bits");
	is_int(fv_owner_ike_sa(42, &ike_sa), 0, "owner: a number of one's own");
	is_int(fv_owner_ike_sa(0x4e41575300000007ULL, &ike_sa), 0,
	       "owner: the tag in the wrong order");
}

int main(void)
{
	test_decode();
	test_filter();
	test_owner();
	return tap_done();
}
