// SPDX-License-Identifier: MIT
/* Benchmark workload: T threads (default 4) making N cheap syscalls in all
 * (default 400000), the multi-CPU case for a tracer. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread;

static void *loop(void *arg)
{
	(void)arg;
	for (long i = 0; i < per_thread; i++)
		(void)syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 400000;
	int t = argc > 2 ? atoi(argv[2]) : 4;
	if (t < 1 || t > 64)
		return 2;
	per_thread = n / t;
	pthread_t th[64];
	for (int i = 0; i < t; i++)
		if (pthread_create(&th[i], NULL, loop, NULL) != 0)
			return 1;
	for (int i = 0; i < t; i++)
		(void)pthread_join(th[i], NULL);
	return 0;
}
