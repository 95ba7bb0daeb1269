// SPDX-License-Identifier: MIT
/* Grouping is a counting sort by syscall number; each group's durations are
 * then radix-sorted (LSD, 16-bit digits, skipping digits above the group's
 * maximum), so 10M events sort in well under a second without comparisons.
 * Sums use long double so the mean and variance stay exact enough on 10M
 * nanosecond values. */
#include "analysis/latency.h"

#include "core/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decode/syscalls.h"

#define NGROUPS (RN_NSYSCALLS + 1) /* last: numbers outside the table */

static size_t group_of(int32_t nr)
{
	return (nr >= 0 && nr < RN_NSYSCALLS) ? (size_t)nr : RN_NSYSCALLS;
}

static void radix_sort(uint64_t *a, uint64_t *tmp, size_t n, uint64_t max)
{
	size_t count[1 << 16];
	for (unsigned shift = 0; shift < 64 && (max >> shift); shift += 16) {
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xffff]++;
		size_t sum = 0;
		for (size_t d = 0; d < (1 << 16); d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i] >> shift) & 0xffff]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
}

static void insertion_sort(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t v = a[i];
		size_t j = i;
		while (j && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

double rn_latency_percentile(const uint64_t *sorted, size_t n, double p)
{
	double rank = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)rank;
	if (lo + 1 >= n)
		return (double)sorted[n - 1];
	double frac = rank - (double)lo;
	return (double)sorted[lo] + frac * ((double)sorted[lo + 1] - (double)sorted[lo]);
}

static int by_total(const void *a, const void *b)
{
	const struct rn_latency *x = a, *y = b;
	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	return (x->nr < 0 ? RN_NSYSCALLS : x->nr) - (y->nr < 0 ? RN_NSYSCALLS : y->nr);
}

int rn_latency_compute(const struct rn_store *st, struct rn_latency_table **ret)
{
	struct rn_latency_table *t = calloc(1, sizeof(*t));
	size_t *start = calloc(NGROUPS + 1, sizeof(*start));
	uint64_t *maxv = calloc(NGROUPS, sizeof(*maxv));
	uint64_t *tmp = NULL;
	int r = -ENOMEM;
	if (!t || !start || !maxv)
		goto fail;
	size_t n = st->len;
	t->all_sorted = malloc((n ? n : 1) * sizeof(uint64_t));
	if (!t->all_sorted)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		size_t g = group_of(st->nr[i]);
		start[g + 1]++;
		if (st->dur_ns[i] > maxv[g])
			maxv[g] = st->dur_ns[i];
	}
	size_t ngroups = 0, biggest = 0;
	for (size_t g = 0; g < NGROUPS; g++) {
		ngroups += start[g + 1] != 0;
		if (start[g + 1] > biggest)
			biggest = start[g + 1];
		start[g + 1] += start[g];
	}
	/* Scatter durations into their groups (fill[] walks each group). */
	size_t *fill = malloc(NGROUPS * sizeof(*fill));
	if (!fill)
		goto fail;
	memcpy(fill, start, NGROUPS * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		t->all_sorted[fill[group_of(st->nr[i])]++] = st->dur_ns[i];
	free(fill);
	tmp = malloc((biggest ? biggest : 1) * sizeof(*tmp));
	t->v = calloc(ngroups ? ngroups : 1, sizeof(*t->v));
	if (!tmp || !t->v)
		goto fail;
	/* Errors per group. */
	uint64_t *errs = calloc(NGROUPS, sizeof(*errs));
	if (!errs)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (st->flags[i] & RN_EVF_ERROR)
			errs[group_of(st->nr[i])]++;
	for (size_t g = 0; g < NGROUPS; g++) {
		size_t cnt = start[g + 1] - start[g];
		if (!cnt)
			continue;
		uint64_t *a = t->all_sorted + start[g];
		if (cnt < 64)
			insertion_sort(a, cnt);
		else
			radix_sort(a, tmp, cnt, maxv[g]);
		struct rn_latency *l = &t->v[t->n++];
		long double sum = 0, sq = 0;
		for (size_t i = 0; i < cnt; i++)
			sum += (long double)a[i];
		long double mean = sum / (long double)cnt;
		for (size_t i = 0; i < cnt; i++) {
			long double dlt = (long double)a[i] - mean;
			sq += dlt * dlt;
		}
		l->nr = g == RN_NSYSCALLS ? -1 : (int)g;
		l->calls = cnt;
		l->errors = errs[g];
		l->total_ns = (uint64_t)sum;
		l->min_ns = a[0];
		l->max_ns = a[cnt - 1];
		l->mean_ns = (double)mean;
		l->stddev_ns = (double)sqrtl(sq / (long double)cnt);
		l->p50_ns = rn_latency_percentile(a, cnt, 50);
		l->p75_ns = rn_latency_percentile(a, cnt, 75);
		l->p90_ns = rn_latency_percentile(a, cnt, 90);
		l->p95_ns = rn_latency_percentile(a, cnt, 95);
		l->p99_ns = rn_latency_percentile(a, cnt, 99);
		l->sorted_ns = a;
		t->total_ns += l->total_ns;
		t->total_calls += cnt;
		t->total_errors += l->errors;
	}
	free(errs);
	qsort(t->v, t->n, sizeof(*t->v), by_total);
	r = 0;
	*ret = t;
	t = NULL;
fail:
	free(tmp);
	free(start);
	free(maxv);
	rn_latency_table_free(t);
	return r;
}

const struct rn_latency *rn_latency_lookup(const struct rn_latency_table *t, int nr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].nr == nr)
			return &t->v[i];
	return NULL;
}

void rn_latency_table_free(struct rn_latency_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->all_sorted);
	free(t);
}

bool rn_anomaly(const struct rn_options *o, double dur_ns, double mean_ns, double sd_ns, double *z,
		double *spread_ns)
{
	double sd = sd_ns > RN_ANOMALY_NOISE_FLOOR * mean_ns ? sd_ns : RN_ANOMALY_NOISE_FLOOR * mean_ns;
	*spread_ns = sd;
	*z = sd > 0 ? (dur_ns - mean_ns) / sd : 0;
	return *z > o->anomaly_threshold && dur_ns - mean_ns >= o->anomaly_jitter_us * 1e3;
}

void rn_latency_print_header(FILE *f)
{
	(void)fprintf(f, "%-18s %9s %11s %11s %11s %11s %11s %11s %11s %11s %11s\n", "syscall", "calls",
		      "mean", "stddev", "min", "p50", "p75", "p90", "p95", "p99", "max");
}

void rn_latency_print_row(FILE *f, const char *name, uint64_t calls, double mean_ns, double sd_ns,
			  double min_ns, const double p_ns[5], double max_ns)
{
	(void)fprintf(f, "%-18s %9llu %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f %11.3f\n",
		      name, (unsigned long long)calls, mean_ns / 1e3, sd_ns / 1e3, min_ns / 1e3,
		      p_ns[0] / 1e3, p_ns[1] / 1e3, p_ns[2] / 1e3, p_ns[3] / 1e3, p_ns[4] / 1e3, max_ns / 1e3);
}
