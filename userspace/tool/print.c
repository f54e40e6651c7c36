// SPDX-License-Identifier: GPL-2.0
/*
 * Output of templates, access devices and the NHRP cache, as text or as
 * JSON. One printer per object emits each field once, with its text word
 * and its JSON key side by side, so the two formats can't disagree.
 *
 * Text is one line per object, `word value` pairs like `ip` prints them;
 * "none" stands for an absent value, which JSON prints as null. The NHRP
 * cache is a table instead, with a header, as `arp -n` prints one.
 */
#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>

#include "dev.h"
#include "nhrp_cache.h"
#include "print.h"

enum out_mode out_mode = OUT_TEXT;

void out_init(struct out *o, FILE *f)
{
	*o = (struct out){ .f = f, .json = out_mode != OUT_TEXT,
			   .newline = "\n" };
	json_init(&o->j, f, out_mode == OUT_JSON_PRETTY);
}

/* A JSON document ends its line, so `monitor -j` prints one per line */
static void out_json_end(struct out *o, char close)
{
	json_end(&o->j, close);
	if (!o->j.depth)
		fputc('\n', o->f);
}

/*
 * `show` and `list` print one JSON array. It is opened by its first object,
 * so a request refused before any reply leaves stdout empty rather than
 * holding a "[]" that would read as "there are none".
 */
void out_list_begin(struct out *o)
{
	o->list = true;
}

static void out_list_open(struct out *o)
{
	if (o->json && o->list && !o->list_open) {
		json_begin(&o->j, '[');
		o->list_open = true;
	}
}

/* @ok: the request succeeded, so an empty list is the answer */
void out_list_end(struct out *o, bool ok)
{
	if (ok)
		out_list_open(o);
	if (o->list_open)
		out_json_end(o, ']');
}

static void out_obj_begin(struct out *o)
{
	out_list_open(o);
	if (o->json)
		json_begin(&o->j, '{');
}

static void out_obj_end(struct out *o)
{
	if (o->json) {
		out_json_end(o, '}');
		return;
	}
	fputc('\n', o->f);
	o->space = false;
}

/* Text only, glued to what precedes it: the ":" after a template's name */
static void out_text(struct out *o, const char *s)
{
	if (o->json)
		return;
	fputs(s, o->f);
	o->space = true;
}

/*
 * One text word; control characters (a peer's identity may hold any) are
 * shown as \xNN rather than sent to the terminal.
 */
static void out_word(struct out *o, const char *s)
{
	if (o->space)
		fputc(' ', o->f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f)
			fprintf(o->f, "\\x%02x", c);
		else
			fputc(c, o->f);
	}
	o->space = true;
}

/*
 * `word value` in text (no word when @word is NULL); "key": value in JSON,
 * where @val NULL is null and "none" in text.
 */
static void out_str(struct out *o, const char *word, const char *key,
		    const char *val)
{
	if (o->json) {
		json_key(&o->j, key);
		if (val)
			json_string(&o->j, val);
		else
			json_null(&o->j);
		return;
	}
	if (word)
		out_word(o, word);
	out_word(o, val ? val : "none");
}

/*
 * JSON has the number; text shows it in decimal, or in hex where the
 * value is a handle rather than a quantity
 */
static void out_num(struct out *o, const char *word, const char *key,
		    uint64_t v, bool hex)
{
	char buf[24];

	if (o->json) {
		json_key(&o->j, key);
		json_u64(&o->j, v);
		return;
	}
	snprintf(buf, sizeof(buf), hex ? "0x%" PRIx64 : "%" PRIu64, v);
	out_str(o, word, key, buf);
}

static void out_u64(struct out *o, const char *word, const char *key,
		    uint64_t v)
{
	out_num(o, word, key, v, false);
}

/* A boolean that text shows with the words of @choices, e.g. "on"/"off" */
static void out_bool(struct out *o, const char *word, const char *key,
		     bool v, const struct choice *choices)
{
	if (o->json) {
		json_key(&o->j, key);
		json_bool(&o->j, v);
		return;
	}
	out_str(o, word, key, choice_word(choices, v));
}

/* A boolean that text shows as @word when true and not at all otherwise */
static void out_flag(struct out *o, const char *word, const char *key,
		     bool v)
{
	if (o->json) {
		json_key(&o->j, key);
		json_bool(&o->j, v);
	} else if (v) {
		out_word(o, word);
	}
}

/* A device: "none" / null for ifindex 0 */
static void out_dev(struct out *o, const char *word, const char *key,
		    uint32_t ifindex)
{
	char buf[IF_NAMESIZE];

	out_str(o, word, key, ifindex ? dev_name(ifindex, buf) : NULL);
}

/* The address of one family, NULL when absent or all-zero (cleared) */
static const char *ip_str(const struct fv_ips *ips, uint32_t present,
			  int attr, int family, char buf[INET6_ADDRSTRLEN])
{
	const void *ip = family == AF_INET ? (const void *)&ips->v4 :
					     (const void *)&ips->v6;
	static const uint8_t zero[sizeof(struct in6_addr)];
	size_t len = family == AF_INET ? sizeof(ips->v4) : sizeof(ips->v6);

	if (!has(present, attr) || !memcmp(ip, zero, len))
		return NULL;
	return inet_ntop(family, ip, buf, INET6_ADDRSTRLEN);
}

/* The name the kernel sent, or else the name of the ifindex it sent */
static const char *name_of(bool has_name, const char *ifname,
			   uint32_t ifindex, char buf[IF_NAMESIZE])
{
	return has_name ? ifname : dev_name(ifindex, buf);
}

/* A quantity: @text (its value with a unit) in text, the number in JSON */
static void out_quantity(struct out *o, const char *word, const char *key,
			 uint64_t v, const char *text)
{
	if (o->json)
		out_u64(o, word, key, v);
	else
		out_str(o, word, key, text);
}

/* A rate: "10Mbit" in text, bit/s in JSON */
static void out_rate(struct out *o, const char *word, const char *key,
		     uint64_t bps)
{
	char buf[RATE_STRLEN];

	out_quantity(o, word, key, bps, rate_str(bps, buf));
}

/* An interval: "2s", "500ms" in text, ms in JSON */
static void out_msecs(struct out *o, const char *word, const char *key,
		      uint32_t ms)
{
	char buf[MSECS_STRLEN];

	out_quantity(o, word, key, ms, msecs_str(ms, buf));
}

/*
 * A setting whose 0 stands for a default: the word the command line takes
 * for it (@zero: "none", "auto", "default") in text, null in JSON
 */
static void out_setting(struct out *o, const char *word, const char *key,
			uint64_t v, const char *zero, bool rate)
{
	if (!v)
		out_str(o, word, key, o->json ? NULL : zero);
	else if (rate)
		out_rate(o, word, key, v);
	else
		out_u64(o, word, key, v);
}

/* `N` in text after @word, with a unit glued on: "backlog 3p 4500b" */
static void out_unit(struct out *o, const char *word, const char *key,
		     uint64_t v, const char *unit)
{
	char buf[32];

	if (o->json) {
		out_u64(o, word, key, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 "%s", v, unit);
	out_str(o, word, key, buf);
}

/* Text only: a new indented line, starting with @word */
static void out_line(struct out *o, const char *word)
{
	out_text(o, o->newline);
	out_text(o, "    ");
	out_text(o, word);
}

/* JSON only: "key": { ... } */
static void out_nest_begin(struct out *o, const char *key)
{
	if (o->json) {
		json_key(&o->j, key);
		json_begin(&o->j, '{');
	}
}

static void out_nest_end(struct out *o)
{
	if (o->json)
		json_end(&o->j, '}');
}

/* JSON only: "key": [ ... ] of objects, each begun by out_elem_begin() */
static void out_array_begin(struct out *o, const char *key)
{
	if (o->json) {
		json_key(&o->j, key);
		json_begin(&o->j, '[');
	}
}

static void out_array_end(struct out *o)
{
	if (o->json)
		json_end(&o->j, ']');
}

static void out_elem_begin(struct out *o)
{
	if (o->json)
		json_begin(&o->j, '{');
}

/*
 * The counters of a shaper, a group or a parent, on the line begun by the
 * caller: `sent bytes N packets N dropped N overlimits N backlog Np Nb
 * borrowed N rate-now RATE stalled-ns N`; "shaper_stats" or "stats" in
 * JSON.
 */
static void print_shaper_stats(struct out *o, const char *key,
			       const uint64_t *st)
{
	out_nest_begin(o, key);
	if (!o->json)
		out_word(o, "sent");
	out_u64(o, "bytes", "bytes", st[FLEXVPN_SHAPER_STATS_A_BYTES]);
	out_u64(o, "packets", "packets", st[FLEXVPN_SHAPER_STATS_A_PACKETS]);
	out_u64(o, "dropped", "dropped", st[FLEXVPN_SHAPER_STATS_A_DROPPED]);
	out_u64(o, "overlimits", "overlimits",
		st[FLEXVPN_SHAPER_STATS_A_OVERLIMITS]);
	out_unit(o, "backlog", "backlog_packets",
		 st[FLEXVPN_SHAPER_STATS_A_BACKLOG_PACKETS], "p");
	out_unit(o, NULL, "backlog_bytes",
		 st[FLEXVPN_SHAPER_STATS_A_BACKLOG_BYTES], "b");
	out_u64(o, "borrowed", "borrowed", st[FLEXVPN_SHAPER_STATS_A_BORROWED]);
	out_rate(o, "rate-now", "rate_now", st[FLEXVPN_SHAPER_STATS_A_RATE_NOW]);
	out_u64(o, "stalled-ns", "stalled_ns",
		st[FLEXVPN_SHAPER_STATS_A_STALLED_NS]);
	out_nest_end(o);
}

/*
 * A shaper's settings, each word after @prefix in text ("access-rate" for
 * a template's default); what the kernel did not send is left out.
 */
static void print_shaper(struct out *o, const struct fv_shaper *s,
			 const char *prefix)
{
	static const struct {
		int attr;
		const char *key;
		const char *zero;
		bool rate;
	} settings[] = {
		{ FLEXVPN_SHAPER_A_RATE, "rate", "none", true },
		{ FLEXVPN_SHAPER_A_CEIL, "ceil", "none", true },
		{ FLEXVPN_SHAPER_A_BURST, "burst", "auto", false },
		{ FLEXVPN_SHAPER_A_QLEN, "qlen", "default", false },
	};
	const uint64_t v[] = {
		[FLEXVPN_SHAPER_A_RATE] = s->rate,
		[FLEXVPN_SHAPER_A_CEIL] = s->ceil,
		[FLEXVPN_SHAPER_A_BURST] = s->burst,
		[FLEXVPN_SHAPER_A_QLEN] = s->qlen,
	};
	char word[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		if (!has(s->present, settings[i].attr))
			continue;
		snprintf(word, sizeof(word), "%s%s", prefix, settings[i].key);
		out_setting(o, word, settings[i].key, v[settings[i].attr],
			    settings[i].zero, settings[i].rate);
	}
	if (has(s->present, FLEXVPN_SHAPER_A_GROUP)) {
		snprintf(word, sizeof(word), "%sgroup", prefix);
		out_str(o, word, "group", *s->group ? s->group : NULL);
	}
}

/* `group gold rate 50Mbit ceil 100Mbit members 3`, then its counters */
static void print_group(struct out *o, const struct fv_group *g)
{
	out_elem_begin(o);
	out_line(o, "group");
	out_str(o, NULL, "name", g->name);
	if (has(g->present, FLEXVPN_GROUP_A_RATE))
		out_rate(o, "rate", "rate", g->rate);
	if (has(g->present, FLEXVPN_GROUP_A_CEIL))
		out_setting(o, "ceil", "ceil", g->ceil, "none", true);
	if (has(g->present, FLEXVPN_GROUP_A_MEMBERS))
		out_u64(o, "members", "members", g->members);
	if (has(g->present, FLEXVPN_GROUP_A_STATS)) {
		out_line(o, "group");
		if (!o->json)
			out_word(o, g->name);
		print_shaper_stats(o, "stats", g->stats);
	}
	out_nest_end(o);
}

/*
 * The parent level, the default for new devices, the parent's counters and
 * the groups, each on lines of their own; nothing from a module that knows
 * no shaper.
 */
static void print_template_shaper(struct out *o, const struct fv_template *t)
{
	uint32_t p = t->present;
	uint32_t i;

	if (!has(p, FLEXVPN_TMPL_A_SHAPER_RATE) &&
	    !has(p, FLEXVPN_TMPL_A_SHAPER_OVERHEAD) &&
	    !has(p, FLEXVPN_TMPL_A_SHAPER))
		return;
	out_line(o, "shaper");
	if (has(p, FLEXVPN_TMPL_A_SHAPER_RATE))
		out_setting(o, "parent-rate", "parent_rate", t->shaper_rate,
			    "none", true);
	if (has(p, FLEXVPN_TMPL_A_SHAPER_OVERHEAD))
		out_u64(o, "esp-overhead", "esp_overhead", t->shaper_overhead);
	if (has(p, FLEXVPN_TMPL_A_SHAPER)) {
		out_nest_begin(o, "access_shaper");
		print_shaper(o, &t->shaper, "access-");
		out_nest_end(o);
	}
	if (has(p, FLEXVPN_TMPL_A_SHAPER_STATS)) {
		out_line(o, "shaper");
		print_shaper_stats(o, "shaper_stats", t->shaper_stats);
	}
	out_array_begin(o, "groups");
	for (i = 0; i < t->groups.count; i++)
		print_group(o, &t->groups.v[i]);
	out_array_end(o);
}

/*
 * `mtu 1418 (auto)`: the MTU access devices get, and whether it is the
 * computed one (configured as 0)
 */
static void print_mtu(struct out *o, const struct fv_template *t)
{
	bool effective = has(t->present, FLEXVPN_TMPL_A_MTU_EFFECTIVE);

	out_u64(o, "mtu", "mtu", effective ? t->mtu_effective : t->mtu);
	out_flag(o, "(auto)", "mtu_auto", !t->mtu);
}

/*
 * A template usually has a local address of one family. One with both gets
 * the IPv6 one a second time under the JSON key "local6".
 */
static void print_template_local(struct out *o, const struct fv_template *t)
{
	char b4[INET6_ADDRSTRLEN], b6[INET6_ADDRSTRLEN];
	const char *l4, *l6;

	if (!has(t->present, FLEXVPN_TMPL_A_LOCAL_IPV4) &&
	    !has(t->present, FLEXVPN_TMPL_A_LOCAL_IPV6))
		return;
	l4 = ip_str(&t->local, t->present, FLEXVPN_TMPL_A_LOCAL_IPV4,
		    AF_INET, b4);
	l6 = ip_str(&t->local, t->present, FLEXVPN_TMPL_A_LOCAL_IPV6,
		    AF_INET6, b6);
	out_str(o, "local", "local", l4 ?: l6);
	if (l4 && l6)
		out_str(o, "local", "local6", l6);
}

static void print_template_key(struct out *o, const struct fv_template *t)
{
	if (has(t->present, FLEXVPN_TMPL_A_GRE_KEY_MODE) &&
	    t->key_mode == FLEXVPN_KEY_NONE)
		out_str(o, "key", "key", NULL);
	else if (has(t->present, FLEXVPN_TMPL_A_GRE_KEY))
		out_u64(o, "key", "key", t->key);
}

/* The settings that only matter to NHRP and to the receive path */
static void print_template_policy(struct out *o, const struct fv_template *t)
{
	uint32_t p = t->present;

	if (has(p, FLEXVPN_TMPL_A_NHRP_NETWORK_ID))
		out_u64(o, "nhrp-network-id", "nhrp_network_id",
			t->nhrp_network_id);
	if (has(p, FLEXVPN_TMPL_A_NHRP_REDIRECT))
		out_bool(o, "nhrp-redirect", "nhrp_redirect",
			 t->nhrp_redirect, onoff_choices);
	if (has(p, FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL))
		out_msecs(o, "nhrp-redirect-interval",
			  "nhrp_redirect_interval_ms", t->nhrp_redirect_interval);
	if (has(p, FLEXVPN_TMPL_A_ALLOW_UNPROTECTED))
		out_str(o, "unprotected", "unprotected",
			choice_word(unprotected_choices,
				    !!t->allow_unprotected));
}

/*
 * A template's settings, state and, when the kernel sent them, counters:
 * what follows its name in `template show`, and what `ip -d link show`
 * prints of a vtemplate (the iproute2 plugin, userspace/iplink/). Fields
 * the kernel did not send are left out: an older module's reply prints
 * what it knows.
 */
void print_template_settings(struct out *o, const struct fv_template *t)
{
	uint32_t p = t->present;

	if (has(p, FLEXVPN_TMPL_A_MTU))
		print_mtu(o, t);
	if (has(p, FLEXVPN_TMPL_A_UNDERLAY_IFINDEX))
		out_dev(o, "underlay", "underlay", t->underlay);
	if (has(p, FLEXVPN_TMPL_A_SOURCE_IFINDEX))
		out_dev(o, "source", "source", t->source);
	print_template_local(o, t);
	print_template_key(o, t);
	print_template_policy(o, t);
	if (has(p, FLEXVPN_TMPL_A_NAME_PREFIX))
		out_str(o, "prefix", "prefix", t->prefix);
	if (has(p, FLEXVPN_TMPL_A_ACCESS_COUNT))
		out_u64(o, "access", "access", t->access_count);
	print_template_shaper(o, t);
}

void print_template(struct out *o, const struct fv_template *t)
{
	char name[IF_NAMESIZE];

	out_obj_begin(o);
	out_str(o, NULL, "ifname",
		name_of(has(t->present, FLEXVPN_TMPL_A_IFNAME), t->ifname,
			t->ifindex, name));
	out_text(o, ":");
	print_template_settings(o, t);
	out_obj_end(o);
}

/*
 * The counters in the order `access show` prints them; @line starts a new
 * indented text line.
 */
static const struct counter {
	int attr;
	const char *line;
	const char *word;
	const char *key;
} counters[] = {
	{ FLEXVPN_STATS_A_RX_PACKETS, "rx", "packets", "rx_packets" },
	{ FLEXVPN_STATS_A_RX_BYTES, NULL, "bytes", "rx_bytes" },
	{ FLEXVPN_STATS_A_RX_UNPROTECTED, NULL, "unprotected", "rx_unprotected" },
	{ FLEXVPN_STATS_A_RX_POLICY, NULL, "policy", "rx_policy" },
	{ FLEXVPN_STATS_A_RX_INVALID, NULL, "invalid", "rx_invalid" },
	{ FLEXVPN_STATS_A_TX_PACKETS, "tx", "packets", "tx_packets" },
	{ FLEXVPN_STATS_A_TX_BYTES, NULL, "bytes", "tx_bytes" },
	{ FLEXVPN_STATS_A_TX_NO_ROUTE, NULL, "no-route", "tx_no_route" },
	{ FLEXVPN_STATS_A_TX_TOO_BIG, NULL, "too-big", "tx_too_big" },
	{ FLEXVPN_STATS_A_TX_INVALID, NULL, "invalid", "tx_invalid" },
	{ FLEXVPN_STATS_A_TX_UNPROTECTED, NULL, "unprotected", "tx_unprotected" },
};

static void print_stats(struct out *o, const uint64_t *stats)
{
	const struct counter *c;

	out_nest_begin(o, "stats");
	for (c = counters; c < counters + ARRAY_SIZE(counters); c++) {
		if (c->line)
			out_line(o, c->line);
		out_u64(o, c->word, c->key, stats[c->attr]);
	}
	out_nest_end(o);
}

/*
 * An address of either family, as @word in text and JSON alike: an access
 * device's outer addresses, a redirect's inner ones are of one family
 */
static void out_ip(struct out *o, const char *word, const struct fv_ips *ips,
		   uint32_t present, int attr4, int attr6)
{
	char buf[INET6_ADDRSTRLEN];

	out_str(o, word, word,
		ip_str(ips, present, attr4, AF_INET, buf) ?:
		ip_str(ips, present, attr6, AF_INET6, buf));
}

/*
 * `owner 0x5357414e00000003 ike-sa 3`: the IKE_SA when the plugin owns the
 * device; JSON "ike_sa" is null when it does not
 */
static void print_owner(struct out *o, uint64_t owner)
{
	uint32_t ike_sa;
	bool ike = fv_owner_ike_sa(owner, &ike_sa);

	out_num(o, "owner", "owner", owner, true);
	if (ike)
		out_u64(o, "ike-sa", "ike_sa", ike_sa);
	else if (o->json)
		out_str(o, NULL, "ike_sa", NULL);
}

/*
 * `    routes 203.0.113.16/28 2001:db8:201::/64` (or `routes none`): the
 * routes learned through the device; JSON "routes": [...]
 */
static void print_access_routes(struct out *o, const struct fv_access *a)
{
	const struct fv_routes *rs = a->routes;
	char buf[ROUTE_STRLEN];
	bool any = false;
	size_t i;

	out_line(o, "routes");
	if (o->json) {
		json_key(&o->j, "routes");
		json_begin(&o->j, '[');
	}
	for (i = 0; i < rs->count; i++) {
		if (!route_via(&rs->v[i], a->ifindex) ||
		    !route_str(&rs->v[i], buf))
			continue;
		if (o->json)
			json_string(&o->j, buf);
		else
			out_word(o, buf);
		any = true;
	}
	if (o->json)
		json_end(&o->j, ']');
	else if (!any)
		out_word(o, "none");
}

/*
 * An absent key or peer-id is a fact ("none"), not a missing field; link
 * info never has the peer-id (@peer false), which is not "none"
 */
static void print_access_ids(struct out *o, const struct fv_access *a,
			     bool peer)
{
	if (has(a->present, FLEXVPN_ACCESS_A_GRE_KEY))
		out_u64(o, "key", "key", a->key);
	else
		out_str(o, "key", "key", NULL);
	if (peer)
		out_str(o, "peer-id", "peer_id",
			*a->peer_id ? a->peer_id : NULL);
	if (has(a->present, FLEXVPN_ACCESS_A_OWNER))
		print_owner(o, a->owner);
}

static const char *access_name(const struct fv_access *a,
			       char buf[IF_NAMESIZE])
{
	return name_of(has(a->present, FLEXVPN_ACCESS_A_IFNAME), a->ifname,
		       a->ifindex, buf);
}

/*
 * The template's name as the kernel sent it: a `del` event can outlive the
 * template, whose ifindex then names nothing here any more.
 */
static void print_access_template(struct out *o, const struct fv_access *a)
{
	bool has_name = has(a->present, FLEXVPN_ACCESS_A_TEMPLATE_IFNAME);
	char buf[IF_NAMESIZE];

	if (has_name || has(a->present, FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX))
		out_str(o, "template", "template",
			name_of(has_name, a->template_ifname,
				a->template_ifindex, buf));
}

/*
 * `access show`'s shaper lines when the device is shaped; in JSON
 * "shaper" is null when it is not (rate 0), and left out, as everything
 * else, when an older module sent no shaper at all
 */
static void print_access_shaper(struct out *o, const struct fv_access *a)
{
	if (!has(a->present, FLEXVPN_ACCESS_A_SHAPER))
		return;
	if (!a->shaper.rate) {
		if (o->json)
			out_str(o, NULL, "shaper", NULL);
		return;
	}
	out_line(o, "shaper");
	out_nest_begin(o, "shaper");
	print_shaper(o, &a->shaper, "");
	out_nest_end(o);
	if (has(a->present, FLEXVPN_ACCESS_A_SHAPER_STATS)) {
		out_line(o, "shaper");
		print_shaper_stats(o, "shaper_stats", a->shaper_stats);
	}
}

/* Its template, outer addresses, key, peer (when @peer) and owner */
static void print_access_tunnel(struct out *o, const struct fv_access *a,
				bool peer)
{
	uint32_t p = a->present;

	print_access_template(o, a);
	out_ip(o, "remote", &a->remote, p, FLEXVPN_ACCESS_A_REMOTE_IPV4,
	       FLEXVPN_ACCESS_A_REMOTE_IPV6);
	out_ip(o, "local", &a->local, p, FLEXVPN_ACCESS_A_LOCAL_IPV4,
	       FLEXVPN_ACCESS_A_LOCAL_IPV6);
	print_access_ids(o, a, peer);
}

/*
 * What `ip -d link show` prints of a vaccess (the iproute2 plugin,
 * userspace/iplink/): `access show` less the name, the peer-id, the
 * counters and the routes, which the kernel's IFLA_INFO_DATA does not
 * carry.
 */
void print_access_settings(struct out *o, const struct fv_access *a)
{
	print_access_tunnel(o, a, false);
	print_access_shaper(o, a);
}

/*
 * @event ("new", "del") prefixes a monitor line; @stats adds the counters
 * and the shaper of `access show`.
 */
void print_access(struct out *o, const struct fv_access *a,
		  const char *event, bool stats)
{
	char name[IF_NAMESIZE];
	uint32_t p = a->present;

	out_obj_begin(o);
	if (event)
		out_str(o, NULL, "event", event);
	out_str(o, NULL, "ifname", access_name(a, name));
	print_access_tunnel(o, a, true);
	if (stats && has(p, FLEXVPN_ACCESS_A_STATS))
		print_stats(o, a->stats);
	if (stats && a->routes)
		print_access_routes(o, a);
	if (stats)
		print_access_shaper(o, a);
	out_obj_end(o);
}

/*
 * `access add` prints the new device's name, as a script wants it; in JSON
 * the whole device.
 */
void print_new_access(struct out *o, const struct fv_access *a)
{
	char name[IF_NAMESIZE];

	if (o->json) {
		print_access(o, a, NULL, false);
		return;
	}
	out_str(o, NULL, "ifname", access_name(a, name));
	out_obj_end(o);
}

/* The head of a packet in hex, as tcpdump -x would without the blanks */
static void out_hex(struct out *o, const char *word, const char *key,
		    const uint8_t *p, uint32_t len)
{
	char buf[2 * FLEXVPN_REDIRECT_PACKET_MAX + 1];
	uint32_t i;

	if (len > FLEXVPN_REDIRECT_PACKET_MAX)
		len = FLEXVPN_REDIRECT_PACKET_MAX;
	for (i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * len] = '\0';
	out_str(o, word, key, buf);
}

/*
 * A redirect trigger, on one line: "redirect va1 -> va2 network-id 7
 * src 10.1.0.2 dst 10.2.0.2 len 84 packet 4500..."
 */
void print_redirect(struct out *o, const struct fv_redirect *r)
{
	char in[IF_NAMESIZE], out[IF_NAMESIZE];
	uint32_t p = r->present;

	out_obj_begin(o);
	out_str(o, NULL, "event", "redirect");
	out_str(o, NULL, "in", dev_name(r->ifindex_in, in));
	out_text(o, " ->");
	out_str(o, NULL, "out", dev_name(r->ifindex_out, out));
	if (o->json) {
		out_u64(o, NULL, "ifindex_in", r->ifindex_in);
		out_u64(o, NULL, "ifindex_out", r->ifindex_out);
	}
	if (has(p, FLEXVPN_REDIRECT_A_NETWORK_ID))
		out_u64(o, "network-id", "network_id", r->network_id);
	out_ip(o, "src", &r->src, p, FLEXVPN_REDIRECT_A_SRC_IPV4,
	       FLEXVPN_REDIRECT_A_SRC_IPV6);
	out_ip(o, "dst", &r->dst, p, FLEXVPN_REDIRECT_A_DST_IPV4,
	       FLEXVPN_REDIRECT_A_DST_IPV6);
	if (has(p, FLEXVPN_REDIRECT_A_PACKET_LEN))
		out_u64(o, "len", "packet_len", r->packet_len);
	if (has(p, FLEXVPN_REDIRECT_A_PACKET))
		out_hex(o, "packet", "packet", r->packet.data, r->packet.len);
	out_obj_end(o);
}

/* "18446744073709551615s" in hours, with "h59m59s", and the NUL */
#define SECS_STRLEN 32

/* A time left, as Go prints a duration: "42s", "1m57s", "2h0m0s" */
static const char *secs_str(uint64_t s, char buf[SECS_STRLEN])
{
	if (s >= 3600)
		snprintf(buf, SECS_STRLEN, "%" PRIu64 "h%um%us", s / 3600,
			 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
	else if (s >= 60)
		snprintf(buf, SECS_STRLEN, "%um%us", (unsigned int)(s / 60),
			 (unsigned int)(s % 60));
	else
		snprintf(buf, SECS_STRLEN, "%us", (unsigned int)s);
	return buf;
}

enum nhrp_column {
	NHRP_TYPE, NHRP_PREFIX, NHRP_DEV, NHRP_NBMA, NHRP_PROTO,
	NHRP_EXPIRES, NHRP_USED, NHRP_COLUMNS
};

/* The columns of `nhrp show`: the text's header and the JSON key */
static const struct {
	const char *head;
	const char *key;
} nhrp_columns[NHRP_COLUMNS] = {
	[NHRP_TYPE] = { "TYPE", "type" },
	[NHRP_PREFIX] = { "PREFIX", "prefix" },
	[NHRP_DEV] = { "DEVICE", "device" },
	[NHRP_NBMA] = { "NBMA", "nbma" },
	[NHRP_PROTO] = { "PROTOCOL", "protocol" },
	[NHRP_EXPIRES] = { "EXPIRES", "expires" },
	[NHRP_USED] = { "USED", "used" },
};

/* An entry's text values by column; NULL where it has none ("-") */
static void nhrp_values(const struct nhrp_entry *e,
			const char *val[NHRP_COLUMNS], char buf[SECS_STRLEN])
{
	static const char *const used[] = { NULL, "idle", "used" };

	val[NHRP_TYPE] = e->type;
	val[NHRP_PREFIX] = e->prefix;
	val[NHRP_DEV] = e->dev;
	val[NHRP_NBMA] = e->nbma;
	val[NHRP_PROTO] = e->proto;
	val[NHRP_EXPIRES] = e->has_expires ? secs_str(e->expires, buf) : NULL;
	val[NHRP_USED] = used[e->used + 1];
}

/* JSON: expires a number of seconds, used a boolean; null where "-" */
static void print_nhrp_json(struct out *o, const struct nhrp_entry *e)
{
	const char *val[NHRP_COLUMNS];
	char buf[SECS_STRLEN];
	int c;

	nhrp_values(e, val, buf);
	out_obj_begin(o);
	for (c = 0; c < NHRP_EXPIRES; c++)
		out_str(o, NULL, nhrp_columns[c].key, val[c]);
	if (e->has_expires)
		out_u64(o, NULL, nhrp_columns[NHRP_EXPIRES].key, e->expires);
	else
		out_str(o, NULL, nhrp_columns[NHRP_EXPIRES].key, NULL);
	if (e->used >= 0)
		out_bool(o, NULL, nhrp_columns[NHRP_USED].key, e->used,
			 onoff_choices);
	else
		out_str(o, NULL, nhrp_columns[NHRP_USED].key, NULL);
	out_obj_end(o);
}

/* One text row, "-" where there is no value; the last column unpadded */
static void print_nhrp_row(FILE *f, const char *const *val,
			   const int *width)
{
	int c;

	for (c = 0; c < NHRP_USED; c++)
		fprintf(f, "%-*s", width[c] + 2, val[c] ?: "-");
	fprintf(f, "%s\n", val[NHRP_USED] ?: "-");
}

/*
 * `nhrp show`: a header line, then one line per entry in columns as wide
 * as their widest value (the header alone for an empty cache); in JSON an
 * array.
 */
void print_nhrp(struct out *o, const struct nhrp_entry *v, size_t n)
{
	const char *head[NHRP_COLUMNS], *val[NHRP_COLUMNS];
	int width[NHRP_COLUMNS];
	char buf[SECS_STRLEN];
	size_t i;
	int c;

	out_list_begin(o);
	for (i = 0; o->json && i < n; i++)
		print_nhrp_json(o, &v[i]);
	out_list_end(o, true);
	if (o->json)
		return;
	for (c = 0; c < NHRP_COLUMNS; c++) {
		head[c] = nhrp_columns[c].head;
		width[c] = strlen(head[c]);
	}
	for (i = 0; i < n; i++) {
		nhrp_values(&v[i], val, buf);
		for (c = 0; c < NHRP_COLUMNS; c++)
			if (val[c] && (int)strlen(val[c]) > width[c])
				width[c] = strlen(val[c]);
	}
	print_nhrp_row(o->f, head, width);
	for (i = 0; i < n; i++) {
		nhrp_values(&v[i], val, buf);
		print_nhrp_row(o->f, val, width);
	}
}

/* `nhrp flush`: "flushed 3 entries"; {"flushed": 3} */
void print_nhrp_flushed(struct out *o, uint64_t n)
{
	out_obj_begin(o);
	out_u64(o, "flushed", "flushed", n);
	out_text(o, n == 1 ? " entry" : " entries");
	out_obj_end(o);
}
