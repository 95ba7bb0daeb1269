// SPDX-License-Identifier: MIT
/* The ML building blocks against values worked out by hand or computed
 * here independently: correlation, silhouette, c(n), k-means on separable
 * blobs, an isolation forest and an autoencoder that must rank a planted
 * outlier first, the model file's round trip and its errors, and the
 * per-call features. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/ml/features.h"
#include "analysis/ml/ml.h"

static struct rn_ml_matrix mat(size_t rows, size_t cols, const float *v)
{
	struct rn_ml_matrix m;
	assert_int_equal(rn_ml_matrix_init(&m, rows, cols), 0);
	memcpy(m.v, v, rows * cols * sizeof(float));
	return m;
}

static void test_correlation_small(void **state)
{
	(void)state;
	/* columns: a, 2a, reversed a, alternating, constant */
	const float v[] = {
	    1, 2, 4, 1, 7, /**/ 2, 4, 3, 0, 7, /**/ 3, 6, 2, 1, 7, /**/ 4, 8, 1, 0, 7,
	};
	struct rn_ml_matrix x = mat(4, 5, v);
	float c[25], d[25];
	assert_int_equal(rn_ml_correlation(&x, c, RN_ML_BLAS, NULL, 0), 0);
	assert_int_equal(rn_ml_correlation(&x, d, RN_ML_LOOP, NULL, 0), 0);
	/* AUTO: the GPU when one is there and pays (same values), else OpenBLAS;
	 * either way it says which, and why. */
	float e[25];
	char used[256];
	/* Too small for a GPU to pay: not even probed. */
	assert_int_equal(rn_ml_correlation(&x, e, RN_ML_AUTO, used, sizeof(used)), 0);
	assert_non_null(strstr(used, "GPU not used: the product (200 flops) is too small"));
	for (int i = 0; i < 25; i++)
		assert_true(fabsf(e[i] - c[i]) < 1e-4f);
	/* Big enough to ask: the GPU when it pays (same values), else why not. */
	struct rn_ml_matrix big;
	struct rn_ml_rng rg;
	rn_ml_rng_seed(&rg, 11);
	assert_int_equal(rn_ml_matrix_init(&big, 2000, 300), 0);
	for (size_t i = 0; i < big.rows * big.cols; i++)
		big.v[i] = (float)rn_ml_rng_unit(&rg);
	float *cb = malloc(300 * 300 * sizeof(float)), *cg = malloc(300 * 300 * sizeof(float));
	assert_non_null(cb);
	assert_non_null(cg);
	assert_int_equal(rn_ml_correlation(&big, cb, RN_ML_BLAS, NULL, 0), 0);
	assert_int_equal(rn_ml_correlation(&big, cg, RN_ML_AUTO, used, sizeof(used)), 0);
	const char *why;
	if (rn_ml_gpu_available(&why))
		/* Chosen by the measured cost, which the report gives. */
		assert_true((strstr(used, "GPU (cuBLAS, CUDA device 0 of ") == used &&
			     strstr(used, " ms predicted with the transfers")) ||
			    (strstr(used, "GPU not used: CUDA device 0 of ") == used &&
			     strstr(used, " ms with the transfers, the CPU ")));
	else
		assert_true(strstr(used, "GPU not used: ") == used && strstr(used, why));
	for (size_t i = 0; i < 300 * 300; i++)
		assert_true(fabsf(cg[i] - cb[i]) < 1e-3f);
	free(cb);
	free(cg);
	rn_ml_matrix_done(&big);
	for (int i = 0; i < 25; i++)
		assert_true(fabsf(c[i] - d[i]) < 1e-5f);
	for (int i = 0; i < 5; i++)
		assert_true(fabsf(c[i * 5 + i] - 1.0f) < 1e-6f);
	assert_true(fabsf(c[0 * 5 + 1] - 1.0f) < 1e-5f);
	assert_true(fabsf(c[0 * 5 + 2] + 1.0f) < 1e-5f);
	/* sum of products of deviations -1, norms sqrt(5) and 1 */
	assert_true(fabsf(c[0 * 5 + 3] - (float)(-1.0 / sqrt(5.0))) < 1e-5f);
	assert_true(fabsf(c[3 * 5 + 0] - c[0 * 5 + 3]) < 1e-6f);
	assert_true(fabsf(c[0 * 5 + 4]) < 1e-6f);
	rn_ml_matrix_done(&x);
}

static void test_silhouette_hand(void **state)
{
	(void)state;
	const float v[] = {0, 1, 10, 11};
	const uint32_t lab[] = {0, 0, 1, 1};
	struct rn_ml_matrix x = mat(4, 1, v);
	/* a = 1 everywhere; b = 10.5, 9.5, 9.5, 10.5 */
	double want = (2 * (9.5 / 10.5) + 2 * (8.5 / 9.5)) / 4;
	assert_true(fabs(rn_ml_silhouette(&x, lab, 2, 0, 1) - want) < 1e-9);
	rn_ml_matrix_done(&x);
	/* a singleton scores 0: {0} {5, 6} */
	const float w[] = {0, 5, 6};
	const uint32_t lw[] = {0, 1, 1};
	x = mat(3, 1, w);
	want = (0 + (5.0 - 1) / 5.0 + (6.0 - 1) / 6.0) / 3;
	assert_true(fabs(rn_ml_silhouette(&x, lw, 2, 0, 1) - want) < 1e-9);
	/* one cluster: 0 */
	const uint32_t one[] = {0, 0, 0};
	assert_true(rn_ml_silhouette(&x, one, 2, 0, 1) == 0);
	rn_ml_matrix_done(&x);
}

static void test_c_of_n(void **state)
{
	(void)state;
	assert_true(rn_ml_iforest_c(0) == 0);
	assert_true(rn_ml_iforest_c(1) == 0);
	assert_true(fabs(rn_ml_iforest_c(2) - 1.0) < 1e-12);
	assert_true(fabs(rn_ml_iforest_c(3) - (2 * 1.5 - 4.0 / 3)) < 1e-12);
	size_t ns[] = {256, 999, 1000, 1001, 100000};
	for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		size_t n = ns[k];
		double h = 0;
		for (size_t i = n - 1; i >= 1; i--) /* small terms first */
			h += 1.0 / (double)i;
		double want = 2 * h - 2.0 * (double)(n - 1) / (double)n;
		assert_true(fabs(rn_ml_iforest_c(n) - want) < 1e-9);
	}
	/* the paper's 10.2448 for psi = 256 uses H(i) ~ ln i + gamma; the
	 * exact harmonic number is 0.004 larger */
	assert_true(fabs(rn_ml_iforest_c(256) - 10.2448) < 1e-2);
}

/* Three blobs of 60 points in 2-D. */
static struct rn_ml_matrix blobs(void)
{
	struct rn_ml_matrix x;
	const float cx[] = {0, 10, -10}, cy[] = {0, 10, 10};
	struct rn_ml_rng r;
	rn_ml_rng_seed(&r, 7);
	assert_int_equal(rn_ml_matrix_init(&x, 180, 2), 0);
	for (size_t i = 0; i < 180; i++) {
		rn_ml_row(&x, i)[0] = cx[i / 60] + (float)(rn_ml_rng_unit(&r) - 0.5);
		rn_ml_row(&x, i)[1] = cy[i / 60] + (float)(rn_ml_rng_unit(&r) - 0.5);
	}
	return x;
}

static void test_kmeans_separable(void **state)
{
	(void)state;
	struct rn_ml_matrix x = blobs();
	struct rn_ml_kmeans a, b;
	assert_int_equal(rn_ml_kmeans(&x, 3, 42, 100, &a), 0);
	assert_int_equal(rn_ml_kmeans(&x, 3, 42, 100, &b), 0);
	for (size_t i = 0; i < 180; i++) {
		assert_int_equal(a.labels[i], a.labels[i / 60 * 60]);
		assert_int_equal(a.labels[i], b.labels[i]);
	}
	assert_int_not_equal(a.labels[0], a.labels[60]);
	assert_int_not_equal(a.labels[0], a.labels[120]);
	assert_int_not_equal(a.labels[60], a.labels[120]);
	for (size_t c = 0; c < 3; c++)
		assert_int_equal(a.sizes[c], 60);
	double s = rn_ml_silhouette(&x, a.labels, 3, 0, 1);
	assert_true(s > 0.9);
	/* the sampled silhouette is close to the exact one */
	assert_true(fabs(rn_ml_silhouette(&x, a.labels, 3, 90, 5) - s) < 0.05);
	assert_int_equal(rn_ml_kmeans(&x, 0, 1, 10, &b), -EINVAL);
	rn_ml_kmeans_done(&a);
	rn_ml_kmeans_done(&b);
	rn_ml_matrix_done(&x);
}

/* 1000 points near a line in 3-D, one far off it in every coordinate at
 * row 500. */
static struct rn_ml_matrix with_outlier(void)
{
	struct rn_ml_matrix x;
	struct rn_ml_rng r;
	rn_ml_rng_seed(&r, 3);
	assert_int_equal(rn_ml_matrix_init(&x, 1000, 3), 0);
	for (size_t i = 0; i < 1000; i++) {
		float u = (float)rn_ml_rng_unit(&r);
		rn_ml_row(&x, i)[0] = u;
		rn_ml_row(&x, i)[1] = 2 * u + 0.05f * (float)rn_ml_rng_unit(&r);
		rn_ml_row(&x, i)[2] = (float)rn_ml_rng_unit(&r) * 0.1f;
	}
	rn_ml_row(&x, 500)[0] = 3.0f;
	rn_ml_row(&x, 500)[1] = -2.0f;
	rn_ml_row(&x, 500)[2] = 3.0f;
	return x;
}

static void test_iforest_ranks_outlier(void **state)
{
	(void)state;
	struct rn_ml_matrix x = with_outlier();
	struct rn_ml_iforest *f = NULL;
	assert_int_equal(rn_ml_iforest_fit(&x, 100, 256, 9, &f), 0);
	double *s = calloc(x.rows, sizeof(double));
	assert_int_equal(rn_ml_iforest_score_all(f, &x, s), 0);
	size_t best = 0;
	for (size_t i = 1; i < x.rows; i++)
		if (s[i] > s[best])
			best = i;
	assert_int_equal(best, 500);
	assert_true(s[500] > 0.6);
	assert_true(fabs(s[500] - rn_ml_iforest_score(f, rn_ml_row(&x, 500))) < 1e-12);
	/* Every scoring walk (packed, AVX-512 where the CPU has it, the general
	 * one for non-finite data) gives the one-row walk's score exactly. */
	for (size_t i = 0; i < x.rows; i++)
		assert_true(s[i] == rn_ml_iforest_score(f, rn_ml_row(&x, i)));
	double *s2 = calloc(x.rows, sizeof(double));
	setenv("RENACER_NO_AVX512", "1", 1);
	assert_int_equal(rn_ml_iforest_score_all(f, &x, s2), 0);
	unsetenv("RENACER_NO_AVX512");
	assert_memory_equal(s, s2, x.rows * sizeof(double));
	float keep = rn_ml_row(&x, 3)[0];
	rn_ml_row(&x, 3)[0] = NAN; /* not finite: the general walk */
	assert_int_equal(rn_ml_iforest_score_all(f, &x, s2), 0);
	for (size_t i = 0; i < x.rows; i++)
		assert_true(s2[i] == rn_ml_iforest_score(f, rn_ml_row(&x, i)));
	rn_ml_row(&x, 3)[0] = keep;
	free(s2);
	/* every feature helped; the splits bound it from the right side */
	struct rn_ml_iexplain e[3];
	rn_ml_iforest_explain(f, rn_ml_row(&x, 500), e);
	assert_true(fabs(e[0].importance + e[1].importance + e[2].importance - 100) < 1e-6);
	for (int j = 0; j < 3; j++)
		assert_true(e[j].importance > 10 && e[j].splits > 0);
	assert_true(e[2].above <= 3.0f && e[2].above > 0.1f && e[2].cut_above > e[2].cut_below);
	assert_true(e[1].below > -2.0f && e[1].below < 0.0f);
	assert_true(e[0].above <= 3.0f && e[0].above > 1.0f);
	/* its path is far shorter than a typical point's */
	assert_true(rn_ml_iforest_path(f, rn_ml_row(&x, 500)) <
		    rn_ml_iforest_path(f, rn_ml_row(&x, 10)));
	free(s);
	rn_ml_iforest_free(f);
	rn_ml_matrix_done(&x);
}

static void test_autoencoder_off_distribution(void **state)
{
	(void)state;
	struct rn_ml_matrix x = with_outlier();
	/* train without the outlier: rows 0..499 */
	struct rn_ml_matrix train = {500, 3, x.v};
	struct rn_ml_ae *ae = NULL, *ae2 = NULL;
	assert_int_equal(rn_ml_ae_train(&train, 2, 100, 11, &ae), 0);
	assert_int_equal(rn_ml_ae_train(&train, 2, 100, 11, &ae2), 0);
	double contrib[3];
	double out = rn_ml_ae_error(ae, rn_ml_row(&x, 500), contrib);
	double worst = 0;
	for (size_t i = 0; i < 500; i++) {
		double e = rn_ml_ae_error(ae, rn_ml_row(&x, i), NULL);
		if (e > worst)
			worst = e;
		/* the same seed trains the same network */
		assert_true(e == rn_ml_ae_error(ae2, rn_ml_row(&x, i), NULL));
	}
	assert_true(out > 5 * worst);
	assert_true(out > ae->err_mean + 3 * ae->err_sd);
	assert_true(contrib[2] > 50);
	assert_true(fabs(contrib[0] + contrib[1] + contrib[2] - 100) < 1e-6);
	rn_ml_ae_free(ae);
	rn_ml_ae_free(ae2);
	rn_ml_matrix_done(&x);
}

static const char *const fnames[] = {"a", "b", "c"};

static void test_model_round_trip(void **state)
{
	(void)state;
	struct rn_ml_matrix x = with_outlier();
	struct rn_ml_model m = {
	    .nfeatures = 3, .features = fnames, .forest_threshold = 0.55, .ae_threshold = 2.0};
	assert_int_equal(rn_ml_iforest_fit(&x, 20, 64, 1, &m.forest), 0);
	assert_int_equal(rn_ml_ae_train(&x, 2, 20, 1, &m.ae), 0);
	char path[] = "/tmp/renacer-test-model-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	(void)close(fd);
	struct rn_diag d = {""};
	assert_int_equal(rn_ml_model_save(&m, path, &d), 0);
	struct rn_ml_model l = {0};
	assert_int_equal(rn_ml_model_load(path, &l, &d), 0);
	assert_int_equal(l.nfeatures, 3);
	assert_string_equal(l.features[2], "c");
	assert_non_null(l.forest);
	assert_non_null(l.ae);
	assert_true(l.forest_threshold == 0.55 && l.ae_threshold == 2.0);
	for (size_t i = 0; i < x.rows; i += 7) {
		const float *row = rn_ml_row(&x, i);
		assert_true(rn_ml_iforest_score(m.forest, row) ==
			    rn_ml_iforest_score(l.forest, row));
		assert_true(rn_ml_ae_error(m.ae, row, NULL) == rn_ml_ae_error(l.ae, row, NULL));
	}
	assert_true(l.ae->err_mean == m.ae->err_mean);
	rn_ml_model_done(&l);
	m.features = NULL;
	rn_ml_iforest_free(m.forest);
	rn_ml_ae_free(m.ae);
	(void)unlink(path);
	rn_ml_matrix_done(&x);
}

static void load_text(const char *text, int want, const char *needle)
{
	char path[] = "/tmp/renacer-test-model-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	(void)close(fd);
	struct rn_diag d = {""};
	struct rn_ml_model l = {0};
	assert_int_equal(rn_ml_model_load(path, &l, &d), want);
	if (!strstr(d.msg, needle) || !strstr(d.msg, path) || strchr(d.msg, '\n'))
		fail_msg("message '%s' lacks '%s'", d.msg, needle);
	assert_null(l.forest);
	(void)unlink(path);
}

static void test_model_bad_files(void **state)
{
	(void)state;
	struct rn_diag d = {""};
	struct rn_ml_model l = {0};
	assert_int_equal(rn_ml_model_load("/nonexistent/model.json", &l, &d), -ENOENT);
	assert_non_null(strstr(d.msg, "cannot read model '/nonexistent/model.json'"));
	load_text("{\"format\": ", -EBADMSG, "not valid JSON: line 1");
	load_text("{\"format\": \"renacer-json-v1\"}", -EBADMSG, "is not a renacer model");
	load_text("{\"format\": \"renacer-ml-model\", \"version\": 9, \"features\": [\"a\"]}",
		  -EBADMSG, "unsupported version 9 (this renacer reads version 1)");
	load_text("{\"format\": \"renacer-ml-model\", \"version\": 1, \"features\": [\"a\"]}",
		  -EBADMSG, "neither");
	/* a child before its parent would let a walk loop */
	load_text(
	    "{\"format\": \"renacer-ml-model\", \"version\": 1, \"features\": [\"a\"],"
	    " \"isolation_forest\": {\"trees\": 1, \"subsample\": 2, \"score_threshold\": 0.5,"
	    " \"roots\": [0], \"nodes\": [[0, 1.0, 0, 1, 2], [-1, 0, 0, 0, 1]]}}",
	    -EBADMSG, "malformed isolation_forest.nodes");
	load_text("{\"format\": \"renacer-ml-model\", \"version\": 1, \"features\": [\"a\"],"
		  " \"autoencoder\": {\"hidden\": 1, \"error_mean\": 0, \"error_sd\": 1,"
		  " \"threshold_sigma\": 2, \"mean\": [0], \"scale\": [1], \"w1\": [1, 2],"
		  " \"b1\": [0], \"w2\": [1], \"b2\": [0]}}",
		  -EBADMSG, "malformed autoencoder");
}

static void add_call(struct rn_store *st, int pid, int nr, uint64_t ts_us, uint64_t dur_us,
		     uint64_t a0, uint64_t a2)
{
	struct rn_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.pid = pid;
	ev.nr = nr;
	ev.ts_ns = ts_us * 1000;
	ev.dur_ns = dur_us * 1000;
	ev.args[0] = a0;
	ev.args[2] = a2;
	assert_int_equal(rn_store_append(st, &ev), 0);
}

static void test_call_features(void **state)
{
	(void)state;
	struct rn_store *st = rn_store_new();
	add_call(st, 10, SYS_write, 1000, 9, 1, 4096); /* ends at 1009 */
	add_call(st, 11, SYS_nanosleep, 1005, 100, 0x7ffd0000, 0);
	add_call(st, 10, SYS_write, 1029, 99, 1, 4096); /* gap 20 us */
	struct rn_ml_matrix m;
	assert_int_equal(rn_ml_call_features(st, &m), 0);
	assert_int_equal(m.rows, 3);
	assert_int_equal(m.cols, RN_MLF_COUNT);
	const float *w0 = rn_ml_row(&m, 0), *ns = rn_ml_row(&m, 1), *w1 = rn_ml_row(&m, 2);
	assert_true(fabsf(w0[RN_MLF_DURATION] - logf(10)) < 1e-5f);
	assert_true(fabsf(w1[RN_MLF_DURATION] - logf(100)) < 1e-5f);
	/* mean of ln(1+d) over write is (ln 10 + ln 100) / 2 */
	assert_true(fabsf(w1[RN_MLF_RELATIVE] - (logf(100) - logf(10)) / 2) < 1e-5f);
	assert_true(w0[RN_MLF_SYSCALL] == SYS_write);
	assert_true(w0[RN_MLF_FD] == 1);
	assert_true(ns[RN_MLF_FD] == -1);
	assert_true(ns[RN_MLF_SIZE] == -1);
	assert_true(fabsf(w0[RN_MLF_SIZE] - logf(4097)) < 1e-4f);
	/* a task's first call gets the average of the calls with a gap */
	assert_true(w0[RN_MLF_GAP] == w1[RN_MLF_GAP]);
	assert_true(ns[RN_MLF_BURST] == w1[RN_MLF_BURST]);
	assert_true(fabsf(w1[RN_MLF_GAP] - logf(21)) < 1e-5f);
	/* one gap of 20 us: 1000 / 21 calls per ms */
	assert_true(fabsf(w1[RN_MLF_BURST] - (float)log1p(1000.0 / 21)) < 1e-4f);
	char buf[64];
	rn_ml_feature_format(RN_MLF_DURATION, w1[RN_MLF_DURATION], buf, sizeof(buf));
	assert_string_equal(buf, "99.0 us");
	rn_ml_feature_format(RN_MLF_SYSCALL, w1[RN_MLF_SYSCALL], buf, sizeof(buf));
	assert_string_equal(buf, "write");

	struct rn_ml_hotspots h;
	assert_int_equal(rn_ml_hotspots(st, RN_ML_BY_SYSCALL, &h), 0);
	assert_int_equal(h.n, 2);
	/* most total time first: write 108 us, nanosleep 100 us */
	assert_int_equal(h.v[0].nr, SYS_write);
	assert_string_equal(h.v[0].name, "write");
	assert_int_equal(h.v[0].calls, 2);
	assert_true(fabs(h.v[0].avg_us - 54) < 1e-9);
	assert_true(fabs(h.v[0].kind_us[RN_MLK_IO] - 108) < 1e-9);
	assert_int_equal(h.v[1].nr, SYS_nanosleep);
	assert_true(fabs(h.v[1].kind_us[RN_MLK_WAIT] - 100) < 1e-9);
	/* every call points at its own hotspot */
	assert_int_equal(h.unit[0], 0);
	assert_int_equal(h.unit[1], 1);
	assert_int_equal(h.unit[2], 0);
	rn_ml_hotspots_done(&h);
	rn_ml_matrix_done(&m);
	rn_store_free(st);
}

/* With source locations, the hotspots are functions: calls of one function
 * add up whatever their syscalls, its top syscalls and kinds are its own,
 * and the activity matrix counts calls per function per slice. */
static void test_hotspots_by_function(void **state)
{
	(void)state;
	static const struct rn_srcloc load = {.file = "app.c", .line = 10, .function = "load",
					      .module = "app", .user = true};
	static const struct rn_srcloc load2 = {.file = "app.c", .line = 12, .function = "load",
					       .module = "app", .user = true};
	static const struct rn_srcloc nap = {.file = "app.c", .line = 30, .function = "nap",
					     .module = "app", .user = true};
	static const struct rn_srcloc anon = {.module = "libx.so"};
	struct rn_store *st = rn_store_new();
	const struct rn_srcloc *where[] = {&load, &load2, &load, &nap, &anon, NULL};
	const int nrs[] = {SYS_openat, SYS_read, SYS_read, SYS_nanosleep, SYS_write, SYS_getpid};
	const uint64_t durs[] = {20, 50, 30, 500, 5, 1};
	for (size_t i = 0; i < 6; i++) {
		add_call(st, 10, nrs[i], 1000 * (i + 1), durs[i], 3, 10);
		st->src[i] = where[i];
	}
	struct rn_ml_hotspots h;
	assert_int_equal(rn_ml_hotspots(st, RN_ML_BY_FUNCTION, &h), 0);
	assert_int_equal(h.n, 4);
	assert_string_equal(h.v[0].name, "nap");
	assert_string_equal(h.v[1].name, "load");
	assert_string_equal(h.v[2].name, "?? in libx.so");
	assert_string_equal(h.v[3].name, "(outside the program's code)");
	const struct rn_ml_hotspot *l = &h.v[1];
	assert_int_equal(l->calls, 3);
	assert_true(fabs(l->total_us - 100) < 1e-9);
	/* read 80 us, openat 20 us */
	assert_int_equal(l->nr, SYS_read);
	assert_int_equal(l->top_nr[0], SYS_read);
	assert_true(fabs(l->top_us[0] - 80) < 1e-9);
	assert_int_equal(l->top_nr[1], SYS_openat);
	assert_int_equal(l->top_nr[2], -2);
	assert_true(fabs(l->kind_us[RN_MLK_IO] - 100) < 1e-9);
	/* its slowest call was the read on line 12 */
	assert_ptr_equal(l->site, &load2);
	assert_true(fabs(h.v[0].kind_us[RN_MLK_WAIT] - 500) < 1e-9);
	const uint32_t want[] = {1, 1, 1, 0, 2, 3};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(h.unit[i], want[i]);
	/* 6 calls over 5 ms in 5 slices: one call per slice but the last two */
	struct rn_ml_matrix act;
	assert_int_equal(rn_ml_activity_matrix(st, &h, 5, &act), 0);
	assert_int_equal(act.rows, 5);
	assert_int_equal(act.cols, 4);
	assert_true(rn_ml_row(&act, 0)[1] == 1); /* load's openat */
	assert_true(rn_ml_row(&act, 2)[1] == 1); /* load's second read */
	assert_true(rn_ml_row(&act, 3)[0] == 1); /* nap */
	assert_true(rn_ml_row(&act, 4)[2] == 1 && rn_ml_row(&act, 4)[3] == 1);
	rn_ml_matrix_done(&act);
	/* the clustering matrix: standardized columns (mean 0) */
	struct rn_ml_matrix hm;
	assert_int_equal(rn_ml_hotspot_matrix(&h, &hm), 0);
	for (size_t j = 0; j < 3; j++) {
		double sum = 0;
		for (size_t i = 0; i < hm.rows; i++)
			sum += rn_ml_row(&hm, i)[j];
		assert_true(fabs(sum) < 1e-4);
	}
	/* nap: the slowest on average, so the largest avg-time value */
	for (size_t i = 1; i < hm.rows; i++)
		assert_true(rn_ml_row(&hm, 0)[0] > rn_ml_row(&hm, i)[0]);
	rn_ml_matrix_done(&hm);
	rn_ml_hotspots_done(&h);
	rn_store_free(st);
}

static void test_kind_of(void **state)
{
	(void)state;
	assert_int_equal(rn_ml_kind_of(SYS_read), RN_MLK_IO);
	assert_int_equal(rn_ml_kind_of(SYS_newfstatat), RN_MLK_IO);
	assert_int_equal(rn_ml_kind_of(SYS_futex), RN_MLK_WAIT);
	assert_int_equal(rn_ml_kind_of(SYS_wait4), RN_MLK_WAIT);
	assert_int_equal(rn_ml_kind_of(SYS_mmap), RN_MLK_MEMORY);
	/* execve names a file, but starting a program is process management */
	assert_int_equal(rn_ml_kind_of(SYS_execve), RN_MLK_PROCESS);
	assert_int_equal(rn_ml_kind_of(SYS_clone), RN_MLK_PROCESS);
	assert_int_equal(rn_ml_kind_of(-1), RN_MLK_OTHER);
}

/* On a machine with a CUDA GPU: cuBLAS's Z^T Z equals OpenBLAS's. */
static void test_gpu_gram_matches_blas(void **state)
{
	(void)state;
	const char *why;
	if (!rn_ml_gpu_available(&why)) {
		/* tests/cuda_standin's run must not skip. */
		if (getenv("RENACER_EXPECT_GPU"))
			fail_msg("RENACER_EXPECT_GPU is set but there is no GPU: %s", why);
		(void)fprintf(stderr, "no GPU here (%s): skipped\n", why);
		skip();
	}
	size_t n = 3000, p = 64;
	float *z = malloc(n * p * sizeof(float)), *g = malloc(p * p * sizeof(float)),
	      *b = malloc(p * p * sizeof(float));
	assert_non_null(z);
	struct rn_ml_rng r;
	rn_ml_rng_seed(&r, 5);
	for (size_t i = 0; i < n * p; i++)
		z[i] = (float)rn_ml_rng_unit(&r) - 0.5f;
	double x, k;
	assert_int_equal(rn_ml_gpu_gram(z, n, p, g, &x, &k), 0);
	assert_int_equal(rn_ml_gram_blas(z, n, p, b), 0);
	for (size_t i = 0; i < p * p; i++)
		assert_true(fabsf(g[i] - b[i]) < 1e-2f * (1.0f + fabsf(b[i])));
	free(z);
	free(g);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gpu_gram_matches_blas),
	    cmocka_unit_test(test_correlation_small),
	    cmocka_unit_test(test_silhouette_hand),
	    cmocka_unit_test(test_c_of_n),
	    cmocka_unit_test(test_kmeans_separable),
	    cmocka_unit_test(test_iforest_ranks_outlier),
	    cmocka_unit_test(test_autoencoder_off_distribution),
	    cmocka_unit_test(test_model_round_trip),
	    cmocka_unit_test(test_model_bad_files),
	    cmocka_unit_test(test_call_features),
	    cmocka_unit_test(test_hotspots_by_function),
	    cmocka_unit_test(test_kind_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
