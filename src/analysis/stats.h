// SPDX-License-Identifier: MIT
#pragma once
/* Latency statistics over the event store: exact percentiles, mean,
 * standard deviation, and post-hoc anomalies (calls more than
 * --anomaly-threshold standard deviations above their syscall's mean). */

#include <stdint.h>
#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"
#include "core/store.h"

/* --stats-extended: a sink whose finish() prints the per-syscall
 * percentile report and the post-hoc anomaly list to f, reading st (borrowed;
 * must outlive the sink). NULL on OOM. */
struct rn_sink *rn_stats_extended_new(FILE *f, const struct rn_options *o, const struct rn_store *st);
