/* /dev as in a container: null, zero, full, random, urandom, tty, the
 * console (/dev/pts/0, standing for the host's terminal), /dev/shm, and the
 * stdin/stdout/stderr/fd links into /proc/self/fd. The console's I/O is in
 * tty.c. */
#include <string.h>
#include "vfs.h"
#include "fd.h"

#define MEM_MAJOR 1
#define TTY_MAJOR 5
#define PTS_MAJOR 136

static struct vfs_node *mk(struct vfs *v, struct vfs_node *dir, const char *name,
			   uint32_t mode, uint64_t rdev, const char *target)
{
	struct vfs_node *n = NULL;
	if (vfs_create(NULL, dir, name, mode, rdev, target, &n) < 0)
		return NULL;
	n->atime = n->mtime = n->ctime = v->load_time;
	vfs_node_unref(n); /* the directory entry keeps it */
	return n;
}

void vfs_dev_populate(struct vfs *v)
{
	struct vfs_node *dev, *pts, *shm;
	/* a fresh tmpfs is mounted over the image's /dev */
	vfs_subtree_remove(v->root, "dev");
	if (vfs_mkpath(v, "/dev", &dev) < 0)
		return;
	dev->mode = LX_S_IFDIR | 0755;
	dev->mountpoint = 1;
	mk(v, dev, "null", LX_S_IFCHR | 0666, lx_makedev(MEM_MAJOR, 3), NULL);
	mk(v, dev, "zero", LX_S_IFCHR | 0666, lx_makedev(MEM_MAJOR, 5), NULL);
	mk(v, dev, "full", LX_S_IFCHR | 0666, lx_makedev(MEM_MAJOR, 7), NULL);
	mk(v, dev, "random", LX_S_IFCHR | 0666, lx_makedev(MEM_MAJOR, 8), NULL);
	mk(v, dev, "urandom", LX_S_IFCHR | 0666, lx_makedev(MEM_MAJOR, 9), NULL);
	mk(v, dev, "tty", LX_S_IFCHR | 0666, lx_makedev(TTY_MAJOR, 0), NULL);
	struct vfs_node *con = mk(v, dev, "console", LX_S_IFCHR | 0620,
				  lx_makedev(TTY_MAJOR, 1), NULL);
	if (con)
		con->gid = 5;
	mk(v, dev, "stdin", LX_S_IFLNK | 0777, 0, "/proc/self/fd/0");
	mk(v, dev, "stdout", LX_S_IFLNK | 0777, 0, "/proc/self/fd/1");
	mk(v, dev, "stderr", LX_S_IFLNK | 0777, 0, "/proc/self/fd/2");
	mk(v, dev, "fd", LX_S_IFLNK | 0777, 0, "/proc/self/fd");
	pts = mk(v, dev, "pts", LX_S_IFDIR | 0755, 0, NULL);
	if (pts) {
		pts->mountpoint = 1;
		v->pts0 = mk(v, pts, "0", LX_S_IFCHR | 0620, lx_makedev(PTS_MAJOR, 0), NULL);
		if (v->pts0)
			v->pts0->gid = 5; /* tty */
	}
	shm = mk(v, dev, "shm", LX_S_IFDIR | 01777, 0, NULL);
	if (shm)
		shm->mountpoint = 1;
}

/* ---- memory devices ---- */

int vfs_dev_known(uint64_t rdev)
{
	if (lx_major(rdev) != MEM_MAJOR)
		return 0;
	switch (lx_minor(rdev)) {
	case 3: case 5: case 7: case 8: case 9:
		return 1;
	}
	return 0;
}

static void fill_random(rt_proc *p, void *buf, size_t len)
{
	if (p && p->rt && p->rt->host.random) {
		p->rt->host.random(buf, len);
		return;
	}
	/* no host source (tests): xorshift, never all zeros */
	static uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
}

long vfs_dev_read(rt_proc *p, struct vfs_node *n, void *buf, size_t len)
{
	switch (lx_minor(n->rdev)) {
	case 3: /* null */
		return 0;
	case 5: /* zero */
	case 7: /* full */
		memset(buf, 0, len);
		return (long)len;
	case 8: /* random */
	case 9: /* urandom */
		fill_random(p, buf, len);
		return (long)len;
	}
	return -LX_ENXIO;
}

long vfs_dev_write(rt_proc *p, struct vfs_node *n, const void *buf, size_t len)
{
	(void)p;
	(void)buf;
	switch (lx_minor(n->rdev)) {
	case 7:
		return -LX_ENOSPC;
	case 3: case 5: case 8: case 9:
		return (long)len;
	}
	return -LX_ENXIO;
}
