#!/usr/bin/env bash
# podman run --rm of /bin/true: the same podman with --runtime mocker-runtime
# and with runc (crun cannot run under podman on this hybrid cgroup host).
# Private podman storage and config in a temp dir; image imported from the
# local busybox rootfs.
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
# podman's own default storage driver, overlay: with vfs every run copies the
# image first, the same cost on both sides, which only dilutes the runtime's.
PM_DRIVER=overlay
source "$MOCKER_TOP/tests/bench/lib.sh"

work=$(mktemp -d /tmp/mocker-bench-podman.XXXXXX)
cleanup() {
  podman_cleanup
}
trap cleanup EXIT
img=localhost/mocker-bench-busybox:test
podman_setup "$img"
pm run --rm --network none "$img" true   # warm caches once

runs=$BENCH_RUNS
for _ in $(seq "$runs"); do
  measure_into "$work/mocker" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver "$PM_DRIVER" \
    --runtime "$MOCKER_RUNTIME" run --rm --network none "$img" /bin/true
  measure_into "$work/runc" env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root" \
    --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver "$PM_DRIVER" \
    --runtime runc run --rm --network none "$img" /bin/true
done
report "podman run --rm /bin/true: --runtime mocker-runtime vs runc" podman+mocker "$work/mocker" \
  podman+runc "$work/runc" "wall <= 0.8x podman+runc"
