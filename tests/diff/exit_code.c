/* Exit statuses: exit(N) for several N (only the low 8 bits survive),
 * _exit, return from main, exit handlers (atexit runs in reverse order,
 * stdio buffers are flushed by exit but not by _exit).  The argument
 * selects the case; each diff-args line is a separate run. */
// diff-args: exit 0
// diff-args: exit 1
// diff-args: exit 42
// diff-args: exit 255
// diff-args: exit 256
// diff-args: exit -1
// diff-args: exit 1000
// diff-args: _exit 3
// diff-args: return 7
// diff-args: return 0
// diff-args: atexit 9
// diff-args:
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void h1(void) { printf("atexit handler 1\n"); }
static void h2(void) { printf("atexit handler 2\n"); fflush(stdout); }

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("no arguments: returning argc*5 = %d\n", argc * 5);
        return argc * 5;
    }
    int n = atoi(argv[2]);
    printf("case %s %d (buffered, no newline flush yet)", argv[1], n);
    fprintf(stderr, "stderr: %s %d\n", argv[1], n);
    if (strcmp(argv[1], "exit") == 0) exit(n);
    if (strcmp(argv[1], "_exit") == 0) _exit(n); /* the buffered stdout line is lost */
    if (strcmp(argv[1], "atexit") == 0) {
        atexit(h1);
        atexit(h2);
        printf("\nregistered\n");
        exit(n);
    }
    return n;
}
