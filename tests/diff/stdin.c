/* Standard input supplied by the runner: line reading with fgets and
 * getline, byte counts, read(2) at EOF returning 0 repeatedly, and the
 * initial descriptors 0-2 being open (fcntl F_GETFD succeeds) while 3 is
 * not. */
// diff-stdin: first line\nsecond line with more words\n\n  indented\nno newline at end
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    printf("fd0 %d fd1 %d fd2 %d fd3 %d (errno %d)\n", fcntl(0, F_GETFD) >= 0,
           fcntl(1, F_GETFD) >= 0, fcntl(2, F_GETFD) >= 0, fcntl(3, F_GETFD) >= 0, errno);
    char line[16];
    if (fgets(line, sizeof line, stdin)) printf("fgets (16): [%s]\n", line);
    char *l = NULL;
    size_t cap = 0;
    ssize_t n;
    int count = 0;
    long bytes = 0;
    while ((n = getline(&l, &cap, stdin)) >= 0) {
        count++;
        bytes += n;
        printf("getline %d: %zd [%.*s]\n", count, n, (int)(n && l[n - 1] == '\n' ? n - 1 : n), l);
    }
    free(l);
    printf("lines %d bytes %ld eof %d\n", count, bytes, feof(stdin));
    char b[8];
    printf("read at EOF: %zd %zd\n", read(0, b, sizeof b), read(0, b, sizeof b));
    return 0;
}
