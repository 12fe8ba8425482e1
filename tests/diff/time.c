/* Clocks and sleeping, printing only host-independent facts: monotonic
 * time never goes backwards, nanosleep sleeps at least as long as asked,
 * the realtime clock is after 2020, gettimeofday/time agree with
 * clock_gettime, invalid arguments fail with EINVAL, and localtime of a
 * fixed timestamp in UTC (TZ=UTC0 is set by the runner). */
// diff-env: TZ=UTC0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void)
{
    struct timespec a, b, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns(b) < ns(a)) backwards++;
        a = b;
    }
    printf("monotonic backwards steps: %d\n", backwards);

    static const long sleeps[] = {0, 1000, 1000000, 10000000, 25000000};
    for (unsigned i = 0; i < sizeof sleeps / sizeof sleeps[0]; i++) {
        struct timespec req = {0, sleeps[i]}, rem = {0, 0};
        clock_gettime(CLOCK_MONOTONIC, &a);
        int ret = nanosleep(&req, &rem);
        clock_gettime(CLOCK_MONOTONIC, &b);
        long long el = ns(b) - ns(a);
        printf("nanosleep %ldns: ret %d slept enough %d under 2s %d\n", sleeps[i], ret,
               el >= sleeps[i], el < 2000000000LL);
    }
    struct timespec req = {0, 5000000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    int ret = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep rel: ret %d enough %d\n", ret, ns(b) - ns(a) >= 5000000);
    struct timespec until = b;
    until.tv_nsec += 3000000;
    if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
    ret = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_nanosleep abs: ret %d reached %d\n", ret, ns(b) >= ns(until));

    struct timespec bad = {0, 1000000000};
    errno = 0;
    printf("nanosleep bad nsec: %d errno %d\n", nanosleep(&bad, NULL), errno);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    errno = 0;
    printf("nanosleep negative: %d errno %d\n", nanosleep(&bad, NULL), errno);
    errno = 0;
    printf("clock_gettime bad clock: %d errno %d\n", clock_gettime((clockid_t)12345, &r), errno);

    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime after 2020: %d, before 2100: %d\n", rt.tv_sec > 1577836800, rt.tv_sec < 4102444800LL);
    printf("gettimeofday/time within 5s of clock_gettime: %d %d usec<1e6: %d\n",
           llabs((long long)tv.tv_sec - rt.tv_sec) <= 5, llabs((long long)t - rt.tv_sec) <= 5,
           tv.tv_usec < 1000000);
    struct timespec res;
    printf("clock_getres monotonic: %d positive %d\n", clock_getres(CLOCK_MONOTONIC, &res),
           res.tv_sec > 0 || res.tv_nsec > 0);
    struct timespec c1, c2;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 3000000; i++) spin += i;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
    printf("cpu time advances: %d\n", ns(c2) >= ns(c1));
    clock_t c = clock();
    printf("clock() non-negative: %d\n", c >= 0);

    /* calendar conversions of fixed times */
    const time_t stamps[] = {0, 951782400, 1234567890, 2147483647, 4102444799LL, -1};
    for (unsigned i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        struct tm tm;
        gmtime_r(&stamps[i], &tm);
        char buf[100];
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %j %U", &tm);
        struct tm lt;
        localtime_r(&stamps[i], &lt);
        char lbuf[100];
        strftime(lbuf, sizeof lbuf, "%c %Z", &lt);
        time_t back = timegm(&tm);
        printf("%lld: %s | %s | timegm %lld wday %d yday %d\n", (long long)stamps[i], buf, lbuf,
               (long long)back, tm.tm_wday, tm.tm_yday);
    }
    struct tm mk = {.tm_year = 124, .tm_mon = 1, .tm_mday = 30, .tm_hour = 25};
    time_t m = mktime(&mk);
    printf("mktime normalises: %lld -> %04d-%02d-%02d %02d\n", (long long)m, mk.tm_year + 1900,
           mk.tm_mon + 1, mk.tm_mday, mk.tm_hour);
    return 0;
}
