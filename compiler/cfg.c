/* Code discovery: every executable byte is decoded (linear sweep, with the
 * shared decoder), not only what is reachable from the entry, since the
 * dynamic linker calls exported functions and PLT stubs from outside.
 *
 * Block leaders: the start of each range, the entry, every function
 * symbol, every direct branch and jal target, and the instruction after
 * anything that transfers control or leaves compiled code (a branch, jal,
 * jalr, ecall). Functions start at the entry, at symbols, at jal targets
 * with a link register (calls) and at each range; a function runs to the
 * next start, and one is cut every MAX_FUNC_BLOCKS blocks (V8 compiles
 * huge function bodies slowly and refuses them past ~7.6 MB).
 *
 * Entries, where the runtime may start compiled code: function starts,
 * return addresses (after a jal or jalr that links), direct targets in
 * another function (tail calls), loop headers, and outside loops the
 * instruction after an ecall or after anything left to the interpreter
 * (mark_loops says why not inside). Compiled code checks the budget at
 * entries only: every cycle passes one, and a slice that ends there
 * resumes there. Elsewhere (a jump table's target, say) the runtime
 * interprets until it reaches one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv2wasm.h"

#define MAX_FUNC_BLOCKS 2000

static int is_branch(int op)
{
	return op == RV_OP_BEQ || op == RV_OP_BNE || op == RV_OP_BLT || op == RV_OP_BGE ||
	       op == RV_OP_BLTU || op == RV_OP_BGEU;
}

/* Ends a block: control goes elsewhere, or to the runtime. */
static int ends_block(int op)
{
	return is_branch(op) || op == RV_OP_JAL || op == RV_OP_JALR || op == RV_OP_ECALL ||
	       op == RV_OP_EBREAK || op == RV_OP_FENCE_I || op == RV_OP_ILLEGAL;
}

/* Index of the instruction at pc, or -1 (binary search). */
static long find_insn(const struct program *p, uint64_t pc)
{
	size_t lo = 0, hi = p->ninsns;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->insns[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->ninsns && p->insns[lo].pc == pc ? (long)lo : -1;
}

const struct block *cfg_block_at(const struct program *p, uint64_t pc)
{
	long i = find_insn(p, pc);
	if (i < 0)
		return NULL;
	size_t lo = 0, hi = p->nblocks;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->blocks[mid].first < (uint32_t)i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nblocks && p->blocks[lo].first == (uint32_t)i ? &p->blocks[lo] : NULL;
}

/* Why a block is an entry (struct block's entry; any bit makes it one). */
enum {
	ENTRY_KEEP = 1,          /* function start, return address, tail-call target */
	ENTRY_OUTSIDE_LOOPS = 2, /* after an ecall or something interpreted: dropped
				    inside a loop, see mark_loops */
	ENTRY_LOOP = 4,          /* a loop header */
};

/* Successors of block k within its function f: the blocks its lifted code
 * may go on to (a call goes on at the return address). */
static int successors(const struct program *p, const struct func *f, uint32_t k, uint32_t out[2])
{
	const struct block *b = &p->blocks[f->first_block + k];
	const struct insn *last = &p->insns[b->first + b->n - 1];
	int op = last->in.op, n = 0;
	if (op == RV_OP_JALR || op == RV_OP_ECALL || !lift_supports(op))
		return 0;
	if (is_branch(op) || (op == RV_OP_JAL && !last->in.rd)) {
		const struct block *tb = cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
		if (tb && tb->func == b->func)
			out[n++] = tb->index;
		if (op == RV_OP_JAL)
			return n;
	}
	if (k + 1 < f->nblocks &&
	    p->insns[p->blocks[f->first_block + k + 1].first].pc == last->pc + last->in.len &&
	    (!n || out[0] != k + 1))
		out[n++] = k + 1;
	return n;
}

/* Loops, per function: a depth-first walk marks the target of every
 * retreating edge a loop header (ENTRY_LOOP), so every cycle passes an
 * entry, where compiled code checks the budget. (For a rotated loop,
 * `j cond; body: ...; cond: ...; bnez body`, that is cond, which the
 * preheader enters too: the backward branch's target, body, would be a
 * second way in.) The blocks of a loop's body other than its header lose
 * ENTRY_OUTSIDE_LOOPS: an entry inside a loop makes it a loop with several
 * ways in, which the Relooper renders as a dispatch on a label variable at
 * every iteration (in hash, 17% of the run time). Resuming there, after an
 * ecall or an interpreted instruction, the runtime interprets up to the
 * next entry: at most the rest of the iteration. Return addresses stay
 * entries: returns through the runtime are common (past the call-depth
 * limit, after an indirect call). */
static int mark_loops(struct program *p)
{
	uint32_t max = 1;
	for (size_t fi = 0; fi < p->nfuncs; fi++)
		if (p->funcs[fi].nblocks > max)
			max = p->funcs[fi].nblocks;
	uint32_t *succ = malloc(2 * max * sizeof *succ), *nsucc = malloc(max * sizeof *nsucc);
	uint32_t *stack = malloc(max * sizeof *stack), *next = malloc(max * sizeof *next);
	uint8_t *state = malloc(max), *body = malloc(max); /* state: 0 new, 1 on stack, 2 done */
	uint32_t *work = malloc(max * sizeof *work);
	uint32_t *pstart = malloc((max + 1) * sizeof *pstart), *pred = malloc(2 * max * sizeof *pred);
	int ok = succ && nsucc && stack && next && state && body && work && pstart && pred;
	for (size_t fi = 0; ok && fi < p->nfuncs; fi++) {
		const struct func *f = &p->funcs[fi];
		struct block *bl = &p->blocks[f->first_block];
		uint32_t nb = f->nblocks;
		for (uint32_t k = 0; k < nb; k++)
			nsucc[k] = (uint32_t)successors(p, f, k, succ + 2 * k);
		/* predecessors, pred[pstart[k] .. pstart[k + 1]) */
		memset(pstart, 0, (nb + 1) * sizeof *pstart);
		for (uint32_t k = 0; k < nb; k++)
			for (uint32_t j = 0; j < nsucc[k]; j++)
				pstart[succ[2 * k + j] + 1]++;
		for (uint32_t k = 0; k < nb; k++)
			pstart[k + 1] += pstart[k];
		for (uint32_t k = 0; k < nb; k++)
			for (uint32_t j = 0; j < nsucc[k]; j++)
				pred[pstart[succ[2 * k + j]]++] = k;
		for (uint32_t k = nb; k > 0; k--) /* (the fill moved each start to the next) */
			pstart[k] = pstart[k - 1];
		pstart[0] = 0;
		memset(state, 0, nb);
		memset(body, 0, nb);
		/* Walk from the start, then from whatever it did not reach. */
		for (uint32_t root = 0; root < nb; root++) {
			if (state[root])
				continue;
			uint32_t sp = 0;
			stack[sp] = root;
			next[sp++] = 0;
			state[root] = 1;
			while (sp) {
				uint32_t k = stack[sp - 1];
				if (next[sp - 1] == nsucc[k]) {
					state[k] = 2;
					sp--;
					continue;
				}
				uint32_t t = succ[2 * k + next[sp - 1]++];
				if (state[t] == 1) { /* retreating: t heads a loop, k..t its body */
					bl[t].entry |= ENTRY_LOOP;
					uint32_t nw = 0;
					if (k != t && !body[k])
						body[k] = 1, work[nw++] = k;
					while (nw) { /* up the predecessors, to t */
						uint32_t u = work[--nw];
						for (uint32_t j = pstart[u]; j < pstart[u + 1]; j++) {
							uint32_t v = pred[j];
							if (v != t && !body[v])
								body[v] = 1, work[nw++] = v;
						}
					}
				} else if (!state[t]) {
					stack[sp] = t;
					next[sp++] = 0;
					state[t] = 1;
				}
			}
		}
		for (uint32_t k = 0; k < nb; k++)
			if (body[k])
				bl[k].entry &= (uint8_t)~ENTRY_OUTSIDE_LOOPS;
	}
	free(succ);
	free(nsucc);
	free(stack);
	free(next);
	free(state);
	free(body);
	free(work);
	free(pstart);
	free(pred);
	return ok ? 0 : -1;
}

int cfg_build(const struct elf_code *ec, struct program *p, char *err, size_t cap)
{
	memset(p, 0, sizeof *p);
	size_t capn = ec->exec_bytes / 2 + 1;
	p->insns = malloc(capn * sizeof *p->insns);
	uint8_t *leader = NULL, *fstart = NULL, *entry = NULL;
	if (!p->insns)
		goto oom;
	/* Ranges sorted by address (sections come in file order, usually the
	 * same); the instruction array must be sorted for the searches. */
	size_t nr = ec->nranges;
	const struct code_range **rs = malloc(nr * sizeof *rs);
	if (!rs)
		goto oom;
	for (size_t i = 0; i < nr; i++)
		rs[i] = &ec->ranges[i];
	for (size_t i = 1; i < nr; i++)
		for (size_t j = i; j > 0 && rs[j - 1]->vaddr > rs[j]->vaddr; j--) {
			const struct code_range *t = rs[j];
			rs[j] = rs[j - 1];
			rs[j - 1] = t;
		}
	size_t *range_first = calloc(nr + 1, sizeof *range_first);
	if (!range_first) {
		free(rs);
		goto oom;
	}
	for (size_t r = 0; r < nr; r++) {
		const struct code_range *cr = rs[r];
		range_first[r] = p->ninsns;
		uint64_t at = 0;
		while (at + 2 <= cr->len) {
			uint32_t raw = cr->bytes[at] | (uint32_t)cr->bytes[at + 1] << 8;
			if (at + 4 <= cr->len)
				raw |= (uint32_t)cr->bytes[at + 2] << 16 | (uint32_t)cr->bytes[at + 3] << 24;
			struct insn *in = &p->insns[p->ninsns];
			in->pc = cr->vaddr + at;
			int len = rv_decode(raw, &in->in);
			if (len == 4 && at + 4 > cr->len) { /* a 32-bit form cut by the end */
				in->in.op = RV_OP_ILLEGAL;
				len = 2;
			}
			if (in->in.op == RV_OP_ILLEGAL) {
				p->illegal++;
				len = 2; /* resync on the next halfword */
				in->in.len = 2;
			}
			if (p->ninsns && in->pc < p->insns[p->ninsns - 1].pc + p->insns[p->ninsns - 1].in.len) {
				free(rs);
				free(range_first);
				snprintf(err, cap, "%s: executable sections overlap at 0x%llx", ec->path,
					 (unsigned long long)in->pc);
				return -1;
			}
			p->ninsns++;
			at += (uint64_t)len;
		}
	}
	range_first[nr] = p->ninsns;
	free(rs);

	leader = calloc(p->ninsns + 1, 1);
	fstart = calloc(p->ninsns + 1, 1);
	entry = calloc(p->ninsns + 1, 1);
	if (!leader || !fstart || !entry) {
		free(range_first);
		goto oom;
	}
	for (size_t r = 0; r < nr; r++)
		if (range_first[r] < p->ninsns)
			leader[range_first[r]] = fstart[range_first[r]] = 1;
	free(range_first);
	long e = find_insn(p, ec->entry);
	if (e >= 0)
		leader[e] = fstart[e] = 1;
	for (size_t i = 0; i < ec->nsyms; i++) {
		long k = find_insn(p, ec->syms[i]);
		if (k >= 0)
			leader[k] = fstart[k] = 1;
	}
	for (size_t i = 0; i < p->ninsns; i++) {
		const rv_insn *in = &p->insns[i].in;
		if (ends_block(in->op) && i + 1 < p->ninsns)
			leader[i + 1] = 1;
		if (i + 1 < p->ninsns && (in->op == RV_OP_JAL || in->op == RV_OP_JALR) && in->rd)
			leader[i + 1] = 1, entry[i + 1] |= ENTRY_KEEP;
		else if (i + 1 < p->ninsns && (in->op == RV_OP_ECALL || !lift_supports(in->op)))
			leader[i + 1] = 1, entry[i + 1] |= ENTRY_OUTSIDE_LOOPS;
		if (in->op == RV_OP_JALR)
			p->indirect++;
		if (is_branch(in->op) || in->op == RV_OP_JAL) {
			long k = find_insn(p, p->insns[i].pc + (uint64_t)(int64_t)in->imm);
			if (k >= 0) {
				leader[k] = 1;
				if (in->op == RV_OP_JAL && in->rd != 0)
					fstart[k] = 1;
			}
		}
	}

	/* Blocks, then functions over them. */
	size_t nb = 0;
	for (size_t i = 0; i < p->ninsns; i++)
		nb += leader[i];
	p->blocks = calloc(nb ? nb : 1, sizeof *p->blocks);
	p->funcs = calloc(nb ? nb : 1, sizeof *p->funcs);
	if (!p->blocks || !p->funcs)
		goto oom;
	for (size_t i = 0; i < p->ninsns; i++) {
		if (leader[i]) {
			if (fstart[i] || !p->nfuncs ||
			    p->funcs[p->nfuncs - 1].nblocks >= MAX_FUNC_BLOCKS) {
				p->funcs[p->nfuncs].first_block = (uint32_t)p->nblocks;
				p->nfuncs++;
			}
			struct func *f = &p->funcs[p->nfuncs - 1];
			p->blocks[p->nblocks] = (struct block){
				.first = (uint32_t)i, .n = 0, .func = (uint32_t)(p->nfuncs - 1),
				.index = f->nblocks, .entry = f->nblocks == 0 ? ENTRY_KEEP : entry[i],
			};
			f->nblocks++;
			p->nblocks++;
		}
		p->blocks[p->nblocks - 1].n++;
	}
	/* Targets in another function (tail calls). */
	for (size_t bi = 0; bi < p->nblocks; bi++) {
		const struct block *b = &p->blocks[bi];
		const struct insn *last = &p->insns[b->first + b->n - 1];
		if (!is_branch(last->in.op) && last->in.op != RV_OP_JAL)
			continue;
		struct block *tb = (struct block *)cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
		if (tb && tb->func != b->func)
			tb->entry |= ENTRY_KEEP;
	}
	/* Loop headers in, the other entries inside loops out. */
	if (mark_loops(p) < 0)
		goto oom;
	for (size_t bi = 0; bi < p->nblocks; bi++)
		p->nentries += p->blocks[bi].entry != 0;
	free(leader);
	free(fstart);
	free(entry);
	return 0;
oom:
	free(leader);
	free(fstart);
	free(entry);
	snprintf(err, cap, "%s: out of memory", ec->path);
	return -1;
}

void cfg_free(struct program *p)
{
	free(p->insns);
	free(p->blocks);
	free(p->funcs);
	memset(p, 0, sizeof *p);
}
