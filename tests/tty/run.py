#!/usr/bin/env python3
"""tests/tty/run.py - the runners on a real terminal (a pty).

Usage: tests/tty/run.py [BUILD]

For the native runner and the node runner in turn, starts busybox sh on a
pty of 30x100 as a terminal emulator would, and checks: the prompt; echo of
what is typed and a command's output (CR NL line ends: the runtime's line
discipline, with the host terminal in raw mode); `stty size`; Ctrl-C stops
`sleep 30` at once and the shell lives on; a resize of the pty reaches the
guest (`stty size` again); `exit 5` is the runner's exit status; and the
terminal is back in cooked mode afterwards. One line per check, then
"N passed, M failed"; exit status 1 if anything failed.
"""
import fcntl
import os
import select
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "diff"))
import harness  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
IMAGE = os.path.join(BUILD, "images", "busybox.tar")
RUNNERS = [
    ("native", [os.path.join(BUILD, "bin", "friscy")]),
    ("node", ["node", os.path.join(BUILD, "web", "friscy.mjs"), "run"]),
]
REPORT = harness.Report()


def check(name, ok, detail=""):
    if ok:
        REPORT.pass_(name)
    else:
        REPORT.fail(name, detail.splitlines())


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    def __init__(self, argv):
        self.master, self.slave = os.openpty()
        set_size(self.master, 30, 100)
        self.pid = os.fork()
        if self.pid == 0:
            os.setsid()
            fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(self.slave, fd)
            os.execvp(argv[0], argv)
        self.buf = b""

    def read_until(self, want, timeout=20.0):
        """Read until `want` (bytes) appears after what was seen; True if it did."""
        end = time.time() + timeout
        while want not in self.buf:
            left = end - time.time()
            if left <= 0:
                return False
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    return False
                if not data:
                    return False
                self.buf += data
        return True

    def take(self):
        b, self.buf = self.buf, b""
        return b

    def send(self, s):
        os.write(self.master, s)

    def wait(self, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:  # keep draining so the child never blocks on output
                if select.select([self.master], [], [], 0.05)[0]:
                    self.buf += os.read(self.master, 4096)
            except OSError:
                time.sleep(0.05)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        return None


def main():
    for name, argv in RUNNERS:
        s = Session(argv + ["--rootfs", IMAGE, "/bin/sh"])
        prompt = b"/ # "
        check("%s: prompt" % name, s.read_until(prompt), repr(s.buf))
        s.take()
        s.send(b"echo hi-$((6*7))\r")
        ok = s.read_until(b"hi-42\r\n" + prompt)
        check("%s: echo and output with CR NL" % name,
              ok and b"echo hi-$((6*7))" in s.buf, repr(s.buf))
        s.take()
        s.send(b"stty size\r")
        check("%s: stty size 30 100" % name, s.read_until(b"30 100\r\n" + prompt), repr(s.buf))
        s.take()
        s.send(b"sleep 30\r")
        time.sleep(0.5)
        t = time.time()
        s.send(b"\x03")
        ok = s.read_until(b"^C\r\n" + prompt, timeout=5)
        check("%s: Ctrl-C stops sleep 30 (%.0f ms)" % (name, (time.time() - t) * 1000), ok, repr(s.buf))
        s.take()
        set_size(s.master, 20, 70)  # the kernel sends the runner SIGWINCH
        time.sleep(0.3)
        s.send(b"stty size\r")
        check("%s: after a resize stty size 20 70" % name,
              s.read_until(b"20 70\r\n" + prompt), repr(s.buf))
        s.take()
        s.send(b"exit 5\r")
        code = s.wait()
        check("%s: exit 5 is the runner's status" % name, code == 5, repr(code))
        lflag = termios.tcgetattr(s.slave)[3]
        check("%s: the terminal is cooked again" % name,
              bool(lflag & termios.ICANON) and bool(lflag & termios.ECHO), hex(lflag))
        os.close(s.master)
        os.close(s.slave)
    return REPORT.finish()


if __name__ == "__main__":
    sys.exit(main())
