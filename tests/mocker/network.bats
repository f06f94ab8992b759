#!/usr/bin/env bats
# Container networking (mocker/network) through the hidden `mocker network`
# command. Never touches the machine's own netns: each test makes a "host"
# netns (where mocker runs, with its bridge and nftables table) and an
# "outside" netns joined to it by a veth pair (198.18.0.0/24, a test range),
# and "containers" are `unshare -n sleep` processes started in the host netns.

setup() {
  : "${MOCKER_BIN:?}"
  T=$$-$BATS_TEST_NUMBER
  H=mkt-host-$T
  O=mkt-out-$T
  STATE=$(mktemp -d /tmp/mkt-network-XXXXXX)
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
  local p
  if [ -n "${RT_ID:-}" ]; then
    ip netns exec "$H" "$MOCKER_RUNTIME" --root "$STATE/rt" delete -f "$RT_ID" 2>/dev/null || true
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$H" 2>/dev/null || true
  ip netns del "$O" 2>/dev/null || true
  rm -rf --one-file-system "$STATE"
  [ "$(stat -c '%t,%T %U %a' /dev/null)" = "1,3 root 666" ]
}

# mocker inside the test's host netns, with the test's state dir.
mk() {
  ip netns exec "$H" env MOCKER_ROOT="$STATE" "$MOCKER_BIN" "$@"
}

# Starts a "container" (a process in a new netns made inside the host netns);
# sets CPID. `ip netns exec` and `unshare` exec, so $! is the sleep itself.
container() {
  ip netns exec "$H" unshare -n sleep 300 &
  CPID=$!
  PIDS+=("$CPID")
  # Wait until unshare has made the new netns (the link differs from H's).
  local i hostns
  hostns=$(ip netns exec "$H" readlink /proc/self/ns/net)
  for i in $(seq 200); do
    [ "$(readlink /proc/$CPID/ns/net 2>/dev/null)" != "$hostns" ] &&
      [ "$(cat /proc/$CPID/comm 2>/dev/null)" = sleep ] && return 0
    sleep 0.01
  done
  return 1
}

# In the container's netns.
in_c() {
  local pid=$1; shift
  nsenter -t "$pid" -n "$@"
}

# Waits (bounded) until a TCP port answers an HTTP GET from netns $1.
wait_http() {
  local ns=$1 url=$2 i
  for i in $(seq 200); do
    ip netns exec "$ns" curl -s -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.05
  done
  return 1
}

# A python HTTP server in the outside netns; its log has the client addresses.
outside_server() {
  mkdir -p "$STATE/www"
  echo "outside-$T" > "$STATE/www/index.html"
  ip netns exec "$O" /usr/bin/python3 -m http.server 8000 --bind 198.18.0.2 \
    --directory "$STATE/www" 2> "$STATE/server.log" &
  PIDS+=($!)
  wait_http "$O" http://198.18.0.2:8000/
}

# A busybox httpd inside a container's netns, serving a file naming the test.
container_server() {
  local pid=$1 port=$2
  mkdir -p "$STATE/cwww"
  echo "inside-$T" > "$STATE/cwww/index.html"
  nsenter -t "$pid" -n busybox httpd -f -p "$port" -h "$STATE/cwww" &
  PIDS+=($!)
}

lease_field() {  # lease_field JSON FIELD
  jq -r ".$2" <<< "$1"
}

@test "network attach: eth0 with an address in the subnet, a default route via the bridge, lo up" {
  container
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net
  [ "$status" -eq 0 ]
  lease=$output
  ip=$(lease_field "$lease" ip)
  gw=$(lease_field "$lease" gateway)
  subnet=$(lease_field "$lease" subnet)
  [ "$gw" = "${subnet%.0/*}.1" ]
  [[ $ip == "${subnet%.0/*}."* ]]
  [ "$ip" != "$gw" ]
  run in_c "$CPID" ip -4 -o addr show dev eth0
  [[ $output == *"inet $ip/"* ]]
  run in_c "$CPID" ip route show default
  [ "$output" = "default via $gw dev eth0 proto static " ] || [ "$output" = "default via $gw dev eth0 proto static" ]
  run in_c "$CPID" ip -o link show lo
  [[ $output == *"UP"* ]]
  run in_c "$CPID" ip -o link show eth0
  [[ $output == *"link/ether $(lease_field "$lease" mac)"* ]]
  # The host side is on the bridge, and the container reaches the gateway.
  run ip -n "$H" -o link show "$(lease_field "$lease" veth)"
  [[ $output == *"master mocker0"* ]]
  in_c "$CPID" busybox ping -c 1 -W 5 "$gw"
  run mk network leases
  [ "$(jq length <<< "$output")" -eq 1 ]
  [ "$(jq -r '.[0].ip' <<< "$output")" = "$ip" ]
  # An attach enters the container's netns once (one socket there finds the
  # free ethN and configures it; each entry is a thread and a setns).
  container
  ip netns exec "$H" env MOCKER_ROOT="$STATE" strace -f -qq -e trace=setns -o "$STATE/strace" \
    "$MOCKER_BIN" network attach --id c2-$T --netns /proc/$CPID/ns/net > /dev/null
  in_c "$CPID" ip -o link show eth0
  [ "$(grep -c 'setns(' "$STATE/strace")" = 1 ]
}

@test "network: outgoing traffic is masqueraded (the outside server sees the host's address)" {
  outside_server
  container
  mk network attach --id c1-$T --netns /proc/$CPID/ns/net
  ip=$(mk network leases | jq -r '.[0].ip')
  run in_c "$CPID" curl -s --max-time 10 http://198.18.0.2:8000/
  [ "$status" -eq 0 ]
  [ "$output" = "outside-$T" ]
  grep -q '^198\.18\.0\.1 .*"GET / ' "$STATE/server.log"
  ! grep -q "^$ip " "$STATE/server.log" || false
}

@test "network: -p publishes a container port to the outside, the host's address and 127.0.0.1" {
  container
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net -p 8080:80 -p 9090:90/udp
  [ "$status" -eq 0 ]
  ip=$(lease_field "$output" ip)
  container_server "$CPID" 80
  wait_http "$H" "http://$ip:80/"
  run ip netns exec "$O" curl -s --max-time 10 http://198.18.0.1:8080/
  [ "$output" = "inside-$T" ]
  run ip netns exec "$H" curl -s --max-time 10 http://198.18.0.1:8080/
  [ "$output" = "inside-$T" ]
  run ip netns exec "$H" curl -s --max-time 10 http://127.0.0.1:8080/
  [ "$output" = "inside-$T" ]
  # Another container reaches it through the host's address too.
  local c1=$CPID
  container
  mk network attach --id c2-$T --netns /proc/$CPID/ns/net
  run in_c "$CPID" curl -s --max-time 10 http://198.18.0.1:8080/
  [ "$output" = "inside-$T" ]
  # UDP: a datagram from outside reaches the container's port 90.
  in_c "$c1" timeout 20 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 90))
d, a = s.recvfrom(100)
open(sys.argv[1], "wb").write(d)' "$STATE/udp.out" &
  local udp=$!
  PIDS+=("$udp")
  for i in $(seq 200); do in_c "$c1" ss -uln | grep -q ':90 ' && break; sleep 0.05; done
  ip netns exec "$O" bash -c 'echo udp-$0 > /dev/udp/198.18.0.1/9090' "$T"
  wait "$udp"
  [ "$(cat "$STATE/udp.out")" = "udp-$T" ]
  # The rules carry the container's id.
  run ip netns exec "$H" nft list table ip mocker
  [[ $output == *"tcp dport 8080 dnat to $ip:80 comment \"mocker:c1-$T\""* ]]
  [[ $output == *"udp dport 9090 dnat to $ip:90 comment \"mocker:c1-$T\""* ]]
}

@test "network: a port published on one host address only answers there" {
  container
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net -p 127.0.0.1:8081:80
  [ "$status" -eq 0 ]
  ip=$(lease_field "$output" ip)
  container_server "$CPID" 80
  wait_http "$H" "http://$ip:80/"
  run ip netns exec "$H" curl -s --max-time 10 http://127.0.0.1:8081/
  [ "$output" = "inside-$T" ]
  run ip netns exec "$O" curl -s --max-time 2 http://198.18.0.1:8081/
  [ "$status" -ne 0 ]
}

@test "network detach: removes the container's rules, its veth and its lease" {
  container
  c1=$CPID
  container
  c2=$CPID
  mk network attach --id c1-$T --netns /proc/$c1/ns/net -p 8080:80
  mk network attach --id c2-$T --netns /proc/$c2/ns/net -p 8082:80
  veth1=$(mk network leases | jq -r ".[] | select(.id == \"c1-$T\") | .veth")
  ip -n "$H" link show "$veth1"
  run mk network detach --id c1-$T
  [ "$status" -eq 0 ]
  run ip netns exec "$H" nft -j list ruleset
  [[ $output != *"mocker:c1-$T"* ]]
  [[ $output == *"mocker:c2-$T"* ]]
  ! ip -n "$H" link show "$veth1" || false
  run mk network leases
  [ "$(jq -r '.[].id' <<< "$output")" = "c2-$T" ]
  # Detaching again is fine; the last detach removes the table.
  mk network detach --id c1-$T
  mk network detach --id c2-$T
  run ip netns exec "$H" nft list ruleset
  [[ $output != *"table ip mocker"* ]]
  [ "$(mk network leases)" = "[]" ]
  run ip -n "$H" -o link show type veth
  [[ $output != *vethmk* ]]
}

@test "network detach after the container is gone: the veth went with its netns" {
  container
  mk network attach --id c1-$T --netns /proc/$CPID/ns/net -p 8080:80
  kill "$CPID"; wait "$CPID" || true
  mk network detach --id c1-$T
  [ "$(mk network leases)" = "[]" ]
  run ip -n "$H" -o link show type veth
  [[ $output != *vethmk* ]]
  run ip netns exec "$H" nft list ruleset
  [[ $output != *mocker* ]]
}

@test "network: 50 parallel attaches get 50 distinct addresses; detaching all leaves nothing" {
  local i pids=() cps=()
  for i in $(seq 50); do container; cps+=("$CPID"); done
  for i in $(seq 50); do
    mk network attach --id p$i-$T --netns /proc/${cps[$((i-1))]}/ns/net > "$STATE/lease.$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  [ "$(cat "$STATE"/lease.* | jq -r .ip | sort -u | wc -l)" -eq 50 ]
  [ "$(mk network leases | jq length)" -eq 50 ]
  # Each container really has its own address.
  for i in 1 25 50; do
    ip=$(jq -r .ip "$STATE/lease.$i")
    in_c "${cps[$((i-1))]}" ip -4 -o addr show dev eth0 | grep -q "inet $ip/"
  done
  pids=()
  for i in $(seq 50); do mk network detach --id p$i-$T & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  [ "$(mk network leases)" = "[]" ]
  run ip -n "$H" -o link show type veth
  [[ $output != *vethmk* ]]
  run ip netns exec "$H" nft list ruleset
  [[ $output != *mocker* ]]
}

@test "network attach --net: 20 parallel attaches to a user network and the default bridge, one netns on both" {
  local i pids=() cps=()
  mk network create --subnet 10.240.0.0/24 un-$T > /dev/null
  for i in $(seq 20); do container; cps+=("$CPID"); done
  for i in $(seq 20); do
    mk network attach --id u$i-$T --net un-$T --alias al$i --netns /proc/${cps[$((i-1))]}/ns/net > "$STATE/lease.$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  [ "$(cat "$STATE"/lease.* | jq -r .ip | sort -u | wc -l)" -eq 20 ]
  [ "$(cat "$STATE"/lease.* | jq -r .network | sort -u)" = "un-$T" ]
  [ "$(cat "$STATE"/lease.* | jq -r .ip | grep -c '^10\.240\.0\.')" -eq 20 ]
  [ "$(jq -r '.leases[] | select(.id == "u7-'$T'") | .aliases[0]' "$STATE/network/networks/un-$T/leases.json")" = al7 ]
  # the first container also joins the default bridge: eth1 there, no second default route
  run mk network attach --id u1-$T --netns /proc/${cps[0]}/ns/net
  [ "$status" -eq 0 ]
  [ "$(jq -r .ifname <<< "$output")" = eth1 ]
  [ "$(jq -r .network <<< "$output")" = bridge ]
  [ "$(in_c "${cps[0]}" ip route | grep -c '^default')" = 1 ]
  [ "$(mk network leases | jq length)" -eq 21 ]
  # a peer on the user network answers through the bridge
  ip2=$(jq -r .ip "$STATE/lease.2")
  in_c "${cps[0]}" "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ping -c 1 -W 5 "$ip2"
  # detach from one network only, then from all
  mk network detach --id u1-$T --net un-$T
  ! in_c "${cps[0]}" ip link show eth0 2>/dev/null || false
  in_c "${cps[0]}" ip link show eth1
  pids=()
  for i in $(seq 20); do mk network detach --id u$i-$T & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  [ "$(mk network leases)" = "[]" ]
  run ip -n "$H" -o link show type veth
  [[ $output != *vethmk* ]]
  mk network rm un-$T
  run ip netns exec "$H" nft list ruleset
  [[ $output != *mocker* && $output != *mk-* ]]
  run ip -n "$H" -o link show
  [[ $output != *mk-* ]]
}

@test "network: the bridge avoids a subnet the host uses; MOCKER_SUBNET chooses one" {
  ip -n "$H" link add mkt-used type veth peer name mkt-used1
  ip -n "$H" addr add 10.89.7.1/24 dev mkt-used
  container
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net
  [ "$status" -eq 0 ]
  [ "$(lease_field "$output" subnet)" = "172.30.0.0/16" ]
  mk network detach --id c1-$T
  ip -n "$H" link del mocker0
  run ip netns exec "$H" env MOCKER_ROOT="$STATE" MOCKER_SUBNET=10.201.4.0/24 \
    "$MOCKER_BIN" network attach --id c1-$T --netns /proc/$CPID/ns/net
  [ "$status" -eq 0 ]
  [ "$(lease_field "$output" ip)" = "10.201.4.2" ]
  [ "$(lease_field "$output" gateway)" = "10.201.4.1" ]
}

@test "network loopback (--network none): only lo, up" {
  container
  mk network loopback --netns /proc/$CPID/ns/net
  run in_c "$CPID" ip -o link show
  [ "$(wc -l <<< "$output")" -eq 1 ]
  [[ $output == *"lo:"*"UP"* ]]
  run ip -n "$H" -o link show
  [[ $output != *mocker0* ]]
}

@test "network attach: clear errors, nothing left behind" {
  container
  run mk network attach --id c1-$T --netns /proc/self/ns/net
  [ "$status" -ne 0 ]
  [[ $output == *"mocker's own network namespace"* ]]
  run mk network attach --id c1-$T --netns /nonexistent
  [ "$status" -ne 0 ]
  [[ $output == *"/nonexistent"* ]]
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net -p 8080:99999
  [ "$status" -ne 0 ]
  [[ $output == *"port \`8080:99999\`"* ]]
  run mk network attach --id 'bad id;' --netns /proc/$CPID/ns/net
  [ "$status" -ne 0 ]
  [[ $output == *"container id"* ]]
  mk network attach --id c1-$T --netns /proc/$CPID/ns/net -p 8080:80
  container
  run mk network attach --id c1-$T --netns /proc/$CPID/ns/net
  [ "$status" -ne 0 ]
  [[ $output == *"already attached"* ]]
  run mk network attach --id c2-$T --netns /proc/$CPID/ns/net -p 8080:81
  [ "$status" -ne 0 ]
  [[ $output == *"host port 8080/tcp is already published by container \`c1-$T\`"* ]]
  # The failed attaches left no lease, veth or rule.
  [ "$(mk network leases | jq length)" -eq 1 ]
  [ "$(ip -n "$H" -o link show type veth | grep -c vethmk)" -eq 1 ]
  [ "$(ip netns exec "$H" nft list ruleset | grep -c 'mocker:')" -eq 1 ]
  run in_c "$CPID" ip -o link show
  [[ $output != *eth0* ]]
}

# The real flow: the runtime creates the container with a new netns, mocker
# wires /proc/<pid>/ns/net between `create` and `start`.
rt_container() {  # rt_container ARGS...: created (not started) busybox container, sets RT_ID
  : "${MOCKER_RUNTIME:?}" "${MOCKER_TOP:?}"
  [ -x "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ] || bash "$MOCKER_TOP/bundles/make-rootfs.sh" >&2
  cp -a "$MOCKER_TOP/bundles/busybox" "$STATE/bundle"
  # One --arg per word: jq would take words like "-c" for its own options.
  local i=0 filter='.process.args = [' jqargs=() a
  for a in "$@"; do jqargs+=(--arg "a$i" "$a"); filter+="\$a$i,"; i=$((i + 1)); done
  jq "${jqargs[@]}" "${filter%,}]" < "$MOCKER_TOP/bundles/busybox/config.json" \
    > "$STATE/bundle/config.json"
  RT_ID=mkt-net-$T
  ip netns exec "$H" "$MOCKER_RUNTIME" --root "$STATE/rt" create --bundle "$STATE/bundle" \
    --pid-file "$STATE/pid" "$RT_ID" > "$STATE/out" 2>&1
}

rt_start_and_wait() {
  ip netns exec "$H" "$MOCKER_RUNTIME" --root "$STATE/rt" start "$RT_ID"
  local i s
  for i in $(seq 200); do
    s=$(ip netns exec "$H" "$MOCKER_RUNTIME" --root "$STATE/rt" state "$RT_ID" | jq -r .status)
    [ "$s" = stopped ] && return 0
    sleep 0.05
  done
  return 1
}

@test "network: a mocker-runtime container wired between create and start reaches the outside" {
  outside_server
  rt_container sh -c 'wget -q -O - http://198.18.0.2:8000/ && ip -o -4 addr show eth0'
  run mk network attach --id "$RT_ID" --netns "/proc/$(cat "$STATE/pid")/ns/net"
  [ "$status" -eq 0 ]
  ip=$(lease_field "$output" ip)
  rt_start_and_wait
  run cat "$STATE/out"
  [ "${lines[0]}" = "outside-$T" ]
  [[ ${lines[1]} == *"inet $ip/"* ]]
  grep -q '^198\.18\.0\.1 .*"GET / ' "$STATE/server.log"
  ip netns exec "$H" "$MOCKER_RUNTIME" --root "$STATE/rt" delete "$RT_ID"
  RT_ID=
  mk network detach --id mkt-net-$T
  [ "$(mk network leases)" = "[]" ]
  run ip -n "$H" -o link show type veth
  [[ $output != *vethmk* ]]
}

@test "network: a mocker-runtime container with --network none has only lo, up" {
  rt_container sh -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1; ip -o link show lo'
  mk network loopback --netns "/proc/$(cat "$STATE/pid")/ns/net"
  rt_start_and_wait
  run cat "$STATE/out"
  [ "$(echo ${lines[0]})" = lo ]
  [ "${#lines[@]}" -eq 2 ]
  [[ ${lines[1]} == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}
