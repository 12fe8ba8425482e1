#!/bin/sh
# tests/badinput/run.sh - the runner must reject bad input cleanly.
#
# Usage: tests/badinput/run.sh [--qemu-only] [--list] [CASE...]
#
# Generates, in build/tests/badinput/: broken executables (a riscv64 ELF
# cut to 100 bytes, an x86-64 ELF (/bin/true), a hand-made 32-bit RISC-V
# ELF, a big-endian header, e_phoff past the end, 65535 program headers,
# the ELF cut in half (its PT_LOADs reach past the end of the file: Linux
# would map it and fault later, friscy must refuse it), a relocatable
# object, an empty file, a text
# file, a file without execute permission, a directory, a missing path, a
# dynamic executable whose loader is not in the image) and broken root file
# systems (random bytes, a header with a wrong checksum, a tar cut in the
# middle of a member and in the middle of a header (GNU tar silently drops
# that partial block; friscy must not), a garbage size field, a missing
# tar), plus valid.tar, a small image whose /bin/hello must run
# (the control case).  Each program is run as
#     $RUNNER $FRISCY_RUNNER_ARGS -- HOSTPATH                                 (host:NAME)
#     $RUNNER $FRISCY_RUNNER_ARGS --rootfs valid.tar -w / -- /bad/NAME        (rootfs:NAME)
#     $RUNNER $FRISCY_RUNNER_ARGS --rootfs BROKEN.tar -w / -- /bin/hello      (tar:NAME)
# and must: finish (TIMEOUT, default 60 s), exit with a status from 1 to
# 127 (128+N would be death by a signal: a crash), print nothing on stdout,
# and print on stderr exactly one line that starts with "friscy:" and
# contains the offending path exactly as it was given (HOSTPATH, /bad/NAME
# or the tar's path), with no sanitizer/segfault/abort text.
# One line per case, then "N passed, M failed[, K skipped]".
#
# Without the runner (or with --qemu-only) it only checks that the inputs
# really are bad: qemu-riscv64 refuses each program, GNU tar complains
# about each broken tar.  Environment: as tests/diff/run.sh.
here=$(cd "$(dirname "$0")" && pwd)
PYTHONDONTWRITEBYTECODE=1 exec python3 "$here/run.py" "$@"
