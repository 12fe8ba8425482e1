#!/usr/bin/env python3
"""tests/bench/compile.py - rv2wasm for `make bench`, in one run:

Usage: tests/bench/compile.py [BUILD]

- compiles the riscv64 benchmark binaries (built here as tests/bench/run.sh
  builds them) with rv2wasm -O2 into BUILD/tests/bench/aot/<sha256>.wasm,
  for the "aot" runner of the benchmark run (all again when rv2wasm changed);
- measures the compile cost the issue sets goals for: rv2wasm -O2 on busybox
  and on glibc's libc.so.6: seconds, peak memory (max RSS), and output size
  as a multiple of the ELF's executable bytes (goals: under 20 s, under 3x);
- keeps those two modules in the same folder, with musl's and glibc's ld.so
  beside them, for tests/bench/startup.py's dynamic commands.
"""
import importlib.util
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "diff"))
import harness  # noqa: E402

# tests/bench/run.py, for its build() (the same binaries the benchmark runs)
_spec = importlib.util.spec_from_file_location("bench_run", os.path.join(HERE, "run.py"))
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
RV2WASM = os.path.join(BUILD, "bin", "rv2wasm")


def compile_timed(elf, out):
    """rv2wasm -O2 --stats: (seconds, max RSS in MiB, stats text)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.time()
    r = subprocess.run([RV2WASM, elf, "-O2", "--stats", "-o", out], capture_output=True, text=True)
    secs = time.time() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode:
        raise SystemExit("compile.py: %s" % r.stderr.strip())
    return secs, max(rss, before) / 1024.0, r.stderr


def main():
    cfg = harness.Config()
    outdir = os.path.join(BUILD, "tests", "bench")
    aot = os.path.join(outdir, "aot")
    harness.fresh_for(aot, RV2WASM)
    names = sorted(f[:-2] for f in os.listdir(HERE) if f.endswith(".c"))
    for n in names:
        outs, err = bench.build(cfg, n, outdir)
        if err:
            raise SystemExit("compile.py: %s: %s" % (n, err))
        mod = os.path.join(aot, harness.sha256_file(outs["rv64"]) + ".wasm")
        if not os.path.exists(mod):
            subprocess.run([RV2WASM, outs["rv64"], "-O2", "-o", mod], check=True)
    images = os.path.join(BUILD, "images")
    glibc = os.path.join(images, "glibc", "lib", "riscv64-linux-gnu")
    print("rv2wasm -O2, compile cost (goals: under 20 s, under 3x the code):")
    for elf in (os.path.join(images, "busybox", "bin", "busybox"), os.path.join(glibc, "libc.so.6")):
        # (compiled every run, as it is measured; written where it is used)
        out = os.path.join(aot, harness.sha256_file(elf) + ".wasm")
        secs, rss, stats = compile_timed(elf, out)
        ratio = [l for l in stats.splitlines() if "output:" in l]
        print("  %s: %.1f s, peak %.0f MiB,%s" % (os.path.basename(elf), secs, rss,
                                                  ratio[0].split("output:")[1] if ratio else ""))
    for elf in (os.path.join(images, "busybox", "lib", "ld-musl-riscv64.so.1"),
                os.path.join(glibc, "ld-linux-riscv64-lp64d.so.1")):
        mod = os.path.join(aot, harness.sha256_file(elf) + ".wasm")
        if not os.path.exists(mod):
            subprocess.run([RV2WASM, elf, "-O2", "-o", mod], check=True)


if __name__ == "__main__":
    main()
