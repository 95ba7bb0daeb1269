// SPDX-License-Identifier: GPL-2.0 OR MIT
/* In-kernel side of the bpf backend: follows the traced process tree
 * (sched_process_fork), times each syscall of a traced task between the
 * raw_syscalls enter and exit tracepoints, and aggregates per syscall:
 * calls, errors, total time and a log2 latency histogram. Untraced tasks
 * and syscalls outside the filter bitmap cost one map lookup. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAX_SYSCALLS 512
#define HIST_BUCKETS 64

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* -f: follow children; set by the loader before the programs load. */
const volatile bool follow = false;

struct rn_bpf_stat {
	__u64 calls, errors, total_ns;
	__u64 hist[HIST_BUCKETS]; /* bucket b: durations in [2^b, 2^(b+1)) ns */
};

/* Thread group ids being traced: TRACING, or HELD for the child renacer
 * started, which is traced from its execve on (what it does between fork
 * and exec is renacer's, as with ptrace). */
#define TRACING 1
#define HELD	2
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced SEC(".maps");

/* Per thread: the syscall in progress and when it began. */
struct entry {
	__u64 ts;
	__s64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct entry);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rn_bpf_stat);
} stats SEC(".maps");

/* -e trace=: one bit per syscall number (all set when not filtering). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS / 64);
	__type(key, __u32);
	__type(value, __u64);
} filter SEC(".maps");

static __always_inline __u8 *trace_state(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	return bpf_map_lookup_elem(&traced, &tgid);
}

SEC("tracepoint/sched/sched_process_fork")
int on_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	/* Runs in the forking task. A new thread joins a traced group
	 * already; a new process (its pid is its group id) is added. Adding
	 * a thread's id too is harmless: no group has it. */
	__u8 *st = trace_state();
	if (!follow || !st || *st != TRACING)
		return 0;
	__u32 child = ctx->child_pid;
	__u8 on = TRACING;
	bpf_map_update_elem(&traced, &child, &on, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u8 *st = trace_state();
	if (!st)
		return 0;
	__s64 nr = ctx->id;
	if (*st == HELD) {
		if (nr != 59 && nr != 322) /* execve, execveat (x86_64) */
			return 0;
		*st = TRACING;
	}
	if (nr < 0 || nr >= MAX_SYSCALLS)
		return 0;
	__u32 word = (__u32)nr / 64;
	__u64 *bits = bpf_map_lookup_elem(&filter, &word);
	if (!bits || !(*bits & (1ULL << (nr % 64))))
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry e = { bpf_ktime_get_ns(), nr };
	bpf_map_update_elem(&inflight, &tid, &e, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int on_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entry *e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0;
	__u64 d = bpf_ktime_get_ns() - e->ts;
	__u32 nr = (__u32)e->nr;
	bpf_map_delete_elem(&inflight, &tid);
	struct rn_bpf_stat *s = bpf_map_lookup_elem(&stats, &nr);
	if (!s)
		return 0;
	s->calls++;
	s->errors += ctx->ret < 0 && ctx->ret >= -4095;
	s->total_ns += d;
	__u32 b = 0;
	for (int i = 0; i < HIST_BUCKETS - 1; i++) {
		if ((d >> (i + 1)) == 0)
			break;
		b = i + 1;
	}
	if (b < HIST_BUCKETS)
		s->hist[b]++;
	return 0;
}
