/* Loading programs into a process: ELF executables (static, static-PIE,
 * dynamic with PT_INTERP), `#!` scripts, and the initial stack Linux builds
 * (argv, envp, auxv). */
#ifndef ELF_LOAD_H
#define ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include "rt.h"

/* Replace t's process image with the program in `data` (the file at guest
 * path `path`; its bytes are not kept). argv/envp are NULL-terminated host
 * arrays. On success the process has a fresh address space and t->cpu is
 * ready to run at the entry point; returns 0. On failure returns a negative
 * errno (as execve would) and, when err is non-NULL, a one-line message
 * naming `path` and what is wrong; the process is left unchanged. */
int elf_exec(rt_thread *t, const char *path, const uint8_t *data, size_t len,
	     char *const argv[], char *const envp[], char *err, size_t errcap);

#endif
