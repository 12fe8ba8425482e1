/* Deep recursion in compiled code, which runs on the host's (V8's) stack:
 * a function whose frame holds many values (every guest register in use),
 * recursing tens of thousands deep; and a recursion that goes through libc
 * at every level (qsort calls back into the program, which recurses into
 * qsort again: program -> libc -> program across two modules). The
 * compiled frames must stay within the host stack (calls past its budget
 * go through the runtime) and the results be qemu's.
 *
 * Usage: deep [DEPTH]; prints checksums. */
#include <stdio.h>
#include <stdlib.h>

/* Many values live across the call: all the registers, and spills. */
__attribute__((noinline)) static unsigned long wide(long n, unsigned long a, unsigned long b,
						    unsigned long c, unsigned long d)
{
	if (n <= 0)
		return a ^ b ^ c ^ d;
	unsigned long v[20];
	for (int i = 0; i < 20; i++)
		v[i] = a * (unsigned long)(i + 3) + (b >> (i % 7)) + c * d + (unsigned long)n;
	unsigned long r = wide(n - 1, v[0] ^ v[5], v[1] + v[9], v[2] - v[13], v[3] | (unsigned long)n);
	for (int i = 0; i < 20; i++)
		r = r * 31 + v[i];
	return r;
}

static long pending; /* levels still to go down, taken by the next comparison */
static unsigned long through_sum;

static int by_value(const void *x, const void *y);

/* Each level sorts a few numbers: the first comparison, called by libc's
 * qsort, goes one level deeper, until none are left. */
__attribute__((noinline)) static void through(long n)
{
	long a[3] = { n % 7, n % 5, n % 3 };
	pending = n;
	qsort(a, 3, sizeof a[0], by_value);
	through_sum = through_sum * 7 + (unsigned long)(a[0] + 2 * a[1] + 3 * a[2]);
}

static int by_value(const void *x, const void *y)
{
	long p = *(const long *)x, q = *(const long *)y;
	if (pending > 0) {
		long d = pending;
		pending = 0;
		through(d - 1);
	}
	return (p > q) - (p < q);
}

int main(int argc, char **argv)
{
	long depth = argc > 1 ? atol(argv[1]) : 20000;
	printf("wide: %lx\n", wide(depth, 1, 2, 3, 4));
	through(depth / 20);
	printf("through libc: %lx\n", through_sum);
	return 0;
}
