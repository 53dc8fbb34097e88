#!/usr/bin/env bash
# Build the local Docker image the container tests start their targets from: the Debian sid root
# that scripts/provision-test-pythons.sh made (python3.13/3.14/3.15, gevent, JREs 8/11/21), imported
# as it is (`docker import`: no registry is needed, none is reachable here).
#
# The image is tagged thaw-test-sid:<stamp> and thaw-test-sid:latest, where <stamp> is a hash of the
# root's own stamps (versions.txt, jdks.txt): a rebuilt or upgraded root gets a new image, an unchanged
# one returns at once.
#
# Usage: sudo scripts/build-test-images.sh [--force] [--help]
# Environment: THAW_SID_ROOT (default /var/lib/thaw/sid); prints `export THAW_TEST_IMAGE=thaw-test-sid:<stamp>`.
set -euo pipefail

PROG=${0##*/}
FORMAT=1
force=false
case "${1:-}" in
  --force) force=true ;;
  --help|-h) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "$PROG: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac

ROOT=$(realpath -m -- "${THAW_SID_ROOT:-/var/lib/thaw/sid}")
PARENT=$(dirname -- "$ROOT")
for f in "$PARENT/versions.txt" "$PARENT/jdks.txt"; do
  if [ ! -f "$f" ]; then
    echo "$PROG: $f is missing: provision the sid root first (sudo scripts/provision-test-pythons.sh)." >&2
    exit 1
  fi
done
if ! docker info >/dev/null 2>&1; then
  echo "$PROG: no Docker engine answers (is dockerd running? .ci/run starts it)." >&2
  exit 1
fi

stamp=$( { echo "format=$FORMAT"; cat -- "$PARENT/versions.txt" "$PARENT/jdks.txt"; } | sha256sum | cut -c1-12)
image="thaw-test-sid:$stamp"
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" thaw-test-sid:latest
  echo "export THAW_TEST_IMAGE=$image"
  exit 0
fi

echo "$PROG: importing $ROOT as $image (about a minute)" >&2
started=$(date +%s)
# The root has /proc, /dev and the host's /var/tmp mounted inside it for the chroot launchers; an image
# gets its own from Docker, so their contents stay out.
tar -C "$ROOT" --numeric-owner --xattrs -cf - \
    --exclude=./proc/* --exclude=./dev/* --exclude=./sys/* --exclude=./var/tmp/* --exclude=./tmp/* \
    --exclude=./run/* --exclude=./var/cache/apt/* --exclude=./var/lib/apt/lists/* . \
  | docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change "LABEL dev.thaw.test-image=$stamp" \
      --change 'CMD ["/bin/bash"]' \
      - "$image" >/dev/null
docker tag "$image" thaw-test-sid:latest
echo "$PROG: $image built in $(( $(date +%s) - started )) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
echo "export THAW_TEST_IMAGE=$image"
