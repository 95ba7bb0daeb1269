// SPDX-License-Identifier: MIT
#pragma once
/* Everything the user asked for, parsed once by cli/ and passed down. */

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct rn_filter;

enum rn_ts_mode {
	RN_TS_NONE,
	RN_TS_TIME,  /* -t: 14:03:07 */
	RN_TS_USEC,  /* -tt: 14:03:07.123456 */
	RN_TS_EPOCH, /* -ttt: 1700000000.123456 */
};

enum rn_format {
	RN_FMT_TEXT,
	RN_FMT_JSON,
	RN_FMT_CSV,
	RN_FMT_HTML,
	RN_FMT_FOLDED, /* --format flamegraph: folded stacks */
	RN_FMT_FLAMESVG, /* --format flamegraph-svg */
};

struct rn_srcmap;

enum rn_backend {
	RN_BACKEND_AUTO,   /* bpf when privileged and the options allow, else ptrace */
	RN_BACKEND_PTRACE,
	RN_BACKEND_BPF,
};

/* -z, -Z, -e status=: which calls the trace shows, by how they ended. */
enum {
	RN_STATUS_SUCCESSFUL = 1u << 0,	 /* returned without an error */
	RN_STATUS_FAILED = 1u << 1,	 /* returned an error */
	RN_STATUS_UNFINISHED = 1u << 2,	 /* never returned (exit_group, a task killed in it) */
	RN_STATUS_UNAVAILABLE = 1u << 3, /* the result could not be read */
	RN_STATUS_DETACHED = 1u << 4,	 /* the tracer detached during it */
	RN_STATUS_ALL = (1u << 5) - 1,
};

/* -S: the order of the -c table's rows. */
enum rn_sortby {
	RN_SORT_TIME,	 /* time spent, most first (strace's default) */
	RN_SORT_AVG,	 /* time per call */
	RN_SORT_CALLS,	 /* calls, most first */
	RN_SORT_ERRORS,	 /* errors, most first */
	RN_SORT_NAME,	 /* syscall name */
	RN_SORT_NOTHING, /* syscall number */
};

/* -e inject=SET:..., -e fault=SET:...: make chosen calls fail, return a
 * value, or bring a signal (ptrace backend). */
#define RN_MAX_INJECT 8
struct rn_inject {
	struct rn_filter *set; /* the syscalls it applies to (owned) */
	int error;	       /* errno the call fails with; 0: none */
	bool has_retval;       /* the call is skipped and returns retval */
	int64_t retval;
	int signal;	       /* delivered when the call returns; 0: none */
	/* when=: invocations first, first + step, ... up to last (0: no end) of
	 * each task; a single number is that invocation only */
	unsigned first, last, step;
};

struct rn_options {
	char **argv;   /* command to run (NULL with -p) */
	pid_t *pids;   /* -p targets */
	size_t npids;
	const char *outfile; /* -o FILE, NULL for stderr */
	unsigned string_limit; /* -s N */
	unsigned xflag;	       /* -x 1: non-ASCII strings in hex; -xx 2: every string */
	unsigned decode_fds;   /* -y, --decode-fds=path: 1 descriptors with their paths */
	unsigned status;       /* RN_STATUS_* the trace shows; 0: every call */
	enum rn_sortby sortby; /* -S */
	bool signal_filter;    /* -e signal=: only the signals in signals are shown */
	uint64_t signals;      /* bit sig - 1 for each signal shown */
	unsigned column;       /* -a N: the column results are aligned at (default 40) */
	char **paths;	       /* -P PATH: only calls naming these paths (owned) */
	size_t npaths;
	struct rn_inject injects[RN_MAX_INJECT];
	size_t ninjects;
	char **env_changes;    /* -E VAR=VAL sets, -E VAR removes (borrowed from argv) */
	size_t nenv_changes;
	const char *run_user;  /* -u USER: the program runs as this user */
	uid_t run_uid;
	gid_t run_gid;
	bool quiet_exit;       /* -qq, -e quiet=exit: no "+++ exited/killed" lines */
	bool quiet_superseded; /* -e quiet=thread-execve: no "+++ superseded" lines */
	enum rn_ts_mode ts;
	bool show_time;	   /* -T */
	bool relative_ts;  /* -r: time since the previous call's start */
	bool show_ip;	   /* -i: the instruction pointer of each call */
	bool follow;	   /* -f */
	bool separately;   /* -ff: with -o FILE, each task's trace in FILE.PID */
	bool summary_only; /* -c: the table instead of the trace */
	bool no_seccomp;   /* --no-seccomp: disable filter push-down */
	bool quiet;	   /* -q: no attach/detach notices */
	bool verbose;	   /* -v: renacer's own choices (the backend) on stderr */
	struct rn_filter *filter; /* -e trace=..., NULL traces all; owned */
	enum rn_format format;	  /* --format */
	bool summary;		  /* -c or -C: a per-syscall table is wanted */
	bool stats_extended;	  /* --stats-extended: percentiles after the table */
	double anomaly_threshold; /* --anomaly-threshold SIGMA (default 3.0) */
	bool anomaly_realtime;	  /* --anomaly-realtime */
	unsigned anomaly_window;  /* --anomaly-window-size N (default 100) */
	double anomaly_jitter_us; /* --anomaly-jitter-us: smaller excesses are never anomalies (50) */
	/* Analyses at the end of the run (src/analysis/ml, docs/ml-models.md). */
	bool hpu_analysis;	      /* --hpu-analysis: correlation and hotspot clusters, stdout */
	bool hpu_cpu_only;	      /* --hpu-cpu-only: never offload (there is only the CPU path) */
	bool ml_anomaly;	      /* --ml-anomaly: k-means over per-call latency */
	long ml_clusters;	      /* --ml-clusters N (default 3; below 2 is refused, exit 1) */
	bool ml_compare;	      /* --ml-compare: k-means vs z-score side by side */
	bool ml_outliers;	      /* --ml-outliers: isolation forest over per-call features */
	double ml_outlier_threshold;  /* --ml-outlier-threshold: contamination (default 0.1) */
	unsigned ml_outlier_trees;    /* --ml-outlier-trees N (default 100) */
	bool explain;		      /* --explain: every feature's part in each finding */
	bool dl_anomaly;	      /* --dl-anomaly: autoencoder reconstruction error */
	double dl_threshold;	      /* --dl-threshold SIGMA (default 2.0) */
	unsigned dl_hidden;	      /* --dl-hidden-size N (default 3) */
	unsigned dl_epochs;	      /* --dl-epochs N (default 100) */
	unsigned long long seed;      /* --seed N (default 42): every analysis is a function of it */
	const char *save_model;	      /* --save-model FILE */
	const char *load_model;	      /* --load-model FILE: score with a model, thresholds from this run */
	const char *baseline;	      /* --baseline FILE: score and judge against a good run's model */
	unsigned analysis_level;      /* --analysis 1, --analysis-deep 2, --analysis-full 3 */
	bool source;		  /* --source: attribute each call to the program's code */
	bool stack;		  /* -k/--stack: the whole symbolized stack */
	bool function_time;	  /* --function-time: per-function profile */
	const char *transpiler_map;	  /* --transpiler-map FILE */
	const struct rn_srcmap *srcmap;	  /* loaded from it by main; not owned */
	bool rewrite_stacktrace;	  /* --rewrite-stacktrace: list line mappings at start */
	bool rewrite_errors;		  /* --rewrite-errors: list error mappings at start */
	bool show_transpiler_context;	  /* --show-transpiler-context: headers on those lists */
	const char *otlp_endpoint;	  /* --otlp-endpoint URL: OTLP/HTTP export */
	const char *otlp_service_name;	  /* --otlp-service-name (default "renacer") */
	char **otlp_headers;		  /* --otlp-header KEY=VALUE, repeatable; owned array */
	size_t otlp_nheaders;
	const char *trace_parent;	  /* --trace-parent: W3C traceparent to join */
	unsigned otlp_batch_size;	  /* --otlp-batch-size (default 512) */
	unsigned otlp_batch_timeout_ms;	  /* --otlp-batch-timeout-ms (default 1000) */
	unsigned long otlp_sample_threshold_us; /* --otlp-sample-threshold-us (0: all) */
	enum rn_backend backend;	  /* --backend */
	unsigned bpf_buffer;		  /* --bpf-buffer: ring-buffer bytes (power of 2) */
	const char *assert_file;	  /* --assert renacer.toml */
	const char *equivalence;	  /* --equivalence "ORIGINAL ARGS" */
	char **equiv_ignore;		  /* --equivalence-ignore ERE, repeatable; owned array */
	size_t equiv_nignore;
	char *env_add[4];		  /* NAME=VALUE set in the program started (TRACEPARENT) */
};

/* Release what the options own. */
void rn_options_done(struct rn_options *o);
