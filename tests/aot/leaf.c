/* Leaf functions (no loop, no call) have no budget check at their start:
 * rv2wasm's argument is that no cycle of compiled code runs through one
 * without passing a check elsewhere. This spins in a cycle of returns
 * that never goes round a loop: spin_leaf returns to its own start (ra
 * points there) until another thread sets a flag. The thread runs only
 * if the spinning one is preempted, so a cycle that escaped every budget
 * check would hang here. Also a comparator (a leaf) called through a
 * pointer many times, as qsort does.
 *
 * Usage: leaf; prints what it saw. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* spin_leaf(flag, back, 0): while *flag is 0, count in a2 and return to
 * ra (its own start); then jump to back with the count in a0. */
__asm__(".text\n"
	".globl spin_leaf\n"
	".type spin_leaf, @function\n"
	"spin_leaf:\n"
	"	ld t0, 0(a0)\n"
	"	bnez t0, 1f\n"
	"	addi a2, a2, 1\n"
	"	jr ra\n"
	"1:	mv a0, a2\n"
	"	jr a1\n"
	".size spin_leaf, .-spin_leaf\n");

static long spin_until(volatile long *flag)
{
	register long a0 __asm__("a0") = (long)flag;
	__asm__ volatile("lla a1, 2f\n"
			 "lla ra, spin_leaf\n"
			 "li a2, 0\n"
			 "j spin_leaf\n"
			 "2:\n"
			 : "+r"(a0)
			 :
			 : "a1", "a2", "t0", "ra", "memory");
	return a0;
}

static volatile long flag;

static void *setter(void *arg)
{
	(void)arg;
	usleep(20000);
	flag = 1;
	return NULL;
}

__attribute__((noinline)) static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, setter, NULL)) {
		puts("pthread_create failed");
		return 1;
	}
	long rounds = spin_until(&flag);
	pthread_join(t, NULL);
	printf("flag seen after %s rounds\n", rounds > 0 ? "some" : "no");

	enum { N = 20000 };
	long *v = malloc(N * sizeof *v);
	unsigned long x = 88172645463325252UL, sum = 0;
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v[i] = (long)(x % 1000003);
	}
	qsort(v, N, sizeof *v, cmp);
	for (int i = 0; i < N; i++)
		sum = sum * 31 + (unsigned long)v[i];
	printf("sorted: %lx\n", sum);
	free(v);
	return 0;
}
