#!/usr/bin/env bats
# containerd (Debian's) with its runc v2 shim told to use mocker-runtime
# (`ctr run --runc-binary`): the test starts a private containerd (config,
# root, state and sockets in a temp dir, CRI plugin off), imports a busybox
# OCI archive built here from the local rootfs, and drives it with ctr.

bats_require_minimum_version 1.5.0

# mk_oci_archive ROOTFS OUT NAME: an OCI image layout tar with one layer.
mk_oci_archive() {
  local rootfs=$1 out=$2 name=$3 d ld ls cd cs md ms
  d=$(mktemp -d "$CT_TMP/oci.XXXX")
  mkdir -p "$d/blobs/sha256"
  tar -C "$rootfs" -cf "$d/layer.tar" .
  put() { # put FILE -> "digest size", moved into blobs
    local dg; dg=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$d/blobs/sha256/$dg"
    echo "$dg $(stat -c %s "$d/blobs/sha256/$dg")"
  }
  read -r ld ls < <(put "$d/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$ld" > "$d/config.json"
  read -r cd cs < <(put "$d/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cd" "$cs" "$ld" "$ls" > "$d/manifest.json"
  read -r md ms < <(put "$d/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$md" "$ms" "$name" "${name##*:}" > "$d/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$d/oci-layout"
  tar -C "$d" -cf "$out" oci-layout index.json blobs
  rm -rf "$d"
}

setup_file() {
  : "${MOCKER_TOP:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
  : "${MOCKER_RUNTIME:=$MOCKER_TOP/build/bin/mocker-runtime}"
  export MOCKER_TOP MOCKER_RUNTIME
  [ -x "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
  CT_TMP=$(mktemp -d /tmp/mocker-containerd.XXXXXX)
  CT_NS=mocker-test-$$
  export CT_TMP CT_NS
  cat > "$CT_TMP/config.toml" <<CONF
version = 2
root = "$CT_TMP/root"
state = "$CT_TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CT_TMP/containerd.sock"
[ttrpc]
  address = "$CT_TMP/containerd.sock.ttrpc"
[debug]
  address = "$CT_TMP/debug.sock"
[metrics]
  address = ""
CONF
  containerd --config "$CT_TMP/config.toml" > "$CT_TMP/containerd.log" 2>&1 &
  echo $! > "$CT_TMP/containerd.pid"
  for _ in $(seq 100); do [ -S "$CT_TMP/containerd.sock" ] && break; sleep 0.1; done
  [ -S "$CT_TMP/containerd.sock" ]
  mk_oci_archive "$MOCKER_TOP/bundles/busybox/rootfs" "$CT_TMP/busybox.tar" localhost/mocker-busybox:test
  c images import --snapshotter native "$CT_TMP/busybox.tar" >/dev/null
}

teardown_file() {
  [ -n "${CT_TMP:-}" ] || return 0
  local f id
  # containers a failed test left: killed through the runtime, shims by pid
  for f in "$CT_TMP"/state/io.containerd.runtime.v2.task/"$CT_NS"/*/shim.pid; do
    [ -e "$f" ] || continue
    id=$(basename "$(dirname "$f")")
    "$MOCKER_RUNTIME" --root "$CT_TMP/runc/$CT_NS" delete -f "$id" >/dev/null 2>&1 || true
    kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  kill "$(cat "$CT_TMP/containerd.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  grep -o " $CT_TMP[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$CT_TMP"
  rmdir /sys/fs/cgroup/*/"$CT_NS" 2>/dev/null || true
  [ "$(stat -c '%t,%T %U %a' /dev/null)" = "1,3 root 666" ]
}

c() { ctr -a "$CT_TMP/containerd.sock" -n "$CT_NS" "$@"; }
IMG=localhost/mocker-busybox:test
RUN_OPTS=()
setup() {
  RUN_OPTS=(--snapshotter native --runc-binary "$MOCKER_RUNTIME" --runc-root "$CT_TMP/runc")
}

@test "ctr run --rm: output and exit code through the runc v2 shim" {
  run c run --rm "${RUN_OPTS[@]}" $IMG r1-$$ sh -c 'echo hello from ctr; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "hello from ctr" ]
  # the runtime really ran it: its state root was used
  [ -d "$CT_TMP/runc/$CT_NS" ]
}

@test "ctr run -d, task exec, kill, delete" {
  local id=d1-$$
  c run -d "${RUN_OPTS[@]}" $IMG $id sleep 1000
  run c task ls
  [[ "$output" == *"$id"*RUNNING* ]]
  run c task exec --exec-id e1 $id sh -c 'echo in-exec; cat /proc/1/cmdline; exit 4'
  [ "$status" -eq 4 ]
  [[ "$output" == "in-exec"*"sleep"* ]]
  run c task ps $id
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 2 ]
  c task kill -s KILL $id
  for _ in $(seq 50); do c task ls | grep -q "$id.*STOPPED" && break; sleep 0.1; done
  run c task ls
  [[ "$output" == *"$id"*STOPPED* ]]
  c task delete $id
  c container delete $id
  run "$MOCKER_RUNTIME" --root "$CT_TMP/runc/$CT_NS" state $id
  [ "$status" -ne 0 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "ctr task pause/resume and kill --all go through the runtime" {
  local id=p1-$$
  c run -d "${RUN_OPTS[@]}" $IMG $id sleep 1000
  c task pause $id
  run c task ls
  [[ "$output" == *"$id"*PAUSED* ]]
  [ "$("$MOCKER_RUNTIME" --root "$CT_TMP/runc/$CT_NS" state $id | jq -r .status)" = paused ]
  c task resume $id
  run c task ls
  [[ "$output" == *"$id"*RUNNING* ]]
  c task kill -a -s KILL $id
  for _ in $(seq 50); do c task ls | grep -q "$id.*STOPPED" && break; sleep 0.1; done
  c task delete $id
  c container delete $id
}

@test "ctr run with a terminal: the shim's console socket" {
  # ctr wants a terminal of its own: onpty.py gives it one
  run "$MOCKER_TOP/tests/helpers/onpty.py" '' ctr -a "$CT_TMP/containerd.sock" -n "$CT_NS" \
    run --rm -t "${RUN_OPTS[@]}" $IMG t1-$$ sh -c 'tty; echo tty-ok'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  [[ "$output" == *"tty-ok"* ]]
}
