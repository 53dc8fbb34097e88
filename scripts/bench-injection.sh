#!/usr/bin/env bash
# Benchmark of the injection round trip (docs/benchmarks.md): thaw's inject-to-completed time
# (server side, in-process) against the hand-made workflow done by machine (python3.14 -c
# "import sys; sys.remote_exec(PID, path)" through the sid launcher, then polling for the output
# file), interleaved against the same target whose main thread runs a 10 ms sleep loop.
# Needs the test interpreters (scripts/provision-test-pythons.sh) and root (the launchers chroot).
# Writes mcp-server/target/benchmarks/injection.json; docs/injection.md has the numbers.
#
# Usage: scripts/bench-injection.sh [extra maven args, e.g. -o -Dthaw.bench.rounds=200]
#   default                         each workflow starts at a random point of the target's 10 ms
#                                   sleep slice, as a real request would (random phase)
#   -Dthaw.bench.backToBack=true    the two workflows back to back instead (biased against thaw:
#                                   see InjectionBenchmark.RANDOM_PHASE)
#   -Dthaw.bench.python=3.15        a python3.15 target (and python3.15 for the hand-made workflow)
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -q "$@" -pl mcp-server -am test \
    -Dtest=InjectionBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dthaw.bench=true
