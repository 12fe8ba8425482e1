/* Temporary signal masks: ppoll, pselect6, epoll_pwait(2) and
 * rt_sigsuspend wait with a mask of the caller's choosing. The thread's own
 * mask is kept in saved_sigmask and comes back when the call returns, or,
 * when a handler interrupts the wait, when that handler returns (signal.c
 * puts saved_sigmask in the signal frame). */
#ifndef SIGMASK_H
#define SIGMASK_H

#include "linux_abi.h"
#include "rt.h"
#include "signal_abi.h"

/* Install the sigset_t at guest address g (size bytes) for the wait; g = 0
 * keeps the current mask. 0, -EINVAL (size) or -EFAULT. */
static inline int sigmask_push_guest(rt_thread *t, uint64_t g, uint64_t size)
{
	uint64_t mask;
	if (!g)
		return 0;
	if (size != sizeof mask)
		return -LX_EINVAL;
	if (mem_read(t->proc->mem, g, &mask, sizeof mask) < 0)
		return -LX_EFAULT;
	if (!t->has_saved_sigmask) {
		t->saved_sigmask = t->sigmask;
		t->has_saved_sigmask = 1;
	}
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	return 0;
}

/* The call returns normally: the thread's own mask again (if g installed one). */
static inline void sigmask_pop(rt_thread *t, uint64_t g)
{
	if (g && t->has_saved_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->has_saved_sigmask = 0;
	}
}

#endif
