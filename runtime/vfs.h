/* The filesystem (DESIGN.md decision 6): one in-memory tree of nodes.
 *
 * The rootfs tar is indexed once by vfs_new(): every entry becomes a node,
 * and a regular file's content is a read-only slice of the tar bytes
 * (zero-copy) until its first write or truncate copies it into an owned
 * buffer. Deleting a node that came from the tar just removes it from the
 * tree: that is the writable layer and its whiteout in one. /dev (vfs_dev.c)
 * and /proc (vfs_proc.c) are peers in the same tree: /dev holds device
 * nodes, /proc is a directory whose children are made up on each lookup.
 * Nothing here touches the host's filesystem or blocks.
 *
 * References: a node lives while some directory entry names it (links) or
 * something holds a reference (refs: open files, a process's cwd, a lookup
 * in progress). Lookups return referenced nodes; drop them with
 * vfs_node_unref() or vfs_path_put().
 *
 * Path resolution follows Linux's namei: relative to the cwd or a dirfd,
 * "." and "..", symlinks (at most 40 per lookup, then ELOOP), trailing
 * slashes, ENAMETOOLONG, ENOENT vs ENOTDIR, and search permission (EACCES)
 * for non-root users. */
#ifndef VFS_H
#define VFS_H

#include <stddef.h>
#include <stdint.h>
#include "rt.h"
#include "linux_abi.h"

struct vfs;
struct vfs_dentry;
struct fd_pipe;

/* st_dev of the filesystems friscy shows. */
#define VFS_DEV_ROOT 0x2fULL  /* 0:47, the overlay root (also /dev, /tmp) */
#define VFS_DEV_PROC 0x16ULL  /* 0:22 */
#define VFS_DEV_PIPE 0x0cULL  /* 0:12, pipefs */

typedef struct vfs_node {
	struct vfs *vfs;
	int refs;                /* open files, cwds, lookups in flight */
	uint32_t links;          /* directory entries naming this node */
	uint64_t ino, dev;
	uint32_t mode;           /* LX_S_IF* | permission bits */
	uint32_t uid, gid;
	uint64_t rdev;           /* lx_makedev() for devices */
	int64_t atime, mtime, ctime;  /* ns since the epoch */

	/* Regular file: `size` bytes; the first `have` are at `data` (the tar
	 * slice, or `buf` once owned), the rest read as zeros (sparse tail). */
	uint64_t size;
	const uint8_t *data;
	size_t have;
	uint8_t *buf;            /* owned content, NULL while in the tar */
	size_t cap;
	int memfd;               /* made by memfd_create: F_ADD_SEALS works */
	uint32_t seals;          /* memfd seals (LX_F_SEAL_*) */
	int linkable;            /* O_TMPFILE without O_EXCL: linkat may name it */
	int mmaps;               /* VMAs mapping it, in any arena: vfs_map_hooks */

	char *target;            /* symlink target */

	/* Directory: entries in insertion order (each has a cookie, the
	 * getdents64 resume position); nsubdirs for st_nlink. */
	struct vfs_dentry **ents;
	size_t nents, capents;
	uint64_t next_cookie;
	uint32_t nsubdirs;
	int dead;                /* removed directory: nothing can be created in it */

	/* Where the node lives, for getcwd and /proc/self/fd: a directory's
	 * parent and name, or a file's first remaining link. When the last link
	 * goes, name becomes the old path plus " (deleted)" and parent NULL. */
	struct vfs_node *parent;
	char *name;
	int parent_ref;          /* holds a reference on parent (/proc nodes) */
	int mountpoint;          /* /proc, /dev...: rmdir and rename say EBUSY */

	struct fd_pipe *pipe;    /* FIFO (named or anonymous): its buffer */
	int host_fd;             /* -1, or the host stdio fd this node stands for */
	int proc;                /* /proc node id (vfs_proc.c), 0 if none */
	int proc_pid, proc_arg;  /* the pid and fd a /proc node is about */
	unsigned layer;          /* tar layer that created it (whiteouts) */

	struct vfs_node *all_prev, *all_next;  /* every node, for vfs_free */
} vfs_node;

/* A directory entry (global hash table keyed by dir + name). */
typedef struct vfs_dentry {
	struct vfs_node *dir, *node;
	uint64_t cookie;
	struct vfs_dentry *hnext;
	char name[];
} vfs_dentry;

/* The terminal the guest sees on fd 0-2 when the host's stdio is a tty:
 * one console with its termios, window size and foreground process group.
 * The host may read `termios` after each TCSETS* (termios_gen changes) to
 * mirror raw mode on the real terminal. */
struct vfs_console {
	int present;             /* some host stdio fd is a tty */
	int out_fd;              /* host fd the console writes to (1, or 2) */
	struct lx_termios termios;
	unsigned termios_gen;
	struct lx_winsize ws;    /* set by TIOCSWINSZ; used when the host has none */
	int pgrp, sid;           /* foreground process group, session (0 = unset) */
	/* Bytes a read can take: host stdin read ahead by poll (so it can say
	 * "readable"), or with the line discipline the cooked input. */
	uint8_t in[4096];
	size_t inlen, inpos;
	int in_eof;              /* the host returned 0: deliver one EOF */
	/* The line discipline (tty.c), on when the host's stdin is a raw
	 * terminal. */
	int ldisc;
	uint8_t line[4096];      /* canonical mode: the line being edited */
	size_t linelen;
	int lnext;               /* the next byte is taken literally (^V) */
	long eof_after;          /* ^D: queued bytes before an EOF, or -1 */
};

struct vfs {
	struct vfs_node *root;
	struct vfs_node *pts0;   /* /dev/pts/0: the console's node (referenced) */
	uint64_t next_ino;
	struct vfs_dentry **hash;
	size_t hcap, hcount;
	struct vfs_node *all;    /* list of every node */
	unsigned layer;          /* current tar layer while loading */
	int64_t load_time;       /* newest tar mtime: times of made-up nodes */
	struct vfs_console con;
	char hostname[65];
};

/* ---- the tree ---- */

/* Build the tree from a rootfs tar (ustar, GNU, PAX; may be NULL: empty
 * root). The tar bytes must outlive the vfs (file contents point into it).
 * Concatenated tars (layers, lower first) are applied in order, with OCI
 * whiteouts. /dev, /proc and /tmp are created as in a container. On a
 * corrupt tar returns NULL with a one-line message in err naming `tarname`
 * and the offset. */
struct vfs *vfs_new(const uint8_t *tar, size_t len, const char *tarname,
		    char *err, size_t errcap);
/* Frees every node; open files and cwds must have been released first. */
void vfs_free(struct vfs *v);
struct vfs_node *vfs_root(struct vfs *v);     /* borrowed */
void vfs_node_ref(struct vfs_node *n);
void vfs_node_unref(struct vfs_node *n);
const char *vfs_hostname(struct vfs *v);
void vfs_set_hostname(struct vfs *v, const char *name);  /* for sethostname */
/* The console's termios (for the host to mirror raw mode). */
const struct lx_termios *vfs_tty_termios(struct vfs *v, unsigned *gen);

/* ---- path resolution ---- */

enum {
	VFS_FOLLOW = 1 << 0,     /* follow a symlink in the last component */
	VFS_EXIST = 1 << 1,      /* last must exist (ENOENT); "x/" must be a dir (ENOTDIR) */
	VFS_PARENT = 1 << 2,     /* want the parent: a trailing slash does not force following */
	VFS_EMPTY = 1 << 3,      /* AT_EMPTY_PATH: "" names the start node */
};

enum vfs_last { VFS_LAST_NORM, VFS_LAST_DOT, VFS_LAST_DOTDOT, VFS_LAST_ROOT };

/* What a lookup found. dir and node are referenced (either may be NULL:
 * dir for ".", "..", "/", "" and /proc magic links; node when the last
 * component does not exist). */
struct vfs_path {
	struct vfs_node *dir;
	struct vfs_node *node;
	char name[LX_NAME_MAX + 1];
	enum vfs_last last;
	int slash;               /* the path ended in '/' */
};

/* Resolve `path` for process p, relative paths from `start` (a directory,
 * or with VFS_EMPTY and "" any node). Returns 0 or a negative errno; on
 * error nothing is held. */
int vfs_lookup(rt_proc *p, struct vfs_node *start, const char *path,
	       int flags, struct vfs_path *out);
void vfs_path_put(struct vfs_path *lp);

/* Can p access n for mask (LX_R_OK | LX_W_OK | LX_X_OK)? 0 or -EACCES.
 * real: use the real ids (access(2) without AT_EACCESS). Root passes
 * everything except execute on a non-directory without any x bit. */
int vfs_permission(rt_proc *p, struct vfs_node *n, int mask, int real);

/* Absolute path of a node (malloc'd); NULL if it has none (a removed
 * directory). Deleted files end in " (deleted)". */
char *vfs_node_path(struct vfs_node *n);

/* execve: resolve `path` (relative to p's cwd, following symlinks), check
 * it is a regular file p may execute. *data and *len: its content (valid until
 * the file is next written: copy it at once); *abspath: malloc'd absolute
 * path. 0 or -ENOENT/-ENOTDIR/-EACCES/-ELOOP/-ENAMETOOLONG. */
int vfs_load_file(rt_proc *p, const char *path, const uint8_t **data,
		  size_t *len, char **abspath);
/* The same from `start` with lookup flags (execveat: VFS_EMPTY, no
 * VFS_FOLLOW for AT_SYMLINK_NOFOLLOW, which then fails with ELOOP). */
int vfs_load_file_at(rt_proc *p, struct vfs_node *start, const char *path,
		     int flags, const uint8_t **data, size_t *len, char **abspath);

/* ---- changing the tree (permissions checked here, against p) ---- */

/* Make a node of `mode` (type and permissions, umask already applied) as
 * name in dir. For symlinks `target` is the link text, for devices rdev.
 * Returns the new node (referenced) via *out if out != NULL. */
int vfs_create(rt_proc *p, struct vfs_node *dir, const char *name,
	       uint32_t mode, uint64_t rdev, const char *target,
	       struct vfs_node **out);
/* A node linked nowhere (pipes, memfd, O_TMPFILE), referenced. */
struct vfs_node *vfs_node_new_anon(struct vfs *v, uint32_t mode, rt_proc *p);
int vfs_link(rt_proc *p, struct vfs_node *node, struct vfs_node *dir,
	     const char *name);
/* unlink (rmdir = 0) or rmdir (rmdir = 1) of name in dir. */
int vfs_unlink(rt_proc *p, struct vfs_node *dir, const char *name, int rmdir);
/* renameat2 on resolved parents; flags LX_RENAME_NOREPLACE/EXCHANGE. */
int vfs_rename(rt_proc *p, struct vfs_node *odir, const char *oname,
	       struct vfs_node *ndir, const char *nname, unsigned flags);
/* Look up one name in a directory (no permission check, no symlinks).
 * Borrowed pointer, or NULL. Not for /proc. */
struct vfs_node *vfs_child(struct vfs_node *dir, const char *name);

/* Link text of a symlink (malloc'd) or -EINVAL. */
int vfs_readlink(rt_proc *p, struct vfs_node *n, char **out);

/* ---- regular file content ---- */
long vfs_node_read(struct vfs_node *n, void *buf, size_t len, uint64_t off);
long vfs_node_write(rt_proc *p, struct vfs_node *n, const void *buf,
		    size_t len, uint64_t off);
int vfs_node_truncate(rt_proc *p, struct vfs_node *n, uint64_t size);

/* File mappings hold a copy of the file in guest memory (sys_mem.c). For a
 * node that some VMA maps (mmaps > 0) the functions above call these hooks:
 * flush before [off, off+len) is read (stores made through shared mappings
 * reach the node), changed after [off, off+len) was written or the size
 * changed from old_size (the mappings see it). Set by sys_mem.c before the
 * first mapping of a file. */
struct vfs_map_hooks {
	void (*flush)(struct vfs_node *n, uint64_t off, uint64_t len);
	void (*changed)(struct vfs_node *n, uint64_t off, uint64_t len,
			uint64_t old_size);
};
extern const struct vfs_map_hooks *vfs_map_hooks;
/* For those hooks: read and write without calling them. vfs_node_copy
 * reads like vfs_node_read; vfs_node_store writes within the current size
 * and changes no time stamp (a write-back, not a write). 0 or -errno. */
long vfs_node_copy(struct vfs_node *n, void *buf, size_t len, uint64_t off);
int vfs_node_store(struct vfs_node *n, const void *buf, size_t len, uint64_t off);
/* Largest file size (and offset) the VFS accepts: EFBIG beyond. */
#define VFS_MAX_FILE_SIZE (1ULL << 40)

/* ---- metadata ---- */
void vfs_stat(struct vfs_node *n, struct lx_stat *st);
int64_t vfs_now(rt_proc *p);            /* realtime ns */
/* sec + nsec as ns since the epoch, saturating (node times are int64 ns:
 * the years 1678 to 2262). */
static inline int64_t vfs_ns(int64_t sec, int64_t nsec)
{
	if (sec > INT64_MAX / 1000000000 - 1)
		return INT64_MAX;
	if (sec < INT64_MIN / 1000000000 + 1)
		return INT64_MIN;
	return sec * 1000000000 + nsec;
}
void vfs_touch(rt_proc *p, struct vfs_node *n, int mtime); /* ctime (+mtime) */

/* ---- directories ---- */
struct vfs_dirent {
	uint64_t ino;
	uint8_t type;            /* LX_DT_* */
	uint64_t next;           /* position after this entry (its d_off) */
	char name[LX_NAME_MAX + 1];
};
/* The entry at or after position *pos ("." is 0, ".." is 1); 1 if one was
 * found, 0 at the end, negative errno (a removed directory: -ENOENT). */
int vfs_dir_next(rt_proc *p, struct vfs_node *dir, uint64_t pos,
		 struct vfs_dirent *ent);
int vfs_dir_empty(struct vfs_node *dir);
uint8_t vfs_dtype(uint32_t mode);

/* ---- internal, shared by vfs*.c ---- */
struct vfs_node *vfs_node_alloc(struct vfs *v, uint32_t mode);
int vfs_dentry_add(struct vfs_node *dir, const char *name, struct vfs_node *n);
void vfs_dentry_del(struct vfs_node *dir, const char *name);
void vfs_subtree_remove(struct vfs_node *dir, const char *name);
int vfs_mkpath(struct vfs *v, const char *path, struct vfs_node **out);

/* vfs_tar.c */
int vfs_tar_load(struct vfs *v, const uint8_t *tar, size_t len,
		 const char *tarname, char *err, size_t errcap);

/* vfs_dev.c */
void vfs_dev_populate(struct vfs *v);

/* vfs_proc.c: /proc nodes (node->proc != 0). */
void vfs_proc_populate(struct vfs *v);
struct vfs_node *vfs_proc_lookup(rt_proc *p, struct vfs_node *dir,
				 const char *name);
int vfs_proc_readdir(rt_proc *p, struct vfs_node *dir, uint64_t idx,
		     struct vfs_dirent *ent);
int vfs_proc_readlink(rt_proc *p, struct vfs_node *n, char **out);
/* Magic links (/proc/<pid>/fd/N, cwd): the node they stand for
 * (referenced), NULL if the link is followed as text, or ERR in *err. */
struct vfs_node *vfs_proc_follow(rt_proc *p, struct vfs_node *n, int *err);
/* A write to a /proc file: hostname sets it, comm is accepted, others EIO. */
long vfs_proc_write(rt_proc *p, struct vfs_node *n, const void *buf, size_t len);
/* Content of a /proc file, generated at open (malloc'd). */
int vfs_proc_content(rt_proc *p, struct vfs_node *n, char **buf, size_t *len);

#endif
