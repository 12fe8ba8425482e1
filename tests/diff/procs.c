/* Processes and threads without exec: fork and its copy of memory, shared
 * open file descriptions (one offset for parent and child), pipes between
 * processes, wait statuses of exited and killed children, WNOHANG, ECHILD,
 * SIGCHLD with its siginfo, SIG_IGN'd SIGCHLD (no zombies), vfork,
 * process groups, pthreads with mutexes,
 * condition variables, join and thread-local storage, and a signal to a
 * blocked child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_status(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else
        printf("%s: status 0x%x\n", what, st);
}

static int global = 10;

static void fork_memory(void)
{
    int local = 20;
    char *heap = malloc(64);
    strcpy(heap, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        global++, local++;
        strcpy(heap, "child");
        printf("child sees %d %d %s, ppid is parent: %d\n", global, local, heap,
               getppid() != getpid());
        fflush(stdout);
        _exit(7);
    }
    int st;
    pid_t w = waitpid(pid, &st, 0);
    printf("parent sees %d %d %s, waited the child: %d\n", global, local, heap, w == pid);
    show_status("fork child", st);
    free(heap);
}

static void shared_offset(void)
{
    char path[] = "/tmp/procs-offset-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    if (write(fd, "0123456789", 10) != 10)
        return;
    lseek(fd, 2, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(fd, &c, 1) != 1)
            _exit(1);
        _exit(c); /* '2' */
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child read '%c', parent offset now %ld\n", WEXITSTATUS(st),
           (long)lseek(fd, 0, SEEK_CUR));
    close(fd);
}

static void pipeline(void)
{
    int p[2];
    if (pipe(p))
        return;
    pid_t writer = fork();
    if (writer == 0) {
        close(p[0]);
        for (int i = 0; i < 1000; i++)
            dprintf(p[1], "line %d\n", i);
        _exit(0);
    }
    close(p[1]);
    long bytes = 0, lines = 0;
    char buf[512];
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        bytes += n;
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    }
    close(p[0]);
    int st;
    waitpid(writer, &st, 0);
    printf("pipe: %ld bytes, %ld lines, read returned %ld at the end\n", bytes, lines, (long)n);
    show_status("writer", st);

    /* A writer whose reader is gone gets SIGPIPE. */
    if (pipe(p))
        return;
    close(p[0]);
    pid_t w2 = fork();
    if (w2 == 0) {
        if (write(p[1], "x", 1) < 0)
            _exit(99);
        _exit(0);
    }
    close(p[1]);
    waitpid(w2, &st, 0);
    show_status("writer without reader", st);
}

static void statuses(void)
{
    int st;
    pid_t a = fork();
    if (a == 0)
        for (;;)
            pause();
    pid_t b = fork();
    if (b == 0)
        abort();
    pid_t c = fork();
    if (c == 0)
        exit(300); /* only the low 8 bits: 44 */
    printf("WNOHANG on a running child: %d\n", (int)waitpid(a, &st, WNOHANG));
    kill(a, SIGTERM);
    waitpid(a, &st, 0);
    show_status("terminated", st);
    waitpid(b, &st, 0);
    show_status("aborted", st);
    waitpid(c, &st, 0);
    show_status("exit(300)", st);
    errno = 0;
    printf("wait with no children: %d %s\n", (int)wait(&st), strerror(errno));
}

static volatile sig_atomic_t chld_code, chld_status, chld_count;
static volatile pid_t chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid = si->si_pid;
}

static void sigchld(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    int st;
    waitpid(pid, &st, 0);
    printf("SIGCHLD: count %d, CLD_EXITED %d, status %d, pid matches %d\n", chld_count,
           chld_code == CLD_EXITED, chld_status, chld_pid == pid);
    pid = fork();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    waitpid(pid, &st, 0);
    printf("SIGCHLD: count %d, CLD_KILLED %d, status %d\n", chld_count,
           chld_code == CLD_KILLED, chld_status);
    signal(SIGCHLD, SIG_DFL);

    /* SIGCHLD ignored: children are reaped at once, wait finds none. */
    signal(SIGCHLD, SIG_IGN);
    pid = fork();
    if (pid == 0)
        _exit(0);
    errno = 0;
    pid_t r = waitpid(pid, &st, 0);
    printf("ignored SIGCHLD: waitpid %s\n", r < 0 && errno == ECHILD ? "ECHILD" : "found it");
    signal(SIGCHLD, SIG_DFL);
}

/* What the parent sees of the vfork child's stores, and posix_spawn's
 * report of a missing program, differ between Linux (shared memory: the
 * store is seen, ENOENT comes back) and qemu-user (which runs vfork as
 * fork): only the child's status is compared here. */
static void vfork_test(void)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(3);
    int st;
    waitpid(pid, &st, 0);
    show_status("vfork child", st);
}

static void groups(void)
{
    int p[2];
    if (pipe(p))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        char ok = getpgrp() == getpid();
        if (write(p[1], &ok, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    char ok = 0;
    if (read(p[0], &ok, 1) != 1)
        return;
    printf("child leads its group: %d, getpgid agrees: %d\n", ok, getpgid(pid) == pid);
    kill(-pid, SIGUSR1); /* the whole group */
    int st;
    waitpid(pid, &st, 0);
    show_status("group member", st);
    close(p[0]);
    close(p[1]);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;
static __thread int tls_value;

static void *worker(void *arg)
{
    long id = (long)arg;
    tls_value = (int)id * 100;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
        if (i % 100 == 0)
            sched_yield();
    }
    pthread_mutex_lock(&mu);
    while (turn != id)
        pthread_cond_wait(&cv, &mu);
    printf("thread %ld: tls %d\n", id, tls_value);
    turn++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    return (void *)(id * 2);
}

static void threads(void)
{
    pthread_t th[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, (void *)i);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        sum += (long)ret;
    }
    printf("threads: counter %ld, sum of results %ld, main tls %d\n", counter, sum, tls_value);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    fork_memory();
    shared_offset();
    pipeline();
    statuses();
    sigchld();
    vfork_test();
    groups();
    threads();
    return 0;
}
