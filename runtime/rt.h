/* The runtime: processes, threads, and the step-function run loop
 * (DESIGN.md decisions 3 and 7).
 *
 * rt_run() runs guest code for at most `budget` instructions and returns
 * why it stopped: every guest exited, every runnable thread is blocked (the
 * host waits for what rt_wait_info() names and calls rt_run again), or the
 * budget ran out. Nothing here blocks the host. */
#ifndef RT_H
#define RT_H

#include <stdint.h>
#include <stddef.h>
#include "rv_cpu.h"
#include "mem.h"

struct vfs;         /* the mounted filesystem tree (vfs.h) */
struct vfs_node;
struct fd_table;    /* a process's descriptors (vfs.h) */

#define RT_NSIG 64

/* Linux's struct k_sigaction as the riscv64 kernel sees it. */
typedef struct rt_sigaction_k {
	uint64_t handler;   /* SIG_DFL = 0, SIG_IGN = 1, else guest address */
	uint64_t flags;     /* SA_* */
	uint64_t mask;      /* sa_mask (64 signals) */
} rt_sigaction_k;

/* What a pending signal carries into its siginfo_t. */
typedef struct rt_siginfo {
	int32_t code;             /* si_code: SI_USER, SI_TKILL, SEGV_MAPERR, ... */
	int32_t pid, uid;         /* sender, for kill/tgkill/sigqueue */
	int32_t status;           /* SIGCHLD */
	uint64_t addr;            /* fault address */
	uint64_t value;           /* si_value, for sigqueue */
} rt_siginfo;

#define RT_SIGRTMIN 32

/* Pending signals of a thread or a process. Standard signals do not queue
 * (one slot per number); real-time ones queue every instance, in order. */
typedef struct rt_sigpend {
	uint64_t set;             /* bit sig-1: at least one pending */
	rt_siginfo std[RT_SIGRTMIN];
	struct rt_sigq { int sig; rt_siginfo info; } *rtq;
	size_t nrtq, caprtq;
} rt_sigpend;

typedef struct rt_proc {
	int pid, ppid, pgid, sid;
	struct rt *rt;
	rv_mem *mem;
	struct fd_table *fds;
	struct vfs_node *cwd;     /* a reference held by the process */
	uint32_t umask;
	uint32_t uid, euid, suid, gid, egid, sgid;
	rt_sigaction_k sigact[RT_NSIG + 1]; /* indexed by signal number */
	rt_sigpend sig;                     /* process-directed signals */
	char *exe;                /* absolute guest path of the executable */
	char *cmdline;            /* NUL-separated argv, for /proc/self/cmdline */
	size_t cmdline_len;
	char *environ;            /* NUL-separated envp, for /proc/self/environ */
	size_t environ_len;
	uint64_t auxv[64];        /* copy of the auxv, for /proc/self/auxv */
	size_t auxv_len;          /* in bytes */
	struct { uint64_t cur, max; } rlimit[16];
	int nice;                 /* -20..19 */
	unsigned membarrier_reg;  /* MEMBARRIER_CMD_REGISTER_* done */
	int exit_signal;          /* sent to the parent at exit (SIGCHLD, or 0) */
	int in_vfork;             /* a vfork child that has not yet exec'd or exited */
	int execed;               /* has exec'd since its fork (setpgid: EACCES) */
	int exited;               /* all threads gone (a zombie until reaped) */
	int reaped;               /* its parent collected the status */
	int exit_status;          /* wait status, as wait4 encodes it */
	uint64_t start_ns;        /* monotonic start time */
	uint64_t sigreturn_tramp; /* guest address of `li a7,139; ecall` */
	char comm[16];            /* prctl(PR_SET_NAME), /proc/self/comm */
	uint32_t groups[64];      /* supplementary groups */
	int ngroups;
} rt_proc;

/* What a blocked thread waits for. */
enum rt_wait_kind {
	RT_WAIT_NONE,
	RT_WAIT_FD,       /* wait_fd readable/writable (wait_events: POLLIN/POLLOUT) */
	RT_WAIT_POLL,     /* a poll/select set; re-run the syscall when anything changes */
	RT_WAIT_TIMER,    /* until wait_deadline (monotonic ns) */
	RT_WAIT_FUTEX,    /* on wait_addr, or until wait_deadline if nonzero */
	RT_WAIT_CHILD,
	RT_WAIT_SIGNAL,   /* rt_sigsuspend / pause */
	RT_WAIT_VFORK,    /* until the vfork child wait_addr (a pid) execs or exits */
};

typedef struct rt_thread {
	rv_cpu cpu;
	rt_proc *proc;
	int tid;
	uint64_t sigmask;
	rt_sigpend sig;           /* thread-directed signals */
	uint64_t clear_child_tid; /* set_tid_address */
	uint64_t robust_list, robust_len;
	uint64_t rseq;
	struct { uint64_t sp, size; int flags; } altstack;
	/* Blocking (DESIGN.md 3): a syscall that cannot complete sets these and
	 * returns -RT_EBLOCK; the pc stays on the ecall, so the syscall runs
	 * again when the thread is woken. A syscall that needs to remember
	 * progress across the retry (a sleep's deadline) keeps it here. */
	enum rt_wait_kind wait;
	int wait_fd;
	int wait_events;
	uint64_t wait_addr;
	uint64_t wait_deadline;   /* monotonic ns; 0 = none */
	uint64_t wait_rem;        /* nanosleep: where to store the time left
				     if a signal interrupts it (0 = nowhere) */
	int restarting;           /* this ecall is a retry of a blocked syscall */
	int exited;
	uint64_t saved_sigmask;   /* rt_sigsuspend / ppoll restore it on return */
	int has_saved_sigmask;
} rt_thread;

typedef struct rt_options {
	int strace;               /* print each syscall to the host's stderr */
	int trace;                /* pc and registers at every block boundary */
	uint64_t arena_size;      /* bytes of guest address space per process */
	/* The host's terminal turns NL into CR NL itself (node's raw mode
	 * keeps ONLCR): the line discipline must not add a CR of its own. */
	int host_onlcr;
	int no_aot;               /* interpret everything (--no-aot) */
} rt_options;

struct aot_ctx;

/* The host: the few things the runtime needs from outside. The native
 * runner fills this with POSIX calls, the wasm build with JS imports. */
typedef struct rt_host {
	/* Non-blocking I/O on the host's stdin/stdout/stderr (fd 0..2):
	 * returns bytes moved, 0 at EOF, or -EAGAIN (Linux errno, negated). */
	long (*read)(int fd, void *buf, size_t n);
	long (*write)(int fd, const void *buf, size_t n);
	int (*isatty)(int fd);
	/* Readiness of a host fd now, without waiting: POLLIN/POLLOUT/POLLHUP
	 * bits of `events` that hold. */
	int (*poll)(int fd, int events);
	/* Terminal window size; 0 or -ENOTTY. */
	int (*winsize)(int fd, uint16_t *rows, uint16_t *cols);
	uint64_t (*realtime_ns)(void);
	uint64_t (*monotonic_ns)(void);
	void (*random)(void *buf, size_t n);
	/* Diagnostics (strace, warnings): one line, no trailing newline needed. */
	void (*log)(const char *line);
	/* Ahead-of-time compiled code (aot.c), NULL where the host has none
	 * (natively): the handle of the module compiled from these ELF bytes
	 * (0: none); its entry table (a malloc'd copy of its friscy.entries
	 * section, which the runtime frees); a call of its run(). */
	int (*aot_lookup)(const uint8_t *elf, size_t len);
	int (*aot_entries)(int handle, uint8_t **data, size_t *len);
	int (*aot_call)(int handle, struct aot_ctx *ctx, uint32_t func, uint32_t block);
} rt_host;

enum rt_status { RT_EXITED, RT_BLOCKED, RT_YIELD };

typedef struct rt {
	rt_options opt;
	rt_host host;
	struct vfs *vfs;
	rt_thread **threads;      /* every live thread, any process */
	size_t nthreads, cap;
	rt_proc **procs;
	size_t nprocs, pcap;
	size_t current;           /* index into threads of the running thread */
	int next_pid;
	int exit_status;          /* of the first process, once it has exited */
	int unknown_reported[512];/* report each unknown syscall once */
	uint64_t boot_realtime_ns;
	uint64_t boot_monotonic_ns;
	uint64_t steps;           /* instructions and syscalls run so far */
	uint64_t aot_insns;       /* guest instructions run by compiled code */
	uint64_t aot_steps;       /* of those, run in place by the interpreter (aot_step) */
	uint64_t aot_entries;     /* times the runtime entered compiled code (aot_run) */
	uint64_t interp_insns;    /* and by the interpreter */
} rt;

/* Negated by syscalls that would block; never reaches the guest. */
#define RT_EBLOCK 100000

/* Messages about the runtime itself (not the guest): "friscy: ..." */
void rt_logf(rt *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

rt_thread *rt_current(rt *r);
int rt_run(rt *r, uint64_t budget);

/* Signals (signal.c). Send sig to a thread or to a process; the _info
 * forms say what the receiver's siginfo_t holds (NULL: SI_KERNEL). */
void rt_signal_thread(rt_thread *t, int sig);
void rt_signal_proc(rt_proc *p, int sig);
int rt_signal_thread_info(rt_thread *t, int sig, const rt_siginfo *info);
int rt_signal_proc_info(rt_proc *p, int sig, const rt_siginfo *info);
/* Take the lowest pending signal in `set` (thread-directed first) and its
 * siginfo; 0 if none. */
int rt_signal_dequeue(rt_thread *t, uint64_t set, rt_siginfo *info);
/* Fill a guest siginfo_t (128 bytes). */
void rt_write_siginfo(uint8_t *si, int sig, const rt_siginfo *info);
/* Drop every pending instance of sig (it became ignored). */
void rt_signal_discard(rt_sigpend *p, int sig);
void rt_sigpend_free(rt_sigpend *p);
/* A synchronous fault (SIGSEGV, SIGILL, SIGBUS, SIGTRAP, SIGFPE): delivered
 * now; kills the process if blocked or ignored, as Linux does. */
void rt_signal_fault(rt_thread *t, int sig, int code, uint64_t addr);
/* Deliver a pending unblocked signal to t, if any: set up the handler's
 * frame, or apply the default action. Returns 1 if it did something. */
int rt_signal_deliver(rt_thread *t);
/* The next signal t would take (pending and unblocked), or 0. */
int rt_signal_next(const rt_thread *t);
/* Like rt_signal_next, but first discards pending signals that are
 * ignored: what is left would run a handler or a default action. */
int rt_signal_pending_action(rt_thread *t);

/* Setting up (rt.c). rt_new mounts the rootfs tar (NULL: an empty root);
 * the tar's bytes must outlive the runtime. On error both return NULL / a
 * negative errno with a one-line message in err. */
rt *rt_new(const rt_options *opt, const rt_host *host, const uint8_t *tar,
	   size_t tar_len, const char *tar_name, char *err, size_t errcap);
void rt_free(rt *r);
/* Start the first process (pid 1): the program at guest path `path`, or,
 * when data is non-NULL, the given bytes (a host file run without a
 * rootfs) under that name. cwd NULL means "/". */
int rt_spawn(rt *r, const char *path, const uint8_t *data, size_t len,
	     char *const argv[], char *const envp[], const char *cwd,
	     char *err, size_t errcap);
/* While RT_BLOCKED: the earliest monotonic deadline any thread waits for
 * (UINT64_MAX if none), and whether any waits on a host descriptor. */
void rt_wait_info(rt *r, uint64_t *deadline, int *host_io);
/* Exit status of pid 1 as a shell reports it: code, or 128+signal. */
int rt_exit_code(const rt *r);

/* Terminate a process with a wait status (exit code << 8, or signal): its
 * memory and descriptors go, its children pass to pid 1, its parent gets
 * its exit signal; it stays a zombie until reaped. */
void rt_proc_exit(rt_proc *p, int wait_status);

/* clone: add a new thread, of t->proc or, when np is non-NULL, of np, a
 * new process (which the runtime then owns, and frees on failure). Gives
 * the thread (and np) a fresh id and returns it, or -ENOMEM. */
int rt_add_thread(rt *r, rt_thread *t, rt_proc *np);

/* The live process with this pid, or NULL. */
rt_proc *rt_find_proc(rt *r, int pid);

#endif
