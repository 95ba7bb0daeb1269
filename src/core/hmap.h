// SPDX-License-Identifier: MIT
#pragma once
/* A hash map from byte-string keys to fixed-size values, for aggregations
 * (per function, per call chain, per edge). Keys are copied; values live
 * in one array, so entries can be iterated in insertion order and sorted
 * by the caller. Not thread-safe. */

#include <stddef.h>
#include <stdint.h>

struct rn_hmap {
	size_t vsize;	   /* bytes of one value */
	size_t n;	   /* entries */
	size_t cap;	   /* slots, a power of two */
	uint32_t *slots;   /* entry index + 1, 0 = empty */
	uint64_t *hashes;  /* per entry */
	char **keys;	   /* per entry, copied */
	size_t *klens;	   /* per entry */
	unsigned char *vals; /* n * vsize */
	size_t ecap;	   /* entries allocated */
};

/* An empty map of values of vsize bytes. */
void rn_hmap_init(struct rn_hmap *m, size_t vsize);
/* The value for key, inserted zeroed when absent; NULL on OOM. */
void *rn_hmap_get(struct rn_hmap *m, const void *key, size_t klen);
/* Value and key of entry i (0 <= i < n). */
void *rn_hmap_val(const struct rn_hmap *m, size_t i);
const void *rn_hmap_key(const struct rn_hmap *m, size_t i, size_t *klen);
void rn_hmap_done(struct rn_hmap *m);
