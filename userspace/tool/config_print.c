// SPDX-License-Identifier: GPL-2.0
/*
 * A running template in the syntax of configuration files, every setting
 * explicit, so that `config show` saved as a file and applied changes
 * nothing:
 *
 *   template vt1 master vrf-in
 *       mtu auto underlay none source none local 198.18.0.1 key none
 *       nhrp-network-id 0 nhrp-redirect off nhrp-redirect-interval 2s ...
 *       parent-rate 100Mbit esp-overhead 36
 *       access-rate none access-ceil none access-burst auto ...
 *   group vt1 gold rate 50Mbit ceil 100Mbit
 */
#include <string.h>

#include "config.h"

/*
 * `local` once for each family the template has an address of, and
 * `local none` once for neither
 */
static bool local_shown(const struct cfg_setting *s,
			const struct fv_template *t, const char *value)
{
	char v4[CFG_VALUE_LEN];

	if (s->kind != CFG_ADDRESS || strcmp(value, "none"))
		return true;
	if (s->attr == FLEXVPN_TMPL_A_LOCAL_IPV6)
		return false;
	cfg_value(s + 1, t, v4);	/* the IPv6 one comes next */
	return !strcmp(v4, "none");
}

/* @t, whose master is called @master ("none": it has none) */
void config_print(FILE *f, const struct fv_template *t, const char *master)
{
	char value[CFG_VALUE_LEN], rate[RATE_STRLEN], ceil[RATE_STRLEN];
	const struct cfg_setting *s;
	int line = 0;
	uint32_t i;

	fprintf(f, "template %s master %s", t->ifname, master);
	for (s = cfg_settings; s < cfg_settings + cfg_settings_count; s++) {
		cfg_value(s, t, value);
		if (!local_shown(s, t, value))
			continue;
		fprintf(f, "%s%s %s", s->line != line ? "\n    " : " ",
			s->word, value);
		line = s->line;
	}
	fputc('\n', f);
	for (i = 0; i < t->groups.count; i++) {
		const struct fv_group *g = &t->groups.v[i];

		fprintf(f, "group %s %s rate %s ceil %s\n", t->ifname, g->name,
			rate_str(cfg_kept_rate(g->rate), rate),
			rate_str(cfg_group_ceil(g), ceil));
	}
}
