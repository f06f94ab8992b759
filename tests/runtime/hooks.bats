#!/usr/bin/env bats
# OCI hooks: all six kinds, in the lifecycle's order, with the state on stdin.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

# A hook script that appends "<kind> <status> <id>" (from the state on stdin) to LOG.
make_hook() {
  local path=$1 log=$2
  cat > "$path" <<EOF
#!/bin/sh
state=\$(/bin/cat)
status=\$(echo "\$state" | /bin/sed -n 's/.*"status": *"\\([a-z]*\\)".*/\\1/p')
id=\$(echo "\$state" | /bin/sed -n 's/.*"id": *"\\([^"]*\\)".*/\\1/p')
echo "\$1 \$status \$id" >> $log
EOF
  chmod 755 "$path"
}

@test "hooks run in order with the state JSON on stdin" {
  b=$(rt_bundle)
  mkdir "$RT_TMP/log"
  make_hook "$RT_TMP/hook.sh" "$RT_TMP/log/hooks"
  # startContainer runs inside the container: its script and log live there.
  make_hook "$b/rootfs/hook.sh" /log/hooks
  rt_config "$b" '
    .mounts += [{destination: "/log", type: "bind", source: $log, options: ["rbind", "rw"]}]
    | .hooks = {
        prestart: [{path: $h, args: ["hook.sh", "prestart"]}],
        createRuntime: [{path: $h, args: ["hook.sh", "createRuntime"]},
                        {path: $h, args: ["hook.sh", "createRuntime2"]}],
        createContainer: [{path: $h, args: ["hook.sh", "createContainer"]}],
        startContainer: [{path: "/hook.sh", args: ["hook.sh", "startContainer"]}],
        poststart: [{path: $h, args: ["hook.sh", "poststart"]}],
        poststop: [{path: $h, args: ["hook.sh", "poststop"]}]
      }' --arg h "$RT_TMP/hook.sh" --arg log "$RT_TMP/log"
  rt_args "$b" sh -c 'echo process >> /log/hooks'
  id=$(rt_id)
  rt create -b "$b" "$id"
  rt start "$id"
  while [ "$(rt_status "$id")" != stopped ]; do sleep 0.05; done
  rt delete "$id"
  cat "$RT_TMP/log/hooks"
  run cat "$RT_TMP/log/hooks"
  [ "${lines[0]}" = "prestart creating $id" ]
  [ "${lines[1]}" = "createRuntime creating $id" ]
  [ "${lines[2]}" = "createRuntime2 creating $id" ]
  [ "${lines[3]}" = "createContainer creating $id" ]
  [ "${lines[4]}" = "startContainer created $id" ]
  # poststart runs after the process started: the two may interleave.
  sorted=$(printf '%s\n' "${lines[5]}" "${lines[6]}" | sort | tr '\n' ,)
  [ "$sorted" = "poststart running $id,process," ]
  [ "${lines[7]}" = "poststop stopped $id" ]
  [ "${#lines[@]}" -eq 8 ]
}

@test "a failing createRuntime hook fails create and leaves nothing" {
  b=$(rt_bundle)
  rt_config "$b" '.hooks.createRuntime = [{path: "/bin/false"}]'
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"createRuntime hook \`/bin/false\`: exited with status 1"* ]]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "a hook past its timeout is killed and fails create" {
  b=$(rt_bundle)
  rt_config "$b" '.hooks.prestart = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"prestart hook \`/bin/sleep\`: timed out after 1 s"* ]]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "a failing poststop hook is only a warning" {
  b=$(rt_bundle)
  rt_config "$b" '.hooks.poststop = [{path: "/bin/false"}]'
  rt_args "$b" true
  id=$(rt_id)
  run rt run -b "$b" "$id"
  [ "$status" -eq 0 ]
  [[ $output == *"warning: poststop hook"* ]]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "a failing startContainer hook fails start with its error" {
  b=$(rt_bundle)
  rt_config "$b" '.hooks.startContainer = [{path: "/bin/false"}]'
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" "$id"
  run rt start "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"startContainer hook \`/bin/false\`: exited with status 1"* ]]
  [ "$(rt_status "$id")" = stopped ]
  rt delete "$id"
}

@test "a startContainer hook without env gets the process's env (duplicates merged, HOME added)" {
  b=$(rt_bundle)
  rt_config "$b" '.process.env = ["PATH=/bin:/usr/bin", "A=1", "B=x", "A=2"]
    | .hooks.startContainer = [{path: "/bin/sh",
        args: ["sh", "-c", "/usr/bin/tr \"\\0\" \"\\n\" < /proc/$$/environ | sort > /tmp/hook-env"]},
      {path: "/bin/sh", env: ["ONLY=this"],
        args: ["sh", "-c", "/usr/bin/tr \"\\0\" \"\\n\" < /proc/$$/environ > /tmp/hook-env2; true"]}]'
  rt_args "$b" sh -c 'cat /tmp/hook-env; echo --; cat /tmp/hook-env2'
  id=$(rt_id)
  run rt run -b "$b" "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "A=2
B=x
HOME=/root
PATH=/bin:/usr/bin
--
ONLY=this" ]
}

# start_recvtty SOCKET: tests/helpers/recvtty in the background, its output in SOCKET.out.
start_recvtty() {
  "$MOCKER_HELPERS/recvtty" "$1" > "$1.out" 2> "$1.err" &
  RECV_PID=$!
  for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
  return 1
}

@test "a failing startContainer hook's stderr is in the error, with a terminal too" {
  b=$(rt_bundle)
  rt_config "$b" '.hooks.startContainer = [{path: "/bin/sh",
    args: ["sh", "-c", "echo hook-says-no >&2; echo second line >&2; exit 3"]}]'
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" "$id"
  run rt start "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"startContainer hook \`/bin/sh\`: exited with status 3: hook-says-no; second line"* ]]
  rt delete "$id"
  rt_config "$b" '.process.terminal = true'
  start_recvtty "$RT_TMP/sock"
  id=$(rt_id)
  rt create --console-socket "$RT_TMP/sock" -b "$b" "$id"
  run rt start "$id"
  kill "$RECV_PID" 2> /dev/null || true
  wait "$RECV_PID" || true
  [ "$status" -eq 1 ]
  [[ $output == *"startContainer hook \`/bin/sh\`: exited with status 3: hook-says-no; second line"* ]]
  rt delete "$id"
}
