#!/usr/bin/env bats
# The container's file system view: root, mounts, devices, masked and
# read-only paths, sysctl; and that none of it leaks to the host.

load rootfs_common

setup() { rf_setup; }
teardown() { rf_teardown; }

@test "rootfs: the process sees the bundle's rootfs as /" {
  echo marker-$$ > "$RF_BUNDLE/rootfs/marker"
  rf_run 'cat /marker; test -e /bin/busybox && echo has-busybox'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "marker-$$" ]
  [ "${lines[1]}" = has-busybox ]
}

@test "rootfs: root.readonly refuses writes, mounted tmpfs stays writable" {
  rf_config '.root.readonly = true'
  rf_run 'touch /x 2>&1; echo rc=$?; touch /tmp/y && echo tmp-ok'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  [[ "$output" == *"rc=1"* ]]
  [[ "$output" == *"tmp-ok"* ]]
  [ ! -e "$RF_BUNDLE/rootfs/x" ]
}

@test "rootfs: a writable root is writable" {
  rf_run 'touch /written && echo ok'
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
  [ -e "$RF_BUNDLE/rootfs/written" ]
}

@test "rootfs: masked paths read empty, missing ones are skipped" {
  # Only meaningful for paths that have content on this host.
  [ -s /proc/keys ] || [ -n "$(ls /sys/firmware)" ] || skip "nothing to mask on this host"
  rf_run 'wc -c < /proc/keys; ls -A /sys/firmware | wc -l; wc -c < /proc/timer_list; touch /sys/firmware/x 2>&1 || true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  [[ "${lines[3]}" == *"Read-only file system"* ]]
}

@test "rootfs: masked directories are empty read-only tmpfs; a path through a file is skipped" {
  [ -d /proc/acpi ] && [ -d /sys/firmware ] || skip "no /proc/acpi or /sys/firmware on this host"
  rf_config '.linux.maskedPaths = ["/proc/acpi", "/proc/keys/below", "/sys/firmware", "/proc/none/x"]'
  rf_run 'echo $(ls -A /proc/acpi | wc -l) $(ls -A /sys/firmware | wc -l); touch /proc/acpi/x /sys/firmware/x 2>&1; grep -E " /proc/acpi | /sys/firmware " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 0" ]
  [[ "${lines[1]}" == *"/proc/acpi/x"*"Read-only file system"* ]]
  [[ "${lines[2]}" == *"/sys/firmware/x"*"Read-only file system"* ]]
  [[ "${lines[3]}" == *" /proc/acpi tmpfs ro,nosuid,nodev,noexec"* ]]
  [[ "${lines[4]}" == *" /sys/firmware tmpfs ro,nosuid,nodev,noexec"* ]]
}

@test "rootfs: readonlyPaths refuse writes" {
  rf_run 'echo dom > /proc/sys/kernel/domainname 2>&1; echo rc=$?; grep " /proc/sys " /proc/mounts'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  [[ "${lines[2]}" == *" ro,"* ]]
}

@test "rootfs: proc, tmpfs, devpts, mqueue, sysfs are mounted with their options" {
  rf_run 'cat /proc/mounts'
  [ "$status" -eq 0 ]
  [[ "$output" == *"proc /proc proc "* ]]
  [[ "$output" == *"tmpfs /dev tmpfs rw,nosuid"* ]]
  [[ "$output" == *"devpts /dev/pts devpts rw,nosuid,noexec"*"ptmxmode=666"* ]]
  [[ "$output" == *"shm /dev/shm tmpfs rw,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec"* ]]
  [[ "$output" == *"/sys sysfs ro,nosuid,nodev,noexec"* ]]
}

@test "rootfs: default devices work, /dev links exist" {
  rf_run 'echo x > /dev/null && echo null-ok
          head -c 8 /dev/zero | wc -c
          head -c 16 /dev/urandom | wc -c
          stat -c "%n %t,%T %a" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
          for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = null-ok ]
  [ "${lines[1]}" = 8 ]
  [ "${lines[2]}" = 16 ]
  [ "${lines[3]}" = "/dev/null 1,3 666" ]
  [ "${lines[4]}" = "/dev/zero 1,5 666" ]
  [ "${lines[5]}" = "/dev/full 1,7 666" ]
  [ "${lines[6]}" = "/dev/random 1,8 666" ]
  [ "${lines[7]}" = "/dev/urandom 1,9 666" ]
  [ "${lines[8]}" = "/dev/tty 5,0 666" ]
  [ "${lines[9]}" = "pts/ptmx" ]
  [ "${lines[10]}" = "/proc/self/fd" ]
  [ "${lines[11]}" = "/proc/self/fd/0" ]
  [ "${lines[12]}" = "/proc/self/fd/1" ]
  [ "${lines[13]}" = "/proc/self/fd/2" ]
}

@test "rootfs: linux.devices appear with their type, numbers, mode and owner" {
  rf_config '.linux.devices = [
    {"path": "/dev/mydev", "type": "c", "major": 1, "minor": 7, "fileMode": 384, "uid": 11, "gid": 12},
    {"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200},
    {"path": "/dev/myfifo", "type": "p", "fileMode": 416}]'
  rf_run 'stat -c "%n %F %t,%T %a %u %g" /dev/mydev /dev/net/tun; stat -c "%n %F %a" /dev/myfifo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/mydev character special file 1,7 600 11 12" ]
  [ "${lines[1]}" = "/dev/net/tun character special file a,c8 666 0 0" ]
  [ "${lines[2]}" = "/dev/myfifo fifo 640" ]
}

@test "rootfs: a device bound from the host is never chmod'ed or chown'ed" {
  # A stand-in for a host device node (the real /dev/zero must not be the
  # victim if this ever regresses).
  mknod "$RF_HOST/fakezero" c 1 5
  chmod 644 "$RF_HOST/fakezero"
  rf_config '.mounts += [{"destination": "/dev/zero", "type": "bind", "source": $src, "options": ["bind"]}]
             | .linux.devices = [{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5,
                                  "fileMode": 384, "uid": 7, "gid": 7}]' --arg src "$RF_HOST/fakezero"
  rf_run 'stat -c "%t,%T %a %u" /dev/zero'
  [ "$status" -eq 0 ]
  [ "$output" = "1,5 644 0" ]
  [ "$(stat -c '%t,%T %a %u %g' "$RF_HOST/fakezero")" = "1,5 644 0 0" ]
}

@test "rootfs: a bad linux.devices type is a clear error" {
  rf_config '.linux.devices = [{"path": "/dev/x", "type": "z", "major": 1, "minor": 1}]'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.devices[0].type: unknown device type "z"'* ]]
}

@test "rootfs: a read-only bind mount is read-only inside, the host path untouched" {
  mkdir -p "$RF_HOST/data"
  echo content > "$RF_HOST/data/file"
  rf_config '.mounts += [{"destination": "/data", "type": "bind", "source": $src,
                          "options": ["rbind", "ro", "nosuid", "nodev"]}]' --arg src "$RF_HOST/data"
  rf_run 'cat /data/file; touch /data/new 2>&1; grep " /data " /proc/mounts'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = content ]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [[ "${lines[2]}" == *" ro,nosuid,nodev"* ]]
  [ ! -e "$RF_HOST/data/new" ]
  # Still writable here, and not mounted here.
  touch "$RF_HOST/data/host-write"
  ! grep -q " $RF_HOST/data " /proc/self/mountinfo || false
}

@test "rootfs: rbind with rro makes the submounts read-only too, ro only the top" {
  mkdir -p "$RF_HOST/tree/sub"
  mount -t tmpfs rf-sub "$RF_HOST/tree/sub"
  rf_config '.mounts += [{"destination": "/rro", "type": "bind", "source": $src, "options": ["rbind", "rro"]},
                         {"destination": "/ro", "type": "bind", "source": $src, "options": ["rbind", "ro"]}]' \
    --arg src "$RF_HOST/tree"
  rf_run 'touch /rro/sub/x 2>&1; touch /ro/x 2>&1; touch /ro/sub/y && echo sub-writable'
  umount "$RF_HOST/tree/sub"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [[ "${lines[1]}" == *"Read-only file system"* ]]
  [ "${lines[2]}" = sub-writable ]
}

@test "rootfs: a writable bind of a directory and of a single file" {
  mkdir -p "$RF_HOST/rw"
  echo one > "$RF_HOST/single"
  rf_config '.mounts += [{"destination": "/rw", "type": "bind", "source": $d, "options": ["bind"]},
                         {"destination": "/etc/single", "type": "bind", "source": $f, "options": ["bind", "ro"]}]' \
    --arg d "$RF_HOST/rw" --arg f "$RF_HOST/single"
  rf_run 'echo hello > /rw/out && cat /etc/single && test -f /etc/single && echo is-file'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = one ]
  [ "${lines[1]}" = is-file ]
  [ "$(cat "$RF_HOST/rw/out")" = hello ]
}

@test "rootfs: a symlink in the rootfs cannot point a mount at a host path" {
  mkdir -p "$RF_HOST/target"
  ln -sfn "$RF_HOST/target" "$RF_BUNDLE/rootfs/evil"
  ln -sfn "../../../../../../../../$RF_HOST/target" "$RF_BUNDLE/rootfs/evil2"
  rf_config '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"},
                         {"destination": "/evil2", "type": "tmpfs", "source": "tmpfs"}]'
  rf_run "grep -c 'tmpfs $RF_HOST/target' /proc/mounts"
  [ "$status" -eq 0 ]
  # The mounts landed inside the container, at the link's target there...
  [ "$output" = 2 ]
  # ...and nothing was created or mounted at the host path.
  [ -z "$(ls -A "$RF_HOST/target")" ]
  ! grep -q " $RF_HOST/target" /proc/self/mountinfo || false
}

cgroup_mount_checks() {
  [ "$status" -eq 0 ]
  [[ "$output" == *" /sys/fs/cgroup "*" ro,"* ]]
  [[ "$output" == *refused* ]]
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    [[ "$output" == *"cgroup2 /sys/fs/cgroup cgroup2 ro"* ]]
  else
    [[ "$output" == *" /sys/fs/cgroup/memory cgroup ro,"* ]]
    # The container's own cgroup, not the host's root: only its process.
    [ "${lines[-1]}" = 1 ]
  fi
}

cgroup_mount_script='grep " /sys/fs/cgroup" /proc/mounts
  mkdir /sys/fs/cgroup/x 2>/dev/null || echo refused
  if [ -d /sys/fs/cgroup/pids ]; then cat /sys/fs/cgroup/pids/cgroup.procs; fi'

@test "rootfs: the cgroup mount shows the container's cgroups, read-only" {
  rf_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                          "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
  rf_run "$cgroup_mount_script"
  cgroup_mount_checks
}

@test "rootfs: the cgroup mount in a cgroup namespace" {
  rf_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                          "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]
             | .linux.namespaces += [{"type": "cgroup"}]'
  rf_run "$cgroup_mount_script"
  cgroup_mount_checks
}

@test "rootfs: linux.sysctl is applied inside the container's namespaces only" {
  host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
  want=$((1 - host_fwd))
  host_sc=$(cat /proc/sys/net/ipv4/tcp_syncookies)
  want_sc=$(( host_sc == 1 ? 2 : 1 ))
  rf_config '.linux.sysctl = {"net.ipv4.ip_forward": $v, "kernel.shmmni": "1234",
                              "net/ipv4/tcp_syncookies": $sc}' --arg v "$want" --arg sc "$want_sc"
  rf_run 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/net/ipv4/tcp_syncookies'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$want" ]
  [ "${lines[1]}" = 1234 ]
  [ "${lines[2]}" = "$want_sc" ]
  [ "$(cat /proc/sys/net/ipv4/tcp_syncookies)" = "$host_sc" ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
  [ "$(cat /proc/sys/kernel/shmmni)" != 1234 ]
}

@test "rootfs: a sysctl that would change the host is refused" {
  rf_config '.linux.sysctl = {"vm.swappiness": "1"}'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.sysctl: "vm.swappiness" is not namespaced'* ]]
  rf_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'"net.ipv4.ip_forward" needs a network namespace'* ]]
}

@test "rootfs: mounts happen in config order (a later mount covers an earlier one)" {
  rf_config '.mounts += [{"destination": "/stack", "type": "tmpfs", "source": "first", "options": ["size=1m"]},
                         {"destination": "/stack", "type": "tmpfs", "source": "second", "options": ["size=2m"]}]'
  rf_run 'df -k /stack | tail -1'
  [ "$status" -eq 0 ]
  # The size is the second mount's (busybox df names the first source).
  [ "$(echo "$output" | awk '{print $2}')" = 2048 ]
}

@test "rootfs: an unknown mount option goes to the file system as data" {
  rf_config '.mounts += [{"destination": "/opt", "type": "tmpfs", "source": "tmpfs", "options": ["nosuchoption=1"]}]'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'mounts[7] (/opt): mount tmpfs on `/opt`: Invalid argument'* ]]
}

@test "rootfs: --no-pivot moves the rootfs over / and chroots" {
  rf_config '.root.readonly = true'
  rt_args "$RF_BUNDLE" sh -c 'touch /x 2>&1; test -e /bin/busybox && echo has-busybox'
  # The container's output goes to a file: a pipe would stay open until it exits.
  rt create --no-pivot --bundle "$RF_BUNDLE" "$RF_ID" > "$RT_TMP/out" 2>&1 < /dev/null
  rt start "$RF_ID"
  for _ in $(seq 200); do [ "$(rt_status "$RF_ID")" = stopped ] && break; sleep 0.05; done
  [ "$(rt_status "$RF_ID")" = stopped ]
  run cat "$RT_TMP/out"
  [[ "${lines[0]}" == *"Read-only file system"* ]]
  [ "${lines[1]}" = has-busybox ]
}

@test "rootfs: in a user namespace, devices are the host's bound, never changed" {
  rf_config '.linux.namespaces += [{"type": "user"}]
             | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
             | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
             | .linux.devices = [{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5,
                                  "fileMode": 384, "uid": 5, "gid": 5}]
             | .root.readonly = true'
  # The mapped root (host uid 200000) must be able to reach the rootfs.
  chmod 755 "$RT_TMP" "$RF_BUNDLE"
  host_zero=$(stat -c '%t,%T %u %g %a' /dev/zero)
  rf_run 'echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c;
          stat -c "%t,%T" /dev/null /dev/zero; touch /x 2>&1; cat /proc/self/uid_map'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = null-ok ]
  [ "${lines[1]}" = 4 ]
  [ "${lines[2]}" = 1,3 ]
  [ "${lines[3]}" = 1,5 ]
  [[ "${lines[4]}" == *"Read-only file system"* ]]
  [[ "${lines[5]}" == *"200000"* ]]
  # mknod is refused there: the host's node was bound, and never chmod'ed or chown'ed.
  [ "$(stat -c '%t,%T %u %g %a' /dev/zero)" = "$host_zero" ]
}

@test "rootfs: rootfsPropagation sets the new root's propagation" {
  rf_config '.linux.rootfsPropagation = "rshared"'
  rf_run 'awk '\''$5 == "/"'\'' /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [[ "$output" == *" shared:"* ]]
  rf_config '.linux.rootfsPropagation = "rprivate"'
  rf_run 'awk '\''$5 == "/"'\'' /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [[ "$output" != *"shared:"* ]]
  [[ "$output" != *"master:"* ]]
  rf_config '.linux.rootfsPropagation = "bogus"'
  rf_run 'true'
  [ "$status" -ne 0 ]
  [[ "$output" == *'linux.rootfsPropagation: unknown'*'"bogus"'* ]]
}

@test "rootfs: ro on /dev and on a tmpfs holding later mounts is applied after them (runc alike)" {
  rf_config '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)
             | .mounts += [{"destination": "/ro", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
                           {"destination": "/ro/sub", "type": "tmpfs", "source": "tmpfs"}]'
  rf_run_both 'grep -E " /dev | /dev/pts | /ro | /ro/sub " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1
               touch /dev/x /ro/x 2>&1; touch /ro/sub/x && echo sub-rw; test -c /dev/null && echo null'
  [ "$status" -eq 0 ]
  [[ "$output" == *"/dev ro"*"/dev/pts rw"*"/ro ro"*"/ro/sub rw"* ]]
  [[ "$output" == *"/dev/x: Read-only file system"* ]]
  [[ "$output" == *"/ro/x: Read-only file system"* ]]
  [[ "$output" == *sub-rw*null* ]]
  [ "$runc_status" = none ] || [ "$runc_output" = "$output" ]
}

@test "rootfs: a tmpfs without mode= keeps the mode of the directory it covers, mode= wins" {
  mkdir "$RF_BUNDLE/rootfs/keep" "$RF_BUNDLE/rootfs/given"
  chmod 7777 "$RF_BUNDLE/rootfs/keep"
  chmod 700 "$RF_BUNDLE/rootfs/given"
  rf_config '.mounts += [{"destination": "/keep", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "ro"]},
                         {"destination": "/given", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]},
                         {"destination": "/new", "type": "tmpfs", "source": "tmpfs"}]'
  rf_run_both 'stat -c "%n %A" /keep /given /new'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/keep drwsrwsrwt" ]
  [ "${lines[1]}" = "/given drwxrwxrwt" ]
  [ "${lines[2]}" = "/new drwxrwxrwt" ]
  # runc agrees on the mode kept; runc 1.1.5 (Debian 12) also overrides an
  # explicit mode= with the directory's (fixed in runc 1.1.8).
  [ "$runc_status" = none ] || [ "$(echo "$runc_output" | grep -e /keep -e /new)" = "$(echo "$output" | grep -e /keep -e /new)" ]
}

@test "rootfs: a bind destination through a dangling symlink is created inside the rootfs (runc alike)" {
  echo content > "$RF_HOST/file"
  mkdir "$RF_HOST/dir"
  escape=$RF_HOST/escape  # absolute on the host too: must resolve in the rootfs
  ln -s "$escape/f" "$RF_BUNDLE/rootfs/evil"
  ln -s ../nowhere/d "$RF_BUNDLE/rootfs/evildir"
  mkdir "$RF_BUNDLE/rootfs/etc2"
  ln -s ../run/x/resolv.conf "$RF_BUNDLE/rootfs/etc2/resolv.conf"
  rf_config '.mounts += [{"destination": "/evil", "type": "bind", "source": $f, "options": ["bind"]},
                         {"destination": "/evildir/x", "type": "bind", "source": $d, "options": ["bind"]},
                         {"destination": "/etc2/resolv.conf", "type": "bind", "source": $f, "options": ["bind", "ro"]}]' \
    --arg f "$RF_HOST/file" --arg d "$RF_HOST/dir"
  rf_run_both "cat /evil $escape/f /run/x/resolv.conf; test -d /nowhere/d/x && echo dir-ok"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'content\ncontent\ncontent\ndir-ok')" ]
  [ -f "$RF_BUNDLE/rootfs/run/x/resolv.conf" ]
  [ ! -e "$escape" ]
  [ "$runc_status" = none ] || [ "$runc_output" = "$output" ]
}

# A user namespace mapping container root to host uid 200000 (no privilege on
# the host); the bundle made reachable for it.
userns_config() {
  rf_config '.linux.namespaces += [{"type": "user"}]
             | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
             | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  chmod 755 "$RT_TMP" "$RF_BUNDLE"
}

@test "rootfs: bind sources inside the rootfs see the mounts before them; relative ones are the bundle's (runc alike)" {
  rf_config '.mounts += [{"destination": "/a", "type": "tmpfs", "source": "tmpfs"},
                         {"destination": "/b", "type": "bind", "source": "rootfs/a", "options": ["rbind"]},
                         {"destination": "/c", "type": "bind", "source": ($b + "/rootfs/a"), "options": ["bind"]}]' \
    --arg b "$RF_BUNDLE"
  # From elsewhere: a relative source is the bundle's, not the caller's cwd's.
  cd /
  rf_run_both 'echo hi > /a/f; cat /b/f /c/f'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'hi\nhi')" ]
  [ "$runc_status" = none ] || [ "$runc_output" = "$output" ]
}

@test "rootfs: in a user namespace, bind sources inside the rootfs still see the mounts before them" {
  userns_config
  mkdir "$RF_BUNDLE/rootfs/a" "$RF_BUNDLE/rootfs/b" "$RF_BUNDLE/rootfs/c"
  rf_config '.mounts += [{"destination": "/a", "type": "tmpfs", "source": "tmpfs"},
                         {"destination": "/b", "type": "bind", "source": "rootfs/a", "options": ["rbind"]},
                         {"destination": "/c", "type": "bind", "source": ($b + "/rootfs/a"), "options": ["bind"]}]' \
    --arg b "$RF_BUNDLE"
  # (runc 1.1.5 opens every source before any mount here: /b and /c miss /a's tmpfs.)
  rf_run 'echo hi > /a/f; cat /b/f /c/f'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'hi\nhi')" ]
}

@test "rootfs: in a user namespace, bind sources below root-only host dirs are opened by the runtime (runc alike)" {
  userns_config
  mkdir -p "$RF_HOST/private/vol/sub" "$RF_HOST/private/vol/host" "$RF_BUNDLE/rootfs/s"
  echo pub > "$RF_HOST/private/vol/f"
  touch "$RF_HOST/private/vol/host/hidden"
  chmod 700 "$RF_HOST/private"
  # A shared, nosuid source with a host mount beneath: nothing the container
  # mounts beneath it may reach the host, and the kernel's locks stay (a root
  # with CAP_SYS_ADMIN in the container can neither drop nosuid nor uncover
  # what the host's mount hides).
  mount --bind "$RF_HOST/private/vol" "$RF_HOST/private/vol"
  mount -o remount,bind,nosuid "$RF_HOST/private/vol"
  mount --make-shared "$RF_HOST/private/vol"
  mount -t tmpfs -o size=1m tmpfs "$RF_HOST/private/vol/host"
  rf_config '.mounts += [{"destination": "/s", "type": "bind", "source": $s, "options": ["rbind"]},
                         {"destination": "/s/sub", "type": "tmpfs", "source": "tmpfs"}]
             | .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])' \
    --arg s "$RF_HOST/private/vol"
  # (No "ro" here: runc 1.1.5 then fails, its remount dropping the locked nosuid.)
  rf_run_both 'cat /s/f; grep -c " /s/sub " /proc/mounts
               mount -o remount,bind,suid /s 2>/dev/null && echo suid-dropped
               umount /s/host 2>/dev/null && echo host-mount-removed; ls /s/host'
  umount "$RF_HOST/private/vol/sub" 2>/dev/null && host_got_it=yes
  umount "$RF_HOST/private/vol/host"
  umount "$RF_HOST/private/vol"
  [ -z "${host_got_it:-}" ]
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = pub ]
  [ "${lines[1]}" = 1 ]
  [ "${#lines[@]}" -eq 2 ]
  [ "$runc_status" = none ] || [ "$runc_output" = "$output" ]
}

@test "rootfs: bind sources the runtime opened never reach the process, even with --preserve-fds" {
  userns_config
  mkdir -p "$RF_HOST/vol" "$RF_BUNDLE/rootfs/s"
  rf_config '.mounts += [{"destination": "/s", "type": "bind", "source": $s, "options": ["rbind"]}]' \
    --arg s "$RF_HOST/vol"
  rt_args "$RF_BUNDLE" sh -c 'for f in /proc/self/fd/*; do readlink "$f"; done'
  run rt run --preserve-fds 5 --bundle "$RF_BUNDLE" "$RF_ID"
  [ "$status" -eq 0 ]
  [[ "$output" != *"$RF_HOST"* ]]
  [[ "$output" != *"/vol"* ]]
}

@test "rootfs: with a user namespace given by path, bind sources below root-only host dirs work too" {
  userns_config
  rt_args "$RF_BUNDLE" sleep 1000
  rt create -b "$RF_BUNDLE" --pid-file "$RT_TMP/pid" "$RF_ID" < /dev/null
  rt start "$RF_ID"
  pid=$(cat "$RT_TMP/pid")
  b2=$(rt_bundle)
  chmod 755 "$b2"
  mkdir -p "$RF_HOST/private/vol" "$b2/rootfs/s"
  echo pub > "$RF_HOST/private/vol/f"
  chmod 700 "$RF_HOST/private"
  rt_config "$b2" '.linux.namespaces = [.linux.namespaces[] | if .type == "pid"
                   then .path = "/proc/\($p)/ns/pid" else . end]
                   + [{type: "user", path: "/proc/\($p)/ns/user"}]
                   | .mounts += [{"destination": "/s", "type": "bind", "source": $s, "options": ["rbind"]}]' \
    --arg p "$pid" --arg s "$RF_HOST/private/vol"
  rt_args "$b2" cat /s/f
  run rt run -b "$b2" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "$output" = pub ]
}
