#!/usr/bin/env bats
# User-defined networks: mocker network create|ls|inspect|rm|prune|connect|
# disconnect, run --network NAME and --network-alias.  Never touches the
# machine's own netns: each test makes a "host" netns where mocker runs
# (nsenter --net: only the network namespace changes), and checks in
# teardown that no bridge, veth or nftables table of mocker is left in it.
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
  H=mkt-nh-$T
  ip netns add "$H"
  ip netns exec "$H" ip link set lo up
}

teardown() {
  local ids left=0
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mk rm -f $ids > /dev/null 2>&1 || true
  mk network prune -f > /dev/null 2>&1 || true
  [ "$(mk network leases)" = "[]" ] || { echo "leases left" >&2; left=1; }
  [ "$(mk network ls -q --filter type=custom)" = "" ] || { echo "networks left" >&2; left=1; }
  ! ip -n "$H" -o link show | grep -E -q 'vethmk|mk-[0-9a-f]' || { echo "links left" >&2; ip -n "$H" -o link show >&2; left=1; }
  ! ip netns exec "$H" nft list tables | grep -q 'ip mk-' || { echo "nft table left" >&2; left=1; }
  if [ -n "${srv:-}" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
  [ -z "${O:-}" ] || ip netns del "$O" 2>/dev/null || true
  ip netns del "$H" 2>/dev/null || true
  return $left
}

# mocker in the test's host netns.
mk() {
  nsenter --net="/run/netns/$H" "$MOCKER_BIN" "$@"
}

# The address of container $2 on network $1.
ip_on() {
  mk network inspect "$1" | jq -r --arg n "$2" '.[0].Containers[] | select(.Name == $n) | .IPv4Address' | cut -d/ -f1
}

@test "network create/ls/inspect/rm: Docker's shapes, clear errors, nothing half-made" {
  run mk network create --label team=a --label solo n1-$T
  [ "$status" -eq 0 ]
  id=$output
  [[ $id =~ ^[0-9a-f]{64}$ ]]
  # ls: the predefined networks and this one, sorted by name, Docker's columns
  run mk network ls
  [ "$status" -eq 0 ]
  [[ ${lines[0]} =~ ^NETWORK\ ID\ +NAME\ +DRIVER\ +SCOPE$ ]]
  [ "$(mk network ls --format '{{.Name}}' | tr '\n' ' ')" = "bridge host n1-$T none " ]
  [ "$(mk network ls --format '{{.Name}} {{.Driver}}' --filter name=n1)" = "n1-$T bridge" ]
  [ "$(mk network ls --format '{{.Name}}' --filter label=team=a)" = "n1-$T" ]
  [ "$(mk network ls --format '{{.Name}}' --filter driver=null)" = "none" ]
  [ "$(mk network ls -q --filter name=n1)" = "${id:0:12}" ]
  [ "$(mk network ls -q --no-trunc --filter name=n1)" = "$id" ]
  # inspect: Name, Id, Driver, IPAM.Config, Containers, Labels
  run mk network inspect "n1-$T"
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].Name' <<< "$output")" = "n1-$T" ]
  [ "$(jq -r '.[0].Id' <<< "$output")" = "$id" ]
  [ "$(jq -r '.[0].Driver' <<< "$output")" = bridge ]
  [ "$(jq -c '.[0].Labels' <<< "$output")" = '{"team":"a","solo":""}' ]
  [ "$(jq -c '.[0].Containers' <<< "$output")" = '{}' ]
  subnet=$(jq -r '.[0].IPAM.Config[0].Subnet' <<< "$output")
  gw=$(jq -r '.[0].IPAM.Config[0].Gateway' <<< "$output")
  bridge=$(jq -r '.[0].Options["com.docker.network.bridge.name"]' <<< "$output")
  [[ $subnet =~ ^[0-9.]+/[0-9]+$ ]]
  # the bridge holds the gateway address; its own nftables table exists
  ip -n "$H" -4 -o addr show dev "$bridge" | grep -q "inet $gw/${subnet#*/} "
  ip netns exec "$H" nft list table ip "$bridge" > /dev/null
  # by id prefix too; the predefined ones are there
  [ "$(mk network inspect "${id:0:10}" | jq -r '.[0].Name')" = "n1-$T" ]
  [ "$(mk network inspect bridge host none | jq -r '.[].Driver' | tr '\n' ' ')" = "bridge host null " ]

  # --subnet and --gateway; the pool avoids the first network's subnet
  mk network create --subnet 10.231.0.0/24 --gateway 10.231.0.254 n2-$T
  [ "$(mk network inspect n2-$T | jq -c '.[0].IPAM.Config')" = '[{"Subnet":"10.231.0.0/24","Gateway":"10.231.0.254"}]' ]
  mk network create n3-$T
  [ "$(mk network inspect n3-$T | jq -r '.[0].IPAM.Config[0].Subnet')" != "$subnet" ]
  mk network rm n3-$T

  # errors: one line naming what is wrong, nothing made
  before=$(ip -n "$H" -o link show | wc -l)
  run -1 mk network create n1-$T
  [ "$output" = "mocker: create network \`n1-$T\`: network with name n1-$T already exists" ]
  run -1 mk network create bridge
  [[ $output == *"network with name bridge already exists"* ]]
  run -1 mk network create 'bad/name'
  [[ $output == *"network name \`bad/name\`"* ]]
  run -1 mk network create --subnet 10.231.0.128/25 n4-$T
  [ "$output" = "mocker: create network \`n4-$T\`: subnet 10.231.0.128/25 overlaps 10.231.0.0/24 of network \`n2-$T\`" ]
  run -1 mk network create --subnet 10.232.0.0/33 n4-$T
  [[ $output == *"prefix length must be 8 to 30"* ]]
  run -1 mk network create --subnet 10.232.0.1/24 n4-$T
  [[ $output == *"host bits are set"* ]]
  run -1 mk network create --subnet 10.232.0.0/24 --gateway 10.233.0.1 n4-$T
  [[ $output == *"gateway \`10.233.0.1\`: not a host address of subnet 10.232.0.0/24"* ]]
  run -1 mk network create -d macvlan n4-$T
  [[ $output == *"only bridge is supported"* ]]
  run -1 mk network create
  [ "$(ip -n "$H" -o link show | wc -l)" = "$before" ]
  [ "$(mk network ls -q | wc -l)" = 5 ]
  run -1 --separate-stderr mk network inspect nope-$T
  [ "$output" = "[]" ]
  [ "$stderr" = "mocker: network \`nope-$T\` not found" ]
  run -1 mk network rm nope-$T
  [ "$output" = "mocker: network \`nope-$T\` not found" ]
  run mk network rm -f nope-$T
  [ "$status" -eq 0 ]
  run -1 mk network rm bridge
  [ "$output" = "mocker: bridge is a pre-defined network and cannot be removed" ]
  run -125 mk run --rm --network nope-$T busybox true
  [ "$output" = "mocker: --network \`nope-$T\`: network not found (see \`mocker network ls\`)" ]
  run -125 mk run --rm --network-alias x busybox true
  [[ $output == *"only for containers on user-defined networks"* ]]
  run -125 mk run --rm --network n1-$T --network-alias 'a b' busybox true
  [ "$output" = "mocker: --network-alias \`a b\`: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" ]

  # rm: the bridge and the table go with the definition
  run mk network rm n1-$T n2-$T
  [ "$status" -eq 0 ]
  [ "$output" = "n1-$T"$'\n'"n2-$T" ]
  ! ip -n "$H" link show "$bridge" 2>/dev/null || false
  ! ip netns exec "$H" nft list table ip "$bridge" 2>/dev/null || false
}

@test "run --network: containers on one network reach each other by name and alias" {
  mk network create app-$T > /dev/null
  mk run -d --name web-$T --network app-$T --network-alias www --network-alias site busybox \
    sh -c 'mkdir -p /www && echo hello-$HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www' > /dev/null
  mk run -d --name cli-$T --network app-$T busybox sleep 1000 > /dev/null
  wip=$(ip_on app-$T web-$T)
  cip=$(ip_on app-$T cli-$T)
  [ -n "$wip" ]
  [ -n "$cip" ]
  [ "$wip" != "$cip" ]
  # each /etc/hosts: its own line first, then one line per peer with its aliases
  run mk exec cli-$T cat /etc/hosts
  grep -qx "$cip"$'\t'"[0-9a-f]* cli-$T" <<< "$output"
  grep -qx "$wip"$'\t'"web-$T www site [0-9a-f]\{12\}" <<< "$output"
  run mk exec web-$T cat /etc/hosts
  grep -qx "$cip"$'\t'"cli-$T [0-9a-f]\{12\}" <<< "$output"
  # by name and by alias: ping and HTTP
  mk exec cli-$T ping -c 1 -W 5 web-$T
  mk exec cli-$T ping -c 1 -W 5 www
  mk exec web-$T ping -c 1 -W 5 cli-$T
  run mk exec cli-$T wget -q -O - http://site:8080/
  [ "$status" -eq 0 ]
  [[ $output == hello-* ]]
  run mk exec cli-$T wget -q -O - "http://web-$T:8080/"
  [[ $output == hello-* ]]
  # the eth0 of each is in the network's subnet, with its default route via the gateway
  gw=$(mk network inspect app-$T | jq -r '.[0].IPAM.Config[0].Gateway')
  [[ $(mk exec cli-$T ip route) == *"default via $gw dev eth0"* ]]
  # inspect lists both; the container's inspect has its NetworkSettings.Networks
  [ "$(mk network inspect app-$T | jq -r '.[0].Containers[].Name' | sort | tr '\n' ' ')" = "cli-$T web-$T " ]
  run mk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}}{{end}}' web-$T
  [ "$output" = "$wip $gw" ]
  [ "$(mk inspect web-$T | jq -c ".[0].NetworkSettings.Networks[\"app-$T\"].Aliases")" = '["www","site"]' ]
  [ "$(mk inspect web-$T | jq -r ".[0].NetworkSettings.Networks[\"app-$T\"].NetworkID")" = "$(mk network inspect app-$T | jq -r '.[0].Id')" ]
  # a rename reaches the peers
  mk rename cli-$T cli2-$T
  mk exec web-$T ping -c 1 -W 5 cli2-$T
  run mk exec web-$T cat /etc/hosts
  [ "$status" -eq 0 ]
  grep -q "cli2-$T" <<< "$output"
  ! grep -q "cli-$T" <<< "$output" || false
  mk rename cli2-$T cli-$T
  # a container that stops leaves its peers' /etc/hosts
  mk stop -t 1 web-$T > /dev/null
  run mk exec cli-$T cat /etc/hosts
  [ "$status" -eq 0 ]
  grep -q localhost <<< "$output"
  ! grep -q "web-$T" <<< "$output" || false
  [ "$(mk network inspect app-$T | jq -r '.[0].Containers[].Name')" = "cli-$T" ]
  # and comes back with start
  mk start web-$T > /dev/null
  mk exec cli-$T ping -c 1 -W 5 www
  mk rm -f web-$T cli-$T > /dev/null
  [ "$(mk network inspect app-$T | jq -c '.[0].Containers')" = '{}' ]
}

@test "a container on no user-defined network: its start, stop and rename leave the peers' /etc/hosts alone" {
  mk network create app-$T > /dev/null
  mk run -d --name a-$T --network app-$T busybox sleep 1000 > /dev/null
  hosts=$MOCKER_ROOT/containers/$(mk inspect -f '{{.Id}}' a-$T)/etc/hosts
  [ -f "$hosts" ]
  before=$(stat -c '%i %y' "$hosts")
  # a rewrite (in place) changes the file's mtime; none may happen
  mk run -d --name b-$T busybox sleep 1000 > /dev/null
  mk rename b-$T b2-$T
  mk stop -t 1 b2-$T > /dev/null
  mk start b2-$T > /dev/null
  mk rm -f b2-$T > /dev/null
  [ "$(stat -c '%i %y' "$hosts")" = "$before" ]
  # while a start on the network does rewrite it
  mk run -d --name c-$T --network app-$T busybox sleep 1000 > /dev/null
  [ "$(stat -c '%i %y' "$hosts")" != "$before" ]
  grep -q "c-$T" "$hosts"
  # one on the default bridge connected to the network: its own line keeps
  # its bridge address, its peers learn the one on the network
  mk run -d --name d-$T busybox sleep 1000 > /dev/null
  dip=$(mk inspect -f '{{.NetworkSettings.IPAddress}}' d-$T)
  [ -n "$dip" ]
  mk network connect app-$T d-$T
  grep -qx "$dip"$'\t'"[0-9a-f]* d-$T" <<< "$(mk exec d-$T cat /etc/hosts)"
  grep -qx "$(ip_on app-$T d-$T)"$'\t'"d-$T [0-9a-f]\{12\}" "$hosts"
  mk rm -f a-$T c-$T d-$T > /dev/null
}

@test "networks are isolated: no traffic between two networks, nor with the default bridge" {
  mk network create red-$T > /dev/null
  mk network create blue-$T > /dev/null
  mk run -d --name r1-$T --network red-$T busybox sleep 1000 > /dev/null
  mk run -d --name r2-$T --network red-$T busybox sleep 1000 > /dev/null
  mk run -d --name b1-$T --network blue-$T busybox sleep 1000 > /dev/null
  mk run -d --name d1-$T busybox sleep 1000 > /dev/null
  r2=$(ip_on red-$T r2-$T)
  b1=$(ip_on blue-$T b1-$T)
  d1=$(mk exec d1-$T ip -4 -o addr show eth0 | sed 's/.*inet \([0-9.]*\)\/.*/\1/')
  # within red: yes
  mk exec r1-$T ping -c 1 -W 5 "$r2"
  # red <-> blue, red <-> default bridge: no, in both directions
  run mk exec r1-$T ping -c 1 -W 1 "$b1"
  [ "$status" -ne 0 ]
  run mk exec b1-$T ping -c 1 -W 1 "$r2"
  [ "$status" -ne 0 ]
  run mk exec r1-$T ping -c 1 -W 1 "$d1"
  [ "$status" -ne 0 ]
  run mk exec d1-$T ping -c 1 -W 1 "$r2"
  [ "$status" -ne 0 ]
  # and no names of the other network
  run mk exec b1-$T cat /etc/hosts
  [ "$status" -eq 0 ]
  grep -q localhost <<< "$output"
  ! grep -q "r1-$T\|r2-$T" <<< "$output" || false
  # the host reaches every network
  ip netns exec "$H" "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ping -c 1 -W 5 "$b1"
  ip netns exec "$H" "$MOCKER_TOP/bundles/busybox/rootfs/bin/busybox" ping -c 1 -W 5 "$r2"
}

@test "network connect/disconnect: a second interface, /etc/hosts of every peer rewritten in place" {
  mk network create front-$T > /dev/null
  mk network create back-$T > /dev/null
  mk run -d --name api-$T --network front-$T busybox sleep 1000 > /dev/null
  mk run -d --name db-$T --network back-$T busybox sleep 1000 > /dev/null
  run mk exec api-$T ping -c 1 -W 1 db-$T
  [ "$status" -ne 0 ]
  inode=$(mk exec api-$T stat -c %i /etc/hosts)
  mk network connect --alias database back-$T db-$T 2>/dev/null && false
  run -1 mk network connect back-$T db-$T
  [ "$output" = "mocker: container db-$T is already connected to network back-$T" ]

  mk network connect --alias apiback back-$T api-$T
  # eth1 in back's subnet, no second default route
  back_ip=$(ip_on back-$T api-$T)
  [[ $(mk exec api-$T ip -4 -o addr show eth1) == *"inet $back_ip/"* ]]
  [ "$(mk exec api-$T ip route | grep -c '^default')" = 1 ]
  # both sides know each other now, the alias too; same file (bind mount) inside
  mk exec api-$T ping -c 1 -W 5 db-$T
  mk exec db-$T ping -c 1 -W 5 apiback
  [ "$(mk exec api-$T stat -c %i /etc/hosts)" = "$inode" ]
  # its own line keeps the address of its first network
  front_ip=$(ip_on front-$T api-$T)
  grep -qx "$front_ip"$'\t'"[0-9a-f]* api-$T" <<< "$(mk exec api-$T cat /etc/hosts)"
  [ "$(mk network inspect back-$T | jq -r '.[0].Containers[].Name' | sort | tr '\n' ' ')" = "api-$T db-$T " ]
  # ps --filter network= knows the networks a container was connected to
  [ "$(mk ps --filter network=back-$T --format '{{.Names}}' | sort | tr '\n' ' ')" = "api-$T db-$T " ]
  [ "$(mk ps --filter network=front-$T --format '{{.Names}}')" = "api-$T" ]

  # rm is refused while containers are connected
  run -1 mk network rm back-$T
  [[ $output == "mocker: error while removing network: network back-$T id "*" has active endpoints (2 containers connected)" ]]
  mk network inspect back-$T > /dev/null

  mk network disconnect back-$T api-$T
  ! mk exec api-$T ip link show eth1 2>/dev/null || false
  run mk exec db-$T cat /etc/hosts
  [ "$status" -eq 0 ]
  grep -q localhost <<< "$output"
  ! grep -q "api-$T\|apiback" <<< "$output" || false
  run mk exec api-$T cat /etc/hosts
  [ "$status" -eq 0 ]
  grep -q localhost <<< "$output"
  ! grep -q "db-$T" <<< "$output" || false
  run -1 mk network disconnect back-$T api-$T
  [ "$output" = "mocker: container api-$T is not connected to network back-$T" ]
  run -1 mk network connect bridge api-$T
  [[ $output == *"only user-defined networks"* ]]
  run -1 mk network connect nope-$T api-$T
  [ "$output" = "mocker: network \`nope-$T\` not found" ]

  # a stopped container is connected at its next start
  mk stop -t 1 api-$T > /dev/null
  mk network connect back-$T api-$T
  [ "$(mk network inspect back-$T | jq -r '.[0].Containers[].Name')" = "db-$T" ]
  mk start api-$T > /dev/null
  mk exec db-$T ping -c 1 -W 5 api-$T
  mk exec api-$T ping -c 1 -W 5 db-$T

  # --network host/none containers cannot be connected
  mk run -d --name hostnet-$T --network none busybox sleep 1000 > /dev/null
  run -1 mk network connect back-$T hostnet-$T
  [[ $output == *"is on the none network"* ]]

  mk rm -f api-$T db-$T hostnet-$T > /dev/null
  run mk network rm back-$T front-$T
  [ "$status" -eq 0 ]
}

@test "network prune removes the unused user-defined networks only; -p works on a user network" {
  mk network create used-$T > /dev/null
  mk network create idle1-$T > /dev/null
  mk network create idle2-$T > /dev/null
  mk run -d --name u-$T --network used-$T -p 18080:8080 busybox \
    sh -c 'mkdir /www && echo pub > /www/index.html && exec httpd -f -p 8080 -h /www' > /dev/null
  # without -f it asks, as Docker: only "y" or "yes" (any case) goes on
  local answer
  for answer in n yep ''; do
    run mk network prune <<< "$answer"
    [ "$status" -eq 0 ]
    [ "$output" = "WARNING! This will remove all custom networks not used by at least one container."$'\n'"Are you sure you want to continue? [y/N] " ]
    [ "$(mk network ls -q --filter type=custom | wc -l)" = 3 ]
  done
  run mk network prune -f
  [ "$status" -eq 0 ]
  [ "$output" = "Deleted Networks:"$'\n'"idle1-$T"$'\n'"idle2-$T" ]
  [ "$(mk network ls --format '{{.Name}}' --filter type=custom)" = "used-$T" ]
  # the published port answers on the host's loopback (the network's own table)
  local i ok=1
  for i in $(seq 100); do
    ip netns exec "$H" wget -q -O - http://127.0.0.1:18080/ 2>/dev/null | grep -qx pub && { ok=0; break; }
    sleep 0.05
  done
  [ "$ok" = 0 ]
  # the host port is one space: the default bridge cannot take it again
  run -125 mk run --rm -p 18080:80 busybox true
  [[ $output == *"host port 18080/tcp is already published by container"* ]]
  # system prune takes the unused networks too, after the stopped containers
  mk network create idle3-$T > /dev/null
  mk stop -t 1 u-$T > /dev/null
  run mk system prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [[ $output == *$'\nDeleted Networks:\n'"idle3-$T"$'\n'"used-$T"$'\n\n'* ]]
  [ -z "$(mk network ls -q --filter type=custom)" ]
}

@test "a stopped container whose network was removed fails to start with a clear error, nothing left" {
  mk network create gone-$T > /dev/null
  mk run -d --name g-$T --network gone-$T busybox sleep 1000 > /dev/null
  mk stop -t 1 g-$T > /dev/null
  # a stopped container holds no lease: rm is allowed (as Docker's)
  mk network rm gone-$T
  run -125 mk start g-$T
  [[ $output == *"network \`gone-$T\` not found"* ]]
  [ "$(mk inspect g-$T | jq -r '.[0].State.Running')" = false ]
  [ "$(mk network leases)" = "[]" ]
  # back on a network of that name, it starts
  mk network create gone-$T > /dev/null
  mk start g-$T > /dev/null
  [ "$(mk network inspect gone-$T | jq -r '.[0].Containers[].Name')" = "g-$T" ]
  mk rm -f g-$T > /dev/null
}

@test "a user network's containers reach the outside through NAT; its subnet avoids the default bridge's" {
  # an "outside" netns joined to the host netns (198.18.0.0/24, a test range)
  O=mkt-no-$T
  ip netns add "$O"
  ip netns exec "$O" ip link set lo up
  ip -n "$H" link add mkt-up type veth peer name mkt-down netns "$O"
  ip -n "$H" addr add 198.18.0.1/24 dev mkt-up
  ip -n "$O" addr add 198.18.0.2/24 dev mkt-down
  ip -n "$H" link set mkt-up up
  ip -n "$O" link set mkt-down up
  mkdir -p "$MOCKER_TEST_DIR/www-$T"
  echo "outside-$T" > "$MOCKER_TEST_DIR/www-$T/index.html"
  ip netns exec "$O" /usr/bin/python3 -m http.server 8000 --bind 198.18.0.2 \
    --directory "$MOCKER_TEST_DIR/www-$T" 2> "$MOCKER_TEST_DIR/server-$T.log" &
  srv=$!
  local i
  for i in $(seq 200); do
    ip netns exec "$O" curl -s -o /dev/null --max-time 1 http://198.18.0.2:8000/ && break
    sleep 0.05
  done
  # the default bridge first: a user network may not overlap it
  mk run -d --name d-$T busybox sleep 1000 > /dev/null
  dsub=$(mk network inspect bridge | jq -r '.[0].IPAM.Config[0].Subnet')
  [[ $dsub =~ ^[0-9.]+/[0-9]+$ ]]
  run -1 mk network create --subnet "$dsub" over-$T
  [[ $output == *"overlaps $dsub of network \`bridge\`"* ]]
  mk network create out-$T > /dev/null
  run mk run --rm --network out-$T busybox wget -q -O - http://198.18.0.2:8000/
  kill "$srv"; wait "$srv" 2>/dev/null || true
  ip netns del "$O"
  [ "$status" -eq 0 ]
  [ "$output" = "outside-$T" ]
  # masqueraded: the server saw the host's address (and its own, for the
  # readiness check), never the container's
  grep -q '^198\.18\.0\.1 .*"GET / ' "$MOCKER_TEST_DIR/server-$T.log"
  ! grep '"GET / ' "$MOCKER_TEST_DIR/server-$T.log" | grep -vq '^198\.18\.0\.[12] ' || false
}
