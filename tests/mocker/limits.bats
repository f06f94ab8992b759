#!/usr/bin/env bats
# Resource limits through mocker run: memory (OOM kill), pids, cpus.
# --network none: the machine's own network is never touched.
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

# The container's cgroup directory for a controller (v1) or the unified one.
cgroup_dir() {  # cgroup_dir CONTROLLER ID
  if [ -d "/sys/fs/cgroup/$1/mocker-$2" ]; then
    echo "/sys/fs/cgroup/$1/mocker-$2"
  else
    echo "/sys/fs/cgroup/mocker-$2"
  fi
}

@test "-m 32m: a memory hog is OOM-killed (exit 137, OOMKilled true)" {
  run mocker run --name hog --network none -m 32m busybox sh -c 'tail /dev/zero'
  [ "$status" -eq 137 ]
  run mocker inspect hog
  [ "$(jq -r '.[0].State.OOMKilled' <<< "$output")" = true ]
  [ "$(jq -r '.[0].State.ExitCode' <<< "$output")" = 137 ]
  # Without a limit nothing is recorded as OOM.
  mocker run --name fine --network none busybox true
  [ "$(mocker inspect fine | jq -r '.[0].State.OOMKilled')" = false ]
}

@test "--pids-limit 10 stops a fork bomb" {
  run mocker run --rm --network none --pids-limit 10 busybox sh -c \
    'for i in $(seq 50); do sleep 30 & done; echo all started'
  [ "$status" -ne 0 ]
  [[ $output == *"can't fork"* ]]
  [[ $output != *"all started"* ]]
  # The same loop without the limit starts all 50.
  run mocker run --rm --network none busybox sh -c \
    'for i in $(seq 50); do sleep 30 & done; echo all started'
  [ "$status" -eq 0 ]
  [ "$output" = "all started" ]
}

@test "--cpus 0.5 holds a busy loop near half a CPU" {
  id=$(mocker run -d --network none --cpus 0.5 busybox sh -c 'while :; do :; done')
  remember "$id"
  dir=$(cgroup_dir cpuacct "$id")
  usage() {
    if [ -f "$dir/cpuacct.usage" ]; then cat "$dir/cpuacct.usage"
    else echo $(( $(awk '/^usage_usec/ {print $2}' "$dir/cpu.stat") * 1000 )); fi
  }
  [ "$(cat "$(cgroup_dir cpu "$id")/cpu.cfs_quota_us" 2>/dev/null || cut -d' ' -f1 "$dir/cpu.max")" = 50000 ]
  sleep 0.5
  t0=$(date +%s%N); u0=$(usage)
  sleep 2
  t1=$(date +%s%N); u1=$(usage)
  share=$(( (u1 - u0) * 100 / (t1 - t0) ))
  echo "cpu share: $share%"
  # Generous band: the machine is shared; the limit must hold it well under
  # one CPU, and the loop must have run.
  [ "$share" -le 70 ]
  [ "$share" -ge 10 ]
  mocker rm -f "$id"
}

@test "-m with suffixes, --cpu-shares and --pids-limit reach the container's cgroup" {
  id=$(mocker run -d --network none -m 1g --cpu-shares 512 --pids-limit 77 busybox sleep 1000)
  mem=$(cgroup_dir memory "$id")
  if [ -f "$mem/memory.limit_in_bytes" ]; then
    [ "$(cat "$mem/memory.limit_in_bytes")" = 1073741824 ]
    [ "$(cat "$(cgroup_dir cpu "$id")/cpu.shares")" = 512 ]
  else
    [ "$(cat "$mem/memory.max")" = 1073741824 ]
  fi
  [ "$(cat "$(cgroup_dir pids "$id")/pids.max")" = 77 ]
  mocker rm -f "$id"
  run mocker run --rm --network none -m 5m busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"minimum is 6MB"* ]]
}

@test "the monitor stays under 1 MiB of RSS" {
  monitor_bin=$(dirname "$MOCKER_BIN")/mocker-monitor
  [[ $(ldd "$monitor_bin" 2>&1) == *"not a dynamic"* ]] || skip "mocker-monitor is not static (SANITIZE=1)"
  id=$(mocker run -d --network none busybox sleep 1000)
  mon=$(jq -r .monitor_pid "$MOCKER_ROOT/containers/$id/state.json")
  [ "$(cat /proc/$mon/comm)" = mocker-monitor ]
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$mon/status)
  echo "monitor RSS: $rss kB"
  [ "$rss" -lt 1024 ]
  mocker rm -f "$id"
}
