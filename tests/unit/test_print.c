// SPDX-License-Identifier: MIT
/* The printing vocabulary: escaping, truncation, flags, signal sets, and
 * reading memory (from this process, which process_vm_readv allows). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode/decode.h"

struct ctx {
	struct rn_buf out, rx;
	uint32_t off[RN_MAX_ARGS + 1];
	unsigned narg;
	struct rn_decode_opts o;
	struct rn_dctx d;
};

static void ctx_init(struct ctx *c, unsigned slimit)
{
	memset(c, 0, sizeof(*c));
	c->o.string_limit = slimit;
	c->o.abbrev_limit = 32;
	c->d.pid = getpid();
	c->d.out = &c->out;
	c->d.rx = &c->rx;
	c->d.arg_off = c->off;
	c->d.narg = &c->narg;
	c->d.o = &c->o;
}

static void ctx_done(struct ctx *c)
{
	rn_buf_done(&c->out);
	rn_buf_done(&c->rx);
}

static void expect(struct ctx *c, const char *want)
{
	assert_string_equal(c->out.p ? c->out.p : "", want);
	rn_buf_reset(&c->out);
}

static void test_quoting(void **state)
{
	(void)state;
	struct ctx c;
	ctx_init(&c, 32);
	rn_put_quoted(&c.d, (const unsigned char *)"a\"b\\c\n\t", 7, false);
	expect(&c, "\"a\\\"b\\\\c\\n\\t\"");
	/* octal: shortest form, but three digits before an octal digit */
	rn_put_quoted(&c.d, (const unsigned char *)"\0\0011\377x", 5, false);
	expect(&c, "\"\\0\\0011\\377x\"");
	rn_put_quoted(&c.d, (const unsigned char *)"abc", 3, true);
	expect(&c, "\"abc\"...");
	ctx_done(&c);
}

static void test_strings_from_memory(void **state)
{
	(void)state;
	struct ctx c;
	static const char msg[] = "hello, world";
	ctx_init(&c, 5);
	rn_put_str(&c.d, (uint64_t)(uintptr_t)msg, 12);
	expect(&c, "\"hello\"...");
	rn_put_str(&c.d, (uint64_t)(uintptr_t)msg, 5);
	expect(&c, "\"hello\"");
	rn_put_cstr(&c.d, (uint64_t)(uintptr_t)msg);
	expect(&c, "\"hello\"...");
	rn_put_path(&c.d, (uint64_t)(uintptr_t)msg); /* paths ignore -s */
	expect(&c, "\"hello, world\"");
	rn_put_str(&c.d, 0, 4);
	expect(&c, "NULL");
	/* an unmapped address prints as the address */
	rn_put_cstr(&c.d, 0x10);
	expect(&c, "0x10");
	c.d.failed = true;
	rn_put_str_out(&c.d, 0x1234, -1);
	expect(&c, "0x1234");
	ctx_done(&c);
}

static const struct rn_xlat_entry fl_e[] = { { 1, "A" }, { 2, "B" }, { 8, "D" } };
static const struct rn_xlat fl = { fl_e, 3, RN_XLAT_FLAGS };

static void test_flags_and_values(void **state)
{
	(void)state;
	struct ctx c;
	ctx_init(&c, 32);
	rn_put_flags(&c.d, &fl, 1 | 8, "0");
	expect(&c, "A|D");
	rn_put_flags(&c.d, &fl, 2 | 0x40, "0");
	expect(&c, "B|0x40");
	rn_put_flags(&c.d, &fl, 0, "X_???");
	expect(&c, "0");
	rn_put_flags(&c.d, &fl, 0x40, "X_???");
	expect(&c, "0x40 /* X_??? */");
	rn_put_flags(&c.d, &fl, 0x40, NULL);
	expect(&c, "0x40");
	rn_put_xval(&c.d, &fl, 8, "X_???");
	expect(&c, "D");
	rn_put_xval(&c.d, &fl, 5, "X_???");
	expect(&c, "0x5 /* X_??? */");
	rn_put_dirfd(&c.d, (uint64_t)-100);
	expect(&c, "AT_FDCWD");
	rn_put_ptr(&c.d, 0);
	expect(&c, "NULL");
	ctx_done(&c);
}

static void test_sigset(void **state)
{
	(void)state;
	struct ctx c;
	ctx_init(&c, 32);
	uint64_t set = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
	rn_put_sigset(&c.d, &set, sizeof(set));
	expect(&c, "[INT TERM]");
	set = (1ull << 41) - 1; /* 41 of 64: below two thirds, printed as is */
	rn_put_sigset(&c.d, &set, sizeof(set));
	assert_true(c.out.p[0] == '[');
	rn_buf_reset(&c.out);
	set = ~((1ull << 31) | (1ull << 32)); /* all but RTMIN and RT_1 */
	rn_put_sigset(&c.d, &set, sizeof(set));
	expect(&c, "~[RTMIN RT_1]");
	set = 0;
	rn_put_sigset(&c.d, &set, sizeof(set));
	expect(&c, "[]");
	ctx_done(&c);
}

static void test_errno_and_result(void **state)
{
	(void)state;
	struct ctx c;
	struct rn_buf rval = { 0 };
	ctx_init(&c, 32);
	assert_string_equal(rn_errno_name(2), "ENOENT");
	c.d.exiting = true;
	c.d.failed = true;
	c.d.ret = -2;
	rn_decode_exit(&c.d, false, &rval);
	assert_string_equal(rval.p, "-1 ENOENT (No such file or directory)");
	c.d.ret = -512;
	rn_decode_exit(&c.d, false, &rval);
	assert_string_equal(rval.p, "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
	c.d.failed = false;
	c.d.ret = 0x7f0000001000;
	c.d.rval = RN_RVAL_HEX;
	rn_decode_exit(&c.d, false, &rval);
	assert_string_equal(rval.p, "0x7f0000001000");
	rn_buf_done(&rval);
	ctx_done(&c);
}

/* Captured memory (the bpf stream): the newest capture wins, unless it
 * holds less than the read asks for and an older one holds it all. */
static void test_snapshot_reads(void **state)
{
	(void)state;
	unsigned char entry[64], exitb[8], buf[64];
	memset(entry, 'e', sizeof(entry));
	memset(exitb, 'x', sizeof(exitb));
	const uint64_t at = 0x10000;
	struct rn_memblob eb = {at, entry, sizeof(entry)}, xb = {at, exitb, sizeof(exitb)};
	struct rn_memsnap old = {&eb, 1, NULL}, now = {&xb, 1, &old};
	rn_mem_use_snapshot(&now);
	assert_int_equal(rn_mem_read(1, at, buf, 8), 0);
	assert_memory_equal(buf, exitb, 8); /* what the call left */
	assert_int_equal(rn_mem_read(1, at + 4, buf, 4), 0);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(rn_mem_read(1, at, buf, 40), 0);
	assert_memory_equal(buf, entry, 40); /* only entry holds 40 bytes */
	assert_int_equal(rn_mem_read(1, at, buf, 65), -EFAULT);
	assert_int_equal(rn_mem_read_partial(1, at, buf, 65), 64);
	assert_int_equal(rn_mem_read(1, at + 64, buf, 1), -EFAULT);
	rn_mem_use_snapshot(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),	       cmocka_unit_test(test_strings_from_memory),
		cmocka_unit_test(test_flags_and_values), cmocka_unit_test(test_sigset),
		cmocka_unit_test(test_errno_and_result), cmocka_unit_test(test_snapshot_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
