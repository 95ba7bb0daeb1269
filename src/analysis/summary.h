// SPDX-License-Identifier: MIT
#pragma once
/* -c: strace's per-syscall summary table (calls, errors, time). */

#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"

/* A sink that counts and prints the table to f at finish. NULL on OOM. */
struct rn_sink *rn_stats_summary_new(FILE *f, const struct rn_options *o);
