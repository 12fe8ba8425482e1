#!/bin/sh
# tests/busybox/run.sh - busybox applets: qemu-riscv64 vs a friscy runner.
#
# Usage: tests/busybox/run.sh [--qemu-only] [--no-fork] [--list] [N...]
#
# Builds build/tests/busybox/image.tar = build/images/busybox.tar plus
# tests/busybox/fixture/ (and a few generated binary fixtures) at /fixture,
# every member root-owned with mtime 2020-01-01, and its extracted twin
# build/tests/busybox/root/ for qemu -L.  Each line of cases.txt is one
# process, run as
#     qemu-riscv64 -L build/tests/busybox/root -0 PROG build/tests/busybox/root/PROG ARGS
#     $RUNNER $FRISCY_RUNNER_ARGS --rootfs build/tests/busybox/image.tar -w DIR \
#         -e PATH=/bin:/sbin:/usr/bin:/usr/sbin -e HOME=/root -e TZ=UTC0 -- PROG ARGS
# (PROG is /bin/busybox unless the case names a path) and stdout, stderr and
# exit status are compared.  One line per case, then
# "N passed, M failed[, K skipped]"; exit status 1 if anything failed.
# Cases marked fork: or exec: are skipped (counted) with --no-fork or
# BUSYBOX_FORK=0; exec: cases are compared with their own out=/exit=
# (qemu -L would exec host programs).  Without the runner (or with
# --qemu-only) each case runs twice under qemu and must be deterministic;
# fork: cases are included then, exec: ones skipped.
#
# Environment: as tests/diff/run.sh (FRISCY, RUNNER, FRISCY_RUNNER_ARGS,
# BUILD, IMAGES, QEMU, TIMEOUT), see tests/diff/harness.py.
here=$(cd "$(dirname "$0")" && pwd)
PYTHONDONTWRITEBYTECODE=1 exec python3 "$here/run.py" "$@"
