# A private podman beside mocker, for side-by-side tests: its own storage,
# run root, tmpdir and config under $MOCKER_TEST_DIR/podman (runc: crun
# refuses this host's hybrid cgroups; cgroupfs; events to a file; no default
# ulimits above the host's hard limits).
pm() {
  local d=$MOCKER_TEST_DIR/podman
  mkdir -p "$d"
  [ -e "$d/containers.conf" ] ||
    printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n' \
      > "$d/containers.conf"
  CONTAINERS_CONF=$d/containers.conf podman --root "$d/root" --runroot "$d/runroot" \
    --tmpdir "$d/tmp" --storage-driver vfs "$@"
}

# What pm made, even after a failure: containers (paused ones too), images,
# the mounts under its storage, the libpod_parent cgroups.
pm_cleanup() {
  [ -d "$MOCKER_TEST_DIR/podman" ] || return 0
  pm unpause -a > /dev/null 2>&1 || true
  pm rm -af -t 0 > /dev/null 2>&1 || true
  pm rmi -af > /dev/null 2>&1 || true
  local m
  grep -o " $MOCKER_TEST_DIR/podman[^ ]*" /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m"; done
  rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2> /dev/null || true
}
