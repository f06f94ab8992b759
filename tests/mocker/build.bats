#!/usr/bin/env bats
bats_require_minimum_version 1.5.0
# mocker build: a Dockerfile corpus covering every instruction, multi-stage
# builds and --target, the step cache, .dockerignore and every bad input
# (one error naming the Dockerfile line, no image, nothing left behind).
# RUN steps use --network none (the machine's network is never touched).

load container-helpers

setup_file() {
  containers_setup
}

teardown_file() {
  containers_teardown
}

setup() {
  CTX=$MOCKER_TEST_DIR/ctx-$BATS_TEST_NUMBER
  mkdir -p "$CTX"
}

teardown() {
  local ids
  ids=$(all_ids)
  echo "$ids" >> "$MOCKER_TEST_DIR/ids"
  [ -z "$ids" ] || mocker rm -f $ids > /dev/null 2>&1 || true
}

mb() {
  mocker build --network none "$@"
}

# The config JSON of an image id (sha256:...) or name.
config_of() {
  local id=$1
  case $id in
    sha256:*) ;;
    *) id=$(jq -r --arg n "docker.io/library/$1" '.tags[$n] // .tags[$n + ":latest"]' "$MOCKER_ROOT/repositories.json") ;;
  esac
  cat "$MOCKER_ROOT/images/${id#sha256:}/config.json"
}

# Nothing of a step container is left: no container, mount or cgroup.
assert_no_step_leftovers() {
  [ -z "$(all_ids)" ] || { echo "containers left: $(all_ids)" >&2; return 1; }
  if grep -q " $MOCKER_TEST_DIR/" /proc/self/mountinfo; then
    echo "mounts left" >&2; return 1
  fi
  local short
  for short in $(grep -o 'Running in [0-9a-f]*' <<< "$output" | awk '{print $3}'); do
    if ls -d /sys/fs/cgroup/*/mocker-"$short"* /sys/fs/cgroup/mocker-"$short"* 2>/dev/null | grep -q .; then
      echo "cgroup left for $short" >&2; return 1
    fi
  done
}

@test "every config instruction lands in the image config, with Docker's shapes" {
  cat > "$CTX/Dockerfile" <<'X'
# syntax=docker/dockerfile:1
FROM busybox
MAINTAINER Jane <jane@example.com>
ENV A=1 B="two words" \
    C=${A}-x
ENV LEGACY value with spaces
LABEL org.example.a=b "quoted key"="v w" c=$A
EXPOSE 80 53/udp 8000-8001/tcp
VOLUME ["/data", "/logs"]
VOLUME /more
STOPSIGNAL SIGINT
SHELL ["/bin/sh", "-ec"]
HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD wget -q localhost || exit 1
ONBUILD RUN echo triggered
WORKDIR /srv
WORKDIR sub
USER nobody:nogroup
ENTRYPOINT ["/bin/echo", "entry"]
CMD ["default", "args"]
X
  run -0 mb -q "$CTX"
  id=$output
  [[ $id =~ ^sha256:[0-9a-f]{64}$ ]]
  run -0 config_of "$id"
  cfg=$output
  [ "$(jq -c .config.Env <<< "$cfg")" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1","B=two words","C=-x","LEGACY=value with spaces"]' ]
  # (Docker: one ENV sees the values from before it, so C did not see A=1.)
  [ "$(jq -c .config.Labels <<< "$cfg")" = '{"org.example.a":"b","quoted key":"v w","c":"1"}' ]
  [ "$(jq -c '.config.ExposedPorts|keys' <<< "$cfg")" = '["53/udp","80/tcp","8000/tcp","8001/tcp"]' ]
  [ "$(jq -c '.config.Volumes|keys' <<< "$cfg")" = '["/data","/logs","/more"]' ]
  [ "$(jq -r .config.StopSignal <<< "$cfg")" = SIGINT ]
  [ "$(jq -c .config.Shell <<< "$cfg")" = '["/bin/sh","-ec"]' ]
  [ "$(jq -c .config.Healthcheck <<< "$cfg")" = '{"Test":["CMD-SHELL","wget -q localhost || exit 1"],"Interval":30000000000,"Timeout":90000000000,"Retries":3}' ]
  [ "$(jq -c .config.OnBuild <<< "$cfg")" = '["RUN echo triggered"]' ]
  [ "$(jq -r .config.WorkingDir <<< "$cfg")" = /srv/sub ]
  [ "$(jq -r .config.User <<< "$cfg")" = nobody:nogroup ]
  [ "$(jq -c .config.Entrypoint <<< "$cfg")" = '["/bin/echo","entry"]' ]
  [ "$(jq -c .config.Cmd <<< "$cfg")" = '["default","args"]' ]
  [ "$(jq -r .author <<< "$cfg")" = 'Jane <jane@example.com>' ]
  # One history entry per step after FROM (busybox has one), the metadata
  # steps marked empty; WORKDIR made its directories (two layers).
  [ "$(jq '.history|length' <<< "$cfg")" = 17 ]
  [ "$(jq '[.history[]|select(.empty_layer|not)]|length' <<< "$cfg")" = 3 ]
  [ "$(jq '.rootfs.diff_ids|length' <<< "$cfg")" = 3 ]
  [ "$(jq -r '.history[2].created_by' <<< "$cfg")" = '/bin/sh -c #(nop)  ENV A=1 B=two words C=-x' ]
  # The image runs with that config.
  run -0 mocker run --rm --network none "$id"
  [ "$output" = "entry default args" ]
  run -0 mocker run --rm --network none --entrypoint pwd "$id"
  [ "$output" = /srv/sub ]
  assert_no_step_leftovers
}

@test "ENTRYPOINT drops an inherited CMD, shell forms use SHELL, CMD set in the stage stays" {
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
CMD ["inherited"]
X
  run -0 mb -q -t cmdbase "$CTX"
  printf 'FROM cmdbase\nENTRYPOINT echo hi\n' > "$CTX/Dockerfile"
  run -0 mb -q "$CTX"
  cfg=$(config_of "$output")
  [ "$(jq -c .config.Entrypoint <<< "$cfg")" = '["/bin/sh","-c","echo hi"]' ]
  [ "$(jq -c .config.Cmd <<< "$cfg")" = null ]
  printf 'FROM cmdbase\nCMD ["mine"]\nSHELL ["/bin/ash", "-xc"]\nENTRYPOINT echo hi\n' > "$CTX/Dockerfile"
  run -0 mb -q "$CTX"
  cfg=$(config_of "$output")
  [ "$(jq -c .config.Entrypoint <<< "$cfg")" = '["/bin/ash","-xc","echo hi"]' ]
  [ "$(jq -c .config.Cmd <<< "$cfg")" = '["mine"]' ]
}

@test "RUN: shell and exec forms, with the image's env, user and workdir, args in its environment" {
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
ARG BUILD_ONLY=fromarg
ENV KEEP=env
WORKDIR /w
RUN echo "shell $KEEP $BUILD_ONLY $(pwd) $(id -u)" > /w/shell.txt
RUN ["/bin/sh", "-c", "echo exec $KEEP > /w/exec.txt"]
USER nobody
RUN id -u > /tmp/uid
USER root
RUN cat /w/shell.txt /w/exec.txt /tmp/uid
X
  run -0 mb "$CTX"
  [[ $output == *"shell env fromarg /w 0"* ]]
  [[ $output == *"exec env"* ]]
  [[ $output == *"65534"* ]]
  [[ $output == *" ---> Running in "* ]]
  [[ $output == *"Removing intermediate container"* ]]
  id=$(sed -n 's/^Successfully built //p' <<< "$output")
  [ -n "$id" ]
  # The ARG value is not part of the image's env.
  run -0 mocker run --rm --network none "$id" sh -c 'echo "[$BUILD_ONLY]"'
  [ "$output" = "[]" ]
  # History: the RUN with its build arg, Docker's form.
  cfg=$(config_of "sha256:$(ls "$MOCKER_ROOT/images" | grep "^$id")")
  jq -r '.history[].created_by' <<< "$cfg" | grep -qx '|1 BUILD_ONLY=fromarg /bin/sh -c echo "shell $KEEP $BUILD_ONLY $(pwd) $(id -u)" > /w/shell.txt'
  assert_no_step_leftovers
}

@test "a step's overlay is volatile (no sync of the file system at its unmount), a run's is not" {
  # the root mount as the RUN sees it: its super options carry `volatile`
  # (shown as `fsync=volatile` since Linux 6.6)
  printf 'FROM busybox\nRUN grep -m1 " / / " /proc/self/mountinfo\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  grep ' / / .* overlay ' <<< "$output" | grep -Eq ',(fsync=)?volatile(,|$)'
  run -0 mocker run --rm --network none busybox grep -m1 " / / " /proc/self/mountinfo
  [[ $output == *" overlay "* ]]
  [[ $output != *volatile* ]]
  assert_no_step_leftovers
}

@test "RUN with --network none sees only the loopback" {
  printf 'FROM busybox\nRUN ls /sys/class/net | tr "\\n" " "\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  [[ $output == *$'\nlo \n'* || $output == *$'\nlo '* ]]
}

@test "COPY: files, directories' contents, globs, relative destinations, --chown and --chmod" {
  mkdir -p "$CTX/dir/sub" "$CTX/g"
  echo one > "$CTX/one.txt"
  echo two > "$CTX/two.txt"
  echo nested > "$CTX/dir/sub/n"
  echo top > "$CTX/dir/t"
  ln -s t "$CTX/dir/link"
  chmod 751 "$CTX/dir/t"
  echo x > "$CTX/g/a.c"; echo y > "$CTX/g/b.c"; echo z > "$CTX/g/c.h"
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
WORKDIR /app
COPY one.txt .
COPY one.txt /renamed
COPY one.txt two.txt /multi/
COPY dir /d/
COPY g/*.c /globbed/
COPY ["one.txt", "/json form/"]
COPY --chown=nobody --chmod=640 two.txt /owned/
COPY --chown=1:2 dir /d2
RUN cd / && find app renamed multi d globbed "json form" owned d2 | sort | tr '\n' ' ' && \
    stat -c '%n %u:%g %a' /owned/two.txt /owned /d/t /d2/t /d2 && readlink /d/link && cat /renamed
X
  run -0 mb "$CTX"
  [[ $output == *"app app/one.txt d d/link d/sub d/sub/n d/t d2 d2/link d2/sub d2/sub/n d2/t globbed globbed/a.c globbed/b.c json form json form/one.txt multi multi/one.txt multi/two.txt owned owned/two.txt renamed "* ]]
  [[ $output == *"/owned/two.txt 65534:65534 640"* ]]
  [[ $output == *"/owned 65534:65534 755"* ]]
  [[ $output == *"/d/t 0:0 751"* ]]
  [[ $output == *"/d2/t 1:2 751"* ]]
  [[ $output == *"/d2 1:2 "* ]]
  [[ $output == *$'\nt\none'* ]]
  assert_no_step_leftovers
}

@test "ADD: a local tar archive is extracted, a plain file copied, a URL refused" {
  mkdir -p "$CTX/t/in"
  echo packed > "$CTX/t/in/file"
  tar -C "$CTX/t" -czf "$CTX/a.tar.gz" in
  tar -C "$CTX/t" -cf "$CTX/b.tar" in
  echo plain > "$CTX/plain"
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
ADD a.tar.gz /gz/
ADD b.tar /plain-tar
ADD plain /p/
RUN cat /gz/in/file /plain-tar/in/file /p/plain
X
  run -0 mb "$CTX"
  [[ $output == *$'packed\npacked\nplain'* ]]
  printf 'FROM busybox\n\nADD https://example.com/x /x\n' > "$CTX/Dockerfile"
  run -1 mb "$CTX"
  [[ $output == *"Dockerfile line 3: ADD \`https://example.com/x\`: sources from a URL are not supported"* ]]
  assert_no_step_leftovers
}

@test "ARG: defaults, --build-arg, \${VAR:-x} and \${VAR:+x}, scope per stage, before FROM, proxies" {
  cat > "$CTX/Dockerfile" <<'X'
ARG TAG=busybox
ARG GLOBAL=g
FROM $TAG AS one
ARG GIVEN=default
ARG UNSET
ARG GLOBAL
ENV E1=${GIVEN} E2=${UNSET:-fallback} E3=${GIVEN:+set} E4=${UNSET:+set} E5=${GLOBAL}
RUN echo "proxy=[$http_proxy] given=[$GIVEN]"
FROM busybox
ENV S2=[${GIVEN}]
X
  run -0 mb --build-arg GIVEN=cli --build-arg http_proxy=http://proxy:3128 --build-arg NEVER=1 --target one "$CTX"
  [[ $output == *"proxy=[http://proxy:3128] given=[cli]"* ]]
  [[ $output == *"[Warning] One or more build-args [NEVER] were not consumed"* ]]
  id=$(sed -n 's/^Successfully built //p' <<< "$output")
  cfg=$(config_of "sha256:$(ls "$MOCKER_ROOT/images" | grep "^$id")")
  [ "$(jq -c '.config.Env[1:]' <<< "$cfg")" = '["E1=cli","E2=fallback","E3=set","E4=","E5=g"]' ]
  # The proxy value is in no history entry.
  ! jq -r '.history[].created_by' <<< "$cfg" | grep -q proxy:3128 || false
  # The second stage does not see the first one's ARG.
  run -0 mb -q --build-arg GIVEN=cli "$CTX"
  [ "$(config_of "$output" | jq -c '.config.Env[1:]')" = '["S2=[]"]' ]
}

@test "multi-stage: COPY --from by name and index, FROM an earlier stage, --target, scratch" {
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox AS builder
RUN mkdir /out && echo artefact > /out/a
FROM builder AS derived
RUN echo more > /out/b
FROM scratch AS final
COPY --from=builder /out/a /a
COPY --from=1 /out/b /b
COPY --from=busybox /bin/busybox /bin/busybox
CMD ["/bin/busybox", "cat", "/a", "/b"]
FROM busybox AS other
RUN false
X
  run -0 mb -t ms-final --target final "$CTX"
  [[ $output == *"Step 9/9 : CMD"* ]]
  [[ $output == *"Successfully tagged ms-final:latest"* ]]
  run -0 mocker run --rm --network none ms-final
  [ "$output" = $'artefact\nmore' ]
  [ "$(config_of ms-final | jq '.rootfs.diff_ids|length')" = 3 ]
  # Building every stage runs the failing last one.
  run -1 mb "$CTX"
  [[ $output == *"Dockerfile line 11: the command '/bin/sh -c false' returned a non-zero code: 1"* ]]
  run -1 mb --target nope "$CTX"
  [[ $output == *"Dockerfile: --target: no stage named \`nope\`"* ]]
  assert_no_step_leftovers
}

@test "cache: an unchanged build costs no container, one changed file rebuilds from its COPY on" {
  echo v1 > "$CTX/a"
  echo b > "$CTX/b"
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
RUN echo first > /first
COPY b /b
COPY a /a
RUN cat /a
ENV DONE=1
X
  run -0 mb -t cached "$CTX"
  [ "$(grep -c 'Running in' <<< "$output")" = 2 ]
  first=$(sed -n 's/^Successfully built //p' <<< "$output")
  run -0 mb -t cached "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 5 ]
  [ "$(grep -c 'Running in' <<< "$output")" = 0 ]
  [ "$(sed -n 's/^Successfully built //p' <<< "$output")" = "$first" ]
  # Same content, new mtime: still cached (the checksum is of the content).
  touch -d '2001-01-01' "$CTX/a"
  run -0 mb "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 5 ]
  echo v2 > "$CTX/a"
  run -0 mb "$CTX"
  # RUN echo and COPY b cached; COPY a, RUN cat, ENV rebuilt.
  [ "$(grep -c 'Using cache' <<< "$output")" = 2 ]
  [[ $output == *"Step 4/6 : COPY a /a"$'\n'" ---> "[0-9a-f]* ]]
  [[ $output == *v2* ]]
  run -0 mb --no-cache "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 0 ]
  [ "$(grep -c 'Running in' <<< "$output")" = 2 ]
  # A different build arg value is a miss for the RUN that sees it.
  printf 'FROM busybox\nARG V=1\nRUN echo $V\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  run -0 mb "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 2 ]
  run -0 mb --build-arg V=2 "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 0 ]
  assert_no_step_leftovers
}

@test ".dockerignore: excluded files are invisible to COPY, ! exceptions, the last match wins" {
  mkdir -p "$CTX/logs/keep" "$CTX/src"
  echo l > "$CTX/logs/x.log"
  echo k > "$CTX/logs/keep/important"
  echo s > "$CTX/src/main.c"
  echo o > "$CTX/src/main.o"
  echo r > "$CTX/README.md"
  echo n > "$CTX/NOTES.md"
  echo t > "$CTX/secret.txt"
  cat > "$CTX/.dockerignore" <<'X'
# build output and secrets
/logs
!logs/keep
**/*.o
*.md
!README.md
secret.txt
./Dockerfile
X
  cat > "$CTX/Dockerfile" <<'X'
FROM busybox
COPY . /ctx/
RUN cd /ctx && find . | sort | tr '\n' ' '
X
  run -0 mb "$CTX"
  [[ $output == *". ./.dockerignore ./README.md ./logs ./logs/keep ./logs/keep/important ./src ./src/main.c "* ]]
  printf 'FROM busybox\nCOPY secret.txt /\n' > "$CTX/Dockerfile"
  run -1 mb "$CTX"
  [[ $output == *"Dockerfile line 2: COPY failed: \`secret.txt\` not found in the build context (excluded by .dockerignore)"* ]]
  printf 'FROM busybox\nCOPY *.md /md/\nRUN ls /md\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  [[ $output == *$'\nREADME.md\n'* ]]
  [[ $output != *NOTES.md* ]]
}

@test "parser: escape directive, continuations, comments inside, case-insensitive instructions" {
  cat > "$CTX/Dockerfile" <<'X'
# escape=`
from busybox
env P=c:\x `
    Q=y
run echo a `
# a comment in the middle
    b "$P" $Q
X
  run -0 mb "$CTX"
  [[ $output == *'Step 3/3 : run echo a     b "$P" $Q'* ]]
  [[ $output == *$'\na b c:\\x y\n'* ]]
}

@test "a Dockerfile on stdin: no context" {
  run -0 bash -c "printf 'FROM busybox\nRUN echo from-stdin\n' | '$MOCKER_BIN' build --network none -"
  [[ $output == *from-stdin* ]]
  run -1 bash -c "printf 'FROM busybox\nCOPY x /\n' | '$MOCKER_BIN' build --network none -"
  [[ $output == *"Dockerfile line 2: COPY: there is no build context"* ]]
  echo 'FROM busybox' > "$CTX/other.df"
  run -0 mb -q -f "$CTX/other.df" "$CTX"
  [[ $output =~ ^sha256: ]]
}

@test "ONBUILD triggers run in the child build" {
  printf 'FROM busybox\nONBUILD RUN echo triggered > /trig\n' > "$CTX/Dockerfile"
  run -0 mb -q -t onbuild-base "$CTX"
  printf 'FROM onbuild-base\nRUN cat /trig\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  [[ $output == *"# Executing 1 build trigger"* ]]
  [[ $output == *$'\ntriggered\n'* ]]
  id=$(sed -n 's/^Successfully built //p' <<< "$output")
  [ "$(config_of "sha256:$(ls "$MOCKER_ROOT/images" | grep "^$id")" | jq -c .config.OnBuild)" = null ]
}

@test "bad input: one error naming the Dockerfile line, exit 1, no image, nothing left" {
  echo data > "$CTX/inside"
  ln -s /etc/passwd "$CTX/out-link"
  ln -s ../../.. "$CTX/up-link"
  local before
  before=$(image_count)
  check() {  # check DOCKERFILE-TEXT EXPECTED-MESSAGE
    printf "$1" > "$CTX/Dockerfile"
    run -1 mb "$CTX"
    [[ $output == *"mocker: $2"* ]] || { echo "want: $2" >&2; return 1; }
    [ "$(image_count)" = "$before" ] || { echo "an image was left" >&2; return 1; }
    assert_no_step_leftovers
  }
  check 'FROM busybox\nFROBNICATE x\n' "Dockerfile line 2: unknown instruction: FROBNICATE"
  check '# just a comment\nRUN true\n' "Dockerfile line 2: RUN before the first FROM"
  check '# nothing\n' "Dockerfile: no FROM instruction"
  check 'FROM busybox\nCOPY ../x /\n' "Dockerfile line 2: COPY source \`../x\` is outside the build context"
  check 'FROM busybox\nCOPY /etc/passwd /\n' "Dockerfile line 2: COPY source \`/etc/passwd\` is outside the build context (an absolute path)"
  check 'FROM busybox\nCOPY out-link /\n' "Dockerfile line 2: COPY source \`out-link\` is outside the build context (a symlink leads out)"
  check 'FROM busybox\nCOPY up-link/etc/passwd /\n' "Dockerfile line 2: COPY source \`up-link/etc/passwd\` is outside the build context (a symlink leads out)"
  check 'FROM busybox\nCOPY missing /\n' "Dockerfile line 2: COPY failed: \`missing\` not found in the build context"
  check 'FROM busybox\nCOPY inside inside /x\n' "Dockerfile line 2: when COPY has more than one source file, the destination must be a directory and end with a /"
  check 'FROM busybox\nRUN echo before-failing; exit 7\n' "Dockerfile line 2: the command '/bin/sh -c echo before-failing; exit 7' returned a non-zero code: 7"
  [[ $output == *before-failing* ]]
  check 'FROM busybox\nRUN <<EOF\necho\nEOF\n' "Dockerfile line 2: heredocs (\`<<EOF\`) are not supported"
  check 'FROM busybox\nSHELL /bin/bash -c\n' "Dockerfile line 2: SHELL requires the arguments in JSON form"
  check 'FROM busybox\nEXPOSE 80/tcpx\n' "Dockerfile line 2: EXPOSE: unknown protocol"
  check 'FROM busybox\nEXPOSE 1-65535\n' "Dockerfile line 2: EXPOSE: a range of more than 1024 ports in \`1-65535\`"
  check 'FROM no-such-image-here\n' "Dockerfile line 1: FROM no-such-image-here:"
  check 'FROM busybox\nENV A=${B\n' "Dockerfile line 2: ENV: missing \`}\`"
  check 'FROM busybox\nCOPY --bogus=1 inside /\n' "Dockerfile line 2: COPY: unknown flag \`--bogus=1\`"
  check 'FROM busybox\nHEALTHCHECK --interval=soon CMD true\n' "Dockerfile line 2: HEALTHCHECK --interval=soon: not a duration"
  check 'FROM busybox\n# c\nONBUILD FOO bar\n' "Dockerfile line 3: ONBUILD: unknown instruction: FOO"
  check 'FROM busybox\nONBUILD ONBUILD RUN true\n' "Dockerfile line 2: chaining ONBUILD via \`ONBUILD ONBUILD\` is not allowed"
  check 'FROM busybox\nONBUILD FROM busybox\n' "Dockerfile line 2: FROM is not allowed as an ONBUILD trigger"
  check 'FROM busybox\nFROM busybox AS a\nFROM busybox AS A\n' "Dockerfile line 3: duplicate stage name \`A\`"
  check 'FROM busybox\nRUN --mount=type=cache,target=/x true\n' "Dockerfile line 2: RUN: flag \`--mount=type=cache,target=/x\` is not supported"
  # A failing step after a good one: the good step's image stays (the cache,
  # as Docker), still nothing of the failing step is left.
  printf 'FROM busybox\nUSER nosuchuser\nRUN true\n' > "$CTX/Dockerfile"
  run -1 mb "$CTX"
  [[ $output == *"mocker: Dockerfile line 3: RUN: "*nosuchuser* ]]
  assert_no_step_leftovers
  printf 'FROM busybox\n' > "$CTX/Dockerfile"
  run -1 mb --target x "$CTX"
  [[ $output == *"mocker: Dockerfile: --target: no stage named \`x\`"* ]]
  run -1 mb "$CTX/nope"
  [[ $output == *"the context \`$CTX/nope\` is not a directory"* ]]
  run -125 mb --platform linux/s390x "$CTX"
  [[ $output == *"--platform \`linux/s390x\`: only the host's"* ]]
}

@test "output: Docker's classic builder lines; -q prints the id only" {
  printf 'FROM busybox\nENV X=1\nRUN true\n' > "$CTX/Dockerfile"
  run -0 mb --no-cache -t out-test:v1 -t out-test:v2 "$CTX"
  [[ ${lines[0]} == "Step 1/3 : FROM busybox" ]]
  [[ ${lines[1]} =~ ^" ---> "[0-9a-f]{12}$ ]]
  [[ ${lines[2]} == "Step 2/3 : ENV X=1" ]]
  [[ ${lines[4]} == "Step 3/3 : RUN true" ]]
  [[ ${lines[5]} =~ ^" ---> Running in "[0-9a-f]{12}$ ]]
  [[ ${lines[6]} =~ ^"Removing intermediate container "[0-9a-f]{12}$ ]]
  [[ ${lines[8]} =~ ^"Successfully built "[0-9a-f]{12}$ ]]
  [ "${lines[9]}" = "Successfully tagged out-test:v1" ]
  [ "${lines[10]}" = "Successfully tagged out-test:v2" ]
  run -0 mb -q "$CTX"
  [ "${#lines[@]}" = 1 ]
  [[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
}

@test "step images: hidden from images (shown with -a), deleted with the image built on them" {
  printf 'FROM busybox\nENV STEP=1\nRUN echo x > /x\nCMD ["true"]\n' > "$CTX/Dockerfile"
  local before before_all
  before=$(mocker images -q | sort)
  before_all=$(mocker images -a -q | wc -l)
  run -0 mb --no-cache -q -t steps "$CTX"
  id=$output
  # One more image listed (the tagged one); three more with -a.
  [ "$(comm -13 <(echo "$before") <(mocker images -q | sort) | wc -l)" = 1 ]
  [ "$(mocker images -a -q | wc -l)" = $((before_all + 3)) ]
  # An untagged final image is listed (as Docker's dangling images).
  printf 'FROM busybox\nENV OTHER=1\n' > "$CTX/Dockerfile"
  run -0 mb -q "$CTX"
  other=$output
  mocker images | grep -q "^<none> .* ${other:7:12} "
  run -0 mocker rmi "$other"
  run -0 mocker rmi steps
  [ "$(grep -c '^Deleted:' <<< "$output")" = 3 ]
  [ "$(mocker images -a -q | wc -l)" = "$before_all" ]
  # The base stays.
  mocker images | grep -q '^busybox '
  # The cache entries of the deleted steps are misses (and dropped).
  printf 'FROM busybox\nENV STEP=1\nRUN echo x > /x\nCMD ["true"]\n' > "$CTX/Dockerfile"
  run -0 mb "$CTX"
  [ "$(grep -c 'Using cache' <<< "$output")" = 0 ]
  [ "$(grep -c 'Running in' <<< "$output")" = 1 ]
}

@test "-q: the output of a failing RUN is shown, of a passing one not" {
  printf 'FROM busybox\nRUN echo quiet-ok\n' > "$CTX/Dockerfile"
  run -0 mb -q --no-cache "$CTX"
  [[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
  printf 'FROM busybox\nRUN echo quiet-fails; exit 2\n' > "$CTX/Dockerfile"
  run -1 mb -q "$CTX"
  [[ $output == *quiet-fails* ]]
  [[ $output == *"Dockerfile line 2: the command '/bin/sh -c echo quiet-fails; exit 2' returned a non-zero code: 2"* ]]
  assert_no_step_leftovers
}

@test "^C during a RUN stops the build: the container is killed and removed" {
  # sleep as the container's init ignores SIGINT: the build must kill it.
  printf 'FROM busybox\nRUN echo started; sleep 600\n' > "$CTX/Dockerfile"
  "$MOCKER_BIN" build --network none --no-cache "$CTX" > "$CTX/out" 2>&1 &
  local pid=$! i
  for i in $(seq 200); do
    grep -qx started "$CTX/out" && break
    sleep 0.05
  done
  grep -qx started "$CTX/out"
  kill -INT "$pid"
  # Bounded wait (20 s) for the build to end: it must not wait for the sleep.
  for i in $(seq 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"; wait "$pid" || true
    echo "the build did not stop" >&2
    return 1
  fi
  local status=0
  wait "$pid" || status=$?
  cat "$CTX/out"
  [ "$status" = 1 ]
  grep -q "Dockerfile line 2: RUN: build interrupted (Interrupt)" "$CTX/out"
  output=$(cat "$CTX/out")
  assert_no_step_leftovers
}
