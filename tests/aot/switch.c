/* A bytecode interpreter twice: a dense switch in a loop, which GCC
 * compiles to a table of offsets, and threaded code (computed gotos, as
 * glibc's printf dispatches), a table of label addresses in read-only
 * data. tests/aot/run.py checks that rv2wasm resolves both (so the cases
 * run compiled, not interpreted) and that the results are qemu's. */
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

static long threaded(const unsigned char *code, int n, long x)
{
	static void *const op[] = { &&add, &&mix, &&mul, &&sub, &&low, &&rot,
				    &&xr, &&dec, &&odd, &&tri, &&inc, &&inc };
	long acc = x, r = 0;
	int pc = 0;
#define NEXT goto *op[code[pc = (pc + 1) % n]]
	goto *op[code[0]];
add:	acc += 3; NEXT;
mix:	acc ^= acc >> 3; NEXT;
mul:	acc *= 7; NEXT;
sub:	acc -= r; NEXT;
low:	r += acc & 255; NEXT;
rot:	acc = (long)((unsigned long)acc << 1 | ((unsigned long)acc >> 63)); NEXT;
xr:	r ^= acc; NEXT;
dec:	if (--x <= 0)
		return acc ^ r;
	NEXT;
odd:	acc |= 1; NEXT;
tri:	r = r * 3 + 1; NEXT;
inc:	acc++; NEXT;
#undef NEXT
}

/* A switch whose table address, set before the loop in a register, is
 * set again after it (the register is printf's argument): rv2wasm takes
 * the nearest setting before the jump's block (a wrong guess would cost
 * only speed: the compiled jump compares its target with the table's). */
static long again(const unsigned char *code, int n, long x)
{
	long acc = x, r = 0;
	for (long i = 0; i < x; i++) {
		switch (code[i % n]) {
		case 0: acc += 5; break;
		case 1: acc ^= acc >> 5; break;
		case 2: acc *= 3; break;
		case 3: acc -= r; break;
		case 4: r += acc & 127; break;
		case 5: r ^= acc; break;
		case 6: acc |= 2; break;
		default: acc--; break;
		}
	}
	printf("again: %ld %ld %ld\n", acc, r, acc ^ r);
	return acc;
}

int main(int argc, char **argv)
{
	unsigned char code[64];
	for (int i = 0; i < 64; i++)
		code[i] = (unsigned char)((i * 7 + 3) % 12);
	long n = argc > 1 ? atol(argv[1]) : 100000;
	printf("checksum: %ld\n", run(code, 64, n));
	printf("threaded: %ld\n", threaded(code, 64, n));
	again(code, 64, n);
	return 0;
}
