#!/bin/sh
# tests/diff/run.sh - differential tests: qemu-riscv64 vs a friscy runner.
#
# Usage: tests/diff/run.sh [--qemu-only] [--list] [TEST...]
#
# Builds every tests/diff/TEST.c four ways (musl static/dynamic with the
# musl-gcc wrapper, glibc static/dynamic with riscv64-linux-gnu-gcc) into
# build/tests/diff/TEST.VARIANT, appends the binaries under /t/ to copies of
# the images (build/tests/diff/{musl,glibc}.tar, extracted beside them for
# qemu -L), runs each binary as
#     qemu-riscv64 -L build/tests/diff/LIBC -0 /t/BIN build/tests/diff/LIBC/t/BIN ARGS
#     $RUNNER $FRISCY_RUNNER_ARGS --rootfs build/tests/diff/LIBC.tar -w / [-e K=V]... -- /t/BIN ARGS
# and compares stdout, stderr and exit status.  One line per case
# (PASS/FAIL/SKIP NAME.VARIANT), then "N passed, M failed[, K skipped]";
# exit status 1 if anything failed.  Without the runner (or with
# --qemu-only) each binary runs twice under qemu and must be deterministic.
#
# Environment: FRISCY (build/bin/friscy), RUNNER (default $FRISCY, e.g.
# RUNNER="node build/web/friscy.mjs run"), FRISCY_RUNNER_ARGS, BUILD, IMAGES,
# CACHE, MUSL_GCC, GLIBC_GCC, QEMU, JOBS, TIMEOUT, DIFF_CFLAGS: see
# tests/diff/harness.py.  Failing cases leave their outputs in
# build/tests/diff/out/.
here=$(cd "$(dirname "$0")" && pwd)
PYTHONDONTWRITEBYTECODE=1 exec python3 "$here/run.py" "$@"
