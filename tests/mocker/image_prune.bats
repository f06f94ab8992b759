#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker images REPOSITORY[:TAG], image ls, image prune [-a].

load container-helpers

setup_file() {
  containers_setup
  export WORK=$MOCKER_TEST_DIR
  local i
  for i in 1 2 3; do
    mkdir -p "$WORK/r$i"
    cp -a "$MOCKER_TOP/bundles/busybox/rootfs/." "$WORK/r$i/"
    echo "$i" > "$WORK/r$i/n"
  done
  mocker init -t team/app:1.0 "$WORK/r1" > /dev/null
  mocker init -t team/app:2.0 "$WORK/r2" > /dev/null
  mocker init -t other:1.0 "$WORK/r3" > /dev/null
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

repos() {
  mocker images --format json "$@" | jq -r '.Repository + ":" + .Tag' | sort | tr '\n' ' '
}

@test "images REPOSITORY[:TAG] lists only those names; patterns work; image ls is the same" {
  [ "$(repos team/app)" = "team/app:1.0 team/app:2.0 " ]
  [ "$(repos team/app:2.0)" = "team/app:2.0 " ]
  [ "$(repos 'team/*')" = "team/app:1.0 team/app:2.0 " ]
  [ "$(repos '*:1.0')" = "other:1.0 " ]
  [ "$(repos docker.io/library/other)" = "other:1.0 " ]
  [ "$(repos docker.io/team/app:1.0)" = "team/app:1.0 " ]
  [ -z "$(repos nothing)" ]
  [ "$(mocker images -q team/app:1.0)" = "$(mocker image ls -q team/app:1.0)" ]
  [ "$(mocker images -q team/app | wc -l)" = 2 ]
  run mocker images a b
  [ "$status" -eq 1 ]
  run mocker image bogus
  [ "$status" -eq 1 ]
}

# build CONTEXT-LINE...: builds a Dockerfile of busybox + those RUN lines as prune:1
build_prune() {
  local ctx=$WORK/prune-ctx l
  mkdir -p "$ctx"
  { echo 'FROM busybox'; for l in "$@"; do echo "RUN $l"; done; } > "$ctx/Dockerfile"
  mocker build -q --network none -t prune:1 "$ctx"
}

@test "image prune keeps the untagged images others were built on; a dangling one goes with its untagged parents" {
  t1=$(build_prune 'echo a > /a' 'echo b > /b')
  i1=$(cat "$MOCKER_ROOT/image-parents/${t1#sha256:}")
  [ -e "$MOCKER_ROOT/images/${i1#sha256:}" ]
  n=$(image_count)
  # i1 has no name but prune:1 was built on it: not dangling
  run mocker image prune -f
  [ "$status" -eq 0 ]
  [ "$output" = "Total reclaimed space: 0B" ]
  [ "$(image_count)" -eq "$n" ]
  [ "$(mocker image inspect "$i1" | jq -r '.[0].Id')" = "$i1" ]
  # rebuilt (the first step from the cache): the old top is dangling now, i1 is not
  t2=$(build_prune 'echo a > /a' 'echo c > /c')
  [ "$(cat "$MOCKER_ROOT/image-parents/${t2#sha256:}")" = "$i1" ]
  run mocker image prune -f
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted Images:
deleted: $t1

Total reclaimed space: 2B" ]
  [ ! -e "$MOCKER_ROOT/images/${t1#sha256:}" ]
  [ -e "$MOCKER_ROOT/images/${i1#sha256:}" ]
  [ -e "$MOCKER_ROOT/images/${t2#sha256:}" ]
  # rebuilt from another first step: t2 is dangling, and i1 goes with it
  t3=$(build_prune 'echo z > /z')
  run mocker image prune -f
  [ "$status" -eq 0 ]
  [[ $output == *"deleted: $t2"* ]]
  [[ $output == *"deleted: $i1"* ]]
  [ ! -e "$MOCKER_ROOT/images/${t2#sha256:}" ]
  [ ! -e "$MOCKER_ROOT/images/${i1#sha256:}" ]
  [ "$(mocker images -q --no-trunc prune:1)" = "$t3" ]
  [ "$(mocker images -q --no-trunc busybox)" != "" ]
  mocker rmi prune:1 > /dev/null
}

@test "image prune removes dangling images only; -a every image without a container" {
  mkdir -p "$WORK/d"
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs/." "$WORK/d/"
  echo dangling > "$WORK/d/dangling"
  dangling=$(mocker init "$WORK/d")
  n=$(image_count)
  run mocker image prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Images:" ]
  [ "${lines[1]}" = "deleted: $dangling" ]
  [[ $output == *"Total reclaimed space: "* ]]
  [ "$(image_count)" -eq $((n - 1)) ]
  [ ! -e "$MOCKER_ROOT/images/${dangling#sha256:}" ]
  # nothing dangling left
  run mocker image prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
  # without -f it asks; "n" does nothing
  run mocker image prune <<< n
  [ "$status" -eq 0 ]
  [[ $output == *"Are you sure you want to continue? [y/N]"* ]]
  [ "$(image_count)" -eq $((n - 1)) ]
  # -a: all but the images containers use (busybox here)
  mocker run --network none --name keep team/app:1.0 true
  run mocker image prune -a -f
  [ "$status" -eq 0 ]
  [[ $output == *"untagged: team/app:2.0"* ]]
  [[ $output == *"untagged: other:1.0"* ]]
  [[ $output == *"untagged: busybox:latest"* ]]
  [ "$(repos)" = "team/app:1.0 " ]
  mocker rm keep > /dev/null
  run mocker image prune -a -f
  [ "$(image_count)" -eq 0 ]
  [ -z "$(ls "$MOCKER_ROOT/layers")" ]
  check_no_junk
}

@test "image prune reads the store's image records twice (the list, the space after), not three times" {
  id=$(mocker init -t prune-reads:1 "$WORK/r3")
  strace -f -qq -e trace=open,openat -o "$WORK/prune.strace" "$MOCKER_BIN" image prune -f
  reads=$(grep -c "images/${id#sha256:}/image.json\"" "$WORK/prune.strace")
  rm -f "$WORK/prune.strace"
  mocker rmi prune-reads:1 > /dev/null
  [ "$reads" -eq 2 ]
}
