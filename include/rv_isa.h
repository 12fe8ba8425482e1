/* The RV64GC instruction set: one table (DESIGN.md decision 1).
 *
 * RV_INSNS(X) lists every 32-bit instruction the interpreter, the lifter and
 * the disassembler know; RV_CINSNS(X) lists the 16-bit (C extension) forms,
 * each naming the base instruction it expands to. A row is
 *
 *     X(NAME, "mnemonic", MASK, MATCH, "operands")           (RV_INSNS)
 *     X(NAME, "mnemonic", MASK, MATCH, "operands", BASE)     (RV_CINSNS)
 *
 * An encoding w is the instruction when (w & MASK) == MATCH; rows are tried
 * in order, so a specific row comes before a general one it overlaps. The
 * operand string drives both field extraction (for 32-bit forms) and
 * printing, one character per operand, as binutils' opcode table does:
 *
 *   d rd   s rs1   t rs2   r rs3          D S T R  the same fields, FP regs
 *   j I-immediate (addi)   o I-immediate as a load/jalr offset
 *   q S-immediate (store offset)   p B-immediate (branch target)
 *   a J-immediate (jump target)    (p, a: imm = byte offset from pc)
 *   u U-immediate: imm = the value with its low 12 bits zero, as
 *     lui/auipc add it; printed as the 20-bit field in hex
 *   > 6-bit shift amount   < 5-bit shift amount   (printed in hex)
 *   E CSR number in imm (printed by name)   Z 5-bit uimm, kept in rs1
 *   m rounding mode (printed only when it is not dyn)
 *   M rounding mode of an exact conversion (fcvt.d.w/wu/s): no effect on
 *     the result; printed only when it is not rne, the assembler's
 *     default (objdump 2.40 knows only rne and prints other values .4byte)
 *   P Q fence predecessor/successor sets
 *   A aq/rl bits (26:25) into rm as aq<<1|rl, printed as a mnemonic suffix
 *     (.aq .rl .aqrl); prints nothing in the operand list
 *   punctuation , ( ) is copied as is.
 *
 * MASK also covers must-be-zero fields, as binutils' does, so an encoding
 * objdump does not know is RV_OP_ILLEGAL here too. Where the ISA manual
 * says otherwise it wins: fence and fence.i ignore their reserved fields,
 * fcvt.d.w/wu/s take any rounding mode ('M'), and c.addi16sp with a zero
 * immediate is reserved. Privileged instructions (sret, wfi, sfence.vma)
 * are not part of user-mode RV64GC and are not here.
 *
 * For 16-bit rows the decoder expands the encoding (rv_expand_c in
 * decode.c) into the fields of BASE, and the operand string prints those
 * expanded fields in objdump's compressed syntax.
 *
 * The execution back ends switch over enum rv_op with -Werror=switch, so an
 * instruction added here and forgotten in the interpreter or the lifter
 * fails the build. */
#ifndef RV_ISA_H
#define RV_ISA_H

#include <stdint.h>
#include <stddef.h>

#define RV_INSNS(X) \
	/* RV64I */ \
	X(LUI,       "lui",       0x0000007f, 0x00000037, "d,u") \
	X(AUIPC,     "auipc",     0x0000007f, 0x00000017, "d,u") \
	X(JAL,       "jal",       0x0000007f, 0x0000006f, "d,a") \
	X(JALR,      "jalr",      0x0000707f, 0x00000067, "d,o(s)") \
	X(BEQ,       "beq",       0x0000707f, 0x00000063, "s,t,p") \
	X(BNE,       "bne",       0x0000707f, 0x00001063, "s,t,p") \
	X(BLT,       "blt",       0x0000707f, 0x00004063, "s,t,p") \
	X(BGE,       "bge",       0x0000707f, 0x00005063, "s,t,p") \
	X(BLTU,      "bltu",      0x0000707f, 0x00006063, "s,t,p") \
	X(BGEU,      "bgeu",      0x0000707f, 0x00007063, "s,t,p") \
	X(LB,        "lb",        0x0000707f, 0x00000003, "d,o(s)") \
	X(LH,        "lh",        0x0000707f, 0x00001003, "d,o(s)") \
	X(LW,        "lw",        0x0000707f, 0x00002003, "d,o(s)") \
	X(LD,        "ld",        0x0000707f, 0x00003003, "d,o(s)") \
	X(LBU,       "lbu",       0x0000707f, 0x00004003, "d,o(s)") \
	X(LHU,       "lhu",       0x0000707f, 0x00005003, "d,o(s)") \
	X(LWU,       "lwu",       0x0000707f, 0x00006003, "d,o(s)") \
	X(SB,        "sb",        0x0000707f, 0x00000023, "t,q(s)") \
	X(SH,        "sh",        0x0000707f, 0x00001023, "t,q(s)") \
	X(SW,        "sw",        0x0000707f, 0x00002023, "t,q(s)") \
	X(SD,        "sd",        0x0000707f, 0x00003023, "t,q(s)") \
	X(ADDI,      "addi",      0x0000707f, 0x00000013, "d,s,j") \
	X(SLTI,      "slti",      0x0000707f, 0x00002013, "d,s,j") \
	X(SLTIU,     "sltiu",     0x0000707f, 0x00003013, "d,s,j") \
	X(XORI,      "xori",      0x0000707f, 0x00004013, "d,s,j") \
	X(ORI,       "ori",       0x0000707f, 0x00006013, "d,s,j") \
	X(ANDI,      "andi",      0x0000707f, 0x00007013, "d,s,j") \
	X(SLLI,      "slli",      0xfc00707f, 0x00001013, "d,s,>") \
	X(SRLI,      "srli",      0xfc00707f, 0x00005013, "d,s,>") \
	X(SRAI,      "srai",      0xfc00707f, 0x40005013, "d,s,>") \
	X(ADD,       "add",       0xfe00707f, 0x00000033, "d,s,t") \
	X(SUB,       "sub",       0xfe00707f, 0x40000033, "d,s,t") \
	X(SLL,       "sll",       0xfe00707f, 0x00001033, "d,s,t") \
	X(SLT,       "slt",       0xfe00707f, 0x00002033, "d,s,t") \
	X(SLTU,      "sltu",      0xfe00707f, 0x00003033, "d,s,t") \
	X(XOR,       "xor",       0xfe00707f, 0x00004033, "d,s,t") \
	X(SRL,       "srl",       0xfe00707f, 0x00005033, "d,s,t") \
	X(SRA,       "sra",       0xfe00707f, 0x40005033, "d,s,t") \
	X(OR,        "or",        0xfe00707f, 0x00006033, "d,s,t") \
	X(AND,       "and",       0xfe00707f, 0x00007033, "d,s,t") \
	X(ADDIW,     "addiw",     0x0000707f, 0x0000001b, "d,s,j") \
	X(SLLIW,     "slliw",     0xfe00707f, 0x0000101b, "d,s,<") \
	X(SRLIW,     "srliw",     0xfe00707f, 0x0000501b, "d,s,<") \
	X(SRAIW,     "sraiw",     0xfe00707f, 0x4000501b, "d,s,<") \
	X(ADDW,      "addw",      0xfe00707f, 0x0000003b, "d,s,t") \
	X(SUBW,      "subw",      0xfe00707f, 0x4000003b, "d,s,t") \
	X(SLLW,      "sllw",      0xfe00707f, 0x0000103b, "d,s,t") \
	X(SRLW,      "srlw",      0xfe00707f, 0x0000503b, "d,s,t") \
	X(SRAW,      "sraw",      0xfe00707f, 0x4000503b, "d,s,t") \
	X(FENCE_TSO, "fence.tso", 0xffffffff, 0x8330000f, "") \
	/* fm, rd, rs1 (fence) and imm, rd, rs1 (fence.i) are ignored: the spec
	 * says base implementations shall, though objdump prints such words
	 * as .4byte */ \
	X(FENCE,     "fence",     0x0000707f, 0x0000000f, "P,Q") \
	X(FENCE_I,   "fence.i",   0x0000707f, 0x0000100f, "") \
	X(ECALL,     "ecall",     0xffffffff, 0x00000073, "") \
	X(EBREAK,    "ebreak",    0xffffffff, 0x00100073, "") \
	/* Zicsr */ \
	X(CSRRW,     "csrrw",     0x0000707f, 0x00001073, "d,E,s") \
	X(CSRRS,     "csrrs",     0x0000707f, 0x00002073, "d,E,s") \
	X(CSRRC,     "csrrc",     0x0000707f, 0x00003073, "d,E,s") \
	X(CSRRWI,    "csrrwi",    0x0000707f, 0x00005073, "d,E,Z") \
	X(CSRRSI,    "csrrsi",    0x0000707f, 0x00006073, "d,E,Z") \
	X(CSRRCI,    "csrrci",    0x0000707f, 0x00007073, "d,E,Z") \
	/* M */ \
	X(MUL,       "mul",       0xfe00707f, 0x02000033, "d,s,t") \
	X(MULH,      "mulh",      0xfe00707f, 0x02001033, "d,s,t") \
	X(MULHSU,    "mulhsu",    0xfe00707f, 0x02002033, "d,s,t") \
	X(MULHU,     "mulhu",     0xfe00707f, 0x02003033, "d,s,t") \
	X(DIV,       "div",       0xfe00707f, 0x02004033, "d,s,t") \
	X(DIVU,      "divu",      0xfe00707f, 0x02005033, "d,s,t") \
	X(REM,       "rem",       0xfe00707f, 0x02006033, "d,s,t") \
	X(REMU,      "remu",      0xfe00707f, 0x02007033, "d,s,t") \
	X(MULW,      "mulw",      0xfe00707f, 0x0200003b, "d,s,t") \
	X(DIVW,      "divw",      0xfe00707f, 0x0200403b, "d,s,t") \
	X(DIVUW,     "divuw",     0xfe00707f, 0x0200503b, "d,s,t") \
	X(REMW,      "remw",      0xfe00707f, 0x0200603b, "d,s,t") \
	X(REMUW,     "remuw",     0xfe00707f, 0x0200703b, "d,s,t") \
	/* A: aq/rl (bits 26:25) are outside MASK; see 'A' */ \
	X(LR_W,      "lr.w",      0xf9f0707f, 0x1000202f, "Ad,(s)") \
	X(SC_W,      "sc.w",      0xf800707f, 0x1800202f, "Ad,t,(s)") \
	X(AMOSWAP_W, "amoswap.w", 0xf800707f, 0x0800202f, "Ad,t,(s)") \
	X(AMOADD_W,  "amoadd.w",  0xf800707f, 0x0000202f, "Ad,t,(s)") \
	X(AMOXOR_W,  "amoxor.w",  0xf800707f, 0x2000202f, "Ad,t,(s)") \
	X(AMOAND_W,  "amoand.w",  0xf800707f, 0x6000202f, "Ad,t,(s)") \
	X(AMOOR_W,   "amoor.w",   0xf800707f, 0x4000202f, "Ad,t,(s)") \
	X(AMOMIN_W,  "amomin.w",  0xf800707f, 0x8000202f, "Ad,t,(s)") \
	X(AMOMAX_W,  "amomax.w",  0xf800707f, 0xa000202f, "Ad,t,(s)") \
	X(AMOMINU_W, "amominu.w", 0xf800707f, 0xc000202f, "Ad,t,(s)") \
	X(AMOMAXU_W, "amomaxu.w", 0xf800707f, 0xe000202f, "Ad,t,(s)") \
	X(LR_D,      "lr.d",      0xf9f0707f, 0x1000302f, "Ad,(s)") \
	X(SC_D,      "sc.d",      0xf800707f, 0x1800302f, "Ad,t,(s)") \
	X(AMOSWAP_D, "amoswap.d", 0xf800707f, 0x0800302f, "Ad,t,(s)") \
	X(AMOADD_D,  "amoadd.d",  0xf800707f, 0x0000302f, "Ad,t,(s)") \
	X(AMOXOR_D,  "amoxor.d",  0xf800707f, 0x2000302f, "Ad,t,(s)") \
	X(AMOAND_D,  "amoand.d",  0xf800707f, 0x6000302f, "Ad,t,(s)") \
	X(AMOOR_D,   "amoor.d",   0xf800707f, 0x4000302f, "Ad,t,(s)") \
	X(AMOMIN_D,  "amomin.d",  0xf800707f, 0x8000302f, "Ad,t,(s)") \
	X(AMOMAX_D,  "amomax.d",  0xf800707f, 0xa000302f, "Ad,t,(s)") \
	X(AMOMINU_D, "amominu.d", 0xf800707f, 0xc000302f, "Ad,t,(s)") \
	X(AMOMAXU_D, "amomaxu.d", 0xf800707f, 0xe000302f, "Ad,t,(s)") \
	/* F */ \
	X(FLW,       "flw",       0x0000707f, 0x00002007, "D,o(s)") \
	X(FSW,       "fsw",       0x0000707f, 0x00002027, "T,q(s)") \
	X(FMADD_S,   "fmadd.s",   0x0600007f, 0x00000043, "D,S,T,R,m") \
	X(FMSUB_S,   "fmsub.s",   0x0600007f, 0x00000047, "D,S,T,R,m") \
	X(FNMSUB_S,  "fnmsub.s",  0x0600007f, 0x0000004b, "D,S,T,R,m") \
	X(FNMADD_S,  "fnmadd.s",  0x0600007f, 0x0000004f, "D,S,T,R,m") \
	X(FADD_S,    "fadd.s",    0xfe00007f, 0x00000053, "D,S,T,m") \
	X(FSUB_S,    "fsub.s",    0xfe00007f, 0x08000053, "D,S,T,m") \
	X(FMUL_S,    "fmul.s",    0xfe00007f, 0x10000053, "D,S,T,m") \
	X(FDIV_S,    "fdiv.s",    0xfe00007f, 0x18000053, "D,S,T,m") \
	X(FSQRT_S,   "fsqrt.s",   0xfff0007f, 0x58000053, "D,S,m") \
	X(FSGNJ_S,   "fsgnj.s",   0xfe00707f, 0x20000053, "D,S,T") \
	X(FSGNJN_S,  "fsgnjn.s",  0xfe00707f, 0x20001053, "D,S,T") \
	X(FSGNJX_S,  "fsgnjx.s",  0xfe00707f, 0x20002053, "D,S,T") \
	X(FMIN_S,    "fmin.s",    0xfe00707f, 0x28000053, "D,S,T") \
	X(FMAX_S,    "fmax.s",    0xfe00707f, 0x28001053, "D,S,T") \
	X(FCVT_W_S,  "fcvt.w.s",  0xfff0007f, 0xc0000053, "d,S,m") \
	X(FCVT_WU_S, "fcvt.wu.s", 0xfff0007f, 0xc0100053, "d,S,m") \
	X(FCVT_L_S,  "fcvt.l.s",  0xfff0007f, 0xc0200053, "d,S,m") \
	X(FCVT_LU_S, "fcvt.lu.s", 0xfff0007f, 0xc0300053, "d,S,m") \
	X(FMV_X_W,   "fmv.x.w",   0xfff0707f, 0xe0000053, "d,S") \
	X(FCLASS_S,  "fclass.s",  0xfff0707f, 0xe0001053, "d,S") \
	X(FEQ_S,     "feq.s",     0xfe00707f, 0xa0002053, "d,S,T") \
	X(FLT_S,     "flt.s",     0xfe00707f, 0xa0001053, "d,S,T") \
	X(FLE_S,     "fle.s",     0xfe00707f, 0xa0000053, "d,S,T") \
	X(FCVT_S_W,  "fcvt.s.w",  0xfff0007f, 0xd0000053, "D,s,m") \
	X(FCVT_S_WU, "fcvt.s.wu", 0xfff0007f, 0xd0100053, "D,s,m") \
	X(FCVT_S_L,  "fcvt.s.l",  0xfff0007f, 0xd0200053, "D,s,m") \
	X(FCVT_S_LU, "fcvt.s.lu", 0xfff0007f, 0xd0300053, "D,s,m") \
	X(FMV_W_X,   "fmv.w.x",   0xfff0707f, 0xf0000053, "D,s") \
	/* D */ \
	X(FLD,       "fld",       0x0000707f, 0x00003007, "D,o(s)") \
	X(FSD,       "fsd",       0x0000707f, 0x00003027, "T,q(s)") \
	X(FMADD_D,   "fmadd.d",   0x0600007f, 0x02000043, "D,S,T,R,m") \
	X(FMSUB_D,   "fmsub.d",   0x0600007f, 0x02000047, "D,S,T,R,m") \
	X(FNMSUB_D,  "fnmsub.d",  0x0600007f, 0x0200004b, "D,S,T,R,m") \
	X(FNMADD_D,  "fnmadd.d",  0x0600007f, 0x0200004f, "D,S,T,R,m") \
	X(FADD_D,    "fadd.d",    0xfe00007f, 0x02000053, "D,S,T,m") \
	X(FSUB_D,    "fsub.d",    0xfe00007f, 0x0a000053, "D,S,T,m") \
	X(FMUL_D,    "fmul.d",    0xfe00007f, 0x12000053, "D,S,T,m") \
	X(FDIV_D,    "fdiv.d",    0xfe00007f, 0x1a000053, "D,S,T,m") \
	X(FSQRT_D,   "fsqrt.d",   0xfff0007f, 0x5a000053, "D,S,m") \
	X(FSGNJ_D,   "fsgnj.d",   0xfe00707f, 0x22000053, "D,S,T") \
	X(FSGNJN_D,  "fsgnjn.d",  0xfe00707f, 0x22001053, "D,S,T") \
	X(FSGNJX_D,  "fsgnjx.d",  0xfe00707f, 0x22002053, "D,S,T") \
	X(FMIN_D,    "fmin.d",    0xfe00707f, 0x2a000053, "D,S,T") \
	X(FMAX_D,    "fmax.d",    0xfe00707f, 0x2a001053, "D,S,T") \
	X(FCVT_S_D,  "fcvt.s.d",  0xfff0007f, 0x40100053, "D,S,m") \
	X(FCVT_D_S,  "fcvt.d.s",  0xfff0007f, 0x42000053, "D,S,M") \
	X(FEQ_D,     "feq.d",     0xfe00707f, 0xa2002053, "d,S,T") \
	X(FLT_D,     "flt.d",     0xfe00707f, 0xa2001053, "d,S,T") \
	X(FLE_D,     "fle.d",     0xfe00707f, 0xa2000053, "d,S,T") \
	X(FCLASS_D,  "fclass.d",  0xfff0707f, 0xe2001053, "d,S") \
	X(FCVT_W_D,  "fcvt.w.d",  0xfff0007f, 0xc2000053, "d,S,m") \
	X(FCVT_WU_D, "fcvt.wu.d", 0xfff0007f, 0xc2100053, "d,S,m") \
	X(FCVT_L_D,  "fcvt.l.d",  0xfff0007f, 0xc2200053, "d,S,m") \
	X(FCVT_LU_D, "fcvt.lu.d", 0xfff0007f, 0xc2300053, "d,S,m") \
	X(FCVT_D_W,  "fcvt.d.w",  0xfff0007f, 0xd2000053, "D,s,M") \
	X(FCVT_D_WU, "fcvt.d.wu", 0xfff0007f, 0xd2100053, "D,s,M") \
	X(FCVT_D_L,  "fcvt.d.l",  0xfff0007f, 0xd2200053, "D,s,m") \
	X(FCVT_D_LU, "fcvt.d.lu", 0xfff0007f, 0xd2300053, "D,s,m") \
	X(FMV_X_D,   "fmv.x.d",   0xfff0707f, 0xe2000053, "d,S") \
	X(FMV_D_X,   "fmv.d.x",   0xfff0707f, 0xf2000053, "D,s")

/* Compressed forms. MASK/MATCH pick the row; the field constraints that
 * make an encoding reserved (nzimm=0, rd=0 where x0 is reserved) are
 * checked by rv_expand_c. HINTs (c.addi zero,1, c.mv zero,a0, c.slli64...)
 * decode as their base op, which leaves no trace. c.nop is c.addi zero,0,
 * as objdump prints it. c.unimp decodes to RV_OP_ILLEGAL but keeps its cop
 * so that it prints by name. Operands print the expanded fields. */
#define RV_CINSNS(X) \
	/* quadrant 0; the all-zero word is defined to be illegal */ \
	X(C_UNIMP,    "c.unimp",    0xffff, 0x0000, "",       ILLEGAL) \
	X(C_ADDI4SPN, "c.addi4spn", 0xe003, 0x0000, "d,s,j",  ADDI) \
	X(C_FLD,      "c.fld",      0xe003, 0x2000, "D,o(s)", FLD) \
	X(C_LW,       "c.lw",       0xe003, 0x4000, "d,o(s)", LW) \
	X(C_LD,       "c.ld",       0xe003, 0x6000, "d,o(s)", LD) \
	X(C_FSD,      "c.fsd",      0xe003, 0xa000, "T,q(s)", FSD) \
	X(C_SW,       "c.sw",       0xe003, 0xc000, "t,q(s)", SW) \
	X(C_SD,       "c.sd",       0xe003, 0xe000, "t,q(s)", SD) \
	/* quadrant 1 */ \
	X(C_ADDI,     "c.addi",     0xe003, 0x0001, "d,j",    ADDI) \
	X(C_ADDIW,    "c.addiw",    0xe003, 0x2001, "d,j",    ADDIW) \
	X(C_LI,       "c.li",       0xe003, 0x4001, "d,j",    ADDI) \
	X(C_ADDI16SP, "c.addi16sp", 0xef83, 0x6101, "d,j",    ADDI) \
	X(C_LUI,      "c.lui",      0xe003, 0x6001, "d,u",    LUI) \
	X(C_SRLI64,   "c.srli64",   0xfc7f, 0x8001, "d",      SRLI) \
	X(C_SRAI64,   "c.srai64",   0xfc7f, 0x8401, "d",      SRAI) \
	X(C_SRLI,     "c.srli",     0xec03, 0x8001, "d,>",    SRLI) \
	X(C_SRAI,     "c.srai",     0xec03, 0x8401, "d,>",    SRAI) \
	X(C_ANDI,     "c.andi",     0xec03, 0x8801, "d,j",    ANDI) \
	X(C_SUB,      "c.sub",      0xfc63, 0x8c01, "d,t",    SUB) \
	X(C_XOR,      "c.xor",      0xfc63, 0x8c21, "d,t",    XOR) \
	X(C_OR,       "c.or",       0xfc63, 0x8c41, "d,t",    OR) \
	X(C_AND,      "c.and",      0xfc63, 0x8c61, "d,t",    AND) \
	X(C_SUBW,     "c.subw",     0xfc63, 0x9c01, "d,t",    SUBW) \
	X(C_ADDW,     "c.addw",     0xfc63, 0x9c21, "d,t",    ADDW) \
	X(C_J,        "c.j",        0xe003, 0xa001, "a",      JAL) \
	X(C_BEQZ,     "c.beqz",     0xe003, 0xc001, "s,p",    BEQ) \
	X(C_BNEZ,     "c.bnez",     0xe003, 0xe001, "s,p",    BNE) \
	/* quadrant 2 */ \
	X(C_SLLI64,   "c.slli64",   0xf07f, 0x0002, "d",      SLLI) \
	X(C_SLLI,     "c.slli",     0xe003, 0x0002, "d,>",    SLLI) \
	X(C_FLDSP,    "c.fldsp",    0xe003, 0x2002, "D,o(s)", FLD) \
	X(C_LWSP,     "c.lwsp",     0xe003, 0x4002, "d,o(s)", LW) \
	X(C_LDSP,     "c.ldsp",     0xe003, 0x6002, "d,o(s)", LD) \
	X(C_JR,       "c.jr",       0xf07f, 0x8002, "s",      JALR) \
	X(C_MV,       "c.mv",       0xf003, 0x8002, "d,t",    ADD) \
	X(C_EBREAK,   "c.ebreak",   0xffff, 0x9002, "",       EBREAK) \
	X(C_JALR,     "c.jalr",     0xf07f, 0x9002, "s",      JALR) \
	X(C_ADD,      "c.add",      0xf003, 0x9002, "d,t",    ADD) \
	X(C_FSDSP,    "c.fsdsp",    0xe003, 0xa002, "T,q(s)", FSD) \
	X(C_SWSP,     "c.swsp",     0xe003, 0xc002, "t,q(s)", SW) \
	X(C_SDSP,     "c.sdsp",     0xe003, 0xe002, "t,q(s)", SD)

enum rv_op {
	RV_OP_ILLEGAL = 0,
#define X(name, mn, mask, match, ops) RV_OP_##name,
	RV_INSNS(X)
#undef X
	RV_OP_COUNT
};

enum rv_cop {
	RV_COP_NONE = 0,
#define X(name, mn, mask, match, ops, base) RV_COP_##name,
	RV_CINSNS(X)
#undef X
	RV_COP_COUNT
};

/* One decoded instruction: the base operation (compressed forms expanded)
 * plus the compressed row it came from, for the disassembler. */
typedef struct rv_insn {
	uint16_t op;        /* enum rv_op; RV_OP_ILLEGAL if not decodable */
	uint16_t cop;       /* enum rv_cop, RV_COP_NONE for 32-bit forms */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t rm;         /* rounding mode; aq<<1|rl for AMOs */
	uint8_t len;        /* 2 or 4 */
	int32_t imm;        /* sign-extended immediate; CSR number; shamt;
			       fence pred<<4|succ; for RV_OP_ILLEGAL the raw
			       encoding (len bytes) */
} rv_insn;

/* Decode the instruction at the start of raw (little-endian; the upper 16
 * bits are ignored for a 16-bit form). Always fills *in; returns in->len. */
int rv_decode(uint32_t raw, rv_insn *in);

/* Print one instruction as `objdump -d -M no-aliases` does, branch and
 * jump targets as absolute hex addresses computed from pc. Returns the
 * length written (snprintf-like). */
int rv_disasm(char *buf, size_t cap, const rv_insn *in, uint64_t pc);

extern const char *const rv_op_name[RV_OP_COUNT];

#endif
