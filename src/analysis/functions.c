// SPDX-License-Identifier: MIT
/* --function-time: syscall time attributed to the program's own functions.
 *
 * Each syscall's stack (innermost first) is reduced to its user frames
 * (rn_srcloc.user, with a function name). The innermost one is the function
 * the call is charged to; the chain of user functions from the outermost to
 * it is the call's "path"; each adjacent pair is a call-graph edge. A call
 * to an I/O syscall (classes desc, file, network) that blocks longer than
 * 1 ms marks its function as an I/O bottleneck. Function names are interned
 * by the symbolizer, so a pointer identifies a function. */
#include "analysis/functions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "decode/syscalls.h"

#define MAX_PATH   16	     /* user frames kept per path */
#define SLOW_IO_NS 1000000ULL /* 1 ms */

struct fn_stat {
	uint64_t calls, ns, io, slow, max_slow_ns;
	int slow_nr; /* syscall of the slowest slow I/O */
};

struct path_stat {
	uint64_t calls, ns;
};

struct fn_sink {
	struct rn_sink base;
	FILE *f;
	struct rn_hmap fns;   /* const char *function -> fn_stat */
	struct rn_hmap paths; /* const char *[] outermost first -> path_stat */
	struct rn_hmap edges; /* const char *[2] parent, child -> uint64_t calls */
	uint64_t total_ns, total_calls, unattributed;
	bool oom;
};

static bool is_io(int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	return e && (e->classes & (RN_TC_DESC | RN_TC_FILE | RN_TC_NETWORK));
}

static void fn_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct fn_sink *s = (struct fn_sink *)base;
	if (ev->flags & RN_EVF_NO_RETURN)
		return;
	const char *chain[MAX_PATH];
	unsigned n = 0;
	/* User frames, innermost first; the path wants them outermost first. */
	for (unsigned i = 0; i < ev->nstack && n < MAX_PATH; i++)
		if (ev->stack[i]->user && ev->stack[i]->function)
			chain[n++] = ev->stack[i]->function;
	s->total_calls++;
	s->total_ns += ev->dur_ns;
	if (!n) {
		s->unattributed++;
		return;
	}
	struct fn_stat *fs = rn_hmap_get(&s->fns, &chain[0], sizeof(chain[0]));
	if (!fs) {
		s->oom = true;
		return;
	}
	fs->calls++;
	fs->ns += ev->dur_ns;
	if (is_io(ev->nr)) {
		fs->io++;
		if (ev->dur_ns > SLOW_IO_NS) {
			fs->slow++;
			if (ev->dur_ns > fs->max_slow_ns) {
				fs->max_slow_ns = ev->dur_ns;
				fs->slow_nr = ev->nr;
			}
		}
	}
	const char *path[MAX_PATH];
	for (unsigned i = 0; i < n; i++)
		path[i] = chain[n - 1 - i];
	struct path_stat *ps = rn_hmap_get(&s->paths, path, n * sizeof(path[0]));
	if (ps) {
		ps->calls++;
		ps->ns += ev->dur_ns;
	}
	for (unsigned i = 0; i + 1 < n; i++) {
		const char *edge[2] = { path[i], path[i + 1] };
		/* Recursion shows as a self edge; it says nothing new. */
		if (edge[0] == edge[1])
			continue;
		uint64_t *c = rn_hmap_get(&s->edges, edge, sizeof(edge));
		if (c)
			(*c)++;
	}
	if (!ps)
		s->oom = true;
}

/* qsort_r comparators over entry indexes. */
static int by_fn_time(const void *a, const void *b, void *arg)
{
	const struct rn_hmap *m = arg;
	const struct fn_stat *x = rn_hmap_val(m, *(const size_t *)a);
	const struct fn_stat *y = rn_hmap_val(m, *(const size_t *)b);
	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	return x->calls > y->calls ? -1 : x->calls < y->calls;
}

static int by_path_time(const void *a, const void *b, void *arg)
{
	const struct rn_hmap *m = arg;
	const struct path_stat *x = rn_hmap_val(m, *(const size_t *)a);
	const struct path_stat *y = rn_hmap_val(m, *(const size_t *)b);
	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	return x->calls > y->calls ? -1 : x->calls < y->calls;
}

static int by_edge(const void *a, const void *b, void *arg)
{
	const struct rn_hmap *m = arg;
	size_t la, lb;
	const char *const *ka = rn_hmap_key(m, *(const size_t *)a, &la);
	const char *const *kb = rn_hmap_key(m, *(const size_t *)b, &lb);
	int c = strcmp(ka[0], kb[0]);
	if (c)
		return c;
	const uint64_t *x = rn_hmap_val(m, *(const size_t *)a), *y = rn_hmap_val(m, *(const size_t *)b);
	if (*x != *y)
		return *x > *y ? -1 : 1;
	return strcmp(ka[1], kb[1]);
}

static size_t *sorted(const struct rn_hmap *m, int (*cmp)(const void *, const void *, void *))
{
	size_t *idx = malloc((m->n ? m->n : 1) * sizeof(*idx));
	if (!idx)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		idx[i] = i;
	qsort_r(idx, m->n, sizeof(*idx), cmp, (void *)m);
	return idx;
}

static void rule(FILE *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)fputs("─", f);
	(void)fputc('\n', f);
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static int fn_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct fn_sink *s = (struct fn_sink *)base;
	FILE *f = s->f;
	(void)res;
	if (s->oom)
		(void)fputs("renacer: out of memory: the function profile is incomplete\n", stderr);
	if (!s->fns.n) {
		(void)fprintf(f, "No function profiling data collected (%llu syscalls, none from the "
				 "program's own code; is it built with symbols?).\n",
			      (unsigned long long)s->total_calls);
		return fflush(f) == 0 ? 0 : -EIO;
	}
	size_t *fi = sorted(&s->fns, by_fn_time), *pi = sorted(&s->paths, by_path_time),
	       *ei = sorted(&s->edges, by_edge);
	if (!fi || !pi || !ei) {
		free(fi);
		free(pi);
		free(ei);
		return -ENOMEM;
	}
	(void)fprintf(f, "\nFunction profile: %llu syscalls, %.6fs in syscalls; %llu made outside the "
			 "program's code\n",
		      (unsigned long long)s->total_calls, (double)s->total_ns / 1e9,
		      (unsigned long long)s->unattributed);
	(void)fprintf(f, "   %-40s %8s %12s %12s %8s %8s\n", "Function", "Calls", "Total Time",
		      "Avg Time", "I/O Ops", "Slow I/O");
	rule(f, 95);
	for (size_t k = 0; k < s->fns.n; k++) {
		size_t len;
		const char *const *name = rn_hmap_key(&s->fns, fi[k], &len);
		const struct fn_stat *fs = rn_hmap_val(&s->fns, fi[k]);
		(void)fprintf(f, "%s%-40s %8llu %11.6fs %11.6fs %8llu %8llu\n", fs->slow ? "⚠  " : "   ",
			      *name, (unsigned long long)fs->calls, (double)fs->ns / 1e9,
			      (double)fs->ns / 1e9 / (double)fs->calls, (unsigned long long)fs->io,
			      (unsigned long long)fs->slow);
	}
	rule(f, 95);

	(void)fputs("\nHot paths (top 10 call chains by syscall time):\n", f);
	for (size_t k = 0; k < s->paths.n && k < 10; k++) {
		size_t len;
		const char *const *path = rn_hmap_key(&s->paths, pi[k], &len);
		const struct path_stat *ps = rn_hmap_val(&s->paths, pi[k]);
		(void)fprintf(f, "  %2zu. %6.2f%%  %.6fs  %6llu syscalls  ", k + 1, pct(ps->ns, s->total_ns),
			      (double)ps->ns / 1e9, (unsigned long long)ps->calls);
		for (size_t i = 0; i < len / sizeof(*path); i++)
			(void)fprintf(f, "%s%s", i ? " → " : "", path[i]);
		(void)fputc('\n', f);
	}

	if (s->edges.n) {
		(void)fputs("\nCall graph (caller → callee, syscalls made below the edge):\n", f);
		const char *last = NULL;
		for (size_t k = 0; k < s->edges.n; k++) {
			size_t len;
			const char *const *e = rn_hmap_key(&s->edges, ei[k], &len);
			const uint64_t *c = rn_hmap_val(&s->edges, ei[k]);
			if (e[0] != last)
				(void)fprintf(f, "  %s\n", e[0]);
			last = e[0];
			(void)fprintf(f, "    └─> %s (%llu call%s)\n", e[1], (unsigned long long)*c,
				      *c == 1 ? "" : "s");
		}
	}

	bool any = false;
	for (size_t k = 0; k < s->fns.n; k++) {
		size_t len;
		const char *const *name = rn_hmap_key(&s->fns, fi[k], &len);
		const struct fn_stat *fs = rn_hmap_val(&s->fns, fi[k]);
		if (!fs->slow)
			continue;
		if (!any)
			(void)fputs("\nI/O bottlenecks (I/O syscalls blocking > 1 ms):\n", f);
		any = true;
		const struct rn_sysent *e = rn_syscall_get(fs->slow_nr);
		(void)fprintf(f, "  ⚠  %s: %llu slow of %llu I/O calls, slowest %.3f ms (%s)\n", *name,
			      (unsigned long long)fs->slow, (unsigned long long)fs->io,
			      (double)fs->max_slow_ns / 1e6, e ? e->name : "?");
	}
	free(fi);
	free(pi);
	free(ei);
	return fflush(f) == 0 ? 0 : -EIO;
}

static void fn_free(struct rn_sink *base)
{
	struct fn_sink *s = (struct fn_sink *)base;
	rn_hmap_done(&s->fns);
	rn_hmap_done(&s->paths);
	rn_hmap_done(&s->edges);
	free(s);
}

static const struct rn_sink_ops fn_ops = {
	.name = "function-time",
	.on_event = fn_event,
	.finish = fn_finish,
	.free = fn_free,
};

struct rn_sink *rn_function_profile_new(FILE *f, const struct rn_options *o)
{
	(void)o;
	struct fn_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &fn_ops;
	s->base.needs = RN_NEED_STACK | RN_NEED_TIMING;
	s->f = f;
	rn_hmap_init(&s->fns, sizeof(struct fn_stat));
	rn_hmap_init(&s->paths, sizeof(struct path_stat));
	rn_hmap_init(&s->edges, sizeof(uint64_t));
	return &s->base;
}
