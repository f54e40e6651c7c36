/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network devices over rtnetlink, as `ip link` sees them: the devices of the
 * namespace with their kind and master, and the changes `config apply`
 * makes: a template created or deleted, its master set.
 */
#ifndef FLEXVPN_LINK_H
#define FLEXVPN_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <libmnl/libmnl.h>

struct fv_link {
	uint32_t ifindex;
	uint32_t master;		/* ifindex, 0: none */
	char name[IF_NAMESIZE];
	char kind[16];			/* IFLA_INFO_KIND, "": none */
};

struct fv_links {
	size_t count;
	size_t room;
	struct fv_link *v;
};

int link_get(const struct nlmsghdr *nlh, struct fv_link *l);
int link_dump(struct fv_links *ls);
void link_free(struct fv_links *ls);
const struct fv_link *link_by_name(const struct fv_links *ls,
				   const char *name);
const struct fv_link *link_by_index(const struct fv_links *ls,
				    uint32_t ifindex);
int link_add(const char *name, const char *kind);
int link_del(const char *name);
int link_set_master(const char *name, uint32_t master);

#endif
