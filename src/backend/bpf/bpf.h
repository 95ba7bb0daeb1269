// SPDX-License-Identifier: MIT
#pragma once
/* The eBPF capture backend (--backend bpf): syscalls counted and timed in
 * the kernel (raw_syscalls tracepoints, CO-RE via libbpf), the process
 * tree followed there too; the traced program runs near native speed. So
 * far it serves -c, the summary table. */

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"

/* Whether this run's options are served by the bpf backend; *why says
 * what is not, otherwise. */
bool rn_bpf_supported(const struct rn_options *o, const char **why);
/* Run o->argv and print the -c table to report. Returns the program's
 * exit status (128+N when killed by N), or -errno with err set; *started
 * says whether the program was started (a failure before it, such as
 * programs the kernel refuses, leaves the run to the ptrace backend). */
int rn_bpf_run(const struct rn_options *o, FILE *report, bool *started, struct rn_diag *err);
