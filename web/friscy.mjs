// friscy's loader: runs a riscv64 Linux program in the runtime compiled to
// WebAssembly (runtime.wasm, with Emscripten's glue runtime.mjs beside this
// file). An ES module for node and, later, browsers:
//
//   import { run, start } from './friscy.mjs';
//   const code = await run({ rootfs, argv: ['/bin/sh', '-c', 'echo hi'],
//                            stdout: bytes => ..., stderr: bytes => ... });
//
// and, run by node as the main module, the same command line as the native
// runner build/bin/friscy:
//
//   node friscy.mjs run [--rootfs FILE.tar] [-e K=V]... [-w DIR] [--strace]
//                       [--trace] [--memory MIB] [--] PROGRAM [ARGS...]
//
// The runtime is a step function (DESIGN.md 3): friscy_run(budget) runs the
// guest until it exits, spends the budget, or blocks; when it blocks, we wait
// on the event loop (input arriving, a timer for the nearest deadline) and
// call it again. Nothing here blocks or spins. See docs/EMBEDDING.md.

import createFriscyRuntime from './runtime.mjs';

const IN_NODE = typeof process == 'object' && typeof process.versions == 'object' &&
	typeof process.versions.node == 'string';
const node = IN_NODE ? await loadNodeModules() : null;

async function loadNodeModules() {
	const [fs, tty, url, crypto, path, v8] = await Promise.all([
		import('node:fs'), import('node:tty'), import('node:url'), import('node:crypto'),
		import('node:path'), import('node:v8')]);
	// V8 tiers a wasm function up to TurboFan once it has run about this
	// many bytes of code (default 1.8 million), and node waits at exit
	// for every TurboFan compile in progress. Short runs got there in
	// code that is hot only while they start: glibc's printf functions
	// within one run's last printf (nbody 0: 0.40 -> 0.26 s with 9
	// million), ld.so's relocation of libc.so.6 in every glibc-dynamic
	// program (a hello world: 0.73 -> 0.43 s with 50 million, median of
	// 7). Long runs tier up
	// a few tens of milliseconds later: the CPU benchmarks at scale 0.3
	// and 1 ran within noise of 9 million. Before any module is
	// compiled; node only (a page cannot).
	v8.setFlagsFromString('--wasm-tiering-budget=50000000');
	return { fs, tty, url, crypto, path };
}

// rt_status (runtime/rt.h); main_web.c checks these values.
const RT_EXITED = 0, RT_YIELD = 2;
const FLAG_STRACE = 1, FLAG_TRACE = 2, FLAG_HOST_ONLCR = 4, FLAG_NO_AOT = 8;
const POLLIN = 0x1, POLLOUT = 0x4, POLLHUP = 0x10;
const DEFAULT_BUDGET = 20_000_000; // instructions between visits to the event loop
const DEFAULT_ARENA_MIB = 256;
const MAX_WAIT_MS = 60_000;
const INPUT_HIGH_WATER = 1 << 20; // bytes of stdin read ahead before pausing
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The environment `docker run` gives a container.
export const DEFAULT_ENV = Object.freeze([
	'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
	'HOME=/root',
]);

// ---- host errors: node's codes to Linux's numbers, in one place ----

// Linux errno (asm-generic) and glibc's message, for the errors a host
// file or stream can give. The guest only ever sees these numbers.
const ERRNO = {
	EPERM: [1, 'Operation not permitted'], ENOENT: [2, 'No such file or directory'],
	EINTR: [4, 'Interrupted system call'], EIO: [5, 'Input/output error'],
	ENXIO: [6, 'No such device or address'], EBADF: [9, 'Bad file descriptor'],
	EAGAIN: [11, 'Resource temporarily unavailable'], ENOMEM: [12, 'Cannot allocate memory'],
	EACCES: [13, 'Permission denied'], EFAULT: [14, 'Bad address'],
	EBUSY: [16, 'Device or resource busy'], ENODEV: [19, 'No such device'],
	ENOTDIR: [20, 'Not a directory'], EISDIR: [21, 'Is a directory'],
	EINVAL: [22, 'Invalid argument'], ENFILE: [23, 'Too many open files in system'],
	EMFILE: [24, 'Too many open files'], ENOTTY: [25, 'Inappropriate ioctl for device'],
	ETXTBSY: [26, 'Text file busy'], EFBIG: [27, 'File too large'],
	ENOSPC: [28, 'No space left on device'], ESPIPE: [29, 'Illegal seek'],
	EROFS: [30, 'Read-only file system'], EPIPE: [32, 'Broken pipe'],
	ENAMETOOLONG: [36, 'File name too long'], ELOOP: [40, 'Too many levels of symbolic links'],
	EOVERFLOW: [75, 'Value too large for defined data type'],
	ECONNRESET: [104, 'Connection reset by peer'], EDQUOT: [122, 'Disk quota exceeded'],
};

function linuxErrno(e) {
	return (ERRNO[e && e.code] || ERRNO.EIO)[0];
}

function strerror(e) {
	const known = ERRNO[e && e.code];
	return known ? known[1] : String(e && e.message || e);
}

// A failure to set up a run (bad option, file, ELF, tar): `message` is one
// line without the "friscy: " prefix; the CLI exits with `status`.
export class FriscyError extends Error {
	constructor(message, status = 127) {
		super(message);
		this.name = 'FriscyError';
		this.status = status;
	}
}

// ---- the guest's stdin ----

// Bytes for the guest's fd 0, queued on the JS side. The runtime reads
// without waiting: read() gives bytes, 0 at end of input, or -EAGAIN (and
// asks the source for more). Whoever waits for input is told by onChange.
export class Input {
	constructor() {
		this.chunks = [];
		this.size = 0;
		this.ended = false;
		this.error = 0;           // a negative Linux errno after the end
		this.onChange = null;
		this.demand = null;       // set by a source that reads on demand
		this.drained = null;      // called when the queue runs low
		this.detach = null;       // lets go of the source
	}

	// The run is over: stop reading the source (so node can exit).
	close() {
		if (this.detach)
			this.detach();
		this.detach = this.demand = this.drained = this.onChange = null;
	}

	// Queue bytes for the guest (copied).
	push(bytes) {
		if (this.ended || !bytes.length)
			return;
		this.chunks.push(Uint8Array.from(bytes));
		this.size += bytes.length;
		this.changed();
	}

	// No more input: reads return 0 once the queue is empty.
	end(errno = 0) {
		if (this.ended)
			return;
		this.ended = true;
		this.error = errno ? -errno : 0;
		this.changed();
	}

	changed() {
		const f = this.onChange;
		this.onChange = null;
		if (f)
			f();
	}

	ready() {
		return this.size > 0 || this.ended;
	}

	read(dst) {
		if (this.size === 0) {
			if (this.ended)
				return this.error;
			if (this.demand)
				this.demand();
			return this.size === 0 ? -ERRNO.EAGAIN[0] : this.read(dst);
		}
		let n = 0;
		while (n < dst.length && this.chunks.length) {
			const c = this.chunks[0];
			const k = Math.min(c.length, dst.length - n);
			dst.set(c.subarray(0, k), n);
			n += k;
			if (k === c.length)
				this.chunks.shift();
			else
				this.chunks[0] = c.subarray(k);
		}
		this.size -= n;
		if (this.drained && this.size < INPUT_HIGH_WATER / 2)
			this.drained();
		return n;
	}
}

// A readable stream (node's, or anything with on/pause/resume), attached
// the first time the guest wants input (so nothing is taken from a
// terminal unasked), paused while a lot is queued. `stream` may be a
// function returning it: process.stdin is only made when needed.
function streamDemand(input, stream) {
	let attached = false;
	return () => {
		if (attached)
			return;
		attached = true;
		if (typeof stream == 'function')
			stream = stream();
		const on = {
			data: chunk => {
				input.push(typeof chunk == 'string' ? encoder.encode(chunk) : chunk);
				if (input.size > INPUT_HIGH_WATER && stream.pause)
					stream.pause();
			},
			end: () => input.end(),
			error: e => input.end(linuxErrno(e)),
		};
		for (const ev in on)
			stream.on(ev, on[ev]);
		input.detach = () => {
			for (const ev in on)
				(stream.off || stream.removeListener).call(stream, ev, on[ev]);
			if (stream.pause)
				stream.pause();
		};
		if (stream.resume) {
			input.drained = () => stream.resume();
			stream.resume();
		}
	};
}

function makeInput(src) {
	if (src instanceof Input)
		return src;
	const input = new Input();
	if (src == null) {
		input.end();
	} else if (typeof src == 'string' || src instanceof Uint8Array || src instanceof ArrayBuffer) {
		input.push(typeof src == 'string' ? encoder.encode(src) : new Uint8Array(src));
		input.end();
	} else if (typeof src.on == 'function' || typeof src == 'function') {
		input.demand = streamDemand(input, src);
	} else {
		throw new TypeError('stdin: expected null, bytes, a string, a stream or an Input');
	}
	return input;
}

// ---- the guest's stdout and stderr ----

// A sink takes a view of wasm memory (valid only during the call) and
// returns the bytes taken or a negative Linux errno.
function fdSink(fd) {
	let stream = null; // after EAGAIN: node's stream queues what is left
	const sink = bytes => {
		if (stream) {
			stream.write(Uint8Array.from(bytes));
			return bytes.length;
		}
		let done = 0;
		while (done < bytes.length) {
			try {
				done += node.fs.writeSync(fd, bytes, done, bytes.length - done);
			} catch (e) {
				if (e.code === 'EAGAIN') {
					// A non-blocking descriptor (shared with a parent that
					// set O_NONBLOCK): waiting here would spin.
					stream = fd === 2 ? process.stderr : process.stdout;
					stream.write(Uint8Array.from(bytes.subarray(done)));
					return bytes.length;
				}
				if (e.code === 'EINTR')
					continue;
				return done ? done : -linuxErrno(e);
			}
		}
		return done;
	};
	// Resolves when everything queued has reached the descriptor.
	sink.flush = () => new Promise(resolve => stream ? stream.write('', resolve) : resolve());
	return sink;
}

function makeSink(dst, name) {
	if (dst == null)
		return bytes => bytes.length;
	if (typeof dst == 'function')
		return bytes => {
			const r = dst(Uint8Array.from(bytes));
			return typeof r == 'number' ? r : bytes.length;
		};
	if (typeof dst == 'number') {
		if (!node)
			throw new TypeError(name + ': a file descriptor needs node');
		return fdSink(dst);
	}
	if (typeof dst.write == 'function')
		return bytes => {
			dst.write(Uint8Array.from(bytes));
			return bytes.length;
		};
	throw new TypeError(name + ': expected a function, a stream, an fd or null');
}

// ---- the wasm module: compiled once, instantiated per run ----

let compiled = null;

// The compiled runtime.wasm: from `bytes` or a WebAssembly.Module if given,
// in node from the file beside this one, in a browser by streaming
// compilation from `url` (default: runtime.wasm beside this file).
export function compileRuntime({ module, bytes, url } = {}) {
	if (module)
		return Promise.resolve(module);
	if (bytes)
		return WebAssembly.compile(bytes);
	if (url)
		return compileFrom(url);
	if (!compiled) {
		compiled = compileFrom(new URL('runtime.wasm', import.meta.url));
		compiled.catch(() => { compiled = null; });
	}
	return compiled;
}

function compileFrom(url) {
	// node: the file's bytes (its fetch does not do file: URLs).
	if (node && String(url).startsWith('file:'))
		return node.fs.promises.readFile(node.url.fileURLToPath(url))
			.then(b => WebAssembly.compile(b));
	return WebAssembly.compileStreaming(fetch(url));
}

async function instantiate(host, wasm, log) {
	const module = await compileRuntime(wasm);
	let failed;
	const failure = new Promise((_, reject) => { failed = reject; });
	const ready = createFriscyRuntime({
		friscyHost: host,
		instantiateWasm(imports, receive) {
			WebAssembly.instantiate(module, imports)
				.then(inst => {
					// What compiled modules link to: the memory, and the
					// table their run() goes in (found by type: the glue
					// minifies export names).
					for (const v of Object.values(inst.exports)) {
						if (v instanceof WebAssembly.Memory)
							host.memory = v;
						else if (v instanceof WebAssembly.Table)
							host.table = v;
					}
					receive(inst, module);
				}, failed);
			return {};
		},
		print: line => log(line),
		printErr: line => log(line),
	});
	return Promise.race([ready, failure]);
}

// Copy bytes into a fresh malloc'd block (with a NUL after them if asked).
function alloc(M, bytes, nul = false) {
	const p = M._malloc(bytes.length + (nul ? 1 : 0) || 1) >>> 0;
	if (!p)
		throw new FriscyError('out of memory');
	M.HEAPU8.set(bytes, p);
	if (nul)
		M.HEAPU8[p + bytes.length] = 0;
	return p;
}

function cstring(M, s) {
	return s == null ? 0 : alloc(M, encoder.encode(s), true);
}

function strings(M, list) {
	const parts = list.map(s => encoder.encode(String(s)));
	const blob = new Uint8Array(parts.reduce((n, b) => n + b.length + 1, 0));
	let at = 0;
	for (const b of parts) {
		blob.set(b, at);
		at += b.length + 1;
	}
	return alloc(M, blob);
}

function errorText(M) {
	const p = M._friscy_error() >>> 0;
	const h = M.HEAPU8;
	let end = p;
	while (h[end])
		end++;
	return decoder.decode(h.subarray(p, end));
}

// Bytes into the wasm heap -> [pointer, length]: from a Uint8Array, or by
// a function of the module that reads them straight into memory (what
// the CLI does with a file).
function place(M, src) {
	if (src == null)
		return [0, 0];
	if (typeof src == 'function')
		return src(M);
	const bytes = src instanceof Uint8Array ? src : new Uint8Array(src);
	return [alloc(M, bytes), bytes.length];
}

const nextTick = typeof setImmediate == 'function'
	? () => new Promise(resolve => setImmediate(resolve))
	: () => new Promise(resolve => {
		const ch = new MessageChannel();
		ch.port1.onmessage = () => resolve();
		ch.port2.postMessage(0);
	});

// ---- running ----

// Start one program. Resolves, once the guest is running, to a session:
//   exited      a promise of its exit status as a shell reports it (code,
//               or 128+signal)
//   resize()    the terminal changed size: the guest gets SIGWINCH (and
//               reads the new size from options.winsize)
// Options (all optional but argv / program):
//   argv        [program, ...args]: argv[0] is the program's path
//   program     the path if argv[0] should differ
//   rootfs      the root filesystem tar (Uint8Array); without it,
//   programBytes   the program's ELF (a host file, as qemu-user runs it)
//   env         ['NAME=VALUE', ...] (default DEFAULT_ENV); cwd ('/')
//   stdin       null (empty), bytes, a string, an Input, or a readable
//               stream (or a function returning one, called on first use)
//   stdout, stderr  a function(bytes), a writable stream, or (node) a
//               file descriptor; log (runtime messages, --strace) goes to
//               stderr
//   isatty(fd), winsize(fd) -> {rows, cols} | null: the terminal, if any.
//               A terminal on fd 0 sends raw keystrokes: the runtime is its
//               line discipline (echo, line editing, ^C -> SIGINT)
//   hostOnlcr   the terminal turns NL into CR NL itself (node's raw mode):
//               the runtime adds no CR
//   aot         compiled modules (rv2wasm): { url } of a folder with an
//               index.json (loadAot), { modules } (loadAot's Map), or in
//               node { dir }; noAot: interpret everything
//   strace, trace, memoryMiB, budget, wasm: {module | bytes | url}
export async function start(options) {
	const o = options || {};
	const argv = o.argv || [o.program];
	const program = o.program || argv[0];
	if (typeof program != 'string' || !program)
		throw new TypeError('run: no program');
	const input = makeInput(o.stdin);
	const stdout = makeSink(o.stdout, 'stdout');
	const stderr = makeSink(o.stderr, 'stderr');
	const rawTerminal = !!(o.isatty && o.isatty(0) && o.isatty(2)) && !o.hostOnlcr;
	const eol = encoder.encode(rawTerminal ? '\r\n' : '\n');
	const log = line => {
		stderr(encoder.encode(line));
		stderr(eol);
	};
	const mono = IN_NODE ? () => Number(process.hrtime.bigint()) / 1e6 : () => performance.now();
	const host = {
		read: (fd, dst) => fd === 0 ? input.read(dst) : -ERRNO.EBADF[0],
		write: (fd, src) => (fd === 2 ? stderr : stdout)(src),
		isatty: fd => o.isatty ? !!o.isatty(fd) : false,
		poll(fd, events) {
			if (fd !== 0)
				return events & POLLOUT;
			if (!input.ready() && input.demand)
				input.demand();
			return (input.size ? events & POLLIN : 0) | (input.ended ? POLLHUP : 0);
		},
		winsize: fd => o.winsize ? o.winsize(fd) : null,
		realtimeMs: () => performance.timeOrigin + performance.now(),
		monotonicMs: mono,
		random(dst) {
			for (let i = 0; i < dst.length; i += 65536)
				crypto.getRandomValues(dst.subarray(i, Math.min(dst.length, i + 65536)));
		},
		log: bytes => {
			stderr(bytes);
			stderr(eol);
		},
	};

	const aotModules = o.aot && !o.noAot && o.aot.url ? loadAot(o.aot.url) : null;
	aotModules?.catch(() => {}); // (awaited below: no unhandled-rejection report meanwhile)
	const M = await instantiate(host, o.wasm, log);
	if (o.aot && !o.noAot) {
		// Compiled modules' env.step and env.fpu (runtime/aot.h): the wasm
		// functions themselves, from the table, so calls to them stay in wasm.
		host.aotStep = host.table.get(M._friscy_aot_helper(0));
		host.aotFpu = host.table.get(M._friscy_aot_helper(1));
		host.aotEntry = host.table.get(M._friscy_aot_helper(2));
		host.aotFar = host.table.get(M._friscy_aot_helper(3));
		host.aotAbi = M._friscy_aot_abi();
		await attachAot(host, aotModules ? { modules: await aotModules } : o.aot);
	}
	const [tar, tarLen] = place(M, o.rootfs);
	const flags = (o.strace ? FLAG_STRACE : 0) | (o.trace ? FLAG_TRACE : 0) |
		(o.hostOnlcr ? FLAG_HOST_ONLCR : 0) | (o.noAot ? FLAG_NO_AOT : 0);
	const r = M._friscy_new(tar, tarLen, cstring(M, o.rootfsName || 'rootfs.tar'), flags,
				o.memoryMiB ?? DEFAULT_ARENA_MIB) >>> 0;
	if (!r)
		throw new FriscyError(errorText(M));
	const [data, len] = o.rootfs ? [0, 0] : place(M, o.programBytes);
	if (!o.rootfs && !data)
		throw new TypeError('run: without a rootfs, programBytes is the program');
	const env = o.env || DEFAULT_ENV;
	const e = M._friscy_spawn(r, cstring(M, program), data, len, strings(M, argv), argv.length,
				  strings(M, env), env.length, cstring(M, o.cwd));
	if (e)
		throw new FriscyError(errorText(M));
	let done = false;
	const exited = loop(M, r, input, o.budget || DEFAULT_BUDGET).finally(() => {
		done = true;
		input.close();
	});
	return {
		exited,
		// Guest instructions run so far by compiled code and interpreted.
		stats: () => ({ compiled: M._friscy_insns(r, 0), interpreted: M._friscy_insns(r, 1),
			stepped: M._friscy_insns(r, 2), entries: M._friscy_insns(r, 3) }),
		resize() {
			if (!done) {
				M._friscy_winch(r);
				input.changed(); // wake the loop: the guest has a signal
			}
		},
	};
}

// Run one program (see start); resolves to its exit status.
export async function run(options) {
	return (await start(options)).exited;
}

// ---- ahead-of-time compiled modules (rv2wasm, docs/COMPILER.md) ----

const aotCompiled = new Map(); // SHA-256 hex -> WebAssembly.Module (or null: none)

// SHA-256 of bytes as hex, synchronously (the runtime asks for a module in
// the middle of an exec; the browser's crypto.subtle only answers later).
const K256 = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

export function sha256hex(bytes) {
	if (node)
		return node.crypto.createHash('sha256').update(bytes).digest('hex');
	const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
	const n = bytes.length, padded = (n + 9 + 63) & ~63;
	const tail = new Uint8Array(padded - (n & ~63));
	tail.set(bytes.subarray(n & ~63));
	tail[n & 63] = 0x80;
	const view = new DataView(tail.buffer);
	view.setUint32(tail.length - 4, n * 8 >>> 0);
	view.setUint32(tail.length - 8, Math.floor(n / 0x20000000));
	const w = new Uint32Array(64);
	const block = (src, off) => {
		for (let i = 0; i < 16; i++)
			w[i] = src[off + 4 * i] << 24 | src[off + 4 * i + 1] << 16 | src[off + 4 * i + 2] << 8 |
				src[off + 4 * i + 3];
		for (let i = 16; i < 64; i++) {
			const a = w[i - 15], b = w[i - 2];
			w[i] = w[i - 16] + ((a >>> 7 | a << 25) ^ (a >>> 18 | a << 14) ^ a >>> 3) + w[i - 7] +
				((b >>> 17 | b << 15) ^ (b >>> 19 | b << 13) ^ b >>> 10);
		}
		let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
		for (let i = 0; i < 64; i++) {
			const t1 = k + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
				(e & f ^ ~e & g) + K256[i] + w[i] | 0;
			const t2 = ((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) +
				(a & b ^ a & c ^ b & c) | 0;
			k = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
	};
	for (let off = 0; off + 64 <= n; off += 64)
		block(bytes, off);
	for (let off = 0; off < tail.length; off += 64)
		block(tail, off);
	return Array.from(h, x => x.toString(16).padStart(8, '0')).join('');
}

// fetch that fails on an HTTP error too.
async function fetchOk(url) {
	const res = await fetch(url);
	if (!res.ok)
		throw Object.assign(new Error(`HTTP ${res.status} ${res.statusText}`), { status: res.status });
	return res;
}

// The modules of a folder served at url: its index.json lists their
// SHA-256s (the names of the <sha256>.wasm files); all are fetched and
// compiled before the run starts, since the runtime asks for one
// synchronously. Returns hash -> WebAssembly.Module; with optional set,
// null when the folder has no index.json (HTTP 404).
export async function loadAot(url, { optional = false } = {}) {
	const base = new URL(url, globalThis.location ? location.href : undefined);
	if (!base.pathname.endsWith('/'))
		base.pathname += '/';
	const index = new URL('index.json', base);
	let list;
	try {
		list = await (await fetchOk(index)).json();
	} catch (e) {
		if (optional && e.status === 404)
			return null;
		throw new FriscyError(`${index}: cannot load the compiled modules' index (${e.message})`);
	}
	if (!Array.isArray(list) || !list.every(h => /^[0-9a-f]{64}$/.test(h)))
		throw new FriscyError(`${index}: not a JSON array of SHA-256s`);
	const mods = await Promise.all(list.map(async h => {
		const u = new URL(h + '.wasm', base);
		try {
			return await WebAssembly.compileStreaming(await fetchOk(u));
		} catch (e) {
			throw new FriscyError(`${u}: ${e.message}`);
		}
	}));
	return new Map(list.map((h, i) => [h, mods[i]]));
}

// Give the host the two callbacks runtime/aot.c asks: the module compiled
// from an ELF's bytes, found by its SHA-256, instantiated on the runtime's
// memory with its run() put in the runtime's function table (the handle
// is that index); and its entry table. The modules: aot.modules (from
// loadAot), all instantiated here before the run (a browser refuses to
// instantiate a large module synchronously), or in node aot.dir/<sha256>.wasm,
// each instantiated when first asked for.
async function attachAot(host, aot) {
	if (!aot.modules && !(node && aot.dir))
		throw new TypeError('aot: { dir } (node) or { modules } (from loadAot) or { url }');
	const byHash = new Map();   // per run: hash -> handle
	const entries = new Map();  // handle -> Uint8Array
	const imports = { env: { memory: host.memory, step: host.aotStep, fpu: host.aotFpu,
		lookup: host.aotEntry, far: host.aotFar,
		// only modules built with RV2WASM_DEBUG_TRACE=1 call it
		dbg: pc => console.error('aot block', pc.toString(16)) } };
	const add = (hash, mod, inst) => {
		const handle = host.table.grow(1);
		host.table.set(handle, inst.exports.run);
		const sec = WebAssembly.Module.customSections(mod, 'friscy.entries')[0];
		entries.set(handle, sec ? new Uint8Array(sec) : null);
		byHash.set(hash, handle);
		return handle;
	};
	// A module made for another interface (include/aot_abi.h) is not run:
	// its ELF is interpreted.
	const abiOk = (hash, mod) => {
		const sec = WebAssembly.Module.customSections(mod, 'friscy.abi')[0];
		const v = sec && sec.byteLength >= 4 ? new DataView(sec).getUint32(0, true) : 1;
		if (v === host.aotAbi)
			return true;
		console.error(`friscy: ${hash}.wasm is for module interface ${v}, this runtime's is ` +
			`${host.aotAbi}: interpreted (recompile it with this rv2wasm)`);
		return false;
	};
	if (aot.modules) {
		const list = [...aot.modules].filter(([hash, mod]) => abiOk(hash, mod));
		const insts = await Promise.all(list.map(([, mod]) => WebAssembly.instantiate(mod, imports)));
		list.forEach(([hash, mod], i) => add(hash, mod, insts[i]));
	}
	host.aotLookup = bytes => {
		const hash = sha256hex(bytes);
		if (byHash.has(hash))
			return byHash.get(hash);
		if (aot.modules)
			return 0;
		let mod = aotCompiled.get(hash);
		if (mod === undefined) {
			const file = node.path.join(aot.dir, hash + '.wasm');
			mod = null;
			if (node.fs.existsSync(file)) {
				mod = new WebAssembly.Module(node.fs.readFileSync(file));
				if (!abiOk(hash, mod))
					mod = null;
			}
			aotCompiled.set(hash, mod);
		}
		if (!mod) {
			byHash.set(hash, 0);
			return 0;
		}
		return add(hash, mod, new WebAssembly.Instance(mod, imports));
	};
	host.aotEntries = handle => entries.get(handle) || null;
}

async function loop(M, r, input, budget) {
	for (;;) {
		const st = M._friscy_run(r, budget);
		if (st === RT_EXITED)
			return M._friscy_exit_code(r);
		if (st === RT_YIELD) {
			await nextTick(); // let input and timers in
			continue;
		}
		// Blocked: wait for new input if a thread waits on a descriptor,
		// or for the nearest deadline. With neither, the guest waits for
		// a signal no one can send: like Linux, wait (a timer holds the
		// event loop open; it costs nothing).
		const ms = M._friscy_wait_ms(r);
		const io = M._friscy_wait_host_io(r);
		await new Promise(resolve => {
			const timeout = ms < 0 ? MAX_WAIT_MS : Math.min(Math.ceil(ms), MAX_WAIT_MS);
			const timer = setTimeout(() => {
				input.onChange = null;
				resolve();
			}, timeout);
			if (io)
				input.onChange = () => {
					clearTimeout(timer);
					resolve();
				};
		});
	}
}

// ---- the command line: build/bin/friscy's, option for option ----

const USAGE =
	'usage: friscy [options] [--] PROGRAM [ARGS...]\n' +
	'Run a riscv64 Linux program.\n' +
	'  --rootfs FILE.tar   the container\'s root filesystem (docker export tar);\n' +
	'                      without it PROGRAM is a host file and the guest sees\n' +
	'                      an empty root with /dev, /proc and /tmp\n' +
	'  -e NAME=VALUE       set an environment variable (repeatable)\n' +
	'  -w DIR              working directory inside the container\n' +
	'  --strace            print each syscall to stderr\n' +
	'  --trace             print pc and registers at every block boundary\n' +
	`  --memory MIB        guest address space per process (default ${DEFAULT_ARENA_MIB})\n` +
	'  --aot DIR           compiled modules (rv2wasm), DIR/<sha256 of the ELF>.wasm\n' +
	'  --no-aot            interpret everything, even with --aot\n' +
	'  --stats             at exit, how many instructions ran compiled / interpreted\n' +
	'  -h, --help          this help\n';

// A host file read straight into the wasm heap, checked as the native
// runner checks it.
function hostFile(path, what, needExec) {
	const fs = node.fs;
	let fd;
	try {
		fd = fs.openSync(path, 'r');
	} catch (e) {
		throw new FriscyError(`${what} ${path}: ${strerror(e)}`);
	}
	try {
		const st = fs.fstatSync(fd);
		if (st.isDirectory())
			throw new FriscyError(`${what} ${path}: is a directory`);
		if (!st.isFile())
			throw new FriscyError(`${what} ${path}: not a regular file`);
		// execve(2) refuses a file without any execute bit: so do we.
		if (needExec && !(st.mode & 0o111))
			throw new FriscyError(`${what} ${path}: not executable (permission denied)`);
		const size = st.size;
		return M => {
			const p = M._malloc(size || 1) >>> 0;
			if (!p)
				throw new FriscyError(`${what} ${path}: ${ERRNO.ENOMEM[1]}`);
			for (let done = 0; done < size;) {
				let n;
				try {
					n = fs.readSync(fd, M.HEAPU8, p + done, size - done, done);
				} catch (e) {
					throw new FriscyError(`${what} ${path}: ${strerror(e)}`);
				}
				if (n === 0)
					throw new FriscyError(`${what} ${path}: file shrank while being read`);
				done += n;
			}
			fs.closeSync(fd);
			return [p, size];
		};
	} catch (e) {
		fs.closeSync(fd);
		throw e;
	}
}

// strtoul(s, &end, 10) with *end == 0 required, as main_native.c parses.
function parseMiB(s) {
	const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
	if (!m)
		return NaN;
	const v = Number(m[2]);
	return m[1] === '-' && v !== 0 ? Infinity : v;
}

// Parse friscy's arguments. Returns { options } or { exit, out, err }.
export function parseArgs(args) {
	const o = { env: [...DEFAULT_ENV], strace: false, trace: false };
	let rootfs = null, cwd = null, memory = null;
	let i = 0;
	for (; i < args.length; i++) {
		const a = args[i];
		const more = i + 1 < args.length;
		if (a === '--') {
			i++;
			break;
		} else if (a === '--rootfs' && more) {
			rootfs = args[++i];
		} else if (a === '-e' && more) {
			const kv = args[++i];
			const eq = kv.indexOf('=');
			if (eq <= 0)
				throw new FriscyError(`-e ${kv}: expected NAME=VALUE`);
			// A later -e replaces an earlier value, as docker does.
			const k = o.env.findIndex(v => v.startsWith(kv.slice(0, eq + 1)));
			if (k < 0)
				o.env.push(kv);
			else
				o.env[k] = kv;
		} else if (a === '-w' && more) {
			cwd = args[++i];
		} else if (a === '--strace') {
			o.strace = true;
		} else if (a === '--trace') {
			o.trace = true;
		} else if (a === '--aot' && more) {
			o.aot = { dir: args[++i] };
		} else if (a === '--no-aot') {
			o.noAot = true;
		} else if (a === '--stats') {
			o.stats = true;
		} else if (a === '--memory' && more) {
			const mib = parseMiB(args[++i]);
			if (!(mib >= 16 && mib <= 4096))
				throw new FriscyError(`--memory ${args[i]}: expected MiB between 16 and 4096`);
			memory = mib;
		} else if (a === '-h' || a === '--help') {
			return { exit: 0, out: USAGE };
		} else if (a[0] === '-' && a.length > 1) {
			return { exit: 2, err: `friscy: unknown option ${a}\n${USAGE}` };
		} else {
			break;
		}
	}
	if (i >= args.length)
		return { exit: 2, err: USAGE };
	o.argv = args.slice(i);
	o.cwd = cwd;
	o.rootfsPath = rootfs;
	if (memory != null)
		o.memoryMiB = memory;
	return { options: o };
}

function winsize(fd) {
	if (!node.tty.isatty(fd))
		return null;
	// process.stdout/stderr know their window; a terminal on stdin is
	// taken to be the same one.
	for (const [n, s] of [[1, process.stdout], [2, process.stderr]])
		if ((fd === n || fd === 0) && node.tty.isatty(n)) {
			const [cols, rows] = s.getWindowSize();
			return { rows, cols };
		}
	return null;
}

export async function main(args) {
	const stdout = fdSink(1), stderr = fdSink(2);
	const say = s => stderr(encoder.encode(s));
	const finish = async code => {
		await Promise.all([stdout.flush(), stderr.flush()]);
		process.exit(code);
	};
	if (args[0] !== 'run') {
		say('usage: node friscy.mjs run [options] [--] PROGRAM [ARGS...]\n');
		return finish(2);
	}
	let code;
	try {
		const parsed = parseArgs(args.slice(1));
		if (parsed.exit != null) {
			if (parsed.out)
				stdout(encoder.encode(parsed.out));
			if (parsed.err)
				say(parsed.err);
			return finish(parsed.exit);
		}
		const o = parsed.options;
		if (o.rootfsPath) {
			o.rootfs = hostFile(o.rootfsPath, 'rootfs', false);
			o.rootfsName = o.rootfsPath;
		} else {
			// qemu-user style: the program is a host file; the guest knows
			// it by its name.
			o.programBytes = hostFile(o.argv[0], 'program', true);
		}
		// A terminal on stdin goes raw for the run: the runtime's line
		// discipline edits, echoes, and makes ^C the guest's SIGINT.
		const raw = node.tty.isatty(0) && process.stdin.setRawMode;
		if (raw)
			process.stdin.setRawMode(true);
		try {
			const session = await start({
				// Node's stream, not reads of fd 0 in the thread pool: a
				// read blocked there would hold up the exit until input came.
				...o, stdin: () => process.stdin, stdout, stderr,
				isatty: fd => node.tty.isatty(fd), winsize,
				// libuv's raw mode leaves the terminal's ONLCR on.
				hostOnlcr: !!raw,
			});
			const onResize = () => session.resize();
			const tty = node.tty.isatty(1) ? process.stdout : node.tty.isatty(2) ? process.stderr : null;
			if (tty)
				tty.on('resize', onResize);
			try {
				code = await session.exited;
			} finally {
				if (tty)
					tty.off('resize', onResize);
			}
			if (o.stats) {
				const st = session.stats(), all = st.compiled + st.interpreted;
				say(`friscy: ${all} instructions: ${st.compiled} compiled (` +
				    `${all ? (100 * st.compiled / all).toFixed(2) : '0.00'}%), ` +
				    `${st.interpreted} interpreted; ${st.stepped} of the compiled ones ` +
				    `run in place by the interpreter; compiled code entered ${st.entries} ` +
				    `times\n`);
			}
		} finally {
			if (raw)
				process.stdin.setRawMode(false);
		}
	} catch (e) {
		if (e instanceof FriscyError) {
			say(`friscy: ${e.message}\n`);
			code = e.status;
		} else {
			// A bug in the runtime (a wasm trap) or the loader, not in the
			// guest: where the native runner would die of a signal.
			say(`friscy: internal error: ${e && e.message || e}\n`);
			if (process.env.FRISCY_DEBUG)
				say(`${e && e.stack}\n`);
			code = 134;
		}
	}
	return finish(code);
}

if (IN_NODE && process.argv[1] &&
    import.meta.url === node.url.pathToFileURL(node.fs.realpathSync(process.argv[1])).href)
	await main(process.argv.slice(2));
