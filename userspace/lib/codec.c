// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn's messages: the model (fv_model.h) to and from its netlink
 * attributes. Requests are built from a struct fv_request; replies and
 * events are decoded into the model.
 *
 * One table per nest maps each attribute to its model field; encoding and
 * decoding both walk it, so a new attribute is one line here.
 */
#include <stddef.h>
#include <string.h>
#include <linux/genetlink.h>

#include "fvnl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1U << (n))

/* The flexvpn version goes into every header; the controller ignores it. */
struct nlmsghdr *fvnl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FLEXVPN_GENL_VERSION;
	return nlh;
}

enum field_kind {
	F_NONE,		/* not decoded: unknown, or padding */
	F_FIXED,	/* u8/u32/u64, addresses: the bytes as they are */
	F_STRING,	/* NUL-terminated, at most the field's size */
	F_COUNTERS,	/* read-only nest of u64 by attribute number */
	F_FLAG,		/* no payload: the present bit alone */
	F_NEST,		/* a nested model, its own table */
	F_LIST,		/* one nested model per attribute, into a list */
	F_BYTES,	/* binary up to a size: a uint32_t length, the bytes */
};

struct field;

/*
 * The table of a nested model, whose first member is its own present
 * mask; for F_LIST, how the list (a uint32_t count, then the elements)
 * is laid out.
 */
struct nest {
	const struct field *fields;
	size_t n;
	size_t first;		/* F_LIST: offset of the first element */
	size_t size;		/* F_LIST: of one element */
	size_t max;		/* F_LIST: elements the list holds */
};

struct field {
	enum field_kind kind;
	size_t offset;
	size_t size;
	const struct nest *nest;	/* F_NEST, F_LIST */
};

#define FIELD(kind, type, member) \
	{ kind, offsetof(type, member), sizeof(((type *)0)->member), NULL }
#define NESTED(kind, type, member, desc) \
	{ kind, offsetof(type, member), sizeof(((type *)0)->member), desc }
#define TMPL(kind, member) FIELD(kind, struct fv_template, member)
#define ACCESS(kind, member) FIELD(kind, struct fv_access, member)
#define SHAPER(kind, member) FIELD(kind, struct fv_shaper, member)
#define GROUP(kind, member) FIELD(kind, struct fv_group, member)
#define FLAG { F_FLAG, 0, 0, NULL }

_Static_assert(offsetof(struct fv_shaper, present) == 0 &&
	       offsetof(struct fv_group, present) == 0 &&
	       offsetof(struct fv_groups, count) == 0,
	       "nested models start with their present mask, lists with the count");

static const struct field shaper_fields[FLEXVPN_SHAPER_A_MAX + 1] = {
	[FLEXVPN_SHAPER_A_RATE] = SHAPER(F_FIXED, rate),
	[FLEXVPN_SHAPER_A_CEIL] = SHAPER(F_FIXED, ceil),
	[FLEXVPN_SHAPER_A_BURST] = SHAPER(F_FIXED, burst),
	[FLEXVPN_SHAPER_A_QLEN] = SHAPER(F_FIXED, qlen),
	[FLEXVPN_SHAPER_A_GROUP] = SHAPER(F_STRING, group),
};

static const struct nest shaper_nest = {
	shaper_fields, ARRAY_SIZE(shaper_fields), 0, 0, 0
};

static const struct field group_fields[FLEXVPN_GROUP_A_MAX + 1] = {
	[FLEXVPN_GROUP_A_NAME] = GROUP(F_STRING, name),
	[FLEXVPN_GROUP_A_RATE] = GROUP(F_FIXED, rate),
	[FLEXVPN_GROUP_A_CEIL] = GROUP(F_FIXED, ceil),
	[FLEXVPN_GROUP_A_DELETE] = FLAG,
	[FLEXVPN_GROUP_A_MEMBERS] = GROUP(F_FIXED, members),
	[FLEXVPN_GROUP_A_STATS] = GROUP(F_COUNTERS, stats),
};

static const struct nest group_list = {
	group_fields, ARRAY_SIZE(group_fields), offsetof(struct fv_groups, v),
	sizeof(struct fv_group), FV_GROUPS_MAX
};

static const struct field template_fields[FLEXVPN_TMPL_A_MAX + 1] = {
	[FLEXVPN_TMPL_A_IFINDEX] = TMPL(F_FIXED, ifindex),
	[FLEXVPN_TMPL_A_IFNAME] = TMPL(F_STRING, ifname),
	[FLEXVPN_TMPL_A_MTU] = TMPL(F_FIXED, mtu),
	[FLEXVPN_TMPL_A_MTU_EFFECTIVE] = TMPL(F_FIXED, mtu_effective),
	[FLEXVPN_TMPL_A_UNDERLAY_IFINDEX] = TMPL(F_FIXED, underlay),
	[FLEXVPN_TMPL_A_SOURCE_IFINDEX] = TMPL(F_FIXED, source),
	[FLEXVPN_TMPL_A_LOCAL_IPV4] = TMPL(F_FIXED, local.v4),
	[FLEXVPN_TMPL_A_LOCAL_IPV6] = TMPL(F_FIXED, local.v6),
	[FLEXVPN_TMPL_A_GRE_KEY_MODE] = TMPL(F_FIXED, key_mode),
	[FLEXVPN_TMPL_A_GRE_KEY] = TMPL(F_FIXED, key),
	[FLEXVPN_TMPL_A_NHRP_NETWORK_ID] = TMPL(F_FIXED, nhrp_network_id),
	[FLEXVPN_TMPL_A_NHRP_REDIRECT] = TMPL(F_FIXED, nhrp_redirect),
	[FLEXVPN_TMPL_A_NHRP_REDIRECT_INTERVAL] = TMPL(F_FIXED,
						       nhrp_redirect_interval),
	[FLEXVPN_TMPL_A_ALLOW_UNPROTECTED] = TMPL(F_FIXED, allow_unprotected),
	[FLEXVPN_TMPL_A_NAME_PREFIX] = TMPL(F_STRING, prefix),
	[FLEXVPN_TMPL_A_ACCESS_COUNT] = TMPL(F_FIXED, access_count),
	[FLEXVPN_TMPL_A_SHAPER_RATE] = TMPL(F_FIXED, shaper_rate),
	[FLEXVPN_TMPL_A_SHAPER_OVERHEAD] = TMPL(F_FIXED, shaper_overhead),
	[FLEXVPN_TMPL_A_SHAPER] = NESTED(F_NEST, struct fv_template, shaper,
					 &shaper_nest),
	[FLEXVPN_TMPL_A_SHAPER_GROUP] = NESTED(F_LIST, struct fv_template,
					       groups, &group_list),
	[FLEXVPN_TMPL_A_SHAPER_STATS] = TMPL(F_COUNTERS, shaper_stats),
};

static const struct field access_fields[FLEXVPN_ACCESS_A_MAX + 1] = {
	[FLEXVPN_ACCESS_A_IFINDEX] = ACCESS(F_FIXED, ifindex),
	[FLEXVPN_ACCESS_A_IFNAME] = ACCESS(F_STRING, ifname),
	[FLEXVPN_ACCESS_A_TEMPLATE_IFINDEX] = ACCESS(F_FIXED, template_ifindex),
	[FLEXVPN_ACCESS_A_LOCAL_IPV4] = ACCESS(F_FIXED, local.v4),
	[FLEXVPN_ACCESS_A_LOCAL_IPV6] = ACCESS(F_FIXED, local.v6),
	[FLEXVPN_ACCESS_A_REMOTE_IPV4] = ACCESS(F_FIXED, remote.v4),
	[FLEXVPN_ACCESS_A_REMOTE_IPV6] = ACCESS(F_FIXED, remote.v6),
	[FLEXVPN_ACCESS_A_GRE_KEY] = ACCESS(F_FIXED, key),
	[FLEXVPN_ACCESS_A_PEER_ID] = ACCESS(F_STRING, peer_id),
	[FLEXVPN_ACCESS_A_OWNER] = ACCESS(F_FIXED, owner),
	[FLEXVPN_ACCESS_A_STATS] = ACCESS(F_COUNTERS, stats),
	[FLEXVPN_ACCESS_A_TEMPLATE_IFNAME] = ACCESS(F_STRING, template_ifname),
	[FLEXVPN_ACCESS_A_SHAPER] = NESTED(F_NEST, struct fv_access, shaper,
					   &shaper_nest),
	[FLEXVPN_ACCESS_A_SHAPER_STATS] = ACCESS(F_COUNTERS, shaper_stats),
};

#define REDIRECT(kind, member) FIELD(kind, struct fv_redirect, member)

static const struct field redirect_fields[FLEXVPN_REDIRECT_A_MAX + 1] = {
	[FLEXVPN_REDIRECT_A_IFINDEX_IN] = REDIRECT(F_FIXED, ifindex_in),
	[FLEXVPN_REDIRECT_A_IFINDEX_OUT] = REDIRECT(F_FIXED, ifindex_out),
	[FLEXVPN_REDIRECT_A_NETWORK_ID] = REDIRECT(F_FIXED, network_id),
	[FLEXVPN_REDIRECT_A_SRC_IPV4] = REDIRECT(F_FIXED, src.v4),
	[FLEXVPN_REDIRECT_A_DST_IPV4] = REDIRECT(F_FIXED, dst.v4),
	[FLEXVPN_REDIRECT_A_SRC_IPV6] = REDIRECT(F_FIXED, src.v6),
	[FLEXVPN_REDIRECT_A_DST_IPV6] = REDIRECT(F_FIXED, dst.v6),
	[FLEXVPN_REDIRECT_A_PACKET] = REDIRECT(F_BYTES, packet),
	[FLEXVPN_REDIRECT_A_PACKET_LEN] = REDIRECT(F_FIXED, packet_len),
};

/* Counters of a newer kernel, and padding, are skipped */
static int get_counters(const struct nlattr *nest, uint64_t *v, size_t n)
{
	const struct nlattr *attr;

	if (mnl_attr_validate(nest, MNL_TYPE_NESTED))
		return -EBADMSG;
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type < n && mnl_attr_get_payload_len(attr) == sizeof(*v))
			v[type] = mnl_attr_get_u64(attr);
	}
	return 0;
}

static int get_fields(const struct nlattr *nest, const struct field *fields,
		      size_t n, uint32_t *present, void *model);

/* One more element of an F_LIST; a list fuller than the model is refused */
static int get_element(const struct nlattr *attr, const struct nest *d,
		       char *list)
{
	uint32_t *count = (uint32_t *)list;
	char *elem = list + d->first + *count * d->size;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED))
		return -EBADMSG;
	if (*count >= d->max)
		return -EMSGSIZE;
	(*count)++;
	return get_fields(attr, d->fields, d->n, (uint32_t *)elem, elem);
}

static int get_field(const struct nlattr *attr, const struct field *f,
		     char *dst)
{
	size_t len = mnl_attr_get_payload_len(attr);

	switch (f->kind) {
	case F_FIXED:
		if (len != f->size)
			return -EBADMSG;
		break;
	case F_STRING:
		if (len > f->size || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			return -EBADMSG;
		break;
	case F_BYTES:
		if (len > f->size - sizeof(uint32_t))
			return -EBADMSG;
		memcpy(dst, &(uint32_t){ len }, sizeof(uint32_t));
		dst += sizeof(uint32_t);
		break;
	case F_COUNTERS:
		return get_counters(attr, (uint64_t *)dst,
				    f->size / sizeof(uint64_t));
	case F_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED))
			return -EBADMSG;
		return get_fields(attr, f->nest->fields, f->nest->n,
				  (uint32_t *)dst, dst);
	case F_LIST:
		return get_element(attr, f->nest, dst);
	case F_NONE:
	case F_FLAG:
		return 0;
	}
	memcpy(dst, mnl_attr_get_payload(attr), len);
	return 0;
}

/* Attributes of a newer kernel are skipped: old tools keep working */
static int get_fields(const struct nlattr *nest, const struct field *fields,
		      size_t n, uint32_t *present, void *model)
{
	const struct nlattr *attr;
	int err;

	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type >= n || fields[type].kind == F_NONE)
			continue;
		err = get_field(attr, &fields[type],
				(char *)model + fields[type].offset);
		if (err)
			return err;
		*present |= BIT(type);
	}
	return 0;
}

static void put_nest(struct nlmsghdr *nlh, int type, const struct field *fields,
		     size_t n, uint32_t present, const void *model);

/* A nested model's own present mask is its first member */
static void put_model(struct nlmsghdr *nlh, int type, const struct nest *d,
		      const char *model)
{
	put_nest(nlh, type, d->fields, d->n, *(const uint32_t *)model, model);
}

/* Read-only fields are never present in what the command line fills */
static void put_fields(struct nlmsghdr *nlh, const struct field *fields,
		       size_t n, uint32_t present, const void *model)
{
	const char *base = model;
	size_t type;
	uint32_t i;

	for (type = 1; type < n; type++) {
		const struct field *f = &fields[type];
		const char *p = base + f->offset;

		if (!(present & BIT(type)))
			continue;
		if (f->kind == F_FIXED)
			mnl_attr_put(nlh, type, f->size, p);
		else if (f->kind == F_STRING)
			mnl_attr_put_strz(nlh, type, p);
		else if (f->kind == F_FLAG)
			mnl_attr_put(nlh, type, 0, NULL);
		else if (f->kind == F_NEST)
			put_model(nlh, type, f->nest, p);
		else if (f->kind == F_LIST)
			for (i = 0; i < *(const uint32_t *)p; i++)
				put_model(nlh, type, f->nest, p + f->nest->first +
					  i * f->nest->size);
	}
}

static void put_nest(struct nlmsghdr *nlh, int type, const struct field *fields,
		     size_t n, uint32_t present, const void *model)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_fields(nlh, fields, n, present, model);
	mnl_attr_nest_end(nlh, nest);
}

/* The nest @type at the top level of a flexvpn message, or NULL */
static const struct nlattr *find_nest(const struct nlmsghdr *nlh, int type)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == type &&
		    !mnl_attr_validate(attr, MNL_TYPE_NESTED))
			return attr;
	return NULL;
}

/*
 * A template's or an access device's nest, wherever it comes from: a
 * flexvpn message (below), or another message that carries the same
 * attributes.
 */
int fvnl_template_parse(const struct nlattr *nest, struct fv_template *t)
{
	memset(t, 0, sizeof(*t));
	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED))
		return -EBADMSG;
	return get_fields(nest, template_fields, ARRAY_SIZE(template_fields),
			  &t->present, t);
}

int fvnl_access_parse(const struct nlattr *nest, struct fv_access *a)
{
	memset(a, 0, sizeof(*a));
	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED))
		return -EBADMSG;
	return get_fields(nest, access_fields, ARRAY_SIZE(access_fields),
			  &a->present, a);
}

int fvnl_get_template(const struct nlmsghdr *nlh, struct fv_template *t)
{
	return fvnl_template_parse(find_nest(nlh, FLEXVPN_A_TEMPLATE), t);
}

int fvnl_get_access(const struct nlmsghdr *nlh, struct fv_access *a)
{
	return fvnl_access_parse(find_nest(nlh, FLEXVPN_A_ACCESS), a);
}

int fvnl_get_redirect(const struct nlmsghdr *nlh, struct fv_redirect *r)
{
	const struct nlattr *nest = find_nest(nlh, FLEXVPN_A_REDIRECT);

	memset(r, 0, sizeof(*r));
	if (!nest)
		return -EBADMSG;
	return get_fields(nest, redirect_fields, ARRAY_SIZE(redirect_fields),
			  &r->present, r);
}

/* The FLEXVPN_CMD_* of a message, 0 when it has no genl header */
int fvnl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		return 0;
	return genl->cmd;
}

/*
 * Builds @r into @buf, which must hold FVNL_BUF_SIZE bytes: more than the
 * largest request (a template with FV_GROUPS_MAX groups, about 16 KiB), so
 * no attribute needs a space check. A doit request asks for an ack, which
 * is what ends the wait for its replies.
 */
struct nlmsghdr *fvnl_request(void *buf, uint16_t family,
			      const struct fv_request *r)
{
	uint16_t flags = r->dump ? NLM_F_DUMP : NLM_F_ACK;
	struct nlmsghdr *nlh = fvnl_msg(buf, family, r->cmd, flags);

	if (r->ifindex)
		mnl_attr_put_u32(nlh, FLEXVPN_A_IFINDEX, r->ifindex);
	if (r->dev)
		mnl_attr_put_strz(nlh, FLEXVPN_A_IFNAME, r->dev);
	if (r->tmpl && r->tmpl->present)
		put_nest(nlh, FLEXVPN_A_TEMPLATE, template_fields,
			 ARRAY_SIZE(template_fields), r->tmpl->present, r->tmpl);
	if (r->access && r->access->present)
		put_nest(nlh, FLEXVPN_A_ACCESS, access_fields,
			 ARRAY_SIZE(access_fields), r->access->present,
			 r->access);
	return nlh;
}
