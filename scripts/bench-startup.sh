#!/usr/bin/env bash
# Measures `thaw serve` startup as a client sees it: from exec to the initialize reply on stdout, N
# times, and the resident memory (VmRSS) of the idle server afterwards.
#
# Usage: scripts/bench-startup.sh [-n N] [-i IDLE_SECONDS] [-b 'BASELINE COMMAND'] [COMMAND...]
#   COMMAND   what to start (default: ./thaw serve, i.e. the launcher with its class-data archive)
#   -b        a second command, run alternately with the first in the same window; the report gives
#             both medians and their ratio (this 2-core machine is shared: absolute numbers move with
#             its load, ratios much less)
#   -i        how long the server idles before its RSS is read (default 8 s: past the javac warm-up
#             the server schedules 3 s after start)
# Example: scripts/bench-startup.sh -n 15 -b 'java -jar mcp-server/target/thaw.jar serve'
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n=10
idle=8
baseline=""
while getopts "n:i:b:" opt; do
  case "$opt" in
    n) n="$OPTARG" ;;
    i) idle="$OPTARG" ;;
    b) baseline="$OPTARG" ;;
    *) sed -n '2,13p' "$0" >&2; exit 64 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
  set -- "$here/thaw" serve
  "$here/thaw" --version >/dev/null || exit 1 # builds the jar and trains the archive if needed
fi
candidate="$*"

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT

# One start: prints "MILLISECONDS RSS_KB CPU_MS" (RSS only when asked, else 0). CPU_MS is the user +
# system time the server used until its reply: under load the wall time mostly measures waiting for a
# CPU, the CPU time much less so.
one_run() {
  local cmd="$1" want_rss="$2"
  local start end reply rss=0
  start=$(date +%s%N)
  coproc SERVER { XDG_STATE_HOME="$state" exec $cmd 2>/dev/null; }
  printf '%s\n' "$init" >&"${SERVER[1]}"
  IFS= read -r -t 120 reply <&"${SERVER[0]}"
  end=$(date +%s%N)
  local cpu
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz}' "/proc/$SERVER_PID/stat")
  case "$reply" in
    *'"serverInfo"'*) ;;
    *) echo "unexpected reply from '$cmd': $reply" >&2; kill "$SERVER_PID" 2>/dev/null; exit 1 ;;
  esac
  if [ "$want_rss" = 1 ]; then
    sleep "$idle"
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
  fi
  local pid=$SERVER_PID
  exec {SERVER[1]}>&- # stdin EOF: the server exits
  wait "$pid" 2>/dev/null
  echo "$(( (end - start) / 1000000 )) $rss $cpu"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%d", m}'; }
minmax() { printf '%s\n' "$@" | sort -n | awk 'NR==1{min=$1} {max=$1} END {printf "min %d, max %d", min, max}'; }

cand_times=()
base_times=()
cand_cpu=()
base_cpu=()
one_run "$candidate" 0 >/dev/null # the first start after a build pays for cold caches: not counted
[ -n "$baseline" ] && one_run "$baseline" 0 >/dev/null
for _ in $(seq 1 "$n"); do
  read -r t _ c < <(one_run "$candidate" 0)
  cand_times+=("$t"); cand_cpu+=("$c")
  if [ -n "$baseline" ]; then
    read -r t _ c < <(one_run "$baseline" 0)
    base_times+=("$t"); base_cpu+=("$c")
  fi
done
cand_rss=$(one_run "$candidate" 1 | cut -d' ' -f2)

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "candidate: $candidate"
echo "  exec -> initialize reply, $n runs: median $(median "${cand_times[@]}") ms ($(minmax "${cand_times[@]}"))"
echo "  CPU time (user+sys) until the reply: median $(median "${cand_cpu[@]}") ms"
echo "  idle RSS ${idle} s after the reply: $((cand_rss / 1024)) MB"
if [ -n "$baseline" ]; then
  base_rss=$(one_run "$baseline" 1 | cut -d' ' -f2)
  echo "baseline: $baseline"
  echo "  exec -> initialize reply, $n runs: median $(median "${base_times[@]}") ms ($(minmax "${base_times[@]}"))"
  echo "  CPU time (user+sys) until the reply: median $(median "${base_cpu[@]}") ms"
  echo "  idle RSS ${idle} s after the reply: $((base_rss / 1024)) MB"
  awk -v c="$(median "${cand_times[@]}")" -v b="$(median "${base_times[@]}")" \
    'BEGIN {printf "ratio candidate/baseline (median wall time): %.2f\n", c / b}'
  awk -v c="$(median "${cand_cpu[@]}")" -v b="$(median "${base_cpu[@]}")" \
    'BEGIN {printf "ratio candidate/baseline (median CPU time): %.2f\n", c / b}'
fi
