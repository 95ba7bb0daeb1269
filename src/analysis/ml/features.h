// SPDX-License-Identifier: MIT
#pragma once
/* Features for the analyses, built from the event store: one row per call
 * (for the isolation forest, the autoencoder and per-call k-means), one row
 * per hotspot (a syscall, or a function of the program), and one row per
 * slice of time (what each hotspot did then, for correlation). Not thread-safe. */

#include <stddef.h>
#include <stdint.h>

#include "analysis/ml/ml.h"
#include "core/store.h"

/* Per-call features, in matrix column order. Heavy-tailed quantities are
 * kept as ln(1 + x), so a split or a distance means "times as much", not
 * "this many microseconds more"; rn_ml_feature_format shows the value. */
enum rn_ml_feature {
	RN_MLF_DURATION, /* ln(1 + duration in us) */
	RN_MLF_RELATIVE, /* the same minus the mean of it over the call's syscall */
	RN_MLF_SYSCALL,  /* syscall number (-1 unknown) */
	RN_MLF_FD,       /* first argument of fd calls (class desc), else -1 */
	RN_MLF_SIZE,     /* ln(1 + third argument) of desc/network calls, else -1 */
	RN_MLF_GAP,      /* ln(1 + us since the task's previous call returned) */
	RN_MLF_BURST,    /* ln(1 + calls per ms the task issues, over its last 16 gaps) */
	RN_MLF_COUNT
};

/* The feature names (RN_MLF_COUNT of them), as reports and model files
 * spell them. */
const char *const *rn_ml_feature_names(void);
/* Per-call features of every stored call into ret (st->len x RN_MLF_COUNT).
 * Returns 0 or -ENOMEM. */
int rn_ml_call_features(const struct rn_store *st, struct rn_ml_matrix *ret);
/* Feature f's value v for a person: "12.3 ms", "fd 3", "4096", "read". */
void rn_ml_feature_format(unsigned f, double v, char *buf, size_t len);

/* What a call's time goes to, from its syscall: waiting (sleeps, polls,
 * futex, wait4), memory mapping, process and signal management (execve
 * counts here, not as file I/O), I/O (descriptors, files, network, IPC),
 * or other. */
enum rn_ml_kind { RN_MLK_IO, RN_MLK_WAIT, RN_MLK_MEMORY, RN_MLK_PROCESS, RN_MLK_OTHER, RN_MLK_COUNT };
enum rn_ml_kind rn_ml_kind_of(int nr);

/* What a hotspot is: one syscall, or one function of the program's own
 * code (the innermost user frame with a name, from --source). */
enum rn_ml_unit { RN_ML_BY_SYSCALL, RN_ML_BY_FUNCTION };

#define RN_ML_HOT_TOP 3 /* syscalls kept per hotspot, most time first */

/* One hotspot's totals over the run. */
struct rn_ml_hotspot {
	char *name; /* the syscall's or the function's ("?? in libfoo.so", "(outside the program's code)") */
	int nr;	    /* the syscall (by function: the one it spends most time in) */
	const struct rn_srcloc *site; /* by function: its costliest call's location */
	uint64_t calls;
	double total_us, avg_us;
	double per_sec;			  /* calls per second of the traced span */
	double kind_us[RN_MLK_COUNT];	  /* its time by kind */
	int top_nr[RN_ML_HOT_TOP];	  /* its syscalls with the most time (-2: none) */
	double top_us[RN_ML_HOT_TOP];
};

struct rn_ml_hotspots {
	enum rn_ml_unit by;
	struct rn_ml_hotspot *v; /* most total time first */
	size_t n;
	uint32_t *unit; /* per stored call: its hotspot's index in v */
};

/* Group the calls in st into hotspots. Returns 0 or -ENOMEM. */
int rn_ml_hotspots(const struct rn_store *st, enum rn_ml_unit by, struct rn_ml_hotspots *ret);
void rn_ml_hotspots_done(struct rn_ml_hotspots *h);
/* Rows = the hotspots, columns = ln(1 + x) of avg us, calls per second and
 * total us, each standardized over the rows (for clustering). */
int rn_ml_hotspot_matrix(const struct rn_ml_hotspots *h, struct rn_ml_matrix *ret);
/* Rows = nslices equal slices of the run's time, columns = the hotspots,
 * cell = calls of that hotspot in that slice. */
int rn_ml_activity_matrix(const struct rn_store *st, const struct rn_ml_hotspots *h,
			  size_t nslices, struct rn_ml_matrix *ret);
/* A syscall's name, "unknown" when it has none. */
const char *rn_ml_syscall_name(int nr);
