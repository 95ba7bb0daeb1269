// SPDX-License-Identifier: MIT
/* Running the end-of-run analyses over the event store: which ones the
 * options (or --analysis's level and the trace's size) ask for, the shared
 * per-call features, then each analysis in turn. What they find is kept in
 * struct rn_ml_analysis for report.c to print and for the JSON document.
 *
 * Outlier rules:
 * - isolation forest: score above 0.5 + contamination / 2 (so the default
 *   0.1 flags calls scoring over 0.55: isolated in clearly fewer splits
 *   than a typical call); --baseline takes the threshold saved with the
 *   model.
 * - autoencoder: error above mean + SIGMA sd of this run's errors; with
 *   --baseline, of the errors the model had on the run it was trained on,
 *   so a run that got slower everywhere is flagged everywhere.
 * - k-means: the cluster whose centre has the highest duration relative to
 *   its syscall, if that centre is at least 3x the syscall's typical time
 *   and the cluster holds under half of the calls. */
#include "analysis/ml/analysis_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/latency.h"
#include "decode/syscalls.h"
#include "symbolize/symbolize.h"

bool rn_ml_wanted(const struct rn_options *o)
{
	return o->hpu_analysis || o->ml_anomaly || o->ml_compare || o->ml_outliers ||
	       o->dl_anomaly || o->save_model || o->load_model || o->baseline || o->analysis_level;
}

size_t ml_slot(int nr)
{
	return nr >= 0 && nr < RN_NSYSCALLS ? (size_t)nr + 1 : 0;
}

void ml_where(const struct rn_ml_analysis *a, size_t call, char *buf, size_t len)
{
	buf[0] = 0;
	if (!a->o->source)
		return;
	const struct rn_srcloc *loc = a->st->src[call];
	if (!loc) {
		(void)snprintf(buf, len, "no source location");
		return;
	}
	(void)rn_srcloc_format(loc, buf, len);
}

static uint64_t now_us(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int rn_ml_analysis_new(const struct rn_options *o, const struct rn_store *st,
		       struct rn_ml_analysis **ret, struct rn_diag *reterr)
{
	if (o->ml_clusters < 2) {
		rn_diag_set(reterr, "Invalid value for --ml-clusters: %ld (must be >= 2)",
			    o->ml_clusters);
		return -EINVAL;
	}
	struct rn_ml_analysis *a = calloc(1, sizeof(*a));
	if (!a) {
		rn_diag_set(reterr, "out of memory");
		return -ENOMEM;
	}
	a->o = o;
	a->st = st;
	a->km_slow = SIZE_MAX;
	a->model_path = o->baseline ? o->baseline : o->load_model;
	a->baseline = o->baseline != NULL;
	if (a->model_path) {
		int r = rn_ml_model_load(a->model_path, &a->model, reterr);
		if (r < 0) {
			free(a);
			return r;
		}
		const char *const *names = rn_ml_feature_names();
		bool same = a->model.nfeatures == RN_MLF_COUNT;
		for (size_t j = 0; same && j < RN_MLF_COUNT; j++)
			same = strcmp(a->model.features[j], names[j]) == 0;
		if (!same) {
			rn_diag_set(
			    reterr,
			    "model '%s' was trained on other features than this renacer computes; "
			    "train it again with --save-model",
			    a->model_path);
			rn_ml_analysis_free(a);
			return -EINVAL;
		}
	}
	unsigned lvl = o->analysis_level;
	a->print_hpu = o->hpu_analysis;
	a->print_km = o->ml_anomaly || o->ml_compare;
	/* A loaded model is there to score this run: it brings its reports. */
	a->print_forest = o->ml_outliers || (a->model.forest && !lvl);
	a->print_ae = o->dl_anomaly || (a->model.ae && !lvl);
	a->hpu = a->print_hpu || lvl >= 3;
	a->km = a->print_km || lvl >= 2;
	a->forest = a->print_forest || lvl >= 1 || a->model.forest;
	a->ae = a->print_ae || lvl >= 2 || a->model.ae;
	if (o->save_model && !a->forest && !a->ae) {
		/* --save-model alone: train both, quietly. */
		a->forest = a->ae = a->save_only = true;
	}
	*ret = a;
	return 0;
}

void rn_ml_analysis_free(struct rn_ml_analysis *a)
{
	if (!a)
		return;
	rn_ml_matrix_done(&a->feat);
	free(a->sys);
	rn_ml_hotspots_done(&a->bysys);
	rn_ml_hotspots_done(&a->hot);
	free(a->corr);
	free(a->hpu_labels);
	rn_ml_kmeans_done(&a->km_res);
	free(a->km_out);
	free(a->z_out);
	if (!a->forest_loaded)
		rn_ml_iforest_free(a->forest_m);
	free(a->if_score);
	free(a->if_out);
	if (!a->ae_loaded)
		rn_ml_ae_free(a->ae_m);
	free(a->ae_err);
	free(a->ae_out);
	rn_ml_model_done(&a->model);
	free(a);
}

static int sys_stats(struct rn_ml_analysis *a)
{
	const struct rn_store *st = a->st;
	a->sys = calloc(RN_NSYSCALLS + 1, sizeof(*a->sys));
	double *ss = calloc(RN_NSYSCALLS + 1, sizeof(double));
	if (!a->sys || !ss) {
		free(ss);
		return -ENOMEM;
	}
	for (size_t i = 0; i < st->len; i++) {
		struct ml_sysstat *s = &a->sys[ml_slot(st->nr[i])];
		s->calls++;
		s->mean_us += (double)st->dur_ns[i] / 1e3;
		s->typical_us += log1p((double)st->dur_ns[i] / 1e3);
	}
	for (size_t k = 0; k <= RN_NSYSCALLS; k++)
		if (a->sys[k].calls) {
			a->sys[k].mean_us /= (double)a->sys[k].calls;
			a->sys[k].typical_us = expm1(a->sys[k].typical_us / (double)a->sys[k].calls);
		}
	for (size_t i = 0; i < st->len; i++) {
		size_t k = ml_slot(st->nr[i]);
		double d = (double)st->dur_ns[i] / 1e3 - a->sys[k].mean_us;
		ss[k] += d * d;
	}
	for (size_t k = 0; k <= RN_NSYSCALLS; k++)
		if (a->sys[k].calls)
			a->sys[k].sd_us = sqrt(ss[k] / (double)a->sys[k].calls);
	free(ss);
	return 0;
}

/* Indices whose value passes, most extreme first. */
struct ranked {
	size_t i;
	double v;
};

static int by_value(const void *x, const void *y)
{
	const struct ranked *p = x, *q = y;
	if (p->v != q->v)
		return p->v > q->v ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* The rows of v above thr, sorted by v descending, into a new array. */
/* Whether call i is slower than its syscall's typical call by at least
 * --anomaly-jitter-us: the detectors report performance anomalies, and a
 * call a few microseconds off is scheduling jitter however unusual its
 * features (the same rule as the z-score detectors, anomaly.c). */
static bool slow_enough(const struct rn_ml_analysis *a, size_t i)
{
	const struct ml_sysstat *s = &a->sys[ml_slot(a->st->nr[i])];
	return (double)a->st->dur_ns[i] / 1e3 - s->typical_us >= a->o->anomaly_jitter_us;
}

static int rank_above(const struct rn_ml_analysis *a, const double *v, size_t n, double thr,
		      size_t **ret, size_t *ret_n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += v[i] > thr && slow_enough(a, i);
	struct ranked *r = calloc(m ? m : 1, sizeof(*r));
	size_t *out = calloc(m ? m : 1, sizeof(size_t));
	if (!r || !out) {
		free(r);
		free(out);
		return -ENOMEM;
	}
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > thr && slow_enough(a, i))
			r[m++] = (struct ranked){i, v[i]};
	qsort(r, m, sizeof(*r), by_value);
	for (size_t k = 0; k < m; k++)
		out[k] = r[k].i;
	free(r);
	*ret = out;
	*ret_n = m;
	return 0;
}

/* Hotspot clusters: k from the number of hotspots, as the original. */
static size_t hpu_clusters(size_t n)
{
	return n <= 2 ? 1 : n <= 5 ? 2 : n <= 10 ? 3 : 4;
}

static int run_hpu(struct rn_ml_analysis *a)
{
	uint64_t t0 = now_us();
	a->blas_threads = rn_ml_blas_threads();
	/* With --source, the hotspots are the program's functions: which of
	 * its code is busy at the same time, and which costs the most. */
	if (rn_ml_hotspots(a->st, a->o->source ? RN_ML_BY_FUNCTION : RN_ML_BY_SYSCALL, &a->hot) < 0)
		return -ENOMEM;
	size_t n = a->hot.n;
	if (n == 0)
		return 0;
	a->nslices = a->st->len / 50;
	if (a->nslices < 10)
		a->nslices = 10;
	if (a->nslices > 200)
		a->nslices = 200;
	struct rn_ml_matrix act, agg;
	a->corr = calloc(n * n, sizeof(float));
	a->hpu_labels = calloc(n, sizeof(uint32_t));
	if (!a->corr || !a->hpu_labels || rn_ml_activity_matrix(a->st, &a->hot, a->nslices, &act) < 0)
		return -ENOMEM;
	/* --hpu-cpu-only: OpenBLAS even when a GPU would be quicker. */
	int r = rn_ml_correlation(&act, a->corr, a->o->hpu_cpu_only ? RN_ML_BLAS : RN_ML_AUTO,
				  a->hpu_engine, sizeof(a->hpu_engine));
	rn_ml_matrix_done(&act);
	/* Clusters of hotspots by how slow, how frequent and how costly they
	 * are (log scale, standardized). */
	if (r < 0 || rn_ml_hotspot_matrix(&a->hot, &agg) < 0)
		return -ENOMEM;
	a->hpu_k = hpu_clusters(n);
	struct rn_ml_kmeans km;
	r = rn_ml_kmeans(&agg, a->hpu_k, a->o->seed, 100, &km);
	if (r == 0) {
		memcpy(a->hpu_labels, km.labels, n * sizeof(uint32_t));
		a->hpu_sil = rn_ml_silhouette(&agg, km.labels, a->hpu_k, ML_SIL_SAMPLE, a->o->seed);
		rn_ml_kmeans_done(&km);
	}
	rn_ml_matrix_done(&agg);
	a->hpu_us = now_us() - t0;
	return r == -ENOMEM ? r : 0;
}

static int run_kmeans(struct rn_ml_analysis *a)
{
	size_t n = a->feat.rows;
	size_t k = (size_t)a->o->ml_clusters;
	if (n < ML_MIN_CALLS || n < k)
		return 0;
	struct rn_ml_matrix x;
	if (rn_ml_matrix_init(&x, n, 2) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rn_ml_row(&x, i)[0] = rn_ml_row(&a->feat, i)[RN_MLF_DURATION];
		rn_ml_row(&x, i)[1] = rn_ml_row(&a->feat, i)[RN_MLF_RELATIVE];
	}
	int r = rn_ml_kmeans(&x, k, a->o->seed, 100, &a->km_res);
	if (r < 0) {
		rn_ml_matrix_done(&x);
		return r;
	}
	a->km_done = true;
	a->km_sil = rn_ml_silhouette(&x, a->km_res.labels, k, ML_SIL_SAMPLE, a->o->seed);
	rn_ml_matrix_done(&x);
	size_t slow = 0;
	for (size_t c = 1; c < k; c++)
		if (a->km_res.centers[c * 2 + 1] > a->km_res.centers[slow * 2 + 1])
			slow = c;
	if (exp(a->km_res.centers[slow * 2 + 1]) >= ML_KM_SLOW_RATIO &&
	    a->km_res.sizes[slow] * 2 < n)
		a->km_slow = slow;
	double *v = calloc(n, sizeof(double));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = a->km_res.labels[i] == a->km_slow ? rn_ml_row(&a->feat, i)[RN_MLF_RELATIVE]
							 : -INFINITY;
	r = rank_above(a, v, n, -INFINITY, &a->km_out, &a->nkm_out);
	if (r == 0 && a->o->ml_compare) {
		/* The z-score method, as --stats-extended applies it. */
		const struct rn_store *st = a->st;
		for (size_t i = 0; i < n; i++) {
			const struct ml_sysstat *s = &a->sys[ml_slot(st->nr[i])];
			v[i] = -INFINITY;
			double z, sd;
			if (s->calls >= RN_ANOMALY_MIN_SAMPLES && s->mean_us > 0 &&
			    rn_anomaly(a->o, (double)st->dur_ns[i], s->mean_us * 1e3, s->sd_us * 1e3, &z, &sd))
				v[i] = z;
		}
		r = rank_above(a, v, n, -INFINITY, &a->z_out, &a->nz_out);
	}
	free(v);
	return r;
}

static int run_forest(struct rn_ml_analysis *a)
{
	size_t n = a->feat.rows;
	uint64_t t0 = now_us();
	a->if_threshold = 0.5 + a->o->ml_outlier_threshold / 2;
	if (a->model.forest) {
		a->forest_m = a->model.forest;
		a->forest_loaded = true;
		if (a->baseline)
			a->if_threshold = a->model.forest_threshold;
	} else if (n >= ML_MIN_CALLS) {
		int r = rn_ml_iforest_fit(&a->feat, a->o->ml_outlier_trees, 256, a->o->seed,
					  &a->forest_m);
		if (r < 0)
			return r;
	}
	if (!a->forest_m || !n)
		return 0;
	a->if_score = calloc(n, sizeof(double));
	if (!a->if_score)
		return -ENOMEM;
	(void)rn_ml_iforest_score_all(a->forest_m, &a->feat, a->if_score);
	/* The average path, back from the mean score: the scale is the same. */
	double c = rn_ml_iforest_c(a->forest_m->subsample), lsum = 0;
	for (size_t i = 0; i < n; i++)
		lsum += -log2(a->if_score[i]) * c;
	a->if_avg_path = lsum / (double)n;
	int r =
	    a->save_only ? 0 : rank_above(a, a->if_score, n, a->if_threshold, &a->if_out, &a->nif_out);
	a->if_ms = (now_us() - t0) / 1000;
	return r;
}

static int run_ae(struct rn_ml_analysis *a)
{
	size_t n = a->feat.rows;
	uint64_t t0 = now_us();
	if (a->model.ae) {
		a->ae_m = a->model.ae;
		a->ae_loaded = true;
	} else if (n >= ML_MIN_CALLS) {
		int r = rn_ml_ae_train(&a->feat, a->o->dl_hidden, a->o->dl_epochs, a->o->seed,
				       &a->ae_m);
		if (r < 0)
			return r;
	}
	if (!a->ae_m || !n)
		return 0;
	a->ae_err = calloc(n, sizeof(double));
	if (!a->ae_err)
		return -ENOMEM;
	double bmean = a->ae_m->err_mean, bsd = a->ae_m->err_sd;
	/* Training left the training errors' spread in the model; scoring this
	 * run refits them unless they are the baseline's to keep. */
	rn_ml_ae_error_all(a->ae_m, &a->feat, a->ae_err, true);
	a->ae_mean = a->ae_m->err_mean;
	a->ae_sd = a->ae_m->err_sd;
	if (a->baseline) {
		a->ae_mean = a->ae_m->err_mean = bmean;
		a->ae_sd = a->ae_m->err_sd = bsd;
	}
	a->ae_threshold = a->ae_mean + a->o->dl_threshold * a->ae_sd;
	int r =
	    a->save_only ? 0 : rank_above(a, a->ae_err, n, a->ae_threshold, &a->ae_out, &a->nae_out);
	a->ae_ms = (now_us() - t0) / 1000;
	return r;
}

static int save(struct rn_ml_analysis *a)
{
	struct rn_diag d = {""};
	struct rn_ml_model m = {
	    .nfeatures = RN_MLF_COUNT,
	    .features = rn_ml_feature_names(),
	    .forest = a->forest_m,
	    .forest_threshold = a->if_threshold,
	    .ae = a->ae_m,
	    .ae_threshold = a->o->dl_threshold,
	};
	if (!m.forest && !m.ae) {
		(void)fprintf(stderr,
			      "renacer: no model saved to '%s': too few calls to train one (%zu)\n",
			      a->o->save_model, a->feat.rows);
		return 0;
	}
	int r = rn_ml_model_save(&m, a->o->save_model, &d);
	if (r < 0) {
		(void)fprintf(stderr, "renacer: %s\n", d.msg);
		return r;
	}
	a->saved = true;
	return 0;
}

int rn_ml_analysis_run(struct rn_ml_analysis *a)
{
	if (a->ran)
		return a->err;
	a->ran = true;
	int r = sys_stats(a);
	if (r == 0)
		r = rn_ml_hotspots(a->st, RN_ML_BY_SYSCALL, &a->bysys);
	for (size_t i = 0; r == 0 && i < a->bysys.n; i++)
		a->syscall_us += a->bysys.v[i].total_us;
	if (r == 0 && (a->km || a->forest || a->ae))
		r = rn_ml_call_features(a->st, &a->feat);
	if (r == 0 && a->hpu)
		r = run_hpu(a);
	if (r == 0 && a->km)
		r = run_kmeans(a);
	if (r == 0 && a->forest)
		r = run_forest(a);
	if (r == 0 && a->ae)
		r = run_ae(a);
	if (r == 0 && a->o->save_model)
		r = save(a);
	a->err = r;
	return r;
}
