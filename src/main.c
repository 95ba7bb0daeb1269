// SPDX-License-Identifier: MIT
/* renacer: parse options, build the sinks, run a session, return its status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/summary.h"
#include "cli/cli.h"
#include "core/session.h"
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

int main(int argc, char **argv)
{
	struct rn_options o;
	struct rn_cli cli;
	struct rn_diag diag = { "" };
	struct rn_sinks sinks = { 0 };
	FILE *out = stderr;
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
	if (cli.action == RN_CLI_VERSION) {
		(void)printf("renacer %s\n", RN_VERSION);
		rn_options_done(&o);
		return 0;
	}
	if (o.outfile) {
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

	int r = o.quiet ? 0 : add(&sinks, rn_out_status_new());
	if (r == 0 && !cli.summary_only)
		r = add(&sinks, rn_out_text_new(out, &o));
	if (r == 0 && (cli.summary_only || cli.summary_also))
		r = add(&sinks, rn_stats_summary_new(out, &o));
	if (r < 0) {
		(void)fprintf(stderr, "renacer: out of memory\n");
		status = 1;
		goto out;
	}
	status = rn_session_run(&o, &sinks, &diag);
	if (status < 0) {
		(void)fprintf(stderr, "renacer: %s\n", diag.msg);
		status = 1;
	}
out:
	rn_sinks_done(&sinks);
	if (out != stderr && fclose(out) != 0 && status == 0) {
		(void)fprintf(stderr, "renacer: writing '%s' failed: %s\n", o.outfile, strerror(errno));
		status = 1;
	}
	(void)fflush(stderr);
	rn_options_done(&o);
	return status;
}
