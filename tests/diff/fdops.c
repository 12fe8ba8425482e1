/* File descriptors within one process: dup/dup2/dup3/F_DUPFD (lowest free
 * number, shared offsets), close-on-exec flags, pipe/pipe2 write-then-read,
 * O_NONBLOCK and EAGAIN, the pipe capacity, EPIPE with SIGPIPE ignored,
 * poll/ppoll/select/epoll readiness on pipes, readv across a pipe, and
 * redirecting stdout into a pipe and back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
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

static void pollshow(int fd, short ev)
{
    struct pollfd p = {fd, ev, 0};
    int r = poll(&p, 1, 0);
    printf("  poll fd%d ev %x -> %d revents %x\n", fd, ev, r, p.revents);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    CHECK(pipe(p));
    printf("pipe fds %d %d\n", p[0], p[1]);
    pollshow(p[0], POLLIN);
    pollshow(p[1], POLLOUT);
    CHECK(write(p[1], "hello pipe", 10));
    pollshow(p[0], POLLIN);
    char buf[128] = {0};
    CHECK(read(p[0], buf, 5));
    printf("read [%s]\n", buf);
    int d = CHECK(dup(p[0]));
    memset(buf, 0, sizeof buf);
    CHECK(read(d, buf, sizeof buf));
    printf("read via dup [%s]\n", buf);
    CHECK(dup2(p[1], 10));
    CHECK(write(10, "via10", 5));
    CHECK(dup2(10, 10));
    CHECK(dup3(10, 10, 0));
    CHECK(dup3(10, 11, O_CLOEXEC));
    CHECK(fcntl(11, F_GETFD));
    CHECK(fcntl(10, F_GETFD));
    CHECK(fcntl(p[0], F_DUPFD, 20));
    CHECK(fcntl(p[0], F_DUPFD_CLOEXEC, 20));
    CHECK(fcntl(21, F_GETFD));
    CHECK(close(20));
    CHECK(close(21));
    CHECK(close(11));
    CHECK(dup2(p[0], -1));
    CHECK(dup(999));
    memset(buf, 0, sizeof buf);
    CHECK(read(p[0], buf, sizeof buf));
    printf("read [%s]\n", buf);
    CHECK(close(d));
    d = CHECK(dup(0));
    printf("lowest free fd reused: %d\n", d == 5 || d == 3 || d == 4);
    close(d);

    /* non-blocking */
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK(read(p[0], buf, 1));
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK));
    static char big[200000];
    memset(big, 'x', sizeof big);
    long total = 0, w;
    while ((w = write(p[1], big, sizeof big)) > 0) total += w;
    printf("filled pipe with %ld bytes, then errno %d; F_GETPIPE_SZ %d\n", total, errno,
           fcntl(p[1], F_GETPIPE_SZ));
    pollshow(p[1], POLLOUT);
    long drained = 0, rd;
    while ((rd = read(p[0], big, sizeof big)) > 0) drained += rd;
    printf("drained %ld then errno %d\n", drained, errno);

    /* EOF and EPIPE */
    CHECK(close(10));
    CHECK(close(p[1]));
    CHECK(read(p[0], buf, 10));
    pollshow(p[0], POLLIN);
    CHECK(close(p[0]));
    CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFD));
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    CHECK(close(p[0]));
    CHECK(write(p[1], "x", 1));
    pollshow(p[1], POLLOUT);
    CHECK(close(p[1]));

    /* select, ppoll, epoll */
    CHECK(pipe(p));
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(p[0], &rs);
    FD_SET(p[1], &ws);
    struct timeval tv = {0, 0};
    int r = select(p[1] + 1, &rs, &ws, NULL, &tv);
    printf("select empty pipe = %d readable %d writable %d\n", r, FD_ISSET(p[0], &rs),
           FD_ISSET(p[1], &ws));
    write(p[1], "!", 1);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv.tv_usec = 1000;
    r = select(p[0] + 1, &rs, NULL, NULL, &tv);
    printf("select after write = %d readable %d\n", r, FD_ISSET(p[0], &rs));
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    struct timespec ts = {0, 1000000};
    r = ppoll(pf, 2, &ts, NULL);
    printf("ppoll = %d revents %x %x\n", r, pf[0].revents, pf[1].revents);
    int ep = CHECK(epoll_create1(EPOLL_CLOEXEC));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    struct epoll_event out[4];
    r = epoll_wait(ep, out, 4, 0);
    printf("epoll_wait = %d events %x data %llx\n", r, r > 0 ? out[0].events : 0,
           r > 0 ? (unsigned long long)out[0].data.u64 : 0ULL);
    read(p[0], buf, 1);
    r = epoll_wait(ep, out, 4, 10);
    printf("epoll_wait drained = %d\n", r);
    close(ep);
    struct pollfd none = {-1, POLLIN, 0};
    printf("poll negative fd = %d revents %x\n", poll(&none, 1, 0), none.revents);
    struct pollfd badfd = {77, POLLIN, 0};
    printf("poll closed fd = %d revents %x\n", poll(&badfd, 1, 0), badfd.revents);
    printf("poll timeout 5ms = %d\n", poll(pf, 1, 5));

    /* stdout into the pipe and back */
    int saved = dup(1);
    dup2(p[1], 1);
    printf("this line goes through the pipe\n");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    memset(buf, 0, sizeof buf);
    read(p[0], buf, sizeof buf - 1);
    printf("captured: %s", buf);
    close(p[0]);
    close(p[1]);
    return 0;
}
