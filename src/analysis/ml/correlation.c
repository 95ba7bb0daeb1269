// SPDX-License-Identifier: MIT
/* The matrix type, the random generator, and correlation: columns are
 * centred and scaled to unit norm (in double, then stored as float), so
 * Z^T Z is the correlation matrix. That product is the "HPU" path: one
 * cblas_sgemm, which OpenBLAS runs with SIMD kernels on all its threads.
 * The plain loop is the same sum written out, kept to check the BLAS path
 * and to measure what it buys (bench/run.py --suite ml). */
#include "analysis/ml/ml.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>

int rn_ml_matrix_init(struct rn_ml_matrix *m, size_t rows, size_t cols)
{
	m->rows = m->cols = 0;
	m->v = NULL;
	if (cols && rows > SIZE_MAX / sizeof(float) / cols)
		return -ENOMEM;
	size_t n = rows * cols;
	m->v = calloc(n ? n : 1, sizeof(float));
	if (!m->v)
		return -ENOMEM;
	m->rows = rows;
	m->cols = cols;
	return 0;
}

void rn_ml_matrix_done(struct rn_ml_matrix *m)
{
	free(m->v);
	m->v = NULL;
	m->rows = m->cols = 0;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rn_ml_rng_seed(struct rn_ml_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rn_ml_rng_next(struct rn_ml_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double rn_ml_rng_unit(struct rn_ml_rng *r)
{
	return (double)(rn_ml_rng_next(r) >> 11) * 0x1.0p-53;
}

size_t rn_ml_rng_below(struct rn_ml_rng *r, size_t n)
{
	/* Lemire's multiply-shift; the bias (n / 2^64) is far below anything
	 * these analyses could notice. */
	return (size_t)(((unsigned __int128)rn_ml_rng_next(r) * n) >> 64);
}

/* OpenBLAS is loaded on first use, not at start-up: it costs every run
 * some 2 ms (and threads) to load, and only the analyses use it. */
static __typeof__(cblas_sgemm) *blas_sgemm;
static __typeof__(openblas_get_num_threads) *blas_nthreads;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void blas_load(void)
{
	void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	blas_sgemm = (__typeof__(blas_sgemm))dlsym(h, "cblas_sgemm");
	blas_nthreads = (__typeof__(blas_nthreads))dlsym(h, "openblas_get_num_threads");
	if (!blas_sgemm || !blas_nthreads)
		blas_sgemm = NULL;
}

int rn_ml_blas_threads(void)
{
	(void)pthread_once(&blas_once, blas_load);
	return blas_sgemm ? blas_nthreads() : 0;
}

/* z = standardized copy of x: each column minus its mean, over its norm. */
static int standardize(const struct rn_ml_matrix *x, struct rn_ml_matrix *z)
{
	size_t n = x->rows, p = x->cols;
	int r = rn_ml_matrix_init(z, n, p);
	double *mean = calloc(p ? p : 1, sizeof(double)), *ss = calloc(p ? p : 1, sizeof(double));
	if (r < 0 || !mean || !ss) {
		free(mean);
		free(ss);
		rn_ml_matrix_done(z);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const float *row = rn_ml_row(x, i);
		for (size_t j = 0; j < p; j++)
			mean[j] += row[j];
	}
	for (size_t j = 0; j < p; j++)
		mean[j] /= n ? (double)n : 1.0;
	for (size_t i = 0; i < n; i++) {
		const float *row = rn_ml_row(x, i);
		for (size_t j = 0; j < p; j++) {
			double d = row[j] - mean[j];
			ss[j] += d * d;
		}
	}
	for (size_t j = 0; j < p; j++)
		ss[j] = ss[j] > 0 ? 1.0 / sqrt(ss[j]) : 0.0;
	for (size_t i = 0; i < n; i++) {
		const float *row = rn_ml_row(x, i);
		float *out = rn_ml_row(z, i);
		for (size_t j = 0; j < p; j++)
			out[j] = (float)((row[j] - mean[j]) * ss[j]);
	}
	free(mean);
	free(ss);
	return 0;
}

int rn_ml_gram_blas(const float *z, size_t n, size_t p, float *ret)
{
	(void)pthread_once(&blas_once, blas_load);
	if (!blas_sgemm || !n || !p || n > 0x7fffffff || p > 0x7fffffff)
		return -1;
	/* ret (p x p) = Z^T (p x n) * Z (n x p), Z row-major n x p. */
	blas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)p, (int)p, (int)n, 1.0f, z, (int)p, z,
		   (int)p, 0.0f, ret, (int)p);
	return 0;
}

static void gram_loop(const struct rn_ml_matrix *z, float *ret)
{
	size_t n = z->rows, p = z->cols;
	memset(ret, 0, p * p * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		const float *row = rn_ml_row(z, i);
		for (size_t a = 0; a < p; a++) {
			float va = row[a];
			float *out = ret + a * p;
			for (size_t b = 0; b < p; b++)
				out[b] += va * row[b];
		}
	}
}

int rn_ml_correlation(const struct rn_ml_matrix *x, float *ret, enum rn_ml_engine engine, char *used,
		      size_t usedlen)
{
	struct rn_ml_matrix z;
	size_t n = x->rows, p = x->cols;
	char tmp[256];
	if (!used) {
		used = tmp;
		usedlen = sizeof(tmp);
	}
	if (standardize(x, &z) < 0)
		return -ENOMEM;
	bool done = false;
	/* Below this a GPU cannot pay whatever it is: the CPU is done within
	 * about a millisecond, less than one round trip over the bus with a
	 * context to set up. Not even probing it (loading the CUDA libraries
	 * takes tens of milliseconds) keeps small analyses fast. */
	double flops = 2.0 * (double)n * (double)p * (double)p;
	if (engine == RN_ML_AUTO && n && p && flops < RN_ML_GPU_MIN_FLOPS) {
		(void)snprintf(used, usedlen, "GPU not used: the product (%.0f flops) is too small to pay "
					      "for the transfers; ", flops);
	} else if (engine == RN_ML_AUTO && n && p) {
		const char *why;
		double g = 0, c = 0;
		if (!rn_ml_gpu_available(&why)) {
			(void)snprintf(used, usedlen, "GPU not used: %s; ", why);
		} else if (!rn_ml_gpu_pays(n, p, &g, &c)) {
			if (g > 0)
				(void)snprintf(used, usedlen,
					       "GPU not used: %s would take %.3f ms with the transfers, the CPU %.3f ms; ",
					       why, g * 1e3, c * 1e3);
			else /* calibration failed: why says so */
				(void)snprintf(used, usedlen, "GPU not used: %s; ", why);
		} else if (rn_ml_gpu_gram(z.v, n, p, ret, NULL, NULL) == 0) {
			(void)snprintf(used, usedlen, "GPU (cuBLAS, %s: %.3f ms predicted with the transfers, "
						      "the CPU %.3f ms)", why, g * 1e3, c * 1e3);
			done = true;
		} else {
			(void)snprintf(used, usedlen, "GPU failed (%s); ", why);
		}
	} else if (used) {
		used[0] = '\0';
	}
	size_t l = strnlen(used, usedlen);
	if (!done && engine != RN_ML_LOOP && rn_ml_gram_blas(z.v, n, p, ret) == 0) {
		(void)snprintf(used + l, usedlen - l, "CPU (OpenBLAS, %d thread%s)", rn_ml_blas_threads(),
			       rn_ml_blas_threads() == 1 ? "" : "s");
		done = true;
	}
	if (!done) {
		gram_loop(&z, ret);
		(void)snprintf(used + l, usedlen - l, "CPU (plain loop%s)",
			       engine == RN_ML_LOOP ? "" : ": libopenblas.so.0 not found");
	}
	/* A constant column has a zero norm: no correlation with anything,
	 * and 1 with itself by convention. Rounding can push |r| past 1. */
	for (size_t a = 0; a < p; a++) {
		ret[a * p + a] = 1.0f;
		for (size_t b = 0; b < p; b++) {
			float *c = &ret[a * p + b];
			if (*c > 1.0f)
				*c = 1.0f;
			else if (*c < -1.0f)
				*c = -1.0f;
		}
	}
	rn_ml_matrix_done(&z);
	return 0;
}
