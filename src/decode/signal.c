// SPDX-License-Identifier: MIT
/* Signal family: siginfo, sigaction, sigprocmask, kill... */
#include "decode/decode.h"

#include <string.h>

#include "xlat_tables.h"

void rn_decode_siginfo(struct rn_dctx *d, const siginfo_t *si)
{
	rn_put(d, "{si_signo=");
	rn_put_signo(d, (uint64_t)si->si_signo);
	rn_put(d, ", si_code=");
	rn_put_d(d, si->si_code);
	rn_put(d, "}");
}
