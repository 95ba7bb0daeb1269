// SPDX-License-Identifier: MIT
/* --compare BASELINE.json CURRENT.json: cross-run regression detection on
 * two renacer-json-v1 documents (read with jansson).
 *
 * Per syscall, the two samples of call durations are compared with the
 * Mann-Whitney U test (rank-sum; normal approximation with tie correction
 * and continuity correction, two-sided), which assumes nothing about the
 * shape of latency distributions. A syscall is a regression (or an
 * improvement) only when the difference is significant (p < 0.05) and
 * large enough to matter: the median moved by at least the noise floor
 * (5%, or --fail-on-regression's percentage when larger) and by at least
 * 1 us. Syscalls with fewer than 5 calls on either side are reported as
 * insufficient data. Counts are compared too (a new or vanished syscall,
 * a changed call count). */
#include "analysis/compare.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"

#define MIN_SAMPLES   5
#define ALPHA	      0.05
#define NOISE_PCT     5.0
#define NOISE_ABS_NS  1000.0

struct samples {
	uint64_t *v;
	size_t n, cap;
	uint64_t errors;
};

struct side {
	struct rn_hmap by_name; /* name -> struct samples */
	uint64_t calls;
	uint64_t total_ns; /* time in all calls */
	const char *path;
};

static int push(struct samples *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *n = realloc(s->v, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->v = n;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

static int load(const char *path, struct side *side, struct rn_diag *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	side->path = path;
	rn_hmap_init(&side->by_name, sizeof(struct samples));
	if (!root) {
		if (je.line < 0 || strstr(je.text, "unable to open"))
			rn_diag_set(err, "cannot read '%s': %s", path, je.text);
		else
			rn_diag_set(err, "'%s' is not valid JSON: line %d, column %d: %s", path, je.line,
				    je.column, je.text);
		return -EINVAL;
	}
	int r = 0;
	json_t *fmt = json_object_get(root, "format"), *calls = json_object_get(root, "syscalls");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "renacer-json-v1") != 0 ||
	    !json_is_array(calls)) {
		rn_diag_set(err, "'%s' is not a renacer-json-v1 document (renacer --format json)", path);
		r = -EINVAL;
		goto out;
	}
	size_t i;
	json_t *ev;
	json_array_foreach(calls, i, ev) {
		json_t *name = json_object_get(ev, "name"), *ns = json_object_get(ev, "duration_ns");
		if (!json_is_string(name) || !json_is_integer(ns)) {
			rn_diag_set(err, "'%s': syscall %zu has no name or duration_ns", path, i);
			r = -EINVAL;
			goto out;
		}
		/* Calls that never returned have no latency. */
		if (!json_object_get(ev, "result"))
			continue;
		const char *n = json_string_value(name);
		struct samples *s = rn_hmap_get(&side->by_name, n, strlen(n));
		if (!s || push(s, (uint64_t)json_integer_value(ns)) < 0) {
			r = -ENOMEM;
			goto out;
		}
		s->errors += json_object_get(ev, "error") != NULL;
		side->calls++;
		side->total_ns += (uint64_t)json_integer_value(ns);
	}
out:
	json_decref(root);
	return r;
}

static void side_free(struct side *side)
{
	for (size_t i = 0; i < side->by_name.n; i++)
		free(((struct samples *)rn_hmap_val(&side->by_name, i))->v);
	rn_hmap_done(&side->by_name);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static double median(const uint64_t *sorted, size_t n)
{
	return n % 2 ? (double)sorted[n / 2] : ((double)sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2.0;
}

double rn_mann_whitney_p(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	/* Both sorted: merge them, giving tied values their average rank. */
	double ra = 0, ties = 0;
	size_t i = 0, j = 0, rank = 1, n = na + nb;
	while (i < na || j < nb) {
		uint64_t v = (j >= nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
		size_t ca = 0, cb = 0;
		while (i < na && a[i] == v) {
			i++;
			ca++;
		}
		while (j < nb && b[j] == v) {
			j++;
			cb++;
		}
		size_t t = ca + cb;
		double avg = (double)rank + (double)(t - 1) / 2.0;
		ra += avg * (double)ca;
		ties += (double)t * (double)t * (double)t - (double)t;
		rank += t;
	}
	double u = ra - (double)na * (double)(na + 1) / 2.0;
	double mu = (double)na * (double)nb / 2.0;
	double var = (double)na * (double)nb / 12.0 *
		     ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (var <= 0)
		return 1.0; /* every value equal */
	double d = fabs(u - mu) - 0.5;
	if (d < 0)
		d = 0;
	return erfc(d / sqrt(var) / sqrt(2.0));
}

static const char *verdict_name(enum rn_cmp_verdict v)
{
	switch (v) {
	case RN_CMP_SAME: return "no change";
	case RN_CMP_REGRESSION: return "REGRESSION";
	case RN_CMP_IMPROVEMENT: return "improvement";
	case RN_CMP_NEW: return "new";
	case RN_CMP_GONE: return "gone";
	default: return "insufficient data";
	}
}

int rn_compare_run(const char *base_path, const char *cur_path, double fail_pct, FILE *f,
		   struct rn_diag *err)
{
	struct side base = { 0 }, cur = { 0 };
	int r = load(base_path, &base, err);
	if (r == 0)
		r = load(cur_path, &cur, err);
	if (r < 0) {
		side_free(&base);
		side_free(&cur);
		return r;
	}
	double floor_pct = fail_pct > NOISE_PCT ? fail_pct : NOISE_PCT;
	(void)fprintf(f, "renacer compare: %s (%llu calls) -> %s (%llu calls)\n", base_path,
		      (unsigned long long)base.calls, cur_path, (unsigned long long)cur.calls);
	(void)fprintf(f, "Mann-Whitney U per syscall, alpha %.2f; a change counts when the median moves "
			 "by >= %.1f%% and >= %.1f us\n\n",
		      ALPHA, floor_pct, NOISE_ABS_NS / 1000.0);
	(void)fprintf(f, "%-20s %15s %23s %9s %9s  %s\n", "syscall", "calls", "median us", "change",
		      "p-value", "verdict");
	/* Every name of either side, baseline order first. */
	struct rn_hmap names;
	rn_hmap_init(&names, 1);
	for (size_t k = 0; k < base.by_name.n; k++) {
		size_t len;
		const void *key = rn_hmap_key(&base.by_name, k, &len);
		(void)rn_hmap_get(&names, key, len);
	}
	for (size_t k = 0; k < cur.by_name.n; k++) {
		size_t len;
		const void *key = rn_hmap_key(&cur.by_name, k, &len);
		(void)rn_hmap_get(&names, key, len);
	}
	unsigned regressions = 0, improvements = 0, failing = 0;
	char worst[256] = "";
	double worst_pct = 0;
	for (size_t k = 0; k < names.n; k++) {
		size_t len;
		const char *key = rn_hmap_key(&names, k, &len);
		struct samples empty = { 0 };
		struct samples *a = rn_hmap_get(&base.by_name, key, len);
		struct samples *b = rn_hmap_get(&cur.by_name, key, len);
		if (!a || !b) {
			r = -ENOMEM;
			break;
		}
		a = a->n ? a : &empty;
		b = b->n ? b : &empty;
		qsort(a->v, a->n, sizeof(*a->v), cmp_u64);
		qsort(b->v, b->n, sizeof(*b->v), cmp_u64);
		enum rn_cmp_verdict v = RN_CMP_INSUFFICIENT;
		double ma = a->n ? median(a->v, a->n) : 0, mb = b->n ? median(b->v, b->n) : 0;
		double pct = ma > 0 ? 100.0 * (mb - ma) / ma : 0, p = 1.0;
		if (!a->n)
			v = RN_CMP_NEW;
		else if (!b->n)
			v = RN_CMP_GONE;
		else if (a->n >= MIN_SAMPLES && b->n >= MIN_SAMPLES) {
			p = rn_mann_whitney_p(a->v, a->n, b->v, b->n);
			bool big = fabs(pct) >= floor_pct && fabs(mb - ma) >= NOISE_ABS_NS;
			v = p < ALPHA && big ? (mb > ma ? RN_CMP_REGRESSION : RN_CMP_IMPROVEMENT) : RN_CMP_SAME;
		}
		char calls[40], med[48], chg[16] = "", pv[16] = "";
		(void)snprintf(calls, sizeof(calls), "%zu -> %zu", a->n, b->n);
		(void)snprintf(med, sizeof(med), "%.3f -> %.3f", ma / 1000.0, mb / 1000.0);
		if (a->n && b->n) {
			(void)snprintf(chg, sizeof(chg), "%+.1f%%", pct);
			if (a->n >= MIN_SAMPLES && b->n >= MIN_SAMPLES)
				(void)snprintf(pv, sizeof(pv), p < 0.0001 ? "<0.0001" : "%.4f", p);
		}
		(void)fprintf(f, "%-20.*s %15s %23s %9s %9s  %s\n", (int)len, key, calls, med, chg, pv,
			      verdict_name(v));
		if (v == RN_CMP_REGRESSION) {
			regressions++;
			if (fail_pct >= 0 && pct >= fail_pct)
				failing++;
			if (pct > worst_pct) {
				worst_pct = pct;
				(void)snprintf(worst, sizeof(worst), "%.*s %+.1f%%", (int)len, key, pct);
			}
		} else if (v == RN_CMP_IMPROVEMENT) {
			improvements++;
		}
	}
	rn_hmap_done(&names);
	if (r == 0) {
		/* The whole run: calls and time in syscalls. */
		char calls[40], tot[48], chg[16] = "";
		(void)snprintf(calls, sizeof(calls), "%llu -> %llu", (unsigned long long)base.calls,
			       (unsigned long long)cur.calls);
		(void)snprintf(tot, sizeof(tot), "%.3f -> %.3f", (double)base.total_ns / 1e6,
			       (double)cur.total_ns / 1e6);
		if (base.total_ns)
			(void)snprintf(chg, sizeof(chg), "%+.1f%%",
				       100.0 * ((double)cur.total_ns - (double)base.total_ns) /
					       (double)base.total_ns);
		(void)fprintf(f, "%-20s %15s %23s %9s\n", "total (ms in calls)", calls, tot, chg);
	}
	if (r == 0) {
		if (regressions)
			(void)fprintf(f, "\nVerdict: REGRESSION: %u syscall%s slower (worst: %s)", regressions,
				      regressions == 1 ? "" : "s", worst);
		else
			(void)fprintf(f, "\nVerdict: no regression");
		if (improvements)
			(void)fprintf(f, "; %u improved", improvements);
		(void)fputc('\n', f);
		r = failing ? RN_CMP_EXIT_REGRESSION : 0;
	}
	side_free(&base);
	side_free(&cur);
	return r;
}
