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
