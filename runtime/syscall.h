/* The Linux syscall table (riscv64 numbers, asm-generic).
 *
 * One row per syscall: X(number, name, argument kinds). The row generates
 * the dispatch switch, the handler's prototype `int64_t sys_<name>(rt_thread *,
 * const uint64_t a[6])`, and --strace's decoding of arguments. Adding a
 * syscall is one row here and one function in the sys_<area>.c file of its
 * area. A handler returns the result or a negative Linux errno, or
 * -RT_EBLOCK after recording in the thread what it waits for.
 *
 * Argument kinds for --strace, one letter per argument:
 *   d signed decimal   u unsigned decimal   x hex   p guest pointer
 *   s guest string (input)   f fd (AT_FDCWD shown by name)
 *   o octal (modes)   b buffer written by the guest (length in the next arg,
 *   printed as a quoted prefix)   B buffer filled by the kernel (length in the
 *   result, printed after the call)
 */
#ifndef SYSCALL_H
#define SYSCALL_H

#include <stdint.h>
#include "rt.h"

/* Files, directories, descriptors, pipes, poll: sys_fs.c, sys_poll.c. */
#define SYSCALLS_FS(X)                         \
	X(17, getcwd, "Bu")                    \
	X(23, dup, "f")                        \
	X(24, dup3, "ffx")                     \
	X(25, fcntl, "fdx")                    \
	X(29, ioctl, "fxp")                    \
	X(32, flock, "fx")                     \
	X(33, mknodat, "fsox")                 \
	X(34, mkdirat, "fso")                  \
	X(35, unlinkat, "fsx")                 \
	X(36, symlinkat, "sfs")                \
	X(37, linkat, "fsfsx")                 \
	X(43, statfs, "sp")                    \
	X(44, fstatfs, "fp")                   \
	X(45, truncate, "sd")                  \
	X(46, ftruncate, "fd")                 \
	X(47, fallocate, "fxdd")               \
	X(48, faccessat, "fso")                \
	X(49, chdir, "s")                      \
	X(50, fchdir, "f")                     \
	X(51, chroot, "s")                     \
	X(52, fchmod, "fo")                    \
	X(53, fchmodat, "fso")                 \
	X(54, fchownat, "fsddx")               \
	X(55, fchown, "fdd")                   \
	X(56, openat, "fsxo")                  \
	X(57, close, "f")                      \
	X(59, pipe2, "px")                     \
	X(61, getdents64, "fpu")               \
	X(62, lseek, "fdd")                    \
	X(63, read, "fBu")                     \
	X(64, write, "fbu")                    \
	X(65, readv, "fpd")                    \
	X(66, writev, "fpd")                   \
	X(67, pread64, "fBud")                 \
	X(68, pwrite64, "fbud")                \
	X(69, preadv, "fpdd")                  \
	X(70, pwritev, "fpdd")                 \
	X(71, sendfile, "ffpu")                \
	X(72, pselect6, "dpppp")               \
	X(73, ppoll, "pdppu")                  \
	X(78, readlinkat, "fspu")              \
	X(79, newfstatat, "fspx")              \
	X(80, fstat, "fp")                     \
	X(81, sync, "")                        \
	X(82, fsync, "f")                      \
	X(83, fdatasync, "f")                  \
	X(88, utimensat, "fspx")               \
	X(166, umask, "o")                     \
	X(223, fadvise64, "fddd")              \
	X(267, syncfs, "f")                    \
	X(276, renameat2, "fsfsx")             \
	X(279, memfd_create, "sx")             \
	X(291, statx, "fsxxp")                 \
	X(436, close_range, "uux")             \
	X(439, faccessat2, "fsox")             \
	X(452, fchmodat2, "fsox")

/* Memory: sys_mem.c. */
#define SYSCALLS_MEM(X)                        \
	X(214, brk, "x")                       \
	X(215, munmap, "xx")                   \
	X(216, mremap, "xxxxx")                \
	X(222, mmap, "xxxxfx")                 \
	X(226, mprotect, "xxx")                \
	X(227, msync, "xxx")                   \
	X(232, mincore, "xxp")                 \
	X(233, madvise, "xxd")

/* Time: sys_time.c. */
#define SYSCALLS_TIME(X)                       \
	X(101, nanosleep, "pp")                \
	X(113, clock_gettime, "dp")            \
	X(114, clock_getres, "dp")             \
	X(115, clock_nanosleep, "dxpp")        \
	X(153, times, "p")                     \
	X(169, gettimeofday, "pp")

/* Processes, identity, limits, futex, misc: sys_proc.c. */
#define SYSCALLS_PROC(X)                       \
	X(93, exit, "d")                       \
	X(94, exit_group, "d")                 \
	X(96, set_tid_address, "p")            \
	X(98, futex, "pxdppd")                 \
	X(99, set_robust_list, "pu")           \
	X(100, get_robust_list, "dpp")         \
	X(122, sched_setaffinity, "dup")       \
	X(123, sched_getaffinity, "dup")       \
	X(124, sched_yield, "")                \
	X(140, setpriority, "ddd")             \
	X(141, getpriority, "dd")              \
	X(144, setgid, "d")                    \
	X(146, setuid, "d")                    \
	X(147, setresuid, "ddd")               \
	X(148, getresuid, "ppp")               \
	X(149, setresgid, "ddd")               \
	X(150, getresgid, "ppp")               \
	X(154, setpgid, "dd")                  \
	X(155, getpgid, "d")                   \
	X(156, getsid, "d")                    \
	X(157, setsid, "")                     \
	X(158, getgroups, "dp")                \
	X(159, setgroups, "dp")                \
	X(160, uname, "p")                     \
	X(161, sethostname, "sd")              \
	X(163, getrlimit, "dp")                \
	X(164, setrlimit, "dp")                \
	X(165, getrusage, "dp")                \
	X(167, prctl, "dxxxx")                 \
	X(172, getpid, "")                     \
	X(173, getppid, "")                    \
	X(174, getuid, "")                     \
	X(175, geteuid, "")                    \
	X(176, getgid, "")                     \
	X(177, getegid, "")                    \
	X(178, gettid, "")                     \
	X(179, sysinfo, "p")                   \
	X(258, riscv_hwprobe, "pupux")         \
	X(260, wait4, "dpxp")                  \
	X(259, riscv_flush_icache, "xxx")      \
	X(261, prlimit64, "ddpp")              \
	X(278, getrandom, "Bux")               \
	X(283, membarrier, "dxd")              \
	X(293, rseq, "pudx")

/* New processes and threads, and exec: sys_clone.c. */
#define SYSCALLS_CLONE(X)                      \
	X(220, clone, "xpppp")                 \
	X(221, execve, "spp")                  \
	X(281, execveat, "fsppx")              \
	X(435, clone3, "pu")

/* Signals: sys_signal.c. */
#define SYSCALLS_SIGNAL(X)                     \
	X(129, kill, "dd")                     \
	X(130, tkill, "dd")                    \
	X(131, tgkill, "ddd")                  \
	X(132, sigaltstack, "pp")              \
	X(133, rt_sigsuspend, "pu")            \
	X(134, rt_sigaction, "dppu")           \
	X(135, rt_sigprocmask, "dppu")         \
	X(136, rt_sigpending, "pu")            \
	X(137, rt_sigtimedwait, "pppu")        \
	X(138, rt_sigqueueinfo, "ddp")         \
	X(139, rt_sigreturn, "")               \
	X(240, rt_tgsigqueueinfo, "dddp")

/* Event files: sys_eventfd.c, sys_epoll.c, sys_timerfd.c. */
#define SYSCALLS_EVENT(X)                      \
	X(19, eventfd2, "ux")                  \
	X(20, epoll_create1, "x")              \
	X(21, epoll_ctl, "fdfp")               \
	X(22, epoll_pwait, "fpddpu")           \
	X(85, timerfd_create, "dx")            \
	X(86, timerfd_settime, "fxpp")         \
	X(87, timerfd_gettime, "fp")           \
	X(441, epoll_pwait2, "fpdppu")

#define SYSCALLS(X)                            \
	SYSCALLS_FS(X)                         \
	SYSCALLS_MEM(X)                        \
	SYSCALLS_TIME(X)                       \
	SYSCALLS_PROC(X)                       \
	SYSCALLS_CLONE(X)                      \
	SYSCALLS_SIGNAL(X)                     \
	SYSCALLS_EVENT(X)

/* The node a *at() call's path starts from (sys_fs.c): the root, the cwd
 * or dirfd's directory (borrowed). */
struct vfs_node;
int sys_at_start(rt_thread *t, int dirfd, const char *path, int flags,
		 struct vfs_node **out);

#define X(nr, name, args) int64_t sys_##name(rt_thread *t, const uint64_t a[6]);
SYSCALLS(X)
#undef X

/* Run the syscall in a7 with arguments a0..a5, write a0, advance pc
 * (or leave pc on the ecall if it blocked). Handles --strace. */
void syscall_dispatch(rt_thread *t);

/* Name and message of a Linux errno (Linux numbering, whatever the host's). */
const char *lx_errname(int e);
const char *lx_strerror(int e);

/* Name of a syscall number (also for ones not implemented), or NULL. */
const char *syscall_name(long nr);

#endif
