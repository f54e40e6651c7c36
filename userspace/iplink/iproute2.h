/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What flexvpn's iproute2 link plugins know of `ip`, declared here rather
 * than taken from iproute2's headers (which no package installs): the
 * struct a plugin exports as <kind>_link_util, and the JSON writer helpers
 * `ip` exports to its plugins (it links with -export-dynamic).
 *
 * Both have kept this shape since iproute2 4.14 (2017; ip/ip_common.h,
 * include/json_writer.h) up to 7.1; Debian 12's 6.1.0 and its backport
 * 6.15.0 were checked. The helpers are looked up by name when the plugin
 * first prints (ip_api_resolve()), so an `ip` without one of them gets no
 * details rather than a failed symbol lookup in the middle of its output.
 */
#ifndef FLEXVPN_IPROUTE2_H
#define FLEXVPN_IPROUTE2_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/*
 * ip dlopens $IP_LIB_DIR/link_<kind>.so (default LIBDIR/ip, on Debian
 * /usr/lib/<multiarch>/ip) and looks up <kind>_link_util. It writes @next
 * (its list of kinds), so the struct cannot be const; every member it may
 * call must be there, NULL when unused.
 */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	/* tb: IFLA_INFO_DATA split by type, the first attribute of each;
	 * NULL when the kernel sent none
	 */
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

typedef struct json_writer json_writer_t;

/* The helpers of `ip` the plugins use, found by ip_api_resolve() */
struct ip_api {
	bool (*is_json_context)(void);
	json_writer_t *(*get_json_writer)(void);
	void (*jsonw_name)(json_writer_t *jw, const char *name);
	void (*jsonw_printf)(json_writer_t *jw, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	void (*jsonw_u64)(json_writer_t *jw, uint64_t v);
	void (*jsonw_bool)(json_writer_t *jw, bool v);
	void (*jsonw_null)(json_writer_t *jw);
	void (*jsonw_start_object)(json_writer_t *jw);
	void (*jsonw_end_object)(json_writer_t *jw);
	void (*jsonw_start_array)(json_writer_t *jw);
	void (*jsonw_end_array)(json_writer_t *jw);
	/* what ends a text line: "\n", or "\\" under `ip -oneline` */
	const char **sl;
};

extern struct ip_api ip_api;

bool ip_api_resolve(void);

#endif
