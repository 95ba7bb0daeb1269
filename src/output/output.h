// SPDX-License-Identifier: MIT
#pragma once
/* Output sinks. Each writes to a FILE the caller owns and keeps open until
 * the sink is freed; finish() flushes it. */

#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"

/* strace-style trace lines. NULL on OOM. */
struct rn_sink *rn_out_text_new(FILE *f, const struct rn_options *o);
/* "renacer: Process N attached/detached" notices, always to stderr. */
struct rn_sink *rn_out_status_new(void);
