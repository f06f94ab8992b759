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

# The same changes through podman (private storage, vfs, runc): the same
# A/C/D lines (podman prints them in its own order; Docker sorts).
@test "diff: the same lines as podman diff for the same changes" {
  command -v podman > /dev/null || skip "podman is not installed"
  command -v runc > /dev/null || skip "runc is not installed"
  local pm_tmp=$MOCKER_TEST_DIR/podman script
  mkdir -p "$pm_tmp"
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    > "$pm_tmp/containers.conf"
  pm() {
    (cd "$pm_tmp" && CONTAINERS_CONF=$pm_tmp/containers.conf podman --root "$pm_tmp/root" \
      --runroot "$pm_tmp/runroot" --tmpdir "$pm_tmp/tmp" --storage-driver vfs "$@")
  }
  script='echo x > /etc/new; rm /bin/vi /bin/ls; mkdir -p /a/b; echo y > /a/b/c; echo z >> /etc/passwd; rm -r /var'
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - localhost/mocker-diff:test > /dev/null 2>&1
  pm run --network none --name pd localhost/mocker-diff:test sh -c "$script"
  local theirs ours
  theirs=$(pm diff pd | sort)
  pm rm -af > /dev/null 2>&1 || true
  local m
  grep -o " $pm_tmp[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$pm_tmp"
  rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
  mocker run --network none --name md busybox sh -c "$script"
  ours=$(mocker diff md | sort)
  echo "podman: $theirs"
  echo "mocker: $ours"
  [ -n "$ours" ]
  [ "$ours" = "$theirs" ]
}
