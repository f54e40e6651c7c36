// SPDX-License-Identifier: GPL-2.0
/*
 * The NHRP codec (nhrp.h): decoding with a length check before every read,
 * encoding with the lengths, offsets and checksum derived from the model.
 *
 * Packet layout (RFC 2332 5.1, 5.2, 5.3):
 *   fixed header (20) | mandatory part | extensions (from ar$extoff)
 *   mandatory part: src/dst protocol lengths, 6 bytes by type, source NBMA,
 *   source and destination protocol addresses, then CIEs (requests and
 *   replies) or the packet an indication is about
 *   extension: C bit + type (2), length (2), value; the last one is End
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nhrp.h"

static const char *const reason_strs[NHRP_E_MAX] = {
	[NHRP_OK] = "no error",
	[NHRP_E_SHORT] = "packet truncated",
	[NHRP_E_PKTSZ] = "packet size below the headers",
	[NHRP_E_CHECKSUM] = "bad checksum",
	[NHRP_E_VERSION] = "unsupported NHRP version",
	[NHRP_E_TYPE] = "unknown packet type",
	[NHRP_E_AFN] = "unsupported NBMA address family",
	[NHRP_E_PROTO] = "unsupported protocol type",
	[NHRP_E_ADDR] = "bad address length",
	[NHRP_E_SUBADDR] = "NBMA subaddress",
	[NHRP_E_EXTOFF] = "bad extension offset",
	[NHRP_E_MAND] = "mandatory part runs past its end",
	[NHRP_E_CIE] = "CIE runs past the end of its part",
	[NHRP_E_EXT] = "extension runs past the packet end",
	[NHRP_E_EXT_VALUE] = "malformed extension value",
	[NHRP_E_NO_END] = "no End extension",
	[NHRP_E_AFTER_END] = "bytes after the End extension",
	[NHRP_E_LIMIT] = "too many CIEs or extensions",
	[NHRP_E_INVALID] = "inconsistent message",
	[NHRP_E_NOSPACE] = "buffer too small",
};

const char *nhrp_reason_str(enum nhrp_reason reason)
{
	if ((unsigned int)reason >= NHRP_E_MAX)
		return "unknown reason";
	return reason_strs[reason];
}

uint16_t nhrp_reason_code(enum nhrp_reason reason)
{
	switch (reason) {
	case NHRP_OK:
		return NHRP_CODE_SUCCESS;
	case NHRP_E_EXT:
	case NHRP_E_EXT_VALUE:
	case NHRP_E_NO_END:
	case NHRP_E_AFTER_END:
		return NHRP_ERR_INVALID_EXT;
	case NHRP_E_LIMIT:
		return NHRP_ERR_SDU_SIZE;
	default:
		return NHRP_ERR_PROTOCOL;
	}
}

const char *nhrp_type_name(uint8_t type)
{
	static const char *const names[] = {
		[NHRP_RESOLUTION_REQUEST] = "Resolution Request",
		[NHRP_RESOLUTION_REPLY] = "Resolution Reply",
		[NHRP_REGISTRATION_REQUEST] = "Registration Request",
		[NHRP_REGISTRATION_REPLY] = "Registration Reply",
		[NHRP_PURGE_REQUEST] = "Purge Request",
		[NHRP_PURGE_REPLY] = "Purge Reply",
		[NHRP_ERROR_INDICATION] = "Error Indication",
		[NHRP_TRAFFIC_INDICATION] = "Traffic Indication",
	};

	if (type >= sizeof(names) / sizeof(names[0]) || !names[type])
		return "unknown";
	return names[type];
}

static const char *ext_name(uint16_t type)
{
	switch (type) {
	case NHRP_EXT_RESPONDER:
		return "Responder Address";
	case NHRP_EXT_FORWARD_TRANSIT:
		return "Forward Transit NHS Record";
	case NHRP_EXT_REVERSE_TRANSIT:
		return "Reverse Transit NHS Record";
	case NHRP_EXT_AUTH:
		return "Authentication";
	case NHRP_EXT_NAT_ADDRESS:
		return "NAT Address";
	default:
		return "the";
	}
}

bool nhrp_ext_has_cies(uint16_t type)
{
	return type == NHRP_EXT_RESPONDER || type == NHRP_EXT_FORWARD_TRANSIT ||
	       type == NHRP_EXT_REVERSE_TRANSIT || type == NHRP_EXT_NAT_ADDRESS;
}

static bool type_known(uint8_t type)
{
	return type >= NHRP_RESOLUTION_REQUEST &&
	       type <= NHRP_TRAFFIC_INDICATION;
}

static bool is_indication(uint8_t type)
{
	return type == NHRP_ERROR_INDICATION || type == NHRP_TRAFFIC_INDICATION;
}

static __attribute__((format(printf, 4, 5)))
int fail(struct nhrp_error *err, enum nhrp_reason reason, size_t offset,
	 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->reason = reason;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* One's complement sum of @len bytes as big-endian 16-bit words */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t nhrp_checksum(const void *buf, size_t len)
{
	return (uint16_t)~csum_add(0, buf, len);
}

/* The checksum @p's ar$chksum should hold: the field itself counts as 0 */
static uint16_t packet_checksum(const uint8_t *p, size_t pktsz)
{
	uint32_t sum = csum_add(0, p, 12);

	return (uint16_t)~csum_add(sum, p + 14, pktsz - 14);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Address length of an NBMA family or a protocol type, 0 if unsupported */
static unsigned int afn_len(uint16_t afn)
{
	return afn == NHRP_AFN_IPV4 ? 4 : afn == NHRP_AFN_IPV6 ? 16 : 0;
}

static unsigned int proto_len(uint16_t proto)
{
	return proto == NHRP_PROTO_IPV4 ? 4 : proto == NHRP_PROTO_IPV6 ? 16 : 0;
}

/* The decoder's state: the packet, and where its current part ends */
struct reader {
	const uint8_t *p;
	size_t pktsz;
	struct nhrp_msg *m;
	struct nhrp_error *err;
	unsigned int nbma_len, proto_len;	/* by afn and protocol type */
};

/*
 * A type-and-length byte of an NBMA address (ar$shtl, a CIE's): only the
 * length, as IP NBMA addresses have no type, and the family's length or 0.
 */
static int check_nbma_tl(struct reader *r, uint8_t tl, size_t off,
			 const char *what)
{
	if (tl & 0xc0)
		return fail(r->err, NHRP_E_ADDR, off,
			    "%s NBMA address type 0x%02x is not an IP address",
			    what, tl & 0xc0);
	if (tl && tl != r->nbma_len)
		return fail(r->err, NHRP_E_ADDR, off,
			    "%s NBMA address of %u bytes in address family %u",
			    what, tl, r->m->afn);
	return 0;
}

static int check_proto_len(struct reader *r, uint8_t len, size_t off,
			   const char *what)
{
	if (len && len != r->proto_len)
		return fail(r->err, NHRP_E_ADDR, off,
			    "%s protocol address of %u bytes for protocol type 0x%04x",
			    what, len, r->m->proto_type);
	return 0;
}

static void get_addr(struct nhrp_addr *a, const uint8_t *p, uint8_t len)
{
	memset(a, 0, sizeof(*a));
	a->len = len;
	memcpy(a->bytes, p, len);
}

/*
 * Decodes the CIEs of [@off, @end) into @list; @what names the part for
 * messages ("the mandatory part", "the NAT Address extension").
 */
static int decode_cies(struct reader *r, size_t off, size_t end,
		       struct nhrp_cie_list *list, const char *what)
{
	const uint8_t *p = r->p;
	struct nhrp_msg *m = r->m;
	unsigned int n = 0;

	list->first = (uint8_t)m->n_cie;
	list->count = 0;
	while (off < end) {
		struct nhrp_cie *c;
		uint8_t nbma, sub, plen;
		char label[16];

		n++;
		snprintf(label, sizeof(label), "CIE %u", n);
		if (end - off < NHRP_CIE_LEN)
			return fail(r->err, NHRP_E_CIE, off,
				    "CIE %u runs past the end of %s", n, what);
		nbma = p[off + 8];
		sub = p[off + 9];
		plen = p[off + 10];
		if (check_nbma_tl(r, nbma, off + 8, label) ||
		    check_proto_len(r, plen, off + 10, label))
			return -1;
		if (sub)
			return fail(r->err, NHRP_E_SUBADDR, off + 9,
				    "CIE %u has an NBMA subaddress", n);
		if (end - off - NHRP_CIE_LEN < (size_t)nbma + plen)
			return fail(r->err, NHRP_E_CIE, off,
				    "CIE %u's addresses run past the end of %s",
				    n, what);
		if (m->n_cie == NHRP_MAX_CIES)
			return fail(r->err, NHRP_E_LIMIT, off,
				    "more than %u CIEs", NHRP_MAX_CIES);
		c = &m->cie[m->n_cie++];
		list->count++;
		c->code = p[off];
		c->prefix_len = p[off + 1];
		c->reserved = get16(p + off + 2);
		c->mtu = get16(p + off + 4);
		c->holding_time = get16(p + off + 6);
		c->preference = p[off + 11];
		off += NHRP_CIE_LEN;
		get_addr(&c->nbma, p + off, nbma);
		off += nbma;
		get_addr(&c->proto, p + off, plen);
		off += plen;
	}
	return 0;
}

/* The mandatory part, [20, @end) */
static int decode_mandatory(struct reader *r, size_t end)
{
	const uint8_t *p = r->p;
	struct nhrp_msg *m = r->m;
	uint8_t shtl = p[18], spl = p[20], dpl = p[21];
	size_t off = NHRP_FIXED_LEN + NHRP_MAND_LEN;

	if (check_nbma_tl(r, shtl, 18, "source") ||
	    check_proto_len(r, spl, 20, "source") ||
	    check_proto_len(r, dpl, 21, "destination"))
		return -1;
	if (p[19])
		return fail(r->err, NHRP_E_SUBADDR, 19,
			    "the source has an NBMA subaddress");
	if (end - off < (size_t)shtl + spl + dpl)
		return fail(r->err, NHRP_E_MAND, off,
			    "the mandatory part's addresses (%u bytes) run past its end at %zu",
			    shtl + spl + dpl, end);

	switch (m->type) {
	case NHRP_ERROR_INDICATION:
		m->u.err.reserved = get16(p + 22);
		m->u.err.code = get16(p + 24);
		m->u.err.offset = get16(p + 26);
		break;
	case NHRP_TRAFFIC_INDICATION:
		m->u.ti.code = get16(p + 22);
		m->u.ti.reserved = get32(p + 24);
		break;
	default:
		m->u.req.flags = get16(p + 22);
		m->u.req.request_id = get32(p + 24);
		break;
	}
	get_addr(&m->src_nbma, p + off, shtl);
	off += shtl;
	get_addr(&m->src_proto, p + off, spl);
	off += spl;
	get_addr(&m->dst_proto, p + off, dpl);
	off += dpl;

	if (is_indication(m->type)) {
		m->payload.data = p + off;
		m->payload.len = end - off;
		return 0;
	}
	return decode_cies(r, off, end, &m->cies, "the mandatory part");
}

/* The extensions, from @off (ar$extoff) to the packet end */
static int decode_extensions(struct reader *r, size_t off)
{
	const uint8_t *p = r->p;
	struct nhrp_msg *m = r->m;
	unsigned int n = 0;

	for (;;) {
		uint16_t raw, len, type;
		struct nhrp_ext *e;
		char what[64];

		n++;
		if (off == r->pktsz)
			return fail(r->err, NHRP_E_NO_END, off,
				    "the extensions end without an End extension");
		if (r->pktsz - off < NHRP_EXT_HDR_LEN)
			return fail(r->err, NHRP_E_EXT, off,
				    "extension %u's header runs past the packet end", n);
		raw = get16(p + off);
		len = get16(p + off + 2);
		type = raw & ~NHRP_EXT_COMPULSORY;
		if (r->pktsz - off - NHRP_EXT_HDR_LEN < len)
			return fail(r->err, NHRP_E_EXT, off,
				    "extension %u (type %u, %u bytes) runs past the packet end",
				    n, type, len);
		if (type == NHRP_EXT_END) {
			if (len)
				return fail(r->err, NHRP_E_EXT_VALUE, off,
					    "the End extension has %u bytes of value", len);
			m->end_compulsory = raw & NHRP_EXT_COMPULSORY;
			off += NHRP_EXT_HDR_LEN;
			if (off != r->pktsz)
				return fail(r->err, NHRP_E_AFTER_END, off,
					    "%zu bytes after the End extension",
					    r->pktsz - off);
			return 0;
		}
		if (m->n_ext == NHRP_MAX_EXTS)
			return fail(r->err, NHRP_E_LIMIT, off,
				    "more than %u extensions", NHRP_MAX_EXTS);
		e = &m->ext[m->n_ext++];
		memset(e, 0, sizeof(*e));
		e->type = type;
		e->compulsory = raw & NHRP_EXT_COMPULSORY;
		e->offset = (unsigned int)off;
		off += NHRP_EXT_HDR_LEN;
		if (nhrp_ext_has_cies(type)) {
			snprintf(what, sizeof(what), "the %s extension",
				 ext_name(type));
			if (decode_cies(r, off, off + len, &e->cies, what))
				return -1;
		} else if (type == NHRP_EXT_AUTH) {
			if (len < 4)
				return fail(r->err, NHRP_E_EXT_VALUE, off,
					    "the Authentication extension has %u bytes, less than its SPI word",
					    len);
			e->auth_reserved = get16(p + off);
			e->auth_spi = get16(p + off + 2);
			e->data.data = p + off + 4;
			e->data.len = len - 4u;
		} else {
			e->data.data = p + off;
			e->data.len = len;
		}
		off += len;
	}
}

int nhrp_decode(struct nhrp_msg *m, const void *buf, size_t len,
		struct nhrp_error *err)
{
	struct reader r = { .p = buf, .m = m, .err = err };
	const uint8_t *p = buf;
	uint16_t pktsz, csum, want, extoff;
	size_t mand_end;

	memset(m, 0, sizeof(*m));
	if (err)
		memset(err, 0, sizeof(*err));
	if (len < NHRP_FIXED_LEN)
		return fail(err, NHRP_E_SHORT, len,
			    "%zu bytes are shorter than the %u-byte fixed header",
			    len, NHRP_FIXED_LEN);
	pktsz = get16(p + 10);
	if (pktsz < NHRP_FIXED_LEN + NHRP_MAND_LEN)
		return fail(err, NHRP_E_PKTSZ, 10,
			    "packet size %u is below the %u bytes of the headers",
			    pktsz, NHRP_FIXED_LEN + NHRP_MAND_LEN);
	if (pktsz > len)
		return fail(err, NHRP_E_SHORT, len,
			    "packet size %u, but only %zu bytes arrived", pktsz, len);
	r.pktsz = pktsz;

	csum = get16(p + 12);
	want = packet_checksum(p, pktsz);
	if (csum != want)
		return fail(err, NHRP_E_CHECKSUM, 12,
			    "checksum 0x%04x, the packet's is 0x%04x", csum, want);

	m->afn = get16(p);
	m->proto_type = get16(p + 2);
	memcpy(m->snap, p + 4, sizeof(m->snap));
	m->hop_count = p[9];
	m->version = p[16];
	m->type = p[17];
	if (m->version != NHRP_VERSION)
		return fail(err, NHRP_E_VERSION, 16, "NHRP version %u, not %u",
			    m->version, NHRP_VERSION);
	if (!type_known(m->type))
		return fail(err, NHRP_E_TYPE, 17, "unknown packet type %u",
			    m->type);
	r.nbma_len = afn_len(m->afn);
	if (!r.nbma_len)
		return fail(err, NHRP_E_AFN, 0,
			    "address family %u is neither IPv4 (1) nor IPv6 (2)",
			    m->afn);
	r.proto_len = proto_len(m->proto_type);
	if (!r.proto_len)
		return fail(err, NHRP_E_PROTO, 2,
			    "protocol type 0x%04x is neither IPv4 nor IPv6",
			    m->proto_type);

	extoff = get16(p + 14);
	if (extoff && (extoff < NHRP_FIXED_LEN + NHRP_MAND_LEN ||
		       extoff > pktsz))
		return fail(err, NHRP_E_EXTOFF, 14,
			    "extension offset %u is outside the packet's %u..%u",
			    extoff, NHRP_FIXED_LEN + NHRP_MAND_LEN, pktsz);
	mand_end = extoff ? extoff : pktsz;

	if (decode_mandatory(&r, mand_end))
		return -1;
	if (!extoff)
		return 0;
	m->has_ext = true;
	return decode_extensions(&r, extoff);
}

/* The encoder's state; writes past @size only count, for NHRP_E_NOSPACE */
struct writer {
	uint8_t *p;
	size_t size, off;
};

static void put(struct writer *w, const void *data, size_t len)
{
	if (len && w->off + len <= w->size)
		memcpy(w->p + w->off, data, len);
	w->off += len;
}

static void put8(struct writer *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	put(w, b, sizeof(b));
}

static void put32(struct writer *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

/* Writes a 16-bit field at @off, if the buffer holds it */
static void set16(struct writer *w, size_t off, uint16_t v)
{
	if (off + 2 <= w->size) {
		w->p[off] = v >> 8;
		w->p[off + 1] = v & 0xff;
	}
}

static bool addr_ok(const struct nhrp_addr *a, unsigned int family_len)
{
	return a->len == 0 || a->len == family_len;
}

static int encode_cies(struct writer *w, const struct nhrp_msg *m,
		       const struct nhrp_cie_list *list, struct nhrp_error *err)
{
	unsigned int i;

	if (list->first + list->count > m->n_cie || m->n_cie > NHRP_MAX_CIES)
		return fail(err, NHRP_E_INVALID, w->off,
			    "CIE list %u+%u outside the %u CIEs", list->first,
			    list->count, m->n_cie);
	for (i = 0; i < list->count; i++) {
		const struct nhrp_cie *c = nhrp_cie_get(m, list, i);

		if (!addr_ok(&c->nbma, afn_len(m->afn)) ||
		    !addr_ok(&c->proto, proto_len(m->proto_type)))
			return fail(err, NHRP_E_ADDR, w->off,
				    "CIE %u: address lengths %u and %u don't fit the families",
				    i + 1, c->nbma.len, c->proto.len);
		put8(w, c->code);
		put8(w, c->prefix_len);
		put16(w, c->reserved);
		put16(w, c->mtu);
		put16(w, c->holding_time);
		put8(w, c->nbma.len);
		put8(w, 0);
		put8(w, c->proto.len);
		put8(w, c->preference);
		put(w, c->nbma.bytes, c->nbma.len);
		put(w, c->proto.bytes, c->proto.len);
	}
	return 0;
}

static int encode_extensions(struct writer *w, const struct nhrp_msg *m,
			     struct nhrp_error *err)
{
	unsigned int i;

	for (i = 0; i < m->n_ext && i < NHRP_MAX_EXTS; i++) {
		const struct nhrp_ext *e = &m->ext[i];
		size_t start = w->off;

		if (e->type == NHRP_EXT_END || e->type & NHRP_EXT_COMPULSORY)
			return fail(err, NHRP_E_INVALID, start,
				    "extension %u has type %u", i + 1, e->type);
		put16(w, e->type | (e->compulsory ? NHRP_EXT_COMPULSORY : 0));
		put16(w, 0);
		if (nhrp_ext_has_cies(e->type)) {
			if (encode_cies(w, m, &e->cies, err))
				return -1;
		} else if (e->type == NHRP_EXT_AUTH) {
			put16(w, e->auth_reserved);
			put16(w, e->auth_spi);
			put(w, e->data.data, e->data.len);
		} else {
			put(w, e->data.data, e->data.len);
		}
		if (w->off - start - NHRP_EXT_HDR_LEN > 0xffff)
			return fail(err, NHRP_E_INVALID, start,
				    "extension %u is over 65535 bytes", i + 1);
		set16(w, start + 2, w->off - start - NHRP_EXT_HDR_LEN);
	}
	if (m->n_ext > NHRP_MAX_EXTS)
		return fail(err, NHRP_E_INVALID, w->off, "%u extensions",
			    m->n_ext);
	put16(w, NHRP_EXT_END |
		 (m->end_compulsory ? NHRP_EXT_COMPULSORY : 0));
	put16(w, 0);
	return 0;
}

ssize_t nhrp_encode(const struct nhrp_msg *m, void *buf, size_t size,
		    struct nhrp_error *err)
{
	struct writer w = { .p = buf, .size = size };
	unsigned int nbma_len = afn_len(m->afn);
	unsigned int plen = proto_len(m->proto_type);
	size_t extoff = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!nbma_len || !plen)
		return fail(err, !nbma_len ? NHRP_E_AFN : NHRP_E_PROTO, 0,
			    "address family %u, protocol type 0x%04x",
			    m->afn, m->proto_type);
	if (!type_known(m->type))
		return fail(err, NHRP_E_TYPE, 17, "unknown packet type %u",
			    m->type);
	if (!addr_ok(&m->src_nbma, nbma_len) ||
	    !addr_ok(&m->src_proto, plen) || !addr_ok(&m->dst_proto, plen))
		return fail(err, NHRP_E_ADDR, 18,
			    "address lengths %u, %u and %u don't fit the families",
			    m->src_nbma.len, m->src_proto.len, m->dst_proto.len);
	if (is_indication(m->type) ? m->cies.count != 0 : m->payload.len != 0)
		return fail(err, NHRP_E_INVALID, 20,
			    "a %s carries %s", nhrp_type_name(m->type),
			    m->cies.count ? "no CIEs" : "no packet");
	if (m->n_ext && !m->has_ext)
		return fail(err, NHRP_E_INVALID, 14,
			    "extensions, but has_ext is not set");

	put16(&w, m->afn);
	put16(&w, m->proto_type);
	put(&w, m->snap, sizeof(m->snap));
	put8(&w, m->hop_count);
	put16(&w, 0);			/* ar$pktsz, below */
	put16(&w, 0);			/* ar$chksum, last */
	put16(&w, 0);			/* ar$extoff, below */
	put8(&w, m->version);
	put8(&w, m->type);
	put8(&w, m->src_nbma.len);
	put8(&w, 0);			/* no subaddress */

	put8(&w, m->src_proto.len);
	put8(&w, m->dst_proto.len);
	switch (m->type) {
	case NHRP_ERROR_INDICATION:
		put16(&w, m->u.err.reserved);
		put16(&w, m->u.err.code);
		put16(&w, m->u.err.offset);
		break;
	case NHRP_TRAFFIC_INDICATION:
		put16(&w, m->u.ti.code);
		put32(&w, m->u.ti.reserved);
		break;
	default:
		put16(&w, m->u.req.flags);
		put32(&w, m->u.req.request_id);
		break;
	}
	put(&w, m->src_nbma.bytes, m->src_nbma.len);
	put(&w, m->src_proto.bytes, m->src_proto.len);
	put(&w, m->dst_proto.bytes, m->dst_proto.len);
	if (is_indication(m->type))
		put(&w, m->payload.data, m->payload.len);
	else if (encode_cies(&w, m, &m->cies, err))
		return -1;

	if (m->has_ext) {
		extoff = w.off;
		if (encode_extensions(&w, m, err))
			return -1;
	}
	if (w.off > NHRP_MAX_LEN || extoff > NHRP_MAX_LEN)
		return fail(err, NHRP_E_INVALID, 10,
			    "the packet would be %zu bytes, more than %u",
			    w.off, NHRP_MAX_LEN);
	if (w.off > size)
		return fail(err, NHRP_E_NOSPACE, size,
			    "the packet needs %zu bytes, the buffer has %zu",
			    w.off, size);
	set16(&w, 10, w.off);
	set16(&w, 14, extoff);
	set16(&w, 12, packet_checksum(buf, w.off));
	return (ssize_t)w.off;
}

void nhrp_msg_init(struct nhrp_msg *m, uint8_t type, uint16_t afn,
		   uint16_t proto_type)
{
	memset(m, 0, sizeof(*m));
	m->afn = afn;
	m->proto_type = proto_type;
	m->version = NHRP_VERSION;
	m->type = type;
	m->hop_count = 64;
}

struct nhrp_cie *nhrp_cie_add(struct nhrp_msg *m, struct nhrp_cie_list *list)
{
	struct nhrp_cie *c;

	if (m->n_cie >= NHRP_MAX_CIES)
		return NULL;
	if (!list->count)
		list->first = (uint8_t)m->n_cie;
	else if (list->first + list->count != m->n_cie)
		return NULL;
	c = &m->cie[m->n_cie++];
	list->count++;
	memset(c, 0, sizeof(*c));
	return c;
}

struct nhrp_ext *nhrp_ext_add(struct nhrp_msg *m, uint16_t type,
			      bool compulsory)
{
	struct nhrp_ext *e;

	if (m->n_ext >= NHRP_MAX_EXTS)
		return NULL;
	e = &m->ext[m->n_ext++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->compulsory = compulsory;
	m->has_ext = true;
	return e;
}

const struct nhrp_ext *nhrp_ext_find(const struct nhrp_msg *m, uint16_t type)
{
	unsigned int i;

	for (i = 0; i < m->n_ext; i++)
		if (m->ext[i].type == type)
			return &m->ext[i];
	return NULL;
}

const struct nhrp_ext *nhrp_unknown_compulsory(const struct nhrp_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->n_ext; i++) {
		const struct nhrp_ext *e = &m->ext[i];

		if (e->compulsory && !nhrp_ext_has_cies(e->type) &&
		    e->type != NHRP_EXT_AUTH)
			return e;
	}
	return NULL;
}

bool nhrp_transit_loop(const struct nhrp_msg *m, const struct nhrp_addr *nbma)
{
	const struct nhrp_ext *e = nhrp_ext_find(m, NHRP_EXT_FORWARD_TRANSIT);
	unsigned int i;

	for (i = 0; e && nbma->len && i < e->cies.count; i++) {
		const struct nhrp_cie *c = nhrp_cie_get(m, &e->cies, i);

		if (c->nbma.len == nbma->len &&
		    !memcmp(c->nbma.bytes, nbma->bytes, nbma->len))
			return true;
	}
	return false;
}
