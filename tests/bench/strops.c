/* memcpy/memmove/memset/strlen/strchr/memcmp-heavy work on buffers of
 * mixed sizes and alignments: the libc string routines and the memory
 * path of the emulator. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    long iters = (long)(9000000 * scale);
    size_t cap = 1 << 16;
    char *a = malloc(cap + 64), *b = malloc(cap + 64);
    uint64_t x = 0x9E3779B97F4A7C15ULL, h = 0;
    for (size_t i = 0; i < cap + 64; i++) a[i] = (char)('a' + i % 23);
    for (long it = 0; it < iters; it++) {
        x ^= x << 7; x ^= x >> 9;
        size_t len = (size_t)(x % 1500) + 1, off = (size_t)((x >> 20) % 61), off2 = (size_t)((x >> 30) % 59);
        size_t pos = (size_t)((x >> 40) % (cap - 2048));
        memcpy(b + off2, a + pos + off, len);
        b[off2 + len] = 0;
        size_t l = strlen(b + off2);
        char *c = strchr(b + off2, 'q');
        memmove(a + pos + 1, a + pos, len / 2);
        int m = memcmp(a + pos, b + off2, len < 64 ? len : 64);
        if ((it & 1023) == 0) memset(a + pos, 'a' + (int)(it % 26), 512);
        h = h * 1000003 + l + (c ? (uint64_t)(c - b) : 7) + (uint64_t)(m > 0) * 3 + (uint64_t)(m < 0);
    }
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b);
    return 0;
}
