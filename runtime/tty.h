/* The console: the guest's terminal on fd 0-2, backed by the host's stdio.
 *
 * When the host's stdin is a terminal, the host hands over raw keystrokes
 * (the native runner and node put their terminal in raw mode; a browser
 * terminal is raw by nature) and this is the terminal's line discipline,
 * as Linux's n_tty: canonical line editing (erase, word erase, kill, EOF,
 * literal next), echo, ^C/^\/^Z as signals to the foreground process group,
 * CR/NL translation on input and NL -> CR NL on output. Otherwise bytes
 * pass through untouched (a pipe or a file on the host side). */
#ifndef TTY_H
#define TTY_H

#include <stddef.h>
#include "fd.h"
#include "rt.h"

/* read(2) on the console: bytes, 0 at end of input, -EAGAIN to wait. */
long tty_read(rt_proc *p, void *buf, size_t n);
/* write(2) on f, a console or a host stream (f->tty says which). */
long tty_write(rt_proc *p, const fd_file *f, const void *buf, size_t n);
/* Would a read return without waiting? */
int tty_poll_in(rt_proc *p);
/* FIONREAD: bytes a read could return now. */
long tty_nread(rt_proc *p);
/* TCFLSH, TCSETSF: drop pending input. */
void tty_flush_input(rt_proc *p);

/* Take what the host has typed through the line discipline even when no
 * one reads (so ^C works while the guest computes). Called by rt_run. */
void tty_service(rt *r);
/* Does the console want the host to wake the runtime on input? */
int tty_wants_input(const rt *r);
/* The host's window changed size: SIGWINCH to the foreground group. */
void tty_winch(rt *r);

#endif
