/* Process and thread identity, limits, futex, and the small syscalls that
 * describe the machine (uname, sysinfo, riscv_hwprobe). */
#include <string.h>

#include <stdio.h>

#include "linux_abi.h"
#include "interp.h"
#include "vfs.h"
#include "rt.h"
#include "syscall.h"

#define NS 1000000000ULL

/* ---- exit ---- */

static void thread_exit(rt_thread *t, int code, int group)
{
	rt_proc *p = t->proc;
	rt *r = p->rt;
	if (group) {
		rt_proc_exit(p, (code & 0xff) << 8);
		return;
	}
	/* CLONE_CHILD_CLEARTID: zero the tid word and wake one waiter. */
	if (t->clear_child_tid) {
		uint32_t zero = 0;
		if (!mem_write(p->mem, t->clear_child_tid, &zero, 4)) {
			for (size_t i = 0; i < r->nthreads; i++) {
				rt_thread *w = r->threads[i];
				if (w->wait == RT_WAIT_FUTEX && w->proc->mem == p->mem &&
				    w->wait_addr == t->clear_child_tid) {
					w->wait = RT_WAIT_NONE;
					w->cpu.x[10] = 0;
					w->cpu.pc += 4;
					break;
				}
			}
		}
	}
	t->exited = 1;
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i]->proc == p && !r->threads[i]->exited)
			return;
	rt_proc_exit(p, (code & 0xff) << 8);
}

int64_t sys_exit(rt_thread *t, const uint64_t a[6])
{
	thread_exit(t, (int)a[0], 0);
	return 0;
}

int64_t sys_exit_group(rt_thread *t, const uint64_t a[6])
{
	thread_exit(t, (int)a[0], 1);
	return 0;
}

/* ---- thread bookkeeping ---- */

int64_t sys_set_tid_address(rt_thread *t, const uint64_t a[6])
{
	t->clear_child_tid = a[0];
	return t->tid;
}

int64_t sys_set_robust_list(rt_thread *t, const uint64_t a[6])
{
	if (a[1] != 24) /* sizeof(struct robust_list_head) */
		return -LX_EINVAL;
	t->robust_list = a[0];
	t->robust_len = a[1];
	return 0;
}

int64_t sys_get_robust_list(rt_thread *t, const uint64_t a[6])
{
	rt_thread *who = t;
	if (a[0] && (int)a[0] != t->tid) {
		who = NULL;
		for (size_t i = 0; i < t->proc->rt->nthreads; i++)
			if (t->proc->rt->threads[i]->tid == (int)a[0])
				who = t->proc->rt->threads[i];
		if (!who)
			return -LX_ESRCH;
	}
	uint64_t len = 24;
	if (mem_write(t->proc->mem, a[1], &who->robust_list, 8) ||
	    mem_write(t->proc->mem, a[2], &len, 8))
		return -LX_EFAULT;
	return 0;
}

/* struct rseq: cpu_id_start, cpu_id, rseq_cs, flags, node_id, mm_cid. */
#define RSEQ_SIG_LEN 32
int64_t sys_rseq(rt_thread *t, const uint64_t a[6])
{
	uint64_t addr = a[0];
	uint32_t len = (uint32_t)a[1];
	int flags = (int)a[2];
	if (flags & 1) { /* RSEQ_FLAG_UNREGISTER */
		if (!t->rseq || t->rseq != addr)
			return -LX_EINVAL;
		t->rseq = 0;
		return 0;
	}
	if (flags)
		return -LX_EINVAL;
	if (t->rseq)
		return t->rseq == addr ? -LX_EBUSY : -LX_EINVAL;
	if (len < RSEQ_SIG_LEN || (addr & 31))
		return -LX_EINVAL;
	/* One CPU, number 0: that is all the registration has to publish. */
	uint32_t ids[2] = { 0, 0 };
	uint32_t tail[2] = { 0, 0 };
	if (mem_write(t->proc->mem, addr, ids, sizeof ids) ||
	    mem_write(t->proc->mem, addr + 20, tail, sizeof tail))
		return -LX_EFAULT;
	t->rseq = addr;
	return 0;
}

/* ---- futex ---- */

enum {
	FUTEX_WAIT_OP = 0, FUTEX_WAKE_OP_ = 1, FUTEX_REQUEUE_OP = 3,
	FUTEX_CMP_REQUEUE_OP = 4, FUTEX_WAKE_OP_OP = 5, FUTEX_WAIT_BITSET_OP = 9,
	FUTEX_WAKE_BITSET_OP = 10,
	FUTEX_PRIVATE = 128, FUTEX_CLOCK_REALTIME_F = 256,
};

/* Wake up to n threads waiting on addr in the same address space; the
 * woken futex_wait returns 0. */
static int futex_wake(rt_thread *t, uint64_t addr, int n, uint32_t bitset)
{
	rt *r = t->proc->rt;
	int woken = 0;
	for (size_t i = 0; i < r->nthreads && woken < n; i++) {
		rt_thread *w = r->threads[i];
		if (w->wait != RT_WAIT_FUTEX || w->proc->mem != t->proc->mem ||
		    w->wait_addr != addr || !(w->wait_events & (int)bitset))
			continue;
		w->wait = RT_WAIT_NONE;
		w->wait_deadline = 0;
		w->cpu.x[10] = 0;
		w->cpu.pc += 4;
		woken++;
	}
	return woken;
}

static int futex_requeue(rt_thread *t, uint64_t from, uint64_t to, int wake, int move)
{
	int woken = futex_wake(t, from, wake, 0xffffffff);
	rt *r = t->proc->rt;
	int moved = 0;
	for (size_t i = 0; i < r->nthreads && moved < move; i++) {
		rt_thread *w = r->threads[i];
		if (w->wait == RT_WAIT_FUTEX && w->proc->mem == t->proc->mem &&
		    w->wait_addr == from) {
			w->wait_addr = to;
			moved++;
		}
	}
	return woken + moved;
}

int64_t sys_futex(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint64_t addr = a[0];
	int op = (int)a[1] & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME_F);
	uint32_t val = (uint32_t)a[2];
	if (addr & 3)
		return -LX_EINVAL;
	switch (op) {
	case FUTEX_WAIT_OP:
	case FUTEX_WAIT_BITSET_OP: {
		uint32_t bitset = op == FUTEX_WAIT_BITSET_OP ? (uint32_t)a[5] : ~0u;
		if (!bitset)
			return -LX_EINVAL;
		uint32_t cur;
		if (mem_read(p->mem, addr, &cur, 4))
			return -LX_EFAULT;
		if (cur != val)
			return -LX_EAGAIN;
		uint64_t deadline = 0;
		if (a[3]) {
			int64_t ts[2];
			if (mem_read(p->mem, a[3], ts, sizeof ts))
				return -LX_EFAULT;
			if (ts[0] < 0 || ts[1] < 0 || ts[1] >= (int64_t)NS)
				return -LX_EINVAL;
			uint64_t now = p->rt->host.monotonic_ns();
			uint64_t ns = (uint64_t)ts[0] * NS + (uint64_t)ts[1];
			if (op == FUTEX_WAIT_BITSET_OP) { /* absolute */
				uint64_t cnow = (a[1] & FUTEX_CLOCK_REALTIME_F)
							? p->rt->host.realtime_ns() : now;
				if (ns <= cnow)
					return -LX_ETIMEDOUT;
				deadline = now + (ns - cnow);
			} else {
				deadline = now + ns;
			}
		}
		t->wait = RT_WAIT_FUTEX;
		t->wait_addr = addr;
		t->wait_events = (int)bitset;
		t->wait_deadline = deadline;
		return -RT_EBLOCK;
	}
	case FUTEX_WAKE_OP_:
		return futex_wake(t, addr, (int)val, ~0u);
	case FUTEX_WAKE_BITSET_OP:
		if (!(uint32_t)a[5])
			return -LX_EINVAL;
		return futex_wake(t, addr, (int)val, (uint32_t)a[5]);
	case FUTEX_REQUEUE_OP:
		return futex_requeue(t, addr, a[4], (int)val, (int)a[3]);
	case FUTEX_CMP_REQUEUE_OP: {
		uint32_t cur;
		if (mem_read(p->mem, addr, &cur, 4))
			return -LX_EFAULT;
		if (cur != (uint32_t)a[5])
			return -LX_EAGAIN;
		return futex_requeue(t, addr, a[4], (int)val, (int)a[3]);
	}
	case FUTEX_WAKE_OP_OP: {
		/* *uaddr2 = *uaddr2 OP oparg; wake uaddr; if (old CMP cmparg)
		 * also wake uaddr2. */
		uint32_t enc = (uint32_t)a[5], old;
		uint64_t addr2 = a[4];
		if (mem_read(p->mem, addr2, &old, 4))
			return -LX_EFAULT;
		int opn = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
		uint32_t oparg = (enc >> 12) & 0xfff, cmparg = enc & 0xfff;
		if (enc & (8u << 28))
			oparg = 1u << (oparg & 31);
		uint32_t nv;
		switch (opn) {
		case 0: nv = oparg; break;
		case 1: nv = old + oparg; break;
		case 2: nv = old | oparg; break;
		case 3: nv = old & ~oparg; break;
		case 4: nv = old ^ oparg; break;
		default: return -LX_ENOSYS;
		}
		if (mem_write(p->mem, addr2, &nv, 4))
			return -LX_EFAULT;
		int hit;
		switch (cmp) {
		case 0: hit = old == cmparg; break;
		case 1: hit = old != cmparg; break;
		case 2: hit = (int32_t)old < (int32_t)cmparg; break;
		case 3: hit = (int32_t)old <= (int32_t)cmparg; break;
		case 4: hit = (int32_t)old > (int32_t)cmparg; break;
		case 5: hit = (int32_t)old >= (int32_t)cmparg; break;
		default: return -LX_ENOSYS;
		}
		int n = futex_wake(t, addr, (int)val, ~0u);
		if (hit)
			n += futex_wake(t, addr2, (int)a[3], ~0u);
		return n;
	}
	default:
		return -LX_ENOSYS;
	}
}

/* ---- scheduling ---- */

int64_t sys_sched_yield(rt_thread *t, const uint64_t a[6])
{
	(void)t; (void)a;
	return 0;
}

/* Nice values. Lowering one needs CAP_SYS_NICE or RLIMIT_NICE, and a
 * container gets neither (Docker's default capabilities leave it out). */
enum { PRIO_PROCESS_W = 0, PRIO_PGRP_W = 1, PRIO_USER_W = 2 };

static int prio_matches(const rt_thread *t, const rt_proc *q, int which, int who)
{
	const rt_proc *p = t->proc;
	if (q->exited)
		return 0;
	switch (which) {
	case PRIO_PROCESS_W: return q->pid == (who ? who : p->pid);
	case PRIO_PGRP_W: return q->pgid == (who ? who : p->pgid);
	case PRIO_USER_W: return q->uid == (uint32_t)(who ? who : (int)p->euid);
	}
	return 0;
}

int64_t sys_getpriority(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	int which = (int)a[0], who = (int)a[1];
	if (which < PRIO_PROCESS_W || which > PRIO_USER_W)
		return -LX_EINVAL;
	int best = 0; /* the kernel's form: 20 - nice, 1..40 */
	for (size_t i = 0; i < r->nprocs; i++)
		if (prio_matches(t, r->procs[i], which, who) && 20 - r->procs[i]->nice > best)
			best = 20 - r->procs[i]->nice;
	return best ? best : -LX_ESRCH;
}

int64_t sys_setpriority(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	int which = (int)a[0], who = (int)a[1], nice = (int)a[2];
	if (which < PRIO_PROCESS_W || which > PRIO_USER_W)
		return -LX_EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	int found = 0, err = 0;
	for (size_t i = 0; i < r->nprocs; i++) {
		rt_proc *q = r->procs[i];
		if (!prio_matches(t, q, which, who))
			continue;
		found = 1;
		if (t->proc->euid && q->uid != t->proc->euid)
			err = -LX_EPERM;
		else if (nice < q->nice)
			err = -LX_EACCES;
		else
			q->nice = nice;
	}
	return !found ? -LX_ESRCH : err;
}

/* membarrier: the guest's threads run one at a time on one hart, and a
 * switch between them is a full barrier, so every barrier has already
 * happened when the call is made. What is left is Linux's bookkeeping: the
 * commands it knows, and the registration the private ones require. */
enum {
	MB_QUERY = 0, MB_GLOBAL = 1, MB_GLOBAL_EXP = 2, MB_REG_GLOBAL_EXP = 4,
	MB_PRIV_EXP = 8, MB_REG_PRIV_EXP = 16, MB_PRIV_EXP_SYNC = 32,
	MB_REG_PRIV_EXP_SYNC = 64, MB_PRIV_EXP_RSEQ = 128, MB_REG_PRIV_EXP_RSEQ = 256,
	MB_ALL = 511,
};

int64_t sys_membarrier(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int cmd = (int)a[0];
	unsigned flags = (unsigned)a[1];
	if (flags && !(cmd == MB_PRIV_EXP_RSEQ && flags == 1)) /* FLAG_CPU */
		return -LX_EINVAL;
	switch (cmd) {
	case MB_QUERY:
		return MB_ALL;
	case MB_GLOBAL:
	case MB_GLOBAL_EXP:
		return 0;
	case MB_REG_GLOBAL_EXP:
	case MB_REG_PRIV_EXP:
	case MB_REG_PRIV_EXP_SYNC:
	case MB_REG_PRIV_EXP_RSEQ:
		p->membarrier_reg |= (unsigned)cmd;
		return 0;
	case MB_PRIV_EXP:
	case MB_PRIV_EXP_SYNC:
	case MB_PRIV_EXP_RSEQ:
		/* Each needs its registration, which is the command's bit * 2. */
		return (p->membarrier_reg & ((unsigned)cmd << 1)) ? 0 : -LX_EPERM;
	}
	return -LX_EINVAL;
}

/* The guest sees one CPU: the runtime runs one hart at a time. */
int64_t sys_sched_getaffinity(rt_thread *t, const uint64_t a[6])
{
	uint64_t len = a[1];
	if (len < 8 || (len & 7))
		return -LX_EINVAL;
	uint64_t mask = 1;
	if (mem_write(t->proc->mem, a[2], &mask, 8))
		return -LX_EFAULT;
	return 8;
}

int64_t sys_sched_setaffinity(rt_thread *t, const uint64_t a[6])
{
	uint64_t mask = 0;
	if (a[1] < 1)
		return -LX_EINVAL;
	if (mem_read(t->proc->mem, a[2], &mask, a[1] < 8 ? a[1] : 8))
		return -LX_EFAULT;
	return (mask & 1) ? 0 : -LX_EINVAL;
}

/* ---- identity ---- */

int64_t sys_getpid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->pid; }
int64_t sys_getppid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->ppid; }
int64_t sys_gettid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->tid; }
int64_t sys_getuid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->uid; }
int64_t sys_geteuid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->euid; }
int64_t sys_getgid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->gid; }
int64_t sys_getegid(rt_thread *t, const uint64_t a[6]) { (void)a; return t->proc->egid; }

/* set*id: root may set anything; others only to ids they already hold. */
static int may_set(const rt_proc *p, uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return p->euid == 0 || id == r || id == e || id == s;
}

int64_t sys_setuid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint32_t id = (uint32_t)a[0];
	if ((int32_t)id < 0)
		return -LX_EINVAL;
	if (p->euid == 0)
		p->uid = p->euid = p->suid = id;
	else if (may_set(p, id, p->uid, p->euid, p->suid))
		p->euid = id;
	else
		return -LX_EPERM;
	return 0;
}

int64_t sys_setgid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint32_t id = (uint32_t)a[0];
	if ((int32_t)id < 0)
		return -LX_EINVAL;
	if (p->euid == 0)
		p->gid = p->egid = p->sgid = id;
	else if (may_set(p, id, p->gid, p->egid, p->sgid))
		p->egid = id;
	else
		return -LX_EPERM;
	return 0;
}

static long setres(rt_proc *p, const uint64_t a[6], uint32_t *r, uint32_t *e,
		   uint32_t *s)
{
	uint32_t v[3] = { (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2] };
	for (int i = 0; i < 3; i++)
		if (v[i] != UINT32_MAX && !may_set(p, v[i], *r, *e, *s))
			return -LX_EPERM;
	if (v[0] != UINT32_MAX) *r = v[0];
	if (v[1] != UINT32_MAX) *e = v[1];
	if (v[2] != UINT32_MAX) *s = v[2];
	return 0;
}

int64_t sys_setresuid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	return setres(p, a, &p->uid, &p->euid, &p->suid);
}

int64_t sys_setresgid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	return setres(p, a, &p->gid, &p->egid, &p->sgid);
}

static long getres(rt_proc *p, const uint64_t a[6], uint32_t r, uint32_t e, uint32_t s)
{
	if (mem_write(p->mem, a[0], &r, 4) || mem_write(p->mem, a[1], &e, 4) ||
	    mem_write(p->mem, a[2], &s, 4))
		return -LX_EFAULT;
	return 0;
}

int64_t sys_getresuid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	return getres(p, a, p->uid, p->euid, p->suid);
}

int64_t sys_getresgid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	return getres(p, a, p->gid, p->egid, p->sgid);
}

int64_t sys_getgroups(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int n = (int)a[0];
	if (n < 0)
		return -LX_EINVAL;
	if (n == 0)
		return p->ngroups;
	if (n < p->ngroups)
		return -LX_EINVAL;
	if (mem_write(p->mem, a[1], p->groups, (size_t)p->ngroups * 4))
		return -LX_EFAULT;
	return p->ngroups;
}

int64_t sys_setgroups(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int n = (int)a[0];
	if (p->euid != 0)
		return -LX_EPERM;
	if (n < 0 || n > (int)(sizeof p->groups / sizeof p->groups[0]))
		return -LX_EINVAL;
	if (n && mem_read(p->mem, a[1], p->groups, (size_t)n * 4))
		return -LX_EFAULT;
	p->ngroups = n;
	return 0;
}

static rt_proc *proc_by_pid(rt_thread *t, int pid)
{
	if (pid == 0)
		return t->proc;
	rt *r = t->proc->rt;
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pid == pid && !r->procs[i]->exited)
			return r->procs[i];
	return NULL;
}

int64_t sys_setpgid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *self = t->proc, *p = proc_by_pid(t, (int)a[0]);
	rt *r = self->rt;
	int pgid = (int)a[1];
	if (pgid < 0)
		return -LX_EINVAL;
	/* The caller or one of its children, not yet exec'd, same session. */
	if (!p || (p != self && p->ppid != self->pid))
		return -LX_ESRCH;
	if (p != self && p->execed)
		return -LX_EACCES;
	if (p->sid != self->sid || p->sid == p->pid)
		return -LX_EPERM;
	if (!pgid)
		pgid = p->pid;
	/* Joining a group: it must exist in the same session. */
	if (pgid != p->pid) {
		int found = 0;
		for (size_t i = 0; i < r->nprocs && !found; i++)
			found = r->procs[i]->pgid == pgid && !r->procs[i]->exited &&
				r->procs[i]->sid == self->sid;
		if (!found)
			return -LX_EPERM;
	}
	p->pgid = pgid;
	return 0;
}

int64_t sys_getpgid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = proc_by_pid(t, (int)a[0]);
	return p ? p->pgid : -LX_ESRCH;
}

int64_t sys_getsid(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = proc_by_pid(t, (int)a[0]);
	return p ? p->sid : -LX_ESRCH;
}

int64_t sys_setsid(rt_thread *t, const uint64_t a[6])
{
	(void)a;
	rt_proc *p = t->proc;
	rt *r = p->rt;
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pgid == p->pid && !r->procs[i]->exited)
			return -LX_EPERM; /* already a group leader */
	p->sid = p->pgid = p->pid;
	return p->sid;
}

/* ---- the machine ---- */

int64_t sys_uname(rt_thread *t, const uint64_t a[6])
{
	char u[6][65];
	memset(u, 0, sizeof u);
	strcpy(u[0], "Linux");
	snprintf(u[1], sizeof u[1], "%s", vfs_hostname(t->proc->rt->vfs));
	strcpy(u[2], "6.1.0-friscy");
	strcpy(u[3], "#1 SMP PREEMPT friscy");
	strcpy(u[4], "riscv64");
	strcpy(u[5], "(none)");
	return mem_write(t->proc->mem, a[0], u, sizeof u) ? -LX_EFAULT : 0;
}

int64_t sys_sethostname(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	size_t len = a[1];
	if (p->euid != 0)
		return -LX_EPERM;
	if (len > 64)
		return -LX_EINVAL;
	char name[65] = { 0 };
	if (mem_read(p->mem, a[0], name, len))
		return -LX_EFAULT;
	vfs_set_hostname(p->rt->vfs, name);
	return 0;
}

int64_t sys_sysinfo(rt_thread *t, const uint64_t a[6])
{
	rt *r = t->proc->rt;
	uint8_t si[112] = { 0 };
	uint64_t uptime = (r->host.monotonic_ns() - r->boot_monotonic_ns) / NS;
	uint64_t total = r->opt.arena_size, used = 0;
	rv_mem *m = t->proc->mem;
	for (size_t i = 0; i < m->nvma; i++)
		used += m->vma[i].end - m->vma[i].start;
	uint64_t freeram = total > used ? total - used : 0;
	uint16_t procs = (uint16_t)r->nthreads;
	uint32_t unit = 1;
	memcpy(si + 0, &uptime, 8);
	memcpy(si + 32, &total, 8);
	memcpy(si + 40, &freeram, 8);
	memcpy(si + 80, &procs, 2);
	memcpy(si + 104, &unit, 4);
	return mem_write(m, a[0], si, sizeof si) ? -LX_EFAULT : 0;
}

enum { RLIM_NOFILE = 7, RLIM_NLIMITS = 16 };

static long rlimit_io(rt_thread *t, rt_proc *p, int res, uint64_t newp, uint64_t oldp)
{
	if (res < 0 || res >= RLIM_NLIMITS)
		return -LX_EINVAL;
	uint64_t nv[2];
	if (newp) {
		if (mem_read(t->proc->mem, newp, nv, sizeof nv))
			return -LX_EFAULT;
		if (nv[0] > nv[1])
			return -LX_EINVAL;
		if (nv[1] > p->rlimit[res].max && p->euid != 0)
			return -LX_EPERM;
		if (res == RLIM_NOFILE && nv[1] > 1024 * 1024)
			return -LX_EPERM;
	}
	if (oldp) {
		uint64_t ov[2] = { p->rlimit[res].cur, p->rlimit[res].max };
		if (mem_write(t->proc->mem, oldp, ov, sizeof ov))
			return -LX_EFAULT;
	}
	if (newp) {
		p->rlimit[res].cur = nv[0];
		p->rlimit[res].max = nv[1];
	}
	return 0;
}

int64_t sys_getrlimit(rt_thread *t, const uint64_t a[6])
{
	return rlimit_io(t, t->proc, (int)a[0], 0, a[1]);
}

int64_t sys_setrlimit(rt_thread *t, const uint64_t a[6])
{
	return rlimit_io(t, t->proc, (int)a[0], a[1], 0);
}

int64_t sys_prlimit64(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = proc_by_pid(t, (int)a[0]);
	if (!p)
		return -LX_ESRCH;
	return rlimit_io(t, p, (int)a[1], a[2], a[3]);
}

int64_t sys_getrusage(rt_thread *t, const uint64_t a[6])
{
	int who = (int)a[0];
	if (who != 0 && who != -1 && who != 1) /* SELF, CHILDREN, THREAD */
		return -LX_EINVAL;
	uint8_t ru[144] = { 0 };
	if (who != -1) {
		uint64_t ns = t->proc->rt->host.monotonic_ns() - t->proc->start_ns;
		int64_t utime[2] = { (int64_t)(ns / NS), (int64_t)(ns % NS / 1000) };
		memcpy(ru, utime, sizeof utime);
		int64_t maxrss = 0;
		rv_mem *m = t->proc->mem;
		for (size_t i = 0; i < m->nvma; i++)
			maxrss += (int64_t)(m->vma[i].end - m->vma[i].start);
		maxrss /= 1024;
		memcpy(ru + 32, &maxrss, 8);
	}
	return mem_write(t->proc->mem, a[1], ru, sizeof ru) ? -LX_EFAULT : 0;
}

enum {
	PR_SET_PDEATHSIG_ = 1, PR_GET_PDEATHSIG_ = 2, PR_GET_DUMPABLE_ = 3,
	PR_SET_DUMPABLE_ = 4, PR_SET_NAME_ = 15, PR_GET_NAME_ = 16,
	PR_SET_CHILD_SUBREAPER_ = 36, PR_GET_CHILD_SUBREAPER_ = 37,
	PR_SET_NO_NEW_PRIVS_ = 38, PR_GET_NO_NEW_PRIVS_ = 39,
};

int64_t sys_prctl(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	switch ((int)a[0]) {
	case PR_SET_NAME_: {
		char name[16] = { 0 };
		long n = mem_read_str(p->mem, a[1], name, sizeof name);
		if (n == -LX_EFAULT)
			return -LX_EFAULT;
		name[15] = 0;
		memcpy(p->comm, name, sizeof name);
		return 0;
	}
	case PR_GET_NAME_:
		return mem_write(p->mem, a[1], p->comm, 16) ? -LX_EFAULT : 0;
	case PR_SET_DUMPABLE_:
		return a[1] > 1 ? -LX_EINVAL : 0;
	case PR_GET_DUMPABLE_:
		return 1;
	case PR_SET_PDEATHSIG_:
		return a[1] > RT_NSIG ? -LX_EINVAL : 0;
	case PR_GET_PDEATHSIG_: {
		int32_t zero = 0;
		return mem_write(p->mem, a[1], &zero, 4) ? -LX_EFAULT : 0;
	}
	case PR_SET_NO_NEW_PRIVS_:
		return a[1] != 1 ? -LX_EINVAL : 0;
	case PR_GET_NO_NEW_PRIVS_:
		return 0;
	default:
		return -LX_EINVAL;
	}
}

/* riscv_hwprobe keys this runtime answers; others get key -1. */
enum {
	HWPROBE_MVENDORID = 0, HWPROBE_MARCHID = 1, HWPROBE_MIMPID = 2,
	HWPROBE_BASE_BEHAVIOR = 3, HWPROBE_IMA_EXT_0 = 4, HWPROBE_CPUPERF_0 = 5,
};

int64_t sys_riscv_hwprobe(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t pairs = a[0], n = a[1];
	if (a[4])
		return -LX_EINVAL;
	if (n > 4096)
		return -LX_EINVAL;
	for (uint64_t i = 0; i < n; i++) {
		int64_t kv[2];
		if (mem_read(m, pairs + i * 16, kv, sizeof kv))
			return -LX_EFAULT;
		switch (kv[0]) {
		case HWPROBE_MVENDORID: case HWPROBE_MARCHID: case HWPROBE_MIMPID:
			kv[1] = 0;
			break;
		case HWPROBE_BASE_BEHAVIOR:
			kv[1] = 1; /* IMA */
			break;
		case HWPROBE_IMA_EXT_0:
			kv[1] = 1 << 0 | 1 << 1; /* FD, C */
			break;
		case HWPROBE_CPUPERF_0:
			kv[1] = 3; /* misaligned accesses are fast (done by the host) */
			break;
		default:
			kv[0] = -1;
			kv[1] = 0;
		}
		if (mem_write(m, pairs + i * 16, kv, sizeof kv))
			return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_riscv_flush_icache(rt_thread *t, const uint64_t a[6])
{
	if (a[2] & ~1ULL)
		return -LX_EINVAL;
	rv_mem *m = t->proc->mem;
	uint64_t start = a[0], end = a[1];
	if (end <= start || end > m->size)
		interp_flush(m, 0, m->size);
	else
		interp_flush(m, start, end - start);
	return 0;
}

int64_t sys_getrandom(rt_thread *t, const uint64_t a[6])
{
	if (a[2] & ~7ULL)
		return -LX_EINVAL;
	uint64_t n = a[1] > 33554431 ? 33554431 : a[1];
	uint8_t *p = mem_check(t->proc->mem, a[0], n, MEM_W);
	if (!p)
		return -LX_EFAULT;
	t->proc->rt->host.random(p, (size_t)n);
	return (long)n;
}

/* ---- wait4 ---- */

enum { WNOHANG_F = 1, WUNTRACED_F = 2, WCONTINUED_F = 8, WALL_F = 0x40000000,
       WCLONE_F = (int)0x80000000, WNOTHREAD_F = 0x20000000 };

static int wait_matches(const rt_proc *self, const rt_proc *c, int pid)
{
	if (c->ppid != self->pid || c->reaped)
		return 0;
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == self->pgid;
	if (pid < -1)
		return c->pgid == -pid;
	return 1;
}

int64_t sys_wait4(rt_thread *t, const uint64_t a[6])
{
	rt_proc *self = t->proc;
	rt *r = self->rt;
	int pid = (int)a[0], opts = (int)a[2];
	if (opts & ~(WNOHANG_F | WUNTRACED_F | WCONTINUED_F | WALL_F | WCLONE_F |
		     WNOTHREAD_F) || pid == INT32_MIN)
		return -LX_EINVAL;
	int children = 0;
	for (size_t i = 0; i < r->nprocs; i++) {
		rt_proc *c = r->procs[i];
		if (!wait_matches(self, c, pid))
			continue;
		children++;
		if (!c->exited)
			continue;
		int32_t status = c->exit_status;
		if (a[1] && mem_write(self->mem, a[1], &status, 4))
			return -LX_EFAULT;
		if (a[3]) {
			uint8_t ru[144] = { 0 };
			if (mem_write(self->mem, a[3], ru, sizeof ru))
				return -LX_EFAULT;
		}
		c->reaped = 1;
		return c->pid;
	}
	if (!children)
		return -LX_ECHILD;
	if (opts & WNOHANG_F)
		return 0;
	t->wait = RT_WAIT_CHILD;
	return -RT_EBLOCK;
}
