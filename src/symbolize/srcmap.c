// SPDX-License-Identifier: MIT
/* Transpiler source maps, read with jansson. */
#include "symbolize/srcmap.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *str_member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int by_gen_line(const void *a, const void *b)
{
	const struct rn_srcmap_line *x = a, *y = b;
	return (x->gen_line > y->gen_line) - (x->gen_line < y->gen_line);
}

static int fail(struct rn_srcmap *m, struct rn_diag *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct rn_srcmap *m, struct rn_diag *err, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rn_diag_set(err, "invalid source map '%s': %s", path, msg);
	rn_srcmap_free(m);
	return -EINVAL;
}

int rn_srcmap_load(const char *path, struct rn_srcmap **ret, struct rn_diag *err)
{
	json_error_t je;
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		rn_diag_set(err, "cannot open source map '%s': %s", path, strerror(e));
		return -e;
	}
	json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	(void)fclose(f);
	if (!root) {
		rn_diag_set(err, "invalid source map '%s': line %d, column %d: %s", path, je.line,
			    je.column, je.text);
		return -EINVAL;
	}
	struct rn_srcmap *m = calloc(1, sizeof(*m));
	if (!m) {
		json_decref(root);
		return -ENOMEM;
	}
	m->json = root;
	if (!json_is_object(root))
		return fail(m, err, path, "%s", "not a JSON object");
	json_t *ver = json_object_get(root, "version");
	if (!json_is_integer(ver))
		return fail(m, err, path, "%s", "missing \"version\"");
	if (json_integer_value(ver) != 1) {
		rn_diag_set(err, "unsupported source map version %lld in '%s' (this renacer reads version 1)",
			    (long long)json_integer_value(ver), path);
		rn_srcmap_free(m);
		return -EINVAL;
	}
	static const char *const required[] = { "source_language", "source_file", "generated_file" };
	const char **dst[] = { &m->language, &m->source_file, &m->generated_file };
	for (size_t i = 0; i < 3; i++) {
		*dst[i] = str_member(root, required[i]);
		if (!*dst[i] || (i < 2 && !**dst[i]))
			return fail(m, err, path, "missing or empty \"%s\"", required[i]);
	}
	char key_line[64], key_fn[64], key_ctx[64];
	(void)snprintf(key_line, sizeof(key_line), "%s_line", m->language);
	(void)snprintf(key_fn, sizeof(key_fn), "%s_function", m->language);
	(void)snprintf(key_ctx, sizeof(key_ctx), "%s_context", m->language);

	json_t *maps = json_object_get(root, "mappings");
	if (!json_is_array(maps))
		return fail(m, err, path, "%s", "\"mappings\" must be an array");
	m->lines = calloc(json_array_size(maps) + 1, sizeof(*m->lines));
	if (!m->lines) {
		rn_srcmap_free(m);
		return -ENOMEM;
	}
	size_t i;
	json_t *e;
	json_array_foreach(maps, i, e) {
		json_t *gl = json_object_get(e, "rust_line"), *sl = json_object_get(e, key_line);
		if (!json_is_integer(gl) || json_integer_value(gl) <= 0 || !json_is_integer(sl) ||
		    json_integer_value(sl) <= 0) {
			return fail(m, err, path, "mapping %zu needs positive \"rust_line\" and \"%s\"", i,
				    key_line);
		}
		struct rn_srcmap_line *l = &m->lines[m->nlines++];
		l->gen_line = (unsigned)json_integer_value(gl);
		l->src_line = (unsigned)json_integer_value(sl);
		l->gen_function = str_member(e, "rust_function");
		l->src_function = str_member(e, key_fn);
		l->context = str_member(e, key_ctx);
		if (!l->context)
			l->context = "";
	}
	qsort(m->lines, m->nlines, sizeof(*m->lines), by_gen_line);

	json_t *fns = json_object_get(root, "function_map");
	if (!json_is_object(fns))
		return fail(m, err, path, "%s", "\"function_map\" must be an object");
	m->fns = calloc(json_object_size(fns) + 1, sizeof(*m->fns));
	if (!m->fns) {
		rn_srcmap_free(m);
		return -ENOMEM;
	}
	const char *k;
	json_t *v;
	json_object_foreach(fns, k, v) {
		if (!json_is_string(v))
			return fail(m, err, path, "function_map entry \"%s\" must be a string", k);
		m->fns[m->nfns++] = (struct rn_srcmap_fn){ k, json_string_value(v) };
	}
	*ret = m;
	return 0;
}

void rn_srcmap_free(struct rn_srcmap *m)
{
	if (!m)
		return;
	json_decref(m->json);
	free(m->lines);
	free(m->fns);
	free(m);
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

const struct rn_srcmap_line *rn_srcmap_lookup(const struct rn_srcmap *m, const char *file, unsigned line)
{
	if (!file || (*m->generated_file && strcmp(base(file), base(m->generated_file)) != 0))
		return NULL;
	size_t lo = 0, hi = m->nlines;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->lines[mid].gen_line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nlines && m->lines[lo].gen_line == line ? &m->lines[lo] : NULL;
}

const char *rn_srcmap_function(const struct rn_srcmap *m, const char *fn)
{
	if (!fn)
		return NULL;
	const char *last = strrchr(fn, ':');
	last = last ? last + 1 : fn;
	for (size_t i = 0; i < m->nfns; i++)
		if (strcmp(m->fns[i].gen, fn) == 0 || strcmp(m->fns[i].gen, last) == 0)
			return m->fns[i].src;
	return NULL;
}

static void rule(FILE *f)
{
	for (int i = 0; i < 41; i++)
		(void)fputs("─", f);
	(void)fputc('\n', f);
}

void rn_srcmap_dump_functions(const struct rn_srcmap *m, FILE *f, bool context)
{
	if (context) {
		(void)fprintf(f, "=== Transpiler Source Map ===\nSource Language: %s -> Rust\nSource File: %s\n",
			      m->language, m->source_file);
		rule(f);
		(void)fprintf(f, "Function Mappings (Rust -> %s):\n", m->language);
	}
	for (size_t i = 0; i < m->nfns; i++)
		(void)fprintf(f, "%s%s -> %s\n", context ? "  " : "", m->fns[i].gen, m->fns[i].src);
	if (context)
		rule(f);
}

void rn_srcmap_dump_stacktrace(const struct rn_srcmap *m, FILE *f, bool context)
{
	if (context) {
		(void)fprintf(f, "=== Stack Trace Mapping ===\nSource: %s -> %s\n", m->source_file,
			      m->generated_file);
		rule(f);
		(void)fprintf(f, "Line Mappings (Rust -> %s):\n", m->language);
	}
	for (size_t i = 0; i < m->nlines; i++) {
		const struct rn_srcmap_line *l = &m->lines[i];
		(void)fprintf(f, "%s%s (%s:%u) -> %s:%u\n", context ? "  " : "",
			      l->gen_function ? l->gen_function : "?", m->generated_file, l->gen_line,
			      m->source_file, l->src_line);
	}
	if (context)
		rule(f);
}

void rn_srcmap_dump_errors(const struct rn_srcmap *m, FILE *f, bool context)
{
	if (context) {
		(void)fprintf(f, "=== Error Correlation Mapping ===\nErrors in %s will map to %s\n",
			      m->generated_file, m->source_file);
		rule(f);
		(void)fprintf(f, "Available Line Mappings (%zu entries):\n", m->nlines);
	}
	for (size_t i = 0; i < m->nlines; i++) {
		const struct rn_srcmap_line *l = &m->lines[i];
		(void)fprintf(f, "  %s:%u -> %s:%u (%s)\n", m->generated_file, l->gen_line, m->source_file,
			      l->src_line, l->src_function ? l->src_function : "?");
	}
	if (context)
		rule(f);
}
