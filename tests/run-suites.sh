#!/usr/bin/env bash
# Runs the test suites and ends with one line: "N passed, N failed, N skipped".
#   tests/run-suites.sh [unit] [runtime] [mocker] [compat] [ci] [fuzz] ...   (default: all)
#   tests/run-suites.sh tests/runtime/cgroups.bats ...   (single bats files)
# Each suite writes TAP to $BUILD/test-logs/<suite>.tap (CI keeps them), or to
# $MOCKER_TEST_LOGS when set (make check-v2 keeps the VM's apart).
# Integration suites run in a private mount namespace, so a mount that a bug
# leaves behind can never land on the host.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
BUILD=${BUILD:-build}
export MOCKER_TOP=$top BUILD
export MOCKER_RUNTIME=$top/$BUILD/bin/mocker-runtime
export MOCKER_BIN=$top/$BUILD/bin/mocker
export MOCKER_HELPERS=$top/$BUILD/tests/helpers
logs=${MOCKER_TEST_LOGS:-$top/$BUILD/test-logs}
mkdir -p "$logs"

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit runtime mocker compat ci fuzz)

passed=0 failed=0 skipped=0

# Counts TAP results from a file into the totals.
count_tap() {
  local p f s
  p=$(grep -cE '^ok ' "$1" | head -1)
  s=$(grep -ciE '^ok .*# skip' "$1" | head -1)
  f=$(grep -cE '^not ok ' "$1" | head -1)
  passed=$((passed + p - s)); skipped=$((skipped + s)); failed=$((failed + f))
}

run_unit() {
  local out=$logs/unit.tap t
  : > "$out"
  for t in "$BUILD"/tests/unit/test_*; do
    [ -x "$t" ] || continue
    [[ $t == *.o || $t == *.d ]] && continue
    echo "# $(basename "$t")" | tee -a "$out"
    # cmocka prints TAP when asked; a crash shows as a failed run.
    if ! CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$out.one" 2>&1; then
      grep -q '^not ok' "$out.one" || echo "not ok - $(basename "$t") crashed" >> "$out.one"
    fi
    cat "$out.one" | tee -a "$out"
  done
  rm -f "$out.one"
  count_tap "$out"
}

run_bats() {
  local suite=$1 out=$logs/$1.tap
  local files=(tests/"$suite"/*.bats)
  if [[ $suite == *.bats ]]; then   # one file: tests/runtime/x.bats -> runtime-x.tap
    files=("$suite")
    out=$logs/$(basename "$(dirname "$suite")")-$(basename "$suite" .bats).tap
  fi
  [ -e "${files[0]}" ] || return 0
  echo "# suite $suite"
  # Each suite gets its own private mount namespace.
  if ! unshare --mount --propagation private -- bats --tap "${files[@]}" 2>&1 | tee "$out"; then
    # bats itself failed (no test could report): that is a failure too.
    grep -q '^not ok' "$out" || echo "not ok - $suite: bats failed" | tee -a "$out"
  fi
  count_tap "$out"
}

# A 10-second libFuzzer smoke of each harness, one TAP line each (tests/fuzz/run.sh).
run_fuzz() {
  local out=$logs/fuzz.tap
  echo "# suite fuzz"
  bash tests/fuzz/run.sh --smoke 2>&1 | tee "$out"
  count_tap "$out"
}

# The peers the tests run (skopeo, podman, buildah) keep state of their own
# as root even with a private --root: containers/image's blob-info cache in
# /var/lib/containers/cache, podman's /run/containers and /run/libpod. What
# of it was not there before the suites is removed after them (never across
# a mount: a podman that mounted its storage there is not ours to undo).
peer_state=(/var/lib/containers /run/containers /run/libpod)
peer_new=()
for d in "${peer_state[@]}"; do
  [ -e "$d" ] || peer_new+=("$d")
done
remove_peer_state() {
  local d
  for d in "${peer_new[@]}"; do
    [ -e "$d" ] || continue
    if grep -qF " $d" /proc/self/mountinfo; then
      echo "# $d has a mount beneath it: left in place" >&2
    else
      rm -rf --one-file-system "$d"
    fi
  done
}
trap remove_peer_state EXIT

for s in "${suites[@]}"; do
  case $s in
    unit) run_unit ;;
    fuzz) run_fuzz ;;
    *) run_bats "$s" ;;
  esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
