/* Memory mappings: anonymous private and shared, file-backed read-only,
 * private (copy-on-write, not written back) and shared (written back),
 * MAP_FIXED over an existing mapping, mprotect with a SIGSEGV probe,
 * munmap of part of a mapping, mremap grow in place / moving, madvise
 * DONTNEED zero-fill, msync, brk.  Addresses are never printed, only
 * contents, alignment and which accesses fault. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int last_code, last_sig;
static void *volatile last_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    siglongjmp(jb, 1);
}

/* Returns "ok" or "SEGV(code)" for a read or write of *p. */
static const char *probe(volatile unsigned char *p, int write)
{
    static char res[32];
    if (sigsetjmp(jb, 1)) {
        snprintf(res, sizeof res, "fault(code %d, addr %s)", last_code,
                 last_addr == (void *)p ? "exact" : "other");
        return res;
    }
    if (write)
        *p = 0x5a;
    else
        (void)*p;
    return "ok";
}

static long pg;

static void anon(void)
{
    unsigned char *p = mmap(NULL, (size_t)pg * 4, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon: mapped %d aligned %d zero %d %d\n", p != MAP_FAILED,
           ((uintptr_t)p % (uintptr_t)pg) == 0, p[0], p[pg * 4 - 1]);
    memset(p, 0x11, (size_t)pg * 4);
    printf("mprotect RO = %d\n", mprotect(p + pg, (size_t)pg, PROT_READ));
    printf("  read %s write %s neighbour write %s\n", probe(p + pg + 8, 0), probe(p + pg + 8, 1),
           probe(p + 2 * pg, 1));
    printf("mprotect NONE = %d\n", mprotect(p + pg, (size_t)pg, PROT_NONE));
    printf("  read %s\n", probe(p + pg + 100, 0));
    printf("mprotect RW = %d value kept %x\n", mprotect(p + pg, (size_t)pg, PROT_READ | PROT_WRITE),
           p[pg + 8]);
    printf("munmap middle = %d\n", munmap(p + 2 * pg, (size_t)pg));
    printf("  unmapped read %s, after it %s %x\n", probe(p + 2 * pg, 0), probe(p + 3 * pg, 0),
           p[3 * pg]);
    printf("mprotect unmapped = %d errno %d\n", mprotect(p + 2 * pg, (size_t)pg, PROT_READ), errno);
    printf("madvise DONTNEED = %d then %x\n", madvise(p, (size_t)pg, MADV_DONTNEED), p[10]);
    printf("MAP_FIXED replace: ");
    unsigned char *q = mmap(p + 3 * pg, (size_t)pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("same %d value %x\n", q == p + 3 * pg, p[3 * pg]);
    printf("munmap rest = %d %d\n", munmap(p, (size_t)pg * 2), munmap(p + 3 * pg, (size_t)pg));
    printf("munmap unaligned = %d errno %d\n", munmap(p + 1, 10), errno);
    printf("mmap len 0 = %d errno %d\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, errno);
    printf("mmap bad fd = %d errno %d\n", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED, errno);

    /* a big one, touched sparsely */
    size_t big = 128u << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    unsigned long s = 0;
    for (size_t k = 0; k < big; k += 1u << 20) b[k] = (unsigned char)(k >> 20), s += b[k];
    printf("big anon ok %d sum %lu unmap %d\n", b != MAP_FAILED, s, munmap(b, big));
}

static void remap(void)
{
    unsigned char *p = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < pg * 2; i++) p[i] = (unsigned char)i;
    unsigned char *q = mremap(p, (size_t)pg * 2, (size_t)pg * 64, MREMAP_MAYMOVE);
    int same = 1;
    for (long i = 0; i < pg * 2; i++) same &= q[i] == (unsigned char)i;
    printf("mremap grow: ok %d contents kept %d new zero %d\n", q != MAP_FAILED, same, q[pg * 63]);
    unsigned char *r = mremap(q, (size_t)pg * 64, (size_t)pg, 0);
    printf("mremap shrink in place: same %d byte %d\n", r == q, r[5]);
    printf("  shrunk tail %s\n", probe(q + pg * 10, 0));
    munmap(r, (size_t)pg);
    /* growing without MREMAP_MAYMOVE: fails when the next page is mapped,
     * works once it has been unmapped */
    unsigned char *t = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t[0] = 7;
    errno = 0;
    void *f = mremap(t, (size_t)pg, (size_t)pg * 2, 0);
    int e = errno;
    printf("mremap into a mapped page: failed %d errno %d\n", f == MAP_FAILED, e);
    munmap(t + pg, (size_t)pg * 2);
    f = mremap(t, (size_t)pg, (size_t)pg * 2, 0);
    printf("mremap into a free page: in place %d kept %d new %d\n", f == (void *)t, t[0], t[pg]);
    munmap(t, (size_t)pg * 2);
}

static void files(void)
{
    char path[] = "/tmp/friscy-mmap-XXXXXX";
    int fd = mkstemp(path);
    unsigned char buf[3 * 4096 + 100];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)('a' + i % 26);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) printf("short write\n");

    unsigned char *ro = mmap(NULL, sizeof buf, PROT_READ, MAP_SHARED, fd, 0);
    printf("file ro: %c%c%c last %c past-eof-in-page %d\n", ro[0], ro[1], ro[4096], ro[sizeof buf - 1],
           ro[sizeof buf]);
    printf("  write to ro %s\n", probe(ro + 5, 1));
    munmap(ro, sizeof buf);
    /* map more pages than the file has: touching a page past the end of the
     * file is SIGBUS, not SIGSEGV */
    ro = mmap(NULL, 8 * 4096, PROT_READ, MAP_SHARED, fd, 0);
    printf("  page past EOF %s (signal %s)\n", probe(ro + 5 * 4096 + 8, 0),
           last_sig == SIGBUS ? "SIGBUS" : last_sig == SIGSEGV ? "SIGSEGV" : "other");

    unsigned char *pv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    printf("file private at 4096: %c", pv[0]);
    pv[0] = '#';
    unsigned char c;
    pread(fd, &c, 1, 4096);
    printf(" after write map %c file %c\n", pv[0], c);

    unsigned char *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 8192);
    sh[1] = '!';
    printf("msync = %d\n", msync(sh, 4096, MS_SYNC));
    pread(fd, &c, 1, 8193);
    printf("file shared: file now %c, ro view %c\n", c, ro[8193]);
    pwrite(fd, "Z", 1, 8194);
    printf("pwrite visible in shared map %c and ro map %c\n", sh[2], ro[8194]);
    printf("unaligned offset = %d errno %d\n",
           mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED, errno);
    munmap(ro, 8 * 4096);
    munmap(pv, 4096);
    munmap(sh, 4096);
    close(fd);
    int wo = open(path, O_WRONLY);
    printf("map write-only fd = %d errno %d\n",
           mmap(NULL, 4096, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED, errno);
    close(wo);
    unlink(path);

    /* a file from the image */
    fd = open("/etc/passwd", O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    char *pw = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    printf("passwd via mmap: %.*s", (int)(strchr(pw, '\n') - pw + 1), pw);
    munmap(pw, (size_t)st.st_size);
}

static void shared_anon(void)
{
    int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    p[0] = 42;
    printf("shared anon %d\n", p[0]);
    munmap(p, 4096);
    void *cur = sbrk(0);
    void *more = sbrk(65536);
    char *m = more;
    /* musl's sbrk refuses to grow (returns -1): touch only what we got. */
    if (more != (void *)-1)
        m[65535] = 1;
    printf("sbrk grew %d, shrink %d\n", sbrk(0) == (char *)cur + 65536, sbrk(-65536) != (void *)-1);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pg = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", pg);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    anon();
    remap();
    files();
    shared_anon();
    return 0;
}
