// SPDX-License-Identifier: MIT
/* Decoder dispatch and result rendering. */
#include "decode/decode.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>

#include "xlat_tables.h"

static void start_args(struct rn_dctx *d)
{
	if (*d->narg == 0) {
		d->arg_off[0] = (uint32_t)d->out->len;
		*d->narg = 1;
	}
}

void rn_decode_raw_args(struct rn_dctx *d)
{
	unsigned n = d->ent ? d->ent->nargs : RN_MAX_ARGS;
	for (unsigned i = 0; i < n; i++) {
		if (i)
			rn_sep(d);
		rn_put_x(d, d->args[i]);
	}
}

bool rn_decode_entry(struct rn_dctx *d)
{
	start_args(d);
	if (!d->ent || !d->ent->decode) {
		rn_decode_raw_args(d);
		return false;
	}
	return d->ent->decode(d) != RN_DEC_DONE;
}

const char *rn_errno_name(long err)
{
	return rn_xlat_lookup(&rn_xlat_errnos, (uint64_t)err);
}

const char *rn_signal_name(int sig, char *tmp, size_t tmplen)
{
	const char *n = rn_xlat_lookup(&rn_xlat_signals, (uint64_t)sig);
	if (n)
		return n;
	/* Real-time signals as strace names them: SIGRTMIN, SIGRT_1 ... */
	if (sig == 32)
		return "SIGRTMIN";
	if (sig > 32 && sig <= 64) {
		(void)snprintf(tmp, tmplen, "SIGRT_%d", sig - 32);
		return tmp;
	}
	return NULL;
}

/* Messages for the restart codes, which strerror() does not know. */
static const char *restart_msg(long err)
{
	switch (err) {
	case 512:
		return "To be restarted if SA_RESTART is set";
	case 513:
		return "To be restarted";
	case 514:
		return "To be restarted if no handler";
	case 516:
		return "Interrupted by signal";
	default:
		return NULL;
	}
}

/* Whether a successful call's result is a new file descriptor (-y shows
 * what it is). */
static bool returns_fd(const struct rn_dctx *d)
{
	switch (d->nr) {
	case SYS_open:
	case SYS_openat:
	case SYS_openat2:
	case SYS_creat:
	case SYS_open_by_handle_at:
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
	case SYS_socket:
	case SYS_accept:
	case SYS_accept4:
	case SYS_epoll_create:
	case SYS_epoll_create1:
	case SYS_eventfd:
	case SYS_eventfd2:
	case SYS_signalfd:
	case SYS_signalfd4:
	case SYS_timerfd_create:
	case SYS_inotify_init:
	case SYS_inotify_init1:
	case SYS_fanotify_init:
	case SYS_memfd_create:
	case SYS_perf_event_open:
	case SYS_userfaultfd:
	case SYS_pidfd_open:
	case SYS_pidfd_getfd:
	case SYS_io_uring_setup:
	case SYS_mq_open:
	case SYS_fsopen:
	case SYS_fsmount:
	case SYS_fspick:
	case SYS_open_tree:
		return true;
	case SYS_fcntl:
		return d->args[1] == F_DUPFD || d->args[1] == F_DUPFD_CLOEXEC;
	default:
		return false;
	}
}

void rn_decode_exit(struct rn_dctx *d, bool call_decoder, struct rn_buf *rval)
{
	if (call_decoder && d->ent && d->ent->decode)
		(void)d->ent->decode(d);
	rn_buf_reset(rval);
	if (d->failed) {
		long err = (long)-d->ret;
		const char *name = rn_errno_name(err);
		const char *rmsg = restart_msg(err);
		if (rmsg)
			rn_buf_printf(rval, "? %s (%s)", name, rmsg);
		else if (name)
			rn_buf_printf(rval, "-1 %s (%s)", name, strerror((int)err));
		else
			rn_buf_printf(rval, "-1 (errno %ld)", err);
	} else {
		switch (d->rval) {
		case RN_RVAL_HEX:
			if (d->ret)
				rn_buf_printf(rval, "%#llx", (unsigned long long)d->ret);
			else
				rn_buf_putc(rval, '0');
			break;
		case RN_RVAL_OCT:
			rn_buf_printf(rval, "%#03llo", (unsigned long long)d->ret);
			break;
		case RN_RVAL_UDEC:
			rn_buf_printf(rval, "%llu", (unsigned long long)d->ret);
			break;
		case RN_RVAL_NONE:
			rn_buf_putc(rval, '?');
			break;
		default:
			if (d->o->decode_fds && returns_fd(d))
				rn_put_fd_into(rval, d->o, d->pid, d->ret);
			else
				rn_buf_printf(rval, "%lld", (long long)d->ret);
			break;
		}
	}
	if (d->rx->len)
		rn_buf_putn(rval, d->rx->p, d->rx->len);
}

/* restart_syscall resumes a call a signal interrupted; the tracer remembers
 * which (or reads it from /proc when it attached mid-call). */
RN_SYS_FUNC(restart_syscall)
{
	const struct rn_sysent *e = rn_syscall_get(d->restart_nr);
	rn_putf(d, "<... resuming interrupted %s ...>", e ? e->name : "call");
	return RN_DEC_DONE;
}
