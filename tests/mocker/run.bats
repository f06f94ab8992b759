#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker run and the container commands (ps, logs, stop, start, kill, rm,
# inspect, exec) on a private store with a busybox image.  Every container
# here uses --network none: the machine's own network is never touched
# (bridge networking is tested in run-network.bats inside test netns).

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

# Each test starts from an empty container list.
teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

# run with --network none.
mrun() {
  mocker run --network none "$@"
}

@test "run: stdout and stderr stay apart, the exit status is the container's" {
  run --separate-stderr mrun busybox sh -c 'echo to-out; echo to-err >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = to-out ]
  [ "$stderr" = to-err ]
  run mrun busybox true
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "run: Docker's exit codes: 127 not found, 126 not executable, 125 mocker failed, 137 killed" {
  run -127 mrun busybox no-such-command
  [ "$status" -eq 127 ]
  [[ $output == *'no-such-command'*'not found'* ]]
  run mrun busybox /etc/passwd
  [ "$status" -eq 126 ]
  run mrun --no-such-option busybox true
  [ "$status" -eq 125 ]
  run mrun no-such-image-here:v1
  [ "$status" -eq 125 ]
  run mrun -m 12x busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"invalid size"* ]]
  run mrun --name 'bad/name' busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"invalid container name"* ]]
  run mocker run --network bogus busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"--network \`bogus\`"* ]]
  run mrun --cap-add NOT_A_CAP busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"NOT_A_CAP"* ]]
  run mrun busybox
  [ "$status" -eq 0 ]   # the image's Cmd (sh) with stdin at /dev/null exits at once
  # Killed while attached: 137.
  mrun --name killed busybox sleep 1000 > /dev/null 2>&1 &
  local runner=$!
  for i in $(seq 100); do [ "$(mocker ps -q | wc -l)" = 1 ] && break; sleep 0.05; done
  mocker kill killed
  local st=0
  wait "$runner" || st=$?
  [ "$st" -eq 137 ]
}

@test "run -d prints the full id; ps shows it Up; rm refuses it running; rm -f removes it" {
  run mrun -d --name sleeper busybox sleep 1000
  [ "$status" -eq 0 ]
  id=$output
  [[ $id =~ ^[0-9a-f]{64}$ ]]
  run mocker ps
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "CONTAINER ID   IMAGE"*"COMMAND"*"CREATED"*"STATUS"*"PORTS"*"NAMES" ]]
  [[ ${lines[1]} == "${id:0:12}   busybox   \"sleep 1000\""*"Up "*"sleeper" ]]
  run mocker ps -q --no-trunc
  [ "$output" = "$id" ]
  run mocker ps --format json
  [ "$(jq -r .Names <<< "$output")" = sleeper ]
  [ "$(jq -r .State <<< "$output")" = running ]
  run mocker rm sleeper
  [ "$status" -ne 0 ]
  [[ $output == *"container is running"* ]]
  run mocker rm -f "${id:0:7}"
  [ "$status" -eq 0 ]
  [ "$output" = "${id:0:7}" ]
  [ -z "$(mocker ps -aq)" ]
  [ ! -d "$MOCKER_ROOT/containers/$id" ]
  ! grep -q "$id" /proc/self/mountinfo || false
}

@test "ps -a: Exited (N) and Created; names unique; refs by name, id and prefix" {
  run mrun --name exits-4 busybox sh -c 'exit 4'
  [ "$status" -eq 4 ]
  run mrun --name exits-4 busybox true
  [ "$status" -eq 125 ]
  [[ $output == *'name "/exits-4" is already in use'* ]]
  run -127 mrun --name not-found busybox no-such-command
  [ "$status" -eq 127 ]
  run mocker ps -a
  [[ $output == *"Exited (4) "*"exits-4"* ]]
  [[ $output == *"Created "*"not-found"* ]]
  run mocker ps
  [[ $output != *exits-4* ]]
  # A generated name looks like Docker's.
  id=$(mrun -d busybox true)
  name=$(mocker inspect "$id" | jq -r '.[0].Name')
  [[ $name =~ ^/[a-z]+_[a-z]+[0-9]?$ ]]
  mocker rm exits-4 not-found "${name#/}"
  [ -z "$(mocker ps -aq)" ]
  run mocker rm exits-4
  [ "$status" -ne 0 ]
  [[ $output == *"no such container"* ]]
}

@test "run --rm removes the container after it exits" {
  run mrun --rm busybox sh -c 'echo bye'
  [ "$status" -eq 0 ]
  [ "$output" = bye ]
  [ -z "$(mocker ps -aq)" ]
  run -127 mrun --rm busybox no-such-command
  [ "$status" -eq 127 ]
  [ -z "$(mocker ps -aq)" ]
  id=$(mrun -d --rm busybox sleep 0.2)
  remember "$id"
  for i in $(seq 100); do [ -z "$(mocker ps -aq)" ] && break; sleep 0.05; done
  [ -z "$(mocker ps -aq)" ]
}

@test "run: -e, --env-file, -w, -u, --hostname, --entrypoint" {
  printf '# comment\nFROM_FILE=yes\n\nPASSED\n' > "$MOCKER_TEST_DIR/env"
  PASSED=through run mrun --rm -e A=1 -e PASSED --env-file "$MOCKER_TEST_DIR/env" -w /tmp \
    -u nobody --hostname box busybox sh -c 'echo $A $PASSED $FROM_FILE; pwd; id -u; id -g; hostname; cat /etc/hostname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 through yes" ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 65534 ]
  [ "${lines[3]}" = 65534 ]
  [ "${lines[4]}" = box ]
  [ "${lines[5]}" = box ]
  run mrun --rm -u 123:456 busybox id
  [[ $output == "uid=123 gid=456"* ]]
  run mrun --rm --entrypoint /bin/echo busybox hello world
  [ "$output" = "hello world" ]
  # The default hostname is the short id.
  id=$(mrun -d busybox hostname)
  wait_exited "$id"
  [ "$(mocker logs "$id")" = "${id:0:12}" ]
  mocker rm "$id"
}

@test "run: --read-only, --cap-drop, --cap-add, --privileged" {
  run mrun --rm --read-only busybox touch /x
  [ "$status" -ne 0 ]
  [[ $output == *"Read-only file system"* ]]
  run mrun --rm busybox sh -c 'touch /x && chown 1:1 /x && echo ok'
  [ "$output" = ok ]
  run mrun --rm --cap-drop CHOWN busybox sh -c 'touch /x && chown 1:1 /x'
  [ "$status" -ne 0 ]
  [[ $output == *"Operation not permitted"* ]]
  run mrun --rm busybox ip link set lo mtu 1000
  [ "$status" -ne 0 ]
  run mrun --rm --cap-add NET_ADMIN busybox ip link set lo mtu 1000
  [ "$status" -eq 0 ]
  # --privileged: every capability mocker has (its bounding set), /sys writable.
  run mrun --rm --privileged busybox sh -c 'grep CapEff /proc/self/status; mount | grep " /sys "'
  [ "${lines[0]#*:}" = "$(grep CapBnd /proc/self/status | cut -d: -f2)" ]
  [[ ${lines[1]} == *"(rw,"* ]]
  run mrun --rm busybox sh -c 'mount | grep " /sys "'
  [[ $output == *"(ro,"* ]]
}

@test "run --privileged: the host's devices in /dev, usable (device cgroup allows all), as Docker" {
  [ -c /dev/loop-control ] && [ -b /dev/loop0 ] || skip "no /dev/loop-control or /dev/loop0 here"
  local host_lc host_l0
  host_lc=$(stat -c '%t:%T %a' /dev/loop-control)
  host_l0=$(stat -c '%t:%T %a' /dev/loop0)
  run -0 mrun --rm --privileged busybox sh -c \
    'stat -c "%t:%T %a" /dev/loop-control /dev/loop0; dd if=/dev/loop0 of=/dev/null bs=512 count=1 2>&1 && echo read-ok; ls /dev | wc -l; [ -L /dev/ptmx ] && echo ptmx-link'
  [ "${lines[0]}" = "$host_lc" ]
  [ "${lines[1]}" = "$host_l0" ]
  [[ $output == *read-ok* ]]
  [[ $output == *ptmx-link* ]]
  # far more than the 14 default entries (the host's count, roughly)
  [ "${lines[-2]}" -gt 20 ]
  # the nested ones too (/dev/net/tun), when the host has them
  if [ -c /dev/net/tun ]; then
    run -0 mrun --rm --privileged busybox stat -c '%t:%T' /dev/net/tun
    [ "$output" = "$(stat -c '%t:%T' /dev/net/tun)" ]
  fi
  # the config.json the runtime gets: allow-all device rule, the devices listed
  id=$(mrun -d --privileged busybox sleep 1000)
  cfg=$MOCKER_ROOT/containers/$id/bundle/config.json
  [ "$(jq -c '.linux.resources.devices' "$cfg")" = '[{"allow":true,"access":"rwm"}]' ]
  [ "$(jq -r '.linux.devices[] | select(.path == "/dev/loop-control") | .type' "$cfg")" = c ]
  [ "$(jq '[.linux.devices[] | select(.path == "/dev/console" or .path == "/dev/ptmx" or (.path | startswith("/dev/pts/")))] | length' "$cfg")" = 0 ]
  mocker rm -f "$id" > /dev/null
  # without --privileged: neither the node nor the access
  run mrun --rm busybox sh -c 'ls /dev/loop-control'
  [ "$status" -ne 0 ]
}

@test "run -v: bind mounts, read-write and read-only" {
  mkdir -p "$MOCKER_TEST_DIR/vol"
  echo from-host > "$MOCKER_TEST_DIR/vol/in"
  run mrun --rm -v "$MOCKER_TEST_DIR/vol:/data" busybox sh -c 'cat /data/in; echo from-container > /data/out'
  [ "$status" -eq 0 ]
  [ "$output" = from-host ]
  [ "$(cat "$MOCKER_TEST_DIR/vol/out")" = from-container ]
  run mrun --rm -v "$MOCKER_TEST_DIR/vol:/data:ro" busybox sh -c 'cat /data/in; echo x > /data/out2'
  [ "$status" -ne 0 ]
  [[ $output == *from-host*"Read-only file system"* ]]
  [ ! -e "$MOCKER_TEST_DIR/vol/out2" ]
  run mrun --rm -v ./relative:/data busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"must be absolute"* ]]
}

@test "run: the rootfs is an overlay of the image's layers; changes stay in the container's upper dir" {
  id=$(mrun -d busybox sh -c 'echo changed > /etc/motd; rm /bin/vi; sleep 1000')
  for i in $(seq 200); do [ -e "$MOCKER_ROOT/containers/$id/upper/bin/vi" ] && break; sleep 0.05; done
  grep -q " $MOCKER_ROOT/containers/$id/bundle/rootfs .* overlay " /proc/self/mountinfo
  grep " $MOCKER_ROOT/containers/$id/bundle/rootfs " /proc/self/mountinfo | grep -q "lowerdir=$MOCKER_ROOT/layers/"
  [ "$(cat "$MOCKER_ROOT/containers/$id/upper/etc/motd")" = changed ]
  [ "$(stat -c %t,%T "$MOCKER_ROOT/containers/$id/upper/bin/vi")" = 0,0 ]
  # The image's layer is untouched.
  [ -e "$MOCKER_TOP/bundles/busybox/rootfs/bin/vi" ]
  [ -z "$(find "$MOCKER_ROOT/layers" -name motd)" ]
  mocker rm -f "$id"
}

@test "logs: stdout and stderr apart, --tail, -t, -f ends when the container exits" {
  id=$(mrun -d busybox sh -c 'for i in 1 2 3; do echo out$i; echo err$i >&2; done')
  wait_exited "$id"
  run --separate-stderr mocker logs "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'out1\nout2\nout3')" ]
  [ "$stderr" = "$(printf 'err1\nerr2\nerr3')" ]
  id3=$(mrun -d busybox seq 1 10)
  wait_exited "$id3"
  run mocker logs --tail 3 "$id3"
  [ "$output" = "$(seq 8 10)" ]
  run mocker logs --tail 0 "$id3"
  [ -z "$output" ]
  run mocker logs -t --tail 1 "$id3"
  [[ $output =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\ 10$ ]]
  # The file is Docker's json-file format.
  head -1 "$MOCKER_ROOT/containers/$id/container.log" | jq -e '.log == "out1\n" and .stream == "stdout" and (.time | test("Z$"))'
  # -f follows until the container exits.
  id2=$(mrun -d busybox sh -c 'echo first; sleep 0.5; echo second')
  run timeout 20 "$MOCKER_BIN" logs -f "$id2"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'first\nsecond')" ]
  mocker rm "$id" "$id2"
}

@test "stop: TERM then KILL after -t; start runs it again; kill -s; kill of a stopped one fails" {
  # Signals are sent once the trap is set (the program says "ready").
  id=$(mrun -d --name st busybox sh -c 'trap "echo term; exit 7" TERM; echo ready; while true; do sleep 0.1; done')
  wait_log st ready 1
  run mocker stop st
  [ "$status" -eq 0 ]
  [ "$output" = st ]
  [ "$(mocker inspect st | jq -r '.[0].State.ExitCode')" = 7 ]
  [ "$(mocker logs st)" = "$(printf 'ready\nterm')" ]
  # A process ignoring TERM is killed after the grace period.
  id2=$(mrun -d --name stubborn busybox sh -c 'trap "" TERM; echo ready; while true; do sleep 0.1; done')
  wait_log stubborn ready 1
  run mocker stop -t 1 stubborn
  [ "$status" -eq 0 ]
  [ "$(mocker inspect stubborn | jq -r '.[0].State.ExitCode')" = 137 ]
  # start: the same container again (same id, log appended).
  run mocker start st
  [ "$status" -eq 0 ]
  [ "$(mocker inspect st | jq -r '.[0].State.Running')" = true ]
  wait_log st ready 2
  run mocker kill -s TERM st
  [ "$status" -eq 0 ]
  wait_exited st
  [ "$(mocker logs st)" = "$(printf 'ready\nterm\nready\nterm')" ]
  run mocker kill st
  [ "$status" -ne 0 ]
  [[ $output == *"is not running"* ]]
  mocker start st
  run mocker kill st
  [ "$status" -eq 0 ]
  [ "$(mocker inspect st | jq -r '.[0].State.ExitCode')" = 137 ]
  mocker rm st stubborn
}

@test "inspect: Docker's shape (State, Config, HostConfig, Mounts, NetworkSettings)" {
  mkdir -p "$MOCKER_TEST_DIR/insp"
  id=$(mrun -d --name insp -e X=1 -m 64m --pids-limit 50 -v "$MOCKER_TEST_DIR/insp:/in:ro" busybox sleep 1000)
  run mocker inspect insp
  [ "$status" -eq 0 ]
  j=$output
  [ "$(jq length <<< "$j")" = 1 ]
  [ "$(jq -r '.[0].Id' <<< "$j")" = "$id" ]
  [ "$(jq -r '.[0].Name' <<< "$j")" = /insp ]
  [ "$(jq -r '.[0].State.Status' <<< "$j")" = running ]
  [ "$(jq -r '.[0].State.Running' <<< "$j")" = true ]
  pid=$(jq -r '.[0].State.Pid' <<< "$j")
  [ "$pid" -gt 0 ]
  [ "$(cat /proc/$pid/comm)" = sleep ]
  [ "$(jq -r '.[0].Image' <<< "$j")" = "$(mocker images -q --no-trunc | head -1)" ]
  [ "$(jq -r '.[0].Config.Image' <<< "$j")" = busybox ]
  [ "$(jq -c '.[0].Config.Cmd' <<< "$j")" = '["sleep","1000"]' ]
  jq -e '.[0].Config.Env | index("X=1")' <<< "$j"
  [ "$(jq -r '.[0].HostConfig.Memory' <<< "$j")" = 67108864 ]
  [ "$(jq -r '.[0].HostConfig.PidsLimit' <<< "$j")" = 50 ]
  [ "$(jq -r '.[0].Mounts[0].Destination' <<< "$j")" = /in ]
  [ "$(jq -r '.[0].Mounts[0].RW' <<< "$j")" = false ]
  [ "$(jq -r '.[0].NetworkSettings.IPAddress' <<< "$j")" = "" ]
  [ "$(jq -r '.[0].State.StartedAt' <<< "$j")" != "0001-01-01T00:00:00Z" ]
  mocker rm -f insp
  run mocker inspect insp
  [ "$status" -ne 0 ]
  [[ $output == *"no such container"* ]]
}

@test "rmi refuses an image a container uses" {
  id=$(mrun -d busybox true)
  wait_exited "$id"
  run mocker rmi busybox
  [ "$status" -ne 0 ]
  [[ $output == *"container ${id:0:12} is using"* ]]
  mocker rm "$id"
}

@test "20 parallel run -d and 20 rm -f leave the store consistent" {
  local pids=() i
  for i in $(seq 20); do
    mrun -d --name par$i busybox sleep 1000 > "$MOCKER_TEST_DIR/par$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  [ "$(mocker ps -q | wc -l)" -eq 20 ]
  for i in $(seq 20); do remember "$(cat "$MOCKER_TEST_DIR/par$i")"; done
  pids=()
  for i in $(seq 20); do mocker rm -f par$i > /dev/null & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  [ -z "$(mocker ps -aq)" ]
  [ -z "$(ls "$MOCKER_ROOT/containers/.names")" ]
  assert_nothing_left
}

@test "run -i: the container reads the caller's stdin; without -i it gets /dev/null" {
  run mrun --rm -i busybox sh -c 'cat; echo done'
  [ "$output" = done ]
  run bash -c 'echo hello-stdin | "$MOCKER_BIN" run --rm -i --network none busybox cat'
  [ "$status" -eq 0 ]
  [ "$output" = hello-stdin ]
  run bash -c 'echo hello-stdin | "$MOCKER_BIN" run --rm --network none busybox cat'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  # -dit: a shell on a pty stays up in the background; its prompt is logged.
  id=$(mrun -dit busybox sh)
  for i in $(seq 200); do mocker logs "$id" | grep -q '# ' && break; sleep 0.05; done
  [[ $(mocker logs "$id") == *"# "* ]]
  [ "$(mocker inspect "$id" | jq -r '.[0].State.Running')" = true ]
  [ "$(mocker inspect "$id" | jq -r '.[0].Config.Tty')" = true ]
  mocker rm -f "$id"
}

@test "run -it: an interactive shell on a real pty" {
  # The shell's prompt, then one line; the window size is set before mocker starts.
  steps='[["size", 33, 111], ["expect", "# "], ["send", "tty; stty size; echo $((6*7))x; exit 5\n"], ["expect", "42x"]]'
  run timeout 60 python3 "$MOCKER_TOP/tests/mocker/pty-drive.py" "$steps" "$MOCKER_BIN" run -it --rm --network none busybox sh
  echo "$output"
  if [[ $output == *"terminals are not supported"* ]]; then
    # mocker's side (console socket, raw mode, relay) is still checked with runc.
    command -v runc > /dev/null || skip "mocker-runtime has no terminal support yet"
    MOCKER_RUNTIME=$(command -v runc) run timeout 60 python3 "$MOCKER_TOP/tests/mocker/pty-drive.py" "$steps" "$MOCKER_BIN" run -it --rm --network none busybox sh
    echo "$output"
  fi
  [ "$status" -eq 5 ]
  [[ $output == *"/dev/pts/0"* ]]
  [[ $output == *"42x"* ]]
  # The caller's window size (set on the pty by the script) reached the container.
  [[ $output == *"33 111"* ]]
  [ -z "$(mocker ps -aq)" ]
  # exec -it into a running container: a second pty.
  if "$MOCKER_RUNTIME" --help 2>&1 | grep -q '^  exec ' && [[ $output != *"terminals are not supported"* ]]; then
    mrun -d --name shell busybox sleep 1000
    run timeout 60 python3 "$MOCKER_TOP/tests/mocker/pty-drive.py" "$steps" "$MOCKER_BIN" exec -it shell sh
    echo "$output"
    [ "$status" -eq 5 ]
    [[ $output == *"/dev/pts/"* ]]
    [[ $output == *"42x"* ]]
    mocker rm -f shell
  fi
}

@test "exec: runs in a running container; status, -u, -w, -e, -i, -d; refused when not running" {
  # Until mocker-runtime has `exec`, mocker's side is checked with runc.
  if ! "$MOCKER_RUNTIME" --help 2>&1 | grep -q '^  exec '; then
    command -v runc > /dev/null || skip "mocker-runtime has no exec yet"
    export MOCKER_RUNTIME=$(command -v runc)
  fi
  mrun -d --name ex busybox sleep 1000
  run --separate-stderr mocker exec ex sh -c 'echo in-exec; echo to-err >&2; exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = in-exec ]
  [ "$stderr" = to-err ]
  run mocker exec -u nobody -w /tmp -e FOO=bar ex sh -c 'id -u; pwd; echo $FOO'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '65534\n/tmp\nbar')" ]
  run -127 mocker exec ex no-such-command
  [ "$status" -eq 127 ]
  run mocker exec ex /etc/passwd
  [ "$status" -eq 126 ]
  run bash -c 'echo piped | "$MOCKER_BIN" exec -i ex cat'
  [ "$output" = piped ]
  run mocker exec -d ex sh -c 'echo detached > /tmp/d'
  [ "$status" -eq 0 ]
  for i in $(seq 100); do mocker exec ex cat /tmp/d 2>/dev/null | grep -q detached && break; sleep 0.05; done
  [ "$(mocker exec ex cat /tmp/d)" = detached ]
  # The exec'd process sees the container's processes (same pid namespace).
  run mocker exec ex ps -o comm
  [[ $output == *sleep* ]]
  mocker stop -t 0 ex
  run mocker exec ex true
  [ "$status" -ne 0 ]
  [[ $output == *"is not running"* ]]
}

@test "run in the foreground forwards SIGINT and SIGTERM to the container" {
  ( exec "$MOCKER_BIN" run --network none --name fg busybox sh -c \
      'trap "echo got-int; exit 9" INT; trap "echo got-term; exit 8" TERM; echo ready; while :; do sleep 0.1; done' \
      > "$MOCKER_TEST_DIR/fg.out" 2>&1 ) &
  local runner=$! st=0 i
  # The traps are set once "ready" is out.
  for i in $(seq 200); do grep -q ready "$MOCKER_TEST_DIR/fg.out" && break; sleep 0.05; done
  kill -INT "$runner"
  wait "$runner" || st=$?
  [ "$st" -eq 9 ]
  [ "$(cat "$MOCKER_TEST_DIR/fg.out")" = "$(printf 'ready\ngot-int')" ]
  mocker rm fg
  ( exec "$MOCKER_BIN" run --rm --network none --name fg busybox sh -c \
      'trap "echo got-term; exit 8" TERM; echo ready; while :; do sleep 0.1; done' \
      > "$MOCKER_TEST_DIR/fg2.out" 2>&1 ) &
  runner=$! st=0
  for i in $(seq 200); do grep -q ready "$MOCKER_TEST_DIR/fg2.out" && break; sleep 0.05; done
  kill -TERM "$runner"
  wait "$runner" || st=$?
  [ "$st" -eq 8 ]
  [ "$(cat "$MOCKER_TEST_DIR/fg2.out")" = "$(printf 'ready\ngot-term')" ]
  [ -z "$(mocker ps -aq)" ]
}

@test "a name whose container directory vanished (a crash during rm) is free again" {
  mrun --name phoenix busybox true
  id=$(mocker ps -aq --no-trunc)
  # What a removal killed after the directory's rename leaves behind.
  mv "$MOCKER_ROOT/containers/$id" "$MOCKER_ROOT/containers/.trash-$id"
  rm -rf --one-file-system "$MOCKER_ROOT/containers/.trash-$id"
  [ -L "$MOCKER_ROOT/containers/.names/phoenix" ]
  run mrun --name phoenix busybox echo reborn
  [ "$status" -eq 0 ]
  [ "$output" = reborn ]
  [ "$(readlink "$MOCKER_ROOT/containers/.names/phoenix")" = "$(mocker ps -aq --no-trunc)" ]
}

@test "run without a monitor binary: 125, nothing mounted, --rm leaves nothing" {
  MOCKER_MONITOR=/nonexistent/mocker-monitor run mrun --rm busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"monitor"* ]]
  [ -z "$(mocker ps -aq)" ]
  MOCKER_MONITOR=/nonexistent/mocker-monitor run mrun --name nomon busybox true
  [ "$status" -eq 125 ]
  [[ $(mocker ps -a) == *"Created"*"nomon"* ]]
  ! grep -q " $MOCKER_ROOT/containers/" /proc/self/mountinfo || false
  # start with the monitor back
  run mocker start -a nomon
  [ "$status" -eq 0 ]
  mocker rm nomon
}

@test "a container whose monitor was killed: ps says Exited (137), start and rm still work" {
  id=$(mrun -d --name orphan busybox sleep 1000)
  mon=$(jq -r .monitor_pid "$MOCKER_ROOT/containers/$id/state.json")
  pid=$(jq -r .pid "$MOCKER_ROOT/containers/$id/state.json")
  kill -9 "$mon"
  kill -9 "$pid"
  for i in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.05; done
  run mocker ps -a
  [[ $output == *"Exited (137)"*"orphan"* ]]
  run mocker start orphan
  [ "$status" -eq 0 ]
  [ "$(mocker inspect orphan | jq -r '.[0].State.Running')" = true ]
  mocker rm -f orphan
  [ -z "$(mocker ps -aq)" ]
}
