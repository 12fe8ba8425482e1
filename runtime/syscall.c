/* Syscall dispatch and --strace. The table is in syscall.h. */
#include "linux_abi.h"
#include "syscall.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Names of riscv64 syscalls the runtime does not implement (yet), so an
 * unknown call is reported by name. Implemented ones come from the table. */
static const struct { int nr; const char *name; } other_names[] = {
	{ 0, "io_setup" }, { 1, "io_destroy" }, { 2, "io_submit" },
	{ 3, "io_cancel" }, { 4, "io_getevents" }, { 5, "setxattr" },
	{ 6, "lsetxattr" }, { 7, "fsetxattr" }, { 8, "getxattr" },
	{ 9, "lgetxattr" }, { 10, "fgetxattr" }, { 11, "listxattr" },
	{ 12, "llistxattr" }, { 13, "flistxattr" }, { 14, "removexattr" },
	{ 15, "lremovexattr" }, { 16, "fremovexattr" }, { 18, "lookup_dcookie" },
	
	{ 26, "inotify_init1" }, { 27, "inotify_add_watch" },
	{ 28, "inotify_rm_watch" }, { 30, "ioprio_set" }, { 31, "ioprio_get" },
	{ 39, "umount2" }, { 40, "mount" }, { 41, "pivot_root" },
	{ 42, "nfsservctl" }, { 58, "vhangup" }, { 60, "quotactl" },
	{ 74, "signalfd4" }, { 75, "vmsplice" }, { 76, "splice" }, { 77, "tee" },
	{ 84, "sync_file_range" }, 
	{ 89, "acct" },
	{ 90, "capget" }, { 91, "capset" }, { 92, "personality" },
	{ 95, "waitid" }, { 97, "unshare" }, { 102, "getitimer" },
	{ 103, "setitimer" }, { 104, "kexec_load" }, { 105, "init_module" },
	{ 106, "delete_module" }, { 107, "timer_create" }, { 108, "timer_gettime" },
	{ 109, "timer_getoverrun" }, { 110, "timer_settime" },
	{ 111, "timer_delete" }, { 112, "clock_settime" }, { 116, "syslog" },
	{ 117, "ptrace" }, { 118, "sched_setparam" }, { 119, "sched_setscheduler" },
	{ 120, "sched_getscheduler" }, { 121, "sched_getparam" },
	{ 125, "sched_get_priority_max" }, { 126, "sched_get_priority_min" },
	{ 127, "sched_rr_get_interval" }, { 128, "restart_syscall" },
	{ 140, "setpriority" }, { 141, "getpriority" },
	{ 142, "reboot" }, { 143, "setregid" }, { 145, "setreuid" },
	{ 151, "setfsuid" }, { 152, "setfsgid" }, { 162, "setdomainname" },
	{ 168, "getcpu" }, { 170, "settimeofday" }, { 171, "adjtimex" },
	{ 180, "mq_open" }, { 181, "mq_unlink" }, { 182, "mq_timedsend" },
	{ 183, "mq_timedreceive" }, { 184, "mq_notify" }, { 185, "mq_getsetattr" },
	{ 186, "msgget" }, { 187, "msgctl" }, { 188, "msgrcv" }, { 189, "msgsnd" },
	{ 190, "semget" }, { 191, "semctl" }, { 192, "semtimedop" },
	{ 193, "semop" }, { 194, "shmget" }, { 195, "shmctl" }, { 196, "shmat" },
	{ 197, "shmdt" }, { 198, "socket" }, { 199, "socketpair" }, { 200, "bind" },
	{ 201, "listen" }, { 202, "accept" }, { 203, "connect" },
	{ 204, "getsockname" }, { 205, "getpeername" }, { 206, "sendto" },
	{ 207, "recvfrom" }, { 208, "setsockopt" }, { 209, "getsockopt" },
	{ 210, "shutdown" }, { 211, "sendmsg" }, { 212, "recvmsg" },
	{ 213, "readahead" }, { 217, "add_key" }, { 218, "request_key" },
	{ 219, "keyctl" }, { 220, "clone" }, { 221, "execve" },
	{ 224, "swapon" }, { 225, "swapoff" },
	{ 228, "mlock" }, { 229, "munlock" }, { 230, "mlockall" },
	{ 231, "munlockall" }, { 234, "remap_file_pages" }, { 235, "mbind" },
	{ 236, "get_mempolicy" }, { 237, "set_mempolicy" }, { 238, "migrate_pages" },
	{ 239, "move_pages" }, 
	{ 241, "perf_event_open" }, { 242, "accept4" }, { 243, "recvmmsg" },
	{ 262, "fanotify_init" }, { 263, "fanotify_mark" },
	{ 264, "name_to_handle_at" }, { 265, "open_by_handle_at" },
	{ 266, "clock_adjtime" }, { 268, "setns" },
	{ 269, "sendmmsg" }, { 270, "process_vm_readv" },
	{ 271, "process_vm_writev" }, { 272, "kcmp" }, { 273, "finit_module" },
	{ 274, "sched_setattr" }, { 275, "sched_getattr" }, { 277, "seccomp" },
	{ 280, "bpf" }, { 281, "execveat" },
	{ 282, "userfaultfd" }, { 283, "membarrier" }, { 284, "mlock2" },
	{ 285, "copy_file_range" }, { 286, "preadv2" }, { 287, "pwritev2" },
	{ 288, "pkey_mprotect" }, { 289, "pkey_alloc" }, { 290, "pkey_free" },
	{ 292, "io_pgetevents" }, { 424, "pidfd_send_signal" },
	{ 425, "io_uring_setup" }, { 426, "io_uring_enter" },
	{ 427, "io_uring_register" }, { 428, "open_tree" }, { 429, "move_mount" },
	{ 430, "fsopen" }, { 431, "fsconfig" }, { 432, "fsmount" },
	{ 433, "fspick" }, { 434, "pidfd_open" }, { 435, "clone3" },
	{ 437, "openat2" }, { 438, "pidfd_getfd" },
	{ 440, "process_madvise" }, 
	{ 442, "mount_setattr" }, { 443, "quotactl_fd" },
	{ 444, "landlock_create_ruleset" }, { 445, "landlock_add_rule" },
	{ 446, "landlock_restrict_self" }, { 447, "memfd_secret" },
	{ 448, "process_mrelease" }, { 449, "futex_waitv" },
	{ 450, "set_mempolicy_home_node" },
};

const char *syscall_name(long nr)
{
	switch (nr) {
#define X(n, name, args) case n: return #name;
	SYSCALLS(X)
#undef X
	}
	for (size_t i = 0; i < sizeof other_names / sizeof other_names[0]; i++)
		if (other_names[i].nr == nr)
			return other_names[i].name;
	return NULL;
}

static const char *syscall_args(long nr)
{
	switch (nr) {
#define X(n, name, args) case n: return args;
	SYSCALLS(X)
#undef X
	}
	return "xxxxxx";
}

/* Linux errno names and messages, by Linux number (not the host's: under
 * Emscripten the host's differ), for --strace and runtime messages. */
static const struct { const char *name, *msg; } lx_errors[] = {
	[LX_EPERM] = { "EPERM", "Operation not permitted" },
	[LX_ENOENT] = { "ENOENT", "No such file or directory" },
	[LX_ESRCH] = { "ESRCH", "No such process" },
	[LX_EINTR] = { "EINTR", "Interrupted system call" },
	[LX_EIO] = { "EIO", "Input/output error" },
	[LX_ENXIO] = { "ENXIO", "No such device or address" },
	[LX_E2BIG] = { "E2BIG", "Argument list too long" },
	[LX_ENOEXEC] = { "ENOEXEC", "Exec format error" },
	[LX_EBADF] = { "EBADF", "Bad file descriptor" },
	[LX_ECHILD] = { "ECHILD", "No child processes" },
	[LX_EAGAIN] = { "EAGAIN", "Resource temporarily unavailable" },
	[LX_ENOMEM] = { "ENOMEM", "Cannot allocate memory" },
	[LX_EACCES] = { "EACCES", "Permission denied" },
	[LX_EFAULT] = { "EFAULT", "Bad address" },
	[LX_EBUSY] = { "EBUSY", "Device or resource busy" },
	[LX_EEXIST] = { "EEXIST", "File exists" },
	[LX_EXDEV] = { "EXDEV", "Invalid cross-device link" },
	[LX_ENODEV] = { "ENODEV", "No such device" },
	[LX_ENOTDIR] = { "ENOTDIR", "Not a directory" },
	[LX_EISDIR] = { "EISDIR", "Is a directory" },
	[LX_EINVAL] = { "EINVAL", "Invalid argument" },
	[LX_ENFILE] = { "ENFILE", "Too many open files in system" },
	[LX_EMFILE] = { "EMFILE", "Too many open files" },
	[LX_ENOTTY] = { "ENOTTY", "Inappropriate ioctl for device" },
	[LX_EFBIG] = { "EFBIG", "File too large" },
	[LX_ENOSPC] = { "ENOSPC", "No space left on device" },
	[LX_ESPIPE] = { "ESPIPE", "Illegal seek" },
	[LX_EROFS] = { "EROFS", "Read-only file system" },
	[LX_EMLINK] = { "EMLINK", "Too many links" },
	[LX_EPIPE] = { "EPIPE", "Broken pipe" },
	[LX_EDOM] = { "EDOM", "Numerical argument out of domain" },
	[LX_ERANGE] = { "ERANGE", "Numerical result out of range" },
	[LX_EDEADLK] = { "EDEADLK", "Resource deadlock avoided" },
	[LX_ENAMETOOLONG] = { "ENAMETOOLONG", "File name too long" },
	[LX_ENOSYS] = { "ENOSYS", "Function not implemented" },
	[LX_ENOTEMPTY] = { "ENOTEMPTY", "Directory not empty" },
	[LX_ELOOP] = { "ELOOP", "Too many levels of symbolic links" },
	[LX_EOVERFLOW] = { "EOVERFLOW", "Value too large for defined data type" },
	[LX_ENOTSOCK] = { "ENOTSOCK", "Socket operation on non-socket" },
	[LX_EOPNOTSUPP] = { "EOPNOTSUPP", "Operation not supported" },
	[LX_ETIMEDOUT] = { "ETIMEDOUT", "Connection timed out" },
};

const char *lx_errname(int e)
{
	if (e > 0 && e < (int)(sizeof lx_errors / sizeof lx_errors[0]) && lx_errors[e].name)
		return lx_errors[e].name;
	return NULL;
}

const char *lx_strerror(int e)
{
	if (e > 0 && e < (int)(sizeof lx_errors / sizeof lx_errors[0]) && lx_errors[e].msg)
		return lx_errors[e].msg;
	return "Unknown error";
}

/* Append to a bounded line buffer. */
typedef struct line {
	char buf[1024];
	size_t n;
} line;

static void put(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(line *l, const char *fmt, ...)
{
	if (l->n >= sizeof l->buf - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(l->buf + l->n, sizeof l->buf - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k;
	if (l->n > sizeof l->buf - 1)
		l->n = sizeof l->buf - 1;
}

/* A guest buffer shown as strace does: quoted, escaped, first 32 bytes. */
static void put_buf(line *l, const rv_mem *m, uint64_t g, uint64_t n)
{
	size_t show = n < 32 ? (size_t)n : 32;
	const uint8_t *p = mem_check(m, g, show, MEM_R);
	if (!p) {
		put(l, "0x%llx", (unsigned long long)g);
		return;
	}
	put(l, "\"");
	for (size_t i = 0; i < show; i++) {
		uint8_t c = p[i];
		if (c == '\n')
			put(l, "\\n");
		else if (c == '\t')
			put(l, "\\t");
		else if (c == '"' || c == '\\')
			put(l, "\\%c", c);
		else if (c >= 32 && c < 127)
			put(l, "%c", c);
		else
			put(l, "\\%o", c);
	}
	put(l, "\"%s", n > show ? "..." : "");
}

static void put_arg(line *l, const rv_mem *m, char kind, uint64_t v,
		    uint64_t next, int64_t ret, int after)
{
	switch (kind) {
	case 'd': put(l, "%lld", (long long)v); break;
	case 'u': put(l, "%llu", (unsigned long long)v); break;
	case 'o': put(l, "0%llo", (unsigned long long)v); break;
	case 'f':
		if ((int)v == -100)
			put(l, "AT_FDCWD");
		else
			put(l, "%d", (int)v);
		break;
	case 's': {
		char s[256];
		if (!m) { /* the process is gone (exit) */
			put(l, "0x%llx", (unsigned long long)v);
			break;
		}
		long k = mem_read_str(m, v, s, sizeof s);
		if (k >= 0)
			put(l, "\"%s\"", s);
		else
			put(l, "0x%llx", (unsigned long long)v);
		break;
	}
	case 'b': put_buf(l, m, v, next); break;
	case 'B':
		if (after && ret >= 0)
			put_buf(l, m, v, (uint64_t)ret);
		else
			put(l, "0x%llx", (unsigned long long)v);
		break;
	case 'p':
		if (v == 0)
			put(l, "NULL");
		else
			put(l, "0x%llx", (unsigned long long)v);
		break;
	default: put(l, "0x%llx", (unsigned long long)v); break;
	}
}

#define STRACE_UNFINISHED INT64_MIN

static void strace_line(rt_thread *t, long nr, const uint64_t a[6], int64_t ret)
{
	rt *r = t->proc->rt;
	line l = { .n = 0 };
	const char *name = syscall_name(nr);
	const char *kinds = syscall_args(nr);
	put(&l, "[%d] ", t->tid);
	if (name)
		put(&l, "%s(", name);
	else
		put(&l, "syscall_%ld(", nr);
	for (int i = 0; kinds[i] && i < 6; i++) {
		if (i)
			put(&l, ", ");
		put_arg(&l, t->proc->mem, kinds[i], a[i], i < 5 ? a[i + 1] : 0, ret, 1);
	}
	if (ret == -RT_EBLOCK) {
		put(&l, ") = ? <blocked>");
	} else if (ret == STRACE_UNFINISHED) {
		put(&l, ") ...");
	} else if (ret < 0 && ret >= -4095) {
		int e = (int)-ret;
		const char *en = lx_errname(e);
		if (en)
			put(&l, ") = -1 %s (%s)", en, lx_strerror(e));
		else
			put(&l, ") = -1 errno %d", e);
	} else if (nr == 222 || nr == 214 || nr == 216) {
		put(&l, ") = 0x%llx", (unsigned long long)ret);
	} else {
		put(&l, ") = %lld", (long long)ret);
	}
	r->host.log(l.buf);
}

/* The handlers by number. A table, not a switch: a switch let the wasm
 * build's optimizer inline every handler into one 55 KB function, which V8
 * then compiled with TurboFan (160 ms on a background thread) in nearly
 * every run, and node waits for that at exit; called through the table,
 * each handler is compiled apart, and only if it gets hot. */
typedef int64_t (*sys_handler)(rt_thread *t, const uint64_t a[6]);
static const sys_handler handlers[] = {
#define X(n, name, args) [n] = sys_##name,
	SYSCALLS(X)
#undef X
};

static int64_t dispatch(rt_thread *t, long nr, const uint64_t a[6])
{
	if (nr >= 0 && nr < (long)(sizeof handlers / sizeof *handlers) && handlers[nr])
		return handlers[nr](t, a);
	rt *r = t->proc->rt;
	if (nr < 0 || nr >= (long)(sizeof r->unknown_reported / sizeof r->unknown_reported[0]) ||
	    !r->unknown_reported[nr]) {
		const char *name = syscall_name(nr);
		rt_logf(r, "unsupported syscall %ld (%s), returning ENOSYS", nr,
			name ? name : "unknown");
		if (nr >= 0 && nr < (long)(sizeof r->unknown_reported / sizeof r->unknown_reported[0]))
			r->unknown_reported[nr] = 1;
	}
	return -LX_ENOSYS;
}

void syscall_dispatch(rt_thread *t)
{
	rv_cpu *c = &t->cpu;
	long nr = (long)c->x[17];
	const uint64_t a[6] = { c->x[10], c->x[11], c->x[12],
				c->x[13], c->x[14], c->x[15] };
	uint64_t pc = c->pc;
	/* A successful exec replaces the memory the arguments are in: show
	 * them now. */
	int is_exec = nr == 221 || nr == 281;
	if (is_exec && t->proc->rt->opt.strace)
		strace_line(t, nr, a, STRACE_UNFINISHED);
	int64_t ret = dispatch(t, nr, a);
	t->restarting = 0;
	/* A blocked call stays on the ecall and runs again when the thread
	 * is woken; --strace prints it once, when it completes. */
	if (ret == -RT_EBLOCK)
		return;
	t->wait_deadline = 0; /* done: a stale deadline must not wake the host */
	if (t->proc->rt->opt.strace) {
		if (is_exec && ret == 0)
			rt_logf(t->proc->rt, "[%d] <... %s resumed>) = 0", t->tid,
				syscall_name(nr));
		else
			strace_line(t, nr, a, ret);
	}
	/* exit, execve and rt_sigreturn set the whole state themselves. */
	if (t->exited || c->pc != pc)
		return;
	c->x[10] = (uint64_t)ret;
	c->pc = pc + 4;
}
