/* IEEE arithmetic in every rounding mode, float and double: add, sub, mul,
 * div, sqrt, fused multiply-add, with the exception flags each operation
 * raises.  Results are printed as raw bits (NaN sign and payload matter:
 * RISC-V returns the canonical NaN) and, for round-to-nearest, as %a.
 * Rounding modes are set with fesetround (and with fsrm for RMM, which
 * <fenv.h> does not name); flags are read with fetestexcept. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const rm_name[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static void set_rm(int rm)
{
    static const int fe[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
    if (rm < 4) {
        if (fesetround(fe[rm]) != 0)
            printf("fesetround(%d) failed\n", rm);
    } else {
        __asm__ volatile("fsrm zero, %0" ::"r"(rm) : "memory");
    }
}

static int get_rm(void)
{
    int r;
    __asm__ volatile("frrm %0" : "=r"(r)::"memory");
    return r;
}

static const char *fl(void)
{
    static char s[20];
    int f = fetestexcept(FE_ALL_EXCEPT);
    s[0] = 0;
    if (f & FE_INVALID) strcat(s, "V");
    if (f & FE_DIVBYZERO) strcat(s, "Z");
    if (f & FE_OVERFLOW) strcat(s, "O");
    if (f & FE_UNDERFLOW) strcat(s, "U");
    if (f & FE_INEXACT) strcat(s, "X");
    if (!s[0]) strcat(s, "-");
    return s;
}

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double dfrom(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float ffrom(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

#define ND 16
static double dv[ND];
static float fv[ND];

static void init_values(void)
{
    double d[ND] = {0.0, -0.0, 1.0, -1.5, 0.1, 3.0, 1.0 / 3.0, DBL_MAX, DBL_MIN,
                    0x1p-1074, 0x0.fffffffffffffp-1022, INFINITY, -INFINITY};
    d[13] = dfrom(0x7ff8000000000000ULL);  /* canonical qNaN */
    d[14] = dfrom(0x7ff4000000000001ULL);  /* sNaN */
    d[15] = dfrom(0xfff8000000000123ULL);  /* negative qNaN with payload */
    float f[ND] = {0.0f, -0.0f, 1.0f, -1.5f, 0.1f, 3.0f, 1.0f / 3.0f, FLT_MAX, FLT_MIN,
                   0x1p-149f, 0x0.fffffep-126f, INFINITY, -INFINITY};
    f[13] = ffrom(0x7fc00000u);
    f[14] = ffrom(0x7fa00001u);
    f[15] = ffrom(0xffc00123u);
    memcpy(dv, d, sizeof d);
    memcpy(fv, f, sizeof f);
}

/* One binary operation in all five modes: result bits and flags. */
#define BINOP(T, BITS, FMT, name, expr)                                          \
    static void name(int i, int j, const char *opname)                            \
    {                                                                             \
        printf("%s %s %2d %2d:", #T, opname, i, j);                               \
        for (int rm = 0; rm < 5; rm++) {                                          \
            volatile T a = T##v_get(i), b = T##v_get(j);                          \
            volatile T r;                                                         \
            set_rm(rm);                                                           \
            feclearexcept(FE_ALL_EXCEPT);                                         \
            r = (expr);                                                           \
            const char *f = fl();                                                 \
            printf(" %s " FMT " %s", rm_name[rm], BITS(r), f);                    \
        }                                                                         \
        set_rm(0);                                                                \
        putchar('\n');                                                            \
    }

static double doublev_get(int i) { return dv[i]; }
static float floatv_get(int i) { return fv[i]; }
#define DB(x) (unsigned long long)dbits(x)
#define FB(x) fbits(x)

BINOP(double, DB, "%016llx", d_add, a + b)
BINOP(double, DB, "%016llx", d_sub, a - b)
BINOP(double, DB, "%016llx", d_mul, a * b)
BINOP(double, DB, "%016llx", d_div, a / b)
BINOP(float, FB, "%08x", f_add, a + b)
BINOP(float, FB, "%08x", f_sub, a - b)
BINOP(float, FB, "%08x", f_mul, a * b)
BINOP(float, FB, "%08x", f_div, a / b)

static void unary(void)
{
    for (int i = 0; i < ND; i++) {
        printf("d sqrt %2d (%a):", i, dv[i]);
        for (int rm = 0; rm < 5; rm++) {
            volatile double a = dv[i], r;
            set_rm(rm);
            feclearexcept(FE_ALL_EXCEPT);
            __asm__ volatile("fsqrt.d %0, %1" : "=f"(r) : "f"(a));
            printf(" %s %016llx %s", rm_name[rm], DB(r), fl());
        }
        set_rm(0);
        printf("\nf sqrt %2d (%a):", i, (double)fv[i]);
        for (int rm = 0; rm < 5; rm++) {
            volatile float a = fv[i], r;
            set_rm(rm);
            feclearexcept(FE_ALL_EXCEPT);
            __asm__ volatile("fsqrt.s %0, %1" : "=f"(r) : "f"(a));
            printf(" %s %08x %s", rm_name[rm], FB(r), fl());
        }
        set_rm(0);
        putchar('\n');
    }
    /* libm sqrt (also checks errno-path code) and a few exact values */
    volatile double two = 2.0, m1 = -1.0;
    printf("sqrt(2)=%a sqrt(-1) bits %016llx sqrtf(2)=%a\n", sqrt(two), DB(sqrt(m1)),
           (double)sqrtf((float)two));
}

static void fused(void)
{
    static const int tri[][3] = {{2, 2, 2}, {4, 5, 6}, {6, 5, 2}, {7, 7, 7}, {7, 2, 7}, {8, 8, 1},
                                 {9, 4, 9}, {11, 0, 5}, {0, 11, 13}, {11, 11, 12}, {14, 2, 3},
                                 {2, 3, 14}, {15, 13, 2}, {3, 4, 5}, {6, 6, 4}, {1, 0, 0},
                                 {1, 2, 0}, {0, 0, 1}};
    for (unsigned k = 0; k < sizeof tri / sizeof tri[0]; k++) {
        int i = tri[k][0], j = tri[k][1], l = tri[k][2];
        printf("d fma %d %d %d:", i, j, l);
        for (int rm = 0; rm < 5; rm++) {
            volatile double a = dv[i], b = dv[j], c = dv[l], r1, r2, r3, r4;
            set_rm(rm);
            feclearexcept(FE_ALL_EXCEPT);
            __asm__ volatile("fmadd.d %0,%1,%2,%3" : "=f"(r1) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fmsub.d %0,%1,%2,%3" : "=f"(r2) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fnmadd.d %0,%1,%2,%3" : "=f"(r3) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fnmsub.d %0,%1,%2,%3" : "=f"(r4) : "f"(a), "f"(b), "f"(c));
            printf(" %s %016llx %016llx %016llx %016llx %s", rm_name[rm], DB(r1), DB(r2), DB(r3),
                   DB(r4), fl());
        }
        printf("\nf fma %d %d %d:", i, j, l);
        for (int rm = 0; rm < 5; rm++) {
            volatile float a = fv[i], b = fv[j], c = fv[l], r1, r2, r3, r4;
            set_rm(rm);
            feclearexcept(FE_ALL_EXCEPT);
            __asm__ volatile("fmadd.s %0,%1,%2,%3" : "=f"(r1) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fmsub.s %0,%1,%2,%3" : "=f"(r2) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fnmadd.s %0,%1,%2,%3" : "=f"(r3) : "f"(a), "f"(b), "f"(c));
            __asm__ volatile("fnmsub.s %0,%1,%2,%3" : "=f"(r4) : "f"(a), "f"(b), "f"(c));
            printf(" %s %08x %08x %08x %08x %s", rm_name[rm], FB(r1), FB(r2), FB(r3), FB(r4), fl());
        }
        set_rm(0);
        putchar('\n');
    }
    /* the classic: fma keeps the product exact */
    volatile double x = 1.0 + 0x1p-30, y = 1.0 - 0x1p-30, z = -1.0;
    volatile double p = x * y;
    printf("fma exact: %a vs mul+add %a\n", fma(x, y, z), p + z);
}

static void sums(void)
{
    /* accumulate in each mode: rounding errors compound visibly */
    for (int rm = 0; rm < 5; rm++) {
        set_rm(rm);
        volatile double s = 0, t = 1;
        volatile float sf = 0;
        for (int i = 1; i <= 1000; i++) {
            s += 1.0 / i;
            sf += 1.0f / (float)i;
            t *= 1.0009765625;
        }
        int m = get_rm();
        set_rm(0);
        printf("sums %s (frm=%d): %a %a %a\n", rm_name[rm], m, s, (double)sf, t);
    }
}

int main(void)
{
    init_values();
    for (int i = 0; i < ND; i++)
        printf("value %2d: %a %016llx | %a %08x\n", i, dv[i], DB(dv[i]), (double)fv[i], FB(fv[i]));
    for (int i = 0; i < ND; i++)
        for (int j = 0; j < ND; j++) {
            d_add(i, j, "add"); d_sub(i, j, "sub"); d_mul(i, j, "mul"); d_div(i, j, "div");
            f_add(i, j, "add"); f_sub(i, j, "sub"); f_mul(i, j, "mul"); f_div(i, j, "div");
        }
    unary();
    fused();
    sums();
    printf("final rounding mode %d fegetround()==FE_TONEAREST %d\n", get_rm(),
           fegetround() == FE_TONEAREST);
    return 0;
}
