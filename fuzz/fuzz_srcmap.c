// SPDX-License-Identifier: MIT
/* libFuzzer target for transpiler source maps (--transpiler-map): load
 * arbitrary bytes as a map, and when they load, look up lines and names.
 *   ./build-fuzz/fuzz/fuzz_srcmap -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "symbolize/srcmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("map", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		(void)close(fd);
		return 0;
	}
	char path[64];
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct rn_srcmap *m = NULL;
	struct rn_diag diag;
	if (rn_srcmap_load(path, &m, &diag) == 0) {
		for (unsigned line = 0; line < 64; line++)
			(void)rn_srcmap_lookup(m, m->generated_file, line);
		(void)rn_srcmap_function(m, "a::b");
		(void)rn_srcmap_function(m, "main");
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			rn_srcmap_dump_functions(m, f, true);
			rn_srcmap_dump_stacktrace(m, f, true);
			rn_srcmap_dump_errors(m, f, true);
			(void)fclose(f);
		}
		rn_srcmap_free(m);
	}
	(void)close(fd);
	return 0;
}
