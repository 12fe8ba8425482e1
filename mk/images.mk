# mk/images.mk - riscv64 test images for friscy.
#
# Included from the top-level Makefile (which must set BUILD and CACHE
# *before* the include: target names are expanded while this file is read),
# or used on its own:  make -f mk/images.mk images
#
# What it makes:
#   musl-sysroot   musl libc for riscv64 plus a musl-gcc wrapper, in $(CACHE)
#   busybox-bin    busybox linked dynamically against that musl, in $(CACHE)
#   images         $(BUILD)/images/busybox.tar  Alpine-like musl+busybox root
#                  $(BUILD)/images/glibc.tar    Debian glibc runtime root
#                  and both unpacked as $(BUILD)/images/{busybox,glibc}/
#                  (qemu-riscv64 -L needs a directory)
#
# Sources come only from Debian (apt-get source); nothing else is downloaded.
# The slow builds (musl, busybox) live in $(CACHE), outside the work tree and
# keyed by version, so every clone and CI run on a machine shares them.  The
# images themselves are cheap and are rebuilt in $(BUILD) when this file or
# their inputs change.

# Must stay first: locate ourselves before anything else is included.
IMAGES_MK     := $(lastword $(MAKEFILE_LIST))
IMAGES_MK_DIR := $(patsubst %/,%,$(dir $(IMAGES_MK)))
DEPS_SH       := $(IMAGES_MK_DIR)/deps.sh
# Standalone (make -f mk/images.mk) when we are the only makefile read so far.
_images_standalone := $(if $(filter 1,$(words $(MAKEFILE_LIST))),yes)
# Don't steal the including Makefile's default goal (restored at the end).
_images_prev_goal  := $(.DEFAULT_GOAL)

BUILD ?= build
CACHE ?= $(HOME)/.cache/friscy
ifeq ($(strip $(CACHE)),)
$(error images.mk: CACHE is empty; set CACHE=/some/dir (default: $$HOME/.cache/friscy))
endif
# The musl specs file and wrapper embed absolute paths.
CACHE_ABS := $(abspath $(CACHE))

# ---------------------------------------------------------------- knobs
MUSL_VERSION    ?= 1.2.3
BUSYBOX_VERSION ?= 1.35.0
IMAGES_CROSS    ?= riscv64-linux-gnu-
QEMU_RISCV64    ?= qemu-riscv64
IMAGES_JOBS     ?= 2
# mtime of every entry in the image tars (reproducible tars).
IMAGE_EPOCH     ?= $(or $(SOURCE_DATE_EPOCH),1704067200)
# Debian's riscv64 glibc as installed by libc6-riscv64-cross & co.
GLIBC_SYSROOT   ?= /usr/riscv64-linux-gnu
# A directory whose content is copied over / of the glibc image (the test
# suite's programs).  GLIBC_IMAGE_EXTRA_DEPS: what must be built first; by
# default every file found there now.  No spaces in these paths.
GLIBC_IMAGE_EXTRA ?=
# Sanitizer runtimes are large (libasan alone is 9 MB) and useless here.
GLIBC_IMAGE_SKIP ?= libasan.* liblsan.* libtsan.* libubsan.* libhwasan.*
# Bump when a change to the recipes below must invalidate the $(CACHE) builds.
IMAGES_REV := 1

# ---------------------------------------------------------------- paths
MUSL_SRC_DIR       := $(CACHE_ABS)/musl
MUSL_SRC           := $(MUSL_SRC_DIR)/musl-$(MUSL_VERSION)
MUSL_SYSROOT       := $(CACHE_ABS)/musl-sysroot
MUSL_GCC           := $(MUSL_SYSROOT)/bin/musl-gcc
MUSL_LDSO          := /lib/ld-musl-riscv64.so.1
# Depend on this file (not on the phony musl-sysroot) to use $(MUSL_GCC).
MUSL_SYSROOT_STAMP := $(MUSL_SYSROOT)/.friscy-musl-$(MUSL_VERSION)-r$(IMAGES_REV)

BUSYBOX_SRC_DIR := $(CACHE_ABS)/busybox
BUSYBOX_SRC     := $(BUSYBOX_SRC_DIR)/busybox-$(BUSYBOX_VERSION)

IMAGES_DIR        := $(BUILD)/images
BUSYBOX_IMAGE     := $(IMAGES_DIR)/busybox.tar
BUSYBOX_IMAGE_DIR := $(IMAGES_DIR)/busybox
GLIBC_IMAGE       := $(IMAGES_DIR)/glibc.tar
GLIBC_IMAGE_DIR   := $(IMAGES_DIR)/glibc
GLIBC_LDSO        := ld-linux-riscv64-lp64d.so.1

# ---------------------------------------------------------------- busybox config
# Applied on top of `make defconfig`.  NAME=n means "# NAME is not set".
# defconfig builds as is against musl 1.2.3 because the musl sysroot also
# carries Debian's Linux UAPI headers, so nothing had to be disabled for the
# build to succeed; these pin the choices this image depends on.
#  - dynamic, not static: the image exists to exercise musl's ld.so
BUSYBOX_CONFIG := CONFIG_STATIC=n
#  - no libpam / libselinux exist for our musl
BUSYBOX_CONFIG += CONFIG_PAM=n CONFIG_SELINUX=n
#  - both need Sun RPC, which musl does not have
BUSYBOX_CONFIG += CONFIG_FEATURE_MOUNT_NFS=n CONFIG_FEATURE_INETD_RPC=n
#  - sh must really fork+exec /bin/ls etc. (that is what the runtime is
#    tested on), not run applets in-process
BUSYBOX_CONFIG += CONFIG_FEATURE_PREFER_APPLETS=n CONFIG_FEATURE_SH_STANDALONE=n
#  - /linuxrc is an initrd convention (an alias of init); Alpine has none
BUSYBOX_CONFIG += CONFIG_LINUXRC=n

# The cached binary is keyed by versions and by the config above.
_bb_cfg_sum := $(firstword $(shell printf '%s' '$(BUSYBOX_CONFIG) r$(IMAGES_REV)' | cksum))
BUSYBOX_KEY := $(BUSYBOX_VERSION)-musl$(MUSL_VERSION)-$(_bb_cfg_sum)
BUSYBOX_OBJ := $(BUSYBOX_SRC_DIR)/build-$(BUSYBOX_KEY)
BUSYBOX_BIN := $(BUSYBOX_SRC_DIR)/busybox-$(BUSYBOX_KEY)

# ---------------------------------------------------------------- helpers
# The third-party builds must not see the including Makefile's settings:
# command-line variables travel in MAKEFLAGS, and an exported host CFLAGS
# would be picked up by musl's configure.
_IMAGES_ENV := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	-u CFLAGS -u CPPFLAGS -u LDFLAGS -u LDLIBS -u CC -u CXX -u AR -u LD \
	-u CROSS_COMPILE -u ARCH -u O

# apt's download sandbox user cannot write to a root-owned cache dir and
# says so loudly; as root, just download as root.
_APT_SRC_OPTS = -q $(if $(filter 0,$(shell id -u)),-o APT::Sandbox::User=root)

# $(call _images_fetch,PACKAGE,VERSION,DIR): download Debian's source package
# into DIR and set $$dsc to its .dsc, failing clearly if Debian does not
# offer upstream VERSION.  Used at the start of a recipe line.
define _images_fetch
sh $(DEPS_SH) --src && \
mkdir -p $(3) && cd $(3) && \
{ apt-get source $(_APT_SRC_OPTS) --download-only $(1) >apt-source.log 2>&1 || \
  { cat apt-source.log >&2; echo "images.mk: 'apt-get source $(1)' failed (deb-src entry? archive reachable?)" >&2; exit 1; }; } && \
dsc=$$(ls -v $(1)_$(2)-*.dsc 2>/dev/null | tail -n 1) && \
{ [ -n "$$dsc" ] || { echo "images.mk: Debian does not offer $(1) $(2) (got: $$(ls $(1)_*.dsc)); update $(shell echo $(1) | tr a-z A-Z)_VERSION" >&2; exit 1; }; }
endef

# $(call _images_etc,DIR): the small /etc every image gets.
define _images_etc
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/:/sbin/nologin' > $(1)/etc/passwd; \
printf '%s\n' 'root:x:0:root' 'nobody:x:65534:' > $(1)/etc/group; \
printf '%s\n' '127.0.0.1	localhost' '::1	localhost ip6-localhost ip6-loopback' > $(1)/etc/hosts; \
printf '%s\n' 'friscy' > $(1)/etc/hostname; \
chmod 1777 $(1)/tmp; chmod 700 $(1)/root
endef

# $(call _images_tar,DIR,TAR): deterministic tar of DIR's content, entries
# named like `docker export` does (bin/sh, not ./bin/sh), owned by root.
define _images_tar
(cd $(1) && ls -A | LC_ALL=C sort | tar --format=gnu --sort=name --numeric-owner \
	--owner=0 --group=0 --mtime=@$(IMAGE_EPOCH) -cf $(abspath $(2)).tmp -T - ) && \
mv $(2).tmp $(2)
endef

# ---------------------------------------------------------------- phony targets
.PHONY: images images-busybox images-glibc musl-sysroot busybox-bin \
	images-clean images-cache-clean images-vars

images: $(BUSYBOX_IMAGE) $(GLIBC_IMAGE)
images-busybox: $(BUSYBOX_IMAGE)
images-glibc: $(GLIBC_IMAGE)
musl-sysroot: $(MUSL_SYSROOT_STAMP)
busybox-bin: $(BUSYBOX_BIN)

images-clean:
	rm -rf $(IMAGES_DIR)

# Only our own subdirectories of CACHE, never CACHE itself.
images-cache-clean:
	rm -rf $(MUSL_SRC_DIR) $(MUSL_SYSROOT) $(MUSL_SYSROOT).tmp $(BUSYBOX_SRC_DIR)

images-vars:
	@echo "MUSL_GCC=$(MUSL_GCC)"
	@echo "MUSL_SYSROOT=$(MUSL_SYSROOT)"
	@echo "MUSL_SYSROOT_STAMP=$(MUSL_SYSROOT_STAMP)"
	@echo "BUSYBOX_BIN=$(BUSYBOX_BIN)"
	@echo "BUSYBOX_IMAGE=$(BUSYBOX_IMAGE) BUSYBOX_IMAGE_DIR=$(BUSYBOX_IMAGE_DIR)"
	@echo "GLIBC_IMAGE=$(GLIBC_IMAGE) GLIBC_IMAGE_DIR=$(GLIBC_IMAGE_DIR)"
	@echo "GLIBC_IMAGE_EXTRA=$(GLIBC_IMAGE_EXTRA)"

# ---------------------------------------------------------------- musl
# Unpacked with dpkg-source, which applies Debian's patch series (musl
# 1.2.3-1 happens to have none).  --no-check: apt-get already verified the
# files against the signed archive index; checking the .dsc's own signature
# would need the debian-keyring package.
$(MUSL_SRC)/.friscy-unpacked:
	@echo "  FETCH   musl $(MUSL_VERSION) (Debian source package)"
	@set -e; $(call _images_fetch,musl,$(MUSL_VERSION),$(MUSL_SRC_DIR)); \
	rm -rf $(MUSL_SRC) $(MUSL_SRC).tmp; \
	dpkg-source -q --no-check -x "$$dsc" $(MUSL_SRC).tmp; \
	touch $(MUSL_SRC).tmp/.friscy-unpacked; mv $(MUSL_SRC).tmp $(MUSL_SRC)

# Installed into a temporary sysroot that is renamed into place, and the
# stamp written last, so an interrupted build is never mistaken for a good
# one.  Besides musl itself the sysroot gets:
#  - ld-musl-riscv64.so.1 as a relative link (musl installs /lib/libc.so,
#    which outside a chroot points at the host)
#  - the Linux UAPI headers of linux-libc-dev-riscv64-cross (linux/, asm/,
#    mtd/ ...); libc-independent, needed by busybox and by tests.  musl's
#    own headers win where both have a file (scsi/).
#  - musl's specs file, generated by musl's own script for this sysroot,
#    and bin/musl-gcc, the same one-line wrapper musl would install.
$(MUSL_SYSROOT_STAMP): $(MUSL_SRC)/.friscy-unpacked
	@sh $(DEPS_SH)
	@echo "  BUILD   musl $(MUSL_VERSION) -> $(MUSL_SYSROOT)"
	@set -e; umask 022; b=$(MUSL_SRC_DIR)/build-$(MUSL_VERSION); t=$(MUSL_SYSROOT).tmp; \
	rm -rf $$b $$t; mkdir -p $$b; cd $$b; \
	run() { log=$$1; shift; "$$@" >$$log 2>&1 || { tail -n 30 $$log >&2; \
		echo "images.mk: musl build step failed, full log: $$b/$$log" >&2; exit 1; }; }; \
	run configure.log $(_IMAGES_ENV) CROSS_COMPILE=$(IMAGES_CROSS) CC=$(IMAGES_CROSS)gcc \
		$(MUSL_SRC)/configure --target=riscv64-linux-musl --prefix=/ --syslibdir=/lib --disable-wrapper; \
	run build.log $(_IMAGES_ENV) make -j$(IMAGES_JOBS); \
	run install.log $(_IMAGES_ENV) make install DESTDIR=$$t; \
	ln -sfn libc.so $$t/lib/ld-musl-riscv64.so.1; \
	hdrs=$$(dpkg -L linux-libc-dev-riscv64-cross | sed -n 's|^$(GLIBC_SYSROOT)/include/||p'); \
	[ -n "$$hdrs" ] || { echo "images.mk: no kernel headers from linux-libc-dev-riscv64-cross" >&2; exit 1; }; \
	printf '%s\n' "$$hdrs" | tar -C $(GLIBC_SYSROOT)/include --no-recursion -cf - -T - | \
		tar -C $$t/include --skip-old-files -xf -; \
	sh $(MUSL_SRC)/tools/musl-gcc.specs.sh $(MUSL_SYSROOT)/include $(MUSL_SYSROOT)/lib \
		$(MUSL_LDSO) > $$t/lib/musl-gcc.specs; \
	mkdir -p $$t/bin; \
	printf '%s\n' '#!/bin/sh' \
		'# musl-gcc for riscv64 (generated by friscy mk/images.mk): the Debian cross' \
		'# gcc, pointed at this sysroot by musl'"'"'s specs file.  Builds dynamic' \
		'# executables (interpreter $(MUSL_LDSO)) or, with -static, static ones.' \
		'exec "$${REALGCC:-$(IMAGES_CROSS)gcc}" "$$@" -specs "$(MUSL_SYSROOT)/lib/musl-gcc.specs"' \
		> $$t/bin/musl-gcc; \
	chmod 755 $$t/bin/musl-gcc; \
	rm -rf $(MUSL_SYSROOT); mv $$t $(MUSL_SYSROOT); \
	printf 'int main(void){return 0;}\n' > $$b/t.c; \
	$(MUSL_GCC) -o $$b/t-dyn $$b/t.c && $(MUSL_GCC) -static -o $$b/t-static $$b/t.c || \
		{ echo "images.mk: the fresh musl-gcc cannot link a trivial program" >&2; exit 1; }; \
	touch $@

# ---------------------------------------------------------------- busybox
# Debian's patches are applied one by one, like quilt would, but a patch
# that does not apply is reported and skipped instead of failing the build
# (all 15 of 1.35.0-4+deb12u1 apply); .friscy-patches.log in the source
# tree records what happened.  Fetches run one after the other (order-only
# prerequisite) so that two `apt-get source` never race under make -j.
$(BUSYBOX_SRC)/.friscy-unpacked: | $(MUSL_SRC)/.friscy-unpacked
	@echo "  FETCH   busybox $(BUSYBOX_VERSION) (Debian source package)"
	@set -e; $(call _images_fetch,busybox,$(BUSYBOX_VERSION),$(BUSYBOX_SRC_DIR)); \
	rm -rf $(BUSYBOX_SRC) $(BUSYBOX_SRC).tmp; \
	dpkg-source -q --no-check --skip-patches -x "$$dsc" $(BUSYBOX_SRC).tmp; \
	cd $(BUSYBOX_SRC).tmp; : > .friscy-patches.log; \
	for p in $$(sed -e 's/#.*//' debian/patches/series | awk 'NF { print $$1 }'); do \
		if patch -p1 -N -s -f --dry-run < debian/patches/$$p >/dev/null 2>&1; then \
			patch -p1 -N -s -f < debian/patches/$$p >/dev/null; \
			echo "applied $$p" >> .friscy-patches.log; \
		else \
			echo "  busybox: skipping Debian patch $$p (does not apply)"; \
			echo "skipped $$p" >> .friscy-patches.log; \
		fi; \
	done; \
	echo "          $$(grep -c ^applied .friscy-patches.log) Debian patches applied, $$(grep -c ^skipped .friscy-patches.log) skipped ($(BUSYBOX_SRC)/.friscy-patches.log)"; \
	touch .friscy-unpacked; mv $(BUSYBOX_SRC).tmp $(BUSYBOX_SRC)

# Out-of-tree (O=) build so the patched source stays pristine and can serve
# several configs.  CC is the musl wrapper; CROSS_COMPILE still supplies
# strip/objcopy.  BB_EXTRA_VERSION (Debian's version.patch) replaces the
# build timestamp in the banner, which keeps the binary reproducible.
$(BUSYBOX_BIN): $(BUSYBOX_SRC)/.friscy-unpacked $(MUSL_SYSROOT_STAMP)
	@echo "  BUILD   busybox $(BUSYBOX_VERSION) with musl $(MUSL_VERSION) -> $@"
	@set -e; o=$(BUSYBOX_OBJ); rm -rf $$o; mkdir -p $$o; \
	bb() { $(_IMAGES_ENV) make -C $(BUSYBOX_SRC) O=$$o CROSS_COMPILE=$(IMAGES_CROSS) \
		CC=$(MUSL_GCC) KCONFIG_NOTIMESTAMP=1 \
		BB_EXTRA_VERSION="friscy, musl $(MUSL_VERSION)" "$$@"; }; \
	run() { log=$$1; shift; "$$@" >$$o/$$log 2>&1 || { tail -n 30 $$o/$$log >&2; \
		echo "images.mk: busybox build step failed, full log: $$o/$$log" >&2; exit 1; }; }; \
	run defconfig.log bb defconfig; \
	for kv in $(BUSYBOX_CONFIG); do \
		k=$${kv%%=*}; v=$${kv#*=}; \
		sed -i -e "/^$$k=/d" -e "/^# $$k is not set/d" $$o/.config; \
		if [ "$$v" = n ]; then echo "# $$k is not set"; else echo "$$k=$$v"; fi >> $$o/.config; \
	done; \
	yes '' | run oldconfig.log bb oldconfig; \
	for kv in $(BUSYBOX_CONFIG); do \
		k=$${kv%%=*}; v=$${kv#*=}; \
		if [ "$$v" = n ]; then ! grep -q "^$$k=" $$o/.config; \
		else grep -qxF "$$k=$$v" $$o/.config; fi || \
			{ echo "images.mk: busybox config did not keep $$kv (see $$o/.config)" >&2; exit 1; }; \
	done; \
	run build.log bb -j$(IMAGES_JOBS); \
	$(IMAGES_CROSS)readelf -l $$o/busybox | grep -qF '$(MUSL_LDSO)' || \
		{ echo "images.mk: $$o/busybox is not linked against $(MUSL_LDSO)" >&2; exit 1; }; \
	cp $$o/busybox $@.tmp; mv $@.tmp $@

# ---------------------------------------------------------------- busybox image
# Applet links are relative (../bin/busybox): qemu-riscv64 -L would resolve
# an absolute link target on the host, not inside the image directory.
# The applet list comes from the binary itself (busybox --list-full), run
# under qemu inside the half-built root, so it also proves that busybox and
# musl's dynamic loader work.  Everything is staged in DIR.tmp first.
$(BUSYBOX_IMAGE) $(BUSYBOX_IMAGE_DIR)/bin/busybox &: $(BUSYBOX_BIN) $(MUSL_SYSROOT_STAMP) $(IMAGES_MK)
	@sh $(DEPS_SH)
	@echo "  IMAGE   $(BUSYBOX_IMAGE)"
	@set -e; umask 022; d=$(BUSYBOX_IMAGE_DIR); t=$$d.tmp; rm -rf $$t; \
	mkdir -p $$t; cd $$t; \
	mkdir -p bin sbin lib etc usr/bin usr/sbin usr/lib root home dev proc sys tmp var/tmp; \
	chmod 1777 var/tmp; \
	cp $(BUSYBOX_BIN) bin/busybox; chmod 755 bin/busybox; \
	cp $(MUSL_SYSROOT)/lib/libc.so lib/ld-musl-riscv64.so.1; chmod 755 lib/ld-musl-riscv64.so.1; \
	ln -s ld-musl-riscv64.so.1 lib/libc.musl-riscv64.so.1; \
	$(call _images_etc,.); \
	cd $(CURDIR); \
	$(QEMU_RISCV64) -L $$t $$t/bin/busybox --list-full > $$t.applets || \
		{ echo "images.mk: cannot run busybox under $(QEMU_RISCV64) -L $$t" >&2; exit 1; }; \
	n=0; while read -r a; do \
		case "$$a" in ''|bin/busybox) continue ;; esac; \
		up=$$(echo "$$a" | sed -e 's|[^/]*/|../|g' -e 's|[^/]*$$||'); \
		mkdir -p $$t/$$(dirname "$$a"); ln -sf "$${up}bin/busybox" "$$t/$$a"; n=$$((n+1)); \
	done < $$t.applets; \
	[ "$$n" -gt 100 ] || { echo "images.mk: busybox listed only $$n applets" >&2; exit 1; }; \
	rm -f $$t.applets; rm -rf $$d; mv $$t $$d; \
	echo "          $$n applet links"
	@$(call _images_tar,$(BUSYBOX_IMAGE_DIR),$(BUSYBOX_IMAGE))

# ---------------------------------------------------------------- glibc image
_glibc_extra_files := $(if $(GLIBC_IMAGE_EXTRA),$(shell find $(GLIBC_IMAGE_EXTRA) \( -type f -o -type l \) 2>/dev/null | LC_ALL=C sort))
GLIBC_IMAGE_EXTRA_DEPS ?= $(_glibc_extra_files)
_glibc_extra_sig := $(GLIBC_IMAGE_EXTRA): $(_glibc_extra_files)

# Rewritten (while make reads this file) only when GLIBC_IMAGE_EXTRA or its
# file list changes, so the image is rebuilt when a file is added or removed
# there, not on every run.  Done at parse time rather than by a forced rule
# so that `make -n` / `make -q` stay truthful.
$(shell printf '%s\n' '$(_glibc_extra_sig)' | cmp -s - $(IMAGES_DIR)/.glibc-extra 2>/dev/null || \
	{ mkdir -p $(IMAGES_DIR) && printf '%s\n' '$(_glibc_extra_sig)' > $(IMAGES_DIR)/.glibc-extra; })

# Debian's layout: the libraries in /lib/riscv64-linux-gnu (the first
# directory in this ld.so's built-in search path), the loader reachable at
# the PT_INTERP path /lib/ld-linux-riscv64-lp64d.so.1.  Only run-time
# files (*.so.N...), not the .a/.o/linker scripts of the -dev package.
# Running libc.so.6 (it prints its version) checks loader + libc under qemu.
$(GLIBC_IMAGE) $(GLIBC_IMAGE_DIR)/lib/riscv64-linux-gnu/libc.so.6 &: $(IMAGES_MK) \
		$(IMAGES_DIR)/.glibc-extra $(GLIBC_IMAGE_EXTRA_DEPS)
	@sh $(DEPS_SH)
	@echo "  IMAGE   $(GLIBC_IMAGE)"
	@set -e; umask 022; d=$(GLIBC_IMAGE_DIR); t=$$d.tmp; s=$(GLIBC_SYSROOT)/lib; rm -rf $$t; \
	[ -f $$s/$(GLIBC_LDSO) ] && [ -f $$s/libc.so.6 ] || \
		{ echo "images.mk: no riscv64 glibc in $$s (libc6-riscv64-cross missing?)" >&2; exit 1; }; \
	mkdir -p $$t/lib/riscv64-linux-gnu $$t/usr/lib/riscv64-linux-gnu $$t/usr/bin $$t/bin \
		$$t/etc $$t/root $$t/home $$t/dev $$t/proc $$t/sys $$t/tmp; \
	n=0; for f in $$s/*.so.[0-9]*; do \
		b=$${f##*/}; skip=; \
		for pat in $(GLIBC_IMAGE_SKIP); do case "$$b" in $$pat) skip=1 ;; esac; done; \
		[ -n "$$skip" ] || { cp -P "$$f" $$t/lib/riscv64-linux-gnu/; n=$$((n+1)); }; \
	done; \
	ln -s riscv64-linux-gnu/$(GLIBC_LDSO) $$t/lib/$(GLIBC_LDSO); \
	$(call _images_etc,$$t); \
	printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' > $$t/etc/nsswitch.conf; \
	if [ -n "$(GLIBC_IMAGE_EXTRA)" ]; then \
		[ -d "$(GLIBC_IMAGE_EXTRA)" ] || \
			{ echo "images.mk: GLIBC_IMAGE_EXTRA=$(GLIBC_IMAGE_EXTRA) is not a directory" >&2; exit 1; }; \
		cp -R -P "$(GLIBC_IMAGE_EXTRA)/." $$t/; \
	fi; \
	$(QEMU_RISCV64) -L $$t $$t/lib/riscv64-linux-gnu/libc.so.6 | grep -q 'GNU C Library' || \
		{ echo "images.mk: glibc image does not run under $(QEMU_RISCV64) -L $$t" >&2; exit 1; }; \
	rm -rf $$d; mv $$t $$d; \
	echo "          $$n libraries$(if $(GLIBC_IMAGE_EXTRA), + $(GLIBC_IMAGE_EXTRA))"
	@$(call _images_tar,$(GLIBC_IMAGE_DIR),$(GLIBC_IMAGE))

# ---------------------------------------------------------------- goal
ifeq ($(_images_standalone),yes)
.DEFAULT_GOAL := images
else
.DEFAULT_GOAL := $(_images_prev_goal)
endif
