/* Checks that compiled code leaves out because an earlier one covers
 * them (docs/COMPILER.md, "what a check establishes"): a store through a
 * pointer checked before its loop is not checked in the loop. That holds
 * only while the page bits cannot change, so the way back into the loop
 * from the runtime must check again: here a signal handler makes the page
 * read-only between two iterations (the runtime delivers the signal where
 * compiled code left it, at the loop's header, and re-enters there), and
 * the next store must fault, with nothing stored after the mprotect.
 * Also a frame's stores and loads through sp on both sides of a call.
 *
 * Usage: known; prints what happened. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf back;
static volatile long *page;
static volatile long seen = -1;
static volatile int faults;

static void on_usr1(int sig)
{
	(void)sig;
	mprotect((void *)page, 4096, PROT_READ);
	seen = page[0];
}

static void on_segv(int sig)
{
	(void)sig;
	faults++;
	siglongjmp(back, 1);
}

/* p[0] checked before the loop (the same register in the loop); the
 * loop's own store needs no check of its own. */
__attribute__((noipa)) static long spin(volatile long *p, long n)
{
	p[0] = 1;
	for (long i = 0; i < n; i++)
		p[0] = p[0] + 1;
	return p[0];
}

__attribute__((noipa)) static long leaf(long x) { return x * 3 + 1; }

/* A frame kept across calls: sp's range is known after each call. */
__attribute__((noipa)) static long frame(long n)
{
	volatile long v[8];
	for (int i = 0; i < 8; i++)
		v[i] = leaf(i + n);
	long s = 0;
	for (int i = 0; i < 8; i++)
		s += v[i] + leaf(v[i]);
	return s;
}

int main(void)
{
	printf("frame %ld\n", frame(5));
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	signal(SIGUSR1, on_usr1);
	signal(SIGSEGV, on_segv);
	pid_t child = fork();
	if (child == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	long r = 0;
	if (!sigsetjmp(back, 1))
		r = spin(page, 400000000L);
	waitpid(child, NULL, 0);
	printf("faults %d, %s\n", faults,
	       seen < 0 ? "no signal" : page[0] == seen ? "nothing stored after mprotect"
							: "STORED AFTER MPROTECT");
	if (!faults)
		printf("spin returned %ld\n", r);
	return 0;
}
