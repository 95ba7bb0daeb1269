// SPDX-License-Identifier: MIT
/* misc family decoders: futex, getrandom, uname, sysinfo, getcpu and
 * personality. */
#include "decode/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlat_tables.h"

/* --- futex --- */

enum {
	FX_WAIT = 0,
	FX_WAKE = 1,
	FX_FD = 2,
	FX_REQUEUE = 3,
	FX_CMP_REQUEUE = 4,
	FX_WAKE_OP = 5,
	FX_LOCK_PI = 6,
	FX_UNLOCK_PI = 7,
	FX_TRYLOCK_PI = 8,
	FX_WAIT_BITSET = 9,
	FX_WAKE_BITSET = 10,
	FX_WAIT_REQUEUE_PI = 11,
	FX_CMP_REQUEUE_PI = 12,
	FX_LOCK_PI2 = 13,
	FX_PRIVATE = 128,
	FX_CLOCK_REALTIME = 256,
};

/* The operation: strace names every command with and without
 * FUTEX_PRIVATE_FLAG, but FUTEX_CLOCK_REALTIME only on the waits that take
 * it; anything else is a number. */
static void put_futex_op(struct rn_dctx *d, uint32_t op)
{
	uint32_t cmd = op & 127;
	const char *name = rn_xlat_lookup(&rn_xlat_misc_futex_cmds, cmd);
	bool rt = op & FX_CLOCK_REALTIME;
	bool ok = name && !(op & ~(127u | FX_PRIVATE | FX_CLOCK_REALTIME));
	if (ok && rt)
		ok = cmd == FX_WAIT || cmd == FX_WAIT_BITSET || cmd == FX_WAIT_REQUEUE_PI;
	if (!ok) {
		rn_putf(d, "%#x /* FUTEX_??? */", op);
		return;
	}
	rn_put(d, name);
	if (op & FX_PRIVATE)
		rn_put(d, cmd == FX_FD ? "|FUTEX_PRIVATE_FLAG" : "_PRIVATE");
	if (rt)
		rn_put(d, "|FUTEX_CLOCK_REALTIME");
}

/* FUTEX_WAKE_OP's val3 packs an operation, its argument, a comparison and
 * its argument: FUTEX_OP_ADD<<28|0x1<<12|FUTEX_OP_CMP_GT<<24|0. */
static void put_futex_wake_op(struct rn_dctx *d, uint32_t v)
{
	const char *n;
	if ((v >> 28) & 8)
		rn_put(d, "FUTEX_OP_OPARG_SHIFT<<28|");
	n = rn_xlat_lookup(&rn_xlat_misc_futex_wakeops, (v >> 28) & 7);
	if (n)
		rn_putf(d, "%s<<28", n);
	else
		rn_putf(d, "%#x<<28 /* FUTEX_OP_??? */", (v >> 28) & 7);
	rn_put(d, "|");
	rn_put_x(d, (v >> 12) & 0xfff);
	rn_put(d, "<<12|");
	n = rn_xlat_lookup(&rn_xlat_misc_futex_wakecmps, (v >> 24) & 0xf);
	if (n)
		rn_putf(d, "%s<<24", n);
	else
		rn_putf(d, "%#x<<24 /* FUTEX_OP_CMP_??? */", (v >> 24) & 0xf);
	rn_put(d, "|");
	rn_put_x(d, v & 0xfff);
}

RN_SYS_FUNC(futex)
{
	uint32_t op = (uint32_t)d->args[1];
	uint32_t val = (uint32_t)d->args[2], val2 = (uint32_t)d->args[3];
	uint32_t val3 = (uint32_t)d->args[5];
	uint64_t timeout = d->args[3], uaddr2 = d->args[4];

	rn_put_ptr(d, d->args[0]);
	rn_sep(d);
	put_futex_op(d, op);
	/* Which of the other arguments the command uses. */
	switch (op & 127) {
	case FX_WAIT:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_timespec_at(d, timeout);
		break;
	case FX_LOCK_PI:
	case FX_LOCK_PI2:
		rn_sep(d);
		rn_put_timespec_at(d, timeout);
		break;
	case FX_WAIT_BITSET:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_timespec_at(d, timeout);
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_misc_futex_bitset, val3, NULL);
		break;
	case FX_WAKE_BITSET:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_xval(d, &rn_xlat_misc_futex_bitset, val3, NULL);
		break;
	case FX_REQUEUE:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_u(d, val2);
		rn_sep(d);
		rn_put_ptr(d, uaddr2);
		break;
	case FX_CMP_REQUEUE:
	case FX_CMP_REQUEUE_PI:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_u(d, val2);
		rn_sep(d);
		rn_put_ptr(d, uaddr2);
		rn_sep(d);
		rn_put_u(d, val3);
		break;
	case FX_WAKE_OP:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_u(d, val2);
		rn_sep(d);
		rn_put_ptr(d, uaddr2);
		rn_sep(d);
		put_futex_wake_op(d, val3);
		break;
	case FX_WAIT_REQUEUE_PI:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_timespec_at(d, timeout);
		rn_sep(d);
		rn_put_ptr(d, uaddr2);
		break;
	case FX_FD:
	case FX_WAKE:
		rn_sep(d);
		rn_put_u(d, val);
		break;
	case FX_UNLOCK_PI:
	case FX_TRYLOCK_PI:
		break;
	default:
		rn_sep(d);
		rn_put_u(d, val);
		rn_sep(d);
		rn_put_ptr(d, timeout);
		rn_sep(d);
		rn_put_ptr(d, uaddr2);
		rn_sep(d);
		rn_put_x(d, val3);
		break;
	}
	return RN_DEC_DONE;
}

/* --- getrandom --- */

/* Random bytes are not text: every byte prints as \xNN, cut at -s. */
static void put_hex_str(struct rn_dctx *d, uint64_t addr, uint64_t len)
{
	unsigned lim = d->o->string_limit;
	size_t want = len > lim ? lim : (size_t)len;
	unsigned char *buf = malloc(want ? want : 1);
	if (!buf || rn_mem_read(d->pid, addr, buf, want) < 0) {
		rn_put_ptr(d, addr);
		free(buf);
		return;
	}
	rn_put_hex(d, buf, want, len > want);
	free(buf);
}

RN_SYS_FUNC(getrandom)
{
	if (!d->exiting)
		return 0;
	if (d->failed || !d->args[0])
		rn_put_ptr(d, d->args[0]);
	else
		put_hex_str(d, d->args[0], (uint64_t)d->ret);
	rn_sep(d);
	rn_put_u(d, d->args[1]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_misc_grnd, (uint32_t)d->args[2], "GRND_???");
	return 0;
}

/* --- uname, sysinfo, getcpu --- */

/* A fixed-size char array field: up to its NUL, "..." when it has none. */
static void put_cfield(struct rn_dctx *d, const char *name, const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	rn_putf(d, "%s=", name);
	rn_put_quoted(d, (const unsigned char *)s, n, n == size);
}

RN_SYS_FUNC(uname)
{
	char u[6][65];
	if (!d->exiting)
		return 0;
	if (d->failed) {
		rn_put_ptr(d, d->args[0]);
		return 0;
	}
	if (!rn_fetch_or_addr(d, d->args[0], u, sizeof(u)))
		return 0;
	/* strace abbreviates to the first two fields unless -v. */
	rn_put(d, "{");
	put_cfield(d, "sysname", u[0], sizeof(u[0]));
	rn_put(d, ", ");
	put_cfield(d, "nodename", u[1], sizeof(u[1]));
	rn_put(d, ", ...}");
	return 0;
}

RN_SYS_FUNC(sysinfo)
{
	/* struct sysinfo on x86_64. */
	struct {
		int64_t uptime;
		uint64_t loads[3];
		uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char f[4];
	} si;
	if (!d->exiting)
		return 0;
	if (d->failed) {
		rn_put_ptr(d, d->args[0]);
		return 0;
	}
	if (!rn_fetch_or_addr(d, d->args[0], &si, sizeof(si)))
		return 0;
	rn_putf(d,
		"{uptime=%llu, loads=[%llu, %llu, %llu], totalram=%llu, freeram=%llu, "
		"sharedram=%llu, bufferram=%llu, totalswap=%llu, freeswap=%llu, procs=%u, "
		"totalhigh=%llu, freehigh=%llu, mem_unit=%u}",
		(unsigned long long)si.uptime, (unsigned long long)si.loads[0],
		(unsigned long long)si.loads[1], (unsigned long long)si.loads[2],
		(unsigned long long)si.totalram, (unsigned long long)si.freeram,
		(unsigned long long)si.sharedram, (unsigned long long)si.bufferram,
		(unsigned long long)si.totalswap, (unsigned long long)si.freeswap,
		(unsigned)si.procs, (unsigned long long)si.totalhigh,
		(unsigned long long)si.freehigh, si.mem_unit);
	return 0;
}

/* An unsigned int output argument: [3]; the address when the call failed. */
static void put_uint_out(struct rn_dctx *d, uint64_t addr)
{
	uint32_t v;
	if (d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		return;
	rn_putf(d, "[%u]", v);
}

RN_SYS_FUNC(getcpu)
{
	if (!d->exiting)
		return 0;
	put_uint_out(d, d->args[0]);
	rn_sep(d);
	put_uint_out(d, d->args[1]);
	rn_sep(d);
	rn_put_ptr(d, d->args[2]);
	return 0;
}

/* --- personality --- */

#define PER_MASK_ 0xffu

/* The execution domain, then the flag bits: PER_LINUX|ADDR_NO_RANDOMIZE. */
static void put_persona(struct rn_dctx *d, uint32_t pers)
{
	rn_put_xval(d, &rn_xlat_misc_per_types, pers & PER_MASK_, "PER_???");
	pers &= ~PER_MASK_;
	if (pers) {
		rn_put(d, "|");
		rn_put_flags(d, &rn_xlat_misc_per_flags, pers, NULL);
	}
}

RN_SYS_FUNC(personality)
{
	if (!d->exiting) {
		uint32_t pers = (uint32_t)d->args[0];
		/* 0xffffffff only queries; strace shows it as a number. */
		if (pers == 0xffffffffu)
			rn_put(d, "0xffffffff");
		else
			put_persona(d, pers);
		return 0;
	}
	if (d->failed)
		return 0;
	/* The previous persona, decoded after the hex result. */
	d->rval = RN_RVAL_HEX;
	struct rn_buf *save = rn_rx_begin(d);
	rn_put(d, " (");
	put_persona(d, (uint32_t)d->ret);
	rn_put(d, ")");
	rn_rx_end(d, save);
	return 0;
}
