#!/usr/bin/env bash
# Benchmark of the pure-Java CPython stack reader (docs/benchmarks.md).
# Needs the test interpreters (scripts/provision-test-pythons.sh) and root (the launchers chroot).
# Writes mcp-server/target/benchmarks/python-snapshot.md; copy the tables into docs/benchmarks.md.
#
# Usage: scripts/bench-python-snapshot.sh [extra maven args, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -q "$@" -pl mcp-server -am test \
    -Dtest=PythonSnapshotBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dthaw.bench=true
