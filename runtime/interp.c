/* The RV64GC interpreter (see interp.h).
 *
 * Decoded-block cache
 * -------------------
 * Code is decoded once into basic blocks: a run of pre-decoded internal ops
 * ("iops") starting at a guest pc and ending at the first control transfer
 * other than a `j` (which decoding follows, see THREADING), ecall/ebreak,
 * fence.i, illegal instruction, a non-executable page, or BLOCK_MAX
 * instructions. Blocks live in a chained hash table keyed by their
 * start pc, in m->icache (one cache per address space, so threads share it;
 * mem_free releases it through m->icache_free).
 *
 * Why blocks in a hash rather than a per-page predecoded array: guest code is
 * sparse in a large arena (libc, ld.so, the executable, a JIT's buffers), and
 * a per-page array costs memory for every page touched plus a second-level
 * lookup on every jump; a block knows its own successors, so the hash is only
 * consulted for indirect jumps (returns, calls through pointers) and when a
 * block is first reached. Because a block's pc is known when it is decoded,
 * every pc-relative value (auipc results, link addresses, branch and jump
 * targets) becomes a constant, and the interpreter never maintains a pc while
 * running a block: the pc of an instruction that stops is block pc + its
 * offset.
 *
 * Execute permission is checked when a block is decoded (a 4-byte
 * instruction straddling the end of the executable range faults with the
 * address of its first missing byte); mprotect/munmap call interp_flush, so
 * a cached block is always still executable.
 *
 * Chaining: a block ending in a direct branch or jump caches the successor
 * block of both edges (taken / fall-through). An edge not followed yet points
 * at a static marker block (miss0/miss1) whose instruction count exceeds any
 * budget, so the one budget check on block entry also catches it. jalr keeps
 * a one-entry inline cache of its last target, then probes the hash. Every
 * drop of the cache bumps ic->gen, and a successor pointer is stored into a
 * block only when the generation did not change while it was resolved.
 *
 * Invalidation (interp_flush, fence.i) drops the whole cache when any cached
 * block overlaps the range: that is rare (dlopen, a JIT patching code), it
 * keeps chaining trivially correct, and memory is a bump allocator that is
 * reset in O(chunks). The cache is also dropped when it passes CACHE_LIMIT.
 *
 * Dispatch: each iop carries a handler index (and, with GCC/clang natively,
 * the handler's label address for direct threading: `goto *ins->lbl`). Under
 * Emscripten (and with INTERP_NO_CGOTO, or other compilers) the same handlers
 * are the cases of a switch, which becomes a wasm br_table. The translation
 * from enum rv_op to handler (xlate) is one exhaustive switch with no
 * default, so an op added to the ISA table and forgotten here fails
 * -Werror=switch; the handler switch of the fallback build is exhaustive too.
 * interp_run keeps only X, ins, blk, the budget and the arena's base and
 * page permissions hot; everything else lives in a run_state in memory,
 * which leaves the registers to those.
 *
 * What costs time: guest registers live in memory (X), so an op's work is a
 * few loads and a store, and its dispatch (an indirect jump) costs about as
 * much again. Fused ops and threaded jumps cut the count of dispatches; a
 * block change costs little more than a dispatch (its successor is cached;
 * a block looping to itself does not even reload blk); the latency of a
 * value going through X is mostly hidden. Measured, not guessed: a triple
 * of ops per dispatch, or forwarding a pair's first result to its second
 * half in a register, gained nothing on tests/bench.
 *
 * Decode-time specialisation: addi rd,x0,imm / lui / auipc become "load
 * constant", addi rd,rs,0 and add rd,x0,rs become "move", ALU ops writing x0
 * become nops, branches against x0 and jal/jalr without link get their own
 * handlers, load/store immediates are pre-biased for a one-compare bounds
 * check (MEMB). Fused ops run two instructions per dispatch: a simple op
 * (ALU, load, store) and the conditional branch ending its block
 * (FUSE_PAIRS, the common loop tail), and the commonest pairs of simple ops
 * or of a simple op and a call or return (OP_PAIRS), which removes a third
 * to a half of all dispatches. Ops that write x[rd] and have side effects
 * (loads, AMOs, CSR ops, FP compares that set fflags) are followed by a
 * synthetic op that re-zeroes x0 when rd is x0, so no handler tests rd.
 *
 * Budget and instret: entering a block charges all its instructions at once
 * (one subtract-and-test per block, none per instruction), and cpu->instret
 * is brought up to date when interp_run returns; an instruction that stops
 * the block early (fault, ecall, illegal) gives back the ones that did not
 * retire, using its index in the block. When the budget left is smaller than
 * the block, the block's prefix is copied to a scratch buffer, its fused
 * ops taken apart, followed by a synthetic STOP op, so the budget is
 * honoured exactly without a per-op test. ECALL, EBREAK, an
 * illegal instruction and a faulting access do not retire: cpu->instret
 * counts only instructions that completed (the runtime may count an ecall
 * when it completes it). */
#include "interp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rv_fpu.h"
#include "rv_isa.h"

void (*interp_trace)(const rv_cpu *cpu);
uint64_t (*interp_time_hook)(void);

#if defined(__GNUC__) && !defined(__EMSCRIPTEN__) && !defined(INTERP_NO_CGOTO)
#define INTERP_CGOTO 1
#else
#define INTERP_CGOTO 0
#endif

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#else
#define likely(x) (x)
#define unlikely(x) (x)
#endif

#define BLOCK_MAX 128              /* instructions per block */
/* Bump allocator chunk, and the size beyond which the whole cache is
 * dropped (overridable, so tests can exercise drops in the middle of a run). */
#ifndef INTERP_CHUNK_SIZE
#define INTERP_CHUNK_SIZE (1u << 20)
#endif
#ifndef INTERP_CACHE_LIMIT
#define INTERP_CACHE_LIMIT (64u << 20)
#endif
#define CHUNK_SIZE INTERP_CHUNK_SIZE
#define CACHE_LIMIT INTERP_CACHE_LIMIT

/* Internal handlers. The first group never ends a block; the second group
 * (from BEQ on) are block terminators. */
#define INTERP_HANDLERS(H) \
	H(NOP) H(LI) H(MV) H(FIXX0) \
	H(ADDI) H(SLTI) H(SLTIU) H(XORI) H(ORI) H(ANDI) \
	H(SLLI) H(SRLI) H(SRAI) \
	H(ADD) H(SUB) H(SLL) H(SLT) H(SLTU) H(XOR) H(SRL) H(SRA) H(OR) H(AND) \
	H(ADDIW) H(SLLIW) H(SRLIW) H(SRAIW) \
	H(ADDW) H(SUBW) H(SLLW) H(SRLW) H(SRAW) \
	H(LB) H(LH) H(LW) H(LD) H(LBU) H(LHU) H(LWU) \
	H(SB) H(SH) H(SW) H(SD) \
	H(MUL) H(MULH) H(MULHSU) H(MULHU) H(DIV) H(DIVU) H(REM) H(REMU) \
	H(MULW) H(DIVW) H(DIVUW) H(REMW) H(REMUW) \
	H(LR_W) H(SC_W) H(AMOSWAP_W) H(AMOADD_W) H(AMOXOR_W) H(AMOAND_W) \
	H(AMOOR_W) H(AMOMIN_W) H(AMOMAX_W) H(AMOMINU_W) H(AMOMAXU_W) \
	H(LR_D) H(SC_D) H(AMOSWAP_D) H(AMOADD_D) H(AMOXOR_D) H(AMOAND_D) \
	H(AMOOR_D) H(AMOMIN_D) H(AMOMAX_D) H(AMOMINU_D) H(AMOMAXU_D) \
	H(CSRRW) H(CSRRS) H(CSRRC) H(CSRRWI) H(CSRRSI) H(CSRRCI) \
	H(FLW) H(FSW) H(FLD) H(FSD) \
	H(FMADD_S) H(FMSUB_S) H(FNMSUB_S) H(FNMADD_S) \
	H(FADD_S) H(FSUB_S) H(FMUL_S) H(FDIV_S) H(FSQRT_S) \
	H(FSGNJ_S) H(FSGNJN_S) H(FSGNJX_S) H(FMIN_S) H(FMAX_S) \
	H(FCVT_W_S) H(FCVT_WU_S) H(FCVT_L_S) H(FCVT_LU_S) \
	H(FMV_X_W) H(FCLASS_S) H(FEQ_S) H(FLT_S) H(FLE_S) \
	H(FCVT_S_W) H(FCVT_S_WU) H(FCVT_S_L) H(FCVT_S_LU) H(FMV_W_X) \
	H(FMADD_D) H(FMSUB_D) H(FNMSUB_D) H(FNMADD_D) \
	H(FADD_D) H(FSUB_D) H(FMUL_D) H(FDIV_D) H(FSQRT_D) \
	H(FSGNJ_D) H(FSGNJN_D) H(FSGNJX_D) H(FMIN_D) H(FMAX_D) \
	H(FCVT_S_D) H(FCVT_D_S) H(FEQ_D) H(FLT_D) H(FLE_D) H(FCLASS_D) \
	H(FCVT_W_D) H(FCVT_WU_D) H(FCVT_L_D) H(FCVT_LU_D) \
	H(FCVT_D_W) H(FCVT_D_WU) H(FCVT_D_L) H(FCVT_D_LU) \
	H(FMV_X_D) H(FMV_D_X) \
	/* terminators */ \
	H(BEQ) H(BNE) H(BLT) H(BGE) H(BLTU) H(BGEU) \
	H(BEQZ) H(BNEZ) H(BLTZ) H(BGEZ) \
	H(JAL) H(J) H(JALR) H(JR) \
	H(FALL) H(STOP) H(ECALL) H(EBREAK) H(ILL) H(FENCE_I)

/* Fused ops run two guest instructions in one dispatch, which is where an
 * interpreter spends most of its time. Both halves are "simple" ops (the
 * SEM_* macros of the run loop: ALU ops, loads, stores); a fused op keeps
 * the first half's offset and index and the second's in off2 and idx2, so
 * a fault in either half stops exactly, and a budget cut between them runs
 * the first half alone (enter_slow).
 *
 * Fused terminators: a simple op followed by the conditional branch that
 * ends its block (the usual tail of a loop: `addi a5,a5,1; bne a5,a4,loop`)
 * run as one op, ALU_BR. The branch's operands go in rs3 and rm. */
#define FUSE_ROW(P, a) P(a, BEQ) P(a, BNE) P(a, BLT) P(a, BGE) P(a, BLTU) \
	P(a, BGEU) P(a, BEQZ) P(a, BNEZ) P(a, BLTZ) P(a, BGEZ)
#define FUSE_FIRST(A, P) A(P, ADDI) A(P, ADD) A(P, MV) A(P, ADDIW) A(P, ADDW) \
	A(P, LI) A(P, SUB) A(P, ANDI) A(P, SLLI) A(P, LBU) A(P, LW) A(P, LD) \
	A(P, AND) A(P, OR) A(P, XOR) A(P, SRLI) A(P, SLT) A(P, SLTU) A(P, LHU) \
	A(P, LWU) A(P, SB) A(P, SW) A(P, SD)
#define FUSE_PAIRS(P) FUSE_FIRST(FUSE_ROW, P)
#define FUSE_CNT1(P, a) + 1
#define FUSE_CNT2(a, b) + 1
enum {
	FUSE_NFIRST = 0 FUSE_FIRST(FUSE_CNT1, _),
	FUSE_NBR = 0 FUSE_ROW(FUSE_CNT2, _),
};

/* Pairs: two simple ops in a row, or a simple op and the call or return
 * ending its block. The list is the 128 commonest pairs of simple ops in
 * tests/bench, tests/diff and tests/busybox (counted with pairing off;
 * half the weight on the benchmarks), then the commonest with a jump. The
 * second op's registers go in rd_b, rs1_b and rs2_b, and both immediates
 * must fit in 32 bits (imm32[0] and imm32[1]). */
#define OP_PAIRS(P) \
	P(ADDI, JR) P(ADDI, JAL) P(MV, JAL) P(MV, JALR) P(MV, JR) P(ADD, JR) \
	P(ADD, JAL) P(SUBW, JR) P(SD, JAL) P(SD, JR) P(LI, JR) P(LI, JAL) \
	P(LD, JR) P(LD, JAL) P(LD, JALR) P(ADDIW, JAL) \
	P(ADD, ADD) P(ADD, LBU) P(ADD, LD) P(ADD, LI) P(ADD, LW) P(ADD, LWU) \
	P(ADD, SB) P(ADD, SD) P(ADD, SLLI) P(ADD, XOR) P(ADD, XORI) \
	P(ADDI, ADD) P(ADDI, ADDI) P(ADDI, ADDIW) P(ADDI, ADDW) P(ADDI, LBU) \
	P(ADDI, LD) P(ADDI, LI) P(ADDI, MV) P(ADDI, SD) P(ADDI, SLTU) \
	P(ADDI, SW) P(ADDI, XOR) \
	P(ADDIW, ADDI) P(ADDIW, ADDIW) P(ADDIW, AND) P(ADDIW, ANDI) \
	P(ADDIW, SUBW) \
	P(ADDW, ADDI) P(ADDW, ADDW) P(ADDW, SW) P(ADDW, XOR) \
	P(AND, ADDW) P(AND, AND) P(AND, SLLI) P(AND, XOR) \
	P(ANDI, ADDIW) P(ANDI, ANDI) \
	P(LBU, ADDI) P(LBU, ADDIW) P(LBU, LBU) \
	P(LD, ADD) P(LD, ADDI) P(LD, LD) P(LD, LI) P(LD, MV) P(LD, SD) \
	P(LD, SLLI) \
	P(LI, ADDI) P(LI, LBU) P(LI, LD) P(LI, LI) P(LI, LW) P(LI, MV) \
	P(LI, SD) P(LI, SRLW) \
	P(LW, ADD) P(LW, ADDI) P(LW, AND) P(LW, LI) P(LW, LW) P(LW, MV) \
	P(LW, ORI) P(LW, SD) P(LW, SLLI) P(LW, SLT) \
	P(MUL, LD) \
	P(MV, ADD) P(MV, ADDI) P(MV, ADDIW) P(MV, LD) P(MV, LI) P(MV, MV) \
	P(MV, SD) P(MV, SLLIW) P(MV, SW) \
	P(OR, ADDI) P(OR, AND) P(OR, LD) P(OR, LW) P(OR, OR) P(OR, SLLIW) \
	P(OR, SRLIW) P(OR, XOR) \
	P(SB, ADDIW) P(SB, SB) \
	P(SD, ADDI) P(SD, LD) P(SD, LI) P(SD, LW) P(SD, MV) P(SD, SD) \
	P(SD, SLL) P(SD, SRL) \
	P(SLL, OR) P(SLL, SRL) \
	P(SLLI, ADD) P(SLLI, MV) P(SLLI, SLLI) P(SLLI, SRLI) P(SLLI, XOR) \
	P(SLLIW, ADDW) P(SLLIW, OR) P(SLLIW, SLLIW) P(SLLIW, SRLIW) \
	P(SLLIW, XORI) \
	P(SLT, SLT) P(SLT, SUBW) \
	P(SRL, OR) P(SRL, SLL) \
	P(SRLI, ADD) P(SRLI, XOR) \
	P(SRLIW, OR) P(SRLIW, SLLIW) P(SRLIW, SRLIW) \
	P(SRLW, SRL) \
	P(SUBW, LD) P(SUBW, LI) \
	P(SW, ADDI) \
	P(XOR, ADD) P(XOR, ADDW) P(XOR, AND) P(XOR, OR) P(XOR, SLLIW) \
	P(XOR, SRLIW) P(XOR, XOR) \
	P(XORI, AND) P(XORI, OR)

enum interp_handler {
#define H(n) H_##n,
#define HF(a, b) H_##a##_##b,
	INTERP_HANDLERS(H)
	FUSE_PAIRS(HF)
	OP_PAIRS(HF)
#undef H
#undef HF
};
/* Where the fused handlers and the pairs start, and the count. */
#define H(n) + 1
#define HF(a, b) + 1
enum {
	H_FUSED_BASE = 0 INTERP_HANDLERS(H),
	H_PAIR_BASE = H_FUSED_BASE FUSE_PAIRS(HF),
	H_COUNT = H_PAIR_BASE OP_PAIRS(HF),
};
#undef H
#undef HF

/* Fusion tables: the fused handler for (simple op, branch), and back from
 * a fused handler to its first half. */
#define FIRST_H(P, a) H_##a,
static const uint16_t fused_alu[FUSE_NFIRST] = { FUSE_FIRST(FIRST_H, _) };
#undef FIRST_H

static int fuse_alu_index(int h)
{
	for (int i = 0; i < FUSE_NFIRST; i++)
		if (fused_alu[i] == h)
			return i;
	return -1;
}

/* FUSE_ROW lists the conditional branches in handler order. */
_Static_assert(H_BGEZ - H_BEQ == FUSE_NBR - 1, "branch handlers out of order");

static int fuse_br_index(int h)
{
	return h >= H_BEQ && h <= H_BGEZ ? h - H_BEQ : -1;
}

#define HF(a, b) H_##a##_##b,
#define ROW(P, a) { FUSE_ROW(HF, a) },
static const uint16_t fused_handler[FUSE_NFIRST][FUSE_NBR] = { FUSE_FIRST(ROW, _) };
#undef ROW
#undef HF

/* Pairs: (first, second, handler). */
#define PAIR_ROW(a, b) { H_##a, H_##b, H_##a##_##b },
static const uint16_t pair_tab[][3] = { OP_PAIRS(PAIR_ROW) };
#undef PAIR_ROW

static int pair_handler(int h1, int h2)
{
	for (size_t i = 0; i < sizeof pair_tab / sizeof pair_tab[0]; i++)
		if (pair_tab[i][0] == h1 && pair_tab[i][1] == h2)
			return pair_tab[i][2];
	return -1;
}

/* One pre-decoded instruction. */
typedef struct iop {
#if INTERP_CGOTO
	const void *lbl;        /* handler label (direct threading) */
#endif
	union {
		int64_t imm;    /* immediate, or a pc-relative constant */
		int32_t imm32[2]; /* a pair's two immediates */
	};
	uint16_t h;             /* enum interp_handler */
	int16_t off;            /* address of the instruction - block pc */
	int16_t off2;           /* the same for the second instruction of a
				   fused op; = off for others */
	uint8_t idx, idx2;      /* instruction indices in the block (idx2:
				   of the second instruction, fused) */
	uint8_t len, len2;      /* instruction lengths (len2: the second) */
	uint8_t rd, rs1, rs2;
	union {
		struct {
			uint8_t rs3;
			uint8_t rm;     /* static rounding mode (7 = dyn) */
		};
		struct {
			uint8_t rd_b, rs1_b; /* a pair's second op */
		};
	};
	uint8_t rs2_b;
} iop;

typedef struct iblock {
	uint64_t pc;               /* guest address of the first instruction */
	uint64_t lo, hi;           /* guest bytes [lo, hi) hold all of them */
	uint64_t tgt[2];           /* [0] taken / jump target, [1] fall-through
				      (also the link value of jal/jalr) */
	struct iblock *next[2];    /* cached successor blocks for tgt[] */
	struct iblock *hnext;      /* hash chain */
	uint64_t ind_pc;           /* jalr inline cache */
	struct iblock *ind_blk;
	uint64_t n;                /* guest instructions in the block */
	uint32_t nops;             /* iops, including synthetic ones */
	_Alignas(32) iop ops[];   /* 32-byte ops, never straddling a line */
} iblock;

/* Successor pointers are never NULL: an edge not followed yet points at one
 * of these, whose n is larger than any budget, so the budget check in ENTER
 * also catches it and slow_enter resolves the edge. */
static iblock miss0 = { .n = UINT64_MAX }, miss1 = { .n = UINT64_MAX };

typedef struct ichunk {
	struct ichunk *next;
	size_t used;
	_Alignas(64) unsigned char data[];
} ichunk;

typedef struct icache {
	iblock **tab;
	uint32_t mask;             /* table size - 1 */
	uint32_t count;            /* blocks */
	uint32_t gen;              /* bumped by every drop */
	ichunk *chunks;            /* newest first */
	size_t bytes;              /* allocated in chunks */
	uint64_t lo, hi;           /* guest range covered by cached blocks */
	uint8_t *pageprot;         /* the arena's, whose MEM_CODE bits we own */
	/* a block has at most BLOCK_MAX ops, as many FIXX0s, and a FALL */
	iop build[2 * BLOCK_MAX + 2];   /* block under construction */
	iop scratch[2 * BLOCK_MAX + 2]; /* budget-truncated copy of a block */
} icache;

/* ------------------------------------------------------------------------
 * The cache */

static void ic_free(void *p)
{
	icache *ic = p;
	if (!ic)
		return;
	while (ic->chunks) {
		ichunk *c = ic->chunks;
		ic->chunks = c->next;
		free(c);
	}
	free(ic->tab);
	free(ic);
}

static icache *ic_get(rv_mem *m)
{
	icache *ic = m->icache;
	if (likely(ic != NULL))
		return ic;
	ic = calloc(1, sizeof *ic);
	if (!ic)
		return NULL;
	ic->mask = 4095;
	ic->tab = calloc(ic->mask + 1, sizeof *ic->tab);
	if (!ic->tab) {
		free(ic);
		return NULL;
	}
	ic->lo = UINT64_MAX;
	ic->pageprot = m->pageprot;
	m->icache = ic;
	m->icache_free = ic_free;
	return ic;
}

/* A page's bits with MEM_CODE set or cleared, and MEM_ST with it. */
static uint8_t page_code(uint8_t prot, int code)
{
	prot &= (uint8_t)~(MEM_CODE | MEM_ST);
	return code ? prot | MEM_CODE : prot & MEM_W ? prot | MEM_ST : prot;
}

/* No page holds cached code any more: stores take the fast path again. */
static void ic_clear_code_bits(icache *ic)
{
	if (ic->lo >= ic->hi)
		return;
	for (uint64_t pg = ic->lo / MEM_PAGE; pg <= (ic->hi - 1) / MEM_PAGE; pg++)
		if (ic->pageprot[pg] & MEM_CODE)
			ic->pageprot[pg] = page_code(ic->pageprot[pg], 0);
}

static void ic_drop(icache *ic)
{
	ic_clear_code_bits(ic);
	/* Keep the newest chunk for reuse, free the rest. */
	if (ic->chunks) {
		ichunk *keep = ic->chunks, *c = keep->next;
		while (c) {
			ichunk *n = c->next;
			free(c);
			c = n;
		}
		keep->next = NULL;
		keep->used = 0;
		ic->bytes = CHUNK_SIZE;
	}
	memset(ic->tab, 0, (size_t)(ic->mask + 1) * sizeof *ic->tab);
	ic->count = 0;
	ic->gen++;
	ic->lo = UINT64_MAX;
	ic->hi = 0;
}

/* Forget every block but keep their memory, for a store into cached code
 * made while a block runs: the running block stays readable to its end, and
 * the next translation allocates after it. */
static void ic_soft_drop(icache *ic)
{
	ic_clear_code_bits(ic);
	memset(ic->tab, 0, (size_t)(ic->mask + 1) * sizeof *ic->tab);
	ic->count = 0;
	ic->gen++;
	ic->lo = UINT64_MAX;
	ic->hi = 0;
}

static inline uint32_t ic_hash(uint64_t pc)
{
	return (uint32_t)((pc >> 1) ^ (pc >> 13));
}

static inline iblock *ic_lookup(const icache *ic, uint64_t pc)
{
	iblock *b = ic->tab[ic_hash(pc) & ic->mask];
	while (b && b->pc != pc)
		b = b->hnext;
	return b;
}

_Static_assert(CHUNK_SIZE >= sizeof(ichunk) + sizeof(iblock) + 64 +
	       (2 * BLOCK_MAX + 2) * sizeof(iop), "a chunk must hold any block");

static void *ic_alloc(icache *ic, size_t n)
{
	n = (n + 63) & ~(size_t)63;
	ichunk *c = ic->chunks;
	if (!c || c->used + n > CHUNK_SIZE - sizeof *c) {
		if (ic->bytes + CHUNK_SIZE > CACHE_LIMIT) {
			ic_drop(ic);
			c = ic->chunks;
		} else {
			c = NULL;
		}
		if (!c) {
			c = aligned_alloc(64, CHUNK_SIZE);
			if (!c)
				return NULL;
			c->next = ic->chunks;
			c->used = 0;
			ic->chunks = c;
			ic->bytes += CHUNK_SIZE;
		}
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void ic_insert(icache *ic, iblock *b)
{
	if (ic->count >= ic->mask + 1) {
		uint32_t nmask = ic->mask * 2 + 1;
		iblock **nt = calloc((size_t)nmask + 1, sizeof *nt);
		if (nt) {
			for (uint32_t i = 0; i <= ic->mask; i++) {
				iblock *x = ic->tab[i];
				while (x) {
					iblock *nx = x->hnext;
					uint32_t h = ic_hash(x->pc) & nmask;
					x->hnext = nt[h];
					nt[h] = x;
					x = nx;
				}
			}
			free(ic->tab);
			ic->tab = nt;
			ic->mask = nmask;
		}
	}
	uint32_t h = ic_hash(b->pc) & ic->mask;
	b->hnext = ic->tab[h];
	ic->tab[h] = b;
	ic->count++;
	if (b->lo < ic->lo)
		ic->lo = b->lo;
	if (b->hi > ic->hi)
		ic->hi = b->hi;
	for (uint64_t pg = b->lo / MEM_PAGE; pg <= (b->hi - 1) / MEM_PAGE; pg++)
		ic->pageprot[pg] = page_code(ic->pageprot[pg], 1);
}

void interp_flush(rv_mem *m, uint64_t start, uint64_t len)
{
	icache *ic = m->icache;
	if (!ic || !ic->count || len == 0)
		return;
	uint64_t end = start + len < start ? UINT64_MAX : start + len;
	if (end <= ic->lo || start >= ic->hi)
		return;
	for (uint32_t i = 0; i <= ic->mask; i++)
		for (iblock *b = ic->tab[i]; b; b = b->hnext)
			if (b->lo < end && start < b->hi) {
				ic_drop(ic);
				return;
			}
}

/* ------------------------------------------------------------------------
 * Translation: rv_insn -> iop */

enum {
	K_PLAIN = 0,   /* writes no x register, or already safe for rd = x0 */
	K_XPURE,       /* writes x[rd], no other effect: a nop when rd = x0 */
	K_XSIDE,       /* writes x[rd] and has effects: re-zero x0 after it */
	K_FPRM,        /* uses a rounding mode; writes f[rd] */
	K_FPRM_X,      /* uses a rounding mode; writes x[rd] (fcvt to int) */
	K_TERM,        /* ends the block */
};

enum { CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
       CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02 };

/* Fill *o for instruction *in at pc; returns its K_* kind. For terminators,
 * also sets *b's targets. Must name every enum rv_op (-Werror=switch). */
static int xlate(const rv_insn *in, uint64_t pc, iop *o, iblock *b)
{
	int h = H_ILL, kind = K_XPURE;
	uint64_t next = pc + in->len;

	o->rd = in->rd;
	o->rs1 = in->rs1;
	o->rs2 = in->rs2;
	o->rs3 = in->rs3;
	o->rm = in->rm;
	o->imm = in->imm;

	switch ((enum rv_op)in->op) {
	case RV_OP_ILLEGAL: h = H_ILL; kind = K_TERM; break;
	case RV_OP_LUI: h = H_LI; break;
	case RV_OP_AUIPC: h = H_LI; o->imm = (int64_t)(pc + (uint64_t)(int64_t)in->imm); break;
	case RV_OP_JAL:
		h = in->rd ? H_JAL : H_J;
		kind = K_TERM;
		b->tgt[0] = pc + (uint64_t)(int64_t)in->imm;
		b->tgt[1] = next;
		break;
	case RV_OP_JALR:
		h = in->rd ? H_JALR : H_JR;
		kind = K_TERM;
		b->tgt[0] = 0;
		b->tgt[1] = next;
		break;
	case RV_OP_BEQ: h = in->rs2 ? H_BEQ : H_BEQZ; goto branch;
	case RV_OP_BNE: h = in->rs2 ? H_BNE : H_BNEZ; goto branch;
	case RV_OP_BLT: h = in->rs2 ? H_BLT : H_BLTZ; goto branch;
	case RV_OP_BGE: h = in->rs2 ? H_BGE : H_BGEZ; goto branch;
	case RV_OP_BLTU: h = H_BLTU; goto branch;
	case RV_OP_BGEU: h = H_BGEU; goto branch;
	branch:
		kind = K_TERM;
		b->tgt[0] = pc + (uint64_t)(int64_t)in->imm;
		b->tgt[1] = next;
		break;
	case RV_OP_LB: h = H_LB; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LH: h = H_LH; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LW: h = H_LW; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LD: h = H_LD; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LBU: h = H_LBU; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LHU: h = H_LHU; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_LWU: h = H_LWU; kind = K_XSIDE; o->imm -= MEM_LOW; break;
	case RV_OP_SB: h = H_SB; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_SH: h = H_SH; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_SW: h = H_SW; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_SD: h = H_SD; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_ADDI:
		h = in->rs1 == 0 ? H_LI : in->imm == 0 ? H_MV : H_ADDI;
		break;
	case RV_OP_SLTI: h = H_SLTI; break;
	case RV_OP_SLTIU: h = H_SLTIU; break;
	case RV_OP_XORI: h = H_XORI; break;
	case RV_OP_ORI: h = H_ORI; break;
	case RV_OP_ANDI: h = H_ANDI; break;
	case RV_OP_SLLI: h = H_SLLI; goto shift64;
	case RV_OP_SRLI: h = H_SRLI; goto shift64;
	case RV_OP_SRAI: h = H_SRAI; goto shift64;
	shift64:
		if ((uint32_t)in->imm > 63)
			h = H_ILL, kind = K_TERM;
		break;
	case RV_OP_ADD:
		if (in->rs1 == 0) {
			h = H_MV;
			o->rs1 = in->rs2;
			o->imm = 0;
		} else if (in->rs2 == 0) {
			h = H_MV;
			o->imm = 0;
		} else {
			h = H_ADD;
		}
		break;
	case RV_OP_SUB: h = H_SUB; break;
	case RV_OP_SLL: h = H_SLL; break;
	case RV_OP_SLT: h = H_SLT; break;
	case RV_OP_SLTU: h = H_SLTU; break;
	case RV_OP_XOR: h = H_XOR; break;
	case RV_OP_SRL: h = H_SRL; break;
	case RV_OP_SRA: h = H_SRA; break;
	case RV_OP_OR: h = H_OR; break;
	case RV_OP_AND: h = H_AND; break;
	case RV_OP_ADDIW: h = H_ADDIW; break;
	case RV_OP_SLLIW: h = H_SLLIW; goto shift32;
	case RV_OP_SRLIW: h = H_SRLIW; goto shift32;
	case RV_OP_SRAIW: h = H_SRAIW; goto shift32;
	shift32:
		if ((uint32_t)in->imm > 31)
			h = H_ILL, kind = K_TERM;
		break;
	case RV_OP_ADDW: h = H_ADDW; break;
	case RV_OP_SUBW: h = H_SUBW; break;
	case RV_OP_SLLW: h = H_SLLW; break;
	case RV_OP_SRLW: h = H_SRLW; break;
	case RV_OP_SRAW: h = H_SRAW; break;
	case RV_OP_FENCE:
	case RV_OP_FENCE_TSO:
		h = H_NOP; kind = K_PLAIN; break;
	case RV_OP_FENCE_I:
		h = H_FENCE_I; kind = K_TERM;
		b->tgt[1] = next;
		break;
	case RV_OP_ECALL: h = H_ECALL; kind = K_TERM; break;
	case RV_OP_EBREAK: h = H_EBREAK; kind = K_TERM; break;
	case RV_OP_CSRRW: h = H_CSRRW; goto csr;
	case RV_OP_CSRRS: h = H_CSRRS; goto csr;
	case RV_OP_CSRRC: h = H_CSRRC; goto csr;
	case RV_OP_CSRRWI: h = H_CSRRWI; goto csr;
	case RV_OP_CSRRSI: h = H_CSRRSI; goto csr;
	case RV_OP_CSRRCI: h = H_CSRRCI; goto csr;
	csr: {
		int writes = h == H_CSRRW || h == H_CSRRWI || in->rs1 != 0;
		uint32_t csr = (uint32_t)in->imm & 0xfff;
		kind = K_XSIDE;
		o->imm = csr;
		switch (csr) {
		case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
			break;
		case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET:
			if (writes)
				h = H_ILL, kind = K_TERM;
			break;
		default:
			h = H_ILL, kind = K_TERM;
			break;
		}
		break;
	}
	case RV_OP_MUL: h = H_MUL; break;
	case RV_OP_MULH: h = H_MULH; break;
	case RV_OP_MULHSU: h = H_MULHSU; break;
	case RV_OP_MULHU: h = H_MULHU; break;
	case RV_OP_DIV: h = H_DIV; break;
	case RV_OP_DIVU: h = H_DIVU; break;
	case RV_OP_REM: h = H_REM; break;
	case RV_OP_REMU: h = H_REMU; break;
	case RV_OP_MULW: h = H_MULW; break;
	case RV_OP_DIVW: h = H_DIVW; break;
	case RV_OP_DIVUW: h = H_DIVUW; break;
	case RV_OP_REMW: h = H_REMW; break;
	case RV_OP_REMUW: h = H_REMUW; break;
	case RV_OP_LR_W: h = H_LR_W; kind = K_XSIDE; break;
	case RV_OP_SC_W: h = H_SC_W; kind = K_XSIDE; break;
	case RV_OP_AMOSWAP_W: h = H_AMOSWAP_W; kind = K_XSIDE; break;
	case RV_OP_AMOADD_W: h = H_AMOADD_W; kind = K_XSIDE; break;
	case RV_OP_AMOXOR_W: h = H_AMOXOR_W; kind = K_XSIDE; break;
	case RV_OP_AMOAND_W: h = H_AMOAND_W; kind = K_XSIDE; break;
	case RV_OP_AMOOR_W: h = H_AMOOR_W; kind = K_XSIDE; break;
	case RV_OP_AMOMIN_W: h = H_AMOMIN_W; kind = K_XSIDE; break;
	case RV_OP_AMOMAX_W: h = H_AMOMAX_W; kind = K_XSIDE; break;
	case RV_OP_AMOMINU_W: h = H_AMOMINU_W; kind = K_XSIDE; break;
	case RV_OP_AMOMAXU_W: h = H_AMOMAXU_W; kind = K_XSIDE; break;
	case RV_OP_LR_D: h = H_LR_D; kind = K_XSIDE; break;
	case RV_OP_SC_D: h = H_SC_D; kind = K_XSIDE; break;
	case RV_OP_AMOSWAP_D: h = H_AMOSWAP_D; kind = K_XSIDE; break;
	case RV_OP_AMOADD_D: h = H_AMOADD_D; kind = K_XSIDE; break;
	case RV_OP_AMOXOR_D: h = H_AMOXOR_D; kind = K_XSIDE; break;
	case RV_OP_AMOAND_D: h = H_AMOAND_D; kind = K_XSIDE; break;
	case RV_OP_AMOOR_D: h = H_AMOOR_D; kind = K_XSIDE; break;
	case RV_OP_AMOMIN_D: h = H_AMOMIN_D; kind = K_XSIDE; break;
	case RV_OP_AMOMAX_D: h = H_AMOMAX_D; kind = K_XSIDE; break;
	case RV_OP_AMOMINU_D: h = H_AMOMINU_D; kind = K_XSIDE; break;
	case RV_OP_AMOMAXU_D: h = H_AMOMAXU_D; kind = K_XSIDE; break;
	case RV_OP_FLW: h = H_FLW; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_FSW: h = H_FSW; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_FLD: h = H_FLD; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_FSD: h = H_FSD; kind = K_PLAIN; o->imm -= MEM_LOW; break;
	case RV_OP_FMADD_S: h = H_FMADD_S; kind = K_FPRM; break;
	case RV_OP_FMSUB_S: h = H_FMSUB_S; kind = K_FPRM; break;
	case RV_OP_FNMSUB_S: h = H_FNMSUB_S; kind = K_FPRM; break;
	case RV_OP_FNMADD_S: h = H_FNMADD_S; kind = K_FPRM; break;
	case RV_OP_FADD_S: h = H_FADD_S; kind = K_FPRM; break;
	case RV_OP_FSUB_S: h = H_FSUB_S; kind = K_FPRM; break;
	case RV_OP_FMUL_S: h = H_FMUL_S; kind = K_FPRM; break;
	case RV_OP_FDIV_S: h = H_FDIV_S; kind = K_FPRM; break;
	case RV_OP_FSQRT_S: h = H_FSQRT_S; kind = K_FPRM; break;
	case RV_OP_FSGNJ_S: h = H_FSGNJ_S; kind = K_PLAIN; break;
	case RV_OP_FSGNJN_S: h = H_FSGNJN_S; kind = K_PLAIN; break;
	case RV_OP_FSGNJX_S: h = H_FSGNJX_S; kind = K_PLAIN; break;
	case RV_OP_FMIN_S: h = H_FMIN_S; kind = K_PLAIN; break;
	case RV_OP_FMAX_S: h = H_FMAX_S; kind = K_PLAIN; break;
	case RV_OP_FCVT_W_S: h = H_FCVT_W_S; kind = K_FPRM_X; break;
	case RV_OP_FCVT_WU_S: h = H_FCVT_WU_S; kind = K_FPRM_X; break;
	case RV_OP_FCVT_L_S: h = H_FCVT_L_S; kind = K_FPRM_X; break;
	case RV_OP_FCVT_LU_S: h = H_FCVT_LU_S; kind = K_FPRM_X; break;
	case RV_OP_FMV_X_W: h = H_FMV_X_W; break;
	case RV_OP_FCLASS_S: h = H_FCLASS_S; break;
	case RV_OP_FEQ_S: h = H_FEQ_S; kind = K_XSIDE; break;
	case RV_OP_FLT_S: h = H_FLT_S; kind = K_XSIDE; break;
	case RV_OP_FLE_S: h = H_FLE_S; kind = K_XSIDE; break;
	case RV_OP_FCVT_S_W: h = H_FCVT_S_W; kind = K_FPRM; break;
	case RV_OP_FCVT_S_WU: h = H_FCVT_S_WU; kind = K_FPRM; break;
	case RV_OP_FCVT_S_L: h = H_FCVT_S_L; kind = K_FPRM; break;
	case RV_OP_FCVT_S_LU: h = H_FCVT_S_LU; kind = K_FPRM; break;
	case RV_OP_FMV_W_X: h = H_FMV_W_X; kind = K_PLAIN; break;
	case RV_OP_FMADD_D: h = H_FMADD_D; kind = K_FPRM; break;
	case RV_OP_FMSUB_D: h = H_FMSUB_D; kind = K_FPRM; break;
	case RV_OP_FNMSUB_D: h = H_FNMSUB_D; kind = K_FPRM; break;
	case RV_OP_FNMADD_D: h = H_FNMADD_D; kind = K_FPRM; break;
	case RV_OP_FADD_D: h = H_FADD_D; kind = K_FPRM; break;
	case RV_OP_FSUB_D: h = H_FSUB_D; kind = K_FPRM; break;
	case RV_OP_FMUL_D: h = H_FMUL_D; kind = K_FPRM; break;
	case RV_OP_FDIV_D: h = H_FDIV_D; kind = K_FPRM; break;
	case RV_OP_FSQRT_D: h = H_FSQRT_D; kind = K_FPRM; break;
	case RV_OP_FSGNJ_D: h = H_FSGNJ_D; kind = K_PLAIN; break;
	case RV_OP_FSGNJN_D: h = H_FSGNJN_D; kind = K_PLAIN; break;
	case RV_OP_FSGNJX_D: h = H_FSGNJX_D; kind = K_PLAIN; break;
	case RV_OP_FMIN_D: h = H_FMIN_D; kind = K_PLAIN; break;
	case RV_OP_FMAX_D: h = H_FMAX_D; kind = K_PLAIN; break;
	case RV_OP_FCVT_S_D: h = H_FCVT_S_D; kind = K_FPRM; break;
	case RV_OP_FCVT_D_S: h = H_FCVT_D_S; kind = K_FPRM; break;
	case RV_OP_FEQ_D: h = H_FEQ_D; kind = K_XSIDE; break;
	case RV_OP_FLT_D: h = H_FLT_D; kind = K_XSIDE; break;
	case RV_OP_FLE_D: h = H_FLE_D; kind = K_XSIDE; break;
	case RV_OP_FCLASS_D: h = H_FCLASS_D; break;
	case RV_OP_FCVT_W_D: h = H_FCVT_W_D; kind = K_FPRM_X; break;
	case RV_OP_FCVT_WU_D: h = H_FCVT_WU_D; kind = K_FPRM_X; break;
	case RV_OP_FCVT_L_D: h = H_FCVT_L_D; kind = K_FPRM_X; break;
	case RV_OP_FCVT_LU_D: h = H_FCVT_LU_D; kind = K_FPRM_X; break;
	case RV_OP_FCVT_D_W: h = H_FCVT_D_W; kind = K_FPRM; break;
	case RV_OP_FCVT_D_WU: h = H_FCVT_D_WU; kind = K_FPRM; break;
	case RV_OP_FCVT_D_L: h = H_FCVT_D_L; kind = K_FPRM; break;
	case RV_OP_FCVT_D_LU: h = H_FCVT_D_LU; kind = K_FPRM; break;
	case RV_OP_FMV_X_D: h = H_FMV_X_D; break;
	case RV_OP_FMV_D_X: h = H_FMV_D_X; kind = K_PLAIN; break;
	case RV_OP_COUNT: h = H_ILL; kind = K_TERM; break;
	}

	if (kind == K_FPRM || kind == K_FPRM_X) {
		/* Reserved static rounding modes are illegal at decode time;
		 * dyn is resolved (and checked) when the op runs. */
		if (in->rm == 5 || in->rm == 6) {
			h = H_ILL;
			kind = K_TERM;
		} else {
			kind = kind == K_FPRM_X ? K_XSIDE : K_PLAIN;
		}
	}
	if (kind == K_XPURE && in->rd == 0)
		h = H_NOP;
	o->h = (uint16_t)h;
	return kind;
}

/* THREADING: a jump without link (`j`) inside a block does not end it:
 * decoding goes on at its target, so a loop whose tail is `j head` or a
 * branch into a `j` costs no block change. The jump retires (it has an
 * index) but has no op. Its address is still known for a budget cut just
 * before it (enter_slow): the op before it ends where the jump starts, so
 * a jump is threaded only after an instruction of the same block that was
 * not itself reached by a threaded jump, i.e. never first and never right
 * after another threaded jump. The block's bytes [lo, hi), which
 * invalidation and the MEM_CODE bits cover, stay within THREAD_SPAN, so
 * offsets from the block's pc fit an iop's 16 bits. Not while tracing,
 * which shows every jump as a block boundary. */
#define THREAD_SPAN 2048
_Static_assert(THREAD_SPAN + 4 * BLOCK_MAX < INT16_MAX, "iop.off overflows");
_Static_assert(BLOCK_MAX < UINT8_MAX, "iop.idx overflows");

static int can_thread(uint32_t n, uint32_t threaded, uint64_t lo,
		      uint64_t hi, uint64_t tgt)
{
	if (n == 0 || threaded == n - 1)
		return 0;
	if (tgt < lo)
		lo = tgt;
	if (tgt + 4 > hi)
		hi = tgt + 4;
	return hi - lo <= THREAD_SPAN;
}

static int fits32(int64_t v)
{
	return v == (int32_t)v;
}

/* a and b as the pair with handler h. */
static iop make_pair(const iop *a, const iop *b, int h)
{
	iop p = *a;
	p.h = (uint16_t)h;
	p.imm32[0] = (int32_t)a->imm;
	p.imm32[1] = (int32_t)b->imm;
	p.rd_b = b->rd;
	p.rs1_b = b->rs1;
	p.rs2_b = b->rs2;
	p.off2 = b->off;
	p.idx2 = b->idx;
	p.len2 = b->len;
	return p;
}

/* Replace pairs of ops (OP_PAIRS) by one, left to right; returns the new
 * op count. */
static uint32_t pair_up(iop *ops, uint32_t nops)
{
	uint32_t i = 0, j = 0;
	while (i < nops) {
		const iop *a = &ops[i], *b = &ops[i + 1];
		int h = i + 1 < nops ? pair_handler(a->h, b->h) : -1;
		if (h >= 0 && fits32(a->imm) && fits32(b->imm)) {
			ops[j++] = make_pair(a, b, h);
			i += 2;
			continue;
		}
		ops[j++] = ops[i++];
	}
	return j;
}

/* Decode the block starting at pc. NULL if pc itself cannot be fetched: then
 * *fault is the first inaccessible byte (pc, or the end of the executable
 * range for a 4-byte instruction straddling it). */
static iblock *translate(rv_mem *m, icache *ic, uint64_t pc, uint64_t *fault,
			 const void *const *labels, int tracing)
{
	iblock hdr;
	iop *ops = ic->build;
	uint32_t n = 0, nops = 0;
	uint64_t cur = pc, xstart, xend;
	uint64_t blo = pc, bhi = pc;   /* bytes decoded so far */
	uint32_t threaded = UINT32_MAX; /* index of the last jump threaded */
	int kind = K_PLAIN;

	memset(&hdr, 0, sizeof hdr);
	hdr.pc = pc;
	hdr.ind_pc = UINT64_MAX;   /* odd: never a jalr target */
	hdr.next[0] = &miss0;
	hdr.next[1] = &miss1;
	const mem_vma *v = mem_find(m, pc);
	if (!v || !(v->prot & MEM_X) || !mem_at(m, pc, 2)) {
		*fault = pc;
		return NULL;
	}
	xstart = v->start;
	xend = v->end;

	for (;;) {
		if (n == BLOCK_MAX)
			break;
		if (cur < xstart || cur >= xend) {
			v = mem_find(m, cur);
			if (!v || !(v->prot & MEM_X))
				break;
			xstart = v->start;
			xend = v->end;
		}
		const uint8_t *p = mem_at(m, cur, 2);
		if (!p)
			break;
		uint16_t lo;
		memcpy(&lo, p, 2);
		uint32_t raw = lo;
		if ((lo & 3) == 3) {
			if (cur + 4 > xend) {
				v = mem_find(m, xend);
				if (!v || !(v->prot & MEM_X) || v->start != xend) {
					if (n == 0) {
						*fault = xend;
						return NULL;
					}
					break;
				}
				xstart = v->start;
				xend = v->end;
			}
			p = mem_at(m, cur, 4);
			if (!p) {
				if (n == 0) {
					*fault = cur + 2;
					return NULL;
				}
				break;
			}
			uint32_t w;
			memcpy(&w, p, 4);
			raw = w;
		}
		rv_insn in;
		rv_decode(raw, &in);
		if (in.len != 2 && in.len != 4)
			in.len = (lo & 3) == 3 ? 4 : 2;
		iop *o = &ops[nops];
		kind = xlate(&in, cur, o, &hdr);
		o->off = o->off2 = (int16_t)(cur - pc);
		o->idx = o->idx2 = (uint8_t)n;
		o->len = o->len2 = in.len;
		if (cur < blo)
			blo = cur;
		if (cur + in.len > bhi)
			bhi = cur + in.len;
		if (o->h == H_J && !tracing &&
		    can_thread(n, threaded, blo, bhi, hdr.tgt[0])) {
			/* Go on decoding at the jump's target: the jump costs
			 * no op and no block change (see THREADING). */
			threaded = n++;
			cur = hdr.tgt[0];
			kind = K_PLAIN;
			continue;
		}
		nops++;
		n++;
		cur += in.len;
		if (kind == K_XSIDE && in.rd == 0) {
			iop *z = &ops[nops++];
			memset(z, 0, sizeof *z);
			z->h = H_FIXX0;
			z->off = z->off2 = o->off;
			z->idx = z->idx2 = o->idx;
			z->len = z->len2 = o->len;
		}
		if (kind == K_TERM)
			break;
	}
	if (kind == K_TERM && nops >= 2) {
		/* Fuse an ALU op with the conditional branch after it. */
		iop *br = &ops[nops - 1], *al = &ops[nops - 2];
		int ai = fuse_alu_index(al->h), bi = fuse_br_index(br->h);
		if (ai >= 0 && bi >= 0) {
			al->h = fused_handler[ai][bi];
			al->rs3 = br->rs1;
			al->rm = br->rs2;
			al->off2 = br->off;
			al->idx2 = br->idx;
			al->len2 = br->len;
			nops--;
		}
	}
	nops = pair_up(ops, nops);
	if (kind != K_TERM) {
		/* Fall through into the next block (not an instruction). */
		iop *z = &ops[nops++];
		memset(z, 0, sizeof *z);
		z->h = H_FALL;
		z->off = z->off2 = (int16_t)(cur - pc);
		z->idx = z->idx2 = (uint8_t)n;
		hdr.tgt[1] = cur;
	}
	hdr.lo = blo;
	hdr.hi = bhi;
	hdr.n = n;
	hdr.nops = nops;

	iblock *b = ic_alloc(ic, sizeof *b + nops * sizeof(iop));
	if (!b) {
		*fault = pc;
		return NULL;
	}
	*b = hdr;
	memcpy(b->ops, ops, nops * sizeof(iop));
#if INTERP_CGOTO
	for (uint32_t i = 0; i < nops; i++)
		b->ops[i].lbl = labels[b->ops[i].h];
#else
	(void)labels;
#endif
	ic_insert(ic, b);
	return b;
}

/* ------------------------------------------------------------------------
 * Helpers */

static inline uint64_t sext32(uint64_t x)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)x;
}

static inline uint64_t mulhu64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

static inline uint64_t mulh64(uint64_t a, uint64_t b)
{
	uint64_t r = mulhu64(a, b);
	if ((int64_t)a < 0)
		r -= b;
	if ((int64_t)b < 0)
		r -= a;
	return r;
}

static inline uint64_t mulhsu64(uint64_t a, uint64_t b)
{
	uint64_t r = mulhu64(a, b);
	if ((int64_t)a < 0)
		r -= b;
	return r;
}

/* CSR read-modify-write. The legality (known CSR, no write to a read-only
 * one) was settled at decode time. op: 0 write, 1 set, 2 clear. */
static uint64_t csr_rmw(rv_cpu *cpu, uint32_t csr, int op, int writes,
			uint64_t src, uint64_t instret)
{
	uint64_t old;
	switch (csr) {
	case CSR_FFLAGS: old = cpu->fcsr & 0x1f; break;
	case CSR_FRM: old = (cpu->fcsr >> 5) & 7; break;
	case CSR_FCSR: old = cpu->fcsr & 0xff; break;
	case CSR_TIME: old = interp_time_hook ? interp_time_hook() : instret; break;
	default: old = instret; break; /* cycle, instret */
	}
	if (!writes)
		return old;
	uint64_t nv = op == 0 ? src : op == 1 ? old | src : old & ~src;
	switch (csr) {
	case CSR_FFLAGS:
		cpu->fcsr = (cpu->fcsr & ~0x1fu) | (uint32_t)(nv & 0x1f);
		break;
	case CSR_FRM:
		cpu->fcsr = (cpu->fcsr & 0x1fu) | (uint32_t)((nv & 7) << 5);
		break;
	case CSR_FCSR:
		cpu->fcsr = (uint32_t)(nv & 0xff);
		break;
	default:
		break;
	}
	return old;
}

static void set_stop(interp_stop *s, enum interp_why why, uint64_t addr,
		     int write, int exec, int bus)
{
	s->why = why;
	s->addr = addr;
	s->write = write;
	s->exec = exec;
	s->bus = bus;
}

/* ------------------------------------------------------------------------
 * The run loop */

#if INTERP_CGOTO
#define OP(name) L_##name:
#define DISPATCH() goto *ins->lbl
#else
#define OP(name) case H_##name:
#define DISPATCH() goto dispatch
#endif
#define NEXT() do { ins++; DISPATCH(); } while (0)

#define RD X[ins->rd]
#define R1 X[ins->rs1]
#define R2 X[ins->rs2]
#define IMM ((uint64_t)ins->imm)
#define FD F[ins->rd]
#define F1 F[ins->rs1]
#define F2 F[ins->rs2]
#define F3 F[ins->rs3]

/* Host pointer for the n guest bytes at ab + MEM_LOW, or stop with a fault.
 * Load and store immediates are stored biased by -MEM_LOW at decode time,
 * so ab = rs1 + imm is the guest address minus MEM_LOW, and mem_at()'s two
 * compares (g < MEM_LOW || g > size - n) become one: an address below
 * MEM_LOW wraps ab above any limit. mbase_b = base + MEM_LOW, pprot_b = the
 * page permissions of the page at MEM_LOW and lim[n] = size - MEM_LOW - n
 * are constant while we run. An aligned access lies in one page, so the
 * fast path checks only that page's permission (mem.h's pageprot): one
 * bit for a load, MEM_ST (MEM_W without MEM_CODE) for a store. Anything else (a
 * misaligned access, a fault, a store to a page holding decoded code) goes
 * to mem_slow, which checks both pages and forgets overwritten code
 * (self-modifying code). */
#define MEM_FAST(ab, n, w) \
	((ab) <= lim[n] && ((n) == 1 || !((ab) & ((n) - 1))) && \
	 (pprot_b[(ab) / MEM_PAGE] & ((w) ? MEM_ST : MEM_R)) != 0)
#define MEMB_OR(p, ab, n, w, flt) do { \
		if (unlikely(!MEM_FAST(ab, n, w)) && \
		    mem_slow(RS(), blk, (ab), (n), (w))) \
			goto flt; \
		(p) = mbase_b + (ab); \
	} while (0)
#define MEMB(p, ab, n, w) MEMB_OR(p, ab, n, w, fault)
/* The same for an unbiased address (AMOs, LR/SC). */
#define MEMP(p, a, n, w) MEMB(p, (a) - MEM_LOW, n, w)
#define ALIGNED(a, n, w) do { \
		if (unlikely((a) & ((n) - 1))) { rs.fa = (a); rs.fw = (w); goto bus_fault; } \
	} while (0)

/* Resolve the rounding mode into r, or stop as illegal. */
#define FRM() \
	int r = ins->rm; \
	if (r == RV_DYN) { \
		r = (cpu->fcsr >> 5) & 7; \
		if (unlikely(r > RV_RMM)) \
			goto illegal; \
	}

/* Simple ops, the ones fused ops are made of: D is the destination, A and
 * B the values of rs1 and rs2, I the immediate, and a fault goes to flt. */
#define SEM_R(D, A, B, expr) do { uint64_t a = (A), b = (B); D = (expr); } while (0)
#define SEM_LOAD(D, A, I, flt, T, n) do { \
		uint64_t a_ = (A) + (I); const uint8_t *p_; T v_; \
		MEMB_OR(p_, a_, n, 0, flt); memcpy(&v_, p_, n); \
		D = (uint64_t)(int64_t)v_; } while (0)
#define SEM_STORE(A, B, I, flt, n) do { \
		uint64_t a_ = (A) + (I); uint8_t *p_; uint64_t v_ = (B); \
		MEMB_OR(p_, a_, n, 1, flt); memcpy(p_, &v_, n); } while (0)
#define SEM_LI(D, A, B, I, flt) D = (I)
#define SEM_MV(D, A, B, I, flt) D = (A)
#define SEM_ADDI(D, A, B, I, flt) SEM_R(D, A, I, a + b)
#define SEM_SLTI(D, A, B, I, flt) SEM_R(D, A, I, (int64_t)a < (int64_t)b)
#define SEM_SLTIU(D, A, B, I, flt) SEM_R(D, A, I, a < b)
#define SEM_XORI(D, A, B, I, flt) SEM_R(D, A, I, a ^ b)
#define SEM_ORI(D, A, B, I, flt) SEM_R(D, A, I, a | b)
#define SEM_ANDI(D, A, B, I, flt) SEM_R(D, A, I, a & b)
#define SEM_SLLI(D, A, B, I, flt) SEM_R(D, A, I, a << b)
#define SEM_SRLI(D, A, B, I, flt) SEM_R(D, A, I, a >> b)
#define SEM_SRAI(D, A, B, I, flt) SEM_R(D, A, I, (uint64_t)((int64_t)a >> b))
#define SEM_ADD(D, A, B, I, flt) SEM_R(D, A, B, a + b)
#define SEM_SUB(D, A, B, I, flt) SEM_R(D, A, B, a - b)
#define SEM_SLL(D, A, B, I, flt) SEM_R(D, A, B, a << (b & 63))
#define SEM_SLT(D, A, B, I, flt) SEM_R(D, A, B, (int64_t)a < (int64_t)b)
#define SEM_SLTU(D, A, B, I, flt) SEM_R(D, A, B, a < b)
#define SEM_XOR(D, A, B, I, flt) SEM_R(D, A, B, a ^ b)
#define SEM_SRL(D, A, B, I, flt) SEM_R(D, A, B, a >> (b & 63))
#define SEM_SRA(D, A, B, I, flt) SEM_R(D, A, B, (uint64_t)((int64_t)a >> (b & 63)))
#define SEM_OR(D, A, B, I, flt) SEM_R(D, A, B, a | b)
#define SEM_AND(D, A, B, I, flt) SEM_R(D, A, B, a & b)
#define SEM_ADDIW(D, A, B, I, flt) SEM_R(D, A, I, sext32(a + b))
#define SEM_SLLIW(D, A, B, I, flt) SEM_R(D, A, I, sext32((uint32_t)a << b))
#define SEM_SRLIW(D, A, B, I, flt) SEM_R(D, A, I, sext32((uint32_t)a >> b))
#define SEM_SRAIW(D, A, B, I, flt) \
	SEM_R(D, A, I, (uint64_t)(int64_t)((int32_t)(uint32_t)a >> b))
#define SEM_ADDW(D, A, B, I, flt) SEM_R(D, A, B, sext32(a + b))
#define SEM_SUBW(D, A, B, I, flt) SEM_R(D, A, B, sext32(a - b))
#define SEM_SLLW(D, A, B, I, flt) SEM_R(D, A, B, sext32((uint32_t)a << (b & 31)))
#define SEM_SRLW(D, A, B, I, flt) SEM_R(D, A, B, sext32((uint32_t)a >> (b & 31)))
#define SEM_SRAW(D, A, B, I, flt) \
	SEM_R(D, A, B, (uint64_t)(int64_t)((int32_t)(uint32_t)a >> (b & 31)))
#define SEM_LB(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, int8_t, 1)
#define SEM_LH(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, int16_t, 2)
#define SEM_LW(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, int32_t, 4)
#define SEM_LD(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, int64_t, 8)
#define SEM_LBU(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, uint8_t, 1)
#define SEM_LHU(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, uint16_t, 2)
#define SEM_LWU(D, A, B, I, flt) SEM_LOAD(D, A, I, flt, uint32_t, 4)
#define SEM_SB(D, A, B, I, flt) SEM_STORE(A, B, I, flt, 1)
#define SEM_SH(D, A, B, I, flt) SEM_STORE(A, B, I, flt, 2)
#define SEM_SW(D, A, B, I, flt) SEM_STORE(A, B, I, flt, 4)
#define SEM_SD(D, A, B, I, flt) SEM_STORE(A, B, I, flt, 8)
#define SEM_MUL(D, A, B, I, flt) SEM_R(D, A, B, a * b)
#define SEM_MULW(D, A, B, I, flt) SEM_R(D, A, B, sext32(a * b))
/* The jumps that may end a pair (t is the target of an indirect one). */
#define SEM_JAL(D, A, B, I, flt) do { D = blk->tgt[1]; CHAIN(0); } while (0)
#define SEM_JR(D, A, B, I, flt) do { t = ((A) + (I)) & ~(uint64_t)1; goto indirect; } while (0)
#define SEM_JALR(D, A, B, I, flt) do { \
		t = ((A) + (I)) & ~(uint64_t)1; D = blk->tgt[1]; goto indirect; } while (0)
#define SIMPLE_OPS(S) S(LI) S(MV) \
	S(ADDI) S(SLTI) S(SLTIU) S(XORI) S(ORI) S(ANDI) S(SLLI) S(SRLI) S(SRAI) \
	S(ADD) S(SUB) S(SLL) S(SLT) S(SLTU) S(XOR) S(SRL) S(SRA) S(OR) S(AND) \
	S(ADDIW) S(SLLIW) S(SRLIW) S(SRAIW) S(ADDW) S(SUBW) S(SLLW) S(SRLW) \
	S(SRAW) S(LB) S(LH) S(LW) S(LD) S(LBU) S(LHU) S(LWU) S(SB) S(SH) \
	S(SW) S(SD) S(MUL) S(MULW)
#define SIMPLE(name) OP(name) { SEM_##name(RD, R1, R2, IMM, fault); NEXT(); }
/* The two halves of a pair; a fault in the second stops at it (fault2). */
#define PAIR(a, b) OP(a##_##b) { \
		SEM_##a(RD, R1, R2, (uint64_t)(int64_t)ins->imm32[0], fault); \
		SEM_##b(X[ins->rd_b], X[ins->rs1_b], X[ins->rs2_b], \
			(uint64_t)(int64_t)ins->imm32[1], fault2); \
		NEXT(); }
#define ALU(name, expr) OP(name) { uint64_t a = R1, b = R2; (void)b; RD = (expr); NEXT(); }
#define AMO_W(name, expr) OP(name) { \
		uint64_t a = R1; uint8_t *p; int32_t old, s = (int32_t)R2, nv; \
		ALIGNED(a, 4, 1); MEMP(p, a, 4, 1); memcpy(&old, p, 4); \
		nv = (expr); memcpy(p, &nv, 4); RD = (uint64_t)(int64_t)old; NEXT(); }
#define AMO_D(name, expr) OP(name) { \
		uint64_t a = R1; uint8_t *p; uint64_t old, s = R2, nv; \
		ALIGNED(a, 8, 1); MEMP(p, a, 8, 1); memcpy(&old, p, 8); \
		nv = (expr); memcpy(p, &nv, 8); RD = old; NEXT(); }
/* Helper calls: the result is stored in a second statement, so ins->rd is
 * read after the call and no callee-saved register is spent holding it. */
#define FP2(name, fn) OP(name) { FRM(); uint64_t v = fn(F1, F2, r, &cpu->fcsr); FD = v; NEXT(); }
#define FP3(name, fn) OP(name) { FRM(); uint64_t v = fn(F1, F2, F3, r, &cpu->fcsr); FD = v; NEXT(); }
#define FP1(name, fn) OP(name) { FRM(); uint64_t v = fn(F1, r, &cpu->fcsr); FD = v; NEXT(); }
#define FCVT_X(name, fn) OP(name) { FRM(); uint64_t v = fn(F1, r, &cpu->fcsr); RD = v; NEXT(); }
#define FCVT_F(name, fn) OP(name) { FRM(); uint64_t v = fn(R1, r, &cpu->fcsr); FD = v; NEXT(); }
#define FSGN(name, fn) OP(name) { uint64_t v = fn(F1, F2); FD = v; NEXT(); }
#define FMM(name, fn) OP(name) { uint64_t v = fn(F1, F2, &cpu->fcsr); FD = v; NEXT(); }
#define FCMP(name, fn) OP(name) { uint64_t v = fn(F1, F2, &cpu->fcsr); RD = v; NEXT(); }
#define FCLASS(name, fn) OP(name) { uint64_t v = fn(F1); RD = v; NEXT(); }
#define CSR(name, opk, immform) OP(name) { \
		uint64_t src = (immform) ? ins->rs1 : R1; \
		int wr = (opk) == 0 || ins->rs1 != 0; \
		uint64_t v = csr_rmw(cpu, (uint32_t)ins->imm, opk, wr, src, \
				     cpu->instret + RETIRED_BEFORE_INS()); \
		RD = v; NEXT(); }

/* Block transitions. The budget check is one compare per block: a block
 * that does not fit in `left` (or any block while tracing, which keeps
 * left at 0 and the real budget in rs.tleft) takes the slow path. */
/* left -= n, true if that wrapped (n > left). */
#if defined(__GNUC__)
#define SUB_WRAPS(l, n) __builtin_sub_overflow(l, n, &(l))
#else
#define SUB_WRAPS(l, n) ((l) < (n) ? ((l) -= (n), 1) : ((l) -= (n), 0))
#endif
#define ENTER() do { \
		if (unlikely(SUB_WRAPS(left, nb->n))) \
			goto slow_enter; \
		blk = nb; \
		ins = nb->ops; \
		DISPATCH(); \
	} while (0)
/* Follow edge kk (0 taken, 1 fall-through) of blk. A loop back to blk
 * itself keeps blk as it is: were it reloaded from blk->next, every
 * iteration would wait for that load. */
#define CHAIN(kk) do { \
		nb = blk->next[kk]; \
		if (nb == blk) { \
			if (unlikely(SUB_WRAPS(left, blk->n))) \
				goto slow_enter; \
			ins = blk->ops; \
			DISPATCH(); \
		} \
		ENTER(); \
	} while (0)
#define BR(name, cond) OP(name) { \
		uint64_t a = R1, b = R2; \
		if (cond) \
			CHAIN(0); \
		CHAIN(1); }
/* Fused simple op + conditional branch (see FUSE_PAIRS). */
#define BC_BEQ(a, b) ((a) == (b))
#define BC_BNE(a, b) ((a) != (b))
#define BC_BLT(a, b) ((int64_t)(a) < (int64_t)(b))
#define BC_BGE(a, b) ((int64_t)(a) >= (int64_t)(b))
#define BC_BLTU(a, b) ((a) < (b))
#define BC_BGEU(a, b) ((a) >= (b))
#define BC_BEQZ(a, b) ((a) == 0)
#define BC_BNEZ(a, b) ((a) != 0)
#define BC_BLTZ(a, b) ((int64_t)(a) < 0)
#define BC_BGEZ(a, b) ((int64_t)(a) >= 0)
#define FUSED(al, br) OP(al##_##br) { \
		SEM_##al(RD, R1, R2, IMM, fault); \
		uint64_t a = X[ins->rs3], b = X[ins->rm]; \
		(void)b; \
		if (BC_##br(a, b)) \
			CHAIN(0); \
		CHAIN(1); }
#define BRZ(name, cond) OP(name) { \
		uint64_t a = R1; \
		if (cond) \
			CHAIN(0); \
		CHAIN(1); }

/* Instructions charged for the current block: all of it, or rs.trunc when
 * it runs from the budget-truncated scratch copy. */
#define CHARGED() ((uintptr_t)ins - (uintptr_t)IC->scratch < sizeof IC->scratch \
		   ? rs.trunc : blk->n)
/* Instructions retired in this call before the one at ins. */
#define RETIRED_BEFORE(i) (rs.budget - left - rs.tleft - (CHARGED() - (i)))
#define RETIRED_BEFORE_INS() RETIRED_BEFORE(ins->idx)

/* Cold state of one interp_run call. Its address escapes into the slow-path
 * helpers, so it stays in memory and the registers go to the hot values
 * (X, ins, blk, left, mbase, pprot). */
typedef struct run_state {
	rv_mem *m;
	interp_stop *stop;
	void (*trace)(const rv_cpu *);
	const void *const *labels;
	uint64_t budget;   /* instructions this call may run (< 2^63) */
	uint64_t tleft;    /* budget left while tracing (left is 0 then) */
	uint64_t trunc;    /* instructions charged for a truncated block */
	uint64_t left;     /* slow_enter's result */
	uint64_t fa;       /* faulting address */
	uint64_t t;        /* pc of an indirect target or a missing block */
	int fw;            /* the fault was a write */
} run_state;

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
/* &rs, recomputed at each call rather than held in a register. */
#define RS() __extension__({ run_state *p_ = &rs; __asm__("" : "+r"(p_)); p_; })
#else
#define NOINLINE
#define RS() (&rs)
#endif

/* The block at pc, decoding it if needed; NULL (with rs->fa) if pc cannot
 * be fetched. */
static NOINLINE iblock *resolve(run_state *rs, uint64_t pc)
{
	icache *c = rs->m->icache;
	iblock *b = ic_lookup(c, pc);
	if (!b)
		b = translate(rs->m, c, pc, &rs->fa, rs->labels, rs->trace != NULL);
	return b;
}

/* An access MEM_FAST refused (ab as in MEMB): 0 if it may go on after
 * all, else 1 with rs->fa and rs->fw set. A store to writable pages that
 * hold decoded code is allowed: the code is forgotten first, and the
 * running block, whose remaining instructions are already decoded, leaves
 * through the slow edges, where nothing stale is found. */
static NOINLINE int mem_slow(run_state *rs, iblock *blk, uint64_t ab,
			     uint64_t n, int w)
{
	const rv_mem *m = rs->m;
	uint64_t g = ab + MEM_LOW;
	uint8_t need = w ? MEM_W : MEM_R;
	rs->fw = w;
	rs->fa = g;
	if (ab > m->size - MEM_LOW - n)
		return 1;
	uint8_t pa = m->pageprot[g / MEM_PAGE];
	uint8_t pz = m->pageprot[(g + n - 1) / MEM_PAGE];
	if (!(pa & pz & need)) {
		/* The first byte of the second page if only that one refused. */
		if (pa & need)
			rs->fa = (g + n - 1) & ~(MEM_PAGE - 1);
		return 1;
	}
	if (w && ((pa | pz) & MEM_CODE)) {
		ic_soft_drop(m->icache);
		blk->next[0] = &miss0;
		blk->next[1] = &miss1;
		blk->ind_pc = UINT64_MAX;
	}
	return 0;
}

/* The single ops making up op: the halves of a fused op or pair, or op
 * itself. The branch half of a fused op only gives its position (it never
 * runs alone: it ends its block). */
static int explode(const iop *op, iop part[2])
{
	int h = op->h;
	part[0] = *op;
	if (h < H_FUSED_BASE)
		return 1;
	part[1] = *op;
	part[1].off = op->off2;
	part[1].idx = op->idx2;
	part[1].len = op->len2;
	if (h < H_PAIR_BASE) {
		part[0].h = fused_alu[(h - H_FUSED_BASE) / FUSE_NBR];
		part[1].h = (uint16_t)(H_BEQ + (h - H_FUSED_BASE) % FUSE_NBR);
		part[1].rs1 = op->rs3;
		part[1].rs2 = op->rm;
	} else {
		const uint16_t *t = pair_tab[h - H_PAIR_BASE];
		part[0].h = t[0];
		part[0].imm = op->imm32[0];
		part[1].h = t[1];
		part[1].imm = op->imm32[1];
		part[1].rd = op->rd_b;
		part[1].rs1 = op->rs1_b;
		part[1].rs2 = op->rs2_b;
	}
	for (int j = 0; j < 2; j++) {
		part[j].off2 = part[j].off;
		part[j].idx2 = part[j].idx;
		part[j].len2 = part[j].len;
	}
	return 2;
}

/* Entering blk with `left` (0 while tracing) too small for it: trace, then
 * run it whole from rs->tleft, or a truncated copy ending in STOP. Returns
 * the first op to run and sets rs->left; NULL if the budget is spent. */
static NOINLINE const iop *enter_slow(run_state *rs, rv_cpu *cpu, iblock *blk,
				      uint64_t left)
{
	uint64_t avail = rs->trace ? rs->tleft : left;
	if (avail == 0)
		return NULL;
	if (rs->trace) {
		cpu->pc = blk->pc;
		rs->trace(cpu);
	}
	rs->left = 0;
	if (blk->n <= avail) {
		if (rs->trace)
			rs->tleft -= blk->n;
		else
			rs->left = left - blk->n;
		return blk->ops;
	}
	/* Run only the first `avail` instructions, then stop: the ops, taken
	 * apart into single ones, up to the instruction at index avail. */
	iop *sc = ((icache *)rs->m->icache)->scratch;
	const iop *op = blk->ops;
	uint32_t k = 0;
	for (;;) {
		iop part[2];
		int np = explode(op++, part);
		for (int j = 0; j < np; j++) {
			if (part[j].idx < avail) {
				sc[k] = part[j];
#if INTERP_CGOTO
				sc[k].lbl = rs->labels[sc[k].h];
#endif
				k++;
				continue;
			}
			/* Stop at it, or if there is no op for the
			 * instruction at avail, at the threaded jump right
			 * after the last one copied (see THREADING). */
			sc[k] = part[j];
			if (part[j].idx > avail)
				sc[k].off = (int16_t)(sc[k - 1].off + sc[k - 1].len);
			sc[k].idx = (uint8_t)avail;
			sc[k].h = H_STOP;
#if INTERP_CGOTO
			sc[k].lbl = rs->labels[H_STOP];
#endif
			rs->trunc = avail;
			rs->tleft = 0;
			return sc;
		}
	}
}

void interp_run(rv_cpu *cpu_arg, rv_mem *m_arg, uint64_t budget, interp_stop *stop)
{
#if INTERP_CGOTO
	static const void *const labels[H_COUNT] = {
#define H(n) [H_##n] = &&L_##n,
#define HF(a, b) [H_##a##_##b] = &&L_##a##_##b,
		INTERP_HANDLERS(H)
		FUSE_PAIRS(HF)
		OP_PAIRS(HF)
#undef H
#undef HF
	};
#else
	static const void *const *const labels = NULL;
#endif
	/* The cpu is reached through X (x[] is its first member). */
	uint64_t *const X = cpu_arg->x;
#define cpu ((rv_cpu *)X)
#define F (cpu->f)
#define IC ((icache *)rs.m->icache)
	uint8_t *mbase_b = m_arg->base + MEM_LOW; /* see MEMB */
#if defined(__GNUC__)
	/* Opaque, so the compiler keeps one base register rather than
	 * folding mbase_b + (a - MEM_LOW) into a second one. */
	__asm__("" : "+r"(mbase_b));
#endif
	const uint64_t mlim = m_arg->size - MEM_LOW;
	const uint64_t lim[9] = { 0, mlim - 1, mlim - 2, 0, mlim - 4,
				  0, 0, 0, mlim - 8 };
	const uint8_t *const pprot_b = m_arg->pageprot + MEM_LOW / MEM_PAGE;
	run_state rs;
	iblock *blk = NULL, *nb;
	const iop *ins = NULL;
	uint64_t left, t;

	rs.m = m_arg;
	rs.stop = stop;
	rs.trace = interp_trace;
	rs.labels = labels;
	rs.budget = budget == 0 ? 1 : budget > INT64_MAX ? INT64_MAX : budget;
	rs.tleft = rs.trace ? rs.budget : 0;
	rs.trunc = 0;
	rs.fa = 0;
	rs.fw = 0;
	left = rs.trace ? 0 : rs.budget;
	X[0] = 0;
	if (unlikely(!ic_get(rs.m))) {
		set_stop(rs.stop, INTERP_FAULT, cpu->pc, 0, 1, 0);
		return;
	}
	rs.t = cpu->pc;
	nb = resolve(RS(), rs.t);
	if (!nb)
		goto exec_fault;

	goto first_block;

slow_enter:
	/* ENTER found nb->n > left: undo its subtraction. nb does not fit in
	 * the budget, or we are tracing (left is 0), or nb marks an edge of
	 * blk not followed yet. */
	left += nb->n;
	if (nb == &miss0)
		goto edge0;
	if (nb == &miss1)
		goto edge1;
first_block:
	blk = nb;
	ins = enter_slow(RS(), cpu, blk, left);
	left = rs.left;
	if (!ins) {
		cpu->instret += rs.budget;
		cpu->pc = blk->pc;
		set_stop(rs.stop, INTERP_BUDGET, 0, 0, 0, 0);
		return;
	}
	DISPATCH();

#if !INTERP_CGOTO
dispatch:
	switch ((enum interp_handler)ins->h) {
#endif

	OP(NOP) NEXT();
	OP(FIXX0) { X[0] = 0; NEXT(); }

	SIMPLE_OPS(SIMPLE)

	ALU(MULH, mulh64(a, b))
	ALU(MULHSU, mulhsu64(a, b))
	ALU(MULHU, mulhu64(a, b))
	ALU(DIV, b == 0 ? UINT64_MAX
		 : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? a
		 : (uint64_t)((int64_t)a / (int64_t)b))
	ALU(DIVU, b == 0 ? UINT64_MAX : a / b)
	ALU(REM, b == 0 ? a
		 : ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? 0
		 : (uint64_t)((int64_t)a % (int64_t)b))
	ALU(REMU, b == 0 ? a : a % b)
	ALU(DIVW, (int32_t)b == 0 ? UINT64_MAX
		  : ((int32_t)a == INT32_MIN && (int32_t)b == -1) ? sext32(a)
		  : (uint64_t)(int64_t)((int32_t)a / (int32_t)b))
	ALU(DIVUW, (uint32_t)b == 0 ? UINT64_MAX
		   : sext32((uint32_t)a / (uint32_t)b))
	ALU(REMW, (int32_t)b == 0 ? sext32(a)
		  : ((int32_t)a == INT32_MIN && (int32_t)b == -1) ? 0
		  : (uint64_t)(int64_t)((int32_t)a % (int32_t)b))
	ALU(REMUW, (uint32_t)b == 0 ? sext32(a)
		   : sext32((uint32_t)a % (uint32_t)b))

	OP(LR_W) {
		uint64_t a = R1; const uint8_t *p; int32_t v;
		ALIGNED(a, 4, 0);
		MEMP(p, a, 4, 0);
		memcpy(&v, p, 4);
		cpu->lr_addr = a;
		cpu->lr_value = (uint64_t)(int64_t)v;
		RD = (uint64_t)(int64_t)v;
		NEXT();
	}
	OP(SC_W) {
		uint64_t a = R1; uint8_t *p; uint32_t cur, v = (uint32_t)R2;
		ALIGNED(a, 4, 1);
		MEMP(p, a, 4, 1);
		memcpy(&cur, p, 4);
		if (cpu->lr_addr == a && cur == (uint32_t)cpu->lr_value) {
			memcpy(p, &v, 4);
			RD = 0;
		} else {
			RD = 1;
		}
		cpu->lr_addr = RV_NO_RESERVATION;
		NEXT();
	}
	AMO_W(AMOSWAP_W, s)
	AMO_W(AMOADD_W, (int32_t)((uint32_t)old + (uint32_t)s))
	AMO_W(AMOXOR_W, old ^ s)
	AMO_W(AMOAND_W, old & s)
	AMO_W(AMOOR_W, old | s)
	AMO_W(AMOMIN_W, old < s ? old : s)
	AMO_W(AMOMAX_W, old > s ? old : s)
	AMO_W(AMOMINU_W, (uint32_t)old < (uint32_t)s ? old : s)
	AMO_W(AMOMAXU_W, (uint32_t)old > (uint32_t)s ? old : s)
	OP(LR_D) {
		uint64_t a = R1, v; const uint8_t *p;
		ALIGNED(a, 8, 0);
		MEMP(p, a, 8, 0);
		memcpy(&v, p, 8);
		cpu->lr_addr = a;
		cpu->lr_value = v;
		RD = v;
		NEXT();
	}
	OP(SC_D) {
		uint64_t a = R1, cur, v = R2; uint8_t *p;
		ALIGNED(a, 8, 1);
		MEMP(p, a, 8, 1);
		memcpy(&cur, p, 8);
		if (cpu->lr_addr == a && cur == cpu->lr_value) {
			memcpy(p, &v, 8);
			RD = 0;
		} else {
			RD = 1;
		}
		cpu->lr_addr = RV_NO_RESERVATION;
		NEXT();
	}
	AMO_D(AMOSWAP_D, s)
	AMO_D(AMOADD_D, old + s)
	AMO_D(AMOXOR_D, old ^ s)
	AMO_D(AMOAND_D, old & s)
	AMO_D(AMOOR_D, old | s)
	AMO_D(AMOMIN_D, (int64_t)old < (int64_t)s ? old : s)
	AMO_D(AMOMAX_D, (int64_t)old > (int64_t)s ? old : s)
	AMO_D(AMOMINU_D, old < s ? old : s)
	AMO_D(AMOMAXU_D, old > s ? old : s)

	CSR(CSRRW, 0, 0)
	CSR(CSRRS, 1, 0)
	CSR(CSRRC, 2, 0)
	CSR(CSRRWI, 0, 1)
	CSR(CSRRSI, 1, 1)
	CSR(CSRRCI, 2, 1)

	OP(FLW) {
		uint64_t a = R1 + IMM; const uint8_t *p; uint32_t v;
		MEMB(p, a, 4, 0);
		memcpy(&v, p, 4);
		FD = RV_BOX_S(v);
		NEXT();
	}
	OP(FSW) {
		uint64_t a = R1 + IMM; uint8_t *p; uint32_t v = (uint32_t)F2;
		MEMB(p, a, 4, 1);
		memcpy(p, &v, 4);
		NEXT();
	}
	OP(FLD) {
		uint64_t a = R1 + IMM; const uint8_t *p; uint64_t v;
		MEMB(p, a, 8, 0);
		memcpy(&v, p, 8);
		FD = v;
		NEXT();
	}
	OP(FSD) {
		uint64_t a = R1 + IMM; uint8_t *p; uint64_t v = F2;
		MEMB(p, a, 8, 1);
		memcpy(p, &v, 8);
		NEXT();
	}

	/* Every helper-computed F/D op (rv_fpu.h), by its shape. */
#define FPU_OP(name, shape, fn) shape(name, fn)
	RV_FPU_OPS(FPU_OP)
#undef FPU_OP
	OP(FMV_X_W) { RD = sext32(F1); NEXT(); }
	OP(FMV_W_X) { FD = RV_BOX_S(R1); NEXT(); }
	OP(FMV_X_D) { RD = F1; NEXT(); }
	OP(FMV_D_X) { FD = R1; NEXT(); }

	/* Terminators. */
	BR(BEQ, a == b)
	BR(BNE, a != b)
	BR(BLT, (int64_t)a < (int64_t)b)
	BR(BGE, (int64_t)a >= (int64_t)b)
	BR(BLTU, a < b)
	BR(BGEU, a >= b)
	BRZ(BEQZ, a == 0)
	BRZ(BNEZ, a != 0)
	BRZ(BLTZ, (int64_t)a < 0)
	BRZ(BGEZ, (int64_t)a >= 0)
	FUSE_PAIRS(FUSED)
	OP_PAIRS(PAIR)
	OP(JAL) SEM_JAL(RD, R1, R2, IMM, fault);
	OP(J) CHAIN(0);
	OP(FALL) CHAIN(1);
	OP(JALR) SEM_JALR(RD, R1, R2, IMM, fault);
	OP(JR) SEM_JR(RD, R1, R2, IMM, fault);
	OP(STOP) {
		cpu->instret += rs.budget;
		cpu->pc = blk->pc + ins->off;
		set_stop(rs.stop, INTERP_BUDGET, 0, 0, 0, 0);
		return;
	}
	OP(ECALL) {
		cpu->instret += RETIRED_BEFORE_INS();
		cpu->pc = blk->pc + ins->off;
		set_stop(rs.stop, INTERP_ECALL, 0, 0, 0, 0);
		return;
	}
	OP(EBREAK) {
		cpu->instret += RETIRED_BEFORE_INS();
		cpu->pc = blk->pc + ins->off;
		set_stop(rs.stop, INTERP_EBREAK, 0, 0, 0, 0);
		return;
	}
	OP(ILL) goto illegal;
	OP(FENCE_I) {
		/* blk is freed by the drop: only its successor pc survives. */
		rs.t = blk->tgt[1];
		ic_drop(IC);
		nb = resolve(RS(), rs.t);
		if (!nb)
			goto exec_fault;
		ENTER();
	}

#if !INTERP_CGOTO
#if defined(__GNUC__)
	/* No range check on the dispatch: h is always a handler. (The
	 * computed-goto build's label table names every handler, so a
	 * missing one still fails the build there.) */
	default:
		__builtin_unreachable();
#endif
	}
#endif

	/* Not reached: every handler ends in NEXT(), a goto or a return. */

	{
		uint32_t gen;
		int k;
edge0:
		k = 0;
		goto edge;
edge1:
		k = 1;
edge:
		/* First use of edge k of blk. */
		rs.t = blk->tgt[k];
		gen = IC->gen;
		nb = resolve(RS(), rs.t);
		if (!nb)
			goto exec_fault;
		if (gen == IC->gen)
			blk->next[k] = nb;
		ENTER();

indirect:
		if (likely(blk->ind_pc == t)) {
			nb = blk->ind_blk;
			ENTER();
		}
		{
			/* The first entry of its hash bucket, before the call. */
			const icache *c = IC;
			nb = c->tab[ic_hash(t) & c->mask];
			if (likely(nb != NULL && nb->pc == t)) {
				blk->ind_pc = t;
				blk->ind_blk = nb;
				ENTER();
			}
		}
		rs.t = t;
		gen = IC->gen;
		nb = resolve(RS(), t);
		if (!nb)
			goto exec_fault;
		if (gen == IC->gen) {
			blk->ind_pc = rs.t;
			blk->ind_blk = nb;
		}
		ENTER();
	}

exec_fault:
	/* The block at rs.t could not be fetched; rs.fa is the first byte
	 * that is not executable. Everything charged so far retired. */
	cpu->instret += rs.budget - left - rs.tleft;
	cpu->pc = rs.t;
	set_stop(rs.stop, INTERP_FAULT, rs.fa, 0, 1, 0);
	return;

fault:
	cpu->instret += RETIRED_BEFORE_INS();
	cpu->pc = blk->pc + ins->off;
	set_stop(rs.stop, INTERP_FAULT, rs.fa, rs.fw, 0, 0);
	return;

fault2:
	/* In the second half of a pair: the first retired. */
	cpu->instret += RETIRED_BEFORE(ins->idx2);
	cpu->pc = blk->pc + ins->off2;
	set_stop(rs.stop, INTERP_FAULT, rs.fa, rs.fw, 0, 0);
	return;

bus_fault:
	cpu->instret += RETIRED_BEFORE_INS();
	cpu->pc = blk->pc + ins->off;
	set_stop(rs.stop, INTERP_FAULT, rs.fa, rs.fw, 0, 1);
	return;

illegal:
	cpu->instret += RETIRED_BEFORE_INS();
	cpu->pc = blk->pc + ins->off;
	set_stop(rs.stop, INTERP_ILLEGAL, 0, 0, 0, 0);
	return;
#undef cpu
#undef F
#undef IC
}
