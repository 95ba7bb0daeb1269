// SPDX-License-Identifier: MIT
#pragma once
/* A TOML reader for the subset renacer's files use (Debian ships no C TOML
 * library): comments, bare and quoted keys, [table] and [[array of
 * tables]] headers, basic and literal strings (one line), integers with _
 * separators, floats, booleans and arrays (which may span lines). Dotted
 * keys, inline tables, dates and multi-line strings are refused with an
 * error. Every value keeps its line and column for error messages. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

enum rn_toml_type {
	RN_TOML_STRING,
	RN_TOML_INT,
	RN_TOML_FLOAT,
	RN_TOML_BOOL,
	RN_TOML_ARRAY,
	RN_TOML_TABLE,
	RN_TOML_TABLE_ARRAY, /* [[name]] */
};

struct rn_toml_table;

struct rn_toml_value {
	enum rn_toml_type type;
	unsigned line, col;
	union {
		char *s;
		int64_t i;
		double f;
		bool b;
		struct {
			struct rn_toml_value *v;
			size_t n;
		} arr; /* ARRAY: values; TABLE_ARRAY: values of type TABLE */
		struct rn_toml_table *t;
	};
};

struct rn_toml_kv {
	char *key;
	struct rn_toml_value v;
};

struct rn_toml_table {
	struct rn_toml_kv *kv;
	size_t n;
};

/* Parse text (len bytes) read from file name. Returns the root table, or
 * NULL with "name:line:col: problem" in err. */
struct rn_toml_table *rn_toml_parse(const char *text, size_t len, const char *name,
				    struct rn_diag *err);
void rn_toml_free(struct rn_toml_table *t);
/* The value of key in t, or NULL. */
const struct rn_toml_value *rn_toml_get(const struct rn_toml_table *t, const char *key);
const char *rn_toml_type_name(enum rn_toml_type type);
