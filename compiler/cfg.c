/* Code discovery: every executable byte is decoded (linear sweep, with the
 * shared decoder), not only what is reachable from the entry, since the
 * dynamic linker calls exported functions and PLT stubs from outside.
 *
 * Block leaders: the start of each range, the entry, every function
 * symbol, every direct branch and jal target, and the instruction after
 * anything that transfers control or leaves compiled code (a branch, jal,
 * jalr, ecall). Functions start at the entry, at symbols and code pointers
 * in the data (elf_code.c), at code addresses taken (auipc; addi), at jal
 * targets with a link register (calls) and at each range; a function runs to the
 * next start, and one is cut every MAX_FUNC_BLOCKS blocks (V8 compiles
 * huge function bodies slowly and refuses them past ~7.6 MB).
 *
 * Jump tables (jump_tables.c): a jr's targets, when its table can be
 * read; they start blocks too.
 *
 * Entries, where the runtime may start compiled code: function starts,
 * return addresses (after a jal or jalr that links), direct targets in
 * another function (tail calls), loop headers, and the instruction after
 * an ecall or after anything left to the interpreter. Compiled code checks
 * the budget at entries only: every cycle passes one, and a slice that
 * ends there resumes there. Elsewhere (the target of an unresolved jr,
 * say) the runtime interprets until it reaches one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv2wasm.h"

#define MAX_FUNC_BLOCKS 2000

int cfg_is_branch(int op)
{
	return op == RV_OP_BEQ || op == RV_OP_BNE || op == RV_OP_BLT || op == RV_OP_BGE ||
	       op == RV_OP_BLTU || op == RV_OP_BGEU;
}

int cfg_jalr_calls(const rv_insn *in)
{
	return in->op == RV_OP_JALR && (in->rd == 1 || in->rd == 5);
}

/* Ends a block: control goes elsewhere, or to the runtime. */
static int ends_block(int op)
{
	return cfg_is_branch(op) || op == RV_OP_JAL || op == RV_OP_JALR || op == RV_OP_ECALL ||
	       op == RV_OP_EBREAK || op == RV_OP_FENCE_I || op == RV_OP_ILLEGAL;
}

long cfg_find_insn(const struct program *p, uint64_t pc)
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
	long i = cfg_find_insn(p, pc);
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

/* Successors of block k within its function f: the blocks its lifted code
 * may go on to (a call goes on at the return address; a jr through a jump
 * table to its targets); their count, and them in out unless it is NULL. */
static uint32_t successors(const struct program *p, const struct func *f, uint32_t k, uint32_t *out)
{
	const struct block *b = &p->blocks[f->first_block + k];
	const struct insn *last = &p->insns[b->first + b->n - 1];
	int op = last->in.op;
	uint32_t n = 0;
	if (op == RV_OP_JALR && !last->in.rd) {
		const struct jump_table *jt = cfg_jump_table(p, b->first + b->n - 1);
		for (uint32_t i = 0; jt && i < jt->n; i++) {
			const struct block *tb = cfg_block_at(p, p->jt_targets[jt->first + i]);
			if (tb && tb->func == b->func) {
				if (out)
					out[n] = tb->index;
				n++;
			}
		}
		return n;
	}
	if (op == RV_OP_ECALL || !lift_supports(op) || (op == RV_OP_JALR && !cfg_jalr_calls(&last->in)))
		return 0; /* (a jalr that calls goes on at the return address) */
	uint32_t taken = UINT32_MAX;
	if (cfg_is_branch(op) || (op == RV_OP_JAL && !last->in.rd)) {
		const struct block *tb = cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
		if (tb && tb->func == b->func) {
			taken = tb->index;
			if (out)
				out[n] = taken;
			n++;
		}
		if (op == RV_OP_JAL)
			return n;
	}
	if (k + 1 < f->nblocks &&
	    p->insns[p->blocks[f->first_block + k + 1].first].pc == last->pc + last->in.len &&
	    taken != k + 1) {
		if (out)
			out[n] = k + 1;
		n++;
	}
	return n;
}

/* The loops of function fi (struct loop_nest). A depth-first walk from
 * the start (then from whatever it did not reach) marks the target of
 * every retreating edge a loop header; a loop's body is what reaches one
 * of its retreating edges backwards without passing the header. For a
 * rotated loop, `j cond; body: ...; cond: ...; bnez body`, the header is
 * cond, which the preheader enters too: the backward branch's target,
 * body, would be a second way in. Loops are nested by size: a block's
 * loop is the smallest that holds it. (Irreducible code gives some nest
 * all the same; lift.c's use of it is correct for any.) */
int cfg_loops(const struct program *p, uint32_t fi, struct loop_nest *ln)
{
	const struct func *f = &p->funcs[fi];
	uint32_t nb = f->nblocks;
	/* successors of k: succ[sstart[k] .. sstart[k + 1]) */
	uint32_t *sstart = malloc((nb + 1) * sizeof *sstart);
	size_t ne = 0;
	for (uint32_t k = 0; sstart && k < nb; k++) {
		sstart[k] = (uint32_t)ne;
		ne += successors(p, f, k, NULL);
	}
	uint32_t *succ = malloc((ne + 1) * sizeof *succ);
	uint32_t *stack = malloc(nb * sizeof *stack), *next = malloc(nb * sizeof *next);
	uint32_t *work = malloc(nb * sizeof *work), *mark = calloc(nb, sizeof *mark);
	uint32_t *reach = calloc(nb, sizeof *reach);
	uint32_t *pstart = malloc((nb + 1) * sizeof *pstart), *pred = malloc((ne + 1) * sizeof *pred);
	uint32_t *back = malloc(2 * (ne + 1) * sizeof *back), *size = calloc(nb, sizeof *size);
	uint32_t *order = malloc(nb * sizeof *order);
	uint8_t *state = calloc(nb, 1); /* 0 new, 1 on the stack, 2 done */
	ln->loop_of = malloc(nb * sizeof *ln->loop_of);
	ln->parent = malloc(nb * sizeof *ln->parent);
	ln->inner = calloc(nb, 1);
	int ok = sstart && succ && stack && next && work && mark && reach && pstart && pred && back &&
		 size && order && state && ln->loop_of && ln->parent && ln->inner;
	uint32_t nback = 0, nloops = 0;
	if (!ok)
		goto out;
	sstart[nb] = (uint32_t)ne;
	for (uint32_t k = 0; k < nb; k++) {
		successors(p, f, k, succ + sstart[k]);
		ln->loop_of[k] = ln->parent[k] = -1;
	}
#define NSUCC(k) (sstart[(k) + 1] - sstart[k])
	/* predecessors, pred[pstart[k] .. pstart[k + 1]) */
	memset(pstart, 0, (nb + 1) * sizeof *pstart);
	for (uint32_t k = 0; k < nb; k++)
		for (uint32_t j = 0; j < NSUCC(k); j++)
			pstart[succ[sstart[k] + j] + 1]++;
	for (uint32_t k = 0; k < nb; k++)
		pstart[k + 1] += pstart[k];
	for (uint32_t k = 0; k < nb; k++)
		for (uint32_t j = 0; j < NSUCC(k); j++)
			pred[pstart[succ[sstart[k] + j]]++] = k;
	for (uint32_t k = nb; k > 0; k--) /* (the fill moved each start to the next) */
		pstart[k] = pstart[k - 1];
	pstart[0] = 0;
	/* The retreating edges, back[2i] -> back[2i + 1]. */
	for (uint32_t root = 0; root < nb; root++) {
		if (state[root])
			continue;
		uint32_t sp = 0;
		stack[sp] = root;
		next[sp++] = 0;
		state[root] = 1;
		while (sp) {
			uint32_t k = stack[sp - 1];
			if (next[sp - 1] == NSUCC(k)) {
				state[k] = 2;
				sp--;
				continue;
			}
			uint32_t t = succ[sstart[k] + next[sp - 1]++];
			if (state[t] == 1) {
				back[2 * nback] = k;
				back[2 * nback++ + 1] = t;
			} else if (!state[t]) {
				stack[sp] = t;
				next[sp++] = 0;
				state[t] = 1;
			}
		}
	}
	/* Each header's body: a walk up the predecessors from its retreating
	 * edges' sources, stopped at the header, through blocks the header
	 * reaches (in irreducible code the walk would otherwise leave the loop
	 * by another way in, up to the function's start); first to size the
	 * loops, then (largest first, so the innermost is written last) to
	 * nest them. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < (pass ? nloops : nb); i++) {
			uint32_t t = pass ? order[i] : i;
			uint32_t nw = 0, stamp = pass * nb + t + 1, n = 1;
			/* reach[u] == stamp: t reaches u (stack: the worklist) */
			uint32_t sp = 0;
			reach[t] = stamp;
			stack[sp++] = t;
			while (sp) {
				uint32_t u = stack[--sp];
				for (uint32_t j = sstart[u]; j < sstart[u + 1]; j++)
					if (reach[succ[j]] != stamp)
						reach[succ[j]] = stamp, stack[sp++] = succ[j];
			}
			mark[t] = stamp;
			for (uint32_t e = 0; e < nback; e++)
				if (back[2 * e + 1] == t && mark[back[2 * e]] != stamp)
					mark[back[2 * e]] = stamp, work[nw++] = back[2 * e], n++;
			if (!pass && !nw) {
				int self = 0; /* a one-block loop */
				for (uint32_t e = 0; e < nback; e++)
					self |= back[2 * e] == t && back[2 * e + 1] == t;
				if (!self)
					continue;
			}
			if (pass) {
				ln->parent[t] = ln->loop_of[t];
				ln->loop_of[t] = (int32_t)t;
			}
			while (nw) {
				uint32_t u = work[--nw];
				if (pass)
					ln->loop_of[u] = (int32_t)t;
				for (uint32_t j = pstart[u]; j < pstart[u + 1]; j++)
					if (mark[pred[j]] != stamp && reach[pred[j]] == stamp)
						mark[pred[j]] = stamp, work[nw++] = pred[j], n++;
			}
			if (!pass) {
				size[t] = n;
				order[nloops++] = t;
			}
		}
		/* largest first (insertion sort: a function has few loops) */
		for (uint32_t i = 1; !pass && i < nloops; i++)
			for (uint32_t j = i; j > 0 && size[order[j - 1]] < size[order[j]]; j--) {
				uint32_t x = order[j];
				order[j] = order[j - 1];
				order[j - 1] = x;
			}
	}
	for (uint32_t k = 0; k < nb; k++)
		for (uint32_t j = sstart[k]; j < sstart[k + 1]; j++)
			if (cfg_entered_inside(ln, k, succ[j]) >= 0)
				ln->inner[succ[j]] = 1;
out:
#undef NSUCC
	free(sstart);
	free(succ);
	free(stack);
	free(next);
	free(work);
	free(mark);
	free(reach);
	free(pstart);
	free(pred);
	free(back);
	free(size);
	free(order);
	free(state);
	if (!ok)
		cfg_loops_free(ln);
	return ok ? 0 : -1;
}

void cfg_loops_free(struct loop_nest *ln)
{
	free(ln->loop_of);
	free(ln->parent);
	free(ln->inner);
	ln->loop_of = ln->parent = NULL;
	ln->inner = NULL;
}

/* Whether loop l holds block k. */
static int holds(const struct loop_nest *ln, int32_t l, uint32_t k)
{
	for (int32_t m = ln->loop_of[k]; m >= 0; m = ln->parent[m])
		if (m == l)
			return 1;
	return 0;
}

int32_t cfg_entered_inside(const struct loop_nest *ln, uint32_t k, uint32_t t)
{
	int32_t out = -1;
	for (int32_t l = ln->loop_of[t]; l >= 0 && !holds(ln, l, k); l = ln->parent[l])
		if (l != (int32_t)t)
			out = l;
	return out;
}

/* Loop headers are entries: every cycle passes one, where compiled code
 * checks the budget. */
static int mark_loops(struct program *p)
{
	for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
		struct loop_nest ln;
		if (cfg_loops(p, fi, &ln) < 0)
			return -1;
		struct block *bl = &p->blocks[p->funcs[fi].first_block];
		for (uint32_t k = 0; k < p->funcs[fi].nblocks; k++)
			if (ln.loop_of[k] == (int32_t)k)
				bl[k].entry = 1;
		cfg_loops_free(&ln);
	}
	return 0;
}

int cfg_build(const struct elf_code *ec, struct program *p, char *err, size_t cap)
{
	memset(p, 0, sizeof *p);
	p->is_dyn = ec->is_dyn;
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
		if (range_first[r] < p->ninsns) {
			leader[range_first[r]] = 1;
			fstart[range_first[r]] = FS_SURE;
		}
	free(range_first);
	long e = cfg_find_insn(p, ec->entry);
	if (e >= 0) {
		leader[e] = 1;
		fstart[e] = FS_SURE;
	}
	for (size_t i = 0; i < ec->nsyms + ec->nptrs; i++) {
		int sym = i < ec->nsyms;
		long k = cfg_find_insn(p, sym ? ec->syms[i] : ec->ptrs[i - ec->nsyms]);
		if (k >= 0) {
			leader[k] = 1;
			fstart[k] |= sym ? FS_SURE : FS_GUESS;
		}
	}
	for (size_t i = 0; i < p->ninsns; i++) {
		const rv_insn *in = &p->insns[i].in;
		if (ends_block(in->op) && i + 1 < p->ninsns)
			leader[i + 1] = 1;
		if (i + 1 < p->ninsns && (in->op == RV_OP_JAL || in->op == RV_OP_JALR) && in->rd)
			leader[i + 1] = entry[i + 1] = 1;
		else if (i + 1 < p->ninsns && (in->op == RV_OP_ECALL || !lift_supports(in->op)))
			leader[i + 1] = entry[i + 1] = 1;
		if (in->op == RV_OP_JALR)
			p->indirect++;
		/* A code address taken (auipc; addi: a callback passed on,
		 * say) is called through a register: a function start, an
		 * entry the runtime's lookup finds. */
		if (in->op == RV_OP_AUIPC && in->rd && i + 1 < p->ninsns &&
		    p->insns[i + 1].in.op == RV_OP_ADDI && p->insns[i + 1].in.rs1 == in->rd) {
			long k = cfg_find_insn(p, p->insns[i].pc + (uint64_t)(int64_t)in->imm +
						   (uint64_t)(int64_t)p->insns[i + 1].in.imm);
			if (k >= 0) {
				leader[k] = 1;
				fstart[k] |= FS_GUESS;
			}
		}
		if (cfg_is_branch(in->op) || in->op == RV_OP_JAL) {
			long k = cfg_find_insn(p, p->insns[i].pc + (uint64_t)(int64_t)in->imm);
			if (k >= 0) {
				leader[k] = 1;
				if (in->op == RV_OP_JAL && in->rd != 0)
					fstart[k] |= FS_SURE;
			}
		}
	}

	/* Jump tables: their targets start blocks. */
	uint32_t *fn = malloc((p->ninsns + 1) * sizeof *fn);
	uint32_t *sure_fn = malloc((p->ninsns + 1) * sizeof *sure_fn);
	if (!fn || !sure_fn) {
		free(fn);
		free(sure_fn);
		goto oom;
	}
	for (size_t i = 0, n = 0, m = 0; i < p->ninsns; i++) {
		fn[i] = (uint32_t)(n += fstart[i] != 0);
		sure_fn[i] = (uint32_t)(m += (fstart[i] & FS_SURE) != 0);
	}
	int jt = cfg_jump_tables(p, ec, leader, entry, fstart, fn, sure_fn);
	free(fn);
	free(sure_fn);
	if (jt < 0)
		goto oom;

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
				.index = f->nblocks, .entry = f->nblocks == 0 ? 1 : entry[i],
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
		if (!cfg_is_branch(last->in.op) && last->in.op != RV_OP_JAL)
			continue;
		struct block *tb = (struct block *)cfg_block_at(p, last->pc + (uint64_t)(int64_t)last->in.imm);
		if (tb && tb->func != b->func)
			tb->entry = 1;
	}
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
	free(p->jtabs);
	free(p->jt_targets);
	free(p->insns);
	free(p->blocks);
	free(p->funcs);
	memset(p, 0, sizeof *p);
}
