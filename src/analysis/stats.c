// SPDX-License-Identifier: MIT
/* --stats-extended: after the -c table, per syscall the exact latency
 * distribution (mean, population standard deviation, min, P50, P75, P90,
 * P95, P99, max, from analysis/latency.c over every stored call), then the
 * post-hoc anomalies by the shared rule (rn_anomaly(), latency.h) against
 * their syscall's whole distribution, most extreme first. A syscall needs
 * RN_ANOMALY_MIN_SAMPLES calls before its calls can be anomalies: a mean of
 * three calls says little. */
#include "analysis/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/latency.h"
#include "decode/syscalls.h"

#define MAX_LISTED    20

struct stats_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	const struct rn_store *st;
};

struct anomaly {
	size_t idx; /* in the store */
	double z;
};

static int by_z(const void *a, const void *b)
{
	const struct anomaly *x = a, *y = b;
	if (x->z != y->z)
		return x->z > y->z ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static const char *name_of(int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	return e ? e->name : "syscall_unknown";
}

static int stats_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct stats_sink *s = (struct stats_sink *)base;
	const struct rn_store *st = s->st;
	FILE *f = s->f;
	(void)res;
	struct rn_latency_table *t;
	int r = rn_latency_compute(st, &t);
	if (r < 0)
		return r;
	(void)fprintf(f, "\nLatency per syscall (microseconds, exact over %zu calls):\n", st->len);
	rn_latency_print_header(f);
	for (size_t i = 0; i < t->n; i++) {
		const struct rn_latency *l = &t->v[i];
		const double p[5] = { l->p50_ns, l->p75_ns, l->p90_ns, l->p95_ns, l->p99_ns };
		rn_latency_print_row(f, name_of(l->nr), l->calls, l->mean_ns, l->stddev_ns,
				     (double)l->min_ns, p, (double)l->max_ns);
	}
	/* Post-hoc anomalies against each syscall's own distribution. */
	double thr = s->o->anomaly_threshold;
	size_t n = 0, cap = 0;
	struct anomaly *v = NULL;
	for (size_t i = 0; i < st->len; i++) {
		const struct rn_latency *l = rn_latency_lookup(t, st->nr[i]);
		double z, sd;
		if (!l || l->calls < RN_ANOMALY_MIN_SAMPLES || !(l->mean_ns > 0) ||
		    !rn_anomaly(s->o, (double)st->dur_ns[i], l->mean_ns, l->stddev_ns, &z, &sd))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct anomaly *nv = realloc(v, nc * sizeof(*nv));
			if (!nv) {
				free(v);
				rn_latency_table_free(t);
				return -ENOMEM;
			}
			v = nv;
			cap = nc;
		}
		v[n++] = (struct anomaly){ i, z };
	}
	qsort(v, n, sizeof(*v), by_z);
	(void)fprintf(f, "\nAnomalies (calls more than %.1f sigma and %.0f us above their syscall's mean; "
			 "syscalls with >= %d calls): %zu\n",
		      thr, s->o->anomaly_jitter_us, RN_ANOMALY_MIN_SAMPLES, n);
	for (size_t k = 0; k < n && k < MAX_LISTED; k++) {
		size_t i = v[k].idx;
		const struct rn_latency *l = rn_latency_lookup(t, st->nr[i]);
		(void)fprintf(f, "  %-18s pid %-7d %12.3f us  (mean %.3f us, stddev %.3f us, z = %.2f)\n",
			      name_of(st->nr[i]), (int)st->pid[i], (double)st->dur_ns[i] / 1e3,
			      l->mean_ns / 1e3, l->stddev_ns / 1e3, v[k].z);
	}
	if (n > MAX_LISTED)
		(void)fprintf(f, "  ... and %zu more\n", n - MAX_LISTED);
	free(v);
	rn_latency_table_free(t);
	return fflush(f) == 0 ? 0 : -EIO;
}

static void stats_free(struct rn_sink *base)
{
	free(base);
}

static const struct rn_sink_ops stats_ops = {
	.name = "stats-extended",
	.finish = stats_finish,
	.free = stats_free,
};

struct rn_sink *rn_stats_extended_new(FILE *f, const struct rn_options *o, const struct rn_store *st)
{
	struct stats_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &stats_ops;
	s->base.needs = RN_NEED_TIMING;
	s->f = f;
	s->o = o;
	s->st = st;
	return &s->base;
}
