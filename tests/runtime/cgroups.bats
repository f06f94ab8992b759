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
