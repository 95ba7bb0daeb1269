// SPDX-License-Identifier: MIT
#pragma once
/* The eBPF capture backend (--backend bpf): syscalls seen from the raw
 * syscall tracepoints (CO-RE via libbpf), the process tree followed in the
 * kernel, the traced program at near-native speed. Two ways to run:
 * counts aggregated in the kernel (-c), or the event stream through a ring
 * buffer into the same sinks as the ptrace backend. */

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"

enum rn_bpf_mode {
	RN_BPF_NONE,   /* the options need the ptrace backend */
	RN_BPF_COUNTS, /* -c (and --stats-extended): aggregated in the kernel */
	RN_BPF_STREAM, /* every event, decoded from memory captured in the kernel */
};

/* How the bpf backend would serve these options; *why says what it cannot
 * do (NONE), or why auto mode leaves the stream to ptrace (STREAM). */
enum rn_bpf_mode rn_bpf_mode(const struct rn_options *o, const char **why);

/* RN_BPF_COUNTS: run the program (or watch the -p processes) and print the
 * -c table to report (and the --stats-extended report). Returns the
 * program's exit status (128+N when killed by N; 0 with -p), or -errno with
 * err set; *started says whether the program was started (a failure
 * before it, such as programs the kernel refuses, leaves the run to the
 * ptrace backend). */
int rn_bpf_run_counts(const struct rn_options *o, FILE *report, bool *started, struct rn_diag *err);

/* RN_BPF_STREAM: trace into the sinks until every traced task is gone or
 * the user interrupts. Returns 0 with *res filled (res->lost_events: calls
 * the ring buffer had no room for, also reported on stderr), or -errno
 * with err set when nothing could be traced. */
int rn_bpf_run_stream(const struct rn_options *o, struct rn_sinks *sinks, struct rn_run_result *res,
		      struct rn_diag *err);

/* Wait until none of o->pids is alive or SIGINT/SIGTERM arrives. */
void rn_bpf_wait_pids(const struct rn_options *o);
