// SPDX-License-Identifier: MIT
#include "decode/syscalls.h"

#include <errno.h>
#include <string.h>

const struct rn_sysent *rn_syscall_get(long nr)
{
	if (nr < 0 || nr >= RN_NSYSCALLS || !rn_sysent_table[nr].name)
		return NULL;
	return &rn_sysent_table[nr];
}

int rn_syscall_lookup(const char *name)
{
	for (int i = 0; i < RN_NSYSCALLS; i++)
		if (rn_sysent_table[i].name && strcmp(rn_sysent_table[i].name, name) == 0)
			return i;
	return -ENOENT;
}

static const struct {
	const char *name;
	unsigned bit;
} class_names[] = RN_TC_NAMES_INIT;

unsigned rn_syscall_class_lookup(const char *name)
{
	/* strace accepts "%file" and the older bare "file"; "%net" is "%network". */
	if (name[0] == '%')
		name++; /* "%%stat" names the class we call "%stat" */
	if (strcmp(name, "net") == 0)
		name = "network";
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (strcmp(class_names[i].name, name) == 0)
			return class_names[i].bit;
	return 0;
}
