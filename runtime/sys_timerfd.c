/* timerfd_create, timerfd_settime, timerfd_gettime: timers as files
 * (Linux's fs/timerfd.c).
 *
 * Nothing runs when a timer expires: its state is brought up to date
 * whenever it is looked at (tfd_fire), from the host's clocks. That state
 * follows Linux's hrtimer exactly: on expiry the count goes up by one and
 * the timer stops; a periodic timer is moved on past `now` (adding the
 * periods that went by) only by read, timerfd_gettime and timerfd_settime,
 * so an unread periodic timer wakes an edge-triggered epoll once, as in
 * Linux.
 *
 * Blocking read: the read returns -EAGAIN and sys_fs.c blocks the thread
 * on POLLIN (RT_WAIT_FD), which the scheduler retries when fd_poll_ready
 * says the timer has expired. So that the host does not sleep past that
 * moment, the read also sets the thread's wait_deadline to the expiry
 * (rt_wait_info reports it), clears it when it completes, and settime /
 * read / gettime move the deadline of every thread blocked reading the
 * same timer (tfd_retarget). epoll finds the expiry through
 * fd_ops.deadline.
 *
 * Not done:
 *  - ppoll/pselect6 on a timerfd do not lower the thread's wait_deadline
 *    to the expiry (sys_poll.c keeps its timeout there): with no other
 *    runnable thread and no timeout, the host sleeps past the expiry.
 *  - TFD_TIMER_CANCEL_ON_SET is accepted; the guest cannot set the clock,
 *    so read never says ECANCELED. TFD_IOC_SET_TICKS (ioctl) is ENOTTY.
 *  - CLOCK_BOOTTIME is CLOCK_MONOTONIC (no suspend); the _ALARM clocks
 *    are their plain clocks, for root only (CAP_WAKE_ALARM).
 *  - A CLOCK_REALTIME timer follows the host's realtime clock when it is
 *    looked at; a step of the host clock is not a cancel.
 *  - /proc/self/fdinfo ("clockid:", "ticks:", ...); lseek (Linux: 0,
 *    here ESPIPE from sys_lseek). */
#include <stdlib.h>
#include <string.h>
#include "syscall.h"
#include "linux_abi.h"
#include "fd.h"

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_CREATE_FLAGS (LX_O_CLOEXEC | LX_O_NONBLOCK)
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

enum {
	CLK_REALTIME = 0, CLK_MONOTONIC = 1, CLK_BOOTTIME = 7,
	CLK_REALTIME_ALARM = 8, CLK_BOOTTIME_ALARM = 9,
};

#define NS 1000000000ULL
#define KTIME_MAX ((uint64_t)INT64_MAX)

typedef struct tfd {
	rt *r;
	fd_file *file;       /* its own description (not referenced) */
	int realtime;        /* times are on CLOCK_REALTIME, else MONOTONIC */
	int armed;           /* the timer runs and expires at `next` */
	int expired;         /* it expired and was not moved on yet */
	uint64_t next;       /* expiry, ns on its clock; 0 once disarmed */
	uint64_t interval;   /* ns; 0 = one-shot */
	uint64_t ticks;      /* expirations not read yet */
	uint64_t fires;      /* expirations so far: fd_ops.changes */
} tfd;

static const struct fd_ops tfd_ops;

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t clock_ns(const tfd *tf)
{
	return tf->realtime ? tf->r->host.realtime_ns() : tf->r->host.monotonic_ns();
}

/* Bring the timer up to `now`: an expiry counts once and stops it. */
static void tfd_fire(tfd *tf, uint64_t now)
{
	if (tf->armed && now >= tf->next) {
		tf->ticks++;
		tf->fires++;
		tf->armed = 0;
		tf->expired = 1;
	}
}

/* hrtimer_forward_now on an expired periodic timer: move the expiry past
 * now and restart it. Returns how many periods that was (at least one,
 * even if the host's realtime clock went back since the expiry). */
static uint64_t tfd_forward(tfd *tf, uint64_t now)
{
	uint64_t orun = now < tf->next ? 1 : (now - tf->next) / tf->interval + 1;
	uint64_t step = orun > UINT64_MAX / tf->interval ? UINT64_MAX : orun * tf->interval;
	tf->next = sat_add(tf->next, step);
	tf->armed = 1;
	return orun;
}

/* Monotonic ns at which the timer will expire, 0 if it will not. */
static uint64_t tfd_mono_deadline(const tfd *tf)
{
	if (!tf->armed)
		return 0;
	uint64_t now = clock_ns(tf), mono = tf->r->host.monotonic_ns();
	if (tf->next <= now)
		return mono ? mono : 1;
	return sat_add(mono, tf->next - now);
}

/* Threads blocked reading this timer wake at its new expiry. */
static void tfd_retarget(tfd *tf)
{
	rt *r = tf->r;
	uint64_t d = tfd_mono_deadline(tf);
	for (size_t i = 0; i < r->nthreads; i++) {
		rt_thread *t = r->threads[i];
		if (!t->exited && t->wait == RT_WAIT_FD &&
		    fd_get(t->proc, t->wait_fd) == tf->file)
			t->wait_deadline = d;
	}
}

static long tfd_read(rt_thread *t, fd_file *f, void *buf, size_t n)
{
	tfd *tf = f->priv;
	uint64_t now = clock_ns(tf);
	if (n < sizeof tf->ticks)
		return -LX_EINVAL;
	tfd_fire(tf, now);
	if (!tf->ticks) {
		if (t && !(f->flags & LX_O_NONBLOCK))
			t->wait_deadline = tfd_mono_deadline(tf);
		return -LX_EAGAIN;
	}
	uint64_t v = tf->ticks;
	if (tf->expired && tf->interval)
		v += tfd_forward(tf, now) - 1;
	tf->expired = 0;
	tf->ticks = 0;
	memcpy(buf, &v, sizeof v);
	if (t)
		t->wait_deadline = 0;
	tfd_retarget(tf);
	return sizeof v;
}

static int tfd_poll(rt_proc *p, fd_file *f, int events)
{
	tfd *tf = f->priv;
	(void)p;
	(void)events;
	tfd_fire(tf, clock_ns(tf));
	return tf->ticks ? LX_POLLIN : 0;
}

static uint64_t tfd_changes(rt_proc *p, fd_file *f, int events)
{
	tfd *tf = f->priv;
	(void)p;
	(void)events;
	tfd_fire(tf, clock_ns(tf));
	return tf->fires;
}

static uint64_t tfd_deadline(rt_proc *p, fd_file *f)
{
	tfd *tf = f->priv;
	(void)p;
	tfd_fire(tf, clock_ns(tf));
	return tfd_mono_deadline(tf);
}

static void tfd_release(fd_file *f)
{
	free(f->priv);
}

static const struct fd_ops tfd_ops = {
	.name = "anon_inode:[timerfd]",
	.read = tfd_read,
	.poll = tfd_poll,
	.release = tfd_release,
	.changes = tfd_changes,
	.deadline = tfd_deadline,
};

int64_t sys_timerfd_create(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int clock = (int)a[0];
	uint32_t flags = (uint32_t)a[1];
	if ((flags & ~(uint32_t)TFD_CREATE_FLAGS) ||
	    (clock != CLK_MONOTONIC && clock != CLK_REALTIME && clock != CLK_BOOTTIME &&
	     clock != CLK_REALTIME_ALARM && clock != CLK_BOOTTIME_ALARM))
		return -LX_EINVAL;
	if ((clock == CLK_REALTIME_ALARM || clock == CLK_BOOTTIME_ALARM) && p->euid != 0)
		return -LX_EPERM;
	tfd *tf = calloc(1, sizeof *tf);
	if (!tf)
		return -LX_ENOMEM;
	tf->r = p->rt;
	tf->realtime = clock == CLK_REALTIME || clock == CLK_REALTIME_ALARM;
	fd_file *f = fd_anon_new(p, &tfd_ops, tf, LX_O_RDWR | (flags & LX_O_NONBLOCK));
	if (!f) {
		free(tf);
		return -LX_ENOMEM;
	}
	tf->file = f;
	int fd = fd_install(p, f, 0, flags & LX_O_CLOEXEC);
	fd_file_unref(f);
	return fd;
}

/* The timer behind fd: -EBADF, or -EINVAL if it is not a timerfd. */
static int tfd_get(rt_thread *t, int fd, tfd **out)
{
	fd_file *f = fd_get(t->proc, fd);
	if (!f || f->kind == FD_PATH)
		return -LX_EBADF;
	if (f->kind != FD_EXT || f->ops != &tfd_ops)
		return -LX_EINVAL;
	*out = f->priv;
	return 0;
}

/* A guest timespec as ns (clamped to KTIME_MAX as Linux does); -EINVAL
 * if it is not a valid timespec. */
static int ts_ns(const struct lx_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NS)
		return -LX_EINVAL;
	if ((uint64_t)ts->tv_sec >= KTIME_MAX / NS)
		*ns = KTIME_MAX;
	else
		*ns = (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
	return 0;
}

/* Write {it_interval, it_value} as Linux's current value of the timer. */
static int put_itimerspec(rt_thread *t, uint64_t g, const tfd *tf, uint64_t now)
{
	uint64_t left = tf->next > now ? tf->next - now : 0;
	struct lx_timespec its[2] = {
		{ (int64_t)(tf->interval / NS), (int64_t)(tf->interval % NS) },
		{ (int64_t)(left / NS), (int64_t)(left % NS) },
	};
	return mem_write(t->proc->mem, g, its, sizeof its) < 0 ? -LX_EFAULT : 0;
}

int64_t sys_timerfd_settime(rt_thread *t, const uint64_t a[6])
{
	uint32_t flags = (uint32_t)a[1];
	struct lx_timespec its[2]; /* it_interval, it_value */
	uint64_t interval, value;
	tfd *tf;
	int r;
	if (mem_read(t->proc->mem, a[2], its, sizeof its) < 0)
		return -LX_EFAULT;
	if ((flags & ~(uint32_t)TFD_SETTIME_FLAGS) || ts_ns(&its[0], &interval) < 0 ||
	    ts_ns(&its[1], &value) < 0)
		return -LX_EINVAL;
	if ((r = tfd_get(t, (int)a[0], &tf)) < 0)
		return r;
	uint64_t now = clock_ns(tf);
	tfd_fire(tf, now);
	if (tf->expired && tf->interval)
		tfd_forward(tf, now);
	struct tfd old = *tf;
	tf->ticks = 0;
	tf->expired = 0;
	tf->interval = interval;
	tf->armed = value != 0;
	tf->next = !value ? 0 : (flags & TFD_TIMER_ABSTIME) ? value : sat_add(now, value);
	tfd_retarget(tf);
	if (a[3])
		return put_itimerspec(t, a[3], &old, now);
	return 0;
}

int64_t sys_timerfd_gettime(rt_thread *t, const uint64_t a[6])
{
	tfd *tf;
	int r;
	if ((r = tfd_get(t, (int)a[0], &tf)) < 0)
		return r;
	uint64_t now = clock_ns(tf);
	tfd_fire(tf, now);
	if (tf->expired && tf->interval) {
		tf->expired = 0;
		tf->ticks += tfd_forward(tf, now) - 1;
		tfd_retarget(tf);
	}
	return put_itimerspec(t, a[1], tf, now);
}
