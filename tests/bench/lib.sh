# Shared helpers for the benchmarks (sourced).
# Every measurement is one line "<wall ms> <cpu ms> <peak rss KiB> <exit>"
# written by tests/helpers/measure; paired runs alternate A B A B ... so that
# drift on a busy machine hits both sides alike.

MEASURE=${MOCKER_HELPERS:?}/measure

# settle: before a measurement, let the previous one's leftovers finish so
# that they are not charged to whoever runs next:
# - processes still referring to $work (at most 2 s): podman's conmon runs
#   `podman container cleanup` after `podman run --rm` has returned;
# - the kernel's deferred work (BENCH_SETTLE seconds, 0.1 by default): a
#   dead container's network namespace and cgroups are torn down by workers
#   and RCU callbacks after its runtime exited, and callbacks that run in
#   softirq context are counted as system time of whatever task they
#   interrupt. Without the pause, runc's teardown lands in the CPU time of
#   the runtime measured after it;
# - the previous run's dirty pages (sync), which would otherwise be written
#   back during the next one.
settle() {
  if [ -n "${work:-}" ]; then
    local i
    for i in $(seq 200); do
      grep -qsF "$work/" /proc/[0-9]*/cmdline || break
      sleep 0.01
    done
  fi
  sync  # writeback of what the previous run wrote (podman fsyncs its database)
  sleep "${BENCH_SETTLE:-0.1}"
}

# measure_into FILE CMD...: one measured run appended to FILE.
measure_into() {
  local file=$1; shift
  settle
  "$MEASURE" "$@" 3>>"$file" >/dev/null 2>>"${BENCH_ERR:-/dev/null}" || true
}

# median FILE COLUMN
median() {
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b+0 == 0) print "n/a"; else printf "%.2fx", a/b }'
}

# report TITLE LABEL_A FILE_A LABEL_B FILE_B [TARGET_TEXT]
report() {
  local title=$1 la=$2 fa=$3 lb=$4 fb=$5 target=${6:-}
  local wa wb ca cb ra rb
  wa=$(median "$fa" 1); wb=$(median "$fb" 1)
  ca=$(median "$fa" 2); cb=$(median "$fb" 2)
  ra=$(median "$fa" 3); rb=$(median "$fb" 3)
  printf '\n== %s (%d runs each, medians)\n' "$title" "$(wc -l < "$fa")"
  printf '  %-22s wall %8.2f ms  cpu %8.2f ms  peak rss %7.0f KiB\n' "$la" "$wa" "$ca" "$ra"
  printf '  %-22s wall %8.2f ms  cpu %8.2f ms  peak rss %7.0f KiB\n' "$lb" "$wb" "$cb" "$rb"
  printf '  ratio %s/%s: wall %s  cpu %s  rss %s\n' "$la" "$lb" "$(ratio "$wa" "$wb")" \
    "$(ratio "$ca" "$cb")" "$(ratio "$ra" "$rb")"
  [ -n "$target" ] && printf '  target: %s\n' "$target"
  local failures
  failures=$(awk '$4 != 0' "$fa" "$fb" | wc -l)
  [ "$failures" -gt 0 ] && printf '  note: %d runs exited non-zero\n' "$failures"
  return 0
}

# report_one TITLE LABEL FILE
report_one() {
  printf '\n== %s (%d runs, medians)\n' "$1" "$(wc -l < "$3")"
  printf '  %-22s wall %8.2f ms  cpu %8.2f ms  peak rss %7.0f KiB\n' "$2" "$(median "$3" 1)" \
    "$(median "$3" 2)" "$(median "$3" 3)"
}

# A private podman beside mocker, everything under $work (set by the caller):
# its own storage (vfs unless PM_DRIVER says otherwise), run root, tmpdir, and
# the containers.conf this host needs (runc: crun refuses hybrid cgroups;
# cgroupfs; file events; no default ulimits above the host's hard limits).
PM_DRIVER=${PM_DRIVER:-vfs}
pm_argv() {  # pm's command line in PM_ARGV (measure_into runs programs, not functions)
  PM_ARGV=(env CONTAINERS_CONF="$work/containers.conf" podman --root "$work/root"
           --runroot "$work/runroot" --tmpdir "$work/tmp" --storage-driver "$PM_DRIVER")
}
pm() {
  pm_argv
  "${PM_ARGV[@]}" "$@"
}

# pair NAME TARGET MOCKER_ARGS -- PODMAN_ARGS: mocker (store $work/mocker) and
# pm's podman measured alternately, $runs times each, reported.
pair() {
  local name=$1 target=$2; shift 2
  local margs=() pargs=()
  while [ "$1" != -- ]; do margs+=("$1"); shift; done
  shift
  pargs=("$@")
  pm_argv
  local f=$work/r-$RANDOM
  for _ in $(seq "$runs"); do
    measure_into "$f.mocker" "$MOCKER_BIN" --root "$work/mocker" "${margs[@]}"
    measure_into "$f.podman" "${PM_ARGV[@]}" "${pargs[@]}"
  done
  report "$name" mocker "$f.mocker" podman "$f.podman" "$target"
}

# podman_setup IMAGE: the containers.conf, and the busybox rootfs imported as IMAGE.
podman_setup() {
  cat > "$work/containers.conf" <<CONF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - "$1" >/dev/null
}

# podman_cleanup: podman's containers, every mount under $work, $work itself,
# and the libpod_parent cgroups podman made.
podman_cleanup() {
  pm rm -af -t 0 >/dev/null 2>&1 || true
  # conmon runs `podman container cleanup` after a container exits, which
  # recreates the storage directories: wait (at most 10 s) until no process
  # refers to $work any more.
  local i
  for i in $(seq 100); do
    grep -qsF "$work" /proc/[0-9]*/cmdline || break
    sleep 0.1
  done
  grep -o " $work[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done || true
  rm -rf --one-file-system "$work"
  rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent 2>/dev/null || true
}
