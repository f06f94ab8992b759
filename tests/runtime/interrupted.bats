#!/usr/bin/env bats
# A runtime killed halfway through create leaves nothing that blocks the id,
# and concurrent commands on one id are serialized.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

# Starts `create` of a bundle whose createRuntime hook blocks (the hook records
# its pid in $RT_TMP/hook.pid first); waits until the hook runs; prints the
# runtime's pid.
create_stuck_in_hook() {
  local b=$1 id=$2
  cat > "$RT_TMP/block.sh" <<EOF
#!/bin/sh
echo \$\$ > $RT_TMP/hook.pid
exec /bin/sleep 1000
EOF
  chmod 755 "$RT_TMP/block.sh"
  rt_config "$b" '.hooks.createRuntime = [{path: $p}]' --arg p "$RT_TMP/block.sh"
  rt create -b "$b" --pid-file "$RT_TMP/init.pid" "$id" >/dev/null 2>&1 &
  local runtime=$!
  while [ ! -s "$RT_TMP/hook.pid" ]; do sleep 0.05; done
  echo "$runtime"
}

# Kills the runtime and its stuck hook, by pid.
kill_runtime_and_hook() {
  kill -9 "$1"
  wait "$1" 2>/dev/null || true
  kill -9 "$(cat "$RT_TMP/hook.pid")" 2>/dev/null || true
}

@test "a create killed halfway: delete --force cleans it, nothing is left" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  runtime=$(create_stuck_in_hook "$b" "$id")
  kill_runtime_and_hook "$runtime"
  # The half-made container is not reported as one.
  run rt state "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"does not exist"* ]]
  run rt list -q
  [ "$output" = "" ]
  rt delete --force "$id"
  [ ! -e "$RT_ROOT/$id" ]
}

@test "a create killed halfway: the next create of the id works" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  runtime=$(create_stuck_in_hook "$b" "$id")
  kill_runtime_and_hook "$runtime"
  b2=$(rt_bundle)
  rt_args "$b2" sleep 1000
  rt create -b "$b2" --pid-file "$RT_TMP/pid2" "$id"
  [ "$(rt_status "$id")" = created ]
  rt delete "$id"
}

@test "the init of a killed create does not outlive it" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  runtime=$(create_stuck_in_hook "$b" "$id")
  # The init exists (in the container's cgroup) while the hook runs.
  procs=$(cat /sys/fs/cgroup/pids/mocker-"$id"/cgroup.procs 2>/dev/null \
          || cat /sys/fs/cgroup/mocker-"$id"/cgroup.procs)
  [ -n "$procs" ]
  kill_runtime_and_hook "$runtime"
  for p in $procs; do
    while kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" != Z ]; do
      sleep 0.05
    done
  done
  rt delete --force "$id"
}

@test "a command on an id waits for the create in progress" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  # A createRuntime hook that holds create until $RT_TMP/release exists.
  printf '#!/bin/sh\ntouch %s/holding\nwhile [ ! -e %s/release ]; do /bin/sleep 0.05; done\n' \
    "$RT_TMP" "$RT_TMP" > "$RT_TMP/hold.sh"
  chmod 755 "$RT_TMP/hold.sh"
  rt_config "$b" '.hooks.createRuntime = [{path: $p}]' --arg p "$RT_TMP/hold.sh"
  rt create -b "$b" "$id" &
  creator=$!
  while [ ! -e "$RT_TMP/holding" ]; do sleep 0.05; done
  "$MOCKER_RUNTIME" --root "$RT_ROOT" state "$id" > "$RT_TMP/state.out" 2>&1 &
  waiter=$!
  # state blocks in flock (syscall 73) on the id's lock, not answering "creating".
  until [ "$(cut -d' ' -f1 /proc/$waiter/syscall 2>/dev/null)" = 73 ]; do
    kill -0 "$waiter"
    sleep 0.05
  done
  touch "$RT_TMP/release"
  wait "$creator"
  wait "$waiter"
  [ "$(jq -r .status "$RT_TMP/state.out")" = created ]
  rt delete "$id"
}
