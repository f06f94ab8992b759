#!/usr/bin/env bats
# pause/resume, update, ps, events and features.

load helpers

setup() {
  rt_setup
  B=$(rt_bundle)
  ID=$(rt_id)
  rt_args "$B" sleep 1000
}
teardown() { rt_teardown; }

freezer_state() {
  if [ -f "/sys/fs/cgroup/freezer/mocker-$ID/freezer.state" ]; then
    cat "/sys/fs/cgroup/freezer/mocker-$ID/freezer.state"
  else
    cat "/sys/fs/cgroup/mocker-$ID/cgroup.freeze"
  fi
}

@test "pause freezes the container (status paused), resume thaws it" {
  rt run -d -b "$B" "$ID"
  rt pause "$ID"
  [ "$(rt_status "$ID")" = paused ]
  [[ "$(freezer_state)" == FROZEN || "$(freezer_state)" == 1 ]]
  run rt pause "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container already paused"* ]]
  run rt exec "$ID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"container paused"* ]]
  run rt delete "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"that is not stopped: paused"* ]]
  rt resume "$ID"
  [ "$(rt_status "$ID")" = running ]
  run rt resume "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not paused"* ]]
  run rt exec "$ID" echo alive
  [ "$output" = alive ]
}

@test "kill -9 of a paused container stops it; delete --force of a paused one works" {
  rt run -d -b "$B" "$ID"
  rt pause "$ID"
  rt kill "$ID" 9
  for _ in $(seq 50); do [ "$(rt_status "$ID")" = stopped ] && break; sleep 0.1; done
  [ "$(rt_status "$ID")" = stopped ]
  rt delete "$ID"
  local id2; id2=$(rt_id)
  rt run -d -b "$B" "$id2"
  rt pause "$id2"
  rt delete --force "$id2"
  run rt state "$id2"
  [ "$status" -ne 0 ]
}

@test "pause of a stopped or unknown container fails" {
  rt_args "$B" true
  rt run -d -b "$B" "$ID"
  for _ in $(seq 50); do [ "$(rt_status "$ID")" = stopped ] && break; sleep 0.1; done
  run rt pause "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run rt pause nosuch
  [[ "$output" == *"does not exist"* ]]
}

mem_limit() {
  if [ -f "/sys/fs/cgroup/memory/mocker-$ID/memory.limit_in_bytes" ]; then
    cat "/sys/fs/cgroup/memory/mocker-$ID/memory.limit_in_bytes"
  else
    cat "/sys/fs/cgroup/mocker-$ID/memory.max"
  fi
}
pids_limit() {
  if [ -f "/sys/fs/cgroup/pids/mocker-$ID/pids.max" ]; then
    cat "/sys/fs/cgroup/pids/mocker-$ID/pids.max"
  else
    cat "/sys/fs/cgroup/mocker-$ID/pids.max"
  fi
}

@test "update: flags change the cgroup and the kept config" {
  rt run -d -b "$B" "$ID"
  rt update --memory 64m --pids-limit=7 --cpu-shares 512 --cpu-quota 50000 --cpu-period 100000 "$ID"
  [ "$(mem_limit)" = 67108864 ]
  [ "$(pids_limit)" = 7 ]
  jq -e '.linux.resources.memory.limit == 67108864 and .linux.resources.pids.limit == 7 and .linux.resources.cpu.shares == 512' "$RT_ROOT/$ID/config.json"
  # the limit holds: the 8th process cannot be forked
  run rt exec "$ID" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 10 & done; wait'
  [[ "$output" == *"an't fork"* || "$output" == *"Resource temporarily unavailable"* ]]
}

@test "update: --resources FILE and --resources=- (stdin) take LinuxResources JSON" {
  rt run -d -b "$B" "$ID"
  echo '{"memory": {"limit": 33554432}, "pids": {"limit": 9}}' > "$RT_TMP/r.json"
  rt update --resources "$RT_TMP/r.json" "$ID"
  [ "$(mem_limit)" = 33554432 ]
  [ "$(pids_limit)" = 9 ]
  echo '{"pids": {"limit": 11}}' | rt update --resources=- "$ID"
  [ "$(pids_limit)" = 11 ]
  [ "$(mem_limit)" = 33554432 ]
  jq -e '.linux.resources.memory.limit == 33554432 and .linux.resources.pids.limit == 11' "$RT_ROOT/$ID/config.json"
  echo '{"pids": {"limit": "x"}}' > "$RT_TMP/bad.json"
  run rt update -r "$RT_TMP/bad.json" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"pids.limit"* ]]
  run rt update --memory lots "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"--memory: invalid size"* ]]
}

@test "ps: json is a bare array of host pids, table lists the processes" {
  rt run -d -b "$B" "$ID"
  rt exec -d --pid-file "$RT_TMP/p" "$ID" sleep 999 >/dev/null 2>&1
  local init; init=$(rt state "$ID" | jq -r .pid)
  run rt ps --format json "$ID"
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --argjson a "$init" --argjson b "$(cat "$RT_TMP/p")" 'type == "array" and (index($a) != null) and (index($b) != null) and length == 2'
  run rt ps "$ID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID*CMD* ]]
  [[ "$output" == *"sleep 1000"* ]]
  [[ "$output" == *"sleep 999"* ]]
  run rt ps -f json "$ID" -ef
  [ "$status" -eq 0 ]
}

@test "ps: extra arguments go to ps(1), whose lines of the container's pids are kept" {
  rt run -d -b "$B" "$ID"
  local init; init=$(rt state "$ID" | jq -r .pid)
  run rt ps "$ID" -- -o pid,comm
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" == *PID*COMMAND* ]]
  [[ "${lines[1]}" =~ ^\ *$init\ +sleep$ ]]
  run rt ps "$ID" -o comm,pid
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" =~ ^sleep\ +$init$ ]]
  run rt ps "$ID" -o comm
  [ "$status" -eq 1 ]
  [[ "$output" == *"no PID column"* ]]
}

@test "ps of a stopped container prints an empty list" {
  rt_args "$B" true
  rt run -d -b "$B" "$ID"
  while [ "$(rt_status "$ID")" != stopped ]; do sleep 0.05; done
  run rt ps -f json "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ]
  run rt ps "$ID"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == *PID*CMD* ]]
  run rt ps "$ID" -ef
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == *PID*CMD* ]]
}

@test "events --stats prints one stats object" {
  rt_config "$B" '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
  rt run -d -b "$B" "$ID"
  run rt events --stats "$ID"
  [ "$status" -eq 0 ]
  echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id and .data.pids.current >= 1 and .data.pids.limit == 50 and .data.memory.usage.limit == 67108864 and .data.cpu.usage.total > 0'
  # without --stats: one line per interval, until the container stops
  "$MOCKER_RUNTIME" --root "$RT_ROOT" events --interval 100ms "$ID" > "$RT_TMP/ev" &
  local ev=$!
  for _ in $(seq 100); do [ "$(wc -l < "$RT_TMP/ev")" -ge 2 ] && break; sleep 0.05; done
  rt kill "$ID" KILL
  wait "$ev"
  [ "$(wc -l < "$RT_TMP/ev")" -ge 2 ]
  head -1 "$RT_TMP/ev" | jq -e '.type == "stats"'
}

@test "events reports an OOM kill in the container" {
  rt_config "$B" '.linux.resources = {"memory": {"limit": 33554432}}'
  rt run -d -b "$B" "$ID"
  "$MOCKER_RUNTIME" --root "$RT_ROOT" events --interval 100ms "$ID" > "$RT_TMP/ev" &
  local ev=$!
  for _ in $(seq 100); do [ -s "$RT_TMP/ev" ] && break; sleep 0.05; done
  run rt exec "$ID" sh -c 'head -c 200m /dev/zero | tail'
  [ "$status" -eq 137 ]
  for _ in $(seq 100); do grep -q '"type":"oom"' "$RT_TMP/ev" && break; sleep 0.05; done
  rt kill "$ID" KILL
  wait "$ev"
  grep -q "{\"type\":\"oom\",\"id\":\"$ID\"}" "$RT_TMP/ev"
}

@test "features: the runtime-spec features document" {
  run rt features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.ociVersionMin == "1.0.0" and (.ociVersionMax | startswith("1."))
    and (.hooks | index("createRuntime")) and (.mountOptions | index("rbind"))
    and (.linux.namespaces | index("pid")) and (.linux.capabilities | index("CAP_SYS_ADMIN"))
    and .linux.cgroup.v1 == true and .linux.cgroup.v2 == true and .linux.cgroup.systemd == false
    and .linux.seccomp.enabled == true and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO"))
    and (.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")) and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64"))
    and .linux.apparmor.enabled == false and .linux.selinux.enabled == false'
}

@test "--systemd-cgroup maps slice:prefix:name onto cgroupfs" {
  rt_config "$B" '.linux.cgroupsPath = $p' --arg p "system.slice:mocker-test:$ID"
  rt --systemd-cgroup run -d -b "$B" "$ID"
  local pid; pid=$(rt state "$ID" | jq -r .pid)
  grep -q "/system.slice/mocker-test-$ID.scope" "/proc/$pid/cgroup"
  rt delete -f "$ID"
  [ ! -d "/sys/fs/cgroup/pids/system.slice/mocker-test-$ID.scope" ]
}
