// SPDX-License-Identifier: MIT
#pragma once
/* The event model: one record per completed syscall or process event. Every
 * backend produces it, every sink consumes it, borrowed for one call. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum rn_event_kind {
	RN_EV_SYSCALL,	  /* a syscall completed, or will never return (RN_EVF_NO_RETURN) */
	RN_EV_SIGNAL,	  /* a signal is about to be delivered: --- SIGCHLD {...} --- */
	RN_EV_STOPPED,	  /* group stop: --- stopped by SIGSTOP --- */
	RN_EV_EXITED,	  /* +++ exited with N +++ (ret = status) */
	RN_EV_KILLED,	  /* +++ killed by SIGNAL +++ (ret = signal) */
	RN_EV_SUPERSEDED, /* thread replaced by execve in another thread (ret = old tid) */
	RN_EV_ATTACHED,	  /* -p: now tracing this process */
	RN_EV_DETACHED,	  /* -p: left running on Ctrl-C */
	RN_EV_COUNT
};

enum rn_event_flags {
	RN_EVF_NO_RETURN = 1u << 0, /* the call did not return (exit_group, killed): "= ?" */
	RN_EVF_ERROR	 = 1u << 1, /* ret is -errno */
	RN_EVF_DECODED	 = 1u << 2, /* the *_text fields are valid */
	RN_EVF_CORE	 = 1u << 3, /* RN_EV_KILLED: core dumped */
	RN_EVF_UNKNOWN	 = 1u << 4, /* syscall number not in the table */
	RN_EVF_NO_ENTRY	 = 1u << 5, /* no on_entry was sent for this call: a line
				     * printer shows all of it here */
	RN_EVF_PATH	 = 1u << 6, /* -P: the call names a traced path (a path or fd argument) */
	RN_EVF_INJECTED	 = 1u << 7, /* -e inject/fault: the result (or a signal) was injected */
};

/* A code location (--source, --stack). Strings are owned by the symbolizer
 * and outlive the run's events. */
struct rn_srcloc {
	const char *file;     /* source file as DWARF records it, NULL without line info */
	unsigned line;	      /* 0 without line info */
	const char *function; /* function name, demangled; NULL if unknown */
	uint64_t offset;      /* pc - function start, when function is known */
	const char *module;   /* base name of the ELF file */
	bool user;	      /* the program's own code, not libc/ld.so/a runtime */
	/* With a transpiler map (--transpiler-map) that covers this place,
	 * file/line/function above are the original program's, lang its
	 * language, and gen_* the generated (Rust) code's. lang is NULL
	 * otherwise. */
	const char *lang;
	const char *gen_file;
	unsigned gen_line;
	const char *gen_function;
};

struct rn_event {
	enum rn_event_kind kind;
	uint32_t flags;
	pid_t pid;	  /* thread id of the tracee, strace's "pid" */
	int nr;		  /* syscall number, -1 for process events */
	const char *name; /* syscall name; "syscall_0x1c8" when unknown */
	uint64_t args[6]; /* raw argument registers */
	int64_t ret;	  /* syscall: raw return; SIGNAL/STOPPED/KILLED: signal; EXITED: status */
	uint64_t ts_ns;	  /* wall clock (CLOCK_REALTIME) at syscall entry or at the event */
	uint64_t dur_ns;  /* syscall: time between entry and exit stops */
	uint64_t ip;	  /* instruction pointer at entry, 0 when unknown */
	unsigned ntasks;  /* tasks traced when the event happened (strace's pid prefix rule) */

	/* With RN_EVF_DECODED: arguments rendered strace-style, one string with
	 * arg_off[i] the offset where argument i starts (nargs_text of them), and
	 * the rendered result ("3", "-1 ENOENT (No such file or directory)",
	 * "0x7f3a1c2d4000", "?"). For RN_EV_SIGNAL args_text is the siginfo. */
	const char *args_text;
	size_t args_len;
	const uint32_t *arg_off;
	unsigned nargs_text;
	const char *rval_text;
	/* Syscall events: how much of args_text was already shown by the
	 * entry notification (rn_sink_ops.on_entry), so a streaming printer can
	 * continue the line instead of repeating it. */
	size_t entry_len;

	/* Syscall events with --source: the call site in the program's own
	 * code (NULL when no frame is the program's); with --stack the
	 * whole stack, innermost first. */
	const struct rn_srcloc *src;
	const struct rn_srcloc *const *stack;
	unsigned nstack;
};
