#!/usr/bin/env bash
# exec of /bin/true into a running container: mocker-runtime beside crun
# (and runc for reference).  As in 10-runtime.sh, crun 1.8 refuses this
# hybrid cgroup host, so everything runs in a private mount namespace where
# a tmpfs hides /sys/fs/cgroup/unified.
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
source "$MOCKER_TOP/tests/bench/lib.sh"
if mountpoint -q /sys/fs/cgroup/unified; then
  mount -t tmpfs -o size=16m none /sys/fs/cgroup/unified
fi

work=$(mktemp -d /tmp/mocker-bench-exec.XXXXXX)
id="bench-exec-$$"
cleanup() {
  for rt in "$MOCKER_RUNTIME:mocker" crun:crun runc:runc; do
    "${rt%%:*}" --root "$work/root-${rt##*:}" delete -f "$id" >/dev/null 2>&1 || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
cp -a "$MOCKER_TOP/bundles/busybox" "$work/bundle"
jq '.ociVersion = "1.0.2" | .process.args = ["/bin/sleep", "1000"] | .process.terminal = false' \
  "$MOCKER_TOP/bundles/busybox/config.json" > "$work/bundle/config.json"

"$MOCKER_RUNTIME" --root "$work/root-mocker" run -d -b "$work/bundle" "$id" </dev/null >/dev/null 2>&1
crun --root "$work/root-crun" run -d -b "$work/bundle" "$id" </dev/null >/dev/null 2>&1
runc --root "$work/root-runc" run -d -b "$work/bundle" "$id" </dev/null >/dev/null 2>&1

for _ in $(seq "$BENCH_RUNS"); do
  measure_into "$work/mocker" "$MOCKER_RUNTIME" --root "$work/root-mocker" exec "$id" /bin/true
  measure_into "$work/crun" crun --root "$work/root-crun" exec "$id" /bin/true
  measure_into "$work/runc" runc --root "$work/root-runc" exec "$id" /bin/true
done
report "exec /bin/true: mocker-runtime vs crun" mocker-runtime "$work/mocker" crun "$work/crun" \
  "wall <= 0.8x crun"
report "exec /bin/true: mocker-runtime vs runc" mocker-runtime "$work/mocker" runc "$work/runc"
