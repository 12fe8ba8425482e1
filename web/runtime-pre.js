// Put before Emscripten's glue (build/web/runtime.mjs) by mk/web.mk, with
// --extern-pre-js. The glue's node branch is CommonJS: it calls require and
// reads __dirname, which an ES module does not have. In node, define both
// for it; in a browser, neither (the branch does not run there).
const friscyInNode = typeof process == 'object' && typeof process.versions == 'object' &&
	typeof process.versions.node == 'string';
const require = friscyInNode
	? (await import('node:module')).createRequire(import.meta.url) : undefined;
const __dirname = friscyInNode
	? require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url)) : undefined;
