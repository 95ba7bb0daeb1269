// SPDX-License-Identifier: MIT
/* The entry points of the CUDA runtime and cuBLAS stand-ins (cudart.c,
 * cublas.c), as the CUDA documentation declares them with opaque handles
 * as void *, and the allocation check they share. */
#ifndef RENACER_CUDA_STANDIN_H
#define RENACER_CUDA_STANDIN_H
#include <stddef.h>

int standin_is_device(const void *p, size_t len);

int cudaGetDeviceCount(int *n);
int cudaMalloc(void **p, size_t len);
int cudaFree(void *p);
int cudaMemcpy(void *dst, const void *src, size_t len, int kind);
int cudaDeviceSynchronize(void);
const char *cudaGetErrorString(int e);

int cublasCreate_v2(void **h);
int cublasDestroy_v2(void *h);
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *a,
		   int lda, const float *b, int ldb, const float *beta, float *c, int ldc);
#endif
