/* Process and system queries whose answers do not depend on the host:
 * getrandom (sizes, flags, that bytes vary), /dev/urandom, uname sysname
 * and machine, getpid/getppid/gettid relations, ids are consistent,
 * getcwd/chdir, umask round trip, prctl name, sched_yield, sysconf page
 * size, an unknown syscall number (ENOSYS), and raw syscalls with bad
 * pointers (EFAULT). */
// diff-ignore: ^friscy: unsupported syscall 4000\b
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static unsigned char buf[70000];
    static const size_t sizes[] = {0, 1, 16, 255, 256, 4096, 65536};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(buf, 0, sizeof buf);
        ssize_t r = getrandom(buf, sizes[i], 0);
        size_t nz = 0;
        for (size_t k = 0; k < sizes[i]; k++) nz += buf[k] != 0;
        printf("getrandom(%zu) = %zd, mostly nonzero %d, tail untouched %d\n", sizes[i], r,
               sizes[i] < 16 || nz > sizes[i] / 2, buf[sizes[i]] == 0);
    }
    ssize_t r = getrandom(buf, 32, GRND_NONBLOCK);
    printf("getrandom nonblock = %zd\n", r);
    unsigned char a[32], b[32];
    getrandom(a, 32, 0);
    getrandom(b, 32, 0);
    printf("two draws differ: %d\n", memcmp(a, b, 32) != 0);
    errno = 0;
    r = syscall(SYS_getrandom, buf, 16, 0x1000);
    printf("getrandom bad flags = %zd errno %d\n", r, errno);
    int fd = open("/dev/urandom", O_RDONLY);
    r = read(fd, buf, 1000);
    printf("/dev/urandom read = %zd\n", r);
    close(fd);

    struct utsname u;
    printf("uname = %d sysname %s machine %s release-nonempty %d\n", uname(&u), u.sysname,
           u.machine, u.release[0] != 0);

    pid_t pid = getpid();
    printf("getpid > 0: %d, stable: %d, gettid == pid: %d, getppid >= 0: %d\n", pid > 0,
           getpid() == pid, (pid_t)syscall(SYS_gettid) == pid, getppid() >= 0);
    printf("ids consistent: uid==euid %d gid==egid %d\n", getuid() == geteuid(),
           getgid() == getegid());
    printf("getpgrp/getsid sane: %d %d\n", getpgrp() > 0, getsid(0) > 0);

    char cwd[4096];
    printf("getcwd = %s\n", getcwd(cwd, sizeof cwd));
    errno = 0;
    printf("getcwd small buffer = %p errno %d\n", (void *)getcwd(cwd, 1), errno);
    chdir("/tmp");
    printf("after chdir(/tmp): %s\n", getcwd(cwd, sizeof cwd));
    chdir("..");
    printf("after chdir(..): %s\n", getcwd(cwd, sizeof cwd));
    chdir("/");

    mode_t old = umask(027);
    mode_t mid = umask(old);
    printf("umask round trip: %o then %o\n", (unsigned)mid, (unsigned)umask(old));

    char name[17] = {0};
    prctl(PR_SET_NAME, "friscy-test-name-too-long", 0, 0, 0);
    prctl(PR_GET_NAME, name, 0, 0, 0);
    printf("prctl name [%s]\n", name);
    printf("sched_yield = %d\n", sched_yield());
    printf("pagesize %ld\n", sysconf(_SC_PAGESIZE));

    errno = 0;
    long e = syscall(4000);
    printf("syscall(4000) = %ld errno %d\n", e, errno);
    errno = 0;
    e = syscall(SYS_write, 1, (void *)8, 10);
    printf("write from bad pointer = %ld errno %d\n", e, errno);
    fd = open("/etc/passwd", O_RDONLY);
    errno = 0;
    e = syscall(SYS_read, fd, (void *)8, 10);
    printf("read into bad pointer = %ld errno %d\n", e, errno);
    close(fd);
    errno = 0;
    e = syscall(SYS_openat, AT_FDCWD, (void *)8, O_RDONLY);
    printf("open bad path pointer = %ld errno %d\n", e, errno);
    return 0;
}
