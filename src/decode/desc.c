// SPDX-License-Identifier: MIT
/* desc family decoders: file descriptor I/O (read/write and their vector
 * and positional forms), descriptor management (dup, pipe, fcntl, close),
 * polling (poll, select, epoll), the special descriptors (eventfd,
 * timerfd, memfd, inotify), splicing, and basic ioctls. Output follows
 * strace 6.1. */
#include "decode/decode.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "xlat_tables.h"

/* Bound on the fd_set bits read from the tracee: a huge nfds shows only
 * this many descriptors rather than reading unbounded memory. */
#define FDSET_MAX_FDS (1024 * 64)


/* " (pfx FLAGS)" into the trailing note after the result. */
static void rx_flags(struct rn_dctx *d, const char *pfx, const struct rn_xlat *x, uint64_t v)
{
	struct rn_buf *out = rn_rx_begin(d);
	rn_put(d, pfx);
	rn_put_flags(d, x, v, NULL);
	rn_put(d, ")");
	rn_rx_end(d, out);
}

static void put_off(struct rn_dctx *d, uint64_t v)
{
	rn_put_d(d, (int64_t)v);
}

/* A loff_t behind a pointer: [5]; NULL; the address when unreadable. */
static void put_int64_ptr(struct rn_dctx *d, uint64_t addr)
{
	int64_t v;
	if (rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		rn_putf(d, "[%lld]", (long long)v);
}

/* The same for an int. */
static void put_int_ptr(struct rn_dctx *d, uint64_t addr)
{
	int v;
	if (rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		rn_putf(d, "[%d]", v);
}

/* --- read/write --- */

void rn_put_iovec_at(struct rn_dctx *d, uint64_t addr, uint64_t count, int64_t data_len)
{
	const uint64_t esz = sizeof(struct iovec);
	uint64_t lim = d->o->abbrev_limit;
	/* A failed read filled nothing: strace shows the buffers' addresses. */
	bool raw = d->exiting && d->failed;
	uint64_t left = data_len < 0 ? UINT64_MAX : (uint64_t)data_len;

	if (!rn_put_array_begin(d, addr, count, esz))
		return;
	for (uint64_t i = 0; i < count; i++) {
		struct iovec iov;
		if (i)
			rn_put(d, ", ");
		if (i >= lim) {
			rn_put(d, i ? "..." : "[...");
			break;
		}
		if (rn_mem_read(d->pid, addr + i * esz, &iov, sizeof(iov)) < 0) {
			if (!i) {
				rn_put_ptr(d, addr);
				return;
			}
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * esz));
			break;
		}
		if (!i)
			rn_put(d, "[");
		uint64_t base = (uint64_t)(uintptr_t)iov.iov_base;
		uint64_t len = iov.iov_len < left ? iov.iov_len : left;
		if (left != UINT64_MAX)
			left -= len;
		rn_put(d, "{iov_base=");
		if (raw)
			rn_put_ptr(d, base);
		else
			rn_put_str(d, base, len);
		rn_putf(d, ", iov_len=%llu}", (unsigned long long)iov.iov_len);
	}
	rn_put(d, "]");
}

/* read, pread64: fd, buffer (at exit), count[, offset]. */
static int put_read(struct rn_dctx *d, bool pos)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	rn_put_str_out(d, d->args[1], d->ret);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	if (pos) {
		rn_sep(d);
		put_off(d, d->args[3]);
	}
	return 0;
}

static int put_write(struct rn_dctx *d, bool pos)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_str(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	if (pos) {
		rn_sep(d);
		put_off(d, d->args[3]);
	}
	return RN_DEC_DONE;
}

RN_SYS_FUNC(read)
{
	return put_read(d, false);
}

RN_SYS_FUNC(pread64)
{
	return put_read(d, true);
}

RN_SYS_FUNC(write)
{
	return put_write(d, false);
}

RN_SYS_FUNC(pwrite64)
{
	return put_write(d, true);
}

/* The vector calls. pos: 0 (readv), 1 (preadv: offset), 2 (preadv2:
 * offset and flags). The offset's high half (args[4]) is unused on 64-bit. */
static void put_vec_tail(struct rn_dctx *d, int pos)
{
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	if (pos >= 1) {
		rn_sep(d);
		put_off(d, d->args[3]);
	}
	if (pos >= 2) {
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_desc_rwf_flags, d->args[5], "RWF_???");
	}
}

static int put_readv(struct rn_dctx *d, int pos)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	rn_put_iovec_at(d, d->args[1], d->args[2], d->failed ? 0 : d->ret);
	put_vec_tail(d, pos);
	return 0;
}

static int put_writev(struct rn_dctx *d, int pos)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_iovec_at(d, d->args[1], d->args[2], -1);
	put_vec_tail(d, pos);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(readv)
{
	return put_readv(d, 0);
}

RN_SYS_FUNC(preadv)
{
	return put_readv(d, 1);
}

RN_SYS_FUNC(preadv2)
{
	return put_readv(d, 2);
}

RN_SYS_FUNC(writev)
{
	return put_writev(d, 0);
}

RN_SYS_FUNC(pwritev)
{
	return put_writev(d, 1);
}

RN_SYS_FUNC(pwritev2)
{
	return put_writev(d, 2);
}

RN_SYS_FUNC(lseek)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_off(d, d->args[1]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_desc_seek_whence, (uint32_t)d->args[2], "SEEK_???");
	return RN_DEC_DONE;
}

/* --- descriptor management --- */

static int put_fds(struct rn_dctx *d, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			rn_sep(d);
		rn_put_fd(d, d->args[i]);
	}
	return RN_DEC_DONE;
}

RN_SYS_FUNC(close)
{
	return put_fds(d, 1);
}

RN_SYS_FUNC(dup)
{
	return put_fds(d, 1);
}

RN_SYS_FUNC(dup2)
{
	return put_fds(d, 2);
}

RN_SYS_FUNC(fsync)
{
	return put_fds(d, 1);
}

RN_SYS_FUNC(fdatasync)
{
	return put_fds(d, 1);
}

RN_SYS_FUNC(dup3)
{
	put_fds(d, 2);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_pipe_flags, (uint32_t)d->args[2], "O_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(close_range)
{
	rn_putf(d, "%u", (unsigned)d->args[0]);
	rn_sep(d);
	rn_putf(d, "%u", (unsigned)d->args[1]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_close_range_flags, (uint32_t)d->args[2], "CLOSE_RANGE_???");
	return RN_DEC_DONE;
}

/* The two descriptors a pipe call wrote, or its address. */
static void put_pipefds(struct rn_dctx *d, uint64_t addr)
{
	int fds[2];
	if (d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, fds, sizeof(fds)))
		return;
	/* An array like any other: -s cuts it. */
	rn_put(d, "[");
	for (unsigned i = 0; i < 2; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		rn_put_fd(d, (uint64_t)(int64_t)fds[i]);
	}
	rn_put(d, "]");
}

RN_SYS_FUNC(pipe)
{
	if (!d->exiting)
		return 0;
	put_pipefds(d, d->args[0]);
	return 0;
}

RN_SYS_FUNC(pipe2)
{
	if (!d->exiting)
		return 0;
	put_pipefds(d, d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_pipe_flags, (uint32_t)d->args[1], "O_???");
	return 0;
}

RN_SYS_FUNC(flock)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_flock_ops, (uint32_t)d->args[1], "LOCK_???");
	return RN_DEC_DONE;
}

/* --- fcntl --- */

/* struct flock (x86_64): short type, short whence, off_t start, len, pid. */
struct k_flock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};

static void put_flock(struct rn_dctx *d, uint64_t addr, bool with_pid)
{
	struct k_flock fl;
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &fl, sizeof(fl)))
		return;
	rn_put(d, "{l_type=");
	rn_put_xval(d, &rn_xlat_desc_lock_types, (uint16_t)fl.l_type, "F_???");
	rn_put(d, ", l_whence=");
	rn_put_xval(d, &rn_xlat_desc_seek_whence, (uint16_t)fl.l_whence, "SEEK_???");
	rn_putf(d, ", l_start=%lld, l_len=%lld", (long long)fl.l_start, (long long)fl.l_len);
	if (with_pid)
		rn_putf(d, ", l_pid=%d", fl.l_pid);
	rn_put(d, "}");
}

static void put_owner_ex(struct rn_dctx *d, uint64_t addr)
{
	int32_t o[2];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (!rn_fetch_or_addr(d, addr, o, sizeof(o)))
		return;
	rn_put(d, "{type=");
	rn_put_xval(d, &rn_xlat_desc_f_owner_types, (uint32_t)o[0], "F_OWNER_???");
	rn_putf(d, ", pid=%d}", o[1]);
}

/* Commands whose numbers glibc spells differently (F_GETLK64 & co); the
 * kernel rejects them on x86_64 and strace shows their argument raw. */
static const char *fcntl_cmd_name(unsigned cmd)
{
	switch (cmd) {
	case 12:
		return "F_GETLK64";
	case 13:
		return "F_SETLK64";
	case 14:
		return "F_SETLKW64";
	default:
		return rn_xlat_lookup(&rn_xlat_desc_fcntl_cmds, cmd);
	}
}

static int fcntl_entry(struct rn_dctx *d, unsigned cmd, uint64_t arg)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	const char *name = fcntl_cmd_name(cmd);
	if (name)
		rn_put(d, name);
	else
		rn_putf(d, "%#x /* F_??? */", cmd);

	switch (cmd) {
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
	case F_GET_SEALS:
		return 0;
	case F_GETLK:
	case F_OFD_GETLK:
	case F_GETOWN_EX:
		rn_sep(d);
		return 0;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETOWN:
	case F_SETPIPE_SZ:
		rn_sep(d);
		rn_put_d(d, (int32_t)arg);
		break;
	case F_SETFD:
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_desc_fd_flags, (uint32_t)arg, NULL);
		break;
	case F_SETFL:
		rn_sep(d);
		rn_put_open_flags(d, (uint32_t)arg);
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		rn_sep(d);
		put_flock(d, arg, false);
		break;
	case F_SETOWN_EX:
		rn_sep(d);
		put_owner_ex(d, arg);
		break;
	case F_SETSIG:
		rn_sep(d);
		rn_put_signo(d, (uint32_t)arg);
		break;
	case F_SETLEASE:
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_desc_lock_types, (uint32_t)arg, "F_???");
		break;
	case F_NOTIFY:
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_desc_notify_flags, (uint32_t)arg, "DN_???");
		break;
	case F_ADD_SEALS:
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_desc_f_seals, (uint32_t)arg, "F_SEAL_???");
		break;
	default:
		rn_sep(d);
		rn_put_x(d, arg);
		break;
	}
	return RN_DEC_DONE;
}

static int fcntl_exit(struct rn_dctx *d, unsigned cmd, uint64_t arg)
{
	switch (cmd) {
	case F_GETLK:
	case F_OFD_GETLK:
		if (d->failed)
			rn_put_ptr(d, arg);
		else
			put_flock(d, arg, true);
		return 0;
	case F_GETOWN_EX:
		if (d->failed)
			rn_put_ptr(d, arg);
		else
			put_owner_ex(d, arg);
		return 0;
	default:
		break;
	}
	if (d->failed)
		return 0;
	uint64_t r = (uint64_t)d->ret;
	switch (cmd) {
	case F_GETFD:
		d->rval = RN_RVAL_HEX;
		if (r)
			rx_flags(d, " (flags ", &rn_xlat_desc_fd_flags, r);
		break;
	case F_GETFL: {
		d->rval = RN_RVAL_HEX;
		struct rn_buf *out = rn_rx_begin(d);
		rn_put(d, " (flags ");
		rn_put_open_flags(d, r);
		rn_put(d, ")");
		rn_rx_end(d, out);
		break;
	}
	case F_GETSIG:
		if (r) {
			struct rn_buf *out = rn_rx_begin(d);
			rn_put(d, " (");
			rn_put_signo(d, r);
			rn_put(d, ")");
			rn_rx_end(d, out);
		}
		break;
	case F_GETLEASE: {
		d->rval = RN_RVAL_HEX;
		const char *n = rn_xlat_lookup(&rn_xlat_desc_lock_types, r);
		if (n) {
			rn_buf_put(d->rx, " (");
			rn_buf_put(d->rx, n);
			rn_buf_put(d->rx, ")");
		}
		break;
	}
	case F_GET_SEALS:
		d->rval = RN_RVAL_HEX;
		if (r)
			rx_flags(d, " (seals ", &rn_xlat_desc_f_seals, r);
		break;
	default:
		break;
	}
	return 0;
}

RN_SYS_FUNC(fcntl)
{
	unsigned cmd = (unsigned)d->args[1];
	if (!d->exiting)
		return fcntl_entry(d, cmd, d->args[2]);
	return fcntl_exit(d, cmd, d->args[2]);
}

/* --- sync, advice, allocation --- */

RN_SYS_FUNC(sync_file_range)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_off(d, d->args[1]);
	rn_sep(d);
	put_off(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_sync_file_range_flags, (uint32_t)d->args[3],
		     "SYNC_FILE_RANGE_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(fadvise64)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_off(d, d->args[1]);
	rn_sep(d);
	put_off(d, d->args[2]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_desc_fadvise, (uint32_t)d->args[3], "POSIX_FADV_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(fallocate)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_falloc_flags, (uint32_t)d->args[1], "FALLOC_FL_???");
	rn_sep(d);
	put_off(d, d->args[2]);
	rn_sep(d);
	put_off(d, d->args[3]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(readahead)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_off(d, d->args[1]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	return RN_DEC_DONE;
}

/* --- splicing --- */

RN_SYS_FUNC(sendfile)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		rn_put_fd(d, d->args[1]);
		rn_sep(d);
		put_int64_ptr(d, d->args[2]);
		return 0;
	}
	if (!d->failed && d->args[2]) {
		rn_put(d, " => ");
		put_int64_ptr(d, d->args[2]);
	}
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	return 0;
}

/* splice and copy_file_range: fd, [off], fd, [off], len, flags. */
static void put_fd_off_pair(struct rn_dctx *d)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_int64_ptr(d, d->args[1]);
	rn_sep(d);
	rn_put_fd(d, d->args[2]);
	rn_sep(d);
	put_int64_ptr(d, d->args[3]);
	rn_sep(d);
	rn_put_u(d, d->args[4]);
	rn_sep(d);
}

RN_SYS_FUNC(splice)
{
	put_fd_off_pair(d);
	rn_put_flags(d, &rn_xlat_desc_splice_flags, (uint32_t)d->args[5], "SPLICE_F_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(copy_file_range)
{
	put_fd_off_pair(d);
	rn_putf(d, "%u", (unsigned)d->args[5]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(tee)
{
	put_fds(d, 2);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_splice_flags, (uint32_t)d->args[3], "SPLICE_F_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(vmsplice)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_iovec_at(d, d->args[1], d->args[2], -1);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_splice_flags, (uint32_t)d->args[3], "SPLICE_F_???");
	return RN_DEC_DONE;
}

/* --- special descriptors --- */

RN_SYS_FUNC(memfd_create)
{
	/* The huge page size is a log2 in the top six bits. */
	const uint32_t huge_mask = 0x3fU << 26;
	uint32_t fl = (uint32_t)d->args[1];

	rn_put_cstr(d, d->args[0]);
	rn_sep(d);
	uint32_t low = fl & ~huge_mask;
	if (!(fl & huge_mask)) {
		rn_put_flags(d, &rn_xlat_desc_mfd_flags, low, "MFD_???");
		return RN_DEC_DONE;
	}
	if (low)
		rn_put_flags(d, &rn_xlat_desc_mfd_flags, low, "MFD_???");
	rn_putf(d, "%s%u<<MFD_HUGE_SHIFT", low ? "|" : "", (fl & huge_mask) >> 26);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(eventfd)
{
	rn_putf(d, "%u", (unsigned)d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(eventfd2)
{
	rn_putf(d, "%u", (unsigned)d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_efd_flags, (uint32_t)d->args[1], "EFD_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(timerfd_create)
{
	rn_put_xval(d, &rn_xlat_time_clocks, (uint32_t)d->args[0], "CLOCK_???");
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_tfd_flags, (uint32_t)d->args[1], "TFD_???");
	return RN_DEC_DONE;
}

static void put_itimerspec(struct rn_dctx *d, uint64_t addr)
{
	int64_t t[4];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, t, sizeof(t)))
		return;
	rn_putf(d, "{it_interval={tv_sec=%lld, tv_nsec=%llu}, ", (long long)t[0],
		(unsigned long long)t[1]);
	rn_putf(d, "it_value={tv_sec=%lld, tv_nsec=%llu}}", (long long)t[2],
		(unsigned long long)t[3]);
}

RN_SYS_FUNC(timerfd_settime)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_desc_tfd_timer_flags, (uint32_t)d->args[1],
			     "TFD_TIMER_???");
		rn_sep(d);
		put_itimerspec(d, d->args[2]);
		rn_sep(d);
		return 0;
	}
	put_itimerspec(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(timerfd_gettime)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_itimerspec(d, d->args[1]);
	return 0;
}

static void put_signalfd(struct rn_dctx *d)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_sigset_at(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
}

RN_SYS_FUNC(signalfd)
{
	put_signalfd(d);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(signalfd4)
{
	put_signalfd(d);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_sfd_flags, (uint32_t)d->args[3], "SFD_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(inotify_init1)
{
	rn_put_flags(d, &rn_xlat_desc_inotify_init_flags, (uint32_t)d->args[0], "IN_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(inotify_add_watch)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_desc_inotify_flags, (uint32_t)d->args[2], "IN_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(inotify_rm_watch)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int32_t)d->args[1]);
	return RN_DEC_DONE;
}

/* --- poll --- */

struct k_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

static void put_pollfds(struct rn_dctx *d, uint64_t addr, uint64_t n)
{
	const uint64_t esz = sizeof(struct k_pollfd);
	if (!rn_put_array_begin(d, addr, n, esz))
		return;
	for (uint64_t i = 0; i < n; i++) {
		struct k_pollfd p;
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, i ? "..." : "[...");
			break;
		}
		if (rn_mem_read(d->pid, addr + i * esz, &p, sizeof(p)) < 0) {
			if (!i) {
				rn_put_ptr(d, addr);
				return;
			}
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * esz));
			break;
		}
		if (!i)
			rn_put(d, "[");
		rn_put(d, "{fd=");
		rn_put_fd(d, (uint64_t)(int64_t)p.fd);
		rn_put(d, ", events=");
		rn_put_flags(d, &rn_xlat_desc_poll_events, (uint16_t)p.events, NULL);
		rn_put(d, "}");
	}
	rn_put(d, "]");
}

/* The note after poll's result: the descriptors with revents, and for
 * ppoll the time left. Written into d->rx. */
static void poll_note(struct rn_dctx *d, uint64_t addr, uint64_t n, uint64_t ts)
{
	const uint64_t esz = sizeof(struct k_pollfd);
	if (d->failed)
		return;
	if (d->ret == 0) {
		rn_buf_put(d->rx, " (Timeout)");
		return;
	}
	if (!addr || n > UINT64_MAX / esz)
		return;
	struct rn_buf *out = rn_rx_begin(d);
	rn_put(d, " ([");
	unsigned shown = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct k_pollfd p;
		if (rn_mem_read(d->pid, addr + i * esz, &p, sizeof(p)) < 0)
			break;
		if (!p.revents)
			continue;
		if (shown)
			rn_put(d, ", ");
		if (shown >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		rn_putf(d, "{fd=%d, revents=", p.fd); /* plain, as strace */
		rn_put_flags(d, &rn_xlat_desc_poll_events, (uint16_t)p.revents, NULL);
		rn_put(d, "}");
		shown++;
	}
	rn_put(d, "]");
	if (ts) {
		int64_t t[2];
		if (rn_mem_read(d->pid, ts, t, sizeof(t)) == 0)
			rn_putf(d, ", left {tv_sec=%lld, tv_nsec=%llu}", (long long)t[0],
				(unsigned long long)t[1]);
	}
	rn_put(d, ")");
	rn_rx_end(d, out);
}

RN_SYS_FUNC(poll)
{
	if (!d->exiting) {
		put_pollfds(d, d->args[0], (uint32_t)d->args[1]);
		rn_sep(d);
		rn_putf(d, "%u", (unsigned)d->args[1]);
		rn_sep(d);
		rn_put_d(d, (int32_t)d->args[2]);
		return 0;
	}
	poll_note(d, d->args[0], (uint32_t)d->args[1], 0);
	return 0;
}

RN_SYS_FUNC(ppoll)
{
	if (!d->exiting) {
		put_pollfds(d, d->args[0], (uint32_t)d->args[1]);
		rn_sep(d);
		rn_putf(d, "%u", (unsigned)d->args[1]);
		rn_sep(d);
		rn_put_timespec_at(d, d->args[2]);
		rn_sep(d);
		rn_put_sigset_at(d, d->args[3], d->args[4]);
		rn_sep(d);
		rn_put_u(d, d->args[4]);
		return 0;
	}
	poll_note(d, d->args[0], (uint32_t)d->args[1], d->args[2]);
	return 0;
}

/* --- select --- */

/* An fd_set of nfds bits: [3 4]. */
static void put_fdset(struct rn_dctx *d, uint64_t addr, int nfds)
{
	unsigned char set[FDSET_MAX_FDS / 8];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	if (nfds < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	if (nfds > FDSET_MAX_FDS)
		nfds = FDSET_MAX_FDS;
	/* The kernel reads whole longs. */
	size_t bytes = (size_t)(nfds + 63) / 64 * 8;
	if (bytes && rn_mem_read(d->pid, addr, set, bytes) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put(d, "[");
	bool first = true;
	for (int i = 0; i < nfds; i++) {
		if (!(set[i / 8] >> (i % 8) & 1))
			continue;
		if (!first)
			rn_put(d, " ");
		rn_put_fd(d, (uint64_t)i);
		first = false;
	}
	rn_put(d, "]");
}

/* One "in [3]" part of select's note; returns whether it printed. The
 * kernel writes back only up to its highest open descriptor, so the bits
 * past that are stale: like strace, stop once *left descriptors (the
 * result) have been shown. */
static bool select_note_set(struct rn_dctx *d, const char *name, uint64_t addr, int nfds, bool sep,
			    int64_t *left)
{
	unsigned char set[FDSET_MAX_FDS / 8];
	if (!addr || nfds <= 0 || *left <= 0)
		return false;
	size_t bytes = (size_t)(nfds + 63) / 64 * 8;
	if (rn_mem_read(d->pid, addr, set, bytes) < 0)
		return false;
	bool any = false;
	for (int i = 0; i < nfds; i++) {
		if (*left <= 0)
			break;
		if (!(set[i / 8] >> (i % 8) & 1))
			continue;
		if (!any)
			rn_putf(d, "%s%s [", sep ? ", " : "", name);
		else
			rn_put(d, " ");
		rn_putf(d, "%d", i);
		any = true;
		--*left;
	}
	if (any)
		rn_put(d, "]");
	return any;
}

static void select_note(struct rn_dctx *d, uint64_t tv, bool nsec)
{
	static const char *const names[3] = {"in", "out", "except"};
	int nfds = (int)d->args[0];
	int64_t left = d->ret;

	if (d->failed)
		return;
	if (d->ret == 0) {
		rn_buf_put(d->rx, " (Timeout)");
		return;
	}
	if (nfds > FDSET_MAX_FDS)
		nfds = FDSET_MAX_FDS;
	struct rn_buf *out = rn_rx_begin(d);
	rn_put(d, " (");
	bool any = false;
	for (int i = 0; i < 3; i++)
		any |= select_note_set(d, names[i], d->args[1 + i], nfds, any, &left);
	if (tv) {
		int64_t t[2];
		if (rn_mem_read(d->pid, tv, t, sizeof(t)) == 0)
			rn_putf(d, "%sleft {tv_sec=%lld, %s=%llu}", any ? ", " : "",
				(long long)t[0], nsec ? "tv_nsec" : "tv_usec",
				(unsigned long long)t[1]);
	}
	rn_put(d, ")");
	rn_rx_end(d, out);
}

static void select_args(struct rn_dctx *d)
{
	int nfds = (int)d->args[0];
	rn_put_d(d, nfds);
	for (int i = 1; i <= 3; i++) {
		rn_sep(d);
		put_fdset(d, d->args[i], nfds);
	}
	rn_sep(d);
}

RN_SYS_FUNC(select)
{
	if (!d->exiting) {
		select_args(d);
		rn_put_timeval_at(d, d->args[4]);
		return 0;
	}
	select_note(d, d->args[4], false);
	return 0;
}

RN_SYS_FUNC(pselect6)
{
	if (!d->exiting) {
		select_args(d);
		rn_put_timespec_at(d, d->args[4]);
		rn_sep(d);
		uint64_t sm[2];
		if (!d->args[5]) {
			rn_put(d, "NULL");
		} else if (rn_fetch_or_addr(d, d->args[5], sm, sizeof(sm))) {
			rn_put(d, "{sigmask=");
			rn_put_sigset_at(d, sm[0], sm[1]);
			rn_putf(d, ", sigsetsize=%llu}", (unsigned long long)sm[1]);
		}
		return 0;
	}
	select_note(d, d->args[4], true);
	return 0;
}

/* --- epoll --- */

struct k_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static void put_epoll_event(struct rn_dctx *d, const struct k_epoll_event *ev)
{
	rn_put(d, "{events=");
	rn_put_flags(d, &rn_xlat_desc_epoll_events, ev->events, "EPOLL???");
	rn_putf(d, ", data={u32=%u, u64=%llu}}", (uint32_t)ev->data, (unsigned long long)ev->data);
}

RN_SYS_FUNC(epoll_create)
{
	rn_put_d(d, (int32_t)d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(epoll_create1)
{
	rn_put_flags(d, &rn_xlat_desc_epoll_flags, (uint32_t)d->args[0], "EPOLL_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(epoll_ctl)
{
	struct k_epoll_event ev;
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_desc_epoll_ctl_ops, (uint32_t)d->args[1], "EPOLL_CTL_???");
	rn_sep(d);
	rn_put_fd(d, d->args[2]);
	rn_sep(d);
	/* EPOLL_CTL_DEL ignores the event: strace shows only its address. */
	if ((uint32_t)d->args[1] == 2)
		rn_put_ptr(d, d->args[3]);
	else if (rn_fetch_or_addr(d, d->args[3], &ev, sizeof(ev)))
		put_epoll_event(d, &ev);
	return RN_DEC_DONE;
}

/* The events epoll_wait returned, at exit. */
static void put_epoll_events(struct rn_dctx *d, uint64_t addr)
{
	const uint64_t esz = sizeof(struct k_epoll_event);
	if (d->failed || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	uint64_t n = (uint64_t)d->ret;
	rn_put(d, "[");
	for (uint64_t i = 0; i < n; i++) {
		struct k_epoll_event ev;
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		if (rn_mem_read(d->pid, addr + i * esz, &ev, sizeof(ev)) < 0) {
			rn_putf(d, "... /* %#llx */", (unsigned long long)(addr + i * esz));
			break;
		}
		put_epoll_event(d, &ev);
	}
	rn_put(d, "]");
}

/* epoll_wait and its variants: which says what follows maxevents. */
enum { EPW_PLAIN, EPW_SIGMASK, EPW_TIMESPEC };

static int put_epoll_wait(struct rn_dctx *d, int which)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_epoll_events(d, d->args[1]);
	rn_sep(d);
	rn_put_d(d, (int32_t)d->args[2]);
	rn_sep(d);
	if (which == EPW_TIMESPEC)
		rn_put_timespec_at(d, d->args[3]);
	else
		rn_put_d(d, (int32_t)d->args[3]);
	if (which != EPW_PLAIN) {
		rn_sep(d);
		rn_put_sigset_at(d, d->args[4], d->args[5]);
		rn_sep(d);
		rn_put_u(d, d->args[5]);
	}
	return 0;
}

RN_SYS_FUNC(epoll_wait)
{
	return put_epoll_wait(d, EPW_PLAIN);
}

RN_SYS_FUNC(epoll_pwait)
{
	return put_epoll_wait(d, EPW_SIGMASK);
}

RN_SYS_FUNC(epoll_pwait2)
{
	return put_epoll_wait(d, EPW_TIMESPEC);
}

/* --- ioctl --- */

/* Kernel struct termios: four flag words, the line discipline, 19 control chars. */
struct k_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[19];
};

/* One delay field of c_oflag and the separator after it; every value of
 * each field has a name. */
static void put_field(struct rn_dctx *d, const struct rn_xlat *x, uint32_t v, uint32_t mask)
{
	const char *n = rn_xlat_lookup(x, v & mask);
	rn_put(d, n ? n : "?");
	rn_put(d, "|");
}

/* strace prints an empty termios flag word as nothing at all ("c_iflag=,"). */
static void put_term_flags(struct rn_dctx *d, const struct rn_xlat *x, uint32_t v)
{
	if (v)
		rn_put_flags(d, x, v, NULL);
}

static void put_termios_val(struct rn_dctx *d, const struct k_termios *tp)
{
	const struct k_termios t = *tp;
	rn_put(d, "{c_iflag=");
	put_term_flags(d, &rn_xlat_desc_term_iflags, t.c_iflag);
	/* The delay fields always print, each with its '|' even when no
	 * flag follows (strace shows "FF0|, c_cflag="). */
	rn_put(d, ", c_oflag=");
	put_field(d, &rn_xlat_desc_term_nldly, t.c_oflag, 0000400);
	put_field(d, &rn_xlat_desc_term_crdly, t.c_oflag, 0003000);
	put_field(d, &rn_xlat_desc_term_tabdly, t.c_oflag, 0014000);
	put_field(d, &rn_xlat_desc_term_bsdly, t.c_oflag, 0020000);
	put_field(d, &rn_xlat_desc_term_vtdly, t.c_oflag, 0040000);
	put_field(d, &rn_xlat_desc_term_ffdly, t.c_oflag, 0100000);
	put_term_flags(d, &rn_xlat_desc_term_oflags, t.c_oflag & ~(uint32_t)0177400);
	rn_put(d, ", c_cflag=");
	const char *baud = rn_xlat_lookup(&rn_xlat_desc_baud, t.c_cflag & 0010017);
	if (baud)
		rn_put(d, baud);
	else
		rn_putf(d, "%#x", t.c_cflag & 0010017);
	rn_put(d, "|");
	/* The input speed (CIBAUD), when set, is the same code shifted. */
	const uint32_t cibaud = 002003600000, ibshift = 16;
	if (t.c_cflag & cibaud) {
		uint32_t ib = (t.c_cflag & cibaud) >> ibshift;
		const char *n = rn_xlat_lookup(&rn_xlat_desc_baud, ib);
		if (n)
			rn_putf(d, "%s<<IBSHIFT|", n);
		else
			rn_putf(d, "%#x<<IBSHIFT|", ib);
	}
	put_field(d, &rn_xlat_desc_term_csize, t.c_cflag, 0000060);
	put_term_flags(d, &rn_xlat_desc_term_cflags, t.c_cflag & ~(0010077 | cibaud));
	rn_put(d, ", c_lflag=");
	put_term_flags(d, &rn_xlat_desc_term_lflags, t.c_lflag);
	rn_put(d, ", ...}");
}

static void put_termios(struct rn_dctx *d, uint64_t addr)
{
	struct k_termios t;
	if (rn_fetch_or_addr(d, addr, &t, sizeof(t)))
		put_termios_val(d, &t);
}

/* struct termio (TCGETA & co): the same words as 16-bit fields. */
static void put_termio(struct rn_dctx *d, uint64_t addr)
{
	uint16_t w[4];
	unsigned char raw[18]; /* the four words, c_line, c_cc[8], padding */
	if (!rn_fetch_or_addr(d, addr, raw, sizeof(raw)))
		return;
	memcpy(w, raw, sizeof(w));
	struct k_termios t = {.c_iflag = w[0], .c_oflag = w[1], .c_cflag = w[2], .c_lflag = w[3]};
	put_termios_val(d, &t);
}

static void put_fs_flags(struct rn_dctx *d, uint64_t addr)
{
	uint32_t v;
	if (!rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		return;
	rn_put(d, "[");
	rn_put_flags(d, &rn_xlat_desc_fs_flags, v, "FS_???_FL");
	rn_put(d, "]");
}

static void put_winsize(struct rn_dctx *d, uint64_t addr)
{
	uint16_t w[4];
	if (!rn_fetch_or_addr(d, addr, w, sizeof(w)))
		return;
	rn_putf(d, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1], w[2], w[3]);
}

/* The request: all the names strace knows for the code ("A or B"), else
 * the _IOC() decomposition. */
static void put_ioctl_req(struct rn_dctx *d, uint32_t req)
{
	const struct rn_xlat *x = &rn_xlat_desc_ioctls;
	bool found = false;
	for (size_t i = 0; i < x->n; i++) {
		if (x->e[i].val != req)
			continue;
		if (found)
			rn_put(d, " or ");
		rn_put(d, x->e[i].name);
		found = true;
	}
	if (found)
		return;
	unsigned dir = req >> 30, type = (req >> 8) & 0xff, nr = req & 0xff;
	unsigned size = (req >> 16) & 0x3fff;
	rn_put(d, "_IOC(");
	rn_put_flags(d, &rn_xlat_desc_ioc_dirs, dir, NULL);
	rn_putf(d, ", %#x, %#x, ", type, nr);
	rn_put_x(d, size);
	rn_put(d, ")");
}

enum ioarg {
	IOA_RAW,       /* hex, at entry */
	IOA_NONE,      /* no argument */
	IOA_INT_IN,    /* [int] at entry */
	IOA_INT_OUT,   /* [int] at exit */
	IOA_U64_OUT,   /* [uint64] at exit */
	IOA_MODEM_IN,  /* [TIOCM_*] at entry */
	IOA_MODEM_OUT, /* [TIOCM_*] at exit */
	IOA_CHAR_IN,   /* one byte, quoted */
	IOA_TERMIOS_IN,
	IOA_TERMIOS_OUT,
	IOA_TERMIO_IN,
	IOA_TERMIO_OUT,
	IOA_FSFL_IN, /* [FS_*_FL] at entry */
	IOA_FSFL_OUT,
	IOA_WINSZ_IN,
	IOA_WINSZ_OUT,
	IOA_TCFLSH,
	IOA_TCXONC,
	IOA_DEC, /* the argument itself, as an int */
	IOA_SOCK_IN,  /* socket ioctls (net.c), decoded at entry */
	IOA_SOCK_OUT, /* ... at exit */
	IOA_PTR,      /* NULL or 0x... */
};

static enum ioarg ioctl_arg_kind(uint32_t req)
{
	switch (req) {
	case TCGETS:
		return IOA_TERMIOS_OUT;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return IOA_TERMIOS_IN;
	case TCGETA:
		return IOA_TERMIO_OUT;
	case TCSETA:
	case TCSETAW:
	case TCSETAF:
		return IOA_TERMIO_IN;
	case TIOCGWINSZ:
		return IOA_WINSZ_OUT;
	case TIOCSWINSZ:
		return IOA_WINSZ_IN;
	case TIOCMGET:
		return IOA_MODEM_OUT;
	case TIOCMBIS:
	case TIOCMBIC:
	case TIOCMSET:
		return IOA_MODEM_IN;
	case TCFLSH:
		return IOA_TCFLSH;
	case TCXONC:
		return IOA_TCXONC;
	case TIOCSTI:
		return IOA_CHAR_IN;
	case TCSBRK:
	case TCSBRKP:
	case TIOCSCTTY:
	case FICLONE: /* the source descriptor */
		return IOA_DEC;
	case TIOCEXCL:
	case TIOCNXCL:
	case TIOCCONS:
	case TIOCNOTTY:
	case TIOCSBRK:
	case TIOCCBRK:
	case TIOCVHANGUP:
	case FIONCLEX:
	case FIOCLEX:
	case BLKFLSBUF:
	case FIFREEZE:
	case FITHAW:
		return IOA_NONE;
	case TIOCSPGRP:
	case TIOCSSOFTCAR:
	case TIOCPKT:
	case FIONBIO:
	case TIOCSETD:
	case FIOASYNC:
	case TIOCSPTLCK:
	case FIOSETOWN:
	case SIOCSPGRP:
	case RNDADDTOENTCNT:
		return IOA_INT_IN;
	case TIOCGPGRP:
	case TIOCOUTQ:
	case TIOCGSOFTCAR:
	case FIONREAD:
	case TIOCGETD:
	case TIOCGSID:
	case TIOCGPTN:
	case FIOGETOWN:
	case SIOCGPGRP:
	case SIOCATMARK:
	case RNDGETENTCNT:
	case BLKROGET:
	case BLKSSZGET:
	case BLKBSZGET:
	case FS_IOC_GETVERSION:
		return IOA_INT_OUT;
	case BLKGETSIZE:
	case BLKGETSIZE64:
		return IOA_U64_OUT;
	case FS_IOC_SETFLAGS:
	case FS_IOC32_SETFLAGS:
		return IOA_FSFL_IN;
	case FS_IOC_GETFLAGS:
	case FS_IOC32_GETFLAGS:
		return IOA_FSFL_OUT;
	default:
		/* Named socket ioctls take a pointer; unnamed ones print raw. */
		if ((req & 0xffff0000u) == 0 && (req >> 8) == 0x89 &&
		    rn_xlat_lookup(&rn_xlat_desc_ioctls, req)) {
			int w = rn_sockioc_when(req);
			return w == RN_SOCKIOC_ENTRY  ? IOA_SOCK_IN
			       : w == RN_SOCKIOC_EXIT ? IOA_SOCK_OUT
			       : w == RN_SOCKIOC_PTR  ? IOA_PTR
						      : IOA_RAW;
		}
		return IOA_RAW;
	}
}

static void put_modem(struct rn_dctx *d, uint64_t addr)
{
	uint32_t v;
	if (!rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		return;
	rn_put(d, "[");
	rn_put_flags(d, &rn_xlat_desc_modem_flags, v, NULL);
	rn_put(d, "]");
}

RN_SYS_FUNC(ioctl)
{
	uint32_t req = (uint32_t)d->args[1];
	uint64_t arg = d->args[2];
	enum ioarg k = ioctl_arg_kind(req);

	if (d->exiting) {
		/* Only the *_OUT kinds come back here. */
		if (k == IOA_SOCK_OUT) {
			/* A failed call still shows the request's input part. */
			rn_put_sockioc_arg(d, req, arg);
			return 0;
		}
		if (d->failed) {
			rn_put_ptr(d, arg);
			return 0;
		}
		switch (k) {
		case IOA_INT_OUT:
			put_int_ptr(d, arg);
			break;
		case IOA_U64_OUT:
			put_int64_ptr(d, arg);
			break;
		case IOA_MODEM_OUT:
			put_modem(d, arg);
			break;
		case IOA_TERMIOS_OUT:
			put_termios(d, arg);
			break;
		case IOA_TERMIO_OUT:
			put_termio(d, arg);
			break;
		case IOA_FSFL_OUT:
			put_fs_flags(d, arg);
			break;
		case IOA_WINSZ_OUT:
			put_winsize(d, arg);
			break;
		default:
			rn_put_x(d, arg);
			break;
		}
		return 0;
	}
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_ioctl_req(d, req);
	if (k == IOA_NONE)
		return RN_DEC_DONE;
	rn_sep(d);
	switch (k) {
	case IOA_INT_OUT:
	case IOA_U64_OUT:
	case IOA_MODEM_OUT:
	case IOA_TERMIOS_OUT:
	case IOA_TERMIO_OUT:
	case IOA_FSFL_OUT:
	case IOA_WINSZ_OUT:
		return 0;
	case IOA_SOCK_OUT:
		rn_sockioc_note(d, req, arg);
		return 0;
	case IOA_SOCK_IN:
		rn_put_sockioc_arg(d, req, arg);
		break;
	case IOA_PTR:
		rn_put_ptr(d, arg);
		break;
	case IOA_TERMIO_IN:
		put_termio(d, arg);
		break;
	case IOA_FSFL_IN:
		put_fs_flags(d, arg);
		break;
	case IOA_MODEM_IN:
		put_modem(d, arg);
		break;
	case IOA_CHAR_IN:
		rn_put_str(d, arg, 1);
		break;
	case IOA_INT_IN:
		put_int_ptr(d, arg);
		break;
	case IOA_TERMIOS_IN:
		put_termios(d, arg);
		break;
	case IOA_WINSZ_IN:
		put_winsize(d, arg);
		break;
	case IOA_TCFLSH:
		rn_put_xval(d, &rn_xlat_desc_tcflsh, arg, "TC???");
		break;
	case IOA_TCXONC:
		rn_put_xval(d, &rn_xlat_desc_tcxonc, arg, "TC???");
		break;
	case IOA_DEC:
		rn_put_d(d, (int32_t)arg);
		break;
	default:
		rn_put_x(d, arg);
		break;
	}
	return RN_DEC_DONE;
}
