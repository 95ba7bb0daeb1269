// SPDX-License-Identifier: MIT
#pragma once
/* --assert renacer.toml: performance budgets checked on the trace, for CI.
 *
 *	[[assertion]]
 *	name = "startup_budget"
 *	type = "span_count"          # critical_path, span_count, memory_usage, anti_pattern
 *	max_spans = 500
 *	syscall = "openat"           # optional: count one syscall...
 *	class = "file"               # ...or one class
 *	fail_on_violation = true     # false: a warning only
 *	enabled = true
 *
 * Types and their keys are in docs/assertions.md. Each assertion prints one
 * line (pass, warn or fail, the actual value against the budget and how
 * far over it is), then a verdict. */

#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"
#include "core/sink.h"

struct rn_assertions;

/* Read and check the file. Returns 0, or -errno with "file:line:col:
 * problem" in err. */
int rn_assertions_load(const char *path, struct rn_assertions **ret, struct rn_diag *err);
void rn_assertions_free(struct rn_assertions *a);

/* A sink that measures the trace and, at finish, prints the results to f.
 * a is borrowed and must outlive the sink. */
struct rn_sink *rn_assert_sink_new(FILE *f, const struct rn_options *o, struct rn_assertions *a);
/* After finish: whether an assertion with fail_on_violation failed. */
bool rn_assertions_failed(const struct rn_assertions *a);

/* renacer's exit status when an assertion fails and the program itself
 * succeeded (the program's own failure status takes precedence). */
#define RN_ASSERT_EXIT_FAILED 4
