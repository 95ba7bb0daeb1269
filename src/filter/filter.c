// SPDX-License-Identifier: MIT
/* -e trace=SPEC. Items are separated by commas; each is a syscall name, a
 * class (%file or file, as strace accepts both), a /regex/ (POSIX ERE,
 * unanchored, matched against every name in the table), or one of "all" and
 * "none". A leading '!' excludes the item; a '!' before the whole list ("!open,close"
 * as strace writes it) is the same as excluding each listed item only when
 * every item would otherwise be positive, see below. Decision for a syscall:
 * excluded if any negative item matches; otherwise traced if it matches a
 * positive item, or if there are no positive items at all. Everything is
 * resolved into bitmaps at parse time. */
#include "filter/filter.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "decode/syscalls.h"

#define WORDS ((RN_NSYSCALLS + 63) / 64)

struct rn_filter {
	uint64_t pos[WORDS];
	uint64_t neg[WORDS];
	bool any_pos;
	bool all_pos; /* "all" given: numbers beyond the table are traced too */
};

static void set_bit(uint64_t *m, long nr)
{
	m[nr / 64] |= 1ull << (nr % 64);
}

static bool get_bit(const uint64_t *m, long nr)
{
	return (m[nr / 64] >> (nr % 64)) & 1;
}

static int add_item(struct rn_filter *f, const char *item, bool neg, struct rn_diag *reterr)
{
	uint64_t *m = neg ? f->neg : f->pos;
	size_t len = strlen(item);
	if (len == 0) {
		rn_diag_set(reterr, "empty syscall name in filter");
		return -EINVAL;
	}
	if (!neg)
		f->any_pos = true;
	if (strcmp(item, "all") == 0) {
		for (long i = 0; i < RN_NSYSCALLS; i++)
			set_bit(m, i);
		if (!neg)
			f->all_pos = true;
		return 0;
	}
	if (strcmp(item, "none") == 0)
		return 0;
	if (item[0] == '/') {
		if (len < 2 || item[len - 1] != '/') {
			rn_diag_set(reterr, "unterminated regex '%s' in filter", item);
			return -EINVAL;
		}
		/* POSIX leaves stacked repetitions ("a++") undefined, and glibc
		 * compiles them into automata that grow exponentially: refuse
		 * them, and absurdly long patterns, with a clear message. */
		if (len > 514 || strpbrk(item, "*+?}") != NULL) {
			for (const char *p = item + 1; p[0] && p[1]; p++) {
				if (len > 514 || (strchr("*+?}", p[0]) && strchr("*+?{", p[1]))) {
					rn_diag_set(reterr, "unsupported regex '%.*s' in filter: %s",
						    (int)(len > 64 ? 64 : len - 2), item + 1,
						    len > 514 ? "longer than 512 characters"
							      : "stacked repetition operators");
					return -EINVAL;
				}
			}
		}
		char *pat = strndup(item + 1, len - 2);
		if (!pat)
			return -ENOMEM;
		regex_t re;
		int rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			(void)regerror(rc, &re, why, sizeof(why));
			rn_diag_set(reterr, "invalid regex '%s' in filter: %s", pat, why);
			free(pat);
			return -EINVAL;
		}
		for (long i = 0; i < RN_NSYSCALLS; i++)
			if (rn_sysent_table[i].name &&
			    regexec(&re, rn_sysent_table[i].name, 0, NULL, 0) == 0)
				set_bit(m, i);
		regfree(&re);
		free(pat);
		return 0;
	}
	int nr = rn_syscall_lookup(item);
	if (nr >= 0) {
		set_bit(m, nr);
		return 0;
	}
	unsigned cls = rn_syscall_class_lookup(item);
	if (cls) {
		for (long i = 0; i < RN_NSYSCALLS; i++)
			if (rn_sysent_table[i].classes & cls)
				set_bit(m, i);
		return 0;
	}
	rn_diag_set(reterr, "invalid system call '%s' in filter (not a syscall name or class)",
		    item);
	return -EINVAL;
}

int rn_filter_parse(struct rn_filter **fp, const char *expr, struct rn_diag *reterr)
{
	const char *spec = expr;
	const char *eq = strchr(expr, '=');
	if (eq) {
		size_t qlen = (size_t)(eq - expr);
		if (!((qlen == 5 && strncmp(expr, "trace", 5) == 0) ||
		      (qlen == 1 && expr[0] == 't'))) {
			rn_diag_set(reterr, "unsupported filter qualifier '%.*s' (only trace= is supported)",
				    (int)qlen, expr);
			return -EINVAL;
		}
		spec = eq + 1;
	}
	struct rn_filter *f = *fp;
	bool fresh = !f;
	if (fresh) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
	}
	char *copy = strdup(spec);
	if (!copy) {
		if (fresh)
			free(f);
		return -ENOMEM;
	}
	/* strace's "!a,b" negates the whole list; our per-item '!' reads it
	 * as "not a, but b". Treat a leading '!' followed only by positive
	 * items as strace does. */
	bool neg_all = false;
	if (copy[0] == '!' && copy[1] != '\0' && !strstr(copy + 1, "!"))
		neg_all = true;
	int r = 0;
	char *start = neg_all ? copy + 1 : copy;
	if (*start == '\0') {
		/* "trace=" names nothing: strace refuses it too ("trace=none"
		 * is how to trace nothing). */
		rn_diag_set(reterr, "invalid system call '' in filter (trace=none traces nothing)");
		free(copy);
		if (fresh)
			free(f);
		return -EINVAL;
	}
	char *rest = start;
	for (char *tok = strsep(&rest, ","); tok; tok = strsep(&rest, ",")) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		size_t l = strlen(tok);
		while (l && (tok[l - 1] == ' ' || tok[l - 1] == '\t'))
			tok[--l] = '\0';
		bool neg = neg_all;
		if (tok[0] == '!') {
			neg = true;
			tok++;
			if (*tok == '\0') {
				rn_diag_set(reterr, "'!' must be followed by a syscall name or class");
				r = -EINVAL;
				break;
			}
		}
		/* strace's "?name": ignore unknown names instead of failing. */
		bool optional = false;
		if (tok[0] == '?') {
			optional = true;
			tok++;
		}
		r = add_item(f, tok, neg, optional ? NULL : reterr);
		if (r == -EINVAL && optional)
			r = 0;
		if (r < 0)
			break;
	}
	free(copy);
	if (r < 0) {
		if (fresh)
			free(f);
		return r;
	}
	*fp = f;
	return 0;
}

bool rn_filter_match(const struct rn_filter *f, long nr)
{
	if (!f)
		return true;
	if (nr < 0 || nr >= RN_NSYSCALLS)
		return !f->any_pos || f->all_pos;
	if (get_bit(f->neg, nr))
		return false;
	return !f->any_pos || get_bit(f->pos, nr);
}

bool rn_filter_narrows(const struct rn_filter *f)
{
	if (!f)
		return false;
	for (long i = 0; i < RN_NSYSCALLS; i++)
		if (rn_sysent_table[i].name && !rn_filter_match(f, i))
			return true;
	return false;
}

void rn_filter_free(struct rn_filter *f)
{
	free(f);
}
