// SPDX-License-Identifier: MIT
#pragma once
/* Per-syscall latency statistics computed from the event store: counts,
 * errors, total, min, max, mean, population standard deviation and exact
 * percentiles (linear interpolation between the two nearest ranks, at rank
 * p/100 * (n-1) over the sorted durations). Shared by --stats-extended, the
 * HTML report and the JSON summary. Not thread-safe. */

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
