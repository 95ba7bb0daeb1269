// SPDX-License-Identifier: MIT
/* The generated syscall table against the system headers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "decode/syscalls.h"

static void test_numbers_and_names(void **state)
{
	(void)state;
	assert_int_equal(rn_syscall_lookup("read"), SYS_read);
	assert_int_equal(rn_syscall_lookup("openat"), SYS_openat);
	assert_int_equal(rn_syscall_lookup("clone3"), SYS_clone3);
	assert_int_equal(rn_syscall_lookup("nosuchcall"), -ENOENT);
	assert_string_equal(rn_syscall_get(SYS_exit_group)->name, "exit_group");
	assert_null(rn_syscall_get(-1));
	assert_null(rn_syscall_get(100000));
	/* every x86_64 number up to the newest in the headers is named */
	int named = 0;
	for (int i = 0; i < RN_NSYSCALLS; i++)
		named += rn_syscall_get(i) != NULL;
	assert_true(named >= 360);
}

static void test_arg_counts(void **state)
{
	(void)state;
	assert_int_equal(rn_syscall_get(SYS_read)->nargs, 3);
	assert_int_equal(rn_syscall_get(SYS_mmap)->nargs, 6);
	assert_int_equal(rn_syscall_get(SYS_getpid)->nargs, 0);
	assert_int_equal(rn_syscall_get(SYS_clone)->nargs, 5);
}

static void test_classes(void **state)
{
	(void)state;
	unsigned file = rn_syscall_class_lookup("%file");
	assert_int_equal(file, rn_syscall_class_lookup("file"));
	assert_true(rn_syscall_get(SYS_openat)->classes & file);
	assert_false(rn_syscall_get(SYS_read)->classes & file);
	unsigned net = rn_syscall_class_lookup("%net");
	assert_true(net && (rn_syscall_get(SYS_connect)->classes & net));
	assert_true(rn_syscall_get(SYS_execve)->classes & rn_syscall_class_lookup("%process"));
	assert_true(rn_syscall_get(SYS_mmap)->classes & rn_syscall_class_lookup("%memory"));
	assert_true(rn_syscall_get(SYS_newfstatat)->classes & rn_syscall_class_lookup("%%stat"));
	assert_true(rn_syscall_get(SYS_rt_sigaction)->classes & rn_syscall_class_lookup("%signal"));
	assert_int_equal(rn_syscall_class_lookup("%bogus"), 0);
}

static void test_decoders(void **state)
{
	(void)state;
	/* The issue asks for at least the 120 most common syscalls decoded. */
	int decoded = 0;
	for (int i = 0; i < RN_NSYSCALLS; i++)
		decoded += rn_sysent_table[i].name && rn_sysent_table[i].decode;
	print_message("%d syscalls have decoders\n", decoded);
	assert_true(decoded >= 120);
	static const int must[] = { SYS_read,	  SYS_write,   SYS_openat,   SYS_close,
				    SYS_mmap,	  SYS_execve,  SYS_clone,    SYS_socket,
				    SYS_connect,  SYS_rt_sigaction, SYS_futex, SYS_epoll_wait,
				    SYS_newfstatat, SYS_poll,  SYS_ioctl,    SYS_prctl };
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (!rn_sysent_table[must[i]].decode)
			fail_msg("%s has no decoder", rn_sysent_table[must[i]].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_and_names),
		cmocka_unit_test(test_arg_counts),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_decoders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
