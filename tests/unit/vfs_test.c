/* Unit tests of the VFS, descriptors and file syscalls. Tars are built in
 * memory; the syscalls run against a fake runtime (one process, one
 * thread) whose guest memory is a calloc'd arena with two VMAs, through
 * local stand-ins for mem.c and rt.c. Ends with two deterministic fuzz
 * passes (mutated tars, random syscalls with hostile arguments).
 *
 * Native, with sanitizers:
 *   gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
 *       -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude \
 *       -Iruntime tests/unit/vfs_test.c runtime/vfs.c runtime/vfs_tar.c \
 *       runtime/vfs_dev.c runtime/vfs_proc.c runtime/fd.c runtime/sys_fs.c \
 *       runtime/sys_poll.c -o vfs_test && ./vfs_test
 * As wasm32 (32-bit size_t and long), same sources:
 *   emcc ... -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=node -sSINGLE_FILE=1 \
 *       -o vfs_test.js && node vfs_test.js */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "syscall.h"
#include "linux_abi.h"
#include "vfs.h"
#include "fd.h"
#include "tty.h"

/* ---- checking ---- */

static int passed, failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (cond)                                                        \
			passed++;                                                \
		else {                                                           \
			failed++;                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
		}                                                                \
	} while (0)

#define EQ(a, b)                                                                 \
	do {                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);              \
		if (a_ == b_)                                                    \
			passed++;                                                \
		else {                                                           \
			failed++;                                                \
			fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n",    \
				__FILE__, __LINE__, #a, a_, b_);                 \
		}                                                                \
	} while (0)

#define STREQ(a, b)                                                              \
	do {                                                                     \
		const char *a_ = (a), *b_ = (b);                                 \
		if (a_ && b_ && !strcmp(a_, b_))                                 \
			passed++;                                                \
		else {                                                           \
			failed++;                                                \
			fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #a, a_ ? a_ : "(null)",      \
				b_ ? b_ : "(null)");                             \
		}                                                                \
	} while (0)

/* ---- guest memory: stand-ins for mem.c ---- */

#define ARENA (16u << 20)
#define RW_END 0x800000u   /* [MEM_LOW, RW_END) read-write */
#define RO_END 0x900000u   /* [RW_END, RO_END) read-only; above: unmapped */

static rv_mem gmem;
static mem_vma gvma[2];
static uint64_t scratch;

/* No file mappings in these tests: nothing lies past a file's end. */
uint64_t mem_vma_eof(const mem_vma *v)
{
	return v->end;
}

const mem_vma *mem_find(const rv_mem *m, uint64_t g)
{
	for (size_t i = 0; i < m->nvma; i++)
		if (g >= m->vma[i].start && g < m->vma[i].end)
			return &m->vma[i];
	return NULL;
}

uint8_t *mem_check(const rv_mem *m, uint64_t g, uint64_t n, uint32_t prot)
{
	uint64_t at = g, end = g + n;
	if (end < g)
		return NULL;
	while (at < end) {
		const mem_vma *v = mem_find(m, at);
		if (!v || (v->prot & prot) != prot)
			return NULL;
		at = v->end;
	}
	if (n == 0 && !mem_find(m, g))
		return NULL;
	return mem_at(m, g, n);
}

int mem_read(const rv_mem *m, uint64_t g, void *dst, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_R);
	if (!p)
		return -LX_EFAULT;
	memcpy(dst, p, n);
	return 0;
}

int mem_write(rv_mem *m, uint64_t g, const void *src, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_W);
	if (!p)
		return -LX_EFAULT;
	memcpy(p, src, n);
	return 0;
}

long mem_read_str(const rv_mem *m, uint64_t g, char *buf, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		uint8_t *p = mem_check(m, g + i, 1, MEM_R);
		if (!p)
			return -LX_EFAULT;
		buf[i] = (char)*p;
		if (!*p)
			return (long)i;
	}
	return -LX_ENAMETOOLONG;
}

/* interp.c stand-in: records the last flush */
static uint64_t flushed_start, flushed_len;

void interp_flush(rv_mem *m, uint64_t start, uint64_t len)
{
	(void)m;
	flushed_start = start;
	flushed_len = len;
}

static void *H(uint64_t g)
{
	return gmem.base + g;
}

static uint64_t galloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (scratch + n > RW_END - 0x1000)
		scratch = MEM_LOW;
	uint64_t g = scratch;
	scratch += n;
	memset(H(g), 0, n);
	return g;
}

static uint64_t gbytes(const void *p, size_t n)
{
	uint64_t g = galloc(n ? n : 1);
	memcpy(H(g), p, n);
	return g;
}

static uint64_t gstr(const char *s)
{
	return gbytes(s, strlen(s) + 1);
}

/* ---- the fake runtime ---- */

static struct {
	rt r;
	rt_proc p;
	rt_thread t;
	rt_proc *procs[1];
	rt_thread *threads[1];
} E;

static char hout[3][65536];
static size_t houtlen[3];
static const char *hin;
static size_t hinlen, hinpos;
static int hin_eof;       /* after the input: 0 = EOF, else -EAGAIN */
static int htty;          /* bit per host fd */
static uint64_t mono_now = 1000000000ULL;
static int last_signal;

static long h_read(int fd, void *buf, size_t n)
{
	if (fd != 0)
		return -LX_EBADF;
	if (hinpos >= hinlen)
		return hin_eof ? 0 : -LX_EAGAIN;
	size_t k = hinlen - hinpos < n ? hinlen - hinpos : n;
	memcpy(buf, hin + hinpos, k);
	hinpos += k;
	return (long)k;
}

static long h_write(int fd, const void *buf, size_t n)
{
	if (fd < 0 || fd > 2)
		return -LX_EBADF;
	size_t k = sizeof hout[fd] - houtlen[fd] < n ? sizeof hout[fd] - houtlen[fd] : n;
	memcpy(hout[fd] + houtlen[fd], buf, k);
	houtlen[fd] += k;
	return (long)n;
}

static int h_isatty(int fd)
{
	return (htty >> fd) & 1;
}

static int h_winsize(int fd, uint16_t *rows, uint16_t *cols)
{
	if (!h_isatty(fd))
		return -LX_ENOTTY;
	*rows = 50;
	*cols = 132;
	return 0;
}

static uint64_t h_real(void)
{
	return 1700000000ULL * 1000000000ULL + mono_now;
}

static uint64_t h_mono(void)
{
	return mono_now;
}

static void h_random(void *buf, size_t n)
{
	memset(buf, 0xa5, n);
}

rt_thread *rt_current(rt *r)
{
	return r->nthreads ? r->threads[r->current] : NULL;
}

void rt_signal_thread(rt_thread *t, int sig)
{
	(void)t;
	last_signal = sig;
}

int rt_signal_proc_info(rt_proc *p, int sig, const rt_siginfo *info)
{
	(void)p;
	(void)info;
	last_signal = sig;
	return 0;
}

static void env_init_tar(const uint8_t *tar, size_t len)
{
	char err[256];
	memset(&E, 0, sizeof E);
	E.r.host.read = h_read;
	E.r.host.write = h_write;
	E.r.host.isatty = h_isatty;
	E.r.host.winsize = h_winsize;
	E.r.host.realtime_ns = h_real;
	E.r.host.monotonic_ns = h_mono;
	E.r.host.random = h_random;
	E.r.opt.arena_size = ARENA;
	E.r.vfs = vfs_new(tar, len, "test.tar", err, sizeof err);
	if (!E.r.vfs) {
		fprintf(stderr, "vfs_new: %s\n", err);
		exit(2);
	}
	E.r.boot_realtime_ns = h_real() - 5000000000ULL;
	E.procs[0] = &E.p;
	E.threads[0] = &E.t;
	E.r.procs = E.procs;
	E.r.nprocs = E.r.pcap = 1;
	E.r.threads = E.threads;
	E.r.nthreads = E.r.cap = 1;
	E.r.next_pid = 2;
	E.p.pid = E.p.pgid = E.p.sid = 1;
	E.p.rt = &E.r;
	E.p.mem = &gmem;
	E.p.umask = 022;
	E.p.cwd = vfs_root(E.r.vfs);
	vfs_node_ref(E.p.cwd);
	E.p.exe = strdup("/bin/sh");
	E.p.start_ns = mono_now;
	E.p.fds = fd_table_new_stdio(&E.r);
	E.t.proc = &E.p;
	E.t.tid = 1;
	scratch = MEM_LOW;
	memset(houtlen, 0, sizeof houtlen);
	hin = NULL;
	hinlen = hinpos = 0;
	hin_eof = 0;
	last_signal = 0;
}

static void env_init(void)
{
	env_init_tar(NULL, 0);
}

/* Everything released: no node may still be referenced. */
static void env_fini(void)
{
	fd_table_unref(E.p.fds);
	vfs_node_unref(E.p.cwd);
	free(E.p.exe);
	int leaked = 0;
	for (struct vfs_node *n = E.r.vfs->all; n; n = n->all_next)
		if (n->refs != (n == E.r.vfs->pts0)) {
			leaked++;
			fprintf(stderr, "node ino %llu (%s) has %d refs\n",
				(unsigned long long)n->ino, n->name ? n->name : "?", n->refs);
		}
	EQ(leaked, 0);
	vfs_free(E.r.vfs);
}

/* ---- syscall wrappers ---- */

#define SYS(name, ...) sys_##name(&E.t, (const uint64_t[6]){ __VA_ARGS__ })
#define CWD ((uint64_t)(int64_t)LX_AT_FDCWD)

static long xopen(const char *path, uint32_t flags, uint32_t mode)
{
	return SYS(openat, CWD, gstr(path), flags, mode);
}

static long xwrite(long fd, const char *s)
{
	size_t n = strlen(s);
	return SYS(write, (uint64_t)fd, gbytes(s, n), n);
}

/* Read into a NUL-terminated host string. */
static long xread(long fd, char *out, size_t cap)
{
	uint64_t g = galloc(cap);
	long r = SYS(read, (uint64_t)fd, g, cap - 1);
	out[0] = 0;
	if (r > 0) {
		memcpy(out, H(g), (size_t)r);
		out[r] = 0;
	}
	return r;
}

static long xstat(const char *path, struct lx_stat *st, uint32_t flags)
{
	uint64_t g = galloc(sizeof *st);
	long r = SYS(newfstatat, CWD, gstr(path), g, flags);
	memcpy(st, H(g), sizeof *st);
	return r;
}

static long xfstat(long fd, struct lx_stat *st)
{
	uint64_t g = galloc(sizeof *st);
	long r = SYS(fstat, (uint64_t)fd, g);
	memcpy(st, H(g), sizeof *st);
	return r;
}

static long xclose(long fd)
{
	return SYS(close, (uint64_t)fd);
}

static long xmkdir(const char *p, uint32_t mode)
{
	return SYS(mkdirat, CWD, gstr(p), mode);
}

static long xunlink(const char *p, uint32_t flags)
{
	return SYS(unlinkat, CWD, gstr(p), flags);
}

static long xsymlink(const char *target, const char *p)
{
	return SYS(symlinkat, gstr(target), CWD, gstr(p));
}

static long xrename(const char *a, const char *b, uint32_t flags)
{
	return SYS(renameat2, CWD, gstr(a), CWD, gstr(b), flags);
}

static long xreadlink(const char *p, char *out, size_t cap)
{
	uint64_t g = galloc(cap);
	long r = SYS(readlinkat, CWD, gstr(p), g, cap - 1);
	out[0] = 0;
	if (r > 0) {
		memcpy(out, H(g), (size_t)r);
		out[r] = 0;
	}
	return r;
}

/* Whole content of a file, malloc'd (NULL on error). */
static char *slurp(const char *path)
{
	long fd = xopen(path, LX_O_RDONLY, 0);
	if (fd < 0)
		return NULL;
	size_t len = 0, cap = 1 << 16;
	char *s = malloc(cap + 1);
	for (;;) {
		uint64_t g = galloc(4096);
		long r = SYS(read, (uint64_t)fd, g, 4096);
		if (r <= 0)
			break;
		if (len + (size_t)r > cap)
			break;
		memcpy(s + len, H(g), (size_t)r);
		len += (size_t)r;
	}
	s[len] = 0;
	xclose(fd);
	return s;
}

static void write_file(const char *path, const char *content)
{
	long fd = xopen(path, LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC, 0644);
	CHECK(fd >= 0);
	EQ(xwrite(fd, content), (long)strlen(content));
	xclose(fd);
}

/* ---- building tars ---- */

struct tb {
	uint8_t *b;
	size_t len, cap;
};

static void tb_raw(struct tb *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2 + 4096;
		t->b = realloc(t->b, t->cap);
	}
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void tb_pad(struct tb *t)
{
	static const uint8_t z[512];
	if (t->len % 512)
		tb_raw(t, z, 512 - t->len % 512);
}

static void tb_hdr_ex(struct tb *t, const char *name, char type, unsigned mode,
		      const char *link, size_t size, unsigned uid, unsigned gid,
		      long mtime, const char *prefix, unsigned dmaj, unsigned dmin)
{
	uint8_t h[512];
	memset(h, 0, sizeof h);
	strncpy((char *)h, name, 100);
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", uid);
	snprintf((char *)h + 116, 8, "%07o", gid);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011lo", mtime);
	h[156] = (uint8_t)type;
	if (link)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar\0" "00", 8);
	strcpy((char *)h + 265, "root");
	strcpy((char *)h + 297, "root");
	snprintf((char *)h + 329, 8, "%07o", dmaj);
	snprintf((char *)h + 337, 8, "%07o", dmin);
	if (prefix)
		strncpy((char *)h + 345, prefix, 155);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	tb_raw(t, h, 512);
}

static void tb_hdr(struct tb *t, const char *name, char type, unsigned mode,
		   const char *link, size_t size)
{
	tb_hdr_ex(t, name, type, mode, link, size, 0, 0, 1600000000L, NULL, 0, 0);
}

static void tb_file(struct tb *t, const char *name, const char *content)
{
	tb_hdr(t, name, '0', 0644, NULL, strlen(content));
	tb_raw(t, content, strlen(content));
	tb_pad(t);
}

static void tb_dir(struct tb *t, const char *name)
{
	tb_hdr(t, name, '5', 0755, NULL, 0);
}

static void tb_sym(struct tb *t, const char *name, const char *target)
{
	tb_hdr(t, name, '2', 0777, target, 0);
}

static void tb_link(struct tb *t, const char *name, const char *target)
{
	tb_hdr(t, name, '1', 0644, target, 0);
}

static void tb_gnu_long(struct tb *t, char type, const char *s)
{
	tb_hdr(t, "././@LongLink", type, 0644, NULL, strlen(s) + 1);
	tb_raw(t, s, strlen(s) + 1);
	tb_pad(t);
}

/* One PAX header with key=value pairs (NULL-terminated list). */
static void tb_pax(struct tb *t, int type, ...)
{
	char data[8192];
	size_t len = 0;
	va_list ap;
	va_start(ap, type);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		size_t body = strlen(k) + strlen(v) + 3; /* ' ' '=' '\n' */
		size_t n = body + 1;
		while (n != body + (size_t)snprintf(NULL, 0, "%zu", n))
			n = body + (size_t)snprintf(NULL, 0, "%zu", n);
		len += (size_t)snprintf(data + len, sizeof data - len, "%zu %s=%s\n", n, k, v);
	}
	va_end(ap);
	tb_hdr(t, "PaxHeaders/x", (char)type, 0644, NULL, len);
	tb_raw(t, data, len);
	tb_pad(t);
}

static void tb_end(struct tb *t)
{
	static const uint8_t z[1024];
	tb_raw(t, z, sizeof z);
}

/* ---- tests: the tar ---- */

static void test_tar_basic(void)
{
	struct tb t = { 0 };
	tb_dir(&t, "etc/");
	tb_file(&t, "etc/hostname", "box\n");
	tb_hdr_ex(&t, "usr/bin/tool", '0', 04755, NULL, 5, 1000, 100, 1234567890L, NULL, 0, 0);
	tb_raw(&t, "tool!", 5);
	tb_pad(&t);
	tb_hdr_ex(&t, "name", '0', 0600, NULL, 3, 0, 0, 1L, "deep/prefix/dir", 0, 0);
	tb_raw(&t, "pfx", 3);
	tb_pad(&t);
	tb_hdr_ex(&t, "dev/ignored", '3', 0600, NULL, 0, 0, 0, 1L, NULL, 4, 1);
	tb_hdr_ex(&t, "var/chr", '3', 0600, NULL, 0, 0, 0, 1L, NULL, 4, 1);
	tb_hdr(&t, "var/fifo", '6', 0644, NULL, 0);
	tb_hdr(&t, "./", '5', 0700, NULL, 0);
	tb_end(&t);
	env_init_tar(t.b, t.len);

	char *s = slurp("/etc/hostname");
	STREQ(s, "box\n");
	free(s);
	struct lx_stat st;
	EQ(xstat("/usr/bin/tool", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 04755);
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 100);
	EQ(st.st_size, 5);
	EQ(st.st_mtime_sec, 1234567890L);
	EQ(st.st_nlink, 1);
	EQ(st.st_blksize, 4096);
	/* parents missing from the tar are made 0755 */
	EQ(xstat("/usr/bin", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 0755);
	/* ustar prefix */
	s = slurp("/deep/prefix/dir/name");
	STREQ(s, "pfx");
	free(s);
	EQ(xstat("/var/chr", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFCHR | 0600);
	EQ(lx_major(st.st_rdev), 4);
	EQ(lx_minor(st.st_rdev), 1);
	EQ(xstat("/var/fifo", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
	/* the root entry sets the root's mode */
	EQ(xstat("/", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 0700);
	/* /dev is replaced by a fresh one; /proc and /tmp always exist */
	EQ(xstat("/dev/ignored", &st, 0), -LX_ENOENT);
	EQ(xstat("/dev/null", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFCHR | 0666);
	EQ(st.st_rdev, lx_makedev(1, 3));
	EQ(xstat("/tmp", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 01777);
	EQ(xstat("/proc", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(xstat("/dev/shm", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 01777);
	/* zero copy: the content points into the tar */
	struct vfs_path lp;
	EQ(vfs_lookup(&E.p, vfs_root(E.r.vfs), "/etc/hostname", VFS_EXIST, &lp), 0);
	CHECK(lp.node->data >= t.b && lp.node->data < t.b + t.len);
	CHECK(lp.node->buf == NULL);
	vfs_path_put(&lp);
	env_fini();
	free(t.b);
}

static void test_tar_long_names_pax(void)
{
	char longname[300], longdir[200], longlink[300];
	memset(longdir, 'd', 150);
	longdir[150] = 0;
	snprintf(longname, sizeof longname, "%s/%s", longdir,
		 "a-very-long-file-name-that-is-long-enough-to-need-an-extension-header.txt");
	memset(longlink, 'l', 200);
	longlink[200] = 0;

	struct tb t = { 0 };
	tb_gnu_long(&t, 'L', longname);
	tb_file(&t, "truncated-name-ignored", "gnu long");
	tb_gnu_long(&t, 'K', longlink);
	tb_gnu_long(&t, 'L', "gnu/linkname");
	tb_sym(&t, "ignored", "ignored-target");
	tb_pax(&t, 'x', "path", "pax/with space/file", "mtime", "1700000000.5",
	       "uid", "4242", "gid", "77", NULL);
	tb_file(&t, "ignored2", "pax!");
	tb_pax(&t, 'x', "linkpath", "../pax/with space/file", "path", "pax/link", NULL);
	tb_sym(&t, "ignored3", "x");
	/* PAX size overrides the header's size */
	tb_pax(&t, 'x', "size", "6", NULL);
	tb_hdr(&t, "pax/sized", '0', 0644, NULL, 0);
	tb_raw(&t, "sized!", 6);
	tb_pad(&t);
	/* a global header applies to what follows */
	tb_pax(&t, 'g', "uid", "5", NULL);
	tb_file(&t, "g/file", "g");
	tb_end(&t);
	env_init_tar(t.b, t.len);

	char path[400];
	snprintf(path, sizeof path, "/%s", longname);
	char *s = slurp(path);
	STREQ(s, "gnu long");
	free(s);
	char buf[512];
	EQ(xreadlink("/gnu/linkname", buf, sizeof buf), 200);
	STREQ(buf, longlink);
	struct lx_stat st;
	EQ(xstat("/pax/with space/file", &st, 0), 0);
	EQ(st.st_uid, 4242);
	EQ(st.st_gid, 77);
	EQ(st.st_mtime_sec, 1700000000L);
	EQ(st.st_mtime_nsec, 500000000L);
	s = slurp("/pax/link");
	STREQ(s, "pax!");
	free(s);
	s = slurp("/pax/sized");
	STREQ(s, "sized!");
	free(s);
	EQ(xstat("/g/file", &st, 0), 0);
	EQ(st.st_uid, 5);
	EQ(xstat("/truncated-name-ignored", &st, 0), -LX_ENOENT);
	env_fini();
	free(t.b);
}

static void test_tar_hardlinks(void)
{
	struct tb t = { 0 };
	tb_file(&t, "a/orig", "shared");
	tb_link(&t, "b/link", "a/orig");
	tb_link(&t, "b/link2", "./a/orig");
	tb_end(&t);
	env_init_tar(t.b, t.len);
	struct lx_stat s1, s2;
	EQ(xstat("/a/orig", &s1, 0), 0);
	EQ(xstat("/b/link", &s2, 0), 0);
	EQ(s1.st_ino, s2.st_ino);
	EQ(s1.st_nlink, 3);
	/* a write through one name shows through the other */
	long fd = xopen("/b/link", LX_O_WRONLY, 0);
	CHECK(fd >= 0);
	EQ(xwrite(fd, "SH"), 2);
	xclose(fd);
	char *s = slurp("/a/orig");
	STREQ(s, "SHared");
	free(s);
	/* the tar itself is never written */
	CHECK(memmem(t.b, t.len, "shared", 6) != NULL);
	EQ(xunlink("/a/orig", 0), 0);
	EQ(xstat("/b/link2", &s2, 0), 0);
	EQ(s2.st_nlink, 2);
	env_fini();
	free(t.b);
}

static void test_tar_odd_entries(void)
{
	struct tb t = { 0 };
	tb_dir(&t, "usr/lib/");
	tb_sym(&t, "lib", "usr/lib");
	tb_file(&t, "lib/libc.so", "libc");          /* through the symlink */
	tb_file(&t, "dup", "first");
	tb_file(&t, "dup", "second");                /* later entries win */
	tb_file(&t, "was/file", "f");
	tb_dir(&t, "was/file/");                     /* a dir replaces a file */
	tb_file(&t, "was/file/inner", "i");
	tb_hdr(&t, "oldstyle/", '0', 0750, NULL, 0); /* v7: a slash means a dir */
	tb_file(&t, "self/f", "inner");
	tb_link(&t, "self", "self/f");               /* replaces its own parent */
	/* GNU base-256 numbers: mtime and uid */
	tb_hdr_ex(&t, "b256", '0', 0644, NULL, 1, 0, 0, 0, NULL, 0, 0);
	uint8_t *h = t.b + t.len - 512;
	memset(h + 136, 0, 12);
	h[136] = 0x80;
	h[147] = 0x10; /* mtime 16 */
	memset(h + 108, 0, 8);
	h[108] = 0x80;
	h[114] = 0x01;
	h[115] = 0x00; /* uid 256 */
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	tb_raw(&t, "B", 1);
	tb_pad(&t);
	tb_end(&t);
	env_init_tar(t.b, t.len);
	struct lx_stat st;
	char *s = slurp("/usr/lib/libc.so");
	STREQ(s, "libc");
	free(s);
	EQ(xstat("/lib", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFLNK);
	s = slurp("/dup");
	STREQ(s, "second");
	free(s);
	EQ(xstat("/was/file", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(xstat("/was/file/inner", &st, 0), 0);
	EQ(xstat("/oldstyle", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 0750);
	s = slurp("/self");
	STREQ(s, "inner");
	free(s);
	EQ(xstat("/b256", &st, 0), 0);
	EQ(st.st_mtime_sec, 16);
	EQ(st.st_uid, 256);
	/* rm of the console's node leaves the terminal working */
	EQ(xunlink("/dev/pts/0", 0), 0);
	env_fini();
	free(t.b);
}

static void test_tar_whiteouts(void)
{
	struct tb t = { 0 };
	tb_file(&t, "etc/keep", "k");
	tb_file(&t, "etc/gone", "g");
	tb_file(&t, "opq/lower1", "1");
	tb_file(&t, "opq/lower2", "2");
	tb_hdr(&t, "etc/.wh.gone", '0', 0644, NULL, 0);
	tb_end(&t);
	/* a second layer, concatenated */
	tb_dir(&t, "opq/");
	tb_hdr(&t, "opq/.wh..wh..opq", '0', 0644, NULL, 0);
	tb_file(&t, "opq/upper", "u");
	tb_hdr(&t, "etc/.wh.keep", '0', 0644, NULL, 0);
	tb_end(&t);
	env_init_tar(t.b, t.len);
	struct lx_stat st;
	EQ(xstat("/etc/gone", &st, 0), -LX_ENOENT);
	EQ(xstat("/etc/keep", &st, 0), -LX_ENOENT);
	EQ(xstat("/opq/lower1", &st, 0), -LX_ENOENT);
	EQ(xstat("/opq/lower2", &st, 0), -LX_ENOENT);
	EQ(xstat("/opq/upper", &st, 0), 0);
	EQ(xstat("/etc/.wh.gone", &st, 0), -LX_ENOENT);
	EQ(xstat("/opq/.wh..wh..opq", &st, 0), -LX_ENOENT);
	env_fini();
	free(t.b);
}

static void expect_corrupt(const uint8_t *b, size_t len, const char *what)
{
	char err[256] = "";
	struct vfs *v = vfs_new(b, len, "bad.tar", err, sizeof err);
	CHECK(v == NULL);
	vfs_free(v);
	CHECK(strstr(err, "bad.tar: offset ") != NULL);
	if (!strstr(err, what)) {
		failed++;
		fprintf(stderr, "error '%s' does not mention '%s'\n", err, what);
	} else {
		passed++;
	}
}

static void test_tar_corrupt(void)
{
	struct tb t = { 0 };
	tb_file(&t, "a", "hello");
	tb_file(&t, "b", "world");
	tb_end(&t);
	uint8_t *b = malloc(t.len);

	memcpy(b, t.b, t.len);
	b[1024 + 0] ^= 1; /* name of the second header: checksum breaks */
	expect_corrupt(b, t.len, "checksum");
	char err[256];
	struct vfs *v = vfs_new(b, t.len, "bad.tar", err, sizeof err);
	CHECK(strstr(err, "offset 1024") != NULL);
	vfs_free(v);

	/* size runs past the end */
	expect_corrupt(t.b, 512 + 2, "past the end");

	/* truncated header */
	expect_corrupt(t.b, 1024 + 100, "truncated");

	/* bad octal in the mode field (checksum recomputed) */
	memcpy(b, t.b, t.len);
	b[100] = '9';
	memset(b + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	expect_corrupt(b, t.len, "octal");

	/* not a tar at all */
	memset(b, 'x', t.len);
	expect_corrupt(b, t.len, "checksum");

	/* a malformed PAX record */
	struct tb p = { 0 };
	tb_hdr(&p, "PaxHeaders/x", 'x', 0644, NULL, 12);
	tb_raw(&p, "99 path=abc\n", 12);
	tb_pad(&p);
	tb_end(&p);
	expect_corrupt(p.b, p.len, "PAX");

	/* ".." escaping the root */
	struct tb q = { 0 };
	tb_file(&q, "../evil", "x");
	tb_end(&q);
	expect_corrupt(q.b, q.len, "..");

	/* a hard link to nothing */
	struct tb h = { 0 };
	tb_link(&h, "x", "missing");
	tb_end(&h);
	expect_corrupt(h.b, h.len, "hard link");

	/* an empty (NULL) tar and one without end blocks both load */
	v = vfs_new(NULL, 0, "none", err, sizeof err);
	CHECK(v != NULL);
	vfs_free(v);
	v = vfs_new(t.b, t.len - 1024, "noend", err, sizeof err);
	CHECK(v != NULL);
	vfs_free(v);
	free(b);
	free(t.b);
	free(p.b);
	free(q.b);
	free(h.b);
}

/* ---- tests: paths ---- */

static void test_symlinks(void)
{
	env_init();
	struct lx_stat st;
	char buf[256];
	EQ(xmkdir("/d", 0755), 0);
	write_file("/d/f", "data");
	EQ(xsymlink("f", "/d/rel"), 0);
	EQ(xsymlink("/d/f", "/abs"), 0);
	EQ(xsymlink("../d", "/d/up"), 0);
	EQ(xsymlink("nowhere", "/dangling"), 0);
	EQ(xsymlink("loop2", "/loop1"), 0);
	EQ(xsymlink("loop1", "/loop2"), 0);
	char *s = slurp("/d/rel");
	STREQ(s, "data");
	free(s);
	s = slurp("/abs");
	STREQ(s, "data");
	free(s);
	s = slurp("/d/up/up/up/f");
	STREQ(s, "data");
	free(s);
	EQ(xstat("/abs", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode, LX_S_IFLNK | 0777);
	EQ(st.st_size, 4);
	EQ(xstat("/abs", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFREG);
	EQ(xreadlink("/d/up", buf, sizeof buf), 4);
	STREQ(buf, "../d");
	EQ(xreadlink("/d/f", buf, sizeof buf), -LX_EINVAL);
	EQ(xstat("/dangling", &st, 0), -LX_ENOENT);
	EQ(xstat("/dangling", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(xstat("/loop1", &st, 0), -LX_ELOOP);
	EQ(xstat("/loop1/x", &st, 0), -LX_ELOOP);
	EQ(xopen("/abs", LX_O_RDONLY | LX_O_NOFOLLOW, 0), -LX_ELOOP);
	long fd = xopen("/abs", LX_O_PATH | LX_O_NOFOLLOW, 0);
	CHECK(fd >= 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFLNK);
	EQ(SYS(read, (uint64_t)fd, galloc(8), 8), -LX_EBADF);
	/* readlinkat(fd, "") on an O_PATH symlink */
	uint64_t g = galloc(64);
	EQ(SYS(readlinkat, (uint64_t)fd, gstr(""), g, 64), 4);
	xclose(fd);
	/* 40 links are fine, 41 are a loop */
	char name[32], target[32];
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof name, "/c%d", i);
		if (i == 0)
			snprintf(target, sizeof target, "/d/f");
		else
			snprintf(target, sizeof target, "/c%d", i - 1);
		EQ(xsymlink(target, name), 0);
	}
	EQ(xstat("/c39", &st, 0), 0);
	EQ(xstat("/c40", &st, 0), -LX_ELOOP);
	/* symlink errors */
	EQ(xsymlink("", "/empty"), -LX_ENOENT);
	EQ(xsymlink("x", "/abs"), -LX_EEXIST);
	EQ(xsymlink("x", "/dangling"), -LX_EEXIST);
	env_fini();
}

static void test_trailing_slashes(void)
{
	env_init();
	struct lx_stat st;
	EQ(xmkdir("/dir", 0755), 0);
	write_file("/file", "x");
	EQ(xsymlink("dir", "/ldir"), 0);
	EQ(xsymlink("file", "/lfile"), 0);
	EQ(xstat("/file/", &st, 0), -LX_ENOTDIR);
	EQ(xstat("/file/.", &st, 0), -LX_ENOTDIR);
	EQ(xstat("/dir/", &st, 0), 0);
	EQ(xstat("/dir//", &st, 0), 0);
	EQ(xstat("/missing/", &st, 0), -LX_ENOENT);
	/* a trailing slash follows a symlink even for lstat */
	EQ(xstat("/ldir/", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(xstat("/lfile/", &st, LX_AT_SYMLINK_NOFOLLOW), -LX_ENOTDIR);
	EQ(xopen("/file/", LX_O_RDONLY, 0), -LX_ENOTDIR);
	EQ(xopen("/new/", LX_O_RDWR | LX_O_CREAT, 0644), -LX_EISDIR);
	EQ(xopen("/dir/", LX_O_RDWR | LX_O_CREAT, 0644), -LX_EISDIR);
	EQ(xopen("/dir", LX_O_RDONLY | LX_O_CREAT, 0644), -LX_EISDIR);
	EQ(xmkdir("/newdir/", 0755), 0);
	EQ(xstat("/newdir", &st, 0), 0);
	EQ(xunlink("/file/", 0), -LX_ENOTDIR);
	EQ(xunlink("/dir/", 0), -LX_EISDIR);
	EQ(xunlink("/none/", 0), -LX_ENOENT);
	EQ(xunlink("/ldir/", LX_AT_REMOVEDIR), -LX_ENOTDIR);
	EQ(xunlink("/newdir/", LX_AT_REMOVEDIR), 0);
	EQ(xsymlink("x", "/sl/"), -LX_ENOENT);
	EQ(SYS(mknodat, CWD, gstr("/fifo/"), LX_S_IFIFO | 0644, 0), -LX_ENOENT);
	EQ(xrename("/file/", "/file2", 0), -LX_ENOTDIR);
	EQ(xrename("/file", "/file2/", 0), -LX_ENOTDIR);
	EQ(xrename("/dir/", "/dir2/", 0), 0);
	env_fini();
}

static void test_lookup_errors(void)
{
	env_init();
	struct lx_stat st;
	write_file("/file", "x");
	EQ(xstat("/missing/x", &st, 0), -LX_ENOENT);
	EQ(xstat("/file/x", &st, 0), -LX_ENOTDIR);
	EQ(xstat("", &st, 0), -LX_ENOENT);
	EQ(xstat("/..", &st, 0), 0);
	struct lx_stat root;
	EQ(xstat("/", &root, 0), 0);
	EQ(st.st_ino, root.st_ino); /* .. of / is / */
	EQ(xstat("/../../tmp/../", &st, 0), 0);
	EQ(st.st_ino, root.st_ino);
	char name[300];
	memset(name, 'n', 256);
	name[0] = '/';
	name[257] = 0;
	memset(name + 1, 'n', 256);
	EQ(xstat(name, &st, 0), -LX_ENAMETOOLONG);
	name[256] = 0; /* 255 chars: fine, just missing */
	EQ(xstat(name, &st, 0), -LX_ENOENT);
	char *big = malloc(5000);
	memset(big, 'a', 4999);
	for (int i = 0; i < 4999; i += 2)
		big[i] = '/';
	big[4999] = 0;
	EQ(xstat(big, &st, 0), -LX_ENAMETOOLONG);
	big[4096] = 0;
	EQ(xstat(big, &st, 0), -LX_ENAMETOOLONG);
	big[4095] = 0; /* 4095 chars + NUL fits */
	EQ(xstat(big, &st, 0), -LX_ENOENT);
	free(big);
	/* bad pointers */
	EQ(SYS(newfstatat, CWD, 0x10, galloc(128), 0), -LX_EFAULT);
	EQ(SYS(newfstatat, CWD, gstr("/file"), RO_END + 64, 0), -LX_EFAULT);
	EQ(SYS(newfstatat, CWD, gstr("/file"), RW_END + 64, 0), -LX_EFAULT); /* read-only */
	EQ(SYS(newfstatat, CWD, gstr("/file"), galloc(128), 0x8000), -LX_EINVAL);
	/* dirfd: relative paths use it, absolute ones ignore it */
	long dfd = xopen("/tmp", LX_O_RDONLY | LX_O_DIRECTORY, 0);
	CHECK(dfd >= 0);
	long fd = SYS(openat, (uint64_t)dfd, gstr("rel"), LX_O_CREAT | LX_O_WRONLY, 0600);
	CHECK(fd >= 0);
	xclose(fd);
	EQ(xstat("/tmp/rel", &st, 0), 0);
	EQ(SYS(newfstatat, 999, gstr("rel"), galloc(128), 0), -LX_EBADF);
	EQ(SYS(newfstatat, 999, gstr("/file"), galloc(128), 0), 0);
	long ffd = xopen("/file", LX_O_RDONLY, 0);
	EQ(SYS(newfstatat, (uint64_t)ffd, gstr("x"), galloc(128), 0), -LX_ENOTDIR);
	/* AT_EMPTY_PATH */
	uint64_t g = galloc(128);
	EQ(SYS(newfstatat, (uint64_t)ffd, gstr(""), g, LX_AT_EMPTY_PATH), 0);
	EQ(((struct lx_stat *)H(g))->st_size, 1);
	EQ(SYS(newfstatat, (uint64_t)ffd, gstr(""), g, 0), -LX_ENOENT);
	xclose(ffd);
	xclose(dfd);
	env_fini();
}

static void set_user(uint32_t uid, uint32_t gid)
{
	E.p.uid = E.p.euid = E.p.suid = uid;
	E.p.gid = E.p.egid = E.p.sgid = gid;
}

static void test_permissions(void)
{
	env_init();
	struct lx_stat st;
	EQ(xmkdir("/secret", 0700), 0);
	write_file("/secret/f", "s");
	write_file("/rootonly", "r");
	EQ(SYS(fchmodat, CWD, gstr("/rootonly"), 0600), 0);
	write_file("/script", "#!/bin/sh\n");
	EQ(SYS(fchmodat, CWD, gstr("/script"), 0644), 0);
	/* root: rw bypass, but exec needs an x bit */
	long fd = xopen("/rootonly", LX_O_RDWR, 0);
	CHECK(fd >= 0);
	xclose(fd);
	EQ(SYS(faccessat, CWD, gstr("/script"), LX_X_OK), -LX_EACCES);
	EQ(SYS(faccessat, CWD, gstr("/secret"), LX_X_OK), 0);
	const uint8_t *data;
	size_t len;
	char *abs;
	EQ(vfs_load_file(&E.p, "/script", &data, &len, &abs), -LX_EACCES);
	EQ(vfs_load_file(&E.p, "/secret", &data, &len, &abs), -LX_EACCES);
	EQ(vfs_load_file(&E.p, "/nope", &data, &len, &abs), -LX_ENOENT);
	EQ(vfs_load_file(&E.p, "/script/x", &data, &len, &abs), -LX_ENOTDIR);
	EQ(SYS(fchmodat, CWD, gstr("/script"), 0755), 0);
	EQ(xsymlink("/script", "/tmp/run"), 0);
	EQ(vfs_load_file(&E.p, "/tmp/run", &data, &len, &abs), 0);
	EQ(len, 10);
	CHECK(len == 10 && !memcmp(data, "#!/bin/sh\n", 10));
	STREQ(abs, "/script");
	free(abs);
	/* a user */
	set_user(1000, 1000);
	EQ(xopen("/rootonly", LX_O_RDONLY, 0), -LX_EACCES);
	EQ(xstat("/secret/f", &st, 0), -LX_EACCES);
	EQ(xopen("/secret/f", LX_O_RDONLY, 0), -LX_EACCES);
	EQ(SYS(faccessat, CWD, gstr("/script"), LX_R_OK | LX_X_OK), 0);
	EQ(SYS(faccessat, CWD, gstr("/script"), LX_W_OK), -LX_EACCES);
	EQ(SYS(faccessat, CWD, gstr("/script"), 8), -LX_EINVAL);
	EQ(xmkdir("/userdir", 0755), -LX_EACCES);
	EQ(xunlink("/script", 0), -LX_EACCES);
	EQ(SYS(fchmodat, CWD, gstr("/script"), 0777), -LX_EPERM);
	EQ(SYS(fchownat, CWD, gstr("/script"), 1000, 1000, 0), -LX_EPERM);
	EQ(SYS(chdir, gstr("/secret")), -LX_EACCES);
	EQ(SYS(chroot, gstr("/")), -LX_EPERM);
	/* the sticky /tmp */
	write_file("/tmp/mine", "m");
	set_user(0, 0);
	write_file("/tmp/roots", "r");
	set_user(1000, 1000);
	EQ(xunlink("/tmp/roots", 0), -LX_EPERM);
	EQ(xrename("/tmp/roots", "/tmp/x", 0), -LX_EPERM);
	EQ(xunlink("/tmp/mine", 0), 0);
	/* created files belong to the user, with the umask applied */
	fd = xopen("/tmp/new", LX_O_CREAT | LX_O_WRONLY, 0666);
	CHECK(fd >= 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_uid, 1000);
	EQ(st.st_mode, LX_S_IFREG | 0644);
	xclose(fd);
	/* a new file opened O_RDWR even though its mode says 0444 */
	fd = xopen("/tmp/ro", LX_O_CREAT | LX_O_RDWR, 0444);
	CHECK(fd >= 0);
	EQ(xwrite(fd, "ok"), 2);
	xclose(fd);
	EQ(xopen("/tmp/ro", LX_O_RDWR, 0), -LX_EACCES);
	EQ(xopen("/tmp/ro", LX_O_RDONLY | LX_O_TRUNC, 0), -LX_EACCES);
	/* access() uses the real ids */
	E.p.euid = 0;
	EQ(SYS(faccessat, CWD, gstr("/rootonly"), LX_R_OK), -LX_EACCES);
	EQ(SYS(faccessat2, CWD, gstr("/rootonly"), LX_R_OK, LX_AT_EACCESS), 0);
	set_user(0, 0);
	EQ(SYS(chroot, gstr("/")), 0);
	EQ(SYS(chroot, gstr("/tmp")), -LX_EPERM);
	EQ(SYS(chroot, gstr("/script")), -LX_ENOTDIR);
	env_fini();
}

/* ---- tests: files ---- */

static void test_open_flags(void)
{
	env_init();
	struct lx_stat st;
	char buf[128];
	write_file("/f", "abc");
	EQ(xopen("/f", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0644), -LX_EEXIST);
	EQ(xsymlink("/target", "/dangle"), 0);
	/* O_EXCL: EEXIST even through a dangling symlink */
	EQ(xopen("/dangle", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0644), -LX_EEXIST);
	EQ(xstat("/target", &st, 0), -LX_ENOENT);
	/* without O_EXCL the symlink's target is created */
	long fd = xopen("/dangle", LX_O_CREAT | LX_O_WRONLY, 0600);
	CHECK(fd >= 0);
	xclose(fd);
	EQ(xstat("/target", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 0600);
	EQ(xopen("/dangle", LX_O_CREAT | LX_O_NOFOLLOW | LX_O_WRONLY, 0600), -LX_ELOOP);
	EQ(xopen("/f", LX_O_RDONLY | LX_O_DIRECTORY, 0), -LX_ENOTDIR);
	EQ(xopen("/tmp", LX_O_WRONLY, 0), -LX_EISDIR);
	EQ(xopen("/tmp", LX_O_RDONLY | LX_O_CREAT | LX_O_DIRECTORY, 0), -LX_EINVAL);
	EQ(xopen("/nope", LX_O_RDONLY, 0), -LX_ENOENT);
	EQ(xopen("/nodir/x", LX_O_RDWR | LX_O_CREAT, 0644), -LX_ENOENT);
	EQ(xopen(".", LX_O_RDWR | LX_O_CREAT, 0644), -LX_EISDIR);
	EQ(xopen("/", LX_O_RDONLY | LX_O_CREAT | LX_O_EXCL, 0644), -LX_EEXIST);
	EQ(xopen("/tmp/", LX_O_RDONLY | LX_O_CREAT | LX_O_EXCL, 0644), -LX_EISDIR);
	EQ(xopen("/tmp", LX_O_RDONLY | LX_O_CREAT | LX_O_EXCL, 0644), -LX_EEXIST);
	EQ(xsymlink("/tmp", "/ltmp"), 0);
	EQ(xopen("/ltmp", LX_O_RDONLY | LX_O_NOFOLLOW | LX_O_DIRECTORY, 0), -LX_ENOTDIR);
	/* O_APPEND */
	fd = xopen("/f", LX_O_WRONLY | LX_O_APPEND, 0);
	EQ(xwrite(fd, "def"), 3);
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
	EQ(xwrite(fd, "g"), 1);
	EQ(SYS(pwrite64, (uint64_t)fd, gstr("h"), 1, 0), 1); /* appends too */
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_CUR), 7);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETFL), LX_O_WRONLY | LX_O_APPEND | LX_O_LARGEFILE);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_SETFL, 0), 0);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETFL), LX_O_WRONLY | LX_O_LARGEFILE);
	EQ(SYS(read, (uint64_t)fd, galloc(8), 8), -LX_EBADF);
	xclose(fd);
	char *s = slurp("/f");
	STREQ(s, "abcdefgh");
	free(s);
	/* O_TRUNC */
	fd = xopen("/f", LX_O_RDWR | LX_O_TRUNC, 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_size, 0);
	EQ(xwrite(fd, "0123456789"), 10);
	EQ(SYS(lseek, (uint64_t)fd, 2, LX_SEEK_SET), 2);
	EQ(xread(fd, buf, 4), 3);
	STREQ(buf, "234");
	uint64_t g = galloc(8);
	EQ(SYS(pread64, (uint64_t)fd, g, 3, 7), 3);
	CHECK(!memcmp(H(g), "789", 3));
	EQ(SYS(pread64, (uint64_t)fd, g, 3, (uint64_t)-1), -LX_EINVAL);
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_CUR), 5);
	EQ(SYS(lseek, (uint64_t)fd, (uint64_t)-2, LX_SEEK_END), 8);
	EQ(SYS(lseek, (uint64_t)fd, (uint64_t)-20, LX_SEEK_END), -LX_EINVAL);
	EQ(SYS(lseek, (uint64_t)fd, 0, 7), -LX_EINVAL);
	EQ(SYS(lseek, (uint64_t)fd, 3, LX_SEEK_DATA), 3);
	EQ(SYS(lseek, (uint64_t)fd, 3, LX_SEEK_HOLE), 10);
	EQ(SYS(lseek, (uint64_t)fd, 10, LX_SEEK_DATA), -LX_ENXIO);
	/* sparse extension reads back zeros */
	EQ(SYS(pwrite64, (uint64_t)fd, gstr("Z"), 1, 20), 1);
	EQ(SYS(pread64, (uint64_t)fd, g, 8, 12), 8);
	CHECK(!memcmp(H(g), "\0\0\0\0\0\0\0\0", 8));
	EQ(SYS(ftruncate, (uint64_t)fd, 4), 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_size, 4);
	EQ(SYS(ftruncate, (uint64_t)fd, 100000), 0);
	EQ(SYS(pread64, (uint64_t)fd, g, 8, 2), 8);
	CHECK(!memcmp(H(g), "23\0\0\0\0\0\0", 8));
	EQ(SYS(ftruncate, (uint64_t)fd, (uint64_t)-1), -LX_EINVAL);
	xclose(fd);
	fd = xopen("/f", LX_O_RDONLY, 0);
	EQ(SYS(ftruncate, (uint64_t)fd, 0), -LX_EINVAL);
	EQ(SYS(write, (uint64_t)fd, gstr("x"), 1), -LX_EBADF);
	/* a read over decoded code drops that code (loaders read() code) */
	static uint8_t pageprot[ARENA / MEM_PAGE];
	uint64_t code = galloc(2 * MEM_PAGE);
	code = (code + MEM_PAGE - 1) & ~(MEM_PAGE - 1);
	gmem.pageprot = pageprot;
	flushed_len = 0;
	EQ(SYS(pread64, (uint64_t)fd, code, 3, 0), 3);
	EQ(flushed_len, 0);
	pageprot[code / MEM_PAGE] = MEM_R | MEM_X | MEM_CODE;
	EQ(SYS(pread64, (uint64_t)fd, code + 8, 3, 0), 3);
	EQ(flushed_start, code + 8);
	EQ(flushed_len, 3);
	pageprot[code / MEM_PAGE] = 0;
	gmem.pageprot = NULL;
	/* a read into a partly unmapped buffer: what fits; into none: EFAULT */
	EQ(SYS(read, (uint64_t)fd, RO_END - 2, 100), -LX_EFAULT); /* read-only */
	EQ(SYS(read, (uint64_t)fd, RW_END - 2, 100), 2);
	EQ(SYS(read, (uint64_t)fd, 0x20, 100), -LX_EFAULT);
	EQ(SYS(read, (uint64_t)fd, 0x20, 0), 0);
	xclose(fd);
	EQ(SYS(truncate, gstr("/f"), 1), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_size, 1);
	EQ(SYS(truncate, gstr("/tmp"), 1), -LX_EISDIR);
	EQ(SYS(truncate, gstr("/dev/null"), 1), -LX_EINVAL);
	/* bad descriptors */
	EQ(xclose(77), -LX_EBADF);
	EQ(SYS(read, 77, galloc(8), 8), -LX_EBADF);
	EQ(SYS(write, (uint64_t)-1, galloc(8), 8), -LX_EBADF);
	EQ(SYS(fstat, 77, galloc(128)), -LX_EBADF);
	/* EMFILE */
	long first = xopen("/f", LX_O_RDONLY, 0), last = first;
	for (long i = first + 1; i < LX_NR_OPEN_DEFAULT; i++)
		last = SYS(dup, (uint64_t)first);
	EQ(last, LX_NR_OPEN_DEFAULT - 1);
	EQ(xopen("/f", LX_O_RDONLY, 0), -LX_EMFILE);
	EQ(SYS(dup, (uint64_t)first), -LX_EMFILE);
	EQ(SYS(close_range, (uint64_t)first, ~0u, 0), 0);
	EQ(SYS(close, (uint64_t)first), -LX_EBADF);
	env_fini();
}

static void test_unlink_while_open(void)
{
	struct tb t = { 0 };
	tb_file(&t, "data/file", "from the tar");
	tb_end(&t);
	env_init_tar(t.b, t.len);
	char buf[64];
	long fd = xopen("/data/file", LX_O_RDWR, 0);
	CHECK(fd >= 0);
	EQ(xunlink("/data/file", 0), 0);
	struct lx_stat st;
	EQ(xstat("/data/file", &st, 0), -LX_ENOENT);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_nlink, 0);
	EQ(xread(fd, buf, sizeof buf), 12);
	STREQ(buf, "from the tar");
	EQ(SYS(pwrite64, (uint64_t)fd, gstr("FROM"), 4, 0), 4);
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
	EQ(xread(fd, buf, sizeof buf), 12);
	STREQ(buf, "FROM the tar");
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
	EQ(xreadlink(link, buf, sizeof buf), (long)strlen("/data/file (deleted)"));
	STREQ(buf, "/data/file (deleted)");
	/* a new file of the same name is another file */
	write_file("/data/file", "new");
	char *s = slurp("/data/file");
	STREQ(s, "new");
	free(s);
	xclose(fd);
	/* unlinking an open directory (cwd) */
	EQ(xmkdir("/gone", 0755), 0);
	EQ(SYS(chdir, gstr("/gone")), 0);
	EQ(xunlink("/gone", LX_AT_REMOVEDIR), 0);
	uint64_t g = galloc(256);
	EQ(SYS(getcwd, g, 256), -LX_ENOENT);
	EQ(xopen("newfile", LX_O_CREAT | LX_O_WRONLY, 0644), -LX_ENOENT);
	EQ(xmkdir("sub", 0755), -LX_ENOENT);
	fd = xopen(".", LX_O_RDONLY, 0);
	CHECK(fd >= 0);
	EQ(SYS(getdents64, (uint64_t)fd, galloc(512), 512), -LX_ENOENT);
	xclose(fd);
	EQ(SYS(chdir, gstr("/")), 0);
	env_fini();
	free(t.b);
}

static void test_rename(void)
{
	env_init();
	struct lx_stat st, st2;
	char buf[256];
	EQ(xmkdir("/a", 0755), 0);
	EQ(xmkdir("/a/b", 0755), 0);
	EQ(xmkdir("/empty", 0755), 0);
	EQ(xmkdir("/full", 0755), 0);
	write_file("/full/x", "x");
	write_file("/f1", "one");
	write_file("/f2", "two");
	/* simple, and over an existing file */
	EQ(xrename("/f1", "/g1", 0), 0);
	EQ(xstat("/f1", &st, 0), -LX_ENOENT);
	EQ(xrename("/g1", "/f2", 0), 0);
	char *s = slurp("/f2");
	STREQ(s, "one");
	free(s);
	EQ(xrename("/nope", "/x", 0), -LX_ENOENT);
	/* directories */
	EQ(xrename("/a", "/a/b/c", 0), -LX_EINVAL);
	EQ(xrename("/a", "/a/c", 0), -LX_EINVAL);
	EQ(xrename("/a/b", "/a", 0), -LX_ENOTEMPTY);
	EQ(xrename("/a", "/full", 0), -LX_ENOTEMPTY);
	EQ(xrename("/a", "/f2", 0), -LX_ENOTDIR);
	EQ(xrename("/f2", "/empty", 0), -LX_EISDIR);
	EQ(xstat("/empty", &st, 0), 0);
	EQ(xrename("/a", "/empty", 0), 0);
	EQ(xstat("/empty/b", &st, 0), 0);
	EQ(xstat("/a", &st, 0), -LX_ENOENT);
	EQ(xrename("/empty", "/full/sub", 0), 0);
	EQ(xstat("/full", &st, 0), 0);
	EQ(st.st_nlink, 3);
	/* getcwd follows a renamed directory */
	EQ(SYS(chdir, gstr("/full/sub/b")), 0);
	EQ(xrename("/full", "/moved", 0), 0);
	uint64_t g = galloc(256);
	EQ(SYS(getcwd, g, 256), (long)strlen("/moved/sub/b") + 1);
	STREQ((char *)H(g), "/moved/sub/b");
	EQ(SYS(getcwd, g, 5), -LX_ERANGE);
	EQ(SYS(chdir, gstr("..")), 0);
	EQ(SYS(getcwd, g, 256), (long)strlen("/moved/sub") + 1);
	STREQ((char *)H(g), "/moved/sub");
	EQ(SYS(chdir, gstr("/")), 0);
	/* flags */
	write_file("/p", "p");
	write_file("/q", "q");
	EQ(xrename("/p", "/q", LX_RENAME_NOREPLACE), -LX_EEXIST);
	EQ(xrename("/p", "/r", LX_RENAME_EXCHANGE), -LX_ENOENT);
	EQ(xrename("/p", "/q", LX_RENAME_EXCHANGE | LX_RENAME_NOREPLACE), -LX_EINVAL);
	EQ(xrename("/p", "/q", 0x80), -LX_EINVAL);
	EQ(xrename("/p", "/q", LX_RENAME_EXCHANGE), 0);
	s = slurp("/p");
	STREQ(s, "q");
	free(s);
	EQ(xrename("/p", "/moved", LX_RENAME_EXCHANGE), 0);
	EQ(xstat("/p", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(xstat("/p/sub", &st, 0), 0);
	s = slurp("/moved");
	STREQ(s, "q");
	free(s);
	/* same inode: nothing happens */
	EQ(SYS(linkat, CWD, gstr("/q"), CWD, gstr("/q2"), 0), 0);
	EQ(xrename("/q", "/q2", 0), 0);
	EQ(xstat("/q", &st, 0), 0);
	EQ(xstat("/q2", &st2, 0), 0);
	EQ(st.st_ino, st2.st_ino);
	EQ(xrename("/q", "/q", 0), 0);
	/* . and .. and / */
	EQ(xrename("/p/.", "/x", 0), -LX_EBUSY);
	EQ(xrename("/q", "/p/..", 0), -LX_EBUSY);
	EQ(xrename("/q", "/p/..", LX_RENAME_NOREPLACE), -LX_EEXIST);
	EQ(xrename("/", "/x", 0), -LX_EBUSY);
	EQ(xrename("/proc", "/x", 0), -LX_EBUSY);
	EQ(xrename("/proc/cpuinfo", "/x", 0), -LX_EXDEV);
	/* a symlink is renamed, not its target */
	EQ(xsymlink("q", "/sl"), 0);
	EQ(xrename("/sl", "/sl2", 0), 0);
	EQ(xreadlink("/sl2", buf, sizeof buf), 1);
	env_fini();
}

static void test_mkdir_rmdir_link(void)
{
	env_init();
	struct lx_stat st;
	EQ(xmkdir("/d", 0777), 0);
	EQ(xstat("/d", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFDIR | 0755);
	EQ(st.st_nlink, 2);
	EQ(xmkdir("/d", 0755), -LX_EEXIST);
	EQ(xmkdir("/d/.", 0755), -LX_EEXIST);
	EQ(xmkdir("/", 0755), -LX_EEXIST);
	EQ(xmkdir("/x/y", 0755), -LX_ENOENT);
	EQ(xmkdir("/d/s", 0755), 0);
	EQ(xstat("/d", &st, 0), 0);
	EQ(st.st_nlink, 3);
	write_file("/d/s/f", "f");
	EQ(xunlink("/d", LX_AT_REMOVEDIR), -LX_ENOTEMPTY);
	EQ(xunlink("/d/s/.", LX_AT_REMOVEDIR), -LX_EINVAL);
	EQ(xunlink("/d/s/..", LX_AT_REMOVEDIR), -LX_ENOTEMPTY);
	EQ(xunlink("/", LX_AT_REMOVEDIR), -LX_EBUSY);
	EQ(xunlink("/d/s", 0), -LX_EISDIR);
	EQ(xunlink("/d/s/f", LX_AT_REMOVEDIR), -LX_ENOTDIR);
	EQ(xunlink("/d/s/f", 0x100), -LX_EINVAL);
	EQ(xunlink(".", 0), -LX_EISDIR);
	EQ(xunlink("/proc", LX_AT_REMOVEDIR), -LX_EBUSY);
	EQ(xunlink("/dev", LX_AT_REMOVEDIR), -LX_EBUSY);
	/* hard links */
	EQ(SYS(linkat, CWD, gstr("/d/s/f"), CWD, gstr("/hard"), 0), 0);
	EQ(xstat("/hard", &st, 0), 0);
	EQ(st.st_nlink, 2);
	EQ(SYS(linkat, CWD, gstr("/d/s/f"), CWD, gstr("/hard"), 0), -LX_EEXIST);
	EQ(SYS(linkat, CWD, gstr("/d/s"), CWD, gstr("/dirlink"), 0), -LX_EPERM);
	EQ(SYS(linkat, CWD, gstr("/nope"), CWD, gstr("/x"), 0), -LX_ENOENT);
	EQ(SYS(linkat, CWD, gstr("/d/s/f"), CWD, gstr("/x/"), 0), -LX_ENOENT);
	EQ(SYS(linkat, CWD, gstr("/d/s/f"), CWD, gstr("/x"), 0x1), -LX_EINVAL);
	EQ(xsymlink("/hard", "/sym"), 0);
	EQ(SYS(linkat, CWD, gstr("/sym"), CWD, gstr("/symhard"), 0), 0);
	EQ(xstat("/symhard", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFLNK);
	EQ(SYS(linkat, CWD, gstr("/sym"), CWD, gstr("/symfollow"), LX_AT_SYMLINK_FOLLOW), 0);
	EQ(xstat("/symfollow", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFREG);
	EQ(st.st_nlink, 3);
	EQ(xunlink("/d/s/f", 0), 0);
	EQ(xunlink("/d/s", LX_AT_REMOVEDIR), 0);
	EQ(xstat("/hard", &st, 0), 0);
	EQ(st.st_nlink, 2);
	/* mknod */
	EQ(SYS(mknodat, CWD, gstr("/fifo"), LX_S_IFIFO | 0666, 0), 0);
	EQ(xstat("/fifo", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFIFO | 0644);
	EQ(SYS(mknodat, CWD, gstr("/reg"), 0644, 0), 0);
	EQ(xstat("/reg", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 0644);
	EQ(SYS(mknodat, CWD, gstr("/dd"), LX_S_IFDIR | 0644, 0), -LX_EPERM);
	EQ(SYS(mknodat, CWD, gstr("/bad"), 0170000 | 0644, 0), -LX_EINVAL);
	EQ(SYS(mknodat, CWD, gstr("/null2"), LX_S_IFCHR | 0666, lx_makedev(1, 3)), 0);
	long fd = xopen("/null2", LX_O_RDWR, 0);
	EQ(xwrite(fd, "gone"), 4);
	xclose(fd);
	EQ(SYS(mknodat, CWD, gstr("/weird"), LX_S_IFCHR | 0666, lx_makedev(99, 3)), 0);
	EQ(xopen("/weird", LX_O_RDWR, 0), -LX_ENXIO);
	set_user(5, 5);
	EQ(SYS(mknodat, CWD, gstr("/tmp/c"), LX_S_IFCHR | 0666, 0), -LX_EPERM);
	set_user(0, 0);
	env_fini();
}

/* ---- tests: directories ---- */

struct dent {
	uint64_t ino;
	int64_t off;
	uint8_t type;
	char name[256];
};

/* Parse a getdents64 buffer into ents; returns the count. */
static int parse_dents(const uint8_t *b, long len, struct dent *ents, int max)
{
	int n = 0;
	for (long at = 0; at < len && n < max;) {
		uint16_t reclen;
		memcpy(&ents[n].ino, b + at, 8);
		memcpy(&ents[n].off, b + at + 8, 8);
		memcpy(&reclen, b + at + 16, 2);
		ents[n].type = b[at + 18];
		snprintf(ents[n].name, sizeof ents[n].name, "%s", (const char *)b + at + 19);
		if (reclen % 8 || reclen < 24)
			return -1;
		at += reclen;
		n++;
	}
	return n;
}

static void test_getdents(void)
{
	env_init();
	EQ(xmkdir("/d", 0755), 0);
	const char *names[] = { "zeta", "alpha", "mid", "sub", "link" };
	write_file("/d/zeta", "");
	write_file("/d/alpha", "");
	write_file("/d/mid", "");
	EQ(xmkdir("/d/sub", 0755), 0);
	EQ(xsymlink("zeta", "/d/link"), 0);
	long fd = xopen("/d", LX_O_RDONLY | LX_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	uint64_t g = galloc(4096);
	long r = SYS(getdents64, (uint64_t)fd, g, 4096);
	CHECK(r > 0);
	struct dent e[16];
	int n = parse_dents(H(g), r, e, 16);
	EQ(n, 7);
	STREQ(e[0].name, ".");
	STREQ(e[1].name, "..");
	for (int i = 0; i < 5 && i + 2 < n; i++)
		STREQ(e[i + 2].name, names[i]);
	EQ(e[0].type, LX_DT_DIR);
	EQ(e[2].type, LX_DT_REG);
	EQ(e[5].type, LX_DT_DIR);
	EQ(e[6].type, LX_DT_LNK);
	struct lx_stat st;
	xstat("/d/mid", &st, 0);
	EQ(e[4].ino, st.st_ino);
	xstat("/", &st, 0);
	EQ(e[1].ino, st.st_ino);
	EQ(SYS(getdents64, (uint64_t)fd, g, 4096), 0); /* the end */
	/* rewind, resume from a d_off */
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
	r = SYS(getdents64, (uint64_t)fd, g, 4096);
	EQ(parse_dents(H(g), r, e, 16), 7);
	EQ(SYS(lseek, (uint64_t)fd, (uint64_t)e[3].off, LX_SEEK_SET), e[3].off);
	r = SYS(getdents64, (uint64_t)fd, g, 4096);
	EQ(parse_dents(H(g), r, e, 16), 3);
	STREQ(e[0].name, "mid");
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_END), -LX_EINVAL);
	/* a buffer too small for one entry */
	EQ(SYS(lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
	EQ(SYS(getdents64, (uint64_t)fd, g, 10), -LX_EINVAL);
	/* small buffers: one entry per call, and removal while reading
	 * skips nothing (rm -rf's pattern) */
	for (int i = 0; i < 50; i++) {
		char p[32];
		snprintf(p, sizeof p, "/d/sub/f%02d", i);
		write_file(p, "");
	}
	long sfd = xopen("/d/sub", LX_O_RDONLY | LX_O_DIRECTORY, 0);
	int seen = 0;
	for (;;) {
		r = SYS(getdents64, (uint64_t)sfd, g, 100);
		if (r <= 0)
			break;
		int k = parse_dents(H(g), r, e, 16);
		for (int i = 0; i < k; i++) {
			if (e[i].name[0] == '.')
				continue;
			char p[300];
			snprintf(p, sizeof p, "/d/sub/%s", e[i].name);
			EQ(xunlink(p, 0), 0);
			seen++;
		}
	}
	EQ(r, 0);
	EQ(seen, 50);
	EQ(xunlink("/d/sub", LX_AT_REMOVEDIR), 0);
	xclose(sfd);
	/* not a directory */
	long ffd = xopen("/d/mid", LX_O_RDONLY, 0);
	EQ(SYS(getdents64, (uint64_t)ffd, g, 4096), -LX_ENOTDIR);
	EQ(SYS(read, (uint64_t)fd, g, 10), -LX_EISDIR);
	EQ(SYS(getdents64, (uint64_t)fd, RO_END + 4096, 4096), -LX_EFAULT);
	xclose(ffd);
	xclose(fd);
	/* /proc lists its entries and the processes */
	fd = xopen("/proc", LX_O_RDONLY | LX_O_DIRECTORY, 0);
	r = SYS(getdents64, (uint64_t)fd, g, 4096);
	n = parse_dents(H(g), r, e, 16);
	int has_self = 0, has_pid = 0, has_cpuinfo = 0;
	for (int i = 0; i < n; i++) {
		has_self |= !strcmp(e[i].name, "self") && e[i].type == LX_DT_LNK;
		has_pid |= !strcmp(e[i].name, "1") && e[i].type == LX_DT_DIR;
		has_cpuinfo |= !strcmp(e[i].name, "cpuinfo");
	}
	CHECK(has_self && has_pid && has_cpuinfo);
	xclose(fd);
	env_fini();
}

/* ---- tests: pipes and polling ---- */

static void xpipe(long fds[2], uint32_t flags)
{
	uint64_t g = galloc(8);
	EQ(SYS(pipe2, g, flags), 0);
	int32_t v[2];
	memcpy(v, H(g), 8);
	fds[0] = v[0];
	fds[1] = v[1];
}

static void test_pipes(void)
{
	env_init();
	long p[2];
	char buf[128];
	xpipe(p, 0);
	struct lx_stat st;
	EQ(xfstat(p[0], &st), 0);
	EQ(st.st_mode, LX_S_IFIFO | 0600);
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_GETPIPE_SZ), 65536);
	EQ(xwrite(p[1], "hello"), 5);
	uint64_t g = galloc(4);
	EQ(SYS(ioctl, (uint64_t)p[0], LX_FIONREAD, g), 0);
	EQ(*(int32_t *)H(g), 5);
	EQ(xread(p[0], buf, sizeof buf), 5);
	STREQ(buf, "hello");
	EQ(SYS(lseek, (uint64_t)p[0], 0, LX_SEEK_SET), -LX_ESPIPE);
	EQ(SYS(pread64, (uint64_t)p[0], galloc(4), 4, 0), -LX_ESPIPE);
	EQ(SYS(write, (uint64_t)p[0], gstr("x"), 1), -LX_EBADF);
	/* empty: a blocking read blocks the thread */
	E.t.wait = RT_WAIT_NONE;
	EQ(xread(p[0], buf, sizeof buf), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_FD);
	EQ(E.t.wait_fd, p[0]);
	EQ(E.t.wait_events, LX_POLLIN);
	EQ(fd_poll_ready(&E.p, (int)p[0], LX_POLLIN), 0);
	EQ(fd_poll_ready(&E.p, (int)p[1], LX_POLLOUT), LX_POLLOUT);
	/* O_NONBLOCK: EAGAIN */
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_SETFL, LX_O_NONBLOCK), 0);
	EQ(xread(p[0], buf, sizeof buf), -LX_EAGAIN);
	/* writer gone: EOF, POLLHUP */
	EQ(xwrite(p[1], "tail"), 4);
	xclose(p[1]);
	EQ(fd_poll_ready(&E.p, (int)p[0], LX_POLLIN), LX_POLLIN | LX_POLLHUP);
	EQ(xread(p[0], buf, sizeof buf), 4);
	EQ(xread(p[0], buf, sizeof buf), 0);
	xclose(p[0]);
	/* reader gone: EPIPE and SIGPIPE */
	xpipe(p, LX_O_CLOEXEC);
	EQ(SYS(fcntl, (uint64_t)p[1], LX_F_GETFD), LX_FD_CLOEXEC);
	xclose(p[0]);
	last_signal = 0;
	EQ(xwrite(p[1], "x"), -LX_EPIPE);
	EQ(last_signal, LX_SIGPIPE);
	EQ(fd_poll_ready(&E.p, (int)p[1], LX_POLLOUT), LX_POLLOUT | LX_POLLERR);
	xclose(p[1]);
	/* filling it: a partial large write, PIPE_BUF atomicity */
	xpipe(p, LX_O_NONBLOCK);
	size_t big = 70000;
	uint8_t *junk = malloc(big);
	memset(junk, 'j', big);
	uint64_t gj = gbytes(junk, big);
	EQ(SYS(write, (uint64_t)p[1], gj, big), 65536);
	EQ(SYS(write, (uint64_t)p[1], gj, 1), -LX_EAGAIN);
	EQ(fd_poll_ready(&E.p, (int)p[1], LX_POLLOUT), 0);
	EQ(SYS(read, (uint64_t)p[0], galloc(100), 100), 100);
	EQ(SYS(write, (uint64_t)p[1], gj, 200), -LX_EAGAIN); /* 200 <= PIPE_BUF: all or nothing */
	EQ(SYS(write, (uint64_t)p[1], gj, 100), 100);
	EQ(SYS(read, (uint64_t)p[0], galloc(8192), 8192), 8192);
	EQ(fd_poll_ready(&E.p, (int)p[1], LX_POLLOUT), LX_POLLOUT);
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_SETPIPE_SZ, 4096), -LX_EBUSY);
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_SETPIPE_SZ, 1 << 20), 1 << 20);
	EQ(SYS(fcntl, (uint64_t)p[1], LX_F_GETPIPE_SZ), 1 << 20);
	/* the content survives the resize, in order */
	uint64_t gr = galloc(65536);
	EQ(SYS(read, (uint64_t)p[0], gr, 65536), 65536 - 8192);
	CHECK(((uint8_t *)H(gr))[0] == 'j');
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_SETPIPE_SZ, 1 << 21), 1 << 21); /* root may */
	set_user(1, 1);
	EQ(SYS(fcntl, (uint64_t)p[0], LX_F_SETPIPE_SZ, 1 << 22), -LX_EPERM);
	set_user(0, 0);
	xclose(p[0]);
	xclose(p[1]);
	free(junk);
	/* writev of small pieces is one atomic write; readv scatters */
	xpipe(p, 0);
	struct { uint64_t base, len; } iov[3] = {
		{ gstr("ab"), 2 }, { gstr("cde"), 3 }, { gstr("f"), 1 },
	};
	uint64_t giov = gbytes(iov, sizeof iov);
	EQ(SYS(writev, (uint64_t)p[1], giov, 3), 6);
	uint64_t r1 = galloc(4), r2 = galloc(4);
	struct { uint64_t base, len; } riov[2] = { { r1, 4 }, { r2, 4 } };
	EQ(SYS(readv, (uint64_t)p[0], gbytes(riov, sizeof riov), 2), 6);
	CHECK(!memcmp(H(r1), "abcd", 4) && !memcmp(H(r2), "ef", 2));
	EQ(SYS(readv, (uint64_t)p[0], giov, 2000), -LX_EINVAL);
	EQ(SYS(readv, (uint64_t)p[0], 0x20, 1), -LX_EFAULT);
	xclose(p[0]);
	xclose(p[1]);
	/* /proc/self/fd/N of a pipe reopens it */
	xpipe(p, 0);
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%ld", p[1]);
	EQ(xreadlink(link, buf, sizeof buf), (long)strlen(buf));
	CHECK(!strncmp(buf, "pipe:[", 6));
	long w2 = xopen(link, LX_O_WRONLY, 0);
	CHECK(w2 >= 0);
	EQ(xwrite(w2, "via proc"), 8);
	xclose(w2);
	EQ(xread(p[0], buf, sizeof buf), 8);
	STREQ(buf, "via proc");
	xclose(p[0]);
	xclose(p[1]);
	EQ(SYS(pipe2, galloc(8), 0x1), -LX_EINVAL);
	EQ(SYS(pipe2, 0x20, 0), -LX_EFAULT);
	env_fini();
}

static void test_fifo(void)
{
	env_init();
	char buf[64];
	EQ(SYS(mknodat, CWD, gstr("/fifo"), LX_S_IFIFO | 0644, 0), 0);
	/* O_WRONLY|O_NONBLOCK without a reader: ENXIO */
	EQ(xopen("/fifo", LX_O_WRONLY | LX_O_NONBLOCK, 0), -LX_ENXIO);
	/* a blocking reader opened first waits for a writer, not EOF */
	long r = xopen("/fifo", LX_O_RDONLY, 0);
	CHECK(r >= 0);
	EQ(xread(r, buf, sizeof buf), -RT_EBLOCK);
	EQ(fd_poll_ready(&E.p, (int)r, LX_POLLIN), 0);
	long w = xopen("/fifo", LX_O_WRONLY, 0);
	CHECK(w >= 0);
	EQ(xwrite(w, "fifo!"), 5);
	xclose(w);
	EQ(xread(r, buf, sizeof buf), 5);
	STREQ(buf, "fifo!");
	EQ(xread(r, buf, sizeof buf), 0); /* a writer came and went: EOF */
	xclose(r);
	/* a blocking writer opened first waits for a reader, not EPIPE */
	w = xopen("/fifo", LX_O_WRONLY, 0);
	last_signal = 0;
	EQ(xwrite(w, "x"), -RT_EBLOCK);
	EQ(last_signal, 0);
	r = xopen("/fifo", LX_O_RDONLY | LX_O_NONBLOCK, 0);
	EQ(xwrite(w, "x"), 1);
	xclose(r);
	EQ(xwrite(w, "x"), -LX_EPIPE);
	xclose(w);
	env_fini();
}

static void test_poll(void)
{
	env_init();
	long p[2];
	xpipe(p, 0);
	struct lx_pollfd pf[3] = {
		{ (int32_t)p[0], LX_POLLIN, 0 },
		{ (int32_t)p[1], LX_POLLOUT, 0 },
		{ 99, LX_POLLIN, 0 },
	};
	uint64_t g = gbytes(pf, sizeof pf);
	struct lx_timespec zero = { 0, 0 }, ten = { 10, 0 };
	EQ(SYS(ppoll, g, 3, gbytes(&zero, sizeof zero), 0, 0), 2);
	struct lx_pollfd *out = H(g);
	EQ(out[0].revents, 0);
	EQ(out[1].revents, LX_POLLOUT);
	EQ(out[2].revents, LX_POLLNVAL);
	/* nothing ready, with a timeout: block until the deadline */
	pf[1].fd = -1;
	pf[2].fd = -1;
	g = gbytes(pf, sizeof pf);
	uint64_t gt = gbytes(&ten, sizeof ten);
	E.t.restarting = 0;
	E.t.wait_deadline = 0;
	EQ(SYS(ppoll, g, 3, gt, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_POLL);
	EQ(E.t.wait_deadline, mono_now + 10000000000ULL);
	/* the retry keeps the deadline */
	uint64_t deadline = E.t.wait_deadline;
	E.t.restarting = 1;
	mono_now += 4000000000ULL;
	EQ(SYS(ppoll, g, 3, gt, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait_deadline, deadline);
	/* data arrives */
	EQ(xwrite(p[1], "x"), 1);
	EQ(SYS(ppoll, g, 3, gt, 0, 0), 1);
	EQ(((struct lx_pollfd *)H(g))[0].revents, LX_POLLIN);
	struct lx_timespec *left = H(gt);
	EQ(left->tv_sec, 6);
	EQ(SYS(read, (uint64_t)p[0], galloc(4), 4), 1);
	/* the deadline passes */
	mono_now = deadline + 1;
	EQ(SYS(ppoll, g, 3, gt, 0, 0), 0);
	E.t.restarting = 0;
	/* a sigmask is in force while blocked and restored after */
	E.t.sigmask = 0x5;
	uint64_t mask = 0xf000 | (1ULL << 8); /* includes SIGKILL: dropped */
	EQ(SYS(ppoll, g, 3, 0, gbytes(&mask, 8), 8), -RT_EBLOCK);
	EQ(E.t.sigmask, 0xf000);
	EQ(E.t.has_saved_sigmask, 1);
	EQ(xwrite(p[1], "y"), 1);
	E.t.restarting = 1;
	EQ(SYS(ppoll, g, 3, 0, gbytes(&mask, 8), 8), 1);
	EQ(E.t.sigmask, 0x5);
	EQ(E.t.has_saved_sigmask, 0);
	E.t.restarting = 0;
	EQ(SYS(ppoll, g, 3, 0, gbytes(&mask, 8), 4), -LX_EINVAL);
	struct lx_timespec bad = { 0, 2000000000 };
	EQ(SYS(ppoll, g, 3, gbytes(&bad, sizeof bad), 0, 0), -LX_EINVAL);
	EQ(SYS(ppoll, g, 100000, 0, 0, 0), -LX_EINVAL);
	EQ(SYS(ppoll, 0x20, 1, 0, 0, 0), -LX_EFAULT);
	/* pselect6 */
	uint64_t rset = ((uint64_t)1 << p[0]) | 1, wset = (uint64_t)1 << p[1];
	uint64_t grs = gbytes(&rset, 8), gws = gbytes(&wset, 8);
	EQ(SYS(pselect6, 64, grs, gws, 0, gbytes(&zero, sizeof zero), 0), 2);
	EQ(*(uint64_t *)H(grs), (uint64_t)1 << p[0]);
	EQ(*(uint64_t *)H(gws), (uint64_t)1 << p[1]);
	EQ(SYS(read, (uint64_t)p[0], galloc(4), 4), 1);
	rset = (uint64_t)1 << p[0];
	grs = gbytes(&rset, 8);
	EQ(SYS(pselect6, 64, grs, 0, 0, gbytes(&zero, sizeof zero), 0), 0);
	EQ(*(uint64_t *)H(grs), 0);
	grs = gbytes(&rset, 8);
	EQ(SYS(pselect6, 64, grs, 0, 0, 0, 0), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_POLL);
	EQ(E.t.wait_deadline, 0);
	rset = (uint64_t)1 << 40;
	EQ(SYS(pselect6, 64, gbytes(&rset, 8), 0, 0, 0, 0), -LX_EBADF);
	EQ(SYS(pselect6, (uint64_t)-1, 0, 0, 0, 0, 0), -LX_EINVAL);
	xclose(p[0]);
	/* POLLHUP on the read end's absence shows as POLLERR on the writer */
	pf[0].fd = (int32_t)p[1];
	pf[0].events = LX_POLLOUT;
	g = gbytes(pf, sizeof pf);
	EQ(SYS(ppoll, g, 1, gbytes(&zero, sizeof zero), 0, 0), 1);
	EQ(((struct lx_pollfd *)H(g))[0].revents, LX_POLLOUT | LX_POLLERR);
	xclose(p[1]);
	env_fini();
}

/* ---- tests: stdio, terminal, devices ---- */

static void test_stdio_streams(void)
{
	htty = 0;
	env_init();
	struct lx_stat st;
	EQ(xfstat(0, &st), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
	EQ(xfstat(1, &st), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
	EQ(xwrite(1, "out"), 3);
	EQ(xwrite(2, "err"), 3);
	EQ(houtlen[1], 3);
	CHECK(!memcmp(hout[1], "out", 3) && !memcmp(hout[2], "err", 3));
	EQ(SYS(write, 0, gstr("x"), 1), -LX_EBADF);
	EQ(SYS(read, 1, galloc(4), 4), -LX_EBADF);
	char buf[64];
	/* no input yet: the thread blocks; poll says not readable */
	EQ(xread(0, buf, sizeof buf), -RT_EBLOCK);
	EQ(E.t.wait_fd, 0);
	EQ(fd_poll_ready(&E.p, 0, LX_POLLIN), 0);
	hin = "line one\nline two\n";
	hinlen = strlen(hin);
	EQ(fd_poll_ready(&E.p, 0, LX_POLLIN), LX_POLLIN);
	uint64_t g = galloc(4);
	EQ(SYS(ioctl, 0, LX_FIONREAD, g), 0);
	EQ(*(int32_t *)H(g), (int32_t)hinlen);
	EQ(xread(0, buf, 6), 5);
	STREQ(buf, "line ");
	EQ(xread(0, buf, sizeof buf), 13);
	hin_eof = 1;
	EQ(fd_poll_ready(&E.p, 0, LX_POLLIN), LX_POLLIN);
	EQ(xread(0, buf, sizeof buf), 0);
	EQ(SYS(ioctl, 1, LX_TCGETS, galloc(64)), -LX_ENOTTY);
	EQ(SYS(ioctl, 1, LX_TIOCGWINSZ, galloc(64)), -LX_ENOTTY);
	EQ(xopen("/dev/tty", LX_O_RDWR, 0), -LX_ENXIO);
	/* /dev/stdout is a link through /proc/self/fd/1 to the stream */
	long fd = xopen("/dev/stdout", LX_O_WRONLY, 0);
	CHECK(fd >= 0);
	EQ(xwrite(fd, "!"), 1);
	EQ(houtlen[1], 4);
	xclose(fd);
	EQ(xreadlink("/proc/self/fd/1", buf, sizeof buf), (long)strlen(buf));
	CHECK(!strncmp(buf, "pipe:[", 6));
	/* writev to a stream */
	struct { uint64_t base, len; } iov[2] = { { gstr("a"), 1 }, { gstr("bc"), 2 } };
	EQ(SYS(writev, 2, gbytes(iov, sizeof iov), 2), 3);
	CHECK(!memcmp(hout[2], "errabc", 6));
	env_fini();
}

static void test_tty(void)
{
	htty = 7;
	env_init();
	struct lx_stat st;
	EQ(xfstat(0, &st), 0);
	EQ(st.st_mode, LX_S_IFCHR | 0620);
	EQ(st.st_rdev, lx_makedev(136, 0));
	struct lx_stat pts;
	EQ(xstat("/dev/pts/0", &pts, 0), 0);
	EQ(pts.st_ino, st.st_ino); /* what ttyname() compares */
	char buf[64];
	EQ(xreadlink("/proc/self/fd/0", buf, sizeof buf), 10);
	STREQ(buf, "/dev/pts/0");
	uint64_t g = galloc(64);
	EQ(SYS(ioctl, 0, LX_TCGETS, g), 0);
	struct lx_termios tio;
	memcpy(&tio, H(g), sizeof tio);
	CHECK(tio.c_lflag & LX_ICANON);
	CHECK(tio.c_lflag & LX_ECHO);
	EQ(tio.c_cc[LX_VINTR], 3);
	EQ(tio.c_cc[LX_VMIN], 1);
	tio.c_lflag &= ~(uint32_t)(LX_ICANON | LX_ECHO);
	memcpy(H(g), &tio, sizeof tio);
	unsigned gen0, gen1;
	vfs_tty_termios(E.r.vfs, &gen0);
	EQ(SYS(ioctl, 1, LX_TCSETSW, g), 0);
	const struct lx_termios *cur = vfs_tty_termios(E.r.vfs, &gen1);
	EQ(gen1, gen0 + 1);
	EQ(cur->c_lflag & LX_ICANON, 0);
	EQ(SYS(ioctl, 2, LX_TCGETS2, g), 0);
	EQ(((struct lx_termios2 *)H(g))->c_ospeed, 38400);
	EQ(SYS(ioctl, 0, LX_TIOCGWINSZ, g), 0);
	struct lx_winsize ws;
	memcpy(&ws, H(g), sizeof ws);
	EQ(ws.ws_row, 50);
	EQ(ws.ws_col, 132);
	EQ(SYS(ioctl, 0, LX_TIOCSPGRP, gbytes(&(int32_t){ 7 }, 4)), 0);
	EQ(SYS(ioctl, 0, LX_TIOCGPGRP, g), 0);
	EQ(*(int32_t *)H(g), 7);
	EQ(SYS(ioctl, 0, LX_TIOCSCTTY, 0), 0);
	EQ(SYS(ioctl, 0, LX_TIOCGSID, g), 0);
	EQ(*(int32_t *)H(g), 1);
	EQ(SYS(ioctl, 0, 0x1234, g), -LX_ENOTTY);
	EQ(SYS(ioctl, 0, LX_TCGETS, 0x20), -LX_EFAULT);
	EQ(SYS(ioctl, 0, LX_FIONBIO, gbytes(&(int32_t){ 1 }, 4)), 0);
	EQ(SYS(fcntl, 0, LX_F_GETFL) & LX_O_NONBLOCK, LX_O_NONBLOCK);
	char b2[8];
	EQ(xread(0, b2, sizeof b2), -LX_EAGAIN);
	EQ(SYS(ioctl, 0, LX_FIONBIO, gbytes(&(int32_t){ 0 }, 4)), 0);
	EQ(xread(0, b2, sizeof b2), -RT_EBLOCK);
	EQ(E.t.wait, RT_WAIT_FD);
	/* writes on fd 0 of a terminal reach the terminal */
	EQ(xwrite(0, "prompt"), 6);
	EQ(houtlen[1], 6);
	/* /dev/tty is the same terminal */
	long fd = xopen("/dev/tty", LX_O_RDWR, 0);
	CHECK(fd >= 0);
	EQ(SYS(ioctl, (uint64_t)fd, LX_TCGETS, g), 0);
	EQ(xwrite(fd, "x"), 1);
	xclose(fd);
	EQ(SYS(fsync, 1, 0), -LX_EINVAL);
	/* ioctls on files */
	write_file("/f", "12345");
	fd = xopen("/f", LX_O_RDONLY, 0);
	EQ(SYS(ioctl, (uint64_t)fd, LX_TCGETS, g), -LX_ENOTTY);
	EQ(SYS(ioctl, (uint64_t)fd, LX_FIONREAD, g), 0);
	EQ(*(int32_t *)H(g), 5);
	EQ(SYS(ioctl, (uint64_t)fd, LX_FIOCLEX, 0), 0);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETFD), 1);
	EQ(SYS(ioctl, (uint64_t)fd, LX_FIONCLEX, 0), 0);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETFD), 0);
	xclose(fd);
	EQ(SYS(ioctl, 99, LX_TCGETS, g), -LX_EBADF);
	env_fini();
	htty = 0;
}

/* The line discipline: a raw host terminal on stdin (tty.c). */
static void test_ldisc(void)
{
	htty = 7;
	env_init();
	char buf[64];
	/* Canonical: erase, CR -> NL, echo with NL -> CR NL. */
	hin = "ab\x7f" "c\r";
	hinlen = 5;
	EQ(xread(0, buf, sizeof buf), 3);
	CHECK(!memcmp(buf, "ac\n", 3));
	EQ(houtlen[1], 8);
	CHECK(!memcmp(hout[1], "ab\b \bc\r\n", 8));
	/* An incomplete line is not readable yet; its end makes it so. */
	houtlen[1] = 0;
	hin = "xy";
	hinlen = 2;
	hinpos = 0;
	EQ(xread(0, buf, sizeof buf), -RT_EBLOCK);
	hin = "z\n";
	hinlen = 2;
	hinpos = 0;
	EQ(xread(0, buf, sizeof buf), 4);
	CHECK(!memcmp(buf, "xyz\n", 4));
	/* One line per read; ^U kills, ^W erases a word. */
	hin = "one\ntwo\nkill\x15" "a b\x17" "c\n";
	hinlen = 19;
	hinpos = 0;
	EQ(xread(0, buf, sizeof buf), 4);
	EQ(xread(0, buf, sizeof buf), 4);
	EQ(xread(0, buf, sizeof buf), 4);
	CHECK(!memcmp(buf, "a c\n", 4));
	/* ^D: the partial line, then on an empty line end of file. */
	hin = "pa\x04\x04";
	hinlen = 4;
	hinpos = 0;
	EQ(xread(0, buf, sizeof buf), 2);
	EQ(xread(0, buf, sizeof buf), 0);
	/* ^C: SIGINT to the foreground group, pending input dropped, ^C echoed. */
	houtlen[1] = 0;
	hin = "lost\x03";
	hinlen = 5;
	hinpos = 0;
	tty_service(&E.r);
	EQ(last_signal, 2);
	CHECK(houtlen[1] >= 2 && !memcmp(hout[1] + houtlen[1] - 2, "^C", 2));
	EQ(xread(0, buf, sizeof buf), -RT_EBLOCK);
	/* Raw mode (no ICANON, ISIG, ECHO, ICRNL, OPOST): bytes as typed. */
	uint64_t g = galloc(64);
	EQ(SYS(ioctl, 0, LX_TCGETS, g), 0);
	struct lx_termios tio;
	memcpy(&tio, H(g), sizeof tio);
	struct lx_termios cooked = tio;
	tio.c_lflag &= ~(uint32_t)(LX_ICANON | LX_ISIG | LX_ECHO);
	tio.c_iflag &= ~(uint32_t)LX_ICRNL;
	tio.c_oflag &= ~(uint32_t)LX_OPOST;
	memcpy(H(g), &tio, sizeof tio);
	EQ(SYS(ioctl, 0, LX_TCSETS, g), 0);
	houtlen[1] = 0;
	last_signal = 0;
	hin = "\x03\r";
	hinlen = 2;
	hinpos = 0;
	EQ(xread(0, buf, sizeof buf), 2);
	CHECK(!memcmp(buf, "\x03\r", 2));
	EQ(last_signal, 0);
	EQ(houtlen[1], 0);
	EQ(xwrite(1, "a\n"), 2);
	CHECK(houtlen[1] == 2 && !memcmp(hout[1], "a\n", 2));
	/* VMIN 0, VTIME 0: a read returns at once. */
	tio.c_cc[LX_VMIN] = 0;
	memcpy(H(g), &tio, sizeof tio);
	EQ(SYS(ioctl, 0, LX_TCSETS, g), 0);
	EQ(xread(0, buf, sizeof buf), 0);
	memcpy(H(g), &cooked, sizeof cooked);
	EQ(SYS(ioctl, 0, LX_TCSETS, g), 0);
	env_fini();
	htty = 0;
}

static void test_dev(void)
{
	env_init();
	char buf[64];
	long fd = xopen("/dev/null", LX_O_RDWR, 0);
	EQ(xwrite(fd, "into the void"), 13);
	EQ(xread(fd, buf, sizeof buf), 0);
	EQ(SYS(lseek, (uint64_t)fd, 100, LX_SEEK_SET), 0);
	xclose(fd);
	fd = xopen("/dev/zero", LX_O_RDONLY, 0);
	uint64_t g = galloc(16);
	memset(H(g), 1, 16);
	EQ(SYS(read, (uint64_t)fd, g, 16), 16);
	CHECK(!memcmp(H(g), "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
	xclose(fd);
	fd = xopen("/dev/full", LX_O_WRONLY, 0);
	EQ(xwrite(fd, "x"), -LX_ENOSPC);
	xclose(fd);
	fd = xopen("/dev/urandom", LX_O_RDONLY, 0);
	EQ(SYS(read, (uint64_t)fd, g, 16), 16);
	EQ(((uint8_t *)H(g))[3], 0xa5);
	xclose(fd);
	struct lx_stat st;
	EQ(xstat("/dev/random", &st, 0), 0);
	EQ(st.st_rdev, lx_makedev(1, 8));
	EQ(xreadlink("/dev/fd", buf, sizeof buf), 13);
	STREQ(buf, "/proc/self/fd");
	EQ(xstat("/dev/fd/1", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
	env_fini();
}

/* ---- tests: /proc ---- */

static void test_proc(void)
{
	env_init();
	char buf[256];
	long fd;
	EQ(xreadlink("/proc/self", buf, sizeof buf), 1);
	STREQ(buf, "1");
	EQ(xreadlink("/proc/self/exe", buf, sizeof buf), 7);
	STREQ(buf, "/bin/sh");
	EQ(xreadlink("/proc/1/cwd", buf, sizeof buf), 1);
	STREQ(buf, "/");
	EQ(xreadlink("/proc/mounts", buf, sizeof buf), 11);
	struct lx_stat st;
	EQ(xstat("/proc/2", &st, 0), -LX_ENOENT);
	EQ(xstat("/proc/self/cwd", &st, 0), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
	EQ(xstat("/proc/cpuinfo", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 0444);
	EQ(st.st_size, 0);
	fd = xopen("/proc/cpuinfo", LX_O_WRONLY, 0); /* root may open it... */
	CHECK(fd >= 0);
	EQ(xwrite(fd, "x"), -LX_EIO);                 /* ...but not write it */
	xclose(fd);
	set_user(3, 3);
	EQ(xopen("/proc/cpuinfo", LX_O_WRONLY, 0), -LX_EACCES);
	set_user(0, 0);
	EQ(xopen("/proc/newfile", LX_O_WRONLY | LX_O_CREAT, 0644), -LX_ENOENT);
	EQ(xmkdir("/proc/x", 0755), -LX_ENOENT);
	EQ(xunlink("/proc/cpuinfo", 0), -LX_EPERM);
	EQ(SYS(linkat, CWD, gstr("/proc/cpuinfo"), CWD, gstr("/cpu"), 0), -LX_EXDEV);
	char *s = slurp("/proc/cpuinfo");
	CHECK(s && strstr(s, "isa\t\t: rv64imafdc_zicsr_zifencei\n") && strstr(s, "mmu\t\t: sv39"));
	free(s);
	s = slurp("/proc/meminfo");
	CHECK(s && strstr(s, "MemTotal:          16384 kB\n"));
	free(s);
	s = slurp("/proc/self/mounts");
	CHECK(s && !strncmp(s, "overlay / overlay rw", 20));
	free(s);
	s = slurp("/proc/sys/kernel/ostype");
	STREQ(s, "Linux\n");
	free(s);
	s = slurp("/proc/sys/kernel/hostname");
	STREQ(s, "friscy\n");
	free(s);
	s = slurp("/proc/uptime");
	STREQ(s, "5.00 5.00\n");
	free(s);
	s = slurp("/proc/self/comm");
	STREQ(s, "sh\n");
	free(s);
	E.p.cmdline = "sh\0-c\0true";
	E.p.cmdline_len = 11;
	fd = xopen("/proc/self/cmdline", LX_O_RDONLY, 0);
	uint64_t g = galloc(64);
	EQ(SYS(read, (uint64_t)fd, g, 64), 11);
	CHECK(!memcmp(H(g), "sh\0-c\0true", 11));
	EQ(SYS(lseek, (uint64_t)fd, 3, LX_SEEK_SET), 3);
	EQ(SYS(read, (uint64_t)fd, g, 64), 8);
	xclose(fd);
	E.p.cmdline = NULL;
	s = slurp("/proc/self/status");
	CHECK(s && strstr(s, "Name:\tsh\n") && strstr(s, "Pid:\t1\n") && strstr(s, "PPid:\t0\n") &&
	      strstr(s, "Uid:\t0\t0\t0\t0\n") && strstr(s, "State:\tR (running)\n"));
	free(s);
	s = slurp("/proc/self/stat");
	CHECK(s && !strncmp(s, "1 (sh) R 0 1 1 ", 15));
	int fields = 0;
	for (char *c = s; c && *c; c++)
		fields += *c == ' ';
	EQ(fields, 51);
	free(s);
	/* maps: Linux's format */
	rv_mem mm = { 0 };
	mem_vma v[4] = {
		{ 0x10000, 0x12000, MEM_R | MEM_X, 0, 0, "/bin/sh", NULL },
		{ 0x12000, 0x13000, MEM_R | MEM_W, 0, 0x2000, "/bin/sh", NULL },
		{ 0x20000, 0x40000, MEM_R | MEM_W, VMA_ANON | VMA_HEAP, 0, NULL, NULL },
		{ 0x7ff000, 0x800000, MEM_R | MEM_W, VMA_ANON | VMA_STACK, 0, NULL, NULL },
	};
	mm.vma = v;
	mm.nvma = 4;
	E.p.mem = &mm;
	char *maps = NULL;
	size_t mlen = 0;
	struct vfs_path lp;
	EQ(vfs_lookup(&E.p, vfs_root(E.r.vfs), "/proc/self/maps", VFS_EXIST, &lp), 0);
	EQ(vfs_proc_content(&E.p, lp.node, &maps, &mlen), 0);
	vfs_path_put(&lp);
	E.p.mem = &gmem;
	CHECK(maps && !strncmp(maps, "00010000-00012000 r-xp 00000000 00:00 0 ", 40));
	const char *heap = maps ? strstr(maps, "00020000-00040000 rw-p 00000000 00:00 0") : NULL;
	CHECK(heap != NULL);
	if (heap) {
		const char *nl = strchr(heap, '\n');
		EQ(nl - heap, 73 + 6);
		CHECK(!strncmp(heap + 73, "[heap]", 6));
	}
	CHECK(maps && strstr(maps, "[stack]\n"));
	free(maps);
	/* fd directory */
	EQ(xstat("/proc/self/fd/0", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode, LX_S_IFLNK | 0500);
	EQ(xstat("/proc/self/fd/1", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode, LX_S_IFLNK | 0300);
	EQ(xstat("/proc/self/fd/9", &st, 0), -LX_ENOENT);
	EQ(xstat("/proc/self/fd/01", &st, 0), -LX_ENOENT);
	fd = xopen("/proc/self/fd", LX_O_RDONLY | LX_O_DIRECTORY, 0);
	g = galloc(1024);
	long r = SYS(getdents64, (uint64_t)fd, g, 1024);
	struct dent e[16];
	int n = parse_dents(H(g), r, e, 16);
	EQ(n, 6); /* . .. 0 1 2 and itself */
	STREQ(e[2].name, "0");
	STREQ(e[5].name, "3");
	xclose(fd);
	/* /proc/self/cwd is a magic link to the cwd node */
	EQ(xmkdir("/work", 0755), 0);
	EQ(SYS(chdir, gstr("/work")), 0);
	EQ(xreadlink("/proc/self/cwd", buf, sizeof buf), 5);
	write_file("/proc/self/cwd/made", "m");
	EQ(xstat("/work/made", &st, 0), 0);
	uint64_t gs = galloc(128);
	EQ(SYS(statfs, gstr("/proc"), gs), 0);
	EQ(((struct lx_statfs *)H(gs))->f_type, LX_PROC_SUPER_MAGIC);
	EQ(SYS(chdir, gstr("/")), 0);
	env_fini();
}

/* ---- tests: descriptors and metadata ---- */

static void test_fd_table(void)
{
	env_init();
	write_file("/f", "0123456789");
	long fd = xopen("/f", LX_O_RDONLY | LX_O_CLOEXEC, 0);
	EQ(fd, 3);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETFD), LX_FD_CLOEXEC);
	long d = SYS(dup, (uint64_t)fd);
	EQ(d, 4);
	EQ(SYS(fcntl, (uint64_t)d, LX_F_GETFD), 0);
	/* duplicates share the offset */
	char buf[16];
	EQ(xread(fd, buf, 4), 3);
	EQ(SYS(lseek, (uint64_t)d, 0, LX_SEEK_CUR), 3);
	EQ(SYS(dup3, (uint64_t)fd, 10, LX_O_CLOEXEC), 10);
	EQ(SYS(fcntl, 10, LX_F_GETFD), LX_FD_CLOEXEC);
	EQ(SYS(dup3, (uint64_t)fd, (uint64_t)fd, 0), -LX_EINVAL);
	EQ(SYS(dup3, (uint64_t)fd, 11, 0x4), -LX_EINVAL);
	EQ(SYS(dup3, 77, 11, 0), -LX_EBADF);
	EQ(SYS(dup3, (uint64_t)fd, 5000, 0), -LX_EBADF);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_DUPFD, 20), 20);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_DUPFD_CLOEXEC, 20), 21);
	EQ(SYS(fcntl, 21, LX_F_GETFD), LX_FD_CLOEXEC);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_DUPFD, 5000), -LX_EINVAL);
	EQ(SYS(fcntl, (uint64_t)fd, 9999), -LX_EINVAL);
	/* fork: a copy of the table shares the open files */
	struct fd_table *parent = E.p.fds, *child = fd_table_clone(parent);
	CHECK(child != NULL);
	fd_close_on_exec(child);
	CHECK(child->file[3] == NULL && child->file[10] == NULL && child->file[21] == NULL);
	CHECK(child->file[4] == parent->file[4] && child->file[20] != NULL);
	fd_table_unref(child);
	/* dup3 over an open fd closes it */
	EQ(SYS(dup3, 1, 4, 0), 4);
	struct lx_stat st;
	EQ(xfstat(4, &st), 0);
	EQ(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
	EQ(SYS(close_range, 10, 30, LX_CLOSE_RANGE_CLOEXEC), 0);
	EQ(SYS(fcntl, 20, LX_F_GETFD), LX_FD_CLOEXEC);
	EQ(SYS(close_range, 10, 30, 0), 0);
	EQ(SYS(fcntl, 20, LX_F_GETFD), -LX_EBADF);
	EQ(SYS(close_range, 5, 4, 0), -LX_EINVAL);
	EQ(SYS(close_range, 5, 6, 1), -LX_EINVAL);
	/* fd_pread / fd_path / fd_node for the rest of the runtime */
	char host[8];
	EQ(fd_pread(&E.p, (int)fd, host, 4, 6), 4);
	CHECK(!memcmp(host, "6789", 4));
	char *path = fd_path(&E.p, (int)fd);
	STREQ(path, "/f");
	free(path);
	CHECK(fd_path(&E.p, 99) == NULL);
	CHECK(fd_node(&E.p, (int)fd) != NULL);
	EQ(fd_pread(&E.p, 99, host, 4, 0), -LX_EBADF);
	/* locks: nobody else holds one */
	struct lx_flock fl = { LX_F_WRLCK, 0, 0, 0, 0, 0, 0 };
	uint64_t g = gbytes(&fl, sizeof fl);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETLK, g), 0);
	EQ(((struct lx_flock *)H(g))->l_type, LX_F_UNLCK);
	g = gbytes(&fl, sizeof fl);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_SETLK, g), -LX_EBADF); /* read-only fd */
	fl.l_type = LX_F_RDLCK;
	g = gbytes(&fl, sizeof fl);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_SETLKW, g), 0);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_OFD_SETLK, g), 0);
	fl.l_pid = 5;
	g = gbytes(&fl, sizeof fl);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_OFD_SETLK, g), -LX_EINVAL);
	fl.l_type = 9;
	g = gbytes(&fl, sizeof fl);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_SETLK, g), -LX_EINVAL);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_SETLK, 0x20), -LX_EFAULT);
	EQ(SYS(flock, (uint64_t)fd, LX_LOCK_EX | LX_LOCK_NB), 0);
	EQ(SYS(flock, (uint64_t)fd, 3), -LX_EINVAL);
	EQ(SYS(flock, 99, LX_LOCK_EX), -LX_EBADF);
	EQ(SYS(fcntl, (uint64_t)fd, LX_F_GETPIPE_SZ), -LX_EBADF);
	/* fchdir */
	long dfd = xopen("/tmp", LX_O_RDONLY | LX_O_PATH, 0);
	EQ(SYS(fchdir, (uint64_t)dfd), 0);
	g = galloc(64);
	EQ(SYS(getcwd, g, 64), 5);
	STREQ((char *)H(g), "/tmp");
	EQ(SYS(fchdir, (uint64_t)fd), -LX_ENOTDIR);
	EQ(SYS(fcntl, (uint64_t)dfd, LX_F_GETFL), LX_O_PATH);
	char link[64], lbuf[64];
	snprintf(link, sizeof link, "/proc/self/fd/%ld", dfd);
	struct lx_stat lst;
	EQ(xstat(link, &lst, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(lst.st_mode, LX_S_IFLNK);
	EQ(xreadlink(link, lbuf, sizeof lbuf), 4);
	EQ(SYS(fcntl, (uint64_t)dfd, LX_F_SETFL, 0), -LX_EBADF);
	EQ(SYS(fstat, (uint64_t)dfd, galloc(128)), 0);
	EQ(SYS(fchmod, (uint64_t)dfd, 0700), -LX_EBADF);
	EQ(SYS(chdir, gstr("/")), 0);
	EQ(SYS(chdir, gstr("/f")), -LX_ENOTDIR);
	/* umask */
	EQ(SYS(umask, 077), 022);
	EQ(SYS(umask, 022), 077);
	env_fini();
}

static void test_metadata(void)
{
	env_init();
	struct lx_stat st;
	write_file("/f", "abc");
	/* utimensat */
	struct lx_timespec ts[2] = { { 1000, 5 }, { 2000, LX_UTIME_OMIT } };
	EQ(SYS(utimensat, CWD, gstr("/f"), gbytes(ts, sizeof ts), 0), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_atime_sec, 1000);
	EQ(st.st_atime_nsec, 5);
	CHECK(st.st_mtime_sec > 1700000000L);
	ts[0].tv_nsec = LX_UTIME_OMIT;
	ts[1].tv_nsec = 0;
	EQ(SYS(utimensat, CWD, gstr("/f"), gbytes(ts, sizeof ts), 0), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_mtime_sec, 2000);
	EQ(st.st_atime_sec, 1000);
	mono_now += 7000000000ULL;
	EQ(SYS(utimensat, CWD, gstr("/f"), 0, 0), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_mtime_sec, (int64_t)(h_real() / 1000000000ULL));
	EQ(st.st_atime_sec, st.st_mtime_sec);
	ts[0].tv_nsec = 1000000000;
	EQ(SYS(utimensat, CWD, gstr("/f"), gbytes(ts, sizeof ts), 0), -LX_EINVAL);
	ts[0].tv_nsec = ts[1].tv_nsec = LX_UTIME_OMIT;
	EQ(SYS(utimensat, CWD, gstr("/nonexistent"), gbytes(ts, sizeof ts), 0), 0);
	EQ(SYS(utimensat, CWD, 0, 0, 0), -LX_EFAULT);
	long fd = xopen("/f", LX_O_RDONLY, 0);
	EQ(SYS(utimensat, (uint64_t)fd, 0, 0, 0), 0);
	EQ(SYS(utimensat, CWD, gstr("/f"), 0, 0x8), -LX_EINVAL);
	set_user(9, 9);
	ts[0].tv_nsec = 0;
	ts[1].tv_nsec = 0;
	EQ(SYS(utimensat, CWD, gstr("/f"), gbytes(ts, sizeof ts), 0), -LX_EPERM);
	EQ(SYS(utimensat, CWD, gstr("/f"), 0, 0), -LX_EACCES);
	set_user(0, 0);
	/* chmod, chown */
	EQ(SYS(fchmod, (uint64_t)fd, 04755), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 04755);
	EQ(SYS(fchown, (uint64_t)fd, 5, (uint64_t)-1), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_uid, 5);
	EQ(st.st_gid, 0);
	EQ(st.st_mode, LX_S_IFREG | 0755); /* chown drops setuid */
	EQ(xsymlink("/f", "/l"), 0);
	EQ(SYS(fchownat, CWD, gstr("/l"), 7, 7, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(xstat("/l", &st, LX_AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_uid, 7);
	EQ(xstat("/l", &st, 0), 0);
	EQ(st.st_uid, 5);
	EQ(SYS(fchownat, CWD, gstr("/l"), 7, 7, 0x1), -LX_EINVAL);
	EQ(SYS(fchmodat2, CWD, gstr("/l"), 0700, LX_AT_SYMLINK_NOFOLLOW), -LX_EOPNOTSUPP);
	EQ(SYS(fchmodat2, CWD, gstr("/l"), 0700, 0), 0);
	EQ(xstat("/f", &st, 0), 0);
	EQ(st.st_mode, LX_S_IFREG | 0700);
	/* statx */
	uint64_t g = galloc(256);
	EQ(SYS(statx, CWD, gstr("/f"), 0, LX_STATX_BASIC_STATS, g), 0);
	struct lx_statx *sx = H(g);
	EQ(sx->stx_mask & LX_STATX_BASIC_STATS, LX_STATX_BASIC_STATS);
	EQ(sx->stx_size, 3);
	EQ(sx->stx_mode, LX_S_IFREG | 0700);
	EQ(sx->stx_uid, 5);
	EQ(sx->stx_ino, st.st_ino);
	EQ(sx->stx_dev_minor, 0x2f);
	EQ(SYS(statx, CWD, gstr("/f"), 0, LX_STATX__RESERVED, g), -LX_EINVAL);
	EQ(SYS(statx, CWD, gstr("/f"), 0x6000, 0, g), -LX_EINVAL);
	EQ(SYS(statx, (uint64_t)fd, 0, LX_AT_EMPTY_PATH, LX_STATX_SIZE, g), 0);
	EQ(sx->stx_size, 3);
	EQ(SYS(statx, CWD, gstr("/dev/null"), 0, LX_STATX_BASIC_STATS, g), 0);
	EQ(sx->stx_rdev_major, 1);
	EQ(sx->stx_rdev_minor, 3);
	xclose(fd);
	/* statfs */
	EQ(SYS(statfs, gstr("/"), g), 0);
	EQ(((struct lx_statfs *)H(g))->f_type, LX_OVERLAYFS_SUPER_MAGIC);
	EQ(((struct lx_statfs *)H(g))->f_namelen, 255);
	EQ(SYS(statfs, gstr("/dev/shm"), g), 0);
	EQ(((struct lx_statfs *)H(g))->f_type, LX_TMPFS_MAGIC);
	EQ(SYS(statfs, gstr("/dev/pts/0"), g), 0);
	EQ(((struct lx_statfs *)H(g))->f_type, LX_DEVPTS_SUPER_MAGIC);
	EQ(SYS(fstatfs, 0, g), 0);
	EQ(((struct lx_statfs *)H(g))->f_type, LX_PIPEFS_MAGIC);
	EQ(SYS(statfs, gstr("/nope"), g), -LX_ENOENT);
	/* fallocate */
	fd = xopen("/f", LX_O_RDWR, 0);
	EQ(SYS(fallocate, (uint64_t)fd, 0, 0, 100), 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_size, 100);
	EQ(SYS(fallocate, (uint64_t)fd, LX_FALLOC_FL_KEEP_SIZE, 0, 1000), 0);
	EQ(xfstat(fd, &st), 0);
	EQ(st.st_size, 100);
	EQ(SYS(fallocate, (uint64_t)fd, LX_FALLOC_FL_PUNCH_HOLE | LX_FALLOC_FL_KEEP_SIZE, 1, 1), 0);
	g = galloc(4);
	EQ(SYS(pread64, (uint64_t)fd, g, 3, 0), 3);
	CHECK(!memcmp(H(g), "a\0c", 3));
	EQ(SYS(fallocate, (uint64_t)fd, LX_FALLOC_FL_PUNCH_HOLE, 0, 1), -LX_EOPNOTSUPP);
	EQ(SYS(fallocate, (uint64_t)fd, 0, 0, 0), -LX_EINVAL);
	EQ(SYS(fsync, (uint64_t)fd), 0);
	EQ(SYS(fdatasync, (uint64_t)fd), 0);
	EQ(SYS(fadvise64, (uint64_t)fd, 0, 0, 4), 0);
	EQ(SYS(fadvise64, (uint64_t)fd, 0, 0, 9), -LX_EINVAL);
	EQ(SYS(syncfs, (uint64_t)fd), 0);
	EQ(SYS(sync), 0);
	xclose(fd);
	env_fini();
}

static void test_memfd_tmpfile_sendfile(void)
{
	env_init();
	char buf[64];
	long m = SYS(memfd_create, gstr("blob"), LX_MFD_CLOEXEC | LX_MFD_ALLOW_SEALING);
	CHECK(m >= 0);
	EQ(SYS(fcntl, (uint64_t)m, LX_F_GETFD), LX_FD_CLOEXEC);
	EQ(xwrite(m, "memory"), 6);
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%ld", m);
	EQ(xreadlink(link, buf, sizeof buf), (long)strlen("/memfd:blob (deleted)"));
	STREQ(buf, "/memfd:blob (deleted)");
	EQ(SYS(fcntl, (uint64_t)m, LX_F_ADD_SEALS, LX_F_SEAL_WRITE | LX_F_SEAL_SHRINK), 0);
	EQ(SYS(fcntl, (uint64_t)m, LX_F_GET_SEALS), LX_F_SEAL_WRITE | LX_F_SEAL_SHRINK);
	EQ(xwrite(m, "x"), -LX_EPERM);
	EQ(SYS(ftruncate, (uint64_t)m, 1), -LX_EPERM);
	EQ(SYS(ftruncate, (uint64_t)m, 100), 0);
	EQ(SYS(fcntl, (uint64_t)m, LX_F_ADD_SEALS, LX_F_SEAL_SEAL), 0);
	EQ(SYS(fcntl, (uint64_t)m, LX_F_ADD_SEALS, LX_F_SEAL_GROW), -LX_EPERM);
	EQ(fd_pread(&E.p, (int)m, buf, 6, 0), 6);
	CHECK(!memcmp(buf, "memory", 6));
	long m2 = SYS(memfd_create, gstr("plain"), 0);
	EQ(SYS(fcntl, (uint64_t)m2, LX_F_ADD_SEALS, LX_F_SEAL_WRITE), -LX_EPERM);
	EQ(SYS(fcntl, (uint64_t)m2, LX_F_GET_SEALS), LX_F_SEAL_SEAL);
	EQ(SYS(memfd_create, gstr("x"), 0x100), -LX_EINVAL);
	char longname[300];
	memset(longname, 'm', 260);
	longname[260] = 0;
	EQ(SYS(memfd_create, gstr(longname), 0), -LX_EINVAL);
	long f = xopen("/", LX_O_RDONLY, 0);
	EQ(SYS(fcntl, (uint64_t)f, LX_F_GET_SEALS), -LX_EINVAL);
	xclose(f);
	/* O_TMPFILE, then linkat gives it a name */
	long t = xopen("/tmp", LX_O_TMPFILE | LX_O_RDWR, 0600);
	CHECK(t >= 0);
	EQ(xwrite(t, "temp"), 4);
	struct lx_stat st;
	EQ(xfstat(t, &st), 0);
	EQ(st.st_nlink, 0);
	snprintf(link, sizeof link, "/proc/self/fd/%ld", t);
	EQ(xreadlink(link, buf, sizeof buf), (long)strlen(buf));
	CHECK(!strncmp(buf, "/tmp/#", 6) && strstr(buf, " (deleted)"));
	EQ(SYS(linkat, (uint64_t)t, gstr(""), CWD, gstr("/tmp/named"), LX_AT_EMPTY_PATH), 0);
	char *s = slurp("/tmp/named");
	STREQ(s, "temp");
	free(s);
	EQ(xfstat(t, &st), 0);
	EQ(st.st_nlink, 1);
	EQ(xopen("/tmp", LX_O_TMPFILE | LX_O_RDONLY, 0600), -LX_EINVAL);
	EQ(xopen("/tmp/named", LX_O_TMPFILE | LX_O_RDWR, 0600), -LX_ENOTDIR);
	/* linkat of an unlinked ordinary file: ENOENT */
	write_file("/tmp/u", "u");
	long u = xopen("/tmp/u", LX_O_RDONLY, 0);
	EQ(xunlink("/tmp/u", 0), 0);
	EQ(SYS(linkat, (uint64_t)u, gstr(""), CWD, gstr("/tmp/u2"), LX_AT_EMPTY_PATH), -LX_ENOENT);
	xclose(u);
	/* sendfile */
	write_file("/src", "0123456789");
	long in = xopen("/src", LX_O_RDONLY, 0);
	long out = xopen("/dst", LX_O_WRONLY | LX_O_CREAT, 0644);
	int64_t off = 2;
	uint64_t goff = gbytes(&off, 8);
	EQ(SYS(sendfile, (uint64_t)out, (uint64_t)in, goff, 5), 5);
	EQ(*(int64_t *)H(goff), 7);
	EQ(SYS(lseek, (uint64_t)in, 0, LX_SEEK_CUR), 0);
	EQ(SYS(sendfile, (uint64_t)out, (uint64_t)in, 0, 100), 10);
	EQ(SYS(lseek, (uint64_t)in, 0, LX_SEEK_CUR), 10);
	s = slurp("/dst");
	STREQ(s, "234560123456789");
	free(s);
	long p[2];
	xpipe(p, 0);
	EQ(SYS(sendfile, (uint64_t)out, (uint64_t)p[0], 0, 1), -LX_EINVAL);
	EQ(SYS(sendfile, (uint64_t)p[1], (uint64_t)in, gbytes(&(int64_t){ 0 }, 8), 4), 4);
	EQ(xread(p[0], buf, sizeof buf), 4);
	STREQ(buf, "0123");
	EQ(SYS(sendfile, (uint64_t)in, (uint64_t)in, 0, 1), -LX_EBADF);
	xclose(p[0]);
	xclose(p[1]);
	/* pwritev/preadv on a file */
	struct { uint64_t base, len; } iov[2] = { { gstr("AB"), 2 }, { gstr("CD"), 2 } };
	EQ(SYS(pwritev, (uint64_t)out, gbytes(iov, sizeof iov), 2, 1), 4);
	s = slurp("/dst");
	STREQ(s, "2ABCD0123456789");
	free(s);
	xclose(in);
	xclose(out);
	xclose(m);
	xclose(m2);
	xclose(t);
	env_fini();
}

static void test_hostname_and_root(void)
{
	env_init();
	vfs_set_hostname(E.r.vfs, "box-1");
	STREQ(vfs_hostname(E.r.vfs), "box-1");
	char *s = slurp("/proc/sys/kernel/hostname");
	STREQ(s, "box-1\n");
	free(s);
	long fd = xopen("/proc/sys/kernel/hostname", LX_O_WRONLY, 0);
	EQ(xwrite(fd, "renamed\n"), 8);
	xclose(fd);
	STREQ(vfs_hostname(E.r.vfs), "renamed");
	s = slurp("/proc/sys/kernel/random/uuid");
	CHECK(s && strlen(s) == 37 && s[14] == '4');
	free(s);
	struct vfs_dirent ent;
	EQ(vfs_dir_next(&E.p, vfs_root(E.r.vfs), 0, &ent), 1);
	STREQ(ent.name, ".");
	env_fini();
}


/* ---- tests: hostile input ---- */

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Mutated tars: vfs_new either loads them or says why; never crashes. */
static void test_tar_fuzz(void)
{
	struct tb t = { 0 };
	tb_dir(&t, "a/");
	tb_file(&t, "a/f", "content");
	tb_sym(&t, "a/s", "f");
	tb_link(&t, "a/h", "a/f");
	tb_gnu_long(&t, 'L', "a/long/name/entry");
	tb_file(&t, "x", "y");
	tb_pax(&t, 'x', "path", "p/q", "size", "3", NULL);
	tb_file(&t, "z", "abc");
	tb_hdr(&t, "a/.wh.f", '0', 0644, NULL, 0);
	tb_end(&t);
	uint8_t *b = malloc(t.len);
	int loaded = 0, refused = 0;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(b, t.b, t.len);
		int nmut = 1 + (int)(rnd() % 4);
		for (int k = 0; k < nmut; k++) {
			size_t at = rnd() % t.len;
			b[at] = (uint8_t)rnd();
		}
		/* fix the checksums half of the time, to get past them */
		if (iter & 1) {
			for (size_t off = 0; off + 512 <= t.len; off += 512) {
				uint8_t *h = b + off;
				if (memcmp(h + 257, "ustar", 5))
					continue;
				memset(h + 148, ' ', 8);
				unsigned sum = 0;
				for (int i = 0; i < 512; i++)
					sum += h[i];
				snprintf((char *)h + 148, 8, "%06o", sum);
			}
		}
		size_t len = iter % 7 == 0 ? rnd() % t.len : t.len;
		char err[256] = "";
		struct vfs *v = vfs_new(b, len, "fuzz.tar", err, sizeof err);
		if (v)
			loaded++;
		else {
			refused++;
			if (!strstr(err, "fuzz.tar")) {
				failed++;
				fprintf(stderr, "refused without naming the tar: '%s'\n", err);
			}
		}
		vfs_free(v);
	}
	CHECK(loaded > 0 && refused > 0);
	free(b);
	free(t.b);
}

/* Random syscalls with hostile arguments: anything may fail, nothing may
 * crash, and every reference is released at the end. */
static void test_syscall_fuzz(void)
{
	static const char *const paths[] = {
		"/", ".", "..", "", "/tmp", "/tmp/a", "/tmp/a/", "/tmp/b", "a", "b/c",
		"/proc/self/fd/0", "/proc/self/fd/3", "/proc/self/cwd", "/proc/1/maps",
		"/proc", "/dev/null", "/dev/tty", "/dev/stdin", "/tmp/l", "/tmp/d/e",
		"/tmp/fifo", "/proc/self/fd", "//tmp//a//", "/tmp/../tmp/./a",
	};
	typedef long (*sysfn)(rt_thread *, const uint64_t[6]);
	static const sysfn calls[] = {
		sys_getcwd, sys_dup, sys_dup3, sys_fcntl, sys_ioctl, sys_flock,
		sys_mknodat, sys_mkdirat, sys_unlinkat, sys_symlinkat, sys_linkat,
		sys_statfs, sys_fstatfs, sys_truncate, sys_ftruncate, sys_fallocate,
		sys_faccessat, sys_chdir, sys_fchdir, sys_chroot, sys_fchmod,
		sys_fchmodat, sys_fchownat, sys_fchown, sys_openat, sys_close,
		sys_pipe2, sys_getdents64, sys_lseek, sys_read, sys_write, sys_readv,
		sys_writev, sys_pread64, sys_pwrite64, sys_preadv, sys_pwritev,
		sys_sendfile, sys_pselect6, sys_ppoll, sys_readlinkat,
		sys_newfstatat, sys_fstat, sys_fsync, sys_utimensat, sys_umask,
		sys_fadvise64, sys_syncfs, sys_renameat2, sys_memfd_create,
		sys_statx, sys_close_range, sys_faccessat2, sys_fchmodat2,
	};
	htty = 1;
	env_init();
	hin = "some input";
	hinlen = strlen(hin);
	hin_eof = 1;
	EQ(xmkdir("/tmp/d", 0755), 0);
	write_file("/tmp/a", "hello");
	EQ(xsymlink("a", "/tmp/l"), 0);
	for (int iter = 0; iter < 150000; iter++) {
		uint64_t a[6];
		for (int i = 0; i < 6; i++) {
			switch (rnd() % 9) {
			case 0: a[i] = rnd() % 12; break;                       /* an fd */
			case 1: a[i] = gstr(paths[rnd() % (sizeof paths / sizeof paths[0])]); break;
			case 2: a[i] = galloc(512); break;                      /* a buffer */
			case 3: a[i] = rnd(); break;                            /* garbage */
			case 4: a[i] = (uint64_t)(int64_t)LX_AT_FDCWD; break;
			case 5: a[i] = RW_END - (rnd() % 64); break;            /* edge of RW */
			case 6: a[i] = rnd() & 0xfffff; break;                  /* flags, sizes */
			case 7: a[i] = rnd() % 4096; break;
			default: a[i] = 0; break;
			}
		}
		sysfn f = calls[rnd() % (sizeof calls / sizeof calls[0])];
		E.t.restarting = (int)(rnd() & 1);
		long r = f(&E.t, a);
		(void)r;
		if (E.t.has_saved_sigmask && (rnd() & 1)) { /* as signal delivery would */
			E.t.sigmask = E.t.saved_sigmask;
			E.t.has_saved_sigmask = 0;
		}
		if (iter % 20000 == 19999) {
			SYS(chdir, gstr("/"));
			set_user(rnd() & 1 ? 0 : 1000, 1000);
		}
	}
	set_user(0, 0);
	passed++;
	env_fini();
	htty = 0;
}

int main(void)
{
	gmem.base = calloc(1, ARENA);
	gmem.size = ARENA;
	gvma[0] = (mem_vma){ MEM_LOW, RW_END, MEM_R | MEM_W, VMA_ANON, 0, NULL, NULL };
	gvma[1] = (mem_vma){ RW_END, RO_END, MEM_R, VMA_ANON, 0, NULL, NULL };
	gmem.vma = gvma;
	gmem.nvma = 2;

	test_tar_basic();
	test_tar_long_names_pax();
	test_tar_hardlinks();
	test_tar_odd_entries();
	test_tar_whiteouts();
	test_tar_corrupt();
	test_symlinks();
	test_trailing_slashes();
	test_lookup_errors();
	test_permissions();
	test_open_flags();
	test_unlink_while_open();
	test_rename();
	test_mkdir_rmdir_link();
	test_getdents();
	test_pipes();
	test_fifo();
	test_poll();
	test_stdio_streams();
	test_tty();
	test_ldisc();
	test_dev();
	test_proc();
	test_fd_table();
	test_metadata();
	test_memfd_tmpfile_sendfile();
	test_hostname_and_root();
	test_tar_fuzz();
	test_syscall_fuzz();

	free(gmem.base);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
