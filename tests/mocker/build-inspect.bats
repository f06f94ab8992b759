#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker history, mocker image inspect (and inspect's fallback to images) on
# built images, and the config a build makes compared with podman's
# (buildah's) build of the same Dockerfile.

load container-helpers

setup_file() {
  containers_setup
  CTX=$MOCKER_TEST_DIR/ctx
  mkdir -p "$CTX"
  echo hi > "$CTX/f"
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
ENV A=1
COPY f /f
RUN echo made > /made
CMD ["cat", "/made"]
X
  mocker build -q --network none -t hist "$CTX" > "$MOCKER_TEST_DIR/id"
}

teardown_file() {
  containers_teardown
}

@test "history: newest first, one row per step, the step images, layer sizes" {
  run -0 mocker history hist
  echo "$output"
  [ "${lines[0]}" = "IMAGE          CREATED                  CREATED BY                                      SIZE      COMMENT" ] ||
    [[ ${lines[0]} =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
  [ "${#lines[@]}" = 6 ]
  id=$(cat "$MOCKER_TEST_DIR/id")
  [[ ${lines[1]} == "${id:7:12} "*'/bin/sh -c #(nop)  CMD ["cat","/made"]'*"0B"* ]]
  [[ ${lines[2]} == *"/bin/sh -c echo made > /made"*"5B"* ]]
  [[ ${lines[3]} == *"/bin/sh -c #(nop) COPY file:"*"3B"* ]]
  [[ ${lines[4]} == *"ENV A=1"*"0B"* ]]
  [[ ${lines[5]} == *"mocker init"* ]]
  # Every row names the step's image (all are in the store).
  ! grep -q '<missing>' <<< "$output" || false
  run -0 mocker history -q --no-trunc hist
  [ "${lines[0]}" = "$id" ]
  [ "${#lines[@]}" = 5 ]
  run -1 mocker history no-such-image
  [[ $output == *"no such image"* ]]
}

@test "image inspect: Docker's shape; inspect falls back to images" {
  run -0 mocker image inspect hist
  id=$(cat "$MOCKER_TEST_DIR/id")
  [ "$(jq -r '.[0].Id' <<< "$output")" = "$id" ]
  [ "$(jq -c '.[0].RepoTags' <<< "$output")" = '["hist:latest"]' ]
  [ "$(jq -c '.[0].Config.Cmd' <<< "$output")" = '["cat","/made"]' ]
  [ "$(jq -r '.[0].Os' <<< "$output")" = linux ]
  [ "$(jq '.[0].RootFS.Layers|length' <<< "$output")" = 3 ]
  [ "$(jq -r '.[0].GraphDriver.Name' <<< "$output")" = overlay ]
  [ -d "$(jq -r '.[0].GraphDriver.Data.UpperDir' <<< "$output")" ]
  for k in Id RepoTags RepoDigests Parent Comment Created Author Config Architecture Os Size RootFS Metadata; do
    jq -e --arg k "$k" '.[0] | has($k)' <<< "$output" > /dev/null || { echo "no $k"; return 1; }
  done
  run -0 mocker inspect hist
  [ "$(jq -r '.[0].Id' <<< "$output")" = "$id" ]
  run -1 mocker image inspect nope
  [[ $output == *"no such image"* ]]
  run -1 mocker inspect nope
  [[ $output == *"no such container"* ]]
}

@test "image: the subcommands are history, images and rmi under other names" {
  run -0 mocker image history -q hist
  [ "$output" = "$(mocker history -q hist)" ]
  run -0 mocker image ls
  [ "$output" = "$(mocker images)" ]
  run -1 mocker image frob
  [[ $output == *"image: unknown command \`frob\`"* ]]
  run -1 mocker image
  [[ $output == *"image: a COMMAND is required"* ]]
  mocker tag hist hist-copy
  run -0 mocker image rm hist-copy
  [ "$output" = "Untagged: hist-copy:latest" ]
}

@test "the config matches podman build (buildah) of the same Dockerfile" {
  command -v podman > /dev/null || skip "podman is not installed"
  local ctx=$MOCKER_TEST_DIR/cmp p
  mkdir -p "$ctx"
  echo hi > "$ctx/f"
  cat > "$ctx/Dockerfile" <<'X'
FROM scratch
ARG V=1.0
ARG EMPTY=
ENV A=1 B="x y" C=${V}
ENV D=${UNSET:-def} E=${V:+set} F=${EMPTY:-was-empty} G='$A literal' H="q\"uote"
ENV LEGACY a value with  spaces
LABEL version=$V "k two"=v multi="a \
b"
EXPOSE 80 53/udp 8080/tcp
WORKDIR /srv
WORKDIR app/$V
USER 1000:1000
COPY f .
VOLUME /data
STOPSIGNAL SIGINT
ENTRYPOINT ["/bin/app", "--flag"]
CMD ["serve"]
X
  # podman's own state in the test's directory too (--tmpdir: not /run/libpod)
  printf '[engine]\nevents_logger = "file"\ncgroup_manager = "cgroupfs"\n' \
    > "$MOCKER_TEST_DIR/containers.conf"
  p=(env CONTAINERS_CONF="$MOCKER_TEST_DIR/containers.conf"
     podman --root "$MOCKER_TEST_DIR/podman-root" --runroot "$MOCKER_TEST_DIR/podman-run"
     --tmpdir "$MOCKER_TEST_DIR/podman-tmp" --storage-driver vfs --cgroup-manager cgroupfs
     --events-backend file)
  run -0 "${p[@]}" build -q --network none --build-arg V=2.5 -t cmp "$ctx"
  theirs=$("${p[@]}" image inspect cmp --format '{{json .Config}}')
  "${p[@]}" rmi -f cmp > /dev/null
  run -0 mocker build -q --network none --build-arg V=2.5 "$ctx"
  ours=$(mocker image inspect "$output" | jq '.[0].Config')
  # buildah adds its version label and a default PATH on scratch (Docker's
  # classic builder does neither); the rest must be equal.
  norm='{User, ExposedPorts, Env: ([.Env[]? | select(startswith("PATH=") | not)]),
         Entrypoint, Cmd, Volumes, WorkingDir, StopSignal,
         Labels: (.Labels | del(."io.buildah.version"))}'
  a=$(jq -S "$norm" <<< "$ours")
  b=$(jq -S "$norm" <<< "$theirs")
  echo "mocker: $a"
  echo "podman: $b"
  [ "$a" = "$b" ]
  [ "$(jq -c .Env <<< "$a")" = '["A=1","B=x y","C=2.5","D=def","E=set","F=was-empty","G=$A literal","H=q\"uote","LEGACY=a value with  spaces"]' ]
}
