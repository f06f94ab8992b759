#!/usr/bin/env bash
# mocker pull of a ~300 MB image of 5 gzip layers from a local docker-registry,
# beside `podman pull` (which also unpacks) and `skopeo copy` to an OCI
# directory (which does not). Every run starts from an empty store on a fresh
# ext4 file system (a loop image made anew before each run, outside the timing),
# the same for all three tools: on a long-lived ext4, creating ~7500 files right
# after deleting the previous run's store costs seconds of kernel time in the
# inode allocator (it skips and rescans recently deleted inodes), which measured
# the file system's history, not the tools, and hit whichever tool ran after the
# biggest delete.
# PULL_RUNS sets the number of paired runs (default: BENCH_RUNS, at most 5).
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
source "$MOCKER_TOP/tests/bench/lib.sh"
source "$MOCKER_TOP/tests/mocker/registry-helpers.bash"

work=$(mktemp -d /tmp/mocker-bench-pull.XXXXXX)
cleanup() {
  reg_stop
  umount -R "$work/fs" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# The image: per layer ~40 MB that does not compress and ~20 MB of real
# files (which do), so ~300 MB unpacked, ~230 MB compressed.
L=$work/layout
oci_init "$L"
# real files under 256 kB, in 5 groups of ~20 MB
find /usr/lib /usr/share -type f -size -256k -printf '%s %p\n' 2>/dev/null |
  awk -v dir="$work" '{ if (sum + $1 > 20000000) { g++; sum = 0 } if (g > 4) exit;
                        sum += $1; sub(/^[0-9]+ /, ""); print > (dir "/files" (g + 0)) }' || true
for k in 0 1 2 3 4; do
  d=$work/l$k
  mkdir -p "$d"
  head -c 40000000 /dev/urandom > "$d/random.bin"
  tar -cf - -T "$work/files$k" 2>/dev/null | tar -xf - -C "$d"
  unpacked=$(( ${unpacked:-0} + $(du -sb "$d" | cut -f1) ))
  oci_add_layer "$L" "$d" gzip
  rm -rf "$d"
done
oci_finish "$L" big > /dev/null
reg_start "$work/reg"
reg_push "$L" big bench/big:latest
printf '\n== image: 5 layers, %s unpacked, %s compressed\n' "$(numfmt --to=si "$unpacked")" \
  "$(jq '[.layers[].size] | add' "$L/blobs/sha256/$(jq -r '.manifests[0].digest' "$L/index.json" | cut -d: -f2)" | numfmt --to=si)"

cat > "$work/containers.conf" <<EOF
[engine]
runtime = "runc"
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$(ulimit -Hu):$(ulimit -Hu)"]
EOF
export CONTAINERS_CONF=$work/containers.conf

runs=${PULL_RUNS:-$(( BENCH_RUNS < 5 ? BENCH_RUNS : 5 ))}
export MOCKER_INSECURE_REGISTRIES=$REG
# fresh_fs: an empty ext4 on $work/fs (the loop device goes away on umount)
fresh_fs() {
  umount -R "$work/fs" 2>/dev/null || true
  rm -f "$work/fs.img"
  truncate -s 3G "$work/fs.img"
  mkfs.ext4 -q -F "$work/fs.img"
  mkdir -p "$work/fs"
  mount -o loop "$work/fs.img" "$work/fs"
  sync
}
for i in $(seq "$runs"); do
  fresh_fs
  measure_into "$work/mocker" "$MOCKER_BIN" --root "$work/fs/mroot" pull -q "$REG/bench/big"
  fresh_fs
  measure_into "$work/podman" podman --root "$work/fs/proot" --runroot "$work/fs/prun" \
    --storage-driver overlay pull -q --tls-verify=false "$REG/bench/big"
  fresh_fs
  measure_into "$work/skopeo" skopeo copy -q --src-tls-verify=false \
    "docker://$REG/bench/big:latest" "oci:$work/fs/oci:big"
done
umount -R "$work/fs"
report "pull ~300 MB, 5 layers: mocker vs podman" mocker "$work/mocker" podman "$work/podman" \
  "wall <= 0.4x podman, peak rss < 32768 KiB"
report "pull ~300 MB, 5 layers: mocker vs skopeo copy (no unpack)" mocker "$work/mocker" \
  skopeo "$work/skopeo" "wall <= 1.5x skopeo copy"
