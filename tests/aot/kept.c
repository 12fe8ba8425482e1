/* Calls through a pointer and the registers the ABI has a callee keep
 * (compiler/lift.c's KEPT: gp, tp, s0-s11, fs0-fs11). A function that
 * calls nothing and uses none of them is marked in the entry table, and
 * a call through a pointer that finds one leaves the caller's dirty ones
 * in its locals: not written back before the call, not reloaded after.
 * `loop` (assembly, so that the values are in s1-s3 and written in the
 * loop, dirty at every call) calls each of:
 * - twice: such a function;
 * - yield: such a function that makes a system call in the middle, so
 *   leaves compiled code there: the caller must write s1-s3 back on its
 *   way out, as its way back in (the runtime's) reads them;
 * - spin: such a function with a loop long enough for the budget to run
 *   out in it (the same, at a budget's end);
 * - bump: a function that changes s3, against the ABI: it does not keep
 *   them, so the caller stores them before and reloads them after;
 * - nested: a function that calls twice (not a leaf: not marked).
 *
 * Usage: kept [N]; prints loop's result for each, N iterations. */
#include <stdio.h>
#include <stdlib.h>

long loop(long (*fn)(long), long n);
long twice(long x);
long yield(long x);
long spin(long x);
long bump(long x);
long nested(long x);

__asm__(".text\n"
	".globl loop\n"
	".type loop, @function\n"
	"loop:\n"
	"	addi sp, sp, -48\n"
	"	sd ra, 40(sp)\n"
	"	sd s0, 32(sp)\n"
	"	sd s1, 24(sp)\n"
	"	sd s2, 16(sp)\n"
	"	sd s3, 8(sp)\n"
	"	mv s0, a0\n"
	"	mv s1, a1\n"
	"	li s2, 0\n"
	"	li s3, 7\n"
	"1:\n"
	"	addi s3, s3, 3\n"
	"	add s2, s2, s1\n"
	"	mv a0, s3\n"
	"	jalr ra, 0(s0)\n"
	"	add s2, s2, a0\n"
	"	xor s2, s2, s1\n"
	"	addi s1, s1, -1\n"
	"	bnez s1, 1b\n"
	"	add a0, s2, s3\n"
	"	ld ra, 40(sp)\n"
	"	ld s0, 32(sp)\n"
	"	ld s1, 24(sp)\n"
	"	ld s2, 16(sp)\n"
	"	ld s3, 8(sp)\n"
	"	addi sp, sp, 48\n"
	"	ret\n"
	".size loop, .-loop\n"

	".globl twice\n"
	".type twice, @function\n"
	"twice:\n"
	"	slli a0, a0, 1\n"
	"	addi a0, a0, 1\n"
	"	ret\n"
	".size twice, .-twice\n"

	/* sched_yield: 0 */
	".globl yield\n"
	".type yield, @function\n"
	"yield:\n"
	"	mv t0, a0\n"
	"	li a7, 124\n"
	"	ecall\n"
	"	add a0, a0, t0\n"
	"	addi a0, a0, 5\n"
	"	ret\n"
	".size yield, .-yield\n"

	".globl spin\n"
	".type spin, @function\n"
	"spin:\n"
	"	li t1, 1000\n"
	"2:\n"
	"	addi a0, a0, 1\n"
	"	addi t1, t1, -1\n"
	"	bnez t1, 2b\n"
	"	ret\n"
	".size spin, .-spin\n"

	".globl bump\n"
	".type bump, @function\n"
	"bump:\n"
	"	addi s3, s3, 5\n"
	"	addi a0, a0, 2\n"
	"	ret\n"
	".size bump, .-bump\n"

	".globl nested\n"
	".type nested, @function\n"
	"nested:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	call twice\n"
	"	ld ra, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	addi a0, a0, 3\n"
	"	ret\n"
	".size nested, .-nested\n");

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 30000;
	static const struct { const char *name; long (*fn)(long); } fns[] = {
		{ "twice", twice }, { "yield", yield }, { "spin", spin }, { "bump", bump },
		{ "nested", nested },
	};
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		printf("%s %ld\n", fns[i].name, loop(fns[i].fn, n));
	return 0;
}
