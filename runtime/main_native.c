/* The native runner: build/bin/friscy [options] [--] PROGRAM [ARGS...]
 *
 * Runs the runtime's step loop (rt_run) and, whenever every guest thread is
 * blocked, waits on the host (stdin, the nearest timer) with poll(2): the
 * same shape as the JS host's event loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"
#include "tty.h"

static const char usage[] =
	"usage: friscy [options] [--] PROGRAM [ARGS...]\n"
	"Run a riscv64 Linux program.\n"
	"  --rootfs FILE.tar   the container's root filesystem (docker export tar);\n"
	"                      without it PROGRAM is a host file and the guest sees\n"
	"                      an empty root with /dev, /proc and /tmp\n"
	"  -e NAME=VALUE       set an environment variable (repeatable)\n"
	"  -w DIR              working directory inside the container\n"
	"  --strace            print each syscall to stderr\n"
	"  --trace             print pc and registers at every block boundary\n"
	"  --memory MIB        guest address space per process (default 1024)\n"
	"  -h, --help          this help\n";

/* ---- the host interface for the native build ---- */

static long host_read(int fd, void *buf, size_t n)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 0) == 0)
		return -EAGAIN;
	ssize_t r = read(fd, buf, n);
	return r < 0 ? -errno : r;
}

static long host_write(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return done ? (long)done : -errno;
		}
		done += (size_t)w;
	}
	return (long)done;
}

static int host_isatty(int fd) { return isatty(fd); }

static int host_poll(int fd, int events)
{
	struct pollfd p = { .fd = fd, .events = (short)events };
	if (poll(&p, 1, 0) <= 0)
		return 0;
	return p.revents;
}

static int host_winsize(int fd, uint16_t *rows, uint16_t *cols)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -ENOTTY;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t host_realtime(void) { return clock_ns(CLOCK_REALTIME); }
static uint64_t host_monotonic(void) { return clock_ns(CLOCK_MONOTONIC); }

static void host_random(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = getrandom(p, n, 0);
		if (r <= 0)
			continue;
		p += r;
		n -= (size_t)r;
	}
}

/* ---- the host terminal ----
 *
 * When stdin is a terminal it goes into raw mode for the run: the guest's
 * terminal is the runtime's line discipline (tty.c), which edits lines,
 * echoes and turns ^C into SIGINT for the guest, not for the runner. */

static struct termios saved_tio;
static int raw_tty;
static volatile sig_atomic_t winch;

static void restore_tty(void)
{
	if (raw_tty)
		tcsetattr(0, TCSADRAIN, &saved_tio);
	raw_tty = 0;
}

static void on_fatal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static void enter_raw_mode(void)
{
	if (!isatty(0) || tcgetattr(0, &saved_tio) < 0)
		return;
	struct termios t = saved_tio;
	cfmakeraw(&t);
	if (tcsetattr(0, TCSADRAIN, &t) < 0)
		return;
	raw_tty = 1;
	atexit(restore_tty);
	static const int fatal[] = { SIGHUP, SIGTERM, SIGQUIT, SIGINT };
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		signal(fatal[i], on_fatal);
	/* No SA_RESTART: the wait in poll() returns so the guest hears of it. */
	struct sigaction sa = { .sa_handler = on_winch };
	sigaction(SIGWINCH, &sa, NULL);
}

static void host_log(const char *line)
{
	/* A raw terminal does not turn NL into CR NL by itself. */
	fprintf(stderr, "%s%s", line, raw_tty && isatty(2) ? "\r\n" : "\n");
}

/* ---- files from the host ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	restore_tty();
	va_start(ap, fmt);
	fputs("friscy: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(127);
}

/* Map a whole host file read-only; what the guest writes goes to the VFS's
 * writable layer, never back to this file. */
static const uint8_t *map_file(const char *path, size_t *len, const char *what,
			       int need_exec)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s %s: %s", what, path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		die("%s %s: %s", what, path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		die("%s %s: is a directory", what, path);
	if (!S_ISREG(st.st_mode))
		die("%s %s: not a regular file", what, path);
	/* execve(2) refuses a file without any execute bit: so does the runner. */
	if (need_exec && !(st.st_mode & 0111))
		die("%s %s: not executable (permission denied)", what, path);
	*len = (size_t)st.st_size;
	if (*len == 0) {
		close(fd);
		return (const uint8_t *)"";
	}
	void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("%s %s: %s", what, path, strerror(errno));
	close(fd);
	return p;
}

int main(int argc, char **argv)
{
	rt_options opt = { 0 };
	const char *rootfs = NULL, *cwd = NULL;
	char **env = calloc((size_t)argc + 8, sizeof *env);
	size_t nenv = 0;
	if (!env)
		die("out of memory");
	/* The environment `docker run` gives a container. */
	env[nenv++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[nenv++] = "HOME=/root";
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--rootfs") && i + 1 < argc) {
			rootfs = argv[++i];
		} else if (!strcmp(a, "-e") && i + 1 < argc) {
			const char *kv = argv[++i];
			const char *eq = strchr(kv, '=');
			if (!eq || eq == kv)
				die("-e %s: expected NAME=VALUE", kv);
			/* A later -e replaces an earlier value, as docker does. */
			size_t k = 0;
			for (; k < nenv; k++)
				if (!strncmp(env[k], kv, (size_t)(eq - kv) + 1))
					break;
			env[k] = (char *)kv;
			if (k == nenv)
				nenv++;
		} else if (!strcmp(a, "-w") && i + 1 < argc) {
			cwd = argv[++i];
		} else if (!strcmp(a, "--strace")) {
			opt.strace = 1;
		} else if (!strcmp(a, "--trace")) {
			opt.trace = 1;
		} else if (!strcmp(a, "--memory") && i + 1 < argc) {
			char *end;
			unsigned long mib = strtoul(argv[++i], &end, 10);
			if (*end || mib < 16 || mib > 4096)
				die("--memory %s: expected MiB between 16 and 4096", argv[i]);
			opt.arena_size = (uint64_t)mib << 20;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "friscy: unknown option %s\n%s", a, usage);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	env[nenv] = NULL;
	const char *prog = argv[i];

	rt_host host = {
		.read = host_read, .write = host_write, .isatty = host_isatty,
		.poll = host_poll, .winsize = host_winsize,
		.realtime_ns = host_realtime, .monotonic_ns = host_monotonic,
		.random = host_random, .log = host_log,
	};
	const uint8_t *tar = NULL;
	size_t tar_len = 0;
	if (rootfs)
		tar = map_file(rootfs, &tar_len, "rootfs", 0);

	char err[1024] = "";
	rt *r = rt_new(&opt, &host, tar, tar_len, rootfs, err, sizeof err);
	if (!r)
		die("%s", err);

	const uint8_t *data = NULL;
	size_t len = 0;
	const char *guest_path = prog;
	if (!rootfs) {
		/* qemu-user style: the program is a host file; the guest knows it
		 * by its name. */
		data = map_file(prog, &len, "program", 1);
	}
	int e = rt_spawn(r, guest_path, data, len, argv + i, env, cwd, err, sizeof err);
	if (e)
		die("%s", err);
	enter_raw_mode();

	/* The event loop: run, and when everything is blocked, wait for the
	 * host's stdin or the nearest deadline. */
	/* If stdin polls ready (EOF, say) but the guest makes no progress on
	 * it, stop watching it until something else happens, not to spin. */
	int stdin_useless = 0, stdin_was_ready = 0;
	uint64_t last_steps = 0;
	for (;;) {
		if (winch) {
			winch = 0;
			tty_winch(r);
		}
		int st = rt_run(r, 50u * 1000 * 1000);
		if (st == RT_EXITED)
			break;
		if (r->steps != last_steps)
			stdin_useless = 0;
		else if (stdin_was_ready)
			stdin_useless = 1;
		last_steps = r->steps;
		if (st == RT_YIELD)
			continue;
		uint64_t deadline;
		int host_io;
		rt_wait_info(r, &deadline, &host_io);
		int timeout = -1;
		if (deadline != UINT64_MAX) {
			uint64_t now = host_monotonic();
			uint64_t ms = deadline > now ? (deadline - now + 999999) / 1000000 : 0;
			timeout = ms > 60000 ? 60000 : (int)ms;
		}
		struct pollfd p = { .fd = 0, .events = POLLIN };
		int watch = host_io && !stdin_useless;
		int n = poll(&p, watch ? 1 : 0, timeout);
		stdin_was_ready = n > 0 && watch;
		if (!watch && timeout < 0)
			pause(); /* deadlocked guest: like Linux, wait for a signal */
	}
	int code = rt_exit_code(r);
	restore_tty();
	rt_free(r);
	free(env);
	return code;
}
