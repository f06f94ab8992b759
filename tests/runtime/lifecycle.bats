#!/usr/bin/env bats
# The container lifecycle: run, create/start/state/kill/delete, ids, errors.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

@test "run exits with the process's status" {
  b=$(rt_bundle)
  rt_args "$b" sh -c 'echo out; echo err >&2; exit 3'
  run rt run -b "$b" "$(rt_id)"
  [ "$status" -eq 3 ]
  [[ $output == *out* ]]
  [[ $output == *err* ]]
}

@test "run: signals sent to a foreground run reach the container's process" {
  b=$(rt_bundle)
  rt_args "$b" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
  id=$(rt_id)
  # (not through rt: $! must be the runtime itself)
  "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$b" "$id" > "$RT_TMP/out" 2>&1 &
  runner=$!
  for _ in $(seq 200); do grep -q ready "$RT_TMP/out" && break; sleep 0.05; done
  grep -q ready "$RT_TMP/out"
  kill -TERM "$runner"
  for _ in $(seq 200); do kill -0 "$runner" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$runner" 2>/dev/null; then  # never forwarded: do not hang
    kill -KILL "$runner"
    rt delete -f "$id"
  fi
  st=0
  wait "$runner" || st=$?
  echo "status $st: $(cat "$RT_TMP/out")"
  [ "$st" -eq 7 ]
  grep -q got-term "$RT_TMP/out"
  [ ! -e "$RT_ROOT/$id" ]
}

@test "run: a process killed by a signal gives 128+signal" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt run -b "$b" --pid-file "$RT_TMP/pid" "$id" &
  runner=$!
  while [ ! -s "$RT_TMP/pid" ]; do sleep 0.05; done
  kill -9 "$(cat "$RT_TMP/pid")"
  st=0
  wait "$runner" || st=$?
  [ "$st" -eq 137 ]
  # run deletes the container once its process is gone.
  [ ! -e "$RT_ROOT/$id" ]
}

@test "the process is PID 1 and sees no host process" {
  b=$(rt_bundle)
  rt_args "$b" sh -c 'echo "pid=$$"; ls /proc | grep -c "^[0-9]"'
  run rt run -b "$b" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "pid=1" ]
  # sh and ls (and grep): the host's hundreds of processes are not there.
  [ "${lines[1]}" -le 3 ]
}

@test "the hostname is the container's and a change stays inside" {
  b=$(rt_bundle)
  host_before=$(hostname)
  rt_config "$b" '.hostname = "box1" | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
                  | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
                  | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  rt_args "$b" sh -c 'hostname; hostname changed-inside && hostname'
  run rt run -b "$b" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = box1 ]
  [ "${lines[1]}" = changed-inside ]
  [ "$(hostname)" = "$host_before" ]
}

@test "create, state created, start, running, kill, stopped, delete" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  pid=$(cat "$RT_TMP/pid")
  [ "$(rt_status "$id")" = created ]
  run rt state "$id"
  [ "$(jq -r .pid <<<"$output")" = "$pid" ]
  [ "$(jq -r .id <<<"$output")" = "$id" ]
  [ "$(jq -r .bundle <<<"$output")" = "$b" ]
  [ "$(jq -r .rootfs <<<"$output")" = "$b/rootfs" ]
  [ "$(jq -r .ociVersion <<<"$output")" = 1.2.0 ]
  [[ $(jq -r .created <<<"$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
  # Not started: the user's program has not run yet.
  [ "$(cat /proc/$pid/comm)" != sleep ]

  rt start "$id"
  [ "$(rt_status "$id")" = running ]
  [ "$(cat /proc/$pid/comm)" = sleep ]
  run rt start "$id"
  [ "$status" -eq 1 ]

  rt kill "$id" KILL
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" != Z ]; do
    sleep 0.05
  done
  [ "$(rt_status "$id")" = stopped ]
  [ "$(rt state "$id" | jq .pid)" = 0 ]
  run rt kill "$id" KILL
  [ "$status" -eq 1 ]
  [[ $output == *"container not running"* ]]

  rt delete "$id"
  run rt state "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"container does not exist"* ]]
}

@test "list shows containers as a table, ids, and json" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" "$id"
  run rt list
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
  [[ ${lines[1]} == "$id "*created*"$b"* ]]
  run rt list -q
  [ "$output" = "$id" ]
  run rt list --format=json
  [ "$(jq -r '.[0].id' <<<"$output")" = "$id" ]
  [ "$(jq -r '.[0].status' <<<"$output")" = created ]
  rt delete "$id"
  run rt list -q
  [ "$output" = "" ]
}

@test "kill takes a signal name, a SIG name or a number" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  for sig in KILL SIGKILL 9; do
    id=$(rt_id)
    rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
    rt start "$id"
    pid=$(cat "$RT_TMP/pid")
    rt kill "$id" "$sig"
    while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" != Z ]; do
      sleep 0.05
    done
    [ "$(rt_status "$id")" = stopped ]
    rt delete "$id"
  done
  id=$(rt_id)
  rt create -b "$b" "$id"
  run rt kill "$id" NOSUCHSIG
  [ "$status" -eq 1 ]
  [[ $output == *"invalid signal"* ]]
  [ "$(rt_status "$id")" = created ]
}

@test "kill ID 0 checks that the container's process is there, as kill(2) and runc" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt run -d -b "$b" "$id"
  run rt kill "$id" 0
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$(rt_status "$id")" = running ]
  rt kill "$id" KILL
  while [ "$(rt_status "$id")" != stopped ]; do sleep 0.05; done
  run rt kill "$id" 0
  [ "$status" -ne 0 ]
  [[ $output == *"not running"* ]]
}

@test "a created container dies on the default SIGTERM" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  pid=$(cat "$RT_TMP/pid")
  rt kill "$id"
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" != Z ]; do
    sleep 0.05
  done
  [ "$(rt_status "$id")" = stopped ]
  rt delete "$id"
}

@test "delete refuses a running container, --force deletes it" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  rt start "$id"
  pid=$(cat "$RT_TMP/pid")
  run rt delete "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"cannot delete container $id that is not stopped: running"* ]]
  [ "$(rt_status "$id")" = running ]
  rt delete --force "$id"
  ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "delete of a created container kills it without --force (as runc does)" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  pid=$(cat "$RT_TMP/pid")
  rt delete "$id"
  ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  [ ! -e "$RT_ROOT/$id" ]
  # runc: the same (docs/runtime.md "kill and delete" says why).
  if command -v runc >/dev/null; then
    runc --root "$RT_TMP/runc" create -b "$b" --pid-file "$RT_TMP/runc.pid" "$id-runc" < /dev/null > /dev/null 2>&1
    rpid=$(cat "$RT_TMP/runc.pid")
    [ "$(runc --root "$RT_TMP/runc" state "$id-runc" | jq -r .status)" = created ]
    runc --root "$RT_TMP/runc" delete "$id-runc"
    ! kill -0 "$rpid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$rpid/stat)" = Z ]
  fi
}

@test "a config without process: create accepts it, start refuses it, run refuses it first" {
  b=$(rt_bundle)
  rt_config "$b" 'del(.process)'
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null
  [ "$(rt_status "$id")" = created ]
  run rt start "$id"
  [ "$status" -eq 1 ]
  [ "$output" = "mocker-runtime: config.json: process: missing (required to start the container)" ]
  [ "$(rt_status "$id")" = stopped ]
  rt delete "$id"
  [ ! -e "$RT_ROOT/$id" ]
  id2=$(rt_id)
  run rt run -b "$b" "$id2"
  [ "$status" -ne 0 ]
  [[ $output == *"config.json: process: missing"* ]]
  [ ! -e "$RT_ROOT/$id2" ]
}

@test "a duplicate id is refused and the first container is untouched" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" "$id"
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"container with given ID already exists"* ]]
  [ "$(rt_status "$id")" = created ]
  run rt run -b "$b" "$id"
  [ "$status" -ne 0 ]
  [[ $output == *"container with given ID already exists"* ]]
}

@test "invalid ids are refused" {
  b=$(rt_bundle)
  long=$(printf 'a%.0s' $(seq 1 300))
  for bad in "a/b" ".." "." "" "a b" "x;y" "$long"; do
    run rt create -b "$b" "$bad"
    [ "$status" -eq 1 ]
    [[ $output == *"invalid container id"* ]]
    run rt state "$bad"
    [ "$status" -eq 1 ]
  done
  [ ! -e "$RT_ROOT" ] || [ -z "$(ls -A "$RT_ROOT")" ]
}

@test "a missing executable fails create with a clear error" {
  b=$(rt_bundle)
  rt_args "$b" nosuch
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *'exec: "nosuch": executable file not found in $PATH'* ]]
  [ ! -e "$RT_ROOT/$id" ]
  run rt run -b "$b" "$id"
  [ "$status" -eq 255 ]
  [[ $output == *'executable file not found'* ]]
}

@test "an invalid config.json names the JSON path and leaves no state" {
  b=$(rt_bundle)
  rt_config "$b" '.process.args = "sh"'
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"process.args"* ]]
  [ ! -e "$RT_ROOT/$id" ]
  echo '{ "ociVersion": "1.2.0", ' > "$b/config.json"
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"config.json"* ]]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "state, kill, start and delete of an unknown id say it does not exist" {
  for cmd in state start delete; do
    run rt $cmd nosuch-$$
    [ "$status" -eq 1 ]
    [[ $output == *"container does not exist"* ]]
  done
  run rt kill nosuch-$$ KILL
  [[ $output == *"container does not exist"* ]]
  run rt delete --force nosuch-$$
  [ "$status" -eq 0 ]
}

@test "state works with no flags and only XDG_RUNTIME_DIR set" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  "$MOCKER_RUNTIME" --root "$RT_TMP/xdg/mocker-runtime" create -b "$b" "$id"
  run env -i XDG_RUNTIME_DIR="$RT_TMP/xdg" "$MOCKER_RUNTIME" state "$id"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = created ]
  env -i XDG_RUNTIME_DIR="$RT_TMP/xdg" "$MOCKER_RUNTIME" delete --force "$id"
  [ -z "$(ls -A "$RT_TMP/xdg/mocker-runtime")" ]
}

@test "global and command flags take both --flag value and --flag=value" {
  b=$(rt_bundle)
  rt_args "$b" true
  id=$(rt_id)
  "$MOCKER_RUNTIME" --root="$RT_ROOT" --log="$RT_TMP/log" --log-format=json --debug \
    --systemd-cgroup --rootless false create --bundle="$b" --pid-file="$RT_TMP/pid" "$id"
  [ -s "$RT_TMP/pid" ]
  [ "$(rt_status "$id")" = created ]
  rt delete "$id"
  run "$MOCKER_RUNTIME" --version
  [ "${lines[0]}" = "mocker-runtime version 0.1.0" ]
  [[ ${lines[1]} == "spec: 1."* ]]
}

@test "errors go to the --log file as JSON lines" {
  run "$MOCKER_RUNTIME" --root "$RT_ROOT" --log "$RT_TMP/log.json" --log-format json state nosuch-$$
  [ "$status" -eq 1 ]
  [[ $output == *"container does not exist"* ]]
  [ "$(tail -n1 "$RT_TMP/log.json" | jq -r .level)" = error ]
  [[ $(tail -n1 "$RT_TMP/log.json" | jq -r .msg) == *"does not exist"* ]]
}

@test "a reused pid is not the container: state says stopped" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  pid=$(cat "$RT_TMP/pid")
  # Same pid, another start time: what a reused pid looks like.
  jq '.init_start_time += 1' "$RT_ROOT/$id/state.json" > "$RT_TMP/st" && mv "$RT_TMP/st" "$RT_ROOT/$id/state.json"
  [ "$(rt_status "$id")" = stopped ]
  [ "$(rt state "$id" | jq .pid)" = 0 ]
  run rt kill "$id" KILL
  [[ $output == *"container not running"* ]]
  kill -0 "$pid"   # the "other" process was not signalled
  kill -9 "$pid"
  rt delete "$id"
}

@test "the container's stdio is the caller's" {
  b=$(rt_bundle)
  rt_args "$b" sh -c 'read line; echo "got $line"; echo to-err >&2'
  id=$(rt_id)
  out=$(echo hello | rt run -b "$b" "$id" 2>"$RT_TMP/err")
  [ "$out" = "got hello" ]
  grep -q to-err "$RT_TMP/err"
}

@test "run -d detaches and leaves a running container" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt run -d -b "$b" --pid-file "$RT_TMP/pid" "$id"
  [ "$(rt_status "$id")" = running ]
  [ "$(cat /proc/$(cat "$RT_TMP/pid")/comm)" = sleep ]
  rt delete --force "$id"
}

@test "spec writes a default config.json that runs, and never overwrites one" {
  b=$(rt_bundle)
  rm "$b/config.json"
  rt spec --bundle "$b"
  [ "$(jq -r .ociVersion "$b/config.json")" != null ]
  [ "$(jq -r .root.path "$b/config.json")" = rootfs ]
  rt_config "$b" '.process.terminal = false'
  rt_args "$b" sh -c 'echo spec-ok'
  run rt run -b "$b" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "$output" = spec-ok ]
  run rt spec -b "$b"
  [ "$status" -eq 1 ]
  [[ $output == *"exists"* ]]
  mkdir "$RT_TMP/rootless"
  (cd "$RT_TMP/rootless" && rt spec --rootless)
  [ "$(jq '[.linux.namespaces[] | select(.type == "user")] | length' "$RT_TMP/rootless/config.json")" = 1 ]
}

@test "kill --all signals every process of the container" {
  b=$(rt_bundle)
  # pid 1 ignores SIGTERM (no handler); its child does not: only --all reaches it.
  rt_args "$b" sh -c 'sleep 1000 & wait'
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  rt start "$id"
  pid=$(cat "$RT_TMP/pid")
  until [ -n "$(cat /proc/$pid/task/$pid/children)" ]; do sleep 0.05; done
  child=$(cat /proc/$pid/task/$pid/children)
  rt kill "$id" TERM
  [ "$(rt_status "$id")" = running ]
  kill -0 $child
  rt kill --all "$id" TERM
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" != Z ]; do
    sleep 0.05
  done
  [ "$(rt_status "$id")" = stopped ]
  rt delete "$id"
}

@test "concurrent creates of one id: exactly one wins" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  pids=()
  for i in 1 2 3 4 5 6; do
    rt create -b "$b" "$id" > "$RT_TMP/c$i.out" 2>&1 &
    pids+=($!)
  done
  ok=0
  for p in "${pids[@]}"; do
    if wait "$p"; then ok=$((ok + 1)); fi
  done
  [ "$ok" -eq 1 ]
  [ "$(grep -l "container with given ID already exists" "$RT_TMP"/c*.out | wc -l)" -eq 5 ]
  [ "$(rt_status "$id")" = created ]
  rt delete "$id"
}

@test "--preserve-fds passes fds 3.. to the process, others are closed" {
  b=$(rt_bundle)
  rt_args "$b" sh -c 'cat <&3; readlink /proc/$$/fd/4 2>/dev/null || echo no-fd-4'
  echo from-fd-3 > "$RT_TMP/in3"
  echo never > "$RT_TMP/in4"
  run rt run --preserve-fds 1 -b "$b" "$(rt_id)" 3< "$RT_TMP/in3" 4< "$RT_TMP/in4"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-fd-3 ]
  [ "${lines[1]}" = no-fd-4 ]
}
