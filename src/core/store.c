// SPDX-License-Identifier: MIT
#include "core/store.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct rn_store *rn_store_new(void)
{
	return calloc(1, sizeof(struct rn_store));
}

static int grow(void **p, size_t elem, size_t cap)
{
	if (cap > SIZE_MAX / elem)
		return -ENOMEM;
	void *n = realloc(*p, cap * elem);
	if (!n)
		return -ENOMEM;
	*p = n;
	return 0;
}

int rn_store_append(struct rn_store *st, const struct rn_event *ev)
{
	if (st->len == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 4096;
		/* Each column grows separately; a failure leaves the ones already
		 * grown larger, which is harmless. */
		if (grow((void **)&st->nr, sizeof(*st->nr), cap) < 0 ||
		    grow((void **)&st->pid, sizeof(*st->pid), cap) < 0 ||
		    grow((void **)&st->ret, sizeof(*st->ret), cap) < 0 ||
		    grow((void **)&st->ts_ns, sizeof(*st->ts_ns), cap) < 0 ||
		    grow((void **)&st->dur_ns, sizeof(*st->dur_ns), cap) < 0 ||
		    grow((void **)&st->ip, sizeof(*st->ip), cap) < 0 ||
		    grow((void **)&st->arg0, sizeof(*st->arg0), cap) < 0 ||
		    grow((void **)&st->arg2, sizeof(*st->arg2), cap) < 0 ||
		    grow((void **)&st->src, sizeof(*st->src), cap) < 0 ||
		    grow((void **)&st->flags, sizeof(*st->flags), cap) < 0)
			return -ENOMEM;
		st->cap = cap;
	}
	size_t i = st->len++;
	st->nr[i] = ev->nr;
	st->pid[i] = ev->pid;
	st->ret[i] = ev->ret;
	st->ts_ns[i] = ev->ts_ns;
	st->dur_ns[i] = ev->dur_ns;
	st->ip[i] = ev->ip;
	st->arg0[i] = ev->args[0];
	st->arg2[i] = ev->args[2];
	st->src[i] = ev->src;
	st->flags[i] = (uint8_t)(ev->flags & (RN_EVF_ERROR | RN_EVF_NO_RETURN));
	return 0;
}

void rn_store_free(struct rn_store *st)
{
	if (!st)
		return;
	free(st->nr);
	free(st->pid);
	free(st->ret);
	free(st->ts_ns);
	free(st->dur_ns);
	free(st->ip);
	free(st->arg0);
	free(st->arg2);
	free(st->src);
	free(st->flags);
	free(st);
}

struct store_sink {
	struct rn_sink base;
	struct rn_store *st;
	size_t dropped;
};

static void store_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct store_sink *s = (struct store_sink *)base;
	/* A call that never returned has no latency to analyse. */
	if (ev->flags & RN_EVF_NO_RETURN)
		return;
	if (rn_store_append(s->st, ev) < 0)
		s->dropped++;
}

static int store_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct store_sink *s = (struct store_sink *)base;
	(void)res;
	if (s->dropped)
		(void)fprintf(stderr,
			      "renacer: out of memory: %zu of %zu events left out of the statistics\n",
			      s->dropped, s->dropped + s->st->len);
	return 0;
}

static void store_free(struct rn_sink *base)
{
	free(base);
}

static const struct rn_sink_ops store_ops = {
	.name = "store",
	.on_event = store_event,
	.finish = store_finish,
	.free = store_free,
};

struct rn_sink *rn_store_sink_new(struct rn_store *st)
{
	struct store_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &store_ops;
	s->base.needs = RN_NEED_TIMING;
	s->st = st;
	return &s->base;
}
