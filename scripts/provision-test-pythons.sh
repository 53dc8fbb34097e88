#!/usr/bin/env bash
# Provision the Python interpreters and the extra JDKs (8, 11, 21) that thaw's
# integration tests attach to.
#
# The host is Debian 12 (bookworm), which ships none of the Pythons thaw
# targets (3.14+ for the remote-debugging protocol, 3.13 as the "too old"
# case, 3.15 as "newer than we know"), and PyPI is not reachable. Debian sid
# has all three, so we debootstrap a minimal sid root and run the interpreters
# chrooted into it. Launchers `exec chroot ROOT /usr/bin/python3.X "$@"`, so
# the pid a test gets back from starting a launcher is the Python process
# itself (sh -> chroot -> python is one exec chain, one pid).
#
# The same root also carries headless JREs 8, 11 and 21 (bookworm has only
# 17): homes $THAW_SID_JDKS/<N> hold a `release` file and a bin/java that
# `exec chroot ROOT /usr/lib/jvm/.../bin/java "$@"`, so a test starts a JVM
# that lives in another mount root (a real deployment shape: the attach
# socket, hsperfdata and class path are only reachable through
# /proc/PID/root). The host's /var/tmp is bind-mounted at the root's /var/tmp
# so test class directories copied there are visible on both sides.
#
# Everything is cached outside the work tree (default /var/lib/thaw), so a
# second run only re-checks the stamp and the mounts and returns at once.
# After a reboot the root is still there but its mounts are gone; the fast
# path puts them back.
#
# Usage: sudo scripts/provision-test-pythons.sh [--force] [--help]
#
# Environment:
#   THAW_SID_ROOT       where the sid root lives      (default /var/lib/thaw/sid)
#   THAW_TEST_PYTHONS   where the launchers are put   (default /var/lib/thaw/bin)
#                       -- the one variable the tests read to find interpreters.
#   THAW_SID_JDKS       where the JDK homes are put   (default /var/lib/thaw/jdk)
#   THAW_DEBIAN_MIRROR  Debian mirror  (default http://deb.debian.org/debian)
#   THAW_DEBOOTSTRAP_NO_CHECK_GPG=1
#                       last resort if the host's debian-archive-keyring cannot
#                       verify sid's Release file (insecure; off by default).
set -euo pipefail

PROG=${0##*/}

# Bump when the layout of the root, the launchers or the stamp changes, so
# that old caches are re-verified (and the root rebuilt if the package list
# changed) instead of trusted.
STAMP_FORMAT=1

PY_VERSIONS=(3.13 3.14 3.15)
# python3-gevent gives the tests a greenlet-based program to inspect.
# Nothing else is needed: python3.X pulls in its own stdlib, and the tests
# never touch the network (so no ca-certificates).
INCLUDE_PKGS=(python3.13 python3.14 python3.15 python3-gevent)
SUITE=sid

# Target JDKs the host lacks (bookworm ships 17; Temurin 25 comes from
# elsewhere). JREs only: the tests compile their targets with the host's
# javac (--release 8) and thaw needs nothing from the target's JDK tools.
# They are installed with apt inside the root after debootstrap, as a layer
# of its own with its own marker and stamp (jdks.txt), so an old root gains
# them without a rebuild, and a worktree still running the previous version
# of this script (same base marker and versions.txt) neither rebuilds the
# root nor rewrites the JDK stamp.
JDK_FORMAT=1
JDK_VERSIONS=(8 11 21)
JDK_PKGS=(openjdk-8-jre-headless openjdk-11-jre-headless openjdk-21-jre-headless)

usage() {
    cat <<EOF
Usage: sudo scripts/$PROG [--force] [--help]

Builds (once) a minimal Debian $SUITE root with Python ${PY_VERSIONS[*]},
python3-gevent and headless JREs ${JDK_VERSIONS[*]}, mounts /proc, /dev and
/var/tmp inside it, writes launchers python3.X into \$THAW_TEST_PYTHONS and
JDK homes (release file + bin/java launcher) into \$THAW_SID_JDKS/<N>. Later runs only check the cache and the
mounts, and return within a fraction of a second.

  --force   rebuild the root and the launchers from scratch
  --help    show this text

Environment (defaults in brackets):
  THAW_SID_ROOT      [/var/lib/thaw/sid]
  THAW_TEST_PYTHONS  [/var/lib/thaw/bin]
  THAW_SID_JDKS      [/var/lib/thaw/jdk]
  THAW_DEBIAN_MIRROR [http://deb.debian.org/debian]
  THAW_DEBOOTSTRAP_NO_CHECK_GPG=1  skip signature checks (last resort)

Must run as root (debootstrap, mount and chroot all need it), and the tests
must run as root too, since the launchers call chroot.
EOF
}

die() { echo "$PROG: error: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

FORCE=0
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        --force) FORCE=1 ;;
        *) echo "$PROG: unknown option: $arg" >&2; usage >&2; exit 2 ;;
    esac
done

[ "$(id -u)" -eq 0 ] || die "run as root: sudo scripts/$PROG"

# Canonical paths: the tests compare /proc/PID/root and /proc/PID/exe (which
# the kernel reports resolved) against these, and the mount checks need them
# to match /proc/self/mountinfo.
ROOT=$(realpath -m -- "${THAW_SID_ROOT:-/var/lib/thaw/sid}")
BIN=$(realpath -m -- "${THAW_TEST_PYTHONS:-/var/lib/thaw/bin}")
JDKS=$(realpath -m -- "${THAW_SID_JDKS:-/var/lib/thaw/jdk}")
MIRROR=${THAW_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$ROOT" != / ] || die "THAW_SID_ROOT must not be /"
PARENT=$(dirname -- "$ROOT")
STAMP="$PARENT/versions.txt"
# Written inside the root just before it is renamed into place: a root
# without it (or with another package list) is not one of ours.
ROOT_MARKER_NAME=.thaw-provisioned
ROOT_MARKER_TEXT="format=$STAMP_FORMAT suite=$SUITE include=$(IFS=,; echo "${INCLUDE_PKGS[*]}")"
# The fast path trusts the stamp only if it was written for this very setup.
CONFIG_KEY="$ROOT_MARKER_TEXT root=$ROOT bin=$BIN"
# The JDK layer: its marker inside the root, its stamp beside versions.txt.
JDK_MARKER_NAME=.thaw-jdks
JDK_MARKER_TEXT="jdk-format=$JDK_FORMAT include=$(IFS=,; echo "${JDK_PKGS[*]}")"
JDK_STAMP="$PARENT/jdks.txt"
JDK_CONFIG_KEY="$JDK_MARKER_TEXT root=$ROOT jdks=$JDKS"

mkdir -p -- "$PARENT" "$BIN" "$JDKS"

# Serialise concurrent runs (e.g. two test JVMs provisioning at once), which
# would otherwise race on debootstrap, mounts and the rename.
exec 9>"$PARENT/.provision.lock"
flock 9

# --- mounts -----------------------------------------------------------------

# Mount points at or below $1, deepest first (so they can be unmounted in
# order). Reads mountinfo directly: findmnt is not needed and this is cheap.
mounts_under() {
    local dir=$1
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
        sort -r
}

# Detach everything mounted inside a root before it is deleted or renamed;
# `rm -rf` on a root with /dev bound into it would otherwise wipe the host's
# /dev. Lazy (-l) so that a test Python still running in the root, which holds
# /dev/null open, cannot make this fail; the mounts vanish from the tree at
# once either way.
unmount_all_under() {
    local dir=$1 mp
    while read -r mp; do
        [ -n "$mp" ] || continue
        [ "$mp" != "$dir" ] || continue
        umount -l -- "$mp" 2>/dev/null || true
    done < <(mounts_under "$dir")
    if [ -n "$(mounts_under "$dir" | grep -vxF -- "$dir" || true)" ]; then
        die "could not unmount everything under $dir; refusing to touch it"
    fi
}

# Delete a root safely: unmount first, then never cross into another file
# system even if something was mounted behind our back.
remove_root() {
    local dir=$1
    [ -e "$dir" ] || return 0
    unmount_all_under "$dir"
    rm -rf --one-file-system -- "$dir"
}

ensure_mounts() {
    # /proc: Python itself barely needs it, but tools run inside the root
    # (and os.cpu_count fallbacks, /proc/self/... lookups) do.
    if ! mountpoint -q -- "$ROOT/proc"; then
        mount -t proc proc "$ROOT/proc"
    fi
    # /dev: a recursive bind of the host's /dev rather than the device nodes
    # debootstrap made, because those need mknod at build time and break on a
    # nodev file system; the bind also brings /dev/shm (multiprocessing
    # semaphores) and /dev/pts. rslave so that unmounting it here can never
    # propagate back to the host's /dev.
    if ! mountpoint -q -- "$ROOT/dev"; then
        mount --rbind /dev "$ROOT/dev"
        mount --make-rslave "$ROOT/dev"
    fi
    # Tests drop scripts and sockets into the root's /tmp.
    if [ "$(stat -c %a -- "$ROOT/tmp")" != 1777 ]; then
        chmod 1777 -- "$ROOT/tmp"
    fi
    # JVM test targets get their classes from copies under /var/tmp
    # (PortableClasspath): the same path must work inside the root.
    if ! mountpoint -q -- "$ROOT/var/tmp"; then
        mkdir -p -- "$ROOT/var/tmp"
        mount --bind /var/tmp "$ROOT/var/tmp"
        mount --make-private "$ROOT/var/tmp"
    fi
}

# --- building the root ------------------------------------------------------

ensure_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    log "installing debootstrap"
    # A fresh machine may have stale or empty package lists: update only when
    # the plain install fails, so the common case costs no network round trip.
    # apt's chatter goes to stderr: stdout carries only the final export line.
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2; then
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2
    fi
}

root_is_complete() {
    [ -f "$ROOT/$ROOT_MARKER_NAME" ] &&
        [ "$(cat -- "$ROOT/$ROOT_MARKER_NAME")" = "$ROOT_MARKER_TEXT" ] || return 1
    local v
    for v in "${PY_VERSIONS[@]}"; do
        [ -x "$ROOT/usr/bin/python$v" ] || return 1
    done
}

BUILD_DIR=
cleanup_build() {
    if [ -n "$BUILD_DIR" ] && [ -e "$BUILD_DIR" ]; then
        log "removing unfinished build $BUILD_DIR"
        remove_root "$BUILD_DIR"
    fi
}

build_root() {
    ensure_debootstrap

    # Leftovers of a run that was killed mid-build (the trap did not get to
    # run) would otherwise pile up beside the root.
    local old
    for old in "$ROOT".build.*; do
        if [ -d "$old" ]; then remove_root "$old"; fi
    done

    # Build beside the final location (same file system, so the rename is
    # atomic) and only rename on success: a half-finished root never sits at
    # $ROOT. An existing root stays usable until the new one is ready.
    BUILD_DIR=$(mktemp -d -- "$ROOT.build.XXXXXX")
    trap cleanup_build EXIT
    chmod 755 -- "$BUILD_DIR"

    local args=(--variant=minbase --include="$(IFS=,; echo "${INCLUDE_PKGS[*]}")")
    if [ "${THAW_DEBOOTSTRAP_NO_CHECK_GPG:-0}" = 1 ]; then
        log "WARNING: THAW_DEBOOTSTRAP_NO_CHECK_GPG=1: NOT verifying the $SUITE archive signature"
        args+=(--no-check-gpg)
    else
        # bookworm's debian-archive-keyring (2023.3+deb12u2) carries the
        # bookworm and trixie automatic signing keys, which sign sid.
        args+=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
    fi

    local logf="$PARENT/debootstrap.log"
    log "debootstrapping $SUITE into $BUILD_DIR (about a minute; log: $logf)"
    if ! debootstrap "${args[@]}" "$SUITE" "$BUILD_DIR" "$MIRROR" >"$logf" 2>&1; then
        tail -n 25 -- "$logf" >&2
        if grep -q "Couldn't find these debs" "$logf"; then
            die "a package in (${INCLUDE_PKGS[*]}) is not in $SUITE any more; see the line above and update INCLUDE_PKGS"
        elif grep -qiE 'Release signed by unknown key|invalid signature|NO_PUBKEY|BADSIG' "$logf"; then
            die "cannot verify the $SUITE archive with the host keyring; try 'apt-get update && apt-get install debian-archive-keyring', or as a last resort THAW_DEBOOTSTRAP_NO_CHECK_GPG=1"
        fi
        die "debootstrap failed; full log in $logf"
    fi

    # Clean up what we do not need: the .deb cache is ~40 MB.
    rm -rf -- "$BUILD_DIR"/var/cache/apt/archives/*.deb
    mkdir -p -- "$BUILD_DIR/proc" "$BUILD_DIR/dev" "$BUILD_DIR/tmp"
    chmod 1777 -- "$BUILD_DIR/tmp"
    printf '%s\n' "$ROOT_MARKER_TEXT" >"$BUILD_DIR/$ROOT_MARKER_NAME"

    # debootstrap unmounts its own /proc and /sys, but make sure nothing is
    # left mounted before the root moves.
    unmount_all_under "$BUILD_DIR"
    remove_root "$ROOT"
    mv -T -- "$BUILD_DIR" "$ROOT"
    BUILD_DIR=
    trap - EXIT
    rm -f -- "$STAMP"
}

# --- the JDK layer ----------------------------------------------------------

# The java binary of JDK N as seen inside the root (Debian's 8 keeps it in jre/).
jdk_java_in_root() {
    local n=$1 d
    for d in "/usr/lib/jvm/java-$n-openjdk-amd64/bin/java" "/usr/lib/jvm/java-$n-openjdk-amd64/jre/bin/java"; do
        if [ -x "$ROOT$d" ]; then echo "$d"; return 0; fi
    done
    return 0
}

jdks_are_installed() {
    [ -f "$ROOT/$JDK_MARKER_NAME" ] &&
        [ "$(cat -- "$ROOT/$JDK_MARKER_NAME")" = "$JDK_MARKER_TEXT" ] || return 1
    local n
    for n in "${JDK_VERSIONS[@]}"; do
        [ -n "$(jdk_java_in_root "$n")" ] || return 1
    done
}

install_jdks() {
    local logf="$PARENT/jdks-apt.log"
    local apt=(/usr/sbin/chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive
        apt-get -y -q -o Dpkg::Use-Pty=0 install --no-install-recommends "${JDK_PKGS[@]}")
    log "installing ${JDK_PKGS[*]} into $ROOT (log: $logf)"
    # The root's package lists date from its debootstrap; sid moves daily, so
    # an old root may point at files the mirror no longer has: then update
    # and retry (a fresh root costs no extra round trip).
    if ! "${apt[@]}" >"$logf" 2>&1; then
        log "install failed with the root's package lists; updating them and retrying"
        if ! /usr/sbin/chroot "$ROOT" apt-get -q update >>"$logf" 2>&1; then
            tail -n 25 -- "$logf" >&2
            die "apt-get update inside $ROOT failed; log in $logf"
        fi
        if ! "${apt[@]}" >>"$logf" 2>&1; then
            tail -n 25 -- "$logf" >&2
            die "cannot install ${JDK_PKGS[*]} in $ROOT (one gone from $SUITE? update JDK_PKGS); log in $logf"
        fi
    fi
    rm -rf -- "$ROOT"/var/cache/apt/archives/*.deb
    printf '%s\n' "$JDK_MARKER_TEXT" >"$ROOT/$JDK_MARKER_NAME"
    rm -f -- "$JDK_STAMP"
}

jdk_homes() {
    local n out=
    for n in "${JDK_VERSIONS[@]}"; do
        out="${out:+$out:}$JDKS/$n"
    done
    echo "$out"
}

# Homes the tests take as JAVA_HOMEs: `release` (JAVA_VERSION, as in a JDK)
# and bin/java, an exec chain into the root (the started pid is the JVM's).
write_jdk_homes_and_stamp() {
    local n inner home tmp out version stamp_tmp
    stamp_tmp=$(mktemp -- "$JDK_STAMP.XXXXXX")
    {
        echo "# Written by scripts/provision-test-pythons.sh -- do not edit."
        echo "config: $JDK_CONFIG_KEY"
    } >"$stamp_tmp"
    for n in "${JDK_VERSIONS[@]}"; do
        inner=$(jdk_java_in_root "$n")
        [ -n "$inner" ] || die "no java of JDK $n in $ROOT/usr/lib/jvm"
        home="$JDKS/$n"
        mkdir -p -- "$home/bin"
        tmp=$(mktemp -- "$home/bin/java.XXXXXX")
        printf '%s\n' '#!/bin/sh' \
            '# Written by scripts/provision-test-pythons.sh -- do not edit.' \
            "# JDK $n of the $SUITE root $ROOT: the JVM runs chrooted there (cwd /)." \
            "exec /usr/sbin/chroot '$ROOT' '$inner' \"\$@\"" >"$tmp"
        chmod 755 -- "$tmp"
        mv -f -- "$tmp" "$home/bin/java"
        out=$("$home/bin/java" -version 2>&1) || die "JDK $n does not run inside $ROOT: $out"
        version=$(printf '%s\n' "$out" | sed -n 's/^[a-z]* version "\([^"]*\)".*/\1/p' | head -n 1)
        [ -n "$version" ] || die "cannot read the version of JDK $n from: $out"
        printf 'JAVA_VERSION="%s"\nTHAW_ROOT="%s"\nTHAW_JAVA_IN_ROOT="%s"\n' "$version" "$ROOT" "$inner" >"$home/release"
        echo "jdk$n: $home $version ($(printf '%s\n' "$out" | sed -n 2p))" >>"$stamp_tmp"
    done
    chmod 644 -- "$stamp_tmp"
    mv -f -- "$stamp_tmp" "$JDK_STAMP"
}

jdk_stamp_is_current() {
    [ -f "$JDK_STAMP" ] && [ "$(sed -n 2p -- "$JDK_STAMP")" = "config: $JDK_CONFIG_KEY" ] || return 1
    local n
    for n in "${JDK_VERSIONS[@]}"; do
        [ -x "$JDKS/$n/bin/java" ] && [ -f "$JDKS/$n/release" ] || return 1
    done
}

# --- launchers --------------------------------------------------------------

write_launchers() {
    local v f tmp
    for v in "${PY_VERSIONS[@]}"; do
        f="$BIN/python$v"
        tmp=$(mktemp -- "$f.XXXXXX")
        # exec all the way down: the launcher's pid becomes chroot's, which
        # execs python, so `$!` of a started launcher is the Python pid that
        # thaw is asked to inspect. chroot chdirs to / and passes the
        # environment through unchanged.
        cat >"$tmp" <<EOF
#!/bin/sh
# Written by scripts/provision-test-pythons.sh -- do not edit.
exec /usr/sbin/chroot '$ROOT' /usr/bin/python$v "\$@"
EOF
        chmod 755 -- "$tmp"
        mv -f -- "$tmp" "$f"   # atomic: a test never runs a half-written launcher
    done
}

# Runs every interpreter once, proves the pid/exe/root properties the tests
# rely on, and writes the stamp that the fast path checks.
verify_and_stamp() {
    local v out tmp
    tmp=$(mktemp -- "$STAMP.XXXXXX")
    {
        echo "# Written by scripts/provision-test-pythons.sh -- do not edit."
        echo "config: $CONFIG_KEY"
    } >"$tmp"

    for v in "${PY_VERSIONS[@]}"; do
        # os.urandom proves /dev works inside the root.
        out=$("$BIN/python$v" -c 'import os, sys; os.urandom(4); print(sys.version.replace("\n", " "))') ||
            die "python$v does not run inside $ROOT"
        echo "python$v: $out" >>"$tmp"
    done

    # gevent is packaged for sid's default python3 only; record which
    # interpreters can import it so tests can skip the others.
    local gevent_ok=()
    for v in "${PY_VERSIONS[@]}"; do
        if out=$("$BIN/python$v" -c 'import gevent; print(gevent.__version__)' 2>/dev/null); then
            gevent_ok+=("python$v=$out")
        fi
    done
    [ "${#gevent_ok[@]}" -gt 0 ] || die "import gevent fails in every interpreter"
    echo "gevent: ${gevent_ok[*]}" >>"$tmp"

    # The launcher's pid must be the Python process, seen from the host with
    # its exe and root inside $ROOT.
    local v0=3.14 pidfile pid printed i
    pidfile=$(mktemp)
    "$BIN/python$v0" -c 'import os, time; print(os.getpid(), flush=True); time.sleep(30)' >"$pidfile" &
    pid=$!
    for i in $(seq 100); do
        [ -s "$pidfile" ] && break
        sleep 0.05
    done
    printed=$(cat -- "$pidfile")
    local exe proot
    exe=$(readlink "/proc/$pid/exe" || true)
    proot=$(readlink "/proc/$pid/root" || true)
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f -- "$pidfile"
    [ "$printed" = "$pid" ] || die "launcher pid $pid != python pid '$printed' (exec chain broken)"
    case "$exe" in
        "$ROOT"/usr/bin/python$v0*) ;;
        *) die "/proc/$pid/exe is '$exe', expected $ROOT/usr/bin/python$v0" ;;
    esac
    [ "$proot" = "$ROOT" ] || die "/proc/$pid/root is '$proot', expected $ROOT"

    chmod 644 -- "$tmp"   # mktemp makes it 0600; tests may read it unprivileged
    mv -f -- "$tmp" "$STAMP"
}

stamp_is_current() {
    [ -f "$STAMP" ] && [ "$(sed -n 2p -- "$STAMP")" = "config: $CONFIG_KEY" ] || return 1
    local v
    for v in "${PY_VERSIONS[@]}"; do
        [ -x "$BIN/python$v" ] || return 1
    done
}

# --- main -------------------------------------------------------------------

if [ "$FORCE" = 1 ] || ! root_is_complete; then
    build_root
fi

ensure_mounts

if [ "$FORCE" = 1 ] || ! jdks_are_installed; then
    install_jdks
fi

if [ "$FORCE" = 1 ] || ! stamp_is_current; then
    write_launchers
    verify_and_stamp
    log "ready; versions in $STAMP:"
    grep -v '^#' -- "$STAMP" | grep -v '^config:' >&2
fi

if [ "$FORCE" = 1 ] || ! jdk_stamp_is_current; then
    write_jdk_homes_and_stamp
    log "JDK homes ready; versions in $JDK_STAMP:"
    grep -v '^#' -- "$JDK_STAMP" | grep -v '^config:' >&2
fi

echo "export THAW_TEST_PYTHONS=$BIN"
echo "export THAW_SID_JDKS=$(jdk_homes)"
