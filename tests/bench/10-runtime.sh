#!/usr/bin/env bash
# mocker-runtime run of /bin/true on the busybox bundle beside crun and runc,
# plus the floor: a bare unshare of the same namespaces. crun 1.8 refuses
# hybrid cgroup hosts, so all of this runs in a private mount namespace where
# a tmpfs hides /sys/fs/cgroup/unified (a v1-only view for every runtime).
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
source "$MOCKER_TOP/tests/bench/lib.sh"
if mountpoint -q /sys/fs/cgroup/unified; then
  mount -t tmpfs -o size=16m none /sys/fs/cgroup/unified
fi

work=$(mktemp -d /tmp/mocker-bench-rt.XXXXXX)
# State roots and the bundle on a tmpfs, where the runtimes keep their state
# by default (/run/crun, /run/mocker-runtime). On this host's ext4 (no journal)
# each new inode scans past every inode deleted in the last minutes, so the
# same file creations cost 0.1 ms or 1 ms depending on what ran before: that
# measured the file system's history, not the runtimes.
mount -t tmpfs -o size=64m,mode=0700 mocker-bench "$work"
# crun 1.8 sometimes leaves a container's cgroups behind after `run` (more so
# in the many-at-once round): remove every group named after a bench id.
cleanup() {
  local d
  for d in /sys/fs/cgroup/*/bench-*/ /sys/fs/cgroup/*/mocker-bench-*/; do
    # (the tmpfs over unified goes with this mount namespace)
    if [ -d "$d" ] && [[ $d != /sys/fs/cgroup/unified/* ]]; then rmdir "$d" || true; fi
  done
  umount "$work"
  rmdir "$work"
}
trap cleanup EXIT
cp -a "$MOCKER_TOP/bundles/busybox" "$work/bundle"
jq '.ociVersion = "1.0.2" | .process.args = ["/bin/true"] | .process.terminal = false' \
  "$MOCKER_TOP/bundles/busybox/config.json" > "$work/bundle/config.json"

runs=$BENCH_RUNS
one() { # one RUNTIME LABEL: a run of /bin/true with a fresh id
  local rt=$1 label=$2 id="bench-$2-$RANDOM$RANDOM"
  measure_into "$work/$label" "$rt" --root "$work/root-$label" run -b "$work/bundle" "$id"
  "$rt" --root "$work/root-$label" delete -f "$id" >/dev/null 2>&1 || true
}
for _ in $(seq "$runs"); do
  one "$MOCKER_RUNTIME" mocker
  one crun crun
  one runc runc
  measure_into "$work/unshare" unshare --pid --fork --mount --ipc --uts --net --cgroup true
done
report "run /bin/true: mocker-runtime vs crun" mocker-runtime "$work/mocker" crun "$work/crun" \
  "wall <= 0.6x crun, cpu <= 0.5x crun, peak rss < 2048 KiB"
report "run /bin/true: mocker-runtime vs runc" mocker-runtime "$work/mocker" runc "$work/runc"
report_one "floor: unshare of the same namespaces" unshare "$work/unshare"

# 50 containers created and started at once, then deleted.
many() { # many RUNTIME LABEL
  local rt=$1 label=$2 root="$work/many-$2" start end
  start=$(date +%s%N)
  for i in $(seq 50); do
    "$rt" --root "$root" run -d -b "$work/bundle-sleep" "bench-many-$label-$i" >/dev/null 2>&1 </dev/null &
  done
  wait
  end=$(date +%s%N)
  local up; up=$("$rt" --root "$root" list -q 2>/dev/null | wc -l)
  for i in $(seq 50); do "$rt" --root "$root" delete -f "bench-many-$label-$i" >/dev/null 2>&1 & done
  wait
  local gone; gone=$(date +%s%N)
  printf '  %-16s 50 run -d in parallel: %6.0f ms (%d listed)   50 delete -f: %6.0f ms\n' \
    "$label" "$(( (end - start) / 1000000 ))" "$up" "$(( (gone - end) / 1000000 ))"
}
cp -a "$work/bundle" "$work/bundle-sleep"
jq '.process.args = ["/bin/sleep", "30"]' "$work/bundle/config.json" > "$work/bundle-sleep/config.json"
printf '\n== 50 containers at once\n'
many "$MOCKER_RUNTIME" mocker-runtime
many crun crun
