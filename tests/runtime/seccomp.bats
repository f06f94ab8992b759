#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, architectures and argument conditions,
# loaded with and without noNewPrivileges.

load rootfs_common

setup() { rf_setup; }
teardown() { stop_agent; rf_teardown; }

@test "seccomp: a bundle that forbids mkdir gets EPERM, other calls work" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  rf_run 'mkdir /tmp/d; echo rc=$?; touch /tmp/f && echo touched'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *"rc=1"* ]]
  [[ "$output" == *"touched"* ]]
}

@test "seccomp: errnoRet picks the errno" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
  rf_run 'mkdir /tmp/d'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Permission denied"* ]]
}

@test "seccomp: an argument condition filters on the value (kill with SIGUSR1 only)" {
  # kill(pid, sig): arg 1 == SIGUSR1 (10) is refused, other signals pass.
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
  rf_run 'sleep 100 & p=$!; kill -USR1 $p || echo usr1-refused; kill -TERM $p && echo term-ok; wait'
  [ "$status" -eq 0 ]
  [[ "$output" == *"usr1-refused"* ]]
  [[ "$output" == *"term-ok"* ]]
}

@test "seccomp: a default action of errno with an allow list (podman's shape) runs the container" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["read", "write", "openat", "open", "close", "fstat", "newfstatat", "stat", "lstat", "mmap", "munmap", "mprotect", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "exit", "exit_group", "execve", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrandom", "uname", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "ioctl", "fcntl", "dup2", "dup3", "capget", "capset", "setresuid", "setresgid", "setgroups", "prctl", "chdir", "close_range", "sendmsg", "recvmsg", "poll", "ppoll", "getcwd", "wait4", "sendto", "recvfrom", "futex", "access", "faccessat", "faccessat2", "readlink", "readlinkat", "statx", "lseek", "sigaltstack", "umask", "keyctl", "fchdir", "getdents64"], "action": "SCMP_ACT_ALLOW"}]}'
  rf_config '.process.noNewPrivileges = false'
  rf_run_args echo allowed
  [ "$status" -eq 0 ]
  [ "$output" = allowed ]
}

@test "seccomp: without noNewPrivileges the filter is still loaded (before capabilities drop)" {
  rf_config '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  rf_run 'grep NoNewPrivs /proc/self/status; mkdir /tmp/d'
  [ "$status" -ne 0 ]
  [[ "$output" == *"NoNewPrivs:"*"0"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_KILL kills the process (SIGSYS)" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  rf_run_args mkdir /tmp/d
  [ "$status" -eq 159 ]
}

@test "seccomp: unknown names are errors that name the JSON path" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOPE"}'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.defaultAction"*"SCMP_ACT_NOPE"* ]]
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.architectures[0]"* ]]
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_SOMETIMES"}]}]}'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.syscalls[0].args[0].op"* ]]
}

@test "seccomp: a compiled profile is cached; a changed one is compiled anew" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  rf_run 'mkdir /tmp/d'
  [[ "$output" == *"Operation not permitted"* ]]
  [ "$(ls "$RT_ROOT/.seccomp-cache" | wc -l)" -eq 1 ]
  # the cached program is used again (same answer), a different profile gets its own
  rf_run 'mkdir /tmp/d'
  [[ "$output" == *"Operation not permitted"* ]]
  rf_config '.linux.seccomp.syscalls[0].errnoRet = 13'
  rf_run 'mkdir /tmp/d'
  [[ "$output" == *"Permission denied"* ]]
  [ "$(ls "$RT_ROOT/.seccomp-cache" | wc -l)" -eq 2 ]
  # a damaged cache file is not trusted: recompiled
  for f in "$RT_ROOT"/.seccomp-cache/*; do printf 'garbage' > "$f"; done
  rf_run 'mkdir /tmp/d'
  [[ "$output" == *"Permission denied"* ]]
}

@test "seccomp: exec uses the filter kept at create" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  rt_args "$RF_BUNDLE" sleep 1000
  rt run -d -b "$RF_BUNDLE" "$RF_ID"
  [ -s "$RT_ROOT/$RF_ID/seccomp.bpf" ]
  run rt exec "$RF_ID" mkdir /tmp/x
  [[ "$output" == *"Operation not permitted"* ]]
  # without it, exec compiles the profile from the kept config
  rm "$RT_ROOT/$RF_ID/seccomp.bpf"
  run rt exec "$RF_ID" mkdir /tmp/y
  [[ "$output" == *"Operation not permitted"* ]]
}

# ---- linux.seccomp.listenerPath: a seccomp agent (tests/helpers/seccomp-agent.py) ----

# start_agent ANSWER [CONNECTIONS]: the agent on $RT_TMP/agent.sock, writing
# to $AGENT_DIR; ready when it listens.
start_agent() {
  AGENT_DIR=$RT_TMP/agent
  AGENT_SOCK=$RT_TMP/agent.sock
  mkdir -p "$AGENT_DIR"
  "$MOCKER_TOP/tests/helpers/seccomp-agent.py" "$AGENT_SOCK" "$AGENT_DIR" "$@" 3>&- &
  AGENT_PID=$!
  local i
  for i in $(seq 200); do
    [ -e "$AGENT_DIR/ready" ] && return 0
    sleep 0.05
  done
  return 1
}

stop_agent() {
  [ -n "${AGENT_PID:-}" ] || return 0
  kill "$AGENT_PID" 2>/dev/null || true
  wait "$AGENT_PID" 2>/dev/null || true
  AGENT_PID=
}

# notify_config [EXTRA JQ]: mkdir under SCMP_ACT_NOTIFY, the agent's socket.
notify_config() {
  rf_config '.annotations = {"k": "v"} | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock, "listenerMetadata": "meta-data", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg sock "$AGENT_SOCK"
}

@test "seccomp notify: the agent gets the listener and the state, its answer is the syscall's" {
  for nnp in true false; do
    rm -rf "$RT_TMP/agent"
    start_agent ok
    notify_config
    rf_config ".process.noNewPrivileges = $nnp"
    # "ok" without running it: mkdir returns 0, yet no directory exists
    rf_run 'mkdir /tmp/d; echo rc=$?; test -d /tmp/d && echo exists || echo absent; touch /tmp/f && echo touched'
    stop_agent
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "rc=0
absent
touched" ]
    grep -Eq '^nr=(83|258) ' "$AGENT_DIR/log"
    [ "$(cat "$AGENT_DIR/fds-1")" = 1 ]
    local s=$AGENT_DIR/state-1.json
    cat "$s"
    jq -e --arg id "$RF_ID" --arg b "$RF_BUNDLE" '.ociVersion != null and .fds == ["seccompFd"]
      and .metadata == "meta-data" and .pid > 0 and .pid == .state.pid and .state.id == $id
      and .state.status == "creating" and .state.bundle == $b and .state.annotations.k == "v"' "$s"
  done
}

@test "seccomp notify: an errno answer fails the syscall with it" {
  start_agent 122  # EDQUOT
  notify_config
  cp "$MOCKER_HELPERS/sysprobe" "$RF_BUNDLE/rootfs/bin/"
  rf_run_args /bin/sysprobe mkdir:/tmp/x socket_inet
  stop_agent
  [ "$status" -eq 0 ]
  [ "$output" = "mkdir=EDQUOT
socket_inet=ok" ]
}

@test "seccomp notify: exec hands its own listener over (status running, the exec's pid)" {
  start_agent ok 2
  notify_config
  rt_args "$RF_BUNDLE" sleep 1000
  rt run -d -b "$RF_BUNDLE" "$RF_ID"
  init_pid=$(rt state "$RF_ID" | jq .pid)
  run rt exec "$RF_ID" sh -c 'mkdir /tmp/e; echo rc=$?; test -d /tmp/e || echo absent'
  rt delete --force "$RF_ID"
  stop_agent
  [ "$status" -eq 0 ]
  [ "$output" = "rc=0
absent" ]
  jq -e --argjson p "$init_pid" '.state.status == "creating" and .pid == $p' "$AGENT_DIR/state-1.json"
  jq -e --argjson p "$init_pid" '.state.status == "running" and .state.pid == $p and .pid != $p
    and .fds == ["seccompFd"]' "$AGENT_DIR/state-2.json"
}

@test "seccomp notify: errors (no listenerPath, nobody listening, sendmsg, notify by default)" {
  rf_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"* ]]
  # nobody at listenerPath: an error, nothing left behind (rt_teardown checks)
  rf_config '.linux.seccomp.listenerPath = $p' --arg p "$RT_TMP/nobody.sock"
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.listenerPath: connect to \`$RT_TMP/nobody.sock\`"* ]]
  [ -z "$(ls "$RT_ROOT" | grep -v '^\.seccomp-cache$')" ]
  rf_config '.linux.seccomp.syscalls[0].names = ["sendmsg"]'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for sendmsg"* ]]
  rf_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ALLOW"'
  rf_run_args true
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"* ]]
  # a listenerPath without notify rules is ignored
  rf_config '.linux.seccomp.defaultAction = "SCMP_ACT_ALLOW"'
  rf_run_args echo fine
  [ "$status" -eq 0 ]
  [ "$output" = fine ]
}

@test "seccomp notify: runc side by side (same answer, same state fields)" {
  command -v runc >/dev/null || skip "runc is not installed"
  start_agent ok
  notify_config
  rt_args "$RF_BUNDLE" sh -c 'mkdir /tmp/d; echo rc=$?; test -d /tmp/d || echo absent'
  run runc --root "$RT_TMP/runc" run -b "$RF_BUNDLE" "$RF_ID-runc"
  runc --root "$RT_TMP/runc" delete -f "$RF_ID-runc" 2>/dev/null || true
  stop_agent
  [ "$status" -eq 0 ]
  [ "$output" = "rc=0
absent" ]
  runc_keys=$(jq -c '[keys, (.state | keys)]' "$AGENT_DIR/state-1.json")
  rm -rf "$AGENT_DIR"
  start_agent ok
  run rt run --bundle "$RF_BUNDLE" "$RF_ID"
  stop_agent
  [ "$status" -eq 0 ]
  [ "$output" = "rc=0
absent" ]
  # ours has every field runc's has (the state also carries rootfs, created, owner)
  jq -e --argjson r "$runc_keys" '(keys | contains($r[0])) and (.state | keys | contains($r[1]))' \
    "$AGENT_DIR/state-1.json"
}
