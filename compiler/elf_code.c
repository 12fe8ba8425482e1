/* What is executable in the ELF: the sections marked SHF_EXECINSTR (or,
 * when the section headers are gone, the PF_X segments), the function
 * symbols of .symtab and .dynsym, the code addresses relative relocations
 * store, and the entry point; and the read-only and RELRO segments' file
 * bytes and the relative relocations, where jump_tables.c reads tables.
 * Read with libelf. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rv2wasm.h"

static int fail(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void sort_unique(uint64_t *v, size_t *n)
{
	if (!*n)
		return;
	qsort(v, *n, sizeof *v, cmp_u64);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*n = k;
}

static int add_range(struct elf_code *ec, uint64_t vaddr, uint64_t off, uint64_t len)
{
	if (off > ec->image_len || len > ec->image_len - off)
		return -1;
	struct code_range *r = realloc(ec->ranges, (ec->nranges + 1) * sizeof *r);
	if (!r)
		return -1;
	ec->ranges = r;
	r[ec->nranges++] = (struct code_range){ vaddr, ec->image + off, len };
	ec->exec_bytes += len;
	return 0;
}

/* Code addresses from a section: the function symbols of a symbol table
 * (syms), or the addresses that a RELA section's R_RISCV_RELATIVE
 * relocations store (ptrs): function pointers in the data (a PIE's or a
 * library's tables of handlers, say), which are called through a
 * register, or a computed goto's label addresses; both are entries the
 * runtime's lookup finds. (cfg.c ignores the addresses that are not at
 * an instruction.) */
static void add_starts(struct elf_code *ec, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	int rela = sh->sh_type == SHT_RELA;
	uint64_t **to = rela ? &ec->ptrs : &ec->syms;
	size_t *nto = rela ? &ec->nptrs : &ec->nsyms;
	uint64_t *v = realloc(*to, (*nto + n) * sizeof *v);
	if (!v)
		return;
	*to = v;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		GElf_Rela r;
		if (rela) {
			if (!gelf_getrela(d, (int)i, &r))
				break;
			if (GELF_R_TYPE(r.r_info) != R_RISCV_RELATIVE || r.r_addend <= 0)
				continue;
			ec->ptrs[ec->nptrs++] = (uint64_t)r.r_addend;
			if (ec->nrel == ec->caprel) {
				size_t cap = ec->caprel ? 2 * ec->caprel : 1024;
				struct reloc *v2 = realloc(ec->rel, cap * sizeof *v2);
				if (!v2)
					continue; /* (a pointer not known: a table not read) */
				ec->rel = v2;
				ec->caprel = cap;
			}
			ec->rel[ec->nrel++] = (struct reloc){ r.r_offset, (uint64_t)r.r_addend };
		} else {
			if (!gelf_getsym(d, (int)i, &s))
				break;
			if (GELF_ST_TYPE(s.st_info) == STT_FUNC && s.st_shndx != SHN_UNDEF && s.st_value)
				ec->syms[ec->nsyms++] = s.st_value;
		}
	}
}

int elf_code_read(const char *path, struct elf_code *ec, char *err, size_t cap)
{
	memset(ec, 0, sizeof *ec);
	ec->path = path;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, cap, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, cap, "%s: not a regular file", path);
	}
	ec->image_len = (size_t)st.st_size;
	ec->image = malloc(ec->image_len ? ec->image_len : 1);
	size_t got = 0;
	while (ec->image && got < ec->image_len) {
		ssize_t k = read(fd, ec->image + got, ec->image_len - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!ec->image || got != ec->image_len)
		return fail(err, cap, "%s: cannot read it", path);
	if (ec->image_len < 4 || memcmp(ec->image, ELFMAG, SELFMAG))
		return fail(err, cap, "%s: not an ELF file", path);

	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)ec->image, ec->image_len);
	GElf_Ehdr eh;
	if (!e || !gelf_getehdr(e, &eh)) {
		if (e)
			elf_end(e);
		return fail(err, cap, "%s: truncated or corrupt ELF header", path);
	}
	int r = 0;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		r = fail(err, cap, "%s: not a 64-bit ELF (rv2wasm compiles RV64 only)", path);
	else if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		r = fail(err, cap, "%s: big-endian ELF, not RISC-V", path);
	else if (eh.e_machine != EM_RISCV)
		r = fail(err, cap, "%s: ELF for machine %u, not RISC-V (%u)", path,
			 (unsigned)eh.e_machine, (unsigned)EM_RISCV);
	else if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		r = fail(err, cap, "%s: not an executable or shared object (ELF type %u)", path,
			 (unsigned)eh.e_type);
	else if ((eh.e_phnum && (eh.e_phoff > ec->image_len ||
				 (uint64_t)eh.e_phnum * eh.e_phentsize > ec->image_len - eh.e_phoff)) ||
		 (eh.e_shnum && (eh.e_shoff > ec->image_len ||
				 (uint64_t)eh.e_shnum * eh.e_shentsize > ec->image_len - eh.e_shoff)))
		r = fail(err, cap, "%s: truncated ELF: its headers reach past the end of the file", path);
	if (r) {
		elf_end(e);
		return r;
	}
	ec->is_dyn = eh.e_type == ET_DYN;
	ec->entry = eh.e_entry;

	/* Sections first: they leave out the ELF header and data that an
	 * executable segment may also cover. */
	size_t nsec = 0;
	if (elf_getshdrnum(e, &nsec) == 0) {
		for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) && sh.sh_size) {
				if (add_range(ec, sh.sh_addr, sh.sh_offset, sh.sh_size) < 0) {
					elf_end(e);
					return fail(err, cap, "%s: section at 0x%llx reaches past the end of the file",
						    path, (unsigned long long)sh.sh_addr);
				}
			} else if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM ||
				   sh.sh_type == SHT_RELA) {
				add_starts(ec, scn, &sh);
			}
		}
	}
	size_t nph = 0;
	if (elf_getphdrnum(e, &nph) < 0) {
		elf_end(e);
		return fail(err, cap, "%s: corrupt program headers", path);
	}
	int from_segments = !ec->nranges;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			continue;
		if (ph.p_type == PT_GNU_RELRO && ph.p_offset <= ec->image_len &&
		    ph.p_filesz <= ec->image_len - ph.p_offset) {
			struct code_range *rr = realloc(ec->relro, (ec->nrelro + 1) * sizeof *rr);
			if (rr) { /* (without it: tables there are not read) */
				ec->relro = rr;
				ec->relro[ec->nrelro++] = (struct code_range){
					ph.p_vaddr, ec->image + ph.p_offset, ph.p_filesz };
			}
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > ec->image_len || ph.p_filesz > ec->image_len - ph.p_offset) {
			if (!from_segments || !(ph.p_flags & PF_X))
				continue; /* (not code: no jump tables read there) */
			elf_end(e);
			return fail(err, cap, "%s: segment at 0x%llx reaches past the end of the file",
				    path, (unsigned long long)ph.p_vaddr);
		}
		if (!(ph.p_flags & PF_W) && ph.p_filesz) {
			struct code_range *ro = realloc(ec->ro, (ec->nro + 1) * sizeof *ro);
			if (!ro) {
				elf_end(e);
				return fail(err, cap, "%s: out of memory", path);
			}
			ec->ro = ro;
			ec->ro[ec->nro++] = (struct code_range){ ph.p_vaddr, ec->image + ph.p_offset,
								  ph.p_filesz };
		}
		if (from_segments && (ph.p_flags & PF_X) &&
		    add_range(ec, ph.p_vaddr, ph.p_offset, ph.p_filesz) < 0) {
			elf_end(e);
			return fail(err, cap, "%s: out of memory", path);
		}
	}
	elf_end(e);
	if (!ec->nranges)
		return fail(err, cap, "%s: no executable code (no executable section or segment)", path);
	if (ec->nrel)
		qsort(ec->rel, ec->nrel, sizeof *ec->rel, cmp_u64); /* (by at, its first field) */
	sort_unique(ec->syms, &ec->nsyms);
	sort_unique(ec->ptrs, &ec->nptrs);
	return 0;
}


static const uint8_t *in_ranges(const struct code_range *rs, size_t n, uint64_t vaddr,
				uint64_t len)
{
	for (size_t i = 0; i < n; i++)
		if (vaddr >= rs[i].vaddr && vaddr - rs[i].vaddr <= rs[i].len &&
		    len <= rs[i].len - (vaddr - rs[i].vaddr))
			return rs[i].bytes + (vaddr - rs[i].vaddr);
	return NULL;
}

const uint8_t *elf_code_ro(const struct elf_code *ec, uint64_t vaddr, uint64_t n)
{
	return in_ranges(ec->ro, ec->nro, vaddr, n);
}

int elf_code_pointer(const struct elf_code *ec, uint64_t vaddr, uint64_t *v)
{
	if (ec->is_dyn) { /* the file holds no address, its relocation does */
		size_t lo = 0, hi = ec->nrel;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (ec->rel[mid].at < vaddr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == ec->nrel || ec->rel[lo].at != vaddr)
			return 0;
		*v = ec->rel[lo].value;
		return 1;
	}
	const uint8_t *b = in_ranges(ec->ro, ec->nro, vaddr, 8);
	if (!b)
		b = in_ranges(ec->relro, ec->nrelro, vaddr, 8);
	if (!b)
		return 0;
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 1;
}

void elf_code_free(struct elf_code *ec)
{
	free(ec->relro);
	free(ec->rel);
	free(ec->image);
	free(ec->ranges);
	free(ec->ro);
	free(ec->syms);
	free(ec->ptrs);
	memset(ec, 0, sizeof *ec);
}
