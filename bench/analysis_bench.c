// SPDX-License-Identifier: MIT
/* Analysis benchmark: N synthetic syscall events (default 10M) through the
 * event store, the --stats-extended report (exact percentiles and post-hoc
 * anomalies) and the --anomaly-realtime sink, each timed on its own. The
 * durations are log-normal-ish with rare slow outliers, spread over 40
 * syscalls and 8 tasks, drawn from a fixed-seed generator so every run
 * analyses the same data.
 *
 * usage: analysis_bench [N]   prints one "phase seconds" line per phase */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/anomaly.h"
#include "analysis/stats.h"
#include "core/options.h"
#include "core/store.h"

static double now(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: fast, fixed seed, good enough for synthetic load. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void make_event(struct rn_event *ev, size_t i)
{
	static const int nrs[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21,
				   23, 24, 28, 39, 41, 42, 43, 44, 45, 46, 47, 56, 59, 60, 61, 62, 72,
				   78, 79, 257 };
	uint64_t r = rng();
	memset(ev, 0, sizeof(*ev));
	ev->kind = RN_EV_SYSCALL;
	ev->nr = nrs[r % (sizeof(nrs) / sizeof(nrs[0]))];
	ev->name = "bench";
	ev->pid = 1000 + (int)((r >> 8) % 8);
	ev->ts_ns = 1700000000000000000ULL + i * 2000;
	/* Base latency 1-16 us with a long tail; one in 100k calls is 1000x slower. */
	uint64_t base = 1000 + ((r >> 16) % 4000);
	base <<= (r >> 32) % 3;
	if ((r >> 40) % 100000 == 0)
		base *= 1000;
	ev->dur_ns = base;
	ev->ret = ((r >> 50) % 50 == 0) ? -2 : 0;
	ev->flags = ev->ret < 0 ? RN_EVF_ERROR : 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	struct rn_options o;
	memset(&o, 0, sizeof(o));
	o.anomaly_threshold = 3.0;
	o.anomaly_window = 100;
	o.summary = true;
	o.stats_extended = true;
	FILE *devnull = fopen("/dev/null", "w");
	struct rn_store *st = rn_store_new();
	struct rn_sink *ext = st ? rn_stats_extended_new(devnull, &o, st) : NULL;
	struct rn_sink *rt = rn_anomaly_realtime_new(devnull, &o);
	if (!devnull || !st || !ext || !rt) {
		(void)fprintf(stderr, "analysis_bench: out of memory\n");
		return 1;
	}
	struct rn_event ev;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		make_event(&ev, i);
		if (rn_store_append(st, &ev) < 0) {
			(void)fprintf(stderr, "analysis_bench: out of memory at %zu events\n", i);
			return 1;
		}
	}
	double t1 = now();
	struct rn_run_result res = { 0 };
	if (ext->ops->finish && ext->ops->finish(ext, &res) < 0)
		return 1;
	double t2 = now();
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < n; i++) {
		make_event(&ev, i);
		rt->ops->on_event(rt, &ev);
	}
	if (rt->ops->finish && rt->ops->finish(rt, &res) < 0)
		return 1;
	double t3 = now();
	(void)printf("events %zu\nstore_append %.3f\nstats_extended %.3f\nanomaly_realtime %.3f\n", n,
		     t1 - t0, t2 - t1, t3 - t2);
	ext->ops->free(ext);
	rt->ops->free(rt);
	rn_store_free(st);
	(void)fclose(devnull);
	return 0;
}
