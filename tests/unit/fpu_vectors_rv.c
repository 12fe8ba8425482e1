/* Differential vectors for the F and D helpers (runtime/fpu.c).
 *
 * One deterministic list of operations, printed one per line as
 *
 *     mnemonic rm a b c -> result fflags
 *
 * (operands and result as raw 64-bit register values, hex). Built for
 * riscv64, the operations run as real instructions with a static rounding
 * mode, under qemu-riscv64 (the reference):
 *
 *     riscv64-linux-gnu-gcc -static -O1 -o fpu_vectors_rv tests/unit/fpu_vectors_rv.c
 *     qemu-riscv64 ./fpu_vectors_rv > qemu.txt
 *
 * tests/unit/fpu_test.c includes this file with FPU_VECTORS_HOST defined and
 * its own vec_exec() (which calls the rv_f* helpers), so `fpu_test
 * --vectors` prints the same list computed by the helpers; the two outputs
 * must be identical. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Operand shapes: F = float register, X = integer register, R = takes a
 * static rounding mode. */
enum {
	K_FFR,   /* fd = op(fs1, fs2, rm) */
	K_FFFR,  /* fd = op(fs1, fs2, fs3, rm) */
	K_FR,    /* fd = op(fs1, rm) */
	K_F,     /* fd = op(fs1): exact conversion, no rm in the encoding */
	K_FF,    /* fd = op(fs1, fs2), may set fflags (fmin, fmax) */
	K_FFN,   /* fd = op(fs1, fs2), never sets fflags (fsgnj*) */
	K_XFF,   /* rd = op(fs1, fs2) */
	K_XF,    /* rd = op(fs1), no fflags (fclass) */
	K_XFR,   /* rd = op(fs1, rm) */
	K_FXR,   /* fd = op(rs1, rm) */
	K_FX,    /* fd = op(rs1): exact, no rm */
};

/* Operand classes, for the generator: S/D float, I32 / I64 integer. */
enum { T_S, T_D, T_I };

/* X(ENUM, "mnemonic", kind, operand type, helper) */
#define VEC_OPS(X) \
	X(FADD_S,   "fadd.s",    K_FFR,  T_S, rv_fadd_s) \
	X(FSUB_S,   "fsub.s",    K_FFR,  T_S, rv_fsub_s) \
	X(FMUL_S,   "fmul.s",    K_FFR,  T_S, rv_fmul_s) \
	X(FDIV_S,   "fdiv.s",    K_FFR,  T_S, rv_fdiv_s) \
	X(FSQRT_S,  "fsqrt.s",   K_FR,   T_S, rv_fsqrt_s) \
	X(FMADD_S,  "fmadd.s",   K_FFFR, T_S, rv_fmadd_s) \
	X(FMSUB_S,  "fmsub.s",   K_FFFR, T_S, rv_fmsub_s) \
	X(FNMSUB_S, "fnmsub.s",  K_FFFR, T_S, rv_fnmsub_s) \
	X(FNMADD_S, "fnmadd.s",  K_FFFR, T_S, rv_fnmadd_s) \
	X(FMIN_S,   "fmin.s",    K_FF,   T_S, rv_fmin_s) \
	X(FMAX_S,   "fmax.s",    K_FF,   T_S, rv_fmax_s) \
	X(FSGNJ_S,  "fsgnj.s",   K_FFN,  T_S, rv_fsgnj_s) \
	X(FSGNJN_S, "fsgnjn.s",  K_FFN,  T_S, rv_fsgnjn_s) \
	X(FSGNJX_S, "fsgnjx.s",  K_FFN,  T_S, rv_fsgnjx_s) \
	X(FEQ_S,    "feq.s",     K_XFF,  T_S, rv_feq_s) \
	X(FLT_S,    "flt.s",     K_XFF,  T_S, rv_flt_s) \
	X(FLE_S,    "fle.s",     K_XFF,  T_S, rv_fle_s) \
	X(FCLASS_S, "fclass.s",  K_XF,   T_S, rv_fclass_s) \
	X(FCVT_W_S, "fcvt.w.s",  K_XFR,  T_S, rv_fcvt_w_s) \
	X(FCVT_WU_S,"fcvt.wu.s", K_XFR,  T_S, rv_fcvt_wu_s) \
	X(FCVT_L_S, "fcvt.l.s",  K_XFR,  T_S, rv_fcvt_l_s) \
	X(FCVT_LU_S,"fcvt.lu.s", K_XFR,  T_S, rv_fcvt_lu_s) \
	X(FCVT_S_W, "fcvt.s.w",  K_FXR,  T_I, rv_fcvt_s_w) \
	X(FCVT_S_WU,"fcvt.s.wu", K_FXR,  T_I, rv_fcvt_s_wu) \
	X(FCVT_S_L, "fcvt.s.l",  K_FXR,  T_I, rv_fcvt_s_l) \
	X(FCVT_S_LU,"fcvt.s.lu", K_FXR,  T_I, rv_fcvt_s_lu) \
	X(FCVT_S_D, "fcvt.s.d",  K_FR,   T_D, rv_fcvt_s_d) \
	X(FCVT_D_S, "fcvt.d.s",  K_F,    T_S, rv_fcvt_d_s) \
	X(FADD_D,   "fadd.d",    K_FFR,  T_D, rv_fadd_d) \
	X(FSUB_D,   "fsub.d",    K_FFR,  T_D, rv_fsub_d) \
	X(FMUL_D,   "fmul.d",    K_FFR,  T_D, rv_fmul_d) \
	X(FDIV_D,   "fdiv.d",    K_FFR,  T_D, rv_fdiv_d) \
	X(FSQRT_D,  "fsqrt.d",   K_FR,   T_D, rv_fsqrt_d) \
	X(FMADD_D,  "fmadd.d",   K_FFFR, T_D, rv_fmadd_d) \
	X(FMSUB_D,  "fmsub.d",   K_FFFR, T_D, rv_fmsub_d) \
	X(FNMSUB_D, "fnmsub.d",  K_FFFR, T_D, rv_fnmsub_d) \
	X(FNMADD_D, "fnmadd.d",  K_FFFR, T_D, rv_fnmadd_d) \
	X(FMIN_D,   "fmin.d",    K_FF,   T_D, rv_fmin_d) \
	X(FMAX_D,   "fmax.d",    K_FF,   T_D, rv_fmax_d) \
	X(FSGNJ_D,  "fsgnj.d",   K_FFN,  T_D, rv_fsgnj_d) \
	X(FSGNJN_D, "fsgnjn.d",  K_FFN,  T_D, rv_fsgnjn_d) \
	X(FSGNJX_D, "fsgnjx.d",  K_FFN,  T_D, rv_fsgnjx_d) \
	X(FEQ_D,    "feq.d",     K_XFF,  T_D, rv_feq_d) \
	X(FLT_D,    "flt.d",     K_XFF,  T_D, rv_flt_d) \
	X(FLE_D,    "fle.d",     K_XFF,  T_D, rv_fle_d) \
	X(FCLASS_D, "fclass.d",  K_XF,   T_D, rv_fclass_d) \
	X(FCVT_W_D, "fcvt.w.d",  K_XFR,  T_D, rv_fcvt_w_d) \
	X(FCVT_WU_D,"fcvt.wu.d", K_XFR,  T_D, rv_fcvt_wu_d) \
	X(FCVT_L_D, "fcvt.l.d",  K_XFR,  T_D, rv_fcvt_l_d) \
	X(FCVT_LU_D,"fcvt.lu.d", K_XFR,  T_D, rv_fcvt_lu_d) \
	X(FCVT_D_W, "fcvt.d.w",  K_FX,   T_I, rv_fcvt_d_w) \
	X(FCVT_D_WU,"fcvt.d.wu", K_FX,   T_I, rv_fcvt_d_wu) \
	X(FCVT_D_L, "fcvt.d.l",  K_FXR,  T_I, rv_fcvt_d_l) \
	X(FCVT_D_LU,"fcvt.d.lu", K_FXR,  T_I, rv_fcvt_d_lu)

enum vec_op {
#define X(E, M, K, T, H) V_##E,
	VEC_OPS(X)
#undef X
	V_COUNT
};

static const struct { const char *name; int kind, type; } vec_ops[] = {
#define X(E, M, K, T, H) { M, K, T },
	VEC_OPS(X)
#undef X
};

static const char *const vec_rm_name[5] = { "rne", "rtz", "rdn", "rup", "rmm" };

/* Implemented below for riscv64 (inline asm), or by fpu_test.c. */
static uint64_t vec_exec(int op, int rm, uint64_t a, uint64_t b, uint64_t c,
			 uint32_t *fflags);

#ifndef FPU_VECTORS_HOST

#if !defined(__riscv) || __riscv_xlen != 64
#error "build this file with riscv64-linux-gnu-gcc (or include it with FPU_VECTORS_HOST)"
#endif

#define PRE "fmv.d.x ft0,%2\n\tfmv.d.x ft1,%3\n\tfmv.d.x ft2,%4\n\tfsflags zero\n\t"
#define POST_F "\n\tfmv.x.d %0,ft3\n\tfrflags %1"
#define POST_X "\n\tfrflags %1"
#define IO : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"

#define A_FFR(I, RM)  __asm__ volatile(PRE I " ft3,ft0,ft1," RM POST_F IO)
#define A_FFFR(I, RM) __asm__ volatile(PRE I " ft3,ft0,ft1,ft2," RM POST_F IO)
#define A_FR(I, RM)   __asm__ volatile(PRE I " ft3,ft0," RM POST_F IO)
#define A_F(I, RM)    __asm__ volatile(PRE I " ft3,ft0" POST_F IO)
#define A_FF(I, RM)   __asm__ volatile(PRE I " ft3,ft0,ft1" POST_F IO)
#define A_XFF(I, RM)  __asm__ volatile(PRE I " %0,ft0,ft1" POST_X IO)
#define A_XF(I, RM)   __asm__ volatile(PRE I " %0,ft0" POST_X IO)
#define A_XFR(I, RM)  __asm__ volatile(PRE I " %0,ft0," RM POST_X IO)
#define A_FXR(I, RM)  __asm__ volatile(PRE I " ft3,%2," RM POST_F IO)
#define A_FX(I, RM)   __asm__ volatile(PRE I " ft3,%2" POST_F IO)

#define SW_RM(A, I) \
	switch (rm) { \
	case 0: A(I, "rne"); break; \
	case 1: A(I, "rtz"); break; \
	case 2: A(I, "rdn"); break; \
	case 3: A(I, "rup"); break; \
	default: A(I, "rmm"); break; \
	}

#define A_K_FFR  A_FFR
#define A_K_FFFR A_FFFR
#define A_K_FR   A_FR
#define A_K_F    A_F
#define A_K_FF   A_FF
#define A_K_FFN  A_FF
#define A_K_XFF  A_XFF
#define A_K_XF   A_XF
#define A_K_XFR  A_XFR
#define A_K_FXR  A_FXR
#define A_K_FX   A_FX

static uint64_t vec_exec(int op, int rm, uint64_t a, uint64_t b, uint64_t c,
			 uint32_t *fflags)
{
	uint64_t r = 0, f = 0;
	switch (op) {
#define X(E, M, K, T, H) case V_##E: SW_RM(A_##K, M) break;
	VEC_OPS(X)
#undef X
	}
	*fflags = (uint32_t)f;
	return r;
}

#endif /* !FPU_VECTORS_HOST */

/* ---- the operand generator ----------------------------------------------- */

static uint64_t vec_rng_state;

static uint64_t vec_rand(void)
{
	/* xorshift64*: the same stream on every host */
	uint64_t x = vec_rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	vec_rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t vec_below(uint64_t n) { return vec_rand() % n; }

static const uint64_t vec_edge_d[] = {
	0x0000000000000000ULL, 0x8000000000000000ULL, /* +-0 */
	0x0000000000000001ULL, 0x8000000000000001ULL, /* +-min subnormal */
	0x0000000000000003ULL, 0x000fffffffffffffULL, /* 3*min, max subnormal */
	0x800fffffffffffffULL, 0x0008000000000000ULL,
	0x0010000000000000ULL, 0x8010000000000000ULL, /* +-min normal */
	0x0010000000000001ULL, 0x001fffffffffffffULL,
	0x0020000000000000ULL, 0x3ca0000000000000ULL, /* 2^-53 */
	0x3cb0000000000000ULL, 0x3fe0000000000000ULL, /* 2^-52, 0.5 */
	0x3fefffffffffffffULL, 0x3ff0000000000000ULL, /* 1-ulp, 1 */
	0xbff0000000000000ULL, 0x3ff0000000000001ULL, /* -1, 1+ulp */
	0x3ff8000000000000ULL, 0xbff8000000000000ULL, /* +-1.5 */
	0x4000000000000000ULL, 0x4008000000000000ULL, /* 2, 3 */
	0x3fb999999999999aULL, 0x3fd5555555555555ULL, /* 0.1, 1/3 */
	0x400921fb54442d18ULL, 0x3ff6a09e667f3bcdULL, /* pi, sqrt2 */
	0x41dfffffffc00000ULL, 0x41e0000000000000ULL, /* 2^31-1, 2^31 */
	0xc1e0000000000000ULL, 0x41efffffffe00000ULL, /* -2^31, 2^32-1 */
	0x43e0000000000000ULL, 0x43f0000000000000ULL, /* 2^63, 2^64 */
	0x7fe0000000000000ULL, 0x7fefffffffffffffULL, /* 2^1023, max */
	0xffefffffffffffffULL, 0x7fdfffffffffffffULL,
	0x7ff0000000000000ULL, 0xfff0000000000000ULL, /* +-inf */
	0x7ff8000000000000ULL, 0xfff8000000000000ULL, /* qNaN, -qNaN */
	0x7ff0000000000001ULL, 0x7ff4000000000000ULL, /* sNaNs */
	0x7ffc000000000123ULL,                        /* qNaN with payload */
};

static const uint32_t vec_edge_s[] = {
	0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x00000003,
	0x007fffff, 0x807fffff, 0x00400000, 0x00800000, 0x80800000,
	0x00800001, 0x00ffffff, 0x01000000, 0x33800000, 0x34000000,
	0x3f000000, 0x3f7fffff, 0x3f800000, 0xbf800000, 0x3f800001,
	0x3fc00000, 0xbfc00000, 0x40000000, 0x40400000, 0x3dcccccd,
	0x3eaaaaab, 0x40490fdb, 0x3fb504f3, 0x4effffff, 0x4f000000,
	0xcf000000, 0x4f7fffff, 0x4f800000, 0x5f000000, 0x5f800000,
	0x7f000000, 0x7f7fffff, 0xff7fffff, 0x7effffff, 0x7f800000,
	0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000,
	0x7fc00123,
};

#define N_EDGE_D (sizeof vec_edge_d / sizeof vec_edge_d[0])
#define N_EDGE_S (sizeof vec_edge_s / sizeof vec_edge_s[0])

/* A mantissa of `bits` bits with a random shape: uniform, sparse (few ones,
 * which makes products short and ties likely), dense, or a run. */
static uint64_t vec_mant(int bits)
{
	uint64_t m = vec_rand(), mask = (1ULL << bits) - 1;
	switch (vec_below(6)) {
	case 0: m &= vec_rand() & vec_rand(); break;          /* sparse */
	case 1: m |= vec_rand() | vec_rand(); break;          /* dense */
	case 2: m = mask << vec_below((uint64_t)bits); break; /* high ones */
	case 3:
		m = 1ULL << vec_below((uint64_t)bits);
		m |= vec_below(2);
		break;
	case 4: m = mask >> vec_below((uint64_t)bits); break; /* low ones */
	default: break;
	}
	return m & mask;
}

/* A float of type t (T_S or T_D) with biased exponent `e` (clamped).
 * (The generator never makes two vec_rand() calls in one expression whose
 * order C leaves open: the stream must be the same on every compiler.) */
static uint64_t vec_make(int t, int sign, int e, uint64_t mant)
{
	if (t == T_D) {
		if (e < 0) e = 0;
		if (e > 0x7ff) e = 0x7ff;
		return (uint64_t)sign << 63 | (uint64_t)e << 52 | (mant & ((1ULL << 52) - 1));
	}
	if (e < 0) e = 0;
	if (e > 0xff) e = 0xff;
	return (uint64_t)sign << 31 | (uint64_t)e << 23 | (mant & ((1ULL << 23) - 1));
}

static int vec_bias(int t) { return t == T_D ? 1023 : 127; }
static int vec_mbits(int t) { return t == T_D ? 52 : 23; }
static int vec_emax(int t) { return t == T_D ? 0x7ff : 0xff; }

static uint64_t vec_edge(int t)
{
	return t == T_D ? vec_edge_d[vec_below(N_EDGE_D)] : vec_edge_s[vec_below(N_EDGE_S)];
}

/* A random float: mostly moderate exponents, but also near the subnormal
 * and overflow ranges, near integers, and specials. */
static uint64_t vec_float(int t)
{
	int mb = vec_mbits(t), bias = vec_bias(t), emax = vec_emax(t);
	int sign = (int)vec_below(2), e;
	switch (vec_below(10)) {
	case 0: return vec_rand() & (t == T_D ? ~0ULL : 0xffffffffULL);
	case 1: e = (int)vec_below(mb + 4); break;
	case 2: e = emax - 1 - (int)vec_below(mb + 4); break;
	case 3: return vec_edge(t);
	case 4: e = bias + (int)vec_below(66); break;   /* integer-ish values */
	default: e = bias - 20 + (int)vec_below(41); break;
	}
	return vec_make(t, sign, e, vec_mant(mb));
}

/* A float whose exponent is `e` (biased) shifted by a small random amount:
 * makes sums whose operands overlap, cancel, or sit at half an ulp. */
static uint64_t vec_near_exp(int t, int e)
{
	int mb = vec_mbits(t);
	int d = (int)vec_below((uint64_t)mb + 8) - 3;
	int sign = (int)vec_below(2);
	return vec_make(t, sign, e - d, vec_mant(mb));
}

static int vec_exp_of(int t, uint64_t v)
{
	return t == T_D ? (int)((v >> 52) & 0x7ff) : (int)((v >> 23) & 0xff);
}

/* Box a single for a register, now and then with a bad box (which the
 * instruction must read as the canonical NaN). */
static uint64_t vec_reg(int t, uint64_t v)
{
	if (t != T_S)
		return v;
	if (vec_below(64) == 0)
		return (vec_rand() << 32) | (uint32_t)v;
	return 0xffffffff00000000ULL | (uint32_t)v;
}

static uint64_t vec_int(void)
{
	uint64_t r = vec_rand(), sh;
	switch (vec_below(6)) {
	case 0: return r;
	case 1: sh = vec_below(64); return r >> sh;
	case 2: sh = vec_below(64); return -(r >> sh);
	case 3: { /* a few ones spread out: ties when converting */
		int hi = (int)vec_below(64);
		uint64_t v = 1ULL << hi;
		if (hi > 0) v |= 1ULL << vec_below((uint64_t)hi);
		if (hi > 1) v |= 1ULL << vec_below((uint64_t)hi);
		return vec_below(2) ? v : -v;
	}
	case 4: {
		static const uint64_t e[] = { 0, 1, ~0ULL, 0x7fffffff, 0x80000000,
			0xffffffff, 0xffffffff80000000ULL, 0x100000000ULL, 0x1000001,
			0x1000003, 0x20000000000001ULL, 0x20000000000003ULL,
			0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffffbffULL,
			0x7ffffffffffffdffULL, 0x7ffffe00, 0x7fffff80, 0xffffff80 };
		return e[vec_below(sizeof e / sizeof e[0])];
	}
	default: return (uint64_t)(int64_t)(int32_t)vec_rand();
	}
}

/* Values around integers and the conversion limits, for fcvt to integer. */
static uint64_t vec_conv_operand(int t)
{
	if (vec_below(3))
		return vec_float(t);
	static const double base[] = { 0, 1, 2, 3, 100, 2147483647.0, 2147483648.0,
		4294967295.0, 4294967296.0, 9223372036854775807.0, 18446744073709551615.0,
		16777216.0, 9007199254740992.0 };
	static const double frac[] = { 0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75,
		1.5, -1.5, 1e-9, -1e-9, 0.3, -0.3, -1, 1 };
	double v = base[vec_below(sizeof base / sizeof base[0])];
	v += frac[vec_below(sizeof frac / sizeof frac[0])];
	if (vec_below(2))
		v = -v;
	if (t == T_S) {
		float fv = (float)v;
		uint32_t u;
		memcpy(&u, &fv, 4);
		if (vec_below(3) == 0)   /* a neighbour */
			u += (uint32_t)vec_below(3) - 1;
		return u;
	}
	uint64_t u;
	memcpy(&u, &v, 8);
	if (vec_below(3) == 0)
		u += vec_below(3) - 1;
	return u;
}

static void vec_emit(FILE *out, int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
	uint32_t fl = 0;
	uint64_t r = vec_exec(op, rm, a, b, c, &fl);
	fprintf(out, "%s %s %016llx %016llx %016llx -> %016llx %02x\n",
		vec_ops[op].name, vec_rm_name[rm], (unsigned long long)a,
		(unsigned long long)b, (unsigned long long)c, (unsigned long long)r, fl);
}

/* Number of random operand tuples per operation (edge cases come on top);
 * each tuple is run in every rounding mode the operation has. */
#ifndef VEC_RANDOM
#define VEC_RANDOM 3000
#endif

static long vec_emit_modes(FILE *out, int op, int nrm, uint64_t a, uint64_t b, uint64_t c)
{
	for (int rm = 0; rm < nrm; rm++)
		vec_emit(out, op, rm, a, b, c);
	return nrm;
}

/* A random operand tuple for operation kind k on type t. */
static void vec_tuple(int k, int t, uint64_t *a, uint64_t *b, uint64_t *c)
{
	*b = *c = 0;
	if (t == T_I) {
		*a = vec_int();
		return;
	}
	if (k == K_XFR) {
		*a = vec_reg(t, vec_conv_operand(t));
		return;
	}
	uint64_t x = vec_float(t), y, z;
	int ex = vec_exp_of(t, x), bias = vec_bias(t);
	switch (vec_below(4)) {
	case 0: /* same neighbourhood: cancellation, ties */
		y = vec_near_exp(t, ex);
		break;
	case 1: { /* product or quotient near the ends of the range */
		int target = vec_below(2) ? (int)vec_below((uint64_t)vec_mbits(t) + 4)
					  : vec_emax(t) - 4 + (int)vec_below(6);
		int ey = vec_below(2) ? target - ex + bias    /* x*y */
				      : ex - target + bias;   /* x/y */
		int sign = (int)vec_below(2);
		y = vec_make(t, sign, ey, vec_mant(vec_mbits(t)));
		break;
	}
	default:
		y = vec_float(t);
		break;
	}
	/* an addend near the product's magnitude */
	int ep = vec_exp_of(t, x) + vec_exp_of(t, y) - bias;
	z = vec_below(3) ? vec_near_exp(t, ep) : vec_float(t);
	*a = vec_reg(t, x);
	*b = vec_reg(t, y);
	*c = vec_reg(t, z);
}

/* Print the whole list; returns the number of lines. */
static long vec_run(FILE *out)
{
	long n = 0;
	for (int op = 0; op < V_COUNT; op++) {
		int k = vec_ops[op].kind, t = vec_ops[op].type;
		int has_rm = k == K_FFR || k == K_FFFR || k == K_FR || k == K_XFR ||
			     k == K_FXR || k == K_F || k == K_FX;
		int nrm = has_rm ? 5 : 1;
		uint64_t a, b, c;
		vec_rng_state = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)op << 32);
		/* edge cases: each one (unary), every pair (binary), every pair
		 * with two random edge addends (fused) */
		if (t != T_I) {
			int ne = t == T_D ? (int)N_EDGE_D : (int)N_EDGE_S;
			for (int i = 0; i < ne; i++) {
				a = t == T_D ? vec_edge_d[i] : 0xffffffff00000000ULL | vec_edge_s[i];
				if (k == K_FR || k == K_F || k == K_XF || k == K_XFR) {
					n += vec_emit_modes(out, op, nrm, a, 0, 0);
					continue;
				}
				for (int j = 0; j < ne; j++) {
					b = t == T_D ? vec_edge_d[j] : 0xffffffff00000000ULL | vec_edge_s[j];
					if (k != K_FFFR) {
						n += vec_emit_modes(out, op, nrm, a, b, 0);
						continue;
					}
					for (int l = 0; l < 2; l++) {
						c = vec_reg(t, vec_edge(t));
						n += vec_emit_modes(out, op, nrm, a, b, c);
					}
				}
			}
		}
		for (int i = 0; i < VEC_RANDOM; i++) {
			vec_tuple(k, t, &a, &b, &c);
			n += vec_emit_modes(out, op, nrm, a, b, c);
		}
	}
	return n;
}

#ifndef FPU_VECTORS_HOST
int main(void)
{
	vec_run(stdout);
	return 0;
}
#endif
