/* Irreducible loops: Duff's device (a switch that jumps into the middle
 * of an unrolled loop) and a loop entered at two places by gotos. rv2wasm
 * routes the ways into such a loop's interior through the loop's own
 * dispatch (docs/COMPILER.md); this checks the results against qemu for
 * every remainder and entry.
 *
 * Usage: duff [ROUNDS]; prints checksums. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void duff_copy(unsigned *to, const unsigned *from, int count)
{
	if (count <= 0)
		return;
	int n = (count + 7) / 8;
	switch (count % 8) {
	case 0: do { *to++ = *from++ * 3;
	case 7:      *to++ = *from++ ^ 5;
	case 6:      *to++ = *from++ + 7;
	case 5:      *to++ = *from++ * 11;
	case 4:      *to++ = *from++ - 13;
	case 3:      *to++ = *from++ ^ 17;
	case 2:      *to++ = *from++ + 19;
	case 1:      *to++ = *from++ * 23;
		} while (--n > 0);
	}
}

/* A loop with two ways in, chosen by the caller. */
__attribute__((noinline)) static unsigned long two_doors(unsigned long x, int n, int door)
{
	if (door)
		goto second;
first:
	x = x * 6364136223846793005UL + 1442695040888963407UL;
	if (--n <= 0)
		return x;
second:
	x ^= x >> 17;
	if (--n <= 0)
		return x;
	goto first;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000;
	static unsigned src[512], dst[512];
	unsigned long sum = 0;
	for (int i = 0; i < 512; i++)
		src[i] = (unsigned)i * 2654435761u;
	for (int r = 0; r < rounds; r++) {
		int count = r % 500 + 1;
		duff_copy(dst + r % 7, src + r % 5, count);
		for (int i = 0; i < count; i++)
			sum = sum * 31 + dst[r % 7 + i];
		sum += two_doors(sum, r % 40 + 1, r & 1);
	}
	printf("duff: %lx\n", sum);
	return 0;
}
