// SPDX-License-Identifier: MIT
/* Reading the stopped tracee's memory. process_vm_readv() moves a whole
 * buffer in one system call (PTRACE_PEEKDATA needs one per word); it fails
 * only on the first unmapped page, so reads that may run into one are split
 * at page boundaries. */
#include "decode/decode.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE_SZ 4096u

/* Set while decoding a call from captured memory (the bpf backend). */
static __thread const struct rn_memsnap *snap;

void rn_mem_use_snapshot(const struct rn_memsnap *s)
{
	snap = s;
}

/* The captured region holding addr: the newest capture that holds want
 * bytes from addr on, else the one that holds the most (a capture at exit
 * may hold only the head of what entry captured whole); *avail: the bytes
 * known from addr on. */
static const struct rn_memblob *snap_find(uint64_t addr, size_t want, size_t *avail)
{
	const struct rn_memblob *part = NULL;
	size_t part_avail = 0;
	for (const struct rn_memsnap *s = snap; s; s = s->next)
		for (size_t i = 0; i < s->n; i++) {
			const struct rn_memblob *b = &s->v[i];
			if (addr < b->addr || addr - b->addr >= b->len)
				continue;
			size_t have = b->len - (size_t)(addr - b->addr);
			if (have >= want) {
				*avail = have;
				return b;
			}
			if (!part || have > part_avail) {
				part = b;
				part_avail = have;
			}
		}
	*avail = part_avail;
	return part;
}

static int snap_read(uint64_t addr, void *buf, size_t len)
{
	size_t avail;
	const struct rn_memblob *b = snap_find(addr, len, &avail);
	if (!b || avail < len)
		return -EFAULT;
	memcpy(buf, b->data + (addr - b->addr), len);
	return 0;
}

static ssize_t snap_read_str(uint64_t addr, char *buf, size_t len)
{
	size_t avail;
	const struct rn_memblob *b = snap_find(addr, len, &avail);
	if (!b)
		return -EFAULT;
	const unsigned char *p = b->data + (addr - b->addr);
	size_t n = avail < len ? avail : len;
	const unsigned char *nul = memchr(p, '\0', n);
	if (nul) {
		memcpy(buf, p, (size_t)(nul - p) + 1);
		return nul - p;
	}
	if (avail < len)
		return -EFAULT; /* its end was not captured */
	memcpy(buf, p, len);
	return (ssize_t)len + 1;
}

int rn_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr == 0)
		return -EFAULT;
	if (snap)
		return snap_read(addr, buf, len);
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EFAULT;
	return 0;
}

ssize_t rn_mem_read_partial(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t got = 0;
	if (addr == 0)
		return -EFAULT;
	if (snap) {
		size_t avail;
		const struct rn_memblob *b = snap_find(addr, len, &avail);
		if (!b)
			return -EFAULT;
		got = avail < len ? avail : len;
		memcpy(buf, b->data + (addr - b->addr), got);
		return (ssize_t)got;
	}
	while (got < len) {
		size_t chunk = PAGE_SZ - ((addr + got) & (PAGE_SZ - 1));
		if (chunk > len - got)
			chunk = len - got;
		/* After the first page, read the rest in one go and fall back
		 * to page steps only when that fails. */
		if (got && len - got > chunk) {
			int r = rn_mem_read(pid, addr + got, (char *)buf + got, len - got);
			if (r == 0)
				return (ssize_t)len;
		}
		int r = rn_mem_read(pid, addr + got, (char *)buf + got, chunk);
		if (r < 0)
			return got ? (ssize_t)got : r;
		got += chunk;
	}
	return (ssize_t)got;
}

ssize_t rn_mem_read_str(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;
	if (addr == 0)
		return -EFAULT;
	if (snap)
		return snap_read_str(addr, buf, len);
	while (got < len) {
		size_t chunk = PAGE_SZ - ((addr + got) & (PAGE_SZ - 1));
		if (chunk > len - got)
			chunk = len - got;
		int r = rn_mem_read(pid, addr + got, buf + got, chunk);
		if (r < 0)
			return got ? (ssize_t)got : r;
		char *nul = memchr(buf + got, '\0', chunk);
		if (nul)
			return nul - buf;
		got += chunk;
	}
	return (ssize_t)len + 1;
}

bool rn_fetch_or_addr(struct rn_dctx *d, uint64_t addr, void *obj, size_t size)
{
	if (addr && rn_mem_read(d->pid, addr, obj, size) == 0)
		return true;
	rn_put_ptr(d, addr);
	return false;
}
