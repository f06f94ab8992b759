#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz/ (built by `make fuzz-build`).
#   tests/fuzz/run.sh SECONDS [NAME...]   each harness (or the NAMEd ones) for SECONDS
#                                         (make fuzz); fails on any finding
#   tests/fuzz/run.sh --smoke             build, then a fixed number of inputs of each
#                                         (~5 s here) from the seeds with a fixed seed,
#                                         as TAP (the `fuzz` suite of make check);
#                                         skipped when clang is not installed
# Each harness first runs its regression inputs (tests/fuzz/regressions/NAME/: what
# fuzzing found once), then fuzzes from its seeds (tests/fuzz/corpus/NAME/) with its
# dictionary (tests/fuzz/NAME.dict). It works in $FUZZ_BUILD/work/NAME/sandbox/scratch
# (the layer harness's sandbox; the others just run there): new inputs go to
# sandbox/corpus/, findings to sandbox/findings/ (the path is printed), the log to log. FUZZ_JOBS harnesses run
# at once (default 2), FUZZ_SEED seeds libFuzzer (default: random; the smoke uses 1).
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-2}
seed=${FUZZ_SEED:-0}
smoke=false

if [ "${1:-}" = --smoke ]; then
  smoke=true
  seconds=10
  seed=${FUZZ_SEED:-1}
  shift
  if ! command -v clang > /dev/null; then
    echo "1..1"
    echo "ok 1 - fuzz # skip clang is not installed (tests/deps.sh installs it)"
    exit 0
  fi
  mkdir -p "$FUZZ_BUILD"
  if ! make --no-print-directory fuzz-build > "$FUZZ_BUILD/build.log" 2>&1; then
    echo "1..1"
    echo "not ok 1 - fuzz: building the harnesses failed (see $top/$FUZZ_BUILD/build.log)"
    tail -20 "$FUZZ_BUILD/build.log" | sed 's/^/# /'
    exit 1
  fi
else
  seconds=${1:?usage: tests/fuzz/run.sh SECONDS [NAME...] | --smoke}
  shift
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do
    n=$(basename "$f" .c)
    names+=("${n#fuzz_}")
  done
fi

# Runs harness $1; writes its verdict line (without the TAP number) to work/$1/verdict.
run_one() {
  local name=$1 bin=$top/$FUZZ_BUILD/tests/fuzz/fuzz_$1 w=$top/$FUZZ_BUILD/work/$1
  local seeds=$top/tests/fuzz/corpus/$1 regress=$top/tests/fuzz/regressions/$1
  local dict=() rc runs
  local sb=$w/sandbox
  mkdir -p "$sb/scratch" "$sb/findings" "$sb/corpus"
  rm -f "$w/verdict" "$w/log"
  if [ ! -x "$bin" ]; then
    echo "not ok - fuzz $name: $bin is not built (make fuzz-build)" > "$w/verdict"
    return
  fi
  if [ "$name" = layer ] && [ "$(id -u)" != 0 ]; then
    echo "ok - fuzz layer # skip needs root (a chroot and a mount namespace)" > "$w/verdict"
    return
  fi
  [ -f "$top/tests/fuzz/$name.dict" ] && dict=("-dict=$top/tests/fuzz/$name.dict")
  # (the layer harness works in ./scratch of its own sandbox: every run starts there)
  cd "$sb/scratch" || return
  find "$sb/findings" -type f -delete
  if compgen -G "$regress/*" > /dev/null; then
    if ! "$bin" -artifact_prefix=../findings/ "$regress"/* > "$w/log" 2>&1; then
      echo "not ok - fuzz $name: a regression input fails again (log: $w/log)" > "$w/verdict"
      return
    fi
  fi
  local seed_dirs=() limit=(-max_total_time="$seconds")
  [ -d "$seeds" ] && seed_dirs=("$seeds")
  if $smoke; then
    # The smoke is the same every time: the checked-in seeds only (no corpus
    # grown by earlier runs), a fixed seed, and a fixed number of inputs
    # (about 5 s each here) rather than a time, so what passes here passes
    # on any machine; the time is only a ceiling.
    find "$sb/corpus" -type f -delete
    case $name in
      layer) limit+=(-runs=10000) ;;
      *) limit+=(-runs=100000) ;;
    esac
    limit[0]=-max_total_time=60
  fi
  "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -seed="$seed" \
    -artifact_prefix=../findings/ -print_final_stats=1 "${dict[@]}" \
    ../corpus "${seed_dirs[@]}" >> "$w/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/log" | tail -1)
  local found
  found=$(find "$sb/findings" -type f | head -1)
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    echo "not ok - fuzz $name: finding (exit $rc), reproducer: ${found:-none saved}; log: $w/log" \
      > "$w/verdict"
  else
    if $smoke; then
      echo "ok - fuzz $name: ${runs:-?} inputs (seed $seed)" > "$w/verdict"
    else
      echo "ok - fuzz $name: ${runs:-?} inputs in ${seconds}s" > "$w/verdict"
    fi
  fi
}

pids=()
for n in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n
  done
  ( run_one "$n" ) &
  pids+=($!)
done
wait

echo "1..${#names[@]}"
i=0 failed=0
for n in "${names[@]}"; do
  i=$((i + 1))
  v=$(cat "$top/$FUZZ_BUILD/work/$n/verdict" 2>/dev/null || echo "not ok - fuzz $n: no verdict")
  echo "${v/#ok - /ok $i - }" | sed "s/^not ok - /not ok $i - /"
  if [[ $v == "not ok"* ]]; then
    failed=1
    grep -E 'ERROR|FUZZ_ASSERT|SUMMARY|Test unit written|outside the layer' \
      "$top/$FUZZ_BUILD/work/$n/log" 2>/dev/null | head -20 | sed 's/^/# /'
  fi
done
[ "$failed" -eq 0 ]
