#!/usr/bin/env bats
# mocker create: run's options, the container made but not started; start
# runs it (as Docker's and podman's create). Containers use --network none.
bats_require_minimum_version 1.5.0

load container-helpers

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

@test "create prints the id of a created container that nothing runs; start runs it, logs show it" {
  id=$(mocker create --network none --name made -e GREETING=hi busybox sh -c 'echo "$GREETING from $(hostname)"; exit 3')
  [[ $id =~ ^[0-9a-f]{64}$ ]]
  [ "$(mocker inspect -f '{{.State.Status}}' made)" = created ]
  [ "$(mocker ps -a --filter status=created --format '{{.Names}}')" = made ]
  [ -z "$(mocker ps -q)" ]
  # nothing ran: no output, no process, no cgroup
  [ -z "$(mocker logs made)" ]
  ! ls -d /sys/fs/cgroup/*/mocker-"$id" /sys/fs/cgroup/mocker-"$id" 2>/dev/null | grep -q . || false
  mocker start made > /dev/null
  [ "$(mocker wait made)" = 3 ]
  [ "$(mocker logs made)" = "hi from ${id:0:12}" ]
  [ "$(mocker inspect -f '{{.State.Status}}' made)" = exited ]
  mocker rm made > /dev/null
}

@test "create with -it and a restart policy keeps them for start; a name in use is refused" {
  mocker create --network none --name tty -it --restart on-failure:2 busybox sh > /dev/null
  [ "$(mocker inspect -f '{{.Config.Tty}} {{.Config.OpenStdin}} {{.HostConfig.RestartPolicy.Name}}' tty)" = "true true on-failure" ]
  run mocker create --network none --name tty busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"tty"*"already in use"* ]]
  [ "$(all_ids | wc -l)" = 1 ]
  mocker rm tty > /dev/null
}

@test "create errors: no image, an unknown image, a bad option" {
  run mocker create
  [ "$status" -ne 0 ]
  [[ $output == *"create: an IMAGE is required"* ]]
  run mocker create --network none 127.0.0.1:1/none:1 true
  [ "$status" -ne 0 ]
  run mocker create --restart sometimes busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"create: invalid restart policy"* ]]
  [ -z "$(all_ids)" ]
}

@test "start -ai of a created -it container puts the caller's terminal in raw mode, as run -it" {
  mocker create --network none --name term -it busybox sh > /dev/null
  run timeout 60 python3 "$MOCKER_TOP/tests/mocker/pty-drive.py" \
    '[["expect","# "],["send","echo $((6*7))x\n"],["expect","42x"],["send","exit 3\n"]]' \
    "$MOCKER_BIN" start -ai term
  echo "$output"
  [ "$status" -eq 3 ]
  # The typed line is echoed once, by the container's pty: a cooked caller
  # terminal would echo it a second time.
  [ "$(grep -o 'echo \$((6\*7))x' <<< "$output" | wc -l)" -eq 1 ]
  mocker rm term > /dev/null
}
