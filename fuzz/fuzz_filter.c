// SPDX-License-Identifier: MIT
/* libFuzzer target for the -e expression parser:
 *   meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
 *         -Db_lundef=false --native-file=... (CC=clang)
 *   ./build-fuzz/fuzz/fuzz_filter -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct rn_filter *f = NULL;
	struct rn_diag diag;
	if (rn_filter_parse(&f, s, &diag) == 0) {
		for (long nr = -1; nr < 500; nr++)
			(void)rn_filter_match(f, nr);
		(void)rn_filter_narrows(f);
	}
	rn_filter_free(f);
	free(s);
	return 0;
}
