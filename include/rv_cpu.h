/* Guest hart state (DESIGN.md decision 2).
 *
 * Everything a guest thread needs to resume lives here, in plain memory:
 * never on the host stack across a syscall, never as a host pointer. The
 * interpreter and lifted code both read and write this struct; lifted code
 * may cache registers in wasm locals but writes them back at every exit. */
#ifndef RV_CPU_H
#define RV_CPU_H

#include <stdint.h>

/* fcsr layout: fflags in bits 4:0, frm in bits 7:5. */
enum {
	RV_FFLAG_NX = 1 << 0, /* inexact */
	RV_FFLAG_UF = 1 << 1, /* underflow */
	RV_FFLAG_OF = 1 << 2, /* overflow */
	RV_FFLAG_DZ = 1 << 3, /* divide by zero */
	RV_FFLAG_NV = 1 << 4, /* invalid */
};

/* Rounding modes as encoded in the rm field and in frm. */
enum { RV_RNE = 0, RV_RTZ = 1, RV_RDN = 2, RV_RUP = 3, RV_RMM = 4, RV_DYN = 7 };

#define RV_NO_RESERVATION UINT64_MAX

typedef struct rv_cpu {
	uint64_t x[32];     /* x[0] is kept at 0 by whoever writes registers */
	uint64_t f[32];     /* raw bits; single-precision values NaN-boxed */
	uint64_t pc;
	uint32_t fcsr;      /* frm << 5 | fflags */
	uint32_t pad;
	uint64_t lr_addr;   /* LR/SC reservation, RV_NO_RESERVATION if none */
	uint64_t lr_value;  /* value seen by LR, so SC can tell a store raced */
	uint64_t instret;   /* retired instructions (for instret/cycle CSRs) */
} rv_cpu;

/* Register ABI names, for the disassembler, --trace and --strace. */
extern const char *const rv_xreg_name[32];
extern const char *const rv_freg_name[32];

#endif
