// SPDX-License-Identifier: GPL-2.0 OR MIT
/* In-kernel side of the bpf backend. Follows the traced process tree
 * (sched_process_fork) and, per syscall of a traced task between the
 * raw_syscalls enter and exit tracepoints, either
 *  - aggregates (-c): calls, errors, total/min/max time (and with
 *    --stats-extended a latency histogram) per syscall and CPU, or
 *  - streams (the event trace): one ring-buffer record at entry and one at
 *    exit, each carrying the memory renacer's decoders will read (strings,
 *    buffers, structures: what wire.h's capture table says per syscall),
 *    plus records for new tasks, task exits and delivered signals.
 * Untraced tasks cost one inlined array lookup per syscall, syscalls
 * outside the filter bitmap one more. Records the ring buffer has no room
 * for are counted, never silently lost. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "wire.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader before the programs load. */
const volatile bool follow = false; /* -f: children too */
const volatile bool stream = false; /* records instead of aggregates */
const volatile bool want_hist = false; /* -c --stats-extended: latency histograms */
/* Wake renacer only once this much is waiting: a wakeup per record would
 * cost a context switch per syscall. renacer also polls every few ms. */
const volatile __u64 wake_bytes = 1 << 20;

/* Thread group ids being traced, one bit each over every possible pid
 * (PID_MAX_LIMIT, 4M on 64-bit: 512 KiB): an array lookup, which the
 * verifier inlines, where a hash lookup cost 35 ns a syscall here. */
#define RN_PID_LIMIT (4u << 20)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RN_PID_LIMIT / 64);
	__type(key, __u32);
	__type(value, __u64);
} traced SEC(".maps");

/* The child renacer started, HELD: traced from its execve on (what it does
 * between fork and exec is renacer's, as with ptrace); 0 once it execs. Set
 * by renacer before the programs attach. */
__u32 held_tgid = 0;

/* Per thread: the syscall in progress, in the task's own storage (no
 * hashing, nothing to delete: cheaper than a map keyed by thread id). */
struct entry {
	__u64 ts;
	__s64 nr;
	__u64 args[6];
	__u32 dropped; /* its entry record was lost: drop the exit too */
	__u32 retry;   /* entry captures to try again at exit */
	__u32 active;  /* between a traced entry and its exit */
	__u32 exit_lost; /* the last exit record was lost: say so with the next record */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct entry);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RN_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rn_bpf_stat);
} stats SEC(".maps");

/* Latency histograms of the syscalls that occur, per CPU (a hash created
 * empty: an array would hold 4.7 KiB for every syscall on every CPU, 40 MiB
 * on 16 cores, and take milliseconds to create). A new entry is copied
 * from hist_zero. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, RN_MAX_SYSCALLS); /* 1 without want_hist (the loader) */
	__type(key, __u32);
	__type(value, struct rn_bpf_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rn_bpf_hist);
} hist_zero SEC(".maps");

/* -e trace=: one bit per syscall number (all set when not filtering). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RN_MAX_SYSCALLS / 64);
	__type(key, __u32);
	__type(value, __u64);
} filter SEC(".maps");

/* What to copy per syscall (stream). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RN_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rn_capspec);
} caps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized by the loader */
} events SEC(".maps");

/* A record is built here, then copied into the ring buffer. The slack past
 * RN_SCRATCH lets the verifier see every copy in bounds. */
struct scratch {
	__u8 b[RN_SCRATCH + 2 * RN_MAX_COPY + 64];
	__u32 unchecked; /* records put since the last look at the fill level */
};

/* How often put_record looks at how full the ring buffer is: the look reads
 * the consumer's position, a cache line renacer's CPU keeps writing (10% of
 * the stream's time when done for every record). */
#define WAKE_CHECK_EVERY 32

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Records lost for want of ring-buffer room: [0] syscalls (an entry or
 * exit record; a lost entry drops its exit too, so each call counts once),
 * [1] task and signal records. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* The word of the traced bitmap holding tgid, and its bit. */
static __always_inline __u64 *traced_word(__u32 tgid, __u64 *bit)
{
	__u32 w = tgid / 64;
	*bit = 1ULL << (tgid % 64);
	return bpf_map_lookup_elem(&traced, &w);
}

static __always_inline bool group_traced(__u32 tgid)
{
	__u64 bit;
	__u64 *w = traced_word(tgid, &bit);
	return w && (*w & bit);
}

/* Whether the current task is traced; at the HELD child's execve, it now is. */
static __always_inline bool task_traced(__s64 nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	/* Without -f only the thread renacer started (or -p named). */
	if (!follow && (__u32)id != tgid)
		return false;
	if (!group_traced(tgid))
		return false;
	if (tgid == held_tgid) {
		if (nr != 59 && nr != 322) /* execve, execveat (x86_64) */
			return false;
		held_tgid = 0;
	}
	return true;
}

static __always_inline void count_lost(__u32 k)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &k);
	if (n)
		(*n)++;
}

/* Copy the record built in s (off bytes) to the ring buffer. Returns 0, or
 * -1 when there was no room (counted). A global function: the verifier
 * checks it once, and the record's size need not be tracked exactly along
 * every path that built it. */
__noinline int put_record(struct scratch *s, __u32 off, int syscall)
{
	if (!s)
		return -1;
	((struct rn_rec *)s->b)->len = off;
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (++s->unchecked >= WAKE_CHECK_EVERY) {
		s->unchecked = 0;
		if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes)
			flags = BPF_RB_FORCE_WAKEUP;
	}
	__u64 size = off;
	asm volatile("" : "+r"(size));
	if (size <= RN_SCRATCH) {
		size &= 2 * RN_SCRATCH - 1; /* a no-op the verifier can see */
		if (bpf_ringbuf_output(&events, s->b, size, flags) == 0)
			return 0;
	}
	count_lost(syscall ? 0 : 1);
	return -1;
}

static __always_inline void emit(__u8 *buf, __u32 off, struct entry *e, bool syscall)
{
	if (put_record((struct scratch *)buf, off, syscall) != 0 && e)
		e->dropped = 1;
}

/* --- captures ------------------------------------------------------------
 * The record is built in the per-CPU scratch buffer, a header then blobs.
 * Every step that appends is a global function, so the verifier checks each
 * once with any offset, instead of once per path through the capture table. */

#define BLOB_HDR ((__u32)sizeof(struct rn_blob))

/* An offset into the scratch buffer already checked to be below
 * RN_SCRATCH, masked again where the verifier sees it (the compiler may
 * have checked a copy in another register). */
static __always_inline __u64 at(__u64 off)
{
	asm volatile("" : "+r"(off));
	return off & (RN_SCRATCH - 1);
}

static __always_inline __u32 blob_end(__u32 off, int n)
{
	return off + BLOB_HDR + (((__u32)n + 7) & ~7u);
}

/* Copy len bytes (a string: up to len) at addr into a blob at off. Returns
 * the offset after it, or off when nothing could be copied. */
__noinline __u32 put_blob(struct scratch *s, __u32 off, __u64 addr, __u32 len, int str)
{
	if (!s || !addr || !len)
		return off;
	if (len > RN_MAX_COPY)
		len = RN_MAX_COPY;
	if (off > RN_SCRATCH || off + BLOB_HDR + len > RN_SCRATCH)
		return off;
	/* No-ops after the checks above; they let the verifier see the
	 * bounds whatever registers the compiler chose. */
	__u64 o = off, l = len;
	asm volatile("" : "+r"(o), "+r"(l));
	o &= RN_SCRATCH - 1;
	l &= 2 * RN_MAX_COPY - 1;
	__u8 *data = s->b + o + BLOB_HDR;
	struct rn_blob *bl = (struct rn_blob *)(s->b + o);
	long n;
	__u32 flags = 0;
	if (str) {
		n = bpf_probe_read_user_str(data, l, (const void *)addr);
		if (n <= 0)
			return off;
		/* n counts the NUL; n == len may be a cut string. */
		if (n == len) {
			flags = RN_BLOB_TRUNC;
			n--;
		}
	} else {
		if (bpf_probe_read_user(data, l, (const void *)addr) != 0)
			return off;
		n = l;
	}
	bl->addr = addr;
	bl->len = (__u32)n;
	bl->flags = flags;
	return blob_end(off, (int)n);
}

/* put_blob for the captures that are retried at exit: bit 31 of the result
 * says a non-NULL pointer could not be read. Callers fold the bit in with
 * arithmetic, not branches, so the verifier need not follow each
 * combination of failures. */
#define RETRY_BIT (1u << 31)
__noinline __u32 put_blob_r(struct scratch *s, __u32 off, __u64 addr, __u32 len, int str)
{
	__u32 end = put_blob(s, off, addr, len, str);
	return end == off && addr && len ? off | RETRY_BIT : end;
}

/* A NULL-terminated pointer array, read one pointer at a time (its end may
 * be the end of a mapping), then its first strings. */
struct strv_ctx {
	struct scratch *s;
	__u64 addr;
	__u32 start; /* offset of the array's data */
	__u32 n;     /* pointers kept */
	__u32 esz;
	__u32 off;   /* where the next string goes */
};

/* Keeps no count of its own (the verifier then sees the same state every
 * iteration): bpf_loop's result says how many ran. */
static long strv_ptr(__u64 i, void *p)
{
	struct strv_ctx *c = p;
	__u32 o = c->start + (__u32)i * 8;
	if (!c->s || o > RN_SCRATCH - 8)
		return 1;
	__u64 *slot = (__u64 *)(c->s->b + at(o));
	if (bpf_probe_read_user(slot, 8, (const void *)(c->addr + i * 8)) != 0) {
		*slot = 1; /* not a string: cut here */
		return 1;
	}
	return *slot == 0; /* the terminating NULL is kept too */
}

static long strv_str(__u64 i, void *p)
{
	struct strv_ctx *c = p;
	__u32 o = c->start + (__u32)i * 8;
	if (!c->s || i >= c->n || o > RN_SCRATCH - 8)
		return 1;
	__u64 str = *(__u64 *)(c->s->b + at(o));
	if (!str)
		return 1;
	c->off = put_blob(c->s, c->off, str, c->esz, 1);
	return 0;
}

__noinline __u32 put_strv(struct scratch *s, __u32 off, __u64 addr, __u32 max, __u32 esz)
{
	if (!s || !addr || off > RN_SCRATCH - BLOB_HDR - 8)
		return off;
	struct strv_ctx c = { s, addr, off + BLOB_HDR, 0, esz, 0 };
	__u32 room = (RN_SCRATCH - off - BLOB_HDR) / 8;
	__u32 want = max / 8;
	if (want > room)
		want = room;
	long ran = bpf_loop(want, strv_ptr, &c, 0);
	if (ran <= 0 || ran > RN_MAX_COPY / 8)
		return off;
	c.n = (__u32)ran;
	/* A pointer that could not be read is not kept. */
	__u32 last = off + BLOB_HDR + (c.n - 1) * 8;
	if (last <= RN_SCRATCH - 8 && *(__u64 *)(s->b + at(last)) == 1)
		c.n--;
	if (!c.n)
		return off;
	struct rn_blob *bl = (struct rn_blob *)(s->b + at(off));
	bl->addr = addr;
	bl->len = c.n * 8;
	bl->flags = 0;
	c.off = off + BLOB_HDR + c.n * 8;
	bpf_loop(c.n < RN_STRV_MAX ? c.n : RN_STRV_MAX, strv_str, &c, 0);
	return c.off;
}

struct iov_ctx {
	struct scratch *s;
	__u64 addr;
	__u32 start, n, esz, off;
	__u32 stride; /* 16: one blob for the array; 32: a blob per element */
};

static long iov_elem(__u64 i, void *p)
{
	struct iov_ctx *c = p;
	__u32 end = put_blob(c->s, c->off, c->addr + i * 16, 16, 0);
	if (end == c->off)
		return 1;
	c->off = end;
	c->n++;
	return 0;
}

static long iov_buf(__u64 i, void *p)
{
	struct iov_ctx *c = p;
	__u32 o = c->start + (__u32)i * c->stride;
	if (!c->s || i >= c->n || o > RN_SCRATCH - 16)
		return 1;
	__u64 base = *(__u64 *)(c->s->b + at(o));
	__u64 len = *(__u64 *)(c->s->b + at(o) + 8);
	c->off = put_blob(c->s, c->off, base, len < c->esz ? (__u32)len : c->esz, 0);
	return 0;
}

/* The iovec array as one blob, or, when its end is not readable, element
 * by element up to the first that is not (decoders show what they can). */
__noinline __u32 put_iov(struct scratch *s, __u32 off, __u64 addr, __u64 count, __u32 esz)
{
	if (count > RN_IOV_MAX)
		count = RN_IOV_MAX;
	if (!s || !addr || !count)
		return off;
	struct iov_ctx c = { s, addr, off + BLOB_HDR, (__u32)count, esz, 0, 16 };
	c.off = put_blob(s, off, addr, (__u32)count * 16, 0);
	if (c.off == off) {
		c.n = 0;
		c.stride = BLOB_HDR + 16;
		bpf_loop((__u32)count, iov_elem, &c, 0);
		if (!c.n)
			return off;
	}
	bpf_loop(c.n, iov_buf, &c, 0);
	return c.off;
}

/* struct msghdr (x86_64): name, namelen, iov, iovlen, control, controllen, flags. */
__noinline __u32 put_msghdr(struct scratch *s, __u32 off, __u64 addr, __u32 esz, __u32 max)
{
	__u32 end = put_blob(s, off, addr, 56, 0);
	if (!s || end == off || off > RN_SCRATCH - BLOB_HDR - 56)
		return off;
	__u64 h = at(off) + BLOB_HDR;
	__u64 name = *(__u64 *)(s->b + h), namelen = *(__u32 *)(s->b + h + 8);
	__u64 iov = *(__u64 *)(s->b + h + 16), iovlen = *(__u64 *)(s->b + h + 24);
	__u64 ctl = *(__u64 *)(s->b + h + 32), ctllen = *(__u64 *)(s->b + h + 40);
	end = put_blob(s, end, name, namelen < 128 ? (__u32)namelen : 128, 0);
	end = put_blob(s, end, ctl, ctllen < max ? (__u32)ctllen : max, 0);
	return put_iov(s, end, iov, iovlen, esz);
}

/* socklen_t at lenp, then that many bytes (at most max) at addr. */
__noinline __u32 put_lenptr(struct scratch *s, __u32 off, __u64 addr, __u64 lenp, __u32 max)
{
	__u32 end = put_blob(s, off, lenp, 4, 0);
	if (!s || end == off || off > RN_SCRATCH - BLOB_HDR - 4)
		return off;
	__u32 len = *(__u32 *)(s->b + at(off) + BLOB_HDR);
	return put_blob(s, end, addr, len < max ? len : max, 0);
}

/* args[i], without a variable-offset stack read. */
static __always_inline __u64 arg_of(const __u64 *args, __u8 i)
{
	switch (i) {
	case 0:
		return args[0];
	case 1:
		return args[1];
	case 2:
		return args[2];
	case 3:
		return args[3];
	case 4:
		return args[4];
	case 5:
		return args[5];
	default:
		return 0;
	}
}

struct args6 {
	__u64 v[6];
};

/* One capture of the table. Global: checked once, whatever the slot. */
__noinline __u32 capture(struct scratch *s, __u32 off, const struct rn_cap *c, const struct args6 *a,
			 __s64 ret)
{
	if (!c || !a)
		return off;
	const __u64 *args = a->v;
	__u64 addr = arg_of(args, c->arg);
	__u64 lenv = arg_of(args, c->len_arg);
	__u64 n;
	switch (c->kind) {
	case RN_CAP_STR:
		return put_blob_r(s, off, addr, c->max, 1);
	case RN_CAP_FIXED:
		return put_blob_r(s, off, addr, c->max, 0);
	case RN_CAP_ARGLEN:
		n = lenv * c->esz;
		return put_blob_r(s, off, addr, n < c->max ? (__u32)n : c->max, 0);
	case RN_CAP_RETLEN:
		if (ret <= 0)
			return off;
		n = (__u64)ret * c->esz;
		return put_blob(s, off, addr, n < c->max ? (__u32)n : c->max, 0);
	case RN_CAP_STRV:
		return put_strv(s, off, addr, c->max, c->esz);
	case RN_CAP_LENPTR:
		return put_lenptr(s, off, addr, lenv, c->max);
	case RN_CAP_IOV:
		return put_iov(s, off, addr, lenv, c->esz);
	case RN_CAP_MSGHDR:
		return put_msghdr(s, off, addr, c->esz, c->max);
	case RN_CAP_NODEMASK:
		n = lenv ? (lenv - 1 + 63) / 64 * 8 : 0;
		return put_blob_r(s, off, addr, n < c->max ? (__u32)n : c->max, 0);
	default:
		return off;
	}
}

/* Run the captures of nr for this end of the call. At entry, *retry gets a
 * bit for each capture that failed on a non-NULL pointer: most often a page
 * not yet faulted in (a string literal never touched), which the call
 * itself brings in, so the exit tries again. At exit, retry says which
 * entry captures to take now. */
static __always_inline __u32 capture_all(struct scratch *s, __u32 off, __s64 nr,
					 const struct args6 *args, __s64 ret, bool at_exit, __u32 *retry)
{
	__u32 k = (__u32)nr;
	struct rn_capspec *spec = bpf_map_lookup_elem(&caps, &k);
	if (!spec)
		return off;
	for (int i = 0; i < RN_CAP_SLOTS; i++) {
		struct rn_cap c = spec->c[i];
		if (c.kind == RN_CAP_NONE)
			break;
		if (!!c.at_exit == at_exit) {
			__u32 end = capture(s, off, &c, args, ret);
			if (!at_exit)
				*retry |= (end >> 31) << i;
			off = end & ~RETRY_BIT;
		} else if (at_exit && (*retry & (1u << i))) {
			off = capture(s, off, &c, args, ret) & ~RETRY_BIT;
		}
	}
	return off;
}

static __always_inline struct scratch *scratch_buf(void)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&scratch, &k);
}

static __always_inline __u8 *record(__u32 type, __s32 nr, __u64 ts)
{
	struct scratch *s = scratch_buf();
	if (!s)
		return NULL;
	struct rn_rec *r = (struct rn_rec *)s->b;
	__u64 id = bpf_get_current_pid_tgid();
	r->type = type;
	r->tid = (__u32)id;
	r->tgid = id >> 32;
	r->nr = nr;
	r->ts = ts;
	r->ret = 0;
	r->flags = 0;
	return s->b;
}

/* --- aggregation (-c) ---------------------------------------------------- */

static __always_inline __u32 hist_bucket(__u64 d)
{
	if (d < RN_HIST_SUB)
		return (__u32)d;
	__u32 lg = 0;
	__u64 v = d;
	if (v >> 32) {
		v >>= 32;
		lg += 32;
	}
	if (v >> 16) {
		v >>= 16;
		lg += 16;
	}
	if (v >> 8) {
		v >>= 8;
		lg += 8;
	}
	if (v >> 4) {
		v >>= 4;
		lg += 4;
	}
	if (v >> 2) {
		v >>= 2;
		lg += 2;
	}
	if (v >> 1)
		lg += 1;
	if (lg >= RN_HIST_MAX_LOG)
		return RN_HIST_BUCKETS - 1;
	__u32 sub = (__u32)(d >> (lg - RN_HIST_SUB_BITS)) & (RN_HIST_SUB - 1);
	return RN_HIST_SUB + (lg - RN_HIST_SUB_BITS) * RN_HIST_SUB + sub;
}

/* The syscalls counted on some CPU: renacer reads only their stats (a
 * per-CPU entry is several KiB). In .bss, which renacer maps. */
__u64 seen[RN_MAX_SYSCALLS / 64] = {};

static __always_inline void aggregate(__u32 nr, __u64 d, __s64 ret)
{
	if (nr >= RN_MAX_SYSCALLS)
		return;
	struct rn_bpf_stat *s = bpf_map_lookup_elem(&stats, &nr);
	if (!s)
		return;
	if (!s->calls)
		__sync_fetch_and_or(&seen[(nr / 64) & (RN_MAX_SYSCALLS / 64 - 1)], 1ULL << (nr % 64));
	if (!s->calls || d < s->min_ns)
		s->min_ns = d;
	if (d > s->max_ns)
		s->max_ns = d;
	s->calls++;
	s->errors += ret < 0 && ret >= -4095;
	s->total_ns += d;
	if (!want_hist)
		return;
	struct rn_bpf_hist *h = bpf_map_lookup_elem(&hists, &nr);
	if (!h) {
		__u32 z = 0;
		struct rn_bpf_hist *zero = bpf_map_lookup_elem(&hist_zero, &z);
		if (zero)
			bpf_map_update_elem(&hists, &nr, zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &nr);
	}
	__u32 b = hist_bucket(d);
	if (h && b < RN_HIST_BUCKETS)
		h->b[b]++;
}

/* --- programs ------------------------------------------------------------ */

/* Raw tracepoints: attached by name, so neither tracefs nor a parse of the
 * kernel's whole BTF is needed to start (CO-RE reads use the minimal BTF). */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	/* Runs in the forking task. A new thread joins a traced group
	 * already; a new process (its pid is its group id) is added. */
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!follow || !group_traced(tgid) || tgid == held_tgid)
		return 0;
	__u32 cpid = BPF_CORE_READ(child, pid), ctgid = BPF_CORE_READ(child, tgid);
	if (cpid == ctgid) {
		__u64 bit;
		__u64 *w = traced_word(cpid, &bit);
		if (w)
			__sync_fetch_and_or(w, bit);
	}
	if (stream) {
		__u8 *buf = record(RN_REC_FORK, cpid == ctgid, bpf_ktime_get_ns());
		if (buf) {
			((struct rn_rec *)buf)->ret = cpid;
			emit(buf, sizeof(struct rn_rec), NULL, false);
		}
	}
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_task_exit, struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 bit;
	__u64 *w = traced_word(tgid, &bit);
	if (!w || !(*w & bit))
		return 0;
	if (stream && task_traced(-1)) {
		__u8 *buf = record(RN_REC_TASK_EXIT, 0, bpf_ktime_get_ns());
		if (buf) {
			((struct rn_rec *)buf)->ret = BPF_CORE_READ(task, exit_code);
			struct entry *e =
			    bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
			if (e && e->exit_lost)
				((struct rn_rec *)buf)->flags = RN_RECF_PREV_LOST;
			emit(buf, sizeof(struct rn_rec), NULL, false);
		}
	}
	/* The group's last thread (do_exit has counted it out of
	 * signal->live before this tracepoint): forget the process, so
	 * whoever gets its pid next is not traced, and the map holds only
	 * live processes. */
	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		__sync_fetch_and_and(w, ~bit);
	return 0;
}

SEC("raw_tp/signal_deliver")
int BPF_PROG(on_signal, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	if (!stream || !task_traced(-1))
		return 0;
	__u8 *buf = record(RN_REC_SIGNAL, 0, bpf_ktime_get_ns());
	if (!buf)
		return 0;
	((struct rn_rec *)buf)->ret = sig;
	/* The siginfo as one blob at address 0. */
	struct rn_blob *bl = (struct rn_blob *)(buf + sizeof(struct rn_rec));
	__u32 n = sizeof(struct kernel_siginfo);
	if (n > 128)
		n = 128;
	__u32 off = sizeof(struct rn_rec);
	if (info && bpf_probe_read_kernel(buf + off + BLOB_HDR, n, info) == 0) {
		bl->addr = 0;
		bl->len = n;
		bl->flags = 0;
		off += BLOB_HDR + ((n + 7) & ~7u);
	}
	emit(buf, off, NULL, false);
	return 0;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
	__s64 nr = id;
	if (!task_traced(nr))
		return 0;
	if (nr < 0 || nr >= RN_MAX_SYSCALLS)
		return 0;
	__u32 word = (__u32)nr / 64;
	__u64 *bits = bpf_map_lookup_elem(&filter, &word);
	if (!bits || !(*bits & (1ULL << (nr % 64))))
		return 0;
	struct entry *e = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
					       BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!e)
		return 0;
	e->nr = nr;
	e->dropped = 0;
	e->retry = 0;
	e->active = 1;
	e->ts = bpf_ktime_get_ns();
	if (stream) {
		e->args[0] = BPF_CORE_READ(regs, di);
		e->args[1] = BPF_CORE_READ(regs, si);
		e->args[2] = BPF_CORE_READ(regs, dx);
		e->args[3] = BPF_CORE_READ(regs, r10);
		e->args[4] = BPF_CORE_READ(regs, r8);
		e->args[5] = BPF_CORE_READ(regs, r9);
		__u8 *buf = record(RN_REC_ENTER, (__s32)nr, e->ts);
		if (buf) {
			struct rn_rec *r = (struct rn_rec *)buf;
			struct args6 a;
			for (int i = 0; i < 6; i++) {
				r->args[i] = e->args[i];
				a.v[i] = e->args[i];
			}
			__u32 retry = 0;
			__u32 off = capture_all((struct scratch *)buf, sizeof(struct rn_rec), nr, &a, 0,
						false, &retry);
			e->retry = retry;
			if (retry)
				r->flags = RN_RECF_DEFER;
			if (e->exit_lost)
				r->flags |= RN_RECF_PREV_LOST;
			emit(buf, off, e, true);
			if (!e->dropped)
				e->exit_lost = 0;
		}
		/* Capturing is ours, not the call's. */
		e->ts = bpf_ktime_get_ns();
	}
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(on_exit, struct pt_regs *regs, long sysret)
{
	struct entry *e = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!e || !e->active)
		return 0;
	__u64 now = bpf_ktime_get_ns();
	__u64 d = now - e->ts;
	__s64 ret = sysret;
	e->active = 0;
	if (!stream) {
		aggregate((__u32)e->nr, d, ret);
		return 0;
	}
	if (!e->dropped) {
		__u8 *buf = record(RN_REC_EXIT, (__s32)e->nr, d);
		if (buf) {
			struct rn_rec *r = (struct rn_rec *)buf;
			r->ret = ret;
			struct args6 a;
			for (int i = 0; i < 6; i++)
				a.v[i] = e->args[i];
			__u32 retry = e->retry;
			__u32 off = capture_all((struct scratch *)buf, sizeof(struct rn_rec), e->nr, &a,
						ret, true, &retry);
			if (put_record((struct scratch *)buf, off, 1) != 0)
				e->exit_lost = 1;
		}
	}
	return 0;
}
