#!/usr/bin/env bats
# mocker run of an image the store lacks pulls it first (as Docker), from a
# private docker-registry on 127.0.0.1 (registry-helpers.bash).
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
  reg_push "$L" one test/one:latest
}

teardown_file() {
  reg_stop
  containers_teardown
}

@test "run pulls a missing image first, then runs it" {
  export MOCKER_INSECURE_REGISTRIES=$REG
  [ "$(image_count)" -eq 0 ]
  run --separate-stderr mocker run --rm --network none "$REG/test/one" /bin/echo pulled-and-ran
  [ "$status" -eq 0 ]
  [ "$output" = pulled-and-ran ]
  [[ $stderr == *"Unable to find image '$REG/test/one:latest' locally"* ]]
  [[ $stderr == *"Downloaded newer image for $REG/test/one:latest"* ]]
  [ "$(image_count)" -eq 1 ]
  # The second run finds it in the store: nothing is pulled.
  run --separate-stderr mocker run --rm --network none "$REG/test/one" /bin/echo again
  [ "$output" = again ]
  [ -z "$stderr" ]
  # An image the registry does not have: 125 and the registry's answer.
  run mocker run --rm --network none "$REG/test/missing"
  [ "$status" -eq 125 ]
  [[ $output == *"test/missing"* ]]
}
