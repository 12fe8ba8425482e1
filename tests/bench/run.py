"""CPU benchmarks: tests/bench/*.c built natively and for riscv64, timed
under every runner (best of BENCH_REPS wall-clock runs), checksums
compared.  Invoked through tests/bench/run.sh (see there for usage)."""

import math
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import harness  # noqa: E402

# Same flags for both targets: no auto-vectorisation (RV64GC has no vector
# unit, so native SIMD would only distort the ratios) and no FMA
# contraction (x86-64 -O2 has no FMA, riscv64 would fuse: results differ).
CFLAGS = shlex.split(os.environ.get("BENCH_CFLAGS") or "-O2 -fno-tree-vectorize -ffp-contract=off")
USAGE = """usage: tests/bench/run.sh [--list] [BENCH...]
  BENCH   benchmark names (tests/bench/NAME.c), default all
Environment: BENCH_REPS (3) best-of count, BENCH_SCALE (1.0) work factor
passed to every program, BENCH_SPLIT (1: also time each run at scale 0
and print the second table, what the scale adds to start-up and set-up;
0: not), BENCH_TIMEOUT (900) seconds per run,
BENCH_RUNNERS (native;qemu;friscy): ';'-separated runners, each one of
  native | qemu | friscy (= $RUNNER $FRISCY_RUNNER_ARGS, default build/bin/friscy)
  | emcc (the C source compiled to wasm by emcc, run by node: a reference)
  | NAME=COMMAND  (a friscy-compatible command line, e.g.
                   wasm=node build/web/friscy.mjs run)"""


def build(cfg, name, outdir):
    src = os.path.join(HERE, name + ".c")
    outs = {}
    for tag, cc, extra in (("native", os.environ.get("CC_NATIVE") or "gcc", []),
                           ("rv64", cfg.glibc_gcc, ["-static"])):
        out = os.path.join(outdir, "%s.%s" % (name, tag))
        cmd = [cc] + extra + CFLAGS + [src, "-o", out, "-lm"]
        stamp = out + ".cmd"
        if not (os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src)
                and os.path.exists(stamp) and open(stamp).read() == " ".join(cmd)):
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                return None, r.stdout.decode("utf-8", "replace")
            with open(stamp, "w") as f:
                f.write(" ".join(cmd))
        outs[tag] = out
    return outs, None


# The same C straight to wasm (wasm32: the sources keep their arithmetic in
# 64-bit types, not long or size_t, so that it computes what they do on
# LP64). Synchronous instantiation: the glue of Debian's emcc would fetch()
# the .wasm under node 20.
EMCC_FLAGS = ["-sALLOW_MEMORY_GROWTH=1", "-sENVIRONMENT=node", "-sWASM_ASYNC_COMPILATION=0"]


def build_emcc(name, outdir):
    """NAME.c -> outdir/NAME.emcc.js (+ .wasm); (path, None) or (None, error)."""
    src = os.path.join(HERE, name + ".c")
    out = os.path.join(outdir, name + ".emcc.js")
    cmd = ["emcc"] + CFLAGS + EMCC_FLAGS + [src, "-o", out]
    stamp = out + ".cmd"
    if not (os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src)
            and os.path.exists(stamp) and open(stamp).read() == " ".join(cmd)):
        # (Debian's emcc runs its JS passes with /usr/bin/node, which finds
        # acorn in /usr/share/nodejs only through NODE_PATH: mk/web.mk)
        env = dict(os.environ, NODE_PATH=":".join(filter(None, ["/usr/share/nodejs",
                                                                os.environ.get("NODE_PATH")])))
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        if r.returncode != 0:
            return None, r.stdout.decode("utf-8", "replace")
        with open(stamp, "w") as f:
            f.write(" ".join(cmd))
    return out, None


def checksum(out):
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("checksum:"):
            return line[len("checksum:"):].strip()
    return None


def print_split(cols, names, all_times, fixed_times, scale):
    """The table again, split: seconds at scale 0 (each runner's start-up
    and the program's set-up), and what scale adds to that, with its
    ratios to native and aot/qemu."""
    print("\nsplit: seconds at scale 0 (start-up and set-up) + what scale %s adds "
          "(ratio of the added time to native's)" % scale)
    head = "%-8s" % "bench" + "".join("%17s %6s" % (c, "ratio" if c != "native" else "") for c in cols)
    if "aot" in cols and "qemu" in cols:
        head += "  aot/qemu added"
    print(head)
    ratios = {c: [] for c in cols}
    for n in names:
        t, f = all_times.get(n, {}), fixed_times.get(n, {})
        row = "%-8s" % n
        added = {c: t[c] - f[c] for c in cols if c in t and c in f}
        base = added.get("native")
        for c in cols:
            if c not in added:
                row += "%17s %6s" % ("n/a", "")
                continue
            x = added[c] / base if base and base > 0 else float("nan")
            if c != "native" and base and base > 0:
                ratios[c].append(x)
            row += "%7.2fs +%7.2fs %6s" % (f[c], added[c],
                                           "%.1fx" % x if c != "native" and base and base > 0 else "")
        if "aot" in added and "qemu" in added and added["qemu"] > 0:
            row += "  %13.2fx" % (added["aot"] / added["qemu"])
        print(row)
    gm = "%-8s" % "geomean"
    for c in cols:
        v = [x for x in ratios[c] if x > 0]
        gm += "%17s %6s" % ("", "%.1fx" % math.exp(sum(map(math.log, v)) / len(v)) if v else "")
    print(gm, flush=True)


def main(argv):
    names = []
    for a in argv:
        if a == "--list":
            for f in sorted(os.listdir(HERE)):
                if f.endswith(".c"):
                    print(f[:-2])
            return 0
        if a in ("-h", "--help"):
            print(USAGE)
            return 0
        if a.startswith("-"):
            print(USAGE, file=sys.stderr)
            return 2
        names.append(a[:-2] if a.endswith(".c") else a)
    if not names:
        names = sorted(f[:-2] for f in os.listdir(HERE) if f.endswith(".c"))
    cfg = harness.Config()
    reps = int(os.environ.get("BENCH_REPS") or 3)
    scale = os.environ.get("BENCH_SCALE") or "1"
    timeout = float(os.environ.get("BENCH_TIMEOUT") or 900)
    outdir = os.path.join(cfg.build, "tests", "bench")
    os.makedirs(outdir, exist_ok=True)

    runners = []  # (name, argv-prefix or special)
    for spec in (os.environ.get("BENCH_RUNNERS") or "native;qemu;friscy").split(";"):
        spec = spec.strip()
        if not spec:
            continue
        if spec in ("native", "qemu"):
            runners.append((spec, None))
        elif spec == "emcc":
            runners.append((spec, ["emcc"]))
        elif spec == "friscy":
            runners.append(("friscy", cfg.runner + cfg.runner_args))
        elif "=" in spec:
            n, _, cmd = spec.partition("=")
            runners.append((n.strip(), shlex.split(cmd)))
        else:
            print("run.sh: bad BENCH_RUNNERS entry %r" % spec, file=sys.stderr)
            return 2
    available = {}
    for n, cmd in runners:
        if cmd is None:
            available[n] = True
        else:
            prog = cmd[0]
            available[n] = (os.access(harness._abs(prog), os.X_OK) if os.sep in prog
                            else shutil.which(prog) is not None)
            if not available[n]:
                print("NOTE: runner %s (%s) not found: its column shows n/a" % (n, prog), flush=True)

    builds, failed_builds = {}, {}
    problems, emcc_failed = [], 0
    for n in names:
        outs, err = build(cfg, n, outdir)
        if outs:
            builds[n] = outs
        else:
            failed_builds[n] = err
        if outs and available.get("emcc"):
            js, err = build_emcc(n, outdir)
            if js:
                outs["emcc"] = js
            else:
                problems.append("%s: emcc build failed:\n%s" % (n, err))
                emcc_failed += 1
    members = [harness.Member("b", "dir")] + [
        harness.Member("b/" + n, src=o["rv64"], mode=0o755) for n, o in sorted(builds.items())]
    tar = os.path.join(outdir, "bench.tar")
    harness.build_image(None, tar, os.path.join(outdir, "root"), members)

    def argv_for(runner, cmd, n, scale):
        if runner == "native":
            return [builds[n]["native"], scale]
        if runner == "qemu":
            return [cfg.qemu, builds[n]["rv64"], scale]
        if runner == "emcc":
            return ["node", builds[n]["emcc"], scale]
        return cmd + ["--rootfs", tar, "-w", "/", "--", "/b/" + n, scale]

    def best_of(r, cmd, n, scale, sums):
        """Best wall-clock seconds of reps runs, or None (a problem noted)."""
        best = None
        for _ in range(reps):
            t0 = time.perf_counter()
            res = harness.run(argv_for(r, cmd, n, scale), cwd=harness.ROOT, timeout=timeout)
            dt = time.perf_counter() - t0
            if res.status != 0 or res.timed_out:
                problems.append("%s under %s at scale %s: exit %d%s: %s" % (
                    n, r, scale, res.status, " (timeout)" if res.timed_out else "",
                    res.err.decode("utf-8", "replace")[-300:]))
                return None
            if sums is not None:
                sums[r] = checksum(res.out)
            best = dt if best is None else min(best, dt)
        return best

    print("benchmarks: best of %d, scale %s, runners: %s" % (reps, scale, ", ".join(n for n, _ in runners)),
          flush=True)
    cols = [n for n, _ in runners]
    head = "%-8s" % "bench" + "".join("%10s %7s" % (c, "ratio" if c != "native" else "") for c in cols)
    if "friscy" in cols and "qemu" in cols:
        head += "  friscy/qemu"
    if "aot" in cols and "qemu" in cols:  # (the AOT's goal: faster than qemu on every program)
        head += "  aot/qemu"
    print(head, flush=True)
    rep = harness.Report()  # a benchmark passes when all its checksums agree
    rep.failed += emcc_failed
    ratios = {c: [] for c in cols}
    # Each runner also at scale 0: its start-up and the program's fixed
    # set-up. What the work adds to that is the second table.
    split = scale != "0" and os.environ.get("BENCH_SPLIT", "1") != "0"
    all_times, fixed_times = {}, {}
    for n in names:
        if n in failed_builds:
            problems.append("%s: build failed:\n%s" % (n, failed_builds[n]))
            rep.failed += 1
            print("%-8s build failed" % n, flush=True)
            continue
        times, sums = {}, {}
        all_times[n] = times
        for r, cmd in runners:
            if not available[r] or (r == "emcc" and "emcc" not in builds[n]):
                continue
            best = best_of(r, cmd, n, scale, sums)
            if best is not None:
                times[r] = best
                if split:
                    fixed = best_of(r, cmd, n, "0", None)
                    if fixed is not None:
                        fixed_times.setdefault(n, {})[r] = fixed
        row = "%-8s" % n
        base = times.get("native")
        for c in cols:
            if c in times:
                x = times[c] / base if base else float("nan")
                if c != "native" and base:
                    ratios[c].append(x)
                row += "%9.2fs %7s" % (times[c], "%.1fx" % x if c != "native" and base else "")
            else:
                row += "%10s %7s" % ("n/a", "")
        if "friscy" in times and "qemu" in times:
            row += "  %10.2fx" % (times["friscy"] / times["qemu"])
        if "aot" in times and "qemu" in times:
            row += "  %7.2fx" % (times["aot"] / times["qemu"])
        agreed = set(sums.values())
        if len(agreed) == 1 and None not in agreed and len(sums) == len([c for c in cols if c in times]) and sums:
            rep.passed += 1
        else:
            rep.failed += 1
            row += "  CHECKSUM MISMATCH"
            problems.append("%s checksums: %s" % (n, ", ".join("%s=%s" % kv for kv in sorted(sums.items()))))
        print(row, flush=True)
    gm = "%-8s" % "geomean"
    for c in cols:
        v = ratios[c]
        gm += "%10s %7s" % ("", "%.1fx" % math.exp(sum(map(math.log, v)) / len(v)) if v else "")
    print(gm)
    if split:
        print_split(cols, names, all_times, fixed_times, scale)
    for p in problems:
        print("PROBLEM " + p)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
