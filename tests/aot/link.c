/* The link register after a call through a pointer is the callee's: a
 * callee may return (through t0, the other link register the ISA's
 * return hint names) with ra changed. Here the call is a function's last
 * instruction, so the way on is into the next function (`after`), which
 * reads ra. Compiled code wrote its own copy of the link back over the
 * callee's there (rv2wasm marked ra dirty after such a call): `after`
 * saw its own address, not what the callee left.
 *
 * Also a call that comes back to its return address with sp moved
 * (outer_sp), the same through a tail call (outer_tail), and calls
 * through one pointer to a function that keeps the callee-saved
 * registers and to one that does not (call_ptr).
 *
 * Usage: link [N]; prints the ra `after` saw, N times summed, and
 * outer_sp's, outer_tail's and call_ptr's results summed. */
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

/* outer_sp(n): stores n on its stack (so rv2wasm knows sp's range), calls
 * bump (`jal t0`), which moves sp down 16 and returns through t0, then
 * reads n back at its new offset and returns n * 3 + 7. The call comes
 * back (RET) with another sp, which the caller compares: compiled code
 * passed that RET up as it was, for its own caller to take as its
 * return; the run left compiled code there (87-95% of it compiled, not
 * 100%). Now such a return is NEXT from there on. via calls outer_sp
 * from a function that knows nothing of sp. */
long outer_sp(long n), via(long n);
__asm__(".text\n"
	".globl outer_sp\n"
	".type outer_sp, @function\n"
	"outer_sp:\n"
	"	addi sp, sp, -32\n"
	"	sd ra, 24(sp)\n"
	"	sd a0, 0(sp)\n"
	"	jal t0, bump\n"
	"	ld a0, 16(sp)\n"
	"	li a1, 3\n"
	"	mul a0, a0, a1\n"
	"	addi a0, a0, 7\n"
	"	addi sp, sp, 16\n"
	"	ld ra, 24(sp)\n"
	"	addi sp, sp, 32\n"
	"	ret\n"
	".size outer_sp, .-outer_sp\n"
	".globl via\n"
	".type via, @function\n"
	"via:\n" /* outer_sp(a0), from a function that knows nothing of sp */
	"	mv t2, ra\n"
	"	jal ra, outer_sp\n"
	"	mv ra, t2\n"
	"	ret\n"
	".size via, .-via\n"
	".globl bump\n"
	".type bump, @function\n"
	"bump:\n"
	"	addi sp, sp, -16\n"
	"	jr t0\n"
	".size bump, .-bump\n");

/* outer_tail(n): as outer_sp, but the callee (shrink) moves sp down 16
 * and tail-calls (`j`) leave, which never writes sp and returns: a
 * function that never writes sp does not compare it at its return, so
 * shrink, which does, must (rv2wasm's emit_call); else outer_tail took
 * the return for one with sp as it was, and read n at the old offset. */
long outer_tail(long n);
__asm__(".text\n"
	".globl outer_tail\n"
	".type outer_tail, @function\n"
	"outer_tail:\n"
	"	addi sp, sp, -32\n"
	"	sd ra, 24(sp)\n"
	"	sd a0, 0(sp)\n"
	"	sd zero, 16(sp)\n"
	"	jal ra, shrink\n"
	"	ld a0, 16(sp)\n"
	"	li a1, 5\n"
	"	mul a0, a0, a1\n"
	"	addi a0, a0, 3\n"
	"	addi sp, sp, 16\n"
	"	ld ra, 24(sp)\n"
	"	addi sp, sp, 32\n"
	"	ret\n"
	".size outer_tail, .-outer_tail\n"
	".globl shrink\n"
	".type shrink, @function\n"
	"shrink:\n"
	"	addi sp, sp, -16\n"
	"	j leave\n"
	".size shrink, .-shrink\n"
	".globl leave\n"
	".type leave, @function\n"
	"leave:\n"
	"	li a2, 1\n"
	"	ret\n"
	".size leave, .-leave\n");

/* call_ptr(fn): sets s1 to 5, calls fn through a pointer, returns s1.
 * keeps_s1 changes no callee-saved register; sets_s1 sets s1 to 42
 * (against the convention), which the caller must then read back: a
 * compiler that trusted the convention after calls through pointers
 * would not. */
long call_ptr(long (*fn)(void));
long keeps_s1(void);
long sets_s1(void);
__asm__(".text\n"
	".globl call_ptr\n"
	".type call_ptr, @function\n"
	"call_ptr:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	sd s1, 0(sp)\n"
	"	li s1, 5\n"
	"	jalr ra, 0(a0)\n"
	"	mv a0, s1\n"
	"	ld s1, 0(sp)\n"
	"	ld ra, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n"
	".size call_ptr, .-call_ptr\n"
	".globl keeps_s1\n"
	".type keeps_s1, @function\n"
	"keeps_s1:\n"
	"	li a0, 1\n"
	"	ret\n"
	".size keeps_s1, .-keeps_s1\n"
	".globl sets_s1\n"
	".type sets_s1, @function\n"
	"sets_s1:\n"
	"	li s1, 42\n"
	"	ret\n"
	".size sets_s1, .-sets_s1\n");

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, sum = 0;
	for (long i = 0; i < n; i++)
		sum += outer(swap_ra);
	printf("after saw ra = %#lx, %ld times: %#lx\n", sum / n, n, sum);
	sum = 0;
	for (long i = 0; i < n; i++)
		sum += via(i);
	printf("outer_sp: %ld\n", sum);
	sum = 0;
	for (long i = 0; i < n; i++)
		sum += outer_tail(i);
	printf("outer_tail: %ld\n", sum);
	sum = 0;
	for (long i = 0; i < n; i++)
		sum += call_ptr(i % 3 ? keeps_s1 : sets_s1) * (i % 7 + 1);
	printf("call_ptr: %ld\n", sum);
	return 0;
}
