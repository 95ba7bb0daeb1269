// SPDX-License-Identifier: MIT
#pragma once
/* The -e trace=SPEC syscall filter: parsed once into a bitmap over syscall
 * numbers, so the hot path is one bit test and the set can be pushed down
 * into a seccomp-bpf program. Not thread-safe while parsing. */

#include <stdbool.h>
#include <stdint.h>

#include "core/diag.h"

struct rn_filter;

/* Parse a filter expression ("trace=open,read", "trace=%file,!close",
 * "trace=/^open/"). Several -e options accumulate: pass the filter returned
 * by a previous call as *f, or NULL first. Errors name the bad token in
 * reterr and return -EINVAL. */
int rn_filter_parse(struct rn_filter **f, const char *expr, struct rn_diag *reterr);
/* Whether syscall nr is traced. A NULL filter traces everything. */
bool rn_filter_match(const struct rn_filter *f, long nr);
/* Whether the filter excludes anything (worth pushing down). */
bool rn_filter_narrows(const struct rn_filter *f);
/* Free the filter; NULL is fine. */
void rn_filter_free(struct rn_filter *f);
