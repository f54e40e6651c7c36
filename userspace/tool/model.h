/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tool knows about a virtual-template and a virtual-access device,
 * apart from how that travels over netlink (netlink.c) or is printed
 * (print.c). The command-line parsers fill these, the kernel's replies are
 * decoded into them.
 *
 * A field is meaningful only when its bit is set in @present. The bit
 * numbers are the uapi attribute numbers: a request carries exactly the
 * attributes whose bits are set, and a reply sets the bits of the attributes
 * it carried, so the codec needs no second numbering.
 */
#ifndef FLEXVPN_MODEL_H
#define FLEXVPN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/flexvpn.h>

#include "parse.h"
#include "routes.h"

_Static_assert(FLEXVPN_TMPL_A_MAX < 32, "fv_template.present is 32 bits");
_Static_assert(FLEXVPN_SHAPER_A_MAX < 32, "fv_shaper.present is 32 bits");
_Static_assert(FLEXVPN_GROUP_A_MAX < 32, "fv_group.present is 32 bits");
_Static_assert(FLEXVPN_ACCESS_A_MAX < 32, "fv_access.present is 32 bits");

/*
 * A device's shaper, or the default a template gives new devices. Nested
 * models start with their own @present, which is how the codec finds it.
 */
struct fv_shaper {
	uint32_t present;		/* BIT(FLEXVPN_SHAPER_A_*) */
	uint64_t rate;			/* bit/s, 0: not shaped */
	uint64_t ceil;			/* bit/s, 0: the rate */
	uint32_t burst;			/* bytes, 0: automatic */
	uint32_t qlen;			/* packets, 0: the default */
	char group[FLEXVPN_GROUP_MAXLEN + 1];	/* "": under the template */
};

/* A shaper group; FLEXVPN_GROUP_A_DELETE is a flag, its bit alone */
struct fv_group {
	uint32_t present;		/* BIT(FLEXVPN_GROUP_A_*) */
	char name[FLEXVPN_GROUP_MAXLEN + 1];
	uint64_t rate;			/* bit/s */
	uint64_t ceil;			/* bit/s, 0: the rate */
	uint32_t members;
	uint64_t stats[FLEXVPN_SHAPER_STATS_A_MAX + 1];
};

/*
 * The groups of a template: one per FLEXVPN_TMPL_A_SHAPER_GROUP attribute,
 * a reply's all, a request's one. A reply with more than the tool holds is
 * refused rather than shown in part.
 */
#define FV_GROUPS_MAX FLEXVPN_SHAPER_GROUPS_MAX

struct fv_groups {
	uint32_t count;
	struct fv_group v[FV_GROUPS_MAX];
};

struct fv_template {
	uint32_t present;		/* BIT(FLEXVPN_TMPL_A_*) */
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t mtu;			/* 0: automatic */
	uint32_t mtu_effective;
	uint32_t underlay;		/* VRF ifindex, 0: main routing */
	uint32_t source;		/* ifindex, 0: none */
	struct fv_ips local;		/* all-zero: none */
	uint8_t key_mode;		/* enum flexvpn_key_mode */
	uint32_t key;
	uint32_t nhrp_network_id;
	uint8_t nhrp_redirect;		/* 0/1 */
	uint32_t nhrp_redirect_interval; /* ms */
	uint8_t allow_unprotected;	/* 0/1 */
	char prefix[FLEXVPN_PREFIX_MAXLEN + 1];
	uint32_t access_count;
	uint64_t shaper_rate;		/* bit/s, the parent's; 0: no limit */
	uint32_t shaper_overhead;	/* ESP bytes counted per packet */
	struct fv_shaper shaper;	/* what new devices get */
	struct fv_groups groups;
	uint64_t shaper_stats[FLEXVPN_SHAPER_STATS_A_MAX + 1];
};

struct fv_access {
	uint32_t present;		/* BIT(FLEXVPN_ACCESS_A_*) */
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t template_ifindex;
	char template_ifname[IF_NAMESIZE];
	struct fv_ips local;		/* one family, as the remote */
	struct fv_ips remote;
	uint32_t key;			/* absent: no key */
	char peer_id[FLEXVPN_PEER_ID_MAXLEN + 1];
	uint64_t owner;
	uint64_t stats[FLEXVPN_STATS_A_MAX + 1]; /* by FLEXVPN_STATS_A_* */
	struct fv_shaper shaper;
	uint64_t shaper_stats[FLEXVPN_SHAPER_STATS_A_MAX + 1];
	/* Not an attribute: `access show`'s learned routes, NULL: not read */
	const struct fv_routes *routes;
};

/* A redirect trigger (FLEXVPN_CMD_REDIRECT), as `monitor` shows it */
struct fv_redirect {
	uint32_t present;		/* BIT(FLEXVPN_REDIRECT_A_*) */
	uint32_t ifindex_in;
	uint32_t ifindex_out;
	uint32_t network_id;
	struct fv_ips src;		/* one family */
	struct fv_ips dst;
	struct {
		uint32_t len;		/* bytes in @data */
		uint8_t data[FLEXVPN_REDIRECT_PACKET_MAX];
	} packet;			/* its head */
	uint32_t packet_len;		/* the whole packet's */
};

_Static_assert(FLEXVPN_REDIRECT_A_MAX < 32, "fv_redirect.present is 32 bits");

/*
 * The charon plugin's owner handles: its tag ("SWAN") in the high 32 bits,
 * the IKE_SA's unique id in the low ones (userspace/plugin/flexvpn_kernel.h)
 */
#define FV_OWNER_IKE_TAG 0x5357414eULL

/* Whether @owner is the plugin's, and then its IKE_SA into @ike_sa */
static inline bool owner_ike_sa(uint64_t owner, uint32_t *ike_sa)
{
	if (owner >> 32 != FV_OWNER_IKE_TAG)
		return false;
	*ike_sa = (uint32_t)owner;
	return true;
}

/* Whether the attribute @attr is in a @present mask */
static inline bool has(uint32_t present, int attr)
{
	return present & BIT(attr);
}

#endif
