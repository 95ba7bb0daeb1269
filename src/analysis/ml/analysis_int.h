// SPDX-License-Identifier: MIT
#pragma once
/* Private to src/analysis/ml: what the analyses found, shared by
 * analysis.c (which computes it) and report.c (which prints it). */

#include <stdint.h>

#include "analysis/ml/analysis.h"
#include "analysis/ml/features.h"
#include "analysis/ml/ml.h"

#define ML_MIN_CALLS   10   /* fewer calls: nothing to learn from */
#define ML_SIL_SAMPLE  2000 /* silhouette over at most this many calls */
#define ML_LISTED      20   /* findings printed in full per report */
#define ML_JSON_LISTED 10000
#define ML_KM_SLOW_RATIO \
	3.0 /* k-means: the slow cluster's calls take 3x their syscall's typical time */

struct ml_sysstat {
	uint64_t calls;
	double mean_us, sd_us;
	double typical_us; /* geometric mean: what a call of this syscall usually takes */
};

struct rn_ml_analysis {
	const struct rn_options *o;
	const struct rn_store *st;
	bool ran;
	int err;
	/* what runs, and which reports are printed in full */
	bool hpu, km, forest, ae, save_only;
	bool print_hpu, print_km, print_forest, print_ae;
	struct rn_ml_model model; /* --load-model / --baseline */
	const char *model_path;
	bool baseline;

	struct rn_ml_matrix feat; /* per call, RN_MLF_COUNT columns */
	struct ml_sysstat *sys;   /* by syscall slot (nr + 1; 0 unknown) */
	struct rn_ml_hotspots bysys; /* per syscall */
	double syscall_us;	     /* total time in syscalls */

	/* --hpu-analysis */
	struct rn_ml_hotspots hot; /* per syscall, or per function with --source */
	float *corr;		   /* hot.n x hot.n */
	size_t nslices;
	size_t hpu_k;
	uint32_t *hpu_labels; /* hot.n */
	double hpu_sil;
	uint64_t hpu_us;
	int blas_threads;
	char hpu_engine[256]; /* what computed the correlation, and why */

	/* --ml-anomaly */
	struct rn_ml_kmeans km_res;
	bool km_done;
	double km_sil;
	size_t km_slow; /* the high-latency cluster, SIZE_MAX when none stands out */
	size_t *km_out, nkm_out;
	size_t *z_out, nz_out; /* --ml-compare: z-score anomalies */

	/* --ml-outliers */
	struct rn_ml_iforest *forest_m; /* trained here, or borrowed from model */
	bool forest_loaded;
	double *if_score;
	double if_threshold, if_avg_path;
	size_t *if_out, nif_out; /* most anomalous first */
	uint64_t if_ms;

	/* --dl-anomaly */
	struct rn_ml_ae *ae_m;
	bool ae_loaded;
	double *ae_err;
	double ae_threshold, ae_mean, ae_sd;
	size_t *ae_out, nae_out;
	uint64_t ae_ms;
	bool saved;
};

/* The syscall-slot index of nr. */
size_t ml_slot(int nr);
/* "src/main.c:42 in main", or "" without --source / a location. */
void ml_where(const struct rn_ml_analysis *a, size_t call, char *buf, size_t len);
/* Print every report the options ask for (report.c). */
int ml_print_reports(struct rn_ml_analysis *a, FILE *report, FILE *hpu);
