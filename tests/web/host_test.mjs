// tests/web/host_test.mjs - the node host's promises, in-process:
//   node tests/web/host_test.mjs BUILD
//
// - a guest blocked on stdin costs no CPU: busybox sh reading from an Input
//   that gets nothing for a second uses (almost) no CPU time meanwhile, then
//   runs what arrives (`exit 7`) and exits 7;
// - a guest that exhausts its memory gets ENOMEM (sh says "out of memory"
//   and exits non-zero), and the host goes on: the next run works;
// - an arena the wasm memory cannot hold is refused with a message, not a
//   crash.
// One line per check; exit status 1 if any failed.
import fs from 'node:fs';
import path from 'node:path';

const build = path.resolve(process.argv[2] || 'build');
const { run, start, Input, FriscyError } = await import(path.join(build, 'web', 'friscy.mjs'));
const rootfs = fs.readFileSync(path.join(build, 'images', 'busybox.tar'));

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
	ok ? passed++ : failed++;
	console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${!ok && detail ? '\n    ' + detail : ''}`);
}
const text = () => {
	const chunks = [];
	const sink = b => { chunks.push(Buffer.from(b)); };
	sink.text = () => Buffer.concat(chunks).toString();
	return sink;
};

// 1. idle while blocked on stdin
{
	const input = new Input();
	const out = text();
	const s = await start({ rootfs, argv: ['/bin/sh'], stdin: input, stdout: out, stderr: out });
	await new Promise(r => setTimeout(r, 300)); // let it reach its read
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	await new Promise(r => setTimeout(r, 1000));
	const cpu = process.cpuUsage(cpu0);
	const ms = (cpu.user + cpu.system) / 1000;
	const wall = performance.now() - t0;
	check(`blocked on stdin: ${ms.toFixed(1)} ms of CPU in ${wall.toFixed(0)} ms`, ms < 100);
	input.push(new TextEncoder().encode('echo woke; exit 7\n'));
	const code = await s.exited;
	check('then it runs what arrives and exits 7', code === 7 && /woke/.test(out.text()),
	      `${code} ${JSON.stringify(out.text())}`);
}

// 2. memory exhaustion inside the guest
{
	const err = text();
	const code = await run({ rootfs, memoryMiB: 64, stderr: err,
				 argv: ['/bin/sh', '-c', 'x=a; while :; do x=$x$x; done'] });
	check('a guest that exhausts its memory: ENOMEM, a message, non-zero exit',
	      code !== 0 && code < 128 && /out of memory/.test(err.text()), `${code} ${err.text()}`);
	const out = text();
	const again = await run({ rootfs, argv: ['/bin/echo', 'still fine'], stdout: out });
	check('the next run works', again === 0 && out.text() === 'still fine\n', out.text());
}

// 3. an arena bigger than wasm32 can hold
{
	let msg = '';
	try {
		await run({ rootfs, memoryMiB: 4096, argv: ['/bin/true'] });
	} catch (e) {
		msg = e instanceof FriscyError ? e.message : `not a FriscyError: ${e}`;
	}
	check('a 4096 MiB arena is refused with a message', /cannot allocate a 4096 MiB guest arena/.test(msg), msg);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
