// SPDX-License-Identifier: MIT
#include "core/sink.h"

#include <errno.h>
#include <stdlib.h>

int rn_sinks_add(struct rn_sinks *set, struct rn_sink *s)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 4;
		struct rn_sink **v = realloc(set->v, cap * sizeof(*v));
		if (!v) {
			s->ops->free(s);
			return -ENOMEM;
		}
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = s;
	set->needs |= s->needs;
	return 0;
}

void rn_sinks_event(struct rn_sinks *set, const struct rn_event *ev)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->ops->on_event)
			set->v[i]->ops->on_event(set->v[i], ev);
}

void rn_sinks_process(struct rn_sinks *set, const struct rn_event *ev)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->ops->on_process)
			set->v[i]->ops->on_process(set->v[i], ev);
}

void rn_sinks_entry(struct rn_sinks *set, const struct rn_event *ev)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->needs & RN_NEED_ENTRY)
			set->v[i]->ops->on_entry(set->v[i], ev);
}

void rn_sinks_idle(struct rn_sinks *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->ops->idle)
			set->v[i]->ops->idle(set->v[i]);
}

int rn_sinks_finish(struct rn_sinks *set, const struct rn_run_result *res)
{
	int first = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (!set->v[i]->ops->finish)
			continue;
		int r = set->v[i]->ops->finish(set->v[i], res);
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}

void rn_sinks_done(struct rn_sinks *set)
{
	for (size_t i = 0; i < set->n; i++)
		set->v[i]->ops->free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
	set->needs = 0;
}
