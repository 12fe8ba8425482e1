/* Call-heavy recursion: naive Fibonacci and the Ackermann function, so
 * nearly every instruction is a call, a return, a compare or an add;
 * stack frames are pushed and popped millions of times. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static long ack(long m, long n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static unsigned tak(unsigned x, unsigned y, unsigned z)
{
    return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    int reps = (int)(120 * scale);
    if (reps < 1) reps = 1;
    long f = 0, a = 0;
    unsigned t = 0;
    for (int r = 0; r < reps; r++) {
        f += fib(30 + r % 2);
        a += ack(2, 1000 + r) + ack(3, 5 + r % 3);
        t += tak(18 + r % 3, 12, 6);
    }
    printf("reps %d fib %ld ack %ld tak %u\n", reps, f, a, t);
    printf("checksum: %ld %ld %u\n", f, a, t);
    return 0;
}
