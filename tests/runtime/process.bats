#!/usr/bin/env bats
# The user's process: executable lookup, user, capabilities, rlimits, umask,
# cwd, no_new_privs, oom_score_adj.

load rootfs_common

setup() { rf_setup; }
teardown() { rf_teardown; }

@test "process: args[0] is looked up in the PATH of process.env" {
  mkdir -p "$RF_BUNDLE/rootfs/opt/mine"
  printf '#!/bin/sh\necho mine\n' > "$RF_BUNDLE/rootfs/opt/mine/hello"
  chmod 755 "$RF_BUNDLE/rootfs/opt/mine/hello"
  rf_config '.process.env = ["PATH=/nope:/opt/mine:/bin"]'
  rf_run_args hello
  [ "$status" -eq 0 ]
  [ "$output" = mine ]
}

@test "process: without PATH in env the default PATH is used" {
  rf_config '.process.env = ["HOME=/"]'
  rf_run_args echo default-path
  [ "$status" -eq 0 ]
  [ "$output" = default-path ]
}

@test "process: a missing executable is a clear error" {
  rf_run_args nosuchprogram
  [ "$status" -ne 0 ]
  [[ "$output" == *'exec: "nosuchprogram": executable file not found in $PATH'* ]]
  run rt list -q
  [[ "$output" != *"$RF_ID"* ]]
  rf_run_args /bin/nosuch
  [ "$status" -ne 0 ]
  [[ "$output" == *'exec: "/bin/nosuch": stat /bin/nosuch: No such file or directory'* ]]
}

@test "process: a file that is not executable is a permission error" {
  rf_run_args /etc/passwd
  [ "$status" -ne 0 ]
  [[ "$output" == *'exec: "/etc/passwd": Permission denied'* ]]
}

@test "process: cwd is created and used" {
  rf_config '.process.cwd = "/work/here"'
  rf_run 'pwd'
  [ "$status" -eq 0 ]
  [ "$output" = /work/here ]
}

@test "process: user uid, gid and additionalGids show in id, umask applies" {
  rf_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20], "umask": 23}'
  rf_run 'id; umask; touch /tmp/f; stat -c %a /tmp/f'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "uid=1000 gid=1001 groups=10,20" ]
  [ "${lines[1]}" = 0027 ]
  [ "${lines[2]}" = 640 ]
}

@test "process: root without additionalGids has no supplementary groups" {
  rf_run 'id'
  [ "$status" -eq 0 ]
  # busybox prints "groups=" only when there are supplementary groups.
  [ "$output" = "uid=0(root) gid=0(root)" ]
}

@test "process: rlimits apply" {
  rf_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
                                 {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
  rf_run 'ulimit -n; ulimit -Hn; ulimit -c'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 123 ]
  [ "${lines[1]}" = 456 ]
  [ "${lines[2]}" = 0 ]
}

@test "process: an unknown rlimit is a clear error" {
  rf_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'process.rlimits[0].type: unknown rlimit "RLIMIT_BOGUS"'* ]]
}

@test "process: noNewPrivileges shows in /proc/self/status" {
  rf_run 'grep NoNewPrivs /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"NoNewPrivs:"*1 ]]
  rf_config '.process.noNewPrivileges = false'
  rf_run 'grep NoNewPrivs /proc/self/status'
  [[ "$output" == *"NoNewPrivs:"*0 ]]
}

@test "process: oomScoreAdj applies" {
  rf_config '.process.oomScoreAdj = 500'
  rf_run 'cat /proc/self/oom_score_adj'
  [ "$status" -eq 0 ]
  [ "$output" = 500 ]
}

@test "process: dropped capabilities refuse chown and mount" {
  rf_run 'touch /tmp/f; chown 5 /tmp/f 2>&1; mkdir /tmp/m; mount -t tmpfs t /tmp/m 2>&1; grep CapBnd /proc/self/status'
  [[ "${lines[0]}" == *"Operation not permitted"* ]]
  [[ "${lines[1]}" == *"permission denied"* ]]
  # AUDIT_WRITE(29) KILL(5) NET_BIND_SERVICE(10)
  [ "${lines[2]}" = "CapBnd:	0000000020000420" ]
}

@test "process: kept capabilities work (root)" {
  rf_config '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}' \
    --argjson c '["CAP_CHOWN", "CAP_SYS_ADMIN"]'
  rf_run 'touch /tmp/f; chown 5 /tmp/f && stat -c %u /tmp/f; mkdir /tmp/m; mount -t tmpfs t /tmp/m && echo mounted'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 5 ]
  [ "${lines[1]}" = mounted ]
}

@test "process: a non-root user keeps configured capabilities (ambient)" {
  rf_config '.process.user = {"uid": 1000, "gid": 1000}
             | .process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c,
                                        "inheritable": $c, "ambient": $c}' --argjson c '["CAP_CHOWN"]'
  rf_run 'grep CapEff /proc/self/status; touch /tmp/f; chown 5 /tmp/f && stat -c %u /tmp/f'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "CapEff:	0000000000000001" ]
  [ "${lines[1]}" = 5 ]
}

@test "process: a non-root user without capabilities has none" {
  rf_config '.process.user = {"uid": 1000, "gid": 1000} | del(.process.capabilities)'
  rf_run 'grep -E "CapEff|CapPrm" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "CapPrm:	0000000000000000" ]
  [ "${lines[1]}" = "CapEff:	0000000000000000" ]
}

@test "process: an unknown capability is ignored with a warning (runc's behaviour)" {
  rf_config '.process.capabilities.bounding += ["CAP_FOO", "CAP_CHOWN"]
    | .process.capabilities.effective += ["CAP_FOO"]'
  rf_run 'grep CapBnd /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *'warning: ignoring unknown capabilities: [CAP_FOO]'* ]]
  [[ "$output" == *'CapBnd:	0000000020000421'* ]]
}

@test "process: with --strict-capabilities an unknown capability is a clear error naming the set" {
  rf_config '.process.capabilities.bounding += ["CAP_FOO"]'
  rt_args "$RF_BUNDLE" true
  run rt --strict-capabilities run --bundle "$RF_BUNDLE" "$RF_ID"
  [ "$status" -ne 0 ]
  [[ "$output" == *'process.capabilities.bounding: unknown capability "CAP_FOO"'* ]]
  rf_config '.process.capabilities.bounding -= ["CAP_FOO"]'
  rt_args "$RF_BUNDLE" sleep 100
  rt run -d --bundle "$RF_BUNDLE" "$RF_ID" 2> /dev/null
  run rt --strict-capabilities exec --cap CAP_BAR "$RF_ID" true
  [ "$status" -ne 0 ]
  [[ "$output" == *'process.capabilities.bounding: unknown capability "CAP_BAR"'* ]]
  run rt exec --cap CAP_BAR "$RF_ID" true
  [ "$status" -eq 0 ]
  [[ "$output" == *'warning: ignoring unknown capabilities: [CAP_BAR]'* ]]
}

@test "process: root without a capabilities object has none, as with runc" {
  rf_config 'del(.process.capabilities)'
  rf_run 'grep -E "CapEff|CapBnd" /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "CapEff:	0000000000000000" ]
  [ "${lines[1]}" = "CapBnd:	0000000000000000" ]
}

@test "process: HOME from the container's /etc/passwd when process.env has none" {
  rf_config '.process.env = ["PATH=/bin"]'
  rf_run 'echo "$HOME"; tr "\\0" "\\n" < /proc/$$/environ | grep -c ^HOME='
  [ "$status" -eq 0 ]
  [ "$output" = "/root
1" ]
  rf_config '.process.user = {uid: 65534, gid: 65534}'
  rf_run 'echo "$HOME"'
  [ "$output" = "/" ]
  rf_config '.process.user = {uid: 1234, gid: 1234}'
  rf_run 'echo "$HOME"'
  [ "$output" = "/" ]
  rf_config '.process.env = ["PATH=/bin", "HOME=/mine"]'
  rf_run 'echo "$HOME"'
  [ "$output" = "/mine" ]
}

@test "process: duplicate env entries, the last one wins" {
  rf_config '.process.env += ["A=1", "B=x", "A=2"]'
  rf_run 'tr "\\0" "\\n" < /proc/$$/environ | grep "^[AB]="'
  [ "$status" -eq 0 ]
  [ "$output" = "A=2
B=x" ]
}

@test "process: a 0700 cwd owned by root works for uid 1000, as with runc" {
  rf_config '.process.user = {uid: 1000, gid: 1000} | .process.cwd = "/root"'
  rf_run 'pwd; ls . 2>&1 | grep -c denied'
  [ "$status" -eq 0 ]
  [ "$output" = "/root
1" ]
  # A cwd that is no directory still fails, naming it.
  rf_config '.process.cwd = "/etc/passwd"'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'process.cwd'*'/etc/passwd'* ]]
}
