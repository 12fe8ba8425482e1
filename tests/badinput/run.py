"""Bad input for the runner: broken executables and broken root file
systems must be rejected cleanly.  Invoked through tests/badinput/run.sh
(see there for usage and for the exact expectations)."""

import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import harness  # noqa: E402

CRASH_WORDS = re.compile(rb"Sanitizer|Segmentation|core dump|Aborted|Assertion|panic|Traceback|RuntimeError")
USAGE = """usage: tests/badinput/run.sh [--qemu-only] [--list] [CASE...]
  --qemu-only  only check that the generated inputs really are bad (qemu
               or GNU tar rejects each); automatic when the runner is missing"""


def elf32_riscv():
    """A well-formed 32-bit little-endian RISC-V executable header with one
    PT_LOAD segment holding `li a7, 93; ecall` - valid for RV32, never for
    an RV64 runtime."""
    code = struct.pack("<II", 0x05D00893, 0x00000073)
    ehsize, phsize = 52, 32
    entry = 0x10000 + ehsize + phsize
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)  # ELFCLASS32, LSB, version 1, SYSV
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, 243, 1, entry, ehsize, 0, 0x5,  # EXEC, EM_RISCV, flags RVC|double
                             ehsize, phsize, 1, 40, 0, 0)
    ph = struct.pack("<IIIIIIII", 1, 0, 0x10000, 0x10000, ehsize + phsize + len(code),
                     ehsize + phsize + len(code), 5, 0x1000)
    return eh + ph + code


def patch(data, off, new):
    return data[:off] + new + data[off + len(new):]


def with_checksum(data, off):
    """Recomputes the checksum of the tar header at off, so only the field
    that was broken on purpose is wrong."""
    hdr = bytearray(data[off:off + 512])
    hdr[148:156] = b" " * 8
    hdr[148:156] = b"%06o\0 " % sum(hdr)
    return data[:off] + bytes(hdr) + data[off + 512:]


def make_inputs(cfg, d):
    """Writes every input into d; returns (programs, tars): programs maps a
    case name to bytes (a file) or a marker; tars maps a name to bytes."""
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "hello.c")
    with open(src, "w") as f:
        f.write('#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n')
    good, dyn, obj = (os.path.join(d, n) for n in ("hello.static", "hello.dynamic", "hello.o"))
    for out, extra in ((good, ["-static"]), (dyn, []), (obj, ["-c"])):
        if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
            subprocess.run([cfg.glibc_gcc, "-O2"] + extra + [src, "-o", out], check=True)
    elf = open(good, "rb").read()
    progs = {
        "truncated-elf": elf[:100],
        "x86_64-elf": open("/bin/true", "rb").read(),
        "riscv32-elf": elf32_riscv(),
        "big-endian-elf": patch(elf, 5, b"\x02"),
        "phoff-past-eof": patch(elf, 0x20, struct.pack("<Q", len(elf) + 4096)),
        "phnum-huge": patch(elf, 0x38, struct.pack("<H", 0xffff)),
        "truncated-half": elf[:len(elf) // 2],
        "object-file": open(obj, "rb").read(),
        "empty-file": b"",
        "text-file": b"this is not a program\n",
        "no-exec-permission": elf,
    }
    for name, data in progs.items():
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, 0o644 if name == "no-exec-permission" else 0o755)
    os.makedirs(os.path.join(d, "a-directory"), exist_ok=True)

    # a small valid rootfs (the bad programs under /bad, a good one at
    # /bin/hello, a dynamic one whose loader is missing), then broken copies
    members = [harness.Member("bin", "dir"), harness.Member("bin/hello", src=good, mode=0o755),
               harness.Member("bad", "dir"), harness.Member("bad/a-directory", "dir"),
               harness.Member("bad/interp-missing", src=dyn, mode=0o755),
               harness.Member("tmp", "dir", mode=0o1777)]
    for name in progs:
        members.append(harness.Member("bad/" + name, src=os.path.join(d, name),
                                      mode=0o644 if name == "no-exec-permission" else 0o755))
    valid = os.path.join(d, "valid.tar")
    harness.build_image(None, valid, os.path.join(d, "valid-root"), members)
    raw = open(valid, "rb").read()
    with tarfile.open(valid) as t:
        infos = t.getmembers()
    hello = next(i for i in infos if i.name == "bin/hello")
    rng = random.Random(1234)
    tars = {
        "random-bytes.tar": bytes(rng.randrange(256) for _ in range(20000)),
        "bad-checksum.tar": patch(raw, hello.offset + 148, b"0000000\0"),
        "truncated-mid-file.tar": raw[:hello.offset_data + hello.size // 2],
        "truncated-header.tar": raw[:hello.offset + 200],
        "size-field-garbage.tar": with_checksum(patch(raw, hello.offset + 124, b"zz\x01zzzzzzzz"), hello.offset),
    }
    for name, data in tars.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    return valid, progs, tars


def main(argv):
    qemu_only = False
    only = []
    for a in argv:
        if a == "--qemu-only":
            qemu_only = True
        elif a in ("-h", "--help"):
            print(USAGE)
            return 0
        elif a == "--list":
            only = ["--list"]
        elif a.startswith("-"):
            print(USAGE, file=sys.stderr)
            return 2
        else:
            only.append(a)
    cfg = harness.Config()
    d = os.path.join(cfg.build, "tests", "badinput")
    valid, progs, tars = make_inputs(cfg, d)
    root = os.path.join(d, "valid-root")

    # (name, friscy argv tail, the file the message must name, qemu/tar check)
    cases = []
    for name in list(progs) + ["a-directory", "missing-program"]:
        host = os.path.join(d, name)
        cases.append(("host:" + name, ["--", host], host, ("qemu", [host])))
    for name in list(progs) + ["a-directory", "interp-missing", "missing-program"]:
        guest = "/bad/" + name
        cases.append(("rootfs:" + name, ["--rootfs", valid, "-w", "/", "--", guest], guest,
                      ("qemu", ["-L", root, "-0", guest, root + guest])))
    for name in sorted(tars) + ["missing.tar"]:
        t = os.path.join(d, name)
        cases.append(("tar:" + name, ["--rootfs", t, "-w", "/", "--", "/bin/hello"], t, ("tar", t)))
    if only == ["--list"]:
        for c in cases:
            print(c[0])
        return 0
    if only:
        cases = [c for c in cases if c[0] in only or c[0].split(":", 1)[1] in only]

    rep = harness.Report()
    if not qemu_only and not cfg.runner_available():
        print("NOTE: runner %s not found: --qemu-only mode (only checks that each input is bad)"
              % cfg.runner[0], flush=True)
        qemu_only = True
    print("mode: %s" % ("qemu-only" if qemu_only else cfg.runner_desc()), flush=True)

    # the control: the valid rootfs runs /bin/hello
    if qemu_only:
        r = harness.run([cfg.qemu, "-L", root, os.path.join(root, "bin/hello")], timeout=60)
    else:
        r = harness.run(cfg.runner + cfg.runner_args + ["--rootfs", valid, "-w", "/", "--", "/bin/hello"],
                        cwd=harness.ROOT, timeout=cfg.timeout)
    if r.status == 0 and r.out == b"hello\n":
        rep.pass_("control:valid.tar")
    else:
        rep.fail("control:valid.tar", ["the valid image must run /bin/hello: status %d out %r err %r"
                                       % (r.status, r.out[:100], r.err[:300])])

    for name, tail, named, (kind, check) in cases:
        if qemu_only:
            if name.endswith("truncated-half"):
                # Linux (and qemu) map a PT_LOAD that reaches past the end of
                # the file and fault later; friscy must refuse it up front
                ok, why, kind = True, "", "structure"
            elif name == "tar:truncated-header.tar":
                # GNU tar silently drops a partial last block; friscy must not
                ok = os.path.getsize(check) % 512 != 0
                why, kind = "size is a multiple of 512", "structure"
            elif name.endswith("no-exec-permission"):
                # qemu-user does not check x bits; Linux's execve does
                st = os.stat(os.path.join(d, "no-exec-permission"))
                ok, why, kind = not (st.st_mode & 0o111), "file is executable", "mode"
            elif kind == "qemu":
                r = harness.run([cfg.qemu] + check, timeout=60)
                ok = r.status != 0 and not r.timed_out
                why = "qemu accepted it (status %d)" % r.status
            else:
                if not os.path.exists(check):
                    ok, why = True, ""
                else:
                    r = harness.run(["tar", "-tf", check], timeout=60)
                    ok = r.status != 0 or r.err != b""
                    why = "GNU tar reads it without complaint"
            if ok:
                rep.pass_(name, "rejected by %s" % {"qemu": "qemu", "tar": "GNU tar", "mode": "its mode",
                                                       "structure": "construction"}[kind])
            else:
                rep.fail(name, [why])
            continue
        r = harness.run(cfg.runner + cfg.runner_args + tail, cwd=harness.ROOT, timeout=cfg.timeout)
        problems = []
        if r.timed_out:
            problems.append("did not finish within %gs" % cfg.timeout)
        if r.status == 0:
            problems.append("exit status 0")
        elif r.status >= 128:
            problems.append("exit status %d: killed by signal %d (a crash)" % (r.status, r.status - 128))
        if r.out:
            problems.append("stdout not empty: %r" % r.out[:200])
        lines = r.err.split(b"\n")
        if not (len(lines) == 2 and lines[1] == b"" and lines[0].startswith(b"friscy:")):
            problems.append("stderr must be exactly one line starting with 'friscy:', got %r" % r.err[:400])
        elif named.encode() not in lines[0]:
            problems.append("the message does not name %s: %r" % (named, lines[0]))
        if CRASH_WORDS.search(r.err) or CRASH_WORDS.search(r.out):
            problems.append("crash text in the output: %r" % r.err[:400])
        if problems:
            rep.fail(name, problems)
        else:
            rep.pass_(name, r.err.decode("utf-8", "replace").strip())
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
