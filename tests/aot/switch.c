/* A bytecode interpreter: a dense switch in a loop, which GCC compiles to
 * a jump table. tests/aot/run.py checks that rv2wasm resolves it (so the
 * cases run compiled, not interpreted) and that the result is qemu's. */
#include <stdio.h>
#include <stdlib.h>

static long run(const unsigned char *code, int n, long x)
{
	long acc = x, r = 0;
	for (int pc = 0;; pc = (pc + 1) % n) {
		switch (code[pc]) {
		case 0: acc += 3; break;
		case 1: acc ^= acc >> 3; break;
		case 2: acc *= 7; break;
		case 3: acc -= r; break;
		case 4: r += acc & 255; break;
		case 5: acc = (long)((unsigned long)acc << 1 | ((unsigned long)acc >> 63)); break;
		case 6: r ^= acc; break;
		case 7: if (--x <= 0) return acc ^ r; break;
		case 8: acc |= 1; break;
		case 9: r = r * 3 + 1; break;
		default: acc++; break;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned char code[64];
	for (int i = 0; i < 64; i++)
		code[i] = (unsigned char)((i * 7 + 3) % 12);
	long n = argc > 1 ? atol(argv[1]) : 100000;
	printf("checksum: %ld\n", run(code, 64, n));
	return 0;
}
