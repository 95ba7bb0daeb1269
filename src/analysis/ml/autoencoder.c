// SPDX-License-Identifier: MIT
/* A small autoencoder: in -> hidden (tanh) -> in (linear). With fewer
 * hidden units than inputs it can only learn the directions the bulk of
 * the calls share, so a call unlike them comes back distorted: its
 * reconstruction error is the anomaly score, and the features that came
 * back worst are the explanation. Plain per-row SGD on the mean squared
 * error, learning rate 0.01, Xavier-uniform start from the seed. Each
 * epoch draws up to EPOCH_ROWS rows, so a 10M-call trace trains as fast
 * as a 4k-call one (the bulk is the same shape either way).
 *
 * It learns what normal looks like: inputs are centred on each feature's
 * median and scaled by its MAD (x 1.4826; the standard deviation where
 * the MAD is 0), from a sample, so a few extreme calls neither shift nor
 * squash the scale, and rows more than TRIM such units out on any such
 * feature are left out of training. A network shown the 25 slow calls of 3000
 * would spend a hidden unit on them and reconstruct them well. */
#include "analysis/ml/ml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPOCH_ROWS     4096
#define LR             0.01f
#define MAX_DIM        64
#define TRIM           6.0
#define MAX_CATEGORIES 32

void rn_ml_ae_free(struct rn_ml_ae *ae)
{
	if (!ae)
		return;
	free(ae->mean);
	free(ae->scale);
	free(ae->w1);
	free(ae->b1);
	free(ae->w2);
	free(ae->b2);
	free(ae);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static struct rn_ml_ae *ae_alloc(size_t in, size_t hidden)
{
	struct rn_ml_ae *ae = calloc(1, sizeof(*ae));
	if (!ae)
		return NULL;
	ae->in = in;
	ae->hidden = hidden;
	ae->mean = calloc(in, sizeof(float));
	ae->scale = calloc(in, sizeof(float));
	ae->w1 = calloc(hidden * in, sizeof(float));
	ae->b1 = calloc(hidden, sizeof(float));
	ae->w2 = calloc(in * hidden, sizeof(float));
	ae->b2 = calloc(in, sizeof(float));
	if (!ae->mean || !ae->scale || !ae->w1 || !ae->b1 || !ae->w2 || !ae->b2) {
		rn_ml_ae_free(ae);
		return NULL;
	}
	return ae;
}

/* Forward pass: z = standardized row, h = hidden activations, y = output. */
static void forward(const struct rn_ml_ae *ae, const float *row, float *z, float *h, float *y)
{
	size_t in = ae->in, hid = ae->hidden;
	for (size_t j = 0; j < in; j++)
		z[j] = (row[j] - ae->mean[j]) / ae->scale[j];
	for (size_t k = 0; k < hid; k++) {
		float s = ae->b1[k];
		for (size_t j = 0; j < in; j++)
			s += ae->w1[k * in + j] * z[j];
		h[k] = tanhf(s);
	}
	for (size_t j = 0; j < in; j++) {
		float s = ae->b2[j];
		for (size_t k = 0; k < hid; k++)
			s += ae->w2[j * hid + k] * h[k];
		y[j] = s;
	}
}

int rn_ml_ae_train(const struct rn_ml_matrix *x, size_t hidden, unsigned epochs, uint64_t seed,
		   struct rn_ml_ae **ret)
{
	size_t n = x->rows, in = x->cols;
	if (!n || !in || in > MAX_DIM || !hidden || hidden > MAX_DIM)
		return -EINVAL;
	struct rn_ml_ae *ae = ae_alloc(in, hidden);
	if (!ae)
		return -ENOMEM;
	struct rn_ml_rng rng;
	rn_ml_rng_seed(&rng, seed);
	size_t ns = n < EPOCH_ROWS ? n : EPOCH_ROWS;
	float *col = calloc(ns, sizeof(float));
	size_t *keep = calloc(n, sizeof(size_t));
	bool cat[MAX_DIM];
	if (!col || !keep) {
		free(col);
		free(keep);
		rn_ml_ae_free(ae);
		return -ENOMEM;
	}
	for (size_t j = 0; j < in; j++) {
		/* The same seeded sample for every feature. */
		struct rn_ml_rng pick = rng;
		for (size_t k = 0; k < ns; k++)
			col[k] = rn_ml_row(x, ns == n ? k : rn_ml_rng_below(&pick, n))[j];
		qsort(col, ns, sizeof(float), cmp_float);
		size_t distinct = ns ? 1 : 0;
		for (size_t k = 1; k < ns; k++)
			distinct += col[k] != col[k - 1];
		float med = col[ns / 2];
		for (size_t k = 0; k < ns; k++)
			col[k] = fabsf(col[k] - med);
		qsort(col, ns, sizeof(float), cmp_float);
		double scale = 1.4826 * col[ns / 2];
		/* A feature of a few values (a syscall number, an fd) is a
		 * category: its median and MAD mean little, and no value of it
		 * is "far out"; mean and deviation, and no trimming. */
		cat[j] = distinct <= MAX_CATEGORIES;
		if (cat[j] || !(scale > 1e-6)) {
			double s = 0, ss = 0;
			for (size_t i = 0; i < n; i++)
				s += rn_ml_row(x, i)[j];
			double m = s / (double)n;
			for (size_t i = 0; i < n; i++) {
				double d = rn_ml_row(x, i)[j] - m;
				ss += d * d;
			}
			scale = sqrt(ss / (double)n);
			if (cat[j])
				med = (float)m;
		}
		ae->mean[j] = med;
		ae->scale[j] = scale > 1e-6 ? (float)scale : 1.0f;
	}
	for (size_t k = 0; k < ns; k++)
		(void)rn_ml_rng_next(&rng);
	size_t nkeep = 0;
	for (size_t i = 0; i < n; i++) {
		bool ok = true;
		for (size_t j = 0; j < in && ok; j++)
			ok = cat[j] ||
			     fabsf(rn_ml_row(x, i)[j] - ae->mean[j]) <= TRIM * ae->scale[j];
		if (ok)
			keep[nkeep++] = i;
	}
	/* Mostly "outliers" means the scale says little: learn from all. */
	if (nkeep < n / 2)
		for (nkeep = 0; nkeep < n; nkeep++)
			keep[nkeep] = nkeep;
	free(col);
	float lim = sqrtf(6.0f / (float)(in + hidden));
	for (size_t k = 0; k < hidden * in; k++)
		ae->w1[k] = (float)((2 * rn_ml_rng_unit(&rng) - 1) * lim);
	for (size_t k = 0; k < in * hidden; k++)
		ae->w2[k] = (float)((2 * rn_ml_rng_unit(&rng) - 1) * lim);
	float z[MAX_DIM], h[MAX_DIM], y[MAX_DIM], dy[MAX_DIM], dh[MAX_DIM];
	size_t per = n < EPOCH_ROWS ? n : EPOCH_ROWS;
	for (unsigned e = 0; e < epochs; e++) {
		for (size_t s = 0; s < per; s++) {
			size_t i = keep[rn_ml_rng_below(&rng, nkeep)];
			forward(ae, rn_ml_row(x, i), z, h, y);
			/* d(mean sq err)/dy = 2 (y - z) / in */
			for (size_t j = 0; j < in; j++)
				dy[j] = 2.0f * (y[j] - z[j]) / (float)in;
			for (size_t k = 0; k < hidden; k++) {
				float g = 0;
				for (size_t j = 0; j < in; j++)
					g += dy[j] * ae->w2[j * hidden + k];
				dh[k] = g * (1.0f - h[k] * h[k]);
			}
			for (size_t j = 0; j < in; j++) {
				for (size_t k = 0; k < hidden; k++)
					ae->w2[j * hidden + k] -= LR * dy[j] * h[k];
				ae->b2[j] -= LR * dy[j];
			}
			for (size_t k = 0; k < hidden; k++) {
				for (size_t j = 0; j < in; j++)
					ae->w1[k * in + j] -= LR * dh[k] * z[j];
				ae->b1[k] -= LR * dh[k];
			}
		}
	}
	free(keep);
	rn_ml_ae_error_all(ae, x, NULL, true);
	*ret = ae;
	return 0;
}

double rn_ml_ae_error(const struct rn_ml_ae *ae, const float *row, double *contrib)
{
	float z[MAX_DIM], h[MAX_DIM], y[MAX_DIM];
	forward(ae, row, z, h, y);
	double total = 0;
	for (size_t j = 0; j < ae->in; j++) {
		double d = (double)y[j] - z[j];
		total += d * d;
		if (contrib)
			contrib[j] = d * d;
	}
	if (contrib)
		for (size_t j = 0; j < ae->in; j++)
			contrib[j] = total > 0 ? 100.0 * contrib[j] / total : 0;
	return total / (double)ae->in;
}

void rn_ml_ae_reconstruct(const struct rn_ml_ae *ae, const float *row, float *ret)
{
	float z[MAX_DIM], h[MAX_DIM], y[MAX_DIM];
	forward(ae, row, z, h, y);
	for (size_t j = 0; j < ae->in; j++)
		ret[j] = y[j] * ae->scale[j] + ae->mean[j];
}

void rn_ml_ae_error_all(struct rn_ml_ae *ae, const struct rn_ml_matrix *x, double *ret, bool refit)
{
	double s = 0, ss = 0;
	for (size_t i = 0; i < x->rows; i++) {
		double e = rn_ml_ae_error(ae, rn_ml_row(x, i), NULL);
		if (ret)
			ret[i] = e;
		s += e;
		ss += e * e;
	}
	if (refit && x->rows) {
		double m = s / (double)x->rows, var = ss / (double)x->rows - m * m;
		ae->err_mean = m;
		ae->err_sd = var > 0 ? sqrt(var) : 0;
	}
}
