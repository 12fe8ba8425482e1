"""Shared plumbing for friscy's differential test scripts.

tests/diff/run.sh, tests/busybox/run.sh, tests/badinput/run.sh and
tests/bench/run.sh import this module: running a guest under qemu-riscv64 or under a friscy runner
with a timeout, turning "killed by signal N" into status 128+N, building an
image tar with extra files appended (fixed mtimes, root-owned) plus its
extracted twin for `qemu-riscv64 -L`, and the PASS/FAIL/SKIP report whose
last line is `N passed, M failed[, K skipped]`.

Configuration comes from the environment (all optional):
  BUILD               build directory                  (build)
  IMAGES              image directory                  ($BUILD/images)
  CACHE               friscy's cache                   ($HOME/.cache/friscy)
  MUSL_GCC            musl compiler wrapper            ($CACHE/musl-sysroot/bin/musl-gcc)
  GLIBC_GCC           glibc cross compiler             (riscv64-linux-gnu-gcc)
  QEMU                reference emulator               (qemu-riscv64)
  FRISCY              the native runner                (build/bin/friscy)
  RUNNER              runner command line, split like a shell ($FRISCY)
                      e.g. RUNNER="node build/web/friscy.mjs run"
  FRISCY_RUNNER_ARGS  extra arguments put right after RUNNER, e.g. --strace
  JOBS                parallel cases                   (number of CPUs)
  TIMEOUT             seconds per guest run            (60)
Relative paths are taken from the repository root, which is also the
working directory of the runner process.
"""

import concurrent.futures
import difflib
import hashlib
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Every member added to a test image gets this mtime and root ownership, so
# `ls -l`, `stat` and `tar -tv` inside the guest print the same everywhere.
FIXED_MTIME = 1577836800  # 2020-01-01 00:00:00 UTC


def _abs(p):
    return p if os.path.isabs(p) else os.path.join(ROOT, p)


class Config:
    def __init__(self):
        env = os.environ
        self.build = _abs(env.get("BUILD") or "build")
        self.images = _abs(env.get("IMAGES") or os.path.join(self.build, "images"))
        cache = env.get("CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "friscy")
        self.musl_gcc = env.get("MUSL_GCC") or os.path.join(_abs(cache), "musl-sysroot", "bin", "musl-gcc")
        self.glibc_gcc = env.get("GLIBC_GCC") or "riscv64-linux-gnu-gcc"
        self.qemu = env.get("QEMU") or "qemu-riscv64"
        self.friscy = _abs(env.get("FRISCY") or "build/bin/friscy")
        runner = env.get("RUNNER")
        self.runner = shlex.split(runner) if runner else [self.friscy]
        self.runner_args = shlex.split(env.get("FRISCY_RUNNER_ARGS") or "")
        self.jobs = int(env.get("JOBS") or os.cpu_count() or 1)
        self.timeout = float(env.get("TIMEOUT") or 60)

    def runner_available(self):
        """Is the runner's program there?  (a path, or a command on PATH)"""
        prog = self.runner[0]
        if os.sep in prog:
            return os.access(_abs(prog), os.X_OK)
        return shutil.which(prog) is not None

    def runner_desc(self):
        return " ".join(self.runner + self.runner_args)


# ---------------------------------------------------------------- running

class Result:
    """Outcome of one process: bytes out/err, exit status as a shell shows
    it (128+N when killed by signal N), and whether the timeout hit."""

    def __init__(self, out, err, status, timed_out=False):
        self.out, self.err, self.status, self.timed_out = out, err, status, timed_out

    def key(self):
        return (self.out, self.err, self.status, self.timed_out)


def _child_setup():
    os.umask(0o022)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(argv, env=None, cwd=None, stdin=b"", timeout=60.0):
    """Runs argv with stdin bytes, captured output, a fresh session (so a
    timeout kills the whole process group), umask 022 and no core dumps."""
    try:
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, cwd=cwd,
                             preexec_fn=_child_setup, start_new_session=True)
    except OSError as e:
        return Result(b"", ("cannot run %s: %s\n" % (argv[0], e)).encode(), 127)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        timed_out = True
    status = p.returncode
    if status < 0:
        status = 128 - status
    return Result(out, err, status, timed_out)


def qemu_argv(cfg, rootdir, guest_path, args):
    """qemu-riscv64 -L ROOTDIR running ROOTDIR/GUEST_PATH with argv[0] set to
    the in-image path, as friscy will see it."""
    return [cfg.qemu, "-L", rootdir, "-0", guest_path,
            os.path.join(rootdir, guest_path.lstrip("/"))] + list(args)


def friscy_argv(cfg, rootfs_tar, guest_path, args, env_pairs, workdir="/"):
    argv = list(cfg.runner) + list(cfg.runner_args) + ["--rootfs", rootfs_tar, "-w", workdir]
    for k, v in env_pairs:
        argv += ["-e", "%s=%s" % (k, v)]
    return argv + ["--", guest_path] + list(args)


def apply_ignores(data, patterns):
    """Drops every line that matches one of the regexes (so a line present
    on one side only does not count either)."""
    if not patterns:
        return data
    regs = [re.compile(p.encode()) for p in patterns]
    return b"".join(l for l in data.splitlines(True) if not any(r.search(l) for r in regs))


def describe_difference(a_name, a, b_name, b, limit=30):
    """A short, readable account of how two Results differ."""
    lines = []
    if a.timed_out or b.timed_out:
        lines.append("timeout: %s %s, %s %s" % (a_name, a.timed_out, b_name, b.timed_out))
    if a.status != b.status:
        lines.append("exit status: %s %d, %s %d" % (a_name, a.status, b_name, b.status))
    for what, x, y in (("stdout", a.out, b.out), ("stderr", a.err, b.err)):
        if x == y:
            continue
        xl = x.decode("utf-8", "replace").splitlines(True)
        yl = y.decode("utf-8", "replace").splitlines(True)
        d = list(difflib.unified_diff(xl, yl, "%s %s" % (a_name, what), "%s %s" % (b_name, what), n=1))
        if not d:  # differs only in bytes that decode alike, or a final newline
            d = ["%s differs (%d vs %d bytes)\n" % (what, len(x), len(y))]
        if len(d) > limit:
            d = d[:limit] + ["... (%d more diff lines)\n" % (len(d) - limit)]
        lines += [l.rstrip("\n") for l in d]
    return lines


def save_outputs(outdir, name, tag, res):
    os.makedirs(outdir, exist_ok=True)
    base = os.path.join(outdir, "%s.%s" % (name.replace("/", "_"), tag))
    with open(base + ".stdout", "wb") as f:
        f.write(res.out)
    with open(base + ".stderr", "wb") as f:
        f.write(res.err)
    with open(base + ".status", "w") as f:
        f.write("%d%s\n" % (res.status, " (timeout)" if res.timed_out else ""))


# ---------------------------------------------------------------- images

class Member:
    """One thing to add to an image: a regular file (from a host file or
    from bytes), a directory, a symlink or a hard link."""

    def __init__(self, name, kind="file", src=None, data=None, mode=None, target=None):
        self.name, self.kind, self.src, self.data = name.strip("/"), kind, src, data
        self.mode, self.target = mode, target

    def signature(self):
        h = hashlib.sha256()
        h.update(repr((self.name, self.kind, self.mode, self.target)).encode())
        if self.src:
            with open(self.src, "rb") as f:
                h.update(f.read())
            h.update(str(os.stat(self.src).st_mode & 0o111).encode())
        if self.data is not None:
            h.update(self.data)
        return h.hexdigest()


def _tarinfo(m):
    ti = tarfile.TarInfo(m.name)
    ti.mtime = FIXED_MTIME
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    if m.kind == "dir":
        ti.type = tarfile.DIRTYPE
        ti.mode = m.mode if m.mode is not None else 0o755
        return ti, None
    if m.kind == "symlink":
        ti.type = tarfile.SYMTYPE
        ti.linkname = m.target
        ti.mode = 0o777
        return ti, None
    if m.kind == "hardlink":
        ti.type = tarfile.LNKTYPE
        ti.linkname = m.target.strip("/")
        ti.mode = m.mode if m.mode is not None else 0o644
        return ti, None
    if m.src is not None:
        with open(m.src, "rb") as f:
            data = f.read()
        mode = m.mode if m.mode is not None else (0o755 if os.stat(m.src).st_mode & 0o111 else 0o644)
    else:
        data, mode = m.data, (m.mode if m.mode is not None else 0o644)
    ti.size = len(data)
    ti.mode = mode
    return ti, data


def build_image(base_tar, out_tar, out_dir, members):
    """out_tar = base_tar (or nothing, when None) + members (appended, fixed
    metadata); out_dir = out_tar extracted, for qemu -L.  Skips the work
    when nothing changed."""
    import io
    h = hashlib.sha256()
    if base_tar is not None:
        st = os.stat(base_tar)
        h.update(("%s %d %d\n" % (os.path.abspath(base_tar), st.st_size, st.st_mtime_ns)).encode())
    for m in members:
        h.update(m.signature().encode())
    stamp = h.hexdigest()
    stamp_file = out_tar + ".stamp"
    if (os.path.exists(out_tar) and os.path.isdir(out_dir) and os.path.exists(stamp_file)
            and open(stamp_file).read() == stamp):
        return
    os.makedirs(os.path.dirname(out_tar), exist_ok=True)
    tmp = out_tar + ".tmp"
    if base_tar is not None:
        shutil.copyfile(base_tar, tmp)
    elif os.path.exists(tmp):
        os.unlink(tmp)
    with tarfile.open(tmp, "a", format=tarfile.GNU_FORMAT) as t:
        for m in members:
            ti, data = _tarinfo(m)
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    os.replace(tmp, out_tar)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    # GNU tar restores directory mtimes after filling them, and owners when
    # run as root (a non-root run shows the user's uid in ls -l).
    subprocess.run(["tar", "-xf", out_tar, "-C", out_dir], check=True)
    # Creating an entry inside an already restored directory bumps that
    # directory's mtime (the appended members come after the base image's),
    # so set every directory's mtime from the tar once all is in place.
    with tarfile.open(out_tar) as t:
        dirs = [m for m in t.getmembers() if m.isdir()]
    for m in dirs:
        p = os.path.join(out_dir, m.name.strip("/"))
        if os.path.isdir(p) and not os.path.islink(p):
            os.utime(p, (m.mtime, m.mtime))
    with open(stamp_file, "w") as f:
        f.write(stamp)


# ---------------------------------------------------------------- reporting

class Report:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def pass_(self, name, note=""):
        self.passed += 1
        print("PASS %s%s" % (name, " (%s)" % note if note else ""), flush=True)

    def fail(self, name, details=(), note=""):
        self.failed += 1
        print("FAIL %s%s" % (name, " (%s)" % note if note else ""), flush=True)
        for l in details:
            print("    " + l)
        sys.stdout.flush()

    def skip(self, name, why, count=1):
        self.skipped += count
        print("SKIP %s: %s" % (name, why), flush=True)

    def finish(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print(line, flush=True)
        return 1 if self.failed else 0


def sha256_file(path):
    """SHA-256 of a file's bytes, hex (how the runtime names compiled modules)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fresh_for(directory, tool):
    """Make directory exist, emptied first if it was made by another build
    of tool (a stamp inside keeps tool's SHA-256): compiled modules kept
    between runs must come from the compiler being tested."""
    stamp = os.path.join(directory, "." + os.path.basename(tool) + "-sha256")
    me = sha256_file(tool)
    if not os.path.exists(stamp) or open(stamp).read() != me:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        with open(stamp, "w") as f:
            f.write(me)


def parallel(fn, items, jobs):
    """fn over items with `jobs` threads; yields (item, result) in input
    order as soon as each is ready, so reports stream."""
    items = list(items)
    if jobs <= 1:
        for i in items:
            yield i, fn(i)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for i, r in zip(items, ex.map(fn, items)):
            yield i, r
