#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Values from outside that end up in JSON mocker writes (issue 15): strings
# that are not UTF-8 and image configs nested deeper than a generator takes
# are refused with a clear error, before anything is made; never a broken
# config, never a container directory or mount left behind.

load container-helpers
load registry-helpers

setup_file() {
  containers_setup
  # An image whose stored config holds a deeply nested label (as a registry
  # could serve before the store refused them): a copy of busybox's.
  local id hex deep
  id=$(mocker images --no-trunc --format json | jq -r 'select(.Repository == "busybox") | .ID' | head -1)
  hex=${id#sha256:}
  deep=$(printf '[%.0s' $(seq 200))1$(printf ']%.0s' $(seq 200))
  jq -c --argjson d "$deep" '.config.Labels = {"ok": "x", "deep": $d}' \
    "$MOCKER_ROOT/images/$hex/config.json" > "$MOCKER_TEST_DIR/deep-label.json"
  # in Cmd, a value `run` copies into the container's record
  jq -c --argjson d "$deep" '.config.Cmd = ["true", $d]' \
    "$MOCKER_ROOT/images/$hex/config.json" > "$MOCKER_TEST_DIR/deep-cmd.json"
  cp "$MOCKER_ROOT/images/$hex/config.json" "$MOCKER_TEST_DIR/busybox.json"
  echo "$hex" > "$MOCKER_TEST_DIR/busybox.hex"
}

teardown_file() {
  containers_teardown
}

teardown() {
  reg_stop
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
  # the busybox image's config as it was
  cp "$MOCKER_TEST_DIR/busybox.json" "$MOCKER_ROOT/images/$(cat "$MOCKER_TEST_DIR/busybox.hex")/config.json"
}

deep_config() {  # deep_config label|cmd
  cp "$MOCKER_TEST_DIR/deep-$1.json" "$MOCKER_ROOT/images/$(cat "$MOCKER_TEST_DIR/busybox.hex")/config.json"
}

@test "commit: -c, -a and -m that are not UTF-8 are refused, naming the option" {
  mocker run --network none --name u8 busybox true
  local before
  before=$(image_count)
  run --separate-stderr mocker commit -c $'ENV \xff=' u8 bad:utf8
  echo "status=$status stderr=$stderr"
  [ "$status" -ne 0 ]
  [[ $stderr == *'--change `ENV \xff=`: not valid UTF-8'* ]]
  run --separate-stderr mocker commit -a $'me \xc0\xaf' u8 bad:utf8
  [ "$status" -ne 0 ]
  [[ $stderr == *'--author `me \xc0\xaf`: not valid UTF-8'* ]]
  run --separate-stderr mocker commit -m $'\xed\xa0\x80' u8 bad:utf8
  [ "$status" -ne 0 ]
  [[ $stderr == *'--message `\xed\xa0\x80`: not valid UTF-8'* ]]
  [ "$(image_count)" -eq "$before" ]
  check_no_junk
  # valid UTF-8 goes through as it is
  mocker commit -c 'ENV DESSERT="crème brûlée"' u8 good:utf8
  run mocker run --network none --rm good:utf8 sh -c 'echo "$DESSERT"'
  [ "$status" -eq 0 ]
  [ "$output" = 'crème brûlée' ]
  mocker rmi good:utf8 > /dev/null
}

@test "run: an image config nested too deep is refused, naming image and field, nothing left" {
  deep_config cmd
  run --separate-stderr mocker run --network none --name deep busybox
  echo "status=$status stderr=$stderr"
  [ "$status" -ne 0 ]
  [[ $stderr == *'image `busybox`'*'`config.Cmd[1]'*'nested deeper than 64 levels'* ]]
  [ -z "$(all_ids)" ]
  [ -z "$(ls -A "$MOCKER_ROOT/containers/.names")" ]
  ! grep -q " $MOCKER_TEST_DIR/" /proc/self/mountinfo || false
}

@test "commit onto an image whose config is nested too deep is refused, naming the field" {
  mocker run --network none --name c1 busybox true
  deep_config label
  local before
  before=$(image_count)
  run --separate-stderr mocker commit c1 deep:commit
  echo "status=$status stderr=$stderr"
  [ "$status" -ne 0 ]
  [[ $stderr == *"on image sha256:"*'image config: `config.Labels.deep'*'nested deeper than 64 levels'* ]]
  [ "$(image_count)" -eq "$before" ]
  check_no_junk
}

@test "pull: an image config nested too deep is refused, naming the field, before any layer" {
  local w=$MOCKER_TEST_DIR/pull L cfg cdg man mdg deep layer
  mkdir -p "$w/rootfs"
  echo hi > "$w/rootfs/hi"
  reg_start "$w/reg"
  L=$w/layout
  oci_init "$L"
  oci_add_layer "$L" "$w/rootfs" gzip
  deep=$(printf '[%.0s' $(seq 100))1$(printf ']%.0s' $(seq 100))
  cfg=$w/config.json
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Labels":{"deep":%s}},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$deep" "${OCI_DIFFIDS[0]}" > "$cfg"
  local csize
  csize=$(stat -c %s "$cfg")
  cdg=$(oci_blob "$L" "$cfg")
  man=$w/manifest.json
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$cdg" "$csize" "${OCI_LAYERS[0]}" > "$man"
  local msize
  msize=$(stat -c %s "$man")
  mdg=$(oci_blob "$L" "$man")
  oci_tag "$L" deep "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$mdg\",\"size\":$msize}"
  reg_push "$L" deep test/deep:latest
  local before
  before=$(image_count)
  MOCKER_INSECURE_REGISTRIES=$REG run --separate-stderr mocker pull "$REG/test/deep:latest"
  echo "status=$status stderr=$stderr"
  [ "$status" -ne 0 ]
  [[ $stderr == *"$REG/test/deep"*'image config: `config.Labels.deep'*'nested deeper than 64 levels'* ]]
  [ "$(image_count)" -eq "$before" ]
  # refused before the layer was fetched
  layer=$(echo "${OCI_LAYERS[0]}" | jq -r .digest)
  [ "$(reg_count_gets "/blobs/$layer")" -eq 0 ]
  check_no_junk
}
