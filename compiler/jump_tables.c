/* Jump tables: the targets of a `jr` through a table, read from the ELF.
 * Three forms GCC writes on RISC-V are recognised.
 *
 * A switch's table of offsets (match_table): lift.c branches to the
 * targets in compiled code (a compare per target) instead of leaving the
 * jump to the runtime.
 *
 * A computed goto's table of label addresses (match_pointers): its
 * targets are made entries, and the jr stays an indirect jump, which
 * env.lookup finds in the module: a wasm call into the function at that
 * block. Without this the targets were no entries and ran interpreted up
 * to the next one. Not compares: glibc's printf has 19 such jr sites over
 * the same ~100 labels, and 1900 edges made TurboFan take 0.3 s over the
 * function (and node waits for it at exit). A computed goto's table of
 * offsets from a label (match_offsets: a library's, which needs no
 * relocations) is handled the same way. The labels' addresses taken were
 * guessed function starts (FS_GUESS): those the table lists are not.
 *
 * A wrong guess costs speed, never correctness: the compiled jr exits
 * for a target it does not list, and an extra entry is only a block cut. */
#include <stdlib.h>

#include "rv2wasm.h"

const struct jump_table *cfg_jump_table(const struct program *p, uint32_t site)
{
	size_t lo = 0, hi = p->njtabs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->jtabs[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->njtabs && p->jtabs[lo].site == site ? &p->jtabs[lo] : NULL;
}

/* The nearest instruction in (lo, j) whose destination is register r
 * (any instruction with that rd: an F destination only makes a match
 * fail), or -1. */
static long writer(const struct program *p, long lo, long j, int r)
{
	for (long i = j - 1; i > lo; i--)
		if (p->insns[i].in.rd == r)
			return i;
	return -1;
}

/* Where r was set for j: its nearest writer in (lo, j), else its only
 * writer in the function [f0, f1) (a value hoisted out of a loop), else -1. */
static long def_of(const struct program *p, long lo, long j, int r, long f0, long f1)
{
	long d = writer(p, lo, j, r), only = -1;
	for (long i = f0; d < 0 && i < f1; i++)
		if (p->insns[i].in.rd == r) {
			if (only >= 0)
				return -1;
			only = i;
		}
	return d >= 0 ? d : only;
}

/* The value a `li` (addi r, x0, N) gives r for j, or -1. */
static int64_t li_value(const struct program *p, long lo, long j, int r, long f0, long f1)
{
	long d = def_of(p, lo, j, r, f0, f1);
	if (d < 0 || p->insns[d].in.op != RV_OP_ADDI || p->insns[d].in.rs1)
		return -1;
	return p->insns[d].in.imm;
}

/* Like writer, but not counting a reload of r from the stack (`ld r,
 * k(sp)`: an epilogue's restore of a callee-saved register, on the way
 * out of the function). */
static long writer_in_body(const struct program *p, long lo, long j, int r)
{
	long i = j;
	while ((i = writer(p, lo, i, r)) >= 0 &&
	       p->insns[i].in.op == RV_OP_LD && p->insns[i].in.rs1 == 2)
		;
	return i;
}

/* The address `auipc t, hi; addi t, t, lo` (or lui) gives t for j: in
 * j's block (lo, j), else the nearest such before it in the function
 * from f0 (set outside the loop the switch is in). A guess: t may be set
 * again further on (a musl PIE's switch had its table in a1, printf's
 * argument after the loop; requiring no other writer, rv2wasm read none
 * of that program's switch tables), and a wrong one costs only speed.
 * 1 or 0. */
static int address_of(const struct program *p, long lo, long j, int t, long f0, uint64_t *v)
{
	long d = writer(p, lo, j, t), e;
	if (d < 0 && (d = writer_in_body(p, f0 - 1, lo + 1, t)) < 0)
		return 0;
	e = writer(p, f0 - 1, d, t);
	if (e < 0 || p->insns[d].in.op != RV_OP_ADDI || p->insns[d].in.rs1 != t)
		return 0;
	if (p->insns[e].in.op == RV_OP_AUIPC)
		*v = p->insns[e].pc + (uint64_t)p->insns[e].in.imm + (uint64_t)p->insns[d].in.imm;
	else if (p->insns[e].in.op == RV_OP_LUI)
		*v = (uint64_t)p->insns[e].in.imm + (uint64_t)p->insns[d].in.imm;
	else
		return 0;
	return 1;
}

/* For `jr X` at j (X not ra: a return), the instruction before its block
 * (the block is (*lo, j]); 1, or 0 when j is not such a jump. */
static int jump_block(const struct program *p, const uint8_t *leader, long j, long *lo)
{
	const rv_insn *jr = &p->insns[j].in;
	if (jr->rd || jr->imm || jr->rs1 <= 1)
		return 0;
	long l = j;
	while (l > 0 && !leader[l])
		l--;
	*lo = l - 1;
	return 1;
}

/* GCC's jump table for a switch, position-independent or not (RISC-V
 * has no other form): within the block of the `jr X` at j,
 *     auipc T, hi; addi T, T, lo     (or lui: T, the table's address)
 *     add Y, I, T                    (I, the index scaled by 4)
 *     lw L, 0(Y)
 *     add X, L, T                    (entries are offsets from the table)
 *     jr X
 * and usually, ending the block before, `bltu B, I, default` with
 * `li B, N` (N + 1 entries); T and B may be set once for the function,
 * outside the loop the switch is in. The table's address and count (-1:
 * not found), 1; or 0. [f0, f1) is j's function. A wrong guess costs only
 * speed: the compiled jr compares the target with these and exits for
 * any other. */
static int match_table(const struct program *p, const uint8_t *leader, long j, long f0, long f1,
		       uint64_t *table, int64_t *count)
{
	long lo;
	if (!jump_block(p, leader, j, &lo))
		return 0;
	long start = lo + 1, a = writer(p, lo, j, p->insns[j].in.rs1);
	if (a < 0 || p->insns[a].in.op != RV_OP_ADD)
		return 0;
	for (int swap = 0; swap < 2; swap++) {
		int off = swap ? p->insns[a].in.rs2 : p->insns[a].in.rs1;
		int t = swap ? p->insns[a].in.rs1 : p->insns[a].in.rs2;
		long l = writer(p, lo, a, off);
		if (l < 0 || p->insns[l].in.op != RV_OP_LW || p->insns[l].in.imm)
			continue;
		long s = writer(p, lo, l, p->insns[l].in.rs1);
		if (s < 0 || p->insns[s].in.op != RV_OP_ADD ||
		    (p->insns[s].in.rs1 != t && p->insns[s].in.rs2 != t) || writer(p, s, a, t) >= 0 ||
		    !address_of(p, lo, s, t, f0, table))
			continue;
		*count = -1;
		if (start > 0) { /* the bound, from the branch that ends the block before */
			const rv_insn *br = &p->insns[start - 1].in;
			long plo = start - 1;
			while (plo > 0 && !leader[plo])
				plo--;
			int64_t v;
			if (br->op == RV_OP_BLTU &&
			    (v = li_value(p, plo - 1, start - 1, br->rs1, f0, f1)) >= 0)
				*count = v + 1;
			else if (br->op == RV_OP_BGEU &&
				 (v = li_value(p, plo - 1, start - 1, br->rs2, f0, f1)) >= 0)
				*count = v;
		}
		return 1;
	}
	return 0;
}

/* `add Y, I, T` at s (either order), I an index scaled by `slli I, N,
 * shift`, T an address (address_of): that address, 1; or 0. */
static int scaled_index(const struct program *p, long lo, long s, int shift, long f0,
			uint64_t *table)
{
	if (s < 0 || p->insns[s].in.op != RV_OP_ADD)
		return 0;
	for (int swap = 0; swap < 2; swap++) {
		int i = swap ? p->insns[s].in.rs2 : p->insns[s].in.rs1;
		int t = swap ? p->insns[s].in.rs1 : p->insns[s].in.rs2;
		long sh = writer(p, lo, s, i);
		if (sh >= 0 && p->insns[sh].in.op == RV_OP_SLLI && p->insns[sh].in.imm == shift &&
		    address_of(p, lo, s, t, f0, table))
			return 1;
	}
	return 0;
}

/* A table of code addresses: GCC's computed goto (`goto *tbl[i]`; static
 * glibc's printf dispatches so on each character's class), within the
 * jr's block:
 *     auipc T, hi; addi T, T, lo     (or lui: T + K, the table's address)
 *     slli I, N, 3
 *     add Y, I, T
 *     ld X, K(Y)
 *     jr X
 * The table's address, 1; or 0. No bound is proven: the caller reads
 * entries while they point into the jr's function. */
static int match_pointers(const struct program *p, const uint8_t *leader, long j, long f0,
			  uint64_t *table)
{
	long lo;
	if (!jump_block(p, leader, j, &lo))
		return 0;
	long a = writer(p, lo, j, p->insns[j].in.rs1);
	if (a < 0 || p->insns[a].in.op != RV_OP_LD ||
	    !scaled_index(p, lo, writer(p, lo, a, p->insns[a].in.rs1), 3, f0, table))
		return 0;
	*table += (uint64_t)(int64_t)p->insns[a].in.imm;
	return 1;
}

/* A table of label offsets: a computed goto with no relocations, as
 * shared glibc's printf has it (`goto *(&&base + tbl[i])`):
 *     slli I, N, 2
 *     add Y, I, T                    (T: the table's address, less K)
 *     lw L, K(Y)
 *     auipc B, hi; addi B, B, lo     (B: the base label, in the code)
 *     add X, L, B
 *     jr X
 * The table's address and the base, 1; or 0. No bound: as for
 * match_pointers. */
static int match_offsets(const struct program *p, const uint8_t *leader, long j, long f0,
			 uint64_t *table, uint64_t *base)
{
	long lo;
	if (!jump_block(p, leader, j, &lo))
		return 0;
	long a = writer(p, lo, j, p->insns[j].in.rs1);
	if (a < 0 || p->insns[a].in.op != RV_OP_ADD)
		return 0;
	for (int swap = 0; swap < 2; swap++) {
		int off = swap ? p->insns[a].in.rs2 : p->insns[a].in.rs1;
		int b = swap ? p->insns[a].in.rs1 : p->insns[a].in.rs2;
		long l = writer(p, lo, a, off);
		if (l < 0 || p->insns[l].in.op != RV_OP_LW || !address_of(p, lo, a, b, f0, base) ||
		    cfg_find_insn(p, *base) < 0 ||
		    !scaled_index(p, lo, writer(p, lo, l, p->insns[l].in.rs1), 2, f0, table))
			continue;
		*table += (uint64_t)(int64_t)p->insns[l].in.imm;
		return 1;
	}
	return 0;
}

enum table_kind { OFFSETS_FROM_TABLE, POINTERS, OFFSETS_FROM_LABEL };

/* Entry i of a table: an offset from it (match_table's), an address
 * (match_pointers') or an offset from base (match_offsets'). 1, or 0
 * when it cannot be read. */
static int entry_at(const struct elf_code *ec, enum table_kind kind, uint64_t table, uint64_t base,
		    int64_t i, uint64_t *target)
{
	if (kind == POINTERS)
		return elf_code_pointer(ec, table + 8 * (uint64_t)i, target);
	const uint8_t *e = elf_code_ro(ec, table + 4 * (uint64_t)i, 4);
	if (!e)
		return 0;
	int32_t v = (int32_t)(e[0] | e[1] << 8 | e[2] << 16 | (uint32_t)e[3] << 24);
	*target = (kind == OFFSETS_FROM_LABEL ? base : table) + (uint64_t)(int64_t)v;
	return 1;
}

#define MAX_TABLE_GUESS 256 /* entries read when the bound is not found */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The function [*f0, *f1) around instruction j by the numbering fn. */
static void func_around(const struct program *p, const uint32_t *fn, long j, long *f0, long *f1)
{
	for (*f0 = j; *f0 > 0 && fn[*f0 - 1] == fn[j]; --*f0)
		;
	for (*f1 = j; (size_t)*f1 < p->ninsns && fn[*f1] == fn[j]; ++*f1)
		;
}

int cfg_jump_tables(struct program *p, const struct elf_code *ec, uint8_t *leader,
		    uint8_t *entry, uint8_t *fstart, const uint32_t *fn, const uint32_t *sure_fn)
{
	size_t capt = 0, capj = 0;
	for (size_t j = 0; j < p->ninsns; j++) {
		uint64_t table;
		int64_t count;
		if (p->insns[j].in.op != RV_OP_JALR)
			continue;
		long f0, f1;
		const uint32_t *num = fn; /* (the numbering the entries must share with j) */
		func_around(p, fn, (long)j, &f0, &f1);
		enum table_kind kind = OFFSETS_FROM_TABLE;
		uint64_t base = 0;
		if (!match_table(p, leader, (long)j, f0, f1, &table, &count)) {
			/* A label's address taken is a guessed function start
			 * (FS_GUESS), and would cut the function at each label:
			 * here the function is the one sure starts bound. */
			func_around(p, sure_fn, (long)j, &f0, &f1);
			if (match_pointers(p, leader, (long)j, f0, &table))
				kind = POINTERS;
			else if (match_offsets(p, leader, (long)j, f0, &table, &base))
				kind = OFFSETS_FROM_LABEL;
			else
				continue;
			count = -1;
			num = sure_fn;
		}
		int pointers = kind != OFFSETS_FROM_TABLE; /* a computed goto's */
		int64_t max = count >= 0 ? count : MAX_TABLE_GUESS;
		if (max > JT_MAX_TARGETS || max < 1)
			continue;
		size_t first = p->njt_targets;
		int64_t i;
		for (i = 0; i < max; i++) {
			uint64_t target;
			if (!entry_at(ec, kind, table, base, i, &target))
				break;
			long k = cfg_find_insn(p, target);
			if (k < 0 || num[k] != num[j] || p->insns[k].in.op == RV_OP_ILLEGAL)
				break;
			if (p->njt_targets == capt) {
				capt = capt ? 2 * capt : 256;
				uint64_t *v2 = realloc(p->jt_targets, capt * sizeof *v2);
				if (!v2)
					return -1;
				p->jt_targets = v2;
			}
			p->jt_targets[p->njt_targets++] = target;
		}
		if ((count >= 0 && i < count) || i < 2) { /* not all proven: none */
			p->njt_targets = first;
			continue;
		}
		qsort(p->jt_targets + first, p->njt_targets - first, sizeof *p->jt_targets, cmp_u64);
		size_t n = 0;
		for (size_t t = first; t < p->njt_targets; t++)
			if (!n || p->jt_targets[first + n - 1] != p->jt_targets[t])
				p->jt_targets[first + n++] = p->jt_targets[t];
		p->njt_targets = first + n;
		for (size_t t = first; t < p->njt_targets; t++) {
			long k = cfg_find_insn(p, p->jt_targets[t]);
			p->ngoto_targets += pointers && !entry[k];
			leader[k] = 1;
			entry[k] |= pointers;
			if (pointers && fstart[k] == FS_GUESS) { /* a label's, not a function's */
				fstart[k] = 0;
				p->ngoto_joined++;
			}
		}
		if (pointers) { /* (see the top of the file) */
			p->ngotos++;
			p->njt_targets = first;
			continue;
		}
		if (p->njtabs == capj) {
			capj = capj ? 2 * capj : 64;
			struct jump_table *v2 = realloc(p->jtabs, capj * sizeof *v2);
			if (!v2)
				return -1;
			p->jtabs = v2;
		}
		p->jtabs[p->njtabs++] = (struct jump_table){ (uint32_t)j, (uint32_t)first, (uint32_t)n };
	}
	return 0;
}

