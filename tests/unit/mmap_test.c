/* Unit tests of mem.c's file mappings: the holds a VMA keeps on its file
 * through map, split, merge, clone, unmap and free; write-back calls before
 * bytes leave; pages past the end of the file (no permission, EFAULT for
 * syscalls, SIGBUS for the guest), also across mprotect and a file that
 * grows; VMA_NOWRITE and VMA_WRITTEN. The files are fakes (a size and
 * counters); sys_mem.c's coherence is tested end to end by tests/diff.
 *
 * Native, with sanitizers (what `make test-unit` does given
 * `mmap_test_SRC := runtime/mem.c`):
 *   cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -fsanitize=address,undefined \
 *      -fno-sanitize-recover=all -Iinclude -Iruntime tests/unit/mmap_test.c \
 *      runtime/mem.c -o mmap_test && ./mmap_test */
#include <stdio.h>
#include <string.h>
#include "linux_abi.h"
#include "mem.h"

static int passed, failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (cond)                                                        \
			passed++;                                                \
		else {                                                           \
			failed++;                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
		}                                                                \
	} while (0)

#define P MEM_PAGE

/* ---- a fake file ---- */

struct fake {
	uint64_t size;
	int holds;
	int unmappings;           /* write-back calls */
	uint64_t unmapped;        /* bytes they covered */
};

static void fake_hold(void *file, int delta) { ((struct fake *)file)->holds += delta; }

static void fake_unmapping(rv_mem *m, const mem_vma *v)
{
	(void)m;
	struct fake *f = v->file;
	f->unmappings++;
	f->unmapped += v->end - v->start;
}

static uint64_t fake_size(const void *file) { return ((const struct fake *)file)->size; }

static const struct mem_file_ops fake_ops = { fake_hold, fake_unmapping, fake_size };

static uint8_t prot_at(const rv_mem *m, uint64_t g) { return m->pageprot[g / P]; }

int main(void)
{
	mem_file_ops = &fake_ops;
	rv_mem *m = mem_new(64ULL << 20);
	CHECK(m && mem_all == m);
	m->mmap_base = 32ULL << 20;
	const uint64_t A = 0x100000;

	/* A file of 2 pages + 100 bytes mapped over 5 pages at offset 0. */
	struct fake f = { .size = 2 * P + 100 };
	CHECK(mem_map_file(m, A, 5 * P, MEM_R, VMA_SHARED, "/f", 0, &f) == 0);
	CHECK(f.holds == 1);
	CHECK(mem_vma_eof(mem_find(m, A)) == A + 3 * P);
	CHECK(prot_at(m, A + 2 * P) == MEM_R);   /* the partial last page */
	CHECK(prot_at(m, A + 3 * P) == 0);       /* wholly past EOF */
	CHECK(prot_at(m, A + 4 * P) == 0);
	CHECK(mem_check(m, A, 3 * P, MEM_R) != NULL);
	CHECK(mem_check(m, A + 3 * P - 1, 2, MEM_R) == NULL);
	CHECK(mem_past_eof(m, A + 3 * P + 8, MEM_R));
	CHECK(!mem_past_eof(m, A + 3 * P + 8, MEM_W)); /* SIGSEGV: not writable */
	CHECK(!mem_past_eof(m, A + 2 * P + 200, MEM_R));
	CHECK(!mem_past_eof(m, A - P, MEM_R));

	/* mprotect of one page splits (two more holds) and cannot make a
	 * past-EOF page accessible; undoing it merges back. */
	CHECK(mem_protect(m, A + 3 * P, P, MEM_R | MEM_W) == 0);
	CHECK(m->nvma == 3 && f.holds == 3);
	CHECK(prot_at(m, A + 3 * P) == 0);
	CHECK(mem_find(m, A + 3 * P)->flags & VMA_WRITTEN);
	CHECK(mem_past_eof(m, A + 3 * P, MEM_W));
	CHECK(mem_protect(m, A + 3 * P, P, MEM_R) == 0);
	/* VMA_WRITTEN stays (the pages may differ from the file now), so the
	 * pieces do not merge back. */
	CHECK(m->nvma == 3 && f.holds == 3);

	/* The file grows by a page: that page becomes accessible. */
	f.size = 3 * P + 1;
	mem_reprotect(m, A, A + 5 * P);
	CHECK(prot_at(m, A + 3 * P) == MEM_R);
	CHECK(prot_at(m, A + 4 * P) == 0);
	CHECK(!mem_past_eof(m, A + 3 * P, MEM_R));

	/* Unmapping the last two pages writes them back, then drops holds. */
	CHECK(mem_unmap(m, A + 3 * P, 2 * P) == 0);
	CHECK(f.unmappings == 2 && f.unmapped == 2 * P);
	CHECK(f.holds == 1 && m->nvma == 1);

	/* Another file right after: no merging across files; the same file
	 * at the next offset merges. */
	struct fake g = { .size = 10 * P };
	CHECK(mem_map_file(m, A + 3 * P, P, MEM_R, VMA_SHARED, "/f", 3 * P, &g) == 0);
	CHECK(m->nvma == 2 && g.holds == 1);
	CHECK(mem_map_file(m, A + 3 * P, P, MEM_R, VMA_SHARED, "/f", 3 * P, &f) == 0);
	CHECK(g.holds == 0 && g.unmappings == 1);
	CHECK(m->nvma == 1 && f.holds == 1 && mem_find(m, A)->end == A + 4 * P);

	/* A shared mapping of a descriptor not open for writing. */
	CHECK(mem_map_file(m, A + 8 * P, P, MEM_R, VMA_SHARED | VMA_NOWRITE, "/g", 0, &g) == 0);
	CHECK(mem_protect(m, A + 8 * P, P, MEM_R | MEM_W) == -LX_EACCES);
	CHECK(mem_protect(m, A + 8 * P, P, 0) == 0);
	CHECK(!(mem_find(m, A + 8 * P)->flags & VMA_WRITTEN));
	/* Writable from the start: written. */
	CHECK(mem_map_file(m, A + 10 * P, P, MEM_R | MEM_W, VMA_SHARED, "/g", P, &g) == 0);
	CHECK(mem_find(m, A + 10 * P)->flags & VMA_WRITTEN);
	CHECK(g.holds == 2);

	/* fork: the clone holds too; freeing either writes back its VMAs. */
	rv_mem *c = mem_clone(m);
	CHECK(c && f.holds == 2 && g.holds == 4);
	CHECK(prot_at(c, A + 3 * P) == MEM_R && prot_at(c, A + 2 * P) == MEM_R);
	int before = f.unmappings + g.unmappings;
	mem_free(c);
	CHECK(f.unmappings + g.unmappings == before + 3);
	CHECK(f.holds == 1 && g.holds == 2 && mem_all == m);
	mem_free(m);
	CHECK(f.holds == 0 && g.holds == 0 && mem_all == NULL);

	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
