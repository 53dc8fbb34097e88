#!/usr/bin/env bash
# Benchmark of the injection round trip (issue 4, "Performance"): thaw's inject-to-completed time
# (server side, in-process) against the hand-made workflow done by machine (python3.14 -c
# "import sys; sys.remote_exec(PID, path)" through the sid launcher, then polling for the output
# file), interleaved against the same target whose main thread runs a 10 ms sleep loop.
# Needs the test interpreters (scripts/provision-test-pythons.sh) and root (the launchers chroot).
# Writes mcp-server/target/benchmarks/injection.json; docs/injection.md has the numbers.
#
# Usage: scripts/bench-injection.sh [extra maven args, e.g. -o -Dthaw.bench.rounds=200]
#   -Dthaw.bench.randomPhase=true  start each workflow at a random point of the target's sleep slice
#                                  (default: back to back; see InjectionBenchmark.RANDOM_PHASE)
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -q "$@" -pl mcp-server -am test \
    -Dtest=InjectionBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dthaw.bench=true
