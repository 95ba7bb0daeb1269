// SPDX-License-Identifier: MIT
#pragma once
/* Argument decoding: renders a syscall's arguments and result the way strace
 * does. The backend calls rn_decode_entry() at the syscall-entry stop and
 * rn_decode_exit() at the exit stop while the tracee is stopped, so decoders
 * may read its memory. Decoders print through the rn_put_* vocabulary below,
 * never printf, so every output format shares them.
 *
 * Writing a decoder (one file per family: file.c, io.c, net.c, ...):
 *
 *	RN_SYS_FUNC(close)
 *	{
 *		rn_put_fd(d, d->args[0]);
 *		return RN_DEC_DONE;        // everything printed at entry
 *	}
 *
 *	RN_SYS_FUNC(read)
 *	{
 *		if (!d->exiting) {
 *			rn_put_fd(d, d->args[0]);
 *			rn_sep(d);
 *			return 0;          // come back at exit for the buffer
 *		}
 *		rn_put_str_out(d, d->args[1], d->ret);  // address on failure
 *		rn_sep(d);
 *		rn_put_u(d, d->args[2]);
 *		return 0;
 *	}
 *
 * rn_sep() separates arguments (", ") and records where the next one
 * starts, for the structured outputs. At exit d->failed says the call
 * returned an error. Set d->rval (at entry or exit; it is kept between the
 * halves) to change how the result prints, and
 * append to d->rx for a trailing note (" (flags O_RDWR)"). Data read from
 * the tracee is untrusted: every helper bounds its reads.
 * Not thread-safe per context; contexts are independent. */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "decode/syscalls.h"
#include "decode/xlat.h"

/* The prototype keeps -Wmissing-prototypes quiet: the only caller is the
 * generated table, through a weak declaration. */
#define RN_SYS_FUNC(name)                    \
	int rn_sys_##name(struct rn_dctx *d); \
	int rn_sys_##name(struct rn_dctx *d)

/* Decoder return values. */
#define RN_DEC_DONE 1 /* at entry: all arguments printed, skip the exit call */

enum rn_rval {
	RN_RVAL_DEC = 0, /* signed decimal (default) */
	RN_RVAL_HEX,	 /* 0x... (mmap, brk) */
	RN_RVAL_OCT,	 /* 0NNN (umask) */
	RN_RVAL_UDEC,	 /* unsigned decimal */
	RN_RVAL_NONE,	 /* "?" */
};

#define RN_MAX_ARGS 6

struct rn_decode_opts {
	unsigned string_limit; /* -s N: bytes of a string shown (default 32) */
	unsigned abbrev_limit; /* elements of an array shown before "..." (strace: -s too) */
	unsigned xflag;	       /* -x: 1 non-ASCII strings in hex, -xx: 2 every string */
	unsigned decode_fds;   /* -y: 1 file descriptors with their paths */
	const char *const *paths; /* -P: the traced paths (npaths of them) */
	size_t npaths;
};

struct rn_dctx {
	pid_t pid;
	long nr;
	const struct rn_sysent *ent; /* NULL for unknown numbers */
	uint64_t args[RN_MAX_ARGS];
	int64_t ret;   /* valid when exiting */
	bool exiting;  /* false at entry, true at exit */
	bool failed;   /* exiting and ret is -errno */
	enum rn_rval rval;
	struct rn_buf *out; /* argument text */
	struct rn_buf *rx;  /* appended after the result */
	uint32_t *arg_off;  /* [RN_MAX_ARGS + 1] */
	unsigned *narg;
	const struct rn_decode_opts *o;
	uint64_t priv[2]; /* decoder state kept from entry to exit */
	long restart_nr;  /* restart_syscall: the call it resumes, -1 if unknown */
	bool *path_hit;	  /* -P: set when a path or fd argument is a traced path */
};

/* Decode the entry half; returns true when rn_decode_exit() is needed. */
bool rn_decode_entry(struct rn_dctx *d);
/* Decode the exit half (when call_decoder, i.e. rn_decode_entry() said so)
 * and render the result into rval. d->ret and d->failed must be set. */
void rn_decode_exit(struct rn_dctx *d, bool call_decoder, struct rn_buf *rval);
/* Render the default raw argument list (hex for pointers, decimal else). */
void rn_decode_raw_args(struct rn_dctx *d);
/* The errno name for err (ENOENT), or NULL. */
const char *rn_errno_name(long err);
/* The signal name for sig (SIGCHLD, SIGRT_3), or NULL when out of range. */
const char *rn_signal_name(int sig, char *tmp, size_t tmplen);

/* Render a siginfo the way strace shows it in "--- SIGCHLD {...} ---" (signal.c). */
void rn_decode_siginfo(struct rn_dctx *d, const siginfo_t *si);
/* The same, appended to b ("{}" when nothing could be rendered). */
void rn_siginfo_text(struct rn_buf *b, const siginfo_t *si);

/* --- printing vocabulary (print.c) --- */
void rn_sep(struct rn_dctx *d);
void rn_put(struct rn_dctx *d, const char *s);
void rn_putf(struct rn_dctx *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rn_put_d(struct rn_dctx *d, int64_t v);   /* signed decimal */
void rn_put_u(struct rn_dctx *d, uint64_t v);  /* unsigned decimal */
void rn_put_x(struct rn_dctx *d, uint64_t v);  /* 0x... (0 prints as 0) */
void rn_put_oct(struct rn_dctx *d, uint64_t v); /* 0644 */
void rn_put_ptr(struct rn_dctx *d, uint64_t addr); /* NULL or 0x... */
void rn_put_fd(struct rn_dctx *d, uint64_t fd);	   /* int; with -y "3</etc/hosts>" */
/* The same into b, outside a decoder (a result that is a descriptor). */
void rn_put_fd_into(struct rn_buf *b, const struct rn_decode_opts *o, pid_t pid, int64_t fd);
void rn_put_dirfd(struct rn_dctx *d, uint64_t fd); /* AT_FDCWD or int */
/* A NUL-terminated path, quoted and escaped, up to PATH_MAX. */
void rn_put_path(struct rn_dctx *d, uint64_t addr);
/* A NUL-terminated string, truncated at -s with "...". */
void rn_put_cstr(struct rn_dctx *d, uint64_t addr);
/* A buffer of len bytes (as written), truncated at -s with "...". */
void rn_put_str(struct rn_dctx *d, uint64_t addr, uint64_t len);
/* Output buffer: the address on failure, else the first ret bytes. */
void rn_put_str_out(struct rn_dctx *d, uint64_t addr, int64_t ret);
/* Escape len bytes already read (quotes included); ellipsis appends "...". */
void rn_put_quoted(struct rn_dctx *d, const unsigned char *s, size_t len, bool ellipsis);
/* Whether -x/-xx show these bytes as a hex string. */
bool rn_wants_hex(const struct rn_dctx *d, const unsigned char *s, size_t len);
/* Every byte as \\xNN in quotes (random bytes, handles, binary fields), then
 * "..." when ellipsis. */
void rn_put_hex(struct rn_dctx *d, const unsigned char *p, size_t n, bool ellipsis);
/* Result notes (" (flags O_RDWR)"), written with the same printers as the
 * arguments: between these two the output goes to d->rx. */
struct rn_buf *rn_rx_begin(struct rn_dctx *d);
void rn_rx_end(struct rn_dctx *d, struct rn_buf *out);
/* Bit flags as strace prints them: "A|B|0x40"; "0" (or the name of a 0
 * entry) for 0; "0x40 / * dflt * /" when no name applies (dflt like
 * "O_???"; NULL: the bare number). */
void rn_put_flags(struct rn_dctx *d, const struct rn_xlat *x, uint64_t val, const char *dflt);
/* One enumeration value, or "0x.. / * dflt * /" when unknown (dflt may be NULL: plain number). */
void rn_put_xval(struct rn_dctx *d, const struct rn_xlat *x, uint64_t val, const char *dflt);
/* Start printing an array of n elements of esz bytes at addr: prints NULL,
 * [] or (when it would wrap the address space) the address, and returns
 * false, for arrays with no elements to show; true otherwise. */
bool rn_put_array_begin(struct rn_dctx *d, uint64_t addr, uint64_t n, uint64_t esz);
/* Signal number: SIGINT, SIGRT_2, or the decimal number. */
void rn_put_signo(struct rn_dctx *d, uint64_t sig);
/* A sigset_t of size bytes at addr: [INT TERM], ~[RTMIN RT_1]. */
void rn_put_sigset_at(struct rn_dctx *d, uint64_t addr, uint64_t size);
/* Like rn_put_sigset_at for a set already in memory. */
void rn_put_sigset(struct rn_dctx *d, const void *set, size_t size);

/* --- structure printers shared across families; each lives in one family file --- */
/* file.c: open(2) flags, access mode first: O_RDONLY|O_CLOEXEC. */
void rn_put_open_flags(struct rn_dctx *d, uint64_t flags);
/* file.c: a mode_t: 0644, or S_IFREG|0644 when file-type bits are set. */
void rn_put_mode(struct rn_dctx *d, uint64_t mode);
/* time.c: struct timespec at addr: {tv_sec=1, tv_nsec=500000000}; NULL; address when unreadable. */
void rn_put_timespec_at(struct rn_dctx *d, uint64_t addr);
/* time.c: struct timeval at addr: {tv_sec=1, tv_usec=0}. */
void rn_put_timeval_at(struct rn_dctx *d, uint64_t addr);
/* net.c: an interface index, if_nametoindex("lo") when this host has that
 * index, else the number. */
void rn_put_ifindex(struct rn_dctx *d, unsigned idx);
/* net.c: an IPv4 or IPv6 address (4 or 16 bytes): inet_addr("10.0.0.1"),
 * inet_pton(AF_INET6, "::1") or, with field, inet_pton(AF_INET6, "::1", &field). */
void rn_put_inet(struct rn_dctx *d, int family, const void *addr, const char *field);
/* net.c: a socket address of len bytes at addr: {sa_family=AF_INET, sin_port=htons(80), ...}. */
void rn_put_sockaddr_at(struct rn_dctx *d, uint64_t addr, uint64_t len);
/* Socket ioctls (type 0x89, net.c): when their argument is decoded,
 * RN_SOCKIOC_ENTRY (what the program passes), RN_SOCKIOC_EXIT (what the
 * kernel fills in: rn_sockioc_note() at entry keeps what exit needs) or
 * RN_SOCKIOC_PTR (printed as a pointer) or RN_SOCKIOC_RAW (as a number);
 * and the printer. */
enum { RN_SOCKIOC_PTR, RN_SOCKIOC_ENTRY, RN_SOCKIOC_EXIT, RN_SOCKIOC_RAW };
int rn_sockioc_when(uint32_t req);
void rn_sockioc_note(struct rn_dctx *d, uint32_t req, uint64_t arg);
void rn_put_sockioc_arg(struct rn_dctx *d, uint32_t req, uint64_t arg);
/* desc.c: an iovec array: [{iov_base="...", iov_len=5}, ...]; data_len bytes of
 * data in all are shown (as returned by readv), or each iov_len when data_len < 0. */
void rn_put_iovec_at(struct rn_dctx *d, uint64_t addr, uint64_t count, int64_t data_len);

/* Unaligned little-endian reads from bytes already fetched. */
static inline uint32_t rn_get_u32(const unsigned char *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t rn_get_u16(const unsigned char *p)
{
	uint16_t v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

/* --- tracee memory (mem.c) --- */
/* Read exactly len bytes at addr; returns 0 or -errno. */
int rn_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* Read up to len bytes, stopping at an unmapped page; returns the count read or -errno. */
ssize_t rn_mem_read_partial(pid_t pid, uint64_t addr, void *buf, size_t len);
/* Read a NUL-terminated string of at most len bytes (NUL excluded); returns
 * its length, len+1 when no NUL was found within len bytes, or -errno. */
ssize_t rn_mem_read_str(pid_t pid, uint64_t addr, char *buf, size_t len);
/* Memory captured elsewhere (the bpf backend copies it in the kernel at
 * entry and exit): while a snapshot is set, the readers above serve from it
 * on this thread, newest list first, and fail with -EFAULT for anything it
 * does not hold, so decoders print the address as for unreadable memory. */
struct rn_memblob {
	uint64_t addr;
	const unsigned char *data;
	size_t len;
};
struct rn_memsnap {
	const struct rn_memblob *v;
	size_t n;
	const struct rn_memsnap *next; /* consulted after this one */
};
/* Decode from s from now on (NULL: the live process again). */
void rn_mem_use_snapshot(const struct rn_memsnap *s);
/* Read an object; on failure print its address (or NULL) and return false. */
bool rn_fetch_or_addr(struct rn_dctx *d, uint64_t addr, void *obj, size_t size);
