/* env.far's cache of the entries it found in other modules must not
 * outlive their mappings. The program loads libfar_a.so, calls its
 * `value` through a pointer (a call into another module: env.far) a
 * thousand times, unloads it, and loads libfar_b.so in its place: the
 * same code but for a constant, and no module compiled from it (its code
 * is interpreted). A cache kept across the unmapping would run a's
 * compiled code at b's address. Built from tests/aot/farlib.c with
 * VALUE 1 and 2.
 *
 * Usage: farcache [ROUNDS]; prints each round's sum. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static long call(long (*f)(long), long x)
{
	return f(x) + 1;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;
	for (int r = 0; r < rounds; r++) {
		const char *lib = r & 1 ? "/t/libfar_b.so" : "/t/libfar_a.so";
		void *h = dlopen(lib, RTLD_NOW);
		if (!h) {
			printf("%s\n", dlerror());
			return 1;
		}
		long (*f)(long) = (long (*)(long))dlsym(h, "value");
		long s = 0;
		for (long i = 0; i < 1000; i++)
			s += call(f, i);
		printf("%s %ld\n", lib, s);
		dlclose(h);
	}
	return 0;
}
