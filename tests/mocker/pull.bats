#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker pull against a private docker-registry on 127.0.0.1 (and a
# misbehaving front for it, tests/helpers/fake-registry.py), with images
# built here as OCI layouts from busybox-static.

load registry-helpers

setup_file() {
  export WORK=$(mktemp -d /tmp/mocker-pull-XXXXXX)
  reg_start "$WORK/reg"
  local L=$WORK/layout r
  oci_init "$L"

  # one: a single gzip layer
  busybox_rootfs "$WORK/base"
  oci_add_layer "$L" "$WORK/base" gzip
  oci_finish "$L" one > "$WORK/one.digest"

  # multi: a base, then whiteouts, an opaque dir, hardlinks, a symlink, a capability
  r=$WORK/m1
  busybox_rootfs "$r"
  mkdir -p "$r/d" "$r/o"
  echo a > "$r/a"; echo x > "$r/d/x"; echo y > "$r/d/y"; echo p > "$r/o/p"; echo keep > "$r/keep"
  oci_add_layer "$L" "$r" gzip
  r=$WORK/m2
  mkdir -p "$r/d" "$r/o"
  : > "$r/.wh.a"; : > "$r/d/.wh.x"; : > "$r/o/.wh..wh..opq"
  echo new > "$r/o/new"
  echo linked > "$r/h1"; ln "$r/h1" "$r/h2"
  ln -s bin/busybox "$r/s"
  cp /bin/busybox "$r/cap"; setcap cap_net_raw+ep "$r/cap"
  oci_add_layer "$L" "$r" gzip
  cp "$L/blobs/sha256/"* "$WORK/" 2>/dev/null || true
  printf '%s\n' "${OCI_LAYERS[@]}" > "$WORK/multi.layers"
  printf '%s\n' "${OCI_DIFFIDS[@]}" > "$WORK/multi.diffids"
  oci_finish "$L" multi > "$WORK/multi.digest"

  # shared: multi's two layers and one more
  mapfile -t OCI_LAYERS < "$WORK/multi.layers"
  mapfile -t OCI_DIFFIDS < "$WORK/multi.diffids"
  mkdir -p "$WORK/s3"; echo third > "$WORK/s3/third"
  oci_add_layer "$L" "$WORK/s3" gzip
  oci_finish "$L" shared > /dev/null

  # zstd and plain layers
  oci_add_layer "$L" "$WORK/base" zstd
  mkdir -p "$WORK/z2"; echo plain > "$WORK/z2/plain"
  oci_add_layer "$L" "$WORK/z2" none
  oci_finish "$L" zstd > /dev/null

  # multi-arch: amd64 + arm64, and arm-only variants
  oci_add_layer "$L" "$WORK/base" gzip
  oci_finish "$L" arch-amd64 amd64 > "$WORK/amd64.digest"
  mkdir -p "$WORK/arm"; echo arm64 > "$WORK/arm/arch"
  oci_add_layer "$L" "$WORK/arm" gzip
  oci_finish "$L" arch-arm64 arm64 > "$WORK/arm64.digest"
  oci_index "$L" arch arch-amd64 arch-arm64 > "$WORK/arch.digest"
  mkdir -p "$WORK/armv7"; echo v7 > "$WORK/armv7/arch"
  oci_add_layer "$L" "$WORK/armv7" gzip
  oci_finish "$L" arch-armv7 arm v7 > /dev/null
  oci_index "$L" armidx arch-arm64 arch-armv7 > /dev/null

  # images whose blobs get damaged in the registry (unique content each)
  for r in bad trunc drop slow; do
    mkdir -p "$WORK/$r"
    head -c 300000 /dev/urandom > "$WORK/$r/random-$r"
    oci_add_layer "$L" "$WORK/$r" gzip
    oci_finish "$L" "$r" > "$WORK/$r.digest"
  done

  # a config whose diff_id does not match its layer
  mkdir -p "$WORK/baddiff"; echo baddiff > "$WORK/baddiff/f"
  oci_add_layer "$L" "$WORK/baddiff" gzip
  OCI_DIFFIDS=("\"sha256:$(echo other | sha256sum | cut -d' ' -f1)\"")
  oci_finish "$L" baddiff > /dev/null

  for r in one multi shared zstd arch armidx bad trunc drop slow baddiff; do
    reg_push "$L" "$r" "test/$r:latest"
  done
  reg_push "$L" arch-arm64 test/armonly:latest
  reg_push "$L" one test/docker:latest --format v2s2
  reg_push "$L" arch test/dlist:latest --format v2s2
}

teardown_file() {
  reg_stop
  rm -rf --one-file-system "$WORK"
}

setup() {
  ROOT=$(mktemp -d "$WORK/root-XXXXXX")
  export MOCKER_INSECURE_REGISTRIES=$REG
  unset MOCKER_AUTH MOCKER_REGISTRY_MIRROR
  export HOME=$ROOT/home
  L=$WORK/layout
}

teardown() {
  fake_stop
  rm -rf --one-file-system "$ROOT"
}

m() {
  "$MOCKER_BIN" --root "$ROOT" "$@"
}

# The config digest (= image id) of the manifest tagged NAME in the layout.
config_of() {
  local md
  md=$(jq -r --arg n "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' "$L/index.json")
  jq -r .config.digest "$L/blobs/sha256/${md#sha256:}"
}

# diff_ids of the manifest tagged NAME, one per line.
diff_ids_of() {
  jq -r .rootfs.diff_ids[] "$L/blobs/sha256/$(config_of "$1" | cut -d: -f2)"
}

# Chain id of the top layer of NAME.
top_chain_of() {
  local chain= d
  for d in $(diff_ids_of "$1"); do
    if [ -z "$chain" ]; then chain=$d
    else chain=sha256:$(printf '%s %s' "$chain" "$d" | sha256sum | cut -d' ' -f1)
    fi
  done
  echo "$chain"
}

layer_dir() {
  echo "$ROOT/layers/${1#sha256:}/diff"
}

# No image of that name is registered (the index is the source of truth).
assert_not_registered() {
  if [ -e "$ROOT/repositories.json" ]; then
    ! grep -q "$1" "$ROOT/repositories.json" || false
  fi
}

@test "pull: a single-layer OCI image; stdout is the image ID alone, progress on stderr" {
  run --separate-stderr m pull "$REG/test/one"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  [[ $stderr == *"Pull complete"* ]]
  [[ $stderr == *"Digest: $(cat "$WORK/one.digest")"* ]]
  [[ $stderr == *"Status: Downloaded newer image for $REG/test/one:latest"* ]]
  # not a terminal: plain lines, no cursor movement
  [[ $stderr != *$'\e'* ]]
  [ -x "$(layer_dir "$(top_chain_of one)")/bin/busybox" ]
  grep -q "$REG/test/one:latest" "$ROOT/repositories.json"
  run m images
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == "$REG/test/one "*latest*"$(config_of one | cut -c8-19)"* ]]
}

@test "pull with stderr on a terminal draws progress in place (a bar from 110 columns)" {
  # stderr (and the progress) on the terminal, stdout to a file: the ID alone
  script -qec "stty cols 80; $MOCKER_BIN --root $ROOT pull $REG/test/one > $ROOT/id.out" /dev/null > "$ROOT/tty.out"
  grep -q $'\e\[2K.*Downloading  [0-9.]*[kM]*B/1.03[0-9]*MB' "$ROOT/tty.out"
  grep -q $'\e\[[0-9]*A' "$ROOT/tty.out"
  grep -q "Pull complete" "$ROOT/tty.out"
  [ "$(cat "$ROOT/id.out")" = "$(config_of one)" ]
  ! grep -q "$(config_of one)" "$ROOT/tty.out" || false
  rm -rf "$ROOT/layers" "$ROOT/repositories.json"
  script -qec "stty cols 120; $MOCKER_BIN --root $ROOT pull $REG/test/one > $ROOT/id.out" /dev/null > "$ROOT/tty.out"
  grep -q $'\e\[2K.*Downloading \[=*>* *\] *[0-9.]*[kM]*B/1.03[0-9]*MB' "$ROOT/tty.out"
  # stdout a terminal, stderr not: plain progress lines, no bars
  rm -rf "$ROOT/layers" "$ROOT/repositories.json"
  script -qec "$MOCKER_BIN --root $ROOT pull $REG/test/one 2> $ROOT/err.out" /dev/null > "$ROOT/tty.out"
  [ "$(tr -d '\r' < "$ROOT/tty.out")" = "$(config_of one)" ]
  grep -q "Pull complete" "$ROOT/err.out"
  ! grep -q $'\e' "$ROOT/err.out" || false
}

@test "pull: layers are downloaded in parallel" {
  fake_start "$ROOT" --barrier "$(jq -r .digest "$WORK/multi.layers" | paste -sd,)"
  run m pull -q --insecure "$FAKE/test/multi"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
}

@test "pull: two pulls of one image at once make one image" {
  m pull -q "$REG/test/multi" > "$ROOT/a" 2>&1 &
  local a=$!
  m pull -q "$REG/test/multi" > "$ROOT/b" 2>&1 &
  local b=$!
  wait "$a"
  wait "$b"
  [ "$(cat "$ROOT/a")" = "$(config_of multi)" ]
  [ "$(cat "$ROOT/b")" = "$(config_of multi)" ]
  [ "$(m images -q | wc -l)" = 1 ]
  [ -d "$(layer_dir "$(top_chain_of multi)")" ]
}

@test "pull after rmi downloads the layers again" {
  run m pull -q "$REG/test/one"
  [ "$status" -eq 0 ]
  run m rmi "$REG/test/one"
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/layers/$(top_chain_of one | cut -d: -f2)" ]
  run m pull -q "$REG/test/one"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  [ -x "$(layer_dir "$(top_chain_of one)")/bin/busybox" ]
}

@test "pull -q prints only the ID; --insecure without the environment" {
  unset MOCKER_INSECURE_REGISTRIES
  run m pull -q --insecure "$REG/test/one:latest"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
}

@test "pull: a plain-HTTP registry on loopback needs neither --insecure nor the environment (as Docker)" {
  # (that a name off loopback still needs TLS is tests/unit/test_registry_loopback.c)
  unset MOCKER_INSECURE_REGISTRIES
  run --separate-stderr m --debug pull -q "$REG/test/one"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  [[ $stderr == *"TLS failed"*"using plain HTTP"* ]]
  run --separate-stderr m pull -q "localhost:${REG##*:}/test/multi"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
}

@test "pull: whiteouts, opaque dir, hardlinks, symlink, security.capability" {
  run --separate-stderr m pull "$REG/test/multi"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
  local top base
  top=$(layer_dir "$(top_chain_of multi)")
  base=$(layer_dir "$(diff_ids_of multi | head -1)")
  [ "$(cat "$base/a")" = a ]
  [ "$(stat -c '%F %t,%T' "$top/a")" = "character special file 0,0" ]
  [ "$(stat -c '%F %t,%T' "$top/d/x")" = "character special file 0,0" ]
  [ ! -e "$top/.wh.a" ]
  [ ! -e "$top/d/.wh.x" ]
  [ ! -e "$top/o/.wh..wh..opq" ]
  [ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$top/o")" = y ]
  [ "$(cat "$top/o/new")" = new ]
  [ "$(stat -c %i "$top/h1")" = "$(stat -c %i "$top/h2")" ]
  [ "$(readlink "$top/s")" = bin/busybox ]
  [[ $(getcap "$top/cap") == *cap_net_raw*ep* ]]
}

@test "pull: zstd and uncompressed layers" {
  run m pull -q "$REG/test/zstd"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of zstd)" ]
  [ "$(cat "$(layer_dir "$(top_chain_of zstd)")/plain")" = plain ]
}

@test "pull: a Docker schema2 manifest" {
  curl -sf -o /dev/null -w '%{content_type}' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG/v2/test/docker/manifests/latest" > "$ROOT/ct"
  [ "$(cat "$ROOT/ct")" = application/vnd.docker.distribution.manifest.v2+json ]
  run m pull -q "$REG/test/docker"
  [ "$status" -eq 0 ]
  [[ $output == sha256:* ]]
  [ -x "$(layer_dir "$(top_chain_of one)")/bin/busybox" ]
}

@test "pull: a Docker manifest list" {
  [ "$(uname -m)" = x86_64 ] || skip "the list is built for an amd64 host"
  curl -sf -o /dev/null -w '%{content_type}' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    "http://$REG/v2/test/dlist/manifests/latest" > "$ROOT/ct"
  [ "$(cat "$ROOT/ct")" = application/vnd.docker.distribution.manifest.list.v2+json ]
  run m pull -q "$REG/test/dlist"
  [ "$status" -eq 0 ]
  [[ $output == sha256:* ]]
  [ -x "$(layer_dir "$(top_chain_of arch-amd64)")/bin/busybox" ]
  [ ! -e "$(layer_dir "$(top_chain_of arch-arm64)")" ]
}

@test "pull: docker.io names go to MOCKER_REGISTRY_MIRROR" {
  MOCKER_REGISTRY_MIRROR=http://$REG run m pull -q test/one
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  grep -q '"docker.io/test/one:latest"' "$ROOT/repositories.json"
  # host:port form, plain HTTP because it is listed as insecure
  MOCKER_REGISTRY_MIRROR=$REG run m pull -q docker.io/test/multi:latest
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
}

@test "pull: a mirror never gets Docker Hub's credentials, only its own" {
  fake_start "$ROOT" --basic bob:pw
  export MOCKER_INSECURE_REGISTRIES=$FAKE MOCKER_REGISTRY_MIRROR=$FAKE
  mkdir -p "$HOME/.mocker"
  echo "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"$(printf bob:pw | base64)\"}}}" > "$HOME/.mocker/auth.json"
  run m pull -q test/one
  [ "$status" -ne 0 ]
  [[ $output == *"$FAKE requires a login"* ]]
  ! grep -q 'auth=Basic' "$FAKE_LOG" || false
  echo "{\"auths\":{\"$FAKE\":{\"auth\":\"$(printf bob:pw | base64)\"}}}" > "$HOME/.mocker/auth.json"
  run m pull -q test/one
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
}

@test "pull: a multi-arch index picks the host's platform, --platform another" {
  [ "$(uname -m)" = x86_64 ] || skip "the index is built for an amd64 host"
  run m pull -q "$REG/test/arch"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of arch-amd64)" ]
  run m pull -q --platform linux/arm64 "$REG/test/arch"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of arch-arm64)" ]
  [ "$(cat "$(layer_dir "$(top_chain_of arch-arm64)")/arch")" = arm64 ]
  # again: the index and the manifest are known, only a HEAD is sent
  local manifests_before
  manifests_before=$(reg_count_gets /manifests/)
  run m pull -q "$REG/test/arch"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of arch-amd64)" ]
  [ "$(reg_count_gets /manifests/)" = "$manifests_before" ]
}

@test "pull: no manifest for the platform: the error lists those offered" {
  run m pull -q "$REG/test/armidx"
  [ "$status" -ne 0 ]
  [[ $output == *"no matching manifest for linux/amd64 in the manifest list entries (offered: linux/arm64, linux/arm/v7)"* ]]
  run m pull -q --platform linux/s390x "$REG/test/arch"
  [ "$status" -ne 0 ]
  [[ $output == *"no matching manifest for linux/s390x"*"offered: linux/amd64, linux/arm64"* ]]
  assert_not_registered test/armidx
}

@test "pull: a single manifest for another platform is refused" {
  run m pull -q "$REG/test/armonly"
  [ "$status" -ne 0 ]
  [[ $output == *"image is for linux/arm64, not linux/amd64"* ]]
  assert_not_registered test/armonly
  run m pull -q --platform linux/arm64 "$REG/test/armonly"
  [ "$status" -eq 0 ]
}

@test "pull by digest; a wrong digest is an unknown manifest" {
  local d
  d=$(cat "$WORK/one.digest")
  run --separate-stderr m pull "$REG/test/one@$d"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  grep -q "$REG/test/one@$d" "$ROOT/repositories.json"
  run m pull -q "$REG/test/one@sha256:$(printf 0%.0s {1..64})"
  [ "$status" -ne 0 ]
  [[ $output == *"manifest unknown"* ]]
}

@test "pull: a missing tag or repository is a clear error" {
  run m pull -q "$REG/test/one:nosuch"
  [ "$status" -ne 0 ]
  [ "$output" = "mocker: pull $REG/test/one:nosuch: manifest unknown" ]
  run m pull -q "$REG/nosuch/repo"
  [ "$status" -ne 0 ]
  [[ $output == "mocker: pull $REG/nosuch/repo:latest: "*unknown* ]]
  run m pull -q "$REG/UPPER/x"
  [ "$status" -ne 0 ]
  [[ $output == *"invalid reference \"$REG/UPPER/x\": repository name must be lowercase"* ]]
}

@test "pull again is a no-op; a second image sharing layers downloads only the new one" {
  run m pull -q "$REG/test/multi"
  [ "$status" -eq 0 ]
  local blobs_before manifests_before
  blobs_before=$(reg_count_gets /blobs/)
  manifests_before=$(reg_count_gets /manifests/)
  run --separate-stderr m pull "$REG/test/multi"
  [ "$status" -eq 0 ]
  [[ $stderr == *"Image is up to date"* ]]
  [ "$output" = "$(config_of multi)" ]
  # nothing downloaded: a HEAD of the manifest was enough
  [ "$(reg_count_gets /blobs/)" = "$blobs_before" ]
  [ "$(reg_count_gets /manifests/)" = "$manifests_before" ]

  run m pull -q "$REG/test/shared"
  [ "$status" -eq 0 ]
  # the config and the one new layer
  [ "$(reg_count_gets /blobs/)" = "$((blobs_before + 2))" ]
  local first
  first=$(jq -r '.digest' <<< "$(head -1 "$WORK/multi.layers")")
  [ "$(grep -c "GET /v2/test/shared/blobs/$first" "$REG_LOG")" = 0 ]
}

@test "pull: a Bearer token from the challenge's realm; no Authorization across the redirect" {
  fake_start "$ROOT" --bearer --redirect-blobs
  export MOCKER_INSECURE_REGISTRIES=$FAKE
  run m pull -q "$FAKE/test/multi"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
  local fport=${FAKE#*:}
  # a token was asked for with the challenge's service and scope
  grep -q "^$fport GET /token?service=fake%2Cregistry&scope=repository%3Atest%2Fmulti%3Apull auth=-" "$FAKE_LOG"
  # the registry got it on manifests and blobs
  grep -q "^$fport GET /v2/test/multi/manifests/latest auth=Bearer tok-" "$FAKE_LOG"
  grep -q "^$fport GET /v2/test/multi/blobs/.* auth=Bearer tok-" "$FAKE_LOG"
  # the blob storage on the other origin got the blobs, never the token
  grep -q "^$FAKE_BLOB_PORT GET /v2/test/multi/blobs/" "$FAKE_LOG"
  ! grep "^$FAKE_BLOB_PORT " "$FAKE_LOG" | grep -v 'auth=-$' || false
}

@test "pull: credentials for the token server; bad ones are a clear error" {
  fake_start "$ROOT" --bearer --user alice:s3cret --token-uses 2
  export MOCKER_INSECURE_REGISTRIES=$FAKE
  MOCKER_AUTH=alice:wrong run m pull -q "$FAKE/test/one"
  [ "$status" -ne 0 ]
  [[ $output == *"bad credentials for $FAKE"* ]]
  assert_not_registered test/one
  # from ~/.mocker/auth.json; tokens good for 2 requests only: refreshed on 401
  mkdir -p "$HOME/.mocker"
  echo "{\"auths\":{\"$FAKE\":{\"auth\":\"$(printf alice:s3cret | base64)\"}}}" > "$HOME/.mocker/auth.json"
  run m pull -q "$FAKE/test/multi"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of multi)" ]
  [ "$(grep -c ' GET /token' "$FAKE_LOG")" -ge 3 ]
  grep -q "GET /token.* auth=Basic $(printf alice:s3cret | base64)" "$FAKE_LOG"
}

@test "pull: HTTP Basic: a login is required, bad credentials are refused, none cross a redirect" {
  fake_start "$ROOT" --basic bob:pw --redirect-blobs
  export MOCKER_INSECURE_REGISTRIES=$FAKE
  run m pull -q "$FAKE/test/one"
  [ "$status" -ne 0 ]
  [[ $output == *"$FAKE requires a login (Basic): run \`mocker login $FAKE\` or set MOCKER_AUTH"* ]]
  MOCKER_AUTH=bob:nope run m pull -q "$FAKE/test/one"
  [ "$status" -ne 0 ]
  [[ $output == *"bad credentials for $FAKE"* ]]
  MOCKER_AUTH=bob:pw run m pull -q "$FAKE/test/one"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  grep -q "^${FAKE#*:} GET /v2/test/one/blobs/.* auth=Basic $(printf bob:pw | base64)" "$FAKE_LOG"
  grep -q "^$FAKE_BLOB_PORT GET /v2/test/one/blobs/" "$FAKE_LOG"
  ! grep "^$FAKE_BLOB_PORT " "$FAKE_LOG" | grep -v 'auth=-$' || false
}

@test "pull: a rate limit is an error quoting the limit" {
  fake_start "$ROOT" --ratelimit
  run m pull -q --insecure "$FAKE/test/one"
  [ "$status" -ne 0 ]
  [[ $output == *"rate limit"*"ratelimit-limit: 100;w=21600, ratelimit-remaining: 0;w=21600"*"You have reached your pull rate limit."* ]]
}

@test "pull: a blob whose content does not match its digest is refused" {
  local f
  f=$(reg_blob_file "$(jq -r '.layers[0].digest' "$L/blobs/sha256/$(cut -d: -f2 < "$WORK/bad.digest")")")
  [ -f "$f" ]
  # same size, different bytes
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0xff; open(p,"wb").write(b)' "$f"
  run m pull -q "$REG/test/bad"
  [ "$status" -ne 0 ]
  [[ $output == *"digest mismatch"* ]]
  assert_not_registered test/bad
  [ ! -e "$ROOT/layers/$(top_chain_of bad | cut -d: -f2)" ]
  [ -z "$(ls -A "$ROOT/tmp")" ]
}

@test "pull: a layer whose diff_id does not match the config is not published" {
  run m pull -q "$REG/test/baddiff"
  [ "$status" -ne 0 ]
  [[ $output == *"diff_id mismatch"* ]]
  assert_not_registered test/baddiff
  [ -z "$(ls -A "$ROOT/layers")" ]
  [ -z "$(ls -A "$ROOT/tmp")" ]
}

@test "pull: 5xx answers are retried; always failing, a clear error" {
  fake_start "$ROOT" --error-status 503 --error-times 2
  run m pull -q --insecure "$FAKE/test/one"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of one)" ]
  fake_stop
  rm -rf "$ROOT/layers" "$ROOT/repositories.json" "$ROOT/blobs"
  fake_start "$ROOT" --error-status 503
  run m pull -q --insecure "$FAKE/test/one"
  [ "$status" -ne 0 ]
  [[ $output == *"giving up after 5 attempts: HTTP 503: try again later"* ]]
  assert_not_registered test/one
}

@test "pull: a truncated blob is refused after retries" {
  local f
  f=$(reg_blob_file "$(jq -r '.layers[0].digest' "$L/blobs/sha256/$(cut -d: -f2 < "$WORK/trunc.digest")")")
  truncate -s 1000 "$f"
  run m pull -q "$REG/test/trunc"
  [ "$status" -ne 0 ]
  [[ $output == *"truncated"* ]]
  assert_not_registered test/trunc
  [ -z "$(ls -A "$ROOT/tmp")" ]
}

@test "pull: a connection dropped mid-blob is resumed; always dropped, a clear error" {
  fake_start "$ROOT" --drop-after 20000 --drop-times 1
  run m pull -q --insecure "$FAKE/test/drop"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of drop)" ]
  # resumed where it stopped
  grep -q "RANGE /v2/test/drop/blobs/.* bytes=20000-" "$FAKE_LOG"
  fake_stop
  rm -rf "$ROOT/layers" "$ROOT/repositories.json"
  fake_start "$ROOT" --drop-after 0
  run m pull -q --insecure "$FAKE/test/drop"
  [ "$status" -ne 0 ]
  [[ $output == *"giving up after 5 attempts"* ]]
}

@test "pull: SIGKILL in the middle leaves no image; the next pull completes" {
  fake_start "$ROOT" --drop-after 50000 --stall
  MOCKER_INSECURE_REGISTRIES=$FAKE "$MOCKER_BIN" --root "$ROOT" pull -q "$FAKE/test/slow" > /dev/null 2>&1 &
  local pid=$! i
  for i in $(seq 100); do
    grep -q "GET /v2/test/slow/blobs/$(jq -r '.layers[0].digest' "$L/blobs/sha256/$(cut -d: -f2 < "$WORK/slow.digest")")" "$FAKE_LOG" && break
    sleep 0.1
  done
  sleep 0.3
  kill -9 "$pid"
  wait "$pid" || true
  assert_not_registered test/slow
  # the half-unpacked layer stays in staging (tmp/), never published
  [ ! -e "$ROOT/layers/$(top_chain_of slow | cut -d: -f2)" ]
  run m pull -q "$REG/test/slow"
  [ "$status" -eq 0 ]
  [ "$output" = "$(config_of slow)" ]
  grep -q "$REG/test/slow:latest" "$ROOT/repositories.json"
  [ -d "$ROOT/layers/$(top_chain_of slow | cut -d: -f2)/diff" ]
}
