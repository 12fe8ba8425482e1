"""Differential tests: every tests/diff/*.c, built four ways, run under
qemu-riscv64 and under a friscy runner; stdout, stderr and exit status must
be identical.  Invoked through tests/diff/run.sh (see there for usage).

Markers a test may carry (each on its own line, anywhere in the source):
  // diff-args: WORDS...   one run with these arguments (shell quoting);
                           several lines = several runs, named NAME.VARIANT#K
  // diff-env: K=V ...     environment of the guest (shell quoting); the guest
                           gets exactly these variables and no others
  // diff-stdin: TEXT      standard input (\\n, \\t, \\\\ escapes); default empty
  // diff-ignore: REGEX    lines matching REGEX are dropped from both outputs
                           (stdout and stderr) before comparing: for the rare
                           host- or runner-dependent line

Where qemu-riscv64 7.2 (the reference) is not Linux, the tests stay away:
  - -L DIR redirects a path only if it exists under DIR (else the host's
    is used) and only in some syscalls (openat, newfstatat, readlinkat do;
    faccessat, chdir and execve do not): tests write only in their own
    mkdtemp directory under /tmp and read image files through
    open/stat/readlink
  - the guest environment arrives in reverse order: never print environ
    unsorted
  - struct sigaction is read with an sa_restorer field riscv64 does not
    have, so sa_mask reaches glibc programs wrong: sa_mask is not tested
  - read(2) at EOF (/dev/null) into a bad pointer gives EFAULT (Linux: 0)
  - a signal raised while blocked and taken by sigtimedwait reports
    SI_USER for glibc's raise: only kill() is used there
"""

import os
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
VARIANTS = ("musl-static", "musl-dynamic", "glibc-static", "glibc-dynamic")
CFLAGS = shlex.split(os.environ.get("DIFF_CFLAGS") or "-O2 -g0 -Wall -frounding-math")
USAGE = """usage: tests/diff/run.sh [--qemu-only] [--build-only] [--list] [--variant=V] [TEST...]
  TEST      test names (tests/diff/NAME.c), default all
  --variant=V  only that build of each (musl-static, musl-dynamic, glibc-static,
               glibc-dynamic), default all four
  --qemu-only  run only qemu, twice, and check each program is deterministic
               (chosen automatically when the runner is not there)
  --build-only build the binaries and images, run nothing (tests/aot uses it)
  --list    print the test names and exit"""


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


class Test:
    def __init__(self, name):
        self.name = name
        self.src = os.path.join(HERE, name + ".c")
        self.runs, self.env, self.stdin, self.ignore = [], [], b"", []
        with open(self.src, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                for key in ("args", "env", "stdin", "ignore"):
                    tag = "// diff-%s:" % key
                    if line.startswith(tag):
                        val = line[len(tag):].strip()
                        if key == "args":
                            self.runs.append(shlex.split(val))
                        elif key == "env":
                            for kv in shlex.split(val):
                                k, _, v = kv.partition("=")
                                self.env.append((k, v))
                        elif key == "stdin":
                            self.stdin = unescape(val).encode()
                        else:
                            self.ignore.append(val)
        if not self.runs:
            self.runs = [[]]


def compile_one(cfg, test, variant, outdir):
    """Builds test for variant unless up to date; returns None or an error."""
    libc, link = variant.split("-")
    cc = cfg.musl_gcc if libc == "musl" else cfg.glibc_gcc
    out = os.path.join(outdir, "%s.%s" % (test.name, variant))
    cmd = [cc] + (["-static"] if link == "static" else []) + CFLAGS + [test.src, "-o", out, "-lm"]
    cmdfile = out + ".cmd"
    want = " ".join(cmd)
    if (os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(test.src)
            and os.path.exists(cmdfile) and open(cmdfile).read() == want):
        return None
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        return r.stdout.decode("utf-8", "replace")
    with open(cmdfile, "w") as f:
        f.write(want)
    return None


def main(argv):
    qemu_only = build_only = False
    names = []
    only = VARIANTS
    for a in argv:
        if a == "--qemu-only":
            qemu_only = True
        elif a == "--build-only":
            build_only = True
        elif a == "--list":
            for f in sorted(os.listdir(HERE)):
                if f.endswith(".c"):
                    print(f[:-2])
            return 0
        elif a.startswith("--variant=") and a[len("--variant="):] in VARIANTS:
            only = (a[len("--variant="):],)
        elif a in ("-h", "--help"):
            print(USAGE)
            return 0
        elif a.startswith("-"):
            print(USAGE, file=sys.stderr)
            return 2
        else:
            names.append(a[:-2] if a.endswith(".c") else a)
    cfg = harness.Config()
    if not names:
        names = sorted(f[:-2] for f in os.listdir(HERE) if f.endswith(".c"))
    for n in names:
        if not os.path.exists(os.path.join(HERE, n + ".c")):
            print("run.sh: no test tests/diff/%s.c" % n, file=sys.stderr)
            return 2
    tests = [Test(n) for n in names]

    rep = harness.Report()
    if not qemu_only and not cfg.runner_available():
        print("NOTE: runner %s not found: --qemu-only mode (qemu twice, determinism only)"
              % cfg.runner[0], flush=True)
        qemu_only = True
    mode = "qemu-only" if qemu_only else "qemu vs " + cfg.runner_desc()
    print("mode: %s" % mode, flush=True)

    outdir = os.path.join(cfg.build, "tests", "diff")
    os.makedirs(outdir, exist_ok=True)
    libcs = {}
    for libc, image in (("musl", "busybox"), ("glibc", "glibc")):
        tar = os.path.join(cfg.images, image + ".tar")
        if libc == "musl" and not os.access(cfg.musl_gcc, os.X_OK):
            rep.skip("musl", "wrapper not found (%s; build it with make -f mk/images.mk musl-sysroot)"
                     % cfg.musl_gcc, count=sum(2 * len(t.runs) for t in tests))
            continue
        if not os.path.exists(tar):
            rep.skip(libc, "image %s not found (make -f mk/images.mk images)" % tar,
                     count=sum(2 * len(t.runs) for t in tests))
            continue
        libcs[libc] = tar
    variants = [v for v in VARIANTS if v.split("-")[0] in libcs and v in only]

    # build every binary (in parallel), remember failures
    jobs = [(t, v) for t in tests for v in variants]
    build_err = {}
    for (t, v), err in harness.parallel(lambda tv: compile_one(cfg, tv[0], tv[1], outdir), jobs, cfg.jobs):
        if err is not None:
            build_err[(t.name, v)] = err

    # image tars with the binaries under /t, and their extracted twins
    roots = {}
    for libc, tar in libcs.items():
        members = [harness.Member("t", "dir")]
        for t in tests:
            for v in variants:
                if v.startswith(libc) and (t.name, v) not in build_err:
                    members.append(harness.Member("t/%s.%s" % (t.name, v),
                                                  src=os.path.join(outdir, "%s.%s" % (t.name, v)),
                                                  mode=0o755))
        out_tar = os.path.join(outdir, libc + ".tar")
        out_dir = os.path.join(outdir, libc)
        harness.build_image(tar, out_tar, out_dir, members)
        roots[libc] = (out_tar, out_dir)
    if build_only:
        for (name, v), err in sorted(build_err.items()):
            print("BUILD FAILED %s.%s\n%s" % (name, v, err))
        return 1 if build_err else 0

    cases = []
    for t in tests:
        for v in variants:
            for k, args in enumerate(t.runs):
                label = "%s.%s" % (t.name, v) + ("#%d" % (k + 1) if len(t.runs) > 1 else "")
                cases.append((label, t, v, args))

    def run_case(case):
        label, t, v, args = case
        if (t.name, v) in build_err:
            return ("build", build_err[(t.name, v)])
        out_tar, out_dir = roots[v.split("-")[0]]
        guest = "/t/%s.%s" % (t.name, v)
        q = harness.run(harness.qemu_argv(cfg, out_dir, guest, args), env=dict(t.env), cwd="/",
                        stdin=t.stdin, timeout=cfg.timeout)
        if qemu_only:
            q2 = harness.run(harness.qemu_argv(cfg, out_dir, guest, args), env=dict(t.env), cwd="/",
                             stdin=t.stdin, timeout=cfg.timeout)
            return ("qemu", q, q2)
        f = harness.run(harness.friscy_argv(cfg, out_tar, guest, args, t.env), cwd=harness.ROOT,
                        stdin=t.stdin, timeout=cfg.timeout)
        return ("friscy", q, f)

    faildir = os.path.join(outdir, "out")
    shutil.rmtree(faildir, ignore_errors=True)
    for (label, t, v, args), res in harness.parallel(run_case, cases, cfg.jobs):
        if res[0] == "build":
            rep.fail(label, ["build failed:"] + res[1].splitlines()[:20])
            continue
        kind, a, b = res
        for r in (a, b):
            r.out = harness.apply_ignores(r.out, t.ignore)
            r.err = harness.apply_ignores(r.err, t.ignore)
        if kind == "qemu":
            problems = []
            if a.key() != b.key():
                problems = ["not deterministic under qemu:"] + harness.describe_difference("run1", a, "run2", b)
            if a.timed_out:
                problems.append("timed out after %gs" % cfg.timeout)
            if a.status in (126, 127) or a.err.startswith(b"qemu"):
                problems.append("qemu could not run it: status %d, stderr %r" % (a.status, a.err[:200]))
            if problems:
                harness.save_outputs(faildir, label, "qemu1", a)
                harness.save_outputs(faildir, label, "qemu2", b)
                rep.fail(label, problems)
            else:
                rep.pass_(label, "exit %d" % a.status)
        else:
            if a.key() == b.key() and not a.timed_out:
                rep.pass_(label)
            else:
                harness.save_outputs(faildir, label, "qemu", a)
                harness.save_outputs(faildir, label, "friscy", b)
                rep.fail(label, harness.describe_difference("qemu", a, "friscy", b)
                         + ["outputs saved in %s/%s.{qemu,friscy}.*" % (os.path.relpath(faildir, harness.ROOT), label)])
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
