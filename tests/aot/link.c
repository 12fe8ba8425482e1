/* The link register after a call through a pointer is the callee's: a
 * callee may return (through t0, the other link register the ISA's
 * return hint names) with ra changed. Here the call is a function's last
 * instruction, so the way on is into the next function (`after`), which
 * reads ra. Compiled code wrote its own copy of the link back over the
 * callee's there (rv2wasm marked ra dirty after such a call): `after`
 * saw its own address, not what the callee left.
 *
 * Usage: link [N]; prints the ra `after` saw, N times summed. */
#include <stdio.h>
#include <stdlib.h>

long outer(long (*callee)(void));

/* outer(callee): calls callee through a pointer; falls into after, which
 * returns the ra it finds. swap_ra returns through t0 with ra = 0x1234. */
__asm__(".text\n"
	".globl outer\n"
	".type outer, @function\n"
	"outer:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	jalr ra, 0(a0)\n"
	".size outer, .-outer\n"
	".globl after\n"
	".type after, @function\n"
	"after:\n"
	"	mv a0, ra\n"
	"	ld ra, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n"
	".size after, .-after\n"
	".globl swap_ra\n"
	".type swap_ra, @function\n"
	"swap_ra:\n"
	"	mv t0, ra\n"
	"	li ra, 0x1234\n"
	"	jr t0\n"
	".size swap_ra, .-swap_ra\n");

long swap_ra(void);

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, sum = 0;
	for (long i = 0; i < n; i++)
		sum += outer(swap_ra);
	printf("after saw ra = %#lx, %ld times: %#lx\n", sum / n, n, sum);
	return 0;
}
