/* argv and the environment: arguments with spaces, empty strings, quotes
 * and non-ASCII bytes reach main unchanged; variables passed by the
 * runner are visible through getenv and environ (printed sorted, only the
 * ones this test set: a runner may add nothing else, but the test does
 * not depend on that); setenv/unsetenv/putenv; the auxiliary vector
 * entries that are host independent.
 * argc/argv[0]: argv[0] is the program path as given to the runner. */
// diff-args: one "two words" "" "quote\"d" 'tab	x' ünï --flag=-1 -- last
// diff-env: FRISCY_A=alpha FRISCY_B= FRISCY_C=with=equals FRISCY_SPACE="a b  c"
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

/* qemu passes the host path of the executable as AT_EXECFN: compare only
 * the last component */
static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 0; i <= argc; i++) {
        if (!argv[i]) {
            printf("argv[%d] = NULL\n", i);
            continue;
        }
        printf("argv[%d] = [%s] len %zu\n", i, argv[i], strlen(argv[i]));
    }
    const char *names[] = {"FRISCY_A", "FRISCY_B", "FRISCY_C", "FRISCY_SPACE", "FRISCY_UNSET"};
    for (int i = 0; i < 5; i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s) = %s%s%s\n", names[i], v ? "[" : "", v ? v : "NULL", v ? "]" : "");
    }
    int n = 0;
    char *mine[64];
    for (char **e = environ; *e && n < 64; e++)
        if (strncmp(*e, "FRISCY_", 7) == 0) mine[n++] = *e;
    qsort(mine, (size_t)n, sizeof mine[0], cmp);
    for (int i = 0; i < n; i++) printf("environ: %s\n", mine[i]);

    setenv("FRISCY_NEW", "1", 0);
    setenv("FRISCY_A", "changed", 0);
    setenv("FRISCY_B", "changed", 1);
    unsetenv("FRISCY_C");
    putenv((char *)"FRISCY_PUT=put");
    printf("after: A=%s B=%s C=%s NEW=%s PUT=%s\n", getenv("FRISCY_A"), getenv("FRISCY_B"),
           getenv("FRISCY_C") ? getenv("FRISCY_C") : "NULL", getenv("FRISCY_NEW"),
           getenv("FRISCY_PUT"));

    printf("AT_PAGESZ %lu AT_SECURE %lu AT_UID==getuid %d AT_ENTRY nonzero %d AT_PHDR nonzero %d "
           "AT_RANDOM nonzero %d AT_EXECFN basename %s\n",
           getauxval(AT_PAGESZ), getauxval(AT_SECURE), getauxval(AT_UID) == (unsigned long)getuid(),
           getauxval(AT_ENTRY) != 0, getauxval(AT_PHDR) != 0, getauxval(AT_RANDOM) != 0,
           getauxval(AT_EXECFN) ? base((const char *)getauxval(AT_EXECFN)) : "(none)");
    return argc;
}
