// SPDX-License-Identifier: MIT
#pragma once
/* A syscall in progress on one task, as a backend holds it between the
 * entry and the exit: the raw number and arguments, the text decoded so
 * far and the decoder's state. Both backends keep one per task and use
 * these helpers, so decoding and the events they hand to the sinks are the
 * same whichever captured the call (the bpf backend decodes from a memory
 * snapshot, rn_mem_use_snapshot()). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "decode/decode.h"
#include "renacer/event.h"

struct rn_call {
	long nr;
	uint64_t args[RN_MAX_ARGS];
	struct rn_buf out, rx;		    /* argument text, trailing note */
	uint32_t arg_off[RN_MAX_ARGS + 1];
	unsigned narg;
	uint64_t priv[2];   /* decoder state kept from entry to exit */
	size_t entry_len;   /* bytes of out decoded at entry */
	enum rn_rval rval;  /* result format chosen at entry */
	bool need_exit;	    /* the decoder asked for the exit half */
	long restart_nr;    /* the call restart_syscall would resume, -1 unknown */
	bool path_hit;	    /* -P: an argument named a traced path */
};

/* Decode the entry half of c (nr and args set) for task pid. */
void rn_call_entry(struct rn_call *c, pid_t pid, const struct rn_decode_opts *o);
/* Decode the exit half (ret, failed) and render the result into rval;
 * "?" for a call that never returned (no_return). */
void rn_call_exit(struct rn_call *c, pid_t pid, const struct rn_decode_opts *o, int64_t ret, bool failed,
		  bool no_return, struct rn_buf *rval);
/* Set ev's syscall fields from c: kind, nr, name (an unknown number's is
 * written to tmp), args, ret and the flags for ret. */
void rn_call_event(const struct rn_call *c, struct rn_event *ev, int64_t ret, bool failed, bool no_return,
		   char *tmp, size_t tmplen);
/* Point ev's text fields at c's (rval: the result, NULL at entry). */
void rn_call_text(const struct rn_call *c, struct rn_event *ev, const char *rval);
/* The syscall's name, or "syscall_0x1c8" written to tmp. */
const char *rn_call_name(long nr, char *tmp, size_t len);
/* Release c's buffers; c is reusable. */
void rn_call_done(struct rn_call *c);
