// SPDX-License-Identifier: MIT
/* --stats-extended: after the -c table, per syscall the exact latency
 * distribution (mean, population standard deviation, min, P50, P75, P90,
 * P95, P99, max, from analysis/latency.c over every stored call), then the
 * post-hoc anomalies: calls more than --anomaly-threshold standard
 * deviations above their syscall's mean, slowest first. A syscall needs
 * MIN_SAMPLES calls before its calls can be anomalies: a mean of three
 * calls says little. As in --anomaly-realtime, the spread is taken as at
 * least NOISE_FLOOR of the mean, so jitter on steady calls is not one, and
 * a call must exceed the mean by --anomaly-jitter-us (anomaly.c). */
#include "analysis/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/latency.h"
#include "decode/syscalls.h"

#define MIN_SAMPLES   10
#define MAX_LISTED    20
#define NOISE_FLOOR   0.10

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
	(void)fprintf(f, "%-18s %9s %11s %11s %11s %11s %11s %11s %11s %11s %11s\n", "syscall", "calls",
		      "mean", "stddev", "min", "p50", "p75", "p90", "p95", "p99", "max");
	for (size_t i = 0; i < t->n; i++) {
		const struct rn_latency *l = &t->v[i];
		(void)fprintf(f, "%-18s %9llu %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f\n",
			      name_of(l->nr), (unsigned long long)l->calls, l->mean_ns / 1e3,
			      l->stddev_ns / 1e3, (double)l->min_ns / 1e3, l->p50_ns / 1e3, l->p75_ns / 1e3,
			      l->p90_ns / 1e3, l->p95_ns / 1e3, l->p99_ns / 1e3, (double)l->max_ns / 1e3);
	}
	/* Post-hoc anomalies against each syscall's own distribution. */
	double thr = s->o->anomaly_threshold;
	size_t n = 0, cap = 0;
	struct anomaly *v = NULL;
	for (size_t i = 0; i < st->len; i++) {
		const struct rn_latency *l = rn_latency_lookup(t, st->nr[i]);
		if (!l || l->calls < MIN_SAMPLES || !(l->mean_ns > 0))
			continue;
		double sd = l->stddev_ns > NOISE_FLOOR * l->mean_ns ? l->stddev_ns : NOISE_FLOOR * l->mean_ns;
		double z = ((double)st->dur_ns[i] - l->mean_ns) / sd;
		if (!(z > thr) || (double)st->dur_ns[i] - l->mean_ns < s->o->anomaly_jitter_us * 1e3)
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
		      thr, s->o->anomaly_jitter_us, MIN_SAMPLES, n);
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
