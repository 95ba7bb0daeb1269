// SPDX-License-Identifier: MIT
#pragma once
/* --compare BASELINE.json CURRENT.json: per-syscall change in calls and
 * latency between two runs, with a Mann-Whitney U test per syscall, a
 * verdict, and an exit status CI can act on. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/diag.h"

enum rn_cmp_verdict {
	RN_CMP_INSUFFICIENT, /* fewer than 5 calls on a side */
	RN_CMP_SAME,
	RN_CMP_REGRESSION,
	RN_CMP_IMPROVEMENT,
	RN_CMP_NEW,  /* only in the current run */
	RN_CMP_GONE, /* only in the baseline */
};

/* renacer's exit status when --fail-on-regression finds a regression. */
#define RN_CMP_EXIT_REGRESSION 3

/* Compare and print the report to f. fail_pct < 0: report only. Returns 0,
 * RN_CMP_EXIT_REGRESSION when a syscall regressed by fail_pct or more, or
 * -errno with one line in err when an input cannot be read. */
int rn_compare_run(const char *base_path, const char *cur_path, double fail_pct, FILE *f,
		   struct rn_diag *err);

/* Two-sided p-value of the Mann-Whitney U test on two ascending samples. */
double rn_mann_whitney_p(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
