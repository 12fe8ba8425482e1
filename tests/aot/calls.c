/* Calls compiled code must make without leaving to the runtime (the test
 * counts the runtime's entries into compiled code): tail calls (`j f`,
 * and `jr` through a function pointer), functions reached only through a
 * table of pointers in the data (relative relocations in a PIE),
 * and a callback whose address is taken in the code (auipc; addi). One
 * call site's target changes from call to call, into libc too (another
 * module): its cache of env.lookup must follow. A call into libc through
 * the PLT, whose stub jumps with `jalr t1, t3` (t1 for the lazy resolver,
 * not a return address): libc returns to the stub's caller, which must
 * take that for its call's return (taken for a call of its own, the
 * stub's jump exited to the runtime every time: 20025 entries for 20000
 * iterations). A callee that returns past its return address (skip_one)
 * is followed there, not to the return address.
 *
 * Usage: calls [ITERATIONS]; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long (*op_fn)(unsigned long);

__attribute__((noinline)) static unsigned long mix(unsigned long x)
{
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9UL;
	return x ^ (x >> 32);
}

/* Called only through `ops`, and each ends in a tail call to mix. */
__attribute__((noinline)) static unsigned long op_add(unsigned long x) { return mix(x + 0x9e3779b9); }
__attribute__((noinline)) static unsigned long op_rot(unsigned long x) { return mix(x << 7 | x >> 57); }
__attribute__((noinline)) static unsigned long op_neg(unsigned long x) { return mix(~x); }

static op_fn const ops[] = { op_add, op_rot, op_neg, (op_fn)labs };

/* An indirect tail call: `jr` to the pointer, no frame of its own. */
__attribute__((noinline)) static unsigned long dispatch(op_fn f, unsigned long x) { return f(x); }

/* Called only through the pointer its caller takes in the code. */
__attribute__((noinline)) static unsigned long twice(unsigned long x) { return mix(mix(x)); }

__attribute__((noinline)) static unsigned long apply(op_fn volatile *cb, unsigned long x)
{
	return (*cb)(x) + 1;
}

/* Returns to ra + 4: past the instruction after its call. */
__asm__(".text\n.type skip_one, @function\nskip_one:\n\taddi ra, ra, 4\n\tret\n"
	".size skip_one, . - skip_one\n");

__attribute__((noinline)) static unsigned long skipped(unsigned long x)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 "call skip_one\n"
			 "addi %0, %0, 1\n" /* (skipped) */
			 "addi %0, %0, 2\n"
			 ".option pop\n"
			 : "+r"(x) : : "ra");
	return x;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	unsigned long h = 1;
	op_fn volatile cb = twice;
	char word[] = "calls";
	h = skipped(h);
	for (long i = 0; i < n; i++) {
		h = dispatch(ops[h % 4], h) * 0x9e3779b97f4a7c15UL;
		h ^= apply(&cb, h);
		word[h % 5] = h & 32 ? 0 : 'a' + h % 26;
		h += strlen(word);
	}
	printf("checksum: %lu\n", skipped(h));
	return 0;
}
