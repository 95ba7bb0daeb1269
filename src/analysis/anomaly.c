// SPDX-License-Identifier: MIT
/* --anomaly-realtime: per syscall, a sliding window of the last N
 * durations (a ring with running sums, O(1) per call). A call is an
 * anomaly when its window holds at least RN_ANOMALY_MIN_SAMPLES earlier
 * calls and it passes rn_anomaly() (latency.h) against their mean;
 * the baseline is the window before the call, so one slow call does not
 * hide itself. It then joins the window like any other. Alerts go out as
 * they happen, a report with the severity distribution and the top
 * anomalies at the end. Severity from the z-score: High above 5, Medium
 * above 4, Low otherwise. */
#include "analysis/anomaly.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"
#include "decode/syscalls.h"

#define TOP	    10

struct window {
	double *v;	 /* ring of durations, microseconds */
	unsigned n, pos; /* samples held, next slot */
	double sum, sumsq;
};

struct hit {
	int nr;
	pid_t pid;
	double us, mean, sd, z;
};

struct rt_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	unsigned size;
	struct window w[RN_NSYSCALLS + 1];
	struct hit *hits;
	size_t nhits, cap;
	uint64_t by_sev[3]; /* low, medium, high */
	bool oom;
};

static const char *name_of(int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	return e ? e->name : "syscall_unknown";
}

static int severity(double z)
{
	return z > 5 ? 2 : z > 4 ? 1 : 0;
}

static const char *const sev_name[] = { "🟢 Low", "🟡 Medium", "🔴 High" };

static void rt_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct rt_sink *s = (struct rt_sink *)base;
	if (ev->flags & RN_EVF_NO_RETURN)
		return;
	int row = ev->nr >= 0 && ev->nr < RN_NSYSCALLS ? ev->nr : RN_NSYSCALLS;
	struct window *w = &s->w[row];
	if (!w->v) {
		w->v = calloc(s->size, sizeof(*w->v));
		if (!w->v) {
			s->oom = true;
			return;
		}
	}
	double us = (double)ev->dur_ns / 1e3;
	unsigned need = RN_ANOMALY_MIN_SAMPLES < s->size ? RN_ANOMALY_MIN_SAMPLES : s->size;
	if (w->n >= need) {
		double mean = w->sum / w->n;
		double var = w->sumsq / w->n - mean * mean;
		double sd, z;
		if (rn_anomaly(s->o, us * 1e3, mean * 1e3, var > 0 ? sqrt(var) * 1e3 : 0, &z, &sd)) {
			sd /= 1e3;
			int sev = severity(z);
			s->by_sev[sev]++;
			(void)fprintf(s->f, "⚠️  ANOMALY: %s took %.0f μs (%.1fσ from baseline %.1f ± %.1f μs) - %s\n",
				      name_of(ev->nr), us, z, mean, sd, sev_name[sev]);
			(void)fflush(s->f);
			if (s->nhits == s->cap) {
				size_t nc = s->cap ? s->cap * 2 : 64;
				struct hit *nh = realloc(s->hits, nc * sizeof(*nh));
				if (nh) {
					s->hits = nh;
					s->cap = nc;
				}
			}
			if (s->nhits < s->cap)
				s->hits[s->nhits++] = (struct hit){ ev->nr, ev->pid, us, mean, sd, z };
		}
	}
	/* Slide: the oldest sample leaves when the window is full. */
	if (w->n == s->size) {
		double old = w->v[w->pos];
		w->sum -= old;
		w->sumsq -= old * old;
	} else {
		w->n++;
	}
	w->v[w->pos] = us;
	w->pos = (w->pos + 1) % s->size;
	w->sum += us;
	w->sumsq += us * us;
	/* Running sums drift; recompute them once per lap of the ring. */
	if (w->pos == 0) {
		w->sum = w->sumsq = 0;
		for (unsigned i = 0; i < w->n; i++) {
			w->sum += w->v[i];
			w->sumsq += w->v[i] * w->v[i];
		}
	}
}

static int by_z(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	return (x->z < y->z) - (x->z > y->z);
}

static int rt_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct rt_sink *s = (struct rt_sink *)base;
	FILE *f = s->f;
	(void)res;
	uint64_t total = s->by_sev[0] + s->by_sev[1] + s->by_sev[2];
	(void)fprintf(f, "\n=== Real-Time Anomaly Detection Report ===\n");
	(void)fprintf(f, "Window: last %u calls per syscall, threshold %.1fσ and %.0f μs above the mean\n",
		      s->size, s->o->anomaly_threshold, s->o->anomaly_jitter_us);
	(void)fprintf(f, "Total anomalies detected: %llu\n", (unsigned long long)total);
	if (total) {
		static const char *const dist[] = { "🟢 Low (3-4σ):   ", "🟡 Medium (4-5σ):", "🔴 High (>5σ):  " };
		(void)fputs("\nSeverity Distribution:\n", f);
		for (int k = 2; k >= 0; k--)
			if (s->by_sev[k])
				(void)fprintf(f, "  %s %llu anomalies\n", dist[k], (unsigned long long)s->by_sev[k]);
		qsort(s->hits, s->nhits, sizeof(*s->hits), by_z);
		(void)fputs("\nTop Anomalies (by Z-score):\n", f);
		for (size_t i = 0; i < s->nhits && i < TOP; i++) {
			const struct hit *h = &s->hits[i];
			(void)fprintf(f, "  %zu. %s %s - %.1fσ (%.0f μs, baseline: %.1f ± %.1f μs, pid %d)\n", i + 1,
				      sev_name[severity(h->z)], name_of(h->nr), h->z, h->us, h->mean, h->sd,
				      (int)h->pid);
		}
		if (s->nhits > TOP)
			(void)fprintf(f, "  ... and %zu more\n", s->nhits - TOP);
	}
	if (s->oom)
		(void)fputs("renacer: out of memory: some calls were not checked for anomalies\n", stderr);
	return fflush(f) == 0 ? 0 : -EIO;
}

static void rt_free(struct rn_sink *base)
{
	struct rt_sink *s = (struct rt_sink *)base;
	for (int i = 0; i <= RN_NSYSCALLS; i++)
		free(s->w[i].v);
	free(s->hits);
	free(s);
}

static const struct rn_sink_ops rt_ops = {
	.name = "anomaly-realtime",
	.on_event = rt_event,
	.finish = rt_finish,
	.free = rt_free,
};

struct rn_sink *rn_anomaly_realtime_new(FILE *f, const struct rn_options *o)
{
	struct rt_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &rt_ops;
	s->base.needs = RN_NEED_TIMING;
	s->f = f;
	s->o = o;
	s->size = o->anomaly_window >= 2 ? o->anomaly_window : 2;
	return &s->base;
}
