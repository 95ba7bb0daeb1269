// SPDX-License-Identifier: MIT
/* Core helpers: the JSON string escaper (checked by parsing its output back
 * with jansson) and the aggregation hash map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/hmap.h"
#include "core/json.h"

/* Escape s, parse the result as a JSON string, return what it decodes to. */
static char *roundtrip(const char *s, size_t n, size_t *out_len)
{
	struct rn_buf b = { 0 };
	rn_buf_put(&b, "[");
	rn_json_str(&b, s, n);
	rn_buf_put(&b, "]");
	json_error_t err;
	json_t *v = json_loadb(b.p, b.len, JSON_ALLOW_NUL, &err);
	assert_non_null(v);
	json_t *str = json_array_get(v, 0);
	assert_true(json_is_string(str));
	*out_len = json_string_length(str);
	char *copy = malloc(*out_len + 1);
	memcpy(copy, json_string_value(str), *out_len + 1);
	json_decref(v);
	rn_buf_done(&b);
	return copy;
}

static void test_json_escapes_round_trip(void **state)
{
	(void)state;
	static const char s[] = "a\"b\\c\n\t\r\x01\x1f end";
	size_t n;
	char *back = roundtrip(s, sizeof(s) - 1, &n);
	assert_int_equal(n, sizeof(s) - 1);
	assert_memory_equal(back, s, n);
	free(back);
}

static void test_json_keeps_valid_utf8_and_escapes_invalid(void **state)
{
	(void)state;
	static const char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5";
	size_t n;
	char *back = roundtrip(ok, sizeof(ok) - 1, &n);
	assert_string_equal(back, ok);
	free(back);
	/* A lone continuation byte, an overlong '/', a surrogate: each byte
	 * becomes \u00XX, so the document stays valid. */
	static const char bad[] = "x\x80y\xc0\xafz\xed\xa0\x80";
	struct rn_buf b = { 0 };
	rn_json_str(&b, bad, sizeof(bad) - 1);
	assert_string_equal(b.p, "\"x\\u0080y\\u00c0\\u00afz\\u00ed\\u00a0\\u0080\"");
	rn_buf_done(&b);
	back = roundtrip(bad, sizeof(bad) - 1, &n);
	assert_int_equal(n, 3 + 6 * 2); /* x, y, z and six U+0080..U+00FF, two bytes each in UTF-8 */
	free(back);
}

static void test_json_null(void **state)
{
	(void)state;
	struct rn_buf b = { 0 };
	rn_json_cstr(&b, NULL);
	assert_string_equal(b.p, "null");
	rn_buf_done(&b);
}

static void test_hmap_counts_many_keys(void **state)
{
	(void)state;
	struct rn_hmap m;
	rn_hmap_init(&m, sizeof(uint64_t));
	/* 10000 distinct keys, each added key % 7 + 1 times. */
	for (int round = 0; round < 7; round++)
		for (int k = 0; k < 10000; k++)
			if (round <= k % 7) {
				char key[32];
				int n = snprintf(key, sizeof(key), "key-%d", k);
				uint64_t *v = rn_hmap_get(&m, key, (size_t)n);
				assert_non_null(v);
				(*v)++;
			}
	assert_int_equal(m.n, 10000);
	for (size_t i = 0; i < m.n; i++) {
		size_t len;
		const char *key = rn_hmap_key(&m, i, &len);
		char copy[32];
		/* Keys are bytes, not strings: no NUL to rely on. */
		assert_true(len < sizeof(copy));
		memcpy(copy, key, len);
		copy[len] = '\0';
		int k = atoi(copy + 4);
		assert_int_equal(*(uint64_t *)rn_hmap_val(&m, i), (uint64_t)(k % 7 + 1));
	}
	/* Entries keep insertion order. */
	size_t len;
	assert_memory_equal(rn_hmap_key(&m, 0, &len), "key-0", 5);
	rn_hmap_done(&m);
	assert_int_equal(m.n, 0);
}

static void test_hmap_binary_keys(void **state)
{
	(void)state;
	struct rn_hmap m;
	rn_hmap_init(&m, 8);
	const void *a[2] = { &m, NULL }, *b[2] = { NULL, &m };
	assert_ptr_not_equal(rn_hmap_get(&m, a, sizeof(a)), NULL);
	assert_ptr_not_equal(rn_hmap_get(&m, b, sizeof(b)), NULL);
	assert_ptr_not_equal(rn_hmap_get(&m, a, sizeof(a[0])), NULL);
	assert_int_equal(m.n, 3);
	rn_hmap_done(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes_round_trip),
		cmocka_unit_test(test_json_keeps_valid_utf8_and_escapes_invalid),
		cmocka_unit_test(test_json_null),
		cmocka_unit_test(test_hmap_counts_many_keys),
		cmocka_unit_test(test_hmap_binary_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
