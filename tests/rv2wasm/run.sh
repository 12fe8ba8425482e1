#!/bin/sh
# tests/rv2wasm/run.sh - rv2wasm on bad input, and on a stripped binary.
#
# Usage: tests/rv2wasm/run.sh     (BUILD=build by default; RV2WASM=
#                                 another build, e.g. build/bin/rv2wasm-asan)
#
# Each bad input (an x86-64 ELF, a truncated ELF, a 32-bit and a
# big-endian header, a relocatable object, an ELF whose code was marked
# not executable, an empty file, a text file, a directory, a missing file,
# and a good ELF with an output path that cannot be written) must give:
# exit status 1..127, exactly one stderr line starting with "rv2wasm:" that
# names the offending path, no output file and no temporary left behind.
# A stripped static binary must compile to a module wasm-validate accepts.
# One line per case, then "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
RV2WASM=${RV2WASM:-$BUILD/bin/rv2wasm}
d=$BUILD/tests/rv2wasm
rm -rf "$d" && mkdir -p "$d/out"
good=$BUILD/images/busybox/bin/busybox
pass=0 fail=0

# The inputs.
cp /bin/true "$d/x86-64"
head -c 100 "$good" > "$d/truncated"
python3 - "$good" "$d" <<'EOF'
import struct, sys
src, d = sys.argv[1], sys.argv[2]
data = bytearray(open(src, "rb").read())
def save(name, b):
    open(d + "/" + name, "wb").write(b)
b = bytearray(data); b[4] = 1; save("elf32", b)            # EI_CLASS = ELFCLASS32
b = bytearray(data); b[5] = 2; save("big-endian", b)       # EI_DATA = ELFDATA2MSB
b = bytearray(data); b[16] = 1; save("relocatable", b)     # e_type = ET_REL
# No executable code: clear PF_X in every program header and
# SHF_EXECINSTR in every section header.
b = bytearray(data)
phoff, shoff = struct.unpack_from("<QQ", b, 32)
phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", b, 54)
for i in range(phnum):
    o = phoff + i * phentsize + 4
    struct.pack_into("<I", b, o, struct.unpack_from("<I", b, o)[0] & ~1)
for i in range(shnum):
    o = shoff + i * shentsize + 8
    struct.pack_into("<Q", b, o, struct.unpack_from("<Q", b, o)[0] & ~4)
save("no-exec", b)
EOF
: > "$d/empty"
echo "not an ELF" > "$d/text"
mkdir -p "$d/directory"

# case NAME INPUT OUTPUT
case_bad() {
	name=$1 in=$2 out=$3
	rm -f "$out"
	"$RV2WASM" "$in" -o "$out" > "$d/stdout" 2> "$d/stderr"
	st=$?
	why=""
	[ "$st" -ge 1 ] && [ "$st" -le 127 ] || why="exit status $st"
	[ -s "$d/stdout" ] && why="$why; wrote to stdout"
	[ "$(wc -l < "$d/stderr")" -eq 1 ] || why="$why; $(wc -l < "$d/stderr") stderr lines"
	grep -q "^rv2wasm: " "$d/stderr" || why="$why; no rv2wasm: line"
	grep -qF "$4" "$d/stderr" || why="$why; does not name $4"
	[ -e "$out" ] && why="$why; left $out"
	ls "$(dirname "$out")" 2>/dev/null | grep -q '\.tmp\.' && why="$why; left a temporary file"
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "PASS $name ($(cat "$d/stderr"))"
	else
		fail=$((fail + 1))
		echo "FAIL $name:$why"
		sed 's/^/    /' "$d/stderr"
	fi
}

for n in x86-64 truncated elf32 big-endian relocatable no-exec empty text directory; do
	case_bad "$n" "$d/$n" "$d/out/$n.wasm" "$d/$n"
done
case_bad missing "$d/missing" "$d/out/missing.wasm" "$d/missing"
case_bad unwritable "$good" "$d/no/such/dir/out.wasm" "$d/no/such/dir/out.wasm"

# A stripped binary still compiles (to a valid module).
stripped=$d/stripped
riscv64-linux-gnu-strip -o "$stripped" "$BUILD/tests/bench/fib.rv64" 2>/dev/null ||
	riscv64-linux-gnu-strip -o "$stripped" "$good"
if "$RV2WASM" "$stripped" -O0 -o "$d/out/stripped.wasm" 2> "$d/stderr" &&
   wasm-validate "$d/out/stripped.wasm" 2>> "$d/stderr"; then
	pass=$((pass + 1))
	echo "PASS stripped binary compiles and validates"
else
	fail=$((fail + 1))
	echo "FAIL stripped binary"
	sed 's/^/    /' "$d/stderr"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
