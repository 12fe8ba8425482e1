#!/bin/sh
# tests/hostfile/run.sh - a program run as a host file (no --rootfs), named
# by a relative path, as qemu-riscv64 runs one: glibc's static start-up
# reads /proc/self/exe and asserts that it is absolute (it was not: a
# regression test). Runs build/tests/bench/fib.rv64 from its folder with
# the native runner and, when built, the node runner; both must exit 0 and
# print the checksum qemu prints. "N passed, M failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$root/build}
dir=$BUILD/tests/hostfile
mkdir -p "$dir"
riscv64-linux-gnu-gcc -static -O2 -o "$dir/fib.rv64" "$root/tests/bench/fib.c" -lm || exit 1
cd "$dir" || exit 1
want=$(qemu-riscv64 ./fib.rv64 0.01)
pass=0 fail=0
for runner in "$BUILD/bin/friscy" "node $BUILD/web/friscy.mjs run"; do
	set -- $runner
	[ -e "${2:-$1}" ] || [ "$1" != node ] || continue
	got=$($runner ./fib.rv64 0.01 2>&1)
	st=$?
	if [ "$st" -eq 0 ] && [ "$got" = "$want" ]; then
		pass=$((pass + 1))
		echo "PASS $1 ./fib.rv64"
	else
		fail=$((fail + 1))
		echo "FAIL $1 ./fib.rv64: exit $st"
		echo "$got" | sed 's/^/    /'
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
