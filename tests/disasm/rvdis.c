/* rvdis: disassemble every executable section of a riscv64 ELF with
 * friscy's decoder, in objdump's line format (`addr:\traw\tinsn`), without
 * symbols. check.sh diffs it against riscv64-linux-gnu-objdump.
 *
 *   rvdis ELF */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rv_isa.h"

static const char *prog = "rvdis";

static void die(const char *path, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, path, what);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die(path, "cannot open");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				die(path, "out of memory");
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	*size = len;
	return buf;
}

/* objdump drops the leading zero nibbles that every address of the section
 * shares (in groups of four, keeping at least one), then pads with spaces. */
static int addr_width(uint64_t end)
{
	char s[17];
	int skip = 0;

	snprintf(s, sizeof s, "%016" PRIx64, end);
	while (s[skip] == '0')
		skip++;
	if (skip == 16)
		skip = 0;
	if (skip)
		skip = (skip - 1) & -4;
	return 16 - skip;
}

/* The length objdump gives an encoding (binutils' riscv_insn_length): 48-bit
 * and longer forms are known by their low bits even though no instruction
 * of that length is. */
static size_t objdump_len(uint32_t w)
{
	if ((w & 3) != 3)
		return 2;
	if ((w & 0x1f) != 0x1f)
		return 4;
	if ((w & 0x3f) == 0x1f)
		return 6;
	if ((w & 0x7f) == 0x3f)
		return 8;
	if ((w & 0x7f) == 0x7f && (w & 0x7000) != 0x7000)
		return 10 + (w >> 11 & 0xe);
	return 2;
}

static void disasm_section(const char *name, const unsigned char *p,
			   uint64_t vma, uint64_t size)
{
	int width = addr_width(vma + size);
	char text[128];

	printf("\nDisassembly of section %s:\n\n", name);
	for (uint64_t off = 0; off < size;) {
		uint64_t left = size - off, pc = vma + off;
		uint32_t w = p[off] | (left > 1 ? (uint32_t)p[off + 1] << 8 : 0);
		size_t len = objdump_len(w);

		if (len > 2 && left >= 4)
			w |= (uint32_t)p[off + 2] << 16 | (uint32_t)p[off + 3] << 24;
		if (len > left || left < 2) {
			/* A tail too short for its encoding. */
			printf("%*" PRIx64 ":\t%02x\t.byte\t0x%x\n", width, pc,
			       p[off], p[off]);
			off++;
			continue;
		}
		if (len > 4) {
			/* objdump shows these as raw bytes, 8 to a line. */
			printf("%*" PRIx64 ":\t", width, pc);
			for (size_t i = 0; i < 8; i += 2)
				if (i < len)
					printf("%02x%02x ", p[off + i + 1], p[off + i]);
				else
					printf("     ");
			printf("\t.byte\t");
			for (size_t i = 0; i < len; i++)
				printf("0x%02x%s", p[off + i], i + 1 < len ? ", " : "\n");
			for (size_t i = 8; i < len; i += 8) {
				printf("%*" PRIx64 ":\t", width, pc + i);
				for (size_t j = i; j < len && j < i + 8; j += 2)
					printf("%02x%02x ", p[off + j + 1], p[off + j]);
				printf("\n");
			}
			off += len;
			continue;
		}

		rv_insn in;
		rv_decode(w, &in);
		rv_disasm(text, sizeof text, &in, pc);
		if (in.len == 2)
			printf("%*" PRIx64 ":\t%04x                \t%s\n", width, pc,
			       w & 0xffff, text);
		else
			printf("%*" PRIx64 ":\t%08x          \t%s\n", width, pc, w,
			       text);
		off += in.len;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s ELF\n", prog);
		return 2;
	}
	const char *path = argv[1];
	size_t size;
	unsigned char *img = slurp(path, &size);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;

	if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		die(path, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_RISCV)
		die(path, "not a little-endian 64-bit RISC-V ELF");
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size)
		die(path, "bad section header table");

	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	uint64_t shnum = eh->e_shnum, shstrndx = eh->e_shstrndx;
	if (shnum == 0 && eh->e_shoff)
		shnum = sh[0].sh_size;   /* more than SHN_LORESERVE sections */
	if (shstrndx == SHN_XINDEX)
		shstrndx = sh[0].sh_link;
	if ((size - eh->e_shoff) / sizeof *sh < shnum || shstrndx >= shnum)
		die(path, "truncated section header table");
	const Elf64_Shdr *strs = &sh[shstrndx];
	if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
		die(path, "truncated section name table");

	printf("\n%s:     file format elf64-littleriscv\n", path);
	for (uint64_t i = 1; i < shnum; i++) {
		const Elf64_Shdr *s = &sh[i];
		if (!(s->sh_flags & SHF_EXECINSTR) || s->sh_type == SHT_NOBITS ||
		    s->sh_size == 0)
			continue;
		if (s->sh_offset > size || s->sh_size > size - s->sh_offset)
			die(path, "section extends past the end of the file");
		if (s->sh_name >= strs->sh_size)
			die(path, "bad section name");
		const char *name = (const char *)img + strs->sh_offset + s->sh_name;
		if (!memchr(name, 0, strs->sh_size - s->sh_name))
			die(path, "bad section name");
		disasm_section(name, img + s->sh_offset, s->sh_addr, s->sh_size);
	}
	free(img);
	return 0;
}
