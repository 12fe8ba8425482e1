/* Running ahead-of-time compiled code (see aot.h, docs/COMPILER.md).
 *
 * An address space (rv_mem) keeps a list of the compiled modules mapped in
 * it, each with its guest range and load bias. aot_run looks the pc up:
 * at a module's entry it calls the module, which runs until it leaves its
 * code (NEXT: look up again), reaches an ecall, the budget, or something
 * it leaves to the interpreter (INTERP: interpret, one instruction at a
 * time, until the pc is an entry again). instret stays exact; compiled
 * code checks the budget at its entries only, so a slice may end a few
 * instructions late. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aot.h"
#include <elf.h>
#include "rv_fpu.h"
#include "rv_isa.h"

/* A module: its host handle and its entry table, a hash of link-time pc
 * -> (function, block). Modules are kept for the life of the runtime (one
 * per distinct ELF), whoever maps them. */
struct aot_module {
	int handle;
	size_t cap;              /* power of two */
	uint64_t *pc;            /* 0: empty slot (no code lives at 0) */
	uint32_t *func, *block;  /* block: its index | KEEPS if its function keeps
				    the ABI's callee-saved registers (compiler/lift.c's
				    KEPT: a call through a pointer need not store or
				    reload them) */
};

#define KEEPS (1u << 31)

static struct aot_module **modules;
static size_t nmodules;

struct aot_map {
	uint64_t start, end;     /* guest range */
	uint64_t bias;
	struct aot_module *mod;
};

/* env.far's cache of the calls it made (a PLT call goes to the same few
 * places again and again): pc -> its map (an index), function and block.
 * Emptied whenever the maps change. */
#define FAR_CACHE 64
struct far_slot {
	uint64_t pc;             /* 0: empty */
	uint32_t map, func, block;
};

struct aot_space {
	struct aot_map *map;
	size_t n, cap;
	struct far_slot far[FAR_CACHE];
};

static size_t hash_pc(uint64_t pc, size_t cap)
{
	return (size_t)((pc >> 1) * 0x9e3779b97f4a7c15ULL >> 20) & (cap - 1);
}

/* The entry at pc: 1 with its function and block (and KEEPS), or 0. */
static int module_lookup(const struct aot_module *mod, uint64_t pc, uint32_t *func,
			 uint32_t *block)
{
	for (size_t i = hash_pc(pc, mod->cap);; i = (i + 1) & (mod->cap - 1)) {
		if (mod->pc[i] == pc) {
			*func = mod->func[i];
			*block = mod->block[i];
			return 1;
		}
		if (!mod->pc[i])
			return 0;
	}
}

/* A ULEB128 at *s, before end: 0, or -1 if it runs past end or 64 bits. */
static int uleb(const uint8_t **s, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	for (unsigned shift = 0; shift < 64 && *s < end; shift += 7) {
		uint8_t b = *(*s)++;
		r |= (uint64_t)(b & 127) << shift;
		if (!(b & 128)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

/* The module for a host handle, reading its entry table (compiler/lift.c
 * writes it) the first time. */
static struct aot_module *module_for(rt *r, int handle)
{
	for (size_t i = 0; i < nmodules; i++)
		if (modules[i]->handle == handle)
			return modules[i];
	uint8_t *sec = NULL;
	size_t len = 0;
	if (!r->host.aot_entries || r->host.aot_entries(handle, &sec, &len) < 0 || len < 4) {
		free(sec);
		return NULL;
	}
	struct aot_module *mod = NULL;
	uint32_t n;
	memcpy(&n, sec, 4);
	if ((len - 4) / 3 < n) /* (an entry takes 3 bytes at least) */
		goto corrupt;
	mod = calloc(1, sizeof *mod);
	struct aot_module **v = realloc(modules, (nmodules + 1) * sizeof *v);
	size_t cap = 16;
	while (cap < 2 * (size_t)n + 2)
		cap *= 2;
	if (mod) {
		mod->cap = cap;
		mod->pc = calloc(cap, sizeof *mod->pc);
		mod->func = calloc(cap, sizeof *mod->func);
		mod->block = calloc(cap, sizeof *mod->block);
	}
	if (v)
		modules = v;
	if (!v || !mod || !mod->pc || !mod->func || !mod->block)
		goto fail;
	mod->handle = handle;
	const uint8_t *at = sec + 4, *end = sec + len;
	uint64_t pc = 0, f = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t dpc, df, b;
		if (uleb(&at, end, &dpc) < 0 || uleb(&at, end, &df) < 0 || uleb(&at, end, &b) < 0 ||
		    b > UINT32_MAX || df > UINT32_MAX || (f += df) > UINT32_MAX || dpc > UINT64_MAX / 4)
			goto corrupt;
		pc += 2 * dpc;
		if (!pc)
			continue;
		size_t i = hash_pc(pc, cap);
		while (mod->pc[i] && mod->pc[i] != pc)
			i = (i + 1) & (cap - 1);
		mod->pc[i] = pc;
		mod->func[i] = f;
		mod->block[i] = (uint32_t)(b >> 1) | (b & 1 ? KEEPS : 0); /* (2 * block + keeps) */
	}
	free(sec);
	modules[nmodules++] = mod;
	return mod;
corrupt:
	rt_logf(r, "compiled module %d: corrupt entry table, not used", handle);
fail:
	if (mod) {
		free(mod->pc);
		free(mod->func);
		free(mod->block);
	}
	free(mod);
	free(sec);
	return NULL;
}

/* ---- the space's list of mapped modules ---- */

static void space_free(void *p)
{
	struct aot_space *sp = p;
	if (sp)
		free(sp->map);
	free(sp);
}

static void *space_clone(const void *p)
{
	const struct aot_space *sp = p;
	struct aot_space *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	if (sp->n) {
		c->map = malloc(sp->n * sizeof *c->map);
		if (!c->map) {
			free(c);
			return NULL;
		}
		memcpy(c->map, sp->map, sp->n * sizeof *c->map);
		c->n = c->cap = sp->n;
	}
	return c;
}

/* Room for one more map; 0, or -1 (out of memory). */
static int space_grow(struct aot_space *sp)
{
	if (sp->n < sp->cap)
		return 0;
	size_t cap = sp->cap ? sp->cap * 2 : 4;
	struct aot_map *v = realloc(sp->map, cap * sizeof *v);
	if (!v)
		return -1;
	sp->map = v;
	sp->cap = cap;
	return 0;
}

/* What lies outside [start, end) of a map is as it was, and keeps its
 * module: ld.so maps a library's whole span with its text's protection,
 * then maps its data over part of it and takes the rest away (the text
 * stays). A map cut in two takes a second entry; without room for one,
 * it goes (its code is interpreted). */
void aot_unmap(rv_mem *m, uint64_t start, uint64_t end)
{
	struct aot_space *sp = m->aot;
	if (!sp)
		return;
	memset(sp->far, 0, sizeof sp->far);
	size_t n = sp->n, k = 0;
	for (size_t i = 0; i < n; i++) {
		struct aot_map a = sp->map[i];
		if (a.end <= start || a.start >= end) {
			sp->map[k++] = a;
			continue;
		}
		if (a.start < start && a.end > end && space_grow(sp) == 0) {
			sp->map[sp->n++] = (struct aot_map){ end, a.end, a.bias, a.mod };
			a.end = start;
		} else if (a.start < start) {
			a.end = start;
		} else if (a.end > end) {
			a.start = end;
		} else {
			continue;
		}
		sp->map[k++] = a;
	}
	/* (the second halves, appended after the first n) */
	memmove(sp->map + k, sp->map + n, (sp->n - n) * sizeof *sp->map);
	sp->n = k + (sp->n - n);
}

void aot_map(rt *r, rv_mem *m, uint64_t start, uint64_t end, uint64_t off,
	     const uint8_t *elf, size_t len)
{
	if (!r->host.aot_lookup || !r->host.aot_call || r->opt.no_aot)
		return;
	/* Which executable segment the mapping shows gives the bias. */
	if (len < sizeof(Elf64_Ehdr) || memcmp(elf, "\177ELF", 4) || elf[4] != ELFCLASS64)
		return;
	Elf64_Ehdr eh;
	memcpy(&eh, elf, sizeof eh);
	if (eh.e_machine != EM_RISCV || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > len || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > len - eh.e_phoff)
		return;
	int found = 0;
	uint64_t bias = 0;
	for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, elf + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		/* The segment's bytes [p_offset, +filesz) in this mapping? */
		if (ph.p_offset + ph.p_filesz <= off || ph.p_offset >= off + (end - start))
			continue;
		bias = start - off + ph.p_offset - ph.p_vaddr;
		found = 1;
	}
	/* (an ET_EXEC's module has its link addresses built in) */
	if (!found || (eh.e_type == ET_EXEC && bias))
		return;
	int handle = r->host.aot_lookup(elf, len);
	if (handle <= 0)
		return;
	struct aot_module *mod = module_for(r, handle);
	if (!mod)
		return;
	struct aot_space *sp = m->aot;
	if (!sp) {
		sp = calloc(1, sizeof *sp);
		if (!sp)
			return;
		m->aot = sp;
		m->aot_free = space_free;
		m->aot_clone = space_clone;
	}
	aot_unmap(m, start, end); /* (and empties the far cache) */
	if (space_grow(sp) < 0)
		return;
	sp->map[sp->n++] = (struct aot_map){ start, end, bias, mod };
}

/* The compiled entry at pc: 1 with its map, function and block; 0 if pc is
 * in compiled code but not at an entry; -1 if no module covers pc. */
static int find_entry(const struct aot_space *sp, uint64_t pc, const struct aot_map **mp,
		      uint32_t *func, uint32_t *block)
{
	for (size_t i = 0; i < sp->n; i++) {
		const struct aot_map *a = &sp->map[i];
		if (pc < a->start || pc >= a->end)
			continue;
		*mp = a;
		if (!module_lookup(a->mod, pc - a->bias, func, block))
			return 0;
		*block &= ~KEEPS;
		return 1;
	}
	return -1;
}

int64_t aot_lookup(struct aot_ctx *ctx, uint64_t pc)
{
	const struct aot_map *a = (const struct aot_map *)(uintptr_t)ctx->map;
	uint32_t func, block;
	if (pc < a->start || pc >= a->end || !module_lookup(a->mod, pc - a->bias, &func, &block))
		return -1;
	/* (bit 62: KEEPS) */
	return (int64_t)((uint64_t)(block & KEEPS) << 31 | (uint64_t)(block & ~KEEPS) << 32 | func);
}

/* Calls from one module into another nested at most this deep (on the
 * same host stack: the callee's frames count on from the caller's, so
 * the depth budget bounds the host stack, not this). A C++ throw from a
 * program nests five (libstdc++, libgcc_s's unwinder, the personality
 * routine, the unwinder's accessors, libc); with 4, a dynamic program's
 * 200 throws entered compiled code 2174 times, 1862 with 16. */
#define MAX_FAR_NEST 16
/* The host stack this function and the call into the module take, counted
 * with the compiled frames' estimates (compiler/lift.c's STACK_BUDGET). */
#define FAR_COST 1024

int aot_far(struct aot_ctx *ctx, uint64_t pc, uint32_t depth)
{
	rt *r = (rt *)(uintptr_t)ctx->rt;
	struct aot_space *sp = ((rv_mem *)(uintptr_t)ctx->mem)->aot;
	if (ctx->far >= MAX_FAR_NEST || !sp)
		return -1;
	struct far_slot *s = &sp->far[(pc >> 1) & (FAR_CACHE - 1)];
	if (s->pc != pc) {
		const struct aot_map *m = NULL;
		uint32_t func, block;
		if (!pc || find_entry(sp, pc, &m, &func, &block) != 1)
			return -1;
		*s = (struct far_slot){ pc, (uint32_t)(m - sp->map), func, block };
	}
	const struct aot_map *mp = &sp->map[s->map];
	uint32_t func = s->func, block = s->block;
	uint64_t bias = ctx->bias, start = ctx->start, end = ctx->end;
	uint32_t map = ctx->map;
	ctx->bias = mp->bias;
	ctx->map = (uint32_t)(uintptr_t)mp;
	ctx->start = mp->start;
	ctx->end = mp->end;
	uint32_t depth0 = ctx->depth;
	ctx->far++;
	ctx->depth = depth + FAR_COST;
	int why = r->host.aot_call(mp->mod->handle, ctx, func, block);
	ctx->depth = depth0;
	ctx->far--;
	ctx->bias = bias;
	ctx->map = map;
	ctx->start = start;
	ctx->end = end;
	return why;
}

int aot_step(struct aot_ctx *ctx)
{
	interp_stop st;
	((rv_cpu *)(uintptr_t)ctx->cpu)->instret = ctx->limit - (uint64_t)ctx->left;
	interp_run((rv_cpu *)(uintptr_t)ctx->cpu, (rv_mem *)(uintptr_t)ctx->mem, 1, &st);
	if (st.why != INTERP_BUDGET)
		return 1; /* not retired (state unchanged): the interpreter raises it at top level */
	ctx->steps++;
	return 0;
}

int aot_fpu(struct aot_ctx *ctx, uint32_t op, uint32_t regs)
{
	rv_cpu *c = (rv_cpu *)(uintptr_t)ctx->cpu;
	uint64_t *f = c->f, *x = c->x;
	unsigned rd = regs & 31, rs1 = regs >> 5 & 31, rs2 = regs >> 10 & 31, rs3 = regs >> 15 & 31;
	int rm = regs >> 20 & 7;
	uint32_t *fl = &c->fcsr;
	if (rm == RV_DYN)
		rm = (c->fcsr >> 5) & 7;
#define RM() if (rm > RV_RMM) return 1
#define SET_X(v) do { uint64_t v_ = (v); if (rd) x[rd] = v_; } while (0)
#define FP3(fn) RM(); f[rd] = fn(f[rs1], f[rs2], f[rs3], rm, fl)
#define FP2(fn) RM(); f[rd] = fn(f[rs1], f[rs2], rm, fl)
#define FP1(fn) RM(); f[rd] = fn(f[rs1], rm, fl)
#define FCVT_X(fn) RM(); SET_X(fn(f[rs1], rm, fl))
#define FCVT_F(fn) RM(); f[rd] = fn(x[rs1], rm, fl)
#define FSGN(fn) f[rd] = fn(f[rs1], f[rs2])
#define FMM(fn) f[rd] = fn(f[rs1], f[rs2], fl)
#define FCMP(fn) SET_X(fn(f[rs1], f[rs2], fl))
#define FCLASS(fn) SET_X(fn(f[rs1]))
#define CASE(name, shape, fn) case RV_OP_##name: { shape(fn); return 0; }
	switch (op) {
	RV_FPU_OPS(CASE)
	}
	return 1;
#undef CASE
#undef RM
#undef SET_X
#undef FP3
#undef FP2
#undef FP1
#undef FCVT_X
#undef FCVT_F
#undef FSGN
#undef FMM
#undef FCMP
#undef FCLASS
}

/* How far to interpret outside compiled code before looking again. */
#define OUTSIDE_STEP 256

void aot_run(rt *r, rt_thread *t, uint64_t budget, interp_stop *st)
{
	rv_cpu *c = &t->cpu;
	rv_mem *m = t->proc->mem;
	const struct aot_space *sp = m->aot;
	uint64_t start = c->instret;
	if (!sp || !sp->n) {
		interp_run(c, m, budget, st);
		r->interp_insns += c->instret - start;
		return;
	}
	uint64_t limit = start + budget;
	struct aot_ctx ctx = {
		.cpu = (uint32_t)(uintptr_t)c, .base = (uint32_t)(uintptr_t)m->base,
		.pageprot = (uint32_t)(uintptr_t)m->pageprot, .size = m->size, .limit = limit,
		.mem = (uint32_t)(uintptr_t)m, .rt = (uint32_t)(uintptr_t)r,
	};
	for (;;) {
		if (c->instret >= limit) {
			st->why = INTERP_BUDGET;
			return;
		}
		const struct aot_map *mp = NULL;
		uint32_t func, block;
		int at = find_entry(sp, c->pc, &mp, &func, &block);
		if (at == 1) {
			ctx.bias = mp->bias;
			ctx.map = (uint32_t)(uintptr_t)mp;
			ctx.start = mp->start;
			ctx.end = mp->end;
			uint64_t before = c->instret;
			uint64_t entered = c->pc;
			ctx.left = (int64_t)(limit - before);
			int why = r->host.aot_call(mp->mod->handle, &ctx, func, block);
			c->instret = limit - (uint64_t)ctx.left;
			r->aot_insns += c->instret - before;
			r->aot_steps += ctx.steps;
			r->aot_entries++;
			ctx.steps = 0;
			if (r->opt.trace)
				rt_logf(r, "aot %llx..%llx: %llu instructions, %s", (unsigned long long)entered,
					(unsigned long long)c->pc, (unsigned long long)(c->instret - before),
					why == AOT_NEXT ? "next" : why == AOT_ECALL ? "ecall" :
					why == AOT_INTERP ? "interp" : "budget");
			if (why == AOT_NEXT)
				continue;
			if (why == AOT_ECALL) {
				st->why = INTERP_ECALL;
				return;
			}
			if (why == AOT_BUDGET) { /* at an entry: the next slice starts there */
				st->why = INTERP_BUDGET;
				return;
			}
			/* AOT_INTERP: interpret from this pc. */
		}
		uint64_t before = c->instret;
		uint64_t step = at < 0 ? OUTSIDE_STEP : 1;
		if (step > limit - c->instret)
			step = limit - c->instret;
		interp_run(c, m, step, st);
		r->interp_insns += c->instret - before;
		if (st->why != INTERP_BUDGET)
			return;
	}
}
