// SPDX-License-Identifier: MIT
#pragma once
/* JSON text writing into an rn_buf: the one escaper every JSON producer
 * (the json output, OTLP export) shares. Reading JSON is jansson's job. */

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A JSON string literal, quotes included. Bytes that are not valid UTF-8
 * are written as \u00XX, so the result is always valid JSON. */
void rn_json_str(struct rn_buf *b, const char *s, size_t len);
/* Like rn_json_str for a NUL-terminated string; NULL writes null. */
void rn_json_cstr(struct rn_buf *b, const char *s);
