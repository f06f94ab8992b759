# Shared setup for the runtime's bats suites.  In a .bats file:
#
#   load helpers
#   setup()    { rt_setup; }
#   teardown() { rt_teardown; }
#
#   @test "..." {
#     b=$(rt_bundle)                        # private copy of bundles/busybox
#     rt_args "$b" sh -c 'echo hi'          # set process.args
#     rt_config "$b" '.hostname = "x"'      # any jq edit of config.json
#     id=$(rt_id)                           # unique id, cleaned up by rt_teardown
#     run rt run -b "$b" "$id"              # the runtime with this test's --root
#   }
#
# Every test gets its own temp dir ($RT_TMP) and state root ($RT_ROOT);
# rt_teardown force-deletes what is left, then fails the test if a state dir,
# a cgroup or a mount under $RT_TMP remains, or if /dev/null was damaged.

: "${MOCKER_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MOCKER_RUNTIME:=$MOCKER_TOP/build/bin/mocker-runtime}"

# Creates $RT_TMP and $RT_ROOT for one test.
rt_setup() {
  RT_TMP=$(mktemp -d /tmp/mocker-rt.XXXXXX)
  chmod 755 "$RT_TMP"  # a user namespace's root (an unprivileged host uid) must reach bundles
  RT_ROOT=$RT_TMP/state
  export RT_TMP RT_ROOT
  : > "$RT_TMP/ids"
  [ -x "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
}

# The runtime with this test's private state root.
rt() {
  "$MOCKER_RUNTIME" --root "$RT_ROOT" "$@"
}

# A unique container id (remembered for the leftover checks).
rt_id() {
  local id="t${BATS_TEST_NUMBER:-0}-$$-$RANDOM$RANDOM"
  echo "$id" >> "$RT_TMP/ids"
  echo "$id"
}

# rt_bundle [NAME]: copies bundles/NAME (default busybox) into $RT_TMP, prints its path.
rt_bundle() {
  local name=${1:-busybox} dst
  dst=$(mktemp -d "$RT_TMP/bundle-$name.XXXX")
  cp -a "$MOCKER_TOP/bundles/$name/." "$dst/"
  echo "$dst"
}

# rt_config BUNDLE FILTER [jq options, e.g. --arg k v]: edits BUNDLE/config.json with jq.
rt_config() {
  local b=$1 filter=$2
  shift 2
  jq "$@" "$filter" "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# rt_args BUNDLE ARG...: sets process.args.
rt_args() {
  local b=$1
  shift
  # One --arg per word: jq would take words like "-c" for its own options.
  local i=0 filter='.process.args = [' jqargs=()
  for a in "$@"; do
    jqargs+=(--arg "a$i" "$a")
    filter+="\$a$i,"
    i=$((i + 1))
  done
  rt_config "$b" "${filter%,}]" "${jqargs[@]}"
}

# rt_status ID: the status field of `state`.
rt_status() {
  rt state "$1" | jq -r .status
}

# Fails (prints why) when anything of the test's containers is left.
rt_check_leftovers() {
  local bad=0 id
  # (.seccomp-cache: compiled seccomp profiles, kept on purpose, see seccomp_bpf.h)
  if [ -d "$RT_ROOT" ] && [ -n "$(ls -A "$RT_ROOT" | grep -vx .seccomp-cache)" ]; then
    echo "leftover state: $(ls -A "$RT_ROOT")" >&2
    bad=1
  fi
  while read -r id; do
    [ -n "$id" ] || continue
    for d in /sys/fs/cgroup/*/mocker-"$id" /sys/fs/cgroup/mocker-"$id"; do
      if [ -d "$d" ]; then
        echo "leftover cgroup: $d" >&2
        bad=1
      fi
    done
  done < "$RT_TMP/ids"
  if grep -q " $RT_TMP" /proc/self/mountinfo; then
    echo "leftover mounts: $(grep " $RT_TMP" /proc/self/mountinfo)" >&2
    bad=1
  fi
  if [ "$(stat -c '%t,%T %U %a' /dev/null)" != "1,3 root 666" ]; then
    echo "/dev/null damaged: $(stat -c '%t,%T %U %a' /dev/null)" >&2
    bad=1
  fi
  return $bad
}

# Force-deletes the test's containers, checks for leftovers, removes $RT_TMP.
rt_teardown() {
  [ -n "${RT_TMP:-}" ] && [ -d "$RT_TMP" ] || return 0
  local id status=0
  while read -r id; do
    [ -n "$id" ] && rt delete --force "$id" >/dev/null 2>&1
  done < "$RT_TMP/ids"
  rt_check_leftovers || status=1
  rm -rf --one-file-system "$RT_TMP"
  return $status
}
