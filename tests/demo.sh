#!/usr/bin/env bash
# `make demo`: the main job, on the embedded default image. It builds a busybox
# image with `mocker init` from Debian's busybox-static rootfs
# (bundles/make-rootfs.sh) and shows what mocker is for:
#   - a container on the default bridge reaching a server through NAT;
#   - a detached container: ps, logs, exec into it, a change made in it;
#   - commit of that change in both forms (`commit CONTAINER` and
#     `commit CONTAINER IMAGE_ID`), and the new images run;
#   - a memory limit hit (the container is OOM-killed: exit status 137).
# Everything lives in a private store under /tmp (MOCKER_ROOT), removed at the
# end. The machine's own network is left as it is: mocker runs in a "host"
# network namespace that the demo makes, joined by a veth pair to an "outside"
# namespace that serves one web page (198.18.0.0/24, a range for tests), as
# the test suites do. Exits non-zero when any step does not do what it shows.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bin=$top/${BUILD:-build}/bin
if [ "$(id -u)" != 0 ]; then
  echo "demo: containers need root: run \`sudo make demo\`" >&2
  exit 1
fi
[ -x "$top/bundles/busybox/rootfs/bin/busybox" ] || bash "$top/bundles/make-rootfs.sh"
busybox=$top/bundles/busybox/rootfs/bin/busybox

work=$(mktemp -d /tmp/mocker-demo.XXXXXX)
export MOCKER_ROOT=$work/store
H=mocker-demo-host-$$ O=mocker-demo-outside-$$
server_pid=
cleanup() {
  local ids
  ids=$(mk ps -aq --no-trunc 2>/dev/null || true)
  [ -z "$ids" ] || mk rm -f $ids > /dev/null 2>&1 || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  ip netns del "$H" 2>/dev/null || true
  ip netns del "$O" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# mocker in the demo's "host" network namespace (only the netns changes).
mk() { nsenter --net="/run/netns/$H" "$bin/mocker" "$@"; }
say() { printf '\n$ mocker %s\n' "$*"; }
fail() { echo "demo: $*" >&2; exit 1; }

ip netns add "$H"
ip netns add "$O"
ip -n "$H" link set lo up
ip -n "$O" link set lo up
ip -n "$H" link add mkdemo-up type veth peer name mkdemo-down netns "$O"
ip -n "$H" addr add 198.18.0.1/24 dev mkdemo-up
ip -n "$O" addr add 198.18.0.2/24 dev mkdemo-down
ip -n "$H" link set mkdemo-up up
ip -n "$O" link set mkdemo-down up
mkdir -p "$work/www"
echo "hello from the outside server (198.18.0.2)" > "$work/www/index.html"
ip netns exec "$O" "$busybox" httpd -f -p 198.18.0.2:8000 -h "$work/www" &
server_pid=$!

say init -t busybox bundles/busybox/rootfs
mk init -t busybox "$top/bundles/busybox/rootfs"
say images
mk images

script='echo "hello from $(hostname)"; id; ps'
say run --rm --network none busybox sh -c "'$script'"
mk run --rm --network none busybox sh -c "$script"
echo "(host hostname: $(hostname))"

# The default bridge: the first such container makes mocker0 and the NAT
# rules (in the demo's host namespace); the server sees the host's address.
say run --rm busybox sh -c "'ip -4 -o addr show eth0; wget -q -O - http://198.18.0.2:8000/'"
page=
for _ in $(seq 50); do   # the server may still be starting
  page=$(mk run --rm busybox sh -c 'ip -4 -o addr show eth0 >&2; timeout 5 wget -q -O - http://198.18.0.2:8000/' || true)
  [ -n "$page" ] && break
  sleep 0.1
done
echo "$page"
[[ $page == "hello from the outside server"* ]] || fail "the bridged container did not reach the outside server"

say run -d --name web busybox sh -c "'echo started; exec httpd -f -p 80'"
mk run -d --name web busybox sh -c 'echo started; exec httpd -f -p 80'
say ps
mk ps
say logs web
mk logs web
say exec web sh -c "'echo changed in a running container > /etc/motd; ps'"
mk exec web sh -c 'echo changed in a running container > /etc/motd; ps'

say commit web
img=$(mk commit web)
echo "$img"
say run --rm "${img:7:12}" cat /etc/motd
mk run --rm --network none "${img:7:12}" cat /etc/motd

# The seed form: web's changes applied onto another image, whose config
# (here its Cmd) the new image keeps.
say init -t busybox-seed bundles/busybox/rootfs
seed=$(mk init -t busybox-seed "$top/bundles/busybox/rootfs")
echo "$seed"
say commit web "${seed:7:12}"
img2=$(mk commit web "${seed:7:12}")
echo "$img2"
say run --rm "${img2:7:12}" cat /etc/motd
mk run --rm --network none "${img2:7:12}" cat /etc/motd
say images
mk images
say rm -f web
mk rm -f web

# A memory limit: reading 64 MiB into a 32 MiB container gets it OOM-killed.
say run --rm --network none -m 32m busybox sh -c "'head -c 64m /dev/zero | tail -c 64m > /dev/null'"
status=0
mk run --rm --network none -m 32m busybox \
  sh -c 'head -c 67108864 /dev/zero | tail -c 67108864 > /dev/null' || status=$?
echo "exit status: $status (137: killed by the OOM killer)"
[ "$status" -eq 137 ] || fail "the memory hog exited $status, not 137"

say run --rm --network none busybox sh -c "'exit 3'"
status=0
mk run --rm --network none busybox sh -c 'exit 3' || status=$?
echo "exit status: $status"
[ "$status" -eq 3 ] || fail "exit 3 gave $status"
echo
echo "demo: done"
