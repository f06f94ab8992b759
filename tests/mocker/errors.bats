#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Bad input to mocker: one clear line on stderr naming what was wrong,
# nothing on stdout, the documented exit status, and nothing half-made (no
# container record, no store temp file; containers_teardown checks mounts,
# cgroups, monitors and runtime state).  Containers use --network none.

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
  [ -z "$ids" ] || mocker rm -f $ids >/dev/null 2>&1 || true
}

# expect_error STATUS LINE MOCKER_ARGS...: mocker fails with STATUS, prints
# nothing on stdout and exactly LINE (a glob) on stderr.
expect_error() {
  local want=$1 line=$2
  shift 2
  run --separate-stderr mocker "$@"
  [ "$status" -eq "$want" ] || { echo "status $status: mocker $*; stderr: $stderr" >&2; return 1; }
  [ -z "$output" ] || { echo "stdout: $output" >&2; return 1; }
  [ "${#stderr_lines[@]}" -eq 1 ] || { echo "stderr: $stderr" >&2; return 1; }
  [[ $stderr == $line ]] || { echo "stderr: $stderr (expected $line)" >&2; return 1; }
}

# Exit statuses as Docker's CLI (docs/containers.md, "Exit status"): a bad
# option is 125 in every command (cobra's flag errors), a wrong number of
# arguments and a failed command are 1.
@test "errors: bad options are one line naming the option, status 125 everywhere" {
  expect_error 125 'mocker: unknown option `--bogus`; see `mocker --help`' --bogus images
  expect_error 125 'mocker: option `--root` needs a value; see `mocker --help`' --root
  expect_error 125 'mocker: run: unknown option `--bogus`; see `mocker run --help`' run --bogus busybox
  expect_error 125 'mocker: run: option `-m` needs a value; see `mocker run --help`' run -m
  expect_error 125 'mocker: run: option `--memory` needs a value; see `mocker run --help`' run --memory
  expect_error 125 'mocker: images: unknown option `-x`; see `mocker images --help`' images -x
  expect_error 125 'mocker: rm: unknown option `--bogus`; see `mocker rm --help`' rm --bogus=1 x
  for c in exec inspect kill logs ps start stop tag rmi commit pull import init; do
    expect_error 125 "mocker: $c: unknown option \`--bogus\`; see \`mocker $c --help\`" $c --bogus
  done
  expect_error 125 'mocker: logs: option `--tail` needs a value; see `mocker logs --help`' logs --tail
  # a bad value of an option
  expect_error 125 'mocker: stop: -t: invalid number of seconds `abc`; see `mocker stop --help`' stop -t abc x
  expect_error 125 'mocker: kill: invalid signal `BOGUS`; see `mocker kill --help`' kill -s BOGUS x
  expect_error 125 'mocker: logs: --tail: invalid number `-3`; see `mocker logs --help`' logs --tail -3 x
  expect_error 125 'mocker: template parsing error: template: :1: unclosed action' ps --format '{{.ID'
  expect_error 125 'mocker: commit: --pause: `maybe` is not true or false; see `mocker commit --help`' commit --pause=maybe x
  expect_error 125 'mocker: exec -e: invalid environment variable `=y`' exec -e =y x true
}

@test "errors: a wrong number of arguments is 1 (as Docker); an unknown command too" {
  expect_error 1 'mocker: rm: at least one CONTAINER is required; see `mocker rm --help`' rm
  expect_error 1 'mocker: exec: want CONTAINER COMMAND \[ARG...\]; see `mocker exec --help`' exec x
  expect_error 1 'mocker: ps: no arguments expected; see `mocker ps --help`' ps extra
  expect_error 1 'mocker: pull: want exactly one IMAGE; see `mocker pull --help`' pull
  expect_error 1 'mocker: unknown command `bogus`; see `mocker --help`' bogus
}

@test "errors: bad run options are refused before anything is made" {
  expect_error 125 'mocker: --memory: invalid size `abc`' run --network none -m abc busybox true
  expect_error 125 'mocker: --memory: invalid size `abc`' run --network none --memory=abc busybox true
  expect_error 125 'mocker: --cpus: invalid number `-1`' run --network none --cpus -1 busybox true
  expect_error 125 'mocker: --cpus: invalid number `nan`' run --network none --cpus nan busybox true
  expect_error 125 "mocker: --cpus \`1000\`: the range is 0.01 to $(getconf _NPROCESSORS_ONLN).00 ($(getconf _NPROCESSORS_ONLN) CPUs available)" run --network none --cpus 1000 busybox true
  expect_error 125 'mocker: port `99999:80`: host port `99999` is not 1 to 65535' run --network none -p 99999:80 busybox true
  expect_error 125 'mocker: -v `./relative:/x`: the host path must be absolute*' run --network none -v ./relative:/x busybox true
  expect_error 125 'mocker: --network `bogus`: network not found (see `mocker network ls`)' run --network bogus busybox true
  expect_error 125 'mocker: --network `a b`: want bridge, none, host or the name of a network' run --network 'a b' busybox true
  expect_error 125 'mocker: unable to find user nosuchuser: *' run --network none -u nosuchuser busybox true
  expect_error 125 'mocker: working directory `relative` is not an absolute path' run --network none -w relative busybox true
  expect_error 125 "mocker: --env-file: open \`$MOCKER_TEST_DIR/missing.env\`: No such file or directory" \
    run --network none --env-file "$MOCKER_TEST_DIR/missing.env" busybox true
  expect_error 125 'mocker: invalid reference "BusyBox": repository name must be lowercase' run --network none BusyBox true
  expect_error 125 'mocker: -e: invalid environment variable `=x`' run --network none -e =x busybox true
  expect_error 125 'mocker: invalid container name `a/b`*' run --network none --name a/b busybox true
  expect_error 125 'mocker: invalid container name `../x`*' run --network none --name ../x busybox true
  [ -z "$(all_ids)" ]
  check_no_junk
}

@test "errors: every command that takes a container names the unknown one" {
  for c in kill logs rm start stop; do
    expect_error 1 'mocker: no such container: `nosuch`' $c nosuch
  done
  expect_error 1 'mocker: no such container: `nosuch`' exec nosuch true
  expect_error 1 'mocker: commit: no such container: `nosuch`' commit nosuch
  expect_error 1 'mocker: no such image: nosuch:latest' rmi nosuch
  expect_error 1 'mocker: no such image: nosuch:latest' tag nosuch other
  expect_error 1 'mocker: invalid reference "BAD": repository name must be lowercase' tag busybox BAD
  expect_error 1 "mocker: init: \`$MOCKER_TEST_DIR/none\` is not a directory" init -t x "$MOCKER_TEST_DIR/none"
  expect_error 1 "mocker: import: open \`$MOCKER_TEST_DIR/none.tar\`: No such file or directory" import "$MOCKER_TEST_DIR/none.tar"
  [ "$(image_count)" -eq 1 ]
  check_no_junk
}

@test "errors: commands against a stopped container" {
  run --separate-stderr mocker run -d --network none busybox true
  [ "$status" -eq 0 ]
  id=$output
  wait_exited "$id"
  expect_error 125 'mocker: exec -e: invalid environment variable `=y`' exec -e =y "$id" true
  # Docker: the daemon's error, status 1
  expect_error 1 "mocker: container ${id:0:12} is not running" exec "$id" true
  expect_error 1 "mocker: cannot kill container: $id: container ${id:0:12} is not running" kill "$id"
}

@test "errors: rm of a running container, rmi of an image in use: Docker's messages and status 1" {
  run --separate-stderr mocker run -d --network none --name busy busybox sleep 1000
  [ "$status" -eq 0 ]
  id=$output
  expect_error 1 'mocker: cannot remove container "busy": container is running: stop the container before removing or force remove' rm busy
  expect_error 1 "mocker: conflict: unable to remove repository reference \`busybox:latest\` (must force) - container ${id:0:12} is using its referenced image *" rmi busybox
  [ "$(mocker inspect busy | jq -r '.[0].State.Running')" = true ]
  [ "$(image_count)" -eq 1 ]
  mocker rm -f busy > /dev/null
}

@test "errors: a second rm of the same container says it does not exist" {
  run --separate-stderr mocker run -d --network none busybox true
  [ "$status" -eq 0 ]
  id=$output
  wait_exited "$id"
  run --separate-stderr mocker rm "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "$id" ]
  expect_error 1 "mocker: no such container: \`$id\`" rm "$id"
  expect_error 1 "mocker: no such container: \`$id\`" rm -f "$id"
}

@test "errors: concurrent rm of one container: one removes it, the others say it does not exist" {
  run --separate-stderr mocker run -d --network none busybox true
  [ "$status" -eq 0 ]
  id=$output
  wait_exited "$id"
  local d=$MOCKER_TEST_DIR/race i ok=0 gone=0
  mkdir -p "$d"
  for i in 1 2 3 4; do
    ( set +e; mocker rm "$id" > "$d/out.$i" 2> "$d/err.$i"; echo $? > "$d/rc.$i" ) &
  done
  wait
  for i in 1 2 3 4; do
    if [ "$(cat "$d/rc.$i")" = 0 ]; then
      [ "$(cat "$d/out.$i")" = "$id" ]
      ok=$((ok + 1))
    else
      [ "$(cat "$d/err.$i")" = "mocker: no such container: \`$id\`" ] || { cat "$d/err.$i" >&2; false; }
      [ ! -s "$d/out.$i" ]
      gone=$((gone + 1))
    fi
  done
  [ "$ok" -eq 1 ]
  [ "$gone" -eq 3 ]
  [ -z "$(all_ids)" ]
}
