// SPDX-License-Identifier: GPL-2.0
/*
 * The libFuzzer target of the NHRP codec: any input is decoded; what is
 * accepted must encode back to the same bytes (up to ar$pktsz), and must
 * be refused, not overrun, by a buffer one byte too small. Built with
 * AddressSanitizer and UBSan, so an over-read is a crash too.
 */
#include <stdlib.h>
#include <string.h>

#include "nhrp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[NHRP_MAX_LEN];
	struct nhrp_error err;
	struct nhrp_msg m;
	size_t pktsz;
	uint8_t *tight;
	ssize_t n;

	if (nhrp_decode(&m, data, size, &err)) {
		/* every refusal says why */
		if (err.reason == NHRP_OK || !err.msg[0])
			abort();
		return 0;
	}
	pktsz = (size_t)data[10] << 8 | data[11];
	n = nhrp_encode(&m, out, sizeof(out), &err);
	if (n != (ssize_t)pktsz || memcmp(out, data, pktsz))
		abort();
	tight = malloc(pktsz - 1);
	if (nhrp_encode(&m, tight, pktsz - 1, &err) >= 0 ||
	    err.reason != NHRP_E_NOSPACE)
		abort();
	free(tight);
	return 0;
}
