/* Symbolic links: symlink/readlink/lstat vs stat, dangling links, links to
 * directories, relative targets, loops (ELOOP), O_NOFOLLOW, readlink
 * truncation, realpath through chains, linkat/unlink of the link itself,
 * and symlinks shipped in the image.  Work happens in a mkdtemp
 * directory; printed paths are made relative to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(expr) report(#expr, (long)(expr))
static long report(const char *what, long r)
{
    if (r < 0)
        printf("%s = %ld errno %d (%s)\n", what, r, errno, strerror(errno));
    else
        printf("%s = %ld\n", what, r);
    return r;
}

static char base[64];

static void rl(const char *p)
{
    char buf[256];
    ssize_t n = readlink(p, buf, sizeof buf - 1);
    if (n < 0) {
        printf("readlink %s: errno %d\n", p, errno);
        return;
    }
    buf[n] = 0;
    printf("readlink %s = %zd [%s]\n", p, n, buf);
}

static void kinds(const char *p)
{
    struct stat s, l;
    int r1 = stat(p, &s), e1 = errno;
    int r2 = lstat(p, &l), e2 = errno;
    printf("%s: stat %s", p, r1 ? "err" : S_ISDIR(s.st_mode) ? "dir" : S_ISREG(s.st_mode) ? "reg" : "other");
    if (r1) printf("(%d)", e1);
    else if (S_ISREG(s.st_mode)) printf(" size %lld", (long long)s.st_size);
    printf(" lstat %s", r2 ? "err" : S_ISLNK(l.st_mode) ? "lnk" : S_ISDIR(l.st_mode) ? "dir" : "reg");
    if (r2) printf("(%d)", e2);
    else if (S_ISLNK(l.st_mode)) printf(" size %lld mode %o", (long long)l.st_size, (unsigned)l.st_mode);
    putchar('\n');
}

static void rp(const char *p)
{
    char buf[PATH_MAX];
    char *r = realpath(p, buf);
    if (!r) {
        printf("realpath %s: errno %d\n", p, errno);
        return;
    }
    if (strncmp(r, base, strlen(base)) == 0)
        printf("realpath %s = <base>%s\n", p, r + strlen(base));
    else
        printf("realpath %s = %s\n", p, r);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    strcpy(base, "/tmp/friscy-links-XXXXXX");
    if (!mkdtemp(base)) return 1;
    CHECK(chdir(base));
    int fd = CHECK(open("target.txt", O_CREAT | O_WRONLY, 0644));
    CHECK(write(fd, "0123456789", 10));
    close(fd);
    CHECK(mkdir("dir", 0755));
    fd = CHECK(open("dir/inner.txt", O_CREAT | O_WRONLY, 0644));
    close(fd);

    CHECK(symlink("target.txt", "l1"));
    CHECK(symlink("l1", "l2"));
    CHECK(symlink("dir", "ldir"));
    CHECK(symlink("nowhere", "dangling"));
    CHECK(symlink("loop2", "loop1"));
    CHECK(symlink("loop1", "loop2"));
    CHECK(symlink("self", "self"));
    CHECK(symlink("../dir/inner.txt", "dir/up"));
    CHECK(symlink("target.txt", "l1"));
    CHECK(symlink("", "empty"));

    const char *names[] = {"l1", "l2", "ldir", "dangling", "loop1", "self", "dir/up",
                           "ldir/inner.txt", "ldir/up", "target.txt", "dir"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        kinds(names[i]);
        rl(names[i]);
    }
    char small[4];
    ssize_t n = readlink("l2", small, sizeof small);
    printf("readlink truncated: %zd [%.*s]\n", n, (int)n, small);

    CHECK(open("loop1", O_RDONLY));
    CHECK(open("l1", O_RDONLY | O_NOFOLLOW));
    CHECK(open("dangling", O_RDONLY));
    fd = CHECK(open("dangling", O_CREAT | O_WRONLY, 0644)); /* creates the target */
    close(fd);
    kinds("dangling");
    kinds("nowhere");
    fd = CHECK(open("l2", O_RDONLY));
    char buf[16] = {0};
    CHECK(read(fd, buf, 5));
    printf("through l2: [%s]\n", buf);
    close(fd);

    rp("l2");
    rp("ldir/up");
    rp("./dir/../ldir/./inner.txt");
    rp("loop1");
    rp("dangling");
    rp("missing/x");
    rp("/");
    rp("/etc/../etc/passwd");

    /* fstatat / faccessat with AT_SYMLINK_NOFOLLOW, lchown-free metadata */
    struct stat s;
    CHECK(fstatat(AT_FDCWD, "l1", &s, AT_SYMLINK_NOFOLLOW));
    printf("nofollow is link %d\n", S_ISLNK(s.st_mode));
    CHECK(faccessat(AT_FDCWD, "l2", R_OK, 0));
    CHECK(readlinkat(AT_FDCWD, "target.txt", buf, sizeof buf));
    CHECK(rename("l2", "l3"));
    rl("l3");
    kinds("l3");
    CHECK(unlink("l1"));
    kinds("l3");
    kinds("target.txt");
    CHECK(rmdir("ldir"));
    CHECK(unlink("ldir"));
    kinds("dir");
    CHECK(mkdir("l3", 0755));
    CHECK(mkdir("l3/x", 0755));

    /* clean up */
    const char *rm[] = {"l3", "dangling", "nowhere", "loop1", "loop2", "self", "empty",
                        "dir/up", "dir/inner.txt", "target.txt"};
    for (unsigned i = 0; i < sizeof rm / sizeof rm[0]; i++)
        if (unlink(rm[i]) != 0) printf("cleanup %s: errno %d\n", rm[i], errno);
    CHECK(rmdir("dir"));
    CHECK(chdir("/"));
    CHECK(rmdir(base));

    /* links that ship in the images (each image has one of the two; only
     * names that cannot exist on an x86-64 host, since qemu -L falls back
     * to host paths) */
    const char *img[] = {"/lib/ld-linux-riscv64-lp64d.so.1", "/lib/libc.musl-riscv64.so.1"};
    for (int i = 0; i < 2; i++) {
        kinds(img[i]);
        rl(img[i]);
        rp(img[i]);
    }
    return 0;
}
