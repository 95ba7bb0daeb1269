// SPDX-License-Identifier: MIT
#pragma once
/* --function-time: per-function syscall profile from unwound stacks: time
 * and calls per function of the program, the hottest call chains, the call
 * graph, and functions whose I/O blocks longer than 1 ms. */

#include <stdio.h>

#include "core/options.h"
#include "core/sink.h"

/* A sink printing the profile to f at finish. NULL on OOM. */
struct rn_sink *rn_function_profile_new(FILE *f, const struct rn_options *o);
