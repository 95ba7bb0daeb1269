// SPDX-License-Identifier: MIT
/* memory family decoders: mappings, protections, locking, advice, the
 * program break, protection keys and membarrier. */
#include "decode/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xlat_tables.h"

#define MAP_TYPE_MASK   0xfULL
#define MAP_HUGE_SHIFT_ 26
#define MAP_HUGE_MASK_  (0x3fULL << MAP_HUGE_SHIFT_)

static void put_prot(struct rn_dctx *d, uint64_t prot)
{
	rn_put_flags(d, &rn_xlat_mem_prot, prot, "PROT_???");
}

/* The mapping type (MAP_PRIVATE...) first, then the other flags, then the
 * huge page size as "21<<MAP_HUGE_SHIFT". */
static void put_map_flags(struct rn_dctx *d, uint64_t flags)
{
	rn_put_xval(d, &rn_xlat_mem_map_flags, flags & MAP_TYPE_MASK, "MAP_???");
	flags &= ~MAP_TYPE_MASK;
	uint64_t huge = (flags & MAP_HUGE_MASK_) >> MAP_HUGE_SHIFT_;
	flags &= ~MAP_HUGE_MASK_;
	if (flags) {
		rn_put(d, "|");
		rn_put_flags(d, &rn_xlat_mem_map_flags, flags, NULL);
	}
	if (huge)
		rn_putf(d, "|%llu<<MAP_HUGE_SHIFT", (unsigned long long)huge);
}

/* The result of calls that return an address prints in hex; the exit half
 * exists only to say so. */
static int hex_result(struct rn_dctx *d)
{
	d->rval = RN_RVAL_HEX;
	return 0;
}

RN_SYS_FUNC(mmap)
{
	if (d->exiting)
		return hex_result(d);
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	rn_sep(d);
	put_prot(d, d->args[2]);
	rn_sep(d);
	put_map_flags(d, d->args[3]);
	rn_sep(d);
	rn_put_fd(d, d->args[4]);
	rn_sep(d);
	rn_put_x(d, d->args[5]);
	return 0;
}

RN_SYS_FUNC(brk)
{
	if (d->exiting)
		return hex_result(d);
	rn_put_ptr(d, d->args[0]);
	return 0;
}

/* munmap, mlock, munlock: an address range. */
static int addr_len(struct rn_dctx *d)
{
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(munmap)
{
	return addr_len(d);
}

RN_SYS_FUNC(mlock)
{
	return addr_len(d);
}

RN_SYS_FUNC(munlock)
{
	return addr_len(d);
}

RN_SYS_FUNC(mprotect)
{
	addr_len(d);
	rn_sep(d);
	put_prot(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(pkey_mprotect)
{
	addr_len(d);
	rn_sep(d);
	put_prot(d, d->args[2]);
	rn_sep(d);
	rn_put_d(d, (int)d->args[3]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mremap)
{
	if (d->exiting)
		return hex_result(d);
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_mremap, d->args[3], "MREMAP_???");
	/* new_address is an argument only with both MAYMOVE and FIXED. */
	if ((d->args[3] & 3) == 3) {
		rn_sep(d);
		rn_put_ptr(d, d->args[4]);
	}
	return 0;
}

RN_SYS_FUNC(madvise)
{
	addr_len(d);
	rn_sep(d);
	rn_put_xval(d, &rn_xlat_mem_madvise, (uint32_t)d->args[2], "MADV_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(msync)
{
	addr_len(d);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_msync, (uint32_t)d->args[2], "MS_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mlock2)
{
	addr_len(d);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_mlock2, (uint32_t)d->args[2], "MLOCK_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(mlockall)
{
	rn_put_flags(d, &rn_xlat_mem_mlockall, (uint32_t)d->args[0], "MCL_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(munlockall)
{
	(void)d;
	return RN_DEC_DONE;
}

/* mincore's vector: one byte a page, the low bit shown, limited like
 * strace's arrays by -s. */
static void put_mincore_vec(struct rn_dctx *d, uint64_t addr, uint64_t len)
{
	static uint64_t page;
	if (!page) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (uint64_t)p : 4096;
	}
	if (d->failed || !addr) {
		rn_put_ptr(d, addr);
		return;
	}
	uint64_t n = len / page + (len % page ? 1 : 0);
	if (!n) {
		rn_put(d, "[]");
		return;
	}
	unsigned lim = d->o->string_limit;
	size_t want = n > lim ? lim : (size_t)n;
	unsigned char *v = malloc(want ? want : 1);
	if (!v) {
		rn_put_ptr(d, addr);
		return;
	}
	ssize_t got = rn_mem_read_partial(d->pid, addr, v, want);
	if (got <= 0 && want) {
		rn_put_ptr(d, addr);
		free(v);
		return;
	}
	rn_put(d, "[");
	for (ssize_t i = 0; i < got; i++)
		rn_putf(d, "%s%u", i ? ", " : "", v[i] & 1);
	if ((size_t)got < want)
		rn_putf(d, ", ... /* %#llx */", (unsigned long long)(addr + (uint64_t)got));
	else if (n > want)
		rn_put(d, want ? ", ..." : "...");
	rn_put(d, "]");
	free(v);
}

RN_SYS_FUNC(mincore)
{
	if (!d->exiting) {
		rn_put_ptr(d, d->args[0]);
		rn_sep(d);
		rn_put_u(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_mincore_vec(d, d->args[2], d->args[1]);
	return 0;
}

RN_SYS_FUNC(remap_file_pages)
{
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	rn_sep(d);
	put_prot(d, d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[3]);
	rn_sep(d);
	put_map_flags(d, d->args[4]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(pkey_alloc)
{
	rn_put_x(d, d->args[0]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_pkey_access, d->args[1], "PKEY_???");
	return RN_DEC_DONE;
}

RN_SYS_FUNC(pkey_free)
{
	rn_put_d(d, (int)d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(membarrier)
{
	if (!d->exiting) {
		uint32_t cmd = (uint32_t)d->args[0], flags = (uint32_t)d->args[1];
		rn_put_xval(d, &rn_xlat_mem_membarrier_cmds, cmd, "MEMBARRIER_CMD_???");
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_mem_membarrier_flags, flags, "MEMBARRIER_CMD_FLAG_???");
		if (flags & 1) { /* MEMBARRIER_CMD_FLAG_CPU */
			rn_sep(d);
			rn_put_d(d, (int)d->args[2]);
		}
		/* Only MEMBARRIER_CMD_QUERY's result needs decoding. */
		return cmd ? RN_DEC_DONE : 0;
	}
	if (d->failed || !d->ret)
		return 0;
	d->rval = RN_RVAL_HEX;
	/* The supported commands, as a flag set. */
	struct rn_buf *save = rn_rx_begin(d);
	rn_put(d, " (");
	rn_put_flags(d, &rn_xlat_mem_membarrier_cmds, (uint64_t)d->ret, NULL);
	rn_put(d, ")");
	rn_rx_end(d, save);
	return 0;
}

/* --- NUMA memory policy: set_mempolicy, get_mempolicy, mbind --- */

#define MPOL_MODE_FLAGS 0xe000u /* MPOL_F_STATIC_NODES | _RELATIVE_NODES | _NUMA_BALANCING */

/* A mode and its flags: "MPOL_PREFERRED|MPOL_F_STATIC_NODES". */
static void put_mpol_mode(struct rn_dctx *d, uint64_t mode)
{
	uint32_t m = (uint32_t)mode;
	rn_put_xval(d, &rn_xlat_mem_mpol_modes, m & ~MPOL_MODE_FLAGS, "MPOL_???");
	if (m & MPOL_MODE_FLAGS) {
		rn_put(d, "|");
		rn_put_flags(d, &rn_xlat_mem_mpol_mode_flags, m & MPOL_MODE_FLAGS, NULL);
	}
}

/* A node mask of maxnode bits (the kernel reads maxnode - 1 of them), one
 * word a number, as strace prints it (%#0*lx: zero without 0x), cut at
 * the -s limit; the address when it holds no whole word or cannot be read. */
static void put_nodemask(struct rn_dctx *d, uint64_t addr, uint64_t maxnode)
{
	uint64_t n = maxnode ? (maxnode - 1 + 63) / 64 : 0;
	if (!addr || !n || n > (1u << 20)) {
		rn_put_ptr(d, addr);
		return;
	}
	uint64_t w;
	if (rn_mem_read(d->pid, addr, &w, sizeof(w)) < 0) {
		rn_put_ptr(d, addr);
		return;
	}
	rn_put(d, "[");
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			rn_put(d, ", ");
		if (i >= d->o->abbrev_limit) {
			rn_put(d, "...");
			break;
		}
		if (i && rn_mem_read(d->pid, addr + i * sizeof(w), &w, sizeof(w)) < 0) {
			rn_put(d, "...");
			break;
		}
		rn_putf(d, "%#0*llx", 16, (unsigned long long)w);
	}
	rn_put(d, "]");
}

RN_SYS_FUNC(set_mempolicy)
{
	put_mpol_mode(d, d->args[0]);
	rn_sep(d);
	put_nodemask(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(get_mempolicy)
{
	if (!d->exiting)
		return 0;
	if (d->failed || !d->args[0]) {
		rn_put_ptr(d, d->args[0]);
	} else {
		int32_t mode;
		if (rn_fetch_or_addr(d, d->args[0], &mode, sizeof(mode))) {
			rn_put(d, "[");
			put_mpol_mode(d, (uint32_t)mode);
			rn_put(d, "]");
		}
	}
	rn_sep(d);
	if (d->failed)
		rn_put_ptr(d, d->args[1]);
	else
		put_nodemask(d, d->args[1], d->args[2]);
	rn_sep(d);
	rn_put_u(d, d->args[2]);
	rn_sep(d);
	rn_put_ptr(d, d->args[3]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_get_mempolicy_flags, d->args[4], "MPOL_???");
	return 0;
}

RN_SYS_FUNC(mbind)
{
	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	rn_sep(d);
	put_mpol_mode(d, d->args[2]);
	rn_sep(d);
	put_nodemask(d, d->args[3], d->args[4]);
	rn_sep(d);
	rn_put_u(d, d->args[4]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_mem_mbind_flags, d->args[5], "MPOL_???");
	return RN_DEC_DONE;
}
