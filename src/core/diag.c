// SPDX-License-Identifier: MIT
#include "core/diag.h"

#include <stdio.h>

void rn_diag_set(struct rn_diag *d, const char *fmt, ...)
{
	if (!d)
		return;
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}
