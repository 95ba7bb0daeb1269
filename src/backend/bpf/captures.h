// SPDX-License-Identifier: MIT
#pragma once
/* The per-syscall capture table of the bpf event stream (captures.c). */

#include <linux/types.h>
#include <stddef.h>

#include "backend/bpf/wire.h"

/* Fill spec[0..nspec) (indexed by syscall number) with what the kernel
 * copies for each call, strings and buffers bounded by the -s limit.
 * Returns the number of syscalls with captures. */
int rn_bpf_captures(unsigned string_limit, struct rn_capspec *spec, size_t nspec);
