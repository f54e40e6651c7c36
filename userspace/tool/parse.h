/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line parsing helpers: numbers, addresses, keyword/value lists.
 * Nothing here talks to the kernel, so all of it runs in host unit tests.
 */
#ifndef FLEXVPN_PARSE_H
#define FLEXVPN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "fv_model.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1U << (n))
/* A number macro as a string, for messages: XSTR(FLEXVPN_PREFIX_MAXLEN) */
#define STR(x) #x
#define XSTR(x) STR(x)

/* Exit statuses of the tool: 1 for a refused request, 2 for a usage error. */
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

/* An IPv4 or IPv6 address, as the kernel wants it: network order bytes. */
union fv_ip {
	struct in_addr v4;
	struct in6_addr v6;
};

/*
 * A word and the value it stands for, e.g. {"on", 1}: one table serves
 * both parsing and printing, so the two can't drift apart.
 */
struct choice {
	const char *word;
	unsigned int value;
};

extern const struct choice onoff_choices[];	/* "off", "on" */
extern const struct choice unprotected_choices[]; /* "drop", "accept" */

/* One keyword of a keyword/value list such as `mtu 1400 key none`. */
struct keyword {
	const char *word;
	/* What the value must be, for "Error: "mtu" expects ..., not ..." */
	const char *expects;
	/* 0, -EINVAL for a malformed value, -ENODEV for an unknown device */
	int (*parse)(const char *arg, void *model);
	/* Where in the model @parse's part starts, e.g. a nested shaper */
	size_t offset;
};

int errorf(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void errorf_where(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t *out);
int parse_rate(const char *s, uint64_t *out);
int parse_rate_or_none(const char *s, uint64_t *out);
int parse_size(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "18446744073709551615bit" and the NUL */
#define RATE_STRLEN 24
const char *rate_str(uint64_t bps, char buf[RATE_STRLEN]);
int parse_msecs(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "4294967295ms" and the NUL */
#define MSECS_STRLEN 16
const char *msecs_str(uint32_t ms, char buf[MSECS_STRLEN]);
int parse_ip(const char *s, union fv_ip *ip);
int parse_ips(const char *s, struct fv_ips *ips, uint32_t *present,
	      int attr4, int attr6);
int mark_present(int err, uint32_t *present, int attr);
int parse_choice(const char *s, const struct choice *choices,
		 unsigned int *out);
const char *choice_word(const struct choice *choices, unsigned int value);
bool valid_prefix(const char *s);
bool valid_name(const char *s, size_t maxlen);
bool valid_ifname(const char *s);
int check_ifname(const char *s);
int keyword_index(const struct keyword *const *table, const char *word);
int parse_keyword(const struct keyword *kw, const char *arg, void *model);
int parse_keywords(int argc, char *argv[],
		   const struct keyword *const *table, void *model);

#endif
