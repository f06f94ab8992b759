#!/usr/bin/env bash
# mocker commit beside podman commit: a busybox container that wrote 50 MB
# (random, so it does not compress) becomes an image.  Each run commits a
# fresh exited container; the image is removed afterwards.
# COMMIT_RUNS sets the number of paired runs (default: BENCH_RUNS, at most 10).
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
source "$MOCKER_TOP/tests/bench/lib.sh"

work=$(mktemp -d /tmp/mocker-bench-commit.XXXXXX)
export MOCKER_ROOT=$work/mroot
P=(podman --root "$work/proot" --runroot "$work/prun" --storage-driver overlay)
cleanup() {
  local ids
  ids=$(ls "$MOCKER_ROOT/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
  [ -z "$ids" ] || "$MOCKER_BIN" rm -f $ids > /dev/null 2>&1 || true
  "${P[@]}" rm -a -f > /dev/null 2>&1 || true
  "${P[@]}" system reset -f > /dev/null 2>&1 || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

cat > "$work/containers.conf" <<EOF
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[containers]
default_ulimits = []
EOF
export CONTAINERS_CONF=$work/containers.conf

rootfs=$MOCKER_TOP/bundles/busybox/rootfs
[ -x "$rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
"$MOCKER_BIN" init -t busybox "$rootfs" > /dev/null
tar -C "$rootfs" -cf "$work/busybox.tar" .
"${P[@]}" import -q "$work/busybox.tar" localhost/busybox:latest > /dev/null

write='dd if=/dev/urandom of=/big bs=1M count=50 2>/dev/null'
runs=${COMMIT_RUNS:-$(( BENCH_RUNS < 10 ? BENCH_RUNS : 10 ))}
for i in $(seq "$runs"); do
  "$MOCKER_BIN" run --network none --name "m$i" busybox sh -c "$write"
  measure_into "$work/mocker" "$MOCKER_BIN" commit "m$i" "bench/m:$i"
  "$MOCKER_BIN" rm "m$i" > /dev/null
  "$MOCKER_BIN" rmi "bench/m:$i" > /dev/null

  "${P[@]}" run --network none --name "p$i" localhost/busybox sh -c "$write"
  measure_into "$work/podman" "${P[@]}" commit -q "p$i" "bench/p:$i"
  "${P[@]}" rm "p$i" > /dev/null
  "${P[@]}" rmi "bench/p:$i" > /dev/null
done
report "commit of a container that wrote 50 MB: mocker vs podman" mocker "$work/mocker" \
  podman "$work/podman" "wall <= 0.3x podman"
