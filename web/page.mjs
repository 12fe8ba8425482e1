// The browser page (index.html): an xterm.js terminal attached to a guest's
// fd 0-2. Downloads runtime.wasm (compiled while it streams in) and the
// rootfs with one progress bar, then runs the command; the runtime is the
// terminal's line discipline, so keys go to the guest raw, as a terminal
// emulator sends them to a pty.
//
// What runs: page parameters ?rootfs=URL&cmd=PATH&arg=A&arg=B&env=K=V&cwd=DIR
// &memory=MIB&aot=URL, or window.friscyConfig = { rootfs, argv, env, cwd,
// memoryMiB, aot } set before this module loads. Default: busybox.tar,
// /bin/sh, and the compiled modules in aot/ if it has an index.json
// (aot=none: interpret everything; an aot URL given must load).
import { start, loadAot, FriscyError, Input, DEFAULT_ENV } from './friscy.mjs';
import { Terminal } from './xterm.mjs';
import { FitAddon } from './addon-fit.mjs';

const encoder = new TextEncoder();
const $ = id => document.getElementById(id);

function readConfig() {
	const q = new URLSearchParams(location.search);
	const given = window.friscyConfig || {};
	const cmd = q.get('cmd');
	const argv = cmd ? [cmd, ...q.getAll('arg')] : given.argv || ['/bin/sh'];
	// As `docker run -t`: a terminal type the guest's programs know.
	const env = [...(given.env || DEFAULT_ENV), 'TERM=xterm-256color', ...q.getAll('env')];
	const memory = Number(q.get('memory')) || given.memoryMiB;
	const aot = q.get('aot') || given.aot;
	return {
		aot: aot === 'none' ? null : aot || 'aot/', aotOptional: !aot,
		rootfs: q.get('rootfs') || given.rootfs || 'busybox.tar',
		wasm: given.wasm || new URL('runtime.wasm', import.meta.url).href,
		argv, env, cwd: q.get('cwd') || given.cwd || null, memoryMiB: memory || undefined,
	};
}

function setStatus(text, error = false) {
	const s = $('status');
	s.textContent = text;
	s.classList.toggle('error', error);
}

// fetch, with the body counted as it arrives (for the progress bar).
async function download(url, progress) {
	let res;
	try {
		res = await fetch(url);
	} catch (e) {
		throw new FriscyError(`${url}: cannot fetch (${e.message})`);
	}
	if (!res.ok)
		throw new FriscyError(`${url}: HTTP ${res.status} ${res.statusText}`);
	const size = Number(res.headers.get('Content-Length')) || 0;
	progress.expect(size);
	const reader = res.body.getReader();
	const body = new ReadableStream({
		async pull(ctrl) {
			const { done, value } = await reader.read();
			if (done) {
				ctrl.close();
			} else {
				progress.add(value.length);
				ctrl.enqueue(value);
			}
		},
	});
	return new Response(body, { headers: res.headers });
}

function progressBar() {
	const bar = $('progress');
	let total = 0, got = 0;
	const show = () => {
		bar.max = total || 1;
		bar.value = Math.min(got, total);
	};
	return {
		expect(n) { total += n; show(); },
		add(n) { got += n; show(); },
		done() { bar.hidden = true; },
	};
}

// The downloads at once; the wasm compiles while it streams.
async function load(config) {
	const progress = progressBar();
	setStatus(`downloading ${config.rootfs}…`);
	const [module, rootfs, aot] = await Promise.all([
		download(config.wasm, progress).then(async res => {
			try {
				return await WebAssembly.compileStreaming(res);
			} catch (e) {
				throw new FriscyError(`${config.wasm}: not a usable runtime.wasm (${e.message})`);
			}
		}),
		download(config.rootfs, progress).then(res => res.arrayBuffer()).then(b => new Uint8Array(b)),
		// (the default folder may be missing: then none)
		config.aot ? loadAot(config.aot, { optional: config.aotOptional }) : null,
	]);
	progress.done();
	return { module, rootfs, aot };
}

const term = new Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 14,
			    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' });
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
window.addEventListener('resize', () => fit.fit());

const config = readConfig();
let input = null, session = null;
term.onData(data => input && input.push(encoder.encode(data)));
term.onBinary(data => input && input.push(Uint8Array.from(data, c => c.charCodeAt(0))));
term.onResize(() => session && session.resize());
window.friscy = { term, config, get session() { return session; } };

function finished(text, status, error) {
	setStatus(text, error);
	document.body.dataset.exitStatus = String(status);
	session = input = null;
	$('restart').hidden = false;
}

async function runOnce(loaded) {
	delete document.body.dataset.exitStatus;
	$('restart').hidden = true;
	input = new Input();
	setStatus(config.argv.join(' '));
	try {
		session = await start({
			rootfs: loaded.rootfs, rootfsName: config.rootfs, wasm: { module: loaded.module },
			argv: config.argv, env: config.env, cwd: config.cwd, memoryMiB: config.memoryMiB,
			aot: loaded.aot ? { modules: loaded.aot } : null,
			stdin: input,
			// A few ms of guest time per step: the page stays responsive.
			budget: 2_000_000,
			stdout: bytes => term.write(bytes),
			stderr: bytes => term.write(bytes),
			isatty: () => true,
			winsize: () => ({ rows: term.rows, cols: term.cols }),
		});
		term.focus();
		const status = await session.exited;
		// How much ran compiled (ahead of time, aot/) and interpreted.
		const st = window.friscy.lastStats = session.stats();
		const all = st.compiled + st.interpreted;
		const ran = loaded.aot && all ? ` (${(100 * st.compiled / all).toFixed(1)}% of ${all} ` +
			'instructions compiled)' : '';
		finished(`${config.argv[0]} exited with status ${status}${ran}`, status, status !== 0);
	} catch (e) {
		fail(e);
	}
}

function fail(e) {
	// The runtime's own message (a bad rootfs, a missing program) or a bug.
	const msg = e instanceof FriscyError ? e.message : `internal error: ${e && e.message || e}`;
	term.write(`\r\n\x1b[31mfriscy: ${msg}\x1b[0m\r\n`);
	finished(`friscy: ${msg}`, e instanceof FriscyError ? e.status : 134, true);
}

let loaded = null;
$('restart').addEventListener('click', () => loaded ? runOnce(loaded) : main());

async function main() {
	try {
		loaded = await load(config);
	} catch (e) {
		$('progress').hidden = true;
		return fail(e);
	}
	return runOnce(loaded);
}

main();
