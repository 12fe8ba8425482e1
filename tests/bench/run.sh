#!/bin/sh
# tests/bench/run.sh - CPU benchmarks: native vs qemu-riscv64 vs friscy.
#
# Usage: tests/bench/run.sh [--list] [BENCH...]
#
# Builds each tests/bench/NAME.c natively (gcc) and for riscv64
# (riscv64-linux-gnu-gcc -static), both with -O2 -fno-tree-vectorize
# -ffp-contract=off, into build/tests/bench/NAME.{native,rv64}; packs the
# riscv64 binaries into build/tests/bench/bench.tar as /b/NAME; runs
#     build/tests/bench/NAME.native SCALE
#     qemu-riscv64 build/tests/bench/NAME.rv64 SCALE
#     $RUNNER $FRISCY_RUNNER_ARGS --rootfs build/tests/bench/bench.tar -w / -- /b/NAME SCALE
# BENCH_REPS times each (default 3) and prints the best wall-clock time, the
# ratio to native and friscy/qemu; then the same split into each runner's
# time at scale 0 (its start-up and the program's set-up) and what the
# scale adds to it, with that added time's ratios (BENCH_SPLIT=0: not).
# Every program prints a "checksum:" line; a benchmark passes when all
# runners agree.  Last line:
# "N passed, M failed" (exit status 1 on a mismatch or a crash).
#
# Environment: BENCH_REPS, BENCH_SCALE (work factor, default 1: each
# program takes 0.5-2 s natively), BENCH_TIMEOUT, BENCH_CFLAGS, CC_NATIVE,
# BENCH_RUNNERS="native;qemu;friscy[;emcc][;NAME=COMMAND...]" (emcc: the C
# compiled straight to wasm by emcc and run by node, a reference; COMMAND
# takes friscy's arguments, e.g. "wasm=node build/web/friscy.mjs run"), and
# FRISCY / RUNNER / FRISCY_RUNNER_ARGS / BUILD as in tests/diff/harness.py.
here=$(cd "$(dirname "$0")" && pwd)
PYTHONDONTWRITEBYTECODE=1 exec python3 "$here/run.py" "$@"
