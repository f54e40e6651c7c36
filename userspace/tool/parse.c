// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing helpers: numbers, addresses, keyword/value lists.
 * Nothing here talks to the kernel, so all of it runs in host unit tests.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/flexvpn.h>

#include "parse.h"

const struct choice onoff_choices[] = {
	{ "off", 0 },
	{ "on", 1 },
	{ NULL, 0 }
};

/* FLEXVPN_TMPL_A_ALLOW_UNPROTECTED: 0 drops, 1 accepts */
const struct choice unprotected_choices[] = {
	{ "drop", 0 },
	{ "accept", 1 },
	{ NULL, 0 }
};

/* What errorf() names before the message, e.g. a file's "hub.conf:7" */
static char error_where[PATH_MAX + 32];

/*
 * Every failure of the tool ends up here, so the "Error: " format of the
 * command-line contract lives in one place. Returns @status for chaining.
 */
int errorf(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	if (*error_where)
		fprintf(stderr, "%s: ", error_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/*
 * Where the words being parsed or the request being run came from, which
 * every error names until the next call: "FILE:LINE" of a configuration
 * file, or "FILE:LINE: TEMPLATE". NULL: the command line, nothing named.
 */
void errorf_where(const char *fmt, ...)
{
	va_list ap;

	*error_where = '\0';
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(error_where, sizeof(error_where), fmt, ap);
	va_end(ap);
}

/*
 * Decimal or 0x-prefixed hexadecimal. The digits are checked by hand because
 * strtoull() would also take blanks, a sign (and wrap "-1" around), a second
 * "0x", or, with base 0, read "010" as octal.
 */
static int parse_number(const char *s, uint64_t *out)
{
	const char *digits = "0123456789";
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = "0123456789abcdefABCDEF";
		s += 2;
	}
	if (!*s || s[strspn(s, digits)])
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, digits[10] ? 16 : 10);
	return errno ? -EINVAL : 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_number(s, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	return parse_number(s, out);
}

/*
 * A unit a quantity may carry, and the word printing uses for it (NULL:
 * never printed). Units are matched without regard to case, as tc does,
 * so what the tool prints ("10Mbit") reads back.
 */
struct unit {
	const char *suffix;
	uint64_t mult;
	const char *print;
};

/* tc's rate units: SI multiples of bit/s, and "bps" for bytes per second */
static const struct unit rate_units[] = {
	{ "", 1, NULL },
	{ "bit", 1, "bit" },
	{ "kbit", 1000ULL, "Kbit" },
	{ "mbit", 1000000ULL, "Mbit" },
	{ "gbit", 1000000000ULL, "Gbit" },
	{ "tbit", 1000000000000ULL, "Tbit" },
	{ "bps", 8, NULL },
	{ "kbps", 8000ULL, NULL },
	{ "mbps", 8000000ULL, NULL },
	{ "gbps", 8000000000ULL, NULL },
	{ NULL, 0, NULL }
};

/* tc's size units: bytes, binary multiples */
static const struct unit size_units[] = {
	{ "", 1, NULL },
	{ "b", 1, NULL },
	{ "k", 1024, NULL },
	{ "kb", 1024, NULL },
	{ "m", 1024 * 1024, NULL },
	{ "mb", 1024 * 1024, NULL },
	{ NULL, 0, NULL }
};

/* Intervals: milliseconds, the unit the kernel takes, or seconds */
static const struct unit time_units[] = {
	{ "", 1, NULL },
	{ "ms", 1, "ms" },
	{ "s", 1000, "s" },
	{ NULL, 0, NULL }
};

/*
 * Decimal digits and a unit of @units, the product checked for overflow.
 * Only digits: no sign, no blanks, no fraction, no hex.
 */
static int parse_scaled(const char *s, const struct unit *units,
			uint64_t *out)
{
	size_t digits = strspn(s, "0123456789");
	char number[32];
	uint64_t v;

	if (!digits || digits >= sizeof(number))
		return -EINVAL;
	memcpy(number, s, digits);
	number[digits] = '\0';
	if (parse_number(number, &v))
		return -EINVAL;
	for (; units->suffix; units++) {
		if (strcasecmp(s + digits, units->suffix))
			continue;
		if (v > UINT64_MAX / units->mult)
			return -EINVAL;
		*out = v * units->mult;
		return 0;
	}
	return -EINVAL;
}

/* A shaper rate in bit/s, within what the uapi allows */
int parse_rate(const char *s, uint64_t *out)
{
	uint64_t v;

	if (parse_scaled(s, rate_units, &v) || v < FLEXVPN_SHAPER_RATE_MIN ||
	    v > FLEXVPN_SHAPER_RATE_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A rate, or "none" for the uapi's 0 (no limit, not shaped, the rate) */
int parse_rate_or_none(const char *s, uint64_t *out)
{
	if (strcmp(s, "none"))
		return parse_rate(s, out);
	*out = 0;
	return 0;
}

/* A size in bytes, between @min and @max */
int parse_size(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_scaled(s, size_units, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * A rate as tc prints it, in the largest unit that keeps it exact:
 * "10Mbit", "1500Kbit", "64bit". Exact, so that it reads back the same.
 */
static const char *scaled_str(uint64_t v, const struct unit *units,
			      const struct unit *best, char *buf, size_t len)
{
	const struct unit *u;

	for (u = units; u->suffix; u++)
		if (v && u->print && u->mult > best->mult && !(v % u->mult))
			best = u;
	snprintf(buf, len, "%" PRIu64 "%s", v / best->mult, best->print);
	return buf;
}

const char *rate_str(uint64_t bps, char buf[RATE_STRLEN])
{
	return scaled_str(bps, rate_units, &rate_units[1], buf, RATE_STRLEN);
}

/* An interval in ms, between @min and @max: "500", "500ms", "2s" */
int parse_msecs(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_scaled(s, time_units, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Likewise exact, in the largest unit that keeps it so: "2s", "1500ms" */
const char *msecs_str(uint32_t ms, char buf[MSECS_STRLEN])
{
	return scaled_str(ms, time_units, &time_units[1], buf, MSECS_STRLEN);
}

/* Returns the address family, AF_INET or AF_INET6. */
int parse_ip(const char *s, union fv_ip *ip)
{
	if (inet_pton(AF_INET, s, &ip->v4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, &ip->v6) == 1)
		return AF_INET6;
	return -EINVAL;
}

/*
 * Fills the IPv4 or the IPv6 half of @ips, as the address is, and marks
 * which attribute (@attr4 or @attr6) is now present.
 */
int parse_ips(const char *s, struct fv_ips *ips, uint32_t *present,
	      int attr4, int attr6)
{
	union fv_ip ip;

	switch (parse_ip(s, &ip)) {
	case AF_INET:
		ips->v4 = ip.v4;
		*present |= BIT(attr4);
		return 0;
	case AF_INET6:
		ips->v6 = ip.v6;
		*present |= BIT(attr6);
		return 0;
	}
	return -EINVAL;
}

/*
 * For keyword parsers: what the parser before returned, and the model's
 * attribute marked present when that was a success
 */
int mark_present(int err, uint32_t *present, int attr)
{
	if (!err)
		*present |= BIT(attr);
	return err;
}

int parse_choice(const char *s, const struct choice *choices,
		 unsigned int *out)
{
	for (; choices->word; choices++) {
		if (!strcmp(s, choices->word)) {
			*out = choices->value;
			return 0;
		}
	}
	return -EINVAL;
}

/* NULL for a value the table doesn't know (a newer kernel's) */
const char *choice_word(const struct choice *choices, unsigned int value)
{
	for (; choices->word; choices++)
		if (choices->value == value)
			return choices->word;
	return NULL;
}

/*
 * The kernel's rule for FLEXVPN_TMPL_A_NAME_PREFIX, checked here too so a
 * typo gets a usage error naming the word rather than a refusal.
 */
bool valid_prefix(const char *s)
{
	return valid_name(s, FLEXVPN_PREFIX_MAXLEN);
}

/*
 * The kernel's rule for names it keeps (name prefixes, shaper groups):
 * 1 to @maxlen characters out of A-Z a-z 0-9 _ . -
 */
bool valid_name(const char *s, size_t maxlen)
{
	static const char allowed[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t len = strlen(s);

	return len >= 1 && len <= maxlen && strspn(s, allowed) == len;
}

/* A device name the kernel could hold: 1 to IF_NAMESIZE - 1 bytes. */
bool valid_ifname(const char *s)
{
	return *s && strlen(s) < IF_NAMESIZE;
}

/* For the device a command is about: 0, or the usage error's exit status */
int check_ifname(const char *s)
{
	if (!valid_ifname(s))
		return errorf(EXIT_USAGE,
			      "\"%s\" is not a device name (1 to %d characters)",
			      s, IF_NAMESIZE - 1);
	return 0;
}

/* The position of @word in a NULL-terminated table, or -1 */
int keyword_index(const struct keyword *const *table, const char *word)
{
	int i;

	for (i = 0; table[i]; i++)
		if (!strcmp(table[i]->word, word))
			return i;
	return -1;
}

/*
 * The value @arg of one keyword into @model; NULL: the value is missing.
 * Returns 0 or the exit status, after printing the error.
 */
int parse_keyword(const struct keyword *kw, const char *arg, void *model)
{
	if (!arg)
		return errorf(EXIT_USAGE, "\"%s\" expects %s", kw->word,
			      kw->expects);
	switch (kw->parse(arg, (char *)model + kw->offset)) {
	case 0:
		return 0;
	case -ENODEV:
		return errorf(EXIT_REFUSED, "cannot find device \"%s\"", arg);
	default:
		return errorf(EXIT_USAGE, "\"%s\" expects %s, not \"%s\"",
			      kw->word, kw->expects, arg);
	}
}

/*
 * ip-style `keyword value` pairs, each keyword at most once (a repeated one
 * is more likely a mistake than a wish for the last value to win).
 * Returns 0 or the exit status, after printing the error.
 */
int parse_keywords(int argc, char *argv[],
		   const struct keyword *const *table, void *model)
{
	uint32_t seen = 0;
	int i, k, ret;

	for (i = 0; i < argc; i += 2) {
		k = keyword_index(table, argv[i]);
		if (k < 0)
			return errorf(EXIT_USAGE, "unknown keyword \"%s\"",
				      argv[i]);
		if (seen & BIT(k))
			return errorf(EXIT_USAGE, "\"%s\" given twice", argv[i]);
		seen |= BIT(k);
		ret = parse_keyword(table[k], i + 1 < argc ? argv[i + 1] : NULL,
				    model);
		if (ret)
			return ret;
	}
	return 0;
}
