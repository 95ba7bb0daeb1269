// SPDX-License-Identifier: MIT
/* net family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"

void rn_put_sockaddr_at(struct rn_dctx *d, uint64_t addr, uint64_t len)
{
	(void)len;
	rn_put_ptr(d, addr);
}
