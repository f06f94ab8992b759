#!/usr/bin/env bats
# exec: a new process in a running container joins its namespaces and
# cgroup, gets its process settings (or the overrides, or --process), and
# its status is the process's.

load helpers

setup() {
  rt_setup
  B=$(rt_bundle)
  ID=$(rt_id)
  rt_config "$B" '.process.env += ["FROM_CONFIG=yes"] | .process.cwd = "/tmp" | .process.noNewPrivileges = false'
  rt_args "$B" sleep 1000
  rt run -d -b "$B" "$ID"
}
teardown() { rt_teardown; }

init_pid() { rt state "$ID" | jq -r .pid; }

@test "exec: the process is in the container's namespaces, cgroup and root" {
  local pid; pid=$(init_pid)
  run rt exec "$ID" sh -c 'echo $$; hostname; cat /proc/self/cgroup; ls /bin/busybox; for n in net mnt pid ipc uts; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" -gt 1 ]    # a pid of the container's pid namespace
  [ "${lines[0]}" -lt 100 ]
  [ "${lines[1]}" = mocker ]
  [[ "$output" == *":/mocker-$ID"* ]]
  [[ "$output" == *"/bin/busybox"* ]]
  for ns in net mnt pid ipc uts; do
    [[ "$output" == *"$(readlink /proc/$pid/ns/$ns)"* ]]
  done
  [[ "$output" != *"$(readlink /proc/self/ns/net)"* ]]
}

@test "exec: the exit status is the process's, 128+signal when killed" {
  run rt exec "$ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run rt exec "$ID" sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
}

@test "exec: a runtime failure is 255 with a clear message" {
  run rt exec "$ID" nosuchprogram
  [ "$status" -eq 255 ]
  [[ "$output" == *'exec: "nosuchprogram": executable file not found in $PATH'* ]]
  run rt exec "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"missing the command"* ]]
}

@test "exec: env, cwd, user and capabilities come from the container's process" {
  run rt exec "$ID" sh -c 'echo $FROM_CONFIG; pwd; id -u; grep CapEff /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = yes ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 0 ]
  # CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE
  [[ "${lines[3]}" == *0000000020000420 ]]
}

@test "exec: -e, --cwd, -u, --cap and --no-new-privs override" {
  run rt exec -e FROM_CONFIG=over -e NEW=1 --cwd /etc -u 1000:1001 "$ID" sh -c 'echo $FROM_CONFIG $NEW; env | grep -c FROM_CONFIG; pwd; id'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "over 1" ]
  [ "${lines[1]}" = 1 ]
  [ "${lines[2]}" = /etc ]
  [ "${lines[3]}" = "uid=1000 gid=1001 groups=1001" ] || [ "${lines[3]}" = "uid=1000 gid=1001" ]
  run rt exec -u 1000:1001 --additional-gids 10 -g 20 "$ID" id
  [ "$output" = "uid=1000 gid=1001 groups=10,20" ]
  run rt exec -g x "$ID" id
  [ "$status" -eq 1 ]
  [[ "$output" == *"--additional-gids: invalid group id"* ]]
  run rt exec --cap CAP_SYS_ADMIN --cap NET_RAW "$ID" grep -E 'CapEff|CapBnd' /proc/self/status
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *0000000020202420 ]]
  [[ "${lines[1]}" == *0000000020202420 ]]
  run rt exec "$ID" grep NoNewPrivs /proc/self/status
  [[ "$output" == *"0" ]]
  run rt exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
  [[ "$output" == *"1" ]]
}

@test "exec: --process replaces the whole process" {
  cat > "$RT_TMP/p.json" <<'JSON'
{"args": ["sh", "-c", "echo $ONLY; echo ${FROM_CONFIG:-unset}; pwd; id -u"], "env": ["ONLY=1"], "cwd": "/etc", "user": {"uid": 5, "gid": 5}}
JSON
  run rt exec --process "$RT_TMP/p.json" "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "1
unset
/etc
5" ]
  echo '{"args": 3}' > "$RT_TMP/bad.json"
  run rt exec --process="$RT_TMP/bad.json" "$ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *"args"* ]]
}

@test "exec: -d returns once the pid file is written, the process runs on in the container" {
  # (the detached process keeps the caller's stdio: files, not bats' pipe)
  rt exec -d --pid-file "$RT_TMP/exec.pid" "$ID" sleep 1000 > "$RT_TMP/out" 2>&1
  [ ! -s "$RT_TMP/out" ]
  local pid; pid=$(cat "$RT_TMP/exec.pid")
  [ -d "/proc/$pid" ]
  grep -q "/mocker-$ID" "/proc/$pid/cgroup"
  [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$(init_pid)/ns/pid)" ]
  # it shows among the container's processes and dies with it
  rt delete -f "$ID"
  [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
}

@test "exec: a failing -d exec writes no pid file and exits 1" {
  run rt exec -d --pid-file "$RT_TMP/none.pid" "$ID" /nonexistent
  [ "$status" -eq 1 ]
  [[ "$output" == *"/nonexistent"* ]]
  [ ! -e "$RT_TMP/none.pid" ]
}

@test "exec: a stopped container is 'container not running', an unknown one does not exist" {
  rt kill "$ID" KILL
  for _ in $(seq 50); do [ "$(rt_status "$ID")" = stopped ] && break; sleep 0.1; done
  run rt exec "$ID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run rt exec nosuchid true
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "exec: many execs at once all succeed" {
  local i
  for i in $(seq 12); do
    rt exec "$ID" sh -c "sleep 0.3; echo out-$i" > "$RT_TMP/o$i" 2>&1 &
  done
  wait
  for i in $(seq 12); do
    [ "$(cat "$RT_TMP/o$i")" = "out-$i" ]
  done
}

@test "exec: the container's seccomp filter applies to the new process" {
  local b2 id2
  b2=$(rt_bundle)
  id2=$(rt_id)
  rt_config "$b2" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  rt_args "$b2" sleep 1000
  rt run -d -b "$b2" "$id2"
  run rt exec "$id2" mkdir /tmp/d
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "exec: stdio is the caller's" {
  run bash -c "echo from-stdin | '$MOCKER_RUNTIME' --root '$RT_ROOT' exec '$ID' sh -c 'cat; echo err >&2' 2>'$RT_TMP/err'"
  [ "$status" -eq 0 ]
  [ "$output" = from-stdin ]
  [ "$(cat "$RT_TMP/err")" = err ]
}

@test "exec: no runtime fd leaks into the process; --preserve-fds passes more" {
  run rt exec "$ID" ls /proc/self/fd
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3" ]   # 3: ls's own directory
  run bash -c "'$MOCKER_RUNTIME' --root '$RT_ROOT' exec --preserve-fds 2 '$ID' sh -c 'cat <&3; cat <&4' 3<<<three 4<<<four"
  [ "$status" -eq 0 ]
  [ "$output" = "three
four" ]
}

@test "exec: into a created container (its init not started yet)" {
  local b2 id2
  b2=$(rt_bundle)
  id2=$(rt_id)
  rt_args "$b2" sleep 1000
  rt create -b "$b2" "$id2"
  run rt exec "$id2" hostname
  [ "$status" -eq 0 ]
  [ "$output" = mocker ]
  [ "$(rt_status "$id2")" = created ]
}
