/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NHRP codec: RFC 2332 packets as Cisco DMVPN/FlexVPN and FRR's nhrpd
 * send them, decoded into a model (struct nhrp_msg) and encoded back.
 *
 * The model is kept apart from the wire: lengths, the checksum and the
 * extension offset are not in it, the encoder derives them. What the wire
 * carries that no one interprets (reserved fields, the SNAP bytes, unknown
 * extensions, the packet a Traffic or Error Indication carries) is kept in
 * the model as it came, so decode -> encode gives back the same bytes.
 *
 * Decoding checks every length against the packet before reading; a packet
 * it refuses comes back with a reason (enum nhrp_reason), the offset where
 * the problem is and a sentence saying what it is. Nothing here allocates.
 *
 * Opaque parts (struct nhrp_bytes) point into the buffer that was decoded,
 * or into the caller's memory when a message is built: the buffer must
 * outlive the message.
 */
#ifndef FLEXVPN_NHRP_H
#define FLEXVPN_NHRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NHRP_ETH_P		0x2001	/* GRE protocol type of NHRP */
#define NHRP_VERSION		1	/* RFC 2332 */
#define NHRP_FIXED_LEN		20	/* the fixed header */
#define NHRP_MAND_LEN		8	/* the mandatory part before addresses */
#define NHRP_CIE_LEN		12	/* a CIE before its addresses */
#define NHRP_EXT_HDR_LEN	4
#define NHRP_MAX_LEN		65535	/* ar$pktsz is 16 bits */

/* Address family numbers (ar$afn) and protocol types (ar$pro.type) */
#define NHRP_AFN_IPV4		1
#define NHRP_AFN_IPV6		2
#define NHRP_PROTO_IPV4		0x0800
#define NHRP_PROTO_IPV6		0x86dd

enum nhrp_type {
	NHRP_RESOLUTION_REQUEST = 1,
	NHRP_RESOLUTION_REPLY = 2,
	NHRP_REGISTRATION_REQUEST = 3,
	NHRP_REGISTRATION_REPLY = 4,
	NHRP_PURGE_REQUEST = 5,
	NHRP_PURGE_REPLY = 6,
	NHRP_ERROR_INDICATION = 7,
	NHRP_TRAFFIC_INDICATION = 8,	/* Cisco's redirect */
};

/* Flags of the mandatory part; their meaning depends on the packet type */
#define NHRP_FLAG_RES_ROUTER		0x8000	/* Q: requester is a router */
#define NHRP_FLAG_RES_AUTHORITATIVE	0x4000	/* A */
#define NHRP_FLAG_RES_DST_STABLE	0x2000	/* D */
#define NHRP_FLAG_RES_UNIQUE		0x1000	/* U */
#define NHRP_FLAG_RES_SRC_STABLE	0x0800	/* S */
#define NHRP_FLAG_REG_UNIQUE		0x8000	/* U */
#define NHRP_FLAG_PURGE_NO_REPLY	0x8000	/* N */
#define NHRP_FLAG_NAT			0x0002	/* Cisco: NAT supported */

/* Extension types (the 15 bits below the compulsory bit) */
enum nhrp_ext_type {
	NHRP_EXT_END = 0,
	NHRP_EXT_RESPONDER = 3,
	NHRP_EXT_FORWARD_TRANSIT = 4,
	NHRP_EXT_REVERSE_TRANSIT = 5,
	NHRP_EXT_AUTH = 7,
	NHRP_EXT_VENDOR = 8,
	NHRP_EXT_NAT_ADDRESS = 9,	/* Cisco */
};
#define NHRP_EXT_COMPULSORY	0x8000

/* CIE codes and Error Indication codes of RFC 2332 */
#define NHRP_CODE_SUCCESS		0
#define NHRP_ERR_UNRECOGNIZED_EXT	1
#define NHRP_ERR_LOOP_DETECTED		3
#define NHRP_ERR_PROTO_UNREACHABLE	6
#define NHRP_ERR_PROTOCOL		7
#define NHRP_ERR_SDU_SIZE		8
#define NHRP_ERR_INVALID_EXT		9
#define NHRP_ERR_INVALID_REPLY		10
#define NHRP_ERR_AUTH_FAILURE		11
#define NHRP_ERR_HOP_COUNT		15

/* The Security Parameter Index of Cisco's cleartext password */
#define NHRP_AUTH_SPI_CLEARTEXT	1

#define NHRP_ADDR_MAX		16
/* Room in one message; a packet needing more is refused (NHRP_E_LIMIT) */
#define NHRP_MAX_CIES		64
#define NHRP_MAX_EXTS		16

/* An NBMA or protocol address: 0 (absent), 4 or 16 bytes, network order */
struct nhrp_addr {
	uint8_t len;
	uint8_t bytes[NHRP_ADDR_MAX];
};

/* Bytes the codec carries without interpreting them */
struct nhrp_bytes {
	const uint8_t *data;
	size_t len;
};

/* A client information entry */
struct nhrp_cie {
	uint8_t code;
	uint8_t prefix_len;
	uint16_t reserved;	/* "unused" on the wire, kept as it came */
	uint16_t mtu;
	uint16_t holding_time;	/* seconds */
	uint8_t preference;
	struct nhrp_addr nbma;
	struct nhrp_addr proto;
};

/*
 * The CIEs of the mandatory part or of one extension: @count entries of
 * nhrp_msg.cie from @first on. nhrp_cie_add() keeps each list contiguous.
 */
struct nhrp_cie_list {
	uint8_t first;
	uint8_t count;
};

struct nhrp_ext {
	uint16_t type;		/* enum nhrp_ext_type, or any other */
	bool compulsory;
	/* Responder, transit records, NAT address: a list of CIEs */
	struct nhrp_cie_list cies;
	/* Authentication: the SPI word, then the rest as it came */
	uint16_t auth_reserved;
	uint16_t auth_spi;
	/* Authentication data, or the whole value of any other type */
	struct nhrp_bytes data;
	unsigned int offset;	/* decoded: where it was, for error offsets */
};

/*
 * One NHRP packet. The 6 bytes of the mandatory part after the address
 * lengths mean different things per type; see the union.
 */
struct nhrp_msg {
	uint16_t afn;			/* NHRP_AFN_*: family of NBMA addresses */
	uint16_t proto_type;		/* NHRP_PROTO_*: family of protocol ones */
	uint8_t snap[5];
	uint8_t hop_count;
	uint8_t version;		/* NHRP_VERSION */
	uint8_t type;			/* enum nhrp_type */
	union {
		struct {		/* requests and replies */
			uint16_t flags;
			uint32_t request_id;
		} req;
		struct {		/* NHRP_ERROR_INDICATION */
			uint16_t reserved;
			uint16_t code;
			uint16_t offset;
		} err;
		struct {		/* NHRP_TRAFFIC_INDICATION */
			uint16_t code;
			uint32_t reserved;
		} ti;
	} u;
	struct nhrp_addr src_nbma;
	struct nhrp_addr src_proto;
	struct nhrp_addr dst_proto;
	/*
	 * Indications: the packet that caused them (an IP packet for a
	 * Traffic Indication, the NHRP packet in error for an Error
	 * Indication); other types carry CIEs instead.
	 */
	struct nhrp_bytes payload;
	struct nhrp_cie_list cies;
	/* Extensions in wire order, without End; none: extoff 0 */
	bool has_ext;
	bool end_compulsory;		/* FRR and Cisco set it on End */
	unsigned int n_ext;
	struct nhrp_ext ext[NHRP_MAX_EXTS];
	unsigned int n_cie;		/* entries of @cie in use */
	struct nhrp_cie cie[NHRP_MAX_CIES];
};

/* Why a packet was refused (or a model could not be encoded) */
enum nhrp_reason {
	NHRP_OK = 0,
	NHRP_E_SHORT,		/* shorter than its header or ar$pktsz */
	NHRP_E_PKTSZ,		/* ar$pktsz below the headers */
	NHRP_E_CHECKSUM,
	NHRP_E_VERSION,
	NHRP_E_TYPE,		/* not a packet type of enum nhrp_type */
	NHRP_E_AFN,		/* NBMA family neither IPv4 nor IPv6 */
	NHRP_E_PROTO,		/* protocol type neither IPv4 nor IPv6 */
	NHRP_E_ADDR,		/* an address of the wrong length or type */
	NHRP_E_SUBADDR,		/* NBMA subaddresses: not in IP networks */
	NHRP_E_EXTOFF,		/* extension offset outside the packet */
	NHRP_E_MAND,		/* the mandatory part runs past its end */
	NHRP_E_CIE,		/* a CIE runs past the end of its part */
	NHRP_E_EXT,		/* an extension runs past the packet end */
	NHRP_E_EXT_VALUE,	/* an extension's value is malformed */
	NHRP_E_NO_END,		/* extensions without End */
	NHRP_E_AFTER_END,	/* bytes after the End extension */
	NHRP_E_LIMIT,		/* more CIEs or extensions than a msg holds */
	NHRP_E_INVALID,		/* encode: the model is inconsistent */
	NHRP_E_NOSPACE,		/* encode: the buffer is too small */
	NHRP_E_MAX,
};

struct nhrp_error {
	enum nhrp_reason reason;
	unsigned int offset;	/* into the packet, for an Error Indication */
	char msg[128];		/* e.g. "CIE 2 runs past the packet end" */
};

/*
 * Decodes the NHRP packet at @buf (@len bytes; bytes past ar$pktsz are
 * ignored) into @m. Returns 0, or -1 with @err saying why (@err may be NULL).
 */
int nhrp_decode(struct nhrp_msg *m, const void *buf, size_t len,
		struct nhrp_error *err);

/*
 * Encodes @m into @buf (@size bytes), computing lengths, offsets and the
 * checksum. Returns the packet's length, or -1 with @err saying why.
 */
ssize_t nhrp_encode(const struct nhrp_msg *m, void *buf, size_t size,
		    struct nhrp_error *err);

/* A message of @type, IPv4 or IPv6 by @afn and @proto_type, no addresses */
void nhrp_msg_init(struct nhrp_msg *m, uint8_t type, uint16_t afn,
		   uint16_t proto_type);

/*
 * Appends a zeroed CIE to @list (the mandatory part's or an extension's),
 * or returns NULL when the message is full or @list is not the last one
 * CIEs were added to (its entries must stay contiguous).
 */
struct nhrp_cie *nhrp_cie_add(struct nhrp_msg *m, struct nhrp_cie_list *list);

/* The @i-th CIE of @list */
static inline const struct nhrp_cie *
nhrp_cie_get(const struct nhrp_msg *m, const struct nhrp_cie_list *list,
	     unsigned int i)
{
	return &m->cie[list->first + i];
}

/* Appends an extension (sets has_ext), or NULL when the message is full */
struct nhrp_ext *nhrp_ext_add(struct nhrp_msg *m, uint16_t type,
			      bool compulsory);

/* The first extension of @type, or NULL */
const struct nhrp_ext *nhrp_ext_find(const struct nhrp_msg *m, uint16_t type);

/* Whether extensions of @type hold a list of CIEs */
bool nhrp_ext_has_cies(uint16_t type);

/*
 * The first compulsory extension this codec does not know, which RFC 2332
 * says to answer with Error Indication NHRP_ERR_UNRECOGNIZED_EXT; or NULL.
 */
const struct nhrp_ext *nhrp_unknown_compulsory(const struct nhrp_msg *m);

/*
 * Whether @nbma (an NHS's own address) is in the Forward Transit NHS
 * record: the request has been here before (NHRP_ERR_LOOP_DETECTED).
 */
bool nhrp_transit_loop(const struct nhrp_msg *m, const struct nhrp_addr *nbma);

/* The IP-style checksum of @len bytes (with the checksum field zero) */
uint16_t nhrp_checksum(const void *buf, size_t len);

/* "Resolution Request", ..., or "unknown" */
const char *nhrp_type_name(uint8_t type);
/* "extension runs past the packet end", ... : the reason in general */
const char *nhrp_reason_str(enum nhrp_reason reason);
/* The Error Indication code (NHRP_ERR_*) that answers @reason */
uint16_t nhrp_reason_code(enum nhrp_reason reason);

#endif
