// SPDX-License-Identifier: MIT
#pragma once
/* Per-syscall latency statistics computed from the event store: counts,
 * errors, total, min, max, mean, population standard deviation and exact
 * percentiles (linear interpolation between the two nearest ranks, at rank
 * p/100 * (n-1) over the sorted durations). Shared by --stats-extended, the
 * HTML report and the JSON summary. Not thread-safe. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

struct rn_latency {
	int nr; /* syscall number, -1 for numbers outside the table */
	uint64_t calls, errors;
	uint64_t total_ns, min_ns, max_ns;
	double mean_ns, stddev_ns;
	double p50_ns, p75_ns, p90_ns, p95_ns, p99_ns;
	const uint64_t *sorted_ns; /* this syscall's durations, ascending (calls of them) */
};

struct rn_latency_table {
	struct rn_latency *v; /* sorted by total time descending, then number */
	size_t n;
	uint64_t total_ns, total_calls, total_errors;
	uint64_t *all_sorted; /* backing storage of every sorted_ns */
};

/* Compute the table over every event in st. Returns 0 and *ret (free with
 * rn_latency_table_free), or -ENOMEM. An empty store gives an empty table. */
int rn_latency_compute(const struct rn_store *st, struct rn_latency_table **ret);
/* Free a table; NULL is fine. */
void rn_latency_table_free(struct rn_latency_table *t);
/* The p-th percentile (0..100) of n ascending values, interpolated. n > 0. */
double rn_latency_percentile(const uint64_t *sorted, size_t n, double p);
/* The row for syscall nr, or NULL. */
const struct rn_latency *rn_latency_lookup(const struct rn_latency_table *t, int nr);

/* The anomaly rule every detector shares (--stats-extended, the real-time
 * detector, --ml-compare's z-scores, -c's histogram in the kernel): a call
 * of dur_ns is an anomaly of a syscall with mean mean_ns and standard
 * deviation sd_ns when it is more than o->anomaly_threshold deviations
 * above the mean, the deviation taken as at least RN_ANOMALY_NOISE_FLOOR
 * of the mean (so jitter on steady calls is not 10 sigma), and at least
 * o->anomaly_jitter_us above it (a few microseconds are scheduling, not a
 * finding). *z gets the z-score and *spread_ns the deviation used. Callers
 * require RN_ANOMALY_MIN_SAMPLES calls (or their window's worth) first. */
#define RN_ANOMALY_MIN_SAMPLES 10
#define RN_ANOMALY_NOISE_FLOOR 0.10
struct rn_options;
bool rn_anomaly(const struct rn_options *o, double dur_ns, double mean_ns, double sd_ns, double *z,
		double *spread_ns);

/* The percentile report's header and one row (times in ns, printed in us). */
#include <stdio.h>
void rn_latency_print_header(FILE *f);
void rn_latency_print_row(FILE *f, const char *name, uint64_t calls, double mean_ns, double sd_ns,
			  double min_ns, const double p_ns[5], double max_ns);
