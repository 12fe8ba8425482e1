/* eventfd2: a 64-bit counter as a file (Linux's fs/eventfd.c).
 *
 * A read takes the whole count (EFD_SEMAPHORE: one) and a write adds to
 * it. Neither blocks here: when the count is 0, or when adding would reach
 * 0xffffffffffffffff, they return -EAGAIN and sys_fs.c blocks the thread
 * on POLLIN/POLLOUT (RT_WAIT_FD) unless the file is O_NONBLOCK; the
 * scheduler retries when fd_poll_ready says so.
 *
 * Not done:
 *  - /proc/self/fdinfo ("eventfd-count:", "eventfd-id:").
 *  - lseek: Linux answers 0 (noop_llseek); sys_lseek says ESPIPE.
 *  - A read into a buffer that faults: Linux takes the count, then says
 *    EFAULT; here sys_fs.c checks the buffer first and nothing is taken.
 *  - The eventfd2 with 0xffffffffffffffff in the count (possible in Linux
 *    only through a kernel-side eventfd_signal) never happens, so POLLERR
 *    is never reported. */
#include <stdlib.h>
#include <string.h>
#include "syscall.h"
#include "linux_abi.h"
#include "fd.h"

#define EFD_SEMAPHORE 1
#define EFD_FLAGS (LX_O_CLOEXEC | LX_O_NONBLOCK | EFD_SEMAPHORE)

typedef struct efd {
	uint64_t count;
	int semaphore;
	/* Wakeups Linux gives (fd_ops.changes): every write wakes readers,
	 * every read wakes writers. */
	uint64_t in_wakes, out_wakes;
} efd;

static long efd_read(rt_thread *t, fd_file *f, void *buf, size_t n)
{
	efd *e = f->priv;
	(void)t;
	if (n < sizeof e->count)
		return -LX_EINVAL;
	if (!e->count)
		return -LX_EAGAIN;
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	e->out_wakes++;
	memcpy(buf, &v, sizeof v);
	return sizeof v;
}

static long efd_write(rt_thread *t, fd_file *f, const void *buf, size_t n)
{
	efd *e = f->priv;
	uint64_t v;
	(void)t;
	if (n < sizeof v)
		return -LX_EINVAL;
	memcpy(&v, buf, sizeof v);
	if (v == UINT64_MAX)
		return -LX_EINVAL;
	if (UINT64_MAX - e->count <= v)
		return -LX_EAGAIN;
	e->count += v;
	e->in_wakes++;
	return sizeof v;
}

static int efd_poll(rt_proc *p, fd_file *f, int events)
{
	const efd *e = f->priv;
	int m = 0;
	(void)p;
	(void)events;
	if (e->count > 0)
		m |= LX_POLLIN;
	if (e->count == UINT64_MAX)
		m |= LX_POLLERR;
	if (UINT64_MAX - 1 > e->count)
		m |= LX_POLLOUT;
	return m;
}

static uint64_t efd_changes(rt_proc *p, fd_file *f, int events)
{
	const efd *e = f->priv;
	(void)p;
	return ((events & (LX_POLLIN | LX_POLLRDNORM)) ? e->in_wakes : 0) +
	       ((events & (LX_POLLOUT | LX_POLLWRNORM)) ? e->out_wakes : 0);
}

static void efd_release(fd_file *f)
{
	free(f->priv);
}

static const struct fd_ops efd_ops = {
	.name = "anon_inode:[eventfd]",
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
	.changes = efd_changes,
};

int64_t sys_eventfd2(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint32_t flags = (uint32_t)a[1];
	if (flags & ~(uint32_t)EFD_FLAGS)
		return -LX_EINVAL;
	efd *e = calloc(1, sizeof *e);
	if (!e)
		return -LX_ENOMEM;
	e->count = (uint32_t)a[0]; /* an unsigned int in Linux */
	e->semaphore = (flags & EFD_SEMAPHORE) != 0;
	fd_file *f = fd_anon_new(p, &efd_ops, e, LX_O_RDWR | (flags & LX_O_NONBLOCK));
	if (!f) {
		free(e);
		return -LX_ENOMEM;
	}
	int fd = fd_install(p, f, 0, flags & LX_O_CLOEXEC);
	fd_file_unref(f);
	return fd;
}
