#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Volumes: `mocker volume`, `run -v NAME:/path`, anonymous volumes (an
# image's VOLUME, `-v /path`), --mount, --tmpfs, --volumes-from, `rm -v`.
# Containers use --network none.

load volume-helpers
load podman-helpers

setup_file() {
  containers_setup
  # An image with content at /data (owned by 1000:1001, mode 750) and a
  # symlink /hostile -> a host directory that holds a secret.
  export HOSTDIR=$MOCKER_TEST_DIR/host-secret
  mkdir -p "$HOSTDIR"
  echo secret > "$HOSTDIR/secret"
  local dir=$MOCKER_TEST_DIR/img
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs" "$dir"
  mkdir -p "$dir/data/sub"
  echo from-image > "$dir/data/sub/file"
  chown -R 1000:1001 "$dir/data"
  chmod 750 "$dir/data"
  ln -s "$HOSTDIR" "$dir/hostile"
  image_from_dir withdata "$dir"
  image_from_dir withvol "$dir" /data
}

teardown_file() {
  pm_cleanup   # podman's (the ls test's), even after a failure
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
  mocker volume prune -af > /dev/null
  # nothing was ever written through the image's symlink to the host
  [ "$(ls "$HOSTDIR")" = secret ]
}

mrun() {
  mocker run --network none "$@"
}

@test "volume create, ls, inspect, rm: Docker's shapes" {
  run mocker volume create v1
  [ "$status" -eq 0 ]
  [ "$output" = v1 ]
  # again: the same volume (as Docker)
  run mocker volume create v1
  [ "$status" -eq 0 ]
  mocker volume create --label team=web -d local v2
  run mocker volume ls
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "DRIVER    VOLUME NAME" ]
  [ "${lines[1]}" = "local     v1" ]
  [ "${lines[2]}" = "local     v2" ]
  [ "$(mocker volume ls -q | tr '\n' ' ')" = "v1 v2 " ]
  run mocker volume inspect v2
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0] | keys | join(",")' <<< "$output")" = "CreatedAt,Driver,Labels,Mountpoint,Name,Options,Scope" ]
  [ "$(jq -r '.[0].Name' <<< "$output")" = v2 ]
  [ "$(jq -r '.[0].Driver' <<< "$output")" = local ]
  [ "$(jq -r '.[0].Scope' <<< "$output")" = local ]
  [ "$(jq -r '.[0].Labels.team' <<< "$output")" = web ]
  [ "$(jq -r '.[0].Mountpoint' <<< "$output")" = "$MOCKER_ROOT/volumes/v2/_data" ]
  [[ $(jq -r '.[0].CreatedAt' <<< "$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]]
  [ -d "$MOCKER_ROOT/volumes/v2/_data" ]
  # a random name without NAME
  run mocker volume create
  [[ $output =~ ^[0-9a-f]{64}$ ]]
  mocker volume rm "$output"
  run mocker volume rm v1 v2
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'v1\nv2')" ]
  [ -z "$(mocker volume ls -q)" ]
  [ ! -e "$MOCKER_ROOT/volumes/v1" ]
}

@test "volume ls --format and --filter (name, label, dangling, driver), beside podman" {
  mocker volume create --label team=web --label tier=front lsa > /dev/null
  mocker volume create --label team=db lsb > /dev/null
  mocker volume create other > /dev/null
  mrun --name lsuser -v lsb:/d busybox true
  # the same with podman: a container (made, never run) uses lsb
  pm volume create --label team=web --label tier=front lsa > /dev/null
  pm volume create --label team=db lsb > /dev/null
  pm volume create other > /dev/null
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - localhost/bb:ls > /dev/null
  pm create --name lsuser -v lsb:/d localhost/bb:ls true > /dev/null
  both() {  # both ARGS...: mocker's and podman's volume ls output, compared
    local m p
    m=$(mocker volume ls "$@")
    p=$(pm volume ls "$@")
    echo "mocker: $m" >&2
    echo "podman: $p" >&2
    [ "$m" = "$p" ]
  }
  f='{{.Name}} {{.Driver}} {{.Scope}}'
  both --format "$f"
  both --format "$f" --filter label=team
  both --format "$f" --filter label=team=web
  both --format "$f" --filter label=team=web --filter label=tier=front
  both --format "$f" --filter label=nope
  both --format "$f" --filter dangling=true
  both --format "$f" --filter dangling=false
  both --format "$f" --filter driver=local
  both --format "$f" --filter name=lsa
  both --format '{{.Mountpoint}}' --filter name=nosuch
  # Docker's shapes: the rows' keys, Labels as k=v, the default table, -q
  run mocker volume ls --filter name=lsa --format '{{json .}}'
  [ "$(jq -c keys <<< "$output")" = '["Availability","Driver","Group","Labels","Links","Mountpoint","Name","Scope","Size","Status"]' ]
  [ "$(jq -r .Labels <<< "$output")" = "team=web,tier=front" ]
  [ "$(jq -r .Mountpoint <<< "$output")" = "$MOCKER_ROOT/volumes/lsa/_data" ]
  run mocker volume ls --format json -f name=other
  [ "$(jq -r .Name <<< "$output")" = other ]
  run mocker volume ls --format 'table {{.Name}}\t{{.Labels}}' -f label=team
  [ "${lines[0]}" = "VOLUME NAME   LABELS" ]
  [ "${lines[1]}" = "lsa           team=web,tier=front" ]
  [ "${lines[2]}" = "lsb           team=db" ]
  run mocker volume ls -f dangling=1
  [ "${lines[0]}" = "DRIVER    VOLUME NAME" ]
  [ "$(printf '%s\n' "${lines[@]:1}")" = $'local     lsa\nlocal     other' ]
  [ "$(mocker volume ls -q -f name=^ls | paste -sd,)" = lsa,lsb ]   # a regular expression
  [ "$(mocker volume ls -q -f driver=other)" = "" ]
  # errors: a bad key, a bad dangling value, a bad template (125, nothing printed)
  run --separate-stderr mocker volume ls -f bogus=1
  [ "$status" -eq 125 ]
  [ "$stderr" = "mocker: volume ls: --filter: invalid filter 'bogus'; see \`mocker volume ls --help\`" ]
  run --separate-stderr mocker volume ls -f dangling=maybe
  [ "$status" -eq 125 ]
  [ -z "$output" ]
  run --separate-stderr mocker volume ls --format '{{.Nope}}'
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  pm rm -a > /dev/null
  pm volume rm -a > /dev/null
  pm rmi -a > /dev/null
}

@test "volume errors: bad name, missing volume, unknown driver" {
  run mocker volume create ./bad
  [ "$status" -eq 1 ]
  [[ $output == *'includes invalid characters for a local volume name'* ]]
  run mocker volume rm nosuch
  [ "$status" -eq 1 ]
  [[ $output == *'no such volume: `nosuch`'* ]]
  run mocker volume rm -f nosuch
  [ "$status" -eq 0 ]
  run mocker volume inspect nosuch
  [ "$status" -eq 1 ]
  run mocker volume create -d nfs x
  [ "$status" -eq 1 ]
  [[ $output == *'volume driver `nfs` not found'* ]]
  [ -z "$(mocker volume ls -q)" ]
  run mocker volume ls --bogus
  [ "$status" -eq 125 ]
  run mocker volume bogus
  [ "$status" -eq 1 ]
}

@test "a named volume's data survives rm and shows in a second container; in use, it cannot be removed" {
  run mrun --name w1 -v keep:/data busybox sh -c 'echo persisted > /data/f'
  [ "$status" -eq 0 ]
  # made on first use
  mocker volume ls -q | grep -qx keep
  run mocker volume rm keep
  [ "$status" -eq 1 ]
  [[ $output == *"remove keep: volume is in use - ["*"]"* ]]
  mocker rm w1
  run mrun --rm -v keep:/mnt busybox cat /mnt/f
  [ "$status" -eq 0 ]
  [ "$output" = persisted ]
  # a running container keeps it in use too
  id=$(mrun -d -v keep:/data busybox sleep 1000)
  run mocker volume rm keep
  [ "$status" -eq 1 ]
  mocker volume prune -af
  mocker volume ls -q | grep -qx keep
  mocker rm -f "$id"
  run mocker volume rm keep
  [ "$status" -eq 0 ]
  [ ! -e "$MOCKER_ROOT/volumes/keep" ]
}

@test "-v NAME: an empty volume is filled from the image (owner and mode kept), once; nocopy leaves it empty" {
  run mrun --rm -v filled:/data withdata sh -c 'cat /data/sub/file; stat -c "%u:%g %a" /data /data/sub/file'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-image ]
  [ "${lines[1]}" = "1000:1001 750" ]
  [ "$(stat -c '%u:%g' "$MOCKER_ROOT/volumes/filled/_data/sub/file")" = 1000:1001 ]
  # not empty any more: not filled again, the container's changes stay
  mrun --rm -v filled:/data withdata sh -c 'rm /data/sub/file; echo mine > /data/mine'
  run mrun --rm -v filled:/data withdata ls /data/sub
  [ "$output" = "" ]
  run mrun --rm -v empty:/data:nocopy withdata ls -A /data
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  mocker volume rm filled empty
}

@test "filling a volume resolves the image's symlinks inside its root, never on the host" {
  # /hostile -> $HOSTDIR, an absolute host path: inside the container it
  # names nothing, so the volume stays empty
  run -0 mrun --rm -v hv:/hostile busybox true
  run mrun --rm -v hv2:/hostile withdata ls -A /hostile
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ -z "$(ls -A "$MOCKER_ROOT/volumes/hv2/_data")" ]
  mocker volume rm hv hv2
}

@test "a fill that fails leaves the volume empty (not half-filled) and no container" {
  # /data holds a file and a tree deeper than the copy allows
  local dir=$MOCKER_TEST_DIR/deep
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs" "$dir"
  mkdir -p "$dir/data"
  echo x > "$dir/data/a"
  (cd "$dir/data" && mkdir -p "$(printf 'd/%.0s' $(seq 300))")
  image_from_dir deepdata "$dir"
  rm -rf --one-file-system "$dir"
  run mrun --rm -v deep:/data deepdata true
  [ "$status" -ne 0 ]
  [[ $output == *"fill volume \`deep\`"*"deeper than"* ]]
  [ -z "$(ls -A "$MOCKER_ROOT/volumes/deep/_data")" ]
  [ -z "$(all_ids)" ]
  mocker volume rm deep
  mocker rmi deepdata > /dev/null
}

@test "an image's VOLUME gets an anonymous volume, filled; rm -v removes it, rm keeps it" {
  run mrun --name a1 withvol cat /data/sub/file
  [ "$status" -eq 0 ]
  [ "$output" = from-image ]
  vol=$(mocker inspect a1 | jq -r '.[0].Mounts[0].Name')
  [[ $vol =~ ^[0-9a-f]{64}$ ]]
  [ "$(mocker inspect a1 | jq -r '.[0].Mounts[0].Type')" = volume ]
  [ "$(mocker inspect a1 | jq -r '.[0].Mounts[0].Destination')" = /data ]
  [ "$(mocker volume inspect "$vol" | jq -r '.[0].Labels["com.docker.volume.anonymous"]')" = "" ]
  mocker rm -v a1
  [ ! -e "$MOCKER_ROOT/volumes/$vol" ]
  # without -v it stays (unused: prune takes it)
  mrun --name a2 withvol true
  vol=$(mocker inspect a2 | jq -r '.[0].Mounts[0].Name')
  mocker rm a2
  [ -d "$MOCKER_ROOT/volumes/$vol/_data" ]
  # prune without -a: only anonymous volumes; a named one stays
  mocker volume create named
  run mocker volume prune -f
  [ "$status" -eq 0 ]
  [[ $output == *"Deleted Volumes:"*"$vol"* ]]
  [ ! -e "$MOCKER_ROOT/volumes/$vol" ]
  [ "$(mocker volume ls -q)" = named ]
  # -v on the image's path replaces the anonymous volume
  mrun --name a3 -v named:/data withvol true
  [ "$(mocker inspect a3 | jq -r '.[0].Mounts | length')" = 1 ]
  [ "$(mocker inspect a3 | jq -r '.[0].Mounts[0].Name')" = named ]
  mocker rm -v a3
  mocker volume ls -q | grep -qx named
  mocker volume rm named
}

@test "run --rm removes the container's anonymous volumes, not its named ones" {
  run mrun --rm -v /anon -v kept:/kept withvol sh -c 'ls /data/sub; echo k > /kept/k'
  [ "$status" -eq 0 ]
  [ "$output" = file ]
  [ "$(mocker volume ls -q)" = kept ]
  [ "$(cat "$MOCKER_ROOT/volumes/kept/_data/k")" = k ]
  mocker volume rm kept
}

@test "concurrent runs with one new volume: made once, filled once, all succeed" {
  local pids=() i
  for i in 1 2 3 4 5; do
    mocker run --rm --network none -v race:/data withdata sh -c "echo $i > /data/r$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i"; done
  [ "$(mocker volume ls -q)" = race ]
  [ "$(ls "$MOCKER_ROOT/volumes/race/_data" | sort | tr '\n' ' ')" = "r1 r2 r3 r4 r5 sub " ]
  [ "$(cat "$MOCKER_ROOT/volumes/race/_data/sub/file")" = from-image ]
  [ -z "$(ls -A "$MOCKER_ROOT/volumes" | grep -v -e '^race$' -e '^.lock$')" ]
  mocker volume rm race
}

@test "-v /path: an anonymous volume; rm -v keeps one another container shares" {
  mrun --name s1 -v /shared busybox sh -c 'echo one > /shared/x'
  vol=$(mocker inspect s1 | jq -r '.[0].Mounts[0].Name')
  run mrun --name s2 --volumes-from s1 busybox cat /shared/x
  [ "$output" = one ]
  mocker rm -v s1
  [ -d "$MOCKER_ROOT/volumes/$vol" ]
  [ "$(volume_users "$vol")" = "$(mocker inspect s2 | jq -r '.[0].Id')" ]
  mocker rm -v s2
  [ ! -e "$MOCKER_ROOT/volumes/$vol" ]
}

@test "--volumes-from: volumes and binds, :ro makes them read-only" {
  mkdir -p "$MOCKER_TEST_DIR/bind"
  echo b > "$MOCKER_TEST_DIR/bind/b"
  mrun --name src -v vf:/v -v "$MOCKER_TEST_DIR/bind:/b" busybox sh -c 'echo v > /v/v'
  run mrun --rm --volumes-from src busybox sh -c 'cat /v/v /b/b; echo w > /v/w'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'v\nb')" ]
  [ -f "$MOCKER_ROOT/volumes/vf/_data/w" ]
  run mrun --rm --volumes-from src:ro busybox sh -c 'echo w > /v/w2'
  [ "$status" -ne 0 ]
  [[ $output == *"Read-only file system"* ]]
  run mrun --rm --volumes-from nosuch busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"--volumes-from: no such container"* ]]
  mocker rm src
  mocker volume rm vf
}

@test "--mount type=bind, volume and tmpfs with readonly and tmpfs-size" {
  mkdir -p "$MOCKER_TEST_DIR/mb"
  echo host > "$MOCKER_TEST_DIR/mb/h"
  run mrun --rm --mount type=bind,source="$MOCKER_TEST_DIR/mb",target=/mb,readonly \
    --mount type=volume,src=mv,dst=/mv --mount type=tmpfs,target=/mt,tmpfs-size=1m,tmpfs-mode=1770 \
    busybox sh -c 'cat /mb/h; touch /mb/x 2>/dev/null || echo ro; echo v > /mv/v; grep " /mt " /proc/mounts; stat -c %a /mt'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = host ]
  [ "${lines[1]}" = ro ]
  [[ ${lines[2]} == "tmpfs /mt tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770"* ]]
  [ "${lines[3]}" = 1770 ]
  [ "$(cat "$MOCKER_ROOT/volumes/mv/_data/v")" = v ]
  # a bind source must exist (unlike -v), a type must be known
  run mrun --rm --mount type=bind,source=/nonexistent-$$,target=/x busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"bind source path does not exist"* ]]
  run mrun --rm --mount type=nfs,target=/x busybox true
  [ "$status" -eq 125 ]
  run mrun --rm --mount type=volume,source=v busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"target is required"* ]]
  mocker volume rm mv
}

@test "--tmpfs: a tmpfs with Docker's defaults (noexec) and options (exec, size)" {
  run mrun --rm --tmpfs /t1 --tmpfs /t2:size=2m,exec busybox sh -c 'grep -E " /t[12] " /proc/mounts; cp /bin/busybox /t2/true && /t2/true && echo ran; cp /bin/busybox /t1/true; /t1/true || echo refused'
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "tmpfs /t1 tmpfs rw,nosuid,nodev,noexec,relatime"* ]]
  [[ ${lines[1]} == "tmpfs /t2 tmpfs rw,nosuid,nodev,relatime,size=2048k"* ]]
  [[ $output == *ran* ]]
  [[ $output == *refused* ]]
  # nothing of it reaches the store
  id=$(mrun -d --tmpfs /t1 busybox sh -c 'echo x > /t1/f; sleep 1000')
  [ ! -e "$MOCKER_ROOT/containers/$id/upper/t1/f" ]
  [ "$(mocker inspect "$id" | jq -r '.[0].HostConfig.Tmpfs["/t1"]')" = "" ]
  mocker rm -f "$id"
  run mrun --rm --tmpfs relative busybox true
  [ "$status" -eq 125 ]
}

@test "-v errors: a bad name, a bad option, a duplicate mount point; nothing is left" {
  run mrun --rm -v ./relative:/x busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"must be absolute"* ]]
  run mrun --rm -v v:/x:bogus busybox true
  [ "$status" -eq 125 ]
  run mrun --rm -v a:/x -v b:/x busybox true
  [ "$status" -eq 125 ]
  [[ $output == *"duplicate mount point"* ]]
  # a failed create removes the anonymous volumes it made
  run mrun --rm -v /anon -u nosuchuser busybox true
  [ "$status" -eq 125 ]
  [ -z "$(mocker volume ls -q)" ]
}

@test "volume prune asks first (stdin), -a takes named volumes too, used ones stay; --mount volume-nocopy" {
  mocker volume create pn
  id=$(mrun -d -v pu:/u busybox sleep 1000)
  run mocker volume prune -a <<< n
  [ "$status" -eq 0 ]
  [[ $output == *"Are you sure you want to continue?"* ]]
  [ "$(mocker volume ls -q | tr '\n' ' ')" = "pn pu " ]
  run mocker volume prune -a <<< y
  [ "$status" -eq 0 ]
  [[ $output == *"Deleted Volumes:"*pn* ]]
  [ "$(mocker volume ls -q)" = pu ]
  mocker rm -f "$id"
  mocker volume rm pu
  run mrun --rm --mount type=volume,src=nc,dst=/data,volume-nocopy withdata ls -A /data
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run mrun --rm --mount type=volume,src=nc2,dst=/data withdata ls -A /data
  [ "$output" = sub ]
  mocker volume rm nc nc2
}
