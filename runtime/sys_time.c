/* Clocks and sleeping. Sleeps block the thread, never the host: the
 * deadline is kept in the thread and the scheduler completes the call. */
#include <string.h>

#include "linux_abi.h"
#include "rt.h"
#include "syscall.h"

enum {
	CLK_REALTIME = 0, CLK_MONOTONIC = 1, CLK_PROCESS_CPUTIME = 2,
	CLK_THREAD_CPUTIME = 3, CLK_MONOTONIC_RAW = 4, CLK_REALTIME_COARSE = 5,
	CLK_MONOTONIC_COARSE = 6, CLK_BOOTTIME = 7, CLK_REALTIME_ALARM = 8,
	CLK_BOOTTIME_ALARM = 9, CLK_TAI = 11,
};
#define TIMER_ABSTIME_F 1
#define NS 1000000000ULL

/* Current value of a clock in ns; -LX_EINVAL for an unknown clock. */
static int64_t clock_now(rt_thread *t, long clk)
{
	rt *r = t->proc->rt;
	switch (clk) {
	case CLK_REALTIME: case CLK_REALTIME_COARSE: case CLK_REALTIME_ALARM:
	case CLK_TAI:
		return (int64_t)r->host.realtime_ns();
	case CLK_MONOTONIC: case CLK_MONOTONIC_RAW: case CLK_MONOTONIC_COARSE:
	case CLK_BOOTTIME: case CLK_BOOTTIME_ALARM:
		return (int64_t)r->host.monotonic_ns();
	case CLK_PROCESS_CPUTIME: case CLK_THREAD_CPUTIME:
		/* The guest has the CPU whenever it runs: wall time since it
		 * started is its CPU time, to the host's accuracy. */
		return (int64_t)(r->host.monotonic_ns() - t->proc->start_ns);
	default:
		return -LX_EINVAL;
	}
}

static int put_timespec(rv_mem *m, uint64_t g, int64_t ns)
{
	int64_t ts[2] = { ns / (int64_t)NS, ns % (int64_t)NS };
	return mem_write(m, g, ts, sizeof ts);
}

static int get_timespec(rv_mem *m, uint64_t g, int64_t *ns)
{
	int64_t ts[2];
	if (mem_read(m, g, ts, sizeof ts))
		return -LX_EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS)
		return -LX_EINVAL;
	*ns = ts[0] > INT64_MAX / (int64_t)NS - 1 ? INT64_MAX
						  : ts[0] * (int64_t)NS + ts[1];
	return 0;
}

int64_t sys_clock_gettime(rt_thread *t, const uint64_t a[6])
{
	int64_t now = clock_now(t, (long)a[0]);
	if (now < 0)
		return now;
	return put_timespec(t->proc->mem, a[1], now) ? -LX_EFAULT : 0;
}

int64_t sys_clock_getres(rt_thread *t, const uint64_t a[6])
{
	long clk = (long)a[0];
	if (clock_now(t, clk) < 0)
		return -LX_EINVAL;
	int64_t res = (clk == CLK_REALTIME_COARSE || clk == CLK_MONOTONIC_COARSE)
			      ? 4000000 : 1;
	if (a[1] && put_timespec(t->proc->mem, a[1], res))
		return -LX_EFAULT;
	return 0;
}

int64_t sys_gettimeofday(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	if (a[0]) {
		uint64_t ns = r->host.realtime_ns();
		int64_t tv[2] = { (int64_t)(ns / NS), (int64_t)(ns % NS / 1000) };
		if (mem_write(t->proc->mem, a[0], tv, sizeof tv))
			return -LX_EFAULT;
	}
	if (a[1]) {
		int32_t tz[2] = { 0, 0 };
		if (mem_write(t->proc->mem, a[1], tz, sizeof tz))
			return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_times(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	uint64_t now = r->host.monotonic_ns();
	if (a[0]) {
		int64_t tms[4] = { (int64_t)((now - t->proc->start_ns) / (NS / 100)),
				   0, 0, 0 };
		if (mem_write(t->proc->mem, a[0], tms, sizeof tms))
			return -LX_EFAULT;
	}
	return (long)((now - r->boot_monotonic_ns) / (NS / 100));
}

/* Block until the monotonic deadline; the scheduler completes the call
 * with 0 then, or with -LX_EINTR (storing what is left at t->wait_rem). */
static long sleep_until(rt_thread *t, uint64_t deadline, uint64_t rem)
{
	if (deadline <= t->proc->rt->host.monotonic_ns())
		return 0;
	t->wait = RT_WAIT_TIMER;
	t->wait_deadline = deadline;
	t->wait_rem = rem;
	return -RT_EBLOCK;
}

int64_t sys_nanosleep(rt_thread *t, const uint64_t a[6])
{
	int64_t ns;
	int e = get_timespec(t->proc->mem, a[0], &ns);
	if (e)
		return e;
	uint64_t now = t->proc->rt->host.monotonic_ns();
	return sleep_until(t, now + (uint64_t)ns < now ? UINT64_MAX : now + (uint64_t)ns,
			   a[1]);
}

int64_t sys_clock_nanosleep(rt_thread *t, const uint64_t a[6])
{
	long clk = (long)a[0];
	if (clk == CLK_THREAD_CPUTIME)
		return -LX_EINVAL;
	int64_t cnow = clock_now(t, clk);
	if (cnow < 0)
		return -LX_EINVAL;
	int64_t ns;
	int e = get_timespec(t->proc->mem, a[2], &ns);
	if (e)
		return e;
	uint64_t now = t->proc->rt->host.monotonic_ns();
	if (a[1] & TIMER_ABSTIME_F) {
		/* An absolute time on clk, as a deadline on the monotonic clock. */
		if (ns <= cnow)
			return 0;
		return sleep_until(t, now + (uint64_t)(ns - cnow), 0);
	}
	return sleep_until(t, now + (uint64_t)ns < now ? UINT64_MAX : now + (uint64_t)ns,
			   a[3]);
}
