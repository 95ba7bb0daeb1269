// SPDX-License-Identifier: MIT
#include "core/json.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] < 0xf5) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void rn_json_str(struct rn_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	rn_buf_putc(b, '"');
	size_t run = 0; /* start of the pending run of bytes that need no escape */
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t u = utf8_len(s + i, len - i);
			if (u) {
				i += u;
				continue;
			}
		}
		rn_buf_putn(b, str + run, i - run);
		switch (c) {
		case '"': rn_buf_put(b, "\\\""); break;
		case '\\': rn_buf_put(b, "\\\\"); break;
		case '\n': rn_buf_put(b, "\\n"); break;
		case '\t': rn_buf_put(b, "\\t"); break;
		case '\r': rn_buf_put(b, "\\r"); break;
		default: rn_buf_printf(b, "\\u%04x", c); break;
		}
		run = ++i;
	}
	rn_buf_putn(b, str + run, len - run);
	rn_buf_putc(b, '"');
}

void rn_json_cstr(struct rn_buf *b, const char *s)
{
	if (!s)
		rn_buf_put(b, "null");
	else
		rn_json_str(b, s, strlen(s));
}
