// SPDX-License-Identifier: MIT
#pragma once
/* -c: strace's per-syscall summary table (calls, errors, time), and the
 * counters behind it, shared by every output that prints a summary. */

#include <stdint.h>
#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"
#include "decode/syscalls.h"

struct rn_count_row {
	uint64_t calls, errors, ns;
};

/* Per-syscall counters; the last row collects numbers outside the table. */
struct rn_counts {
	struct rn_count_row rows[RN_NSYSCALLS + 1];
	uint64_t calls, errors, ns; /* totals */
	enum rn_sortby sortby;	    /* -S: the order rn_counts_sorted gives */
};

/* Count one syscall event; calls that never returned are left out, as strace does. */
void rn_counts_add(struct rn_counts *c, const struct rn_event *ev);
/* Fill idx with the rows that have calls, in c->sortby's order (time
 * descending by default), ties by number; returns how many. idx holds
 * RN_NSYSCALLS + 1. */
int rn_counts_sorted(const struct rn_counts *c, int *idx);
/* The name of row i ("syscall_unknown" for the overflow row). */
const char *rn_counts_name(int i);

/* Print strace's table for c to f. Returns 0 or -EIO. */
int rn_counts_print(FILE *f, const struct rn_counts *c);

/* A sink that counts and prints the table to f at finish. NULL on OOM. */
struct rn_sink *rn_stats_summary_new(FILE *f, const struct rn_options *o);
