// SPDX-License-Identifier: MIT
/* libFuzzer target for the netlink message decoder: arbitrary bytes as the
 * data of a netlink socket, served as captured memory (as in the bpf
 * stream). Byte 0 picks the protocol, byte 1 the -s limit; the rest is the
 * buffer. Every length and offset in it is the decoder's to distrust.
 *   ./build-fuzz/fuzz/fuzz_netlink -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "decode/netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int protos[] = {0 /* ROUTE */, 4 /* SOCK_DIAG */, 16 /* GENERIC */,
				     RN_NL_UNBOUND, 9 /* AUDIT: no decoder */};
	if (size < 2)
		return 0;
	int proto = protos[data[0] % (sizeof(protos) / sizeof(protos[0]))];
	struct rn_decode_opts o = {.string_limit = data[1] % 64, .abbrev_limit = data[1] % 64};
	struct rn_buf out = {0}, rx = {0};
	uint32_t off[RN_MAX_ARGS + 1];
	unsigned narg = 0;
	struct rn_dctx d;
	memset(&d, 0, sizeof(d));
	d.pid = getpid();
	d.out = &out;
	d.rx = &rx;
	d.arg_off = off;
	d.narg = &narg;
	d.o = &o;
	const uint64_t at = 0x100000;
	struct rn_memblob b = {at, data + 2, size - 2};
	struct rn_memsnap snap = {&b, 1, NULL};
	rn_mem_use_snapshot(&snap);
	rn_put_netlink_at(&d, at, size - 2, proto);
	/* a length longer than what was captured */
	rn_put_netlink_at(&d, at, size + 64, proto);
	rn_mem_use_snapshot(NULL);
	rn_buf_done(&out);
	rn_buf_done(&rx);
	return 0;
}
