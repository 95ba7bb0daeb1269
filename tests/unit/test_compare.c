// SPDX-License-Identifier: MIT
/* The Mann-Whitney U test against values worked out by hand (normal
 * approximation with continuity and tie corrections). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/compare.h"

static void test_separated_samples(void **state)
{
	(void)state;
	const uint64_t a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	/* U = 0, mean 12.5, var 25 * 11 / 12: z = 12 / 4.7871 = 2.5067. */
	double p = rn_mann_whitney_p(a, 5, b, 5);
	assert_true(fabs(p - 0.012186) < 1e-5);
	/* Symmetric. */
	assert_true(fabs(rn_mann_whitney_p(b, 5, a, 5) - p) < 1e-12);
}

static void test_identical_samples(void **state)
{
	(void)state;
	const uint64_t a[] = { 3, 5, 8, 13, 21, 34 };
	assert_true(rn_mann_whitney_p(a, 6, a, 6) > 0.99);
	const uint64_t same[] = { 7, 7, 7, 7, 7 };
	assert_true(rn_mann_whitney_p(same, 5, same, 5) == 1.0);
}

static void test_ties_across_samples(void **state)
{
	(void)state;
	/* a: 1 1 2 2, b: 2 2 3 3. Ranks: the 1s 1.5, the 2s 4.5, the 3s 7.5;
	 * R1 = 12, U = 2, mean 8; tie groups of 2, 4, 2 give sum(t^3 - t) =
	 * 72; var = 16/12 * (9 - 72/56) = 10.2857; z = 5.5 / 3.2071. */
	const uint64_t a[] = { 1, 1, 2, 2 }, b[] = { 2, 2, 3, 3 };
	double p = rn_mann_whitney_p(a, 4, b, 4);
	assert_true(fabs(p - 0.086354) < 1e-4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_separated_samples),
		cmocka_unit_test(test_identical_samples),
		cmocka_unit_test(test_ties_across_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
