# friscy — run riscv64 Linux containers in WebAssembly.
#
#   make            the native runner, build/bin/friscy
#   make demo       build what is needed and run a busybox container
#   make test       build what is needed and run every test
#   make bench      CPU-bound benchmarks: native x86-64, qemu-riscv64, friscy
#                   (native, wasm, wasm + rv2wasm), the C through emcc (a
#                   reference), compile cost, start-up
#   make web        the runtime in WebAssembly and its node loader (mk/web.mk)
#
# Missing Debian packages are installed by mk/deps.sh (as root, apt-get).
# Slow source builds (musl, busybox) are cached in $(CACHE), outside the
# tree. Everything else goes under build/.

BUILD ?= build
CACHE ?= $(HOME)/.cache/friscy

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror=switch -Werror=implicit-function-declaration
CPPFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Iruntime
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Every runtime file but the hosts' entry points (main_native.c, main_web.c).
RUNTIME_SRC := $(filter-out runtime/main_%.c,$(wildcard runtime/*.c))
NATIVE_OBJ  := $(RUNTIME_SRC:runtime/%.c=$(BUILD)/native/%.o) $(BUILD)/native/main_native.o
ASAN_OBJ    := $(RUNTIME_SRC:runtime/%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/main_native.o
HEADERS     := $(wildcard include/*.h runtime/*.h)

.PHONY: all deps demo test test-unit test-disasm test-diff test-busybox \
	test-badinput test-asan test-tty test-hostfile test-aot test-rv2wasm test-asm bench clean images
all: $(BUILD)/bin/friscy $(BUILD)/bin/rv2wasm

# Installs missing Debian packages; a no-op when all are present.
deps:
	@sh mk/deps.sh

$(BUILD)/native/%.o: runtime/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/asan/%.o: runtime/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O2 -g $(SANFLAGS) $(WARN) -c $< -o $@

# rv2wasm, the ahead-of-time compiler (compiler/, docs/COMPILER.md): the
# shared decoder, libelf, and Binaryen's C API.
COMPILER_SRC := $(wildcard compiler/*.c) runtime/decode.c
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(BUILD)/compiler/%.o)
COMPILER_HDR := $(wildcard compiler/*.h) include/rv_isa.h include/rv_fpu.h include/aot_abi.h

$(BUILD)/compiler/%.o: %.c $(COMPILER_HDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Icompiler $(CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/bin/rv2wasm: $(COMPILER_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lbinaryen -lelf -lpthread

# The same under AddressSanitizer and UBSan (test-rv2wasm runs both).
$(BUILD)/compiler-asan/%.o: %.c $(COMPILER_HDR) | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Icompiler $(CFLAGS) $(SANFLAGS) $(WARN) -c $< -o $@

$(BUILD)/bin/rv2wasm-asan: $(COMPILER_SRC:%.c=$(BUILD)/compiler-asan/%.o)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ -lbinaryen -lelf -lpthread

$(BUILD)/bin/friscy: $(NATIVE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm

# The same runner under AddressSanitizer and UBSan, for the tests.
$(BUILD)/bin/friscy-asan: $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) -g $(SANFLAGS) -o $@ $^ -lm

include mk/images.mk
include mk/web.mk

# ---- tests ----

# Unit tests, under AddressSanitizer and UBSan. Each links only the parts
# it tests (the VFS test brings its own stand-ins for memory and threads).
UNIT_TESTS := $(BUILD)/tests/fpu_test $(BUILD)/tests/interp_test $(BUILD)/tests/vfs_test \
	$(BUILD)/tests/mmap_test $(BUILD)/tests/event_test
fpu_test_SRC := runtime/fpu.c
interp_test_SRC := runtime/interp.c runtime/decode.c runtime/mem.c runtime/fpu.c
mmap_test_SRC := runtime/mem.c
event_test_SRC = $(vfs_test_SRC) runtime/sys_epoll.c runtime/sys_eventfd.c runtime/sys_timerfd.c
vfs_test_SRC := runtime/vfs.c runtime/vfs_tar.c runtime/vfs_dev.c runtime/vfs_proc.c runtime/tty.c \
	runtime/fd.c runtime/sys_fs.c runtime/sys_poll.c

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(%_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -O1 -g $(SANFLAGS) $(WARN) -o $@ $< $($*_SRC) -lm

$(BUILD)/bin/rvdis: tests/disasm/rvdis.c runtime/decode.c runtime/disasm.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -o $@ tests/disasm/rvdis.c runtime/decode.c runtime/disasm.c

# FP vectors run as real instructions under qemu-riscv64, the reference.
$(BUILD)/tests/fpu_vectors_rv: tests/unit/fpu_vectors_rv.c
	@mkdir -p $(@D)
	riscv64-linux-gnu-gcc -static -O1 -o $@ $<

$(BUILD)/tests/fpu_vectors.qemu: $(BUILD)/tests/fpu_vectors_rv
	qemu-riscv64 $< > $@.tmp && mv $@.tmp $@

test-unit: $(UNIT_TESTS) $(BUILD)/tests/fpu_vectors.qemu
	@for t in $(UNIT_TESTS); do echo "== $$t"; $$t || exit 1; done
	@echo "== fpu helpers against qemu-riscv64"
	$(BUILD)/tests/fpu_test --compare $(BUILD)/tests/fpu_vectors.qemu

test-disasm: $(BUILD)/bin/rvdis images
	RVDIS=$(BUILD)/bin/rvdis sh tests/disasm/check.sh $(BUILD)/images/busybox/bin/busybox \
		$(BUILD)/images/busybox/lib/ld-musl-riscv64.so.1 \
		/usr/riscv64-linux-gnu/lib/libc.so.6 /usr/riscv64-linux-gnu/lib/libm.so.6 \
		/usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1 \
		/usr/riscv64-linux-gnu/lib/libstdc++.so.6 /usr/riscv64-linux-gnu/lib/libgcc_s.so.1

test-diff: $(BUILD)/bin/friscy images
	sh tests/diff/run.sh

test-busybox: $(BUILD)/bin/friscy images
	sh tests/busybox/run.sh

# The differential and busybox suites again on the sanitizer build.
test-asan: $(BUILD)/bin/friscy-asan images
	FRISCY=$(BUILD)/bin/friscy-asan TIMEOUT=300 sh tests/diff/run.sh
	FRISCY=$(BUILD)/bin/friscy-asan TIMEOUT=300 sh tests/busybox/run.sh

# The suites again with rv2wasm's modules (node --aot), and how much ran
# compiled; rv2wasm's own bad-input checks.
test-aot: $(BUILD)/bin/rv2wasm web images
	python3 tests/aot/run.py $(BUILD)

test-rv2wasm: $(BUILD)/bin/rv2wasm $(BUILD)/bin/rv2wasm-asan images
	sh tests/rv2wasm/run.sh
	RV2WASM=$(BUILD)/bin/rv2wasm-asan sh tests/rv2wasm/run.sh

# Every instruction and its corner cases: qemu, interpreter and compiled
# code must give the same results (tests/asm/gen.py).
test-asm: $(BUILD)/bin/friscy $(BUILD)/bin/rv2wasm web
	python3 tests/asm/run.py $(BUILD)

# A program run as a host file by a relative name (native and node).
test-hostfile: $(BUILD)/bin/friscy web
	sh tests/hostfile/run.sh

# The native and node runners on a pty: raw mode, echo, ^C, resize.
test-tty: $(BUILD)/bin/friscy web images
	python3 tests/tty/run.py $(BUILD)

test-badinput: $(BUILD)/bin/friscy $(BUILD)/bin/friscy-asan images
	sh tests/badinput/run.sh
	FRISCY=$(BUILD)/bin/friscy-asan sh tests/badinput/run.sh

# -k: every suite runs and reports, and make still fails if any failed.
test: deps
	@$(MAKE) -k --no-print-directory test-unit test-disasm test-badinput test-diff test-busybox test-asan \
		test-web test-browser test-tty test-hostfile test-aot test-rv2wasm test-asm

# The CPU benchmarks native, under qemu, with friscy native, in wasm
# interpreted and in wasm compiled by rv2wasm (node --aot), and, for
# reference, their C compiled straight to wasm by emcc (what wasm reaches
# from the source here), in one run; then rv2wasm's compile cost, and the
# wasm build's size, start-up and fork+exec, and short commands of dynamic
# programs (busybox, glibc) compiled, interpreted and under qemu.
bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/bin/friscy $(BUILD)/bin/rv2wasm web images
	python3 tests/bench/compile.py $(BUILD)
	BENCH_RUNNERS="native;qemu;friscy;wasm=node $(BUILD)/web/friscy.mjs run;aot=node $(BUILD)/web/friscy.mjs run --aot $(BUILD)/tests/bench/aot;emcc" \
		sh tests/bench/run.sh
	node tests/bench/web.mjs $(BUILD)
	python3 tests/bench/startup.py $(BUILD)

# The busybox container: its shell, a pipeline, and a few applets.
DEMO := $(BUILD)/bin/friscy --rootfs $(BUILD)/images/busybox.tar
demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/bin/friscy images
	$(DEMO) /bin/sh -c 'echo "hello from busybox sh on friscy: 6*7=$$((6*7))"; \
		for f in /etc/*; do read -r first < "$$f"; echo "$$f: $$first"; done'
	$(DEMO) /bin/sh -c 'ls /bin | wc -l | xargs echo "applets in /bin:"'
	$(DEMO) /bin/uname -a
	$(DEMO) /bin/ls -la /
	$(DEMO) /usr/bin/awk 'BEGIN { for (i = 1; i <= 5; i++) printf "%d! = %d\n", i, f = (i > 1 ? f * i : 1) }'
	$(DEMO) /usr/bin/sha256sum /bin/busybox /lib/ld-musl-riscv64.so.1

clean:
	rm -rf $(BUILD)
