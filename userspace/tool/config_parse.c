// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration files into a struct config. The grammar (docs/cli.md):
 *
 *   template NAME [master VRF|none] [the keywords of `template set`]
 *   group TEMPLATE NAME rate RATE [ceil RATE|none]
 *
 * One statement a line; `#` at the start of a word comments out the rest of
 * the line; a line that starts with a blank, or follows one that ends with
 * `\`, continues the statement above, so that a template may be written
 * as a block, as Cisco's `interface Virtual-Template` is. The values are
 * those of the command line, parsed by the same keyword tables
 * (template.h), and every error names the file and the line of the word
 * it is about.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "dev.h"
#include "shaper.h"
#include "template.h"

_Static_assert(offsetof(struct cfg_template, t) == 0,
	       "the keywords of template set write into the first member");

/* More than the longest statement: every keyword, `local` twice */
#define CFG_WORDS_MAX 64

/* A statement being read: its words and the line of each */
struct stmt {
	const char *file;
	int count;
	char *word[CFG_WORDS_MAX];
	unsigned int line[CFG_WORDS_MAX];
	bool more;		/* the last line ended with "\" */
};

/* Errors from here on name @line of @file */
static void at_line(const char *file, unsigned int line)
{
	errorf_where("%s:%u", file, line);
}

/* The line of word @i, or of the last word when the statement ends first */
static void at_word(const struct stmt *s, int i)
{
	at_line(s->file, s->line[i < s->count ? i : s->count - 1]);
}

static int parse_master(const char *arg, void *model)
{
	return dev_parse(arg, true, model);
}

static const struct keyword kw_master = {
	"master", "a VRF device or \"none\"", parse_master,
	offsetof(struct cfg_template, master)
};

#define LOCAL_BITS (BIT(FLEXVPN_TMPL_A_LOCAL_IPV4) | \
		    BIT(FLEXVPN_TMPL_A_LOCAL_IPV6))

/*
 * `local` a second time is the other family's address: a template may have
 * one of each. Returns 0 or the exit status, after printing the error.
 */
static int local_again(const struct keyword *kw, const char *arg, void *model)
{
	struct fv_template *t = model;
	uint32_t before = t->present & LOCAL_BITS, now;
	int ret;

	if (strcmp(kw->word, "local"))
		return errorf(EXIT_USAGE, "\"%s\" given twice", kw->word);
	t->present &= ~LOCAL_BITS;
	ret = parse_keyword(kw, arg, model);
	now = t->present & LOCAL_BITS;
	t->present |= before;
	if (!ret && ((now & before) || now == LOCAL_BITS ||
		     before == LOCAL_BITS))
		ret = errorf(EXIT_USAGE, "\"local\" given twice for one "
			     "address family");
	return ret;
}

/* The keyword @word of a template statement and its slot, or NULL */
static const struct keyword *template_keyword(const char *word, int *slot)
{
	int k;

	if (!strcmp(word, kw_master.word)) {
		*slot = CFG_KW_MASTER;
		return &kw_master;
	}
	k = keyword_index(template_keywords, word);
	*slot = k + 1;
	return k < 0 || *slot >= CFG_KW_MAX ? NULL : template_keywords[k];
}

static const struct keyword *group_keyword(const char *word, int *slot)
{
	*slot = keyword_index(group_keywords, word);
	return *slot < 0 ? NULL : group_keywords[*slot];
}

/* How the keyword/value pairs of a statement are read */
struct pairs {
	const struct keyword *(*lookup)(const char *word, int *slot);
	/* a keyword given a second time; NULL: refused */
	int (*again)(const struct keyword *kw, const char *arg, void *model);
	void *model;
	unsigned int *kw_line;	/* where each slot was given, or NULL */
};

/*
 * The keyword/value pairs of @s from word @i on, as parse_keywords() reads
 * a command line, each error naming the line of the word it is about
 */
static int parse_pairs(const struct stmt *s, int i, const struct pairs *p)
{
	const struct keyword *kw;
	uint32_t seen = 0;
	const char *arg;
	int slot, ret;

	_Static_assert(CFG_KW_MAX <= 32, "slots are bits of a u32");
	for (; i < s->count; i += 2) {
		at_word(s, i);
		kw = p->lookup(s->word[i], &slot);
		if (!kw)
			return errorf(EXIT_USAGE, "unknown keyword \"%s\"",
				      s->word[i]);
		at_word(s, i + 1);
		arg = i + 1 < s->count ? s->word[i + 1] : NULL;
		if (!(seen & BIT(slot)))
			ret = parse_keyword(kw, arg, p->model);
		else if (p->again && arg)
			ret = p->again(kw, arg, p->model);
		else
			ret = errorf(EXIT_USAGE, "\"%s\" given twice",
				     kw->word);
		if (ret)
			return ret;
		seen |= BIT(slot);
		if (p->kw_line)
			p->kw_line[slot] = s->line[i];
	}
	return 0;
}

static struct cfg_template *config_find_mut(const struct config *c,
					    const char *name)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		if (!strcmp(c->v[i]->t.ifname, name))
			return c->v[i];
	return NULL;
}

const struct cfg_template *config_find(const struct config *c,
				       const char *name)
{
	return config_find_mut(c, name);
}

/* `template NAME ...`: every setting it leaves out is the default */
static int template_stmt(struct config *c, const struct stmt *s)
{
	const struct cfg_template *first;
	struct cfg_template *ct, **v;
	int ret;

	at_word(s, 1);
	if (s->count < 2 || !valid_ifname(s->word[1]))
		return errorf(EXIT_USAGE, "\"template\" expects a device name "
			      "of 1 to %d characters", IF_NAMESIZE - 1);
	first = config_find(c, s->word[1]);
	if (first)
		return errorf(EXIT_USAGE, "template \"%s\" declared twice "
			      "(first at %s:%u)", s->word[1], first->at.file,
			      first->at.line);
	ct = calloc(1, sizeof(*ct));
	v = reallocarray(c->v, c->count + 1, sizeof(*v));
	if (!ct || !v) {
		free(ct);
		return errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
	}
	c->v = v;
	cfg_template_defaults(&ct->t);
	strcpy(ct->t.ifname, s->word[1]);
	ct->at = (struct cfg_where){ s->file, s->line[0] };
	ret = parse_pairs(s, 2, &(struct pairs){
		template_keyword, local_again, ct, ct->kw_line });
	if (ret) {
		free(ct);
		return ret;
	}
	/* a key alone means a fixed key, as the kernel reads it */
	if (has(ct->t.present, FLEXVPN_TMPL_A_GRE_KEY))
		ct->t.key_mode = FLEXVPN_KEY_FIXED;
	c->v[c->count++] = ct;
	return 0;
}

/* `group TEMPLATE NAME rate RATE [ceil RATE|none]`, as `template group add` */
static int group_stmt(struct config *c, const struct stmt *s)
{
	struct cfg_group *g, *v;
	size_t i;
	int ret;

	at_word(s, 2);
	if (s->count < 3)
		return errorf(EXIT_USAGE, "\"group\" expects a template and a "
			      "group name: group TEMPLATE NAME rate RATE "
			      "[ceil RATE]");
	at_word(s, 1);
	if (!valid_ifname(s->word[1]))
		return errorf(EXIT_USAGE, "\"%s\" is not a device name "
			      "(1 to %d characters)", s->word[1],
			      IF_NAMESIZE - 1);
	v = reallocarray(c->g, c->groups + 1, sizeof(*v));
	if (!v)
		return errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
	c->g = v;
	g = memset(&c->g[c->groups], 0, sizeof(*g));
	strcpy(g->tmpl, s->word[1]);
	g->at = (struct cfg_where){ s->file, s->line[0] };
	at_word(s, 2);
	if (parse_group_name(s->word[2], g->g.name))
		return errorf(EXIT_USAGE, "\"%s\" is not %s", s->word[2],
			      GROUP_EXPECTS);
	for (i = 0; i < c->groups; i++)
		if (!strcmp(c->g[i].tmpl, g->tmpl) &&
		    !strcmp(c->g[i].g.name, g->g.name))
			return errorf(EXIT_USAGE, "group \"%s\" of \"%s\" "
				      "declared twice (first at %s:%u)",
				      g->g.name, g->tmpl, c->g[i].at.file,
				      c->g[i].at.line);
	ret = parse_pairs(s, 3, &(struct pairs){
		group_keyword, NULL, &g->g, NULL });
	if (ret)
		return ret;
	at_word(s, 0);
	if (!has(g->g.present, FLEXVPN_GROUP_A_RATE))
		return errorf(EXIT_USAGE, "group \"%s\" needs a \"rate\"",
			      g->g.name);
	c->groups++;
	return 0;
}

static int statement(struct config *c, const struct stmt *s)
{
	if (!strcmp(s->word[0], "template"))
		return template_stmt(c, s);
	if (!strcmp(s->word[0], "group"))
		return group_stmt(c, s);
	at_word(s, 0);
	return errorf(EXIT_USAGE, "unknown statement \"%s\" (a statement "
		      "starts with \"template\" or \"group\")", s->word[0]);
}

/*
 * The words of one line onto @s, up to a comment. A trailing "\" (alone
 * or at the end of the last word) asks for the next line.
 */
static int split_line(struct stmt *s, char *line, unsigned int n)
{
	char *w, *save;
	size_t len;

	s->more = false;
	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (*w == '#')
			break;
		if (s->more) {
			/* "\" was not the line's last word after all */
			at_line(s->file, n);
			return errorf(EXIT_USAGE, "\"\\\" continues a line "
				      "only at its end");
		}
		len = strlen(w);
		if (w[len - 1] == '\\') {
			s->more = true;
			w[len - 1] = '\0';
			if (!*w)
				continue;
		}
		if (s->count == CFG_WORDS_MAX) {
			at_line(s->file, n);
			return errorf(EXIT_USAGE, "too many words in one "
				      "statement (at most %d)", CFG_WORDS_MAX);
		}
		s->line[s->count] = n;
		s->word[s->count++] = w;
	}
	return 0;
}

static void free_lines(char **lines, size_t *nlines)
{
	while (*nlines)
		free(lines[--*nlines]);
}

/*
 * Ends the statement being read, if any. Its words point into @lines, the
 * lines read since it began, which are then freed.
 */
static int end_statement(struct config *c, struct stmt *s, char **lines,
			 size_t *nlines)
{
	int ret = s->count ? statement(c, s) : 0;

	free_lines(lines, nlines);
	s->count = 0;
	return ret;
}

/* Keeps @line for the statement being read; NULL when out of memory */
static char *keep_line(char ***lines, size_t *nlines, char *line)
{
	char **v = reallocarray(*lines, *nlines + 1, sizeof(*v));
	char *copy = strdup(line);

	if (v)
		*lines = v;
	if (!v || !copy) {
		free(copy);
		return NULL;
	}
	(*lines)[(*nlines)++] = copy;
	return copy;
}

static bool is_blank(const char *line)
{
	line += strspn(line, " \t\r\n");
	return !*line || *line == '#';
}

/* Every statement of @f, which errors call @name */
int config_read_file(struct config *c, FILE *f, const char *name)
{
	struct stmt s = { .file = name };
	char **lines = NULL, *line = NULL, *copy;
	size_t nlines = 0, size = 0;
	unsigned int n = 0;
	bool more = false;
	int ret = 0;

	while (!ret && getline(&line, &size, f) >= 0) {
		n++;
		if (is_blank(line) && !more)
			continue;
		if (!more && *line != ' ' && *line != '\t')
			ret = end_statement(c, &s, lines, &nlines);
		else if (!more && !s.count) {
			at_line(name, n);
			ret = errorf(EXIT_USAGE, "an indented line continues a "
				     "statement, and none comes before it");
		}
		copy = ret ? NULL : keep_line(&lines, &nlines, line);
		if (!ret && !copy)
			ret = errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
		if (!ret)
			ret = split_line(&s, copy, n);
		more = s.more;
	}
	if (!ret && ferror(f)) {
		errorf_where(NULL);
		ret = errorf(EXIT_REFUSED, "cannot read %s: %s", name,
			     strerror(errno));
	}
	if (!ret && more) {
		at_line(name, n);
		ret = errorf(EXIT_USAGE, "the last line ends with \"\\\": "
			     "the statement goes on past the end of the file");
	}
	if (!ret)
		ret = end_statement(c, &s, lines, &nlines);
	free_lines(lines, &nlines);
	free(lines);
	free(line);
	errorf_where(NULL);
	return ret;
}

/* Keeps @path for the cfg_where of its statements; NULL: out of memory */
static const char *keep_name(struct config *c, const char *path)
{
	char **v = reallocarray(c->file, c->files + 1, sizeof(*v));
	char *name = strdup(path);

	if (v)
		c->file = v;
	if (!v || !name) {
		free(name);
		return NULL;
	}
	c->file[c->files++] = name;
	return name;
}

static int read_file(struct config *c, const char *path)
{
	const char *name = keep_name(c, path);
	FILE *f;
	int ret;

	if (!name)
		return errorf(EXIT_REFUSED, "%s", strerror(ENOMEM));
	f = fopen(path, "r");
	if (!f)
		return errorf(EXIT_REFUSED, "cannot read %s: %s", path,
			      strerror(errno));
	ret = config_read_file(c, f, name);
	fclose(f);
	return ret;
}

/* NAME.conf, and not a hidden file (an editor's, say) */
static int conf_file(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 &&
	       !strcmp(d->d_name + len - 5, ".conf");
}

/*
 * The NAME.conf files of the folder @path, in the lexical order of their
 * names (the tool runs in the C locale: byte order)
 */
static int read_dir(struct config *c, const char *path)
{
	struct dirent **names;
	char file[PATH_MAX];
	int i, n, ret = 0;

	n = scandir(path, &names, conf_file, alphasort);
	if (n < 0)
		return errorf(EXIT_REFUSED, "cannot read %s: %s", path,
			      strerror(errno));
	for (i = 0; i < n; i++) {
		if (!ret && snprintf(file, sizeof(file), "%s/%s", path,
				     names[i]->d_name) >= (int)sizeof(file))
			ret = errorf(EXIT_REFUSED, "%s/%s: %s", path,
				     names[i]->d_name, strerror(ENAMETOOLONG));
		if (!ret)
			ret = read_file(c, file);
		free(names[i]);
	}
	free(names);
	return ret;
}

/*
 * A file, or the NAME.conf files of a folder. A missing @path is an error
 * if @must_exist, else nothing declared (the default folder, not made yet).
 */
int config_read(struct config *c, const char *path, bool must_exist)
{
	struct stat st;

	if (stat(path, &st)) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return errorf(EXIT_REFUSED, "cannot read %s: %s", path,
			      strerror(errno));
	}
	return S_ISDIR(st.st_mode) ? read_dir(c, path) : read_file(c, path);
}

/* Each group onto its template, in the order declared */
static int attach_groups(struct config *c)
{
	struct cfg_template *ct;
	struct fv_groups *gs;
	size_t i;

	for (i = 0; i < c->groups; i++) {
		const struct cfg_group *g = &c->g[i];

		errorf_where("%s:%u", g->at.file, g->at.line);
		ct = config_find_mut(c, g->tmpl);
		if (!ct)
			return errorf(EXIT_USAGE, "group \"%s\" of \"%s\", "
				      "which no template statement declares",
				      g->g.name, g->tmpl);
		gs = &ct->t.groups;
		if (gs->count == FV_GROUPS_MAX)
			return errorf(EXIT_USAGE, "more than %d groups for "
				      "\"%s\"", FV_GROUPS_MAX, g->tmpl);
		ct->group_at[gs->count] = g->at;
		gs->v[gs->count++] = g->g;
	}
	return 0;
}

/* A ceil below its rate, which the kernel would refuse midway */
static bool ceil_below(uint64_t rate, uint64_t ceil)
{
	return rate && ceil && ceil < rate;
}

/* The rules between settings and statements that the files alone decide */
static int check_template(const struct cfg_template *ct)
{
	const struct fv_shaper *dflt = &ct->t.shaper;
	const unsigned int *kw_line = ct->kw_line;
	int slot = keyword_index(template_keywords, "access-group") + 1;
	uint32_t i;

	errorf_where("%s:%u", ct->at.file, kw_line[slot] ?: ct->at.line);
	if (*dflt->group && !cfg_find_group(&ct->t.groups, dflt->group))
		return errorf(EXIT_USAGE, "access-group \"%s\" is no group of "
			      "\"%s\": declare it (group %s %s rate RATE)",
			      dflt->group, ct->t.ifname, ct->t.ifname,
			      dflt->group);
	slot = keyword_index(template_keywords, "access-ceil") + 1;
	errorf_where("%s:%u", ct->at.file, kw_line[slot] ?: ct->at.line);
	if (ceil_below(dflt->rate, dflt->ceil))
		return errorf(EXIT_USAGE, "access-ceil is below access-rate");
	for (i = 0; i < ct->t.groups.count; i++) {
		const struct fv_group *g = &ct->t.groups.v[i];

		errorf_where("%s:%u", ct->group_at[i].file,
			     ct->group_at[i].line);
		if (ceil_below(g->rate, g->ceil))
			return errorf(EXIT_USAGE, "the ceil of group \"%s\" is "
				      "below its rate", g->name);
	}
	return 0;
}

/* After the last file: the groups onto their templates, and their rules */
int config_finish(struct config *c)
{
	size_t i;
	int ret = attach_groups(c);

	for (i = 0; !ret && i < c->count; i++)
		ret = check_template(c->v[i]);
	errorf_where(NULL);
	return ret;
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		free(c->v[i]);
	for (i = 0; i < c->files; i++)
		free(c->file[i]);
	free(c->v);
	free(c->g);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
