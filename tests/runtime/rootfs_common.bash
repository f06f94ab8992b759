# Shared by rootfs.bats and process.bats, on top of helpers.bash: each test
# gets a private copy of bundles/busybox ($RF_BUNDLE), a container id
# ($RF_ID), a scratch "host" directory ($RF_HOST), and rt_teardown's checks
# (no state, cgroup or mount left, /dev/null untouched).

load helpers

rf_setup() {
  rt_setup
  RF_BUNDLE=$(rt_bundle)
  RF_ID=$(rt_id)
  RF_HOST=$RT_TMP/host
  mkdir -p "$RF_HOST"
}

rf_teardown() { rt_teardown; }

# rf_config JQ_FILTER [jq options]: edits the bundle's config.json.
rf_config() { rt_config "$RF_BUNDLE" "$@"; }

# rf_run SCRIPT: runs `sh -c SCRIPT` in a fresh container (bats `run`).
rf_run() {
  rt_args "$RF_BUNDLE" sh -c "$1"
  run rt run --bundle "$RF_BUNDLE" "$RF_ID"
}

# rf_run_args ARG...: runs the given argv.
rf_run_args() {
  rt_args "$RF_BUNDLE" "$@"
  run rt run --bundle "$RF_BUNDLE" "$RF_ID"
}

# rf_run_both SCRIPT: runs `sh -c SCRIPT` under runc too (a copy of the
# bundle, taken before either runs, so neither sees what the other created):
# runc's result in $runc_status / $runc_output, mocker-runtime's in $status /
# $output (paths to the bundle in config.json name the copy for runc).
# runc_status is "none" when runc is not installed.
rf_run_both() {
  rt_args "$RF_BUNDLE" sh -c "$1"
  runc_status=none runc_output=
  if command -v runc >/dev/null; then
    local rb=$RT_TMP/runc-bundle
    rm -rf --one-file-system "$rb"
    cp -a "$RF_BUNDLE" "$rb"
    sed -i "s#$RF_BUNDLE#$rb#g" "$rb/config.json"
    run runc --root "$RT_TMP/runc-state" run --bundle "$rb" "$RF_ID-runc"
    runc_status=$status runc_output=$output
    runc --root "$RT_TMP/runc-state" delete --force "$RF_ID-runc" >/dev/null 2>&1 || true
  fi
  run rt run --bundle "$RF_BUNDLE" "$RF_ID"
}
