// SPDX-License-Identifier: MIT
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *rn_buf_reserve(struct rn_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (n > (size_t)-1 / 2 - b->len) {
		b->oom = 1;
		return NULL;
	}
	size_t need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < need)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

void rn_buf_putn(struct rn_buf *b, const char *s, size_t n)
{
	char *w = rn_buf_reserve(b, n);
	if (!w)
		return;
	memcpy(w, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rn_buf_put(struct rn_buf *b, const char *s)
{
	rn_buf_putn(b, s, strlen(s));
}

void rn_buf_putc(struct rn_buf *b, char c)
{
	char *w = rn_buf_reserve(b, 1);
	if (!w)
		return;
	w[0] = c;
	w[1] = '\0';
	b->len++;
}

void rn_buf_vprintf(struct rn_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char *w = rn_buf_reserve(b, 64);
	if (!w) {
		va_end(ap2);
		return;
	}
	int n = vsnprintf(w, b->cap - b->len, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		w = rn_buf_reserve(b, (size_t)n);
		if (!w) {
			va_end(ap2);
			b->p[b->len] = '\0';
			return;
		}
		(void)vsnprintf(w, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void rn_buf_printf(struct rn_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rn_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void rn_buf_reset(struct rn_buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->p)
		b->p[0] = '\0';
}

void rn_buf_done(struct rn_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
