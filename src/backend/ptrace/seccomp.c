// SPDX-License-Identifier: MIT
/* Filter push-down: a classic BPF program so the kernel stops the tracee
 * only on syscalls the user asked for; everything else runs at native speed.
 * The program compares the syscall number against whichever of the traced or
 * untraced sets is smaller. */
#include "backend/ptrace/ptrace.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "decode/syscalls.h"
#include "filter/filter.h"

int rn_seccomp_install(const struct rn_filter *f)
{
	size_t ntraced = 0;
	for (long i = 0; i < RN_NSYSCALLS; i++)
		ntraced += rn_filter_match(f, i);
	bool list_traced = ntraced <= RN_NSYSCALLS / 2;
	size_t nlist = list_traced ? ntraced : RN_NSYSCALLS - ntraced;
	/* arch check (3) + load nr (1) + list + 2 returns + out-of-table check (1) */
	size_t cap = nlist + 8;
	struct sock_filter *prog = calloc(cap, sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	uint32_t hit = list_traced ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW;
	uint32_t miss = list_traced ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRACE;
	uint32_t beyond = rn_filter_match(f, RN_NSYSCALLS) ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW;
	size_t n = 0;
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	/* Other ABIs (i386 via int 0x80) are not decoded: let them run. */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	/* Numbers past the table (x32 has bit 30 set) take the "beyond" verdict. */
	size_t list_start = n + 1;
	size_t hit_at = list_start + nlist + 1; /* after the list and the miss return */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, RN_NSYSCALLS,
						 (uint8_t)0, 0); /* patched below */
	for (long i = 0; i < RN_NSYSCALLS; i++) {
		if (rn_filter_match(f, i) != list_traced)
			continue;
		size_t jt = hit_at - (n + 1);
		if (jt > 255) {
			/* Too far for an 8-bit jump: fall back to trace-all. */
			free(prog);
			return -E2BIG;
		}
		prog[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)i, (uint8_t)jt, 0);
		n++;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, miss);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, hit);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, beyond);
	/* The range check jumps to the last return. */
	prog[list_start - 1].jt = (uint8_t)((n - 1) - list_start);
	if ((n - 1) - list_start > 255) {
		/* Long list: put the beyond-check result through the miss path
		 * instead (numbers past the table are not real syscalls). */
		prog[list_start - 1].jt = 0;
	}
	struct sock_fprog fprog = { (unsigned short)n, prog };
	int r = 0;
	/* Root may install without no_new_privs, which would otherwise stop
	 * setuid programs from gaining privileges under the tracer. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
			r = -errno;
	}
	free(prog);
	return r;
}
