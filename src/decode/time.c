// SPDX-License-Identifier: MIT
/* time family decoders: sleeps, clocks, interval and POSIX timers, and the
 * timespec/timeval printers other families share. */
#include "decode/decode.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xlat_tables.h"

/* The kernel's restart codes: a call that returns one was interrupted, and
 * only then does it write its "remaining time" output. */
static bool is_erestart(const struct rn_dctx *d)
{
	if (!d->failed)
		return false;
	switch (-d->ret) {
	case 512: /* ERESTARTSYS */
	case 513: /* ERESTARTNOINTR */
	case 514: /* ERESTARTNOHAND */
	case 516: /* ERESTART_RESTARTBLOCK */
		return true;
	default:
		return false;
	}
}

static void put_clockid(struct rn_dctx *d, uint64_t clk)
{
	rn_put_xval(d, &rn_xlat_time_clocks, (uint32_t)clk, "CLOCK_???");
}

/* struct timespec / timeval are two longs on x86_64; the second prints as
 * an unsigned number, as strace shows it. */
static void put_ts_val(struct rn_dctx *d, const int64_t t[2], const char *sub)
{
	rn_putf(d, "{tv_sec=%lld, %s=%llu}", (long long)t[0], sub, (unsigned long long)t[1]);
}

/* A timespec at addr regardless of the call's failure (an interrupted
 * sleep fills its remaining time while returning an error). */
static void put_ts_any(struct rn_dctx *d, uint64_t addr)
{
	int64_t t[2];
	if (!rn_fetch_or_addr(d, addr, t, sizeof(t)))
		return;
	put_ts_val(d, t, "tv_nsec");
}

void rn_put_timespec_at(struct rn_dctx *d, uint64_t addr)
{
	/* Output of a failed call: the kernel did not write it. */
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	put_ts_any(d, addr);
}

void rn_put_timeval_at(struct rn_dctx *d, uint64_t addr)
{
	int64_t t[2];
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, t, sizeof(t)))
		return;
	put_ts_val(d, t, "tv_usec");
}

/* struct itimerval / itimerspec: an interval and a value, sub names the
 * second field of each ("tv_usec" or "tv_nsec"). */
static void put_itimer_at(struct rn_dctx *d, uint64_t addr, const char *sub)
{
	int64_t t[4];
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, t, sizeof(t)))
		return;
	rn_put(d, "{it_interval=");
	put_ts_val(d, t, sub);
	rn_put(d, ", it_value=");
	put_ts_val(d, t + 2, sub);
	rn_put(d, "}");
}

/* An int output argument: [42]; the address when the call failed. */
static void put_int_out(struct rn_dctx *d, uint64_t addr)
{
	int v;
	if (d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, &v, sizeof(v)))
		return;
	rn_putf(d, "[%d]", v);
}

/* Local calendar time of sec, "2024-01-31T12:00:00+0000"; false when strace
 * would print none (zero, or no representation). */
static bool fmt_time(int64_t sec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (sec == 0 || !localtime_r(&t, &tm))
		return false;
	return strftime(buf, len, "%FT%T%z", &tm) != 0;
}

RN_SYS_FUNC(nanosleep)
{
	if (!d->exiting) {
		rn_put_timespec_at(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	/* rem is written only when a signal cut the sleep short. */
	if (is_erestart(d))
		put_ts_any(d, d->args[1]);
	else
		rn_put_ptr(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(clock_nanosleep)
{
	if (!d->exiting) {
		put_clockid(d, d->args[0]);
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_time_timer_flags, (uint32_t)d->args[1], "TIMER_???");
		rn_sep(d);
		rn_put_timespec_at(d, d->args[2]);
		rn_sep(d);
		return 0;
	}
	/* An absolute sleep leaves remain alone even when interrupted. */
	if (!d->args[1] && is_erestart(d))
		put_ts_any(d, d->args[3]);
	else
		rn_put_ptr(d, d->args[3]);
	return 0;
}

/* clock_gettime, clock_getres: the clock at entry, the time at exit. */
static int clock_get(struct rn_dctx *d)
{
	if (!d->exiting) {
		put_clockid(d, d->args[0]);
		rn_sep(d);
		return 0;
	}
	rn_put_timespec_at(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(clock_gettime)
{
	return clock_get(d);
}

RN_SYS_FUNC(clock_getres)
{
	return clock_get(d);
}

RN_SYS_FUNC(clock_settime)
{
	put_clockid(d, d->args[0]);
	rn_sep(d);
	rn_put_timespec_at(d, d->args[1]);
	return RN_DEC_DONE;
}

static void put_timezone_at(struct rn_dctx *d, uint64_t addr)
{
	int tz[2];
	if (d->exiting && d->failed) {
		rn_put_ptr(d, addr);
		return;
	}
	if (!rn_fetch_or_addr(d, addr, tz, sizeof(tz)))
		return;
	rn_putf(d, "{tz_minuteswest=%d, tz_dsttime=%d}", tz[0], tz[1]);
}

RN_SYS_FUNC(gettimeofday)
{
	if (!d->exiting)
		return 0;
	rn_put_timeval_at(d, d->args[0]);
	rn_sep(d);
	put_timezone_at(d, d->args[1]);
	return 0;
}

RN_SYS_FUNC(settimeofday)
{
	rn_put_timeval_at(d, d->args[0]);
	rn_sep(d);
	put_timezone_at(d, d->args[1]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(time)
{
	char buf[64];
	if (!d->exiting)
		return 0;
	int64_t t;
	if (d->failed) {
		rn_put_ptr(d, d->args[0]);
	} else if (rn_fetch_or_addr(d, d->args[0], &t, sizeof(t))) {
		rn_putf(d, "[%lld", (long long)t);
		if (fmt_time(t, buf, sizeof(buf)))
			rn_putf(d, " /* %s */", buf);
		rn_put(d, "]");
	}
	if (!d->failed && fmt_time(d->ret, buf, sizeof(buf)))
		rn_buf_printf(d->rx, " (%s)", buf);
	return 0;
}

/* clock_t ticks with their value in seconds: 24 / * 0.24 s * /. */
static void put_clock_t(struct rn_dctx *d, uint64_t v)
{
	static long hz;
	if (!hz) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz == 0)
			hz = -1;
	}
	rn_put_u(d, v);
	if (hz > 0 && v > 0) {
		int width = 0;
		for (long f = hz; f >= 10 && width < 9; f /= 10)
			width++;
		rn_putf(d, " /* %llu.%0*llu s */", (unsigned long long)(v / (uint64_t)hz), width,
			(unsigned long long)(v % (uint64_t)hz));
	}
}

RN_SYS_FUNC(times)
{
	uint64_t t[4];
	if (!d->exiting)
		return 0;
	if (d->failed) {
		rn_put_ptr(d, d->args[0]);
		return 0;
	}
	if (!rn_fetch_or_addr(d, d->args[0], t, sizeof(t)))
		return 0;
	static const char *const names[] = {"tms_utime", "tms_stime", "tms_cutime", "tms_cstime"};
	rn_put(d, "{");
	for (int i = 0; i < 4; i++) {
		rn_putf(d, "%s%s=", i ? ", " : "", names[i]);
		put_clock_t(d, t[i]);
	}
	rn_put(d, "}");
	return 0;
}

RN_SYS_FUNC(alarm)
{
	rn_put_u(d, (uint32_t)d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(getitimer)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_time_itimers, (uint32_t)d->args[0], "ITIMER_???");
		rn_sep(d);
		return 0;
	}
	put_itimer_at(d, d->args[1], "tv_usec");
	return 0;
}

RN_SYS_FUNC(setitimer)
{
	if (!d->exiting) {
		rn_put_xval(d, &rn_xlat_time_itimers, (uint32_t)d->args[0], "ITIMER_???");
		rn_sep(d);
		put_itimer_at(d, d->args[1], "tv_usec");
		rn_sep(d);
		return 0;
	}
	put_itimer_at(d, d->args[2], "tv_usec");
	return 0;
}

/* struct sigevent (x86_64): an 8-byte sigval, signo, notify, then a union
 * whose first int is the thread id and whose first two words are the
 * SIGEV_THREAD function and attributes. */
struct k_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	union {
		int32_t tid;
		struct {
			uint64_t function;
			uint64_t attribute;
		} thread;
		char pad[48];
	} un;
};

static void put_sigevent_at(struct rn_dctx *d, uint64_t addr)
{
	struct k_sigevent sev;
	if (!rn_fetch_or_addr(d, addr, &sev, sizeof(sev)))
		return;
	rn_put(d, "{");
	if (sev.value) {
		rn_putf(d, "sigev_value={sival_int=%d, sival_ptr=", (int32_t)sev.value);
		rn_put_ptr(d, sev.value);
		rn_put(d, "}, ");
	}
	rn_put(d, "sigev_signo=");
	switch (sev.notify) {
	case 0: /* SIGEV_SIGNAL */
	case 2: /* SIGEV_THREAD */
	case 4: /* SIGEV_THREAD_ID */
		rn_put_signo(d, (uint64_t)(int64_t)sev.signo);
		break;
	default:
		rn_put_u(d, (uint32_t)sev.signo);
		break;
	}
	rn_put(d, ", sigev_notify=");
	rn_put_xval(d, &rn_xlat_time_sigev_notify, (uint32_t)sev.notify, "SIGEV_???");
	if (sev.notify == 4) {
		rn_putf(d, ", sigev_notify_thread_id=%d", sev.un.tid);
	} else if (sev.notify == 2) {
		rn_put(d, ", sigev_notify_function=");
		rn_put_ptr(d, sev.un.thread.function);
		rn_put(d, ", sigev_notify_attributes=");
		rn_put_ptr(d, sev.un.thread.attribute);
	}
	rn_put(d, "}");
}

RN_SYS_FUNC(timer_create)
{
	if (!d->exiting) {
		put_clockid(d, d->args[0]);
		rn_sep(d);
		put_sigevent_at(d, d->args[1]);
		rn_sep(d);
		return 0;
	}
	put_int_out(d, d->args[2]);
	return 0;
}

RN_SYS_FUNC(timer_settime)
{
	if (!d->exiting) {
		rn_put_d(d, (int)d->args[0]);
		rn_sep(d);
		rn_put_flags(d, &rn_xlat_time_timer_flags, (uint32_t)d->args[1], "TIMER_???");
		rn_sep(d);
		put_itimer_at(d, d->args[2], "tv_nsec");
		rn_sep(d);
		return 0;
	}
	put_itimer_at(d, d->args[3], "tv_nsec");
	return 0;
}

RN_SYS_FUNC(timer_gettime)
{
	if (!d->exiting) {
		rn_put_d(d, (int)d->args[0]);
		rn_sep(d);
		return 0;
	}
	put_itimer_at(d, d->args[1], "tv_nsec");
	return 0;
}

RN_SYS_FUNC(timer_getoverrun)
{
	rn_put_d(d, (int)d->args[0]);
	return RN_DEC_DONE;
}

RN_SYS_FUNC(timer_delete)
{
	rn_put_d(d, (int)d->args[0]);
	return RN_DEC_DONE;
}
