// SPDX-License-Identifier: MIT
/* PLACEHOLDER being written now; returns NULL. */
#include "analysis/anomaly.h"

#include <stddef.h>

struct rn_sink *rn_anomaly_realtime_new(FILE *f, const struct rn_options *o)
{
	(void)f;
	(void)o;
	return NULL;
}
