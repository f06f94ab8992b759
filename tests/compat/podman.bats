#!/usr/bin/env bats
# podman (Debian's) with `--runtime <mocker-runtime>`: conmon creates,
# execs and attaches through our runtime exactly as it does through runc.
# Everything podman keeps lives under a private temp root; the image is a
# busybox rootfs imported from a local archive (no network).

bats_require_minimum_version 1.5.0

setup_file() {
  : "${MOCKER_TOP:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
  : "${MOCKER_RUNTIME:=$MOCKER_TOP/build/bin/mocker-runtime}"
  export MOCKER_TOP MOCKER_RUNTIME
  [ -x "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
  PM_TMP=$(mktemp -d /tmp/mocker-podman.XXXXXX)
  export PM_TMP
  cat > "$PM_TMP/containers.conf" <<CONF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "mocker-runtime"]
CONF
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - localhost/mocker-busybox:test >/dev/null
}

teardown_file() {
  [ -n "${PM_TMP:-}" ] || return 0
  pm rm -af -t 0 >/dev/null 2>&1 || true
  # podman's netns (none here unless a test made one), mounts, then files
  local m
  grep -o " $PM_TMP[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$PM_TMP"
  # podman's cgroups (cgroupfs manager): conmon's and the parent, when empty
  rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
  [ "$(stat -c '%t,%T %U %a' /dev/null)" = "1,3 root 666" ]
}

# pm ARGS: podman with the test's private storage and config. It runs in
# $PM_TMP: conmon writes a file `oom` into its working directory when the
# container is OOM-killed (it landed at the top of the repository).
pm() {
  (cd "$PM_TMP" && CONTAINERS_CONF=$PM_TMP/containers.conf podman --root "$PM_TMP/root" \
    --runroot "$PM_TMP/runroot" --tmpdir "$PM_TMP/tmp" --storage-driver vfs "$@")
}
# pmr ARGS: the same with mocker-runtime as the OCI runtime.
pmr() { pm --runtime "$MOCKER_RUNTIME" "$@"; }

IMG=localhost/mocker-busybox:test

@test "podman run --rm: output and exit code" {
  run pmr run --rm --network none $IMG sh -c 'echo hello from $(hostname); exit 3'
  [ "$status" -eq 3 ]
  [[ "$output" == "hello from "* ]]
  run pmr run --rm --network none $IMG true
  [ "$status" -eq 0 ]
}

@test "podman run: a missing command is podman's 127 with the runtime's message" {
  run -127 pmr run --rm --network none $IMG nosuchcommand
  [ "$status" -eq 127 ]
  [[ "$output" == *"executable file not found"* ]]
}

@test "podman run -d, exec, logs, stop, rm" {
  local name=mk-d-$$
  pmr run -d --name $name --network none $IMG sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.2; done'
  run pmr exec $name sh -c 'echo in-exec $(cat /proc/1/cmdline | tr "\0" " ")'
  [ "$status" -eq 0 ]
  [[ "$output" == "in-exec sh -c"* ]]
  run pmr exec $name sh -c 'exit 5'
  [ "$status" -eq 5 ]
  run pmr logs $name
  [ "$output" = started ]
  run pmr inspect --format '{{.State.Status}}' $name
  [ "$output" = running ]
  pmr stop -t 5 $name
  run pmr inspect --format '{{.State.Status}} {{.State.ExitCode}}' $name
  [ "$output" = "exited 0" ]
  pmr rm $name
  run pmr inspect $name
  [ "$status" -ne 0 ]
}

@test "podman exec -t gets a terminal through the console socket" {
  local name=mk-t-$$
  pmr run -d --name $name --network none $IMG sleep 1000
  run pmr exec -t $name sh -c 'tty; echo tty-ok'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" == *"tty-ok"* ]]
  pmr rm -f -t 0 $name
}

@test "podman run -t: conmon receives the pty over the console socket" {
  run pmr run --rm -t --network none $IMG sh -c 'tty; stty size; echo tty-run-ok'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  [[ "$output" == *"tty-run-ok"* ]]
}

@test "podman run -it: an interactive shell on a real terminal" {
  run "$MOCKER_TOP/tests/helpers/onpty.py" 'echo typed-$((6*7)); exit 4\n' env CONTAINERS_CONF="$PM_TMP/containers.conf" \
    podman --root "$PM_TMP/root" --runroot "$PM_TMP/runroot" --tmpdir "$PM_TMP/tmp" --storage-driver vfs \
    --runtime "$MOCKER_RUNTIME" run -it --rm --network none $IMG sh
  [ "$status" -eq 4 ]
  [[ "$output" == *"typed-42"* ]]
}

@test "podman run --memory: the OOM killer ends the container, 137" {
  run pmr run --rm --network none --memory 32m --memory-swap 32m $IMG sh -c 'head -c 200m /dev/zero | tail > /dev/null'
  [ "$status" -eq 137 ]
}

@test "podman run --pids-limit: fork fails beyond the limit" {
  run pmr run --rm --network none --pids-limit 5 $IMG sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 3 & done; wait; echo done'
  [[ "$output" == *"can't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}

@test "podman pause and unpause" {
  local name=mk-p-$$
  pmr run -d --name $name --network none $IMG sleep 1000
  pmr pause $name
  run pmr inspect --format '{{.State.Status}}' $name
  [ "$output" = paused ]
  pmr unpause $name
  run pmr inspect --format '{{.State.Status}}' $name
  [ "$output" = running ]
  run pmr exec $name echo after-unpause
  [ "$output" = after-unpause ]
  pmr rm -f -t 0 $name
}

@test "podman's own config: seccomp profile, devices rule, libpod_parent cgroup, a netns path" {
  local name=mk-ns-$$ ns=mocker-pm-$$
  ip netns add $ns
  pmr run -d --name $name --network ns:/run/netns/$ns $IMG sleep 1000
  run pmr exec $name sh -c 'readlink /proc/1/ns/net; grep Seccomp: /proc/1/status; cat /proc/1/cgroup'
  local want; want=$(ip netns exec $ns readlink /proc/self/ns/net)
  [ "${lines[0]}" = "$want" ]
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *"/libpod_parent/libpod-"* ]]
  # the devices deny-all rule: no new device node is usable
  run pmr exec $name sh -c 'mknod /tmp/sda b 8 0 && head -c1 /tmp/sda'
  [ "$status" -ne 0 ]
  pmr rm -f -t 0 $name
  ip netns delete $ns
}

@test "podman top and stats-free inspection go through runtime ps/state" {
  local name=mk-top-$$
  pmr run -d --name $name --network none $IMG sleep 1000
  run pmr top $name
  [ "$status" -eq 0 ]
  [[ "$output" == *"sleep 1000"* ]]
  pmr rm -f -t 0 $name
}
