// SPDX-License-Identifier: MIT
#pragma once
/* Source attribution: which line of the traced program's own code made a
 * syscall. At a syscall stop the thread's stack is unwound with libdwfl
 * (CFI from .eh_frame/.debug_frame), and the innermost frame that belongs to
 * the program itself, not to libc, ld.so or a language runtime, is looked
 * up in its DWARF line table. Without debug info the answer degrades to
 * function+0xoff from the symbol table, then to the module name.
 *
 * Costs: registers come from one PTRACE_GETREGS, the stack from one
 * process_vm_readv snapshot, and lookups are cached per (module build-id,
 * module-relative address), so the per-syscall cost after warm-up is the
 * CFI walk. Not thread-safe: one symbolizer per tracer. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "renacer/event.h"

struct rn_symbolizer;

#define RN_MAX_FRAMES 64

struct rn_srcmap;

/* A new symbolizer, or NULL on OOM. map (borrowed, may be NULL) takes
 * generated code back to its original source in every location. */
struct rn_symbolizer *rn_symbolizer_new(const struct rn_srcmap *map);
void rn_symbolizer_free(struct rn_symbolizer *sym);

/* The location in the program's own code that the stopped thread tid of
 * process tgid is executing or called from: the innermost user frame with
 * line info, else the innermost user frame by symbol, else NULL when no
 * frame belongs to the program (ld.so start-up, for instance). The thread
 * must be ptrace-stopped. */
const struct rn_srcloc *rn_symbolize_user(struct rn_symbolizer *sym, pid_t tgid, pid_t tid);

/* The same, for a thread stopped at a syscall entry whose instruction and
 * stack pointers are known (PTRACE_GET_SYSCALL_INFO): most stacks unwind
 * from cached CFI rules without asking the thread for its registers. */
const struct rn_srcloc *rn_symbolize_user_at(struct rn_symbolizer *sym, pid_t tgid, pid_t tid,
					     uint64_t ip, uint64_t sp);
int rn_symbolize_stack_at(struct rn_symbolizer *sym, pid_t tgid, pid_t tid, uint64_t ip,
			  uint64_t sp, const struct rn_srcloc **out, int max);

/* The frame rn_symbolize_user() would answer, from a stack already unwound
 * by rn_symbolize_stack(). */
const struct rn_srcloc *rn_srcloc_pick_user(const struct rn_srcloc *const *frames, int n);

/* The whole stack of the stopped thread, innermost first: up to max
 * locations into out. Returns how many, or -errno. */
int rn_symbolize_stack(struct rn_symbolizer *sym, pid_t tgid, pid_t tid,
		       const struct rn_srcloc **out, int max);

/* The process replaced its image (execve) or its mappings changed in a way
 * that may add code (a new executable mapping): report it again lazily. */
void rn_symbolizer_invalidate(struct rn_symbolizer *sym, pid_t tgid);
/* The process is gone: drop what is kept for it. */
void rn_symbolizer_forget(struct rn_symbolizer *sym, pid_t tgid);

/* Format loc as "file:line in function" / "function+0x1a" / "module", and
 * with a transpiler map "sim.py:25 in distance (python; sim.rs:42)". */
size_t rn_srcloc_format(const struct rn_srcloc *loc, char *buf, size_t len);
