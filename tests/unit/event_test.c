/* Unit tests of eventfd, epoll and timerfd (sys_eventfd.c, sys_epoll.c,
 * sys_timerfd.c) with the descriptors and file syscalls they sit on. The
 * syscalls run against a fake runtime (one process, one thread, a clock
 * the test moves) whose guest memory is a calloc'd arena with two VMAs,
 * through local stand-ins for mem.c and rt.c, as in vfs_test.c. Blocking
 * is checked the way the scheduler sees it: -RT_EBLOCK, t->wait and
 * t->wait_deadline, then a retry with t->restarting set.
 *
 * Native, with sanitizers:
 *   gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra \
 *       -fsanitize=address,undefined -fno-sanitize-recover=undefined \
 *       -Iinclude -Iruntime tests/unit/event_test.c runtime/vfs.c \
 *       runtime/vfs_tar.c runtime/vfs_dev.c runtime/vfs_proc.c runtime/fd.c \
 *       runtime/sys_fs.c runtime/sys_poll.c runtime/sys_epoll.c \
 *       runtime/sys_eventfd.c runtime/sys_timerfd.c -lm -o event_test \
 *   && ./event_test */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "syscall.h"
#include "linux_abi.h"
#include "vfs.h"
#include "fd.h"

/* ---- checking ---- */

static int passed, failed;

#define EQ(a, b)                                                                 \
	do {                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);              \
		if (a_ == b_)                                                    \
			passed++;                                                \
		else {                                                           \
			failed++;                                                \
			fprintf(stderr, "%s:%d: %s is %lld (%#llx), expected %lld (%#llx)\n", \
				__FILE__, __LINE__, #a, a_, (unsigned long long)a_, b_, \
				(unsigned long long)b_);                         \
		}                                                                \
	} while (0)

/* ---- guest memory: stand-ins for mem.c ---- */

#define ARENA (16u << 20)
#define RW_END 0x800000u   /* [MEM_LOW, RW_END) read-write */
#define RO_END 0x900000u   /* [RW_END, RO_END) read-only; above: unmapped */

static rv_mem gmem;
static mem_vma gvma[2];
static uint64_t scratch;

const mem_vma *mem_find(const rv_mem *m, uint64_t g)
{
	for (size_t i = 0; i < m->nvma; i++)
		if (g >= m->vma[i].start && g < m->vma[i].end)
			return &m->vma[i];
	return NULL;
}

uint8_t *mem_check(const rv_mem *m, uint64_t g, uint64_t n, uint32_t prot)
{
	uint64_t at = g, end = g + n;
	if (end < g)
		return NULL;
	while (at < end) {
		const mem_vma *v = mem_find(m, at);
		if (!v || (v->prot & prot) != prot)
			return NULL;
		at = v->end;
	}
	if (n == 0 && !mem_find(m, g))
		return NULL;
	return mem_at(m, g, n);
}

uint64_t mem_vma_eof(const mem_vma *v)
{
	return v->end; /* no file mappings here */
}

int mem_read(const rv_mem *m, uint64_t g, void *dst, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_R);
	if (!p)
		return -LX_EFAULT;
	memcpy(dst, p, n);
	return 0;
}

int mem_write(rv_mem *m, uint64_t g, const void *src, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_W);
	if (!p)
		return -LX_EFAULT;
	memcpy(p, src, n);
	return 0;
}

long mem_read_str(const rv_mem *m, uint64_t g, char *buf, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		uint8_t *p = mem_check(m, g + i, 1, MEM_R);
		if (!p)
			return -LX_EFAULT;
		buf[i] = (char)*p;
		if (!*p)
			return (long)i;
	}
	return -LX_ENAMETOOLONG;
}

void interp_flush(rv_mem *m, uint64_t start, uint64_t len)
{
	(void)m;
	(void)start;
	(void)len;
}

static void *H(uint64_t g)
{
	return gmem.base + g;
}

static uint64_t galloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (scratch + n > RW_END - 0x1000)
		scratch = MEM_LOW;
	uint64_t g = scratch;
	scratch += n;
	memset(H(g), 0, n);
	return g;
}

static uint64_t gbytes(const void *p, size_t n)
{
	uint64_t g = galloc(n ? n : 1);
	memcpy(H(g), p, n);
	return g;
}

static uint64_t gstr(const char *s)
{
	return gbytes(s, strlen(s) + 1);
}

/* ---- the fake runtime ---- */

static struct {
	rt r;
	rt_proc p;
	rt_thread t;
	rt_proc *procs[1];
	rt_thread *threads[1];
} E;

#define MS 1000000ULL
#define SEC 1000000000ULL
#define REAL_OFFSET (1700000000ULL * SEC)

static uint64_t mono_now;

static long h_read(int fd, void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	return -LX_EAGAIN;
}

static long h_write(int fd, const void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	return (long)n;
}

static int h_isatty(int fd)
{
	(void)fd;
	return 0;
}

static uint64_t h_real(void)
{
	return REAL_OFFSET + mono_now;
}

static uint64_t h_mono(void)
{
	return mono_now;
}

rt_thread *rt_current(rt *r)
{
	return r->nthreads ? r->threads[r->current] : NULL;
}

void rt_signal_thread(rt_thread *t, int sig)
{
	(void)t;
	(void)sig;
}

int rt_signal_proc_info(rt_proc *p, int sig, const rt_siginfo *info)
{
	(void)p;
	(void)sig;
	(void)info;
	return 0;
}

static void env_init(void)
{
	char err[256];
	memset(&E, 0, sizeof E);
	mono_now = 1000 * SEC;
	E.r.host.read = h_read;
	E.r.host.write = h_write;
	E.r.host.isatty = h_isatty;
	E.r.host.realtime_ns = h_real;
	E.r.host.monotonic_ns = h_mono;
	E.r.opt.arena_size = ARENA;
	E.r.vfs = vfs_new(NULL, 0, "test.tar", err, sizeof err);
	if (!E.r.vfs) {
		fprintf(stderr, "vfs_new: %s\n", err);
		exit(2);
	}
	E.procs[0] = &E.p;
	E.threads[0] = &E.t;
	E.r.procs = E.procs;
	E.r.nprocs = E.r.pcap = 1;
	E.r.threads = E.threads;
	E.r.nthreads = E.r.cap = 1;
	E.r.next_pid = 2;
	E.p.pid = E.p.pgid = E.p.sid = 1;
	E.p.rt = &E.r;
	E.p.mem = &gmem;
	E.p.umask = 022;
	E.p.cwd = vfs_root(E.r.vfs);
	vfs_node_ref(E.p.cwd);
	E.p.fds = fd_table_new_stdio(&E.r);
	E.t.proc = &E.p;
	E.t.tid = 1;
	scratch = MEM_LOW;
}

/* Everything released: no node may still be referenced. */
static void env_fini(void)
{
	fd_table_unref(E.p.fds);
	vfs_node_unref(E.p.cwd);
	int leaked = 0;
	for (struct vfs_node *n = E.r.vfs->all; n; n = n->all_next)
		if (n->refs != (n == E.r.vfs->pts0)) {
			leaked++;
			fprintf(stderr, "node ino %llu has %d refs\n",
				(unsigned long long)n->ino, n->refs);
		}
	EQ(leaked, 0);
	vfs_free(E.r.vfs);
}

/* ---- syscall wrappers ---- */

#define SYS(name, ...) sys_##name(&E.t, (const uint64_t[6]){ __VA_ARGS__ })
#define CWD ((uint64_t)(int64_t)LX_AT_FDCWD)
#define NEG(x) ((uint64_t)(int64_t)(x))

enum { ADD = 1, DEL = 2, MOD = 3 };
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
#define EFD_SEMAPHORE 1
#define TFD_TIMER_ABSTIME 1

static void xpipe(long fds[2], uint32_t flags)
{
	uint64_t g = galloc(8);
	EQ(SYS(pipe2, g, flags), 0);
	int32_t v[2];
	memcpy(v, H(g), 8);
	fds[0] = v[0];
	fds[1] = v[1];
}

static long xwrite(long fd, const char *s)
{
	size_t n = strlen(s);
	return SYS(write, (uint64_t)fd, gbytes(s, n), n);
}

static long xread(long fd, size_t n)
{
	return SYS(read, (uint64_t)fd, galloc(n), n);
}

static long xclose(long fd)
{
	return SYS(close, (uint64_t)fd);
}

/* struct epoll_event on riscv64: u32 events, 4 bytes pad, u64 data. */
static uint64_t gevent(uint32_t events, uint64_t data)
{
	uint8_t ev[16];
	memset(ev, 0, sizeof ev);
	memcpy(ev, &events, 4);
	memcpy(ev + 8, &data, 8);
	return gbytes(ev, sizeof ev);
}

static long ctl(long ep, int op, long fd, uint32_t events, uint64_t data)
{
	return SYS(epoll_ctl, (uint64_t)ep, (uint64_t)op, (uint64_t)fd, gevent(events, data));
}

/* epoll_pwait into a fresh array (filled with 0xee first) at *out. */
static long ewait(long ep, int max, int ms, uint64_t *out)
{
	size_t n = max > 0 ? (size_t)max * 16 : 16;
	uint64_t g = galloc(n);
	memset(H(g), 0xee, n);
	if (out)
		*out = g;
	return SYS(epoll_pwait, (uint64_t)ep, g, (uint64_t)max, NEG(ms), 0, 0);
}

static uint32_t ev_events(uint64_t g, int i)
{
	uint32_t v;
	memcpy(&v, H(g + (uint64_t)i * 16), 4);
	return v;
}

static uint64_t ev_data(uint64_t g, int i)
{
	uint64_t v;
	memcpy(&v, H(g + (uint64_t)i * 16 + 8), 8);
	return v;
}

static uint64_t u64_at(uint64_t g)
{
	uint64_t v;
	memcpy(&v, H(g), 8);
	return v;
}

static long efd_write(long fd, uint64_t v)
{
	return SYS(write, (uint64_t)fd, gbytes(&v, 8), 8);
}

/* read 8 bytes; the value read in *v */
static long read8(long fd, uint64_t *v)
{
	uint64_t g = galloc(8);
	long r = SYS(read, (uint64_t)fd, g, 8);
	if (v)
		*v = u64_at(g);
	return r;
}

static uint64_t gitimer(uint64_t interval, uint64_t value)
{
	struct lx_timespec its[2] = {
		{ (int64_t)(interval / SEC), (int64_t)(interval % SEC) },
		{ (int64_t)(value / SEC), (int64_t)(value % SEC) },
	};
	return gbytes(its, sizeof its);
}

/* it_interval and it_value of a guest itimerspec, in ns */
static uint64_t its_interval(uint64_t g)
{
	struct lx_timespec *its = H(g);
	return (uint64_t)its[0].tv_sec * SEC + (uint64_t)its[0].tv_nsec;
}

static uint64_t its_value(uint64_t g)
{
	struct lx_timespec *its = H(g);
	return (uint64_t)its[1].tv_sec * SEC + (uint64_t)its[1].tv_nsec;
}

static int poll1(long fd, int events)
{
	struct lx_pollfd pf = { (int32_t)fd, (int16_t)events, 0 };
	uint64_t g = gbytes(&pf, sizeof pf);
	struct lx_timespec zero = { 0, 0 };
	EQ(SYS(ppoll, g, 1, gbytes(&zero, sizeof zero), 0, 0) >= 0, 1);
	return ((struct lx_pollfd *)H(g))->revents;
}

/* ---- epoll ---- */

static void test_epoll_create_ctl(void)
{
	env_init();
	EQ(SYS(epoll_create1, 0x1234), -LX_EINVAL);
	EQ(SYS(epoll_create1, NEG(-1)), -LX_EINVAL);
	long ep = SYS(epoll_create1, LX_O_CLOEXEC);
	EQ(ep, 3);
	EQ(SYS(fcntl, (uint64_t)ep, LX_F_GETFD), 1);
	EQ(SYS(fcntl, (uint64_t)ep, LX_F_GETFL), LX_O_RDWR);
	char *path = fd_path(&E.p, (int)ep);
	EQ(strcmp(path, "anon_inode:[eventpoll]"), 0);
	free(path);
	EQ(fd_node(&E.p, (int)ep)->mode, 0600);
	EQ(xread(ep, 16), -LX_EINVAL);
	EQ(xwrite(ep, "x"), -LX_EINVAL);

	long p[2];
	xpipe(p, 0);
	/* errors, in Linux's order */
	EQ(SYS(epoll_ctl, (uint64_t)ep, ADD, (uint64_t)p[0], 0), -LX_EFAULT);
	EQ(SYS(epoll_ctl, (uint64_t)ep, 99, (uint64_t)p[0], 0), -LX_EFAULT);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)p[0], 0), -LX_ENOENT);
	EQ(ctl(ep, 99, p[0], LX_POLLIN, 0), -LX_EINVAL);
	EQ(ctl(99, ADD, p[0], LX_POLLIN, 0), -LX_EBADF);
	EQ(ctl(ep, ADD, 99, LX_POLLIN, 0), -LX_EBADF);
	EQ(ctl(p[0], ADD, p[1], LX_POLLIN, 0), -LX_EINVAL);
	EQ(ctl(ep, ADD, ep, LX_POLLIN, 0), -LX_EINVAL);
	long dir = SYS(openat, CWD, gstr("/"), LX_O_RDONLY | LX_O_DIRECTORY, 0);
	EQ(ctl(ep, ADD, dir, LX_POLLIN, 0), -LX_EPERM);
	long opath = SYS(openat, CWD, gstr("/"), LX_O_PATH, 0);
	EQ(ctl(ep, ADD, opath, LX_POLLIN, 0), -LX_EBADF);
	long reg = SYS(openat, CWD, gstr("/f"), LX_O_RDWR | LX_O_CREAT, 0644);
	EQ(ctl(ep, ADD, reg, LX_POLLIN, 0), -LX_EPERM);
	long mfd = SYS(memfd_create, gstr("m"), 0);
	EQ(ctl(ep, ADD, mfd, LX_POLLIN, 0), -LX_EPERM);
	xclose(dir);
	xclose(opath);
	xclose(reg);
	xclose(mfd);
	EQ(ctl(ep, MOD, p[0], LX_POLLIN, 0), -LX_ENOENT);
	EQ(ctl(ep, DEL, p[0], LX_POLLIN, 0), -LX_ENOENT);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN, 1), 0);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN, 1), -LX_EEXIST);
	/* EPOLLEXCLUSIVE: ADD only, with a few bits, never on an epoll */
	EQ(ctl(ep, MOD, p[0], LX_POLLIN | EPOLLEXCLUSIVE, 1), -LX_EINVAL);
	EQ(ctl(ep, ADD, p[1], LX_POLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2), -LX_EINVAL);
	EQ(ctl(ep, ADD, p[1], LX_POLLOUT | EPOLLEXCLUSIVE | LX_POLLRDHUP, 2), -LX_EINVAL);
	EQ(ctl(ep, ADD, p[1], LX_POLLOUT | EPOLLEXCLUSIVE | EPOLLET, 2), 0);
	EQ(ctl(ep, MOD, p[1], LX_POLLOUT, 2), -LX_EINVAL);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)p[1], 0), 0);
	long e2 = SYS(epoll_create1, 0);
	EQ(ctl(e2, ADD, ep, LX_POLLIN | EPOLLEXCLUSIVE, 0), -LX_EINVAL);
	/* loops */
	EQ(ctl(e2, ADD, ep, LX_POLLIN, 0), 0);
	EQ(ctl(ep, ADD, e2, LX_POLLIN, 0), -LX_ELOOP);
	long e3 = SYS(epoll_create1, 0);
	EQ(ctl(e3, ADD, e2, LX_POLLIN, 0), 0);
	EQ(ctl(ep, ADD, e3, LX_POLLIN, 0), -LX_ELOOP);
	xclose(e2);
	xclose(e3);
	/* a chain of five epolls is the deepest Linux allows */
	long chain[7];
	chain[0] = SYS(epoll_create1, 0);
	for (int i = 1; i < 7; i++) {
		chain[i] = SYS(epoll_create1, 0);
		EQ(ctl(chain[i], ADD, chain[i - 1], LX_POLLIN, 0), i == 5 ? -LX_ELOOP : 0);
	}
	/* ... counting the levels above too */
	long top = SYS(epoll_create1, 0);
	EQ(ctl(top, ADD, chain[4], LX_POLLIN, 0), -LX_ELOOP);
	EQ(ctl(top, ADD, chain[3], LX_POLLIN, 0), 0);
	long leaf = SYS(epoll_create1, 0);
	EQ(ctl(chain[0], ADD, leaf, LX_POLLIN, 0), -LX_ELOOP);
	EQ(ctl(chain[6], ADD, leaf, LX_POLLIN, 0), 0);
	for (int i = 0; i < 7; i++)
		xclose(chain[i]);
	xclose(top);
	xclose(leaf);
	xclose(p[0]);
	xclose(p[1]);
	xclose(ep);
	env_fini();
}

static void test_epoll_level(void)
{
	env_init();
	long ep = SYS(epoll_create1, 0), p[2];
	uint64_t g;
	xpipe(p, LX_O_NONBLOCK);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN, 0x1111222233334444ULL), 0);
	/* argument checks of epoll_pwait */
	EQ(ewait(ep, 0, 0, NULL), -LX_EINVAL);
	EQ(ewait(ep, -1, 0, NULL), -LX_EINVAL);
	EQ(SYS(epoll_pwait, (uint64_t)ep, galloc(64), 0x7fffffff, 0, 0, 0), -LX_EINVAL);
	EQ(SYS(epoll_pwait, (uint64_t)p[0], galloc(64), 4, 0, 0, 0), -LX_EINVAL);
	EQ(SYS(epoll_pwait, 99, galloc(64), 4, 0, 0, 0), -LX_EBADF);
	EQ(SYS(epoll_pwait, (uint64_t)ep, NEG(-16), 4, 0, 0, 0), -LX_EFAULT);
	uint64_t mask = 0;
	EQ(SYS(epoll_pwait, (uint64_t)ep, galloc(64), 4, 0, gbytes(&mask, 8), 4), -LX_EINVAL);
	EQ(SYS(epoll_pwait, (uint64_t)ep, galloc(64), 4, 0, 0x20, 8), -LX_EFAULT);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* Linux checks only the range of the array: nothing to store is fine */
	EQ(SYS(epoll_pwait, (uint64_t)ep, 0, 4, 0, 0, 0), 0);

	EQ(xwrite(p[1], "ab"), 2);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_events(g, 0), LX_POLLIN);
	EQ(ev_data(g, 0), 0x1111222233334444ULL);
	EQ(((uint8_t *)H(g))[4], 0xee); /* the padding is not written */
	EQ(ev_events(g, 1), 0xeeeeeeee);
	EQ(ewait(ep, 4, 0, &g), 1); /* level-triggered: again */
	EQ(SYS(epoll_pwait, (uint64_t)ep, 0x20, 4, 0, 0, 0), -LX_EFAULT);
	EQ(SYS(epoll_pwait, (uint64_t)ep, RW_END - 16, 4, 0, 0, 0), 1); /* the first fits */
	/* maxevents round-robins */
	EQ(ctl(ep, ADD, p[1], LX_POLLOUT, 2), 0);
	EQ(ewait(ep, 4, 0, &g), 2);
	EQ(ev_data(g, 0), 0x1111222233334444ULL);
	EQ(ev_data(g, 1), 2);
	EQ(ev_events(g, 1), LX_POLLOUT);
	EQ(ewait(ep, 1, 0, &g), 1);
	EQ(ev_data(g, 0), 0x1111222233334444ULL);
	EQ(ewait(ep, 1, 0, &g), 1);
	EQ(ev_data(g, 0), 2);
	EQ(ewait(ep, 1, 0, &g), 1);
	EQ(ev_data(g, 0), 0x1111222233334444ULL);
	EQ(xread(p[0], 16), 2);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 2);
	/* the epoll is readable when an item is ready */
	EQ(poll1(ep, LX_POLLIN | LX_POLLOUT), LX_POLLIN);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)p[1], 0), 0);
	EQ(poll1(ep, LX_POLLIN | LX_POLLOUT), 0);
	/* HUP is always asked for */
	long q[2];
	xpipe(q, 0);
	EQ(ctl(ep, ADD, q[0], LX_POLLIN | LX_POLLRDHUP, 3), 0);
	xclose(q[1]);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_events(g, 0), LX_POLLHUP);
	EQ(ev_data(g, 0), 3);
	xclose(q[0]); /* the last reference: the item goes */
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* a dup keeps the item alive; its fd number is part of its key */
	EQ(xwrite(p[1], "w"), 1);
	long d = SYS(dup, (uint64_t)p[0]);
	xclose(p[0]);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 0x1111222233334444ULL);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)p[0], 0), -LX_EBADF);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)d, 0), -LX_ENOENT);
	EQ(ctl(ep, ADD, d, LX_POLLIN, 5), 0);
	EQ(ewait(ep, 4, 0, &g), 2);
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)d, 0), 0);
	xclose(d);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* a new file on the old number is another item */
	xpipe(q, 0);
	EQ(q[0], p[0]);
	EQ(xwrite(q[1], "z"), 1);
	EQ(ewait(ep, 4, 0, NULL), 0);
	EQ(ctl(ep, ADD, q[0], LX_POLLIN, 6), 0);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 6);
	/* closing the epoll first, then the files */
	xclose(ep);
	xclose(q[0]);
	xclose(q[1]);
	xclose(p[1]);
	env_fini();
}

static void test_epoll_edge_oneshot(void)
{
	env_init();
	long ep = SYS(epoll_create1, 0), p[2];
	uint64_t g;
	xpipe(p, LX_O_NONBLOCK);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN | EPOLLET, 4), 0);
	EQ(ewait(ep, 4, 0, NULL), 0);
	EQ(xwrite(p[1], "x"), 1);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_events(g, 0), LX_POLLIN);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* every write is a wakeup, though the pipe stays readable */
	EQ(xwrite(p[1], "y"), 1);
	EQ(ewait(ep, 4, 0, NULL), 1);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* MOD looks again */
	EQ(ctl(ep, MOD, p[0], LX_POLLIN | EPOLLET, 4), 0);
	EQ(ewait(ep, 4, 0, NULL), 1);
	/* read until EAGAIN; data comes before the next wait */
	EQ(xread(p[0], 16), 2);
	EQ(xread(p[0], 16), -LX_EAGAIN);
	EQ(xwrite(p[1], "z"), 1);
	EQ(ewait(ep, 4, 0, NULL), 1);
	EQ(xread(p[0], 16), 1);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* the write end: only a read that makes room in a full pipe wakes */
	EQ(ctl(ep, ADD, p[1], LX_POLLOUT | EPOLLET, 7), 0);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 7);
	EQ(xwrite(p[1], "a"), 1);
	EQ(xread(p[0], 1), 1);
	EQ(ewait(ep, 4, 0, NULL), 0); /* the read end woke, but is empty again */
	static char big[70000];
	memset(big, 'b', sizeof big);
	uint64_t gb = gbytes(big, sizeof big);
	while (SYS(write, (uint64_t)p[1], gb, sizeof big) > 0)
		;
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 4);
	EQ(xread(p[0], 8192), 8192);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 7);
	while (xread(p[0], 65536) > 0)
		;
	EQ(SYS(epoll_ctl, (uint64_t)ep, DEL, (uint64_t)p[1], 0), 0);
	/* EPOLLONESHOT: once, then nothing until MOD */
	EQ(ctl(ep, MOD, p[0], LX_POLLIN | EPOLLONESHOT, 6), 0);
	EQ(xwrite(p[1], "o"), 1);
	EQ(ewait(ep, 4, 0, &g), 1);
	EQ(ev_data(g, 0), 6);
	EQ(ewait(ep, 4, 0, NULL), 0);
	EQ(xwrite(p[1], "o"), 1);
	EQ(ewait(ep, 4, 0, NULL), 0);
	EQ(ctl(ep, MOD, p[0], LX_POLLIN | EPOLLONESHOT, 6), 0);
	EQ(ewait(ep, 4, 0, NULL), 1);
	/* closing the files first, then the epoll */
	xclose(p[0]);
	xclose(p[1]);
	EQ(ewait(ep, 4, 0, NULL), 0);
	xclose(ep);
	env_fini();
}

static void test_epoll_nested(void)
{
	env_init();
	long ep = SYS(epoll_create1, 0), outer = SYS(epoll_create1, 0), p[2];
	uint64_t g;
	xpipe(p, LX_O_NONBLOCK);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN, 1), 0);
	EQ(ctl(outer, ADD, ep, LX_POLLIN | EPOLLET, 0x22), 0);
	EQ(ewait(outer, 4, 0, NULL), 0);
	EQ(xwrite(p[1], "n"), 1);
	EQ(ewait(outer, 4, 0, &g), 1);
	EQ(ev_events(g, 0), LX_POLLIN);
	EQ(ev_data(g, 0), 0x22);
	EQ(ewait(outer, 4, 0, NULL), 0);
	EQ(xwrite(p[1], "n"), 1); /* a wakeup inside is one outside */
	EQ(ewait(outer, 4, 0, NULL), 1);
	EQ(ewait(ep, 4, 0, NULL), 1);
	EQ(xread(p[0], 8), 2);
	EQ(ewait(outer, 4, 0, NULL), 0);
	/* closing the inner epoll takes it out of the outer */
	EQ(xwrite(p[1], "n"), 1);
	xclose(ep);
	EQ(ewait(outer, 4, 0, NULL), 0);
	xclose(outer);
	xclose(p[0]);
	xclose(p[1]);
	env_fini();
}

static void test_epoll_blocking(void)
{
	env_init();
	long ep = SYS(epoll_create1, 0), p[2];
	uint64_t g = galloc(64);
	xpipe(p, 0);
	EQ(ctl(ep, ADD, p[0], LX_POLLIN, 9), 0);
	/* a timeout: block until the deadline, which the retries keep */
	E.t.restarting = 0;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_POLL);
	EQ(E.t.wait_deadline, mono_now + 100 * MS);
	uint64_t deadline = E.t.wait_deadline;
	E.t.wait = RT_WAIT_NONE;
	E.t.restarting = 1;
	mono_now += 60 * MS;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, deadline);
	mono_now = deadline;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), 0);
	/* data arrives while blocked */
	E.t.restarting = 0;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, 0);
	EQ(xwrite(p[1], "d"), 1);
	E.t.restarting = 1;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), 0, 0), 1);
	EQ(ev_data(g, 0), 9);
	EQ(xread(p[0], 8), 1);
	/* a sigmask is in force while blocked and restored after */
	E.t.restarting = 0;
	E.t.sigmask = 0x5;
	uint64_t mask = 0xf000 | (1ULL << 8); /* SIGKILL cannot be blocked */
	uint64_t gm = gbytes(&mask, 8);
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), gm, 8), -RT_EBLOCK);
	EQ(E.t.sigmask, 0xf000);
	EQ(E.t.has_saved_sigmask, 1);
	EQ(xwrite(p[1], "d"), 1);
	E.t.restarting = 1;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), gm, 8), 1);
	EQ(E.t.sigmask, 0x5);
	EQ(E.t.has_saved_sigmask, 0);
	E.t.restarting = 0;
	/* a failing call restores the mask too */
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 0, 0, gm, 8), -LX_EINVAL);
	EQ(E.t.sigmask, 0x5);
	EQ(xread(p[0], 8), 1);
	/* epoll_pwait2: a timespec, NULL for ever */
	struct lx_timespec ts = { 0, 2500000 }, bad = { 0, 1000000000 }, zero = { 0, 0 };
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, gbytes(&bad, sizeof bad), 0, 0), -LX_EINVAL);
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 0, gbytes(&bad, sizeof bad), 0, 0), -LX_EINVAL);
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, 0x20, 0, 0), -LX_EFAULT);
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, gbytes(&zero, sizeof zero), 0, 0), 0);
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, gbytes(&ts, sizeof ts), 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, mono_now + 2500000);
	E.t.restarting = 1;
	mono_now += 3 * MS;
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, gbytes(&ts, sizeof ts), 0, 0), 0);
	E.t.restarting = 0;
	EQ(SYS(epoll_pwait2, (uint64_t)ep, g, 4, 0, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, 0);
	E.t.wait = RT_WAIT_NONE;
	xclose(ep);
	xclose(p[0]);
	xclose(p[1]);
	env_fini();
}

/* ---- eventfd ---- */

static void test_eventfd(void)
{
	env_init();
	uint64_t v;
	EQ(SYS(eventfd2, 0, 0x12345), -LX_EINVAL);
	long e = SYS(eventfd2, 0x100000003ULL, LX_O_NONBLOCK | LX_O_CLOEXEC);
	EQ(e, 3);
	EQ(SYS(fcntl, (uint64_t)e, LX_F_GETFL), LX_O_RDWR | LX_O_NONBLOCK);
	EQ(SYS(fcntl, (uint64_t)e, LX_F_GETFD), 1);
	char *path = fd_path(&E.p, (int)e);
	EQ(strcmp(path, "anon_inode:[eventfd]"), 0);
	free(path);
	EQ(SYS(read, (uint64_t)e, galloc(8), 4), -LX_EINVAL);
	EQ(read8(e, &v), 8);
	EQ(v, 3); /* the initial value is an unsigned int */
	EQ(read8(e, NULL), -LX_EAGAIN);
	EQ(efd_write(e, UINT64_MAX), -LX_EINVAL);
	EQ(SYS(write, (uint64_t)e, gbytes(&v, 8), 7), -LX_EINVAL);
	EQ(efd_write(e, UINT64_MAX - 1), 8);
	EQ(poll1(e, LX_POLLIN | LX_POLLOUT), LX_POLLIN);
	EQ(efd_write(e, 1), -LX_EAGAIN);
	EQ(efd_write(e, 0), 8);
	uint64_t g = galloc(16);
	EQ(SYS(read, (uint64_t)e, g, 16), 8);
	EQ(u64_at(g), UINT64_MAX - 1);
	EQ(poll1(e, LX_POLLIN | LX_POLLOUT), LX_POLLOUT);
	EQ(SYS(ioctl, (uint64_t)e, LX_FIONREAD, galloc(4)), -LX_ENOTTY);
	/* edge-triggered: every write and every read is a wakeup */
	long ep = SYS(epoll_create1, 0);
	EQ(efd_write(e, 5), 8);
	EQ(ctl(ep, ADD, e, LX_POLLIN | LX_POLLOUT | EPOLLET, 0xef), 0);
	uint64_t ge;
	EQ(ewait(ep, 4, 0, &ge), 1);
	EQ(ev_events(ge, 0), LX_POLLIN | LX_POLLOUT);
	EQ(ewait(ep, 4, 0, NULL), 0);
	EQ(efd_write(e, 1), 8);
	EQ(ewait(ep, 4, 0, NULL), 1);
	EQ(read8(e, &v), 8);
	EQ(v, 6);
	EQ(ewait(ep, 4, 0, &ge), 1);
	EQ(ev_events(ge, 0), LX_POLLOUT);
	EQ(ctl(ep, MOD, e, LX_POLLIN | EPOLLET, 0xef), 0);
	EQ(efd_write(e, 1), 8);
	EQ(ewait(ep, 4, 0, NULL), 1);
	EQ(read8(e, NULL), 8); /* a read wakes writers only */
	EQ(efd_write(e, 2), 8);
	EQ(ewait(ep, 4, 0, NULL), 1);
	xclose(e);
	EQ(ewait(ep, 4, 0, NULL), 0);
	/* EFD_SEMAPHORE reads one at a time; blocking reads and writes */
	long s = SYS(eventfd2, 2, EFD_SEMAPHORE);
	EQ(read8(s, &v), 8);
	EQ(v, 1);
	EQ(read8(s, &v), 8);
	EQ(v, 1);
	EQ(read8(s, &v), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_FD);
	EQ(E.t.wait_fd, s);
	EQ(E.t.wait_events, LX_POLLIN);
	EQ(fd_poll_ready(&E.p, (int)s, LX_POLLIN), 0);
	E.t.wait = RT_WAIT_NONE;
	EQ(efd_write(s, 7), 8);
	EQ(fd_poll_ready(&E.p, (int)s, LX_POLLIN), LX_POLLIN);
	EQ(read8(s, &v), 8);
	EQ(v, 1);
	EQ(efd_write(s, UINT64_MAX - 6), -RT_EBLOCK); /* the count is 6 */
	EQ(E.t.wait, RT_WAIT_FD);
	EQ(E.t.wait_events, LX_POLLOUT);
	E.t.wait = RT_WAIT_NONE;
	xclose(s);
	xclose(ep);
	env_fini();
}

/* ---- timerfd ---- */

static void test_timerfd_basics(void)
{
	env_init();
	uint64_t v, g = galloc(32);
	EQ(SYS(timerfd_create, 1, 0x1234), -LX_EINVAL);
	EQ(SYS(timerfd_create, 99, 0), -LX_EINVAL);
	EQ(SYS(timerfd_create, 2, 0), -LX_EINVAL); /* CLOCK_PROCESS_CPUTIME_ID */
	long t = SYS(timerfd_create, 1, LX_O_NONBLOCK);
	EQ(t, 3);
	EQ(SYS(fcntl, (uint64_t)t, LX_F_GETFL), LX_O_RDWR | LX_O_NONBLOCK);
	char *path = fd_path(&E.p, (int)t);
	EQ(strcmp(path, "anon_inode:[timerfd]"), 0);
	free(path);
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0);
	EQ(its_value(g), 0);
	EQ(its_interval(g), 0);
	EQ(read8(t, NULL), -LX_EAGAIN);
	EQ(SYS(read, (uint64_t)t, galloc(8), 4), -LX_EINVAL);
	EQ(xwrite(t, "12345678"), -LX_EINVAL);
	/* disarmed, but the interval is kept */
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(3 * SEC, 0), 0), 0);
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0);
	EQ(its_value(g), 0);
	EQ(its_interval(g), 3 * SEC);
	struct lx_timespec bad[2] = { { 0, 0 }, { 0, 1000000000 } };
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gbytes(bad, sizeof bad), 0), -LX_EINVAL);
	EQ(SYS(timerfd_settime, (uint64_t)t, 8, gitimer(0, 0), 0), -LX_EINVAL);
	EQ(SYS(timerfd_settime, (uint64_t)t, 2, gitimer(0, 0), 0), 0); /* CANCEL_ON_SET */
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, 0, 0), -LX_EFAULT);
	EQ(SYS(timerfd_settime, 0x7777, 0, 0, 0), -LX_EFAULT); /* the value first */
	EQ(SYS(timerfd_settime, 99, 0, gitimer(0, 0), 0), -LX_EBADF);
	long e = SYS(eventfd2, 0, 0);
	EQ(SYS(timerfd_settime, (uint64_t)e, 0, gitimer(0, 0), 0), -LX_EINVAL);
	EQ(SYS(timerfd_gettime, (uint64_t)e, g), -LX_EINVAL);
	EQ(SYS(timerfd_gettime, 99, g), -LX_EBADF);
	EQ(SYS(timerfd_gettime, (uint64_t)t, 0), -LX_EFAULT);
	xclose(e);

	/* one-shot, relative */
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(0, 10 * MS), 0), 0);
	mono_now += 4 * MS;
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0);
	EQ(its_value(g), 6 * MS);
	EQ(read8(t, NULL), -LX_EAGAIN);
	EQ(poll1(t, LX_POLLIN), 0);
	mono_now += 6 * MS;
	EQ(poll1(t, LX_POLLIN), LX_POLLIN);
	mono_now += 50 * MS;
	EQ(read8(t, &v), 8);
	EQ(v, 1);
	EQ(read8(t, NULL), -LX_EAGAIN);
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0);
	EQ(its_value(g), 0);

	/* periodic: the periods that went by count at the read */
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(4 * MS, 5 * MS), 0), 0);
	mono_now += 5 * MS + 4 * MS * 2 + 1 * MS; /* 3 expiries, 3 ms to the 4th */
	EQ(read8(t, &v), 8);
	EQ(v, 3);
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0);
	EQ(its_value(g), 3 * MS);
	mono_now += 3 * MS + 4 * MS; /* 2 more */
	EQ(SYS(timerfd_gettime, (uint64_t)t, g), 0); /* moves the timer on */
	EQ(its_value(g), 4 * MS);
	EQ(read8(t, &v), 8);
	EQ(v, 2);
	/* settime returns the old value */
	mono_now += 1 * MS;
	uint64_t old = galloc(32);
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(0, 0), old), 0);
	EQ(its_interval(old), 4 * MS);
	EQ(its_value(old), 3 * MS);
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(0, 0), 0x20), -LX_EFAULT);

	/* absolute times, on both clocks */
	EQ(SYS(timerfd_settime, (uint64_t)t, TFD_TIMER_ABSTIME, gitimer(0, mono_now + 2 * MS), 0), 0);
	EQ(read8(t, NULL), -LX_EAGAIN);
	mono_now += 2 * MS;
	EQ(read8(t, &v), 8);
	EQ(v, 1);
	long rt_ = SYS(timerfd_create, 0, 0);
	EQ(SYS(timerfd_settime, (uint64_t)rt_, TFD_TIMER_ABSTIME,
	       gitimer(0, REAL_OFFSET + mono_now + 7 * MS), 0), 0);
	EQ(SYS(timerfd_gettime, (uint64_t)rt_, g), 0);
	EQ(its_value(g), 7 * MS);
	/* in the past, with a period: fires now, counting from then */
	EQ(SYS(timerfd_settime, (uint64_t)rt_, TFD_TIMER_ABSTIME,
	       gitimer(1 * SEC, REAL_OFFSET + mono_now - 10 * SEC), 0), 0);
	EQ(read8(rt_, &v), 8);
	EQ(v, 11);
	xclose(rt_);
	/* the alarm clocks need CAP_WAKE_ALARM */
	long a = SYS(timerfd_create, 8, 0);
	EQ(a >= 0, 1);
	xclose(a);
	E.p.euid = 1000;
	EQ(SYS(timerfd_create, 9, 0), -LX_EPERM);
	E.p.euid = 0;
	xclose(t);
	env_fini();
}

static void test_timerfd_blocking(void)
{
	env_init();
	uint64_t v;
	long t = SYS(timerfd_create, 1, LX_O_CLOEXEC);
	/* a read of a disarmed timer blocks with no deadline */
	E.t.wait_deadline = 12345;
	EQ(read8(t, NULL), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_FD);
	EQ(E.t.wait_deadline, 0);
	/* arming it while a thread waits moves that thread's deadline */
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(0, 20 * MS), 0), 0);
	EQ(E.t.wait_deadline, mono_now + 20 * MS);
	E.t.wait = RT_WAIT_NONE;
	/* a blocking read wakes the host at the expiry */
	EQ(read8(t, NULL), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_FD);
	EQ(E.t.wait_events, LX_POLLIN);
	EQ(E.t.wait_deadline, mono_now + 20 * MS);
	EQ(fd_poll_ready(&E.p, (int)t, LX_POLLIN), 0);
	mono_now += 20 * MS;
	EQ(fd_poll_ready(&E.p, (int)t, LX_POLLIN), LX_POLLIN);
	E.t.wait = RT_WAIT_NONE;
	E.t.restarting = 1;
	EQ(read8(t, &v), 8);
	EQ(v, 1);
	EQ(E.t.wait_deadline, 0); /* cleared: no stale deadline */
	E.t.restarting = 0;

	/* epoll: the host wakes at the earlier of the timeout and the expiry */
	long ep = SYS(epoll_create1, 0);
	uint64_t g = galloc(64);
	EQ(ctl(ep, ADD, t, LX_POLLIN, 0x7f), 0);
	EQ(SYS(timerfd_settime, (uint64_t)t, 0, gitimer(5 * MS, 5 * MS), 0), 0);
	uint64_t expiry = mono_now + 5 * MS;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_POLL);
	EQ(E.t.wait_deadline, expiry);
	E.t.wait = RT_WAIT_NONE;
	E.t.restarting = 1;
	mono_now += 1 * MS;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, expiry);
	mono_now = expiry;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 100, 0, 0), 1);
	EQ(ev_data(g, 0), 0x7f);
	E.t.restarting = 0;
	/* an expired, unread timer has no further deadline */
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 3, 0, 0), 1);
	EQ(SYS(epoll_ctl, (uint64_t)ep, MOD, (uint64_t)t, gevent(LX_POLLIN | EPOLLET, 0x7f)), 0);
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 3, 0, 0), 1);
	mono_now += 20 * MS;
	/* Linux moves an unread periodic timer on only at read/gettime/settime:
	 * one edge */
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, 3, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, mono_now + 3 * MS);
	E.t.wait = RT_WAIT_NONE;
	EQ(SYS(timerfd_gettime, (uint64_t)t, galloc(32)), 0);
	expiry = mono_now + 5 * MS;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, expiry);
	E.t.wait = RT_WAIT_NONE;
	mono_now = expiry;
	E.t.restarting = 1;
	EQ(SYS(epoll_pwait, (uint64_t)ep, g, 4, NEG(-1), 0, 0), 1);
	E.t.restarting = 0;
	EQ(read8(t, &v), 8);
	EQ(v, 6);
	/* the epoll as a file has the timer's deadline too */
	long outer = SYS(epoll_create1, 0);
	EQ(ctl(outer, ADD, ep, LX_POLLIN, 1), 0);
	EQ(SYS(epoll_pwait, (uint64_t)outer, g, 4, NEG(-1), 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, mono_now + 5 * MS);
	E.t.wait = RT_WAIT_NONE;
	xclose(outer);
	xclose(ep);
	xclose(t);
	env_fini();
}

int main(void)
{
	gmem.base = calloc(1, ARENA);
	gmem.size = ARENA;
	gvma[0] = (mem_vma){ .start = MEM_LOW, .end = RW_END, .prot = MEM_R | MEM_W,
			     .flags = VMA_ANON };
	gvma[1] = (mem_vma){ .start = RW_END, .end = RO_END, .prot = MEM_R, .flags = VMA_ANON };
	gmem.vma = gvma;
	gmem.nvma = 2;

	test_epoll_create_ctl();
	test_epoll_level();
	test_epoll_edge_oneshot();
	test_epoll_nested();
	test_epoll_blocking();
	test_eventfd();
	test_timerfd_basics();
	test_timerfd_blocking();

	free(gmem.base);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
