// SPDX-License-Identifier: MIT
#pragma once
/* --equivalence "ORIGINAL ARGS" -- TRANSPILED ARGS: trace both programs
 * and compare their observable behaviour (bytes written per stream and
 * file, file-system changes, exit status). */

#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"

/* renacer's exit status when the two programs behave differently. */
#define RN_EQUIV_EXIT_DIFFERENT 5

/* Run both (with o's settings, always following children), print the
 * report to f. Returns 0 when equivalent, RN_EQUIV_EXIT_DIFFERENT, or
 * -errno with err set when a program could not be traced. */
int rn_equivalence_run(const struct rn_options *o, char **original, char **transpiled, FILE *f,
		       struct rn_diag *err);
