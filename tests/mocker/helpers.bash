# Shared helpers for tests/mocker/*.bats (load helpers).
#
#   mocker_root_setup          a private store for this test file: exports MOCKER_ROOT
#                              (call from setup_file; mocker_root_teardown in teardown_file)
#   mocker ARGS...             the mocker binary under test ($MOCKER_BIN)
#   busybox_rootfs_dir DIR     a minimal rootfs from Debian's busybox-static: /bin/busybox,
#                              a link per applet, /etc/passwd and /etc/group, the usual dirs
#   image_count                number of images `mocker images -q` lists
#   check_no_junk              fails when the store's tmp/ holds anything

: "${MOCKER_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MOCKER_BIN:=$MOCKER_TOP/build/bin/mocker}"

mocker() {
  "$MOCKER_BIN" "$@"
}

mocker_root_setup() {
  MOCKER_TEST_DIR=$(mktemp -d /tmp/mocker-test-XXXXXX)
  export MOCKER_TEST_DIR
  export MOCKER_ROOT=$MOCKER_TEST_DIR/root
}

mocker_root_teardown() {
  [ -n "${MOCKER_TEST_DIR:-}" ] && [ -d "$MOCKER_TEST_DIR" ] || return 0
  rm -rf --one-file-system "$MOCKER_TEST_DIR"
}

busybox_rootfs_dir() {
  local dir=$1 bb applet
  bb=$(command -v busybox)
  mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,root,usr/bin,usr/sbin,sbin,var}
  chmod 1777 "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
}

image_count() {
  mocker images -q | wc -l
}

check_no_junk() {
  local left
  left=$(ls -A "$MOCKER_ROOT/tmp")
  [ -z "$left" ] || { echo "store tmp/ holds: $left" >&2; return 1; }
}
