// SPDX-License-Identifier: MIT
#pragma once
/* The ptrace capture backend: spawns or attaches, follows tasks, and turns
 * stops into events for the sinks. Runs on the calling thread. */

#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"

struct rn_symbolizer;

/* Trace until every traced task is gone (or the user interrupts). sym
 * (borrowed, may be NULL) resolves call sites and stacks when the sinks
 * need them. Returns 0 with *ret_res filled, or -errno with a message in
 * reterr when the program could not be started or attached. */
int rn_ptrace_run(const struct rn_options *o, struct rn_sinks *sinks, struct rn_symbolizer *sym,
		  struct rn_run_result *ret_res, struct rn_diag *reterr);

/* Install a seccomp-bpf program in the calling process that stops (RET_TRACE)
 * on the syscalls the filter keeps and allows the rest. Returns 0 or -errno. */
int rn_seccomp_install(const struct rn_filter *f);

/* The executable name would run as (execvp's search), malloc'd, or NULL
 * with errno set. */
char *rn_find_program(const char *name);
