/* rv2wasm INPUT.elf -o OUTPUT.wasm [-O0|-O1|-O2|-O3] [--stats] [--wat] [--names]
 *
 * Compiles every executable byte of a RISC-V ELF (executable or shared
 * object) into one WebAssembly module that the runtime runs in place of
 * the interpreter (docs/COMPILER.md). The output is validated before it
 * is written, and written whole or not at all (a temporary file renamed
 * over OUTPUT). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <binaryen-c.h>

#include "rv2wasm.h"

static const char usage[] =
	"usage: rv2wasm INPUT.elf -o OUTPUT.wasm [-O0|-O1|-O2|-O3] [--stats] [--wat] [--names]\n"
	"Compile a RISC-V RV64GC ELF (executable or shared object) to WebAssembly\n"
	"for friscy's runtime.\n"
	"  -o FILE     the module to write (required)\n"
	"  -O0..-O3    optimization: none; a few Binaryen passes (-O1, -O2: see\n"
	"              docs/COMPILER.md); Binaryen's own -O3 pipeline (default -O2)\n"
	"  --stats     functions, blocks, instructions lifted and left to the\n"
	"              interpreter (and which), output size, time per phase\n"
	"  --wat       also write the text form to OUTPUT.wat\n"
	"  --names     a name section: each function named f_ADDR, the guest\n"
	"              link address it starts at (for profilers; off by default,\n"
	"              as it makes the module bigger)\n";

/* The passes of -O1 and -O2. Lifted code is regular (locals set once and
 * read once, blocks in blocks, branches to the next block), and these
 * passes take most of what Binaryen's own -O2 takes off it in a third of
 * the time: on busybox, 23.0x the code size unoptimized, 20.3x after -O1,
 * 19.9x after -O2 (+ optimize-instructions), 19.4x after Binaryen's -O2
 * (28.6 s against 10.5 s). V8 optimizes the rest: the benchmarks run as
 * fast unoptimized as after Binaryen's -O2. */
static const char *opt_passes[] = {
	"merge-blocks", "remove-unused-brs", "simplify-locals-nostructure", "vacuum",
	"coalesce-locals", "reorder-locals", /* -O1: the first OPT1_PASSES */
	"optimize-instructions", "vacuum",   /* -O2: all (the last vacuum drops what
					      * coalesce-locals left of dead sets) */
};
enum { OPT1_PASSES = 6 };

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

/* The progress line: on a terminal, once a compile has taken a second,
 * a ticker thread rewrites one line of stderr with the phase, how far it
 * is (functions lifted) and the time so far; it is erased at the end. */
struct progress progress;
static pthread_mutex_t tick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick_cond = PTHREAD_COND_INITIALIZER;
static int tick_stop, tick_shown;
static const char *tick_file;

static void *ticker(void *arg)
{
	double t0 = *(double *)arg;
	pthread_mutex_lock(&tick_lock);
	while (!tick_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&tick_cond, &tick_lock, &ts);
		double t = now() - t0;
		const char *phase = progress.phase;
		if (tick_stop || t < 1.0 || !phase)
			continue;
		size_t done = progress.done, total = progress.total;
		if (!strcmp(phase, "lift") && total)
			fprintf(stderr, "\r\033[Krv2wasm: %s: lifting, %zu of %zu functions, %.0f s", tick_file,
				done, total, t);
		else
			fprintf(stderr, "\r\033[Krv2wasm: %s: %s, %.0f s", tick_file, phase, t);
		tick_shown = 1;
	}
	if (tick_shown)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&tick_lock);
	return NULL;
}

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

/* Stop the progress line for good (before anything else is printed). */
static pthread_t tick;
static int ticking;
static void stop_ticker(void)
{
	if (!ticking)
		return;
	pthread_mutex_lock(&tick_lock);
	tick_stop = 1;
	pthread_cond_signal(&tick_cond);
	pthread_mutex_unlock(&tick_lock);
	pthread_join(tick, NULL);
	ticking = 0;
}
#define SAY(...) (stop_ticker(), fprintf(stderr, __VA_ARGS__))

/* The phases, with err (cap bytes) as scratch for messages. */
static int run(const char *in, const char *out, int opt, int stats, int wat, double t0, char *err,
	       size_t cap)
{

	struct elf_code ec;
	if (elf_code_read(in, &ec, err, cap) < 0) {
		SAY("rv2wasm: %s\n", err);
		elf_code_free(&ec);
		return 1;
	}
	struct output o;
	if (output_open(&o, out, err, cap) < 0) {
		SAY("rv2wasm: %s\n", err);
		elf_code_free(&ec);
		return 1;
	}
	double t1 = now();
	progress.phase = "finding blocks and functions";
	struct program p;
	if (cfg_build(&ec, &p, err, cap) < 0 || !p.nblocks) {
		if (!p.nblocks && !err[0])
			snprintf(err, cap, "%s: no instructions in its executable sections", in);
		SAY("rv2wasm: %s\n", err);
		output_abandon(&o);
		cfg_free(&p);
		elf_code_free(&ec);
		return 1;
	}
	double t2 = now();
	progress.phase = "lift";
	struct lift_stats ls;
	BinaryenModuleRef m = lift_program(&p, &ls, err, cap);
	if (!m) {
		SAY("rv2wasm: %s: %s\n", in, err);
		output_abandon(&o);
		cfg_free(&p);
		elf_code_free(&ec);
		return 1;
	}
	double t3 = now();
	progress.phase = "validating";
	if (!BinaryenModuleValidate(m)) {
		SAY("rv2wasm: %s: internal error: the module does not validate\n", in);
		output_abandon(&o);
		BinaryenModuleDispose(m);
		return 70;
	}
	double t4 = now();
	progress.phase = opt ? "optimizing" : "writing";
	BinaryenSetOptimizeLevel(opt);
	BinaryenSetShrinkLevel(0);
	if (opt == 3)
		BinaryenModuleOptimize(m);
	else if (opt)
		BinaryenModuleRunPasses(m, opt_passes, opt == 1 ? OPT1_PASSES
						   : (BinaryenIndex)(sizeof opt_passes / sizeof *opt_passes));
	double t5 = now();
	progress.phase = "writing";
	BinaryenModuleAllocateAndWriteResult r = BinaryenModuleAllocateAndWrite(m, NULL);
	int rc = 0;
	if (!r.binary) {
		SAY("rv2wasm: %s: cannot serialize the module\n", in);
		output_abandon(&o);
		rc = 1;
	} else if (output_finish(&o, r.binary, r.binaryBytes, err, cap) < 0) {
		SAY("rv2wasm: %s\n", err);
		rc = 1;
	}
	if (!rc && wat) {
		char *text = BinaryenModuleAllocateAndWriteText(m);
		size_t n = strlen(out) + 5;
		char *wpath = malloc(n);
		if (text && wpath) {
			snprintf(wpath, n, "%s.wat", out);
			if (write_whole(wpath, text, strlen(text), err, cap) < 0) {
				SAY("rv2wasm: %s\n", err);
				rc = 1;
			}
		}
		free(text);
		free(wpath);
	}
	double t6 = now();
	if (stats && !rc) {
		size_t insns = ls.lifted + ls.stepped + ls.to_interp;
		SAY("rv2wasm: %s -> %s\n", in, out);
		SAY("  code: %llu executable bytes, %zu instructions, %zu undecodable halfwords\n",
			(unsigned long long)ec.exec_bytes, p.ninsns, p.illegal);
		SAY("  functions: %zu (%zu leaves: no loop, no call; their start checks no budget; "
			"%zu huge: registers in locals within a block only; %zu keep the callee-saved "
			"registers: no call, none of them used), "
			"blocks: %zu (%zu entered inside a loop, not at its header: irreducible code)\n",
			p.nfuncs, ls.leaves, ls.by_block, ls.keeps, p.nblocks, ls.inner_entries);
		SAY("  indirect jumps (jalr): %zu: %zu calls (direct when env.lookup finds the target in "
			"the module), %zu jumps through jump tables resolved (%zu targets), %zu through "
			"tables of label addresses (their %zu targets made entries, %zu of them taken "
			"for function starts before), the rest to the runtime's lookup\n", p.indirect,
			ls.indirect_calls, p.njtabs, p.njt_targets, p.ngotos, p.ngoto_targets,
			p.ngoto_joined);
		SAY("  memory checks: %zu accesses need none (an earlier check covers them; %zu entries "
			"check that on the runtime's way in), %zu groups test first for lying in the page "
			"of a range checked before; %zu loops checked on the way in\n", ls.known,
			ls.rechecked, ls.near, ls.hoisted);
		SAY("  lifted: %zu of %zu instructions compiled inline (%.1f%%), %zu run in place by "
			"the runtime's interpreter (env.step), %zu left to the interpreter (exits); "
			"%zu runs of double arithmetic lifted as one (%zu operations)\n",
			ls.lifted, insns, insns ? 100.0 * (double)ls.lifted / (double)insns : 0.0, ls.stepped,
			ls.to_interp, ls.fp_runs, ls.fp_run_ops);
		/* The most frequent reasons. */
		for (int shown = 0; shown < 8; shown++) {
			int best = -1;
			for (int o = 0; o < RV_OP_COUNT; o++)
				if (ls.by_op[o] && (best < 0 || ls.by_op[o] > ls.by_op[best]))
					best = o;
			if (best < 0)
				break;
			SAY("    %-12s %zu (%s)\n", rv_op_name[best], ls.by_op[best],
				lift_supports(best) ? "env.step" : "exit");
			ls.by_op[best] = 0;
		}
		SAY("  output: %zu bytes (%.2fx the executable bytes)\n", r.binaryBytes,
			(double)r.binaryBytes / (double)(ec.exec_bytes ? ec.exec_bytes : 1));
		SAY("  time: read %.2f s, cfg %.2f s, lift %.2f s, validate %.2f s, "
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
		else if (!strcmp(a, "--names"))
			BinaryenSetDebugInfo(1);
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
	tick_file = in;
	ticking = isatty(2) && !pthread_create(&tick, NULL, ticker, &t0);
	int rc = run(in, out, opt, stats, wat, t0, err, sizeof err);
	stop_ticker();
	return rc;
}
