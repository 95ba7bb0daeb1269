// SPDX-License-Identifier: MIT
/* A stand-in for the CUDA runtime, for tests on machines without a GPU: the
 * entry points renacer's GPU path (src/analysis/ml/gpu.c) opens, with the
 * documented semantics and plain host memory as "device" memory. It keeps
 * a table of its allocations so that a copy in the wrong direction, or a
 * kernel given a host pointer, fails as it would on a GPU. Built as
 * libcudart.so.13 in the build tree only; tests put it first on
 * LD_LIBRARY_PATH. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "standin.h"

enum { OK = 0, INVALID_VALUE = 1, MEMORY_ALLOCATION = 2, INVALID_DEVICE_POINTER = 17,
       INVALID_MEMCPY_DIRECTION = 21 };
enum { H2H = 0, H2D = 1, D2H = 2, D2D = 3 };

#define MAX_ALLOCS 64
static struct {
	char *p;
	size_t len;
} allocs[MAX_ALLOCS];

/* Whether [p, p + len) lies in one device allocation. */
int standin_is_device(const void *p, size_t len)
{
	const char *c = p;
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (allocs[i].p && c >= allocs[i].p && c + len <= allocs[i].p + allocs[i].len)
			return 1;
	return 0;
}

int cudaGetDeviceCount(int *n)
{
	*n = 1;
	return OK;
}

int cudaMalloc(void **p, size_t len)
{
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (!allocs[i].p) {
			allocs[i].p = malloc(len ? len : 1);
			if (!allocs[i].p)
				return MEMORY_ALLOCATION;
			allocs[i].len = len;
			*p = allocs[i].p;
			return OK;
		}
	return MEMORY_ALLOCATION;
}

int cudaFree(void *p)
{
	if (!p)
		return OK;
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (allocs[i].p == p) {
			free(allocs[i].p);
			allocs[i].p = NULL;
			return OK;
		}
	return INVALID_DEVICE_POINTER;
}

int cudaMemcpy(void *dst, const void *src, size_t len, int kind)
{
	if (kind < H2H || kind > D2D)
		return INVALID_MEMCPY_DIRECTION;
	if (standin_is_device(dst, len) != (kind == H2D || kind == D2D) ||
	    standin_is_device(src, len) != (kind == D2H || kind == D2D))
		return INVALID_VALUE;
	memcpy(dst, src, len);
	return OK;
}

int cudaDeviceSynchronize(void)
{
	return OK;
}

const char *cudaGetErrorString(int e)
{
	return e == OK ? "no error" : "stand-in error";
}
