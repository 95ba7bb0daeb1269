// SPDX-License-Identifier: GPL-2.0 OR MIT
#pragma once
/* What the kernel side (renacer.bpf.c) and renacer share: the capture
 * specification userspace writes per syscall, the records the programs
 * put in the ring buffer, and the in-kernel statistics. Included by both
 * the BPF object (vmlinux.h types) and renacer (<linux/types.h>). */

#define RN_MAX_SYSCALLS 512

/* --- -c: per syscall and CPU ------------------------------------------------
 * Latency histogram: durations below 16 ns exactly, above in log2 ranges
 * split into 16 linear sub-buckets, so a bucket's width is at most 1/16 of
 * its lower bound (percentiles read from it are within 6.25%). Durations
 * from 2^40 ns (18 minutes) up share the last bucket. */
#define RN_HIST_SUB_BITS 4
#define RN_HIST_SUB	 (1u << RN_HIST_SUB_BITS)
#define RN_HIST_MAX_LOG	 40
#define RN_HIST_BUCKETS	 (RN_HIST_SUB + (RN_HIST_MAX_LOG - RN_HIST_SUB_BITS) * RN_HIST_SUB)

struct rn_bpf_stat {
	__u64 calls, errors, total_ns, min_ns, max_ns;
};

/* Kept only for --stats-extended (a separate map, one entry otherwise):
 * several KiB per syscall and CPU that plain -c need not allocate. */
struct rn_bpf_hist {
	__u64 b[RN_HIST_BUCKETS];
};

/* --- event stream: what to copy from the program's memory -----------------
 * Up to RN_CAP_SLOTS captures per syscall, at entry or at exit. */
enum rn_cap_kind {
	RN_CAP_NONE,
	RN_CAP_STR,    /* NUL-terminated string at args[arg], at most max bytes */
	RN_CAP_FIXED,  /* max bytes at args[arg] */
	RN_CAP_ARGLEN, /* args[len_arg] * esz bytes at args[arg], at most max */
	RN_CAP_RETLEN, /* ret * esz bytes at args[arg], at most max (exit only) */
	RN_CAP_STRV,   /* NULL-terminated pointer array at args[arg] (max bytes of
			* it) and each string in it, at most esz bytes each */
	RN_CAP_LENPTR, /* socklen_t at args[len_arg], then that many bytes at
			* args[arg], at most max */
	RN_CAP_IOV,    /* struct iovec[args[len_arg]] at args[arg] and each
			* buffer, at most esz bytes each */
	RN_CAP_MSGHDR, /* struct msghdr at args[arg], its name, iovec (buffers
			* at most esz bytes each) and control data (max bytes) */
	RN_CAP_NODEMASK, /* a bit mask of args[len_arg] - 1 bits in 64-bit words
			  * at args[arg] (NUMA node masks), at most max bytes */
};

#define RN_CAP_SLOTS 8

struct rn_cap {
	__u8 kind, arg, len_arg, at_exit;
	__u16 esz, max;
};

struct rn_capspec {
	struct rn_cap c[RN_CAP_SLOTS];
};

/* --- event stream: ring-buffer records ---------------------------------------
 * A record is a header followed by nblobs blobs; each blob is a header and
 * len bytes, padded to 8. */
enum rn_rec_type {
	RN_REC_ENTER = 1, /* nr, args; blobs captured at entry */
	RN_REC_EXIT,	  /* ret, ts = the call's duration; blobs captured at exit */
	RN_REC_FORK,	  /* a traced task made a new task: ret = its tid, nr = 1 for a process */
	RN_REC_TASK_EXIT, /* a traced task ended: ret = its exit code (wait status form) */
	RN_REC_SIGNAL,	  /* a signal is being delivered: ret = its number; blob at 0: the siginfo */
};

struct rn_rec {
	__u32 type, tid;
	__u32 tgid;
	__s32 nr;
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__s64 ret;
	__u64 args[6];
	__u32 flags, len; /* len: the whole record, header included; blobs fill the rest */
};

/* ENTER: some entry captures failed and are taken again at exit; decode
 * the entry half then. */
#define RN_RECF_DEFER 1u
/* ENTER, TASK_EXIT: the task's previous exit record was lost (counted):
 * the call renacer holds as pending is not to be reported. */
#define RN_RECF_PREV_LOST 2u

#define RN_BLOB_TRUNC 1u /* a string that did not end within the bytes kept */

struct rn_blob {
	__u64 addr;
	__u32 len, flags;
};

#define RN_SCRATCH     16384 /* the most a record takes */
#define RN_MAX_COPY    4096  /* the most one blob takes */
#define RN_STRV_MAX    64    /* strings of an argv/envp kept */
#define RN_IOV_MAX     64    /* buffers of an iovec kept */
