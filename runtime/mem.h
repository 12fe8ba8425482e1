/* Guest address space: one flat arena per process (DESIGN.md decision 4).
 *
 * Guest virtual address g lives at base + g. Every access the runtime makes
 * on the guest's behalf goes through these helpers, which confine it to the
 * arena; the interpreter uses mem_at() on its fast path. Pages below
 * MEM_LOW are never mapped, so a NULL dereference faults. Mappings are kept
 * as a sorted array of VMAs (what /proc/self/maps prints, what mprotect
 * splits, what the interpreter checks for execute permission).
 *
 * A file mapping made by mmap holds a copy of the file's bytes in the arena
 * and refers to the file (an opaque pointer here: mem.h knows nothing of the
 * VFS) so that sys_mem.c can keep the copies coherent with the file, and so
 * that pages wholly past the end of the file fault (SIGBUS, as on Linux). */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>
#include <stdint.h>

#define MEM_PAGE 4096ULL
#define MEM_LOW 0x10000ULL /* nothing is ever mapped below this */

enum { MEM_R = 1, MEM_W = 2, MEM_X = 4 }; /* = PROT_READ/WRITE/EXEC */
/* In pageprot only: the interpreter holds decoded code from this page, so
 * a store to it must go through the slow path that drops that code (this
 * is how self-modifying code works without fence.i, as qemu does it). */
#define MEM_CODE 8
/* In pageprot only: MEM_W and not MEM_CODE, kept so by set_prot and the
 * interpreter (who set and clear MEM_CODE): compiled code's store check is
 * one bit test (compiler/lift.c). */
#define MEM_ST 16

enum {
	VMA_ANON = 1 << 0,
	VMA_SHARED = 1 << 1,
	VMA_STACK = 1 << 2,
	VMA_HEAP = 1 << 3,
	VMA_GUARD = 1 << 4, /* reserved by PROT_NONE, still counts as mapped */
	/* File mappings only. WRITTEN: PROT_WRITE was granted at some time, so
	 * the pages may differ from the file (for a private mapping nothing
	 * tells which, so it no longer follows the file). NOWRITE: shared
	 * mapping of a descriptor not open for writing: mprotect may not add
	 * PROT_WRITE. */
	VMA_WRITTEN = 1 << 5,
	VMA_NOWRITE = 1 << 6,
};

typedef struct mem_vma {
	uint64_t start, end; /* [start, end), page aligned */
	uint32_t prot;       /* MEM_R | MEM_W | MEM_X */
	uint32_t flags;      /* VMA_* */
	uint64_t offset;     /* file offset, for /proc/self/maps */
	char *name;          /* file path, "[heap]", "[stack]", or NULL (owned) */
	void *file;          /* the mapped file (held via mem_file_ops), or NULL */
} mem_vma;

typedef struct rv_mem {
	uint8_t *base;       /* host address of guest address 0 */
	uint64_t size;       /* arena size; guest addresses are < size */
	uint8_t *pageprot;   /* per page: MEM_R|MEM_W|MEM_X|MEM_CODE|MEM_ST, 0 =
			      * unmapped; one more entry than pages, always 0 */
	mem_vma *vma;        /* sorted by start, non-overlapping */
	size_t nvma, cap;
	uint64_t brk_start, brk;  /* program break (heap VMA grows from brk_start) */
	uint64_t mmap_base;  /* mmap allocates top-down below this */
	uint64_t stack_top;
	int refs;            /* threads share one rv_mem */
	void *icache;        /* the interpreter's decoded-code cache (interp.c) */
	void (*icache_free)(void *icache); /* set by interp.c, called by mem_free */
	void *aot;           /* compiled modules mapped here (aot.c) */
	void (*aot_free)(void *aot);       /* set by aot.c: mem_free, mem_clone */
	void *(*aot_clone)(const void *aot);
	struct rv_mem *all_prev, *all_next; /* every live arena: mem_all */
} rv_mem;

/* Every live arena, of every process: a file's mappings may be in any. */
extern rv_mem *mem_all;

/* What mem.c needs from the owner of the files behind file mappings (the
 * runtime, sys_mem.c). Set before the first VMA with a file is made. */
struct mem_file_ops {
	/* A VMA starts (+1) or stops (-1) referring to file: on map, split,
	 * merge, clone, unmap and mem_free. */
	void (*hold)(void *file, int delta);
	/* v's bytes are about to leave the address space (munmap, a mapping
	 * over it, mem_free at exit or exec): store what a shared mapping
	 * changed. Called before the matching hold(-1). */
	void (*unmapping)(rv_mem *m, const mem_vma *v);
	uint64_t (*size)(const void *file);  /* the file's current size */
};
extern const struct mem_file_ops *mem_file_ops;

/* Create an arena of `size` bytes (power of two). NULL on failure. */
rv_mem *mem_new(uint64_t size);
void mem_free(rv_mem *m);
rv_mem *mem_clone(const rv_mem *m); /* for fork: copies mapped pages */

/* Host pointer for [g, g+n) if it lies inside the arena, else NULL.
 * Does not look at VMAs: this is the interpreter's fast path, and is what
 * keeps guest code from reaching outside the arena. */
static inline uint8_t *mem_at(const rv_mem *m, uint64_t g, uint64_t n)
{
	if (g < MEM_LOW || g > m->size - n)
		return NULL;
	return m->base + g;
}

/* The interpreter's checks, in full: inside the arena and the page(s)
 * mapped readable / writable without cached code. NULL: take the slow path
 * (a fault, or for stores perhaps a write to code: mem_store_code). */
static inline uint8_t *mem_load_ptr(const rv_mem *m, uint64_t g, uint64_t n)
{
	if (g < MEM_LOW || g > m->size - n)
		return NULL;
	if (!(m->pageprot[g / MEM_PAGE] & m->pageprot[(g + n - 1) / MEM_PAGE] & MEM_R))
		return NULL;
	return m->base + g;
}

static inline uint8_t *mem_store_ptr(const rv_mem *m, uint64_t g, uint64_t n)
{
	if (g < MEM_LOW || g > m->size - n)
		return NULL;
	if (((m->pageprot[g / MEM_PAGE] | m->pageprot[(g + n - 1) / MEM_PAGE]) &
	     MEM_CODE) ||
	    !(m->pageprot[g / MEM_PAGE] & m->pageprot[(g + n - 1) / MEM_PAGE] & MEM_W))
		return NULL;
	return m->base + g;
}

/* Like mem_at, but also requires [g, g+n) to be mapped with `prot` (and
 * not past the end of a mapped file). For syscalls: returns NULL where
 * Linux would return EFAULT. n may be 0. */
uint8_t *mem_check(const rv_mem *m, uint64_t g, uint64_t n, uint32_t prot);

/* Copy to/from guest memory; 0 or -EFAULT. */
int mem_read(const rv_mem *m, uint64_t g, void *dst, size_t n);
int mem_write(rv_mem *m, uint64_t g, const void *src, size_t n);
/* Copy a NUL-terminated guest string into buf (cap bytes, incl. NUL).
 * Returns its length, -EFAULT, or -ENAMETOOLONG if it does not fit. */
long mem_read_str(const rv_mem *m, uint64_t g, char *buf, size_t cap);

/* VMA bookkeeping. mem_map replaces whatever was in [start, end) (like
 * MAP_FIXED) and zero-fills it; mem_unmap removes and zero-fills; mem_protect
 * changes permissions, splitting VMAs (-EACCES: PROT_WRITE on VMA_NOWRITE).
 * All return 0 or a negative errno. */
int mem_map(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot,
	    uint32_t flags, const char *name, uint64_t offset);
/* The same for a mapping of `file` at file offset `offset` (page aligned);
 * with PROT_WRITE it is VMA_WRITTEN. The bytes are left zero: the caller
 * copies the file in. */
int mem_map_file(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot,
		 uint32_t flags, const char *name, uint64_t offset, void *file);
int mem_unmap(rv_mem *m, uint64_t start, uint64_t len);
int mem_protect(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot);
const mem_vma *mem_find(const rv_mem *m, uint64_t g); /* VMA holding g, or NULL */
/* Arena address where v's pages past the end of its file begin (v->end if
 * none, or if v maps no file). */
uint64_t mem_vma_eof(const mem_vma *v);
/* Re-derive the page permissions of [start, end) from the VMAs, after the
 * size of a mapped file changed. Drops MEM_CODE bits: interp_flush first. */
void mem_reprotect(rv_mem *m, uint64_t start, uint64_t end);
/* Is g in a file mapping that allows `access` (one of MEM_R/W/X), on a
 * page wholly past the end of the file? Such an access is SIGBUS with
 * BUS_ADRERR on Linux; the bytes after EOF in the last page read as 0. */
int mem_past_eof(const rv_mem *m, uint64_t g, uint32_t access);
/* Find a free range of len bytes (top-down from mmap_base, or at hint if
 * it is free). 0 if none. */
uint64_t mem_find_free(const rv_mem *m, uint64_t hint, uint64_t len);

#endif
