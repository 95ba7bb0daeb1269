// SPDX-License-Identifier: MIT
/* The TOML subset reader: a recursive-descent parser over one buffer. */
#include "assert/toml.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *p, *end;
	const char *name;
	unsigned line;
	const char *line_start;
	struct rn_diag *err;
	bool failed;
};

static unsigned col(const struct parser *ps)
{
	return (unsigned)(ps->p - ps->line_start) + 1;
}

static bool fail(struct parser *ps, const char *msg)
{
	if (!ps->failed)
		rn_diag_set(ps->err, "%s:%u:%u: %s", ps->name, ps->line, col(ps), msg);
	ps->failed = true;
	return false;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

static void skip_comment(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '#')
		while (ps->p < ps->end && *ps->p != '\n')
			ps->p++;
}

static void newline(struct parser *ps)
{
	ps->p++;
	ps->line++;
	ps->line_start = ps->p;
}

/* Whitespace, comments and newlines (inside arrays). */
static void skip_all(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		skip_comment(ps);
		if (ps->p < ps->end && *ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
			ps->p++;
		if (ps->p < ps->end && *ps->p == '\n')
			newline(ps);
		else
			return;
	}
}

/* The rest of the line must be blank or a comment. */
static bool end_of_line(struct parser *ps)
{
	skip_ws(ps);
	skip_comment(ps);
	if (ps->p < ps->end && *ps->p == '\r')
		ps->p++;
	if (ps->p >= ps->end)
		return true;
	if (*ps->p != '\n')
		return fail(ps, "unexpected text after the value (one key = value per line)");
	newline(ps);
	return true;
}

static bool bare_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

static void put_utf8(char **o, uint32_t cp)
{
	unsigned char *u = (unsigned char *)*o;
	if (cp < 0x80) {
		*u++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*u++ = (unsigned char)(0xc0 | cp >> 6);
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*u++ = (unsigned char)(0xe0 | cp >> 12);
		*u++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*u++ = (unsigned char)(0xf0 | cp >> 18);
		*u++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)u;
}

/* A basic ("...") or literal ('...') one-line string. */
static char *parse_string(struct parser *ps)
{
	char q = *ps->p;
	if (ps->p + 2 < ps->end && ps->p[1] == q && ps->p[2] == q) {
		fail(ps, "multi-line strings are not supported");
		return NULL;
	}
	const char *open_quote = ps->p;
	ps->p++;
	const char *start = ps->p;
	/* The result is never longer than the source. */
	size_t cap = 1;
	for (const char *c = start; c < ps->end && *c != '\n'; c++)
		cap++;
	char *out = malloc(cap), *o = out;
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	while (ps->p < ps->end && *ps->p != q) {
		unsigned char c = (unsigned char)*ps->p;
		if (c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f) {
			free(out);
			if (c == '\n')
				ps->p = open_quote;
			fail(ps, c == '\n' ? "unterminated string" : "control character in a string");
			return NULL;
		}
		if (c == '\\' && q == '"') {
			ps->p++;
			char e = ps->p < ps->end ? *ps->p : '\0';
			static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
			const char *k = e ? strchr(from, e) : NULL;
			if (k) {
				*o++ = to[k - from];
				ps->p++;
				continue;
			}
			if (e == 'u' || e == 'U') {
				int n = e == 'u' ? 4 : 8;
				uint32_t cp = 0;
				ps->p++;
				for (int i = 0; i < n; i++, ps->p++) {
					char h = ps->p < ps->end ? *ps->p : '\0';
					int d = h >= '0' && h <= '9' ? h - '0'
					      : h >= 'a' && h <= 'f' ? h - 'a' + 10
					      : h >= 'A' && h <= 'F' ? h - 'A' + 10
								     : -1;
					if (d < 0) {
						free(out);
						fail(ps, "bad \\u escape");
						return NULL;
					}
					cp = cp << 4 | (uint32_t)d;
				}
				if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
					free(out);
					fail(ps, "\\u escape is not a Unicode scalar value");
					return NULL;
				}
				put_utf8(&o, cp);
				continue;
			}
			free(out);
			fail(ps, "unknown escape in a string");
			return NULL;
		}
		*o++ = (char)c;
		ps->p++;
	}
	if (ps->p >= ps->end) {
		free(out);
		ps->p = open_quote;
		fail(ps, "unterminated string");
		return NULL;
	}
	ps->p++;
	*o = '\0';
	return out;
}

static char *parse_key(struct parser *ps)
{
	if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\''))
		return parse_string(ps);
	const char *s = ps->p;
	while (ps->p < ps->end && bare_char(*ps->p))
		ps->p++;
	if (ps->p == s) {
		fail(ps, "expected a key");
		return NULL;
	}
	char *k = strndup(s, (size_t)(ps->p - s));
	if (!k)
		fail(ps, "out of memory");
	return k;
}

static void value_free(struct rn_toml_value *v);

static bool parse_value(struct parser *ps, struct rn_toml_value *v, int depth)
{
	memset(v, 0, sizeof(*v));
	v->line = ps->line;
	v->col = col(ps);
	if (ps->p >= ps->end || *ps->p == '\n')
		return fail(ps, "expected a value");
	char c = *ps->p;
	if (c == '"' || c == '\'') {
		v->type = RN_TOML_STRING;
		v->s = parse_string(ps);
		return v->s != NULL;
	}
	if (c == '[') {
		if (depth > 32)
			return fail(ps, "arrays nested too deeply");
		v->type = RN_TOML_ARRAY;
		ps->p++;
		for (;;) {
			skip_all(ps);
			if (ps->p < ps->end && *ps->p == ']') {
				ps->p++;
				return true;
			}
			struct rn_toml_value *n = realloc(v->arr.v, (v->arr.n + 1) * sizeof(*n));
			if (!n)
				return fail(ps, "out of memory");
			v->arr.v = n;
			if (!parse_value(ps, &v->arr.v[v->arr.n], depth + 1)) {
				value_free(&v->arr.v[v->arr.n]);
				return false;
			}
			v->arr.n++;
			skip_all(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			if (ps->p < ps->end && *ps->p == ']') {
				ps->p++;
				return true;
			}
			return fail(ps, "expected ',' or ']' in an array");
		}
	}
	if (c == '{')
		return fail(ps, "inline tables are not supported");
	if (ps->end - ps->p >= 4 && !memcmp(ps->p, "true", 4) &&
	    (ps->p + 4 == ps->end || !bare_char(ps->p[4]))) {
		v->type = RN_TOML_BOOL;
		v->b = true;
		ps->p += 4;
		return true;
	}
	if (ps->end - ps->p >= 5 && !memcmp(ps->p, "false", 5) &&
	    (ps->p + 5 == ps->end || !bare_char(ps->p[5]))) {
		v->type = RN_TOML_BOOL;
		ps->p += 5;
		return true;
	}
	/* A number: copy it without '_' separators (each between digits). */
	char buf[64];
	size_t n = 0;
	const char *s = ps->p;
	bool is_float = false;
	while (ps->p < ps->end && (bare_char(*ps->p) || *ps->p == '.' || *ps->p == '+')) {
		char d = *ps->p;
		if (d == '_') {
			if (ps->p == s || ps->p + 1 >= ps->end || !(ps->p[-1] >= '0' && ps->p[-1] <= '9') ||
			    !(ps->p[1] >= '0' && ps->p[1] <= '9'))
				return fail(ps, "'_' in a number must sit between digits");
			ps->p++;
			continue;
		}
		if (d == '.' || d == 'e' || d == 'E')
			is_float = true;
		if (n + 1 >= sizeof(buf))
			return fail(ps, "number too long");
		buf[n++] = d;
		ps->p++;
	}
	buf[n] = '\0';
	if (!n)
		return fail(ps, "expected a value (string, number, true/false or array)");
	if (!strcmp(buf, "inf") || !strcmp(buf, "+inf") || !strcmp(buf, "-inf") || !strcmp(buf, "nan"))
		return fail(ps, "inf and nan are not accepted here");
	char *end;
	errno = 0;
	if (is_float) {
		v->type = RN_TOML_FLOAT;
		v->f = strtod(buf, &end);
	} else {
		v->type = RN_TOML_INT;
		bool leading_zero = (buf[0] == '0' && buf[1]) || ((buf[0] == '+' || buf[0] == '-') &&
								  buf[1] == '0' && buf[2]);
		if (leading_zero)
			return fail(ps, "integers have no leading zeros");
		v->i = strtoll(buf, &end, 10);
	}
	if (*end || errno || (is_float && !isfinite(v->f))) {
		ps->p = s;
		return fail(ps, errno == ERANGE ? "number out of range" : "not a valid value");
	}
	return true;
}

static void table_free(struct rn_toml_table *t);

static void value_free(struct rn_toml_value *v)
{
	switch (v->type) {
	case RN_TOML_STRING:
		free(v->s);
		break;
	case RN_TOML_ARRAY:
	case RN_TOML_TABLE_ARRAY:
		for (size_t i = 0; i < v->arr.n; i++)
			value_free(&v->arr.v[i]);
		free(v->arr.v);
		break;
	case RN_TOML_TABLE:
		table_free(v->t);
		break;
	default:
		break;
	}
	memset(v, 0, sizeof(*v));
}

static void table_free(struct rn_toml_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->kv[i].key);
		value_free(&t->kv[i].v);
	}
	free(t->kv);
	free(t);
}

void rn_toml_free(struct rn_toml_table *t)
{
	table_free(t);
}

const struct rn_toml_value *rn_toml_get(const struct rn_toml_table *t, const char *key)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->kv[i].key, key))
			return &t->kv[i].v;
	return NULL;
}

/* Add key to t (taking ownership of key); NULL when it is already there. */
static struct rn_toml_value *add_key(struct parser *ps, struct rn_toml_table *t, char *key)
{
	if (rn_toml_get(t, key)) {
		char msg[300];
		(void)snprintf(msg, sizeof(msg), "duplicate key '%.200s'", key);
		free(key);
		fail(ps, msg);
		return NULL;
	}
	struct rn_toml_kv *n = realloc(t->kv, (t->n + 1) * sizeof(*n));
	if (!n) {
		free(key);
		fail(ps, "out of memory");
		return NULL;
	}
	t->kv = n;
	t->kv[t->n].key = key;
	memset(&t->kv[t->n].v, 0, sizeof(t->kv[t->n].v));
	return &t->kv[t->n++].v;
}

/* A [name] or [[name]] header: the table that following keys go to. */
static struct rn_toml_table *header(struct parser *ps, struct rn_toml_table *root)
{
	bool array = ps->p + 1 < ps->end && ps->p[1] == '[';
	unsigned line = ps->line, c = col(ps);
	ps->p += array ? 2 : 1;
	skip_ws(ps);
	char *key = parse_key(ps);
	if (!key)
		return NULL;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '.') {
		free(key);
		fail(ps, "dotted table names are not supported");
		return NULL;
	}
	if (ps->end - ps->p < (array ? 2 : 1) || *ps->p != ']' || (array && ps->p[1] != ']')) {
		free(key);
		fail(ps, array ? "expected ']]'" : "expected ']'");
		return NULL;
	}
	ps->p += array ? 2 : 1;
	if (!end_of_line(ps)) {
		free(key);
		return NULL;
	}
	struct rn_toml_table *t = calloc(1, sizeof(*t));
	if (!t) {
		free(key);
		fail(ps, "out of memory");
		return NULL;
	}
	struct rn_toml_value *v = (struct rn_toml_value *)rn_toml_get(root, key);
	if (array && v && v->type == RN_TOML_TABLE_ARRAY) {
		free(key);
	} else {
		v = add_key(ps, root, key);
		if (!v) {
			free(t);
			return NULL;
		}
		v->line = line;
		v->col = c;
		if (!array) {
			v->type = RN_TOML_TABLE;
			v->t = t;
			return t;
		}
		v->type = RN_TOML_TABLE_ARRAY;
	}
	struct rn_toml_value *n = realloc(v->arr.v, (v->arr.n + 1) * sizeof(*n));
	if (!n) {
		free(t);
		fail(ps, "out of memory");
		return NULL;
	}
	v->arr.v = n;
	v->arr.v[v->arr.n] = (struct rn_toml_value){ .type = RN_TOML_TABLE, .line = line, .col = c, .t = t };
	v->arr.n++;
	return t;
}

struct rn_toml_table *rn_toml_parse(const char *text, size_t len, const char *name,
				    struct rn_diag *err)
{
	struct parser ps = { text, text + len, name, 1, text, err, false };
	struct rn_toml_table *root = calloc(1, sizeof(*root)), *cur = root;
	if (!root) {
		rn_diag_set(err, "out of memory");
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		rn_diag_set(err, "%s: not a text file (NUL byte)", name);
		table_free(root);
		return NULL;
	}
	while (!ps.failed) {
		skip_all(&ps);
		if (ps.p >= ps.end)
			break;
		if (*ps.p == '[') {
			cur = header(&ps, root);
			continue;
		}
		char *key = parse_key(&ps);
		if (!key)
			break;
		skip_ws(&ps);
		if (ps.p < ps.end && *ps.p == '.') {
			free(key);
			fail(&ps, "dotted keys are not supported");
			break;
		}
		if (ps.p >= ps.end || *ps.p != '=') {
			free(key);
			fail(&ps, "expected '=' after the key");
			break;
		}
		ps.p++;
		skip_ws(&ps);
		struct rn_toml_value *v = add_key(&ps, cur, key);
		if (!v || !parse_value(&ps, v, 0) || !end_of_line(&ps))
			break;
	}
	if (ps.failed) {
		table_free(root);
		return NULL;
	}
	return root;
}

const char *rn_toml_type_name(enum rn_toml_type type)
{
	static const char *const names[] = { "a string", "an integer", "a float", "a boolean",
					     "an array", "a table", "an array of tables" };
	return names[type];
}
