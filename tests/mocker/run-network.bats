#!/usr/bin/env bats
# mocker run with the default bridge network, -p and --network none.  Never
# touches the machine's own netns: each test makes a "host" netns where
# mocker runs (nsenter --net: only the network namespace changes) and an
# "outside" netns joined to it by a veth pair (198.18.0.0/24, a test range)
# running an HTTP server.
bats_require_minimum_version 1.5.0

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

setup() {
  T=$$-$BATS_TEST_NUMBER
  H=mkt-rh-$T
  O=mkt-ro-$T
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
}

teardown() {
  local ids p
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mk rm -f $ids > /dev/null 2>&1 || true
  # Every lease, veth and rule went with the containers.
  local left=0
  [ "$(mk network leases)" = "[]" ] || { echo "leases left" >&2; left=1; }
  ! ip -n "$H" -o link show type veth | grep -q vethmk || { echo "veth left" >&2; left=1; }
  ! ip netns exec "$H" nft list ruleset | grep -q 'table ip mocker' || { echo "nft table left" >&2; left=1; }
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$H" 2>/dev/null || true
  ip netns del "$O" 2>/dev/null || true
  return $left
}

# mocker in the test's host netns.
mk() {
  nsenter --net="/run/netns/$H" "$MOCKER_BIN" "$@"
}

wait_http() {  # wait_http NETNS URL
  local i
  for i in $(seq 200); do
    ip netns exec "$1" curl -s -o /dev/null --max-time 1 "$2" && return 0
    sleep 0.05
  done
  return 1
}

outside_server() {
  mkdir -p "$MOCKER_TEST_DIR/www-$T"
  echo "outside-$T" > "$MOCKER_TEST_DIR/www-$T/index.html"
  ip netns exec "$O" /usr/bin/python3 -m http.server 8000 --bind 198.18.0.2 \
    --directory "$MOCKER_TEST_DIR/www-$T" 2> "$MOCKER_TEST_DIR/server-$T.log" &
  PIDS+=($!)
  wait_http "$O" http://198.18.0.2:8000/
}

@test "bridge (default): the container reaches the outside through NAT, the server sees the host's address" {
  outside_server
  run --separate-stderr mk run --rm busybox sh -c 'wget -q -O - http://198.18.0.2:8000/; ip -o -4 addr show eth0'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "outside-$T" ]
  [[ ${lines[1]} == *"eth0"*"inet "* ]]
  grep -q '^198\.18\.0\.1 .*"GET / ' "$MOCKER_TEST_DIR/server-$T.log"
  ip=$(sed -n 's/.*inet \([0-9.]*\)\/.*/\1/p' <<< "${lines[1]}")
  ! grep -q "^$ip " "$MOCKER_TEST_DIR/server-$T.log" || false
  # /etc/hosts names the container with its address.
  run mk run --rm --name named busybox cat /etc/hosts
  [[ $output == *"named"* ]]
}

@test "bridge: inspect shows the address while running; stop releases the lease" {
  id=$(mk run -d busybox sleep 1000)
  ip=$(mk inspect "$id" | jq -r '.[0].NetworkSettings.IPAddress')
  [[ $ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]
  [ "$(mk network leases | jq -r '.[0].ip')" = "$ip" ]
  ip netns exec "$H" busybox ping -c 1 -W 5 "$ip"
  mk stop -t 0 "$id"
  [ "$(mk network leases)" = "[]" ]
  # start: attached again.
  mk start "$id"
  [ "$(mk network leases | jq length)" = 1 ]
  mk rm -f "$id"
}

@test "-p publishes a container port to the outside netns and to the host netns" {
  mkdir -p "$MOCKER_TEST_DIR/cwww-$T"
  echo "inside-$T" > "$MOCKER_TEST_DIR/cwww-$T/index.html"
  id=$(mk run -d -p 8080:80 -v "$MOCKER_TEST_DIR/cwww-$T:/www:ro" busybox httpd -f -p 80 -h /www)
  ip=$(mk inspect "$id" | jq -r '.[0].NetworkSettings.IPAddress')
  wait_http "$H" "http://$ip:80/"
  run ip netns exec "$O" curl -s --max-time 10 http://198.18.0.1:8080/
  [ "$output" = "inside-$T" ]
  run ip netns exec "$H" curl -s --max-time 10 http://198.18.0.1:8080/
  [ "$output" = "inside-$T" ]
  run ip netns exec "$H" curl -s --max-time 10 http://127.0.0.1:8080/
  [ "$output" = "inside-$T" ]
  run mk ps
  [[ ${lines[1]} == *"0.0.0.0:8080->80/tcp"* ]]
  [ "$(mk inspect "$id" | jq -r '.[0].NetworkSettings.Ports["80/tcp"][0].HostPort')" = 8080 ]
  mk rm -f "$id"
  run ip netns exec "$H" nft list ruleset
  [[ $output != *"dport 8080"* ]]
}

@test "inspect: every -p binding under NetworkSettings.Ports and HostConfig.PortBindings (as Docker)" {
  id=$(mk run -d -p 18081:80 -p 18082:80 -p 127.0.0.1:18083:53/udp busybox sleep 1000)
  run -0 mk inspect "$id"
  local j=$output
  [ "$(jq -c '.[0].NetworkSettings.Ports' <<< "$j")" = \
    '{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"18081"},{"HostIp":"0.0.0.0","HostPort":"18082"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":"18083"}]}' ]
  [ "$(jq -c '.[0].HostConfig.PortBindings' <<< "$j")" = \
    '{"80/tcp":[{"HostIp":"","HostPort":"18081"},{"HostIp":"","HostPort":"18082"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":"18083"}]}' ]
  # the rest of HostConfig is still there
  [ "$(jq -r '.[0].HostConfig.NetworkMode' <<< "$j")" = bridge ]
  mk rm -f "$id"
  # no -p: empty maps, not null
  id=$(mk run -d --network none busybox sleep 1000)
  run -0 mk inspect "$id"
  [ "$(jq -c '.[0].HostConfig.PortBindings' <<< "$output")" = '{}' ]
  [ "$(jq -c '.[0].NetworkSettings.Ports' <<< "$output")" = '{}' ]
  mk rm -f "$id"
}

@test "--network none: only lo, up; -p needs the bridge" {
  run mk run --rm --network none busybox sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1; ip -o link show lo'
  [ "$status" -eq 0 ]
  [ "$(echo ${lines[0]})" = lo ]
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[1]} == *"UP"* ]]
  run ip -n "$H" -o link show
  [[ $output != *mocker0* ]]
  run mk run --rm --network none -p 8080:80 busybox true
  [ "$status" -eq 125 ]
}

@test "--network host: the host's interfaces, hosts and resolv.conf; no lease" {
  run mk run --rm --network host busybox ip -o link show mkt-up
  [ "$status" -eq 0 ]
  [[ $output == *"mkt-up"* ]]
  [ "$(mk network leases)" = "[]" ]
  run mk run --rm --network host busybox cat /etc/resolv.conf
  [ "$output" = "$(cat /etc/resolv.conf)" ]
}

@test "--network host keeps the host's host name and UTS namespace (as Docker); -h gets its own" {
  local host_uts
  host_uts=$(readlink /proc/self/ns/uts)
  run -0 mk run --rm --network host busybox sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME; readlink /proc/self/ns/uts'
  [ "${lines[0]}" = "$(hostname)" ]
  [ "${lines[1]}" = "$(hostname)" ]
  [ "${lines[2]}" = "$(hostname)" ]
  [ "${lines[3]}" = "$host_uts" ]
  id=$(mk run -d --network host busybox sleep 1000)
  [ "$(mk inspect "$id" | jq -r '.[0].Config.Hostname')" = "$(hostname)" ]
  mk rm -f "$id"
  # an explicit -h: a UTS namespace of its own with that name (as podman)
  run -0 mk run --rm --network host -h other-name busybox sh -c 'hostname; readlink /proc/self/ns/uts'
  [ "${lines[0]}" = other-name ]
  [ "${lines[1]}" != "$host_uts" ]
  [ "$(hostname)" != other-name ]
}

@test "-p of a host port already published: 125, the container is not started, nothing leaks" {
  id=$(mk run -d -p 8080:80 busybox sleep 1000)
  run mk run -d --name second -p 8080:81 busybox sleep 1000
  [ "$status" -eq 125 ]
  [[ $output == *"8080"*"already published"* ]]
  [[ $(mk ps -a) == *"Created"*"second"* ]]
  [ "$(mk network leases | jq length)" = 1 ]
  [ "$(mk inspect "$id" | jq -r '.[0].State.Running')" = true ]
  run mk run --rm -p 8080:82 busybox true
  [ "$status" -eq 125 ]
  [ "$(mk ps -aq | wc -l)" = 2 ]
  mk rm -f "$id" second
}
