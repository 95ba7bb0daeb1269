// SPDX-License-Identifier: MIT
#include "core/session.h"

#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/ptrace.h"
#include "filter/filter.h"

int rn_session_run(const struct rn_options *o, struct rn_sinks *sinks, struct rn_diag *reterr)
{
	struct rn_run_result res;
	memset(&res, 0, sizeof(res));
	int r = rn_ptrace_run(o, sinks, &res, reterr);
	int fr = rn_sinks_finish(sinks, &res);
	if (r < 0)
		return r;
	if (fr < 0) {
		rn_diag_set(reterr, "writing the trace failed: %s", strerror(-fr));
		return fr;
	}
	return res.exit_status;
}

void rn_options_done(struct rn_options *o)
{
	rn_filter_free(o->filter);
	o->filter = NULL;
	free(o->pids);
	o->pids = NULL;
	o->npids = 0;
}
