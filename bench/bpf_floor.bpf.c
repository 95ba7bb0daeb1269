// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The floor of any eBPF syscall tracer built like renacer's backend: two
 * programs on the raw syscall tracepoints that do nothing. bench/run.py's
 * marginal table runs the workload under them (bpf_floor.c). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("raw_tp/sys_enter")
int on_enter(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("raw_tp/sys_exit")
int on_exit(void *ctx)
{
	(void)ctx;
	return 0;
}
