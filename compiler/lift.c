/* Lifting: one wasm function per guest function (Binaryen C API).
 *
 * The module's ABI (the runtime's side is runtime/aot.c):
 *   import  env.memory                      the runtime's memory
 *           env.step(ctx i32) -> i32        the runtime's interpreter runs the
 *                                           instruction at cpu->pc (emit_step)
 *           env.fpu(ctx, op, regs) -> i32   an F/D operation (emit_fpu)
 *           env.lookup(ctx, pc i64) -> i64  function | block << 32 of the entry
 *                                           at pc in this module (| 1 << 62: its
 *                                           function keeps KEPT), or -1 (emit_call)
 *           env.far(ctx, pc i64, depth) -> i32
 *                                           run the entry at pc in another module:
 *                                           why, or -1 (emit_call)
 *   export  run(ctx i32, func i32, block i32) -> i32
 *           calls function `func` at its block `block` (through a table);
 *           each function is f(ctx, block, depth, ret), depth the host
 *           stack its callers' frames take, estimated (emit_call), starting
 *           at ctx's (0, or where env.far was called), ret the address its
 *           caller wants it back at (-1 from run: none)
 *   custom  "friscy.entries": u32 count (little-endian), then per entry
 *           block, in address order, three ULEB128s: half its link
 *           address less the entry's before (0 before the first), its
 *           function less the entry's before's (functions come in address
 *           order), its block index times 2, plus 1 if its function keeps
 *           KEPT (struct lifted); env.lookup returns that bit as bit 62
 *   custom  "friscy.abi": u32 AOT_ABI_VERSION (include/aot_abi.h)
 * ctx points at struct aot_ctx in the runtime's memory:
 *   +0 cpu (rv_cpu *)  +4 arena base  +8 pageprot  +16 arena size (u64)
 *   +24 load bias (u64)  +32 instret limit (u64)  +60 depth (u32)
 * A function loads the guest registers it uses into locals, runs its
 * blocks (structured by Binaryen's Relooper, entered through a switch on
 * `block`: struct entries), and at every exit branches to its end, which
 * writes back the registers it changed, pc and instret, and returns why:
 *   0 NEXT     pc is elsewhere: look it up (a return, a jump to an address
 *              no module knows; a caller whose return address it is
 *              goes on there instead)
 *   1 ECALL    pc is the ecall
 *   2 INTERP   interpret from pc (ebreak, fence.i, an undecodable word, or
 *              an access the fast checks refused: the interpreter faults
 *              exactly)
 *   3 BUDGET   instret reached the limit, at an entry (pc)
 *   4 RET      (to a lifted caller only) a jump through a register to ret:
 *              the caller goes on without reading pc back
 * instret stays exact: a block adds its length when it starts and an exit
 * inside it takes back what did not retire. The budget is checked at
 * functions' starts and loop headers only (every cycle of the CFG, and
 * every recursion, passes one; both are entries), so a slice may run a
 * little past its budget, and ends where the next one can start. Loads
 * and stores check the arena bounds and the page permissions (pageprot)
 * first: guest code never leaves its arena. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <binaryen-c.h>

#include "aot_abi.h"
#include "rv2wasm.h"
#include "rv_fpu.h"

enum { NEXT = AOT_NEXT, ECALL = AOT_ECALL, INTERP = AOT_INTERP, BUDGET = AOT_BUDGET,
       RET = 4 /* (between lifted functions only: exit_ret) */ };
enum { PROT_R = 1, PROT_ST = 16 }; /* mem.h's page bits (MEM_R, MEM_ST) */

/* rv_cpu offsets (include/rv_cpu.h) */
enum { CPU_X = 0, CPU_F = 256, CPU_PC = 512, CPU_FCSR = 520, CPU_LR_ADDR = 528, CPU_LR_VALUE = 536 };
/* aot_ctx offsets */
enum { CTX_CPU = 0, CTX_BASE = 4, CTX_PP = 8, CTX_SIZE = 16, CTX_BIAS = 24,
       CTX_LEFT = 32, CTX_DEPTH = 60, CTX_START = 64, CTX_END = 72 };
/* The wasm stack is the host's (V8's: 984 KiB), and deep guest recursion
 * must not overflow it: nested calls go on while the host stack their
 * frames take, as frame_cost estimates it, stays under STACK_BUDGET; a
 * call past it goes through the runtime instead. The rest is for the
 * runtime under the first frame and over the last (its interpreter's frame
 * alone is ~20 KiB). */
#define STACK_BUDGET (640 * 1024)
/* Functions of this many blocks or more keep registers in locals only
 * within a block (lift_function's by_block). */
#define BY_BLOCK_MIN 400
#define MAX_EXIT_SETS 32

/* Locals of a lifted function. */
enum {
	L_CTX = 0, L_BLOCK = 1, L_DEPTH = 2, L_RET = 3, /* the parameters */
	L_RSP = 4,                /* sp at the call (emit_call) */
	L_NPARAMS,
	L_X1 = L_NPARAMS,         /* x1..x31 */
	L_CPU = L_X1 + 31, L_BASE, L_PP, L_LIM, L_BIAS,
	L_IC,                     /* what is left of the slice (aot_ctx.left),
				     counted down: a loop's budget test is a
				     compare with 0, and no register holds a
				     limit; rv_cpu's instret is the runtime's */
	L_PC, L_REASON,
	L_T0, L_T1, L_A, L_LABEL, L_WHY, L_FR, L_FS,
	L_FCSR,                   /* what fcsr allows inline (load_fcsr), as of the
				     last sync (i32) */
	L_F0,                     /* f0..f31: L_F0.. (f64, any bit pattern) */
	L_COUNT = L_F0 + 32,
	L_FMA = L_COUNT,          /* f64 temporaries of emit_fma and emit_fp_batch,
				     only in a function that has one (lifter.fma) */
	L_FMA_COUNT = 12,
};

typedef BinaryenExpressionRef E;

/* A function lifted, waiting to be added to the module: the lifters run on
 * threads, and the module takes functions and globals in function order
 * (lift_program), so that its output does not depend on their timing. */
struct lifted {
	BinaryenExpressionRef body;
	BinaryenIndex nvars;
	uint32_t sites;           /* its calls through a pointer (lookup_cached) */
	int keeps;                /* it calls nothing and uses none of KEPT */
};

struct lifter {
	BinaryenModuleRef m;
	const struct program *p;
	struct lift_stats *st;    /* this lifter's (lift_program sums them) */
	struct lifted *out;       /* per function, shared: each lifter writes its own */
	_Atomic uint32_t *next;   /* the next function to lift, shared */
	_Atomic int *failed;
	BinaryenType i32, i64;
	/* Register sets are uint64_t: bit r is xr, bit 32 + r is fr. */
	uint64_t used, written;   /* registers of the current function */
	uint64_t dirty;           /* those whose local rv_cpu has not seen */
	uint64_t *clobbers;       /* per function: what a call to it may change */
	int fcsr;                 /* it has FP operations that read fcsr */
	E *list;                  /* expressions of the block being built */
	size_t n, cap;
	int oom;
	int direct_calls;         /* jal to a function start is a wasm call */
	uint32_t fi;              /* the function being lifted */
	uint32_t sites;           /* its calls through a pointer so far (lookup_cached) */
	int32_t *cost;            /* per function: frame_cost */
	struct mem_plan *plan;    /* the current block's accesses (plan_block) */
	size_t plan_cap;
	uint32_t at;              /* the instruction being lifted, in its block */
	uint64_t valid;           /* those whose local has their value (valid_of) */
	struct exit { E seq, br; uint64_t regs, valid; } *exits; /* the current
				   * function's branches to its exit (in their code
				   * seq), with the registers to write back (dirty) and
				   * those it may (valid) */
	uint64_t live_after;      /* the registers live after the call being lifted */
	uint64_t fbase;           /* the current function's first address (exit_at) */
	int in_loop;              /* the block being lifted is in a loop */
	int calls;                /* the current function calls */
	int wasm_calls;           /* it makes wasm calls (emit_call), tail calls too */
	int fma;                  /* it uses L_FMA (an inline fused multiply-add, a
				     run of double arithmetic) */
	int32_t pending;          /* instructions that retired (or will, if the
				     block goes on) but L_IC has not counted yet
				     (uncounted) */
	size_t nexits, capexits;
};

#define M (L->m)
static E c64(struct lifter *L, int64_t v) { return BinaryenConst(M, BinaryenLiteralInt64(v)); }
static E c32(struct lifter *L, int32_t v) { return BinaryenConst(M, BinaryenLiteralInt32(v)); }
static E get64(struct lifter *L, int i) { return BinaryenLocalGet(M, (BinaryenIndex)i, L->i64); }
static E get32(struct lifter *L, int i) { return BinaryenLocalGet(M, (BinaryenIndex)i, L->i32); }
static E set(struct lifter *L, int i, E v) { return BinaryenLocalSet(M, (BinaryenIndex)i, v); }
static int is_c64(E e, int64_t *v)
{
	if (BinaryenExpressionGetId(e) != BinaryenConstId() || BinaryenExpressionGetType(e) != BinaryenTypeInt64())
		return 0;
	*v = BinaryenConstGetValueI64(e);
	return 1;
}

/* a op b, folded when both are i64 constants: x0's operations (li is
 * addi rd, x0, imm), which the passes rv2wasm runs leave as they are. */
static E bin(struct lifter *L, BinaryenOp op, E a, E b)
{
	int64_t x, y;
	if (is_c64(a, &x) && is_c64(b, &y)) {
		uint64_t u = (uint64_t)x, v = (uint64_t)y;
		if (op == BinaryenAddInt64())
			return c64(L, (int64_t)(u + v));
		if (op == BinaryenSubInt64())
			return c64(L, (int64_t)(u - v));
		if (op == BinaryenAndInt64())
			return c64(L, x & y);
		if (op == BinaryenOrInt64())
			return c64(L, x | y);
		if (op == BinaryenXorInt64())
			return c64(L, x ^ y);
	}
	return BinaryenBinary(M, op, a, b);
}
static E un(struct lifter *L, BinaryenOp op, E a) { return BinaryenUnary(M, op, a); }

static E sext32(struct lifter *L, E v32) { return un(L, BinaryenExtendSInt32(), v32); }
static E lo32(struct lifter *L, E v64) { return un(L, BinaryenWrapInt64(), v64); }
static E b2x(struct lifter *L, E cond32) { return un(L, BinaryenExtendUInt32(), cond32); }

/* A lifted function's type: f(ctx, block, depth, ret, rsp) -> why. */
static BinaryenType func_type(struct lifter *L)
{
	BinaryenType params[L_NPARAMS] = { L->i32, L->i32, L->i32, L->i64, L->i64 };
	return BinaryenTypeCreate(params, L_NPARAMS);
}

/* A lifted function's name: the link address it starts at, so that
 * rv2wasm --names (the name section) lets a profiler say which guest
 * function it is (nm or addr2line on the ELF give the symbol). */
enum { FUNC_NAME = 24 };
static void func_name(const struct program *p, uint32_t fi, char name[FUNC_NAME])
{
	snprintf(name, FUNC_NAME, "f_%" PRIx64, p->insns[p->blocks[p->funcs[fi].first_block].first].pc);
}

static E xr(struct lifter *L, int r) { return r ? get64(L, L_X1 + r - 1) : c64(L, 0); }

/* Array v of *cap items of `size` bytes, n of them used: as it is while
 * it has room, else doubled (first items at first), or NULL (v kept). */
static void *grown(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return v;
	size_t c = *cap ? *cap * 2 : first;
	void *w = realloc(v, c * size);
	if (w)
		*cap = c;
	return w;
}

static void emit(struct lifter *L, E e)
{
	E *v = grown(L->list, &L->cap, L->n, sizeof *v, 64);
	if (!v) {
		L->oom = 1;
		return;
	}
	L->list = v;
	L->list[L->n++] = e;
}

static void setx(struct lifter *L, int r, E v)
{
	if (r)
		emit(L, set(L, L_X1 + r - 1, v));
}

static E seq(struct lifter *L, E *v, size_t n)
{
	return BinaryenBlock(M, NULL, v, (BinaryenIndex)n, BinaryenTypeNone());
}

/* A guest address as a runtime pointer: pc-relative values carry the
 * bias, which is 0 for an ET_EXEC (the runtime runs its module only
 * there). */
static E link_pc(struct lifter *L, uint64_t vaddr)
{
	if (!L->p->is_dyn)
		return c64(L, (int64_t)vaddr);
	return bin(L, BinaryenAddInt64(), c64(L, (int64_t)vaddr), get64(L, L_BIAS));
}

/* link_pc's inverse: a runtime address as a link address. */
static E link_of(struct lifter *L, E pc)
{
	return L->p->is_dyn ? bin(L, BinaryenSubInt64(), pc, get64(L, L_BIAS)) : pc;
}

/* What L_IC has not counted of the instructions before the one at adj
 * (adj: its index in its block less the block's length; 0 after the
 * block): negative where it counted ahead. A block's instructions count
 * as it starts, but L_IC takes them in only where it must: at a
 * function's start, a loop header or an entry (the runtime comes there,
 * and the budget is tested), at a call, at an exit; between, they are
 * pending (L->pending). Another block starts with what the way in from
 * the first block before it that goes there has pending (a loop's fast
 * way mostly: the header's, not the end of a chain of byte tests), and
 * the other ways in count the difference; a block with no way in from
 * before starts with itself counted. So a loop subtracts once
 * each time round, on its back edge, and an if-else once a way. */
static int64_t uncounted(const struct lifter *L, int64_t adj)
{
	return (int64_t)L->pending + adj;
}

/* L_IC takes in n instructions. */
static E count(struct lifter *L, int64_t n)
{
	return set(L, L_IC, bin(L, BinaryenSubInt64(), get64(L, L_IC), c64(L, n)));
}

/* The code on a way from a block with `from` pending to one that starts
 * with `to` pending, or none. */
static E count_way(struct lifter *L, int32_t from, int32_t to)
{
	return from != to ? count(L, from - to) : NULL;
}

/* L_IC takes in what is pending. */
static void count_pending(struct lifter *L)
{
	if (L->pending)
		emit(L, count(L, L->pending));
	L->pending = 0;
}

/* Leave the function with why, at a pc given by code (pc) or by its link
 * address (exit_at), L_IC less fix; then a branch out of all the blocks'
 * control flow to the function's exit (lift_function), which writes back
 * the registers dirty here and returns why. */
static E exit_code(struct lifter *L, E pc, E code, int64_t fix)
{
	E v[4];
	size_t n = 0;
	if (fix)
		v[n++] = count(L, fix);
	if (pc)
		v[n++] = set(L, L_PC, pc);
	v[n++] = set(L, L_REASON, code);
	/* (A branch to "bx", the block's code, then renamed: the Relooper
	 * refuses labels its output does not define.) */
	v[n++] = BinaryenBreak(M, "bx", NULL, NULL);
	struct exit *x = grown(L->exits, &L->capexits, L->nexits, sizeof *x, 64);
	E seq_ = seq(L, v, n);
	assert(!(L->dirty & ~L->valid & L->used));
	if (!x)
		L->oom = 1;
	else
		(L->exits = x)[L->nexits++] = (struct exit){ seq_, v[n - 1], L->dirty, L->valid };
	return seq_;
}

static E exit_to(struct lifter *L, E pc, int why)
{
	return exit_code(L, pc, c32(L, why), uncounted(L, 0));
}

/* Integer register r between its local and rv_cpu. */
static E load_x(struct lifter *L, int r)
{
	return BinaryenLoad(M, 8, false, (uint32_t)(CPU_X + 8 * r), 8, L->i64, get32(L, L_CPU));
}

static E store_x(struct lifter *L, int r)
{
	return BinaryenStore(M, 8, (uint32_t)(CPU_X + 8 * r), 8, get32(L, L_CPU), get64(L, L_X1 + r - 1),
			     L->i64);
}

/* sp as it is now: its local if that holds it, else rv_cpu's. */
static E sp_now(struct lifter *L)
{
	return L->valid & 1ull << 2 ? get64(L, L_X1 + 1) : load_x(L, 2);
}

/* A jump through a register that is not a call (a return, mostly): RET if
 * it goes to the address the caller passed (L_RET) with sp as the caller
 * passed it (L_RSP), else NEXT. A function that never writes sp need not
 * compare: its sp is its caller's (emit_call says when it may not be). */
static E exit_ret(struct lifter *L)
{
	_Static_assert(NEXT == 0 && RET == 1 << 2, "exit_ret's why is back << 2");
	E back = bin(L, BinaryenEqInt64(), get64(L, L_T0), get64(L, L_RET));
	if (L->written & 1ull << 2)
		back = bin(L, BinaryenAndInt32(), back, bin(L, BinaryenEqInt64(), sp_now(L), get64(L, L_RSP)));
	return exit_code(L, get64(L, L_T0), bin(L, BinaryenShlInt32(), back, c32(L, 2)), uncounted(L, 0));
}

/* An exit at a link address packs it, why (EXIT_WHY_BITS) and L_IC's
 * correction (uncounted, + EXIT_ADJ_MAX) into one i32 that the function's exit unpacks
 * (lift_function), which is all it sets: an exit
 * is on every checked access, and this makes it 7-8 bytes, not 15-22. */
#define EXIT_WHY_BITS 3
#define EXIT_PC_SHIFT 9
#define EXIT_ADJ_MAX 31
static E exit_at(struct lifter *L, uint64_t vaddr, int why, int64_t adj)
{
	uint64_t off = (vaddr - L->fbase) / 2 + 1;
	int64_t fix = uncounted(L, adj);
	assert(why >= 0 && why < 1 << EXIT_WHY_BITS && 2 * EXIT_ADJ_MAX << EXIT_WHY_BITS < 1 << EXIT_PC_SHIFT);
	if (vaddr < L->fbase || vaddr & 1 || off >= 1u << (31 - EXIT_PC_SHIFT) || fix > EXIT_ADJ_MAX ||
	    fix < -EXIT_ADJ_MAX)
		return exit_code(L, link_pc(L, vaddr), c32(L, why), fix);
	return exit_code(L, NULL, c32(L, (int32_t)(off << EXIT_PC_SHIFT | (uint64_t)(fix + EXIT_ADJ_MAX) << EXIT_WHY_BITS |
						   (uint64_t)why)), 0);
}

/* The checks of a block's memory accesses, planned before it is lifted:
 * accesses through one base register, while it does not change, form a
 * group whose first access checks the whole range they touch (up to
 * MAX_GROUP_SPAN bytes) and the others none. A function's saves and restores of
 * registers, or the fields of a struct, are checked once. If the check
 * fails, the first access exits to the interpreter, which runs them all
 * exactly. */
struct mem_plan {
	uint8_t checked;          /* 1: checked by its group's first access */
	uint8_t store;            /* (a first access) the group stores */
	int32_t lo;               /* (a first access) offset from the base, */
	uint32_t span;            /* and bytes, of the range to check */
	uint8_t known;            /* no check: an earlier one covers it (struct facts) */
	uint8_t near;             /* (a first access) first only test that the range
				     [hlo, hlo + hspan), which holds a checked one and
				     the group's, lies in one page (struct facts) */
	int32_t hlo;
	uint32_t hspan;
};

/* Bytes an access moves (loads and stores that check_access guards), or 0. */
static int access_size(int op)
{
	switch (op) {
	case RV_OP_LB: case RV_OP_LBU: case RV_OP_SB: return 1;
	case RV_OP_LH: case RV_OP_LHU: case RV_OP_SH: return 2;
	case RV_OP_LW: case RV_OP_LWU: case RV_OP_SW: case RV_OP_FLW: case RV_OP_FSW: return 4;
	case RV_OP_LD: case RV_OP_SD: case RV_OP_FLD: case RV_OP_FSD: return 8;
	default: return 0;
	}
}

static int is_store(int op)
{
	return op == RV_OP_SB || op == RV_OP_SH || op == RV_OP_SW || op == RV_OP_SD ||
	       op == RV_OP_FSW || op == RV_OP_FSD;
}

#define MAX_GROUP_SPAN 1024 /* (so that a range touches at most two pages) */

/* Which fields of an instruction name F registers, from the operand
 * string of its row in the ISA table: D rd, S rs1, T rs2, R rs3. */
enum { F_RD = 1, F_RS1 = 2, F_RS2 = 4, F_RS3 = 8 };
static const char *const operands[RV_OP_COUNT] = {
#define X(name, mn, mask, match, ops) [RV_OP_##name] = ops,
	RV_INSNS(X)
#undef X
};

static uint8_t f_field_table[RV_OP_COUNT]; /* (f_fields_init, once) */

static void f_fields_init(void)
{
	for (int op = 0; op < RV_OP_COUNT; op++)
		for (const char *c = operands[op]; c && *c; c++)
			f_field_table[op] |= *c == 'D' ? F_RD : *c == 'S' ? F_RS1 : *c == 'T' ? F_RS2
					   : *c == 'R' ? F_RS3 : 0;
}

static int f_fields(int op)
{
	return op < RV_OP_COUNT ? f_field_table[op] : 0;
}

/* The registers an instruction writes (a register set: bit 32 + r for fr). */
static uint64_t defs_of(const rv_insn *in)
{
	if (f_fields(in->op) & F_RD)
		return 1ull << (32 + in->rd);
	return in->rd ? 1ull << in->rd : 0;
}

/* The registers an instruction's code reads: its operands (a field of an
 * instruction that has no such operand is 0: x0, or f0 read for nothing)
 * and, for one the runtime runs in place (emit_step), rd, which goes to
 * rv_cpu with them. */
static uint64_t reads_of(const rv_insn *in)
{
	int ff = f_fields(in->op);
	uint64_t r = 1ull << (ff & F_RS1 ? 32 + in->rs1 : in->rs1);
	r |= 1ull << (ff & F_RS2 ? 32 + in->rs2 : in->rs2);
	r |= ff & F_RS3 ? 1ull << (32 + in->rs3) : 0;
	if (in->op >= RV_OP_CSRRW && in->op <= RV_OP_CSRRCI)
		r |= 1ull << in->rd;
	return r & ~1ull;
}

/* What a function's checks have established: per register r, a range
 * [lo, lo + span) around its current value that a check let through, for
 * loads (R) or for stores too (ST) — or, when `near`, only that some
 * range inside it was (where paths with different ranges meet). Within
 * one activation of a compiled function the page bits cannot change:
 * mmap, munmap and mprotect are syscalls, an ecall leaves compiled code
 * (every frame unwinds), and only the interpreter sets MEM_CODE, in pages
 * a module covers only if they are not writable (they have no ST bit to
 * lose); threads switch and signals arrive only outside compiled code. So
 * a check holds until its base changes: a later access inside an exact
 * range needs no check; one whose range and a near range (or an exact
 * one) lie within one page needs only a test of that (the page's offset:
 * an and, a compare), which a pointer stepping through memory passes
 * until it crosses into the next page. `addi r, r, c` moves r's range,
 * `addi d, r, c` (and `mv d, r`) gives d r's range, moved; any other
 * write forgets it. Calls forget all but sp's, which the
 * call's return checks is unchanged. */
enum { FACT_R = 1, FACT_ST = 2 };
struct facts {
	int32_t lo[32];
	uint16_t span[32];       /* (at most 4096) */
	uint8_t perm[32];        /* 0: nothing known; FACT_R; FACT_ST (implies R) */
	uint8_t near[32];
};

static int covers(const struct facts *fa, int r, int64_t lo, int64_t hi, int store)
{
	return fa->perm[r] >= (store ? FACT_ST : FACT_R) && !fa->near[r] && lo >= fa->lo[r] &&
	       hi <= (int64_t)fa->lo[r] + fa->span[r];
}

/* A group's range (checked) becomes what is known of its base: joined
 * with what was known if they touch, have the same permission and stay
 * within one check's span (an entry checks a fact with one check). */
static void learn(struct facts *fa, int r, const struct mem_plan *g)
{
	uint8_t perm = g->store ? FACT_ST : FACT_R;
	int64_t lo = g->lo, hi = (int64_t)g->lo + g->span;
	if (fa->perm[r] == perm && !fa->near[r]) {
		int64_t olo = fa->lo[r], ohi = olo + fa->span[r];
		int64_t ulo = olo < lo ? olo : lo, uhi = ohi > hi ? ohi : hi;
		if (olo <= hi && lo <= ohi && uhi - ulo <= MAX_GROUP_SPAN)
			lo = ulo, hi = uhi;
	}
	fa->lo[r] = (int32_t)lo;
	fa->span[r] = (uint16_t)(hi - lo);
	fa->perm[r] = perm;
	fa->near[r] = 0;
}

/* The hull of [lo, hi) and r's known range, if within a page and r's
 * permission serves (a near group: struct mem_plan), else 0. */
static int hull(const struct facts *fa, int r, int64_t lo, int64_t hi, int store, struct mem_plan *g)
{
	if (fa->perm[r] < (store ? FACT_ST : FACT_R))
		return 0;
	int64_t flo = fa->lo[r], fhi = flo + fa->span[r];
	int64_t ulo = flo < lo ? flo : lo, uhi = fhi > hi ? fhi : hi;
	if (uhi - ulo > 4096)
		return 0;
	g->hlo = (int32_t)ulo;
	g->hspan = (uint32_t)(uhi - ulo);
	return 1;
}

/* The register rd := rs + c is derived from (addi, mv), and c; else 0. */
static int derived(const rv_insn *in, int64_t *c)
{
	*c = in->op == RV_OP_ADDI ? in->imm : 0;
	return in->op == RV_OP_ADDI ? in->rs1
	       : in->op == RV_OP_ADD && !in->rs1 ? in->rs2
	       : in->op == RV_OP_ADD && !in->rs2 ? in->rs1 : 0;
}

/* Plan a block's checks (L->plan) from what is known as it starts (*fa),
 * and leave in *fa what is known as it ends (its last instruction's
 * effects included; a call's are the caller's business: after_call). A
 * near group's full check, when its test fails, asks for what r's known
 * range had (ST for a load too: the ranges known after it are alike on
 * both ways; a page readable only, loaded through a pointer that stores,
 * then goes to the interpreter: speed, not correctness). Near groups
 * only where near_ok (in loops: elsewhere a test and a check would cost
 * more code than they save time). */
static int plan_block(struct lifter *L, const struct insn *ins, uint32_t n, struct facts *fa,
		      int near_ok)
{
	if (n > L->plan_cap) {
		struct mem_plan *v = realloc(L->plan, n * sizeof *v);
		if (!v)
			return -1;
		L->plan = v;
		L->plan_cap = n;
	}
	memset(L->plan, 0, n * sizeof *L->plan);
	int32_t lead[32]; /* per base register: its open group's first access, or -1 */
	for (int r = 0; r < 32; r++)
		lead[r] = -1;
	for (uint32_t i = 0; i < n; i++) {
		const rv_insn *in = &ins[i].in;
		int size = access_size(in->op), r = in->rs1, st = is_store(in->op);
		int64_t lo = in->imm, hi = (int64_t)in->imm + size;
		if (size && covers(fa, r, lo, hi, st)) {
			L->plan[i].checked = 1;
			L->plan[i].known = 1;
		} else if (size) {
			int32_t g = lead[r];
			if (g >= 0) {
				struct mem_plan *gp = &L->plan[g], ng = *gp;
				int64_t glo = gp->lo < lo ? gp->lo : lo;
				int64_t ghi = gp->lo + (int64_t)gp->span > hi ? gp->lo + (int64_t)gp->span : hi;
				if (ghi - glo <= MAX_GROUP_SPAN &&
				    (!gp->near || hull(fa, r, glo, ghi, st || gp->store, &ng))) {
					*gp = ng;
					gp->lo = (int32_t)glo;
					gp->span = (uint32_t)(ghi - glo);
					gp->store |= (uint8_t)st;
					L->plan[i].checked = 1;
				} else {
					learn(fa, r, gp);
					g = -1;
				}
			}
			if (g < 0) {
				struct mem_plan *np = &L->plan[i];
				*np = (struct mem_plan){ .lo = (int32_t)lo, .span = (uint32_t)size, .store = (uint8_t)st };
				if (near_ok && hull(fa, r, lo, hi, st, np)) {
					np->near = 1;
					np->store = fa->perm[r] == FACT_ST;
				}
				lead[r] = (int32_t)i;
			}
		}
		int rd = f_fields(in->op) & F_RD ? 0 : in->rd; /* (an F destination is not x[rd]) */
		if (rd) {
			/* rd := rs + c (addi, mv) takes what is known of rs, moved:
			 * a pointer copied or offset (gcc's `addi t4, a1, 8; sd
			 * 0(t4)` in an unrolled loop) needs no check of its own. */
			int64_t c;
			int rs = derived(in, &c);
			struct facts from;
			if (rs) {
				from.lo[rs] = fa->lo[rs], from.span[rs] = fa->span[rs];
				from.perm[rs] = fa->perm[rs], from.near[rs] = fa->near[rs];
				if (lead[rs] >= 0) /* (its open group, checked at its first access) */
					learn(&from, rs, &L->plan[lead[rs]]);
			}
			if (lead[rd] >= 0)
				learn(fa, rd, &L->plan[lead[rd]]);
			lead[rd] = -1;
			if (rs && from.perm[rs] &&
			    (int64_t)from.lo[rs] - c == (int32_t)((int64_t)from.lo[rs] - c)) {
				fa->lo[rd] = (int32_t)(from.lo[rs] - c);
				fa->span[rd] = from.span[rs];
				fa->perm[rd] = from.perm[rs];
				fa->near[rd] = from.near[rs];
			} else {
				fa->perm[rd] = 0;
			}
		}
	}
	for (int r = 0; r < 32; r++)
		if (lead[r] >= 0)
			learn(fa, r, &L->plan[lead[r]]);
	return 0;
}

/* Checks for an access of n bytes at local A; on failure, exit to the
 * interpreter at pc (instructions before it in the block retired), which
 * then faults or handles it exactly. A's page index i = A >> 12 does both
 * jobs: i < npages (L_LIM) keeps A inside the arena (pages below MEM_LOW
 * are never mapped: their pageprot is 0), and pageprot[i] has the bit the
 * access needs: R for a load, ST (writable and no decoded code) for a store
 * (a group may load too: ST implies R). An access of 2..8 bytes that
 * crosses into the next page takes the slow path; a group's range (over 8
 * bytes, at most MAX_GROUP_SPAN: two pages) tests both its pages' bits
 * instead, the second one of them perhaps pageprot's extra entry past the
 * arena's last page, which is 0. One exit for all. */
static E page_bits(struct lifter *L, E addr64)
{
	E idx = un(L, BinaryenWrapInt64(), bin(L, BinaryenShrUInt64(), addr64, c64(L, 12)));
	return BinaryenLoad(M, 1, false, 0, 1, L->i32, bin(L, BinaryenAddInt32(), get32(L, L_PP), idx));
}

static void check_access(struct lifter *L, int n, int store, uint64_t pc, int64_t adj, E skip)
{
	E outside = bin(L, BinaryenGeUInt64(), bin(L, BinaryenShrUInt64(), get64(L, L_A), c64(L, 12)),
			get64(L, L_LIM));
	E bits = page_bits(L, get64(L, L_A));
	E fail[5];
	int nf = 0;
	if (skip) /* (a near group: its page checked before) */
		fail[nf++] = BinaryenBreak(M, "ok", skip, NULL);
	fail[nf++] = BinaryenBreak(M, "fail", outside, NULL);
	if (n > 8)
		bits = bin(L, BinaryenAndInt32(), bits,
			   page_bits(L, bin(L, BinaryenAddInt64(), get64(L, L_A), c64(L, n - 1))));
	else if (n > 1)
		fail[nf++] = BinaryenBreak(M, "fail",
					   bin(L, BinaryenGtUInt32(),
					       bin(L, BinaryenAndInt32(), lo32(L, get64(L, L_A)), c32(L, 4095)),
					       c32(L, 4096 - n)), NULL);
	fail[nf++] = BinaryenBreak(M, "fail",
				   un(L, BinaryenEqZInt32(),
				      bin(L, BinaryenAndInt32(), bits, c32(L, store ? PROT_ST : PROT_R))),
				   NULL);
	fail[nf++] = BinaryenBreak(M, "ok", NULL, NULL);
	/* block ok { block fail { br_if fail ...; br ok } exit } */
	E ok[2] = { BinaryenBlock(M, "fail", fail, (BinaryenIndex)nf, BinaryenTypeNone()),
		    exit_at(L, pc, INTERP, adj) };
	emit(L, BinaryenBlock(M, "ok", ok, 2, BinaryenTypeNone()));
}

/* Local A := r + lo, and check_access of span bytes there. */
static void check_range(struct lifter *L, int r, int32_t lo, uint32_t span, int store, uint64_t pc,
			int64_t adj, E skip)
{
	emit(L, set(L, L_A, bin(L, BinaryenAddInt64(), xr(L, r), c64(L, lo))));
	check_access(L, (int)span, store, pc, adj, skip);
}

/* Checks of every range *fa holds (near ones in full: a false alarm costs
 * speed only), as the block at pc starts: a failure goes to the
 * interpreter there, nothing of it retired. Whether there was any. On
 * the runtime's way into an entry (`compact`, a cold path) each is a
 * call of the module's `chk` and all share one exit: entries' checks were
 * 8% of libc.so.6's code inline. */
static int check_known(struct lifter *L, const struct facts *fa, uint64_t pc, int compact)
{
	int any = 0;
	E all = NULL;
	for (int r = 0; r < 32; r++) {
		if (!fa->perm[r])
			continue;
		any = 1;
		if (!compact) {
			check_range(L, r, fa->lo[r], fa->span[r], fa->perm[r] == FACT_ST, pc, 0, NULL);
			continue;
		}
		E args[3] = { get32(L, L_CTX), bin(L, BinaryenAddInt64(), xr(L, r), c64(L, fa->lo[r])),
			      c32(L, (int32_t)(fa->span[r] | (fa->perm[r] == FACT_ST) << 16)) };
		E ok = BinaryenCall(M, "chk", args, 3, L->i32);
		all = all ? bin(L, BinaryenAndInt32(), all, ok) : ok;
	}
	if (all)
		emit(L, BinaryenIf(M, un(L, BinaryenEqZInt32(), all), exit_at(L, pc, INTERP, 0), NULL));
	return any;
}

/* Local A := the address of a load or store, checked as plan_block
 * said: the group's range at its first access (after the near test, if
 * any: the hull's page offset leaves it room), nothing at the others.
 * In a function that calls, a check outside its loops and not on sp is
 * a call of `chk` (12 bytes, not about 50): such a block runs once
 * per call of the function, which costs more than the check does. A
 * leaf function (a comparator, an accessor) may be what a loop calls:
 * its checks stay inline. busybox 13.80x -> 13.20x, the benchmarks
 * within noise.
 * The access's host address, with *off to add (wasm's offset): for an
 * offset >= 0, base + rs1 and the offset itself. That is base + A
 * exactly, since the check passed: A = rs1 + offset lies in the arena,
 * below 4 GiB, and a sum that wrapped around 2^64 would land in page 0,
 * never mapped, so rs1 <= A. */
static E guard(struct lifter *L, const struct insn *ins, int64_t adj, uint32_t *off)
{
	const struct mem_plan *mp = &L->plan[L->at];
	L->st->known += mp->known;
	if (!mp->checked && L->calls && !L->in_loop && ins->in.rs1 != 2 && !mp->near) {
		E args[3] = { get32(L, L_CTX), bin(L, BinaryenAddInt64(), xr(L, ins->in.rs1), c64(L, mp->lo)),
			      c32(L, (int32_t)(mp->span | (uint32_t)mp->store << 16)) };
		emit(L, BinaryenIf(M, un(L, BinaryenEqZInt32(), BinaryenCall(M, "chk", args, 3, L->i32)),
				   exit_at(L, ins->pc, INTERP, adj), NULL));
	} else if (!mp->checked) {
		E same = NULL;
		if (mp->near) {
			same = bin(L, BinaryenLeUInt32(),
				   bin(L, BinaryenAndInt32(),
				       bin(L, BinaryenAddInt32(), lo32(L, xr(L, ins->in.rs1)), c32(L, mp->hlo)),
				       c32(L, 4095)),
				   c32(L, 4096 - (int32_t)mp->hspan));
			L->st->near++;
		}
		check_range(L, ins->in.rs1, mp->lo, mp->span, mp->store, ins->pc, adj, same);
	}
	if (ins->in.imm >= 0) {
		*off = (uint32_t)ins->in.imm;
		return bin(L, BinaryenAddInt32(), get32(L, L_BASE), lo32(L, xr(L, ins->in.rs1)));
	}
	*off = 0;
	return bin(L, BinaryenAddInt32(), get32(L, L_BASE),
		   lo32(L, bin(L, BinaryenAddInt64(), xr(L, ins->in.rs1), c64(L, ins->in.imm))));
}

static E host_ptr(struct lifter *L)
{
	return bin(L, BinaryenAddInt32(), get32(L, L_BASE), un(L, BinaryenWrapInt64(), get64(L, L_A)));
}


static E call2(struct lifter *L, const char *fn, E a, E b)
{
	E args[2] = { a, b };
	return BinaryenCall(M, fn, args, 2, L->i64);
}

/* x op y for a division or remainder, of locals x and y, inline: /0 and
 * the one overflow (INT_MIN / -1) answered as RISC-V does before wasm
 * could trap. (They were functions of the module, a call each: `i % 11`
 * in a loop took 4% of its time in remw.) A W op works on the low words
 * (arg) and sign-extends its result (res). */
static E div_rem(struct lifter *L, int op, int x, int y)
{
	int w = op == RV_OP_DIVW || op == RV_OP_DIVUW || op == RV_OP_REMW || op == RV_OP_REMUW;
	int rem = op == RV_OP_REM || op == RV_OP_REMU || op == RV_OP_REMW || op == RV_OP_REMUW;
	int sgn = op == RV_OP_DIV || op == RV_OP_REM || op == RV_OP_DIVW || op == RV_OP_REMW;
#define arg(i) (w ? lo32(L, get64(L, i)) : get64(L, i))
#define res(v) (w ? sext32(L, v) : (v))
	BinaryenOp o = w ? (rem ? (sgn ? BinaryenRemSInt32() : BinaryenRemUInt32())
			    : (sgn ? BinaryenDivSInt32() : BinaryenDivUInt32()))
		       : (rem ? (sgn ? BinaryenRemSInt64() : BinaryenRemUInt64())
			  : (sgn ? BinaryenDivSInt64() : BinaryenDivUInt64()));
	E r = res(bin(L, o, arg(x), arg(y)));
	if (sgn) { /* INT_MIN / -1: INT_MIN, remainder 0 */
		E ovf = bin(L, BinaryenAndInt32(),
			    bin(L, w ? BinaryenEqInt32() : BinaryenEqInt64(), arg(x),
				w ? c32(L, INT32_MIN) : c64(L, INT64_MIN)),
			    bin(L, w ? BinaryenEqInt32() : BinaryenEqInt64(), arg(y),
				w ? c32(L, -1) : c64(L, -1)));
		r = BinaryenIf(M, ovf, rem ? c64(L, 0) : res(arg(x)), r);
	}
	/* /0: all ones, remainder the dividend */
	E zero = un(L, w ? BinaryenEqZInt32() : BinaryenEqZInt64(), arg(y));
	return BinaryenIf(M, zero, rem ? res(arg(x)) : c64(L, -1), r);
#undef arg
#undef res
}

/* The operations that are functions of the module (lift_helpers). */
static const char *helper_of(int op)
{
	switch (op) {
	case RV_OP_MULH: return "mulh";
	case RV_OP_MULHSU: return "mulhsu";
	case RV_OP_MULHU: return "mulhu";
	}
	return NULL;
}

/* Branch condition of a conditional branch (i32). */
static E branch_cond(struct lifter *L, const rv_insn *in)
{
	E a = xr(L, in->rs1), b = xr(L, in->rs2);
	switch (in->op) {
	case RV_OP_BEQ: return bin(L, BinaryenEqInt64(), a, b);
	case RV_OP_BNE: return bin(L, BinaryenNeInt64(), a, b);
	case RV_OP_BLT: return bin(L, BinaryenLtSInt64(), a, b);
	case RV_OP_BGE: return bin(L, BinaryenGeSInt64(), a, b);
	case RV_OP_BLTU: return bin(L, BinaryenLtUInt64(), a, b);
	default: return bin(L, BinaryenGeUInt64(), a, b);
	}
}

/* Left to the interpreter: ebreak, fence.i and illegal words raise there
 * what they must; the function exits (INTERP) before them. */
#define EXIT_CASES \
	case RV_OP_ILLEGAL: case RV_OP_EBREAK: case RV_OP_FENCE_I: case RV_OP_COUNT:

/* Run in place by the runtime's interpreter, one instruction, through the
 * import env.step (the CSRs other than fflags/frm/fcsr: the counters). */
#define STEP_CASES \
	case RV_OP_CSRRW: case RV_OP_CSRRS: case RV_OP_CSRRC: \
	case RV_OP_CSRRWI: case RV_OP_CSRRSI: case RV_OP_CSRRCI:
int lift_supports(int op)
{
	switch ((enum rv_op)op) {
	EXIT_CASES
		return 0;
	default:
		return 1;
	}
}

enum lift_result { LIFT_GO_ON, LIFT_ENDS, LIFT_EXITED, LIFT_CALLED,
		   LIFT_SWITCH /* a jr through a jump table: the target in T0 */ };

/* An instruction the runtime's interpreter runs in place (STEP_CASES):
 * rv_cpu gets the integer registers it may read or write (rd too, so that
 * reloading it is right whether or not the instruction writes it), pc and
 * instret; env.step(ctx) runs it; if it did not retire (a fault), exit to
 * the interpreter there, which raises it. FP registers and fcsr live in
 * rv_cpu only. */
static void emit_step(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	uint32_t done = 1;
	int regs[3] = { in->rs1, in->rs2, in->rd };
	for (int k = 0; k < 3; k++)
		if (!(done & 1u << regs[k])) {
			emit(L, store_x(L, regs[k]));
			done |= 1u << regs[k];
		}
	emit(L, BinaryenStore(M, 8, CTX_LEFT, 8, get32(L, L_CTX),
			      bin(L, BinaryenSubInt64(), get64(L, L_IC), c64(L, uncounted(L, adj))), L->i64));
	emit(L, BinaryenStore(M, 8, CPU_PC, 8, get32(L, L_CPU), link_pc(L, ins->pc), L->i64));
	E ctx = get32(L, L_CTX);
	emit(L, BinaryenIf(M, BinaryenCall(M, "step", &ctx, 1, L->i32),
			   exit_at(L, ins->pc, INTERP, adj), NULL));
	setx(L, in->rd, load_x(L, in->rd));
}

/* F registers live in f64 locals, as bit patterns (local.get/set and
 * reinterpret move bits exactly, NaN payloads too); rv_cpu has them at
 * exits, calls and env.fpu, as it has the integer registers. */
static E fget(struct lifter *L, int r) /* as an f64 */
{
	return BinaryenLocalGet(M, (BinaryenIndex)(L_F0 + r), BinaryenTypeFloat64());
}

static E fset(struct lifter *L, int r, E f64)
{
	return BinaryenLocalSet(M, (BinaryenIndex)(L_F0 + r), f64);
}

/* An f64 temporary local by index (emit_fma's, L_FMA..). */
static E tget(struct lifter *L, int i) { return BinaryenLocalGet(M, (BinaryenIndex)i, BinaryenTypeFloat64()); }
static E tset(struct lifter *L, int i, E v) { return BinaryenLocalSet(M, (BinaryenIndex)i, v); }

static E getf(struct lifter *L, int r) /* its bits, as an i64 */
{
	return un(L, BinaryenReinterpretFloat64(), fget(L, r));
}

static E setf(struct lifter *L, int r, E v64)
{
	return fset(L, r, un(L, BinaryenReinterpretInt64(), v64));
}

static E load_f(struct lifter *L, int r)
{
	return BinaryenLoad(M, 8, false, (uint32_t)(CPU_F + 8 * r), 8, BinaryenTypeFloat64(), get32(L, L_CPU));
}

static E store_f(struct lifter *L, int r)
{
	return BinaryenStore(M, 8, (uint32_t)(CPU_F + 8 * r), 8, get32(L, L_CPU), fget(L, r),
			     BinaryenTypeFloat64());
}

/* fcsr's cached copy is what it allows the inline F operations
 * (emit_fpu_inline): bit 0, NX is set (for an operation rounding to
 * nearest even); bit 1, frm is RNE too (for one with rm dyn). So each
 * tests a bit, not fcsr's fields: it is 0, 1 or 3. */
static E load_fcsr(struct lifter *L)
{
	E dyn = bin(L, BinaryenEqInt32(), bin(L, BinaryenAndInt32(), get32(L, L_FCSR), c32(L, 0xe1)), c32(L, 1));
	E two[2] = { set(L, L_FCSR, BinaryenLoad(M, 4, false, CPU_FCSR, 4, L->i32, get32(L, L_CPU))),
		     set(L, L_FCSR, bin(L, BinaryenOrInt32(), bin(L, BinaryenAndInt32(), get32(L, L_FCSR), c32(L, 1)),
					bin(L, BinaryenShlInt32(), dyn, c32(L, 1)))) };
	return BinaryenBlock(M, NULL, two, 2, BinaryenTypeNone());
}

/* fcsr lets an operation with rounding mode rm (RNE or dyn) round to
 * nearest even inline: NX set, and for dyn frm RNE too (load_fcsr). */
static E rne_ok(struct lifter *L, int rm)
{
	return rm == RV_DYN ? bin(L, BinaryenShrUInt32(), get32(L, L_FCSR), c32(L, 1))
			    : bin(L, BinaryenAndInt32(), get32(L, L_FCSR), c32(L, 1));
}

/* The shapes of RV_FPU_OPS (rv_fpu.h) that read or write an integer
 * register. */
enum { FPU_NONE, FPU_READS_X, FPU_WRITES_X, FPU_OTHER };
static int fpu_shape(int op)
{
	enum { FP3 = FPU_OTHER, FP2 = FPU_OTHER, FP1 = FPU_OTHER, FSGN = FPU_OTHER, FMM = FPU_OTHER,
	       FCVT_F = FPU_READS_X, FCVT_X = FPU_WRITES_X, FCMP = FPU_WRITES_X,
	       FCLASS = FPU_WRITES_X };
	switch ((enum rv_op)op) {
#define SHAPE(name, shape, fn) case RV_OP_##name: return shape;
	RV_FPU_OPS(SHAPE)
#undef SHAPE
	default: return FPU_NONE;
	}
}

/* An F/D operation the runtime's helpers compute (env.fpu, runtime/aot.h):
 * exact rounding, fflags and NaN rules, as the interpreter has them. */
static void emit_fpu(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int shape = fpu_shape(in->op), ff = f_fields(in->op);
	if (shape == FPU_READS_X && in->rs1)
		emit(L, store_x(L, in->rs1));
	uint32_t reads = (ff & F_RS1 ? 1u << in->rs1 : 0) | (ff & F_RS2 ? 1u << in->rs2 : 0) |
			 (ff & F_RS3 ? 1u << in->rs3 : 0);
	for (int r = 0; r < 32; r++)
		if (reads & 1u << r)
			emit(L, store_f(L, r));
	E args[3] = { get32(L, L_CTX), c32(L, in->op),
		      c32(L, in->rd | in->rs1 << 5 | in->rs2 << 10 | in->rs3 << 15 | in->rm << 20) };
	emit(L, BinaryenIf(M, BinaryenCall(M, "fpu", args, 3, L->i32),
			   exit_at(L, ins->pc, INTERP, adj), NULL));
	if (shape == FPU_WRITES_X)
		setx(L, in->rd, load_x(L, in->rd));
	if (ff & F_RD)
		emit(L, fset(L, in->rd, load_f(L, in->rd)));
	emit(L, load_fcsr(L)); /* (its flags) */
}

/* csrrw/s/c[i] on fflags (1), frm (2) or fcsr (3), as the interpreter's
 * csr_rmw: fcsr holds frm << 5 | fflags. (Other CSRs: env.step.) */
static int is_fp_csr(const rv_insn *in)
{
	return in->op >= RV_OP_CSRRW && in->op <= RV_OP_CSRRCI && in->imm >= 1 && in->imm <= 3;
}

static void emit_fp_csr(struct lifter *L, const rv_insn *in)
{
	static const int shift[4] = { 0, 0, 5, 0 }, mask[4] = { 0, 0x1f, 7, 0xff };
	int csr = in->imm, imm_form = in->op >= RV_OP_CSRRWI;
	int kind = (in->op - (imm_form ? RV_OP_CSRRWI : RV_OP_CSRRW)); /* 0 w, 1 s, 2 c */
	E fcsr = BinaryenLoad(M, 4, false, CPU_FCSR, 4, L->i64, get32(L, L_CPU));
	emit(L, set(L, L_T0, bin(L, BinaryenAndInt64(), bin(L, BinaryenShrUInt64(), fcsr, c64(L, shift[csr])),
				 c64(L, mask[csr]))));
	if (kind == 0 || in->rs1) {
		E src = imm_form ? c64(L, in->rs1) : xr(L, in->rs1);
		E nv = kind == 0 ? src : kind == 1 ? bin(L, BinaryenOrInt64(), get64(L, L_T0), src)
			: bin(L, BinaryenAndInt64(), get64(L, L_T0), bin(L, BinaryenXorInt64(), src, c64(L, -1)));
		nv = bin(L, BinaryenShlInt64(), bin(L, BinaryenAndInt64(), nv, c64(L, mask[csr])),
			 c64(L, shift[csr]));
		E keep = csr == 1 ? bin(L, BinaryenAndInt64(),
					BinaryenLoad(M, 4, false, CPU_FCSR, 4, L->i64, get32(L, L_CPU)), c64(L, 0xe0))
			: csr == 2 ? bin(L, BinaryenAndInt64(),
					 BinaryenLoad(M, 4, false, CPU_FCSR, 4, L->i64, get32(L, L_CPU)), c64(L, 0x1f))
			: c64(L, 0);
		emit(L, BinaryenStore(M, 4, CPU_FCSR, 4, get32(L, L_CPU), bin(L, BinaryenOrInt64(), keep, nv),
				      L->i64));
		emit(L, load_fcsr(L));
	}
	setx(L, in->rd, get64(L, L_T0));
}

/* The F register r as a wasm float of width d (1: f64; 0: f32, its low
 * half, meaningful only if boxed()). */
static E fval(struct lifter *L, int r, int d)
{
	return d ? fget(L, r)
		 : un(L, BinaryenReinterpretInt32(), lo32(L, getf(L, r)));
}

/* A single is NaN-boxed in F register r (else it reads as the canonical NaN). */
static E boxed(struct lifter *L, int r)
{
	return bin(L, BinaryenGeUInt64(), getf(L, r), c64(L, (int64_t)0xffffffff00000000ULL));
}

static E box(struct lifter *L, E bits32)
{
	return bin(L, BinaryenOrInt64(), un(L, BinaryenExtendUInt32(), bits32),
		   c64(L, (int64_t)0xffffffff00000000ULL));
}

/* emit_fpu's code, as one expression (the slow path of emit_fpu_inline). */
static E fpu_call(struct lifter *L, const struct insn *ins, int64_t adj)
{
	size_t mark = L->n;
	emit_fpu(L, ins, adj);
	E slow = seq(L, L->list + mark, L->n - mark);
	L->n = mark;
	return slow;
}

/* F and D operations inline where wasm gives the RISC-V answer bit for
 * bit, with the helper (emit_fpu) as the slow path; 0 if op is not one.
 *  - fsgnj*: sign bit operations (singles: when both are NaN-boxed).
 *  - feq/flt/fle: when neither operand is a NaN (no flag then).
 *  - fadd/fsub/fmul/fdiv/fsqrt: when the rounding is to nearest even,
 *    NX is already set in fflags (sticky: after a program's first inexact
 *    operation, inexactness changes nothing), and the result is finite and
 *    above the smallest normal (so there was no NV, DZ, OF or UF and no NaN
 *    to canonicalise). Otherwise the helper computes flags exactly.
 * Single operands must be NaN-boxed for any fast path. */
_Static_assert(RV_OP_AMOMAXU_W - RV_OP_AMOSWAP_W == 8 && RV_OP_AMOMAXU_D - RV_OP_AMOSWAP_D == 8 &&
	       RV_OP_AMOMAXU_W - RV_OP_LR_W == 10 && RV_OP_AMOMAXU_D - RV_OP_LR_D == 10,
	       "emit_atomic indexes the AMOs in table order");
_Static_assert(RV_OP_FSQRT_D - RV_OP_FADD_D == 4 && RV_OP_FSQRT_S - RV_OP_FADD_S == 4 &&
	       RV_OP_FSGNJX_D - RV_OP_FSGNJ_D == 2 && RV_OP_FNMADD_D - RV_OP_FMADD_D == 3 &&
	       RV_OP_FNMADD_S - RV_OP_FMADD_S == 3,
	       "emit_fpu_inline indexes fadd..fsqrt, fsgnj..fsgnjx and fmadd..fnmadd in table order");

/* An f64's bits shifted left (no sign) lie in [lo, hi): one unsigned
 * compare. */
static E shifted_in(struct lifter *L, E bits, uint64_t lo, uint64_t hi)
{
	return bin(L, BinaryenLtUInt64(),
		   bin(L, BinaryenSubInt64(), bin(L, BinaryenShlInt64(), bits, c64(L, 1)), c64(L, (int64_t)lo)),
		   c64(L, (int64_t)(hi - lo)));
}

/* f64 x's exponent field lies in [lo, hi). */
static E exp_in(struct lifter *L, E x, uint64_t lo, uint64_t hi)
{
	return shifted_in(L, un(L, BinaryenReinterpretFloat64(), x), lo << 53, hi << 53);
}

/* Result r (in local lr) is finite and above the smallest normal: its
 * bits shifted left (no sign), less the smallest normal's and 2 (shifted
 * bits are even: so "above"), below infinity's less that, unsigned. One
 * compare in the integer registers; as two of the f64 absolute value,
 * V8 rebuilt each constant in a vector register at every operation
 * (matmul 13% slower). */
static E normal_result(struct lifter *L, int d, int lr)
{
	BinaryenType ft = d ? BinaryenTypeFloat64() : BinaryenTypeFloat32();
	E bits = un(L, d ? BinaryenReinterpretFloat64() : BinaryenReinterpretFloat32(),
		    BinaryenLocalGet(M, (BinaryenIndex)lr, ft));
	if (d)
		return shifted_in(L, bits, (1ull << 53) + 2, 0x7ffull << 53);
	uint32_t lo = (1u << 24) + 2, inf = 0xffu << 24;
	return bin(L, BinaryenLtUInt32(),
		   bin(L, BinaryenSubInt32(), bin(L, BinaryenShlInt32(), bits, c32(L, 1)), c32(L, (int32_t)lo)),
		   c32(L, (int32_t)(inf - lo)));
}

/* The result in local lr of operation k (add sub mul div sqrt) raised
 * nothing but NX (which the inline path needs set): a sum or difference
 * that is finite (a tiny one is exact: both operands are multiples of the
 * least subnormal, and so is the sum); a product, quotient or root that
 * is normal. */
static E result_ok(struct lifter *L, int d, int k, int lr)
{
	if (k >= 2)
		return normal_result(L, d, lr);
	E bits = un(L, d ? BinaryenReinterpretFloat64() : BinaryenReinterpretFloat32(),
		    BinaryenLocalGet(M, (BinaryenIndex)lr, d ? BinaryenTypeFloat64() : BinaryenTypeFloat32()));
	return d ? bin(L, BinaryenLtUInt64(), bin(L, BinaryenShlInt64(), bits, c64(L, 1)), c64(L, (int64_t)(0x7ffull << 53)))
		 : bin(L, BinaryenLtUInt32(), bin(L, BinaryenShlInt32(), bits, c32(L, 1)), c32(L, (int32_t)(0xffu << 24)));
}

/* s + e = x + y exactly (Knuth's two-sum), in f64 locals; then, if odd,
 * s rounded to odd instead. */
static E two_sum(struct lifter *L, int x, int y, int s, int e, int odd)
{
	E two[5] = {
		tset(L, s, bin(L, BinaryenAddFloat64(), tget(L, x), tget(L, y))),
		tset(L, e, bin(L, BinaryenSubFloat64(), tget(L, s), tget(L, x))), /* (bb) */
		tset(L, e, bin(L, BinaryenAddFloat64(),
				bin(L, BinaryenSubFloat64(), tget(L, x),
				    bin(L, BinaryenSubFloat64(), tget(L, s), tget(L, e))),
				bin(L, BinaryenSubFloat64(), tget(L, y), tget(L, e)))),
		NULL, NULL };
	/* to odd: inexact and even -> one step towards e (away from zero
	 * when e has s's sign) */
	E sb = un(L, BinaryenReinterpretFloat64(), tget(L, s));
	E step = bin(L, BinaryenSubInt64(), c64(L, 1),
		     bin(L, BinaryenShlInt64(),
			 bin(L, BinaryenShrUInt64(),
			     bin(L, BinaryenXorInt64(), un(L, BinaryenReinterpretFloat64(), tget(L, e)),
				 un(L, BinaryenReinterpretFloat64(), tget(L, s))),
			     c64(L, 63)),
			 c64(L, 1)));
	E to_odd = bin(L, BinaryenAndInt32(), bin(L, BinaryenNeFloat64(), tget(L, e), BinaryenConst(M, BinaryenLiteralFloat64(0))),
		    un(L, BinaryenEqZInt64(), bin(L, BinaryenAndInt64(), sb, c64(L, 1))));
	/* (a select: either way about half the time, a branch would miss) */
	two[3] = tset(L, s, un(L, BinaryenReinterpretInt64(),
				bin(L, BinaryenAddInt64(), un(L, BinaryenReinterpretFloat64(), tget(L, s)),
				    BinaryenSelect(M, to_odd, step, c64(L, 0), L->i64))));
	return BinaryenBlock(M, NULL, two, odd ? 4 : 3, BinaryenTypeNone());
}

/* fmadd, fmsub, fnmsub, fnmadd (.d and .s) inline: wasm has no fused
 * multiply-add, and the runtime's helper (a soft fma behind env.fpu) made
 * a loop of them several times slower than qemu. The exact a * b + c,
 * rounded once, from f64 operations (RNE) only, as Boldo and Melquiond
 * showed ("Emulation of a FMA and correctly rounded sums: proved
 * algorithms using rounding to odd", IEEE TC 2008): a * b = uh + ul
 * exactly (Dekker's product, Veltkamp's split by 2^27 + 1); c + uh =
 * th + tl exactly (Knuth's two-sum); tl + ul rounded to odd (rounded to
 * nearest, then, if that was inexact and its last bit is even, one step
 * towards the exact sum); th plus that, rounded to nearest. Exact while
 * nothing overflows or underflows: a and b normal below 2^995, a * b and
 * c (or c zero) between 2^-900 and 2^1000; the result, as for the other
 * operations, finite and above the smallest normal, and fcsr as theirs.
 * A single's product is exact in f64, and its sum rounded to odd in f64
 * rounds to the single as the exact one would (53 >= 24 + 2). Else the
 * helper. */
static void emit_fma(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int d = in->op >= RV_OP_FMADD_D && in->op <= RV_OP_FNMADD_D;
	int k = in->op - (d ? RV_OP_FMADD_D : RV_OP_FMADD_S); /* madd msub nmsub nmadd */
	enum { A = L_FMA, B, C, UH, AH, AL, BH, BL, UL, TH, TL, T };
	L->fma = 1;
	E a = fval(L, in->rs1, d), b = fval(L, in->rs2, d), c = fval(L, in->rs3, d);
	if (!d) {
		a = un(L, BinaryenPromoteFloat32(), a);
		b = un(L, BinaryenPromoteFloat32(), b);
		c = un(L, BinaryenPromoteFloat32(), c);
	}
	if (k >= 2) /* -(a * b) */
		a = un(L, BinaryenNegFloat64(), a);
	if (k == 1 || k == 3)
		c = un(L, BinaryenNegFloat64(), c);
	emit(L, tset(L, A, a));
	emit(L, tset(L, B, b));
	emit(L, tset(L, C, c));
	E ok = rne_ok(L, in->rm);
	if (d) {
		const double split = 134217729.0; /* 2^27 + 1 */
		E p[8];
		p[0] = tset(L, UH, bin(L, BinaryenMulFloat64(), tget(L, A), tget(L, B)));
		p[1] = tset(L, AH, bin(L, BinaryenMulFloat64(), BinaryenConst(M, BinaryenLiteralFloat64(split)), tget(L, A)));
		p[2] = tset(L, AH, bin(L, BinaryenSubFloat64(), tget(L, AH), bin(L, BinaryenSubFloat64(), tget(L, AH), tget(L, A))));
		p[3] = tset(L, AL, bin(L, BinaryenSubFloat64(), tget(L, A), tget(L, AH)));
		p[4] = tset(L, BH, bin(L, BinaryenMulFloat64(), BinaryenConst(M, BinaryenLiteralFloat64(split)), tget(L, B)));
		p[5] = tset(L, BH, bin(L, BinaryenSubFloat64(), tget(L, BH), bin(L, BinaryenSubFloat64(), tget(L, BH), tget(L, B))));
		p[6] = tset(L, BL, bin(L, BinaryenSubFloat64(), tget(L, B), tget(L, BH)));
		/* ul = al*bl - (((uh - ah*bh) - al*bh) - ah*bl) */
		p[7] = tset(L, UL, bin(L, BinaryenSubFloat64(),
					bin(L, BinaryenMulFloat64(), tget(L, AL), tget(L, BL)),
					bin(L, BinaryenSubFloat64(),
					    bin(L, BinaryenSubFloat64(),
						bin(L, BinaryenSubFloat64(), tget(L, UH),
						    bin(L, BinaryenMulFloat64(), tget(L, AH), tget(L, BH))),
						bin(L, BinaryenMulFloat64(), tget(L, AL), tget(L, BH))),
					    bin(L, BinaryenMulFloat64(), tget(L, AH), tget(L, BL)))));
		for (int i = 0; i < 8; i++)
			emit(L, p[i]);
		/* th + tl = c + uh exactly; tl + ul to odd (in TL); th + that */
		emit(L, two_sum(L, C, UH, TH, TL, 0));
		emit(L, two_sum(L, TL, UL, T, AH, 1));
		emit(L, set(L, L_FR, bin(L, BinaryenAddFloat64(), tget(L, TH), tget(L, T))));
		E in_range = bin(L, BinaryenAndInt32(),
				 bin(L, BinaryenAndInt32(), exp_in(L, tget(L, A), 1, 2018), exp_in(L, tget(L, B), 1, 2018)),
				 bin(L, BinaryenAndInt32(), exp_in(L, tget(L, UH), 123, 2023),
				     bin(L, BinaryenOrInt32(), exp_in(L, tget(L, C), 123, 2023),
					 exp_in(L, tget(L, C), 0, 1))));
		ok = bin(L, BinaryenAndInt32(), ok, bin(L, BinaryenAndInt32(), in_range, normal_result(L, 1, L_FR)));
		emit(L, BinaryenIf(M, ok, fset(L, in->rd, BinaryenLocalGet(M, L_FR, BinaryenTypeFloat64())),
				   fpu_call(L, ins, adj)));
		return;
	}
	/* a single: a * b exact; + c to odd in f64; to the single */
	emit(L, tset(L, UH, bin(L, BinaryenMulFloat64(), tget(L, A), tget(L, B))));
	emit(L, two_sum(L, UH, C, TH, TL, 1));
	emit(L, set(L, L_FS, un(L, BinaryenDemoteFloat64(), tget(L, TH))));
	ok = bin(L, BinaryenAndInt32(), ok,
		 bin(L, BinaryenAndInt32(), normal_result(L, 0, L_FS),
		     bin(L, BinaryenAndInt32(), boxed(L, in->rs1),
			 bin(L, BinaryenAndInt32(), boxed(L, in->rs2), boxed(L, in->rs3)))));
	emit(L, BinaryenIf(M, ok, setf(L, in->rd, box(L, un(L, BinaryenReinterpretFloat32(),
							     BinaryenLocalGet(M, L_FS, BinaryenTypeFloat32())))),
			   fpu_call(L, ins, adj)));
}

/* Conversions between doubles and integers inline where no flag can
 * change and the rounding is known (C's casts, and (double)i in loops,
 * went through the helper each time):
 * - fcvt.d.w, fcvt.d.wu: always exact;
 * - fcvt.d.l, fcvt.d.lu: exact within 2^53, else rounded to nearest
 *   even when that is the rounding and NX is set (fcsr's cached bits);
 * - fcvt.{w,wu,l,lu}.d, rounding toward zero (static) or to nearest even
 *   (static; dyn under frm RNE): the rounded value in range (no NV) and
 *   equal to the operand, or NX set. A NaN fails every compare;
 * - fcvt.d.s: exact, for a boxed single not a NaN (a NaN becomes the
 *   canonical one, and may raise NV); fcvt.s.d as the other operations.
 * Else the helper. 1 if lifted so. */
static int emit_fcvt(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int op = in->op;
	E fast, ok;
	if (op == RV_OP_FCVT_D_W || op == RV_OP_FCVT_D_WU) {
		E x = lo32(L, xr(L, in->rs1));
		emit(L, fset(L, in->rd, un(L, op == RV_OP_FCVT_D_W ? BinaryenConvertSInt32ToFloat64()
							       : BinaryenConvertUInt32ToFloat64(), x)));
		return 1;
	}
	if (op == RV_OP_FCVT_D_L || op == RV_OP_FCVT_D_LU) {
		int s = op == RV_OP_FCVT_D_L;
		if (in->rm != RV_RNE && in->rm != RV_DYN)
			return 0;
		/* exact: within [-2^53, 2^53] (signed), below 2^53 (unsigned) */
		E exact = s ? bin(L, BinaryenLeUInt64(), bin(L, BinaryenAddInt64(), xr(L, in->rs1), c64(L, 1ll << 53)),
				  c64(L, 1ll << 54))
			    : bin(L, BinaryenLtUInt64(), xr(L, in->rs1), c64(L, 1ll << 53));
		ok = bin(L, BinaryenOrInt32(), exact, rne_ok(L, in->rm));
		fast = fset(L, in->rd, un(L, s ? BinaryenConvertSInt64ToFloat64() : BinaryenConvertUInt64ToFloat64(),
					  xr(L, in->rs1)));
		emit(L, BinaryenIf(M, ok, fast, fpu_call(L, ins, adj)));
		return 1;
	}
	if (op == RV_OP_FCVT_D_S) {
		E x = fval(L, in->rs1, 0);
		ok = bin(L, BinaryenAndInt32(), boxed(L, in->rs1), bin(L, BinaryenEqFloat32(), x, fval(L, in->rs1, 0)));
		emit(L, BinaryenIf(M, ok, fset(L, in->rd, un(L, BinaryenPromoteFloat32(), fval(L, in->rs1, 0))),
				   fpu_call(L, ins, adj)));
		return 1;
	}
	if (op == RV_OP_FCVT_S_D) {
		if (in->rm != RV_RNE && in->rm != RV_DYN)
			return 0;
		emit(L, set(L, L_FS, un(L, BinaryenDemoteFloat64(), fget(L, in->rs1))));
		ok = bin(L, BinaryenAndInt32(), rne_ok(L, in->rm), normal_result(L, 0, L_FS));
		emit(L, BinaryenIf(M, ok, setf(L, in->rd, box(L, un(L, BinaryenReinterpretFloat32(),
								    BinaryenLocalGet(M, L_FS, BinaryenTypeFloat32())))),
				   fpu_call(L, ins, adj)));
		return 1;
	}
	int w = op == RV_OP_FCVT_W_D || op == RV_OP_FCVT_WU_D;
	int u = op == RV_OP_FCVT_WU_D || op == RV_OP_FCVT_LU_D;
	if (in->rm != RV_RTZ && in->rm != RV_RNE && in->rm != RV_DYN)
		return 0;
	E nx = bin(L, BinaryenAndInt32(), get32(L, L_FCSR), c32(L, 1));
	/* v: the operand rounded to an integer, in L_FR */
	emit(L, set(L, L_FR, un(L, in->rm == RV_RTZ ? BinaryenTruncFloat64() : BinaryenNearestFloat64(),
				fget(L, in->rs1))));
	E v = BinaryenLocalGet(M, L_FR, BinaryenTypeFloat64());
	double lo = u ? 0.0 : w ? -2147483648.0 : -9223372036854775808.0;
	double hi = w ? (u ? 4294967296.0 : 2147483648.0) : (u ? 18446744073709551616.0 : 9223372036854775808.0);
	E in_range = bin(L, BinaryenAndInt32(),
			 bin(L, BinaryenGeFloat64(), v, BinaryenConst(M, BinaryenLiteralFloat64(lo))),
			 bin(L, BinaryenLtFloat64(), BinaryenLocalGet(M, L_FR, BinaryenTypeFloat64()),
			     BinaryenConst(M, BinaryenLiteralFloat64(hi))));
	E same = bin(L, BinaryenEqFloat64(), BinaryenLocalGet(M, L_FR, BinaryenTypeFloat64()), fget(L, in->rs1));
	ok = bin(L, BinaryenAndInt32(), in_range, bin(L, BinaryenOrInt32(), nx, same));
	if (in->rm == RV_DYN) /* (rounding to nearest even: frm RNE) */
		ok = bin(L, BinaryenAndInt32(), ok, rne_ok(L, RV_DYN));
	E r = BinaryenLocalGet(M, L_FR, BinaryenTypeFloat64());
	if (w) /* (a W result is sign-extended, the unsigned one too) */
		r = sext32(L, un(L, u ? BinaryenTruncUFloat64ToInt32() : BinaryenTruncSFloat64ToInt32(), r));
	else
		r = un(L, u ? BinaryenTruncUFloat64ToInt64() : BinaryenTruncSFloat64ToInt64(), r);
	fast = in->rd ? set(L, L_X1 + in->rd - 1, r) : BinaryenNop(M);
	emit(L, BinaryenIf(M, ok, fast, fpu_call(L, ins, adj)));
	return 1;
}

/* Neither of rs1 and rs2 is a NaN (nor, for singles, unboxed: that
 * reads as the canonical NaN). */
static E no_nans(struct lifter *L, const rv_insn *in, int d)
{
	BinaryenOp EQ = d ? BinaryenEqFloat64() : BinaryenEqFloat32();
	E ok = bin(L, BinaryenAndInt32(), bin(L, EQ, fval(L, in->rs1, d), fval(L, in->rs1, d)),
		   bin(L, EQ, fval(L, in->rs2, d), fval(L, in->rs2, d)));
	if (!d)
		ok = bin(L, BinaryenAndInt32(), ok, bin(L, BinaryenAndInt32(), boxed(L, in->rs1), boxed(L, in->rs2)));
	return ok;
}

static int emit_fpu_inline(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int d;
	switch (in->op) {
	case RV_OP_FSGNJ_D: case RV_OP_FSGNJN_D: case RV_OP_FSGNJX_D:
	case RV_OP_FSGNJ_S: case RV_OP_FSGNJN_S: case RV_OP_FSGNJX_S: {
		d = in->op >= RV_OP_FSGNJ_D && in->op <= RV_OP_FSGNJX_D;
		int x = in->op == RV_OP_FSGNJX_D || in->op == RV_OP_FSGNJX_S;
		int n = in->op == RV_OP_FSGNJN_D || in->op == RV_OP_FSGNJN_S;
		E a = d ? getf(L, in->rs1) : lo32(L, getf(L, in->rs1));
		E b = d ? getf(L, in->rs2) : lo32(L, getf(L, in->rs2));
		BinaryenOp AND = d ? BinaryenAndInt64() : BinaryenAndInt32();
		BinaryenOp OR = d ? BinaryenOrInt64() : BinaryenOrInt32();
		BinaryenOp XOR = d ? BinaryenXorInt64() : BinaryenXorInt32();
		E sign = d ? c64(L, INT64_MIN) : c32(L, INT32_MIN);
		E v;
		if (x)
			v = bin(L, XOR, a, bin(L, AND, b, sign));
		else
			v = bin(L, OR, bin(L, AND, a, d ? c64(L, INT64_MAX) : c32(L, INT32_MAX)),
				bin(L, AND, n ? bin(L, XOR, b, d ? c64(L, -1) : c32(L, -1)) : b, sign));
		if (d)
			emit(L, setf(L, in->rd, v));
		else
			emit(L, BinaryenIf(M, bin(L, BinaryenAndInt32(), boxed(L, in->rs1), boxed(L, in->rs2)),
					   setf(L, in->rd, box(L, v)), fpu_call(L, ins, adj)));
		return 1;
	}
	case RV_OP_FEQ_D: case RV_OP_FLT_D: case RV_OP_FLE_D:
	case RV_OP_FEQ_S: case RV_OP_FLT_S: case RV_OP_FLE_S: {
		d = in->op == RV_OP_FEQ_D || in->op == RV_OP_FLT_D || in->op == RV_OP_FLE_D;
		int k = in->op == RV_OP_FEQ_D || in->op == RV_OP_FEQ_S ? 0
		      : in->op == RV_OP_FLT_D || in->op == RV_OP_FLT_S ? 1 : 2;
		static BinaryenOp (*const cmp[2][3])(void) = {
			{ BinaryenEqFloat32, BinaryenLtFloat32, BinaryenLeFloat32 },
			{ BinaryenEqFloat64, BinaryenLtFloat64, BinaryenLeFloat64 },
		};
		E ok = no_nans(L, in, d);
		E fast = in->rd ? set(L, L_X1 + in->rd - 1,
				      b2x(L, bin(L, cmp[d][k](), fval(L, in->rs1, d), fval(L, in->rs2, d))))
			 : BinaryenNop(M);
		emit(L, BinaryenIf(M, ok, fast, fpu_call(L, ins, adj)));
		return 1;
	}
	case RV_OP_FCVT_D_W: case RV_OP_FCVT_D_WU: case RV_OP_FCVT_D_L: case RV_OP_FCVT_D_LU:
	case RV_OP_FCVT_W_D: case RV_OP_FCVT_WU_D: case RV_OP_FCVT_L_D: case RV_OP_FCVT_LU_D:
	case RV_OP_FCVT_D_S: case RV_OP_FCVT_S_D:
		return emit_fcvt(L, ins, adj);
	case RV_OP_FMIN_D: case RV_OP_FMAX_D: case RV_OP_FMIN_S: case RV_OP_FMAX_S: {
		/* wasm's min and max order -0 below +0 as RISC-V's do; they
		 * differ on NaNs (the helper's) */
		d = in->op == RV_OP_FMIN_D || in->op == RV_OP_FMAX_D;
		int mx = in->op == RV_OP_FMAX_D || in->op == RV_OP_FMAX_S;
		E ok = no_nans(L, in, d);
		E r = bin(L, d ? (mx ? BinaryenMaxFloat64() : BinaryenMinFloat64())
			       : (mx ? BinaryenMaxFloat32() : BinaryenMinFloat32()),
			  fval(L, in->rs1, d), fval(L, in->rs2, d));
		E fast = d ? fset(L, in->rd, r) : setf(L, in->rd, box(L, un(L, BinaryenReinterpretFloat32(), r)));
		emit(L, BinaryenIf(M, ok, fast, fpu_call(L, ins, adj)));
		return 1;
	}
	case RV_OP_FMADD_D: case RV_OP_FMSUB_D: case RV_OP_FNMSUB_D: case RV_OP_FNMADD_D:
	case RV_OP_FMADD_S: case RV_OP_FMSUB_S: case RV_OP_FNMSUB_S: case RV_OP_FNMADD_S:
		if (in->rm != RV_RNE && in->rm != RV_DYN)
			return 0;
		emit_fma(L, ins, adj);
		return 1;
	case RV_OP_FADD_D: case RV_OP_FSUB_D: case RV_OP_FMUL_D: case RV_OP_FDIV_D:
	case RV_OP_FSQRT_D:
	case RV_OP_FADD_S: case RV_OP_FSUB_S: case RV_OP_FMUL_S: case RV_OP_FDIV_S:
	case RV_OP_FSQRT_S: {
		if (in->rm != RV_RNE && in->rm != RV_DYN)
			return 0;
		d = in->op >= RV_OP_FADD_D && in->op <= RV_OP_FSQRT_D;
		int k = in->op - (d ? RV_OP_FADD_D : RV_OP_FADD_S); /* add sub mul div sqrt */
		static BinaryenOp (*const ops[2][4])(void) = {
			{ BinaryenAddFloat32, BinaryenSubFloat32, BinaryenMulFloat32, BinaryenDivFloat32 },
			{ BinaryenAddFloat64, BinaryenSubFloat64, BinaryenMulFloat64, BinaryenDivFloat64 },
		};
		BinaryenType ft = d ? BinaryenTypeFloat64() : BinaryenTypeFloat32();
		int lr = d ? L_FR : L_FS;
		E r = k == 4 ? un(L, d ? BinaryenSqrtFloat64() : BinaryenSqrtFloat32(), fval(L, in->rs1, d))
			: bin(L, ops[d][k](), fval(L, in->rs1, d), fval(L, in->rs2, d));
		emit(L, set(L, lr, r));
		E ok = bin(L, BinaryenAndInt32(), rne_ok(L, in->rm), result_ok(L, d, k, lr));
		if (!d)
			ok = bin(L, BinaryenAndInt32(), ok,
				 k == 4 ? boxed(L, in->rs1)
				 : bin(L, BinaryenAndInt32(), boxed(L, in->rs1), boxed(L, in->rs2)));
		E to = d ? fset(L, in->rd, BinaryenLocalGet(M, L_FR, ft))
			 : setf(L, in->rd, box(L, un(L, BinaryenReinterpretFloat32(), BinaryenLocalGet(M, L_FS, ft))));
		emit(L, BinaryenIf(M, ok, to, fpu_call(L, ins, adj)));
		return 1;
	}
	}
	return 0;
}

/* Runs of double arithmetic (fadd, fsub, fmul, fdiv, fsqrt .d, rounding
 * to nearest even: emit_fpu_inline's), up to L_FMA_COUNT in a row, are
 * lifted as one (emit_fp_batch): each result into a temporary (of
 * L_FMA's), one branch on all their tests (fcsr allows it, result_ok),
 * then the registers; if it fails, the helper runs each in turn from the
 * registers as they were, none written yet, so that results, flags and
 * an exit in the middle are as one at a time. One branch, and one call on
 * the slow path, a run instead of one an operation: nbody 17% faster,
 * matmul 5% (with no test at all they ran 2.5x and 2.2x as fast: what is
 * left is the tests' own instructions). The sums and differences of a
 * run, which need only be finite, are tested together in the f64
 * registers: their total s less itself is 0 if every one is finite, NaN
 * if one is infinite or NaN (and when finite ones overflow the total, the
 * helper runs them: speed only). Two f64 operations each instead of a
 * move to an integer register, a shift and a compare: nbody 8-12%
 * faster, matmul the same (its runs are products: A/B, min of 7 and 9). */
static int batchable(const rv_insn *in)
{
	return in->op >= RV_OP_FADD_D && in->op <= RV_OP_FSQRT_D && (in->rm == RV_RNE || in->rm == RV_DYN);
}

static uint32_t batch_len(const struct insn *ins, uint32_t left)
{
	uint32_t m = 0;
	while (m < left && m < L_FMA_COUNT && batchable(&ins[m].in))
		m++;
	return m;
}

static void emit_fp_batch(struct lifter *L, const struct insn *ins, uint32_t m, int64_t adj)
{
	static BinaryenOp (*const ops[4])(void) = { BinaryenAddFloat64, BinaryenSubFloat64, BinaryenMulFloat64,
						    BinaryenDivFloat64 };
	int tmp[32]; /* per F register: the temporary that has its value in the run, or -1 */
	int dyn = 0;
	E ok = NULL, sum = NULL;
	L->fma = 1;
	for (int r = 0; r < 32; r++)
		tmp[r] = -1;
	for (uint32_t j = 0; j < m; j++) {
		const rv_insn *in = &ins[j].in;
		int k = in->op - RV_OP_FADD_D;
		E a = tmp[in->rs1] >= 0 ? tget(L, tmp[in->rs1]) : fget(L, in->rs1);
		E r = k == 4 ? un(L, BinaryenSqrtFloat64(), a)
			: bin(L, ops[k](), a, tmp[in->rs2] >= 0 ? tget(L, tmp[in->rs2]) : fget(L, in->rs2));
		emit(L, tset(L, L_FMA + (int)j, r));
		if (k < 2) { /* (its test: the total's, below) */
			sum = sum ? bin(L, BinaryenAddFloat64(), sum, tget(L, L_FMA + (int)j)) : tget(L, L_FMA + (int)j);
		} else {
			E good = result_ok(L, 1, k, L_FMA + (int)j);
			ok = ok ? bin(L, BinaryenAndInt32(), ok, good) : good;
		}
		dyn |= in->rm == RV_DYN;
		tmp[in->rd] = L_FMA + (int)j;
	}
	if (sum) {
		emit(L, tset(L, L_FR, sum));
		E fin = bin(L, BinaryenEqFloat64(), bin(L, BinaryenSubFloat64(), tget(L, L_FR), tget(L, L_FR)),
			    BinaryenConst(M, BinaryenLiteralFloat64(0)));
		ok = ok ? bin(L, BinaryenAndInt32(), ok, fin) : fin;
	}
	ok = bin(L, BinaryenAndInt32(), rne_ok(L, dyn ? RV_DYN : RV_RNE), ok);
	E fast[32];
	BinaryenIndex n = 0;
	for (int r = 0; r < 32; r++)
		if (tmp[r] >= 0)
			fast[n++] = fset(L, r, tget(L, tmp[r]));
	/* (the slow path's exits store what the helper wrote before them too) */
	size_t mark = L->n;
	uint64_t dirty = L->dirty, valid = L->valid;
	for (uint32_t j = 0; j < m; j++) {
		emit_fpu(L, &ins[j], adj + (int64_t)j);
		L->dirty |= defs_of(&ins[j].in), L->valid |= defs_of(&ins[j].in);
	}
	E slow = seq(L, L->list + mark, L->n - mark);
	L->n = mark;
	L->dirty = dirty, L->valid = valid;
	emit(L, BinaryenIf(M, ok, seq(L, fast, n), slow));
	L->st->lifted += m;
	L->st->fp_runs++;
	L->st->fp_run_ops += m;
}

/* LR, SC and the AMOs, as the interpreter does them (one hart: an AMO is
 * a load, an operation and a store; SC succeeds when the reservation is
 * this address and memory still holds what LR read). A misaligned address
 * exits to the interpreter, which raises SIGBUS; the access checks are a
 * store's (W, no interpreted code) except for LR. */
static void emit_atomic(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int op = in->op;
	int w = op >= RV_OP_LR_W && op <= RV_OP_AMOMAXU_W, n = w ? 4 : 8;
	int lr = op == RV_OP_LR_W || op == RV_OP_LR_D, sc = op == RV_OP_SC_W || op == RV_OP_SC_D;
	emit(L, set(L, L_A, xr(L, in->rs1)));
	emit(L, BinaryenIf(M, bin(L, BinaryenAndInt32(), lo32(L, get64(L, L_A)), c32(L, n - 1)),
			   exit_at(L, ins->pc, INTERP, adj), NULL));
	check_access(L, n, !lr, ins->pc, adj, NULL);
	/* T0: memory's value, sign-extended for .w */
	emit(L, set(L, L_T0, BinaryenLoad(M, (uint32_t)n, true, 0, 1, L->i64, host_ptr(L))));
	if (lr) {
		emit(L, BinaryenStore(M, 8, CPU_LR_ADDR, 8, get32(L, L_CPU), get64(L, L_A), L->i64));
		emit(L, BinaryenStore(M, 8, CPU_LR_VALUE, 8, get32(L, L_CPU), get64(L, L_T0), L->i64));
		setx(L, in->rd, get64(L, L_T0));
		return;
	}
	if (sc) {
		E same = w ? bin(L, BinaryenEqInt32(), lo32(L, get64(L, L_T0)),
				 lo32(L, BinaryenLoad(M, 8, false, CPU_LR_VALUE, 8, L->i64, get32(L, L_CPU))))
			 : bin(L, BinaryenEqInt64(), get64(L, L_T0),
			       BinaryenLoad(M, 8, false, CPU_LR_VALUE, 8, L->i64, get32(L, L_CPU)));
		E ok = bin(L, BinaryenAndInt32(),
			   bin(L, BinaryenEqInt64(), get64(L, L_A),
			       BinaryenLoad(M, 8, false, CPU_LR_ADDR, 8, L->i64, get32(L, L_CPU))), same);
		emit(L, set(L, L_T1, b2x(L, ok)));
		emit(L, BinaryenIf(M, un(L, BinaryenWrapInt64(), get64(L, L_T1)),
				   BinaryenStore(M, (uint32_t)n, 0, 1, host_ptr(L), xr(L, in->rs2), L->i64), NULL));
		emit(L, BinaryenStore(M, 8, CPU_LR_ADDR, 8, get32(L, L_CPU), c64(L, -1), L->i64));
		setx(L, in->rd, bin(L, BinaryenXorInt64(), get64(L, L_T1), c64(L, 1)));
		return;
	}
	int k = op - (w ? RV_OP_AMOSWAP_W : RV_OP_AMOSWAP_D); /* swap add xor and or min max minu maxu */
	E a = get64(L, L_T0), b = xr(L, in->rs2), nv;
	if (w) { /* compare the low words: sign-extend (signed) or zero-extend (unsigned) s */
		b = k == 7 || k == 8 ? un(L, BinaryenExtendUInt32(), lo32(L, b)) : sext32(L, lo32(L, b));
		if (k == 7 || k == 8)
			a = un(L, BinaryenExtendUInt32(), lo32(L, a));
	}
	static BinaryenOp (*const cmp[4])(void) = { BinaryenLtSInt64, BinaryenGtSInt64, BinaryenLtUInt64,
						      BinaryenGtUInt64 };
	switch (k) {
	case 0: nv = b; break;
	case 1: nv = bin(L, BinaryenAddInt64(), a, b); break;
	case 2: nv = bin(L, BinaryenXorInt64(), a, b); break;
	case 3: nv = bin(L, BinaryenAndInt64(), a, b); break;
	case 4: nv = bin(L, BinaryenOrInt64(), a, b); break;
	default: {
		/* min/max: a op b ? a : b, with a and b each needed twice */
		emit(L, set(L, L_T1, b));
		E a2 = w && (k == 7 || k == 8) ? un(L, BinaryenExtendUInt32(), lo32(L, get64(L, L_T0)))
			 : get64(L, L_T0);
		nv = BinaryenSelect(M, bin(L, cmp[k - 5](), a, get64(L, L_T1)), a2, get64(L, L_T1), L->i64);
	}
	}
	emit(L, BinaryenStore(M, (uint32_t)n, 0, 1, host_ptr(L), nv, L->i64));
	setx(L, in->rd, get64(L, L_T0));
}

/* A 32-bit rotate as gcc writes it (SHA-256's, say): `or rd, a, b` where
 * a and b were last written in the block by `srliw a, x, n` and
 * `slliw b, x, 32 - n` (either way round), x unchanged since. The or is
 * then sext32(rotr32(x, n)) (the srliw part's bits above 31 are 0, the
 * slliw part's are bit 31 of the rotated word): one instruction for V8,
 * where the pieces were six. The shifts are still lifted (a and b are
 * registers), but the or no longer waits for them. n, or 0. */
static int rotate_of(const struct insn *ins, uint32_t at, int *x)
{
	const rv_insn *in = &ins->in;
	int last[32] = { 0 }; /* per register: 1 + its last write's index */
	for (uint32_t j = 0; j < at; j++) {
		const rv_insn *w = &ins[(int64_t)j - at].in;
		if (w->rd && !(f_fields(w->op) & F_RD))
			last[w->rd] = (int)j + 1;
	}
	if (in->rs1 == in->rs2 || !last[in->rs1] || !last[in->rs2])
		return 0;
	const rv_insn *a = &ins[last[in->rs1] - 1 - (int64_t)at].in;
	const rv_insn *b = &ins[last[in->rs2] - 1 - (int64_t)at].in;
	if (a->op == RV_OP_SLLIW) {
		const rv_insn *t = a;
		a = b, b = t;
	}
	int first = last[in->rs1] < last[in->rs2] ? last[in->rs1] : last[in->rs2];
	if (a->op != RV_OP_SRLIW || b->op != RV_OP_SLLIW || a->rs1 != b->rs1 || !a->rs1 ||
	    a->imm < 1 || a->imm > 31 || a->imm + b->imm != 32 || last[a->rs1] >= first)
		return 0;
	*x = a->rs1;
	return (int)a->imm;
}

static void emit_call(struct lifter *L, int64_t callee, uint32_t block, uint64_t target, int64_t ret);

/* Lift one instruction (not the block's branch, which the caller wires).
 * adj: instret correction for an exit here (k - n). */
static enum lift_result lift_insn(struct lifter *L, const struct insn *ins, int64_t adj)
{
	const rv_insn *in = &ins->in;
	int rd = in->rd;
	int64_t imm = in->imm;
	BinaryenOp op2;
	switch ((enum rv_op)in->op) {
	case RV_OP_LUI: setx(L, rd, c64(L, imm)); break;
	case RV_OP_AUIPC: setx(L, rd, link_pc(L, ins->pc + (uint64_t)imm)); break;
	case RV_OP_ADDI: setx(L, rd, bin(L, BinaryenAddInt64(), xr(L, in->rs1), c64(L, imm))); break;
	case RV_OP_SLTI: setx(L, rd, b2x(L, bin(L, BinaryenLtSInt64(), xr(L, in->rs1), c64(L, imm)))); break;
	case RV_OP_SLTIU: setx(L, rd, b2x(L, bin(L, BinaryenLtUInt64(), xr(L, in->rs1), c64(L, imm)))); break;
	case RV_OP_XORI: setx(L, rd, bin(L, BinaryenXorInt64(), xr(L, in->rs1), c64(L, imm))); break;
	case RV_OP_ORI: setx(L, rd, bin(L, BinaryenOrInt64(), xr(L, in->rs1), c64(L, imm))); break;
	case RV_OP_ANDI: setx(L, rd, bin(L, BinaryenAndInt64(), xr(L, in->rs1), c64(L, imm))); break;
	case RV_OP_SLLI: setx(L, rd, bin(L, BinaryenShlInt64(), xr(L, in->rs1), c64(L, imm & 63))); break;
	case RV_OP_SRLI: setx(L, rd, bin(L, BinaryenShrUInt64(), xr(L, in->rs1), c64(L, imm & 63))); break;
	case RV_OP_SRAI: setx(L, rd, bin(L, BinaryenShrSInt64(), xr(L, in->rs1), c64(L, imm & 63))); break;
	case RV_OP_ADD: op2 = BinaryenAddInt64(); goto r64;
	case RV_OP_SUB: op2 = BinaryenSubInt64(); goto r64;
	case RV_OP_SLL: op2 = BinaryenShlInt64(); goto r64;   /* wasm masks to 6 bits, as RV64 */
	case RV_OP_SRL: op2 = BinaryenShrUInt64(); goto r64;
	case RV_OP_SRA: op2 = BinaryenShrSInt64(); goto r64;
	case RV_OP_XOR: op2 = BinaryenXorInt64(); goto r64;
	case RV_OP_OR: {
		int x, n = rotate_of(ins, L->at, &x);
		if (!n) {
			op2 = BinaryenOrInt64();
			goto r64;
		}
		setx(L, rd, sext32(L, bin(L, BinaryenRotRInt32(), lo32(L, xr(L, x)), c32(L, n))));
		break;
	}
	case RV_OP_AND: op2 = BinaryenAndInt64(); goto r64;
	case RV_OP_MUL: op2 = BinaryenMulInt64(); goto r64;
	r64:
		setx(L, rd, bin(L, op2, xr(L, in->rs1), xr(L, in->rs2)));
		break;
	case RV_OP_SLT: setx(L, rd, b2x(L, bin(L, BinaryenLtSInt64(), xr(L, in->rs1), xr(L, in->rs2)))); break;
	case RV_OP_SLTU: setx(L, rd, b2x(L, bin(L, BinaryenLtUInt64(), xr(L, in->rs1), xr(L, in->rs2)))); break;
	case RV_OP_ADDIW:
		setx(L, rd, sext32(L, bin(L, BinaryenAddInt32(), lo32(L, xr(L, in->rs1)), c32(L, (int32_t)imm))));
		break;
	case RV_OP_SLLIW: op2 = BinaryenShlInt32(); goto iw;
	case RV_OP_SRLIW: op2 = BinaryenShrUInt32(); goto iw;
	case RV_OP_SRAIW: op2 = BinaryenShrSInt32(); goto iw;
	iw:
		setx(L, rd, sext32(L, bin(L, op2, lo32(L, xr(L, in->rs1)), c32(L, (int32_t)(imm & 31)))));
		break;
	case RV_OP_ADDW: op2 = BinaryenAddInt32(); goto rw;
	case RV_OP_SUBW: op2 = BinaryenSubInt32(); goto rw;
	case RV_OP_SLLW: op2 = BinaryenShlInt32(); goto rw;   /* wasm masks to 5 bits, as RV64 W */
	case RV_OP_SRLW: op2 = BinaryenShrUInt32(); goto rw;
	case RV_OP_SRAW: op2 = BinaryenShrSInt32(); goto rw;
	case RV_OP_MULW: op2 = BinaryenMulInt32(); goto rw;
	rw:
		setx(L, rd, sext32(L, bin(L, op2, lo32(L, xr(L, in->rs1)), lo32(L, xr(L, in->rs2)))));
		break;
	case RV_OP_MULH: case RV_OP_MULHSU: case RV_OP_MULHU:
		setx(L, rd, call2(L, helper_of(in->op), xr(L, in->rs1), xr(L, in->rs2)));
		break;
	case RV_OP_DIV: case RV_OP_DIVU: case RV_OP_REM: case RV_OP_REMU:
	case RV_OP_DIVW: case RV_OP_DIVUW: case RV_OP_REMW: case RV_OP_REMUW:
		emit(L, set(L, L_T0, xr(L, in->rs1)));
		emit(L, set(L, L_T1, xr(L, in->rs2)));
		setx(L, rd, div_rem(L, in->op, L_T0, L_T1));
		break;
	case RV_OP_LB: case RV_OP_LH: case RV_OP_LW: case RV_OP_LD:
	case RV_OP_LBU: case RV_OP_LHU: case RV_OP_LWU: {
		static const struct { int op, n, sgn; } ld[] = {
			{ RV_OP_LB, 1, 1 }, { RV_OP_LH, 2, 1 }, { RV_OP_LW, 4, 1 }, { RV_OP_LD, 8, 1 },
			{ RV_OP_LBU, 1, 0 }, { RV_OP_LHU, 2, 0 }, { RV_OP_LWU, 4, 0 },
		};
		int k = 0;
		while (ld[k].op != in->op)
			k++;
		uint32_t off;
		E at = guard(L, ins, adj, &off);
		E v = BinaryenLoad(M, (uint32_t)ld[k].n, ld[k].sgn, off, 1, L->i64, at);
		if (rd)
			setx(L, rd, v);
		else
			emit(L, BinaryenDrop(M, v));
		break;
	}
	case RV_OP_SB: case RV_OP_SH: case RV_OP_SW: case RV_OP_SD: {
		int n = in->op == RV_OP_SB ? 1 : in->op == RV_OP_SH ? 2 : in->op == RV_OP_SW ? 4 : 8;
		uint32_t off;
		E at = guard(L, ins, adj, &off);
		emit(L, BinaryenStore(M, (uint32_t)n, off, 1, at, xr(L, in->rs2), L->i64));
		break;
	}
	case RV_OP_FENCE: case RV_OP_FENCE_TSO:
		break; /* one hart: memory is already ordered */
	case RV_OP_JAL:
	case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE:
	case RV_OP_BLTU: case RV_OP_BGEU:
		return LIFT_ENDS; /* the caller wires the branch */
	case RV_OP_JALR:
		/* The target first: rd may be rs1. */
		emit(L, set(L, L_T0, bin(L, BinaryenAndInt64(),
					 bin(L, BinaryenAddInt64(), xr(L, in->rs1), c64(L, imm)), c64(L, -2))));
		setx(L, rd, link_pc(L, ins->pc + in->len));
		L->dirty |= defs_of(in), L->valid |= defs_of(in); /* (an exit or call stores it) */
		L->st->lifted++;
		if (cfg_jalr_calls(in) && L->direct_calls) { /* direct if the target is in the module */
			emit_call(L, -1, 0, 0, (int64_t)(ins->pc + in->len));
			L->st->indirect_calls++;
			return LIFT_CALLED;
		}
		if (!rd && cfg_jump_table(L->p, (uint32_t)(ins - L->p->insns)))
			return LIFT_SWITCH; /* (lift_function branches on T0) */
		if (in->rs1 != 1 && in->rs1 != 5 && L->direct_calls) {
			/* Not a return (the ISA's hint: through ra or t0): an
			 * indirect tail call, say through a function pointer. */
			emit_call(L, -1, 0, 0, -1);
			return LIFT_EXITED;
		}
		emit(L, exit_ret(L));
		return LIFT_EXITED;
	case RV_OP_ECALL:
		emit(L, exit_at(L, ins->pc, ECALL, adj));
		return LIFT_EXITED;
	case RV_OP_FLD: case RV_OP_FLW: {
		uint32_t off;
		E at = guard(L, ins, adj, &off);
		if (in->op == RV_OP_FLD)
			emit(L, fset(L, rd, BinaryenLoad(M, 8, false, off, 1, BinaryenTypeFloat64(), at)));
		else /* NaN-boxed */
			emit(L, setf(L, rd, box(L, BinaryenLoad(M, 4, false, off, 1, L->i32, at))));
		break;
	}
	case RV_OP_FSD: case RV_OP_FSW: {
		uint32_t off;
		E at = guard(L, ins, adj, &off);
		if (in->op == RV_OP_FSD)
			emit(L, BinaryenStore(M, 8, off, 1, at, fget(L, in->rs2), BinaryenTypeFloat64()));
		else
			emit(L, BinaryenStore(M, 4, off, 1, at, getf(L, in->rs2), L->i64));
		break;
	}
	case RV_OP_FMV_X_D: setx(L, rd, getf(L, in->rs1)); break;
	case RV_OP_FMV_D_X: emit(L, setf(L, rd, xr(L, in->rs1))); break;
	case RV_OP_FMV_X_W: setx(L, rd, sext32(L, lo32(L, getf(L, in->rs1)))); break;
	case RV_OP_FMV_W_X: emit(L, setf(L, rd, box(L, lo32(L, xr(L, in->rs1))))); break;
#define FPU_CASE(name, shape, fn) case RV_OP_##name:
	RV_FPU_OPS(FPU_CASE)
#undef FPU_CASE
		if (!emit_fpu_inline(L, ins, adj))
			emit_fpu(L, ins, adj);
		break;
	case RV_OP_LR_W: case RV_OP_SC_W: case RV_OP_AMOSWAP_W: case RV_OP_AMOADD_W:
	case RV_OP_AMOXOR_W: case RV_OP_AMOAND_W: case RV_OP_AMOOR_W: case RV_OP_AMOMIN_W:
	case RV_OP_AMOMAX_W: case RV_OP_AMOMINU_W: case RV_OP_AMOMAXU_W:
	case RV_OP_LR_D: case RV_OP_SC_D: case RV_OP_AMOSWAP_D: case RV_OP_AMOADD_D:
	case RV_OP_AMOXOR_D: case RV_OP_AMOAND_D: case RV_OP_AMOOR_D: case RV_OP_AMOMIN_D:
	case RV_OP_AMOMAX_D: case RV_OP_AMOMINU_D: case RV_OP_AMOMAXU_D:
		emit_atomic(L, ins, adj);
		break;
	STEP_CASES
		if (is_fp_csr(in)) {
			emit_fp_csr(L, in);
			break;
		}
		emit_step(L, ins, adj);
		L->st->stepped++;
		L->st->by_op[in->op]++;
		return LIFT_GO_ON;
	EXIT_CASES
		L->st->to_interp++;
		L->st->by_op[in->op < RV_OP_COUNT ? in->op : 0]++;
		emit(L, exit_at(L, ins->pc, INTERP, adj));
		return LIFT_EXITED;
	}
	L->st->lifted++;
	return LIFT_GO_ON;
}

/* The guest state between the locals and rv_cpu. rv_cpu has every
 * register's value unless it is dirty (written since the last store);
 * the local has it whenever it is live (live_of: a register not live at
 * an entry is not loaded, one a call may change and that is not live
 * after it not reloaded). store_regs writes back the registers of `regs`
 * (the dirty ones); store_state those and instret (at a call);
 * load_regs loads those of `regs` the function uses; load_state those,
 * fcsr's copy and instret. */
static void store_regs(struct lifter *L, uint64_t regs)
{
	for (int r = 1; r < 32; r++)
		if (regs & 1ull << r)
			emit(L, store_x(L, r));
	for (int r = 0; r < 32; r++)
		if (regs & 1ull << (32 + r))
			emit(L, store_f(L, r));
}

static E store_ic(struct lifter *L)
{
	return BinaryenStore(M, 8, CTX_LEFT, 8, get32(L, L_CTX), get64(L, L_IC), L->i64);
}

static void store_state(struct lifter *L, uint64_t regs)
{
	store_regs(L, regs);
	emit(L, store_ic(L));
}

static void load_regs(struct lifter *L, uint64_t regs)
{
	regs &= L->used;
	for (int r = 1; r < 32; r++)
		if (regs & 1ull << r)
			emit(L, set(L, L_X1 + r - 1, load_x(L, r)));
	for (int r = 0; r < 32; r++)
		if (regs & 1ull << (32 + r))
			emit(L, fset(L, r, load_f(L, r)));
}

static void load_state(struct lifter *L, uint64_t regs)
{
	load_regs(L, regs);
	if (L->fcsr)
		emit(L, load_fcsr(L));
	emit(L, set(L, L_IC, BinaryenLoad(M, 8, false, CTX_LEFT, 8, L->i64, get32(L, L_CTX))));
}

/* The host stack a function's frame may take, estimated from what V8
 * (node 20's, Liftoff and TurboFan) was measured to take on every
 * function of busybox's and libc.so.6's modules (6536 functions; frame =
 * the prologue's rsp adjustment + 32): at most 8 bytes per guest
 * register the function uses (integer and F) and 144-648 more, growing
 * with its length — under 192 + its instruction count. A huge function
 * TurboFan compiles with its mid-tier register allocator, whose frames
 * grow with the code and most with calls (each reloads registers): up to
 * 10 bytes per instruction and call * 8 (libc's largest, 69 KiB; and
 * tests/aot/deep.c's `longest`, 43 KiB); none measured under 1833 of
 * those, so from 1024 on 16 are counted. What the host stack has beyond
 * STACK_BUDGET (a third) is the margin for other engines and versions. */
#define FRAME_COST(regs, insns, calls)                                        \
	(8 * (regs) + ((insns) + 8 * (calls) < 1024 ? 192 + (insns)            \
						  : 16 * ((insns) + 8 * (calls))))
/* What a call through a pointer counts for the callee, whose frame it
 * does not know: the most a function under that size can take. A larger
 * function counts the rest itself, at its start (lift_function). */
#define INDIRECT_COST FRAME_COST(63, 1023, 0)

/* The registers the ABI has a callee keep: gp, tp, s0-s11, fs0-fs11. A
 * function that calls nothing and uses none of them (a comparator,
 * mostly) is marked in the entry table (keeps); a call through a pointer
 * that finds such a function leaves the caller's dirty ones unstored and
 * reloads none of them (emit_call): qsort's loop around its comparator
 * has a dozen. That is known only at run time (the mark comes with the
 * lookup), so the dataflows take it that such a call keeps them, and
 * the call, finding another function, stores them before and reloads
 * them after. */
#define KEPT 0x0ffc03000ffc0318ull
#define KEEPS_SHIFT 62

static int32_t frame_cost(const struct lifter *L, const struct func *f)
{
	uint64_t insns = 0, calls = 0;
	for (uint32_t b = f->first_block; b < f->first_block + f->nblocks; b++) {
		const struct block *bl = &L->p->blocks[b];
		const rv_insn *last = &L->p->insns[bl->first + bl->n - 1].in;
		insns += bl->n;
		calls += (last->op == RV_OP_JAL || last->op == RV_OP_JALR) && last->rd;
	}
	uint64_t c = FRAME_COST((uint64_t)__builtin_popcountll(L->used), insns, calls);
	return c > STACK_BUDGET ? STACK_BUDGET : (int32_t)c;
}

/* The names of the globals of function fi's call site k (lookup_cached),
 * which lift_program adds. */
static void site_names(uint32_t fi, uint32_t k, char pc[32], char fb[32])
{
	snprintf(pc, 32, "c%" PRIu32 ".%" PRIu32 "p", fi, k);
	snprintf(fb, 32, "c%" PRIu32 ".%" PRIu32 "f", fi, k);
}

/* T1 := env.lookup(T0), through a cache of this call site's (two
 * globals of the module: the link address last found, and what was
 * found): a call through a pointer mostly goes to the same place each
 * time (qsort's comparator). What the lookup finds depends only on the
 * module and the link address, so long as T0 lies in the mapping being
 * run (ctx's start and end); outside it, the lookup finds nothing (-1,
 * without asking: a call into another module, libc through a PLT). */
static void lookup_cached(struct lifter *L)
{
	char pc[32], fb[32];
	site_names(L->fi, L->sites++, pc, fb);
	E in = bin(L, BinaryenAndInt32(),
		   bin(L, BinaryenGeUInt64(), get64(L, L_T0),
		       BinaryenLoad(M, 8, false, CTX_START, 8, L->i64, get32(L, L_CTX))),
		   bin(L, BinaryenLtUInt64(), get64(L, L_T0),
		       BinaryenLoad(M, 8, false, CTX_END, 8, L->i64, get32(L, L_CTX))));
	E hit = bin(L, BinaryenEqInt64(), link_of(L, get64(L, L_T0)), BinaryenGlobalGet(M, pc, L->i64));
	E la[2] = { get32(L, L_CTX), get64(L, L_T0) };
	E keep[2] = { BinaryenGlobalSet(M, pc, link_of(L, get64(L, L_T0))),
		      BinaryenGlobalSet(M, fb, get64(L, L_T1)) };
	E miss[2] = { set(L, L_T1, BinaryenCall(M, "lookup", la, 2, L->i64)),
		      BinaryenIf(M, bin(L, BinaryenGeSInt64(), get64(L, L_T1), c64(L, 0)), seq(L, keep, 2), NULL) };
	E near = BinaryenIf(M, hit, set(L, L_T1, BinaryenGlobalGet(M, fb, L->i64)), seq(L, miss, 2));
	emit(L, BinaryenIf(M, in, near, set(L, L_T1, c64(L, -1))));
}

/* A call: a jal with a link register to the start of a function of this
 * module (callee), or a jalr with one (callee -1, the target in T0) to an
 * entry of this module, which env.lookup finds, or of another module,
 * which env.far runs (a call into libc through the PLT; else it exits): a
 * wasm call, with the guest state handed over through the
 * rv_cpu struct (its dirty registers written back before; after, what the
 * callee may have changed reloaded: calls_of). The callee gets the return
 * address and sp; it comes back RET only to that address with that sp
 * (exit_ret), so the caller goes on without reading pc or sp. Anything
 * else (an ecall, the budget, a jump elsewhere, another sp) the callee
 * has left in rv_cpu, pc too, and the caller passes it up as it is. A
 * tail call (ret -1: a jump to another function, at its entry `block`)
 * returns what the callee returns: it goes back to this function's
 * caller, so it passes on the address and sp that caller gave (a piece of
 * a function cut at MAX_FUNC_BLOCKS falls through to the next with its
 * frame still allocated). A callee that never writes sp does not compare
 * it, and such a tail call may have left it another; so a tail caller
 * that writes sp compares rv_cpu's after a RET. A call whose frame would
 * take the stack past STACK_BUDGET goes through the runtime (the depth is
 * a parameter: kept in memory, its increments made a chain of
 * store-to-load waits through every call): a call to a function's start
 * is checked by the function (lift_function's prologue, once, not at each
 * of its call sites), the others here. */
/* Of the registers the current function uses, what a call to callee (-1:
 * through a pointer, any) may change: never sp, which a call comes back
 * with (exit_ret). */
static uint64_t call_changes(const struct lifter *L, int64_t callee)
{
	return (callee < 0 ? ~0ull : L->clobbers[callee]) & ~(1ull << 2) & L->used;
}

/* Where a call's callee goes back to: the return address ret, or (a tail
 * call, ret -1) where this function's caller wants it. */
static E back_to(struct lifter *L, int64_t ret)
{
	return ret < 0 ? get64(L, L_RET) : link_pc(L, (uint64_t)ret);
}

/* What fn (store_regs, load_regs) would emit for regs, as one expression. */
static E regs_of_as_one(struct lifter *L, void (*fn)(struct lifter *, uint64_t), uint64_t regs)
{
	size_t mark = L->n;
	fn(L, regs);
	E e = seq(L, L->list + mark, L->n - mark);
	L->n = mark;
	return e;
}

/* The function env.lookup found (T1) keeps KEPT (a miss, -1, does not). */
static E keeps(struct lifter *L)
{
	return bin(L, BinaryenEqInt64(), bin(L, BinaryenShrUInt64(), get64(L, L_T1), c64(L, KEEPS_SHIFT)),
		   c64(L, 1));
}

static void emit_call(struct lifter *L, int64_t callee, uint32_t block, uint64_t target, int64_t ret)
{
	assert(!(L->dirty & ~L->valid & L->used));
	count_pending(L);
	L->wasm_calls = 1;
	/* Through a pointer (not a tail call): KEPT's dirty registers (late)
	 * stay dirty. They are stored now only if the function found does
	 * not keep them (and then the valid ones reloaded after: the
	 * dataflows take them as kept), or after the call, if one that keeps
	 * them leaves otherwise than back here. */
	uint64_t late = callee < 0 && ret >= 0 ? L->dirty & KEPT : 0, kept = L->valid & KEPT & L->used;
	if (callee < 0) /* T1 := env.lookup(T0): function | block << 32 | keeps << 62, or -1 */
		lookup_cached(L);
	store_state(L, L->dirty & ~late);
	if (late)
		emit(L, BinaryenIf(M, un(L, BinaryenEqZInt32(), keeps(L)), regs_of_as_one(L, store_regs, late), NULL));
	L->dirty = late;
	int32_t cost = callee < 0 ? INDIRECT_COST : L->cost[callee];
	if (callee < 0 || block)
		emit(L, BinaryenIf(M, bin(L, BinaryenGtUInt32(), get32(L, L_DEPTH), c32(L, STACK_BUDGET - cost)),
				   callee < 0 ? exit_to(L, get64(L, L_T0), NEXT) : exit_at(L, target, NEXT, 0), NULL));
	E depth = bin(L, BinaryenAddInt32(), get32(L, L_DEPTH), c32(L, cost));
	/* sp as the callee must bring it back: a tail call's, as this
	 * function's caller wants it; else sp (from rv_cpu into L_A when its
	 * local does not hold it, for env.far's compare after) */
	int sp_local = ret < 0 || (L->valid & 1ull << 2);
	if (!sp_local)
		emit(L, set(L, L_A, load_x(L, 2)));
	E rsp = ret < 0 ? get64(L, L_RSP) : sp_local ? get64(L, L_X1 + 1) : get64(L, L_A);
	if (callee >= 0) {
		char name[FUNC_NAME];
		func_name(L->p, (uint32_t)callee, name);
		E args[L_NPARAMS] = { get32(L, L_CTX), c32(L, (int32_t)block), depth, back_to(L, ret), rsp };
		emit(L, set(L, L_WHY, BinaryenCall(M, name, args, L_NPARAMS, L->i32)));
	} else {
		E fblock = bin(L, BinaryenAndInt32(), lo32(L, bin(L, BinaryenShrUInt64(), get64(L, L_T1), c64(L, 32))),
			       c32(L, (1 << (KEEPS_SHIFT - 32)) - 1));
		E args[L_NPARAMS] = { get32(L, L_CTX), fblock, depth, back_to(L, ret), rsp };
		E near = set(L, L_WHY, BinaryenCallIndirect(M, "funcs", lo32(L, get64(L, L_T1)), args, L_NPARAMS,
							  func_type(L), L->i32));
		/* not here: env.far runs it in another module (libc through a
		 * PLT), whose functions know no return address but pc's: back
		 * there with sp as it was is RET */
		E fa[3] = { get32(L, L_CTX), get64(L, L_T0), get32(L, L_DEPTH) };
		E came = bin(L, BinaryenAndInt32(), bin(L, BinaryenEqInt32(), get32(L, L_WHY), c32(L, NEXT)),
			     bin(L, BinaryenAndInt32(),
				 bin(L, BinaryenEqInt64(),
				     BinaryenLoad(M, 8, false, CPU_PC, 8, L->i64, get32(L, L_CPU)), back_to(L, ret)),
				 bin(L, BinaryenEqInt64(), load_x(L, 2), BinaryenExpressionCopy(rsp, M))));
		E far[3] = { set(L, L_WHY, BinaryenCall(M, "far", fa, 3, L->i32)),
			     BinaryenIf(M, bin(L, BinaryenLtSInt32(), get32(L, L_WHY), c32(L, 0)),
					exit_to(L, get64(L, L_T0), NEXT), NULL),
			     BinaryenIf(M, came, set(L, L_WHY, c32(L, RET)), NULL) };
		emit(L, BinaryenIf(M, bin(L, BinaryenLtSInt64(), get64(L, L_T1), c64(L, 0)),
				   seq(L, far, 3), near));
	}
	if (ret < 0) {
		if (L->written & 1ull << 2) { /* (back RET, but sp not the caller's: NEXT) */
			E other = bin(L, BinaryenAndInt32(), bin(L, BinaryenEqInt32(), get32(L, L_WHY), c32(L, RET)),
				      bin(L, BinaryenNeInt64(), load_x(L, 2), get64(L, L_RSP)));
			E next[2] = { BinaryenStore(M, 8, CPU_PC, 8, get32(L, L_CPU), get64(L, L_RET), L->i64),
				      BinaryenReturn(M, c32(L, NEXT)) };
			emit(L, BinaryenIf(M, other, seq(L, next, 2), NULL));
		}
		emit(L, BinaryenReturn(M, get32(L, L_WHY)));
		return;
	}
	E out = BinaryenReturn(M, get32(L, L_WHY));
	if (late) {
		E away[2] = { BinaryenIf(M, keeps(L), regs_of_as_one(L, store_regs, late), NULL), out };
		out = seq(L, away, 2);
	}
	emit(L, BinaryenIf(M, bin(L, BinaryenNeInt32(), get32(L, L_WHY), c32(L, RET)), out, NULL));
	uint64_t changes = call_changes(L, callee);
	if (callee < 0) {
		load_state(L, changes & ~KEPT & L->live_after);
		if (changes & kept)
			emit(L, BinaryenIf(M, un(L, BinaryenEqZInt32(), keeps(L)),
					   regs_of_as_one(L, load_regs, changes & kept), NULL));
	} else {
		load_state(L, changes & L->live_after);
	}
}

/* A block's last instruction is a call that comes back to the next one
 * (lift_insn's jalr with a link, lift_function's jal to a function). */
static int block_calls(const struct lifter *L, const struct insn *last)
{
	if (!L->direct_calls || !last->in.rd)
		return 0;
	if (last->in.op == RV_OP_JALR)
		return cfg_jalr_calls(&last->in);
	const struct block *tb = cfg_block_at(L->p, last->pc + (uint64_t)(int64_t)last->in.imm);
	return last->in.op == RV_OP_JAL && tb && tb->index == 0;
}

/* What a call leaves known: sp's range (it comes back RET only with sp as
 * it was: exit_ret). */
static void after_call(struct facts *fa)
{
	struct facts sp = { .lo[2] = fa->lo[2], .span[2] = fa->span[2], .perm[2] = fa->perm[2],
			    .near[2] = fa->near[2] };
	*fa = sp;
}

/* The blocks of function fi that block k goes on to (indices within
 * it), as lift_function wires them; their count. */
static uint32_t successors(const struct lifter *L, uint32_t fi, uint32_t k, uint32_t *to)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	const struct block *b = &p->blocks[f->first_block + k];
	const struct insn *last = &p->insns[b->first + b->n - 1];
	int op = last->in.op, call = block_calls(L, last);
	uint32_t n = 0;
	const struct block *tb;
	if (op == RV_OP_JALR && !last->in.rd) {
		const struct jump_table *jt = cfg_jump_table(p, b->first + b->n - 1);
		for (uint32_t i = 0; jt && i < jt->n; i++)
			if ((tb = cfg_block_at(p, p->jt_targets[jt->first + i])) && tb->func == fi)
				to[n++] = tb->index;
		return n;
	}
	if (op == RV_OP_ECALL || !lift_supports(op) || (op == RV_OP_JALR && !call))
		return 0;
	if ((op == RV_OP_JAL || cfg_is_branch(op)) && !call) {
		tb = cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
		if (tb && tb->func == fi)
			to[n++] = tb->index;
		if (op == RV_OP_JAL)
			return n;
	}
	if (k + 1 < f->nblocks && p->insns[b[1].first].pc == last->pc + last->in.len)
		to[n++] = k + 1;
	return n;
}

static int same_fact(const struct facts *a, const struct facts *b, int r)
{
	return a->perm[r] == b->perm[r] && (!a->perm[r] || (a->lo[r] == b->lo[r] &&
	       a->span[r] == b->span[r] && a->near[r] == b->near[r]));
}

static int same_facts(const struct facts *a, const struct facts *b)
{
	for (int r = 0; r < 32; r++)
		if (!same_fact(a, b, r))
			return 0;
	return 1;
}

/* *a := what both *a and *b know: where both are exact and overlap,
 * their intersection; else, within a page, near their hull; the weaker
 * permission. */
static void meet(struct facts *a, const struct facts *b)
{
	for (int r = 0; r < 32; r++) {
		int64_t alo = a->lo[r], ahi = alo + a->span[r], blo = b->lo[r], bhi = blo + b->span[r];
		uint8_t perm = a->perm[r] < b->perm[r] ? a->perm[r] : b->perm[r];
		int64_t ilo = alo > blo ? alo : blo, ihi = ahi < bhi ? ahi : bhi;
		int64_t ulo = alo < blo ? alo : blo, uhi = ahi > bhi ? ahi : bhi;
		if (!perm) {
			a->perm[r] = 0;
		} else if (!a->near[r] && !b->near[r] && ilo < ihi) {
			a->lo[r] = (int32_t)ilo;
			a->span[r] = (uint16_t)(ihi - ilo);
			a->perm[r] = perm;
		} else if (uhi - ulo <= 4096) {
			a->lo[r] = (int32_t)ulo;
			a->span[r] = (uint16_t)(uhi - ulo);
			a->perm[r] = perm;
			a->near[r] = 1;
		} else {
			a->perm[r] = 0;
		}
	}
}

/* Where a loop's ranges drift (a near hull growing a step each time
 * round, a range derived from another that moves), the dataflow would
 * go on for up to 4096 passes: after WIDEN_AFTER passes (all but a few
 * functions settle within 10), what still changes at a join is
 * forgotten instead. */
enum { WIDEN_AFTER = 12 };
static void widen(struct facts *a, const struct facts *old)
{
	for (int r = 0; r < 32; r++)
		if (!same_fact(a, old, r))
			a->perm[r] = 0;
}

/* Is block k inside the loop headed by h (an edge k -> h goes back)? */
static int in_loop(const struct loop_nest *ln, uint32_t k, uint32_t h)
{
	for (int32_t l = ln->loop_of[k]; l >= 0; l = ln->parent[l])
		if (l == (int32_t)h)
			return 1;
	return 0;
}

/* The first group per base register in block k (planned knowing
 * nothing), for registers not in skip, into *h as ranges taken back to
 * the block's start over its `addi r, r, c`; the registers the block
 * writes otherwise or steps, into *touched. */
static int hoist_block(struct lifter *L, const struct block *kb, uint32_t skip, struct facts *h,
		       uint32_t *touched)
{
	const struct insn *ins = &L->p->insns[kb->first];
	struct facts none = { 0 };
	if (plan_block(L, ins, kb->n, &none, 0) < 0)
		return -1;
	int64_t moved[32] = { 0 };
	uint32_t gone = 0;
	for (uint32_t i = 0; i < kb->n; i++) {
		const rv_insn *in = &ins[i].in;
		const struct mem_plan *mp = &L->plan[i];
		int r = in->rs1;
		if (access_size(in->op) && !mp->checked && !((gone | skip) >> r & 1) &&
		    mp->lo + moved[r] == (int32_t)(mp->lo + moved[r])) {
			h->lo[r] = (int32_t)(mp->lo + moved[r]);
			h->span[r] = (uint16_t)mp->span;
			h->perm[r] = mp->store ? FACT_ST : FACT_R;
			skip |= 1u << r;
		}
		if (in->rd && in->op == RV_OP_ADDI && in->rs1 == in->rd && moved[in->rd] < (1 << 20))
			moved[in->rd] += in->imm;
		else if (in->rd && !(f_fields(in->op) & F_RD))
			gone |= 1u << in->rd;
	}
	*touched = gone;
	for (int r = 0; r < 32; r++)
		if (moved[r])
			*touched |= 1u << r;
	return 0;
}

/* A loop header's accesses that every way into the loop checks in
 * advance (lift_function's hoist block), as exact ranges in *h: per base
 * register, the first group of the header's block (hoist_block); for
 * registers the header's block leaves alone, the first group in the
 * loop's other blocks (a pointer read through after the test at the top
 * of the loop: hash's `lw s4, 0(s3)` had a full check each time round).
 * The header's are made before its first instruction, which would make
 * them anyway; the others the loop may never make, but a failure costs
 * only speed, never correctness: the interpreter runs from the header
 * and faults where it must. Knowing them, the loop's own checks find
 * ranges to test against (a pointer stepping through memory: only its
 * page offset each time round) or none to make. */
static int hoists_of(struct lifter *L, uint32_t fi, const struct loop_nest *ln, uint32_t hb,
		     struct facts *h)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	/* Only for registers the loop leaves alone, steps (`addi r, r, c`)
	 * or derives from a register (`addi r, s, c`, `mv r, s`: strlen's
	 * `addi a3, a5, 8; ...; mv a5, a3`): for others (and across a call,
	 * which forgets all but sp) what the way in knew never meets what the
	 * back edges know. */
	uint32_t moves = 0;
	for (uint32_t k = 0; k < f->nblocks; k++) {
		if (!in_loop(ln, k, hb))
			continue;
		const struct block *lb = &p->blocks[f->first_block + k];
		for (uint32_t i = lb->first; i < lb->first + lb->n; i++) {
			const rv_insn *in = &p->insns[i].in;
			int64_t c;
			if (in->rd && !(f_fields(in->op) & F_RD) && !derived(in, &c))
				moves |= 1u << in->rd;
		}
		if (block_calls(L, &p->insns[lb->first + lb->n - 1]))
			moves |= ~(1u << 2);
	}
	memset(h, 0, sizeof *h);
	uint32_t touched, t;
	if (hoist_block(L, &p->blocks[f->first_block + hb], moves, h, &touched) < 0)
		return -1;
	for (uint32_t k = 0; k < f->nblocks; k++) {
		if (k == hb || ln->loop_of[k] != (int32_t)hb)
			continue;
		uint32_t done = 0;
		for (int r = 0; r < 32; r++)
			done |= h->perm[r] ? 1u << r : 0;
		if (hoist_block(L, &p->blocks[f->first_block + k], moves | touched | done, h, &t) < 0)
			return -1;
	}
	return 0;
}

/* What a hoist block leaves known (on top of what its way in knew). */
static void learn_hoists(struct facts *fa, const struct facts *h)
{
	for (int r = 0; r < 32; r++)
		if (h->perm[r]) {
			struct mem_plan g = { .lo = h->lo[r], .span = h->span[r], .store = h->perm[r] == FACT_ST };
			learn(fa, r, &g);
		}
}

/* What is known as each block of function fi starts, into in[] (a
 * forward dataflow, to the fixed point: a block knows what all the
 * blocks that go on to it know as they end; an edge into a loop from
 * outside it adds the header's hoisted checks). Block 0, and blocks that
 * block 0 does not reach (entered only by the runtime), know nothing; an
 * entry also reached from inside the function is rechecked on the
 * runtime's way in (lift_function). Knowledge only shrinks from pass to
 * pass, so the passes end; past 64 (never seen), nothing is known. */
static int facts_of(struct lifter *L, uint32_t fi, const struct loop_nest *ln,
		    const struct facts *hoist, struct facts *in)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	uint32_t nb = f->nblocks;
	uint8_t *seen = calloc(nb, 1);
	uint32_t *stack = malloc(nb * sizeof *stack), to[JT_MAX_TARGETS + 2];
	if (!seen || !stack) {
		free(seen);
		free(stack);
		return -1;
	}
	/* what block 0 reaches */
	uint32_t sp = 0;
	stack[sp++] = 0;
	seen[0] = 1;
	while (sp) {
		uint32_t k = stack[--sp], n = successors(L, fi, k, to);
		for (uint32_t i = 0; i < n; i++)
			if (!seen[to[i]])
				seen[to[i]] = 1, stack[sp++] = to[i];
	}
	for (uint32_t k = 0; k < nb; k++) { /* 2: known (nothing, for these); 0: not yet */
		memset(&in[k], 0, sizeof in[k]);
		seen[k] = k == 0 || !seen[k] ? 2 : 0;
	}
	int changed = 1, passes = 0;
	for (; changed && passes < 64; passes++) {
		changed = 0;
		for (uint32_t k = 0; k < nb; k++) {
			if (!seen[k])
				continue;
			const struct block *b = &p->blocks[f->first_block + k];
			struct facts out = in[k];
			if (plan_block(L, &p->insns[b->first], b->n, &out, ln->loop_of[k] >= 0) < 0) {
				free(seen);
				free(stack);
				return -1;
			}
			if (block_calls(L, &p->insns[b->first + b->n - 1]))
				after_call(&out);
			uint32_t n = successors(L, fi, k, to);
			for (uint32_t i = 0; i < n; i++) {
				uint32_t t = to[i];
				if (t == 0)
					continue;
				struct facts edge = out;
				if (!in_loop(ln, k, t))
					learn_hoists(&edge, &hoist[t]);
				if (!seen[t]) {
					in[t] = edge;
					seen[t] = 1;
					changed = 1;
				} else if (seen[t] == 1) {
					struct facts old = in[t];
					meet(&in[t], &edge);
					if (passes >= WIDEN_AFTER)
						widen(&in[t], &old);
					changed |= !same_facts(&old, &in[t]);
				}
				for (int r = 0; ln->loop_of[t] < 0 && r < 32; r++)
					if (in[t].near[r]) /* (only loops' blocks test near) */
						in[t].perm[r] = 0;
			}
		}
	}
	if (changed) /* (not settled: know nothing anywhere) */
		memset(in, 0, nb * sizeof *in);
	free(seen);
	free(stack);
	return 0;
}

/* Registers a function reads or writes, to load and write back: L->used,
 * L->written; L->fcsr if an F/D operation there reads fcsr (its cached
 * copy). */
static void regs_of(struct lifter *L, const struct func *f)
{
	const struct program *p = L->p;
	uint64_t u = 0, w = 0;
	int fcsr = 0;
	for (uint32_t b = f->first_block; b < f->first_block + f->nblocks; b++)
		for (uint32_t i = p->blocks[b].first; i < p->blocks[b].first + p->blocks[b].n; i++) {
			const rv_insn *in = &p->insns[i].in;
			w |= defs_of(in);
			u |= defs_of(in) | reads_of(in);
			fcsr |= fpu_shape(in->op) != FPU_NONE;
		}
	L->used = u & ~1ull;
	L->written = w & ~1ull;
	L->fcsr = fcsr;
}

/* The registers dirty as each block of function fi starts, into in[]
 * (a forward dataflow: what any block going on to it may have left
 * dirty; a call leaves none, one through a pointer none but KEPT;
 * entries from the runtime start clean), and
 * sync[]: per header of a loop that calls, what the ways into the loop
 * from outside (through its hoist block: edge_to) have dirty. That block
 * writes them back, once, so that the calls in the loop do not, each
 * time round (a recursive function's loop around its call, as fib's). */
static int dirty_of(const struct lifter *L, uint32_t fi, const struct loop_nest *ln, uint64_t *in,
		    uint64_t *sync)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	uint32_t to[JT_MAX_TARGETS + 2];
	uint8_t *calls = calloc(f->nblocks, 1);
	if (!calls)
		return -1;
	for (uint32_t k = 0; k < f->nblocks; k++) {
		const struct block *b = &p->blocks[f->first_block + k];
		if (block_calls(L, &p->insns[b->first + b->n - 1]))
			for (int32_t l = ln->loop_of[k]; l >= 0; l = ln->parent[l])
				calls[l] = 1;
	}
	memset(in, 0, f->nblocks * sizeof *in);
	memset(sync, 0, f->nblocks * sizeof *sync);
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t k = 0; k < f->nblocks; k++) {
			const struct block *b = &p->blocks[f->first_block + k];
			uint64_t out = in[k];
			for (uint32_t i = b->first; i < b->first + b->n; i++)
				out |= defs_of(&p->insns[i].in);
			const struct insn *last = &p->insns[b->first + b->n - 1];
			if (block_calls(L, last))
				out = last->in.op == RV_OP_JALR ? out & KEPT : 0;
			uint32_t n = successors(L, fi, k, to);
			for (uint32_t i = 0; i < n; i++) {
				uint32_t t = to[i];
				uint64_t *d = t && calls[t] && ln->loop_of[t] == (int32_t)t && !in_loop(ln, k, t) &&
					      cfg_entered_inside(ln, k, t) < 0 ? &sync[t] : &in[t];
				if ((*d | out) != *d)
					*d |= out, changed = 1;
			}
		}
	}
	free(calls);
	return 0;
}

/* The registers of facts *fa (what checking them reads). */
static uint64_t fact_regs(const struct facts *fa)
{
	uint64_t r = 0;
	for (int i = 1; i < 32; i++)
		r |= (uint64_t)(fa->perm[i] != 0) << i;
	return r;
}

/* What a call at the end of block b may change (call_changes), or 0 if b
 * does not call. */
static uint64_t reloads_of(const struct lifter *L, const struct block *b)
{
	const struct insn *last = &L->p->insns[b->first + b->n - 1];
	if (!block_calls(L, last))
		return 0;
	if (last->in.op == RV_OP_JALR)
		return call_changes(L, -1) & ~KEPT;
	const struct block *tb = cfg_block_at(L->p, last->pc + (uint64_t)(int64_t)last->in.imm);
	return call_changes(L, tb->func);
}

/* The registers block b reads before it writes them; into *writes (if
 * not NULL), those it writes. */
static uint64_t reads_first(const struct program *p, const struct block *b, uint64_t *writes)
{
	uint64_t g = 0, w = 0;
	for (uint32_t i = b->first; i < b->first + b->n; i++) {
		g |= reads_of(&p->insns[i].in) & ~w;
		w |= defs_of(&p->insns[i].in);
	}
	if (writes)
		*writes = w;
	return g;
}

/* The registers live as each block of function fi starts, into live[]: a
 * backward dataflow over what the code may read, where what an exit, a
 * call or a loop's hoist block writes back counts as read (it must be the
 * register's value), and so do what the hoist block checks, and sp (a
 * call passes it, a return compares it). A call reloads only the
 * registers live after it: the others' locals go stale, which is harmless
 * since nothing reads them until they are written (then dirty), and
 * rv_cpu has their value.
 * Every write-back stores only registers dirty there (dirty_of), and those
 * are live back to their last write or reload: exits in block k store
 * some of dirty[k] (counted read as k starts) and of what k writes. */
static int live_of(struct lifter *L, uint32_t fi, const uint64_t *dirty, const uint64_t *sync,
		   const struct facts *hoist, uint64_t *live)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	uint32_t to[JT_MAX_TARGETS + 2];
	uint64_t *gen = malloc(2 * f->nblocks * sizeof *gen), *kill = gen + f->nblocks;
	if (!gen)
		return -1;
	for (uint32_t k = 0; k < f->nblocks; k++) {
		uint64_t g = reads_first(p, &p->blocks[f->first_block + k], &kill[k]);
		gen[k] = g | dirty[k] | sync[k] | (k ? fact_regs(&hoist[k]) : 0) | 1ull << 2;
		live[k] = 0;
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t k = f->nblocks; k-- > 0;) {
			const struct block *b = &p->blocks[f->first_block + k];
			uint64_t out = 0;
			uint32_t n = successors(L, fi, k, to);
			for (uint32_t i = 0; i < n; i++)
				out |= live[to[i]];
			out &= ~reloads_of(L, b);
			uint64_t in = (gen[k] | (out & ~kill[k])) & L->used;
			if (in != live[k])
				live[k] = in, changed = 1;
		}
	}
	free(gen);
	return 0;
}

/* What is live after block k of function fi when it ends in a call: at
 * its return address, the next block. */
static uint64_t live_after(const struct lifter *L, uint32_t fi, uint32_t k, const uint64_t *live)
{
	uint32_t to[JT_MAX_TARGETS + 2];
	return successors(L, fi, k, to) ? live[to[0]] : 0;
}

/* The registers whose locals hold their value as each block of function
 * fi starts, into valid[] (a forward dataflow, what holds on every way
 * in): what the entries load (at0 at block 0; at0 | other at the
 * others), and what a block writes or its call reloads. What a call may
 * change and does not reload (not live after it) goes stale. The exits
 * may write back any of these, not only the dirty ones (a shared set). */
static void valid_of(struct lifter *L, uint32_t fi, const uint64_t *live, uint64_t at0, uint64_t other,
		     uint64_t *valid)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	const struct block *bl = &p->blocks[f->first_block];
	uint32_t to[JT_MAX_TARGETS + 2];
	for (uint32_t k = 0; k < f->nblocks; k++)
		valid[k] = k == 0 ? at0 : bl[k].entry ? at0 | other : ~0ull;
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t k = 0; k < f->nblocks; k++) {
			const struct block *b = &bl[k];
			uint64_t out = valid[k], r = reloads_of(L, b);
			for (uint32_t i = b->first; i < b->first + b->n; i++)
				out |= defs_of(&p->insns[i].in);
			uint32_t n = successors(L, fi, k, to);
			if (r)
				out = (out & ~r) | (r & live_after(L, fi, k, live));
			for (uint32_t i = 0; i < n; i++)
				if ((valid[to[i]] & out) != valid[to[i]])
					valid[to[i]] &= out, changed = 1;
		}
	}
}

/* Going on at target, outside the function: a tail call (a jump to
 * another function's start, `j memset@plt` say, or into it at an entry:
 * emit_call) if the target is this module's, else an exit to the runtime.
 * The code uses L->list past what it holds. */
static E leave_to(struct lifter *L, uint32_t fi, uint64_t target)
{
	const struct block *tb = cfg_block_at(L->p, target);
	if (!L->direct_calls || !tb || tb->func == fi || !tb->entry)
		return exit_at(L, target, NEXT, 0);
	size_t n0 = L->n;
	emit_call(L, tb->func, tb->index, target, -1);
	E e = L->oom ? BinaryenNop(M) : seq(L, L->list + n0, L->n - n0);
	L->n = n0;
	return e;
}

/* Entering a function elsewhere than at its start: wasm enters a loop
 * only at its top, so an entry inside a loop (a return address, the
 * instruction after an ecall, an inner loop's header) is reached through
 * the header of every loop around it. Such a loop gets a dispatch block D
 * that takes every edge meant for its header: D goes on to the header
 * when `block` is 0 (the common case: one compare per iteration), else to
 * a switch S on `block` that goes on to the entry or to the next inner
 * loop's D on the way to it. The first hop of an entry's path resets
 * `block` to 0. So each loop has one way in and the Relooper renders it as
 * a wasm loop; entering every loop through the function's switch made
 * them one loop with a dispatch on a label at every iteration.
 * Irreducible code is handled the same way: an edge into a loop's
 * interior from outside it (a Duff's device's ways into its unrolled
 * loop) goes through a block that sets `block` to its target, to the D of
 * the outermost loop it enters; the loops' switches route these inner
 * entries (cfg_loops marks them: loop_nest.inner) too (the function's does
 * not: the runtime never starts there).
 * Before, the Relooper made such a loop dispatch on a label at every
 * iteration (glibc's _wordcopy_fwd_dest_aligned: four compares). */
struct entries {
	struct loop_nest ln;
	RelooperBlockRef *d, *s; /* per loop header: its D and S, or NULL */
	RelooperBlockRef *hoist; /* per loop header: the way in from outside the loop
				    (hoists_of), or NULL */
	RelooperBlockRef *in;    /* per block: the runtime's way in (its code, or the
				    checks of what the block takes as known first) */
};

/* Where routes in a switch start: the function's real entries; a loop's
 * switch also routes inner entries. */
static int routed(const struct block *bl, const struct entries *en, uint32_t t, int32_t from)
{
	return bl[t].entry || (from >= 0 && en->ln.inner[t]);
}

/* The first loop on the way to entry t: the innermost that holds it, as
 * an interior block (a header with a D is reached through its own S). */
static int32_t route_start(const struct entries *en, uint32_t t)
{
	const struct loop_nest *ln = &en->ln;
	if (ln->loop_of[t] == (int32_t)t && !en->d[t])
		return ln->parent[t];
	return ln->loop_of[t];
}

/* From the switch of loop `from` (-1: the function's), the loop whose D
 * is the next hop to entry t, or -1 when t itself is. */
static int32_t next_hop(const struct entries *en, uint32_t t, int32_t from)
{
	int32_t l = route_start(en, t);
	if (l == from)
		return -1;
	while (en->ln.parent[l] != from)
		l = en->ln.parent[l];
	return l;
}

static int on_route(const struct entries *en, uint32_t t, int32_t from)
{
	for (int32_t l = route_start(en, t); l >= 0; l = en->ln.parent[l])
		if (l == from)
			return 1;
	return from < 0;
}

/* The switch of loop `from` (or the function's, -1): its branches, one
 * per next hop. Its default goes to the header (with `block` reset), or
 * for the function's switch, on the way to block 0. */
static void add_switch(struct lifter *L, const struct func *f, struct entries *en,
		       RelooperBlockRef sw, int32_t from, BinaryenIndex *idx)
{
	const struct block *bl = &L->p->blocks[f->first_block];
	int32_t h0 = -2;
	if (from < 0) {
		/* Block 0 is entered as 0, the value that means "no entry" to
		 * the dispatches: it goes in at its own D if it heads a loop
		 * that has one, else straight in (in a loop only if the code
		 * is irreducible; then the Relooper's label handles it). */
		h0 = en->d[0] ? 0 : -2;
		RelooperAddBranchForSwitch(sw, en->d[0] ? en->d[0] : en->in[0], NULL, 0, NULL);
	} else {
		RelooperAddBranchForSwitch(sw, en->in[from], NULL, 0, set(L, L_BLOCK, c32(L, 0)));
	}
	for (uint32_t t = 1; t < f->nblocks; t++) {
		if (!routed(bl, en, t, from) || (int32_t)t == from || !on_route(en, t, from))
			continue;
		int32_t h = next_hop(en, t, from);
		if (h < 0) {
			BinaryenIndex i = t;
			RelooperAddBranchForSwitch(sw, en->in[t], &i, 1, set(L, L_BLOCK, c32(L, 0)));
			continue;
		}
		if (h == h0)
			continue; /* (the default goes there) */
		/* all entries through h, once */
		uint32_t n = 0, first = 1;
		for (uint32_t u = 1; u < f->nblocks && first; u++) {
			if (!routed(bl, en, u, from) || (int32_t)u == from || !on_route(en, u, from) ||
			    next_hop(en, u, from) != h)
				continue;
			if (u < t)
				first = 0;
			idx[n++] = u;
		}
		if (first)
			RelooperAddBranchForSwitch(sw, en->d[h], idx, n, NULL);
	}
}

/* The block an edge k -> t goes to: t's code, or its D; an edge into a
 * loop from outside it first through the header's hoisted checks; for
 * an edge into a loop's interior, a block that sets `block` on the way
 * to the loop's D (struct entries). */
static RelooperBlockRef edge_to(struct lifter *L, RelooperRef rl, const struct entries *en,
				RelooperBlockRef *rb, uint32_t k, uint32_t t)
{
	int32_t l = cfg_entered_inside(&en->ln, k, t);
	if (l < 0 || !en->d[l]) {
		if (en->hoist[t] && !in_loop(&en->ln, k, t))
			return en->hoist[t];
		return en->d[t] ? en->d[t] : rb[t];
	}
	RelooperBlockRef b = RelooperAddBlock(rl, set(L, L_BLOCK, c32(L, (int32_t)t)));
	RelooperAddBranch(b, en->d[l], NULL, NULL);
	return b;
}

/* A function with no loops that calls nothing and leaves only by
 * returning or exiting: no cycle of compiled code runs through it
 * without passing a budget check elsewhere. A cycle that stays in
 * compiled code goes round a loop (its header checks) or through calls
 * (a caller's start checks); a return to a caller goes back into the
 * caller's code, which reaches the call again only round a loop; an
 * exit goes through the runtime, which checks the budget before it
 * enters compiled code again (aot_run). So its start needs no check:
 * qsort's comparator, an accessor. */
static int is_leaf(const struct lifter *L, uint32_t fi, const struct loop_nest *ln)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	for (uint32_t k = 0; k < f->nblocks; k++) {
		const struct block *b = &p->blocks[f->first_block + k];
		const struct insn *last = &p->insns[b->first + b->n - 1];
		const struct block *tb;
		if (ln->loop_of[k] >= 0 || block_calls(L, last))
			return 0;
		/* (a jump or a branch or the way on into another function is
		 * a wasm call: leave_to) */
		if ((last->in.op == RV_OP_JAL || cfg_is_branch(last->in.op)) &&
		    (tb = cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm)) && tb->func != fi)
			return 0;
		if (last->in.op != RV_OP_JAL && last->in.op != RV_OP_JALR &&
		    (tb = cfg_block_at(p, last->pc + last->in.len)) && tb->func != fi)
			return 0;
	}
	return 1;
}

static int lift_function(struct lifter *L, uint32_t fi)
{
	const struct program *p = L->p;
	const struct func *f = &p->funcs[fi];
	const struct block *bl = &p->blocks[f->first_block];
	regs_of(L, f);
	L->fi = fi;
	L->sites = 0;
	L->nexits = 0;
	L->fma = 0;
	L->fbase = p->insns[bl[0].first].pc;
	L->calls = L->wasm_calls = 0;
	for (uint32_t k = 0; k < f->nblocks && !L->calls; k++)
		L->calls = block_calls(L, &p->insns[bl[k].first + bl[k].n - 1]);
	struct entries en = { 0 };
	if (cfg_loops(p, fi, &en.ln) < 0)
		return -1;
	RelooperRef rl = RelooperCreate(M);
	RelooperBlockRef *rb = calloc(f->nblocks, sizeof *rb);
	en.d = calloc(f->nblocks, sizeof *en.d);
	en.s = calloc(f->nblocks, sizeof *en.s);
	en.in = calloc(f->nblocks, sizeof *en.in);
	en.hoist = calloc(f->nblocks, sizeof *en.hoist);
	struct facts *known = malloc(f->nblocks * sizeof *known);
	struct facts *hoist = calloc(f->nblocks, sizeof *hoist);
	BinaryenIndex *idx = malloc(f->nblocks * sizeof *idx);
	enum lift_result *ends = calloc(f->nblocks, sizeof *ends);
	uint64_t *dirty = malloc(f->nblocks * sizeof *dirty), *dirty_out = malloc(f->nblocks * sizeof *dirty);
	uint64_t *sync = malloc(f->nblocks * sizeof *sync), *live = malloc(f->nblocks * sizeof *live);
	uint64_t *valid = malloc(f->nblocks * sizeof *valid), at0 = 0, other = 0;
	/* per block: the first block that goes on to it (first_in;
	 * UINT32_MAX: none), and what is pending as it starts and at its end
	 * (start, pend; uncounted) */
	uint32_t *first_in = malloc(f->nblocks * sizeof *first_in);
	int32_t *start = calloc(f->nblocks, sizeof *start), *pend = calloc(f->nblocks, sizeof *pend);
	/* Exit stubs for targets outside this function, one per target and
	 * registers to write back. */
	struct { uint64_t pc, regs; RelooperBlockRef b; } *stubs = NULL;
	size_t nstubs = 0, capstubs = 0;
	if (!rb || !en.d || !en.s || !en.in || !en.hoist || !known || !hoist || !idx || !ends || !dirty ||
	    !dirty_out || !sync || !live || !valid || !first_in || !start || !pend) {
		L->oom = 1;
		goto out;
	}
	/* A huge function keeps the guest registers in locals only within a
	 * block (by_block): each loads what it reads and stores what it
	 * writes, so nothing is dirty or live across blocks, and no dataflow
	 * is run. With every register a local live across hundreds of
	 * blocks, TurboFan gave __printf_fp_l a 13 KB frame whose
	 * stack-to-stack moves at each join were most of its time. Nothing
	 * is known across blocks then either: each access checks itself. */
	int by_block = f->nblocks >= BY_BLOCK_MIN;
	if (by_block) {
		memset(known, 0, f->nblocks * sizeof *known);
		for (uint32_t k = 0; k < f->nblocks; k++) {
			valid[k] = reads_first(p, &bl[k], NULL) & L->used;
			dirty[k] = sync[k] = live[k] = 0;
		}
		L->st->by_block++;
	} else {
		for (uint32_t h = 1; h < f->nblocks; h++)
			if (en.ln.loop_of[h] == (int32_t)h && hoists_of(L, fi, &en.ln, h, &hoist[h]) < 0) {
				L->oom = 1;
				goto out;
			}
		if (facts_of(L, fi, &en.ln, hoist, known) < 0 || dirty_of(L, fi, &en.ln, dirty, sync) < 0 ||
		    live_of(L, fi, dirty, sync, hoist, live) < 0) {
			L->oom = 1;
			goto out;
		}
		/* What the entries load: at block 0 (a call's way in) the
		 * registers live there; at another (the runtime's: cold) also
		 * those live there or that its way in checks. */
		at0 = (live[0] | fact_regs(&known[0])) & L->used;
		for (uint32_t k = 1; k < f->nblocks; k++)
			if (bl[k].entry)
				other |= (live[k] | fact_regs(&known[k])) & L->used & ~at0;
		valid_of(L, fi, live, at0, other, valid);
	}
#define STUB(target, rg, dst) do { \
		size_t s_; \
		for (s_ = 0; s_ < nstubs && (stubs[s_].pc != (target) || stubs[s_].regs != (rg)); s_++) ; \
		if (s_ == nstubs) { \
			void *n_ = grown(stubs, &capstubs, nstubs, sizeof *stubs, 8); \
			if (!n_) { L->oom = 1; goto out; } \
			stubs = n_; \
			stubs[nstubs].pc = (target); \
			stubs[nstubs].regs = L->dirty = L->valid = (rg); \
			E c_ = leave_to(L, fi, (target)); \
			stubs[nstubs++].b = RelooperAddBlock(rl, BinaryenBlock(M, "bx", &c_, 1, BinaryenTypeNone())); \
		} \
		(dst) = stubs[s_].b; \
	} while (0)

	int leaf = is_leaf(L, fi, &en.ln);
	L->st->leaves += (size_t)leaf;
	/* Each block's first way in (for uncounted). */
	for (uint32_t k = 0; k < f->nblocks; k++)
		first_in[k] = UINT32_MAX;
	for (uint32_t k = 0; k < f->nblocks; k++) {
		uint32_t to[JT_MAX_TARGETS + 2], n = successors(L, fi, k, to);
		for (uint32_t i = 0; i < n; i++)
			if (first_in[to[i]] == UINT32_MAX)
				first_in[to[i]] = k;
	}
	/* Blocks' code. */
	for (uint32_t k = 0; k < f->nblocks; k++) {
		const struct block *b = &bl[k];
		L->n = 0;
		uint64_t bpc = p->insns[b->first].pc;
		/* The budget, at the function's start and at loop headers
		 * (entries both): every cycle, within a function or through
		 * calls, passes one. Not at other entries (a return address:
		 * the way on from a call); the runtime may stop at any entry.
		 * Then the block counts as retired. */
		/* RV2WASM_DEBUG_TRACE: call env.dbg(pc) at every block (debugging). */
		if (getenv("RV2WASM_DEBUG_TRACE")) {
			E tp = link_pc(L, bpc);
			emit(L, BinaryenCall(M, "dbg", &tp, 1, BinaryenTypeNone()));
		}
		L->dirty = dirty[k];
		L->valid = valid[k];
		if (by_block) /* (first: an exit may store what is valid) */
			load_regs(L, valid[k]);
		start[k] = 0;
		if (k && !b->entry && en.ln.loop_of[k] != (int32_t)k) {
			start[k] = first_in[k] < k ? pend[first_in[k]] : -(int32_t)b->n;
		}
		L->pending = start[k];
		if (b->entry && ((k == 0 && !leaf) || en.ln.loop_of[k] == (int32_t)k)) {
			E over = bin(L, BinaryenLeSInt64(), get64(L, L_IC), c64(L, 0));
			emit(L, BinaryenIf(M, over, exit_at(L, bpc, BUDGET, 0), NULL));
		}
		if (L->pending > 0 && L->pending + (int32_t)b->n > EXIT_ADJ_MAX) /* (an exit's fix fits its code) */
			count_pending(L);
		L->pending += (int32_t)b->n;
		struct facts fa = known[k];
		L->in_loop = en.ln.loop_of[k] >= 0;
		if (plan_block(L, &p->insns[b->first], b->n, &fa, en.ln.loop_of[k] >= 0) < 0) {
			L->oom = 1;
			goto out;
		}
		L->live_after = live_after(L, fi, k, live);
		enum lift_result r = LIFT_GO_ON;
		for (uint32_t i = 0; i < b->n && r == LIFT_GO_ON; i++) {
			L->at = i;
			uint32_t m = batch_len(&p->insns[b->first + i], b->n - i);
			if (m > 1) { /* (a run of double arithmetic) */
				emit_fp_batch(L, &p->insns[b->first + i], m, (int64_t)i - (int64_t)b->n);
				for (uint32_t j = 1; j < m; j++, i++) {
					L->dirty |= defs_of(&p->insns[b->first + i].in);
					L->valid |= defs_of(&p->insns[b->first + i].in);
				}
				r = LIFT_GO_ON;
			} else {
				r = lift_insn(L, &p->insns[b->first + i], (int64_t)i - (int64_t)b->n);
			}
			/* (after: an exit before the write has rd's old value,
			 * which may be stale: not live; a call through a pointer
			 * wrote its link before it, and rv_cpu has the callee's) */
			if (r != LIFT_CALLED) {
				L->dirty |= defs_of(&p->insns[b->first + i].in);
				L->valid |= defs_of(&p->insns[b->first + i].in);
			}
		}
		ends[k] = r;
		if (r == LIFT_ENDS) { /* jal: the link register */
			const struct insn *last = &p->insns[b->first + b->n - 1];
			if (last->in.op == RV_OP_JAL) {
				setx(L, last->in.rd, link_pc(L, last->pc + last->in.len));
				const struct block *tb =
					cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
				if (block_calls(L, last)) {
					emit_call(L, tb->func, 0, last->pc + (uint64_t)(int64_t)last->in.imm,
						  (int64_t)(last->pc + last->in.len));
					ends[k] = LIFT_CALLED;
				}
			}
			L->st->lifted++;
		}
		if (by_block && ends[k] != LIFT_EXITED) {
			store_regs(L, L->dirty);
			L->dirty = 0;
		}
		dirty_out[k] = L->dirty;
		pend[k] = L->pending;
		L->pending = 0;
		if (L->oom)
			goto out;
		rb[k] = RelooperAddBlock(rl, BinaryenBlock(M, "bx", L->list, (BinaryenIndex)L->n,
							    BinaryenTypeNone()));
		/* The runtime's way in (an entry, or an inner entry routed by
		 * a loop's switch): what the block takes as known, checked. */
		en.in[k] = rb[k];
		L->n = 0;
		L->dirty = L->valid = 0;
		L->pending = start[k]; /* (an entry's is 0) */
		if (k && (b->entry || en.ln.inner[k]) && check_known(L, &known[k], bpc, 1)) {
			if (L->oom)
				goto out;
			en.in[k] = RelooperAddBlock(rl, BinaryenBlock(M, "bx", L->list, (BinaryenIndex)L->n,
								       BinaryenTypeNone()));
			RelooperAddBranch(en.in[k], rb[k], NULL, NULL);
			L->st->rechecked++;
		}
		L->pending = 0;
	}
	/* The loops that entries (and inner entries: struct entries) are
	 * reached through. */
	for (uint32_t t = 1; t < f->nblocks; t++) {
		L->st->inner_entries += en.ln.inner[t];
		if (!bl[t].entry && !en.ln.inner[t])
			continue;
		int32_t l = en.ln.loop_of[t] == (int32_t)t ? en.ln.parent[t] : en.ln.loop_of[t];
		for (; l >= 0 && !en.d[l]; l = en.ln.parent[l]) {
			en.d[l] = RelooperAddBlock(rl, BinaryenNop(M));
			en.s[l] = RelooperAddBlockWithSwitch(rl, BinaryenNop(M), get32(L, L_BLOCK));
		}
	}
	/* Loop headers' hoisted checks, and the registers written back
	 * (dirty_of), on the way in from outside the loop. */
	for (uint32_t h = 1; h < f->nblocks; h++) {
		L->n = 0;
		assert(!(sync[h] & ~valid[h]));
		store_regs(L, sync[h]);
		L->dirty = dirty[h];
		L->valid = valid[h];
		int checks = check_known(L, &hoist[h], p->insns[bl[h].first].pc, 0);
		if (!L->n)
			continue;
		if (L->oom)
			goto out;
		en.hoist[h] = RelooperAddBlock(rl, BinaryenBlock(M, "bx", L->list, (BinaryenIndex)L->n,
								  BinaryenTypeNone()));
		RelooperAddBranch(en.hoist[h], en.d[h] ? en.d[h] : rb[h], NULL, NULL);
		L->st->hoisted += checks != 0;
	}
#define EDGE(k, t) edge_to(L, rl, &en, rb, (k), (t))
#define COUNT(k, t) count_way(L, pend[k], (t) == UINT32_MAX ? 0 : start[t])
	/* Branches (a block that exited has none: its code branched out). */
	for (uint32_t k = 0; k < f->nblocks; k++) {
		if (ends[k] == LIFT_EXITED)
			continue;
		const struct block *b = &bl[k];
		const struct insn *last = &p->insns[b->first + b->n - 1];
		if (ends[k] == LIFT_SWITCH) { /* a compare per target; any other exits */
			const struct jump_table *jt = cfg_jump_table(p, b->first + b->n - 1);
			for (uint32_t i = 0; i < jt->n; i++) {
				uint64_t t = p->jt_targets[jt->first + i];
				const struct block *tb = cfg_block_at(p, t);
				if (tb && tb->func == fi)
					RelooperAddBranch(rb[k], EDGE(k, tb->index),
							  bin(L, BinaryenEqInt64(), get64(L, L_T0), link_pc(L, t)),
							  COUNT(k, tb->index));
			}
			L->dirty = L->valid = dirty_out[k];
			L->pending = pend[k];
			E c = exit_to(L, get64(L, L_T0), NEXT);
			L->pending = 0;
			RelooperAddBranch(rb[k], RelooperAddBlock(rl, BinaryenBlock(M, "bx", &c, 1,
										   BinaryenTypeNone())),
					  NULL, NULL);
			continue;
		}
		uint64_t fall = last->pc + last->in.len;
		RelooperBlockRef fallb, takenb;
		uint32_t fallt = UINT32_MAX, takent = UINT32_MAX;
		if (k + 1 < f->nblocks && p->insns[bl[k + 1].first].pc == fall)
			fallb = EDGE(k, fallt = k + 1);
		else
			STUB(fall, dirty_out[k], fallb);
		if (ends[k] == LIFT_ENDS) { /* (a call, LIFT_CALLED, goes on at the return address) */
			uint64_t target = last->pc + (uint64_t)(int64_t)last->in.imm;
			const struct block *tb = cfg_block_at(p, target);
			if (tb && tb->func == fi)
				takenb = EDGE(k, takent = tb->index);
			else
				STUB(target, dirty_out[k], takenb);
			if (last->in.op == RV_OP_JAL) {
				RelooperAddBranch(rb[k], takenb, NULL, COUNT(k, takent));
			} else {
				RelooperAddBranch(rb[k], takenb, branch_cond(L, &last->in), COUNT(k, takent));
				if (fallb != takenb)
					RelooperAddBranch(rb[k], fallb, NULL, COUNT(k, fallt));
			}
		} else {
			RelooperAddBranch(rb[k], fallb, NULL, COUNT(k, fallt));
		}
	}
	for (uint32_t h = 0; h < f->nblocks; h++)
		if (en.d[h]) {
			RelooperAddBranch(en.d[h], en.s[h], bin(L, BinaryenNeInt32(), get32(L, L_BLOCK), c32(L, 0)),
					  NULL);
			RelooperAddBranch(en.d[h], rb[h], NULL, NULL);
			add_switch(L, f, &en, en.s[h], (int32_t)h, idx);
		}
#undef EDGE
#undef COUNT
	/* The entry: a switch on the block to start at; the prologue loads
	 * at0, the way to another entry `other` too. */
	L->n = 0;
	load_regs(L, other);
	E more = L->n ? BinaryenIf(M, get32(L, L_BLOCK), seq(L, L->list, L->n), NULL) : BinaryenNop(M);
	RelooperBlockRef entry = RelooperAddBlockWithSwitch(rl, more, get32(L, L_BLOCK));
	add_switch(L, f, &en, entry, -1, idx);
	E flow = RelooperRenderAndDispose(rl, entry, L_LABEL);
	rl = NULL;
	/* The exits, grouped by the registers they write back: a few sets
	 * (a function's exits before its first call, after it, in a loop),
	 * each stored by a block of its own at the function's end; past
	 * MAX_EXIT_SETS, the rest take the least set that holds theirs and
	 * only registers whose locals are valid there (one not dirty may be
	 * stale: live_of), else store theirs before the branch.
	 * Then instret and pc, for all. */
	uint64_t sets[MAX_EXIT_SETS];
	size_t nsets = 0;
	for (size_t i = 0; i < L->nexits; i++) {
		uint64_t regs = L->exits[i].regs, ok = L->exits[i].valid | regs;
		size_t j = 0;
		while (j < nsets && sets[j] != regs)
			j++;
		size_t least = nsets; /* else the least set that serves */
		for (size_t m = 0; j == nsets && m < nsets; m++)
			if (!(regs & ~sets[m]) && !(sets[m] & ~ok) &&
			    (least == nsets || __builtin_popcountll(sets[m]) < __builtin_popcountll(sets[least])))
				least = m;
		j = j < nsets ? j : least;
		if (j == nsets && nsets == MAX_EXIT_SETS) {
			size_t n0 = L->n;
			store_regs(L, regs);
			for (size_t s = n0; s < L->n; s++)
				BinaryenBlockInsertChildAt(L->exits[i].seq,
							   BinaryenBlockGetNumChildren(L->exits[i].seq) - 1,
							   L->list[s]);
			L->n = n0;
			BinaryenBreakSetName(L->exits[i].br, "exit");
			continue;
		}
		if (j == nsets)
			sets[nsets++] = regs;
		char name[24];
		snprintf(name, sizeof name, "x%zu", j);
		BinaryenBreakSetName(L->exits[i].br, name);
	}

	/* Prologue; the blocks; the exit, where every exit_to branches. */
	L->n = 0;
	emit(L, set(L, L_CPU, BinaryenLoad(M, 4, false, CTX_CPU, 4, L->i32, get32(L, L_CTX))));
	emit(L, set(L, L_BASE, BinaryenLoad(M, 4, false, CTX_BASE, 4, L->i32, get32(L, L_CTX))));
	emit(L, set(L, L_PP, BinaryenLoad(M, 4, false, CTX_PP, 4, L->i32, get32(L, L_CTX))));
	emit(L, set(L, L_LIM, bin(L, BinaryenShrUInt64(),
				  BinaryenLoad(M, 8, false, CTX_SIZE, 8, L->i64, get32(L, L_CTX)),
				  c64(L, 12))));
	if (p->is_dyn)
		emit(L, set(L, L_BIAS, BinaryenLoad(M, 8, false, CTX_BIAS, 8, L->i64, get32(L, L_CTX))));
	/* A call to the start whose frame would take the stack past
	 * STACK_BUDGET (depth counts it: emit_call) goes through the runtime:
	 * nothing of it has run, the caller's state is in rv_cpu. A frame
	 * larger than a call through a pointer counts adds what it lacks. */
	E deep[2] = { BinaryenStore(M, 8, CPU_PC, 8, get32(L, L_CPU), link_pc(L, L->fbase), L->i64),
		      BinaryenReturn(M, c32(L, NEXT)) };
	int32_t excess = L->cost[fi] > INDIRECT_COST ? L->cost[fi] - INDIRECT_COST : 0;
	emit(L, BinaryenIf(M, bin(L, BinaryenAndInt32(), un(L, BinaryenEqZInt32(), get32(L, L_BLOCK)),
				  bin(L, BinaryenGtUInt32(), get32(L, L_DEPTH), c32(L, STACK_BUDGET - excess))),
			   seq(L, deep, 2), NULL));
	load_state(L, at0);
	E body[2] = { flow, BinaryenUnreachable(M) }; /* (every block branches or exits) */
	E code = BinaryenBlock(M, "x0", body, 2, BinaryenTypeNone());
	for (size_t j = 0; j < nsets; j++) { /* block x<j+1> { code; stores of set j; br exit } */
		size_t n0 = L->n;
		char name[24];
		snprintf(name, sizeof name, "x%zu", j + 1);
		emit(L, code);
		store_regs(L, sets[j]);
		/* (built as a br_if, made a br once its block is: a block
		 * ending in a br is finalized by a scan of all it holds for
		 * branches to it, and these blocks hold the function) */
		E out = j + 1 < nsets ? BinaryenBreak(M, "exit", c32(L, 1), NULL) : NULL;
		if (out)
			emit(L, out);
		code = BinaryenBlock(M, j + 1 < nsets ? name : "exit", L->list + n0, (BinaryenIndex)(L->n - n0),
				     BinaryenTypeNone());
		if (out) {
			BinaryenBreakSetCondition(out, NULL);
			BinaryenExpressionFinalize(out);
		}
		L->n = n0;
	}
	emit(L, code);
	/* exit_at's code: (pc - fbase) / 2 + 1 << EXIT_PC_SHIFT | uncounted + EXIT_ADJ_MAX << EXIT_WHY_BITS | why,
	 * unpacked under a branch; exit_to's and exit_ret's: why alone (no
	 * correction), with pc in L_PC. (A branch, not selects: a return, the
	 * hot way out, tests one compare and skips the rest.) */
	E k = get32(L, L_REASON);
	E packed = un(L, BinaryenExtendUInt32(), bin(L, BinaryenShrUInt32(), k, c32(L, EXIT_PC_SHIFT)));
	E unpack[2];
	unpack[0] = set(L, L_PC, bin(L, BinaryenAddInt64(), link_pc(L, L->fbase - 2),
				     bin(L, BinaryenShlInt64(), packed, c64(L, 1))));
	E fix = bin(L, BinaryenSubInt32(),
		    bin(L, BinaryenAndInt32(), bin(L, BinaryenShrUInt32(), get32(L, L_REASON), c32(L, EXIT_WHY_BITS)),
			c32(L, 2 * EXIT_ADJ_MAX + 1)),
		    c32(L, EXIT_ADJ_MAX));
	unpack[1] = set(L, L_IC, bin(L, BinaryenSubInt64(), get64(L, L_IC), sext32(L, fix)));
	emit(L, BinaryenIf(M, bin(L, BinaryenGeUInt32(), get32(L, L_REASON), c32(L, 1 << EXIT_PC_SHIFT)),
			   seq(L, unpack, 2), NULL));
	emit(L, store_ic(L));
	/* (a return to the caller's address, RET, leaves pc: its caller goes
	 * on without reading it, or sets it: emit_call) */
	emit(L, BinaryenIf(M, bin(L, BinaryenNeInt32(), get32(L, L_REASON), c32(L, RET)),
			   BinaryenStore(M, 8, CPU_PC, 8, get32(L, L_CPU), get64(L, L_PC), L->i64), NULL));
	emit(L, BinaryenReturn(M, bin(L, BinaryenAndInt32(), get32(L, L_REASON), c32(L, (1 << EXIT_WHY_BITS) - 1))));
	if (L->oom)
		goto out;

	L->out[fi] = (struct lifted){
		.body = BinaryenBlock(M, NULL, L->list, (BinaryenIndex)L->n, L->i32),
		.nvars = (BinaryenIndex)(L_COUNT - L_NPARAMS + (L->fma ? L_FMA_COUNT : 0)),
		.sites = L->sites,
		.keeps = !L->wasm_calls && !(L->used & KEPT),
	};
	L->st->keeps += (size_t)L->out[fi].keeps;
out:
	if (rl)
		RelooperRenderAndDispose(rl, RelooperAddBlock(rl, BinaryenNop(M)), L_LABEL);
	free(rb);
	free(en.d);
	free(en.s);
	free(en.in);
	free(en.hoist);
	free(known);
	free(hoist);
	free(idx);
	free(ends);
	free(dirty);
	free(dirty_out);
	free(sync);
	free(live);
	free(valid);
	free(first_in);
	free(start);
	free(pend);
	free(stubs);
	cfg_loops_free(&en.ln);
	return L->oom ? -1 : 0;
#undef STUB
}

/* ---- helpers: mulh*, division with RISC-V's answers for /0 and
 * overflow (wasm would trap), and chk (a memory check, for cold paths) ---- */

static void add_helper(struct lifter *L, const char *name, E body, int nvars)
{
	BinaryenType params[2] = { L->i64, L->i64 };
	BinaryenType vars[8];
	for (int i = 0; i < nvars; i++)
		vars[i] = L->i64;
	BinaryenAddFunction(M, name, BinaryenTypeCreate(params, 2), L->i64, vars,
			    (BinaryenIndex)nvars, body);
}

static E sel(struct lifter *L, E cond, E a, E b) { return BinaryenSelect(M, cond, a, b, L->i64); }
static E g(struct lifter *L, int i) { return get64(L, i); }

static void lift_helpers(struct lifter *L)
{
	/* (An expression is a tree node: each use needs its own.) */
#define MASK c64(L, 0xffffffffLL)
	/* mulhu(a, b) from 32-bit halves; locals 2.. p0 p1 p2 mid */
	E v[6];
	v[0] = set(L, 2, bin(L, BinaryenMulInt64(), bin(L, BinaryenAndInt64(), g(L, 0), MASK),
			     bin(L, BinaryenAndInt64(), g(L, 1), MASK)));
	v[1] = set(L, 3, bin(L, BinaryenMulInt64(), bin(L, BinaryenAndInt64(), g(L, 0), MASK),
			     bin(L, BinaryenShrUInt64(), g(L, 1), c64(L, 32))));
	v[2] = set(L, 4, bin(L, BinaryenMulInt64(), bin(L, BinaryenShrUInt64(), g(L, 0), c64(L, 32)),
			     bin(L, BinaryenAndInt64(), g(L, 1), c64(L, 0xffffffffLL))));
	v[3] = set(L, 5, bin(L, BinaryenAddInt64(),
			     bin(L, BinaryenAddInt64(), bin(L, BinaryenShrUInt64(), g(L, 2), c64(L, 32)),
				 bin(L, BinaryenAndInt64(), g(L, 3), c64(L, 0xffffffffLL))),
			     bin(L, BinaryenAndInt64(), g(L, 4), c64(L, 0xffffffffLL))));
	E hi = bin(L, BinaryenMulInt64(), bin(L, BinaryenShrUInt64(), g(L, 0), c64(L, 32)),
		   bin(L, BinaryenShrUInt64(), g(L, 1), c64(L, 32)));
	hi = bin(L, BinaryenAddInt64(), hi, bin(L, BinaryenShrUInt64(), g(L, 3), c64(L, 32)));
	hi = bin(L, BinaryenAddInt64(), hi, bin(L, BinaryenShrUInt64(), g(L, 4), c64(L, 32)));
	hi = bin(L, BinaryenAddInt64(), hi, bin(L, BinaryenShrUInt64(), g(L, 5), c64(L, 32)));
	v[4] = BinaryenReturn(M, hi);
	add_helper(L, "mulhu", seq(L, v, 5), 4);
	/* mulh = mulhu - (a<0 ? b : 0) - (b<0 ? a : 0); mulhsu without the last */
	E a_neg = bin(L, BinaryenLtSInt64(), g(L, 0), c64(L, 0));
	E b_neg = bin(L, BinaryenLtSInt64(), g(L, 1), c64(L, 0));
	E hu = call2(L, "mulhu", g(L, 0), g(L, 1));
	add_helper(L, "mulh",
		   bin(L, BinaryenSubInt64(),
		       bin(L, BinaryenSubInt64(), hu, sel(L, a_neg, g(L, 1), c64(L, 0))),
		       sel(L, b_neg, g(L, 0), c64(L, 0))), 0);
	add_helper(L, "mulhsu",
		   bin(L, BinaryenSubInt64(), call2(L, "mulhu", g(L, 0), g(L, 1)),
		       sel(L, bin(L, BinaryenLtSInt64(), g(L, 0), c64(L, 0)), g(L, 1), c64(L, 0))), 0);
#undef MASK
	/* chk(ctx, A, n | store << 16): check_access's test as a function,
	 * 1 if it lets n bytes at A through (for check_known's cold paths
	 * and guard's blocks that run once a call).
	 * Locals: 3 page index, 4 its bits, 5 n, 6 pageprot. */
	E cv[7];
	cv[0] = set(L, 3, bin(L, BinaryenShrUInt64(), get64(L, 1), c64(L, 12)));
	cv[1] = BinaryenIf(M, bin(L, BinaryenGeUInt64(), get64(L, 3),
				  bin(L, BinaryenShrUInt64(),
				      BinaryenLoad(M, 8, false, CTX_SIZE, 8, L->i64, get32(L, 0)), c64(L, 12))),
			   BinaryenReturn(M, c32(L, 0)), NULL);
	cv[2] = set(L, 6, BinaryenLoad(M, 4, false, CTX_PP, 4, L->i32, get32(L, 0)));
	cv[3] = set(L, 4, BinaryenLoad(M, 1, false, 0, 1, L->i32,
				       bin(L, BinaryenAddInt32(), get32(L, 6), lo32(L, get64(L, 3)))));
	cv[4] = set(L, 5, bin(L, BinaryenAndInt32(), get32(L, 2), c32(L, 0xffff)));
	E last = bin(L, BinaryenShrUInt64(),
		     bin(L, BinaryenAddInt64(), get64(L, 1),
			 b2x(L, bin(L, BinaryenSubInt32(), get32(L, 5), c32(L, 1)))),
		     c64(L, 12));
	E crosses = bin(L, BinaryenAndInt32(), bin(L, BinaryenGtUInt32(), get32(L, 5), c32(L, 1)),
			bin(L, BinaryenGtUInt32(), bin(L, BinaryenAndInt32(), lo32(L, get64(L, 1)), c32(L, 4095)),
			    bin(L, BinaryenSubInt32(), c32(L, 4096), get32(L, 5))));
	cv[5] = BinaryenIf(M, bin(L, BinaryenGtUInt32(), get32(L, 5), c32(L, 8)),
			   set(L, 4, bin(L, BinaryenAndInt32(), get32(L, 4),
					 BinaryenLoad(M, 1, false, 0, 1, L->i32,
						      bin(L, BinaryenAddInt32(), get32(L, 6), lo32(L, last))))),
			   BinaryenIf(M, crosses, BinaryenReturn(M, c32(L, 0)), NULL));
	cv[6] = BinaryenReturn(M, bin(L, BinaryenNeInt32(),
				      bin(L, BinaryenAndInt32(), get32(L, 4),
					  BinaryenSelect(M, bin(L, BinaryenShrUInt32(), get32(L, 2), c32(L, 16)),
							 c32(L, PROT_ST), c32(L, PROT_R), L->i32)),
				      c32(L, 0)));
	BinaryenType cp[3] = { L->i32, L->i64, L->i32 }, cl[4] = { L->i64, L->i32, L->i32, L->i32 };
	BinaryenAddFunction(M, "chk", BinaryenTypeCreate(cp, 3), L->i32, cl, 4,
			    BinaryenBlock(M, NULL, cv, 7, BinaryenTypeNone()));
}

/* What a call to each function costs and may change: L->cost (its
 * frame) and L->clobbers, the registers it writes and those the
 * functions it calls or jumps to may change, to the fixed point; all, if
 * it calls or jumps through a pointer (lift_insn's jalr: emit_call). */
static void calls_of(struct lifter *L)
{
	const struct program *p = L->p;
	for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
		const struct func *f = &p->funcs[fi];
		regs_of(L, f);
		L->cost[fi] = frame_cost(L, f);
		L->clobbers[fi] = L->written;
		for (uint32_t b = f->first_block; b < f->first_block + f->nblocks; b++) {
			const rv_insn *in = &p->insns[p->blocks[b].first + p->blocks[b].n - 1].in;
			if (in->op == RV_OP_JALR && (in->rd || (in->rs1 != 1 && in->rs1 != 5)))
				L->clobbers[fi] = ~0ull;
		}
	}
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
			const struct func *f = &p->funcs[fi];
			uint64_t c = L->clobbers[fi];
			for (uint32_t b = f->first_block; b < f->first_block + f->nblocks && ~c; b++) {
				const struct insn *last = &p->insns[p->blocks[b].first + p->blocks[b].n - 1];
				const struct block *tb;
				if ((last->in.op == RV_OP_JAL || cfg_is_branch(last->in.op)) &&
				    (tb = cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm)) &&
				    tb->func != fi)
					c |= L->clobbers[tb->func];
				if ((tb = cfg_block_at(p, last->pc + last->in.len)) && tb->func != fi)
					c |= L->clobbers[tb->func];
			}
			if (c != L->clobbers[fi])
				L->clobbers[fi] = c, changed = 1;
		}
	}
}

/* Lifts the functions not yet taken, until none is left or a lifter
 * failed (*failed: that function + 1). */
static void *lift_some(void *arg)
{
	struct lifter *L = arg;
	uint32_t fi;
	while (!atomic_load(L->failed) && (fi = atomic_fetch_add(L->next, 1)) < L->p->nfuncs) {
		if (lift_function(L, fi) < 0) {
			atomic_store(L->failed, (int)fi + 1);
			break;
		}
		atomic_fetch_add(&progress.done, 1);
	}
	free(L->list);
	free(L->exits);
	free(L->plan);
	L->list = NULL;
	L->exits = NULL;
	L->plan = NULL;
	return NULL;
}

static void add_stats(struct lift_stats *to, const struct lift_stats *from)
{
	_Static_assert(sizeof *to % sizeof(size_t) == 0, "struct lift_stats: size_t counts only");
	size_t *t = (size_t *)to;
	const size_t *f = (const size_t *)from;
	for (size_t i = 0; i < sizeof *to / sizeof *t; i++)
		t[i] += f[i];
}

/* Lifting is most of rv2wasm's time after Binaryen's passes (which run on
 * every core): the functions are lifted on as many threads, each lifter
 * with its own buffers and counts. Binaryen's arenas and name interning
 * take expressions built on any thread; only adding to the module is not
 * (lift_program does that, after, in order). BINARYEN_CORES, which limits
 * Binaryen's threads, limits these too. */
enum { MAX_LIFTERS = 8 };

static void lift_all(struct lifter *L0)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	const char *cores = getenv("BINARYEN_CORES");
	if (cores && atoi(cores) > 0)
		n = atoi(cores);
	n = n < 1 ? 1 : n > MAX_LIFTERS ? MAX_LIFTERS : n;
	struct lifter Ls[MAX_LIFTERS];
	struct lift_stats sts[MAX_LIFTERS];
	pthread_t th[MAX_LIFTERS];
	int started[MAX_LIFTERS] = { 0 };
	pthread_attr_t attr;
	int attr_ok = !pthread_attr_init(&attr) && !pthread_attr_setstacksize(&attr, 64u << 20);
	for (long i = 1; i < n; i++) {
		/* what the lifters share; the rest (buffers, counts, the
		 * function being lifted) starts empty */
		memset(&sts[i], 0, sizeof sts[i]);
		Ls[i] = (struct lifter){ .m = L0->m, .p = L0->p, .st = &sts[i], .out = L0->out, .next = L0->next,
					 .failed = L0->failed, .i32 = L0->i32, .i64 = L0->i64,
					 .clobbers = L0->clobbers, .direct_calls = L0->direct_calls,
					 .cost = L0->cost };
		started[i] = !pthread_create(&th[i], attr_ok ? &attr : NULL, lift_some, &Ls[i]);
	}
	lift_some(L0);
	for (long i = 1; i < n; i++) {
		if (!started[i])
			continue;
		pthread_join(th[i], NULL);
		add_stats(L0->st, &sts[i]);
	}
	if (attr_ok)
		pthread_attr_destroy(&attr);
}

/* v as a ULEB128 at out: its length. */
enum { ULEB64_MAX = 10 };
static size_t uleb(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	do {
		out[n++] = (uint8_t)(v & 127) | (v > 127 ? 128 : 0);
		v >>= 7;
	} while (v);
	return n;
}

void *lift_program(const struct program *p, struct lift_stats *st, char *err, size_t cap)
{
	struct lifter L0 = { .p = p, .st = st }, *L = &L0;
	/* RV2WASM_NO_DIRECT_CALLS=1: every call through the runtime (to compare). */
	L->direct_calls = !getenv("RV2WASM_NO_DIRECT_CALLS");
	memset(st, 0, sizeof *st);
	L->m = BinaryenModuleCreate();
	L->i32 = BinaryenTypeInt32();
	L->i64 = BinaryenTypeInt64();
	BinaryenModuleSetFeatures(M, BinaryenFeatureMVP() | BinaryenFeatureSignExt() |
				  BinaryenFeatureMutableGlobals());
	/* The runtime's memory: wasm32, up to 4 GiB. */
	BinaryenSetMemory(M, 1, 65536, NULL, NULL, NULL, NULL, NULL, 0, 0);
	BinaryenAddMemoryImport(M, "0", "env", "memory", 0);
	f_fields_init();
	lift_helpers(L);
	BinaryenAddFunctionImport(M, "step", "env", "step", L->i32, L->i32);
	BinaryenType fpu_params[3] = { L->i32, L->i32, L->i32 };
	BinaryenAddFunctionImport(M, "fpu", "env", "fpu", BinaryenTypeCreate(fpu_params, 3), L->i32);
	BinaryenType lookup_params[2] = { L->i32, L->i64 };
	BinaryenAddFunctionImport(M, "lookup", "env", "lookup", BinaryenTypeCreate(lookup_params, 2),
				  L->i64);
	BinaryenType far_params[3] = { L->i32, L->i64, L->i32 };
	BinaryenAddFunctionImport(M, "far", "env", "far", BinaryenTypeCreate(far_params, 3), L->i32);
	if (getenv("RV2WASM_DEBUG_TRACE"))
		BinaryenAddFunctionImport(M, "dbg", "env", "dbg", L->i64, BinaryenTypeNone());
	L->cost = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof *L->cost);
	L->clobbers = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof *L->clobbers);
	L->out = calloc(p->nfuncs ? p->nfuncs : 1, sizeof *L->out);
	_Atomic uint32_t next = 0;
	_Atomic int failed = 0;
	L->next = &next;
	L->failed = &failed;
	if (L->cost && L->clobbers && L->out) {
		calls_of(L);
		progress.total = p->nfuncs;
		lift_all(L);
	} else {
		failed = 1;
	}
	free(L->cost);
	free(L->clobbers);
	if (failed) {
		snprintf(err, cap, "out of memory lifting function %d", failed - 1);
		free(L->out);
		BinaryenModuleDispose(M);
		return NULL;
	}
	BinaryenType vars[L_COUNT + L_FMA_COUNT - L_NPARAMS];
	for (int i = L_NPARAMS; i < L_COUNT + L_FMA_COUNT; i++)
		vars[i - L_NPARAMS] = i == L_FR || i >= L_F0 ? BinaryenTypeFloat64() : i == L_FS ? BinaryenTypeFloat32()
			      : (i >= L_X1 && i < L_CPU) || (i >= L_LIM && i <= L_PC) ||
			      i == L_T0 || i == L_T1 || i == L_A ? L->i64 : L->i32;
	for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
		char name[FUNC_NAME], pc[32], fb[32];
		for (uint32_t k = 0; k < L->out[fi].sites; k++) {
			site_names(fi, k, pc, fb);
			BinaryenAddGlobal(M, pc, L->i64, true, c64(L, -1));
			BinaryenAddGlobal(M, fb, L->i64, true, c64(L, -1));
		}
		func_name(p, fi, name);
		BinaryenAddFunction(M, name, func_type(L), L->i32, vars, L->out[fi].nvars, L->out[fi].body);
	}
	/* (L->out's keeps go in the entry table, below) */

	/* run(ctx, func, block): through a table of every function. */
	const char **names = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof *names);
	char *namebuf = malloc((p->nfuncs ? p->nfuncs : 1) * FUNC_NAME);
	if (!names || !namebuf) {
		free(names);
		free(namebuf);
		free(L->out);
		BinaryenModuleDispose(M);
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < p->nfuncs; i++) {
		func_name(p, (uint32_t)i, namebuf + FUNC_NAME * i);
		names[i] = namebuf + FUNC_NAME * i;
	}
	BinaryenAddTable(M, "funcs", (BinaryenIndex)p->nfuncs, (BinaryenIndex)p->nfuncs,
			 BinaryenTypeFuncref());
	BinaryenAddActiveElementSegment(M, "funcs", "all", names, (BinaryenIndex)p->nfuncs,
					c32(L, 0));
	free(names);
	free(namebuf);
	/* (ctx, block, the stack its callers took: 0, or env.far's caller's,
	 * no return address, so no sp to come back with: RET never comes
	 * back to the runtime) */
	E args[L_NPARAMS] = { get32(L, 0), get32(L, 2), BinaryenLoad(M, 4, false, CTX_DEPTH, 4, L->i32, get32(L, 0)),
			      c64(L, -1), c64(L, 0) };
	E call = BinaryenCallIndirect(M, "funcs", get32(L, 1), args, L_NPARAMS, func_type(L), L->i32);
	BinaryenType rparams[3] = { L->i32, L->i32, L->i32 };
	BinaryenAddFunction(M, "run", BinaryenTypeCreate(rparams, 3), L->i32, NULL, 0, call);
	BinaryenAddFunctionExport(M, "run", "run");

	/* The entry table, its numbers small: 3.2 bytes an entry where a
	 * u64 and two u32s took 16 (busybox's module 3.8% smaller). */
	uint8_t *sec = malloc(4 + p->nentries * 3 * ULEB64_MAX);
	if (!sec) {
		free(L->out);
		BinaryenModuleDispose(M);
		snprintf(err, cap, "out of memory");
		return NULL;
	}
	uint32_t ne = (uint32_t)p->nentries;
	memcpy(sec, &ne, 4);
	size_t len = 4;
	uint64_t last_pc = 0;
	uint32_t last_func = 0;
	for (size_t i = 0; i < p->nblocks; i++) {
		if (!p->blocks[i].entry)
			continue;
		uint64_t pc = p->insns[p->blocks[i].first].pc;
		assert(pc >= last_pc && !(pc & 1) && p->blocks[i].func >= last_func);
		len += uleb(sec + len, (pc - last_pc) / 2);
		len += uleb(sec + len, p->blocks[i].func - last_func);
		len += uleb(sec + len, 2 * (uint64_t)p->blocks[i].index + (uint64_t)L->out[p->blocks[i].func].keeps);
		last_pc = pc;
		last_func = p->blocks[i].func;
	}
	BinaryenAddCustomSection(M, "friscy.entries", (const char *)sec, (BinaryenIndex)len);
	free(L->out);
	uint8_t abi[4] = { AOT_ABI_VERSION & 255, AOT_ABI_VERSION >> 8 & 255, AOT_ABI_VERSION >> 16 & 255,
			   AOT_ABI_VERSION >> 24 };
	BinaryenAddCustomSection(M, "friscy.abi", (const char *)abi, 4);
	free(sec);
	return M;
}
