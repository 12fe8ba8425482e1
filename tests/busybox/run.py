"""Busybox applet cases (tests/busybox/cases.txt) run under qemu-riscv64 and
under a friscy runner in the busybox image plus the fixture at /fixture.
Invoked through tests/busybox/run.sh (see there, and the head of
cases.txt for the case format)."""

import base64
import glob
import gzip
import io
import lzma
import os
import shlex
import shutil
import sys
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import harness  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture")
CASES = os.path.join(HERE, "cases.txt")
GUEST_ENV = [("PATH", "/bin:/sbin:/usr/bin:/usr/sbin"), ("HOME", "/root"), ("TZ", "UTC0")]
HOST_SCRATCH = "/tmp/friscy-bb*"  # what a case may create under qemu (on the host)
USAGE = """usage: tests/busybox/run.sh [--qemu-only] [--no-fork] [--list] [N...]
  N            case numbers (as printed, 1-based), default all
  --qemu-only  run only qemu, twice, and check each case is deterministic
               (automatic when the runner is not there; runs fork: cases too,
               skips exec: ones)
  --no-fork    skip the fork: and exec: cases (or BUSYBOX_FORK=0), for a
               runner without fork
  --list       print the numbered cases and exit"""


def unescape(s):
    return s.replace("\\\\", "\0").replace("\\n", "\n").replace("\\t", "\t").replace("\0", "\\")


class Case:
    def __init__(self, num, line):
        self.num, self.line = num, line
        self.fork = self.exec_ = self.status_only = False
        self.stdin_file, self.cwd = None, "/"
        self.expect_out, self.expect_exit = b"", 0
        words = shlex.split(line)
        while words and words[0].endswith(":") and (
                words[0] in ("fork:", "exec:", "status:") or words[0].startswith(("stdin=", "cwd=", "out=", "exit="))):
            p = words.pop(0)[:-1]
            if p == "fork":
                self.fork = True
            elif p == "exec":
                self.fork = self.exec_ = True
            elif p == "status":
                self.status_only = True
            elif p.startswith("stdin="):
                self.stdin_file = p[len("stdin="):]
            elif p.startswith("out="):
                self.expect_out = unescape(p[len("out="):]).encode()
            elif p.startswith("exit="):
                self.expect_exit = int(p[len("exit="):])
            else:
                self.cwd = p[len("cwd="):]
        if not words:
            raise ValueError("case %d has no command" % num)
        if "/" in words[0]:
            self.prog, self.args = words[0], words[1:]
        else:
            self.prog, self.args = "/bin/busybox", words
        self.command = " ".join(shlex.quote(w) for w in words)
        self.name = "bb%03d" % num

    def stdin(self):
        if not self.stdin_file:
            return b""
        with open(os.path.join(FIXTURE, self.stdin_file), "rb") as f:
            return f.read()


def load_cases():
    cases = []
    with open(CASES, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                cases.append(Case(len(cases) + 1, line))
    return cases


def generated_fixtures():
    """Binary fixtures, made here so the repository holds only text."""
    words = open(os.path.join(FIXTURE, "words.txt"), "rb").read()
    a_txt = open(os.path.join(FIXTURE, "text", "a.txt"), "rb").read()
    bin_dat = bytes(range(256)) + b"\x00printable run\x00\x01\x02short\x00another longer run\n" + bytes(range(255, -1, -3))
    b64 = base64.encodebytes(words)
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in (("friscy-bb/", None), ("friscy-bb/a.txt", b"alpha\n"),
                           ("friscy-bb/sub/", None), ("friscy-bb/sub/b.txt", b"beta\nbeta\n"),
                           ("friscy-bb/exe.sh", b"#!/bin/sh\necho hi\n")):
            ti = tarfile.TarInfo(name.rstrip("/"))
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = harness.FIXED_MTIME, 0, 0, "root", "root"
            if data is None:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(data), 0o755 if name.endswith(".sh") else 0o644
                t.addfile(ti, io.BytesIO(data))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("words.txt", words), ("dir/a.txt", a_txt)):
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 2, 3, 4, 6))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    M = harness.Member
    return [
        M("fixture/bin.dat", data=bin_dat),
        M("fixture/words.txt.gz", data=gzip.compress(words, mtime=0)),
        M("fixture/hello.gz", data=gzip.compress(b"hello from gzip\n", mtime=0)),
        M("fixture/words.b64", data=b64),
        M("fixture/text.xz", data=lzma.compress(a_txt, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)),
        M("fixture/sample.tar", data=tbuf.getvalue()),
        M("fixture/sample.zip", data=zbuf.getvalue()),
        M("fixture/calc.bc", data=b"scale=20\n4*a(1)\nsqrt(2)\n2^64\n-7/2\n"),
        M("fixture/empty", "dir"),
        M("fixture/link", "symlink", target="words.txt"),
        M("fixture/dirlink", "symlink", target="chain"),
        M("fixture/hard", "hardlink", target="fixture/nums.txt"),
    ]


def fixture_members():
    members = [harness.Member("fixture", "dir")]
    for dirpath, dirnames, filenames in os.walk(FIXTURE):
        dirnames.sort()
        rel = os.path.relpath(dirpath, FIXTURE)
        for d in dirnames:
            members.append(harness.Member(os.path.normpath(os.path.join("fixture", rel, d)), "dir"))
        for fn in sorted(filenames):
            members.append(harness.Member(os.path.normpath(os.path.join("fixture", rel, fn)),
                                          src=os.path.join(dirpath, fn)))
    return members + generated_fixtures()


def clean_host_scratch():
    for p in glob.glob(HOST_SCRATCH):
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass


def main(argv):
    qemu_only = False
    with_fork = os.environ.get("BUSYBOX_FORK") != "0"
    nums = []
    cases = load_cases()
    for a in argv:
        if a == "--qemu-only":
            qemu_only = True
        elif a == "--no-fork":
            with_fork = False
        elif a == "--list":
            for c in cases:
                print("%s %s" % (c.name, c.line))
            return 0
        elif a in ("-h", "--help"):
            print(USAGE)
            return 0
        elif a.isdigit() or (a.startswith("bb") and a[2:].isdigit()):
            nums.append(int(a.lstrip("b")))
        else:
            print(USAGE, file=sys.stderr)
            return 2
    if nums:
        cases = [c for c in cases if c.num in nums]

    cfg = harness.Config()
    rep = harness.Report()
    if not qemu_only and not cfg.runner_available():
        print("NOTE: runner %s not found: --qemu-only mode (qemu twice, determinism only)"
              % cfg.runner[0], flush=True)
        qemu_only = True
    print("mode: %s" % ("qemu-only" if qemu_only else "qemu vs " + cfg.runner_desc()), flush=True)

    base = os.path.join(cfg.images, "busybox.tar")
    if not os.path.exists(base):
        rep.skip("busybox", "image %s not found (make -f mk/images.mk images)" % base, count=len(cases))
        return rep.finish()
    outdir = os.path.join(cfg.build, "tests", "busybox")
    out_tar, root = os.path.join(outdir, "image.tar"), os.path.join(outdir, "root")
    harness.build_image(base, out_tar, root, fixture_members())
    faildir = os.path.join(outdir, "out")
    shutil.rmtree(faildir, ignore_errors=True)

    def run_qemu(c):
        cwd = "/" if c.cwd == "/" else os.path.join(root, c.cwd.lstrip("/"))
        clean_host_scratch()
        try:
            return harness.run(harness.qemu_argv(cfg, root, c.prog, c.args), env=dict(GUEST_ENV),
                               cwd=cwd, stdin=c.stdin(), timeout=cfg.timeout)
        finally:
            clean_host_scratch()

    # Serial: under qemu every case shares the host's /tmp/friscy-bb*.
    for c in cases:
        label = "%s %s" % (c.name, c.command)
        if c.exec_ and qemu_only:
            rep.skip(label, "needs exec, and qemu -L runs exec'd programs from the host: "
                     "checked against its out=/exit= only with the runner")
            continue
        if c.fork and not qemu_only and not with_fork:
            rep.skip(label, "needs fork%s (--no-fork)"
                     % ("/exec" if c.exec_ else ""))
            continue
        if c.exec_:
            b = harness.run(harness.friscy_argv(cfg, out_tar, c.prog, c.args, GUEST_ENV, c.cwd),
                            cwd=harness.ROOT, stdin=c.stdin(), timeout=cfg.timeout)
            want = harness.Result(c.expect_out, b"", c.expect_exit)
            if want.key() == b.key():
                rep.pass_(label)
            else:
                harness.save_outputs(faildir, c.name, "friscy", b)
                rep.fail(label, harness.describe_difference("expected", want, "friscy", b))
            continue
        a = run_qemu(c)
        if qemu_only:
            b = run_qemu(c)
            names = ("run1", "run2")
        else:
            b = harness.run(harness.friscy_argv(cfg, out_tar, c.prog, c.args, GUEST_ENV, c.cwd),
                            cwd=harness.ROOT, stdin=c.stdin(), timeout=cfg.timeout)
            names = ("qemu", "friscy")
        if c.status_only:
            same = a.status == b.status and not a.timed_out and not b.timed_out
        else:
            same = a.key() == b.key() and not a.timed_out
        problems = []
        if not same:
            if c.status_only:
                problems.append("exit status: %s %d, %s %d" % (names[0], a.status, names[1], b.status))
            else:
                problems += harness.describe_difference(names[0], a, names[1], b)
        if qemu_only and (a.timed_out or a.err.startswith(b"qemu")):
            problems.append("qemu could not run it: status %d%s" % (a.status, " (timeout)" if a.timed_out else ""))
        if problems:
            harness.save_outputs(faildir, c.name, names[0], a)
            harness.save_outputs(faildir, c.name, names[1], b)
            rep.fail(label, problems + ["outputs saved in %s/%s.*" % (os.path.relpath(faildir, harness.ROOT), c.name)])
        else:
            rep.pass_(label, "exit %d" % a.status if qemu_only else "")
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
