#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# --format (Go templates), --filter, -n/-l/-s of ps, images and inspect
# (docs/containers.md, "Formatting and filtering"). The expected outputs are
# Docker's for the same rows: field names and column titles from docker/cli's
# formatter, tabwriter alignment (padding 3, min width 10). Three containers
# made once: web (running, a bind mount, from an image with labels), done
# (exited 3), quiet (exited 0); all with --network none.

load container-helpers
load podman-helpers

setup_file() {
  containers_setup
  mkdir -p "$MOCKER_TEST_DIR/data"
  mocker tag busybox other:v1
  mocker run --network none --name done -v fmtvol:/vol busybox sh -c 'exit 3' || true
  mocker run --network none --name quiet busybox true
  labeled_image labeled:1 '{"tier": "front", "env": "prod"}'
  mocker run -d --network none --name web -v "$MOCKER_TEST_DIR/data:/data" labeled:1 sleep 1000
}

# labeled_image NAME LABELS-JSON: busybox with labels in its config, through
# save, an edited config and load (no `build --label` needed).
labeled_image() {
  local w=$MOCKER_TEST_DIR/labeled cfg sum
  mkdir -p "$w/x"
  mocker save -o "$w/bb.tar" busybox
  tar -xf "$w/bb.tar" -C "$w/x"
  cfg=$(jq -r '.[0].Config' "$w/x/manifest.json")
  jq -c --argjson l "$2" '.config.Labels = $l' "$w/x/$cfg" > "$w/new.json"
  sum=$(sha256sum "$w/new.json" | cut -d' ' -f1)
  rm "$w/x/$cfg" "$w/x/repositories"
  mv "$w/new.json" "$w/x/$sum.json"
  jq -c --arg c "$sum.json" --arg n "$1" '.[0].Config = $c | .[0].RepoTags = [$n]' \
    "$w/x/manifest.json" > "$w/m.json"
  mv "$w/m.json" "$w/x/manifest.json"
  tar -cf "$w/labeled.tar" -C "$w/x" .
  mocker load -i "$w/labeled.tar" > /dev/null
  rm -rf "$w"
}

# what a test made for itself, even when it failed half-way
teardown() {
  mocker rm -f frozen bouncing kid > /dev/null 2>&1 || true
  mocker rmi kid:1 > /dev/null 2>&1 || true
}

teardown_file() {
  pm_cleanup
  containers_teardown
}

@test "ps --format: Docker's field names, {{json .}} with every key" {
  run mocker ps --format '{{.Names}}|{{.State}}|{{.Command}}|{{.Image}}|{{.Networks}}|{{.Mounts}}'
  [ "$status" -eq 0 ]
  [ "$output" = "web|running|\"sleep 1000\"|labeled:1|none|$(cut -c1-14 <<< "$MOCKER_TEST_DIR/data")…" ]
  run mocker ps --format '{{json .}}'
  [ "$status" -eq 0 ]
  [ "$(jq -c 'keys' <<< "$output")" = '["Command","CreatedAt","ID","Image","Labels","LocalVolumes","Mounts","Names","Networks","Ports","RunningFor","Size","State","Status"]' ]
  [ "$(jq -r .Labels <<< "$output")" = "tier=front,env=prod" ]
  [[ $(jq -r .CreatedAt <<< "$output") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}\ [+-][0-9]{4}\ [A-Z]+$ ]]
  [[ $(jq -r .Status <<< "$output") == Up* ]]
  # `json` is {{json .}}
  run mocker ps --format json
  [ "$(jq -r .Names <<< "$output")" = web ]
  # pipelines and functions
  run mocker ps -a --format '{{.Names | upper}} {{len .ID}} {{if eq .State "exited"}}X{{else}}-{{end}}'
  [ "$output" = $'WEB 12 -\nQUIET 12 X\nDONE 12 X' ]
  run mocker ps --format '{{range split .Labels ","}}[{{.}}]{{end}}'
  [ "$output" = "[tier=front][env=prod]" ]
  run mocker ps --no-trunc --format '{{.ID}}'
  [ "${#output}" -eq 64 ]
}

@test "ps --format table: Docker's titles, tab-aligned columns" {
  run mocker ps -a --format 'table {{.ID}}\t{{.Names}}\t{{.State}}'
  [ "$status" -eq 0 ]
  local id
  id=$(mocker ps -q --filter name=web)
  [ "${lines[0]}" = "CONTAINER ID   NAMES     STATE" ]
  [ "${lines[1]}" = "$id   web       running" ]
  [ "${#lines[@]}" -eq 4 ]
  # a long cell widens its column to width + 3
  run mocker ps -a --format 'table {{.Names}}\t{{.Status}}\t{{.RunningFor}}'
  [[ ${lines[0]} =~ ^NAMES\ {5}STATUS\ +CREATED$ ]]
  # Docker's {{.Label "key"}}: the value, "" when absent; the title from the key
  run mocker ps -a --filter name=web --filter name=done --format 'table {{.Names}}\t{{.Label "tier"}}\t{{.Label "org.example.app-name"}}|'
  [ "${lines[0]}" = "NAMES     TIER      APP NAME|" ]
  [ "$(printf '%s\n' "${lines[@]:1}" | sort | paste -sd, -)" = "done                |,web       front     |" ]
  # "table" alone: the default columns
  run mocker ps --format table
  [[ ${lines[0]} == "CONTAINER ID   IMAGE       COMMAND        CREATED"*"STATUS"*"PORTS"*"NAMES" ]]
  [[ ${lines[1]} == "$id   labeled:1   \"sleep 1000\"   "* ]]
  # no rows: the header alone
  run mocker ps --filter name=nothing-matches --format 'table {{.Names}}\t{{.Size}}'
  [ "$output" = "NAMES     SIZE" ]
}

@test "ps --format: an unknown field or bad syntax is a one-line error, exit 125" {
  run --separate-stderr mocker ps --format '{{.Names}} {{.Nope}}'
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template: :1:13: executing "" at <.Nope>: map has no entry for key "Nope"' ]
  run --separate-stderr mocker ps --format '{{.Names'
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template parsing error: template: :1: unclosed action' ]
  run --separate-stderr mocker ps --format '{{nofunc .Names}}'
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template parsing error: template: :1: function "nofunc" not defined' ]
  run --separate-stderr mocker images --format '{{if .ID}}'
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template parsing error: template: :1: unexpected EOF' ]
}

@test "ps --filter: status, name, id, ancestor, label, exited, network, volume" {
  names() { mocker ps "$@" --format '{{.Names}}' | sort | paste -sd, -; }
  [ "$(names --filter status=exited)" = "done,quiet" ]      # a status filter looks at stopped ones
  [ "$(names --filter status=running)" = "web" ]
  [ "$(names --filter status=exited --filter status=running)" = "done,quiet,web" ]
  [ "$(names -a --filter name=e)" = "done,quiet,web" ]      # a regular expression on /name
  [ "$(names -a --filter name=^/we)" = "web" ]
  [ "$(names -a --filter name=^we)" = "" ]
  local id
  id=$(mocker ps -aq --no-trunc --filter name=^/done$)
  [ ${#id} -eq 64 ]
  [ "$(names -a --filter id="${id:0:8}")" = "done" ]
  [ "$(names -a --filter id="${id:3:8}")" = "done" ]  # any part of the id (Docker's Match)
  [ "$(names -a --filter ancestor=busybox)" = "done,quiet" ]
  [ "$(names -a --filter ancestor=other:v1)" = "done,quiet" ]  # the same image
  [ "$(names -a --filter ancestor=labeled:1)" = "web" ]
  [ "$(names -a --filter ancestor=labeled:1 --filter ancestor=busybox)" = "done,quiet,web" ]
  [ "$(names -a --filter ancestor=no-such-image)" = "" ]
  # Docker: an image's descendants too (an image built on it)
  mkdir -p "$MOCKER_TEST_DIR/kid"
  printf 'FROM busybox\nLABEL kid=1\n' > "$MOCKER_TEST_DIR/kid/Dockerfile"
  mocker build -q -t kid:1 "$MOCKER_TEST_DIR/kid" > /dev/null
  mocker run --network none --name kid kid:1 true
  [ "$(names -a --filter ancestor=busybox)" = "done,kid,quiet" ]
  [ "$(names -a --filter ancestor=kid:1)" = "kid" ]
  [ "$(names -a --filter ancestor=labeled:1)" = "web" ]
  mocker rm kid > /dev/null
  mocker rmi kid:1 > /dev/null
  [ "$(names -a --filter label=tier)" = "web" ]
  [ "$(names -a --filter label=tier=front)" = "web" ]
  [ "$(names -a --filter label=tier=back)" = "" ]
  [ "$(names -a --filter label=tier --filter label=nope)" = "" ]  # every label must hold
  [ "$(names -a --filter exited=3)" = "done" ]
  [ "$(names -a --filter exited=0)" = "quiet" ]
  [ "$(names -a --filter exited=0 --filter exited=3)" = "done,quiet" ]
  [ "$(names -a --filter network=none)" = "done,quiet,web" ]
  [ "$(names -a --filter network=bridge)" = "" ]
  [ "$(names -a --filter volume=/data)" = "web" ]
  [ "$(names -a --filter volume=/other)" = "" ]
  [ "$(names -a --filter volume=fmtvol)" = "done" ]        # a volume by name
  [ "$(names -a --filter volume=/vol)" = "done" ]
  run mocker ps -a --filter name=done --format '{{.Mounts}} {{.LocalVolumes}}'
  [ "$output" = "fmtvol 1" ]
  [ "$(names -a --filter status=exited --filter name=^/d)" = "done" ]  # keys AND
  run mocker ps -a -q --filter status=exited
  [ "${#lines[@]}" -eq 2 ]
  run --separate-stderr mocker ps --filter bogus=1
  [ "$status" -eq 125 ]
  [ "$stderr" = "mocker: ps: --filter: invalid filter 'bogus'; see \`mocker ps --help\`" ]
  run --separate-stderr mocker ps --filter status=sleeping
  [ "$status" -eq 125 ]
  [ "$stderr" = "mocker: ps: --filter: invalid filter 'status=sleeping'; see \`mocker ps --help\`" ]
  run --separate-stderr mocker ps --filter status
  [ "$status" -eq 125 ]
  [[ $stderr == *"bad format of filter (expected name=value)"* ]]
  run --separate-stderr mocker ps --filter exited=x
  [ "$status" -eq 125 ]
}

@test "ps: a paused and a restarting container, as Docker (State, STATUS, status= filter, listed without -a)" {
  mocker run -d --network none --name frozen busybox sleep 1000 > /dev/null
  mocker pause frozen
  mocker run -d --network none --name bouncing --restart always busybox sh -c 'exit 2' > /dev/null
  # the back-off doubles from 100 ms: after 5 restarts it waits 3.2 s
  local i
  for i in $(seq 200); do
    set -- $(mocker inspect -f '{{.State.Status}} {{.RestartCount}}' bouncing)
    [ "$1" = restarting ] && [ "$2" -ge 5 ] && break
    sleep 0.05
  done
  names() { mocker ps "$@" --format '{{.Names}}' | sort | paste -sd, -; }
  [ "$(names --filter status=paused)" = frozen ]
  [ "$(names --filter status=restarting)" = bouncing ]
  [ "$(names --filter status=running)" = web ]
  [ "$(names --filter status=paused --filter status=restarting)" = bouncing,frozen ]
  [ "$(names -a --filter exited=2)" = "" ]   # restarting counts as running (Docker)
  # ps without -a lists them (Docker counts both as running)
  [ "$(names)" = bouncing,frozen,web ]
  run mocker ps --filter name=frozen --format '{{.State}}|{{.Status}}'
  [[ $output =~ ^paused\|Up\ .*\ \(Paused\)$ ]]
  run mocker ps --filter name=bouncing --format '{{.State}}|{{.Status}}'
  [[ $output =~ ^restarting\|Restarting\ \(2\)\ .*\ ago$ ]]
  run mocker ps --filter name=frozen
  [[ ${lines[1]} =~ \ Up\ .*\ \(Paused\)\ +frozen$ ]]
  [ "$(mocker inspect -f '{{.State.Status}} {{.State.Paused}}' frozen)" = "paused true" ]
  [ "$(mocker inspect -f '{{.State.Status}} {{.State.Running}}' bouncing)" = "restarting true" ]
  mocker rm -f frozen bouncing > /dev/null
  [ "$(names -a)" = done,quiet,web ]
  # podman's status filter says the same of a paused container (its State
  # is its own: "Paused", and its ps without -a leaves paused ones out)
  tar -C "$MOCKER_TOP/bundles/busybox/rootfs" -c . | pm import - localhost/bb:fmt > /dev/null
  pm run -d --network none --name frozen localhost/bb:fmt sleep 1000 > /dev/null
  pm pause frozen > /dev/null
  mocker run -d --network none --name frozen busybox sleep 1000 > /dev/null
  mocker pause frozen
  f='{{.Names}}'
  [ "$(pm ps --filter status=paused --format "$f")" = frozen ]
  [ "$(mocker ps --filter status=paused --format "$f")" = "$(pm ps --filter status=paused --format "$f")" ]
  [ -z "$(pm ps -a --filter status=running --filter name=frozen --format "$f")" ]
  [ -z "$(mocker ps -a --filter status=running --filter name=frozen --format "$f")" ]
  pm_cleanup
}

@test "ps -n N, -l: the last created containers, any state; -s: sizes" {
  run mocker ps -l --format '{{.Names}}'
  [ "$output" = web ]
  run mocker ps -n 2 --format '{{.Names}}'
  [ "$output" = $'web\nquiet' ]
  run mocker ps -n 2 --filter status=exited --format '{{.Names}}'
  [ "$output" = $'quiet\ndone' ]
  run mocker ps --last 10 -q
  [ "${#lines[@]}" -eq 3 ]
  run --separate-stderr mocker ps -n x
  [ "$status" -eq 125 ]
  # sizes: the writable layer, "(virtual ...)" with the image
  local id
  id=$(mocker ps -q --no-trunc --filter name=^/web$)
  head -c 5000 /dev/zero > "$MOCKER_ROOT/containers/$id/upper/blob"
  run mocker ps -s --filter name=web
  [[ ${lines[0]} == *"NAMES     SIZE" ]]
  [[ ${lines[1]} == *"web       5kB (virtual "*"MB)" ]]
  # a template that uses .Size gets sizes without -s (Docker)
  run mocker ps --filter name=web --format '{{.Size}}'
  [[ $output == "5kB (virtual "*"MB)" ]]
  run mocker ps -a --filter name=done --format '{{.Size}}'
  [[ $output =~ ^[0-9]+B\ \(virtual\ [0-9.]+MB\)$ ]]
  rm "$MOCKER_ROOT/containers/$id/upper/blob"
}

@test "images --format and --filter: dangling, reference, before, since" {
  run mocker images --format '{{.Repository}}:{{.Tag}}'
  [ "$(sort <<< "$output")" = $'busybox:latest\nlabeled:1\nother:v1' ]
  run mocker images --format 'table {{.Repository}}\t{{.Tag}}'
  [ "${lines[0]}" = "REPOSITORY   TAG" ]
  [ "$(printf '%s\n' "${lines[@]:1}" | sort)" = $'busybox      latest\nlabeled      1\nother        v1' ]
  # labels of the image's config: every label filter must hold
  run mocker images --filter label=tier --format '{{.Repository}}'
  [ "$output" = labeled ]
  run mocker images --filter label=tier=front --filter label=env=prod --format '{{.Repository}}'
  [ "$output" = labeled ]
  run mocker images --filter label=tier=back --format '{{.Repository}}'
  [ -z "$output" ]
  run mocker images --format '{{json .}}'
  [ "$(head -1 <<< "$output" | jq -c keys)" = '["Containers","CreatedAt","CreatedSince","Digest","ID","Repository","SharedSize","Size","Tag","UniqueSize","VirtualSize"]' ]
  run mocker images --filter reference='bus*' --format '{{.Repository}}'
  [ "$output" = busybox ]
  run mocker images --filter reference='*:v1' --format '{{.Repository}}'
  [ "$output" = other ]
  run mocker images --filter dangling=true -q
  [ -z "$output" ]
  run mocker images --filter dangling=false -q
  [ "${#lines[@]}" -eq 2 ]
  # an image made a second later: before and since compare creation times
  sleep 1.1
  mocker init -t newer "$MOCKER_TOP/bundles/busybox/rootfs" > /dev/null
  run mocker images --filter since=busybox --format '{{.Repository}}'
  [ "$output" = newer ]
  run mocker images --filter before=newer --format '{{.Repository}}'
  [ "$(sort <<< "$output")" = $'busybox\nlabeled\nother' ]
  # an untagged image is dangling
  mocker rmi newer > /dev/null
  local id
  id=$(mocker init "$MOCKER_TOP/bundles/busybox/rootfs")
  run mocker images --filter dangling=true --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'
  [ "$output" = "$id <none>:<none>" ]
  mocker rmi "$id" > /dev/null
  run --separate-stderr mocker images --filter dangling=maybe
  [ "$status" -eq 125 ]
  [ "$stderr" = "mocker: images: --filter: invalid filter 'dangling=maybe'; see \`mocker images --help\`" ]
  run --separate-stderr mocker images --filter since=no-such-image
  [ "$status" -eq 1 ]
  [[ $stderr == *"no such image"* ]]
  run --separate-stderr mocker images --filter size=1
  [ "$status" -eq 125 ]
}

@test "inspect -f: paths into the JSON, range, index, json, errors" {
  run mocker inspect -f '{{.State.Status}} {{.State.Running}} {{.Name}} {{.State.ExitCode}}' web done
  [ "$status" -eq 0 ]
  [ "$output" = $'running true /web 0\nexited false /done 3' ]
  run mocker inspect --format '{{json .Config.Cmd}}|{{index .Config.Cmd 1}}|{{join .Config.Cmd " "}}' web
  [ "$output" = '["sleep","1000"]|1000|sleep 1000' ]
  run mocker inspect -f '{{range .Mounts}}{{.Source}}->{{.Destination}}{{end}}' web
  [ "$output" = "$MOCKER_TEST_DIR/data->/data" ]
  run mocker inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}' web
  [ "$output" = "env=prod;tier=front;" ]
  run mocker inspect -f '{{index .Config.Labels "tier"}}|{{index .Config.Labels "none"}}|' web
  [ "$output" = "front||" ]
  run mocker inspect -f '{{.Id}}' busybox   # an image, as docker inspect
  [[ $output == sha256:* ]]
  run mocker inspect -f json web            # json: the default output
  [ "$(jq -r '.[0].Name' <<< "$output")" = /web ]
  run --separate-stderr mocker inspect -f '{{.State.Nope}}' web
  [ "$status" -eq 125 ]
  [ "$stderr" = 'mocker: template: :1:2: executing "" at <.State.Nope>: map has no entry for key "Nope"' ]
  [ -z "$output" ]
}

@test "ps index: used when a container is unchanged, refreshed when it changes, rebuilt when bad" {
  local idx=$MOCKER_ROOT/containers/.ps-index
  mocker run -d --network none --name cached busybox sleep 1000 > /dev/null
  local id dir
  id=$(mocker ps -q --no-trunc --filter name=^/cached$)
  dir=$MOCKER_ROOT/containers/$id
  sleep 2.1   # entries are trusted 2 s after the directory's last change
  run mocker ps --filter name=cached --format '{{.Names}} {{.State}}'
  [ "$output" = "cached running" ]
  [ -s "$idx" ]
  # the record changed in place, the directory's mtime put back: ps answers
  # from the index (it does not read the record again)
  local mtime
  mtime=$(stat -c %y "$dir")
  sed -i 's/"name": "cached"/"name": "renamed"/' "$dir/container.json"
  grep -q '"name": "renamed"' "$dir/container.json"
  touch -d "$mtime" "$dir"
  run mocker ps --filter id="$id" --format '{{.Names}}'
  [ "$output" = cached ]
  # a change through the directory (a rename, as state.json is written) shows
  cp "$dir/container.json" "$dir/container.json.new"
  mv "$dir/container.json.new" "$dir/container.json"
  run mocker ps --filter id="$id" --format '{{.Names}}'
  [ "$output" = renamed ]
  sed -i 's/"name": "renamed"/"name": "cached"/' "$dir/container.json"
  touch "$dir"
  # a state change (the monitor writes state.json) shows at once
  mocker kill cached > /dev/null
  wait_exited cached
  run mocker ps -a --filter id="$id" --format '{{.Names}} {{.State}}'
  [ "$output" = "cached exited" ]
  # a damaged or foreign index is ignored and rewritten
  head -c 3000 /dev/urandom > "$idx"
  run mocker ps -a --format '{{.Names}}'
  [ "$(sort <<< "$output" | paste -sd, -)" = "cached,done,quiet,web" ]
  printf 'MKPSIX02\377\377\377\377' > "$idx"
  run mocker ps -a -q
  [ "${#lines[@]}" -eq 4 ]
  # a removed container leaves the list
  mocker rm cached > /dev/null
  run mocker ps -a --format '{{.Names}}'
  [ "$(sort <<< "$output" | paste -sd, -)" = "done,quiet,web" ]
}
