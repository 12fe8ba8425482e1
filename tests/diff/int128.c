/* 128-bit integer arithmetic: multiplication (mul + mulhu), division via
 * libgcc (__divti3/__udivti3/__modti3), shifts, comparisons, and a few
 * long products (factorials, powers) printed exactly in decimal. */
#include <stdint.h>
#include <stdio.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static void put_u128(u128 v)
{
    char buf[48];
    int n = 0;
    do {
        buf[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    while (n)
        putchar(buf[--n]);
}

static void put_s128(s128 v)
{
    if (v < 0) {
        putchar('-');
        put_u128((u128)0 - (u128)v);
    } else {
        put_u128((u128)v);
    }
}

static void put_hex(u128 v)
{
    printf("%016llx%016llx", (unsigned long long)(v >> 64), (unsigned long long)v);
}

static volatile uint64_t vals[] = {
    0, 1, 2, 3, 0xffffffffULL, 0x100000000ULL, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, 0xffffffffffffffffULL, 0xdeadbeefcafebabeULL,
    12345678901234567ULL,
};
#define NV (sizeof vals / sizeof vals[0])

int main(void)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < NV; j++) {
            uint64_t a = vals[i], b = vals[j];
            u128 p = (u128)a * b;
            s128 sp = (s128)(int64_t)a * (int64_t)b;
            printf("%llx*%llx = ", (unsigned long long)a, (unsigned long long)b);
            put_hex(p);
            printf(" s ");
            put_hex((u128)sp);
            putchar('\n');
        }

    /* division and modulo with 128-bit operands */
    u128 big = ((u128)0x0123456789abcdefULL << 64) | 0x0fedcba987654325ULL;
    volatile uint64_t divs[] = {1, 3, 7, 10, 0xffffffffULL, 0x100000001ULL, 0xffffffffffffffffULL};
    for (unsigned i = 0; i < sizeof divs / sizeof divs[0]; i++) {
        u128 d = divs[i];
        u128 d2 = (d << 40) | 5;
        printf("big / %llx = ", (unsigned long long)divs[i]);
        put_u128(big / d);
        printf(" rem ");
        put_u128(big % d);
        printf(" | / d2 = ");
        put_hex(big / d2);
        printf(" rem ");
        put_hex(big % d2);
        putchar('\n');
        s128 sn = -(s128)big;
        printf("  signed: ");
        put_s128(sn / (s128)d);
        putchar(' ');
        put_s128(sn % (s128)d);
        putchar(' ');
        put_s128(sn / -(s128)d2);
        putchar(' ');
        put_s128(sn % -(s128)d2);
        putchar('\n');
    }

    /* factorials up to 34! fit in 128 bits */
    u128 f = 1;
    for (unsigned n = 1; n <= 34; n++) {
        f *= n;
        printf("%u! = ", n);
        put_u128(f);
        putchar('\n');
    }
    /* powers of 3 with wraparound */
    u128 p3 = 1;
    for (unsigned n = 0; n <= 90; n += 5) {
        printf("3^%u mod 2^128 = ", n);
        put_hex(p3);
        putchar('\n');
        p3 *= 243;
    }
    /* shifts by variable amounts */
    volatile unsigned sh;
    for (sh = 0; sh < 128; sh += 13) {
        s128 neg = -(s128)big;
        printf("shift %3u: ", sh);
        put_hex(big << sh);
        putchar(' ');
        put_hex(big >> sh);
        putchar(' ');
        put_hex((u128)(neg >> sh));
        putchar('\n');
    }
    /* comparisons */
    s128 m = -1;
    u128 um = (u128)m;
    printf("cmp: %d %d %d %d\n", m < 0, um > 0, (s128)big > m, ((u128)1 << 127) > big);
    return 0;
}
