/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What userspace knows about a virtual-template, a virtual-access device and
 * a redirect trigger, apart from how that travels over netlink (codec.c) or
 * is shown (the tool's print.c). The tool's command-line parsers and the
 * plugin fill these; the kernel's replies are decoded into them.
 *
 * A field is meaningful only when its bit is set in @present. The bit
 * numbers are the uapi attribute numbers: a request carries exactly the
 * attributes whose bits are set, and a reply sets the bits of the attributes
 * it carried, so the codec needs no second numbering.
 */
#ifndef FLEXVPN_FV_MODEL_H
#define FLEXVPN_FV_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/flexvpn.h>

_Static_assert(FLEXVPN_TMPL_A_MAX < 32, "fv_template.present is 32 bits");
_Static_assert(FLEXVPN_SHAPER_A_MAX < 32, "fv_shaper.present is 32 bits");
_Static_assert(FLEXVPN_GROUP_A_MAX < 32, "fv_group.present is 32 bits");
_Static_assert(FLEXVPN_ACCESS_A_MAX < 32, "fv_access.present is 32 bits");
_Static_assert(FLEXVPN_REDIRECT_A_MAX < 32, "fv_redirect.present is 32 bits");

/* The two attributes flexvpn has for each outer address, one per family */
struct fv_ips {
	struct in_addr v4;
	struct in6_addr v6;
};

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
 * a reply's all, a request's one. A reply with more than this holds is
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

struct fv_routes;

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
	/*
	 * Not an attribute, never touched by the codec: the learned routes
	 * the tool's `access show` prints with the device; NULL: not read.
	 */
	const struct fv_routes *routes;
};

/* A redirect trigger (FLEXVPN_CMD_REDIRECT), an event of the "events" group */
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

/* Whether the attribute @attr is in a @present mask */
static inline bool fv_has(uint32_t present, int attr)
{
	return present & (1U << attr);
}

/*
 * The charon plugin's owner handles: its tag ("SWAN") in the high 32 bits,
 * the IKE_SA's unique id in the low ones. The tag lets a restarted charon
 * find the devices of its predecessor, and the tool name the IKE_SA.
 */
#define FV_OWNER_IKE_TAG 0x5357414eULL

static inline uint64_t fv_owner_ike(uint32_t ike_sa)
{
	return FV_OWNER_IKE_TAG << 32 | ike_sa;
}

/* Whether @owner is the plugin's, and then its IKE_SA into @ike_sa */
static inline bool fv_owner_ike_sa(uint64_t owner, uint32_t *ike_sa)
{
	if (owner >> 32 != FV_OWNER_IKE_TAG)
		return false;
	*ike_sa = (uint32_t)owner;
	return true;
}

#endif
