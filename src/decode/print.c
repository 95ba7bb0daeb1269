// SPDX-License-Identifier: MIT
/* The printing vocabulary decoders share. Formats follow strace: strings
 * escaped C-style with octal for non-printable bytes, flags joined by '|'
 * with leftover bits in hex, unknown enumeration values in hex with a
 * comment naming the table. */
#include "decode/decode.h"
#include "decode/netlink.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

void rn_sep(struct rn_dctx *d)
{
	rn_buf_putn(d->out, ", ", 2);
	if (*d->narg < RN_MAX_ARGS + 1)
		d->arg_off[(*d->narg)++] = (uint32_t)d->out->len;
}

void rn_put(struct rn_dctx *d, const char *s)
{
	rn_buf_put(d->out, s);
}

void rn_putf(struct rn_dctx *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rn_buf_vprintf(d->out, fmt, ap);
	va_end(ap);
}

void rn_put_d(struct rn_dctx *d, int64_t v)
{
	rn_buf_printf(d->out, "%lld", (long long)v);
}

void rn_put_u(struct rn_dctx *d, uint64_t v)
{
	rn_buf_printf(d->out, "%llu", (unsigned long long)v);
}

void rn_put_x(struct rn_dctx *d, uint64_t v)
{
	if (v)
		rn_buf_printf(d->out, "%#llx", (unsigned long long)v);
	else
		rn_buf_putc(d->out, '0');
}

void rn_put_oct(struct rn_dctx *d, uint64_t v)
{
	rn_buf_printf(d->out, "%#03llo", (unsigned long long)v);
}

void rn_put_ptr(struct rn_dctx *d, uint64_t addr)
{
	if (addr)
		rn_buf_printf(d->out, "%#llx", (unsigned long long)addr);
	else
		rn_buf_put(d->out, "NULL");
}

/* Escape len bytes into p (room for 4 per byte): C escapes for the usual
 * controls, shortest octal for the rest and for the bytes in extra. Returns
 * the end. */
static char *escape(char *p, const unsigned char *s, size_t len, const char *extra)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		const char *e = NULL;
		switch (c) {
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		case '\v':
			e = "\\v";
			break;
		default:
			break;
		}
		if (e) {
			*p++ = e[0];
			*p++ = e[1];
			continue;
		}
		if (c >= ' ' && c < 0x7f && !(c && extra && strchr(extra, c))) {
			*p++ = (char)c;
			continue;
		}
		/* Shortest octal, unless an octal digit follows: then all three
		 * digits, so the escape cannot swallow it. */
		*p++ = '\\';
		if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7') {
			*p++ = (char)('0' + (c >> 6));
			*p++ = (char)('0' + ((c >> 3) & 7));
		} else if (c >> 3) {
			if (c >> 6)
				*p++ = (char)('0' + (c >> 6));
			*p++ = (char)('0' + ((c >> 3) & 7));
		}
		*p++ = (char)('0' + (c & 7));
	}
	return p;
}

/* -x: a string with a byte that has no C escape is shown in hex, whole. */
bool rn_wants_hex(const struct rn_dctx *d, const unsigned char *s, size_t len)
{
	if (d->o->xflag >= 2)
		return true;
	if (d->o->xflag != 1)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if ((c < ' ' || c >= 0x7f) && (!c || !strchr("\f\n\r\t\v", c)))
			return true;
	}
	return false;
}

void rn_put_quoted(struct rn_dctx *d, const unsigned char *s, size_t len, bool ellipsis)
{
	if (rn_wants_hex(d, s, len)) {
		rn_put_hex(d, s, len, ellipsis);
		return;
	}
	/* Worst case 4 output bytes per input byte, plus quotes and "...". */
	char *w = rn_buf_reserve(d->out, len * 4 + 6);
	if (!w)
		return;
	char *p = w;
	*p++ = '"';
	p = escape(p, s, len, NULL);
	*p++ = '"';
	if (ellipsis) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	d->out->len += (size_t)(p - w);
}

/* -P: note when a path argument is one of the traced paths. */
static void match_path(struct rn_dctx *d, const char *path)
{
	for (size_t i = 0; d->path_hit && i < d->o->npaths; i++)
		if (!strcmp(path, d->o->paths[i]))
			*d->path_hit = true;
}

/* What fd of task pid (AT_FDCWD: its working directory) is open on, as
 * /proc says, NUL-terminated in link, proc the /proc path asked; a file
 * deleted since is reported by *gone, " (deleted)" cut off. Returns the
 * length, or 0 when it cannot be told. */
static size_t fd_link(pid_t pid, int fd, char *proc, size_t plen, char *link, size_t llen,
		      bool *gone)
{
	if (fd == AT_FDCWD)
		(void)snprintf(proc, plen, "/proc/%d/cwd", (int)pid);
	else
		(void)snprintf(proc, plen, "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t n = readlink(proc, link, llen);
	if (n <= 0 || (size_t)n >= llen)
		return 0;
	link[n] = '\0';
	static const char deleted[] = " (deleted)";
	size_t len = (size_t)n, dl = sizeof(deleted) - 1;
	*gone = link[0] == '/' && len > dl && !memcmp(link + len - dl, deleted, dl);
	if (*gone) {
		len -= dl;
		link[len] = '\0';
	}
	return len;
}

/* -P: note when fd of task pid is open on one of the traced paths (a
 * deleted file still matches the path it had). */
static void match_fd(struct rn_dctx *d, int fd)
{
	char proc[64], link[PATH_MAX];
	bool gone;
	if (!d->o->npaths || !d->path_hit || fd < 0)
		return;
	if (fd_link(d->pid, fd, proc, sizeof(proc), link, sizeof(link), &gone))
		match_path(d, link);
}

/* -y: what fd (or the working directory, for AT_FDCWD) of task pid is, as
 * "<path>", "<pipe:[1234]>", "<socket:[5678]>"; a deleted file gets
 * "(deleted)" after the ">". -yy: sockets by protocol and what they are
 * connected to ("<TCP:[127.0.0.1:80->127.0.0.1:4242]>"), devices with
 * their numbers ("</dev/null<char 1:3>>"). Nothing when it cannot be told. */
static void put_fd_path(struct rn_buf *b, pid_t pid, int fd, unsigned level)
{
	char proc[64], link[PATH_MAX];
	bool gone;
	size_t len = fd_link(pid, fd, proc, sizeof(proc), link, sizeof(link), &gone);
	if (!len)
		return;
	unsigned long long ino;
	char proto[32], details[256];
	if (level >= 2 && fd != AT_FDCWD && sscanf(link, "socket:[%llu]", &ino) == 1) {
		ssize_t pl = getxattr(proc, "system.sockprotoname", proto, sizeof(proto) - 1);
		if (pl > 0) {
			proto[pl] = '\0';
			const char *name = proto;
			if (rn_socket_details(pid, ino, &name, details, sizeof(details)))
				rn_buf_printf(b, "<%s:[%s]>", name, details);
			else
				rn_buf_printf(b, "<%s:[%llu]>", name, ino);
			return;
		}
	}
	char *w = rn_buf_reserve(b, len * 4 + 16);
	if (!w)
		return;
	char *p = w;
	*p++ = '<';
	p = escape(p, (const unsigned char *)link, len, "<>");
	*p = '\0';
	b->len += (size_t)(p - w);
	struct stat st;
	if (level >= 2 && link[0] == '/' && stat(proc, &st) == 0 &&
	    (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		rn_buf_printf(b, "<%s %u:%u>", S_ISCHR(st.st_mode) ? "char" : "block",
			      major(st.st_rdev), minor(st.st_rdev));
	rn_buf_putc(b, '>');
	if (gone)
		rn_buf_put(b, "(deleted)");
}

void rn_put_fd_into(struct rn_buf *b, const struct rn_decode_opts *o, pid_t pid, int64_t fd)
{
	rn_buf_printf(b, "%d", (int)fd);
	if (o->decode_fds && (int)fd >= 0)
		put_fd_path(b, pid, (int)fd, o->decode_fds);
}

void rn_put_fd(struct rn_dctx *d, uint64_t fd)
{
	rn_put_fd_into(d->out, d->o, d->pid, (int64_t)fd);
	match_fd(d, (int)fd);
}

void rn_put_dirfd(struct rn_dctx *d, uint64_t fd)
{
	if ((int)fd == AT_FDCWD) {
		rn_buf_put(d->out, "AT_FDCWD");
		if (d->o->decode_fds)
			put_fd_path(d->out, d->pid, AT_FDCWD, d->o->decode_fds);
	} else {
		rn_put_fd(d, fd);
	}
}

void rn_put_path(struct rn_dctx *d, uint64_t addr)
{
	char buf[PATH_MAX];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	ssize_t n = rn_mem_read_str(d->pid, addr, buf, sizeof(buf) - 1);
	if (n < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	bool more = (size_t)n > sizeof(buf) - 1;
	if (!more && d->o->npaths) {
		buf[n] = '\0';
		match_path(d, buf);
	}
	rn_put_quoted(d, (unsigned char *)buf, more ? sizeof(buf) - 1 : (size_t)n, more);
}

void rn_put_cstr(struct rn_dctx *d, uint64_t addr)
{
	unsigned lim = d->o->string_limit;
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	/* One byte more than shown: a string of exactly lim bytes has its
	 * NUL there and takes no "...". */
	char *buf = malloc((size_t)lim + 2);
	if (!buf) {
		rn_put_ptr(d, addr);
		return;
	}
	ssize_t n = rn_mem_read_str(d->pid, addr, buf, (size_t)lim + 1);
	if (n < 0)
		rn_put_ptr(d, addr);
	else if ((size_t)n > lim)
		rn_put_quoted(d, (unsigned char *)buf, lim, true);
	else
		rn_put_quoted(d, (unsigned char *)buf, (size_t)n, false);
	free(buf);
}

void rn_put_str(struct rn_dctx *d, uint64_t addr, uint64_t len)
{
	unsigned lim = d->o->string_limit;
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	size_t want = len > lim ? lim : (size_t)len;
	unsigned char stackbuf[256];
	unsigned char *buf = want <= sizeof(stackbuf) ? stackbuf : malloc(want);
	if (!buf) {
		rn_put_ptr(d, addr);
		return;
	}
	if (rn_mem_read(d->pid, addr, buf, want) < 0)
		rn_put_ptr(d, addr);
	else
		rn_put_quoted(d, buf, want, len > want);
	if (buf != stackbuf)
		free(buf);
}

void rn_put_str_out(struct rn_dctx *d, uint64_t addr, int64_t ret)
{
	if (d->failed || ret < 0)
		rn_put_ptr(d, addr);
	else
		rn_put_str(d, addr, (uint64_t)ret);
}

void rn_put_flags(struct rn_dctx *d, const struct rn_xlat *x, uint64_t val, const char *dflt)
{
	if (val == 0) {
		const char *z = rn_xlat_lookup(x, 0);
		rn_put(d, z ? z : "0");
		return;
	}
	bool first = true;
	for (size_t i = 0; i < x->n && val; i++) {
		uint64_t v = x->e[i].val;
		if (v && (val & v) == v) {
			if (!first)
				rn_buf_putc(d->out, '|');
			rn_put(d, x->e[i].name);
			first = false;
			val &= ~v;
		}
	}
	if (!val)
		return;
	if (!first)
		rn_buf_printf(d->out, "|%#llx", (unsigned long long)val);
	else if (dflt)
		rn_buf_printf(d->out, "%#llx /* %s */", (unsigned long long)val, dflt);
	else
		rn_buf_printf(d->out, "%#llx", (unsigned long long)val);
}

void rn_put_xval(struct rn_dctx *d, const struct rn_xlat *x, uint64_t val, const char *dflt)
{
	const char *n = rn_xlat_lookup(x, val);
	if (n)
		rn_put(d, n);
	else if (dflt)
		rn_buf_printf(d->out, "%#llx /* %s */", (unsigned long long)val, dflt);
	else
		rn_put_x(d, val);
}

bool rn_put_array_begin(struct rn_dctx *d, uint64_t addr, uint64_t n, uint64_t esz)
{
	if (!addr) {
		rn_put(d, "NULL");
		return false;
	}
	if (!n) {
		rn_put(d, "[]");
		return false;
	}
	if (n > UINT64_MAX / esz || addr + n * esz <= addr) {
		rn_put_ptr(d, addr);
		return false;
	}
	return true;
}

void rn_put_signo(struct rn_dctx *d, uint64_t sig)
{
	char tmp[16];
	const char *n = rn_signal_name((int)sig, tmp, sizeof(tmp));
	if (n)
		rn_put(d, n);
	else
		rn_put_d(d, (int)sig);
}

void rn_put_sigset(struct rn_dctx *d, const void *set, size_t size)
{
	const unsigned char *b = set;
	unsigned nsig = (unsigned)size * 8, count = 0;
	for (unsigned i = 0; i < nsig; i++)
		count += (b[i / 8] >> (i % 8)) & 1;
	/* strace prints the complement once two thirds of the set is full. */
	bool invert = count >= nsig * 2 / 3;
	if (invert)
		rn_buf_putc(d->out, '~');
	rn_buf_putc(d->out, '[');
	bool first = true;
	for (unsigned i = 0; i < nsig; i++) {
		unsigned bit = (b[i / 8] >> (i % 8)) & 1;
		if (bit == (invert ? 0u : 1u)) {
			char tmp[16];
			const char *n = rn_signal_name((int)i + 1, tmp, sizeof(tmp));
			if (!first)
				rn_buf_putc(d->out, ' ');
			if (n)
				rn_put(d, n + 3); /* drop "SIG" */
			else
				rn_put_u(d, i + 1);
			first = false;
		}
	}
	rn_buf_putc(d->out, ']');
}

void rn_put_sigset_at(struct rn_dctx *d, uint64_t addr, uint64_t size)
{
	unsigned char set[8];
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	/* The kernel takes only sizeof(kernel sigset_t) == 8 here; strace prints
	 * the address for any other size. */
	if (size != 8) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, set, (size_t)size))
		return;
	rn_put_sigset(d, set, (size_t)size);
}

void rn_put_hex(struct rn_dctx *d, const unsigned char *p, size_t n, bool ellipsis)
{
	char *w = rn_buf_reserve(d->out, n * 4 + 6);
	if (!w)
		return;
	static const char hex[] = "0123456789abcdef";
	char *o = w;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
	}
	*o++ = '"';
	if (ellipsis) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	d->out->len += (size_t)(o - w);
}

struct rn_buf *rn_rx_begin(struct rn_dctx *d)
{
	struct rn_buf *out = d->out;
	d->out = d->rx;
	return out;
}

void rn_rx_end(struct rn_dctx *d, struct rn_buf *out)
{
	d->out = out;
}
