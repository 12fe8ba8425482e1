/* The console's I/O and its line discipline (see tty.h). The state lives
 * in struct vfs_console (vfs.h): termios, the queue of bytes a read can
 * take, the line being edited. */
#include <string.h>

#include "linux_abi.h"
#include "signal_abi.h"
#include "tty.h"
#include "vfs.h"

static struct vfs_console *con_of(const rt *r) { return &r->vfs->con; }

static int has(const struct vfs_console *c, int cc, uint8_t b)
{
	/* A c_cc slot of 0 is _POSIX_VDISABLE: that function is off. */
	return c->termios.c_cc[cc] && c->termios.c_cc[cc] == b;
}

/* ---- output ---- */

/* Write all of buf to the host (a terminal: blocking briefly is fine; a
 * short or failed write drops the rest, as a hung-up terminal would). */
static long host_out(rt *r, int fd, const uint8_t *buf, size_t n)
{
	if (!r->host.write)
		return (long)n;
	size_t done = 0;
	while (done < n) {
		long k = r->host.write(fd, buf + done, n - done);
		if (k <= 0)
			return done ? (long)done : k;
		done += (size_t)k;
	}
	return (long)done;
}

/* Output processing (OPOST): ONLCR turns NL into CR NL. Returns the bytes
 * of buf consumed, or a negative errno if none were. */
static long out_bytes(rt *r, int fd, const uint8_t *buf, size_t n)
{
	struct vfs_console *c = con_of(r);
	const struct lx_termios *tio = &c->termios;
	if (!c->ldisc || !(tio->c_oflag & LX_OPOST) || !(tio->c_oflag & LX_ONLCR) ||
	    r->opt.host_onlcr)
		return host_out(r, fd, buf, n);
	size_t done = 0;
	while (done < n) {
		const uint8_t *nl = memchr(buf + done, '\n', n - done);
		size_t seg = nl ? (size_t)(nl - (buf + done)) : n - done;
		if (seg) {
			long k = host_out(r, fd, buf + done, seg);
			if (k < 0)
				return done ? (long)done : k;
			done += (size_t)k;
			if ((size_t)k < seg)
				return (long)done;
		}
		if (nl) {
			long k = host_out(r, fd, (const uint8_t *)"\r\n", 2);
			if (k < 0)
				return done ? (long)done : k;
			done++;
		}
	}
	return (long)done;
}

static void echo_raw(rt *r, const char *s, size_t n)
{
	out_bytes(r, con_of(r)->out_fd, (const uint8_t *)s, n);
}

/* Echo one input byte: control characters as ^X with ECHOCTL. */
static void echo_byte(rt *r, uint8_t b)
{
	struct vfs_console *c = con_of(r);
	uint32_t lf = c->termios.c_lflag;
	if (!(lf & LX_ECHO)) {
		if (b == '\n' && (lf & LX_ECHONL) && (lf & LX_ICANON))
			echo_raw(r, "\n", 1);
		return;
	}
	if ((lf & LX_ECHOCTL) && (b < 32 || b == 127) && b != '\n' && b != '\t') {
		char s[2] = { '^', (char)(b ^ 0x40) };
		echo_raw(r, s, 2);
		return;
	}
	echo_raw(r, (const char *)&b, 1);
}

/* Columns an echoed byte took (to rub it out): ^X takes two. */
static int echo_width(const struct vfs_console *c, uint8_t b)
{
	if ((c->termios.c_lflag & LX_ECHOCTL) && (b < 32 || b == 127))
		return 2;
	if ((c->termios.c_iflag & LX_IUTF8) && (b & 0xc0) == 0x80)
		return 0; /* a UTF-8 continuation byte shares its lead's column */
	return 1;
}

long tty_write(rt_proc *p, const fd_file *f, const void *buf, size_t n)
{
	rt *r = p->rt;
	if (!f->tty)
		return host_out(r, f->host_wfd, buf, n);
	return out_bytes(r, f->host_wfd, buf, n);
}

/* ---- input ---- */

static size_t queued(const struct vfs_console *c) { return c->inlen - c->inpos; }

static void queue_put(struct vfs_console *c, const uint8_t *b, size_t n)
{
	if (c->inpos && c->inlen + n > sizeof c->in) {
		memmove(c->in, c->in + c->inpos, queued(c));
		c->inlen -= c->inpos;
		c->inpos = 0;
	}
	if (n > sizeof c->in - c->inlen)
		n = sizeof c->in - c->inlen; /* full: the rest is lost, as on Linux */
	memcpy(c->in + c->inlen, b, n);
	c->inlen += n;
}

static void flush_all(struct vfs_console *c)
{
	c->inpos = c->inlen = 0;
	c->linelen = 0;
	c->eof_after = -1;
	c->lnext = 0;
}

/* ^C, ^\, ^Z: the signal goes to every process of the foreground group
 * (by default the group of pid 1, the container's shell). */
static void signal_fg(rt *r, int sig)
{
	struct vfs_console *c = con_of(r);
	int pg = c->pgrp ? c->pgrp : r->nprocs ? r->procs[0]->pgid : 0;
	rt_siginfo info = { .code = SI_KERNEL_CODE };
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i]->pgid == pg && !r->procs[i]->exited)
			rt_signal_proc_info(r->procs[i], sig, &info);
}

/* Rub out the last character of the line (all its UTF-8 bytes). */
static void erase_char(rt *r)
{
	struct vfs_console *c = con_of(r);
	uint32_t lf = c->termios.c_lflag;
	int cols = 0;
	while (c->linelen) {
		uint8_t b = c->line[--c->linelen];
		cols += echo_width(c, b);
		if (!((c->termios.c_iflag & LX_IUTF8) && (b & 0xc0) == 0x80))
			break;
	}
	if ((lf & LX_ECHO) && (lf & LX_ECHOE))
		for (int i = 0; i < cols; i++)
			echo_raw(r, "\b \b", 3);
}

static void line_done(struct vfs_console *c)
{
	queue_put(c, c->line, c->linelen);
	c->linelen = 0;
}

static void input_byte(rt *r, uint8_t b)
{
	struct vfs_console *c = con_of(r);
	const struct lx_termios *tio = &c->termios;
	uint32_t lf = tio->c_lflag, inf = tio->c_iflag;
	if (inf & LX_ISTRIP)
		b &= 0x7f;
	if (c->lnext) {
		c->lnext = 0;
		if (lf & LX_ICANON) {
			if ((lf & LX_ECHO) && (lf & LX_ECHOCTL))
				echo_raw(r, "\b\b", 2); /* over the "^\b" shown for ^V */
			if (c->linelen < sizeof c->line)
				c->line[c->linelen++] = b;
		} else {
			queue_put(c, &b, 1);
		}
		echo_byte(r, b);
		return;
	}
	if (b == '\r') {
		if (inf & LX_IGNCR)
			return;
		if (inf & LX_ICRNL)
			b = '\n';
	} else if (b == '\n' && (inf & LX_INLCR)) {
		b = '\r';
	}
	if (lf & LX_ISIG) {
		int sig = has(c, LX_VINTR, b) ? SIG_INT : has(c, LX_VQUIT, b) ? SIG_QUIT
			: has(c, LX_VSUSP, b) ? SIG_TSTP : 0;
		if (sig) {
			if (!(lf & LX_NOFLSH))
				flush_all(c);
			echo_byte(r, b);
			signal_fg(r, sig);
			return;
		}
	}
	if ((lf & LX_IEXTEN) && has(c, LX_VLNEXT, b)) {
		c->lnext = 1;
		if ((lf & LX_ECHO) && (lf & LX_ECHOCTL) && (lf & LX_ICANON))
			echo_raw(r, "^\b", 2);
		return;
	}
	if (!(lf & LX_ICANON)) {
		queue_put(c, &b, 1);
		echo_byte(r, b);
		return;
	}
	if (has(c, LX_VERASE, b)) {
		erase_char(r);
		return;
	}
	if ((lf & LX_IEXTEN) && has(c, LX_VWERASE, b)) {
		while (c->linelen && (c->line[c->linelen - 1] == ' ' || c->line[c->linelen - 1] == '\t'))
			erase_char(r);
		while (c->linelen && c->line[c->linelen - 1] != ' ' && c->line[c->linelen - 1] != '\t')
			erase_char(r);
		return;
	}
	if (has(c, LX_VKILL, b)) {
		if ((lf & LX_ECHO) && (lf & LX_ECHOKE)) {
			while (c->linelen)
				erase_char(r);
		} else {
			c->linelen = 0;
			echo_byte(r, b);
			if ((lf & LX_ECHO) && (lf & LX_ECHOK))
				echo_raw(r, "\n", 1);
		}
		return;
	}
	if (has(c, LX_VEOF, b)) {
		/* The line so far is readable now; on an empty line, an EOF. */
		if (!c->linelen && c->eof_after < 0)
			c->eof_after = (long)queued(c);
		line_done(c);
		return;
	}
	if (c->linelen < sizeof c->line - 1 || b == '\n')
		c->line[c->linelen++] = b;
	echo_byte(r, b);
	if (b == '\n' || has(c, LX_VEOL, b) || has(c, LX_VEOL2, b))
		line_done(c);
}

/* Read what the host has and run it through the discipline (without it,
 * keep it for the reader as it is). */
static void pull(rt *r)
{
	struct vfs_console *c = con_of(r);
	if (!r->host.read || c->in_eof)
		return;
	uint8_t tmp[512];
	for (;;) {
		size_t room = sizeof c->in - queued(c);
		if (c->ldisc && (c->termios.c_lflag & LX_ICANON))
			room = sizeof c->line - c->linelen < room ? sizeof c->line - c->linelen : room;
		if (room == 0)
			return;
		long k = r->host.read(0, tmp, room < sizeof tmp ? room : sizeof tmp);
		if (k == -LX_EAGAIN || k == -LX_EINTR)
			return;
		if (k <= 0) {
			c->in_eof = 1;
			return;
		}
		if (!c->ldisc) {
			queue_put(c, tmp, (size_t)k);
			return;
		}
		for (long i = 0; i < k; i++)
			input_byte(r, tmp[i]);
	}
}

void tty_service(rt *r)
{
	if (con_of(r)->ldisc)
		pull(r);
}

int tty_wants_input(const rt *r)
{
	const struct vfs_console *c = con_of(r);
	return c->ldisc && !c->in_eof;
}

/* How much a read may take now: canonical mode returns one line at most,
 * and stops at a pending EOF. */
static size_t readable(const struct vfs_console *c)
{
	size_t n = queued(c);
	if (c->eof_after >= 0 && (size_t)c->eof_after < n)
		n = (size_t)c->eof_after;
	if (c->ldisc && (c->termios.c_lflag & LX_ICANON)) {
		for (size_t i = 0; i < n; i++) {
			uint8_t b = c->in[c->inpos + i];
			if (b == '\n' || has(c, LX_VEOL, b) || has(c, LX_VEOL2, b))
				return i + 1;
		}
	}
	return n;
}

long tty_read(rt_proc *p, void *buf, size_t n)
{
	rt *r = p->rt;
	struct vfs_console *c = con_of(r);
	if (n == 0)
		return 0;
	if (!queued(c))
		pull(r);
	size_t k = readable(c);
	if (k == 0) {
		if (c->eof_after == 0) {
			c->eof_after = -1;
			return 0;
		}
		if (queued(c) == 0 && c->in_eof) {
			/* Without a terminal: one EOF per end of the host's input. */
			if (!c->ldisc)
				c->in_eof = 0;
			return 0;
		}
		/* Non-canonical with VMIN 0: return at once. (VTIME, the
		 * inter-byte timer, is not kept: a read waits for one byte.) */
		if (c->ldisc && !(c->termios.c_lflag & LX_ICANON) &&
		    c->termios.c_cc[LX_VMIN] == 0 && c->termios.c_cc[LX_VTIME] == 0)
			return 0;
		if (!r->host.read)
			return 0; /* no host: reads say EOF */
		return -LX_EAGAIN;
	}
	if (k > n)
		k = n;
	memcpy(buf, c->in + c->inpos, k);
	c->inpos += k;
	if (c->eof_after > 0)
		c->eof_after -= (long)k;
	if (c->inpos == c->inlen)
		c->inpos = c->inlen = 0;
	return (long)k;
}

int tty_poll_in(rt_proc *p)
{
	rt *r = p->rt;
	struct vfs_console *c = con_of(r);
	if (!r->host.read)
		return 1; /* no host: reads say EOF */
	if (!queued(c))
		pull(r);
	return readable(c) > 0 || c->eof_after == 0 || (c->in_eof && !queued(c));
}

long tty_nread(rt_proc *p)
{
	tty_poll_in(p);
	return (long)readable(con_of(p->rt));
}

void tty_flush_input(rt_proc *p)
{
	flush_all(con_of(p->rt));
}

void tty_winch(rt *r)
{
	if (con_of(r)->present)
		signal_fg(r, SIG_WINCH);
}
