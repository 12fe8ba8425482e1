/* setjmp/longjmp: return values (longjmp(…, 0) yields 1), jumping out of
 * deep recursion, nested jump buffers, volatile locals keep their values,
 * callee-saved integer and FP registers are restored, sigsetjmp with and
 * without saving the signal mask; and deep recursion (100000 frames). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env, env2;
static int depth_reached;

__attribute__((noinline)) static void dive(int n)
{
    volatile int pad[8];
    pad[0] = n;
    depth_reached = n;
    if (n == 5000) longjmp(env, n);
    if (n < 0) return;
    dive(n + 1);
    depth_reached += pad[0]; /* not reached */
}

__attribute__((noinline)) static void thrower(int v) { longjmp(env2, v); }

__attribute__((noinline)) static long sum_to(long n)
{
    volatile long keep = n; /* forces a real frame per call */
    if (n == 0) return 0;
    return keep + sum_to(n - 1);
}

__attribute__((noinline)) static double fp_work(double x)
{
    /* clobbers callee-saved FP registers */
    register double a __asm__("fs0") = x * 2, b __asm__("fs1") = x * 3;
    __asm__ volatile("" : "+f"(a), "+f"(b));
    return a + b;
}

int main(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    printf("setjmp returned %d, counter %d\n", r, counter);
    if (r == 0) longjmp(env, 0);
    if (r == 1 && counter == 2) longjmp(env, 42);
    if (r == 42) {
        r = setjmp(env);
        if (r == 0) dive(0);
        printf("out of recursion with %d, depth %d\n", r, depth_reached);
    }

    for (int v = 1; v <= 3; v++) {
        int got = setjmp(env2);
        if (got == 0) thrower(v * 100);
        printf("thrower: %d\n", got);
    }

    /* callee-saved registers across longjmp */
    register long s1 __asm__("s1") = 0x5151;
    register long s11 __asm__("s11") = 0xb11b;
    register double fs2 __asm__("fs2") = 2.25;
    __asm__ volatile("" : "+r"(s1), "+r"(s11), "+f"(fs2));
    if (setjmp(env2) == 0) {
        fp_work(1.0);
        thrower(7);
    }
    __asm__ volatile("" : "+r"(s1), "+r"(s11), "+f"(fs2));
    printf("callee-saved after longjmp: %lx %lx %a\n", s1, s11, fs2);

    /* sigsetjmp: mask saved or not */
    sigjmp_buf sj;
    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigsetjmp(sj, 1) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(sj, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsetjmp(…,1): USR1 blocked after jump %d\n", sigismember(&cur, SIGUSR1));
    if (sigsetjmp(sj, 0) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(sj, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsetjmp(…,0): USR1 blocked after jump %d\n", sigismember(&cur, SIGUSR1));

    printf("sum_to(100000) = %ld\n", sum_to(100000));
    return 0;
}
