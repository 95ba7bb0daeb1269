// SPDX-License-Identifier: MIT
#pragma once
/* Command-line parsing: argv to struct rn_options, help and version text. */

#include <stdio.h>

#include "core/diag.h"
#include "core/options.h"

enum rn_cli_action {
	RN_CLI_RUN,
	RN_CLI_HELP,	/* print help, exit 0 */
	RN_CLI_VERSION, /* print version, exit 0 */
	RN_CLI_COMPARE, /* --compare BASELINE CURRENT: no tracing */
};

struct rn_cli {
	enum rn_cli_action action;
	const char *compare[2]; /* baseline, current */
	double fail_pct;	/* --fail-on-regression PCT, -1 when not given */
};

/* Parse argv into o (zeroed by the caller). Returns 0, or -EINVAL with the
 * problem in reterr (a usage error). o owns what it points to afterwards
 * even on failure: release it with rn_options_done(). */
int rn_cli_parse(int argc, char **argv, struct rn_options *o, struct rn_cli *ret_cli,
		 struct rn_diag *reterr);
/* Print the help text to f. */
void rn_cli_help(FILE *f);
