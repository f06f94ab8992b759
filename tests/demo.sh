#!/usr/bin/env bash
# `make demo`: builds a busybox image with `mocker init` from Debian's
# busybox-static rootfs (bundles/make-rootfs.sh) and runs it with `mocker
# run` (foreground, -d, ps, logs, rm).  Everything lives in
# a private store under /tmp (MOCKER_ROOT), removed at the end; the
# container uses --network none, so the host's network is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bin=$top/${BUILD:-build}/bin
if [ "$(id -u)" != 0 ]; then
  echo "demo: containers need root: run \`sudo make demo\`" >&2
  exit 1
fi
[ -x "$top/bundles/busybox/rootfs/bin/busybox" ] || bash "$top/bundles/make-rootfs.sh"

work=$(mktemp -d /tmp/mocker-demo.XXXXXX)
export MOCKER_ROOT=$work/store
cleanup() {
  local ids
  ids=$("$bin/mocker" ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || "$bin/mocker" rm -f $ids > /dev/null 2>&1 || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

say() { printf '\n$ %s\n' "$*"; }

say mocker init -t busybox bundles/busybox/rootfs
"$bin/mocker" init -t busybox "$top/bundles/busybox/rootfs"
say mocker images
"$bin/mocker" images

script='echo "hello from $(hostname)"; id; ps'
say mocker run --rm --network none busybox sh -c "'$script'"
status=0
"$bin/mocker" run --rm --network none busybox sh -c "$script" || status=$?
echo "exit status: $status (host hostname: $(hostname))"

say mocker run -d --name demo --network none busybox sh -c "'echo started; sleep 1000'"
"$bin/mocker" run -d --name demo --network none busybox sh -c 'echo started; sleep 1000'
say mocker ps
"$bin/mocker" ps
say mocker logs demo
"$bin/mocker" logs demo
say mocker rm -f demo
"$bin/mocker" rm -f demo
say mocker run --rm --network none busybox sh -c "'exit 3'"
"$bin/mocker" run --rm --network none busybox sh -c 'exit 3' || echo "exit status: $?"
exit "$status"
