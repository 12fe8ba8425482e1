/* rv2wasm: RV64GC ELF -> WebAssembly, ahead of time (docs/COMPILER.md).
 *
 * Three phases, one file each (and a helper of the second):
 *   elf_code.c  what is executable in the ELF, its symbols and entry (libelf)
 *   cfg.c       decode it all with the shared decoder; blocks and functions
 *               (jump_tables.c: the targets of switch tables)
 *   lift.c      one wasm function per guest function (Binaryen), the
 *               module's dispatcher and its table of entry points */
#ifndef RV2WASM_H
#define RV2WASM_H

#include <stddef.h>
#include <stdint.h>
#include "rv_isa.h"

/* ---- the ELF (elf_code.c) ---- */

struct code_range {
	uint64_t vaddr;          /* link-time address */
	const uint8_t *bytes;    /* its bytes in the file image */
	uint64_t len;
};

struct elf_code {
	const char *path;
	uint8_t *image;          /* the whole file */
	size_t image_len;
	int is_dyn;              /* ET_DYN: loaded at a bias */
	uint64_t entry;
	struct code_range *ranges;   /* executable sections (or segments) */
	size_t nranges;
	uint64_t *syms;          /* function starts: symbols (sorted, unique) */
	size_t nsyms;
	uint64_t *ptrs;          /* code addresses relative relocations store: a
				    function's, or a label's (sorted, unique) */
	size_t nptrs;
	uint64_t exec_bytes;     /* sum of the ranges' lengths */
	struct code_range *ro;   /* read-only PT_LOAD segments (file bytes) */
	size_t nro;
	struct code_range *relro; /* PT_GNU_RELRO: read-only once relocated */
	size_t nrelro;
	struct reloc { uint64_t at, value; } *rel; /* R_RISCV_RELATIVE: the address
				    each stores at `at` (link-time), by at */
	size_t nrel, caprel;
};

/* 0, or -1 with a one-line message (naming the file) in err. */
int elf_code_read(const char *path, struct elf_code *ec, char *err, size_t cap);
void elf_code_free(struct elf_code *ec);
/* n bytes at link address vaddr in a read-only segment, or NULL. */
const uint8_t *elf_code_ro(const struct elf_code *ec, uint64_t vaddr, uint64_t n);
/* The code address a pointer in read-only data holds once the ELF is
 * loaded (link-time: a relative relocation's in an ET_DYN, the bytes
 * of a read-only or RELRO segment otherwise), in *v: 1, or 0. */
int elf_code_pointer(const struct elf_code *ec, uint64_t vaddr, uint64_t *v);

/* ---- blocks and functions (cfg.c) ---- */

struct insn {
	uint64_t pc;             /* link-time address */
	rv_insn in;
};

struct block {
	uint32_t first, n;       /* instructions [first, first + n) of the program */
	uint32_t func;           /* the function it belongs to */
	uint32_t index;          /* its index within the function */
	uint8_t entry;           /* 1: the runtime may enter here (the entry table) */
};

struct func {
	uint32_t first_block, nblocks;
};

/* A jump table proven from the code: the jr at insns[site] goes to one of
 * program.jt_targets[first, first + n) (link addresses, sorted, unique). */
#define JT_MAX_TARGETS 4096
struct jump_table {
	uint32_t site;
	uint32_t first, n;
};

struct program {
	int is_dyn;              /* ET_DYN: loaded at a bias (else at its link addresses) */
	struct insn *insns;      /* every decoded instruction, by address */
	size_t ninsns;
	struct block *blocks;
	size_t nblocks;
	struct func *funcs;
	size_t nfuncs;
	size_t nentries;         /* blocks with entry set */
	/* for --stats */
	size_t illegal;          /* words that do not decode (left to the interpreter) */
	size_t indirect;         /* jalr sites (exit to the runtime's lookup) */
	struct jump_table *jtabs; /* by site */
	size_t njtabs;
	uint64_t *jt_targets;
	size_t njt_targets;
	size_t ngotos;           /* jr sites through tables of label addresses or offsets */
	size_t ngoto_targets;    /* their targets, made entries */
	size_t ngoto_joined;     /* of those, code addresses taken that were
				    guessed function starts (FS_GUESS) */
};

/* Decode every range; split into blocks and functions. 0 or -1 (err). */
int cfg_build(const struct elf_code *ec, struct program *p, char *err, size_t cap);
void cfg_free(struct program *p);
/* Loops of one function, by block index within it. */
struct loop_nest {
	int32_t *loop_of;        /* the innermost loop holding block k (its header), or -1;
				    a header's is its own loop */
	int32_t *parent;         /* for a header: the loop around its loop, or -1 */
	uint8_t *inner;          /* block k is entered inside a loop, not at its header,
				    by an edge from outside it (irreducible code) */
};
int cfg_loops(const struct program *p, uint32_t fi, struct loop_nest *ln);
void cfg_loops_free(struct loop_nest *ln);
/* The outermost loop that the edge k -> t enters elsewhere than at its
 * header, or -1 (the edge is reducible). */
int32_t cfg_entered_inside(const struct loop_nest *ln, uint32_t k, uint32_t t);
/* A conditional branch (beq .. bgeu). */
int cfg_is_branch(int op);
/* A jalr that calls: its link register is ra or t0, the ISA's hint for a
 * call (a return-address push). Another (a PLT stub's `jalr t1, t3`,
 * whose t1 only tells the lazy resolver the stub) is a jump: what it
 * reaches returns to the stub's caller. */
int cfg_jalr_calls(const rv_insn *in);
/* Index of the instruction at pc, or -1 (binary search). */
long cfg_find_insn(const struct program *p, uint64_t pc);

/* ---- jump tables (jump_tables.c) ---- */

/* Function starts (cfg.c's fstart): FS_SURE from a symbol, the ELF's
 * entry or a call; FS_GUESS from a code address taken (a relocated
 * pointer, auipc+addi), which may be a label's as well as a function's. */
enum { FS_GUESS = 1, FS_SURE = 2 };
/* Find every jr's jump table whose entries all land on decoded
 * instructions of the jr's own function (fn: the function number of each
 * instruction): a switch's, into p->jtabs and p->jt_targets, its targets
 * made leaders; a computed goto's (its own function by sure_fn, the
 * numbering by FS_SURE starts only), its targets made leaders and
 * entries (the jr stays a jump through env.lookup), and no function
 * starts: their FS_GUESS cleared in fstart. 0, or -1 (out of memory). */
int cfg_jump_tables(struct program *p, const struct elf_code *ec, uint8_t *leader,
		    uint8_t *entry, uint8_t *fstart, const uint32_t *fn, const uint32_t *sure_fn);
/* The jump table of the jr at instruction index site, or NULL. */
const struct jump_table *cfg_jump_table(const struct program *p, uint32_t site);
/* The block starting at link address pc, or NULL. */
const struct block *cfg_block_at(const struct program *p, uint64_t pc);

/* ---- code generation (lift.c) ---- */

/* (every field a size_t count: lift.c's add_stats sums the lifters') */
struct lift_stats {
	size_t lifted;           /* instructions compiled */
	size_t to_interp;        /* instructions left to the interpreter */
	size_t stepped;          /* compiled as a call to env.step (the interpreter, in place) */
	size_t indirect_calls;   /* jalr with a link register: a wasm call when env.lookup finds
				    the target in the module */
	size_t near;             /* groups of accesses that first test for lying in one page
				    with a range checked before (a pointer stepping through
				    memory), and are checked in full only when not */
	size_t hoisted;          /* loop headers whose checks the ways into the loop make */
	size_t known;            /* accesses left unchecked: an earlier check covers them
				    (struct facts in lift.c) */
	size_t rechecked;        /* entries that check, on the runtime's way in, what their
				    block takes as known */
	size_t leaves;           /* functions whose start has no budget check (lift.c's is_leaf) */
	size_t by_block;         /* functions lifted by_block (lift.c's BY_BLOCK_MIN) */
	size_t keeps;            /* functions that keep the ABI's callee-saved registers
				    (lift.c's KEPT): calls through a pointer to them
				    store and reload none of those */
	size_t inner_entries;    /* blocks that edges enter loops at, not at their headers
				    (irreducible code: routed through the loop's dispatch) */
	size_t fp_runs, fp_run_ops; /* runs of double arithmetic lifted as one (lift.c's
				       emit_fp_batch), and their operations */
	size_t by_op[RV_OP_COUNT]; /* those, by operation */
};

/* The command's progress line (rv2wasm.c) reads this; lift_program
 * advances it per function. */
struct progress {
	_Atomic(const char *) phase;
	_Atomic size_t done, total;
};
extern struct progress progress;

/* Does the lifter compile this operation (else: exit to the interpreter)? */
int lift_supports(int op);

/* Build the module for p; NULL with a message in err on failure. The
 * module is a BinaryenModuleRef (void * here, not to spread binaryen-c.h). */
void *lift_program(const struct program *p, struct lift_stats *st, char *err, size_t cap);

#endif
