// SPDX-License-Identifier: MIT
/* --equivalence ORIGINAL -- TRANSPILED: trace both programs (with -f) and
 * compare what an observer could see them do.
 *
 * The observable stream of each run is: the bytes written to renacer's own
 * standard streams and to each file by name (write, writev, pwrite64,
 * pwritev on the fd, resolved through /proc at the time of the call), the
 * bytes sent on sockets, files created, removed and renamed, and the exit
 * status. Writes to /dev/null and to pipes made inside the traced tree are
 * internal and not compared. What an interpreter and a compiled program naturally do
 * differently (loading libraries and modules, memory, reading, the order
 * between different files) is not observable here. Equal streams pass; the
 * report says how much was compared and the speedup. Otherwise the first
 * divergence is shown, both sides. */
#include "analysis/equivalence.h"

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/hmap.h"
#include "core/session.h"
#include "decode/decode.h"

#define MAX_CAPTURE (16u << 20) /* bytes kept per stream */

struct stream {
	struct rn_buf data;
	uint64_t bytes;	     /* written, also past MAX_CAPTURE */
	unsigned first_call; /* index of the first write, for ordering reports */
};

struct capture {
	struct rn_sink base;
	const regex_t *ignore; /* --equivalence-ignore: streams and events not compared */
	size_t nignore;
	struct rn_hmap streams; /* "fd:1", "file:/tmp/x", "net:..." -> struct stream */
	struct rn_buf events;	/* one line per create/remove/rename/connect */
	unsigned nevents, nwrites;
	int exit_status;
	uint64_t wall_ns;
	struct rn_buf scratch;
};

/* The observable name of what fd of pid writes to: "fd 1" for renacer's
 * own standard streams (inherited), "file PATH", "pipe", "socket"; NULL
 * for /dev/null, whose writes nobody can observe. */
static const char *fd_target(pid_t pid, uint64_t fd, char *buf, size_t len)
{
	char path[64], link[4096], mine[4096];
	(void)snprintf(path, sizeof(path), "/proc/%d/fd/%llu", (int)pid, (unsigned long long)fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		(void)snprintf(buf, len, "fd %llu", (unsigned long long)fd);
		return buf;
	}
	link[n] = '\0';
	if (!strcmp(link, "/dev/null"))
		return NULL;
	if (fd <= 2) {
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%llu", (unsigned long long)fd);
		ssize_t m = readlink(path, mine, sizeof(mine) - 1);
		if (m == n && !memcmp(mine, link, (size_t)n)) {
			(void)snprintf(buf, len, "fd %llu", (unsigned long long)fd);
			return buf;
		}
	}
	/* A pipe that is not one of renacer's own streams was made inside
	 * the traced tree (a shell's command substitution): internal, not
	 * observable. Sockets differ by inode between runs: named by kind. */
	if (!strncmp(link, "pipe:", 5))
		return NULL;
	if (!strncmp(link, "socket:", 7))
		(void)snprintf(buf, len, "socket");
	else
		(void)snprintf(buf, len, "file %s", link);
	return buf;
}

static bool ignored(const struct capture *c, const char *what)
{
	for (size_t i = 0; i < c->nignore; i++)
		if (regexec(&c->ignore[i], what, 0, NULL, 0) == 0)
			return true;
	return false;
}

static struct stream *stream_of(struct capture *c, const char *name)
{
	if (!name || ignored(c, name))
		return NULL;
	struct stream *s = rn_hmap_get(&c->streams, name, strlen(name));
	if (s && !s->data.p && !s->bytes)
		s->first_call = c->nwrites;
	return s;
}

static void append_mem(struct capture *c, struct stream *s, pid_t pid, uint64_t addr, uint64_t len)
{
	s->bytes += len;
	while (len && s->data.len < MAX_CAPTURE) {
		size_t n = len < 65536 ? (size_t)len : 65536;
		if (n > MAX_CAPTURE - s->data.len)
			n = MAX_CAPTURE - s->data.len;
		char *w = rn_buf_reserve(&s->data, n);
		if (!w || rn_mem_read(pid, addr, w, n) < 0)
			return;
		s->data.len += n;
		s->data.p[s->data.len] = '\0';
		addr += n;
		len -= n;
	}
	(void)c;
}

static void path_event(struct capture *c, const char *what, pid_t pid, uint64_t addr)
{
	char path[4096];
	ssize_t n = rn_mem_read_str(pid, addr, path, sizeof(path) - 1);
	if (n < 0 || (size_t)n >= sizeof(path))
		return;
	path[n] = '\0';
	if (!strcmp(what, "create")) {
		/* O_CREAT on a device (a shell's "> /dev/null") creates
		 * nothing: only regular files count. */
		char full[8300], cwd[4096], link[64];
		(void)snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		ssize_t m = readlink(link, cwd, sizeof(cwd) - 1);
		cwd[m > 0 ? m : 0] = '\0';
		(void)snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : cwd,
			       path[0] == '/' ? "" : "/", path);
		struct stat st;
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			return;
	}
	char line[4200];
	(void)snprintf(line, sizeof(line), "%s %s", what, path);
	if (ignored(c, line))
		return;
	rn_buf_printf(&c->events, "%s\n", line);
	c->nevents++;
}

static void cap_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct capture *c = (struct capture *)base;
	if (ev->flags & (RN_EVF_ERROR | RN_EVF_NO_RETURN))
		return;
	char name[4200];
	switch (ev->nr) {
	case SYS_write:
	case SYS_pwrite64:
		if (ev->ret > 0) {
			struct stream *s = stream_of(c, fd_target(ev->pid, ev->args[0], name, sizeof(name)));
			if (s)
				append_mem(c, s, ev->pid, ev->args[1], (uint64_t)ev->ret);
			c->nwrites++;
		}
		break;
	case SYS_writev:
	case SYS_pwritev: {
		struct stream *s = stream_of(c, fd_target(ev->pid, ev->args[0], name, sizeof(name)));
		uint64_t left = ev->ret > 0 ? (uint64_t)ev->ret : 0;
		for (uint64_t i = 0; s && left && i < ev->args[2] && i < 1024; i++) {
			struct iovec iov;
			if (rn_mem_read(ev->pid, ev->args[1] + i * sizeof(iov), &iov, sizeof(iov)) < 0)
				break;
			uint64_t n = iov.iov_len < left ? iov.iov_len : left;
			append_mem(c, s, ev->pid, (uint64_t)(uintptr_t)iov.iov_base, n);
			left -= n;
		}
		c->nwrites++;
		break;
	}
	case SYS_sendto:
		if (ev->ret > 0) {
			struct stream *s = stream_of(c, "socket");
			if (s)
				append_mem(c, s, ev->pid, ev->args[1], (uint64_t)ev->ret);
			c->nwrites++;
		}
		break;
	case SYS_unlink:
	case SYS_rmdir:
		path_event(c, ev->nr == SYS_unlink ? "remove" : "rmdir", ev->pid, ev->args[0]);
		break;
	case SYS_unlinkat:
		path_event(c, "remove", ev->pid, ev->args[1]);
		break;
	case SYS_mkdir:
		path_event(c, "mkdir", ev->pid, ev->args[0]);
		break;
	case SYS_mkdirat:
		path_event(c, "mkdir", ev->pid, ev->args[1]);
		break;
	case SYS_rename:
		path_event(c, "rename", ev->pid, ev->args[1]);
		break;
	case SYS_renameat:
	case SYS_renameat2:
		path_event(c, "rename", ev->pid, ev->args[3]);
		break;
	case SYS_open:
	case SYS_openat: {
		uint64_t flags = ev->nr == SYS_open ? ev->args[1] : ev->args[2];
		if (flags & O_CREAT)
			path_event(c, "create", ev->pid, ev->nr == SYS_open ? ev->args[0] : ev->args[1]);
		break;
	}
	default:
		break;
	}
}

static int cap_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct capture *c = (struct capture *)base;
	c->exit_status = res->exit_status;
	c->wall_ns = res->wall_ns;
	return 0;
}

static void cap_free(struct rn_sink *base)
{
	(void)base; /* owned by rn_equivalence_run */
}

static const struct rn_sink_ops cap_ops = {
	.name = "equivalence",
	.on_event = cap_event,
	.finish = cap_finish,
	.free = cap_free,
};

static void capture_done(struct capture *c)
{
	for (size_t i = 0; i < c->streams.n; i++)
		rn_buf_done(&((struct stream *)rn_hmap_val(&c->streams, i))->data);
	rn_hmap_done(&c->streams);
	rn_buf_done(&c->events);
	rn_buf_done(&c->scratch);
}

/* Trace argv into c. Returns 0 or -errno (err set). */
static int run_one(const struct rn_options *base, char **argv, struct capture *c,
		   const regex_t *ignore, size_t nignore, struct rn_diag *err)
{
	struct rn_options o = *base;
	o.argv = argv;
	o.follow = true;
	o.filter = NULL;
	memset(c, 0, sizeof(*c));
	c->base.ops = &cap_ops;
	c->ignore = ignore;
	c->nignore = nignore;
	rn_hmap_init(&c->streams, sizeof(struct stream));
	struct rn_sinks sinks = { 0 };
	if (rn_sinks_add(&sinks, &c->base) < 0)
		return -ENOMEM;
	int r = rn_session_run(&o, &sinks, err);
	free(sinks.v);
	return r < 0 ? r : 0;
}

/* Up to 40 bytes of s from off, escaped, for a report. */
static void excerpt(struct rn_buf *out, const char *s, size_t len, size_t off)
{
	size_t from = off > 10 ? off - 10 : 0, to = from + 40 < len ? from + 40 : len;
	rn_buf_putc(out, '"');
	for (size_t i = from; i < to; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			rn_buf_put(out, "\\n");
		else if (ch == '"' || ch == '\\')
			rn_buf_printf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			rn_buf_printf(out, "\\x%02x", ch);
		else
			rn_buf_putc(out, (char)ch);
	}
	rn_buf_putc(out, '"');
	if (to < len)
		rn_buf_put(out, "...");
}

int rn_equivalence_run(const struct rn_options *o, char **original, char **transpiled, FILE *f,
		       struct rn_diag *err)
{
	/* Configured differences: ERE patterns over stream names ("fd 2",
	 * "file /tmp/x.log") and event lines ("create /tmp/cache"). */
	regex_t *ignore = calloc(o->equiv_nignore + 1, sizeof(*ignore));
	if (!ignore)
		return -ENOMEM;
	for (size_t i = 0; i < o->equiv_nignore; i++)
		if (regcomp(&ignore[i], o->equiv_ignore[i], REG_EXTENDED | REG_NOSUB) != 0) {
			rn_diag_set(err, "bad --equivalence-ignore pattern '%s'", o->equiv_ignore[i]);
			for (size_t k = 0; k < i; k++)
				regfree(&ignore[k]);
			free(ignore);
			return -EINVAL;
		}
	struct capture a, b;
	int r = run_one(o, original, &a, ignore, o->equiv_nignore, err);
	if (r == 0) {
		r = run_one(o, transpiled, &b, ignore, o->equiv_nignore, err);
		if (r < 0)
			capture_done(&a);
	}
	if (r < 0) {
		for (size_t k = 0; k < o->equiv_nignore; k++)
			regfree(&ignore[k]);
		free(ignore);
		return r;
	}
	struct rn_buf why = { 0 };
	uint64_t compared = 0;
	/* Streams: every name on either side, in the original's order. */
	for (int side = 0; side < 2 && !why.len; side++) {
		struct capture *x = side ? &b : &a, *y = side ? &a : &b;
		for (size_t i = 0; i < x->streams.n && !why.len; i++) {
			size_t klen;
			const char *key = rn_hmap_key(&x->streams, i, &klen);
			const struct stream *sx = rn_hmap_val(&x->streams, i);
			char name[4200];
			(void)snprintf(name, sizeof(name), "%.*s", (int)klen, key);
			struct stream *sy = rn_hmap_get(&y->streams, key, klen);
			if (!sy)
				break;
			if (side && sy->bytes)
				continue; /* compared in the first pass */
			const struct stream *so = side ? sy : sx, *st = side ? sx : sy;
			size_t n = so->data.len < st->data.len ? so->data.len : st->data.len, k = 0;
			while (k < n && so->data.p[k] == st->data.p[k])
				k++;
			compared += k;
			if (k == n && so->bytes == st->bytes)
				continue;
			rn_buf_printf(&why, "%s differs at byte %zu (original wrote %llu bytes, transpiled "
					    "%llu)\n  original:   ",
				      name, k, (unsigned long long)so->bytes, (unsigned long long)st->bytes);
			excerpt(&why, so->data.p ? so->data.p : "", so->data.len, k);
			rn_buf_put(&why, "\n  transpiled: ");
			excerpt(&why, st->data.p ? st->data.p : "", st->data.len, k);
			rn_buf_putc(&why, '\n');
		}
	}
	if (!why.len && (a.events.len != b.events.len ||
			 (a.events.len && memcmp(a.events.p, b.events.p, a.events.len)))) {
		/* The first differing file-system event line. */
		const char *p = a.events.p ? a.events.p : "", *q = b.events.p ? b.events.p : "";
		unsigned line = 1;
		while (*p && *p == *q) {
			line += *p == '\n';
			p++;
			q++;
		}
		while (p > (a.events.p ? a.events.p : "") && p[-1] != '\n')
			p--, q--;
		rn_buf_printf(&why, "file-system event %u differs\n  original:   %.*s\n  transpiled: %.*s\n",
			      line, (int)strcspn(p, "\n"), *p ? p : "(none)", (int)strcspn(q, "\n"),
			      *q ? q : "(none)");
	}
	if (!why.len && a.exit_status != b.exit_status)
		rn_buf_printf(&why, "exit status differs: original %d, transpiled %d\n", a.exit_status,
			      b.exit_status);
	double speedup = b.wall_ns ? (double)a.wall_ns / (double)b.wall_ns : 0;
	if (!why.len) {
		(void)fprintf(f,
			      "Semantic equivalence: PASS\n  compared: %zu output streams (%llu bytes), "
			      "%u file-system events, exit status %d\n  confidence: 100%% of the observable "
			      "behaviour matched\n  speedup: %.2fx (original %.3fs, transpiled %.3fs, traced)\n",
			      a.streams.n, (unsigned long long)compared, a.nevents, a.exit_status, speedup,
			      (double)a.wall_ns / 1e9, (double)b.wall_ns / 1e9);
	} else {
		(void)fprintf(f, "Semantic equivalence: FAIL\n  first divergence: %s", why.p);
	}
	bool same = !why.len;
	rn_buf_done(&why);
	capture_done(&a);
	capture_done(&b);
	for (size_t k = 0; k < o->equiv_nignore; k++)
		regfree(&ignore[k]);
	free(ignore);
	return same ? 0 : RN_EQUIV_EXIT_DIFFERENT;
}
