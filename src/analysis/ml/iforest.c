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

double rn_ml_iforest_c(size_t n)
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

struct score_job {
	const struct rn_ml_iforest *f;
	const struct rn_ml_matrix *x;
	double *out;
	size_t from, to;
};

static void *score_range(void *arg)
{
	struct score_job *j = arg;
	for (size_t i = j->from; i < j->to; i++)
		j->out[i] = rn_ml_iforest_score(j->f, rn_ml_row(j->x, i));
	return NULL;
}

#define MAX_THREADS 16

int rn_ml_iforest_score_all(const struct rn_ml_iforest *f, const struct rn_ml_matrix *x,
			    double *ret)
{
	size_t n = x->rows;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = n < 65536 || cpus < 2 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (size_t)cpus;
	struct score_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	size_t started = 0;
	for (size_t k = 0; k < nt; k++)
		jobs[k] = (struct score_job){f, x, ret, n * k / nt, n * (k + 1) / nt};
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
