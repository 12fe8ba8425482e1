/* Control flow that an ahead-of-time lifter must get right: dense switch
 * statements (jump tables), function-pointer tables, computed goto,
 * mutual recursion, deep recursion, tail calls, varargs, plus the bit
 * builtins (clz/ctz/popcount/bswap/rotates) that compile to branchy code
 * or libgcc calls on RV64GC. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static int sw(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 5;
    case 3: return 99;
    case 4: return -4;
    case 5: return 1000;
    case 6: return 7;
    case 7: return 64;
    case 8: return -81;
    case 9: return 3;
    case 10: return 42;
    case 12: return 1212;
    case 13: return 13;
    default: return -1;
    }
}

__attribute__((noinline)) static const char *sw_str(unsigned x)
{
    switch (x) {
    case 100: return "hundred";
    case 101: return "hundred-one";
    case 102: return "hundred-two";
    case 103: return "hundred-three";
    case 104: return "hundred-four";
    case 105: return "hundred-five";
    case 106: return "hundred-six";
    case 1000000: return "million";
    default: return "other";
    }
}

static int f_add(int a, int b) { return a + b; }
static int f_sub(int a, int b) { return a - b; }
static int f_mul(int a, int b) { return a * b; }
static int f_xor(int a, int b) { return a ^ b; }
static int f_shl(int a, int b) { return (int)((unsigned)a << (b & 31)); }
static int (*const ftab[])(int, int) = {f_add, f_sub, f_mul, f_xor, f_shl};

__attribute__((noinline)) static int interp(const unsigned char *code, int acc)
{
    static void *labels[] = {&&op_inc, &&op_dbl, &&op_neg, &&op_sq, &&op_end};
    const unsigned char *pc = code;
#define NEXT goto *labels[*pc++]
    NEXT;
op_inc: acc += 1; NEXT;
op_dbl: acc *= 2; NEXT;
op_neg: acc = -acc; NEXT;
op_sq: acc = acc * acc; NEXT;
op_end: return acc;
#undef NEXT
}

__attribute__((noinline)) static int is_odd(unsigned n);
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

__attribute__((noinline)) static unsigned long ack(unsigned long m, unsigned long n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

/* Not tail-call optimisable: the add after the call keeps each frame. */
__attribute__((noinline)) static long depth(long n, volatile char *prev)
{
    volatile char pad[64];
    pad[0] = (char)n;
    pad[63] = prev ? prev[0] : 0;
    if (n == 0) return pad[0] + pad[63];
    return depth(n - 1, pad) + 1;
}

static long sum_va(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) {
        if (i % 3 == 2)
            s += (long)(va_arg(ap, double) * 10);
        else
            s += va_arg(ap, long);
    }
    va_end(ap);
    return s;
}

struct big { long a[9]; };
__attribute__((noinline)) static struct big mkbig(long seed)
{
    struct big b;
    for (int i = 0; i < 9; i++) b.a[i] = seed * (i + 1) - i;
    return b;
}
__attribute__((noinline)) static long sumbig(struct big b, int k, double d, float f, long x9,
                                             long x10, long x11, double d9, double d10)
{
    long s = 0;
    for (int i = 0; i < 9; i++) s += b.a[i];
    return s * k + (long)(d * 100) + (long)(f * 10) + x9 + x10 * 3 + x11 * 5 +
           (long)d9 + (long)(d10 * 2);
}

int main(void)
{
    for (int i = -2; i < 16; i++) printf("sw(%d)=%d\n", i, sw(i));
    unsigned keys[] = {99, 100, 103, 106, 107, 1000000, 4000000000u};
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
        printf("sw_str(%u)=%s\n", keys[i], sw_str(keys[i]));
    for (int i = 0; i < 5; i++)
        for (int a = -3; a < 40; a += 17)
            printf("ftab[%d](%d,%d)=%d\n", i, a, a + 5, ftab[i](a, a + 5));
    static const unsigned char prog1[] = {0, 1, 1, 3, 2, 0, 4};
    static const unsigned char prog2[] = {3, 3, 1, 2, 0, 0, 0, 4};
    printf("interp: %d %d %d\n", interp(prog1, 1), interp(prog1, -7), interp(prog2, 3));
    for (unsigned n = 0; n < 2000; n += 333) printf("even(%u)=%d odd=%d\n", n, is_even(n), is_odd(n));
    for (unsigned long m = 0; m <= 3; m++)
        for (unsigned long n = 0; n <= 4; n++) printf("ack(%lu,%lu)=%lu\n", m, n, ack(m, n));
    printf("depth(20000)=%ld\n", depth(20000, 0));
    printf("sum_va=%ld %ld\n", sum_va(6, 1L, -2L, 3.25, 1000000000000L, 5L, -0.5),
           sum_va(10, 1L, 2L, 0.1, 4L, 5L, 0.2, 7L, 8L, 0.3, 10L));
    struct big b = mkbig(7);
    printf("sumbig=%ld\n", sumbig(b, 3, 2.5, 1.5f, 9, 10, 11, 9e3, -1.25));

    volatile uint64_t xs[] = {0, 1, 0x80, 0xff00, 0x8000000000000000ULL, 0x0123456789abcdefULL,
                              0xffffffffffffffffULL, 0x10000ULL};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        uint64_t x = xs[i];
        uint32_t w = (uint32_t)x ^ (uint32_t)(x >> 32);
        printf("bits %llx: clz %d ctz %d pop %d par %d bswap %llx bswap32 %x rotl13 %llx "
               "rotr7 %x clrsb %d ffs %d\n",
               (unsigned long long)x, x ? __builtin_clzll(x) : 64, x ? __builtin_ctzll(x) : 64,
               __builtin_popcountll(x), __builtin_parityll(x),
               (unsigned long long)__builtin_bswap64(x), __builtin_bswap32(w),
               (unsigned long long)((x << 13) | (x >> 51)), (w >> 7) | (w << 25),
               __builtin_clrsbll((long long)x), __builtin_ffsll((long long)x));
    }
    return 0;
}
