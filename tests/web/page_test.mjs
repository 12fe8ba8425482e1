// tests/web/page_test.mjs - the browser page in headless Debian chromium,
// driven by playwright-core: node tests/web/page_test.mjs BUILD/web
//
// Serves BUILD/web with web/serve.mjs on a free port, then:
//   1. waits for busybox sh's prompt, types `echo hello-$((6*7)); ls /`,
//      reads the terminal's text back and checks the output;
//   2. runs `sleep 30`, presses Ctrl-C and checks the prompt is back at
//      once (SIGINT reached the foreground job, not the shell);
//   3. checks the guest sees the terminal's size, and that a foreground
//      job gets SIGWINCH when the page is resized;
//   4. types `exit 3` and checks the page reports exit status 3;
//   5. a missing rootfs URL and a program that does not exist: a message
//      in the terminal and the status line, a non-zero status, and the
//      page stays usable;
//   6. the programs' compiled modules (aot/, rv2wasm): a pipeline prints
//      what it prints interpreted (aot=none), with most instructions run
//      compiled; a missing aot URL is an error.
// One line per check; exit status 1 if any failed.
import path from 'node:path';
import { createRequire } from 'node:module';
import { serve } from '../../web/serve.mjs';

const dir = process.argv[2] || 'build/web';
const npmDir = process.env.NPM_DIR || path.join(path.dirname(dir), 'npm');
const { chromium } = createRequire(path.resolve(npmDir, 'package.json'))('playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.PAGE_TIMEOUT_MS) || 30000;

let failed = 0, passed = 0;
function check(name, ok, detail = '') {
	if (ok)
		passed++;
	else
		failed++;
	console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${!ok && detail ? '\n    ' + detail.replace(/\n/g, '\n    ') : ''}`);
}

// The terminal's text, one line per row (trailing blanks trimmed).
function screen(page) {
	return page.evaluate(() => {
		const b = window.friscy.term.buffer.active;
		const out = [];
		for (let i = 0; i < b.length; i++)
			out.push(b.getLine(i).translateToString(true));
		return out.join('\n').replace(/\n+$/, '');
	});
}

// Wait until the terminal's text matches re (or time out); returns it.
async function waitFor(page, re, ms = TIMEOUT) {
	const end = Date.now() + ms;
	let text = '';
	while (Date.now() < end) {
		text = await screen(page);
		if (re.test(text))
			return { ok: true, text };
		await new Promise(r => setTimeout(r, 50));
	}
	return { ok: false, text };
}

async function type(page, s) {
	await page.keyboard.type(s);
}

function count(text, s) {
	return text.split(s).length - 1;
}

const server = await serve(dir, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
	const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
	const errors = [];
	page.on('pageerror', e => errors.push(String(e)));

	// 1. the prompt, a command, its output
	const t0 = Date.now();
	await page.goto(base);
	let r = await waitFor(page, /\/ # $/);
	check(`busybox sh prompt (${Date.now() - t0} ms from page load)`, r.ok, r.text);
	await page.click('#terminal');
	await type(page, 'echo hello-$((6*7)); ls /\n');
	r = await waitFor(page, /hello-42\n.*bin.*\n?.*usr[\s\S]*\/ # $/);
	check('echo hello-$((6*7)); ls /', r.ok && /^hello-42$/m.test(r.text) &&
	      ['bin', 'dev', 'etc', 'proc', 'tmp', 'usr'].every(d => new RegExp(`\\b${d}\\b`).test(r.text)),
	      r.text);

	// 2. Ctrl-C interrupts the foreground job
	await type(page, 'sleep 30\n');
	await new Promise(res => setTimeout(res, 500));
	const t1 = Date.now();
	await page.keyboard.press('Control+C');
	r = await waitFor(page, /sleep 30\n\^C\n\/ # $/, 5000);
	check(`Ctrl-C stops sleep 30 (${Date.now() - t1} ms)`, r.ok, r.text);
	await type(page, 'echo still-$((1+1))\n');
	r = await waitFor(page, /still-2\n\/ # $/);
	check('the shell survives Ctrl-C', r.ok, r.text);

	// 3. window size and SIGWINCH
	const size = await page.evaluate(() => `${window.friscy.term.rows} ${window.friscy.term.cols}`);
	await type(page, 'stty size\n');
	r = await waitFor(page, new RegExp(`stty size\\n${size}\\n/ # $`));
	check(`stty size is the terminal's (${size})`, r.ok, r.text);
	// A foreground job with a trap: the resize reaches it as SIGWINCH.
	await type(page, 'sh -c \'trap "echo got-winch; exit" WINCH; while :; do sleep 0.1; done\'\n');
	await new Promise(res => setTimeout(res, 500));
	await page.setViewportSize({ width: 700, height: 400 });
	r = await waitFor(page, /got-winch\n\/ # $/, 10000);
	const size2 = await page.evaluate(() => `${window.friscy.term.rows} ${window.friscy.term.cols}`);
	check('a resize sends SIGWINCH to the foreground job', r.ok && size2 !== size, r.text);
	await type(page, 'stty size\n');
	r = await waitFor(page, new RegExp(`stty size\\n${size2}\\n/ # $`));
	check(`then stty size follows (${size} -> ${size2})`, r.ok, r.text);

	// 4. exit status
	await type(page, 'exit 3\n');
	const st = await page.waitForFunction(() => document.body.dataset.exitStatus, null,
					      { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
	const status = await page.textContent('#status');
	check('exit 3 is reported', st === '3' && /exited with status 3/.test(status), `${st} / ${status}`);
	check('no errors on the page', errors.length === 0, errors.join('\n'));

	// 5. bad input
	const bad = await browser.newPage();
	await bad.goto(base + '?rootfs=missing.tar');
	const st2 = await bad.waitForFunction(() => document.body.dataset.exitStatus, null,
					      { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
	r = await waitFor(bad, /friscy: .*missing\.tar: HTTP 404/, 2000);
	check('a missing rootfs: a message and a non-zero status', r.ok && st2 && st2 !== '0', r.text);
	const bad2 = await browser.newPage();
	await bad2.goto(base + '?cmd=/bin/nonexistent');
	const st3 = await bad2.waitForFunction(() => document.body.dataset.exitStatus, null,
					       { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
	r = await waitFor(bad2, /friscy: \/bin\/nonexistent: No such file or directory/, 2000);
	check('a missing program: a message and a non-zero status', r.ok && st3 === '127', `${st3}\n${r.text}`);
	// The page stays usable: run again with a good command.
	await bad2.goto(base + '?cmd=/bin/echo&arg=again');
	r = await waitFor(bad2, /^again$/m);
	const st4 = await bad2.waitForFunction(() => document.body.dataset.exitStatus, null,
					       { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
	check('then a good command runs (echo again, status 0)', r.ok && st4 === '0', `${st4}\n${r.text}`);
	await bad2.click('#restart');
	r = await waitFor(bad2, /again\n(.*\n)*again/);
	check('"Run again" runs it again', r.ok && count(r.text, 'again') === 2, r.text);

	// 6. compiled code in the browser
	const cmd = '?cmd=/bin/sh&arg=-c&arg=' + encodeURIComponent('seq 1 3000 | md5sum; echo done');
	const outputs = [];
	for (const aot of ['', '&aot=none']) {
		const p = await browser.newPage();
		await p.goto(base + cmd + aot);
		const s = await p.waitForFunction(() => document.body.dataset.exitStatus, null,
						  { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
		r = await waitFor(p, /^[0-9a-f]{32}  -\ndone$/m, 2000);
		const stats = await p.evaluate(() => window.friscy.lastStats);
		outputs.push({ status: s, text: r.text, stats, line: await p.textContent('#status') });
	}
	const [c, i] = outputs;
	const frac = c.stats ? c.stats.compiled / (c.stats.compiled + c.stats.interpreted) : 0;
	check(`compiled modules: seq | md5sum as interpreted, ${(100 * frac).toFixed(1)}% compiled`,
	      c.status === '0' && i.status === '0' && /done/.test(c.text) && c.text === i.text &&
	      frac > 0.9 && i.stats.compiled === 0, JSON.stringify(outputs, null, 1));
	const bad3 = await browser.newPage();
	await bad3.goto(base + '?aot=nowhere/&cmd=/bin/true');
	const st5 = await bad3.waitForFunction(() => document.body.dataset.exitStatus, null,
					       { timeout: TIMEOUT }).then(h => h.jsonValue(), () => null);
	r = await waitFor(bad3, /friscy: .*nowhere\/index\.json: .*HTTP 404/, 2000);
	check('a missing aot URL: a message and a non-zero status', r.ok && st5 && st5 !== '0', r.text);
} finally {
	await browser.close();
	server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
