// SPDX-License-Identifier: MIT
/* --otlp-endpoint: OpenTelemetry export over OTLP/HTTP with the JSON
 * encoding (POST {endpoint}/v1/traces), through libcurl.
 *
 * Spans: one root span for the run (the traced command, or the attached
 * processes), one span per process parented to it, one span per syscall
 * parented to its process. The tracer thread only renders spans into JSON
 * fragments and queues full batches; a worker thread posts them, retrying
 * with backoff on connection errors, 429 and 5xx. The queue is bounded:
 * when the collector cannot keep up, whole batches are dropped and
 * counted, never the tracer slowed. Each span carries a Lamport clock
 * (renacer.lamport): per process, merged at fork (the child starts past
 * its parent), at exit (a waiting parent moves past its child) and across
 * pipes, connected unix sockets and TCP connections (a read moves past
 * the write it reads). At finish the remaining spans are sent,
 * the worker joined, and one warning says how many spans were not
 * delivered. */
#include "output/output.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <linux/unix_diag.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hmap.h"
#include "core/json.h"
#include "decode/decode.h"
#include "symbolize/symbolize.h"

/* libcurl is loaded when an export starts, not at start-up: it pulls in
 * some thirty libraries (4 ms of every run here) that only --otlp-endpoint
 * needs. */
static struct {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
} C;

static bool curl_load(void)
{
	if (C.easy_init)
		return true;
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
#define SYM(f) (C.f = (__typeof__(C.f))dlsym(h, "curl_" #f)) != NULL
	bool ok = SYM(global_init) && SYM(global_cleanup) && SYM(easy_setopt) && SYM(easy_perform) &&
		  SYM(easy_getinfo) && SYM(easy_strerror) && SYM(easy_cleanup) && SYM(slist_append) &&
		  SYM(slist_free_all) && SYM(easy_init);
#undef SYM
	if (!ok)
		C.easy_init = NULL;
	return ok;
}

#define MAX_QUEUED   64 /* batches waiting for the worker */
#define MAX_RETRIES  4
#define HTTP_TIMEOUT 10L /* seconds per request */

struct batch {
	struct rn_buf spans; /* comma-separated span objects */
	size_t n;
	struct batch *next;
};

struct proc_span {
	uint8_t id[8];
	uint64_t start_ns, end_ns, lamport;
	uint64_t entry_clock; /* clock taken at the entry of the call in progress */
	uint64_t syscalls, errors, skipped;
	int exit_code; /* -1 while running */
	int signal;    /* killed by */
	bool ended;
	pid_t parent;
};

struct otlp_sink {
	struct rn_sink base;
	const struct rn_options *o;
	char *url;
	struct curl_slist *headers;
	uint8_t trace_id[16], root_id[8], parent_id[8];
	bool has_parent;
	char traceparent[80]; /* handed to the traced program */
	uint64_t run_start_ns, sample_ns, timeout_ns;
	struct rn_hmap procs; /* thread group id -> struct proc_span */
	struct rn_hmap tgids; /* task id -> thread group id (0: not read yet) */
	struct rn_hmap pipes; /* channel -> latest writer clock */
	struct rn_hmap sock_chan; /* socket inode -> channel (0: not asked yet) */
	int diag_fd;	      /* NETLINK_SOCK_DIAG, for unix socket peers */
	uint64_t lamport;     /* the run's clock, for events not tied to a task */
	struct rn_buf span;   /* the span being rendered (tracer thread) */
	_Atomic int main_pid; /* the first process seen, for the resource */

	pthread_t worker;
	bool worker_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *cur; /* the open batch */
	uint64_t cur_since; /* when its first span came, CLOCK_MONOTONIC */
	struct batch *head, *tail;
	size_t queued;
	bool closing;
	/* Outcome, written by the worker under mu. */
	uint64_t sent, lost, produced;
	char last_error[256];
};

static void hex(char *out, const uint8_t *id, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
							  : 16;
			if (d == 16)
				return -1;
			v = v << 4 | d;
		}
		out[i] = (uint8_t)v;
		any |= v != 0;
	}
	return any ? 0 : -1; /* all-zero ids are invalid */
}

/* Span ids: unique within a trace, which the random trace id already
 * makes unique; a splitmix64 sequence seeded once from getrandom() costs no
 * syscall per span. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void random_id(uint8_t *id, size_t n)
{
	do {
		for (size_t i = 0; i < n; i += 8) {
			uint64_t x = rng_next();
			memcpy(id + i, &x, n - i < 8 ? n - i : 8);
		}
	} while (!memcmp(id, "\0\0\0\0\0\0\0\0", n < 8 ? n : 8));
}

static void rng_seed(void)
{
	if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state)) {
		struct timespec ts;
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		rng_state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)getpid();
	}
}

/* W3C traceparent: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>. */
int rn_otlp_parse_traceparent(const char *s, uint8_t trace[16], uint8_t parent[8])
{
	if (!s || strlen(s) != 55 || strncmp(s, "00-", 3) != 0 || s[35] != '-' || s[52] != '-')
		return -1;
	if (unhex(s + 3, trace, 16) < 0 || unhex(s + 36, parent, 8) < 0)
		return -1;
	/* Flags may be zero: only check they are hex. */
	char f[3] = { s[53], s[54], 0 };
	return strspn(f, "0123456789abcdef") == 2 ? 0 : -1;
}

/* --- span rendering (tracer thread) --- */

static void attr_str(struct rn_buf *b, bool *first, const char *key, const char *val, size_t len)
{
	rn_buf_printf(b, "%s{\"key\":\"%s\",\"value\":{\"stringValue\":", *first ? "" : ",", key);
	rn_json_str(b, val, len);
	rn_buf_put(b, "}}");
	*first = false;
}

static void attr_int(struct rn_buf *b, bool *first, const char *key, long long v)
{
	rn_buf_printf(b, "%s{\"key\":\"%s\",\"value\":{\"intValue\":\"%lld\"}}", *first ? "" : ",", key,
		      v);
	*first = false;
}

static void span_head(struct rn_buf *b, const struct otlp_sink *s, const uint8_t *id,
		      const uint8_t *parent, const char *name, int kind, uint64_t start, uint64_t end)
{
	char t[33], sid[17], pid[17];
	hex(t, s->trace_id, 16);
	hex(sid, id, 8);
	rn_buf_printf(b, "{\"traceId\":\"%s\",\"spanId\":\"%s\"", t, sid);
	if (parent) {
		hex(pid, parent, 8);
		rn_buf_printf(b, ",\"parentSpanId\":\"%s\"", pid);
	}
	rn_buf_put(b, ",\"name\":");
	rn_json_cstr(b, name);
	rn_buf_printf(b, ",\"kind\":%d,\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\"", kind,
		      (unsigned long long)start, (unsigned long long)(end > start ? end : start));
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Hand a full (or timed-out) batch to the worker. Called with mu held. */
static void enqueue_locked(struct otlp_sink *s, struct batch *b)
{
	if (s->queued >= MAX_QUEUED) {
		/* The collector is behind: keep the tracer going, count the loss. */
		s->lost += b->n;
		rn_buf_done(&b->spans);
		free(b);
		return;
	}
	if (s->tail)
		s->tail->next = b;
	else
		s->head = b;
	s->tail = b;
	s->queued++;
	pthread_cond_signal(&s->cv);
}

/* The buffer to render one span into (the tracer thread's own). */
static struct rn_buf *span_buf(struct otlp_sink *s)
{
	rn_buf_reset(&s->span);
	return &s->span;
}

/* Append the rendered span to the open batch; a full batch goes to the
 * worker, which also takes a batch that waited longer than the timeout. */
static void span_done(struct otlp_sink *s)
{
	pthread_mutex_lock(&s->mu);
	s->produced++;
	if (!s->cur) {
		s->cur = calloc(1, sizeof(*s->cur));
		s->cur_since = mono_ns();
	}
	if (!s->cur || s->span.oom) {
		s->lost++;
		pthread_mutex_unlock(&s->mu);
		return;
	}
	if (s->cur->n)
		rn_buf_putc(&s->cur->spans, ',');
	rn_buf_putn(&s->cur->spans, s->span.p, s->span.len);
	s->cur->n++;
	if (s->cur->n >= s->o->otlp_batch_size) {
		enqueue_locked(s, s->cur);
		s->cur = NULL;
	} else if (s->cur->n == 1) {
		pthread_cond_signal(&s->cv); /* start the worker's timeout */
	}
	pthread_mutex_unlock(&s->mu);
}

/* The pipe an fd of pid refers to (its inode), or 0. The call has just
 * completed and the task is stopped, so the fd is still the one used. */
/* The peer of a connected AF_UNIX socket (sock_diag, UNIX_DIAG_PEER), or 0. */
static uint32_t unix_peer(int nl, uint32_t ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = ino },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_ino = ino,
		       .udiag_show = UDIAG_SHOW_PEER, .udiag_cookie = { ~0u, ~0u } },
	};
	if (nl < 0 || send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		return 0;
	union {
		struct nlmsghdr h;
		char buf[8192];
	} resp;
	ssize_t n = recv(nl, &resp, sizeof(resp), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct unix_diag_msg)) || resp.h.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 0;
	struct unix_diag_msg *m = NLMSG_DATA(&resp.h);
	int len = (int)resp.h.nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			return *(uint32_t *)RTA_DATA(a);
	return 0;
}

/* The connection a TCP socket belongs to, named by its two endpoints in a
 * fixed order (so both ends of a loopback connection agree), or 0. A dump
 * of the family's TCP sockets through sock_diag finds it by inode. */
static uint64_t tcp_channel(int nl, uint32_t ino)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	for (size_t f = 0; nl >= 0 && f < sizeof(families); f++) {
		struct {
			struct nlmsghdr nlh;
			struct inet_diag_req_v2 r;
		} req = {
			.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
				 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ino },
			.r = { .sdiag_family = families[f], .sdiag_protocol = IPPROTO_TCP,
			       .idiag_states = ~0u },
		};
		if (send(nl, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
			return 0;
		uint64_t found = 0;
		for (bool done = false; !done;) {
			union {
				struct nlmsghdr h;
				char buf[32768];
			} resp;
			ssize_t n = recv(nl, &resp, sizeof(resp), 0);
			if (n <= 0)
				return found;
			unsigned int len = (unsigned int)n;
			for (struct nlmsghdr *h = &resp.h; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					done = true;
					break;
				}
				const struct inet_diag_msg *m = NLMSG_DATA(h);
				if (found || m->idiag_inode != ino)
					continue;
				/* Hash both endpoints, smaller first. */
				uint8_t a[18], b[18];
				memcpy(a, m->id.idiag_src, 16);
				memcpy(a + 16, &m->id.idiag_sport, 2);
				memcpy(b, m->id.idiag_dst, 16);
				memcpy(b + 16, &m->id.idiag_dport, 2);
				const uint8_t *lo = memcmp(a, b, sizeof(a)) < 0 ? a : b, *hi = lo == a ? b : a;
				uint64_t hsh = 0xcbf29ce484222325ULL;
				for (size_t i = 0; i < sizeof(a); i++)
					hsh = (hsh ^ lo[i]) * 0x100000001b3ULL;
				for (size_t i = 0; i < sizeof(b); i++)
					hsh = (hsh ^ hi[i]) * 0x100000001b3ULL;
				found = hsh | (1ULL << 63);
			}
		}
		if (found)
			return found;
	}
	return 0;
}

/* The channel an fd of pid writes to or reads from, for Lamport merging:
 * a pipe (both ends share the inode), a connected unix socket (named by
 * the smaller inode of the pair) or a TCP connection (by its endpoints);
 * 0 for anything else. The call has just
 * stopped, so the fd is still the one used. */
static uint64_t channel_of(struct otlp_sink *s, pid_t pid, uint64_t fd)
{
	char path[64], link[64];
	(void)snprintf(path, sizeof(path), "/proc/%d/fd/%llu", (int)pid, (unsigned long long)fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 6)
		return 0;
	link[n] = '\0';
	if (strncmp(link, "pipe:[", 6) == 0)
		return strtoull(link + 6, NULL, 10);
	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	uint32_t ino = (uint32_t)strtoul(link + 8, NULL, 10);
	uint64_t *known = rn_hmap_get(&s->sock_chan, &ino, sizeof(ino));
	if (!known)
		return 0;
	if (!*known) {
		uint32_t peer = unix_peer(s->diag_fd, ino);
		uint64_t tcp = peer ? 0 : tcp_channel(s->diag_fd, ino);
		/* Neither a connected unix socket nor TCP: remember that with a
		 * value no channel has. */
		*known = peer ? (1ULL << 32) | (peer < ino ? peer : ino) : tcp ? tcp : UINT64_MAX;
	}
	return *known == UINT64_MAX ? 0 : *known;
}

/* The process a task belongs to (its thread group), read from /proc once
 * per task while it is stopped in front of us. */
static pid_t group_of(struct otlp_sink *s, pid_t tid)
{
	pid_t *g = rn_hmap_get(&s->tgids, &tid, sizeof(tid));
	if (!g)
		return tid;
	if (!*g) {
		char path[64], line[128];
		(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
		FILE *f = fopen(path, "re");
		*g = tid;
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "Tgid:", 5)) {
				*g = (pid_t)atoi(line + 5);
				break;
			}
		if (f)
			(void)fclose(f);
	}
	return *g;
}

/* The process span for pid (a thread group id), created when first seen. */
static struct proc_span *proc_of(struct otlp_sink *s, pid_t pid, uint64_t ts)
{
	struct proc_span *p = rn_hmap_get(&s->procs, &pid, sizeof(pid));
	if (p && !p->start_ns) {
		random_id(p->id, 8);
		p->start_ns = ts ? ts : s->run_start_ns;
		p->exit_code = -1;
		p->lamport = s->lamport;
	}
	return p;
}

/* Lamport clocks across a pipe or a connected unix socket: a write or send
 * stamps the channel with the writer's clock at the call's entry (before
 * the data is in flight, so before any reader can have it, whatever order
 * the two tasks' stops reach us in), and a read or receive that returns
 * data moves the reader past the stamp. */
static bool channel_write(const struct rn_event *ev)
{
	return ev->nr == SYS_write || ev->nr == SYS_writev || ev->nr == SYS_sendto ||
	       ev->nr == SYS_sendmsg;
}

static bool channel_read(const struct rn_event *ev)
{
	return ev->nr == SYS_read || ev->nr == SYS_readv || ev->nr == SYS_recvfrom ||
	       ev->nr == SYS_recvmsg;
}

static void otlp_entry(struct rn_sink *base, const struct rn_event *ev)
{
	struct otlp_sink *s = (struct otlp_sink *)base;
	if (!channel_write(ev))
		return;
	uint64_t ino = channel_of(s, ev->pid, ev->args[0]);
	struct proc_span *p = ino ? proc_of(s, group_of(s, ev->pid), ev->ts_ns) : NULL;
	if (!p)
		return;
	p->entry_clock = ++p->lamport;
	uint64_t *stamp = rn_hmap_get(&s->pipes, &ino, sizeof(ino));
	if (stamp && *stamp < p->entry_clock)
		*stamp = p->entry_clock;
}

/* The clock of a completed call: the one its entry took (a pipe write),
 * or the next tick, moved past the pipe's stamp for a read of a pipe. */
static uint64_t event_clock(struct otlp_sink *s, const struct rn_event *ev, struct proc_span *p)
{
	if (p->entry_clock) {
		uint64_t c = p->entry_clock;
		p->entry_clock = 0;
		return c;
	}
	++p->lamport;
	bool rd = channel_read(ev) && ev->ret > 0 && !(ev->flags & RN_EVF_ERROR);
	uint64_t ino = rd ? channel_of(s, ev->pid, ev->args[0]) : 0;
	const uint64_t *stamp = ino ? rn_hmap_get(&s->pipes, &ino, sizeof(ino)) : NULL;
	if (stamp && *stamp >= p->lamport)
		p->lamport = *stamp + 1;
	return p->lamport;
}

static void otlp_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct otlp_sink *s = (struct otlp_sink *)base;
	if (!s->run_start_ns) {
		s->run_start_ns = ev->ts_ns;
		atomic_store(&s->main_pid, ev->pid);
	}
	struct proc_span *p = proc_of(s, group_of(s, ev->pid), ev->ts_ns);
	if (!p)
		return;
	uint64_t clock = event_clock(s, ev, p);
	p->syscalls++;
	bool failed = ev->flags & RN_EVF_ERROR;
	p->errors += failed;
	/* Adaptive sampling: slow calls and errors only. */
	if (s->sample_ns && ev->dur_ns < s->sample_ns && !failed) {
		p->skipped++;
		return;
	}
	struct rn_buf *b = span_buf(s);
	if (!b)
		return;
	uint8_t id[8];
	random_id(id, 8);
	span_head(b, s, id, p->id, ev->name, 1, ev->ts_ns, ev->ts_ns + ev->dur_ns);
	rn_buf_put(b, ",\"attributes\":[");
	bool first = true;
	attr_str(b, &first, "syscall.name", ev->name, strlen(ev->name));
	if (ev->flags & RN_EVF_DECODED) {
		attr_str(b, &first, "syscall.args", ev->args_text, ev->args_len);
		if (ev->rval_text)
			attr_str(b, &first, "syscall.return", ev->rval_text, strlen(ev->rval_text));
	}
	if (!(ev->flags & RN_EVF_NO_RETURN))
		attr_int(b, &first, "syscall.result", (long long)ev->ret);
	if (failed) {
		const char *e = rn_errno_name((long)-ev->ret);
		if (e)
			attr_str(b, &first, "syscall.error", e, strlen(e));
	}
	attr_int(b, &first, "syscall.duration_us", (long long)(ev->dur_ns / 1000));
	attr_int(b, &first, "thread.id", ev->pid);
	attr_int(b, &first, "renacer.lamport", (long long)clock);
	if (ev->src) {
		const struct rn_srcloc *l = ev->src;
		if (l->file) {
			attr_str(b, &first, "code.filepath", l->file, strlen(l->file));
			attr_int(b, &first, "code.lineno", l->line);
		}
		if (l->function)
			attr_str(b, &first, "code.function", l->function, strlen(l->function));
	}
	rn_buf_put(b, "]");
	if (failed) {
		rn_buf_put(b, ",\"status\":{\"code\":2,\"message\":");
		rn_json_cstr(b, ev->rval_text ? ev->rval_text : "error");
		rn_buf_put(b, "}}");
	} else {
		rn_buf_put(b, "}");
	}
	span_done(s);
}

static void end_process(struct otlp_sink *s, pid_t pid, struct proc_span *p, uint64_t ts)
{
	if (p->ended)
		return;
	p->ended = true;
	p->end_ns = ts;
	struct rn_buf *b = span_buf(s);
	if (!b)
		return;
	char name[64];
	(void)snprintf(name, sizeof(name), "process %d", (int)pid);
	span_head(b, s, p->id, s->root_id, name, 1, p->start_ns, p->end_ns);
	rn_buf_put(b, ",\"attributes\":[");
	bool first = true;
	attr_int(b, &first, "process.pid", pid);
	if (p->parent)
		attr_int(b, &first, "process.parent_pid", p->parent);
	attr_int(b, &first, "renacer.syscalls", (long long)p->syscalls);
	attr_int(b, &first, "renacer.errors", (long long)p->errors);
	attr_int(b, &first, "renacer.lamport", (long long)p->lamport);
	if (s->sample_ns)
		attr_int(b, &first, "renacer.skipped_spans", (long long)p->skipped);
	if (p->exit_code >= 0)
		attr_int(b, &first, "process.exit_code", p->exit_code);
	if (p->signal)
		attr_int(b, &first, "process.signal", p->signal);
	rn_buf_put(b, "]");
	if (p->exit_code > 0 || p->signal)
		rn_buf_printf(b, ",\"status\":{\"code\":2,\"message\":\"%s %d\"}}",
			      p->signal ? "killed by signal" : "exited with", p->signal ? p->signal : p->exit_code);
	else
		rn_buf_put(b, "}");
	span_done(s);
}

static void otlp_process(struct rn_sink *base, const struct rn_event *ev)
{
	struct otlp_sink *s = (struct otlp_sink *)base;
	if (!s->run_start_ns)
		s->run_start_ns = ev->ts_ns;
	/* Threads share their process's span; only a new process (its
	 * leader) gets one, and only the leader's end closes it. */
	pid_t pid = group_of(s, ev->pid);
	struct proc_span *p = proc_of(s, pid, ev->ts_ns);
	if (!p)
		return;
	p->lamport++;
	switch (ev->kind) {
	case RN_EV_ATTACHED:
		/* A fork child (ret = the forking task): it starts after the
		 * parent's fork, so its clock starts from the parent's. */
		if (ev->ret > 0 && pid == ev->pid) {
			pid_t parent = group_of(s, (pid_t)ev->ret);
			struct proc_span *pp = proc_of(s, parent, ev->ts_ns);
			p = rn_hmap_get(&s->procs, &pid, sizeof(pid)); /* the map may have moved */
			if (pp && p && parent != pid) {
				p->parent = parent;
				if (pp->lamport + 1 > p->lamport)
					p->lamport = pp->lamport + 1;
			}
		}
		break;
	case RN_EV_EXITED:
	case RN_EV_KILLED:
		if (pid != ev->pid)
			break; /* a thread: its process goes on */
		if (ev->kind == RN_EV_EXITED)
			p->exit_code = (int)ev->ret;
		else
			p->signal = (int)ev->ret;
		/* A parent that waits for this child sees its end after it. */
		if (p->parent) {
			pid_t parent = p->parent;
			uint64_t c = p->lamport;
			struct proc_span *pp = rn_hmap_get(&s->procs, &parent, sizeof(parent));
			if (pp && pp->lamport <= c)
				pp->lamport = c + 1;
			p = rn_hmap_get(&s->procs, &pid, sizeof(pid));
		}
		if (p)
			end_process(s, pid, p, ev->ts_ns);
		break;
	default:
		break;
	}
}

/* --- the worker --- */

static size_t discard(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

/* POST one request; true when the collector took it. */
static bool post(struct otlp_sink *s, CURL *c, const struct rn_buf *body, char *err, size_t errlen)
{
	(void)C.easy_setopt(c, CURLOPT_URL, s->url);
	(void)C.easy_setopt(c, CURLOPT_HTTPHEADER, s->headers);
	(void)C.easy_setopt(c, CURLOPT_POSTFIELDS, body->p);
	(void)C.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	(void)C.easy_setopt(c, CURLOPT_TIMEOUT, HTTP_TIMEOUT);
	(void)C.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	(void)C.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)C.easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	for (int attempt = 0; attempt <= MAX_RETRIES; attempt++) {
		if (attempt) {
			/* Back off 100 ms, 200 ms, 400 ms, 800 ms; at finish the
			 * program is done, so waiting costs only renacer's exit. */
			struct timespec ts = { 0, 100000000L << (attempt - 1) };
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec = ts.tv_nsec / 1000000000L;
				ts.tv_nsec %= 1000000000L;
			}
			(void)nanosleep(&ts, NULL);
		}
		CURLcode rc = C.easy_perform(c);
		long code = 0;
		if (rc == CURLE_OK)
			(void)C.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (rc == CURLE_OK && code >= 200 && code < 300)
			return true;
		if (rc != CURLE_OK)
			(void)snprintf(err, errlen, "%s", C.easy_strerror(rc));
		else
			(void)snprintf(err, errlen, "HTTP %ld", code);
		/* 4xx other than 429: the request itself is wrong; no retry. */
		if (rc == CURLE_OK && code != 429 && code < 500)
			return false;
	}
	return false;
}

static void wrap(struct otlp_sink *s, struct rn_buf *out, const struct batch *b)
{
	char host[256] = "";
	(void)gethostname(host, sizeof(host) - 1);
	rn_buf_reset(out);
	rn_buf_put(out, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
	bool first = true;
	const char *svc = s->o->otlp_service_name ? s->o->otlp_service_name : "renacer";
	attr_str(out, &first, "service.name", svc, strlen(svc));
	attr_str(out, &first, "host.name", host, strlen(host));
	if (s->o->argv) {
		struct rn_buf cmd = { 0 };
		for (char **a = s->o->argv; *a; a++) {
			if (a != s->o->argv)
				rn_buf_putc(&cmd, ' ');
			rn_buf_put(&cmd, *a);
		}
		attr_str(out, &first, "process.command_line", cmd.p ? cmd.p : "", cmd.len);
		rn_buf_done(&cmd);
	}
	int pid = atomic_load(&s->main_pid);
	if (pid)
		attr_int(out, &first, "process.pid", pid);
	attr_str(out, &first, "telemetry.sdk.name", "renacer", 7);
	rn_buf_put(out, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"renacer\",\"version\":\"" RN_VERSION
			"\"},\"spans\":[");
	rn_buf_putn(out, b->spans.p ? b->spans.p : "", b->spans.len);
	rn_buf_put(out, "]}]}]}");
}

static void *worker_main(void *arg)
{
	struct otlp_sink *s = arg;
	CURL *c = C.easy_init();
	struct rn_buf body = { 0 };
	char err[256] = "";
	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->closing) {
			if (!s->cur) {
				pthread_cond_wait(&s->cv, &s->mu);
				continue;
			}
			/* A batch that waits too long goes as it is. */
			uint64_t due = s->cur_since + s->timeout_ns;
			if (mono_ns() >= due) {
				enqueue_locked(s, s->cur);
				s->cur = NULL;
				continue;
			}
			struct timespec ts = { (time_t)(due / 1000000000ULL), (long)(due % 1000000000ULL) };
			(void)pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		}
		struct batch *b = s->head;
		if (!b) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		s->head = b->next;
		if (!s->head)
			s->tail = NULL;
		s->queued--;
		pthread_mutex_unlock(&s->mu);
		wrap(s, &body, b);
		bool ok = c && !body.oom && post(s, c, &body, err, sizeof(err));
		if (!c)
			(void)snprintf(err, sizeof(err), "libcurl could not start");
		pthread_mutex_lock(&s->mu);
		if (ok) {
			s->sent += b->n;
		} else {
			s->lost += b->n;
			(void)snprintf(s->last_error, sizeof(s->last_error), "%s", err);
		}
		pthread_mutex_unlock(&s->mu);
		rn_buf_done(&b->spans);
		free(b);
	}
	rn_buf_done(&body);
	if (c)
		C.easy_cleanup(c);
	return NULL;
}

static int otlp_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct otlp_sink *s = (struct otlp_sink *)base;
	uint64_t now = s->run_start_ns + res->wall_ns;
	/* Processes still running (-p detach, interruption) end now. */
	for (size_t i = 0; i < s->procs.n; i++) {
		size_t len;
		pid_t pid = *(const pid_t *)rn_hmap_key(&s->procs, i, &len);
		end_process(s, pid, rn_hmap_val(&s->procs, i), now);
	}
	/* The root span: the whole run. */
	struct rn_buf *b = span_buf(s);
	if (b) {
		char name[300] = "renacer";
		if (s->o->argv)
			(void)snprintf(name, sizeof(name), "%s", s->o->argv[0]);
		span_head(b, s, s->root_id, s->has_parent ? s->parent_id : NULL, name, 2,
			  s->run_start_ns ? s->run_start_ns : now - res->wall_ns, now);
		rn_buf_put(b, ",\"attributes\":[");
		bool first = true;
		attr_int(b, &first, "process.exit_code", res->exit_status);
		attr_int(b, &first, "renacer.processes", (long long)s->procs.n);
		rn_buf_put(b, "]");
		if (res->exit_status)
			rn_buf_printf(b, ",\"status\":{\"code\":2,\"message\":\"exit status %d\"}}",
				      res->exit_status);
		else
			rn_buf_put(b, "}");
	span_done(s);
	}
	pthread_mutex_lock(&s->mu);
	if (s->cur) {
		enqueue_locked(s, s->cur);
		s->cur = NULL;
	}
	s->closing = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->worker_started) {
		(void)pthread_join(s->worker, NULL);
		s->worker_started = false;
	}
	if (s->lost)
		(void)fprintf(stderr,
			      "renacer: warning: OTLP export to %s: %llu of %llu spans not delivered (%s)\n",
			      s->url, (unsigned long long)s->lost, (unsigned long long)s->produced,
			      s->last_error[0] ? s->last_error : "queue full");
	return 0;
}

static void otlp_free(struct rn_sink *base)
{
	struct otlp_sink *s = (struct otlp_sink *)base;
	if (s->worker_started) {
		pthread_mutex_lock(&s->mu);
		s->closing = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		(void)pthread_join(s->worker, NULL);
	}
	while (s->head) {
		struct batch *b = s->head;
		s->head = b->next;
		rn_buf_done(&b->spans);
		free(b);
	}
	if (s->cur) {
		rn_buf_done(&s->cur->spans);
		free(s->cur);
	}
	rn_hmap_done(&s->procs);
	rn_hmap_done(&s->tgids);
	rn_hmap_done(&s->pipes);
	rn_hmap_done(&s->sock_chan);
	if (s->diag_fd >= 0)
		(void)close(s->diag_fd);
	rn_buf_done(&s->span);
	C.slist_free_all(s->headers);
	free(s->url);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
	C.global_cleanup();
}

static const struct rn_sink_ops otlp_ops = {
	.name = "otlp",
	.on_event = otlp_event,
	.on_process = otlp_process,
	.on_entry = otlp_entry,
	.finish = otlp_finish,
	.free = otlp_free,
};

struct rn_sink *rn_out_otlp_new(const struct rn_options *o, struct rn_diag *err)
{
	if (!curl_load()) {
		rn_diag_set(err, "--otlp-endpoint needs libcurl (libcurl.so.4), which could not be loaded");
		return NULL;
	}
	struct otlp_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		rn_diag_set(err, "out of memory");
		return NULL;
	}
	s->base.ops = &otlp_ops;
	s->base.needs = RN_NEED_DECODE | RN_NEED_TIMING | RN_NEED_ENTRY |
			(o->source ? RN_NEED_SOURCE : 0);
	s->o = o;
	s->sample_ns = o->otlp_sample_threshold_us * 1000ULL;
	rn_hmap_init(&s->procs, sizeof(struct proc_span));
	rn_hmap_init(&s->tgids, sizeof(pid_t));
	rn_hmap_init(&s->pipes, sizeof(uint64_t));
	rn_hmap_init(&s->sock_chan, sizeof(uint64_t));
	s->diag_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	s->timeout_ns = (uint64_t)o->otlp_batch_timeout_ms * 1000000ULL;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (C.global_init(CURL_GLOBAL_DEFAULT) != 0) {
		rn_diag_set(err, "libcurl could not be initialised");
		otlp_free(&s->base);
		return NULL;
	}
	/* {endpoint}/v1/traces, as OTLP/HTTP exporters do with a base URL. */
	size_t n = strlen(o->otlp_endpoint);
	bool has_path = n >= 10 && strcmp(o->otlp_endpoint + n - 10, "/v1/traces") == 0;
	s->url = malloc(n + 12);
	if (s->url)
		(void)snprintf(s->url, n + 12, "%.*s%s", (int)(n && o->otlp_endpoint[n - 1] == '/' ? n - 1 : n),
			       o->otlp_endpoint, has_path ? "" : "/v1/traces");
	s->headers = C.slist_append(NULL, "Content-Type: application/json");
	for (size_t i = 0; s->headers && i < o->otlp_nheaders; i++) {
		char line[1024];
		const char *kv = o->otlp_headers[i], *eq = strchr(kv, '=');
		(void)snprintf(line, sizeof(line), "%.*s: %s", (int)(eq - kv), kv, eq + 1);
		struct curl_slist *h = C.slist_append(s->headers, line);
		if (h)
			s->headers = h;
	}
	if (!s->url || !s->headers) {
		rn_diag_set(err, "out of memory");
		otlp_free(&s->base);
		return NULL;
	}
	rng_seed();
	/* Join the caller's trace (--trace-parent, else $TRACEPARENT), or
	 * start a new one. */
	const char *tp = o->trace_parent ? o->trace_parent : getenv("TRACEPARENT");
	if (tp && rn_otlp_parse_traceparent(tp, s->trace_id, s->parent_id) == 0)
		s->has_parent = true;
	else
		random_id(s->trace_id, 16);
	random_id(s->root_id, 8);
	char t[33], r[17];
	hex(t, s->trace_id, 16);
	hex(r, s->root_id, 8);
	(void)snprintf(s->traceparent, sizeof(s->traceparent), "TRACEPARENT=00-%s-%s-01", t, r);
	if (pthread_create(&s->worker, NULL, worker_main, s) != 0) {
		rn_diag_set(err, "cannot start the OTLP export thread");
		otlp_free(&s->base);
		return NULL;
	}
	s->worker_started = true;
	return &s->base;
}

const char *rn_out_otlp_traceparent(const struct rn_sink *sink)
{
	return ((const struct otlp_sink *)sink)->traceparent;
}
