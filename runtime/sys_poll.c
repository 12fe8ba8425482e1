/* poll and select: ppoll and pselect6 over every kind of descriptor.
 *
 * When nothing is ready and the timeout allows, the thread blocks with
 * RT_WAIT_POLL (and wait_deadline for a timeout) and the scheduler runs
 * the syscall again from scratch whenever a descriptor may have changed or
 * the deadline passed. On such a retry (t->restarting) the deadline kept
 * in t->wait_deadline is reused, so a timeout does not restart. A signal
 * mask given to ppoll/pselect6 stays in force while blocked (the saved one
 * is in t->saved_sigmask) and is restored when the call returns. */
#include <stdlib.h>
#include <string.h>
#include "sigmask.h"
#include "syscall.h"
#include "linux_abi.h"
#include "fd.h"

static uint64_t now_ns(rt_thread *t)
{
	rt *r = t->proc->rt;
	return r && r->host.monotonic_ns ? r->host.monotonic_ns() : 0;
}

/* Read a timeout; *deadline = 0 means none, *zero = poll once. */
static int get_timeout(rt_thread *t, uint64_t g, uint64_t *deadline, int *zero)
{
	struct lx_timespec ts;
	*deadline = 0;
	*zero = 0;
	if (!g)
		return 0;
	if (mem_read(t->proc->mem, g, &ts, sizeof ts) < 0)
		return -LX_EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -LX_EINVAL;
	if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
		*zero = 1;
		return 0;
	}
	if (t->restarting && t->wait_deadline) {
		*deadline = t->wait_deadline;
		return 0;
	}
	uint64_t now = now_ns(t), d;
	if ((uint64_t)ts.tv_sec > (UINT64_MAX - now) / 1000000000ULL - 1)
		d = UINT64_MAX;
	else
		d = now + (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	*deadline = d ? d : 1;
	return 0;
}

/* Write back the time left, as Linux does (errors ignored, like Linux). */
static void put_remaining(rt_thread *t, uint64_t g, uint64_t deadline)
{
	if (!g || !deadline)
		return;
	uint64_t now = now_ns(t), left = deadline > now ? deadline - now : 0;
	struct lx_timespec ts = { (int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL) };
	mem_write(t->proc->mem, g, &ts, sizeof ts);
}

/* Nothing ready: block, or report a timeout. */
static long wait_or_timeout(rt_thread *t, uint64_t deadline, int zero)
{
	if (zero || (deadline && now_ns(t) >= deadline))
		return 0;
	t->wait = RT_WAIT_POLL;
	t->wait_deadline = deadline;
	return -RT_EBLOCK;
}

int64_t sys_ppoll(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint64_t nfds = a[1], deadline;
	int zero, r;
	if (nfds > (uint64_t)fd_limit(p))
		return -LX_EINVAL;
	if (a[3] && a[4] != 8)
		return -LX_EINVAL;
	if ((r = get_timeout(t, a[2], &deadline, &zero)) < 0)
		return r;
	size_t bytes = (size_t)nfds * sizeof(struct lx_pollfd);
	struct lx_pollfd *pfd = malloc(bytes ? bytes : 1);
	if (!pfd)
		return -LX_ENOMEM;
	if (bytes && mem_read(p->mem, a[0], pfd, bytes) < 0) {
		free(pfd);
		return -LX_EFAULT;
	}
	if ((r = sigmask_push_guest(t, a[3], a[4])) < 0) {
		free(pfd);
		return r;
	}
	long count = 0;
	for (uint64_t i = 0; i < nfds; i++) {
		pfd[i].revents = 0;
		if (pfd[i].fd < 0)
			continue;
		int events = (uint16_t)pfd[i].events;
		int m = fd_poll_ready(p, pfd[i].fd, events | LX_POLLERR | LX_POLLHUP);
		pfd[i].revents = (int16_t)(m & (events | LX_POLLERR | LX_POLLHUP | LX_POLLNVAL));
		if (pfd[i].revents)
			count++;
	}
	if (!count) {
		long w = wait_or_timeout(t, deadline, zero);
		if (w == -RT_EBLOCK) {
			free(pfd);
			return w;
		}
	}
	if (bytes && mem_write(p->mem, a[0], pfd, bytes) < 0)
		count = -LX_EFAULT;
	free(pfd);
	put_remaining(t, a[2], deadline);
	sigmask_pop(t, a[3]);
	return count;
}

#define SEL_IN (LX_POLLIN | LX_POLLRDNORM | LX_POLLRDBAND | LX_POLLHUP | LX_POLLERR)
#define SEL_OUT (LX_POLLOUT | LX_POLLWRNORM | LX_POLLWRBAND | LX_POLLERR)
#define SEL_EX LX_POLLPRI

int64_t sys_pselect6(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int n = (int)a[0], zero, r;
	uint64_t deadline, sig[2] = { 0, 0 };
	if (n < 0)
		return -LX_EINVAL;
	if (n > fd_limit(p))
		n = fd_limit(p);
	size_t words = ((size_t)n + 63) / 64, bytes = words * 8;
	uint64_t *set[3] = { NULL, NULL, NULL }, *res[3] = { NULL, NULL, NULL };
	long count = 0;
	if ((r = get_timeout(t, a[4], &deadline, &zero)) < 0)
		return r;
	if (a[5] && mem_read(p->mem, a[5], sig, sizeof sig) < 0)
		return -LX_EFAULT;
	for (int k = 0; k < 3; k++) {
		set[k] = calloc(words + 1, 8);
		res[k] = calloc(words + 1, 8);
		if (!set[k] || !res[k]) {
			count = -LX_ENOMEM;
			goto out;
		}
		if (a[1 + k] && bytes && mem_read(p->mem, a[1 + k], set[k], bytes) < 0) {
			count = -LX_EFAULT;
			goto out;
		}
	}
	if (n % 64)
		for (int k = 0; k < 3; k++)
			set[k][words - 1] &= (1ULL << (n % 64)) - 1;
	for (int fd = 0; fd < n; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		size_t w = (size_t)fd / 64;
		int want_in = (set[0][w] & bit) != 0, want_out = (set[1][w] & bit) != 0;
		int want_ex = (set[2][w] & bit) != 0;
		if (!want_in && !want_out && !want_ex)
			continue;
		fd_file *f = fd_get(p, fd);
		if (!f || f->kind == FD_PATH) {
			count = -LX_EBADF;
			goto out;
		}
		int events = (want_in ? SEL_IN : 0) | (want_out ? SEL_OUT : 0) | (want_ex ? SEL_EX : 0);
		int m = fd_file_poll(p, f, events);
		if (want_in && (m & SEL_IN)) {
			res[0][w] |= bit;
			count++;
		}
		if (want_out && (m & SEL_OUT)) {
			res[1][w] |= bit;
			count++;
		}
		if (want_ex && (m & SEL_EX)) {
			res[2][w] |= bit;
			count++;
		}
	}
	if (a[5] && sig[0] && (r = sigmask_push_guest(t, sig[0], sig[1])) < 0) {
		count = r;
		goto out;
	}
	if (!count) {
		long wr = wait_or_timeout(t, deadline, zero);
		if (wr == -RT_EBLOCK) {
			count = wr;
			goto out;
		}
	}
	for (int k = 0; k < 3; k++) {
		if (a[1 + k] && bytes && mem_write(p->mem, a[1 + k], res[k], bytes) < 0) {
			count = -LX_EFAULT;
			break;
		}
	}
	put_remaining(t, a[4], deadline);
	if (a[5])
		sigmask_pop(t, sig[0]);
out:
	for (int k = 0; k < 3; k++) {
		free(set[k]);
		free(res[k]);
	}
	return count;
}
