#!/usr/bin/env bash
# make bench: each tests/bench/NN-*.sh measures mocker beside a peer and prints
# medians and ratios. BENCH_RUNS sets the number of paired runs (default 20).
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
BUILD=${BUILD:-build}
export MOCKER_TOP=$top BUILD
export MOCKER_RUNTIME=$top/$BUILD/bin/mocker-runtime
export MOCKER_BIN=$top/$BUILD/bin/mocker
export MOCKER_HELPERS=$top/$BUILD/tests/helpers
export BENCH_RUNS=${BENCH_RUNS:-20}
for part in tests/bench/[0-9][0-9]-*.sh; do
  [ -n "${BENCH_ONLY:-}" ] && [[ $part != *"$BENCH_ONLY"* ]] && continue
  # the previous part's dirty pages (the pull writes ~300 MB) are written back
  # before this one starts, not during its measurements
  sync
  bash "$part" || echo "bench: $part failed" >&2
done
