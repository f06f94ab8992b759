#!/usr/bin/env bash
# Image commands beside their peers (issue 13, performance):
# - mocker build of a 7-step Dockerfile (FROM busybox, one COPY of 1,000 small
#   files and a 50 MB file, 3 RUN, ENV, CMD) beside `buildah bud --layers`
#   (overlay storage, its own root, runc): cold (--no-cache on both), warm
#   (nothing changed) and after one copied file changed;
# - mocker push of the ~300 MB 5-layer image of 20-pull.sh (loaded from an
#   oci-archive of its layout) to an empty docker-registry beside `skopeo copy`
#   of the same image from the layout (each run gets a new, empty registry on
#   127.0.0.1, started and stopped by pid), and a second push of it;
# - mocker save / load of that image beside podman's (overlay, own root).
# IMAGE_RUNS sets the number of paired runs (default: BENCH_RUNS, at most 3).
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
PM_DRIVER=overlay
source "$MOCKER_TOP/tests/bench/lib.sh"
source "$MOCKER_TOP/tests/mocker/registry-helpers.bash"

work=$(mktemp -d /tmp/mocker-bench-images.XXXXXX)
export MOCKER_ROOT=$work/mroot
# buildah and podman share one private containers/storage under $work
B=(buildah --root "$work/root" --runroot "$work/runroot" --storage-driver "$PM_DRIVER")
P=(podman --root "$work/root" --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver "$PM_DRIVER")
cleanup() {
  reg_stop
  "${B[@]}" rm -a > /dev/null 2>&1 || true
  "${B[@]}" rmi -a -f > /dev/null 2>&1 || true
  local ids
  ids=$(ls "$MOCKER_ROOT/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
  [ -z "$ids" ] || "$MOCKER_BIN" rm -f $ids > /dev/null 2>&1 || true
  podman_cleanup
}
trap cleanup EXIT
runs=${IMAGE_RUNS:-$(( BENCH_RUNS < 3 ? BENCH_RUNS : 3 ))}

# --- build ------------------------------------------------------------------
podman_setup localhost/busybox:latest   # containers.conf (runc, cgroupfs) + busybox
export CONTAINERS_CONF=$work/containers.conf
rootfs=$MOCKER_TOP/bundles/busybox/rootfs
"$MOCKER_BIN" init -t busybox "$rootfs" > /dev/null

ctx=$work/ctx
mkdir -p "$ctx/small"
for n in $(seq -w 1000); do echo "file $n" > "$ctx/small/f$n"; done
head -c 50000000 /dev/urandom > "$ctx/big.bin"
cat > "$ctx/Dockerfile" <<'EOF'
FROM busybox
COPY . /data/
RUN echo one > /one
RUN ls /data/small | wc -l > /count
RUN mkdir -p /var/app && cp /one /var/app/
ENV APP=bench
CMD ["sh"]
EOF
mbuild() { measure_into "$1" "$MOCKER_BIN" build -q --network none -t bench/b "${@:2}" "$ctx"; }
bbuild() {
  measure_into "$1" "${B[@]}" bud -q --layers --pull=never --network none -t bench/b "${@:2}" "$ctx"
}
# untagged images of earlier builds go between runs, outside the timing
prune() {
  "$MOCKER_BIN" image prune -f > /dev/null 2>&1 || true
  "${B[@]}" rmi --prune > /dev/null 2>&1 || true
}
# warm the page cache and both tools once
"$MOCKER_BIN" build -q --network none -t bench/b "$ctx" > /dev/null
"${B[@]}" bud -q --layers --pull=never --network none -t bench/b "$ctx" > /dev/null
for i in $(seq "$runs"); do
  mbuild "$work/m-cold" --no-cache
  bbuild "$work/b-cold" --no-cache
  prune
done
# the cold runs' step images were pruned: one build each fills the caches again
"$MOCKER_BIN" build -q --network none -t bench/b "$ctx" > /dev/null
"${B[@]}" bud -q --layers --pull=never --network none -t bench/b "$ctx" > /dev/null
for i in $(seq "$runs"); do
  mbuild "$work/m-warm"
  bbuild "$work/b-warm"
done
for i in $(seq "$runs"); do
  echo "changed $i" >> "$ctx/small/f0500"
  mbuild "$work/m-touch"
  bbuild "$work/b-touch"
done
report "build, 7 steps, 1,000 files + 50 MB, cold (--no-cache): mocker vs buildah bud" \
  mocker "$work/m-cold" buildah "$work/b-cold" "wall <= 0.3x buildah"
report "build, warm cache (nothing changed): mocker vs buildah bud --layers" \
  mocker "$work/m-warm" buildah "$work/b-warm" "wall <= 0.1x buildah"
report "build after one copied file changed: mocker vs buildah bud --layers" \
  mocker "$work/m-touch" buildah "$work/b-touch" "wall <= 0.3x buildah"
"$MOCKER_BIN" rmi bench/b > /dev/null
"${B[@]}" rmi -a -f > /dev/null 2>&1 || true
prune
rm -rf "$ctx"

# --- the image: as 20-pull.sh, ~40 MB random + ~20 MB real files per layer ---
L=$work/layout
oci_init "$L"
find /usr/lib /usr/share -type f -size -256k -printf '%s %p\n' 2>/dev/null |
  awk -v dir="$work" '{ if (sum + $1 > 20000000) { g++; sum = 0 } if (g > 4) exit;
                        sum += $1; sub(/^[0-9]+ /, ""); print > (dir "/files" (g + 0)) }' || true
for k in 0 1 2 3 4; do
  d=$work/l$k
  mkdir -p "$d"
  head -c 40000000 /dev/urandom > "$d/random.bin"
  tar -cf - -T "$work/files$k" 2>/dev/null | tar -xf - -C "$d"
  oci_add_layer "$L" "$d" gzip
  rm -rf "$d"
done
oci_finish "$L" big > /dev/null
# into both stores from an oci-archive of the layout (mocker keeps the gzip
# blobs it loads, so its push sends the same bytes skopeo copies)
src=localhost/bench/big:latest
skopeo copy -q "oci:$L:big" "oci-archive:$work/big.tar:$src"
"$MOCKER_BIN" load -q -i "$work/big.tar"
pm load -q -i "$work/big.tar" > /dev/null
rm -f "$work/big.tar"

# --- push -------------------------------------------------------------------
for i in $(seq "$runs"); do
  rm -rf --one-file-system "$work/dst"
  reg_start "$work/dst"
  export MOCKER_INSECURE_REGISTRIES=$REG
  "$MOCKER_BIN" tag "$src" "$REG/bench/big:latest"
  measure_into "$work/m-push" "$MOCKER_BIN" push -q "$REG/bench/big:latest"
  measure_into "$work/m-push2" "$MOCKER_BIN" push -q "$REG/bench/big:latest"
  "$MOCKER_BIN" rmi "$REG/bench/big:latest" > /dev/null
  reg_stop
  rm -rf --one-file-system "$work/dst"
  reg_start "$work/dst"
  measure_into "$work/skopeo" skopeo copy -q --dest-tls-verify=false "oci:$L:big" \
    "docker://$REG/bench/big:latest"
  reg_stop
done
rm -rf --one-file-system "$work/dst" "$L"
report "push ~300 MB, 5 layers, to an empty registry: mocker vs skopeo copy from an OCI layout" \
  mocker "$work/m-push" skopeo "$work/skopeo" "wall <= 1.2x skopeo copy"
report_one "push of the same image again (every blob present)" mocker "$work/m-push2"
echo "  target: wall <= 50 ms"

# --- save, load -------------------------------------------------------------
for i in $(seq "$runs"); do
  rm -f "$work/m.tar" "$work/p.tar"
  measure_into "$work/m-save" "$MOCKER_BIN" save -o "$work/m.tar" "$src"
  measure_into "$work/p-save" "${P[@]}" save -q -o "$work/p.tar" "$src"
done
for i in $(seq "$runs"); do
  "$MOCKER_BIN" rmi "$src" > /dev/null
  measure_into "$work/m-load" "$MOCKER_BIN" load -q -i "$work/m.tar"
  pm rmi -f "$src" > /dev/null
  measure_into "$work/p-load" "${P[@]}" load -q -i "$work/p.tar"
done
report "save ~300 MB, 5 layers (docker-archive): mocker vs podman" \
  mocker "$work/m-save" podman "$work/p-save" "wall <= 0.5x podman"
report "load of that archive: mocker vs podman" \
  mocker "$work/m-load" podman "$work/p-load" "wall <= 0.5x podman"
"$MOCKER_BIN" rmi "$src" > /dev/null 2>&1 || true
