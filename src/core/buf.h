// SPDX-License-Identifier: MIT
#pragma once
/* A growable text buffer: the one string builder decoders and sinks share.
 * Not thread-safe; each owner keeps its own. */

#include <stdarg.h>
#include <stddef.h>

struct rn_buf {
	char *p;    /* always NUL-terminated once anything was added */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap;
	int oom;    /* set when a growth failed; the text is then truncated */
};

/* Append helpers never fail loudly: on OOM they set b->oom and drop text. */
void rn_buf_put(struct rn_buf *b, const char *s);
void rn_buf_putn(struct rn_buf *b, const char *s, size_t n);
void rn_buf_putc(struct rn_buf *b, char c);
void rn_buf_printf(struct rn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rn_buf_vprintf(struct rn_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empty the buffer, keeping its storage. */
void rn_buf_reset(struct rn_buf *b);
/* Make room for n more bytes; returns a pointer to write them or NULL on OOM. */
char *rn_buf_reserve(struct rn_buf *b, size_t n);
/* Release the storage; the buffer is empty and reusable afterwards. */
void rn_buf_done(struct rn_buf *b);
