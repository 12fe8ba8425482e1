/* Memory syscalls: brk, mmap and friends, over the arena's VMAs (mem.c). */
#include <stdlib.h>
#include <string.h>

#include "linux_abi.h"
#include "fd.h"
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

/* Fill [addr, addr+len) from the file at off; bytes past its end stay 0. */
static long map_file(rt_thread *t, int fd, uint64_t addr, uint64_t len,
		     uint64_t off)
{
	rv_mem *m = t->proc->mem;
	uint64_t done = 0;
	while (done < len) {
		long n = fd_pread(t->proc, fd, m->base + addr + done,
				  (size_t)(len - done), off + done);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	return 0;
}

int64_t sys_mmap(rt_thread *t, const uint64_t a[6])
{
	rt_proc *p = t->proc;
	rv_mem *m = p->mem;
	uint64_t addr = a[0], len = a[1], off = a[5];
	uint32_t prot = (uint32_t)a[2];
	int flags = (int)a[3], fd = (int)a[4];
	int type = flags & MAP_SHARED_VALIDATE_F;
	if (!len || PAGE_OFF(off) || prot & ~7u || !type)
		return -LX_EINVAL;
	len = PAGE_UP(len);
	if (!len || len > m->size)
		return -LX_ENOMEM;
	int anon = flags & MAP_ANONYMOUS_F;
	char *name = NULL;
	if (!anon) {
		name = fd_path(p, fd);
		if (!name)
			return -LX_EBADF;
		/* Probe readability and type before touching the address space. */
		uint8_t probe;
		long r = fd_pread(p, fd, &probe, 0, off);
		if (r < 0) {
			free(name);
			return r == -LX_EISDIR || r == -LX_ESPIPE ? -LX_ENODEV : r;
		}
	}
	if (flags & (MAP_FIXED_F | MAP_FIXED_NOREPLACE_F)) {
		if (PAGE_OFF(addr) || addr < MEM_LOW || addr + len > m->size ||
		    addr + len < addr) {
			free(name);
			return PAGE_OFF(addr) ? -LX_EINVAL : -LX_ENOMEM;
		}
		if ((flags & MAP_FIXED_NOREPLACE_F) && !(flags & MAP_FIXED_F) &&
		    overlaps(m, addr, addr + len)) {
			free(name);
			return -LX_EEXIST;
		}
	} else {
		addr = mem_find_free(m, addr, len);
		if (!addr) {
			free(name);
			return -LX_ENOMEM;
		}
	}
	if (exec_in(m, addr, addr + len) || (prot & MEM_X))
		interp_flush(m, addr, len);
	uint32_t vflags = (anon ? VMA_ANON : 0) |
			  (type == MAP_SHARED_F ? VMA_SHARED : 0) |
			  (flags & MAP_GROWSDOWN_F ? VMA_STACK : 0);
	int e = mem_map(m, addr, len, prot, vflags, name, anon ? 0 : off);
	if (!e && !anon) {
		long r = map_file(t, fd, addr, len, off);
		if (r < 0) {
			mem_unmap(m, addr, len);
			e = (int)r;
		}
	}
	free(name);
	return e ? e : (long)addr;
}

int64_t sys_munmap(rt_thread *t, const uint64_t a[6])
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

int64_t sys_mprotect(rt_thread *t, const uint64_t a[6])
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

int64_t sys_mremap(rt_thread *t, const uint64_t a[6])
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
			int e = mem_map(m, old + oldlen, newlen - oldlen, src.prot,
					src.flags, src.name,
					src.offset + (old + oldlen - src.start));
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
	int e = mem_map(m, want, newlen, src.prot, src.flags, name,
			src.offset + (old - src.start));
	if (!e) {
		memcpy(m->base + want, tmp, keep);
		if (!(flags & MREMAP_DONTUNMAP_F))
			mem_unmap(m, old, oldlen);
		if (src.prot & MEM_X)
			interp_flush(m, 0, m->size);
	}
	free(name);
	free(tmp);
	return e ? e : (long)want;
}

int64_t sys_msync(rt_thread *t, const uint64_t a[6])
{
	rv_mem *m = t->proc->mem;
	if (PAGE_OFF(a[0]) || (a[2] & ~7ULL) || ((a[2] & 1) && (a[2] & 4)))
		return -LX_EINVAL;
	for (uint64_t at = a[0]; at < a[0] + a[1];) {
		const mem_vma *v = mem_find(m, at);
		if (!v)
			return -LX_ENOMEM;
		at = v->end;
	}
	return 0;
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
		 * zeros, which programs (glibc's malloc) rely on. */
		if ((advice == MADV_DONTNEED_A || advice == MADV_FREE_A) &&
		    (v->flags & VMA_ANON) && !(v->flags & VMA_SHARED))
			memset(m->base + at, 0, end - at);
		at = end;
	}
	return unmapped ? -LX_ENOMEM : 0;
}
