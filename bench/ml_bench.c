// SPDX-License-Identifier: MIT
/* ML benchmark (issue 8's bars): N synthetic syscall events (default 10M)
 * through the event store, then per-call features, k-means (k = 3) and an
 * isolation forest (100 trees of 256 rows) fitted and scoring every call,
 * each timed; then the correlation of a 2000 x 2000 feature matrix through
 * OpenBLAS cblas_sgemm and through the plain loop.
 *
 * usage: ml_bench [N] [D]   prints one "phase seconds" line per phase */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/ml/features.h"
#include "analysis/ml/ml.h"
#include "core/store.h"

static double now(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	size_t d = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000;
	static const int nrs[] = { 0, 1, 3, 7, 9, 17, 18, 20, 35, 41, 44, 45, 230, 257, 262 };
	struct rn_ml_rng rng;
	rn_ml_rng_seed(&rng, 1);
	struct rn_store *st = rn_store_new();
	if (!st)
		return 1;
	double t0 = now();
	struct rn_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = RN_EV_SYSCALL;
	ev.name = "bench";
	for (size_t i = 0; i < n; i++) {
		uint64_t r = rn_ml_rng_next(&rng);
		ev.nr = nrs[r % (sizeof(nrs) / sizeof(nrs[0]))];
		ev.pid = 1000 + (int)((r >> 8) % 8);
		ev.ts_ns = 1700000000000000000ULL + i * 3000;
		/* 1-16 us with a tail; one call in 100k 1000x slower. */
		uint64_t base = (1000 + ((r >> 16) % 4000)) << ((r >> 32) % 3);
		if ((r >> 40) % 100000 == 0)
			base *= 1000;
		ev.dur_ns = base;
		ev.args[0] = (r >> 44) % 16;
		ev.args[2] = 1u << ((r >> 50) % 16);
		if (rn_store_append(st, &ev) < 0)
			return 1;
	}
	double t1 = now();
	(void)printf("store %.3f\n", t1 - t0);
	struct rn_ml_matrix x;
	if (rn_ml_call_features(st, &x) < 0)
		return 1;
	double t2 = now();
	(void)printf("features %.3f\n", t2 - t1);
	struct rn_ml_kmeans km;
	if (rn_ml_kmeans(&x, 3, 42, 50, &km) < 0)
		return 1;
	double t3 = now();
	(void)printf("kmeans %.3f\n", t3 - t2);
	struct rn_ml_iforest *f;
	double *scores = malloc(n * sizeof(*scores));
	if (!scores || rn_ml_iforest_fit(&x, 100, 256, 42, &f) < 0 || rn_ml_iforest_score_all(f, &x, scores) < 0)
		return 1;
	double t4 = now();
	(void)printf("iforest %.3f\n", t4 - t3);
	(void)printf("kmeans+iforest %.3f\n", t4 - t2);
	rn_ml_iforest_free(f);
	free(scores);
	rn_ml_kmeans_done(&km);
	rn_ml_matrix_done(&x);
	rn_store_free(st);

	/* Correlation of a d x d matrix: OpenBLAS against the plain loop. */
	struct rn_ml_matrix m;
	float *c = malloc(d * d * sizeof(*c));
	if (!c || rn_ml_matrix_init(&m, d, d) < 0)
		return 1;
	for (size_t i = 0; i < d * d; i++)
		m.v[i] = (float)rn_ml_rng_unit(&rng);
	double t5 = now();
	if (rn_ml_correlation(&m, c, RN_ML_BLAS, NULL, 0) < 0)
		return 1;
	double t6 = now();
	float probe = c[d + 2];
	if (rn_ml_correlation(&m, c, RN_ML_LOOP, NULL, 0) < 0)
		return 1;
	double t7 = now();
	(void)printf("corr_blas %.3f\n", t6 - t5);
	(void)printf("corr_loop %.3f\n", t7 - t6);
	(void)printf("blas_threads %d\n", rn_ml_blas_threads());
	/* With a CUDA GPU: the same product through cuBLAS, transfers apart. */
	const char *why;
	if (rn_ml_gpu_available(&why)) {
		double xfer = 0, comp = 0;
		(void)rn_ml_gpu_gram(m.v, d, d, c, NULL, NULL); /* warm-up */
		if (rn_ml_gpu_gram(m.v, d, d, c, &xfer, &comp) == 0) {
			(void)printf("corr_gpu_compute %.3f\n", comp);
			(void)printf("corr_gpu_transfer %.3f\n", xfer);
		}
	}
	/* The two agree (a check, not a timing). */
	if (fabsf(probe - c[d + 2]) > 1e-3f) {
		(void)fprintf(stderr, "ml_bench: OpenBLAS and the loop disagree: %f vs %f\n", probe, c[d + 2]);
		return 1;
	}
	free(c);
	rn_ml_matrix_done(&m);
	return 0;
}
