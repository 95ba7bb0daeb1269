// SPDX-License-Identifier: MIT
#include "core/hmap.h"

#include <stdlib.h>
#include <string.h>

void rn_hmap_init(struct rn_hmap *m, size_t vsize)
{
	memset(m, 0, sizeof(*m));
	m->vsize = vsize;
}

static uint64_t hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static int grow_slots(struct rn_hmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint32_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = m->hashes[i] & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = (uint32_t)(i + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

static int grow_entries(struct rn_hmap *m)
{
	size_t cap = m->ecap ? m->ecap * 2 : 32;
	uint64_t *h = realloc(m->hashes, cap * sizeof(*h));
	if (!h)
		return -1;
	m->hashes = h;
	char **k = realloc(m->keys, cap * sizeof(*k));
	if (!k)
		return -1;
	m->keys = k;
	size_t *kl = realloc(m->klens, cap * sizeof(*kl));
	if (!kl)
		return -1;
	m->klens = kl;
	unsigned char *v = realloc(m->vals, cap * m->vsize);
	if (!v)
		return -1;
	m->vals = v;
	m->ecap = cap;
	return 0;
}

void *rn_hmap_get(struct rn_hmap *m, const void *key, size_t klen)
{
	uint64_t h = hash(key, klen);
	if (m->cap) {
		for (size_t j = h & (m->cap - 1); m->slots[j]; j = (j + 1) & (m->cap - 1)) {
			size_t i = m->slots[j] - 1;
			if (m->hashes[i] == h && m->klens[i] == klen && memcmp(m->keys[i], key, klen) == 0)
				return m->vals + i * m->vsize;
		}
	}
	if ((m->n + 1) * 2 > m->cap && grow_slots(m) < 0)
		return NULL;
	if (m->n == m->ecap && grow_entries(m) < 0)
		return NULL;
	char *copy = malloc(klen ? klen : 1);
	if (!copy)
		return NULL;
	memcpy(copy, key, klen);
	size_t i = m->n++;
	m->hashes[i] = h;
	m->keys[i] = copy;
	m->klens[i] = klen;
	memset(m->vals + i * m->vsize, 0, m->vsize);
	size_t j = h & (m->cap - 1);
	while (m->slots[j])
		j = (j + 1) & (m->cap - 1);
	m->slots[j] = (uint32_t)(i + 1);
	return m->vals + i * m->vsize;
}

void *rn_hmap_val(const struct rn_hmap *m, size_t i)
{
	return m->vals + i * m->vsize;
}

const void *rn_hmap_key(const struct rn_hmap *m, size_t i, size_t *klen)
{
	*klen = m->klens[i];
	return m->keys[i];
}

void rn_hmap_done(struct rn_hmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->klens);
	free(m->hashes);
	free(m->vals);
	free(m->slots);
	rn_hmap_init(m, m->vsize);
}
