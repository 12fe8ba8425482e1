/* Descriptor tables, open file descriptions, pipes, and the I/O dispatch
 * over the kinds of open file. Nothing here blocks: see fd.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fd.h"
#include "tty.h"

/* ---- open file descriptions ---- */

fd_file *fd_file_new(enum fd_kind kind, struct vfs_node *node, uint32_t flags)
{
	fd_file *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->refs = 1;
	f->kind = kind;
	f->flags = flags;
	f->node = node;
	vfs_node_ref(node);
	f->host_rfd = f->host_wfd = -1;
	if (kind != FD_PATH) {
		uint32_t acc = flags & LX_O_ACCMODE;
		f->readable = acc == LX_O_RDONLY || acc == LX_O_RDWR;
		f->writable = acc == LX_O_WRONLY || acc == LX_O_RDWR;
	}
	return f;
}

void fd_file_ref(fd_file *f)
{
	f->refs++;
}

void fd_file_unref(fd_file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (f->unwatch)
		f->unwatch(f);
	switch (f->kind) {
	case FD_PIPE: {
		fd_pipe *pp = f->node->pipe;
		if (pp) {
			if (f->readable)
				pp->readers--;
			if (f->writable)
				pp->writers--;
			if (!pp->readers != !pp->writers) {
				pp->rd_wakes++;
				pp->wr_wakes++;
			}
			if (!pp->readers && !pp->writers) {
				/* the last end closed: a FIFO's content goes */
				free(pp->buf);
				pp->buf = NULL;
				pp->head = pp->len = 0;
			}
		}
		break;
	}
	case FD_PROC:
		free(f->buf);
		break;
	case FD_EXT:
		if (f->ops && f->ops->release)
			f->ops->release(f);
		break;
	default:
		break;
	}
	vfs_node_unref(f->node);
	free(f);
}

/* ---- pipes ---- */

static fd_pipe *pipe_of(struct vfs_node *n)
{
	if (!n->pipe) {
		n->pipe = calloc(1, sizeof *n->pipe);
		if (n->pipe)
			n->pipe->cap = FD_PIPE_DEFAULT;
	}
	return n->pipe;
}

/* Attach a new end to a node's pipe. A blocking FIFO open waits for the
 * other side in Linux; here the open returns at once and the first read
 * (write) waits instead until a writer (reader) has come. */
static int pipe_attach(fd_file *f, int fifo)
{
	fd_pipe *pp = pipe_of(f->node);
	if (!pp)
		return -LX_ENOMEM;
	int nonblock = f->flags & LX_O_NONBLOCK;
	if (fifo && nonblock && f->writable && !f->readable && pp->readers == 0)
		return -LX_ENXIO;
	if (f->readable) {
		pp->readers++;
		pp->r_opens++;
	}
	if (f->writable) {
		pp->writers++;
		pp->w_opens++;
	}
	if (f->readable && !f->writable) {
		f->fifo_gen = pp->w_opens;
		f->fifo_wait = fifo && !nonblock && pp->writers == 0;
	} else if (f->writable && !f->readable) {
		f->fifo_gen = pp->r_opens;
		f->fifo_wait = fifo && !nonblock && pp->readers == 0;
	}
	return 0;
}

int fd_pipe_new(rt_proc *p, uint32_t flags, fd_file **rd, fd_file **wr)
{
	struct vfs_node *n = vfs_node_new_anon(p->rt->vfs, LX_S_IFIFO | 0600, p);
	if (!n)
		return -LX_ENFILE;
	n->dev = VFS_DEV_PIPE;
	uint32_t keep = flags & (LX_O_NONBLOCK | LX_O_DIRECT);
	fd_file *r = fd_file_new(FD_PIPE, n, LX_O_RDONLY | keep);
	fd_file *w = fd_file_new(FD_PIPE, n, LX_O_WRONLY | keep);
	vfs_node_unref(n);
	if (!r || !w || pipe_attach(r, 0) < 0) {
		fd_file_unref(r);
		fd_file_unref(w);
		return -LX_ENFILE;
	}
	pipe_attach(w, 0);
	r->fifo_gen = 0; /* its writer came: EOF and POLLHUP once it goes */
	*rd = r;
	*wr = w;
	return 0;
}

static long pipe_read(fd_file *f, void *buf, size_t n)
{
	fd_pipe *pp = f->node->pipe;
	if (n == 0)
		return 0;
	if (pp->len == 0) {
		if (pp->writers == 0 && !(f->fifo_wait && pp->w_opens == f->fifo_gen))
			return 0;
		return -LX_EAGAIN;
	}
	size_t k = n < pp->len ? n : pp->len;
	if (pp->cap - pp->len < LX_PIPE_BUF)
		pp->wr_wakes++; /* it was full */
	size_t first = pp->cap - pp->head;
	if (first > k)
		first = k;
	memcpy(buf, pp->buf + pp->head, first);
	memcpy((uint8_t *)buf + first, pp->buf, k - first);
	pp->head = (pp->head + k) % pp->cap;
	pp->len -= k;
	if (pp->len == 0)
		pp->head = 0;
	f->fifo_wait = 0;
	return (long)k;
}

static long pipe_write(rt_thread *t, fd_file *f, const void *buf, size_t n)
{
	fd_pipe *pp = f->node->pipe;
	if (pp->readers == 0) {
		if (f->fifo_wait && pp->r_opens == f->fifo_gen)
			return -LX_EAGAIN;
		if (t)
			rt_signal_thread(t, LX_SIGPIPE);
		return -LX_EPIPE;
	}
	f->fifo_wait = 0;
	if (n == 0)
		return 0;
	if (!pp->buf) {
		pp->buf = malloc(pp->cap);
		if (!pp->buf)
			return -LX_ENOMEM;
	}
	size_t room = pp->cap - pp->len;
	if (room == 0 || (n <= LX_PIPE_BUF && room < n))
		return -LX_EAGAIN; /* PIPE_BUF writes are atomic */
	size_t k = n < room ? n : room;
	size_t tail = (pp->head + pp->len) % pp->cap;
	size_t first = pp->cap - tail;
	if (first > k)
		first = k;
	memcpy(pp->buf + tail, buf, first);
	memcpy(pp->buf, (const uint8_t *)buf + first, k - first);
	pp->len += k;
	pp->rd_wakes++;
	return (long)k;
}

static int pipe_poll(fd_file *f)
{
	fd_pipe *pp = f->node->pipe;
	int m = 0;
	if (f->readable) {
		if (pp->len)
			m |= LX_POLLIN | LX_POLLRDNORM;
		if (!pp->writers && pp->w_opens != f->fifo_gen)
			m |= LX_POLLHUP;
	}
	if (f->writable) {
		if (pp->cap - pp->len >= LX_PIPE_BUF)
			m |= LX_POLLOUT | LX_POLLWRNORM;
		if (!pp->readers && !(f->fifo_wait && pp->r_opens == f->fifo_gen))
			m |= LX_POLLERR;
	}
	return m;
}

size_t fd_pipe_size(fd_file *f)
{
	return f->node->pipe ? f->node->pipe->cap : 0;
}

long fd_pipe_resize(fd_file *f, uint64_t size, int root)
{
	fd_pipe *pp = f->node->pipe;
	if (!pp)
		return -LX_EBADF;
	if (size > (uint64_t)1 << 31)
		return -LX_EINVAL;
	if (size > FD_PIPE_MAX_USER && !root)
		return -LX_EPERM;
	size_t want = LX_PIPE_BUF;
	while (want < size)
		want *= 2;
	if (want > (64u << 20))
		return -LX_ENOMEM;
	if (want < pp->len)
		return -LX_EBUSY;
	if (pp->buf) {
		uint8_t *nb = malloc(want);
		if (!nb)
			return -LX_ENOMEM;
		size_t first = pp->cap - pp->head;
		if (first > pp->len)
			first = pp->len;
		memcpy(nb, pp->buf + pp->head, first);
		memcpy(nb + first, pp->buf, pp->len - first);
		free(pp->buf);
		pp->buf = nb;
		pp->head = 0;
	}
	pp->cap = want;
	return (long)want;
}

/* ---- opening nodes ---- */

static int is_console(struct vfs_node *n)
{
	if (!LX_S_ISTYPE(n->mode, LX_S_IFCHR))
		return 0;
	uint32_t ma = lx_major(n->rdev), mi = lx_minor(n->rdev);
	return (ma == 5 && mi <= 1) || (ma == 136 && mi == 0);
}

int fd_open_node(rt_proc *p, struct vfs_node *n, uint32_t flags, fd_file **out)
{
	enum fd_kind kind;
	int r = 0;
	if (flags & LX_O_PATH) {
		*out = fd_file_new(FD_PATH, n, flags);
		return *out ? 0 : -LX_ENOMEM;
	}
	switch (n->mode & LX_S_IFMT) {
	case LX_S_IFDIR:
		kind = FD_DIR;
		break;
	case LX_S_IFREG:
		kind = n->proc ? FD_PROC : FD_FILE;
		break;
	case LX_S_IFLNK:
		kind = FD_PATH;
		break;
	case LX_S_IFIFO:
		kind = n->host_fd >= 0 ? FD_HOST : FD_PIPE;
		break;
	case LX_S_IFCHR:
		if (is_console(n)) {
			if (!n->vfs->con.present)
				return -LX_ENXIO;
			kind = FD_HOST;
		} else if (vfs_dev_known(n->rdev)) {
			kind = FD_DEV;
		} else {
			return -LX_ENXIO;
		}
		break;
	default:
		return -LX_ENXIO;
	}
	fd_file *f = fd_file_new(kind, n, flags);
	if (!f)
		return -LX_ENOMEM;
	switch (kind) {
	case FD_PROC:
		r = vfs_proc_content(p, n, &f->buf, &f->len);
		break;
	case FD_PIPE:
		r = pipe_attach(f, 1);
		if (r < 0)
			f->kind = FD_PATH; /* not attached: nothing to undo on release */
		break;
	case FD_HOST:
		if (n->host_fd >= 0) { /* a host stream, reopened via /proc/self/fd */
			f->host_rfd = n->host_fd == 0 && f->readable ? 0 : -1;
			f->host_wfd = n->host_fd != 0 && f->writable ? n->host_fd : -1;
		} else {
			f->tty = 1;
			f->host_rfd = f->readable ? 0 : -1;
			f->host_wfd = f->writable ? n->vfs->con.out_fd : -1;
		}
		break;
	default:
		break;
	}
	if (r < 0) {
		fd_file_unref(f);
		return r;
	}
	*out = f;
	return 0;
}

/* ---- I/O ---- */

int fd_file_seekable(const fd_file *f)
{
	switch (f->kind) {
	case FD_FILE: case FD_DIR: case FD_DEV: case FD_PROC:
		return 1;
	default:
		return 0;
	}
}

long fd_file_read(rt_thread *t, rt_proc *p, fd_file *f, void *buf, size_t n,
		  const uint64_t *off)
{
	if (f->kind == FD_DIR)
		return -LX_EISDIR;
	if (!f->readable)
		return -LX_EBADF;
	if (off && !fd_file_seekable(f))
		return -LX_ESPIPE;
	uint64_t pos = off ? *off : f->pos;
	long r;
	switch (f->kind) {
	case FD_FILE:
		r = vfs_node_read(f->node, buf, n, pos);
		break;
	case FD_PROC:
		if (pos >= f->len)
			r = 0;
		else {
			size_t k = f->len - (size_t)pos;
			if (k > n)
				k = n;
			memcpy(buf, f->buf + pos, k);
			r = (long)k;
		}
		break;
	case FD_DEV:
		return vfs_dev_read(p, f->node, buf, n);
	case FD_PIPE:
		return pipe_read(f, buf, n);
	case FD_HOST:
		if (f->host_rfd < 0)
			return -LX_EBADF;
		return tty_read(p, buf, n);
	case FD_EXT:
		return f->ops && f->ops->read ? f->ops->read(t, f, buf, n) : -LX_EINVAL;
	default:
		return -LX_EBADF;
	}
	if (r > 0 && !off)
		f->pos += (uint64_t)r;
	return r;
}

long fd_file_write(rt_thread *t, rt_proc *p, fd_file *f, const void *buf,
		   size_t n, const uint64_t *off)
{
	if (!f->writable)
		return -LX_EBADF;
	if (off && !fd_file_seekable(f))
		return -LX_ESPIPE;
	long r;
	switch (f->kind) {
	case FD_FILE: {
		uint64_t pos = (f->flags & LX_O_APPEND) ? f->node->size : off ? *off : f->pos;
		r = vfs_node_write(p, f->node, buf, n, pos);
		if (r >= 0 && !off)
			f->pos = pos + (uint64_t)r;
		return r;
	}
	case FD_DEV:
		return vfs_dev_write(p, f->node, buf, n);
	case FD_PROC:
		return vfs_proc_write(p, f->node, buf, n);
	case FD_PIPE:
		return pipe_write(t, f, buf, n);
	case FD_HOST:
		if (f->host_wfd < 0)
			return -LX_EBADF;
		r = tty_write(p, f, buf, n);
		if (r == -LX_EPIPE && t)
			rt_signal_thread(t, LX_SIGPIPE);
		return r;
	case FD_EXT:
		return f->ops && f->ops->write ? f->ops->write(t, f, buf, n) : -LX_EINVAL;
	default:
		return -LX_EBADF;
	}
}

int fd_file_poll(rt_proc *p, fd_file *f, int events)
{
	const int all = LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM;
	switch (f->kind) {
	case FD_PIPE:
		return pipe_poll(f);
	case FD_HOST: {
		int m = 0;
		if (f->host_rfd >= 0 && (events & (LX_POLLIN | LX_POLLRDNORM)) &&
		    tty_poll_in(p))
			m |= LX_POLLIN | LX_POLLRDNORM;
		if (f->host_wfd >= 0)
			m |= LX_POLLOUT | LX_POLLWRNORM;
		return m;
	}
	case FD_PATH:
		return LX_POLLNVAL;
	case FD_EXT:
		return f->ops && f->ops->poll ? f->ops->poll(p, f, events) : all;
	default:
		return all;
	}
}

uint64_t fd_file_changes(rt_proc *p, fd_file *f, int events)
{
	switch (f->kind) {
	case FD_PIPE:
		if (!f->node->pipe)
			return 0;
		return (f->readable ? f->node->pipe->rd_wakes : 0) +
		       (f->writable ? f->node->pipe->wr_wakes : 0);
	case FD_EXT:
		return f->ops && f->ops->changes ? f->ops->changes(p, f, events) : 0;
	default:
		return 0;
	}
}

uint64_t fd_file_deadline(rt_proc *p, fd_file *f)
{
	if (f->kind == FD_EXT && f->ops && f->ops->deadline)
		return f->ops->deadline(p, f);
	return 0;
}

int fd_file_can_poll(const fd_file *f)
{
	const struct vfs_node *n = f->node;
	switch (f->kind) {
	case FD_FILE: case FD_DIR: case FD_PATH:
		return 0;
	case FD_DEV: /* of the memory devices only random has a poll */
		return n->rdev == lx_makedev(1, 8);
	case FD_PROC: /* per-process files do not, but for the mount tables */
		return !n->proc_pid || (n->name && (!strcmp(n->name, "mounts") ||
						    !strcmp(n->name, "mountinfo")));
	case FD_EXT:
		return f->ops && f->ops->poll;
	default:
		return 1;
	}
}

fd_file *fd_anon_new(rt_proc *p, const struct fd_ops *ops, void *priv, uint32_t flags)
{
	struct vfs_node *n = vfs_node_new_anon(p->rt->vfs, 0600, p);
	if (!n)
		return NULL;
	fd_file *f = fd_file_new(FD_EXT, n, flags);
	vfs_node_unref(n);
	if (f) {
		f->ops = ops;
		f->priv = priv;
	}
	return f;
}

long fd_file_nread(rt_proc *p, fd_file *f)
{
	switch (f->kind) {
	case FD_FILE:
		return f->pos < f->node->size ? (long)(f->node->size - f->pos) : 0;
	case FD_PROC:
		return f->pos < f->len ? (long)(f->len - f->pos) : 0;
	case FD_PIPE:
		return (long)f->node->pipe->len;
	case FD_HOST:
		return f->host_rfd >= 0 ? tty_nread(p) : 0;
	default:
		return -LX_ENOTTY;
	}
}

char *fd_file_path(fd_file *f)
{
	char buf[96];
	struct vfs_node *n = f->node;
	if (f->kind == FD_HOST && f->tty)
		return strdup("/dev/pts/0");
	if (f->kind == FD_EXT) {
		const char *name = f->ops && f->ops->name ? f->ops->name : "anon_inode:[unknown]";
		if (strchr(name, ':'))
			return strdup(name);
		snprintf(buf, sizeof buf, "%s:[%llu]", name, (unsigned long long)n->ino);
		return strdup(buf);
	}
	if (LX_S_ISTYPE(n->mode, LX_S_IFIFO) && !n->links && !n->name) {
		snprintf(buf, sizeof buf, "pipe:[%llu]", (unsigned long long)n->ino);
		return strdup(buf);
	}
	char *s = vfs_node_path(n);
	if (s)
		return s;
	if (n->name) { /* a removed directory */
		size_t l = strlen(n->name);
		s = malloc(l + 12);
		if (s)
			snprintf(s, l + 12, "/%s (deleted)", n->name);
		return s;
	}
	return strdup("anon_inode:[unknown]");
}

/* ---- tables ---- */

struct fd_table *fd_table_new(void)
{
	struct fd_table *t = calloc(1, sizeof *t);
	if (t)
		t->refs = 1;
	return t;
}

static int table_grow(struct fd_table *t, int need)
{
	if (need <= t->cap)
		return 0;
	int ncap = t->cap ? t->cap : 16;
	while (ncap < need)
		ncap *= 2;
	fd_file **nf = realloc(t->file, (size_t)ncap * sizeof *nf);
	if (!nf)
		return -LX_ENOMEM;
	t->file = nf;
	uint8_t *nc = realloc(t->cloexec, (size_t)ncap);
	if (!nc)
		return -LX_ENOMEM;
	t->cloexec = nc;
	memset(t->file + t->cap, 0, (size_t)(ncap - t->cap) * sizeof *nf);
	memset(t->cloexec + t->cap, 0, (size_t)(ncap - t->cap));
	t->cap = ncap;
	return 0;
}

static int table_set(struct fd_table *t, int fd, fd_file *f, int cloexec)
{
	if (table_grow(t, fd + 1) < 0)
		return -LX_ENOMEM;
	fd_file *old = t->file[fd];
	fd_file_ref(f);
	t->file[fd] = f;
	t->cloexec[fd] = cloexec != 0;
	fd_file_unref(old);
	return 0;
}

struct fd_table *fd_table_new_stdio(rt *r)
{
	struct vfs *v = r->vfs;
	struct fd_table *t = fd_table_new();
	if (!t)
		return NULL;
	int tty[3];
	for (int fd = 0; fd < 3; fd++)
		tty[fd] = r->host.isatty ? r->host.isatty(fd) : 0;
	v->con.out_fd = tty[1] ? 1 : tty[2] ? 2 : 1;
	v->con.ldisc = tty[0]; /* the host hands over raw keystrokes */
	for (int fd = 0; fd < 3; fd++) {
		fd_file *f;
		if (tty[fd]) {
			v->con.present = 1;
			f = fd_file_new(FD_HOST, v->pts0, LX_O_RDWR | LX_O_LARGEFILE);
			if (f) {
				f->tty = 1;
				f->host_rfd = 0;
				f->host_wfd = fd == 0 ? v->con.out_fd : fd;
			}
		} else {
			struct vfs_node *n = vfs_node_new_anon(v, LX_S_IFIFO | 0600, NULL);
			f = NULL;
			if (n) {
				n->dev = VFS_DEV_PIPE;
				n->host_fd = fd;
				if (r->host.realtime_ns)
					n->atime = n->mtime = n->ctime = (int64_t)r->host.realtime_ns();
				f = fd_file_new(FD_HOST, n, fd == 0 ? LX_O_RDONLY : LX_O_WRONLY);
				vfs_node_unref(n);
			}
			if (f) {
				f->host_rfd = fd == 0 ? 0 : -1;
				f->host_wfd = fd == 0 ? -1 : fd;
			}
		}
		if (!f || table_set(t, fd, f, 0) < 0) {
			fd_file_unref(f);
			fd_table_unref(t);
			return NULL;
		}
		fd_file_unref(f);
	}
	return t;
}

struct fd_table *fd_table_clone(struct fd_table *t)
{
	struct fd_table *n = fd_table_new();
	if (!n)
		return NULL;
	if (table_grow(n, t->cap) < 0) {
		fd_table_unref(n);
		return NULL;
	}
	for (int i = 0; i < t->cap; i++) {
		if (t->file[i]) {
			fd_file_ref(t->file[i]);
			n->file[i] = t->file[i];
			n->cloexec[i] = t->cloexec[i];
		}
	}
	return n;
}

void fd_table_ref(struct fd_table *t)
{
	t->refs++;
}

void fd_table_unref(struct fd_table *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int i = 0; i < t->cap; i++)
		fd_file_unref(t->file[i]);
	free(t->file);
	free(t->cloexec);
	free(t);
}

void fd_close_on_exec(struct fd_table *t)
{
	for (int i = 0; i < t->cap; i++) {
		if (t->file[i] && t->cloexec[i]) {
			fd_file *f = t->file[i];
			t->file[i] = NULL;
			t->cloexec[i] = 0;
			fd_file_unref(f);
		}
	}
}

int fd_limit(rt_proc *p)
{
	uint64_t cur = p->rlimit[LX_RLIMIT_NOFILE].cur;
	if (cur == 0)
		return LX_NR_OPEN_DEFAULT;
	return cur > 65536 ? 65536 : (int)cur;
}

fd_file *fd_get(rt_proc *p, int fd)
{
	struct fd_table *t = p->fds;
	if (!t || fd < 0 || fd >= t->cap)
		return NULL;
	return t->file[fd];
}

int fd_install(rt_proc *p, fd_file *f, int minfd, int cloexec)
{
	struct fd_table *t = p->fds;
	int limit = fd_limit(p);
	if (!t)
		return -LX_EMFILE;
	for (int fd = minfd < 0 ? 0 : minfd; fd < limit; fd++) {
		if (fd < t->cap && t->file[fd])
			continue;
		return table_set(t, fd, f, cloexec) < 0 ? -LX_ENOMEM : fd;
	}
	return -LX_EMFILE;
}

int fd_install_at(rt_proc *p, fd_file *f, int fd, int cloexec)
{
	if (!p->fds || fd < 0 || fd >= fd_limit(p))
		return -LX_EBADF;
	return table_set(p->fds, fd, f, cloexec);
}

int fd_close(rt_proc *p, int fd)
{
	fd_file *f = fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	p->fds->file[fd] = NULL;
	p->fds->cloexec[fd] = 0;
	fd_file_unref(f);
	return 0;
}

int fd_get_cloexec(rt_proc *p, int fd)
{
	return fd_get(p, fd) ? p->fds->cloexec[fd] : 0;
}

void fd_set_cloexec(rt_proc *p, int fd, int on)
{
	if (fd_get(p, fd))
		p->fds->cloexec[fd] = on != 0;
}

/* ---- for the rest of the runtime ---- */

long fd_pread(rt_proc *p, int fd, void *buf, size_t n, uint64_t off)
{
	fd_file *f = fd_get(p, fd);
	if (!f)
		return -LX_EBADF;
	return fd_file_read(NULL, p, f, buf, n, &off);
}

struct vfs_node *fd_node(rt_proc *p, int fd)
{
	fd_file *f = fd_get(p, fd);
	return f ? f->node : NULL;
}

char *fd_path(rt_proc *p, int fd)
{
	fd_file *f = fd_get(p, fd);
	return f ? fd_file_path(f) : NULL;
}

int fd_poll_ready(rt_proc *p, int fd, int events)
{
	fd_file *f = fd_get(p, fd);
	if (!f)
		return LX_POLLNVAL;
	int m = fd_file_poll(p, f, events);
	return m & (events | LX_POLLERR | LX_POLLHUP | LX_POLLNVAL);
}
