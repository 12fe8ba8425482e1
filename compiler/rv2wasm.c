/* rv2wasm INPUT.elf -o OUTPUT.wasm [-O0|-O1|-O2|-O3] [--stats] [--wat]
 *
 * Compiles every executable byte of a RISC-V ELF (executable or shared
 * object) into one WebAssembly module that the runtime runs in place of
 * the interpreter (docs/COMPILER.md). The output is validated before it
 * is written, and written whole or not at all (a temporary file renamed
 * over OUTPUT). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <binaryen-c.h>

#include "rv2wasm.h"

static const char usage[] =
	"usage: rv2wasm INPUT.elf -o OUTPUT.wasm [-O0|-O1|-O2|-O3] [--stats] [--wat]\n"
	"Compile a RISC-V RV64GC ELF (executable or shared object) to WebAssembly\n"
	"for friscy's runtime.\n"
	"  -o FILE     the module to write (required)\n"
	"  -O0..-O3    Binaryen optimization level (default -O2)\n"
	"  --stats     functions, blocks, instructions lifted and left to the\n"
	"              interpreter (and which), output size, time per phase\n"
	"  --wat       also write the text form to OUTPUT.wat\n";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The output goes to a temporary file beside it, renamed over it once
 * whole. The temporary is made first, so that an output that cannot be
 * written is said at once, before any work. */
struct output {
	const char *path;
	char *tmp;
	FILE *f;
};

static int output_open(struct output *o, const char *path, char *err, size_t cap)
{
	size_t n = strlen(path) + 32;
	o->path = path;
	o->f = NULL;
	o->tmp = malloc(n);
	if (!o->tmp) {
		snprintf(err, cap, "%s: out of memory", path);
		return -1;
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "wb");
	if (!o->f) {
		snprintf(err, cap, "%s: cannot write: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

static void output_abandon(struct output *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	o->f = NULL;
	o->tmp = NULL;
}

static int output_finish(struct output *o, const void *buf, size_t len, char *err, size_t cap)
{
	int ok = fwrite(buf, 1, len, o->f) == len;
	ok &= fclose(o->f) == 0;
	o->f = NULL;
	if (!ok || rename(o->tmp, o->path) < 0) {
		snprintf(err, cap, "%s: cannot write: %s", o->path, strerror(errno));
		output_abandon(o);
		return -1;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

/* A whole small file (the --wat text). */
static int write_whole(const char *path, const void *buf, size_t len, char *err, size_t cap)
{
	struct output o;
	if (output_open(&o, path, err, cap) < 0)
		return -1;
	return output_finish(&o, buf, len, err, cap);
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	int opt = 2, stats = 0, wat = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3])
			opt = a[2] - '0';
		else if (!strcmp(a, "--stats"))
			stats = 1;
		else if (!strcmp(a, "--wat"))
			wat = 1;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (a[0] == '-') {
			fprintf(stderr, "rv2wasm: unknown option %s\n%s", a, usage);
			return 2;
		} else if (!in)
			in = a;
		else {
			fprintf(stderr, "rv2wasm: more than one input (%s, %s)\n", in, a);
			return 2;
		}
	}
	if (!in || !out) {
		fputs(usage, stderr);
		return 2;
	}

	char err[1024];
	double t0 = now();
	struct elf_code ec;
	if (elf_code_read(in, &ec, err, sizeof err) < 0) {
		fprintf(stderr, "rv2wasm: %s\n", err);
		elf_code_free(&ec);
		return 1;
	}
	struct output o;
	if (output_open(&o, out, err, sizeof err) < 0) {
		fprintf(stderr, "rv2wasm: %s\n", err);
		elf_code_free(&ec);
		return 1;
	}
	double t1 = now();
	struct program p;
	if (cfg_build(&ec, &p, err, sizeof err) < 0 || !p.nblocks) {
		if (!p.nblocks && !err[0])
			snprintf(err, sizeof err, "%s: no instructions in its executable sections", in);
		fprintf(stderr, "rv2wasm: %s\n", err);
		output_abandon(&o);
		cfg_free(&p);
		elf_code_free(&ec);
		return 1;
	}
	double t2 = now();
	struct lift_stats ls;
	BinaryenModuleRef m = lift_program(&p, &ls, err, sizeof err);
	if (!m) {
		fprintf(stderr, "rv2wasm: %s: %s\n", in, err);
		output_abandon(&o);
		cfg_free(&p);
		elf_code_free(&ec);
		return 1;
	}
	double t3 = now();
	if (!BinaryenModuleValidate(m)) {
		fprintf(stderr, "rv2wasm: %s: internal error: the module does not validate\n", in);
		output_abandon(&o);
		BinaryenModuleDispose(m);
		return 70;
	}
	double t4 = now();
	BinaryenSetOptimizeLevel(opt);
	BinaryenSetShrinkLevel(0);
	if (opt)
		BinaryenModuleOptimize(m);
	double t5 = now();
	BinaryenModuleAllocateAndWriteResult r = BinaryenModuleAllocateAndWrite(m, NULL);
	int rc = 0;
	if (!r.binary) {
		fprintf(stderr, "rv2wasm: %s: cannot serialize the module\n", in);
		output_abandon(&o);
		rc = 1;
	} else if (output_finish(&o, r.binary, r.binaryBytes, err, sizeof err) < 0) {
		fprintf(stderr, "rv2wasm: %s\n", err);
		rc = 1;
	}
	if (!rc && wat) {
		char *text = BinaryenModuleAllocateAndWriteText(m);
		size_t n = strlen(out) + 5;
		char *wpath = malloc(n);
		if (text && wpath) {
			snprintf(wpath, n, "%s.wat", out);
			if (write_whole(wpath, text, strlen(text), err, sizeof err) < 0) {
				fprintf(stderr, "rv2wasm: %s\n", err);
				rc = 1;
			}
		}
		free(text);
		free(wpath);
	}
	double t6 = now();
	if (stats && !rc) {
		size_t insns = ls.lifted + ls.stepped + ls.to_interp;
		fprintf(stderr, "rv2wasm: %s -> %s\n", in, out);
		fprintf(stderr, "  code: %llu executable bytes, %zu instructions, %zu undecodable halfwords\n",
			(unsigned long long)ec.exec_bytes, p.ninsns, p.illegal);
		fprintf(stderr, "  functions: %zu, blocks: %zu, indirect jumps (jalr): %zu (all left to the runtime's lookup)\n",
			p.nfuncs, p.nblocks, p.indirect);
		fprintf(stderr, "  lifted: %zu of %zu instructions compiled inline (%.1f%%), %zu run in place by "
			"the runtime's interpreter (env.step), %zu left to the interpreter (exits)\n",
			ls.lifted, insns, insns ? 100.0 * (double)ls.lifted / (double)insns : 0.0, ls.stepped,
			ls.to_interp);
		/* The most frequent reasons. */
		for (int shown = 0; shown < 8; shown++) {
			int best = -1;
			for (int o = 0; o < RV_OP_COUNT; o++)
				if (ls.by_op[o] && (best < 0 || ls.by_op[o] > ls.by_op[best]))
					best = o;
			if (best < 0)
				break;
			fprintf(stderr, "    %-12s %zu (%s)\n", rv_op_name[best], ls.by_op[best],
				lift_supports(best) ? "env.step" : "exit");
			ls.by_op[best] = 0;
		}
		fprintf(stderr, "  output: %zu bytes (%.2fx the executable bytes)\n", r.binaryBytes,
			(double)r.binaryBytes / (double)(ec.exec_bytes ? ec.exec_bytes : 1));
		fprintf(stderr, "  time: read %.2f s, cfg %.2f s, lift %.2f s, validate %.2f s, "
			"optimize (-O%d) %.2f s, write %.2f s\n",
			t1 - t0, t2 - t1, t3 - t2, t4 - t3, opt, t5 - t4, t6 - t5);
	}
	free(r.binary);
	free(r.sourceMap);
	BinaryenModuleDispose(m);
	cfg_free(&p);
	elf_code_free(&ec);
	return rc;
}
