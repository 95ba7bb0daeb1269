// SPDX-License-Identifier: MIT
/* perf_event_open: struct perf_event_attr as strace shows it by default
 * (abbreviated): type, size, config by the type's event names, the sample
 * period or frequency, sample_type, read_format, the flag bits that are
 * set (precise_ip always, with what it means), then "...". The structure
 * is read at exit: on E2BIG the kernel writes the size it wants back into
 * it ("size=... => PERF_ATTR_SIZE_VER7"). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "decode/decode.h"
#include "xlat_tables.h"

#define ATTR_VER0 64u  /* the first published size: the kernel refuses less */
#define ATTR_MAX  136u /* the largest size this decoder knows (VER8) */

/* The layout (x86_64; the same on every 64-bit architecture). */
struct attr {
	uint32_t type, size;
	uint64_t config;
	uint64_t sample_period; /* or sample_freq, with the freq bit */
	uint64_t sample_type, read_format;
	uint64_t bits;
	unsigned char rest[ATTR_MAX - 48];
};

_Static_assert(sizeof(struct attr) == ATTR_MAX, "perf_event_attr layout");
_Static_assert(offsetof(struct attr, bits) == 40, "perf_event_attr bit fields");

/* The one-bit fields in bit order; precise_ip takes bits 15-16. */
static const char *const bit_names[] = {
    "disabled",	      "inherit",	 "pinned",	     "exclusive",
    "exclude_user",   "exclude_kernel",	 "exclude_hv",	     "exclude_idle",
    "mmap",	      "comm",		 "freq",	     "inherit_stat",
    "enable_on_exec", "task",		 "watermark",	     NULL,
    NULL,	      "mmap_data",	 "sample_id_all",    "exclude_host",
    "exclude_guest",  "exclude_callchain_kernel", "exclude_callchain_user", "mmap2",
    "comm_exec",      "use_clockid",	 "context_switch",   "write_backward",
    "namespaces",     "ksymbol",	 "bpf_event",	     "aux_output",
    "cgroup",	      "text_poke",	 "build_id",	     "inherit_thread",
    "remove_on_exec", "sigtrap",
};

#define BIT_FREQ       10
#define PRECISE_SHIFT  15
#define KNOWN_BITS     38

static void put_config(struct rn_dctx *d, const struct attr *a)
{
	uint64_t c = a->config;
	switch (a->type) {
	case 0: /* PERF_TYPE_HARDWARE */
		rn_put_xval(d, &rn_xlat_perf_hw_ids, c, "PERF_COUNT_HW_???");
		break;
	case 1: /* PERF_TYPE_SOFTWARE */
		rn_put_xval(d, &rn_xlat_perf_sw_ids, c, "PERF_COUNT_SW_???");
		break;
	case 2: /* PERF_TYPE_TRACEPOINT: an event id from tracefs */
		rn_put_u(d, c);
		break;
	case 3: /* PERF_TYPE_HW_CACHE: result << 16 | op << 8 | cache */
		if (c >> 24)
			rn_putf(d, "%#llx<<24|", (unsigned long long)(c >> 24));
		rn_put_xval(d, &rn_xlat_perf_hw_cache_results, (c >> 16) & 0xff,
			    "PERF_COUNT_HW_CACHE_RESULT_???");
		rn_put(d, "<<16|");
		rn_put_xval(d, &rn_xlat_perf_hw_cache_ops, (c >> 8) & 0xff,
			    "PERF_COUNT_HW_CACHE_OP_???");
		rn_put(d, "<<8|");
		rn_put_xval(d, &rn_xlat_perf_hw_cache_ids, c & 0xff, "PERF_COUNT_HW_CACHE_???");
		break;
	default: /* raw, breakpoint, dynamic PMU types */
		rn_put_x(d, c);
		break;
	}
}

static void put_attr(struct rn_dctx *d, const struct attr *a, bool resized, uint32_t new_size)
{
	static const char *const skid[] = {"arbitrary skid", "constant skid",
					   "requested to have 0 skid", "must have 0 skid"};
	rn_put(d, "{type=");
	rn_put_xval(d, &rn_xlat_perf_types, a->type, "PERF_TYPE_???");
	rn_put(d, ", size=");
	rn_put_xval(d, &rn_xlat_perf_attr_sizes, a->size, "PERF_ATTR_SIZE_???");
	if (resized) {
		rn_put(d, " => ");
		rn_put_xval(d, &rn_xlat_perf_attr_sizes, new_size, "PERF_ATTR_SIZE_???");
	}
	rn_put(d, ", config=");
	put_config(d, a);
	rn_putf(d, a->bits & (1ull << BIT_FREQ) ? ", sample_freq=%llu" : ", sample_period=%llu",
		(unsigned long long)a->sample_period);
	rn_put(d, ", sample_type=");
	rn_put_flags(d, &rn_xlat_perf_sample_types, a->sample_type, "PERF_SAMPLE_???");
	rn_put(d, ", read_format=");
	rn_put_flags(d, &rn_xlat_perf_read_formats, a->read_format, "PERF_FORMAT_???");
	for (unsigned b = 0; b < KNOWN_BITS; b++) {
		if (b == PRECISE_SHIFT) {
			unsigned p = (unsigned)(a->bits >> PRECISE_SHIFT) & 3;
			rn_putf(d, ", precise_ip=%u /* %s */", p, skid[p]);
			continue;
		}
		if (bit_names[b] && (a->bits & (1ull << b)))
			rn_putf(d, ", %s=1", bit_names[b]);
	}
	if (a->bits >> KNOWN_BITS)
		rn_putf(d, ", __reserved_1=%#llx /* Bits 63..%u */",
			(unsigned long long)(a->bits >> KNOWN_BITS), KNOWN_BITS);
	rn_put(d, ", ...}");
}

RN_SYS_FUNC(perf_event_open)
{
	uint32_t size;
	if (!d->exiting) {
		/* the size the program asked with: the kernel may rewrite it */
		d->priv[0] = d->args[0] && rn_mem_read(d->pid, d->args[0] + 4, &size,
						       sizeof(size)) == 0
				 ? size
				 : UINT64_MAX;
		return 0;
	}
	uint64_t addr = d->args[0];
	struct attr a;
	memset(&a, 0, sizeof(a));
	uint64_t asked = d->priv[0];
	size_t want = asked == UINT64_MAX ? 0 : asked == 0 ? ATTR_VER0 : asked;
	if (want > ATTR_MAX)
		want = ATTR_MAX;
	if (!addr) {
		rn_put(d, "NULL");
	} else if (want < ATTR_VER0 || rn_mem_read(d->pid, addr, &a, want) < 0) {
		rn_put_ptr(d, addr);
	} else {
		/* on E2BIG the kernel has written the size it supports */
		bool resized = d->failed && d->ret == -E2BIG;
		uint32_t now = 0;
		if (resized && rn_mem_read(d->pid, addr + 4, &now, sizeof(now)) < 0)
			resized = false;
		a.size = (uint32_t)asked;
		put_attr(d, &a, resized, now);
	}
	rn_sep(d);
	rn_put_d(d, (int32_t)d->args[1]);
	rn_sep(d);
	rn_put_d(d, (int32_t)d->args[2]);
	rn_sep(d);
	rn_put_fd(d, d->args[3]);
	rn_sep(d);
	rn_put_flags(d, &rn_xlat_perf_open_flags, d->args[4], "PERF_FLAG_???");
	return 0;
}
