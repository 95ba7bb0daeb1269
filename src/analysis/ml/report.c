// SPDX-License-Identifier: MIT
/* The analyses' reports (text on stderr, the HPU one on stdout), their JSON
 * members, the --analysis summary, and the sink that prints them at the
 * end of the run. Every finding names the call ("call #N": its position
 * among the stored calls, 1-based, the order of the JSON "syscalls"
 * array), says why in terms of the features, and with --source where. */
#include "analysis/ml/analysis_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "analysis/latency.h"
#include "decode/syscalls.h"
#include "symbolize/symbolize.h"

static const char *sysname(const struct rn_ml_analysis *a, size_t call)
{
	return rn_ml_syscall_name(a->st->nr[call]);
}

static void fmt_us(double us, char *buf, size_t len)
{
	rn_ml_feature_format(RN_MLF_DURATION, log1p(us), buf, len);
}

/* "call #12 write (pid 42)" plus " at src/main.c:7 in main" with --source. */
static void call_head(FILE *f, const struct rn_ml_analysis *a, size_t call)
{
	char where[512];
	ml_where(a, call, where, sizeof(where));
	(void)fprintf(f, "call #%zu %s (pid %d)", call + 1, sysname(a, call),
		      (int)a->st->pid[call]);
	if (where[0])
		(void)fprintf(f, " at %s", where);
}

/* "Duration: 20.12 ms (nanosleep: 5.3 us +- 1.2 us over 2000 calls)" */
static void call_duration(FILE *f, const struct rn_ml_analysis *a, size_t call, const char *indent)
{
	const struct ml_sysstat *s = &a->sys[ml_slot(a->st->nr[call])];
	char d[64], m[64], sd[64];
	fmt_us((double)a->st->dur_ns[call] / 1e3, d, sizeof(d));
	fmt_us(s->mean_us, m, sizeof(m));
	fmt_us(s->sd_us, sd, sizeof(sd));
	(void)fprintf(f, "%sDuration: %s (%s baseline: %s +- %s over %llu calls)\n", indent, d,
		      sysname(a, call), m, sd, (unsigned long long)s->calls);
}

static void call_list(FILE *f, const char *what, const size_t *v, size_t n)
{
	(void)fprintf(f, "%s (all %zu):", what, n);
	for (size_t k = 0; k < n; k++)
		(void)fprintf(f, " #%zu", v[k] + 1);
	(void)fputc('\n', f);
}

/* --- HPU --- */

static const char *const kind_name[RN_MLK_COUNT] = {"I/O-heavy", "Waiting", "Memory", "Process",
						    "Mixed"};

/* A cluster of hotspots: its members' totals, and what it is. */
struct hpu_cluster {
	size_t members;
	uint64_t calls;
	double us, share; /* time, and its percentage of all syscall time */
	double kind_us[RN_MLK_COUNT];
	enum rn_ml_kind kind; /* RN_MLK_OTHER: no kind has most of its time */
};

static void hpu_cluster(const struct rn_ml_analysis *a, size_t c, struct hpu_cluster *k)
{
	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < a->hot.n; i++) {
		const struct rn_ml_hotspot *h = &a->hot.v[i];
		if (a->hpu_labels[i] != c)
			continue;
		k->members++;
		k->calls += h->calls;
		k->us += h->total_us;
		for (int j = 0; j < RN_MLK_COUNT; j++)
			k->kind_us[j] += h->kind_us[j];
	}
	enum rn_ml_kind best = RN_MLK_OTHER;
	for (int j = 0; j < RN_MLK_COUNT; j++)
		if (k->kind_us[j] > k->kind_us[best])
			best = (enum rn_ml_kind)j;
	/* A kind that is not most of the cluster's time is no name. */
	k->kind = k->us > 0 && k->kind_us[best] >= 0.6 * k->us ? best : RN_MLK_OTHER;
	k->share = a->syscall_us > 0 ? 100.0 * k->us / a->syscall_us : 0;
}

/* What to do about a cluster, from what its calls are and cost. */
static void hpu_advice(const struct rn_ml_analysis *a, const struct hpu_cluster *k, char *buf,
		       size_t len)
{
	char avg[64];
	fmt_us(k->calls ? k->us / (double)k->calls : 0, avg, sizeof(avg));
	if (k->share < 5) {
		(void)snprintf(buf, len, "little time here (%llu calls): nothing to gain",
			       (unsigned long long)k->calls);
		return;
	}
	double avg_us = k->calls ? k->us / (double)k->calls : 0;
	switch (k->kind) {
	case RN_MLK_IO:
		if (avg_us >= 1000)
			(void)snprintf(buf, len,
				       "slow I/O: %llu calls of %s on average; the device or peer "
				       "is slow: take them off the critical path (async, prefetch) "
				       "or cache what they fetch",
				       (unsigned long long)k->calls, avg);
		else
			(void)snprintf(buf, len,
				       "many small I/O calls (%llu, %s each): batch them (larger "
				       "buffers, fewer reads/writes/stats) or cache their results",
				       (unsigned long long)k->calls, avg);
		break;
	case RN_MLK_WAIT:
		(void)snprintf(buf, len,
			       "blocked %s per call in sleeps, polls, futexes or waits: idle "
			       "time or contention, not work; find what it waits for",
			       avg);
		break;
	case RN_MLK_MEMORY:
		(void)snprintf(buf, len,
			       "%llu mapping changes: reuse buffers or pool allocations",
			       (unsigned long long)k->calls);
		break;
	case RN_MLK_PROCESS:
		(void)snprintf(buf, len,
			       "process and signal management (%llu calls): start fewer "
			       "processes, do more work in each",
			       (unsigned long long)k->calls);
		break;
	default:
		if (a->hot.by == RN_ML_BY_FUNCTION)
			(void)snprintf(buf, len,
				       "%llu calls of several kinds: see each function's "
				       "syscalls above, and their lines with --function-time",
				       (unsigned long long)k->calls);
		else
			(void)snprintf(buf, len,
				       "%llu calls of several kinds: see which code makes them: "
				       "--hpu-analysis --source",
				       (unsigned long long)k->calls);
		break;
	}
}

/* The members of cluster c, most time first: "a, b, c and 4 more". */
static void hpu_members(const struct rn_ml_analysis *a, size_t c, char *buf, size_t len)
{
	size_t used = 0, shown = 0, more = 0;
	buf[0] = 0;
	for (size_t i = 0; i < a->hot.n; i++) {
		if (a->hpu_labels[i] != c)
			continue;
		if (shown == 3) {
			more++;
			continue;
		}
		int w = snprintf(buf + used, len - used, "%s%s", shown ? ", " : "", a->hot.v[i].name);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		shown++;
	}
	if (more)
		(void)snprintf(buf + used, len - used, " and %zu more", more);
}

static const char *unit_word(const struct rn_ml_analysis *a, size_t n)
{
	if (a->hot.by == RN_ML_BY_FUNCTION)
		return n == 1 ? "function" : "functions";
	return n == 1 ? "syscall" : "syscalls";
}

#define HPU_SHOWN 12 /* rows and columns of the printed matrix */

static void print_hpu(struct rn_ml_analysis *a, FILE *f)
{
	const struct rn_ml_hotspots *h = &a->hot;
	size_t n = h->n, show = n < HPU_SHOWN ? n : HPU_SHOWN;
	(void)fprintf(f, "\n=== HPU Analysis Report ===\n");
	(void)fprintf(f, "HPU Backend: %s%s\n", a->hpu_engine, a->o->hpu_cpu_only ? " [--hpu-cpu-only]" : "");
	(void)fprintf(f, "Compute time: %lluus\n", (unsigned long long)a->hpu_us);
	if (!n) {
		(void)fprintf(f, "No syscalls to analyse.\n");
		return;
	}
	(void)fprintf(f, "Calls: %zu in %zu %s%s; correlation of their call counts over %zu time slices\n",
		      a->st->len, n, unit_word(a, n),
		      h->by == RN_ML_BY_FUNCTION ? " of the program (the code that made them)" : "",
		      a->nslices);
	/* Rows labelled in full (up to 32 characters); columns, in the same
	 * order, as wide as the longest name up to 13, one space apart. */
	int lw = 6;
	for (size_t j = 0; j < show; j++) {
		int l = (int)strlen(h->v[j].name);
		if (l > lw)
			lw = l;
	}
	int cw = lw > 13 ? 13 : lw;
	if (lw > 32)
		lw = 32;
	(void)fprintf(f, "\n--- %s Correlation Matrix ---\n%*s",
		      h->by == RN_ML_BY_FUNCTION ? "Function" : "Syscall", lw, "");
	for (size_t j = 0; j < show; j++)
		(void)fprintf(f, " %*.*s", cw, cw, h->v[j].name);
	(void)fputc('\n', f);
	for (size_t i = 0; i < show; i++) {
		(void)fprintf(f, "%-*.*s", lw, lw, h->v[i].name);
		for (size_t j = 0; j < show; j++)
			(void)fprintf(f, " %*.3f", cw, a->corr[i * n + j]);
		(void)fputc('\n', f);
	}
	if (show < n)
		(void)fprintf(f, "(the %zu %s with the most time of %zu)\n", show, unit_word(a, n), n);
	size_t pairs = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && pairs < 10; j++) {
			float r = a->corr[i * n + j];
			if (fabsf(r) < 0.7f)
				continue;
			if (!pairs++)
				(void)fprintf(f, "\nStrongly correlated pairs (|r| >= 0.7):\n");
			(void)fprintf(
			    f, "  %s ~ %s: r = %.2f (%s)\n", h->v[i].name, h->v[j].name, r,
			    r > 0 ? "busy in the same parts of the run: likely the same code path"
				  : "one is busy while the other is not: different phases");
		}
	(void)fprintf(f, "\n--- K-means Clustering ---\n");
	(void)fprintf(
	    f,
	    "Number of clusters: %zu (features: avg time, calls/s, total time; silhouette %.3f)\n",
	    a->hpu_k, a->hpu_sil);
	for (size_t c = 0; c < a->hpu_k; c++) {
		struct hpu_cluster k;
		hpu_cluster(a, c, &k);
		(void)fprintf(f, "Cluster %zu (%s): %zu %s, %.1f%% of syscall time\n", c,
			      kind_name[k.kind], k.members, unit_word(a, k.members), k.share);
		for (size_t i = 0; i < n; i++) {
			const struct rn_ml_hotspot *u = &h->v[i];
			if (a->hpu_labels[i] != c)
				continue;
			char avg[64], tt[64];
			fmt_us(u->avg_us, avg, sizeof(avg));
			fmt_us(u->total_us, tt, sizeof(tt));
			(void)fprintf(f, "  - %s: %llu calls, avg %s, total %s", u->name,
				      (unsigned long long)u->calls, avg, tt);
			if (h->by == RN_ML_BY_FUNCTION) {
				/* what it calls, and where its costliest call is */
				(void)fputs(" (", f);
				for (size_t t = 0; t < RN_ML_HOT_TOP && u->top_nr[t] != -2; t++) {
					double pct = u->total_us > 0 ? 100 * u->top_us[t] / u->total_us
								     : 100.0;
					(void)fprintf(f, pct < 0.5 ? "%s%s <1%%" : "%s%s %.0f%%",
						      t ? ", " : "", rn_ml_syscall_name(u->top_nr[t]),
						      pct);
				}
				char where[512] = "";
				if (u->site && u->site->file)
					(void)rn_srcloc_format(u->site, where, sizeof(where));
				if (where[0])
					(void)fprintf(f, "; slowest at %s", where);
				(void)fputc(')', f);
			}
			(void)fputc('\n', f);
		}
	}
	(void)fprintf(f, "\nRecommendations:\n");
	for (size_t c = 0; c < a->hpu_k; c++) {
		struct hpu_cluster k;
		char advice[512], members[256];
		hpu_cluster(a, c, &k);
		hpu_advice(a, &k, advice, sizeof(advice));
		hpu_members(a, c, members, sizeof(members));
		const char *mark = k.share >= 50 ? "🔴" : k.share >= 20 ? "🟡" : "🟢";
		(void)fprintf(f, "  %s Cluster %zu (%s, %.1f%% of time: %s): %s\n", mark, c,
			      kind_name[k.kind], k.share, members, advice);
	}
}

/* --- k-means --- */

static void print_kmeans(struct rn_ml_analysis *a, FILE *f)
{
	(void)fprintf(f, "\n=== ML Anomaly Detection Report ===\n");
	if (!a->km_done) {
		(void)fprintf(f,
			      "Insufficient data for ML analysis\n(Need at least %ld calls and %d, "
			      "found %zu)\n",
			      a->o->ml_clusters, ML_MIN_CALLS, a->st->len);
		return;
	}
	const struct rn_ml_kmeans *km = &a->km_res;
	(void)fprintf(
	    f,
	    "Method: k-means (k-means++ seeding, seed %llu) over each call's duration and its\n"
	    "duration relative to its syscall's typical time (log scale)\n",
	    a->o->seed);
	(void)fprintf(f, "Clusters: %zu\nSamples: %zu\n", km->k, a->feat.rows);
	(void)fprintf(f, "Silhouette Score: %.3f%s\n", a->km_sil,
		      a->feat.rows > ML_SIL_SAMPLE ? " (over 2000 calls drawn with the seed)" : "");
	(void)fprintf(f, "\nCluster Centers:\n");
	for (size_t c = 0; c < km->k; c++) {
		char d[64];
		fmt_us(expm1(km->centers[c * 2]), d, sizeof(d));
		(void)fprintf(
		    f,
		    "  Cluster %zu: %zu calls, typical %s, %.1fx their syscall's typical time%s\n",
		    c, km->sizes[c], d, exp(km->centers[c * 2 + 1]),
		    c == a->km_slow ? "  <- high-latency cluster" : "");
	}
	if (a->km_slow == SIZE_MAX) {
		(void)fprintf(f,
			      "\nNo anomalies detected (no cluster of calls takes %.0fx their "
			      "syscall's typical "
			      "time or more).\n",
			      ML_KM_SLOW_RATIO);
	} else {
		(void)fprintf(f,
			      "\nAnomalies Detected: %zu (the high-latency cluster: calls slow for "
			      "their syscall)\n",
			      a->nkm_out);
		for (size_t k = 0; k < a->nkm_out && k < ML_LISTED; k++) {
			size_t i = a->km_out[k];
			char d[64];
			fmt_us((double)a->st->dur_ns[i] / 1e3, d, sizeof(d));
			(void)fprintf(f, "  - ");
			call_head(f, a, i);
			(void)fprintf(f, ": %s, %.1fx its syscall's typical time (cluster %zu)\n",
				      d, exp(rn_ml_row(&a->feat, i)[RN_MLF_RELATIVE]), a->km_slow);
		}
		if (a->nkm_out > ML_LISTED)
			(void)fprintf(f, "  ... and %zu more\n", a->nkm_out - ML_LISTED);
		call_list(f, "Anomalous calls", a->km_out, a->nkm_out);
	}
	if (!a->o->ml_compare)
		return;
	/* Side by side with the z-score method over the same calls. */
	char *inz = calloc(a->feat.rows ? a->feat.rows : 1, 1);
	if (!inz)
		return;
	size_t common = 0;
	for (size_t k = 0; k < a->nz_out; k++)
		inz[a->z_out[k]] = 1;
	for (size_t k = 0; k < a->nkm_out; k++)
		common += inz[a->km_out[k]];
	(void)fprintf(f, "\n=== ML vs Z-Score Comparison ===\n");
	(void)fprintf(f, "K-means high-latency cluster: %zu calls\n", a->nkm_out);
	(void)fprintf(f,
		      "Z-score (> %.1f sigma and %.0f us above their syscall's mean, syscalls with "
		      ">= %d calls): %zu calls\n",
		      a->o->anomaly_threshold, a->o->anomaly_jitter_us, RN_ANOMALY_MIN_SAMPLES, a->nz_out);
	(void)fprintf(f, "Common anomalies: %zu\n", common);
	(void)fprintf(f, "ML-only anomalies: %zu", a->nkm_out - common);
	for (size_t k = 0, shown = 0; k < a->nkm_out && shown < 10; k++)
		if (!inz[a->km_out[k]]) {
			(void)fprintf(f, " #%zu %s", a->km_out[k] + 1, sysname(a, a->km_out[k]));
			shown++;
		}
	for (size_t k = 0; k < a->nkm_out; k++)
		inz[a->km_out[k]] |= 2;
	(void)fprintf(f, "\nZ-score-only anomalies: %zu", a->nz_out - common);
	for (size_t k = 0, shown = 0; k < a->nz_out && shown < 10; k++)
		if (inz[a->z_out[k]] == 1) {
			(void)fprintf(f, " #%zu %s", a->z_out[k] + 1, sysname(a, a->z_out[k]));
			shown++;
		}
	(void)fprintf(
	    f,
	    "\n(k-means sees calls slow for their syscall even where that syscall varies a lot;\n"
	    " the z-score needs them far above the mean, which one huge call can inflate)\n");
	free(inz);
}

/* --- isolation forest --- */

static int by_importance(const void *x, const void *y, void *arg)
{
	const struct rn_ml_iexplain *e = arg;
	size_t p = *(const size_t *)x, q = *(const size_t *)y;
	if (e[p].importance != e[q].importance)
		return e[p].importance > e[q].importance ? -1 : 1;
	return (p > q) - (p < q);
}

static void order_features(size_t *ord, const struct rn_ml_iexplain *e)
{
	for (size_t j = 0; j < RN_MLF_COUNT; j++)
		ord[j] = j;
	qsort_r(ord, RN_MLF_COUNT, sizeof(size_t), by_importance, (void *)e);
}

/* "duration >= 1.20 ms" / "inter_call_gap < 3.0 us" for the bound on
 * the side the splits put the call. */
static void split_text(const struct rn_ml_iexplain *e, size_t j, char *buf, size_t len)
{
	char v[96];
	const char *name = rn_ml_feature_names()[j];
	bool above = isfinite(e->above), below = isfinite(e->below);
	/* The side whose splits cut more rows away is what set it apart. */
	if (above && (!below || e->cut_above >= e->cut_below)) {
		rn_ml_feature_format((unsigned)j, e->above, v, sizeof(v));
		(void)snprintf(buf, len, "%s >= %s", name, v);
	} else if (below) {
		rn_ml_feature_format((unsigned)j, e->below, v, sizeof(v));
		(void)snprintf(buf, len, "%s < %s", name, v);
	} else {
		(void)snprintf(buf, len, "%s", name);
	}
}

static void print_forest(struct rn_ml_analysis *a, FILE *f)
{
	(void)fprintf(f, "\n=== Isolation Forest Anomaly Detection ===\n");
	if (!a->forest_m) {
		(void)fprintf(f, "Insufficient data (need at least %d calls, found %zu)\n",
			      ML_MIN_CALLS, a->feat.rows);
		(void)fprintf(f, "\n=========================================\n\n");
		return;
	}
	const struct rn_ml_iforest *fo = a->forest_m;
	(void)fprintf(f, "Trees: %zu, Subsample: %zu, Contamination: %.1f%%, Samples: %zu\n",
		      fo->ntrees, fo->subsample, 100 * a->o->ml_outlier_threshold, a->feat.rows);
	(void)fprintf(f, "Features: ");
	for (size_t j = 0; j < RN_MLF_COUNT; j++)
		(void)fprintf(f, "%s%s", j ? ", " : "", rn_ml_feature_names()[j]);
	(void)fprintf(f, "\nModel: %s\n", a->forest_loaded ? a->model_path : "trained on this run");
	(void)fprintf(f, "Outlier threshold: anomaly score > %.3f%s; average path: %.2f splits\n",
		      a->if_threshold, a->baseline ? " (the baseline's)" : "", a->if_avg_path);
	if (!a->nif_out) {
		(void)fprintf(
		    f, "\nNo outliers detected.\n\n=========================================\n\n");
		return;
	}
	(void)fprintf(f, "\nDetected %zu outlier(s):\n", a->nif_out);
	double c = rn_ml_iforest_c(fo->subsample);
	for (size_t k = 0; k < a->nif_out && k < ML_LISTED; k++) {
		size_t i = a->if_out[k], ord[RN_MLF_COUNT];
		const float *row = rn_ml_row(&a->feat, i);
		struct rn_ml_iexplain e[RN_MLF_COUNT];
		rn_ml_iforest_explain(fo, row, e);
		order_features(ord, e);
		(void)fprintf(f, "\n  %zu. ", k + 1);
		call_head(f, a, i);
		(void)fprintf(f, " (anomaly score: %.3f)\n", a->if_score[i]);
		call_duration(f, a, i, "     ");
		(void)fprintf(f, "     Isolated in %.1f splits on average (a typical call: %.1f)\n",
			      -log2(a->if_score[i]) * c, a->if_avg_path);
		char s[160];
		split_text(&e[ord[0]], ord[0], s, sizeof(s));
		(void)fprintf(f, "     Why: %s did %.0f%% of the isolating\n", s,
			      e[ord[0]].importance);
		if (!a->o->explain)
			continue;
		(void)fprintf(f, "     Feature Importance (splits on its paths, share of the rows "
				 "they cut away):\n");
		for (size_t r = 0; r < RN_MLF_COUNT; r++) {
			size_t j = ord[r];
			if (e[j].importance < 0.05)
				continue;
			char val[96];
			split_text(&e[j], j, s, sizeof(s));
			rn_ml_feature_format((unsigned)j, row[j], val, sizeof(val));
			(void)fprintf(f, "       %s: %.1f%% (%u splits; %s; this call: %s)\n",
				      rn_ml_feature_names()[j], e[j].importance, e[j].splits, s,
				      val);
		}
	}
	if (a->nif_out > ML_LISTED)
		(void)fprintf(f, "\n  ... and %zu more\n", a->nif_out - ML_LISTED);
	(void)fputc('\n', f);
	call_list(f, "Outlier calls", a->if_out, a->nif_out);
	(void)fprintf(f, "\n=========================================\n\n");
}

/* --- autoencoder --- */

static void print_ae(struct rn_ml_analysis *a, FILE *f)
{
	(void)fprintf(f, "\n=== Autoencoder Anomaly Detection ===\n");
	size_t hid = a->ae_m ? a->ae_m->hidden : a->o->dl_hidden;
	(void)fprintf(f, "Hidden Size: %zu, Epochs: %u, Threshold: %.2fσ\n", hid, a->o->dl_epochs,
		      a->o->dl_threshold);
	if (!a->ae_m) {
		(void)fprintf(f, "Insufficient data (need at least %d calls, found %zu)\n",
			      ML_MIN_CALLS, a->feat.rows);
		(void)fprintf(f, "\n======================================\n\n");
		return;
	}
	(void)fprintf(
	    f, "Samples: %zu, Adaptive Threshold: %.4f (mean error %.4f + %.2f x sd %.4f%s)\n",
	    a->feat.rows, a->ae_threshold, a->ae_mean, a->o->dl_threshold, a->ae_sd,
	    a->baseline ? ", the baseline run's" : "");
	(void)fprintf(f, "Model: %s\n", a->ae_loaded ? a->model_path : "trained on this run");
	if (!a->nae_out) {
		(void)fprintf(
		    f, "\nNo anomalies detected.\n\n======================================\n\n");
		return;
	}
	(void)fprintf(f, "\nDetected %zu anomal%s:\n", a->nae_out, a->nae_out == 1 ? "y" : "ies");
	for (size_t k = 0; k < a->nae_out && k < ML_LISTED; k++) {
		size_t i = a->ae_out[k], ord[RN_MLF_COUNT];
		const float *row = rn_ml_row(&a->feat, i);
		double contrib[RN_MLF_COUNT];
		float y[RN_MLF_COUNT];
		struct rn_ml_iexplain e[RN_MLF_COUNT];
		(void)rn_ml_ae_error(a->ae_m, row, contrib);
		rn_ml_ae_reconstruct(a->ae_m, row, y);
		for (size_t j = 0; j < RN_MLF_COUNT; j++)
			e[j].importance = contrib[j];
		order_features(ord, e);
		(void)fprintf(f, "\n  %zu. ", k + 1);
		call_head(f, a, i);
		(void)fprintf(f, " (reconstruction error: %.4f)\n", a->ae_err[i]);
		call_duration(f, a, i, "     ");
		for (size_t r = 0; r < (a->o->explain ? RN_MLF_COUNT : 1); r++) {
			size_t j = ord[r];
			if (r && contrib[j] < 0.05)
				continue;
			char was[96], exp_[96];
			rn_ml_feature_format((unsigned)j, row[j], was, sizeof(was));
			rn_ml_feature_format((unsigned)j, y[j], exp_, sizeof(exp_));
			if (r == 0)
				(void)fprintf(f,
					      "     Why: %s was %s, the model expected %s (%.1f%% "
					      "of the error)\n",
					      rn_ml_feature_names()[j], was, exp_, contrib[j]);
			if (r == 0 && a->o->explain)
				(void)fprintf(f, "     Feature Contributions to Error:\n");
			if (a->o->explain)
				(void)fprintf(f, "       %s: %.1f%% (was %s, expected %s)\n",
					      rn_ml_feature_names()[j], contrib[j], was, exp_);
		}
	}
	if (a->nae_out > ML_LISTED)
		(void)fprintf(f, "\n  ... and %zu more\n", a->nae_out - ML_LISTED);
	(void)fputc('\n', f);
	call_list(f, "Anomalous calls", a->ae_out, a->nae_out);
	(void)fprintf(f, "\n======================================\n\n");
}

/* --- auto mode --- */

static void print_cmd(FILE *f, const struct rn_options *o, const char *flag)
{
	(void)fprintf(f, "    renacer %s", flag);
	if (o->argv) {
		(void)fprintf(f, " --");
		for (char **p = o->argv; *p; p++)
			(void)fprintf(f, " %s", *p);
	} else {
		for (size_t k = 0; k < o->npids; k++)
			(void)fprintf(f, " -p %d", (int)o->pids[k]);
	}
	(void)fputc('\n', f);
}

static void print_summary(struct rn_ml_analysis *a, FILE *f)
{
	const struct rn_options *o = a->o;
	size_t n = a->st->len;
	const char *which = o->analysis_level >= 3
				? "Isolation Forest, k-means, Autoencoder and HPU"
			    : o->analysis_level == 2 ? "Isolation Forest, k-means and Autoencoder"
						     : "Isolation Forest";
	(void)fprintf(f, "\n[Auto Mode] Detected %zu syscalls, %s\n", n,
		      n < ML_MIN_CALLS ? "too few for the analyses" : which);
	(void)fprintf(f, "\n=== Performance Summary ===\n");
	char t[64];
	fmt_us(a->syscall_us, t, sizeof(t));
	(void)fprintf(f, "Time in syscalls: %s over %zu syscall types\n", t, a->bysys.n);
	(void)fprintf(f, "Top syscalls:");
	for (size_t k = 0; k < a->bysys.n && k < 3; k++)
		(void)fprintf(f, "%s %s %.1f%%", k ? "," : "", a->bysys.v[k].name,
			      a->syscall_us > 0 ? 100 * a->bysys.v[k].total_us / a->syscall_us : 0);
	(void)fputc('\n', f);
	if (n < ML_MIN_CALLS) {
		(void)fprintf(f, "\nTip: trace a longer run for outlier analysis.\n");
		return;
	}
	(void)fprintf(f, "\n%s %zu outlier%s detected (Isolation Forest, score > %.2f)\n",
		      a->nif_out ? "🔍" : "✅", a->nif_out, a->nif_out == 1 ? "" : "s",
		      a->if_threshold);
	if (o->analysis_level >= 2 && a->ae_m)
		(void)fprintf(f, "   %zu anomal%s (Autoencoder, error > %.4f)\n", a->nae_out,
			      a->nae_out == 1 ? "y" : "ies", a->ae_threshold);
	if (o->analysis_level >= 2 && a->km_done)
		(void)fprintf(f, "   %zu call%s in k-means' high-latency cluster\n", a->nkm_out,
			      a->nkm_out == 1 ? "" : "s");
	if (o->analysis_level >= 3 && a->hot.n) {
		size_t top = 0;
		for (size_t i = 0; i < a->hot.n; i++)
			if (a->hpu_labels[i] == a->hpu_labels[0])
				top++;
		(void)fprintf(f, "   hottest cluster: %s and %zu other %s (HPU report on stdout)\n",
			      a->hot.v[0].name, top - 1, unit_word(a, top - 1));
	}
	if (a->nif_out) {
		size_t i = a->if_out[0], ord[RN_MLF_COUNT];
		const float *row = rn_ml_row(&a->feat, i);
		struct rn_ml_iexplain e[RN_MLF_COUNT];
		char where[512], d[64], s[160];
		rn_ml_iforest_explain(a->forest_m, row, e);
		order_features(ord, e);
		ml_where(a, i, where, sizeof(where));
		fmt_us((double)a->st->dur_ns[i] / 1e3, d, sizeof(d));
		split_text(&e[ord[0]], ord[0], s, sizeof(s));
		(void)fprintf(f,
			      "\nTop Outlier:\n  %s() (call #%zu)%s%s took %s (%.1fx its syscall's "
			      "typical time)\n",
			      sysname(a, i), i + 1, where[0] ? " at " : "", where, d,
			      exp(row[RN_MLF_RELATIVE]));
		(void)fprintf(f, "  Reason: %s (%.0f%% of the isolating splits)\n", s,
			      e[ord[0]].importance);
	}
	if (o->analysis_level < 2) {
		(void)fprintf(
		    f, "\n💡 Tip: for clusters and the autoencoder's explanations, re-run with "
		       "--analysis-deep:\n");
		print_cmd(f, o, "--analysis-deep");
	} else if (a->nif_out && !o->explain) {
		(void)fprintf(f, "\n💡 Tip: every outlier with the splits that isolated it:\n");
		print_cmd(f, o, "--ml-outliers --explain");
	} else if (!o->source) {
		(void)fprintf(f, "\n💡 Tip: add the source line of each finding with --source "
				 "(build with -g):\n");
		print_cmd(f, o,
			  o->analysis_level >= 3 ? "--analysis-full --source"
						 : "--analysis-deep --source");
	}
}

int ml_print_reports(struct rn_ml_analysis *a, FILE *report, FILE *hpu)
{
	if (a->print_hpu) {
		print_hpu(a, hpu);
		(void)fflush(hpu);
	}
	if (a->print_km)
		print_kmeans(a, report);
	if (a->print_forest)
		print_forest(a, report);
	if (a->print_ae)
		print_ae(a, report);
	if (a->o->analysis_level)
		print_summary(a, report);
	if (a->saved)
		(void)fprintf(report, "[renacer: model saved to %s (%s%s%s)]\n", a->o->save_model,
			      a->forest_m ? "isolation forest" : "",
			      a->forest_m && a->ae_m ? ", " : "", a->ae_m ? "autoencoder" : "");
	return fflush(report) == 0 ? 0 : -EIO;
}

/* --- JSON --- */

static void json_call(struct rn_ml_analysis *a, struct rn_buf *b, size_t i)
{
	const struct ml_sysstat *s = &a->sys[ml_slot(a->st->nr[i])];
	rn_buf_put(b, "{\"syscall\": ");
	rn_json_cstr(b, sysname(a, i));
	rn_buf_printf(
	    b,
	    ", \"call\": %zu, \"pid\": %d, \"duration_us\": %.3f, \"avg_duration_us\": %.3f, "
	    "\"call_count\": %llu",
	    i + 1, (int)a->st->pid[i], (double)a->st->dur_ns[i] / 1e3, s->mean_us,
	    (unsigned long long)s->calls);
	char where[512];
	ml_where(a, i, where, sizeof(where));
	if (where[0] && a->st->src[i]) {
		rn_buf_put(b, ", \"source\": ");
		rn_json_cstr(b, where);
	}
}

static void json_features(struct rn_buf *b, const char *key, const double *v)
{
	rn_buf_printf(b, ", \"%s\": [", key);
	for (size_t j = 0; j < RN_MLF_COUNT; j++) {
		rn_buf_put(b, j ? ", {\"feature\": " : "{\"feature\": ");
		rn_json_cstr(b, rn_ml_feature_names()[j]);
		rn_buf_printf(b, ", \"importance\": %.2f}", v[j]);
	}
	rn_buf_putc(b, ']');
}

/* "hpu_analysis": the hotspots (all of them), the correlation of the
 * first HPU_JSON_SHOWN, the clusters with their recommendations. */
#define HPU_JSON_SHOWN 64

static void json_hpu(struct rn_ml_analysis *a, struct rn_buf *b)
{
	const struct rn_ml_hotspots *h = &a->hot;
	size_t n = h->n, show = n < HPU_JSON_SHOWN ? n : HPU_JSON_SHOWN;
	rn_buf_put(b, "  \"hpu_analysis\": {\"backend\": ");
	rn_json_cstr(b, a->hpu_engine);
	rn_buf_printf(b, ", \"compute_us\": %llu, \"unit\": \"%s\", \"time_slices\": %zu, ",
		      (unsigned long long)a->hpu_us,
		      h->by == RN_ML_BY_FUNCTION ? "function" : "syscall", a->nslices);
	rn_buf_put(b, "\"hotspots\": [");
	for (size_t i = 0; i < n; i++) {
		const struct rn_ml_hotspot *u = &h->v[i];
		rn_buf_put(b, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
		rn_json_cstr(b, u->name);
		rn_buf_printf(b, ", \"calls\": %llu, \"total_us\": %.3f, \"avg_us\": %.3f, "
				 "\"cluster\": %u, \"syscalls\": [",
			      (unsigned long long)u->calls, u->total_us, u->avg_us,
			      a->hpu_labels ? a->hpu_labels[i] : 0);
		for (size_t t = 0; t < RN_ML_HOT_TOP && u->top_nr[t] != -2; t++) {
			rn_buf_put(b, t ? ", {\"syscall\": " : "{\"syscall\": ");
			rn_json_cstr(b, rn_ml_syscall_name(u->top_nr[t]));
			rn_buf_printf(b, ", \"total_us\": %.3f}", u->top_us[t]);
		}
		rn_buf_putc(b, ']');
		if (u->site) {
			char where[512];
			(void)rn_srcloc_format(u->site, where, sizeof(where));
			rn_buf_put(b, ", \"slowest_at\": ");
			rn_json_cstr(b, where);
		}
		rn_buf_putc(b, '}');
	}
	rn_buf_put(b, "],\n   \"correlation\": [");
	for (size_t i = 0; i < show; i++) {
		rn_buf_put(b, i ? ",\n    [" : "\n    [");
		for (size_t j = 0; j < show; j++)
			rn_buf_printf(b, "%s%.4f", j ? ", " : "", a->corr[i * n + j]);
		rn_buf_putc(b, ']');
	}
	rn_buf_printf(b, "],\n   \"silhouette_score\": %.4f, \"clusters\": [", a->hpu_sil);
	for (size_t c = 0; n && c < a->hpu_k; c++) {
		struct hpu_cluster k;
		char advice[512];
		hpu_cluster(a, c, &k);
		hpu_advice(a, &k, advice, sizeof(advice));
		rn_buf_printf(b, "%s{\"id\": %zu, \"kind\": ", c ? ",\n    " : "\n    ", c);
		rn_json_cstr(b, kind_name[k.kind]);
		rn_buf_printf(b, ", \"members\": %zu, \"calls\": %llu, \"share_pct\": %.2f, "
				 "\"recommendation\": ",
			      k.members, (unsigned long long)k.calls, k.share);
		rn_json_cstr(b, advice);
		rn_buf_putc(b, '}');
	}
	rn_buf_put(b, "]},\n");
}

void rn_ml_analysis_json(struct rn_ml_analysis *a, struct rn_buf *b)
{
	if (!a || rn_ml_analysis_run(a) < 0)
		return;
	if (a->print_hpu)
		json_hpu(a, b);
	if (a->print_km && a->km_done) {
		rn_buf_printf(b,
			      "  \"ml_analysis\": {\"clusters\": %zu, \"silhouette_score\": %.4f, "
			      "\"anomalies\": [",
			      a->km_res.k, a->km_sil);
		for (size_t k = 0; k < a->nkm_out && k < ML_JSON_LISTED; k++) {
			size_t i = a->km_out[k];
			rn_buf_put(b, k ? ",\n    {\"syscall\": " : "\n    {\"syscall\": ");
			rn_json_cstr(b, sysname(a, i));
			rn_buf_printf(b,
				      ", \"call\": %zu, \"avg_time_us\": %.3f, \"cluster\": %zu}",
				      i + 1, (double)a->st->dur_ns[i] / 1e3, a->km_slow);
		}
		rn_buf_put(b, "]},\n");
	}
	if (a->print_forest && a->forest_m) {
		rn_buf_printf(b,
			      "  \"isolation_forest_analysis\": {\"num_trees\": %zu, "
			      "\"contamination\": %.4f, "
			      "\"total_samples\": %zu, \"threshold\": %.4f, \"outliers\": [",
			      a->forest_m->ntrees, a->o->ml_outlier_threshold, a->feat.rows,
			      a->if_threshold);
		for (size_t k = 0; k < a->nif_out && k < ML_JSON_LISTED; k++) {
			size_t i = a->if_out[k];
			rn_buf_put(b, k ? ",\n    " : "\n    ");
			json_call(a, b, i);
			rn_buf_printf(b, ", \"anomaly_score\": %.4f", a->if_score[i]);
			if (a->o->explain) {
				struct rn_ml_iexplain e[RN_MLF_COUNT];
				double v[RN_MLF_COUNT];
				rn_ml_iforest_explain(a->forest_m, rn_ml_row(&a->feat, i), e);
				for (size_t j = 0; j < RN_MLF_COUNT; j++)
					v[j] = e[j].importance;
				json_features(b, "feature_importance", v);
			}
			rn_buf_putc(b, '}');
		}
		rn_buf_put(b, "]},\n");
	}
	if (a->print_ae && a->ae_m) {
		rn_buf_printf(
		    b,
		    "  \"autoencoder_analysis\": {\"hidden_size\": %zu, \"epochs\": %u, "
		    "\"threshold\": %.4f, "
		    "\"adaptive_threshold\": %.6f, \"total_samples\": %zu, \"anomalies\": [",
		    a->ae_m->hidden, a->o->dl_epochs, a->o->dl_threshold, a->ae_threshold,
		    a->feat.rows);
		for (size_t k = 0; k < a->nae_out && k < ML_JSON_LISTED; k++) {
			size_t i = a->ae_out[k];
			rn_buf_put(b, k ? ",\n    " : "\n    ");
			json_call(a, b, i);
			rn_buf_printf(b, ", \"reconstruction_error\": %.6f", a->ae_err[i]);
			if (a->o->explain) {
				double v[RN_MLF_COUNT];
				(void)rn_ml_ae_error(a->ae_m, rn_ml_row(&a->feat, i), v);
				json_features(b, "feature_contributions", v);
			}
			rn_buf_putc(b, '}');
		}
		rn_buf_put(b, "]},\n");
	}
}

/* --- the sink --- */

struct ml_sink {
	struct rn_sink base;
	struct rn_ml_analysis *a;
	FILE *report, *hpu;
};

static int ml_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct ml_sink *s = (struct ml_sink *)base;
	(void)res;
	int r = rn_ml_analysis_run(s->a);
	if (r < 0) {
		(void)fprintf(stderr, "renacer: the analyses ran out of memory (%zu calls)\n",
			      s->a->st->len);
		return r;
	}
	return ml_print_reports(s->a, s->report, s->hpu);
}

static void ml_free(struct rn_sink *base)
{
	struct ml_sink *s = (struct ml_sink *)base;
	rn_ml_analysis_free(s->a);
	free(s);
}

static const struct rn_sink_ops ml_ops = {
    .name = "ml-analysis",
    .finish = ml_finish,
    .free = ml_free,
};

struct rn_sink *rn_ml_sink_new(struct rn_ml_analysis *a, FILE *report, FILE *hpu)
{
	struct ml_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		rn_ml_analysis_free(a);
		return NULL;
	}
	s->base.ops = &ml_ops;
	s->base.needs = RN_NEED_TIMING | (a->o->source ? RN_NEED_SOURCE : 0);
	s->a = a;
	s->report = report;
	s->hpu = hpu;
	return &s->base;
}
