#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker push to a private docker-registry on 127.0.0.1, checked by
# independent readers: skopeo (inspect, copy) and mocker pull into another
# store. Containers (for commit) use --network none.

load container-helpers
load registry-helpers

setup_file() {
  containers_setup
  export WORK=$MOCKER_TEST_DIR
  reg_start "$WORK/reg"
  export REG1=$REG REG1_PID=$REG_PID REG1_LOG=$REG_LOG
  reg_start "$WORK/reg2"
  export REG2=$REG REG2_PID=$REG_PID REG2_LOG=$REG_LOG
  export REG=$REG1 REG_PID=$REG1_PID REG_LOG=$REG1_LOG
}

teardown_file() {
  containers_teardown
  REG_PID=$REG1_PID reg_stop
  REG_PID=$REG2_PID reg_stop
}

teardown() {
  local ids
  ids=$(all_ids)
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

# count LOG METHOD PATTERN: mocker's requests of that method to URIs matching PATTERN
count() {
  grep -E "\"$2 [^ ]*$3[^ ]* HTTP/[0-9.]+\" [0-9]+ .*\"mocker/" "$1" | grep -c . || true
}

# An image of its own for a test: one layer with a marker file, tagged NAME.
own_image() {
  local dir=$WORK/img-$RANDOM
  busybox_rootfs "$dir"
  echo "$1" > "$dir/marker"
  mocker init -t "$1" "$dir" > /dev/null
}

@test "push: skopeo reads the image; the digest printed is the registry's" {
  own_image "$REG/app:v1"
  run --separate-stderr mocker push "$REG/app:v1"
  [ "$status" -eq 0 ]
  [[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
  [[ $stderr == *"The push refers to repository [$REG/app]"* ]]
  [[ $stderr == *": Pushed"* ]]
  [[ $stderr == *"v1: digest: $output size: "* ]]
  run skopeo inspect --tls-verify=false "docker://$REG/app:v1"
  [ "$status" -eq 0 ]
  [ "$(jq -r .Digest <<< "$output")" = "$(mocker push -q "$REG/app:v1")" ]
  # skopeo copy checks every digest; the config is the local image's, byte for byte
  skopeo copy --quiet --src-tls-verify=false "docker://$REG/app:v1" "oci:$WORK/copy:v1"
  cfg=$(jq -r .config.digest "$WORK/copy/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/copy/index.json" | cut -d: -f2)")
  cmp "$WORK/copy/blobs/sha256/${cfg#sha256:}" "$MOCKER_ROOT/images/${cfg#sha256:}/config.json"
}

@test "push: a second push sends no blob" {
  own_image "$REG/again:1"
  mocker push -q "$REG/again:1" > /dev/null
  [ "$(count "$REG_LOG" POST /v2/again/blobs/uploads/)" -eq 2 ]  # layer + config
  mocker push -q "$REG/again:1" > /dev/null
  [ "$(count "$REG_LOG" POST /v2/again/blobs/uploads/)" -eq 2 ]
  [ "$(count "$REG_LOG" HEAD /v2/again/blobs/)" -ge 4 ]
}

@test "push: chunked uploads (PATCH with Content-Range) give the same image" {
  own_image "$REG/chunked:1"
  d=$(MOCKER_PUSH_CHUNK_SIZE=100000 mocker push -q "$REG/chunked:1")
  [ "$(count "$REG_LOG" PATCH /v2/chunked/blobs/uploads/)" -ge 5 ]
  # the same image, pushed in one piece elsewhere, has the same digest
  mocker tag "$REG/chunked:1" "$REG/mono:1"
  [ "$(MOCKER_PUSH_CHUNK_SIZE=0 mocker push -q "$REG/mono:1")" = "$d" ]
  [ "$(count "$REG_LOG" PATCH /v2/mono/blobs/uploads/)" -eq 0 ]
  skopeo copy --quiet --src-tls-verify=false "docker://$REG/chunked:1" "oci:$WORK/chunked:1"
}

@test "push: a pulled image keeps its manifest; same registry mounts, another registry gets the blobs" {
  own_image "$REG/src:1"
  d=$(mocker push -q "$REG/src:1")
  other=$WORK/other-root
  mocker --root "$other" pull -q "$REG/src:1" > /dev/null
  # the pull kept no layer blob: the mount needs none
  mocker --root "$other" tag "$REG/src:1" "$REG/dst:1"
  run --separate-stderr mocker --root "$other" push "$REG/dst:1"
  [ "$status" -eq 0 ]
  [ "$output" = "$d" ]
  [[ $stderr == *"Mounted from src"* ]]
  [ "$(count "$REG_LOG" POST '/v2/dst/blobs/uploads/\?mount=')" -eq 1 ]
  [ "$(count "$REG_LOG" PATCH /v2/dst/blobs/uploads/)" -eq 0 ]
  # another registry: the blob is fetched once from where it was pulled, kept
  mocker --root "$other" tag "$REG/src:1" "$REG2/moved:1"
  [ "$(mocker --root "$other" push -q "$REG2/moved:1")" = "$d" ]
  [ "$(count "$REG1_LOG" GET /v2/src/blobs/sha256:)" -ge 1 ]
  skopeo inspect --tls-verify=false "docker://$REG2/moved:1" > /dev/null
  rm -rf --one-file-system "$other"
}

@test "push: the layers of a pulled image fetched for another registry read the store's image records once, not per layer" {
  own_image "$REG/multi:1"
  ctx=$WORK/multi-ctx
  mkdir -p "$ctx"
  printf '1\n' > "$ctx/a"; printf '2\n' > "$ctx/b"; printf '3\n' > "$ctx/c"
  printf 'FROM %s\nCOPY a /a\nCOPY b /b\nCOPY c /c\n' "$REG/multi:1" > "$ctx/Dockerfile"
  mocker build -q --network none -t "$REG/multi:2" "$ctx" > /dev/null
  mocker push -q "$REG/multi:2" > /dev/null
  other=$WORK/multi-root
  mocker --root "$other" pull -q "$REG/multi:2" > /dev/null
  id=$(mocker --root "$other" images -q --no-trunc "$REG/multi:2")
  [ "$(jq '.layers | length' "$other/images/${id#sha256:}/image.json")" -eq 4 ]
  mocker --root "$other" tag "$REG/multi:2" "$REG2/multi:2"
  # each of the 4 blobs is fetched from REG (the pull kept none): where from
  # is looked up in the store's records once for the push (its own load and
  # one listing), not twice per layer
  strace -f -qq -e trace=open,openat -o "$WORK/push.strace" \
    "$MOCKER_BIN" --root "$other" push -q "$REG2/multi:2" > /dev/null
  [ "$(count "$REG1_LOG" GET /v2/multi/blobs/sha256:)" -ge 4 ]
  reads=$(grep -c "images/${id#sha256:}/image.json\"" "$WORK/push.strace")
  [ "$reads" -ge 1 ]
  [ "$reads" -le 2 ]
  skopeo inspect --tls-verify=false "docker://$REG2/multi:2" > /dev/null
  rm -f "$WORK/push.strace"
  rm -rf --one-file-system "$other" "$ctx"
}

@test "push: a Docker schema2 image pulled is pushed as schema2" {
  own_image "$REG/oci:1"
  mocker push -q "$REG/oci:1" > /dev/null
  skopeo copy --quiet --format v2s2 --src-tls-verify=false --dest-tls-verify=false \
    "docker://$REG/oci:1" "docker://$REG/v2s2:1"
  want=$(skopeo inspect --raw --tls-verify=false "docker://$REG/v2s2:1" | sha256sum | cut -d' ' -f1)
  other=$WORK/v2s2-root
  mocker --root "$other" pull -q "$REG/v2s2:1" > /dev/null
  mocker --root "$other" tag "$REG/v2s2:1" "$REG2/v2s2:1"
  [ "$(mocker --root "$other" push -q "$REG2/v2s2:1")" = "sha256:$want" ]
  [ "$(skopeo inspect --raw --tls-verify=false "docker://$REG2/v2s2:1" | jq -r .mediaType)" = \
    application/vnd.docker.distribution.manifest.v2+json ]
  rm -rf --one-file-system "$other"
}

@test "push: a committed layer gets its gzip blob once; deletions travel as whiteouts" {
  mocker run --network none --name pushc busybox sh -c 'echo hi > /hello; rm /bin/ls' 
  id=$(mocker commit pushc "$REG/committed:1")
  [ "$(jq -r '.layers[1].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")" = null ]
  mocker push -q "$REG/committed:1" > /dev/null
  blob=$(jq -r '.layers[1].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  [[ $blob == sha256:* ]]
  [ -f "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}" ]
  # the blob is the layer: it unpacks to the diff_id of the config
  diff=$(jq -r '.rootfs.diff_ids[1]' "$MOCKER_ROOT/images/${id#sha256:}/config.json")
  [ "sha256:$(zcat "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}" | sha256sum | cut -d' ' -f1)" = "$diff" ]
  zcat "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}" | tar -t | grep -qx 'bin/.wh.ls'
  zcat "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}" | tar -t | grep -qx 'hello'
  # pushed again from scratch elsewhere: the same blob, not made again
  before=$(stat -c %Y.%i "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}")
  mocker tag "$REG/committed:1" "$REG2/committed:1"
  mocker push -q "$REG2/committed:1" > /dev/null
  [ "$(stat -c %Y.%i "$MOCKER_ROOT/blobs/sha256/${blob#sha256:}")" = "$before" ]
  skopeo copy --quiet --src-tls-verify=false "docker://$REG2/committed:1" "oci:$WORK/committed:1"
  # and mocker pulls it back to the same image
  other=$WORK/committed-root
  [ "$(mocker --root "$other" pull -q "$REG2/committed:1")" = "$id" ]
  rm -rf --one-file-system "$other"
}

@test "push: errors name what was wrong" {
  run mocker push "$REG/nothing:1"
  [ "$status" -eq 1 ]
  [[ $output == *"no such image"* ]]
  run mocker push "$REG/app@sha256:$(printf '%064d' 0)"
  [ "$status" -eq 1 ]
  [[ $output == *"not a digest"* ]]
  run mocker push
  [ "$status" -eq 1 ]
  run mocker push --bogus x
  [ "$status" -eq 125 ]
  check_no_junk
}

@test "push: an image built and one committed on a pulled base carry the base's blobs; pushed, skopeo reads them" {
  own_image "$REG/base:1"
  mocker push -q "$REG/base:1" > /dev/null
  other=$WORK/built-root
  mocker --root "$other" pull -q "$REG/base:1" > /dev/null
  base=$(mocker --root "$other" images -q --no-trunc "$REG/base:1")
  bdigest=$(jq -r '.layers[0].digest' "$other/images/${base#sha256:}/image.json")
  [[ $bdigest == sha256:* ]]
  ctx=$WORK/built-ctx
  mkdir -p "$ctx"
  echo added > "$ctx/added"
  printf 'FROM %s\nRUN echo ran > /ran\nCOPY added /added\n' "$REG/base:1" > "$ctx/Dockerfile"
  id=$(mocker --root "$other" build -q --network none -t "$REG/built:1" "$ctx")
  mocker --root "$other" run --network none --name onpulled "$REG/base:1" sh -c 'echo c > /c'
  cid=$(mocker --root "$other" commit onpulled "$REG2/committed-on-pulled:1")
  mocker --root "$other" rm onpulled > /dev/null
  # the base layer's blob is named in the new images, as in the base's record
  for i in "$id" "$cid"; do
    [ "$(jq -r '.layers[0].digest' "$other/images/${i#sha256:}/image.json")" = "$bdigest" ]
    [ "$(jq -r '.layers[0].media_type' "$other/images/${i#sha256:}/image.json")" = \
      "$(jq -r '.layers[0].media_type' "$other/images/${base#sha256:}/image.json")" ]
    [ "$(jq -r '.layers[0].blob_size' "$other/images/${i#sha256:}/image.json")" -gt 0 ]
  done
  # the base image goes: where its blob came from is kept by the images on it
  mocker --root "$other" rmi "$REG/base:1" > /dev/null
  run --separate-stderr mocker --root "$other" push "$REG/built:1"
  [ "$status" -eq 0 ]
  d=$output
  [[ $stderr == *"Mounted from base"* ]]
  run skopeo inspect --tls-verify=false "docker://$REG/built:1"
  [ "$status" -eq 0 ]
  [ "$(jq -r .Digest <<< "$output")" = "$d" ]
  [ "$(jq -r '.Layers[0]' <<< "$output")" = "$bdigest" ]
  [ "$(jq -r '.Layers | length' <<< "$output")" = 3 ]
  skopeo copy --quiet --src-tls-verify=false "docker://$REG/built:1" "oci:$WORK/built-copy:1"
  # to another registry: the base blob is fetched from where the base came from
  mocker --root "$other" tag "$REG/built:1" "$REG2/built:1"
  [ "$(mocker --root "$other" push -q "$REG2/built:1")" = "$d" ]
  skopeo copy --quiet --src-tls-verify=false "docker://$REG2/built:1" "oci:$WORK/built-copy2:1"
  mocker --root "$other" push -q "$REG2/committed-on-pulled:1" > /dev/null
  skopeo copy --quiet --src-tls-verify=false "docker://$REG2/committed-on-pulled:1" "oci:$WORK/cop:1"
  mocker --root "$other" rmi -f $(mocker --root "$other" images -q) > /dev/null
  rm -rf --one-file-system "$other"
}

@test "push: an image built on a base made by init carries the base's blob" {
  base=$(mocker images -q --no-trunc busybox)
  bdigest=$(jq -r '.layers[0].digest' "$MOCKER_ROOT/images/${base#sha256:}/image.json")
  ctx=$WORK/init-ctx
  mkdir -p "$ctx"
  printf 'FROM busybox\nRUN echo ran > /ran\n' > "$ctx/Dockerfile"
  id=$(mocker build -q --network none -t "$REG/on-init:1" "$ctx")
  [ "$(jq -r '.layers[0].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")" = "$bdigest" ]
  d=$(mocker push -q "$REG/on-init:1")
  [ "$(skopeo inspect --tls-verify=false "docker://$REG/on-init:1" | jq -r '.Digest + " " + .Layers[0]')" = "$d $bdigest" ]
  skopeo copy --quiet --src-tls-verify=false "docker://$REG/on-init:1" "oci:$WORK/on-init:1"
  mocker rmi "$REG/on-init:1" > /dev/null
}

@test "push: the digest is recorded as a RepoDigest (also two pushes at once); no manifest blob is left" {
  own_image "$REG/recorded:1"
  id=$(mocker images -q --no-trunc "$REG/recorded:1")
  mocker tag "$REG/recorded:1" "$REG/recorded2:1"
  ls "$MOCKER_ROOT/blobs/sha256" > "$WORK/blobs.before"
  mocker push -q "$REG/recorded:1" > "$WORK/d1" &
  p1=$!
  mocker push -q "$REG/recorded2:1" > "$WORK/d2" &
  p2=$!
  wait $p1
  wait $p2
  d=$(cat "$WORK/d1")
  [ "$(cat "$WORK/d2")" = "$d" ]
  [ "$(mocker image inspect "$REG/recorded:1" | jq -r '.[0].RepoDigests | sort | join(" ")')" = \
    "$REG/recorded2@$d $REG/recorded@$d" ]
  # the name with the digest finds the image
  [ "$(mocker image inspect "$REG/recorded@$d" | jq -r '.[0].Id')" = "$id" ]
  # the store keeps no blob nothing names
  ls "$MOCKER_ROOT/blobs/sha256" > "$WORK/blobs.after"
  diff "$WORK/blobs.before" "$WORK/blobs.after"
  # pushed again: recorded once
  mocker push -q "$REG/recorded:1" > /dev/null
  [ "$(mocker image inspect "$REG/recorded:1" | jq '.[0].RepoDigests | length')" = 2 ]
  # rmi of the last tag removes the image with its digests
  mocker rmi "$REG/recorded:1" "$REG/recorded2:1" > /dev/null
  [ ! -e "$MOCKER_ROOT/images/${id#sha256:}" ]
  run mocker image inspect "$REG/recorded@$d"
  [ "$status" -ne 0 ]
}

@test "push: an image pulled from a multi-platform index pushes its own platform's manifest" {
  L=$WORK/multi-layout
  oci_init "$L"
  busybox_rootfs "$WORK/multi-amd"
  echo amd > "$WORK/multi-amd/which"
  oci_add_layer "$L" "$WORK/multi-amd" gzip
  amd=$(oci_finish "$L" amd amd64)
  mkdir -p "$WORK/multi-arm"
  echo arm > "$WORK/multi-arm/which"
  oci_add_layer "$L" "$WORK/multi-arm" gzip
  oci_finish "$L" arm arm64 > /dev/null
  idx=$(oci_index "$L" multi amd arm)
  reg_push "$L" multi multi:1
  other=$WORK/multi-root
  mocker --root "$other" pull -q "$REG/multi:1" > /dev/null
  [ "$(mocker --root "$other" image inspect "$REG/multi:1" | jq -r '.[0].RepoDigests[0]')" = "$REG/multi@$idx" ]
  mocker --root "$other" tag "$REG/multi:1" "$REG/multi-amd:1"
  run --separate-stderr mocker --root "$other" push "$REG/multi-amd:1"
  [ "$status" -eq 0 ]
  [ "$output" = "$amd" ]
  [[ $stderr == *"Mounted from multi"* ]]
  # built on it: the base's blob is mounted from the index's repository
  ctx=$WORK/multi-ctx
  mkdir -p "$ctx"
  printf 'FROM %s\nRUN echo x > /x\n' "$REG/multi:1" > "$ctx/Dockerfile"
  mocker --root "$other" build -q --network none -t "$REG/multi-built:1" "$ctx" > /dev/null
  mocker --root "$other" push -q "$REG/multi-built:1" > /dev/null
  skopeo copy --quiet --src-tls-verify=false "docker://$REG/multi-built:1" "oci:$WORK/multi-built:1"
  mocker --root "$other" rmi -f $(mocker --root "$other" images -q) > /dev/null
  rm -rf --one-file-system "$other"
}
