// SPDX-License-Identifier: MIT
/* Benchmark workload: N cheap syscalls, the worst case for a tracer. */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	for (long i = 0; i < n; i++)
		(void)syscall(SYS_getppid);
	return 0;
}
