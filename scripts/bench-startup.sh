#!/usr/bin/env bash
# Measures `./thaw serve` startup as a client sees it: from exec of the launcher to the initialize
# reply on stdout, over N runs (the launcher, the JVM, the class-data archive, the server).
# Usage: scripts/bench-startup.sh [N]   (builds the jar first through ./thaw if needed)
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-10}"
"$here/thaw" --version >/dev/null || exit 1

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
times=()
for _ in $(seq 1 "$n"); do
  rm -f "$state/end"
  start=$(date +%s%N)
  # stdin stays open until the reply has arrived (the server exits on EOF); the clock stops at the reply.
  { printf '%s\n' "$init"; while [ ! -s "$state/end" ]; do sleep 0.05; done; } | XDG_STATE_HOME="$state" "$here/thaw" serve 2>/dev/null |
    { IFS= read -r reply; date +%s%N >"$state/end"; printf '%s' "$reply" >"$state/reply"; cat >/dev/null; }
  end=$(cat "$state/end")
  case "$(cat "$state/reply")" in
    *'"serverInfo"'*) ;;
    *) echo "unexpected reply: $(cat "$state/reply")" >&2; exit 1 ;;
  esac
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "thaw serve: exec -> initialize reply, $n runs (ms): min ${sorted[0]}, median ${sorted[$((n / 2))]}, max ${sorted[$((n - 1))]}"
