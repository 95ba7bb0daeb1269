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

#define RESULT_COLUMN 40

struct text_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	bool pid_prefix; /* "%-5d " on every line: -o FILE with -f or several -p */
	struct rn_buf line;
};

static void leader(struct text_sink *s, const struct rn_event *ev)
{
	struct rn_buf *b = &s->line;
	rn_buf_reset(b);
	if (s->pid_prefix)
		rn_buf_printf(b, "%-5d ", ev->pid);
	else if (ev->ntasks > 1 && !s->o->outfile)
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
}

static void emit(struct text_sink *s)
{
	rn_buf_putc(&s->line, '\n');
	(void)fwrite(s->line.p, 1, s->line.len, s->f);
}

static void text_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct text_sink *s = (struct text_sink *)base;
	struct rn_buf *b = &s->line;
	leader(s, ev);
	rn_buf_put(b, ev->name);
	rn_buf_putc(b, '(');
	if (ev->flags & RN_EVF_DECODED)
		rn_buf_putn(b, ev->args_text, ev->args_len);
	rn_buf_put(b, ") ");
	if (b->len < RESULT_COLUMN) {
		char *w = rn_buf_reserve(b, RESULT_COLUMN - b->len);
		if (w) {
			memset(w, ' ', RESULT_COLUMN - b->len);
			b->len = RESULT_COLUMN;
			b->p[b->len] = '\0';
		}
	}
	rn_buf_put(b, "= ");
	rn_buf_put(b, (ev->flags & RN_EVF_DECODED) ? ev->rval_text : "?");
	if (s->o->show_time && !(ev->flags & RN_EVF_NO_RETURN))
		rn_buf_printf(b, " <%llu.%06llu>", (unsigned long long)(ev->dur_ns / 1000000000ull),
			      (unsigned long long)(ev->dur_ns % 1000000000ull / 1000));
	emit(s);
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
	switch (ev->kind) {
	case RN_EV_SIGNAL:
		leader(s, ev);
		rn_buf_printf(b, "--- %s %s ---", sig, ev->args_text ? ev->args_text : "{}");
		break;
	case RN_EV_STOPPED:
		leader(s, ev);
		rn_buf_printf(b, "--- stopped by %s ---", sig);
		break;
	case RN_EV_EXITED:
		leader(s, ev);
		rn_buf_printf(b, "+++ exited with %d +++", (int)ev->ret);
		break;
	case RN_EV_KILLED:
		leader(s, ev);
		rn_buf_printf(b, "+++ killed by %s%s +++", sig,
			      (ev->flags & RN_EVF_CORE) ? " (core dumped)" : "");
		break;
	case RN_EV_SUPERSEDED:
		leader(s, ev);
		rn_buf_printf(b, "+++ superseded by execve in pid %d +++", (int)ev->ret);
		break;
	default:
		return;
	}
	emit(s);
}

static int text_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct text_sink *s = (struct text_sink *)base;
	(void)res;
	return fflush(s->f) == 0 ? 0 : -EIO;
}

static void text_free(struct rn_sink *base)
{
	struct text_sink *s = (struct text_sink *)base;
	if (!s)
		return;
	rn_buf_done(&s->line);
	free(s);
}

static const struct rn_sink_ops text_ops = {
	.name = "text",
	.on_event = text_event,
	.on_process = text_process,
	.finish = text_finish,
	.free = text_free,
};

struct rn_sink *rn_out_text_new(FILE *f, const struct rn_options *o)
{
	struct text_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &text_ops;
	s->base.needs = RN_NEED_DECODE | (o->show_time ? RN_NEED_TIMING : 0);
	s->f = f;
	s->o = o;
	s->pid_prefix = o->outfile && (o->follow || o->npids > 1);
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
