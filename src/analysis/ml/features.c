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

#include "core/hmap.h"
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

enum rn_ml_kind rn_ml_kind_of(int nr)
{
	static const char *const waits[] = {
	    "nanosleep", "clock_nanosleep", "poll",        "ppoll",         "select",
	    "pselect6",  "epoll_wait",      "epoll_pwait", "epoll_pwait2",  "futex",
	    "wait4",     "waitid",          "pause",       "rt_sigsuspend", "rt_sigtimedwait"};
	const struct rn_sysent *e = rn_syscall_get(nr);
	if (!e || !e->name)
		return RN_MLK_OTHER;
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++)
		if (!strcmp(e->name, waits[i]))
			return RN_MLK_WAIT;
	if (e->classes & RN_TC_MEMORY)
		return RN_MLK_MEMORY;
	if (e->classes & (RN_TC_PROCESS | RN_TC_SIGNAL))
		return RN_MLK_PROCESS;
	if (e->classes & (RN_TC_DESC | RN_TC_FILE | RN_TC_NETWORK | RN_TC_IPC))
		return RN_MLK_IO;
	return RN_MLK_OTHER;
}

static int by_total(const void *a, const void *b)
{
	const struct rn_ml_hotspot *x = a, *y = b;
	if (x->total_us != y->total_us)
		return x->total_us > y->total_us ? -1 : 1;
	if (x->nr != y->nr)
		return (x->nr > y->nr) - (x->nr < y->nr);
	return strcmp(x->name, y->name);
}

/* A function's hotspot key: the interned function name and module. */
struct fn_key {
	const char *function, *module;
};

static char *unit_name(enum rn_ml_unit by, int nr, const struct rn_srcloc *loc)
{
	char buf[512];
	if (by == RN_ML_BY_SYSCALL)
		return strdup(rn_ml_syscall_name(nr));
	if (!loc)
		return strdup("(outside the program's code)");
	if (loc->function)
		return strdup(loc->function);
	(void)snprintf(buf, sizeof(buf), "?? in %s", loc->module ? loc->module : "an unknown module");
	return strdup(buf);
}

/* Each call's unit: its syscall's slot, or its function's entry in fns. */
static int assign_units(const struct rn_store *st, enum rn_ml_unit by, uint32_t *unit,
			size_t *nunits)
{
	if (by == RN_ML_BY_SYSCALL) {
		for (size_t i = 0; i < st->len; i++)
			unit[i] = (uint32_t)slot(st->nr[i]);
		*nunits = RN_NSYSCALLS + 1;
		return 0;
	}
	struct rn_hmap fns;
	rn_hmap_init(&fns, sizeof(uint32_t));
	for (size_t i = 0; i < st->len; i++) {
		const struct rn_srcloc *l = st->src[i];
		struct fn_key k = {l ? l->function : NULL, l ? l->module : NULL};
		if (l && !l->function && !l->module)
			k.module = "";
		size_t before = fns.n;
		uint32_t *v = rn_hmap_get(&fns, &k, sizeof(k));
		if (!v) {
			rn_hmap_done(&fns);
			return -ENOMEM;
		}
		if (fns.n != before)
			*v = (uint32_t)before;
		unit[i] = *v;
	}
	*nunits = fns.n;
	rn_hmap_done(&fns);
	return 0;
}

/* Keep the RN_ML_HOT_TOP syscalls with the most time. */
static void top_insert(struct rn_ml_hotspot *h, int nr, double us)
{
	for (size_t k = 0; k < RN_ML_HOT_TOP; k++) {
		if (h->top_nr[k] != -2 && us <= h->top_us[k])
			continue;
		memmove(&h->top_nr[k + 1], &h->top_nr[k], (RN_ML_HOT_TOP - 1 - k) * sizeof(int));
		memmove(&h->top_us[k + 1], &h->top_us[k], (RN_ML_HOT_TOP - 1 - k) * sizeof(double));
		h->top_nr[k] = nr;
		h->top_us[k] = us;
		return;
	}
}

int rn_ml_hotspots(const struct rn_store *st, enum rn_ml_unit by, struct rn_ml_hotspots *ret)
{
	struct rn_ml_hotspots h = {.by = by};
	size_t nunits = 0;
	h.unit = malloc((st->len ? st->len : 1) * sizeof(uint32_t));
	if (!h.unit || assign_units(st, by, h.unit, &nunits) < 0) {
		free(h.unit);
		return -ENOMEM;
	}
	/* each syscall's kind, once, not per call */
	unsigned char kinds[RN_NSYSCALLS + 1];
	for (size_t k = 0; k <= RN_NSYSCALLS; k++)
		kinds[k] = (unsigned char)rn_ml_kind_of(k ? (int)k - 1 : -1);
	struct rn_ml_hotspot *all = calloc(nunits ? nunits : 1, sizeof(*all));
	size_t *costly = malloc((nunits ? nunits : 1) * sizeof(size_t));
	uint32_t *order = malloc((nunits ? nunits : 1) * sizeof(uint32_t));
	/* (unit, syscall) -> time, for each unit's top syscalls */
	struct rn_hmap mix;
	rn_hmap_init(&mix, sizeof(double));
	int r = all && costly && order ? 0 : -ENOMEM;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	for (size_t i = 0; r == 0 && i < st->len; i++) {
		struct rn_ml_hotspot *a = &all[h.unit[i]];
		double us = (double)st->dur_ns[i] / 1e3;
		size_t *c = &costly[h.unit[i]];
		if (!a->calls++ || st->dur_ns[i] > st->dur_ns[*c])
			*c = i;
		a->total_us += us;
		a->kind_us[kinds[slot(st->nr[i])]] += us;
		/* a syscall's own hotspot is all that syscall: no mix to keep */
		if (by == RN_ML_BY_FUNCTION) {
			int32_t key[2] = {(int32_t)h.unit[i], st->nr[i]};
			double *m = rn_hmap_get(&mix, key, sizeof(key));
			if (!m)
				r = -ENOMEM;
			else
				*m += us;
		}
		if (st->ts_ns[i] < t0)
			t0 = st->ts_ns[i];
		if (st->ts_ns[i] + st->dur_ns[i] > t1)
			t1 = st->ts_ns[i] + st->dur_ns[i];
	}
	for (size_t u = 0; r == 0 && u < nunits; u++) {
		for (size_t k = 0; k < RN_ML_HOT_TOP; k++)
			all[u].top_nr[k] = -2;
		if (by == RN_ML_BY_SYSCALL && all[u].calls)
			top_insert(&all[u], u ? (int)u - 1 : -1, all[u].total_us);
	}
	for (size_t e = 0; r == 0 && e < mix.n; e++) {
		size_t klen;
		const int32_t *key = rn_hmap_key(&mix, e, &klen);
		top_insert(&all[key[0]], key[1], *(double *)rn_hmap_val(&mix, e));
	}
	rn_hmap_done(&mix);
	double span_s = t1 > t0 ? (double)(t1 - t0) / 1e9 : 0;
	size_t n = 0;
	for (size_t u = 0; r == 0 && u < nunits; u++) {
		if (!all[u].calls)
			continue;
		struct rn_ml_hotspot a = all[u];
		if (by == RN_ML_BY_SYSCALL) {
			a.nr = u ? (int)u - 1 : -1;
			a.site = NULL;
		} else {
			a.nr = a.top_nr[0];
			a.site = st->src[costly[u]];
		}
		a.name = unit_name(by, a.nr, st->src[costly[u]]);
		if (!a.name)
			r = -ENOMEM;
		a.avg_us = a.total_us / (double)a.calls;
		a.per_sec = span_s > 0 ? (double)a.calls / span_s : (double)a.calls;
		order[n] = (uint32_t)u;
		all[n++] = a;
	}
	/* Sort, then renumber every call's unit: old index -> position. */
	struct {
		struct rn_ml_hotspot h;
		uint32_t old;
	} *tmp = r == 0 ? malloc((n ? n : 1) * sizeof(*tmp)) : NULL;
	if (!tmp) {
		for (size_t k = 0; k < n; k++)
			free(all[k].name);
		free(all);
		free(costly);
		free(order);
		free(h.unit);
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		tmp[k].h = all[k];
		tmp[k].old = order[k];
	}
	qsort(tmp, n, sizeof(*tmp), by_total);
	uint32_t *pos = order; /* reused: old index -> new */
	for (size_t k = 0; k < n; k++) {
		all[k] = tmp[k].h;
		pos[tmp[k].old] = (uint32_t)k;
	}
	for (size_t i = 0; i < st->len; i++)
		h.unit[i] = pos[h.unit[i]];
	free(tmp);
	free(costly);
	free(order);
	h.v = all;
	h.n = n;
	*ret = h;
	return 0;
}

void rn_ml_hotspots_done(struct rn_ml_hotspots *h)
{
	for (size_t k = 0; k < h->n; k++)
		free(h->v[k].name);
	free(h->v);
	free(h->unit);
	memset(h, 0, sizeof(*h));
}

int rn_ml_hotspot_matrix(const struct rn_ml_hotspots *h, struct rn_ml_matrix *ret)
{
	struct rn_ml_matrix m;
	size_t n = h->n;
	if (rn_ml_matrix_init(&m, n, 3) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		float *row = rn_ml_row(&m, i);
		row[0] = (float)log1p(h->v[i].avg_us);
		row[1] = (float)log1p(h->v[i].per_sec);
		row[2] = (float)log1p(h->v[i].total_us);
	}
	/* standardized, so no column dominates the distances */
	for (size_t j = 0; j < 3; j++) {
		double s = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			s += rn_ml_row(&m, i)[j];
		double mean = n ? s / (double)n : 0;
		for (size_t i = 0; i < n; i++) {
			double d = rn_ml_row(&m, i)[j] - mean;
			ss += d * d;
		}
		double sd = n ? sqrt(ss / (double)n) : 0;
		for (size_t i = 0; i < n; i++) {
			float *v = &rn_ml_row(&m, i)[j];
			*v = sd > 0 ? (float)((*v - mean) / sd) : 0.0f;
		}
	}
	*ret = m;
	return 0;
}

int rn_ml_activity_matrix(const struct rn_store *st, const struct rn_ml_hotspots *h,
			  size_t nslices, struct rn_ml_matrix *ret)
{
	struct rn_ml_matrix m;
	if (!nslices || rn_ml_matrix_init(&m, nslices, h->n) < 0)
		return -ENOMEM;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	for (size_t i = 0; i < st->len; i++) {
		if (st->ts_ns[i] < t0)
			t0 = st->ts_ns[i];
		if (st->ts_ns[i] > t1)
			t1 = st->ts_ns[i];
	}
	double span = t1 > t0 ? (double)(t1 - t0) : 1.0;
	for (size_t i = 0; i < st->len; i++) {
		size_t b = (size_t)((double)(st->ts_ns[i] - t0) / span * (double)nslices);
		if (b >= nslices)
			b = nslices - 1;
		rn_ml_row(&m, b)[h->unit[i]] += 1.0f;
	}
	*ret = m;
	return 0;
}
