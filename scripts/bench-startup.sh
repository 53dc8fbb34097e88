#!/usr/bin/env bash
# Measures `thaw serve` startup: from exec to the initialize reply on stdout, over N runs.
# Usage: scripts/bench-startup.sh [N]   (builds the jar first through ./thaw if needed)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-10}"
"$here/thaw" --version >/dev/null
jar="$here/mcp-server/target/thaw.jar"
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
state="$(mktemp -d)"
times=()
for _ in $(seq 1 "$n"); do
  start=$(date +%s%N)
  # stdin stays open a little while (the server exits on EOF); the clock stops when the reply line arrives.
  { printf '%s\n' "$init"; sleep 2; } | XDG_STATE_HOME="$state" java -jar "$jar" serve 2>/dev/null \
    | { IFS= read -r reply; date +%s%N > "$state/end"; printf '%s' "$reply" > "$state/reply"; cat >/dev/null; }
  end=$(cat "$state/end")
  case "$(cat "$state/reply")" in *'"serverInfo"'*) ;; *) echo "unexpected reply: $(cat "$state/reply")" >&2; exit 1 ;; esac
  times+=($(( (end - start) / 1000000 )))
done
rm -rf "$state"
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "thaw serve: exec -> initialize reply, $n runs (ms): min ${sorted[0]}, median ${sorted[$((n / 2))]}, max ${sorted[$((n - 1))]}"
