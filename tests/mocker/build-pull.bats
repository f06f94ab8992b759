#!/usr/bin/env bats
# mocker build: a base image the store lacks is pulled (as Docker), --pull
# pulls it even when present; from a private docker-registry on 127.0.0.1
# (registry-helpers.bash).
bats_require_minimum_version 1.5.0

load registry-helpers
load container-helpers

setup_file() {
  mocker_root_setup
  reg_start "$MOCKER_TEST_DIR/reg"
  local L=$MOCKER_TEST_DIR/layout
  oci_init "$L"
  busybox_rootfs "$MOCKER_TEST_DIR/base"
  oci_add_layer "$L" "$MOCKER_TEST_DIR/base" gzip
  oci_finish "$L" one > /dev/null
  reg_push "$L" one test/base:latest
}

teardown_file() {
  reg_stop
  containers_teardown
}

# GETs and HEADs of the base's manifests by mocker (a re-pull of a known
# manifest only sends a HEAD).
manifest_requests() {
  grep -E '"(GET|HEAD) /v2/test/base/manifests/[^ ]* HTTP/[0-9.]+" [0-9]+ .*"mocker/' "$REG_LOG" | grep -c . || true
}

@test "FROM a missing image pulls it; --pull asks the registry again" {
  export MOCKER_INSECURE_REGISTRIES=$REG
  local ctx=$MOCKER_TEST_DIR/ctx
  mkdir -p "$ctx"
  printf 'FROM %s/test/base\nRUN echo built-on-pulled\n' "$REG" > "$ctx/Dockerfile"
  run -0 mocker build --network none -t on-pulled "$ctx"
  [[ $output == *"latest: Pulling from $REG/test/base"* ]]
  [[ $output == *"Status: Downloaded newer image for $REG/test/base:latest"* ]]
  [[ $output == *built-on-pulled* ]]
  before=$(manifest_requests)
  # Present now: no registry request.
  run -0 mocker build --network none "$ctx"
  [[ $output != *Pulling* ]]
  [ "$(manifest_requests)" = "$before" ]
  # --pull: the registry is asked, nothing new is downloaded, the cache holds.
  run -0 mocker build --pull --network none "$ctx"
  [[ $output == *"Status: Image is up to date for $REG/test/base:latest"* ]]
  [[ $output == *"Using cache"* ]]
  [ "$(manifest_requests)" -gt "$before" ]
  # A base the registry lacks: the error names the line and the reference.
  printf 'FROM %s/test/missing\n' "$REG" > "$ctx/Dockerfile"
  run -1 mocker build --network none "$ctx"
  [[ $output == *"Dockerfile line 1: FROM $REG/test/missing: "* ]]
}
