// SPDX-License-Identifier: MIT
#pragma once
/* Machine-learning building blocks for the analyses (--hpu-analysis,
 * --ml-anomaly, --ml-outliers, --dl-anomaly): a dense float matrix, a
 * seeded random generator, correlation (OpenBLAS sgemm, and a plain loop
 * to check it against), k-means with k-means++ seeding and the silhouette
 * score, an isolation forest that explains its scores, a one-hidden-layer
 * autoencoder, and the model file (docs/ml-models.md). Every result is a
 * function of the input and the seed only. Not thread-safe, except that
 * scoring a fitted forest may use worker threads internally. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

/* A dense matrix of rows x cols floats, row-major. */
struct rn_ml_matrix {
	size_t rows, cols;
	float *v;
};

/* Allocate a zeroed rows x cols matrix. Returns 0 or -ENOMEM. */
int rn_ml_matrix_init(struct rn_ml_matrix *m, size_t rows, size_t cols);
void rn_ml_matrix_done(struct rn_ml_matrix *m);
static inline float *rn_ml_row(const struct rn_ml_matrix *m, size_t r)
{
	return m->v + r * m->cols;
}

/* xoshiro256** seeded through splitmix64: small, fast, reproducible. */
struct rn_ml_rng {
	uint64_t s[4];
};
void rn_ml_rng_seed(struct rn_ml_rng *r, uint64_t seed);
uint64_t rn_ml_rng_next(struct rn_ml_rng *r);
/* Uniform in [0, 1). */
double rn_ml_rng_unit(struct rn_ml_rng *r);
/* Uniform in [0, n), n > 0. */
size_t rn_ml_rng_below(struct rn_ml_rng *r, size_t n);

/* --- correlation --- */

/* How a correlation's product Z^T Z is computed. */
enum rn_ml_engine {
	RN_ML_LOOP, /* the plain triple loop */
	RN_ML_BLAS, /* OpenBLAS cblas_sgemm (the loop when libopenblas.so.0 is missing) */
	RN_ML_AUTO, /* a CUDA GPU through cuBLAS when there is one and its measured cost,
		     * transfers included, beats OpenBLAS's for this size; else as BLAS.
		     * Products under RN_ML_GPU_MIN_FLOPS do not even probe for one. */
};
#define RN_ML_GPU_MIN_FLOPS 1e8

/* Pearson correlation between the columns of x into ret (cols x cols,
 * row-major). Columns are standardized, then ret = Z^T Z on the engine.
 * A constant column correlates 0 with every other and 1 with itself.
 * used (usedlen bytes, may be NULL) says what ran and why. Returns 0 or
 * -ENOMEM. */
int rn_ml_correlation(const struct rn_ml_matrix *x, float *ret, enum rn_ml_engine engine, char *used,
		      size_t usedlen);
/* How many threads OpenBLAS runs on; 0 when libopenblas.so.0 could not be
 * loaded (it is loaded on first use; correlation then uses the loop). */
int rn_ml_blas_threads(void);
/* ret (p x p) = Z^T Z of row-major z (n x p) with OpenBLAS; -1 without it. */
int rn_ml_gram_blas(const float *z, size_t n, size_t p, float *ret);

/* The GPU (gpu.c): whether a CUDA device and the CUDA runtime and cuBLAS
 * libraries are there (*why: which device, or why not); the product on it
 * (times of the transfers and of the computation); and whether, by the
 * rates measured once per process, it beats OpenBLAS for an n x p product
 * (the predicted seconds of each). */
bool rn_ml_gpu_available(const char **why);
int rn_ml_gpu_gram(const float *z, size_t n, size_t p, float *ret, double *xfer_s, double *compute_s);
bool rn_ml_gpu_pays(size_t n, size_t p, double *gpu_s, double *cpu_s);

/* --- k-means --- */

struct rn_ml_kmeans {
	size_t k, dim;
	float *centers;   /* k x dim */
	uint32_t *labels; /* one per row */
	size_t *sizes;    /* rows per cluster */
	unsigned iters;   /* Lloyd iterations run */
	double inertia;   /* sum of squared distances to the centres */
};

/* Lloyd's k-means on the rows of x, seeded with k-means++ from seed, at
 * most max_iter iterations. k must be in 1..rows. Returns 0, -EINVAL or
 * -ENOMEM; ret is written only on success and freed with
 * rn_ml_kmeans_done(). */
int rn_ml_kmeans(const struct rn_ml_matrix *x, size_t k, uint64_t seed, unsigned max_iter,
		 struct rn_ml_kmeans *ret);
void rn_ml_kmeans_done(struct rn_ml_kmeans *km);
/* Mean silhouette (Euclidean) of the labelling: s(i) = (b - a) / max(a, b),
 * 0 for members of singleton clusters; 0 when every row is in one cluster.
 * O(n^2): with more than max_rows rows, over max_rows drawn with seed.
 * Returns NAN on OOM. */
double rn_ml_silhouette(const struct rn_ml_matrix *x, const uint32_t *labels, size_t k,
			size_t max_rows, uint64_t seed);

/* --- isolation forest (Liu, Ting and Zhou 2008) --- */

struct rn_ml_inode {
	int32_t feature;      /* -1 for a leaf */
	float threshold;      /* go left when x[feature] < threshold */
	uint32_t left, right; /* children: indices into rn_ml_iforest.nodes */
	uint32_t size;        /* training rows that reached the node */
};

struct rn_ml_iforest {
	size_t ntrees, dim, subsample;
	size_t *root;              /* ntrees: index of each tree's root in nodes */
	struct rn_ml_inode *nodes; /* every tree's nodes */
	size_t nnodes, cap;
};

/* Expected path length of an unsuccessful search in a binary search tree
 * of n keys: c(n) = 2 H(n-1) - 2 (n-1) / n; c(1) = c(0) = 0. */
double rn_ml_iforest_c(size_t n);
/* Grow ntrees trees of min(subsample, rows) rows each, depth limited to
 * ceil(log2(subsample)). Returns 0, -EINVAL (no rows) or -ENOMEM. */
int rn_ml_iforest_fit(const struct rn_ml_matrix *x, size_t ntrees, size_t subsample, uint64_t seed,
		      struct rn_ml_iforest **ret);
void rn_ml_iforest_free(struct rn_ml_iforest *f);
/* Mean path length of row over the trees. */
double rn_ml_iforest_path(const struct rn_ml_iforest *f, const float *row);
/* Anomaly score 2^(-path / c(subsample)), in (0, 1]; above 0.5 is unusual. */
double rn_ml_iforest_score(const struct rn_ml_iforest *f, const float *row);
/* Scores of every row of x into ret (rows), on worker threads for large x.
 * Returns 0 or -ENOMEM. */
int rn_ml_iforest_score_all(const struct rn_ml_iforest *f, const struct rn_ml_matrix *x,
			    double *ret);

/* Why a row was isolated: per feature, the share of the isolating work the
 * splits on that feature did along the row's paths (the training rows each
 * split cut away from it, summed over the trees, in %), and the tightest
 * bounds those splits put on it. */
struct rn_ml_iexplain {
	double importance; /* % */
	unsigned splits;   /* splits on this feature along the paths */
	float above;       /* the row was >= this (largest such threshold); -INF if none */
	float below;       /* the row was < this (smallest such threshold); +INF if none */
	double cut_above;  /* rows cut away by splits the row passed as >= (of importance) */
	double cut_below;  /* ... as < */
};
/* Fill ret (f->dim entries) for row. */
void rn_ml_iforest_explain(const struct rn_ml_iforest *f, const float *row,
			   struct rn_ml_iexplain *ret);

/* --- autoencoder --- */

/* in -> hidden (tanh) -> in (linear), on inputs centred on the training
 * data's medians and scaled by their MADs, trained by SGD on the squared
 * error of the rows within 6 such units of the centre. */
struct rn_ml_ae {
	size_t in, hidden;
	float *mean, *scale;     /* in */
	float *w1, *b1;          /* hidden x in, hidden */
	float *w2, *b2;          /* in x hidden, in */
	double err_mean, err_sd; /* reconstruction error over the training rows */
};

/* Train on the rows of x: epochs passes over at most 4096 rows each
 * (drawn with seed; all rows when fewer), learning rate 0.01. Returns 0,
 * -EINVAL or -ENOMEM. */
int rn_ml_ae_train(const struct rn_ml_matrix *x, size_t hidden, unsigned epochs, uint64_t seed,
		   struct rn_ml_ae **ret);
void rn_ml_ae_free(struct rn_ml_ae *ae);
/* Mean squared reconstruction error of row (standardized units); when
 * contrib is not NULL, each feature's share of it in % (in entries). */
double rn_ml_ae_error(const struct rn_ml_ae *ae, const float *row, double *contrib);
/* The network's output for row, in the row's own units (in entries). */
void rn_ml_ae_reconstruct(const struct rn_ml_ae *ae, const float *row, float *ret);
/* Errors of every row of x into ret, and their mean and population
 * standard deviation into the model's err_mean/err_sd when refit. */
void rn_ml_ae_error_all(struct rn_ml_ae *ae, const struct rn_ml_matrix *x, double *ret, bool refit);

/* --- model file (docs/ml-models.md) --- */

#define RN_ML_MODEL_FORMAT  "renacer-ml-model"
#define RN_ML_MODEL_VERSION 1

/* What a model file holds: the feature names it was trained on and either
 * model or both. */
struct rn_ml_model {
	size_t nfeatures;
	const char *const *features;  /* borrowed by save; owned (strdup) after load */
	struct rn_ml_iforest *forest; /* NULL when absent */
	double forest_threshold;      /* the score threshold the forest was used with */
	struct rn_ml_ae *ae;          /* NULL when absent */
	double ae_threshold;          /* the sigma multiplier the autoencoder was used with */
	char **owned_features;        /* after load */
};

/* Write m to path. Returns 0 or -errno, with the reason in reterr. */
int rn_ml_model_save(const struct rn_ml_model *m, const char *path, struct rn_diag *reterr);
/* Read path into ret (zeroed by the caller). Returns 0, or -ENOENT/-EBADMSG
 * /-EINVAL with one line in reterr naming the file and what is wrong; ret
 * is left empty then. */
int rn_ml_model_load(const char *path, struct rn_ml_model *ret, struct rn_diag *reterr);
/* Free what a loaded model owns; an empty one is fine. */
void rn_ml_model_done(struct rn_ml_model *m);
