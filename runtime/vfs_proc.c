/* /proc: a directory whose children are made up at each lookup from the
 * runtime's state. One table names the fixed entries; the numbered ones
 * (/proc/<pid>, /proc/<pid>/fd/<n>) come from r->procs and the fd tables.
 * File contents are generated when the file is opened (fd.c keeps the
 * bytes for the life of the open file), as Linux's seq_files do. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"
#include "fd.h"

enum proc_id {
	P_NONE,
	P_ROOT,
	P_SELF, P_MOUNTS_LINK, P_CPUINFO, P_MEMINFO, P_UPTIME, P_LOADAVG,
	P_VERSION, P_FILESYSTEMS, P_STAT,
	P_SYS, P_SYS_KERNEL, P_K_OSTYPE, P_K_OSRELEASE, P_K_HOSTNAME,
	P_K_PID_MAX, P_K_NGROUPS_MAX, P_K_RANDOM, P_K_UUID,
	P_SYS_VM, P_VM_OVERCOMMIT,
	P_PID,
	P_PID_EXE, P_PID_CWD, P_PID_ROOT, P_PID_FD, P_PID_FD_N, P_PID_CMDLINE,
	P_PID_ENVIRON, P_PID_AUXV, P_PID_MAPS, P_PID_STAT, P_PID_STATUS,
	P_PID_COMM, P_PID_MOUNTS, P_PID_MOUNTINFO,
};

#define DIR_ LX_S_IFDIR
#define REG_ LX_S_IFREG
#define LNK_ LX_S_IFLNK

static const struct proc_ent {
	int id, parent;
	const char *name;
	uint32_t mode;
} ptab[] = {
	{ P_SELF, P_ROOT, "self", LNK_ | 0777 },
	{ P_MOUNTS_LINK, P_ROOT, "mounts", LNK_ | 0777 },
	{ P_CPUINFO, P_ROOT, "cpuinfo", REG_ | 0444 },
	{ P_MEMINFO, P_ROOT, "meminfo", REG_ | 0444 },
	{ P_UPTIME, P_ROOT, "uptime", REG_ | 0444 },
	{ P_LOADAVG, P_ROOT, "loadavg", REG_ | 0444 },
	{ P_VERSION, P_ROOT, "version", REG_ | 0444 },
	{ P_FILESYSTEMS, P_ROOT, "filesystems", REG_ | 0444 },
	{ P_STAT, P_ROOT, "stat", REG_ | 0444 },
	{ P_SYS, P_ROOT, "sys", DIR_ | 0555 },
	{ P_SYS_KERNEL, P_SYS, "kernel", DIR_ | 0555 },
	{ P_K_OSTYPE, P_SYS_KERNEL, "ostype", REG_ | 0444 },
	{ P_K_OSRELEASE, P_SYS_KERNEL, "osrelease", REG_ | 0444 },
	{ P_K_HOSTNAME, P_SYS_KERNEL, "hostname", REG_ | 0644 },
	{ P_K_PID_MAX, P_SYS_KERNEL, "pid_max", REG_ | 0444 },
	{ P_K_NGROUPS_MAX, P_SYS_KERNEL, "ngroups_max", REG_ | 0444 },
	{ P_K_RANDOM, P_SYS_KERNEL, "random", DIR_ | 0555 },
	{ P_K_UUID, P_K_RANDOM, "uuid", REG_ | 0444 },
	{ P_SYS_VM, P_SYS, "vm", DIR_ | 0555 },
	{ P_VM_OVERCOMMIT, P_SYS_VM, "overcommit_memory", REG_ | 0444 },
	{ P_PID_EXE, P_PID, "exe", LNK_ | 0777 },
	{ P_PID_CWD, P_PID, "cwd", LNK_ | 0777 },
	{ P_PID_ROOT, P_PID, "root", LNK_ | 0777 },
	{ P_PID_FD, P_PID, "fd", DIR_ | 0500 },
	{ P_PID_CMDLINE, P_PID, "cmdline", REG_ | 0444 },
	{ P_PID_ENVIRON, P_PID, "environ", REG_ | 0400 },
	{ P_PID_AUXV, P_PID, "auxv", REG_ | 0400 },
	{ P_PID_MAPS, P_PID, "maps", REG_ | 0444 },
	{ P_PID_STAT, P_PID, "stat", REG_ | 0444 },
	{ P_PID_STATUS, P_PID, "status", REG_ | 0444 },
	{ P_PID_COMM, P_PID, "comm", REG_ | 0644 },
	{ P_PID_MOUNTS, P_PID, "mounts", REG_ | 0444 },
	{ P_PID_MOUNTINFO, P_PID, "mountinfo", REG_ | 0444 },
};
#define NPTAB (sizeof ptab / sizeof ptab[0])

void vfs_proc_populate(struct vfs *v)
{
	struct vfs_node *proc;
	/* procfs is mounted over whatever the image has at /proc */
	vfs_subtree_remove(v->root, "proc");
	if (vfs_mkpath(v, "/proc", &proc) < 0)
		return;
	proc->mode = LX_S_IFDIR | 0555;
	proc->dev = VFS_DEV_PROC;
	proc->proc = P_ROOT;
	proc->mountpoint = 1;
}

/* ---- helpers ---- */

static rt_proc *find_proc(rt_proc *self, int pid)
{
	rt *r = self->rt;
	if (self->pid == pid)
		return self;
	for (size_t i = 0; r && i < r->nprocs; i++)
		if (r->procs[i] && r->procs[i]->pid == pid)
			return r->procs[i];
	return NULL;
}

static int parse_uint(const char *s, int *out)
{
	long v = 0;
	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = (int)v;
	return 0;
}

static struct vfs_node *pnode(struct vfs_node *parent, int id, int pid, int arg,
			      uint32_t mode, const char *name, rt_proc *tp)
{
	struct vfs *v = parent->vfs;
	struct vfs_node *n = vfs_node_alloc(v, mode);
	if (!n)
		return NULL;
	v->next_ino--; /* /proc inodes are derived, not allocated */
	n->ino = (1ULL << 40) + ((uint64_t)pid << 24) + ((uint64_t)id << 16) + (uint32_t)(arg & 0xffff);
	n->dev = VFS_DEV_PROC;
	n->proc = id;
	n->proc_pid = pid;
	n->proc_arg = arg;
	n->refs = 1;
	n->name = strdup(name);
	n->parent = parent;
	n->parent_ref = 1;
	vfs_node_ref(parent);
	if (tp) {
		n->uid = tp->euid;
		n->gid = tp->egid;
	}
	int64_t t = parent->mtime;
	if (tp && tp->rt && tp->rt->boot_realtime_ns)
		t = (int64_t)tp->rt->boot_realtime_ns;
	n->atime = n->mtime = n->ctime = t;
	return n;
}

/* ---- lookup and readdir ---- */

struct vfs_node *vfs_proc_lookup(rt_proc *p, struct vfs_node *dir, const char *name)
{
	int id = dir->proc, num;
	rt_proc *tp = NULL;
	if (dir->proc_pid && !(tp = find_proc(p, dir->proc_pid)))
		return NULL; /* the process is gone */
	if (id == P_ROOT && parse_uint(name, &num) == 0) {
		rt_proc *q = find_proc(p, num);
		return q ? pnode(dir, P_PID, num, 0, DIR_ | 0555, name, q) : NULL;
	}
	if (id == P_PID_FD) {
		if (parse_uint(name, &num) < 0 || !tp)
			return NULL;
		fd_file *f = fd_get(tp, num);
		if (!f)
			return NULL;
		uint32_t mode = LNK_ | (f->readable ? 0500 : 0) | (f->writable ? 0300 : 0);
		return pnode(dir, P_PID_FD_N, dir->proc_pid, num, mode, name, tp);
	}
	for (size_t i = 0; i < NPTAB; i++)
		if (ptab[i].parent == id && !strcmp(ptab[i].name, name))
			return pnode(dir, ptab[i].id, dir->proc_pid, 0, ptab[i].mode, name, tp);
	return NULL;
}

int vfs_proc_readdir(rt_proc *p, struct vfs_node *dir, uint64_t idx,
		     struct vfs_dirent *ent)
{
	int id = dir->proc;
	uint64_t i = idx;
	rt_proc *tp = NULL;
	if (dir->proc_pid && !(tp = find_proc(p, dir->proc_pid)))
		return 0;
	ent->next = idx + 3;
	for (size_t k = 0; k < NPTAB; k++) {
		if (ptab[k].parent != id)
			continue;
		if (i-- == 0) {
			strcpy(ent->name, ptab[k].name);
			ent->type = vfs_dtype(ptab[k].mode);
			ent->ino = (1ULL << 40) + ((uint64_t)dir->proc_pid << 24) +
				   ((uint64_t)ptab[k].id << 16);
			return 1;
		}
	}
	if (id == P_ROOT) {
		rt *r = p->rt;
		for (size_t k = 0; r && k < r->nprocs; k++) {
			if (!r->procs[k] || i-- != 0)
				continue;
			int pid = r->procs[k]->pid;
			snprintf(ent->name, sizeof ent->name, "%d", pid);
			ent->type = LX_DT_DIR;
			ent->ino = (1ULL << 40) + ((uint64_t)pid << 24) + ((uint64_t)P_PID << 16);
			return 1;
		}
	}
	if (id == P_PID_FD && tp && tp->fds) {
		for (int fd = 0; fd < tp->fds->cap; fd++) {
			if (!tp->fds->file[fd] || i-- != 0)
				continue;
			snprintf(ent->name, sizeof ent->name, "%d", fd);
			ent->type = LX_DT_LNK;
			ent->ino = (1ULL << 40) + ((uint64_t)tp->pid << 24) +
				   ((uint64_t)P_PID_FD_N << 16) + (uint32_t)(fd & 0xffff);
			return 1;
		}
	}
	return 0;
}

/* ---- symlinks ---- */

int vfs_proc_readlink(rt_proc *p, struct vfs_node *n, char **out)
{
	char buf[32];
	rt_proc *tp = n->proc_pid ? find_proc(p, n->proc_pid) : NULL;
	if (n->proc_pid && !tp)
		return -LX_ENOENT;
	*out = NULL;
	switch (n->proc) {
	case P_SELF:
		snprintf(buf, sizeof buf, "%d", p->pid);
		*out = strdup(buf);
		break;
	case P_MOUNTS_LINK:
		*out = strdup("self/mounts");
		break;
	case P_PID_EXE:
		if (!tp->exe)
			return -LX_ENOENT;
		*out = strdup(tp->exe);
		break;
	case P_PID_CWD:
		*out = tp->cwd ? vfs_node_path(tp->cwd) : strdup("/");
		if (!*out)
			return -LX_ENOENT;
		break;
	case P_PID_ROOT:
		*out = strdup("/");
		break;
	case P_PID_FD_N: {
		fd_file *f = fd_get(tp, n->proc_arg);
		if (!f)
			return -LX_ENOENT;
		*out = fd_file_path(f);
		break;
	}
	default:
		return -LX_EINVAL;
	}
	return *out ? 0 : -LX_ENOMEM;
}

struct vfs_node *vfs_proc_follow(rt_proc *p, struct vfs_node *n, int *err)
{
	rt_proc *tp = n->proc_pid ? find_proc(p, n->proc_pid) : NULL;
	struct vfs_node *m = NULL;
	*err = 0;
	if (n->proc_pid && !tp) {
		*err = -LX_ENOENT;
		return NULL;
	}
	switch (n->proc) {
	case P_PID_CWD:
		m = tp->cwd ? tp->cwd : p->rt->vfs->root;
		break;
	case P_PID_ROOT:
		m = p->rt->vfs->root;
		break;
	case P_PID_FD_N: {
		fd_file *f = fd_get(tp, n->proc_arg);
		if (!f) {
			*err = -LX_ENOENT;
			return NULL;
		}
		m = f->node;
		break;
	}
	default:
		return NULL; /* followed as text */
	}
	vfs_node_ref(m);
	return m;
}

/* ---- contents ---- */

struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		sb_add(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

static uint64_t now_real(rt_proc *p)
{
	return p->rt && p->rt->host.realtime_ns ? p->rt->host.realtime_ns() : 0;
}

static uint64_t uptime_ns(rt_proc *p)
{
	uint64_t now = now_real(p), boot = p->rt ? p->rt->boot_realtime_ns : 0;
	return now > boot ? now - boot : 0;
}

static const char *comm_of(rt_proc *tp, char out[16])
{
	const char *e = tp->exe ? tp->exe : "friscy";
	const char *slash = strrchr(e, '/');
	if (slash)
		e = slash + 1;
	snprintf(out, 16, "%s", e);
	return out;
}

static uint64_t vm_size(rt_proc *tp)
{
	uint64_t sum = 0;
	if (tp->mem)
		for (size_t i = 0; i < tp->mem->nvma; i++)
			sum += tp->mem->vma[i].end - tp->mem->vma[i].start;
	return sum;
}

static int nthreads(rt_proc *tp, char *state)
{
	rt *r = tp->rt;
	int n = 0, running = 0;
	rt_thread *cur = r ? rt_current(r) : NULL;
	for (size_t i = 0; r && i < r->nthreads; i++) {
		rt_thread *t = r->threads[i];
		if (!t || t->proc != tp || t->exited)
			continue;
		n++;
		if (t == cur || t->wait == RT_WAIT_NONE)
			running = 1;
	}
	*state = tp->exited ? 'Z' : running ? 'R' : 'S';
	return n ? n : 1;
}

static uint64_t sig_bits(rt_proc *tp, int ignored)
{
	uint64_t m = 0;
	for (int s = 1; s <= RT_NSIG; s++) {
		uint64_t h = tp->sigact[s].handler;
		if (ignored ? h == 1 : h > 1)
			m |= 1ULL << (s - 1);
	}
	return m;
}

static uint64_t blocked_of(rt_proc *tp)
{
	rt *r = tp->rt;
	for (size_t i = 0; r && i < r->nthreads; i++)
		if (r->threads[i] && r->threads[i]->proc == tp)
			return r->threads[i]->sigmask;
	return 0;
}

static void gen_maps(rt_proc *p, rt_proc *tp, struct sbuf *b)
{
	if (!tp->mem)
		return;
	struct vfs *v = p->rt->vfs;
	for (size_t i = 0; i < tp->mem->nvma; i++) {
		const mem_vma *m = &tp->mem->vma[i];
		const char *name = m->name;
		if (!name && (m->flags & VMA_HEAP))
			name = "[heap]";
		if (!name && (m->flags & VMA_STACK))
			name = "[stack]";
		uint64_t ino = 0, dev = 0;
		if (name && name[0] == '/') {
			struct vfs_path lp;
			if (vfs_lookup(NULL, v->root, name, VFS_FOLLOW | VFS_EXIST, &lp) == 0) {
				ino = lp.node->ino;
				dev = lp.node->dev;
				vfs_path_put(&lp);
			}
		}
		char line[128];
		int n = snprintf(line, sizeof line, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
				 (unsigned long long)m->start, (unsigned long long)m->end,
				 m->prot & MEM_R ? 'r' : '-', m->prot & MEM_W ? 'w' : '-',
				 m->prot & MEM_X ? 'x' : '-', m->flags & VMA_SHARED ? 's' : 'p',
				 (unsigned long long)m->offset, lx_major(dev), lx_minor(dev),
				 (unsigned long long)ino);
		if (n < 0)
			continue;
		sb_add(b, line, (size_t)n);
		if (name) {
			for (; n < 72; n++)
				sb_add(b, " ", 1);
			sb_add(b, " ", 1);
			sb_add(b, name, strlen(name));
		}
		sb_add(b, "\n", 1);
	}
}

static void gen_stat(rt_proc *p, rt_proc *tp, struct sbuf *b)
{
	char comm[16], state;
	int nt = nthreads(tp, &state);
	struct vfs_console *con = &p->rt->vfs->con;
	uint64_t up = uptime_ns(p);
	uint64_t mono = p->rt && p->rt->host.monotonic_ns ? p->rt->host.monotonic_ns() : 0;
	uint64_t boot_mono = mono > up ? mono - up : 0;
	uint64_t start = tp->start_ns > boot_mono ? (tp->start_ns - boot_mono) / 10000000 : 0;
	uint64_t vsz = vm_size(tp);
	rv_mem *m = tp->mem;
	sb_printf(b, "%d (%s) %c %d %d %d %d %d %u %lu %lu %lu %lu %lu %lu %ld %ld %ld %ld %d %d %llu %llu %llu %llu",
		  tp->pid, comm_of(tp, comm), state, tp->ppid, tp->pgid, tp->sid,
		  con->present ? 34816 : 0, con->present && con->pgrp ? con->pgrp : -1,
		  0x400000u, 0UL, 0UL, 0UL, 0UL, 0UL, 0UL, 0L, 0L, 20L + tp->nice, (long)tp->nice, nt, 0,
		  (unsigned long long)start, (unsigned long long)vsz,
		  (unsigned long long)(vsz / 4096), (unsigned long long)UINT64_MAX);
	sb_printf(b, " %llu %llu %llu 0 0 %llu %llu %llu %llu 0 0 0 17 0 0 0 0 0 0 %llu %llu %llu 0 0 0 0 %d\n",
		  0ULL, 0ULL, (unsigned long long)(m ? m->stack_top : 0),
		  (unsigned long long)tp->sig.set, (unsigned long long)blocked_of(tp),
		  (unsigned long long)sig_bits(tp, 1), (unsigned long long)sig_bits(tp, 0),
		  0ULL, 0ULL, (unsigned long long)(m ? m->brk_start : 0),
		  tp->exited ? tp->exit_status : 0);
}

static void gen_status(rt_proc *tp, struct sbuf *b)
{
	char comm[16], state;
	int nt = nthreads(tp, &state);
	static const char *const states[] = { "R (running)", "S (sleeping)", "Z (zombie)" };
	const char *st = state == 'R' ? states[0] : state == 'S' ? states[1] : states[2];
	uint64_t vsz = vm_size(tp) / 1024;
	uint64_t caps = tp->euid == 0 ? 0x000001ffffffffffULL : 0;
	sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		  "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
		  comm_of(tp, comm), tp->umask, st, tp->pid, tp->pid, tp->ppid,
		  tp->uid, tp->euid, tp->suid, tp->euid, tp->gid, tp->egid, tp->sgid, tp->egid);
	sb_printf(b, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		  tp->fds && tp->fds->cap > 64 ? tp->fds->cap : 64, tp->pid, tp->pid,
		  tp->pgid, tp->sid);
	sb_printf(b, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t       0 kB\nVmPin:\t       0 kB\n"
		  "VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n",
		  (unsigned long long)vsz, (unsigned long long)vsz,
		  (unsigned long long)vsz, (unsigned long long)vsz);
	sb_printf(b, "Threads:\t%d\nSigQ:\t0/31536\nSigPnd:\t%016llx\nShdPnd:\t%016llx\n"
		  "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		  nt, 0ULL, (unsigned long long)tp->sig.set,
		  (unsigned long long)blocked_of(tp), (unsigned long long)sig_bits(tp, 1),
		  (unsigned long long)sig_bits(tp, 0));
	sb_printf(b, "CapInh:\t0000000000000000\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		  "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n"
		  "Seccomp:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		  "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
		  (unsigned long long)caps, (unsigned long long)caps);
}

static const char mounts_text[] =
	"overlay / overlay rw,relatime 0 0\n"
	"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	"tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0\n"
	"devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0\n"
	"shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\n";

static const char mountinfo_text[] =
	"1 0 0:47 / / rw,relatime - overlay overlay rw\n"
	"2 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
	"3 1 0:47 /dev /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
	"4 3 0:47 /dev/pts /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666\n"
	"5 3 0:47 /dev/shm /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k\n";

long vfs_proc_write(rt_proc *p, struct vfs_node *n, const void *buf, size_t len)
{
	char name[65];
	switch (n->proc) {
	case P_K_HOSTNAME:
		if (len > 64)
			return -LX_EINVAL;
		memcpy(name, buf, len);
		name[len] = 0;
		if (len && name[len - 1] == '\n')
			name[len - 1] = 0;
		vfs_set_hostname(p->rt->vfs, name);
		return (long)len;
	case P_PID_COMM:
		return (long)len; /* accepted; comm follows the executable's name */
	}
	return -LX_EIO;
}

int vfs_proc_content(rt_proc *p, struct vfs_node *n, char **buf, size_t *len)
{
	struct sbuf b = { 0 };
	rt_proc *tp = n->proc_pid ? find_proc(p, n->proc_pid) : NULL;
	rt *r = p->rt;
	if (n->proc_pid && !tp)
		return -LX_ESRCH;
	switch (n->proc) {
	case P_CPUINFO:
		sb_printf(&b, "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\n"
			      "mmu\t\t: sv39\nuarch\t\t: friscy\nmvendorid\t: 0x0\n"
			      "marchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n");
		break;
	case P_MEMINFO: {
		uint64_t total = r->opt.arena_size ? r->opt.arena_size :
				 p->mem ? p->mem->size : (256ULL << 20);
		uint64_t used = 0;
		for (size_t i = 0; i < r->nprocs; i++)
			if (r->procs[i])
				used += vm_size(r->procs[i]);
		uint64_t freeb = used < total ? total - used : 0;
		sb_printf(&b, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
			      "MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
			      "Cached:                0 kB\nSwapCached:            0 kB\n"
			      "Active:         %8llu kB\nInactive:              0 kB\n"
			      "SwapTotal:             0 kB\nSwapFree:              0 kB\n"
			      "Shmem:                 0 kB\n",
			  (unsigned long long)(total / 1024), (unsigned long long)(freeb / 1024),
			  (unsigned long long)(freeb / 1024), (unsigned long long)(used / 1024));
		break;
	}
	case P_UPTIME: {
		uint64_t up = uptime_ns(p);
		sb_printf(&b, "%llu.%02llu %llu.%02llu\n",
			  (unsigned long long)(up / 1000000000), (unsigned long long)(up / 10000000 % 100),
			  (unsigned long long)(up / 1000000000), (unsigned long long)(up / 10000000 % 100));
		break;
	}
	case P_LOADAVG:
		sb_printf(&b, "0.00 0.00 0.00 1/%zu %d\n", r->nthreads ? r->nthreads : 1,
			  r->next_pid > 1 ? r->next_pid - 1 : p->pid);
		break;
	case P_VERSION:
		sb_printf(&b, "%s version %s (friscy@friscy) (riscv64-linux-gnu-gcc) %s\n",
			  LX_UNAME_SYSNAME, LX_UNAME_RELEASE, LX_UNAME_VERSION);
		break;
	case P_FILESYSTEMS:
		sb_printf(&b, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevpts\n"
			      "nodev\tpipefs\nnodev\toverlay\n");
		break;
	case P_STAT:
		sb_printf(&b, "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\n"
			      "btime %llu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
			  (unsigned long long)(r->boot_realtime_ns / 1000000000),
			  r->next_pid > 1 ? r->next_pid - 1 : 1);
		break;
	case P_K_OSTYPE:
		sb_printf(&b, "%s\n", LX_UNAME_SYSNAME);
		break;
	case P_K_OSRELEASE:
		sb_printf(&b, "%s\n", LX_UNAME_RELEASE);
		break;
	case P_K_HOSTNAME:
		sb_printf(&b, "%s\n", r->vfs->hostname);
		break;
	case P_K_PID_MAX:
		sb_printf(&b, "4194304\n");
		break;
	case P_K_NGROUPS_MAX:
		sb_printf(&b, "65536\n");
		break;
	case P_K_UUID: {
		uint8_t u[16];
		struct vfs_node dummy = { .rdev = lx_makedev(1, 9) };
		vfs_dev_read(p, &dummy, u, sizeof u);
		u[6] = (u[6] & 0x0f) | 0x40;
		u[8] = (u[8] & 0x3f) | 0x80;
		for (int i = 0; i < 16; i++)
			sb_printf(&b, "%s%02x", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
		sb_add(&b, "\n", 1);
		break;
	}
	case P_VM_OVERCOMMIT:
		sb_printf(&b, "0\n");
		break;
	case P_PID_CMDLINE:
		if (tp->cmdline)
			sb_add(&b, tp->cmdline, tp->cmdline_len);
		break;
	case P_PID_ENVIRON:
		if (tp->environ)
			sb_add(&b, tp->environ, tp->environ_len);
		break;
	case P_PID_AUXV:
		sb_add(&b, tp->auxv, tp->auxv_len < sizeof tp->auxv ? tp->auxv_len : sizeof tp->auxv);
		break;
	case P_PID_MAPS:
		gen_maps(p, tp, &b);
		break;
	case P_PID_STAT:
		gen_stat(p, tp, &b);
		break;
	case P_PID_STATUS:
		gen_status(tp, &b);
		break;
	case P_PID_COMM: {
		char comm[16];
		sb_printf(&b, "%s\n", comm_of(tp, comm));
		break;
	}
	case P_PID_MOUNTS:
		sb_add(&b, mounts_text, sizeof mounts_text - 1);
		break;
	case P_PID_MOUNTINFO:
		sb_add(&b, mountinfo_text, sizeof mountinfo_text - 1);
		break;
	default:
		return -LX_EINVAL;
	}
	if (b.oom) {
		free(b.s);
		return -LX_ENOMEM;
	}
	*buf = b.s;
	*len = b.len;
	return 0;
}
