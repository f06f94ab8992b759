# Helpers of differential.bats: the same bundle under runc and under
# mocker-runtime, what the container sees normalized and compared.
#
#   diff_run NAME BUNDLE [EXIT]   runs the probe under both (`run`), outputs in
#                                 $RT_TMP/NAME.runc and $RT_TMP/NAME.mocker
#   diff_exec NAME BUNDLE         the same through `exec` into a running container
#   diff_check NAME               fails with a unified diff when they differ
#
# What legitimately differs is normalized away: the container id, the test's
# temp dir, namespace inodes (host's or new), the cgroup's own name (runc
# names it after the id, mocker-runtime "mocker-ID").  Known, documented
# differences (docs/runtime.md "Differences from runc") are in
# differential.known: "SECTION<TAB>ERE<TAB>reason", the lines of SECTION
# matching ERE are dropped from both sides.

DIFF_PROBE=$MOCKER_TOP/tests/runtime/differential_probe.sh
DIFF_KNOWN=$MOCKER_TOP/tests/runtime/differential.known

# runc with a private state root; its containers are deleted in diff_teardown.
diff_runc() {
  runc --root "$RT_TMP/runc-root" "$@"
}

diff_setup() {
  command -v runc > /dev/null || skip "runc is not installed (tests/deps.sh)"
  rt_setup
  : > "$RT_TMP/runc-ids"
}

diff_teardown() {
  local id
  if [ -n "${RT_TMP:-}" ] && [ -f "$RT_TMP/runc-ids" ]; then
    while read -r id; do
      [ -n "$id" ] || continue
      diff_runc delete --force "$id" > /dev/null 2>&1
      for d in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/"$id" /sys/fs/cgroup/memory/*/*/"$id"; do
        [ -d "$d" ] && rmdir "$d" 2> /dev/null
      done
    done < "$RT_TMP/runc-ids"
  fi
  [ -n "${DIFF_KEEP:-}" ] && cp "$RT_TMP"/*.{runc,mocker,err} "$DIFF_KEEP"/ 2>/dev/null
  rt_teardown
}

diff_runc_id() {
  local id="rc${BATS_TEST_NUMBER:-0}-$$-$RANDOM$RANDOM"
  echo "$id" >> "$RT_TMP/runc-ids"
  echo "$id"
}

# diff_set_probe BUNDLE [EXIT]: process.args = the probe, exiting EXIT.
diff_set_probe() {
  rt_args "$1" sh -c "$(cat "$DIFF_PROBE")" probe "${2:-0}"
}

# diff_normalize ID: stdin to stdout, with what legitimately differs replaced.
diff_normalize() {
  local id=$1 n
  local sed_args=(-e "s|mocker-$id|ID|g" -e "s|$id|ID|g" -e "s|$RT_TMP|TMP|g")
  # Namespaces: the host's (the runtimes run in the same ones as this shell) or new.
  for n in /proc/self/ns/*; do
    sed_args+=(-e "s|^${n##*/}:\\[$(readlink "$n" | tr -dc 0-9)\\]\$|${n##*/} host|")
  done
  sed_args+=(-e 's|^\([a-z_]*\):\[[0-9]*\]$|\1 new|')
  sed_args+=(-e 's/\(pipe\|socket\):\[[0-9]*\]/\1/')
  # A cgroup path: only its last component (runc nests the memory one under
  # the caller's, mocker-runtime does not; see docs/runtime.md).
  sed_args+=(-e 's|^\([0-9]*:[^:]*:\)/.*/ID$|\1/ID|')
  sed "${sed_args[@]}"
}

# diff_save NAME RUNTIME ID STATUS OUTFILE: appends the exit status, normalizes.
diff_save() {
  local name=$1 which=$2 id=$3 status=$4 out=$5
  # stderr (the runtimes' own messages differ in form) is not compared.
  { cat "$out"; echo "== exit"; echo "$status"; } | diff_normalize "$id" > "$RT_TMP/$name.$which"
}

diff_run() {
  local name=$1 b=$2 exit=${3:-0} id status
  diff_set_probe "$b" "$exit"
  id=$(diff_runc_id)
  status=0
  diff_runc run -b "$b" "$id" > "$RT_TMP/$name.runc.raw" 2> "$RT_TMP/$name.runc.err" < /dev/null 3>&- || status=$?
  diff_save "$name" runc "$id" "$status" "$RT_TMP/$name.runc.raw"
  diff_runc delete --force "$id" > /dev/null 2>&1 || true
  id=$(rt_id)
  status=0
  rt run -b "$b" "$id" > "$RT_TMP/$name.mocker.raw" 2> "$RT_TMP/$name.mocker.err" < /dev/null 3>&- || status=$?
  diff_save "$name" mocker "$id" "$status" "$RT_TMP/$name.mocker.raw"
}

# diff_run_tty NAME BUNDLE: diff_run on a pty of its own (tests/helpers/onpty.py),
# for process.terminal; the pty's "\r" are dropped.
diff_run_tty() {
  local name=$1 b=$2 id status onpty=$MOCKER_TOP/tests/helpers/onpty.py
  diff_set_probe "$b" 0
  id=$(diff_runc_id)
  status=0
  "$onpty" '' runc --root "$RT_TMP/runc-root" run -b "$b" "$id" 3>&- |
    tr -d '\r' > "$RT_TMP/$name.runc.raw" || status=$?
  diff_save "$name" runc "$id" "$status" "$RT_TMP/$name.runc.raw"
  diff_runc delete --force "$id" > /dev/null 2>&1 || true
  id=$(rt_id)
  status=0
  "$onpty" '' "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$b" "$id" 3>&- |
    tr -d '\r' > "$RT_TMP/$name.mocker.raw" || status=$?
  diff_save "$name" mocker "$id" "$status" "$RT_TMP/$name.mocker.raw"
}

# diff_exec NAME BUNDLE [EXEC OPTIONS...]: the probe run by `exec` in a
# container whose own process sleeps.  With -t among the options, exec runs
# on a pty of its own (tests/helpers/onpty.py), its "\r" dropped.
diff_exec() {
  local name=$1 b=$2 id status wrap=() o
  shift 2
  for o in "$@"; do
    [ "$o" = -t ] && wrap=("$MOCKER_TOP/tests/helpers/onpty.py" '')
  done
  rt_args "$b" sleep 1000
  local probe
  probe=$(cat "$DIFF_PROBE")
  id=$(diff_runc_id)
  diff_runc run -d -b "$b" "$id" > /dev/null 2>&1 < /dev/null 3>&-
  status=0
  "${wrap[@]}" runc --root "$RT_TMP/runc-root" exec "$@" "$id" sh -c "$probe" probe 0 \
    2> "$RT_TMP/$name.runc.err" < /dev/null 3>&- | tr -d '\r' > "$RT_TMP/$name.runc.raw" ||
    status=$?
  diff_save "$name" runc "$id" "$status" "$RT_TMP/$name.runc.raw"
  diff_runc delete --force "$id" > /dev/null 2>&1 || true
  id=$(rt_id)
  rt run -d -b "$b" "$id" > /dev/null 2>&1 < /dev/null 3>&-
  status=0
  "${wrap[@]}" "$MOCKER_RUNTIME" --root "$RT_ROOT" exec "$@" "$id" sh -c "$probe" probe 0 \
    2> "$RT_TMP/$name.mocker.err" < /dev/null 3>&- | tr -d '\r' > "$RT_TMP/$name.mocker.raw" ||
    status=$?
  diff_save "$name" mocker "$id" "$status" "$RT_TMP/$name.mocker.raw"
  rt delete --force "$id" > /dev/null 2>&1 || true
}

# diff_filter_known NAME FILE: FILE without the known differences' lines.
diff_filter_known() {
  local name=$1 file=$2
  awk -F '\t' -v known="$DIFF_KNOWN" -v variant="$name" '
    BEGIN {
      while ((getline line < known) > 0) {
        if (line ~ /^#/ || line == "") continue
        split(line, f, "\t")
        # f[1]: VARIANT/SECTION or */SECTION
        n++; kv[n] = f[1]; kre[n] = f[2]
      }
    }
    /^== / { section = substr($0, 4) }
    {
      for (i = 1; i <= n; i++) {
        split(kv[i], vs, "/")
        if ((vs[1] == "*" || vs[1] == variant) && vs[2] == section && $0 ~ kre[i] && $0 !~ /^== /) next
      }
      print
    }' "$file"
}

diff_check() {
  local name=$1
  diff -u --label "runc ($name)" --label "mocker-runtime ($name)" \
    <(diff_filter_known "$name" "$RT_TMP/$name.runc") \
    <(diff_filter_known "$name" "$RT_TMP/$name.mocker")
}
