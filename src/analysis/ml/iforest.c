// SPDX-License-Identifier: MIT
/* Isolation forest (Liu, Ting and Zhou, ICDM 2008). Each tree is grown on
 * a random subsample (without replacement) by splitting on a random
 * feature at a threshold drawn uniformly between the node's minimum and
 * maximum of it, until a node holds one row, its rows are all alike, or
 * the depth limit ceil(log2(subsample)) is reached. Rare values are cut
 * off close to the root, so a short average path means an outlier:
 * score = 2^(-E[h(x)] / c(psi)), where h counts the edges to the leaf plus
 * c(leaf size) for the rows the leaf did not separate.
 *
 * Only features that vary within a node are drawn: a constant one cannot
 * split it, and drawing it anyway would just lengthen every path alike. */
#include "analysis/ml/ml.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EULER_GAMMA 0.5772156649015329

/* c(n) for the leaf sizes scoring meets (every subsample up to 1024),
 * computed once: scoring 10M rows x 100 trees must not sum harmonic series. */
#define C_TABLE 1024
static double c_table[C_TABLE];
static pthread_once_t c_once = PTHREAD_ONCE_INIT;

static double c_exact(size_t n);

static void c_init(void)
{
	for (size_t n = 0; n < C_TABLE; n++)
		c_table[n] = c_exact(n);
}

double rn_ml_iforest_c(size_t n)
{
	if (n < C_TABLE) {
		(void)pthread_once(&c_once, c_init);
		return c_table[n];
	}
	return c_exact(n);
}

static double c_exact(size_t n)
{
	if (n <= 1)
		return 0;
	/* H(m) exactly for small m, else ln m + gamma + 1/2m - 1/12m^2, which
	 * is within 1e-12 of it from m = 1000 on. */
	size_t m = n - 1;
	double h = 0;
	if (m < 1000) {
		for (size_t i = 1; i <= m; i++)
			h += 1.0 / (double)i;
	} else {
		double dm = (double)m;
		h = log(dm) + EULER_GAMMA + 1.0 / (2 * dm) - 1.0 / (12 * dm * dm);
	}
	return 2.0 * h - 2.0 * (double)(n - 1) / (double)n;
}

void rn_ml_iforest_free(struct rn_ml_iforest *f)
{
	if (!f)
		return;
	free(f->root);
	free(f->nodes);
	free(f);
}

static int new_node(struct rn_ml_iforest *f, uint32_t *ret)
{
	if (f->nnodes == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		if (cap > UINT32_MAX || cap > SIZE_MAX / sizeof(*f->nodes))
			return -ENOMEM;
		struct rn_ml_inode *n = realloc(f->nodes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		f->nodes = n;
		f->cap = cap;
	}
	*ret = (uint32_t)f->nnodes++;
	f->nodes[*ret] = (struct rn_ml_inode){.feature = -1};
	return 0;
}

struct grow {
	struct rn_ml_iforest *f;
	const float *rows; /* psi x dim, the subsample */
	struct rn_ml_rng *rng;
	unsigned limit;
	float *lo, *hi; /* dim scratch */
	size_t *cand;   /* dim scratch */
};

/* Grow a node over idx[0..n): returns 0 or -ENOMEM, the node in *ret. */
static int grow(struct grow *g, size_t *idx, size_t n, unsigned depth, uint32_t *ret)
{
	struct rn_ml_iforest *f = g->f;
	size_t dim = f->dim;
	uint32_t me;
	int r = new_node(f, &me);
	if (r < 0)
		return r;
	f->nodes[me].size = (uint32_t)n;
	*ret = me;
	if (n <= 1 || depth >= g->limit)
		return 0;
	for (size_t j = 0; j < dim; j++) {
		g->lo[j] = INFINITY;
		g->hi[j] = -INFINITY;
	}
	for (size_t a = 0; a < n; a++) {
		const float *row = g->rows + idx[a] * dim;
		for (size_t j = 0; j < dim; j++) {
			if (row[j] < g->lo[j])
				g->lo[j] = row[j];
			if (row[j] > g->hi[j])
				g->hi[j] = row[j];
		}
	}
	size_t nc = 0;
	for (size_t j = 0; j < dim; j++)
		if (g->lo[j] < g->hi[j])
			g->cand[nc++] = j;
	if (!nc)
		return 0; /* all rows alike */
	size_t feat = g->cand[rn_ml_rng_below(g->rng, nc)];
	float lo = g->lo[feat], hi = g->hi[feat];
	float t = (float)(lo + rn_ml_rng_unit(g->rng) * ((double)hi - lo));
	/* Rounding to float may land on lo; then nothing would go left. */
	if (!(t > lo))
		t = nextafterf(lo, hi);
	size_t nl = 0;
	for (size_t a = 0; a < n; a++) {
		if (g->rows[idx[a] * dim + feat] < t) {
			size_t tmp = idx[nl];
			idx[nl++] = idx[a];
			idx[a] = tmp;
		}
	}
	uint32_t left, right;
	r = grow(g, idx, nl, depth + 1, &left);
	if (r == 0)
		r = grow(g, idx + nl, n - nl, depth + 1, &right);
	if (r < 0)
		return r;
	/* f->nodes may have moved while the children grew. */
	struct rn_ml_inode *node = &f->nodes[me];
	node->feature = (int32_t)feat;
	node->threshold = t;
	node->left = left;
	node->right = right;
	return 0;
}

int rn_ml_iforest_fit(const struct rn_ml_matrix *x, size_t ntrees, size_t subsample, uint64_t seed,
		      struct rn_ml_iforest **ret)
{
	size_t n = x->rows, dim = x->cols;
	if (!n || !dim || !ntrees || !subsample)
		return -EINVAL;
	size_t psi = subsample < n ? subsample : n;
	struct rn_ml_iforest *f = calloc(1, sizeof(*f));
	float *rows = calloc(psi * dim, sizeof(float));
	size_t *idx = calloc(psi, sizeof(size_t)), *pick = calloc(psi, sizeof(size_t));
	float *lo = calloc(dim, sizeof(float)), *hi = calloc(dim, sizeof(float));
	size_t *cand = calloc(dim, sizeof(size_t));
	int r = -ENOMEM;
	if (!f || !rows || !idx || !pick || !lo || !hi || !cand)
		goto out;
	f->ntrees = ntrees;
	f->dim = dim;
	f->subsample = psi;
	f->root = calloc(ntrees, sizeof(size_t));
	if (!f->root)
		goto out;
	struct rn_ml_rng rng;
	rn_ml_rng_seed(&rng, seed);
	unsigned limit = 0;
	while (((size_t)1 << limit) < psi)
		limit++;
	struct grow g = {f, rows, &rng, limit, lo, hi, cand};
	for (size_t t = 0; t < ntrees; t++) {
		/* psi distinct rows: redraw duplicates (psi is small, usually 256). */
		if (psi == n) {
			for (size_t a = 0; a < psi; a++)
				pick[a] = a;
		} else {
			for (size_t a = 0; a < psi; a++) {
				size_t i;
				bool dup;
				do {
					i = rn_ml_rng_below(&rng, n);
					dup = false;
					for (size_t b = 0; b < a && !dup; b++)
						dup = pick[b] == i;
				} while (dup);
				pick[a] = i;
			}
		}
		for (size_t a = 0; a < psi; a++) {
			memcpy(rows + a * dim, rn_ml_row(x, pick[a]), dim * sizeof(float));
			idx[a] = a;
		}
		uint32_t root;
		r = grow(&g, idx, psi, 0, &root);
		if (r < 0)
			goto out;
		f->root[t] = root;
	}
	*ret = f;
	f = NULL;
	r = 0;
out:
	rn_ml_iforest_free(f);
	free(rows);
	free(idx);
	free(pick);
	free(lo);
	free(hi);
	free(cand);
	return r;
}

double rn_ml_iforest_path(const struct rn_ml_iforest *f, const float *row)
{
	double total = 0;
	for (size_t t = 0; t < f->ntrees; t++) {
		const struct rn_ml_inode *node = &f->nodes[f->root[t]];
		unsigned depth = 0;
		while (node->feature >= 0) {
			node = &f->nodes[row[node->feature] < node->threshold ? node->left
									      : node->right];
			depth++;
		}
		total += depth + rn_ml_iforest_c(node->size);
	}
	return total / (double)f->ntrees;
}

double rn_ml_iforest_score(const struct rn_ml_iforest *f, const float *row)
{
	double c = rn_ml_iforest_c(f->subsample);
	return pow(2.0, -rn_ml_iforest_path(f, row) / (c > 0 ? c : 1.0));
}

/* For scoring, each tree is laid out again breadth-first, so a node's two
 * children sit side by side: a step is child + (go right), without a
 * branch, and a block of rows walks a tree a level at a time, their loads
 * independent of each other. The sums are taken tree by tree in order, as
 * rn_ml_iforest_path() does, so scores are bit for bit the same. */
struct flat {
	size_t ntrees, nnodes;
	unsigned maxdepth;
	uint32_t *root;	  /* ntrees */
	int32_t *child;	  /* left child; the right is child + 1; a leaf: itself */
	int32_t *feat;	  /* 0 for leaves (unused) */
	int32_t *internal; /* -1 for a split, 0 for a leaf (a lane mask) */
	float *thr;
	double *leafc; /* c(size) at leaves */
};

static void flat_free(struct flat *fl)
{
	free(fl->root);
	free(fl->child);
	free(fl->feat);
	free(fl->internal);
	free(fl->thr);
	free(fl->leafc);
}

static int flat_build(const struct rn_ml_iforest *f, struct flat *fl)
{
	memset(fl, 0, sizeof(*fl));
	size_t n = f->nnodes;
	fl->ntrees = f->ntrees;
	fl->root = malloc(f->ntrees * sizeof(*fl->root));
	fl->child = malloc(n * sizeof(*fl->child));
	fl->feat = malloc(n * sizeof(*fl->feat));
	fl->internal = malloc(n * sizeof(*fl->internal));
	fl->thr = malloc(n * sizeof(*fl->thr));
	fl->leafc = malloc(n * sizeof(*fl->leafc));
	uint32_t *queue = malloc(n * sizeof(*queue));
	unsigned *depth = malloc(n * sizeof(*depth));
	if (!fl->root || !fl->child || !fl->feat || !fl->internal || !fl->thr || !fl->leafc || !queue ||
	    !depth || n > INT32_MAX) {
		free(queue);
		free(depth);
		flat_free(fl);
		return -ENOMEM;
	}
	size_t out = 0;
	for (size_t t = 0; t < f->ntrees; t++) {
		/* queue[k]: the old index of new node base+k, in BFS order. */
		size_t head = 0, tail = 0, base = out;
		queue[tail] = (uint32_t)f->root[t];
		depth[tail++] = 0;
		fl->root[t] = (uint32_t)base;
		while (head < tail) {
			const struct rn_ml_inode *nd = &f->nodes[queue[head]];
			size_t me = base + head;
			if (depth[head] > fl->maxdepth)
				fl->maxdepth = depth[head];
			if (nd->feature >= 0 && base + tail + 2 <= n) {
				fl->child[me] = (int32_t)(base + tail);
				fl->feat[me] = nd->feature;
				fl->internal[me] = -1;
				fl->thr[me] = nd->threshold;
				fl->leafc[me] = 0;
				queue[tail] = nd->left;
				depth[tail++] = depth[head] + 1;
				queue[tail] = nd->right;
				depth[tail++] = depth[head] + 1;
			} else {
				fl->child[me] = (int32_t)me;
				fl->feat[me] = 0;
				fl->internal[me] = 0;
				fl->thr[me] = 0;
				fl->leafc[me] = rn_ml_iforest_c(nd->size);
			}
			head++;
		}
		out = base + tail;
	}
	fl->nnodes = out;
	free(queue);
	free(depth);
	return 0;
}

#define BLOCK 32

static void score_block(const struct flat *fl, const struct rn_ml_matrix *x, size_t from, size_t cnt,
			double c_sub, double *out)
{
	double total[BLOCK] = { 0 };
	int32_t cur[BLOCK];
	unsigned dep[BLOCK];
	const float *rows[BLOCK];
	for (size_t r = 0; r < cnt; r++)
		rows[r] = rn_ml_row(x, from + r);
	for (size_t t = 0; t < fl->ntrees; t++) {
		for (size_t r = 0; r < cnt; r++) {
			cur[r] = (int32_t)fl->root[t];
			dep[r] = 0;
		}
		for (unsigned d = 0; d < fl->maxdepth; d++)
			for (size_t r = 0; r < cnt; r++) {
				int32_t c = cur[r];
				int32_t next = fl->child[c] + !(rows[r][fl->feat[c]] < fl->thr[c]);
				dep[r] += fl->internal[c] & 1;
				cur[r] = fl->internal[c] ? next : c;
			}
		for (size_t r = 0; r < cnt; r++)
			total[r] += dep[r] + fl->leafc[cur[r]];
	}
	for (size_t r = 0; r < cnt; r++)
		out[from + r] = pow(2.0, -(total[r] / (double)fl->ntrees) / c_sub);
}

/* The common case, all values finite and at most 8 features: a node in 8
 * bytes {threshold, child << 3 | feature}, a leaf that keeps a row where
 * it is (threshold +inf, child itself), and each leaf's whole path length
 * (depth + c(size)) in a table: a step is a load, a compare and an add. */
struct pnode {
	float thr;
	uint32_t fc;
};

static int pack(const struct flat *fl, struct pnode **ret_nodes, double **ret_path)
{
	if (fl->nnodes >= (1u << 29))
		return -1;
	struct pnode *p = malloc(fl->nnodes * sizeof(*p));
	double *path = malloc(fl->nnodes * sizeof(*path));
	unsigned *depth = calloc(fl->nnodes, sizeof(*depth));
	if (!p || !path || !depth) {
		free(p);
		free(path);
		free(depth);
		return -1;
	}
	/* Breadth-first order: a parent comes before its children. */
	for (size_t i = 0; i < fl->nnodes; i++) {
		if (fl->internal[i]) {
			p[i] = (struct pnode){ fl->thr[i], (uint32_t)fl->child[i] << 3 | (uint32_t)fl->feat[i] };
			depth[fl->child[i]] = depth[fl->child[i] + 1] = depth[i] + 1;
		} else {
			p[i] = (struct pnode){ INFINITY, (uint32_t)i << 3 };
		}
		path[i] = fl->internal[i] ? 0 : depth[i] + fl->leafc[i];
	}
	free(depth);
	*ret_nodes = p;
	*ret_path = path;
	return 0;
}

static void score_packed(const struct flat *fl, const struct pnode *pn, const double *path,
			 const struct rn_ml_matrix *x, size_t from, size_t cnt, double c_sub, double *out)
{
	double total[BLOCK] = { 0 };
	uint32_t cur[BLOCK];
	const float *base = rn_ml_row(x, from);
	size_t cols = x->cols;
	for (size_t t = 0; t < fl->ntrees; t++) {
		for (size_t r = 0; r < cnt; r++)
			cur[r] = fl->root[t];
		for (unsigned d = 0; d < fl->maxdepth; d++)
			for (size_t r = 0; r < cnt; r++) {
				struct pnode nd = pn[cur[r]];
				cur[r] = (nd.fc >> 3) + (uint32_t)(base[r * cols + (nd.fc & 7)] >= nd.thr);
			}
		for (size_t r = 0; r < cnt; r++)
			total[r] += path[cur[r]];
	}
	for (size_t r = 0; r < cnt; r++)
		out[from + r] = pow(2.0, -(total[r] / (double)fl->ntrees) / c_sub);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX512_PATH 1
#define TOP_LEVELS 5 /* a tree's nodes above depth 5: at most 31, one 32-entry table */

/* The first TOP_LEVELS levels of every tree, 16 rows at a time with
 * AVX-512 permutes (no gathers: those are slow on CPUs with the
 * gather-data-sampling fix): per tree two 32-entry tables, thresholds and
 * child << 3 | feature, indexed by the node's place in the tree. The rest
 * of the walk is score_packed's; the same steps, so the same scores. */
struct top {
	float thr[32];	 /* +inf past the tree's top nodes and at leaves */
	uint32_t fc[32]; /* child (in the tree) << 3 | feature; a leaf: itself << 3 */
};

static struct top *top_build(const struct flat *fl, const struct pnode *pn)
{
	struct top *tp = aligned_alloc(64, fl->ntrees * sizeof(*tp));
	if (!tp)
		return NULL;
	for (size_t t = 0; t < fl->ntrees; t++) {
		uint32_t root = fl->root[t];
		size_t end = t + 1 < fl->ntrees ? fl->root[t + 1] : fl->nnodes;
		for (uint32_t k = 0; k < 32; k++) {
			tp[t].thr[k] = INFINITY;
			tp[t].fc[k] = k << 3;
			if (root + k < end) {
				const struct pnode *nd = &pn[root + k];
				tp[t].thr[k] = nd->thr;
				tp[t].fc[k] = ((nd->fc >> 3) - root) << 3 | (nd->fc & 7);
			}
		}
	}
	return tp;
}

__attribute__((target("avx512f"))) static void score16_avx512(const struct flat *fl, const struct top *tp,
							       const struct pnode *pn, const double *path,
							       const struct rn_ml_matrix *x, size_t from,
							       double c_sub, double *out)
{
	float col[8][16] __attribute__((aligned(64)));
	size_t cols = x->cols;
	for (size_t r = 0; r < 16; r++) {
		const float *row = rn_ml_row(x, from + r);
		for (size_t f = 0; f < 8; f++)
			col[f][r] = f < cols ? row[f] : 0.0f;
	}
	__m512 xv[8];
	for (int f = 0; f < 8; f++)
		xv[f] = _mm512_load_ps(col[f]);
	const __m512i seven = _mm512_set1_epi32(7), one = _mm512_set1_epi32(1);
	unsigned levels = fl->maxdepth < TOP_LEVELS ? fl->maxdepth : TOP_LEVELS;
	double total[16] = { 0 };
	uint32_t li[16] __attribute__((aligned(64)));
	for (size_t t = 0; t < fl->ntrees; t++) {
		const __m512 t0 = _mm512_load_ps(tp[t].thr), t1 = _mm512_load_ps(tp[t].thr + 16);
		const __m512i f0 = _mm512_load_si512(tp[t].fc), f1 = _mm512_load_si512(tp[t].fc + 16);
		__m512i cur = _mm512_setzero_si512();
		for (unsigned d = 0; d < levels; d++) {
			__m512 th = _mm512_permutex2var_ps(t0, cur, t1);
			__m512i fc = _mm512_permutex2var_epi32(f0, cur, f1);
			__m512i ft = _mm512_and_si512(fc, seven);
			__m512 v = xv[0];
			for (int f = 1; f < 8 && (size_t)f < cols; f++)
				v = _mm512_mask_mov_ps(v, _mm512_cmpeq_epi32_mask(ft, _mm512_set1_epi32(f)), xv[f]);
			__mmask16 ge = _mm512_cmp_ps_mask(v, th, _CMP_GE_OQ);
			__m512i child = _mm512_srli_epi32(fc, 3);
			cur = _mm512_mask_add_epi32(child, ge, child, one);
		}
		_mm512_store_si512(li, cur);
		uint32_t root = fl->root[t];
		for (size_t r = 0; r < 16; r++) {
			uint32_t c = root + li[r];
			for (unsigned d = levels; d < fl->maxdepth; d++) {
				struct pnode nd = pn[c];
				c = (nd.fc >> 3) + (uint32_t)(col[nd.fc & 7][r] >= nd.thr);
			}
			total[r] += path[c];
		}
	}
	for (size_t r = 0; r < 16; r++)
		out[from + r] = pow(2.0, -(total[r] / (double)fl->ntrees) / c_sub);
}
#endif

struct score_job {
	const struct flat *fl;
	const struct rn_ml_matrix *x;
	double *out;
	double c_sub;
	size_t from, to;
	const struct pnode *pn; /* the packed walk, or NULL */
	const double *path;
	const void *top;	/* AVX-512 tables for the packed walk's first levels, or NULL */
};

static void *score_range(void *arg)
{
	struct score_job *j = arg;
	size_t i = j->from;
	if (j->pn) {
#ifdef HAVE_AVX512_PATH
		if (j->top)
			for (; i + 16 <= j->to; i += 16)
				score16_avx512(j->fl, j->top, j->pn, j->path, j->x, i, j->c_sub, j->out);
#endif
		for (; i < j->to; i += BLOCK)
			score_packed(j->fl, j->pn, j->path, j->x, i, j->to - i < BLOCK ? j->to - i : BLOCK,
				     j->c_sub, j->out);
		return NULL;
	}
	for (; i < j->to; i += BLOCK)
		score_block(j->fl, j->x, i, j->to - i < BLOCK ? j->to - i : BLOCK, j->c_sub, j->out);
	return NULL;
}

#define MAX_THREADS 16

int rn_ml_iforest_score_all(const struct rn_ml_iforest *f, const struct rn_ml_matrix *x,
			    double *ret)
{
	size_t n = x->rows;
	struct flat fl;
	if (flat_build(f, &fl) < 0)
		return -ENOMEM;
	double c_sub = rn_ml_iforest_c(f->subsample);
	if (!(c_sub > 0))
		c_sub = 1.0;
	/* The packed walk needs finite values: a NaN compares false either way
	 * and would leave a leaf; the tables must fit. */
	struct pnode *pn = NULL;
	double *path = NULL;
	bool finite = x->cols <= 8;
	for (size_t i = 0; finite && i < n * x->cols; i++)
		finite = isfinite(x->v[i]);
	if (!finite || pack(&fl, &pn, &path) < 0)
		pn = NULL;
	void *top = NULL;
#ifdef HAVE_AVX512_PATH
	if (pn && __builtin_cpu_supports("avx512f") && !getenv("RENACER_NO_AVX512"))
		top = top_build(&fl, pn);
#endif
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = n < 65536 || cpus < 2 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
	struct score_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	size_t started = 0;
	for (size_t k = 0; k < nt; k++)
		jobs[k] = (struct score_job){&fl, x, ret, c_sub, n * k / nt, n * (k + 1) / nt, pn, path, top};
	/* Each row's score depends only on the row, so the split is invisible
	 * in the result; a thread that cannot start leaves its share to us. */
	for (size_t k = 1; k < nt; k++) {
		if (pthread_create(&tid[k], NULL, score_range, &jobs[k]) != 0)
			break;
		started = k;
	}
	(void)score_range(&jobs[0]);
	for (size_t k = started + 1; k < nt; k++)
		(void)score_range(&jobs[k]);
	for (size_t k = 1; k <= started; k++)
		(void)pthread_join(tid[k], NULL);
	free(top);
	free(pn);
	free(path);
	flat_free(&fl);
	return 0;
}

void rn_ml_iforest_explain(const struct rn_ml_iforest *f, const float *row,
			   struct rn_ml_iexplain *ret)
{
	double total = 0;
	for (size_t j = 0; j < f->dim; j++)
		ret[j] = (struct rn_ml_iexplain){0, 0, -INFINITY, INFINITY};
	for (size_t t = 0; t < f->ntrees; t++) {
		const struct rn_ml_inode *node = &f->nodes[f->root[t]];
		while (node->feature >= 0) {
			bool left = row[node->feature] < node->threshold;
			const struct rn_ml_inode *next = &f->nodes[left ? node->left : node->right];
			struct rn_ml_iexplain *e = &ret[node->feature];
			/* The rows this split sent the other way: its share of
			 * the work of isolating row. */
			double cut =
			    node->size ? (double)(node->size - next->size) / node->size : 0;
			e->importance += cut;
			*(left ? &e->cut_below : &e->cut_above) += cut;
			total += cut;
			e->splits++;
			if (left && node->threshold < e->below)
				e->below = node->threshold;
			if (!left && node->threshold > e->above)
				e->above = node->threshold;
			node = next;
		}
	}
	for (size_t j = 0; j < f->dim; j++)
		ret[j].importance = total > 0 ? 100.0 * ret[j].importance / total : 0;
}
