/* epoll: epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 (Linux's
 * fs/eventpoll.c as a guest sees it).
 *
 * An epoll is an FD_EXT file. Its items name open file descriptions by
 * (description, fd number), as Linux keys them, and go when the
 * description's last reference does (fd_file.unwatch), not when the fd is
 * closed. Nothing calls back when a file changes, so readiness is found by
 * looking: each epoll_pwait (and each poll of the epoll file) looks at the
 * items not on the ready list and queues those a Linux wakeup would have
 * queued:
 *  - level-triggered: the item is ready;
 *  - EPOLLET: readiness bits appeared since the last look, or the item is
 *    ready and fd_file_changes() moved (Linux wakes a pipe's readers on
 *    every write, an eventfd's on every write, a timerfd's on expiry...),
 *    so "read until EAGAIN, then wait" works even when data came between
 *    the EAGAIN and the wait.
 * The ready list then behaves as Linux's: a reported item leaves it, a
 * level-triggered one goes back to its tail (maxevents round-robins),
 * EPOLLONESHOT disables the item until EPOLL_CTL_MOD, items that are no
 * longer ready are dropped.
 *
 * Blocking: RT_WAIT_POLL, which the scheduler runs again whenever anything
 * may have changed. wait_deadline is the earlier of the timeout and the
 * next expiry of a watched timer (fd_file_deadline), so the host sleeps no
 * longer than that; the timeout itself is kept in the epoll per waiting
 * thread across the retries. A sigmask (epoll_pwait, epoll_pwait2) stays in
 * force while blocked and is restored when the call returns, as in ppoll.
 *
 * Not done:
 *  - EPOLLEXCLUSIVE wakes every waiter, not one (the API allows spurious
 *    wakeups); EPOLLWAKEUP is accepted and does nothing.
 *  - Edge detection on kinds without fd_ops.changes (the console, files
 *    of kinds to come) sees changes of readiness between two looks only:
 *    data that arrives while the item is still readable is no new edge.
 *  - Items that become ready between two looks are queued in the order
 *    they were added, not in the order of their events.
 *  - Limits: max_user_watches (ENOSPC), and reverse_path_check's limit on
 *    wakeup paths (EINVAL). The nesting checks (ELOOP) are Linux 6.15's.
 *  - access_ok on the events array checks only that it does not wrap.
 *  - /proc/self/fdinfo (tfd: lines); lseek (Linux: 0, here ESPIPE from
 *    sys_lseek).
 *  - ppoll/pselect6 on an epoll holding a timerfd do not wake at the
 *    timer's expiry (see sys_timerfd.c). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "sigmask.h"
#include "syscall.h"
#include "linux_abi.h"
#include "fd.h"

enum { EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3 };

#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS (LX_POLLIN | LX_POLLOUT | LX_POLLERR | LX_POLLHUP | \
				EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4
/* struct epoll_event on riscv64 is not packed: u32 events, 4 bytes of
 * padding, u64 data. */
#define EVENT_SIZE 16
#define EP_MAX_EVENTS (INT_MAX / EVENT_SIZE)

struct epoll;

typedef struct ep_item {
	struct epoll *ep;
	fd_file *file;           /* not referenced: the item goes with it */
	int fd;
	uint32_t events;         /* asked for, with EPOLLERR|EPOLLHUP and flags */
	uint64_t data;
	int queued;              /* on ep's ready list */
	struct ep_item *rnext;   /* next on the ready list */
	struct ep_item *wnext;   /* next item watching the same file */
	uint32_t seen;           /* EPOLLET: readiness and changes at the */
	uint64_t seen_changes;   /* last look */
} ep_item;

typedef struct epoll {
	fd_file *file;           /* its own description (not referenced) */
	ep_item **items;         /* in the order they were added */
	size_t nitems, cap;
	ep_item *rhead, *rtail;  /* the ready list */
	uint64_t wakes;          /* items queued: its own fd_ops.changes */
	struct ep_wait {         /* timeouts of threads blocked in it */
		int tid;
		uint64_t deadline;
	} *waits;
	size_t nwaits, capwaits;
} epoll;

static const struct fd_ops ep_ops;

static int is_epoll(const fd_file *f)
{
	return f->kind == FD_EXT && f->ops == &ep_ops;
}

/* ---- the ready list ---- */

static void rl_append(epoll *ep, ep_item *it)
{
	it->queued = 1;
	it->rnext = NULL;
	if (ep->rtail)
		ep->rtail->rnext = it;
	else
		ep->rhead = it;
	ep->rtail = it;
}

static void rl_remove(epoll *ep, ep_item *it)
{
	ep_item *prev = NULL;
	for (ep_item *x = ep->rhead; x; prev = x, x = x->rnext) {
		if (x != it)
			continue;
		if (prev)
			prev->rnext = x->rnext;
		else
			ep->rhead = x->rnext;
		if (ep->rtail == x)
			ep->rtail = prev;
		break;
	}
	it->queued = 0;
	it->rnext = NULL;
}

/* A wakeup queued the item. */
static void enqueue(epoll *ep, ep_item *it)
{
	rl_append(ep, it);
	ep->wakes++;
}

/* ---- looking at items ---- */

static uint32_t item_want(const ep_item *it)
{
	return it->events & ~EP_PRIVATE_BITS; /* 0: a spent EPOLLONESHOT */
}

static uint32_t item_revents(rt_proc *p, const ep_item *it)
{
	uint32_t want = item_want(it);
	if (!want)
		return 0;
	return (uint32_t)fd_file_poll(p, it->file, (int)want) & want;
}

static uint64_t item_changes(rt_proc *p, const ep_item *it)
{
	return fd_file_changes(p, it->file, (int)item_want(it));
}

/* The last look at an edge-triggered item. */
static void item_saw(rt_proc *p, ep_item *it, uint32_t r)
{
	it->seen = r;
	it->seen_changes = item_changes(p, it);
}

/* Queue what Linux's wakeups would have queued since the last look. */
static void ep_scan(rt_proc *p, epoll *ep)
{
	for (size_t i = 0; i < ep->nitems; i++) {
		ep_item *it = ep->items[i];
		if (it->queued)
			continue;
		uint32_t r = item_revents(p, it);
		if (!(it->events & EPOLLET)) {
			if (r)
				enqueue(ep, it);
			continue;
		}
		uint64_t ch = item_changes(p, it);
		if ((r & ~it->seen) || (r && ch != it->seen_changes))
			enqueue(ep, it);
		it->seen = r;
		it->seen_changes = ch;
	}
}

/* ---- the epoll file ---- */

/* Readable when an item is ready (ep_eventpoll_poll): queued items found
 * not ready leave the list. */
static int ep_poll(rt_proc *p, fd_file *f, int events)
{
	epoll *ep = f->priv;
	(void)events;
	ep_scan(p, ep);
	while (ep->rhead) {
		ep_item *it = ep->rhead;
		if (item_revents(p, it))
			return LX_POLLIN | LX_POLLRDNORM;
		rl_remove(ep, it);
	}
	return 0;
}

static uint64_t ep_changes(rt_proc *p, fd_file *f, int events)
{
	epoll *ep = f->priv;
	uint64_t c = ep->wakes;
	(void)events;
	for (size_t i = 0; i < ep->nitems; i++)
		if (item_want(ep->items[i]))
			c += item_changes(p, ep->items[i]);
	return c;
}

/* The earliest time an item's readiness changes by itself (a timer). */
static uint64_t ep_deadline(rt_proc *p, fd_file *f)
{
	epoll *ep = f->priv;
	uint64_t d = 0;
	for (size_t i = 0; i < ep->nitems; i++) {
		ep_item *it = ep->items[i];
		uint64_t x = item_want(it) ? fd_file_deadline(p, it->file) : 0;
		if (x && (!d || x < d))
			d = x;
	}
	return d;
}

/* Unlink an item from its file's list of watchers. */
static void unwatch_item(ep_item *it)
{
	ep_item **pp = (ep_item **)&it->file->watchers;
	while (*pp && *pp != it)
		pp = &(*pp)->wnext;
	if (*pp)
		*pp = it->wnext;
	if (!it->file->watchers)
		it->file->unwatch = NULL;
}

/* Take an item out of its epoll (not out of its file's watchers). */
static void drop_item(ep_item *it)
{
	epoll *ep = it->ep;
	if (it->queued)
		rl_remove(ep, it);
	for (size_t i = 0; i < ep->nitems; i++) {
		if (ep->items[i] == it) {
			memmove(ep->items + i, ep->items + i + 1,
				(ep->nitems - i - 1) * sizeof *ep->items);
			ep->nitems--;
			break;
		}
	}
	free(it);
}

/* The last reference to a watched description went: its items go. */
static void ep_file_gone(fd_file *f)
{
	ep_item *it = f->watchers;
	f->watchers = NULL;
	f->unwatch = NULL;
	while (it) {
		ep_item *next = it->wnext;
		drop_item(it);
		it = next;
	}
}

static void ep_release(fd_file *f)
{
	epoll *ep = f->priv;
	for (size_t i = 0; i < ep->nitems; i++) {
		unwatch_item(ep->items[i]);
		free(ep->items[i]);
	}
	free(ep->items);
	free(ep->waits);
	free(ep);
}

static const struct fd_ops ep_ops = {
	.name = "anon_inode:[eventpoll]",
	.poll = ep_poll,
	.release = ep_release,
	.changes = ep_changes,
	.deadline = ep_deadline,
};

/* ---- epoll_create1 ---- */

int64_t sys_epoll_create1(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int flags = (int)a[0];
	if (flags & ~LX_O_CLOEXEC)
		return -LX_EINVAL;
	epoll *ep = calloc(1, sizeof *ep);
	if (!ep)
		return -LX_ENOMEM;
	fd_file *f = fd_anon_new(p, &ep_ops, ep, LX_O_RDWR);
	if (!f) {
		free(ep);
		return -LX_ENOMEM;
	}
	ep->file = f;
	int fd = fd_install(p, f, 0, flags & LX_O_CLOEXEC);
	fd_file_unref(f);
	return fd;
}

/* ---- epoll_ctl ---- */

/* How many levels of epolls lie below ep (0: none), or INT_MAX if `into`
 * is among them (a loop) or they go too deep: ep_loop_check_proc. */
static int depth_below(const epoll *ep, const epoll *into, int depth)
{
	int result = 0;
	for (size_t i = 0; i < ep->nitems && result <= EP_MAX_NESTS; i++) {
		const fd_file *f = ep->items[i]->file;
		if (!is_epoll(f))
			continue;
		const epoll *sub = f->priv;
		if (sub == into || depth > EP_MAX_NESTS) {
			result = INT_MAX;
		} else {
			int d = depth_below(sub, into, depth + 1);
			if (d == INT_MAX)
				result = INT_MAX;
			else if (d + 1 > result)
				result = d + 1;
		}
	}
	return result;
}

/* How many levels of epolls hold ep: ep_get_upwards_depth_proc. */
static int depth_above(const epoll *ep, int depth)
{
	int result = 0;
	if (depth > EP_MAX_NESTS + 1)
		return INT_MAX / 2;
	for (const ep_item *w = ep->file->watchers; w; w = w->wnext) {
		int d = depth_above(w->ep, depth + 1) + 1;
		if (d > result)
			result = d;
	}
	return result;
}

/* Putting `to` into ep would make a loop or too deep a nest. */
static int loop_check(const epoll *ep, const epoll *to)
{
	int below = depth_below(to, ep, 0);
	if (below > EP_MAX_NESTS)
		return 1;
	return below + 1 + depth_above(ep, 0) > EP_MAX_NESTS;
}

static ep_item *find_item(const epoll *ep, const fd_file *f, int fd)
{
	for (size_t i = 0; i < ep->nitems; i++)
		if (ep->items[i]->file == f && ep->items[i]->fd == fd)
			return ep->items[i];
	return NULL;
}

/* After ADD or MOD: Linux polls the item and queues it if ready. */
static void first_look(rt_proc *p, epoll *ep, ep_item *it)
{
	uint32_t r = item_revents(p, it);
	if (r && !it->queued)
		enqueue(ep, it);
	if (it->events & EPOLLET)
		item_saw(p, it, r);
}

static int ep_insert(rt_proc *p, epoll *ep, fd_file *f, int fd, uint32_t events,
		     uint64_t data)
{
	if (ep->nitems == ep->cap) {
		size_t cap = ep->cap ? ep->cap * 2 : 8;
		ep_item **v = realloc(ep->items, cap * sizeof *v);
		if (!v)
			return -LX_ENOMEM;
		ep->items = v;
		ep->cap = cap;
	}
	ep_item *it = calloc(1, sizeof *it);
	if (!it)
		return -LX_ENOMEM;
	it->ep = ep;
	it->file = f;
	it->fd = fd;
	it->events = events | LX_POLLERR | LX_POLLHUP;
	it->data = data;
	ep->items[ep->nitems++] = it;
	it->wnext = f->watchers;
	f->watchers = it;
	f->unwatch = ep_file_gone;
	first_look(p, ep, it);
	return 0;
}

int64_t sys_epoll_ctl(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int op = (int)a[1], fd = (int)a[2];
	uint32_t events = 0;
	uint64_t data = 0;
	if (op != EPOLL_CTL_DEL) {
		uint8_t ev[EVENT_SIZE];
		if (mem_read(p->mem, a[3], ev, sizeof ev) < 0)
			return -LX_EFAULT;
		memcpy(&events, ev, 4);
		memcpy(&data, ev + 8, 8);
	}
	fd_file *f = fd_get(p, (int)a[0]);
	if (!f || f->kind == FD_PATH)
		return -LX_EBADF;
	fd_file *tf = fd_get(p, fd);
	if (!tf || tf->kind == FD_PATH)
		return -LX_EBADF;
	if (!fd_file_can_poll(tf))
		return -LX_EPERM;
	if (f == tf || !is_epoll(f))
		return -LX_EINVAL;
	if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -LX_EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_epoll(tf) || (events & ~(uint32_t)EPOLLEXCLUSIVE_OK_BITS)))
			return -LX_EINVAL;
	}
	epoll *ep = f->priv;
	if (op == EPOLL_CTL_ADD && is_epoll(tf) && loop_check(ep, tf->priv))
		return -LX_ELOOP;
	ep_item *it = find_item(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return it ? -LX_EEXIST : ep_insert(p, ep, tf, fd, events, data);
	case EPOLL_CTL_DEL:
		if (!it)
			return -LX_ENOENT;
		unwatch_item(it);
		drop_item(it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -LX_ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -LX_EINVAL;
		it->events = events | LX_POLLERR | LX_POLLHUP;
		it->data = data;
		first_look(p, ep, it);
		return 0;
	default:
		return -LX_EINVAL;
	}
}

/* ---- epoll_pwait, epoll_pwait2 ---- */

static uint64_t now_ns(rt_thread *t)
{
	rt *r = t->proc->rt;
	return r && r->host.monotonic_ns ? r->host.monotonic_ns() : 0;
}

/* Move ready items to the guest's array (ep_send_events): the count, or
 * -EFAULT if not even the first could be stored. */
static long send_events(rt_proc *p, epoll *ep, uint64_t g, int maxevents)
{
	ep_scan(p, ep);
	ep_item *tx = ep->rhead;
	ep->rhead = ep->rtail = NULL;
	long res = 0;
	while (tx && res < maxevents) {
		ep_item *it = tx;
		tx = it->rnext;
		it->queued = 0;
		it->rnext = NULL;
		uint32_t r = item_revents(p, it);
		if (it->events & EPOLLET)
			item_saw(p, it, r);
		if (!r)
			continue;
		uint64_t at = g + (uint64_t)res * EVENT_SIZE;
		if (mem_write(p->mem, at, &r, 4) < 0 || mem_write(p->mem, at + 8, &it->data, 8) < 0) {
			it->queued = 1;
			it->rnext = tx;
			tx = it;
			if (!res)
				res = -LX_EFAULT;
			break;
		}
		res++;
		if (it->events & EPOLLONESHOT)
			it->events &= EP_PRIVATE_BITS;
		else if (!(it->events & EPOLLET))
			rl_append(ep, it);
	}
	if (tx) { /* what was not reached goes back in front */
		ep_item *last = tx;
		while (last->rnext)
			last = last->rnext;
		last->rnext = ep->rhead;
		if (!ep->rhead)
			ep->rtail = last;
		ep->rhead = tx;
	}
	return res;
}

static struct ep_wait *find_wait(epoll *ep, int tid)
{
	for (size_t i = 0; i < ep->nwaits; i++)
		if (ep->waits[i].tid == tid)
			return &ep->waits[i];
	return NULL;
}

static void forget_wait(epoll *ep, int tid)
{
	struct ep_wait *w = find_wait(ep, tid);
	if (w)
		*w = ep->waits[--ep->nwaits];
}

static int keep_wait(epoll *ep, int tid, uint64_t deadline)
{
	struct ep_wait *w = find_wait(ep, tid);
	if (!w) {
		if (ep->nwaits == ep->capwaits) {
			size_t cap = ep->capwaits ? ep->capwaits * 2 : 4;
			struct ep_wait *v = realloc(ep->waits, cap * sizeof *v);
			if (!v)
				return -LX_ENOMEM;
			ep->waits = v;
			ep->capwaits = cap;
		}
		w = &ep->waits[ep->nwaits++];
		w->tid = tid;
	}
	w->deadline = deadline;
	return 0;
}

/* The timeout of one wait: forever, not at all, or for `ns`. */
enum { TO_INFINITE, TO_ZERO, TO_NS };

static int64_t do_wait(rt_thread *t, int epfd, uint64_t g, int maxevents, int to,
		       uint64_t to_ns)
{
	rt_proc *p = t->proc;
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -LX_EINVAL;
	if (g + (uint64_t)maxevents * EVENT_SIZE < g)
		return -LX_EFAULT;
	fd_file *f = fd_get(p, epfd);
	if (!f || f->kind == FD_PATH)
		return -LX_EBADF;
	if (!is_epoll(f))
		return -LX_EINVAL;
	epoll *ep = f->priv;
	/* A retry goes on with the deadline of the first try. */
	uint64_t deadline = 0, now = now_ns(t);
	struct ep_wait *w = t->restarting ? find_wait(ep, t->tid) : NULL;
	if (to == TO_NS && w && w->deadline)
		deadline = w->deadline;
	else if (to == TO_NS)
		deadline = now > UINT64_MAX - to_ns ? UINT64_MAX : now + to_ns;
	long n = send_events(p, ep, g, maxevents);
	if (n == 0 && to != TO_ZERO && !(deadline && now >= deadline)) {
		uint64_t wake = deadline, timer = ep_deadline(p, f);
		if (timer && (!wake || timer < wake))
			wake = timer;
		if (keep_wait(ep, t->tid, deadline) == 0) {
			t->wait = RT_WAIT_POLL;
			t->wait_deadline = wake;
			return -RT_EBLOCK;
		}
		n = -LX_ENOMEM;
	}
	forget_wait(ep, t->tid);
	return n;
}

int64_t sys_epoll_pwait(rt_thread *t, const uint64_t a[6])
{
	int ms = (int)a[3], r;
	if ((r = sigmask_push_guest(t, a[4], a[5])) < 0)
		return r;
	int64_t n = do_wait(t, (int)a[0], a[1], (int)a[2],
			    ms < 0 ? TO_INFINITE : ms == 0 ? TO_ZERO : TO_NS,
			    (uint64_t)ms * 1000000ULL);
	if (n != -RT_EBLOCK)
		sigmask_pop(t, a[4]);
	return n;
}

int64_t sys_epoll_pwait2(rt_thread *t, const uint64_t a[6])
{
	int to = TO_INFINITE, r;
	uint64_t ns = 0;
	if (a[3]) {
		struct lx_timespec ts;
		if (mem_read(t->proc->mem, a[3], &ts, sizeof ts) < 0)
			return -LX_EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -LX_EINVAL;
		if ((uint64_t)ts.tv_sec >= UINT64_MAX / 1000000000ULL - 1)
			ns = UINT64_MAX;
		else
			ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		to = ns ? TO_NS : TO_ZERO;
	}
	if ((r = sigmask_push_guest(t, a[4], a[5])) < 0)
		return r;
	int64_t n = do_wait(t, (int)a[0], a[1], (int)a[2], to, ns);
	if (n != -RT_EBLOCK)
		sigmask_pop(t, a[4]);
	return n;
}
