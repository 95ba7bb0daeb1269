// SPDX-License-Identifier: MIT
/* The default output: one strace-compatible line per event. The result is
 * aligned at column 40 as strace does; -t/-tt/-ttt prefix a timestamp, -T
 * appends the time spent in the call, and with several tasks each line
 * starts with the task's pid ("[pid  123] " on stderr, "123   " in -o files
 * with -f, as strace). */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "decode/decode.h"
#include "symbolize/symbolize.h"

#define RESULT_COLUMN 40

struct text_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	bool pid_prefix; /* "%-5d " on every line: -o FILE with -f or several -p */
	struct rn_buf line;
	/* A call's entry half is printed when it starts (so a blocked call is
	 * visible); the line stays open until its exit or until another line
	 * must be printed, which closes it with " <unfinished ...>" and the
	 * exit then prints "<... NAME resumed>" as strace does. */
	pid_t open_pid; /* 0: no open line */
	size_t open_col;
	bool dirty;	/* written since the last flush */
	bool whole;	/* -z/-Z/status=, -ff: a line is printed whole once its call ended */
	/* -ff -o FILE: each task's lines go to FILE.PID, opened on its first
	 * line and closed when it ends */
	bool separate;
	struct pid_file {
		pid_t pid;
		FILE *f;
	} *files;
	size_t nfiles, cfiles;
	uint64_t last_ts; /* -r: when the previous line's event happened */
};

static void leader(struct text_sink *s, const struct rn_event *ev)
{
	struct rn_buf *b = &s->line;
	rn_buf_reset(b);
	if (s->pid_prefix)
		rn_buf_printf(b, "%-5d ", ev->pid);
	else if (ev->ntasks > 1 && !s->o->outfile && !s->separate)
		rn_buf_printf(b, "[pid %5d] ", ev->pid);
	if (s->o->ts != RN_TS_NONE) {
		time_t sec = (time_t)(ev->ts_ns / 1000000000ull);
		long usec = (long)(ev->ts_ns % 1000000000ull / 1000);
		if (s->o->ts == RN_TS_EPOCH) {
			rn_buf_printf(b, "%lld.%06ld ", (long long)sec, usec);
		} else {
			struct tm tm;
			char hms[16];
			(void)localtime_r(&sec, &tm);
			(void)strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
			if (s->o->ts == RN_TS_USEC)
				rn_buf_printf(b, "%s.%06ld ", hms, usec);
			else
				rn_buf_printf(b, "%s ", hms);
		}
	}
	if (s->o->relative_ts) {
		/* from one line's event to the next; the first is 0 */
		uint64_t d = s->last_ts && ev->ts_ns > s->last_ts ? ev->ts_ns - s->last_ts : 0;
		if (ev->ts_ns > s->last_ts)
			s->last_ts = ev->ts_ns;
		rn_buf_printf(b, s->o->ts != RN_TS_NONE ? "(+%6llu.%06llu) " : "%6llu.%06llu ",
			      (unsigned long long)(d / 1000000000ull),
			      (unsigned long long)(d % 1000000000ull / 1000));
	}
	if (s->o->show_ip) {
		if (ev->kind == RN_EV_SYSCALL && ev->ip)
			rn_buf_printf(b, "[%016llx] ", (unsigned long long)ev->ip);
		else
			rn_buf_put(b, "[????????????????] ");
	}
}

static void emit(struct text_sink *s)
{
	rn_buf_putc(&s->line, '\n');
	(void)fwrite(s->line.p, 1, s->line.len, s->f);
	s->dirty = true;
}

/* -k: the stack under the line, innermost first, one frame a line as
 * strace -k prints it: " > module(function+0x1a) file:line". */
static void put_stack(struct text_sink *s, const struct rn_event *ev)
{
	for (unsigned i = 0; i < ev->nstack; i++) {
		const struct rn_srcloc *l = ev->stack[i];
		struct rn_buf *b = &s->line;
		rn_buf_reset(b);
		rn_buf_printf(b, " > %s(", l->module);
		if (l->function)
			rn_buf_printf(b, "%s+0x%llx", l->function, (unsigned long long)l->offset);
		rn_buf_putc(b, ')');
		if (l->file)
			rn_buf_printf(b, " %s:%u", l->file, l->line);
		emit(s);
	}
}

/* -ff: point s->f at pid's file, opening it on first use; false when it
 * cannot be opened (said once, on stderr). */
static bool pid_file(struct text_sink *s, pid_t pid)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].pid == pid) {
			s->f = s->files[i].f;
			return s->f != NULL;
		}
	if (s->nfiles == s->cfiles) {
		size_t cap = s->cfiles ? s->cfiles * 2 : 16;
		struct pid_file *v = realloc(s->files, cap * sizeof(*v));
		if (!v)
			return false;
		s->files = v;
		s->cfiles = cap;
	}
	char path[4096];
	(void)snprintf(path, sizeof(path), "%s.%d", s->o->outfile, (int)pid);
	/* "e": the traced program cannot write into it */
	FILE *f = fopen(path, "we");
	if (!f)
		(void)fprintf(stderr, "renacer: cannot open '%s': %s\n", path, strerror(errno));
	s->files[s->nfiles].pid = pid;
	s->files[s->nfiles].f = f;
	s->nfiles++;
	s->f = f;
	return f != NULL;
}

/* -ff: pid has ended; its file is complete. */
static void pid_file_close(struct text_sink *s, pid_t pid)
{
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].pid == pid) {
			if (s->files[i].f)
				(void)fclose(s->files[i].f);
			s->files[i] = s->files[--s->nfiles];
			s->f = NULL;
			return;
		}
}

/* Close a line left open by an entry half. */
static void close_open(struct text_sink *s)
{
	if (!s->open_pid)
		return;
	(void)fputs(" <unfinished ...>\n", s->f);
	s->open_pid = 0;
}

static void text_entry(struct rn_sink *base, const struct rn_event *ev)
{
	struct text_sink *s = (struct text_sink *)base;
	struct rn_buf *b = &s->line;
	if (s->whole)
		return;
	close_open(s);
	leader(s, ev);
	rn_buf_put(b, ev->name);
	rn_buf_putc(b, '(');
	rn_buf_putn(b, ev->args_text, ev->entry_len);
	(void)fwrite(b->p, 1, b->len, s->f);
	s->dirty = true;
	s->open_pid = ev->pid;
	s->open_col = b->len;
}

/* How a call ended, as -e status= names it. */
static unsigned call_status(const struct rn_event *ev)
{
	if (ev->flags & RN_EVF_NO_RETURN)
		return RN_STATUS_UNFINISHED;
	if (!(ev->flags & RN_EVF_DECODED) && !ev->rval_text)
		return RN_STATUS_UNAVAILABLE;
	return (ev->flags & RN_EVF_ERROR) ? RN_STATUS_FAILED : RN_STATUS_SUCCESSFUL;
}

bool rn_out_shown(const struct rn_options *o, const struct rn_event *ev)
{
	if (o->status && !(o->status & call_status(ev)))
		return false;
	return !o->npaths || (ev->flags & RN_EVF_PATH);
}

static void text_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct text_sink *s = (struct text_sink *)base;
	struct rn_buf *b = &s->line;
	size_t col0 = 0, done = 0;
	if (!rn_out_shown(s->o, ev))
		return;
	if (s->separate && !pid_file(s, ev->pid))
		return;
	if (s->open_pid == ev->pid) {
		/* Continue the line its entry half started. */
		rn_buf_reset(b);
		col0 = s->open_col;
		done = ev->entry_len;
		s->open_pid = 0;
	} else {
		/* A call whose entry half was printed and then left
		 * unfinished resumes, even one with no arguments ("vfork(
		 * <unfinished ...>"). */
		close_open(s);
		leader(s, ev);
		if ((ev->flags & RN_EVF_NO_ENTRY) || s->whole) {
			rn_buf_put(b, ev->name);
			rn_buf_putc(b, '(');
		} else {
			rn_buf_printf(b, "<... %s resumed>", ev->name);
			done = ev->entry_len;
		}
	}
	if ((ev->flags & RN_EVF_DECODED) && ev->args_len > done)
		rn_buf_putn(b, ev->args_text + done, ev->args_len - done);
	rn_buf_put(b, ") ");
	size_t column = s->o->column ? s->o->column : RESULT_COLUMN;
	if (col0 + b->len < column) {
		size_t pad = column - col0 - b->len;
		char *w = rn_buf_reserve(b, pad);
		if (w) {
			memset(w, ' ', pad);
			b->len += pad;
			b->p[b->len] = '\0';
		}
	}
	rn_buf_put(b, "= ");
	rn_buf_put(b, (ev->flags & RN_EVF_DECODED) ? ev->rval_text : "?");
	if (s->o->show_time && !(ev->flags & RN_EVF_NO_RETURN))
		rn_buf_printf(b, " <%llu.%06llu>", (unsigned long long)(ev->dur_ns / 1000000000ull),
			      (unsigned long long)(ev->dur_ns % 1000000000ull / 1000));
	if (ev->src && s->o->source) {
		char where[512];
		(void)rn_srcloc_format(ev->src, where, sizeof(where));
		rn_buf_printf(b, " [%s]", where);
	}
	emit(s);
	if (s->o->stack)
		put_stack(s, ev);
}

static void text_process(struct rn_sink *base, const struct rn_event *ev)
{
	struct text_sink *s = (struct text_sink *)base;
	struct rn_buf *b = &s->line;
	char tmp[16];
	const char *sig = NULL;
	if (ev->kind == RN_EV_SIGNAL || ev->kind == RN_EV_STOPPED || ev->kind == RN_EV_KILLED) {
		sig = rn_signal_name((int)ev->ret, tmp, sizeof(tmp));
		if (!sig) {
			(void)snprintf(tmp, sizeof(tmp), "%d", (int)ev->ret);
			sig = tmp;
		}
	}
	if (ev->kind == RN_EV_ATTACHED || ev->kind == RN_EV_DETACHED) {
		/* The notice goes to stderr after us (the status sink): when the
		 * trace does too, end the open line first, as strace does. */
		if (s->f == stderr) {
			close_open(s);
			(void)fflush(s->f);
		}
		return;
	}
	close_open(s);
	if (s->separate && (ev->kind == RN_EV_SIGNAL || ev->kind == RN_EV_STOPPED ||
			    ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED ||
			    ev->kind == RN_EV_SUPERSEDED) &&
	    !pid_file(s, ev->pid))
		return;
	switch (ev->kind) {
	case RN_EV_SIGNAL:
		/* -e signal=: only the signals asked for */
		if (s->o->signal_filter && ev->ret >= 1 && ev->ret <= 64 &&
		    !(s->o->signals >> (ev->ret - 1) & 1))
			return;
		leader(s, ev);
		rn_buf_printf(b, "--- %s %s ---", sig, ev->args_text ? ev->args_text : "{}");
		break;
	case RN_EV_STOPPED:
		leader(s, ev);
		rn_buf_printf(b, "--- stopped by %s ---", sig);
		break;
	case RN_EV_EXITED:
		if (s->o->quiet_exit)
			goto done;
		leader(s, ev);
		rn_buf_printf(b, "+++ exited with %d +++", (int)ev->ret);
		break;
	case RN_EV_KILLED:
		if (s->o->quiet_exit)
			goto done;
		leader(s, ev);
		rn_buf_printf(b, "+++ killed by %s%s +++", sig,
			      (ev->flags & RN_EVF_CORE) ? " (core dumped)" : "");
		break;
	case RN_EV_SUPERSEDED:
		if (s->o->quiet_superseded)
			goto done;
		leader(s, ev);
		rn_buf_printf(b, "+++ superseded by execve in pid %d +++", (int)ev->ret);
		break;
	default:
		return;
	}
	emit(s);
done:
	if (s->separate && (ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED))
		pid_file_close(s, ev->pid);
}

static void text_idle(struct rn_sink *base)
{
	struct text_sink *s = (struct text_sink *)base;
	if (!s->dirty)
		return;
	if (s->separate) {
		for (size_t i = 0; i < s->nfiles; i++)
			if (s->files[i].f)
				(void)fflush(s->files[i].f);
	} else {
		(void)fflush(s->f);
	}
	s->dirty = false;
}

static int text_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct text_sink *s = (struct text_sink *)base;
	(void)res;
	if (!s->separate) {
		close_open(s);
		return fflush(s->f) == 0 ? 0 : -EIO;
	}
	/* tasks still running at the end (-p, Ctrl-C) */
	int r = 0;
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].f && fclose(s->files[i].f) != 0)
			r = -EIO;
	s->nfiles = 0;
	return r;
}

static void text_free(struct rn_sink *base)
{
	struct text_sink *s = (struct text_sink *)base;
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].f)
			(void)fclose(s->files[i].f);
	free(s->files);
	rn_buf_done(&s->line);
	free(s);
}

static const struct rn_sink_ops text_ops = {
	.name = "text",
	.on_event = text_event,
	.on_process = text_process,
	.on_entry = text_entry,
	.idle = text_idle,
	.finish = text_finish,
	.free = text_free,
};

struct rn_sink *rn_out_text_new(FILE *f, const struct rn_options *o)
{
	struct text_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &text_ops;
	s->base.needs = RN_NEED_DECODE | RN_NEED_ENTRY | (o->show_time ? RN_NEED_TIMING : 0) |
			(o->source ? RN_NEED_SOURCE : 0) | (o->stack ? RN_NEED_STACK : 0);
	s->f = f;
	s->o = o;
	s->separate = o->separately && o->outfile;
	s->pid_prefix = !s->separate && o->outfile && (o->follow || o->npids > 1);
	s->whole = o->status != 0 || s->separate || o->npaths;
	if (s->whole)
		s->base.needs &= ~RN_NEED_ENTRY;
	return &s->base;
}

/* --- status notices --- */

static void status_event(struct rn_sink *base, const struct rn_event *ev)
{
	(void)base;
	(void)ev;
}

static void status_process(struct rn_sink *base, const struct rn_event *ev)
{
	(void)base;
	if (ev->kind == RN_EV_ATTACHED)
		(void)fprintf(stderr, "renacer: Process %d attached\n", ev->pid);
	else if (ev->kind == RN_EV_DETACHED)
		(void)fprintf(stderr, "renacer: Process %d detached\n", ev->pid);
}

static void status_free(struct rn_sink *base)
{
	free(base);
}

static const struct rn_sink_ops status_ops = {
	.name = "status",
	.on_event = status_event,
	.on_process = status_process,
	.free = status_free,
};

struct rn_sink *rn_out_status_new(void)
{
	struct rn_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ops = &status_ops;
	return s;
}
