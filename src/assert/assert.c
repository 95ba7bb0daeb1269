// SPDX-License-Identifier: MIT
/* --assert: renacer.toml budgets evaluated on the trace. */
#include "assert/assert.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "analysis/summary.h"
#include "assert/toml.h"
#include "core/hmap.h"
#include "decode/syscalls.h"

enum kind { CRITICAL_PATH, SPAN_COUNT, MEMORY_USAGE, ANTI_PATTERN };
enum pattern { GOD_PROCESS, TIGHT_LOOP, PCIE_BOTTLENECK };

struct assertion {
	const char *name;
	enum kind kind;
	bool enabled, fail_on_violation;
	uint64_t max;	  /* ms, spans or bytes */
	double threshold; /* anti_pattern */
	enum pattern pattern;
	bool rss;	  /* memory_usage: peak RSS, else allocations */
	int nr;		  /* syscall = "name", -1 for none */
	unsigned classes; /* class = "file" */
	regex_t re;	  /* span_name_pattern / trace_name_pattern */
	bool has_re;
	/* Result. */
	bool failed;
};

struct rn_assertions {
	struct rn_toml_table *doc; /* owns the strings */
	struct assertion *v;
	size_t n;
	bool any_failed;
};

/* --- loading --- */

struct ctx {
	const char *path;
	struct rn_diag *err;
};

static int bad(const struct ctx *c, const struct rn_toml_value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(const struct ctx *c, const struct rn_toml_value *at, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rn_diag_set(c->err, "%s:%u:%u: %s", c->path, at ? at->line : 1, at ? at->col : 1, msg);
	return -EINVAL;
}

static const struct rn_toml_value *want(const struct ctx *c, const struct rn_toml_table *t,
					const struct rn_toml_value *tv, const char *key,
					enum rn_toml_type type, bool required, int *r)
{
	const struct rn_toml_value *v = rn_toml_get(t, key);
	if (!v) {
		if (required)
			*r = bad(c, tv, "assertion needs '%s'", key);
		return NULL;
	}
	bool ok = v->type == type || (type == RN_TOML_FLOAT && v->type == RN_TOML_INT);
	if (!ok) {
		*r = bad(c, v, "'%s' must be %s", key, rn_toml_type_name(type));
		return NULL;
	}
	return v;
}

static int load_one(const struct ctx *c, const struct rn_toml_value *tv, struct assertion *a)
{
	const struct rn_toml_table *t = tv->t;
	static const char *const known[] = { "name", "type", "enabled", "fail_on_violation",
					     "max_duration_ms", "max_spans", "max_bytes", "tracking_mode",
					     "pattern", "threshold", "syscall", "class", "span_name_pattern",
					     "trace_name_pattern", "process_name_pattern",
					     "expression" };
	for (size_t i = 0; i < t->n; i++) {
		bool found = false;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			found |= !strcmp(t->kv[i].key, known[k]);
		if (!found)
			return bad(c, &t->kv[i].v, "unknown key '%s' in an assertion", t->kv[i].key);
	}
	int r = 0;
	const struct rn_toml_value *name = want(c, t, tv, "name", RN_TOML_STRING, true, &r);
	const struct rn_toml_value *type = want(c, t, tv, "type", RN_TOML_STRING, true, &r);
	const struct rn_toml_value *en = want(c, t, tv, "enabled", RN_TOML_BOOL, false, &r);
	const struct rn_toml_value *fv = want(c, t, tv, "fail_on_violation", RN_TOML_BOOL, false, &r);
	if (r)
		return r;
	a->name = name->s;
	a->enabled = en ? en->b : true;
	a->fail_on_violation = fv ? fv->b : true;
	a->nr = -1;
	const char *maxkey;
	if (!strcmp(type->s, "critical_path")) {
		a->kind = CRITICAL_PATH;
		maxkey = "max_duration_ms";
	} else if (!strcmp(type->s, "span_count")) {
		a->kind = SPAN_COUNT;
		maxkey = "max_spans";
	} else if (!strcmp(type->s, "memory_usage")) {
		a->kind = MEMORY_USAGE;
		maxkey = "max_bytes";
	} else if (!strcmp(type->s, "anti_pattern")) {
		a->kind = ANTI_PATTERN;
		maxkey = NULL;
	} else if (!strcmp(type->s, "custom")) {
		return bad(c, type, "assertion type '%s' is not supported (expressions are not "
				    "implemented)", type->s);
	} else {
		return bad(c, type, "unknown assertion type '%s' (critical_path, span_count, "
				    "memory_usage or anti_pattern)", type->s);
	}
	if (maxkey) {
		const struct rn_toml_value *m = want(c, t, tv, maxkey, RN_TOML_INT, true, &r);
		if (r)
			return r;
		if (m->i < 0)
			return bad(c, m, "'%s' must not be negative", maxkey);
		a->max = (uint64_t)m->i;
	}
	const struct rn_toml_value *sc = want(c, t, tv, "syscall", RN_TOML_STRING, false, &r);
	const struct rn_toml_value *cl = want(c, t, tv, "class", RN_TOML_STRING, false, &r);
	const struct rn_toml_value *pat = want(c, t, tv, "span_name_pattern", RN_TOML_STRING, false, &r);
	const struct rn_toml_value *tpat = want(c, t, tv, "trace_name_pattern", RN_TOML_STRING, false, &r);
	if (r)
		return r;
	if (sc) {
		a->nr = rn_syscall_lookup(sc->s);
		if (a->nr < 0)
			return bad(c, sc, "unknown syscall '%s'", sc->s);
	}
	if (cl) {
		a->classes = rn_syscall_class_lookup(cl->s);
		if (!a->classes)
			return bad(c, cl, "unknown syscall class '%s'", cl->s);
	}
	const struct rn_toml_value *re = pat ? pat : tpat;
	if (re) {
		if (regcomp(&a->re, re->s, REG_EXTENDED | REG_NOSUB) != 0)
			return bad(c, re, "bad regular expression '%s'", re->s);
		a->has_re = true;
	}
	if (a->kind == MEMORY_USAGE) {
		const struct rn_toml_value *mode = want(c, t, tv, "tracking_mode", RN_TOML_STRING, false, &r);
		if (r)
			return r;
		if (mode && strcmp(mode->s, "allocations") && strcmp(mode->s, "rss"))
			return bad(c, mode, "tracking_mode must be \"allocations\" or \"rss\", not '%s'",
				   mode->s);
		a->rss = mode && !strcmp(mode->s, "rss");
	}
	if (a->kind == ANTI_PATTERN) {
		const struct rn_toml_value *p = want(c, t, tv, "pattern", RN_TOML_STRING, true, &r);
		const struct rn_toml_value *th = want(c, t, tv, "threshold", RN_TOML_FLOAT, true, &r);
		if (r)
			return r;
		if (!strcmp(p->s, "GodProcess"))
			a->pattern = GOD_PROCESS;
		else if (!strcmp(p->s, "TightLoop"))
			a->pattern = TIGHT_LOOP;
		else if (!strcmp(p->s, "PcieBottleneck"))
			a->pattern = PCIE_BOTTLENECK;
		else
			return bad(c, p, "unknown pattern '%s' (GodProcess, TightLoop or PcieBottleneck)",
				   p->s);
		a->threshold = th->type == RN_TOML_INT ? (double)th->i : th->f;
		if (!(a->threshold >= 0 && a->threshold <= 1))
			return bad(c, th, "threshold must be between 0 and 1");
	}
	return 0;
}

int rn_assertions_load(const char *path, struct rn_assertions **ret, struct rn_diag *err)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		rn_diag_set(err, "cannot open '%s': %s", path, strerror(e));
		return -e;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			char *n = cap <= (64u << 20) ? realloc(text, cap) : NULL;
			if (!n) {
				free(text);
				(void)fclose(f);
				rn_diag_set(err, "'%s' is too large", path);
				return -EFBIG;
			}
			text = n;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	(void)fclose(f);
	struct ctx c = { path, err };
	struct rn_assertions *a = calloc(1, sizeof(*a));
	if (!a) {
		free(text);
		return -ENOMEM;
	}
	a->doc = rn_toml_parse(text ? text : "", len, path, err);
	free(text);
	if (!a->doc) {
		free(a);
		return -EINVAL;
	}
	const struct rn_toml_value *arr = rn_toml_get(a->doc, "assertion");
	int r = 0;
	if (arr && arr->type != RN_TOML_TABLE_ARRAY)
		r = bad(&c, arr, "'assertion' must be an array of tables: [[assertion]]");
	else if (arr) {
		a->v = calloc(arr->arr.n + 1, sizeof(*a->v));
		if (!a->v)
			r = -ENOMEM;
		for (size_t i = 0; r == 0 && i < arr->arr.n; i++, a->n++)
			r = load_one(&c, &arr->arr.v[i], &a->v[i]);
	}
	if (r) {
		rn_assertions_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

void rn_assertions_free(struct rn_assertions *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].has_re)
			regfree(&a->v[i].re);
	free(a->v);
	rn_toml_free(a->doc);
	free(a);
}

bool rn_assertions_failed(const struct rn_assertions *a)
{
	return a && a->any_failed;
}

/* --- measuring --- */

struct assert_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	struct rn_assertions *a;
	struct rn_counts counts;
	uint64_t max_ns[RN_NSYSCALLS + 1];
	uint64_t alloc_bytes;
	struct rn_hmap per_task; /* pid -> calls */
	struct rn_hmap brk_top;	 /* pid -> last program break */
	uint64_t io_calls, tiny_io;
};

static bool is_io(int nr)
{
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_readv: case SYS_writev: case SYS_pread64:
	case SYS_pwrite64: case SYS_recvfrom: case SYS_sendto: case SYS_recvmsg: case SYS_sendmsg:
		return true;
	default:
		return false;
	}
}

static void assert_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct assert_sink *s = (struct assert_sink *)base;
	rn_counts_add(&s->counts, ev);
	int row = ev->nr >= 0 && ev->nr < RN_NSYSCALLS ? ev->nr : RN_NSYSCALLS;
	if (!(ev->flags & RN_EVF_NO_RETURN) && ev->dur_ns > s->max_ns[row])
		s->max_ns[row] = ev->dur_ns;
	uint64_t *calls = rn_hmap_get(&s->per_task, &ev->pid, sizeof(ev->pid));
	if (calls)
		(*calls)++;
	if (ev->flags & (RN_EVF_ERROR | RN_EVF_NO_RETURN))
		return;
	if (ev->nr == SYS_mmap && (ev->args[3] & MAP_ANONYMOUS))
		s->alloc_bytes += ev->args[1];
	if (ev->nr == SYS_brk) {
		uint64_t *top = rn_hmap_get(&s->brk_top, &ev->pid, sizeof(ev->pid));
		if (top) {
			if (*top && (uint64_t)ev->ret > *top)
				s->alloc_bytes += (uint64_t)ev->ret - *top;
			*top = (uint64_t)ev->ret;
		}
	}
	if (is_io(ev->nr)) {
		s->io_calls++;
		s->tiny_io += ev->ret <= 64;
	}
}

static bool name_matches(const struct assertion *a, int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	if (a->nr >= 0 && nr != a->nr)
		return false;
	if (a->classes && !(e && (e->classes & a->classes)))
		return false;
	if (a->has_re && !(e && regexec(&a->re, e->name, 0, NULL, 0) == 0))
		return false;
	return true;
}

static void human_bytes(char *buf, size_t len, uint64_t b)
{
	if (b >= (1ULL << 30))
		(void)snprintf(buf, len, "%.1f GiB", (double)b / (double)(1ULL << 30));
	else if (b >= (1ULL << 20))
		(void)snprintf(buf, len, "%.1f MiB", (double)b / (double)(1ULL << 20));
	else if (b >= 1024)
		(void)snprintf(buf, len, "%.1f KiB", (double)b / 1024.0);
	else
		(void)snprintf(buf, len, "%llu bytes", (unsigned long long)b);
}

static int assert_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct assert_sink *s = (struct assert_sink *)base;
	struct rn_assertions *as = s->a;
	FILE *f = s->f;
	unsigned passed = 0, failed = 0, warned = 0, skipped = 0;
	(void)fputs("\nAssertions:\n", f);
	for (size_t i = 0; i < as->n; i++) {
		struct assertion *a = &as->v[i];
		static const char *const kinds[] = { "critical_path", "span_count", "memory_usage",
						     "anti_pattern" };
		if (!a->enabled) {
			(void)fprintf(f, "  SKIP  %s (%s): disabled\n", a->name, kinds[a->kind]);
			skipped++;
			continue;
		}
		char what[200], actual_s[64], budget_s[64];
		double actual = 0, budget = (double)a->max;
		bool over = false;
		switch (a->kind) {
		case CRITICAL_PATH: {
			bool named = a->nr >= 0 || a->classes || a->has_re;
			uint64_t ns = res->wall_ns;
			if (named) {
				ns = 0;
				for (int k = 0; k <= RN_NSYSCALLS; k++)
					if (s->counts.rows[k].calls && name_matches(a, k) && s->max_ns[k] > ns)
						ns = s->max_ns[k];
			}
			actual = (double)ns / 1e6;
			over = actual > budget;
			(void)snprintf(what, sizeof(what), "%s", named ? "longest matching call" : "run");
			(void)snprintf(actual_s, sizeof(actual_s), "%.3f ms", actual);
			(void)snprintf(budget_s, sizeof(budget_s), "%llu ms", (unsigned long long)a->max);
			break;
		}
		case SPAN_COUNT: {
			uint64_t n = 0;
			for (int k = 0; k <= RN_NSYSCALLS; k++)
				if (s->counts.rows[k].calls && name_matches(a, k))
					n += s->counts.rows[k].calls;
			actual = (double)n;
			over = n > a->max;
			(void)snprintf(what, sizeof(what), "%s",
				       a->nr >= 0 || a->classes || a->has_re ? "matching syscalls" : "syscalls");
			(void)snprintf(actual_s, sizeof(actual_s), "%llu", (unsigned long long)n);
			(void)snprintf(budget_s, sizeof(budget_s), "%llu", (unsigned long long)a->max);
			break;
		}
		case MEMORY_USAGE: {
			uint64_t b = s->alloc_bytes;
			if (a->rss) {
				/* Peak RSS of the largest reaped child: the program
				 * renacer started (not measurable for -p). */
				struct rusage ru;
				b = getrusage(RUSAGE_CHILDREN, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
			}
			actual = (double)b;
			over = b > a->max;
			(void)snprintf(what, sizeof(what), "%s",
				       a->rss ? "peak RSS" : "bytes allocated (anonymous mmap + brk)");
			human_bytes(actual_s, sizeof(actual_s), b);
			human_bytes(budget_s, sizeof(budget_s), a->max);
			break;
		}
		case ANTI_PATTERN: {
			budget = a->threshold;
			if (a->pattern == GOD_PROCESS) {
				uint64_t top = 0;
				for (size_t k = 0; k < s->per_task.n; k++) {
					uint64_t c = *(uint64_t *)rn_hmap_val(&s->per_task, k);
					top = c > top ? c : top;
				}
				uint64_t all = s->counts.calls ? s->counts.calls : 1;
				actual = s->per_task.n > 1 ? (double)top / (double)all : 0;
				(void)snprintf(what, sizeof(what), "GodProcess: busiest of %zu tasks' share",
					       s->per_task.n);
			} else if (a->pattern == TIGHT_LOOP) {
				/* Too few I/O calls make no loop. */
				actual = s->io_calls >= 100 ? (double)s->tiny_io / (double)s->io_calls : 0;
				(void)snprintf(what, sizeof(what),
					       "TightLoop: share of %llu reads/writes moving <= 64 bytes",
					       (unsigned long long)s->io_calls);
			} else {
				actual = 0;
				(void)snprintf(what, sizeof(what),
					       "PcieBottleneck: no GPU transfer events in this trace");
			}
			over = actual > a->threshold;
			(void)snprintf(actual_s, sizeof(actual_s), "%.3f", actual);
			(void)snprintf(budget_s, sizeof(budget_s), "%.3f", a->threshold);
			break;
		}
		}
		const char *tag = !over ? "PASS" : a->fail_on_violation ? "FAIL" : "WARN";
		(void)fprintf(f, "  %s  %s (%s): %s %s %s %s", tag, a->name, kinds[a->kind], what, actual_s,
			      over ? ">" : "<=", budget_s);
		if (over && budget > 0)
			(void)fprintf(f, " (+%.1f%%)", 100.0 * (actual - budget) / budget);
		if (over && !a->fail_on_violation)
			(void)fputs(" [warning only]", f);
		(void)fputc('\n', f);
		a->failed = over && a->fail_on_violation;
		if (!over)
			passed++;
		else if (a->fail_on_violation)
			failed++;
		else
			warned++;
	}
	as->any_failed = failed > 0;
	(void)fprintf(f, "Verdict: %s (%u passed, %u failed, %u warnings, %u disabled)\n",
		      failed ? "FAIL" : "PASS", passed, failed, warned, skipped);
	return fflush(f) == 0 ? 0 : -EIO;
}

static void assert_free(struct rn_sink *base)
{
	struct assert_sink *s = (struct assert_sink *)base;
	rn_hmap_done(&s->per_task);
	rn_hmap_done(&s->brk_top);
	free(s);
}

static const struct rn_sink_ops assert_ops = {
	.name = "assert",
	.on_event = assert_event,
	.finish = assert_finish,
	.free = assert_free,
};

struct rn_sink *rn_assert_sink_new(FILE *f, const struct rn_options *o, struct rn_assertions *a)
{
	struct assert_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &assert_ops;
	s->base.needs = RN_NEED_TIMING;
	s->f = f;
	s->o = o;
	s->a = a;
	rn_hmap_init(&s->per_task, sizeof(uint64_t));
	rn_hmap_init(&s->brk_top, sizeof(uint64_t));
	return &s->base;
}
