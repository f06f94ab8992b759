#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# `mocker run`'s default seccomp profile (mocker/bundle/seccomp_profile.c): Docker's
# allowlist, capability-gated groups, clone/clone3/personality/socket rules.
# The probes are tests/helpers/sysprobe (one "name=ok|ERRNO" line each),
# bind-mounted read-only at /h.

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
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

# probe [RUN OPTIONS...] -- PROBES...
probe() {
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  mocker run --rm --network none -v "$MOCKER_HELPERS:/h:ro" "${opts[@]}" busybox /h/sysprobe "$@"
}

@test "seccomp: the default profile is an allowlist with errno EPERM, emitted in config.json" {
  id=$(mocker run -d --network none busybox true)
  cfg=$MOCKER_ROOT/containers/$id/bundle/config.json
  [ "$(jq -r .linux.seccomp.defaultAction "$cfg")" = SCMP_ACT_ERRNO ]
  [ "$(jq -r .linux.seccomp.defaultErrnoRet "$cfg")" = 1 ]
  [ "$(jq -c .linux.seccomp.architectures "$cfg")" = '["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]' ]
  # nothing but allow rules, and clone3's ENOSYS
  [ "$(jq -r '[.linux.seccomp.syscalls[] | select(.action != "SCMP_ACT_ALLOW") | .names[]] | join(",")' "$cfg")" = clone3 ]
  jq -e '[.linux.seccomp.syscalls[].names[]] | index("read") and index("execve")' "$cfg" >/dev/null
  ! jq -e '[.linux.seccomp.syscalls[].names[]] | index("io_uring_setup") or index("kexec_load") or index("mount") or index("unshare")' "$cfg" >/dev/null
}

@test "seccomp: ordinary commands work, kernel interfaces outside the list fail with EPERM" {
  run mocker run --rm --network none busybox sh -c 'mkdir /tmp/d && echo hi > /tmp/d/f && cat /tmp/d/f && ls /tmp/d && ps >/dev/null && date >/dev/null && echo done'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = hi ]
  [ "${lines[-1]}" = done ]
  run probe -- kexec_load open_by_handle_at io_uring_setup kcmp socket_vsock socket_inet mkdir:/tmp/x nr:500
  [ "$status" -eq 0 ]
  [ "$output" = "kexec_load=EPERM
open_by_handle_at=EPERM
io_uring_setup=EPERM
kcmp=EPERM
socket_vsock=EPERM
socket_inet=ok
mkdir=ok
nr=EPERM" ]
}

@test "seccomp: no namespaces without CAP_SYS_ADMIN: clone flags refused, clone3 ENOSYS, unshare fails" {
  run probe -- clone3 clone_newuser unshare_user
  [ "$status" -eq 0 ]
  [ "$output" = "clone3=ENOSYS
clone_newuser=EPERM
unshare_user=EPERM" ]
  # busybox itself: fork (clone without namespace flags) works, unshare does not
  # (its message on stdout too: two streams relayed apart may come in either order)
  run mocker run --rm --network none busybox sh -c 'echo $(echo sub); unshare -U true 2>&1 || echo refused'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = sub ]
  [[ "$output" == *"Operation not permitted"* ]]
  [ "${lines[-1]}" = refused ]
}

@test "seccomp: personality queries pass, a persona that weakens ASLR is refused" {
  run probe -- personality_query personality_addr_no_randomize
  [ "$status" -eq 0 ]
  [ "$output" = "personality_query=ok
personality_addr_no_randomize=EPERM" ]
}

@test "seccomp: capabilities unlock their syscalls (--cap-add SYS_ADMIN, SYS_PTRACE)" {
  run probe --cap-add SYS_ADMIN --cap-add SYS_PTRACE -- clone3 clone_newuser unshare_user kcmp kexec_load
  [ "$status" -eq 0 ]
  [ "$output" = "clone3=ok
clone_newuser=ok
unshare_user=ok
kcmp=ok
kexec_load=EPERM" ]
}

@test "seccomp: --privileged runs without a filter" {
  run probe --privileged -- io_uring_setup nr:500 personality_addr_no_randomize
  [ "$status" -eq 0 ]
  # the kernel's own answers (no filter): bad arguments, no such syscall
  [ "$output" = "io_uring_setup=EFAULT
nr=ENOSYS
personality_addr_no_randomize=ok" ]
}

@test "seccomp: side by side with podman's default profile" {
  command -v podman >/dev/null || skip "podman is not installed"
  local pm_tmp
  pm_tmp=$(mktemp -d /tmp/mocker-seccomp-podman.XXXXXX)
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    > "$pm_tmp/containers.conf"
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs" "$pm_tmp/rootfs"
  local probes="kexec_load open_by_handle_at kcmp personality_query mkdir:/tmp/x io_uring_setup personality_addr_no_randomize nr:500"
  CONTAINERS_CONF=$pm_tmp/containers.conf run podman --root "$pm_tmp/root" --runroot "$pm_tmp/runroot" \
    --tmpdir "$pm_tmp/tmp" --storage-driver vfs run --rm --network none -v "$MOCKER_HELPERS:/h:ro" \
    --rootfs "$pm_tmp/rootfs" /h/sysprobe $probes
  local pm_status=$status pm_output=$output
  grep -o " $pm_tmp[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$pm_tmp"
  rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
  [ "$pm_status" -eq 0 ]
  run probe -- $probes
  [ "$status" -eq 0 ]
  # The same answers where both profiles name the syscall; podman's default
  # errno is ENOSYS where Docker's (and mocker's) is EPERM: both deny.
  [ "$(echo "$pm_output" | head -5)" = "$(echo "$output" | head -5)" ]
  [ "$(echo "$output" | tail -3)" = "io_uring_setup=EPERM
personality_addr_no_randomize=EPERM
nr=EPERM" ]
  [ "$(echo "$pm_output" | tail -3)" = "io_uring_setup=ENOSYS
personality_addr_no_randomize=ENOSYS
nr=ENOSYS" ]
}
