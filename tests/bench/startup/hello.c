/* tests/bench/startup.py's glibc-dynamic program: what a container's
 * smallest command does (ld.so, libc's start-up, one printf, exit). */
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	return 0;
}
