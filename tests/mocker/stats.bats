#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker stats: Docker's columns from the cgroup files (v1 here, v2 where
# the host has it), --no-stream and the stream.  --network none.

load container-helpers
load podman-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  pm_cleanup
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

@test "stats --format: Docker's fields, {{json .}}, table titles; the same as podman's where both have them" {
  id=$(mocker run -d --network none --name fmt1 busybox sleep 1000)
  mocker run -d --network none --name spin busybox sh -c 'while :; do :; done' > /dev/null
  run mocker stats --no-stream --format '{{json .}}' fmt1
  [ "$status" -eq 0 ]
  [ "$(jq -c keys <<< "$output")" = '["BlockIO","CPUPerc","Container","ID","MemPerc","MemUsage","Name","NetIO","PIDs"]' ]
  [ "$(jq -r '.Container + " " + .ID + " " + .Name + " " + .PIDs + " " + .NetIO' <<< "$output")" = "fmt1 ${id:0:12} fmt1 1 0B / 0B" ]
  [[ $(jq -r .MemUsage <<< "$output") =~ ^[0-9.]+(B|KiB|MiB)\ /\ [0-9.]+(MiB|GiB)$ ]]
  # .Container: as typed; without names, the short id
  run mocker stats --no-stream --format '{{.Container}}' "${id:0:5}"
  [ "$output" = "${id:0:5}" ]
  run mocker stats --no-stream --format '{{.Container}}|{{.Name}}'
  want=$(printf '%s\n' "$(mocker ps -q --filter name=spin)|spin" "${id:0:12}|fmt1" | sort | paste -sd,)
  [ "$(sort <<< "$output" | paste -sd,)" = "$want" ]
  run mocker stats --no-stream --no-trunc --format '{{.ID}}' fmt1
  [ "$output" = "$id" ]
  run mocker stats --no-stream --format 'table {{.Name}}\t{{.PIDs}}\t{{.Container}}' fmt1
  [ "${lines[0]}" = "NAME      PIDS      CONTAINER" ]
  [ "${lines[1]}" = "fmt1      1         fmt1" ]
  # --no-stream: the CPU % since the start, at once (a spinning shell is not idle)
  run mocker stats --no-stream --format '{{.CPUPerc}}' spin
  [[ $output =~ ^[0-9]+\.[0-9]{2}%$ ]]
  [ "$output" != "0.00%" ]
  # the stream: a frame a second, each after a clear screen
  run timeout -s INT 2.5 "$MOCKER_BIN" stats --format '{{.Name}}' fmt1
  [ "$status" -eq 124 ]
  [[ $output == $'\e[2J\e[Hfmt1\n\e[2J\e[Hfmt1'* ]]
  # a bad template: 125 before anything is sampled
  run --separate-stderr mocker stats --no-stream --format '{{.Nope}}' fmt1
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  run --separate-stderr mocker stats --no-stream --format '{{if}}' fmt1
  [ "$status" -eq 125 ]
  # podman, the same container: the fields both tools render alike
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - localhost/bb:stats > /dev/null
  pm run -d --network none --name fmt1 localhost/bb:stats sleep 1000 > /dev/null
  f='{{.Name}} {{.PIDs}} {{.NetIO}}'
  [ "$(pm stats --no-stream --format "$f" fmt1)" = "fmt1 1 0B / 0B" ]
  [ "$(mocker stats --no-stream --format "$f" fmt1)" = "$(pm stats --no-stream --format "$f" fmt1)" ]
  pm_cleanup
}
