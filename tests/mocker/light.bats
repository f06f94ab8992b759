#!/usr/bin/env bats
# The two mocker binaries: `mocker` (light, what users call) links no heavy
# library and execs mocker-heavy for pull, init, import, commit and network
# (docs/architecture.md, "Two binaries").

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
  mocker_root_setup
  busybox_rootfs_dir "$MOCKER_TEST_DIR/rootfs"
}

teardown_file() {
  mocker_root_teardown
}

HEAVY() { echo "$(dirname "$MOCKER_BIN")/mocker-heavy"; }
NET() { echo "$(dirname "$MOCKER_BIN")/mocker-net"; }

@test "light mocker links no heavy library; mocker-heavy does" {
  # static (the default), or dynamic with libc and yajl only (LIGHT_STATIC=0, SANITIZE=1)
  run ldd "$MOCKER_BIN"
  if [[ $output != *"not a dynamic executable"* ]]; then
    [ "$status" -eq 0 ]
    [[ $output == *libyajl* ]]
    if grep -E 'libcurl|libarchive|libnl-|libnftables|libcrypto' <<<"$output"; then
      echo "the light mocker links a heavy library" >&2
      return 1
    fi
  fi
  # and none is inside it either (nor asked of a shared library)
  run nm -a "$MOCKER_BIN"
  [ "$status" -eq 0 ]
  if grep -wE 'curl_easy_init|archive_read_new|nl_socket_alloc|nft_ctx_new|EVP_MD_CTX_new' <<<"$output"; then
    echo "the light mocker holds or needs heavy code" >&2
    return 1
  fi
  run nm -a "$(HEAVY)"
  grep -qw curl_easy_init <<<"$output"
  run ldd "$(HEAVY)"
  [ "$status" -eq 0 ]
  for lib in libcurl libarchive libnl-route-3 libnftables libcrypto; do
    grep -q "$lib" <<<"$output" || { echo "mocker-heavy lacks $lib" >&2; return 1; }
  done
}

@test "mocker-net links the network libraries only and runs network commands; others go to mocker-heavy" {
  run ldd "$(NET)"
  [ "$status" -eq 0 ]
  grep -q libnftables <<<"$output"
  grep -q libnl-route-3 <<<"$output"
  if grep -E 'libcurl|libarchive|libcrypto' <<<"$output"; then
    echo "mocker-net links a library it does not need" >&2
    return 1
  fi
  run "$(NET)" --root "$MOCKER_TEST_DIR/net-root" network leases
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ]
  # a pull through mocker-net is mocker-heavy's (same message and status)
  run -1 "$(NET)" pull
  [ "$output" = 'mocker: pull: want exactly one IMAGE; see `mocker pull --help`' ]
  MOCKER_HEAVY=$MOCKER_TEST_DIR/no-heavy run -1 "$(NET)" pull
  [[ $output == *'`pull` needs mocker-heavy'* ]]
}

@test "pull --help and init go through mocker-heavy, global options included" {
  run mocker pull --help
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "Usage: mocker pull [OPTIONS] IMAGE" ]]
  run mocker help init
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == "Usage: mocker init [OPTIONS] DIRECTORY" ]]
  local root=$MOCKER_TEST_DIR/other-root
  run mocker --root "$root" init -t light-test:1 "$MOCKER_TEST_DIR/rootfs"
  [ "$status" -eq 0 ]
  [[ $output == sha256:* ]]
  run mocker --root "$root" images
  [ "$status" -eq 0 ]
  [[ $output == *light-test* ]]
  # not in the default store: --root reached mocker-heavy
  run mocker images -q
  [ -z "$output" ]
  run mocker --root "$root" rmi light-test:1
  [ "$status" -eq 0 ]
}

@test "a heavy command's error keeps its message and exit code" {
  run -1 mocker pull
  [ "$output" = 'mocker: pull: want exactly one IMAGE; see `mocker pull --help`' ]
  local light=$output
  run -1 "$(HEAVY)" pull
  [ "$output" = "$light" ]
  run -1 mocker import "$MOCKER_TEST_DIR/no-such.tar"
  [[ $output == *no-such.tar* ]]
  light=$output
  run -1 "$(HEAVY)" import "$MOCKER_TEST_DIR/no-such.tar"
  [ "$output" = "$light" ]
}

@test "MOCKER_HEAVY pointing at a missing file: a clear error" {
  MOCKER_HEAVY=$MOCKER_TEST_DIR/no-heavy run -1 mocker pull --help
  [[ $output == *'`pull` needs mocker-heavy'* ]]
  [[ $output == *"$MOCKER_TEST_DIR/no-heavy"* ]]
  [[ $output == *"No such file or directory"* ]]
  # light commands do not need it
  MOCKER_HEAVY=$MOCKER_TEST_DIR/no-heavy run -0 mocker images
}
