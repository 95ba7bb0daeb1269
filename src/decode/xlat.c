// SPDX-License-Identifier: MIT
#include "decode/xlat.h"

#include <errno.h>
#include <string.h>

const char *rn_xlat_lookup(const struct rn_xlat *x, uint64_t val)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].val == val)
			return x->e[i].name;
	return NULL;
}

int rn_xlat_find(const struct rn_xlat *x, const char *name, uint64_t *ret_val)
{
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->e[i].name, name) == 0) {
			*ret_val = x->e[i].val;
			return 0;
		}
	return -ENOENT;
}
