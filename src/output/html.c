// SPDX-License-Identifier: MIT
/* --format html: one self-contained page (no fetches: CSS, script and the
 * charts are inline; the charts are SVG drawn here). It holds the run's
 * totals, the -c table, three charts (time share per syscall, latency
 * percentiles per syscall on a log scale, a timeline of calls per task)
 * and the event table with client-side filtering. The summary and charts
 * cover every call (from the event store); the table keeps the first
 * MAX_ROWS calls, and says how many it left out. Everything from the trace
 * is HTML-escaped. */
#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/latency.h"
#include "core/buf.h"
#include "decode/decode.h"
#include "decode/syscalls.h"
#include "symbolize/symbolize.h"

#define MAX_ROWS  50000
#define TOP_BARS  15
#define MAX_LANES 24
#define BINS	  300

struct html_sink {
	struct rn_sink base;
	FILE *f;
	const struct rn_options *o;
	const struct rn_store *st;
	struct rn_buf rows; /* <tr>...</tr> of the first MAX_ROWS calls */
	size_t nrows, omitted;
	uint64_t t0;	     /* first event, for offsets */
	unsigned nproc;	     /* process events seen */
	uint64_t calls, errors;
};

static void esc(struct rn_buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *r = NULL;
		switch (s[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&#39;"; break;
		default: continue;
		}
		rn_buf_putn(b, s + run, i - run);
		rn_buf_put(b, r);
		run = i + 1;
	}
	rn_buf_putn(b, s + run, n - run);
}

static void esc_c(struct rn_buf *b, const char *s)
{
	esc(b, s, strlen(s));
}

static void html_event(struct rn_sink *base, const struct rn_event *ev)
{
	struct html_sink *s = (struct html_sink *)base;
	if (!s->t0)
		s->t0 = ev->ts_ns;
	s->calls++;
	bool err = ev->flags & RN_EVF_ERROR;
	s->errors += err;
	if (s->nrows >= MAX_ROWS) {
		s->omitted++;
		return;
	}
	struct rn_buf *b = &s->rows;
	rn_buf_printf(b, "<tr%s><td>%.6f</td><td>%d</td><td>", err ? " class=\"err\"" : "",
		      (double)(ev->ts_ns - s->t0) / 1e9, (int)ev->pid);
	esc_c(b, ev->name);
	rn_buf_put(b, "</td><td class=\"args\">");
	if (ev->flags & RN_EVF_DECODED)
		esc(b, ev->args_text, ev->args_len);
	rn_buf_put(b, "</td><td>");
	esc_c(b, (ev->flags & RN_EVF_DECODED) && ev->rval_text ? ev->rval_text : "?");
	rn_buf_printf(b, "</td><td>%.3f</td>", (double)ev->dur_ns / 1e3);
	if (s->o->source) {
		rn_buf_put(b, "<td>");
		if (ev->src) {
			char where[512];
			size_t n = rn_srcloc_format(ev->src, where, sizeof(where));
			esc(b, where, n);
		}
		rn_buf_put(b, "</td>");
	}
	rn_buf_put(b, "</tr>\n");
	s->nrows++;
}

static void html_process(struct rn_sink *base, const struct rn_event *ev)
{
	struct html_sink *s = (struct html_sink *)base;
	s->nproc += ev->kind == RN_EV_EXITED || ev->kind == RN_EV_KILLED;
}

static const char *name_of(int nr)
{
	const struct rn_sysent *e = rn_syscall_get(nr);
	return e ? e->name : "syscall_unknown";
}

/* A colour per syscall from its name, stable across reports. */
static void colour(const char *name, char *out, size_t len)
{
	unsigned h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	(void)snprintf(out, len, "hsl(%u,62%%,52%%)", h % 360);
}

static void chart_time_share(FILE *f, const struct rn_latency_table *t)
{
	size_t n = t->n < TOP_BARS ? t->n : TOP_BARS;
	uint64_t other = 0;
	for (size_t i = n; i < t->n; i++)
		other += t->v[i].total_ns;
	size_t rows = n + (other ? 1 : 0);
	int h = (int)rows * 22 + 30;
	(void)fprintf(f, "<svg class=\"chart\" id=\"chart-time\" width=\"900\" height=\"%d\" viewBox=\"0 0 900 %d\" "
			 "role=\"img\" aria-label=\"time share per syscall\">\n", h, h);
	double total = t->total_ns ? (double)t->total_ns : 1;
	for (size_t i = 0; i < rows; i++) {
		const char *name = i < n ? name_of(t->v[i].nr) : "other";
		uint64_t ns = i < n ? t->v[i].total_ns : other;
		double w = 600.0 * (double)ns / total;
		char col[40];
		colour(name, col, sizeof(col));
		int y = 10 + (int)i * 22;
		(void)fprintf(f, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">%s</text>", y + 14, name);
		(void)fprintf(f, "<rect x=\"160\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s: %.6f s, "
				 "%.1f%%</title></rect>",
			      y, w < 1 ? 1 : w, col, name, (double)ns / 1e9, 100.0 * (double)ns / total);
		(void)fprintf(f, "<text x=\"%.1f\" y=\"%d\">%.1f%%</text>\n", 166 + w, y + 14,
			      100.0 * (double)ns / total);
	}
	(void)fputs("</svg>\n", f);
}

static double xlog(double ns, double lo, double hi)
{
	double v = ns < lo ? lo : ns;
	return 160.0 + 680.0 * (log10(v) - log10(lo)) / (log10(hi) - log10(lo));
}

static void chart_percentiles(FILE *f, const struct rn_latency_table *t)
{
	size_t n = t->n < TOP_BARS ? t->n : TOP_BARS;
	double lo = 1e9, hi = 1;
	for (size_t i = 0; i < n; i++) {
		if ((double)t->v[i].min_ns < lo)
			lo = (double)t->v[i].min_ns;
		if ((double)t->v[i].max_ns > hi)
			hi = (double)t->v[i].max_ns;
	}
	lo = pow(10, floor(log10(lo < 100 ? 100 : lo)));
	hi = pow(10, ceil(log10(hi < lo * 10 ? lo * 10 : hi)));
	int h = (int)n * 22 + 50;
	(void)fprintf(f, "<svg class=\"chart\" id=\"chart-latency\" width=\"900\" height=\"%d\" viewBox=\"0 0 900 %d\" "
			 "role=\"img\" aria-label=\"latency percentiles\">\n", h, h);
	for (double d = lo; d <= hi * 1.001; d *= 10) {
		double x = xlog(d, lo, hi);
		const char *unit = d >= 1e9 ? "s" : d >= 1e6 ? "ms" : d >= 1e3 ? "us" : "ns";
		double v = d >= 1e9 ? d / 1e9 : d >= 1e6 ? d / 1e6 : d >= 1e3 ? d / 1e3 : d;
		(void)fprintf(f, "<line x1=\"%.1f\" y1=\"5\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
				 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g %s</text>\n",
			      x, x, h - 30, x, h - 14, v, unit);
	}
	for (size_t i = 0; i < n; i++) {
		const struct rn_latency *l = &t->v[i];
		int y = 10 + (int)i * 22;
		(void)fprintf(f, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">%s</text>", y + 13, name_of(l->nr));
		(void)fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"range\"/>",
			      xlog((double)l->min_ns, lo, hi), y + 8, xlog((double)l->max_ns, lo, hi), y + 8);
		struct {
			double v;
			const char *cls, *label;
		} marks[] = { { l->p50_ns, "p50", "P50" }, { l->p90_ns, "p90", "P90" },
			      { l->p99_ns, "p99", "P99" }, { (double)l->max_ns, "max", "max" } };
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			(void)fprintf(f, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" class=\"%s\"><title>%s %s: %.3f us"
					 "</title></circle>",
				      xlog(marks[k].v, lo, hi), y + 8, marks[k].cls, name_of(l->nr), marks[k].label,
				      marks[k].v / 1e3);
		(void)fputc('\n', f);
	}
	(void)fputs("</svg>\n<p class=\"legend\"><span class=\"p50\">&#9679;</span> P50 "
		    "<span class=\"p90\">&#9679;</span> P90 <span class=\"p99\">&#9679;</span> P99 "
		    "<span class=\"max\">&#9679;</span> max; the line spans min to max</p>\n", f);
}

static void chart_timeline(FILE *f, const struct rn_store *st)
{
	if (!st->len)
		return;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	int32_t pids[MAX_LANES];
	size_t npids = 0;
	for (size_t i = 0; i < st->len; i++) {
		if (st->ts_ns[i] < t0)
			t0 = st->ts_ns[i];
		if (st->ts_ns[i] + st->dur_ns[i] > t1)
			t1 = st->ts_ns[i] + st->dur_ns[i];
		size_t k = 0;
		while (k < npids && pids[k] != st->pid[i])
			k++;
		if (k == npids && npids < MAX_LANES)
			pids[npids++] = st->pid[i];
	}
	double span = t1 > t0 ? (double)(t1 - t0) : 1;
	uint32_t *bins = calloc(npids * BINS, sizeof(*bins));
	if (!bins)
		return;
	uint32_t top = 1;
	for (size_t i = 0; i < st->len; i++) {
		size_t k = 0;
		while (k < npids && pids[k] != st->pid[i])
			k++;
		if (k == npids)
			continue;
		size_t b = (size_t)((double)(st->ts_ns[i] - t0) / span * (BINS - 1));
		uint32_t c = ++bins[k * BINS + b];
		top = c > top ? c : top;
	}
	int h = (int)npids * 24 + 40;
	(void)fprintf(f, "<svg class=\"chart\" id=\"chart-timeline\" width=\"900\" height=\"%d\" viewBox=\"0 0 900 %d\" "
			 "role=\"img\" aria-label=\"calls over time per task\">\n", h, h);
	for (size_t k = 0; k < npids; k++) {
		int y = 10 + (int)k * 24;
		(void)fprintf(f, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">pid %d</text>"
				 "<rect x=\"160\" y=\"%d\" width=\"690\" height=\"18\" class=\"lane\"/>",
			      y + 13, (int)pids[k], y);
		for (size_t b = 0; b < BINS; b++) {
			uint32_t c = bins[k * BINS + b];
			if (!c)
				continue;
			(void)fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"2.3\" height=\"18\" fill=\"#c0392b\" "
					 "fill-opacity=\"%.2f\"><title>%u calls</title></rect>",
				      160 + 690.0 * (double)b / BINS, y, 0.25 + 0.75 * (double)c / top, c);
		}
		(void)fputc('\n', f);
	}
	(void)fprintf(f, "<text x=\"160\" y=\"%d\">0 s</text><text x=\"850\" y=\"%d\" text-anchor=\"end\">%.3f s</text>\n",
		      h - 10, h - 10, span / 1e9);
	(void)fputs("</svg>\n", f);
	free(bins);
}

static const char css[] =
	"body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}"
	"h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
	"table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:3px 8px;"
	"text-align:left;vertical-align:top}th{background:#eee}"
	"table.stats td:not(:last-child){text-align:right;font-variant-numeric:tabular-nums}"
	"td.args{font-family:monospace;max-width:640px;overflow-wrap:anywhere}"
	"tr.err td{background:#fdecea}.totals span{margin-right:24px}"
	"svg.chart{background:#fff;border:1px solid #ddd;display:block;margin:8px 0}"
	"svg text{font:12px system-ui,sans-serif}svg .grid{stroke:#e3e3e3}"
	"svg .range{stroke:#999;stroke-width:2}svg .lane{fill:#f3f3f3}"
	".p50{fill:#2e86de;color:#2e86de}.p90{fill:#f39c12;color:#f39c12}.p99{fill:#c0392b;color:#c0392b}"
	".max{fill:#333;color:#333}.legend{font-size:12px}#filters{margin:8px 0}"
	"#filters input[type=text]{width:320px;padding:4px}.footer{margin-top:24px;color:#888;font-size:12px}";

/* Filter rows by a substring of any cell (or "pid:N"), errors only; the
 * page also reads #filter=TEXT and #errors from its address. */
static const char js[] =
	"function applyFilter(){var q=document.getElementById('q').value.toLowerCase();"
	"var e=document.getElementById('errs').checked;var n=0;"
	"var rows=document.querySelectorAll('#events tbody tr');"
	"for(var i=0;i<rows.length;i++){var r=rows[i];var ok=(!e||r.className=='err');"
	"if(ok&&q){if(q.indexOf('pid:')==0){ok=r.cells[1].textContent==q.substring(4);}"
	"else{ok=r.textContent.toLowerCase().indexOf(q)>=0;}}"
	"r.style.display=ok?'':'none';if(ok)n++;}"
	"document.getElementById('shown').textContent=n;}"
	"function fromHash(){var h=decodeURIComponent(location.hash.substring(1));"
	"h.split('&').forEach(function(p){if(p.indexOf('filter=')==0)document.getElementById('q').value="
	"p.substring(7);if(p=='errors')document.getElementById('errs').checked=true;});applyFilter();}"
	"window.addEventListener('load',fromHash);window.addEventListener('hashchange',fromHash);";

static int html_finish(struct rn_sink *base, const struct rn_run_result *res)
{
	struct html_sink *s = (struct html_sink *)base;
	FILE *f = s->f;
	struct rn_latency_table *t;
	int r = rn_latency_compute(s->st, &t);
	if (r < 0)
		return r;
	struct rn_buf b = { 0 };
	if (s->o->argv)
		for (char **a = s->o->argv; *a; a++) {
			if (a != s->o->argv)
				rn_buf_putc(&b, ' ');
			esc_c(&b, *a);
		}
	else
		for (size_t i = 0; i < s->o->npids; i++)
			rn_buf_printf(&b, "%s-p %d", i ? " " : "", (int)s->o->pids[i]);
	time_t now = time(NULL);
	struct tm tm;
	char date[64] = "";
	if (localtime_r(&now, &tm))
		(void)strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %z", &tm);
	(void)fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<title>renacer: %s</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n",
		      b.p ? b.p : "", css, js);
	(void)fprintf(f, "<h1>renacer trace report</h1>\n<p><code id=\"command\">%s</code></p>\n",
		      b.p ? b.p : "");
	(void)fprintf(f, "<p class=\"totals\"><span>%s</span><span><b id=\"total-calls\">%llu</b> calls</span>"
			 "<span><b id=\"total-errors\">%llu</b> errors</span><span><b>%.3f</b> s wall</span>"
			 "<span><b>%.6f</b> s in syscalls</span><span><b>%u</b> tasks ended</span>"
			 "<span>exit status <b>%d</b></span></p>\n",
		      date, (unsigned long long)s->calls, (unsigned long long)s->errors,
		      (double)res->wall_ns / 1e9, (double)t->total_ns / 1e9, s->nproc, res->exit_status);

	(void)fputs("<h2>Summary</h2>\n<table class=\"stats\" id=\"summary\">\n<thead><tr><th>% time</th>"
		    "<th>seconds</th><th>usecs/call</th><th>calls</th><th>errors</th><th>syscall</th></tr>"
		    "</thead>\n<tbody>\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct rn_latency *l = &t->v[i];
		(void)fprintf(f, "<tr><td>%.2f</td><td>%.6f</td><td>%llu</td><td>%llu</td><td>%llu</td>"
				 "<td>%s</td></tr>\n",
			      t->total_ns ? 100.0 * (double)l->total_ns / (double)t->total_ns : 0,
			      (double)l->total_ns / 1e9, (unsigned long long)(l->total_ns / 1000 / l->calls),
			      (unsigned long long)l->calls, (unsigned long long)l->errors, name_of(l->nr));
	}
	(void)fputs("</tbody>\n</table>\n", f);

	(void)fputs("<h2>Time share per syscall</h2>\n", f);
	chart_time_share(f, t);
	(void)fputs("<h2>Latency percentiles (log scale)</h2>\n", f);
	chart_percentiles(f, t);
	(void)fputs("<h2>Calls over time, per task</h2>\n", f);
	chart_timeline(f, s->st);

	(void)fprintf(f, "<h2>Events</h2>\n<div id=\"filters\"><input type=\"text\" id=\"q\" "
			 "placeholder=\"filter: syscall, argument text, result, or pid:N\" oninput=\"applyFilter()\"> "
			 "<label><input type=\"checkbox\" id=\"errs\" onchange=\"applyFilter()\"> errors only</label> "
			 "<span id=\"shown\">%zu</span> of %zu rows shown</div>\n",
		      s->nrows, s->nrows);
	if (s->omitted)
		(void)fprintf(f, "<p class=\"note\" id=\"omitted\">The table holds the first %d calls; %zu more "
				 "are in the summary and charts only.</p>\n",
			      MAX_ROWS, s->omitted);
	(void)fprintf(f, "<table id=\"events\">\n<thead><tr><th>time (s)</th><th>pid</th><th>syscall</th>"
			 "<th>arguments</th><th>result</th><th>duration (us)</th>%s</tr></thead>\n<tbody>\n",
		      s->o->source ? "<th>source</th>" : "");
	if (s->rows.len)
		(void)fwrite(s->rows.p, 1, s->rows.len, f);
	(void)fprintf(f, "</tbody>\n</table>\n<div class=\"footer\">Generated by renacer %s</div>\n"
			 "</body>\n</html>\n", RN_VERSION);
	rn_buf_done(&b);
	rn_latency_table_free(t);
	if (s->rows.oom)
		return -ENOMEM;
	return fflush(f) == 0 ? 0 : -EIO;
}

static void html_free(struct rn_sink *base)
{
	struct html_sink *s = (struct html_sink *)base;
	rn_buf_done(&s->rows);
	free(s);
}

static const struct rn_sink_ops html_ops = {
	.name = "html",
	.on_event = html_event,
	.on_process = html_process,
	.finish = html_finish,
	.free = html_free,
};

struct rn_sink *rn_out_html_new(FILE *f, const struct rn_options *o, const struct rn_store *st)
{
	struct html_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &html_ops;
	s->base.needs = RN_NEED_DECODE | RN_NEED_TIMING | (o->source ? RN_NEED_SOURCE : 0);
	s->f = f;
	s->o = o;
	s->st = st;
	return &s->base;
}
