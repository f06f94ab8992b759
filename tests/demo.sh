#!/usr/bin/env bash
# `make demo`: runs a container on the busybox bundle with mocker-runtime and
# shows from inside that it is PID 1 with its own hostname and process list.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
runtime=$top/${BUILD:-build}/bin/mocker-runtime
if [ "$(id -u)" != 0 ]; then
  echo "demo: containers need root: run \`sudo make demo\`" >&2
  exit 1
fi
[ -x "$top/bundles/busybox/rootfs/bin/busybox" ] || bash "$top/bundles/make-rootfs.sh"

work=$(mktemp -d /tmp/mocker-demo.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
# A copy of the bundle, so the demo never changes the checked-in config.json.
cp -a "$top/bundles/busybox" "$work/bundle"
cat > "$work/bundle/rootfs/hello.sh" <<'SCRIPT'
#!/bin/sh
echo "hello from inside a mocker container"
echo "  hostname:  $(hostname)"
echo "  my pid:    $$"
echo "  processes I can see:"
ps -o pid,user,args
SCRIPT
chmod 755 "$work/bundle/rootfs/hello.sh"
jq '.process.args = ["/hello.sh"]' "$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

id=demo-$$
echo "\$ mocker-runtime --root $work/state run --bundle $work/bundle $id"
status=0
"$runtime" --root "$work/state" run --bundle "$work/bundle" "$id" || status=$?
echo "exit status: $status (host hostname: $(hostname))"
exit "$status"
