#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker stats: Docker's columns from the cgroup files (v1 here, v2 where
# the host has it), --no-stream and the stream.  --network none.

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
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

# The container's group file: v2 the unified group, v1 the controller's.
cgroup_file() {  # cgroup_file CONTROLLER ID V1-FILE V2-FILE
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo "/sys/fs/cgroup/mocker-$2/$4"
  else
    echo "/sys/fs/cgroup/$1/mocker-$2/$3"
  fi
}

# "12.5MiB" -> bytes
to_bytes() {
  python3 -c '
import re, sys
m = re.fullmatch(r"([0-9.]+)([KMGT]?i?B)", sys.argv[1])
units = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4}
print(int(float(m.group(1)) * units[m.group(2)]))' "$1"
}

@test "stats --no-stream: the columns; memory within 10% of the cgroup's figure; pids" {
  id=$(mocker run -d --network none --name st busybox sh -c \
    'head -c 20000000 /dev/zero > /dev/shm/fill; echo filled; sleep 1000')
  wait_log st filled 1
  run mocker stats --no-stream st
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS" ] ||
    [[ ${lines[0]} == "CONTAINER ID"*"NAME"*"CPU %"*"MEM USAGE / LIMIT"*"MEM %"*"NET I/O"*"BLOCK I/O"*"PIDS" ]]
  [ "${#lines[@]}" -eq 2 ]
  read -r short name cpu used slash limit memp net1 s2 net2 rd s3 wr pids <<< "${lines[1]}"
  [ "$short" = "${id:0:12}" ]
  [ "$name" = st ]
  [[ $cpu =~ ^[0-9]+\.[0-9]{2}%$ ]]
  [[ $memp =~ ^[0-9]+\.[0-9]{2}%$ ]]
  [ "$net1 $net2" = "0B 0B" ]  # --network none: lo only, not counted
  mine=$(to_bytes "$used")
  cg=$(cat "$(cgroup_file memory "$id" memory.usage_in_bytes memory.current)")
  echo "stats: $mine cgroup: $cg"
  [ "$mine" -ge 20000000 ]
  [ $((mine * 10)) -ge $((cg * 9)) ]
  [ $((mine * 10)) -le $((cg * 11)) ]
  [ "$pids" = "$(cat "$(cgroup_file pids "$id" pids.current pids.current)")" ]
}

@test "stats --no-stream: -m is the limit; running containers only unless -a or named" {
  mocker run -d --network none --name lim -m 64m busybox sleep 1000
  mocker run --network none --name done busybox true
  run mocker stats --no-stream
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[1]} == *" lim "*" / 64MiB "* ]]
  run mocker stats --no-stream -a
  [ "${#lines[@]}" -eq 3 ]
  run mocker stats --no-stream done
  [ "$status" -eq 0 ]
  [[ ${lines[1]} == *" done "*"0.00%"*"0B / 0B"*"0.00%"*"0B / 0B"*"0B / 0B"*" 0" ]]
  run mocker stats --no-stream nosuch
  [ "$status" -eq 1 ]
  run mocker stats --bogus
  [ "$status" -eq 125 ]
}

@test "stats streams: the table is redrawn until interrupted" {
  mocker run -d --network none --name strm busybox sleep 1000
  run timeout -s INT 3.5 "$MOCKER_BIN" stats strm
  [ "$status" -eq 124 ]
  [ "$(grep -c 'CONTAINER ID' <<< "$output")" -ge 2 ]
  [[ $output == *$'\e[2J'* ]]
}
