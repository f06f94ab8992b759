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
  local ids pid
  # background helpers of a failed test (a lock holder blocks rm -f)
  for pid in ${BG_PIDS:-}; do kill -KILL "$pid" 2>/dev/null || true; done
  BG_PIDS=
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  if [ -n "${H:-}" ] && [ -e "/run/netns/$H" ]; then
    # A test that failed before host_netns_done: its bridge containers are
    # removed in the netns they were attached in, then the netns goes.
    [ -z "$ids" ] || nsenter --net="/run/netns/$H" "$MOCKER_BIN" rm -f $ids > /dev/null 2>&1 || true
    ip netns del "$H" 2>/dev/null || true
  fi
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

# A test-made "host" netns for the bridge (the machine's own is never
# touched); mk runs mocker in it.
host_netns() {
  H=mkt-lh-$$-$BATS_TEST_NUMBER
  ip netns add "$H"
  ip netns exec "$H" ip link set lo up
}

host_netns_done() {  # after the test's containers are gone
  local left=0
  [ "$(mk network leases)" = "[]" ] || { echo "leases left" >&2; left=1; }
  ip netns del "$H"
  return $left
}

mk() {
  nsenter --net="/run/netns/$H" "$MOCKER_BIN" "$@"
}

@test "--restart with the bridge: the restarted container has eth0 and an address again" {
  host_netns
  id=$(mk run -d --restart on-failure:1 busybox sh -c 'ip -o -4 addr show eth0 | grep -c inet; exit 1')
  wait_monitor_gone "$id"
  [ "$(field "$id" .RestartCount)" = 1 ]
  [ "$(mocker logs "$id" | grep -cx 1)" = 2 ]
  mk rm "$id"
  host_netns_done
}

@test "port: the -p bindings as Docker prints them; one port; nothing when stopped" {
  host_netns
  mk run -d --name web -p 18081:80 -p 127.0.0.1:18082:80 -p 18053:53/udp busybox sleep 1000
  run mk port web
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "80/tcp -> 0.0.0.0:18081" ]
  [ "${lines[1]}" = "80/tcp -> 127.0.0.1:18082" ]
  [ "${lines[2]}" = "53/udp -> 0.0.0.0:18053" ]
  [ "${#lines[@]}" -eq 3 ]
  run mk port web 53/udp
  [ "$output" = "0.0.0.0:18053" ]
  run mk port web 81
  [ "$status" -eq 1 ]
  [[ $output == *"no public port '81/tcp'"* ]]
  mk stop -t 0 web
  run mk port web
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run mk port
  [ "$status" -eq 1 ]
  mk rm web
  host_netns_done
}

@test "restart: a running container gets a new process; a stopped one is started" {
  id=$(mrun -d --name rs busybox sleep 1000)
  pid1=$(field rs .State.Pid)
  run mocker restart -t 1 rs
  [ "$status" -eq 0 ]
  [ "$output" = rs ]
  [ "$(field rs .State.Running)" = true ]
  [ "$(field rs .State.Pid)" != "$pid1" ]
  mocker stop -t 0 rs
  mocker restart rs
  [ "$(field rs .State.Running)" = true ]
  run mocker restart nosuch
  [ "$status" -eq 1 ]
  run mocker restart
  [ "$status" -eq 1 ]
  run mocker restart -t x rs
  [ "$status" -eq 125 ]
}

@test "restart of a --rm container is refused before anything is done" {
  mrun -d --rm --name rsrm busybox sleep 1000
  run mocker restart rsrm
  [ "$status" -eq 1 ]
  [[ $output == *"rsrm was run with --rm"* ]]
  [ "$(field rsrm .State.Running)" = true ]
  mocker rm -f rsrm
}

@test "wait: prints the exit codes of several containers, in order" {
  a=$(mrun -d busybox sh -c 'sleep 0.5; exit 3')
  b=$(mrun -d busybox sh -c 'exit 7')
  c=$(mrun -d busybox sleep 1000)
  mocker kill "$c"
  run mocker wait "$a" "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 3 ]
  [ "${lines[1]}" = 7 ]
  [ "${lines[2]}" = 137 ]
  run mocker wait "$a" nosuch
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = 3 ]
  run mocker wait
  [ "$status" -eq 1 ]
}

@test "wait: recorded running with its process gone, it waits for the monitor to record the exit" {
  id=$(mrun -d busybox sh -c 'exit 3')
  [ "$(mocker wait "$id")" = 3 ]
  dir=$MOCKER_ROOT/containers/$id
  # The moment between the monitor reaping the init and recording its exit:
  # the record says running (no exit code yet), the pid is gone, the monitor
  # (its lock) is still there.
  jq -c '.status = "running" | .exit_code = 0' "$dir/state.json" > "$dir/state.new"
  mv "$dir/state.new" "$dir/state.json"
  # the holder is the sleep itself (exec), so killing it leaves nothing behind
  ( exec 9<> "$dir/monitor.lock"; flock 9; exec sleep 1000 ) > /dev/null 2>&1 3>&- &
  holder=$!; BG_PIDS=$holder
  for i in $(seq 100); do ! flock -n -s "$dir/monitor.lock" true || { sleep 0.05; continue; }; break; done
  mocker wait "$id" > "$MOCKER_TEST_DIR/wait.out" 3>&- &
  waiter=$!; BG_PIDS="$holder $waiter"
  sleep 0.5
  # still waiting, nothing printed (the record says running)
  kill -0 "$waiter"
  [ ! -s "$MOCKER_TEST_DIR/wait.out" ]
  # the monitor records the exit, then goes
  jq -c '.status = "exited" | .exit_code = 3' "$dir/state.json" > "$dir/state.new"
  mv "$dir/state.new" "$dir/state.json"
  kill "$holder"
  wait "$holder" || true
  wait "$waiter"
  [ "$(cat "$MOCKER_TEST_DIR/wait.out")" = 3 ]
  mocker rm "$id" > /dev/null
}

@test "pause freezes (a counter stops), unpause resumes; State.Paused, ps (Paused)" {
  id=$(mrun -d --name pz busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 0.05; done')
  merged=$(field pz .GraphDriver.Data.MergedDir)
  for i in $(seq 100); do [ -s "$merged/tmp/c" ] && break; sleep 0.05; done
  run mocker pause pz
  [ "$status" -eq 0 ]
  [ "$output" = pz ]
  [ "$(field pz .State.Paused)" = true ]
  [[ $(mocker ps) == *"(Paused)"* ]]
  v1=$(cat "$merged/tmp/c")
  sleep 0.5
  [ "$(cat "$merged/tmp/c")" = "$v1" ]
  run mocker pause pz
  [ "$status" -eq 1 ]
  [[ $output == *"already paused"* ]]
  mocker unpause pz
  [ "$(field pz .State.Paused)" = false ]
  for i in $(seq 100); do [ "$(cat "$merged/tmp/c")" != "$v1" ] && break; sleep 0.05; done
  [ "$(cat "$merged/tmp/c")" != "$v1" ]
  run mocker unpause pz
  [ "$status" -eq 1 ]
  [[ $output == *"not paused"* ]]
  # A paused container can be stopped (thawed after the signal).
  mocker pause pz
  mocker stop -t 1 pz
  [ "$(field pz .State.Running)" = false ]
  run mocker pause pz
  [ "$status" -eq 1 ]
  [[ $output == *"not running"* ]]
}

@test "rename: the new name works, the old one fails" {
  mrun -d --name old busybox sleep 1000
  run mocker rename old new
  [ "$status" -eq 0 ]
  [ "$(field new .Name)" = /new ]
  run mocker inspect old
  [ "$status" -eq 1 ]
  mocker stop -t 0 new
  mrun -d --name other busybox true
  run mocker rename new other
  [ "$status" -eq 1 ]
  [[ $output == *"already in use"* ]]
  run mocker rename new 'bad name'
  [ "$status" -eq 1 ]
  run mocker rename new
  [ "$status" -eq 1 ]
  [ "$(field new .Name)" = /new ]
  mocker rm new other
}

@test "top: the container's processes, Docker's default columns and -o" {
  mrun -d --name tp busybox sh -c 'sleep 1000 & sleep 2000; true'
  for i in $(seq 100); do [ "$(mocker top tp | grep -c sleep)" = 2 ] && break; sleep 0.05; done
  run mocker top tp
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "UID "*"PID "*"PPID "*"C "*"STIME "*"TTY "*"TIME "*"CMD" ]]
  [[ $output == *"sleep 1000"* ]]
  [[ $output == *"sleep 2000"* ]]
  [ "${#lines[@]}" -eq 4 ]
  init=$(field tp .State.Pid)
  run mocker top tp -o pid,comm
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "PID "*"COMMAND" ]]
  [[ $output == *"$init "*"sh"* ]]
  # Compared with ps(1) on the host.
  procs=/sys/fs/cgroup/pids/mocker-$(field tp .Id)/cgroup.procs
  [ -f "$procs" ] || procs=/sys/fs/cgroup/mocker-$(field tp .Id)/cgroup.procs
  for f in pid,ppid,comm,args user,uid,rss,vsz; do
    mine=$(mocker top tp -o "$f" | tail -n +2 | tr -s ' ' | sort)
    theirs=$(ps -o "$f" --no-headers -p "$(paste -sd, "$procs")" | sed 's/^ *//' | tr -s ' ' | sort)
    [ "$mine" = "$theirs" ] || { echo "$f: mine=$mine theirs=$theirs"; false; }
  done
  run mocker top tp -o pid,wchan
  [ "$status" -eq 1 ]
  [[ $output == *"unsupported ps field \`wchan\`"* ]]
  mocker stop -t 0 tp
  run mocker top tp
  [ "$status" -eq 1 ]
  [[ $output == *"not running"* ]]
}

@test "rename of a --rm container: its new name goes with it" {
  id=$(mrun -d --rm --name rmold busybox sleep 1000)
  remember "$id"
  mocker rename rmold rmnew
  mocker stop -t 0 rmnew
  for i in $(seq 100); do [ -d "$MOCKER_ROOT/containers/$id" ] || break; sleep 0.05; done
  [ ! -e "$MOCKER_ROOT/containers/.names/rmnew" ]
  [ ! -L "$MOCKER_ROOT/containers/.names/rmnew" ]
  [ ! -L "$MOCKER_ROOT/containers/.names/rmold" ]
  # The name is free again.
  mrun --rm --name rmnew busybox true
}

@test "--restart: during the back-off ps says Restarting, inspect restarting; rm refuses it, rm -f removes it" {
  id=$(mrun -d --restart always busybox sh -c 'exit 2')
  # The back-off doubles: after 5 restarts it is 3.2 s, long enough to look.
  for i in $(seq 200); do
    [ "$(field "$id" .State.Status)" = restarting ] && [ "$(field "$id" .RestartCount)" -ge 5 ] && break
    sleep 0.05
  done
  [ "$(field "$id" .State.Status)" = restarting ]
  [ "$(field "$id" .State.Restarting)" = true ]
  [[ $(mocker ps -a) == *"Restarting (2) "* ]]
  run mocker rm "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"restarting"* ]]
  mocker rm -f "$id"
  [ -z "$(monitor_of "$id")" ]
  [ -z "$(all_ids)" ]
}
