// SPDX-License-Identifier: GPL-2.0
/*
 * Each setting of a template as configuration files spell it: its keyword
 * (that of `template set`), its value as a word, its default, and how a
 * TEMPLATE_SET request carries it. `config apply` compares and reports
 * settings by these words, and `config show` prints them, so the two
 * cannot disagree about what a value looks like.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "dev.h"
#include "shaper.h"

#define SETTING(w, k, a, member, ...) {				\
	.word = w, .kind = k, .attr = FLEXVPN_TMPL_A_##a,		\
	.offset = offsetof(struct fv_template, member),			\
	.size = sizeof(((struct fv_template *)0)->member), __VA_ARGS__ }
#define DEFAULT_SHAPER(w, k, a, member, ...) {				\
	.word = w, .kind = k, .attr = FLEXVPN_SHAPER_A_##a, .shaper = true, \
	.offset = offsetof(struct fv_template, shaper.member),		\
	.size = sizeof(((struct fv_template *)0)->shaper.member),	\
	.line = 4, __VA_ARGS__ }

/* In the order `config show` prints them, one line per @line */
const struct cfg_setting cfg_settings[] = {
	SETTING("mtu", CFG_NUMBER, MTU, mtu, .zero = "auto", .line = 1),
	SETTING("underlay", CFG_DEVICE, UNDERLAY_IFINDEX, underlay, .line = 1),
	SETTING("source", CFG_DEVICE, SOURCE_IFINDEX, source, .line = 1),
	SETTING("local", CFG_ADDRESS, LOCAL_IPV4, local.v4, .line = 1),
	SETTING("local", CFG_ADDRESS, LOCAL_IPV6, local.v6, .line = 1),
	SETTING("key", CFG_KEY, GRE_KEY, key, .line = 1),
	SETTING("nhrp-network-id", CFG_NUMBER, NHRP_NETWORK_ID,
		nhrp_network_id, .line = 2),
	SETTING("nhrp-redirect", CFG_CHOICE, NHRP_REDIRECT, nhrp_redirect,
		.choices = onoff_choices, .line = 2),
	SETTING("nhrp-redirect-interval", CFG_MSECS, NHRP_REDIRECT_INTERVAL,
		nhrp_redirect_interval, .line = 2),
	SETTING("unprotected", CFG_CHOICE, ALLOW_UNPROTECTED,
		allow_unprotected, .choices = unprotected_choices, .line = 2),
	SETTING("prefix", CFG_NAME, NAME_PREFIX, prefix, .line = 2),
	SETTING("parent-rate", CFG_RATE, SHAPER_RATE, shaper_rate,
		.bytes = true, .line = 3),
	SETTING("esp-overhead", CFG_NUMBER, SHAPER_OVERHEAD, shaper_overhead,
		.line = 3),
	DEFAULT_SHAPER("access-rate", CFG_RATE, RATE, rate),
	DEFAULT_SHAPER("access-ceil", CFG_RATE, CEIL, ceil),
	DEFAULT_SHAPER("access-burst", CFG_NUMBER, BURST, burst,
		       .zero = "auto"),
	DEFAULT_SHAPER("access-qlen", CFG_NUMBER, QLEN, qlen,
		       .zero = "default"),
	DEFAULT_SHAPER("access-group", CFG_NAME, GROUP, group, .zero = "none"),
};

const size_t cfg_settings_count = ARRAY_SIZE(cfg_settings);

/*
 * What `ip link add NAME type vtemplate` gives (kmod/template.c's setup),
 * which is what a setting a file leaves out goes back to
 */
void cfg_template_defaults(struct fv_template *t)
{
	memset(t, 0, sizeof(*t));
	t->key_mode = FLEXVPN_KEY_NONE;
	t->nhrp_redirect_interval = FLEXVPN_REDIRECT_INTERVAL_DEFAULT;
	strcpy(t->prefix, FLEXVPN_DEFAULT_PREFIX);
	t->shaper_overhead = FLEXVPN_SHAPER_ESP_OVERHEAD;
}

/*
 * The kernel keeps a parent's and a group's rates in bytes per second: a
 * rate that is no whole number of bytes reads back a little lower, and is
 * compared as what it will read back as.
 */
uint64_t cfg_kept_rate(uint64_t bps)
{
	return bps / 8 * 8;
}

/* A group's ceil as the kernel keeps it: "none" (0) is the rate */
uint64_t cfg_group_ceil(const struct fv_group *g)
{
	return cfg_kept_rate(g->ceil ?: g->rate);
}

const struct fv_group *cfg_find_group(const struct fv_groups *gs,
				      const char *name)
{
	uint32_t i;

	for (i = 0; i < gs->count; i++)
		if (!strcmp(gs->v[i].name, name))
			return &gs->v[i];
	return NULL;
}

/* An unsigned field of 1, 4 or 8 bytes */
static uint64_t field_number(const struct cfg_setting *s, const void *p)
{
	uint32_t v32;
	uint64_t v64;

	switch (s->size) {
	case 1:
		return *(const uint8_t *)p;
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

static void address_value(const struct cfg_setting *s, const void *p,
			  char buf[CFG_VALUE_LEN])
{
	static const uint8_t zero[sizeof(struct in6_addr)];
	int family = s->size == sizeof(struct in_addr) ? AF_INET : AF_INET6;

	if (!memcmp(p, zero, s->size))
		strcpy(buf, "none");
	else
		inet_ntop(family, p, buf, CFG_VALUE_LEN);
}

/* @s's value in @t as the word a file would give it */
void cfg_value(const struct cfg_setting *s, const struct fv_template *t,
	       char buf[CFG_VALUE_LEN])
{
	const char *p = (const char *)t + s->offset;
	uint64_t v = s->kind == CFG_NAME || s->kind == CFG_ADDRESS ? 0 :
		     field_number(s, p);
	char name[IF_NAMESIZE];

	switch (s->kind) {
	case CFG_NUMBER:
		if (!v && s->zero)
			snprintf(buf, CFG_VALUE_LEN, "%s", s->zero);
		else
			snprintf(buf, CFG_VALUE_LEN, "%" PRIu64, v);
		break;
	case CFG_DEVICE:
		snprintf(buf, CFG_VALUE_LEN, "%s", dev_name(v, name));
		break;
	case CFG_ADDRESS:
		address_value(s, p, buf);
		break;
	case CFG_KEY:
		if (t->key_mode == FLEXVPN_KEY_NONE)
			snprintf(buf, CFG_VALUE_LEN, "none");
		else
			snprintf(buf, CFG_VALUE_LEN, "%" PRIu64, v);
		break;
	case CFG_CHOICE:
		snprintf(buf, CFG_VALUE_LEN, "%s",
			 choice_word(s->choices, !!v));
		break;
	case CFG_MSECS:
		msecs_str(v, buf);
		break;
	case CFG_NAME:
		snprintf(buf, CFG_VALUE_LEN, "%s",
			 *p || !s->zero ? p : s->zero);
		break;
	case CFG_RATE:
		if (!v)
			snprintf(buf, CFG_VALUE_LEN, "none");
		else
			rate_str(s->bytes ? cfg_kept_rate(v) : v, buf);
		break;
	}
}

/*
 * @from's value of @s into the TEMPLATE_SET request @req. A key is set by
 * its attribute alone (the kernel makes the mode "fixed"); "none" is the
 * key mode's.
 */
void cfg_request(const struct cfg_setting *s, struct fv_template *req,
		 const struct fv_template *from)
{
	if (s->kind == CFG_KEY && from->key_mode == FLEXVPN_KEY_NONE) {
		req->key_mode = FLEXVPN_KEY_NONE;
		req->present |= BIT(FLEXVPN_TMPL_A_GRE_KEY_MODE);
		return;
	}
	memcpy((char *)req + s->offset, (const char *)from + s->offset,
	       s->size);
	if (!s->shaper) {
		req->present |= BIT(s->attr);
		return;
	}
	req->shaper.present |= BIT(s->attr);
	mark_nest(&req->present, FLEXVPN_TMPL_A_SHAPER, req->shaper.present);
}
