/* ELF loading and the initial process stack, as Linux's binfmt_elf and
 * binfmt_script do it. */
#include "linux_abi.h"
#include "syscall.h"
#include "elf_load.h"
#include "aot.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "mem.h"
#include "vfs.h"

#define STACK_SIZE (8ULL << 20)      /* RLIMIT_STACK's usual 8 MiB */
#define PIE_BIAS 0x400000ULL         /* where an ET_DYN main program goes */
#define MAX_SCRIPT_DEPTH 4           /* Linux allows a few nested #! */
#define HWCAP_RV64GC                                                     \
	((1 << ('i' - 'a')) | (1 << ('m' - 'a')) | (1 << ('a' - 'a')) |   \
	 (1 << ('f' - 'a')) | (1 << ('d' - 'a')) | (1 << ('c' - 'a')))

/* The signal return trampoline lives in a page of its own, as Linux's vDSO
 * provides __vdso_rt_sigreturn: `li a7, 139; ecall`. */
static const uint32_t sigreturn_code[] = { 0x08b00893, 0x00000073 };

static int fail(char *err, size_t cap, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t cap, int e, const char *fmt, ...)
{
	if (err && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return e;
}

static uint64_t page_down(uint64_t a) { return a & ~(MEM_PAGE - 1); }
static uint64_t page_up(uint64_t a) { return (a + MEM_PAGE - 1) & ~(MEM_PAGE - 1); }

/* A checked view of one ELF file. */
typedef struct elf_file {
	const char *path;
	const uint8_t *data;
	size_t len;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	uint64_t lo, hi;      /* page-rounded span of the PT_LOAD segments */
} elf_file;

static int elf_check(elf_file *f, char *err, size_t cap)
{
	const uint8_t *d = f->data;
	if (f->len < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG))
		return fail(err, cap, -LX_ENOEXEC, "%s: not an ELF file", f->path);
	if (d[EI_CLASS] != ELFCLASS64)
		return fail(err, cap, -LX_ENOEXEC,
			    "%s: %s ELF; friscy runs 64-bit RISC-V (riscv64) programs",
			    f->path, d[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown-class");
	if (f->len < sizeof(Elf64_Ehdr))
		return fail(err, cap, -LX_ENOEXEC, "%s: truncated ELF header", f->path);
	f->eh = (const Elf64_Ehdr *)d;
	if (d[EI_DATA] != ELFDATA2LSB)
		return fail(err, cap, -LX_ENOEXEC,
			    "%s: big-endian ELF; riscv64 programs are little-endian", f->path);
	if (f->eh->e_machine != EM_RISCV)
		return fail(err, cap, -LX_ENOEXEC,
			    "%s: ELF for machine %u, not RISC-V (243)", f->path,
			    f->eh->e_machine);
	if (f->eh->e_type != ET_EXEC && f->eh->e_type != ET_DYN)
		return fail(err, cap, -LX_ENOEXEC, "%s: not an executable ELF (type %u)",
			    f->path, f->eh->e_type);
	if (f->eh->e_phentsize != sizeof(Elf64_Phdr) || f->eh->e_phnum == 0 ||
	    f->eh->e_phnum > 256 || f->eh->e_phoff > f->len ||
	    f->len - f->eh->e_phoff < (uint64_t)f->eh->e_phnum * sizeof(Elf64_Phdr))
		return fail(err, cap, -LX_ENOEXEC,
			    "%s: truncated or bad program headers", f->path);
	f->ph = (const Elf64_Phdr *)(d + f->eh->e_phoff);
	f->lo = UINT64_MAX;
	f->hi = 0;
	for (unsigned i = 0; i < f->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &f->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_offset > f->len || p->p_filesz > f->len - p->p_offset)
			return fail(err, cap, -LX_ENOEXEC,
				    "%s: truncated ELF (segment %u runs past the end of the file)",
				    f->path, i);
		if (p->p_memsz < p->p_filesz || p->p_vaddr + p->p_memsz < p->p_vaddr ||
		    (p->p_vaddr & (MEM_PAGE - 1)) != (p->p_offset & (MEM_PAGE - 1)))
			return fail(err, cap, -LX_ENOEXEC, "%s: bad PT_LOAD segment %u",
				    f->path, i);
		if (page_down(p->p_vaddr) < f->lo)
			f->lo = page_down(p->p_vaddr);
		if (page_up(p->p_vaddr + p->p_memsz) > f->hi)
			f->hi = page_up(p->p_vaddr + p->p_memsz);
	}
	if (f->hi == 0)
		return fail(err, cap, -LX_ENOEXEC, "%s: no loadable segment", f->path);
	return 0;
}

static uint32_t seg_prot(uint32_t pf)
{
	return (pf & PF_R ? MEM_R : 0) | (pf & PF_W ? MEM_W : 0) |
	       (pf & PF_X ? MEM_X : 0);
}

/* Map f's segments at bias. All mappings go in before any bytes are copied,
 * because neighbouring segments may share a page. */
static int elf_map(rv_mem *m, const elf_file *f, uint64_t bias, const char *name,
		   char *err, size_t cap)
{
	if (f->lo + bias < MEM_LOW || f->hi + bias > m->mmap_base)
		return fail(err, cap, -LX_ENOMEM,
			    "%s: segments at 0x%llx-0x%llx do not fit the guest address space",
			    f->path, (unsigned long long)(f->lo + bias),
			    (unsigned long long)(f->hi + bias));
	for (unsigned i = 0; i < f->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &f->ph[i];
		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		uint64_t a = page_down(p->p_vaddr + bias);
		uint64_t b = page_up(p->p_vaddr + bias + p->p_memsz);
		if (mem_map(m, a, b - a, seg_prot(p->p_flags), 0, name,
			    page_down(p->p_offset)))
			return fail(err, cap, -LX_ENOMEM, "%s: cannot map segment %u", f->path, i);
	}
	for (unsigned i = 0; i < f->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &f->ph[i];
		if (p->p_type == PT_LOAD && p->p_filesz)
			memcpy(m->base + p->p_vaddr + bias, f->data + p->p_offset,
			       p->p_filesz);
	}
	return 0;
}

/* Compiled code for f's executable, read-only segments, if the host has it. */
static void aot_map_elf(rt *r, rv_mem *m, const elf_file *f, uint64_t bias)
{
	for (unsigned i = 0; i < f->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &f->ph[i];
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_X) || (p->p_flags & PF_W) ||
		    !p->p_memsz)
			continue;
		aot_map(r, m, page_down(p->p_vaddr + bias), page_up(p->p_vaddr + bias + p->p_memsz),
			page_down(p->p_offset), f->data, f->len);
	}
}

/* Guest address of the program headers, for AT_PHDR. */
static uint64_t elf_phdr_addr(const elf_file *f, uint64_t bias)
{
	for (unsigned i = 0; i < f->eh->e_phnum; i++)
		if (f->ph[i].p_type == PT_PHDR)
			return f->ph[i].p_vaddr + bias;
	for (unsigned i = 0; i < f->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &f->ph[i];
		if (p->p_type == PT_LOAD && f->eh->e_phoff >= p->p_offset &&
		    f->eh->e_phoff < p->p_offset + p->p_filesz)
			return p->p_vaddr + bias + (f->eh->e_phoff - p->p_offset);
	}
	return 0;
}

/* Builds the initial stack top-down, as fs/binfmt_elf.c create_elf_tables. */
typedef struct stack_builder {
	rv_mem *m;
	uint64_t sp;
	int bad;
} stack_builder;

static uint64_t push_bytes(stack_builder *s, const void *p, size_t n)
{
	if (s->sp - n < s->m->stack_top - STACK_SIZE) {
		s->bad = 1;
		return 0;
	}
	s->sp -= n;
	memcpy(s->m->base + s->sp, p, n);
	return s->sp;
}

static size_t count(char *const v[])
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Keep copies of argv/envp for /proc/self/cmdline and environ. */
static char *flatten(char *const v[], size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; v && v[i]; i++)
		n += strlen(v[i]) + 1;
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; v && v[i]; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(o, v[i], l);
		o += l;
	}
	*len = n;
	return out;
}

static int build_stack(rt_thread *t, rv_mem *m, const char *execfn,
		       char *const argv[], char *const envp[], uint64_t *auxv,
		       size_t nauxv, uint64_t *sp_out)
{
	stack_builder s = { m, m->stack_top, 0 };
	size_t argc = count(argv), envc = count(envp);
	uint64_t *ptrs = malloc((argc + envc + 2) * sizeof *ptrs);
	if (!ptrs)
		return -LX_ENOMEM;
	uint64_t fn = push_bytes(&s, execfn, strlen(execfn) + 1);
	for (size_t i = envc; i-- > 0;)
		ptrs[argc + 1 + i] = push_bytes(&s, envp[i], strlen(envp[i]) + 1);
	for (size_t i = argc; i-- > 0;)
		ptrs[i] = push_bytes(&s, argv[i], strlen(argv[i]) + 1);
	ptrs[argc] = 0;
	ptrs[argc + 1 + envc] = 0;
	uint8_t rnd[16];
	t->proc->rt->host.random(rnd, sizeof rnd);
	s.sp &= ~15ULL;
	uint64_t rnd_at = push_bytes(&s, rnd, sizeof rnd);
	for (size_t i = 0; i < nauxv; i += 2) {
		if (auxv[i] == AT_RANDOM)
			auxv[i + 1] = rnd_at;
		if (auxv[i] == AT_EXECFN)
			auxv[i + 1] = fn;
	}
	/* argc, argv[], NULL, envp[], NULL, auxv pairs: sp ends 16-aligned. */
	size_t words = 1 + argc + 1 + envc + 1 + nauxv;
	s.sp = (s.sp - words * 8) & ~15ULL;
	if (s.sp < m->stack_top - STACK_SIZE || s.bad) {
		free(ptrs);
		return -LX_E2BIG;
	}
	uint64_t at = s.sp;
	uint64_t argc64 = argc;
	memcpy(m->base + at, &argc64, 8);
	memcpy(m->base + at + 8, ptrs, (argc + envc + 2) * 8);
	memcpy(m->base + at + 8 + (argc + envc + 2) * 8, auxv, nauxv * 8);
	free(ptrs);
	*sp_out = s.sp;
	return 0;
}

/* `#!interpreter [arg]` → argv for the interpreter, as binfmt_script. */
static int script_argv(const char *path, const uint8_t *data, size_t len,
		       char *const argv[], char **interp_out, char ***argv_out)
{
	size_t n = len < 256 ? len : 256; /* BINPRM_BUF_SIZE */
	const char *p = (const char *)data + 2, *end = (const char *)data + n;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (nl)
		end = nl;
	else if (len > 256)
		return -LX_ENOEXEC; /* interpreter line too long */
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *ie = p;
	while (ie < end && *ie != ' ' && *ie != '\t')
		ie++;
	if (ie == p)
		return -LX_ENOEXEC;
	const char *ap = ie;
	while (ap < end && (*ap == ' ' || *ap == '\t'))
		ap++;
	const char *ae = end;
	while (ae > ap && (ae[-1] == ' ' || ae[-1] == '\t' || ae[-1] == '\r'))
		ae--;
	size_t argc = count(argv);
	char **v = calloc(argc + 4, sizeof *v);
	if (!v)
		return -LX_ENOMEM;
	size_t k = 0;
	v[k++] = strndup(p, (size_t)(ie - p));
	if (ae > ap)
		v[k++] = strndup(ap, (size_t)(ae - ap));
	v[k++] = strdup(path);
	for (size_t i = 1; i < argc; i++)
		v[k++] = strdup(argv[i]);
	*interp_out = strdup(v[0]);
	*argv_out = v;
	return 0;
}

static void free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int exec_elf(rt_thread *t, const char *path, const uint8_t *data,
		    size_t len, char *const argv[], char *const envp[],
		    char *err, size_t cap)
{
	rt_proc *p = t->proc;
	rt *r = p->rt;
	elf_file exe = { .path = path, .data = data, .len = len };
	int e = elf_check(&exe, err, cap);
	if (e)
		return e;

	/* PT_INTERP: the dynamic linker, read from the container. */
	elf_file ld = { 0 };
	char *ld_path = NULL;
	for (unsigned i = 0; i < exe.eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &exe.ph[i];
		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset ||
		    ph->p_filesz < 2 || ph->p_filesz > 4096 ||
		    data[ph->p_offset + ph->p_filesz - 1] != 0)
			return fail(err, cap, -LX_ENOEXEC, "%s: bad PT_INTERP", path);
		const char *name = (const char *)data + ph->p_offset;
		e = vfs_load_file(p, name, &ld.data, &ld.len, &ld_path);
		if (e)
			return fail(err, cap, e,
				    "%s: cannot load its dynamic linker %s: %s", path,
				    name, lx_strerror(-e));
		ld.path = ld_path;
		e = elf_check(&ld, err, cap);
		if (e) {
			free(ld_path);
			return e;
		}
	}

	rv_mem *m = mem_new(r->opt.arena_size);
	if (!m) {
		free(ld_path);
		return fail(err, cap, -LX_ENOMEM, "%s: cannot allocate a %llu MiB guest arena",
			    path, (unsigned long long)(r->opt.arena_size >> 20));
	}
	m->stack_top = m->size;
	m->mmap_base = m->stack_top - STACK_SIZE - (1ULL << 20);

	uint64_t bias = 0;
	if (exe.eh->e_type == ET_DYN)
		bias = PIE_BIAS - exe.lo;
	e = elf_map(m, &exe, bias, path, err, cap);
	uint64_t ld_bias = 0, entry = exe.eh->e_entry + bias;
	if (!e && ld.data) {
		uint64_t span = ld.hi - ld.lo;
		uint64_t at = ld.eh->e_type == ET_DYN ? mem_find_free(m, 0, span) : ld.lo;
		if (!at)
			e = fail(err, cap, -LX_ENOMEM, "%s: no room for %s", path, ld.path);
		else {
			ld_bias = ld.eh->e_type == ET_DYN ? at - ld.lo : 0;
			e = elf_map(m, &ld, ld_bias, ld.path, err, cap);
			entry = ld.eh->e_entry + ld_bias;
		}
	}
	/* Stack, and the sigreturn trampoline page above the mmap area. */
	uint64_t tramp = m->mmap_base;
	if (!e && (mem_map(m, m->stack_top - STACK_SIZE, STACK_SIZE, MEM_R | MEM_W,
			   VMA_ANON | VMA_STACK, "[stack]", 0) ||
		   mem_map(m, tramp, MEM_PAGE, MEM_R | MEM_X, VMA_ANON, "[vdso]", 0)))
		e = fail(err, cap, -LX_ENOMEM, "%s: cannot map the stack", path);
	if (e) {
		mem_free(m);
		free(ld_path);
		return e;
	}
	memcpy(m->base + tramp, sigreturn_code, sizeof sigreturn_code);
	m->brk_start = m->brk = exe.hi + bias;

	uint64_t auxv[] = {
		AT_PHDR, elf_phdr_addr(&exe, bias),
		AT_PHENT, sizeof(Elf64_Phdr),
		AT_PHNUM, exe.eh->e_phnum,
		AT_PAGESZ, MEM_PAGE,
		AT_BASE, ld.data ? ld.lo + ld_bias : 0,
		AT_FLAGS, 0,
		AT_ENTRY, exe.eh->e_entry + bias,
		AT_UID, p->uid,
		AT_EUID, p->euid,
		AT_GID, p->gid,
		AT_EGID, p->egid,
		AT_HWCAP, HWCAP_RV64GC,
		AT_CLKTCK, 100,
		AT_SECURE, 0,
		AT_RANDOM, 0,        /* filled by build_stack */
		AT_EXECFN, 0,        /* filled by build_stack */
		AT_NULL, 0,
	};
	size_t nauxv = sizeof auxv / sizeof auxv[0];
	uint64_t sp;
	e = build_stack(t, m, path, argv, envp, auxv, nauxv, &sp);
	free(ld_path);
	if (e) {
		mem_free(m);
		return fail(err, cap, e, "%s: arguments and environment too large", path);
	}

	/* Commit: from here the old image is gone. */
	if (p->mem && --p->mem->refs == 0)
		mem_free(p->mem);
	p->mem = m;
	p->sigreturn_tramp = tramp;
	free(p->exe);
	p->exe = strdup(path);
	free(p->cmdline);
	p->cmdline = flatten(argv, &p->cmdline_len);
	free(p->environ);
	p->environ = flatten(envp, &p->environ_len);
	memcpy(p->auxv, auxv, sizeof auxv);
	p->auxv_len = sizeof auxv;
	aot_map_elf(r, m, &exe, bias);
	if (ld.data)
		aot_map_elf(r, m, &ld, ld_bias);
	memset(&t->cpu, 0, sizeof t->cpu);
	t->cpu.pc = entry;
	t->cpu.x[2] = sp;
	t->cpu.lr_addr = RV_NO_RESERVATION;
	return 0;
}

static int exec_depth(rt_thread *t, const char *path, const uint8_t *data,
		      size_t len, char *const argv[], char *const envp[],
		      char *err, size_t cap, int depth)
{
	if (len >= 2 && data[0] == '#' && data[1] == '!') {
		if (depth >= MAX_SCRIPT_DEPTH)
			return fail(err, cap, -LX_ELOOP, "%s: too many levels of #! interpreters",
				    path);
		char *interp, **nargv;
		int e = script_argv(path, data, len, argv, &interp, &nargv);
		if (e)
			return fail(err, cap, e, "%s: bad #! line", path);
		const uint8_t *idata;
		size_t ilen;
		char *ipath;
		e = vfs_load_file(t->proc, interp, &idata, &ilen, &ipath);
		if (e)
			e = fail(err, cap, e, "%s: cannot run its interpreter %s: %s",
				 path, interp, lx_strerror(-e));
		else {
			e = exec_depth(t, ipath, idata, ilen, nargv, envp, err, cap,
				       depth + 1);
			free(ipath);
		}
		free(interp);
		free_argv(nargv);
		return e;
	}
	return exec_elf(t, path, data, len, argv, envp, err, cap);
}

int elf_exec(rt_thread *t, const char *path, const uint8_t *data, size_t len,
	     char *const argv[], char *const envp[], char *err, size_t cap)
{
	return exec_depth(t, path, data, len, argv, envp, err, cap, 0);
}
