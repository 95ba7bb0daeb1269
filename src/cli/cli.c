// SPDX-License-Identifier: MIT
/* Options follow strace's spelling so its users need not relearn them. The
 * command comes after the options, with or without "--". */
#include "cli/cli.h"
#include "decode/decode.h"

#include "output/output.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter/filter.h"

enum {
	OPT_NO_SECCOMP = 0x100,
	OPT_SECCOMP,
	OPT_FORMAT,
	OPT_SOURCE,
	OPT_FUNCTION_TIME,
	OPT_TRANSPILER_MAP,
	OPT_REWRITE_STACKTRACE,
	OPT_REWRITE_ERRORS,
	OPT_SHOW_TRANSPILER_CONTEXT,
	OPT_OTLP_ENDPOINT,
	OPT_OTLP_SERVICE,
	OPT_OTLP_HEADER,
	OPT_TRACE_PARENT,
	OPT_OTLP_BATCH,
	OPT_OTLP_TIMEOUT,
	OPT_COMPARE,
	OPT_ASSERT,
	OPT_EQUIVALENCE,
	OPT_EQUIV_IGNORE,
	OPT_BACKEND,
	OPT_BPF_BUFFER,
	OPT_FAIL_ON_REGRESSION,
	OPT_OTLP_SAMPLE,
	OPT_STATS_EXTENDED,
	OPT_ANOMALY_THRESHOLD,
	OPT_ANOMALY_REALTIME,
	OPT_ANOMALY_WINDOW,
	OPT_ANOMALY_JITTER,
	OPT_HPU_ANALYSIS,
	OPT_HPU_CPU_ONLY,
	OPT_ML_ANOMALY,
	OPT_ML_CLUSTERS,
	OPT_ML_COMPARE,
	OPT_ML_OUTLIERS,
	OPT_ML_OUTLIER_THRESHOLD,
	OPT_ML_OUTLIER_TREES,
	OPT_EXPLAIN,
	OPT_DL_ANOMALY,
	OPT_DL_THRESHOLD,
	OPT_DL_HIDDEN,
	OPT_DL_EPOCHS,
	OPT_SEED,
	OPT_SAVE_MODEL,
	OPT_LOAD_MODEL,
	OPT_BASELINE,
	OPT_ANALYSIS,
	OPT_ANALYSIS_DEEP,
	OPT_ANALYSIS_FULL,
	OPT_DECODE_FDS,
	OPT_SEPARATELY,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "string-limit", required_argument, NULL, 's' },
	{ "syscall-times", no_argument, NULL, 'T' },
	{ "timing", no_argument, NULL, 'T' },
	{ "absolute-timestamps", no_argument, NULL, 't' },
	{ "follow-forks", no_argument, NULL, 'f' },
	{ "attach", required_argument, NULL, 'p' },
	{ "pid", required_argument, NULL, 'p' },
	{ "summary-only", no_argument, NULL, 'c' },
	{ "summary", no_argument, NULL, 'C' },
	{ "summary-wall-clock", no_argument, NULL, 'w' },
	{ "expr", required_argument, NULL, 'e' },
	{ "trace", required_argument, NULL, 'e' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "source", no_argument, NULL, OPT_SOURCE },
	{ "function-time", no_argument, NULL, OPT_FUNCTION_TIME },
	{ "transpiler-map", required_argument, NULL, OPT_TRANSPILER_MAP },
	{ "rewrite-stacktrace", no_argument, NULL, OPT_REWRITE_STACKTRACE },
	{ "rewrite-errors", no_argument, NULL, OPT_REWRITE_ERRORS },
	{ "show-transpiler-context", no_argument, NULL, OPT_SHOW_TRANSPILER_CONTEXT },
	{ "otlp-endpoint", required_argument, NULL, OPT_OTLP_ENDPOINT },
	{ "otlp-service-name", required_argument, NULL, OPT_OTLP_SERVICE },
	{ "otlp-header", required_argument, NULL, OPT_OTLP_HEADER },
	{ "trace-parent", required_argument, NULL, OPT_TRACE_PARENT },
	{ "otlp-batch-size", required_argument, NULL, OPT_OTLP_BATCH },
	{ "otlp-batch-timeout-ms", required_argument, NULL, OPT_OTLP_TIMEOUT },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "assert", required_argument, NULL, OPT_ASSERT },
	{ "equivalence", required_argument, NULL, OPT_EQUIVALENCE },
	{ "equivalence-ignore", required_argument, NULL, OPT_EQUIV_IGNORE },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "bpf-buffer", required_argument, NULL, OPT_BPF_BUFFER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "fail-on-regression", required_argument, NULL, OPT_FAIL_ON_REGRESSION },
	{ "otlp-sample-threshold-us", required_argument, NULL, OPT_OTLP_SAMPLE },
	{ "stack-trace", no_argument, NULL, 'k' },
	{ "stack", no_argument, NULL, 'k' },
	{ "stats-extended", no_argument, NULL, OPT_STATS_EXTENDED },
	{ "anomaly-threshold", required_argument, NULL, OPT_ANOMALY_THRESHOLD },
	{ "anomaly-realtime", no_argument, NULL, OPT_ANOMALY_REALTIME },
	{ "anomaly-window-size", required_argument, NULL, OPT_ANOMALY_WINDOW },
	{ "anomaly-jitter-us", required_argument, NULL, OPT_ANOMALY_JITTER },
	{ "hpu-analysis", no_argument, NULL, OPT_HPU_ANALYSIS },
	{ "hpu-cpu-only", no_argument, NULL, OPT_HPU_CPU_ONLY },
	{ "ml-anomaly", no_argument, NULL, OPT_ML_ANOMALY },
	{ "ml-clusters", required_argument, NULL, OPT_ML_CLUSTERS },
	{ "ml-compare", no_argument, NULL, OPT_ML_COMPARE },
	{ "ml-outliers", no_argument, NULL, OPT_ML_OUTLIERS },
	{ "ml-outlier-threshold", required_argument, NULL, OPT_ML_OUTLIER_THRESHOLD },
	{ "ml-outlier-trees", required_argument, NULL, OPT_ML_OUTLIER_TREES },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "dl-anomaly", no_argument, NULL, OPT_DL_ANOMALY },
	{ "dl-threshold", required_argument, NULL, OPT_DL_THRESHOLD },
	{ "dl-hidden-size", required_argument, NULL, OPT_DL_HIDDEN },
	{ "dl-epochs", required_argument, NULL, OPT_DL_EPOCHS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "save-model", required_argument, NULL, OPT_SAVE_MODEL },
	{ "load-model", required_argument, NULL, OPT_LOAD_MODEL },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "analysis", no_argument, NULL, OPT_ANALYSIS },
	{ "analysis-deep", no_argument, NULL, OPT_ANALYSIS_DEEP },
	{ "analysis-full", no_argument, NULL, OPT_ANALYSIS_FULL },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "seccomp-bpf", no_argument, NULL, OPT_SECCOMP },
	{ "decode-fds", required_argument, NULL, OPT_DECODE_FDS },
	{ "strings-in-hex", no_argument, NULL, 'x' },
	{ "successful-only", no_argument, NULL, 'z' },
	{ "env", required_argument, NULL, 'E' },
	{ "user", required_argument, NULL, 'u' },
	{ "trace-path", required_argument, NULL, 'P' },
	{ "columns", required_argument, NULL, 'a' },
	{ "summary-sort-by", required_argument, NULL, 'S' },
	{ "output-separately", no_argument, NULL, OPT_SEPARATELY },
	{ "relative-timestamps", no_argument, NULL, 'r' },
	{ "instruction-pointer", no_argument, NULL, 'i' },
	{ "failed-only", no_argument, NULL, 'Z' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* -e quiet=SET: attach, exit, thread-execve (and personality,
 * path-resolution, which renacer never prints), all, none, "!". */
static int parse_quiet(const char *spec, struct rn_options *o, struct rn_diag *reterr)
{
	enum { Q_ATTACH = 1, Q_EXIT = 2, Q_EXECVE = 4, Q_OTHER = 8, Q_ALL = 15 };
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"attach", Q_ATTACH},	   {"exit", Q_EXIT},	  {"exiting", Q_EXIT},
		     {"thread-execve", Q_EXECVE}, {"superseded", Q_EXECVE},
		     {"personality", Q_OTHER},	   {"path-resolution", Q_OTHER},
		     {"all", Q_ALL},		   {"none", 0}};
	bool negate = spec[0] == '!';
	const char *p = spec + negate;
	unsigned set = 0;
	while (*p) {
		size_t len = strcspn(p, ","), i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && !strncmp(p, names[i].name, len))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			rn_diag_set(reterr,
				    "invalid quiet= item '%.*s' (attach, exit, thread-execve, "
				    "personality, path-resolution, all, none)",
				    (int)len, p);
			return -EINVAL;
		}
		set |= names[i].bit;
		p += len + (p[len] == ',');
	}
	if (negate)
		set = Q_ALL & ~set;
	o->quiet = set & Q_ATTACH;
	o->quiet_exit = set & Q_EXIT;
	o->quiet_superseded = set & Q_EXECVE;
	return 0;
}

/* when=FIRST[..LAST][+[STEP]]: FIRST alone is that invocation only;
 * FIRST+ and FIRST+STEP go on without end, ..LAST stops there. */
static int parse_when(const char *v, struct rn_inject *in)
{
	char *end;
	unsigned long first = strtoul(v, &end, 10), last = first, step = 1;
	bool range = false;
	if (end == v || first < 1 || first > 65535)
		return -EINVAL;
	if (!strncmp(end, "..", 2)) {
		const char *l = end + 2;
		last = strtoul(l, &end, 10);
		if (end == l || last < first || last > 65535)
			return -EINVAL;
		range = true;
	}
	if (*end == '+') {
		if (!range)
			last = 0;
		const char *st = end + 1;
		if (*st) {
			step = strtoul(st, &end, 10);
			if (end == st || step < 1 || step > 65535)
				return -EINVAL;
		} else {
			end = (char *)st;
		}
	}
	if (*end)
		return -EINVAL;
	in->first = (unsigned)first;
	in->last = (unsigned)last;
	in->step = (unsigned)step;
	return 0;
}

/* A signal by name (SIGIO or io, any case) or number; 0 when none. */
static int signal_number(const char *item)
{
	char *end;
	long n = strtol(item, &end, 10);
	if (*item && !*end)
		return n >= 1 && n <= 64 ? (int)n : 0;
	const char *name = strncasecmp(item, "SIG", 3) ? item : item + 3;
	for (int k = 1; k <= 64; k++) {
		char tmp[16];
		const char *sn = rn_signal_name(k, tmp, sizeof(tmp));
		if (sn && !strcasecmp(sn + 3, name))
			return k;
	}
	return 0;
}

/* -e inject=SET[:error=E|:retval=N][:signal=SIG][:when=W], -e fault=SET[...]
 * (fault without error= fails with ENOSYS). */
static int parse_inject(const char *arg, struct rn_options *o, struct rn_diag *reterr)
{
	bool fault = arg[0] == 'f';
	const char *spec = strchr(arg, '=') + 1;
	if (o->ninjects == RN_MAX_INJECT) {
		rn_diag_set(reterr, "too many -e inject/fault rules (at most %d)", RN_MAX_INJECT);
		return -EINVAL;
	}
	struct rn_inject in = {.first = 1, .last = 0, .step = 1};
	char *copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	char *save = NULL, *set = strtok_r(copy, ":", &save);
	int r = 0;
	if (!set || !*set || spec[0] == ':') {
		rn_diag_set(reterr, "-e %s needs a set of syscalls", fault ? "fault" : "inject");
		r = -EINVAL;
	}
	for (char *opt = r ? NULL : strtok_r(NULL, ":", &save); opt && !r;
	     opt = strtok_r(NULL, ":", &save)) {
		char *val = strchr(opt, '=');
		if (val)
			*val++ = '\0';
		if (!val || !*val) {
			r = -EINVAL;
		} else if (!strcmp(opt, "error")) {
			char *end;
			long e = strtol(val, &end, 10);
			if (*end) {
				e = 0;
				for (long k = 1; k < 4096 && !e; k++) {
					const char *n = rn_errno_name(k);
					if (n && !strcmp(n, val))
						e = k;
				}
			}
			in.error = (int)e;
			if (e < 1 || e > 4095)
				r = -EINVAL;
		} else if (!strcmp(opt, "retval") && !fault) {
			char *end;
			in.retval = strtoll(val, &end, 0);
			in.has_retval = true;
			if (*end)
				r = -EINVAL;
		} else if (!strcmp(opt, "signal") && !fault) {
			in.signal = signal_number(val);
			if (!in.signal)
				r = -EINVAL;
		} else if (!strcmp(opt, "when")) {
			r = parse_when(val, &in);
		} else {
			r = -EINVAL;
		}
		if (r == -EINVAL)
			rn_diag_set(reterr, "invalid -e %s option '%s%s%s'", fault ? "fault" : "inject",
				    opt, val ? "=" : "", val ? val : "");
	}
	if (!r) {
		if (fault && !in.error)
			in.error = ENOSYS;
		if (!fault && !in.error && !in.has_retval && !in.signal) {
			rn_diag_set(reterr, "-e inject=%s needs error=, retval= or signal=", set);
			r = -EINVAL;
		} else if (in.error && in.has_retval) {
			rn_diag_set(reterr, "-e inject: error= and retval= cannot be used together");
			r = -EINVAL;
		}
	}
	if (!r)
		r = rn_filter_parse(&in.set, set, reterr);
	free(copy);
	if (r < 0) {
		rn_filter_free(in.set);
		return r;
	}
	o->injects[o->ninjects++] = in;
	return 0;
}

/* -P PATH: the path as given, and where it leads when that differs (as
 * strace: a call naming either matches). */
static int add_one_path(struct rn_options *o, const char *path)
{
	for (size_t i = 0; i < o->npaths; i++)
		if (!strcmp(o->paths[i], path))
			return 0;
	char **v = realloc(o->paths, (o->npaths + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	o->paths = v;
	if (!(v[o->npaths] = strdup(path)))
		return -ENOMEM;
	o->npaths++;
	return 0;
}

static int add_path(struct rn_options *o, const char *path)
{
	char real[PATH_MAX];
	if (add_one_path(o, path) < 0)
		return -ENOMEM;
	if (realpath(path, real) && strcmp(real, path))
		return add_one_path(o, real);
	return 0;
}

/* -e signal=SET: names (SIGIO or IO, any case), numbers, all, none, a
 * leading "!" for the complement. */
static int parse_signals(const char *spec, struct rn_options *o, struct rn_diag *reterr)
{
	bool negate = spec[0] == '!';
	const char *p = spec + negate;
	uint64_t set = 0;
	if (!*p) {
		rn_diag_set(reterr, "invalid signal set '%s'", spec);
		return -EINVAL;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		char item[32];
		if (len == 0 || len >= sizeof(item)) {
			rn_diag_set(reterr, "invalid signal '%.*s' in signal=", (int)len, p);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (!strcasecmp(item, "all")) {
			set = ~0ull;
		} else if (strcasecmp(item, "none")) {
			int sig = signal_number(item);
			if (!sig) {
				rn_diag_set(reterr, "invalid signal '%s' in signal=", item);
				return -EINVAL;
			}
			set |= 1ull << (sig - 1);
		}
		p += len + (p[len] == ',');
	}
	o->signal_filter = true;
	o->signals = negate ? ~set : set;
	return 0;
}

/* -e status=SET: successful, failed, unfinished, unavailable, detached,
 * all, none, a leading "!" for the complement. */
static int parse_status(const char *spec, unsigned *ret, struct rn_diag *reterr)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	    {"successful", RN_STATUS_SUCCESSFUL},   {"failed", RN_STATUS_FAILED},
	    {"unfinished", RN_STATUS_UNFINISHED},   {"unavailable", RN_STATUS_UNAVAILABLE},
	    {"detached", RN_STATUS_DETACHED},	    {"all", RN_STATUS_ALL},
	    {"none", 0},
	};
	bool negate = spec[0] == '!';
	const char *p = spec + negate;
	unsigned mask = 0;
	if (!*p) {
		rn_diag_set(reterr, "invalid status set '%s' (successful, failed, unfinished, "
				    "unavailable, detached)", spec);
		return -EINVAL;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len && !strncmp(p, names[i].name, len))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			rn_diag_set(reterr,
				    "invalid status '%.*s' in status= (successful, failed, unfinished, "
				    "unavailable, detached)",
				    (int)len, p);
			return -EINVAL;
		}
		mask |= names[i].bit;
		p += len + (p[len] == ',');
	}
	if (negate)
		mask = RN_STATUS_ALL & ~mask;
	/* none at all still means "show nothing", not "no filter" */
	*ret = mask ? mask : RN_STATUS_ALL + 1;
	return 0;
}

void rn_cli_help(FILE *f)
{
	(void)fputs(
		"usage: renacer [OPTIONS] [--] COMMAND [ARGS...]\n"
		"       renacer [OPTIONS] -p PID[,PID...]\n"
		"\n"
		"Trace the system calls of a program, strace-compatible.\n"
		"\n"
		"  -o, --output FILE        write the trace to FILE instead of stderr\n"
		"  -s, --string-limit N     show at most N bytes of each string (default 32)\n"
		"  -x, --strings-in-hex     non-ASCII strings in hex; -xx every string\n"
		"  -y, --decode-fds=path    show each descriptor's path: 3</etc/hosts>; -yy\n"
		"                           (--decode-fds=all) sockets' endpoints, devices\n"
		"  -z, --successful-only    show only calls that succeeded; -Z only failed\n"
		"                           ones; -e status=SET picks (successful, failed,\n"
		"                           unfinished, unavailable, detached)\n"
		"  -T, --syscall-times      show the time spent in each call\n"
		"  -t, --absolute-timestamps  prefix lines with the time; -tt adds\n"
		"                           microseconds, -ttt prints seconds since the epoch\n"
		"  -r, --relative-timestamps  prefix lines with the time since the previous\n"
		"                           call began\n"
		"  -i, --instruction-pointer  show where each call was made: [00007f...]\n"
		"  -a, --columns N          align results at column N (default 40)\n"
		"  -P, --trace-path PATH    show only calls that name PATH (a path or a\n"
		"                           descriptor open on it); repeatable\n"
		"  -f, --follow-forks       trace child processes and threads too\n"
		"  -ff, --output-separately with -o FILE: each task's trace in FILE.PID\n"
		"  -p, --attach PID         attach to running processes (repeatable, a,b,c)\n"
		"  -c, --summary-only       count calls, errors and time; print a table\n"
		"  -C, --summary            like -c, and print the trace as well\n"
		"  -S, --summary-sort-by K  order the table by time (default), avg-time,\n"
		"                           calls, errors, name or nothing (number)\n"
		"  -w, --summary-wall-clock accepted for strace compatibility (always on)\n"
		"  -e, --expr trace=SPEC    trace only the syscalls SPEC names:\n"
		"                           names (open,read), classes (%file, %network,\n"
		"                           %process, %signal, %ipc, %desc, %memory, %creds,\n"
		"                           %clock, %stat, %lstat, %fstat, %%stat, %statfs,\n"
		"                           %fstatfs, %%statfs, %pure), /regex/, all, none;\n"
		"                           !ITEM excludes: trace=%file,!close\n"
		"      -e signal=SET        show only these signals (SIGIO or io, all, none)\n"
		"      -e inject=SET:error=ERRNO|retval=N[:signal=SIG][:when=3|2..4|5+|1+3]\n"
		"      -e fault=SET[:error=ERRNO][:when=...]  make chosen calls fail\n"
		"  -q, --quiet              no attach/detach notices; -qq: no exit lines\n"
		"                           either; -e quiet=attach,exit,thread-execve\n"
		"  -E VAR=VAL, -E VAR       set or remove VAR in the program's environment\n"
		"  -u USER                  run the program as USER (uid, gid, groups)\n"
		"  -v, --verbose            say which backend runs and why (stderr)\n"
		"      --format FMT         text (default, strace lines), json, csv, html,\n"
		"                           flamegraph (folded stacks for flamegraph.pl,\n"
		"                           inferno, speedscope) or flamegraph-svg;\n"
		"                           all but text go to -o FILE or stdout\n"
		"      --stats-extended     after the table: mean, stddev, min, max and\n"
		"                           P50/P75/P90/P95/P99 latency per syscall, and the\n"
		"                           calls slower than --anomaly-threshold sigmas\n"
		"      --anomaly-threshold SIGMA  z-score for anomalies (default 3.0)\n"
		"      --anomaly-realtime   report slow calls as they happen, against a\n"
		"                           sliding per-syscall baseline\n"
		"      --anomaly-window-size N  baseline window (default 100)\n"
		"      --anomaly-jitter-us N  a call must exceed its mean by N us too (default 50)\n"
		"      --analysis           pick the analyses that fit the trace and print a\n"
		"                           summary: the top finding, why, and what to run\n"
		"                           next; --analysis-deep adds k-means and the\n"
		"                           autoencoder, --analysis-full the HPU report too\n"
		"      --hpu-analysis       hotspots (syscalls; with --source, functions):\n"
		"                           correlation matrix (OpenBLAS, or cuBLAS on a\n"
		"                           GPU when quicker), clusters with recommendations,\n"
		"                           on stdout\n"
		"      --hpu-cpu-only       run the HPU analysis on the CPU even with a GPU\n"
		"      --ml-anomaly         k-means over per-call latency; the slow cluster\n"
		"      --ml-clusters N      clusters (default 3, at least 2)\n"
		"      --ml-compare         k-means findings next to the z-score method's\n"
		"      --ml-outliers        isolation forest over duration, syscall, fd, size,\n"
		"                           inter-call gap and burst rate\n"
		"      --ml-outlier-threshold F  contamination: outlier above score 0.5+F/2\n"
		"                           (default 0.1)\n"
		"      --ml-outlier-trees N trees (default 100)\n"
		"      --explain            each finding's features: the splits that isolated\n"
		"                           it, or each feature's share of the error\n"
		"      --dl-anomaly         autoencoder over the same features: calls it\n"
		"                           cannot reconstruct\n"
		"      --dl-threshold SIGMA error above mean + SIGMA sd (default 2.0)\n"
		"      --dl-hidden-size N   hidden units (default 3)\n"
		"      --dl-epochs N        training passes (default 100)\n"
		"      --seed N             seed of every analysis (default 42)\n"
		"      --save-model FILE    save the isolation forest and autoencoder trained\n"
		"                           on this run (docs/ml-models.md)\n"
		"      --load-model FILE    score this run with a saved model\n"
		"      --baseline FILE      the same, judging calls by the saved run's\n"
		"                           thresholds\n"
		"      --source             show the line of the program's own code that made\n"
		"                           each call: [src/main.c:15 in main] (needs -g)\n"
		"  -k, --stack              print the symbolized stack after each call\n"
		"      --function-time      profile: syscall time per function of the program,\n"
		"                           hot call chains, call graph, slow I/O\n"
		"      --transpiler-map FILE  take Rust locations back to the original source\n"
		"                           (docs/transpiler-map.md); implies --source\n"
		"      --rewrite-stacktrace, --rewrite-errors, --show-transpiler-context\n"
		"                           list the map's line/error mappings at start-up\n"
		"      --otlp-endpoint URL  export spans over OTLP/HTTP (JSON) to URL/v1/traces\n"
		"                           (Jaeger, Tempo, an OpenTelemetry Collector: :4318)\n"
		"      --otlp-service-name NAME  service.name (default renacer)\n"
		"      --otlp-header K=V    extra HTTP header (auth tokens), repeatable\n"
		"      --otlp-batch-size N  spans per request (default 512)\n"
		"      --otlp-batch-timeout-ms N  send a batch after N ms even if not full (1000)\n"
		"      --otlp-sample-threshold-us N  export only calls slower than N us, and errors\n"
		"      --trace-parent TP    join this W3C trace (else $TRACEPARENT); the program\n"
		"                           gets TRACEPARENT of renacer's root span\n"
		"      --backend B          ptrace, bpf (in the kernel, near native speed: -c\n"
		"                           aggregated there, or the event stream with the\n"
		"                           common syscalls' memory; needs root or\n"
		"                           CAP_BPF+CAP_PERFMON) or auto (default: bpf for -c)\n"
		"      --bpf-buffer SIZE    bpf event ring buffer, bytes (K/M suffix; default 16M)\n"
		"      --no-seccomp         do not push the filter down with seccomp-bpf\n"
		"      --assert FILE        check the performance budgets in FILE (renacer.toml,\n"
		"                           docs/assertions.md); exit 4 when one fails\n"
		"      --equivalence \"ORIG ARGS\" -- CMD ARGS  trace both programs and compare\n"
		"                           what they write, create and exit with; exit 5\n"
		"                           when they differ\n"
		"      --equivalence-ignore ERE  a stream (\"fd 2\", \"file PATH\") or file event\n"
		"                           (\"create PATH\") not to compare; repeatable\n"
		"      --compare BASE.json CUR.json  compare two --format json runs: calls and\n"
		"                           latency per syscall (Mann-Whitney U), verdict\n"
		"      --fail-on-regression PCT  with --compare: exit 3 when a syscall's median\n"
		"                           latency regressed by PCT% or more\n"
		"  -h, --help               show this help\n"
		"  -V, --version            show the version\n"
		"\n"
		"Exit status: the traced program's (128+N when it was killed by signal N).\n",
		f);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return -EINVAL;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int add_pids(struct rn_options *o, const char *arg, struct rn_diag *reterr)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return -ENOMEM;
	int r = 0;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		unsigned long v;
		if (parse_uint(tok, INT_MAX, &v) < 0 || v == 0) {
			rn_diag_set(reterr, "invalid process id '%s'", tok);
			r = -EINVAL;
			break;
		}
		pid_t *p = realloc(o->pids, (o->npids + 1) * sizeof(*p));
		if (!p) {
			r = -ENOMEM;
			break;
		}
		o->pids = p;
		o->pids[o->npids++] = (pid_t)v;
	}
	free(copy);
	return r;
}

int rn_cli_parse(int argc, char **argv, struct rn_options *o, struct rn_cli *ret_cli,
		 struct rn_diag *reterr)
{
	struct rn_cli cli = { .action = RN_CLI_RUN, .fail_pct = -1 };
	bool summary_only = false, summary_also = false;
	unsigned tcount = 0;
	int c, r;
	o->string_limit = 32;
	o->anomaly_threshold = 3.0;
	o->anomaly_jitter_us = 50.0;
	o->bpf_buffer = 16u << 20;
	o->anomaly_window = 100;
	o->ml_clusters = 3;
	o->ml_outlier_threshold = 0.1;
	o->ml_outlier_trees = 100;
	o->dl_threshold = 2.0;
	o->dl_hidden = 3;
	o->dl_epochs = 100;
	o->seed = 42;
	o->otlp_batch_size = 512;
	o->otlp_batch_timeout_ms = 1000;
	opterr = 0;
	optind = 1;
again:
	while ((c = getopt_long(argc, argv, "+o:s:TtfFp:cCwe:qvkhVxyzZriS:a:P:E:u:", long_opts, NULL)) != -1) {
		unsigned long v;
		switch (c) {
		case 'o':
			o->outfile = optarg;
			break;
		case 's':
			if (parse_uint(optarg, 1u << 20, &v) < 0) {
				rn_diag_set(reterr, "invalid string limit '%s'", optarg);
				return -EINVAL;
			}
			o->string_limit = (unsigned)v;
			break;
		case 'T':
			o->show_time = true;
			break;
		case 'x':
			if (o->xflag < 2)
				o->xflag++;
			break;
		case 'y':
			/* -yy: sockets and devices in detail too */
			o->decode_fds = o->decode_fds ? 2 : 1;
			break;
		case 'z':
			o->status = RN_STATUS_SUCCESSFUL;
			break;
		case 'r':
			o->relative_ts = true;
			break;
		case 'P':
			if (add_path(o, optarg) < 0)
				return -ENOMEM;
			break;
		case 'a':
			if (parse_uint(optarg, 4096, &v) < 0) {
				rn_diag_set(reterr, "invalid column '%s' for -a", optarg);
				return -EINVAL;
			}
			o->column = (unsigned)v;
			break;
		case 'S': {
			static const struct {
				const char *name;
				enum rn_sortby by;
			} sorts[] = {{"time", RN_SORT_TIME},	    {"time_total", RN_SORT_TIME},
				     {"total_time", RN_SORT_TIME},  {"avg-time", RN_SORT_AVG},
				     {"time_avg", RN_SORT_AVG},	    {"avg_time", RN_SORT_AVG},
				     {"calls", RN_SORT_CALLS},	    {"count", RN_SORT_CALLS},
				     {"errors", RN_SORT_ERRORS},    {"error", RN_SORT_ERRORS},
				     {"name", RN_SORT_NAME},	    {"syscall", RN_SORT_NAME},
				     {"syscall_name", RN_SORT_NAME}, {"nothing", RN_SORT_NOTHING},
				     {"none", RN_SORT_NOTHING}};
			size_t k;
			for (k = 0; k < sizeof(sorts) / sizeof(sorts[0]); k++)
				if (!strcmp(optarg, sorts[k].name))
					break;
			if (k == sizeof(sorts) / sizeof(sorts[0])) {
				rn_diag_set(reterr,
					    "invalid sort key '%s' for -S (time, avg-time, calls, errors, "
					    "name, nothing)",
					    optarg);
				return -EINVAL;
			}
			o->sortby = sorts[k].by;
			break;
		}
		case OPT_SEPARATELY:
			o->separately = true;
			o->follow = true;
			break;
		case 'i':
			o->show_ip = true;
			break;
		case 'Z':
			o->status = RN_STATUS_FAILED;
			break;
		case OPT_DECODE_FDS: {
			/* path; socket and dev bring the -yy details */
			o->decode_fds = 1;
			char *copy = strdup(optarg), *save = NULL;
			if (!copy)
				return -ENOMEM;
			for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
				if (!strcmp(w, "socket") || !strcmp(w, "dev") || !strcmp(w, "all")) {
					o->decode_fds = 2;
				} else if (strcmp(w, "path") && strcmp(w, "none")) {
					rn_diag_set(reterr,
						    "invalid --decode-fds item '%s' (path, socket, dev, "
						    "all)",
						    w);
					free(copy);
					return -EINVAL;
				}
			}
			free(copy);
			break;
		}
		case 't':
			tcount++;
			break;
		case 'f':
		case 'F':
			/* -ff: each task's trace in a file of its own */
			if (o->follow && c == 'f')
				o->separately = true;
			o->follow = true;
			break;
		case 'p':
			r = add_pids(o, optarg, reterr);
			if (r < 0)
				return r;
			break;
		case 'c':
			summary_only = true;
			break;
		case 'C':
			summary_also = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->format = RN_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = RN_FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				o->format = RN_FMT_CSV;
			else if (strcmp(optarg, "html") == 0)
				o->format = RN_FMT_HTML;
			else if (strcmp(optarg, "flamegraph") == 0 || strcmp(optarg, "folded") == 0)
				o->format = RN_FMT_FOLDED;
			else if (strcmp(optarg, "flamegraph-svg") == 0)
				o->format = RN_FMT_FLAMESVG;
			else {
				rn_diag_set(reterr,
					    "unknown format '%s' (text, json, csv, html, flamegraph or flamegraph-svg)",
					    optarg);
				return -EINVAL;
			}
			break;
		case OPT_STATS_EXTENDED:
			o->stats_extended = true;
			break;
		case OPT_ANOMALY_THRESHOLD: {
			char *end;
			errno = 0;
			double sigma = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(sigma > 0) || sigma > 1e6) {
				rn_diag_set(reterr, "invalid anomaly threshold '%s' (a positive number of standard deviations)",
					    optarg);
				return -EINVAL;
			}
			o->anomaly_threshold = sigma;
			break;
		}
		case OPT_ANOMALY_REALTIME:
			o->anomaly_realtime = true;
			break;
		case OPT_ANOMALY_JITTER: {
			char *end;
			errno = 0;
			double us = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(us >= 0) || us > 1e9) {
				rn_diag_set(reterr, "invalid --anomaly-jitter-us '%s' (microseconds, 0 or more)",
					    optarg);
				return -EINVAL;
			}
			o->anomaly_jitter_us = us;
			break;
		}
		case OPT_ANOMALY_WINDOW:
			if (parse_uint(optarg, 10000000, &v) < 0 || v < 2) {
				rn_diag_set(reterr, "invalid anomaly window size '%s' (at least 2)", optarg);
				return -EINVAL;
			}
			o->anomaly_window = (unsigned)v;
			break;
		case OPT_HPU_ANALYSIS:
			o->hpu_analysis = true;
			break;
		case OPT_HPU_CPU_ONLY:
			o->hpu_cpu_only = true;
			break;
		case OPT_ML_ANOMALY:
			o->ml_anomaly = true;
			break;
		case OPT_ML_CLUSTERS: {
			/* Below 2 is refused by the analysis, exit 1, as the
			 * original renacer does; only non-numbers are usage errors. */
			char *end;
			errno = 0;
			long k = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || k > 1000) {
				rn_diag_set(reterr, "invalid --ml-clusters '%s' (a number of clusters, 2 to 1000)",
					    optarg);
				return -EINVAL;
			}
			o->ml_clusters = k;
			break;
		}
		case OPT_ML_COMPARE:
			o->ml_compare = true;
			break;
		case OPT_ML_OUTLIERS:
			o->ml_outliers = true;
			break;
		case OPT_ML_OUTLIER_THRESHOLD:
		case OPT_DL_THRESHOLD: {
			char *end;
			errno = 0;
			double t = strtod(optarg, &end);
			bool dl = c == OPT_DL_THRESHOLD;
			if (errno || end == optarg || *end || !(t >= 0) || t > (dl ? 1e6 : 1.0)) {
				rn_diag_set(reterr, dl ? "invalid --dl-threshold '%s' (a number of standard deviations)"
						       : "invalid --ml-outlier-threshold '%s' (a fraction, 0 to 1)",
					    optarg);
				return -EINVAL;
			}
			*(dl ? &o->dl_threshold : &o->ml_outlier_threshold) = t;
			break;
		}
		case OPT_ML_OUTLIER_TREES:
		case OPT_DL_HIDDEN:
		case OPT_DL_EPOCHS: {
			static const struct {
				int opt;
				const char *name;
				unsigned long max;
			} lim[] = { { OPT_ML_OUTLIER_TREES, "--ml-outlier-trees", 100000 },
				    { OPT_DL_HIDDEN, "--dl-hidden-size", 64 },
				    { OPT_DL_EPOCHS, "--dl-epochs", 1000000 } };
			size_t k = c == OPT_ML_OUTLIER_TREES ? 0 : c == OPT_DL_HIDDEN ? 1 : 2;
			if (parse_uint(optarg, lim[k].max, &v) < 0 || v == 0) {
				rn_diag_set(reterr, "invalid %s '%s' (1 to %lu)", lim[k].name, optarg, lim[k].max);
				return -EINVAL;
			}
			*(k == 0 ? &o->ml_outlier_trees : k == 1 ? &o->dl_hidden : &o->dl_epochs) = (unsigned)v;
			break;
		}
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_DL_ANOMALY:
			o->dl_anomaly = true;
			break;
		case OPT_SEED: {
			char *end;
			errno = 0;
			if (!*optarg || *optarg == '-')
				errno = EINVAL;
			unsigned long long sd = errno ? 0 : strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end) {
				rn_diag_set(reterr, "invalid --seed '%s' (a non-negative integer)", optarg);
				return -EINVAL;
			}
			o->seed = sd;
			break;
		}
		case OPT_SAVE_MODEL:
			o->save_model = optarg;
			break;
		case OPT_LOAD_MODEL:
			o->load_model = optarg;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_ANALYSIS:
		case OPT_ANALYSIS_DEEP:
		case OPT_ANALYSIS_FULL: {
			unsigned lvl = c == OPT_ANALYSIS ? 1 : c == OPT_ANALYSIS_DEEP ? 2 : 3;
			if (lvl > o->analysis_level)
				o->analysis_level = lvl;
			break;
		}
		case 'w':
			break;
		case 'q':
			/* -q: no attach notices; -qq: no exit lines either */
			if (o->quiet)
				o->quiet_exit = true;
			o->quiet = true;
			break;
		case 'E': {
			char **ev = realloc(o->env_changes, (o->nenv_changes + 1) * sizeof(*ev));
			if (!ev)
				return -ENOMEM;
			o->env_changes = ev;
			ev[o->nenv_changes++] = optarg;
			break;
		}
		case 'u': {
			struct passwd *pw = getpwnam(optarg);
			if (!pw) {
				rn_diag_set(reterr, "cannot find user '%s'", optarg);
				return -EINVAL;
			}
			o->run_user = optarg;
			o->run_uid = pw->pw_uid;
			o->run_gid = pw->pw_gid;
			break;
		}
		case 'v':
			o->verbose = true;
			break;
		case OPT_SOURCE:
			o->source = true;
			break;
		case OPT_FUNCTION_TIME:
			o->function_time = true;
			break;
		case OPT_TRANSPILER_MAP:
			o->transpiler_map = optarg;
			/* The map only matters where locations are shown. */
			o->source = true;
			break;
		case OPT_REWRITE_STACKTRACE:
			o->rewrite_stacktrace = true;
			break;
		case OPT_REWRITE_ERRORS:
			o->rewrite_errors = true;
			break;
		case OPT_SHOW_TRANSPILER_CONTEXT:
			o->show_transpiler_context = true;
			break;
		case OPT_OTLP_ENDPOINT:
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) {
				rn_diag_set(reterr, "invalid OTLP endpoint '%s' (an http:// or https:// URL, "
						    "e.g. http://localhost:4318)", optarg);
				return -EINVAL;
			}
			o->otlp_endpoint = optarg;
			break;
		case OPT_OTLP_SERVICE:
			o->otlp_service_name = optarg;
			break;
		case OPT_OTLP_HEADER: {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || strpbrk(optarg, "\r\n")) {
				rn_diag_set(reterr, "invalid OTLP header '%s' (KEY=VALUE)", optarg);
				return -EINVAL;
			}
			char **h = realloc(o->otlp_headers, (o->otlp_nheaders + 1) * sizeof(*h));
			if (!h)
				return -ENOMEM;
			o->otlp_headers = h;
			o->otlp_headers[o->otlp_nheaders++] = optarg;
			break;
		}
		case OPT_TRACE_PARENT: {
			uint8_t t[16], p[8];
			if (rn_otlp_parse_traceparent(optarg, t, p) < 0) {
				rn_diag_set(reterr, "invalid --trace-parent '%s' (W3C: 00-<32 hex>-<16 hex>-<2 hex>)",
					    optarg);
				return -EINVAL;
			}
			o->trace_parent = optarg;
			break;
		}
		case OPT_OTLP_BATCH:
			if (parse_uint(optarg, 1000000, &v) < 0 || v == 0) {
				rn_diag_set(reterr, "invalid OTLP batch size '%s' (1 to 1000000 spans)", optarg);
				return -EINVAL;
			}
			o->otlp_batch_size = (unsigned)v;
			break;
		case OPT_BPF_BUFFER: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (*end == 'K' || *end == 'k')
				n <<= 10, end++;
			else if (*end == 'M' || *end == 'm')
				n <<= 20, end++;
			if (errno || end == optarg || *end || n < 4096 || n > (1ull << 30)) {
				rn_diag_set(reterr, "invalid --bpf-buffer '%s' (4K to 1024M bytes)", optarg);
				return -EINVAL;
			}
			/* A ring buffer is a power of two pages. */
			unsigned size = 4096;
			while (size < n)
				size <<= 1;
			o->bpf_buffer = size;
			break;
		}
		case OPT_BACKEND:
			if (!strcmp(optarg, "auto"))
				o->backend = RN_BACKEND_AUTO;
			else if (!strcmp(optarg, "ptrace"))
				o->backend = RN_BACKEND_PTRACE;
			else if (!strcmp(optarg, "bpf"))
				o->backend = RN_BACKEND_BPF;
			else {
				rn_diag_set(reterr, "unknown backend '%s' (auto, ptrace or bpf)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_EQUIVALENCE:
			if (!*optarg) {
				rn_diag_set(reterr, "--equivalence needs the original command");
				return -EINVAL;
			}
			o->equivalence = optarg;
			break;
		case OPT_EQUIV_IGNORE: {
			char **pats = realloc(o->equiv_ignore, (o->equiv_nignore + 1) * sizeof(*pats));
			if (!pats)
				return -ENOMEM;
			o->equiv_ignore = pats;
			o->equiv_ignore[o->equiv_nignore++] = optarg;
			break;
		}
		case OPT_ASSERT:
			o->assert_file = optarg;
			break;
		case OPT_COMPARE:
			cli.compare[0] = optarg;
			break;
		case OPT_FAIL_ON_REGRESSION: {
			char *end;
			errno = 0;
			double pct = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(pct >= 0) || pct > 1e6) {
				rn_diag_set(reterr, "invalid --fail-on-regression '%s' (a percentage, e.g. 10)",
					    optarg);
				return -EINVAL;
			}
			cli.fail_pct = pct;
			break;
		}
		case OPT_OTLP_TIMEOUT:
			if (parse_uint(optarg, 3600000, &v) < 0 || v == 0) {
				rn_diag_set(reterr, "invalid OTLP batch timeout '%s' (1 to 3600000 ms)", optarg);
				return -EINVAL;
			}
			o->otlp_batch_timeout_ms = (unsigned)v;
			break;
		case OPT_OTLP_SAMPLE:
			if (parse_uint(optarg, 3600000000UL, &v) < 0) {
				rn_diag_set(reterr, "invalid sampling threshold '%s' (microseconds)", optarg);
				return -EINVAL;
			}
			o->otlp_sample_threshold_us = v;
			break;
		case 'k':
			o->stack = true;
			break;
		case 'e':
			if (!strncmp(optarg, "signal=", 7) || !strncmp(optarg, "signals=", 8) ||
			    !strncmp(optarg, "s=", 2)) {
				r = parse_signals(strchr(optarg, '=') + 1, o, reterr);
				if (r < 0)
					return r;
				break;
			}
			if (!strncmp(optarg, "inject=", 7) || !strncmp(optarg, "fault=", 6)) {
				r = parse_inject(optarg, o, reterr);
				if (r < 0)
					return r;
				break;
			}
			if (!strncmp(optarg, "quiet=", 6) || !strncmp(optarg, "silent=", 7) ||
			    !strncmp(optarg, "silence=", 8)) {
				r = parse_quiet(strchr(optarg, '=') + 1, o, reterr);
				if (r < 0)
					return r;
				break;
			}
			if (!strncmp(optarg, "status=", 7)) {
				r = parse_status(optarg + 7, &o->status, reterr);
				if (r < 0)
					return r;
				break;
			}
			r = rn_filter_parse(&o->filter, optarg, reterr);
			if (r < 0)
				return r;
			break;
		case OPT_NO_SECCOMP:
			o->no_seccomp = true;
			break;
		case OPT_SECCOMP:
			o->no_seccomp = false;
			break;
		case 'h':
			cli.action = RN_CLI_HELP;
			*ret_cli = cli;
			return 0;
		case 'V':
			cli.action = RN_CLI_VERSION;
			*ret_cli = cli;
			return 0;
		case ':':
			rn_diag_set(reterr, "option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt && optopt < 0x100)
				rn_diag_set(reterr, "unknown option '-%c' (see renacer --help)", optopt);
			else
				rn_diag_set(reterr, "unknown option '%s' (see renacer --help)",
					    argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (cli.compare[0]) {
		/* --compare BASELINE CURRENT: the current run is the one operand,
		 * and options may follow it. */
		if (optind < argc && !cli.compare[1]) {
			cli.compare[1] = argv[optind++];
			goto again;
		}
		if (!cli.compare[1] || optind != argc) {
			rn_diag_set(reterr, "usage: renacer --compare BASELINE.json CURRENT.json "
					    "[--fail-on-regression PCT]");
			return -EINVAL;
		}
		cli.action = RN_CLI_COMPARE;
		*ret_cli = cli;
		return 0;
	}
	if (cli.fail_pct >= 0) {
		rn_diag_set(reterr, "--fail-on-regression needs --compare BASELINE.json CURRENT.json");
		return -EINVAL;
	}
	o->ts = tcount == 0 ? RN_TS_NONE : tcount == 1 ? RN_TS_TIME : tcount == 2 ? RN_TS_USEC : RN_TS_EPOCH;
	if (optind < argc)
		o->argv = argv + optind;
	if (o->argv && o->npids) {
		rn_diag_set(reterr, "cannot both run a command and attach with -p");
		return -EINVAL;
	}
	if (!o->argv && !o->npids) {
		rn_diag_set(reterr, "no command to trace (usage: renacer [OPTIONS] -- COMMAND, or -p PID)");
		return -EINVAL;
	}
	/* As strace: a command run with its trace in a file says nothing
	 * about the children it attaches to (-q is implied). */
	if (o->outfile && o->argv)
		o->quiet = true;
	if ((o->rewrite_stacktrace || o->rewrite_errors || o->show_transpiler_context) &&
	    !o->transpiler_map) {
		rn_diag_set(reterr, "--rewrite-stacktrace, --rewrite-errors and --show-transpiler-context "
				    "need --transpiler-map FILE");
		return -EINVAL;
	}
	if (summary_only && summary_also) {
		rn_diag_set(reterr, "-c and -C cannot be used together");
		return -EINVAL;
	}
	if (o->load_model && o->baseline) {
		rn_diag_set(reterr, "--load-model and --baseline cannot be used together (--baseline "
				    "loads a model too)");
		return -EINVAL;
	}
	o->summary_only = summary_only;
	/* --stats-extended reports after the table, so it brings the table. */
	o->summary = summary_only || summary_also || o->stats_extended;
	*ret_cli = cli;
	return 0;
}
