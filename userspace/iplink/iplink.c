// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn's iproute2 link plugins: what `ip -d link show` and
 * `ip -d -j link show` print of a vtemplate and a vaccess device. One
 * shared object, installed as link_vtemplate.so and link_vaccess.so, the
 * names ip looks for; it exports vtemplate_link_util and vaccess_link_util.
 *
 * The kernel's IFLA_INFO_DATA uses the numbers of the flexvpn family's
 * template and access attributes (uapi/linux/flexvpn.h), so the tool's own
 * decoder and printers do the work: the details read as `flexvpn -j
 * template show` / `access show` does, less what the link message already
 * has (the name) and what the kernel keeps out of IFLA_INFO_DATA (the
 * peer's identity, the counters). Settings are not parsed here: `flexvpn
 * template set` changes them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <linux/flexvpn.h>

#include "iproute2.h"
#include "netlink.h"
#include "print.h"

#define IPLINK_EXPORT __attribute__((visibility("default")))

struct ip_api ip_api;

/* Every helper of ip found by name, once; false when one is missing */
bool ip_api_resolve(void)
{
	static const struct {
		const char *name;
		size_t offset;
	} syms[] = {
#define SYM(m) { #m, offsetof(struct ip_api, m) }
		SYM(is_json_context), SYM(get_json_writer), SYM(jsonw_name),
		SYM(jsonw_printf), SYM(jsonw_u64), SYM(jsonw_bool),
		SYM(jsonw_null), SYM(jsonw_start_object),
		SYM(jsonw_end_object), SYM(jsonw_start_array),
		SYM(jsonw_end_array),
#undef SYM
		{ "_SL_", offsetof(struct ip_api, sl) },
	};
	static int state;	/* 0 not tried, 1 found, -1 missing */
	size_t i;

	for (i = 0; !state && i < ARRAY_SIZE(syms); i++) {
		void *p = dlsym(RTLD_DEFAULT, syms[i].name);

		if (!p)
			state = -1;
		memcpy((char *)&ip_api + syms[i].offset, &p, sizeof(p));
	}
	if (!state)
		state = 1;
	return state > 0;
}

/*
 * ip hands print_opt the first attribute of each type of IFLA_INFO_DATA,
 * not the nest itself, so a template's shaper groups (one attribute each,
 * of one type) would come but the first. The nest's attributes lie in
 * order between the first of those ip saw and the furthest end of any, and
 * the kernel follows the groups with other attributes (uapi), so that run
 * holds every group. It is copied behind a nest header of our own for the
 * tool's decoder. Returns NULL when there is nothing, or no memory.
 */
static struct nlattr *info_data(struct rtattr *tb[], int maxattr)
{
	const char *start = NULL, *end = NULL;
	struct nlattr *nest;
	size_t len;
	int i;

	for (i = 1; tb && i <= maxattr; i++) {
		const char *s = (const char *)tb[i];

		if (!s)
			continue;
		if (!start || s < start)
			start = s;
		if (s + RTA_ALIGN(tb[i]->rta_len) > end)
			end = s + RTA_ALIGN(tb[i]->rta_len);
	}
	if (!start)
		return NULL;
	len = end - start;
	if (NLA_HDRLEN + len > UINT16_MAX)
		return NULL;
	nest = malloc(NLA_HDRLEN + len);
	if (!nest)
		return NULL;
	nest->nla_len = NLA_HDRLEN + len;
	nest->nla_type = NLA_F_NESTED;
	memcpy((char *)nest + NLA_HDRLEN, start, len);
	return nest;
}

/*
 * One print call per field, text and JSON alike, into the object ip opened
 * ("info_data") or after the kind on ip's text line. Text ends with a new
 * indented line for what ip prints next, as the details may take several.
 */
static void print_details(FILE *f, const void *model,
			  void (*print)(struct out *o, const void *model))
{
	struct out o;

	out_mode = ip_api.is_json_context() ? OUT_JSON : OUT_TEXT;
	out_init(&o, f);
	o.newline = *ip_api.sl;
	print(&o, model);
	if (!o.json)
		fprintf(f, "%s    ", o.newline);
}

/*
 * What a kind's details are decoded into and printed from: the tool's
 * model and its printer of what link info carries
 */
struct view {
	size_t size;
	int (*parse)(const struct nlattr *nest, void *model);
	void (*print)(struct out *o, const void *model);
};

static int parse_template(const struct nlattr *nest, void *model)
{
	return fvnl_template_parse(nest, model);
}

static void print_template_view(struct out *o, const void *model)
{
	print_template_settings(o, model);
}

static int parse_access(const struct nlattr *nest, void *model)
{
	return fvnl_access_parse(nest, model);
}

static void print_access_view(struct out *o, const void *model)
{
	print_access_settings(o, model);
}

static const struct view template_view = {
	sizeof(struct fv_template), parse_template, print_template_view
};
static const struct view access_view = {
	sizeof(struct fv_access), parse_access, print_access_view
};

/* Both kinds: the model (too large for ip's stack) filled from @tb */
static void print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	const struct view *v = strcmp(lu->id, FLEXVPN_TEMPLATE_KIND) ?
			       &access_view : &template_view;
	struct nlattr *nest;
	void *model = NULL;

	if (!ip_api_resolve())
		return;
	nest = info_data(tb, lu->maxattr);
	if (nest)
		model = malloc(v->size);
	if (model && !v->parse(nest, model))
		print_details(f, model, v->print);
	free(model);
	free(nest);
}

static void vtemplate_print_help(struct link_util *lu, int argc, char **argv,
				 FILE *f)
{
	fputs("Usage: ip link add NAME type vtemplate\n"
	      "Settings: flexvpn template set NAME ... (see flexvpn(8))\n", f);
}

static void vaccess_print_help(struct link_util *lu, int argc, char **argv,
			       FILE *f)
{
	fputs("vaccess devices are created from a vtemplate: "
	      "flexvpn access add TEMPLATE remote ADDR ... (see flexvpn(8))\n",
	      f);
}

IPLINK_EXPORT struct link_util vtemplate_link_util = {
	.id = FLEXVPN_TEMPLATE_KIND,
	.maxattr = FLEXVPN_TMPL_A_MAX,
	.print_opt = print_opt,
	.print_help = vtemplate_print_help,
};

IPLINK_EXPORT struct link_util vaccess_link_util = {
	.id = FLEXVPN_ACCESS_KIND,
	.maxattr = FLEXVPN_ACCESS_A_MAX,
	.print_opt = print_opt,
	.print_help = vaccess_print_help,
};
