#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Container lifecycle: --restart (the monitor restarts the container),
# start --all-restartable, restart, wait, pause/unpause, rename, port, top.
# --network none everywhere except `port` (only the record is read there).

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

mrun() {
  mocker run --network none "$@"
}

# The container's monitor process (its restarts happen there).
monitor_of() {
  pgrep -f -- "--id $1 " || true
}

# Waits (bounded, 20 s) until the container's monitor is gone.
wait_monitor_gone() {
  local i
  for i in $(seq 400); do
    [ -z "$(monitor_of "$1")" ] && return 0
    sleep 0.05
  done
  return 1
}

field() {  # field CONTAINER JQ-PATH
  mocker inspect "$1" | jq -r ".[0]$2"
}

@test "--restart on-failure:2: restarted twice, RestartCount 2, the last exit code kept" {
  id=$(mrun -d --restart on-failure:2 busybox sh -c 'echo run; exit 3')
  wait_monitor_gone "$id"
  [ "$(field "$id" .RestartCount)" = 2 ]
  [ "$(field "$id" .State.ExitCode)" = 3 ]
  [ "$(field "$id" .State.Status)" = exited ]
  [ "$(field "$id" .HostConfig.RestartPolicy.Name)" = on-failure ]
  [ "$(field "$id" .HostConfig.RestartPolicy.MaximumRetryCount)" = 2 ]
  [ "$(mocker logs "$id" | grep -cx run)" = 3 ]
}

@test "--restart on-failure: a success is not restarted" {
  id=$(mrun -d --restart on-failure busybox true)
  wait_monitor_gone "$id"
  [ "$(field "$id" .RestartCount)" = 0 ]
}

@test "--restart always: restarted after exit 0; stop then no more restarts" {
  id=$(mrun -d --restart always busybox sh -c 'echo run; exit 0')
  wait_log "$id" run 3
  [ "$(field "$id" .RestartCount)" -ge 2 ]
  mocker stop -t 1 "$id"
  # stop returns once the monitor is done: nothing is left to restart it.
  [ -z "$(monitor_of "$id")" ]
  [ "$(field "$id" .State.Status)" = exited ]
  count=$(field "$id" .RestartCount)
  runs=$(mocker logs "$id" | grep -cx run)
  [ "$runs" = $((count + 1)) ]
  # start enables the policy again.
  mocker start "$id"
  wait_log "$id" run $((runs + 2))
  mocker stop "$id"
  [ -z "$(monitor_of "$id")" ]
}

@test "--restart always: a running container stopped by hand stays stopped" {
  id=$(mrun -d --restart always busybox sleep 1000)
  mocker stop -t 1 "$id"
  [ -z "$(monitor_of "$id")" ]
  [ "$(field "$id" .RestartCount)" = 0 ]
  [ "$(field "$id" .State.Running)" = false ]
}

@test "--restart unless-stopped: restarted; start --all-restartable skips it once stopped, not always" {
  us=$(mrun -d --name us --restart unless-stopped busybox sh -c 'echo run; exit 1')
  wait_log us run 2
  mocker stop us
  al=$(mrun -d --name al --restart always busybox sleep 1000)
  mocker stop -t 1 al
  no=$(mrun -d --name no busybox true)
  wait_exited no
  run mocker start --all-restartable
  [ "$status" -eq 0 ]
  [ "$(field al .State.Running)" = true ]
  [ -z "$(monitor_of "$us")" ]
  [ "$(field us .State.Running)" = false ]
  [ "$(field no .State.Running)" = false ]
  # Never stopped by hand (its monitor is gone, as after a reboot): started.
  us2=$(mrun -d --name us2 --restart unless-stopped busybox sleep 1000)
  kill -9 "$(monitor_of "$us2")" "$(field us2 .State.Pid)"
  wait_exited us2
  rm -f "$MOCKER_ROOT/containers/$us2/stopped-by-user"
  run mocker start --all-restartable
  [ "$status" -eq 0 ]
  [ "$(field us2 .State.Running)" = true ]
}

@test "--restart: the restarted container's loopback is up again (--network none)" {
  id=$(mrun -d --restart on-failure:1 busybox sh -c 'cat /sys/class/net/lo/operstate; exit 1')
  wait_monitor_gone "$id"
  [ "$(field "$id" .RestartCount)" = 1 ]
  [ "$(mocker logs "$id" | grep -cx unknown)" = 2 ]
}

@test "--restart in the foreground: run returns the first exit code, restarts go on" {
  run mrun --name fg --restart on-failure:1 busybox sh -c 'echo run; exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = run ]
  id=$(field fg .Id)
  wait_monitor_gone "$id"
  [ "$(field fg .RestartCount)" = 1 ]
}

@test "--restart: bad values and --rm exit 125" {
  for bad in bogus on-failure:x always:2 on-failure: on-failure:-1; do
    run mrun --restart "$bad" busybox true
    [ "$status" -eq 125 ]
    [[ $output == *"restart"* ]]
  done
  run mrun --rm --restart always busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"--restart and --rm"* ]]
  [ -z "$(all_ids)" ]
}
