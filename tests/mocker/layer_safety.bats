#!/usr/bin/env bats
# Layer unpacking never writes outside the layer, whatever the tar says;
# whiteouts become overlay whiteouts. Tars are fed through `mocker import`
# (the same streaming unpacker `pull` uses).

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  mocker_root_setup
}

teardown_file() {
  mocker_root_teardown
}

setup() {
  T=$(mktemp -d "$MOCKER_TEST_DIR/t-XXXXXX")
  echo original > "$T/sentinel"
  PASSWD_SUM=$(sha256sum /etc/passwd)
}

teardown() {
  [ "$(cat "$T/sentinel")" = original ]
  [ "$(sha256sum /etc/passwd)" = "$PASSWD_SUM" ]
}

# Imports a hostile tar of KIND: it must be refused with a message holding
# WANT, register no image, leave the sentinel alone and no staging behind.
refused() {
  local kind=$1 want=$2 before
  before=$(image_count)
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" "$kind" "$T/$kind.tar" "$T"
  run --separate-stderr mocker import "$T/$kind.tar" "evil:$kind"
  echo "status=$status stdout=$output stderr=$stderr"
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  [[ $stderr == "mocker: import \`$T/$kind.tar\`: "*"$want"* ]]
  [ "$(image_count)" -eq "$before" ]
  ! mocker images | grep -q evil || false
  # nothing of it kept: no blob, no layer
  [ -z "$(ls -A "$MOCKER_ROOT/blobs/sha256")" ]
  [ -z "$(ls -A "$MOCKER_ROOT/layers")" ]
  [ "$(cat "$T/sentinel")" = original ]
  [ ! -e "$T/pwned" ]
  check_no_junk
}

# The layer directory of image $1.
layer_dir() {
  local hex chain
  hex=${1#sha256:}
  chain=$(jq -r '.layers[-1].chain_id' "$MOCKER_ROOT/images/$hex/image.json")
  echo "$MOCKER_ROOT/layers/${chain#sha256:}/diff"
}

@test "'..' names are refused" {
  refused dotdot "rejected: \`..\` in name"
  refused dotdot-middle "rejected: \`..\` in name"
}

@test "absolute names are refused" {
  refused absolute "rejected: absolute name"
}

@test "writing through a symlink that points out is refused" {
  refused symlink-out "rejected"
  refused symlink-relative-out "rejected"
  refused symlink-chain "rejected"
}

@test "hardlinks out of the layer are refused" {
  refused hardlink-out "hardlink to \`$T/sentinel\`: absolute name"
  refused hardlink-passwd "hardlink to \`/etc/passwd\`: absolute name"
  refused hardlink-dotdot "\`..\` in name"
  refused hardlink-via-symlink "rejected"
}

@test "whiteouts of '..' or of nothing, and whiteouts through symlinks, are refused" {
  refused whiteout-dotdot "invalid whiteout \`.wh...\`"
  refused whiteout-dotdot-sub "invalid whiteout \`a/.wh...\`"
  refused whiteout-bare "invalid whiteout \`.wh.\`"
  refused whiteout-via-symlink "whiteout \`s/.wh.sentinel\` rejected: through symlink \`s\`"
  [ -f "$T/sentinel" ]
}

@test "a hardlink entry's data and metadata never land on its target (issue 15)" {
  local kind L
  chmod 0600 "$T/sentinel"
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" hardlink-data "$T/hd.tar" "$T"
  run mocker import "$T/hd.tar"
  [ "$status" -eq 0 ]
  L=$(layer_dir "$output")
  [ "$(cat "$L/file")" = abc ]   # not truncated, not overwritten
  [ "$(stat -c '%a %i' "$L/file")" = "644 $(stat -c %i "$L/h")" ]
  [ "$(cat "$L/after")" = after ]
  mocker rmi "$output" > /dev/null
  for kind in hardlink-symlink-mode hardlink-symlink-acl; do
    python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" $kind "$T/$kind.tar" "$T"
    run mocker import "$T/$kind.tar"
    echo "$kind: $status $output"
    [ "$status" -eq 0 ]
    L=$(layer_dir "$output")
    [ -L "$L/h" ]                  # a second name of the symlink
    [ "$(readlink "$L/h")" = "$T/sentinel" ]
    [ "$(stat -c %a "$T/sentinel")" = 600 ]
    ! getfacl -cp "$T/sentinel" 2>/dev/null | grep -q 1234 || false
    mocker rmi "$output" > /dev/null
  done
  check_no_junk
}

@test "a file over a device node replaces the node" {
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" device-then-file "$T/d.tar" "$T"
  run mocker import "$T/d.tar"
  [ "$status" -eq 0 ]
  L=$(layer_dir "$output")
  [ -f "$L/node" ]
  [ "$(cat "$L/node")" = content ]
  mocker rmi "$output"
}

@test "whiteouts become 0/0 char devices, opaque dirs get trusted.overlay.opaque" {
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" good "$T/good.tar" "$T"
  run --separate-stderr mocker import "$T/good.tar" good:1
  [ "$status" -eq 0 ]
  id=$output
  L=$(layer_dir "$id")
  [ "$(stat -c '%F %t,%T %u:%g' "$L/d/gone")" = "character special file 0,0 12:34" ]
  [ "$(stat -c '%F %t,%T' "$L/top")" = "character special file 0,0" ]
  [ ! -e "$L/d/.wh.gone" ]
  [ ! -e "$L/.wh.top" ]
  [ ! -e "$L/o/.wh..wh..opq" ]
  run python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$L/o"
  [ "$output" = y ]
  [ "$(cat "$L/o/new")" = new ]
  [ "$(stat -c '%a' "$L/o")" = 750 ]
  # an overlay xattr carried by the tar itself is dropped
  run python3 -c 'import os,sys; print(os.listxattr(sys.argv[1]))' "$L/fake"
  [ "$output" = "[]" ]
  mocker rmi good:1
}

@test "modes, owners, hardlinks, symlinks, devices, setuid and capabilities are kept" {
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" good "$T/good.tar" "$T"
  id=$(mocker import "$T/good.tar")
  L=$(layer_dir "$id")
  [ "$(stat -c '%a %u:%g %s' "$L/file")" = "640 1000:1001 6" ]
  [ "$(stat -c '%i' "$L/file")" = "$(stat -c '%i' "$L/hard")" ]
  [ "$(readlink "$L/sym")" = /file ]
  [ "$(stat -c '%F %t,%T %a' "$L/null")" = "character special file 1,3 666" ]
  [ "$(stat -c '%a' "$L/suid")" = 4755 ]
  run getcap "$L/capfile"
  [[ $output == *cap_net_raw=ep* ]]
  mocker rmi "$id"
}

@test "gzip, zstd and plain layers: diff_id is the sha256 of the tar, digest of the blob" {
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" good "$T/l.tar" "$T"
  gzip -k "$T/l.tar"
  zstd -q -k "$T/l.tar"
  diff_id=sha256:$(sha256sum < "$T/l.tar" | cut -d' ' -f1)
  local -A media=([l.tar]=tar [l.tar.gz]=tar+gzip [l.tar.zst]=tar+zstd)
  for f in l.tar l.tar.gz l.tar.zst; do
    id=$(mocker import "$T/$f")
    hex=${id#sha256:}
    [ "$(jq -r '.rootfs.diff_ids[0]' "$MOCKER_ROOT/images/$hex/config.json")" = "$diff_id" ]
    [ "$(jq -r '.layers[0].digest' "$MOCKER_ROOT/images/$hex/image.json")" = \
      "sha256:$(sha256sum < "$T/$f" | cut -d' ' -f1)" ]
    [ "$(jq -r '.layers[0].media_type' "$MOCKER_ROOT/images/$hex/image.json")" = \
      "application/vnd.oci.image.layer.v1.${media[$f]}" ]
    # the same content, whatever the compression: one layer directory
    [ "$(ls "$MOCKER_ROOT/layers" | wc -l)" -eq 1 ]
  done
  [ "$(image_count)" -eq 3 ]
  mocker rmi $(mocker images -q)
  [ "$(ls "$MOCKER_ROOT/layers" | wc -l)" -eq 0 ]
  [ "$(ls "$MOCKER_ROOT/blobs/sha256" | wc -l)" -eq 0 ]
}

@test "a truncated or corrupt layer is refused" {
  python3 "$MOCKER_TOP/tests/mocker/layer-tar.py" good "$T/l.tar" "$T"
  gzip -k "$T/l.tar"
  head -c 200 "$T/l.tar.gz" > "$T/trunc.tar.gz"
  run mocker import "$T/trunc.tar.gz"
  [ "$status" -eq 1 ]
  [[ $output == "mocker: import"* ]]
  head -c 1000 /dev/urandom > "$T/junk"
  run mocker import "$T/junk"
  [ "$status" -eq 1 ]
  [ "$(image_count)" -eq 0 ]
  check_no_junk
}
