/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough pcap for the NHRP tests: reading a capture of Ethernet /
 * IPv4 / GRE (key 42) / NHRP frames down to the NHRP packets, and writing
 * NHRP packets back into such a capture for tshark to decode.
 */
#ifndef FLEXVPN_TEST_PCAP_H
#define FLEXVPN_TEST_PCAP_H

#include <stddef.h>
#include <stdint.h>

#define PCAP_GRE_KEY	42	/* the key of the vectors' DMVPN network */
#define PCAP_MAX_FRAMES	64

struct pcap_nhrp {
	uint8_t *file;		/* the whole capture, the packets point in */
	unsigned int n;
	struct {
		const uint8_t *data;
		size_t len;
	} pkt[PCAP_MAX_FRAMES];
};

/*
 * Reads @path into @pc. Returns 0, or -1 with @why (@whylen bytes) saying
 * what is wrong with the file; a frame that is not NHRP in GRE with key
 * PCAP_GRE_KEY is wrong too.
 */
int pcap_nhrp_read(const char *path, struct pcap_nhrp *pc, char *why,
		   size_t whylen);
void pcap_nhrp_free(struct pcap_nhrp *pc);

/* Writes @n NHRP packets, each in Ethernet / IPv4 / GRE (key 42), to @path */
int pcap_nhrp_write(const char *path, const uint8_t *const pkts[],
		    const size_t lens[], unsigned int n);

#endif
