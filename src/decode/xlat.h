// SPDX-License-Identifier: MIT
#pragma once
/* Constant tables (value <-> name), generated from the tools/xlat/ files. */

#include <stddef.h>
#include <stdint.h>

enum rn_xlat_kind {
	RN_XLAT_FLAGS, /* bit flags: printed A|B|0x40 */
	RN_XLAT_VALUE, /* enumeration: printed as one name */
};

struct rn_xlat_entry {
	uint64_t val;
	const char *name;
};

struct rn_xlat {
	const struct rn_xlat_entry *e;
	size_t n;
	enum rn_xlat_kind kind;
};

/* The name of val in x, or NULL when x has none (first match wins). */
const char *rn_xlat_lookup(const struct rn_xlat *x, uint64_t val);
/* Find a name's value; returns 0 and writes *ret_val, or -ENOENT. */
int rn_xlat_find(const struct rn_xlat *x, const char *name, uint64_t *ret_val);
