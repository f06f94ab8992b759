#!/bin/bash
# Stage 2 of the check-v2 VM (PID 1 after switch_root): runs the suites from a
# leaf cgroup, writes the exit status where run-in-vm.sh reads it, powers off.
share=$1 job=$2
exec > /dev/ttyS0 2>&1   # the first serial port is run-in-vm.sh's stdout
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
# shellcheck disable=SC1091
. "$job/env"
# Like a login shell under systemd: this process tree lives in a leaf, so the
# runtime must create containers elsewhere (no internal processes rule).
mkdir /sys/fs/cgroup/tests.scope
echo $$ > /sys/fs/cgroup/tests.scope/cgroup.procs
cd "$share" || exit 1
# Tests copy a bundle for every container; file by file over 9p that takes
# seconds under emulation.  run-in-vm.sh packed them into one tar: unpack it
# on tmpfs and put that over bundles/.
if [ -s "$job/bundles.tar" ]; then
  mkdir /run/bundles
  tar -C /run/bundles -xf "$job/bundles.tar"
  mount --bind /run/bundles bundles
fi
echo "guest: $(uname -r), cgroup $(stat -fc %T /sys/fs/cgroup): $(cat /sys/fs/cgroup/cgroup.subtree_control)"
files=()
for f in $SUITES; do
  if [ -e "$f" ]; then files+=("$f"); else echo "guest: $f does not exist: skipped"; fi
done
if [ ${#files[@]} -eq 0 ]; then
  echo "guest: none of the suites exist: $SUITES"
  rc=1
else
  # One hung test must not eat the whole VM budget.
  export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
  MOCKER_TEST_LOGS=$share/$BUILD/test-logs/v2 BUILD=$BUILD \
    bash tests/run-suites.sh "${files[@]}" < /dev/null 2>&1
  rc=$?
fi
echo "$rc" > "$job/exit-code"
sync
busybox poweroff -f
echo o > /proc/sysrq-trigger
