// SPDX-License-Identifier: MIT
/* Signal family: siginfo, sigaction, sigprocmask, kill... Formats follow
 * strace: signal sets print as [INT TERM] or, when at least two thirds of
 * the bits are set, as the complement ~[KILL STOP]. */
#include "decode/decode.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <ucontext.h>

#include "xlat_tables.h"

/* The kernel's signal set is 64 bits on x86_64; larger sizes are refused. */
#define KSIGSET_BYTES 8

/* Read an object the call filled in or was given; prints the address (or
 * NULL) instead when it cannot be read or, at exit, the call failed. */
static bool fetch(struct rn_dctx *d, uint64_t addr, void *obj, size_t size)
{
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return false;
	}
	return rn_fetch_or_addr(d, addr, obj, size);
}

/* A signal mask of bytes bytes already read: strace looks at no more than
 * the kernel's 64 bits, and inverts when two thirds or more are set. */
static void put_sigmask(struct rn_dctx *d, const void *mask, size_t bytes)
{
	uint32_t w[KSIGSET_BYTES / 4] = { 0 };
	size_t nw = ((bytes < KSIGSET_BYTES ? bytes : KSIGSET_BYTES) + 3) / 4;
	unsigned count = 0;
	memcpy(w, mask, bytes < KSIGSET_BYTES ? bytes : KSIGSET_BYTES);
	for (size_t i = 0; i < nw; i++)
		count += (unsigned)__builtin_popcount(w[i]);
	bool invert = count >= nw * 32 * 2 / 3;
	if (invert) {
		rn_put(d, "~");
		for (size_t i = 0; i < nw; i++)
			w[i] = ~w[i];
	}
	rn_put(d, "[");
	bool first = true;
	for (unsigned bit = 0; bit < nw * 32; bit++) {
		if (!((w[bit / 32] >> (bit % 32)) & 1))
			continue;
		char tmp[16];
		const char *name = rn_signal_name((int)bit + 1, tmp, sizeof(tmp));
		if (!first)
			rn_put(d, " ");
		first = false;
		if (name)
			rn_put(d, name + 3); /* drop "SIG" */
		else
			rn_put_u(d, bit + 1);
	}
	rn_put(d, "]");
}

/* A signal set of len bytes at addr; the address when len is outside
 * [min_len, 8] as the kernel would refuse it. */
static void put_sigset_addr(struct rn_dctx *d, uint64_t addr, uint64_t len, uint64_t min_len)
{
	unsigned char set[KSIGSET_BYTES];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (len < min_len || len > KSIGSET_BYTES) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!fetch(d, addr, set, (size_t)len))
		return;
	put_sigmask(d, set, (size_t)len);
}

static void put_clock_t(struct rn_dctx *d, uint64_t ticks)
{
	/* USER_HZ is 100 on every Linux ABI. */
	rn_put_u(d, ticks);
	if (ticks)
		rn_putf(d, " /* %llu.%02llu s */", (unsigned long long)(ticks / 100),
			(unsigned long long)(ticks % 100));
}

static void put_uid(struct rn_dctx *d, uint32_t uid)
{
	if (uid == (uint32_t)-1)
		rn_put(d, "-1");
	else
		rn_put_u(d, uid);
}

static void put_sigsource(struct rn_dctx *d, const siginfo_t *si)
{
	rn_putf(d, ", si_pid=%d, si_uid=", (int)si->si_pid);
	put_uid(d, (uint32_t)si->si_uid);
}

static void put_sigval(struct rn_dctx *d, const siginfo_t *si)
{
	rn_putf(d, ", si_int=%d, si_ptr=", si->si_int);
	rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_ptr);
}

static const struct rn_xlat *codes_for(int signo)
{
	switch (signo) {
	case SIGTRAP:
		return &rn_xlat_sig_trap_codes;
	case SIGCHLD:
		return &rn_xlat_sig_chld_codes;
	case SIGIO:
		return &rn_xlat_sig_poll_codes;
	case SIGPROF:
		return &rn_xlat_sig_prof_codes;
	case SIGILL:
		return &rn_xlat_sig_ill_codes;
	case SIGFPE:
		return &rn_xlat_sig_fpe_codes;
	case SIGSEGV:
		return &rn_xlat_sig_segv_codes;
	case SIGBUS:
		return &rn_xlat_sig_bus_codes;
	case SIGSYS:
		return &rn_xlat_sig_sys_codes;
	default:
		return NULL;
	}
}

static void put_si_code(struct rn_dctx *d, int code, int signo)
{
	const char *name = rn_xlat_lookup(&rn_xlat_sig_codes, (uint64_t)(int64_t)code);
	const struct rn_xlat *x = codes_for(signo);
	if (!name && x)
		name = rn_xlat_lookup(x, (uint64_t)(int64_t)code);
	if (name)
		rn_put(d, name);
	else
		rn_put_x(d, (uint32_t)code);
}

/* The fields that depend on who sent the signal and why. */
static void put_si_details(struct rn_dctx *d, const siginfo_t *si)
{
	if (si->si_errno) {
		const char *e = rn_errno_name(si->si_errno);
		if (e)
			rn_putf(d, ", si_errno=%s", e);
		else
			rn_putf(d, ", si_errno=%u", (unsigned)si->si_errno);
	}
	if (si->si_code <= 0) {
		switch (si->si_code) {
		case SI_USER:
		case SI_TKILL:
			put_sigsource(d, si);
			break;
		case SI_TIMER:
			rn_put(d, ", si_timerid=");
			rn_put_x(d, (uint32_t)si->si_timerid);
			rn_putf(d, ", si_overrun=%d", si->si_overrun);
			put_sigval(d, si);
			break;
		case SI_SIGIO:
			rn_putf(d, ", si_band=%ld, si_fd=%d", (long)si->si_band, si->si_fd);
			break;
		default:
			put_sigsource(d, si);
			if (si->si_ptr)
				put_sigval(d, si);
			break;
		}
		return;
	}
	switch (si->si_signo) {
	case SIGCHLD:
		put_sigsource(d, si);
		rn_put(d, ", si_status=");
		if (si->si_code == CLD_EXITED)
			rn_put_d(d, si->si_status);
		else
			rn_put_signo(d, (uint64_t)(int64_t)si->si_status);
		rn_put(d, ", si_utime=");
		put_clock_t(d, (uint64_t)si->si_utime);
		rn_put(d, ", si_stime=");
		put_clock_t(d, (uint64_t)si->si_stime);
		break;
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		rn_put(d, ", si_addr=");
		rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_addr);
		break;
	case SIGBUS:
		rn_put(d, ", si_addr=");
		rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_addr);
		if (si->si_code == BUS_MCEERR_AR || si->si_code == BUS_MCEERR_AO) {
			rn_put(d, ", si_addr_lsb=");
			rn_put_x(d, (uint16_t)si->si_addr_lsb);
		}
		break;
	case SIGSEGV:
		rn_put(d, ", si_addr=");
		rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_addr);
		if (si->si_code == SEGV_BNDERR) {
			rn_put(d, ", si_lower=");
			rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_lower);
			rn_put(d, ", si_upper=");
			rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_upper);
		} else if (si->si_code == SEGV_PKUERR) {
			rn_putf(d, ", si_pkey=%u", (unsigned)si->si_pkey);
		}
		break;
	case SIGIO:
		if (si->si_code == POLL_IN || si->si_code == POLL_OUT || si->si_code == POLL_MSG)
			rn_putf(d, ", si_band=%ld, si_fd=%d", (long)si->si_band, si->si_fd);
		break;
	case SIGSYS: {
		const struct rn_sysent *e = NULL;
		uint32_t arch = (uint32_t)si->si_arch;
		rn_put(d, ", si_call_addr=");
		rn_put_ptr(d, (uint64_t)(uintptr_t)si->si_call_addr);
		if (arch == 0xc000003eu) /* AUDIT_ARCH_X86_64: our own numbering */
			e = rn_syscall_get(si->si_syscall);
		if (e)
			rn_putf(d, ", si_syscall=__NR_%s", e->name);
		else
			rn_putf(d, ", si_syscall=%u", (unsigned)si->si_syscall);
		rn_put(d, ", si_arch=");
		rn_put_xval(d, &rn_xlat_sig_audit_arch, arch, "AUDIT_ARCH_???");
		break;
	}
	default:
		if (si->si_pid || si->si_uid)
			put_sigsource(d, si);
		if (si->si_ptr)
			put_sigval(d, si);
		break;
	}
}

void rn_decode_siginfo(struct rn_dctx *d, const siginfo_t *si)
{
	rn_put(d, "{");
	if (si->si_signo) {
		rn_put(d, "si_signo=");
		rn_put_signo(d, (uint64_t)(int64_t)si->si_signo);
		rn_put(d, ", si_code=");
		put_si_code(d, si->si_code, si->si_signo);
		put_si_details(d, si);
	}
	rn_put(d, "}");
}

static void put_siginfo_at(struct rn_dctx *d, uint64_t addr)
{
	siginfo_t si;
	if (fetch(d, addr, &si, sizeof(si)))
		rn_decode_siginfo(d, &si);
}

/* --- sigaction --- */

/* The kernel's struct sigaction on x86_64. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

#define K_SA_RESTORER 0x04000000u

static void put_handler(struct rn_dctx *d, uint64_t h)
{
	if (h == 0)
		rn_put(d, "SIG_DFL");
	else if (h == 1)
		rn_put(d, "SIG_IGN");
	else if (h == UINT64_MAX)
		rn_put(d, "SIG_ERR");
	else
		rn_put_ptr(d, h);
}

static void put_sigaction_at(struct rn_dctx *d, uint64_t addr)
{
	struct k_sigaction sa;
	if (!fetch(d, addr, &sa, sizeof(sa)))
		return;
	rn_put(d, "{sa_handler=");
	put_handler(d, sa.handler);
	rn_put(d, ", sa_mask=");
	put_sigmask(d, &sa.mask, sizeof(sa.mask));
	rn_put(d, ", sa_flags=");
	rn_put_flags(d, &rn_xlat_sig_sa_flags, sa.flags, "SA_???");
	if (sa.flags & K_SA_RESTORER) {
		rn_put(d, ", sa_restorer=");
		rn_put_ptr(d, sa.restorer);
	}
	rn_put(d, "}");
}

RN_SYS_FUNC(rt_sigaction)
{
	if (!d->exiting) {
		rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[0]);
		rn_sep(d);
		put_sigaction_at(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_sigaction_at(d, d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	return 0;
}

/* --- masks --- */

RN_SYS_FUNC(rt_sigprocmask)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_sig_how, d->args[0], "SIG_???");
		rn_sep(d);
		put_sigset_addr(d, d->args[1], d->args[3], sizeof(long));
		rn_sep(d);
		return 0;
	}
	put_sigset_addr(d, d->args[2], d->args[3], sizeof(long));
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(rt_sigpending)
{
	if (!d->exiting)
		return 0;
	/* The one call that takes a set shorter than the kernel's. */
	put_sigset_addr(d, d->args[0], d->args[1], 1);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(rt_sigsuspend)
{
	put_sigset_addr(d, d->args[0], d->args[1], sizeof(long));
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(rt_sigtimedwait)
{
	if (!d->exiting) {
		put_sigset_addr(d, d->args[0], d->args[3], sizeof(long));
		rn_sep(d);
		if (!d->args[1]) {
			rn_put(d, "NULL");
			rn_sep(d);
			rn_put_timespec_at(d, d->args[2]);
			rn_sep(d);
			rn_put_u(d, d->args[3]);
		}
		return 0; /* the result names a signal */
	}
	if (d->args[1]) {
		/* The timeout is an input: shown even when the call failed. */
		struct rn_dctx in = *d;
		in.failed = false;
		put_siginfo_at(d, d->args[1]);
		rn_sep(d);
		rn_put_timespec_at(&in, d->args[2]);
		rn_sep(d);
		rn_put_u(d, d->args[3]);
	}
	if (!d->failed && d->ret) {
		char tmp[16];
		const char *n = rn_signal_name((int)d->ret, tmp, sizeof(tmp));
		if (n)
			rn_buf_printf(d->rx, " (%s)", n);
	}
	return 0;
}

/* --- sending --- */

RN_SYS_FUNC(kill)
{
	rn_put_d(d, (int)d->args[0]);
	rn_sep(d);
	rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(tkill)
{
	return rn_sys_kill(d);
}

RN_SYS_FUNC(tgkill)
{
	rn_put_d(d, (int)d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int)d->args[1]);
	rn_sep(d);
	rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(rt_sigqueueinfo)
{
	rn_put_d(d, (int)d->args[0]);
	rn_sep(d);
	rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[1]);
	rn_sep(d);
	put_siginfo_at(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(rt_tgsigqueueinfo)
{
	rn_put_d(d, (int)d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int)d->args[1]);
	rn_sep(d);
	rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[2]);
	rn_sep(d);
	put_siginfo_at(d, d->args[3]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(pidfd_send_signal)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_signo(d, (uint64_t)(int64_t)(int)d->args[1]);
	rn_sep(d);
	put_siginfo_at(d, d->args[2]);
	rn_sep(d);
	rn_put_x(d, (uint32_t)d->args[3]);
	return RN_DEC_DONE;
}

/* --- stacks and frames --- */

static void put_stack_at(struct rn_dctx *d, uint64_t addr)
{
	struct {
		uint64_t sp;
		int32_t flags;
		uint32_t pad;
		uint64_t size;
	} ss;
	if (!fetch(d, addr, &ss, sizeof(ss)))
		return;
	rn_put(d, "{ss_sp=");
	rn_put_ptr(d, ss.sp);
	rn_put(d, ", ss_flags=");
	rn_put_flags(d, &rn_xlat_sig_ss_flags, (uint32_t)ss.flags, "SS_???");
	rn_put(d, ", ss_size=");
	rn_put_u(d, ss.size);
	rn_put(d, "}");
}

RN_SYS_FUNC(sigaltstack)
{
	if (!d->exiting) {
		put_stack_at(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_stack_at(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(rt_sigreturn)
{
	/* The handler's return popped the frame's return address, so the
	 * stack pointer is at the saved ucontext; its mask is restored. */
	errno = 0;
	long sp = ptrace(PTRACE_PEEKUSER, d->pid, (void *)offsetof(struct user_regs_struct, rsp),
			 NULL);
	if (errno)
		return RN_DEC_DONE;
	rn_put(d, "{mask=");
	put_sigset_addr(d, (uint64_t)sp + offsetof(ucontext_t, uc_sigmask), KSIGSET_BYTES,
			KSIGSET_BYTES);
	rn_put(d, "}");
	return RN_DEC_DONE;
}

void rn_siginfo_text(struct rn_buf *b, const siginfo_t *si)
{
	struct rn_buf out = { 0 };
	struct rn_dctx d;
	unsigned narg = 0;
	uint32_t off[RN_MAX_ARGS + 1];
	struct rn_decode_opts o = { 32, 32 };
	memset(&d, 0, sizeof(d));
	d.out = &out;
	d.rx = &out;
	d.narg = &narg;
	d.arg_off = off;
	d.o = &o;
	rn_decode_siginfo(&d, si);
	rn_buf_putn(b, out.p ? out.p : "{}", out.p ? out.len : 2);
	rn_buf_done(&out);
}
