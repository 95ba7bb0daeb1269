// SPDX-License-Identifier: MIT
#include "core/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef RN_HAVE_BPF
#include "backend/bpf/bpf.h"
#endif
#include "backend/ptrace/ptrace.h"
#include "filter/filter.h"
#include "symbolize/symbolize.h"

int rn_session_run(const struct rn_options *o, struct rn_sinks *sinks, struct rn_diag *reterr)
{
	struct rn_run_result res;
	memset(&res, 0, sizeof(res));
	/* Locations are owned by the symbolizer: it must outlive every sink's
	 * finish(), which may still print them. */
	struct rn_symbolizer *sym = NULL;
	if (sinks->needs & (RN_NEED_SOURCE | RN_NEED_STACK)) {
		sym = rn_symbolizer_new(o->srcmap);
		if (!sym) {
			rn_diag_set(reterr, "out of memory");
			return -ENOMEM;
		}
	}
	int r;
#ifdef RN_HAVE_BPF
	/* main.c chose: an explicit --backend bpf that is not -c streams. */
	if (o->backend == RN_BACKEND_BPF)
		r = rn_bpf_run_stream(o, sinks, &res, reterr);
	else
#endif
		r = rn_ptrace_run(o, sinks, sym, &res, reterr);
	int fr = rn_sinks_finish(sinks, &res);
	rn_symbolizer_free(sym);
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
	free(o->otlp_headers);
	o->otlp_headers = NULL;
	free(o->equiv_ignore);
	o->equiv_ignore = NULL;
	o->npids = 0;
	for (size_t i = 0; i < o->npaths; i++)
		free(o->paths[i]);
	free(o->paths);
	o->paths = NULL;
	o->npaths = 0;
	free(o->env_changes);
	o->env_changes = NULL;
	o->nenv_changes = 0;
	for (size_t i = 0; i < o->ninjects; i++)
		rn_filter_free(o->injects[i].set);
	o->ninjects = 0;
}
