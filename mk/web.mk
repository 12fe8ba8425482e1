# mk/web.mk - the runtime compiled to WebAssembly, and its node/browser
# loader. Included from the top-level Makefile (BUILD set before).
#
#   make web         $(BUILD)/web/{friscy.mjs,runtime.mjs,runtime.wasm}:
#                    -O3, no assertions
#   make web-debug   the same in $(BUILD)/web-debug/ with -sASSERTIONS=1
#   make test-web    the differential, busybox and bad-input suites with
#                    RUNNER="node $(BUILD)/web/friscy.mjs run", and the
#                    node host's own checks (tests/web/host_test.mjs)
#   make test-web-debug  the same on the assertion build
#   make page        the browser page in $(BUILD)/web/: index.html, page.mjs,
#                    xterm.js (from npm), serve.mjs and busybox.tar
#   make serve       serve $(BUILD)/web on http://127.0.0.1:$(PORT)/
#   make test-browser  the page in headless Debian chromium (playwright-core)
#
#   node build/web/friscy.mjs run [friscy's options] [--] PROGRAM [ARGS...]
#
# runtime.mjs is Emscripten's glue (an ES module factory); friscy.mjs, the
# loader, is web/friscy.mjs as is. Objects go to $(BUILD)/wasm{,-debug}/, so
# that $(BUILD)/web/ holds only what a web server would serve.

EMCC ?= emcc
# Debian's emscripten runs its JS passes with /usr/bin/node and finds acorn
# in /usr/share/nodejs, which only Debian's own node searches by itself.
WEB_ENV := NODE_PATH=/usr/share/nodejs$(if $(NODE_PATH),:$(NODE_PATH))

WEB_SRC := $(RUNTIME_SRC) runtime/main_web.c
WEB_OBJ := $(WEB_SRC:runtime/%.c=$(BUILD)/wasm/%.o)
WEB_DEBUG_OBJ := $(WEB_SRC:runtime/%.c=$(BUILD)/wasm-debug/%.o)
WEB_JS := web/friscy.mjs

WEB_CFLAGS := -O3
WEB_DEBUG_CFLAGS := -O1 -g
# No main: JS drives the exports of runtime/main_web.c. The host's clocks,
# stdio and randomness are JS imports (Module.friscyHost), so Emscripten's
# filesystem is left out. Memory: the guest arenas live in the heap, grown
# on demand up to wasm32's 4 GiB; malloc returns NULL when it cannot grow
# (the guest sees ENOMEM). The function table grows: compiled modules'
# run() go in it (runtime/aot.c). web/runtime-pre.js gives the glue require and
# __dirname, which its node code expects and an ES module lacks.
WEB_LDFLAGS := -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createFriscyRuntime \
	-sENVIRONMENT=node,web -sINVOKE_RUN=0 -sFILESYSTEM=0 \
	-sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sABORTING_MALLOC=0 \
	-sALLOW_TABLE_GROWTH=1 \
	-sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
	-sEXPORTED_FUNCTIONS=_malloc,_free \
	--extern-pre-js web/runtime-pre.js

.PHONY: web web-debug test-web test-web-debug web-deps page serve test-browser browser-deps

# emcc and node-acorn, installed when missing.
web-deps:
	@sh mk/deps.sh --web

$(BUILD)/wasm/%.o: runtime/%.c $(HEADERS) | web-deps
	@mkdir -p $(@D)
	$(WEB_ENV) $(EMCC) $(CPPFLAGS) $(WEB_CFLAGS) $(WARN) -c $< -o $@

$(BUILD)/wasm-debug/%.o: runtime/%.c $(HEADERS) | web-deps
	@mkdir -p $(@D)
	$(WEB_ENV) $(EMCC) $(CPPFLAGS) $(WEB_DEBUG_CFLAGS) $(WARN) -c $< -o $@

# The glue and the wasm come out of one emcc run.
$(BUILD)/web/runtime.mjs: $(WEB_OBJ) web/runtime-pre.js mk/web.mk
	@mkdir -p $(@D)
	$(WEB_ENV) $(EMCC) $(WEB_CFLAGS) $(WEB_LDFLAGS) -o $@ $(WEB_OBJ)

$(BUILD)/web-debug/runtime.mjs: $(WEB_DEBUG_OBJ) web/runtime-pre.js mk/web.mk
	@mkdir -p $(@D)
	$(WEB_ENV) $(EMCC) $(WEB_DEBUG_CFLAGS) -sASSERTIONS=1 $(WEB_LDFLAGS) -o $@ $(WEB_DEBUG_OBJ)

$(BUILD)/web/friscy.mjs $(BUILD)/web-debug/friscy.mjs: $(WEB_JS)
	@mkdir -p $(@D)
	cp $< $@

web: $(BUILD)/web/runtime.mjs $(BUILD)/web/friscy.mjs
web-debug: $(BUILD)/web-debug/runtime.mjs $(BUILD)/web-debug/friscy.mjs

# The suites with the node runner (test-web-debug: on the assertion
# build). As with `make -k test`, every suite runs and the target fails if
# any failed.
WEB_RUNNER := node $(BUILD)/web/friscy.mjs run
WEB_DEBUG_RUNNER := node $(BUILD)/web-debug/friscy.mjs run

test-web: web images
	@fail=0; \
	RUNNER="$(WEB_RUNNER)" sh tests/diff/run.sh || fail=1; \
	RUNNER="$(WEB_RUNNER)" sh tests/busybox/run.sh || fail=1; \
	RUNNER="$(WEB_RUNNER)" sh tests/badinput/run.sh || fail=1; \
	node tests/web/host_test.mjs $(BUILD) || fail=1; \
	exit $$fail

test-web-debug: web-debug images
	@fail=0; \
	RUNNER="$(WEB_DEBUG_RUNNER)" sh tests/diff/run.sh || fail=1; \
	RUNNER="$(WEB_DEBUG_RUNNER)" sh tests/busybox/run.sh || fail=1; \
	RUNNER="$(WEB_DEBUG_RUNNER)" sh tests/badinput/run.sh || fail=1; \
	exit $$fail

# ---- the browser page ----

# xterm.js and playwright-core from npm, pinned by web/package-lock.json,
# installed under $(BUILD)/npm (npm comes with node; chromium from Debian).
NPM_DIR := $(BUILD)/npm
NPM_STAMP := $(NPM_DIR)/node_modules/.package-lock.json
PORT ?= 8080

$(NPM_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "page: npm not found (it comes with node)" >&2; exit 1; }
	@mkdir -p $(NPM_DIR)
	cp web/package.json web/package-lock.json $(NPM_DIR)/
	cd $(NPM_DIR) && npm ci --no-audit --no-fund --loglevel=error

PAGE_FILES := $(BUILD)/web/index.html $(BUILD)/web/page.mjs $(BUILD)/web/serve.mjs \
	$(BUILD)/web/xterm.mjs $(BUILD)/web/xterm.css $(BUILD)/web/addon-fit.mjs \
	$(BUILD)/web/busybox.tar $(BUILD)/web/aot/index.json

$(BUILD)/web/index.html $(BUILD)/web/page.mjs $(BUILD)/web/serve.mjs: $(BUILD)/web/%: web/%
	@mkdir -p $(@D)
	cp $< $@
$(BUILD)/web/xterm.mjs: $(NPM_STAMP)
	cp $(NPM_DIR)/node_modules/@xterm/xterm/lib/xterm.mjs $@
$(BUILD)/web/xterm.css: $(NPM_STAMP)
	cp $(NPM_DIR)/node_modules/@xterm/xterm/css/xterm.css $@
$(BUILD)/web/addon-fit.mjs: $(NPM_STAMP)
	cp $(NPM_DIR)/node_modules/@xterm/addon-fit/lib/addon-fit.mjs $@
# The default container of the page.
$(BUILD)/web/busybox.tar: $(BUSYBOX_IMAGE)
	cp $< $@

# Its programs compiled ahead of time (busybox and musl's ld.so/libc), which
# the page loads from aot/ (aot/index.json lists them).
$(BUILD)/web/aot/index.json: $(BUILD)/bin/rv2wasm $(BUSYBOX_IMAGE) mk/aot-modules.sh
	rm -rf $(@D)
	RV2WASM=$(BUILD)/bin/rv2wasm sh mk/aot-modules.sh $(@D) $(BUSYBOX_IMAGE_DIR)/bin/busybox \
		$(BUSYBOX_IMAGE_DIR)/lib/ld-musl-riscv64.so.1

page: web $(PAGE_FILES)

serve: page
	node $(BUILD)/web/serve.mjs $(BUILD)/web --port $(PORT)

browser-deps:
	@sh mk/deps.sh --browser

test-browser: page browser-deps
	NPM_DIR=$(NPM_DIR) node tests/web/page_test.mjs $(BUILD)/web
