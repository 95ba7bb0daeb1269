// SPDX-License-Identifier: MIT
/* Benchmark workload: read from /dev/zero and write to /dev/null, 4 KiB at a
 * time, so the tracer decodes a buffer argument on every call. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000;
	char buf[4096];
	int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
	if (in < 0 || out < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		if (read(in, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;
		if (write(out, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;
	}
	return 0;
}
