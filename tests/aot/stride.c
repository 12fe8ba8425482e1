/* Pointers stepping through memory in loops, which compiled code checks
 * in full on the way into the loop and then only for staying in the page
 * it checked (docs/COMPILER.md, "what a check establishes"): walking up
 * into a page with no access, down into one, starting inside one, and
 * storing into a read-only page must fault at the same address as under
 * qemu, and the sums before must agree; so must a loop of several blocks,
 * and one storing through a pointer derived from another (addi, mv),
 * which takes what is known of it, moved by the offset.
 *
 * Usage: stride; prints what each walk read and where it faulted. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096

static sigjmp_buf back;
static volatile uintptr_t fault_at;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_at = (uintptr_t)si->si_addr;
	siglongjmp(back, 1);
}

__attribute__((noipa)) static uint64_t sum_up(const uint64_t *p, const uint64_t *end)
{
	uint64_t s = 0;
	for (; p != end; p++)
		s += *p;
	return s;
}

__attribute__((noipa)) static uint64_t sum_down(const uint32_t *p, const uint32_t *end)
{
	uint64_t s = 0;
	for (; p != end; p--)
		s = s * 3 + *p;
	return s;
}

__attribute__((noipa)) static void fill(uint16_t *p, uint16_t *end, uint16_t v)
{
	for (; p != end; p++)
		*p = v++;
}

/* A loop of several blocks (a branch inside): two pointers stepping, one
 * storing, tested for staying in their pages as the one-block loops. */
__attribute__((noipa)) static uint64_t copy_odd(uint32_t *to, const uint32_t *p, const uint32_t *end)
{
	uint64_t s = 0;
	for (; p != end; p++, to++) {
		uint32_t v = *p;
		if (v & 1)
			s += v;
		else
			s = s * 5 + (v >> 3);
		*to = (uint32_t)s;
	}
	return s;
}

/* p[0] = v, p[1] = v + 1 (through t2 = p + 8, what is known of p moved
 * by 8: p[1] needs no check), p[2] = v + 1 (must be checked: outside p's
 * range), then p = t2 (a copy: c.mv), n times. */
void derived_fill(uint64_t *p, long n, uint64_t v);
__asm__(".globl derived_fill\n"
	"derived_fill:\n"
	"1:	sd a2, 0(a0)\n"
	"	sd a2, 8(a0)\n"
	"	addi t2, a0, 8\n"
	"	addi a2, a2, 1\n"
	"	sd a2, 0(t2)\n"
	"	sd a2, 8(t2)\n"
	"	mv a0, t2\n"
	"	addi a1, a1, -1\n"
	"	bnez a1, 1b\n"
	"	ret\n");

/* The sum of the words from p up to end, gcc's way round a loop: the
 * next pointer derived (addi t1, a0, 8), then copied back (mv a0, t1);
 * checked on the way into the loop, then tested for staying in its page. */
uint64_t derived_sum(const uint64_t *p, const uint64_t *end);
__asm__(".globl derived_sum\n"
	"derived_sum:\n"
	"	li a2, 0\n"
	"1:	ld t0, 0(a0)\n"
	"	addi t1, a0, 8\n"
	"	add a2, a2, t0\n"
	"	mv a0, t1\n"
	"	bne a0, a1, 1b\n"
	"	mv a0, a2\n"
	"	ret\n");

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	/* none | rw | rw | read-only | none */
	unsigned char *m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	for (int i = 0; i < 5 * PAGE; i++)
		m[i] = (unsigned char)(i * 7 + 1);
	mprotect(m, PAGE, PROT_NONE);
	mprotect(m + 3 * PAGE, PAGE, PROT_READ);
	mprotect(m + 4 * PAGE, PAGE, PROT_NONE);

	uint64_t s = 0;
	/* starting inside pages they may not touch: the first access faults */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		s = sum_up((const uint64_t *)(m + 4 * PAGE + 16), (const uint64_t *)(m + 5 * PAGE));
	printf("up from inside page 4: faulted at +%ld\n", (long)(fault_at - (uintptr_t)m));
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		fill((uint16_t *)(m + 3 * PAGE + 2), (uint16_t *)(m + 4 * PAGE), 9);
	printf("fill inside page 3: faulted at +%ld\n", (long)(fault_at - (uintptr_t)m));
	/* up from the middle of page 1, through page 3, into page 4 */
	if (!sigsetjmp(back, 1))
		s = sum_up((const uint64_t *)(m + PAGE + 1000), (const uint64_t *)(m + 5 * PAGE));
	printf("up: faulted at +%ld\n", (long)(fault_at - (uintptr_t)m));
	/* (the same, stopping short: no fault) */
	s = sum_up((const uint64_t *)(m + PAGE + 8), (const uint64_t *)(m + 4 * PAGE));
	printf("up to the end of page 3: %016llx\n", (unsigned long long)s);
	/* down from page 2 into page 0 */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		s = sum_down((const uint32_t *)(m + 3 * PAGE - 4), (const uint32_t *)m - 1);
	printf("down: faulted at +%ld\n", (long)(fault_at - (uintptr_t)m));
	s = sum_down((const uint32_t *)(m + 3 * PAGE - 4), (const uint32_t *)(m + PAGE) - 1);
	printf("down to the start of page 1: %016llx\n", (unsigned long long)s);
	/* a loop of several blocks: reading up from page 1 into page 4,
	 * storing into page 2; then storing up into read-only page 3 */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		s = copy_odd((uint32_t *)(m + 2 * PAGE), (const uint32_t *)(m + 3 * PAGE + 40),
			     (const uint32_t *)(m + 5 * PAGE));
	printf("several blocks up: faulted at +%ld, page 2 starts with %u\n",
	       (long)(fault_at - (uintptr_t)m), ((uint32_t *)(m + 2 * PAGE))[0]);
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		s = copy_odd((uint32_t *)(m + 2 * PAGE + 3000), (const uint32_t *)(m + PAGE + 8),
			     (const uint32_t *)(m + 3 * PAGE));
	printf("several blocks storing: faulted at +%ld, %016llx\n", (long)(fault_at - (uintptr_t)m),
	       (unsigned long long)s);
	/* storing from page 2 into read-only page 3 */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		fill((uint16_t *)(m + 2 * PAGE + 2), (uint16_t *)(m + 4 * PAGE), 5);
	printf("fill: faulted at +%ld, page 2 ends with %u\n", (long)(fault_at - (uintptr_t)m),
	       ((uint16_t *)(m + 3 * PAGE))[-1]);
	/* a pointer derived and copied back, up from page 1 into page 4 */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		s = derived_sum((const uint64_t *)(m + PAGE + 1000), (const uint64_t *)(m + 5 * PAGE));
	printf("derived up: faulted at +%ld\n", (long)(fault_at - (uintptr_t)m));
	s = derived_sum((const uint64_t *)(m + PAGE + 8), (const uint64_t *)(m + 4 * PAGE));
	printf("derived up to the end of page 3: %016llx\n", (unsigned long long)s);
	/* storing through derived pointers from page 2 into read-only page 3 */
	fault_at = 0;
	if (!sigsetjmp(back, 1))
		derived_fill((uint64_t *)(m + 3 * PAGE - 64), 16, 100);
	printf("derived: faulted at +%ld, page 2 ends with %llu, page 3 starts with %llu\n",
	       (long)(fault_at - (uintptr_t)m), (unsigned long long)((uint64_t *)(m + 3 * PAGE))[-1],
	       (unsigned long long)((uint64_t *)(m + 3 * PAGE))[0]);
	return 0;
}
