#!/usr/bin/env bats
# Differential: the same bundle under runc and under mocker-runtime, what the
# container sees compared (differential.bash runs both, differential_probe.sh
# is what runs inside, differential.known lists the documented differences,
# docs/runtime.md "Differences from runc" says why).

load helpers
load differential

setup() { diff_setup; }
teardown() { diff_teardown; }

@test "differential: the default busybox bundle, exit status 3" {
  b=$(rt_bundle)
  diff_run default "$b" 3
  diff_check default
}

@test "differential: a user with additional groups and no HOME in the env" {
  b=$(rt_bundle)
  rt_config "$b" '.process.user = {uid: 65534, gid: 65534, additionalGids: [10, 20]}
    | .process.env = [.process.env[] | select(startswith("HOME=") | not)]'
  diff_run user "$b"
  diff_check user
}

@test "differential: a uid without a passwd entry, no HOME, umask" {
  b=$(rt_bundle)
  rt_config "$b" '.process.user = {uid: 1000, gid: 1000, umask: 63}
    | .process.env = [.process.env[] | select(startswith("HOME=") | not)]'
  diff_run nopasswd "$b"
  diff_check nopasswd
}

@test "differential: cwd /root (0700) for uid 1000" {
  b=$(rt_bundle)
  rt_config "$b" '.process.user = {uid: 1000, gid: 1000} | .process.cwd = "/root"'
  diff_run cwd "$b"
  diff_check cwd
}

@test "differential: duplicate env entries, the last wins" {
  b=$(rt_bundle)
  rt_config "$b" '.process.env += ["FOO=1", "BAR=x", "FOO=2"]'
  diff_run dupenv "$b"
  diff_check dupenv
}

@test "differential: rlimits and oomScoreAdj" {
  b=$(rt_bundle)
  rt_config "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 512, soft: 256},
    {type: "RLIMIT_NPROC", hard: 300, soft: 200}, {type: "RLIMIT_CORE", hard: 0, soft: 0},
    {type: "RLIMIT_STACK", hard: 16777216, soft: 8388608}] | .process.oomScoreAdj = 100'
  diff_run rlimits "$b"
  diff_check rlimits
}

@test "differential: a read-only root and a hostname" {
  b=$(rt_bundle)
  rt_config "$b" '.root.readonly = true | .hostname = "probe"'
  diff_run readonly "$b"
  diff_check readonly
}

@test "differential: a capability subset with inheritable and ambient, no noNewPrivileges" {
  b=$(rt_bundle)
  rt_config "$b" '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID"],
    effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN", "CAP_NET_RAW"],
    inheritable: ["CAP_NET_RAW"], ambient: ["CAP_NET_RAW"]}
    | .process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
  diff_run caps "$b"
  diff_check caps
}

@test "differential: an unknown capability name is ignored" {
  b=$(rt_bundle)
  rt_config "$b" '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"]
    | .process.capabilities.effective += ["CAP_NO_SUCH_THING"]'
  diff_run unknowncap "$b"
  diff_check unknowncap
}

@test "differential: no capabilities object, all namespaces, a cgroup mount" {
  b=$(rt_bundle)
  rt_config "$b" 'del(.process.capabilities)
    | .linux.namespaces += [{type: "cgroup"}]
    | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                   options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
  diff_run allns "$b"
  diff_check allns
}

@test "differential: cgroup limits as the container sees them" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces += [{type: "cgroup"}]
    | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                   options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]
    | .linux.resources = {memory: {limit: 67108864, swap: 134217728}, pids: {limit: 77},
                          cpu: {shares: 512, quota: 50000, period: 100000, cpus: "0"}}'
  diff_run resources "$b"
  diff_check resources
}

@test "differential: a terminal (run on a pty)" {
  b=$(rt_bundle)
  rt_config "$b" '.process.terminal = true'
  diff_run_tty terminal "$b"
  diff_check terminal
}

@test "differential: exec with the container's process" {
  b=$(rt_bundle)
  diff_exec exec "$b"
  diff_check exec
}

@test "differential: exec with --env, --cwd and --user" {
  b=$(rt_bundle)
  diff_exec execopts "$b" --env FOO=bar --env HOME=/home --cwd /tmp --user 65534:65534
  diff_check execopts
}

@test "differential: exec -t (on a pty)" {
  b=$(rt_bundle)
  diff_exec exectty "$b" -t
  diff_check exectty
}

@test "differential: exec --process without HOME" {
  b=$(rt_bundle)
  jq -n --arg probe "$(cat "$DIFF_PROBE")" '{args: ["sh", "-c", $probe, "probe", "0"],
    cwd: "/tmp", env: ["PATH=/bin:/usr/bin", "A=1", "A=2"], user: {uid: 65534, gid: 65534}}' \
    > "$RT_TMP/process.json"
  diff_exec execprocess "$b" --process "$RT_TMP/process.json"
  diff_check execprocess
}

@test "differential: the state JSON after create" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(diff_runc_id)
  diff_runc create -b "$b" "$id" < /dev/null > /dev/null 2>&1 3>&-
  { echo "== state"; diff_runc state "$id" | jq -S '{keys: keys, status, bundle, rootfs, ociVersion, id}'; } |
    diff_normalize "$id" > "$RT_TMP/state.runc"
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null 2>&1 3>&-
  { echo "== state"; rt state "$id" | jq -S '{keys: keys, status, bundle, rootfs, ociVersion, id}'; } |
    diff_normalize "$id" > "$RT_TMP/state.mocker"
  diff_check state
}
