#!/usr/bin/env bats
# process.terminal: a pty made inside the container, its master sent over
# --console-socket (tests/helpers/recvtty.c receives it) or relayed by a
# foreground run/exec (tests/helpers/onpty.py gives it a real terminal).

load helpers

setup() {
  rt_setup
  B=$(rt_bundle)
  ID=$(rt_id)
  RECVTTY=$MOCKER_HELPERS/recvtty
  ONPTY=$MOCKER_TOP/tests/helpers/onpty.py
}
teardown() {
  [ -n "${RECV_PID:-}" ] && kill "$RECV_PID" 2>/dev/null
  rt_teardown
}

# start_recvtty SOCKET [recvtty options]: in the background, output in SOCKET.out/.err
start_recvtty() {
  local sock=$1
  shift
  "$RECVTTY" "$@" "$sock" > "$sock.out" 2> "$sock.err" &
  RECV_PID=$!
  for _ in $(seq 100); do [ -S "$sock" ] && return 0; sleep 0.05; done
  return 1
}

@test "terminal: create sends the master over the console socket; size, tty and /dev/console" {
  rt_config "$B" '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
  rt_args "$B" sh -c 'tty; stty size; stat -c "%F %t" /dev/console; echo done'
  start_recvtty "$RT_TMP/sock"
  rt create --console-socket "$RT_TMP/sock" -b "$B" "$ID"
  rt start "$ID"
  wait "$RECV_PID"
  RECV_PID=
  run cat "$RT_TMP/sock.err"
  [[ "$output" == "recvtty: /dev/pts/0 30x100" ]]
  run tr -d '\r' < "$RT_TMP/sock.out"
  [ "${lines[0]}" = /dev/pts/0 ]
  [ "${lines[1]}" = "30 100" ]
  [ "${lines[2]}" = "character special file 88" ]
  [ "${lines[3]}" = done ]
}

@test "terminal: a detached terminal without a console socket is refused, and the reverse" {
  rt_config "$B" '.process.terminal = true'
  run rt create -b "$B" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot allocate tty if mocker-runtime will detach without setting console socket"* ]]
  run rt state "$ID"
  [ "$status" -ne 0 ]
  rt_config "$B" '.process.terminal = false'
  run rt create --console-socket "$RT_TMP/none" -b "$B" "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot use console socket if mocker-runtime will not detach or allocate tty"* ]]
  rt_args "$B" sleep 100
  rt run -d -b "$B" "$ID"
  run rt exec -t -d "$ID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot allocate tty"* ]]
  run rt exec --console-socket "$RT_TMP/none" "$ID" true
  [[ "$output" == *"cannot use console socket"* ]]
}

@test "terminal: exec -t -d sends its own pty over the console socket" {
  rt_args "$B" sleep 1000
  rt run -d -b "$B" "$ID"
  start_recvtty "$RT_TMP/sock" -i 'tty; echo typed-$((6*7)); exit 3
'
  rt exec -t -d --console-socket "$RT_TMP/sock" --pid-file "$RT_TMP/pid" "$ID" sh
  wait "$RECV_PID"
  RECV_PID=
  run tr -d '\r' < "$RT_TMP/sock.out"
  [[ "$output" == *"typed-42"* ]]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$(cat "$RT_TMP/sock.err")" == "recvtty: /dev/pts/"* ]]
}

@test "terminal: a foreground exec -t relays a real terminal and restores it" {
  rt_args "$B" sleep 1000
  rt run -d -b "$B" "$ID"
  run "$ONPTY" 'stty size; tty; exit 4\n' bash -c "stty -g; '$MOCKER_RUNTIME' --root '$RT_ROOT' exec -t '$ID' sh; echo rc=\$?; stty -g"
  [ "$status" -eq 0 ]
  [[ "$output" == *"24 80"* ]]
  [[ "$output" == *"/dev/pts/"* ]]
  [[ "$output" == *"rc=4"* ]]
  # the user's terminal settings before and after are the same
  local modes; modes=$(printf '%s\n' "${lines[@]}" | grep -E '^[0-9a-f]+(:[0-9a-f]+){10,}$')
  [ "$(echo "$modes" | wc -l)" -eq 2 ]
  [ "$(echo "$modes" | sort -u | wc -l)" -eq 1 ]
}

@test "terminal: a foreground run of a shell on a terminal bundle is interactive" {
  rt_config "$B" '.process.terminal = true'
  rt_args "$B" sh
  run "$ONPTY" 'hostname; stty size; exit 5\n' "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$B" "$ID"
  [ "$status" -eq 5 ]
  [[ "$output" == *"mocker"* ]]
  [[ "$output" == *"24 80"* ]]
  run rt state "$ID"
  [ "$status" -ne 0 ]
}

@test "terminal: a relayed pty has ONLCR off (as runc's), a console socket's keeps it" {
  rt_config "$B" '.process.terminal = true'
  rt_args "$B" sh -c 'stty -a 2> /dev/null | grep -o -- "-*onlcr"'
  run "$ONPTY" '' "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$B" "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"-onlcr"* ]]
  rt_args "$B" sleep 1000
  rt_config "$B" '.process.terminal = false'
  rt run -d -b "$B" "$ID"
  run "$ONPTY" '' "$MOCKER_RUNTIME" --root "$RT_ROOT" exec -t "$ID" sh -c 'stty -a 2> /dev/null | grep -o -- "-*onlcr"'
  [ "$status" -eq 0 ]
  [[ "$output" == *"-onlcr"* ]]
  start_recvtty "$RT_TMP/sock"
  rt exec -t -d --console-socket "$RT_TMP/sock" "$ID" sh -c 'stty -a 2> /dev/null | grep -o -- "-*onlcr"'
  wait "$RECV_PID"
  RECV_PID=
  run cat "$RT_TMP/sock.out"
  [ "$output" = $'onlcr\r' ]
}

@test "terminal: a foreground exec -t without a terminal of ours still relays output" {
  rt_args "$B" sleep 1000
  rt run -d -b "$B" "$ID"
  run rt exec -t "$ID" sh -c 'tty; exit 2'
  [ "$status" -eq 2 ]
  [[ "$output" == "/dev/pts/"* ]]
}

@test "terminal: a reader that goes away does not hang the relay" {
  rt_args "$B" sleep 1000
  rt run -d -b "$B" "$ID"
  run bash -c "timeout 60 '$MOCKER_RUNTIME' --root '$RT_ROOT' exec -t '$ID' sh -c 'yes | head -c 3000000; exit 6' </dev/null | head -c 2 >/dev/null; echo rc=\${PIPESTATUS[0]}"
  [ "$output" = rc=6 ]
}
