#!/usr/bin/env bats
# linux.resources.devices: the device cgroup policy.
#
# On this hybrid host the v1 devices controller is there, so the runtime
# writes devices.allow/devices.deny (the v1 path); on a pure cgroup v2 host
# (make check-v2 runs this file in its VM) it attaches a
# BPF_PROG_TYPE_CGROUP_DEVICE program.  The behaviour tests run on both and
# must give the same answers; the tests about the program itself are v2 only.
#
# The probe device is /dev/kmsg (c 1:11): writing a line to it is harmless,
# it exists on every kernel, and it is not one of the default devices.  The
# container makes the node itself with mknod (it keeps CAP_MKNOD, as with
# Docker) on its /dev tmpfs, which is not nodev.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

is_v2() { [ -e /sys/fs/cgroup/cgroup.controllers ]; }

progs() { "${MOCKER_HELPERS:-$MOCKER_TOP/build/tests/helpers}/cgroup-device-progs" "$@"; }

# dev_bundle RULES-JSON: a bundle with CAP_MKNOD and these device rules.
dev_bundle() {
  local b
  b=$(rt_bundle)
  rt_config "$b" '.linux.resources.devices = $r
    | .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' --argjson r "$1"
  echo "$b"
}

# The probe: mknod the host's /dev/kmsg, write a line to it.
probe='mknod /dev/probe c 1 11 && echo mknod-ok; echo "<7>mocker devices test" > /dev/probe && echo write-ok'

deny_all='{"allow": false, "access": "rwm"}'
allow_kmsg_w='{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}'

# run_probe RULES-JSON: runs the probe in a container with those rules.
run_probe() {
  local b
  b=$(dev_bundle "$1")
  rt_args "$b" sh -c "$probe"
  run rt run -b "$b" "$(rt_id)"
  echo "rules $1: $output"
}

@test "devices: deny-all: a mknod'ed host device cannot be opened, the default devices can" {
  b=$(dev_bundle "[$deny_all]")
  rt_args "$b" sh -c "$probe"'
    for d in null zero full random urandom; do
      head -c 1 /dev/$d > /dev/null && : > /dev/$d && echo "$d-ok"
    done
    exec 3<> /dev/ptmx && echo ptmx-ok
    (exec 4<> /dev/tty) 2> /tmp/tty.err; grep -q "not permitted" /tmp/tty.err || echo tty-not-denied'
  run rt run -b "$b" "$(rt_id)"
  echo "$output"
  [[ $output == *mknod-ok* ]]
  [[ $output == *"Operation not permitted"* ]]
  [[ $output != *write-ok* ]]
  for d in null zero full random urandom ptmx; do [[ $output == *"$d-ok"* ]]; done
  [[ $output == *tty-not-denied* ]]
}

@test "devices: an allow rule opens a device; later rules override earlier ones" {
  # The control: allowed, the same probe writes (so the denials below are
  # the policy, not the file system).
  run_probe "[$deny_all, $allow_kmsg_w]"
  [[ $output == *write-ok* ]]
  # A later deny of the same access wins over the allow.
  run_probe "[$deny_all, $allow_kmsg_w, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]"
  [[ $output == *mknod-ok* && $output != *write-ok* ]]
  # As in the v1 kernel, a deny only takes back an allow of the same numbers:
  # "c 1:* rw" leaves "c 1:11 w" alone (runc agrees on v1 and v2).
  run_probe "[$deny_all, $allow_kmsg_w, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}]"
  [[ $output == *write-ok* ]]
  # ... and a later allow over a deny.
  run_probe "[$deny_all, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11}, $allow_kmsg_w]"
  [[ $output == *write-ok* ]]
  # Wildcard minor; wildcard type.
  run_probe "[$deny_all, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}]"
  [[ $output == *write-ok* ]]
  run_probe "[$deny_all, {\"allow\": true, \"major\": 1, \"minor\": 11, \"access\": \"w\"}]"
  [[ $output == *write-ok* ]]
  # Wrong type, wrong access: denied.
  run_probe "[$deny_all, {\"allow\": true, \"type\": \"b\", \"major\": 1, \"minor\": 11}]"
  [[ $output == *mknod-ok* && $output != *write-ok* ]]
  run_probe "[$deny_all, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"r\"}]"
  [[ $output == *mknod-ok* && $output != *write-ok* ]]
}

@test "devices: the same rules give the same answers as runc" {
  command -v runc > /dev/null || skip "runc is not installed"
  local rules
  for rules in "[$deny_all]" "[$deny_all, $allow_kmsg_w]" \
               "[$deny_all, $allow_kmsg_w, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"rw\"}]" \
               "[$deny_all, $allow_kmsg_w, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}]" \
               "[{\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]" \
               "[$deny_all, $allow_kmsg_w, {\"allow\": true, \"type\": \"a\", \"major\": 4, \"minor\": 4, \"access\": \"r\"}]" \
               "[$deny_all, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"r\"}]"; do
    b=$(dev_bundle "$rules")
    rt_args "$b" sh -c "$probe"
    ours=$(rt run -b "$b" "$(rt_id)" 2>&1 | grep -o -e mknod-ok -e write-ok -e 'not permitted' | sort | tr '\n' ' ')
    rid=runc-$(rt_id)
    theirs=$(runc --root "$RT_TMP/runc" run -b "$b" "$rid" 2>&1 | grep -o -e mknod-ok -e write-ok -e 'not permitted' | sort | tr '\n' ' ')
    runc --root "$RT_TMP/runc" delete --force "$rid" > /dev/null 2>&1 || true
    echo "rules $rules: mocker-runtime [$ours] runc [$theirs]"
    [ -n "$ours" ]
    [ "$ours" = "$theirs" ]
  done
}

@test "devices: v2: one device program, replaced by update" {
  is_v2 || skip "pure cgroup v2 only (this host has the v1 devices controller: devices.allow/deny are used; make check-v2)"
  b=$(dev_bundle "[$deny_all]")
  rt_args "$b" sleep 100
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  rt start "$id"
  cg=/sys/fs/cgroup/mocker-$id
  [ "$(progs "$cg")" = "1 multi" ]
  run rt exec "$id" sh -c "$probe"
  echo "$output"
  [[ $output == *mknod-ok* && $output != *write-ok* ]]
  # A new policy: the old program is detached, not kept beside the new one.
  echo "{\"devices\": [$deny_all, $allow_kmsg_w]}" > "$RT_TMP/res.json"
  rt update -r "$RT_TMP/res.json" "$id"
  [ "$(progs "$cg")" = "1 multi" ]
  run rt exec "$id" sh -c 'rm -f /dev/probe; '"$probe"
  echo "$output"
  [[ $output == *write-ok* ]]
  # An update without device rules leaves the policy alone.
  rt update --pids-limit 50 "$id"
  [ "$(progs "$cg")" = "1 multi" ]
  run rt exec "$id" sh -c 'rm -f /dev/probe; '"$probe"
  [[ $output == *write-ok* ]]
  rt delete --force "$id"
}

@test "devices: v2: a program another manager attached without BPF_F_ALLOW_MULTI is replaced" {
  is_v2 || skip "pure cgroup v2 only (this host has the v1 devices controller: devices.allow/deny are used; make check-v2)"
  b=$(dev_bundle "[]")
  rt_config "$b" 'del(.linux.resources.devices)'
  rt_args "$b" sleep 100
  id=$(rt_id)
  rt create -b "$b" "$id" < /dev/null > /dev/null
  rt start "$id"
  cg=/sys/fs/cgroup/mocker-$id
  # No rules, no program (as a v1 group inheriting its parent's list).
  [ "$(progs "$cg")" = "0 single" ]
  progs --attach-single "$cg"
  [ "$(progs "$cg")" = "1 single" ]
  echo "{\"devices\": [$deny_all]}" > "$RT_TMP/res.json"
  run rt update -r "$RT_TMP/res.json" "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(progs "$cg")" = "1 single" ]
  run rt exec "$id" sh -c "$probe"
  echo "$output"
  [[ $output == *mknod-ok* && $output != *write-ok* ]]
  rt delete --force "$id"
}

@test "devices: a device number out of range is an error" {
  b=$(dev_bundle "[$deny_all, {\"allow\": true, \"type\": \"c\", \"major\": 4294967296, \"minor\": 1}]")
  rt_args "$b" true
  id=$(rt_id)
  run rt run -b "$b" "$id"
  echo "$output"
  [ "$status" -ne 0 ]
  # v1: the kernel refuses the devices.allow line; v2: the runtime names the rule.
  if is_v2; then
    [[ $output == *"linux.resources.devices[1].major"* ]]
  else
    [[ $output == *devices.allow* ]]
  fi
}
