// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of reading the NHRP control socket's answer: entries and
 * their "-" fields, "flushed", "error", and every malformed answer saying
 * what was wrong.
 */
#include <errno.h>
#include <string.h>

#include "nhrp_cache.h"
#include "parse.h"
#include "tap.h"

#define V "flexvpn-nhrp 1\n"

/* The answer parsed, from a copy that lives until the next call */
static int parse(const char *text, struct nhrp_answer *a)
{
	static char buf[8192];
	size_t len = strlen(text);

	nhrp_answer_free(a);
	memcpy(buf, text, len + 1);
	return nhrp_answer_parse(buf, len, a);
}

static void test_show(void)
{
	struct nhrp_answer a = { 0 };
	const struct nhrp_entry *e;

	is_int(parse(V "entry\tdynamic\t203.0.113.32/28\tva3\t198.18.2.1\t"
		       "203.0.113.33\t117\tused\n"
		       "entry\tincomplete\t2001:db8:301::/64\tva12\t-\t-\t3\t-\n"
		       "entry\tlocal\t203.0.113.16/28\tva1\t198.18.1.1\t"
		       "203.0.113.17\t-\tidle\n"
		       "end\n", &a), 0, "show: three entries");
	is_int(a.count, 3, "show: all three kept");
	e = &a.v[0];
	is_str(e->type, "dynamic", "entry: TYPE");
	is_str(e->prefix, "203.0.113.32/28", "entry: PREFIX");
	is_str(e->dev, "va3", "entry: DEV");
	is_str(e->nbma, "198.18.2.1", "entry: NBMA");
	is_str(e->proto, "203.0.113.33", "entry: PROTO");
	ok(e->has_expires && e->expires == 117, "entry: EXPIRES in seconds");
	is_int(e->used, 1, "entry: \"used\"");
	e = &a.v[1];
	ok(!e->nbma && !e->proto, "entry: \"-\" is no value");
	is_int(e->used, -1, "entry: USED \"-\"");
	e = &a.v[2];
	ok(!e->has_expires, "entry: EXPIRES \"-\"");
	is_int(e->used, 0, "entry: \"idle\"");
	ok(!a.error && !a.flushed, "show: no error, no flush");

	is_int(parse(V "end\n", &a), 0, "show: an empty cache");
	is_int(a.count, 0, "show: no entries");
	is_int(parse(V "entry\tfuture\t10.0.0.0/8\tva1\t-\t-\t-\t-\n"
		       "news\tof a newer server\nend\n", &a), 0,
	       "a newer server's line kind is skipped");
	is_str(a.v[0].type, "future", "a newer server's TYPE is kept as is");
	is_int(parse(V "end", &a), 0, "\"end\" without its newline");
	nhrp_answer_free(&a);
}

static void test_flush_error(void)
{
	struct nhrp_answer a = { 0 };

	is_int(parse(V "flushed\t42\nend\n", &a), 0, "flush: parsed");
	ok(a.flushed && a.flushed_count == 42, "flush: the count");
	is_int(parse(V "error\tflush needs CAP_NET_ADMIN\tsee the log\nend\n",
		     &a), 0, "error: parsed");
	is_str(a.error, "flush needs CAP_NET_ADMIN\tsee the log",
	       "error: the rest of the line, tabs and all");
	nhrp_answer_free(&a);
}

/* A malformed answer: the error and what a->why says */
static void bad(const char *text, int err, const char *why, const char *name)
{
	struct nhrp_answer a = { 0 };
	char what[128];

	snprintf(what, sizeof(what), "%s: refused", name);
	is_int(parse(text, &a), err, what);
	snprintf(what, sizeof(what), "%s: says why", name);
	is_str(a.why, why, what);
	nhrp_answer_free(&a);
}

static const struct {
	const char *name;
	const char *text;
	int err;
	const char *why;
} malformed[] = {
	{ "empty", "", -EBADMSG, "the answer is empty" },
	{ "another version", "flexvpn-nhrp 2\nend\n", -EPROTONOSUPPORT,
	  "\"flexvpn-nhrp 2\", not \"flexvpn-nhrp 1\"" },
	{ "no version line", "end\n", -EPROTONOSUPPORT,
	  "\"end\", not \"flexvpn-nhrp 1\"" },
	{ "an entry short a field",
	  V "entry\tdynamic\t10.0.0.0/8\tva1\t-\t-\t-\nend\n", -EBADMSG,
	  "line 2: \"entry\" has 7 fields, not 8" },
	{ "an entry a field too many",
	  V "entry\tdynamic\t10.0.0.0/8\tva1\t-\t-\t-\t-\t-\nend\n", -EBADMSG,
	  "line 2: \"entry\" has 9 fields, not 8" },
	{ "an empty field",
	  V "entry\tdynamic\t\tva1\t-\t-\t-\t-\nend\n", -EBADMSG,
	  "line 2: field 3 of \"entry\" is empty" },
	{ "EXPIRES", V "entry\tdynamic\t10.0.0.0/8\tva1\t-\t-\tsoon\t-\nend\n",
	  -EBADMSG, "line 2: EXPIRES \"soon\" is no number of seconds" },
	{ "USED", V "entry\tdynamic\t10.0.0.0/8\tva1\t-\t-\t-\tyes\nend\n",
	  -EBADMSG, "line 2: USED \"yes\" is not \"used\", \"idle\" or \"-\"" },
	{ "flushed: no count", V "flushed\tmany\nend\n", -EBADMSG,
	  "line 2: \"flushed\" without a count" },
	{ "no \"end\"", V "entry\tdynamic\t10.0.0.0/8\tva1\t-\t-\t-\t-\n",
	  -EBADMSG, "it ends without \"end\" (cut short?)" },
	{ "lines after \"end\"",
	  V "end\nentry\tdynamic\t10.0.0.0/8\tva1\t-\t-\t-\t-\n", -EBADMSG,
	  "line 3: more after \"end\"" },
	{ "\"end\" with fields", V "end\textra\n", -EBADMSG,
	  "line 2: \"end\" with fields" },
	{ "no terminal escapes", V "error\t\x1b[2Jgotcha\nend\n", -EBADMSG,
	  "line 2: a control character" },
};

static void test_malformed(void)
{
	char longline[600];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(malformed); i++)
		bad(malformed[i].text, malformed[i].err, malformed[i].why,
		    malformed[i].name);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, V, strlen(V));
	bad(longline, -EBADMSG, "line 2 is longer than 511 bytes",
	    "a line over NHRP_CTL_LINE_MAX");
}

static void test_nul(void)
{
	char text[] = V "end\n";
	struct nhrp_answer a;

	text[3] = '\0';
	is_int(nhrp_answer_parse(text, sizeof(text) - 1, &a), -EBADMSG,
	       "a NUL byte: refused");
	is_str(a.why, "a NUL byte in the answer", "a NUL byte: says why");
	nhrp_answer_free(&a);
}

int main(void)
{
	test_show();
	test_flush_error();
	test_malformed();
	test_nul();
	return tap_done();
}
