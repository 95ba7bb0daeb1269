// SPDX-License-Identifier: MIT
/* PLACEHOLDER being written now; returns NULL. */
#include "output/output.h"

#include <stddef.h>

struct rn_sink *rn_out_html_new(FILE *f, const struct rn_options *o, const struct rn_store *st)
{
	(void)f;
	(void)o;
	(void)st;
	return NULL;
}
