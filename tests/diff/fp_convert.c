/* Float <-> integer and float <-> double conversions, issued as explicit
 * fcvt instructions with each static rounding mode and with the dynamic
 * one (frm set through fesetround / fsrm): saturation of out-of-range and
 * NaN inputs, -0.0, halfway cases, inexact/invalid flags.  Also the libm
 * rounding functions and C casts. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *fl(void)
{
    static char s[8];
    int f = fetestexcept(FE_ALL_EXCEPT), n = 0;
    if (f & FE_INVALID) s[n++] = 'V';
    if (f & FE_DIVBYZERO) s[n++] = 'Z';
    if (f & FE_OVERFLOW) s[n++] = 'O';
    if (f & FE_UNDERFLOW) s[n++] = 'U';
    if (f & FE_INEXACT) s[n++] = 'X';
    if (!n) s[n++] = '-';
    s[n] = 0;
    return s;
}

static double dfrom(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static void set_dyn(int rm) { __asm__ volatile("fsrm zero, %0" ::"r"(rm) : "memory"); }

/* CVT(insn, rm, out, in): one conversion with its flags */
#define CVT(insn, rmstr, ocon, icon, out, in) \
    __asm__ volatile(insn " %0, %1, " rmstr : ocon(out) : icon(in))

#define TO_INT_ALL(T, insn, icon, x, fmt, cast)                                        \
    do {                                                                                \
        T r;                                                                            \
        printf("  %-9s", insn);                                                         \
        feclearexcept(FE_ALL_EXCEPT); CVT(insn, "rne", "=r", icon, r, x); printf(" rne " fmt " %s", cast r, fl()); \
        feclearexcept(FE_ALL_EXCEPT); CVT(insn, "rtz", "=r", icon, r, x); printf(" rtz " fmt " %s", cast r, fl()); \
        feclearexcept(FE_ALL_EXCEPT); CVT(insn, "rdn", "=r", icon, r, x); printf(" rdn " fmt " %s", cast r, fl()); \
        feclearexcept(FE_ALL_EXCEPT); CVT(insn, "rup", "=r", icon, r, x); printf(" rup " fmt " %s", cast r, fl()); \
        feclearexcept(FE_ALL_EXCEPT); CVT(insn, "rmm", "=r", icon, r, x); printf(" rmm " fmt " %s", cast r, fl()); \
        for (int m = 0; m < 5; m++) {                                                   \
            set_dyn(m);                                                                 \
            feclearexcept(FE_ALL_EXCEPT); CVT(insn, "dyn", "=r", icon, r, x);           \
            printf(" d%d " fmt " %s", m, cast r, fl());                                 \
        }                                                                               \
        set_dyn(0);                                                                     \
        putchar('\n');                                                                  \
    } while (0)

static void fp_to_int(void)
{
    const double dvals[] = {0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994,
                            1e-300, -1e-300, 2147483647.0, 2147483647.5, 2147483648.0,
                            -2147483648.0, -2147483648.5, -2147483649.0, 4294967295.0,
                            4294967296.0, 9.2233720368547748e18, 9.2233720368547758e18,
                            -9.2233720368547758e18, -9.2233720368547779e18, 1.8446744073709550e19,
                            1.8446744073709552e19, 1e30, -1e30, INFINITY, -INFINITY,
                            dfrom(0x7ff8000000000000ULL), dfrom(0xfff8000000000000ULL),
                            dfrom(0x7ff0000000000001ULL), 123456789.987654321, -7.75};
    for (unsigned i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        volatile double vx = dvals[i];
        double x = vx;
        printf("double %a [%016llx]\n", x, (unsigned long long)dbits(x));
        TO_INT_ALL(int64_t, "fcvt.w.d", "f", x, "%lld", (long long));
        TO_INT_ALL(int64_t, "fcvt.wu.d", "f", x, "%llx", (unsigned long long));
        TO_INT_ALL(int64_t, "fcvt.l.d", "f", x, "%lld", (long long));
        TO_INT_ALL(uint64_t, "fcvt.lu.d", "f", x, "%llu", (unsigned long long));
        volatile float fx = (float)x;
        float f = fx;
        printf("float %a [%08x]\n", (double)f, fbits(f));
        TO_INT_ALL(int64_t, "fcvt.w.s", "f", f, "%lld", (long long));
        TO_INT_ALL(int64_t, "fcvt.wu.s", "f", f, "%llx", (unsigned long long));
        TO_INT_ALL(int64_t, "fcvt.l.s", "f", f, "%lld", (long long));
        TO_INT_ALL(uint64_t, "fcvt.lu.s", "f", f, "%llu", (unsigned long long));
    }
}

#define TO_FP(insn, icon, ocon, x, bitsfn, fmt)                                          \
    do {                                                                                \
        printf("  %-9s", insn);                                                         \
        for (int m = 0; m < 5; m++) {                                                   \
            __typeof__(bitsfn##_type) r;                                                \
            set_dyn(m);                                                                 \
            feclearexcept(FE_ALL_EXCEPT);                                               \
            __asm__ volatile(insn " %0, %1" : ocon(r) : icon(x));                        \
            printf(" d%d " fmt " %s", m, (unsigned long long)bitsfn(r), fl());          \
        }                                                                               \
        set_dyn(0);                                                                     \
        putchar('\n');                                                                  \
    } while (0)
static double dbits_type;
static float fbits_type;

static void int_to_fp(void)
{
    const int64_t ivals[] = {0, 1, -1, 3, 16777217, -16777217, 16777219, 2147483647,
                             (int64_t)-2147483647 - 1, 9007199254740993LL, -9007199254740995LL,
                             INT64_MAX, INT64_MIN, 0x7ffffffffffffdffLL, 0x00000000ffffffffLL,
                             0x123456789abcdefLL};
    for (unsigned i = 0; i < sizeof ivals / sizeof ivals[0]; i++) {
        volatile int64_t vx = ivals[i];
        int64_t x = vx;
        printf("int %lld\n", (long long)x);
        TO_FP("fcvt.d.l", "r", "=f", x, dbits, "%016llx");
        TO_FP("fcvt.d.lu", "r", "=f", x, dbits, "%016llx");
        TO_FP("fcvt.d.w", "r", "=f", x, dbits, "%016llx");
        TO_FP("fcvt.d.wu", "r", "=f", x, dbits, "%016llx");
        TO_FP("fcvt.s.l", "r", "=f", x, fbits, "%08llx");
        TO_FP("fcvt.s.lu", "r", "=f", x, fbits, "%08llx");
        TO_FP("fcvt.s.w", "r", "=f", x, fbits, "%08llx");
        TO_FP("fcvt.s.wu", "r", "=f", x, fbits, "%08llx");
    }
}

static void fp_to_fp(void)
{
    const uint64_t dv[] = {0x3ff0000000000000ULL, 0x3fb999999999999aULL, 0x36a0000000000000ULL,
                           0x3690000000000000ULL, 0x47efffffe0000000ULL, 0x47effffff0000000ULL,
                           0x47f0000000000000ULL, 0x7fefffffffffffffULL, 0x8000000000000000ULL,
                           0x7ff0000000000000ULL, 0x7ff8000000000000ULL, 0x7ff4000000000000ULL,
                           0xfff800000000abcdULL, 0x3e9fffffffffffffULL, 0x380fffffffffffffULL,
                           0xb80fffffe0000000ULL};
    for (unsigned i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        volatile double vx = dfrom(dv[i]);
        double x = vx;
        printf("d2s %016llx (%a)\n", (unsigned long long)dv[i], x);
        TO_FP("fcvt.s.d", "f", "=f", x, fbits, "%08llx");
        float f;
        __asm__ volatile("fcvt.s.d %0, %1" : "=f"(f) : "f"(x));
        printf("  back to double:");
        TO_FP("fcvt.d.s", "f", "=f", f, dbits, "%016llx");
    }
    const uint32_t fv[] = {0x7fa00000u, 0xffc00001u, 0x00000001u, 0x80000000u, 0xff800000u};
    for (unsigned i = 0; i < sizeof fv / sizeof fv[0]; i++) {
        float f;
        memcpy(&f, &fv[i], 4);
        volatile float vf = f;
        f = vf;
        printf("s2d %08x:", fv[i]);
        TO_FP("fcvt.d.s", "f", "=f", f, dbits, "%016llx");
    }
}

static void libm_rounding(void)
{
    const double v[] = {-2.5, -1.5, -0.5, -0.0, 0.5, 1.5, 2.5, 3.7, -3.7, 1e20, 4503599627370497.0,
                        INFINITY};
    static const int modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        volatile double x = v[i];
        printf("libm %a: floor %a ceil %a trunc %a round %a", x, floor(x), ceil(x), trunc(x),
               round(x));
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            volatile double r1 = rint(x), r2 = nearbyint(x);
            long l = lrint(x);
            printf(" | m%d rint %a nearby %a lrint %ld", m, r1, r2, l);
        }
        fesetround(FE_TONEAREST);
        printf(" | lround %ld llround %lld\n", lround(x), llround(x));
    }
    volatile double big = 3e9, neg = -3.99, nan_ = NAN;
    printf("casts: (int)-3.99=%d (unsigned)3e9=%u (long)3e9=%ld (float)1e40 bits %08x "
           "(double)(float)0.1=%a\n",
           (int)neg, (unsigned)big, (long)big, fbits((float)(big * 1e30)), (double)(float)0.1);
    printf("nan compares: %d %d %d %d isnan %d isinf %d signbit(-0.0) %d\n", nan_ == nan_,
           nan_ != nan_, nan_ < 1.0, nan_ >= 1.0, isnan(nan_), isinf(-big * 1e300),
           signbit(-0.0 * big) != 0);
    printf("classify: %d %d %d %d %d\n", fpclassify(nan_), fpclassify(big * 1e300),
           fpclassify(0.0 * big), fpclassify(DBL_MIN / big), fpclassify(big));
}

int main(void)
{
    fp_to_int();
    int_to_fp();
    fp_to_fp();
    libm_rounding();
    return 0;
}
