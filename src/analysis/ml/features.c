// SPDX-License-Identifier: MIT
/* Feature extraction from the event store. One pass for the per-syscall
 * means, one for the rows; per-task state (when the previous call ended,
 * the last 16 gaps) sits in a small open-addressing table keyed by task id. */
#include "analysis/ml/features.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/syscalls.h"

#define BURST_GAPS 16

static const char *const names[RN_MLF_COUNT] = {
    [RN_MLF_DURATION] = "duration", [RN_MLF_RELATIVE] = "duration_vs_syscall",
    [RN_MLF_SYSCALL] = "syscall",   [RN_MLF_FD] = "fd",
    [RN_MLF_SIZE] = "size",         [RN_MLF_GAP] = "inter_call_gap",
    [RN_MLF_BURST] = "burst_rate",
};

const char *const *rn_ml_feature_names(void)
{
	return names;
}

const char *rn_ml_syscall_name(int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	return e && e->name ? e->name : "unknown";
}

static void format_us(double us, char *buf, size_t len)
{
	if (us >= 1e6)
		(void)snprintf(buf, len, "%.2f s", us / 1e6);
	else if (us >= 1e3)
		(void)snprintf(buf, len, "%.2f ms", us / 1e3);
	else
		(void)snprintf(buf, len, "%.1f us", us);
}

void rn_ml_feature_format(unsigned f, double v, char *buf, size_t len)
{
	switch (f) {
	case RN_MLF_DURATION:
	case RN_MLF_GAP:
		format_us(expm1(v), buf, len);
		break;
	case RN_MLF_RELATIVE:
		(void)snprintf(buf, len, "%.1fx its syscall's typical time", exp(v));
		break;
	case RN_MLF_SYSCALL:
		(void)snprintf(buf, len, "%s", rn_ml_syscall_name((int)lround(v)));
		break;
	case RN_MLF_FD:
		if (v < 0)
			(void)snprintf(buf, len, "no fd");
		else
			(void)snprintf(buf, len, "fd %.0f", v);
		break;
	case RN_MLF_SIZE:
		if (v < 0)
			(void)snprintf(buf, len, "no size");
		else
			(void)snprintf(buf, len, "%.0f bytes", expm1(v));
		break;
	case RN_MLF_BURST:
		(void)snprintf(buf, len, "%.1f calls/ms", expm1(v));
		break;
	default:
		(void)snprintf(buf, len, "%g", v);
	}
}

struct task {
	int32_t pid; /* 0: empty slot */
	uint64_t last_end;
	float gaps[BURST_GAPS];
	unsigned ngaps, pos;
	double gap_sum;
};

struct tasks {
	struct task *v;
	size_t cap, n;
};

static uint32_t hash_pid(int32_t pid)
{
	return (uint32_t)pid * 2654435761u;
}

static struct task *task_get(struct tasks *t, int32_t pid)
{
	if (pid == 0)
		pid = -0x7fffffff; /* keep 0 for empty slots */
	if (t->n * 2 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct task *v = calloc(cap, sizeof(*v));
		if (!v)
			return NULL;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->v[i].pid)
				continue;
			size_t h = hash_pid(t->v[i].pid) & (cap - 1);
			while (v[h].pid)
				h = (h + 1) & (cap - 1);
			v[h] = t->v[i];
		}
		free(t->v);
		t->v = v;
		t->cap = cap;
	}
	size_t h = hash_pid(pid) & (t->cap - 1);
	while (t->v[h].pid && t->v[h].pid != pid)
		h = (h + 1) & (t->cap - 1);
	if (!t->v[h].pid) {
		t->v[h].pid = pid;
		t->n++;
	}
	return &t->v[h];
}

static size_t slot(int nr)
{
	return nr >= 0 && nr < RN_NSYSCALLS ? (size_t)nr + 1 : 0;
}

int rn_ml_call_features(const struct rn_store *st, struct rn_ml_matrix *ret)
{
	size_t n = st->len;
	struct rn_ml_matrix m;
	double *sum = calloc(RN_NSYSCALLS + 1, sizeof(double));
	uint64_t *cnt = calloc(RN_NSYSCALLS + 1, sizeof(uint64_t));
	struct tasks tasks = {0};
	unsigned char *fresh = calloc(n ? n : 1, 1);
	double gsum = 0, bsum = 0;
	size_t nhist = 0;
	if (!sum || !cnt || !fresh || rn_ml_matrix_init(&m, n, RN_MLF_COUNT) < 0) {
		free(sum);
		free(cnt);
		free(fresh);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s = slot(st->nr[i]);
		sum[s] += log1p((double)st->dur_ns[i] / 1e3);
		cnt[s]++;
	}
	for (size_t s = 0; s <= RN_NSYSCALLS; s++)
		sum[s] = cnt[s] ? sum[s] / (double)cnt[s] : 0;
	for (size_t i = 0; i < n; i++) {
		float *row = rn_ml_row(&m, i);
		int nr = st->nr[i];
		const struct rn_sysent *e = rn_syscall_get(nr);
		bool desc = e && (e->classes & RN_TC_DESC);
		bool sized = e && (e->classes & (RN_TC_DESC | RN_TC_NETWORK));
		double dur = log1p((double)st->dur_ns[i] / 1e3);
		row[RN_MLF_DURATION] = (float)dur;
		row[RN_MLF_RELATIVE] = (float)(dur - sum[slot(nr)]);
		row[RN_MLF_SYSCALL] = (float)(e ? nr : -1);
		row[RN_MLF_FD] = desc && st->arg0[i] < (1u << 24) ? (float)st->arg0[i] : -1.0f;
		row[RN_MLF_SIZE] =
		    sized && st->arg2[i] < (1ULL << 48) ? (float)log1p((double)st->arg2[i]) : -1.0f;
		struct task *t = task_get(&tasks, st->pid[i]);
		if (!t) {
			free(fresh);
			free(tasks.v);
			free(sum);
			free(cnt);
			rn_ml_matrix_done(&m);
			return -ENOMEM;
		}
		/* A task's first call has no gap and no rate yet: it gets the
		 * run's averages below, not a zero gap (which would make every
		 * thread's first call an outlier). */
		if (!t->last_end) {
			fresh[i] = 1;
			t->last_end = st->ts_ns[i] + st->dur_ns[i];
			continue;
		}
		double gap_us =
		    st->ts_ns[i] > t->last_end ? (double)(st->ts_ns[i] - t->last_end) / 1e3 : 0;
		if (t->ngaps == BURST_GAPS)
			t->gap_sum -= t->gaps[t->pos];
		else
			t->ngaps++;
		t->gaps[t->pos] = (float)gap_us;
		t->gap_sum += (float)gap_us;
		t->pos = (t->pos + 1) % BURST_GAPS;
		t->last_end = st->ts_ns[i] + st->dur_ns[i];
		/* Calls per ms the program issues between its syscalls: the
		 * time spent inside them does not count, so a slow call does
		 * not make its neighbours look idle. */
		double mean_gap = t->gap_sum / t->ngaps;
		if (mean_gap < 0)
			mean_gap = 0;
		row[RN_MLF_GAP] = (float)log1p(gap_us);
		row[RN_MLF_BURST] = (float)log1p(1000.0 / (mean_gap + 1.0));
		gsum += row[RN_MLF_GAP];
		bsum += row[RN_MLF_BURST];
		nhist++;
	}
	for (size_t i = 0; i < n; i++)
		if (fresh[i]) {
			rn_ml_row(&m, i)[RN_MLF_GAP] = nhist ? (float)(gsum / (double)nhist) : 0.0f;
			rn_ml_row(&m, i)[RN_MLF_BURST] =
			    nhist ? (float)(bsum / (double)nhist) : 0.0f;
		}
	free(fresh);
	free(tasks.v);
	free(sum);
	free(cnt);
	*ret = m;
	return 0;
}

static int by_total(const void *a, const void *b)
{
	const struct rn_ml_syscall_agg *x = a, *y = b;
	if (x->total_us != y->total_us)
		return x->total_us > y->total_us ? -1 : 1;
	return (x->nr > y->nr) - (x->nr < y->nr);
}

int rn_ml_syscall_aggregates(const struct rn_store *st, struct rn_ml_syscall_agg **ret,
			     size_t *ret_n)
{
	struct rn_ml_syscall_agg *all = calloc(RN_NSYSCALLS + 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	for (size_t i = 0; i < st->len; i++) {
		struct rn_ml_syscall_agg *a = &all[slot(st->nr[i])];
		a->calls++;
		a->total_us += (double)st->dur_ns[i] / 1e3;
		if (st->ts_ns[i] < t0)
			t0 = st->ts_ns[i];
		if (st->ts_ns[i] + st->dur_ns[i] > t1)
			t1 = st->ts_ns[i] + st->dur_ns[i];
	}
	double span_s = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
	size_t n = 0;
	for (size_t s = 0; s <= RN_NSYSCALLS; s++) {
		if (!all[s].calls)
			continue;
		struct rn_ml_syscall_agg a = all[s];
		a.nr = s ? (int)s - 1 : -1;
		a.avg_us = a.total_us / (double)a.calls;
		a.per_sec = span_s > 0 ? (double)a.calls / span_s : (double)a.calls;
		all[n++] = a;
	}
	qsort(all, n, sizeof(*all), by_total);
	*ret = all;
	*ret_n = n;
	return 0;
}

int rn_ml_aggregate_matrix(const struct rn_ml_syscall_agg *agg, size_t n, struct rn_ml_matrix *ret)
{
	struct rn_ml_matrix m;
	if (rn_ml_matrix_init(&m, n, 3) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		float *row = rn_ml_row(&m, i);
		row[0] = (float)agg[i].avg_us;
		row[1] = (float)agg[i].per_sec;
		row[2] = (float)agg[i].total_us;
	}
	*ret = m;
	return 0;
}

int rn_ml_activity_matrix(const struct rn_store *st, const struct rn_ml_syscall_agg *agg, size_t n,
			  size_t nslices, struct rn_ml_matrix *ret)
{
	struct rn_ml_matrix m;
	int *col = malloc((RN_NSYSCALLS + 1) * sizeof(int));
	if (!col || !nslices || rn_ml_matrix_init(&m, nslices, n) < 0) {
		free(col);
		return -ENOMEM;
	}
	for (size_t s = 0; s <= RN_NSYSCALLS; s++)
		col[s] = -1;
	for (size_t j = 0; j < n; j++)
		col[slot(agg[j].nr)] = (int)j;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	for (size_t i = 0; i < st->len; i++) {
		if (st->ts_ns[i] < t0)
			t0 = st->ts_ns[i];
		if (st->ts_ns[i] > t1)
			t1 = st->ts_ns[i];
	}
	double span = t1 > t0 ? (double)(t1 - t0) : 1.0;
	for (size_t i = 0; i < st->len; i++) {
		int c = col[slot(st->nr[i])];
		if (c < 0)
			continue;
		size_t b = (size_t)((double)(st->ts_ns[i] - t0) / span * (double)nslices);
		if (b >= nslices)
			b = nslices - 1;
		rn_ml_row(&m, b)[c] += 1.0f;
	}
	free(col);
	*ret = m;
	return 0;
}
