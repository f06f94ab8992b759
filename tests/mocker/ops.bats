#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# Operations on the whole store: logs --since/--until, container prune,
# the container group, system prune/df, info, events. --network none.

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
  mocker volume prune -af > /dev/null 2>&1 || true
}

mrun() {
  mocker run --network none "$@"
}

@test "logs --since / --until: RFC 3339, Unix times and durations, as Docker" {
  id=$(mrun -d busybox sh -c 'echo a; sleep 0.1; echo b; sleep 0.1; echo c')
  mocker wait "$id" > /dev/null
  mapfile -t t < <(mocker logs -t "$id" | cut -d' ' -f1)
  [ "${#t[@]}" = 3 ]
  [ "$(mocker logs --since "${t[1]}" "$id" | tr '\n' ' ')" = "b c " ]
  [ "$(mocker logs --until "${t[1]}" "$id" | tr '\n' ' ')" = "a b " ]
  [ "$(mocker logs --since "${t[1]}" --until "${t[1]}" "$id")" = b ]
  # the same instant as a Unix time with nanoseconds, and in another zone
  unix=$(date -d "${t[1]}" +%s.%N)
  [ "$(mocker logs --since "$unix" "$id" | tr '\n' ' ')" = "b c " ]
  zoned=$(TZ=UTC-2 date -d "${t[1]}" +%Y-%m-%dT%H:%M:%S.%N+02:00)
  [ "$(mocker logs --until "$zoned" "$id" | tr '\n' ' ')" = "a b " ]
  # durations count back from now: everything is younger than an hour
  [ "$(mocker logs --since 1h "$id" | wc -l)" = 3 ]
  [ -z "$(mocker logs --until 1h "$id")" ]
  [ -z "$(mocker logs --since -1h "$id")" ]
  [ "$(mocker logs --since 0 --tail 1 "$id")" = c ]
  run mocker logs --since yesterday "$id"
  [ "$status" -eq 125 ]
  [[ $output == *'invalid value for "since": failed to parse value as time or duration: "yesterday"'* ]]
  run mocker logs --until 2026-13-01 "$id"
  [ "$status" -eq 125 ]
}

# events of one container, past ones only: "action[:attribute]" per line
actions() {  # actions ID [FORMAT-SUFFIX]
  mocker events --since 1h --until 0s -f container="$1" --format "{{.Action}}${2:-}"
}

@test "events: a container's lifecycle, in order, with Docker's attributes" {
  id=$(mrun -d --label team=ops --name ev1 busybox sleep 100)
  mocker pause ev1 > /dev/null
  mocker unpause ev1 > /dev/null
  mocker rename ev1 ev2
  mocker kill ev2 > /dev/null
  mocker rm ev2 > /dev/null
  run actions "$id"
  echo "$output"
  [ "$(echo "$output" | tr '\n' ' ')" = "create start pause unpause rename kill die destroy " ]
  # the name filter and a prefix of the id find the same events
  [ "$(mocker events --since 1h --until 0s -f container=ev1 --format '{{.Action}}' | head -1)" = create ]
  [ "$(mocker events --since 1h --until 0s -f container="${id:0:8}" | wc -l)" = 8 ]
  # Docker's attributes: labels, image, name; the event's own
  run mocker events --since 1h --until 0s -f container="$id" -f event=die --format json
  [ "$(echo "$output" | jq -r .Actor.Attributes.exitCode)" = 137 ]
  [ "$(echo "$output" | jq -r .Actor.Attributes.team)" = ops ]
  [ "$(echo "$output" | jq -r '.status + " " + .Type + " " + .from + " " + .scope')" = "die container busybox local" ]
  [ "$(echo "$output" | jq -r '(.timeNano|tostring)[0:10] == (.time|tostring)')" = true ]
  [ "$(actions "$id" ' {{index .Actor.Attributes "signal"}}' | grep kill)" = "kill 9" ]
  [ "$(actions "$id" ' {{.Actor.Attributes.oldName}} {{.Actor.Attributes.name}}' | grep rename)" = "rename /ev1 ev2" ]
  # Docker's default line: TIME TYPE ACTION ID (k=v, ...), keys sorted
  line=$(TZ=UTC mocker events --since 1h --until 0s -f container="$id" -f event=create)
  [[ $line =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z\ container\ create\ $id\ \(image=busybox,\ name=ev1,\ team=ops\)$ ]]
  # filters by type, image, label
  [ "$(mocker events --since 1h --until 0s -f container="$id" -f type=container | wc -l)" = 8 ]
  [ "$(mocker events --since 1h --until 0s -f container="$id" -f type=image | wc -l)" = 0 ]
  [ "$(mocker events --since 1h --until 0s -f container="$id" -f image=busybox | wc -l)" = 8 ]
  [ "$(mocker events --since 1h --until 0s -f container="$id" -f label=team=ops | wc -l)" = 8 ]
  [ "$(mocker events --since 1h --until 0s -f container="$id" -f label=team=dev | wc -l)" = 0 ]
}

@test "events: stop is kill, die, stop; restart adds start and restart" {
  id=$(mrun -d busybox sh -c 'trap "exit 3" TERM; while true; do sleep 0.1; done')
  mocker stop -t 20 "$id" > /dev/null
  mocker restart -t 0 "$id" > /dev/null
  mocker rm -f "$id" > /dev/null
  run actions "$id" '{{with .Actor.Attributes.exitCode}}:{{.}}{{end}}{{with .Actor.Attributes.signal}}:{{.}}{{end}}'
  echo "$output"
  [ "$(echo "$output" | tr '\n' ' ')" = "create start kill:15 die:3 stop start restart kill:9 die:137 destroy " ]
}

@test "events: the monitor records die and the start of each restart (--restart)" {
  id=$(mrun -d --restart on-failure:2 busybox sh -c 'exit 3')
  for i in $(seq 200); do
    [ "$(actions "$id" | grep -c die)" = 3 ] && break
    sleep 0.05
  done
  mocker wait "$id" > /dev/null
  run actions "$id"
  echo "$output"
  [ "$(echo "$output" | tr '\n' ' ')" = "create start die start die start die " ]
}

@test "events: follows new events (from --since), across a rotation of the log" {
  t0=$(date +%s.%N)
  MOCKER_EVENTS_LOG_MAX=4000 "$MOCKER_BIN" events --since "$t0" --format '{{.Action}} {{.Actor.Attributes.name}}' \
    > "$MOCKER_TEST_DIR/follow" 2>&1 &
  pid=$!
  # it has opened the log (with more events than the log keeps, the first
  # ones would go before it could read them)
  for i in $(seq 200); do
    ls -l /proc/$pid/fd 2>/dev/null | grep -q 'events.log$' && break
    sleep 0.05
  done
  for i in 1 2 3; do
    MOCKER_EVENTS_LOG_MAX=4000 mrun --rm --name fol$i busybox true
  done
  for i in $(seq 200); do
    grep -q 'destroy fol3' "$MOCKER_TEST_DIR/follow" && break
    sleep 0.05
  done
  kill "$pid"
  wait "$pid" || true
  cat "$MOCKER_TEST_DIR/follow"
  [ -e "$MOCKER_ROOT/events.log.1" ]
  [ "$(grep -c fol "$MOCKER_TEST_DIR/follow")" = 12 ]
  [ "$(grep fol2 "$MOCKER_TEST_DIR/follow" | tr '\n' ' ')" = "create fol2 start fol2 die fol2 destroy fol2 " ]
  # the past events are read from both files (the oldest went with the
  # rotations: the log is bounded)
  [ "$(wc -c < "$MOCKER_ROOT/events.log")" -lt 4500 ]
  mocker events --since "$t0" --until 0s --format '{{.Action}} {{.Actor.Attributes.name}}' > "$MOCKER_TEST_DIR/past"
  both=$(cat "$MOCKER_ROOT/events.log.1" "$MOCKER_ROOT/events.log" | grep -c '"name":"fol')
  [ "$(wc -l < "$MOCKER_TEST_DIR/past")" = "$both" ]
  [ "$(tail -1 "$MOCKER_TEST_DIR/past")" = "destroy fol3" ]
}

@test "events: --until in the future waits for it, then exits" {
  until_ns=$(( $(date +%s%N) + 1000000000 ))
  run timeout 20 "$MOCKER_BIN" events --until "$((until_ns / 1000000000)).$(printf %09d $((until_ns % 1000000000)))"
  [ "$status" -eq 0 ]
  # it did not leave before that time (an exit at once passed this test before)
  [ "$(date +%s%N)" -ge "$until_ns" ]
}

@test "events: bad options are 125, arguments 1" {
  run mocker events --since nope
  [ "$status" -eq 125 ]
  [[ $output == *'invalid value for "since"'* ]]
  run mocker events --until 2026-02-30
  [ "$status" -eq 125 ]
  run mocker events -f bogus=1 --until 0s
  [ "$status" -eq 125 ]
  [[ $output == *"invalid filter 'bogus'"* ]]
  run mocker events --format '{{.Nope}}' --until 0s
  [ "$status" -eq 125 ]
  [[ $output == *'map has no entry for key "Nope"'* ]]
  run mocker events --bogus
  [ "$status" -eq 125 ]
  run mocker events extra
  [ "$status" -eq 1 ]
}

@test "container prune: removes stopped containers only, prints Docker's report" {
  run_id=$(mrun -d busybox sleep 100)
  mrun -d busybox /no/such/program || true   # stays Created, as Docker
  created=$(mocker ps -aq --no-trunc -f status=created)
  [ -n "$created" ]
  mrun busybox sh -c 'head -c 5000 /dev/zero > /big'
  exited=$(mocker ps -aq --no-trunc -f exited=0)
  # not asked: nothing removed
  run mocker container prune <<< n
  [ "$status" -eq 0 ]
  [ "$(mocker ps -aq | wc -l)" -eq 3 ]
  run mocker container prune -f
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [[ $output == *"$exited"* ]]
  [[ $output == *"$created"* ]]
  [[ $output != *"$run_id"* ]]
  [[ ${lines[-1]} =~ ^Total\ reclaimed\ space:\ 5(\.[0-9]+)?kB$ ]]
  [ "$(echo "$output" | sed -n 4p)" = "" ]
  [ "$(mocker ps -aq --no-trunc)" = "$run_id" ]
  [ -d "$MOCKER_ROOT/containers/$run_id" ]
  [ ! -e "$MOCKER_ROOT/containers/$exited" ]
  # nothing left to prune: the total only
  run mocker container prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
  # destroy events were recorded for the pruned ones
  [ "$(mocker events --since 1h --until 0s -f container="$exited" -f event=destroy | wc -l)" = 1 ]
}

@test "container prune --filter until= and label= / label!=" {
  old=$(mrun -d --label keep=yes busybox true)
  mocker wait "$old" > /dev/null
  t=$(date +%s.%N)
  new=$(mrun -d --label keep=no busybox true)
  mocker wait "$new" > /dev/null
  other=$(mrun -d busybox true)
  mocker wait "$other" > /dev/null
  run mocker container prune -f --filter until="$t"
  [[ $output == *"$old"* ]]
  [[ $output != *"$new"* ]]
  run mocker container prune -f --filter label=keep=no
  [ "${lines[1]}" = "$new" ]
  [ "$(echo "$output" | grep -cE '^[0-9a-f]{64}$')" = 1 ]
  run mocker container prune -f --filter label!=keep
  [ "${lines[1]}" = "$other" ]
  [ -z "$(mocker ps -aq)" ]
  run mocker container prune -f --filter until=nope
  [ "$status" -eq 125 ]
  run mocker container prune -f --filter name=x
  [ "$status" -eq 125 ]
  run mocker container prune extra
  [ "$status" -eq 1 ]
}

@test "container: ls, rm, inspect, logs are the commands of those names" {
  id=$(mrun -d --name grp busybox sh -c 'echo hello')
  mocker container wait grp > /dev/null
  [ "$(mocker container ls -aq --no-trunc)" = "$id" ]
  [ "$(mocker container list -a --format '{{.Names}}')" = grp ]
  [ "$(mocker container inspect -f '{{.State.ExitCode}}' grp)" = 0 ]
  [ "$(mocker container logs grp)" = hello ]
  [ "$(mocker container rm grp)" = grp ]
  [ -z "$(mocker container ls -aq)" ]
  # a heavy one (cp) goes through mocker-heavy, which runs its own `container`
  up=$(mrun -d busybox sleep 100)
  echo copied > "$MOCKER_TEST_DIR/in"
  mocker container cp "$MOCKER_TEST_DIR/in" "$up:/in"
  [ "$(mocker container exec "$up" cat /in)" = copied ]
  [ "$(mocker container diff "$up")" = "A /in" ]
  run mocker container bogus
  [ "$status" -eq 1 ]
  [[ $output == *"unknown command \`bogus\`"* ]]
  run mocker container
  [ "$status" -eq 1 ]
  run mocker container ls --bogus
  [ "$status" -eq 125 ]
  run mocker container --bogus
  [ "$status" -eq 125 ]
  run mocker container --help
  [ "$status" -eq 0 ]
  [[ $output == *prune* ]]
  # every subcommand it takes is in its help
  for c in attach commit cp create diff exec export inspect kill logs pause port rename \
           restart rm run start stats stop top unpause update wait; do
    [[ $output == *" $c"[,\ ]* ]] || { echo "no $c"; return 1; }
  done
}

@test "info: Docker's counts and fields, as text and through --format" {
  a=$(mrun -d busybox sleep 100)
  b=$(mrun -d busybox sleep 100)
  mocker pause "$b" > /dev/null
  mrun busybox true
  run mocker info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}'
  [ "$output" = "3 1 1 1 $(image_count)" ]
  run mocker info
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *$'\n Containers: 3\n  Running: 1\n  Paused: 1\n  Stopped: 1\n'* ]]
  [[ $output == *$'\n Storage Driver: overlay\n'* ]]
  [[ $output == *$'\n Docker Root Dir: '"$(realpath "$MOCKER_ROOT")"$'\n'* ]]
  [[ $output == *$'\n Architecture: '"$(uname -m)"$'\n'* ]]
  [[ $output == *$'\n Operating System: '"$(. /etc/os-release; echo "$PRETTY_NAME")"$'\n'* ]]
  v=1; [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && v=2
  [[ $output == *$'\n Cgroup Driver: cgroupfs\n Cgroup Version: '$v$'\n'* ]]
  # {{json .}}: Docker's Info object with ClientInfo
  run mocker info --format '{{json .}}'
  [ "$(echo "$output" | jq -r '.Driver + " " + .OSType + " " + .ClientInfo.Context + " " + (.NCPU|tostring)')" = "overlay linux default $(nproc)" ]
  [ "$(mocker info --format json | jq -r .KernelVersion)" = "$(uname -r)" ]
  mocker unpause "$b" > /dev/null
}

@test "info: the host's figures match podman's" {
  command -v podman > /dev/null || skip "podman not installed"
  p=$MOCKER_TEST_DIR/podman
  mine=$(mocker info --format '{{.KernelVersion}} {{.NCPU}} {{.CgroupVersion}} {{.MemTotal}}')
  theirs=$(podman --root "$p/root" --runroot "$p/run" --storage-driver vfs info \
    --format '{{.Host.Kernel}} {{.Host.CPUs}} {{.Host.CgroupsVersion}} {{.Host.MemTotal}}')
  rm -rf --one-file-system "$p"
  echo "mocker: $mine, podman: $theirs"
  [ "$mine" = "$(echo "$theirs" | sed 's/ v\([12]\) / \1 /')" ]
}

@test "info: bad options are 125, arguments 1" {
  run mocker info --format '{{.Nope}}'
  [ "$status" -eq 125 ]
  [[ $output == *'map has no entry for key "Nope"'* ]]
  run mocker info --format '{{'
  [ "$status" -eq 125 ]
  run mocker info --bogus
  [ "$status" -eq 125 ]
  run mocker info extra
  [ "$status" -eq 1 ]
}

# the row of TYPE in `system df`, as "TOTAL ACTIVE SIZE RECLAIMABLE"
df_row() {
  mocker system df --format '{{.Type}}|{{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}' |
    sed -n "s/^$1|//p"
}

@test "system df: images, containers, volumes, build cache as Docker counts them" {
  up=$(mrun -d busybox sleep 100)
  mrun -v /vol busybox sh -c 'head -c 5000 /dev/zero > /f; head -c 1000 /dev/zero > /vol/g'
  run mocker system df
  echo "$output"
  [ "${lines[0]}" = "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE" ]
  [[ ${lines[4]} == "Build Cache "* ]]
  [ "$(df_row Containers)" = "2 1 5kB 5kB (100%)" ]
  [ "$(df_row 'Local Volumes')" = "1 1 1kB 0B (0%)" ]
  [[ $(df_row Images) == "$(image_count) 1 "* ]]
  # {{json .}}: Docker's keys, strings
  [ "$(mocker system df --format json | jq -sc 'map(select(.Type == "Containers"))[0] | [.TotalCount, .Active]')" = '["2","1"]' ]
  run mocker system df -v
  echo "$output"
  [[ $output == "Images space usage:"* ]]
  [[ $output == *$'\nContainers space usage:\n'* ]]
  [[ $output == *$'\nLocal Volumes space usage:\n'* ]]
  [[ $output == *"${up:0:12}   busybox   \"sleep 100\""* ]]
  # busybox: two containers made from it
  [[ $(echo "$output" | grep '^busybox ') =~ \ 2$ ]]
  [[ $output == *$'\nBuild cache usage: 0B'* ]]
  run mocker system df --format '{{.Nope}}'
  [ "$status" -eq 125 ]
  run mocker system df extra
  [ "$status" -eq 1 ]
}

@test "system prune: stopped containers, anonymous volumes with --volumes, dangling images; -a every unused image" {
  up=$(mrun -d busybox sleep 100)
  mrun -v /vol busybox sh -c 'head -c 5000 /dev/zero > /f'
  stopped=$(mocker ps -aq --no-trunc -f status=exited)
  vol=$(mocker volume ls -q)
  # a dangling image: a name given to a second commit
  a=$(mrun -d busybox true); mocker wait "$a" > /dev/null
  mocker commit "$a" scratchpad:1 > /dev/null
  dangling=$(mocker images -q --no-trunc scratchpad:1)
  mocker commit "$a" scratchpad:1 > /dev/null
  mocker rm "$a" > /dev/null
  run mocker system prune <<< n
  [ "$status" -eq 0 ]
  [[ $output == *"WARNING! This will remove:"* ]]
  [ -n "$(mocker ps -aq -f status=exited)" ]
  run mocker system prune -f
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [ "${lines[1]}" = "$stopped" ]
  [[ $output == *$'\nDeleted Images:\ndeleted: '"$dangling"$'\n'* ]]
  [[ ${lines[-1]} == "Total reclaimed space: "* ]]
  [[ $output != *"Deleted Volumes:"* ]]
  [ "$(mocker volume ls -q)" = "$vol" ]
  [ "$(mocker ps -aq --no-trunc)" = "$up" ]
  run mocker system prune -f --volumes
  echo "$output"
  [ "$output" = $'Deleted Volumes:\n'"$vol"$'\n\nTotal reclaimed space: 0B' ]
  [ -z "$(mocker volume ls -q)" ]
  # -a: every image no container uses (scratchpad), busybox is in use
  run mocker system prune -af
  echo "$output"
  [[ $output == *$'untagged: scratchpad:1\n'* ]]
  mocker images busybox | grep -q busybox
  mocker rm -f "$up" > /dev/null
  run mocker system prune -af
  [[ $output == *$'untagged: busybox:latest\n'* ]]
  [ "$(image_count)" = 0 ]
  mocker init -t busybox "$MOCKER_TOP/bundles/busybox/rootfs" > /dev/null
  run mocker system prune --bogus
  [ "$status" -eq 125 ]
  run mocker system prune -f extra
  [ "$status" -eq 1 ]
}

@test "system: info and events are the top-level commands; unknown subcommands are errors" {
  [ "$(mocker system info --format '{{.Driver}}')" = overlay ]
  [ "$(mocker system events --since 1h --until 0s | wc -l)" = "$(mocker events --since 1h --until 0s | wc -l)" ]
  run mocker system bogus
  [ "$status" -eq 1 ]
  run mocker system --bogus
  [ "$status" -eq 125 ]
  run mocker system
  [ "$status" -eq 1 ]
  run mocker system --help
  [[ $output == *prune* ]]
}

@test "events: exec_create, exec_start (with the command) and exec_die (with its status)" {
  id=$(mrun -d busybox sleep 100)
  run mocker exec "$id" sh -c 'exit 4'
  [ "$status" -eq 4 ]
  run mocker events --since 1h --until 0s -f container="$id" -f event=exec_create -f event=exec_start \
    -f event=exec_die --format '{{.Action}}|{{index .Actor.Attributes "exitCode"}}|{{.Actor.Attributes.execID}}'
  echo "$output"
  [ "${#lines[@]}" = 3 ]
  [ "${lines[0]%%|*}" = "exec_create: sh -c exit 4" ]
  [ "${lines[1]%%|*}" = "exec_start: sh -c exit 4" ]
  [[ ${lines[2]} =~ ^exec_die\|4\|[0-9a-f]{64}$ ]]
  # one exec id for the three
  [ "$(echo "$output" | cut -d'|' -f3 | sort -u | wc -l)" = 1 ]
}

@test "events: health_status on each change of the health check's status" {
  id=$(mrun -d --health-cmd 'test ! -e /tmp/sick' --health-interval 100ms --health-retries 1 \
    busybox sleep 100)
  for i in $(seq 200); do
    [ "$(mocker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ] && break
    sleep 0.05
  done
  mocker exec "$id" touch /tmp/sick
  for i in $(seq 200); do
    [ "$(mocker inspect -f '{{.State.Health.Status}}' "$id")" = unhealthy ] && break
    sleep 0.05
  done
  run mocker events --since 1h --until 0s -f container="$id" -f event=health_status --format '{{.Action}}'
  echo "$output"
  [ "$output" = $'health_status: healthy\nhealth_status: unhealthy' ]
}

@test "events: commit, with Docker's comment, imageID and imageRef" {
  id=$(mrun -d busybox true)
  mocker wait "$id" > /dev/null
  image=$(mocker commit -m note "$id" committed:1)
  run mocker events --since 1h --until 0s -f container="$id" -f event=commit --format json
  echo "$output"
  [ "$(echo "$output" | jq -r '.Actor.Attributes | .comment + " " + .imageID + " " + .imageRef')" = "note $image committed:1" ]
  mocker rmi committed:1 > /dev/null
}

@test "system prune --filter: label, label! and until apply to containers; until is refused with --volumes" {
  t0=$(date +%s.%N)
  keep=$(mrun -d --label keep=yes busybox true)
  drop=$(mrun -d busybox true)
  mocker wait "$keep" "$drop" > /dev/null
  run mocker system prune -f --filter until="$t0"
  [ "$output" = "Total reclaimed space: 0B" ]
  run mocker system prune -f --filter label!=keep
  echo "$output"
  [ "${lines[0]}" = "Deleted Containers:" ]
  [ "${lines[1]}" = "$drop" ]
  [ "$(mocker ps -aq --no-trunc)" = "$keep" ]
  run mocker system prune -f --filter label=keep=yes
  [ "${lines[1]}" = "$keep" ]
  run mocker system prune -f --volumes --filter until=1h
  [ "$status" -eq 125 ]
  [[ $output == *"invalid filter 'until'"* ]]
  run mocker system prune -f --filter name=x
  [ "$status" -eq 125 ]
}

@test "prune prompts: y or yes in any case confirms (white space around ignored), anything else does not" {
  mocker volume create prompt-v > /dev/null
  id=$(mocker create --network none busybox true)
  # "yeah" is no answer (Docker's PromptForConfirmation): nothing removed
  for cmd in "volume prune -a" "container prune" "image prune" "system prune"; do
    run mocker $cmd <<< yeah
    [ "$status" -eq 0 ]
    [[ $output == *"Are you sure you want to continue? [y/N]"* ]]
    [[ $output != *Deleted* ]]
  done
  mocker volume inspect prompt-v > /dev/null
  [ "$(mocker ps -aq --no-trunc)" = "$id" ]
  run mocker volume prune -a <<< ' YES '
  [ "$status" -eq 0 ]
  [[ $output == *prompt-v* ]]
  run mocker container prune < <(printf y)
  [ "$status" -eq 0 ]
  [[ $output == *"$id"* ]]
  [ -z "$(mocker ps -aq)" ]
}

@test "container prune: an exited container whose monitor still tears down is waited for and removed (as rm)" {
  id=$(mrun -d busybox true)
  mocker wait "$id" > /dev/null
  dir="$MOCKER_ROOT/containers/$id"
  # the monitor's lock held as during its teardown; the holder is the sleep itself
  ( exec 9<> "$dir/monitor.lock"; flock 9; exec sleep 1000 ) > /dev/null 2>&1 3>&- &
  holder=$!
  for i in $(seq 100); do ! flock -n -s "$dir/monitor.lock" true || { sleep 0.05; continue; }; break; done
  ! flock -n -s "$dir/monitor.lock" true || false
  mocker container prune -f > "$MOCKER_TEST_DIR/prune.out" 3>&- &
  pruner=$!
  # prune waits for the monitor holding the container's lock (it skipped the
  # container before: then the lock is never held and the output lacks it)
  for i in $(seq 100); do flock -n "$dir/lock" true || break; sleep 0.05; done
  kill "$holder"
  wait "$holder" || true
  wait "$pruner"
  cat "$MOCKER_TEST_DIR/prune.out"
  [ "$(sed -n 2p "$MOCKER_TEST_DIR/prune.out")" = "$id" ]
  [ ! -e "$dir" ]
}
