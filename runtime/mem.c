/* Guest arenas and their mappings. See mem.h. */
#include "linux_abi.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <unistd.h> /* sbrk */
#else
#include <sys/mman.h>
#endif

static uint64_t page_down(uint64_t a) { return a & ~(MEM_PAGE - 1); }
static uint64_t page_up(uint64_t a) { return (a + MEM_PAGE - 1) & ~(MEM_PAGE - 1); }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

rv_mem *mem_all;
const struct mem_file_ops *mem_file_ops;

/* Natively the arena is reserved address space the kernel fills lazily, so a
 * 1 GiB arena costs only what the guest touches. In wasm it comes from the
 * heap. Memory above the break was never used (the allocator never gives
 * any back): it comes from memory.grow, zeroed, so only the part malloc
 * recycled from below the break is cleared (calloc would write it all).
 * Freed arenas are kept for reuse (fork and exec go through them fast)
 * with the spans that were mapped, cleared when one is taken again: a
 * last exit clears nothing. Everything else in them is still zero. */
#ifdef __EMSCRIPTEN__
#define ARENA_POOL 8
struct span { uint64_t start, end; };
static struct {
	uint8_t *base;
	uint64_t size;
	struct span *dirty; /* what may be non-zero */
	size_t ndirty;
} pool[ARENA_POOL];
static int npool;
#endif

static int page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	for (size_t i = 0; i < MEM_PAGE / 8; i++)
		if (w[i])
			return 0;
	return 1;
}

/* Make [start, end) of an arena read as zero, giving pages back where the
 * host can. In wasm a page is written only when it is not zero already:
 * most of a stack never was touched, and writing it would make the host
 * commit it (reading it does not). */
static void clear_span(uint8_t *base, uint64_t start, uint64_t end)
{
#ifdef __EMSCRIPTEN__
	for (uint64_t g = start; g < end; g += MEM_PAGE)
		if (!page_is_zero(base + g))
			memset(base + g, 0, MEM_PAGE);
#else
	if (end - start >= 16 * MEM_PAGE) {
		madvise(base + start, end - start, MADV_DONTNEED);
		return;
	}
	memset(base + start, 0, end - start);
#endif
}

static uint8_t *arena_alloc(uint64_t size)
{
#ifdef __EMSCRIPTEN__
	if (size > SIZE_MAX)
		return NULL;
	for (int i = 0; i < npool; i++)
		if (pool[i].size == size) {
			uint8_t *p = pool[i].base;
			for (size_t k = 0; k < pool[i].ndirty; k++)
				clear_span(p, pool[i].dirty[k].start, pool[i].dirty[k].end);
			free(pool[i].dirty);
			pool[i] = pool[--npool];
			return p;
		}
	uint8_t *brk = sbrk(0), *p = malloc((size_t)size);
	if (!p && npool) { /* no room for a new one: give the pool back */
		while (npool) {
			npool--;
			free(pool[npool].base);
			free(pool[npool].dirty);
		}
		p = malloc((size_t)size);
	}
	if (p && p < brk)
		memset(p, 0, (size_t)min_u64(size, (uint64_t)(brk - p)));
	return p;
#else
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
#endif
}

/* The arena of m goes; its VMAs are still there (what may be non-zero). */
static void arena_release(rv_mem *m)
{
#ifdef __EMSCRIPTEN__
	if (npool < ARENA_POOL) {
		struct span *dirty = malloc(m->nvma * sizeof *dirty + 1);
		for (size_t i = 0; i < m->nvma; i++)
			if (dirty)
				dirty[i] = (struct span){ m->vma[i].start, m->vma[i].end };
			else
				clear_span(m->base, m->vma[i].start, m->vma[i].end);
		pool[npool].base = m->base;
		pool[npool].size = m->size;
		pool[npool].dirty = dirty;
		pool[npool++].ndirty = dirty ? m->nvma : 0;
		return;
	}
	free(m->base);
#else
	munmap(m->base, m->size);
#endif
}

/* Page permissions as the interpreter checks them. Write implies read, as
 * on Linux/riscv64 (write-only pages do not exist in its page tables). */
static void set_prot(rv_mem *m, uint64_t a, uint64_t b, uint32_t prot)
{
	if (prot & MEM_W)
		prot |= MEM_R | MEM_ST; /* (no MEM_CODE: it is cleared here) */
	memset(m->pageprot + a / MEM_PAGE, (int)prot, (b - a) / MEM_PAGE);
}

uint64_t mem_vma_eof(const mem_vma *v)
{
	if (!v->file)
		return v->end;
	/* File and arena pages line up: the offset is page aligned. */
	uint64_t in_file = page_up(mem_file_ops->size(v->file));
	if (in_file <= v->offset)
		return v->start;
	return v->start + min_u64(in_file - v->offset, v->end - v->start);
}

/* Page permissions of [a, b), a part of v: v's, but none for the pages past
 * the end of its file, so that touching them faults (and becomes SIGBUS). */
static void vma_apply_prot(rv_mem *m, const mem_vma *v, uint64_t a, uint64_t b)
{
	uint64_t eof = max_u64(a, min_u64(b, mem_vma_eof(v)));
	set_prot(m, a, eof, v->prot);
	set_prot(m, eof, b, 0);
}

void mem_reprotect(rv_mem *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->nvma && m->vma[i].start < end; i++)
		if (m->vma[i].end > start)
			vma_apply_prot(m, &m->vma[i], max_u64(start, m->vma[i].start),
				       min_u64(end, m->vma[i].end));
}

int mem_past_eof(const rv_mem *m, uint64_t g, uint32_t access)
{
	const mem_vma *v = mem_find(m, g);
	if (!v || !v->file)
		return 0;
	uint32_t allow = v->prot & MEM_W ? v->prot | MEM_R : v->prot;
	return (allow & access) && g >= mem_vma_eof(v);
}

/* A VMA leaves the array: its name goes, and its hold on the file. */
static void vma_release(mem_vma *v)
{
	free(v->name);
	if (v->file)
		mem_file_ops->hold(v->file, -1);
}

rv_mem *mem_new(uint64_t size)
{
	rv_mem *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->base = arena_alloc(size);
	if (!m->base) {
		free(m);
		return NULL;
	}
	m->size = size;
	m->refs = 1;
	/* (The extra entry, never mapped, is what compiled code's check of a
	 * range that ends past the arena's last page reads.) */
	m->pageprot = calloc(size / MEM_PAGE + 1, 1);
	if (!m->pageprot) {
		arena_release(m);
		free(m);
		return NULL;
	}
	m->all_next = mem_all;
	if (mem_all)
		mem_all->all_prev = m;
	mem_all = m;
	return m;
}

void mem_free(rv_mem *m)
{
	if (!m)
		return;
	if (m->all_prev)
		m->all_prev->all_next = m->all_next;
	else
		mem_all = m->all_next;
	if (m->all_next)
		m->all_next->all_prev = m->all_prev;
	/* At exit or exec: what shared file mappings wrote reaches the file. */
	for (size_t i = 0; i < m->nvma; i++)
		if (m->vma[i].file)
			mem_file_ops->unmapping(m, &m->vma[i]);
	for (size_t i = 0; i < m->nvma; i++)
		vma_release(&m->vma[i]);
	arena_release(m);
	free(m->vma);
	free(m->pageprot);
	if (m->icache && m->icache_free)
		m->icache_free(m->icache);
	if (m->aot && m->aot_free)
		m->aot_free(m->aot);
	free(m);
}

/* Copy [a, b) of one arena to a fresh (zeroed) one, skipping pages that
 * are zero: most of a stack or a heap never was written, and copying it
 * would make it cost memory in the child. */
static void copy_pages(uint8_t *dst, const uint8_t *src, uint64_t a, uint64_t b)
{
	for (uint64_t g = a; g < b; g += MEM_PAGE)
		if (!page_is_zero(src + g))
			memcpy(dst + g, src + g, MEM_PAGE);
}

rv_mem *mem_clone(const rv_mem *m)
{
	rv_mem *c = mem_new(m->size);
	if (!c)
		return NULL;
	c->vma = malloc(m->nvma * sizeof *c->vma + 1);
	if (!c->vma) {
		mem_free(c);
		return NULL;
	}
	c->cap = m->nvma;
	for (size_t i = 0; i < m->nvma; i++) {
		mem_vma v = m->vma[i];
		v.name = v.name ? strdup(v.name) : NULL;
		if (v.file)
			mem_file_ops->hold(v.file, 1);
		c->vma[c->nvma++] = v;
		copy_pages(c->base, m->base, v.start, v.end);
		vma_apply_prot(c, &v, v.start, v.end);
	}
	if (m->aot && m->aot_clone) {
		c->aot = m->aot_clone(m->aot);
		c->aot_free = m->aot_free;
		c->aot_clone = m->aot_clone;
	}
	c->brk_start = m->brk_start;
	c->brk = m->brk;
	c->mmap_base = m->mmap_base;
	c->stack_top = m->stack_top;
	return c;
}

/* Index of the first VMA whose end is above g. */
static size_t vma_search(const rv_mem *m, uint64_t g)
{
	size_t lo = 0, hi = m->nvma;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->vma[mid].end <= g)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const mem_vma *mem_find(const rv_mem *m, uint64_t g)
{
	size_t i = vma_search(m, g);
	if (i < m->nvma && m->vma[i].start <= g)
		return &m->vma[i];
	return NULL;
}

uint8_t *mem_check(const rv_mem *m, uint64_t g, uint64_t n, uint32_t prot)
{
	if (n == 0)
		return g < m->size ? m->base + g : NULL;
	if (g < MEM_LOW || g >= m->size || n > m->size - g)
		return NULL;
	uint64_t end = g + n;
	size_t i = vma_search(m, g);
	/* Walk adjacent VMAs: a buffer may span several mappings. */
	for (uint64_t at = g; at < end; i++) {
		if (i >= m->nvma || m->vma[i].start > at ||
		    (m->vma[i].prot & prot) != prot ||
		    mem_vma_eof(&m->vma[i]) < min_u64(end, m->vma[i].end))
			return NULL;
		at = m->vma[i].end;
	}
	return m->base + g;
}

int mem_read(const rv_mem *m, uint64_t g, void *dst, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_R);
	if (!p)
		return -LX_EFAULT;
	memcpy(dst, p, n);
	return 0;
}

int mem_write(rv_mem *m, uint64_t g, const void *src, size_t n)
{
	uint8_t *p = mem_check(m, g, n, MEM_W);
	if (!p)
		return -LX_EFAULT;
	memcpy(p, src, n);
	return 0;
}

long mem_read_str(const rv_mem *m, uint64_t g, char *buf, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		/* Check page by page so a string ending just before an unmapped
		 * page is fine. */
		if ((i == 0 || ((g + i) & (MEM_PAGE - 1)) == 0) &&
		    !mem_check(m, g + i, 1, MEM_R))
			return -LX_EFAULT;
		char c = (char)m->base[g + i];
		buf[i] = c;
		if (!c)
			return (long)i;
	}
	return -LX_ENAMETOOLONG;
}

static int vma_reserve(rv_mem *m, size_t extra)
{
	if (m->nvma + extra <= m->cap)
		return 0;
	size_t cap = m->cap ? m->cap * 2 : 16;
	while (cap < m->nvma + extra)
		cap *= 2;
	mem_vma *v = realloc(m->vma, cap * sizeof *v);
	if (!v)
		return -LX_ENOMEM;
	m->vma = v;
	m->cap = cap;
	return 0;
}

/* Cut the VMAs so that no VMA straddles a or b; then [a, b) is covered by
 * whole VMAs only. */
static int vma_split_at(rv_mem *m, uint64_t a)
{
	size_t i = vma_search(m, a);
	if (i >= m->nvma || m->vma[i].start >= a)
		return 0;
	if (vma_reserve(m, 1))
		return -LX_ENOMEM;
	mem_vma *v = &m->vma[i];
	mem_vma hi = *v;
	hi.start = a;
	if (!(hi.flags & VMA_ANON) || hi.name)
		hi.offset += a - v->start;
	hi.name = v->name ? strdup(v->name) : NULL;
	if (hi.file)
		mem_file_ops->hold(hi.file, 1);
	v->end = a;
	memmove(&m->vma[i + 2], &m->vma[i + 1], (m->nvma - i - 1) * sizeof *v);
	m->vma[i + 1] = hi;
	m->nvma++;
	return 0;
}

/* Remove the VMAs within [a, b) (after splitting); their pages read zero. */
static int vma_remove(rv_mem *m, uint64_t a, uint64_t b)
{
	if (vma_split_at(m, a) || vma_split_at(m, b))
		return -LX_ENOMEM;
	size_t i = vma_search(m, a), j = i;
	while (j < m->nvma && m->vma[j].end <= b)
		j++;
	/* All write-backs first: they may look at the other VMAs of m. */
	for (size_t k = i; k < j; k++)
		if (m->vma[k].file)
			mem_file_ops->unmapping(m, &m->vma[k]);
	/* What they held goes. Only mapped pages are cleared: the arena
	 * outside every VMA is zero already (see arena_alloc), and touching
	 * it would cost a fresh stack's 8 MiB at each exec. */
	for (size_t k = i; k < j; k++) {
		clear_span(m->base, m->vma[k].start, m->vma[k].end);
		vma_release(&m->vma[k]);
	}
	if (j > i)
		memmove(&m->vma[i], &m->vma[j], (m->nvma - j) * sizeof *m->vma);
	m->nvma -= j - i;
	return 0;
}

static int same_kind(const mem_vma *a, const mem_vma *b)
{
	if (a->prot != b->prot || a->flags != b->flags || a->file != b->file)
		return 0;
	if (!a->name != !b->name || (a->name && strcmp(a->name, b->name)))
		return 0;
	/* file mappings must continue the same file offset */
	return !a->name || a->name[0] == '[' ||
	       a->offset + (a->end - a->start) == b->offset;
}

/* Merge neighbours around index i that are the same kind of mapping, as
 * Linux does, so /proc/self/maps and the VMA count stay small. */
static void vma_merge_around(rv_mem *m, size_t i)
{
	if (i + 1 < m->nvma && m->vma[i].end == m->vma[i + 1].start &&
	    same_kind(&m->vma[i], &m->vma[i + 1])) {
		m->vma[i].end = m->vma[i + 1].end;
		vma_release(&m->vma[i + 1]);
		memmove(&m->vma[i + 1], &m->vma[i + 2],
			(m->nvma - i - 2) * sizeof *m->vma);
		m->nvma--;
	}
	if (i > 0 && m->vma[i - 1].end == m->vma[i].start &&
	    same_kind(&m->vma[i - 1], &m->vma[i])) {
		m->vma[i - 1].end = m->vma[i].end;
		vma_release(&m->vma[i]);
		memmove(&m->vma[i], &m->vma[i + 1],
			(m->nvma - i - 1) * sizeof *m->vma);
		m->nvma--;
	}
}

int mem_map(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot,
	    uint32_t flags, const char *name, uint64_t offset)
{
	return mem_map_file(m, start, len, prot, flags, name, offset, NULL);
}

int mem_map_file(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot,
		 uint32_t flags, const char *name, uint64_t offset, void *file)
{
	uint64_t a = page_down(start), b = page_up(start + len);
	if (a < MEM_LOW || b > m->size || b <= a)
		return -LX_ENOMEM;
	if (vma_remove(m, a, b) || vma_reserve(m, 1))
		return -LX_ENOMEM;
	if (file && (prot & MEM_W))
		flags |= VMA_WRITTEN;
	if (file)
		mem_file_ops->hold(file, 1);
	size_t i = vma_search(m, a);
	memmove(&m->vma[i + 1], &m->vma[i], (m->nvma - i) * sizeof *m->vma);
	m->vma[i] = (mem_vma){ a, b, prot, flags, offset,
			       name ? strdup(name) : NULL, file };
	m->nvma++;
	vma_apply_prot(m, &m->vma[i], a, b);
	vma_merge_around(m, i);
	return 0;
}

int mem_unmap(rv_mem *m, uint64_t start, uint64_t len)
{
	uint64_t a = page_down(start), b = page_up(start + len);
	if (b > m->size)
		b = m->size;
	if (b <= a)
		return 0;
	if (vma_remove(m, a, b))
		return -LX_ENOMEM;
	set_prot(m, a, b, 0);
	return 0;
}

int mem_protect(rv_mem *m, uint64_t start, uint64_t len, uint32_t prot)
{
	uint64_t a = page_down(start), b = page_up(start + len);
	if (b > m->size)
		return -LX_ENOMEM;
	/* Linux fails with LX_ENOMEM if any page in the range is unmapped. */
	for (uint64_t at = a; at < b;) {
		const mem_vma *v = mem_find(m, at);
		if (!v)
			return -LX_ENOMEM;
		if ((v->flags & VMA_NOWRITE) && (prot & MEM_W))
			return -LX_EACCES;
		at = v->end;
	}
	if (vma_split_at(m, a) || vma_split_at(m, b))
		return -LX_ENOMEM;
	for (size_t i = vma_search(m, a); i < m->nvma && m->vma[i].start < b; i++) {
		mem_vma *v = &m->vma[i];
		v->prot = prot;
		if (v->file && (prot & MEM_W))
			v->flags |= VMA_WRITTEN;
		vma_apply_prot(m, v, v->start, v->end);
	}
	for (size_t i = vma_search(m, a); i < m->nvma && m->vma[i].start <= b; i++) {
		size_t n = m->nvma;
		vma_merge_around(m, i);
		if (m->nvma < n && i > 0)
			i--;
	}
	return 0;
}

uint64_t mem_find_free(const rv_mem *m, uint64_t hint, uint64_t len)
{
	len = page_up(len);
	if (len == 0 || len > m->mmap_base)
		return 0;
	if (hint) {
		hint = page_down(hint);
		if (hint >= MEM_LOW && hint + len <= m->mmap_base && hint + len > hint) {
			size_t i = vma_search(m, hint);
			if (i >= m->nvma || m->vma[i].start >= hint + len)
				return hint;
		}
	}
	/* Top-down first fit below mmap_base, as Linux's default layout. */
	uint64_t top = m->mmap_base;
	size_t i = vma_search(m, top);
	while (1) {
		uint64_t floor = i > 0 ? m->vma[i - 1].end : MEM_LOW;
		if (i > 0 && floor > top) { /* VMA straddles top */
			top = m->vma[i - 1].start;
			i--;
			continue;
		}
		if (top >= floor + len)
			return top - len;
		if (i == 0)
			return 0;
		top = m->vma[i - 1].start;
		i--;
	}
}
