// SPDX-License-Identifier: MIT
/* Process family: clone and wait, exit, ids, resource limits, scheduling,
 * prctl and arch_prctl, capabilities. Formats follow strace's: pids and ids
 * in decimal (-1 for an unset id), numbers a call writes back in brackets
 * ([0]), limits as 8192*1024 or RLIM64_INFINITY. */
#include "decode/decode.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xlat_tables.h"

/* Bit flags the way strace prints them: "0" for nothing, names joined by
 * '|' with leftover bits in hex, "0x.. / * dflt * /" when no name applies.
 * x2 (may be NULL) is searched after x. */
static void put_flags2(struct rn_dctx *d, const struct rn_xlat *x, const struct rn_xlat *x2,
		       uint64_t val, const char *dflt)
{
	const struct rn_xlat *tabs[2] = { x, x2 };
	unsigned n = 0;
	for (size_t t = 0; t < 2 && tabs[t]; t++) {
		for (size_t i = 0; i < tabs[t]->n && (val || !n); i++) {
			uint64_t v = tabs[t]->e[i].val;
			if (v == val || (v && (val & v) == v)) {
				if (n++)
					rn_put(d, "|");
				rn_put(d, tabs[t]->e[i].name);
				val &= ~v;
			}
			if (!val)
				break;
		}
	}
	if (n) {
		if (val)
			rn_putf(d, "|%#llx", (unsigned long long)val);
	} else if (val) {
		rn_putf(d, "%#llx /* %s */", (unsigned long long)val, dflt);
	} else {
		rn_put(d, "0");
	}
}

/* Flags as a number with the names in a comment, strace's verbose style:
 * 0x3 / * XFEATURE_MASK_FPSSE * /. */
static void put_flags_verbose(struct rn_dctx *d, const struct rn_xlat *x, uint64_t val,
			      const char *dflt)
{
	bool known = false;
	if (!val) {
		rn_put(d, "0");
		return;
	}
	for (size_t i = 0; i < x->n && !known; i++)
		known = x->e[i].val && (val & x->e[i].val) == x->e[i].val;
	rn_put_x(d, val);
	if (!known) {
		rn_putf(d, " /* %s */", dflt);
		return;
	}
	rn_put(d, " /* ");
	rn_put_flags(d, x, val, dflt);
	rn_put(d, " */");
}

/* Read an object; prints the address (or NULL) instead when it cannot be
 * read or, at exit, the call failed. */
static bool fetch(struct rn_dctx *d, uint64_t addr, void *obj, size_t size)
{
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return false;
	}
	return rn_fetch_or_addr(d, addr, obj, size);
}

static void put_id(struct rn_dctx *d, uint64_t id)
{
	if ((uint32_t)id == UINT32_MAX)
		rn_put(d, "-1");
	else
		rn_put_u(d, (uint32_t)id);
}

static void put_int(struct rn_dctx *d, uint64_t v)
{
	rn_put_d(d, (int)v);
}

/* [N]: an int the call reads or writes. */
static void put_num_int(struct rn_dctx *d, uint64_t addr, bool is_unsigned)
{
	int32_t v;
	if (!fetch(d, addr, &v, sizeof(v)))
		return;
	if (is_unsigned)
		rn_putf(d, "[%u]", (uint32_t)v);
	else
		rn_putf(d, "[%d]", v);
}

/* [0x...]: a pointer the call writes. */
static void put_num_ptr(struct rn_dctx *d, uint64_t addr)
{
	uint64_t v;
	if (!fetch(d, addr, &v, sizeof(v)))
		return;
	rn_put(d, "[");
	rn_put_ptr(d, v);
	rn_put(d, "]");
}

/* A NUL-terminated string of at most len bytes (a task name): "..." when
 * there is no NUL within what was read. */
static void put_strn0(struct rn_dctx *d, uint64_t addr, size_t len)
{
	unsigned char buf[64];
	size_t size = len < d->o->string_limit ? len : d->o->string_limit;
	if (size > sizeof(buf))
		size = sizeof(buf);
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (rn_mem_read(d->pid, addr, buf, size) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	unsigned char *nul = memchr(buf, '\0', size);
	if (nul)
		rn_put_quoted(d, buf, (size_t)(nul - buf), false);
	else
		rn_put_quoted(d, buf, size, size != 0);
}

/* --- clone --- */

#define CSIGNAL_MASK 0xffull
#define F_CLONE_PIDFD 0x00001000ull
#define F_CLONE_SETTLS 0x00080000ull
#define F_CLONE_PARENT_SETTID 0x00100000ull
#define F_CLONE_CHILD_CLEARTID 0x00200000ull
#define F_CLONE_CHILD_SETTID 0x01000000ull
#define F_CLONE_INTO_CGROUP 0x200000000ull

RN_SYS_FUNC(clone)
{
	/* x86_64 order: flags, stack, parent_tid, child_tid, tls. */
	uint64_t flags = d->args[0] & ~CSIGNAL_MASK;
	if (!d->exiting) {
		unsigned sig = (unsigned)(d->args[0] & CSIGNAL_MASK);
		rn_put(d, "child_stack=");
		rn_put_ptr(d, d->args[1]);
		rn_sep(d);
		rn_put(d, "flags=");
		if (flags) {
			rn_put_flags(d, &rn_xlat_proc_clone_flags, flags, "CLONE_???");
			if (sig) {
				rn_put(d, "|");
				rn_put_signo(d, sig);
			}
		} else {
			rn_put_signo(d, sig);
		}
		if (!(flags & (F_CLONE_PARENT_SETTID | F_CLONE_PIDFD | F_CLONE_CHILD_SETTID |
			       F_CLONE_CHILD_CLEARTID | F_CLONE_SETTLS)))
			return RN_DEC_DONE;
		return 0;
	}
	if (flags & (F_CLONE_PARENT_SETTID | F_CLONE_PIDFD)) {
		rn_sep(d);
		rn_put(d, "parent_tid=");
		put_num_int(d, d->args[2], false);
	}
	if (flags & F_CLONE_SETTLS) {
		rn_sep(d);
		rn_put(d, "tls=");
		rn_put_ptr(d, d->args[4]);
	}
	if (flags & (F_CLONE_CHILD_SETTID | F_CLONE_CHILD_CLEARTID)) {
		rn_sep(d);
		rn_put(d, "child_tidptr=");
		rn_put_ptr(d, d->args[3]);
	}
	return 0;
}

struct k_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

#define CLONE_ARGS_MIN offsetof(struct k_clone_args, set_tid)

static void put_clone_args(struct rn_dctx *d, const struct k_clone_args *a, size_t size)
{
	rn_put(d, "{flags=");
	put_flags2(d, &rn_xlat_proc_clone_flags, &rn_xlat_proc_clone3_flags, a->flags, "CLONE_???");
	if (a->flags & F_CLONE_PIDFD) {
		rn_put(d, ", pidfd=");
		rn_put_ptr(d, a->pidfd);
	}
	if (a->flags & (F_CLONE_CHILD_SETTID | F_CLONE_CHILD_CLEARTID)) {
		rn_put(d, ", child_tid=");
		rn_put_ptr(d, a->child_tid);
	}
	if (a->flags & F_CLONE_PARENT_SETTID) {
		rn_put(d, ", parent_tid=");
		rn_put_ptr(d, a->parent_tid);
	}
	rn_put(d, ", exit_signal=");
	if (a->exit_signal < INT_MAX)
		rn_put_signo(d, a->exit_signal);
	else
		rn_put_u(d, a->exit_signal);
	rn_put(d, ", stack=");
	rn_put_ptr(d, a->stack);
	rn_put(d, ", stack_size=");
	rn_put_x(d, a->stack_size);
	if (a->flags & F_CLONE_SETTLS) {
		rn_put(d, ", tls=");
		rn_put_ptr(d, a->tls);
	}
	if (a->set_tid || a->set_tid_size) {
		rn_put(d, ", set_tid=");
		if (!a->set_tid || !a->set_tid_size || a->set_tid_size > 32) {
			rn_put_ptr(d, a->set_tid);
		} else {
			int32_t tids[32];
			size_t n = (size_t)a->set_tid_size;
			if (rn_mem_read(d->pid, a->set_tid, tids, n * sizeof(tids[0])) < 0) {
				rn_put_ptr(d, a->set_tid);
			} else {
				rn_put(d, "[");
				for (size_t i = 0; i < n; i++)
					rn_putf(d, "%s%d", i ? ", " : "", tids[i]);
				rn_put(d, "]");
			}
		}
		rn_putf(d, ", set_tid_size=%llu", (unsigned long long)a->set_tid_size);
	}
	if (size > offsetof(struct k_clone_args, cgroup) &&
	    (a->cgroup || (a->flags & F_CLONE_INTO_CGROUP)))
		rn_putf(d, ", cgroup=%llu", (unsigned long long)a->cgroup);
	rn_put(d, "}");
}

RN_SYS_FUNC(clone3)
{
	struct k_clone_args a;
	uint64_t size = d->args[1];
	size_t fsize = size < sizeof(a) ? (size_t)size : sizeof(a);
	memset(&a, 0, sizeof(a));
	if (!d->exiting) {
		if (fsize < CLONE_ARGS_MIN) {
			rn_put_ptr(d, d->args[0]);
		} else if (rn_fetch_or_addr(d, d->args[0], &a, fsize)) {
			put_clone_args(d, &a, fsize);
			/* The parent's copies of the new pid and pidfd show at exit. */
			if (a.flags & (F_CLONE_PIDFD | F_CLONE_PARENT_SETTID))
				return 0;
		}
		rn_sep(d);
		rn_put_u(d, size);
		return RN_DEC_DONE;
	}
	if (!d->failed) {
		if (rn_mem_read(d->pid, d->args[0], &a, fsize) < 0) {
			rn_put(d, " => ");
			rn_put_ptr(d, d->args[0]);
		} else {
			rn_put(d, " => {");
			if (a.flags & F_CLONE_PIDFD) {
				rn_put(d, "pidfd=");
				put_num_int(d, a.pidfd, false);
			}
			if (a.flags & F_CLONE_PARENT_SETTID) {
				if (a.flags & F_CLONE_PIDFD)
					rn_put(d, ", ");
				rn_put(d, "parent_tid=");
				put_num_int(d, a.parent_tid, false);
			}
			rn_put(d, "}");
		}
	}
	rn_sep(d);
	rn_put_u(d, size);
	return 0;
}

RN_SYS_FUNC(unshare)
{
	rn_put_flags(d, &rn_xlat_proc_unshare_flags, d->args[0], "CLONE_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(setns)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_proc_setns_types, (uint32_t)d->args[1], "CLONE_NEW???");
	return RN_DEC_DONE;
}

/* --- exit and wait --- */

RN_SYS_FUNC(exit)
{
	put_int(d, d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(exit_group)
{
	put_int(d, d->args[0]);
	return RN_DEC_DONE;
}

static void put_timeval(struct rn_dctx *d, const struct timeval *tv)
{
	rn_putf(d, "{tv_sec=%lld, tv_usec=%llu}", (long long)tv->tv_sec,
		(unsigned long long)tv->tv_usec);
}

static void put_rusage_at(struct rn_dctx *d, uint64_t addr)
{
	struct rusage ru;
	if (!fetch(d, addr, &ru, sizeof(ru)))
		return;
	/* strace abbreviates after the times unless -v. */
	rn_put(d, "{ru_utime=");
	put_timeval(d, &ru.ru_utime);
	rn_put(d, ", ru_stime=");
	put_timeval(d, &ru.ru_stime);
	rn_put(d, ", ...}");
}

/* A wait status as the macros that would decode it. */
static void put_wait_status(struct rn_dctx *d, int status)
{
	char tmp[16];
	const char *n;
	rn_put(d, "[");
	if (WIFSTOPPED(status)) {
		int sig = WSTOPSIG(status);
		n = rn_signal_name(sig & 0x7f, tmp, sizeof(tmp));
		rn_put(d, "{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		if (n)
			rn_put(d, n);
		else
			rn_put_d(d, sig & 0x7f);
		rn_put(d, (sig & 0x80) ? " | 0x80}" : "}");
		status &= ~W_STOPCODE(sig);
	} else if (WIFSIGNALED(status)) {
		n = rn_signal_name(WTERMSIG(status), tmp, sizeof(tmp));
		rn_put(d, "{WIFSIGNALED(s) && WTERMSIG(s) == ");
		if (n)
			rn_put(d, n);
		else
			rn_put_d(d, WTERMSIG(status));
		rn_put(d, WCOREDUMP(status) ? " && WCOREDUMP(s)}" : "}");
		status &= ~(W_EXITCODE(0, WTERMSIG(status)) | WCOREFLAG);
	} else if (WIFEXITED(status)) {
		rn_putf(d, "{WIFEXITED(s) && WEXITSTATUS(s) == %d}", WEXITSTATUS(status));
		status &= ~W_EXITCODE(WEXITSTATUS(status), 0);
	} else if (WIFCONTINUED(status)) {
		rn_put(d, "{WIFCONTINUED(s)}");
		status &= ~0xffff;
	} else {
		rn_put_x(d, (uint32_t)status);
		rn_put(d, "]");
		return;
	}
	if (status) {
		unsigned event = (unsigned)status >> 16;
		if (event) {
			rn_put(d, " | ");
			rn_put_xval(d, &rn_xlat_proc_ptrace_events, event, "PTRACE_EVENT_???");
			rn_put(d, " << 16");
			status &= 0xffff;
		}
		if (status) {
			rn_put(d, " | ");
			rn_put_x(d, (uint32_t)status);
		}
	}
	rn_put(d, "]");
}

RN_SYS_FUNC(wait4)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	int status;
	if (d->ret == 0)
		rn_put_ptr(d, d->args[1]);
	else if (fetch(d, d->args[1], &status, sizeof(status)))
		put_wait_status(d, status);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_proc_wait_options, (uint32_t)d->args[2], "W???");
	rn_sep(d);
	if (d->ret > 0)
		put_rusage_at(d, d->args[3]);
	else
		rn_put_ptr(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(waitid)
{
	if (!d->exiting) {
		uint32_t idtype = (uint32_t)d->args[0];
		rn_put_xval(d, &rn_xlat_proc_waitid_types, idtype, "P_???");
		rn_sep(d);
		if (idtype == 3) /* P_PIDFD */
			rn_put_fd(d, d->args[1]);
		else
			put_int(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	siginfo_t si;
	if (fetch(d, d->args[2], &si, sizeof(si)))
		rn_decode_siginfo(d, &si);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_proc_wait_options, (uint32_t)d->args[3], "W???");
	rn_sep(d);
	put_rusage_at(d, d->args[4]);
	return 0;
}

/* --- thread bookkeeping --- */

RN_SYS_FUNC(set_tid_address)
{
	rn_put_ptr(d, d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(set_robust_list)
{
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(get_robust_list)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_num_ptr(d, d->args[1]);
	rn_sep(d);
	uint64_t len;
	if (fetch(d, d->args[2], &len, sizeof(len)))
		rn_putf(d, "[%llu]", (unsigned long long)len);
	return 0;
}

/* --- process groups, sessions, ids --- */

RN_SYS_FUNC(setpgid)
{
	put_int(d, d->args[0]);
	rn_sep(d);
	put_int(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(getpgid)
{
	put_int(d, d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(getsid)
{
	put_int(d, d->args[0]);
	return RN_DEC_DONE;
}

static int put_ids(struct rn_dctx *d, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (i)
			rn_sep(d);
		put_id(d, d->args[i]);
	}
	return RN_DEC_DONE;
}

RN_SYS_FUNC(setuid)
{
	return put_ids(d, 1);
}

RN_SYS_FUNC(setgid)
{
	return put_ids(d, 1);
}

RN_SYS_FUNC(setfsuid)
{
	return put_ids(d, 1);
}

RN_SYS_FUNC(setfsgid)
{
	return put_ids(d, 1);
}

RN_SYS_FUNC(setreuid)
{
	return put_ids(d, 2);
}

RN_SYS_FUNC(setregid)
{
	return put_ids(d, 2);
}

RN_SYS_FUNC(setresuid)
{
	return put_ids(d, 3);
}

RN_SYS_FUNC(setresgid)
{
	return put_ids(d, 3);
}

static int get_ids(struct rn_dctx *d)
{
	if (!d->exiting)
		return 0;
	for (unsigned i = 0; i < 3; i++) {
		uint32_t id;
		if (i)
			rn_sep(d);
		if (fetch(d, d->args[i], &id, sizeof(id))) {
			rn_put(d, "[");
			put_id(d, id);
			rn_put(d, "]");
		}
	}
	return 0;
}

RN_SYS_FUNC(getresuid)
{
	return get_ids(d);
}

RN_SYS_FUNC(getresgid)
{
	return get_ids(d);
}

/* An array of len ids, cut after -s elements as strace does. */
static void put_groups(struct rn_dctx *d, uint64_t len, uint64_t addr)
{
	static long ngroups_max;
	if (!ngroups_max)
		ngroups_max = sysconf(_SC_NGROUPS_MAX);
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (len > (uint64_t)ngroups_max) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!len) {
		rn_put(d, "[]");
		return;
	}
	for (uint64_t i = 0; i < len; i++) {
		uint32_t gid;
		if (i)
			rn_put(d, ", ");
		if (rn_mem_read(d->pid, addr + i * sizeof(gid), &gid, sizeof(gid)) < 0) {
			if (!i) {
				rn_put_ptr(d, addr);
				return;
			}
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * sizeof(gid)));
			break;
		}
		if (!i)
			rn_put(d, "[");
		if (i >= d->o->string_limit) {
			rn_put(d, "...");
			break;
		}
		put_id(d, gid);
	}
	rn_put(d, "]");
}

RN_SYS_FUNC(setgroups)
{
	int len = (int)d->args[0];
	rn_put_d(d, len);
	rn_sep(d);
	put_groups(d, (uint32_t)len, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(getgroups)
{
	if (!d->exiting) {
		rn_put_d(d, (int)d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_groups(d, (uint32_t)d->ret, d->args[1]);
	return 0;
}

/* --- capabilities --- */

struct k_cap_header {
	uint32_t version;
	int32_t pid;
};

struct k_cap_data {
	uint32_t effective, permitted, inheritable;
};

static void put_cap_header(struct rn_dctx *d, uint64_t addr, const struct k_cap_header *h)
{
	if (!addr || !h) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put(d, "{version=");
	rn_put_xval(d, &rn_xlat_proc_cap_version, h->version, "_LINUX_CAPABILITY_VERSION_???");
	rn_putf(d, ", pid=%d}", h->pid);
}

/* One 32-bit word of a capability set: 1<<CAP_CHOWN|1<<CAP_KILL. */
static void put_cap_word(struct rn_dctx *d, uint32_t w, unsigned base)
{
	unsigned n = 0;
	if (!w) {
		rn_put(d, "0");
		return;
	}
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(w & (1u << bit)))
			continue;
		const char *name = rn_xlat_lookup(&rn_xlat_proc_caps, base + bit);
		if (!name)
			continue;
		rn_putf(d, "%s1<<%s", n++ ? "|" : "", name);
		w &= ~(1u << bit);
	}
	if (n && w)
		rn_putf(d, "|%#x", w);
	else if (w)
		rn_putf(d, "%#x /* CAP_??? */", w);
}

static void put_cap_bits(struct rn_dctx *d, uint32_t lo, uint32_t hi)
{
	if (lo || !hi)
		put_cap_word(d, lo, 0);
	if (hi) {
		if (lo)
			rn_put(d, "|");
		put_cap_word(d, hi, 32);
	}
}

static void put_cap_data(struct rn_dctx *d, uint64_t addr, const struct k_cap_header *h)
{
	struct k_cap_data data[2];
	unsigned len;
	if (!addr || !h) {
		rn_put_ptr(d, addr);
		return;
	}
	len = (h->version == 0x20071026 || h->version == 0x20080522) ? 2 : 1;
	memset(data, 0, sizeof(data));
	if (!fetch(d, addr, data, len * sizeof(data[0])))
		return;
	rn_put(d, "{effective=");
	put_cap_bits(d, data[0].effective, data[1].effective);
	rn_put(d, ", permitted=");
	put_cap_bits(d, data[0].permitted, data[1].permitted);
	rn_put(d, ", inheritable=");
	put_cap_bits(d, data[0].inheritable, data[1].inheritable);
	rn_put(d, "}");
}

static const struct k_cap_header *get_cap_header(struct rn_dctx *d, uint64_t addr,
						 struct k_cap_header *h)
{
	if (!addr || rn_mem_read(d->pid, addr, h, sizeof(*h)) < 0)
		return NULL;
	return h;
}

RN_SYS_FUNC(capget)
{
	struct k_cap_header hb;
	if (!d->exiting) {
		put_cap_header(d, d->args[0], get_cap_header(d, d->args[0], &hb));
		rn_sep(d);
		return 0;
	}
	put_cap_data(d, d->args[1], d->failed ? NULL : get_cap_header(d, d->args[0], &hb));
	return 0;
}

RN_SYS_FUNC(capset)
{
	struct k_cap_header hb;
	const struct k_cap_header *h = get_cap_header(d, d->args[0], &hb);
	put_cap_header(d, d->args[0], h);
	rn_sep(d);
	put_cap_data(d, d->args[1], h);
	return RN_DEC_DONE;
}

/* --- resources --- */

static void put_rlim(struct rn_dctx *d, uint64_t v)
{
	if (v == UINT64_MAX)
		rn_put(d, "RLIM64_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		rn_putf(d, "%llu*1024", (unsigned long long)(v / 1024));
	else
		rn_put_u(d, v);
}

static void put_rlimit_at(struct rn_dctx *d, uint64_t addr)
{
	uint64_t r[2];
	if (!fetch(d, addr, r, sizeof(r)))
		return;
	rn_put(d, "{rlim_cur=");
	put_rlim(d, r[0]);
	rn_put(d, ", rlim_max=");
	put_rlim(d, r[1]);
	rn_put(d, "}");
}

RN_SYS_FUNC(getrlimit)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_proc_rlimits, d->args[0], "RLIMIT_???");
		rn_sep(d);
		return 0;
	}
	put_rlimit_at(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(setrlimit)
{
	rn_put_xval(d, &rn_xlat_proc_rlimits, d->args[0], "RLIMIT_???");
	rn_sep(d);
	put_rlimit_at(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(prlimit64)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_rlimits, d->args[1], "RLIMIT_???");
		rn_sep(d);
		put_rlimit_at(d, d->args[2]);
		rn_sep(d);
		return 0;
	}
	put_rlimit_at(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(getrusage)
{
	if (!d->exiting) {
		/* An int: RUSAGE_CHILDREN is -1 however the caller extended it. */
		rn_put_xval(d, &rn_xlat_proc_rusage_who, (uint64_t)(int64_t)(int)d->args[0],
			    "RUSAGE_???");
		rn_sep(d);
		return 0;
	}
	put_rusage_at(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(getpriority)
{
	rn_put_xval(d, &rn_xlat_proc_prio_which, d->args[0], "PRIO_???");
	rn_sep(d);
	put_int(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(setpriority)
{
	rn_put_xval(d, &rn_xlat_proc_prio_which, d->args[0], "PRIO_???");
	rn_sep(d);
	put_int(d, d->args[1]);
	rn_sep(d);
	put_int(d, d->args[2]);
	return RN_DEC_DONE;
}

/* --- I/O priority --- */

/* IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4): the class above bit 13, the data
 * below. */
static void put_ioprio(struct rn_dctx *d, uint64_t v)
{
	rn_put(d, "IOPRIO_PRIO_VALUE(");
	rn_put_xval(d, &rn_xlat_proc_ioprio_class, (v & 0xffff) >> 13, "IOPRIO_CLASS_???");
	rn_putf(d, ", %u)", (unsigned)(v & 0x1fff));
}

RN_SYS_FUNC(ioprio_get)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_proc_ioprio_who, d->args[0], "IOPRIO_WHO_???");
		rn_sep(d);
		put_int(d, d->args[1]);
		return 0;
	}
	if (!d->failed) {
		/* " (IOPRIO_PRIO_VALUE(...))" after the result. */
		struct rn_buf *out = rn_rx_begin(d);
		rn_put(d, " (");
		put_ioprio(d, (uint64_t)d->ret);
		rn_put(d, ")");
		rn_rx_end(d, out);
	}
	return 0;
}

RN_SYS_FUNC(ioprio_set)
{
	rn_put_xval(d, &rn_xlat_proc_ioprio_who, d->args[0], "IOPRIO_WHO_???");
	rn_sep(d);
	put_int(d, d->args[1]);
	rn_sep(d);
	put_ioprio(d, d->args[2]);
	return RN_DEC_DONE;
}

/* --- scheduling --- */

RN_SYS_FUNC(sched_getscheduler)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		return 0;
	}
	if (!d->failed) {
		const char *n = rn_xlat_lookup(&rn_xlat_proc_sched_policies, (uint64_t)d->ret);
		if (n)
			rn_buf_printf(d->rx, " (%s)", n);
	}
	return 0;
}

RN_SYS_FUNC(sched_setscheduler)
{
	put_int(d, d->args[0]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_proc_sched_policies, d->args[1], "SCHED_???");
	rn_sep(d);
	put_num_int(d, d->args[2], false);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(sched_getparam)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_num_int(d, d->args[1], false);
	return 0;
}

RN_SYS_FUNC(sched_setparam)
{
	put_int(d, d->args[0]);
	rn_sep(d);
	put_num_int(d, d->args[1], false);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(sched_get_priority_max)
{
	rn_put_xval(d, &rn_xlat_proc_sched_policies, d->args[0], "SCHED_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(sched_get_priority_min)
{
	return rn_sys_sched_get_priority_max(d);
}

RN_SYS_FUNC(sched_rr_get_interval)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	if (d->failed)
		rn_put_ptr(d, d->args[1]);
	else
		rn_put_timespec_at(d, d->args[1]);
	return 0;
}

struct k_sched_attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

#define SCHED_ATTR_VER0 48u
#define SCHED_ATTR_VER1 56u
#define SCHED_FLAG_KEEP_POLICY_ 0x08u
#define SCHED_FLAG_KEEP_PARAMS_ 0x10u

/* usize: the buffer size sched_getattr was given, 0 for sched_setattr
 * (whose structure says its own size). */
static void put_sched_attr(struct rn_dctx *d, uint64_t addr, uint32_t usize)
{
	struct k_sched_attr a;
	uint32_t size;
	bool is_set = !usize;
	memset(&a, 0, sizeof(a));
	if (usize) {
		size = usize < sizeof(a) ? usize : (uint32_t)sizeof(a);
		if (!fetch(d, addr, &a, size))
			return;
		size = a.size; /* what the kernel wrote */
	} else {
		if (!fetch(d, addr, &a.size, sizeof(a.size)))
			return;
		usize = a.size ? a.size : SCHED_ATTR_VER0;
		size = usize < sizeof(a) ? usize : (uint32_t)sizeof(a);
		if (size >= SCHED_ATTR_VER0 && !fetch(d, addr, &a, size))
			return;
	}
	rn_putf(d, "{size=%u", a.size);
	if (size >= SCHED_ATTR_VER0) {
		/* What the kernel is told to keep is not shown. */
		if (!is_set || (int32_t)a.policy < 0 ||
		    !(a.flags & (SCHED_FLAG_KEEP_POLICY_ | SCHED_FLAG_KEEP_PARAMS_))) {
			rn_put(d, ", sched_policy=");
			rn_put_xval(d, &rn_xlat_proc_sched_policies, a.policy, "SCHED_???");
		}
		rn_put(d, ", sched_flags=");
		rn_put_flags(d, &rn_xlat_proc_sched_flags, a.flags, "SCHED_FLAG_???");
		if (!is_set || !(a.flags & SCHED_FLAG_KEEP_PARAMS_))
			rn_putf(d, ", sched_nice=%d, sched_priority=%u, sched_runtime=%llu, "
				   "sched_deadline=%llu, sched_period=%llu",
				a.nice, a.priority, (unsigned long long)a.runtime,
				(unsigned long long)a.deadline, (unsigned long long)a.period);
		if (size >= SCHED_ATTR_VER1)
			rn_putf(d, ", sched_util_min=%u, sched_util_max=%u", a.util_min,
				a.util_max);
	}
	if ((is_set ? usize : a.size) > size)
		rn_put(d, ", ...");
	rn_put(d, "}");
}

RN_SYS_FUNC(sched_setattr)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		put_sched_attr(d, d->args[1], 0);
		return 0;
	}
	/* E2BIG: the kernel wrote back the size it supports. */
	uint32_t size;
	if (d->failed && d->ret == -7 && rn_mem_read(d->pid, d->args[1], &size, sizeof(size)) == 0)
		rn_putf(d, " => {size=%u}", size);
	rn_sep(d);
	rn_put_u(d, (uint32_t)d->args[2]);
	return 0;
}

RN_SYS_FUNC(sched_getattr)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	uint32_t size = (uint32_t)d->args[2];
	if (size)
		put_sched_attr(d, d->args[1], size);
	else
		rn_put_ptr(d, d->args[1]);
	rn_sep(d);
	rn_put_u(d, size);
	rn_sep(d);
	rn_put_u(d, (uint32_t)d->args[3]);
	return 0;
}

/* The smallest mask size the kernel accepts, found the way strace does:
 * it fails with EINVAL (not EFAULT) until the size is large enough. */
static unsigned cpuset_size(void)
{
	static unsigned size;
	if (!size) {
		size = 128;
		while (size && sched_getaffinity(0, size, NULL) == -1 && errno == EINVAL)
			size <<= 1;
		if (!size)
			size = 128;
	}
	return size;
}

/* A CPU mask as the list of set CPUs: [0 1 3]. */
static void put_affinity(struct rn_dctx *d, uint64_t addr, uint32_t len)
{
	uint32_t max = cpuset_size();
	uint32_t want = len < max ? len : max;
	uint32_t size = (want + 7) & ~7u;
	if ((d->exiting && d->failed) || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!len) {
		rn_put(d, "[]");
		return;
	}
	unsigned char *cpu = calloc(size, 1);
	if (!cpu) {
		rn_put_ptr(d, addr);
		return;
	}
	if (rn_mem_read(d->pid, addr, cpu, want) < 0) {
		rn_put_ptr(d, addr);
		free(cpu);
		return;
	}
	bool printed = false;
	rn_put(d, "[");
	for (uint32_t i = 0; i < size * 8; i++) {
		if (!(cpu[i / 8] & (1u << (i % 8))))
			continue;
		rn_putf(d, "%s%u", printed ? " " : "", i);
		printed = true;
	}
	if (size < len)
		rn_put(d, printed ? " ..." : "...");
	rn_put(d, "]");
	free(cpu);
}

RN_SYS_FUNC(sched_setaffinity)
{
	put_int(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, (uint32_t)d->args[1]);
	rn_sep(d);
	put_affinity(d, d->args[2], (uint32_t)d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(sched_getaffinity)
{
	if (!d->exiting) {
		put_int(d, d->args[0]);
		rn_sep(d);
		rn_put_u(d, (uint32_t)d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_affinity(d, d->args[2], (uint32_t)d->ret);
	return 0;
}

/* --- prctl --- */

/* The remaining arguments from first on, in hex. */
static void prctl_rest(struct rn_dctx *d, unsigned first)
{
	for (unsigned i = first; i < 5; i++) {
		rn_sep(d);
		rn_put_x(d, d->args[i]);
	}
}

/* The arm64 and MIPS options only fail on x86_64; they print their raw
 * arguments like the options strace does not know. */
RN_SYS_FUNC(prctl)
{
	uint32_t option = (uint32_t)d->args[0];
	uint64_t arg2 = d->args[1], arg3 = d->args[2];

	if (!d->exiting)
		rn_put_xval(d, &rn_xlat_proc_pr_options, option, "PR_???");

	switch (option) {
	case 7:	 /* PR_GET_KEEPCAPS */
	case 21: /* PR_GET_SECCOMP */
	case 30: /* PR_GET_TIMERSLACK */
	case 13: /* PR_GET_TIMING */
	case 31: /* PR_TASK_PERF_EVENTS_DISABLE */
	case 32: /* PR_TASK_PERF_EVENTS_ENABLE */
		return RN_DEC_DONE;

	case 37: /* PR_GET_CHILD_SUBREAPER */
	case 19: /* PR_GET_ENDIAN */
	case 9:	 /* PR_GET_FPEMU */
	case 11: /* PR_GET_FPEXC */
		if (!d->exiting)
			rn_sep(d);
		else
			put_num_int(d, arg2, true);
		return 0;

	case 3: /* PR_GET_DUMPABLE */
		if (d->exiting && !d->failed) {
			const char *n = rn_xlat_lookup(&rn_xlat_proc_pr_dumpable, (uint64_t)d->ret);
			if (n)
				rn_buf_printf(d->rx, " (%s)", n);
		}
		return 0;

	case 16: /* PR_GET_NAME */
		if (!d->exiting)
			rn_sep(d);
		else if (d->failed)
			rn_put_ptr(d, arg2);
		else
			put_strn0(d, arg2, 16);
		return 0;

	case 2: /* PR_GET_PDEATHSIG */
		if (!d->exiting) {
			rn_sep(d);
		} else {
			uint32_t sig;
			if (fetch(d, arg2, &sig, sizeof(sig))) {
				rn_put(d, "[");
				rn_put_signo(d, (uint64_t)(int64_t)(int32_t)sig);
				rn_put(d, "]");
			}
		}
		return 0;

	case 27: /* PR_GET_SECUREBITS */
		if (d->exiting && !d->failed && d->ret) {
			struct rn_dctx sub = *d;
			sub.out = d->rx;
			d->rval = RN_RVAL_HEX;
			rn_buf_putc(d->rx, ' ');
			rn_buf_putc(d->rx, '(');
			rn_put_flags(&sub, &rn_xlat_proc_secbits, (uint64_t)d->ret, "SECBIT_???");
			rn_buf_putc(d->rx, ')');
		}
		return 0;

	case 40: /* PR_GET_TID_ADDRESS */
		if (!d->exiting)
			rn_sep(d);
		else
			put_num_ptr(d, arg2);
		return 0;

	case 25: /* PR_GET_TSC */
	case 5:	 /* PR_GET_UNALIGN */
		if (!d->exiting) {
			rn_sep(d);
		} else {
			uint32_t v;
			if (fetch(d, arg2, &v, sizeof(v))) {
				rn_put(d, "[");
				if (option == 25)
					rn_put_xval(d, &rn_xlat_proc_pr_tsc, v, "PR_TSC_???");
				else
					rn_put_flags(d, &rn_xlat_proc_pr_unalign, v, "PR_UNALIGN_???");
				rn_put(d, "]");
			}
		}
		return 0;

	case 52: /* PR_GET_SPECULATION_CTRL */
		if (!d->exiting) {
			rn_sep(d);
			rn_put_xval(d, &rn_xlat_proc_pr_spec_cmds, arg2, "PR_SPEC_???");
			return 0;
		}
		if (!d->failed && arg2 <= 2 && d->ret) {
			struct rn_dctx sub = *d;
			sub.out = d->rx;
			d->rval = RN_RVAL_HEX;
			rn_buf_put(d->rx, " (");
			rn_put_flags(&sub, &rn_xlat_proc_pr_spec_get, (uint64_t)d->ret, "PR_SPEC_???");
			rn_buf_putc(d->rx, ')');
		}
		return 0;

	case 34: /* PR_MCE_KILL_GET */
		if (!d->exiting) {
			prctl_rest(d, 1);
			return 0;
		}
		if (!d->failed) {
			const char *n =
				rn_xlat_lookup(&rn_xlat_proc_pr_mce_kill_policy, (uint64_t)d->ret);
			if (n)
				rn_buf_printf(d->rx, " (%s)", n);
		}
		return 0;

	case 36: /* PR_SET_CHILD_SUBREAPER */
	case 20: /* PR_SET_ENDIAN */
	case 10: /* PR_SET_FPEMU */
	case 12: /* PR_SET_FPEXC */
	case 8:	 /* PR_SET_KEEPCAPS */
	case 14: /* PR_SET_TIMING */
		rn_sep(d);
		rn_put_u(d, arg2);
		return RN_DEC_DONE;

	case 4: /* PR_SET_DUMPABLE */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_dumpable, arg2, "SUID_DUMP_???");
		return RN_DEC_DONE;

	case 23: /* PR_CAPBSET_READ */
	case 24: /* PR_CAPBSET_DROP */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_caps, arg2, "CAP_???");
		return RN_DEC_DONE;

	case 47: /* PR_CAP_AMBIENT */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_cap_ambient, arg2, "PR_CAP_AMBIENT_???");
		if (arg2 >= 1 && arg2 <= 3) {
			rn_sep(d);
			rn_put_xval(d, &rn_xlat_proc_caps, arg3, "CAP_???");
			prctl_rest(d, 3);
		} else {
			prctl_rest(d, 2);
		}
		return RN_DEC_DONE;

	case 33: /* PR_MCE_KILL */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_mce_kill, arg2, "PR_MCE_KILL_???");
		rn_sep(d);
		if (arg2 == 1)
			rn_put_xval(d, &rn_xlat_proc_pr_mce_kill_policy, arg3, "PR_MCE_KILL_???");
		else
			rn_put_x(d, arg3);
		prctl_rest(d, 3);
		return RN_DEC_DONE;

	case 15: /* PR_SET_NAME */
		rn_sep(d);
		put_strn0(d, arg2, 15);
		return RN_DEC_DONE;

	case 0x53564d41: /* PR_SET_VMA */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_set_vma, arg2, "PR_SET_VMA_???");
		if (arg2 == 0) {
			rn_sep(d);
			rn_put_ptr(d, arg3);
			rn_sep(d);
			rn_put_u(d, d->args[3]);
			rn_sep(d);
			rn_put_cstr(d, d->args[4]);
		} else {
			prctl_rest(d, 2);
		}
		return RN_DEC_DONE;

	case 35: /* PR_SET_MM */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_set_mm, (uint32_t)arg2, "PR_SET_MM_???");
		prctl_rest(d, 2);
		return RN_DEC_DONE;

	case 1: /* PR_SET_PDEATHSIG */
		rn_sep(d);
		if (arg2 > 128)
			rn_put_u(d, arg2);
		else
			rn_put_signo(d, arg2);
		return RN_DEC_DONE;

	case 0x59616d61: /* PR_SET_PTRACER */
		rn_sep(d);
		if ((int)arg2 == -1)
			rn_put(d, "PR_SET_PTRACER_ANY");
		else
			put_int(d, arg2);
		return RN_DEC_DONE;

	case 22: /* PR_SET_SECCOMP */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_seccomp_mode, arg2, "SECCOMP_MODE_???");
		if (arg2 == 1)
			return RN_DEC_DONE;
		prctl_rest(d, 2);
		return RN_DEC_DONE;

	case 28: /* PR_SET_SECUREBITS */
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_proc_secbits, arg2, "SECBIT_???");
		return RN_DEC_DONE;

	case 29: /* PR_SET_TIMERSLACK */
		rn_sep(d);
		rn_put_d(d, (int64_t)arg2);
		return RN_DEC_DONE;

	case 26: /* PR_SET_TSC */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_tsc, (uint32_t)arg2, "PR_TSC_???");
		return RN_DEC_DONE;

	case 6: /* PR_SET_UNALIGN */
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_proc_pr_unalign, (uint32_t)arg2, "PR_UNALIGN_???");
		return RN_DEC_DONE;

	case 38: /* PR_SET_NO_NEW_PRIVS */
	case 41: /* PR_SET_THP_DISABLE */
	case 57: /* PR_SET_IO_FLUSHER */
		rn_sep(d);
		rn_put_u(d, arg2);
		prctl_rest(d, 2);
		return RN_DEC_DONE;

	case 45: /* PR_SET_FP_MODE */
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_proc_pr_fp_mode, (uint32_t)arg2, "PR_FP_MODE_???");
		return RN_DEC_DONE;

	case 53: /* PR_SET_SPECULATION_CTRL */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_spec_cmds, arg2, "PR_SPEC_???");
		rn_sep(d);
		if (arg2 <= 2)
			rn_put_xval(d, &rn_xlat_proc_pr_spec_set, arg3, "PR_SPEC_???");
		else
			rn_put_x(d, arg3);
		return RN_DEC_DONE;

	case 59: /* PR_SET_SYSCALL_USER_DISPATCH */
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_proc_pr_sud_cmds, arg2, "PR_SYS_DISPATCH_???");
		rn_sep(d);
		rn_put_x(d, arg3);
		rn_sep(d);
		rn_put_x(d, d->args[3]);
		rn_sep(d);
		rn_put_ptr(d, d->args[4]);
		return RN_DEC_DONE;

	case 62: /* PR_SCHED_CORE */
		if (!d->exiting) {
			const char *n = rn_xlat_lookup(&rn_xlat_proc_pr_sched_core_pidtypes,
						       (uint32_t)d->args[3]);
			rn_sep(d);
			rn_put_xval(d, &rn_xlat_proc_pr_sched_core_cmds, arg2, "PR_SCHED_CORE_???");
			rn_sep(d);
			put_int(d, arg3);
			rn_sep(d);
			/* strace names the pid type in a comment after its number. */
			rn_put_x(d, (uint32_t)d->args[3]);
			rn_putf(d, " /* %s */", n ? n : "PIDTYPE_???");
			rn_sep(d);
			if ((uint32_t)arg2 == 0) /* PR_SCHED_CORE_GET: the cookie at exit */
				return 0;
			rn_put_ptr(d, d->args[4]);
			return RN_DEC_DONE;
		}
		if (!d->failed) {
			uint64_t cookie;
			if (rn_fetch_or_addr(d, d->args[4], &cookie, sizeof(cookie)))
				rn_putf(d, "[%#llx]", (unsigned long long)cookie);
		} else {
			rn_put_ptr(d, d->args[4]);
		}
		return 0;

	default:
		prctl_rest(d, 1);
		return RN_DEC_DONE;
	}
}

RN_SYS_FUNC(arch_prctl)
{
	uint32_t option = (uint32_t)d->args[0];
	uint64_t addr = d->args[1];

	if (!d->exiting)
		rn_put_xval(d, &rn_xlat_proc_arch_prctl, option, "ARCH_???");
	switch (option) {
	case 0x1003: /* ARCH_GET_FS */
	case 0x1004: /* ARCH_GET_GS */
		if (!d->exiting)
			rn_sep(d);
		else
			put_num_ptr(d, addr);
		return 0;
	case 0x1011: /* ARCH_GET_CPUID */
		return RN_DEC_DONE;
	case 0x1021: /* ARCH_GET_XCOMP_SUPP */
	case 0x1022: /* ARCH_GET_XCOMP_PERM */
	case 0x1024: /* ARCH_GET_XCOMP_GUEST_PERM */
		if (!d->exiting) {
			rn_sep(d);
		} else {
			uint64_t v;
			if (fetch(d, addr, &v, sizeof(v))) {
				rn_put(d, "[");
				put_flags_verbose(d, &rn_xlat_proc_xfeatures, v,
						  "XFEATURE_MASK_???");
				rn_put(d, "]");
			}
		}
		return 0;
	case 0x1023: /* ARCH_REQ_XCOMP_PERM */
	case 0x1025: /* ARCH_REQ_XCOMP_GUEST_PERM */
		if (!d->exiting) {
			const char *n = rn_xlat_lookup(&rn_xlat_proc_xfeature_bits, addr);
			rn_sep(d);
			rn_put_x(d, addr);
			rn_putf(d, " /* %s */", n ? n : "XFEATURE_???");
			return 0;
		}
		if (!d->failed && d->ret > 0) {
			struct rn_dctx sub = *d;
			sub.out = d->rx;
			d->rval = RN_RVAL_HEX;
			rn_buf_put(d->rx, " (");
			rn_put_flags(&sub, &rn_xlat_proc_xfeatures, (uint64_t)d->ret,
				  "XFEATURE_MASK_???");
			rn_buf_putc(d->rx, ')');
		}
		return 0;
	default:
		rn_sep(d);
		rn_put_x(d, addr);
		return RN_DEC_DONE;
	}
}
