#!/usr/bin/env bats
# mocker init, images, rmi and the store's consistency (locks, SIGKILL).

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  mocker_root_setup
  busybox_rootfs_dir "$MOCKER_TEST_DIR/rootfs"
}

teardown_file() {
  mocker_root_teardown
}

teardown() {
  # every test leaves an empty store behind
  local ids
  ids=$(mocker images -q --no-trunc | sort -u)
  [ -z "$ids" ] || mocker rmi -f $ids >/dev/null
}

ROOTFS() { echo "$MOCKER_TEST_DIR/rootfs"; }

# Docker's size format (go-units, 3 significant digits) computed in python.
docker_size() {
  python3 -c '
import sys
n = float(sys.argv[1]); units = ["B","kB","MB","GB","TB"]; i = 0
while n >= 1000 and i < len(units) - 1: n /= 1000; i += 1
print("%.3g%s" % (n, units[i]))' "$1"
}

# Bytes of regular file content under a directory, hardlinks once.
content_size() {
  find "$1" -type f -printf '%i %s\n' | sort -u | awk '{s += $2} END {print s + 0}'
}

@test "--version, help and --help on every command" {
  run mocker --version
  [ "$status" -eq 0 ]
  [ "$output" = "mocker version 0.1.0" ]
  run mocker --help
  [ "$status" -eq 0 ]
  [[ $output == *"Usage: mocker"* ]]
  [[ $output == *images* ]]
  for c in init images rmi import tag; do
    run mocker "$c" --help
    [ "$status" -eq 0 ]
    [[ $output == "Usage: mocker $c"* ]]
    run mocker help "$c"
    [ "$status" -eq 0 ]
    [[ $output == "Usage: mocker $c"* ]]
  done
  run --separate-stderr mocker frobnicate
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: unknown command \`frobnicate\`; see \`mocker --help\`" ]
  run --separate-stderr mocker images --bogus
  [ "$status" -eq 125 ]
  [ "$stderr" = "mocker: images: unknown option \`--bogus\`; see \`mocker images --help\`" ]
}

@test "init prints only the image id, which is the sha256 of the config" {
  run --separate-stderr mocker init "$(ROOTFS)"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  [[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
  hex=${output#sha256:}
  cfg=$MOCKER_ROOT/images/$hex/config.json
  [ "$(sha256sum < "$cfg" | cut -d' ' -f1)" = "$hex" ]
  cmp "$cfg" "$MOCKER_ROOT/blobs/sha256/$hex"
  # the config names the layer by its diff_id, and the layer's blob is the gzip of that tar
  diff_id=$(jq -r '.rootfs.diff_ids[0]' "$cfg")
  digest=$(jq -r '.layers[0].digest' "$MOCKER_ROOT/images/$hex/image.json")
  [ "sha256:$(gzip -dc "$MOCKER_ROOT/blobs/sha256/${digest#sha256:}" | sha256sum | cut -d' ' -f1)" = "$diff_id" ]
  [ "$(jq -r .os "$cfg")" = linux ]
  [ "$(jq -r '.rootfs.type' "$cfg")" = layers ]
}

@test "init errors: not a directory, bad tag" {
  run --separate-stderr mocker init "$MOCKER_TEST_DIR/nope"
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: init: \`$MOCKER_TEST_DIR/nope\` is not a directory" ]
  run --separate-stderr mocker init "$(ROOTFS)" -t 'Bad:Name'
  [ "$status" -eq 1 ]
  [[ $stderr == 'mocker: invalid reference "Bad:Name": '* ]]
  [ "$(image_count)" -eq 0 ]
}

@test "init keeps modes, owners, hardlinks, symlinks, devices and capabilities" {
  src=$MOCKER_TEST_DIR/special
  mkdir -p "$src/dir"
  echo data > "$src/file"
  chown 1234:5678 "$src/file"
  chmod 0640 "$src/file"
  ln "$src/file" "$src/hard"
  ln -s ../file "$src/dir/sym"
  mknod "$src/null" c 1 3
  cp "$(command -v busybox)" "$src/ping"
  chmod 4755 "$src/ping"
  setcap cap_net_raw+ep "$src/ping"
  chmod 0710 "$src/dir"
  id=$(mocker init "$src")
  chain=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  L=$MOCKER_ROOT/layers/${chain#sha256:}/diff
  [ "$(stat -c '%a %u:%g' "$L/file")" = "640 1234:5678" ]
  [ "$(stat -c %i "$L/file")" = "$(stat -c %i "$L/hard")" ]
  [ "$(readlink "$L/dir/sym")" = ../file ]
  [ "$(stat -c '%a' "$L/dir")" = 710 ]
  [ "$(stat -c '%F %t,%T' "$L/null")" = "character special file 1,3" ]
  [ "$(stat -c '%a' "$L/ping")" = 4755 ]
  run getcap "$L/ping"
  [[ $output == *cap_net_raw=ep* ]]
  # and the tar itself carries the capability (it is what a push would send)
  digest=$(jq -r '.layers[0].digest' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
  gzip -dc "$MOCKER_ROOT/blobs/sha256/${digest#sha256:}" | python3 -c '
import sys, tarfile
t = tarfile.open(fileobj=sys.stdin.buffer, mode="r|")
caps = [m.name for m in t if "SCHILY.xattr.security.capability" in m.pax_headers]
assert caps == ["ping"], caps'
}

@test "images: Docker's columns, relative time, decimal sizes, <none> for untagged" {
  id1=$(mocker init "$(ROOTFS)" -t mytest:1.0)
  id2=$(mocker init "$(ROOTFS)")
  run mocker images
  [ "$status" -eq 0 ]
  echo "$output"
  [[ ${lines[0]} =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
  [ "${#lines[@]}" -eq 3 ]
  size=$(docker_size "$(content_size "$(ROOTFS)")")
  # newest first
  [[ ${lines[1]} =~ ^\<none\>\ +\<none\>\ +${id2:7:12}\ +(Less\ than\ a\ second|[0-9]+\ seconds?|About\ a\ minute)\ ago\ +$size$ ]]
  [[ ${lines[2]} =~ ^mytest\ +1\.0\ +${id1:7:12}\ +(Less\ than\ a\ second|[0-9]+\ seconds?|About\ a\ minute)\ ago\ +$size$ ]]
  # columns line up: each starts where its header does
  col=$(awk 'NR==1 {print index($0, "IMAGE ID")}' <<< "$output")
  [ "$(awk -v c="$col" 'NR==2 {print substr($0, c, 12)}' <<< "$output")" = "${id2:7:12}" ]

  run mocker images -q
  [ "${lines[0]}" = "${id2:7:12}" ]
  [ "${lines[1]}" = "${id1:7:12}" ]
  [ "${#lines[@]}" -eq 2 ]
  run mocker images -q --no-trunc
  [ "${lines[0]}" = "$id2" ]
  [ "${lines[1]}" = "$id1" ]
  run mocker images --no-trunc
  [[ ${lines[2]} == *"$id1"* ]]

  run mocker images --format json
  [ "${#lines[@]}" -eq 2 ]
  [ "$(jq -r .Repository <<< "${lines[1]}")" = mytest ]
  [ "$(jq -r .Tag <<< "${lines[1]}")" = 1.0 ]
  [ "$(jq -r .ID <<< "${lines[1]}")" = "${id1:7:12}" ]
  [ "$(jq -r .Size <<< "${lines[1]}")" = "$size" ]
  [[ $(jq -r .CreatedSince <<< "${lines[1]}") == *ago ]]
  [ "$(jq -r .Repository <<< "${lines[0]}")" = "<none>" ]
}

@test "a full name shows in familiar form; a name pointing elsewhere moves" {
  id1=$(mocker init "$(ROOTFS)" -t docker.io/library/fam:x)
  run mocker images
  [[ ${lines[1]} =~ ^fam\ +x\ + ]]
  id2=$(mocker init "$(ROOTFS)" -t localhost:5000/team/app:v2)
  run mocker images --format json
  [ "$(jq -r .Repository <<< "${lines[0]}")" = localhost:5000/team/app ]
  id3=$(mocker init "$(ROOTFS)" -t fam:x)
  run mocker images --format json
  # fam:x now on id3, id1 kept untagged
  [ "$(jq -r 'select(.Tag=="x") | .ID' <<< "$output")" = "${id3:7:12}" ]
  [ "$(jq -r "select(.ID==\"${id1:7:12}\") | .Tag" <<< "$output")" = "<none>" ]
}

@test "rmi by name untags; the image goes with its last name" {
  id=$(mocker init "$(ROOTFS)" -t a:1)
  mocker init "$(ROOTFS)" -t b:1 >/dev/null   # another image, same layer
  hex=${id#sha256:}
  mocker tag a:1 a:2
  run mocker rmi a:1
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: a:1" ]
  [ -d "$MOCKER_ROOT/images/$hex" ]
  run mocker rmi a:2
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Untagged: a:2" ]
  [ "${lines[1]}" = "Deleted: $id" ]
  [ ! -d "$MOCKER_ROOT/images/$hex" ]
  [ ! -e "$MOCKER_ROOT/blobs/sha256/$hex" ]
  run mocker images --format json
  [ "${#lines[@]}" -eq 1 ]
  [ "$(jq -r .Repository <<< "$output")" = b ]
}

@test "rmi of an id with several names needs -f" {
  id=$(mocker init "$(ROOTFS)" -t m:1)
  hex=${id#sha256:}
  mocker tag "${hex:0:6}" m:2
  run --separate-stderr mocker rmi "${hex:0:12}"
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: conflict: unable to delete ${hex:0:12} (must be forced) - image is referenced in multiple repositories" ]
  run mocker rmi -f "${hex:0:12}"
  [ "$status" -eq 0 ]
  [[ $output == *"Untagged: m:1"* ]]
  [[ $output == *"Untagged: m:2"* ]]
  [[ $output == *"Deleted: $id"* ]]
  [ "$(image_count)" -eq 0 ]
}

@test "rmi by full id, sha256: id and unique prefix; unknown and ambiguous are errors" {
  id1=$(mocker init "$(ROOTFS)")
  run mocker rmi "$id1"
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted: $id1" ]
  id2=$(mocker init "$(ROOTFS)")
  run mocker rmi "${id2#sha256:}"
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted: $id2" ]
  id3=$(mocker init "$(ROOTFS)")
  run mocker rmi "${id3:7:5}"
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted: $id3" ]

  run --separate-stderr mocker rmi nope
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: no such image: nope:latest" ]
  run --separate-stderr mocker rmi 0123456789ab
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: no such image: 0123456789ab" ]

  # make two images whose ids share a first hex digit (pigeonhole: 17 suffice)
  declare -A seen
  prefix=
  for i in $(seq 17); do
    id=$(mocker init "$(ROOTFS)")
    c=${id:7:1}
    if [ -n "${seen[$c]:-}" ]; then prefix=$c; break; fi
    seen[$c]=1
  done
  [ -n "$prefix" ]
  run --separate-stderr mocker rmi "$prefix"
  [ "$status" -eq 1 ]
  [[ $stderr =~ ^mocker:\ image\ id\ prefix\ \`$prefix\`\ is\ ambiguous:\ it\ matches\ [0-9]+\ images$ ]]
  # rmi goes on with the other arguments and fails at the end
  n=$(image_count)
  last=$(mocker images -q | head -1)
  run --separate-stderr mocker rmi nope "$last"
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: no such image: nope:latest" ]
  [ "$(image_count)" -eq $((n - 1)) ]
}

@test "a second init of the same directory reuses the layer; shared layers stay until the last user goes" {
  id1=$(mocker init "$(ROOTFS)" -t s:1)
  id2=$(mocker init "$(ROOTFS)" -t s:2)
  [ "$id1" != "$id2" ]
  c1=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${id1#sha256:}/image.json")
  c2=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${id2#sha256:}/image.json")
  [ "$c1" = "$c2" ]
  [ "$(ls "$MOCKER_ROOT/layers" | wc -l)" -eq 1 ]
  # one layer blob (deterministic tar and gzip) + two configs
  [ "$(ls "$MOCKER_ROOT/blobs/sha256" | wc -l)" -eq 3 ]
  mocker rmi s:1
  [ -d "$MOCKER_ROOT/layers/${c1#sha256:}/diff/bin" ]
  [ "$(ls "$MOCKER_ROOT/blobs/sha256" | wc -l)" -eq 2 ]
  mocker rmi s:2
  [ ! -e "$MOCKER_ROOT/layers/${c1#sha256:}" ]
  [ -z "$(ls -A "$MOCKER_ROOT/blobs/sha256")" ]
  [ -z "$(ls -A "$MOCKER_ROOT/layers")" ]
}

@test "rmi refuses an image a container uses unless -f (then it only untags)" {
  id=$(mocker init "$(ROOTFS)" -t used:1)
  mkdir -p "$MOCKER_ROOT/containers/c0ffee"
  echo "{\"id\":\"c0ffee\",\"image\":\"$id\"}" > "$MOCKER_ROOT/containers/c0ffee/container.json"
  run --separate-stderr mocker rmi used:1
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: conflict: unable to remove repository reference \`used:1\` (must force) - container c0ffee is using its referenced image ${id:7:12}" ]
  run mocker rmi -f used:1
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: used:1" ]
  [ "$(mocker images -q --no-trunc)" = "$id" ]
  rm -rf "$MOCKER_ROOT/containers/c0ffee"
  run mocker rmi "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted: $id" ]
}

@test "10 inits in parallel leave a consistent store" {
  local pids=() i
  for i in $(seq 0 9); do
    "$MOCKER_BIN" init "$(ROOTFS)" -t "par:$i" > "$MOCKER_TEST_DIR/par-$i.out" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
  jq -e . "$MOCKER_ROOT/repositories.json" >/dev/null
  [ "$(image_count)" -eq 10 ]
  for i in $(seq 0 9); do
    id=$(cat "$MOCKER_TEST_DIR/par-$i.out")
    [[ $id =~ ^sha256:[0-9a-f]{64}$ ]]
    [ "$(jq -r ".tags[\"docker.io/library/par:$i\"]" "$MOCKER_ROOT/repositories.json")" = "$id" ]
  done
  [ "$(ls "$MOCKER_ROOT/layers" | wc -l)" -eq 1 ]
  check_no_junk
  mocker rmi $(mocker images -q) >/dev/null
  [ -z "$(ls -A "$MOCKER_ROOT/layers")" ]
}

@test "SIGKILL during init leaves no image; the next init completes" {
  big=$MOCKER_TEST_DIR/big
  mkdir -p "$big"
  cp -a "$(ROOTFS)/." "$big/"
  for i in $(seq 1 8); do head -c 2000000 /dev/urandom > "$big/blob$i"; done
  # kill at several moments: while packing, unpacking, registering
  for delay in 0.02 0.05 0.1 0.2 0.3 0.5; do
    # the binary itself, not the shell function: kill must hit mocker
    "$MOCKER_BIN" init "$big" -t killed:1 > "$MOCKER_TEST_DIR/k.out" 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" || true
    n=$(image_count)
    if [ "$n" -ne 0 ]; then
      # it finished before the kill: then it is whole
      [ "$n" -eq 1 ]
      id=$(mocker images -q --no-trunc)
      chain=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${id#sha256:}/image.json")
      [ -f "$MOCKER_ROOT/layers/${chain#sha256:}/layer.json" ]
      mocker rmi -f "$id" >/dev/null
    fi
    run mocker images
    [ "${#lines[@]}" -eq 1 ]
  done
  id=$(mocker init "$big" -t killed:1)
  run mocker images --format json
  echo "$output"
  [ "${#lines[@]}" -eq 1 ]
  [ "$(jq -r .Tag <<< "$output")" = 1 ]
  [ "$(jq -r .Size <<< "$output")" = "$(docker_size "$(content_size "$big")")" ]
}

@test "tag: another name by name, id or prefix; a moved name leaves the old image untagged" {
  id1=$(mocker init "$(ROOTFS)" -t t:1)
  id2=$(mocker init "$(ROOTFS)")
  run --separate-stderr mocker tag t:1 localhost:5000/x/y:z
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -z "$stderr" ]
  mocker tag "$id2" t:2
  mocker tag "${id2:7:8}" t:3
  run mocker images --format json
  [ "$(jq -r 'select(.Repository=="localhost:5000/x/y") | .ID' <<< "$output")" = "${id1:7:12}" ]
  [ "$(jq -r 'select(.Tag=="2") | .ID' <<< "$output")" = "${id2:7:12}" ]
  [ "$(jq -r 'select(.Tag=="3") | .ID' <<< "$output")" = "${id2:7:12}" ]
  # move t:1 to id2: id1 keeps its other name
  mocker tag t:2 t:1
  run mocker images --format json
  [ "$(jq -r 'select(.Tag=="1") | .ID' <<< "$output")" = "${id2:7:12}" ]
  [ "$(jq -sr 'map(select(.ID=="'"${id1:7:12}"'")) | length' <<< "$output")" -eq 1 ]
  run --separate-stderr mocker tag nope:1 t:9
  [ "$status" -eq 1 ]
  [ "$stderr" = "mocker: no such image: nope:1" ]
  run --separate-stderr mocker tag t:1 'UPPER:case'
  [ "$status" -eq 1 ]
  [[ $stderr == 'mocker: invalid reference "UPPER:case": '* ]]
  run --separate-stderr mocker tag t:1
  [ "$status" -eq 1 ]
  [[ $stderr == "mocker: tag: a source image and a target name expected"* ]]
}

@test "init does not descend into mount points inside the directory" {
  src=$MOCKER_TEST_DIR/withmount
  mkdir -p "$src/mnt"
  echo top > "$src/top"
  # this suite runs in a private mount namespace (tests/run-suites.sh)
  mount -t tmpfs tmpfs "$src/mnt"
  echo hidden > "$src/mnt/inside"
  run mocker init "$src"
  umount "$src/mnt"
  [ "$status" -eq 0 ]
  chain=$(jq -r '.layers[0].chain_id' "$MOCKER_ROOT/images/${output#sha256:}/image.json")
  L=$MOCKER_ROOT/layers/${chain#sha256:}/diff
  [ -d "$L/mnt" ]
  [ -z "$(ls -A "$L/mnt")" ]
  [ "$(cat "$L/top")" = top ]
}
