/* Processes, threads and the step-function run loop (DESIGN.md 3 and 7). */
#include "linux_abi.h"
#include "rt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot.h"
#include "elf_load.h"
#include "fd.h"
#include "interp.h"
#include "signal_abi.h"
#include "tty.h"
#include "syscall.h"
#include "vfs.h"

#define SLICE 200000 /* instructions a thread runs before others get a turn */
#define NS 1000000000ULL

void rt_logf(rt *r, const char *fmt, ...)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "friscy: ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	r->host.log(line);
}

rt_thread *rt_current(rt *r)
{
	return r->current < r->nthreads ? r->threads[r->current] : NULL;
}

static rt *trace_rt; /* interp_trace has no context argument */

static void trace_block(const rv_cpu *c)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "pc=%llx", (unsigned long long)c->pc);
	for (int i = 1; i < 32 && n < (int)sizeof line - 40; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llx",
			      rv_xreg_name[i], (unsigned long long)c->x[i]);
	trace_rt->host.log(line);
}

static uint64_t time_ticks(void)
{
	/* rdtime counts at 10 MHz, as on common riscv64 boards and in qemu. */
	return trace_rt ? trace_rt->host.monotonic_ns() / 100 : 0;
}

rt *rt_new(const rt_options *opt, const rt_host *host, const uint8_t *tar,
	   size_t tar_len, const char *tar_name, char *err, size_t errcap)
{
	rt *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	r->opt = *opt;
	if (!r->opt.arena_size)
		r->opt.arena_size = 1ULL << 30;
	r->host = *host;
	r->vfs = vfs_new(tar, tar_len, tar_name, err, errcap);
	if (!r->vfs) {
		free(r);
		return NULL;
	}
	r->next_pid = 1;
	r->boot_realtime_ns = host->realtime_ns();
	r->boot_monotonic_ns = host->monotonic_ns();
	trace_rt = r;
	interp_time_hook = time_ticks;
	interp_trace = opt->trace ? trace_block : NULL;
	return r;
}

static void proc_free(rt_proc *p)
{
	if (p->mem && --p->mem->refs == 0)
		mem_free(p->mem);
	if (p->fds)
		fd_table_unref(p->fds);
	if (p->cwd)
		vfs_node_unref(p->cwd);
	rt_sigpend_free(&p->sig);
	free(p->exe);
	free(p->cmdline);
	free(p->environ);
	free(p);
}

void rt_free(rt *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nthreads; i++) {
		rt_sigpend_free(&r->threads[i]->sig);
		free(r->threads[i]);
	}
	for (size_t i = 0; i < r->nprocs; i++)
		proc_free(r->procs[i]);
	free(r->threads);
	free(r->procs);
	vfs_free(r->vfs);
	if (trace_rt == r)
		trace_rt = NULL;
	free(r);
}

static int add_thread(rt *r, rt_thread *t)
{
	if (r->nthreads == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		rt_thread **v = realloc(r->threads, cap * sizeof *v);
		if (!v)
			return -LX_ENOMEM;
		r->threads = v;
		r->cap = cap;
	}
	r->threads[r->nthreads++] = t;
	return 0;
}

static int add_proc(rt *r, rt_proc *p)
{
	if (r->nprocs == r->pcap) {
		size_t cap = r->pcap ? r->pcap * 2 : 8;
		rt_proc **v = realloc(r->procs, cap * sizeof *v);
		if (!v)
			return -LX_ENOMEM;
		r->procs = v;
		r->pcap = cap;
	}
	r->procs[r->nprocs++] = p;
	return 0;
}

/* Linux's defaults for a container's first process. */
static void default_rlimits(rt_proc *p)
{
	for (int i = 0; i < 16; i++)
		p->rlimit[i].cur = p->rlimit[i].max = UINT64_MAX;
	p->rlimit[3].cur = 8ULL << 20;          /* STACK */
	p->rlimit[4].cur = 0;                   /* CORE */
	p->rlimit[7].cur = p->rlimit[7].max = 1024; /* NOFILE */
	p->rlimit[8].cur = p->rlimit[8].max = 8ULL << 20; /* MEMLOCK */
	p->rlimit[11].cur = p->rlimit[11].max = 63704; /* SIGPENDING */
	p->rlimit[12].cur = p->rlimit[12].max = 819200; /* MSGQUEUE */
	p->rlimit[13].cur = p->rlimit[13].max = 0; /* NICE */
	p->rlimit[14].cur = p->rlimit[14].max = 0; /* RTPRIO */
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int set_cwd(rt_proc *p, const char *path)
{
	struct vfs_path lp;
	int e = vfs_lookup(p, p->cwd, path, VFS_FOLLOW | VFS_EXIST, &lp);
	if (e)
		return e;
	struct vfs_node *n = lp.node ? lp.node : lp.dir;
	if (!n || (n->mode & 0170000) != 0040000) {
		vfs_path_put(&lp);
		return -LX_ENOTDIR;
	}
	vfs_node_ref(n);
	vfs_node_unref(p->cwd);
	p->cwd = n;
	vfs_path_put(&lp);
	return 0;
}

int rt_spawn(rt *r, const char *path, const uint8_t *data, size_t len,
	     char *const argv[], char *const envp[], const char *cwd,
	     char *err, size_t errcap)
{
	rt_proc *p = calloc(1, sizeof *p);
	rt_thread *t = calloc(1, sizeof *t);
	if (!p || !t) {
		free(p);
		free(t);
		snprintf(err, errcap, "out of memory");
		return -LX_ENOMEM;
	}
	p->rt = r;
	p->pid = p->pgid = p->sid = r->next_pid++;
	p->ppid = 0;
	p->umask = 022;
	p->ngroups = 1; /* root's own group, as `docker run` gives it */
	default_rlimits(p);
	p->start_ns = r->host.monotonic_ns();
	p->cwd = vfs_root(r->vfs);
	vfs_node_ref(p->cwd);
	p->fds = fd_table_new_stdio(r);
	t->proc = p;
	t->tid = p->pid;
	if (!p->fds || add_proc(r, p) || add_thread(r, t)) {
		snprintf(err, errcap, "out of memory");
		return -LX_ENOMEM;
	}
	r->current = r->nthreads - 1;
	if (cwd) {
		int e = set_cwd(p, cwd);
		if (e) {
			snprintf(err, errcap, "working directory %s: %s", cwd, lx_strerror(-e));
			return e;
		}
	}
	char *abspath = NULL;
	if (!data) {
		int e = vfs_load_file(p, path, &data, &len, &abspath);
		if (e) {
			snprintf(err, errcap, "%s: %s", path,
				 e == -LX_EACCES ? "not an executable file (or permission denied)"
					      : lx_strerror(-e));
			return e;
		}
	}
	int e = elf_exec(t, path, data, len, argv, envp, err, errcap);
	free(abspath);
	if (e)
		return e;
	/* /proc/self/exe is absolute (glibc's static start-up asserts it):
	 * a host file given by a relative name is known from the cwd. */
	if (p->exe && p->exe[0] != '/') {
		char *dir = vfs_node_path(p->cwd);
		size_t n = (dir ? strlen(dir) : 0) + strlen(p->exe) + 2;
		char *abs = malloc(n);
		if (dir && abs) {
			snprintf(abs, n, "%s%s%s", dir, dir[1] ? "/" : "", p->exe);
			free(p->exe);
			p->exe = abs;
		} else {
			free(abs);
		}
		free(dir);
	}
	snprintf(p->comm, sizeof p->comm, "%s", base_name(path));
	return 0;
}

rt_proc *rt_find_proc(rt *r, int pid)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pid == pid && !r->procs[i]->exited)
			return r->procs[i];
	return NULL;
}

int rt_add_thread(rt *r, rt_thread *t, rt_proc *np)
{
	if ((np && add_proc(r, np)) || add_thread(r, t)) {
		if (np && r->nprocs && r->procs[r->nprocs - 1] == np)
			r->nprocs--;
		if (np)
			proc_free(np);
		return -LX_ENOMEM;
	}
	int id = r->next_pid++;
	t->tid = id;
	if (np) {
		np->pid = id;
		t->proc = np;
	}
	return id;
}

/* CLD_* si_code values of SIGCHLD. */
enum { CLD_EXITED_CODE = 1, CLD_KILLED_CODE = 2, CLD_DUMPED_CODE = 3 };

void rt_proc_exit(rt_proc *p, int wait_status)
{
	rt *r = p->rt;
	if (p->exited)
		return;
	p->exited = 1;
	p->in_vfork = 0;
	p->exit_status = wait_status;
	for (size_t i = 0; i < r->nthreads; i++)
		if (r->threads[i]->proc == p) {
			r->threads[i]->exited = 1;
			r->threads[i]->wait = RT_WAIT_NONE;
		}
	/* Descriptors close now, so pipe peers see EOF or LX_EPIPE; the
	 * address space goes too: a zombie keeps only its status. */
	if (p->fds) {
		fd_table_unref(p->fds);
		p->fds = NULL;
	}
	if (p->mem && --p->mem->refs == 0)
		mem_free(p->mem);
	p->mem = NULL;
	if (p->pid == 1)
		r->exit_status = wait_status;
	/* Orphans pass to pid 1 (the container's init reaps them). */
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->ppid == p->pid && r->procs[i] != p)
			r->procs[i]->ppid = 1;
	rt_proc *parent = rt_find_proc(r, p->ppid);
	if (!parent) {
		p->reaped = 1; /* nobody will wait for it */
		return;
	}
	const rt_sigaction_k *act = &parent->sigact[SIG_CHLD];
	if (p->exit_signal == SIG_CHLD &&
	    (act->handler == SIG_IGN_H || (act->flags & SA_NOCLDWAIT_F)))
		p->reaped = 1; /* Linux reaps it at once: wait4 will not see it */
	if (p->exit_signal) {
		int code = (wait_status & 0x7f) == 0 ? CLD_EXITED_CODE
			 : (wait_status & 0x80) ? CLD_DUMPED_CODE : CLD_KILLED_CODE;
		rt_siginfo info = {
			.code = code, .pid = p->pid, .uid = (int32_t)p->uid,
			.status = code == CLD_EXITED_CODE ? (wait_status >> 8) & 0xff
							  : wait_status & 0x7f,
		};
		rt_signal_proc_info(parent, p->exit_signal, &info);
	}
}

int rt_exit_code(const rt *r)
{
	int s = r->exit_status;
	if ((s & 0x7f) == 0)
		return (s >> 8) & 0xff;
	return 128 + (s & 0x7f);
}

static int init_exited(const rt *r)
{
	return r->nprocs == 0 || r->procs[0]->exited;
}

/* A signal arrived for a thread blocked in a syscall: the call returns
 * LX_EINTR, or runs again after the handler if SA_RESTART allows it. */
static void interrupt(rt_thread *t, int sig)
{
	rv_cpu *c = &t->cpu;
	rt *r = t->proc->rt;
	int restartable = t->wait == RT_WAIT_FD || t->wait == RT_WAIT_CHILD ||
			  t->wait == RT_WAIT_FUTEX;
	if (!(restartable && (t->proc->sigact[sig].flags & SA_RESTART_F))) {
		if (t->wait == RT_WAIT_TIMER && t->wait_rem) {
			uint64_t now = r->host.monotonic_ns();
			uint64_t left = t->wait_deadline > now ? t->wait_deadline - now : 0;
			int64_t ts[2] = { (int64_t)(left / NS), (int64_t)(left % NS) };
			mem_write(t->proc->mem, t->wait_rem, ts, sizeof ts);
		}
		c->x[10] = (uint64_t)-LX_EINTR;
		c->pc += 4;
		if (r->opt.strace)
			rt_logf(r, "[%d] ... interrupted by signal %d = -1 EINTR", t->tid, sig);
	}
	t->wait = RT_WAIT_NONE;
	t->wait_deadline = 0;
	t->wait_rem = 0;
}

/* Give blocked threads whose condition may hold a chance to go on. */
static void wake_threads(rt *r)
{
	uint64_t now = r->host.monotonic_ns();
	for (size_t i = 0; i < r->nthreads; i++) {
		rt_thread *t = r->threads[i];
		if (t->exited || t->wait == RT_WAIT_NONE)
			continue;
		if (t->wait == RT_WAIT_VFORK) {
			/* Not interruptible: signals wait until the child lets go. */
			rt_proc *c = rt_find_proc(r, (int)t->wait_addr);
			if (!c || !c->in_vfork) {
				t->wait = RT_WAIT_NONE;
				t->cpu.x[10] = t->wait_addr;
				t->cpu.pc += 4;
			}
			continue;
		}
		int sig = rt_signal_pending_action(t);
		if (sig) {
			interrupt(t, sig);
			continue;
		}
		int retry = 0;
		switch (t->wait) {
		case RT_WAIT_NONE:
			break;
		case RT_WAIT_TIMER:
			if (now >= t->wait_deadline) {
				t->wait = RT_WAIT_NONE;
				t->wait_deadline = 0;
				t->cpu.x[10] = 0;
				t->cpu.pc += 4;
			}
			break;
		case RT_WAIT_FUTEX:
			if (t->wait_deadline && now >= t->wait_deadline) {
				t->wait = RT_WAIT_NONE;
				t->wait_deadline = 0;
				t->cpu.x[10] = (uint64_t)-LX_ETIMEDOUT;
				t->cpu.pc += 4;
			}
			break;
		case RT_WAIT_FD:
			retry = fd_poll_ready(t->proc, t->wait_fd, t->wait_events) != 0;
			break;
		case RT_WAIT_POLL:
		case RT_WAIT_CHILD:
			retry = 1;
			break;
		case RT_WAIT_SIGNAL:
			retry = (t->sig.set | t->proc->sig.set) != 0 ||
				(t->wait_deadline && now >= t->wait_deadline);
			break;
		case RT_WAIT_VFORK:
			break;
		}
		if (retry) {
			size_t cur = r->current;
			r->current = i;
			t->wait = RT_WAIT_NONE;
			t->restarting = 1;
			syscall_dispatch(t);
			if (t->wait == RT_WAIT_NONE)
				r->steps++;
			r->current = cur;
		}
	}
}

/* Free the threads that have exited and the processes that were reaped,
 * so that a long-lived shell does not accumulate them. procs[0] (pid 1)
 * stays: rt_run ends when it exits. */
static void sweep(rt *r)
{
	size_t k = 0, cur = r->current;
	for (size_t i = 0; i < r->nthreads; i++) {
		rt_thread *t = r->threads[i];
		if (t->exited) {
			rt_sigpend_free(&t->sig);
			free(t);
			if (i < r->current)
				cur--;
			continue;
		}
		r->threads[k++] = t;
	}
	r->nthreads = k;
	r->current = k && cur < k ? cur : 0;
	k = 1;
	for (size_t i = 1; i < r->nprocs; i++) {
		rt_proc *p = r->procs[i];
		int has_thread = 0;
		for (size_t j = 0; j < r->nthreads && !has_thread; j++)
			has_thread = r->threads[j]->proc == p;
		if (p->exited && p->reaped && !has_thread) {
			proc_free(p);
			continue;
		}
		r->procs[k++] = p;
	}
	if (r->nprocs)
		r->nprocs = k;
}

static int runnable(const rt_thread *t)
{
	return !t->exited && t->wait == RT_WAIT_NONE;
}

/* How long t may run (left: the budget left): SLICE, so that the others
 * get a turn; or all that is left when no one else could run before t
 * makes a syscall, which ends its turn anyway — every other thread has
 * exited or waits, with no deadline, for what only a syscall does (a
 * futex wake, a child's exit, a signal, a vfork child's exec) — and no
 * terminal waits for keys (^C). Compiled code loses its frames at the end
 * of a turn, and the runtime then takes the returns into them one at a
 * time: fib's 2000-deep Ackermann recursion entered compiled code 1.45
 * million times in a run at scale 0.3 with 200,000-instruction turns. */
static uint64_t turn(rt *r, const rt_thread *t, uint64_t left)
{
	if (left <= SLICE || tty_wants_input(r))
		return left < SLICE ? left : SLICE;
	for (size_t i = 0; i < r->nthreads; i++) {
		const rt_thread *o = r->threads[i];
		if (o == t || o->exited)
			continue;
		if (o->wait_deadline || (o->wait != RT_WAIT_FUTEX && o->wait != RT_WAIT_CHILD &&
					 o->wait != RT_WAIT_SIGNAL && o->wait != RT_WAIT_VFORK))
			return SLICE;
	}
	return left;
}

/* Deliver every deliverable signal (each nests a frame, as Linux does). */
static void deliver_signals(rt_thread *t)
{
	for (int guard = 0; guard <= RT_NSIG && !t->exited; guard++)
		if (!rt_signal_deliver(t))
			break;
}

static void handle_stop(rt_thread *t, const interp_stop *st)
{
	switch (st->why) {
	case INTERP_BUDGET:
		break;
	case INTERP_ECALL:
		syscall_dispatch(t);
		break;
	case INTERP_EBREAK:
		rt_signal_fault(t, SIG_TRAP, TRAP_BRKPT_CODE, t->cpu.pc);
		break;
	case INTERP_ILLEGAL:
		rt_signal_fault(t, SIG_ILL, ILL_ILLOPC_CODE, t->cpu.pc);
		break;
	case INTERP_FAULT: {
		const mem_vma *v = mem_find(t->proc->mem, st->addr);
		uint32_t access = st->exec ? MEM_X : st->write ? MEM_W : MEM_R;
		if (st->bus)
			rt_signal_fault(t, SIG_BUS, BUS_ADRALN_CODE, st->addr);
		else if (mem_past_eof(t->proc->mem, st->addr, access))
			rt_signal_fault(t, SIG_BUS, BUS_ADRERR_CODE, st->addr);
		else
			rt_signal_fault(t, SIG_SEGV, v ? SEGV_ACCERR_CODE : SEGV_MAPERR_CODE,
					st->addr);
		break;
	}
	}
}

int rt_run(rt *r, uint64_t budget)
{
	uint64_t used = 0;
	for (;;) {
		if (init_exited(r))
			return RT_EXITED;
		tty_service(r);
		wake_threads(r);
		if (init_exited(r))
			return RT_EXITED;
		sweep(r);
		/* Round robin from the thread after the current one. */
		rt_thread *t = NULL;
		for (size_t k = 1; k <= r->nthreads; k++) {
			size_t i = (r->current + k) % r->nthreads;
			if (runnable(r->threads[i])) {
				r->current = i;
				t = r->threads[i];
				break;
			}
		}
		if (!t)
			return RT_BLOCKED;
		if (used >= budget)
			return RT_YIELD;
		deliver_signals(t);
		if (!runnable(t))
			continue;
		uint64_t slice = turn(r, t, budget - used);
		uint64_t before = t->cpu.instret;
		interp_stop st;
		aot_run(r, t, slice, &st);
		used += t->cpu.instret - before;
		if (st.why == INTERP_ECALL || t->cpu.instret == before)
			used++; /* a syscall counts, so a loop of them yields */
		r->steps += t->cpu.instret - before + 1;
		handle_stop(t, &st);
		if (!t->exited && t->wait == RT_WAIT_NONE)
			deliver_signals(t);
	}
}

void rt_wait_info(rt *r, uint64_t *deadline, int *host_io)
{
	*deadline = UINT64_MAX;
	*host_io = 0;
	for (size_t i = 0; i < r->nthreads; i++) {
		const rt_thread *t = r->threads[i];
		if (t->exited || t->wait == RT_WAIT_NONE)
			continue;
		if (t->wait_deadline && t->wait_deadline < *deadline)
			*deadline = t->wait_deadline;
		if (t->wait == RT_WAIT_FD || t->wait == RT_WAIT_POLL)
			*host_io = 1;
	}
	/* A terminal's keys matter even when no one reads: ^C. */
	if (tty_wants_input(r))
		*host_io = 1;
	/* Files whose readiness changes by itself (a timerfd expiring) wake
	 * whoever polls them: the host must come back by then. */
	for (size_t i = 0; i < r->nprocs; i++) {
		rt_proc *p = r->procs[i];
		if (p->exited || !p->fds)
			continue;
		for (int fd = 0; fd < p->fds->cap; fd++) {
			fd_file *f = p->fds->file[fd];
			uint64_t d = f ? fd_file_deadline(p, f) : 0;
			if (d && d < *deadline)
				*deadline = d;
		}
	}
}
