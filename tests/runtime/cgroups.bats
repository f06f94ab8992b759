#!/usr/bin/env bats
# cgroups: limits are enforced, cgroupsPath is honoured, nothing is left.
# Runs on this hybrid host and on pure cgroup v2 (make check-v2).

load helpers

setup() {
  rt_setup
  # Custom cgroupsPath parents this file makes (removed in teardown).
  : > "$RT_TMP/cg-parents"
}

teardown() {
  local status=0 p d parents
  parents=$(cat "$RT_TMP/cg-parents" 2>/dev/null)
  rt_teardown || status=1
  for p in $parents; do
    for d in /sys/fs/cgroup/*/"$p" /sys/fs/cgroup/"$p"; do
      if [ -d "$d" ] && ! rmdir "$d"; then
        echo "cannot remove $d" >&2
        status=1
      fi
    done
  done
  return $status
}

is_v2() { [ -e /sys/fs/cgroup/cgroup.controllers ]; }

# cg_dir PATH CONTROLLER: the directory of cgroup PATH for CONTROLLER.
cg_dir() {
  if is_v2; then echo "/sys/fs/cgroup$1"; else echo "/sys/fs/cgroup/$2$1"; fi
}

# cpu_usage_ns PATH: the cgroup's total CPU time in nanoseconds.
cpu_usage_ns() {
  if is_v2; then
    echo $(( $(awk '$1 == "usage_usec" { print $2 }' "/sys/fs/cgroup$1/cpu.stat") * 1000 ))
  else
    cat "/sys/fs/cgroup/cpuacct$1/cpuacct.usage"
  fi
}

# Every directory the container's cgroup PATH should have on this host.
cg_all_dirs() {
  if is_v2; then echo "/sys/fs/cgroup$1"; return; fi
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -e "$h/cgroup.procs" ] && echo "${h%/}$1"
  done
}

@test "cgroups: a memory limit gets the process OOM-killed (exit 137)" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  # dd fills a 64 MiB buffer: four times the limit.
  rt_args "$b" dd if=/dev/zero of=/dev/null bs=64M count=1
  id=$(rt_id)
  run rt run -b "$b" "$id"
  echo "$output"
  [ "$status" -eq 137 ]
  # The same program fits without the limit (so 137 really is the limit).
  rt_config "$b" 'del(.linux.resources)'
  id2=$(rt_id)
  run rt run -b "$b" "$id2"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "cgroups: a pids limit makes fork fail" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.pids = {"limit": 4}'
  rt_args "$b" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait; echo finished'
  id=$(rt_id)
  run rt run -b "$b" "$id"
  echo "$output"
  [[ $output == *"can't fork"* || $output == *"Resource temporarily unavailable"* ]]
  # A roomier limit: every fork works.
  rt_config "$b" '.linux.resources.pids = {"limit": 64}'
  id2=$(rt_id)
  run rt run -b "$b" "$id2"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output != *"can't fork"* ]]
  [[ $output == *finished* ]]
}

@test "cgroups: limits and cgroupsPath land in the container's cgroup; delete removes it" {
  b=$(rt_bundle)
  id=$(rt_id)
  parent=mocker-test-$id
  echo "$parent" >> "$RT_TMP/cg-parents"
  path=/$parent/sub
  rt_config "$b" '.linux.cgroupsPath = $p
    | .linux.resources = {"memory": {"limit": 33554432},
                          "pids": {"limit": 20},
                          "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}}' \
    --arg p "$path"
  rt_args "$b" sleep 100
  # (not `run`: the container keeps the caller's stdio, a pipe would never close)
  rt create -b "$b" "$id" < /dev/null > "$RT_TMP/create.out" 2>&1 || { cat "$RT_TMP/create.out"; false; }
  pid=$(rt state "$id" | jq -r .pid)
  [ "$pid" -gt 0 ]

  # The init process sits in $path in every hierarchy (v1 and unified alike).
  grep -q "^0::$path\$" "/proc/$pid/cgroup"
  if ! is_v2; then
    # Every hierarchy mounted under /sys/fs/cgroup (one that a runtime can use;
    # a v1 hierarchy can outlive its mount) has the init at $path.
    local n ctrls p
    while IFS=: read -r n ctrls p; do
      [ "$p" = "$path" ] && continue
      [ -n "$ctrls" ] || { echo "cgroup2: $p"; false; }
      if awk -v c="${ctrls%%,*}" '$5 ~ "^/sys/fs/cgroup/" && / - cgroup / {
             n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) f = 1 }
           END { exit !f }' /proc/self/mountinfo; then
        echo "hierarchy $n ($ctrls) is mounted, but the init is at $p"; false
      fi
    done < "/proc/$pid/cgroup"
  fi
  for d in $(cg_all_dirs "$path"); do
    [ -d "$d" ] || { echo "missing $d"; false; }
  done
  grep -qx "$pid" "$(cg_dir "$path" pids)/cgroup.procs"

  if is_v2; then
    [ "$(cat "/sys/fs/cgroup$path/memory.max")" = 33554432 ]
    [ "$(cat "/sys/fs/cgroup$path/pids.max")" = 20 ]
    [ "$(cat "/sys/fs/cgroup$path/cpu.max")" = "50000 100000" ]
    [ "$(cat "/sys/fs/cgroup$path/cpu.weight")" = 20 ]
    [ "$(cat "/sys/fs/cgroup$path/cpuset.cpus")" = 0 ]
  else
    [ "$(cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes")" = 33554432 ]
    [ "$(cat "/sys/fs/cgroup/pids$path/pids.max")" = 20 ]
    [ "$(cat "/sys/fs/cgroup/cpu$path/cpu.cfs_quota_us")" = 50000 ]
    [ "$(cat "/sys/fs/cgroup/cpu$path/cpu.cfs_period_us")" = 100000 ]
    [ "$(cat "/sys/fs/cgroup/cpu$path/cpu.shares")" = 512 ]
    [ "$(cat "/sys/fs/cgroup/cpuset$path/cpuset.cpus")" = 0 ]
  fi

  run rt delete --force "$id"
  [ "$status" -eq 0 ]
  for d in $(cg_all_dirs "$path"); do
    [ ! -e "$d" ] || { echo "left behind: $d"; false; }
  done
}

@test "cgroups: a default container cgroup appears and goes away with the container" {
  b=$(rt_bundle)
  rt_args "$b" sleep 100
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  dirs=$(cg_all_dirs "/mocker-$id")
  [ -n "$dirs" ]
  for d in $dirs; do [ -d "$d" ]; done
  rt delete --force "$id"
  for d in $dirs; do [ ! -e "$d" ]; done
}

# mem_files PATH: "<limit> <swap>" as the spec counts them (swap = memory+swap).
mem_files() {
  if is_v2; then
    local max swap
    max=$(cat "/sys/fs/cgroup$1/memory.max")
    swap=$(cat "/sys/fs/cgroup$1/memory.swap.max")
    echo "$max $((max + swap))"
  else
    echo "$(cat "/sys/fs/cgroup/memory$1/memory.limit_in_bytes")" \
      "$(cat "/sys/fs/cgroup/memory$1/memory.memsw.limit_in_bytes")"
  fi
}

@test "cgroups: update raises and lowers memory and swap together (memsw >= limit at every step)" {
  if ! is_v2 && [ ! -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
    skip "no swap accounting on this host"
  fi
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
  rt_args "$b" sleep 100
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  [ "$(mem_files "/mocker-$id")" = "67108864 134217728" ]
  # Up: on v1 the memsw limit must be raised before the limit.
  run rt update --memory 268435456 --memory-swap 536870912 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(mem_files "/mocker-$id")" = "268435456 536870912" ]
  # Down: on v1 the limit must be lowered before the memsw limit.
  run rt update --memory 16777216 --memory-swap 33554432 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(mem_files "/mocker-$id")" = "16777216 33554432" ]
  rt delete --force "$id"
}

@test "cgroups: update --memory -1 lifts memory+swap too (v1: memsw first)" {
  if ! is_v2 && [ ! -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
    skip "no swap accounting on this host"
  fi
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
  rt_args "$b" sleep 100
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  run rt update --memory -1 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  if is_v2; then
    [ "$(cat "/sys/fs/cgroup/mocker-$id/memory.max")" = max ]
    [ "$(cat "/sys/fs/cgroup/mocker-$id/memory.swap.max")" = max ]
  else
    # "Unlimited" reads back as the largest page-aligned value.
    [ "$(cat "/sys/fs/cgroup/memory/mocker-$id/memory.limit_in_bytes")" -gt 1000000000000 ]
    [ "$(cat "/sys/fs/cgroup/memory/mocker-$id/memory.memsw.limit_in_bytes")" -gt 1000000000000 ]
  fi
  # A limit again afterwards: the kept config does not hold a stale swap.
  run rt update --memory 33554432 --memory-swap 67108864 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(mem_files "/mocker-$id")" = "33554432 67108864" ]
  rt delete --force "$id"
}

@test "cgroups: update of cpu period and quota under a parent's limit works in either order" {
  b=$(rt_bundle)
  id=$(rt_id)
  parent=mocker-cpu-$id
  echo "$parent" >> "$RT_TMP/cg-parents"
  # The parent may use half a CPU; the container starts with all of that.
  if is_v2; then
    mkdir "/sys/fs/cgroup/$parent"
    echo "50000 100000" > "/sys/fs/cgroup/$parent/cpu.max"
  else
    mkdir "/sys/fs/cgroup/cpu/$parent"
    echo 50000 > "/sys/fs/cgroup/cpu/$parent/cpu.cfs_quota_us"
  fi
  rt_config "$b" '.linux.cgroupsPath = $p | .linux.resources.cpu = {"quota": 50000, "period": 100000}' \
    --arg p "/$parent/sub"
  rt_args "$b" sleep 100
  rt create -b "$b" "$id" < /dev/null > /dev/null
  # The same half CPU over a shorter period: on v1 the period alone first
  # would give 50000/50000, over the parent's ratio (EINVAL).
  run rt update --cpu-quota 25000 --cpu-period 50000 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  # And back: here the period goes first.
  run rt update --cpu-quota 50000 --cpu-period 100000 "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  if is_v2; then
    [ "$(cat "/sys/fs/cgroup/$parent/sub/cpu.max")" = "50000 100000" ]
  else
    [ "$(cat "/sys/fs/cgroup/cpu/$parent/sub/cpu.cfs_quota_us")" = 50000 ]
    [ "$(cat "/sys/fs/cgroup/cpu/$parent/sub/cpu.cfs_period_us")" = 100000 ]
  fi
  rt delete --force "$id"
}

@test "cgroups: create under a frozen cgroup fails at once instead of blocking" {
  b=$(rt_bundle)
  id=$(rt_id)
  parent=mocker-frozen-$id
  echo "$parent" >> "$RT_TMP/cg-parents"
  if is_v2; then
    mkdir "/sys/fs/cgroup/$parent"
    echo 1 > "/sys/fs/cgroup/$parent/cgroup.freeze"
  else
    mkdir "/sys/fs/cgroup/freezer/$parent"
    echo FROZEN > "/sys/fs/cgroup/freezer/$parent/freezer.state"
  fi
  rt_config "$b" '.linux.cgroupsPath = $p' --arg p "/$parent/sub"
  rt_args "$b" true
  # timeout is a guard, not a measure: without the check create waited
  # forever for an init frozen as it entered its cgroup.  (Into a file: the
  # frozen init would hold a pipe open.)
  status=0
  timeout -k 5 60 "$MOCKER_RUNTIME" --root "$RT_ROOT" create -b "$b" "$id" \
    < /dev/null > "$RT_TMP/create.out" 2>&1 || status=$?
  output=$(cat "$RT_TMP/create.out")
  if is_v2; then
    echo 0 > "/sys/fs/cgroup/$parent/cgroup.freeze"
  else
    echo THAWED > "/sys/fs/cgroup/freezer/$parent/freezer.state"
  fi
  echo "$output"
  [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
  [[ $output == *"/$parent/sub is "*"thaw it"* ]]
  for d in $(cg_all_dirs "/$parent/sub"); do [ ! -e "$d" ]; done
}

@test "cgroups: a cpu quota of 0.25 CPU keeps measured usage near it" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.cpu = {"quota": 25000, "period": 100000}'
  rt_args "$b" sh -c 'while :; do :; done'
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  rt start "$id"
  sleep 0.5   # past the start-up
  u0=$(cpu_usage_ns "/mocker-$id")
  t0=$(date +%s%N)
  sleep 2
  u1=$(cpu_usage_ns "/mocker-$id")
  t1=$(date +%s%N)
  rt delete --force "$id"
  # Generous band: the quota caps it at 0.25 (0.40 allows for accounting
  # granularity); above 0.05 shows the loop did run.
  share=$(awk -v u=$((u1 - u0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", u / t }')
  echo "measured $share CPU"
  awk -v s="$share" 'BEGIN { exit !(s < 0.40 && s > 0.05) }'
}

@test "cgroups: a limit the kernel refuses is a clear error naming the file, nothing is left" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.cpu = {"cpus": "4095"}'
  rt_args "$b" true
  id=$(rt_id)
  run rt create -b "$b" "$id"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"cpuset.cpus"* ]]
  [[ $output == *'"4095"'* ]]
  # rt_teardown checks that neither state nor cgroup remains.
  for d in $(cg_all_dirs "/mocker-$id"); do [ ! -e "$d" ]; done
}

@test "cgroups: v2: a limit below a cgroup holding processes names the missing controller" {
  is_v2 || skip "pure cgroup v2 only (make check-v2)"
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  [ "$own" != / ] || skip "this test runs in the root cgroup"
  b=$(rt_bundle)
  id=$(rt_id)
  rt_config "$b" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 33554432}' \
    --arg p "$own/mocker-test-$id"
  rt_args "$b" true
  run rt create -b "$b" "$id"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"the memory controller is not enabled"* ]]
  [ ! -e "/sys/fs/cgroup$own/mocker-test-$id" ]
}

@test "cgroups: a cgroupsPath leaving the cgroup root is refused" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.cgroupsPath = "/../../escape"'
  rt_args "$b" true
  id=$(rt_id)
  run rt create -b "$b" "$id"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"invalid cgroup path"* ]]
}

@test "cgroups: spec adds a cgroup namespace only on a pure v2 host, as runc" {
  local want=0 flag
  is_v2 && want=1
  for flag in "" --rootless; do
    rm -rf "$RT_TMP/spec" && mkdir "$RT_TMP/spec"
    rt spec $flag -b "$RT_TMP/spec"
    n=$(jq '[.linux.namespaces[] | select(.type == "cgroup")] | length' "$RT_TMP/spec/config.json")
    echo "spec $flag: $n cgroup namespace(s), want $want"
    [ "$n" = "$want" ]
    if command -v runc > /dev/null; then
      rm -rf "$RT_TMP/runc-spec" && mkdir "$RT_TMP/runc-spec"
      (cd "$RT_TMP/runc-spec" && runc spec $flag)
      [ "$(jq '[.linux.namespaces[] | select(.type == "cgroup")] | length' "$RT_TMP/runc-spec/config.json")" = "$want" ]
    fi
  done
}

@test "cgroups: memory.kernelTCP is applied on v1 and refused on v2" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.memory = {"limit": 67108864, "kernelTCP": 16777216}'
  rt_args "$b" true
  id=$(rt_id)
  # (into a file: the created init would hold a pipe open)
  status=0
  rt create -b "$b" "$id" < /dev/null > "$RT_TMP/create.out" 2>&1 || status=$?
  output=$(cat "$RT_TMP/create.out")
  echo "$output"
  if is_v2; then
    [ "$status" -ne 0 ]
    [[ $output == *"linux.resources.memory.kernelTCP: cgroup v2 has no"* ]]
    return
  fi
  [ "$status" -eq 0 ]
  [ "$(cat "/sys/fs/cgroup/memory/mocker-$id/memory.kmem.tcp.limit_in_bytes")" = 16777216 ]
  # update changes it, and keeps it in the config.
  echo '{"memory": {"kernelTCP": 33554432}}' > "$RT_TMP/res.json"
  rt update -r "$RT_TMP/res.json" "$id"
  [ "$(cat "/sys/fs/cgroup/memory/mocker-$id/memory.kmem.tcp.limit_in_bytes")" = 33554432 ]
  rt delete --force "$id"
}

@test "cgroups: linux.resources.network without net_cls/net_prio is a clear error" {
  if ! is_v2 && [ -e /sys/fs/cgroup/net_cls/cgroup.procs ]; then
    skip "this host has a net_cls hierarchy (the next test covers it)"
  fi
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.network = {"classID": 1048577}'
  rt_args "$b" true
  id=$(rt_id)
  status=0
  rt create -b "$b" "$id" < /dev/null > "$RT_TMP/create.out" 2>&1 || status=$?
  output=$(cat "$RT_TMP/create.out")
  echo "$output"
  [ "$status" -ne 0 ]
  if is_v2; then
    [[ $output == *"linux.resources.network: cgroup v2 has no net_cls or net_prio controller"* ]]
  else
    [[ $output == *"linux.resources.network.classID: the host has no net_cls cgroup hierarchy"* ]]
  fi
  for d in $(cg_all_dirs "/mocker-$id"); do [ ! -e "$d" ]; done
}

@test "cgroups: v1: network classID and priorities land in net_cls.classid and net_prio.ifpriomap" {
  is_v2 && skip "cgroup v2 has no net_cls/net_prio (refused: previous test)"
  grep -q '^net_cls' /proc/cgroups && grep -q '^net_prio' /proc/cgroups || skip "no net_cls/net_prio in this kernel"
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}'
  rt_args "$b" sleep 100
  id=$(rt_id)
  # This host does not mount net_cls/net_prio: a private mount namespace gets
  # a copy of /sys/fs/cgroup with them added (gone with the namespace).
  unshare -m --propagation private env RT="$MOCKER_RUNTIME" ROOT="$RT_ROOT" B="$b" ID="$id" T="$RT_TMP" bash -euc '
    mkdir "$T/cg-orig"
    mount --rbind /sys/fs/cgroup "$T/cg-orig"
    mount -t tmpfs -o mode=755 cgroup-test /sys/fs/cgroup
    for e in "$T"/cg-orig/*; do
      n=${e##*/}
      if [ -L "$e" ]; then ln -s "$(readlink "$e")" "/sys/fs/cgroup/$n"
      else mkdir "/sys/fs/cgroup/$n"; mount --rbind "$e" "/sys/fs/cgroup/$n"; fi
    done
    if [ ! -e /sys/fs/cgroup/net_cls ]; then
      mkdir /sys/fs/cgroup/net_cls,net_prio
      mount -t cgroup -o net_cls,net_prio net_cls /sys/fs/cgroup/net_cls,net_prio
      ln -s net_cls,net_prio /sys/fs/cgroup/net_cls
      ln -s net_cls,net_prio /sys/fs/cgroup/net_prio
    fi
    status=0
    "$RT" --root "$ROOT" create -b "$B" "$ID" < /dev/null > "$T/create.out" 2>&1 || status=$?
    cat "$T/create.out"
    if [ $status -eq 0 ]; then
      cat "/sys/fs/cgroup/net_cls/mocker-$ID/net_cls.classid" > "$T/classid"
      grep "^lo " "/sys/fs/cgroup/net_prio/mocker-$ID/net_prio.ifpriomap" > "$T/prio" || true
    fi
    "$RT" --root "$ROOT" delete --force "$ID" > /dev/null 2>&1 || true
    exit $status'
  [ "$(cat "$RT_TMP/classid")" = 1048577 ]
  [ "$(cat "$RT_TMP/prio")" = "lo 5" ]
}
