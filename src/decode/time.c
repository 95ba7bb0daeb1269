// SPDX-License-Identifier: MIT
/* time family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"

void rn_put_timespec_at(struct rn_dctx *d, uint64_t addr)
{
	rn_put_ptr(d, addr);
}

void rn_put_timeval_at(struct rn_dctx *d, uint64_t addr)
{
	rn_put_ptr(d, addr);
}
