// SPDX-License-Identifier: MIT
/* The correlation's Z^T Z on a CUDA GPU through cuBLAS, when there is one:
 * libcudart and libcublas are opened at run time (never linked, never
 * required; their few entry points are declared here, so no CUDA header is
 * needed to build). Which engine runs is decided by measured cost, the
 * transfers included: once per process, a calibration product on each
 * engine gives OpenBLAS's rate and the GPU's rate, bandwidth and start-up,
 * and a product goes to the GPU only when the prediction for its size says
 * it finishes sooner there. */
#include "analysis/ml/ml.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CUDA runtime and cuBLAS, as much as is used here. */
enum { CUDA_H2D = 1, CUDA_D2H = 2, CUBLAS_N = 0, CUBLAS_T = 1 };
static struct {
	int (*get_device_count)(int *);
	int (*malloc_)(void **, size_t);
	int (*free_)(void *);
	int (*memcpy_)(void *, const void *, size_t, int);
	int (*synchronize)(void);
	const char *(*error_string)(int);
	int (*create)(void **);
	int (*destroy)(void *);
	int (*sgemm)(void *, int, int, int, int, int, const float *, const float *, int, const float *,
		     int, const float *, float *, int);
	void *handle;	  /* cuBLAS handle, made on first use */
	bool usable;
	char why[160];	  /* why not, or which device */
	double init_s;	  /* creating the context and the handle: paid once */
	double gpu_flops; /* per second, measured */
	double gpu_bw;	  /* bytes per second over the bus, both ways, measured */
	double cpu_flops; /* OpenBLAS, per second, measured */
	bool calibrated;
	bool used;	  /* a product ran here: the start-up is paid */
} G;

static pthread_once_t gpu_once = PTHREAD_ONCE_INIT;

static double now_s(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *open_lib(const char *name)
{
	static const char *const dirs[] = { "", "/usr/local/cuda/lib64/", "/usr/local/cuda/lib/" };
	char path[256];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s%s", dirs[i], name);
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h)
			return h;
	}
	return NULL;
}

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

static void gpu_load(void)
{
	if (getenv("RENACER_NO_GPU")) {
		(void)snprintf(G.why, sizeof(G.why), "RENACER_NO_GPU is set");
		return;
	}
#ifdef SANITIZED
	/* The CUDA runtime and AddressSanitizer do not share an address space
	 * well (its allocations also read as leaks at exit). */
	(void)snprintf(G.why, sizeof(G.why), "not probed in a sanitizer build");
	return;
#endif
	void *rt = open_lib("libcudart.so.13");
	if (!rt)
		rt = open_lib("libcudart.so.12");
	void *bl = rt ? open_lib("libcublas.so.13") : NULL;
	if (rt && !bl)
		bl = open_lib("libcublas.so.12");
	if (!rt || !bl) {
		(void)snprintf(G.why, sizeof(G.why), "no CUDA runtime (libcudart, libcublas)");
		return;
	}
#define RT(f, n) (G.f = (__typeof__(G.f))dlsym(rt, n)) != NULL
#define BL(f, n) (G.f = (__typeof__(G.f))dlsym(bl, n)) != NULL
	bool ok = RT(get_device_count, "cudaGetDeviceCount") && RT(malloc_, "cudaMalloc") &&
		  RT(free_, "cudaFree") && RT(memcpy_, "cudaMemcpy") &&
		  RT(synchronize, "cudaDeviceSynchronize") && RT(error_string, "cudaGetErrorString") &&
		  BL(create, "cublasCreate_v2") && BL(destroy, "cublasDestroy_v2") &&
		  BL(sgemm, "cublasSgemm_v2");
#undef RT
#undef BL
	if (!ok) {
		(void)snprintf(G.why, sizeof(G.why), "the CUDA libraries lack an entry point");
		return;
	}
	int n = 0;
	double t0 = now_s();
	int e = G.get_device_count(&n);
	if (e != 0 || n < 1) {
		(void)snprintf(G.why, sizeof(G.why), "no CUDA device (%s)",
			       e ? G.error_string(e) : "none found");
		return;
	}
	if (G.create(&G.handle) != 0) {
		(void)snprintf(G.why, sizeof(G.why), "cuBLAS could not start");
		return;
	}
	G.init_s = now_s() - t0;
	G.usable = true;
	(void)snprintf(G.why, sizeof(G.why), "CUDA device 0 of %d", n);
}

bool rn_ml_gpu_available(const char **why)
{
	(void)pthread_once(&gpu_once, gpu_load);
	*why = G.why;
	return G.usable;
}

/* ret (p x p) = Z^T Z for row-major z (n x p), on the GPU. In cuBLAS's
 * column-major terms z is A = Z^T (p x n, lda p), and ret = A A^T. */
int rn_ml_gpu_gram(const float *z, size_t n, size_t p, float *ret, double *xfer_s, double *compute_s)
{
	if (!G.usable || n > 0x7fffffff || p > 0x7fffffff)
		return -1;
	void *dz = NULL, *dc = NULL;
	size_t zb = n * p * sizeof(float), cb = p * p * sizeof(float);
	if (G.malloc_(&dz, zb) != 0 || G.malloc_(&dc, cb) != 0) {
		if (dz)
			(void)G.free_(dz);
		return -1;
	}
	double t0 = now_s();
	int e = G.memcpy_(dz, z, zb, CUDA_H2D);
	double t1 = now_s();
	const float one = 1.0f, zero = 0.0f;
	if (e == 0)
		e = G.sgemm(G.handle, CUBLAS_N, CUBLAS_T, (int)p, (int)p, (int)n, &one, dz, (int)p, dz, (int)p,
			    &zero, dc, (int)p);
	if (e == 0)
		e = G.synchronize();
	double t2 = now_s();
	if (e == 0)
		e = G.memcpy_(ret, dc, cb, CUDA_D2H);
	G.used = true;
	double t3 = now_s();
	(void)G.free_(dz);
	(void)G.free_(dc);
	if (xfer_s)
		*xfer_s = (t1 - t0) + (t3 - t2);
	if (compute_s)
		*compute_s = t2 - t1;
	return e == 0 ? 0 : -1;
}

/* Once: a 1024 x 256 product on each engine (the GPU's twice: the first
 * warms it up). */
static void calibrate(void)
{
	size_t n = 1024, p = 256;
	float *z = malloc(n * p * sizeof(float)), *c = malloc(p * p * sizeof(float));
	if (!z || !c) {
		free(z);
		free(c);
		return;
	}
	for (size_t i = 0; i < n * p; i++)
		z[i] = (float)(i % 97) / 97.0f;
	double flops = 2.0 * (double)n * (double)p * (double)p;
	double t0 = now_s();
	if (rn_ml_gram_blas(z, n, p, c) == 0)
		G.cpu_flops = flops / (now_s() - t0 + 1e-9);
	double x = 0, k = 0;
	if (rn_ml_gpu_gram(z, n, p, c, NULL, NULL) == 0 && rn_ml_gpu_gram(z, n, p, c, &x, &k) == 0) {
		G.gpu_flops = flops / (k + 1e-9);
		G.gpu_bw = (double)(n * p + p * p) * sizeof(float) / (x + 1e-9);
	}
	G.calibrated = true;
	free(z);
	free(c);
}

bool rn_ml_gpu_pays(size_t n, size_t p, double *gpu_s, double *cpu_s)
{
	if (!G.usable)
		return false;
	if (!G.calibrated)
		calibrate();
	if (!(G.gpu_flops > 0) || !(G.cpu_flops > 0)) {
		/* Not for this run: rn_ml_gpu_available says why from now on. */
		G.usable = false;
		(void)snprintf(G.why, sizeof(G.why), "the calibration product failed on %s",
			       G.gpu_flops > 0 ? "OpenBLAS" : "the GPU");
		return false;
	}
	double flops = 2.0 * (double)n * (double)p * (double)p;
	double bytes = (double)(n * p + p * p) * sizeof(float);
	/* The first product also pays for the context and the handle. */
	*gpu_s = flops / G.gpu_flops + bytes / G.gpu_bw + (G.used ? 0 : G.init_s);
	*cpu_s = flops / G.cpu_flops;
	return *gpu_s < *cpu_s;
}
