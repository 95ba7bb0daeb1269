// SPDX-License-Identifier: MIT
#pragma once
/* Everything the user asked for, parsed once by cli/ and passed down. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rn_filter;

enum rn_ts_mode {
	RN_TS_NONE,
	RN_TS_TIME,  /* -t: 14:03:07 */
	RN_TS_USEC,  /* -tt: 14:03:07.123456 */
	RN_TS_EPOCH, /* -ttt: 1700000000.123456 */
};

struct rn_options {
	char **argv;   /* command to run (NULL with -p) */
	pid_t *pids;   /* -p targets */
	size_t npids;
	const char *outfile; /* -o FILE, NULL for stderr */
	unsigned string_limit; /* -s N */
	enum rn_ts_mode ts;
	bool show_time;	   /* -T */
	bool follow;	   /* -f */
	bool summary;	   /* -c */
	bool no_seccomp;   /* --no-seccomp: disable filter push-down */
	bool quiet;	   /* -q: no attach/detach notices */
	struct rn_filter *filter; /* -e trace=..., NULL traces all; owned */
};

/* Release what the options own. */
void rn_options_done(struct rn_options *o);
