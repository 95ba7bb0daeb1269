// SPDX-License-Identifier: MIT
/* Latency statistics: exact percentiles and moments against a naive
 * computation on the same data. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "analysis/latency.h"

static void add(struct rn_store *st, int nr, uint64_t dur, int err)
{
	struct rn_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.nr = nr;
	ev.dur_ns = dur;
	ev.flags = err ? RN_EVF_ERROR : 0;
	assert_int_equal(rn_store_append(st, &ev), 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_small_known_values(void **state)
{
	(void)state;
	struct rn_store *st = rn_store_new();
	/* read: 1..10 us; write: one call of 100 us, one error */
	for (int i = 10; i >= 1; i--)
		add(st, SYS_read, (uint64_t)i * 1000, 0);
	add(st, SYS_write, 100000, 1);
	struct rn_latency_table *t = NULL;
	assert_int_equal(rn_latency_compute(st, &t), 0);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->total_calls, 11);
	assert_int_equal(t->total_errors, 1);
	/* sorted by total time: write (100us) before read (55us) */
	assert_int_equal(t->v[0].nr, SYS_write);
	const struct rn_latency *r = rn_latency_lookup(t, SYS_read);
	assert_non_null(r);
	assert_int_equal(r->calls, 10);
	assert_int_equal(r->min_ns, 1000);
	assert_int_equal(r->max_ns, 10000);
	assert_true(fabs(r->mean_ns - 5500) < 1e-6);
	assert_true(fabs(r->stddev_ns - sqrt(8.25e6)) < 1e-3);
	/* rank 0.5*9 = 4.5 -> between 5000 and 6000 */
	assert_true(fabs(r->p50_ns - 5500) < 1e-6);
	assert_true(fabs(r->p90_ns - 9100) < 1e-6);
	assert_true(fabs(r->p99_ns - 9910) < 1e-6);
	rn_latency_table_free(t);
	rn_store_free(st);
}

static void test_large_against_naive(void **state)
{
	(void)state;
	struct rn_store *st = rn_store_new();
	size_t n = 200000;
	uint64_t *copy = malloc(n * sizeof(*copy));
	srand(42);
	for (size_t i = 0; i < n; i++) {
		/* spread over several digit ranges so every radix pass matters */
		uint64_t d = ((uint64_t)rand() << 20) ^ (uint64_t)rand();
		copy[i] = d;
		add(st, SYS_getppid, d, 0);
	}
	struct rn_latency_table *t = NULL;
	assert_int_equal(rn_latency_compute(st, &t), 0);
	qsort(copy, n, sizeof(*copy), cmp_u64);
	const struct rn_latency *l = rn_latency_lookup(t, SYS_getppid);
	assert_memory_equal(l->sorted_ns, copy, n * sizeof(*copy));
	assert_true(fabs(l->p95_ns - rn_latency_percentile(copy, n, 95)) < 1e-3);
	assert_int_equal(l->max_ns, copy[n - 1]);
	rn_latency_table_free(t);
	rn_store_free(st);
	free(copy);
}

static void test_empty(void **state)
{
	(void)state;
	struct rn_store *st = rn_store_new();
	struct rn_latency_table *t = NULL;
	assert_int_equal(rn_latency_compute(st, &t), 0);
	assert_int_equal(t->n, 0);
	rn_latency_table_free(t);
	rn_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_known_values),
		cmocka_unit_test(test_large_against_naive),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
