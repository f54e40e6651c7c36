// SPDX-License-Identifier: GPL-2.0
/*
 * nhrp_seeds PCAP DIR: writes the NHRP packets of a capture (Ethernet /
 * IPv4 / GRE key 42), one file each, into DIR: the fuzzer's seed corpus.
 */
#include <stdio.h>

#include "pcap.h"

int main(int argc, char **argv)
{
	struct pcap_nhrp pc;
	char why[256], path[4096];
	unsigned int i;

	if (argc != 3) {
		fprintf(stderr, "usage: nhrp_seeds PCAP DIR\n");
		return 2;
	}
	if (pcap_nhrp_read(argv[1], &pc, why, sizeof(why))) {
		fprintf(stderr, "nhrp_seeds: %s\n", why);
		pcap_nhrp_free(&pc);
		return 1;
	}
	for (i = 0; i < pc.n; i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "%s/vector-%02u", argv[2], i + 1);
		fp = fopen(path, "wb");
		if (!fp || fwrite(pc.pkt[i].data, pc.pkt[i].len, 1, fp) != 1 ||
		    fclose(fp)) {
			perror(path);
			return 1;
		}
	}
	pcap_nhrp_free(&pc);
	return 0;
}
