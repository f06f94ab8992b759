#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker save/load with podman and skopeo as the independent readers and
# writers: docker-archive and oci-archive both ways. podman keeps everything
# under a private --root/--runroot in the test's directory (vfs driver).

load container-helpers
load registry-helpers

setup_file() {
  containers_setup
  export WORK=$MOCKER_TEST_DIR
  export PM_TMP=$WORK/podman
  mkdir -p "$PM_TMP"
  busybox_rootfs "$WORK/rootfs"
  echo marker-one > "$WORK/rootfs/marker"
  mocker init -t saved:one "$WORK/rootfs" > "$WORK/one.id"
  reg_start "$WORK/reg"
}

teardown_file() {
  reg_stop  # unless a test did
  pm rmi -af > /dev/null 2>&1 || true
  local m
  grep -o " $PM_TMP[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

# podman with the test's private storage and config (events to a file of its
# own, not the host's journal).
pm() {
  [ -e "$PM_TMP/containers.conf" ] ||
    printf '[engine]\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n' > "$PM_TMP/containers.conf"
  CONTAINERS_CONF=$PM_TMP/containers.conf podman --root "$PM_TMP/root" --runroot "$PM_TMP/runroot" \
    --tmpdir "$PM_TMP/tmp" --storage-driver vfs "$@"
}

# A committed image (its top layer keeps no blob until saved or pushed).
committed() {
  mocker run --network none --name "$1" busybox sh -c 'echo changed > /changed; rm /bin/ls'
  mocker commit "$1" "$2"
}

@test "save (docker-archive): podman loads it with the same image ID and names" {
  id=$(cat "$WORK/one.id")
  mocker save -o "$WORK/one.tar" saved:one
  tar -tf "$WORK/one.tar" | grep -qx manifest.json
  tar -tf "$WORK/one.tar" | grep -qx repositories
  [ "$(tar -xOf "$WORK/one.tar" manifest.json | jq -r '.[0].RepoTags[0]')" = saved:one ]
  run pm load -i "$WORK/one.tar"
  [ "$status" -eq 0 ]
  [[ $output == *"Loaded image: localhost/saved:one"* ]]
  [ "sha256:$(pm images --no-trunc -q localhost/saved:one | sed 's/^sha256://')" = "$id" ]
  # skopeo reads it too, and every layer hashes to its diff_id
  skopeo copy --quiet "docker-archive:$WORK/one.tar" "oci:$WORK/one-oci:x"
  # two names of one repository: one key in repositories, two entries
  mocker tag saved:one saved:two
  mocker save -o "$WORK/two.tar" saved:one saved:two
  [ "$(tar -xOf "$WORK/two.tar" repositories | jq -c '.saved | keys')" = '["one","two"]' ]
  [ "$(tar -xOf "$WORK/two.tar" manifest.json | jq -r '.[].RepoTags[]' | tr '\n' ' ')" = "saved:one saved:two " ]
  mocker rmi saved:two > /dev/null
}

@test "save --format oci-archive: podman and skopeo load it with the same image ID" {
  id=$(cat "$WORK/one.id")
  mocker save --format oci-archive -o "$WORK/one-oci.tar" saved:one
  tar -tf "$WORK/one-oci.tar" | grep -qx oci-layout
  skopeo inspect --config --raw "oci-archive:$WORK/one-oci.tar" > "$WORK/one-oci.config"
  [ "sha256:$(sha256sum < "$WORK/one-oci.config" | cut -d' ' -f1)" = "$id" ]
  cfg=$(skopeo inspect --raw "oci-archive:$WORK/one-oci.tar" | jq -r .config.digest)
  [ "$cfg" = "$id" ]
  pm rmi -f localhost/saved:one > /dev/null 2>&1 || true
  run pm load -i "$WORK/one-oci.tar"
  [ "$status" -eq 0 ]
  [ "sha256:$(pm images --no-trunc -q saved:one | sed 's/^sha256://' | head -1)" = "$id" ]
}

@test "load: what podman save writes (docker-archive and oci-archive), then run it" {
  tar -C "$WORK/rootfs" -c . | pm import - localhost/frompodman:1 > /dev/null
  pm save -o "$WORK/pm.tar" localhost/frompodman:1 2> /dev/null
  pm save --format oci-archive -o "$WORK/pm-oci.tar" localhost/frompodman:1 2> /dev/null
  want=$(pm images --no-trunc -q localhost/frompodman:1 | sed 's/^sha256://')
  run mocker load -i "$WORK/pm.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: localhost/frompodman:1" ]
  [ "$(mocker images -q --no-trunc localhost/frompodman:1)" = "sha256:$want" ]
  run -0 mocker run --rm --network none localhost/frompodman:1 cat /marker
  [ "$output" = marker-one ]
  mocker rmi localhost/frompodman:1 > /dev/null
  run mocker load -i "$WORK/pm-oci.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: localhost/frompodman:1" ]
  run -0 mocker run --rm --network none localhost/frompodman:1 cat /marker
  [ "$output" = marker-one ]
}

@test "save | load round trip through stdin, gzip'd, two images sharing a layer" {
  committed rt1 saved:committed > /dev/null
  other=$WORK/rt-root
  mocker save saved:one saved:committed | gzip | mocker --root "$other" load > "$WORK/rt.out"
  grep -qx 'Loaded image: saved:one' "$WORK/rt.out"
  grep -qx 'Loaded image: saved:committed' "$WORK/rt.out"
  [ "$(mocker --root "$other" images -q --no-trunc saved:committed)" = "$(mocker images -q --no-trunc saved:committed)" ]
  run mocker --root "$other" run --rm --network none saved:committed sh -c 'cat /changed; ls /bin/ls'
  [ "$status" -eq 1 ]  # ls: the file deleted in the container is gone
  [[ $output == changed* ]]
  [[ $output == *"No such file"* ]]
  mocker --root "$other" rm -f $(ls "$other/containers" 2> /dev/null | grep -E '^[0-9a-f]{64}$') > /dev/null 2>&1 || true
  [ -z "$(ls -A "$other/tmp")" ]
  rm -rf --one-file-system "$other"
}

@test "save of a committed image: the layer's blob is made once and kept" {
  id=$(committed sv1 saved:blobonce)
  [ "$(jq -r '.layers[1].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")" = null ]
  mocker save -o "$WORK/c1.tar" saved:blobonce
  blob=$(jq -r '.layers[1].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  [ -f "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}" ]
  before=$(stat -c %Y.%i "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}")
  mocker save --format oci-archive -o "$WORK/c1-oci.tar" saved:blobonce
  [ "$(stat -c %Y.%i "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}")" = "$before" ]
  tar -tf "$WORK/c1-oci.tar" | grep -qx "blobs/sha256/${blob#sha256:}"
  skopeo copy --quiet "oci-archive:$WORK/c1-oci.tar" "oci:$WORK/c1-layout:x"
}

@test "save of an image built on a pulled base: podman loads it with the same image ID" {
  mocker tag saved:one "$REG/savebase:1"
  mocker push -q "$REG/savebase:1" > /dev/null
  other=$WORK/built-root
  mocker --root "$other" pull -q "$REG/savebase:1" > /dev/null
  ctx=$WORK/built-ctx
  mkdir -p "$ctx"
  printf 'FROM %s\nRUN echo built > /built\n' "$REG/savebase:1" > "$ctx/Dockerfile"
  id=$(mocker --root "$other" build -q --network none -t saved:built "$ctx")
  # the base image goes; its layer stays with the built one, and so does where it came from
  mocker --root "$other" rmi "$REG/savebase:1" > /dev/null
  mocker --root "$other" save -o "$WORK/built.tar" saved:built
  run pm load -i "$WORK/built.tar"
  [ "$status" -eq 0 ]
  [ "sha256:$(pm images --no-trunc -q localhost/saved:built | sed 's/^sha256://')" = "$id" ]
  [ "$(tar -xOf "$WORK/built.tar" manifest.json | jq -r '.[0].Layers | length')" = 2 ]
  mocker --root "$other" save --format oci-archive -o "$WORK/built-oci.tar" saved:built
  skopeo copy --quiet "oci-archive:$WORK/built-oci.tar" "oci:$WORK/built-layout:x"
  mocker --root "$other" rmi saved:built > /dev/null
  rm -rf --one-file-system "$other"
}

@test "save of a pulled image fetches the blobs the pull did not keep" {
  mocker tag saved:one "$REG/saved:one"
  mocker push -q "$REG/saved:one" > /dev/null
  other=$WORK/pulled-root
  mocker --root "$other" pull -q "$REG/saved:one" > /dev/null
  mocker --root "$other" save -o "$WORK/pulled.tar" "$REG/saved:one"
  reg_stop  # no registry any more
  # the blob is kept now: a second save needs no registry
  mocker --root "$other" save -o "$WORK/pulled2.tar" "$REG/saved:one"
  cmp "$WORK/pulled.tar" "$WORK/pulled2.tar"
  rm -rf --one-file-system "$other"
}

@test "load refuses bad archives and leaves nothing behind" {
  n=$(image_count)
  # an entry climbing out
  mkdir -p "$WORK/evil"
  echo x > "$WORK/evil/f"
  tar -C "$WORK/evil" -cf "$WORK/evil.tar" --transform 's,^f,../escape,' f
  run mocker load -i "$WORK/evil.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"../escape"* ]]
  [ ! -e "$MOCKER_ROOT/tmp/escape" ]
  # a layer that is not what the config says
  mkdir -p "$WORK/bad"
  tar -xf "$WORK/one.tar" -C "$WORK/bad"
  layer=$(jq -r '.[0].Layers[0]' "$WORK/bad/manifest.json")
  tar -C "$WORK/evil" -cf "$WORK/bad/$layer" f
  tar -C "$WORK/bad" -cf "$WORK/bad.tar" .
  run mocker load -i "$WORK/bad.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"diff"* ]]
  # not an archive at all
  echo hello > "$WORK/notar"
  run mocker load -i "$WORK/notar"
  [ "$status" -eq 1 ]
  [ "$(image_count)" -eq "$n" ]
  check_no_junk
}

@test "save: errors leave no file; bad options" {
  run mocker save -o "$WORK/none.tar" saved:one nosuch:image
  [ "$status" -eq 1 ]
  [[ $output == *"nosuch"* ]]
  [ -z "$(ls "$WORK" | grep '^none.tar')" ]
  run mocker save --format zip -o "$WORK/x.tar" saved:one
  [ "$status" -eq 125 ]
  run mocker save
  [ "$status" -eq 1 ]
  run mocker load -i "$WORK/does-not-exist"
  [ "$status" -eq 1 ]
  check_no_junk
}

@test "save writes the archive in large blocks, the bytes as with 10 KiB blocks" {
  # 100 records per write(2), not one per 10 KiB record (issue 13, performance)
  strace -f -qq -e trace=write -o "$WORK/save.strace" \
    "$MOCKER_BIN" save -o "$WORK/blocks.tar" saved:one
  size=$(stat -c %s "$WORK/blocks.tar")
  [ "$size" -gt 1000000 ]
  writes=$(grep -c 'write(' "$WORK/save.strace")
  [ "$writes" -lt $(( size / 10240 / 4 )) ]
  # into a regular file unpadded (as libarchive does for one); down a pipe
  # padded to a 10 KiB record, as tar(1); the same archive either way
  [ $(( size % 512 )) -eq 0 ]
  "$MOCKER_BIN" save saved:one | cat > "$WORK/piped.tar"
  piped=$(stat -c %s "$WORK/piped.tar")
  [ $(( piped % 10240 )) -eq 0 ]
  cmp -n "$size" "$WORK/blocks.tar" "$WORK/piped.tar"
  [ -z "$(tail -c +$(( size + 1 )) "$WORK/piped.tar" | tr -d '\0')" ]
  rm -f "$WORK/blocks.tar" "$WORK/piped.tar" "$WORK/save.strace"
}

@test "load keeps each staged layer file as its blob (a link, not a copy), verified" {
  cp -a "$WORK/rootfs" "$WORK/rootfs-adopt"
  echo adopted > "$WORK/rootfs-adopt/marker"
  id=$("$MOCKER_BIN" init -t adopt:one "$WORK/rootfs-adopt")
  rm -rf "$WORK/rootfs-adopt"
  # two names, two entries of manifest.json naming one layer file
  "$MOCKER_BIN" tag adopt:one adopt:two
  "$MOCKER_BIN" save -o "$WORK/adopt.tar" adopt:one adopt:two
  [ "$(tar -xOf "$WORK/adopt.tar" manifest.json | jq length)" = 2 ]
  "$MOCKER_BIN" rmi adopt:one adopt:two > /dev/null
  size=$(stat -c %s "$WORK/adopt.tar")
  # the command's own writes (not its unpackers'): the staging, once
  strace -qq -e trace=write -o "$WORK/load.strace" "$MOCKER_BIN" load -q -i "$WORK/adopt.tar"
  written=$(awk -F'= ' '/^write\(/ { s += $NF } END { print s + 0 }' "$WORK/load.strace")
  [ "$written" -lt $(( size * 3 / 2 )) ]
  # each layer's blob is there, its size recorded, and hashes to its name,
  # which is the diff_id (a plain tar)
  n=0
  while read -r digest diff bsize; do
    [ "$digest" = "$diff" ]
    blob=$MOCKER_ROOT/blobs/sha256/${digest#sha256:}
    [ "$(stat -c %s "$blob")" = "$bsize" ]
    [ "sha256:$(sha256sum < "$blob" | cut -d' ' -f1)" = "$digest" ]
    n=$(( n + 1 ))
  done < <(jq -r '.layers[] | "\(.digest) \(.diff_id) \(.blob_size)"' \
             "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  [ "$n" -ge 1 ]
  [ -z "$(ls -A "$MOCKER_ROOT/tmp")" ]
  run -0 mocker run --rm --network none adopt:two cat /marker
  [ "$output" = adopted ]
  "$MOCKER_BIN" rmi adopt:one adopt:two > /dev/null
  rm -f "$WORK/adopt.tar" "$WORK/load.strace"
}

@test "load refuses a layer file that is not what the archive says (digest, diff_id): nothing kept" {
  x=$WORK/tampered
  mkdir -p "$x/oci" "$x/docker" "$x/other"
  cp -a "$WORK/rootfs" "$x/rootfs"
  echo tampered > "$x/rootfs/marker"
  id=$(mocker init -t tamper:one "$x/rootfs")
  # oci-archive: the layer file gzipped under its plain tar's name unpacks to
  # the right diff_id, but its digest is not the one the manifest names
  mocker save --format oci-archive -o "$x/oci.tar" tamper:one
  tar -xf "$x/oci.tar" -C "$x/oci"
  man=$(jq -r '.manifests[0].digest' "$x/oci/index.json")
  layer=$(jq -r '.layers[0].digest' "$x/oci/blobs/sha256/${man#sha256:}")
  gzip -n -c "$x/oci/blobs/sha256/${layer#sha256:}" > "$x/layer.gz"
  gz=sha256:$(sha256sum < "$x/layer.gz" | cut -d' ' -f1)
  mv "$x/layer.gz" "$x/oci/blobs/sha256/${layer#sha256:}"
  tar -cf "$x/oci-bad.tar" -C "$x/oci" .
  # docker-archive: another tar in the layer file's place (wrong diff_id)
  mocker save -o "$x/docker.tar" tamper:one
  tar -xf "$x/docker.tar" -C "$x/docker"
  lf=$(jq -r '.[0].Layers[0]' "$x/docker/manifest.json")
  echo other > "$x/other/f"
  tar -cf "$x/docker/$lf" -C "$x/other" f
  other=sha256:$(sha256sum < "$x/docker/$lf" | cut -d' ' -f1)
  tar -cf "$x/docker-bad.tar" -C "$x/docker" .
  mocker rmi tamper:one > /dev/null
  run mocker load -i "$x/oci-bad.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"digest mismatch: expected $layer, got $gz"* ]]
  run mocker load -i "$x/docker-bad.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"layer diff_id mismatch: expected "* ]]
  [ ! -e "$MOCKER_ROOT/blobs/sha256/${gz#sha256:}" ]
  [ ! -e "$MOCKER_ROOT/blobs/sha256/${other#sha256:}" ]
  [ ! -e "$MOCKER_ROOT/images/${id#sha256:}" ]
  check_no_junk
  # the untouched archive loads again, as it was
  mocker load -q -i "$x/oci.tar" > /dev/null
  [ "$(mocker images -q --no-trunc tamper:one)" = "$id" ]
  mocker rmi tamper:one > /dev/null
  rm -rf "$x"
}

@test "save -o streams each layer into the archive when the store knows its tar's size, checked" {
  id=$(cat "$WORK/one.id")
  mocker save saved:one > "$WORK/piped.tar"
  # no staging file: the layer goes from its blob into the archive
  strace -f -qq -e trace=openat -o "$WORK/save.strace" \
    "$MOCKER_BIN" save -o "$WORK/streamed.tar" saved:one
  ! grep -q "tmp/save-[^/]*/" "$WORK/save.strace" || false
  cmp -n "$(stat -c %s "$WORK/streamed.tar")" "$WORK/streamed.tar" "$WORK/piped.tar"
  # a recorded size that is wrong fails the save, and no file is left
  chain=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  meta=$MOCKER_ROOT/layers/${chain#sha256:}/layer.json
  cp "$meta" "$WORK/layer.json.saved"
  jq -c '.tar_size -= 512' "$WORK/layer.json.saved" > "$meta"
  run mocker save -o "$WORK/wrong-size.tar" saved:one
  cp "$WORK/layer.json.saved" "$meta"
  [ "$status" -eq 1 ]
  [[ $output == *"unpacks to more than the layer's"* ]]
  [ -z "$(ls "$WORK" | grep "^wrong-size.tar")" ]
  check_no_junk
  rm -f "$WORK/streamed.tar" "$WORK/piped.tar" "$WORK/save.strace" "$WORK/layer.json.saved"
}

@test "export: a stopped container's filesystem, changes and deletions applied; import makes it an image again" {
  mocker run --network none --name exp1 busybox sh -c 'mkdir /data; echo hi > /data/f; rm /bin/ls'
  mounts=$(grep -c " $MOCKER_ROOT/" /proc/self/mountinfo || true)
  mocker export -o "$WORK/exp1.tar" exp1
  # the namespace's mount went away with the process
  [ "$(grep -c " $MOCKER_ROOT/" /proc/self/mountinfo || true)" = "$mounts" ]
  tar -tf "$WORK/exp1.tar" > "$WORK/exp1.list"
  grep -qx 'data/f' "$WORK/exp1.list"
  grep -qx 'bin/sh' "$WORK/exp1.list"
  ! grep -qx 'bin/ls' "$WORK/exp1.list" || false
  ! grep -q '\.wh\.' "$WORK/exp1.list" || false
  [ "$(tar -xOf "$WORK/exp1.tar" data/f)" = hi ]
  # podman imports it too; mocker import + run sees the same files
  id=$(mocker import "$WORK/exp1.tar" exported:1)
  run mocker run --rm --network none exported:1 sh -c 'cat /data/f; ls /bin/ls'
  [ "$status" -eq 1 ]  # ls: the file deleted in the container is gone
  [[ $output == hi* ]]
  [[ $output == *"No such file"* ]]
  pm import "$WORK/exp1.tar" localhost/exported:1 > /dev/null
}

@test "export: a running container, to stdout" {
  mocker run -d --network none --name exp2 busybox sh -c 'echo live > /live; sleep 1000' > /dev/null
  for i in $(seq 100); do mocker exec exp2 cat /live > /dev/null 2>&1 && break; sleep 0.1; done
  mocker export exp2 > "$WORK/exp2.tar"
  [ "$(tar -xOf "$WORK/exp2.tar" live)" = live ]
  run mocker export nosuch
  [ "$status" -eq 1 ]
  [[ $output == *"no such container"* ]]
}
