#!/usr/bin/env bash
# mocker beside podman (runc, cgroupfs, private storage) on the same busybox
# image: run --rm (--network none), exec, ps -a (23 containers), logs of
# 10,000 lines; then mocker alone: ps -a with 1000 exited containers and the
# monitor's RSS.  Private stores, a private mount namespace; only
# --network none, so the host's network is left alone.
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
source "$MOCKER_TOP/tests/bench/lib.sh"

work=$(mktemp -d /tmp/mocker-bench-mocker.XXXXXX)
export MOCKER_ROOT=$work/mocker
mk() { "$MOCKER_BIN" "$@"; }
cleanup() {
  local ids
  ids=$(mk ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || mk rm -f $ids >/dev/null 2>&1 || true
  podman_cleanup
}
trap cleanup EXIT
img=localhost/mocker-bench-busybox:test
podman_setup "$img"
mk init -t busybox "$MOCKER_TOP/bundles/busybox/rootfs" >/dev/null
pm run --rm --network none "$img" true    # warm caches once
mk run --rm --network none busybox true
runs=$BENCH_RUNS

for _ in $(seq "$runs"); do
  measure_into "$work/m-run" "$MOCKER_BIN" run --rm --network none busybox /bin/true
  measure_into "$work/p-run" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver vfs \
    run --rm --network none "$img" /bin/true
done
report "run --rm --network none /bin/true" mocker "$work/m-run" podman "$work/p-run" \
  "wall <= 0.15x podman"

mk run -d --name bench-exec --network none busybox sleep 100000 >/dev/null
pm run -d --name bench-exec --network none "$img" sleep 100000 >/dev/null
for _ in $(seq "$runs"); do
  measure_into "$work/m-exec" "$MOCKER_BIN" exec bench-exec /bin/true
  measure_into "$work/p-exec" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver vfs exec bench-exec /bin/true
done
report "exec /bin/true" mocker "$work/m-exec" podman "$work/p-exec" "wall <= 0.15x podman"

# 10,000 log lines, then 22 more exited containers (23 in all).
mk run --name bench-logs --network none busybox seq 1 10000 >/dev/null
pm run --name bench-logs --network none "$img" seq 1 10000 >/dev/null
for i in $(seq 21); do
  mk run --network none busybox true
  pm run --network none "$img" true
done
for _ in $(seq "$runs"); do
  measure_into "$work/m-ps" "$MOCKER_BIN" ps -a
  measure_into "$work/p-ps" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver vfs ps -a
  measure_into "$work/m-logs" "$MOCKER_BIN" logs bench-logs
  measure_into "$work/p-logs" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver vfs logs bench-logs
done
report "ps -a (23 containers)" mocker "$work/m-ps" podman "$work/p-ps" "wall <= 0.15x podman"
report "logs (10,000 lines)" mocker "$work/m-logs" podman "$work/p-logs" "wall <= 0.15x podman"

# mocker alone: the monitor's RSS, then ps -a with 1000 exited containers
# (copies of one record: no mounts, no processes).
mon=$(jq -r .monitor_pid "$MOCKER_ROOT/containers/$(mk ps -q --no-trunc | head -1)/state.json")
printf '\n== monitor RSS (one running container)\n  %s\n  target: < 1024 kB\n' \
  "$(grep VmRSS "/proc/$mon/status")"
mk rm -f bench-exec >/dev/null
src=$(mk ps -aq --no-trunc | head -1)
for _ in $(seq 1000); do
  n=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$n" >> "$work/copies"
  mkdir "$MOCKER_ROOT/containers/$n"
  sed "s/$src/$n/g" "$MOCKER_ROOT/containers/$src/container.json" > "$MOCKER_ROOT/containers/$n/container.json"
  cp "$MOCKER_ROOT/containers/$src/state.json" "$MOCKER_ROOT/containers/$n/"
done
# ps keeps an index (containers/.ps-index, docs/containers.md): the first run
# after the copies builds it; the runs measured read it. One run without it:
rm -f "$MOCKER_ROOT/containers/.ps-index"
measure_into "$work/m-ps1000-cold" "$MOCKER_BIN" ps -a
sleep 2  # entries are trusted 2 s after their directory's last change
mk ps -a > /dev/null
for _ in $(seq "$runs"); do measure_into "$work/m-ps1000" "$MOCKER_BIN" ps -a; done
printf '\n== ps -a with 1000 containers, building the index\n  mocker wall %8.2f ms  cpu %8.2f ms\n' \
  "$(median "$work/m-ps1000-cold" 1)" "$(median "$work/m-ps1000-cold" 2)"
printf '\n== ps -a with %d containers (%d runs, medians)\n  mocker wall %8.2f ms  cpu %8.2f ms\n  target: wall <= 20 ms\n' \
  "$(mk ps -aq | wc -l)" "$(wc -l < "$work/m-ps1000")" "$(median "$work/m-ps1000" 1)" "$(median "$work/m-ps1000" 2)"
# The copies have no monitor, mount or runtime state: removed as files.
while read -r n; do rm -rf --one-file-system "$MOCKER_ROOT/containers/$n"; done < "$work/copies"
