/* Registers a call changes and that are not live after it are not
 * reloaded by compiled code (their locals go stale; rv_cpu has the
 * callee's values), so nothing may write such a local back: not an exit
 * after paths meet where one of them wrote the register (it is dirty
 * there), and not an exit on the way into the instruction that writes
 * it (a load that faults: the signal handler sees the registers as they
 * were before it). Each case prints what qemu prints.
 *
 * Usage: stale; prints a line per case. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <ucontext.h>

/* a2 := 777, a1 := 778 (what a call may change: the caller's a1 and a2
 * go stale if not reloaded). */
void set_a1_a2(void);
__asm__(".globl set_a1_a2\n"
	"set_a1_a2:\n"
	"	li a2, 777\n"
	"	li a1, 778\n"
	"	ret\n");

/* a2 after the call, or 5 when flag: paths meet with a2 dirty on one
 * (written) and not on the other (the callee's), then an ecall (an exit,
 * which writes back what is dirty) and a2 read after it (the runtime's
 * way back in loads it from rv_cpu). */
long join_exit(long flag);
__asm__(".globl join_exit\n"
	"join_exit:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	sd s0, 0(sp)\n"
	"	mv s0, a0\n"
	"	li a2, 111\n"
	"	call set_a1_a2\n"
	"	beqz s0, 1f\n"
	"	li a2, 5\n"
	"1:	li a7, 172\n" /* getpid */
	"	ecall\n"
	"	mv a0, a2\n"
	"	ld ra, 8(sp)\n"
	"	ld s0, 0(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n");

/* After the call, a load from p into a1 (dead after the call, written
 * here): when it faults the handler reads a1 in the ucontext, which must
 * be the callee's 778. */
void load_after_call(const long *p);
__asm__(".globl load_after_call\n"
	"load_after_call:\n"
	"	addi sp, sp, -16\n"
	"	sd ra, 8(sp)\n"
	"	sd s0, 0(sp)\n"
	"	mv s0, a0\n"
	"	li a1, 111\n"
	"	call set_a1_a2\n"
	"	ld a1, 0(s0)\n"
	"	mv a0, a1\n"
	"	ld ra, 8(sp)\n"
	"	ld s0, 0(sp)\n"
	"	addi sp, sp, 16\n"
	"	ret\n");

static sigjmp_buf back;
static volatile unsigned long a1_at_fault;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	a1_at_fault = ((ucontext_t *)uc)->uc_mcontext.__gregs[11];
	siglongjmp(back, 1);
}

int main(void)
{
	printf("join, not written: a2 = %ld\n", join_exit(0));
	printf("join, written: a2 = %ld\n", join_exit(1));
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &sa, NULL);
	long *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	if (!sigsetjmp(back, 1)) {
		load_after_call(page);
		printf("load: no fault\n");
	} else {
		printf("load faulted: a1 = %lu\n", a1_at_fault);
	}
	return 0;
}
