// SPDX-License-Identifier: MIT
/* --format csv (RFC 4180): a header and one row per syscall, streamed; with
 * -c the per-syscall table instead, in the -c table's order. A field holding
 * a comma, a quote, CR or LF is quoted with inner quotes doubled; decoded
 * arguments routinely hold all of these. */
#include "output/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/summary.h"
#include "decode/decode.h"
#include "symbolize/symbolize.h"

struct csv_sink {
	struct rn_sink base;
	FILE *f;
	bool stats;  /* -c: the table, not the rows */
	bool source; /* --source: a source_location column */
	const struct rn_options *o;
	struct rn_counts counts;
	struct rn_buf line;
	int err;
};

static void put_field(struct rn_buf *b, const char *s, size_t len)
{
	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
	    !memchr(s, '\r', len)) {
		rn_buf_putn(b, s, len);
		return;
	}
	rn_buf_putc(b, '"');
	for (const char *q; (q = memchr(s, '"', len)); len -= (size_t)(q + 1 - s), s = q + 1) {
		rn_buf_putn(b, s, (size_t)(q + 1 - s));
		rn_buf_putc(b, '"');
	}
	rn_buf_putn(b, s, len);
	rn_buf_putc(b, '"');
}

static void flush_line(struct csv_sink *s)
{
	if (s->line.oom && !s->err)
		s->err = -ENOMEM;
	if (s->line.len && fwrite(s->line.p, 1, s->line.len, s->f) != s->line.len && !s->err)
		s->err = -EIO;
	rn_buf_reset(&s->line);
}

static void csv_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct csv_sink *s = (struct csv_sink *)base;
	struct rn_buf *b = &s->line;
	if (s->stats) {
		rn_counts_add(&s->counts, ev);
		return;
	}
	if (!rn_out_shown(s->o, ev))
		return;
	rn_buf_printf(b, "%llu.%06llu,%d,", (unsigned long long)(ev->ts_ns / 1000000000),
		      (unsigned long long)(ev->ts_ns / 1000 % 1000000), (int)ev->pid);
	put_field(b, ev->name, strlen(ev->name));
	rn_buf_putc(b, ',');
	if (ev->flags & RN_EVF_DECODED)
		put_field(b, ev->args_text, ev->args_len);
	rn_buf_putc(b, ',');
	if (!(ev->flags & RN_EVF_NO_RETURN))
		rn_buf_printf(b, "%lld", (long long)ev->ret);
	rn_buf_putc(b, ',');
	if (ev->flags & RN_EVF_ERROR) {
		const char *e = rn_errno_name((long)-ev->ret);
		if (e)
			rn_buf_put(b, e);
		else
			rn_buf_printf(b, "E%lld", (long long)-ev->ret);
	}
	rn_buf_printf(b, ",%llu.%03llu", (unsigned long long)(ev->dur_ns / 1000),
		      (unsigned long long)(ev->dur_ns % 1000));
	if (s->source) {
		rn_buf_putc(b, ',');
		if (ev->src) {
			char where[512];
			size_t n = rn_srcloc_format(ev->src, where, sizeof(where));
			put_field(b, where, n < sizeof(where) ? n : sizeof(where) - 1);
		}
	}
	rn_buf_putc(b, '\n');
	flush_line(s);
}

static int csv_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct csv_sink *s = (struct csv_sink *)base;
	(void)res;
	if (s->stats) {
		const struct rn_counts *c = &s->counts;
		int idx[RN_NSYSCALLS + 1];
		int n = rn_counts_sorted(c, idx);
		for (int i = 0; i < n; i++) {
			const struct rn_count_row *r = &c->rows[idx[i]];
			rn_buf_printf(&s->line,
				      "%s,%llu,%llu,%llu.%03llu,%.2f\n", rn_counts_name(idx[i]),
				      (unsigned long long)r->calls, (unsigned long long)r->errors,
				      (unsigned long long)(r->ns / 1000),
				      (unsigned long long)(r->ns % 1000),
				      c->ns ? 100.0 * (double)r->ns / (double)c->ns : 0.0);
			flush_line(s);
		}
	}
	if (fflush(s->f) != 0 && !s->err)
		s->err = -EIO;
	return s->err;
}

static void csv_free(struct rn_sink *base)
{
	struct csv_sink *s = (struct csv_sink *)base;
	rn_buf_done(&s->line);
	free(s);
}

static const struct rn_sink_ops csv_ops = {
	.name = "csv",
	.on_event = csv_event,
	.finish = csv_finish,
	.free = csv_free,
};

struct rn_sink *rn_out_csv_new(FILE *f, const struct rn_options *o)
{
	struct csv_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &csv_ops;
	s->f = f;
	s->stats = o->summary_only;
	s->base.needs = RN_NEED_TIMING | (s->stats ? 0 : RN_NEED_DECODE) | (o->source ? RN_NEED_SOURCE : 0);
	s->source = o->source;
	s->o = o;
	s->counts.sortby = o->sortby;
	if (s->stats)
		rn_buf_put(&s->line, "syscall,calls,errors,time_us,percent_time\n");
	else
		rn_buf_put(&s->line, s->source ? "time,pid,syscall,arguments,result,error,duration_us,"
						 "source_location\n"
					       : "time,pid,syscall,arguments,result,error,duration_us\n");
	flush_line(s);
	return &s->base;
}
