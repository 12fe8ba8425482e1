/* The interface between rv2wasm's modules and the runtime that runs them
 * (compiler/lift.c makes it, runtime/aot.c and web/friscy.mjs use it;
 * docs/COMPILER.md). Written once here so that the two sides agree. */
#ifndef AOT_ABI_H
#define AOT_ABI_H

/* A module's custom section "friscy.abi" holds this as a u32
 * (little-endian); a host runs only modules of its own version, and
 * interprets the rest. Bump it on any change a module can notice: its
 * imports, struct aot_ctx, the why codes, the entry table, what the
 * runtime's page bits mean.
 *   1  (no section) env.step, env.fpu
 *   2  env.lookup; aot_ctx.map
 *   3  env.far; aot_ctx.rt, .far
 *   4  pageprot's MEM_ST bit and its extra entry past the last page
 *   5  depth counts host stack bytes; env.far's depth; aot_ctx.depth
 *   6  a module of an ET_EXEC runs only at bias 0 (its addresses are
 *      constants)
 *   7  aot_ctx.start, .end (calls through a pointer cache env.lookup)
 *   8  aot_ctx.left, what compiled code counts down, in place of .limit;
 *      rv_cpu's instret is the runtime's (env.step sees limit - left)
 *   9  friscy.entries in ULEB128s, each entry's numbers less the one's
 *      before (compiler/lift.c)
 *  10  an entry's block number is 2 * block + keeps (its function keeps
 *      the ABI's callee-saved registers), env.lookup's bit 62 */
#define AOT_ABI_VERSION 10

/* Why a module's function returned. */
enum { AOT_NEXT = 0, AOT_ECALL = 1, AOT_INTERP = 2, AOT_BUDGET = 3 };

#endif
