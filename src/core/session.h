// SPDX-License-Identifier: MIT
#pragma once
/* A tracing session: picks the backend, runs it with the sinks, finishes the
 * sinks, and yields the exit status renacer should return. */

#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"

/* Run the session. Returns renacer's exit status (the traced program's,
 * 128+N when it was killed by signal N), or -errno with reterr set when
 * nothing could be traced. The sinks are finished either way. */
int rn_session_run(const struct rn_options *o, struct rn_sinks *sinks, struct rn_diag *reterr);
