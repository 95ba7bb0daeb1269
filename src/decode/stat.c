// SPDX-License-Identifier: MIT
/* stat family decoders: stat, lstat, fstat, newfstatat, statx, statfs,
 * fstatfs. Structures are abbreviated as strace prints them without -v:
 * {st_mode=S_IFREG|0644, st_size=123, ...}, devices with their st_rdev. */
#include "decode/decode.h"

#include <linux/stat.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "xlat_tables.h"

#define S_IFMT_ 0170000

static void put_dev(struct rn_dctx *d, uint64_t dev)
{
	unsigned major = (unsigned)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
	unsigned minor = (unsigned)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
	rn_putf(d, "makedev(%#x, %#x)", major, minor);
}

/* A mode read back from the kernel: the set-id and sticky bits by name
 * (S_IFDIR|S_ISVTX|0777), as strace shows st_mode. */
static void put_stat_mode(struct rn_dctx *d, uint64_t mode)
{
	static const struct {
		unsigned bit;
		const char *name;
	} special[] = { { 04000, "S_ISUID" }, { 02000, "S_ISGID" }, { 01000, "S_ISVTX" } };
	rn_put_mode(d, mode & ~(uint64_t)07777);
	/* rn_put_mode printed "TYPE|000" or "000": drop the zero permissions. */
	struct rn_buf *b = d->out;
	if (b->len >= 3 && !memcmp(b->p + b->len - 3, "000", 3)) {
		b->len -= 3;
		b->p[b->len] = '\0';
	}
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (mode & special[i].bit)
			rn_putf(d, "%s|", special[i].name);
	rn_putf(d, "%#03llo", (unsigned long long)(mode & 0777));
}

static bool is_device(uint64_t mode)
{
	uint64_t t = mode & S_IFMT_;
	return t == S_IFCHR || t == S_IFBLK;
}

/* The struct stat an exiting call filled, or its address. */
static void put_stat(struct rn_dctx *d, uint64_t addr)
{
	struct stat st;
	if (d->failed || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &st, sizeof(st)))
		return;
	rn_put(d, "{st_mode=");
	put_stat_mode(d, st.st_mode);
	if (is_device(st.st_mode)) {
		rn_put(d, ", st_rdev=");
		put_dev(d, st.st_rdev);
	} else {
		rn_putf(d, ", st_size=%lld", (long long)st.st_size);
	}
	rn_put(d, ", ...}");
}

/* path, struct stat: stat, lstat */
static int path_stat(struct rn_dctx *d)
{
	if (!d->exiting) {
		rn_put_path(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_stat(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(stat) { return path_stat(d); }
RN_SYS_FUNC(lstat) { return path_stat(d); }

RN_SYS_FUNC(fstat)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_stat(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(newfstatat)
{
	if (!d->exiting) {
		rn_put_dirfd(d, d->args[0]);
		rn_sep(d);
		rn_put_path(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_stat(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_file_at_flags, d->args[3], "AT_???");
	return 0;
}

/* statx flags: the synchronisation type first (AT_STATX_SYNC_AS_STAT is
 * 0 and always shown), then the AT_* flags. */
static void put_statx_flags(struct rn_dctx *d, uint64_t flags)
{
	rn_put_xval(d, &rn_xlat_file_statx_sync, flags & 0x6000, NULL);
	flags &= ~(uint64_t)0x6000;
	if (flags) {
		rn_put(d, "|");
		rn_put_flags(d, &rn_xlat_file_at_flags, flags, "AT_???");
	}
}

RN_SYS_FUNC(statx)
{
	if (!d->exiting) {
		rn_put_dirfd(d, d->args[0]);
		rn_sep(d);
		rn_put_path(d, d->args[1]);
		rn_sep(d);
		put_statx_flags(d, d->args[2]);
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_file_statx_mask, d->args[3], "STATX_???");
		rn_sep(d);
		return 0;
	}
	struct statx sx;
	if (d->failed || !d->args[4]) {
		rn_put_ptr(d, d->args[4]);
		return 0;
	}
	if (!rn_fetch_or_addr(d, d->args[4], &sx, sizeof(sx)))
		return 0;
	rn_put(d, "{stx_mask=");
	rn_put_flags(d, &rn_xlat_file_statx_mask, sx.stx_mask, "STATX_???");
	rn_put(d, ", stx_attributes=");
	rn_put_flags(d, &rn_xlat_file_statx_attrs, sx.stx_attributes, "STATX_ATTR_???");
	rn_put(d, ", stx_mode=");
	put_stat_mode(d, sx.stx_mode);
	/* Unlike struct stat, strace shows stx_size for devices too. */
	rn_putf(d, ", stx_size=%llu, ...}", (unsigned long long)sx.stx_size);
	return 0;
}

/* struct statfs, in full as strace prints it. */
static void put_statfs(struct rn_dctx *d, uint64_t addr)
{
	struct statfs sf;
	if (d->failed || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &sf, sizeof(sf)))
		return;
	rn_put(d, "{f_type=");
	rn_put_xval(d, &rn_xlat_file_fs_magic, (uint64_t)(uint32_t)sf.f_type, NULL);
	int fsid[2];
	memcpy(fsid, &sf.f_fsid, sizeof(fsid));
	rn_putf(d,
		", f_bsize=%lld, f_blocks=%llu, f_bfree=%llu, f_bavail=%llu, f_files=%llu, "
		"f_ffree=%llu, f_fsid={val=[%#x, %#x]}, f_namelen=%lld, f_frsize=%lld, f_flags=",
		(long long)sf.f_bsize, (unsigned long long)sf.f_blocks, (unsigned long long)sf.f_bfree,
		(unsigned long long)sf.f_bavail, (unsigned long long)sf.f_files,
		(unsigned long long)sf.f_ffree, (unsigned)fsid[0], (unsigned)fsid[1],
		(long long)sf.f_namelen, (long long)sf.f_frsize);
	rn_put_flags(d, &rn_xlat_file_statfs_flags, (uint64_t)sf.f_flags, NULL);
	rn_put(d, "}");
}

RN_SYS_FUNC(statfs)
{
	if (!d->exiting) {
		rn_put_path(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_statfs(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(fstatfs)
{
	if (!d->exiting) {
		rn_put_fd(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_statfs(d, d->args[1]);
	return 0;
}
