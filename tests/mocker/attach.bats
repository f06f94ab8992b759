#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker attach: the monitor's attach socket (docs/containers.md, "attach").
# Terminal sessions are driven on a real pty by pty-drive.py.  Every
# container uses --network none; every attach started in the background is
# stopped by its pid.

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids pid
  for pid in ${BG_PIDS:-}; do kill -KILL "$pid" 2>/dev/null || true; done
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

mrun() {
  mocker run --network none "$@"
}

COUNTER='i=0; while :; do echo n$i; i=$((i+1)); sleep 0.1; done'

# Waits (bounded) until FILE has at least N lines.
wait_lines() {
  local file=$1 n=$2 i
  for i in $(seq 300); do
    [ "$(wc -l < "$file")" -ge "$n" ] && return 0
    sleep 0.05
  done
  echo "$file has fewer than $n lines:" >&2; cat "$file" >&2
  return 1
}

# Waits (bounded) until the container's log has TEXT.
wait_log() {
  local i
  for i in $(seq 300); do
    mocker logs "$1" 2>&1 | grep -q -- "$2" && return 0
    sleep 0.05
  done
  echo "log of $1 lacks $2:" >&2; mocker logs "$1" >&2
  return 1
}

running() {
  [ "$(mocker inspect -f '{{.State.Running}}' "$1")" = true ]
}

pty_drive() {
  timeout 60 python3 "$MOCKER_TOP/tests/mocker/pty-drive.py" "$@"
}

@test "attach: the output streams to an attached client; leaving does not stop the container" {
  mrun -d --name counter busybox sh -c "$COUNTER"
  out=$MOCKER_TEST_DIR/counter.out
  "$MOCKER_BIN" attach --no-stdin --sig-proxy=false counter > "$out" 2>&1 3>&- &
  pid=$!; BG_PIDS=$pid
  wait_lines "$out" 5
  # Consecutive numbers, as the container printed them (and logged them).
  first=$(head -1 "$out" | tr -d n)
  [ "$(sed -n 5p "$out")" = "n$((first + 4))" ]
  mocker logs counter | grep -qx "n$((first + 4))"
  # Without sig-proxy a signal ends the client only.
  kill -TERM "$pid"
  wait "$pid" || true
  running counter
  n=$(mocker logs counter | wc -l)
  for i in $(seq 300); do [ "$(mocker logs counter | wc -l)" -gt $((n + 2)) ] && break; sleep 0.05; done
  [ "$(mocker logs counter | wc -l)" -gt $((n + 2)) ]
}

@test "attach: input reaches the container's stdin (run -di), the detach keys leave it running" {
  mrun -di --name cat1 busybox cat
  run --separate-stderr bash -c "printf 'hello-in\n\x10\x11never-sent\n' | \"\$MOCKER_BIN\" attach cat1"
  [ "$status" -eq 0 ]
  [ "$stderr" = "read escape sequence" ]
  wait_log cat1 hello-in
  running cat1
  ! mocker logs cat1 | grep -q never-sent || false
  # stdin's end does not close the container's (Docker without StdinOnce):
  # the client follows the output until it is stopped.
  out=$MOCKER_TEST_DIR/second.out
  printf 'second\n' | "$MOCKER_BIN" attach --sig-proxy=false cat1 > "$out" 3>&- &
  pid=$!; BG_PIDS=$pid
  wait_lines "$out" 1
  [ "$(cat "$out")" = second ]
  kill -0 "$pid"
  kill -TERM "$pid"; wait "$pid" || true
  running cat1
  printf 'third\n\x01x' | mocker attach --detach-keys ctrl-a,x cat1
  wait_log cat1 third
  running cat1
  [ "$(mocker logs cat1)" = "$(printf 'hello-in\nsecond\nthird')" ]
  # -d without -i: stdin is /dev/null, cat ends at once.
  mrun -d --name nostdin busybox cat
  [ "$(mocker wait nostdin)" = 0 ]
}

@test "attach: a terminal is raw, its size follows, ctrl-p ctrl-q detaches, exit code of the container" {
  mrun -dit --name tty1 busybox sh
  wait_log tty1 '# '
  run pty_drive '[["size",40,120],["send","\n"],["expect","# "],
                  ["send","stty size; echo $((6*7))x\n"],["expect","42x"],
                  ["size",30,90],["send","stty size\n"],["expect","30 90"],
                  ["send","\u0010\u0011"]]' "$MOCKER_BIN" attach tty1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"40 120"* ]]
  [[ $output == *"30 90"* ]]
  [[ $output == *"read escape sequence"* ]]
  running tty1
  # Exit from the shell: the client ends with its code.
  run pty_drive '[["send","\n"],["expect","# "],["send","exit 3\n"]]' "$MOCKER_BIN" attach tty1
  echo "$output"
  [ "$status" -eq 3 ]
  # The sequence, broken, is input: ctrl-p then 'x' reach the program.
  mrun -dit --name tty3 busybox sh -c 'read -r x; echo "$x" | od -c; exit 4'
  run pty_drive '[["send","\u0010x\n"],["expect","020   x"]]' "$MOCKER_BIN" attach tty3
  echo "$output"
  [ "$status" -eq 4 ]
  [ "$(mocker inspect -f '{{.State.ExitCode}}' tty1)" = 3 ]
  # A tty container wants a terminal for stdin, as Docker.
  mrun -dit --name tty2 busybox sh
  run mocker attach tty2 < /dev/null
  [ "$status" -eq 1 ]
  [[ $output == *"the input device is not a TTY"* ]]
}

@test "attach: the container's exit code; signals are proxied without a tty" {
  mrun -di --name ex busybox sh -c 'read x; echo got $x; exit $x'
  run bash -c 'echo 7 | "$MOCKER_BIN" attach ex'
  [ "$status" -eq 7 ]
  [ "$output" = "got 7" ]
  mrun -d --name trap1 busybox sh -c "trap 'echo got-term; exit 9' TERM; $COUNTER"
  out=$MOCKER_TEST_DIR/trap.out
  "$MOCKER_BIN" attach trap1 > "$out" 2>&1 3>&- &
  pid=$!; BG_PIDS=$pid
  wait_lines "$out" 2
  kill -TERM "$pid"
  st=0; wait "$pid" || st=$?
  [ "$st" -eq 9 ]
  grep -qx got-term "$out"
  [ "$(mocker inspect -f '{{.State.ExitCode}}' trap1)" = 9 ]
  # start -a of a running container attaches to it (as Docker's).
  mrun -di --name sa busybox sh -c 'read x; echo start-a $x; exit 6'
  run bash -c 'echo hi | "$MOCKER_BIN" start -ai sa'
  [ "$status" -eq 6 ]
  [ "$output" = "start-a hi" ]
}

@test "attach: two clients at once see the same output; one's input is echoed to both" {
  mrun -di --name two busybox cat
  a=$MOCKER_TEST_DIR/a.out b=$MOCKER_TEST_DIR/b.out
  : > "$a"; : > "$b"
  "$MOCKER_BIN" attach --no-stdin --sig-proxy=false two > "$a" 2>&1 3>&- &
  pa=$!
  "$MOCKER_BIN" attach --no-stdin --sig-proxy=false two > "$b" 2>&1 3>&- &
  pb=$!; BG_PIDS="$pa $pb"
  # Both are connected once a line typed now reaches both.
  for i in $(seq 100); do
    printf 'ping%s\n\x10\x11' "$i" | mocker attach two
    grep -q ping "$a" && grep -q ping "$b" && break
    sleep 0.05
  done
  printf 'from-third\n\x10\x11' | mocker attach two
  wait_lines "$a" 1; wait_lines "$b" 1
  for i in $(seq 300); do grep -q from-third "$b" && break; sleep 0.05; done
  grep -qx from-third "$a"
  grep -qx from-third "$b"
  # One leaves; the other still receives.
  kill -KILL "$pa"; wait "$pa" || true
  printf 'after-a\n\x10\x11' | mocker attach two
  for i in $(seq 300); do grep -q after-a "$b" && break; sleep 0.05; done
  grep -qx after-a "$b"
  ! grep -q after-a "$a" || false
  running two
  # The container ends: the remaining client ends with its code.
  mocker kill two >/dev/null
  st=0; wait "$pb" || st=$?
  [ "$st" -eq 137 ]
}

@test "attach: refused for a stopped, paused or unknown container; bad options" {
  mrun --name done1 busybox true
  run mocker attach done1
  [ "$status" -eq 1 ]
  [[ $output == *"You cannot attach to a stopped container, start it first"* ]]
  run mocker attach no-such-container
  [ "$status" -eq 1 ]
  mrun -d --name paused1 busybox sleep 1000
  mocker pause paused1
  run mocker attach paused1
  [ "$status" -eq 1 ]
  [[ $output == *"You cannot attach to a paused container, unpause it first"* ]]
  mocker unpause paused1
  run mocker attach --detach-keys ctrl-1 paused1
  [ "$status" -eq 125 ]
  [[ $output == *"invalid detach keys"* ]]
  run mocker attach --sig-proxy=maybe paused1
  [ "$status" -eq 125 ]
  run mocker attach
  [ "$status" -eq 1 ]
  run mocker attach --bogus paused1
  [ "$status" -eq 125 ]
}

@test "attach: a container that does not read its stdin does not stall the monitor" {
  mrun -di --name busy busybox sh -c "$COUNTER"
  # Endless input nobody reads: the pipe and the monitor's buffer fill.
  yes flood | "$MOCKER_BIN" attach --sig-proxy=false busy > /dev/null 2>&1 3>&- &
  pid=$!; BG_PIDS=$pid
  out=$MOCKER_TEST_DIR/busy.out
  "$MOCKER_BIN" attach --no-stdin --sig-proxy=false busy > "$out" 2>&1 3>&- &
  BG_PIDS="$pid $!"
  # Output still flows to the log and to another client.
  wait_lines "$out" 5
  n=$(mocker logs busy | wc -l)
  for i in $(seq 300); do [ "$(mocker logs busy | wc -l)" -gt $((n + 3)) ] && break; sleep 0.05; done
  [ "$(mocker logs busy | wc -l)" -gt $((n + 3)) ]
  running busy
}

@test "attach: after a restart (--restart), stdin is the container's again" {
  mrun -di --restart on-failure:1 --name again busybox sh -c 'read x; echo got $x; exit $x'
  run bash -c 'echo 3 | "$MOCKER_BIN" attach again'
  [ "$status" -eq 3 ]
  [ "$output" = "got 3" ]
  for i in $(seq 300); do
    [ "$(mocker inspect -f '{{.RestartCount}} {{.State.Running}}' again)" = "1 true" ] && break
    sleep 0.05
  done
  run bash -c 'echo 4 | "$MOCKER_BIN" attach again'
  [ "$status" -eq 4 ]
  [ "$output" = "got 4" ]
}
