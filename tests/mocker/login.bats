#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker login/logout against docker-registry with htpasswd (Basic) and with
# token auth (tests/mocker/token-server.py); the credentials file is Docker's
# config.json, read by skopeo too. DOCKER_CONFIG (or HOME) points into the
# test's directory: the machine's own files are never touched.

load helpers
load registry-helpers

setup_file() {
  mocker_root_setup
  export WORK=$MOCKER_TEST_DIR
  export DOCKER_CONFIG=$WORK/docker
  python3 -W ignore -c 'import crypt,sys; print("alice:" + crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
    > "$WORK/htpasswd"
  REG_AUTH_YML="auth:
  htpasswd:
    realm: basic-realm
    path: $WORK/htpasswd" reg_start "$WORK/basic"
  export BASIC=$REG BASIC_PID=$REG_PID

  # token auth: a key and certificate, the token server, a registry trusting it
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/token.key" -out "$WORK/token.crt" \
    -subj /CN=mocker-test-token -days 2 2> /dev/null
  echo 'bob:hunter2' > "$WORK/token-users"
  python3 "$MOCKER_TOP/tests/mocker/token-server.py" --key "$WORK/token.key" \
    --cert "$WORK/token.crt" --users "$WORK/token-users" --issuer mocker-test-issuer \
    --port-file "$WORK/token.port" --log "$WORK/token.log" 2> "$WORK/token.err" &
  export TOKEN_PID=$!
  for i in $(seq 100); do [ -s "$WORK/token.port" ] && break; sleep 0.1; done
  local tport
  tport=$(cat "$WORK/token.port")
  REG_AUTH_YML="auth:
  token:
    realm: http://127.0.0.1:$tport/token
    service: mocker-test
    issuer: mocker-test-issuer
    rootcertbundle: $WORK/token.crt" reg_start "$WORK/token"
  export TOKREG=$REG TOKREG_PID=$REG_PID

  busybox_rootfs "$WORK/rootfs"
  mocker init -t "$BASIC/app:1" "$WORK/rootfs" > /dev/null
  mocker tag "$BASIC/app:1" "$TOKREG/app:1"
}

teardown_file() {
  REG_PID=$BASIC_PID reg_stop
  REG_PID=$TOKREG_PID reg_stop
  kill "$TOKEN_PID" 2> /dev/null || true
  wait "$TOKEN_PID" 2> /dev/null || true
  mocker_root_teardown
}

config() {
  cat "$DOCKER_CONFIG/config.json"
}

@test "login (Basic): wrong password refused and nothing stored; right one stored 0600 in Docker's format" {
  rm -rf "$DOCKER_CONFIG"
  run mocker login -u alice -p wrong "$BASIC"
  [ "$status" -eq 1 ]
  [[ $output == *"bad credentials"* ]]
  [ ! -e "$DOCKER_CONFIG/config.json" ]
  run --separate-stderr mocker login -u alice -p s3cret "$BASIC"
  [ "$status" -eq 0 ]
  [ "$output" = "Login Succeeded" ]
  [[ $stderr == *"--password-stdin"* ]]
  [ "$(stat -c %a "$DOCKER_CONFIG/config.json")" = 600 ]
  [ "$(config | jq -r --arg r "$BASIC" '.auths[$r].auth' | base64 -d)" = alice:s3cret ]
}

@test "push and pull use the stored credentials; skopeo reads the same file" {
  rm -rf "$DOCKER_CONFIG"
  run mocker push -q "$BASIC/app:1"
  [ "$status" -eq 1 ]
  [[ $output == *"requires a login"* ]]
  echo s3cret | mocker login -u alice --password-stdin "http://$BASIC/" > /dev/null
  d=$(mocker push -q "$BASIC/app:1")
  [ "$(skopeo inspect --tls-verify=false --authfile "$DOCKER_CONFIG/config.json" "docker://$BASIC/app:1" | jq -r .Digest)" = "$d" ]
  other=$WORK/pull-root
  mocker --root "$other" pull -q "$BASIC/app:1" > /dev/null
  rm -rf --one-file-system "$other"
}

@test "credentials written by skopeo login are used by mocker" {
  rm -rf "$DOCKER_CONFIG"
  mkdir -p "$DOCKER_CONFIG"
  skopeo login --tls-verify=false --authfile "$DOCKER_CONFIG/config.json" -u alice -p s3cret "$BASIC" > /dev/null
  mocker push -q "$BASIC/app:1" > /dev/null
}

@test "login (token server): wrong password refused; push and pull get tokens with the right scopes" {
  rm -rf "$DOCKER_CONFIG"
  run mocker login -u bob -p nope "$TOKREG"
  [ "$status" -eq 1 ]
  [[ $output == *"bad credentials"* ]]
  [ ! -e "$DOCKER_CONFIG/config.json" ]
  run mocker push -q "$TOKREG/app:1"
  [ "$status" -eq 1 ]
  mocker login -u bob -p hunter2 "$TOKREG" 2> /dev/null
  d=$(mocker push -q "$TOKREG/app:1")
  grep -q 'scope=repository%3Aapp%3A.*push.*user=bob' "$WORK/token.log"
  other=$WORK/tok-root
  mocker --root "$other" pull -q "$TOKREG/app:1" > /dev/null
  # a mount from another repository: the token covers both (the registry's challenge)
  mocker --root "$other" tag "$TOKREG/app:1" "$TOKREG/copy:1"
  run --separate-stderr mocker --root "$other" push "$TOKREG/copy:1"
  [ "$status" -eq 0 ]
  [ "$output" = "$d" ]
  [[ $stderr == *"Mounted from app"* ]]
  rm -rf --one-file-system "$other"
  [ "$(skopeo inspect --tls-verify=false --authfile "$DOCKER_CONFIG/config.json" "docker://$TOKREG/app:1" | jq -r .Digest)" = "$d" ]
}

@test "logout removes only that registry's entry and keeps the rest of the file" {
  mkdir -p "$DOCKER_CONFIG"
  printf '{"auths":{"other.example:5000":{"auth":"eDp5"}},"psFormat":"table {{.ID}}"}\n' \
    > "$DOCKER_CONFIG/config.json"
  mocker login -u alice -p s3cret "$BASIC" 2> /dev/null
  [ "$(config | jq -r '.auths | keys | length')" = 2 ]
  run mocker logout "$BASIC"
  [ "$status" -eq 0 ]
  [ "$output" = "Removing login credentials for $BASIC" ]
  [ "$(config | jq -r --arg r "$BASIC" '.auths[$r]')" = null ]
  [ "$(config | jq -r '.auths["other.example:5000"].auth')" = eDp5 ]
  [ "$(config | jq -r .psFormat)" = 'table {{.ID}}' ]
  run mocker logout "$BASIC"
  [ "$status" -eq 0 ]
  [ "$output" = "Not logged in to $BASIC" ]
  run mocker push -q "$BASIC/app:1"
  [ "$status" -eq 1 ]
}

@test "login writes ~/.docker/config.json by default" {
  home=$WORK/home
  mkdir -p "$home"
  HOME=$home DOCKER_CONFIG= mocker login -u alice -p s3cret "$BASIC" 2> /dev/null
  [ "$(stat -c %a "$home/.docker/config.json")" = 600 ]
  [ "$(stat -c %a "$home/.docker")" = 700 ]
  HOME=$home DOCKER_CONFIG= mocker logout "$BASIC" > /dev/null
  [ "$(jq -r '.auths | length' "$home/.docker/config.json")" = 0 ]
}

@test "login: bad usage" {
  run mocker login -p x --password-stdin "$BASIC"
  [ "$status" -eq 125 ]
  run mocker login a b
  [ "$status" -eq 1 ]
  run mocker login -u alice "$BASIC" < /dev/null
  [ "$status" -eq 125 ]
  [[ $output == *"--password-stdin"* ]]
  run mocker logout --bogus
  [ "$status" -eq 125 ]
}
