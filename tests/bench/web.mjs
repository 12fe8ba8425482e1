// tests/bench/web.mjs - what the WebAssembly build costs to start and to
// ship, and how fork+exec fares, in one run:
//
//   node tests/bench/web.mjs BUILD
//
// - runtime.wasm's size, raw and gzipped (what a CDN sends);
// - start-up: from the loader's import to the exit of `/bin/busybox true`
//   (compiling runtime.wasm, mounting the busybox tar, loading, running),
//   each in a fresh node process, node's own start-up excluded; the median
//   of BENCH_REPS (default 9) runs;
// - fork+exec: `sh -c 'for i in $(seq 200); do /bin/true; done'` with the
//   native runner and with node + runtime.wasm: seconds, and node's peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const build = path.resolve(process.argv[2] || 'build');
const web = path.join(build, 'web');
const tar = path.join(build, 'images', 'busybox.tar');
const reps = Number(process.env.BENCH_REPS) || 9;

const wasm = fs.readFileSync(path.join(web, 'runtime.wasm'));
const gz = zlib.gzipSync(wasm, { level: 9 });
console.log(`runtime.wasm: ${(wasm.length / 1024).toFixed(0)} KiB, ` +
	    `${(gz.length / 1024).toFixed(0)} KiB gzipped (goal: under 1 MiB)`);

// One fresh node per sample; the child times itself from before the import.
const probe = `
const t0 = performance.now();
const { run } = await import(${JSON.stringify(path.join(web, 'friscy.mjs'))});
const rootfs = (await import('node:fs')).readFileSync(${JSON.stringify(tar)});
const code = await run({ rootfs, argv: ['/bin/busybox', 'true'] });
console.log(JSON.stringify({ code, ms: performance.now() - t0 }));
`;
const samples = [];
for (let i = 0; i < reps; i++) {
	const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
	const r = JSON.parse(out.trim().split('\n').pop());
	if (r.code !== 0)
		throw new Error(`busybox true exited ${r.code}`);
	samples.push(r.ms);
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
console.log(`start-up to the exit of busybox true: median ${median.toFixed(1)} ms ` +
	    `(min ${samples[0].toFixed(1)}, max ${samples[samples.length - 1].toFixed(1)}, ` +
	    `${reps} runs; goal: under 50 ms)`);

// fork+exec: 200 times /bin/true from a shell loop.
const loop = ['--rootfs', tar, '/bin/sh', '-c', 'for i in $(seq 200); do /bin/true; done'];
function timed(cmd, args) {
	const t = performance.now();
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
	return (performance.now() - t) / 1000;
}
const nativeS = timed(path.join(build, 'bin', 'friscy'), loop);
const rssProbe = `
const { run } = await import(${JSON.stringify(path.join(web, 'friscy.mjs'))});
const rootfs = (await import('node:fs')).readFileSync(${JSON.stringify(tar)});
const t = performance.now();
const code = await run({ rootfs, argv: ${JSON.stringify(loop.slice(2))} });
console.log(JSON.stringify({ code, s: (performance.now() - t) / 1000,
			     rss: process.resourceUsage().maxRSS }));
`;
const out = execFileSync(process.execPath, ['--input-type=module', '-e', rssProbe], { encoding: 'utf8' });
const w = JSON.parse(out.trim().split('\n').pop());
console.log(`fork+exec x200 (sh loop of /bin/true): native ${nativeS.toFixed(2)} s, ` +
	    `wasm ${w.s.toFixed(2)} s (node peak RSS ${(w.rss / 1024).toFixed(0)} MiB)`);
