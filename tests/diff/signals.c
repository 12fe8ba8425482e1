/* Signals raised by the program itself: handlers installed with signal()
 * and sigaction(), SA_SIGINFO fields (si_signo, si_code for raise/kill/
 * sigqueue, si_pid, si_value), blocking with sigprocmask and the pending
 * set, delivery on unblock (standard signals coalesce, real-time ones
 * queue, in order), automatic blocking of a signal inside its handler,
 * SA_RESETHAND, SA_NODEFER, nested handlers, sigaltstack, sigsuspend and
 * sigtimedwait with a pending signal, SIG_IGN / SIG_DFL. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char log_buf[4096];
static volatile size_t log_len;

/* async-signal-safe logging into a buffer, printed later */
static void logs(const char *s)
{
    while (*s && log_len < sizeof log_buf - 1) log_buf[log_len++] = *s++;
}
static void logn(long v)
{
    char b[24];
    int n = 0;
    int neg = v < 0;
    unsigned long u = neg ? (unsigned long)-v : (unsigned long)v;
    do b[n++] = (char)('0' + u % 10); while (u /= 10);
    if (neg) logs("-");
    while (n) {
        char c[2] = {b[--n], 0};
        logs(c);
    }
}
static void flush_log(const char *title)
{
    log_buf[log_len] = 0;
    printf("%s: %s\n", title, log_buf);
    log_len = 0;
}

static const char *code_name(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    default: return "other";
    }
}

static void simple(int sig) { logs("simple("); logn(sig); logs(") "); }

static void info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    logs("info(sig ");
    logn(sig);
    logs(" signo ");
    logn(si->si_signo);
    logs(" code ");
    logs(code_name(si->si_code));
    logs(" pid-is-self ");
    logn(si->si_pid == getpid());
    if (si->si_code == SI_QUEUE) {
        logs(" value ");
        logn(si->si_value.sival_int);
    }
    logs(") ");
}

static void report_mask(void)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    logs("[blocked:");
    for (int s = 1; s < 32; s++)
        if (sigismember(&cur, s)) {
            logs(" ");
            logn(s);
        }
    logs("] ");
}

/* Only the handled signal's own bit is checked inside the handler: musl
 * 1.2.3 passes the kernel a struct sigaction with an sa_restorer field that
 * riscv64 Linux does not have, so on a real kernel the handler's mask also
 * holds bits of the restorer's address (qemu-user reads that layout, Linux
 * and friscy read the kernel's). */
static void masked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    logs("masked(");
    logn(sig);
    logs(") ");
    logs(sigismember(&cur, sig) ? "[self blocked] " : "[self not blocked] ");
}

static volatile int depth;
static void nested(int sig)
{
    depth++;
    logs("nested(");
    logn(sig);
    logs(" depth ");
    logn(depth);
    logs(") ");
    if (sig == SIGUSR1) raise(SIGUSR2); /* runs immediately: USR2 not blocked */
    if (sig == SIGUSR2 && depth < 3) raise(SIGUSR2); /* SA_NODEFER: recursion */
    depth--;
}

static char altstack[65536];
static void on_alt(int sig)
{
    volatile char here;
    uintptr_t p = (uintptr_t)&here;
    logs("alt(");
    logn(sig);
    logs(" on altstack ");
    logn(p >= (uintptr_t)altstack && p < (uintptr_t)altstack + sizeof altstack);
    stack_t ss;
    sigaltstack(NULL, &ss);
    logs(" SS_ONSTACK ");
    logn((ss.ss_flags & SS_ONSTACK) != 0);
    logs(") ");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;

    /* 1. signal() and raise */
    signal(SIGUSR1, simple);
    raise(SIGUSR1);
    raise(SIGUSR1);
    flush_log("signal()");

    /* 2. SA_SIGINFO via raise, kill, sigqueue */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    union sigval sv = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR1, sv);
    flush_log("siginfo");

    /* 3. block, pending, unblock; coalescing vs queueing */
    sigset_t set, old, pend;
    int rt = SIGRTMIN + 2;
    sigaction(rt, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1);
    for (int i = 0; i < 3; i++) {
        sv.sival_int = 100 + i;
        sigqueue(getpid(), rt, sv);
    }
    sigpending(&pend);
    printf("pending: USR1 %d USR2 %d RT %d TERM %d; handled so far: [%s]\n",
           sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2), sigismember(&pend, rt),
           sigismember(&pend, SIGTERM), log_buf);
    /* unblocked one at a time, so the order does not depend on how the
     * kernel nests several frames at once */
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    flush_log("unblock USR1 (raised twice)");
    sigemptyset(&one);
    sigaddset(&one, rt);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    flush_log("unblock RT (queued three times)");
    sigprocmask(SIG_SETMASK, &old, NULL);
    flush_log("unblock the rest");
    sigpending(&pend);
    printf("pending now: USR1 %d RT %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, rt));

    /* 4. the signal itself is blocked while its handler runs.  (sa_mask is
     * not tested: qemu 7.2 reads riscv64's struct sigaction with an
     * sa_restorer field the kernel does not have, so its view of sa_mask
     * differs from Linux for glibc programs.) */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = masked;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    report_mask();
    flush_log("blocked in handler");

    /* 5. nesting and SA_NODEFER */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    flush_log("nested");

    /* 6. SA_RESETHAND: second raise takes the default action, which for
     * SIGWINCH is to ignore */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = simple;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGWINCH, &sa, NULL);
    raise(SIGWINCH);
    raise(SIGWINCH);
    struct sigaction now;
    sigaction(SIGWINCH, NULL, &now);
    flush_log("resethand");
    printf("handler reset to SIG_DFL: %d\n", now.sa_handler == SIG_DFL);

    /* 7. alternate stack */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    printf("sigaltstack = %d\n", sigaltstack(&ss, NULL));
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    flush_log("altstack");

    /* 8. sigsuspend and sigtimedwait with the signal already pending */
    sa.sa_handler = simple;
    sigaction(SIGUSR1, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigset_t waitmask;
    sigemptyset(&waitmask);
    int r = sigsuspend(&waitmask);
    int e = errno;
    flush_log("sigsuspend");
    printf("sigsuspend returned %d errno %d\n", r, e);
    kill(getpid(), SIGUSR1);
    siginfo_t si;
    struct timespec to = {1, 0};
    r = sigtimedwait(&set, &si, &to);
    printf("sigtimedwait = %d signo %d code %s, handler ran: %d\n", r, si.si_signo,
           code_name(si.si_code), log_len != 0);
    to.tv_sec = 0;
    to.tv_nsec = 1000000;
    r = sigtimedwait(&set, &si, &to);
    printf("sigtimedwait nothing pending = %d errno %d\n", r, errno);
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* 9. ignore, errors */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored SIGUSR2 survived\n");
    errno = 0;
    printf("sigaction(SIGKILL) = %d errno %d\n", sigaction(SIGKILL, &sa, NULL), errno);
    errno = 0;
    printf("sigaction(99) = %d errno %d\n", sigaction(99, &sa, NULL), errno);
    errno = 0;
    printf("kill(self, 0) = %d\n", kill(getpid(), 0));
    sigemptyset(&set);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigprocmask(SIG_BLOCK, NULL, &old);
    printf("SIGKILL/SIGSTOP cannot be blocked: %d %d\n", sigismember(&old, SIGKILL),
           sigismember(&old, SIGSTOP));
    return 0;
}
