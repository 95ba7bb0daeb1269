// SPDX-License-Identifier: MIT
/* What the kernel copies from the traced program's memory for each syscall
 * (bpf event stream): the memory its decoder reads, and no more. A syscall
 * not listed here is decoded from its registers alone, so pointers print as
 * addresses. In/out arguments are captured at both ends (poll's fds),
 * since the exit half may fall back to what entry captured. Sizes are
 * x86_64's. */
#include "backend/bpf/captures.h"

#include <string.h>

#include "decode/syscalls.h"

#define LIM 0 /* max/esz: the -s string limit (strings: one more, and the NUL) */
#define PATHMAX RN_MAX_COPY

/* One capture each: at entry unless the name says exit. */
#define P(a)		  { RN_CAP_STR, a, 0, 0, 0, PATHMAX }
#define CS(a)		  { RN_CAP_STR, a, 0, 0, 0, LIM }
#define IN(a, size)	  { RN_CAP_FIXED, a, 0, 0, 0, size }
#define OUT(a, size)	  { RN_CAP_FIXED, a, 0, 1, 0, size }
#define BUF_IN(a, la)	  { RN_CAP_ARGLEN, a, la, 0, 1, LIM }
#define ARR_IN(a, la, e, m)  { RN_CAP_ARGLEN, a, la, 0, e, m }
#define ARR_OUT(a, la, e, m) { RN_CAP_ARGLEN, a, la, 1, e, m }
#define BUF_RET(a)	  { RN_CAP_RETLEN, a, 0, 1, 1, LIM }
#define RET_OUT(a, e, m)  { RN_CAP_RETLEN, a, 0, 1, e, m }
#define STRV(a)		  { RN_CAP_STRV, a, 0, 0, LIM, RN_MAX_COPY }
#define ADDR_IN(a, la)	  { RN_CAP_ARGLEN, a, la, 0, 1, 128 }
/* The length is read at entry too: decoders show "[128 => 16]". */
#define ADDR_OUT(a, lp)	  IN(lp, 4), { RN_CAP_LENPTR, a, lp, 1, 0, 128 }
#define IOV_IN(a, n)	  { RN_CAP_IOV, a, n, 0, LIM, 0 }
#define IOV_OUT(a, n)	  { RN_CAP_IOV, a, n, 1, LIM, 0 }
#define MSG_IN(a)	  { RN_CAP_MSGHDR, a, 0, 0, LIM, 256 }
#define MSG_OUT(a)	  { RN_CAP_MSGHDR, a, 0, 1, LIM, 256 }
/* A node mask of args[n] bits: the 33 words a default -s shows. */
#define NODES_IN(a, n)	  { RN_CAP_NODEMASK, a, n, 0, 0, 33 * 8 }
#define NODES_OUT(a, n)	  { RN_CAP_NODEMASK, a, n, 1, 0, 33 * 8 }

struct row {
	const char *name;
	struct rn_cap c[RN_CAP_SLOTS];
};

#define STAT 144   /* struct stat */
#define STATFS 120 /* struct statfs */
#define TS 16	   /* struct timespec, timeval */
#define KSA 32	   /* struct kernel_sigaction: handler, flags, restorer, mask */

static const struct row rows[] = {
	{ "open", { P(0) } },
	{ "openat", { P(1) } },
	{ "openat2", { P(1), IN(2, 24) } },
	{ "creat", { P(0) } },
	{ "access", { P(0) } },
	{ "faccessat", { P(1) } },
	{ "faccessat2", { P(1) } },
	/* struct file_handle: its size at entry (for "IN => OUT"), the
	 * handle the kernel wrote at exit (8 bytes + MAX_HANDLE_SZ). */
	{ "set_mempolicy", { NODES_IN(1, 2) } },
	{ "get_mempolicy", { OUT(0, 4), NODES_OUT(1, 2) } },
	{ "mbind", { NODES_IN(3, 4) } },
	{ "name_to_handle_at", { P(1), IN(2, 8), OUT(2, 136), OUT(3, 4) } },
	{ "open_by_handle_at", { IN(1, 136) } },
	{ "stat", { P(0), OUT(1, STAT) } },
	{ "lstat", { P(0), OUT(1, STAT) } },
	{ "fstat", { OUT(1, STAT) } },
	{ "newfstatat", { P(1), OUT(2, STAT) } },
	{ "statx", { P(1), OUT(4, 256) } },
	{ "statfs", { P(0), OUT(1, STATFS) } },
	{ "fstatfs", { OUT(1, STATFS) } },
	{ "readlink", { P(0), BUF_RET(1) } },
	{ "readlinkat", { P(1), BUF_RET(2) } },
	{ "unlink", { P(0) } },
	{ "unlinkat", { P(1) } },
	{ "rmdir", { P(0) } },
	{ "mkdir", { P(0) } },
	{ "mkdirat", { P(1) } },
	{ "chdir", { P(0) } },
	{ "chroot", { P(0) } },
	{ "chmod", { P(0) } },
	{ "fchmodat", { P(1) } },
	{ "chown", { P(0) } },
	{ "lchown", { P(0) } },
	{ "fchownat", { P(1) } },
	{ "truncate", { P(0) } },
	{ "mknod", { P(0) } },
	{ "mknodat", { P(1) } },
	{ "rename", { P(0), P(1) } },
	{ "renameat", { P(1), P(3) } },
	{ "renameat2", { P(1), P(3) } },
	{ "link", { P(0), P(1) } },
	{ "linkat", { P(1), P(3) } },
	{ "symlink", { P(0), P(1) } },
	{ "symlinkat", { P(0), P(2) } },
	{ "utimensat", { P(1), IN(2, 2 * TS) } },
	{ "inotify_add_watch", { P(1) } },
	{ "memfd_create", { P(0) } },
	{ "mount", { P(0), P(1), P(2) } },
	{ "umount2", { P(0) } },
	{ "execve", { P(0), STRV(1), STRV(2) } },
	{ "execveat", { P(1), STRV(2), STRV(3) } },
	{ "getcwd", { RET_OUT(0, 1, PATHMAX) } },
	{ "read", { BUF_RET(1) } },
	{ "pread64", { BUF_RET(1) } },
	{ "write", { BUF_IN(1, 2) } },
	{ "pwrite64", { BUF_IN(1, 2) } },
	{ "readv", { IOV_OUT(1, 2) } },
	{ "preadv", { IOV_OUT(1, 2) } },
	{ "preadv2", { IOV_OUT(1, 2) } },
	{ "writev", { IOV_IN(1, 2) } },
	{ "pwritev", { IOV_IN(1, 2) } },
	{ "pwritev2", { IOV_IN(1, 2) } },
	{ "getrandom", { BUF_RET(0) } },
	{ "recvfrom", { BUF_RET(1), ADDR_OUT(4, 5) } },
	{ "sendto", { BUF_IN(1, 2), ADDR_IN(4, 5) } },
	{ "connect", { ADDR_IN(1, 2) } },
	{ "bind", { ADDR_IN(1, 2) } },
	{ "accept", { ADDR_OUT(1, 2) } },
	{ "accept4", { ADDR_OUT(1, 2) } },
	{ "getsockname", { ADDR_OUT(1, 2) } },
	{ "getpeername", { ADDR_OUT(1, 2) } },
	{ "setsockopt", { ARR_IN(3, 4, 1, 256) } },
	{ "clock_settime", { IN(1, TS) } },
	{ "getcpu", { OUT(0, 4), OUT(1, 4) } },
	{ "getsockopt", { IN(4, 4), { RN_CAP_LENPTR, 3, 4, 1, 0, 64 } } },
	{ "sendmsg", { MSG_IN(1) } },
	{ "recvmsg", { IN(1, 56), MSG_OUT(1) } },
	{ "ioctl", { IN(2, 64), OUT(2, 64) } },
	{ "signalfd", { IN(1, 8) } },
	{ "signalfd4", { IN(1, 8) } },
	{ "rt_sigtimedwait", { IN(0, 8), OUT(1, 128), IN(2, TS) } },
	{ "rt_sigqueueinfo", { IN(2, 128) } },
	{ "rt_tgsigqueueinfo", { IN(3, 128) } },
	{ "timer_create", { IN(1, 64), OUT(2, 4) } },
	{ "timer_settime", { IN(2, 2 * TS), OUT(3, 2 * TS) } },
	{ "timer_gettime", { OUT(1, 2 * TS) } },
	{ "waitid", { OUT(2, 128), OUT(4, 144) } },
	{ "pipe", { OUT(0, 8) } },
	{ "pipe2", { OUT(0, 8) } },
	{ "socketpair", { OUT(3, 8) } },
	{ "poll", { ARR_IN(0, 1, 8, RN_MAX_COPY), ARR_OUT(0, 1, 8, RN_MAX_COPY) } },
	{ "ppoll", { ARR_IN(0, 1, 8, RN_MAX_COPY), ARR_OUT(0, 1, 8, RN_MAX_COPY), IN(2, TS), IN(3, 8) } },
	{ "epoll_wait", { RET_OUT(1, 12, RN_MAX_COPY) } },
	{ "epoll_pwait", { RET_OUT(1, 12, RN_MAX_COPY), IN(4, 8) } },
	{ "epoll_ctl", { IN(3, 12) } },
	{ "nanosleep", { IN(0, TS), OUT(1, TS) } },
	{ "clock_nanosleep", { IN(2, TS), OUT(3, TS) } },
	{ "clock_gettime", { OUT(1, TS) } },
	{ "clock_getres", { OUT(1, TS) } },
	{ "gettimeofday", { OUT(0, TS) } },
	{ "getitimer", { OUT(1, 2 * TS) } },
	{ "setitimer", { IN(1, 2 * TS), OUT(2, 2 * TS) } },
	{ "rt_sigaction", { IN(1, KSA), OUT(2, KSA) } },
	{ "rt_sigprocmask", { IN(1, 8), OUT(2, 8) } },
	{ "rt_sigpending", { OUT(0, 8) } },
	{ "rt_sigsuspend", { IN(0, 8) } },
	{ "sigaltstack", { IN(0, 24), OUT(1, 24) } },
	{ "prlimit64", { IN(2, 16), OUT(3, 16) } },
	{ "getrlimit", { OUT(1, 16) } },
	{ "setrlimit", { IN(1, 16) } },
	{ "getrusage", { OUT(1, 144) } },
	{ "uname", { OUT(0, 390) } },
	{ "sysinfo", { OUT(0, 112) } },
	/* struct perf_event_attr; on E2BIG the kernel rewrites its size */
	{ "perf_event_open", { IN(0, 136), OUT(0, 8) } },
	{ "times", { OUT(0, 32) } },
	{ "wait4", { OUT(1, 4), OUT(3, 144) } },
	{ "sched_getaffinity", { RET_OUT(2, 1, 128) } },
	{ "sched_setaffinity", { ARR_IN(2, 1, 1, 128) } },
	{ "futex", { IN(3, TS) } },
	{ "clone3", { ARR_IN(0, 1, 1, 88) } },
	{ "getresuid", { OUT(0, 4), OUT(1, 4), OUT(2, 4) } },
	{ "getresgid", { OUT(0, 4), OUT(1, 4), OUT(2, 4) } },
	{ "getgroups", { RET_OUT(1, 4, 256) } },
	{ "setgroups", { ARR_IN(1, 0, 4, 256) } },
	/* Lock and owner structures for the commands that take one; for the
	 * others arg 2 is a number, which the kernel then fails to read. */
	{ "fcntl", { IN(2, 32), OUT(2, 32) } },
	{ "splice", { IN(1, 8), OUT(1, 8), IN(3, 8), OUT(3, 8) } },
	{ "tee", { { RN_CAP_NONE, 0, 0, 0, 0, 0 } } },
	{ "vmsplice", { IOV_IN(1, 2) } },
	{ "sendfile", { IN(2, 8), OUT(2, 8) } },
	{ "copy_file_range", { IN(1, 8), OUT(1, 8), IN(3, 8), OUT(3, 8) } },
	{ "select", { IN(1, 128), IN(2, 128), IN(3, 128), IN(4, TS), OUT(1, 128), OUT(2, 128),
		      OUT(3, 128), OUT(4, TS) } },
	{ "pselect6", { IN(1, 128), IN(2, 128), IN(3, 128), IN(4, TS), OUT(1, 128), OUT(2, 128),
			OUT(3, 128), OUT(4, TS) } },
	{ "epoll_pwait2", { RET_OUT(1, 12, RN_MAX_COPY), IN(3, TS), IN(4, 8) } },
	{ "timerfd_settime", { IN(2, 2 * TS), OUT(3, 2 * TS) } },
	{ "timerfd_gettime", { OUT(1, 2 * TS) } },
	{ "getdents64", { RET_OUT(1, 1, RN_MAX_COPY) } },
};

int rn_bpf_captures(unsigned string_limit, struct rn_capspec *spec, size_t nspec)
{
	/* Strings: the decoder reads one byte more than it shows, to tell a
	 * cut string; the kernel keeps one more for the NUL. */
	unsigned slim = string_limit + 2, blim = string_limit;
	if (slim > RN_MAX_COPY)
		slim = RN_MAX_COPY;
	if (blim > RN_MAX_COPY)
		blim = RN_MAX_COPY;
	memset(spec, 0, nspec * sizeof(*spec));
	int n = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int nr = rn_syscall_lookup(rows[i].name);
		if (nr < 0 || (size_t)nr >= nspec)
			continue;
		for (int k = 0; k < RN_CAP_SLOTS; k++) {
			struct rn_cap c = rows[i].c[k];
			switch (c.kind) {
			case RN_CAP_STR:
				if (c.max == LIM)
					c.max = (__u16)slim;
				break;
			case RN_CAP_ARGLEN:
			case RN_CAP_RETLEN:
				if (c.max == LIM)
					c.max = (__u16)blim;
				break;
			case RN_CAP_STRV:
				if (c.esz == LIM)
					c.esz = (__u16)slim;
				break;
			case RN_CAP_IOV:
			case RN_CAP_MSGHDR:
				if (c.esz == LIM)
					c.esz = (__u16)blim;
				break;
			default:
				break;
			}
			spec[nr].c[k] = c;
		}
		n++;
	}
	return n;
}
