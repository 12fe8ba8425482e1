/* File I/O in a private directory under /tmp (made with mkdtemp, then
 * used through relative paths so no host-specific name is printed):
 * open flags, read/write, lseek with holes, pread/pwrite, readv/writev,
 * ftruncate, O_APPEND, link counts, chmod/umask, utimensat with fixed
 * times, rename, unlink of an open file, error codes, stdio streams,
 * and reads of files that ship in the image and of /dev. Only stat fields
 * that do not depend on the host are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
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

static void st(const char *path)
{
    struct stat s;
    if (stat(path, &s) != 0) {
        printf("stat %s: errno %d\n", path, errno);
        return;
    }
    printf("stat %s: size %lld mode %o nlink %lu reg %d dir %d uid-is-mine %d\n", path,
           (long long)s.st_size, (unsigned)s.st_mode, (unsigned long)s.st_nlink,
           S_ISREG(s.st_mode), S_ISDIR(s.st_mode), s.st_uid == getuid());
}

static void show(int fd, off_t off, size_t n)
{
    char buf[256];
    ssize_t r = pread(fd, buf, n < sizeof buf ? n : sizeof buf, off);
    printf("pread(%lld,%zu)=%zd [", (long long)off, n, r);
    for (ssize_t i = 0; i < r; i++) putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
    printf("]\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    char tmpl[] = "/tmp/friscy-files-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        return 1;
    }
    CHECK(chdir(tmpl));

    int fd = CHECK(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666));
    CHECK(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666));
    CHECK(write(fd, "hello, world\n", 13));
    CHECK(lseek(fd, 0, SEEK_CUR));
    CHECK(lseek(fd, 100, SEEK_SET));
    CHECK(write(fd, "after hole", 10));
    CHECK(lseek(fd, -5, SEEK_END));
    char b[64] = {0};
    CHECK(read(fd, b, sizeof b));
    printf("read tail [%s]\n", b);
    CHECK(read(fd, b, sizeof b));
    CHECK(lseek(fd, -1000, SEEK_SET));
    show(fd, 0, 20);
    show(fd, 95, 40);
    CHECK(pwrite(fd, "HELLO", 5, 0));
    CHECK(lseek(fd, 0, SEEK_CUR));
    show(fd, 0, 13);
    struct stat s;
    CHECK(fstat(fd, &s));
    printf("fstat size %lld mode %o nlink %lu\n", (long long)s.st_size, (unsigned)s.st_mode,
           (unsigned long)s.st_nlink);
    CHECK(ftruncate(fd, 7));
    st("a.txt");
    CHECK(ftruncate(fd, 5000));
    st("a.txt");
    show(fd, 4990, 20);
    CHECK(ftruncate(fd, 12));
    struct iovec iov[3] = {{"one ", 4}, {"two ", 4}, {"three\n", 6}};
    CHECK(lseek(fd, 0, SEEK_END));
    CHECK(writev(fd, iov, 3));
    char r1[5] = {0}, r2[9] = {0};
    struct iovec riov[2] = {{r1, 4}, {r2, 8}};
    CHECK(lseek(fd, 12, SEEK_SET));
    CHECK(readv(fd, riov, 2));
    printf("readv [%s] [%s]\n", r1, r2);
    CHECK(fsync(fd));
    CHECK(fdatasync(fd));
    CHECK(close(fd));
    CHECK(close(fd));

    /* append mode, truncation, read-only/write-only misuse */
    fd = CHECK(open("a.txt", O_WRONLY | O_APPEND));
    CHECK(lseek(fd, 0, SEEK_SET));
    CHECK(write(fd, "APPENDED\n", 9));
    CHECK(read(fd, b, 4));
    close(fd);
    st("a.txt");
    fd = CHECK(open("a.txt", O_RDONLY));
    CHECK(write(fd, "x", 1));
    close(fd);
    fd = CHECK(open("a.txt", O_RDWR | O_TRUNC));
    st("a.txt");
    close(fd);

    /* links, modes, times */
    CHECK(link("a.txt", "b.txt"));
    st("a.txt");
    CHECK(chmod("b.txt", 0600));
    st("a.txt");
    fd = CHECK(open("c.bin", O_CREAT | O_WRONLY, 0777));
    CHECK(fchmod(fd, 04751));
    st("c.bin");
    close(fd);
    umask(077);
    fd = CHECK(open("d.bin", O_CREAT | O_WRONLY, 0666));
    close(fd);
    st("d.bin");
    umask(022);
    struct timespec ts[2] = {{1000000000, 5}, {1234567890, 123456789}};
    CHECK(utimensat(AT_FDCWD, "d.bin", ts, 0));
    CHECK(stat("d.bin", &s));
    printf("times atime %lld mtime %lld.%09ld\n", (long long)s.st_atime, (long long)s.st_mtime,
           (long)s.st_mtim.tv_nsec);
    CHECK(access("d.bin", F_OK));
    CHECK(access("nonexistent", F_OK));
    CHECK(rename("d.bin", "c.bin"));
    st("c.bin");
    st("d.bin");

    /* unlink while open: data stays readable through the descriptor */
    fd = CHECK(open("gone.txt", O_CREAT | O_RDWR, 0644));
    CHECK(write(fd, "still here", 10));
    CHECK(unlink("gone.txt"));
    st("gone.txt");
    CHECK(fstat(fd, &s));
    printf("unlinked open file: nlink %lu size %lld\n", (unsigned long)s.st_nlink,
           (long long)s.st_size);
    show(fd, 0, 10);
    close(fd);

    /* errors */
    CHECK(open("nodir/x", O_RDONLY));
    CHECK(open("a.txt/x", O_RDONLY));
    CHECK(open(".", O_WRONLY));
    CHECK(read(12345, b, 1));
    CHECK(unlink("nonexistent"));
    CHECK(open("", O_RDONLY));

    /* openat / fstatat relative to a directory fd */
    int dfd = CHECK(open(".", O_RDONLY | O_DIRECTORY));
    fd = CHECK(openat(dfd, "e.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0640));
    CHECK(fcntl(fd, F_GETFD));
    CHECK(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND));
    close(fd);
    CHECK(fstatat(dfd, "e.txt", &s, 0));
    printf("fstatat mode %o\n", (unsigned)s.st_mode);
    CHECK(unlinkat(dfd, "e.txt", 0));
    close(dfd);

    /* stdio on a file */
    FILE *f = fopen("s.txt", "w+");
    for (int i = 0; i < 100; i++) fprintf(f, "line %d %s\n", i, i % 2 ? "odd" : "even");
    printf("ftell %ld\n", ftell(f));
    rewind(f);
    char line[64];
    int count = 0;
    while (fgets(line, sizeof line, f)) count++;
    printf("lines %d feof %d\n", count, feof(f));
    fseek(f, -9, SEEK_END);
    printf("fgets tail [%s", fgets(line, sizeof line, f));
    printf("] getc %d\n", fgetc(f));
    fclose(f);
    st("s.txt");

    /* files from the image, and devices */
    f = fopen("/etc/passwd", "r");
    if (f) {
        while (fgets(line, sizeof line, f)) printf("passwd: %s", line);
        fclose(f);
    }
    st("/etc/passwd");
    st("/etc/hostname");
    fd = CHECK(open("/dev/null", O_RDWR));
    CHECK(write(fd, "discard", 7));
    CHECK(read(fd, b, 10));
    close(fd);
    fd = CHECK(open("/dev/zero", O_RDONLY));
    memset(b, 1, 16);
    CHECK(read(fd, b, 16));
    printf("zero bytes %d %d\n", b[0], b[15]);
    close(fd);

    /* clean up */
    CHECK(unlink("a.txt"));
    CHECK(unlink("b.txt"));
    CHECK(unlink("c.bin"));
    CHECK(unlink("s.txt"));
    CHECK(chdir("/"));
    CHECK(rmdir(tmpl));
    return 0;
}
