/* The WebAssembly host glue: the runtime compiled with Emscripten, driven by
 * a JS loader (web/friscy.mjs) that owns the event loop (DESIGN.md 3).
 *
 * Exports (called from JS; pointers are offsets into the wasm memory):
 *   friscy_new(tar, len, name, flags, arena_mib) -> rt* or 0 (friscy_error)
 *   friscy_spawn(r, path, data, len, argv, argc, env, envc, cwd) -> 0 or -errno
 *   friscy_run(r, budget)     -> 0 exited, 1 blocked, 2 budget spent
 *   friscy_wait_ms(r)         -> ms until the nearest deadline, -1 if none
 *   friscy_wait_host_io(r)    -> 1 if a thread waits on a descriptor
 *   friscy_winch(r)           the terminal was resized: SIGWINCH to the guest
 *   friscy_insns(r, which)    instructions run compiled (0) / interpreted (1)
 *   friscy_exit_code(r), friscy_free(r), friscy_error()
 * argv and env are argc/envc NUL-terminated strings laid end to end.
 *
 * Imports: the rt_host callbacks, implemented by the object the loader
 * passes as Module.friscyHost (see docs/EMBEDDING.md). Its I/O results are
 * Linux errno numbers already (negated): the JS side translates node's
 * error codes, so no Emscripten/WASI errno ever reaches the guest. */
#ifdef __EMSCRIPTEN__ /* (the native build compiles every runtime .c: nothing here) */
#include <emscripten.h>
#include <stdlib.h>
#include <string.h>

#include "linux_abi.h"
#include "aot.h"
#include "rt.h"
#include "tty.h"

_Static_assert(RT_EXITED == 0 && RT_BLOCKED == 1 && RT_YIELD == 2,
	       "web/friscy.mjs knows the rt_status values");

/* ---- the host interface: JS functions of Module.friscyHost ---- */

/* Pointers arrive in JS as signed i32; `>>> 0` makes them offsets again,
 * so a memory grown past 2 GiB works. HEAPU8 is re-read on every call: a
 * memory.grow replaces it. */
EM_JS(int, js_read, (int fd, void *buf, size_t n), {
	buf >>>= 0;
	return Module.friscyHost.read(fd, HEAPU8.subarray(buf, buf + (n >>> 0)));
});

EM_JS(int, js_write, (int fd, const void *buf, size_t n), {
	buf >>>= 0;
	return Module.friscyHost.write(fd, HEAPU8.subarray(buf, buf + (n >>> 0)));
});

EM_JS(int, js_isatty, (int fd), {
	return Module.friscyHost.isatty(fd) ? 1 : 0;
});

EM_JS(int, js_poll, (int fd, int events), {
	return Module.friscyHost.poll(fd, events);
});

/* rows << 16 | cols, or -1 when fd is not a terminal. */
EM_JS(int, js_winsize, (int fd), {
	var ws = Module.friscyHost.winsize(fd);
	return ws ? ((ws.rows & 0xffff) << 16) | (ws.cols & 0xffff) : -1;
});

/* Clocks as milliseconds in a double (ns would not fit in 53 bits). */
EM_JS(double, js_realtime_ms, (void), {
	return Module.friscyHost.realtimeMs();
});

EM_JS(double, js_monotonic_ms, (void), {
	return Module.friscyHost.monotonicMs();
});

EM_JS(void, js_random, (void *buf, size_t n), {
	buf >>>= 0;
	Module.friscyHost.random(HEAPU8.subarray(buf, buf + (n >>> 0)));
});

EM_JS(void, js_log, (const char *line, size_t n), {
	line >>>= 0;
	Module.friscyHost.log(HEAPU8.subarray(line, line + (n >>> 0)));
});

static long host_read(int fd, void *buf, size_t n) { return js_read(fd, buf, n); }
static long host_write(int fd, const void *buf, size_t n) { return js_write(fd, buf, n); }
static int host_isatty(int fd) { return js_isatty(fd); }
static int host_poll(int fd, int events) { return js_poll(fd, events); }

static int host_winsize(int fd, uint16_t *rows, uint16_t *cols)
{
	int ws = js_winsize(fd);
	if (ws < 0)
		return -LX_ENOTTY;
	*rows = (uint16_t)(ws >> 16);
	*cols = (uint16_t)ws;
	return 0;
}

/* Whole milliseconds and the fraction apart: ms * 1e6 as one double would
 * round a realtime clock to 256 ns. */
static uint64_t ms_to_ns(double ms)
{
	if (!(ms > 0))
		return 0;
	uint64_t whole = (uint64_t)ms;
	return whole * 1000000u + (uint64_t)((ms - (double)whole) * 1e6);
}

static uint64_t host_realtime(void) { return ms_to_ns(js_realtime_ms()); }

/* Never 0, and never going back: 0 means "no deadline" to the runtime. */
static uint64_t host_monotonic(void)
{
	static uint64_t last = 1;
	uint64_t t = ms_to_ns(js_monotonic_ms());
	if (t > last)
		last = t;
	return last;
}

static void host_random(void *buf, size_t n) { js_random(buf, n); }
static void host_log(const char *line) { js_log(line, strlen(line)); }

/* Compiled modules (aot.c): the host finds one by the ELF's SHA-256 and
 * puts its run() in our function table; the handle is that table index,
 * so a call is a plain indirect call, no JS in between. */
EM_JS(int, js_aot_lookup, (const uint8_t *elf, size_t len), {
	elf >>>= 0;
	var h = Module.friscyHost;
	return h.aotLookup ? h.aotLookup(HEAPU8.subarray(elf, elf + (len >>> 0))) : 0;
});

/* The entry table, copied into a malloc'd block; -1 if there is none. */
EM_JS(int, js_aot_entries, (int handle, uint8_t **data, size_t *len), {
	var sec = Module.friscyHost.aotEntries(handle);
	if (!sec)
		return -1;
	var p = _malloc(sec.length || 1) >>> 0;
	if (!p)
		return -1;
	HEAPU8.set(sec, p);
	HEAPU32[(data >>> 0) >> 2] = p;
	HEAPU32[(len >>> 0) >> 2] = sec.length;
	return 0;
});

static int host_aot_lookup(const uint8_t *elf, size_t len) { return js_aot_lookup(elf, len); }
static int host_aot_entries(int handle, uint8_t **data, size_t *len)
{
	return js_aot_entries(handle, data, len);
}

typedef int (*aot_run_fn)(struct aot_ctx *ctx, uint32_t func, uint32_t block);
static int host_aot_call(int handle, struct aot_ctx *ctx, uint32_t func, uint32_t block)
{
	return ((aot_run_fn)(uintptr_t)handle)(ctx, func, block);
}

static const rt_host web_host = {
	.read = host_read, .write = host_write, .isatty = host_isatty,
	.poll = host_poll, .winsize = host_winsize,
	.realtime_ns = host_realtime, .monotonic_ns = host_monotonic,
	.random = host_random, .log = host_log,
	.aot_lookup = host_aot_lookup, .aot_entries = host_aot_entries,
	.aot_call = host_aot_call,
};

/* ---- the exports ---- */

static char err[1024];

EMSCRIPTEN_KEEPALIVE const char *friscy_error(void) { return err; }

enum { FRISCY_STRACE = 1, FRISCY_TRACE = 2, FRISCY_HOST_ONLCR = 4, FRISCY_NO_AOT = 8 };

/* tar (len bytes; NULL: an empty root) must stay allocated until
 * friscy_free. arena_mib 0: the runtime's default. */
EMSCRIPTEN_KEEPALIVE rt *friscy_new(const uint8_t *tar, size_t len, const char *name,
				    int flags, uint32_t arena_mib)
{
	rt_options opt = {
		.strace = !!(flags & FRISCY_STRACE),
		.trace = !!(flags & FRISCY_TRACE),
		.host_onlcr = !!(flags & FRISCY_HOST_ONLCR),
		.no_aot = !!(flags & FRISCY_NO_AOT),
		.arena_size = (uint64_t)arena_mib << 20,
	};
	err[0] = 0;
	return rt_new(&opt, &web_host, tar, len, name, err, sizeof err);
}

/* n strings laid end to end, each NUL-terminated, as a NULL-ended vector
 * (pointing into blob). */
static char **split(const char *blob, int n)
{
	char **v = calloc((size_t)n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (int i = 0; i < n; i++) {
		v[i] = (char *)blob;
		blob += strlen(blob) + 1;
	}
	return v;
}

/* data: the program's bytes when it is a host file (NULL with a rootfs);
 * like the tar, it must outlive the runtime. cwd NULL: "/". */
EMSCRIPTEN_KEEPALIVE int friscy_spawn(rt *r, const char *path, const uint8_t *data,
				      size_t len, const char *argv, int argc,
				      const char *env, int envc, const char *cwd)
{
	char **av = split(argv, argc), **ev = split(env, envc);
	int e;
	err[0] = 0;
	if (!av || !ev) {
		strcpy(err, "out of memory");
		e = -LX_ENOMEM;
	} else {
		e = rt_spawn(r, path, data, len, av, ev, cwd, err, sizeof err);
	}
	free(av);
	free(ev);
	return e;
}

EMSCRIPTEN_KEEPALIVE int friscy_run(rt *r, uint32_t budget) { return rt_run(r, budget); }

EMSCRIPTEN_KEEPALIVE double friscy_wait_ms(rt *r)
{
	uint64_t deadline;
	int host_io;
	rt_wait_info(r, &deadline, &host_io);
	if (deadline == UINT64_MAX)
		return -1;
	uint64_t now = host_monotonic();
	return deadline > now ? (double)(deadline - now) / 1e6 : 0;
}

EMSCRIPTEN_KEEPALIVE int friscy_wait_host_io(rt *r)
{
	uint64_t deadline;
	int host_io;
	rt_wait_info(r, &deadline, &host_io);
	return host_io;
}

EMSCRIPTEN_KEEPALIVE void friscy_winch(rt *r) { tty_winch(r); }

/* Guest instructions run so far by compiled code (which = 0), by the
 * interpreter (1), and of the compiled ones, those the interpreter ran in
 * place for a module (2); the times the runtime entered compiled code (3);
 * as doubles (exact below 2^53). */
EMSCRIPTEN_KEEPALIVE double friscy_insns(rt *r, int which)
{
	return (double)(which == 3 ? r->aot_entries : which == 2 ? r->aot_steps :
			which ? r->interp_insns : r->aot_insns);
}

/* What every compiled module imports as env.step (which = 0), env.fpu
 * (1), env.lookup (2) and env.far (3), aot.h: as function table indices,
 * so the host hands the modules the wasm functions themselves (the glue's
 * exports are JS wrappers, and a call through JS costs more than the
 * helper). */
EMSCRIPTEN_KEEPALIVE uint32_t friscy_aot_helper(int which)
{
	switch (which) {
	case 0: return (uint32_t)(uintptr_t)&aot_step;
	case 1: return (uint32_t)(uintptr_t)&aot_fpu;
	case 2: return (uint32_t)(uintptr_t)&aot_lookup;
	default: return (uint32_t)(uintptr_t)&aot_far;
	}
}
/* The module interface this runtime speaks (aot_abi.h). */
EMSCRIPTEN_KEEPALIVE uint32_t friscy_aot_abi(void) { return AOT_ABI_VERSION; }
EMSCRIPTEN_KEEPALIVE int friscy_exit_code(rt *r) { return rt_exit_code(r); }
EMSCRIPTEN_KEEPALIVE void friscy_free(rt *r) { rt_free(r); }

#endif /* __EMSCRIPTEN__ */
