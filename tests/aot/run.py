#!/usr/bin/env python3
"""tests/aot/run.py - the suites again with ahead-of-time compiled code.

Usage: tests/aot/run.py [BUILD]

1. Builds the differential test binaries (tests/diff/run.sh --build-only)
   and the CPU benchmarks for riscv64 (tests/bench/*.c, static glibc).
2. Compiles every ELF the suites run with rv2wasm -O1 into
   BUILD/tests/aot/modules/<sha256>.wasm (2 at a time; kept between runs),
   and checks each module with wabt's wasm-validate: the test programs in
   all four builds, busybox, and musl's ld.so/libc (all of them again
   when rv2wasm itself changed). glibc's shared
   libraries are left out here on purpose: the glibc-dynamic programs run
   their own code compiled and libc interpreted, which tests the mix
   (check 15 compiles them too).
3. Runs tests/diff and tests/busybox with the node runner and
   --aot BUILD/tests/aot/modules: same expected results as qemu-riscv64.
4. Runs the CPU benchmarks (fib, hash, sieve, sort, strops, nbody,
   matmul) at a small scale with --stats and checks that compiled code
   ran above 99% of their instructions (and that fib's deep recursion
   enters compiled code rarely: a thread alone runs long turns).
5. Runs fib with its module's interface version (friscy.abi) changed,
   and with its entry table made unreadable: interpreted, with a message.
6. Compiles tests/aot/switch.c (a switch in a loop, and threaded code
   through a table of label addresses): both tables are resolved, it runs
   over 99% compiled and gives qemu's results; also as a musl PIE, where
   the labels' addresses are relocations that look like function
   pointers. Then tests/aot/exceptions.cc (static glibc C++): exceptions
   thrown through compiled frames give qemu's output, over 99% compiled.
7. Compiles tests/aot/calls.c (tail calls, calls through pointers in the
   data and taken in the code; stripped): qemu's result, and the runtime
   enters compiled code a few times, not at every iteration.
8. Compiles tests/aot/deep.c (recursion 20000 deep in a wide frame,
   through libc at every level, and 1000 deep through a function huge
   enough for TurboFan's mid-tier frames): qemu's result, the host stack
   not overflowed, and also so with node's stack cut to 720 KiB.
9. Compiles tests/aot/duff.c (loops entered inside: Duff's device, gotos):
   rv2wasm finds the ways in, and the result is qemu's.
10. Compiles tests/aot/stride.c (pointers stepping through one-block loops
   into pages they may not touch): faults where qemu's are.
11. Compiles tests/aot/known.c (a loop whose store needs no check of its
   own, its page made read-only by a signal handler between iterations;
   a frame used across calls): the store faults, as under qemu.
12. Compiles tests/aot/stale.c (registers a call changes that are dead
   after it, so not reloaded: an exit after paths meet, a load that
   faults after the call): what it prints is qemu's.
13. Compiles tests/aot/leaf.c (a cycle of returns through a leaf
   function, whose start checks no budget, until another thread sets a
   flag; a comparator called by qsort): rv2wasm counts leaves, the
   spinning thread is preempted, and what it prints is qemu's.
14. Compiles tests/aot/huge.c (a function of over 400 blocks, lifted
   with registers in locals within a block only, faulting in the middle):
   what it prints is qemu's.
15. Compiles tests/aot/fpruns.c (runs of double arithmetic in a row,
   lifted as one, over zeros, subnormals, infinities and NaNs, NX clear
   or set, frm RNE or not): rv2wasm lifts its runs as runs, and every
   result and the flags raised are qemu's.
16. Compiles glibc's ld.so, libc.so.6 and libm.so.6 too, into a folder
   beside the modules: tests/diff's glibc-dynamic programs give qemu's
   results, and args_env's run is over 90% compiled (libc's module is
   kept across the mmaps and mprotects ld.so loads it with); printf's
   gotos (offsets from a label) stay in compiled code.
One line per check; "N passed, M failed" at the end; exit status 1 if any
failed.
"""
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "diff"))
import harness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
MODULES = os.path.join(BUILD, "tests", "aot", "modules")
RV2WASM = os.path.join(BUILD, "bin", "rv2wasm")
NODE_RUNNER = "node %s run" % os.path.join(BUILD, "web", "friscy.mjs")
BENCH = ["fib", "hash", "sieve", "sort", "strops", "nbody", "matmul"]
REPORT = harness.Report()


def check(name, ok, detail=""):
    if ok:
        REPORT.pass_(name)
    else:
        REPORT.fail(name, detail.strip().splitlines())


def compile_one(elf, modules=MODULES):
    out = os.path.join(modules, harness.sha256_file(elf) + ".wasm")
    if os.path.exists(out):
        return elf, None
    r = subprocess.run([RV2WASM, elf, "-O1", "-o", out], capture_output=True, text=True)
    if r.returncode:
        return elf, "rv2wasm: exit %d: %s" % (r.returncode, r.stderr)
    v = subprocess.run(["wasm-validate", out], capture_output=True, text=True)
    if v.returncode:
        os.unlink(out)
        return elf, "wasm-validate: %s" % (v.stdout + v.stderr)
    return elf, None


def compile_all(elfs, modules=MODULES):
    """Compiles every ELF (2 at a time) into modules: [(elf, error)] of
    those that failed."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        return [(e, err) for e, err in ex.map(lambda e: compile_one(e, modules), elfs) if err]


def suite(name, modules, what, *args):
    """tests/NAME/run.sh [ARGS] with the node runner and --aot modules,
    as one check: `what` and the suite's last line."""
    env = dict(os.environ, RUNNER=NODE_RUNNER, FRISCY_RUNNER_ARGS="--aot " + modules)
    r = subprocess.run(["sh", os.path.join(ROOT, "tests", name, "run.sh")] + list(args),
                       cwd=ROOT, env=env, capture_output=True, text=True)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    fails = [l for l in r.stdout.splitlines() if l.startswith("FAIL")]
    check("%s: %s" % (what, last), r.returncode == 0, "\n".join(fails[:10]) + r.stderr[-2000:])


def main():
    harness.fresh_for(MODULES, RV2WASM)
    r = subprocess.run(["sh", os.path.join(ROOT, "tests", "diff", "run.sh"), "--build-only"],
                       cwd=ROOT, capture_output=True, text=True)
    check("test binaries built", r.returncode == 0, r.stdout + r.stderr)
    diffdir = os.path.join(BUILD, "tests", "diff")
    elfs = sorted(os.path.join(diffdir, f) for f in os.listdir(diffdir)
                  if re.search(r"\.(musl|glibc)-(static|dynamic)$", f))
    bb = os.path.join(BUILD, "images", "busybox")
    elfs += [os.path.join(bb, "bin", "busybox"), os.path.join(bb, "lib", "ld-musl-riscv64.so.1")]
    benchdir = os.path.join(BUILD, "tests", "aot", "bench")
    os.makedirs(benchdir, exist_ok=True)
    for b in BENCH:
        out = os.path.join(benchdir, b)
        src = os.path.join(ROOT, "tests", "bench", b + ".c")
        if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
            r = subprocess.run(["riscv64-linux-gnu-gcc", "-static", "-O2", "-fno-tree-vectorize",
                                "-ffp-contract=off", src, "-o", out, "-lm"],
                               capture_output=True, text=True)
            check("benchmark %s built" % b, r.returncode == 0, r.stderr)
        elfs.append(out)

    bad = compile_all(elfs)
    check("%d ELFs compiled by rv2wasm and valid (wasm-validate)" % len(elfs), not bad,
          "\n".join("%s: %s" % b for b in bad[:5]))

    for name in ("diff", "busybox"):
        suite(name, MODULES, "tests/%s with compiled code" % name)

    for b in BENCH:
        argv = NODE_RUNNER.split() + ["--aot", MODULES, "--stats",
                                      os.path.join(benchdir, b), "0.02"]
        r = subprocess.run(argv, capture_output=True, text=True)
        m = re.search(r"(\d+) instructions: (\d+) compiled \(([\d.]+)%\)", r.stderr)
        frac = float(m.group(3)) if m else 0.0
        what = "%s: %.2f%% of %s instructions ran compiled" % (b, frac, m.group(1) if m else "?")
        check(what + " (over 99%)", r.returncode == 0 and frac > 99.0, r.stderr)
        # instret is exact: blocks count lazily (lift.c's uncounted), and
        # every exit, call and loop header must see the interpreter's count.
        r0 = subprocess.run(NODE_RUNNER.split() + ["--no-aot", "--stats", os.path.join(benchdir, b), "0.02"],
                            capture_output=True, text=True)
        n0 = count(r"(\d+) instructions:", r0.stderr)
        check("%s: %d instructions compiled, as many interpreted" % (b, n0),
              m and n0 == int(m.group(1)), "%s vs %s" % (m.group(1) if m else "?", n0))
        if b == "fib":
            # Alone, the thread runs whole budgets, not 200,000-instruction
            # slices, at whose ends its 2000-deep recursion lost its frames
            # (then entered one return at a time: 73360 entries here).
            n = count(r"compiled code entered (\d+) times", r.stderr)
            check("fib: compiled code entered %d times (under 5000)" % n, 0 < n < 5000, r.stderr)
    abi_mismatch(os.path.join(benchdir, "fib"))
    corrupt_entries(os.path.join(benchdir, "fib"))
    jump_table(benchdir)
    exceptions(benchdir)
    goto_pie(benchdir)
    huge(benchdir)
    calls(benchdir)
    deep(benchdir)
    duff(benchdir)
    stride(benchdir)
    known(benchdir)
    stale(benchdir)
    link(benchdir)
    kept(benchdir)
    fma(benchdir)
    fpruns(benchdir)
    leaf(benchdir)
    glibc_libs()
    return REPORT.finish()


def musl_case(name, outdir, strip=False, out=None):
    """Builds tests/aot/NAME.c as a musl PIE (stripped if asked), compiles
    it with rv2wasm -O1 --stats into the modules, and puts it in a copy of
    the busybox image (whose musl it links against) as /t/NAME (or /t/OUT,
    also the ELF's and the image's name): the ELF's path, the image's and
    rv2wasm's output, or None."""
    cfg = harness.Config()
    src = os.path.join(ROOT, "tests", "aot", name + ".c")
    name = out or name
    elf = os.path.join(outdir, name)
    if not os.access(cfg.musl_gcc, os.X_OK):
        check("%s.c built (musl PIE)" % name, False,
              "no musl cross compiler at %s (make images builds it)" % cfg.musl_gcc)
        return None
    r = subprocess.run([cfg.musl_gcc, "-O2", src, "-o", elf], capture_output=True, text=True)
    if not r.returncode and strip:
        r = subprocess.run(["riscv64-linux-gnu-strip", elf], capture_output=True, text=True)
    check("%s.c built (musl PIE%s)" % (name, ", stripped" if strip else ""), r.returncode == 0,
          r.stderr)
    if r.returncode:
        return None
    out = os.path.join(MODULES, harness.sha256_file(elf) + ".wasm")
    r = subprocess.run([RV2WASM, elf, "-O1", "--stats", "-o", out], capture_output=True, text=True)
    check("%s.c compiled" % name, r.returncode == 0, r.stderr)
    tar = os.path.join(BUILD, "tests", "aot", name + ".tar")
    harness.build_image(os.path.join(BUILD, "images", "busybox.tar"), tar,
                        os.path.join(BUILD, "tests", "aot", name + "-root"),
                        [harness.Member("t/" + name, src=elf)])
    return elf, tar, r.stdout + r.stderr


def qemu_musl(elf, *args):
    bb = os.path.join(BUILD, "images", "busybox")
    return subprocess.run(["qemu-riscv64", "-L", bb, elf] + list(args), capture_output=True,
                          text=True)


def qemu_and_compiled(elf, tar, name, *args, stats=False):
    """A musl case's run under qemu and under the node runner with the
    modules (--stats if asked): both CompletedProcesses."""
    q = qemu_musl(elf, *args)
    argv = (NODE_RUNNER.split() + ["--aot", MODULES] + (["--stats"] if stats else []) +
            ["--rootfs", tar, "/t/" + name] + list(args))
    try:
        return q, subprocess.run(argv, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return q, subprocess.CompletedProcess(argv, 124, "", "timed out after 300 s")


def compiled_as_qemu(what, elf, tar, name, *args):
    """A musl case's run gives qemu's output and exit status 0, over 99%
    compiled."""
    q, r = qemu_and_compiled(elf, tar, name, *args, stats=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    check("%s compiled = qemu (%s), %.2f%% compiled (over 99%%)"
          % (what, q.stdout.strip().replace("\n", "; "), frac),
          r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and frac > 99.0,
          r.stdout + r.stderr[-2000:])


def count(pattern, text):
    """The number the pattern's group matches in text, or 0."""
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


def calls(outdir):
    """tests/aot/calls.c, stripped musl PIE: tail calls (`j f`, `jr` through
    a pointer), functions reached only through a table of pointers in the
    data or through an address taken in the code, libc through the PLT
    (the stub's `jalr t1, t3` a jump, not a call). Compiled code makes
    those calls itself: the runtime enters it a few times for the run, not
    at every iteration (before: several times per iteration). Same output
    as qemu."""
    case = musl_case("calls", outdir, strip=True)
    if not case:
        return
    elf, tar, _ = case
    n = 20000
    q, r = qemu_and_compiled(elf, tar, "calls", str(n), stats=True)
    entries = count(r"compiled code entered (\d+) times", r.stderr)
    check("calls.c compiled = qemu (%s), compiled code entered %d times for %d iterations "
          "(under %d)" % (q.stdout.strip(), entries, n, n // 100),
          r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and
          0 < entries < n // 100, r.stdout + r.stderr)


def deep(outdir):
    """tests/aot/deep.c, a musl PIE: compiled frames run on the host's
    stack, so calls nest only while their estimated frames fit a budget
    (compiler/lift.c's STACK_BUDGET), across modules too (env.far); past it
    a call goes through the runtime. Deep recursion gives qemu's result
    and no host stack overflow, with V8's default stack (984 KiB) and with
    it cut to 720 KiB: the budget (640 KiB) and 80 for the runtime, so
    the compiled frames must take no more than their estimates (on every
    function of busybox and libc.so.6, V8's frames were measured at most
    0.88 of them: compiler/lift.c's FRAME_COST; a thread alone runs long
    turns, so the recursions fill the budget). Its `longest`
    gets a 43 KiB frame from TurboFan's mid-tier allocator: estimated at
    under 1 KiB before, it overflowed node's stack."""
    case = musl_case("deep", outdir)
    if not case:
        return
    elf, tar, _ = case
    n = "20000"
    q = qemu_musl(elf, n)
    for node_args in ([], ["--stack-size=720"]):
        argv = (["node"] + node_args + NODE_RUNNER.split()[1:] +
                ["--aot", MODULES, "--rootfs", tar, "/t/deep", n])
        r = subprocess.run(argv, capture_output=True, text=True)
        check("deep.c compiled = qemu (%s)%s" % (", ".join(q.stdout.split("\n")[:2]),
                                                 " " + node_args[0] if node_args else ""),
              r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout,
              r.stdout + r.stderr[-2000:])


def duff(outdir):
    """tests/aot/duff.c, a musl PIE: loops entered inside (Duff's device,
    gotos into a loop). rv2wasm finds those ways in (--stats) and routes
    them through the loop's dispatch; the results are qemu's."""
    case = musl_case("duff", outdir)
    if not case:
        return
    elf, tar, stats = case
    inner = count(r"(\d+) entered inside a loop", stats)
    q, r = qemu_and_compiled(elf, tar, "duff", "3000", stats=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    check("duff.c: %d blocks entered inside a loop (at least 4), compiled = qemu (%s), "
          "%.2f%% compiled (over 99%%)" % (inner, q.stdout.strip(), frac),
          inner >= 4 and r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and
          frac > 99.0, stats + r.stdout + r.stderr[-2000:])


def stride(outdir):
    """tests/aot/stride.c, a musl PIE: pointers stepping through loops (of
    one block and of several), checked in full on the way in and then only
    for staying in the page (rv2wasm --stats counts them), walk into pages
    with no access or store into a read-only one: the fault addresses and
    sums are qemu's."""
    case = musl_case("stride", outdir)
    if not case:
        return
    elf, tar, stats = case
    stepping = count(r"(\d+) groups test first for lying in the page", stats)
    q, r = qemu_and_compiled(elf, tar, "stride")
    check("stride.c: %d groups test for staying in a page (at least 3), faults and sums = qemu (%s)"
          % (stepping, "; ".join(q.stdout.splitlines()[::2])),
          stepping >= 3 and r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout,
          stats + r.stdout + r.stderr[-2000:])


def known(outdir):
    """tests/aot/known.c, a musl PIE: accesses an earlier check covers are
    not checked (rv2wasm --stats counts them), and the runtime's way back
    into such code checks again: a signal handler makes the page of a
    loop's unchecked store read-only, and the next store faults as under
    qemu, nothing stored after the mprotect."""
    case = musl_case("known", outdir)
    if not case:
        return
    elf, tar, stats = case
    n = count(r"memory checks: (\d+) accesses need none", stats)
    q, r = qemu_and_compiled(elf, tar, "known")
    check("known.c: %d accesses need no check (at least 2), = qemu (%s)"
          % (n, "; ".join(q.stdout.splitlines())),
          n >= 2 and r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and
          "nothing stored" in q.stdout, stats + r.stdout + r.stderr[-2000:])


def stale(outdir):
    """tests/aot/stale.c, a musl PIE: registers a call changes and that are
    dead after it are not reloaded, and no exit writes their stale locals
    back (after paths meet where one wrote the register; on the way into a
    faulting load that writes it): what it prints is qemu's."""
    case = musl_case("stale", outdir)
    if not case:
        return
    elf, tar, stats = case
    q, r = qemu_and_compiled(elf, tar, "stale")
    check("stale.c compiled = qemu (%s)" % "; ".join(q.stdout.splitlines()),
          r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and
          "a1 = 778" in q.stdout, stats + r.stdout + r.stderr[-2000:])


def link(outdir):
    """tests/aot/link.c, a musl PIE: after a call through a pointer, ra is
    what the callee left (it returned through t0 with ra changed), also
    where the way on is into another function; sp after a call is what the
    callee left, directly or through a tail call: what it prints is qemu's."""
    case = musl_case("link", outdir)
    if not case:
        return
    elf, tar, _ = case
    compiled_as_qemu("link.c", elf, tar, "link", "20000")


def kept(outdir):
    """tests/aot/kept.c, a musl PIE: calls through a pointer from a loop
    whose values are in s1-s3, dirty at each call, to functions that keep
    the ABI's callee-saved registers (the caller leaves them unstored and
    does not reload them), also where the callee makes a system call or
    the budget runs out in it (the caller writes them back on its way
    out), and to ones that do not (one changes s3 against the ABI: the
    caller reloads it): what it prints is qemu's."""
    case = musl_case("kept", outdir)
    if not case:
        return
    elf, tar, r = case
    m = re.search(r"(\d+) keep the callee-saved registers", r)
    check("rv2wasm marks kept.c's functions that keep the callee-saved registers (%s)"
          % (m.group(0) if m else "none"), m and int(m.group(1)) >= 3, r)
    compiled_as_qemu("kept.c", elf, tar, "kept", "30000")


def fma(outdir):
    """tests/aot/fma.c, a musl PIE: fused multiply-adds (.d and .s, all
    four) on 200,000 random and hard operand triples with NX set, which
    rv2wasm computes inline from f64 operations: every result and the
    flags it raised are qemu's."""
    case = musl_case("fma", outdir)
    if not case:
        return
    elf, tar, _ = case
    compiled_as_qemu("fma.c", elf, tar, "fma", "200000")


def fpruns(outdir):
    """tests/aot/fpruns.c, a musl PIE: runs of double arithmetic in a row,
    which rv2wasm lifts as one (one test for the run; the helper for each
    operation in turn when it fails), over zeros, subnormals, infinities,
    NaNs and huge operands, NX clear or set, frm RNE or not: rv2wasm
    lifts the runs as runs (--stats), and every result and the flags
    raised are qemu's."""
    case = musl_case("fpruns", outdir)
    if not case:
        return
    elf, tar, stats = case
    runs = count(r"(\d+) runs of double arithmetic", stats)
    check("fpruns.c: %d runs of double arithmetic lifted as one (at least 4)" % runs, runs >= 4, stats)
    compiled_as_qemu("fpruns.c", elf, tar, "fpruns", "100000")


def leaf(outdir):
    """tests/aot/leaf.c, a musl PIE: functions with no loop and no call
    check no budget at their start (rv2wasm --stats counts them); a cycle
    of returns through one is still preempted (the runtime checks the
    budget before it enters compiled code again), so the thread that ends
    it runs: what it prints is qemu's."""
    case = musl_case("leaf", outdir)
    if not case:
        return
    elf, tar, stats = case
    n = count(r"(\d+) leaves", stats)
    q, r = qemu_and_compiled(elf, tar, "leaf")
    check("leaf.c: %d leaf functions (at least 2), = qemu (%s)"
          % (n, "; ".join(q.stdout.splitlines())),
          n >= 2 and r.returncode == 0 and q.returncode == 0 and r.stdout == q.stdout and
          "after some rounds" in q.stdout, stats + r.stdout + r.stderr[-2000:])


def glibc_libs():
    """glibc's shared libraries compiled too (ld.so, libc.so.6, libm.so.6,
    in a folder of their own beside the suite's modules, which the rest
    of the suite runs without: the programs' code compiled, libc
    interpreted): tests/diff's glibc-dynamic programs give qemu's results,
    and a program's libc code runs compiled. ld.so maps a library's whole
    span with its text's protection, then maps its data over part of it
    and protects the gaps; the runtime used to drop the library's module
    there, so glibc's libraries always ran interpreted."""
    mods = MODULES + "-glibc"
    harness.fresh_for(mods, RV2WASM)
    glibc = os.path.join(BUILD, "tests", "diff", "glibc")
    libdir = os.path.join(glibc, "lib", "riscv64-linux-gnu")
    bad = compile_all([os.path.join(libdir, n) for n in
                       ("ld-linux-riscv64-lp64d.so.1", "libc.so.6", "libm.so.6")], mods)
    check("glibc's ld.so, libc.so.6, libm.so.6 compiled and valid", not bad,
          "\n".join("%s: %s" % b for b in bad))
    for f in os.listdir(MODULES):
        link = os.path.join(mods, f)
        if not f.startswith(".") and not os.path.lexists(link):
            os.symlink(os.path.join(MODULES, f), link)
    suite("diff", mods, "tests/diff's glibc-dynamic programs with glibc compiled too",
          "--variant=glibc-dynamic")
    prog = "/t/args_env.glibc-dynamic"
    q = subprocess.run(harness.qemu_argv(harness.Config(), glibc, prog, ["a", "b"]),
                       capture_output=True, text=True)
    argv = (NODE_RUNNER.split() + ["--aot", mods, "--stats", "--rootfs", glibc + ".tar", "-w",
                                   "/", "--", prog, "a", "b"])
    r = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    check("args_env.glibc-dynamic with glibc compiled = qemu (exit %d), %.2f%% compiled "
          "(over 90%%)" % (q.returncode, frac),
          r.returncode == q.returncode and r.stdout == q.stdout and frac > 90.0,
          r.stdout + r.stderr[-2000:])
    # Shared glibc's printf jumps by offsets from a label (no relocations):
    # read as tables, its labels are entries and its gotos stay in the
    # function (before: 97.6% compiled, entered 3755 times).
    prog = "/t/printf_fmt.glibc-dynamic"
    q = subprocess.run(harness.qemu_argv(harness.Config(), glibc, prog, []),
                       capture_output=True, text=True)
    argv = (NODE_RUNNER.split() + ["--aot", mods, "--stats", "--rootfs", glibc + ".tar", "-w",
                                   "/", "--", prog])
    r = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    entries = count(r"compiled code entered (\d+) times", r.stderr)
    check("printf_fmt.glibc-dynamic with glibc compiled = qemu, %.2f%% compiled (over 98.5%%), "
          "entered %d times (under 1500)" % (frac, entries),
          r.returncode == q.returncode and r.stdout == q.stdout and frac > 98.5 and
          0 < entries < 1500, r.stdout[-1000:] + r.stderr[-2000:])
    exceptions_dynamic(glibc, libdir, mods)
    far_cache(glibc, mods)


def far_cache(glibc, mods):
    """tests/aot/farcache.c, glibc-dynamic: calls through a pointer into a
    library loaded by dlopen (env.far's way, which caches the entries it
    found), the library unloaded and another loaded in its place, the same
    code but for a constant and no module compiled from it: qemu's output
    (a cache outliving the mapping ran the first library's compiled code
    at the second's address)."""
    outdir = os.path.join(BUILD, "tests", "aot")
    src = os.path.join(ROOT, "tests", "aot")
    elf = os.path.join(outdir, "farcache")
    libs = [os.path.join(outdir, "libfar_%s.so" % v) for v in "ab"]
    cmds = [["riscv64-linux-gnu-gcc", "-O2", os.path.join(src, "farcache.c"), "-o", elf]]
    cmds += [["riscv64-linux-gnu-gcc", "-O2", "-shared", "-fPIC", "-DVALUE=%d" % (i + 1),
              os.path.join(src, "farlib.c"), "-o", lib] for i, lib in enumerate(libs)]
    errs = [r.stderr for r in (subprocess.run(c, capture_output=True, text=True) for c in cmds)
            if r.returncode]
    check("farcache.c and its libraries built (glibc-dynamic)", not errs, "\n".join(errs))
    if errs:
        return
    bad = compile_all([elf, libs[0]], mods)
    check("farcache and libfar_a.so compiled and valid (libfar_b.so not)", not bad,
          "\n".join("%s: %s" % b for b in bad))
    tar, root = os.path.join(outdir, "farcache.tar"), os.path.join(outdir, "farcache-root")
    harness.build_image(glibc + ".tar", tar, root,
                        [harness.Member("t/farcache", src=elf, mode=0o755)] +
                        [harness.Member("t/" + os.path.basename(lib), src=lib) for lib in libs])
    q = subprocess.run(["qemu-riscv64", "-L", root, elf, "6"], capture_output=True, text=True)
    r = subprocess.run(NODE_RUNNER.split() + ["--aot", mods, "--stats", "--rootfs", tar, "-w", "/",
                                              "--", "/t/farcache", "6"], capture_output=True, text=True)
    check("farcache.c, a library unloaded and another loaded in its place = qemu (%s)"
          % q.stdout.strip().replace("\n", "; "),
          r.returncode == q.returncode == 0 and r.stdout == q.stdout, r.stdout + r.stderr[-2000:])


def exceptions_dynamic(glibc, libdir, mods):
    """tests/aot/exceptions.cc as a glibc-dynamic C++ program, with
    libstdc++.so.6 and libgcc_s.so.1 compiled too: every throw goes from
    the program into libstdc++, on into libgcc_s's unwinder, back into
    libstdc++'s personality routine, into libc, through PLTs (far calls
    between modules), and lands in the program's catch blocks. Output and
    exit status are qemu's, over 99% compiled, under 20 entries into
    compiled code a throw (each PLT call left compiled code before: 108
    thousand entries for 200 iterations)."""
    outdir = os.path.join(BUILD, "tests", "aot")
    elf = os.path.join(outdir, "exceptions-dynamic")
    src = os.path.join(ROOT, "tests", "aot", "exceptions.cc")
    r = subprocess.run(["riscv64-linux-gnu-g++", "-O2", src, "-o", elf], capture_output=True,
                       text=True)
    check("exceptions.cc built (glibc-dynamic)", r.returncode == 0, r.stderr)
    if r.returncode:
        return
    libs = [os.path.realpath(os.path.join(libdir, n)) for n in ("libstdc++.so.6", "libgcc_s.so.1")]
    bad = compile_all([elf] + libs, mods)
    check("exceptions-dynamic, libstdc++.so.6 and libgcc_s.so.1 compiled and valid", not bad,
          "\n".join("%s: %s" % b for b in bad))
    tar = os.path.join(outdir, "exceptions-dynamic.tar")
    harness.build_image(glibc + ".tar", tar, os.path.join(outdir, "exceptions-dynamic-root"),
                        [harness.Member("t/exceptions", src=elf, mode=0o755)])
    throws_as_qemu("exceptions.cc glibc-dynamic, its C++ libraries compiled",
                   ["qemu-riscv64", "-L", glibc, elf],
                   NODE_RUNNER.split() + ["--aot", mods, "--stats", "--rootfs", tar, "-w", "/",
                                          "--", "/t/exceptions"])


def static_case(source, outdir, cc):
    """Builds tests/aot/SOURCE static (glibc) with cc into outdir, and
    compiles it with rv2wasm -O1 --stats into the modules: the ELF's path
    and rv2wasm's run, or None if it did not build."""
    src = os.path.join(ROOT, "tests", "aot", source)
    elf = os.path.join(outdir, os.path.splitext(source)[0])
    r = subprocess.run([cc, "-static", "-O2", src, "-o", elf], capture_output=True, text=True)
    check("%s built" % source, r.returncode == 0, r.stderr)
    if r.returncode:
        return None
    out = os.path.join(MODULES, harness.sha256_file(elf) + ".wasm")
    return elf, subprocess.run([RV2WASM, elf, "-O1", "--stats", "-o", out],
                               capture_output=True, text=True)


def jump_table(outdir):
    """tests/aot/switch.c, a bytecode interpreter (a switch in a loop,
    then threaded code with computed gotos): rv2wasm reads both tables,
    so it runs compiled (before, each case ran interpreted up to an
    entry: 66% compiled without the switch's table, 59% without the
    gotos' made entries), and gives qemu's results."""
    case = static_case("switch.c", outdir, "riscv64-linux-gnu-gcc")
    if not case:
        return
    elf, r = case
    m = re.search(r"(\d+) jumps through jump tables resolved", r.stdout + r.stderr)
    check("rv2wasm resolves switch.c's jump tables (%s)" % (m.group(0) if m else "none"),
          r.returncode == 0 and m and int(m.group(1)) > 0, r.stdout + r.stderr)
    m = re.search(r"(\d+) through tables of label addresses", r.stdout + r.stderr)
    check("rv2wasm reads switch.c's table of label addresses (%s)" % (m.group(0) if m else "none"),
          r.returncode == 0 and m and int(m.group(1)) > 0, r.stdout + r.stderr)
    q = subprocess.run(["qemu-riscv64", elf, "300000"], capture_output=True, text=True)
    argv = NODE_RUNNER.split() + ["--aot", MODULES, "--stats", elf, "300000"]
    r = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    check("switch.c compiled = qemu (%s), %.2f%% compiled (over 99%%)" % (q.stdout.strip(), frac),
          r.returncode == 0 and r.stdout == q.stdout and q.returncode == 0 and frac > 99.0,
          r.stdout + r.stderr)


def exceptions(outdir):
    """tests/aot/exceptions.cc, static glibc C++: exceptions thrown
    through compiled frames (libgcc's unwinder reads the return addresses
    compiled calls left on the guest stack, runs destructors, and jumps
    into catch blocks inside functions) give qemu's output and exit
    status, over 99% compiled, a few entries into compiled code per
    throw."""
    case = static_case("exceptions.cc", outdir, "riscv64-linux-gnu-g++")
    if not case:
        return
    elf, r = case
    check("exceptions.cc compiled", r.returncode == 0, r.stderr)
    throws_as_qemu("exceptions.cc compiled", ["qemu-riscv64", elf],
                   NODE_RUNNER.split() + ["--aot", MODULES, "--stats", elf])


def throws_as_qemu(what, qemu, compiled):
    """exceptions.cc's run of 200 iterations (12 of each 14 throw) under
    qemu and compiled (argv prefixes): the same output and exit status,
    over 99% compiled, under 20 entries into compiled code a throw."""
    n = 200
    throws = n * 12 // 14
    q = subprocess.run(qemu + [str(n)], capture_output=True, text=True)
    r = subprocess.run(compiled + [str(n)], capture_output=True, text=True)
    m = re.search(r"\(([\d.]+)%\)", r.stderr)
    frac = float(m.group(1)) if m else 0.0
    entries = count(r"compiled code entered (\d+) times", r.stderr)
    check("%s = qemu (%s), %.2f%% compiled (over 99%%), entered %d times for %d throws "
          "(under 20 a throw)" % (what, " ".join(re.findall(r"work=\S+", q.stdout)) or "?",
                                  frac, entries, throws),
          r.returncode == q.returncode and r.stdout == q.stdout and q.stdout and frac > 99.0 and
          0 < entries < 20 * throws, r.stdout[-1000:] + r.stderr[-2000:])


def goto_pie(outdir):
    """tests/aot/switch.c as a musl PIE: there its table of label addresses
    is relocated data, each entry an R_RISCV_RELATIVE, whose addresses
    rv2wasm took for function starts, cutting threaded() at every label
    (no table read). Now the labels are threaded()'s own entries: the
    table is read. Its switches' tables too: their address was set in a
    register before the loop that was set again after it, and rv2wasm
    read no table (0 resolved; 79.8% compiled, 3.4 million entries into
    compiled code). The output is qemu's, over 99% compiled."""
    case = musl_case("switch", outdir, out="switch-pie")
    if not case:
        return
    elf, tar, out = case
    tables = count(r"(\d+) through tables of label addresses", out)
    joined = count(r"(\d+) of them taken for function starts before", out)
    check("rv2wasm reads the PIE's table of label addresses (%d sites; %d labels were "
          "function starts)" % (tables, joined), tables > 0 and joined > 0, out)
    switches = count(r"(\d+) jumps through jump tables resolved", out)
    check("rv2wasm reads the PIE's switch tables (%d)" % switches, switches >= 2, out)
    compiled_as_qemu("switch.c PIE", elf, tar, "switch-pie", "300000")


def huge(outdir):
    """tests/aot/huge.c, a musl PIE: a function of over 400 blocks, which
    rv2wasm lifts with the guest registers in locals only within a block
    (by_block), run in a loop with calls in it, then made to fault in the
    middle, its handler printing registers of the interrupted state: what
    it prints is qemu's, and it ran over 99% compiled."""
    case = musl_case("huge", outdir)
    if not case:
        return
    elf, tar, out = case
    n = count(r"(\d+) huge", out)
    check("rv2wasm lifts huge.c's huge() by block (%d such functions)" % n, n > 0, out)
    compiled_as_qemu("huge.c", elf, tar, "huge", "2000")


def abi_mismatch(elf):
    """A module for another interface (its friscy.abi section changed) is
    not run: the ELF is interpreted, with one line saying why."""
    name = harness.sha256_file(elf) + ".wasm"
    data = bytearray(open(os.path.join(MODULES, name), "rb").read())
    at = data.find(b"\x0afriscy.abi")
    check("module carries its interface version (friscy.abi)", at >= 0)
    if at < 0:
        return
    data[at + 11:at + 15] = (0xffff).to_bytes(4, "little")
    r, n = run_altered(elf, name, data, "other-abi")
    check("a module for another interface is not run (interpreted, one message)",
          r.returncode == 0 and "checksum:" in r.stdout and n == 0 and
          "module interface 65535" in r.stderr, r.stdout + r.stderr)


def corrupt_entries(elf):
    """A module whose entry table does not parse (its ULEB128s run past
    the section's end) is not run: interpreted, one line saying so."""
    name = harness.sha256_file(elf) + ".wasm"
    data = bytearray(open(os.path.join(MODULES, name), "rb").read())
    at = data.find(b"\x0efriscy.entries")
    end = data.find(b"\x0afriscy.abi") - 2  # (section id 0, its size, the name's)
    check("module carries its entry table before its interface version", 0 <= at < end)
    if not 0 <= at < end:
        return
    data[at + 19:end] = b"\xff" * (end - at - 19)
    r, n = run_altered(elf, name, data, "corrupt-entries")
    check("a module whose entry table does not parse is not run (interpreted, one message)",
          r.returncode == 0 and "checksum:" in r.stdout and n == 0 and
          r.stderr.count("corrupt entry table") == 1, r.stdout + r.stderr)


def run_altered(elf, name, data, folder):
    """Runs a benchmark ELF at scale 0.02 with its module (name) altered
    to data, alone in build/tests/aot/FOLDER: the run, and how many
    instructions ran compiled (None if it did not say)."""
    other = os.path.join(BUILD, "tests", "aot", folder)
    os.makedirs(other, exist_ok=True)
    with open(os.path.join(other, name), "wb") as f:
        f.write(data)
    argv = NODE_RUNNER.split() + ["--aot", other, "--stats", elf, "0.02"]
    r = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(r"instructions: (\d+) compiled", r.stderr)
    return r, int(m.group(1)) if m else None


if __name__ == "__main__":
    if not shutil.which("wasm-validate"):
        print("tests/aot: wasm-validate (wabt) not found", file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
