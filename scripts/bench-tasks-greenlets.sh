#!/usr/bin/env bash
# Benchmark of the asyncio-task and greenlet walks (1000 tasks on python3.15, 1000 gevent greenlets
# on python3.14), next to `python3.15 -m asyncio pstree`. Needs the test interpreters
# (scripts/provision-test-pythons.sh) and root (the launchers chroot).
# Writes mcp-server/target/benchmarks/tasks-greenlets.md; copy the table into docs/benchmarks.md.
#
# Usage: scripts/bench-tasks-greenlets.sh [extra maven args, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -q "$@" -pl mcp-server -am test \
    -Dtest=TasksAndGreenletsBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dthaw.bench=true
