// SPDX-License-Identifier: MIT
/* The bpf backend. The program runs at near-native speed while the kernel
 * side (renacer.bpf.c) either
 *  - counts and times its syscalls per CPU (-c): renacer reads the
 *    aggregates once the program has exited and prints the same table as
 *    the ptrace backend (and, with --stats-extended, percentiles read from
 *    the in-kernel histogram), or
 *  - streams every traced call through a ring buffer with the memory its
 *    decoder needs: renacer decodes the records with the same decoders as
 *    the ptrace backend and hands the events to the same sinks.
 *
 * Targets: a child started held (it blocks on a pipe before execve until
 * its pid is in the traced bitmap and the programs are attached, so no call
 * is missed; its first traced call is the execve, as with ptrace), or
 * processes named with -p. -f follows the tree in the kernel. */
#include "backend/bpf/bpf.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/latency.h"
#include "analysis/ml/analysis.h"
#include "analysis/summary.h"
#include "backend/bpf/captures.h"
#include "backend/ptrace/ptrace.h"
#include "decode/call.h"
#include "decode/decode.h"
#include "filter/filter.h"
#include "renacer.skel.h"

/* libbpf's messages only with RENACER_BPF_DEBUG set (verifier logs). */
__attribute__((format(printf, 2, 0))) static int libbpf_log(enum libbpf_print_level level,
							     const char *fmt, va_list ap)
{
	(void)level;
	if (!getenv("RENACER_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* --- choosing ---------------------------------------------------------- */

enum rn_bpf_mode rn_bpf_mode(const struct rn_options *o, const char **why)
{
	if (o->source || o->stack || o->function_time) {
		*why = "--source, -k and --function-time unwind the program's stack, which only the "
		       "ptrace backend does";
		return RN_BPF_NONE;
	}
	if (o->ninjects) {
		*why = "-e inject and -e fault change calls as they happen, which only the ptrace "
		       "backend does";
		return RN_BPF_NONE;
	}
	if (o->otlp_endpoint) {
		*why = "--otlp-endpoint links processes through their live file descriptors, which "
		       "only the ptrace backend follows";
		return RN_BPF_NONE;
	}
	/* -c alone, counted in the kernel; the analyses need every call. */
	if (o->summary_only && o->format == RN_FMT_TEXT && !o->anomaly_realtime && !o->assert_file &&
	    !o->equivalence && !rn_ml_wanted(o))
		return RN_BPF_COUNTS;
	*why = "the event stream decodes the common syscalls' memory only; ask for it with "
	       "--backend bpf";
	return RN_BPF_STREAM;
}

/* --- loading ----------------------------------------------------------- */

/* The minimal BTF generated for the build kernel (tools/embed.py). */
extern const unsigned char rn_min_btf[];
extern const size_t rn_min_btf_len;
extern const char rn_min_btf_kernel[], rn_min_btf_vmlinux_size[];

/* On the kernel renacer was built on, the embedded minimal BTF, as a
 * memfd path; NULL elsewhere (libbpf then reads the running kernel's). */
static int min_btf_fd(char *path, size_t len)
{
	struct utsname u;
	struct stat st;
	if (uname(&u) != 0 || strcmp(u.release, rn_min_btf_kernel) != 0 ||
	    stat("/sys/kernel/btf/vmlinux", &st) != 0 ||
	    (uint64_t)st.st_size != strtoull(rn_min_btf_vmlinux_size, NULL, 10))
		return -1;
	int fd = memfd_create("renacer-btf", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, rn_min_btf, rn_min_btf_len) != (ssize_t)rn_min_btf_len) {
		(void)close(fd);
		return -1;
	}
	(void)snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* The stream's ring buffer, made beside the program loading: creating a
 * 16 MiB ring buffer and mapping it take some 11 ms here, most of the
 * stream's start-up. A thread creates the map (the programs need its fd
 * before they load), then maps it while load() verifies the programs. */
struct ring_maker {
	pthread_t th;
	uint32_t size;
	ring_buffer_sample_fn fn;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool fd_ready;
	int fd; /* the map, or -errno */
	struct ring_buffer *rb;
	int rb_err;
};

static void *make_ring(void *arg)
{
	struct ring_maker *m = arg;
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, m->size, NULL);
	int e = fd < 0 ? errno : 0;
	(void)pthread_mutex_lock(&m->mu);
	m->fd = fd < 0 ? -(e ? e : EINVAL) : fd;
	m->fd_ready = true;
	(void)pthread_cond_signal(&m->cv);
	(void)pthread_mutex_unlock(&m->mu);
	if (fd >= 0) {
		m->rb = ring_buffer__new(fd, m->fn, m->ctx, NULL);
		m->rb_err = m->rb ? 0 : errno;
	}
	return NULL;
}

static int ring_maker_start(struct ring_maker *m, uint32_t size, ring_buffer_sample_fn fn, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->size = size;
	m->fn = fn;
	m->ctx = ctx;
	m->fd = -1;
	(void)pthread_mutex_init(&m->mu, NULL);
	(void)pthread_cond_init(&m->cv, NULL);
	int r = pthread_create(&m->th, NULL, make_ring, m);
	if (r) {
		make_ring(m); /* no thread: in line */
		m->th = pthread_self();
	}
	return 0;
}

/* The map's fd, once created: -errno when it could not be. */
static int ring_maker_fd(struct ring_maker *m)
{
	(void)pthread_mutex_lock(&m->mu);
	while (!m->fd_ready)
		(void)pthread_cond_wait(&m->cv, &m->mu);
	int fd = m->fd;
	(void)pthread_mutex_unlock(&m->mu);
	return fd;
}

/* Wait for the thread; the ring buffer, or NULL with errno set. */
static struct ring_buffer *ring_maker_finish(struct ring_maker *m)
{
	if (!pthread_equal(m->th, pthread_self()))
		(void)pthread_join(m->th, NULL);
	(void)pthread_mutex_destroy(&m->mu);
	(void)pthread_cond_destroy(&m->cv);
	if (!m->rb)
		errno = m->fd < 0 ? -m->fd : m->rb_err;
	return m->rb;
}

/* Open and load the programs for o (with ring: the event stream, its ring
 * buffer map from the maker), fill the filter bitmap and the capture table.
 * NULL with err set on failure. */
static struct renacer_bpf *load(const struct rn_options *o, struct ring_maker *ring, struct rn_diag *err)
{
	bool stream = ring != NULL;
	libbpf_set_print(libbpf_log);
	char btf_path[64];
	int btf_fd = min_btf_fd(btf_path, sizeof(btf_path));
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_fd >= 0 ? btf_path : NULL);
	struct renacer_bpf *skel = renacer_bpf__open_opts(&opts);
	if (!skel) {
		int e = errno;
		if (btf_fd >= 0)
			(void)close(btf_fd);
		rn_diag_set(err, "the bpf backend cannot open its programs: %s", strerror(e));
		return NULL;
	}
	skel->rodata->follow = o->follow;
	skel->rodata->stream = stream;
	skel->rodata->want_hist = !stream && o->stats_extended;
	if (!skel->rodata->want_hist)
		(void)bpf_map__set_max_entries(skel->maps.hists, 1);
	skel->rodata->wake_bytes = o->bpf_buffer / 8;
	/* -c needs neither the ring buffer nor the task and signal records. */
	unsigned rb = stream ? o->bpf_buffer : 4096;
	(void)bpf_map__set_max_entries(skel->maps.events, rb);
	if (!stream)
		(void)bpf_program__set_autoload(skel->progs.on_signal, false);
	if (ring) {
		int fd = ring_maker_fd(ring);
		int e = fd < 0 ? -fd : bpf_map__reuse_fd(skel->maps.events, fd) ? errno : 0;
		if (e) {
			if (btf_fd >= 0)
				(void)close(btf_fd);
			rn_diag_set(err, "the bpf backend cannot make its %u-byte ring buffer (--bpf-buffer): %s",
				    o->bpf_buffer, strerror(e));
			renacer_bpf__destroy(skel);
			return NULL;
		}
	}
	/* RENACER_BPF_DEBUG: the verifier's statistics per program. */
	static char vlog[5][1 << 16];
	bool vstats = getenv("RENACER_BPF_DEBUG") != NULL;
	if (vstats) {
		struct bpf_program *p;
		int i = 0;
		bpf_object__for_each_program(p, skel->obj) {
			if (i >= 5)
				break;
			(void)bpf_program__set_log_level(p, 4);
			(void)bpf_program__set_log_buf(p, vlog[i++], sizeof(vlog[0]));
		}
	}
	int r = renacer_bpf__load(skel);
	if (vstats) {
		struct bpf_program *p;
		bpf_object__for_each_program(p, skel->obj) {
			size_t sz = 0;
			const char *l = bpf_program__log_buf(p, &sz);
			(void)fprintf(stderr, "renacer: bpf program %s: %s", bpf_program__name(p), l ? l : "\n");
		}
	}
	/* libbpf reads the custom BTF during the load. */
	if (btf_fd >= 0)
		(void)close(btf_fd);
	if (r) {
		rn_diag_set(err,
			    "the bpf backend cannot load its programs (%s): it needs root, or CAP_BPF and "
			    "CAP_PERFMON, and a kernel with BTF (/sys/kernel/btf/vmlinux)",
			    strerror(-r));
		renacer_bpf__destroy(skel);
		return NULL;
	}
	/* The filter as a bitmap: untraced calls end in the kernel. */
	for (uint32_t w = 0; w < RN_MAX_SYSCALLS / 64; w++) {
		uint64_t bits = 0;
		for (int b = 0; b < 64; b++)
			if (rn_filter_match(o->filter, (long)(w * 64 + (uint32_t)b)))
				bits |= 1ULL << b;
		(void)bpf_map_update_elem(bpf_map__fd(skel->maps.filter), &w, &bits, BPF_ANY);
	}
	if (stream) {
		static struct rn_capspec spec[RN_MAX_SYSCALLS];
		(void)rn_bpf_captures(o->string_limit, spec, RN_MAX_SYSCALLS);
		int fd = bpf_map__fd(skel->maps.caps);
		for (uint32_t nr = 0; nr < RN_MAX_SYSCALLS; nr++)
			if (spec[nr].c[0].kind != RN_CAP_NONE)
				(void)bpf_map_update_elem(fd, &nr, &spec[nr], BPF_ANY);
	}
	return skel;
}

static struct bpf_link **link_slots(struct renacer_bpf *skel, size_t *n)
{
	static struct bpf_link **v[5];
	v[0] = &skel->links.on_fork;
	v[1] = &skel->links.on_task_exit;
	v[2] = &skel->links.on_signal;
	v[3] = &skel->links.on_enter;
	v[4] = &skel->links.on_exit;
	*n = 5;
	return (struct bpf_link **)v;
}

static void *unlink_one(void *link)
{
	(void)bpf_link__destroy(link);
	return NULL;
}

/* Unlinking a tracepoint program waits for an RCU grace period (some 75 ms
 * each here): they go in parallel, so the wait is paid once. */
static void unlink_parallel(struct renacer_bpf *skel)
{
	size_t n;
	struct bpf_link ***links = (struct bpf_link ***)link_slots(skel, &n);
	pthread_t th[5];
	bool started[5] = { false };
	for (size_t i = 0; i < n; i++)
		if (*links[i])
			started[i] = pthread_create(&th[i], NULL, unlink_one, *links[i]) == 0;
	for (size_t i = 0; i < n; i++) {
		if (started[i])
			(void)pthread_join(th[i], NULL);
		else if (*links[i])
			(void)bpf_link__destroy(*links[i]);
		*links[i] = NULL;
	}
}

/* Unlinking the programs waits for RCU grace periods (~75 ms even in
 * parallel) after the program has already finished. A short-lived helper
 * process takes over the links and lets them go once renacer has exited,
 * so renacer's own exit does not wait. It lets them go LINGER_MS after
 * that: a tracepoint whose last program goes and that gets one again
 * within an RCU grace period makes the new attach wait for the period
 * (10-20 ms here), so a renacer started right after this one (a script,
 * a CI loop) would pay it; with the old programs still attached it does
 * not. Meanwhile the programs cost other tasks one map lookup per
 * syscall. If the helper cannot be started, the links are unlinked here. */
#define LINGER_MS 100
static void teardown(struct renacer_bpf *skel)
{
	int gone[2];
	if (pipe2(gone, O_CLOEXEC) == 0) {
		(void)fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			(void)close(gone[1]);
			/* Hold no stream of the caller's open. */
			int nul = open("/dev/null", O_RDWR);
			if (nul >= 0)
				for (int fd = 0; fd < 3; fd++)
					(void)dup2(nul, fd);
			(void)setsid();
			/* EOF when renacer has exited; our exit unlinks. */
			while (read(gone[0], &c, 1) < 0 && errno == EINTR)
				;
			struct timespec linger = { 0, LINGER_MS * 1000000L };
			while (nanosleep(&linger, &linger) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		(void)close(gone[0]);
		if (pid > 0) {
			/* Our copies of the links go without unlinking; the write
			 * end of the pipe stays open until our exit, on purpose. */
			size_t n;
			struct bpf_link ***links = (struct bpf_link ***)link_slots(skel, &n);
			for (size_t i = 0; i < n; i++)
				if (*links[i])
					bpf_link__disconnect(*links[i]);
			return;
		}
		(void)close(gone[1]);
	}
	unlink_parallel(skel);
}

/* --- targets ----------------------------------------------------------- */

struct target {
	pid_t child;  /* the program we started, 0 with -p */
	int go;	      /* its start pipe */
};

/* Fork the program, held before its execve. */
static int spawn_held(const struct rn_options *o, struct target *t, struct rn_diag *err)
{
	char *prog = rn_find_program(o->argv[0]);
	if (!prog) {
		int e = errno;
		rn_diag_set(err, "cannot run '%s': %s", o->argv[0], strerror(e));
		return -e;
	}
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		int e = errno;
		free(prog);
		rn_diag_set(err, "pipe: %s", strerror(e));
		return -e;
	}
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		(void)close(go[1]);
		/* Held here until the parent has attached. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		for (size_t i = 0; i < sizeof(o->env_add) / sizeof(o->env_add[0]); i++)
			if (o->env_add[i])
				(void)putenv(o->env_add[i]);
		execv(prog, o->argv);
		(void)fprintf(stderr, "renacer: cannot run '%s': %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	free(prog);
	(void)close(go[0]);
	if (pid < 0) {
		int e = errno;
		(void)close(go[1]);
		rn_diag_set(err, "fork: %s", strerror(e));
		return -e;
	}
	t->child = pid;
	t->go = go[1];
	return 0;
}

/* Set tgid's bit in the traced bitmap (renacer.bpf.c). */
static int trace_group(struct renacer_bpf *skel, pid_t tgid)
{
	int fd = bpf_map__fd(skel->maps.traced);
	uint32_t w = (uint32_t)tgid / 64;
	uint64_t v = 0;
	if (bpf_map_lookup_elem(fd, &w, &v) != 0)
		return -errno;
	v |= 1ULL << ((uint32_t)tgid % 64);
	return bpf_map_update_elem(fd, &w, &v, BPF_ANY) == 0 ? 0 : -errno;
}

/* Put the targets in the traced bitmap and attach. On failure a held child
 * is killed. */
static int start(const struct rn_options *o, struct renacer_bpf *skel, struct target *t,
		 struct rn_diag *err)
{
	int r = 0;
	if (t->child) {
		r = trace_group(skel, t->child);
		skel->bss->held_tgid = (uint32_t)t->child;
	} else {
		for (size_t i = 0; i < o->npids && r == 0; i++) {
			if (kill(o->pids[i], 0) != 0 && errno == ESRCH) {
				rn_diag_set(err, "cannot attach to process %d: %s", o->pids[i], strerror(ESRCH));
				return -ESRCH;
			}
			r = trace_group(skel, o->pids[i]);
		}
	}
	if (r == 0)
		r = renacer_bpf__attach(skel);
	if (r) {
		if (t->child) {
			(void)kill(t->child, SIGKILL);
			(void)close(t->go);
			(void)waitpid(t->child, NULL, 0);
		}
		rn_diag_set(err, "the bpf backend cannot attach its programs: %s", strerror(-r));
		return r;
	}
	return 0;
}

/* Let the held child exec. */
static void release(struct target *t)
{
	if (!t->child)
		return;
	if (write(t->go, "g", 1) != 1)
		(void)kill(t->child, SIGKILL);
	(void)close(t->go);
}

/* --- -c: aggregates ---------------------------------------------------- */

/* The range of histogram bucket b: [lo, hi). */
static void bucket_range(unsigned b, double *lo, double *hi)
{
	if (b < RN_HIST_SUB) {
		*lo = b;
		*hi = b + 1;
		return;
	}
	unsigned lg = RN_HIST_SUB_BITS + (b - RN_HIST_SUB) / RN_HIST_SUB;
	unsigned sub = (b - RN_HIST_SUB) % RN_HIST_SUB;
	double w = ldexp(1.0, (int)(lg - RN_HIST_SUB_BITS));
	*lo = (RN_HIST_SUB + sub) * w;
	*hi = *lo + w;
}

/* The p-th percentile from a histogram of n calls, on the same rank rule
 * as the exact report (rank p/100 * (n-1)), interpolated inside the
 * bucket and clamped to the observed min and max. */
static double hist_percentile(const uint64_t *h, uint64_t n, double p, uint64_t mn, uint64_t mx)
{
	double rank = p / 100.0 * (double)(n - 1);
	uint64_t seen = 0;
	for (unsigned b = 0; b < RN_HIST_BUCKETS; b++) {
		if (!h[b])
			continue;
		if (rank < (double)(seen + h[b])) {
			double lo, hi;
			bucket_range(b, &lo, &hi);
			double v = lo + (hi - lo) * ((rank - (double)seen) + 0.5) / (double)h[b];
			if (v < (double)mn)
				v = (double)mn;
			if (v > (double)mx)
				v = (double)mx;
			return v;
		}
		seen += h[b];
	}
	return (double)mx;
}

struct agg {
	struct {
		uint64_t calls, errors, total_ns, min_ns, max_ns;
		uint64_t hist[RN_HIST_BUCKETS];
	} s;
	int nr;
};

static int by_total(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	if (x->s.total_ns != y->s.total_ns)
		return x->s.total_ns > y->s.total_ns ? -1 : 1;
	return x->nr - y->nr;
}

/* --stats-extended after -c: the same report as from the event store,
 * percentiles from the histogram (within 6.25%, see wire.h), mean exact,
 * stddev from the bucket midpoints; anomalies as counts of calls in buckets
 * wholly above the threshold. */
static void print_hist_report(FILE *f, const struct rn_options *o, struct agg *v, size_t n)
{
	qsort(v, n, sizeof(*v), by_total);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += v[i].s.calls;
	(void)fprintf(f,
		      "\nLatency per syscall (microseconds, from the in-kernel histogram over %llu calls; "
		      "percentiles within 6.25%%):\n",
		      (unsigned long long)total);
	rn_latency_print_header(f);
	double *sd = calloc(n ? n : 1, sizeof(*sd));
	for (size_t i = 0; i < n; i++) {
		const __typeof__(v[0].s) *s = &v[i].s;
		double mean = (double)s->total_ns / (double)s->calls, var = 0;
		for (unsigned b = 0; b < RN_HIST_BUCKETS; b++) {
			if (!s->hist[b])
				continue;
			double lo, hi;
			bucket_range(b, &lo, &hi);
			double mid = (lo + hi) / 2 - mean;
			var += (double)s->hist[b] * mid * mid;
		}
		double dev = sqrt(var / (double)s->calls);
		if (sd)
			sd[i] = dev;
		double p[5] = { 50, 75, 90, 95, 99 };
		for (int k = 0; k < 5; k++)
			p[k] = hist_percentile((const uint64_t *)s->hist, s->calls, p[k], s->min_ns, s->max_ns);
		const struct rn_sysent *e = rn_syscall_get(v[i].nr);
		rn_latency_print_row(f, e ? e->name : "syscall_unknown", s->calls, mean, dev, (double)s->min_ns,
				     p, (double)s->max_ns);
	}
	(void)fprintf(f,
		      "\nAnomalies (calls more than %.1f sigma and %.0f us above their syscall's mean; "
		      "syscalls with >= %d calls; counted from the histogram, no per-call list without "
		      "the event stream):\n",
		      o->anomaly_threshold, o->anomaly_jitter_us, RN_ANOMALY_MIN_SAMPLES);
	size_t listed = 0;
	for (size_t i = 0; sd && i < n; i++) {
		const __typeof__(v[0].s) *s = &v[i].s;
		double mean = (double)s->total_ns / (double)s->calls;
		if (s->calls < RN_ANOMALY_MIN_SAMPLES)
			continue;
		/* Calls in buckets whose every value is an anomaly. */
		uint64_t above = 0;
		for (unsigned b = 0; b < RN_HIST_BUCKETS; b++) {
			double lo, hi, z, spread;
			bucket_range(b, &lo, &hi);
			if (s->hist[b] && rn_anomaly(o, lo, mean, sd[i], &z, &spread))
				above += s->hist[b];
		}
		if (!above)
			continue;
		const struct rn_sysent *e = rn_syscall_get(v[i].nr);
		(void)fprintf(f, "  %-18s %llu calls (slowest %.3f us; mean %.3f us, stddev %.3f us)\n",
			      e ? e->name : "syscall_unknown", (unsigned long long)above,
			      (double)s->max_ns / 1e3, mean / 1e3, sd[i] / 1e3);
		listed++;
	}
	if (!listed)
		(void)fprintf(f, "  none\n");
	free(sd);
}

/* RENACER_BPF_DEBUG: where the time went. */
static void phase(const char *what)
{
	static uint64_t t0;
	if (!getenv("RENACER_BPF_DEBUG"))
		return;
	uint64_t now = mono_ns();
	if (t0)
		(void)fprintf(stderr, "renacer: bpf %s: %.2f ms\n", what, (double)(now - t0) / 1e6);
	t0 = now;
}

int rn_bpf_run_counts(const struct rn_options *o, FILE *report, bool *started, struct rn_diag *err)
{
	*started = false;
	phase("start");
	struct renacer_bpf *skel = load(o, NULL, err);
	phase("load");
	if (!skel)
		return -EPERM;
	struct target t = { 0 };
	int r = o->argv ? spawn_held(o, &t, err) : 0;
	if (r == 0)
		r = start(o, skel, &t, err);
	if (r) {
		renacer_bpf__destroy(skel);
		return r;
	}
	*started = true;
	phase("attach");
	/* Ctrl-C reaches the program (same terminal group); we wait for it.
	 * With -p, Ctrl-C ends the count and leaves the processes running. */
	struct sigaction ign = { 0 }, old_int, old_term;
	ign.sa_handler = SIG_IGN;
	if (t.child) {
		(void)sigaction(SIGINT, &ign, &old_int);
		(void)sigaction(SIGTERM, &ign, &old_term);
	}
	release(&t);
	int status = 0;
	if (t.child) {
		while (waitpid(t.child, &status, 0) < 0 && errno == EINTR)
			;
		(void)sigaction(SIGINT, &old_int, NULL);
		(void)sigaction(SIGTERM, &old_term, NULL);
	} else {
		rn_bpf_wait_pids(o);
	}
	phase("program");
	/* No detach here: unlinking waits for an RCU grace period; the maps
	 * are read with the programs still attached, which only untraced
	 * tasks reach now. */
	int ncpu = libbpf_num_possible_cpus();
	struct rn_bpf_stat *percpu = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*percpu)) : NULL;
	struct rn_bpf_hist *hpercpu = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*hpercpu)) : NULL;
	struct rn_counts *c = calloc(1, sizeof(*c));
	struct agg *aggs = calloc(RN_MAX_SYSCALLS, sizeof(*aggs));
	size_t naggs = 0;
	if (c)
		c->sortby = o->sortby;
	if (!percpu || !hpercpu || !c || !aggs) {
		free(percpu);
		free(hpercpu);
		free(c);
		free(aggs);
		renacer_bpf__destroy(skel);
		rn_diag_set(err, "out of memory");
		return -ENOMEM;
	}
	for (uint32_t nr = 0; nr < RN_MAX_SYSCALLS; nr++) {
		if (!(skel->bss->seen[nr / 64] & (1ULL << (nr % 64))) ||
		    bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &nr, percpu) != 0)
			continue;
		struct agg *a = &aggs[naggs];
		memset(a, 0, sizeof(*a));
		a->nr = (int)nr;
		for (int k = 0; k < ncpu; k++) {
			const struct rn_bpf_stat *p = &percpu[k];
			if (!p->calls)
				continue;
			if (!a->s.calls || p->min_ns < a->s.min_ns)
				a->s.min_ns = p->min_ns;
			if (p->max_ns > a->s.max_ns)
				a->s.max_ns = p->max_ns;
			a->s.calls += p->calls;
			a->s.errors += p->errors;
			a->s.total_ns += p->total_ns;
		}
		if (!a->s.calls)
			continue;
		if (o->stats_extended &&
		    bpf_map_lookup_elem(bpf_map__fd(skel->maps.hists), &nr, hpercpu) == 0)
			for (int k = 0; k < ncpu; k++)
				for (unsigned b = 0; b < RN_HIST_BUCKETS; b++)
					a->s.hist[b] += hpercpu[k].b[b];
		naggs++;
		struct rn_count_row *row = &c->rows[nr < RN_NSYSCALLS ? nr : RN_NSYSCALLS];
		row->calls += a->s.calls;
		row->errors += a->s.errors;
		row->ns += a->s.total_ns;
		c->calls += a->s.calls;
		c->errors += a->s.errors;
		c->ns += a->s.total_ns;
	}
	phase("read maps");
	r = rn_counts_print(report, c);
	if (r == 0 && o->stats_extended) {
		print_hist_report(report, o, aggs, naggs);
		r = fflush(report) == 0 ? 0 : -EIO;
	}
	free(percpu);
	free(hpercpu);
	free(c);
	free(aggs);
	phase("print");
	teardown(skel);
	renacer_bpf__destroy(skel);
	phase("teardown");
	if (r < 0) {
		rn_diag_set(err, "writing the table failed: %s", strerror(-r));
		return r;
	}
	if (!t.child)
		return 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- -p: waiting ------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

/* Only to wake the poll when the program ends. */
static void on_child(int sig)
{
	(void)sig;
}

static bool any_alive(const struct rn_options *o)
{
	for (size_t i = 0; i < o->npids; i++)
		if (kill(o->pids[i], 0) == 0 || errno != ESRCH)
			return true;
	return false;
}

void rn_bpf_wait_pids(const struct rn_options *o)
{
	struct sigaction sa = { 0 }, old_int, old_term;
	sa.sa_handler = on_interrupt;
	interrupted = 0;
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	while (!interrupted && any_alive(o))
		(void)poll(NULL, 0, 50);
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
}

/* --- the event stream -------------------------------------------------- */

/* A traced task as the records tell it. */
struct task {
	pid_t tid;
	bool pending;	    /* entry seen, exit not yet */
	struct rn_call call; /* the syscall in progress */
	uint64_t ts;	    /* entry, CLOCK_MONOTONIC */
	unsigned char *mem; /* the entry record's blobs */
	size_t mem_len, mem_cap;
	struct rn_memblob *blobs;
	size_t nblobs, blobs_cap;
	bool deferred; /* entry half decoded at exit (RN_RECF_DEFER) */
};

struct stream {
	const struct rn_options *o;
	struct rn_sinks *sinks;
	struct rn_decode_opts dopts;
	bool decode;
	struct task **tasks; /* unordered; few */
	struct task *last;   /* the most recent lookup */
	size_t ntasks, cap;
	pid_t main_pid;
	bool main_done;
	int main_status;
	int64_t wall_off;
	struct rn_buf rval;
	struct rn_memblob exit_blobs[RN_SCRATCH / sizeof(struct rn_blob)];
};

static struct task *task_get(struct stream *st, pid_t tid, bool create)
{
	/* Records come in runs from one task: the last one found first. */
	if (st->last && st->last->tid == tid)
		return st->last;
	for (size_t i = 0; i < st->ntasks; i++)
		if (st->tasks[i]->tid == tid)
			return st->last = st->tasks[i];
	if (!create)
		return NULL;
	if (st->ntasks == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 16;
		struct task **nv = realloc(st->tasks, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		st->tasks = nv;
		st->cap = nc;
	}
	struct task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->call.restart_nr = -1;
	st->tasks[st->ntasks++] = t;
	return t;
}

static void task_free(struct task *t)
{
	free(t->mem);
	free(t->blobs);
	rn_call_done(&t->call);
	free(t);
}

static void task_remove(struct stream *st, struct task *t)
{
	if (st->last == t)
		st->last = NULL;
	for (size_t i = 0; i < st->ntasks; i++)
		if (st->tasks[i] == t) {
			st->tasks[i] = st->tasks[--st->ntasks];
			break;
		}
	task_free(t);
}

/* The blobs of a record, as regions; returns how many fit in v. */
static size_t parse_blobs(const struct rn_rec *r, size_t size, struct rn_memblob *v, size_t max)
{
	size_t off = sizeof(*r), n = 0;
	if (r->len < size)
		size = r->len;
	while (n < max) {
		if (off + sizeof(struct rn_blob) > size)
			break;
		const struct rn_blob *b = (const void *)((const char *)r + off);
		off += sizeof(*b);
		if (b->len > size - off)
			break;
		v[n].addr = b->addr;
		v[n].data = (const unsigned char *)r + off;
		v[n].len = b->len;
		n++;
		off += (b->len + 7u) & ~7u;
	}
	return n;
}

static void ev_base(struct stream *st, struct rn_event *ev, enum rn_event_kind kind, pid_t pid,
		    uint64_t ts)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->pid = pid;
	ev->nr = -1;
	ev->ntasks = (unsigned)st->ntasks;
	ev->ts_ns = (uint64_t)((int64_t)ts + st->wall_off);
}

/* Decode t's entry half from its entry memory (after late, the exit
 * record's, when the entry was deferred) and tell the sinks. */
static void decode_entry(struct stream *st, struct task *t, const struct rn_memsnap *late)
{
	struct rn_memsnap entry_mem = { t->blobs, t->nblobs, NULL };
	struct rn_memsnap both = { late ? late->v : NULL, late ? late->n : 0, &entry_mem };
	rn_mem_use_snapshot(&both);
	rn_call_entry(&t->call, t->tid, &st->dopts);
	rn_mem_use_snapshot(NULL);
	if (late || !(st->sinks->needs & RN_NEED_ENTRY))
		return;
	struct rn_event ev;
	char tmp[32];
	ev_base(st, &ev, RN_EV_SYSCALL, t->tid, t->ts);
	ev.nr = (int)t->call.nr;
	ev.name = rn_call_name(t->call.nr, tmp, sizeof(tmp));
	memcpy(ev.args, t->call.args, sizeof(ev.args));
	rn_call_text(&t->call, &ev, NULL);
	rn_sinks_entry(st->sinks, &ev);
}

static void on_enter(struct stream *st, const struct rn_rec *r, size_t size)
{
	struct task *t = task_get(st, (pid_t)r->tid, true);
	if (!t)
		return;
	/* A pending call here lost its exit record (counted in the kernel, and
	 * flagged RN_RECF_PREV_LOST): it is dropped, not reported. */
	t->pending = true;
	t->call.nr = r->nr;
	memcpy(t->call.args, r->args, sizeof(t->call.args));
	t->ts = r->ts;
	t->call.need_exit = false;
	t->deferred = false;
	t->nblobs = 0;
	if (!st->decode)
		return;
	/* Keep the entry's memory: the exit half may read it too. Out of
	 * memory, the call is decoded from its registers. */
	size_t most = (size - sizeof(*r)) / sizeof(struct rn_blob) + 1;
	if (size > t->mem_cap) {
		unsigned char *m = realloc(t->mem, size);
		if (m) {
			t->mem = m;
			t->mem_cap = size;
		}
	}
	if (most > t->blobs_cap) {
		struct rn_memblob *b = realloc(t->blobs, most * sizeof(*b));
		if (b) {
			t->blobs = b;
			t->blobs_cap = most;
		}
	}
	if (size <= t->mem_cap && most <= t->blobs_cap) {
		memcpy(t->mem, r, size);
		t->mem_len = size;
		t->nblobs = parse_blobs((const struct rn_rec *)t->mem, size, t->blobs, t->blobs_cap);
	}
	/* Memory the kernel could not read yet comes with the exit record. */
	t->deferred = (r->flags & RN_RECF_DEFER) != 0;
	if (!t->deferred)
		decode_entry(st, t, NULL);
}

/* Report t's call: returned ret after dur ns, or never (no_return). */
static void emit_syscall(struct stream *st, struct task *t, int64_t ret, uint64_t dur, bool no_return,
			 const struct rn_memsnap *exit_mem)
{
	struct rn_event ev;
	char tmp[32];
	bool is_error = ret < 0 && ret >= -4095;
	ev_base(st, &ev, RN_EV_SYSCALL, t->tid, t->ts);
	rn_call_event(&t->call, &ev, ret, is_error, no_return, tmp, sizeof(tmp));
	ev.dur_ns = dur;
	if (st->decode) {
		if (t->deferred && !no_return)
			decode_entry(st, t, exit_mem);
		struct rn_memsnap entry_mem = { t->blobs, t->nblobs, NULL };
		struct rn_memsnap both = { exit_mem ? exit_mem->v : NULL, exit_mem ? exit_mem->n : 0,
					   &entry_mem };
		rn_mem_use_snapshot(&both);
		rn_call_exit(&t->call, t->tid, &st->dopts, ret, is_error, no_return, &st->rval);
		rn_mem_use_snapshot(NULL);
		rn_call_text(&t->call, &ev, st->rval.p ? st->rval.p : "");
		if (t->deferred) { /* nothing was shown at entry */
			ev.entry_len = 0;
			ev.flags |= RN_EVF_NO_ENTRY;
		}
	}
	rn_sinks_event(st->sinks, &ev);
	t->pending = false;
	/* ERESTART_RESTARTBLOCK: the kernel will resume it as restart_syscall. */
	if (is_error && ret == -516)
		t->call.restart_nr = t->call.nr;
}

static void on_exit_rec(struct stream *st, const struct rn_rec *r, size_t size)
{
	struct task *t = task_get(st, (pid_t)r->tid, false);
	if (!t || !t->pending)
		return; /* attached mid-call: nothing to pair */
	size_t n = st->decode ? parse_blobs(r, size, st->exit_blobs, sizeof(st->exit_blobs) / sizeof(st->exit_blobs[0])) : 0;
	struct rn_memsnap mem = { st->exit_blobs, n, NULL };
	emit_syscall(st, t, r->ret, r->ts, false, &mem);
}

static void emit_process(struct stream *st, enum rn_event_kind kind, pid_t pid, int64_t val,
			 uint32_t flags, const char *text, uint64_t ts)
{
	struct rn_event ev;
	ev_base(st, &ev, kind, pid, ts);
	ev.ret = val;
	ev.flags = flags;
	if (text) {
		ev.args_text = text;
		ev.args_len = strlen(text);
		ev.flags |= RN_EVF_DECODED;
	}
	rn_sinks_process(st->sinks, &ev);
}

static void on_task_exit(struct stream *st, const struct rn_rec *r)
{
	struct task *t = task_get(st, (pid_t)r->tid, false);
	int status = (int)r->ret;
	/* Pending: the call the task died in ("= ?"), unless what is pending
	 * is a call whose exit record was lost (counted already). */
	if (t && t->pending && !(r->flags & RN_RECF_PREV_LOST))
		emit_syscall(st, t, 0, 0, true, NULL);
	if (WIFSIGNALED(status))
		emit_process(st, RN_EV_KILLED, (pid_t)r->tid, WTERMSIG(status),
			     WCOREDUMP(status) ? RN_EVF_CORE : 0, NULL, r->ts);
	else
		emit_process(st, RN_EV_EXITED, (pid_t)r->tid, WEXITSTATUS(status), 0, NULL, r->ts);
	if (t)
		task_remove(st, t);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct stream *st = ctx;
	const struct rn_rec *r = data;
	if (size < sizeof(*r))
		return 0;
	switch (r->type) {
	case RN_REC_ENTER:
		on_enter(st, r, size);
		break;
	case RN_REC_EXIT:
		on_exit_rec(st, r, size);
		break;
	case RN_REC_FORK:
		if (!task_get(st, (pid_t)r->ret, false) && task_get(st, (pid_t)r->ret, true))
			emit_process(st, RN_EV_ATTACHED, (pid_t)r->ret, (pid_t)r->tid, 0, NULL, r->ts);
		break;
	case RN_REC_TASK_EXIT:
		on_task_exit(st, r);
		break;
	case RN_REC_SIGNAL: {
		struct rn_memblob b;
		siginfo_t si;
		struct rn_buf text = { 0 };
		memset(&si, 0, sizeof(si));
		if (parse_blobs(r, size, &b, 1) == 1) {
			memcpy(&si, b.data, b.len < sizeof(si) ? b.len : sizeof(si));
			rn_siginfo_text(&text, &si);
		} else {
			rn_buf_put(&text, "{}");
		}
		emit_process(st, RN_EV_SIGNAL, (pid_t)r->tid, r->ret, 0, text.p, r->ts);
		rn_buf_done(&text);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* Records lost in the kernel: k = 0 syscalls, 1 task and signal records. */
static uint64_t read_lost(struct renacer_bpf *skel, uint32_t k)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL, sum = 0;
	if (v && bpf_map_lookup_elem(bpf_map__fd(skel->maps.lost), &k, v) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

#define POLL_MS 5

/* Whether a task we have no exit record for is still there. */
static bool task_alive(pid_t tid)
{
	char path[64];
	(void)snprintf(path, sizeof(path), "/proc/%d", (int)tid);
	return access(path, F_OK) == 0;
}

int rn_bpf_run_stream(const struct rn_options *o, struct rn_sinks *sinks, struct rn_run_result *res,
		      struct rn_diag *err)
{
	struct stream st = { 0 };
	st.o = o;
	st.sinks = sinks;
	st.dopts.string_limit = o->string_limit;
	st.dopts.abbrev_limit = o->string_limit;
	st.dopts.xflag = o->xflag;
	st.dopts.decode_fds = o->decode_fds;
	st.dopts.paths = (const char *const *)o->paths;
	st.dopts.npaths = o->npaths;
	st.decode = (sinks->needs & RN_NEED_DECODE) != 0;
	struct timespec rt, mt;
	(void)clock_gettime(CLOCK_REALTIME, &rt);
	(void)clock_gettime(CLOCK_MONOTONIC, &mt);
	st.wall_off = ((int64_t)rt.tv_sec - (int64_t)mt.tv_sec) * 1000000000ll +
		      ((int64_t)rt.tv_nsec - (int64_t)mt.tv_nsec);
	uint64_t t0 = mono_ns();

	struct ring_maker ring;
	(void)ring_maker_start(&ring, o->bpf_buffer, on_record, &st);
	struct renacer_bpf *skel = load(o, &ring, err);
	struct ring_buffer *rb = ring_maker_finish(&ring);
	if (!skel || !rb) {
		int e = errno;
		if (skel)
			rn_diag_set(err, "the bpf backend cannot read its ring buffer: %s", strerror(e));
		ring_buffer__free(rb);
		if (ring.fd >= 0)
			(void)close(ring.fd);
		if (skel)
			renacer_bpf__destroy(skel);
		return skel ? -e : -EPERM;
	}
	struct target t = { 0 };
	int r = o->argv ? spawn_held(o, &t, err) : 0;
	if (r == 0)
		r = start(o, skel, &t, err);
	if (r) {
		ring_buffer__free(rb);
		(void)close(ring.fd);
		renacer_bpf__destroy(skel);
		return r;
	}
	if (t.child) {
		st.main_pid = t.child;
		(void)task_get(&st, t.child, true);
	} else {
		for (size_t i = 0; i < o->npids; i++) {
			if (!task_get(&st, o->pids[i], true))
				continue;
			emit_process(&st, RN_EV_ATTACHED, o->pids[i], 0, 0, NULL, mono_ns());
		}
	}

	struct sigaction sa = { 0 }, chld = { 0 }, old_int, old_term, old_hup, old_chld;
	sa.sa_handler = on_interrupt;
	(void)sigemptyset(&sa.sa_mask);
	interrupted = 0;
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	(void)sigaction(SIGHUP, &sa, &old_hup);
	chld.sa_handler = on_child; /* no SA_RESTART: the poll returns EINTR */
	(void)sigaction(SIGCHLD, &chld, &old_chld);
	release(&t);

	bool idle_flush = false;
	for (size_t i = 0; i < sinks->n; i++)
		idle_flush |= sinks->v[i]->ops->idle != NULL;
	uint64_t last_check = mono_ns();
	for (;;) {
		/* Records come without a wakeup until an eighth of the buffer
		 * waits (renacer.bpf.c): read them every few milliseconds. */
		int n = ring_buffer__poll(rb, POLL_MS);
		if (n == 0)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR)
			break;
		if (interrupted)
			break;
		if (n == 0 && idle_flush)
			rn_sinks_idle(sinks);
		if (t.child && !st.main_done) {
			int status;
			if (waitpid(t.child, &status, WNOHANG) == t.child) {
				st.main_done = true;
				st.main_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			}
		}
		/* Done when every task we know of has ended: the kernel wrote
		 * their exit records before any parent could see them gone. */
		bool done = t.child ? st.main_done : !any_alive(o);
		if (done || mono_ns() - last_check > 1000000000ull) {
			/* Tasks whose exit record was lost, or that left while
			 * we were attaching. */
			last_check = mono_ns();
			(void)ring_buffer__consume(rb);
			for (size_t i = 0; i < st.ntasks;)
				if (!task_alive(st.tasks[i]->tid)) {
					/* Gone without its exit record (lost): what
					 * it was in is known never to return only for
					 * exit and exit_group; anything else may be a
					 * call whose exit record was lost too, which
					 * the kernel has counted already. */
					struct task *gone = st.tasks[i];
					if (gone->pending && (gone->call.nr == SYS_exit || gone->call.nr == SYS_exit_group))
						emit_syscall(&st, gone, 0, 0, true, NULL);
					task_remove(&st, gone);
				} else {
					i++;
				}
			if (done && st.ntasks == 0)
				break;
			if (!t.child && done)
				break;
		}
	}
	(void)ring_buffer__consume(rb);
	if (interrupted && !t.child)
		for (size_t i = 0; i < o->npids; i++)
			emit_process(&st, RN_EV_DETACHED, o->pids[i], 0, 0, NULL, mono_ns());
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	(void)sigaction(SIGHUP, &old_hup, NULL);
	(void)sigaction(SIGCHLD, &old_chld, NULL);

	/* An exit record lost leaves its entry unpaired: counted already. */
	uint64_t lost = read_lost(skel, 0), lost_other = read_lost(skel, 1);
	res->lost_events = lost;
	res->wall_ns = mono_ns() - t0;
	res->interrupted = interrupted != 0 || (t.child && !st.main_done);
	if (st.main_done)
		res->exit_status = st.main_status;
	else if (t.child)
		res->exit_status = 128 + (interrupted ? interrupted : SIGINT);
	else
		res->exit_status = 0;
	if (lost || lost_other)
		(void)fprintf(stderr,
			      "renacer: %llu syscalls and %llu process records lost: the ring buffer was "
			      "full (raise --bpf-buffer, now %u bytes)\n",
			      (unsigned long long)lost, (unsigned long long)lost_other, o->bpf_buffer);
	ring_buffer__free(rb);
	(void)close(ring.fd);
	teardown(skel);
	renacer_bpf__destroy(skel);
	for (size_t i = 0; i < st.ntasks; i++)
		task_free(st.tasks[i]);
	free(st.tasks);
	rn_buf_done(&st.rval);
	return 0;
}
