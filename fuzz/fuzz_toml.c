// SPDX-License-Identifier: MIT
/* libFuzzer target for the TOML reader behind --assert:
 *   ./build-fuzz/fuzz/fuzz_toml -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>

#include "assert/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t walk(const struct rn_toml_table *t, int depth)
{
	size_t n = 0;
	for (size_t i = 0; t && i < t->n && depth < 8; i++) {
		const struct rn_toml_value *v = &t->kv[i].v;
		n++;
		if (v->type == RN_TOML_TABLE)
			n += walk(v->t, depth + 1);
		else if (v->type == RN_TOML_TABLE_ARRAY)
			for (size_t k = 0; k < v->arr.n; k++)
				n += walk(v->arr.v[k].t, depth + 1);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rn_diag diag;
	struct rn_toml_table *t = rn_toml_parse((const char *)data, size, "fuzz", &diag);
	(void)walk(t, 0);
	(void)rn_toml_get(t, "assertion");
	rn_toml_free(t);
	return 0;
}
