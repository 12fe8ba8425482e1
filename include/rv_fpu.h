/* RISC-V F and D semantics, written once (DESIGN.md decision 1).
 *
 * The interpreter calls these directly; lifted wasm calls them through the
 * runtime's exports. They take and return raw register bits, so
 * NaN-boxing is handled here: a single-precision operand whose upper 32 bits
 * are not all ones reads as the canonical NaN, and single-precision results
 * come back boxed. `rm` is an already-resolved static rounding mode
 * (RV_RNE..RV_RMM; the caller maps dyn to frm and rejects 5, 6 and an
 * invalid frm as an illegal instruction). Exceptions are OR-ed into *fflags
 * as RV_FFLAG_* bits. No host floating-point environment is used (wasm has
 * none): flags and directed rounding are computed from exact error terms, so
 * the native and the wasm build agree bit for bit.
 *
 * What the helpers do, as a RISC-V hart (and qemu-riscv64) does:
 *  - every NaN result is the canonical NaN (0x7fc00000 / 0x7ff8000000000000),
 *    payloads are never propagated; a signalling NaN operand raises NV;
 *  - underflow (UF) is raised for a tiny inexact result, tininess being
 *    detected after rounding;
 *  - fmin/fmax follow IEEE 754-2019 minimumNumber/maximumNumber: -0 < +0, a
 *    quiet NaN operand loses to a number, NV only for signalling NaNs;
 *  - feq is quiet (NV only for sNaN), flt/fle signal (NV for any NaN);
 *  - fma with inf*0 raises NV even when the addend is a quiet NaN;
 *  - fsgnj* never raise, and keep NaN payloads (of a boxed single or a
 *    double), but a badly boxed single reads as the canonical NaN there too;
 *  - float to integer saturates: NaN and +inf give the largest value, -inf
 *    the smallest; a value out of range after rounding gives the nearest
 *    bound with NV only (no NX); a negative value that rounds to 0 is fine
 *    for .wu/.lu (NX only).
 * These need -lm when linked natively (runtime/fpu.c). */
#ifndef RV_FPU_H
#define RV_FPU_H

#include <stdint.h>
#include "rv_cpu.h"

#define RV_BOX_S(bits32) (0xffffffff00000000ULL | (uint32_t)(bits32))

/* The single held in a register: its low half when properly NaN-boxed, the
 * canonical NaN otherwise (what every F instruction that reads it sees). */
static inline uint32_t rv_unbox_s(uint64_t f)
{
	return (f >> 32) == 0xffffffffu ? (uint32_t)f : 0x7fc00000u;
}

/* fmv.x.w moves the raw low 32 bits, sign-extended, with no box check;
 * fmv.w.x and flw box. (fmv.x.d / fmv.d.x / fld / fsd move raw bits, and
 * fsw stores the raw low 32 bits.) */
static inline uint64_t rv_fmv_x_w(uint64_t f) { return (uint64_t)(int64_t)(int32_t)(uint32_t)f; }
static inline uint64_t rv_fmv_w_x(uint64_t x) { return RV_BOX_S(x); }

/* Arithmetic. Names follow the mnemonic: rv_f<op>_<s|d>. */
uint64_t rv_fadd_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsub_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fmul_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fdiv_s(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsqrt_s(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fmin_s(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fmax_s(uint64_t a, uint64_t b, uint32_t *fflags);
/* fused: fmadd = a*b+c, fmsub = a*b-c, fnmsub = -(a*b)+c, fnmadd = -(a*b)-c */
uint64_t rv_fmadd_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fmsub_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fnmsub_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fnmadd_s(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fsgnj_s(uint64_t a, uint64_t b);
uint64_t rv_fsgnjn_s(uint64_t a, uint64_t b);
uint64_t rv_fsgnjx_s(uint64_t a, uint64_t b);
uint64_t rv_feq_s(uint64_t a, uint64_t b, uint32_t *fflags); /* 0 or 1 */
uint64_t rv_flt_s(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fle_s(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fclass_s(uint64_t a);

uint64_t rv_fadd_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fmul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fdiv_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsqrt_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fmin_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fmax_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fmadd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fmsub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fnmsub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fnmadd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t rv_fsgnj_d(uint64_t a, uint64_t b);
uint64_t rv_fsgnjn_d(uint64_t a, uint64_t b);
uint64_t rv_fsgnjx_d(uint64_t a, uint64_t b);
uint64_t rv_feq_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_flt_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fle_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t rv_fclass_d(uint64_t a);

/* Conversions. Integer results are returned as the 64-bit register value
 * (32-bit results sign-extended, as the ISA says even for .wu). Out-of-range
 * and NaN inputs saturate as the spec's table says and raise NV. */
uint64_t rv_fcvt_w_s(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_wu_s(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_l_s(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_lu_s(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_s_w(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_s_wu(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_s_l(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_s_lu(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_w_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_wu_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_l_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_lu_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_d_w(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_d_wu(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_d_l(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_d_lu(uint64_t x, int rm, uint32_t *fflags);
uint64_t rv_fcvt_s_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t rv_fcvt_d_s(uint64_t a, int rm, uint32_t *fflags);

/* Every F/D operation one of the helpers above computes, one row each:
 * (operation, shape of the call, helper). The interpreter's handlers
 * (runtime/interp.c) and compiled code's env.fpu (runtime/aot.c) both
 * expand it. Shapes, f = FP register, x = integer register:
 *   FP3     fd = fn(fs1, fs2, fs3, rm, fflags)
 *   FP2     fd = fn(fs1, fs2, rm, fflags)
 *   FP1     fd = fn(fs1, rm, fflags)
 *   FCVT_X  xd = fn(fs1, rm, fflags)
 *   FCVT_F  fd = fn(xs1, rm, fflags)
 *   FSGN    fd = fn(fs1, fs2)
 *   FMM     fd = fn(fs1, fs2, fflags)
 *   FCMP    xd = fn(fs1, fs2, fflags)
 *   FCLASS  xd = fn(fs1) */
#define RV_FPU_OPS(X) \
	X(FMADD_S, FP3, rv_fmadd_s) X(FMSUB_S, FP3, rv_fmsub_s) \
	X(FNMSUB_S, FP3, rv_fnmsub_s) X(FNMADD_S, FP3, rv_fnmadd_s) \
	X(FADD_S, FP2, rv_fadd_s) X(FSUB_S, FP2, rv_fsub_s) \
	X(FMUL_S, FP2, rv_fmul_s) X(FDIV_S, FP2, rv_fdiv_s) X(FSQRT_S, FP1, rv_fsqrt_s) \
	X(FSGNJ_S, FSGN, rv_fsgnj_s) X(FSGNJN_S, FSGN, rv_fsgnjn_s) \
	X(FSGNJX_S, FSGN, rv_fsgnjx_s) X(FMIN_S, FMM, rv_fmin_s) X(FMAX_S, FMM, rv_fmax_s) \
	X(FCVT_W_S, FCVT_X, rv_fcvt_w_s) X(FCVT_WU_S, FCVT_X, rv_fcvt_wu_s) \
	X(FCVT_L_S, FCVT_X, rv_fcvt_l_s) X(FCVT_LU_S, FCVT_X, rv_fcvt_lu_s) \
	X(FCLASS_S, FCLASS, rv_fclass_s) \
	X(FEQ_S, FCMP, rv_feq_s) X(FLT_S, FCMP, rv_flt_s) X(FLE_S, FCMP, rv_fle_s) \
	X(FCVT_S_W, FCVT_F, rv_fcvt_s_w) X(FCVT_S_WU, FCVT_F, rv_fcvt_s_wu) \
	X(FCVT_S_L, FCVT_F, rv_fcvt_s_l) X(FCVT_S_LU, FCVT_F, rv_fcvt_s_lu) \
	X(FMADD_D, FP3, rv_fmadd_d) X(FMSUB_D, FP3, rv_fmsub_d) \
	X(FNMSUB_D, FP3, rv_fnmsub_d) X(FNMADD_D, FP3, rv_fnmadd_d) \
	X(FADD_D, FP2, rv_fadd_d) X(FSUB_D, FP2, rv_fsub_d) \
	X(FMUL_D, FP2, rv_fmul_d) X(FDIV_D, FP2, rv_fdiv_d) X(FSQRT_D, FP1, rv_fsqrt_d) \
	X(FSGNJ_D, FSGN, rv_fsgnj_d) X(FSGNJN_D, FSGN, rv_fsgnjn_d) \
	X(FSGNJX_D, FSGN, rv_fsgnjx_d) X(FMIN_D, FMM, rv_fmin_d) X(FMAX_D, FMM, rv_fmax_d) \
	X(FCVT_S_D, FP1, rv_fcvt_s_d) X(FCVT_D_S, FP1, rv_fcvt_d_s) \
	X(FEQ_D, FCMP, rv_feq_d) X(FLT_D, FCMP, rv_flt_d) X(FLE_D, FCMP, rv_fle_d) \
	X(FCLASS_D, FCLASS, rv_fclass_d) \
	X(FCVT_W_D, FCVT_X, rv_fcvt_w_d) X(FCVT_WU_D, FCVT_X, rv_fcvt_wu_d) \
	X(FCVT_L_D, FCVT_X, rv_fcvt_l_d) X(FCVT_LU_D, FCVT_X, rv_fcvt_lu_d) \
	X(FCVT_D_W, FCVT_F, rv_fcvt_d_w) X(FCVT_D_WU, FCVT_F, rv_fcvt_d_wu) \
	X(FCVT_D_L, FCVT_F, rv_fcvt_d_l) X(FCVT_D_LU, FCVT_F, rv_fcvt_d_lu)

#endif
