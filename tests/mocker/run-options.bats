#!/usr/bin/env bats
# More `mocker run` options (issue 14): --memory-swap, --cpuset-cpus,
# --shm-size, --ulimit, --label, --add-host, --dns*, --device,
# --security-opt, --pid, --ipc, --cgroupns, --stop-signal, --stop-timeout,
# --init.  --network none unless a test makes its own network namespace.
bats_require_minimum_version 1.5.0

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  if [ -n "${NETNS:-}" ]; then
    # A bridge container is detached in the netns it was attached in.
    [ -z "$ids" ] || nsenter --net="/run/netns/$NETNS" "$MOCKER_BIN" rm -f $ids > /dev/null 2>&1 || true
    ip netns del "$NETNS" 2>/dev/null || true
  fi
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
  if [ -n "${HOSTPID:-}" ]; then kill "$HOSTPID" 2>/dev/null || true; wait "$HOSTPID" 2>/dev/null || true; fi
}

# The container's cgroup directory for a v1 controller, or the unified one.
cgroup_dir() {  # cgroup_dir CONTROLLER ID
  if [ -d "/sys/fs/cgroup/$1/mocker-$2" ]; then
    echo "/sys/fs/cgroup/$1/mocker-$2"
  else
    echo "/sys/fs/cgroup/mocker-$2"
  fi
}

# A bad value of one of these options: exit 125, a one-line error naming it,
# nothing made.
bad_option() {  # bad_option TEXT ARGS...
  local text=$1 before
  shift
  before=$(all_ids)
  run -125 mocker run --rm --network none "$@" busybox true
  [[ $output == *"$text"* ]]
  [ "$(all_ids)" = "$before" ]
}

@test "--memory-swap: memory+swap in the cgroup; with no swap here -m 32m still OOM-kills" {
  # This machine has no swap: memory+swap above memory lets nothing more in.
  [ "$(awk '/^SwapTotal/ {print $2}' /proc/meminfo)" = 0 ] || skip "the host has swap"
  run mocker run --name sw --network none -m 32m --memory-swap 64m busybox sh -c 'tail /dev/zero'
  [ "$status" -eq 137 ]
  [ "$(mocker inspect sw | jq -r '.[0].State.OOMKilled')" = true ]
  [ "$(mocker inspect sw | jq -r '.[0].HostConfig.MemorySwap')" = 67108864 ]
  id=$(mocker run -d --network none -m 32m --memory-swap 64m busybox sleep 1000)
  mem=$(cgroup_dir memory "$id")
  if [ -f "$mem/memory.memsw.limit_in_bytes" ]; then
    [ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 67108864 ]
  else
    [ "$(cat "$mem/memory.swap.max")" = 33554432 ]
  fi
  mocker rm -f "$id"
  # -1: unlimited swap.
  id=$(mocker run -d --network none -m 32m --memory-swap -1 busybox sleep 1000)
  mem=$(cgroup_dir memory "$id")
  if [ -f "$mem/memory.memsw.limit_in_bytes" ]; then
    [ "$(cat "$mem/memory.memsw.limit_in_bytes")" -gt 1000000000000 ]
  else
    [ "$(cat "$mem/memory.swap.max")" = max ]
  fi
  [ "$(mocker inspect "$id" | jq -r '.[0].HostConfig.MemorySwap')" = -1 ]
  mocker rm -f "$id"
  bad_option "--memory-swap needs a memory limit" --memory-swap 64m
  bad_option "below the memory limit" -m 64m --memory-swap 32m
  bad_option "--memory-swap: invalid size" -m 64m --memory-swap lots
}

@test "--cpuset-cpus 0: the container may run on CPU 0 only" {
  run mocker run --rm --network none --cpuset-cpus 0 busybox grep Cpus_allowed_list /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" = "Cpus_allowed_list:	0" ]
  id=$(mocker run -d --network none --cpuset-cpus 0 busybox sleep 1000)
  dir=$(cgroup_dir cpuset "$id")
  [ "$(cat "$dir/cpuset.cpus" 2>/dev/null || cat "$dir/cpuset.cpus.effective")" = 0 ]
  [ "$(mocker inspect "$id" | jq -r '.[0].HostConfig.CpusetCpus')" = 0 ]
  mocker rm -f "$id"
  bad_option "--cpuset-cpus \`x\`: invalid list" --cpuset-cpus x
  bad_option "CPU 4096 is not available" --cpuset-cpus 0-4096
}

@test "--shm-size 1m: /dev/shm is 1m; default 64m" {
  run mocker run --rm --network none --shm-size 1m busybox df -k /dev/shm
  [ "$status" -eq 0 ]
  [ "$(awk 'NR == 2 {print $2}' <<< "$output")" = 1024 ]
  run mocker run --rm --network none busybox df -k /dev/shm
  [ "$(awk 'NR == 2 {print $2}' <<< "$output")" = 65536 ]
  # Writing past the size fails.
  run mocker run --rm --network none --shm-size 1m busybox dd if=/dev/zero of=/dev/shm/f bs=1k count=2048
  [ "$status" -ne 0 ]
  [[ $output == *"No space left"* ]]
  bad_option "--shm-size: invalid size" --shm-size 0
}

@test "--ulimit nofile=100:200 shows in ulimit -n and -Hn; nproc=5 stops a sixth process" {
  run mocker run --rm --network none --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 100 ]
  [ "${lines[1]}" = 200 ]
  run mocker run --rm --network none --ulimit nofile=50 busybox sh -c 'ulimit -n; ulimit -Hn'
  [ "$output" = $'50\n50' ]
  id=$(mocker run -d --network none --ulimit core=0:-1 busybox sleep 1000)
  [ "$(mocker inspect "$id" | jq -c '.[0].HostConfig.Ulimits')" = '[{"Name":"core","Soft":0,"Hard":-1}]' ]
  [ "$(awk '/core file size/ {print $5, $6}' /proc/"$(mocker inspect "$id" | jq .[0].State.Pid)"/limits)" = "0 unlimited" ]
  mocker rm -f "$id"
  bad_option "unknown limit \`files\`" --ulimit files=10
  bad_option "soft limit is above the hard limit" --ulimit nofile=200:100
  bad_option "want NAME=SOFT[:HARD]" --ulimit nofile
}

@test "--label: Config.Labels (after the image's labels, a later one wins)" {
  mocker run --name lab --network none --label a=1 --label b --label a=2 --label c=x=y busybox true
  [ "$(mocker inspect lab | jq -c '.[0].Config.Labels')" = '{"b":"","a":"2","c":"x=y"}' ]
  mocker run --name nolab --network none busybox true
  [ "$(mocker inspect nolab | jq -c '.[0].Config.Labels')" = '{}' ]
  bad_option "--label: invalid label" --label =x
}

@test "--add-host and --dns, --dns-search, --dns-option: /etc/hosts and /etc/resolv.conf as Docker writes them" {
  run mocker run --rm --network none --add-host db:192.0.2.7 --add-host v6:[2001:db8::1] \
    --add-host eq=192.0.2.8 busybox cat /etc/hosts
  [ "$status" -eq 0 ]
  [ "${lines[6]}" = "192.0.2.7	db" ]
  [ "${lines[7]}" = "2001:db8::1	v6" ]
  [ "${lines[8]}" = "192.0.2.8	eq" ]
  run mocker run --rm --network none --dns 192.0.2.53 --dns 192.0.2.54 --dns-search a.example \
    --dns-search b.example --dns-option ndots:3 --dns-option timeout:1 busybox cat /etc/resolv.conf
  [ "$status" -eq 0 ]
  [ "$output" = $'search a.example b.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions ndots:3 timeout:1' ]
  # One kind given: the other kinds stay the host's.
  run mocker run --rm --network none --dns-option ndots:4 busybox cat /etc/resolv.conf
  [[ $output == *"options ndots:4"* ]]
  hostns=$(awk '$1 == "nameserver" && $2 !~ /^127\.|:/ {print $2}' /etc/resolv.conf | head -1)
  if [ -n "$hostns" ]; then [[ $output == *"nameserver $hostns"* ]]; fi
  # --dns-search . : no search line.
  run mocker run --rm --network none --dns 192.0.2.53 --dns-search . busybox cat /etc/resolv.conf
  [ "$output" = "nameserver 192.0.2.53" ]
  mocker run --name dnsrec --network none --dns 192.0.2.53 --add-host db:192.0.2.7 busybox true
  [ "$(mocker inspect dnsrec | jq -c '.[0].HostConfig | [.Dns, .ExtraHosts]')" = '[["192.0.2.53"],["db:192.0.2.7"]]' ]
  bad_option "--dns: invalid IP address \`dns.example\`" --dns dns.example
  bad_option "--add-host \`db\`: want HOST:IP" --add-host db
  bad_option "invalid IP address \`300.1.1.1\`" --add-host db:300.1.1.1
}

@test "--add-host and --dns with the bridge network: kept when start rewrites /etc/hosts (own netns)" {
  NETNS=mkt-opt-$$-$BATS_TEST_NUMBER
  ip netns add "$NETNS"
  mk() { nsenter --net="/run/netns/$NETNS" "$MOCKER_BIN" "$@"; }
  id=$(mk run -d --name br --add-host db:192.0.2.7 --dns 192.0.2.53 busybox sleep 1000)
  ip=$(mk inspect "$id" | jq -r '.[0].NetworkSettings.IPAddress')
  run mk exec "$id" cat /etc/hosts
  # Extra hosts, then the container's own line, as Docker.
  [ "${lines[6]}" = "192.0.2.7	db" ]
  [ "${lines[7]}" = "$ip	${id:0:12} br" ]
  [ "$(mk exec "$id" cat /etc/resolv.conf)" = "nameserver 192.0.2.53" ]
  mk stop -t 0 "$id"
  mk start "$id"
  run mk exec "$id" cat /etc/hosts
  [ "${lines[6]}" = "192.0.2.7	db" ]
  [ "$(mk exec "$id" cat /etc/resolv.conf)" = "nameserver 192.0.2.53" ]
  mk rm -f "$id"
}

@test "--device: the host's node in the container, allowed by the device cgroup; without it refused" {
  dev=
  for d in /dev/fuse /dev/loop-control; do [ -c "$d" ] && { dev=$d; break; }; done
  [ -n "$dev" ] || skip "no /dev/fuse or /dev/loop-control here"
  want=$(stat -c '%t,%T' "$dev")
  run mocker run --rm --network none --device "$dev" busybox sh -c "stat -c '%t,%T' $dev; exec 3<>$dev && echo opened"
  [ "$status" -eq 0 ]
  [ "$output" = "$want"$'\n'opened ]
  # Another path, read-only: opening for writing is refused by the cgroup.
  run mocker run --rm --network none --device "$dev:/dev/mydev:r" busybox sh -c \
    'exec 3</dev/mydev && echo read-ok; exec 4>/dev/mydev && echo write-ok'
  [ "${lines[0]}" = read-ok ]
  [[ $output == *"Operation not permitted"* ]]
  [[ $output != *write-ok* ]]
  # Without --device, a node made with mknod cannot be opened.
  run mocker run --rm --network none busybox sh -c \
    "mknod /tmp/d c \$((0x${want%,*})) \$((0x${want#*,})) && exec 3<>/tmp/d && echo opened"
  [[ $output == *"Operation not permitted"* ]]
  [[ $output != *opened* ]]
  mocker run --name devrec --network none --device "$dev:/dev/x:rw" busybox true
  [ "$(mocker inspect devrec | jq -c '.[0].HostConfig.Devices')" = "[{\"PathOnHost\":\"$dev\",\"PathInContainer\":\"/dev/x\",\"CgroupPermissions\":\"rw\"}]" ]
  bad_option "not a device node" --device /etc/passwd
  bad_option "invalid permissions \`rwx\`" --device /dev/null:/dev/n:rwx
}

@test "--security-opt no-new-privileges, seccomp=unconfined, seccomp=FILE (a Docker-format profile)" {
  run mocker run --rm --network none busybox grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
  [ "$output" = $'NoNewPrivs:\t0\nSeccomp:\t2' ]
  run mocker run --rm --network none --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t1' ]
  run mocker run --rm --network none --security-opt no-new-privileges:true busybox grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t1' ]
  run mocker run --rm --network none --security-opt seccomp=unconfined busybox grep Seccomp: /proc/self/status
  [ "$output" = $'Seccomp:\t0' ]
  # A profile in Docker's format: archMap, includes by capability.
  cat > "$MOCKER_TEST_DIR/profile.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
  ],
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    {"names": ["fchmodat", "chmod", "fchmodat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
     "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["setsid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
     "args": [{"index": 5, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
  ]
}
EOF
  run mocker run --rm --network none --security-opt seccomp="$MOCKER_TEST_DIR/profile.json" busybox sh -c \
    'mkdir /tmp/x || echo mkdir-refused; touch /tmp/f && chmod 600 /tmp/f && echo chmod-ok'
  [[ $output == *"Operation not permitted"* ]]
  [[ $output == *mkdir-refused* ]]
  [[ $output == *chmod-ok* ]]
  # With CAP_SYS_ADMIN the included rule applies.
  run mocker run --rm --network none --cap-add SYS_ADMIN --security-opt seccomp="$MOCKER_TEST_DIR/profile.json" \
    busybox sh -c 'touch /tmp/f && chmod 600 /tmp/f && echo chmod-ok'
  [[ $output == *"Permission denied"* ]]
  [[ $output != *chmod-ok* ]]
  mocker run --name secrec --network none --security-opt no-new-privileges busybox true
  [ "$(mocker inspect secrec | jq -c '.[0].HostConfig.SecurityOpt')" = '["no-new-privileges"]' ]
  echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "mkdir", "action": "SCMP_ACT_ERRNO"}]}' \
    > "$MOCKER_TEST_DIR/bad.json"
  bad_option ".syscalls[0].names: not an array" --security-opt seccomp="$MOCKER_TEST_DIR/bad.json"
  echo '{"syscalls": []}' > "$MOCKER_TEST_DIR/bad.json"
  bad_option ".defaultAction: missing" --security-opt seccomp="$MOCKER_TEST_DIR/bad.json"
  bad_option "cannot read the profile" --security-opt seccomp="$MOCKER_TEST_DIR/none.json"
  bad_option "unsupported" --security-opt apparmor=foo
}

@test "--pid host sees the host's processes and PID namespace; the default does not" {
  sleep 1000 &
  HOSTPID=$!
  run mocker run --rm --network none --pid host busybox sh -c "readlink /proc/self/ns/pid; cat /proc/$HOSTPID/cmdline | tr '\0' ' '"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(readlink /proc/$HOSTPID/ns/pid)" ]
  [ "${lines[1]}" = "sleep 1000 " ]
  run mocker run --rm --network none busybox sh -c "readlink /proc/self/ns/pid; ls /proc/$HOSTPID"
  [ "${lines[0]}" != "$(readlink /proc/$HOSTPID/ns/pid)" ]
  [[ $output == *"No such file"* ]]
  # The container's other processes end with it (the runtime kills its
  # cgroup): the host's PID namespace does not do it.
  mocker run --rm --network none --pid host busybox sh -c 'sleep 1777 & exit 0'
  ! pgrep -f '^sleep 1777$' || false
  mocker run --name pidrec --network none --pid host busybox true
  [ "$(mocker inspect pidrec | jq -r '.[0].HostConfig.PidMode')" = host ]
  bad_option "--pid \`container:x\`: unsupported mode" --pid container:x
}

@test "--ipc host shares the host's IPC namespace and /dev/shm; private and shareable get their own" {
  ns=$(readlink /proc/self/ns/ipc)
  echo "ipc-$$" > /dev/shm/mocker-test-$$
  run mocker run --rm --network none --ipc host busybox sh -c "readlink /proc/self/ns/ipc; cat /dev/shm/mocker-test-$$"
  rm -f /dev/shm/mocker-test-$$
  [ "$status" -eq 0 ]
  [ "$output" = "$ns"$'\n'"ipc-$$" ]
  for mode in private shareable; do
    run mocker run --rm --network none --ipc $mode busybox readlink /proc/self/ns/ipc
    [ "$status" -eq 0 ]
    [[ $output == ipc:* ]]
    [ "$output" != "$ns" ]
  done
  mocker run --name ipcrec --network none --ipc host busybox true
  [ "$(mocker inspect ipcrec | jq -r '.[0].HostConfig.IpcMode')" = host ]
  bad_option "--ipc \`none\`: unsupported mode" --ipc none
  # As podman: a size for the host's /dev/shm is refused.
  bad_option "--shm-size conflicts with --ipc host" --ipc host --shm-size 1m
}

@test "--cgroupns host: the host's cgroup namespace and paths; private: its own root" {
  ns=$(readlink /proc/self/ns/cgroup)
  run mocker run --rm --network none --cgroupns host busybox sh -c 'readlink /proc/self/ns/cgroup; grep pids /proc/self/cgroup'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$ns" ]
  [[ ${lines[1]} == *":pids:/mocker-"* ]] || [[ ${lines[1]} == "0::/mocker-"* ]]
  run mocker run --rm --network none --cgroupns private busybox sh -c 'readlink /proc/self/ns/cgroup; grep -E "pids|^0::" /proc/self/cgroup'
  [ "${lines[0]}" != "$ns" ]
  [[ ${lines[1]} == *":/" ]]
  bad_option "--cgroupns \`shared\`: unsupported mode" --cgroupns shared
}

@test "--stop-signal: mocker stop sends it (Config.StopSignal)" {
  id=$(mocker run -d --network none --stop-signal USR1 busybox sh -c 'trap "echo got USR1; exit 3" USR1; echo ready; sleep 1000 & wait')
  wait_log "$id" ready 1
  mocker stop "$id"
  [ "$(mocker inspect "$id" | jq -r '.[0].State.ExitCode')" = 3 ]
  [ "$(mocker inspect "$id" | jq -r '.[0].Config.StopSignal')" = USR1 ]
  [[ $(mocker logs "$id") == *"got USR1"* ]]
  bad_option "--stop-signal: invalid signal \`NOPE\`" --stop-signal NOPE
}

@test "--stop-timeout: mocker stop waits that long before SIGKILL (Config.StopTimeout)" {
  # The shell runs its TERM trap only once its foreground sleep 5 is over:
  # with --stop-timeout 0 SIGKILL comes first (137); with the default 10 s
  # the trap would end it (5).
  id=$(mocker run -d --network none --stop-timeout 0 busybox sh -c 'trap "exit 5" TERM; echo ready; sleep 5; sleep 1000')
  wait_log "$id" ready 1
  [ "$(mocker inspect "$id" | jq -r '.[0].Config.StopTimeout')" = 0 ]
  mocker stop "$id"
  [ "$(mocker inspect "$id" | jq -r '.[0].State.ExitCode')" = 137 ]
  # A long --stop-timeout and a trap that exits at once: the trap's status.
  id=$(mocker run -d --network none --stop-timeout 600 busybox sh -c 'trap "exit 5" TERM; echo ready; sleep 1000 & wait')
  wait_log "$id" ready 1
  mocker stop "$id"
  [ "$(mocker inspect "$id" | jq -r '.[0].State.ExitCode')" = 5 ]
  # Without the option: no StopTimeout.
  mocker run --name nost --network none busybox true
  [ "$(mocker inspect nost | jq -r '.[0].Config.StopTimeout')" = null ]
  bad_option "--stop-timeout: invalid number of seconds" --stop-timeout soon
}

@test "--init: catatonit is pid 1 (/sbin/docker-init -- COMMAND) and reaps an orphaned zombie" {
  command -v catatonit > /dev/null || skip "catatonit is not installed (tests/deps.sh)"
  run mocker run --rm --network none --init busybox sh -c 'tr "\0" " " < /proc/1/cmdline; exit 7'
  [ "$status" -eq 7 ]
  [[ $output == "/sbin/docker-init -- sh -c "* ]]
  # The orphan of a subshell goes to pid 1: catatonit reaps it, a plain
  # `sleep` as pid 1 leaves it a zombie.
  id=$(mocker run -d --network none --init busybox sh -c '(sleep 1 &); exec sleep 1000')
  pid=$(mocker inspect "$id" | jq .[0].State.Pid)
  [ "$(cat /proc/"$pid"/comm)" = catatonit ] || [ "$(cat /proc/"$pid"/comm)" = docker-init ]
  reaped=false
  for i in $(seq 200); do
    [ "$(ps --ppid "$pid" --no-headers -o stat | wc -l)" = 1 ] && { reaped=true; break; }
    sleep 0.05
  done
  $reaped
  [ "$(ps --ppid "$pid" --no-headers -o comm)" = sleep ]
  [ "$(mocker inspect "$id" | jq -r '.[0].HostConfig.Init')" = true ]
  mocker rm -f "$id"
  id=$(mocker run -d --network none busybox sh -c '(sleep 1 &); exec sleep 1000')
  pid=$(mocker inspect "$id" | jq .[0].State.Pid)
  zombie=false
  for i in $(seq 200); do
    ps --ppid "$pid" --no-headers -o stat | grep -q Z && { zombie=true; break; }
    sleep 0.05
  done
  $zombie
  mocker rm -f "$id"
  MOCKER_INIT=/nonexistent bad_option "--init: no init binary" --init
}

# Waits (bounded, 20 s) until the container's health status is $2.
wait_health() {  # wait_health CONTAINER STATUS
  local i
  for i in $(seq 400); do
    [ "$(mocker inspect "$1" | jq -r '.[0].State.Health.Status')" = "$2" ] && return 0
    sleep 0.05
  done
  mocker inspect "$1" | jq '.[0].State.Health' >&2
  return 1
}

@test "--health-cmd: starting, unhealthy after the retries, healthy once the check passes; ps and inspect show it" {
  id=$(mocker run -d --network none --health-cmd 'cat /tmp/ok' --health-interval 100ms \
    --health-retries 2 busybox sleep 1000)
  [ "$(mocker inspect "$id" | jq -c '.[0].Config.Healthcheck')" = '{"Test":["CMD-SHELL","cat /tmp/ok"],"Interval":100000000,"Retries":2}' ]
  wait_health "$id" unhealthy
  [[ $(mocker ps) == *"(unhealthy)"* ]]
  h=$(mocker inspect "$id" | jq '.[0].State.Health')
  [ "$(jq '.FailingStreak >= 2' <<< "$h")" = true ]
  [ "$(jq -r '.Log[-1].ExitCode' <<< "$h")" = 1 ]
  [[ $(jq -r '.Log[-1].Output' <<< "$h") == *"/tmp/ok"* ]]
  [ "$(jq '.Log | length <= 5' <<< "$h")" = true ]
  mocker exec "$id" sh -c 'echo fine > /tmp/ok'
  wait_health "$id" healthy
  [[ $(mocker ps) == *"(healthy)"* ]]
  [ "$(mocker inspect "$id" | jq -r '.[0].State.Health.Log[-1].Output')" = fine ]
  [ "$(mocker inspect "$id" | jq -r '.[0].State.Health.FailingStreak')" = 0 ]
  mocker rm -f "$id"
  # Without a health check: no State.Health, no suffix.
  id=$(mocker run -d --network none busybox sleep 1000)
  [ "$(mocker inspect "$id" | jq -c '.[0].State.Health')" = null ]
  [[ $(mocker ps) != *"health"* ]]
  mocker rm -f "$id"
}

@test "--health-timeout: a check that hangs fails with Docker's message and is killed" {
  id=$(mocker run -d --network none --health-cmd 'sleep 1000' --health-interval 100ms \
    --health-timeout 200ms --health-retries 1 busybox sleep 2000)
  wait_health "$id" unhealthy
  log=$(mocker inspect "$id" | jq -c '.[0].State.Health.Log[0] | [.ExitCode, .Output]')
  [ "$log" = '[-1,"Health check exceeded timeout (0s)"]' ]
  # Each hanging check is killed, not left behind: after three timeouts at
  # most the one under way runs.
  for i in $(seq 400); do
    [ "$(mocker inspect "$id" | jq -r '.[0].State.Health.FailingStreak')" -ge 3 ] && break
    sleep 0.05
  done
  [ "$(mocker inspect "$id" | jq -r '.[0].State.Health.FailingStreak')" -ge 3 ]
  [ "$(mocker exec "$id" ps -o args | grep -c '^sleep 1000$')" -le 1 ]
  mocker rm -f "$id"
}

@test "an image's HEALTHCHECK runs; --health-* override its fields; --no-healthcheck disables it" {
  printf 'FROM busybox\nHEALTHCHECK --interval=100ms --retries=1 CMD ["test", "-f", "/tmp/ok"]\n' |
    mocker build --network none -q -t hc - > /dev/null
  id=$(mocker run -d --network none hc sh -c 'touch /tmp/ok; exec sleep 1000')
  wait_health "$id" healthy
  [ "$(mocker inspect "$id" | jq -c '.[0].Config.Healthcheck.Test')" = '["CMD","test","-f","/tmp/ok"]' ]
  mocker rm -f "$id"
  id=$(mocker run -d --network none --health-retries 7 hc sleep 1000)
  [ "$(mocker inspect "$id" | jq -c '.[0].Config.Healthcheck')" = '{"Test":["CMD","test","-f","/tmp/ok"],"Interval":100000000,"Retries":7}' ]
  mocker rm -f "$id"
  id=$(mocker run -d --network none --no-healthcheck hc sleep 1000)
  [ "$(mocker inspect "$id" | jq -c '.[0].Config.Healthcheck')" = '{"Test":["NONE"]}' ]
  [ ! -e "$MOCKER_ROOT/containers/$id/health.json" ]
  [ "$(mocker inspect "$id" | jq -c '.[0].State.Health')" = null ]
  mocker rm -f "$id"
  mocker rmi hc > /dev/null
  bad_option "--health-interval: invalid duration \`soon\`" --health-cmd true --health-interval soon
  bad_option "the minimum is 1ms" --health-cmd true --health-timeout 10us
  bad_option "--health-retries: invalid number" --health-cmd true --health-retries -1
  bad_option "--no-healthcheck conflicts with --health-* options" --no-healthcheck --health-cmd true
}
