/* Integer arithmetic corners: wraparound, division by zero and
 * INT_MIN / -1 (RISC-V does not trap: it defines the results), the
 * 32-bit "w" forms and their sign extension, mulh*, misaligned access.
 * The M-extension instructions are also issued through inline asm so the
 * exact instruction is tested whatever the compiler chooses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile int64_t v64[] = {
    0, 1, -1, 2, -2, 3, 7, -7, 10, INT64_MAX, INT64_MIN, INT64_MAX - 1,
    INT64_MIN + 1, 0x123456789abcdefLL, -0x123456789abcdefLL, 1LL << 32,
    1LL << 31, -(1LL << 31), 0xffffffffLL, 0x7fffffffLL, 0x80000001LL,
};
static volatile int32_t v32[] = {
    0, 1, -1, 2, -2, 3, 7, -7, INT32_MAX, INT32_MIN, INT32_MAX - 1,
    INT32_MIN + 1, 0x12345678, -0x12345678, 65536, 46341,
};
#define N64 (sizeof v64 / sizeof v64[0])
#define N32 (sizeof v32 / sizeof v32[0])

#define RR(op, a, b) ({ int64_t r_; __asm__ volatile(op " %0,%1,%2" : "=r"(r_) : "r"(a), "r"(b)); r_; })

static void pairs64(void)
{
    for (unsigned i = 0; i < N64; i++)
        for (unsigned j = 0; j < N64; j++) {
            int64_t a = v64[i], b = v64[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            printf("64 %llx %llx: add %llx sub %llx mul %llx div %llx rem %llx "
                   "divu %llx remu %llx mulh %llx mulhu %llx mulhsu %llx "
                   "slt %d sltu %d\n",
                   (unsigned long long)a, (unsigned long long)b,
                   (unsigned long long)(ua + ub), (unsigned long long)(ua - ub),
                   (unsigned long long)(ua * ub),
                   (unsigned long long)RR("div", a, b), (unsigned long long)RR("rem", a, b),
                   (unsigned long long)RR("divu", a, b), (unsigned long long)RR("remu", a, b),
                   (unsigned long long)RR("mulh", a, b), (unsigned long long)RR("mulhu", a, b),
                   (unsigned long long)RR("mulhsu", a, b), a < b, ua < ub);
        }
}

static void pairs32(void)
{
    for (unsigned i = 0; i < N32; i++)
        for (unsigned j = 0; j < N32; j++) {
            int64_t a = v32[i], b = v32[j];
            printf("32 %x %x: addw %llx subw %llx mulw %llx divw %llx remw %llx "
                   "divuw %llx remuw %llx sllw %llx srlw %llx sraw %llx\n",
                   (unsigned)a, (unsigned)b,
                   (unsigned long long)RR("addw", a, b), (unsigned long long)RR("subw", a, b),
                   (unsigned long long)RR("mulw", a, b), (unsigned long long)RR("divw", a, b),
                   (unsigned long long)RR("remw", a, b), (unsigned long long)RR("divuw", a, b),
                   (unsigned long long)RR("remuw", a, b), (unsigned long long)RR("sllw", a, b),
                   (unsigned long long)RR("srlw", a, b), (unsigned long long)RR("sraw", a, b));
        }
}

/* C-level division through volatile operands: whatever the compiler emits,
 * the result is the hardware's (no trap). */
static void c_division(void)
{
    volatile int zero = 0, m1 = -1, imin = INT32_MIN;
    volatile long lzero = 0, lm1 = -1, lmin = INT64_MIN;
    volatile unsigned uzero = 0;
    printf("c: 7/0=%d 7%%0=%d -7/0=%d -7%%0=%d\n", 7 / zero, 7 % zero, -7 / zero, -7 % zero);
    printf("c: INT_MIN/-1=%d INT_MIN%%-1=%d\n", imin / m1, imin % m1);
    printf("c: LONG_MIN/-1=%ld LONG_MIN%%-1=%ld 5L/0=%ld 5L%%0=%ld\n",
           lmin / lm1, lmin % lm1, 5L / lzero, 5L % lzero);
    printf("c: 9u/0=%u 9u%%0=%u\n", 9u / uzero, 9u % uzero);
}

static void shifts(void)
{
    volatile uint64_t x = 0x8000000180000001ULL;
    for (volatile int s = 0; s < 70; s += 3) {
        int64_t sx = (int64_t)x;
        printf("shift %2d: sll %llx srl %llx sra %llx | sllw %llx srlw %llx sraw %llx\n", s,
               (unsigned long long)RR("sll", x, s), (unsigned long long)RR("srl", x, s),
               (unsigned long long)RR("sra", sx, s), (unsigned long long)RR("sllw", x, s),
               (unsigned long long)RR("srlw", x, s), (unsigned long long)RR("sraw", x, s));
    }
    /* immediate forms */
    int64_t r1, r2, r3, r4, r5, r6;
    __asm__("slli %0,%1,63" : "=r"(r1) : "r"(x));
    __asm__("srli %0,%1,63" : "=r"(r2) : "r"(x));
    __asm__("srai %0,%1,33" : "=r"(r3) : "r"(x));
    __asm__("slliw %0,%1,31" : "=r"(r4) : "r"(x));
    __asm__("srliw %0,%1,1" : "=r"(r5) : "r"(x));
    __asm__("sraiw %0,%1,31" : "=r"(r6) : "r"(x));
    printf("imm: %llx %llx %llx %llx %llx %llx\n", (unsigned long long)r1, (unsigned long long)r2,
           (unsigned long long)r3, (unsigned long long)r4, (unsigned long long)r5,
           (unsigned long long)r6);
    int64_t a1, a2, a3;
    __asm__("addiw %0,%1,-1" : "=r"(a1) : "r"((int64_t)0x100000000LL));
    __asm__("addiw %0,%1,1" : "=r"(a2) : "r"((int64_t)0x7fffffffLL));
    __asm__("lui %0,0x80000" : "=r"(a3));
    printf("addiw/lui: %llx %llx %llx\n", (unsigned long long)a1, (unsigned long long)a2,
           (unsigned long long)a3);
}

static void wraparound(void)
{
    volatile uint8_t u8 = 250;
    volatile int8_t s8 = 120;
    volatile uint16_t u16 = 65530;
    volatile int16_t s16 = 32760;
    volatile uint32_t u32 = 0xfffffff0u;
    volatile uint64_t u64 = 0xfffffffffffffff0ULL;
    for (int i = 0; i < 4; i++) {
        u8 += 3; s8 = (int8_t)(s8 + 3); u16 += 3; s16 = (int16_t)(s16 + 3);
        u32 += 7; u64 += 7;
        printf("wrap %d: u8 %u s8 %d u16 %u s16 %d u32 %u u64 %llu\n", i, u8, s8, u16, s16,
               u32, (unsigned long long)u64);
    }
    volatile int8_t c = -1;
    volatile uint8_t uc = 0xff;
    printf("extend: %d %u %ld %lu %d\n", c, uc, (long)c, (unsigned long)(uint8_t)c,
           (int)(signed char)uc);
    volatile int64_t big = 0x1234567890LL;
    printf("trunc: %d %u %hd %hhd\n", (int)big, (unsigned)big, (short)big, (signed char)big);
}

static void misaligned(void)
{
    static unsigned char buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    for (int off = 1; off < 8; off++) {
        volatile uint16_t *p16 = (volatile uint16_t *)(buf + off);
        volatile uint32_t *p32 = (volatile uint32_t *)(buf + off);
        volatile uint64_t *p64 = (volatile uint64_t *)(buf + off);
        volatile int16_t *s16 = (volatile int16_t *)(buf + off + 8);
        volatile int32_t *s32 = (volatile int32_t *)(buf + off + 8);
        printf("misaligned load %d: %x %x %llx %d %d\n", off, *p16, *p32,
               (unsigned long long)*p64, *s16, *s32);
        *(volatile uint64_t *)(buf + 16 + off) = 0x0102030405060708ULL * (uint64_t)off;
        *(volatile uint32_t *)(buf + 32 + off) = 0xa1b2c3d4u + (uint32_t)off;
        *(volatile uint16_t *)(buf + 48 + off) = (uint16_t)(0xbeef + off);
    }
    for (int i = 0; i < 64; i++)
        printf("%02x%s", buf[i], i % 16 == 15 ? "\n" : " ");
}

int main(void)
{
    pairs64();
    pairs32();
    c_division();
    shifts();
    wraparound();
    misaligned();
    return 0;
}
