/* Making processes and threads: clone, clone3 (fork, vfork, pthreads) and
 * execve, execveat (DESIGN.md decision 7).
 *
 * A new process gets a copy of the mapped pages of its parent's arena
 * (mem_clone), or shares it with CLONE_VM (vfork, posix_spawn); a new thread
 * (CLONE_THREAD) is one more rt_thread of the same process. The scheduler in
 * rt.c runs them all in turn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_load.h"
#include "fd.h"
#include "linux_abi.h"
#include "rt.h"
#include "signal_abi.h"
#include "syscall.h"
#include "vfs.h"

enum {
	CSIGNAL_M = 0xff,
	CLONE_VM_F = 0x100, CLONE_FS_F = 0x200, CLONE_FILES_F = 0x400,
	CLONE_SIGHAND_F = 0x800, CLONE_PIDFD_F = 0x1000, CLONE_PTRACE_F = 0x2000,
	CLONE_VFORK_F = 0x4000, CLONE_PARENT_F = 0x8000, CLONE_THREAD_F = 0x10000,
	CLONE_NEWNS_F = 0x20000, CLONE_SYSVSEM_F = 0x40000, CLONE_SETTLS_F = 0x80000,
	CLONE_PARENT_SETTID_F = 0x100000, CLONE_CHILD_CLEARTID_F = 0x200000,
	CLONE_DETACHED_F = 0x400000, CLONE_UNTRACED_F = 0x800000,
	CLONE_CHILD_SETTID_F = 0x1000000, CLONE_IO_F = 0x80000000,
	/* Namespaces and cgroups: a container without privileges may not. */
	CLONE_NEWS_M = 0x7e020080, /* NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWNS|NEWTIME */
};

/* What clone and clone3 ask for. */
struct clone_req {
	uint64_t flags;
	int exit_signal;
	uint64_t stack;        /* new sp, 0 = the parent's */
	uint64_t tls;
	uint64_t parent_tid, child_tid;
};

static rt_proc *new_proc_from(rt_proc *p, uint64_t flags)
{
	rt *r = p->rt;
	rt_proc *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	*c = *p;
	memset(&c->sig, 0, sizeof c->sig);
	c->exe = p->exe ? strdup(p->exe) : NULL;
	c->cmdline = malloc(p->cmdline_len + 1);
	c->environ = malloc(p->environ_len + 1);
	c->mem = NULL;
	c->fds = NULL;
	c->cwd = NULL;
	if (!c->cmdline || !c->environ || (p->exe && !c->exe))
		goto fail;
	memcpy(c->cmdline, p->cmdline, p->cmdline_len);
	memcpy(c->environ, p->environ, p->environ_len);
	if (flags & CLONE_VM_F) {
		c->mem = p->mem;
		c->mem->refs++;
	} else if (!(c->mem = mem_clone(p->mem)))
		goto fail;
	if (flags & CLONE_FILES_F) {
		c->fds = p->fds;
		fd_table_ref(c->fds);
	} else if (!(c->fds = fd_table_clone(p->fds)))
		goto fail;
	c->cwd = p->cwd;
	vfs_node_ref(c->cwd);
	c->pid = c->pgid = 0; /* set by the caller */
	c->exited = c->reaped = c->exit_status = 0;
	c->in_vfork = c->execed = 0;
	c->start_ns = r->host.monotonic_ns();
	return c;
fail:
	if (c->mem && --c->mem->refs == 0)
		mem_free(c->mem);
	if (c->fds)
		fd_table_unref(c->fds);
	free(c->exe);
	free(c->cmdline);
	free(c->environ);
	free(c);
	return NULL;
}

static int64_t do_clone(rt_thread *t, const struct clone_req *q)
{
	rt_proc *p = t->proc;
	rt *r = p->rt;
	uint64_t f = q->flags;
	/* The combinations Linux refuses. */
	if ((f & CLONE_THREAD_F) && !(f & CLONE_SIGHAND_F))
		return -LX_EINVAL;
	if ((f & CLONE_SIGHAND_F) && !(f & CLONE_VM_F))
		return -LX_EINVAL;
	if ((f & CLONE_THREAD_F) && q->exit_signal)
		return -LX_EINVAL;
	if (q->exit_signal < 0 || q->exit_signal > RT_NSIG)
		return -LX_EINVAL;
	if (f & CLONE_NEWS_M)
		return -LX_EPERM;
	if (f & (CLONE_PIDFD_F | CLONE_PTRACE_F))
		return -LX_EINVAL; /* no pidfds, no tracer */

	rt_thread *nt = calloc(1, sizeof *nt);
	if (!nt)
		return -LX_ENOMEM;
	rt_proc *np = p;
	if (!(f & CLONE_THREAD_F)) {
		np = new_proc_from(p, f);
		if (!np) {
			free(nt);
			return -LX_ENOMEM;
		}
	}
	nt->proc = p;
	int tid = rt_add_thread(r, nt, np == p ? NULL : np);
	if (tid < 0) {
		free(nt);
		return tid; /* rt_add_thread freed np */
	}
	if (np != p) {
		np->ppid = (f & CLONE_PARENT_F) ? p->ppid : p->pid;
		np->exit_signal = q->exit_signal;
		np->in_vfork = (f & CLONE_VFORK_F) != 0;
	}

	/* The child starts just after the ecall with a0 = 0. */
	nt->cpu = t->cpu;
	nt->cpu.pc += 4;
	nt->cpu.x[10] = 0;
	nt->cpu.lr_addr = RV_NO_RESERVATION;
	if (q->stack)
		nt->cpu.x[2] = q->stack;
	if (f & CLONE_SETTLS_F)
		nt->cpu.x[4] = q->tls;
	nt->sigmask = t->sigmask;
	/* A thread or a CLONE_VM child must not run on the parent's
	 * alternate stack; a forked child has its own copy of it. */
	if (!(f & CLONE_VM_F) || (f & CLONE_VFORK_F))
		nt->altstack = t->altstack;
	else
		nt->altstack.flags = SS_DISABLE_F;
	if (f & CLONE_CHILD_CLEARTID_F)
		nt->clear_child_tid = q->child_tid;
	uint32_t tid32 = (uint32_t)tid;
	if ((f & CLONE_CHILD_SETTID_F) && mem_write(np->mem, q->child_tid, &tid32, 4)) {
		/* Linux writes it in the child and ignores a fault. */
	}
	if ((f & CLONE_PARENT_SETTID_F) && mem_write(p->mem, q->parent_tid, &tid32, 4)) {
		/* As above: a bad pointer is not the parent's error. */
	}
	if (f & CLONE_VFORK_F) {
		/* The parent sleeps until the child execs or exits (rt.c wakes it
		 * with the child's pid as the result); signals wait meanwhile. */
		t->wait = RT_WAIT_VFORK;
		t->wait_addr = (uint64_t)tid;
		if (r->opt.strace)
			rt_logf(r, "[%d] clone(vfork) = %d, waiting for the child", t->tid, tid);
		return -RT_EBLOCK;
	}
	return tid;
}

int64_t sys_clone(rt_thread *t, const uint64_t a[6])
{
	/* riscv64 order: flags, newsp, parent_tid, tls, child_tid. */
	struct clone_req q = {
		.flags = a[0] & ~(uint64_t)CSIGNAL_M,
		.exit_signal = (int)(a[0] & CSIGNAL_M),
		.stack = a[1], .parent_tid = a[2], .tls = a[3], .child_tid = a[4],
	};
	return do_clone(t, &q);
}

int64_t sys_clone3(rt_thread *t, const uint64_t a[6])
{
	/* struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal,
	 * stack, stack_size, tls, set_tid, set_tid_size, cgroup. */
	uint64_t ca[11] = { 0 };
	uint64_t size = a[1];
	if (size < 64 || size > 4096)
		return -LX_EINVAL;
	if (mem_read(t->proc->mem, a[0], ca, size < sizeof ca ? size : sizeof ca))
		return -LX_EFAULT;
	/* Fields past what we know must be zero, as Linux checks. */
	for (uint64_t off = sizeof ca; off < size; off++) {
		uint8_t b;
		if (mem_read(t->proc->mem, a[0] + off, &b, 1))
			return -LX_EFAULT;
		if (b)
			return -LX_E2BIG;
	}
	if (ca[8] || ca[9] || ca[10] || (ca[0] >> 32) || ca[4] > RT_NSIG)
		return -LX_EINVAL; /* set_tid, cgroups: not here */
	if ((ca[5] == 0) != (ca[6] == 0))
		return -LX_EINVAL;
	struct clone_req q = {
		.flags = ca[0], .exit_signal = (int)ca[4],
		.stack = ca[5] ? ca[5] + ca[6] : 0, /* clone3 gives the low end */
		.tls = ca[7], .parent_tid = ca[3], .child_tid = ca[2],
	};
	if (q.flags & CSIGNAL_M)
		return -LX_EINVAL;
	return do_clone(t, &q);
}

/* ---- execve ---- */

/* Linux's limits: one string at most 32 pages, all of them a quarter of the
 * stack limit (8 MiB / 4). */
#define ARG_STRLEN_MAX (32 * 4096)
#define ARG_TOTAL_MAX (2u << 20)

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Copy a guest NULL-terminated array of strings (NULL pointer: empty). */
static int read_strv(rv_mem *m, uint64_t addr, char ***out, size_t *total)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap + 1, sizeof *v);
	if (!v)
		return -LX_ENOMEM;
	for (; addr; addr += 8) {
		uint64_t s;
		if (mem_read(m, addr, &s, 8)) {
			free_strv(v);
			return -LX_EFAULT;
		}
		if (!s)
			break;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof *v);
			if (!nv) {
				free_strv(v);
				return -LX_ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		char *buf = malloc(ARG_STRLEN_MAX);
		long len = buf ? mem_read_str(m, s, buf, ARG_STRLEN_MAX) : -LX_ENOMEM;
		if (len < 0 || (*total += (size_t)len + 1 + 8) > ARG_TOTAL_MAX) {
			free(buf);
			free_strv(v);
			return len == -LX_ENAMETOOLONG || len >= 0 ? -LX_E2BIG : (int)len;
		}
		v[n++] = realloc(buf, (size_t)len + 1);
		v[n] = NULL;
	}
	*out = v;
	return 0;
}

/* What exec resets in the process, once the new image is in place. */
static void exec_reset(rt_thread *t)
{
	rt_proc *p = t->proc;
	rt *r = p->rt;
	/* Every other thread of the process is gone (Linux's de_thread). */
	for (size_t i = 0; i < r->nthreads; i++) {
		rt_thread *o = r->threads[i];
		if (o != t && o->proc == p && !o->exited) {
			o->exited = 1;
			o->wait = RT_WAIT_NONE;
		}
	}
	t->tid = p->pid;
	/* Handlers do not survive; ignored signals stay ignored. */
	for (int s = 1; s <= RT_NSIG; s++) {
		rt_sigaction_k *a = &p->sigact[s];
		if (a->handler != SIG_IGN_H)
			a->handler = SIG_DFL_H;
		a->flags = 0;
		a->mask = 0;
	}
	t->altstack.sp = t->altstack.size = 0;
	t->altstack.flags = SS_DISABLE_F;
	t->clear_child_tid = 0;
	t->robust_list = t->robust_len = 0;
	t->rseq = 0;
	/* A table shared with another process (CLONE_FILES) is unshared. */
	if (p->fds->refs > 1) {
		struct fd_table *own = fd_table_clone(p->fds);
		if (own) {
			fd_table_unref(p->fds);
			p->fds = own;
		}
	}
	fd_close_on_exec(p->fds);
	p->membarrier_reg = 0;
	p->execed = 1;
	p->in_vfork = 0; /* the vfork parent may go on */
}

static int64_t do_execve(rt_thread *t, int dirfd, uint64_t path_addr,
			 uint64_t argv_addr, uint64_t envp_addr, int flags)
{
	rt_proc *p = t->proc;
	char path[LX_PATH_MAX];
	long n = mem_read_str(p->mem, path_addr, path, sizeof path);
	if (n < 0)
		return n;
	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW))
		return -LX_EINVAL;
	int lookup = (flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : VFS_FOLLOW) |
		     (flags & LX_AT_EMPTY_PATH ? VFS_EMPTY : 0);
	if (n == 0 && !(flags & LX_AT_EMPTY_PATH))
		return -LX_ENOENT;
	struct vfs_node *start;
	int e = sys_at_start(t, dirfd, path, lookup, &start);
	if (e)
		return e;
	char **argv = NULL, **envp = NULL;
	size_t total = 0;
	e = read_strv(p->mem, argv_addr, &argv, &total);
	if (!e)
		e = read_strv(p->mem, envp_addr, &envp, &total);
	const uint8_t *data = NULL;
	size_t len = 0;
	char *abspath = NULL;
	if (!e)
		e = vfs_load_file_at(p, start, path, lookup, &data, &len, &abspath);
	if (!e)
		e = elf_exec(t, abspath, data, len, argv, envp, NULL, 0);
	if (!e) {
		const char *base = strrchr(abspath, '/');
		snprintf(p->comm, sizeof p->comm, "%s", base ? base + 1 : abspath);
		exec_reset(t);
	}
	free(abspath);
	free_strv(argv);
	free_strv(envp);
	return e;
}

int64_t sys_execve(rt_thread *t, const uint64_t a[6])
{
	return do_execve(t, LX_AT_FDCWD, a[0], a[1], a[2], 0);
}

int64_t sys_execveat(rt_thread *t, const uint64_t a[6])
{
	return do_execve(t, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
