#!/usr/bin/env python3
"""tests/bench/startup.py - short commands of dynamically linked programs,
compiled, against qemu-riscv64, in one run:

Usage: tests/bench/startup.py [BUILD]

A container's commands are mostly short and dynamically linked: their
time is start-up (loading and compiling the modules of the program, its
ld.so and its libraries; the dynamic linker's work) more than running.
The commands:
- busybox's `sh -c 'echo hi'` in the busybox image (busybox and musl's
  ld.so compiled);
- a glibc-dynamic hello world (tests/bench/startup/hello.c) in the glibc
  image (the program, ld.so and libc.so.6 compiled);
- `seq 1 20000 | awk '{s+=$1} END {print s}'` in the busybox image (a
  pipeline: fork, pipes, two busybox applets).
Each is run by qemu-riscv64 (-L the image), by node with the compiled
modules (--aot: tests/bench/compile.py's folder, which has these ELFs'
modules) and by node interpreting (--no-aot), BENCH_REPS times each
(default 7), the runners taking turns, each a fresh process. Prints the
median wall-clock seconds of each and compiled against qemu. The runners
must agree on stdout and exit status (else FAIL, exit status 1).
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "diff"))
import harness  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
REPS = int(os.environ.get("BENCH_REPS", "7"))


def hello_image(images, outdir):
    """hello.c built glibc-dynamic, added to the glibc image as /hello:
    (tar, unpacked root), or exits on a build failure."""
    elf = os.path.join(outdir, "hello")
    r = subprocess.run(["riscv64-linux-gnu-gcc", "-O2", os.path.join(HERE, "startup", "hello.c"),
                        "-o", elf], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit("startup.py: hello.c: %s" % r.stderr.strip())
    tar, root = os.path.join(outdir, "hello.tar"), os.path.join(outdir, "hello-root")
    harness.build_image(os.path.join(images, "glibc.tar"), tar, root,
                        [harness.Member("hello", src=elf, mode=0o755)])
    mod = os.path.join(BUILD, "tests", "bench", "aot", harness.sha256_file(elf) + ".wasm")
    if not os.path.exists(mod):
        subprocess.run([os.path.join(BUILD, "bin", "rv2wasm"), elf, "-O2", "-o", mod], check=True)
    return tar, root


def main():
    cfg = harness.Config()
    images = os.path.join(BUILD, "images")
    outdir = os.path.join(BUILD, "tests", "bench", "startup")
    os.makedirs(outdir, exist_ok=True)
    hello_tar, hello_root = hello_image(images, outdir)
    bb_tar, bb_root = os.path.join(images, "busybox.tar"), os.path.join(images, "busybox")
    pipeline = "seq 1 20000 | awk '{s+=$1} END {print s}'"
    commands = [  # name, image tar, its root, program, args
        ("busybox sh -c 'echo hi'", bb_tar, bb_root, "/bin/sh", ["-c", "echo hi"]),
        ("glibc-dynamic hello", hello_tar, hello_root, "/hello", []),
        ("busybox seq | awk", bb_tar, bb_root, "/bin/sh", ["-c", pipeline]),
    ]
    node = ["node", os.path.join(BUILD, "web", "friscy.mjs"), "run"]
    aot = os.path.join(BUILD, "tests", "bench", "aot")
    print("Start-up: short commands of dynamic programs, median of %d runs, seconds" % REPS)
    print("%-26s %8s %9s %12s %14s" % ("", "qemu", "compiled", "interpreted", "compiled/qemu"))
    failed = 0
    for name, tar, root, prog, args in commands:
        runners = {
            "qemu": harness.qemu_argv(cfg, root, prog, args),
            "compiled": node + ["--aot", aot, "--rootfs", tar, "--", prog] + args,
            "interpreted": node + ["--no-aot", "--rootfs", tar, "--", prog] + args,
        }
        times = {k: [] for k in runners}
        outs = {}
        for i in range(REPS):
            for k in (list(runners) if i % 2 == 0 else list(runners)[::-1]):
                t = time.perf_counter()
                r = harness.run(runners[k])
                times[k].append(time.perf_counter() - t)
                outs.setdefault(k, set()).add((r.status, r.out))
        agree = len(set.union(*outs.values())) == 1  # (every run of every runner)
        med = {k: statistics.median(v) for k, v in times.items()}
        print("%-26s %8.3f %9.3f %12.3f %13.2fx%s" % (
            name, med["qemu"], med["compiled"], med["interpreted"], med["compiled"] / med["qemu"],
            "" if agree else "  FAIL: outputs differ %r" % sorted(set.union(*outs.values()))[:3]))
        failed += not agree
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
