// SPDX-License-Identifier: MIT
/* --format json: the renacer-json-v1 document (docs/json-schema.md).
 *
 * The document is streamed: the head and each syscall are written as they
 * happen, one syscall object per line, and finish() closes it with the
 * process events and the summary. Memory stays flat on long traces, and
 * whatever ends the run (the program crashing, Ctrl-C, SIGTERM) still
 * reaches finish(), so the file is always complete JSON. Process events
 * are few; they are kept and written after the syscalls. */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/ml/analysis.h"
#include "analysis/summary.h"
#include "core/json.h"
#include "decode/decode.h"
#include "symbolize/symbolize.h"

struct json_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	struct rn_ml_analysis *ml; /* borrowed, may be NULL */
	struct rn_buf line;  /* one syscall object at a time */
	struct rn_buf procs; /* process events, written at finish */
	struct rn_counts counts;
	uint64_t first_ns, last_ns;
	bool any, any_proc;
	int err; /* first write error */
};

static void put_head(struct json_sink *s)
{
	struct rn_buf *b = &s->line;
	rn_buf_reset(b);
	rn_buf_put(b, "{\n  \"version\": \"" RN_VERSION "\",\n  \"format\": \"renacer-json-v1\",\n");
	if (s->o->argv) {
		rn_buf_put(b, "  \"command\": [");
		for (char **a = s->o->argv; *a; a++) {
			if (a != s->o->argv)
				rn_buf_put(b, ", ");
			rn_json_cstr(b, *a);
		}
		rn_buf_put(b, "],\n");
	} else {
		rn_buf_put(b, "  \"attached\": [");
		for (size_t i = 0; i < s->o->npids; i++)
			rn_buf_printf(b, "%s%d", i ? ", " : "", (int)s->o->pids[i]);
		rn_buf_put(b, "],\n");
	}
	rn_buf_put(b, "  \"syscalls\": [");
}

static void flush_line(struct json_sink *s)
{
	if (s->line.oom && !s->err)
		s->err = -ENOMEM;
	if (s->line.len && fwrite(s->line.p, 1, s->line.len, s->f) != s->line.len && !s->err)
		s->err = -EIO;
	rn_buf_reset(&s->line);
}

/* The rendered arguments as an array of strings, one per argument. */
static void put_args(struct rn_buf *b, const struct rn_event *ev)
{
	rn_buf_putc(b, '[');
	if (ev->flags & RN_EVF_DECODED) {
		for (unsigned i = 0; i < ev->nargs_text; i++) {
			size_t from = ev->arg_off[i];
			size_t to = i + 1 < ev->nargs_text ? ev->arg_off[i + 1] : ev->args_len;
			/* Offsets point at the argument; the ", " before the next
			 * one belongs to no argument. */
			if (i + 1 < ev->nargs_text && to >= from + 2 &&
			    memcmp(ev->args_text + to - 2, ", ", 2) == 0)
				to -= 2;
			if (i)
				rn_buf_put(b, ", ");
			rn_json_str(b, ev->args_text + from, to - from);
		}
	}
	rn_buf_putc(b, ']');
}

static void json_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct json_sink *s = (struct json_sink *)base;
	struct rn_buf *b = &s->line;
	rn_counts_add(&s->counts, ev);
	if (!s->any)
		s->first_ns = ev->ts_ns;
	s->last_ns = ev->ts_ns + ev->dur_ns;
	if (!rn_out_shown(s->o, ev))
		return;
	rn_buf_put(b, s->any ? ",\n    {" : "\n    {");
	s->any = true;
	rn_buf_printf(b, "\"pid\": %d, \"name\": ", (int)ev->pid);
	rn_json_cstr(b, ev->name);
	rn_buf_put(b, ", \"args\": ");
	put_args(b, ev);
	if (!(ev->flags & RN_EVF_NO_RETURN))
		rn_buf_printf(b, ", \"result\": %lld", (long long)ev->ret);
	if (ev->rval_text) {
		rn_buf_put(b, ", \"return\": ");
		rn_json_cstr(b, ev->rval_text);
	}
	if (ev->flags & RN_EVF_ERROR) {
		const char *e = rn_errno_name((long)-ev->ret);
		rn_buf_put(b, ", \"error\": ");
		if (e)
			rn_json_cstr(b, e);
		else
			rn_buf_printf(b, "\"E%lld\"", (long long)-ev->ret);
	}
	if (ev->src) {
		const struct rn_srcloc *l = ev->src;
		rn_buf_put(b, ", \"source\": {");
		if (l->file) {
			rn_buf_put(b, "\"file\": ");
			rn_json_cstr(b, l->file);
			rn_buf_printf(b, ", \"line\": %u, ", l->line);
		}
		if (l->function) {
			rn_buf_put(b, "\"function\": ");
			rn_json_cstr(b, l->function);
			rn_buf_printf(b, ", \"offset\": %llu, ", (unsigned long long)l->offset);
		}
		rn_buf_put(b, "\"module\": ");
		rn_json_cstr(b, l->module);
		if (l->lang) {
			rn_buf_put(b, ", \"language\": ");
			rn_json_cstr(b, l->lang);
			rn_buf_put(b, ", \"generated\": {\"file\": ");
			rn_json_cstr(b, l->gen_file);
			rn_buf_printf(b, ", \"line\": %u, \"function\": ", l->gen_line);
			rn_json_cstr(b, l->gen_function);
			rn_buf_putc(b, '}');
		}
		rn_buf_putc(b, '}');
	}
	rn_buf_printf(b, ", \"start_ns\": %llu, \"duration_us\": %llu, \"duration_ns\": %llu}",
		      (unsigned long long)ev->ts_ns, (unsigned long long)(ev->dur_ns / 1000),
		      (unsigned long long)ev->dur_ns);
	flush_line(s);
}

static const char *signame(int sig, char *tmp, size_t len)
{
	const char *n = rn_signal_name(sig, tmp, len);
	if (!n) {
		(void)snprintf(tmp, len, "%d", sig);
		n = tmp;
	}
	return n;
}

static void json_process(struct rn_sink *base, const struct rn_event *ev)
{
	static const char *const kinds[RN_EV_COUNT] = {
		[RN_EV_SIGNAL] = "signal",	   [RN_EV_STOPPED] = "stopped",
		[RN_EV_EXITED] = "exited",	   [RN_EV_KILLED] = "killed",
		[RN_EV_SUPERSEDED] = "superseded", [RN_EV_ATTACHED] = "attached",
		[RN_EV_DETACHED] = "detached",
	};
	struct json_sink *s = (struct json_sink *)base;
	struct rn_buf *b = &s->procs;
	char tmp[32];
	if (ev->kind >= RN_EV_COUNT || !kinds[ev->kind])
		return;
	rn_buf_put(b, s->any_proc ? ",\n    {" : "\n    {");
	s->any_proc = true;
	rn_buf_printf(b, "\"pid\": %d, \"event\": \"%s\", \"time_ns\": %llu", (int)ev->pid,
		      kinds[ev->kind], (unsigned long long)ev->ts_ns);
	switch (ev->kind) {
	case RN_EV_SIGNAL:
	case RN_EV_STOPPED:
		rn_buf_put(b, ", \"signal\": ");
		rn_json_cstr(b, signame((int)ev->ret, tmp, sizeof(tmp)));
		if (ev->kind == RN_EV_SIGNAL && (ev->flags & RN_EVF_DECODED)) {
			rn_buf_put(b, ", \"siginfo\": ");
			rn_json_str(b, ev->args_text, ev->args_len);
		}
		break;
	case RN_EV_EXITED:
		rn_buf_printf(b, ", \"status\": %lld", (long long)ev->ret);
		break;
	case RN_EV_KILLED:
		rn_buf_put(b, ", \"signal\": ");
		rn_json_cstr(b, signame((int)ev->ret, tmp, sizeof(tmp)));
		rn_buf_printf(b, ", \"core_dumped\": %s", (ev->flags & RN_EVF_CORE) ? "true" : "false");
		break;
	case RN_EV_SUPERSEDED:
		rn_buf_printf(b, ", \"old_tid\": %lld", (long long)ev->ret);
		break;
	default:
		break;
	}
	rn_buf_putc(b, '}');
}

static int json_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct json_sink *s = (struct json_sink *)base;
	const struct rn_counts *c = &s->counts;
	struct rn_buf *b = &s->line;
	rn_buf_put(b, s->any ? "\n  ],\n  \"processes\": [" : "],\n  \"processes\": [");
	flush_line(s);
	if (s->procs.oom && !s->err)
		s->err = -ENOMEM;
	if (s->procs.len && fwrite(s->procs.p, 1, s->procs.len, s->f) != s->procs.len && !s->err)
		s->err = -EIO;
	rn_buf_put(b, s->any_proc ? "\n  ],\n" : "],\n");
	if (s->ml)
		rn_ml_analysis_json(s->ml, b);
	rn_buf_printf(b,
		      "  \"summary\": {\n    \"total_syscalls\": %llu,\n    \"total_errors\": %llu,\n"
		      "    \"total_time_us\": %llu,\n    \"wall_time_us\": %llu,\n"
		      "    \"exit_code\": %d,\n    \"interrupted\": %s,\n    \"lost_events\": %llu,\n"
		      "    \"syscalls\": [",
		      (unsigned long long)c->calls, (unsigned long long)c->errors,
		      (unsigned long long)(c->ns / 1000), (unsigned long long)(res->wall_ns / 1000),
		      res->exit_status, res->interrupted ? "true" : "false",
		      (unsigned long long)res->lost_events);
	int idx[RN_NSYSCALLS + 1];
	int n = rn_counts_sorted(c, idx);
	for (int i = 0; i < n; i++) {
		const struct rn_count_row *r = &c->rows[idx[i]];
		rn_buf_put(b, i ? ",\n      {\"name\": " : "\n      {\"name\": ");
		rn_json_cstr(b, rn_counts_name(idx[i]));
		rn_buf_printf(b,
			      ", \"calls\": %llu, \"errors\": %llu, \"time_us\": %llu, "
			      "\"percent_time\": %.2f}",
			      (unsigned long long)r->calls, (unsigned long long)r->errors,
			      (unsigned long long)(r->ns / 1000),
			      c->ns ? 100.0 * (double)r->ns / (double)c->ns : 0.0);
	}
	rn_buf_put(b, n ? "\n    ]\n  }\n}\n" : "]\n  }\n}\n");
	flush_line(s);
	if (fflush(s->f) != 0 && !s->err)
		s->err = -EIO;
	return s->err;
}

static void json_free(struct rn_sink *base)
{
	struct json_sink *s = (struct json_sink *)base;
	rn_buf_done(&s->line);
	rn_buf_done(&s->procs);
	free(s);
}

static const struct rn_sink_ops json_ops = {
	.name = "json",
	.on_event = json_event,
	.on_process = json_process,
	.finish = json_finish,
	.free = json_free,
};

struct rn_sink *rn_out_json_new(FILE *f, const struct rn_options *o, struct rn_ml_analysis *ml)
{
	struct json_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ml = ml;
	s->base.ops = &json_ops;
	s->base.needs = RN_NEED_DECODE | RN_NEED_TIMING | (o->source ? RN_NEED_SOURCE : 0);
	s->f = f;
	s->o = o;
	s->counts.sortby = o->sortby;
	put_head(s);
	flush_line(s);
	return &s->base;
}
