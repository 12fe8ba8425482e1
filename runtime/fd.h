/* File descriptors: per-process tables of refcounted open file
 * descriptions (files, directories, pipes, the host's stdio and terminal,
 * /dev devices, /proc files), and pipes.
 *
 * The I/O functions here never block: where Linux would sleep they return
 * -EAGAIN and say which poll event they wait for; the syscall layer
 * (sys_fs.c) then blocks the thread (RT_WAIT_FD, -RT_EBLOCK) unless the file
 * is O_NONBLOCK. fd_poll_ready() tells the scheduler when to retry.
 *
 * Files of kinds implemented elsewhere (sockets, eventfd, epoll...) use
 * FD_EXT with an fd_ops table. */
#ifndef FD_H
#define FD_H

#include <stddef.h>
#include <stdint.h>
#include "rt.h"
#include "vfs.h"

enum fd_kind {
	FD_FILE,      /* regular file in the tree */
	FD_DIR,       /* directory: pos is the readdir position */
	FD_PIPE,      /* pipe or FIFO end (flags say which) */
	FD_HOST,      /* the host's stdio: a terminal (console) or a stream */
	FD_DEV,       /* /dev/null, zero, full, random, urandom */
	FD_PROC,      /* /proc file: content generated at open */
	FD_PATH,      /* O_PATH, or a symlink/socket node: no I/O */
	FD_EXT,       /* implemented elsewhere via fd_ops */
};

struct fd_file;

/* For FD_EXT files. Every callback may be NULL (then: EINVAL for read and
 * write, ENOTTY for ioctl, "always ready" for poll). read/write never
 * block: return -EAGAIN. */
struct fd_ops {
	const char *name;        /* readlink of /proc/self/fd/N: "socket:[ino]" etc. */
	long (*read)(rt_thread *t, struct fd_file *f, void *buf, size_t n);
	long (*write)(rt_thread *t, struct fd_file *f, const void *buf, size_t n);
	int (*poll)(rt_proc *p, struct fd_file *f, int events);
	long (*ioctl)(rt_thread *t, struct fd_file *f, unsigned long cmd, uint64_t arg);
	void (*release)(struct fd_file *f);
	/* For epoll (sys_epoll.c). changes: a counter that moves whenever
	 * Linux would wake a waiter for `events` (data written, room made, a
	 * timer expiring), even if readiness stays the same: edge-triggered
	 * items report it. NULL: only changes of readiness count. deadline:
	 * the monotonic ns at which readiness will change by itself (a timer
	 * expiring), 0 if none: a thread waiting on it must wake by then. */
	uint64_t (*changes)(rt_proc *p, struct fd_file *f, int events);
	uint64_t (*deadline)(rt_proc *p, struct fd_file *f);
};

typedef struct fd_file {
	int refs;                /* descriptors (in any table) sharing it */
	enum fd_kind kind;
	uint32_t flags;          /* LX_O_*: access mode, APPEND, NONBLOCK... */
	uint64_t pos;
	struct vfs_node *node;   /* always set, referenced */
	int readable, writable;
	/* FD_PIPE: the named-FIFO open generation of the other side (a blocking
	 * FIFO open waits for a peer; see fd.c) */
	unsigned fifo_gen;
	int fifo_wait;
	/* FD_HOST */
	int host_rfd, host_wfd;  /* host fd to read from / write to, -1 if none */
	int tty;                 /* it is the console */
	/* FD_PROC */
	char *buf;
	size_t len;
	/* FD_EXT */
	const struct fd_ops *ops;
	void *priv;
	int owner;               /* F_SETOWN */
	/* epoll items watching this description (sys_epoll.c), and what to
	 * call when its last reference goes so that they go too. */
	void *watchers;
	void (*unwatch)(struct fd_file *f);
} fd_file;

typedef struct fd_table {
	int refs;                /* processes sharing it (CLONE_FILES) */
	int cap;
	fd_file **file;
	uint8_t *cloexec;
} fd_table;

/* ---- tables ---- */

/* fds 0, 1, 2 = the host's stdin, stdout, stderr: the console (S_IFCHR,
 * /dev/pts/0) where rt->host.isatty says so, else a pipe-like stream
 * (S_IFIFO). r->vfs must be set. */
struct fd_table *fd_table_new_stdio(rt *r);
struct fd_table *fd_table_new(void);                 /* empty */
struct fd_table *fd_table_clone(struct fd_table *t); /* fork without CLONE_FILES */
void fd_table_ref(struct fd_table *t);               /* CLONE_FILES */
void fd_table_unref(struct fd_table *t);
void fd_close_on_exec(struct fd_table *t);

/* The soft RLIMIT_NOFILE of p (1024 by default, at most 65536). */
int fd_limit(rt_proc *p);
/* The open file behind fd (borrowed), or NULL. */
fd_file *fd_get(rt_proc *p, int fd);
/* Put f in the lowest free slot >= minfd (takes a reference of its own).
 * Returns the fd or -EMFILE. */
int fd_install(rt_proc *p, fd_file *f, int minfd, int cloexec);
/* Put f at exactly fd, closing what was there. 0 or -EBADF/-ENOMEM. */
int fd_install_at(rt_proc *p, fd_file *f, int fd, int cloexec);
int fd_close(rt_proc *p, int fd);
int fd_get_cloexec(rt_proc *p, int fd);
void fd_set_cloexec(rt_proc *p, int fd, int on);

/* ---- open file descriptions ---- */

/* A new description (refs = 1) on node (referenced by it). */
fd_file *fd_file_new(enum fd_kind kind, struct vfs_node *node, uint32_t flags);
void fd_file_ref(fd_file *f);
void fd_file_unref(fd_file *f);
/* Open a node as Linux's open(2) would once permissions are checked:
 * picks the kind (device, FIFO, /proc content, console...). */
int fd_open_node(rt_proc *p, struct vfs_node *n, uint32_t flags, fd_file **out);
/* pipe2: two new descriptions (read end, write end). */
int fd_pipe_new(rt_proc *p, uint32_t flags, fd_file **rd, fd_file **wr);

/* I/O on a description; off = NULL uses and advances f->pos (pread/pwrite
 * pass an offset). -EAGAIN when it would block (*wait_events says on
 * what). t may be NULL (no SIGPIPE). */
long fd_file_read(rt_thread *t, rt_proc *p, fd_file *f, void *buf, size_t n,
		  const uint64_t *off);
long fd_file_write(rt_thread *t, rt_proc *p, fd_file *f, const void *buf,
		   size_t n, const uint64_t *off);
int fd_file_poll(rt_proc *p, fd_file *f, int events);
/* For epoll: fd_ops.changes and fd_ops.deadline for any kind of file
 * (pipes count their wakeups; other kinds have a constant count and no
 * deadline), and whether Linux can poll the file at all (regular files,
 * directories, /dev/null... can not: epoll_ctl says EPERM). */
uint64_t fd_file_changes(rt_proc *p, fd_file *f, int events);
uint64_t fd_file_deadline(rt_proc *p, fd_file *f);
int fd_file_can_poll(const fd_file *f);
/* A new FD_EXT description (refs = 1) on its own anonymous inode, as
 * Linux's anon_inode files (eventfd, epoll, timerfd) are: mode 0600,
 * /proc/self/fd shows ops->name. Its release frees priv. NULL if out of
 * memory (priv not freed). */
fd_file *fd_anon_new(rt_proc *p, const struct fd_ops *ops, void *priv, uint32_t flags);
int fd_file_seekable(const fd_file *f);
/* Bytes readable now (FIONREAD), or -ENOTTY. */
long fd_file_nread(rt_proc *p, fd_file *f);
/* Path shown by /proc/self/fd/N (malloc'd). */
char *fd_file_path(fd_file *f);

/* ---- for the rest of the runtime ---- */

/* pread into a host buffer (mmap of a file). Bytes read or -errno. */
long fd_pread(rt_proc *p, int fd, void *buf, size_t n, uint64_t off);
/* The node behind fd (borrowed; vfs_node_ref to keep it), or NULL. */
struct vfs_node *fd_node(rt_proc *p, int fd);
/* Path for /proc/self/maps and /proc/self/fd (malloc'd), NULL if bad fd. */
char *fd_path(rt_proc *p, int fd);
/* revents now (LX_POLL* bits, POLLNVAL for a bad fd). */
int fd_poll_ready(rt_proc *p, int fd, int events);

/* ---- pipes ---- */
#define FD_PIPE_DEFAULT 65536
#define FD_PIPE_MAX_USER (1 << 20)   /* /proc/sys/fs/pipe-max-size */

typedef struct fd_pipe {
	uint8_t *buf;
	size_t cap, head, len;   /* ring: len bytes from head */
	int readers, writers;
	unsigned r_opens, w_opens; /* FIFO open generations (for blocking opens) */
	/* Wakeups Linux gives readers (every write, an end closing) and
	 * writers (a read making a full pipe writable, an end closing):
	 * fd_file_changes, for edge-triggered epoll. */
	uint64_t rd_wakes, wr_wakes;
} fd_pipe;

size_t fd_pipe_size(fd_file *f);                    /* F_GETPIPE_SZ */
long fd_pipe_resize(fd_file *f, uint64_t size, int root); /* F_SETPIPE_SZ */

/* ---- devices (vfs_dev.c); the console is tty.h ---- */
long vfs_dev_read(rt_proc *p, struct vfs_node *n, void *buf, size_t len);
long vfs_dev_write(rt_proc *p, struct vfs_node *n, const void *buf, size_t len);
/* Is rdev one of the memory devices vfs_dev.c serves? */
int vfs_dev_known(uint64_t rdev);


#endif
