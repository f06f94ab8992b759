#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# A few cheap leak checks under valgrind (skipped when it is missing).  They
# run mocker-heavy: the light front binary is static, and valgrind cannot
# follow a static glibc.  Every command runs on a private store.

load helpers

setup_file() {
  mocker_root_setup
  busybox_rootfs_dir "$MOCKER_TEST_DIR/rootfs"
  mocker init -t vg "$MOCKER_TEST_DIR/rootfs" >/dev/null
}

teardown_file() {
  mocker_root_teardown
}

setup() {
  command -v valgrind >/dev/null || skip "valgrind is not installed"
  HEAVY=$(dirname "$MOCKER_BIN")/mocker-heavy
  [ -x "$HEAVY" ] || skip "no mocker-heavy next to $MOCKER_BIN"
  # valgrind cannot run ASan-instrumented binaries (make check SANITIZE=1):
  # there the sanitizers do the leak checking themselves.
  if ldd "$HEAVY" 2>/dev/null | grep -q libasan; then
    skip "built with SANITIZE=1: ASan checks leaks instead"
  fi
}

# vg STATUS ARGS...: mocker-heavy ARGS under valgrind exits with STATUS and
# valgrind reports no definite leak and no invalid access (exit 99 if it does).
vg() {
  local want=$1
  shift
  run --separate-stderr valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
    --error-exitcode=99 "$HEAVY" "$@"
  [ "$status" -eq "$want" ] || { echo "status $status: $*; stderr: $stderr" >&2; return 1; }
}

@test "valgrind: images, tag and rmi leak nothing" {
  vg 0 images
  [[ $output == *vg* ]]
  vg 0 tag vg vg:two
  vg 0 rmi vg:two
  [ "$output" = "Untagged: vg:two" ]
}

@test "valgrind: error paths leak nothing" {
  vg 1 rmi nosuch
  [ "$stderr" = "mocker: no such image: nosuch:latest" ]
  vg 1 inspect nosuch
  vg 125 images --bogus
  vg 125 run --network none -m abc vg true
  [ "$stderr" = 'mocker: --memory: invalid size `abc`' ]
}

@test "valgrind: init of a directory leaks nothing" {
  vg 0 init -t vg:init "$MOCKER_TEST_DIR/rootfs"
  [[ $output == sha256:* ]]
  vg 0 rmi vg:init
}

@test "valgrind: save, load, images filter, image prune leak nothing" {
  vg 0 save -o "$MOCKER_TEST_DIR/vg.tar" vg
  vg 0 save --format oci-archive -o "$MOCKER_TEST_DIR/vg-oci.tar" vg
  vg 0 --root "$MOCKER_TEST_DIR/vg-root" load -i "$MOCKER_TEST_DIR/vg.tar"
  vg 0 --root "$MOCKER_TEST_DIR/vg-root" load -i "$MOCKER_TEST_DIR/vg-oci.tar"
  [ "$output" = "Loaded image: vg:latest" ]
  vg 0 images vg
  vg 0 --root "$MOCKER_TEST_DIR/vg-root" image prune -a -f
  vg 1 load -i "$MOCKER_TEST_DIR/rootfs/etc/passwd"
  DOCKER_CONFIG=$MOCKER_TEST_DIR/docker vg 0 logout vg.example
}

@test "valgrind: --format templates and --filter leak nothing" {
  vg 0 images --format 'table {{.Repository}}\t{{.Tag | upper}}\t{{json .}}'
  [[ ${lines[0]} == "REPOSITORY   TAG"* ]]
  vg 0 images --filter reference='v*' --filter dangling=false --filter since=vg --format '{{.ID}}'
  vg 0 images --format '{{range $i, $e := split .Repository ""}}{{if gt $i 0}},{{end}}{{printf "%q" $e}}{{end}}'
  [ "$output" = '"v","g"' ]
  vg 125 images --format '{{.Nope}}'
  vg 125 images --format '{{if .ID}}'
  vg 125 images --filter dangling=maybe
  # a container made by hand (as tests/bench does): ps builds its index, then reads it
  local id d img
  id=$(printf 'a%.0s' $(seq 64))
  img=$(mocker images -q --no-trunc vg | head -1)
  d=$MOCKER_ROOT/containers/$id
  mkdir -p "$d/upper"
  printf '{"id":"%s","name":"fake","image":"%s","image_ref":"vg","created":"2026-01-01T00:00:00Z","path":"true","args":["x"],"host_config":{"NetworkMode":"none","Binds":["/a:/b"]},"config":{"Labels":{"a":"b"}}}' \
    "$id" "$img" > "$d/container.json"
  printf '{"status":"exited","exit_code":3,"started_at":"2026-01-01T00:00:01Z","finished_at":"2026-01-01T00:00:02Z"}' > "$d/state.json"
  touch -d 2026-01-01 "$d"   # an old directory: its index entry is trusted
  vg 0 ps -a -s --filter status=exited --filter name=fake --filter ancestor=vg --filter label=a=b \
    --filter exited=3 --filter volume=/b --format 'table {{.Names}}\t{{.Size}}\t{{json .}}'
  [[ ${lines[1]} == "fake "* ]]
  [ -s "$MOCKER_ROOT/containers/.ps-index" ]
  vg 0 ps -a -n 3 --format '{{.Names}} {{.Status}}'
  [[ $output == "fake Exited (3) "* ]]
  # stats and volume ls templates and filters
  vg 0 stats --no-stream -a --format 'table {{.Name}}\t{{.PIDs}}\t{{json .}}'
  [[ ${lines[1]} == "fake "* ]]
  mocker volume create --label k=v vgvol > /dev/null
  vg 0 volume ls --filter name=vg --filter label=k=v --filter dangling=true --format 'table {{.Name}}\t{{json .}}'
  [[ ${lines[1]} == "vgvol "* ]]
  vg 125 volume ls --filter dangling=maybe
  mocker volume rm vgvol > /dev/null
  rm -rf --one-file-system "$d" "$MOCKER_ROOT/containers/.ps-index"
  vg 125 ps --filter nope=1
}
