/* Running ahead-of-time compiled code: the modules rv2wasm makes
 * (docs/COMPILER.md), one per ELF, found by the host from the ELF's bytes
 * (SHA-256) when the ELF is mapped executable, and entered in place of the
 * interpreter wherever they have an entry. Only the wasm build can call
 * them; natively (no host aot_lookup) everything is interpreted. */
#ifndef AOT_H
#define AOT_H

#include <stddef.h>
#include <stdint.h>
#include "aot_abi.h"
#include "interp.h"
#include "rt.h"


/* The context a module's code reads (compiler/lift.c has the offsets). */
struct aot_ctx {
	uint32_t cpu;      /* rv_cpu * */
	uint32_t base;     /* arena base */
	uint32_t pageprot;
	uint32_t map;      /* the module's mapping being run (for aot_lookup) */
	uint64_t size;     /* arena size */
	uint64_t bias;     /* load bias of the module's ELF */
	int64_t left;      /* instructions left to run in the slice: compiled
			    * code counts it down (instret = limit - left) and
			    * leaves rv_cpu's instret alone */
	uint32_t mem;      /* rv_mem * (for aot_step) */
	uint32_t rt;       /* rt * (for aot_far) */
	uint64_t steps;    /* instructions aot_step ran */
	uint32_t far;      /* calls into another module nested now (aot_far) */
	uint32_t depth;    /* host stack compiled frames take under the entry
			    * being run, estimated: 0, or the caller's in aot_far */
	uint64_t start, end; /* the mapping's guest range (a compiled call
			      * through a pointer keeps what env.lookup found
			      * for as long as its target lies in it) */
	uint64_t limit;    /* instret at which to stop */
};
_Static_assert(sizeof(struct aot_ctx) == 88, "compiler/lift.c's CTX_ offsets");

/* A module's env.step: the interpreter runs the one instruction at
 * cpu->pc (one the module does not compile: the counter CSRs). 0 if it
 * retired, 1 if not (an illegal CSR: interp_run leaves the state as it
 * was): the module then exits to the interpreter at that pc. */
int aot_step(struct aot_ctx *ctx);

/* A module's env.fpu: F/D operation op (an enum rv_op of RV_FPU_OPS) on
 * the registers regs = rd | rs1 << 5 | rs2 << 10 | rs3 << 15 | rm << 20,
 * in rv_cpu, fflags accrued in fcsr. 0, or 1 if the rounding mode is
 * invalid (the module exits to the interpreter, which raises SIGILL). */
int aot_fpu(struct aot_ctx *ctx, uint32_t op, uint32_t regs);

/* A module's env.lookup: a call through a register (jalr) to pc, an
 * absolute address. If pc is an entry of the module being run, at the
 * same mapping, its function | block << 32, which the module calls
 * directly, | 1 << 62 if that function keeps the ABI's callee-saved
 * registers (the entry table's mark: compiler/lift.c's KEPT); else -1
 * (the module exits, and the runtime looks pc up). */
int64_t aot_lookup(struct aot_ctx *ctx, uint64_t pc);

/* A module's env.far: a call through a register to pc that env.lookup
 * did not find in the module being run. If pc is an entry of another
 * mapped module, runs it there (the guest state is in rv_cpu) and returns
 * why it returned; else -1 (the caller exits, and the runtime looks pc
 * up). A call from the main program into libc through its PLT goes so. */
int aot_far(struct aot_ctx *ctx, uint64_t pc, uint32_t depth);

/* Run thread t for at most budget instructions, compiled code where it
 * exists, the interpreter elsewhere; stops as interp_run does. */
void aot_run(rt *r, rt_thread *t, uint64_t budget, interp_stop *st);

/* The mappings in [start, end) of m changed (mmap, munmap, mprotect,
 * mremap): forget compiled code there (a module's map keeps what it has
 * outside). */
void aot_unmap(rv_mem *m, uint64_t start, uint64_t end);

/* [start, end) of m maps the ELF `elf` (len bytes) from file offset off,
 * executable and not writable: use its compiled module if the host has
 * one. */
void aot_map(rt *r, rv_mem *m, uint64_t start, uint64_t end, uint64_t off,
	     const uint8_t *elf, size_t len);

#endif
