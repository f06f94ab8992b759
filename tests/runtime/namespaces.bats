#!/usr/bin/env bats
# Namespaces: user namespace id maps, joining namespaces by path.

load helpers

setup() { rt_setup; }
teardown() { rt_teardown; }

@test "user namespace mappings show in /proc/self/uid_map and gid_map" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
  rt_args "$b" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
  run rt run -b "$b" "$(rt_id)"
  [ "$status" -eq 0 ]
  [[ $(echo ${lines[0]}) == "0 100000 65536" ]]
  [[ $(echo ${lines[1]}) == "0 200000 65536" ]]
  [ "${lines[2]}" = 0 ]
}

@test "the container's root is an unprivileged host uid in a user namespace" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  rt_args "$b" sleep 1000
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id"
  rt start "$id"
  pid=$(cat "$RT_TMP/pid")
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 100000 ]
  rt delete --force "$id"
}

@test "a namespace with a path is joined instead of created" {
  b=$(rt_bundle)
  rt_config "$b" '.hostname = "first"'
  rt_args "$b" sleep 1000
  first=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$first"
  pid=$(cat "$RT_TMP/pid")

  b2=$(rt_bundle)
  rt_config "$b2" '.hostname = null
    | .linux.namespaces = [.linux.namespaces[] | if .type == "uts" or .type == "network"
                            then .path = "/proc/\($pid)/ns/\(.type | sub("network"; "net"))" else . end]' \
    --arg pid "$pid"
  rt_args "$b2" sh -c 'hostname; readlink /proc/self/ns/net'
  run rt run -b "$b2" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = first ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/net)" ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/net)" ]
  rt delete --force "$first"
}

@test "setting a hostname without a uts namespace is refused" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")]'
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"hostname"*"uts namespace"* ]]
  [ ! -e "$RT_ROOT/$id" ]
}

@test "a config without a mount namespace shares the runtime's, chroots, and leaves no mount" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")] | .root.readonly = true'
  rt_args "$b" sh -c 'echo x > /tmp/in-tmpfs; touch /x 2>&1; sleep 1000'
  echo marker > "$b/rootfs/marker"
  root_before=$(awk '$5 == "/"' /proc/self/mountinfo)
  id=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$id" > "$RT_TMP/out" 2>&1 < /dev/null
  rt start "$id"
  pid=$(cat "$RT_TMP/pid")
  # The runtime's mount namespace, the rootfs as root, its mounts (private:
  # no peer group) visible here while it runs.
  [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(cat /proc/$pid/root/marker)" = marker ]
  grep " $b/rootfs/tmp " /proc/self/mountinfo
  ! grep " $b/rootfs[/ ].*shared:" /proc/self/mountinfo || false
  for _ in $(seq 100); do [ -e "$b/rootfs/tmp/in-tmpfs" ] && break; sleep 0.05; done
  [ -e "$b/rootfs/tmp/in-tmpfs" ]
  [ ! -e "$b/rootfs/x" ]
  # The host's root and its propagation are left as they were.
  [ "$(awk '$5 == "/"' /proc/self/mountinfo)" = "$root_before" ]
  rt delete --force "$id"
  ! grep " $b/rootfs" /proc/self/mountinfo || false
  [[ "$(cat "$RT_TMP/out")" == *"Read-only file system"* ]]
}

@test "without a mount namespace, a failed create leaves no mount" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")]'
  rt_args "$b" /no/such/program
  id=$(rt_id)
  run rt create -b "$b" "$id"
  [ "$status" -eq 1 ]
  [[ $output == *"/no/such/program"* ]]
  ! grep " $b/rootfs" /proc/self/mountinfo || false
  [ ! -e "$RT_ROOT/$id" ]
}

@test "joining another container's pid namespace shows its processes" {
  b=$(rt_bundle)
  rt_args "$b" sleep 1000
  first=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$first"
  rt start "$first"
  pid=$(cat "$RT_TMP/pid")
  b2=$(rt_bundle)
  rt_config "$b2" '.linux.namespaces = [.linux.namespaces[] | if .type == "pid"
                   then .path = "/proc/\($pid)/ns/pid" else . end]' --arg pid "$pid"
  rt_args "$b2" sh -c 'echo "pid=$$"; ps -o pid,args'
  run rt run -b "$b2" "$(rt_id)"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" != "pid=1" ]
  [[ $output == *"1 sleep 1000"* ]]
  rt delete --force "$first"
}

@test "a new user namespace with a network namespace given by path" {
  # A network namespace this test makes, held by a sleep (killed by pid below).
  unshare --net sleep 1000 &
  holder=$!
  until [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
  netns=$(readlink /proc/$holder/ns/net)
  b=$(rt_bundle)
  # sysfs can only be mounted by the owner of the network namespace: not here.
  rt_config "$b" '.linux.namespaces = [.linux.namespaces[] | if .type == "network"
                   then .path = "/proc/\($h)/ns/net" else . end] + [{type: "user"}]
    | .mounts = [.mounts[] | select(.type != "sysfs")]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' --arg h "$holder"
  rt_args "$b" sh -c 'readlink /proc/self/ns/net; cat /proc/self/uid_map'
  run rt run -b "$b" "$(rt_id)"
  kill "$holder"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$netns" ]
  [[ $(echo ${lines[1]}) == "0 100000 65536" ]]
}

@test "joining another container's user and pid namespaces by path" {
  b=$(rt_bundle)
  rt_config "$b" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  rt_args "$b" sleep 1000
  first=$(rt_id)
  rt create -b "$b" --pid-file "$RT_TMP/pid" "$first"
  rt start "$first"
  pid=$(cat "$RT_TMP/pid")
  b2=$(rt_bundle)
  rt_config "$b2" '.linux.namespaces = [.linux.namespaces[] | if .type == "pid"
                   then .path = "/proc/\($p)/ns/pid" else . end]
                   + [{type: "user", path: "/proc/\($p)/ns/user"}]' --arg p "$pid"
  rt_args "$b2" sh -c 'cat /proc/self/uid_map; readlink /proc/self/ns/user'
  run rt run -b "$b2" "$(rt_id)"
  [ "$status" -eq 0 ]
  [[ $(echo ${lines[0]}) == "0 100000 65536" ]]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
  # A new pid namespace cannot belong to a user namespace given by path.
  b3=$(rt_bundle)
  rt_config "$b3" '.linux.namespaces += [{type: "user", path: "/proc/\($p)/ns/user"}]' --arg p "$pid"
  run rt run -b "$b3" "$(rt_id)"
  [ "$status" -ne 0 ]
  [[ $output == *"pid namespace given by path too"* ]]
  rt delete --force "$first"
}
