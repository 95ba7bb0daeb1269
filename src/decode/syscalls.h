// SPDX-License-Identifier: MIT
#pragma once
/* The syscall table: names, argument counts, classes and decoders, generated
 * by tools/gen_syscalls.py from <asm/unistd_64.h> and tools/syscalls.in. */

#include "syscallent.h"

struct rn_dctx;

/* A decoder renders one syscall's arguments; see decode.h. */
typedef int (*rn_decode_fn)(struct rn_dctx *d);

struct rn_sysent {
	const char *name; /* NULL for holes in the numbering */
	unsigned nargs;
	unsigned classes; /* enum rn_syscall_class bits */
	rn_decode_fn decode; /* NULL: raw arguments */
};

extern const struct rn_sysent rn_sysent_table[RN_NSYSCALLS];

/* The entry for nr, or NULL when nr is out of range or unnamed. */
const struct rn_sysent *rn_syscall_get(long nr);
/* The number of the syscall called name, or -ENOENT. */
int rn_syscall_lookup(const char *name);
/* The class bit called name ("file", "%file", "net" are accepted), or 0. */
unsigned rn_syscall_class_lookup(const char *name);
