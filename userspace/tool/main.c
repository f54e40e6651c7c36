// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: configure flexvpn's virtual-templates and virtual-access devices.
 * This file owns the global options, the command table and the help; each
 * command lives in the file of its object.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "parse.h"
#include "print.h"
#include "subcommands.h"

/* stamped in at build time (tools/version.mk) */
extern const char flexvpn_version[];

static const struct command {
	const char *object;
	const char *name;	/* NULL: the object takes no command word */
	int (*run)(int argc, char *argv[]);
	int min_args;		/* words the command needs after its name */
	const char *args;	/* the synopsis; "\t" indents a continuation */
	const char *description;
} commands[] = {
	{ "template", "show", template_show, 0, "[DEV]",
	  "show virtual-templates" },
	{ "template", "set", template_set, 2,
	  "DEV [mtu N|auto] [underlay VRFDEV|none]\n"
	  "\t[source IFNAME|none] [local ADDR|none] [key N|none]\n"
	  "\t[nhrp-network-id N] [nhrp-redirect on|off]\n"
	  "\t[nhrp-redirect-interval TIME] [unprotected accept|drop]\n"
	  "\t[prefix STRING]\n"
	  "\t[parent-rate RATE|none] [esp-overhead BYTES]\n"
	  "\t[access-rate RATE|none] [access-ceil RATE|none]\n"
	  "\t[access-burst SIZE|auto] [access-qlen N|default]\n"
	  "\t[access-group NAME|none]",
	  "change a virtual-template and the shaper its devices get" },
	{ "template", "group", template_group, 3,
	  "add|set DEV NAME rate RATE [ceil RATE|none]\n"
	  "\t| del DEV NAME",
	  "add, change or delete a shaper group of a virtual-template" },
	{ "access", "add", access_add, 3,
	  "TEMPLATE remote ADDR [local ADDR] [key N]\n"
	  "\t[peer-id STRING] [owner N] [rate RATE] [ceil RATE]\n"
	  "\t[burst SIZE] [qlen N] [group NAME]",
	  "create a virtual-access device, print its name" },
	{ "access", "del", access_del, 1,
	  "DEV | [owner N] [template DEV]",
	  "delete one virtual-access device, or all that match" },
	{ "access", "set", access_set, 2,
	  "DEV [remote ADDR] [local ADDR] [peer-id STRING]\n"
	  "\t[owner N] [rate RATE|none] [ceil RATE|none]\n"
	  "\t[burst SIZE|auto] [qlen N|default] [group NAME|none]",
	  "change a virtual-access device" },
	{ "access", "show", access_show, 0,
	  "[DEV] [owner N] [template DEV]",
	  "show virtual-access devices with their counters" },
	{ "access", "list", access_list, 0, "[owner N] [template DEV]",
	  "list virtual-access devices, one line each" },
	{ "monitor", NULL, monitor_main, 0, NULL,
	  "print virtual-access devices as they come and go, and NHRP\n"
	  "\tredirect triggers" },
	{ "nhrp", "show", nhrp_show, 0, NULL,
	  "show the NHRP cache of the charon plugin in this namespace" },
	{ "nhrp", "flush", nhrp_flush, 0, NULL,
	  "remove every entry of the NHRP cache" },
	{ "config", "apply", config_apply, 0, "[--check] [PATH...]",
	  "make the templates what the files declare (PATH: a file, or a\n"
	  "\tfolder's NAME.conf files; default " CONFIG_DIR "); --check: print\n"
	  "\twhat that would change, change nothing" },
	{ "config", "show", config_show, 0, "[TEMPLATE...]",
	  "print the running templates as such a file would declare them" },
};

static const char units_help[] =
	"RATE is in bit/s: a number with bit, kbit, mbit, gbit or tbit (x1000),\n"
	"or bps, kbps, mbps, gbps for bytes per second. SIZE is in bytes:\n"
	"a number with b, k/kb or m/mb (x1024).\n";

static const char options_help[] =
	"Options (before OBJECT):\n"
	"  -j  print JSON\n"
	"  -p  print pretty JSON (implies -j)\n"
	"  -V  print the version of the tool and of the loaded module\n"
	"  -h  print this help\n";

/* Continuation lines of a synopsis line up under the command's name */
static void print_synopsis(FILE *f, const struct command *c)
{
	const char *s;

	fprintf(f, "  flexvpn %s", c->object);
	if (c->name)
		fprintf(f, " %s", c->name);
	if (c->args)
		fputc(' ', f);
	for (s = c->args; s && *s; s++) {
		if (*s == '\t')
			fprintf(f, "%*s", (int)strlen(c->object) + 10, "");
		else
			fputc(*s, f);
	}
	fprintf(f, "\n        %s\n", c->description);
}

/* The synopsis and description of every command of @object (NULL: all) */
static void usage(FILE *f, const char *object)
{
	const struct command *c;

	fputs("Usage: flexvpn [-j | -p] OBJECT COMMAND [ARGUMENTS]\n"
	      "       flexvpn help [template | access | monitor | nhrp | config]\n\n",
	      f);
	for (c = commands; c < commands + ARRAY_SIZE(commands); c++)
		if (!object || !strcmp(c->object, object))
			print_synopsis(f, c);
	if (!object || !strcmp(object, "template") ||
	    !strcmp(object, "access"))
		fprintf(f, "\n%s", units_help);
	if (!object)
		fprintf(f, "\n%s", options_help);
}

static bool is_object(const char *word)
{
	const struct command *c;

	for (c = commands; c < commands + ARRAY_SIZE(commands); c++)
		if (!strcmp(c->object, word))
			return true;
	return false;
}

/* The command for `OBJECT [NAME]`; @name may be NULL or an argument */
static const struct command *find_command(const char *object,
					  const char *name)
{
	const struct command *c;

	for (c = commands; c < commands + ARRAY_SIZE(commands); c++)
		if (!strcmp(c->object, object) &&
		    (!c->name || (name && !strcmp(c->name, name))))
			return c;
	return NULL;
}

/*
 * A command line too short to mean anything: the usage, and what's missing
 * after `@object [@name]`
 */
static int missing(const char *object, const char *name, const char *what)
{
	usage(stdout, object);
	if (!object)
		return errorf(EXIT_USAGE, "missing %s", what);
	return errorf(EXIT_USAGE, "missing %s after \"%s%s%s\"", what, object,
		      name ? " " : "", name ?: "");
}

/* `help [OBJECT]` */
static int help(int argc, char *argv[])
{
	if (argc > 1)
		return errorf(EXIT_USAGE, "unexpected \"%s\"", argv[1]);
	if (argc && !is_object(argv[0]))
		return errorf(EXIT_USAGE, "unknown object \"%s\"", argv[0]);
	usage(stdout, argc ? argv[0] : NULL);
	return 0;
}

/* `OBJECT [COMMAND] ARGUMENTS...`, and `OBJECT help` as `ip` has it */
static int dispatch(int argc, char *argv[])
{
	const struct command *c;
	int skip;

	if (!argc)
		return missing(NULL, NULL, "object");
	if (!strcmp(argv[0], "help"))
		return help(argc - 1, argv + 1);
	if (!is_object(argv[0]))
		return errorf(EXIT_USAGE, "unknown object \"%s\"", argv[0]);
	if (argc > 1 && !strcmp(argv[1], "help"))
		return help(1, argv);
	c = find_command(argv[0], argc > 1 ? argv[1] : NULL);
	if (!c && argc == 1)
		return missing(argv[0], NULL, "command");
	if (!c)
		return errorf(EXIT_USAGE, "unknown command \"%s %s\"", argv[0],
			      argv[1]);
	skip = c->name ? 2 : 1;
	if (argc - skip < c->min_args)
		return missing(c->object, c->name, "arguments");
	return c->run(argc - skip, argv + skip);
}

/*
 * `-V`, `--version`: the tool's version, and the loaded module's, which
 * differs after an upgrade until the module is loaded again
 */
static int version(void)
{
	char ko[64] = "";
	FILE *f;

	printf("flexvpn %s\n", flexvpn_version);
	f = fopen("/sys/module/flexvpn/version", "r");
	if (f) {
		if (fgets(ko, sizeof(ko), f))
			ko[strcspn(ko, "\n")] = '\0';
		fclose(f);
	}
	if (*ko)
		printf("flexvpn.ko %s\n", ko);
	else if (!access("/sys/module/flexvpn", F_OK))
		printf("flexvpn.ko loaded, without a version\n");
	else
		printf("flexvpn.ko not loaded\n");
	return 0;
}

/* One option; -1 when it ends the run (-h, -V, or unknown), *status set */
static int parse_option(const char *opt, int *status)
{
	if (!strcmp(opt, "-j")) {
		if (out_mode == OUT_TEXT)
			out_mode = OUT_JSON;
		return 0;
	}
	if (!strcmp(opt, "-p")) {
		out_mode = OUT_JSON_PRETTY;
		return 0;
	}
	if (!strcmp(opt, "-h") || !strcmp(opt, "--help"))
		*status = help(0, NULL);
	else if (!strcmp(opt, "-V") || !strcmp(opt, "--version"))
		*status = version();
	else
		*status = errorf(EXIT_USAGE, "unknown option \"%s\"", opt);
	return -1;
}

/* The options before the object: how many words they took, or -1 */
static int parse_options(int argc, char *argv[], int *status)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++)
		if (parse_option(argv[i], status))
			return -1;
	return i;
}

/* Output lost to a full disk must not pass for success */
static int flush_output(int status)
{
	if (fflush(stdout) || ferror(stdout))
		return errorf(EXIT_REFUSED, "cannot write the output: %s",
			      strerror(errno));
	return status;
}

int main(int argc, char *argv[])
{
	int status = 0;
	int i = parse_options(argc, argv, &status);

	if (i >= 0)
		status = dispatch(argc - i, argv + i);
	return flush_output(status);
}
