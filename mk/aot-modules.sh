#!/bin/sh
# mk/aot-modules.sh OUTDIR ELF... - compile ELFs with rv2wasm for the page:
# OUTDIR/<sha256 of the ELF>.wasm each (kept when already there), and
# OUTDIR/index.json, the JSON array of the hashes there, which the loader
# reads (web/friscy.mjs loadAot). RV2WASM names the compiler.
set -eu
out=$1
shift
mkdir -p "$out"
for elf in "$@"; do
	sha=$(sha256sum "$elf" | cut -c1-64)
	[ -s "$out/$sha.wasm" ] || "${RV2WASM:-rv2wasm}" "$elf" -O2 -o "$out/$sha.wasm"
done
{
	printf '['
	sep=
	for f in "$out"/*.wasm; do
		[ -e "$f" ] || continue
		printf '%s"%s"' "$sep" "$(basename "$f" .wasm)"
		sep=', '
	done
	printf ']\n'
} >"$out/index.json.tmp"
mv "$out/index.json.tmp" "$out/index.json"
