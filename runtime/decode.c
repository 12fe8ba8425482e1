/* Instruction decoder (DESIGN.md decision 1).
 *
 * Table driven: the rows of RV_INSNS / RV_CINSNS (rv_isa.h) are bucketed
 * once, 32-bit rows by major opcode (bits 6:0) and 16-bit rows by quadrant
 * and funct3, so a lookup scans a handful of rows in table order. A 32-bit
 * row's fields are extracted by walking its operand string; a 16-bit row is
 * expanded by rv_expand_c into the fields of the base instruction. */
#include <stdbool.h>

#include "rv_cpu.h"
#include "rv_isa.h"

const char *const rv_op_name[RV_OP_COUNT] = {
	[RV_OP_ILLEGAL] = "illegal",
#define X(name, mn, mask, match, ops) [RV_OP_##name] = mn,
	RV_INSNS(X)
#undef X
};

const char *const rv_xreg_name[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const rv_freg_name[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

struct row {
	uint32_t mask, match;
	const char *ops;
};

static const struct row op_row[RV_OP_COUNT] = {
#define X(name, mn, mask, match, ops) [RV_OP_##name] = { mask, match, ops },
	RV_INSNS(X)
#undef X
};

static const struct row cop_row[RV_COP_COUNT] = {
#define X(name, mn, mask, match, ops, base) \
	[RV_COP_##name] = { mask, match, ops },
	RV_CINSNS(X)
#undef X
};

static const uint16_t cop_base[RV_COP_COUNT] = {
#define X(name, mn, mask, match, ops, base) [RV_COP_##name] = RV_OP_##base,
	RV_CINSNS(X)
#undef X
};

/* Buckets: row numbers grouped by key, in table order (a counting sort).
 * Bucket k holds list[start[k] .. start[k+1]). */
#define OP_KEYS  128 /* bits 6:0 */
#define COP_KEYS 32  /* bits 1:0 << 3 | bits 15:13 */

static uint16_t op_list[RV_OP_COUNT], op_start[OP_KEYS + 1];
static uint16_t cop_list[RV_COP_COUNT], cop_start[COP_KEYS + 1];
static bool indexed;

static unsigned op_key(uint32_t w) { return w & 0x7f; }
static unsigned cop_key(uint32_t w) { return (w & 3) << 3 | (w >> 13 & 7); }

static void bucket(const struct row *rows, int n, unsigned (*key)(uint32_t),
		   uint16_t *list, uint16_t *start, int nkeys)
{
	uint16_t fill[OP_KEYS + 1] = { 0 };

	/* Every row fixes the bits its key is made of, so key(match) is the
	 * bucket of every word the row matches. */
	for (int i = 1; i < n; i++)
		start[key(rows[i].match) + 1]++;
	for (int k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (int i = 1; i < n; i++) {
		unsigned k = key(rows[i].match);
		list[start[k] + fill[k]++] = (uint16_t)i;
	}
}

static void index_rows(void)
{
	bucket(op_row, RV_OP_COUNT, op_key, op_list, op_start, OP_KEYS);
	bucket(cop_row, RV_COP_COUNT, cop_key, cop_list, cop_start, COP_KEYS);
	indexed = true;
}

/* Bits hi..lo of w, shifted down. */
static uint32_t bits(uint32_t w, int hi, int lo)
{
	return w >> lo & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extend the low n bits of v. */
static int32_t sext(uint32_t v, int n)
{
	uint32_t m = 1u << (n - 1);
	v &= (m << 1) - 1;
	return (int32_t)((v ^ m) - m);
}

/* Fill the fields a 32-bit row's operand string names. */
static void extract(const char *ops, uint32_t w, rv_insn *in)
{
	for (const char *p = ops; *p; p++) {
		switch (*p) {
		case 'd': case 'D': in->rd = bits(w, 11, 7); break;
		case 's': case 'S': case 'Z': in->rs1 = bits(w, 19, 15); break;
		case 't': case 'T': in->rs2 = bits(w, 24, 20); break;
		case 'r': case 'R': in->rs3 = bits(w, 31, 27); break;
		case 'j': case 'o': in->imm = sext(w >> 20, 12); break;
		case 'E': in->imm = (int32_t)(w >> 20); break;
		case '>': in->imm = (int32_t)bits(w, 25, 20); break;
		case '<': in->imm = (int32_t)bits(w, 24, 20); break;
		case 'u': in->imm = (int32_t)(w & 0xfffff000); break;
		case 'q':
			in->imm = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
			break;
		case 'p':
			in->imm = sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 |
				       bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1, 13);
			break;
		case 'a':
			in->imm = sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 |
				       bits(w, 20, 20) << 11 | bits(w, 30, 21) << 1, 21);
			break;
		case 'm': case 'M': in->rm = bits(w, 14, 12); break;
		case 'A': in->rm = bits(w, 26, 25); break;
		case 'P': in->imm |= (int32_t)bits(w, 27, 24) << 4; break;
		case 'Q': in->imm |= (int32_t)bits(w, 23, 20); break;
		default: break; /* punctuation */
		}
	}
}

/* Expand a 16-bit form into the fields of its base op (in->op is already
 * set). Returns false for a reserved encoding. */
static bool rv_expand_c(int cop, uint32_t w, rv_insn *in)
{
	unsigned r = bits(w, 11, 7);      /* rd/rs1, full width */
	unsigned r2 = bits(w, 6, 2);      /* rs2, full width */
	unsigned rp = 8 + bits(w, 9, 7);  /* rs1'/rd' in bits 9:7 */
	unsigned rp2 = 8 + bits(w, 4, 2); /* rd'/rs2' in bits 4:2 */
	int32_t ci = sext(bits(w, 12, 12) << 5 | bits(w, 6, 2), 6);
	int32_t shamt = (int32_t)(bits(w, 12, 12) << 5 | bits(w, 6, 2));
	/* Unsigned scaled offsets of the loads and stores, by access size. */
	int32_t cl_w = (int32_t)(bits(w, 12, 10) << 3 | bits(w, 6, 6) << 2 |
				 bits(w, 5, 5) << 6);
	int32_t cl_d = (int32_t)(bits(w, 12, 10) << 3 | bits(w, 6, 5) << 6);
	int32_t lwsp = (int32_t)(bits(w, 12, 12) << 5 | bits(w, 6, 4) << 2 |
				 bits(w, 3, 2) << 6);
	int32_t ldsp = (int32_t)(bits(w, 12, 12) << 5 | bits(w, 6, 5) << 3 |
				 bits(w, 4, 2) << 6);
	int32_t swsp = (int32_t)(bits(w, 12, 9) << 2 | bits(w, 8, 7) << 6);
	int32_t sdsp = (int32_t)(bits(w, 12, 10) << 3 | bits(w, 9, 7) << 6);

	switch (cop) {
	case RV_COP_C_UNIMP:
		return true; /* op stays RV_OP_ILLEGAL, imm = raw = 0 */
	case RV_COP_C_ADDI4SPN:
		in->rd = rp2, in->rs1 = 2;
		in->imm = (int32_t)(bits(w, 12, 11) << 4 | bits(w, 10, 7) << 6 |
				    bits(w, 6, 6) << 2 | bits(w, 5, 5) << 3);
		return in->imm != 0;
	case RV_COP_C_FLD:
	case RV_COP_C_LD:
		in->rd = rp2, in->rs1 = rp, in->imm = cl_d;
		return true;
	case RV_COP_C_LW:
		in->rd = rp2, in->rs1 = rp, in->imm = cl_w;
		return true;
	case RV_COP_C_FSD:
	case RV_COP_C_SD:
		in->rs2 = rp2, in->rs1 = rp, in->imm = cl_d;
		return true;
	case RV_COP_C_SW:
		in->rs2 = rp2, in->rs1 = rp, in->imm = cl_w;
		return true;
	case RV_COP_C_ADDI:
		in->rd = in->rs1 = r, in->imm = ci;
		return true;
	case RV_COP_C_ADDIW:
		in->rd = in->rs1 = r, in->imm = ci;
		return r != 0;
	case RV_COP_C_LI:
		in->rd = r, in->imm = ci;
		return true;
	case RV_COP_C_ADDI16SP:
		in->rd = in->rs1 = 2;
		in->imm = sext(bits(w, 12, 12) << 9 | bits(w, 6, 6) << 4 |
			       bits(w, 5, 5) << 6 | bits(w, 4, 3) << 7 |
			       bits(w, 2, 2) << 5, 10);
		return in->imm != 0;
	case RV_COP_C_LUI:
		in->rd = r;
		in->imm = sext(bits(w, 12, 12) << 17 | bits(w, 6, 2) << 12, 18);
		return in->imm != 0;
	case RV_COP_C_SRLI64:
	case RV_COP_C_SRAI64:
		in->rd = in->rs1 = rp;
		return true;
	case RV_COP_C_SRLI:
	case RV_COP_C_SRAI:
		in->rd = in->rs1 = rp, in->imm = shamt;
		return true;
	case RV_COP_C_ANDI:
		in->rd = in->rs1 = rp, in->imm = ci;
		return true;
	case RV_COP_C_SUB:
	case RV_COP_C_XOR:
	case RV_COP_C_OR:
	case RV_COP_C_AND:
	case RV_COP_C_SUBW:
	case RV_COP_C_ADDW:
		in->rd = in->rs1 = rp, in->rs2 = rp2;
		return true;
	case RV_COP_C_J:
		in->imm = sext(bits(w, 12, 12) << 11 | bits(w, 11, 11) << 4 |
			       bits(w, 10, 9) << 8 | bits(w, 8, 8) << 10 |
			       bits(w, 7, 7) << 6 | bits(w, 6, 6) << 7 |
			       bits(w, 5, 3) << 1 | bits(w, 2, 2) << 5, 12);
		return true;
	case RV_COP_C_BEQZ:
	case RV_COP_C_BNEZ:
		in->rs1 = rp;
		in->imm = sext(bits(w, 12, 12) << 8 | bits(w, 11, 10) << 3 |
			       bits(w, 6, 5) << 6 | bits(w, 4, 3) << 1 |
			       bits(w, 2, 2) << 5, 9);
		return true;
	case RV_COP_C_SLLI64:
		in->rd = in->rs1 = r;
		return true;
	case RV_COP_C_SLLI:
		in->rd = in->rs1 = r, in->imm = shamt;
		return true;
	case RV_COP_C_FLDSP:
		in->rd = r, in->rs1 = 2, in->imm = ldsp;
		return true;
	case RV_COP_C_LDSP:
		in->rd = r, in->rs1 = 2, in->imm = ldsp;
		return r != 0;
	case RV_COP_C_LWSP:
		in->rd = r, in->rs1 = 2, in->imm = lwsp;
		return r != 0;
	case RV_COP_C_JR:
		in->rs1 = r;
		return r != 0;
	case RV_COP_C_MV:
		in->rd = r, in->rs2 = r2;
		return true;
	case RV_COP_C_EBREAK:
		return true;
	case RV_COP_C_JALR:
		in->rd = 1, in->rs1 = r;
		return true;
	case RV_COP_C_ADD:
		in->rd = in->rs1 = r, in->rs2 = r2;
		return true;
	case RV_COP_C_FSDSP:
	case RV_COP_C_SDSP:
		in->rs2 = r2, in->rs1 = 2, in->imm = sdsp;
		return true;
	case RV_COP_C_SWSP:
		in->rs2 = r2, in->rs1 = 2, in->imm = swsp;
		return true;
	}
	return false;
}

int rv_decode(uint32_t raw, rv_insn *in)
{
	*in = (rv_insn){ 0 };
	if (!indexed)
		index_rows();

	if ((raw & 3) != 3) {
		uint32_t w = raw & 0xffff;
		unsigned k = cop_key(w);

		in->len = 2;
		in->imm = (int32_t)w;
		for (int i = cop_start[k]; i < cop_start[k + 1]; i++) {
			int c = cop_list[i];
			if ((w & cop_row[c].mask) != cop_row[c].match)
				continue;
			in->op = cop_base[c];
			in->cop = (uint16_t)c;
			in->imm = 0;
			if (rv_expand_c(c, w, in))
				return 2;
			*in = (rv_insn){ .len = 2, .imm = (int32_t)w };
			return 2;
		}
		return 2;
	}

	in->len = 4;
	in->imm = (int32_t)raw;
	/* bits 4:0 all set announce a 48-bit or longer form: none is known. */
	if ((raw & 0x1f) == 0x1f)
		return 4;
	unsigned k = op_key(raw);
	for (int i = op_start[k]; i < op_start[k + 1]; i++) {
		int op = op_list[i];
		if ((raw & op_row[op].mask) != op_row[op].match)
			continue;
		in->op = (uint16_t)op;
		in->imm = 0;
		extract(op_row[op].ops, raw, in);
		return 4;
	}
	return 4;
}
