// SPDX-License-Identifier: MIT
/* The -c table, laid out and sorted as strace prints it: by time spent,
 * descending (or what -S asks for), ties in syscall-number order. Time is the wall-clock time
 * between the entry and exit stops (strace's -w); strace's default of
 * system CPU time reads as zero for most calls at its clock resolution. */
#include "analysis/summary.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


struct summary_sink {
	struct rn_sink base;
	FILE *f;
	struct rn_counts c;
};

void rn_counts_add(struct rn_counts *c, const struct rn_event *ev)
{
	/* As in strace, a call that never returned (exit_group, a task
	 * killed inside a call) has no time and is not counted. */
	if (ev->flags & RN_EVF_NO_RETURN)
		return;
	struct rn_count_row *r = &c->rows[(ev->nr >= 0 && ev->nr < RN_NSYSCALLS) ? ev->nr : RN_NSYSCALLS];
	bool err = ev->flags & RN_EVF_ERROR;
	r->calls++;
	r->errors += err;
	r->ns += ev->dur_ns;
	c->calls++;
	c->errors += err;
	c->ns += ev->dur_ns;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0; /* most first */
}

static int by_order(const void *a, const void *b, void *arg)
{
	const struct rn_counts *c = arg;
	int ia = *(const int *)a, ib = *(const int *)b;
	const struct rn_count_row *x = &c->rows[ia], *y = &c->rows[ib];
	int r = 0;
	switch (c->sortby) {
	case RN_SORT_TIME:
		r = cmp_u64(x->ns, y->ns);
		break;
	case RN_SORT_AVG:
		r = cmp_u64(x->calls ? x->ns / x->calls : 0, y->calls ? y->ns / y->calls : 0);
		break;
	case RN_SORT_CALLS:
		r = cmp_u64(x->calls, y->calls);
		break;
	case RN_SORT_ERRORS:
		r = cmp_u64(x->errors, y->errors);
		break;
	case RN_SORT_NAME:
		r = strcmp(rn_counts_name(ia), rn_counts_name(ib));
		break;
	case RN_SORT_NOTHING:
		break;
	}
	return r ? r : ia - ib;
}

int rn_counts_sorted(const struct rn_counts *c, int *idx)
{
	int n = 0;
	for (int i = 0; i <= RN_NSYSCALLS; i++)
		if (c->rows[i].calls)
			idx[n++] = i;
	qsort_r(idx, (size_t)n, sizeof(idx[0]), by_order, (void *)c);
	return n;
}

const char *rn_counts_name(int i)
{
	const struct rn_sysent *e = rn_syscall_get(i);
	return e ? e->name : "syscall_unknown";
}

static void summary_event(struct rn_sink *base, const struct rn_event *ev)
{
	rn_counts_add(&((struct summary_sink *)base)->c, ev);
}

static void put_row(FILE *f, double pct, uint64_t ns, uint64_t calls, uint64_t errors,
		    const char *name)
{
	char err[32] = "";
	if (errors)
		(void)snprintf(err, sizeof(err), "%llu", (unsigned long long)errors);
	(void)fprintf(f, "%6.2f %11.6f %11llu %9llu %9s %s\n", pct, (double)ns / 1e9,
		      (unsigned long long)(calls ? ns / 1000 / calls : 0), (unsigned long long)calls,
		      err, name);
}

static int summary_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	(void)res;
	struct summary_sink *s = (struct summary_sink *)base;
	return rn_counts_print(s->f, &s->c);
}

int rn_counts_print(FILE *f, const struct rn_counts *c)
{
	int idx[RN_NSYSCALLS + 1];
	int n = rn_counts_sorted(c, idx);
	static const char rule[] = "------ ----------- ----------- --------- --------- ----------------\n";
	(void)fputs("% time     seconds  usecs/call     calls    errors syscall\n", f);
	(void)fputs(rule, f);
	for (int i = 0; i < n; i++) {
		const struct rn_count_row *r = &c->rows[idx[i]];
		double pct = c->ns ? 100.0 * (double)r->ns / (double)c->ns : 0.0;
		put_row(f, pct, r->ns, r->calls, r->errors, rn_counts_name(idx[i]));
	}
	(void)fputs(rule, f);
	put_row(f, 100.0, c->ns, c->calls, c->errors, "total");
	return fflush(f) == 0 ? 0 : -EIO;
}

static void summary_free(struct rn_sink *base)
{
	free(base);
}

static const struct rn_sink_ops summary_ops = {
	.name = "summary",
	.on_event = summary_event,
	.finish = summary_finish,
	.free = summary_free,
};

struct rn_sink *rn_stats_summary_new(FILE *f, const struct rn_options *o)
{
	struct summary_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &summary_ops;
	s->base.needs = RN_NEED_TIMING;
	s->f = f;
	s->c.sortby = o->sortby;
	return &s->base;
}
