// SPDX-License-Identifier: MIT
#pragma once
/* The end-of-run analyses over the event store: --hpu-analysis (syscall
 * correlation and hotspot clusters), --ml-anomaly/--ml-compare (k-means over
 * per-call latency), --ml-outliers (isolation forest), --dl-anomaly
 * (autoencoder), the model file options and the --analysis auto mode. Each
 * finding says why (the features behind it) and, with --source, where.
 * Run once, lazily, by whichever asks first: the report sink at finish()
 * or the JSON document. Not thread-safe. */

#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"
#include "core/store.h"

struct rn_ml_analysis;

/* Whether o asks for any of these analyses (then main keeps a store). */
bool rn_ml_wanted(const struct rn_options *o);
/* Check the options and load --load-model/--baseline. Returns 0, or -EINVAL
 * / -ENOENT / -EBADMSG / -ENOMEM with one line for the user in reterr (exit
 * 1). o and st are borrowed and must outlive the analysis. */
int rn_ml_analysis_new(const struct rn_options *o, const struct rn_store *st,
		       struct rn_ml_analysis **ret, struct rn_diag *reterr);
void rn_ml_analysis_free(struct rn_ml_analysis *a);
/* Run the analyses (once; later calls return the first result). Returns 0
 * or -ENOMEM. */
int rn_ml_analysis_run(struct rn_ml_analysis *a);
/* Write the JSON members the run produced ("ml_analysis",
 * "isolation_forest_analysis", "autoencoder_analysis"), each as
 * `  "key": {...},\n`, for the --format json document just before its
 * "summary". Runs the analyses first if needed. Writes nothing when none
 * of the three was asked for. */
void rn_ml_analysis_json(struct rn_ml_analysis *a, struct rn_buf *b);
/* A sink whose finish() runs the analyses and prints their reports: the
 * HPU report to hpu (stdout or the spooled document), the others to report
 * (stderr). It owns a (freed with the sink). NULL on OOM (a is freed). */
struct rn_sink *rn_ml_sink_new(struct rn_ml_analysis *a, FILE *report, FILE *hpu);
