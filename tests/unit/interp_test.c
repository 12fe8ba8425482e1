/* Unit test of the interpreter (runtime/interp.c): hand-assembled snippets
 * run in a small arena, checked register by register.
 *
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Iruntime \
 *       tests/unit/interp_test.c runtime/interp.c runtime/decode.c \
 *       runtime/mem.c runtime/fpu.c -o interp_test && ./interp_test */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "mem.h"
#include "rv_cpu.h"
#include "rv_fpu.h"

/* ---- a tiny assembler --------------------------------------------------- */

static uint32_t r_type(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd, uint32_t opc)
{
	return f7 << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 |
	       (uint32_t)rd << 7 | opc;
}
static uint32_t i_type(int32_t imm, int rs1, uint32_t f3, int rd, uint32_t opc)
{
	return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs1 << 15 | f3 << 12 |
	       (uint32_t)rd << 7 | opc;
}
static uint32_t s_type(int32_t imm, int rs2, int rs1, uint32_t f3, uint32_t opc)
{
	uint32_t u = (uint32_t)imm;
	return (u >> 5 & 0x7f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
	       f3 << 12 | (u & 0x1f) << 7 | opc;
}
static uint32_t b_type(int32_t imm, int rs2, int rs1, uint32_t f3)
{
	uint32_t u = (uint32_t)imm;
	return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | (uint32_t)rs2 << 20 |
	       (uint32_t)rs1 << 15 | f3 << 12 | (u >> 1 & 0xf) << 8 |
	       (u >> 11 & 1) << 7 | 0x63;
}
static uint32_t j_type(int32_t imm, int rd)
{
	uint32_t u = (uint32_t)imm;
	return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
	       (u >> 12 & 0xff) << 12 | (uint32_t)rd << 7 | 0x6f;
}

#define ADDI(rd, rs, imm) i_type(imm, rs, 0, rd, 0x13)
#define ADDIW(rd, rs, imm) i_type(imm, rs, 0, rd, 0x1b)
#define SLLI(rd, rs, sh) i_type(sh, rs, 1, rd, 0x13)
#define SRAI(rd, rs, sh) i_type(0x400 | (sh), rs, 5, rd, 0x13)
#define SLTIU(rd, rs, imm) i_type(imm, rs, 3, rd, 0x13)
#define LUI(rd, imm20) ((uint32_t)(imm20) << 12 | (uint32_t)(rd) << 7 | 0x37)
#define AUIPC(rd, imm20) ((uint32_t)(imm20) << 12 | (uint32_t)(rd) << 7 | 0x17)
#define ADD(rd, a, b) r_type(0, b, a, 0, rd, 0x33)
#define SUB(rd, a, b) r_type(0x20, b, a, 0, rd, 0x33)
#define SLL(rd, a, b) r_type(0, b, a, 1, rd, 0x33)
#define SRAW(rd, a, b) r_type(0x20, b, a, 5, rd, 0x3b)
#define ADDW(rd, a, b) r_type(0, b, a, 0, rd, 0x3b)
#define MUL(rd, a, b) r_type(1, b, a, 0, rd, 0x33)
#define MULH(rd, a, b) r_type(1, b, a, 1, rd, 0x33)
#define MULHSU(rd, a, b) r_type(1, b, a, 2, rd, 0x33)
#define MULHU(rd, a, b) r_type(1, b, a, 3, rd, 0x33)
#define DIV(rd, a, b) r_type(1, b, a, 4, rd, 0x33)
#define DIVU(rd, a, b) r_type(1, b, a, 5, rd, 0x33)
#define REM(rd, a, b) r_type(1, b, a, 6, rd, 0x33)
#define REMU(rd, a, b) r_type(1, b, a, 7, rd, 0x33)
#define DIVW(rd, a, b) r_type(1, b, a, 4, rd, 0x3b)
#define DIVUW(rd, a, b) r_type(1, b, a, 5, rd, 0x3b)
#define REMW(rd, a, b) r_type(1, b, a, 6, rd, 0x3b)
#define REMUW(rd, a, b) r_type(1, b, a, 7, rd, 0x3b)
#define LB(rd, off, rs) i_type(off, rs, 0, rd, 0x03)
#define LW(rd, off, rs) i_type(off, rs, 2, rd, 0x03)
#define LD(rd, off, rs) i_type(off, rs, 3, rd, 0x03)
#define LBU(rd, off, rs) i_type(off, rs, 4, rd, 0x03)
#define LHU(rd, off, rs) i_type(off, rs, 5, rd, 0x03)
#define LWU(rd, off, rs) i_type(off, rs, 6, rd, 0x03)
#define SB(rs2, off, rs) s_type(off, rs2, rs, 0, 0x23)
#define SW(rs2, off, rs) s_type(off, rs2, rs, 2, 0x23)
#define SD(rs2, off, rs) s_type(off, rs2, rs, 3, 0x23)
#define BEQ(a, b, off) b_type(off, b, a, 0)
#define BNE(a, b, off) b_type(off, b, a, 1)
#define BLT(a, b, off) b_type(off, b, a, 4)
#define BGEU(a, b, off) b_type(off, b, a, 7)
#define JAL(rd, off) j_type(off, rd)
#define JALR(rd, rs, off) i_type(off, rs, 0, rd, 0x67)
#define ECALL 0x00000073u
#define EBREAK 0x00100073u
#define FENCE_I 0x0000100fu
#define CSRRW(rd, csr, rs) i_type(csr, rs, 1, rd, 0x73)
#define CSRRS(rd, csr, rs) i_type(csr, rs, 2, rd, 0x73)
#define CSRRWI(rd, csr, u) i_type(csr, u, 5, rd, 0x73)
#define AMO(f5, w, rd, rs2, rs1) r_type((f5) << 2, rs2, rs1, (w) ? 2 : 3, rd, 0x2f)
#define LR_D(rd, rs1) AMO(2, 0, rd, 0, rs1)
#define SC_D(rd, rs2, rs1) AMO(3, 0, rd, rs2, rs1)
#define LR_W(rd, rs1) AMO(2, 1, rd, 0, rs1)
#define SC_W(rd, rs2, rs1) AMO(3, 1, rd, rs2, rs1)
#define AMOADD_W(rd, rs2, rs1) AMO(0, 1, rd, rs2, rs1)
#define AMOMAXU_D(rd, rs2, rs1) AMO(0x1c, 0, rd, rs2, rs1)
#define AMOMIN_W(rd, rs2, rs1) AMO(0x10, 1, rd, rs2, rs1)
#define FLW(rd, off, rs) i_type(off, rs, 2, rd, 0x07)
#define FSW(rs2, off, rs) s_type(off, rs2, rs, 2, 0x27)
#define FLD(rd, off, rs) i_type(off, rs, 3, rd, 0x07)
#define FADD_D(rd, a, b, rm) r_type(0x01, b, a, rm, rd, 0x53)
#define FMV_X_W(rd, fs) r_type(0x70, 0, fs, 0, rd, 0x53)
#define FMV_W_X(fd, rs) r_type(0x78, 0, rs, 0, fd, 0x53)
#define FMV_X_D(rd, fs) r_type(0x71, 0, fs, 0, rd, 0x53)

enum { ZERO, RA, SP, GP, TP, T0, T1, T2, S0, S1, A0, A1, A2, A3, A4, A5 };

/* ---- harness ------------------------------------------------------------ */

#define CODE 0x10000ULL
#define DATA 0x40000ULL

static rv_mem *m;
static rv_cpu cpu;
static interp_stop st;
static int passed, failed;
static const char *cur_test;

#define CHECK(cond) do { \
		if (cond) { passed++; } else { failed++; \
			fprintf(stderr, "FAIL %s: %s (line %d)\n", cur_test, #cond, __LINE__); } \
	} while (0)
#define CHECKX(reg, val) do { \
		uint64_t got_ = cpu.x[reg], want_ = (uint64_t)(val); \
		if (got_ == want_) { passed++; } else { failed++; \
			fprintf(stderr, "FAIL %s: x%d = %#" PRIx64 ", want %#" PRIx64 " (line %d)\n", \
				cur_test, reg, got_, want_, __LINE__); } \
	} while (0)

/* Fresh arena: CODE..CODE+64K rwx, DATA..DATA+64K rw. */
static void setup(const char *name)
{
	cur_test = name;
	if (m)
		mem_free(m);
	m = mem_new(1 << 24);
	if (!m || mem_map(m, CODE, 0x10000, MEM_R | MEM_W | MEM_X, VMA_ANON, NULL, 0) ||
	    mem_map(m, DATA, 0x10000, MEM_R | MEM_W, VMA_ANON, NULL, 0)) {
		fprintf(stderr, "arena setup failed\n");
		exit(2);
	}
	memset(&cpu, 0, sizeof cpu);
	cpu.pc = CODE;
	cpu.lr_addr = RV_NO_RESERVATION;
	cpu.x[SP] = DATA + 0x8000;
}

static uint64_t put(uint64_t at, const uint32_t *w, size_t n)
{
	memcpy(m->base + at, w, n * 4);
	return at + n * 4;
}
#define LOAD_CODE(...) do { \
		const uint32_t code_[] = { __VA_ARGS__ }; \
		put(CODE, code_, sizeof code_ / 4); \
	} while (0)

static void run(uint64_t budget)
{
	interp_run(&cpu, m, budget, &st);
}

/* ---- tests -------------------------------------------------------------- */

static void test_arith(void)
{
	setup("arith");
	LOAD_CODE(
		ADDI(A0, ZERO, -5),         /* a0 = -5 */
		ADDI(A1, A0, 12),           /* a1 = 7 */
		ADD(A2, A0, A1),            /* a2 = 2 */
		SUB(A3, A0, A1),            /* a3 = -12 */
		LUI(A4, 0x80000),           /* a4 = 0xffffffff80000000 */
		ADDIW(A5, A4, -1),          /* a5 = 0x7fffffff (wraps, sext) */
		AUIPC(T0, 1),               /* t0 = CODE + 24 + 0x1000 */
		SLLI(T1, A1, 62),           /* t1 = 7 << 62 = 0xc000000000000000 */
		SRAI(T2, T1, 60),           /* t2 = -4 */
		SLTIU(S0, ZERO, 1),         /* s0 = 1 (seqz) */
		ADDI(ZERO, ZERO, 5),        /* write to x0 is discarded */
		ADD(S1, ZERO, A1),          /* s1 = 7 (mv via add x0) */
		ADDI(RA, ZERO, 33),
		SLL(RA, A1, RA),            /* 7 << (33 & 63) */
		ADDI(GP, ZERO, -1),
		ADDI(TP, ZERO, 36),
		SRAW(GP, A4, TP),           /* sraw masks to 4: 0x80000000 >> 4 */
		ECALL);
	run(1000);
	CHECK(st.why == INTERP_ECALL);
	CHECK(cpu.pc == CODE + 17 * 4);
	CHECK(cpu.instret == 17);
	CHECKX(A0, -5);
	CHECKX(A1, 7);
	CHECKX(A2, 2);
	CHECKX(A3, -12);
	CHECKX(A4, 0xffffffff80000000ULL);
	CHECKX(A5, 0x7fffffff);
	CHECKX(T0, CODE + 24 + 0x1000);
	CHECKX(T1, 0xc000000000000000ULL);
	CHECKX(T2, -4);
	CHECKX(S0, 1);
	CHECKX(ZERO, 0);
	CHECKX(S1, 7);
	CHECKX(RA, 7ULL << 33);
	CHECKX(GP, 0xfffffffff8000000ULL);
}

static void test_branches(void)
{
	setup("loop");
	/* count down 1000 times; jal/jalr to a subroutine on the way out */
	LOAD_CODE(
		ADDI(T0, ZERO, 1000),       /* 0 */
		ADDI(T0, T0, -1),           /* 4: loop */
		ADDI(A0, A0, 2),            /* 8 */
		BNE(T0, ZERO, -8),          /* 12 */
		JAL(RA, 12),                /* 16 -> 28 */
		ADDI(A2, ZERO, 9),          /* 20 */
		ECALL,                      /* 24 */
		ADDI(A1, ZERO, 42),         /* 28: sub */
		JALR(ZERO, RA, 0));         /* 32 -> 20 */
	run(100000);
	CHECK(st.why == INTERP_ECALL);
	CHECK(cpu.pc == CODE + 24);
	CHECKX(A0, 2000);
	CHECKX(A1, 42);
	CHECKX(A2, 9);
	CHECKX(RA, CODE + 20);
	CHECK(cpu.instret == 1 + 3000 + 4);

	/* the same with budget 7 per call: exact counts, same result */
	setup("budget");
	LOAD_CODE(
		ADDI(T0, ZERO, 1000),
		ADDI(T0, T0, -1),
		ADDI(A0, A0, 2),
		BNE(T0, ZERO, -8),
		JAL(RA, 12),
		ADDI(A2, ZERO, 9),
		ECALL,
		ADDI(A1, ZERO, 42),
		JALR(ZERO, RA, 0));
	int calls = 0, exact = 1;
	for (;;) {
		uint64_t before = cpu.instret;
		run(7);
		calls++;
		if (st.why != INTERP_BUDGET)
			break;
		if (cpu.instret - before != 7)
			exact = 0;
	}
	CHECK(exact);
	CHECK(st.why == INTERP_ECALL);
	CHECKX(A0, 2000);
	CHECKX(A1, 42);
	CHECK(cpu.instret == 3005);
	CHECK(calls == 3005 / 7 + 1);

	/* budget 1: single-stepping */
	setup("step");
	LOAD_CODE(ADDI(A0, ZERO, 1), ADDI(A0, A0, 1), ADDI(A0, A0, 1), ECALL);
	run(1);
	CHECK(st.why == INTERP_BUDGET && cpu.pc == CODE + 4 && cpu.x[A0] == 1);
	run(1);
	CHECK(st.why == INTERP_BUDGET && cpu.pc == CODE + 8 && cpu.x[A0] == 2);
	run(0); /* at least one */
	CHECK(st.why == INTERP_BUDGET && cpu.pc == CODE + 12 && cpu.x[A0] == 3);
	run(1);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + 12 && cpu.instret == 3);

	/* signed/unsigned compares */
	setup("blt");
	LOAD_CODE(
		ADDI(T0, ZERO, -1),
		ADDI(T1, ZERO, 1),
		BLT(T0, T1, 8),             /* taken: -1 < 1 */
		ADDI(A0, ZERO, 1),          /* skipped */
		BGEU(T1, T0, 8),            /* not taken: 1 < 0xfff..f */
		ADDI(A1, ZERO, 1),          /* runs */
		BEQ(ZERO, ZERO, 8),
		EBREAK,
		ECALL);
	run(100);
	CHECK(st.why == INTERP_ECALL);
	CHECKX(A0, 0);
	CHECKX(A1, 1);
}

static void test_mem(void)
{
	setup("loadstore");
	LOAD_CODE(
		LUI(T0, DATA >> 12),        /* t0 = DATA */
		ADDI(T1, ZERO, -2),         /* 0xff..fe */
		SD(T1, 8, T0),
		LW(A0, 8, T0),              /* -2 */
		LWU(A1, 8, T0),             /* 0xfffffffe */
		LB(A2, 8, T0),              /* -2 */
		LBU(A3, 8, T0),             /* 0xfe */
		LHU(A4, 9, T0),             /* misaligned: 0xffff */
		ADDI(T2, ZERO, 0x5a),
		SB(T2, 3, T0),
		LD(A5, 1, T0),              /* misaligned 8-byte load */
		LD(ZERO, 8, T0),            /* load into x0: discarded */
		ADD(S0, ZERO, ZERO),
		ECALL);
	run(100);
	CHECK(st.why == INTERP_ECALL);
	CHECKX(A0, -2);
	CHECKX(A1, 0xfffffffe);
	CHECKX(A2, -2);
	CHECKX(A3, 0xfe);
	CHECKX(A4, 0xffff);
	CHECKX(A5, 0xfe000000005a0000ULL);
	CHECKX(ZERO, 0);
	CHECKX(S0, 0);

	setup("null");
	LOAD_CODE(ADDI(A0, ZERO, 1), LD(A1, 16, ZERO), ADDI(A0, ZERO, 2));
	run(100);
	CHECK(st.why == INTERP_FAULT && !st.write && !st.exec && st.addr == 16);
	CHECK(cpu.pc == CODE + 4);
	CHECK(cpu.instret == 1);
	CHECKX(A0, 1);

	setup("store-oob");
	LOAD_CODE(ADDI(T0, ZERO, -8), SD(T0, 0, T0));
	run(100);
	CHECK(st.why == INTERP_FAULT && st.write && st.addr == (uint64_t)-8);
	CHECK(cpu.pc == CODE + 4);
}

static void test_muldiv(void)
{
	setup("muldiv");
	LOAD_CODE(
		ADDI(T0, ZERO, 1),
		SLLI(T0, T0, 63),           /* t0 = INT64_MIN */
		ADDI(T1, ZERO, -1),         /* t1 = -1 */
		DIV(A0, T0, T1),            /* INT64_MIN */
		REM(A1, T0, T1),            /* 0 */
		DIV(A2, T1, ZERO),          /* -1 */
		DIVU(A3, T0, ZERO),         /* ~0 */
		REM(A4, T0, ZERO),          /* INT64_MIN */
		REMU(A5, T1, ZERO),         /* -1 */
		MULH(S0, T0, T1),           /* hi(INT64_MIN * -1) = 0 */
		MULHU(S1, T1, T1),          /* hi(ff..f^2) = ff..fe */
		MULHSU(RA, T1, T1),         /* hi(-1 * (2^64-1)) = -1 */
		ECALL);
	run(100);
	CHECKX(A0, 0x8000000000000000ULL);
	CHECKX(A1, 0);
	CHECKX(A2, -1);
	CHECKX(A3, -1);
	CHECKX(A4, 0x8000000000000000ULL);
	CHECKX(A5, -1);
	CHECKX(S0, 0);
	CHECKX(S1, 0xfffffffffffffffeULL);
	CHECKX(RA, -1);

	setup("muldivw");
	LOAD_CODE(
		LUI(T0, 0x80000),           /* INT32_MIN (sext) */
		ADDI(T1, ZERO, -1),
		DIVW(A0, T0, T1),           /* INT32_MIN */
		REMW(A1, T0, T1),           /* 0 */
		DIVW(A2, T0, ZERO),         /* -1 */
		DIVUW(A3, T0, ZERO),        /* -1 */
		REMW(A4, T0, ZERO),         /* INT32_MIN */
		REMUW(A5, T1, ZERO),        /* sext(0xffffffff) = -1 */
		ADDI(S0, ZERO, 7),
		ADDI(S1, ZERO, -2),
		DIVUW(RA, S1, S0),          /* 0xfffffffe / 7 = 0x24924924 */
		REM(GP, S1, S0),            /* -2 % 7 = -2 */
		MUL(TP, T0, T0),            /* 2^62 */
		ECALL);
	run(100);
	CHECKX(A0, 0xffffffff80000000ULL);
	CHECKX(A1, 0);
	CHECKX(A2, -1);
	CHECKX(A3, -1);
	CHECKX(A4, 0xffffffff80000000ULL);
	CHECKX(A5, -1);
	CHECKX(RA, 0x24924924);
	CHECKX(GP, -2);
	CHECKX(TP, 1ULL << 62);
}

static void test_atomic(void)
{
	setup("lrsc");
	LOAD_CODE(
		LUI(T0, DATA >> 12),
		ADDI(T1, ZERO, 77),
		SD(T1, 0, T0),
		LR_D(A0, T0),               /* 77 */
		ADDI(T2, A0, 1),
		SC_D(A1, T2, T0),           /* 0: success, mem = 78 */
		SC_D(A2, T2, T0),           /* 1: no reservation */
		LD(A3, 0, T0),              /* 78 */
		ADDI(T1, ZERO, -1),
		SW(T1, 8, T0),
		ADDI(T2, ZERO, 2),
		ADDI(S0, T0, 8),
		AMOADD_W(A4, T2, S0),       /* old = -1 (sext), mem = 1 */
		LW(A5, 8, T0),              /* 1 */
		AMOMIN_W(S1, T1, S0),       /* old 1, mem = -1 */
		LW(RA, 8, T0),              /* -1 */
		AMOMAXU_D(GP, T1, T0),      /* old 78, mem = ~0 */
		LD(TP, 0, T0),
		LR_W(16, S0),
		ECALL);
	run(100);
	CHECK(st.why == INTERP_ECALL);
	CHECKX(A0, 77);
	CHECKX(A1, 0);
	CHECKX(A2, 1);
	CHECKX(A3, 78);
	CHECKX(A4, -1);
	CHECKX(A5, 1);
	CHECKX(S1, 1);
	CHECKX(RA, -1);
	CHECKX(GP, 78);
	CHECKX(TP, -1);
	CHECKX(16, -1);
	CHECK(cpu.lr_addr == DATA + 8);

	setup("sc-other-addr");
	LOAD_CODE(
		LUI(T0, DATA >> 12),
		LR_W(A0, T0),
		ADDI(T1, T0, 4),
		SC_W(A1, A0, T1),           /* different address: fails */
		ECALL);
	run(100);
	CHECKX(A1, 1);
	CHECK(cpu.lr_addr == RV_NO_RESERVATION);

	setup("amo-misaligned");
	LOAD_CODE(
		LUI(T0, DATA >> 12),
		ADDI(T0, T0, 2),
		AMOADD_W(A0, T0, T0));
	run(100);
	CHECK(st.why == INTERP_FAULT && st.bus && st.write && st.addr == DATA + 2);
	CHECK(cpu.pc == CODE + 8);
}

static void test_traps(void)
{
	setup("illegal");
	LOAD_CODE(ADDI(A0, ZERO, 1), 0x00000000);
	run(100);
	CHECK(st.why == INTERP_ILLEGAL && cpu.pc == CODE + 4 && cpu.instret == 1);

	setup("ebreak");
	LOAD_CODE(ADDI(A0, ZERO, 1), EBREAK);
	run(100);
	CHECK(st.why == INTERP_EBREAK && cpu.pc == CODE + 4 && cpu.instret == 1);

	setup("exec-fault");
	LOAD_CODE(LUI(T0, DATA >> 12), JALR(RA, T0, 0));
	run(100);
	CHECK(st.why == INTERP_FAULT && st.exec && st.addr == DATA && cpu.pc == DATA);
	CHECKX(RA, CODE + 8);
	CHECK(cpu.instret == 2);

	/* jump to a 4-byte instruction in the last 2 bytes of the code VMA */
	setup("straddle");
	uint64_t last = CODE + 0x10000 - 2;
	uint16_t half = 0x0513; /* low half of addi a0,zero,... */
	memcpy(m->base + last, &half, 2);
	LOAD_CODE(LUI(T0, (uint32_t)((last + 2) >> 12)), ADDI(T0, T0, -2), JALR(ZERO, T0, 0));
	run(100);
	CHECK(st.why == INTERP_FAULT && st.exec && cpu.pc == last && st.addr == CODE + 0x10000);

	/* a straddling compressed instruction is fine: c.li a0,5 at the end */
	setup("compressed-end");
	uint16_t cli = 0x4515; /* c.li a0,5 */
	memcpy(m->base + last, &cli, 2);
	LOAD_CODE(LUI(T0, (uint32_t)((last + 2) >> 12)), ADDI(T0, T0, -2), JALR(ZERO, T0, 0));
	run(100);
	CHECK(st.why == INTERP_FAULT && st.exec && cpu.pc == CODE + 0x10000);
	CHECKX(A0, 5);
	CHECK(cpu.instret == 4);
}

static void test_csr(void)
{
	setup("csr");
	LOAD_CODE(
		ADDI(A0, ZERO, 3),
		CSRRW(ZERO, 0x002, A0),     /* frm = 3 */
		CSRRS(A1, 0x003, ZERO),     /* fcsr = 0x60 */
		CSRRWI(A2, 0x001, 0x1f),    /* fflags = 31, old 0 */
		CSRRS(A3, 0x003, ZERO),     /* 0x7f */
		CSRRS(A4, 0xc02, ZERO),     /* instret = 5 */
		CSRRS(A5, 0xc00, ZERO),     /* cycle = 6 */
		CSRRS(S0, 0x002, ZERO),     /* frm = 3 */
		ECALL);
	run(100);
	CHECK(st.why == INTERP_ECALL);
	CHECKX(A1, 0x60);
	CHECKX(A2, 0);
	CHECKX(A3, 0x7f);
	CHECKX(A4, 5);
	CHECKX(A5, 6);
	CHECKX(S0, 3);
	CHECK(cpu.fcsr == 0x7f);

	setup("csr-ro");
	LOAD_CODE(ADDI(A0, ZERO, 3), CSRRW(ZERO, 0xc02, A0));
	run(100);
	CHECK(st.why == INTERP_ILLEGAL && cpu.pc == CODE + 4);

	setup("csr-unknown");
	LOAD_CODE(CSRRS(A0, 0x300, ZERO));
	run(100);
	CHECK(st.why == INTERP_ILLEGAL && cpu.pc == CODE);

	setup("bad-dyn-rm");
	LOAD_CODE(
		ADDI(A0, ZERO, 5),
		CSRRW(ZERO, 0x002, A0),     /* frm = 5 (invalid) */
		FADD_D(1, 2, 3, 7));        /* dyn: illegal now */
	run(100);
	CHECK(st.why == INTERP_ILLEGAL && cpu.pc == CODE + 8 && cpu.instret == 2);

	setup("bad-static-rm");
	LOAD_CODE(FADD_D(1, 2, 3, 5));
	run(100);
	CHECK(st.why == INTERP_ILLEGAL && cpu.pc == CODE);
}

static void test_fp(void)
{
	setup("fp");
	double x = 1.5, y = 2.25;
	memcpy(m->base + DATA, &x, 8);
	memcpy(m->base + DATA + 8, &y, 8);
	LOAD_CODE(
		LUI(T0, DATA >> 12),
		FLD(1, 0, T0),
		FLD(2, 8, T0),
		FADD_D(3, 1, 2, 0),
		FMV_X_D(A0, 3),
		LUI(T1, 0xbf800),           /* -1.0f bits, sext */
		FMV_W_X(4, T1),
		FMV_X_W(A1, 4),             /* sign-extended */
		FSW(4, 16, T0),
		FLW(5, 16, T0),
		FMV_X_D(A2, 5),             /* boxed */
		ECALL);
	run(100);
	CHECK(st.why == INTERP_ECALL);
	double r = 3.75;
	uint64_t rb;
	memcpy(&rb, &r, 8);
	CHECKX(A0, rb);
	CHECKX(A1, 0xffffffffbf800000ULL);
	CHECKX(A2, 0xffffffffbf800000ULL);
	uint32_t w;
	memcpy(&w, m->base + DATA + 16, 4);
	CHECK(w == 0xbf800000u);
}

static void test_compressed(void)
{
	setup("compressed");
	/* from riscv64-linux-gnu-as:
	 *   c.li a0,5; c.addi a0,3; c.mv a1,a0; c.slli a1,2; c.j +4 (over c.ebreak);
	 *   c.ebreak; c.addiw a1,-1; ecall */
	const uint16_t code[] = { 0x4515, 0x050d, 0x85aa, 0x058a, 0xa011, 0x9002, 0x35fd };
	memcpy(m->base + CODE, code, sizeof code);
	uint32_t ec = ECALL;
	memcpy(m->base + CODE + sizeof code, &ec, 4);
	run(100);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + sizeof code);
	CHECKX(A0, 8);
	CHECKX(A1, 31);
	CHECK(cpu.instret == 6);
}

static void test_fence_i(void)
{
	setup("fence.i");
	/* run a subroutine, patch it, fence.i, run again */
	LOAD_CODE(
		JAL(RA, 32),                /* 0: call 32 */
		ADD(S0, A0, ZERO),          /* 4 */
		LUI(T0, CODE >> 12),        /* 8 */
		LW(T1, 40, T0),             /* 12: t1 = word at 40 (addi a0,zero,2) */
		SW(T1, 32, T0),             /* 16: patch 32 */
		FENCE_I,                    /* 20 */
		JAL(RA, 8),                 /* 24: call 32 */
		ECALL,                      /* 28 */
		ADDI(A0, ZERO, 1),          /* 32: sub */
		JALR(ZERO, RA, 0),          /* 36 */
		ADDI(A0, ZERO, 2));         /* 40: the patch */
	run(100);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + 28);
	CHECKX(S0, 1);
	CHECKX(A0, 2);

	/* interp_flush between runs: same thing without fence.i */
	setup("flush");
	LOAD_CODE(ADDI(A0, ZERO, 1), ECALL);
	run(100);
	CHECKX(A0, 1);
	uint32_t patch = ADDI(A0, ZERO, 7);
	memcpy(m->base + CODE, &patch, 4);
	interp_flush(m, DATA, 4096); /* elsewhere: cache kept (stale) */
	cpu.pc = CODE;
	run(100);
	CHECKX(A0, 1);
	interp_flush(m, CODE, 4);
	cpu.pc = CODE;
	run(100);
	CHECKX(A0, 7);
}

static void test_fusion(void)
{
	/* addi+bne and lbu+beqz end blocks as fused ops; single-stepping
	 * through them must still advance one instruction at a time. */
	setup("fused-step");
	LOAD_CODE(
		ADDI(T0, ZERO, 3),          /* 0 */
		ADDI(A0, A0, 5),            /* 4: loop */
		ADDI(T0, T0, -1),           /* 8 */
		BNE(T0, ZERO, -8),          /* 12 */
		ECALL);                     /* 16 */
	static const uint64_t pcs[] = { 4, 8, 12, 4, 8, 12, 4, 8, 12, 16 };
	int ok = 1;
	for (int i = 0; i < 10; i++) {
		run(1);
		if (st.why != INTERP_BUDGET || cpu.pc != CODE + pcs[i] ||
		    cpu.instret != (uint64_t)i + 1)
			ok = 0;
	}
	CHECK(ok);
	run(1);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + 16 && cpu.instret == 10);
	CHECKX(A0, 15);

	/* every budget from 1 to 12 gives the same result and exact counts */
	int all = 1;
	for (uint64_t b = 1; b <= 12; b++) {
		setup("fused-budgets");
		LOAD_CODE(ADDI(T0, ZERO, 3), ADDI(A0, A0, 5), ADDI(T0, T0, -1),
			  BNE(T0, ZERO, -8), ECALL);
		for (;;) {
			uint64_t before = cpu.instret;
			run(b);
			if (st.why != INTERP_BUDGET)
				break;
			if (cpu.instret - before != b)
				all = 0;
		}
		if (st.why != INTERP_ECALL || cpu.instret != 10 || cpu.x[A0] != 15)
			all = 0;
	}
	cur_test = "fused-budgets";
	CHECK(all);

	/* strlen-like loop: lbu+beqz fused; then the same load faults */
	setup("fused-load");
	const char *str = "hello";
	memcpy(m->base + DATA, str, 6);
	LOAD_CODE(
		LUI(A0, DATA >> 12),        /* 0 */
		ADD(A1, A0, ZERO),          /* 4 */
		LBU(T0, 0, A1),             /* 8: loop */
		BEQ(T0, ZERO, 12),          /* 12 -> 24 */
		ADDI(A1, A1, 1),            /* 16 */
		JAL(ZERO, -12),             /* 20 -> 8 */
		SUB(A0, A1, A0),            /* 24 */
		ADDI(A1, ZERO, 0),          /* 28 */
		LBU(T0, 0, A1),             /* 32: faults (NULL) */
		BEQ(T0, ZERO, 8),
		ECALL);
	run(1000);
	CHECK(st.why == INTERP_FAULT && st.addr == 0 && cpu.pc == CODE + 32);
	CHECKX(A0, 5);
	CHECK(cpu.instret == 2 + 5 * 4 + 2 + 2); /* the faulting lbu did not retire */
}

static void test_big(void)
{
	/* 300 straight-line instructions: more than one block's worth */
	setup("long-block");
	uint32_t *w = (uint32_t *)(m->base + CODE);
	for (int i = 0; i < 300; i++)
		w[i] = ADDI(A0, A0, 1);
	w[300] = ECALL;
	run(10000);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + 1200 && cpu.instret == 300);
	CHECKX(A0, 300);
	/* and with a budget that cuts through the middle of blocks */
	setup("long-block-budget");
	w = (uint32_t *)(m->base + CODE);
	for (int i = 0; i < 300; i++)
		w[i] = ADDI(A0, A0, 1);
	w[300] = ECALL;
	int n = 0;
	do {
		run(37);
		n++;
	} while (st.why == INTERP_BUDGET);
	CHECK(st.why == INTERP_ECALL && cpu.instret == 300 && n == 9);
	CHECKX(A0, 300);

	/* 6000 one-jump blocks: the hash table has to grow */
	setup("many-blocks");
	w = (uint32_t *)(m->base + CODE);
	for (int i = 0; i < 6000; i++)
		w[i] = i == 5999 ? ECALL : (uint32_t)(0x00000013u | (0u << 7)) /* nop */;
	/* make every other instruction a jump to the next one */
	for (int i = 0; i < 5999; i += 2)
		w[i] = JAL(ZERO, 4);
	for (int i = 1; i < 5999; i += 2)
		w[i] = ADDI(A0, A0, 1);
	run(1000000);
	CHECK(st.why == INTERP_ECALL && cpu.pc == CODE + 5999 * 4);
	CHECKX(A0, 2999);
	CHECK(cpu.instret == 5999);
	/* run it again from the cache */
	cpu.pc = CODE;
	cpu.x[A0] = 0;
	run(1000000);
	CHECKX(A0, 2999);
	CHECK(cpu.instret == 2 * 5999);
}

static int trace_calls;
static uint64_t trace_pcs[8];
static void on_trace(const rv_cpu *c)
{
	if (trace_calls < 8)
		trace_pcs[trace_calls] = c->pc;
	trace_calls++;
}

static void test_trace(void)
{
	setup("trace");
	LOAD_CODE(ADDI(A0, ZERO, 1), JAL(ZERO, 8), EBREAK, ADDI(A0, A0, 1), ECALL);
	interp_trace = on_trace;
	run(100);
	CHECK(st.why == INTERP_ECALL);
	CHECK(trace_calls == 2);
	CHECK(trace_pcs[0] == CODE && trace_pcs[1] == CODE + 12);

	/* tracing with a budget: stops exactly, traces each block entered */
	setup("trace-budget");
	LOAD_CODE(ADDI(T0, ZERO, 3), ADDI(A0, A0, 5), ADDI(T0, T0, -1),
		  BNE(T0, ZERO, -8), ECALL);
	trace_calls = 0;
	run(5);
	CHECK(st.why == INTERP_BUDGET && cpu.pc == CODE + 8 && cpu.instret == 5);
	CHECK(trace_calls == 2);
	run(100);
	interp_trace = NULL;
	CHECK(st.why == INTERP_ECALL && cpu.instret == 10);
	CHECKX(A0, 15);
}

int main(void)
{
	test_arith();
	test_branches();
	test_mem();
	test_muldiv();
	test_atomic();
	test_traps();
	test_csr();
	test_fp();
	test_compressed();
	test_fence_i();
	test_fusion();
	test_big();
	test_trace();
	mem_free(m);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
