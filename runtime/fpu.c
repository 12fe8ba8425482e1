/* RISC-V F and D arithmetic without a host floating-point environment.
 * See rv_fpu.h for the contract; this comment says how it is done.
 *
 * The host (native x86-64 or wasm) is only trusted to compute + - * / and
 * sqrt of doubles correctly rounded to nearest-even, and to convert between
 * float and double the same way. Everything else (directed rounding, RMM,
 * the five flags, NaN canonicalisation) is derived here, two ways:
 *
 *  - The integer core (add_core .. f2i) does each operation on integer
 *    significands (64-bit, 128-bit where a product or quotient needs it) and
 *    rounds once, in round_pack, which knows every rounding mode, detects
 *    tininess after rounding (as RISC-V does) and saturates on overflow.
 *    It handles every operand, and is the whole implementation when built
 *    with -DRV_FPU_SLOW_ONLY (the tests build it both ways).
 *
 *  - Fast paths, taken when operands and result are well inside the normal
 *    range (so no overflow or underflow can happen). A double operation is
 *    done by the host in round-to-nearest-even and its exact error is
 *    computed with error-free transformations: TwoSum for add, Dekker's
 *    TwoProduct (no fma: wasm has none) for mul, the residual a - q*b for
 *    div and a - r*r for sqrt, both for fma (see fma_d). A zero error means
 *    the result is exact in every mode; otherwise NX, and a directed mode
 *    steps the result one ulp (in the bit pattern) when the error's sign asks
 *    for it. RMM differs from RNE only on an exact tie, which can only happen
 *    for add and mul (a quotient or a square root of normal numbers is never
 *    a midpoint; fma_d leaves ties to the core). Anything the fast path
 *    cannot settle goes to the integer core, so the fast paths only decide
 *    how fast, never what. A single-precision operation is done in double, where it is
 *    exact (mul), exact or exact up to a known error term (add, fma: TwoSum),
 *    or close enough that no double rounding can occur (div, sqrt: a quotient
 *    or root of 24-bit numbers is either exact or at least 2^-49 relatively
 *    away from every 25-bit number, and the host's double is 2^-53 close),
 *    and then rounded to single by d2s.
 *
 * Everything here depends on the host being in round-to-nearest mode with
 * no excess precision (FLT_EVAL_METHOD 0) and no contraction of a*b+c into
 * an fma (the error terms rely on each operation being rounded): true of
 * wasm, and of x86-64 SSE2 with gcc -std=c11 (which does not contract).
 * Native links need -lm (sqrt); unsigned __int128 needs gcc or clang (wasm32
 * gets it from compiler-rt). Tested by tests/unit/fpu_test.c against the
 * host FPU and, instruction by instruction, against qemu-riscv64. */
#include "rv_fpu.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#if FLT_EVAL_METHOD != 0
#error "fpu.c needs FLT_EVAL_METHOD == 0 (SSE2 or wasm floating point)"
#endif
/* No fused multiply-add contraction: the error-free transformations need
 * every product rounded. The pragmas hold against gcc's -std=gnu11 default
 * (-ffp-contract=fast) and clang's default; clang -ffp-contract=fast
 * overrides its pragma, so never build this file with it. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

__extension__ typedef unsigned __int128 u128;

#define SIGN_D 0x8000000000000000ULL
#define SIGN_S 0x80000000u
#define CNAN_D 0x7ff8000000000000ULL
#define CNAN_S 0x7fc00000u

#define NX RV_FFLAG_NX
#define UF RV_FFLAG_UF
#define OF RV_FFLAG_OF
#define DZ RV_FFLAG_DZ
#define NV RV_FFLAG_NV

#ifdef RV_FPU_SLOW_ONLY
#define FAST 0
#else
#define FAST 1
#endif

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#else
#define likely(x) (x)
#endif

/* ---- bits ---------------------------------------------------------------- */

static inline double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static inline float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static inline unsigned exp_d(uint64_t u) { return (u >> 52) & 0x7ff; }
static inline unsigned exp_s(uint32_t u) { return (u >> 23) & 0xff; }

static inline uint32_t unbox(uint64_t a) { return rv_unbox_s(a); }

static inline int clz64(uint64_t x) { return __builtin_clzll(x); } /* x != 0 */
static inline int msb64(uint64_t x) { return 63 - clz64(x); }
static inline int msb128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);
	return hi ? 64 + msb64(hi) : msb64((uint64_t)x);
}

/* Shift right, OR-ing every bit shifted out into bit 0 ("jamming"), so the
 * result still tells exact from inexact and which side of a half it is on. */
static inline uint64_t shr_jam64(uint64_t x, int n)
{
	if (n <= 0)
		return x;
	if (n >= 64)
		return x != 0;
	return (x >> n) | ((x & ((1ULL << n) - 1)) != 0);
}

static inline u128 shr_jam128(u128 x, int n)
{
	if (n <= 0)
		return x;
	if (n >= 128)
		return x != 0;
	return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/* ---- formats, unpacking, rounding ---------------------------------------- */

typedef struct fmt {
	int width, mbits, emin, emax, bias;
	unsigned emask;   /* all-ones biased exponent */
	uint64_t cnan;
} fmt;

static const fmt F32 = { 32, 23, -126, 127, 127, 0xff, CNAN_S };
static const fmt F64 = { 64, 52, -1022, 1023, 1023, 0x7ff, CNAN_D };

enum { CL_ZERO, CL_FIN, CL_INF, CL_QNAN, CL_SNAN };

/* A finite value is (-1)^sign * sig * 2^x. */
typedef struct fp {
	int cls, sign, x;
	uint64_t sig;
} fp;

static inline uint64_t signbit_of(const fmt *f) { return 1ULL << (f->width - 1); }

static fp unpack(const fmt *f, uint64_t bits)
{
	fp r;
	uint64_t m = bits & ((1ULL << f->mbits) - 1);
	unsigned be = (bits >> f->mbits) & f->emask;

	r.sign = (bits >> (f->width - 1)) & 1;
	r.sig = m;
	r.x = f->emin - f->mbits;
	if (be == f->emask)
		r.cls = !m ? CL_INF : (m >> (f->mbits - 1)) ? CL_QNAN : CL_SNAN;
	else if (be == 0)
		r.cls = m ? CL_FIN : CL_ZERO;
	else {
		r.cls = CL_FIN;
		r.sig = m | (1ULL << f->mbits);
		r.x = (int)be - f->bias - f->mbits;
	}
	return r;
}

static inline int is_nan(const fp *p) { return p->cls >= CL_QNAN; }

/* Move the leading one of a finite nonzero value to bit `at`. */
static inline void norm(fp *p, int at)
{
	int sh = at - msb64(p->sig);
	p->sig = sh >= 0 ? p->sig << sh : p->sig >> -sh;
	p->x -= sh;
}

static inline uint64_t pack(const fmt *f, int sign, uint64_t bexp, uint64_t mant)
{
	return ((uint64_t)sign << (f->width - 1)) | (bexp << f->mbits) | mant;
}

static inline uint64_t inf_of(const fmt *f, int sign)
{
	return pack(f, sign, f->emask, 0);
}

/* Does rounding mode rm round a magnitude up, given the discarded part `rem`
 * (nonzero), the value of one half of the last kept place, and that place's
 * parity? */
static inline int round_up(int rm, int sign, uint64_t rem, uint64_t half, int odd)
{
	switch (rm) {
	case RV_RTZ: return 0;
	case RV_RDN: return sign;
	case RV_RUP: return !sign;
	case RV_RMM: return rem >= half;
	default:     return rem > half || (rem == half && odd);
	}
}

/* Round (-1)^sign * sig * 2^x to format f in mode rm, setting flags. Any
 * sig is accepted; bit 0 may be a sticky bit as long as the value has at
 * least two bits below the result's last place, which holds for every
 * caller (they supply 61+ significant bit positions). */
static uint64_t round_pack(const fmt *f, int sign, int x, uint64_t sig, int rm,
			   uint32_t *fflags)
{
	if (!sig)
		return pack(f, sign, 0, 0);
	int lz = clz64(sig);
	if (lz == 0) {
		sig = (sig >> 1) | (sig & 1);
		x += 1;
	} else {
		sig <<= lz - 1;
		x -= lz - 1;
	}
	/* now sig is in [2^62, 2^63): the value is in [2^e, 2^(e+1)) */
	int e = x + 62;
	int rb = 62 - f->mbits;
	uint64_t rmask = (1ULL << rb) - 1, half = 1ULL << (rb - 1);
	int tiny = 0;

	if (e < f->emin) {
		/* Tininess after rounding: tiny unless rounding to the full
		 * precision with an unbounded exponent carries up to 2^emin. */
		tiny = 1;
		if (e == f->emin - 1 && (sig >> rb) == (1ULL << (f->mbits + 1)) - 1 &&
		    (sig & rmask) && round_up(rm, sign, sig & rmask, half, 1))
			tiny = 0;
		sig = shr_jam64(sig, f->emin - e);
		e = f->emin;
	}
	uint64_t rem = sig & rmask, m = sig >> rb;
	if (rem) {
		*fflags |= tiny ? (NX | UF) : NX;
		m += round_up(rm, sign, rem, half, m & 1);
		if (m >> (f->mbits + 1)) {
			m >>= 1;
			e++;
		}
	}
	if (e > f->emax) {
		*fflags |= OF | NX;
		int to_inf = rm == RV_RNE || rm == RV_RMM ||
			     (rm == RV_RDN && sign) || (rm == RV_RUP && !sign);
		return to_inf ? inf_of(f, sign)
			      : pack(f, sign, f->emask - 1, (1ULL << f->mbits) - 1);
	}
	if (m < (1ULL << f->mbits))   /* subnormal or zero */
		return pack(f, sign, 0, m);
	return pack(f, sign, (uint64_t)(e + f->bias), m & ((1ULL << f->mbits) - 1));
}

/* Round a 128-bit significand: reduce it to 64 bits with a sticky bit. */
static uint64_t round_pack128(const fmt *f, int sign, int x, u128 sig, int rm,
			      uint32_t *fflags)
{
	if (sig >> 64) {
		int sh = msb128(sig) - 62;
		sig = shr_jam128(sig, sh);
		x += sh;
	}
	return round_pack(f, sign, x, (uint64_t)sig, rm, fflags);
}

/* The result of an operation with a NaN operand: canonical NaN, NV if one
 * of them signals. */
static uint64_t nan_result(const fmt *f, const fp *a, const fp *b, const fp *c,
			   uint32_t *fflags)
{
	if (a->cls == CL_SNAN || (b && b->cls == CL_SNAN) || (c && c->cls == CL_SNAN))
		*fflags |= NV;
	return f->cnan;
}

static inline uint64_t invalid(const fmt *f, uint32_t *fflags)
{
	*fflags |= NV;
	return f->cnan;
}

/* An exact zero sum of x and y: x's sign if both are zeros of one sign,
 * otherwise +0 (-0 when rounding down). */
static inline int zero_sum_sign(int both_zero_same_sign, int sign, int rm)
{
	return both_zero_same_sign ? sign : rm == RV_RDN;
}

/* ---- integer core: add, mul, div, sqrt, fma ------------------------------ */

static uint64_t add_core(const fmt *f, uint64_t abits, uint64_t bbits, int rm,
			 uint32_t *fflags)
{
	fp a = unpack(f, abits), b = unpack(f, bbits);

	if (is_nan(&a) || is_nan(&b))
		return nan_result(f, &a, &b, NULL, fflags);
	if (a.cls == CL_INF) {
		if (b.cls == CL_INF && a.sign != b.sign)
			return invalid(f, fflags);
		return abits;
	}
	if (b.cls == CL_INF)
		return bbits;
	if (a.cls == CL_ZERO) {
		if (b.cls == CL_ZERO)
			return pack(f, zero_sum_sign(a.sign == b.sign, a.sign, rm), 0, 0);
		return bbits;
	}
	if (b.cls == CL_ZERO)
		return abits;

	norm(&a, 61);
	norm(&b, 61);
	if (a.x < b.x) {
		fp t = a;
		a = b;
		b = t;
	}
	b.sig = shr_jam64(b.sig, a.x - b.x);
	uint64_t sig;
	int sign = a.sign;
	if (a.sign == b.sign)
		sig = a.sig + b.sig;
	else if (a.sig >= b.sig)
		sig = a.sig - b.sig;
	else {
		sig = b.sig - a.sig;
		sign = b.sign;
	}
	if (!sig)
		return pack(f, rm == RV_RDN, 0, 0);
	return round_pack(f, sign, a.x, sig, rm, fflags);
}

static uint64_t mul_core(const fmt *f, uint64_t abits, uint64_t bbits, int rm,
			 uint32_t *fflags)
{
	fp a = unpack(f, abits), b = unpack(f, bbits);
	int sign = a.sign ^ b.sign;

	if (is_nan(&a) || is_nan(&b))
		return nan_result(f, &a, &b, NULL, fflags);
	if (a.cls == CL_INF || b.cls == CL_INF) {
		if (a.cls == CL_ZERO || b.cls == CL_ZERO)
			return invalid(f, fflags);
		return inf_of(f, sign);
	}
	if (a.cls == CL_ZERO || b.cls == CL_ZERO)
		return pack(f, sign, 0, 0);
	return round_pack128(f, sign, a.x + b.x, (u128)a.sig * b.sig, rm, fflags);
}

static uint64_t div_core(const fmt *f, uint64_t abits, uint64_t bbits, int rm,
			 uint32_t *fflags)
{
	fp a = unpack(f, abits), b = unpack(f, bbits);
	int sign = a.sign ^ b.sign;

	if (is_nan(&a) || is_nan(&b))
		return nan_result(f, &a, &b, NULL, fflags);
	if (a.cls == CL_INF) {
		if (b.cls == CL_INF)
			return invalid(f, fflags);
		return inf_of(f, sign);
	}
	if (b.cls == CL_INF)
		return pack(f, sign, 0, 0);
	if (b.cls == CL_ZERO) {
		if (a.cls == CL_ZERO)
			return invalid(f, fflags);
		*fflags |= DZ;
		return inf_of(f, sign);
	}
	if (a.cls == CL_ZERO)
		return pack(f, sign, 0, 0);

	/* a.sig, b.sig in [2^62, 2^63): the quotient of a.sig * 2^63 by
	 * b.sig lies in (2^62, 2^64), 10+ bits more than a double needs. */
	norm(&a, 62);
	norm(&b, 62);
	u128 n = (u128)a.sig << 63;
	uint64_t q = (uint64_t)(n / b.sig);
	int inexact = n != (u128)q * b.sig;
	return round_pack(f, sign, a.x - b.x - 63, q | inexact, rm, fflags);
}

/* floor(sqrt(n)) for n in [2^124, 2^126); *exact says whether it is exact. */
static uint64_t isqrt128(u128 n, int *exact)
{
	uint64_t r = (uint64_t)sqrt((double)n);      /* within ~2^11 */
	r = (uint64_t)(((u128)r + n / r) >> 1);      /* within 1, >= floor */
	while ((u128)r * r > n)
		r--;
	while ((u128)(r + 1) * (r + 1) <= n)
		r++;
	*exact = (u128)r * r == n;
	return r;
}

static uint64_t sqrt_core(const fmt *f, uint64_t abits, int rm, uint32_t *fflags)
{
	fp a = unpack(f, abits);

	if (is_nan(&a))
		return nan_result(f, &a, NULL, NULL, fflags);
	if (a.cls == CL_ZERO)
		return abits;
	if (a.sign)
		return invalid(f, fflags);
	if (a.cls == CL_INF)
		return abits;

	norm(&a, 62);
	u128 n = (u128)a.sig << 62;
	int x = a.x - 62;
	if (x & 1) {
		n <<= 1;
		x -= 1;
	}
	int exact;
	uint64_t r = isqrt128(n, &exact);
	return round_pack(f, 0, x / 2, r | !exact, rm, fflags);
}

/* a*b + c, every sign already applied to the operands. */
static uint64_t fma_core(const fmt *f, uint64_t abits, uint64_t bbits,
			 uint64_t cbits, int rm, uint32_t *fflags)
{
	fp a = unpack(f, abits), b = unpack(f, bbits), c = unpack(f, cbits);
	int psign = a.sign ^ b.sign;
	int inf_times_zero = (a.cls == CL_INF && b.cls == CL_ZERO) ||
			     (a.cls == CL_ZERO && b.cls == CL_INF);

	/* RISC-V: inf * 0 raises NV even when the addend is a quiet NaN. */
	if (is_nan(&a) || is_nan(&b) || is_nan(&c)) {
		if (inf_times_zero)
			*fflags |= NV;
		return nan_result(f, &a, &b, &c, fflags);
	}
	if (inf_times_zero)
		return invalid(f, fflags);
	if (a.cls == CL_INF || b.cls == CL_INF) {
		if (c.cls == CL_INF && c.sign != psign)
			return invalid(f, fflags);
		return inf_of(f, psign);
	}
	if (c.cls == CL_INF)
		return cbits;
	if (a.cls == CL_ZERO || b.cls == CL_ZERO) {
		if (c.cls == CL_ZERO)
			return pack(f, zero_sum_sign(psign == c.sign, psign, rm), 0, 0);
		return cbits;
	}

	u128 p = (u128)a.sig * b.sig;
	int xp = a.x + b.x;
	if (c.cls == CL_ZERO)
		return round_pack128(f, psign, xp, p, rm, fflags);

	/* Both in 128 bits with the leading one at bit 125: the low bits of
	 * both are zero (106 and 53 significant bits), so an alignment shift
	 * of 0 or 1 is exact and a longer one leaves ample guard bits. */
	int sh = 125 - msb128(p);
	p <<= sh;
	xp -= sh;
	sh = 125 - msb64(c.sig);
	u128 q = (u128)c.sig << sh;
	int xc = c.x - sh, x;
	if (xp >= xc) {
		q = shr_jam128(q, xp - xc);
		x = xp;
	} else {
		p = shr_jam128(p, xc - xp);
		x = xc;
	}
	u128 s;
	int sign = psign;
	if (psign == c.sign)
		s = p + q;
	else if (p >= q)
		s = p - q;
	else {
		s = q - p;
		sign = c.sign;
	}
	if (!s)
		return pack(f, rm == RV_RDN, 0, 0);
	return round_pack128(f, sign, x, s, rm, fflags);
}

/* ---- conversions (integer core) ------------------------------------------ */

enum { CV_W, CV_WU, CV_L, CV_LU };

static uint64_t f2i(const fmt *f, uint64_t bits, int kind, int rm, uint32_t *fflags)
{
	/* NaN and +inf give max, -inf gives min; results are register values
	 * (32-bit ones sign-extended, .wu included). */
	static const uint64_t maxv[4] = { 0x7fffffffULL, ~0ULL, 0x7fffffffffffffffULL, ~0ULL };
	static const uint64_t minv[4] = { 0xffffffff80000000ULL, 0, 0x8000000000000000ULL, 0 };
	fp a = unpack(f, bits);
	uint64_t mag;
	int inexact = 0;

	if (is_nan(&a)) {
		*fflags |= NV;
		return maxv[kind];
	}
	if (a.cls == CL_INF)
		goto out_of_range;
	if (a.cls == CL_ZERO)
		return 0;
	if (a.x >= 0) {
		if (a.x + msb64(a.sig) >= 64)
			goto out_of_range;
		mag = a.sig << a.x;
	} else {
		int n = -a.x;
		uint64_t rem, half;
		if (n > 62) {          /* |value| < 2^-9 */
			mag = 0;
			rem = 1;
			half = 2;
		} else {
			mag = a.sig >> n;
			rem = a.sig & ((1ULL << n) - 1);
			half = 1ULL << (n - 1);
		}
		if (rem) {
			inexact = 1;
			mag += round_up(rm, a.sign, rem, half, mag & 1);
		}
	}
	uint64_t r;
	switch (kind) {
	case CV_W:
		if (mag > (a.sign ? 0x80000000ULL : 0x7fffffffULL))
			goto out_of_range;
		r = a.sign ? -mag : mag;
		break;
	case CV_WU:
		if ((a.sign && mag) || mag > 0xffffffffULL)
			goto out_of_range;
		r = (uint64_t)(int64_t)(int32_t)(uint32_t)mag;
		break;
	case CV_L:
		if (mag > (a.sign ? 0x8000000000000000ULL : 0x7fffffffffffffffULL))
			goto out_of_range;
		r = a.sign ? -mag : mag;
		break;
	default:
		if (a.sign && mag)
			goto out_of_range;
		r = mag;
		break;
	}
	if (inexact)
		*fflags |= NX;
	return r;
out_of_range:
	*fflags |= NV;
	return a.sign ? minv[kind] : maxv[kind];
}

static uint64_t i2f(const fmt *f, int sign, uint64_t mag, int rm, uint32_t *fflags)
{
	return round_pack(f, sign, 0, mag, rm, fflags);
}

/* ---- comparisons, min/max, class (any format, raw bits) ------------------ */

static inline int bits_nan(const fmt *f, uint64_t a)
{
	return (a & (signbit_of(f) - 1)) > ((uint64_t)f->emask << f->mbits);
}

static inline int bits_snan(const fmt *f, uint64_t a)
{
	return bits_nan(f, a) && !((a >> (f->mbits - 1)) & 1);
}

/* a < b for non-NaNs; -0 < +0 when zeros_ordered. */
static inline int bits_lt(const fmt *f, uint64_t a, uint64_t b, int zeros_ordered)
{
	uint64_t s = signbit_of(f);
	int sa = !!(a & s), sb = !!(b & s);
	uint64_t ma = a & (s - 1), mb = b & (s - 1);
	if (sa != sb)
		return sa && (zeros_ordered || (ma | mb) != 0);
	return sa ? ma > mb : ma < mb;
}

static uint64_t cmp(const fmt *f, uint64_t a, uint64_t b, int op, uint32_t *fflags)
{
	/* op: 0 feq (quiet), 1 flt, 2 fle (signalling) */
	if (bits_nan(f, a) || bits_nan(f, b)) {
		if (op || bits_snan(f, a) || bits_snan(f, b))
			*fflags |= NV;
		return 0;
	}
	int eq = a == b || ((a | b) & (signbit_of(f) - 1)) == 0;
	if (op == 0)
		return eq;
	return bits_lt(f, a, b, 0) || (op == 2 && eq);
}

static uint64_t minmax(const fmt *f, uint64_t a, uint64_t b, int max, uint32_t *fflags)
{
	int an = bits_nan(f, a), bn = bits_nan(f, b);
	if (bits_snan(f, a) || bits_snan(f, b))
		*fflags |= NV;
	if (an && bn)
		return f->cnan;
	if (an)
		return b;
	if (bn)
		return a;
	return bits_lt(f, a, b, 1) != max ? a : b;
}

static uint64_t fclass(const fmt *f, uint64_t a)
{
	fp p = unpack(f, a);
	unsigned be = (a >> f->mbits) & f->emask;
	switch (p.cls) {
	case CL_INF:  return p.sign ? 1u << 0 : 1u << 7;
	case CL_ZERO: return p.sign ? 1u << 3 : 1u << 4;
	case CL_SNAN: return 1u << 8;
	case CL_QNAN: return 1u << 9;
	default:
		if (be == 0)
			return p.sign ? 1u << 2 : 1u << 5;
		return p.sign ? 1u << 1 : 1u << 6;
	}
}

/* ---- double-precision fast paths ----------------------------------------- */

/* Exact error of p = RN(x*y) (Dekker's TwoProduct with Veltkamp splitting):
 * x*y = p + err exactly, when |x|, |y| < 2^995 and the exponents of x and y
 * sum to at least -960 (no underflow in the partial products). */
static inline void split(double a, double *hi, double *lo)
{
	double c = 134217729.0 * a; /* 2^27 + 1 */
	double big = c - a;
	*hi = c - big;
	*lo = a - *hi;
}

static inline double two_prod_err(double x, double y, double p)
{
	double xh, xl, yh, yl;
	split(x, &xh, &xl);
	split(y, &yh, &yl);
	return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}

static inline double two_sum_err(double x, double y, double s)
{
	double bb = s - x;
	return (x - (s - bb)) + (y - bb);
}

/* Is |e| half an ulp of the normal double u, measured away from zero? */
static inline int half_ulp_away(uint64_t u, double e)
{
	uint64_t m = u & ~SIGN_D;
	return fabs(e) * 2 == u2d(m + 1) - u2d(m);
}

/* r (bits u of a float of either width; negative when neg) is the
 * round-to-nearest result, normal with an exponent at least one binade away
 * from both ends of the range. The exact result is r plus something of sign
 * err (nonzero) and of magnitude at most half the gap to the neighbour on
 * that side, exactly that when tie. Give the result in rm. Stepping the bit
 * pattern by one moves one ulp in magnitude, across binades too. */
static inline uint64_t step(uint64_t u, int neg, int err, int tie, int rm, uint32_t *fflags)
{
	int away = (err > 0) != neg;   /* exact is farther from zero than r */

	*fflags |= NX;
	switch (rm) {
	case RV_RTZ: return away ? u : u - 1;
	case RV_RDN: return err < 0 ? (neg ? u + 1 : u - 1) : u;
	case RV_RUP: return err > 0 ? (neg ? u - 1 : u + 1) : u;
	case RV_RMM: return away && tie ? u + 1 : u;
	default:     return u;
	}
}

static inline uint64_t d_step(uint64_t u, int err, int tie, int rm, uint32_t *fflags)
{
	return step(u, (int)(u >> 63), err, tie, rm, fflags);
}

uint64_t rv_fadd_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	if (FAST) {
		double x = u2d(a), y = u2d(b), s = x + y;
		uint64_t u = d2u(s);
		if (likely(exp_d(u) - 2 < 0x7fcu)) {
			double e = two_sum_err(x, y, s);
			if (e == 0)
				return u;
			if (rm == RV_RNE) {
				*fflags |= NX;
				return u;
			}
			return d_step(u, e > 0 ? 1 : -1,
				      rm == RV_RMM && half_ulp_away(u, e), rm, fflags);
		}
	}
	return add_core(&F64, a, b, rm, fflags);
}

uint64_t rv_fsub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	return rv_fadd_d(a, b ^ SIGN_D, rm, fflags);
}

uint64_t rv_fmul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	if (FAST) {
		double x = u2d(a), y = u2d(b), p = x * y;
		uint64_t u = d2u(p);
		if (likely(exp_d(a) - 1 < 2017u && exp_d(b) - 1 < 2017u &&
			   exp_d(u) - 64 < 0x7fe - 64u)) {
			double e = two_prod_err(x, y, p);
			if (e == 0)
				return u;
			if (rm == RV_RNE) {
				*fflags |= NX;
				return u;
			}
			return d_step(u, e > 0 ? 1 : -1,
				      rm == RV_RMM && half_ulp_away(u, e), rm, fflags);
		}
	}
	return mul_core(&F64, a, b, rm, fflags);
}

uint64_t rv_fdiv_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	if (FAST) {
		double x = u2d(a), y = u2d(b), q = x / y;
		uint64_t u = d2u(q);
		if (likely(exp_d(a) - 64 < 0x7fd - 64u && exp_d(b) - 1 < 2017u &&
			   exp_d(u) - 2 < 2016u)) {
			/* x - q*y is exact: q*y = ph + pl, x - ph by Sterbenz */
			double ph = q * y, pl = two_prod_err(q, y, ph);
			double res = (x - ph) - pl;
			if (res == 0)
				return u;
			if (rm == RV_RNE) {
				*fflags |= NX;
				return u;
			}
			return d_step(u, (res > 0) == (y > 0) ? 1 : -1, 0, rm, fflags);
		}
	}
	return div_core(&F64, a, b, rm, fflags);
}

uint64_t rv_fsqrt_d(uint64_t a, int rm, uint32_t *fflags)
{
	/* a positive normal, away from both ends of the range (a >> 52 keeps
	 * the sign bit, so negative numbers fail the test) */
	if (FAST && likely((a >> 52) - 64 < 0x7fd - 64u)) {
		double x = u2d(a), r = sqrt(x);
		uint64_t u = d2u(r);
		double ph = r * r, pl = two_prod_err(r, r, ph);
		double res = (x - ph) - pl;
		if (res == 0)
			return u;
		if (rm == RV_RNE) {
			*fflags |= NX;
			return u;
		}
		return d_step(u, res > 0 ? 1 : -1, 0, rm, fflags);
	}
	return sqrt_core(&F64, a, rm, fflags);
}

/* Half the gap between the normal double u (exponent field 2..0x7fd) and
 * its neighbour on the side of sign err. */
static inline double half_gap(uint64_t u, int err)
{
	uint64_t m = u & ~SIGN_D;
	int away = (err > 0) != (int)(u >> 63);
	return (away ? u2d(m + 1) - u2d(m) : u2d(m) - u2d(m - 1)) * 0.5;
}

/* a*b + c with the signs applied. Fast path, for operands and result well
 * inside the normal range: TwoProduct and TwoSum give, exactly,
 *   a*b + c = sh + sl + pl,  sh = RN(a*b + c),
 * and th = RN(sl + pl) = sl + pl - tl with |tl| <= ulp(th)/2.
 *  - th = 0: sh is exact.
 *  - |th| < half the gap from sh to its neighbour on th's side: so is
 *    |th + tl| (the half gap is a power of two above th), so sh is the
 *    correctly rounded result and th's sign the error's; no tie.
 *  - otherwise, if |th| <= |sh| (in exponent): r = RN(sh + th) = sh + th - e1.
 *    The exact result is r + e1 + tl. If e1 = 0 the error is tl; if not,
 *    e1 is a nonzero multiple of ulp(th) (which is <= ulp(sh)), so
 *    |e1| > |tl| and the error has e1's sign; and when |e1| is below half
 *    the gap (then a power of two and a multiple of ulp(th)) so is
 *    |e1 + tl|. Then r is the result.
 * Everything else (deep cancellation, ties, range ends, NaN, inf, zero)
 * goes to the integer core. */
static uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	if (FAST) {
		double x = u2d(a), y = u2d(b), z = u2d(c), ph = x * y;
		if (likely(exp_d(a) - 1 < 2017u && exp_d(b) - 1 < 2017u &&
			   exp_d(d2u(ph)) - 64 < 0x7fe - 64u && exp_d(c) < 0x7feu)) {
			double pl = two_prod_err(x, y, ph);
			double sh = ph + z, sl = two_sum_err(ph, z, sh);
			uint64_t u = d2u(sh);
			if (likely(exp_d(u) - 2 < 0x7fcu)) {
				double th = sl + pl, e;
				if (th == 0)           /* then sl + pl == 0 */
					return u;
				int err = th > 0 ? 1 : -1;
				if (fabs(th) < half_gap(u, err))
					goto inexact;
				if (exp_d(d2u(th)) > exp_d(u))
					goto slow;
				double tl = two_sum_err(sl, pl, th), r = sh + th;
				e = two_sum_err(sh, th, r);
				u = d2u(r);
				if (exp_d(u) - 2 >= 0x7fcu)
					goto slow;
				if (e == 0) {
					if (tl == 0)
						return u;
					e = tl;
				}
				err = e > 0 ? 1 : -1;
				if (fabs(e) >= half_gap(u, err))
					goto slow;
inexact:
				if (rm == RV_RNE) {
					*fflags |= NX;
					return u;
				}
				return d_step(u, err, 0, rm, fflags);
			}
		}
	}
slow:
	return fma_core(&F64, a, b, c, rm, fflags);
}

uint64_t rv_fmadd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return fma_d(a, b, c, rm, fflags);
}

uint64_t rv_fmsub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return fma_d(a, b, c ^ SIGN_D, rm, fflags);
}

uint64_t rv_fnmsub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return fma_d(a ^ SIGN_D, b, c, rm, fflags);
}

uint64_t rv_fnmadd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return fma_d(a ^ SIGN_D, b, c ^ SIGN_D, rm, fflags);
}

/* ---- single precision, computed in double -------------------------------- */

static inline double s2d(uint32_t a) { return (double)u2f(a); }
static inline int special_s(uint32_t a) { return exp_s(a) == 0xff; }

/* Round q + t to single, where q is a finite double and t is zero (dir 0)
 * or a value of sign dir smaller than half an ulp of q. */
static uint32_t d2s(double q, int dir, int rm, uint32_t *fflags)
{
	if (FAST && !dir) {
		float f = (float)q;
		uint32_t uf = f2u(f);
		double fd = f;
		if (fd == q)
			return uf;
		if (likely(exp_s(uf) - 2 < 252u)) {   /* no overflow, no underflow */
			if (rm == RV_RNE) {
				*fflags |= NX;
				return uf;
			}
			double e = q - fd;                /* exact (Sterbenz) */
			uint32_t m = uf & ~SIGN_S;
			int tie = rm == RV_RMM &&
				  fabs(e) * 2 == (double)u2f(m + 1) - (double)u2f(m);
			return (uint32_t)step(uf, (int)(uf >> 31), e > 0 ? 1 : -1, tie, rm, fflags);
		}
	}
	fp d = unpack(&F64, d2u(q));
	uint64_t sig = d.sig << 2;
	if (dir)   /* a point strictly between q and its neighbour */
		sig += ((dir > 0) != d.sign) ? 1 : (uint64_t)-1;
	return (uint32_t)round_pack(&F32, d.sign, d.x - 2, sig, rm, fflags);
}

static inline int sgn(double e) { return (e > 0) - (e < 0); }

static uint32_t add_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
	if (!FAST || special_s(a) || special_s(b))
		return (uint32_t)add_core(&F32, a, b, rm, fflags);
	double x = s2d(a), y = s2d(b), s = x + y;
	if (s == 0)
		return (uint32_t)zero_sum_sign(a == b, a >> 31, rm) << 31;
	return d2s(s, sgn(two_sum_err(x, y, s)), rm, fflags);
}

static uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)
{
	if (!FAST || special_s(a) || special_s(b) || special_s(c))
		return (uint32_t)fma_core(&F32, a, b, c, rm, fflags);
	double p = s2d(a) * s2d(b), z = s2d(c), s = p + z; /* p is exact */
	if (s == 0) {
		uint32_t ps = (uint32_t)(d2u(p) >> 63);
		return (uint32_t)zero_sum_sign(p == 0 && z == 0 && ps == c >> 31,
					       (int)ps, rm) << 31;
	}
	return d2s(s, sgn(two_sum_err(p, z, s)), rm, fflags);
}

uint64_t rv_fadd_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	return RV_BOX_S(add_s(unbox(a), unbox(b), rm, fflags));
}

uint64_t rv_fsub_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	return RV_BOX_S(add_s(unbox(a), unbox(b) ^ SIGN_S, rm, fflags));
}

uint64_t rv_fmul_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	uint32_t x = unbox(a), y = unbox(b);
	if (!FAST || special_s(x) || special_s(y))
		return RV_BOX_S(mul_core(&F32, x, y, rm, fflags));
	return RV_BOX_S(d2s(s2d(x) * s2d(y), 0, rm, fflags));   /* exact product */
}

uint64_t rv_fdiv_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
	uint32_t x = unbox(a), y = unbox(b);
	if (!FAST || special_s(x) || special_s(y) || !(y << 1))
		return RV_BOX_S(div_core(&F32, x, y, rm, fflags));
	return RV_BOX_S(d2s(s2d(x) / s2d(y), 0, rm, fflags));
}

uint64_t rv_fsqrt_s(uint64_t a, int rm, uint32_t *fflags)
{
	uint32_t x = unbox(a);
	if (!FAST || special_s(x) || (x > SIGN_S))   /* special or negative */
		return RV_BOX_S(sqrt_core(&F32, x, rm, fflags));
	return RV_BOX_S(d2s(sqrt(s2d(x)), 0, rm, fflags));
}

uint64_t rv_fmadd_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return RV_BOX_S(fma_s(unbox(a), unbox(b), unbox(c), rm, fflags));
}

uint64_t rv_fmsub_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return RV_BOX_S(fma_s(unbox(a), unbox(b), unbox(c) ^ SIGN_S, rm, fflags));
}

uint64_t rv_fnmsub_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return RV_BOX_S(fma_s(unbox(a) ^ SIGN_S, unbox(b), unbox(c), rm, fflags));
}

uint64_t rv_fnmadd_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
	return RV_BOX_S(fma_s(unbox(a) ^ SIGN_S, unbox(b), unbox(c) ^ SIGN_S, rm, fflags));
}

/* ---- sign injection, compare, min/max, class ----------------------------- */

uint64_t rv_fsgnj_s(uint64_t a, uint64_t b)
{
	return RV_BOX_S((unbox(a) & ~SIGN_S) | (unbox(b) & SIGN_S));
}

uint64_t rv_fsgnjn_s(uint64_t a, uint64_t b)
{
	return RV_BOX_S((unbox(a) & ~SIGN_S) | (~unbox(b) & SIGN_S));
}

uint64_t rv_fsgnjx_s(uint64_t a, uint64_t b)
{
	return RV_BOX_S(unbox(a) ^ (unbox(b) & SIGN_S));
}

uint64_t rv_fsgnj_d(uint64_t a, uint64_t b) { return (a & ~SIGN_D) | (b & SIGN_D); }
uint64_t rv_fsgnjn_d(uint64_t a, uint64_t b) { return (a & ~SIGN_D) | (~b & SIGN_D); }
uint64_t rv_fsgnjx_d(uint64_t a, uint64_t b) { return a ^ (b & SIGN_D); }

uint64_t rv_feq_s(uint64_t a, uint64_t b, uint32_t *fflags)
{
	return cmp(&F32, unbox(a), unbox(b), 0, fflags);
}

uint64_t rv_flt_s(uint64_t a, uint64_t b, uint32_t *fflags)
{
	return cmp(&F32, unbox(a), unbox(b), 1, fflags);
}

uint64_t rv_fle_s(uint64_t a, uint64_t b, uint32_t *fflags)
{
	return cmp(&F32, unbox(a), unbox(b), 2, fflags);
}

uint64_t rv_feq_d(uint64_t a, uint64_t b, uint32_t *fflags) { return cmp(&F64, a, b, 0, fflags); }
uint64_t rv_flt_d(uint64_t a, uint64_t b, uint32_t *fflags) { return cmp(&F64, a, b, 1, fflags); }
uint64_t rv_fle_d(uint64_t a, uint64_t b, uint32_t *fflags) { return cmp(&F64, a, b, 2, fflags); }

uint64_t rv_fmin_s(uint64_t a, uint64_t b, uint32_t *fflags)
{
	return RV_BOX_S(minmax(&F32, unbox(a), unbox(b), 0, fflags));
}

uint64_t rv_fmax_s(uint64_t a, uint64_t b, uint32_t *fflags)
{
	return RV_BOX_S(minmax(&F32, unbox(a), unbox(b), 1, fflags));
}

uint64_t rv_fmin_d(uint64_t a, uint64_t b, uint32_t *fflags) { return minmax(&F64, a, b, 0, fflags); }
uint64_t rv_fmax_d(uint64_t a, uint64_t b, uint32_t *fflags) { return minmax(&F64, a, b, 1, fflags); }

uint64_t rv_fclass_s(uint64_t a) { return fclass(&F32, unbox(a)); }
uint64_t rv_fclass_d(uint64_t a) { return fclass(&F64, a); }

/* ---- conversions --------------------------------------------------------- */

uint64_t rv_fcvt_w_s(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F32, unbox(a), CV_W, rm, fflags); }
uint64_t rv_fcvt_wu_s(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F32, unbox(a), CV_WU, rm, fflags); }
uint64_t rv_fcvt_l_s(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F32, unbox(a), CV_L, rm, fflags); }
uint64_t rv_fcvt_lu_s(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F32, unbox(a), CV_LU, rm, fflags); }
uint64_t rv_fcvt_w_d(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F64, a, CV_W, rm, fflags); }
uint64_t rv_fcvt_wu_d(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F64, a, CV_WU, rm, fflags); }
uint64_t rv_fcvt_l_d(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F64, a, CV_L, rm, fflags); }
uint64_t rv_fcvt_lu_d(uint64_t a, int rm, uint32_t *fflags) { return f2i(&F64, a, CV_LU, rm, fflags); }

static inline uint64_t mag_of(int64_t v) { return v < 0 ? -(uint64_t)v : (uint64_t)v; }

uint64_t rv_fcvt_s_w(uint64_t x, int rm, uint32_t *fflags)
{
	int64_t v = (int32_t)x;
	return RV_BOX_S(i2f(&F32, v < 0, mag_of(v), rm, fflags));
}

uint64_t rv_fcvt_s_wu(uint64_t x, int rm, uint32_t *fflags)
{
	return RV_BOX_S(i2f(&F32, 0, (uint32_t)x, rm, fflags));
}

uint64_t rv_fcvt_s_l(uint64_t x, int rm, uint32_t *fflags)
{
	int64_t v = (int64_t)x;
	return RV_BOX_S(i2f(&F32, v < 0, mag_of(v), rm, fflags));
}

uint64_t rv_fcvt_s_lu(uint64_t x, int rm, uint32_t *fflags)
{
	return RV_BOX_S(i2f(&F32, 0, x, rm, fflags));
}

uint64_t rv_fcvt_d_w(uint64_t x, int rm, uint32_t *fflags)
{
	int64_t v = (int32_t)x;
	return i2f(&F64, v < 0, mag_of(v), rm, fflags);   /* always exact */
}

uint64_t rv_fcvt_d_wu(uint64_t x, int rm, uint32_t *fflags)
{
	return i2f(&F64, 0, (uint32_t)x, rm, fflags);
}

uint64_t rv_fcvt_d_l(uint64_t x, int rm, uint32_t *fflags)
{
	int64_t v = (int64_t)x;
	return i2f(&F64, v < 0, mag_of(v), rm, fflags);
}

uint64_t rv_fcvt_d_lu(uint64_t x, int rm, uint32_t *fflags)
{
	return i2f(&F64, 0, x, rm, fflags);
}

uint64_t rv_fcvt_s_d(uint64_t a, int rm, uint32_t *fflags)
{
	if (exp_d(a) == 0x7ff) {
		if (!(a << 12))
			return RV_BOX_S(inf_of(&F32, (int)(a >> 63)));
		if (!((a >> 51) & 1))
			*fflags |= NV;
		return RV_BOX_S(CNAN_S);
	}
	return RV_BOX_S(d2s(u2d(a), 0, rm, fflags));
}

uint64_t rv_fcvt_d_s(uint64_t a, int rm, uint32_t *fflags)
{
	uint32_t x = unbox(a);
	(void)rm;   /* exact */
	if (special_s(x) && (x << 9)) {
		if (!((x >> 22) & 1))
			*fflags |= NV;
		return CNAN_D;
	}
	return d2u(s2d(x));
}
