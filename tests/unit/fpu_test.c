/* Unit tests for the F and D helpers (runtime/fpu.c).
 *
 *   fpu_test                 hand-checked vectors, then the helpers against
 *                            the host FPU (fenv) in RNE/RTZ/RDN/RUP and an
 *                            exact tie check for RMM; exit status 0 = pass
 *   fpu_test --vectors       print the differential list of
 *                            fpu_vectors_rv.c, computed by the helpers
 *   fpu_test --compare FILE  recompute every line of FILE (that list as
 *                            printed under qemu-riscv64) and report lines
 *                            where the helpers disagree
 *   fpu_test --bench         rough timing of a few fast and slow paths
 *
 * Build (from the repository root; the second build tests the integer core
 * alone, without the host-double fast paths):
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -o fpu_test \
 *       tests/unit/fpu_test.c runtime/fpu.c -lm
 *   gcc ... -DRV_FPU_SLOW_ONLY -o fpu_test_slow tests/unit/fpu_test.c runtime/fpu.c -lm
 *   riscv64-linux-gnu-gcc -static -O1 -o fpu_vectors_rv tests/unit/fpu_vectors_rv.c
 *   qemu-riscv64 ./fpu_vectors_rv > qemu.txt
 *   ./fpu_test && ./fpu_test --compare qemu.txt
 *
 * The helpers must be called with the host in round-to-nearest (the fast
 * paths rely on it): every fenv excursion below restores FE_TONEAREST
 * before any helper runs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rv_fpu.h"

#define FPU_VECTORS_HOST
#include "fpu_vectors_rv.c"

/* ---- the helpers, behind the vector table's op numbers ------------------- */

#define C_K_FFR(H)  H(a, b, rm, fl)
#define C_K_FFFR(H) H(a, b, c, rm, fl)
#define C_K_FR(H)   H(a, rm, fl)
#define C_K_F(H)    H(a, rm, fl)
#define C_K_FF(H)   H(a, b, fl)
#define C_K_FFN(H)  H(a, b)
#define C_K_XFF(H)  H(a, b, fl)
#define C_K_XF(H)   H(a)
#define C_K_XFR(H)  H(a, rm, fl)
#define C_K_FXR(H)  H(a, rm, fl)
#define C_K_FX(H)   H(a, rm, fl)

static uint64_t vec_exec(int op, int rm, uint64_t a, uint64_t b, uint64_t c,
			 uint32_t *fflags)
{
	uint32_t f = 0, *fl = &f;
	uint64_t r = 0;
	(void)c;
	switch (op) {
#define X(E, M, K, T, H) case V_##E: r = C_##K(H); break;
	VEC_OPS(X)
#undef X
	}
	*fflags = f;
	return r;
}

static int find_op(const char *name)
{
	for (int i = 0; i < V_COUNT; i++)
		if (!strcmp(vec_ops[i].name, name))
			return i;
	return -1;
}

/* ---- bits ---------------------------------------------------------------- */

static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

#define BOX(x) (0xffffffff00000000ULL | (uint32_t)(x))
#define CNAN_D 0x7ff8000000000000ULL
#define CNAN_S BOX(0x7fc00000)

static long n_fail, n_checked, n_uf_tininess, n_fma_nan_nv;

/* ---- (b) hand-checked vectors -------------------------------------------- */

struct hv { const char *op; int rm; uint64_t a, b, c, r; uint32_t fl; };

#define V(op, rm, a, b, c, r, fl) { op, rm, a, b, c, r, fl }
#define ALL(op, a, b, c, r, fl) \
	V(op, 0, a, b, c, r, fl), V(op, 1, a, b, c, r, fl), V(op, 2, a, b, c, r, fl), \
	V(op, 3, a, b, c, r, fl), V(op, 4, a, b, c, r, fl)
/* results and flags in the order rne, rtz, rdn, rup, rmm */
#define PER(op, a, b, c, r0, f0, r1, f1, r2, f2, r3, f3, r4, f4) \
	V(op, 0, a, b, c, r0, f0), V(op, 1, a, b, c, r1, f1), V(op, 2, a, b, c, r2, f2), \
	V(op, 3, a, b, c, r3, f3), V(op, 4, a, b, c, r4, f4)

#define SG    0x8000000000000000ULL
#define D1    0x3ff0000000000000ULL
#define DM1   0xbff0000000000000ULL
#define D1U   0x3ff0000000000001ULL   /* 1 + 2^-52 */
#define D1U2  0x3ff0000000000002ULL
#define DM1U  0xbff0000000000001ULL
#define D2    0x4000000000000000ULL
#define D3    0x4008000000000000ULL
#define DH    0x3fe0000000000000ULL   /* 0.5 */
#define P53   0x3ca0000000000000ULL   /* 2^-53: half an ulp of 1 */
#define P54   0x3c90000000000000ULL
#define DMAX  0x7fefffffffffffffULL
#define DNMAX 0xffefffffffffffffULL
#define DINF  0x7ff0000000000000ULL
#define DNINF 0xfff0000000000000ULL
#define DQNAN 0x7ff8000000000000ULL
#define DSNAN 0x7ff4000000000000ULL
#define DMINN 0x0010000000000000ULL
#define ONES  0xffffffffffffffffULL
#define W_MIN 0xffffffff80000000ULL
#define S1    BOX(0x3f800000)
#define SM1   BOX(0xbf800000)

static const struct hv hand[] = {
	/* fadd.d: ties and near-ties around 1 */
	PER("fadd.d", D1, P53, 0, D1, 1, D1, 1, D1, 1, D1U, 1, D1U, 1),
	PER("fadd.d", D1U, P53, 0, D1U2, 1, D1U, 1, D1U, 1, D1U2, 1, D1U2, 1),
	PER("fadd.d", DM1, P53 | SG, 0, DM1, 1, DM1, 1, DM1U, 1, DM1, 1, DM1U, 1),
	PER("fadd.d", D1, P54, 0, D1, 1, D1, 1, D1, 1, D1U, 1, D1, 1),
	PER("fadd.d", D1, 0x3ca8000000000000ULL, 0, D1U, 1, D1, 1, D1, 1, D1U, 1, D1U, 1),
	/* exact zeros */
	PER("fsub.d", D1, D1, 0, 0, 0, 0, 0, SG, 0, 0, 0, 0, 0),
	ALL("fadd.d", SG, SG, 0, SG, 0),
	PER("fadd.d", 0, SG, 0, 0, 0, 0, 0, SG, 0, 0, 0, 0, 0),
	ALL("fadd.d", 1, 1, 0, 2, 0),                      /* subnormal sum: exact */
	/* overflow */
	PER("fadd.d", DMAX, DMAX, 0, DINF, 5, DMAX, 5, DMAX, 5, DINF, 5, DINF, 5),
	PER("fadd.d", DNMAX, DNMAX, 0, DNINF, 5, DNMAX, 5, DNINF, 5, DNMAX, 5, DNINF, 5),
	PER("fadd.d", DMAX, 0x7c90000000000000ULL, 0,      /* + half ulp: a tie */
	    DINF, 5, DMAX, 1, DMAX, 1, DINF, 5, DINF, 5),
	PER("fadd.d", DMAX, 0x7c80000000000000ULL, 0,      /* + quarter ulp */
	    DMAX, 1, DMAX, 1, DMAX, 1, DINF, 5, DMAX, 1),
	/* NaNs: canonical result, NV only for signalling or invalid */
	ALL("fadd.d", 0x7ffc000000000123ULL, D1, 0, CNAN_D, 0),
	ALL("fadd.d", DSNAN, D1, 0, CNAN_D, 0x10),
	ALL("fadd.d", 0xfff8000000000000ULL, D1, 0, CNAN_D, 0),
	ALL("fsub.d", DINF, DINF, 0, CNAN_D, 0x10),
	ALL("fadd.d", DINF, DNINF, 0, CNAN_D, 0x10),
	ALL("fadd.d", DINF, DMAX, 0, DINF, 0),

	/* fmul.d: underflow, tininess after rounding */
	ALL("fmul.d", DMINN, DH, 0, 0x0008000000000000ULL, 0),   /* exact tiny: no UF */
	PER("fmul.d", 1, DH, 0, 0, 3, 0, 3, 0, 3, 1, 3, 1, 3),
	PER("fmul.d", SG | 1, DH, 0, SG, 3, SG, 3, SG | 1, 3, SG, 3, SG | 1, 3),
	PER("fmul.d", 3, DH, 0, 2, 3, 1, 3, 1, 3, 2, 3, 2, 3),
	/* (1-2^-52)(1+2^-52)2^-1022 = (1-2^-104)2^-1022: rounds to 2^-1022,
	 * so not tiny after rounding (no UF) in RNE/RUP/RMM; tiny in RTZ/RDN */
	PER("fmul.d", 0x3feffffffffffffeULL, 0x0010000000000001ULL, 0,
	    DMINN, 1, 0x000fffffffffffffULL, 3, 0x000fffffffffffffULL, 3, DMINN, 1, DMINN, 1),
	PER("fmul.d", 0xbfeffffffffffffeULL, 0x0010000000000001ULL, 0,
	    SG | DMINN, 1, 0x800fffffffffffffULL, 3, SG | DMINN, 1, 0x800fffffffffffffULL, 3,
	    SG | DMINN, 1),
	ALL("fmul.d", DINF, 0, 0, CNAN_D, 0x10),
	ALL("fmul.d", DNINF, DM1, 0, DINF, 0),
	ALL("fmul.d", SG, D1, 0, SG, 0),
	PER("fmul.d", 0x7fe0000000000000ULL, D2, 0, DINF, 5, DMAX, 5, DMAX, 5, DINF, 5, DINF, 5),

	/* fdiv.d */
	ALL("fdiv.d", D1, 0, 0, DINF, 8),
	ALL("fdiv.d", DM1, 0, 0, DNINF, 8),
	ALL("fdiv.d", D1, SG, 0, DNINF, 8),
	ALL("fdiv.d", 0, 0, 0, CNAN_D, 0x10),
	ALL("fdiv.d", DINF, DINF, 0, CNAN_D, 0x10),
	ALL("fdiv.d", D1, DINF, 0, 0, 0),
	ALL("fdiv.d", DINF, 0, 0, DINF, 0),
	PER("fdiv.d", D1, D3, 0, 0x3fd5555555555555ULL, 1, 0x3fd5555555555555ULL, 1,
	    0x3fd5555555555555ULL, 1, 0x3fd5555555555556ULL, 1, 0x3fd5555555555555ULL, 1),
	PER("fdiv.d", DM1, D3, 0, 0xbfd5555555555555ULL, 1, 0xbfd5555555555555ULL, 1,
	    0xbfd5555555555556ULL, 1, 0xbfd5555555555555ULL, 1, 0xbfd5555555555555ULL, 1),
	ALL("fdiv.d", 0x4018000000000000ULL, D3, 0, D2, 0),
	PER("fdiv.d", 3, D2, 0, 2, 3, 1, 3, 1, 3, 2, 3, 2, 3),   /* 1.5 * 2^-1074 */
	PER("fdiv.d", DMAX, DH, 0, DINF, 5, DMAX, 5, DMAX, 5, DINF, 5, DINF, 5),

	/* fsqrt.d */
	PER("fsqrt.d", D2, 0, 0, 0x3ff6a09e667f3bcdULL, 1, 0x3ff6a09e667f3bccULL, 1,
	    0x3ff6a09e667f3bccULL, 1, 0x3ff6a09e667f3bcdULL, 1, 0x3ff6a09e667f3bcdULL, 1),
	ALL("fsqrt.d", DM1, 0, 0, CNAN_D, 0x10),
	ALL("fsqrt.d", SG, 0, 0, SG, 0),
	ALL("fsqrt.d", DINF, 0, 0, DINF, 0),
	ALL("fsqrt.d", DNINF, 0, 0, CNAN_D, 0x10),
	ALL("fsqrt.d", 0x4010000000000000ULL, 0, 0, D2, 0),
	ALL("fsqrt.d", DQNAN, 0, 0, CNAN_D, 0),
	ALL("fsqrt.d", DSNAN, 0, 0, CNAN_D, 0x10),
	ALL("fsqrt.d", 4, 0, 0, 0x1e70000000000000ULL, 0),        /* sqrt(2^-1072) */

	/* fused multiply-add */
	ALL("fmadd.d", DINF, 0, DQNAN, CNAN_D, 0x10),   /* inf*0 + qNaN: NV */
	ALL("fmadd.d", 0, DINF, D1, CNAN_D, 0x10),
	ALL("fmadd.d", DINF, D1, DNINF, CNAN_D, 0x10),
	ALL("fmadd.d", D1, D1, DQNAN, CNAN_D, 0),
	ALL("fmadd.d", DSNAN, D1, D1, CNAN_D, 0x10),
	PER("fmadd.d", 0, D1, SG, 0, 0, 0, 0, SG, 0, 0, 0, 0, 0),
	ALL("fmadd.d", SG, D1, SG, SG, 0),
	PER("fmsub.d", D1, D1, D1, 0, 0, 0, 0, SG, 0, 0, 0, 0, 0),
	ALL("fnmadd.d", D1, D1, D1, 0xc000000000000000ULL, 0),
	PER("fnmsub.d", D1, D1, D1, 0, 0, 0, 0, SG, 0, 0, 0, 0, 0),
	ALL("fmsub.d", D2, D3, D1, 0x4014000000000000ULL, 0),
	/* (1+2^-52)^2 = 1 + 2^-51 + 2^-104 */
	PER("fmadd.d", D1U, D1U, 0, D1U2, 1, D1U2, 1, D1U2, 1, 0x3ff0000000000003ULL, 1, D1U2, 1),
	ALL("fmadd.d", D1U, D1U, SG | D1U2, 0x3970000000000000ULL, 0),  /* exactly 2^-104 */
	PER("fmadd.d", D1, D1, P53, D1, 1, D1, 1, D1, 1, D1U, 1, D1U, 1),
	PER("fnmadd.d", D1, D1, P53, DM1, 1, DM1, 1, DM1U, 1, DM1, 1, DM1U, 1),

	/* fmin/fmax: -0 < +0, quiet NaN loses, NV only for sNaN */
	V("fmin.d", 0, SG, 0, 0, SG, 0), V("fmin.d", 0, 0, SG, 0, SG, 0),
	V("fmax.d", 0, SG, 0, 0, 0, 0), V("fmax.d", 0, 0, SG, 0, 0, 0),
	V("fmin.d", 0, DQNAN, D1, 0, D1, 0), V("fmax.d", 0, D1, DQNAN, 0, D1, 0),
	V("fmin.d", 0, DSNAN, D1, 0, D1, 0x10), V("fmin.d", 0, DQNAN, DQNAN, 0, CNAN_D, 0),
	V("fmax.d", 0, DSNAN, DQNAN, 0, CNAN_D, 0x10),
	V("fmin.d", 0, 0x7ffc000000000123ULL, 0x7ffc000000000123ULL, 0, CNAN_D, 0),
	V("fmax.d", 0, D1, D2, 0, D2, 0), V("fmin.d", 0, DNINF, D1, 0, DNINF, 0),
	V("fmax.d", 0, DNINF, DINF, 0, DINF, 0), V("fmin.d", 0, DM1, 0xc000000000000000ULL, 0, 0xc000000000000000ULL, 0),

	/* compares: feq quiet, flt/fle signalling */
	V("feq.d", 0, DQNAN, D1, 0, 0, 0), V("feq.d", 0, DSNAN, D1, 0, 0, 0x10),
	V("flt.d", 0, DQNAN, D1, 0, 0, 0x10), V("fle.d", 0, DQNAN, DQNAN, 0, 0, 0x10),
	V("feq.d", 0, SG, 0, 0, 1, 0), V("flt.d", 0, SG, 0, 0, 0, 0), V("fle.d", 0, SG, 0, 0, 1, 0),
	V("flt.d", 0, D1, D2, 0, 1, 0), V("fle.d", 0, D2, D1, 0, 0, 0),
	V("flt.d", 0, DNINF, DINF, 0, 1, 0), V("feq.d", 0, D1, D1, 0, 1, 0),
	V("flt.d", 0, DM1, 0xc000000000000000ULL, 0, 0, 0),
	V("flt.d", 0, 0xc000000000000000ULL, DM1, 0, 1, 0),
	V("fle.d", 0, DINF, DINF, 0, 1, 0), V("feq.d", 0, DQNAN, DQNAN, 0, 0, 0),

	/* fclass.d */
	V("fclass.d", 0, DNINF, 0, 0, 1, 0), V("fclass.d", 0, DM1, 0, 0, 2, 0),
	V("fclass.d", 0, SG | 1, 0, 0, 4, 0), V("fclass.d", 0, SG, 0, 0, 8, 0),
	V("fclass.d", 0, 0, 0, 0, 0x10, 0), V("fclass.d", 0, 1, 0, 0, 0x20, 0),
	V("fclass.d", 0, D1, 0, 0, 0x40, 0), V("fclass.d", 0, DINF, 0, 0, 0x80, 0),
	V("fclass.d", 0, DSNAN, 0, 0, 0x100, 0), V("fclass.d", 0, DQNAN, 0, 0, 0x200, 0),
	V("fclass.d", 0, 0xfff8000000000000ULL, 0, 0, 0x200, 0),
	V("fclass.d", 0, DMAX, 0, 0, 0x40, 0), V("fclass.d", 0, 0x800fffffffffffffULL, 0, 0, 4, 0),

	/* sign injection keeps payloads and never raises */
	V("fsgnj.d", 0, D1, DM1, 0, DM1, 0), V("fsgnjn.d", 0, D1, DM1, 0, D1, 0),
	V("fsgnjx.d", 0, DM1, DM1, 0, D1, 0),
	V("fsgnj.d", 0, DQNAN, DM1, 0, 0xfff8000000000000ULL, 0),
	V("fsgnjx.d", 0, DSNAN, DM1, 0, 0xfff4000000000000ULL, 0),

	/* fcvt.w.d: saturation, ties, range checked after rounding */
	ALL("fcvt.w.d", DQNAN, 0, 0, 0x7fffffff, 0x10),
	ALL("fcvt.w.d", DINF, 0, 0, 0x7fffffff, 0x10),
	ALL("fcvt.w.d", DNINF, 0, 0, W_MIN, 0x10),
	ALL("fcvt.w.d", 0x41e0000000000000ULL, 0, 0, 0x7fffffff, 0x10),
	ALL("fcvt.w.d", 0xc1e0000000000000ULL, 0, 0, W_MIN, 0),
	PER("fcvt.w.d", 0xc1e0000000100000ULL, 0, 0,                 /* -2^31 - 0.5 */
	    W_MIN, 1, W_MIN, 1, W_MIN, 0x10, W_MIN, 1, W_MIN, 0x10),
	PER("fcvt.w.d", 0x41dfffffffe00000ULL, 0, 0,                 /* 2^31 - 0.5 */
	    0x7fffffff, 0x10, 0x7fffffff, 1, 0x7fffffff, 1, 0x7fffffff, 0x10, 0x7fffffff, 0x10),
	PER("fcvt.w.d", DH, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1),
	PER("fcvt.w.d", 0x3ff8000000000000ULL, 0, 0, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1),
	PER("fcvt.w.d", 0x4004000000000000ULL, 0, 0, 2, 1, 2, 1, 2, 1, 3, 1, 3, 1),
	PER("fcvt.w.d", 0xc004000000000000ULL, 0, 0, ONES - 1, 1, ONES - 1, 1, ONES - 2, 1,
	    ONES - 1, 1, ONES - 2, 1),
	PER("fcvt.w.d", SG | DH, 0, 0, 0, 1, 0, 1, ONES, 1, 0, 1, ONES, 1),
	ALL("fcvt.w.d", SG, 0, 0, 0, 0),
	/* fcvt.wu.d: negatives that round to 0 are fine; results sign-extended */
	PER("fcvt.wu.d", 0xbfd3333333333333ULL, 0, 0, 0, 1, 0, 1, 0, 0x10, 0, 1, 0, 1),
	PER("fcvt.wu.d", 0xbfe6666666666666ULL, 0, 0, 0, 0x10, 0, 1, 0, 0x10, 0, 1, 0, 0x10),
	PER("fcvt.wu.d", SG | DH, 0, 0, 0, 1, 0, 1, 0, 0x10, 0, 1, 0, 0x10),
	ALL("fcvt.wu.d", 0x41e65a0bc0000000ULL, 0, 0, 0xffffffffb2d05e00ULL, 0),   /* 3e9 */
	ALL("fcvt.wu.d", 0x41efffffffe00000ULL, 0, 0, ONES, 0),
	ALL("fcvt.wu.d", 0x41f0000000000000ULL, 0, 0, ONES, 0x10),
	ALL("fcvt.wu.d", DQNAN, 0, 0, ONES, 0x10),
	ALL("fcvt.wu.d", DINF, 0, 0, ONES, 0x10),
	ALL("fcvt.wu.d", DNINF, 0, 0, 0, 0x10),
	ALL("fcvt.wu.d", DM1, 0, 0, 0, 0x10),
	ALL("fcvt.wu.d", SG, 0, 0, 0, 0),
	/* fcvt.l.d / fcvt.lu.d */
	ALL("fcvt.l.d", 0x43e0000000000000ULL, 0, 0, 0x7fffffffffffffffULL, 0x10),
	ALL("fcvt.l.d", 0xc3e0000000000000ULL, 0, 0, 0x8000000000000000ULL, 0),
	ALL("fcvt.l.d", DQNAN, 0, 0, 0x7fffffffffffffffULL, 0x10),
	ALL("fcvt.l.d", DNINF, 0, 0, 0x8000000000000000ULL, 0x10),
	ALL("fcvt.l.d", 0x43dfffffffffffffULL, 0, 0, 0x7ffffffffffffc00ULL, 0),
	ALL("fcvt.lu.d", 0x43f0000000000000ULL, 0, 0, ONES, 0x10),
	ALL("fcvt.lu.d", 0x43efffffffffffffULL, 0, 0, 0xfffffffffffff800ULL, 0),
	ALL("fcvt.lu.d", DM1, 0, 0, 0, 0x10),
	ALL("fcvt.lu.d", DQNAN, 0, 0, ONES, 0x10),
	ALL("fcvt.lu.d", DNINF, 0, 0, 0, 0x10),
	PER("fcvt.lu.d", 0xbfd3333333333333ULL, 0, 0, 0, 1, 0, 1, 0, 0x10, 0, 1, 0, 1),

	/* integer to double */
	PER("fcvt.d.l", 0x20000000000001ULL, 0, 0, 0x4340000000000000ULL, 1,
	    0x4340000000000000ULL, 1, 0x4340000000000000ULL, 1, 0x4340000000000001ULL, 1,
	    0x4340000000000001ULL, 1),
	PER("fcvt.d.l", 0x20000000000003ULL, 0, 0, 0x4340000000000002ULL, 1,
	    0x4340000000000001ULL, 1, 0x4340000000000001ULL, 1, 0x4340000000000002ULL, 1,
	    0x4340000000000002ULL, 1),
	PER("fcvt.d.l", 0xffdfffffffffffffULL, 0, 0, 0xc340000000000000ULL, 1,
	    0xc340000000000000ULL, 1, 0xc340000000000001ULL, 1, 0xc340000000000000ULL, 1,
	    0xc340000000000001ULL, 1),
	ALL("fcvt.d.l", 0x8000000000000000ULL, 0, 0, 0xc3e0000000000000ULL, 0),
	ALL("fcvt.d.l", 0, 0, 0, 0, 0),
	PER("fcvt.d.lu", ONES, 0, 0, 0x43f0000000000000ULL, 1, 0x43efffffffffffffULL, 1,
	    0x43efffffffffffffULL, 1, 0x43f0000000000000ULL, 1, 0x43f0000000000000ULL, 1),
	ALL("fcvt.d.w", 0x12345678ffffffffULL, 0, 0, DM1, 0),
	ALL("fcvt.d.wu", 0x12345678ffffffffULL, 0, 0, 0x41efffffffe00000ULL, 0),
	ALL("fcvt.d.w", 0x80000000ULL, 0, 0, 0xc1e0000000000000ULL, 0),

	/* double <-> single */
	PER("fcvt.s.d", 0x3ff0000010000000ULL, 0, 0, S1, 1, S1, 1, S1, 1,
	    BOX(0x3f800001), 1, BOX(0x3f800001), 1),                      /* 1 + 2^-24 */
	PER("fcvt.s.d", 0x47effffff0000000ULL, 0, 0,                        /* FLT_MAX + half ulp */
	    BOX(0x7f800000), 5, BOX(0x7f7fffff), 1, BOX(0x7f7fffff), 1, BOX(0x7f800000), 5,
	    BOX(0x7f800000), 5),
	PER("fcvt.s.d", 0x358dee7a4ad4b81fULL, 0, 0,                        /* 1e-50 */
	    BOX(0), 3, BOX(0), 3, BOX(0), 3, BOX(1), 3, BOX(0), 3),
	PER("fcvt.s.d", DMAX, 0, 0, BOX(0x7f800000), 5, BOX(0x7f7fffff), 5, BOX(0x7f7fffff), 5,
	    BOX(0x7f800000), 5, BOX(0x7f800000), 5),
	ALL("fcvt.s.d", DSNAN, 0, 0, CNAN_S, 0x10),
	ALL("fcvt.s.d", 0xfff8000000000000ULL, 0, 0, CNAN_S, 0),
	ALL("fcvt.s.d", DNINF, 0, 0, BOX(0xff800000), 0),
	ALL("fcvt.s.d", SG, 0, 0, BOX(0x80000000), 0),
	ALL("fcvt.d.s", 0x000000003f800000ULL, 0, 0, CNAN_D, 0),   /* bad box: canonical qNaN */
	ALL("fcvt.d.s", BOX(0x7f800001), 0, 0, CNAN_D, 0x10),
	ALL("fcvt.d.s", S1, 0, 0, D1, 0),
	ALL("fcvt.d.s", BOX(1), 0, 0, 0x36a0000000000000ULL, 0),

	/* single precision arithmetic */
	PER("fadd.s", S1, BOX(0x33800000), 0, S1, 1, S1, 1, S1, 1, BOX(0x3f800001), 1,
	    BOX(0x3f800001), 1),
	PER("fadd.s", SM1, BOX(0xb3800000), 0, SM1, 1, SM1, 1, BOX(0xbf800001), 1, SM1, 1,
	    BOX(0xbf800001), 1),
	ALL("fadd.s", 0x000000003f800000ULL, S1, 0, CNAN_S, 0),
	PER("fsub.s", S1, S1, 0, BOX(0), 0, BOX(0), 0, BOX(0x80000000), 0, BOX(0), 0, BOX(0), 0),
	PER("fmul.s", BOX(0x7f7fffff), BOX(0x40000000), 0, BOX(0x7f800000), 5, BOX(0x7f7fffff), 5,
	    BOX(0x7f7fffff), 5, BOX(0x7f800000), 5, BOX(0x7f800000), 5),
	PER("fmul.s", BOX(1), BOX(0x3f000000), 0, BOX(0), 3, BOX(0), 3, BOX(0), 3, BOX(1), 3,
	    BOX(1), 3),
	ALL("fmul.s", BOX(0x00800000), BOX(0x3f000000), 0, BOX(0x00400000), 0),
	PER("fmul.s", BOX(0x3f7ffffe), BOX(0x00800001), 0, BOX(0x00800000), 1,
	    BOX(0x007fffff), 3, BOX(0x007fffff), 3, BOX(0x00800000), 1, BOX(0x00800000), 1),
	PER("fdiv.s", S1, BOX(0x40400000), 0, BOX(0x3eaaaaab), 1, BOX(0x3eaaaaaa), 1,
	    BOX(0x3eaaaaaa), 1, BOX(0x3eaaaaab), 1, BOX(0x3eaaaaab), 1),
	ALL("fdiv.s", S1, BOX(0), 0, BOX(0x7f800000), 8),
	ALL("fdiv.s", BOX(0), BOX(0), 0, CNAN_S, 0x10),
	PER("fsqrt.s", BOX(0x40000000), 0, 0, BOX(0x3fb504f3), 1, BOX(0x3fb504f3), 1,
	    BOX(0x3fb504f3), 1, BOX(0x3fb504f4), 1, BOX(0x3fb504f3), 1),
	ALL("fsqrt.s", SM1, 0, 0, CNAN_S, 0x10),
	ALL("fsqrt.s", BOX(0x80000000), 0, 0, BOX(0x80000000), 0),
	ALL("fmadd.s", BOX(0x7f800000), BOX(0), CNAN_S, CNAN_S, 0x10),
	PER("fmadd.s", S1, S1, BOX(0x33800000), S1, 1, S1, 1, S1, 1, BOX(0x3f800001), 1,
	    BOX(0x3f800001), 1),
	PER("fmsub.s", S1, S1, S1, BOX(0), 0, BOX(0), 0, BOX(0x80000000), 0, BOX(0), 0, BOX(0), 0),
	ALL("fmadd.s", BOX(0x3f800001), BOX(0x3f800001), BOX(0xbf800002), BOX(0x28800000), 0),
	V("fmin.s", 0, BOX(0x80000000), BOX(0), 0, BOX(0x80000000), 0),
	V("fmax.s", 0, CNAN_S, S1, 0, S1, 0),
	V("fmin.s", 0, BOX(0x7f800001), S1, 0, S1, 0x10),
	V("fmin.s", 0, 0x000000003f800000ULL, BOX(0x40000000), 0, BOX(0x40000000), 0),
	V("fmax.s", 0, 0, 0, 0, CNAN_S, 0),
	V("feq.s", 0, CNAN_S, CNAN_S, 0, 0, 0), V("flt.s", 0, CNAN_S, BOX(0), 0, 0, 0x10),
	V("feq.s", 0, BOX(0x7f800001), BOX(0), 0, 0, 0x10),
	V("feq.s", 0, 0x3f800000ULL, 0x3f800000ULL, 0, 0, 0),
	V("fle.s", 0, BOX(0x80000000), BOX(0), 0, 1, 0),
	V("fclass.s", 0, 0x000000003f800000ULL, 0, 0, 0x200, 0),
	V("fclass.s", 0, BOX(0xff800000), 0, 0, 1, 0), V("fclass.s", 0, BOX(0x7f800001), 0, 0, 0x100, 0),
	V("fclass.s", 0, CNAN_S, 0, 0, 0x200, 0), V("fclass.s", 0, BOX(0x80000001), 0, 0, 4, 0),
	V("fclass.s", 0, BOX(0), 0, 0, 0x10, 0), V("fclass.s", 0, S1, 0, 0, 0x40, 0),
	V("fsgnj.s", 0, 0x000000003f800000ULL, SM1, 0, BOX(0xffc00000), 0),
	V("fsgnjn.s", 0, S1, 0x00000000bf800000ULL, 0, SM1, 0),
	V("fsgnjx.s", 0, SM1, SM1, 0, S1, 0),
	V("fsgnj.s", 0, BOX(0x7f800001), BOX(0x80000000), 0, BOX(0xff800001), 0),
	ALL("fcvt.w.s", 0x000000003f800000ULL, 0, 0, 0x7fffffff, 0x10),
	ALL("fcvt.wu.s", SM1, 0, 0, 0, 0x10),
	ALL("fcvt.l.s", BOX(0x5f000000), 0, 0, 0x7fffffffffffffffULL, 0x10),
	ALL("fcvt.l.s", BOX(0xdf000000), 0, 0, 0x8000000000000000ULL, 0),
	ALL("fcvt.lu.s", BOX(0x5f800000), 0, 0, ONES, 0x10),
	ALL("fcvt.wu.s", BOX(0x4f7fffff), 0, 0, 0xffffffffffffff00ULL, 0),
	PER("fcvt.w.s", BOX(0x3fc00000), 0, 0, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1),
	ALL("fcvt.w.s", BOX(0x4f000000), 0, 0, 0x7fffffff, 0x10),
	ALL("fcvt.w.s", BOX(0xcf000000), 0, 0, W_MIN, 0),
	PER("fcvt.s.w", 0x1000001, 0, 0, BOX(0x4b800000), 1, BOX(0x4b800000), 1, BOX(0x4b800000), 1,
	    BOX(0x4b800001), 1, BOX(0x4b800001), 1),
	PER("fcvt.s.w", 0x1000003, 0, 0, BOX(0x4b800002), 1, BOX(0x4b800001), 1, BOX(0x4b800001), 1,
	    BOX(0x4b800002), 1, BOX(0x4b800002), 1),
	PER("fcvt.s.w", 0xfffffffffeffffffULL, 0, 0, BOX(0xcb800000), 1, BOX(0xcb800000), 1,
	    BOX(0xcb800001), 1, BOX(0xcb800000), 1, BOX(0xcb800001), 1),
	PER("fcvt.s.wu", 0xffffffff, 0, 0, BOX(0x4f800000), 1, BOX(0x4f7fffff), 1, BOX(0x4f7fffff), 1,
	    BOX(0x4f800000), 1, BOX(0x4f800000), 1),
	PER("fcvt.s.l", 0x7fffffffffffffffULL, 0, 0, BOX(0x5f000000), 1, BOX(0x5effffff), 1,
	    BOX(0x5effffff), 1, BOX(0x5f000000), 1, BOX(0x5f000000), 1),
	PER("fcvt.s.lu", ONES, 0, 0, BOX(0x5f800000), 1, BOX(0x5f7fffff), 1, BOX(0x5f7fffff), 1,
	    BOX(0x5f800000), 1, BOX(0x5f800000), 1),
	ALL("fcvt.s.w", 0xffffffff00000000ULL, 0, 0, BOX(0), 0),
	ALL("fcvt.s.l", 0x8000000000000000ULL, 0, 0, BOX(0xdf000000), 0),
};

static void run_hand(void)
{
	long n = 0;
	for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++) {
		const struct hv *v = &hand[i];
		int op = find_op(v->op);
		if (op < 0) {
			printf("hand: unknown op %s\n", v->op);
			n_fail++;
			continue;
		}
		uint32_t fl;
		uint64_t r = vec_exec(op, v->rm, v->a, v->b, v->c, &fl);
		n++;
		if (r != v->r || fl != v->fl) {
			n_fail++;
			printf("hand FAIL %s %s %016llx %016llx %016llx: got %016llx %02x, want %016llx %02x\n",
			       v->op, vec_rm_name[v->rm], (unsigned long long)v->a,
			       (unsigned long long)v->b, (unsigned long long)v->c,
			       (unsigned long long)r, fl, (unsigned long long)v->r, v->fl);
		}
	}
	n_checked += n;
	printf("hand-checked vectors: %ld\n", n);
}

/* ---- (a) against the host FPU --------------------------------------------- */

static const int host_mode[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
static int x86_tiny_before;   /* host detects tininess before rounding */

static uint32_t host_flags(int ex)
{
	return (ex & FE_INEXACT ? 1u : 0) | (ex & FE_UNDERFLOW ? 2u : 0) |
	       (ex & FE_OVERFLOW ? 4u : 0) | (ex & FE_DIVBYZERO ? 8u : 0) |
	       (ex & FE_INVALID ? 16u : 0);
}

typedef struct { uint64_t r; uint32_t fl; } res;

enum { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_MADD, H_MSUB, H_NMSUB, H_NMADD,
       H_CVT_SD, H_CVT_DS, H_I2F_W, H_I2F_WU, H_I2F_L, H_I2F_LU, H_NOPS };

/* One host operation in host rounding mode hm (an FE_* constant). Operands
 * are volatile so nothing is computed before fesetround or after
 * fetestexcept. */
static __attribute__((noinline)) res host_d(int h, int hm, uint64_t a, uint64_t b, uint64_t c)
{
	volatile double x = u2d(a), y = u2d(b), z = u2d(c), r = 0;
	volatile float rf = 0;
	volatile uint64_t i = a;
	int single = 0;
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(hm);
	switch (h) {
	case H_ADD: r = x + y; break;
	case H_SUB: r = x - y; break;
	case H_MUL: r = x * y; break;
	case H_DIV: r = x / y; break;
	case H_SQRT: r = sqrt(x); break;
	case H_MADD: r = fma(x, y, z); break;
	case H_MSUB: r = fma(x, y, -z); break;
	case H_NMSUB: r = fma(-x, y, z); break;
	case H_NMADD: r = fma(-x, y, -z); break;
	case H_CVT_SD: rf = (float)x; single = 1; break;
	case H_I2F_W: r = (double)(int32_t)i; break;
	case H_I2F_WU: r = (double)(uint32_t)i; break;
	case H_I2F_L: r = (double)(int64_t)i; break;
	case H_I2F_LU: /* not (double)u64: clang's sequence gives -0 for 0 in RDN */
		r = (int64_t)i >= 0 ? (double)(int64_t)i
				    : (double)(int64_t)((i >> 1) | (i & 1)) * 2;
		break;
	}
	int ex = fetestexcept(FE_ALL_EXCEPT);
	fesetround(FE_TONEAREST);
	res o;
	o.r = single ? BOX(f2u(rf)) : d2u(r);
	o.fl = host_flags(ex);
	return o;
}

static __attribute__((noinline)) res host_s(int h, int hm, uint64_t a, uint64_t b, uint64_t c)
{
	volatile float x = u2f((uint32_t)a), y = u2f((uint32_t)b), z = u2f((uint32_t)c), r = 0;
	volatile double rd = 0;
	volatile uint64_t i = a;
	int dbl = 0;
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(hm);
	switch (h) {
	case H_ADD: r = x + y; break;
	case H_SUB: r = x - y; break;
	case H_MUL: r = x * y; break;
	case H_DIV: r = x / y; break;
	case H_SQRT: r = sqrtf(x); break;
	case H_MADD: r = fmaf(x, y, z); break;
	case H_MSUB: r = fmaf(x, y, -z); break;
	case H_NMSUB: r = fmaf(-x, y, z); break;
	case H_NMADD: r = fmaf(-x, y, -z); break;
	case H_CVT_DS: rd = (double)x; dbl = 1; break;
	case H_I2F_W: r = (float)(int32_t)i; break;
	case H_I2F_WU: r = (float)(uint32_t)i; break;
	case H_I2F_L: r = (float)(int64_t)i; break;
	case H_I2F_LU:
		r = (int64_t)i >= 0 ? (float)(int64_t)i
				    : (float)(int64_t)((i >> 1) | (i & 1)) * 2;
		break;
	}
	int ex = fetestexcept(FE_ALL_EXCEPT);
	fesetround(FE_TONEAREST);
	res o;
	o.r = dbl ? d2u(rd) : BOX(f2u(r));
	o.fl = host_flags(ex);
	return o;
}

/* Which helper implements host op h in precision dbl. */
static int helper_op(int h, int dbl)
{
	static const int d[H_NOPS] = { V_FADD_D, V_FSUB_D, V_FMUL_D, V_FDIV_D, V_FSQRT_D,
		V_FMADD_D, V_FMSUB_D, V_FNMSUB_D, V_FNMADD_D, V_FCVT_S_D, -1,
		V_FCVT_D_W, V_FCVT_D_WU, V_FCVT_D_L, V_FCVT_D_LU };
	static const int s[H_NOPS] = { V_FADD_S, V_FSUB_S, V_FMUL_S, V_FDIV_S, V_FSQRT_S,
		V_FMADD_S, V_FMSUB_S, V_FNMSUB_S, V_FNMADD_S, -1, V_FCVT_D_S,
		V_FCVT_S_W, V_FCVT_S_WU, V_FCVT_S_L, V_FCVT_S_LU };
	return dbl ? d[h] : s[h];
}

/* Result format of op h in precision dbl: 1 double, 0 single. */
static int result_is_double(int h, int dbl)
{
	if (h == H_CVT_SD)
		return 0;
	if (h == H_CVT_DS)
		return 1;
	return dbl;
}

static int is_nan_bits(uint64_t r, int rd)
{
	if (rd)
		return (r & ~(1ULL << 63)) > 0x7ff0000000000000ULL;
	return ((uint32_t)r & 0x7fffffffu) > 0x7f800000u;
}

static int is_min_normal(uint64_t r, int rd)
{
	if (rd)
		return (r & ~(1ULL << 63)) == 0x0010000000000000ULL;
	return ((uint32_t)r & 0x7fffffffu) == 0x00800000u;
}

/* ---- exact tie test for RMM (binary128 arithmetic, exact where used) ----- */

typedef __float128 f128;

static f128 val128(uint64_t r, int rd)
{
	if (rd)
		return (f128)u2d(r);
	return (f128)u2f((uint32_t)r);
}

/* Is the exact result of op h a midpoint between the RTZ result t and the
 * next representable number away from zero? (Host in RNE here.) */
static int is_tie(int h, int dbl, uint64_t a, uint64_t b, uint64_t c, uint64_t t)
{
	int rd = result_is_double(h, dbl);
	uint64_t mag = rd ? t & ~(1ULL << 63) : (uint32_t)t & 0x7fffffffu;
	uint64_t away = t + 1;   /* magnitude + 1 ulp, same sign */
	if (rd ? mag >= 0x7fefffffffffffffULL : mag >= 0x7f7fffffu)
		return 0;        /* at the overflow threshold RMM and RNE agree */
	f128 mid = (val128(t, rd) + val128(away, rd)) / 2;   /* exact */
	int in_d = dbl && h != H_CVT_DS;
	f128 x = val128(a, in_d), y = val128(b, in_d), z = val128(c, in_d);
	if (h >= H_I2F_W) {
		int64_t v = h == H_I2F_W ? (int32_t)a : h == H_I2F_WU ? (int64_t)(uint32_t)a :
			    (int64_t)a;
		f128 e = h == H_I2F_LU ? (f128)a : (f128)v;
		return e == mid;
	}
	switch (h) {
	case H_CVT_SD: return x == mid;
	case H_DIV: return mid * y == x;      /* 54 + 53 bits: exact */
	case H_SQRT: return mid * mid == x;   /* 108 bits: exact */
	case H_SUB: y = -y; /* fall through */
	case H_ADD: break;
	case H_MUL: return x * y == mid;      /* 106 bits: exact */
	default: {
		/* fused: p exact, then TwoSum; the exact value is s + err */
		f128 p = x * y;
		if (h == H_NMSUB || h == H_NMADD) p = -p;
		if (h == H_MSUB || h == H_NMADD) z = -z;
		x = p;
		y = z;
		break;
	}
	}
	f128 s = x + y, bb = s - x, err = (x - (s - bb)) + (y - bb);
	return err == 0 && s == mid;
}

static void fail_line(const char *what, int op, int rm, uint64_t a, uint64_t b, uint64_t c,
		      uint64_t r, uint32_t fl, uint64_t er, uint32_t efl)
{
	if (++n_fail <= 40)
		printf("%s FAIL %s %s %016llx %016llx %016llx: got %016llx %02x, want %016llx %02x\n",
		       what, vec_ops[op].name, vec_rm_name[rm], (unsigned long long)a,
		       (unsigned long long)b, (unsigned long long)c, (unsigned long long)r, fl,
		       (unsigned long long)er, efl);
}

/* Check helper op against the host in all five modes. Operands are
 * register values (singles boxed). */
static void check_host(int h, int dbl, uint64_t a, uint64_t b, uint64_t c)
{
	int op = helper_op(h, dbl);
	int rd = result_is_double(h, dbl);
	int in_d = dbl && h != H_CVT_DS;
	res rne = { 0, 0 };
	/* The host sees what the register holds: a bad box is the canonical NaN. */
	uint64_t ha = a, hb = b, hc = c;
	if (!in_d && h < H_I2F_W) {
		if ((a >> 32) != 0xffffffffu) ha = 0x7fc00000;
		if ((b >> 32) != 0xffffffffu) hb = 0x7fc00000;
		if ((c >> 32) != 0xffffffffu) hc = 0x7fc00000;
	}
	for (int rm = 0; rm < 5; rm++) {
		res e;
		if (rm < 4)
			e = in_d || (h >= H_I2F_W && dbl) ? host_d(h, host_mode[rm], ha, hb, hc)
							  : host_s(h, host_mode[rm], ha, hb, hc);
		else {
			/* RMM: RNE, except the away neighbour on an exact tie */
			res rtz = in_d || (h >= H_I2F_W && dbl) ? host_d(h, FE_TOWARDZERO, ha, hb, hc)
								: host_s(h, FE_TOWARDZERO, ha, hb, hc);
			e = rne;
			if ((rtz.fl & 1) && !is_nan_bits(rtz.r, rd) &&
			    is_tie(h, dbl, ha, hb, hc, rtz.r))
				e.r = rtz.r + 1;
		}
		if (rm == 0)
			rne = e;
		if (is_nan_bits(e.r, rd))
			e.r = rd ? CNAN_D : CNAN_S;
		uint32_t fl = 0;
		uint64_t r = vec_exec(op, rm, a, b, c, &fl);
		n_checked++;
		if (r == e.r && fl != e.fl) {
			/* tininess: RISC-V after rounding, x86 before */
			if (x86_tiny_before && (e.fl & 2) && !(fl & 2) && fl == (e.fl & ~2u) &&
			    is_min_normal(r, rd)) {
				n_uf_tininess++;
				continue;
			}
			/* inf*0 + qNaN: RISC-V raises NV, x86 need not */
			if (h >= H_MADD && h <= H_NMADD && r == (rd ? CNAN_D : CNAN_S) &&
			    fl == (e.fl | 0x10)) {
				n_fma_nan_nv++;
				continue;
			}
		}
		if (r != e.r || fl != e.fl)
			fail_line("host", op, rm, a, b, c, r, fl, e.r, e.fl);
	}
}

/* Float to integer: the host rounds (rint in the mode, round() for RMM),
 * the saturation table of the spec decides the rest. */
static void check_f2i(int dbl, int kind, uint64_t a)
{
	static const int ops_d[4] = { V_FCVT_W_D, V_FCVT_WU_D, V_FCVT_L_D, V_FCVT_LU_D };
	static const int ops_s[4] = { V_FCVT_W_S, V_FCVT_WU_S, V_FCVT_L_S, V_FCVT_LU_S };
	static const uint64_t maxv[4] = { 0x7fffffff, ONES, 0x7fffffffffffffffULL, ONES };
	static const uint64_t minv[4] = { W_MIN, 0, 0x8000000000000000ULL, 0 };
	int op = dbl ? ops_d[kind] : ops_s[kind];
	double x;
	if (dbl)
		x = u2d(a);
	else
		x = (a >> 32) == 0xffffffffu ? (double)u2f((uint32_t)a) : NAN;
	for (int rm = 0; rm < 5; rm++) {
		uint64_t er;
		uint32_t efl = 0;
		if (isnan(x)) {
			er = maxv[kind];
			efl = 0x10;
		} else {
			/* through a pointer: gcc inlines rint() as a sign-symmetric
			 * sequence that is wrong in directed modes */
			static double (*volatile rint_p)(double) = rint;
			volatile double vx = x, vr;
			if (rm == 4)
				vr = round(vx);
			else {
				fesetround(host_mode[rm]);
				vr = rint_p(vx);
				fesetround(FE_TONEAREST);
			}
			double r = vr;
			int ok;
			switch (kind) {
			case 0: ok = r >= -2147483648.0 && r <= 2147483647.0; break;
			case 1: ok = r >= 0 && r <= 4294967295.0; break;
			case 2: ok = r >= -9223372036854775808.0 && r < 9223372036854775808.0; break;
			default: ok = r >= 0 && r < 18446744073709551616.0; break;
			}
			if (!ok) {
				er = r < 0 ? minv[kind] : maxv[kind];
				efl = 0x10;
			} else {
				if (kind == 3)
					er = (uint64_t)r;
				else
					er = (uint64_t)(int64_t)r;
				if (kind == 1)
					er = (uint64_t)(int64_t)(int32_t)(uint32_t)er;
				efl = r != x;
			}
		}
		uint32_t fl = 0;
		uint64_t got = vec_exec(op, rm, a, 0, 0, &fl);
		n_checked++;
		if (got != er || fl != efl)
			fail_line("f2i", op, rm, a, 0, 0, got, fl, er, efl);
	}
}

static void detect_tininess(void)
{
	/* (1-2^-52) * (1+2^-52) 2^-1022 = (1 - 2^-104) 2^-1022: tiny before
	 * rounding, not after. */
	res r = host_d(H_MUL, FE_TONEAREST, 0x3feffffffffffffeULL, 0x0010000000000001ULL, 0);
	x86_tiny_before = (r.fl & 2) != 0;
	printf("host FPU detects tininess %s rounding%s\n", x86_tiny_before ? "before" : "after",
	       x86_tiny_before ? " (RISC-V: after; UF differences at +-min normal are expected)" : "");
}

static void run_host(long nrand)
{
	long before = n_checked;
	vec_rng_state = 0x1234567887654321ULL;
	for (int dbl = 0; dbl < 2; dbl++) {
		int t = dbl ? T_D : T_S;
		int ne = dbl ? (int)N_EDGE_D : (int)N_EDGE_S;
		/* edge x edge for the binary ops, edge^2 x some for fma */
		for (int i = 0; i < ne; i++) {
			uint64_t a = dbl ? vec_edge_d[i] : BOX(vec_edge_s[i]);
			check_host(H_SQRT, dbl, a, 0, 0);
			check_host(dbl ? H_CVT_SD : H_CVT_DS, dbl, a, 0, 0);
			for (int k = 0; k < 4; k++)
				check_f2i(dbl, k, a);
			for (int j = 0; j < ne; j++) {
				uint64_t b = dbl ? vec_edge_d[j] : BOX(vec_edge_s[j]);
				for (int h = H_ADD; h <= H_DIV; h++)
					check_host(h, dbl, a, b, 0);
				for (int h = H_MADD; h <= H_NMADD; h++)
					check_host(h, dbl, a, b, vec_reg(t, vec_edge(t)));
			}
		}
		for (long n = 0; n < nrand; n++) {
			uint64_t x = vec_float(t), y, z;
			int ex = vec_exp_of(t, x), bias = vec_bias(t);
			switch (vec_below(4)) {
			case 0:
				y = vec_near_exp(t, ex);
				break;
			case 1: {
				int target = vec_below(2) ? (int)vec_below((uint64_t)vec_mbits(t) + 4)
							  : vec_emax(t) - 4 + (int)vec_below(6);
				int ey = vec_below(2) ? target - ex + bias : ex - target + bias;
				int sign = (int)vec_below(2);
				y = vec_make(t, sign, ey, vec_mant(vec_mbits(t)));
				break;
			}
			default:
				y = vec_float(t);
				break;
			}
			int ep = vec_exp_of(t, x) + vec_exp_of(t, y) - bias;
			z = vec_below(3) ? vec_near_exp(t, ep) : vec_float(t);
			uint64_t a = vec_reg(t, x), b = vec_reg(t, y), c = vec_reg(t, z);
			for (int h = H_ADD; h <= H_NMADD; h++)
				check_host(h, dbl, a, b, c);
			check_host(dbl ? H_CVT_SD : H_CVT_DS, dbl, a, 0, 0);
			uint64_t ci = vec_reg(t, vec_conv_operand(t));
			for (int k = 0; k < 4; k++)
				check_f2i(dbl, k, ci);
			uint64_t iv = vec_int();
			for (int h = H_I2F_W; h <= H_I2F_LU; h++)
				check_host(h, dbl, iv, 0, 0);
		}
	}
	printf("checked against the host FPU: %ld (x86 underflow-tininess differences "
	       "accounted for: %ld, fma inf*0+qNaN NV: %ld)\n",
	       n_checked - before, n_uf_tininess, n_fma_nan_nv);
}

/* ---- (c) the qemu list ---------------------------------------------------- */

static int compare_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 2;
	}
	char line[256], name[32], rmname[8];
	unsigned long long a, b, c, r;
	unsigned fl;
	long n = 0, bad = 0, lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (sscanf(line, "%31s %7s %llx %llx %llx -> %llx %x", name, rmname, &a, &b, &c,
			   &r, &fl) != 7) {
			printf("%s:%ld: cannot parse: %s", path, lineno, line);
			bad++;
			continue;
		}
		int op = find_op(name), rm = -1;
		for (int i = 0; i < 5; i++)
			if (!strcmp(rmname, vec_rm_name[i]))
				rm = i;
		if (op < 0 || rm < 0) {
			printf("%s:%ld: unknown op or mode: %s", path, lineno, line);
			bad++;
			continue;
		}
		uint32_t gfl;
		uint64_t got = vec_exec(op, rm, a, b, c, &gfl);
		n++;
		if (got != r || gfl != fl) {
			if (++bad <= 50)
				printf("qemu DIFF %s %s %016llx %016llx %016llx: qemu %016llx %02x, "
				       "helpers %016llx %02x\n", name, rmname, a, b, c, r, fl,
				       (unsigned long long)got, gfl);
		}
	}
	fclose(f);
	printf("compared with %s: %ld vectors, %ld differences\n", path, n, bad);
	return bad != 0 || n == 0;
}

/* ---- timing -------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench(void)
{
	enum { N = 1 << 22 };
	static uint64_t va[1024], vb[1024], vc[1024];
	vec_rng_state = 42;
	for (int i = 0; i < 1024; i++) {
		va[i] = vec_make(T_D, 0, 1023 + (int)vec_below(20) - 10, vec_rand());
		vb[i] = vec_make(T_D, (int)vec_below(2), 1023 + (int)vec_below(20) - 10, vec_rand());
		vc[i] = vec_make(T_D, 0, 1023 + (int)vec_below(20) - 10, vec_rand());
	}
	static const struct { const char *name; int op, rm, box; } b[] = {
		{ "fadd.d rne", V_FADD_D, 0, 0 }, { "fadd.d rup", V_FADD_D, 3, 0 },
		{ "fmul.d rne", V_FMUL_D, 0, 0 }, { "fdiv.d rne", V_FDIV_D, 0, 0 },
		{ "fsqrt.d rne", V_FSQRT_D, 0, 0 }, { "fmadd.d rne", V_FMADD_D, 0, 0 },
		{ "fadd.s rne", V_FADD_S, 0, 1 }, { "fmul.s rtz", V_FMUL_S, 1, 1 },
		{ "fdiv.s rne", V_FDIV_S, 0, 1 }, { "fmadd.s rne", V_FMADD_S, 0, 1 },
		{ "fcvt.w.d rtz", V_FCVT_W_D, 1, 0 }, { "fcvt.d.l rne", V_FCVT_D_L, 0, 0 },
	};
	for (size_t k = 0; k < sizeof b / sizeof b[0]; k++) {
		uint64_t acc = 0;
		uint32_t fl = 0;
		double t0 = now();
		for (int i = 0; i < N; i++) {
			uint64_t x = va[i & 1023], y = vb[(i >> 3) & 1023], z = vc[(i >> 5) & 1023];
			if (b[k].box) {
				float fx = (float)u2d(x), fy = (float)u2d(y), fz = (float)u2d(z);
				x = BOX(f2u(fx)), y = BOX(f2u(fy)), z = BOX(f2u(fz));
			}
			acc += vec_exec(b[k].op, b[k].rm, x, y, z, &fl);
		}
		double t = now() - t0;
		printf("%-14s %6.1f ns/op (%llx)\n", b[k].name, t / N * 1e9, (unsigned long long)(acc & 0xf));
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--vectors")) {
		vec_run(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--compare"))
		return compare_file(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--bench")) {
		bench();
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--vectors | --compare FILE | --bench]\n", argv[0]);
		return 2;
	}
	run_hand();
	detect_tininess();
	run_host(200000);
	printf("%s: %ld checks, %ld failures\n", n_fail ? "FAIL" : "PASS", n_checked, n_fail);
	return n_fail != 0;
}
