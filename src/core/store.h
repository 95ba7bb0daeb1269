// SPDX-License-Identifier: MIT
#pragma once
/* The event store: completed syscalls kept as columns (one array per field)
 * so statistics and analyses run over contiguous memory. About 64 bytes an
 * event: 10M events fit in ~640 MB. Rendered text is not kept; sinks that
 * need it copy what they need. Not thread-safe. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/sink.h"

struct rn_store {
	size_t len, cap;
	int32_t *nr;	  /* syscall number (-1 unknown) */
	int32_t *pid;	  /* task id */
	int64_t *ret;	  /* raw return value */
	uint64_t *ts_ns;  /* entry time, CLOCK_REALTIME ns */
	uint64_t *dur_ns; /* time in the call */
	uint64_t *ip;	  /* instruction pointer at entry (source lookup) */
	uint64_t *arg0;	  /* first argument register (the fd of fd calls) */
	uint64_t *arg2;	  /* third argument register (the size of read/write) */
	/* ev->src with --source, else NULL: borrowed from the symbolizer, which
	 * keeps it until the sinks have finished. */
	const struct rn_srcloc **src;
	uint8_t *flags;	  /* RN_EVF_ERROR, RN_EVF_NO_RETURN */
};

/* A new, empty store; NULL on OOM. */
struct rn_store *rn_store_new(void);
/* Append one syscall event. Returns 0 or -ENOMEM (the event is dropped). */
int rn_store_append(struct rn_store *st, const struct rn_event *ev);
/* Free the store; NULL is fine. */
void rn_store_free(struct rn_store *st);
/* A sink that appends every syscall event to st (borrowed, must outlive it). */
struct rn_sink *rn_store_sink_new(struct rn_store *st);
