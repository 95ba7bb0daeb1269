// SPDX-License-Identifier: MIT
/* A stand-in for cuBLAS (see cudart.c): cublasSgemm_v2 computes
 * C = alpha op(A) op(B) + beta C in column-major order as the cuBLAS
 * documentation defines it, on the stand-in's "device" memory, and rejects
 * what cuBLAS rejects (bad sizes, leading dimensions, operations). */
#include <stdlib.h>

#include "standin.h"

enum { SUCCESS = 0, NOT_INITIALIZED = 1, INVALID_VALUE = 7, EXECUTION_FAILED = 13 };
enum { OP_N = 0, OP_T = 1, OP_C = 2 };

static int handle_token;

int cublasCreate_v2(void **h)
{
	*h = &handle_token;
	return SUCCESS;
}

int cublasDestroy_v2(void *h)
{
	return h == &handle_token ? SUCCESS : NOT_INITIALIZED;
}

/* Element (i, j) of op(X), X stored column-major with leading dimension ld. */
static float at(const float *x, int ld, int op, int i, int j)
{
	return op == OP_N ? x[(size_t)j * (size_t)ld + (size_t)i] : x[(size_t)i * (size_t)ld + (size_t)j];
}

int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *a,
		   int lda, const float *b, int ldb, const float *beta, float *c, int ldc)
{
	if (h != &handle_token)
		return NOT_INITIALIZED;
	if (ta < OP_N || ta > OP_C || tb < OP_N || tb > OP_C || m < 0 || n < 0 || k < 0)
		return INVALID_VALUE;
	/* A is m x k (op N) or k x m stored; B is k x n or n x k; C is m x n. */
	int arows = ta == OP_N ? m : k, acols = ta == OP_N ? k : m;
	int brows = tb == OP_N ? k : n, bcols = tb == OP_N ? n : k;
	if (lda < (arows > 1 ? arows : 1) || ldb < (brows > 1 ? brows : 1) || ldc < (m > 1 ? m : 1))
		return INVALID_VALUE;
	if ((acols && !standin_is_device(a, ((size_t)(acols - 1) * (size_t)lda + (size_t)arows) * sizeof(float))) ||
	    (bcols && !standin_is_device(b, ((size_t)(bcols - 1) * (size_t)ldb + (size_t)brows) * sizeof(float))) ||
	    (n && !standin_is_device(c, ((size_t)(n - 1) * (size_t)ldc + (size_t)m) * sizeof(float))))
		return EXECUTION_FAILED;
	for (int j = 0; j < n; j++)
		for (int i = 0; i < m; i++) {
			double s = 0;
			for (int l = 0; l < k; l++)
				s += (double)at(a, lda, ta, i, l) * (double)at(b, ldb, tb, l, j);
			float *cij = &c[(size_t)j * (size_t)ldc + (size_t)i];
			*cij = (float)((double)*alpha * s + (*beta == 0.0f ? 0.0 : (double)*beta * (double)*cij));
		}
	return SUCCESS;
}
