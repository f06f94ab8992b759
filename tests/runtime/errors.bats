#!/usr/bin/env bats
# Bad input to mocker-runtime: one clear line on stderr naming what was wrong,
# nothing on stdout, exit status 1, and nothing left behind (rt_teardown checks
# the state root, cgroups and mounts of every id used here).

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

# expect_error PATTERN CMD...: CMD fails with status 1, stdout empty, and
# exactly one stderr line that matches the glob PATTERN.
expect_error() {
  local pattern=$1
  shift
  "$@" >"$RT_TMP/out" 2>"$RT_TMP/err" </dev/null && { echo "succeeded: $*" >&2; return 1; }
  local status=$?
  [ "$status" -eq 1 ] || { echo "status $status: $*" >&2; return 1; }
  [ ! -s "$RT_TMP/out" ] || { echo "stdout: $(cat "$RT_TMP/out")" >&2; return 1; }
  [ "$(wc -l < "$RT_TMP/err")" -eq 1 ] || { echo "stderr: $(cat "$RT_TMP/err")" >&2; return 1; }
  local line
  line=$(cat "$RT_TMP/err")
  [[ $line == $pattern ]] || { echo "stderr: $line (expected $pattern)" >&2; return 1; }
}

@test "errors: global options are named once, without a doubled prefix" {
  expect_error 'mocker-runtime: unknown option `--bogus`' rt --bogus list
  expect_error 'mocker-runtime: option `--root` needs a value' "$MOCKER_RUNTIME" --root
  expect_error 'mocker-runtime: option `--root` needs a value' "$MOCKER_RUNTIME" --root= list
  expect_error 'mocker-runtime: unknown command `bogus`' rt bogus
  expect_error 'mocker-runtime: --log-format: expected text or json, not `xml`' rt --log-format xml list
}

@test "errors: command options and arguments" {
  expect_error 'mocker-runtime: create: missing argument;*' rt create
  expect_error 'mocker-runtime: create: option `-b` needs a value' rt create -b
  expect_error 'mocker-runtime: create: unknown option `--bogus`' rt create --bogus x
  expect_error 'mocker-runtime: create: too many arguments;*' rt create x y
  expect_error 'mocker-runtime: list: too many arguments;*' rt list extra
  expect_error 'mocker-runtime: kill: missing argument;*' rt kill
}

@test "errors: invalid ids are refused before anything is made" {
  b=$(rt_bundle)
  expect_error 'mocker-runtime: invalid container id: empty' rt create -b "$b" ''
  expect_error 'mocker-runtime: invalid container id `..`*' rt create -b "$b" ..
  expect_error 'mocker-runtime: invalid container id `a/b`*' rt create -b "$b" a/b
  expect_error 'mocker-runtime: invalid container id: longer than*' rt create -b "$b" "$(printf 'a%.0s' {1..300})"
  [ ! -e "$RT_ROOT" ] || [ -z "$(ls -A "$RT_ROOT")" ]
}

@test "errors: an unknown id is named by every command that takes one" {
  id=$(rt_id)
  for cmd in state start kill delete pause resume ps events update; do
    expect_error "mocker-runtime: container does not exist: \`$id\`" rt $cmd "$id"
  done
  expect_error "mocker-runtime: container does not exist: \`$id\`" rt exec "$id" true
}

@test "errors: bad bundles and config.json name the file and the JSON path" {
  id=$(rt_id)
  expect_error 'mocker-runtime: bundle `/nonexistent-qa`: No such file or directory' \
    rt create -b /nonexistent-qa "$id"
  b=$(rt_bundle)
  rm "$b/config.json"
  expect_error "mocker-runtime: open \`$b/config.json\`: No such file or directory" rt create -b "$b" "$id"
  mkdir "$b/config.json"
  expect_error "mocker-runtime: read \`$b/config.json\`: Is a directory" rt create -b "$b" "$id"
  rmdir "$b/config.json"
  head -c 100 "$MOCKER_TOP/bundles/busybox/config.json" > "$b/config.json"
  expect_error "mocker-runtime: $b/config.json: invalid JSON at line *" rt create -b "$b" "$id"
  b=$(rt_bundle)
  rt_config "$b" '.process.args = "sh"'
  expect_error "mocker-runtime: $b/config.json: process.args: expected an array of strings" rt create -b "$b" "$id"
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.memory.limit = "big"'
  expect_error "mocker-runtime: $b/config.json: linux.resources.memory.limit: must be an integer" rt create -b "$b" "$id"
  b=$(rt_bundle)
  rt_config "$b" '.process.cwd = "relative"'
  expect_error "mocker-runtime: $b/config.json: process.cwd: must be an absolute path*" rt create -b "$b" "$id"
  b=$(rt_bundle)
  rt_config "$b" '.root.path = "nonexist"'
  expect_error "mocker-runtime: root.path: \`$b/nonexist\`: No such file or directory" rt create -b "$b" "$id"
}

@test "errors: a prestart hook that cannot be executed is one line, and nothing is left" {
  id=$(rt_id)
  b=$(rt_bundle)
  rt_config "$b" '.hooks.prestart = [{"path": "/nonexistent-hook"}]'
  expect_error 'mocker-runtime: prestart hook `/nonexistent-hook`: exec: No such file or directory' \
    rt create -b "$b" "$id"
  [ ! -e "$RT_ROOT/$id" ]
}

@test "errors: an escaping cgroupsPath is one line, and nothing is left" {
  id=$(rt_id)
  b=$(rt_bundle)
  rt_config "$b" '.linux.cgroupsPath = "/../../etc"'
  expect_error 'mocker-runtime: cgroup: invalid cgroup path "/../../etc"' rt create -b "$b" "$id"
  [ ! -e "$RT_ROOT/$id" ]
}

@test "errors: a create killed halfway leaves an id that can be created again" {
  id=$(rt_id)
  b=$(rt_bundle)
  # The prestart hook keeps create busy long enough to be killed in the middle.
  rt_config "$b" '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > '"$RT_TMP"'/hook.pid; touch '"$RT_TMP"'/hook-ran; exec sleep 30"]}]'
  "$MOCKER_RUNTIME" --root "$RT_ROOT" create -b "$b" "$id" >/dev/null 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 200); do [ -e "$RT_TMP/hook-ran" ] && break; sleep 0.05; done
  [ -e "$RT_TMP/hook-ran" ]
  kill -9 "$pid"
  wait "$pid" || true
  kill -9 "$(cat "$RT_TMP/hook.pid")"  # the hook outlives its runtime
  expect_error "mocker-runtime: container does not exist: \`$id\`" rt state "$id"
  rt list -q > "$RT_TMP/list"
  ! grep -qx "$id" "$RT_TMP/list" || false
  # delete clears what the killed create left (state dir, cgroup, waiting init).
  expect_error "mocker-runtime: container does not exist: \`$id\`" rt delete "$id"
  [ ! -e "$RT_ROOT/$id" ]
  for d in /sys/fs/cgroup/*/mocker-"$id" /sys/fs/cgroup/mocker-"$id"; do [ ! -d "$d" ]; done
  b=$(rt_bundle)
  rt_args "$b" true
  # (not `run`: the created init keeps a captured stdout open)
  rt create -b "$b" "$id" </dev/null >/dev/null
  [ "$(rt_status "$id")" = created ]
  run rt delete --force "$id"
  [ "$status" -eq 0 ]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "errors: a second delete of the same id says it does not exist" {
  id=$(rt_id)
  b=$(rt_bundle)
  rt_args "$b" true
  rt create -b "$b" "$id" </dev/null >/dev/null
  run rt delete --force "$id"
  [ "$status" -eq 0 ]
  expect_error "mocker-runtime: container does not exist: \`$id\`" rt delete "$id"
  run rt delete --force "$id"
  [ "$status" -eq 0 ]
}

@test "errors: concurrent deletes of one stopped container: one succeeds, the others say it does not exist" {
  id=$(rt_id)
  b=$(rt_bundle)
  rt_args "$b" true
  rt create -b "$b" "$id" </dev/null >/dev/null
  rt start "$id"
  for _ in $(seq 200); do [ "$(rt_status "$id")" = stopped ] && break; sleep 0.05; done
  [ "$(rt_status "$id")" = stopped ]
  for i in 1 2 3 4; do
    ( set +e; rt delete "$id" > "$RT_TMP/out.$i" 2> "$RT_TMP/err.$i"; echo $? > "$RT_TMP/rc.$i" ) &
  done
  wait
  local ok=0 gone=0
  for i in 1 2 3 4; do
    [ ! -s "$RT_TMP/out.$i" ]
    if [ "$(cat "$RT_TMP/rc.$i")" = 0 ]; then
      [ ! -s "$RT_TMP/err.$i" ]
      ok=$((ok + 1))
    else
      [ "$(cat "$RT_TMP/err.$i")" = "mocker-runtime: container does not exist: \`$id\`" ]
      gone=$((gone + 1))
    fi
  done
  [ "$ok" -eq 1 ]
  [ "$gone" -eq 3 ]
  [ ! -e "$RT_ROOT/$id" ]
}
