// SPDX-License-Identifier: MIT
#pragma once
/* A diagnostic message for the user, written by library code and printed by
 * cli/ or main.c. */

#include <stdarg.h>

struct rn_diag {
	char msg[512];
};

/* Write a message into d (NULL is fine: then nothing is written). */
void rn_diag_set(struct rn_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
