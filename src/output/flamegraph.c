// SPDX-License-Identifier: MIT
/* Flame graphs of syscall time. Each traced call contributes its stack,
 * outermost frame first, with the syscall itself as the leaf, weighted by
 * the time spent in the call. The folded form ("main;helper;getppid 12",
 * weights in microseconds) is what flamegraph.pl, inferno and speedscope
 * read; the SVG form is drawn here, root at the bottom as flamegraph.pl
 * does, with a tooltip (<title>) per frame and no script or external
 * resource. */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hmap.h"

struct flame_sink {
	struct rn_sink base;
	FILE *f;
	bool svg;
	struct rn_hmap stacks; /* folded stack text -> uint64_t ns */
	struct rn_buf key;
	uint64_t total_ns;
	bool oom;
};

/* A frame's name in folded text. ';' separates frames, so one inside a
 * name becomes ':'; spaces are fine (only the last one separates the
 * weight). Frames without a symbol show their module: [libfoo.so]. */
static void put_frame(struct rn_buf *b, const struct rn_srcloc *l)
{
	size_t start = b->len;
	if (l->function)
		rn_buf_put(b, l->function);
	else
		rn_buf_printf(b, "[%s]", l->module);
	for (size_t i = start; i < b->len; i++)
		if (b->p[i] == ';' || b->p[i] == '\n')
			b->p[i] = ':';
}

static void flame_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct flame_sink *s = (struct flame_sink *)base;
	if (ev->flags & RN_EVF_NO_RETURN)
		return;
	struct rn_buf *b = &s->key;
	rn_buf_reset(b);
	for (unsigned i = ev->nstack; i-- > 0;) {
		put_frame(b, ev->stack[i]);
		rn_buf_putc(b, ';');
	}
	rn_buf_put(b, ev->name);
	if (b->oom) {
		s->oom = true;
		return;
	}
	uint64_t *w = rn_hmap_get(&s->stacks, b->p, b->len);
	if (!w) {
		s->oom = true;
		return;
	}
	*w += ev->dur_ns;
	s->total_ns += ev->dur_ns;
}

static int by_key(const void *a, const void *b, void *arg)
{
	const struct rn_hmap *m = arg;
	size_t la, lb;
	const char *ka = rn_hmap_key(m, *(const size_t *)a, &la);
	const char *kb = rn_hmap_key(m, *(const size_t *)b, &lb);
	int c = memcmp(ka, kb, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

/* --- the SVG --- */

struct node {
	const char *name; /* into a stack key */
	size_t nlen;
	uint64_t ns;
	int first, next; /* child and sibling indexes, -1 for none */
};

struct tree {
	struct node *v;
	size_t n, cap;
	int depth;
};

static int node_new(struct tree *t, const char *name, size_t nlen)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct node *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = (struct node){ name, nlen, 0, -1, -1 };
	return (int)t->n++;
}

/* Add one folded stack under the root (node 0). */
static int tree_add(struct tree *t, const char *key, size_t len, uint64_t ns)
{
	int cur = 0, depth = 0;
	t->v[0].ns += ns;
	for (size_t i = 0; i < len;) {
		const char *semi = memchr(key + i, ';', len - i);
		size_t end = semi ? (size_t)(semi - key) : len;
		int c = t->v[cur].first, prev = -1;
		while (c >= 0 && !(t->v[c].nlen == end - i && memcmp(t->v[c].name, key + i, end - i) == 0)) {
			prev = c;
			c = t->v[c].next;
		}
		if (c < 0) {
			c = node_new(t, key + i, end - i);
			if (c < 0)
				return -1;
			/* Siblings keep first-seen order; the keys arrive sorted,
			 * so that is alphabetical, as flamegraph.pl draws. */
			if (prev < 0)
				t->v[cur].first = c;
			else
				t->v[prev].next = c;
		}
		t->v[c].ns += ns;
		cur = c;
		depth++;
		i = end + 1;
	}
	if (depth > t->depth)
		t->depth = depth;
	return 0;
}

static void put_escaped(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': (void)fputs("&amp;", f); break;
		case '<': (void)fputs("&lt;", f); break;
		case '>': (void)fputs("&gt;", f); break;
		case '"': (void)fputs("&quot;", f); break;
		default: (void)fputc(s[i], f); break;
		}
	}
}

#define SVG_W	 1200.0
#define FRAME_H	 17
#define PAD_TOP	 40
#define PAD_BOT	 30
#define CHAR_W	 7.0

static void draw(FILE *f, const struct tree *t, int idx, double x, int depth, double scale, int height)
{
	const struct node *nd = &t->v[idx];
	double w = (double)nd->ns * scale;
	/* Every frame is drawn, however narrow, so each has its tooltip. */
	if (w < 0.3)
		w = 0.3;
	{
		int y = height - PAD_BOT - (depth + 1) * FRAME_H;
		/* Warm colours from the name, as flame graphs are drawn; the
		 * syscalls (leaves without children) in blue. */
		unsigned h = 2166136261u;
		for (size_t i = 0; i < nd->nlen; i++)
			h = (h ^ (unsigned char)nd->name[i]) * 16777619u;
		bool leaf = nd->first < 0;
		int r = leaf ? 90 + (int)(h % 40) : 205 + (int)(h % 50);
		int g = leaf ? 140 + (int)(h / 64 % 50) : 80 + (int)(h / 64 % 130);
		int bl = leaf ? 210 + (int)(h / 4096 % 45) : 30 + (int)(h / 4096 % 40);
		(void)fputs("<g><title>", f);
		put_escaped(f, nd->name, nd->nlen);
		(void)fprintf(f, " (%.3f ms, %.2f%%)</title>", (double)nd->ns / 1e6,
			      100.0 * (double)nd->ns / (double)(t->v[0].ns ? t->v[0].ns : 1));
		(void)fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>",
			      x, y, w, FRAME_H - 1, r, g, bl);
		size_t fit = (size_t)((w - 6) / CHAR_W);
		if (fit >= 3) {
			(void)fprintf(f, "<text x=\"%.1f\" y=\"%d\">", x + 3, y + FRAME_H - 5);
			if (fit >= nd->nlen) {
				put_escaped(f, nd->name, nd->nlen);
			} else {
				put_escaped(f, nd->name, fit - 2);
				(void)fputs("..", f);
			}
			(void)fputs("</text>", f);
		}
		(void)fputs("</g>\n", f);
	}
	double cx = x;
	for (int c = nd->first; c >= 0; c = t->v[c].next) {
		draw(f, t, c, cx, depth + 1, scale, height);
		cx += (double)t->v[c].ns * scale;
	}
}

static int write_svg(struct flame_sink *s, const size_t *idx)
{
	struct tree t = { 0 };
	int r = node_new(&t, "all", 3);
	for (size_t k = 0; r >= 0 && k < s->stacks.n; k++) {
		size_t len;
		const char *key = rn_hmap_key(&s->stacks, idx[k], &len);
		r = tree_add(&t, key, len, *(const uint64_t *)rn_hmap_val(&s->stacks, idx[k]));
	}
	if (r < 0) {
		free(t.v);
		return -ENOMEM;
	}
	FILE *f = s->f;
	int height = PAD_TOP + PAD_BOT + (t.depth + 1) * FRAME_H;
	(void)fprintf(f,
		      "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		      "height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		      "<style>text{font:12px monospace;fill:#000;pointer-events:none}"
		      "rect:hover{stroke:#000;stroke-width:0.5}</style>\n"
		      "<rect width=\"100%%\" height=\"100%%\" fill=\"#fdfdf6\"/>\n"
		      "<text x=\"%d\" y=\"24\" style=\"font-size:17px\" text-anchor=\"middle\">"
		      "Syscall time flame graph (renacer)</text>\n"
		      "<text x=\"10\" y=\"%d\">%zu stacks, %.3f ms in syscalls; width = time in the "
		      "call, leaves (blue) = syscalls</text>\n",
		      (int)SVG_W + 20, height, (int)SVG_W + 20, height, ((int)SVG_W + 20) / 2,
		      height - 10, s->stacks.n, (double)s->total_ns / 1e6);
	double scale = t.v[0].ns ? SVG_W / (double)t.v[0].ns : 0;
	if (t.v[0].ns)
		draw(f, &t, 0, 10.0, 0, scale, height);
	(void)fputs("</svg>\n", f);
	free(t.v);
	return 0;
}

static int flame_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct flame_sink *s = (struct flame_sink *)base;
	(void)res;
	if (s->oom)
		(void)fputs("renacer: out of memory: the flame graph is incomplete\n", stderr);
	size_t *idx = malloc((s->stacks.n ? s->stacks.n : 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < s->stacks.n; i++)
		idx[i] = i;
	qsort_r(idx, s->stacks.n, sizeof(*idx), by_key, &s->stacks);
	int r = 0;
	if (s->svg) {
		r = write_svg(s, idx);
	} else {
		for (size_t k = 0; k < s->stacks.n; k++) {
			size_t len;
			const char *key = rn_hmap_key(&s->stacks, idx[k], &len);
			uint64_t us = *(const uint64_t *)rn_hmap_val(&s->stacks, idx[k]) / 1000;
			(void)fwrite(key, 1, len, s->f);
			/* Every call counts: a sub-microsecond one weighs 1. */
			(void)fprintf(s->f, " %llu\n", (unsigned long long)(us ? us : 1));
		}
	}
	free(idx);
	if (fflush(s->f) != 0 && r == 0)
		r = -EIO;
	return r;
}

static void flame_free(struct rn_sink *base)
{
	struct flame_sink *s = (struct flame_sink *)base;
	rn_hmap_done(&s->stacks);
	rn_buf_done(&s->key);
	free(s);
}

static const struct rn_sink_ops flame_ops = {
	.name = "flamegraph",
	.on_event = flame_event,
	.finish = flame_finish,
	.free = flame_free,
};

struct rn_sink *rn_out_flamegraph_new(FILE *f, const struct rn_options *o, bool svg)
{
	(void)o;
	struct flame_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &flame_ops;
	s->base.needs = RN_NEED_STACK | RN_NEED_TIMING;
	s->f = f;
	s->svg = svg;
	rn_hmap_init(&s->stacks, sizeof(uint64_t));
	return &s->base;
}
