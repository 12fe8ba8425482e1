// A static file server for build/web on 127.0.0.1, with the MIME types the
// page needs (application/wasm for streaming compilation, text/javascript
// for modules). `make serve`, and the browser test, use it:
//
//   node serve.mjs [DIR] [--port N]      (default: this file's folder, 8080)
//
// It serves files only below DIR, GET and HEAD only; nothing else.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import url from 'node:url';

const TYPES = {
	'.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
	'.css': 'text/css', '.wasm': 'application/wasm', '.tar': 'application/x-tar',
	'.map': 'application/json', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

// Resolves to the listening server; port 0 picks a free one.
export function serve(root, port = 8080, host = '127.0.0.1') {
	root = path.resolve(root);
	const server = http.createServer((req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		let rel;
		try {
			rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
		} catch {
			res.writeHead(400).end();
			return;
		}
		if (rel.endsWith('/'))
			rel += 'index.html';
		const file = path.join(root, rel);
		if (file !== root && !file.startsWith(root + path.sep)) {
			res.writeHead(403).end();
			return;
		}
		fs.stat(file, (err, st) => {
			if (err || !st.isFile()) {
				res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
				return;
			}
			res.writeHead(200, {
				'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
				'Content-Length': st.size,
				'Cache-Control': 'no-cache',
			});
			if (req.method === 'HEAD')
				res.end();
			else
				fs.createReadStream(file).pipe(res);
		});
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server));
	});
}

if (process.argv[1] && url.pathToFileURL(fs.realpathSync(process.argv[1])).href === import.meta.url) {
	const args = process.argv.slice(2);
	let dir = path.dirname(url.fileURLToPath(import.meta.url)), port = 8080;
	for (let i = 0; i < args.length; i++) {
		if (args[i] === '--port' && i + 1 < args.length)
			port = Number(args[++i]);
		else
			dir = args[i];
	}
	if (!fs.existsSync(path.join(dir, 'index.html'))) {
		console.error(`serve: ${dir}: no index.html (run make web first)`);
		process.exit(1);
	}
	const server = await serve(dir, port).catch(e => {
		console.error(`serve: 127.0.0.1:${port}: ${e.message}`);
		process.exit(1);
	});
	console.log(`serving ${dir} at http://127.0.0.1:${server.address().port}/`);
}
