#!/bin/sh
# mk/deps.sh - install the Debian packages the friscy build needs.
#
# Usage: sh mk/deps.sh [--src] [--web] [--browser] [--list] [--help]
#
#   (no flag)  make sure every package in PACKAGES is installed.
#   --src      additionally make sure apt knows Debian *source* packages
#              (a deb-src entry plus its downloaded index), so that
#              `apt-get source` works.  mk/images.mk calls this before it
#              fetches musl and busybox.
#   --web      also the WebAssembly toolchain (WEB_PACKAGES); mk/web.mk
#              calls this before it runs emcc.
#   --browser  also Debian's chromium (BROWSER_PACKAGES), for the browser
#              test (tests/web/).
#   --list     print the package list (with --web first: including those).
#
# The build calls this script on every run, so the common case (everything
# already present) must stay silent and cheap: a single dpkg-query, no apt.
# apt-get only runs when something is actually missing, and `apt-get update`
# at most once per invocation.
set -eu

# Why each package is here:
#   gcc/g++-riscv64-linux-gnu, libc6-dev-riscv64-cross: cross compilers and
#       Debian's riscv64 glibc (also the source of the glibc test image and of
#       the Linux UAPI headers we copy into the musl sysroot)
#   qemu-user:      reference riscv64 emulator; runs the built images to list
#                   busybox applets and to check the images work
#   libelf-dev:     ELF parsing for the runtime/bundler
#   binaryen, wabt: wasm-opt / wasm2wat etc. for the WebAssembly build
#   dpkg-dev:       dpkg-source, which unpacks Debian source packages
#   patch, make:    applying Debian's busybox patches; the build itself
#                   (both normally present, listed so a bare box works)
#   xz-utils, bzip2: Debian source tarballs are .xz / .bz2
#   python3:        build helper scripts
PACKAGES="gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross
qemu-user libelf-dev binaryen wabt dpkg-dev patch make xz-utils bzip2 python3"
# With --web:
#   emscripten:     emcc, for runtime.wasm and make bench's reference column
#                   (the C benchmarks straight to wasm) (Debian's 3.1.6;
#                   brings nodejs)
#   node-acorn:     the JS parser emcc's optimizer passes need (Debian's
#                   emscripten does not depend on it)
WEB_PACKAGES="emscripten node-acorn"
# With --browser:
#   chromium:       the headless browser the page test drives through
#                   playwright-core (npm), which brings no browser of its own.
#   (npm itself comes with the machine's node; Debian's npm package would
#   fight a nodesource node over /usr/bin/npm, so it is not listed.)
BROWSER_PACKAGES="chromium"

SRC_LIST=/etc/apt/sources.list.d/friscy-src.sources

die() { echo "deps.sh: error: $*" >&2; exit 1; }
say() { echo "deps.sh: $*" >&2; }

want_src=0
for arg in "$@"; do
    case "$arg" in
        --src) want_src=1 ;;
        --web) PACKAGES="$PACKAGES $WEB_PACKAGES" ;;
        --browser) PACKAGES="$PACKAGES $BROWSER_PACKAGES" ;;
        --list) echo "$PACKAGES" | tr '\n' ' ' | sed 's/ $/\n/'; exit 0 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

command -v dpkg-query >/dev/null 2>&1 ||
    die "dpkg-query not found: this script only knows Debian/Ubuntu (apt)"

# Run privileged commands directly as root, through sudo otherwise; without
# either we can only tell the user what to do.
if [ "$(id -u)" -eq 0 ]; then
    as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    as_root() { sudo "$@"; }
else
    as_root() { die "need root to run: $*"; }
fi

# apt-get update at most once per run of this script.
updated=0
apt_update() {
    [ "$updated" -eq 1 ] && return 0
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        die "apt-get update failed (is the Debian archive reachable?)"
    updated=1
}

# True if some apt source already provides deb-src lines (ours or the
# admin's, in either the deb822 or the one-line format).
have_deb_src() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -Eqs '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && grep -Eqis '^Types:.*deb-src' "$f" && return 0
    done
    return 1
}

# True if apt has downloaded a source index (apt-get source needs it; a
# deb-src entry that was never followed by apt-get update is not enough).
have_src_index() {
    for f in /var/lib/apt/lists/*_source_Sources*; do
        [ -e "$f" ] && return 0
    done
    return 1
}

ensure_src() {
    if ! have_deb_src; then
        # Same suites as the binary archive; the codename comes from the
        # running system so the file stays right if the box is upgraded.
        # shellcheck disable=SC1091
        codename=$( . /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}" )
        [ -n "$codename" ] || die "cannot tell the Debian codename from /etc/os-release"
        say "adding deb-src entry $SRC_LIST ($codename)"
        printf '%s\n' \
            "Types: deb-src" \
            "URIs: http://deb.debian.org/debian" \
            "Suites: $codename $codename-updates" \
            "Components: main" \
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
            as_root tee "$SRC_LIST" >/dev/null
        apt_update
    elif ! have_src_index; then
        apt_update
    fi
}

# One dpkg-query for all packages; a package dpkg never heard of prints
# nothing on stdout (just a complaint on stderr, which we drop).
find_missing() {
    # shellcheck disable=SC2086
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PACKAGES 2>/dev/null || true)
    missing=""
    for p in $PACKAGES; do
        printf '%s\n' "$installed" | grep -qx "$p install ok installed" ||
            missing="$missing $p"
    done
}

src_ready() { have_deb_src && have_src_index; }

find_missing
if [ -z "$missing" ] && { [ "$want_src" -eq 0 ] || src_ready; }; then
    exit 0      # the common case: nothing to do
fi

# `make -j` can start several of us at once on a fresh machine; apt would
# fail on its lock, so take turns and look again once it is our turn.
if command -v flock >/dev/null 2>&1; then
    exec 9>"${TMPDIR:-/tmp}/friscy-deps.lock"
    flock 9
    find_missing
fi

if [ -n "$missing" ]; then
    say "installing:$missing"
    # Source entries are only needed for apt-get source, but if we are
    # going to update anyway, do it once for both.
    [ "$want_src" -eq 1 ] && ensure_src
    apt_update
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        die "apt-get install failed for:$missing"
fi

[ "$want_src" -eq 1 ] && ensure_src
exit 0
