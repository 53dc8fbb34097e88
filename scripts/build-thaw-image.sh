#!/usr/bin/env bash
# Build the thaw image: `thaw serve` (and every other command) in a small local Docker image, for a
# sidecar that shares a target container's PID namespace (`docker run -i --pid=container:TARGET
# --cap-add SYS_PTRACE thaw:latest serve`) or a Kubernetes debug container (`kubectl debug --target`).
# Run through the launcher: `./thaw image` (it builds thaw.jar first).
#
# The image holds only what thaw needs: a Java runtime cut to thaw's modules by jlink (from the JDK
# that runs this script; it must have jlink and jdk.compiler, which compiles Java probes), the jar,
# and the C libraries that runtime links against, copied from this machine. No shell, no package
# manager, no Python: thaw reads Python processes from their memory.
#
# Tags: thaw:latest and thaw:<version>, or only NAME with --tag NAME (the tests use their own).
# Prints the size.
#
# Usage: scripts/build-thaw-image.sh JAR [--tag NAME]
set -euo pipefail

PROG=${0##*/}
jar="${1:?usage: $PROG JAR [--tag NAME]}"
shift
extra_tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) extra_tag="${2:?--tag needs a name}"; shift 2 ;;
    --help|-h) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$PROG: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "thaw image: no Docker engine answers. Install one (Debian: apt-get install docker.io) and start it (dockerd, or systemctl start docker)." >&2
  exit 69
fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ]; then
  jdk="$JAVA_HOME"
else
  jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
if [ ! -x "$jdk/bin/jlink" ]; then
  echo "thaw image: $jdk has no jlink; set JAVA_HOME to a full JDK 17+ (Debian: openjdk-17-jdk-headless)." >&2
  exit 69
fi
version="$(unzip -p "$jar" thaw-build.properties 2>/dev/null | sed -n 's/^version=//p')"
version="${version:-unknown}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/opt/thaw/bin" "$root/tmp" "$root/root" "$root/etc"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

# The modules jdeps finds in the jar, jdk.compiler for Java probes, jdk.unsupported for libraries
# that use sun.misc, jdk.zipfs for reading jars in a target's class path.
modules="java.base,java.desktop,java.instrument,java.naming,java.net.http,java.sql,java.management,jdk.compiler,jdk.unsupported,jdk.zipfs"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --generate-cds-archive --output "$root/opt/thaw/jre" >/dev/null 2>&1 \
  || "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
       --compress=2 --output "$root/opt/thaw/jre" >&2
# `thaw` on PATH without a shell in the image: the jar itself, behind a #! line that runs java with an
# argument file ending in -jar, so the kernel's `java @jvm.args /opt/thaw/bin/thaw ARGS...` runs the
# jar with ARGS (a zip is read from its end, so the line in front does not disturb it). This is what
# lets `kubectl debug ... -- thaw serve` work.
jvm_args='-Xlog:disable -Xlog:all=warning:stderr -XX:TieredStopAtLevel=1 -jar'
printf '%s\n' "$jvm_args" >"$root/opt/thaw/jvm.args"
{ printf '#!/opt/thaw/jre/bin/java @/opt/thaw/jvm.args\n'; cat "$jar"; } >"$root/opt/thaw/bin/thaw"
chmod 0755 "$root/opt/thaw/bin/thaw"

# kill(1): thaw sends a JVM the SIGQUIT that starts its attach listener through it (Java itself can
# send no signal but TERM and KILL). procps' kill needs only libc.
kill_bin="$(readlink -f "$(command -v kill)" 2>/dev/null || true)"
if [ -z "$kill_bin" ] || [ ! -x "$kill_bin" ] || [ "$(basename "$kill_bin")" != kill ]; then
  kill_bin=/usr/bin/kill
fi
if [ ! -x "$kill_bin" ]; then
  echo "thaw image: no kill binary (procps) on this machine; JVM targets would be unreachable from the image. Install procps." >&2
  exit 69
fi
cp -L "$kill_bin" "$root/opt/thaw/bin/kill"

# The C libraries the runtime needs (ldd of every shared object in it), with the dynamic loader.
{
  ldd "$root/opt/thaw/jre/bin/java"
  ldd "$root/opt/thaw/bin/kill"
  find "$root/opt/thaw/jre/lib" -name '*.so' -exec ldd {} \;
} 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  case "$lib" in "$root"*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# libnss for user names (thaw names the users of the processes it lists).
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2; do
  [ -f "$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\n' >"$root/etc/nsswitch.conf"

tag="${extra_tag:-thaw:$version}"
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . | docker import \
  --change 'ENV PATH=/opt/thaw/bin:/opt/thaw/jre/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV HOME=/root' \
  --change 'WORKDIR /root' \
  --change "LABEL org.opencontainers.image.title=thaw org.opencontainers.image.version=$version" \
  --change 'ENTRYPOINT ["/opt/thaw/bin/thaw"]' \
  --change 'CMD ["--help"]' \
  - "$tag" >/dev/null
[ -z "$extra_tag" ] && docker tag "$tag" thaw:latest
size="$(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
also=""
[ -z "$extra_tag" ] && also=" and thaw:latest"
echo "thaw image: built $tag$also ($size)." >&2
[ -n "$extra_tag" ] && exit 0
echo "  sidecar:    docker run -i --rm --pid=container:TARGET --cap-add SYS_PTRACE thaw:latest serve" >&2
echo "  Kubernetes: kubectl debug -it POD --image=thaw:$version --target=CONTAINER --profile=general -- thaw serve  (see docs/containers.md)" >&2
