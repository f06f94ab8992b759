#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker diff: a container's changes from its overlay upper directory.

load volume-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

@test "diff: A for added, C for changed (and their directories), D for deleted (whiteouts)" {
  mocker run --network none --name d1 busybox sh -c \
    'echo x > /etc/new; rm /bin/vi; mkdir -p /a/b; echo y > /a/b/c; echo z >> /etc/passwd'
  run mocker diff d1
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' 'A /a' 'A /a/b' 'A /a/b/c' 'C /bin' 'D /bin/vi' 'C /etc' 'A /etc/new' 'C /etc/passwd')" ]
  # the whiteout is what the kernel made: a 0/0 character device
  cid=$(mocker inspect d1 | jq -r '.[0].Id')
  [ "$(stat -c '%F %t,%T' "$MOCKER_ROOT/containers/$cid/upper/bin/vi")" = "character special file 0,0" ]
}

@test "diff: a fresh container shows nothing (the runtime's mount points are no change); a running one shows its changes" {
  mocker run --network none --name fresh busybox true
  run mocker diff fresh
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  id=$(mocker run -d --network none busybox sh -c 'touch /root/marker; sleep 1000')
  for i in $(seq 200); do [ -e "$MOCKER_ROOT/containers/$id/upper/root/marker" ] && break; sleep 0.05; done
  run mocker diff "$id"
  [ "$output" = "$(printf 'C /root\nA /root/marker')" ]
}

@test "diff errors: no such container (1), a wrong number of arguments (1), a bad option (125)" {
  run mocker diff nosuch
  [ "$status" -eq 1 ]
  [[ $output == *"no such container"* ]]
  run mocker diff
  [ "$status" -eq 1 ]
  run mocker diff --bogus x
  [ "$status" -eq 125 ]
}
