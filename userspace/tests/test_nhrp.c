// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the NHRP codec (userspace/nhrp): the 14 frames FRR
 * 8.4.4's nhrpd sent in a DMVPN Phase 3 network (../shared/vectors, read at
 * run time, never copied here) decode to what the vectors' README says and
 * re-encode to the same bytes; every truncation and a list of malformations
 * are refused with a reason and without reading past the buffer (this test
 * is built with AddressSanitizer, and each input sits in a heap block of
 * exactly its size); packets built from scratch decode in tshark with no
 * expert or malformed items.
 *
 * NHRP_VECTORS (environment) overrides where the capture is.
 */
#include <arpa/inet.h>
#include <unistd.h>

#include "nhrp.h"
#include "pcap.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef NHRP_VECTORS
#define NHRP_VECTORS "../shared/vectors/nhrp-frr-8.4.4-dmvpn.pcap"
#endif
#define N_VECTORS 14

static struct pcap_nhrp vec;
static bool have_vectors;

/* Decodes a copy of @len bytes in a heap block of exactly that size */
static int decode_exact(struct nhrp_msg *m, const uint8_t *p, size_t len,
			struct nhrp_error *err)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, p, len);
	rc = nhrp_decode(m, copy, len, err);
	/* The message borrows from the copy: keep no pointers past here */
	free(copy);
	return rc;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Sets ar$pktsz to @len and the checksum to match: a well-formed shell */
static void fix(uint8_t *p, size_t len)
{
	wr16(p + 10, (uint16_t)len);
	wr16(p + 12, 0);
	wr16(p + 12, nhrp_checksum(p, len));
}

static struct nhrp_addr ip4(const char *s)
{
	struct nhrp_addr a = { .len = 4 };

	inet_pton(AF_INET, s, a.bytes);
	return a;
}

static struct nhrp_addr ip6(const char *s)
{
	struct nhrp_addr a = { .len = 16 };

	inet_pton(AF_INET6, s, a.bytes);
	return a;
}

static bool addr_is(const struct nhrp_addr *a, const char *s)
{
	struct nhrp_addr b = strchr(s, ':') ? ip6(s) : ip4(s);

	return a->len == b.len && !memcmp(a->bytes, b.bytes, b.len);
}

/*
 * Checks of one decoded vector, collected: @why gets the first that fails
 * so the TAP line says what it was.
 */
struct checks {
	const char *why;
};

#define CHECK(c, cond) do { if (!(c)->why && !(cond)) (c)->why = #cond; } while (0)

static bool ext_types_are(const struct nhrp_msg *m, const uint16_t *types,
			  unsigned int n)
{
	unsigned int i;

	if (m->n_ext != n)
		return false;
	for (i = 0; i < n; i++)
		if (m->ext[i].type != types[i] ||
		    m->ext[i].compulsory != (types[i] != NHRP_EXT_NAT_ADDRESS))
			return false;
	return true;
}

static unsigned int ext_cies(const struct nhrp_msg *m, uint16_t type)
{
	const struct nhrp_ext *e = nhrp_ext_find(m, type);

	return e ? e->cies.count : 0;
}

/* What the README says of frame @i (1-based), and what FRR filled in */
static void check_vector(unsigned int i, const struct nhrp_msg *m,
			 struct checks *c)
{
	/* FRR sends these four, in this order, the NAT one not compulsory */
	static const uint16_t frr_exts[] = {
		NHRP_EXT_FORWARD_TRANSIT, NHRP_EXT_REVERSE_TRANSIT,
		NHRP_EXT_RESPONDER, NHRP_EXT_NAT_ADDRESS,
	};
	const char *spoke = (i == 1 || i == 2 || i == 5 || i == 7 || i == 9 ||
			     i == 11 || i == 12) ? "11" : "12";
	char nbma[32], proto[32], peer_nbma[32], peer_proto[32];
	const struct nhrp_cie *cie = m->cies.count ?
		nhrp_cie_get(m, &m->cies, 0) : NULL;
	const struct nhrp_ext *e;

	snprintf(nbma, sizeof(nbma), "198.51.100.%s", spoke);
	snprintf(proto, sizeof(proto), "10.255.0.%s", spoke);
	snprintf(peer_nbma, sizeof(peer_nbma), "198.51.100.%s",
		 *spoke == '1' && spoke[1] == '1' ? "12" : "11");
	snprintf(peer_proto, sizeof(peer_proto), "10.255.0.%s",
		 *spoke == '1' && spoke[1] == '1' ? "12" : "11");
	CHECK(c, m->afn == NHRP_AFN_IPV4 && m->proto_type == NHRP_PROTO_IPV4);
	CHECK(c, m->version == NHRP_VERSION);

	if (i <= 4) {
		CHECK(c, m->type == (i % 2 ? NHRP_REGISTRATION_REQUEST :
					     NHRP_REGISTRATION_REPLY));
		CHECK(c, m->u.req.request_id == 1);
		CHECK(c, m->u.req.flags == NHRP_FLAG_NAT);
		CHECK(c, m->hop_count == (i % 2 ? 1 : 64));
		CHECK(c, addr_is(&m->src_nbma, nbma));
		CHECK(c, addr_is(&m->src_proto, proto));
		CHECK(c, addr_is(&m->dst_proto, i % 2 ? proto : "10.255.0.1"));
		CHECK(c, m->cies.count == 1 && cie->prefix_len == 32 &&
			 cie->holding_time == 7200 && cie->code == 0);
		CHECK(c, ext_types_are(m, frr_exts, 4) && m->end_compulsory);
		CHECK(c, ext_cies(m, NHRP_EXT_RESPONDER) == (i % 2 ? 0 : 1));
		e = nhrp_ext_find(m, NHRP_EXT_NAT_ADDRESS);
		CHECK(c, e && e->cies.count == 1 &&
			 addr_is(&nhrp_cie_get(m, &e->cies, 0)->nbma,
				 "198.51.100.1"));
		if (i % 2 == 0) {
			e = nhrp_ext_find(m, NHRP_EXT_RESPONDER);
			CHECK(c, e && addr_is(&nhrp_cie_get(m, &e->cies, 0)->proto,
					      "10.255.0.1"));
		}
	} else if (i <= 6) {
		const uint8_t *ip = m->payload.data;

		CHECK(c, m->type == NHRP_TRAFFIC_INDICATION);
		CHECK(c, !m->has_ext && m->n_ext == 0);
		CHECK(c, addr_is(&m->src_nbma, "198.51.100.1"));
		CHECK(c, addr_is(&m->src_proto, "10.255.0.1"));
		CHECK(c, addr_is(&m->dst_proto, i == 5 ? "10.1.0.10" :
							 "10.2.0.10"));
		/* the whole offending packet: an 84-byte ICMP echo */
		CHECK(c, m->payload.len == 84 && ip[0] == 0x45 &&
			 rd16(ip + 2) == m->payload.len && ip[9] == 1);
		/* sent back to the packet's source, about its destination */
		CHECK(c, !memcmp(ip + 12, m->dst_proto.bytes, 4));
		CHECK(c, addr_is(&(struct nhrp_addr){ 4, { ip[16], ip[17],
			ip[18], ip[19] } }, i == 5 ? "10.2.0.10" : "10.1.0.10"));
	} else if (i <= 10) {
		CHECK(c, m->type == NHRP_RESOLUTION_REQUEST);
		CHECK(c, m->u.req.request_id == 2);
		CHECK(c, m->u.req.flags == (NHRP_FLAG_RES_ROUTER |
			 NHRP_FLAG_RES_AUTHORITATIVE | NHRP_FLAG_RES_SRC_STABLE |
			 NHRP_FLAG_NAT));
		CHECK(c, m->hop_count == (i <= 8 ? 64 : 63));
		CHECK(c, addr_is(&m->src_nbma, nbma));
		CHECK(c, addr_is(&m->dst_proto, *spoke == '1' &&
			 spoke[1] == '1' ? "10.2.0.10" : "10.1.0.10"));
		CHECK(c, m->cies.count == 1 && cie->prefix_len == 32 &&
			 cie->holding_time == 7200);
		CHECK(c, ext_types_are(m, frr_exts, 4));
		/* forwarded by the hub: it added itself */
		CHECK(c, ext_cies(m, NHRP_EXT_FORWARD_TRANSIT) ==
			 (i <= 8 ? 0 : 1));
		CHECK(c, ext_cies(m, NHRP_EXT_RESPONDER) == 0);
	} else {
		CHECK(c, m->type == NHRP_RESOLUTION_REPLY);
		CHECK(c, m->u.req.request_id == 2);
		CHECK(c, m->cies.count == 1 && cie->prefix_len == 24 &&
			 cie->holding_time == 7200 && cie->code == 0);
		CHECK(c, cie && addr_is(&cie->nbma, peer_nbma) &&
			 addr_is(&cie->proto, peer_proto));
		CHECK(c, ext_types_are(m, frr_exts, 4));
		e = nhrp_ext_find(m, NHRP_EXT_RESPONDER);
		CHECK(c, e && e->cies.count == 1 &&
			 addr_is(&nhrp_cie_get(m, &e->cies, 0)->nbma, peer_nbma));
		CHECK(c, ext_cies(m, NHRP_EXT_FORWARD_TRANSIT) == 1);
		/* the hub adds itself on the way back */
		CHECK(c, ext_cies(m, NHRP_EXT_REVERSE_TRANSIT) ==
			 (i % 2 ? 0 : 1));
	}
}

static void test_vectors(void)
{
	uint8_t buf[NHRP_MAX_LEN];
	struct nhrp_error err;
	struct nhrp_msg m;
	unsigned int i;

	is_int(vec.n, N_VECTORS, "vectors: 14 NHRP frames in GRE key 42");
	for (i = 0; i < vec.n; i++) {
		const uint8_t *p = vec.pkt[i].data;
		size_t len = vec.pkt[i].len;
		struct checks c = { 0 };
		ssize_t n;

		if (!ok(!decode_exact(&m, p, len, &err),
			"vector %u decodes", i + 1)) {
			printf("# %s\n", err.msg);
			continue;
		}
		/* decode_exact freed its copy: decode the original again */
		nhrp_decode(&m, p, len, &err);
		check_vector(i + 1, &m, &c);
		if (!ok(!c.why, "vector %u: %s as the README says", i + 1,
			nhrp_type_name(m.type)))
			printf("# failed: %s\n", c.why);
		n = nhrp_encode(&m, buf, sizeof(buf), &err);
		if (!ok(n == (ssize_t)len && !memcmp(buf, p, len),
			"vector %u re-encodes to the same %zu bytes", i + 1,
			len))
			printf("# encode: %zd %s\n", n, n < 0 ? err.msg : "");
	}
}

/*
 * Every prefix of every vector: refused as it is (ar$pktsz says more), and,
 * with ar$pktsz and the checksum made to fit, either refused with a reason
 * or accepted and re-encoded to the same bytes.
 */
static void test_truncations(void)
{
	uint8_t buf[NHRP_MAX_LEN], out[NHRP_MAX_LEN];
	struct nhrp_error err;
	struct nhrp_msg m;
	unsigned int i;

	for (i = 0; i < vec.n; i++) {
		size_t len = vec.pkt[i].len, cut;
		unsigned int raw_bad = 0, fit_bad = 0, accepted = 0;

		for (cut = 0; cut < len; cut++) {
			if (!decode_exact(&m, vec.pkt[i].data, cut, &err) ||
			    (err.reason != NHRP_E_SHORT &&
			     err.reason != NHRP_E_PKTSZ) || !err.msg[0])
				raw_bad++;
			if (cut < NHRP_FIXED_LEN)
				continue;
			memcpy(buf, vec.pkt[i].data, cut);
			fix(buf, cut);
			if (decode_exact(&m, buf, cut, &err)) {
				fit_bad += !err.msg[0] || err.reason == NHRP_OK;
				continue;
			}
			/* accepted: the model borrowed from the freed copy */
			nhrp_decode(&m, buf, cut, &err);
			accepted++;
			if (nhrp_encode(&m, out, sizeof(out), &err) !=
			    (ssize_t)cut || memcmp(out, buf, cut))
				fit_bad++;
		}
		ok(!raw_bad, "vector %u: all %zu truncations refused as short",
		   i + 1, len);
		ok(!fit_bad, "vector %u: truncations with a fitting size: refused with a reason or re-encoded (%u accepted)",
		   i + 1, accepted);
	}
}

/* A copy of vector @frame (1-based) in @buf; returns its length */
static size_t vector_copy(unsigned int frame, uint8_t *buf)
{
	memcpy(buf, vec.pkt[frame - 1].data, vec.pkt[frame - 1].len);
	return vec.pkt[frame - 1].len;
}

/* Decodes @buf after fixing its size and checksum; is the reason @want? */
static bool refused(uint8_t *buf, size_t len, enum nhrp_reason want,
		    const char *name, const char *says)
{
	struct nhrp_error err;
	struct nhrp_msg m;
	bool pass;

	fix(buf, len);
	pass = decode_exact(&m, buf, len, &err) && err.reason == want &&
	       (!says || strstr(err.msg, says));
	if (!ok(pass, "refused: %s", name))
		printf("# reason %d, \"%s\", want %d \"%s\"\n", err.reason,
		       err.msg, want, says ? says : "");
	else
		printf("# %s: %s\n", nhrp_reason_str(err.reason), err.msg);
	return pass;
}

/* Offsets in frame 12: extensions start at 60, Responder's at 88 */
#define F12_EXTOFF	60
#define F12_RESPONDER	(60 + 24 + 24)

/*
 * One change to a vector that must be refused: @value (one byte, or 16 bits
 * if @wide; 0 there means the packet's length) at @at (from the end if
 * negative), then the size and checksum made to fit again.
 */
struct poke {
	const char *name;
	unsigned int frame;
	int at;
	bool wide;
	uint16_t value;
	enum nhrp_reason reason;
	const char *says;	/* in the message */
};

static const struct poke pokes[] = {
	{ "NHRP version 2", 12, 16, false, 2, NHRP_E_VERSION, "version 2" },
	{ "packet type 9", 12, 17, false, 9, NHRP_E_TYPE, "type 9" },
	{ "address family 3", 12, 0, true, 3, NHRP_E_AFN, "family 3" },
	{ "protocol type ARP", 12, 2, true, 0x0806, NHRP_E_PROTO, "0x0806" },
	{ "a 16-byte NBMA address in IPv4", 12, 18, false, 16, NHRP_E_ADDR,
	  "16 bytes" },
	{ "an E.164 NBMA address", 12, 18, false, 0x44, NHRP_E_ADDR,
	  "type 0x40" },
	{ "an NBMA subaddress", 12, 19, false, 4, NHRP_E_SUBADDR, "subaddress" },
	{ "a 6-byte source protocol address", 12, 20, false, 6, NHRP_E_ADDR,
	  "6 bytes" },
	/* the extension offset: into the headers, the addresses, a CIE */
	{ "extension offset into the headers", 12, 14, true, 12,
	  NHRP_E_EXTOFF, "offset 12" },
	{ "extension offset inside the addresses", 12, 14, true, 31,
	  NHRP_E_MAND, "addresses" },
	{ "extension offset cutting the CIE", 12, 14, true, F12_EXTOFF - 4,
	  NHRP_E_CIE, "CIE 1's addresses run past the end of the mandatory part" },
	{ "extension offset cutting a CIE header", 12, 14, true,
	  F12_EXTOFF - 12, NHRP_E_CIE,
	  "CIE 1 runs past the end of the mandatory part" },
	{ "extension offset at the end", 5, 14, true, 0, NHRP_E_NO_END,
	  "without an End" },
	/* CIEs and extensions past their ends */
	{ "a Responder CIE past its extension", 12, F12_RESPONDER + 2, true,
	  16, NHRP_E_CIE,
	  "CIE 1's addresses run past the end of the Responder Address extension" },
	{ "a 16-byte CIE address in IPv4", 12, F12_RESPONDER + 4 + 10, false,
	  16, NHRP_E_ADDR, "CIE 1 protocol address of 16 bytes" },
	{ "an extension length past the end", 12, F12_RESPONDER + 2, true,
	  0xffff, NHRP_E_EXT, "runs past the packet end" },
	{ "no End extension", 12, -4, true, 0x7fff, NHRP_E_NO_END,
	  "without an End" },
};

static void test_malformed(void)
{
	uint8_t buf[NHRP_MAX_LEN];
	struct nhrp_error err;
	struct nhrp_msg m;
	unsigned int i;
	size_t len;

	len = vector_copy(12, buf);
	buf[40] ^= 1;
	ok(nhrp_decode(&m, buf, len, &err) && err.reason == NHRP_E_CHECKSUM &&
	   err.offset == 12, "refused: a flipped bit (%s)", err.msg);

	for (i = 0; i < ARRAY_SIZE(pokes); i++) {
		const struct poke *k = &pokes[i];

		len = vector_copy(k->frame, buf);
		if (k->at < 0)		/* from the end */
			wr16(buf + len + k->at, k->value);
		else if (k->wide)
			wr16(buf + k->at, k->value ? k->value : len);
		else
			buf[k->at] = (uint8_t)k->value;
		refused(buf, len, k->reason, k->name, k->says);
	}
	len = vector_copy(12, buf);
	wr16(buf + 14, len + 4);
	refused(buf, len, NHRP_E_EXTOFF, "extension offset past the end",
		"outside");
	len = vector_copy(12, buf);
	len -= 2;
	refused(buf, len, NHRP_E_EXT, "a cut End extension", "header");

	/* End: missing, with a value, followed by more */
	len = vector_copy(12, buf);
	memset(buf + len, 0, 4);
	len += 4;
	refused(buf, len, NHRP_E_AFTER_END, "bytes after End", "4 bytes after");
	len = vector_copy(12, buf);
	wr16(buf + len - 2, 4);
	memset(buf + len, 0, 4);
	len += 4;
	refused(buf, len, NHRP_E_EXT_VALUE, "an End extension with a value",
		"End extension has 4 bytes");
	len = vector_copy(12, buf);
	wr16(buf + 10, 24);
	ok(nhrp_decode(&m, buf, len, &err) && err.reason == NHRP_E_PKTSZ,
	   "refused: a packet size below the headers");
}

/*
 * An extension area of @n zero-length extensions of type 0x7fff (and End
 * if @end): a parser that does not advance would spin on these forever.
 */
static size_t empty_extensions(uint8_t *buf, unsigned int n, bool end)
{
	size_t len = vector_copy(7, buf) - 4;	/* without End */
	unsigned int i;

	for (i = 0; i < n; i++, len += 4) {
		wr16(buf + len, 0x7fff);
		wr16(buf + len + 2, 0);
	}
	if (end) {
		wr16(buf + len, NHRP_EXT_COMPULSORY);
		wr16(buf + len + 2, 0);
		len += 4;
	}
	fix(buf, len);
	return len;
}

/* Vector 7 with one more extension (@raw: C bit and type) before End */
static size_t with_extension(uint8_t *buf, uint16_t raw, const void *value,
			     uint16_t vlen)
{
	size_t len = vector_copy(7, buf) - 4;	/* without End */

	wr16(buf + len, raw);
	wr16(buf + len + 2, vlen);
	memcpy(buf + len + 4, value, vlen);
	len += 4 + vlen;
	wr16(buf + len, NHRP_EXT_COMPULSORY);
	wr16(buf + len + 2, 0);
	len += 4;
	fix(buf, len);
	return len;
}

static void test_extensions(void)
{
	uint8_t buf[NHRP_MAX_LEN], out[NHRP_MAX_LEN];
	struct nhrp_addr hub = ip4("198.51.100.1"), spoke = ip4("198.51.100.11");
	const struct nhrp_ext *e;
	struct nhrp_error err;
	struct nhrp_msg m;
	size_t len;
	ssize_t n;

	len = empty_extensions(buf, 8, true);
	ok(!nhrp_decode(&m, buf, len, &err) && m.n_ext == 12 &&
	   nhrp_encode(&m, out, sizeof(out), &err) == (ssize_t)len &&
	   !memcmp(out, buf, len),
	   "8 empty unknown extensions: kept opaque, re-encoded");
	ok(nhrp_unknown_compulsory(&m) == NULL,
	   "unknown extensions without the compulsory bit need no error");
	len = empty_extensions(buf, 4000, false);
	ok(nhrp_decode(&m, buf, len, &err) && err.reason == NHRP_E_LIMIT,
	   "4000 empty extensions: refused, the parser moved on (%s)", err.msg);
	len = empty_extensions(buf, 4, false);
	ok(nhrp_decode(&m, buf, len, &err) && err.reason == NHRP_E_NO_END,
	   "empty extensions up to the end, no End: refused");
	ok(nhrp_reason_code(err.reason) == NHRP_ERR_INVALID_EXT &&
	   nhrp_reason_code(NHRP_E_CHECKSUM) == NHRP_ERR_PROTOCOL,
	   "reasons map to Error Indication codes");

	/* a compulsory unknown extension is kept and reported */
	len = with_extension(buf, NHRP_EXT_COMPULSORY | 0x1234, "abc", 3);
	ok(!nhrp_decode(&m, buf, len, &err) &&
	   (e = nhrp_unknown_compulsory(&m)) && e->type == 0x1234 &&
	   e->data.len == 3 && !memcmp(e->data.data, "abc", 3) &&
	   e->offset == 72 - 4,
	   "a compulsory unknown extension: kept, found, its offset known");
	n = nhrp_encode(&m, out, sizeof(out), &err);
	ok(n == (ssize_t)len && !memcmp(out, buf, len),
	   "an odd-length unknown extension re-encodes to the same bytes");

	/* Authentication: Cisco's cleartext password */
	len = with_extension(buf, NHRP_EXT_COMPULSORY | NHRP_EXT_AUTH,
			     "\0\0\0\1secret", 4 + 6);
	ok(!nhrp_decode(&m, buf, len, &err) &&
	   (e = nhrp_ext_find(&m, NHRP_EXT_AUTH)) &&
	   e->auth_spi == NHRP_AUTH_SPI_CLEARTEXT && e->data.len == 6 &&
	   !memcmp(e->data.data, "secret", 6) && !nhrp_unknown_compulsory(&m),
	   "Authentication: SPI 1 (cleartext), the password");
	ok(nhrp_encode(&m, out, sizeof(out), &err) == (ssize_t)len &&
	   !memcmp(out, buf, len), "Authentication re-encodes");
	len = with_extension(buf, NHRP_EXT_COMPULSORY | NHRP_EXT_AUTH,
			     "\0\0", 2);
	refused(buf, len, NHRP_E_EXT_VALUE,
		"Authentication shorter than its SPI word", "less than its SPI");

	/* loops: the forwarded request names the hub already */
	nhrp_decode(&m, vec.pkt[8].data, vec.pkt[8].len, &err);
	ok(nhrp_transit_loop(&m, &hub) && !nhrp_transit_loop(&m, &spoke),
	   "loop detection: the hub finds itself in frame 9's Forward Transit record");
}

/* The Resolution Request of frame 7, built from nothing */
static void build_frame7(struct nhrp_msg *m)
{
	struct nhrp_cie *c;
	struct nhrp_ext *e;

	nhrp_msg_init(m, NHRP_RESOLUTION_REQUEST, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV4);
	m->u.req.flags = NHRP_FLAG_RES_ROUTER | NHRP_FLAG_RES_AUTHORITATIVE |
			 NHRP_FLAG_RES_SRC_STABLE | NHRP_FLAG_NAT;
	m->u.req.request_id = 2;
	m->src_nbma = ip4("198.51.100.11");
	m->src_proto = ip4("10.255.0.11");
	m->dst_proto = ip4("10.2.0.10");
	c = nhrp_cie_add(m, &m->cies);
	c->prefix_len = 32;
	c->holding_time = 7200;
	nhrp_ext_add(m, NHRP_EXT_FORWARD_TRANSIT, true);
	nhrp_ext_add(m, NHRP_EXT_REVERSE_TRANSIT, true);
	nhrp_ext_add(m, NHRP_EXT_RESPONDER, true);
	e = nhrp_ext_add(m, NHRP_EXT_NAT_ADDRESS, false);
	(void)e;
	m->end_compulsory = true;
}

/* An ICMPv6 echo request from LAN 1 to LAN 2, with a valid checksum */
static size_t icmp6_echo(uint8_t *p)
{
	struct nhrp_addr src = ip6("2001:db8:1::10"), dst = ip6("2001:db8:2::10");
	uint8_t pseudo[40 + 16];
	size_t plen = 8 + 16;
	uint16_t csum;

	memset(p, 0, 40 + plen);
	p[0] = 0x60;
	wr16(p + 4, plen);
	p[6] = 58;			/* ICMPv6 */
	p[7] = 63;
	memcpy(p + 8, src.bytes, 16);
	memcpy(p + 24, dst.bytes, 16);
	p[40] = 128;			/* echo request */
	wr16(p + 44, 0x0238);
	wr16(p + 46, 1);
	memcpy(p + 48, "flexvpn shortcut", 16);
	/* pseudo header: addresses, length, next header; then the message */
	memset(pseudo, 0, sizeof(pseudo));
	memcpy(pseudo, p + 8, 32);
	pseudo[32 + 3] = (uint8_t)plen;
	pseudo[39] = 58;
	memcpy(pseudo + 40, p + 40, 16);
	{
		uint8_t all[40 + 8 + 16];

		memcpy(all, pseudo, 40);
		memcpy(all + 40, p + 40, plen);
		csum = nhrp_checksum(all, sizeof(all));
	}
	wr16(p + 42, csum);
	return 40 + plen;
}

struct built {
	const char *name;
	uint8_t buf[2048];
	ssize_t len;
};

static void test_build(struct built *b, unsigned int *nb)
{
	static uint8_t ip[128];
	struct nhrp_error err;
	struct nhrp_msg m, d;
	struct nhrp_cie *c;
	struct nhrp_ext *e;
	size_t iplen;
	uint8_t small[64];
	uint8_t *tight;

	/* a Resolution Request, as FRR builds it */
	build_frame7(&m);
	b->name = "Resolution Request (IPv4)";
	b->len = nhrp_encode(&m, b->buf, sizeof(b->buf), &err);
	if (have_vectors)
		ok(b->len == (ssize_t)vec.pkt[6].len &&
		   !memcmp(b->buf, vec.pkt[6].data, b->len),
		   "built from scratch: the Resolution Request of frame 7, byte for byte");
	else
		ok(b->len > 0, "built from scratch: a Resolution Request");
	b++;

	/* a Traffic Indication about IPv6 traffic, over IPv4 NBMA */
	iplen = icmp6_echo(ip);
	nhrp_msg_init(&m, NHRP_TRAFFIC_INDICATION, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV6);
	m.hop_count = 1;
	m.src_nbma = ip4("198.51.100.1");
	m.src_proto = ip6("2001:db8:ff::1");
	m.dst_proto = ip6("2001:db8:1::10");
	m.payload.data = ip;
	m.payload.len = iplen;
	b->name = "Traffic Indication (IPv6)";
	b->len = nhrp_encode(&m, b->buf, sizeof(b->buf), &err);
	ok(b->len == 20 + 8 + 4 + 16 + 16 + (ssize_t)iplen &&
	   !nhrp_decode(&d, b->buf, b->len, &err) &&
	   d.type == NHRP_TRAFFIC_INDICATION && d.payload.len == iplen &&
	   addr_is(&d.dst_proto, "2001:db8:1::10"),
	   "built from scratch: an IPv6 Traffic Indication decodes back");
	b++;

	/* a Resolution Reply over IPv6 NBMA with IPv6 protocol addresses */
	nhrp_msg_init(&m, NHRP_RESOLUTION_REPLY, NHRP_AFN_IPV6,
		      NHRP_PROTO_IPV6);
	m.u.req.flags = NHRP_FLAG_RES_ROUTER | NHRP_FLAG_RES_AUTHORITATIVE;
	m.u.req.request_id = 0x01020304;
	m.src_nbma = ip6("2001:db8:100::11");
	m.src_proto = ip6("2001:db8:ff::11");
	m.dst_proto = ip6("2001:db8:2::10");
	c = nhrp_cie_add(&m, &m.cies);
	c->prefix_len = 64;
	c->holding_time = 7200;
	c->mtu = 1400;
	c->nbma = ip6("2001:db8:100::12");
	c->proto = ip6("2001:db8:ff::12");
	e = nhrp_ext_add(&m, NHRP_EXT_RESPONDER, true);
	c = nhrp_cie_add(&m, &e->cies);
	c->holding_time = 7200;
	c->nbma = ip6("2001:db8:100::12");
	c->proto = ip6("2001:db8:ff::12");
	ok(nhrp_cie_add(&m, &m.cies) == NULL,
	   "a CIE list that is not the last one added to can't grow");
	e = nhrp_ext_add(&m, NHRP_EXT_FORWARD_TRANSIT, true);
	c = nhrp_cie_add(&m, &e->cies);
	c->holding_time = 7200;
	c->nbma = ip6("2001:db8:100::1");
	c->proto = ip6("2001:db8:ff::1");
	m.end_compulsory = true;
	b->name = "Resolution Reply (IPv6 over IPv6)";
	b->len = nhrp_encode(&m, b->buf, sizeof(b->buf), &err);
	ok(b->len > 0 && !nhrp_decode(&d, b->buf, b->len, &err) &&
	   d.cies.count == 1 && d.cie[0].prefix_len == 64 &&
	   d.cie[0].mtu == 1400 && addr_is(&d.cie[0].nbma, "2001:db8:100::12") &&
	   ext_cies(&d, NHRP_EXT_RESPONDER) == 1 &&
	   ext_cies(&d, NHRP_EXT_FORWARD_TRANSIT) == 1,
	   "built from scratch: an IPv6 Resolution Reply decodes back");
	tight = malloc(b->len - 1);
	ok(nhrp_encode(&m, tight, b->len - 1, &err) < 0 &&
	   err.reason == NHRP_E_NOSPACE,
	   "encode into one byte too few: refused, nothing written past it");
	free(tight);
	b++;

	/* a Purge Request for the shortcut, then an Error Indication */
	nhrp_msg_init(&m, NHRP_PURGE_REQUEST, NHRP_AFN_IPV4, NHRP_PROTO_IPV4);
	m.u.req.request_id = 9;
	m.src_nbma = ip4("198.51.100.12");
	m.src_proto = ip4("10.255.0.12");
	m.dst_proto = ip4("10.255.0.11");
	c = nhrp_cie_add(&m, &m.cies);
	c->prefix_len = 24;
	c->proto = ip4("10.2.0.0");
	nhrp_ext_add(&m, NHRP_EXT_FORWARD_TRANSIT, true);
	m.end_compulsory = true;
	b->name = "Purge Request";
	b->len = nhrp_encode(&m, b->buf, sizeof(b->buf), &err);
	ok(b->len > 0, "built from scratch: a Purge Request");
	b++;

	nhrp_msg_init(&m, NHRP_ERROR_INDICATION, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV4);
	m.u.err.code = NHRP_ERR_LOOP_DETECTED;
	m.u.err.offset = 60;
	m.src_nbma = ip4("198.51.100.1");
	m.src_proto = ip4("10.255.0.1");
	m.dst_proto = ip4("10.255.0.11");
	m.payload.data = b[-4].buf;
	m.payload.len = b[-4].len;
	b->name = "Error Indication";
	b->len = nhrp_encode(&m, b->buf, sizeof(b->buf), &err);
	ok(b->len > 0 && !nhrp_decode(&d, b->buf, b->len, &err) &&
	   d.u.err.code == NHRP_ERR_LOOP_DETECTED && d.u.err.offset == 60 &&
	   d.payload.len == (size_t)b[-4].len,
	   "built from scratch: an Error Indication carrying the request");
	b++;
	*nb = 5;

	/* models the encoder refuses */
	nhrp_msg_init(&m, NHRP_RESOLUTION_REQUEST, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV4);
	m.dst_proto = ip6("2001:db8::1");
	ok(nhrp_encode(&m, small, sizeof(small), &err) < 0 &&
	   err.reason == NHRP_E_ADDR, "encode refuses: an IPv6 address in IPv4");
	nhrp_msg_init(&m, NHRP_RESOLUTION_REQUEST, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV4);
	m.cies.first = 60;
	m.cies.count = 10;
	ok(nhrp_encode(&m, small, sizeof(small), &err) < 0 &&
	   err.reason == NHRP_E_INVALID, "encode refuses: CIEs outside the pool");
	nhrp_msg_init(&m, NHRP_TRAFFIC_INDICATION, NHRP_AFN_IPV4,
		      NHRP_PROTO_IPV4);
	nhrp_cie_add(&m, &m.cies);
	ok(nhrp_encode(&m, small, sizeof(small), &err) < 0 &&
	   err.reason == NHRP_E_INVALID, "encode refuses: CIEs in an indication");
}

/* What tshark says of @n packets: no expert item, no malformed one */
static void test_tshark(const struct built *b, unsigned int nb)
{
	const uint8_t *pkts[PCAP_MAX_FRAMES];
	size_t lens[PCAP_MAX_FRAMES];
	char path[] = "/tmp/test_nhrp.XXXXXX", cmd[256], line[1024];
	unsigned int i, n = 0, seen = 0;
	bool clean[PCAP_MAX_FRAMES] = { false };
	static uint8_t bad[2048];
	FILE *fp;
	int fd;

	if (system("command -v tshark >/dev/null 2>&1")) {
		ok(true, "tshark decodes the built packets # SKIP no tshark");
		return;
	}
	for (i = 0; i < nb; i++, n++) {
		pkts[n] = b[i].buf;
		lens[n] = b[i].len;
	}
	/* and one with a bad checksum: tshark must flag it, or this proves nothing */
	memcpy(bad, b[0].buf, b[0].len);
	bad[13] ^= 1;
	pkts[n] = bad;
	lens[n++] = b[0].len;

	fd = mkstemp(path);
	if (fd < 0 || (close(fd), pcap_nhrp_write(path, pkts, lens, n))) {
		ok(false, "tshark: writing %s", path);
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "tshark -n -r %s -T fields -E separator='|' -e frame.number "
		 "-e nhrp.hdr.op.type -e _ws.expert -e _ws.malformed 2>/dev/null",
		 path);
	fp = popen(cmd, "r");
	while (fp && fgets(line, sizeof(line), fp)) {
		unsigned int frame, type;
		char rest[1024] = "";

		if (sscanf(line, "%u|%u|%1023[^\n]", &frame, &type, rest) < 2 ||
		    frame < 1 || frame > n)
			continue;
		seen++;
		/* tshark knew the type, and had nothing to say */
		clean[frame - 1] = type == pkts[frame - 1][17] &&
				   (!rest[0] || !strcmp(rest, "|"));
		if (!clean[frame - 1] && frame < n)
			printf("# frame %u: %s", frame, line);
	}
	if (fp)
		pclose(fp);
	unlink(path);
	is_int(seen, n, "tshark read every packet written");
	for (i = 0; i < nb; i++)
		ok(clean[i], "tshark: %s with no expert or malformed item",
		   b[i].name);
	ok(!clean[n - 1], "tshark: flags a bad checksum (the check can fail)");
}

int main(void)
{
	const char *path = getenv("NHRP_VECTORS") ?: NHRP_VECTORS;
	static struct built built[8];
	unsigned int nb = 0;
	char why[256];

	have_vectors = !pcap_nhrp_read(path, &vec, why, sizeof(why));
	if (have_vectors) {
		test_vectors();
		test_truncations();
		test_malformed();
		test_extensions();
	} else {
		ok(true, "NHRP vectors # SKIP %s (set NHRP_VECTORS)", why);
	}
	test_build(built, &nb);
	test_tshark(built, nb);
	pcap_nhrp_free(&vec);
	return tap_done();
}
