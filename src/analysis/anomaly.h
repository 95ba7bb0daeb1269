// SPDX-License-Identifier: MIT
#pragma once
/* --anomaly-realtime: a sliding per-syscall baseline; calls whose latency is
 * more than --anomaly-threshold standard deviations above it are reported
 * as they happen, with a severity, and summarised at the end. */

#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"

/* A sink printing alerts and the final report to f. NULL on OOM. */
struct rn_sink *rn_anomaly_realtime_new(FILE *f, const struct rn_options *o);
