/* Reading the rootfs tar into the tree: ustar, GNU (long names 'L'/'K',
 * base-256 numbers) and PAX ('x'/'g': path, linkpath, size, mtime, uid,
 * gid). Regular files point into the tar bytes (no copy). Hard links share
 * a node. OCI whiteouts (.wh.NAME, .wh..wh..opq) remove what earlier
 * entries, or earlier layers, put there. Several tars concatenated (each
 * with its end-of-archive blocks) are layers, lower first.
 *
 * Anything corrupt (a bad checksum, a bad number, a size past the end, a
 * malformed PAX record) stops the load with one line naming the tar, the
 * offset and what is wrong. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfs.h"

enum { BLK = 512 };

/* Extended attributes of the next entry (or of all, for 'g'). */
struct tar_ext {
	char *path, *linkpath;
	int has_size, has_mtime, has_uid, has_gid;
	uint64_t size;
	int64_t mtime;   /* ns */
	uint64_t uid, gid;
};

struct tar_state {
	struct vfs *v;
	const uint8_t *tar;
	size_t len;
	const char *tarname;
	char *err;
	size_t errcap;
	size_t off;                /* of the header being read */
	struct tar_ext x, g;       /* per-file and global PAX */
	char *longname, *longlink; /* GNU 'L' and 'K' */
};

static int fail(struct tar_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct tar_state *s, const char *fmt, ...)
{
	if (s->err && s->errcap) {
		int n = snprintf(s->err, s->errcap, "%s: offset %zu: ", s->tarname, s->off);
		if (n >= 0 && (size_t)n < s->errcap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(s->err + n, s->errcap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static void ext_clear(struct tar_ext *x)
{
	free(x->path);
	free(x->linkpath);
	memset(x, 0, sizeof *x);
}

/* A numeric header field: octal (leading spaces allowed, ended by space
 * or NUL), or GNU base-256 when the top bit of the first byte is set. */
static int parse_num(const uint8_t *f, size_t n, int64_t *out)
{
	if (f[0] & 0x80) {
		int neg = f[0] == 0xff;
		uint64_t v = neg ? ~0ULL : (uint64_t)(f[0] & 0x3f);
		for (size_t i = 1; i < n; i++) {
			if (!neg && v >> 55)
				return -1;
			v = (v << 8) | f[i];
		}
		if (!neg && v > INT64_MAX)
			return -1;
		*out = (int64_t)v;
		return 0;
	}
	size_t i = 0;
	while (i < n && f[i] == ' ')
		i++;
	uint64_t v = 0;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != 0)
			return -1;
	*out = (int64_t)v;
	return 0;
}

static int checksum_ok(const uint8_t *h)
{
	int64_t want;
	if (parse_num(h + 148, 8, &want) < 0)
		return 0;
	uint64_t us = 0;
	int64_t ss = 0;
	for (int i = 0; i < BLK; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];
		us += c;
		ss += (int8_t)c;
	}
	return (int64_t)us == want || ss == want;
}

static int is_zero_block(const uint8_t *h)
{
	for (int i = 0; i < BLK; i++)
		if (h[i])
			return 0;
	return 1;
}

static char *field_str(const uint8_t *f, size_t n)
{
	size_t l = strnlen((const char *)f, n);
	char *s = malloc(l + 1);
	if (s) {
		memcpy(s, f, l);
		s[l] = 0;
	}
	return s;
}

/* "123.456" (seconds, optional fraction, maybe negative) to ns. */
static int parse_pax_time(const char *s, int64_t *out)
{
	int neg = *s == '-';
	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	int64_t sec = 0, ns = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (sec > (INT64_MAX - 9) / 10)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.') {
		s++;
		int64_t scale = 100000000;
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			ns += (*s - '0') * scale;
	}
	if (*s)
		return -1;
	int64_t t = vfs_ns(sec, ns);
	*out = neg ? -t : t;
	return 0;
}

static int parse_pax_uint(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > UINT64_MAX / 10 - 1)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* PAX records: "LEN key=value\n" each. */
static int parse_pax(struct tar_state *s, const uint8_t *d, size_t n,
		     struct tar_ext *x)
{
	size_t i = 0;
	while (i < n) {
		if (d[i] == 0)
			break; /* NUL padding */
		size_t len = 0, j = i;
		while (j < n && d[j] >= '0' && d[j] <= '9') {
			len = len * 10 + (size_t)(d[j] - '0');
			if (len > n)
				return fail(s, "malformed PAX record (length)");
			j++;
		}
		if (j == i || j >= n || d[j] != ' ' || len <= j - i + 1 || len > n - i ||
		    d[i + len - 1] != '\n')
			return fail(s, "malformed PAX record");
		const char *kv = (const char *)d + j + 1;
		size_t kvlen = i + len - 1 - (j + 1);
		const char *eq = memchr(kv, '=', kvlen);
		if (!eq)
			return fail(s, "malformed PAX record (no '=')");
		size_t klen = (size_t)(eq - kv), vlen = kvlen - klen - 1;
		char *val = malloc(vlen + 1);
		if (!val)
			return fail(s, "out of memory");
		memcpy(val, eq + 1, vlen);
		val[vlen] = 0;
		int bad = 0;
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(kv, k, klen))
		if (KEY("path")) {
			free(x->path);
			x->path = vlen ? val : NULL;
			if (vlen)
				val = NULL;
		} else if (KEY("linkpath")) {
			free(x->linkpath);
			x->linkpath = vlen ? val : NULL;
			if (vlen)
				val = NULL;
		} else if (KEY("size")) {
			x->has_size = vlen > 0;
			bad = vlen && parse_pax_uint(val, &x->size) < 0;
		} else if (KEY("mtime")) {
			x->has_mtime = vlen > 0;
			bad = vlen && parse_pax_time(val, &x->mtime) < 0;
		} else if (KEY("uid")) {
			x->has_uid = vlen > 0;
			bad = vlen && parse_pax_uint(val, &x->uid) < 0;
		} else if (KEY("gid")) {
			x->has_gid = vlen > 0;
			bad = vlen && parse_pax_uint(val, &x->gid) < 0;
		} else if (klen > 11 && !memcmp(kv, "GNU.sparse.", 11)) {
			free(val);
			return fail(s, "GNU sparse files are not supported");
		}
#undef KEY
		if (bad) {
			int r = fail(s, "bad PAX value '%s'", val);
			free(val);
			return r;
		}
		free(val);
		i += len;
	}
	return 0;
}

/* Normalise an entry path into out: no leading "/" or "./", no "." or
 * empty components; ".." is refused. "" is the root. */
static int norm_path(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t l = (size_t)(e - p);
		if (l == 0)
			break;
		if (l == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (l == 2 && p[0] == '.' && p[1] == '.')
			return -LX_EINVAL;
		if (l > LX_NAME_MAX)
			return -LX_ENAMETOOLONG;
		if (o + l + 2 > cap)
			return -LX_ENAMETOOLONG;
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, l);
		o += l;
		p = e;
	}
	out[o] = 0;
	return 0;
}

/* Split "a/b/c" into parent "a/b" (in place) and base "c". */
static const char *split(char *path)
{
	char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	return slash + 1;
}

static struct vfs_node *find(struct vfs *v, const char *path, int follow)
{
	struct vfs_path lp;
	if (!path[0])
		return v->root;
	if (vfs_lookup(NULL, v->root, path, (follow ? VFS_FOLLOW : 0) | VFS_EXIST, &lp) < 0)
		return NULL;
	struct vfs_node *n = lp.node;
	vfs_path_put(&lp); /* still linked in the tree */
	return n && n->links ? n : NULL;
}

static void whiteout(struct tar_state *s, const char *dirpath, const char *base)
{
	struct vfs_node *dir = find(s->v, dirpath, 1);
	if (!dir || !LX_S_ISTYPE(dir->mode, LX_S_IFDIR))
		return;
	if (!strcmp(base, ".wh..wh..opq")) {
		/* opaque: hide everything the lower layers put here */
		for (size_t i = dir->nents; i-- > 0;) {
			if (i >= dir->nents)
				continue;
			struct vfs_dentry *d = dir->ents[i];
			if (d->node->layer < s->v->layer) {
				char *name = strdup(d->name);
				if (name) {
					vfs_subtree_remove(dir, name);
					free(name);
				}
			}
		}
		return;
	}
	if (!strncmp(base, ".wh..wh.", 8))
		return; /* other aufs metadata */
	vfs_subtree_remove(dir, base + 4);
}

struct tar_entry {
	char type;
	uint32_t mode;
	uint64_t uid, gid;
	int64_t mtime;
	uint64_t size;
	const uint8_t *data;
	uint64_t rdev;
	const char *link;
};

static int add_entry(struct tar_state *s, char *path, const struct tar_entry *e)
{
	struct vfs *v = s->v;
	struct vfs_node *dir, *n;
	uint32_t perm = e->mode & LX_S_IALLUGO;
	char *pathcopy = strdup(path);
	if (!pathcopy)
		return fail(s, "out of memory");
	const char *base = split(path);
	const char *dirpath = base ? path : "";
	if (!base)
		base = path;

	if (!strncmp(base, ".wh.", 4)) {
		whiteout(s, dirpath, base);
		free(pathcopy);
		return 0;
	}
	if (!base[0]) { /* the root itself */
		if (e->type == '5') {
			v->root->mode = LX_S_IFDIR | perm;
			v->root->uid = (uint32_t)e->uid;
			v->root->gid = (uint32_t)e->gid;
			v->root->atime = v->root->mtime = v->root->ctime = e->mtime;
		}
		free(pathcopy);
		return 0;
	}
	if (vfs_mkpath(v, dirpath, &dir) < 0) {
		int r = fail(s, "entry '%s': cannot make its parent directory", pathcopy);
		free(pathcopy);
		return r;
	}
	struct vfs_node *old = vfs_child(dir, base);
	if (e->type == '5' && old && LX_S_ISTYPE(old->mode, LX_S_IFDIR)) {
		n = old;
		n->mode = LX_S_IFDIR | perm;
		goto attrs;
	}
	if (e->type == '1') {
		char tpath[LX_PATH_MAX];
		struct vfs_node *target = NULL;
		if (norm_path(e->link, tpath, sizeof tpath) == 0)
			target = find(v, tpath, 0);
		if (!target || LX_S_ISTYPE(target->mode, LX_S_IFDIR)) {
			int r = fail(s, "hard link '%s' to missing '%s'", pathcopy, e->link);
			free(pathcopy);
			return r;
		}
		if (target == old) {
			free(pathcopy);
			return 0;
		}
		/* the target may live under what is replaced: keep it alive */
		vfs_node_ref(target);
		if (old)
			vfs_subtree_remove(dir, base);
		int r = vfs_dentry_add(dir, base, target);
		vfs_node_unref(target);
		free(pathcopy);
		return r < 0 ? fail(s, "out of memory") : 0;
	}
	if (old)
		vfs_subtree_remove(dir, base);
	uint32_t type;
	switch (e->type) {
	case '2': type = LX_S_IFLNK; perm = 0777; break;
	case '3': type = LX_S_IFCHR; break;
	case '4': type = LX_S_IFBLK; break;
	case '5': type = LX_S_IFDIR; break;
	case '6': type = LX_S_IFIFO; break;
	default: type = LX_S_IFREG; break;
	}
	n = vfs_node_alloc(v, type | perm);
	if (!n || vfs_dentry_add(dir, base, n) < 0) {
		free(pathcopy);
		return fail(s, "out of memory");
	}
	if (type == LX_S_IFLNK) {
		n->target = strdup(e->link);
		if (!n->target) {
			free(pathcopy);
			return fail(s, "out of memory");
		}
		n->size = strlen(e->link);
	} else if (type == LX_S_IFREG) {
		n->data = e->data;
		n->have = (size_t)e->size;
		n->size = e->size;
	} else if (type == LX_S_IFCHR || type == LX_S_IFBLK) {
		n->rdev = e->rdev;
	}
attrs:
	n->mode = (n->mode & LX_S_IFMT) | perm;
	n->uid = (uint32_t)e->uid;
	n->gid = (uint32_t)e->gid;
	n->atime = n->mtime = n->ctime = e->mtime;
	free(pathcopy);
	return 0;
}

int vfs_tar_load(struct vfs *v, const uint8_t *tar, size_t len,
		 const char *tarname, char *err, size_t errcap)
{
	struct tar_state s = { .v = v, .tar = tar, .len = len, .tarname = tarname,
			       .err = err, .errcap = errcap };
	int zeros = 0, r = 0;
	char *path = malloc(2 * LX_PATH_MAX);
	if (!path)
		return -1;
	while (s.off < len) {
		const uint8_t *h = tar + s.off;
		if (len - s.off < BLK) {
			r = fail(&s, "truncated header (%zu bytes left)", len - s.off);
			break;
		}
		if (is_zero_block(h)) {
			zeros++;
			s.off += BLK;
			continue;
		}
		if (zeros >= 2)
			v->layer++; /* a tar after the previous one's end: next layer */
		zeros = 0;
		if (!checksum_ok(h)) {
			r = fail(&s, "bad header checksum (not a tar, or corrupt)");
			break;
		}
		int64_t size, mode, uid, gid, mtime, dmaj, dmin;
		if (parse_num(h + 124, 12, &size) < 0 || size < 0) {
			r = fail(&s, "bad size field");
			break;
		}
		if (parse_num(h + 100, 8, &mode) < 0 || parse_num(h + 108, 8, &uid) < 0 ||
		    parse_num(h + 116, 8, &gid) < 0 || parse_num(h + 136, 12, &mtime) < 0 ||
		    parse_num(h + 329, 8, &dmaj) < 0 || parse_num(h + 337, 8, &dmin) < 0) {
			r = fail(&s, "bad octal number in header");
			break;
		}
		char type = (char)h[156];
		uint64_t usize = (uint64_t)size;
		if (s.x.has_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
			usize = s.x.size;
		size_t data = s.off + BLK;
		if (usize > len - data) {
			char *nm = field_str(h, 100);
			r = fail(&s, "entry '%s': size %llu runs past the end of the tar (%zu bytes)",
				 nm ? nm : "?", (unsigned long long)usize, len);
			free(nm);
			break;
		}
		size_t padded = (size_t)((usize + BLK - 1) / BLK * BLK);
		size_t next = padded <= len - data ? data + padded : len;
		const uint8_t *d = tar + data;

		switch (type) {
		case 'L':
		case 'K': {
			char *str = field_str(d, (size_t)usize);
			if (!str) {
				r = fail(&s, "out of memory");
				break;
			}
			char **slot = type == 'L' ? &s.longname : &s.longlink;
			free(*slot);
			*slot = str;
			break;
		}
		case 'x':
			r = parse_pax(&s, d, (size_t)usize, &s.x);
			break;
		case 'g':
			r = parse_pax(&s, d, (size_t)usize, &s.g);
			break;
		case 'V':
		case 'N':
		case 'M':
			break;
		case 'S':
			r = fail(&s, "GNU sparse files are not supported");
			break;
		default: {
			/* the entry's name: GNU long name, PAX path, or ustar prefix/name */
			const char *name;
			char *hname = NULL;
			if (s.longname)
				name = s.longname;
			else if (s.x.path)
				name = s.x.path;
			else if (s.g.path)
				name = s.g.path;
			else {
				hname = malloc(257);
				if (!hname) {
					r = fail(&s, "out of memory");
					break;
				}
				size_t nl = strnlen((const char *)h, 100), pl = 0;
				if (!memcmp(h + 257, "ustar\0", 6))
					pl = strnlen((const char *)h + 345, 155);
				if (pl) {
					memcpy(hname, h + 345, pl);
					hname[pl++] = '/';
				}
				memcpy(hname + pl, h, nl);
				hname[pl + nl] = 0;
				name = hname;
			}
			char *lhname = NULL;
			const char *link = s.longlink ? s.longlink : s.x.linkpath ? s.x.linkpath :
					   s.g.linkpath;
			if (!link) {
				lhname = field_str(h + 157, 100);
				link = lhname ? lhname : "";
			}
			struct tar_entry e = {
				.type = type,
				.mode = (uint32_t)mode,
				.uid = s.x.has_uid ? s.x.uid : s.g.has_uid ? s.g.uid : (uint64_t)uid,
				.gid = s.x.has_gid ? s.x.gid : s.g.has_gid ? s.g.gid : (uint64_t)gid,
				.mtime = s.x.has_mtime ? s.x.mtime : s.g.has_mtime ? s.g.mtime :
					 vfs_ns(mtime, 0),
				.size = usize,
				.data = d,
				.rdev = lx_makedev((uint32_t)dmaj, (uint32_t)dmin),
				.link = link,
			};
			size_t nlen = strlen(name);
			if ((type == '0' || type == 0) && nlen && name[nlen - 1] == '/')
				e.type = '5'; /* old tars mark directories by a slash */
			int nr = norm_path(name, path, 2 * LX_PATH_MAX);
			if (nr == -LX_EINVAL)
				r = fail(&s, "entry '%s' leaves the root (..)", name);
			else if (nr < 0)
				r = fail(&s, "entry name too long: '%.64s...'", name);
			else {
				if (e.mtime > v->load_time)
					v->load_time = e.mtime;
				r = add_entry(&s, path, &e);
			}
			free(hname);
			free(lhname);
			free(s.longname);
			free(s.longlink);
			s.longname = s.longlink = NULL;
			ext_clear(&s.x);
			break;
		}
		}
		if (r < 0)
			break;
		s.off = next;
	}
	free(path);
	free(s.longname);
	free(s.longlink);
	ext_clear(&s.x);
	ext_clear(&s.g);
	return r < 0 ? -1 : 0;
}
