// SPDX-License-Identifier: MIT
/* desc family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"

void rn_put_iovec_at(struct rn_dctx *d, uint64_t addr, uint64_t count, int64_t data_len)
{
	(void)count;
	(void)data_len;
	rn_put_ptr(d, addr);
}
