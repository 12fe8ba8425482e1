/* File syscalls: paths, descriptors, I/O, metadata (SYSCALLS_FS in
 * syscall.h; poll and select are in sys_poll.c).
 *
 * Each handler checks its arguments in the order Linux does, so the errno
 * of a call with several things wrong is Linux's. Guest memory is reached
 * only through mem.h. A call that would block records what it waits for
 * in the thread and returns -RT_EBLOCK (DESIGN.md decision 3). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "syscall.h"
#include "linux_abi.h"
#include "interp.h"
#include "vfs.h"
#include "fd.h"
#include "tty.h"

#define IS_DIR(n) LX_S_ISTYPE((n)->mode, LX_S_IFDIR)
#define IS_REG(n) LX_S_ISTYPE((n)->mode, LX_S_IFREG)
#define IS_LNK(n) LX_S_ISTYPE((n)->mode, LX_S_IFLNK)

/* ---- helpers ---- */

static struct vfs *VFS(rt_thread *t)
{
	return t->proc->rt->vfs;
}

/* A guest path into buf (LX_PATH_MAX bytes): 0, -EFAULT or -ENAMETOOLONG
 * (a path of PATH_MAX bytes or more, as Linux says). */
static int get_path(rt_thread *t, uint64_t g, char *buf)
{
	long r = mem_read_str(t->proc->mem, g, buf, LX_PATH_MAX);
	if (r < 0)
		return r == -LX_ENAMETOOLONG ? -LX_ENAMETOOLONG : -LX_EFAULT;
	return 0;
}

/* Host pointer for the guest buffer [g, g+*n), shortened to the part that
 * is mapped with prot; NULL (EFAULT) if not even its first byte is. */
static uint8_t *guest_buf(rt_thread *t, uint64_t g, size_t *n, uint32_t prot)
{
	rv_mem *m = t->proc->mem;
	uint64_t end = g + *n, at = g;
	if (end < g)
		end = UINT64_MAX;
	while (at < end) {
		const mem_vma *v = mem_find(m, at);
		if (!v || (v->prot & prot) != prot)
			break;
		/* Pages of a file mapping past the file's end fault (SIGBUS in
		 * the guest, EFAULT here). */
		uint64_t stop = mem_vma_eof(v);
		at = stop < v->end ? stop : v->end;
		if (stop < v->end)
			break;
	}
	if (at == g)
		return NULL;
	if (at < end)
		*n = (size_t)(at - g);
	return mem_at(m, g, *n);
}

/* The kernel wrote guest bytes [g, g+n) through a host pointer: drop any
 * code the interpreter decoded from them (a loader that read()s code, a
 * JIT), as a store from the guest itself would. */
static void wrote_guest(rt_thread *t, uint64_t g, size_t n)
{
	rv_mem *m = t->proc->mem;
	if (!n || !m->pageprot)
		return;
	for (uint64_t pg = g / MEM_PAGE; pg <= (g + n - 1) / MEM_PAGE; pg++) {
		if (m->pageprot[pg] & MEM_CODE) {
			interp_flush(m, g, n);
			return;
		}
	}
}

static long block_on(rt_thread *t, int fd, int events)
{
	t->wait = RT_WAIT_FD;
	t->wait_fd = fd;
	t->wait_events = events;
	return -RT_EBLOCK;
}

/* The node a *at() lookup starts from (borrowed). */
int sys_at_start(rt_thread *t, int dirfd, const char *path, int flags,
		      struct vfs_node **out)
{
	rt_proc *p = t->proc;
	struct vfs_node *root = VFS(t)->root;
	if (path[0] == '/') {
		*out = root;
		return 0;
	}
	if (dirfd == LX_AT_FDCWD) {
		*out = p->cwd ? p->cwd : root;
		return 0;
	}
	fd_file *f = fd_get(p, dirfd);
	if (!f)
		return -LX_EBADF;
	if (!path[0] && (flags & VFS_EMPTY)) {
		*out = f->node;
		return 0;
	}
	if (!IS_DIR(f->node))
		return -LX_ENOTDIR;
	*out = f->node;
	return 0;
}

static int lookup_at(rt_thread *t, int dirfd, const char *path, int flags,
		     struct vfs_path *lp)
{
	struct vfs_node *start;
	memset(lp, 0, sizeof *lp);
	if (!path[0] && !(flags & VFS_EMPTY))
		return -LX_ENOENT;
	int r = sys_at_start(t, dirfd, path, flags, &start);
	if (r < 0)
		return r;
	return vfs_lookup(t->proc, start, path, flags, lp);
}

/* Where a new name goes (mkdir, mknod, symlink, link): Linux's
 * filename_create(). */
static int create_at(rt_thread *t, int dirfd, const char *path, int is_dir,
		     struct vfs_path *lp)
{
	int r = lookup_at(t, dirfd, path, VFS_PARENT, lp);
	if (r < 0)
		return r;
	if (lp->last != VFS_LAST_NORM || lp->node)
		r = -LX_EEXIST;
	else if (lp->slash && !is_dir)
		r = -LX_ENOENT;
	if (r < 0)
		vfs_path_put(lp);
	return r;
}

static int have_free_fd(rt_proc *p)
{
	int limit = fd_limit(p);
	for (int fd = 0; fd < limit; fd++)
		if (!fd_get(p, fd))
			return 1;
	return 0;
}

/* fd_get() for calls that reject O_PATH descriptors (Linux's fdget()). */
static fd_file *fd_io(rt_proc *p, int fd)
{
	fd_file *f = fd_get(p, fd);
	return f && f->kind != FD_PATH ? f : NULL;
}

static void set_cwd(rt_proc *p, struct vfs_node *n)
{
	vfs_node_ref(n);
	vfs_node_unref(p->cwd);
	p->cwd = n;
}

/* ---- opening and closing ---- */

static long open_tmpfile(rt_thread *t, int dirfd, const char *path,
			 uint32_t flags, uint32_t mode)
{
	rt_proc *p = t->proc;
	uint32_t acc = flags & LX_O_ACCMODE;
	struct vfs_path lp;
	if ((flags & (LX_O_TMPFILE | LX_O_CREAT)) != LX_O_TMPFILE)
		return -LX_EINVAL;
	if (acc != LX_O_WRONLY && acc != LX_O_RDWR)
		return -LX_EINVAL;
	int r = lookup_at(t, dirfd, path, VFS_FOLLOW | VFS_EXIST, &lp);
	if (r < 0)
		return r;
	struct vfs_node *dir = lp.node;
	if (!IS_DIR(dir))
		r = -LX_ENOTDIR;
	else if (dir->dead)
		r = -LX_ENOENT;
	else if (dir->proc)
		r = -LX_EOPNOTSUPP;
	else
		r = vfs_permission(p, dir, LX_W_OK | LX_X_OK, 0);
	struct vfs_node *n = NULL;
	if (r == 0 && !(n = vfs_node_new_anon(VFS(t), LX_S_IFREG | (mode & ~p->umask & 07777), p)))
		r = -LX_ENOSPC;
	if (r == 0) {
		if (dir->mode & LX_S_ISGID)
			n->gid = dir->gid;
		n->linkable = !(flags & LX_O_EXCL);
		char *dp = vfs_node_path(dir);
		char *name = malloc((dp ? strlen(dp) : 0) + 48);
		if (name) {
			sprintf(name, "%s/#%llu (deleted)", dp && strcmp(dp, "/") ? dp : "",
				(unsigned long long)n->ino);
			n->name = name;
		}
		free(dp);
		fd_file *f = fd_file_new(FD_FILE, n, (flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY |
							     LX_O_TRUNC | LX_O_CLOEXEC | LX_O_TMPFILE)) |
						      LX_O_LARGEFILE);
		vfs_node_unref(n);
		if (!f)
			r = -LX_ENOMEM;
		else {
			r = fd_install(p, f, 0, flags & LX_O_CLOEXEC);
			fd_file_unref(f);
		}
	}
	vfs_path_put(&lp);
	return r;
}

static long do_open(rt_thread *t, int dirfd, const char *path, uint32_t flags,
		    uint32_t mode)
{
	rt_proc *p = t->proc;
	struct vfs_path lp;
	int r, created = 0;

	if (flags & LX_O_PATH)
		flags &= LX_O_PATH | LX_O_CLOEXEC | LX_O_DIRECTORY | LX_O_NOFOLLOW;
	if (!have_free_fd(p))
		return -LX_EMFILE;
	if (flags & LX_O_TMPFILE_BIT)
		return open_tmpfile(t, dirfd, path, flags, mode);
	if ((flags & LX_O_CREAT) && (flags & LX_O_DIRECTORY))
		return -LX_EINVAL;
	uint32_t acc = flags & LX_O_ACCMODE;
	int lflags;
	if (flags & LX_O_CREAT)
		lflags = VFS_PARENT | ((flags & (LX_O_EXCL | LX_O_NOFOLLOW)) ? 0 : VFS_FOLLOW);
	else
		lflags = VFS_EXIST | ((flags & LX_O_NOFOLLOW) ? 0 : VFS_FOLLOW);
	if ((r = lookup_at(t, dirfd, path, lflags, &lp)) < 0)
		return r;
	struct vfs_node *n = lp.node;
	if (flags & LX_O_CREAT) {
		if (lp.last != VFS_LAST_NORM) { /* ".", "..", "/": a directory */
			r = (flags & LX_O_EXCL) ? -LX_EEXIST : -LX_EISDIR;
			goto out;
		}
		if (lp.slash) {
			r = -LX_EISDIR;
			goto out;
		}
		if (n) {
			if (flags & LX_O_EXCL) {
				r = -LX_EEXIST;
				goto out;
			}
			if (IS_DIR(n)) {
				r = -LX_EISDIR;
				goto out;
			}
		} else {
			if (!lp.dir) {
				r = -LX_ENOENT;
				goto out;
			}
			r = vfs_create(p, lp.dir, lp.name, LX_S_IFREG | (mode & ~p->umask & 07777),
				       0, NULL, &n);
			if (r < 0)
				goto out;
			lp.node = n;
			created = 1;
		}
	}
	if ((flags & LX_O_DIRECTORY) && !IS_DIR(n)) {
		r = -LX_ENOTDIR;
		goto out;
	}
	if (IS_LNK(n) && !(flags & LX_O_PATH)) {
		r = -LX_ELOOP; /* O_NOFOLLOW on a symlink */
		goto out;
	}
	if (!(flags & LX_O_PATH) && !created) {
		int mask = 0;
		if (acc != LX_O_WRONLY)
			mask |= LX_R_OK;
		if (acc != LX_O_RDONLY || (flags & LX_O_TRUNC))
			mask |= LX_W_OK;
		if (IS_DIR(n) && (mask & LX_W_OK)) {
			r = -LX_EISDIR;
			goto out;
		}
		if ((r = vfs_permission(p, n, mask, 0)) < 0)
			goto out;
	}
	if ((flags & LX_O_TRUNC) && !(flags & LX_O_PATH) && IS_REG(n) && !n->proc && n->size) {
		if ((r = vfs_node_truncate(p, n, 0)) < 0)
			goto out;
	}
	fd_file *f;
	uint32_t keep = flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_CLOEXEC);
	if (!(flags & LX_O_PATH))
		keep |= LX_O_LARGEFILE; /* forced on 64-bit, as Linux does */
	if ((r = fd_open_node(p, n, keep, &f)) < 0)
		goto out;
	r = fd_install(p, f, 0, flags & LX_O_CLOEXEC);
	fd_file_unref(f);
out:
	vfs_path_put(&lp);
	return r;
}

int64_t sys_openat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	return do_open(t, (int)a[0], path, (uint32_t)a[2], (uint32_t)a[3] & 07777);
}

int64_t sys_close(rt_thread *t, const uint64_t a[6])
{
	return fd_close(t->proc, (int)a[0]);
}

int64_t sys_close_range(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint32_t first = (uint32_t)a[0], last = (uint32_t)a[1];
	uint32_t flags = (uint32_t)a[2];
	if (flags & ~(uint32_t)(LX_CLOSE_RANGE_UNSHARE | LX_CLOSE_RANGE_CLOEXEC))
		return -LX_EINVAL;
	if (first > last)
		return -LX_EINVAL;
	if ((flags & LX_CLOSE_RANGE_UNSHARE) && p->fds && p->fds->refs > 1) {
		struct fd_table *n = fd_table_clone(p->fds);
		if (!n)
			return -LX_ENOMEM;
		fd_table_unref(p->fds);
		p->fds = n;
	}
	if (!p->fds)
		return 0;
	uint32_t end = (uint32_t)p->fds->cap;
	for (uint32_t fd = first; fd <= last && fd < end; fd++) {
		if (flags & LX_CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec(p, (int)fd, 1);
		else
			fd_close(p, (int)fd);
	}
	return 0;
}

int64_t sys_dup(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_get(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	return fd_install(t->proc, f, 0, 0);
}

int64_t sys_dup3(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int oldfd = (int)a[0], newfd = (int)a[1];
	uint32_t flags = (uint32_t)a[2];
	if (flags & ~(uint32_t)LX_O_CLOEXEC)
		return -LX_EINVAL;
	if (oldfd == newfd)
		return -LX_EINVAL;
	if ((uint32_t)newfd >= (uint32_t)fd_limit(p))
		return -LX_EBADF;
	fd_file *f = fd_get(p, oldfd);
	if (!f)
		return -LX_EBADF;
	int r = fd_install_at(p, f, newfd, flags & LX_O_CLOEXEC);
	return r < 0 ? r : newfd;
}

int64_t sys_pipe2(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	uint32_t flags = (uint32_t)a[1];
	fd_file *rd, *wr;
	if (flags & ~(uint32_t)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
		return -LX_EINVAL;
	int r = fd_pipe_new(p, flags, &rd, &wr);
	if (r < 0)
		return r;
	int cloexec = flags & LX_O_CLOEXEC;
	int fds[2];
	fds[0] = fd_install(p, rd, 0, cloexec);
	fds[1] = fds[0] < 0 ? fds[0] : fd_install(p, wr, 0, cloexec);
	fd_file_unref(rd);
	fd_file_unref(wr);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(p, fds[0]);
		return fds[1];
	}
	int32_t out[2] = { fds[0], fds[1] };
	if (mem_write(p->mem, a[0], out, sizeof out) < 0) {
		fd_close(p, fds[0]);
		fd_close(p, fds[1]);
		return -LX_EFAULT;
	}
	return 0;
}

int64_t sys_memfd_create(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	char name[LX_NAME_MAX + 1];
	uint32_t flags = (uint32_t)a[1];
	const uint32_t known = LX_MFD_CLOEXEC | LX_MFD_ALLOW_SEALING | LX_MFD_HUGETLB |
			       LX_MFD_NOEXEC_SEAL | LX_MFD_EXEC;
	if (flags & ~known)
		return -LX_EINVAL;
	if ((flags & LX_MFD_HUGETLB) || ((flags & LX_MFD_NOEXEC_SEAL) && (flags & LX_MFD_EXEC)))
		return -LX_EINVAL;
	long len = mem_read_str(p->mem, a[0], name, 250);
	if (len == -LX_ENAMETOOLONG)
		return -LX_EINVAL;
	if (len < 0)
		return -LX_EFAULT;
	if (!have_free_fd(p))
		return -LX_EMFILE;
	uint32_t perm = (flags & LX_MFD_NOEXEC_SEAL) ? 0666 : 0777;
	struct vfs_node *n = vfs_node_new_anon(VFS(t), LX_S_IFREG | perm, p);
	if (!n)
		return -LX_ENOMEM;
	n->memfd = 1;
	if (!(flags & (LX_MFD_ALLOW_SEALING | LX_MFD_NOEXEC_SEAL)))
		n->seals = LX_F_SEAL_SEAL;
	if (flags & LX_MFD_NOEXEC_SEAL)
		n->seals |= LX_F_SEAL_EXEC;
	n->name = malloc((size_t)len + 20);
	if (n->name)
		sprintf(n->name, "/memfd:%s (deleted)", name);
	fd_file *f = fd_file_new(FD_FILE, n, LX_O_RDWR | LX_O_LARGEFILE);
	vfs_node_unref(n);
	if (!f)
		return -LX_ENOMEM;
	int r = fd_install(p, f, 0, flags & LX_MFD_CLOEXEC);
	fd_file_unref(f);
	return r;
}

/* ---- reading and writing ---- */

static long do_read(rt_thread *t, int fd, uint64_t g, uint64_t count,
		    const uint64_t *off)
{
	rt_proc *p = t->proc;
	fd_file *f = fd_io(p, fd);
	if (!f)
		return -LX_EBADF;
	size_t n = count > (uint64_t)LX_MAX_RW_COUNT ? (size_t)LX_MAX_RW_COUNT : (size_t)count;
	uint8_t dummy, *host = &dummy;
	if (n && !(host = guest_buf(t, g, &n, MEM_W)))
		return -LX_EFAULT;
	long r = fd_file_read(t, p, f, host, n, off);
	if (r == -LX_EAGAIN && !(f->flags & LX_O_NONBLOCK))
		return block_on(t, fd, LX_POLLIN);
	if (r > 0)
		wrote_guest(t, g, (size_t)r);
	return r;
}

static long do_write(rt_thread *t, int fd, uint64_t g, uint64_t count,
		     const uint64_t *off)
{
	rt_proc *p = t->proc;
	fd_file *f = fd_io(p, fd);
	if (!f)
		return -LX_EBADF;
	size_t n = count > (uint64_t)LX_MAX_RW_COUNT ? (size_t)LX_MAX_RW_COUNT : (size_t)count;
	uint8_t dummy = 0, *host = &dummy;
	if (n && !(host = guest_buf(t, g, &n, MEM_R)))
		return -LX_EFAULT;
	long r = fd_file_write(t, p, f, host, n, off);
	if (r == -LX_EAGAIN && !(f->flags & LX_O_NONBLOCK))
		return block_on(t, fd, LX_POLLOUT);
	return r;
}

int64_t sys_read(rt_thread *t, const uint64_t a[6])
{
	return do_read(t, (int)a[0], a[1], a[2], NULL);
}

int64_t sys_write(rt_thread *t, const uint64_t a[6])
{
	return do_write(t, (int)a[0], a[1], a[2], NULL);
}

int64_t sys_pread64(rt_thread *t, const uint64_t a[6])
{
	uint64_t off = a[3];
	if ((int64_t)off < 0)
		return -LX_EINVAL;
	return do_read(t, (int)a[0], a[1], a[2], &off);
}

int64_t sys_pwrite64(rt_thread *t, const uint64_t a[6])
{
	uint64_t off = a[3];
	if ((int64_t)off < 0)
		return -LX_EINVAL;
	return do_write(t, (int)a[0], a[1], a[2], &off);
}

struct iov {
	uint64_t base, len;
};

/* readv/writev and friends. Seekable files go segment by segment;
 * streams (pipes, terminals) gather into one buffer so that a PIPE_BUF
 * writev stays atomic and a blocked call has moved nothing. */
static long do_rw_vec(rt_thread *t, int fd, uint64_t iov_g, uint64_t cnt_arg,
		      const uint64_t *off, int writing)
{
	rt_proc *p = t->proc;
	fd_file *f = fd_io(p, fd);
	if (!f)
		return -LX_EBADF;
	if (writing ? !f->writable : !f->readable)
		return f->kind == FD_DIR && !writing ? -LX_EISDIR : -LX_EBADF;
	int cnt = (int)cnt_arg;
	if (cnt < 0 || cnt > LX_IOV_MAX)
		return -LX_EINVAL;
	if (cnt == 0)
		return 0;
	struct iov *iov = malloc((size_t)cnt * sizeof *iov);
	if (!iov)
		return -LX_ENOMEM;
	if (mem_read(p->mem, iov_g, iov, (size_t)cnt * sizeof *iov) < 0) {
		free(iov);
		return -LX_EFAULT;
	}
	uint64_t total = 0;
	for (int i = 0; i < cnt; i++) {
		if ((int64_t)iov[i].len < 0) {
			free(iov);
			return -LX_EINVAL;
		}
		uint64_t room = (uint64_t)LX_MAX_RW_COUNT - total;
		if (iov[i].len > room)
			iov[i].len = room;
		total += iov[i].len;
	}
	long done = 0;
	uint64_t pos = off ? *off : 0;
	if (fd_file_seekable(f)) {
		for (int i = 0; i < cnt; i++) {
			size_t n = (size_t)iov[i].len;
			if (!n)
				continue;
			uint8_t *host = guest_buf(t, iov[i].base, &n, writing ? MEM_R : MEM_W);
			if (!host) {
				if (!done)
					done = -LX_EFAULT;
				break;
			}
			long r = writing ? fd_file_write(t, p, f, host, n, off ? &pos : NULL)
					 : fd_file_read(t, p, f, host, n, off ? &pos : NULL);
			if (r > 0 && !writing)
				wrote_guest(t, iov[i].base, (size_t)r);
			if (r < 0) {
				if (!done)
					done = r;
				break;
			}
			done += r;
			pos += (uint64_t)r;
			if ((size_t)r < (size_t)iov[i].len)
				break;
		}
		free(iov);
		return done;
	}
	if (off) {
		free(iov);
		return -LX_ESPIPE;
	}
	if (total > (1u << 20))
		total = 1u << 20; /* a short transfer, as streams may do */
	uint8_t *buf = malloc(total ? (size_t)total : 1);
	if (!buf) {
		free(iov);
		return -LX_ENOMEM;
	}
	size_t have = 0;
	if (writing) {
		for (int i = 0; i < cnt && have < total; i++) {
			size_t n = (size_t)iov[i].len;
			if (n > total - have)
				n = (size_t)(total - have);
			if (n && mem_read(p->mem, iov[i].base, buf + have, n) < 0) {
				if (!have) {
					free(buf);
					free(iov);
					return -LX_EFAULT;
				}
				break;
			}
			have += n;
		}
		done = fd_file_write(t, p, f, buf, have, NULL);
	} else {
		done = fd_file_read(t, p, f, buf, (size_t)total, NULL);
		for (int i = 0; i < cnt && done > 0 && have < (size_t)done; i++) {
			size_t n = (size_t)iov[i].len;
			if (n > (size_t)done - have)
				n = (size_t)done - have;
			if (n && mem_write(p->mem, iov[i].base, buf + have, n) < 0) {
				done = have ? (long)have : -LX_EFAULT;
				break;
			}
			have += n;
		}
	}
	free(buf);
	free(iov);
	if (done == -LX_EAGAIN && !(f->flags & LX_O_NONBLOCK))
		return block_on(t, fd, writing ? LX_POLLOUT : LX_POLLIN);
	return done;
}

int64_t sys_readv(rt_thread *t, const uint64_t a[6])
{
	return do_rw_vec(t, (int)a[0], a[1], a[2], NULL, 0);
}

int64_t sys_writev(rt_thread *t, const uint64_t a[6])
{
	return do_rw_vec(t, (int)a[0], a[1], a[2], NULL, 1);
}

int64_t sys_preadv(rt_thread *t, const uint64_t a[6])
{
	uint64_t off = a[3];
	if ((int64_t)off < 0)
		return -LX_EINVAL;
	return do_rw_vec(t, (int)a[0], a[1], a[2], &off, 0);
}

int64_t sys_pwritev(rt_thread *t, const uint64_t a[6])
{
	uint64_t off = a[3];
	if ((int64_t)off < 0)
		return -LX_EINVAL;
	return do_rw_vec(t, (int)a[0], a[1], a[2], &off, 1);
}

int64_t sys_sendfile(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int out_fd = (int)a[0], in_fd = (int)a[1];
	uint64_t count = a[3];
	fd_file *in = fd_io(p, in_fd), *out = fd_io(p, out_fd);
	if (!in || !in->readable)
		return -LX_EBADF;
	if (!out || !out->writable)
		return -LX_EBADF;
	if (out->flags & LX_O_APPEND)
		return -LX_EINVAL;
	if (in->kind != FD_FILE && in->kind != FD_PROC && in->kind != FD_DEV)
		return -LX_EINVAL;
	uint64_t pos = in->pos;
	if (a[2]) {
		int64_t o;
		if (mem_read(p->mem, a[2], &o, sizeof o) < 0)
			return -LX_EFAULT;
		if (o < 0)
			return -LX_EINVAL;
		pos = (uint64_t)o;
	}
	if (count > (uint64_t)LX_MAX_RW_COUNT)
		count = (uint64_t)LX_MAX_RW_COUNT;
	uint8_t *buf = malloc(65536);
	if (!buf)
		return -LX_ENOMEM;
	long total = 0;
	while ((uint64_t)total < count) {
		size_t chunk = count - (uint64_t)total > 65536 ? 65536 : (size_t)(count - (uint64_t)total);
		long r = fd_file_read(t, p, in, buf, chunk, &pos);
		if (r <= 0) {
			if (r < 0 && !total)
				total = r;
			break;
		}
		long w = fd_file_write(t, p, out, buf, (size_t)r, NULL);
		if (w < 0) {
			if (!total) {
				total = w;
				if (w == -LX_EAGAIN && !(out->flags & LX_O_NONBLOCK)) {
					free(buf);
					return block_on(t, out_fd, LX_POLLOUT);
				}
			}
			break;
		}
		total += w;
		pos += (uint64_t)w;
		if (w < r)
			break;
	}
	free(buf);
	if (total < 0)
		return total;
	if (a[2]) {
		int64_t o = (int64_t)pos;
		if (mem_write(p->mem, a[2], &o, sizeof o) < 0)
			return -LX_EFAULT;
	} else {
		in->pos = pos;
	}
	return total;
}

int64_t sys_lseek(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_io(t->proc, (int)a[0]);
	int64_t off = (int64_t)a[1];
	uint32_t whence = (uint32_t)a[2];
	if (!f)
		return -LX_EBADF;
	if (!fd_file_seekable(f))
		return -LX_ESPIPE;
	if (whence > LX_SEEK_HOLE)
		return -LX_EINVAL;
	if (f->kind == FD_DEV)
		return 0;
	int64_t cur = (int64_t)f->pos, size, np;
	if (f->kind == FD_DIR) {
		if (whence == LX_SEEK_SET)
			np = off;
		else if (whence == LX_SEEK_CUR)
			np = cur + off;
		else
			return -LX_EINVAL;
		if (np < 0)
			return -LX_EINVAL;
		if (np > LONG_MAX)
			return -LX_EOVERFLOW;
		f->pos = (uint64_t)np;
		return (long)np;
	}
	size = f->kind == FD_PROC ? (int64_t)f->len : (int64_t)f->node->size;
	switch (whence) {
	case LX_SEEK_SET:
		np = off;
		break;
	case LX_SEEK_CUR:
		if (__builtin_add_overflow(cur, off, &np))
			return -LX_EOVERFLOW;
		break;
	case LX_SEEK_END:
		if (__builtin_add_overflow(size, off, &np))
			return -LX_EOVERFLOW;
		break;
	case LX_SEEK_DATA:
		if (off < 0 || off >= size)
			return -LX_ENXIO;
		np = off;
		break;
	default: /* SEEK_HOLE */
		if (off < 0 || off >= size)
			return -LX_ENXIO;
		np = size;
		break;
	}
	if (np < 0)
		return -LX_EINVAL;
	if (np > LONG_MAX)
		return -LX_EOVERFLOW; /* wasm32: long is 32 bits */
	f->pos = (uint64_t)np;
	return (long)np;
}

int64_t sys_getdents64(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	fd_file *f = fd_io(p, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	if (f->kind != FD_DIR)
		return -LX_ENOTDIR;
	size_t count = (uint32_t)a[2];
	if (count > (size_t)LX_MAX_RW_COUNT)
		count = (size_t)LX_MAX_RW_COUNT;
	uint8_t *buf = count ? guest_buf(t, a[1], &count, MEM_W) : NULL;
	if (count && !buf)
		return -LX_EFAULT;
	uint64_t pos = f->pos;
	size_t written = 0;
	struct vfs_dirent ent;
	for (;;) {
		int r = vfs_dir_next(p, f->node, pos, &ent);
		if (r < 0) {
			if (!written)
				return r;
			break;
		}
		if (r == 0)
			break;
		size_t nlen = strlen(ent.name);
		size_t reclen = (19 + nlen + 1 + 7) & ~(size_t)7;
		if (written + reclen > count) {
			if (!written)
				return -LX_EINVAL;
			break;
		}
		uint8_t rec[19 + LX_NAME_MAX + 1 + 8];
		memset(rec, 0, reclen);
		int64_t doff = (int64_t)ent.next;
		uint16_t rl = (uint16_t)reclen;
		memcpy(rec, &ent.ino, 8);
		memcpy(rec + 8, &doff, 8);
		memcpy(rec + 16, &rl, 2);
		rec[18] = ent.type;
		memcpy(rec + 19, ent.name, nlen + 1);
		memcpy(buf + written, rec, reclen);
		written += reclen;
		pos = ent.next;
	}
	f->pos = pos;
	wrote_guest(t, a[1], written);
	return (long)written;
}

/* ---- descriptor control ---- */

static long do_lock(rt_thread *t, fd_file *f, uint32_t cmd, uint64_t g)
{
	struct lx_flock fl;
	rv_mem *m = t->proc->mem;
	if (mem_read(m, g, &fl, sizeof fl) < 0)
		return -LX_EFAULT;
	int ofd = cmd >= LX_F_OFD_GETLK;
	if (fl.l_type != LX_F_RDLCK && fl.l_type != LX_F_WRLCK && fl.l_type != LX_F_UNLCK)
		return -LX_EINVAL;
	if (fl.l_whence < 0 || fl.l_whence > 2)
		return -LX_EINVAL;
	if (ofd && fl.l_pid != 0)
		return -LX_EINVAL;
	if (cmd == LX_F_GETLK || cmd == LX_F_OFD_GETLK) {
		/* nothing else holds a lock: say so */
		fl.l_type = LX_F_UNLCK;
		return mem_write(m, g, &fl, sizeof fl) < 0 ? -LX_EFAULT : 0;
	}
	if (fl.l_type == LX_F_RDLCK && !f->readable)
		return -LX_EBADF;
	if (fl.l_type == LX_F_WRLCK && !f->writable)
		return -LX_EBADF;
	return 0;
}

int64_t sys_fcntl(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int fd = (int)a[0];
	uint32_t cmd = (uint32_t)a[1];
	uint64_t arg = a[2];
	fd_file *f = fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	if (f->kind == FD_PATH && cmd != LX_F_DUPFD && cmd != LX_F_DUPFD_CLOEXEC &&
	    cmd != LX_F_GETFD && cmd != LX_F_SETFD && cmd != LX_F_GETFL)
		return -LX_EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (arg >= (uint64_t)fd_limit(p))
			return -LX_EINVAL;
		return fd_install(p, f, (int)arg, cmd == LX_F_DUPFD_CLOEXEC);
	case LX_F_GETFD:
		return fd_get_cloexec(p, fd) ? LX_FD_CLOEXEC : 0;
	case LX_F_SETFD:
		fd_set_cloexec(p, fd, arg & LX_FD_CLOEXEC);
		return 0;
	case LX_F_GETFL:
		return f->flags;
	case LX_F_SETFL: {
		uint32_t mask = LX_O_APPEND | LX_O_NONBLOCK | LX_O_ASYNC | LX_O_DIRECT | LX_O_NOATIME;
		f->flags = (f->flags & ~mask) | ((uint32_t)arg & mask);
		return 0;
	}
	case LX_F_GETLK:
	case LX_F_SETLK:
	case LX_F_SETLKW:
	case LX_F_OFD_GETLK:
	case LX_F_OFD_SETLK:
	case LX_F_OFD_SETLKW:
		return do_lock(t, f, cmd, arg);
	case LX_F_SETOWN:
		f->owner = (int)arg;
		return 0;
	case LX_F_GETOWN:
		return f->owner;
	case LX_F_SETOWN_EX: {
		int32_t ex[2];
		if (mem_read(p->mem, arg, ex, sizeof ex) < 0)
			return -LX_EFAULT;
		if (ex[0] < 0 || ex[0] > 2)
			return -LX_EINVAL;
		f->owner = ex[0] == 2 ? -ex[1] : ex[1];
		return 0;
	}
	case LX_F_GETOWN_EX: {
		int32_t ex[2] = { f->owner < 0 ? 2 : 1, f->owner < 0 ? -f->owner : f->owner };
		return mem_write(p->mem, arg, ex, sizeof ex) < 0 ? -LX_EFAULT : 0;
	}
	case LX_F_SETSIG:
		return arg > RT_NSIG ? -LX_EINVAL : 0;
	case LX_F_GETSIG:
		return 0;
	case LX_F_GETLEASE:
		return LX_F_UNLCK;
	case LX_F_SETLEASE:
		if (f->kind != FD_FILE)
			return -LX_EINVAL;
		return 0;
	case LX_F_NOTIFY:
		return f->kind == FD_DIR ? 0 : -LX_ENOTDIR;
	case LX_F_GETPIPE_SZ:
		return f->kind == FD_PIPE ? (long)fd_pipe_size(f) : -LX_EBADF;
	case LX_F_SETPIPE_SZ:
		if (f->kind != FD_PIPE)
			return -LX_EBADF;
		return fd_pipe_resize(f, arg, p->euid == 0);
	case LX_F_ADD_SEALS: {
		struct vfs_node *n = f->node;
		if (!n->memfd)
			return -LX_EINVAL;
		if (!f->writable)
			return -LX_EPERM;
		if (arg & ~(uint64_t)0x3f)
			return -LX_EINVAL;
		if (n->seals & LX_F_SEAL_SEAL)
			return -LX_EPERM;
		n->seals |= (uint32_t)arg;
		return 0;
	}
	case LX_F_GET_SEALS:
		return f->node->memfd ? (long)f->node->seals : -LX_EINVAL;
	}
	return -LX_EINVAL;
}

static long tty_ioctl(rt_thread *t, fd_file *f, uint32_t cmd, uint64_t arg)
{
	rt_proc *p = t->proc;
	rv_mem *m = p->mem;
	struct vfs_console *c = &VFS(t)->con;
	int32_t v;
	switch (cmd) {
	case LX_TCGETS:
		return mem_write(m, arg, &c->termios, sizeof c->termios) < 0 ? -LX_EFAULT : 0;
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF: {
		struct lx_termios tio;
		if (mem_read(m, arg, &tio, sizeof tio) < 0)
			return -LX_EFAULT;
		if (cmd == LX_TCSETSF)
			tty_flush_input(p);
		c->termios = tio;
		c->termios_gen++;
		return 0;
	}
	case LX_TCGETS2: {
		struct lx_termios2 t2;
		memcpy(&t2, &c->termios, sizeof c->termios);
		t2.c_ispeed = t2.c_ospeed = 38400;
		return mem_write(m, arg, &t2, sizeof t2) < 0 ? -LX_EFAULT : 0;
	}
	case LX_TCSETS2:
	case LX_TCSETSW2:
	case LX_TCSETSF2: {
		struct lx_termios2 t2;
		if (mem_read(m, arg, &t2, sizeof t2) < 0)
			return -LX_EFAULT;
		if (cmd == LX_TCSETSF2)
			tty_flush_input(p);
		memcpy(&c->termios, &t2, sizeof c->termios);
		c->termios_gen++;
		return 0;
	}
	case LX_TIOCGWINSZ: {
		struct lx_winsize ws = c->ws;
		uint16_t rows = 0, cols = 0;
		int hfd = f->host_wfd >= 0 ? f->host_wfd : f->host_rfd;
		if (p->rt->host.winsize && p->rt->host.winsize(hfd, &rows, &cols) == 0 && rows && cols) {
			ws.ws_row = rows;
			ws.ws_col = cols;
		}
		return mem_write(m, arg, &ws, sizeof ws) < 0 ? -LX_EFAULT : 0;
	}
	case LX_TIOCSWINSZ:
		return mem_read(m, arg, &c->ws, sizeof c->ws) < 0 ? -LX_EFAULT : 0;
	case LX_TIOCGPGRP:
		v = c->pgrp ? c->pgrp : p->pgid;
		return mem_write(m, arg, &v, sizeof v) < 0 ? -LX_EFAULT : 0;
	case LX_TIOCSPGRP:
		if (mem_read(m, arg, &v, sizeof v) < 0)
			return -LX_EFAULT;
		if (v < 0)
			return -LX_EINVAL;
		c->pgrp = v;
		return 0;
	case LX_TIOCGSID:
		v = c->sid ? c->sid : p->sid;
		return mem_write(m, arg, &v, sizeof v) < 0 ? -LX_EFAULT : 0;
	case LX_TIOCSCTTY:
		c->sid = p->sid;
		if (!c->pgrp)
			c->pgrp = p->pgid;
		return 0;
	case LX_TIOCNOTTY:
	case LX_TCSBRK:
	case LX_TCSBRKP:
	case LX_TCXONC:
		return 0;
	case LX_TCFLSH:
		if (arg > LX_TCIOFLUSH)
			return -LX_EINVAL;
		if (arg != LX_TCOFLUSH)
			tty_flush_input(p);
		return 0;
	case LX_TIOCOUTQ:
		v = 0;
		return mem_write(m, arg, &v, sizeof v) < 0 ? -LX_EFAULT : 0;
	}
	return -LX_ENOTTY;
}

int64_t sys_ioctl(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int fd = (int)a[0];
	uint32_t cmd = (uint32_t)a[1];
	uint64_t arg = a[2];
	fd_file *f = fd_io(p, fd);
	int32_t v;
	if (!f)
		return -LX_EBADF;
	switch (cmd) {
	case LX_FIOCLEX:
		fd_set_cloexec(p, fd, 1);
		return 0;
	case LX_FIONCLEX:
		fd_set_cloexec(p, fd, 0);
		return 0;
	case LX_FIONBIO:
	case LX_FIOASYNC: {
		uint32_t bit = cmd == LX_FIONBIO ? LX_O_NONBLOCK : LX_O_ASYNC;
		if (mem_read(p->mem, arg, &v, sizeof v) < 0)
			return -LX_EFAULT;
		f->flags = v ? f->flags | bit : f->flags & ~bit;
		return 0;
	}
	case LX_FIONREAD: {
		if (f->kind == FD_EXT)
			break;
		long n = fd_file_nread(p, f);
		if (n < 0)
			return n;
		v = n > INT32_MAX ? INT32_MAX : (int32_t)n;
		return mem_write(p->mem, arg, &v, sizeof v) < 0 ? -LX_EFAULT : 0;
	}
	}
	if (f->kind == FD_EXT)
		return f->ops && f->ops->ioctl ? f->ops->ioctl(t, f, cmd, arg) : -LX_ENOTTY;
	if (f->kind == FD_HOST && f->tty)
		return tty_ioctl(t, f, cmd, arg);
	return -LX_ENOTTY;
}

int64_t sys_flock(rt_thread *t, const uint64_t a[6])
{
	uint32_t op = (uint32_t)a[1] & ~(uint32_t)LX_LOCK_NB;
	if (!fd_io(t->proc, (int)a[0]))
		return -LX_EBADF;
	if (op != LX_LOCK_SH && op != LX_LOCK_EX && op != LX_LOCK_UN)
		return -LX_EINVAL;
	return 0;
}

int64_t sys_fadvise64(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_io(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	if (f->kind == FD_PIPE || (f->kind == FD_HOST && !f->tty))
		return -LX_ESPIPE;
	if ((int64_t)a[2] < 0 || (uint32_t)a[3] > LX_POSIX_FADV_NOREUSE)
		return -LX_EINVAL;
	return 0;
}

/* ---- metadata ---- */

int64_t sys_fstat(rt_thread *t, const uint64_t a[6])
{
	struct lx_stat st;
	fd_file *f = fd_get(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	vfs_stat(f->node, &st);
	return mem_write(t->proc->mem, a[1], &st, sizeof st) < 0 ? -LX_EFAULT : 0;
}

static int stat_flags(uint32_t at, int *lflags)
{
	if (at & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | LX_AT_NO_AUTOMOUNT |
			     LX_AT_STATX_SYNC_TYPE))
		return -LX_EINVAL;
	*lflags = VFS_EXIST | ((at & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW) |
		  ((at & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
	return 0;
}

int64_t sys_newfstatat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	struct lx_stat st;
	int lflags;
	uint32_t at = (uint32_t)a[3];
	if ((at & LX_AT_STATX_SYNC_TYPE) || stat_flags(at, &lflags) < 0)
		return -LX_EINVAL;
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, (int)a[0], path, lflags, &lp)) < 0)
		return r;
	vfs_stat(lp.node, &st);
	vfs_path_put(&lp);
	return mem_write(t->proc->mem, a[2], &st, sizeof st) < 0 ? -LX_EFAULT : 0;
}

static uint64_t mnt_id(struct vfs_node *n)
{
	return n->dev == VFS_DEV_PROC ? 2 : 1;
}

int64_t sys_statx(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	struct lx_stat st;
	int lflags, r;
	uint32_t at = (uint32_t)a[2], mask = (uint32_t)a[3];
	if (stat_flags(at, &lflags) < 0 || (at & LX_AT_STATX_SYNC_TYPE) == LX_AT_STATX_SYNC_TYPE)
		return -LX_EINVAL;
	if (mask & LX_STATX__RESERVED)
		return -LX_EINVAL;
	if (!a[1] && (at & LX_AT_EMPTY_PATH))
		path[0] = 0;
	else if ((r = get_path(t, a[1], path)) < 0)
		return r;
	if ((r = lookup_at(t, (int)a[0], path, lflags, &lp)) < 0)
		return r;
	vfs_stat(lp.node, &st);
	uint64_t mnt = mnt_id(lp.node);
	vfs_path_put(&lp);
	struct lx_statx sx;
	memset(&sx, 0, sizeof sx);
	sx.stx_mask = LX_STATX_BASIC_STATS | LX_STATX_MNT_ID;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atime_sec;
	sx.stx_atime.tv_nsec = (uint32_t)st.st_atime_nsec;
	sx.stx_mtime.tv_sec = st.st_mtime_sec;
	sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtime_nsec;
	sx.stx_ctime.tv_sec = st.st_ctime_sec;
	sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctime_nsec;
	sx.stx_rdev_major = lx_major(st.st_rdev);
	sx.stx_rdev_minor = lx_minor(st.st_rdev);
	sx.stx_dev_major = lx_major(st.st_dev);
	sx.stx_dev_minor = lx_minor(st.st_dev);
	sx.stx_mnt_id = mnt;
	return mem_write(t->proc->mem, a[4], &sx, sizeof sx) < 0 ? -LX_EFAULT : 0;
}

static void fill_statfs(struct vfs *v, struct vfs_node *n, struct lx_statfs *s)
{
	memset(s, 0, sizeof *s);
	s->f_type = LX_OVERLAYFS_SUPER_MAGIC;
	s->f_flags = LX_ST_RELATIME;
	if (n->dev == VFS_DEV_PROC) {
		s->f_type = LX_PROC_SUPER_MAGIC;
		s->f_flags |= LX_ST_NOSUID | LX_ST_NODEV | LX_ST_NOEXEC;
	} else if (n->dev == VFS_DEV_PIPE) {
		s->f_type = LX_PIPEFS_MAGIC;
	} else {
		/* the innermost mount above n */
		for (struct vfs_node *m = n; m && m != v->root; m = m->parent) {
			if (!m->mountpoint)
				continue;
			if (m->name && !strcmp(m->name, "pts")) {
				s->f_type = LX_DEVPTS_SUPER_MAGIC;
				s->f_flags |= LX_ST_NOSUID | LX_ST_NOEXEC;
			} else {
				s->f_type = LX_TMPFS_MAGIC;
				s->f_flags |= LX_ST_NOSUID;
			}
			break;
		}
	}
	s->f_bsize = s->f_frsize = 4096;
	if (s->f_type == LX_OVERLAYFS_SUPER_MAGIC || s->f_type == LX_TMPFS_MAGIC) {
		s->f_blocks = 262144;
		s->f_bfree = s->f_bavail = 196608;
		s->f_files = 1 << 20;
		s->f_ffree = v->next_ino < s->f_files ? s->f_files - v->next_ino : 0;
	}
	s->f_namelen = LX_NAME_MAX;
}

int64_t sys_statfs(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	struct lx_statfs s;
	int r = get_path(t, a[0], path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, LX_AT_FDCWD, path, VFS_FOLLOW | VFS_EXIST, &lp)) < 0)
		return r;
	fill_statfs(VFS(t), lp.node, &s);
	vfs_path_put(&lp);
	return mem_write(t->proc->mem, a[1], &s, sizeof s) < 0 ? -LX_EFAULT : 0;
}

int64_t sys_fstatfs(rt_thread *t, const uint64_t a[6])
{
	struct lx_statfs s;
	fd_file *f = fd_get(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	fill_statfs(VFS(t), f->node, &s);
	return mem_write(t->proc->mem, a[1], &s, sizeof s) < 0 ? -LX_EFAULT : 0;
}

int64_t sys_readlinkat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	int bufsiz = (int)a[3];
	if (bufsiz <= 0)
		return -LX_EINVAL;
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, (int)a[0], path, VFS_EXIST | VFS_EMPTY, &lp)) < 0)
		return r;
	char *text = NULL;
	if (!IS_LNK(lp.node))
		r = path[0] ? -LX_EINVAL : -LX_ENOENT;
	else
		r = vfs_readlink(t->proc, lp.node, &text);
	vfs_path_put(&lp);
	if (r < 0)
		return r;
	size_t n = strlen(text);
	if (n > (size_t)bufsiz)
		n = (size_t)bufsiz;
	r = mem_write(t->proc->mem, a[2], text, n) < 0 ? -LX_EFAULT : (int)n;
	free(text);
	return r;
}

static long do_access(rt_thread *t, int dirfd, uint64_t gpath, uint32_t mode,
		      uint32_t flags)
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	if (mode & ~(uint32_t)7)
		return -LX_EINVAL;
	if (flags & ~(uint32_t)(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	int r = get_path(t, gpath, path);
	if (r < 0)
		return r;
	int lflags = VFS_EXIST | ((flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW) |
		     ((flags & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
	if ((r = lookup_at(t, dirfd, path, lflags, &lp)) < 0)
		return r;
	if (mode != LX_F_OK)
		r = vfs_permission(t->proc, lp.node, (int)mode, !(flags & LX_AT_EACCESS));
	vfs_path_put(&lp);
	return r;
}

int64_t sys_faccessat(rt_thread *t, const uint64_t a[6])
{
	return do_access(t, (int)a[0], a[1], (uint32_t)a[2], 0);
}

int64_t sys_faccessat2(rt_thread *t, const uint64_t a[6])
{
	return do_access(t, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static long chmod_node(rt_proc *p, struct vfs_node *n, uint32_t mode)
{
	if (p->euid != 0 && p->euid != n->uid)
		return -LX_EPERM;
	if (n->proc)
		return -LX_EPERM;
	mode &= LX_S_IALLUGO;
	if (p->euid != 0 && !IS_DIR(n) && n->gid != p->egid)
		mode &= ~(uint32_t)LX_S_ISGID;
	n->mode = (n->mode & LX_S_IFMT) | mode;
	vfs_touch(p, n, 0);
	return 0;
}

int64_t sys_fchmod(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_io(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	return chmod_node(t->proc, f->node, (uint32_t)a[1]);
}

static long do_chmodat(rt_thread *t, int dirfd, uint64_t gpath, uint32_t mode,
		       uint32_t flags)
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	int r = get_path(t, gpath, path);
	if (r < 0)
		return r;
	int lflags = VFS_EXIST | ((flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW) |
		     ((flags & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
	if ((r = lookup_at(t, dirfd, path, lflags, &lp)) < 0)
		return r;
	if (IS_LNK(lp.node))
		r = -LX_EOPNOTSUPP;
	else
		r = (int)chmod_node(t->proc, lp.node, mode);
	vfs_path_put(&lp);
	return r;
}

int64_t sys_fchmodat(rt_thread *t, const uint64_t a[6])
{
	return do_chmodat(t, (int)a[0], a[1], (uint32_t)a[2], 0);
}

int64_t sys_fchmodat2(rt_thread *t, const uint64_t a[6])
{
	return do_chmodat(t, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static long chown_node(rt_proc *p, struct vfs_node *n, uint32_t uid, uint32_t gid)
{
	if (n->proc)
		return -LX_EPERM;
	if (p->euid != 0) {
		if (uid != UINT32_MAX && uid != n->uid)
			return -LX_EPERM;
		if (gid != UINT32_MAX && gid != n->gid && (n->uid != p->euid || gid != p->egid))
			return -LX_EPERM;
	}
	if (uid != UINT32_MAX)
		n->uid = uid;
	if (gid != UINT32_MAX)
		n->gid = gid;
	if (!IS_DIR(n) && !IS_LNK(n)) {
		n->mode &= ~(uint32_t)LX_S_ISUID;
		if (n->mode & 0010)
			n->mode &= ~(uint32_t)LX_S_ISGID;
	}
	vfs_touch(p, n, 0);
	return 0;
}

int64_t sys_fchown(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_io(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	return chown_node(t->proc, f->node, (uint32_t)a[1], (uint32_t)a[2]);
}

int64_t sys_fchownat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	uint32_t flags = (uint32_t)a[4];
	if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	int lflags = VFS_EXIST | ((flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW) |
		     ((flags & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
	if ((r = lookup_at(t, (int)a[0], path, lflags, &lp)) < 0)
		return r;
	r = (int)chown_node(t->proc, lp.node, (uint32_t)a[2], (uint32_t)a[3]);
	vfs_path_put(&lp);
	return r;
}

static int valid_nsec(int64_t ns)
{
	return (ns >= 0 && ns < 1000000000) || ns == LX_UTIME_NOW || ns == LX_UTIME_OMIT;
}

int64_t sys_utimensat(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	int dirfd = (int)a[0];
	uint32_t flags = (uint32_t)a[3];
	struct lx_timespec ts[2];
	struct vfs_path lp;
	struct vfs_node *n;
	int r;
	if (a[2]) {
		if (mem_read(p->mem, a[2], ts, sizeof ts) < 0)
			return -LX_EFAULT;
		if (ts[0].tv_nsec == LX_UTIME_OMIT && ts[1].tv_nsec == LX_UTIME_OMIT)
			return 0;
		if (!valid_nsec(ts[0].tv_nsec) || !valid_nsec(ts[1].tv_nsec))
			return -LX_EINVAL;
	} else {
		ts[0].tv_nsec = ts[1].tv_nsec = LX_UTIME_NOW;
		ts[0].tv_sec = ts[1].tv_sec = 0;
	}
	if (flags & ~(uint32_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	memset(&lp, 0, sizeof lp);
	if (!a[1]) {
		/* futimens(): the fd itself */
		if (dirfd == LX_AT_FDCWD)
			return -LX_EFAULT;
		if (flags)
			return -LX_EINVAL;
		fd_file *f = fd_get(p, dirfd);
		if (!f)
			return -LX_EBADF;
		n = f->node;
	} else {
		char path[LX_PATH_MAX];
		if ((r = get_path(t, a[1], path)) < 0)
			return r;
		int lflags = VFS_EXIST | ((flags & LX_AT_SYMLINK_NOFOLLOW) ? 0 : VFS_FOLLOW) |
			     ((flags & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
		if ((r = lookup_at(t, dirfd, path, lflags, &lp)) < 0)
			return r;
		n = lp.node;
	}
	int to_now = ts[0].tv_nsec == LX_UTIME_NOW && ts[1].tv_nsec == LX_UTIME_NOW;
	r = 0;
	if (p->euid != 0 && p->euid != n->uid) {
		if (!to_now)
			r = -LX_EPERM;
		else
			r = vfs_permission(p, n, LX_W_OK, 0);
	}
	if (r == 0) {
		int64_t now = vfs_now(p);
		for (int i = 0; i < 2; i++) {
			int64_t v;
			if (ts[i].tv_nsec == LX_UTIME_OMIT)
				continue;
			v = ts[i].tv_nsec == LX_UTIME_NOW ? now : vfs_ns(ts[i].tv_sec, ts[i].tv_nsec);
			if (i == 0)
				n->atime = v;
			else
				n->mtime = v;
		}
		n->ctime = now;
	}
	vfs_path_put(&lp);
	return r;
}

int64_t sys_umask(rt_thread *t, const uint64_t a[6])
{
	uint32_t old = t->proc->umask;
	t->proc->umask = (uint32_t)a[0] & 0777;
	return old;
}

/* ---- directories and names ---- */

int64_t sys_getcwd(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	struct vfs_node *cwd = p->cwd ? p->cwd : VFS(t)->root;
	char *path = vfs_node_path(cwd);
	if (!path)
		return -LX_ENOENT; /* the cwd was removed */
	size_t len = strlen(path) + 1;
	long r;
	if (len > LX_PATH_MAX)
		r = -LX_ENAMETOOLONG;
	else if (a[1] < len)
		r = -LX_ERANGE;
	else
		r = mem_write(p->mem, a[0], path, len) < 0 ? -LX_EFAULT : (long)len;
	free(path);
	return r;
}

/* The directory named by the guest path at g, which p may search (chdir,
 * chroot): held in *lp on success. */
static int lookup_search_dir(rt_thread *t, uint64_t g, struct vfs_path *lp)
{
	char path[LX_PATH_MAX];
	int r = get_path(t, g, path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, LX_AT_FDCWD, path, VFS_FOLLOW | VFS_EXIST, lp)) < 0)
		return r;
	if (!IS_DIR(lp->node))
		r = -LX_ENOTDIR;
	else
		r = vfs_permission(t->proc, lp->node, LX_X_OK, 0);
	if (r)
		vfs_path_put(lp);
	return r;
}

int64_t sys_chdir(rt_thread *t, const uint64_t a[6])
{
	struct vfs_path lp;
	int r = lookup_search_dir(t, a[0], &lp);
	if (r)
		return r;
	set_cwd(t->proc, lp.node);
	vfs_path_put(&lp);
	return 0;
}

int64_t sys_fchdir(rt_thread *t, const uint64_t a[6])
{
	fd_file *f = fd_get(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	if (!IS_DIR(f->node))
		return -LX_ENOTDIR;
	int r = vfs_permission(t->proc, f->node, LX_X_OK, 0);
	if (r == 0)
		set_cwd(t->proc, f->node);
	return r;
}

/* chroot(2): only to the current root (processes have no root of their
 * own yet); anything else is refused with EPERM. */
int64_t sys_chroot(rt_thread *t, const uint64_t a[6])
{
	struct vfs_path lp;
	int r = lookup_search_dir(t, a[0], &lp);
	if (r)
		return r;
	if (t->proc->euid != 0 || lp.node != VFS(t)->root)
		r = -LX_EPERM;
	vfs_path_put(&lp);
	return r;
}

int64_t sys_mkdirat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	rt_proc *p = t->proc;
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	if ((r = create_at(t, (int)a[0], path, 1, &lp)) < 0)
		return r;
	uint32_t mode = (uint32_t)a[2] & (LX_S_IRWXUGO | LX_S_ISVTX) & ~p->umask;
	r = vfs_create(p, lp.dir, lp.name, LX_S_IFDIR | mode, 0, NULL, NULL);
	vfs_path_put(&lp);
	return r;
}

int64_t sys_mknodat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	rt_proc *p = t->proc;
	uint32_t mode = (uint32_t)a[2], type = mode & LX_S_IFMT;
	if (type == 0)
		type = LX_S_IFREG;
	switch (type) {
	case LX_S_IFREG: case LX_S_IFCHR: case LX_S_IFBLK: case LX_S_IFIFO: case LX_S_IFSOCK:
		break;
	case LX_S_IFDIR:
		return -LX_EPERM;
	default:
		return -LX_EINVAL;
	}
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	if ((r = create_at(t, (int)a[0], path, 0, &lp)) < 0)
		return r;
	if ((type == LX_S_IFCHR || type == LX_S_IFBLK) && p->euid != 0)
		r = -LX_EPERM;
	else
		r = vfs_create(p, lp.dir, lp.name, type | (mode & LX_S_IALLUGO & ~p->umask),
			       (type == LX_S_IFCHR || type == LX_S_IFBLK) ? (uint32_t)a[3] : 0,
			       NULL, NULL);
	vfs_path_put(&lp);
	return r;
}

int64_t sys_symlinkat(rt_thread *t, const uint64_t a[6])
{
	char target[LX_PATH_MAX], path[LX_PATH_MAX];
	struct vfs_path lp;
	int r = get_path(t, a[0], target);
	if (r < 0)
		return r;
	if ((r = get_path(t, a[2], path)) < 0)
		return r;
	if (!target[0])
		return -LX_ENOENT;
	if ((r = create_at(t, (int)a[1], path, 0, &lp)) < 0)
		return r;
	r = vfs_create(t->proc, lp.dir, lp.name, LX_S_IFLNK | 0777, 0, target, NULL);
	vfs_path_put(&lp);
	return r;
}

int64_t sys_linkat(rt_thread *t, const uint64_t a[6])
{
	char opath[LX_PATH_MAX], npath[LX_PATH_MAX];
	struct vfs_path op, np;
	uint32_t flags = (uint32_t)a[4];
	if (flags & ~(uint32_t)(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	int r = get_path(t, a[1], opath);
	if (r < 0)
		return r;
	if ((r = get_path(t, a[3], npath)) < 0)
		return r;
	if ((flags & LX_AT_EMPTY_PATH) && t->proc->euid != 0 && !opath[0])
		return -LX_ENOENT;
	int lflags = VFS_EXIST | ((flags & LX_AT_SYMLINK_FOLLOW) ? VFS_FOLLOW : 0) |
		     ((flags & LX_AT_EMPTY_PATH) ? VFS_EMPTY : 0);
	if ((r = lookup_at(t, (int)a[0], opath, lflags, &op)) < 0)
		return r;
	if ((r = create_at(t, (int)a[2], npath, 0, &np)) == 0) {
		r = vfs_link(t->proc, op.node, np.dir, np.name);
		vfs_path_put(&np);
	}
	vfs_path_put(&op);
	return r;
}

int64_t sys_unlinkat(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	uint32_t flags = (uint32_t)a[2];
	if (flags & ~(uint32_t)LX_AT_REMOVEDIR)
		return -LX_EINVAL;
	int rmdir = (flags & LX_AT_REMOVEDIR) != 0;
	int r = get_path(t, a[1], path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, (int)a[0], path, VFS_PARENT, &lp)) < 0)
		return r;
	if (rmdir) {
		switch (lp.last) {
		case VFS_LAST_DOT: r = -LX_EINVAL; break;
		case VFS_LAST_DOTDOT: r = -LX_ENOTEMPTY; break;
		case VFS_LAST_ROOT: r = -LX_EBUSY; break;
		default: r = vfs_unlink(t->proc, lp.dir, lp.name, 1); break;
		}
	} else if (lp.last != VFS_LAST_NORM) {
		r = -LX_EISDIR;
	} else if (lp.slash) {
		r = !lp.node ? -LX_ENOENT : IS_DIR(lp.node) ? -LX_EISDIR : -LX_ENOTDIR;
	} else {
		r = vfs_unlink(t->proc, lp.dir, lp.name, 0);
	}
	vfs_path_put(&lp);
	return r;
}

int64_t sys_renameat2(rt_thread *t, const uint64_t a[6])
{
	char opath[LX_PATH_MAX], npath[LX_PATH_MAX];
	struct vfs_path op, np;
	uint32_t flags = (uint32_t)a[4];
	if (flags & ~(uint32_t)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE | LX_RENAME_WHITEOUT))
		return -LX_EINVAL;
	if ((flags & (LX_RENAME_NOREPLACE | LX_RENAME_WHITEOUT)) && (flags & LX_RENAME_EXCHANGE))
		return -LX_EINVAL;
	int r = get_path(t, a[1], opath);
	if (r < 0)
		return r;
	if ((r = get_path(t, a[3], npath)) < 0)
		return r;
	if ((r = lookup_at(t, (int)a[0], opath, VFS_PARENT, &op)) < 0)
		return r;
	if ((r = lookup_at(t, (int)a[2], npath, VFS_PARENT, &np)) < 0) {
		vfs_path_put(&op);
		return r;
	}
	if (op.last != VFS_LAST_NORM)
		r = -LX_EBUSY;
	else if (np.last != VFS_LAST_NORM)
		r = (flags & LX_RENAME_NOREPLACE) ? -LX_EEXIST : -LX_EBUSY;
	else if (flags & LX_RENAME_WHITEOUT)
		r = -LX_EINVAL; /* needs whiteout devices; not supported */
	else if (!op.node)
		r = -LX_ENOENT;
	else if ((flags & LX_RENAME_EXCHANGE) && !np.node)
		r = -LX_ENOENT;
	else if ((flags & LX_RENAME_NOREPLACE) && np.node)
		r = -LX_EEXIST;
	else if ((flags & LX_RENAME_EXCHANGE) && !IS_DIR(np.node) && np.slash)
		r = -LX_ENOTDIR;
	else if (!IS_DIR(op.node) &&
		 (op.slash || (!(flags & LX_RENAME_EXCHANGE) && np.slash)))
		r = -LX_ENOTDIR;
	else
		r = vfs_rename(t->proc, op.dir, op.name, np.dir, np.name, flags);
	vfs_path_put(&op);
	vfs_path_put(&np);
	return r;
}

/* ---- sizes and syncing ---- */

int64_t sys_truncate(rt_thread *t, const uint64_t a[6])
{
	char path[LX_PATH_MAX];
	struct vfs_path lp;
	if ((int64_t)a[1] < 0)
		return -LX_EINVAL;
	int r = get_path(t, a[0], path);
	if (r < 0)
		return r;
	if ((r = lookup_at(t, LX_AT_FDCWD, path, VFS_FOLLOW | VFS_EXIST, &lp)) < 0)
		return r;
	struct vfs_node *n = lp.node;
	if (IS_DIR(n))
		r = -LX_EISDIR;
	else if (!IS_REG(n))
		r = -LX_EINVAL;
	else if ((r = vfs_permission(t->proc, n, LX_W_OK, 0)) == 0)
		r = n->proc ? -LX_EACCES : vfs_node_truncate(t->proc, n, a[1]);
	vfs_path_put(&lp);
	return r;
}

int64_t sys_ftruncate(rt_thread *t, const uint64_t a[6])
{
	if ((int64_t)a[1] < 0)
		return -LX_EINVAL;
	fd_file *f = fd_io(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	if (f->kind != FD_FILE || !f->writable)
		return -LX_EINVAL;
	return vfs_node_truncate(t->proc, f->node, a[1]);
}

int64_t sys_fallocate(rt_thread *t, const uint64_t a[6])
{
	uint32_t mode = (uint32_t)a[1];
	int64_t off = (int64_t)a[2], len = (int64_t)a[3];
	fd_file *f = fd_io(t->proc, (int)a[0]);
	if (!f)
		return -LX_EBADF;
	if (off < 0 || len <= 0)
		return -LX_EINVAL;
	if (mode & ~(uint32_t)(LX_FALLOC_FL_KEEP_SIZE | LX_FALLOC_FL_PUNCH_HOLE))
		return -LX_EOPNOTSUPP;
	if ((mode & (LX_FALLOC_FL_KEEP_SIZE | LX_FALLOC_FL_PUNCH_HOLE)) == LX_FALLOC_FL_PUNCH_HOLE)
		return -LX_EOPNOTSUPP;
	if (!f->writable)
		return -LX_EBADF;
	struct vfs_node *n = f->node;
	if (LX_S_ISTYPE(n->mode, LX_S_IFIFO))
		return -LX_ESPIPE;
	if (IS_DIR(n))
		return -LX_EISDIR;
	if (f->kind != FD_FILE)
		return -LX_ENODEV;
	uint64_t end;
	if (__builtin_add_overflow((uint64_t)off, (uint64_t)len, &end) || end > VFS_MAX_FILE_SIZE)
		return -LX_EFBIG;
	if (mode & LX_FALLOC_FL_PUNCH_HOLE) {
		static const uint8_t zeros[4096];
		uint64_t stop = end < n->have ? end : n->have;
		for (uint64_t at = (uint64_t)off; at < stop;) {
			size_t k = stop - at > sizeof zeros ? sizeof zeros : (size_t)(stop - at);
			long w = vfs_node_write(t->proc, n, zeros, k, at);
			if (w < 0)
				return w;
			at += k;
		}
		return 0;
	}
	if (!(mode & LX_FALLOC_FL_KEEP_SIZE) && end > n->size)
		return vfs_node_truncate(t->proc, n, end);
	return 0;
}

int64_t sys_sync(rt_thread *t, const uint64_t a[6])
{
	(void)t;
	(void)a;
	return 0;
}

int64_t sys_syncfs(rt_thread *t, const uint64_t a[6])
{
	return fd_io(t->proc, (int)a[0]) ? 0 : -LX_EBADF;
}

static long do_fsync(rt_thread *t, int fd)
{
	fd_file *f = fd_io(t->proc, fd);
	if (!f)
		return -LX_EBADF;
	return f->kind == FD_FILE || f->kind == FD_DIR ? 0 : -LX_EINVAL;
}

int64_t sys_fsync(rt_thread *t, const uint64_t a[6])
{
	return do_fsync(t, (int)a[0]);
}

int64_t sys_fdatasync(rt_thread *t, const uint64_t a[6])
{
	return do_fsync(t, (int)a[0]);
}
