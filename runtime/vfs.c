/* The in-memory tree: nodes, directory entries, path resolution, and the
 * operations that change the tree. Tar loading is in vfs_tar.c, devices in
 * vfs_dev.c, /proc in vfs_proc.c, descriptors in fd.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"
#include "fd.h"

#define IS_DIR(n) LX_S_ISTYPE((n)->mode, LX_S_IFDIR)
#define IS_LNK(n) LX_S_ISTYPE((n)->mode, LX_S_IFLNK)
#define IS_REG(n) LX_S_ISTYPE((n)->mode, LX_S_IFREG)

/* ---- nodes ---- */

struct vfs_node *vfs_node_alloc(struct vfs *v, uint32_t mode)
{
	struct vfs_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->vfs = v;
	n->ino = v->next_ino++;
	n->dev = VFS_DEV_ROOT;
	n->mode = mode;
	n->host_fd = -1;
	n->layer = v->layer;
	n->atime = n->mtime = n->ctime = v->load_time;
	if (IS_DIR(n))
		n->next_cookie = 2;
	n->all_next = v->all;
	if (v->all)
		v->all->all_prev = n;
	v->all = n;
	return n;
}

static void node_free(struct vfs_node *n)
{
	struct vfs *v = n->vfs;
	if (n->all_prev)
		n->all_prev->all_next = n->all_next;
	else
		v->all = n->all_next;
	if (n->all_next)
		n->all_next->all_prev = n->all_prev;
	if (n->pipe) {
		free(n->pipe->buf);
		free(n->pipe);
	}
	free(n->buf);
	free(n->target);
	free(n->ents);
	free(n->name);
	struct vfs_node *parent = n->parent_ref ? n->parent : NULL;
	free(n);
	if (parent)
		vfs_node_unref(parent);
}

static void node_maybe_free(struct vfs_node *n)
{
	if (n->refs <= 0 && n->links == 0)
		node_free(n);
}

void vfs_node_ref(struct vfs_node *n)
{
	if (n)
		n->refs++;
}

void vfs_node_unref(struct vfs_node *n)
{
	if (!n)
		return;
	n->refs--;
	node_maybe_free(n);
}

struct vfs_node *vfs_root(struct vfs *v)
{
	return v->root;
}

int64_t vfs_now(rt_proc *p)
{
	if (p && p->rt && p->rt->host.realtime_ns)
		return (int64_t)p->rt->host.realtime_ns();
	return 0;
}

void vfs_touch(rt_proc *p, struct vfs_node *n, int mtime)
{
	int64_t now = vfs_now(p);
	n->ctime = now;
	if (mtime)
		n->mtime = now;
}

struct vfs_node *vfs_node_new_anon(struct vfs *v, uint32_t mode, rt_proc *p)
{
	struct vfs_node *n = vfs_node_alloc(v, mode);
	if (!n)
		return NULL;
	n->refs = 1;
	if (p) {
		n->uid = p->euid;
		n->gid = p->egid;
	}
	n->atime = n->mtime = n->ctime = vfs_now(p);
	return n;
}

const char *vfs_hostname(struct vfs *v)
{
	return v->hostname;
}

void vfs_set_hostname(struct vfs *v, const char *name)
{
	size_t len = strlen(name);
	if (len >= sizeof v->hostname)
		len = sizeof v->hostname - 1;
	memcpy(v->hostname, name, len);
	v->hostname[len] = 0;
}

const struct lx_termios *vfs_tty_termios(struct vfs *v, unsigned *gen)
{
	if (gen)
		*gen = v->con.termios_gen;
	return &v->con.termios;
}

/* ---- directory entries ---- */

static size_t dhash(const struct vfs_node *dir, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)dir;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		h = (h ^ *s) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static struct vfs_dentry **dslot(struct vfs *v, const struct vfs_node *dir,
				 const char *name)
{
	struct vfs_dentry **pp = &v->hash[dhash(dir, name) & (v->hcap - 1)];
	while (*pp && ((*pp)->dir != dir || strcmp((*pp)->name, name)))
		pp = &(*pp)->hnext;
	return pp;
}

static int hash_grow(struct vfs *v)
{
	size_t ncap = v->hcap ? v->hcap * 2 : 1024;
	struct vfs_dentry **nh = calloc(ncap, sizeof *nh);
	if (!nh)
		return -LX_ENOMEM;
	for (size_t i = 0; i < v->hcap; i++) {
		struct vfs_dentry *d = v->hash[i], *next;
		for (; d; d = next) {
			next = d->hnext;
			size_t b = dhash(d->dir, d->name) & (ncap - 1);
			d->hnext = nh[b];
			nh[b] = d;
		}
	}
	free(v->hash);
	v->hash = nh;
	v->hcap = ncap;
	return 0;
}

struct vfs_node *vfs_child(struct vfs_node *dir, const char *name)
{
	struct vfs *v = dir->vfs;
	if (!v->hcap)
		return NULL;
	struct vfs_dentry *d = *dslot(v, dir, name);
	return d ? d->node : NULL;
}

static void set_primary(struct vfs_node *n, struct vfs_node *dir, const char *name)
{
	char *copy = strdup(name);
	if (!copy)
		return; /* keeps the old name: only /proc output suffers */
	free(n->name);
	n->name = copy;
	n->parent = dir;
}

int vfs_dentry_add(struct vfs_node *dir, const char *name, struct vfs_node *n)
{
	struct vfs *v = dir->vfs;
	if ((v->hcount + 1) * 2 > v->hcap && hash_grow(v) < 0)
		return -LX_ENOMEM;
	if (dir->nents == dir->capents) {
		size_t ncap = dir->capents ? dir->capents * 2 : 8;
		struct vfs_dentry **ne = realloc(dir->ents, ncap * sizeof *ne);
		if (!ne)
			return -LX_ENOMEM;
		dir->ents = ne;
		dir->capents = ncap;
	}
	size_t len = strlen(name);
	struct vfs_dentry *d = malloc(sizeof *d + len + 1);
	if (!d)
		return -LX_ENOMEM;
	memcpy(d->name, name, len + 1);
	d->dir = dir;
	d->node = n;
	d->cookie = dir->next_cookie++;
	struct vfs_dentry **pp = dslot(v, dir, name);
	d->hnext = NULL;
	*pp = d;
	v->hcount++;
	dir->ents[dir->nents++] = d;
	n->links++;
	if (IS_DIR(n)) {
		dir->nsubdirs++;
		set_primary(n, dir, name);
	} else if (!n->parent) {
		set_primary(n, dir, name);
	}
	return 0;
}

static size_t ent_index(const struct vfs_node *dir, uint64_t cookie)
{
	size_t lo = 0, hi = dir->nents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dir->ents[mid]->cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A file lost the link its path came from: find another, or remember the
 * old path as deleted. */
static void relocate_primary(struct vfs_node *n, const char *oldpath)
{
	struct vfs *v = n->vfs;
	if (n->links > 0 && !IS_DIR(n)) {
		for (size_t i = 0; i < v->hcap; i++)
			for (struct vfs_dentry *d = v->hash[i]; d; d = d->hnext)
				if (d->node == n) {
					set_primary(n, d->dir, d->name);
					return;
				}
	}
	n->parent = NULL;
	if (IS_DIR(n))
		return;
	size_t len = oldpath ? strlen(oldpath) : 0;
	char *del = malloc(len + 11);
	if (!del)
		return;
	memcpy(del, oldpath ? oldpath : "", len);
	memcpy(del + len, " (deleted)", 11);
	free(n->name);
	n->name = del;
}

void vfs_dentry_del(struct vfs_node *dir, const char *name)
{
	struct vfs *v = dir->vfs;
	if (!v->hcap)
		return;
	struct vfs_dentry **pp = dslot(v, dir, name);
	struct vfs_dentry *d = *pp;
	if (!d)
		return;
	struct vfs_node *n = d->node;
	char *oldpath = NULL;
	int primary = n->parent == dir && n->name && !strcmp(n->name, name);
	if (primary && !IS_DIR(n) && n->links == 1)
		oldpath = vfs_node_path(n);
	*pp = d->hnext;
	v->hcount--;
	size_t i = ent_index(dir, d->cookie);
	if (i < dir->nents && dir->ents[i] == d) {
		memmove(&dir->ents[i], &dir->ents[i + 1],
			(dir->nents - i - 1) * sizeof *dir->ents);
		dir->nents--;
	}
	free(d);
	n->links--;
	if (IS_DIR(n)) {
		dir->nsubdirs--;
		n->parent = NULL;
		n->dead = 1;
	} else if (primary) {
		relocate_primary(n, oldpath);
	}
	free(oldpath);
	node_maybe_free(n);
}

void vfs_subtree_remove(struct vfs_node *dir, const char *name)
{
	struct vfs_node *n = vfs_child(dir, name);
	if (!n)
		return;
	if (IS_DIR(n)) {
		while (n->nents > 0) {
			char *cname = strdup(n->ents[n->nents - 1]->name);
			if (!cname)
				return;
			vfs_subtree_remove(n, cname);
			free(cname);
		}
	}
	vfs_dentry_del(dir, name);
}

int vfs_dir_empty(struct vfs_node *dir)
{
	return dir->nents == 0;
}

uint8_t vfs_dtype(uint32_t mode)
{
	switch (mode & LX_S_IFMT) {
	case LX_S_IFDIR: return LX_DT_DIR;
	case LX_S_IFREG: return LX_DT_REG;
	case LX_S_IFLNK: return LX_DT_LNK;
	case LX_S_IFCHR: return LX_DT_CHR;
	case LX_S_IFBLK: return LX_DT_BLK;
	case LX_S_IFIFO: return LX_DT_FIFO;
	case LX_S_IFSOCK: return LX_DT_SOCK;
	}
	return LX_DT_UNKNOWN;
}

/* ---- paths of nodes ---- */

char *vfs_node_path(struct vfs_node *n)
{
	struct vfs_node *root = n->vfs->root;
	if (n == root)
		return strdup("/");
	if (!n->parent) {
		if (n->name && !IS_DIR(n))
			return strdup(n->name);
		return NULL;
	}
	size_t len = 0;
	int depth = 0;
	for (struct vfs_node *m = n; m != root; m = m->parent) {
		if (!m->parent || !m->name || ++depth > LX_PATH_MAX)
			return NULL;
		len += strlen(m->name) + 1;
	}
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	s[len] = 0;
	size_t at = len;
	for (struct vfs_node *m = n; m != root; m = m->parent) {
		size_t l = strlen(m->name);
		at -= l;
		memcpy(s + at, m->name, l);
		s[--at] = '/';
	}
	return s;
}

/* ---- permissions ---- */

int vfs_permission(rt_proc *p, struct vfs_node *n, int mask, int real)
{
	uint32_t uid = 0, gid = 0;
	if (p) {
		uid = real ? p->uid : p->euid;
		gid = real ? p->gid : p->egid;
	}
	mask &= 7;
	if (uid == 0) {
		if ((mask & LX_X_OK) && !IS_DIR(n) && !(n->mode & LX_S_IXUGO))
			return -LX_EACCES;
		return 0;
	}
	uint32_t bits;
	if (uid == n->uid)
		bits = n->mode >> 6;
	else if (gid == n->gid)
		bits = n->mode >> 3;
	else
		bits = n->mode;
	return ((bits & (uint32_t)mask) == (uint32_t)mask) ? 0 : -LX_EACCES;
}

static int own(struct vfs_node *n, uint64_t need);

/* ---- path resolution ---- */

struct walk {
	rt_proc *p;
	struct vfs *v;
	int links;
};

static int walk(struct walk *w, struct vfs_node *start, const char *path,
		int flags, struct vfs_path *out);

/* One step: name in dir (already checked: a searchable directory).
 * Returns a referenced node, or NULL. */
static struct vfs_node *step(struct walk *w, struct vfs_node *dir,
			     const char *name)
{
	struct vfs_node *n;
	if (!strcmp(name, "."))
		n = dir;
	else if (!strcmp(name, ".."))
		n = dir == w->v->root ? dir : dir->parent;
	else if (dir->proc)
		return w->p ? vfs_proc_lookup(w->p, dir, name) : NULL;
	else
		n = vfs_child(dir, name);
	vfs_node_ref(n);
	return n;
}

static int follow(struct walk *w, struct vfs_node *dir, struct vfs_node *link,
		  int flags, struct vfs_path *out)
{
	if (++w->links > LX_MAXSYMLINKS)
		return -LX_ELOOP;
	if (link->proc) {
		int err = 0;
		struct vfs_node *m = w->p ? vfs_proc_follow(w->p, link, &err) : NULL;
		if (err)
			return err;
		if (m) {
			memset(out, 0, sizeof *out);
			out->node = m;
			out->last = VFS_LAST_NORM;
			return 0;
		}
		char *text = NULL;
		int r = w->p ? vfs_proc_readlink(w->p, link, &text) : -LX_ENOENT;
		if (r < 0)
			return r;
		r = text[0] ? walk(w, dir, text, flags, out) : -LX_ENOENT;
		free(text);
		return r;
	}
	if (!link->target || !link->target[0])
		return -LX_ENOENT;
	return walk(w, dir, link->target, flags, out);
}

static int walk(struct walk *w, struct vfs_node *start, const char *path,
		int flags, struct vfs_path *out)
{
	const char *s = path;
	struct vfs_node *cur = start;
	char comp[LX_NAME_MAX + 1];
	int r;

	if (*s == '/') {
		cur = w->v->root;
		while (*s == '/')
			s++;
	}
	vfs_node_ref(cur);
	if (!*s) {
		memset(out, 0, sizeof *out);
		out->node = cur;
		out->last = path[0] == '/' ? VFS_LAST_ROOT : VFS_LAST_DOT;
		out->slash = path[0] == '/';
		return 0;
	}
	for (;;) {
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len > LX_NAME_MAX) {
			r = -LX_ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, s, len);
		comp[len] = 0;
		const char *next = e;
		while (*next == '/')
			next++;
		int last = !*next, slash = next != e;

		if (!IS_DIR(cur)) {
			r = -LX_ENOTDIR;
			goto fail;
		}
		if ((r = vfs_permission(w->p, cur, LX_X_OK, 0)) < 0)
			goto fail;
		struct vfs_node *child = step(w, cur, comp);
		int dots = !strcmp(comp, ".") || !strcmp(comp, "..");

		if (!last) {
			if (!child) {
				r = -LX_ENOENT;
				goto fail;
			}
			if (IS_LNK(child)) {
				struct vfs_path sub;
				r = follow(w, cur, child, VFS_FOLLOW, &sub);
				vfs_node_unref(child);
				if (r < 0)
					goto fail;
				child = sub.node;
				vfs_node_unref(sub.dir);
				if (!child) {
					r = -LX_ENOENT;
					goto fail;
				}
			}
			if (!IS_DIR(child)) {
				vfs_node_unref(child);
				r = -LX_ENOTDIR;
				goto fail;
			}
			vfs_node_unref(cur);
			cur = child;
			s = next;
			continue;
		}

		if (dots) {
			if (!child) {
				r = -LX_ENOENT;
				goto fail;
			}
			memset(out, 0, sizeof *out);
			out->node = child;
			out->last = comp[1] ? VFS_LAST_DOTDOT : VFS_LAST_DOT;
			out->slash = slash;
			strcpy(out->name, comp);
			vfs_node_unref(cur);
			return 0;
		}
		if (child && IS_LNK(child) &&
		    ((flags & VFS_FOLLOW) || (slash && !(flags & VFS_PARENT)))) {
			r = follow(w, cur, child, flags, out);
			vfs_node_unref(child);
			vfs_node_unref(cur);
			if (r == 0)
				out->slash |= slash;
			return r;
		}
		memset(out, 0, sizeof *out);
		out->dir = cur;
		out->node = child;
		out->last = VFS_LAST_NORM;
		out->slash = slash;
		strcpy(out->name, comp);
		return 0;
	}
fail:
	vfs_node_unref(cur);
	return r;
}

void vfs_path_put(struct vfs_path *lp)
{
	vfs_node_unref(lp->dir);
	vfs_node_unref(lp->node);
	lp->dir = lp->node = NULL;
}

int vfs_lookup(rt_proc *p, struct vfs_node *start, const char *path,
	       int flags, struct vfs_path *out)
{
	memset(out, 0, sizeof *out);
	if (!path[0]) {
		if (!(flags & VFS_EMPTY) || !start)
			return -LX_ENOENT;
		vfs_node_ref(start);
		out->node = start;
		out->last = VFS_LAST_DOT;
		return 0;
	}
	if (strlen(path) >= LX_PATH_MAX)
		return -LX_ENAMETOOLONG;
	struct vfs *v = start ? start->vfs : NULL;
	if (!v)
		return -LX_ENOENT;
	struct walk w = { p, v, 0 };
	int r = walk(&w, start, path, flags, out);
	if (r < 0) {
		memset(out, 0, sizeof *out);
		return r;
	}
	if (flags & VFS_EXIST) {
		if (!out->node)
			r = -LX_ENOENT;
		else if (out->slash && !IS_DIR(out->node))
			r = -LX_ENOTDIR;
		if (r < 0)
			vfs_path_put(out);
	}
	return r;
}

int vfs_load_file(rt_proc *p, const char *path, const uint8_t **data,
		  size_t *len, char **abspath)
{
	struct vfs_node *start = p->cwd ? p->cwd : p->rt->vfs->root;
	return vfs_load_file_at(p, start, path, VFS_FOLLOW | VFS_EXIST, data, len,
				abspath);
}

int vfs_load_file_at(rt_proc *p, struct vfs_node *start, const char *path,
		     int flags, const uint8_t **data, size_t *len, char **abspath)
{
	struct vfs_path lp;
	int r = vfs_lookup(p, start, path, flags | VFS_EXIST, &lp);
	if (r < 0)
		return r;
	/* ".", "/" and AT_EMPTY_PATH's "" come back as dir. */
	struct vfs_node *n = lp.node ? lp.node : lp.dir;
	if (!n)
		r = -LX_EACCES;
	else if (IS_LNK(n) && !(flags & VFS_FOLLOW))
		r = -LX_ELOOP;
	else if (!IS_REG(n) || n->proc)
		r = -LX_EACCES;
	else
		r = vfs_permission(p, n, LX_X_OK, 0);
	if (r == 0 && n->mmaps)  /* reads the content directly */
		vfs_map_hooks->flush(n, 0, n->size);
	if (r == 0 && n->size > n->have) {
		/* a sparse tail: materialise it so the loader sees bytes */
		if ((r = own(n, n->size)) == 0) {
			memset(n->buf + n->have, 0, (size_t)(n->size - n->have));
			n->have = (size_t)n->size;
		} else {
			r = -LX_ENOMEM;
		}
	}
	if (r == 0) {
		char *ap = vfs_node_path(n);
		if (!ap)
			r = -LX_ENOMEM;
		else {
			*data = n->data;
			*len = n->have;
			*abspath = ap;
		}
	}
	vfs_path_put(&lp);
	return r;
}

/* ---- changing the tree ---- */

int vfs_create(rt_proc *p, struct vfs_node *dir, const char *name,
	       uint32_t mode, uint64_t rdev, const char *target,
	       struct vfs_node **out)
{
	if (dir->dead || dir->proc)
		return -LX_ENOENT;
	if (vfs_child(dir, name))
		return -LX_EEXIST;
	int r = vfs_permission(p, dir, LX_W_OK | LX_X_OK, 0);
	if (r < 0)
		return r;
	struct vfs_node *n = vfs_node_alloc(dir->vfs, mode);
	if (!n)
		return -LX_ENOSPC;
	n->uid = p ? p->euid : 0;
	n->gid = p ? p->egid : 0;
	if (dir->mode & LX_S_ISGID) {
		n->gid = dir->gid;
		if (IS_DIR(n))
			n->mode |= LX_S_ISGID;
	}
	n->rdev = rdev;
	n->atime = n->mtime = n->ctime = vfs_now(p);
	if (target) {
		n->target = strdup(target);
		if (!n->target) {
			node_free(n);
			return -LX_ENOSPC;
		}
		n->size = strlen(target);
	}
	if ((r = vfs_dentry_add(dir, name, n)) < 0) {
		node_free(n);
		return r;
	}
	vfs_touch(p, dir, 1);
	if (out) {
		vfs_node_ref(n);
		*out = n;
	}
	return 0;
}

int vfs_link(rt_proc *p, struct vfs_node *node, struct vfs_node *dir,
	     const char *name)
{
	if ((dir->proc != 0) != (node->proc != 0))
		return -LX_EXDEV; /* procfs is another mount */
	if (dir->dead || dir->proc)
		return -LX_ENOENT;
	if (vfs_child(dir, name))
		return -LX_EEXIST;
	int r = vfs_permission(p, dir, LX_W_OK | LX_X_OK, 0);
	if (r < 0)
		return r;
	if (IS_DIR(node))
		return -LX_EPERM;
	if (node->pipe || node->host_fd >= 0)
		return -LX_ENOENT;
	if (node->links == 0 && !node->linkable)
		return -LX_ENOENT;
	if ((r = vfs_dentry_add(dir, name, node)) < 0)
		return r;
	node->linkable = 0;
	vfs_touch(p, node, 0);
	vfs_touch(p, dir, 1);
	return 0;
}

static int sticky_denied(rt_proc *p, struct vfs_node *dir, struct vfs_node *n)
{
	uint32_t uid = p ? p->euid : 0;
	return (dir->mode & LX_S_ISVTX) && uid != 0 && uid != n->uid &&
	       uid != dir->uid;
}

/* Linux's may_delete(): may p remove n from dir, n being expected to be a
 * directory iff isdir? */
static int may_delete(rt_proc *p, struct vfs_node *dir, struct vfs_node *n,
		      int isdir)
{
	int r = vfs_permission(p, dir, LX_W_OK | LX_X_OK, 0);
	if (r < 0)
		return r;
	if (sticky_denied(p, dir, n))
		return -LX_EPERM;
	if (isdir) {
		if (!IS_DIR(n))
			return -LX_ENOTDIR;
		if (n == n->vfs->root)
			return -LX_EBUSY;
	} else if (IS_DIR(n)) {
		return -LX_EISDIR;
	}
	return 0;
}

int vfs_unlink(rt_proc *p, struct vfs_node *dir, const char *name, int rmdir)
{
	if (dir->proc)
		return -LX_EPERM;
	struct vfs_node *n = vfs_child(dir, name);
	if (!n)
		return -LX_ENOENT;
	int r = may_delete(p, dir, n, rmdir);
	if (r < 0)
		return r;
	if (rmdir) {
		if (n->mountpoint)
			return -LX_EBUSY;
		if (!vfs_dir_empty(n))
			return -LX_ENOTEMPTY;
	}
	vfs_touch(p, n, 0);
	vfs_touch(p, dir, 1);
	vfs_dentry_del(dir, name);
	return 0;
}

/* Is a (a directory) b itself or one of b's ancestors? */
static int is_ancestor(struct vfs_node *a, struct vfs_node *b)
{
	for (int depth = 0; b && depth <= LX_PATH_MAX; depth++) {
		if (a == b)
			return 1;
		if (b == b->vfs->root)
			break;
		b = b->parent;
	}
	return 0;
}

static int rename_exchange(rt_proc *p, struct vfs_node *odir, const char *oname,
			   struct vfs_node *ndir, const char *nname)
{
	struct vfs *v = odir->vfs;
	struct vfs_dentry *od = *dslot(v, odir, oname), *nd = *dslot(v, ndir, nname);
	struct vfs_node *o = od->node, *t = nd->node;
	od->node = t;
	nd->node = o;
	if (IS_DIR(o) != IS_DIR(t)) {
		if (IS_DIR(o)) {
			odir->nsubdirs--;
			ndir->nsubdirs++;
		} else {
			odir->nsubdirs++;
			ndir->nsubdirs--;
		}
	}
	/* fix the recorded names (a file's primary link may be either) */
	int o_prim = o->parent == odir && o->name && !strcmp(o->name, oname);
	int t_prim = t->parent == ndir && t->name && !strcmp(t->name, nname);
	if (o_prim || IS_DIR(o))
		set_primary(o, ndir, nname);
	if (t_prim || IS_DIR(t))
		set_primary(t, odir, oname);
	vfs_touch(p, o, 0);
	vfs_touch(p, t, 0);
	vfs_touch(p, odir, 1);
	vfs_touch(p, ndir, 1);
	return 0;
}

int vfs_rename(rt_proc *p, struct vfs_node *odir, const char *oname,
	       struct vfs_node *ndir, const char *nname, unsigned flags)
{
	int exchange = flags & LX_RENAME_EXCHANGE;
	if ((odir->proc != 0) != (ndir->proc != 0))
		return -LX_EXDEV; /* procfs is another mount */
	if (odir->proc)
		return -LX_EPERM;
	struct vfs_node *o = vfs_child(odir, oname);
	struct vfs_node *t = vfs_child(ndir, nname);
	int r;
	if (!o)
		return -LX_ENOENT;
	if (exchange && !t)
		return -LX_ENOENT;
	if ((flags & LX_RENAME_NOREPLACE) && t)
		return -LX_EEXIST;
	/* Linux's lock_rename() traps: moving a directory under itself, or
	 * replacing an ancestor of the source. */
	if (IS_DIR(o) && is_ancestor(o, ndir))
		return -LX_EINVAL;
	if (t && IS_DIR(t) && is_ancestor(t, odir))
		return exchange ? -LX_EINVAL : -LX_ENOTEMPTY;
	if (o == t)
		return 0;
	if ((r = may_delete(p, odir, o, IS_DIR(o))) < 0)
		return r;
	if (t) {
		r = may_delete(p, ndir, t, exchange ? IS_DIR(t) : IS_DIR(o));
	} else {
		r = ndir->dead ? -LX_ENOENT : vfs_permission(p, ndir, LX_W_OK | LX_X_OK, 0);
	}
	if (r < 0)
		return r;
	if (odir != ndir) {
		/* a moved directory's ".." changes: it must be writable */
		if (IS_DIR(o) && (r = vfs_permission(p, o, LX_W_OK, 0)) < 0)
			return r;
		if (exchange && IS_DIR(t) && (r = vfs_permission(p, t, LX_W_OK, 0)) < 0)
			return r;
	}
	if (o->mountpoint || (t && t->mountpoint))
		return -LX_EBUSY;
	if (exchange)
		return rename_exchange(p, odir, oname, ndir, nname);
	if (t && IS_DIR(t) && !vfs_dir_empty(t))
		return -LX_ENOTEMPTY;

	/* Make room in ndir before touching anything, so that failure leaves
	 * the tree as it was. */
	struct vfs *v = odir->vfs;
	if (!t && (v->hcount + 2) * 2 > v->hcap && hash_grow(v) < 0)
		return -LX_ENOSPC;
	vfs_node_ref(o);
	int o_prim = o->parent == odir && o->name && !strcmp(o->name, oname);
	if (t)
		vfs_dentry_del(ndir, nname);
	vfs_dentry_del(odir, oname);
	r = vfs_dentry_add(ndir, nname, o);
	if (r < 0) {
		/* out of memory half way: put it back where it was */
		if (vfs_dentry_add(odir, oname, o) < 0)
			r = -LX_ENOSPC;
		vfs_node_unref(o);
		return r;
	}
	if (IS_DIR(o)) {
		o->dead = 0;
	} else if (o_prim || !o->parent) {
		set_primary(o, ndir, nname);
	}
	vfs_touch(p, o, 0);
	vfs_touch(p, odir, 1);
	vfs_touch(p, ndir, 1);
	vfs_node_unref(o);
	return 0;
}

int vfs_readlink(rt_proc *p, struct vfs_node *n, char **out)
{
	if (!IS_LNK(n))
		return -LX_EINVAL;
	if (n->proc)
		return vfs_proc_readlink(p, n, out);
	*out = strdup(n->target ? n->target : "");
	return *out ? 0 : -LX_ENOMEM;
}

/* Create the directories of an absolute path that are missing (0755,
 * root-owned); a non-directory in the way is replaced, a symlink to a
 * directory followed. For building the tree; no permission checks. */
int vfs_mkpath(struct vfs *v, const char *path, struct vfs_node **out)
{
	struct vfs_node *cur = v->root;
	char comp[LX_NAME_MAX + 1];
	const char *s = path;
	for (;;) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len > LX_NAME_MAX)
			return -LX_ENAMETOOLONG;
		memcpy(comp, s, len);
		comp[len] = 0;
		s = e;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (cur != v->root)
				cur = cur->parent;
			continue;
		}
		struct vfs_node *n = vfs_child(cur, comp);
		if (n && IS_LNK(n)) {
			struct vfs_path lp;
			struct walk w = { NULL, v, 0 };
			if (walk(&w, cur, n->target ? n->target : "", VFS_FOLLOW, &lp) == 0) {
				struct vfs_node *m = lp.node;
				vfs_path_put(&lp);
				if (m && IS_DIR(m) && m->links) {
					cur = m;
					continue;
				}
			}
		}
		if (n && !IS_DIR(n)) {
			vfs_subtree_remove(cur, comp);
			n = NULL;
		}
		if (!n) {
			n = vfs_node_alloc(v, LX_S_IFDIR | 0755);
			if (!n)
				return -LX_ENOMEM;
			int r = vfs_dentry_add(cur, comp, n);
			if (r < 0) {
				node_free(n);
				return r;
			}
		}
		cur = n;
	}
	*out = cur;
	return 0;
}

/* ---- regular file content ---- */

const struct vfs_map_hooks *vfs_map_hooks;

long vfs_node_read(struct vfs_node *n, void *buf, size_t len, uint64_t off)
{
	if (n->mmaps && off < n->size)
		vfs_map_hooks->flush(n, off, len);
	return vfs_node_copy(n, buf, len, off);
}

long vfs_node_copy(struct vfs_node *n, void *buf, size_t len, uint64_t off)
{
	if (off >= n->size)
		return 0;
	uint64_t avail = n->size - off;
	if (len > avail)
		len = (size_t)avail;
	size_t from_data = 0;
	if (off < n->have) {
		from_data = n->have - (size_t)off;
		if (from_data > len)
			from_data = len;
		memcpy(buf, n->data + off, from_data);
	}
	memset((uint8_t *)buf + from_data, 0, len - from_data);
	return (long)len;
}

/* Make the content owned, with room for `need` bytes. */
static int own(struct vfs_node *n, uint64_t need)
{
	if (need != (size_t)need || need > VFS_MAX_FILE_SIZE)
		return -LX_EFBIG;
	if (n->buf && n->cap >= need)
		return 0;
	size_t ncap = n->cap ? n->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? (size_t)need : ncap * 2;
	if (!n->buf && ncap < n->have)
		ncap = n->have;
	uint8_t *nb = n->buf ? realloc(n->buf, ncap) : malloc(ncap);
	if (!nb)
		return -LX_ENOSPC;
	if (!n->buf && n->have)
		memcpy(nb, n->data, n->have);
	n->buf = nb;
	n->cap = ncap;
	n->data = nb;
	return 0;
}

int vfs_node_store(struct vfs_node *n, const void *buf, size_t len, uint64_t off)
{
	if (off > n->size || len > n->size - off)
		return -LX_EINVAL;
	uint64_t end = off + len;
	int r = own(n, end);
	if (r < 0)
		return r;
	if (off > n->have)
		memset(n->buf + n->have, 0, (size_t)off - n->have);
	memcpy(n->buf + off, buf, len);
	if (end > n->have)
		n->have = (size_t)end;
	return 0;
}

long vfs_node_write(rt_proc *p, struct vfs_node *n, const void *buf,
		    size_t len, uint64_t off)
{
	if (off >= VFS_MAX_FILE_SIZE)
		return -LX_EFBIG;
	if (len > VFS_MAX_FILE_SIZE - off)
		len = (size_t)(VFS_MAX_FILE_SIZE - off);
	uint64_t end = off + len;
	if (n->seals & (LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE))
		return -LX_EPERM;
	if ((n->seals & LX_F_SEAL_GROW) && end > n->size)
		return -LX_EPERM;
	if (len == 0)
		return 0;
	int r = own(n, end);
	if (r < 0)
		return r;
	if (off > n->have)
		memset(n->buf + n->have, 0, (size_t)off - n->have);
	memcpy(n->buf + off, buf, len);
	if (end > n->have)
		n->have = (size_t)end;
	uint64_t old_size = n->size;
	if (end > n->size)
		n->size = end;
	vfs_touch(p, n, 1);
	if (n->mmaps)
		vfs_map_hooks->changed(n, off, len, old_size);
	return (long)len;
}

int vfs_node_truncate(rt_proc *p, struct vfs_node *n, uint64_t size)
{
	if (size > VFS_MAX_FILE_SIZE)
		return -LX_EFBIG;
	if ((n->seals & LX_F_SEAL_SHRINK) && size < n->size)
		return -LX_EPERM;
	if ((n->seals & LX_F_SEAL_GROW) && size > n->size)
		return -LX_EPERM;
	if (size < n->have) {
		n->have = (size_t)size;
		if (n->buf && n->cap > 4096 && n->have < n->cap / 4) {
			uint8_t *nb = realloc(n->buf, n->have ? n->have : 1);
			if (nb) {
				n->buf = nb;
				n->data = nb;
				n->cap = n->have ? n->have : 1;
			}
		}
	}
	uint64_t old_size = n->size;
	n->size = size;
	vfs_touch(p, n, 1);
	if (n->mmaps && size != old_size)
		vfs_map_hooks->changed(n, size < old_size ? size : old_size,
				       size < old_size ? old_size - size : size - old_size,
				       old_size);
	return 0;
}

/* ---- metadata ---- */

void vfs_stat(struct vfs_node *n, struct lx_stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = n->dev;
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	if (IS_DIR(n))
		st->st_nlink = n->proc ? 2 : (n->links || n == n->vfs->root) ? 2 + n->nsubdirs : 0;
	else
		st->st_nlink = n->proc ? 1 : n->links;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	if (IS_REG(n))
		st->st_size = (int64_t)n->size;
	else if (IS_LNK(n))
		st->st_size = n->target ? (int64_t)strlen(n->target) : 0;
	else if (IS_DIR(n) && !n->proc)
		st->st_size = 4096;
	st->st_blksize = 4096;
	/* Storage is counted in whole 4 KiB blocks (in 512-byte units), as
	 * ext4 and tmpfs report it: ls -s, du and stat show these numbers. */
	if (IS_REG(n))
		st->st_blocks = (int64_t)((n->have + 4095) / 4096 * 8);
	else if (IS_DIR(n) && !n->proc)
		st->st_blocks = 8;
	st->st_atime_sec = n->atime / 1000000000;
	st->st_atime_nsec = n->atime % 1000000000;
	st->st_mtime_sec = n->mtime / 1000000000;
	st->st_mtime_nsec = n->mtime % 1000000000;
	st->st_ctime_sec = n->ctime / 1000000000;
	st->st_ctime_nsec = n->ctime % 1000000000;
	if (st->st_atime_nsec < 0) {
		st->st_atime_nsec += 1000000000;
		st->st_atime_sec--;
	}
	if (st->st_mtime_nsec < 0) {
		st->st_mtime_nsec += 1000000000;
		st->st_mtime_sec--;
	}
	if (st->st_ctime_nsec < 0) {
		st->st_ctime_nsec += 1000000000;
		st->st_ctime_sec--;
	}
}

/* ---- directories ---- */

int vfs_dir_next(rt_proc *p, struct vfs_node *dir, uint64_t pos,
		 struct vfs_dirent *ent)
{
	if (!IS_DIR(dir))
		return -LX_ENOTDIR;
	if (dir->dead || (!dir->links && !dir->proc && dir != dir->vfs->root))
		return -LX_ENOENT;
	memset(ent, 0, sizeof *ent);
	if (pos == 0) {
		ent->ino = dir->ino;
		ent->type = LX_DT_DIR;
		ent->next = 1;
		strcpy(ent->name, ".");
		return 1;
	}
	if (pos == 1) {
		struct vfs_node *up = dir == dir->vfs->root || !dir->parent ? dir : dir->parent;
		ent->ino = up->ino;
		ent->type = LX_DT_DIR;
		ent->next = 2;
		strcpy(ent->name, "..");
		return 1;
	}
	if (dir->proc)
		return vfs_proc_readdir(p, dir, pos - 2, ent);
	size_t i = ent_index(dir, pos);
	if (i >= dir->nents)
		return 0;
	struct vfs_dentry *d = dir->ents[i];
	ent->ino = d->node->ino;
	ent->type = vfs_dtype(d->node->mode);
	ent->next = d->cookie + 1;
	strcpy(ent->name, d->name);
	return 1;
}

/* ---- the whole thing ---- */

static void console_init(struct vfs_console *c)
{
	static const uint8_t cc[LX_NCCS] = {
		3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0,
	};
	memset(c, 0, sizeof *c);
	c->termios.c_iflag = LX_ICRNL | LX_IXON | LX_IUTF8;
	c->termios.c_oflag = LX_OPOST | LX_ONLCR;
	c->termios.c_cflag = LX_B38400 | LX_CS8 | LX_CREAD | LX_HUPCL;
	c->termios.c_lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK |
			     LX_ECHOCTL | LX_ECHOKE | LX_IEXTEN;
	memcpy(c->termios.c_cc, cc, sizeof cc);
	c->ws.ws_row = 24;
	c->ws.ws_col = 80;
	c->eof_after = -1;
}

struct vfs *vfs_new(const uint8_t *tar, size_t len, const char *tarname,
		    char *err, size_t errcap)
{
	if (err && errcap)
		err[0] = 0;
	struct vfs *v = calloc(1, sizeof *v);
	if (!v || hash_grow(v) < 0) {
		free(v);
		if (err && errcap)
			snprintf(err, errcap, "%s: out of memory", tarname ? tarname : "rootfs");
		return NULL;
	}
	v->next_ino = 2;
	vfs_set_hostname(v, LX_HOSTNAME_DEFAULT);
	console_init(&v->con);
	v->root = vfs_node_alloc(v, LX_S_IFDIR | 0755);
	if (!v->root) {
		vfs_free(v);
		return NULL;
	}
	v->root->links = 1; /* the mount holds it */
	if (tar && len &&
	    vfs_tar_load(v, tar, len, tarname ? tarname : "rootfs", err, errcap) < 0) {
		vfs_free(v);
		return NULL;
	}
	v->layer++;
	vfs_dev_populate(v);
	vfs_proc_populate(v);
	struct vfs_node *tmp = vfs_child(v->root, "tmp");
	if (!tmp || !IS_DIR(tmp)) {
		if (vfs_mkpath(v, "/tmp", &tmp) == 0)
			tmp->mode = LX_S_IFDIR | 01777;
	}
	if (!v->pts0) {
		if (err && errcap)
			snprintf(err, errcap, "%s: out of memory", tarname ? tarname : "rootfs");
		vfs_free(v);
		return NULL;
	}
	vfs_node_ref(v->pts0); /* the console outlives an rm of /dev/pts/0 */
	return v;
}

void vfs_free(struct vfs *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->hcap; i++) {
		struct vfs_dentry *d = v->hash[i], *next;
		for (; d; d = next) {
			next = d->hnext;
			free(d);
		}
	}
	free(v->hash);
	while (v->all) {
		struct vfs_node *n = v->all;
		n->parent_ref = 0;
		node_free(n);
	}
	free(v);
}
