/* Runs of double arithmetic in a row (fadd, fsub, fmul, fdiv, fsqrt .d),
 * which rv2wasm lifts as one: the results into temporaries, one test for
 * them all, and if it fails the helper for each in turn. Every result and
 * the flags the run raised must be qemu's, whatever fails in it: operands
 * that are zero, subnormal, huge, infinite or NaN, results that
 * overflow, underflow or are invalid, NX clear before the run (the inline
 * path needs it set), frm not RNE (the runs' dyn operations then take the
 * helper, their rne ones need not), and a run that reads what an earlier
 * operation of it wrote, into a register it also read.
 *
 * Usage: fpruns [N]; prints a hash of results and flags per run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpbits.h"

static double operand(void)
{
	static const double special[] = { 0.0, -0.0, 1.0, -1.0, 0x1p-1022, 0x1p-1074, 0x1.fffffffffffffp+1023,
					  0x1p+600, 0x1p-600, 3.0 };
	uint64_t r = next();
	switch (r % 8) {
	case 0: return special[next() % 10];
	case 1: return from_bits(next()); /* NaNs, infinities, subnormals too */
	case 2: return from_bits(next() & 0x800fffffffffffffull); /* subnormal or zero */
	case 3: return from_bits((next() & 0x800fffffffffffffull) | 0x7ff0000000000000ull); /* inf or NaN */
	default: return (double)(int64_t)(next() % 2000001) / 1000.0 - 1000.0;
	}
}

static uint64_t h[4], flags[4][32];

static void note(int k, double x, double y, double z, unsigned fl)
{
	h[k] = mix(mix(mix(mix(h[k], bits_of(x)), bits_of(y)), bits_of(z)), fl);
	flags[k][fl & 31]++;
}

int main(int argc, char **argv)
{
	state = 0x2545F4914F6CDD1Dull;
	long n = argc > 1 ? atol(argv[1]) : 100000;
	for (int k = 0; k < 4; k++)
		h[k] = 0xcbf29ce484222325ull;
	for (long i = 0; i < n; i++) {
		double a = operand(), b = operand(), c = operand();
		unsigned fl, nx = next() % 4 ? 1 : 0, rm = next() % 8 ? 0 : 1 + next() % 4;
		double x, y, z;
		__asm__ volatile("fsflags %0; fsrm %1" : : "r"(nx), "r"(rm));
		/* 0: five in a row, each reading the one before (rm dyn) */
		__asm__ volatile("fadd.d %0, %3, %4\n\tfmul.d %1, %0, %5\n\tfdiv.d %2, %1, %3\n\t"
				 "fsub.d %0, %2, %0\n\tfsqrt.d %1, %1"
				 : "=&f"(x), "=&f"(y), "=&f"(z) : "f"(a), "f"(b), "f"(c));
		__asm__ volatile("frflags %0" : "=r"(fl));
		note(0, x, y, z, fl);
		/* 1: the same with static rne: frm does not matter */
		__asm__ volatile("fsflags %0" : : "r"(nx));
		__asm__ volatile("fadd.d %0, %3, %4, rne\n\tfmul.d %1, %0, %5, rne\n\tfdiv.d %2, %1, %3, rne\n\t"
				 "fsub.d %0, %2, %0, rne\n\tfsqrt.d %1, %1, rne"
				 : "=&f"(x), "=&f"(y), "=&f"(z) : "f"(a), "f"(b), "f"(c));
		__asm__ volatile("frflags %0" : "=r"(fl));
		note(1, x, y, z, fl);
		/* 2: rne and dyn mixed; a register read and written in turn */
		x = a, y = b, z = c;
		__asm__ volatile("fsflags %0" : : "r"(nx));
		__asm__ volatile("fmul.d %0, %0, %1, rne\n\tfadd.d %1, %1, %0\n\tfsub.d %2, %2, %1, rne\n\t"
				 "fmul.d %0, %2, %2\n\tfdiv.d %1, %0, %1, rne\n\tfadd.d %2, %0, %1"
				 : "+f"(x), "+f"(y), "+f"(z));
		__asm__ volatile("frflags %0" : "=r"(fl));
		note(2, x, y, z, fl);
		/* 3: sums and differences only (their fast test is finiteness:
		 * a tiny one is exact) */
		x = a * 0x1p-1000, y = b, z = c;
		__asm__ volatile("fsflags %0" : : "r"(nx));
		__asm__ volatile("fsub.d %0, %0, %1\n\tfadd.d %1, %0, %2\n\tfsub.d %2, %1, %1\n\tfadd.d %0, %0, %0"
				 : "+f"(x), "+f"(y), "+f"(z));
		__asm__ volatile("frflags %0" : "=r"(fl));
		note(3, x, y, z, fl);
	}
	__asm__ volatile("fsrm %0" : : "r"(0));
	for (int k = 0; k < 4; k++) {
		printf("run %d: %016llx; flags", k, (unsigned long long)h[k]);
		for (int f = 0; f < 32; f++)
			if (flags[k][f])
				printf(" %02x:%llu", f, (unsigned long long)flags[k][f]);
		printf("\n");
	}
	return 0;
}
