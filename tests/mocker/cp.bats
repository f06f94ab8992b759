#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker cp: files, directories and tar streams between the host and a
# container (running or stopped); paths inside the container are resolved in
# its root, so an image's symlinks never lead to the host.

load volume-helpers

setup_file() {
  containers_setup
  # An image whose /etc is a symlink to an absolute host path, and whose
  # /up is a symlink that climbs out with "..": both exist on the host.
  export HOSTDIR=$MOCKER_TEST_DIR/host-target
  mkdir -p "$HOSTDIR"
  echo host-only > "$HOSTDIR/passwd"
  local dir=$MOCKER_TEST_DIR/hostile
  cp -a "$MOCKER_TOP/bundles/busybox/rootfs" "$dir"
  mv "$dir/etc" "$dir/etc.real"
  ln -s "$HOSTDIR" "$dir/etc"
  ln -s "../../../../../../../../../../..$HOSTDIR" "$dir/up"
  mkdir -p "$dir/$HOSTDIR"
  echo in-container > "$dir/$HOSTDIR/passwd"
  image_from_dir hostile "$dir"
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
  rm -rf --one-file-system "$MOCKER_TEST_DIR/w"
  # the host directory the hostile image points at is never touched
  [ "$(ls "$HOSTDIR")" = passwd ]
  [ "$(cat "$HOSTDIR/passwd")" = host-only ]
  # a stopped container's rootfs is mounted for the copy only
  ! grep -q " $MOCKER_ROOT/containers/.*/rootfs " /proc/self/mountinfo || [ -n "$(mocker ps -q)" ]
}

mrun() {
  mocker run --network none "$@"
}

setup() {
  mkdir -p "$MOCKER_TEST_DIR/w"
  W=$MOCKER_TEST_DIR/w
}

@test "cp out of a stopped container: a file, a directory (owners, modes, symlinks kept)" {
  mrun --name out busybox sh -c 'mkdir -p /d/sub; echo hello > /d/sub/f; chown 1234:5678 /d/sub/f; chmod 640 /d/sub/f; ln -s /etc/passwd /d/link'
  run mocker cp out:/d/sub/f "$W/f"
  [ "$status" -eq 0 ]
  [ "$(cat "$W/f")" = hello ]
  [ "$(stat -c '%u:%g %a' "$W/f")" = "1234:5678 640" ]
  # into an existing directory: under its own name
  mocker cp out:/d "$W"
  [ "$(stat -c '%u:%g %a' "$W/d/sub/f")" = "1234:5678 640" ]
  [ "$(readlink "$W/d/link")" = /etc/passwd ]
  # to a new name
  mocker cp out:/d "$W/renamed"
  [ -f "$W/renamed/sub/f" ]
  # dir/. : the contents
  mkdir "$W/contents"
  mocker cp out:/d/. "$W/contents"
  [ -f "$W/contents/sub/f" ]
  # a symlink is copied as one; -L follows it, inside the container
  mocker cp out:/d/link "$W/l1"
  [ "$(readlink "$W/l1")" = /etc/passwd ]
  mocker cp -L out:/d/link "$W/l2"
  [ ! -L "$W/l2" ]
  [ "$(head -1 "$W/l2")" = "root:x:0:0:root:/root:/bin/sh" ]
  # the overlay was mounted for the copies only
  ! grep -q " $MOCKER_ROOT/containers/$(mocker inspect out | jq -r '.[0].Id')/bundle/rootfs " /proc/self/mountinfo
}

@test "cp into a container: stopped, then seen by start; running, seen at once and in its volumes" {
  echo from-host > "$W/hf"
  chown 42:43 "$W/hf"
  chmod 604 "$W/hf"
  mkdir -p "$W/tree/a"
  echo t > "$W/tree/a/t"
  run mrun --name into busybox sh -c 'cat /tmp/hf /renamed /tree/a/t'
  [ "$status" -ne 0 ]
  mocker cp "$W/hf" into:/tmp/
  mocker cp "$W/hf" into:/renamed
  mocker cp "$W/tree" into:/
  run mocker start -a into
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'from-host\nfrom-host\nt')" ]
  mocker rm into
  id=$(mrun -d --name live -v cpvol:/vol busybox sleep 1000)
  mocker cp "$W/hf" live:/tmp/hf
  mocker cp "$W/hf" live:/vol/
  run mocker exec live sh -c 'cat /tmp/hf; stat -c "%u:%g %a" /tmp/hf; cat /vol/hf'
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'from-host\n42:43 604\nfrom-host')" ]
  [ "$(cat "$MOCKER_ROOT/volumes/cpvol/_data/hf")" = from-host ]
  # out of a running container, from its volume
  mocker exec live sh -c 'echo made-inside > /vol/inside'
  mocker cp live:/vol/inside "$W/inside"
  [ "$(cat "$W/inside")" = made-inside ]
  # overwrite a file; a directory over a file is refused
  echo second > "$W/hf"
  mocker cp "$W/hf" live:/tmp/hf
  [ "$(mocker exec live cat /tmp/hf)" = second ]
  run mocker cp "$W/tree" live:/tmp/hf
  [ "$status" -eq 1 ]
  [[ $output == *"cannot copy a directory to the file"* ]]
  mocker rm -f live
  mocker volume rm cpvol
}

@test "cp with a stopped container sees its volumes and binds (read-only ones refuse writes); the host's mounts are untouched" {
  mkdir -p "$W/robind"
  echo ro > "$W/robind/r"
  mrun --name sv -v stoppedvol:/vol -v "$W/robind:/rb:ro" busybox sh -c 'echo in-volume > /vol/f'
  before=$(grep -c . /proc/self/mountinfo)
  mocker cp sv:/vol/f "$W/f"
  [ "$(cat "$W/f")" = in-volume ]
  mocker cp sv:/rb/r "$W/r"
  [ "$(cat "$W/r")" = ro ]
  echo new > "$W/n"
  mocker cp "$W/n" sv:/vol/n
  [ "$(cat "$MOCKER_ROOT/volumes/stoppedvol/_data/n")" = new ]
  run mocker cp "$W/n" sv:/rb/n
  [ "$status" -eq 1 ]
  [[ $output == *"Read-only file system"* ]]
  [ ! -e "$W/robind/n" ]
  # every mount was made in the copy's own mount namespace
  [ "$(grep -c . /proc/self/mountinfo)" = "$before" ]
  mocker rm sv
  mocker volume rm stoppedvol
}

@test "cp keeps hard links within the copy and extended attributes" {
  mkdir -p "$W/src"
  echo shared > "$W/src/a"
  ln "$W/src/a" "$W/src/b"
  python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.mocker", b"kept")' "$W/src/a"
  mrun --name hl busybox true
  mocker cp "$W/src" hl:/
  mocker cp hl:/src "$W/back"
  [ "$(stat -c %i "$W/back/a")" = "$(stat -c %i "$W/back/b")" ]
  [ "$(stat -c %h "$W/back/a")" = 2 ]
  [ "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.mocker").decode())' "$W/back/a")" = kept ]
  # in a tar stream: a hard link entry, kept when extracted
  mocker cp hl:/src - > "$W/hl.tar"
  run tar tvf "$W/hl.tar"
  [[ $output == *"src/"[ab]" link to src/"[ab]* ]]
  mkdir "$W/x"
  tar -C "$W/x" -xf "$W/hl.tar"
  [ "$(stat -c %i "$W/x/src/a")" = "$(stat -c %i "$W/x/src/b")" ]
  mocker cp - hl:/tmp < "$W/hl.tar"
  # in the container too
  cid=$(mocker inspect hl | jq -r '.[0].Id')
  [ "$(stat -c %i "$MOCKER_ROOT/containers/$cid/upper/tmp/src/a")" = "$(stat -c %i "$MOCKER_ROOT/containers/$cid/upper/tmp/src/b")" ]
  [ "$(stat -c %h "$MOCKER_ROOT/containers/$cid/upper/src/a")" = 2 ]
}

@test "cp with - : a tar stream out and in" {
  mrun --name tarc busybox sh -c 'mkdir -p /d; echo x > /d/x; chown 7:8 /d/x'
  mocker cp tarc:/d - > "$W/out.tar"
  run tar tvf "$W/out.tar"
  [[ $output == *"7/8"*"d/x"* ]]
  mkdir "$W/in" "$W/in/sub"
  echo y > "$W/in/sub/y"
  ln -s /etc/passwd "$W/in/sub/ln"
  tar -C "$W/in" -cf - sub | mocker cp - tarc:/tmp
  mocker cp tarc:/tmp/sub/y "$W/y"
  [ "$(cat "$W/y")" = y ]
  mocker cp tarc:/tmp/sub/ln "$W/ln"
  [ "$(readlink "$W/ln")" = /etc/passwd ]
  # the destination of a stream must be a directory
  run mocker cp - tarc:/tmp/sub/y < "$W/out.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"must be a directory"* ]]
}

@test "cp of files and trees is the light binary's own; only a tar stream needs mocker-heavy" {
  mrun --name lightc busybox sh -c 'echo in > /in'
  echo big > "$W/f"
  # mocker-heavy unreachable: files and trees are copied all the same
  MOCKER_HEAVY=$W/no-heavy run -0 mocker cp "$W/f" lightc:/f
  MOCKER_HEAVY=$W/no-heavy run -0 mocker cp lightc:/in "$W/in"
  [ "$(cat "$W/in")" = in ]
  MOCKER_HEAVY=$W/no-heavy run -0 mocker cp lightc:/f "$W/f2"
  [ "$(cat "$W/f2")" = big ]
  # a tar stream is mocker-heavy's (found as usual: it works)
  MOCKER_HEAVY=$W/no-heavy run -1 mocker cp lightc:/in -
  [[ $output == *'`cp` needs mocker-heavy'* ]]
  [ "$(mocker cp lightc:/in - | tar -xOf - in)" = in ]
}

@test "cp into an image whose /etc is a symlink to a host path writes inside the container, never on the host" {
  echo pwned > "$W/pwned"
  mrun --name hc hostile true
  # /etc -> $HOSTDIR: resolved in the container's root (its own $HOSTDIR)
  run mocker cp "$W/pwned" hc:/etc/pwned
  [ "$status" -eq 0 ]
  run mocker cp "$W/pwned" hc:/up/pwned2
  [ "$status" -eq 0 ]
  run mocker cp "$W/pwned" hc:/../../../../pwned3
  [ "$status" -eq 0 ]
  [ ! -e "$HOSTDIR/pwned" ]
  [ ! -e "$HOSTDIR/pwned2" ]
  [ ! -e "/pwned3" ]
  # the files are in the container, where its own paths lead
  cid=$(mocker inspect hc | jq -r '.[0].Id')
  [ "$(cat "$MOCKER_ROOT/containers/$cid/upper/$HOSTDIR/pwned")" = pwned ]
  [ "$(cat "$MOCKER_ROOT/containers/$cid/upper/$HOSTDIR/pwned2")" = pwned ]
  [ -f "$MOCKER_ROOT/containers/$cid/upper/pwned3" ]
  # reading through it gives the container's file, not the host's
  mocker cp hc:/etc/passwd "$W/p"
  [ "$(cat "$W/p")" = in-container ]
  mocker cp -L hc:/up "$W/updir"
  [ "$(cat "$W/updir/passwd")" = in-container ]
  # a tar stream too
  mkdir -p "$W/t"
  echo z > "$W/t/z"
  tar -C "$W/t" -cf - z | mocker cp - hc:/etc
  [ ! -e "$HOSTDIR/z" ]
  # a hostile tar: .. and absolute names stay inside the destination
  python3 - "$W/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for name in ("../../../../escape", "/abs-escape"):
        data = b"evil\n"
        ti = tarfile.TarInfo(name); ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
PY
  run mocker cp - hc:/tmp < "$W/evil.tar"
  [ "$status" -eq 1 ]
  [[ $output == *"..\` is not allowed"* ]]
  [ ! -e "$MOCKER_ROOT/containers/escape" ] && [ ! -e /escape ]
}

@test "cp errors: no container side, two containers, missing source, unknown container" {
  mrun --name e1 busybox true
  run mocker cp "$W" "$W/x"
  [ "$status" -eq 1 ]
  [[ $output == *"must specify at least one container source"* ]]
  run mocker cp e1:/a e1:/b
  [ "$status" -eq 1 ]
  run mocker cp e1:/nonexistent "$W/x"
  [ "$status" -eq 1 ]
  [[ $output == *"could not find the file"* ]]
  run mocker cp nosuch:/etc "$W/x"
  [ "$status" -eq 1 ]
  [[ $output == *"no such container"* ]]
  run mocker cp --bogus e1:/a "$W"
  [ "$status" -eq 125 ]
  run mocker cp "$W/nothing" e1:/
  [ "$status" -eq 1 ]
}
