// SPDX-License-Identifier: MIT
/* The bpf backend, -c mode: the program runs at near-native speed while
 * the kernel side (renacer.bpf.c) counts and times its syscalls; renacer
 * reads the per-CPU aggregates once the program has exited and prints the
 * same table as the ptrace backend.
 *
 * The child is started held: it blocks on a pipe before execve until its
 * pid is in the traced map and the programs are attached, so no call is
 * missed; its first traced call is the execve, as with ptrace. */
#include "backend/bpf/bpf.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/summary.h"
#include "backend/ptrace/ptrace.h"
#include "filter/filter.h"
#include "renacer.skel.h"

#define MAX_SYSCALLS 512
#define HIST_BUCKETS 64

/* Must match struct rn_bpf_stat in renacer.bpf.c. */
struct bpf_stat {
	uint64_t calls, errors, total_ns;
	uint64_t hist[HIST_BUCKETS];
};

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void *unlink_one(void *link)
{
	(void)bpf_link__destroy(link);
	return NULL;
}

/* Unlinking a tracepoint program waits for an RCU grace period (some 75 ms
 * each here): the three go in parallel, so renacer's exit waits once. */
static void unlink_parallel(struct renacer_bpf *skel)
{
	struct bpf_link **links[] = { &skel->links.on_fork, &skel->links.on_enter,
				      &skel->links.on_exit };
	pthread_t th[3];
	bool started[3] = { false };
	for (int i = 0; i < 3; i++)
		if (*links[i])
			started[i] = pthread_create(&th[i], NULL, unlink_one, *links[i]) == 0;
	for (int i = 0; i < 3; i++) {
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
 * so renacer's own exit does not wait; the programs stay attached those few
 * milliseconds longer, costing other tasks one map lookup per syscall. If
 * the helper cannot be started, the links are unlinked here. */
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
			_exit(0);
		}
		(void)close(gone[0]);
		if (pid > 0) {
			/* Our copies of the links go without unlinking; the write
			 * end of the pipe stays open until our exit, on purpose. */
			bpf_link__disconnect(skel->links.on_fork);
			bpf_link__disconnect(skel->links.on_enter);
			bpf_link__disconnect(skel->links.on_exit);
			return;
		}
		(void)close(gone[1]);
	}
	unlink_parallel(skel);
}

bool rn_bpf_supported(const struct rn_options *o, const char **why)
{
	if (!o->argv) {
		*why = "-p (attaching) is not supported by the bpf backend yet";
		return false;
	}
	if (!o->summary_only || o->format != RN_FMT_TEXT || o->stats_extended || o->source || o->stack ||
	    o->function_time || o->otlp_endpoint || o->anomaly_realtime || o->assert_file) {
		*why = "the bpf backend supports -c (the summary table) only, so far";
		return false;
	}
	return true;
}

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

int rn_bpf_run(const struct rn_options *o, FILE *report, bool *started, struct rn_diag *err)
{
	*started = false;
	libbpf_set_print(quiet_print);
	char btf_path[64];
	int btf_fd = min_btf_fd(btf_path, sizeof(btf_path));
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_fd >= 0 ? btf_path : NULL);
	struct renacer_bpf *skel = renacer_bpf__open_opts(&opts);
	if (!skel && btf_fd >= 0)
		(void)close(btf_fd);
	if (!skel) {
		rn_diag_set(err, "the bpf backend cannot open its programs: %s", strerror(errno));
		return -errno;
	}
	skel->rodata->follow = o->follow;
	int r = renacer_bpf__load(skel);
	/* libbpf reads the custom BTF during the load. */
	if (btf_fd >= 0)
		(void)close(btf_fd);
	if (r) {
		rn_diag_set(err,
			    "the bpf backend cannot load its programs (%s): it needs root, or CAP_BPF and "
			    "CAP_PERFMON, and a kernel with BTF (/sys/kernel/btf/vmlinux)",
			    strerror(-r));
		renacer_bpf__destroy(skel);
		return r;
	}
	/* The filter as a bitmap: untraced calls end in the kernel. */
	for (uint32_t w = 0; w < MAX_SYSCALLS / 64; w++) {
		uint64_t bits = 0;
		for (int b = 0; b < 64; b++)
			if (rn_filter_match(o->filter, (long)(w * 64 + (uint32_t)b)))
				bits |= 1ULL << b;
		(void)bpf_map_update_elem(bpf_map__fd(skel->maps.filter), &w, &bits, BPF_ANY);
	}
	char *prog = rn_find_program(o->argv[0]);
	if (!prog) {
		int e = errno;
		rn_diag_set(err, "cannot run '%s': %s", o->argv[0], strerror(e));
		renacer_bpf__destroy(skel);
		return -e;
	}
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		int e = errno;
		free(prog);
		renacer_bpf__destroy(skel);
		rn_diag_set(err, "pipe: %s", strerror(e));
		return -e;
	}
	pid_t pid = fork();
	*started = pid > 0;
	if (pid == 0) {
		char c;
		(void)close(go[1]);
		/* Held here until the parent has attached. */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execv(prog, o->argv);
		(void)fprintf(stderr, "renacer: cannot run '%s': %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	free(prog);
	(void)close(go[0]);
	if (pid < 0) {
		int e = errno;
		(void)close(go[1]);
		renacer_bpf__destroy(skel);
		rn_diag_set(err, "fork: %s", strerror(e));
		return -e;
	}
	uint32_t key = (uint32_t)pid;
	uint8_t held = 2; /* HELD in renacer.bpf.c: traced from its execve on */
	r = bpf_map_update_elem(bpf_map__fd(skel->maps.traced), &key, &held, BPF_ANY);
	if (r == 0)
		r = renacer_bpf__attach(skel);
	if (r) {
		(void)kill(pid, SIGKILL);
		(void)close(go[1]);
		(void)waitpid(pid, NULL, 0);
		rn_diag_set(err, "the bpf backend cannot attach its programs: %s", strerror(-r));
		renacer_bpf__destroy(skel);
		return r;
	}
	/* Ctrl-C reaches the program (same terminal group); we wait for it. */
	struct sigaction ign = { 0 }, old_int, old_term;
	ign.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &ign, &old_int);
	(void)sigaction(SIGTERM, &ign, &old_term);
	if (write(go[1], "g", 1) != 1)
		(void)kill(pid, SIGKILL);
	(void)close(go[1]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	/* No detach here: unlinking tracepoint programs waits for an RCU grace period
	 * (a quarter second here); the maps are read with the programs still
	 * attached, which only untraced tasks reach now. */

	/* Sum the per-CPU rows into the table. */
	int ncpu = libbpf_num_possible_cpus();
	struct bpf_stat *percpu = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*percpu)) : NULL;
	struct rn_counts *c = calloc(1, sizeof(*c));
	if (!percpu || !c) {
		free(percpu);
		free(c);
		renacer_bpf__destroy(skel);
		return -ENOMEM;
	}
	for (uint32_t nr = 0; nr < MAX_SYSCALLS; nr++) {
		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.stats), &nr, percpu) != 0)
			continue;
		struct rn_count_row *row = &c->rows[nr < RN_NSYSCALLS ? nr : RN_NSYSCALLS];
		for (int k = 0; k < ncpu; k++) {
			row->calls += percpu[k].calls;
			row->errors += percpu[k].errors;
			row->ns += percpu[k].total_ns;
		}
		c->calls += row->calls;
		c->errors += row->errors;
		c->ns += row->ns;
	}
	r = rn_counts_print(report, c);
	free(percpu);
	free(c);
	teardown(skel);
	renacer_bpf__destroy(skel);
	if (r < 0) {
		rn_diag_set(err, "writing the table failed: %s", strerror(-r));
		return r;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
