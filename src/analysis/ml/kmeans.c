// SPDX-License-Identifier: MIT
/* k-means: k-means++ seeding (Arthur and Vassilvitskii 2007: each next
 * centre drawn with probability proportional to the squared distance to
 * the nearest centre chosen so far), then Lloyd iterations until no label
 * changes. An emptied cluster takes the row farthest from its centre, so
 * k clusters come out whenever there are k distinct rows. */
#include "analysis/ml/ml.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dist2(const float *a, const float *b, size_t dim)
{
	double s = 0;
	for (size_t j = 0; j < dim; j++) {
		double d = (double)a[j] - b[j];
		s += d * d;
	}
	return s;
}

void rn_ml_kmeans_done(struct rn_ml_kmeans *km)
{
	free(km->centers);
	free(km->labels);
	free(km->sizes);
	memset(km, 0, sizeof(*km));
}

static void seed_centres(const struct rn_ml_matrix *x, size_t k, struct rn_ml_rng *rng, float *c,
			 double *d2)
{
	size_t n = x->rows, dim = x->cols;
	memcpy(c, rn_ml_row(x, rn_ml_rng_below(rng, n)), dim * sizeof(float));
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += d2[i] = dist2(rn_ml_row(x, i), c, dim);
	for (size_t m = 1; m < k; m++) {
		size_t pick = n - 1;
		if (total > 0) {
			double t = rn_ml_rng_unit(rng) * total, acc = 0;
			for (size_t i = 0; i < n; i++) {
				acc += d2[i];
				if (acc > t && d2[i] > 0) {
					pick = i;
					break;
				}
			}
		} else {
			pick = rn_ml_rng_below(rng, n);
		}
		float *cm = c + m * dim;
		memcpy(cm, rn_ml_row(x, pick), dim * sizeof(float));
		total = 0;
		for (size_t i = 0; i < n; i++) {
			double d = dist2(rn_ml_row(x, i), cm, dim);
			if (d < d2[i])
				d2[i] = d;
			total += d2[i];
		}
	}
}

int rn_ml_kmeans(const struct rn_ml_matrix *x, size_t k, uint64_t seed, unsigned max_iter,
		 struct rn_ml_kmeans *ret)
{
	size_t n = x->rows, dim = x->cols;
	if (k == 0 || k > n || dim == 0)
		return -EINVAL;
	if (k > SIZE_MAX / sizeof(double) / dim)
		return -ENOMEM;
	struct rn_ml_kmeans km = {.k = k, .dim = dim};
	km.centers = calloc(k * dim, sizeof(float));
	km.labels = calloc(n, sizeof(uint32_t));
	km.sizes = calloc(k, sizeof(size_t));
	double *d2 = calloc(n, sizeof(double));
	double *sum = calloc(k * dim, sizeof(double));
	if (!km.centers || !km.labels || !km.sizes || !d2 || !sum) {
		free(d2);
		free(sum);
		rn_ml_kmeans_done(&km);
		return -ENOMEM;
	}
	struct rn_ml_rng rng;
	rn_ml_rng_seed(&rng, seed);
	seed_centres(x, k, &rng, km.centers, d2);
	for (size_t i = 0; i < n; i++)
		km.labels[i] = UINT32_MAX;
	for (km.iters = 0; km.iters < max_iter; km.iters++) {
		size_t changed = 0;
		km.inertia = 0;
		for (size_t i = 0; i < n; i++) {
			const float *row = rn_ml_row(x, i);
			double best = DBL_MAX;
			uint32_t lab = 0;
			for (size_t c = 0; c < k; c++) {
				double d = dist2(row, km.centers + c * dim, dim);
				if (d < best) {
					best = d;
					lab = (uint32_t)c;
				}
			}
			d2[i] = best;
			km.inertia += best;
			if (km.labels[i] != lab) {
				km.labels[i] = lab;
				changed++;
			}
		}
		if (!changed)
			break;
		memset(sum, 0, k * dim * sizeof(double));
		memset(km.sizes, 0, k * sizeof(size_t));
		for (size_t i = 0; i < n; i++) {
			const float *row = rn_ml_row(x, i);
			double *s = sum + km.labels[i] * dim;
			km.sizes[km.labels[i]]++;
			for (size_t j = 0; j < dim; j++)
				s[j] += row[j];
		}
		for (size_t c = 0; c < k; c++) {
			if (km.sizes[c]) {
				for (size_t j = 0; j < dim; j++)
					km.centers[c * dim + j] =
					    (float)(sum[c * dim + j] / (double)km.sizes[c]);
				continue;
			}
			/* Empty: restart it at the row worst served by its centre. */
			size_t far = 0;
			for (size_t i = 1; i < n; i++)
				if (d2[i] > d2[far])
					far = i;
			memcpy(km.centers + c * dim, rn_ml_row(x, far), dim * sizeof(float));
			d2[far] = 0;
		}
	}
	memset(km.sizes, 0, k * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		km.sizes[km.labels[i]]++;
	free(d2);
	free(sum);
	*ret = km;
	return 0;
}

double rn_ml_silhouette(const struct rn_ml_matrix *x, const uint32_t *labels, size_t k,
			size_t max_rows, uint64_t seed)
{
	size_t n = x->rows, dim = x->cols;
	if (n < 2 || k < 2)
		return 0;
	size_t m = n > max_rows && max_rows ? max_rows : n;
	size_t *idx = malloc(n * sizeof(size_t));
	size_t *count = calloc(k, sizeof(size_t));
	double *sumd = calloc(k, sizeof(double));
	if (!idx || !count || !sumd) {
		free(idx);
		free(count);
		free(sumd);
		return NAN;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (m < n) {
		/* The first m of a seeded Fisher-Yates shuffle. */
		struct rn_ml_rng rng;
		rn_ml_rng_seed(&rng, seed ^ 0x5151u);
		for (size_t i = 0; i < m; i++) {
			size_t j = i + rn_ml_rng_below(&rng, n - i);
			size_t t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
	}
	for (size_t a = 0; a < m; a++)
		count[labels[idx[a]]]++;
	size_t used = 0;
	for (size_t c = 0; c < k; c++)
		used += count[c] > 0;
	double total = 0;
	if (used >= 2) {
		for (size_t a = 0; a < m; a++) {
			size_t i = idx[a];
			uint32_t li = labels[i];
			if (count[li] <= 1)
				continue; /* s = 0 for a cluster of one */
			memset(sumd, 0, k * sizeof(double));
			for (size_t b = 0; b < m; b++)
				if (b != a)
					sumd[labels[idx[b]]] +=
					    sqrt(dist2(rn_ml_row(x, i), rn_ml_row(x, idx[b]), dim));
			double ai = sumd[li] / (double)(count[li] - 1), bi = DBL_MAX;
			for (size_t c = 0; c < k; c++)
				if (c != li && count[c] && sumd[c] / (double)count[c] < bi)
					bi = sumd[c] / (double)count[c];
			double mx = ai > bi ? ai : bi;
			total += mx > 0 ? (bi - ai) / mx : 0;
		}
	}
	free(idx);
	free(count);
	free(sumd);
	return used >= 2 ? total / (double)m : 0;
}
