/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands main.c dispatches to. Each gets the words after its name
 * and returns the tool's exit status.
 */
#ifndef FLEXVPN_SUBCOMMANDS_H
#define FLEXVPN_SUBCOMMANDS_H

int template_show(int argc, char *argv[]);
int template_set(int argc, char *argv[]);
int template_group(int argc, char *argv[]);
int access_add(int argc, char *argv[]);
int access_del(int argc, char *argv[]);
int access_set(int argc, char *argv[]);
int access_show(int argc, char *argv[]);
int access_list(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);
int nhrp_show(int argc, char *argv[]);
int nhrp_flush(int argc, char *argv[]);
int config_apply(int argc, char *argv[]);
int config_show(int argc, char *argv[]);

/* The command-line halves of the commands above, for the unit tests */
struct fv_template;
struct fv_access;
int template_set_parse(int argc, char *argv[], struct fv_template *t);
int template_group_parse(int argc, char *argv[], struct fv_template *t);
int access_add_parse(int argc, char *argv[], struct fv_access *a);
int access_set_parse(int argc, char *argv[], struct fv_access *a);
int access_target_parse(int argc, char *argv[], const char **dev,
			struct fv_access *filter);

#endif
