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
