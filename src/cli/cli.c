// SPDX-License-Identifier: MIT
/* Options follow strace's spelling so its users need not relearn them. The
 * command comes after the options, with or without "--". */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"

enum {
	OPT_NO_SECCOMP = 0x100,
	OPT_SECCOMP,
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
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "seccomp-bpf", no_argument, NULL, OPT_SECCOMP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

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
		"  -T, --syscall-times      show the time spent in each call\n"
		"  -t, --absolute-timestamps  prefix lines with the time; -tt adds\n"
		"                           microseconds, -ttt prints seconds since the epoch\n"
		"  -f, --follow-forks       trace child processes and threads too\n"
		"  -p, --attach PID         attach to running processes (repeatable, a,b,c)\n"
		"  -c, --summary-only       count calls, errors and time; print a table\n"
		"  -C, --summary            like -c, and print the trace as well\n"
		"  -w, --summary-wall-clock accepted for strace compatibility (always on)\n"
		"  -e, --expr trace=SPEC    trace only the syscalls SPEC names:\n"
		"                           names (open,read), classes (%file, %network,\n"
		"                           %process, %signal, %ipc, %desc, %memory, %creds,\n"
		"                           %clock, %stat, %lstat, %fstat, %%stat, %statfs,\n"
		"                           %fstatfs, %%statfs, %pure), /regex/, all, none;\n"
		"                           !ITEM excludes: trace=%file,!close\n"
		"  -q, --quiet              do not print attach/detach notices\n"
		"      --no-seccomp         do not push the filter down with seccomp-bpf\n"
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
	struct rn_cli cli = { RN_CLI_RUN, false, false };
	unsigned tcount = 0;
	int c, r;
	o->string_limit = 32;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:s:TtfFp:cCwe:qhV", long_opts, NULL)) != -1) {
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
		case 't':
			tcount++;
			break;
		case 'f':
		case 'F':
			o->follow = true;
			break;
		case 'p':
			r = add_pids(o, optarg, reterr);
			if (r < 0)
				return r;
			break;
		case 'c':
			cli.summary_only = true;
			break;
		case 'C':
			cli.summary_also = true;
			break;
		case 'w':
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'e':
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
	if (cli.summary_only && cli.summary_also) {
		rn_diag_set(reterr, "-c and -C cannot be used together");
		return -EINVAL;
	}
	*ret_cli = cli;
	return 0;
}
