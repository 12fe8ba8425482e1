/* Sorting ints: libc qsort (indirect calls through the comparator) and a
 * hand-written top-down merge sort with insertion sort for short runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void msort(int *a, int *tmp, size_t n)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            int v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    msort(a, tmp, h);
    msort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static uint64_t digest(const int *a, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint32_t)a[i]) * 1099511628211ULL;
    return h;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    size_t n = (size_t)(1500000 * scale);
    if (n < 100) n = 100;
    int *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(n * sizeof *tmp);
    uint64_t x = 0x2545F4914F6CDD1DULL, h = 0;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
            a[i] = (int)((x * 0x2545F4914F6CDD1DULL) >> 33) - (1 << 30);
        }
        memcpy(b, a, n * sizeof *a);
        qsort(a, n, sizeof *a, cmp);
        msort(b, tmp, n);
        uint64_t ha = digest(a, n), hb = digest(b, n);
        if (ha != hb) printf("MISMATCH round %d\n", round);
        h = h * 31 + ha;
    }
    printf("n=%zu min=%d max=%d\n", n, a[0], a[n - 1]);
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b); free(tmp);
    return 0;
}
