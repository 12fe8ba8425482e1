/* Fused multiply-adds on many operands, as rv2wasm computes them inline
 * (from f64 operations: Dekker's product, two-sums, rounding to odd) and
 * as its helper does: every result and the flags it raised must be
 * qemu's. The operands are random (a fixed generator) and made hard:
 * c = -(a * b) rounded (the exact sum is the product's rounding error),
 * that plus a little, near ties, zero, and raw bit patterns (NaNs,
 * infinities, subnormals: those take the helper). NX is set before each
 * operation (the inline path needs it), then the flags are read back.
 *
 * Usage: fma [N]; prints a hash of results and flags per operation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpbits.h"

static double operand(void)
{
	uint64_t r = next();
	switch (r % 5) {
	case 0: return (double)(int64_t)(next() % 2000001) / 1000.0 - 1000.0;
	case 1: return from_bits(next());
	case 2: { /* an odd 53-bit integer scaled: full significands */
		double m = (double)((next() >> 11) | 1);
		int e = (int)(next() % 100) - 80;
		for (; e > 0; e--) m *= 2;
		for (; e < 0; e++) m /= 2;
		return r & 0x100 ? -m : m;
	}
	case 3: return (double)((int64_t)(next() % 2001) - 1000);
	default: return from_bits((next() & 0x800fffffffffffffull) | (uint64_t)(next() % 200 + 923) << 52);
	}
}

static double addend(double a, double b)
{
	double p = a * b;
	switch (next() % 6) {
	case 0: case 1: return operand();
	case 2: return -p;
	case 3: { /* -p and a little: the sum is mostly p's error */
		static const double eps[] = { 0x1p-52, 0x1p-53, 0x1p-54, 0x3p-55, 0x1p-70 };
		return -p + from_bits(bits_of(p) & 0x7ff0000000000000ull) * eps[next() % 5];
	}
	case 4: return 0.0;
	default: return from_bits(bits_of(-p) ^ (next() & 7)); /* near -p: ties */
	}
}

#define FMA(op, r, a, b, c) __asm__ volatile(op " %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(c))

static uint64_t h[8], flags[8][32];

static void note(int k, uint64_t bits, unsigned fl)
{
	h[k] = mix(mix(h[k], bits), fl);
	flags[k][fl & 31]++;
}

/* operation k: NX set before, the result's bits and the flags noted */
#define OP(k, op, a, b, c) do { \
		__typeof__(a) r_; \
		uint64_t b_ = 0; \
		unsigned fl_; \
		__asm__ volatile("fsflags %0" : : "r"(1)); \
		FMA(op, r_, a, b, c); \
		__asm__ volatile("frflags %0" : "=r"(fl_)); \
		memcpy(&b_, &r_, sizeof r_); \
		note(k, b_, fl_); \
	} while (0)

int main(int argc, char **argv)
{
	state = 0x9E3779B97F4A7C15ull;
	long n = argc > 1 ? atol(argv[1]) : 100000;
	static const char *const names[8] = { "fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d",
					      "fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s" };
	for (int k = 0; k < 8; k++)
		h[k] = 0xcbf29ce484222325ull;
	for (long i = 0; i < n; i++) {
		double a = operand(), b = operand(), c = addend(a, b);
		float as = (float)a, bs = (float)b, cs = (float)c;
		if (next() % 4 == 0) { /* singles near ties too */
			as = (float)(a * 0x1p-900);
			bs = (float)((double)(next() % 4096) + 1);
			cs = -(as * bs);
		}
		/* (straight code: a switch's jump table would leave compiled
		 * code at each operation) */
		OP(0, "fmadd.d", a, b, c);
		OP(1, "fmsub.d", a, b, c);
		OP(2, "fnmsub.d", a, b, c);
		OP(3, "fnmadd.d", a, b, c);
		OP(4, "fmadd.s", as, bs, cs);
		OP(5, "fmsub.s", as, bs, cs);
		OP(6, "fnmsub.s", as, bs, cs);
		OP(7, "fnmadd.s", as, bs, cs);
	}
	for (int k = 0; k < 8; k++) {
		printf("%s: %016llx; flags", names[k], (unsigned long long)h[k]);
		for (int f = 0; f < 32; f++)
			if (flags[k][f])
				printf(" %02x:%llu", f, (unsigned long long)flags[k][f]);
		printf("\n");
	}
	return 0;
}
