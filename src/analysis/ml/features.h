// SPDX-License-Identifier: MIT
#pragma once
/* Features for the analyses, built from the event store: one row per call
 * (for the isolation forest, the autoencoder and per-call k-means), one row
 * per syscall (aggregates), and one row per slice of time (what each
 * syscall did then, for correlation). Not thread-safe. */

#include <stddef.h>
#include <stdint.h>

#include "analysis/ml/ml.h"
#include "core/store.h"

/* Per-call features, in matrix column order. Heavy-tailed quantities are
 * kept as ln(1 + x), so a split or a distance means "times as much", not
 * "this many microseconds more"; rn_ml_feature_format shows the value. */
enum rn_ml_feature {
	RN_MLF_DURATION, /* ln(1 + duration in us) */
	RN_MLF_RELATIVE, /* the same minus the mean of it over the call's syscall */
	RN_MLF_SYSCALL,  /* syscall number (-1 unknown) */
	RN_MLF_FD,       /* first argument of fd calls (class desc), else -1 */
	RN_MLF_SIZE,     /* ln(1 + third argument) of desc/network calls, else -1 */
	RN_MLF_GAP,      /* ln(1 + us since the task's previous call returned) */
	RN_MLF_BURST,    /* ln(1 + calls per ms the task issues, over its last 16 gaps) */
	RN_MLF_COUNT
};

/* The feature names (RN_MLF_COUNT of them), as reports and model files
 * spell them. */
const char *const *rn_ml_feature_names(void);
/* Per-call features of every stored call into ret (st->len x RN_MLF_COUNT).
 * Returns 0 or -ENOMEM. */
int rn_ml_call_features(const struct rn_store *st, struct rn_ml_matrix *ret);
/* Feature f's value v for a person: "12.3 ms", "fd 3", "4096", "read". */
void rn_ml_feature_format(unsigned f, double v, char *buf, size_t len);

/* One syscall's totals over the run. */
struct rn_ml_syscall_agg {
	int nr;
	uint64_t calls;
	double total_us, avg_us;
	double per_sec; /* calls per second of the traced span */
};

/* The syscalls in st, most total time first, into a new array (free()).
 * Returns 0 or -ENOMEM; *ret_n may be 0. */
int rn_ml_syscall_aggregates(const struct rn_store *st, struct rn_ml_syscall_agg **ret,
			     size_t *ret_n);
/* Rows = those syscalls, columns = avg us, calls per second, total us. */
int rn_ml_aggregate_matrix(const struct rn_ml_syscall_agg *agg, size_t n, struct rn_ml_matrix *ret);
/* Rows = nslices equal slices of the run's time, columns = the syscalls in
 * agg order, cell = calls of that syscall in that slice. */
int rn_ml_activity_matrix(const struct rn_store *st, const struct rn_ml_syscall_agg *agg, size_t n,
			  size_t nslices, struct rn_ml_matrix *ret);
/* A syscall's name, "unknown" when it has none. */
const char *rn_ml_syscall_name(int nr);
