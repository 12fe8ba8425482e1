/* Deep recursion in compiled code, which runs on the host's (V8's) stack:
 * a function whose frame holds many values (every guest register in use),
 * recursing tens of thousands deep; a recursion that goes through libc
 * at every level (qsort calls back into the program, which recurses into
 * qsort again: program -> libc -> program across two modules); and a
 * function so long that TurboFan compiles it with its mid-tier register
 * allocator, whose frames grow with the code (over 10 KiB here), called
 * often first, so that it is compiled so, then recursing deep. The
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

__attribute__((noinline)) static unsigned long mix(unsigned long t, unsigned long u)
{
	return t + (u >> 1);
}

/* Sixteen values stirred 256 times, with a call half the time, before and
 * after the recursion: about 3000 instructions in 1000 blocks, the
 * sixteen values live across every call. */
#define STIR(x)                                                                     \
	do {                                                                        \
		unsigned long t_ = v[0] * 0x9E3779B97F4A7C15ul + (v[5] >> 3) + (x); \
		if (t_ >> 63)                                                       \
			t_ = mix(t_, v[9]);                                         \
		for (int k_ = 0; k_ < 15; k_++)                                     \
			v[k_] = v[k_ + 1];                                          \
		v[15] = t_ ^ (v[11] << 7);                                          \
	} while (0)
#define STIR4(x) STIR(x); STIR((x) + 1); STIR((x) + 2); STIR((x) + 3)
#define STIR16(x) STIR4(x); STIR4((x) + 4); STIR4((x) + 8); STIR4((x) + 12)
#define STIR64(x) STIR16(x); STIR16((x) + 16); STIR16((x) + 32); STIR16((x) + 48)

__attribute__((noinline, optimize("unroll-loops"))) static unsigned long longest(long n,
										 unsigned long a)
{
	unsigned long v[16];
	for (int i = 0; i < 16; i++)
		v[i] = a + (unsigned long)i * 0x632BE59BD9B4E019ul;
	STIR64(1); STIR64(2);
	unsigned long r = n > 0 ? longest(n - 1, v[3] ^ v[12]) : 0;
	STIR64(r); STIR64(3);
	unsigned long s = 0;
	for (int i = 0; i < 16; i++)
		s = s * 31 + v[i];
	return s;
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
	unsigned long l = 0;
	for (long i = 0; i < 3000; i++)
		l += longest(1, (unsigned long)i);
	printf("longest: %lx %lx\n", l, longest(depth / 20, 7));
	return 0;
}
