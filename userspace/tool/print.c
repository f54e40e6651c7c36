// SPDX-License-Identifier: GPL-2.0
/*
 * Output of templates and access devices, as text or as JSON. One printer
 * per object emits each field once, with its text word and its JSON key
 * side by side, so the two formats can't disagree.
 *
 * Text is one line per object, `word value` pairs like `ip` prints them;
 * "none" stands for an absent value, which JSON prints as null.
 */
#include <inttypes.h>
#include <string.h>
#include <arpa/inet.h>

#include "dev.h"
#include "print.h"

enum out_mode out_mode = OUT_TEXT;

void out_init(struct out *o, FILE *f)
{
	*o = (struct out){ .f = f, .json = out_mode != OUT_TEXT };
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
	if (has(p, FLEXVPN_TMPL_A_ALLOW_UNPROTECTED))
		out_str(o, "unprotected", "unprotected",
			choice_word(unprotected_choices,
				    !!t->allow_unprotected));
}

/*
 * Fields the kernel did not send are left out: an older module's reply
 * prints what it knows.
 */
void print_template(struct out *o, const struct fv_template *t)
{
	uint32_t p = t->present;
	char name[IF_NAMESIZE];

	out_obj_begin(o);
	out_str(o, NULL, "ifname", name_of(has(p, FLEXVPN_TMPL_A_IFNAME),
					   t->ifname, t->ifindex, name));
	out_text(o, ":");
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
};

static void print_stats(struct out *o, const uint64_t *stats)
{
	const struct counter *c;

	out_nest_begin(o, "stats");
	for (c = counters; c < counters + ARRAY_SIZE(counters); c++) {
		if (c->line) {
			out_text(o, "\n    ");
			out_text(o, c->line);
		}
		out_u64(o, c->word, c->key, stats[c->attr]);
	}
	out_nest_end(o);
}

/* An access device has outer addresses of one family */
static const char *access_ip(const struct fv_ips *ips, uint32_t present,
			     int attr4, int attr6, char buf[INET6_ADDRSTRLEN])
{
	return ip_str(ips, present, attr4, AF_INET, buf) ?:
	       ip_str(ips, present, attr6, AF_INET6, buf);
}

/* An absent key or peer-id is a fact ("none"), not a missing field */
static void print_access_ids(struct out *o, const struct fv_access *a)
{
	if (has(a->present, FLEXVPN_ACCESS_A_GRE_KEY))
		out_u64(o, "key", "key", a->key);
	else
		out_str(o, "key", "key", NULL);
	out_str(o, "peer-id", "peer_id", *a->peer_id ? a->peer_id : NULL);
	if (has(a->present, FLEXVPN_ACCESS_A_OWNER))
		out_num(o, "owner", "owner", a->owner, true);
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
 * @event ("new", "del") prefixes a monitor line; @stats adds the counters
 * of `access show`.
 */
void print_access(struct out *o, const struct fv_access *a,
		  const char *event, bool stats)
{
	char name[IF_NAMESIZE], buf[INET6_ADDRSTRLEN];
	uint32_t p = a->present;

	out_obj_begin(o);
	if (event)
		out_str(o, NULL, "event", event);
	out_str(o, NULL, "ifname", access_name(a, name));
	print_access_template(o, a);
	out_str(o, "remote", "remote",
		access_ip(&a->remote, p, FLEXVPN_ACCESS_A_REMOTE_IPV4,
			  FLEXVPN_ACCESS_A_REMOTE_IPV6, buf));
	out_str(o, "local", "local",
		access_ip(&a->local, p, FLEXVPN_ACCESS_A_LOCAL_IPV4,
			  FLEXVPN_ACCESS_A_LOCAL_IPV6, buf));
	print_access_ids(o, a);
	if (stats && has(p, FLEXVPN_ACCESS_A_STATS))
		print_stats(o, a->stats);
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
