/* Dense double matrix multiply (i-k-j order, 320x320) repeated, with a
 * row-sum checksum: FP loads/stores and multiply-adds in an inner loop.
 * Built with -ffp-contract=off so every target rounds the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 320

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    int reps = (int)(50 * scale);
    if (reps < 1) reps = 1;
    double *a = malloc(sizeof(double) * N * N), *b = malloc(sizeof(double) * N * N),
           *c = malloc(sizeof(double) * N * N);
    for (int i = 0; i < N * N; i++) {
        a[i] = (double)(((long long)i * 7919) % 1000) / 1000.0 - 0.5;
        b[i] = (double)(((long long)i * 104729) % 997) / 997.0 - 0.25;
    }
    double check = 0;
    for (int r = 0; r < reps; r++) {
        memset(c, 0, sizeof(double) * N * N);
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i * N + k];
                for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
            }
        /* feed back a little so repetitions are not identical */
        a[r % (N * N)] += c[(r * 31) % (N * N)] * 1e-3;
        check += c[(r * 12345) % (N * N)];
    }
    double tr = 0;
    for (int i = 0; i < N; i++) tr += c[i * N + i];
    printf("trace %.12g\n", tr);
    printf("checksum: %a %a\n", tr, check);
    free(a); free(b); free(c);
    return 0;
}
