// SPDX-License-Identifier: MIT
#pragma once
/* Output sinks. Each writes to a FILE the caller owns and keeps open until
 * the sink is freed; finish() flushes it. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"
#include "core/store.h"

/* strace-style trace lines. NULL on OOM. */
struct rn_sink *rn_out_text_new(FILE *f, const struct rn_options *o);
/* Whether a syscall event is one the trace shows: -z, -Z, -e status=
 * and -P choose (every output that lists calls asks this). */
bool rn_out_shown(const struct rn_options *o, const struct rn_event *ev);
/* "renacer: Process N attached/detached" notices, always to stderr. */
struct rn_sink *rn_out_status_new(void);
struct rn_ml_analysis;
/* --format json: one renacer-json-v1 document (docs/json-schema.md),
 * streamed as events arrive and closed at finish, so it is valid JSON even
 * when the program crashes or the user interrupts. ml (borrowed, may be
 * NULL) adds the analyses' members before the summary. NULL on OOM. */
struct rn_sink *rn_out_json_new(FILE *f, const struct rn_options *o, struct rn_ml_analysis *ml);
/* --format csv: a header and one row per syscall; with -c (o->summary_only)
 * the per-syscall table as CSV instead. NULL on OOM. */
struct rn_sink *rn_out_csv_new(FILE *f, const struct rn_options *o);
/* --format html: one self-contained page (summary table, inline SVG charts,
 * filterable event table), written at finish from st and the events seen.
 * st is borrowed and must outlive the sink. NULL on OOM. */
struct rn_sink *rn_out_html_new(FILE *f, const struct rn_options *o, const struct rn_store *st);
/* --format flamegraph / flamegraph-svg: every traced call's stack, root
 * first with the syscall as the leaf, weighted by the time in the call
 * (microseconds); written at finish as folded stacks ("main;helper;read 42")
 * or as a self-contained SVG flame graph. NULL on OOM. */
struct rn_sink *rn_out_flamegraph_new(FILE *f, const struct rn_options *o, bool svg);
/* --otlp-endpoint: OTLP/HTTP JSON export of a root span, one span per
 * process and one per syscall, batched on a worker thread. NULL with a
 * message in err when it cannot start. */
struct rn_sink *rn_out_otlp_new(const struct rn_options *o, struct rn_diag *err);
/* "TRACEPARENT=00-<trace>-<root span>-01": the context the traced program
 * gets, so its own spans nest under renacer's. */
const char *rn_out_otlp_traceparent(const struct rn_sink *otlp);
/* Parse a W3C traceparent (version 00, non-zero ids). Returns 0 or -1. */
int rn_otlp_parse_traceparent(const char *s, uint8_t trace[16], uint8_t parent[8]);
