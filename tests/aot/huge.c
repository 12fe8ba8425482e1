/* A function of over 400 blocks, which rv2wasm lifts with the guest
 * registers in locals only within a block (lift.c's by_block): branches
 * on every bit, calls in the middle, a loop around it all, and a load
 * from a page that is not mapped, caught by a SIGSEGV handler that
 * reports what the interrupted registers held (the state an exit wrote
 * back). Its output must be qemu's. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf back;
static volatile uint64_t seen_a0, seen_s1;

static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	seen_a0 = uc->uc_mcontext.__gregs[10];
	seen_s1 = uc->uc_mcontext.__gregs[9];
	siglongjmp(back, 1);
}

__attribute__((noinline)) static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

#define STEP(k) \
	if (x >> (k % 64) & 1) \
		h = h * 31 + p[(k * 7) % 61]; \
	else if (h & 2) \
		h ^= h >> (k % 13 + 1); \
	else \
		h += (uint64_t)k * 0x9e3779b9u; \
	if ((k % 50) == 49) \
		h = mix(h, x);
#define S10(k) STEP(k##0) STEP(k##1) STEP(k##2) STEP(k##3) STEP(k##4) \
	STEP(k##5) STEP(k##6) STEP(k##7) STEP(k##8) STEP(k##9)

__attribute__((noinline)) static uint64_t huge(const unsigned char *p, uint64_t x, int rounds)
{
	uint64_t h = 1469598103934665603ULL;
	for (int r = 0; r < rounds; r++) {
		S10(1) S10(2) S10(3) S10(4) S10(5) S10(6) S10(7) S10(8) S10(9) S10(10)
		S10(11) S10(12) S10(13) S10(14) S10(15)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	}
	return h;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1000;
	unsigned char buf[64];
	for (int i = 0; i < 64; i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	uint64_t h = huge(buf, 12345, rounds);
	printf("huge: %016llx\n", (unsigned long long)h);

	/* The same code reading from an unmapped page: it faults inside. */
	unsigned char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	memcpy(page + 4096 - 64, buf, 64);
	munmap(page + 4096, 4096);
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(back, 1)) {
		h = huge(page + 4096 - 8, 777, 3);
		printf("no fault: %016llx\n", (unsigned long long)h);
	} else {
		printf("fault caught: a0 %016llx s1 %016llx\n", (unsigned long long)seen_a0,
		       (unsigned long long)seen_s1);
	}
	return 0;
}
