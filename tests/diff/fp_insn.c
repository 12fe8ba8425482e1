/* The F/D instructions with subtle rules: feq/flt/fle with NaNs (quiet vs
 * signalling compares), fmin/fmax (NaN and -0.0 handling), fclass, sign
 * injection, NaN-boxing of single-precision values in 64-bit registers,
 * fmv between register files, fcsr/frm/fflags access, and static
 * rounding modes on arithmetic. */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int flags(void)
{
    int f;
    __asm__ volatile("frflags %0" : "=r"(f)::"memory");
    return f;
}
static void clear(void) { __asm__ volatile("fsflags zero" ::: "memory"); }

static const uint64_t dv[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x0000000000000001ULL, 0x800fffffffffffffULL,
    0x7ff8000000000000ULL, 0x7ff4000000000000ULL, 0xfff8000000000001ULL, 0x4000000000000000ULL,
};
static const uint32_t fv[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u,
    0x00000001u, 0x807fffffu, 0x7fc00000u, 0x7fa00000u, 0xffc00001u, 0x40000000u,
};
#define NV 12

static double D(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float F(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t DB(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t FB(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

#define CMP3(T, sfx, a, b, out)                                                          \
    do {                                                                                 \
        long e, l, le; int f1, f2, f3;                                                   \
        clear(); __asm__ volatile("feq." sfx " %0,%1,%2" : "=r"(e) : "f"(a), "f"(b)); f1 = flags(); \
        clear(); __asm__ volatile("flt." sfx " %0,%1,%2" : "=r"(l) : "f"(a), "f"(b)); f2 = flags(); \
        clear(); __asm__ volatile("fle." sfx " %0,%1,%2" : "=r"(le) : "f"(a), "f"(b)); f3 = flags(); \
        printf(" eq %ld/%x lt %ld/%x le %ld/%x", e, f1, l, f2, le, f3);                 \
    } while (0)

static void pairs(void)
{
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            volatile double va = D(dv[i]), vb = D(dv[j]);
            double a = va, b = vb, mn, mx, sj, sjn, sjx;
            printf("d %016llx %016llx:", (unsigned long long)dv[i], (unsigned long long)dv[j]);
            CMP3(double, "d", a, b, x);
            clear(); __asm__ volatile("fmin.d %0,%1,%2" : "=f"(mn) : "f"(a), "f"(b));
            int f1 = flags();
            clear(); __asm__ volatile("fmax.d %0,%1,%2" : "=f"(mx) : "f"(a), "f"(b));
            int f2 = flags();
            __asm__ volatile("fsgnj.d %0,%1,%2" : "=f"(sj) : "f"(a), "f"(b));
            __asm__ volatile("fsgnjn.d %0,%1,%2" : "=f"(sjn) : "f"(a), "f"(b));
            __asm__ volatile("fsgnjx.d %0,%1,%2" : "=f"(sjx) : "f"(a), "f"(b));
            printf(" min %llx/%x max %llx/%x sgnj %llx %llx %llx\n",
                   (unsigned long long)DB(mn), f1, (unsigned long long)DB(mx), f2,
                   (unsigned long long)DB(sj), (unsigned long long)DB(sjn),
                   (unsigned long long)DB(sjx));

            volatile float vfa = F(fv[i]), vfb = F(fv[j]);
            float fa = vfa, fb = vfb, fmn, fmx, fsj, fsjn, fsjx;
            printf("s %08x %08x:", fv[i], fv[j]);
            CMP3(float, "s", fa, fb, x);
            clear(); __asm__ volatile("fmin.s %0,%1,%2" : "=f"(fmn) : "f"(fa), "f"(fb));
            f1 = flags();
            clear(); __asm__ volatile("fmax.s %0,%1,%2" : "=f"(fmx) : "f"(fa), "f"(fb));
            f2 = flags();
            __asm__ volatile("fsgnj.s %0,%1,%2" : "=f"(fsj) : "f"(fa), "f"(fb));
            __asm__ volatile("fsgnjn.s %0,%1,%2" : "=f"(fsjn) : "f"(fa), "f"(fb));
            __asm__ volatile("fsgnjx.s %0,%1,%2" : "=f"(fsjx) : "f"(fa), "f"(fb));
            printf(" min %x/%x max %x/%x sgnj %x %x %x\n", FB(fmn), f1, FB(fmx), f2, FB(fsj),
                   FB(fsjn), FB(fsjx));
        }
}

static void classify(void)
{
    for (int i = 0; i < NV; i++) {
        volatile double va = D(dv[i]);
        volatile float vf = F(fv[i]);
        double a = va;
        float f = vf;
        long cd, cs;
        __asm__ volatile("fclass.d %0,%1" : "=r"(cd) : "f"(a));
        __asm__ volatile("fclass.s %0,%1" : "=r"(cs) : "f"(f));
        printf("fclass %016llx=%03lx %08x=%03lx\n", (unsigned long long)dv[i], cd, fv[i], cs);
    }
}

static void nanbox(void)
{
    /* fmv.x.w sign-extends; fmv.x.d of a float register shows the box */
    volatile float one = 1.0f, neg = -2.0f;
    long w1, w2, d1;
    float f1 = one, f2 = neg;
    __asm__ volatile("fmv.x.w %0,%1" : "=r"(w1) : "f"(f1));
    __asm__ volatile("fmv.x.w %0,%1" : "=r"(w2) : "f"(f2));
    __asm__ volatile("fmv.x.d %0,%1" : "=r"(d1) : "f"(f1));
    printf("fmv.x.w 1.0f=%lx -2.0f=%lx fmv.x.d(1.0f)=%lx\n", w1, w2, d1);

    /* a float operand that is not NaN-boxed reads as the canonical NaN */
    long unboxed = 0x000000003f800000L, boxed = (long)0xffffffff3f800000UL;
    long partial = (long)0xfffffffe3f800000UL;
    const long ins[3] = {unboxed, boxed, partial};
    for (int k = 0; k < 3; k++) {
        long r1, r2, r3, cls;
        float tmp;
        __asm__ volatile("fmv.d.x %1,%5\n\t"
                         "fadd.s %1,%1,%1\n\t"
                         "fmv.x.d %0,%1\n\t"
                         "fmv.d.x %1,%5\n\t"
                         "fsgnj.s %1,%1,%1\n\t"
                         "fmv.x.d %2,%1\n\t"
                         "fmv.d.x %1,%5\n\t"
                         "fclass.s %4,%1\n\t"
                         "fcvt.d.s %1,%1\n\t"
                         "fmv.x.d %3,%1"
                         : "=&r"(r1), "=&f"(tmp), "=&r"(r2), "=&r"(r3), "=&r"(cls)
                         : "r"(ins[k]));
        printf("box %016lx: fadd.s=%016lx fsgnj.s=%016lx fcvt.d.s=%016lx fclass=%lx\n",
               (unsigned long)ins[k], (unsigned long)r1, (unsigned long)r2, (unsigned long)r3,
               cls);
    }
    /* flw writes a boxed value; fsw stores the low 32 bits */
    uint32_t mem = 0x40490fdbu, out = 0;
    long raw;
    float t;
    __asm__ volatile("flw %1,%2\n\tfmv.x.d %0,%1\n\tfsw %1,%3"
                     : "=r"(raw), "=&f"(t)
                     : "m"(mem), "m"(out)
                     : "memory");
    printf("flw box %016lx fsw %08x\n", (unsigned long)raw, out);
}

static void csr(void)
{
    long old, v1, v2, v3;
    __asm__ volatile("frcsr %0" : "=r"(old));
    __asm__ volatile("fscsr %0, %1" : "=r"(v1) : "r"(0x9fL));
    __asm__ volatile("frcsr %0" : "=r"(v2));
    __asm__ volatile("frrm %0" : "=r"(v3));
    printf("fcsr: old %lx after swap-in 0x9f: prev %lx now %lx frm %lx flags %x\n", old, v1, v2,
           v3, flags());
    __asm__ volatile("fsrmi 3");
    __asm__ volatile("fsflagsi 0x15");
    __asm__ volatile("frcsr %0" : "=r"(v1));
    __asm__ volatile("csrrci %0, fflags, 0x4" : "=r"(v2));
    __asm__ volatile("csrrsi %0, fcsr, 0x2" : "=r"(v3));
    printf("fcsr: %lx %lx %lx now %x\n", v1, v2, v3, (unsigned)flags());
    /* sticky flags accumulate until cleared */
    __asm__ volatile("fscsr zero");
    volatile double a = 1.0, z = 0.0, t = 3.0;
    volatile double r = a / t;
    r = a / z;
    r = z / z;
    (void)r;
    printf("sticky flags %x fetestexcept %x\n", flags(), fetestexcept(FE_ALL_EXCEPT));
    __asm__ volatile("fscsr zero");
}

static void static_rm(void)
{
    volatile double va = 1.0, vb = 3.0, vc = -1.0;
    double a = va, b = vb, c = vc, r[6];
    __asm__ volatile("fsrmi 2"); /* dynamic mode = rdn; static ones override */
    __asm__ volatile("fdiv.d %0,%1,%2,rne" : "=f"(r[0]) : "f"(a), "f"(b));
    __asm__ volatile("fdiv.d %0,%1,%2,rtz" : "=f"(r[1]) : "f"(a), "f"(b));
    __asm__ volatile("fdiv.d %0,%1,%2,rdn" : "=f"(r[2]) : "f"(a), "f"(b));
    __asm__ volatile("fdiv.d %0,%1,%2,rup" : "=f"(r[3]) : "f"(a), "f"(b));
    __asm__ volatile("fdiv.d %0,%1,%2,rmm" : "=f"(r[4]) : "f"(c), "f"(b));
    __asm__ volatile("fdiv.d %0,%1,%2,dyn" : "=f"(r[5]) : "f"(c), "f"(b));
    __asm__ volatile("fsrmi 0");
    for (int i = 0; i < 6; i++) printf("static rm %d: %a\n", i, r[i]);
    float fs[4];
    volatile float fa = 1.0f, fb = 3.0f;
    float x = fa, y = fb;
    __asm__ volatile("fdiv.s %0,%1,%2,rtz" : "=f"(fs[0]) : "f"(x), "f"(y));
    __asm__ volatile("fdiv.s %0,%1,%2,rup" : "=f"(fs[1]) : "f"(x), "f"(y));
    __asm__ volatile("fmul.s %0,%1,%2,rdn" : "=f"(fs[2]) : "f"(fs[0]), "f"(y));
    __asm__ volatile("fsub.s %0,%1,%2,rmm" : "=f"(fs[3]) : "f"(fs[1]), "f"(fs[0]));
    printf("static rm float: %a %a %a %a\n", (double)fs[0], (double)fs[1], (double)fs[2],
           (double)fs[3]);
}

/* Load/store of FP registers at unaligned and odd addresses */
static void fmem(void)
{
    static unsigned char buf[32];
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(0x3f + i);
    double d;
    float f;
    __asm__ volatile("fld %0, 3(%1)" : "=f"(d) : "r"(buf) : "memory");
    __asm__ volatile("flw %0, 13(%1)" : "=f"(f) : "r"(buf) : "memory");
    __asm__ volatile("fsd %0, 17(%1)" ::"f"(d), "r"(buf) : "memory");
    __asm__ volatile("fsw %0, 26(%1)" ::"f"(f), "r"(buf) : "memory");
    printf("fmem %016llx %08x:", (unsigned long long)DB(d), FB(f));
    for (int i = 0; i < 32; i++) printf(" %02x", buf[i]);
    putchar('\n');
}

int main(void)
{
    pairs();
    classify();
    nanbox();
    csr();
    static_rm();
    fmem();
    return 0;
}
