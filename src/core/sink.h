// SPDX-License-Identifier: MIT
#pragma once
/* Sinks: every output and analysis sits behind this interface so the tracer
 * loop never names a concrete one. A sink gets each event borrowed for the
 * call and a finish() at the end of the run. Sinks run on the tracer thread;
 * one that needs another thread (OTLP export) hands data over itself. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "renacer/event.h"

struct rn_sink;

/* What the run ended with, for finish(). */
struct rn_run_result {
	int exit_status;      /* renacer's own exit status: the traced program's */
	uint64_t wall_ns;     /* whole run */
	bool interrupted;     /* Ctrl-C / SIGTERM ended the run */
	uint64_t lost_events; /* calls the backend could not report (bpf ring buffer full) */
};

/* What a sink needs from the capture, so the backend can skip work. */
enum rn_sink_needs {
	RN_NEED_DECODE = 1u << 0, /* args_text/rval_text */
	RN_NEED_TIMING = 1u << 1, /* dur_ns */
	RN_NEED_ENTRY  = 1u << 2, /* on_entry notifications */
	RN_NEED_SOURCE = 1u << 3, /* ev->src: the call site in the program's code */
	RN_NEED_STACK  = 1u << 4, /* ev->stack: every frame */
};

struct rn_sink_ops {
	const char *name;
	/* A syscall completed. May be NULL (a report that reads the store). */
	void (*on_event)(struct rn_sink *s, const struct rn_event *ev);
	/* A process event (signal, exit, attach...). May be NULL. */
	void (*on_process)(struct rn_sink *s, const struct rn_event *ev);
	/* A traced syscall was entered; args_text holds what the entry half
	 * decoded, rval_text is NULL. Only for sinks with RN_NEED_ENTRY. */
	void (*on_entry)(struct rn_sink *s, const struct rn_event *ev);
	/* The tracer is about to wait with nothing to do: a good moment to
	 * flush buffered output, so a blocked program's last call is visible.
	 * May be NULL. */
	void (*idle)(struct rn_sink *s);
	/* The run ended: write reports. Returns 0 or -errno. May be NULL. */
	int (*finish)(struct rn_sink *s, const struct rn_run_result *res);
	/* Free the sink; must accept a sink whose finish() never ran. */
	void (*free)(struct rn_sink *s);
};

struct rn_sink {
	const struct rn_sink_ops *ops;
	unsigned needs; /* enum rn_sink_needs */
};

/* A set of sinks the session fans events out to. */
struct rn_sinks {
	struct rn_sink **v;
	size_t n, cap;
	unsigned needs; /* union of the members' needs */
};

/* Take ownership of s (freed by rn_sinks_done, also on failure). Returns 0 or -ENOMEM. */
int rn_sinks_add(struct rn_sinks *set, struct rn_sink *s);
void rn_sinks_event(struct rn_sinks *set, const struct rn_event *ev);
void rn_sinks_process(struct rn_sinks *set, const struct rn_event *ev);
void rn_sinks_entry(struct rn_sinks *set, const struct rn_event *ev);
void rn_sinks_idle(struct rn_sinks *set);
/* Finish every sink; returns the first error, all are finished regardless. */
int rn_sinks_finish(struct rn_sinks *set, const struct rn_run_result *res);
void rn_sinks_done(struct rn_sinks *set);
