/* Signal syscalls. Delivery itself is in signal.c. */
#include <string.h>

#include "linux_abi.h"
#include "rt.h"
#include "signal_abi.h"
#include "sigmask.h"
#include "syscall.h"

#define BIT(sig) (1ULL << ((sig) - 1))

static rt_thread *find_thread(rt *r, int tid)
{
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i]->tid == tid && !r->threads[i]->exited)
			return r->threads[i];
	return NULL;
}

static int valid_sig(long sig) { return sig >= 0 && sig <= RT_NSIG; }

int64_t sys_kill(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	int pid = (int)a[0], sig = (int)a[1];
	if (!valid_sig(sig))
		return -LX_EINVAL;
	rt_siginfo info = { .code = SI_USER_CODE, .pid = t->proc->pid,
			    .uid = (int32_t)t->proc->uid };
	int hits = 0;
	for (size_t i = 0; i < r->nprocs; i++) {
		rt_proc *p = r->procs[i];
		if (p->exited)
			continue;
		int match = pid > 0 ? p->pid == pid
			  : pid == 0 ? p->pgid == t->proc->pgid
			  : pid == -1 ? p->pid != 1 && p != t->proc
			  : p->pgid == -pid;
		if (!match)
			continue;
		hits++;
		if (sig)
			rt_signal_proc_info(p, sig, &info);
	}
	return hits ? 0 : -LX_ESRCH;
}

static long send_to_thread(rt_thread *t, int tgid, int tid, int sig)
{
	rt *r = t->proc->rt;
	if (!valid_sig(sig) || tid <= 0)
		return -LX_EINVAL;
	rt_thread *target = find_thread(r, tid);
	if (!target || (tgid > 0 && target->proc->pid != tgid))
		return -LX_ESRCH;
	if (sig) {
		rt_siginfo info = { .code = SI_TKILL_CODE, .pid = t->proc->pid,
				    .uid = (int32_t)t->proc->uid };
		rt_signal_thread_info(target, sig, &info);
	}
	return 0;
}

int64_t sys_tkill(rt_thread *t, const uint64_t a[6])
{
	return send_to_thread(t, -1, (int)a[0], (int)a[1]);
}

int64_t sys_tgkill(rt_thread *t, const uint64_t a[6])
{
	if ((int)a[0] <= 0)
		return -LX_EINVAL;
	return send_to_thread(t, (int)a[0], (int)a[1], (int)a[2]);
}

int64_t sys_sigaltstack(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t sp = t->cpu.x[2];
	int on = t->altstack.size && sp - t->altstack.sp < t->altstack.size;
	if (a[1]) { /* old: stack_t { void *ss_sp; int ss_flags; size_t ss_size } */
		uint8_t old[24] = { 0 };
		int32_t flags = on ? SS_ONSTACK_F
			      : t->altstack.size ? 0 : SS_DISABLE_F;
		memcpy(old, &t->altstack.sp, 8);
		memcpy(old + 8, &flags, 4);
		memcpy(old + 16, &t->altstack.size, 8);
		if (mem_write(m, a[1], old, sizeof old))
			return -LX_EFAULT;
	}
	if (a[0]) {
		uint8_t ns[24];
		if (mem_read(m, a[0], ns, sizeof ns))
			return -LX_EFAULT;
		if (on)
			return -LX_EPERM;
		uint64_t nsp, nsize;
		int32_t flags;
		memcpy(&nsp, ns, 8);
		memcpy(&flags, ns + 8, 4);
		memcpy(&nsize, ns + 16, 8);
		if (flags & ~(SS_DISABLE_F | (int32_t)0x80000000)) /* SS_AUTODISARM ok */
			return -LX_EINVAL;
		if (flags & SS_DISABLE_F) {
			t->altstack.sp = 0;
			t->altstack.size = 0;
			t->altstack.flags = SS_DISABLE_F;
		} else {
			if (nsize < MINSIGSTKSZ_RV)
				return -LX_ENOMEM;
			t->altstack.sp = nsp;
			t->altstack.size = nsize;
			t->altstack.flags = 0;
		}
	}
	return 0;
}

int64_t sys_rt_sigaction(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int sig = (int)a[0];
	if (a[3] != 8)
		return -LX_EINVAL;
	if (sig < 1 || sig > RT_NSIG)
		return -LX_EINVAL;
	/* struct sigaction { handler; flags; mask } on riscv64: no restorer */
	if (a[2]) {
		uint64_t old[3] = { p->sigact[sig].handler, p->sigact[sig].flags,
				    p->sigact[sig].mask };
		if (mem_write(p->mem, a[2], old, sizeof old))
			return -LX_EFAULT;
	}
	if (a[1]) {
		uint64_t nw[3];
		if (mem_read(p->mem, a[1], nw, sizeof nw))
			return -LX_EFAULT;
		if (sig == SIG_KILL || sig == SIG_STOP)
			return -LX_EINVAL;
		p->sigact[sig] = (rt_sigaction_k){ nw[0], nw[1], nw[2] & ~SIG_UNBLOCKABLE };
		/* Setting a signal to be ignored discards it if pending. */
		if (nw[0] == SIG_IGN_H || (nw[0] == SIG_DFL_H &&
		    (sig == SIG_CHLD || sig == SIG_URG || sig == SIG_WINCH))) {
			rt_signal_discard(&p->sig, sig);
			for (size_t i = 0; i < p->rt->nthreads; i++)
				if (p->rt->threads[i]->proc == p)
					rt_signal_discard(&p->rt->threads[i]->sig, sig);
		}
	}
	return 0;
}

int64_t sys_rt_sigprocmask(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	if (a[3] != 8)
		return -LX_EINVAL;
	uint64_t old = t->sigmask, set;
	if (a[1]) {
		if (mem_read(m, a[1], &set, 8))
			return -LX_EFAULT;
		switch ((int)a[0]) {
		case SIG_BLOCK_H: t->sigmask |= set; break;
		case SIG_UNBLOCK_H: t->sigmask &= ~set; break;
		case SIG_SETMASK_H: t->sigmask = set; break;
		default: return -LX_EINVAL;
		}
		t->sigmask &= ~SIG_UNBLOCKABLE;
	}
	if (a[2] && mem_write(m, a[2], &old, 8)) {
		t->sigmask = old;
		return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_rt_sigpending(rt_thread *t, const uint64_t a[6])
{
	if (a[1] != 8)
		return -LX_EINVAL;
	uint64_t set = (t->sig.set | t->proc->sig.set) & t->sigmask;
	return mem_write(t->proc->mem, a[0], &set, 8) ? -LX_EFAULT : 0;
}

int64_t sys_rt_sigsuspend(rt_thread *t, const uint64_t a[6])
{
	if (a[1] != 8)
		return -LX_EINVAL;
	/* The mask in force while waiting; the old one comes back when the
	 * handler returns. */
	if (!t->restarting) {
		int r = a[0] ? sigmask_push_guest(t, a[0], a[1]) : -LX_EFAULT;
		if (r)
			return r;
	}
	t->wait = RT_WAIT_SIGNAL;
	return -RT_EBLOCK;
}

int64_t sys_rt_sigtimedwait(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	rt *r = p->rt;
	if (a[3] != 8)
		return -LX_EINVAL;
	uint64_t set;
	if (mem_read(p->mem, a[0], &set, 8))
		return -LX_EFAULT;
	set &= ~SIG_UNBLOCKABLE;
	rt_siginfo info;
	int sig = rt_signal_dequeue(t, set, &info);
	if (sig) {
		t->wait_deadline = 0;
		if (a[1]) {
			uint8_t si[128];
			rt_write_siginfo(si, sig, &info);
			if (mem_write(p->mem, a[1], si, sizeof si))
				return -LX_EFAULT;
		}
		return sig;
	}
	uint64_t now = r->host.monotonic_ns();
	if (!t->restarting) {
		t->wait_deadline = 0;
		if (a[2]) {
			int64_t ts[2];
			if (mem_read(p->mem, a[2], ts, sizeof ts))
				return -LX_EFAULT;
			if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
				return -LX_EINVAL;
			t->wait_deadline = now + (uint64_t)ts[0] * 1000000000ULL +
					   (uint64_t)ts[1];
			if (t->wait_deadline == now)
				return -LX_EAGAIN;
		}
	} else if (t->wait_deadline && now >= t->wait_deadline) {
		t->wait_deadline = 0;
		return -LX_EAGAIN;
	}
	t->wait = RT_WAIT_SIGNAL;
	return -RT_EBLOCK;
}

/* sigqueue(3): a signal with a value, to a process or to one thread. The
 * caller's si_code must say it comes from user space (negative), unless it
 * signals itself, as Linux checks. */
static int64_t queue_info(rt_thread *t, int pid, int tid, int sig, uint64_t uinfo)
{
	rt *r = t->proc->rt;
	uint8_t si[128];
	if (mem_read(t->proc->mem, uinfo, si, sizeof si))
		return -LX_EFAULT;
	if (!valid_sig(sig))
		return -LX_EINVAL;
	rt_siginfo info = { 0 };
	memcpy(&info.code, si + 8, 4);
	memcpy(&info.pid, si + 16, 4);
	memcpy(&info.uid, si + 20, 4);
	memcpy(&info.value, si + 24, 8);
	if ((info.code >= 0 || info.code == SI_TKILL_CODE) && pid != t->proc->pid)
		return -LX_EPERM;
	if (tid) {
		rt_thread *target = find_thread(r, tid);
		if (!target || target->proc->pid != pid)
			return -LX_ESRCH;
		return sig ? rt_signal_thread_info(target, sig, &info) : 0;
	}
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pid == pid && !r->procs[i]->exited)
			return sig ? rt_signal_proc_info(r->procs[i], sig, &info) : 0;
	return -LX_ESRCH;
}

int64_t sys_rt_sigqueueinfo(rt_thread *t, const uint64_t a[6])
{
	return queue_info(t, (int)a[0], 0, (int)a[1], a[2]);
}

int64_t sys_rt_tgsigqueueinfo(rt_thread *t, const uint64_t a[6])
{
	if ((int)a[1] <= 0)
		return -LX_EINVAL;
	return queue_info(t, (int)a[0], (int)a[1], (int)a[2], a[3]);
}
