#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker commit: a container's changes (its overlay upper directory) become a
# layer of a new image; running that image shows every change, deletions
# included.  Containers use --network none (the machine's network is never
# touched).

load container-helpers

setup_file() {
  containers_setup
  # A base image with files to change, delete and replace.
  local dir=$MOCKER_TEST_DIR/base
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs" "$dir"
  mkdir -p "$dir/data" "$dir/olddir/sub"
  echo keep > "$dir/data/keep"
  echo original > "$dir/data/change"
  echo doomed > "$dir/data/del"
  echo a > "$dir/olddir/a"
  echo b > "$dir/olddir/sub/b"
  mocker init -t base "$dir" > /dev/null
  # Another image to apply changes onto.
  local other=$MOCKER_TEST_DIR/other
  cp -a "$dir" "$other"
  echo other > "$other/other-marker"
  mocker init -t other "$other" > "$MOCKER_TEST_DIR/other.id"
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

mrun() {
  mocker run --network none "$@"
}

cid() {
  mocker inspect "$1" | jq -r '.[0].Id'
}

# Waits (bounded) until the file exists in the container's upper directory.
wait_upper() {
  local up=$MOCKER_ROOT/containers/$(cid "$1")/upper i
  for i in $(seq 200); do
    [ -e "$up/$2" ] && return 0
    sleep 0.05
  done
  echo "$2 never appeared in $1's upper dir" >&2
  return 1
}

# The last layer of an image: its unpacked directory.
top_layer_dir() {
  local hex=${1#sha256:} chain
  chain=$(jq -r '.layers[-1].chain_id' "$MOCKER_ROOT/images/$hex/image.json")
  echo "$MOCKER_ROOT/layers/${chain#sha256:}/diff"
}
image_config() {
  cat "$MOCKER_ROOT/images/${1#sha256:}/config.json"
}

CHANGES='echo new > /added
echo changed >> /data/change
rm /data/del
rm -rf /olddir && mkdir /olddir && echo fresh > /olddir/fresh
ln -s /added /link
echo hl > /hl1 && ln /hl1 /hl2
echo suid > /suid && chmod 4755 /suid
echo cap > /capfile
touch /ready'

CHECK='cat /added
tail -n 1 /data/change
cat /data/keep
[ -e /data/del ] && echo del-still-there
ls -A /olddir | tr "\n" " "; echo
readlink /link
[ "$(stat -c %i /hl1)" = "$(stat -c %i /hl2)" ] && stat -c "hardlinks %h" /hl1
stat -c "suid %a %U" /suid'

@test "commit round trip: added, changed, deleted, opaque dir, symlink, hardlinks, setuid, capability" {
  mrun -d --name rt base sh -c "$CHANGES; exec sleep 1000" > /dev/null
  wait_upper rt ready
  # A file capability, set through the container's mounted rootfs.
  setcap cap_net_raw+ep "$MOCKER_ROOT/containers/$(cid rt)/bundle/rootfs/capfile"
  mocker kill rt > /dev/null
  wait_exited rt
  local before id
  before=$(image_count)
  id=$(mocker commit rt)
  [[ $id =~ ^sha256:[0-9a-f]{64}$ ]]
  [ "$(image_count)" -eq $((before + 1)) ]

  run mrun --rm "$id" sh -c "$CHECK"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = new ]
  [ "${lines[1]}" = changed ]
  [ "${lines[2]}" = keep ]
  [ "${lines[3]}" = "fresh " ]
  [ "${lines[4]}" = /added ]
  [ "${lines[5]}" = "hardlinks 2" ]
  [ "${lines[6]}" = "suid 4755 root" ]
  [ "${#lines[@]}" -eq 7 ]

  # The layer as unpacked: the tar's .wh.del became a whiteout, its
  # .wh..wh..opq the opaque mark (trusted.overlay.* xattrs in a tar are
  # dropped, so only the marker can make it); the overlay's internal xattrs
  # and the mount points the runtime made are not in it; the capability is.
  local dir
  dir=$(top_layer_dir "$id")
  [ "$(stat -c '%F %t,%T' "$dir/data/del")" = "character special file 0,0" ]
  [ "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque"))' "$dir/olddir")" = "b'y'" ]
  [ "$(ls -A "$dir/olddir")" = fresh ]
  [ ! -e "$dir/etc/hosts" ]
  [ ! -e "$dir/etc/resolv.conf" ]
  [ ! -e "$dir/data/keep" ]
  run getcap "$dir/capfile"
  [[ $output == *cap_net_raw* ]]
  check_no_junk
}

@test "commit CONTAINER IMAGE_ID applies the changes onto that image" {
  mrun --name onto base sh -c 'echo mine > /mine; rm /data/keep' > /dev/null
  local other id
  other=$(cat "$MOCKER_TEST_DIR/other.id")
  [ -n "$other" ]
  id=$(mocker commit onto "$other")
  run mrun --rm "$id" sh -c 'cat /other-marker /mine; ls /data'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = other ]
  [ "${lines[1]}" = mine ]
  [[ $output != *keep* ]]
  # Untagged, and the base's layers under the new one.
  [ "$(image_config "$id" | jq '.rootfs.diff_ids | length')" -eq 2 ]
  [ "$(image_config "$id" | jq -r '.rootfs.diff_ids[0]')" = \
    "$(image_config "$other" | jq -r '.rootfs.diff_ids[0]')" ]
  # A short id prefix works too.
  id=$(mocker commit onto "${other:7:12}")
  run mrun --rm "$id" cat /other-marker
  [ "$output" = other ]
}

@test "commit CONTAINER IMAGE_ID keeps IMAGE_ID's config, not the container's" {
  # A seed image with its own Env, WorkingDir, Cmd and User.
  local other seed id
  other=$(cat "$MOCKER_TEST_DIR/other.id")
  mrun --name seedsrc other true > /dev/null
  seed=$(mocker commit -c 'ENV SEED=yes' -c 'WORKDIR /data' -c 'USER nobody' \
    -c 'CMD ["sh", "-c", "echo $SEED in $(pwd) as $(id -un)"]' seedsrc "$other")
  run -0 mrun --rm "$seed"
  [ "$output" = "yes in /data as nobody" ]
  # A container run differently (its own env, directory, user and command).
  mrun --name seeded -e SEED=no -e MINE=1 -w / -u root base sh -c 'echo x > /seeded-file' > /dev/null
  id=$(mocker commit seeded "$seed")
  run -0 mrun --rm "$id"
  [ "$output" = "yes in /data as nobody" ]
  run -0 image_config "$id"
  [ "$(jq -c .config.Env <<< "$output")" = "$(image_config "$seed" | jq -c .config.Env)" ]
  [ "$(jq -r .config.WorkingDir <<< "$output")" = /data ]
  [ "$(jq -r .config.User <<< "$output")" = nobody ]
  [ "$(jq -c .config.Cmd <<< "$output")" = "$(image_config "$seed" | jq -c .config.Cmd)" ]
  # The seed's layers plus the container's diff, and one more history entry.
  [ "$(jq '.rootfs.diff_ids | length' <<< "$output")" -eq 3 ]
  [ "$(jq '.history | length' <<< "$output")" -eq "$(($(image_config "$seed" | jq '.history | length') + 1))" ]
  run -0 mrun --rm "$id" cat /seeded-file /other-marker
  [ "$output" = $'x\nother' ]
}

@test "commit CONTAINER HEXID naming no image is an error and makes nothing" {
  mrun --name hexid base true > /dev/null
  local before
  before=$(image_count)
  run --separate-stderr mocker commit hexid 0123456789ab
  [ "$status" -ne 0 ]
  [[ $stderr == *"no such image"*"0123456789ab"* ]]
  [ -z "$output" ]
  run --separate-stderr mocker commit hexid abcdef
  [ "$status" -ne 0 ]
  [[ $stderr == *"no such image"* ]]
  [ "$(image_count)" -eq "$before" ]
  ! mocker images | grep -q 0123456789ab || false
  # A name[:tag] keeps Docker's meaning, short hex too.
  run -0 mocker commit hexid cafe
  run -0 mocker commit hexid repo/name:1.0
  [ "$(image_count)" -eq $((before + 2)) ]
  run -0 mocker images
  [[ $output == *"cafe "*latest* ]]
  [[ $output == *"repo/name "*"1.0"* ]]
}

@test "commit of a running container: it is paused while read and keeps running" {
  # It counts in /tick: progress after the commit shows it was resumed.
  mrun -d --name live base sh -c 'echo live > /live; i=0; while :; do i=$((i+1)); echo $i > /tick; sleep 0.05; done' > /dev/null
  wait_upper live tick
  local pid id full up
  full=$(cid live)
  up=$MOCKER_ROOT/containers/$full/upper
  pid=$(mocker inspect live | jq -r '.[0].State.Pid')
  run --separate-stderr mocker --debug commit live
  [ "$status" -eq 0 ]
  id=$output
  # Paused through the runtime, and resumed.
  [[ $stderr == *"paused for the commit"*"resumed"* ]]
  [ "$("$MOCKER_RUNTIME" --root "$MOCKER_ROOT/runtime" state "$full" | jq -r .status)" = running ]
  run mrun --rm "$id" cat /live
  [ "$output" = live ]
  [ "$(mocker inspect live | jq -r '.[0].State.Running')" = true ]
  [ "$(mocker inspect live | jq -r '.[0].State.Pid')" = "$pid" ]
  local fz=/sys/fs/cgroup/freezer/mocker-$full/freezer.state
  if [ -e "$fz" ]; then [ "$(cat "$fz")" = THAWED ]; fi
  local t0 i moved=0
  t0=$(cat "$up/tick")
  for i in $(seq 200); do
    [ "$(cat "$up/tick")" != "$t0" ] && { moved=1; break; }
    sleep 0.05
  done
  [ "$moved" = 1 ]
  # --pause=false reads it live.
  run --separate-stderr mocker --debug commit --pause=false live
  [ "$status" -eq 0 ]
  [[ $stderr != *"paused for the commit"* ]]
  id=$output
  run mrun --rm "$id" cat /live
  [ "$output" = live ]
}

@test "commit keeps Cmd and Env; -c, -m and -a shape the config" {
  mrun --name cfg -e FOO=bar -w /data base sh -c 'echo foo=$FOO in $(pwd) > /out; cat /out' > /dev/null
  local id
  id=$(mocker commit cfg)
  run mrun --rm "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "foo=bar in /data" ]
  run -0 image_config "$id"
  [ "$(echo "$output" | jq -r '.config.Env | index("FOO=bar") != null')" = true ]
  [ "$(echo "$output" | jq -r '[.config.Env[] | select(startswith("HOSTNAME="))] | length')" = 0 ]
  [ "$(echo "$output" | jq -r '.config.WorkingDir')" = /data ]

  id=$(mocker commit -m "a message" -a "Me <me@example.org>" -c 'ENV A=1 B="two words"' \
    -c 'CMD ["sh", "-c", "echo $A-$B-$FOO"]' -c 'WORKDIR sub' -c 'USER nobody' cfg)
  run mrun --rm "$id"
  [ "$status" -eq 0 ]
  [ "$output" = "1-two words-bar" ]
  run -0 image_config "$id"
  [ "$(echo "$output" | jq -r '.history[-1].comment')" = "a message" ]
  [ "$(echo "$output" | jq -r '.author')" = "Me <me@example.org>" ]
  [ "$(echo "$output" | jq -r '.config.User')" = nobody ]
  [ "$(echo "$output" | jq -r '.config.WorkingDir')" = /data/sub ]

  id=$(mocker commit -c 'ENTRYPOINT echo from-entrypoint' cfg)
  run mrun --rm "$id"
  [ "$output" = from-entrypoint ]
}

@test "commit CONTAINER name:tag shows in mocker images" {
  mrun --name named base touch /x > /dev/null
  local id
  id=$(mocker commit named myrepo/committed:v1)
  run mocker images
  [[ $output == *"myrepo/committed"*"v1"*"${id:7:12}"* ]]
  run mrun --rm myrepo/committed:v1 ls /x
  [ "$output" = /x ]
}

@test "commit errors: unknown container, bad reference, removed image, bad change; nothing registered" {
  mrun --name err base true > /dev/null
  local before
  before=$(image_count)
  run mocker commit no-such-container
  [ "$status" -ne 0 ]
  [[ $output == *"no such container"*"no-such-container"* ]]
  run mocker commit err 'Bad::Ref'
  [ "$status" -ne 0 ]
  [[ $output == *"invalid reference"*"Bad::Ref"* ]]
  run mocker commit err "sha256:$(printf '0%.0s' $(seq 64))"
  [ "$status" -ne 0 ]
  [[ $output == *"no such image"* ]]
  run mocker commit err name@sha256:$(printf 'a%.0s' $(seq 64))
  [ "$status" -ne 0 ]
  run mocker commit -c 'EXPOSE 80' err
  [ "$status" -ne 0 ]
  [[ $output == *"unsupported instruction"*EXPOSE* ]]
  run mocker commit -c 'CMD ["unterminated' err
  [ "$status" -ne 0 ]
  run mocker commit err a b c
  [ "$status" -ne 0 ]
  [ "$(image_count)" -eq "$before" ]

  # The container's image removed under it: rmi refuses (or only untags)
  # an image a container uses, so drop it from the index by hand.
  local gone
  gone=$(mocker commit err gone:v1)
  mrun --name orphan gone:v1 true > /dev/null
  jq -c --arg id "$gone" '.images -= [$id] | .tags |= with_entries(select(.value != $id))' \
    "$MOCKER_ROOT/repositories.json" > "$MOCKER_TEST_DIR/repos.json"
  mv "$MOCKER_TEST_DIR/repos.json" "$MOCKER_ROOT/repositories.json"
  before=$(image_count)
  run mocker commit orphan
  [ "$status" -ne 0 ]
  [[ $output == *orphan*"$gone"*"no such image"* ]]
  [ "$(image_count)" -eq "$before" ]
  # Onto an image that exists it still commits.
  run mocker commit orphan "$(cat "$MOCKER_TEST_DIR/other.id")"
  [ "$status" -eq 0 ]
  [ "$(image_count)" -eq $((before + 1)) ]
  check_no_junk
}
