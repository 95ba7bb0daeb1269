// SPDX-License-Identifier: MIT
/* renacer: parse options, build the sinks, run a session, return its status. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>
#include <unistd.h>

#include "analysis/anomaly.h"
#include "assert/assert.h"
#include "analysis/compare.h"
#include "analysis/equivalence.h"
#include "analysis/functions.h"
#include "analysis/ml/analysis.h"
#include "analysis/stats.h"
#include "analysis/summary.h"
#ifdef RN_HAVE_BPF
#include "backend/bpf/bpf.h"
#endif
#include "cli/cli.h"
#include "core/session.h"
#include "symbolize/srcmap.h"
#include "output/output.h"

#ifndef RN_VERSION
#define RN_VERSION "0.0.0"
#endif

static char outbuf[1 << 16];

static int add(struct rn_sinks *sinks, struct rn_sink *s)
{
	if (!s)
		return -ENOMEM;
	return rn_sinks_add(sinks, s);
}

/* An anonymous file that the traced program does not inherit; stdout when
 * none can be made (the document then streams there directly). */
static FILE *spool_open(void)
{
	int fd = open(P_tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (!f) {
		if (fd >= 0)
			(void)close(fd);
		return stdout;
	}
	return f;
}

/* Copy the spooled document to dst and close it. Returns 0 or -1 (errno). */
static int spool_copy(FILE *spool, FILE *dst)
{
	char buf[1 << 16];
	size_t n;
	int r = 0;
	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
		r = -1;
	while (r == 0 && (n = fread(buf, 1, sizeof(buf), spool)) > 0)
		if (fwrite(buf, 1, n, dst) != n)
			r = -1;
	if (r == 0 && (ferror(spool) || fflush(dst) != 0))
		r = -1;
	int saved = errno;
	(void)fclose(spool);
	errno = saved;
	return r;
}

/* --equivalence: the original command is one string, split into words as
 * the shell would (quotes, backslashes, $VARIABLES, globs), with wordexp(3);
 * command substitution and shell operators are refused. */
static int run_equivalence(const struct rn_options *o, struct rn_diag *diag)
{
	wordexp_t we;
	int e = wordexp(o->equivalence, &we, WRDE_NOCMD);
	if (e != 0) {
		const char *why = e == WRDE_BADCHAR ? "a shell operator (one of | & ; < > ( ) { } or a newline) "
						      "outside quotes"
				  : e == WRDE_CMDSUB ? "command substitution, which is not run"
				  : e == WRDE_SYNTAX ? "unbalanced quotes or another syntax error"
						     : "out of memory";
		(void)fprintf(stderr, "renacer: --equivalence: cannot split the original command: %s\n", why);
		if (e == WRDE_NOSPACE)
			wordfree(&we);
		return 2;
	}
	int r;
	if (!we.we_wordc) {
		(void)fprintf(stderr, "renacer: --equivalence needs the original command\n");
		r = 2;
	} else {
		r = rn_equivalence_run(o, we.we_wordv, o->argv, stdout, diag);
		if (r < 0) {
			(void)fprintf(stderr, "renacer: %s\n", diag->msg);
			r = 1;
		}
	}
	wordfree(&we);
	return r;
}

int main(int argc, char **argv)
{
	struct rn_options o;
	struct rn_cli cli;
	struct rn_diag diag = { "" };
	struct rn_sinks sinks = { 0 };
	struct rn_store *store = NULL;
	struct rn_ml_analysis *ml = NULL; /* until its sink owns it */
	struct rn_srcmap *srcmap = NULL;
	struct rn_assertions *assertions = NULL;
	FILE *out = stderr, *doc = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	if (rn_cli_parse(argc, argv, &o, &cli, &diag) < 0) {
		(void)fprintf(stderr, "renacer: %s\n", diag.msg);
		rn_options_done(&o);
		return 2;
	}
	if (cli.action == RN_CLI_HELP) {
		rn_cli_help(stdout);
		rn_options_done(&o);
		return 0;
	}
	if (cli.action == RN_CLI_COMPARE) {
		int r = rn_compare_run(cli.compare[0], cli.compare[1], cli.fail_pct, stdout, &diag);
		rn_options_done(&o);
		if (r < 0) {
			(void)fprintf(stderr, "renacer: %s\n", diag.msg);
			return 1;
		}
		return r;
	}
	if (o.equivalence) {
		int r = run_equivalence(&o, &diag);
		rn_options_done(&o);
		return r;
	}
	if (cli.action == RN_CLI_VERSION) {
		(void)printf("renacer %s\n", RN_VERSION);
		rn_options_done(&o);
		return 0;
	}
	if (o.transpiler_map) {
		if (rn_srcmap_load(o.transpiler_map, &srcmap, &diag) < 0) {
			(void)fprintf(stderr, "renacer: %s\n", diag.msg);
			rn_options_done(&o);
			return 1;
		}
		o.srcmap = srcmap;
		bool ctx = o.show_transpiler_context;
		if (o.function_time)
			rn_srcmap_dump_functions(srcmap, stdout, ctx);
		if (o.rewrite_stacktrace)
			rn_srcmap_dump_stacktrace(srcmap, stdout, ctx);
		if (o.rewrite_errors)
			rn_srcmap_dump_errors(srcmap, stdout, ctx);
		(void)fflush(stdout);
	}
	if (o.assert_file && rn_assertions_load(o.assert_file, &assertions, &diag) < 0) {
		(void)fprintf(stderr, "renacer: %s\n", diag.msg);
		rn_srcmap_free(srcmap);
		rn_options_done(&o);
		return 1;
	}
	/* -ff: the text trace goes to FILE.PID files the text sink opens. */
	if (o.outfile && !(o.separately && o.format == RN_FMT_TEXT)) {
		/* "e": close-on-exec, so the traced program cannot write into it. */
		out = fopen(o.outfile, "we");
		if (!out) {
			(void)fprintf(stderr, "renacer: cannot open '%s': %s\n", o.outfile,
				      strerror(errno));
			rn_options_done(&o);
			return 1;
		}
	}
	(void)setvbuf(out, outbuf, isatty(fileno(out)) ? _IOLBF : _IOFBF, sizeof(outbuf));

#ifdef RN_HAVE_BPF
	{
		const char *why = NULL;
		enum rn_bpf_mode mode = rn_bpf_mode(&o, &why);
		if (o.backend == RN_BACKEND_BPF && mode == RN_BPF_NONE) {
			(void)fprintf(stderr, "renacer: --backend bpf: %s\n", why);
			status = 2;
			goto out;
		}
		/* -c aggregated in the kernel: explicitly, or by auto when
		 * privileged and the kernel takes our programs (if it refuses
		 * them, ptrace it is). The event stream (mode STREAM) goes
		 * through the sinks below, only when asked for. */
		if (mode == RN_BPF_COUNTS &&
		    (o.backend == RN_BACKEND_BPF || (o.backend == RN_BACKEND_AUTO && geteuid() == 0))) {
			bool started;
			if (o.verbose)
				(void)fprintf(stderr, "renacer: backend bpf: -c counted in the kernel\n");
			status = rn_bpf_run_counts(&o, out, &started, &diag);
			if (status >= 0 || started || o.backend == RN_BACKEND_BPF) {
				if (status < 0) {
					(void)fprintf(stderr, "renacer: %s\n", diag.msg);
					status = 1;
				}
				goto out;
			}
			why = diag.msg;
		} else if (mode == RN_BPF_COUNTS && o.backend == RN_BACKEND_AUTO) {
			why = "the bpf backend needs root (or CAP_BPF and CAP_PERFMON)";
		}
		if (o.verbose && o.backend == RN_BACKEND_BPF)
			(void)fprintf(stderr,
				      "renacer: backend bpf: the event stream, decoded from memory copied in "
				      "the kernel (ring buffer %u bytes)\n",
				      o.bpf_buffer);
		else if (o.verbose)
			(void)fprintf(stderr, "renacer: backend ptrace%s%s\n",
				      o.backend == RN_BACKEND_PTRACE ? " (--backend ptrace)" : ": ",
				      o.backend == RN_BACKEND_PTRACE ? "" : why);
		if (o.backend == RN_BACKEND_AUTO)
			o.backend = RN_BACKEND_PTRACE;
	}
#else
	if (o.backend == RN_BACKEND_BPF) {
		(void)fprintf(stderr, "renacer: --backend bpf: this renacer was built without the bpf "
				      "backend (bpftool, clang, libbpf or kernel BTF were missing)\n");
		status = 2;
		goto out;
	}
	if (o.verbose)
		(void)fprintf(stderr, "renacer: backend ptrace: built without the bpf backend\n");
#endif
	/* Structured formats go to -o FILE or stdout; the -c table and the
	 * reports that follow it go with the text trace (-o or stderr), or to
	 * stderr when the trace itself is structured. A document meant for
	 * stdout is spooled and copied there at the end, so the traced
	 * program's own output cannot land inside it. */
	doc = o.outfile ? out : stdout;
	if (!o.outfile && o.format != RN_FMT_TEXT)
		doc = spool_open();
	FILE *report = o.format == RN_FMT_TEXT ? out : stderr;
	bool want_store = o.stats_extended || o.format == RN_FMT_HTML || rn_ml_wanted(&o);
	if (want_store) {
		store = rn_store_new();
		if (!store) {
			(void)fprintf(stderr, "renacer: out of memory\n");
			status = 1;
			goto out;
		}
	}
	/* Bad --ml-clusters or model files end the run before it starts. */
	if (rn_ml_wanted(&o) && rn_ml_analysis_new(&o, store, &ml, &diag) < 0) {
		(void)fprintf(stderr, "renacer: %s\n", diag.msg);
		status = 1;
		goto out;
	}
	int r = 0;
	if (store)
		r = add(&sinks, rn_store_sink_new(store));
	switch (o.format) {
	case RN_FMT_TEXT:
		if (r == 0 && !o.summary_only)
			r = add(&sinks, rn_out_text_new(out, &o));
		break;
	case RN_FMT_JSON:
		if (r == 0)
			r = add(&sinks, rn_out_json_new(doc, &o, ml));
		break;
	case RN_FMT_CSV:
		if (r == 0)
			r = add(&sinks, rn_out_csv_new(doc, &o));
		break;
	case RN_FMT_HTML:
		if (r == 0)
			r = add(&sinks, rn_out_html_new(doc, &o, store));
		break;
	case RN_FMT_FOLDED:
	case RN_FMT_FLAMESVG:
		if (r == 0)
			r = add(&sinks, rn_out_flamegraph_new(doc, &o, o.format == RN_FMT_FLAMESVG));
		break;
	}
	/* After the trace sink, which ends an open line before these notices. */
	if (r == 0 && !o.quiet)
		r = add(&sinks, rn_out_status_new());
	/* CSV prints its own table with -c. */
	if (r == 0 && o.summary && !(o.format == RN_FMT_CSV && o.summary_only))
		r = add(&sinks, rn_stats_summary_new(report, &o));
	if (r == 0 && o.stats_extended)
		r = add(&sinks, rn_stats_extended_new(report, &o, store));
	if (r == 0 && o.otlp_endpoint) {
		struct rn_sink *otlp = rn_out_otlp_new(&o, &diag);
		if (!otlp) {
			(void)fprintf(stderr, "renacer: %s\n", diag.msg);
			status = 1;
			goto out;
		}
		/* The program's own instrumentation nests under our root span. */
		o.env_add[0] = (char *)rn_out_otlp_traceparent(otlp);
		r = add(&sinks, otlp);
	}
	if (r == 0 && assertions)
		r = add(&sinks, rn_assert_sink_new(report, &o, assertions));
	if (r == 0 && o.function_time)
		r = add(&sinks, rn_function_profile_new(report, &o));
	if (r == 0 && o.anomaly_realtime)
		r = add(&sinks, rn_anomaly_realtime_new(stderr, &o));
	if (r == 0 && ml) {
		/* The HPU report follows a spooled document, else goes to stdout.
		 * The sink owns ml from here (and frees it if it cannot be made). */
		r = add(&sinks, rn_ml_sink_new(ml, stderr, doc != stdout && doc != out ? doc : stdout));
		ml = NULL;
	}
	if (r < 0) {
		(void)fprintf(stderr, "renacer: out of memory\n");
		status = 1;
		goto out;
	}
	status = rn_session_run(&o, &sinks, &diag);
	if (status < 0) {
		(void)fprintf(stderr, "renacer: %s\n", diag.msg);
		status = 1;
	} else if (status == 0 && rn_assertions_failed(assertions)) {
		/* The program's own failure keeps its status; a budget
		 * failure of a successful run has its own. */
		status = RN_ASSERT_EXIT_FAILED;
	}
out:
	rn_sinks_done(&sinks);
	rn_ml_analysis_free(ml);
	if (doc && doc != stdout && doc != out && spool_copy(doc, stdout) < 0 && status == 0) {
		(void)fprintf(stderr, "renacer: writing the document to stdout failed: %s\n",
			      strerror(errno));
		status = 1;
	}
	rn_store_free(store);
	rn_srcmap_free(srcmap);
	rn_assertions_free(assertions);
	if (out != stderr && fclose(out) != 0 && status == 0) {
		(void)fprintf(stderr, "renacer: writing '%s' failed: %s\n", o.outfile, strerror(errno));
		status = 1;
	}
	(void)fflush(stderr);
	rn_options_done(&o);
	return status;
}
