/* Memory syscalls: brk, mmap and friends, over the arena's VMAs (mem.c).
 *
 * A file mapping is a copy of the file's bytes in the arena (there is no
 * page cache to share: decision 4), kept coherent with the file the way
 * Linux's page cache would be, at the moments a program can tell:
 *  - before a read of the file (read, pread, mmap, execve), the bytes that
 *    shared writable mappings changed are stored back into the file and
 *    copied into the file's other mappings; so do msync, munmap, and an
 *    arena going away (exit, exec);
 *  - after a write or truncate, the bytes changed are copied into the
 *    mappings that follow the file: shared ones, and private ones that
 *    were never writable. A private mapping that was writable keeps its own
 *    bytes: without page faults we cannot tell which pages it wrote (Linux
 *    would still show file changes on the pages it did not write);
 *  - pages wholly past the end of the file fault (SIGBUS in rt.c), and
 *    follow the file as it shrinks and grows; past-EOF pages stay zero.
 * Stores through one mapping reach another mapping only at those moments,
 * not instantly as with a shared page.
 * The file is a vfs_node the VMAs hold (mem_file_ops); n->mmaps counts
 * them, so the VFS calls its hooks (vfs_map_hooks) only for mapped files.
 * A file's mappings may be in any arena: mem_all lists them all. */
#include <stdlib.h>
#include <string.h>

#include "linux_abi.h"
#include "fd.h"
#include "aot.h"
#include "interp.h"
#include "rt.h"
#include "syscall.h"

#define PAGE MEM_PAGE
#define PAGE_OFF(x) ((x) & (PAGE - 1))
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

/* mmap flags (asm-generic, as riscv64 uses them) */
enum {
	MAP_SHARED_F = 0x01, MAP_PRIVATE_F = 0x02, MAP_SHARED_VALIDATE_F = 0x03,
	MAP_FIXED_F = 0x10, MAP_ANONYMOUS_F = 0x20, MAP_GROWSDOWN_F = 0x100,
	MAP_STACK_F = 0x20000, MAP_FIXED_NOREPLACE_F = 0x100000,
};
enum { MREMAP_MAYMOVE_F = 1, MREMAP_FIXED_F = 2, MREMAP_DONTUNMAP_F = 4 };
enum { MADV_NORMAL_A = 0, MADV_DONTNEED_A = 4, MADV_FREE_A = 8,
       MADV_HWPOISON_A = 100 };

/* Does any VMA overlap [a, b)? */
static int overlaps(const rv_mem *m, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < m->nvma; i++)
		if (m->vma[i].start < b && m->vma[i].end > a)
			return 1;
	return 0;
}

static int exec_in(const rv_mem *m, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < m->nvma; i++)
		if (m->vma[i].start < b && m->vma[i].end > a &&
		    (m->vma[i].prot & MEM_X))
			return 1;
	return 0;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* ---- file mappings (see the top of the file) ---- */

static void file_hold(void *file, int delta)
{
	struct vfs_node *n = file;
	n->mmaps += delta;
	if (delta > 0)
		vfs_node_ref(n);
	else
		vfs_node_unref(n);
}

static uint64_t file_size(const void *file)
{
	return ((const struct vfs_node *)file)->size;
}

/* Shared and written: its bytes may be newer than the file's. */
static int vma_dirty(const mem_vma *v)
{
	return (v->flags & (VMA_SHARED | VMA_WRITTEN)) == (VMA_SHARED | VMA_WRITTEN);
}

/* Shows what the file holds (see VMA_WRITTEN). */
static int vma_follows(const mem_vma *v)
{
	return (v->flags & VMA_SHARED) || !(v->flags & VMA_WRITTEN);
}

/* The part of v that maps file bytes [off, end): arena [*a, *b). */
static int vma_part(const mem_vma *v, uint64_t off, uint64_t end,
		    uint64_t *a, uint64_t *b)
{
	uint64_t vend = v->offset + (v->end - v->start);
	uint64_t lo = max64(off, v->offset), hi = min64(end, vend);
	if (lo >= hi)
		return 0;
	*a = v->start + (lo - v->offset);
	*b = v->start + (hi - v->offset);
	return 1;
}

/* Copy v's file bytes into [a, b) of v, zeros past EOF; decoded code from
 * there is stale. */
static void load_vma(rv_mem *m, const mem_vma *v, uint64_t a, uint64_t b)
{
	long got = vfs_node_copy(v->file, m->base + a, (size_t)(b - a),
				 v->offset + (a - v->start));
	if (got < 0)
		got = 0;
	memset(m->base + a + got, 0, (size_t)(b - a) - (size_t)got);
	if (v->prot & MEM_X)
		interp_flush(m, a, b - a);
}

/* Give [a, b), a fresh or discarded part of the file mapping holding a,
 * the file's bytes (if a maps a file). */
static void load_fresh(rv_mem *m, uint64_t a, uint64_t b)
{
	const mem_vma *v = mem_find(m, a);
	uint64_t lo, hi;
	if (!v || !v->file || !vma_part(v, 0, PAGE_UP(file_size(v->file)), &lo, &hi))
		return;
	lo = max64(lo, a);
	hi = min64(hi, b);
	if (lo < hi)
		load_vma(m, v, lo, hi);
}

/* Copy file bytes [off, end) into every mapping that follows the file,
 * but `skip`. */
static void refresh(struct vfs_node *n, uint64_t off, uint64_t end,
		    const mem_vma *skip)
{
	for (rv_mem *m = mem_all; m; m = m->all_next)
		for (size_t i = 0; i < m->nvma; i++) {
			const mem_vma *v = &m->vma[i];
			uint64_t a, b;
			if (v->file == n && v != skip && vma_follows(v) &&
			    vma_part(v, off, end, &a, &b))
				load_vma(m, v, a, b);
		}
}

/* Store the bytes of arena [a, b) (inside v and the file) that differ from
 * the file, and show each changed run to the other mappings at once, so
 * that comparing them next does not take their old bytes for changes. */
static void write_back(rv_mem *m, const mem_vma *v, uint64_t a, uint64_t b)
{
	struct vfs_node *n = v->file;
	uint8_t file[MEM_PAGE];
	for (uint64_t at = a; at < b;) {
		size_t k = (size_t)min64(b - at, MEM_PAGE - PAGE_OFF(at));
		uint64_t fo = v->offset + (at - v->start);
		const uint8_t *mine = m->base + at;
		at += k;
		if (vfs_node_copy(n, file, k, fo) != (long)k || !memcmp(mine, file, k))
			continue;
		for (size_t i = 0; i < k;) {
			if (mine[i] == file[i]) {
				i++;
				continue;
			}
			size_t j = i;
			while (j < k && mine[j] != file[j])
				j++;
			/* Fails only without memory: nothing to tell the guest. */
			if (vfs_node_store(n, mine + i, j - i, fo + i) == 0)
				refresh(n, fo + i, fo + j, v);
			i = j;
		}
	}
}

/* Write back the dirty bytes of [a, b) within v, up to the end of file. */
static void sync_vma(rv_mem *m, const mem_vma *v, uint64_t a, uint64_t b)
{
	uint64_t lo, hi;
	if (!vma_dirty(v) || !vma_part(v, 0, file_size(v->file), &lo, &hi))
		return;
	a = max64(a, lo);
	b = min64(b, hi);
	if (a < b)
		write_back(m, v, a, b);
}

static void file_unmapping(rv_mem *m, const mem_vma *v)
{
	sync_vma(m, v, v->start, v->end);
}

/* vfs hook: file bytes [off, off+len) are about to be read. */
static void file_flush(struct vfs_node *n, uint64_t off, uint64_t len)
{
	if (off >= n->size)
		return;
	uint64_t end = len > n->size - off ? n->size : off + len;
	for (rv_mem *m = mem_all; m; m = m->all_next)
		for (size_t i = 0; i < m->nvma; i++) {
			const mem_vma *v = &m->vma[i];
			uint64_t a, b;
			if (v->file == n && vma_dirty(v) && vma_part(v, off, end, &a, &b))
				write_back(m, v, a, b);
		}
}

/* vfs hook: [off, off+len) was written, or the size went from old_size to
 * n->size (then [off, off+len) is the difference). */
static void file_changed(struct vfs_node *n, uint64_t off, uint64_t len,
			 uint64_t old_size)
{
	uint64_t size = n->size, end = off + len;
	/* Pages that crossed the end of file, either way. */
	uint64_t plo = PAGE_UP(min64(size, old_size)), phi = PAGE_UP(max64(size, old_size));
	for (rv_mem *m = mem_all; m; m = m->all_next)
		for (size_t i = 0; i < m->nvma; i++) {
			const mem_vma *v = &m->vma[i];
			uint64_t a, b;
			if (v->file != n)
				continue;
			/* Shrunk: what is now past EOF reads zero (in a mapping
			 * with its own pages, only the pages that are gone). */
			if (size < old_size &&
			    vma_part(v, vma_follows(v) ? size : plo, old_size, &a, &b))
				memset(m->base + a, 0, (size_t)(b - a));
			/* New bytes: everywhere the file shows, and in pages that
			 * were past EOF until now (a private mapping has not
			 * written those). */
			uint64_t from = vma_follows(v) ? off : max64(off, PAGE_UP(old_size));
			if (vma_part(v, from, min64(end, size), &a, &b))
				load_vma(m, v, a, b);
			if (plo < phi && vma_part(v, plo, phi, &a, &b)) {
				if (v->prot & MEM_X)
					interp_flush(m, a, b - a);
				mem_reprotect(m, a, b);
			}
		}
}

static const struct mem_file_ops file_ops = { file_hold, file_unmapping, file_size };
static const struct vfs_map_hooks map_hooks = { file_flush, file_changed };

int64_t sys_brk(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t want = a[0];
	if (want < m->brk_start)
		return (long)m->brk;
	uint64_t old_end = PAGE_UP(m->brk), new_end = PAGE_UP(want);
	if (new_end > old_end) {
		if (new_end > m->mmap_base || overlaps(m, old_end, new_end))
			return (long)m->brk;
		if (mem_map(m, old_end, new_end - old_end, MEM_R | MEM_W,
			    VMA_ANON | VMA_HEAP, "[heap]", 0))
			return (long)m->brk;
	} else if (new_end < old_end) {
		mem_unmap(m, new_end, old_end - new_end);
	}
	m->brk = want;
	return (long)want;
}

/* What mmap maps for descriptor f: a regular file (*file), /dev/zero
 * (anonymous memory, as Linux makes it), or nothing (an errno). */
static int map_source(fd_file *f, int shared, uint32_t prot,
		      struct vfs_node **file)
{
	*file = NULL;
	if (shared && (prot & MEM_W)) {
		if (!f->writable)
			return -LX_EACCES;
		if (f->node->seals & (LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE))
			return -LX_EPERM;
	}
	if (!f->readable)
		return -LX_EACCES;
	if (f->kind == FD_FILE && LX_S_ISTYPE(f->node->mode, LX_S_IFREG)) {
		*file = f->node;
		return 0;
	}
	if (f->kind == FD_DEV && f->node->rdev == lx_makedev(1, 5))
		return 0;
	return -LX_ENODEV; /* directories, pipes, terminals, /proc... */
}

static int64_t do_mmap(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	rv_mem *m = p->mem;
	uint64_t addr = a[0], len = a[1], off = a[5];
	uint32_t prot = (uint32_t)a[2];
	int flags = (int)a[3], fd = (int)a[4];
	int type = flags & MAP_SHARED_VALIDATE_F, shared = type != MAP_PRIVATE_F;
	fd_file *f = flags & MAP_ANONYMOUS_F ? NULL : fd_get(p, fd);
	/* The checks in Linux's order: offset, descriptor, length, address,
	 * then what the descriptor allows. */
	if (PAGE_OFF(off))
		return -LX_EINVAL;
	if (!(flags & MAP_ANONYMOUS_F) && (!f || f->kind == FD_PATH))
		return -LX_EBADF;
	if (!len || prot & ~7u)
		return -LX_EINVAL;
	len = PAGE_UP(len);
	if (!len || len > m->size)
		return -LX_ENOMEM;
	if (off / PAGE + len / PAGE < off / PAGE)
		return -LX_EOVERFLOW;
	if (flags & (MAP_FIXED_F | MAP_FIXED_NOREPLACE_F)) {
		if (PAGE_OFF(addr))
			return -LX_EINVAL;
		if (addr < MEM_LOW || addr + len > m->size || addr + len < addr)
			return -LX_ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE_F) && !(flags & MAP_FIXED_F) &&
		    overlaps(m, addr, addr + len))
			return -LX_EEXIST;
	} else {
		addr = mem_find_free(m, addr, len);
		if (!addr)
			return -LX_ENOMEM;
	}
	if (!type || ((flags & MAP_GROWSDOWN_F) && (shared || f)))
		return -LX_EINVAL;
	struct vfs_node *file = NULL;
	uint32_t vflags = (shared ? VMA_SHARED : 0) |
			  (flags & MAP_GROWSDOWN_F ? VMA_STACK : 0);
	char *name = NULL;
	if (f) {
		int e = map_source(f, shared, prot, &file);
		if (e)
			return e;
		if (shared && !f->writable)
			vflags |= VMA_NOWRITE;
		name = fd_file_path(f);
		if (!name)
			return -LX_ENOMEM;
	}
	if (!file)
		vflags |= VMA_ANON;
	if (exec_in(m, addr, addr + len) || (prot & MEM_X))
		interp_flush(m, addr, len);
	if (file) {
		mem_file_ops = &file_ops;
		vfs_map_hooks = &map_hooks;
		/* Stores of other shared mappings first reach the file. */
		file_flush(file, off, len);
	}
	int e = mem_map_file(m, addr, len, prot, vflags, name, file ? off : 0, file);
	if (!e)
		load_fresh(m, addr, addr + len);
	free(name);
	return e ? e : (int64_t)addr;
}

static int64_t do_munmap(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t addr = a[0], len = a[1];
	if (PAGE_OFF(addr) || !len || addr + len < addr)
		return -LX_EINVAL;
	if (addr >= m->size)
		return 0;
	if (exec_in(m, addr, addr + PAGE_UP(len)))
		interp_flush(m, addr, PAGE_UP(len));
	return mem_unmap(m, addr, len);
}

static int64_t do_mprotect(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t addr = a[0], len = PAGE_UP(a[1]);
	uint32_t prot = (uint32_t)a[2];
	if (PAGE_OFF(addr) || prot & ~7u)
		return -LX_EINVAL;
	if (!len)
		return 0;
	if (addr + len < addr || addr + len > m->size)
		return -LX_ENOMEM;
	if (exec_in(m, addr, addr + len) || (prot & MEM_X))
		interp_flush(m, addr, len);
	return mem_protect(m, addr, len, prot);
}

static int64_t do_mremap(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t old = a[0], oldlen = PAGE_UP(a[1]), newlen = PAGE_UP(a[2]);
	int flags = (int)a[3];
	uint64_t want = a[4];
	if (PAGE_OFF(old) || !newlen ||
	    flags & ~(MREMAP_MAYMOVE_F | MREMAP_FIXED_F | MREMAP_DONTUNMAP_F) ||
	    ((flags & MREMAP_FIXED_F) && !(flags & MREMAP_MAYMOVE_F)))
		return -LX_EINVAL;
	const mem_vma *v = mem_find(m, old);
	if (!v || (oldlen && old + oldlen > v->end))
		return -LX_EFAULT;
	mem_vma src = *v;
	if (!oldlen) /* duplicate a shared mapping: not supported for private */
		return -LX_EINVAL;
	if (!(flags & MREMAP_FIXED_F)) {
		if (newlen <= oldlen) {
			if (newlen < oldlen)
				mem_unmap(m, old + newlen, oldlen - newlen);
			return (long)old;
		}
		/* Grow in place if the pages after it are free. */
		if (old + newlen <= m->mmap_base && old + newlen > old &&
		    !overlaps(m, old + oldlen, old + newlen)) {
			int e = mem_map_file(m, old + oldlen, newlen - oldlen, src.prot,
					     src.flags, src.name,
					     src.offset + (old + oldlen - src.start), src.file);
			if (!e)
				load_fresh(m, old + oldlen, old + newlen);
			return e ? e : (long)old;
		}
		if (!(flags & MREMAP_MAYMOVE_F))
			return -LX_ENOMEM;
		want = mem_find_free(m, 0, newlen);
		if (!want)
			return -LX_ENOMEM;
	} else if (PAGE_OFF(want) || want < MEM_LOW || want + newlen > m->size ||
		   (want < old + oldlen && old < want + newlen)) {
		return -LX_EINVAL;
	}
	/* Move: copy the bytes out first, since mem_map zero-fills. */
	uint64_t keep = oldlen < newlen ? oldlen : newlen;
	uint8_t *tmp = malloc(keep);
	if (!tmp)
		return -LX_ENOMEM;
	memcpy(tmp, m->base + old, keep);
	char *name = src.name ? strdup(src.name) : NULL;
	int e = mem_map_file(m, want, newlen, src.prot, src.flags, name,
			     src.offset + (old - src.start), src.file);
	if (!e) {
		memcpy(m->base + want, tmp, keep);
		load_fresh(m, want + keep, want + newlen);
		if (!(flags & MREMAP_DONTUNMAP_F))
			mem_unmap(m, old, oldlen);
		if (src.prot & MEM_X)
			interp_flush(m, 0, m->size);
	}
	free(name);
	free(tmp);
	return e ? e : (long)want;
}

/* Any flags write back at once: MS_ASYNC too, as there is no page cache
 * that other mappings would already share. */
int64_t sys_msync(rt_thread *t, const uint64_t a[6])
{
	enum { MS_ASYNC_F = 1, MS_SYNC_F = 4 };
	rv_mem *m = t->proc->mem;
	uint64_t start = a[0], end = start + PAGE_UP(a[1]);
	uint64_t flags = a[2];
	if (PAGE_OFF(start) || (flags & ~7ULL) ||
	    ((flags & MS_ASYNC_F) && (flags & MS_SYNC_F)) || end < start)
		return -LX_EINVAL;
	int hole = 0;
	uint64_t at = start;
	for (size_t i = 0; i < m->nvma && at < end; i++) {
		const mem_vma *v = &m->vma[i];
		if (v->end <= at)
			continue;
		if (v->start >= end)
			break;
		if (v->start > at) {
			if (flags == MS_SYNC_F) /* Linux stops at the first hole */
				return -LX_ENOMEM;
			hole = 1;
		}
		if (v->file)
			sync_vma(m, v, max64(at, v->start), min64(end, v->end));
		at = v->end;
	}
	return hole || at < end ? -LX_ENOMEM : 0;
}

int64_t sys_mincore(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t addr = a[0], len = PAGE_UP(a[1]);
	if (PAGE_OFF(addr))
		return -LX_EINVAL;
	uint64_t pages = len / PAGE;
	uint8_t *out = mem_check(m, a[2], pages, MEM_W);
	if (!out && pages)
		return -LX_EFAULT;
	for (uint64_t i = 0; i < pages; i++) {
		if (!mem_find(m, addr + i * PAGE))
			return -LX_ENOMEM;
		out[i] = 1; /* everything in the arena is resident */
	}
	return 0;
}

int64_t sys_madvise(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	uint64_t addr = a[0], len = PAGE_UP(a[1]);
	int advice = (int)a[2];
	if (PAGE_OFF(addr) || advice < 0 || (advice > 25 && advice != MADV_HWPOISON_A))
		return -LX_EINVAL;
	int unmapped = 0;
	for (uint64_t at = addr; at < addr + len;) {
		const mem_vma *v = mem_find(m, at);
		if (!v) {
			unmapped = 1;
			at = (at + PAGE) & ~(PAGE - 1);
			continue;
		}
		uint64_t end = v->end < addr + len ? v->end : addr + len;
		/* DONTNEED/FREE on private anonymous memory: later reads see
		 * zeros, which programs (glibc's malloc) rely on; a private
		 * file mapping sees the file again. */
		if ((advice == MADV_DONTNEED_A || advice == MADV_FREE_A) &&
		    (v->flags & VMA_ANON) && !(v->flags & VMA_SHARED))
			memset(m->base + at, 0, end - at);
		if (advice == MADV_DONTNEED_A && v->file && !(v->flags & VMA_SHARED))
			load_fresh(m, at, end);
		at = end;
	}
	return unmapped ? -LX_ENOMEM : 0;
}

/* ---- compiled code follows the mappings ----
 *
 * After a mapping changes, compiled modules no longer cover what moved;
 * an ELF file mapped executable and not writable gets its module again
 * (aot.c; ld.so maps libraries with mmap and mprotect). */
static void aot_refresh(rt_thread *t, uint64_t a, uint64_t b)
{
	rv_mem *m = t->proc->mem;
	aot_unmap(m, a, b);
	for (size_t i = 0; i < m->nvma; i++) {
		const mem_vma *v = &m->vma[i];
		if (v->end <= a || v->start >= b || !v->file || !(v->prot & MEM_X) ||
		    (v->prot & MEM_W))
			continue;
		const struct vfs_node *n = v->file;
		uint64_t lo = max64(a, v->start), hi = min64(b, v->end);
		aot_map(t->proc->rt, m, lo, hi, v->offset + (lo - v->start), n->data, n->have);
	}
}

int64_t sys_mmap(rt_thread *t, const uint64_t a[6])
{
	int64_t r = do_mmap(t, a);
	if (r >= 0 || r < -4095)
		aot_refresh(t, (uint64_t)r, (uint64_t)r + PAGE_UP(a[1]));
	return r;
}

int64_t sys_munmap(rt_thread *t, const uint64_t a[6])
{
	int64_t r = do_munmap(t, a);
	if (r == 0)
		aot_unmap(t->proc->mem, a[0], a[0] + PAGE_UP(a[1]));
	return r;
}

int64_t sys_mprotect(rt_thread *t, const uint64_t a[6])
{
	int64_t r = do_mprotect(t, a);
	if (r == 0)
		aot_refresh(t, a[0], a[0] + PAGE_UP(a[1]));
	return r;
}

int64_t sys_mremap(rt_thread *t, const uint64_t a[6])
{
	int64_t r = do_mremap(t, a);
	if (r >= 0 || r < -4095) {
		aot_unmap(t->proc->mem, a[0], a[0] + PAGE_UP(a[1]));
		aot_refresh(t, (uint64_t)r, (uint64_t)r + PAGE_UP(a[2]));
	}
	return r;
}
