#!/usr/bin/env python3
"""tests/asm/run.py - every instruction, three ways: qemu, interpreter, compiled.

Usage: tests/asm/run.py [BUILD]

Generates the assembly programs (tests/asm/gen.py says what they cover)
into BUILD/tests/asm, assembles them (riscv64-linux-gnu-gcc -nostdlib
-static), runs each under qemu-riscv64 (the expected output), friscy's
native interpreter, the node runner with the interpreter only (--no-aot),
and the node runner with the program compiled by rv2wasm (--aot), and
requires identical stdout and exit status 0 everywhere; for the compiled
run also that over 99% of the instructions ran compiled (--stats). The
first differing result is reported by its offset (each result is 8 bytes,
in the order gen.py emits them). "N passed, M failed" at the end.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "diff"))
import harness  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "tests", "asm")
NODE = ["node", os.path.join(BUILD, "web", "friscy.mjs"), "run"]


def first_difference(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            k = i // 8 * 8
            return "result %d (byte %d): want %s, got %s" % (
                k // 8, i, a[k:k + 8][::-1].hex(), b[k:k + 8][::-1].hex())
    return "length: want %d bytes, got %d" % (len(a), len(b))


def main():
    rep = harness.Report()
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "asm", "gen.py"), OUT],
                       capture_output=True, text=True)
    if r.returncode:
        rep.fail("gen.py", r.stderr.splitlines())
        return rep.finish()
    mods = os.path.join(OUT, "modules")
    os.makedirs(mods, exist_ok=True)
    names = sorted(f[:-2] for f in os.listdir(OUT) if f.endswith(".S"))
    for name in names:
        src, elf = os.path.join(OUT, name + ".S"), os.path.join(OUT, name + ".rv64")
        r = subprocess.run(["riscv64-linux-gnu-gcc", "-nostdlib", "-static", "-o", elf, src],
                           capture_output=True, text=True)
        if r.returncode:
            rep.fail(name + ": assemble", r.stderr.splitlines()[:10])
            continue
        mod = os.path.join(mods, harness.sha256_file(elf) + ".wasm")
        r = subprocess.run([os.path.join(BUILD, "bin", "rv2wasm"), elf, "-O1", "-o", mod],
                           capture_output=True, text=True)
        if r.returncode:
            rep.fail(name + ": rv2wasm", r.stderr.splitlines()[:10])
            continue
        q = subprocess.run(["qemu-riscv64", elf], capture_output=True, timeout=300)
        if q.returncode or not q.stdout:
            rep.fail(name + ": qemu-riscv64", ["exit %d" % q.returncode])
            continue
        runs = [("interpreter", [os.path.join(BUILD, "bin", "friscy"), elf]),
                ("node interpreter", NODE + ["--no-aot", elf]),
                ("node compiled", NODE + ["--aot", mods, "--stats", elf])]
        for how, argv in runs:
            g = subprocess.run(argv, capture_output=True, timeout=300)
            what = "%s: %s = qemu (%d results)" % (name, how, len(q.stdout) // 8)
            err = g.stderr.decode(errors="replace")
            if g.returncode or g.stdout != q.stdout:
                rep.fail(what, ["exit %d" % g.returncode, first_difference(q.stdout, g.stdout)] +
                         err.splitlines()[-5:])
                continue
            if how == "node compiled":
                m = re.search(r"compiled \(([\d.]+)%\)", err)
                frac = float(m.group(1)) if m else 0.0
                if frac <= 99.0:
                    rep.fail(what, ["only %.2f%% of the instructions ran compiled" % frac])
                    continue
                what += ", %.2f%% compiled" % frac
            rep.pass_(what)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
