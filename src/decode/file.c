// SPDX-License-Identifier: MIT
/* file family decoders: opening, access checks, execve, directories, links,
 * renames, permissions and ownership, truncation, timestamps, device nodes
 * and directory listings, as strace 6.1 prints them. The stat family is in
 * stat.c. */
#include "decode/decode.h"

#include <errno.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xlat_tables.h"

#define O_ACCMODE_ 03
#define S_IFMT_	   0170000
#define UTIME_NOW_  ((1l << 30) - 1l)
#define UTIME_OMIT_ ((1l << 30) - 2l)

void rn_put_open_flags(struct rn_dctx *d, uint64_t flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	rn_put(d, modes[flags & O_ACCMODE_]);
	flags &= ~(uint64_t)O_ACCMODE_;
	if (flags) {
		rn_put(d, "|");
		rn_put_flags(d, &rn_xlat_file_open_flags, flags, NULL);
	}
}

void rn_put_mode(struct rn_dctx *d, uint64_t mode)
{
	uint64_t type = mode & S_IFMT_;
	if (type) {
		rn_put_xval(d, &rn_xlat_file_mode_types, type, NULL);
		rn_put(d, "|");
	}
	rn_putf(d, "%#03llo", (unsigned long long)(mode & ~(uint64_t)S_IFMT_));
}

/* A uid/gid: -1 (unchanged) shows as -1. */
static void put_id(struct rn_dctx *d, uint64_t id)
{
	if ((uint32_t)id == UINT32_MAX)
		rn_put(d, "-1");
	else
		rn_put_u(d, (uint32_t)id);
}

static void put_at_flags(struct rn_dctx *d, uint64_t flags)
{
	rn_put_flags(d, &rn_xlat_file_at_flags, flags, "AT_???");
}

/* open(path, flags[, mode]) and openat(dirfd, path, flags[, mode]): the
 * mode only when the call can create a file. */
static int put_open(struct rn_dctx *d, uint64_t path, uint64_t flags, uint64_t mode)
{
	rn_put_path(d, path);
	rn_sep(d);
	rn_put_open_flags(d, flags);
	if ((flags & 0100) || (flags & 020000000) == 020000000) { /* O_CREAT, __O_TMPFILE */
		rn_sep(d);
		rn_put_mode(d, mode);
	}
	return RN_DEC_DONE;
}

RN_SYS_FUNC(open)
{
	return put_open(d, d->args[0], d->args[1], d->args[2]);
}

RN_SYS_FUNC(openat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	return put_open(d, d->args[1], d->args[2], d->args[3]);
}

/* struct open_how { u64 flags, mode, resolve; } */
RN_SYS_FUNC(openat2)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	uint64_t how[3];
	if (d->args[3] >= sizeof(how) && rn_fetch_or_addr(d, d->args[2], how, sizeof(how))) {
		rn_put(d, "{flags=");
		rn_put_open_flags(d, how[0]);
		if (how[1] || (how[0] & 0100)) {
			rn_put(d, ", mode=");
			rn_put_mode(d, how[1]);
		}
		rn_put(d, ", resolve=");
		rn_put_flags(d, &rn_xlat_file_resolve_flags, how[2], "RESOLVE_???");
		rn_put(d, "}");
	} else if (d->args[3] < sizeof(how)) {
		rn_put_ptr(d, d->args[2]);
	}
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(creat)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	rn_put_mode(d, d->args[1]);
	return RN_DEC_DONE;
}

static void put_access_mode(struct rn_dctx *d, uint64_t mode)
{
	rn_put_flags(d, &rn_xlat_file_access_modes, mode, "?_OK");
}

RN_SYS_FUNC(access)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	put_access_mode(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(faccessat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	put_access_mode(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(faccessat2)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	put_access_mode(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_file_faccessat_flags, d->args[3], "AT_???");
	return RN_DEC_DONE;
}

/* --- file handles --- */

#define MAX_HANDLE_SZ 128 /* the kernel's limit on handle_bytes */

/* struct file_handle: {handle_bytes=N, handle_type=T, f_handle="\xNN..."};
 * IN, when not the size the kernel wrote back, shows as "IN => N", and only
 * the size when the call did not fill the handle (filled false). */
static void put_file_handle(struct rn_dctx *d, uint64_t addr, bool have_in, uint32_t in, bool filled)
{
	struct {
		uint32_t bytes;
		int32_t type;
		unsigned char h[MAX_HANDLE_SZ];
	} fh;
	if (!rn_fetch_or_addr(d, addr, &fh, 8))
		return;
	rn_putf(d, "{handle_bytes=%u", have_in ? in : fh.bytes);
	if (have_in && fh.bytes != in)
		rn_putf(d, " => %u", fh.bytes);
	if (filled && fh.bytes <= MAX_HANDLE_SZ) {
		rn_putf(d, ", handle_type=%d, f_handle=", fh.type);
		if (rn_mem_read(d->pid, addr + 8, fh.h, fh.bytes) == 0)
			rn_put_hex(d, fh.h, fh.bytes, false);
		else
			rn_put_ptr(d, addr + 8);
	}
	rn_put(d, "}");
}

RN_SYS_FUNC(name_to_handle_at)
{
	if (!d->exiting) {
		rn_put_dirfd(d, d->args[0]);
		rn_sep(d);
		rn_put_path(d, d->args[1]);
		rn_sep(d);
		/* The size the program offers, for "IN => OUT" at exit. */
		uint32_t in;
		d->priv[0] = rn_mem_read(d->pid, d->args[2], &in, sizeof(in)) == 0;
		d->priv[1] = d->priv[0] ? in : 0;
		return 0;
	}
	/* The kernel writes the size back on success and on EOVERFLOW. */
	bool sized = !d->failed || d->ret == -EOVERFLOW;
	if (!sized && d->priv[0])
		rn_putf(d, "{handle_bytes=%u}", (uint32_t)d->priv[1]);
	else
		put_file_handle(d, d->args[2], d->priv[0] != 0, (uint32_t)d->priv[1], !d->failed);
	rn_sep(d);
	int32_t mount_id;
	if (!d->failed && rn_fetch_or_addr(d, d->args[3], &mount_id, sizeof(mount_id)))
		rn_putf(d, "[%d]", mount_id);
	else if (d->failed)
		rn_put_ptr(d, d->args[3]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_file_handle_flags, d->args[4], "AT_???");
	return 0;
}

RN_SYS_FUNC(open_by_handle_at)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_file_handle(d, d->args[1], false, 0, true);
	rn_sep(d);
	rn_put_open_flags(d, d->args[2]);
	return RN_DEC_DONE;
}

/* A NULL-terminated array of strings (argv): ["a", "b"], abbreviated
 * after the -s limit as strace does. */
static void put_string_array(struct rn_dctx *d, uint64_t addr)
{
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	uint64_t p;
	if (rn_mem_read(d->pid, addr, &p, sizeof(p)) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put(d, "[");
	for (unsigned i = 0;; i++) {
		if (rn_mem_read(d->pid, addr + i * sizeof(p), &p, sizeof(p)) < 0) {
			rn_putf(d, "%s%#llx", i ? ", " : "", (unsigned long long)(addr + i * sizeof(p)));
			break;
		}
		if (!p)
			break;
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		rn_put_cstr(d, p);
	}
	rn_put(d, "]");
}

/* envp: only its address and how many variables it holds. */
static void put_env_count(struct rn_dctx *d, uint64_t addr)
{
	if (!addr) {
		rn_put(d, "NULL");
		return;
	}
	uint64_t p;
	unsigned n = 0;
	while (n < 1u << 20 && rn_mem_read(d->pid, addr + n * sizeof(p), &p, sizeof(p)) == 0 && p)
		n++;
	rn_put_ptr(d, addr);
	rn_putf(d, " /* %u var%s */", n, n == 1 ? "" : "s");
}

/* Everything is printed at entry: a successful execve returns into the
 * new image, where the old pointers mean nothing. */
RN_SYS_FUNC(execve)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	put_string_array(d, d->args[1]);
	rn_sep(d);
	put_env_count(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(execveat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	put_string_array(d, d->args[2]);
	rn_sep(d);
	put_env_count(d, d->args[3]);
	rn_sep(d);
	put_at_flags(d, d->args[4]);
	return RN_DEC_DONE;
}

/* readlink's buffer: the ret bytes written (not NUL-terminated). */
static int readlink_common(struct rn_dctx *d, uint64_t buf, uint64_t size)
{
	if (!d->exiting)
		return 0;
	rn_put_str_out(d, buf, d->ret);
	rn_sep(d);
	rn_put_u(d, size);
	return 0;
}

RN_SYS_FUNC(readlink)
{
	if (!d->exiting) {
		rn_put_path(d, d->args[0]);
		rn_sep(d);
	}
	return readlink_common(d, d->args[1], d->args[2]);
}

RN_SYS_FUNC(readlinkat)
{
	if (!d->exiting) {
		rn_put_dirfd(d, d->args[0]);
		rn_sep(d);
		rn_put_path(d, d->args[1]);
		rn_sep(d);
	}
	return readlink_common(d, d->args[2], d->args[3]);
}

RN_SYS_FUNC(getcwd)
{
	if (!d->exiting)
		return 0;
	/* The result counts the NUL; a path is never cut at -s. */
	unsigned char path[4096];
	size_t len = d->ret > 0 ? (size_t)d->ret - 1 : 0;
	if (d->failed || d->ret <= 0 || len > sizeof(path) ||
	    rn_mem_read(d->pid, d->args[0], path, len) < 0)
		rn_put_ptr(d, d->args[0]);
	else
		rn_put_quoted(d, path, len, false);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	return 0;
}

/* One path argument: chdir, rmdir, unlink, chroot, acct... */
static int one_path(struct rn_dctx *d)
{
	rn_put_path(d, d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(chdir) { return one_path(d); }
RN_SYS_FUNC(rmdir) { return one_path(d); }
RN_SYS_FUNC(unlink) { return one_path(d); }
RN_SYS_FUNC(chroot) { return one_path(d); }
RN_SYS_FUNC(acct) { return one_path(d); }
RN_SYS_FUNC(swapoff) { return one_path(d); }

RN_SYS_FUNC(fchdir)
{
	rn_put_fd(d, d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(syncfs)
{
	rn_put_fd(d, d->args[0]);
	return RN_DEC_DONE;
}

/* path, mode: mkdir, chmod */
static int path_mode(struct rn_dctx *d)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	rn_put_mode(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mkdir) { return path_mode(d); }
RN_SYS_FUNC(chmod) { return path_mode(d); }

/* dirfd, path, mode: mkdirat, fchmodat */
static int at_path_mode(struct rn_dctx *d)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	rn_put_mode(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mkdirat) { return at_path_mode(d); }
RN_SYS_FUNC(fchmodat) { return at_path_mode(d); }

RN_SYS_FUNC(fchmod)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_mode(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(unlinkat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_file_unlinkat_flags, d->args[2], "AT_???");
	return RN_DEC_DONE;
}

/* Two paths: rename, link, symlink. */
static int two_paths(struct rn_dctx *d)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(rename) { return two_paths(d); }
RN_SYS_FUNC(link) { return two_paths(d); }
RN_SYS_FUNC(symlink) { return two_paths(d); }

static void at_pair(struct rn_dctx *d)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	rn_put_dirfd(d, d->args[2]);
	rn_sep(d);
	rn_put_path(d, d->args[3]);
}

RN_SYS_FUNC(renameat)
{
	at_pair(d);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(renameat2)
{
	at_pair(d);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_file_rename_flags, d->args[4], "RENAME_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(linkat)
{
	at_pair(d);
	rn_sep(d);
	put_at_flags(d, d->args[4]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(symlinkat)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	rn_put_dirfd(d, d->args[1]);
	rn_sep(d);
	rn_put_path(d, d->args[2]);
	return RN_DEC_DONE;
}

/* path, uid, gid: chown, lchown */
static int path_owner(struct rn_dctx *d)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	put_id(d, d->args[1]);
	rn_sep(d);
	put_id(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(chown) { return path_owner(d); }
RN_SYS_FUNC(lchown) { return path_owner(d); }

RN_SYS_FUNC(fchown)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	put_id(d, d->args[1]);
	rn_sep(d);
	put_id(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(fchownat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	put_id(d, d->args[2]);
	rn_sep(d);
	put_id(d, d->args[3]);
	rn_sep(d);
	put_at_flags(d, d->args[4]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(truncate)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int64_t)d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(ftruncate)
{
	rn_put_fd(d, d->args[0]);
	rn_sep(d);
	rn_put_d(d, (int64_t)d->args[1]);
	return RN_DEC_DONE;
}

/* One timespec of utimensat: UTIME_NOW/UTIME_OMIT, or the time with its
 * date as a comment when it is not the epoch. */
static void put_utime(struct rn_dctx *d, const int64_t ts[2])
{
	if (ts[1] == UTIME_NOW_) {
		rn_put(d, "UTIME_NOW");
		return;
	}
	if (ts[1] == UTIME_OMIT_) {
		rn_put(d, "UTIME_OMIT");
		return;
	}
	rn_putf(d, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[0], (long long)ts[1]);
	if (ts[0] || ts[1]) {
		time_t t = (time_t)ts[0];
		struct tm tm;
		char date[64];
		if (gmtime_r(&t, &tm) && strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
			rn_putf(d, " /* %s.%09lld+0000 */", date, (long long)ts[1]);
	}
}

RN_SYS_FUNC(utimensat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	int64_t ts[4];
	if (!d->args[2]) {
		rn_put(d, "NULL");
	} else if (rn_fetch_or_addr(d, d->args[2], ts, sizeof(ts))) {
		rn_put(d, "[");
		put_utime(d, ts);
		rn_put(d, ", ");
		put_utime(d, ts + 2);
		rn_put(d, "]");
	}
	rn_sep(d);
	put_at_flags(d, d->args[3]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(umask)
{
	rn_putf(d, "%#03llo", (unsigned long long)d->args[0]);
	d->rval = RN_RVAL_OCT;
	return RN_DEC_DONE;
}

/* mode, and the device number for character and block devices. */
static void put_mknod(struct rn_dctx *d, uint64_t mode, uint64_t dev)
{
	rn_put_mode(d, mode);
	uint64_t type = mode & S_IFMT_;
	if (type == 020000 || type == 060000) { /* S_IFCHR, S_IFBLK */
		unsigned major = (unsigned)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
		unsigned minor = (unsigned)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
		rn_sep(d);
		rn_putf(d, "makedev(%#x, %#x)", major, minor);
	}
}

RN_SYS_FUNC(mknod)
{
	rn_put_path(d, d->args[0]);
	rn_sep(d);
	put_mknod(d, d->args[1], d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mknodat)
{
	rn_put_dirfd(d, d->args[0]);
	rn_sep(d);
	rn_put_path(d, d->args[1]);
	rn_sep(d);
	put_mknod(d, d->args[2], d->args[3]);
	return RN_DEC_DONE;
}

/* getdents/getdents64: strace (without -v) shows how many entries came back. */
static int getdents_common(struct rn_dctx *d, bool is64)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	rn_put_ptr(d, d->args[1]);
	if (!d->failed && d->ret == 0)
		rn_put(d, " /* 0 entries */");
	if (!d->failed && d->ret > 0) {
		unsigned char buf[65536];
		size_t len = (uint64_t)d->ret < sizeof(buf) ? (size_t)d->ret : sizeof(buf);
		if (rn_mem_read(d->pid, d->args[1], buf, len) == 0) {
			/* d_reclen sits after two 8-byte fields in both layouts. */
			unsigned n = 0;
			for (size_t off = 0; off + 18 < len + 1 && off < len;) {
				uint16_t reclen;
				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				if (!reclen)
					break;
				n++;
				off += reclen;
			}
			rn_putf(d, " /* %u entr%s */", n, n == 1 ? "y" : "ies");
		}
	}
	(void)is64;
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	return 0;
}

RN_SYS_FUNC(getdents) { return getdents_common(d, false); }
RN_SYS_FUNC(getdents64) { return getdents_common(d, true); }

/* --- extended attributes --- */

/* The file an xattr call is about: a path (get/set/list/removexattr and
 * their l- forms) or an fd (the f- forms). */
static void put_file(struct rn_dctx *d, bool by_fd)
{
	if (by_fd)
		rn_put_fd(d, d->args[0]);
	else
		rn_put_path(d, d->args[0]);
}

/* The value buffer of getxattr at exit: ret bytes, or the address (NULL
 * when asking for the size). */
static void put_xattr_value(struct rn_dctx *d, uint64_t addr, uint64_t size)
{
	if (!addr || d->failed || !size)
		rn_put_ptr(d, addr);
	else
		rn_put_str(d, addr, (uint64_t)d->ret);
}

/* getxattr(path|fd, name, value, size) */
static int getxattr_common(struct rn_dctx *d, bool by_fd)
{
	if (!d->exiting) {
		put_file(d, by_fd);
		rn_sep(d);
		rn_put_cstr(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_xattr_value(d, d->args[2], d->args[3]);
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	return 0;
}

RN_SYS_FUNC(getxattr) { return getxattr_common(d, false); }
RN_SYS_FUNC(lgetxattr) { return getxattr_common(d, false); }
RN_SYS_FUNC(fgetxattr) { return getxattr_common(d, true); }

static int setxattr_common(struct rn_dctx *d, bool by_fd)
{
	put_file(d, by_fd);
	rn_sep(d);
	rn_put_cstr(d, d->args[1]);
	rn_sep(d);
	rn_put_str(d, d->args[2], d->args[3]);
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	rn_sep(d);
	static const char *const flags[] = { "0", "XATTR_CREATE", "XATTR_REPLACE" };
	if (d->args[4] < 3)
		rn_put(d, flags[d->args[4]]);
	else
		rn_putf(d, "%#llx /* XATTR_??? */", (unsigned long long)d->args[4]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(setxattr) { return setxattr_common(d, false); }
RN_SYS_FUNC(lsetxattr) { return setxattr_common(d, false); }
RN_SYS_FUNC(fsetxattr) { return setxattr_common(d, true); }

static int listxattr_common(struct rn_dctx *d, bool by_fd)
{
	if (!d->exiting) {
		put_file(d, by_fd);
		rn_sep(d);
		return 0;
	}
	put_xattr_value(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	return 0;
}

RN_SYS_FUNC(listxattr) { return listxattr_common(d, false); }
RN_SYS_FUNC(llistxattr) { return listxattr_common(d, false); }
RN_SYS_FUNC(flistxattr) { return listxattr_common(d, true); }

static int removexattr_common(struct rn_dctx *d, bool by_fd)
{
	put_file(d, by_fd);
	rn_sep(d);
	rn_put_cstr(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(removexattr) { return removexattr_common(d, false); }
RN_SYS_FUNC(lremovexattr) { return removexattr_common(d, false); }
RN_SYS_FUNC(fremovexattr) { return removexattr_common(d, true); }
