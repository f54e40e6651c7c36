// SPDX-License-Identifier: GPL-2.0
/*
 * The pcap reader and writer of the NHRP tests (pcap.h). Classic pcap only
 * (not pcapng), either byte order, Ethernet link type.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nhrp.h"
#include "pcap.h"

#define PCAP_MAGIC		0xa1b2c3d4
#define PCAP_MAGIC_NS		0xa1b23c4d
#define PCAP_LINKTYPE_ETHERNET	1
#define ETH_HLEN		14
#define ETH_P_IP		0x0800
#define ETH_P_8021Q		0x8100
#define IPPROTO_GRE_		47
#define GRE_CSUM		0x8000
#define GRE_KEY			0x2000
#define GRE_SEQ			0x1000

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static __attribute__((format(printf, 3, 4)))
int why_(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The NHRP packet of one Ethernet frame, or NULL with *@what set */
static const uint8_t *frame_nhrp(const uint8_t *f, size_t len, size_t *out,
				 const char **what)
{
	uint16_t proto, flags;
	size_t ihl, tot, gre;
	const uint8_t *ip;

	if (len < ETH_HLEN)
		return *what = "shorter than Ethernet", NULL;
	proto = be16(f + 12);
	f += ETH_HLEN;
	len -= ETH_HLEN;
	if (proto == ETH_P_8021Q && len >= 4) {
		proto = be16(f + 2);
		f += 4;
		len -= 4;
	}
	if (proto != ETH_P_IP)
		return *what = "not IPv4", NULL;
	ip = f;
	if (len < 20 || ip[0] >> 4 != 4)
		return *what = "bad IPv4 header", NULL;
	ihl = (ip[0] & 0xf) * 4u;
	tot = be16(ip + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return *what = "bad IPv4 lengths", NULL;
	if (ip[9] != IPPROTO_GRE_)
		return *what = "not GRE", NULL;
	f = ip + ihl;
	len = tot - ihl;
	if (len < 4)
		return *what = "short GRE header", NULL;
	flags = be16(f);
	gre = 4 + (flags & GRE_CSUM ? 4 : 0) + (flags & GRE_KEY ? 4 : 0) +
	      (flags & GRE_SEQ ? 4 : 0);
	if (len < gre || be16(f + 2) != NHRP_ETH_P)
		return *what = "not NHRP in GRE", NULL;
	if (!(flags & GRE_KEY) ||
	    be16(f + 4 + (flags & GRE_CSUM ? 4 : 0) + 2) != PCAP_GRE_KEY ||
	    be16(f + 4 + (flags & GRE_CSUM ? 4 : 0)) != 0)
		return *what = "GRE key is not 42", NULL;
	*out = len - gre;
	return f + gre;
}

int pcap_nhrp_read(const char *path, struct pcap_nhrp *pc, char *why,
		   size_t whylen)
{
	FILE *fp = fopen(path, "rb");
	size_t size = 0, off, cap, got;
	uint32_t magic;
	int swap;

	memset(pc, 0, sizeof(*pc));
	if (!fp)
		return why_(why, whylen, "%s: %s", path, strerror(errno));
	cap = 1 << 16;
	pc->file = malloc(cap);
	while (pc->file && (got = fread(pc->file + size, 1, cap - size, fp))) {
		size += got;
		if (size == cap)
			pc->file = realloc(pc->file, cap *= 2);
	}
	fclose(fp);
	if (!pc->file)
		return why_(why, whylen, "%s: out of memory", path);
	if (size < 24)
		return why_(why, whylen, "%s: no pcap header", path);
	memcpy(&magic, pc->file, 4);
	swap = magic != PCAP_MAGIC && magic != PCAP_MAGIC_NS;
	magic = rd32(pc->file, swap);
	if (magic != PCAP_MAGIC && magic != PCAP_MAGIC_NS)
		return why_(why, whylen, "%s: not a pcap file", path);
	if (rd32(pc->file + 20, swap) != PCAP_LINKTYPE_ETHERNET)
		return why_(why, whylen, "%s: not Ethernet", path);
	for (off = 24; off < size; ) {
		uint32_t caplen;
		const char *what;

		if (size - off < 16)
			return why_(why, whylen, "%s: truncated record", path);
		caplen = rd32(pc->file + off + 8, swap);
		off += 16;
		if (caplen > size - off)
			return why_(why, whylen, "%s: truncated frame", path);
		if (pc->n == PCAP_MAX_FRAMES)
			return why_(why, whylen, "%s: over %d frames", path,
				    PCAP_MAX_FRAMES);
		pc->pkt[pc->n].data = frame_nhrp(pc->file + off, caplen,
						 &pc->pkt[pc->n].len, &what);
		if (!pc->pkt[pc->n].data)
			return why_(why, whylen, "%s: frame %u: %s", path,
				    pc->n + 1, what);
		pc->n++;
		off += caplen;
	}
	return 0;
}

void pcap_nhrp_free(struct pcap_nhrp *pc)
{
	free(pc->file);
	pc->file = NULL;
}

static void put32(FILE *fp, uint32_t v)
{
	fwrite(&v, 4, 1, fp);
}

int pcap_nhrp_write(const char *path, const uint8_t *const pkts[],
		    const size_t lens[], unsigned int n)
{
	static const uint8_t eth[ETH_HLEN] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
	};
	FILE *fp = fopen(path, "wb");
	unsigned int i;

	if (!fp)
		return -1;
	put32(fp, PCAP_MAGIC);
	put32(fp, 2 | 4 << 16);		/* version 2.4 */
	put32(fp, 0);			/* thiszone */
	put32(fp, 0);			/* sigfigs */
	put32(fp, 65535);		/* snaplen */
	put32(fp, PCAP_LINKTYPE_ETHERNET);
	for (i = 0; i < n; i++) {
		size_t tot = 20 + 8 + lens[i];
		uint8_t hdr[20 + 8] = {
			0x45, 0, tot >> 8, tot & 0xff, 0, i + 1, 0x40, 0,
			64, IPPROTO_GRE_, 0, 0, 198, 51, 100, 1,
			198, 51, 100, 11,
			GRE_KEY >> 8, 0, NHRP_ETH_P >> 8, NHRP_ETH_P & 0xff,
			0, 0, 0, PCAP_GRE_KEY,
		};
		uint16_t csum = nhrp_checksum(hdr, 20);

		hdr[10] = csum >> 8;
		hdr[11] = csum & 0xff;
		put32(fp, i + 1);	/* a second apart */
		put32(fp, 0);
		put32(fp, (uint32_t)(ETH_HLEN + tot));
		put32(fp, (uint32_t)(ETH_HLEN + tot));
		fwrite(eth, sizeof(eth), 1, fp);
		fwrite(hdr, sizeof(hdr), 1, fp);
		fwrite(pkts[i], lens[i], 1, fp);
	}
	return fclose(fp) ? -1 : 0;
}
