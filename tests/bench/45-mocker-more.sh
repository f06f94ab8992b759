#!/usr/bin/env bash
# What 40-mocker.sh leaves out: the light mocker beside mocker-heavy (the cost
# of the heavy libraries, docs/architecture.md "Two binaries"); images and
# run --rm on the default bridge beside podman; 50 `run -d` in a row for both;
# the monitors' RSS over those 50 (target < 1 MiB each).
#
# Everything runs inside a network namespace this script makes (`ip netns
# add`), so both tools' bridges, veths and NAT rules never touch the machine's
# own; and in a private mount namespace. Private storage for both tools.
# podman: runc, cgroupfs, file events, no default ulimits (this host), the
# image imported from the local busybox rootfs.
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  ns=mocker-bench-$$
  ip netns add "$ns"
  trap 'ip netns delete "$ns" 2>/dev/null || true' EXIT
  # only the network namespace changes (`ip netns exec` would remount /sys
  # and hide the cgroup hierarchies); mounts go to a private namespace
  nsenter --net="/run/netns/$ns" unshare --mount --propagation private \
    env BENCH_NS=1 bash "$0" "$@"
  exit
fi
source "$MOCKER_TOP/tests/bench/lib.sh"
ip link set lo up

work=$(mktemp -d /tmp/mocker-bench-45.XXXXXX)
runs=$BENCH_RUNS
M() { "$MOCKER_BIN" --root "$work/mocker" "$@"; }
cleanup() {
  M ps -aq 2>/dev/null | while read -r id; do M rm -f "$id" >/dev/null 2>&1 || true; done
  podman_cleanup
}
trap cleanup EXIT
img=localhost/mocker-bench-busybox:test
podman_setup "$img"
M init -t "$img" "$MOCKER_TOP/bundles/busybox/rootfs" >/dev/null
# warm caches once
M run --rm --network none "$img" true
pm run --rm --network none "$img" true

f=$work/version
for _ in $(seq "$runs"); do
  measure_into "$f.light" "$MOCKER_BIN" --version
  measure_into "$f.heavy" "$(dirname "$MOCKER_BIN")/mocker-heavy" --version
done
report "mocker --version: light binary vs mocker-heavy" light "$f.light" heavy "$f.heavy" \
  "the light binary pays no heavy library"

pair "run --rm IMAGE true (default bridge, in the bench's netns)" "wall <= 0.15x podman" \
  run --rm "$img" true -- run --rm "$img" true
pair "images" "wall <= 0.15x podman" images -- images

# 50 run -d in a row, then the monitors' RSS.
t0=$(date +%s%N)
for i in $(seq 1 50); do M run -d --network none "$img" sleep 1000 >/dev/null; done
t1=$(date +%s%N)
printf '\n== 50 mocker run -d in a row\n  total %.0f ms, %.1f ms each\n' \
  "$(( (t1 - t0) / 1000000 ))" "$(echo "($t1 - $t0) / 50000000" | bc -l)"
t0=$(date +%s%N)
for i in $(seq 1 50); do pm run -d --network none "$img" sleep 1000 >/dev/null; done
t1=$(date +%s%N)
printf '== 50 podman run -d in a row\n  total %.0f ms, %.1f ms each\n' \
  "$(( (t1 - t0) / 1000000 ))" "$(echo "($t1 - $t0) / 50000000" | bc -l)"
rss=$(for d in "$work"/mocker/containers/*/; do
        pid=$(sed -n 's/.*"monitor_pid": *\([0-9]*\).*/\1/p' "$d/state.json" 2>/dev/null)
        [ -n "$pid" ] && [ "$pid" != 0 ] && awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null
      done | sort -n)
printf '== mocker-monitor RSS over %d running containers (target < 1024 KiB each)\n' \
  "$(echo "$rss" | grep -c .)"
echo "$rss" | awk 'NF {a[NR]=$1; s+=$1} END {if (NR) printf "  min %d KiB  median %d KiB  max %d KiB\n", a[1], a[int((NR+1)/2)], a[NR]}'
