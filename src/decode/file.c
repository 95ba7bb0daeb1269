// SPDX-License-Identifier: MIT
/* file family decoders. */
#include "decode/decode.h"

#include "xlat_tables.h"

void rn_put_open_flags(struct rn_dctx *d, uint64_t flags)
{
	rn_put_x(d, flags);
}

void rn_put_mode(struct rn_dctx *d, uint64_t mode)
{
	rn_put_oct(d, mode);
}
