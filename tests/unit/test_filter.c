// SPDX-License-Identifier: MIT
/* Filter expressions: what each spelling selects, and the errors users see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "decode/syscalls.h"
#include "filter/filter.h"

static struct rn_filter *parse_ok(const char *expr)
{
	struct rn_filter *f = NULL;
	struct rn_diag diag = { "" };
	int r = rn_filter_parse(&f, expr, &diag);
	if (r != 0)
		fail_msg("%s: %s", expr, diag.msg);
	return f;
}

static void test_names(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=open,read,write");
	assert_true(rn_filter_match(f, SYS_open));
	assert_true(rn_filter_match(f, SYS_read));
	assert_true(rn_filter_match(f, SYS_write));
	assert_false(rn_filter_match(f, SYS_close));
	assert_false(rn_filter_match(f, SYS_openat));
	assert_true(rn_filter_narrows(f));
	rn_filter_free(f);
}

static void test_class_and_negation(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=%file,!close");
	assert_true(rn_filter_match(f, SYS_openat));
	assert_true(rn_filter_match(f, SYS_newfstatat));
	assert_false(rn_filter_match(f, SYS_close)); /* close is not %file anyway */
	assert_false(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
	f = parse_ok("trace=file,!openat");
	assert_false(rn_filter_match(f, SYS_openat));
	assert_true(rn_filter_match(f, SYS_execve));
	rn_filter_free(f);
}

static void test_only_negation(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=!close");
	assert_false(rn_filter_match(f, SYS_close));
	assert_true(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
	/* strace's whole-list negation */
	f = parse_ok("trace=!open,close");
	assert_false(rn_filter_match(f, SYS_open));
	assert_false(rn_filter_match(f, SYS_close));
	assert_true(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
}

static void test_regex(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=/^open/,!/openat2/");
	assert_true(rn_filter_match(f, SYS_open));
	assert_true(rn_filter_match(f, SYS_openat));
	assert_false(rn_filter_match(f, SYS_openat2));
	assert_false(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
	f = parse_ok("trace=/read|write/");
	assert_true(rn_filter_match(f, SYS_pread64));
	assert_true(rn_filter_match(f, SYS_writev));
	assert_false(rn_filter_match(f, SYS_close));
	rn_filter_free(f);
}

static void test_all_none_empty(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=all");
	assert_true(rn_filter_match(f, SYS_read));
	assert_false(rn_filter_narrows(f));
	rn_filter_free(f);
	f = parse_ok("trace=none");
	assert_false(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
	/* An empty list is an error, as in strace (trace=none is the way). */
	struct rn_diag diag;
	struct rn_filter *g = NULL;
	assert_int_equal(rn_filter_parse(&g, "trace=", &diag), -EINVAL);
	assert_null(g);
	assert_non_null(strstr(diag.msg, "''"));
	assert_true(rn_filter_match(NULL, SYS_read));
}

static void test_accumulates(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=read");
	struct rn_diag diag;
	assert_int_equal(rn_filter_parse(&f, "trace=write", &diag), 0);
	assert_true(rn_filter_match(f, SYS_read));
	assert_true(rn_filter_match(f, SYS_write));
	assert_false(rn_filter_match(f, SYS_close));
	rn_filter_free(f);
}

static void expect_error(const char *expr, const char *needle)
{
	struct rn_filter *f = NULL;
	struct rn_diag diag = { "" };
	assert_int_equal(rn_filter_parse(&f, expr, &diag), -EINVAL);
	assert_null(f);
	if (!strstr(diag.msg, needle))
		fail_msg("%s: message '%s' lacks '%s'", expr, diag.msg, needle);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("trace=opne", "'opne'");
	expect_error("trace=%bogus", "'%bogus'");
	expect_error("trace=/(/", "invalid regex");
	expect_error("trace=!", "'!'");
	expect_error("signal=SIGINT", "qualifier 'signal'");
	expect_error("trace=read,,write", "empty");
	expect_error("trace=/re+++ad/", "stacked repetition");
}

static void test_optional_unknown(void **state)
{
	(void)state;
	struct rn_filter *f = parse_ok("trace=?nosuchcall,read");
	assert_true(rn_filter_match(f, SYS_read));
	rn_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),		 cmocka_unit_test(test_class_and_negation),
		cmocka_unit_test(test_only_negation),	 cmocka_unit_test(test_regex),
		cmocka_unit_test(test_all_none_empty),	 cmocka_unit_test(test_accumulates),
		cmocka_unit_test(test_errors),		 cmocka_unit_test(test_optional_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
