// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of configuration files (config_*.c) with no kernel: the
 * grammar, every error with its file and line, what a plan against a
 * running system made up here changes and reports, and that what
 * `config show` prints reads back as a file that changes nothing.
 */
#include <arpa/inet.h>
#include <linux/if_link.h>

#include "config.h"
#include "tap.h"

/*
 * The devices of fake_dev.c as rtnetlink would list them: vt1 a template
 * under vrf-in, va1 its access device
 */
static struct fv_link links[] = {
	{ 1, 0, "lo", "" },
	{ 5, 6, "vt1", FLEXVPN_TEMPLATE_KIND },
	{ 6, 0, "vrf-in", "vrf" },
	{ 7, 0, "vrf-out", "vrf" },
	{ 8, 0, "eth0", "" },
	{ 10, 6, "va1", FLEXVPN_ACCESS_KIND },
};

static struct fv_template running;	/* vt1 as the kernel reports it */
static struct cfg_live live = {
	.links = { ARRAY_SIZE(links), ARRAY_SIZE(links), links },
	.count = 1, .t = &running,
};
static struct config cfg;
static struct cfg_plan plan;

/* vt1 fresh from `ip link add`, under vrf-in */
static void reset_running(void)
{
	cfg_template_defaults(&running);
	strcpy(running.ifname, "vt1");
	links[1].master = 6;
}

static void add_group(struct fv_template *t, const char *name, uint64_t rate,
		      uint64_t ceil, uint32_t members)
{
	struct fv_group *g = &t->groups.v[t->groups.count++];

	memset(g, 0, sizeof(*g));
	strcpy(g->name, name);
	g->rate = rate;
	g->ceil = ceil;
	g->members = members;
}

/* @text as the file "t.conf" into cfg; what went to stderr into *err */
static int parse(const char *text, char **err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct capture c;
	int ret;

	config_free(&cfg);
	capture_begin(&c, &stderr);
	ret = config_read_file(&cfg, f, "t.conf") ?: config_finish(&cfg);
	*err = capture_end(&c);
	fclose(f);
	return ret;
}

/* @text parsed and planned against `running`; the reports into *out */
static int plan_of(const char *text, char **out, char **err)
{
	struct capture c;
	int ret = parse(text, err);
	config_plan_free(&plan);
	*out = NULL;
	if (ret)
		return ret;
	free(*err);
	capture_begin(&c, &stderr);
	ret = config_plan(&cfg, &live, &plan);
	*err = capture_end(&c);
	capture_begin(&c, &stdout);
	config_plan_print(&plan, stdout);
	*out = capture_end(&c);
	return ret;
}

static bool parses(const char *text, const char *name)
{
	char *err;
	int ret = parse(text, &err);
	bool pass = ok(!ret && !*err, "parses: %s", name);

	if (!pass)
		tap_diag("stderr", err);
	free(err);
	return pass;
}

/* The value of setting @word (the first of that word) of declared @tmpl */
static const char *value_of(const char *tmpl, const char *word)
{
	static char buf[CFG_VALUE_LEN];
	const struct cfg_template *ct = config_find(&cfg, tmpl);
	size_t i;

	for (i = 0; ct && i < cfg_settings_count; i++) {
		if (!strcmp(cfg_settings[i].word, word)) {
			cfg_value(&cfg_settings[i], &ct->t, buf);
			return buf;
		}
	}
	return "(none such)";
}

static void test_grammar(void)
{
	static const char block[] =
		"# the hub\n"
		"template vt1 master vrf-in   # the inside VRF\n"
		"    mtu 1400 underlay vrf-out\n"
		"\n"
		"    # the outside\n"
		"\tsource eth0 local 198.18.0.1 local 2001:db8::1\n"
		"group vt1 gold rate 50Mbit \\\n"
		"ceil 100Mbit\r\n"
		"template vt2\n";
	const struct cfg_template *ct;

	if (!parses(block, "a block, comments, a continuation, CRLF"))
		return;
	ct = config_find(&cfg, "vt1");
	is_int(cfg.count, 2, "two templates");
	ok(ct && ct->master == 6, "master vrf-in");
	is_str(value_of("vt1", "mtu"), "1400", "mtu from an indented line");
	is_str(value_of("vt1", "underlay"), "vrf-out", "underlay");
	is_str(value_of("vt1", "source"), "eth0",
	       "a tab-indented line after a comment line continues");
	ok(ct && ct->t.local.v4.s_addr == htonl(0xc6120001),
	   "local: the IPv4 address");
	ok(ct && ct->t.local.v6.s6_addr[3] == 0xb8,
	   "local a second time: the IPv6 address");
	ok(ct && ct->t.groups.count == 1 &&
	   ct->t.groups.v[0].ceil == 100000000 &&
	   ct->at.line == 2 && ct->group_at[0].line == 7,
	   "a group continued with \\, across CRLF; the lines kept");
	is_str(value_of("vt1", "key"), "none", "key: the default");
	is_str(value_of("vt2", "prefix"), FLEXVPN_DEFAULT_PREFIX,
	       "prefix: the default");
	is_str(value_of("vt2", "nhrp-redirect-interval"), "2s",
	       "nhrp-redirect-interval: the default");
	is_str(value_of("vt2", "esp-overhead"), "36",
	       "esp-overhead: the default");
	ok(!config_find(&cfg, "vt2")->master, "master: none by default");

	if (parses("template vt1 key 7\n", "a key"))
		is_str(value_of("vt1", "key"), "7",
		       "a key alone makes the key fixed");
	if (parses("template vt1 mtu 1400\n", "one line"))
		is_int(config_find(&cfg, "vt1")->kw_line[1], 1,
		       "the line of a keyword is kept");
	parses("", "an empty file");
	parses("# nothing\n\n   \n", "comments and blank lines only");
}

/* Two files: the group may come before its template, in another file */
static void test_two_files(void)
{
	static const char one[] = "group vt1 gold rate 1mbit\n";
	static const char two[] = "template vt1 access-group gold\n";
	FILE *f1 = fmemopen((void *)one, strlen(one), "r");
	FILE *f2 = fmemopen((void *)two, strlen(two), "r");

	config_free(&cfg);
	ok(!config_read_file(&cfg, f1, "10-groups.conf") &&
	   !config_read_file(&cfg, f2, "20-hub.conf") && !config_finish(&cfg),
	   "a group declared before its template, in another file");
	ok(cfg.count == 1 && cfg.v[0]->t.groups.count == 1 &&
	   !strcmp(cfg.v[0]->group_at[0].file, "10-groups.conf"),
	   "the group is the template's, its file kept");
	fclose(f1);
	fclose(f2);
}

/* Each bad file: one message naming the file and the line */
static void test_errors(void)
{
	static const struct {
		const char *text;
		int status;
		const char *msg;
	} bad[] = {
		{ "template vt1 mtuu 1400\n", EXIT_USAGE,
		  "t.conf:1: unknown keyword \"mtuu\"" },
		{ "template vt1\n\n  mtu 99999\n", EXIT_USAGE,
		  "t.conf:3: \"mtu\" expects a number between 68 and 65455 "
		  "or \"auto\", not \"99999\"" },
		{ "template vt1 mtu\n", EXIT_USAGE,
		  "t.conf:1: \"mtu\" expects a number between 68 and 65455 "
		  "or \"auto\"" },
		{ "template vt1 mtu 1400\n  mtu auto\n", EXIT_USAGE,
		  "t.conf:2: \"mtu\" given twice" },
		{ "template vt1 local 192.0.2.1\n local 192.0.2.2\n", EXIT_USAGE,
		  "t.conf:2: \"local\" given twice for one address family" },
		{ "template vt1 local none local 2001:db8::1\n", EXIT_USAGE,
		  "t.conf:1: \"local\" given twice for one address family" },
		{ "template vt1 master none master vrf-in\n", EXIT_USAGE,
		  "t.conf:1: \"master\" given twice" },
		{ "template vt1 underlay vrf-nope\n", EXIT_REFUSED,
		  "t.conf:1: cannot find device \"vrf-nope\"" },
		{ "template vt1\n master\n", EXIT_USAGE,
		  "t.conf:2: \"master\" expects a VRF device or \"none\"" },
		{ "template\n", EXIT_USAGE,
		  "t.conf:1: \"template\" expects a device name of 1 to 15 "
		  "characters" },
		{ "template a-name-far-too-long\n", EXIT_USAGE,
		  "t.conf:1: \"template\" expects a device name of 1 to 15 "
		  "characters" },
		{ "# a\ntemplate vt1\ntemplate vt1 mtu 1400\n", EXIT_USAGE,
		  "t.conf:3: template \"vt1\" declared twice (first at "
		  "t.conf:2)" },
		{ "interface vt1\n", EXIT_USAGE,
		  "t.conf:1: unknown statement \"interface\" (a statement "
		  "starts with \"template\" or \"group\")" },
		{ "   mtu 1400\n", EXIT_USAGE,
		  "t.conf:1: an indented line continues a statement, and none "
		  "comes before it" },
		{ "template vt1 \\ mtu 1400\n", EXIT_USAGE,
		  "t.conf:1: \"\\\" continues a line only at its end" },
		{ "template vt1 \\\n", EXIT_USAGE,
		  "t.conf:1: the last line ends with \"\\\": the statement "
		  "goes on past the end of the file" },
		{ "template vt1\ngroup vt1 gold\n", EXIT_USAGE,
		  "t.conf:2: group \"gold\" needs a \"rate\"" },
		{ "template vt1\ngroup vt1\n", EXIT_USAGE,
		  "t.conf:2: \"group\" expects a template and a group name: "
		  "group TEMPLATE NAME rate RATE [ceil RATE]" },
		{ "template vt1\ngroup vt1 gold/1 rate 1mbit\n", EXIT_USAGE,
		  "t.conf:2: \"gold/1\" is not a group name of 1 to 15 "
		  "characters out of A-Z a-z 0-9 _ . -" },
		{ "template vt1\ngroup vt1 gold rate 1mbit\n"
		  "  ceil 2mbit bogus 1\n", EXIT_USAGE,
		  "t.conf:3: unknown keyword \"bogus\"" },
		{ "template vt1\ngroup vt1 gold rate fast\n", EXIT_USAGE,
		  "t.conf:2: \"rate\" expects a rate from 8bit to 10Tbit, such "
		  "as 10mbit or 1500kbps, not \"fast\"" },
		{ "template vt1\ngroup vt1 gold rate 1mbit\n"
		  "group vt1 gold rate 2mbit\n", EXIT_USAGE,
		  "t.conf:3: group \"gold\" of \"vt1\" declared twice (first "
		  "at t.conf:2)" },
		{ "template vt1\ngroup vt2 gold rate 1mbit\n", EXIT_USAGE,
		  "t.conf:2: group \"gold\" of \"vt2\", which no template "
		  "statement declares" },
		{ "template vt1\n  access-rate 1mbit\n  access-group gold\n",
		  EXIT_USAGE,
		  "t.conf:3: access-group \"gold\" is no group of \"vt1\": "
		  "declare it (group vt1 gold rate RATE)" },
		{ "template vt1 access-rate 2mbit\n  access-ceil 1mbit\n",
		  EXIT_USAGE, "t.conf:2: access-ceil is below access-rate" },
		{ "template vt1\ngroup vt1 gold rate 2mbit ceil 1mbit\n",
		  EXIT_USAGE,
		  "t.conf:2: the ceil of group \"gold\" is below its rate" },
	};
	char name[300], want[300], *err;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = parse(bad[i].text, &err);
		snprintf(name, sizeof(name), "refused with %d: %s",
			 bad[i].status, bad[i].msg);
		is_int(ret, bad[i].status, name);
		snprintf(want, sizeof(want), "Error: %s\n", bad[i].msg);
		snprintf(name, sizeof(name), "one message: %s", bad[i].msg);
		is_str(err, want, name);
		free(err);
	}
}

/* The changes @text asks of `running`: their reports, or the refusal */
static void plans(const char *text, const char *report, const char *name)
{
	char *out, *err;
	int ret = plan_of(text, &out, &err);

	if (ok(!ret && !*err, "plans: %s", name))
		is_str(out, report, name);
	else
		tap_diag("stderr", err);
	free(out);
	free(err);
}

static void plan_refused(const char *text, const char *msg)
{
	char want[300], *out, *err;
	int ret = plan_of(text, &out, &err);

	ok(ret && !plan.count, "nothing planned: %s", msg);
	snprintf(want, sizeof(want), "Error: %s\n", msg);
	is_str(err, want, msg);
	free(out);
	free(err);
}

/* The single op planned: its kind, request and undoing */
static const struct cfg_op *only_op(enum cfg_op_kind kind)
{
	return plan.count == 1 && plan.v[0].kind == kind ? &plan.v[0] : NULL;
}

static void test_plan(void)
{
	const struct cfg_op *op;

	reset_running();
	plans("template vt1 master vrf-in\n", "",
	      "the running template as declared: nothing changes");
	plans("template vt1 master vrf-in mtu 1400\n",
	      "vt1: mtu auto -> 1400\n", "one setting changes, and only it");
	op = only_op(CFG_SET);
	ok(op && op->req->present == BIT(FLEXVPN_TMPL_A_MTU) &&
	   op->req->mtu == 1400 &&
	   op->undo->present == BIT(FLEXVPN_TMPL_A_MTU) && !op->undo->mtu,
	   "the request carries the MTU alone, its undoing the old one");
	plans("template vt1\n", "vt1: master vrf-in -> none\n",
	      "a master the file leaves out goes");
	op = only_op(CFG_MASTER);
	ok(op && !op->master && op->old_master == 6,
	   "master: none, undone as vrf-in");
	plans("template vt1 master vrf-in access-rate 10mbit access-qlen 64\n",
	      "vt1: access-rate none -> 10Mbit\nvt1: access-qlen default -> 64\n",
	      "the default shaper's settings");
	op = only_op(CFG_SET);
	ok(op && op->req->present == BIT(FLEXVPN_TMPL_A_SHAPER) &&
	   op->req->shaper.present == (BIT(FLEXVPN_SHAPER_A_RATE) |
				       BIT(FLEXVPN_SHAPER_A_QLEN)),
	   "in the nest, the two alone");

	running.key_mode = FLEXVPN_KEY_FIXED;
	running.key = 5;
	running.shaper_rate = 96;
	running.mtu = 1400;
	plans("template vt1 master vrf-in key 5 parent-rate 100bit mtu 1400\n",
	      "", "a key, a rate the kernel keeps as 12 bytes/s: as they run");
	plans("template vt1 master vrf-in parent-rate 96bit\n",
	      "vt1: mtu 1400 -> auto\nvt1: key 5 -> none\n",
	      "what the file leaves out goes back to its default");
	op = only_op(CFG_SET);
	ok(op && op->req->present == (BIT(FLEXVPN_TMPL_A_MTU) |
				      BIT(FLEXVPN_TMPL_A_GRE_KEY_MODE)) &&
	   op->req->key_mode == FLEXVPN_KEY_NONE &&
	   op->undo->present == (BIT(FLEXVPN_TMPL_A_MTU) |
				 BIT(FLEXVPN_TMPL_A_GRE_KEY)) &&
	   op->undo->key == 5,
	   "key none is the key mode; undone by the key itself");

	reset_running();
	add_group(&running, "gold", 50000000, 50000000, 3);
	add_group(&running, "bronze", 1000000, 2000000, 0);
	plans("template vt1 master vrf-in\ngroup vt1 gold rate 50mbit\n"
	      "group vt1 silver rate 20mbit ceil 40mbit\n",
	      "vt1: group silver added\nvt1: group bronze removed\n",
	      "a group added, an undeclared one removed, ceil none = rate");
	ok(plan.count == 2 &&
	   plan.v[0].req->groups.v[0].ceil == 40000000 &&
	   has(plan.v[0].undo->groups.v[0].present, FLEXVPN_GROUP_A_DELETE) &&
	   has(plan.v[1].req->groups.v[0].present, FLEXVPN_GROUP_A_DELETE) &&
	   plan.v[1].undo->groups.v[0].rate == 1000000 &&
	   plan.v[1].at->line == 1,
	   "added: undone by deleting; removed: undone by adding it back");
	plans("template vt1 master vrf-in\n"
	      "group vt1 gold rate 60mbit ceil 100mbit\n"
	      "group vt1 bronze rate 1mbit ceil 2mbit\n",
	      "vt1: group gold rate 50Mbit -> 60Mbit\n"
	      "vt1: group gold ceil 50Mbit -> 100Mbit\n",
	      "a group changed, one request");
	plan_refused("template vt1 master vrf-in\n"
		     "group vt1 bronze rate 1mbit ceil 2mbit\n",
		     "t.conf:1: group \"gold\" of \"vt1\" has 3 access "
		     "devices: declare it, or move them out of it first");

	reset_running();
	plans("template vt2 master vrf-out key 7\n",
	      "vt2: created\nvt2: master none -> vrf-out\nvt2: key none -> 7\n",
	      "a new template: created, then what is not its default");
	ok(plan.count == 3 && plan.v[0].kind == CFG_CREATE &&
	   plan.v[1].kind == CFG_MASTER && plan.v[2].kind == CFG_SET,
	   "created before anything is set");
	plan_refused("template eth0\n",
		     "t.conf:1: \"eth0\" is a device that is not a "
		     "virtual-template");
	plan_refused("template vt1\n  master eth0\n",
		     "t.conf:2: master \"eth0\" is not a VRF device");
	plan_refused("template vt1 underlay eth0\n",
		     "t.conf:1: underlay \"eth0\" is not a VRF device");
	plan_refused("template vt2 source va1\n",
		     "t.conf:1: source \"va1\" is a flexvpn device");
}

/* A template with every setting away from its default */
static void rich_template(struct fv_template *t)
{
	cfg_template_defaults(t);
	strcpy(t->ifname, "vt1");
	t->mtu = 1400;
	t->underlay = 7;
	t->source = 8;
	inet_pton(AF_INET, "198.18.0.1", &t->local.v4);
	inet_pton(AF_INET6, "2001:db8::1", &t->local.v6);
	t->key_mode = FLEXVPN_KEY_FIXED;
	t->key = 42;
	t->nhrp_network_id = 9;
	t->nhrp_redirect = 1;
	t->nhrp_redirect_interval = 1500;
	t->allow_unprotected = 1;
	strcpy(t->prefix, "sp");
	t->shaper_rate = 100000000;
	t->shaper_overhead = 40;
	t->shaper.rate = 10000000;
	t->shaper.ceil = 20000000;
	t->shaper.burst = 3000;
	t->shaper.qlen = 64;
	strcpy(t->shaper.group, "gold");
	add_group(t, "gold", 50000000, 100000000, 2);
	add_group(t, "silver", 20000000, 20000000, 0);
}

/* `config show` of @t as text */
static char *shown(const struct fv_template *t, const char *master)
{
	struct capture c;

	capture_begin(&c, &stdout);
	config_print(stdout, t, master);
	return capture_end(&c);
}

static void round_trip(const char *what)
{
	char *text = shown(&running, "vrf-in"), *out, *err, *again;
	int ret = plan_of(text, &out, &err);

	ok(!ret && !*out && !*err, "round trip, %s: show's output applied "
	   "changes nothing", what);
	if (*err)
		tap_diag("stderr", err);
	if (*out)
		tap_diag("changes", out);
	if (!ret) {
		again = shown(&cfg.v[0]->t, "vrf-in");
		is_str(again, text, "round trip: read back, it prints the same");
		free(again);
	}
	free(text);
	free(out);
	free(err);
}

static void test_show(void)
{
	char *text;

	reset_running();
	text = shown(&running, "vrf-in");
	is_str(text, "template vt1 master vrf-in\n"
		     "    mtu auto underlay none source none local none key none\n"
		     "    nhrp-network-id 0 nhrp-redirect off "
		     "nhrp-redirect-interval 2s unprotected drop prefix va\n"
		     "    parent-rate none esp-overhead 36\n"
		     "    access-rate none access-ceil none access-burst auto "
		     "access-qlen default access-group none\n",
	       "show: a new template, every setting explicit");
	free(text);
	round_trip("the defaults");

	rich_template(&running);
	text = shown(&running, "vrf-in");
	is_str(text, "template vt1 master vrf-in\n"
		     "    mtu 1400 underlay vrf-out source eth0 "
		     "local 198.18.0.1 local 2001:db8::1 key 42\n"
		     "    nhrp-network-id 9 nhrp-redirect on "
		     "nhrp-redirect-interval 1500ms unprotected accept prefix sp\n"
		     "    parent-rate 100Mbit esp-overhead 40\n"
		     "    access-rate 10Mbit access-ceil 20Mbit access-burst 3000 "
		     "access-qlen 64 access-group gold\n"
		     "group vt1 gold rate 50Mbit ceil 100Mbit\n"
		     "group vt1 silver rate 20Mbit ceil 20Mbit\n",
	       "show: every setting, both local addresses, the groups");
	free(text);
	round_trip("every setting");

	memset(&running.local.v4, 0, sizeof(running.local.v4));
	text = shown(&running, "vrf-in");
	ok(strstr(text, " local 2001:db8::1 key") && !strstr(text, "none key"),
	   "show: an IPv6 local address alone");
	free(text);
	round_trip("an IPv6 local address alone");
}

int main(void)
{
	test_grammar();
	test_two_files();
	test_errors();
	test_plan();
	test_show();
	config_free(&cfg);
	config_plan_free(&plan);
	return tap_done();
}
