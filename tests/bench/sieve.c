/* Sieve of Eratosthenes over a byte array, repeated: tight loops of
 * byte stores with a stride, then a counting pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    size_t n = 20000000;
    int reps = (int)(12 * scale);
    if (reps < 1) reps = 1;
    unsigned char *s = malloc(n + 1);
    size_t count = 0;
    uint64_t sum = 0;
    for (int r = 0; r < reps; r++) {
        size_t lim = n - (size_t)r * 1000;
        memset(s, 1, lim + 1);
        s[0] = s[1] = 0;
        for (size_t i = 2; i * i <= lim; i++)
            if (s[i])
                for (size_t j = i * i; j <= lim; j += i) s[j] = 0;
        count = 0;
        sum = 0;
        for (size_t i = 0; i <= lim; i++)
            if (s[i]) { count++; sum += i; }
    }
    printf("primes below %zu: %zu\n", n - (size_t)(reps - 1) * 1000, count);
    printf("checksum: %zu %llu\n", count, (unsigned long long)sum);
    free(s);
    return 0;
}
