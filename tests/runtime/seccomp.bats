#!/usr/bin/env bats
# linux.seccomp: actions, errnoRet, architectures and argument conditions,
# loaded with and without noNewPrivileges.

load rootfs_common

setup() { rf_setup; }
teardown() { rf_teardown; }

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
