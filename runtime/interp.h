/* The RV64GC interpreter: runs guest code of one hart until something the
 * runtime must handle (a syscall, a fault) or the budget is spent. */
#ifndef INTERP_H
#define INTERP_H

#include <stdint.h>
#include "rv_cpu.h"
#include "mem.h"

enum interp_why {
	INTERP_BUDGET,   /* budget spent; cpu->pc is the next instruction */
	INTERP_ECALL,    /* cpu->pc is the ecall (the runtime advances it) */
	INTERP_EBREAK,   /* cpu->pc is the ebreak: SIGTRAP */
	INTERP_ILLEGAL,  /* cpu->pc is the instruction: SIGILL */
	INTERP_FAULT,    /* access to stop->addr faulted: SIGSEGV (or SIGBUS) */
};

typedef struct interp_stop {
	enum interp_why why;
	uint64_t addr;   /* faulting address (INTERP_FAULT) */
	int write;       /* the fault was a store (or an AMO) */
	int exec;        /* the fault was an instruction fetch */
	int bus;         /* misaligned atomic: SIGBUS rather than SIGSEGV */
} interp_stop;

/* Run at most `budget` instructions (at least one). With trace set, print pc
 * and changed registers at each block boundary through `log`.
 *
 * cpu->instret counts retired instructions exactly: an ecall, ebreak,
 * illegal instruction or faulting access has not retired when interp_run
 * returns (the runtime counts an ecall when it completes it, if it wants
 * to). Decoded code is cached in m->icache, shared by the threads of m;
 * mem_free releases it through m->icache_free, and a clone starts without
 * one. */
void interp_run(rv_cpu *cpu, rv_mem *m, uint64_t budget, interp_stop *stop);

/* Forget decoded code in [start, start+len): fence.i, riscv_flush_icache,
 * and any munmap/mmap/mprotect touching executable pages call this. */
void interp_flush(rv_mem *m, uint64_t start, uint64_t len);

/* Trace output hook (NULL = off). Set by the runtime for --trace. */
extern void (*interp_trace)(const rv_cpu *cpu);

/* Source of the `time` CSR (rdtime): 10 MHz ticks. Set by the runtime; NULL
 * makes rdtime read the instruction count. */
extern uint64_t (*interp_time_hook)(void);

#endif
