// SPDX-License-Identifier: MIT
#pragma once
/* Transpiler source maps (--transpiler-map FILE.json): a program written
 * in Python, C or TypeScript, transpiled to Rust, is traced as Rust; the
 * map takes the Rust file:line and function names back to the original
 * source. Format (version 1), in docs/transpiler-map.md:
 *
 *	{ "version": 1, "source_language": "python", "source_file": "sim.py",
 *	  "generated_file": "sim.rs",
 *	  "mappings": [ { "rust_line": 42, "rust_function": "distance",
 *	                  "python_line": 25, "python_function": "distance",
 *	                  "python_context": "def distance(x, y):" } ],
 *	  "function_map": { "distance": "distance (sim.py)" } }
 *
 * The per-mapping keys are named after the language: "<language>_line",
 * "<language>_function", "<language>_context". */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/diag.h"

struct rn_srcmap_line {
	unsigned gen_line;
	const char *gen_function;
	unsigned src_line;
	const char *src_function;
	const char *context; /* the original source line, may be "" */
};

struct rn_srcmap_fn {
	const char *gen, *src;
};

struct rn_srcmap {
	const char *language, *source_file, *generated_file;
	struct rn_srcmap_line *lines; /* sorted by gen_line */
	size_t nlines;
	struct rn_srcmap_fn *fns;     /* in file order */
	size_t nfns;
	void *json;		      /* owns the strings */
};

/* Load and check a map. Returns 0, or -errno with one line in err. */
int rn_srcmap_load(const char *path, struct rn_srcmap **ret, struct rn_diag *err);
void rn_srcmap_free(struct rn_srcmap *m);

/* The mapping for line of the generated file file (compared by base name
 * when the map names one), or NULL. */
const struct rn_srcmap_line *rn_srcmap_lookup(const struct rn_srcmap *m, const char *file, unsigned line);
/* The original name of generated function fn (a full or last "::" path
 * component match), or NULL. */
const char *rn_srcmap_function(const struct rn_srcmap *m, const char *fn);

/* The start-up listings of --rewrite-stacktrace, --rewrite-errors and
 * --function-time with a map; context adds the headers of
 * --show-transpiler-context. */
void rn_srcmap_dump_functions(const struct rn_srcmap *m, FILE *f, bool context);
void rn_srcmap_dump_stacktrace(const struct rn_srcmap *m, FILE *f, bool context);
void rn_srcmap_dump_errors(const struct rn_srcmap *m, FILE *f, bool context);
