/* Directories: mkdir/rmdir/rename (including over an empty directory and
 * into a subdirectory of itself), readdir listings (sorted before printing:
 * the order readdir returns is filesystem specific), d_type, rewinddir,
 * scandir, getcwd/chdir/fchdir with relative and absolute paths, and
 * listings of directories shipped in the image. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *type(unsigned char t)
{
    switch (t) {
    case DT_REG: return "reg";
    case DT_DIR: return "dir";
    case DT_LNK: return "lnk";
    case DT_UNKNOWN: return "unknown";
    default: return "other";
    }
}

static void list(const char *path, int with_types)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s: errno %d\n", path, errno);
        return;
    }
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        char buf[300];
        /* d_type may legitimately be DT_UNKNOWN; print lstat's view too */
        struct stat s;
        char full[600];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        const char *lt = lstat(full, &s) != 0 ? "?" : S_ISDIR(s.st_mode) ? "dir"
                        : S_ISLNK(s.st_mode) ? "lnk" : S_ISREG(s.st_mode) ? "reg" : "other";
        if (with_types)
            snprintf(buf, sizeof buf, "%s(%s/%s)", e->d_name,
                     e->d_type == DT_UNKNOWN ? lt : type(e->d_type), lt);
        else
            snprintf(buf, sizeof buf, "%s", e->d_name);
        names[n++] = strdup(buf);
    }
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("ls %s (%d):", path, n);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    putchar('\n');
    rewinddir(d);
    int again = 0;
    while (readdir(d)) again++;
    printf("  after rewinddir: %d entries\n", again);
    closedir(d);
}

static void cwd(void)
{
    char buf[4096];
    char *p = getcwd(buf, sizeof buf);
    printf("getcwd: %s\n", p ? p : "(error)");
}

static int filt(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    cwd();
    CHECK(chdir("/tmp"));
    cwd();
    char tmpl[] = "/tmp/friscy-dirs-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    const char *base = tmpl + 5; /* name relative to /tmp: host independent except suffix */
    CHECK(chdir(base));
    char here[4096];
    printf("cwd is the new dir: %d\n", getcwd(here, sizeof here) && strcmp(here, tmpl) == 0);

    CHECK(mkdir("d1", 0755));
    CHECK(mkdir("d1", 0755));
    CHECK(mkdir("d1/d2", 0700));
    CHECK(mkdir("d1/d2/d3", 0777));
    CHECK(mkdir("missing/x", 0755));
    struct stat s;
    CHECK(stat("d1/d2", &s));
    printf("d2 mode %o\n", (unsigned)s.st_mode);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "d1/f%02d", (i * 17) % 40);
        int fd = open(name, O_CREAT | O_WRONLY, 0644);
        close(fd);
    }
    list("d1", 1);
    list(".", 1);
    CHECK(rmdir("d1"));
    CHECK(rmdir("d1/f00"));
    CHECK(unlink("d1/d2"));
    CHECK(rename("d1/d2", "d1/d2/d3/inside"));
    CHECK(mkdir("empty", 0755));
    CHECK(rename("d1/d2", "empty"));
    CHECK(stat("empty/d3", &s));
    CHECK(rename("d1/f01", "empty"));
    CHECK(rename("d1/f01", "d1/f02"));
    list("d1", 0);

    /* relative navigation */
    CHECK(chdir("empty/d3"));
    CHECK(chdir(".."));
    CHECK(chdir("../d1"));
    char buf[4096];
    if (getcwd(buf, sizeof buf)) printf("cwd suffix: %s\n", buf + strlen(tmpl));
    int dfd = CHECK(open("..", O_RDONLY | O_DIRECTORY));
    CHECK(chdir("/"));
    cwd();
    CHECK(fchdir(dfd));
    if (getcwd(buf, sizeof buf)) printf("fchdir back: %d\n", strcmp(buf, tmpl) == 0);
    close(dfd);
    CHECK(chdir("d1/f05"));
    CHECK(chdir("nonexistent"));

    struct dirent **nl;
    int n = scandir("d1", &nl, filt, alphasort);
    printf("scandir %d:", n);
    for (int i = 0; i < n; i++) {
        printf(" %s", nl[i]->d_name);
        free(nl[i]);
    }
    free(nl);
    putchar('\n');

    /* tear down */
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "d1/f%02d", i);
        unlink(name);
    }
    CHECK(rmdir("d1"));
    CHECK(rmdir("empty/d3"));
    CHECK(rmdir("empty"));
    CHECK(chdir(".."));
    CHECK(rmdir(base));
    CHECK(rmdir(base));

    /* image directories */
    list("/etc", 1);
    list("/", 0);
    CHECK(chdir("/etc"));
    cwd();
    CHECK(chdir("/"));
    cwd();
    return 0;
}
