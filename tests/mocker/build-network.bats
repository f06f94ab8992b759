#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker build: RUN on the default bridge network (the default of build),
# --network none and host.  As run-network.bats: mocker runs in a "host"
# netns the test makes (nsenter --net), joined by a veth pair to an
# "outside" netns serving HTTP (198.18.0.0/24, a test range); the machine's
# own network namespace is never touched.

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

setup() {
  T=$$-$BATS_TEST_NUMBER
  H=mkt-bh-$T
  O=mkt-bo-$T
  PIDS=()
  ip netns add "$H"
  ip netns add "$O"
  ip netns exec "$H" ip link set lo up
  ip netns exec "$O" ip link set lo up
  ip -n "$H" link add mkt-up type veth peer name mkt-down netns "$O"
  ip -n "$H" addr add 198.18.0.1/24 dev mkt-up
  ip -n "$O" addr add 198.18.0.2/24 dev mkt-down
  ip -n "$H" link set mkt-up up
  ip -n "$O" link set mkt-down up
  mkdir -p "$MOCKER_TEST_DIR/www-$T" "$MOCKER_TEST_DIR/ctx-$T"
  CTX=$MOCKER_TEST_DIR/ctx-$T
  echo "outside-$T" > "$MOCKER_TEST_DIR/www-$T/index.html"
  ip netns exec "$O" /usr/bin/python3 -m http.server 8000 --bind 198.18.0.2 \
    --directory "$MOCKER_TEST_DIR/www-$T" 2> "$MOCKER_TEST_DIR/server-$T.log" &
  PIDS+=($!)
  local i
  for i in $(seq 200); do
    ip netns exec "$O" curl -s -o /dev/null --max-time 1 http://198.18.0.2:8000/ && break
    sleep 0.05
  done
}

teardown() {
  local ids p left=0
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || { echo "containers left: $ids" >&2; left=1; }
  [ -z "$ids" ] || mk rm -f $ids > /dev/null 2>&1 || true
  # The RUN containers' leases, veths and rules went with them.
  [ "$(mk network leases)" = "[]" ] || { echo "leases left" >&2; left=1; }
  ! ip -n "$H" -o link show type veth | grep -q vethmk || { echo "veth left" >&2; left=1; }
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$H" 2>/dev/null || true
  ip netns del "$O" 2>/dev/null || true
  return $left
}

mk() {
  nsenter --net="/run/netns/$H" "$MOCKER_BIN" "$@"
}

@test "RUN uses the default bridge: it reaches the outside through NAT" {
  printf 'FROM busybox\nRUN wget -q -O /fetched http://198.18.0.2:8000/ && ip -o -4 addr show eth0\nCMD ["cat", "/fetched"]\n' > "$CTX/Dockerfile"
  run -0 mk build -t fetched "$CTX"
  [[ $output == *"eth0"*"inet "* ]]
  grep -q '^198\.18\.0\.1 .*"GET / ' "$MOCKER_TEST_DIR/server-$T.log"
  run -0 mk run --rm --network none fetched
  [ "$output" = "outside-$T" ]
}

@test "build --network none: RUN has no way out; --network host: the host netns's" {
  printf 'FROM busybox\nRUN wget -q -T 2 -O - http://198.18.0.2:8000/\n' > "$CTX/Dockerfile"
  run -1 mk build --network none "$CTX"
  [[ $output == *"returned a non-zero code"* ]]
  printf 'FROM busybox\nRUN ip -o -4 addr show mkt-up\n' > "$CTX/Dockerfile"
  run -0 mk build --network host "$CTX"
  [[ $output == *"198.18.0.1/24"* ]]
}
