# Helpers for the container suites (run.bats, limits.bats, run-network.bats).
#
#   containers_setup     private store (MOCKER_ROOT in a temp dir; the runtime's
#                        state is under it too) with a busybox image tagged
#                        `busybox`, built with `mocker init` from the bundles'
#                        busybox-static rootfs (call from setup_file)
#   containers_teardown  removes every container, then asserts nothing is
#                        left: no overlay mount, cgroup, monitor, runtime
#                        state, lease or nft rule of this store (teardown_file)

load helpers

containers_setup() {
  : "${MOCKER_BIN:?}" "${MOCKER_TOP:?}"
  mocker_root_setup
  [ -x "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
  mocker init -t busybox "$MOCKER_TOP/bundles/busybox/rootfs" >/dev/null
}

# Ids of every container of this store.
all_ids() {
  ls "$MOCKER_ROOT/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true
}

# Fails (with a message) when anything of this store is left behind.
assert_nothing_left() {
  local id left=0
  if [ -n "$(all_ids)" ]; then echo "containers left: $(all_ids)" >&2; left=1; fi
  if grep -q " $MOCKER_TEST_DIR/" /proc/self/mountinfo; then
    echo "mounts left:" >&2; grep " $MOCKER_TEST_DIR/" /proc/self/mountinfo >&2; left=1
  fi
  # (the runtime's seccomp cache, <root>/.seccomp-cache, is shared and stays)
  if [ -n "$(ls -A "$MOCKER_ROOT/runtime" 2>/dev/null | grep -vx .seccomp-cache)" ]; then
    echo "runtime state left: $(ls "$MOCKER_ROOT/runtime")" >&2; left=1
  fi
  if pgrep -f -- "--store $MOCKER_ROOT" >/dev/null; then
    echo "monitors left:" >&2; pgrep -af -- "--store $MOCKER_ROOT" >&2; left=1
  fi
  for id in $(sort -u "$MOCKER_TEST_DIR/ids" 2>/dev/null); do
    if ls -d /sys/fs/cgroup/*/mocker-"$id" /sys/fs/cgroup/mocker-"$id" 2>/dev/null | grep -q .; then
      echo "cgroup left for $id" >&2; left=1
    fi
  done
  if [ -f "$MOCKER_ROOT/network/leases.json" ] &&
     [ "$(jq '.leases | length' "$MOCKER_ROOT/network/leases.json")" != 0 ]; then
    echo "leases left" >&2; left=1
  fi
  [ "$(stat -c '%t,%T %U %a' /dev/null)" = "1,3 root 666" ] || { echo "/dev/null damaged" >&2; left=1; }
  return $left
}

containers_teardown() {
  [ -n "${MOCKER_ROOT:-}" ] || return 0
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids >/dev/null 2>&1 || true
  # A --rm monitor may still be deleting its renamed directory (bounded wait).
  local i
  for i in $(seq 100); do
    pgrep -f -- "--store $MOCKER_ROOT" > /dev/null || break
    sleep 0.05
  done
  local ok=0
  assert_nothing_left || ok=1
  mocker_root_teardown
  return $ok
}

# Records a container id for the final cgroup check (containers still in
# the store at the end are checked anyway; use it for --rm ones).
remember() {
  echo "$1" >> "$MOCKER_TEST_DIR/ids"
}

# Waits (bounded, 10 s) until `mocker ps` says the container is not running.
wait_exited() {
  local i
  for i in $(seq 200); do
    [ "$(mocker inspect "$1" | jq -r '.[0].State.Running')" = false ] && return 0
    sleep 0.05
  done
  return 1
}

# Waits (bounded, 10 s) until the container's log has COUNT lines equal to TEXT.
wait_log() {  # wait_log CONTAINER TEXT COUNT
  local i
  for i in $(seq 200); do
    [ "$(mocker logs "$1" 2>/dev/null | grep -cx "$2")" -ge "$3" ] && return 0
    sleep 0.05
  done
  return 1
}
