/* Death by signal: the exit status must be 128+N (N the signal).  An
 * uncaught SIGSEGV (status 139), abort (134), SIGILL (132), a breakpoint
 * (SIGTRAP, 133), kill of self with SIGTERM (143) and SIGKILL (137), a
 * raised SIGUSR1 with the default action (138), and an ignored signal
 * that does not kill.  Output is flushed first so it is not lost. */
// diff-args: segv
// diff-args: abort
// diff-args: ill
// diff-args: ebreak
// diff-args: term
// diff-args: kill
// diff-args: usr1
// diff-args: ignored
// diff-args: segv-stack
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static int recurse(volatile char *p, int n)
{
    volatile char buf[4096];
    buf[0] = p ? p[0] : 0;
    if (n == -1) return 0; /* never: keeps the compiler from calling this infinite */
    return recurse(buf, n + 1) + buf[1];
}

static volatile int *volatile bad = (int *)16;

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "segv";
    printf("about to %s\n", what);
    fflush(stdout);
    if (!strcmp(what, "segv")) *bad = 1;
    if (!strcmp(what, "abort")) abort();
    if (!strcmp(what, "ill")) __asm__ volatile(".4byte 0");
    if (!strcmp(what, "ebreak")) __asm__ volatile("ebreak");
    if (!strcmp(what, "term")) kill(getpid(), SIGTERM);
    if (!strcmp(what, "kill")) kill(getpid(), SIGKILL);
    if (!strcmp(what, "usr1")) raise(SIGUSR1);
    if (!strcmp(what, "ignored")) {
        signal(SIGUSR2, SIG_IGN);
        raise(SIGUSR2);
        printf("still alive after ignored SIGUSR2\n");
        return 5;
    }
    if (!strcmp(what, "segv-stack")) return recurse(NULL, 0);
    printf("not reached\n");
    return 0;
}
